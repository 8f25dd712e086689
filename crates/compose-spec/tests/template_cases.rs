//! Table-driven tests for `template::substitute` and `template::extract_variables`.
//!
//! Most cases are ported from compose-go v2.9.1 `template/template_test.go` and
//! `template/variables_test.go`; the rest pin down corner cases of compose-go's
//! matching rules (several confirmed against `docker compose config` v2.40.3,
//! marked "docker").

use compose_spec::template::{
    extract_variables, substitute, TemplateErrorKind, UnsetVar, Variable,
};

/// An expected unset variable: (name, offset, len).
type Unset<'a> = (&'a str, usize, usize);

/// compose-go's test mapping: FOO=first, BAR="", JSON={"json":2}.
fn defaults(name: &str) -> Option<String> {
    match name {
        "FOO" => Some("first".into()),
        "BAR" => Some(String::new()),
        "JSON" => Some(r#"{"json":2}"#.into()),
        _ => None,
    }
}

fn check_ok(cases: &[(&str, &str)]) {
    for (template, expected) in cases {
        match substitute(template, &defaults) {
            Ok(s) => assert_eq!(s.value, *expected, "template {template:?}"),
            Err(e) => panic!("template {template:?}: unexpected error {e}"),
        }
    }
}

#[test]
fn substitutes_like_compose_go() {
    check_ok(&[
        // TestEscaped, TestSubstituteNoMatch
        ("$${foo}", "${foo}"),
        ("foo", "foo"),
        // TestUnescaped
        ("a $ string", "a $ string"),
        ("^REGEX$", "^REGEX$"),
        ("$}", "$}"),
        ("$", "$"),
        // TestNonBraced
        ("$FOO-bar", "first-bar"),
        // TestNoValueNoDefault
        ("This ${missing} var", "This  var"),
        ("This ${BAR} var", "This  var"),
        // TestValueNoDefault
        ("This $FOO var", "This first var"),
        ("This ${FOO} var", "This first var"),
        // TestNoValueWithDefault
        ("ok ${missing:-def}", "ok def"),
        ("ok ${missing-def}", "ok def"),
        // soft / hard defaults
        ("ok ${BAR:-def}", "ok def"),
        ("ok ${FOO:-def}", "ok first"),
        ("ok ${BAR-def}", "ok "),
        // presence values
        ("ok ${UNSET_VAR:+presence_value}", "ok "),
        ("ok ${UNSET_VAR+presence_value}", "ok "),
        ("ok ${FOO:+presence_value}", "ok presence_value"),
        ("ok ${FOO+presence_value}", "ok presence_value"),
        ("ok ${BAR+presence_value}", "ok presence_value"),
        ("ok ${BAR:+presence_value}", "ok "),
        // TestNonAlphanumericDefault
        ("ok ${BAR:-/non:-alphanumeric}", "ok /non:-alphanumeric"),
        // TestInterpolationExternalInterference
        ("-ok ${BAR:-defaultValue}", "-ok defaultValue"),
        ("+ok ${UNSET:-${BAR-defaultValue}}", "+ok "),
        ("-ok ${FOO:-defaultValue}", "-ok first"),
        (":-ok ${UNSET-defaultValue}", ":-ok defaultValue"),
        (":-ok ${BAR-defaultValue}", ":-ok "),
        (":?ok ${BAR-defaultValue}", ":?ok "),
        (":?ok ${BAR:-defaultValue}", ":?ok defaultValue"),
        (":+ok ${BAR:-defaultValue}", ":+ok defaultValue"),
        ("+ok ${BAR-defaultValue}", "+ok "),
        ("?ok ${BAR:-defaultValue}", "?ok defaultValue"),
        // TestDefaultsWithNestedExpansion
        ("ok ${UNSET_VAR-$FOO}", "ok first"),
        ("ok ${UNSET_VAR-${FOO}}", "ok first"),
        ("ok ${UNSET_VAR-${FOO} ${FOO}}", "ok first first"),
        ("ok ${BAR:-$FOO}", "ok first"),
        ("ok ${BAR:-${FOO}}", "ok first"),
        ("ok ${BAR:-${FOO} ${FOO}}", "ok first first"),
        ("ok ${BAR+$FOO}", "ok first"),
        ("ok ${BAR+$FOO ${FOO:+second}}", "ok first second"),
        // TestDefaultsForMandatoryVariables
        ("ok ${FOO:?err}", "ok first"),
        ("ok ${FOO?err}", "ok first"),
        ("ok ${BAR?err}", "ok "),
        // TestSubstituteWithReplacementFunc (last case)
        ("ok ${SUBDOMAIN:-redis}.${FOO:?}", "ok redis.first"),
        // TestPrecedence
        ("${UNSET_VAR-myerror?msg}", "myerror?msg"),
        ("${FOO?bar-baz}", "first"),
        (
            "${BAR:-default_value_for_empty_var}",
            "default_value_for_empty_var",
        ),
        (
            "${UNSET_VAR-default_value_for_unset_var}",
            "default_value_for_unset_var",
        ),
        // TestNoValueWithCurlyBracesDefault / TestValueWithCurlyBracesDefault
        (r#"ok ${missing:-{"json":1}}"#, r#"ok {"json":1}"#),
        (r#"ok ${missing-{"json":1}}"#, r#"ok {"json":1}"#),
        (r#"ok ${JSON:-{"json":1}}"#, r#"ok {"json":2}"#),
        (r#"ok ${JSON-{"json":1}}"#, r#"ok {"json":2}"#),
    ]);
}

#[test]
fn corner_cases() {
    check_ok(&[
        // A `$` that starts nothing stays.
        ("$1 $- $ $.x $%", "$1 $- $ $.x $%"),
        ("cost: 5$", "cost: 5$"),
        ("$$$FOO", "$first"),
        ("$$$$", "$$"),
        ("$$$", "$$"),
        // Names: letters, digits, underscores; case matters for lookups.
        ("$FOO_1x", ""),
        ("$FOO.bar", "first.bar"),
        ("${FOO}bar", "firstbar"),
        ("$_", ""),
        ("$foo", ""),
        // The operator text is a template of its own.
        ("${UNSET:-$$}", "$"),
        ("${UNSET:-$}", "$"),
        ("${UNSET:-a${BAR:-b${FOO}c}d}", "abfirstcd"),
        ("${UNSET:-}", ""),
        ("${UNSET-}x", "x"),
        ("${FOO:+}", ""),
        ("${FOO:-x}}", "first}"),
        ("${FOO:-{}}", "first"),
        // The match extends to the last `}` on the line; what follows the
        // balancing `}` is substituted as plain text (docker).
        ("${UNSET:-{}} tail}", "{}} tail"),
        ("${UNSET:-a} ${FOO} ${UNSET:-b} $FOO", "a first b first"),
        ("${UNSET:-x}\n${FOO:-y}", "x\nfirst"),
        // Operator chars after the first one are plain text.
        ("${UNSET:--x}", "-x"),
        ("${UNSET-:-x}", ":-x"),
        ("${UNSET:-x:?y}", "x:?y"),
        ("${FOO+a?b}", "a?b"),
        // A `?` message that is not needed is still substituted, silently.
        ("${FOO:?${FOO}}", "first"),
        // `ſ` and `K` (Kelvin sign) fold onto ASCII letters (docker).
        ("$ſ|${K}|$aſb", "||"),
        // Unicode around expressions is preserved.
        ("é${FOO}ü$FOOñ", "éfirstüfirstñ"),
        ("\u{1F600}$$\u{1F600}", "\u{1F600}$\u{1F600}"),
    ]);
}

#[test]
fn unset_variables_are_reported_with_offsets() {
    let cases: &[(&str, &[Unset<'_>])] = &[
        ("$A", &[("A", 0, 2)]),
        ("x ${A} y", &[("A", 2, 4)]),
        ("$FOO $BAR ${BAR}", &[]),
        ("${A:-x} ${B-y} ${C:+z} ${D+w}", &[]),
        // Variables in an operator text are looked up even when the text is
        // not used (docker: warns about B with A set).
        ("${FOO:-$B}", &[("B", 7, 2)]),
        ("${U:-${V}}", &[("V", 5, 4)]),
        ("${U:-${V:-$W}} $X", &[("W", 10, 2), ("X", 15, 2)]),
        ("${FOO:+$A ${B}}", &[("A", 7, 2), ("B", 10, 4)]),
        ("${FOO:?$A}", &[("A", 7, 2)]),
        // Evaluation order: operator text, then the text after the expression.
        (
            "${U:-$A} $B ${C}",
            &[("A", 5, 2), ("B", 9, 2), ("C", 12, 4)],
        ),
        ("é$Ü", &[]),
        ("é$ſ", &[("ſ", 2, 3)]),
        ("$A$A", &[("A", 0, 2), ("A", 2, 2)]),
    ];
    for (template, expected) in cases {
        let got = substitute(template, &defaults).expect(template).unset;
        let expected: Vec<UnsetVar> = expected
            .iter()
            .map(|&(name, offset, len)| UnsetVar {
                name: name.into(),
                offset,
                len,
            })
            .collect();
        assert_eq!(got, expected, "template {template:?}");
    }
}

enum Expect {
    Invalid,
    Required(&'static str, &'static str),
}

#[test]
fn errors() {
    use Expect::*;
    let cases: &[(&str, Expect, &str, (usize, usize))] = &[
        // TestInvalid
        ("${", Invalid, r#"Invalid template: "${""#, (0, 2)),
        ("${}", Invalid, r#"Invalid template: "${}""#, (0, 3)),
        ("${ }", Invalid, r#"Invalid template: "${ }""#, (0, 4)),
        ("${ foo}", Invalid, r#"Invalid template: "${ foo}""#, (0, 7)),
        ("${foo }", Invalid, r#"Invalid template: "${foo }""#, (0, 7)),
        ("${foo!}", Invalid, r#"Invalid template: "${foo!}""#, (0, 7)),
        ("${foo", Invalid, r#"Invalid template: "${foo""#, (0, 5)),
        (
            "${foo:x}",
            Invalid,
            r#"Invalid template: "${foo:x}""#,
            (0, 8),
        ),
        ("${1}", Invalid, r#"Invalid template: "${1}""#, (0, 4)),
        ("${a.b}", Invalid, r#"Invalid template: "${a.b}""#, (0, 6)),
        (
            "x\n${A:-y\n}",
            Invalid,
            "Invalid template: \"x\\n${A:-y\\n}\"",
            (2, 6),
        ),
        // The message names the innermost template (docker).
        ("${A:-${B}", Invalid, r#"Invalid template: "${B""#, (5, 3)),
        (
            "${A:-x} ${ }",
            Invalid,
            r#"Invalid template: " ${ }""#,
            (8, 4),
        ),
        (
            "${A:-x} ${ \"x}",
            Invalid,
            r#"Invalid template: " ${ \"x}""#,
            (8, 6),
        ),
        (
            "ok ${ } ${A:-x}",
            Invalid,
            r#"Invalid template: "ok ${ } ${A:-x}""#,
            (3, 4),
        ),
        (
            "${A:-x\ty ${}",
            Invalid,
            "Invalid template: \"x\\ty ${\"",
            (9, 2),
        ),
        // TestMandatoryVariableErrors
        (
            "not ok ${UNSET_VAR:?Mandatory Variable Unset}",
            Required("UNSET_VAR", "Mandatory Variable Unset"),
            "required variable UNSET_VAR is missing a value: Mandatory Variable Unset",
            (7, 38),
        ),
        (
            "not ok ${BAR:?Mandatory Variable Empty}",
            Required("BAR", "Mandatory Variable Empty"),
            "required variable BAR is missing a value: Mandatory Variable Empty",
            (7, 32),
        ),
        (
            "not ok ${UNSET_VAR:?}",
            Required("UNSET_VAR", ""),
            "required variable UNSET_VAR is missing a value",
            (7, 14),
        ),
        (
            "not ok ${UNSET_VAR?Mandatory Variable Unset}",
            Required("UNSET_VAR", "Mandatory Variable Unset"),
            "required variable UNSET_VAR is missing a value: Mandatory Variable Unset",
            (7, 37),
        ),
        (
            "not ok ${UNSET_VAR?}",
            Required("UNSET_VAR", ""),
            "required variable UNSET_VAR is missing a value",
            (7, 13),
        ),
        // TestMandatoryVariableErrorsWithNestedExpansion
        (
            "not ok ${UNSET_VAR:?Mandatory Variable ${FOO}}",
            Required("UNSET_VAR", "Mandatory Variable first"),
            "required variable UNSET_VAR is missing a value: Mandatory Variable first",
            (7, 39),
        ),
        (
            "not ok ${UNSET_VAR?Mandatory Variable ${FOO}}",
            Required("UNSET_VAR", "Mandatory Variable first"),
            "required variable UNSET_VAR is missing a value: Mandatory Variable first",
            (7, 38),
        ),
        // TestPrecedence
        (
            "${UNSET_VAR?bar-baz}",
            Required("UNSET_VAR", "bar-baz"),
            "required variable UNSET_VAR is missing a value: bar-baz",
            (0, 20),
        ),
        // Operator texts are evaluated even when unused (docker).
        (
            "${FOO:?${B:?inner}}",
            Required("B", "inner"),
            "required variable B is missing a value: inner",
            (7, 11),
        ),
        (
            "${FOO:-${B:?inner}}",
            Required("B", "inner"),
            "required variable B is missing a value: inner",
            (7, 11),
        ),
        (
            "${FOO:+${B:?}}",
            Required("B", ""),
            "required variable B is missing a value",
            (7, 6),
        ),
        (
            "${FOO-${ }}",
            Invalid,
            r#"Invalid template: "${ }""#,
            (6, 4),
        ),
        // The first error in evaluation order wins.
        (
            "${A?a} ${ }",
            Required("A", "a"),
            "required variable A is missing a value: a",
            (0, 6),
        ),
        (
            "${A?a} ${B?b}",
            Required("A", "a"),
            "required variable A is missing a value: a",
            (0, 6),
        ),
        (
            "${A?${B?b}}",
            Required("B", "b"),
            "required variable B is missing a value: b",
            (4, 6),
        ),
        (
            "${BAR:?} ${FOO}",
            Required("BAR", ""),
            "required variable BAR is missing a value",
            (0, 8),
        ),
    ];
    for (template, kind, message, (offset, len)) in cases {
        let err = substitute(template, &defaults).expect_err(template);
        assert_eq!(err.to_string(), *message, "template {template:?}");
        assert_eq!(
            (err.offset, err.len),
            (*offset, *len),
            "template {template:?}"
        );
        match (kind, &err.kind) {
            (Invalid, TemplateErrorKind::Invalid { message: m }) => {
                assert_eq!(m, message);
                let raw = err.invalid_template().unwrap();
                assert!(template.contains(&raw), "template {template:?}: {raw:?}");
            }
            (Required(n, m), TemplateErrorKind::Required { name, message }) => {
                assert_eq!(
                    (name.as_str(), message.as_str()),
                    (*n, *m),
                    "template {template:?}"
                );
            }
            _ => panic!("template {template:?}: wrong kind {:?}", err.kind),
        }
    }
}

/// (name, default, presence value, required) in compose-go's order.
type Var<'a> = (&'a str, Option<&'a str>, Option<&'a str>, bool);

fn var_tuple(v: &Variable) -> Var<'_> {
    (
        v.name.as_str(),
        v.default_value.as_deref(),
        v.presence_value.as_deref(),
        v.presence_required,
    )
}

#[test]
fn extracts_variables_like_compose_go() {
    let cases: &[(&str, &[Var<'_>])] = &[
        ("", &[]),
        ("bar", &[]),
        ("$bar", &[("bar", None, None, false)]),
        ("$bar_1", &[("bar_1", None, None, false)]),
        ("${bar}", &[("bar", None, None, false)]),
        ("${bar?:foo}", &[("bar", None, None, true)]),
        ("${bar_1?:foo}", &[("bar_1", None, None, true)]),
        ("${bar?foo}", &[("bar", None, None, true)]),
        ("${bar:-foo}", &[("bar", Some("foo"), None, false)]),
        ("${bar-foo}", &[("bar", Some("foo"), None, false)]),
        ("${bar_1:-foo}", &[("bar_1", Some("foo"), None, false)]),
        ("${bar_1-foo}", &[("bar_1", Some("foo"), None, false)]),
        (
            "${fruit:-banana}",
            &[("fruit", Some("banana"), None, false)],
        ),
        (
            "$docker:${project:-cli}",
            &[
                ("docker", None, None, false),
                ("project", Some("cli"), None, false),
            ],
        ),
        ("${bar:+foo}", &[("bar", None, Some("foo"), false)]),
        ("${bar+foo}", &[("bar", None, Some("foo"), false)]),
        // concat: the variables after the first expression come first.
        (
            "${SUBDOMAIN:-redis}.${ROOTDOMAIN:?}",
            &[
                ("ROOTDOMAIN", None, None, true),
                ("SUBDOMAIN", Some("redis"), None, false),
            ],
        ),
        // nested
        (
            "${SUBDOMAIN:-$ROOTDOMAIN}",
            &[
                ("SUBDOMAIN", Some("$ROOTDOMAIN"), None, false),
                ("ROOTDOMAIN", None, None, false),
            ],
        ),
        (
            "${SOURCE_LOCATION}",
            &[("SOURCE_LOCATION", None, None, false)],
        ),
        // More corner cases.
        ("$$A $$$B", &[("B", None, None, false)]),
        (
            "${A:-${B:-x}} ${C}",
            &[
                ("C", None, None, false),
                ("A", Some("${B:-x}"), None, false),
                ("B", Some("x"), None, false),
            ],
        ),
        ("${A:?${B}}", &[("A", None, None, true)]),
        (
            "${A:+${B}}",
            &[("A", None, Some("${B}"), false), ("B", None, None, false)],
        ),
        ("${A:-}", &[("A", Some(""), None, false)]),
        // An invalid `${` gives an empty name (docker lists it).
        (
            "${ } $A",
            &[("", None, None, false), ("A", None, None, false)],
        ),
        ("${A:-{}}", &[("A", Some("{}"), None, false)]),
        (
            "${A:-x} ${A}",
            &[("A", None, None, false), ("A", Some("x"), None, false)],
        ),
        // compose-go splits the name at the first non-ASCII name char.
        ("$aſb", &[("a", None, None, false)]),
        ("${ſ:-x}", &[("ſ:-x", None, None, false)]),
    ];
    for (template, expected) in cases {
        let got = extract_variables(template);
        let got: Vec<Var<'_>> = got.iter().map(var_tuple).collect();
        assert_eq!(&got, expected, "template {template:?}");
    }
}

#[test]
fn required_message_is_kept() {
    let vars = extract_variables("${A:?need A} ${B?}");
    assert_eq!(vars[0].name, "B");
    assert_eq!(vars[0].required_message.as_deref(), Some(""));
    assert_eq!(vars[1].name, "A");
    assert_eq!(vars[1].required_message.as_deref(), Some("need A"));
    assert_eq!(extract_variables("$A")[0].required_message, None);
}

#[test]
fn deep_nesting_and_long_lines_do_not_overflow_the_stack() {
    let depth = 1000;
    let nested = format!("{}x{}", "${U:-".repeat(depth), "}".repeat(depth));
    assert_eq!(substitute(&nested, &defaults).unwrap().value, "x");
    assert_eq!(extract_variables(&nested).len(), depth);

    let required = format!("{}x{}", "${U:?".repeat(depth), "}".repeat(depth));
    let err = substitute(&required, &defaults).unwrap_err();
    assert_eq!(err.offset, 5 * (depth - 1));

    let count = 20_000;
    let line = "${U:-x}$FOO".repeat(count);
    let s = substitute(&line, &defaults).unwrap();
    assert_eq!(s.value, "xfirst".repeat(count));
    assert_eq!(extract_variables(&line).len(), 2 * count);
}
