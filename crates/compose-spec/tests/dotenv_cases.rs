//! Table-driven tests for `dotenv::parse` / `dotenv::parse_into`.
//!
//! Ported from compose-go v2.9.1 `dotenv/parser_test.go`, `godotenv_test.go`,
//! `godotenv_var_expansion_test.go` and the `dotenv/fixtures/*` files (copied to
//! `tests/data/dotenv/`), plus corner cases confirmed against `docker compose
//! config` v2.40.3 with an `env_file:` (marked "docker").

use compose_spec::dotenv::{parse, parse_into, DotenvError};
use compose_spec::template::UnsetVar;
use indexmap::IndexMap;

/// An expected unset variable: (name, offset, len).
type Unset<'a> = (&'a str, usize, usize);

type Pairs<'a> = &'a [(&'a str, &'a str)];

fn lookup_from<'a>(env: Pairs<'a>) -> impl Fn(&str) -> Option<String> + 'a {
    move |name| {
        env.iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.to_string())
    }
}

fn parse_with(input: &str, env: Pairs<'_>) -> Result<IndexMap<String, String>, DotenvError> {
    parse(input, &lookup_from(env))
}

/// Parses `input` with `env` as lookup and compares all variables, in order.
fn check(input: &str, env: Pairs<'_>, expected: Pairs<'_>) {
    let got = match parse_with(input, env) {
        Ok(got) => got,
        Err(e) => panic!("input {input:?}: unexpected error {e}"),
    };
    let got: Vec<(&str, &str)> = got.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    assert_eq!(got, expected, "input {input:?}");
}

fn fixture(name: &str) -> String {
    let path = format!("{}/tests/data/dotenv/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn parses_single_values_like_compose_go() {
    // TestParsing (parseAndCompare): (input, key, value).
    let cases: &[(&str, &str, &str)] = &[
        ("FOO=bar", "FOO", "bar"),
        ("FOO =bar", "FOO", "bar"),
        ("FOO= bar", "FOO", "bar"),
        (r#"FOO="bar""#, "FOO", "bar"),
        ("FOO='bar'", "FOO", "bar"),
        (r#"FOO="escaped\"bar""#, "FOO", r#"escaped"bar"#),
        (r#"FOO="\"quoted\"""#, "FOO", r#""quoted""#),
        (r#"FOO="'d'""#, "FOO", "'d'"),
        ("OPTION_A: 1", "OPTION_A", "1"),
        ("OPTION_A: Foo=bar", "OPTION_A", "Foo=bar"),
        ("OPTION_A=1:B", "OPTION_A", "1:B"),
        ("export OPTION_A=2", "OPTION_A", "2"),
        (r"export OPTION_B='\n'", "OPTION_B", r"\n"),
        ("export exportFoo=2", "exportFoo", "2"),
        ("exportFOO=2", "exportFOO", "2"),
        ("export_FOO =2", "export_FOO", "2"),
        ("export.FOO= 2", "export.FOO", "2"),
        ("export\tOPTION_A=2", "OPTION_A", "2"),
        ("  export OPTION_A=2", "OPTION_A", "2"),
        ("\texport OPTION_A=2", "OPTION_A", "2"),
        (r#"export OPTION_A="export A""#, "OPTION_A", "export A"),
        (r#"FOO="bar\nbaz""#, "FOO", "bar\nbaz"),
        (r"FOO=a\tb", "FOO", r"a\tb"),
        (r#"FOO="a\tb""#, "FOO", "a\tb"),
        (
            r#"KEY="Z\aZ\bZ\fZ\nZ\rZ\tZ\vZ\\Z\0123Z""#,
            "KEY",
            "Z\u{7}Z\u{8}Z\u{c}Z\nZ\rZ\tZ\u{b}Z\\ZSZ",
        ),
        ("FOO.BAR=foobar", "FOO.BAR", "foobar"),
        ("FOO=foobar=", "FOO", "foobar="),
        ("FOO=bar ", "FOO", "bar"),
        ("FOO=bar # this is foo", "FOO", "bar"),
        ("FOO=bar #this is foo", "FOO", "bar"),
        ("FOO=bar #", "FOO", "bar"),
        ("FOO=123#not-an-inline-comment", "FOO", "123#not-an-inline-comment"),
        (r#"FOO="bar#baz""#, "FOO", "bar#baz"),
        (r##"FOO="bar#baz"#"##, "FOO", "bar#baz"),
        (r#"FOO="bar#baz" # comment"#, "FOO", "bar#baz"),
        ("FOO='bar#baz' # comment", "FOO", "bar#baz"),
        (r#"FOO="bar#baz#bang" # comment"#, "FOO", "bar#baz#bang"),
        (r#"FOO="ba#r""#, "FOO", "ba#r"),
        ("FOO='ba#r'", "FOO", "ba#r"),
        (r#"FOO="bar\n\ b\az""#, "FOO", "bar\n\\ b\u{7}z"),
        (r#"FOO="bar\\\n\ b\az""#, "FOO", "bar\\\n\\ b\u{7}z"),
        (r#"FOO="bar\\r\ b\az""#, "FOO", "bar\\r\\ b\u{7}z"),
        (r#"FOO="bar\nbaz\\""#, "FOO", "bar\nbaz\\"),
        (r#"="value""#, "", "value"),
        (" KEY =value", "KEY", "value"),
        ("   KEY=value", "KEY", "value"),
        ("\tKEY=value", "KEY", "value"),
        (r#"KEY="\0123""#, "KEY", "S"),
        (r#"KEY="\x07""#, "KEY", r"\x07"),
        (r#"KEY="\u12e4""#, "KEY", r"\u12e4"),
        (r#"KEY="\U00101234""#, "KEY", r"\U00101234"),
        // TestParse
        ("ONE=1\nTWO='2'\nTHREE = \"3\"", "THREE", "3"),
        // TestVariableStringValueSeparator
        (
            "TEST_URLS=\"stratum+tcp://stratum.antpool.com:3333\nstratum+tcp://stratum.antpool.com:443\"",
            "TEST_URLS",
            "stratum+tcp://stratum.antpool.com:3333\nstratum+tcp://stratum.antpool.com:443",
        ),
    ];
    for (input, key, value) in cases {
        let got = parse_with(input, &[]).unwrap_or_else(|e| panic!("input {input:?}: {e}"));
        assert_eq!(
            got.get(*key).map(String::as_str),
            Some(*value),
            "input {input:?}: {got:?}"
        );
    }
}

#[test]
fn parses_whole_texts() {
    let cases: &[(&str, Pairs<'_>, Pairs<'_>)] = &[
        // TestParseBytes
        (
            "\na=b\na[1]=c\na.propertyKey=d\nárvíztűrő-TÜKÖRFÚRÓGÉP=ÁRVÍZTŰRŐ-tükörfúrógép\n",
            &[],
            &[
                ("a", "b"),
                ("a[1]", "c"),
                ("a.propertyKey", "d"),
                ("árvíztűrő-TÜKÖRFÚRÓGÉP", "ÁRVÍZTŰRŐ-tükörfúrógép"),
            ],
        ),
        // TestExpanding
        (
            "FOO=test\nBAR=$FOO",
            &[],
            &[("FOO", "test"), ("BAR", "test")],
        ),
        (
            "FOO=test\nBAR=${FOO}bar",
            &[],
            &[("FOO", "test"), ("BAR", "testbar")],
        ),
        ("BAR=$FOO", &[], &[("BAR", "")]),
        (
            "FOO=test\nBAR=\"quote $FOO\"",
            &[],
            &[("FOO", "test"), ("BAR", "quote test")],
        ),
        ("BAR='quote $FOO'", &[], &[("BAR", "quote $FOO")]),
        (r#"FOO="foo\$BAR""#, &[], &[("FOO", "foo$BAR")]),
        (r#"FOO="foo\${BAR}""#, &[], &[("FOO", "foo${BAR}")]),
        (
            "FOO=test\nBAR=\"foo\\${FOO} ${FOO}\"",
            &[],
            &[("FOO", "test"), ("BAR", "foo${FOO} test")],
        ),
        // TestExpandingEnvironmentWithLookup
        ("TEST=$ME", &[("ME", "YES")], &[("TEST", "YES")]),
        // TestLinesToIgnore
        ("\n", &[], &[]),
        ("\r\n", &[], &[]),
        ("\t\t ", &[], &[]),
        ("# Comment", &[], &[]),
        ("\t # comment", &[], &[]),
        ("", &[], &[]),
        ("\u{FEFF}", &[], &[]),
        // Lookup beats earlier definitions for expansion (docker).
        (
            "A=file\nB=$A\nC=${A:-x}",
            &[("A", "proc")],
            &[("A", "file"), ("B", "proc"), ("C", "proc")],
        ),
        // Bare keys come from the lookup only; a redefinition keeps the first position.
        ("K1=a\nK1\nK2=b$K1", &[], &[("K1", "a"), ("K2", "ba")]),
        (
            "K1=a\nK1\nK2=b$K1",
            &[("K1", "env")],
            &[("K1", "env"), ("K2", "benv")],
        ),
        ("A=1\nB=2\nA=3", &[], &[("A", "3"), ("B", "2")]),
        // A last line without `=` and newline is the value of an empty key (docker).
        ("A=1\nK", &[("K", "v")], &[("A", "1"), ("", "K")]),
        ("A=1\nexport", &[], &[("A", "1"), ("", "export")]),
        ("K\n", &[("K", "v")], &[("K", "v")]),
        ("export K\n", &[("K", "v")], &[("K", "v")]),
        // `export` followed by a newline leaves an empty bare key (looked up as "").
        ("export\nB=2", &[], &[("B", "2")]),
        ("export\nB=2", &[("", "x")], &[("", "x"), ("B", "2")]),
        // Text after a closing quote starts the next statement (docker).
        ("C=\"bar\"baz\nD=1", &[], &[("C", "bar"), ("D", "1")]),
        (
            "C=\"bar\"baz\nD=1",
            &[("baz", "z")],
            &[("C", "bar"), ("baz", "z"), ("D", "1")],
        ),
        ("C='a'B=2", &[], &[("C", "a"), ("B", "2")]),
        // Only ` #` starts a comment; a value may start with `#` (docker).
        ("E= #x", &[], &[("E", "#x")]),
        ("E=#x", &[], &[("E", "#x")]),
        ("E=a\t#x", &[], &[("E", "a\t#x")]),
        ("FOO=bar baz #c", &[], &[("FOO", "bar baz")]),
        // Blanks around the key; NBSP and tabs inside a key are kept (docker).
        ("A\u{a0}B=1", &[], &[("A\u{a0}B", "1")]),
        ("A\tB=1", &[], &[("A\tB", "1")]),
        (" B = 2 ", &[], &[("B", "2")]),
        ("\u{2003}B=2", &[], &[("B", "2")]),
        // CRLF line ends.
        (
            "FOO=a\\tb #c\r\nX=1\r\nY='q'\r\nZ\r\n",
            &[("Z", "z")],
            &[("FOO", "a\\tb"), ("X", "1"), ("Y", "q"), ("Z", "z")],
        ),
        ("A=\r\nB=\"x\r\ny\"\r\n", &[], &[("A", ""), ("B", "x\r\ny")]),
        // Key characters (docker).
        ("1A=2", &[], &[("1A", "2")]),
        ("A.b-c[0]=1", &[], &[("A.b-c[0]", "1")]),
        ("ÅÄÖ_٣=1", &[], &[("ÅÄÖ_٣", "1")]),
        ("Ⅻ=1", &[], &[("Ⅻ", "1")]),
        // YAML-ish form.
        (
            "A=x:y\nB: c\nC :d",
            &[],
            &[("A", "x:y"), ("B", "c"), ("C", "d")],
        ),
        ("A:\"q\"", &[], &[("A", "q")]),
        // Escapes: `\$` survives as `$` only in double quotes (docker).
        ("A=$$x\\$y", &[], &[("A", "$x\\")]),
        ("A=\"\\$x \\\\$y\"", &[], &[("A", "$x \\")]),
        ("A='\\$x \\' $y'", &[], &[("A", "\\$x ' $y")]),
        ("A='a\\\\'", &[], &[("A", "a\\\\")]),
        // `\0` escapes: three octal digits, else the shortened text (docker).
        ("G=\"\\0101\\012\\0\"", &[], &[("G", "A\\12\\")]),
        (
            "G=\"\\01011\\0777\\089\\0000|\\0377\"",
            &[],
            &[("G", "A1\\777\\89\0|\u{ff}")],
        ),
        ("G=\"\\c\\q\\'\"", &[], &[("G", "\\c\\q\\'")]),
        // Interpolation in unquoted and double-quoted values only.
        (
            "H=${A:-${U}}\nJ=\"${U:-d}\"\nK='${U}'",
            &[("A", "proc")],
            &[("H", "proc"), ("J", "d"), ("K", "${U}")],
        ),
        (
            "A=${B:+x} ${C+y}z",
            &[("B", "b"), ("C", "")],
            &[("A", "x yz")],
        ),
        // Multi-line values.
        (
            "A='1\n2'\nB=\"3\n4\"\nC=5",
            &[],
            &[("A", "1\n2"), ("B", "3\n4"), ("C", "5")],
        ),
    ];
    for (input, env, expected) in cases {
        check(input, env, expected);
    }
}

#[test]
fn var_expansion_like_compose_go() {
    // godotenv_var_expansion_test.go: variables already known to the parser
    // (EMPTY_VAR, TEST_VAR) and a lookup that finds nothing.
    let cases: &[(&str, Result<&str, &str>)] = &[
        ("RESULT=${UNSET_VAR:-Default Value}", Ok("Default Value")),
        ("RESULT=${EMPTY_VAR:-Default Value}", Ok("Default Value")),
        ("RESULT=${TEST_VAR:-Default Value}", Ok("Test Value")),
        ("RESULT=${UNSET_VAR-Default Value}", Ok("Default Value")),
        ("RESULT=${EMPTY_VAR-Default Value}", Ok("")),
        ("RESULT=${TEST_VAR-Default Value}", Ok("Test Value")),
        (
            "RESULT=${UNSET_VAR:?Test error}",
            Err("required variable UNSET_VAR is missing a value: Test error"),
        ),
        (
            "RESULT=${EMPTY_VAR:?Test error}",
            Err("required variable EMPTY_VAR is missing a value: Test error"),
        ),
        ("RESULT=${TEST_VAR:?Default Value}", Ok("Test Value")),
        (
            "RESULT=${UNSET_VAR?Test error}",
            Err("required variable UNSET_VAR is missing a value: Test error"),
        ),
        ("RESULT=${EMPTY_VAR?Test error}", Ok("")),
        ("RESULT=${TEST_VAR?Default Value}", Ok("Test Value")),
    ];
    for (input, expected) in cases {
        let mut vars = IndexMap::new();
        vars.insert("EMPTY_VAR".to_string(), String::new());
        vars.insert("TEST_VAR".to_string(), "Test Value".to_string());
        let got = parse_into(input, &|_| None, &mut vars).map(|_| vars["RESULT"].clone());
        let got = got.as_deref().map_err(|e| e.message.as_str());
        assert_eq!(got, *expected, "input {input:?}");
    }
}

#[test]
fn fixtures() {
    let var = ("VAR_TO_BE_LOADED_FROM_OS_ENV", "SOME_RANDOM_VALUE");
    let plain: Pairs<'_> = &[
        ("OPTION_A", "1"),
        ("OPTION_B", "2"),
        ("OPTION_C", "3"),
        ("OPTION_D", "4"),
        ("OPTION_E", "5"),
        // compose-go's `Read` drops keys starting with a digit; the parser does not.
        ("456", "ABC"),
        ("OPTION_F", ""),
        ("OPTION_G", ""),
        ("OPTION_H", "my string"),
    ];
    let substituted: Pairs<'_> = &[
        ("OPTION_A", "1"),
        ("OPTION_B", "1"),
        ("OPTION_C", "1"),
        ("OPTION_D", "1_1"),
        ("OPTION_E", ""),
    ];
    let cases: &[(&str, Pairs<'_>, Pairs<'_>)] = &[
        ("plain.env", &[], plain),
        ("utf8-bom.env", &[], plain),
        (
            "exported.env",
            &[],
            &[("OPTION_A", "2"), ("OPTION_B", "\\n")],
        ),
        (
            "equals.env",
            &[],
            &[(
                "OPTION_A",
                "postgres://localhost:5432/database?sslmode=disable",
            )],
        ),
        (
            "quoted.env",
            &[],
            &[
                ("OPTION_A", "1"),
                ("OPTION_B", "2"),
                ("OPTION_C", ""),
                ("OPTION_D", "\\n"),
                ("OPTION_E", "1"),
                ("OPTION_F", "2"),
                ("OPTION_G", ""),
                ("OPTION_H", "\n"),
                ("OPTION_I", "echo 'asd'"),
                ("OPTION_J", "first line\nsecond line\nthird line\nand so on"),
                ("OPTION_K", "Let's go!"),
                ("OPTION_Z", "last value"),
            ],
        ),
        (
            "unquoted.env",
            &[],
            &[
                ("OPTION_A", "some quoted phrase"),
                ("OPTION_B", "first one with an unquoted phrase"),
                ("OPTION_C", "then another one with an unquoted phrase"),
                (
                    "OPTION_D",
                    "then another one with an unquoted phrase special è char",
                ),
                ("OPTION_E", "then another one quoted phrase"),
            ],
        ),
        ("substitutions.env", &[], substituted),
        // TestSubstitutionsWithEnvFilePrecedence: the lookup wins over the file.
        (
            "substitutions.env",
            &[("OPTION_A", "5")],
            &[
                ("OPTION_A", "1"),
                ("OPTION_B", "5"),
                ("OPTION_C", "5"),
                ("OPTION_D", "5_5"),
                ("OPTION_E", ""),
            ],
        ),
        (
            "substitutions-default.env",
            &[("OPTION_A", "5")],
            &[
                ("OPTION_A", "5"),
                ("OPTION_B", "5"),
                ("OPTION_C", "5"),
                ("OPTION_D", "5_5"),
                ("OPTION_E", ""),
            ],
        ),
        ("substitutions-default.env", &[], substituted),
        (
            "special.env",
            &[],
            &[
                ("VAR.WITH.DOTS", "dots"),
                ("VAR_WITH_UNDERSCORES", "underscores"),
                ("VAR-WITH-DASHES", "dashes"),
            ],
        ),
        (
            "inherited-multi-var.env",
            &[var],
            &[("foo", "bar"), var, ("bar", "baz")],
        ),
        ("inherited-single-var.env", &[var], &[var]),
        ("inherited-not-found.env", &[var], &[]),
    ];
    for (file, env, expected) in cases {
        let text = fixture(file);
        let got = parse_with(&text, env).unwrap_or_else(|e| panic!("{file}: {e}"));
        let got: Vec<(&str, &str)> = got.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        assert_eq!(&got, expected, "{file} with {env:?}");
    }
    assert!(fixture("utf8-bom.env").starts_with('\u{FEFF}'));
}

#[test]
fn errors() {
    // (input, message, line, offset)
    let cases: &[(&str, &str, usize, usize)] = &[
        // TestParsing / TestParseVariable
        (
            "lol$wut",
            r#"line 1: unexpected character "$" in variable name "lol$wut""#,
            1,
            3,
        ),
        (
            "%!(EXTRA string)=foo",
            r#"line 1: unexpected character "%" in variable name "%!(EXTRA string)=foo""#,
            1,
            0,
        ),
        // TestUnterminatedQuotes
        ("KEY=\"", r#"line 1: unterminated quoted value ""#, 1, 4),
        (
            "KEY=\"value",
            r#"line 1: unterminated quoted value "value"#,
            1,
            4,
        ),
        (
            "KEY=\"value\\\"",
            r#"line 1: unterminated quoted value "value\""#,
            1,
            4,
        ),
        (
            "KEY=\"value'",
            r#"line 1: unterminated quoted value "value'"#,
            1,
            4,
        ),
        ("KEY='", "line 1: unterminated quoted value '", 1, 4),
        (
            "KEY='value",
            "line 1: unterminated quoted value 'value",
            1,
            4,
        ),
        (
            "KEY='value\\'",
            "line 1: unterminated quoted value 'value\\'",
            1,
            4,
        ),
        (
            "KEY='value\"",
            "line 1: unterminated quoted value 'value\"",
            1,
            4,
        ),
        // compose-go counts lines up to the end of the text (docker).
        ("A=\"x\ny\nz", "line 3: unterminated quoted value \"x", 1, 2),
        // Keys with spaces (docker).
        ("A B\nC=1", "line 1: key cannot contain a space", 1, 0),
        ("A=\"x\"\nB C\n", "line 2: key cannot contain a space", 2, 6),
        ("A=1\n  B C=1", "line 2: key cannot contain a space", 2, 6),
        // The line counter skips a bare key with trailing blanks, as compose-go's does.
        ("A \nB C=1", "line 1: key cannot contain a space", 2, 3),
        ("A \nB C\n", "line 1: key cannot contain a space", 2, 3),
        // `export` with nothing after it (docker).
        ("A=1\nexport ", "zero length string", 2, 11),
        ("export\t", "zero length string", 1, 7),
        // Key characters outside letters/numbers (docker).
        (
            "नाम=x",
            r#"line 1: unexpected character "ा" in variable name "नाम=x""#,
            1,
            3,
        ),
        (
            "A=1\nexport B$=2\n",
            r#"line 2: unexpected character "$" in variable name "B$=2""#,
            2,
            12,
        ),
        (
            "A\u{200b}=1",
            r#"line 1: unexpected character "\u200b" in variable name "A\u200b=1""#,
            1,
            1,
        ),
        (
            "A\u{1}=1",
            r#"line 1: unexpected character "\x01" in variable name "A\x01=1""#,
            1,
            1,
        ),
        (
            "A\u{2028}=1",
            r#"line 1: unexpected character "\u2028" in variable name "A\u2028=1""#,
            1,
            1,
        ),
        (
            "\"A\"=1",
            r#"line 1: unexpected character "\"" in variable name "\"A\"=1""#,
            1,
            0,
        ),
        (
            "A\\=1\r\n",
            r#"line 1: unexpected character "\\" in variable name "A\\=1\r""#,
            1,
            1,
        ),
        // Template errors carry no line in the message.
        ("A=1\nB=${C", r#"Invalid template: "${C""#, 2, 6),
        (
            "A=1\nB=\"x\\n${C:?}\"",
            "required variable C is missing a value",
            2,
            10,
        ),
        (
            "A=\"${B:-x\\ny}\"",
            "Invalid template: \"${B:-x\\ny}\"",
            1,
            3,
        ),
    ];
    for (input, message, line, offset) in cases {
        let err = parse_with(input, &[]).expect_err(input);
        assert_eq!(
            (err.message.as_str(), err.line, err.offset),
            (*message, *line, *offset),
            "input {input:?}"
        );
        assert_eq!(err.to_string(), *message);
    }
    // TestErrorParsing
    let err = parse_with(&fixture("invalid1.env"), &[]).unwrap_err();
    assert_eq!(err.message, "line 7: key cannot contain a space");
    assert_eq!(err.line, 7);
}

#[test]
fn multiple_files_share_one_map() {
    // TestMultipleFiles: GetEnvFromFile parses every file into one map, with
    // the process environment as lookup.
    let base = "\nENV_HOSTNAME=localhost\nENV_MY_URL=\"http://${ENV_HOSTNAME}\"\n";
    let over = "\nENV_HOSTNAME=dev.my-company.com\nENV_MY_URL=\"http://${ENV_HOSTNAME}\"\n";
    let run = |env: Pairs<'_>| {
        let lookup = lookup_from(env);
        let mut vars = IndexMap::new();
        for text in [base, over] {
            parse_into(text, &lookup, &mut vars).unwrap();
        }
        vars
    };
    let vars = run(&[]);
    assert_eq!(vars["ENV_HOSTNAME"], "dev.my-company.com");
    assert_eq!(vars["ENV_MY_URL"], "http://dev.my-company.com");
    let vars = run(&[("ENV_HOSTNAME", "host.local")]);
    assert_eq!(vars["ENV_HOSTNAME"], "dev.my-company.com");
    assert_eq!(vars["ENV_MY_URL"], "http://host.local");
}

#[test]
fn unset_warnings() {
    // (input, [(name, offset, len)]); offsets point into the text.
    let cases: &[(&str, &[Unset<'_>])] = &[
        ("A=$U", &[("U", 2, 2)]),
        ("A=1\nB=x${U}y # $C", &[("U", 7, 4)]),
        ("X=$X", &[("X", 2, 2)]),
        ("A=1\nB=$A", &[]),
        ("A='$U'", &[]),
        ("U\nA=${U:-x}", &[]),
        // Inside double quotes, offsets skip escapes.
        ("A=\"\\t$U \\\"${V}\"", &[("U", 5, 2), ("V", 10, 4)]),
        ("A=\"x\ny $U\"", &[("U", 7, 2)]),
        // Operator texts are always evaluated (docker: warns about U2).
        ("H=${A:-${U2}}", &[("U2", 7, 5)]),
        ("\u{FEFF}A=$U", &[("U", 5, 2)]),
        ("A=\"\\0101$U\"", &[("U", 8, 2)]),
    ];
    for (input, expected) in cases {
        let mut vars = IndexMap::new();
        let got = parse_into(input, &lookup_from(&[("A", "a")]), &mut vars)
            .unwrap_or_else(|e| panic!("input {input:?}: {e}"));
        let expected: Vec<UnsetVar> = expected
            .iter()
            .map(|&(name, offset, len)| UnsetVar {
                name: name.into(),
                offset,
                len,
            })
            .collect();
        assert_eq!(got, expected, "input {input:?}");
    }
}

#[test]
fn lookup_is_not_called_for_single_quotes_or_comments() {
    use std::cell::RefCell;
    let seen = RefCell::new(Vec::new());
    let lookup = |name: &str| {
        seen.borrow_mut().push(name.to_string());
        None
    };
    parse("# $X\nA='$Y'\nB=$Z # $W\nC\n", &lookup).unwrap();
    assert_eq!(*seen.borrow(), ["Z", "C"]);
}

#[test]
fn many_lines() {
    // TestMemoryExplosion
    let text: Vec<String> = (0..1000).map(|i| format!("KEY{i}=VALUE{i}")).collect();
    let vars = parse(&text.join("\n"), &|_| None).unwrap();
    assert_eq!(vars.len(), 1000);
    assert_eq!(vars["KEY999"], "VALUE999");
}
