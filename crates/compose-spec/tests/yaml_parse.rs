//! Tests of `compose_spec::yaml::parse`: a table of YAML inputs and the expected tree
//! and diagnostics, rendered by a small debug printer.

use compose_spec::diag::{Diagnostic, Diagnostics};
use compose_spec::node::{Node, Style, Tag, Value};
use compose_spec::span::{SourceMap, Span};
use compose_spec::yaml::parse::{self, ParseOptions};
use std::fmt::Write as _;

fn pos(sm: &SourceMap, span: Span) -> String {
    let (l, c) = sm.line_col(span).unwrap_or((0, 0));
    let (el, ec) = sm
        .line_col(Span {
            start: span.end,
            ..span
        })
        .unwrap_or((0, 0));
    format!("{l}:{c}-{el}:{ec}")
}

fn start(sm: &SourceMap, span: Span) -> String {
    let (l, c) = sm.line_col(span).unwrap_or((0, 0));
    format!("{l}:{c}")
}

/// One line per node: tag, kind, text, span as `line:col-line:col`; map keys
/// as `key@line:col`.
fn render(node: &Node, sm: &SourceMap, indent: usize, out: &mut String) {
    match &node.tag {
        None => {}
        Some(Tag::Reset) => out.push_str("!reset "),
        Some(Tag::Override) => out.push_str("!override "),
        Some(Tag::Other(t)) => write!(out, "<{t}> ").unwrap(),
    }
    let at = pos(sm, node.span);
    match &node.value {
        Value::Null => writeln!(out, "null {at}").unwrap(),
        Value::Scalar(s) => {
            let style = match s.style {
                Style::Plain => "plain",
                Style::SingleQuoted => "sq",
                Style::DoubleQuoted => "dq",
                Style::Literal => "lit",
                Style::Folded => "fold",
                Style::Synthetic => "syn",
            };
            writeln!(out, "{style} {:?} {at}", s.text).unwrap();
        }
        Value::Seq(items) => {
            writeln!(out, "seq {at}").unwrap();
            for item in items {
                write!(out, "{:indent$}- ", "", indent = indent + 2).unwrap();
                render(item, sm, indent + 4, out);
            }
        }
        Value::Map(m) => {
            writeln!(out, "map {at}").unwrap();
            for (k, e) in m.entries() {
                write!(
                    out,
                    "{:indent$}{k:?}@{}: ",
                    "",
                    start(sm, e.key_span),
                    indent = indent + 2
                )
                .unwrap();
                render(&e.value, sm, indent + 4, out);
            }
        }
    }
}

fn render_diag(d: &Diagnostic, sm: &SourceMap) -> String {
    let mut s = format!("{}", d.code);
    if let Some(span) = d.span {
        write!(s, " {}", pos(sm, span)).unwrap();
    }
    if let Some(p) = &d.path {
        write!(s, " at {p}").unwrap();
    }
    write!(s, ": {}", d.message).unwrap();
    for l in &d.labels {
        write!(s, " [{} {}]", start(sm, l.span), l.message).unwrap();
    }
    s
}

fn run_with(yaml: &str, opts: ParseOptions) -> (Option<Node>, Diagnostics, SourceMap) {
    let mut sm = SourceMap::new();
    let file = sm.add("compose.yaml", None, yaml);
    let mut diags = Diagnostics::new();
    let root = parse::parse_with(yaml, file, opts, &mut diags);
    for d in diags.items() {
        assert!(d.help.is_some(), "diagnostic without help: {d:?}");
        if let Some(span) = d.span {
            assert!(
                span.start <= span.end && span.end <= yaml.len(),
                "bad span {span:?}"
            );
            assert!(yaml.is_char_boundary(span.start) && yaml.is_char_boundary(span.end));
        }
    }
    (root, diags, sm)
}

fn show(yaml: &str) -> String {
    let (root, diags, sm) = run_with(yaml, ParseOptions::default());
    let mut out = String::new();
    match &root {
        Some(n) => render(n, &sm, 0, &mut out),
        None => out.push_str("NONE\n"),
    }
    for d in diags.items() {
        writeln!(out, "{}", render_diag(d, &sm)).unwrap();
    }
    if let Some(n) = &root {
        check_spans(n, yaml);
    }
    out
}

/// Every span lies on char boundaries inside the text.
fn check_spans(node: &Node, text: &str) {
    let s = node.span;
    assert!(s.start <= s.end && s.end <= text.len(), "{s:?}");
    assert!(text.is_char_boundary(s.start) && text.is_char_boundary(s.end));
    match &node.value {
        Value::Seq(items) => items.iter().for_each(|n| check_spans(n, text)),
        Value::Map(m) => m.entries().for_each(|(_, e)| {
            assert!(
                text.is_char_boundary(e.key_span.start) && text.is_char_boundary(e.key_span.end)
            );
            check_spans(&e.value, text)
        }),
        _ => {}
    }
}

fn check_table(cases: &[(&str, &str)]) {
    let mut failures = String::new();
    for (yaml, want) in cases {
        let got = show(yaml);
        if got.trim_end() != want.trim_end() {
            writeln!(
                failures,
                "---- input:\n{yaml}\n---- want:\n{want}\n---- got:\n{got}"
            )
            .unwrap();
        }
    }
    assert!(failures.is_empty(), "{failures}");
}

#[test]
fn scalar_styles() {
    check_table(&[
        (
            "a: plain\nb: 'single'\nc: \"double\\n\"\nd: |\n  lit\n  eral\n\ne: >-\n  fol\n  ded\nf:\ng: ~\nh: null\n",
            r#"map 1:1-13:8
  "a"@1:1: plain "plain" 1:4-1:9
  "b"@2:1: sq "single" 2:4-2:12
  "c"@3:1: dq "double\n" 3:4-3:14
  "d"@4:1: lit "lit\neral\n" 5:3-6:7
  "e"@8:1: fold "fol ded" 9:3-10:6
  "f"@11:1: null 11:2-11:2
  "g"@12:1: plain "~" 12:4-12:5
  "h"@13:1: plain "null" 13:4-13:8"#,
        ),
        (
            "a: 'it''s'\nb: \"tab\\there\"\nc: plain # comment\nd: multi\n  line\n",
            r#"map 1:1-5:7
  "a"@1:1: sq "it's" 1:4-1:11
  "b"@2:1: dq "tab\there" 2:4-2:15
  "c"@3:1: plain "plain" 3:4-3:9
  "d"@4:1: plain "multi line" 4:4-5:7"#,
        ),
        (
            "\"just a string\"\n",
            r#"dq "just a string" 1:1-1:16"#,
        ),
    ]);
}

#[test]
fn collections() {
    check_table(&[
        (
            "- [1, 2, {a: b}]\n- {}\n- []\n- - x\n  - y\n- k: v\n  k2: v2\n",
            r#"seq 1:1-7:9
  - seq 1:3-1:17
      - plain "1" 1:4-1:5
      - plain "2" 1:7-1:8
      - map 1:10-1:16
          "a"@1:11: plain "b" 1:14-1:15
  - map 2:3-2:5
  - seq 3:3-3:5
  - seq 4:3-5:6
      - plain "x" 4:5-4:6
      - plain "y" 5:5-5:6
  - map 6:3-7:9
      "k"@6:3: plain "v" 6:6-6:7
      "k2"@7:3: plain "v2" 7:7-7:9"#,
        ),
        (
            "a:\n- x\n- y\nbb: [1]\nc:\n- z\n? - k\n: v\n",
            r#"map 1:1-8:4
  "a"@1:1: seq 2:1-3:4
      - plain "x" 2:3-2:4
      - plain "y" 3:3-3:4
  "bb"@4:1: seq 4:5-4:8
      - plain "1" 4:6-4:7
  "c"@5:1: seq 6:1-6:4
      - plain "z" 6:3-6:4
yaml::complex-key 7:3-7:6: a sequence cannot be used as a mapping key"#,
        ),
        (
            "[1, 2]\n",
            r#"seq 1:1-1:7
  - plain "1" 1:2-1:3
  - plain "2" 1:5-1:6"#,
        ),
        (
            "- [a: b, c]\n- !!str |\n  text\n- &e\n- *e\n- !reset &r [1]\n- *r\n",
            r#"seq 1:1-7:5
  - seq 1:3-1:12
      - map 1:4-1:8
          "a"@1:4: plain "b" 1:7-1:8
      - plain "c" 1:10-1:11
  - <tag:yaml.org,2002:str> lit "text\n" 3:3-3:7
  - null 4:3-4:5
  - null 5:3-5:5
  - !reset seq 6:13-6:16
      - plain "1" 6:14-6:15
  - !reset seq 7:3-7:5
      - plain "1" 6:14-6:15"#,
        ),
    ]);
}

#[test]
fn anchors_and_aliases() {
    check_table(&[
        (
            "base: &b\n  image: nginx\n  ports: [80]\nweb: *b\nlist: &l [1, 2]\nuse: *l\ns: &s str\nt: *s\n",
            r#"map 1:1-8:6
  "base"@1:1: map 2:3-3:14
      "image"@2:3: plain "nginx" 2:10-2:15
      "ports"@3:3: seq 3:10-3:14
          - plain "80" 3:11-3:13
  "web"@4:1: map 4:6-4:8
      "image"@2:3: plain "nginx" 2:10-2:15
      "ports"@3:3: seq 3:10-3:14
          - plain "80" 3:11-3:13
  "list"@5:1: seq 5:10-5:16
      - plain "1" 5:11-5:12
      - plain "2" 5:14-5:15
  "use"@6:1: seq 6:6-6:8
      - plain "1" 5:11-5:12
      - plain "2" 5:14-5:15
  "s"@7:1: plain "str" 7:7-7:10
  "t"@8:1: plain "str" 8:4-8:6"#,
        ),
        (
            "k: &k key\n*k : v\n&k2 other: *k2\n*nope : x\nz: 1\n",
            r#"map 1:1-5:5
  "k"@1:1: plain "key" 1:7-1:10
  "key"@2:1: plain "v" 2:6-2:7
  "other"@3:5: plain "other" 3:12-3:15
  "z"@5:1: plain "1" 5:4-5:5
yaml::unknown-anchor 4:1-4:6: unknown anchor `nope` referenced by `*nope`"#,
        ),
        (
            "a: *nope\nb: [*n2]\nc: &c 1\nd: *c\n",
            r#"map 1:1-4:6
  "a"@1:1: null 1:4-1:9
  "b"@2:1: seq 2:4-2:9
      - null 2:5-2:8
  "c"@3:1: plain "1" 3:7-3:8
  "d"@4:1: plain "1" 4:4-4:6
yaml::unknown-anchor 1:4-1:9 at a: unknown anchor `nope` referenced by `*nope`
yaml::unknown-anchor 2:5-2:8 at b[0]: unknown anchor `n2` referenced by `*n2`"#,
        ),
        (
            "a: &a [1, *a]\n",
            r#"map 1:1-1:14
  "a"@1:1: seq 1:7-1:14
      - plain "1" 1:8-1:9
      - null 1:11-1:13
yaml::unknown-anchor 1:11-1:13 at a[1]: alias `*a` refers to the node that contains it"#,
        ),
        (
            "a: &x 1\nb: &x 2\nc: *x\n",
            r#"map 1:1-3:6
  "a"@1:1: plain "1" 1:7-1:8
  "b"@2:1: plain "2" 2:7-2:8
  "c"@3:1: plain "2" 3:4-3:6"#,
        ),
    ]);
}

#[test]
fn merge_keys() {
    check_table(&[
        (
            "x: &x {a: 1, b: 2}\ny:\n  b: 3\n  <<: *x\n  c: 4\n",
            r#"map 1:1-5:7
  "x"@1:1: map 1:7-1:19
      "a"@1:8: plain "1" 1:11-1:12
      "b"@1:14: plain "2" 1:17-1:18
  "y"@2:1: map 3:3-5:7
      "b"@3:3: plain "3" 3:6-3:7
      "a"@1:8: plain "1" 1:11-1:12
      "c"@5:3: plain "4" 5:6-5:7"#,
        ),
        (
            "p: &p {a: p, b: p}\nq: &q {b: q, c: q}\nr:\n  <<: [*p, *q]\n  c: own\n",
            r#"map 1:1-5:9
  "p"@1:1: map 1:7-1:19
      "a"@1:8: plain "p" 1:11-1:12
      "b"@1:14: plain "p" 1:17-1:18
  "q"@2:1: map 2:7-2:19
      "b"@2:8: plain "q" 2:11-2:12
      "c"@2:14: plain "q" 2:17-2:18
  "r"@3:1: map 4:3-5:9
      "a"@1:8: plain "p" 1:11-1:12
      "b"@1:14: plain "p" 1:17-1:18
      "c"@5:3: plain "own" 5:6-5:9"#,
        ),
        (
            "x: &x {a: 1}\ny:\n  \"<<\": *x\n",
            r#"map 1:1-3:11
  "x"@1:1: map 1:7-1:13
      "a"@1:8: plain "1" 1:11-1:12
  "y"@2:1: map 3:3-3:11
      "<<"@3:3: map 3:9-3:11
          "a"@1:8: plain "1" 1:11-1:12"#,
        ),
        (
            "a: &a {x: 1, y: 1}\nb: &b\n  <<: *a\n  y: 2\n  z: 2\nc:\n  <<: *b\n  w: 3\n",
            r#"map 1:1-8:7
  "a"@1:1: map 1:7-1:19
      "x"@1:8: plain "1" 1:11-1:12
      "y"@1:14: plain "1" 1:17-1:18
  "b"@2:1: map 3:3-5:7
      "x"@1:8: plain "1" 1:11-1:12
      "y"@4:3: plain "2" 4:6-4:7
      "z"@5:3: plain "2" 5:6-5:7
  "c"@6:1: map 7:3-8:7
      "x"@1:8: plain "1" 1:11-1:12
      "y"@4:3: plain "2" 4:6-4:7
      "z"@5:3: plain "2" 5:6-5:7
      "w"@8:3: plain "3" 8:6-8:7"#,
        ),
        (
            "a: &a {x: 1}\nb:\n  !!merge <<: *a\nc:\n  <<: *a\n  <<: {y: 1}\n",
            r#"map 1:1-6:13
  "a"@1:1: map 1:7-1:13
      "x"@1:8: plain "1" 1:11-1:12
  "b"@2:1: map 3:3-3:17
      "x"@1:8: plain "1" 1:11-1:12
  "c"@4:1: map 5:3-6:13
      "x"@1:8: plain "1" 1:11-1:12
      "y"@6:8: plain "1" 6:11-6:12
yaml::duplicate-key 6:3-6:5 at c.<<: mapping key "<<" already defined at line 5 [5:3 first defined here]"#,
        ),
        (
            "s: &s [1]\na:\n  <<: 1\nb:\n  <<: *s\nc:\n  <<: [{k: v}, 2]\nd:\n  <<:\n",
            r#"map 1:1-9:5
  "s"@1:1: seq 1:7-1:10
      - plain "1" 1:8-1:9
  "a"@2:1: map 3:3-3:8
  "b"@4:1: map 5:3-5:9
  "c"@6:1: map 7:3-7:18
  "d"@8:1: map 9:3-9:5
yaml::merge-key 3:7-3:8 at a.<<: the value of a `<<` merge key must be a mapping or a list of mappings, found an integer [3:3 merge key]
yaml::merge-key 5:7-5:9 at b.<<: the value of a `<<` merge key is an alias to a sequence; it must be a mapping [5:3 merge key]
yaml::merge-key 7:16-7:17 at c.<<: the list given to a `<<` merge key must hold only mappings, found an integer [7:3 merge key]
yaml::merge-key 9:5-9:5 at d.<<: the value of a `<<` merge key must be a mapping or a list of mappings, found null [9:3 merge key]"#,
        ),
    ]);
}

#[test]
fn tags() {
    check_table(&[
        (
            "x: !reset {a: 1}\ny: !override\n  - 1\nz: !reset 'q'\nw: &w !override\n  k: v\nv: *w\n",
            r#"map 1:1-7:6
  "x"@1:1: !reset map 1:11-1:17
      "a"@1:12: plain "1" 1:15-1:16
  "y"@2:1: !override seq 3:3-3:6
      - plain "1" 3:5-3:6
  "z"@4:1: !reset sq "q" 4:11-4:14
  "w"@5:1: !override map 6:3-6:7
      "k"@6:3: plain "v" 6:6-6:7
  "v"@7:1: !override map 7:4-7:6
      "k"@6:3: plain "v" 6:6-6:7"#,
        ),
        (
            "a: !reset\nb: !reset []\nc: !override {x: 1}\nd: !override 3\ne: !!str 123\nf: !!int \"8080\"\ng: !!int abc\nh: !custom 1\ni: !!str\nj: ! 12\nk: !!float 1\n",
            r#"map 1:1-11:13
  "a"@1:1: !reset null 1:4-1:10
  "b"@2:1: !reset seq 2:11-2:13
  "c"@3:1: !override map 3:14-3:20
      "x"@3:15: plain "1" 3:18-3:19
  "d"@4:1: !override dq "3" 4:14-4:15
  "e"@5:1: <tag:yaml.org,2002:str> dq "123" 5:10-5:13
  "f"@6:1: <tag:yaml.org,2002:int> plain "8080" 6:10-6:16
  "g"@7:1: <tag:yaml.org,2002:int> plain "abc" 7:10-7:13
  "h"@8:1: <!custom> dq "1" 8:12-8:13
  "i"@9:1: <tag:yaml.org,2002:str> dq "" 9:4-9:9
  "j"@10:1: plain "12" 10:6-10:8
  "k"@11:1: <tag:yaml.org,2002:float> plain "1" 11:12-11:13
yaml::syntax 7:10-7:13 at g: cannot decode `abc` as a !!int: the value does not match its tag"#,
        ),
    ]);
}

#[test]
fn keys() {
    check_table(&[
        (
            "a: 1\nb: 2\na: 3\nb: 4\nc: {x: 1, x: 2}\n",
            r#"map 1:1-5:16
  "a"@1:1: plain "1" 1:4-1:5
  "b"@2:1: plain "2" 2:4-2:5
  "c"@5:1: map 5:4-5:16
      "x"@5:5: plain "1" 5:8-5:9
yaml::duplicate-key 3:1-3:2 at a: mapping key "a" already defined at line 1 [1:1 first defined here]
yaml::duplicate-key 4:1-4:2 at b: mapping key "b" already defined at line 2 [2:1 first defined here]
yaml::duplicate-key 5:11-5:12 at c.x: mapping key "x" already defined at line 5 [5:5 first defined here]"#,
        ),
        (
            "true: 1\n1: 2\n1.5: 3\n0x10: 4\nTrue: 5\n1_000: 6\n~: 7\n\"2\": 8\n!!str 3: 9\n1e6: x\n",
            r#"map 1:1-10:7
  "true"@1:1: plain "1" 1:7-1:8
  "1"@2:1: plain "2" 2:4-2:5
  "1.5"@3:1: plain "3" 3:6-3:7
  "16"@4:1: plain "4" 4:7-4:8
  "1000"@6:1: plain "6" 6:8-6:9
  "null"@7:1: plain "7" 7:4-7:5
  "2"@8:1: plain "8" 8:6-8:7
  "3"@9:7: plain "9" 9:10-9:11
  "1e+06"@10:1: plain "x" 10:6-10:7
yaml::complex-key 1:1-1:5: non-string mapping key `true`: YAML reads it as a boolean
yaml::complex-key 2:1-2:2: non-string mapping key `1`: YAML reads it as an integer
yaml::complex-key 3:1-3:4: non-string mapping key `1.5`: YAML reads it as a number
yaml::complex-key 4:1-4:5: non-string mapping key `0x10`: YAML reads it as an integer
yaml::complex-key 5:1-5:5: non-string mapping key `True`: YAML reads it as a boolean
yaml::complex-key 6:1-6:6: non-string mapping key `1_000`: YAML reads it as an integer
yaml::complex-key 7:1-7:2: non-string mapping key `~`: YAML reads it as null
yaml::complex-key 10:1-10:4: non-string mapping key `1e6`: YAML reads it as a number"#,
        ),
        (
            "? [a]\n: b\n? {c: d}\n: e\nok: 1\n",
            r#"map 1:1-5:6
  "ok"@5:1: plain "1" 5:5-5:6
yaml::complex-key 1:3-1:6: a sequence cannot be used as a mapping key
yaml::complex-key 3:3-3:9: a mapping cannot be used as a mapping key"#,
        ),
        (
            "services:\n  web:\n    environment:\n      1: FOO\n",
            r#"map 1:1-4:13
  "services"@1:1: map 2:3-4:13
      "web"@2:3: map 3:5-4:13
          "environment"@3:5: map 4:7-4:13
              "1"@4:7: plain "FOO" 4:10-4:13
yaml::complex-key 4:7-4:8 at services.web.environment: non-string mapping key `1`: YAML reads it as an integer"#,
        ),
    ]);
}

#[test]
fn documents() {
    check_table(&[
        (
            "a: 1\n---\nb: 2\n",
            r#"NONE
yaml::multiple-documents 2:1-2:4: the file holds more than one YAML document"#,
        ),
        (
            "---\na: 1\n...\n",
            r#"map 2:1-2:5
  "a"@2:1: plain "1" 2:4-2:5"#,
        ),
        ("# only a comment\n", r#"null 1:1-1:1"#),
        ("", r#"null 1:1-1:1"#),
        ("---\n", r#"null 2:1-2:1"#),
        (
            "a: 1\n...\n---\n",
            r#"NONE
yaml::multiple-documents 3:1-3:4: the file holds more than one YAML document"#,
        ),
    ]);
}

#[test]
fn syntax_errors() {
    check_table(&[
        (
            "services:\n  web:\n    image: nginx\n     ports: [80]\n",
            r#"NONE
yaml::syntax 4:11-4:12 at services.web: invalid YAML: a `key: value` pair is not allowed here"#,
        ),
        (
            "a: [1, 2\n",
            r#"NONE
yaml::syntax 2:1-2:1 at a[2]: invalid YAML: expected `,` or `]` in this [ ... ] list"#,
        ),
        (
            "a: \"unclosed\n",
            r#"NONE
yaml::syntax 1:4-1:5 at a: invalid YAML: a quoted string is not closed"#,
        ),
        (
            "a:\n\t- b\n",
            r#"NONE
yaml::syntax 2:1-2:2 at a: invalid YAML: a tab character is used for indentation"#,
        ),
        (
            "a: @x\n",
            r#"NONE
yaml::syntax 1:4-1:5 at a: invalid YAML: `@` cannot start a plain value"#,
        ),
        (
            "a: b\nc\n",
            r#"NONE
yaml::syntax 3:1-3:1: invalid YAML: expected `:` after this mapping key"#,
        ),
        (
            "a:\n  - b\n  c: d\n",
            r#"NONE
yaml::syntax 3:3-3:4 at a[1]: invalid YAML: expected a `- ` list item at this indentation"#,
        ),
    ]);
}

#[test]
fn encodings() {
    check_table(&[
        (
            "\u{feff}a: 1\r\nb:\r\n  - é\r\n  - x\r\n",
            r#"map 1:2-4:6
  "a"@1:2: plain "1" 1:5-1:6
  "b"@2:1: seq 3:3-4:6
      - plain "é" 3:5-3:6
      - plain "x" 4:5-4:6"#,
        ),
        (
            "name: \"héllo wörld ✓\"\nnext: 😀value\nthird: 3\n",
            r#"map 1:1-3:9
  "name"@1:1: dq "héllo wörld ✓" 1:7-1:22
  "next"@2:1: plain "😀value" 2:7-2:13
  "third"@3:1: plain "3" 3:8-3:9"#,
        ),
    ]);
}

/// The parse result and diagnostics of one input, for the tests below.
fn run(yaml: &str) -> (Option<Node>, Diagnostics, SourceMap) {
    run_with(yaml, ParseOptions::default())
}

#[test]
fn syntax_error_location() {
    let cases = [
        (
            "a: 1\nb:\n  c: 2\n   d: 3\n",
            (4, 5),
            "check the indentation",
        ),
        ("x: [1, 2\ny: 3\n", (2, 2), "closed with `]`"),
        ("x: [1, 2\n", (2, 1), "closed with `]`"),
        (
            "services:\n  web:\n    command: \"echo\n",
            (3, 14),
            "closing quote",
        ),
        ("a:\n\tb: 1\n", (2, 1), "spaces"),
    ];
    for (yaml, (line, col), help) in cases {
        let (root, diags, sm) = run(yaml);
        assert!(root.is_none(), "{yaml}");
        assert_eq!(diags.len(), 1, "{yaml}: {diags:?}");
        let d = &diags.items()[0];
        assert_eq!(d.code, compose_spec::Code::YamlSyntax);
        assert_eq!(
            sm.line_col(d.span.unwrap()),
            Some((line, col)),
            "{yaml}: {d:?}"
        );
        assert!(d.span.unwrap().len() <= 4);
        assert!(d.help.as_deref().unwrap().contains(help), "{yaml}: {d:?}");
        assert!(d.message.starts_with("invalid YAML: "), "{d:?}");
    }
}

#[test]
fn multibyte_text_before_a_node_keeps_byte_spans() {
    let yaml = "# ünïcödé 😀 comment\nlabel: \"日本語\"\nimage: ngïnx\nlist: [é, 😀, x]\n";
    let (root, diags, _) = run(yaml);
    assert!(diags.is_empty(), "{diags:?}");
    let root = root.unwrap();
    let at = |n: &Node| &yaml[n.span.start..n.span.end];
    assert_eq!(at(root.get("label").unwrap()), "\"日本語\"");
    assert_eq!(at(root.get("image").unwrap()), "ngïnx");
    let items = root.get("list").unwrap().as_seq().unwrap();
    assert_eq!(items.iter().map(at).collect::<Vec<_>>(), ["é", "😀", "x"]);
    let e = root.as_map().unwrap().entry("image").unwrap();
    assert_eq!(&yaml[e.key_span.start..e.key_span.end], "image");
}

#[test]
fn crlf_and_bom_spans() {
    let yaml =
        "\u{feff}services:\r\n  web:\r\n    image: \"nginx\"\r\n    command: |\r\n      run\r\n";
    let (root, diags, sm) = run(yaml);
    assert!(diags.is_empty(), "{diags:?}");
    let web = root
        .unwrap()
        .get("services")
        .unwrap()
        .get("web")
        .unwrap()
        .clone();
    let image = web.get("image").unwrap();
    assert_eq!(&yaml[image.span.start..image.span.end], "\"nginx\"");
    assert_eq!(image.as_str(), Some("nginx"));
    assert_eq!(sm.line_col(image.span), Some((3, 12)));
    let command = web.get("command").unwrap();
    assert_eq!(command.as_str(), Some("run\n"));
    assert_eq!(&yaml[command.span.start..command.span.end], "run");
}

#[test]
fn duplicate_keys_report_every_duplicate() {
    let (root, diags, sm) =
        run("services:\n  web:\n    image: a\n    image: b\n  web:\n    image: c\n");
    assert!(root.is_some());
    let dups: Vec<_> = diags
        .items()
        .iter()
        .filter(|d| d.code == compose_spec::Code::YamlDuplicateKey)
        .collect();
    assert_eq!(dups.len(), 2, "{diags:?}");
    assert_eq!(dups[0].path.as_deref(), Some("services.web.image"));
    assert_eq!(sm.line_col(dups[0].span.unwrap()), Some((4, 5)));
    assert_eq!(sm.line_col(dups[0].labels[0].span), Some((3, 5)));
    assert_eq!(dups[0].labels[0].message, "first defined here");
    assert_eq!(dups[1].path.as_deref(), Some("services.web"));
    assert_eq!(sm.line_col(dups[1].span.unwrap()), Some((5, 3)));
}

#[test]
fn merged_keys_are_not_duplicates() {
    let yaml = "x: &x {image: a, command: b}\nweb:\n  image: own\n  <<: *x\n  command: own\n";
    let (root, diags, _) = run(yaml);
    assert!(diags.is_empty(), "{diags:?}");
    let web = root.unwrap().get("web").unwrap().clone();
    assert_eq!(web.get("image").unwrap().as_str(), Some("own"));
    assert_eq!(web.get("command").unwrap().as_str(), Some("own"));
    assert_eq!(web.as_map().unwrap().len(), 2);
}

fn billion_laughs(levels: usize) -> String {
    let mut s = String::from("l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..levels {
        let p = i - 1;
        let refs = vec![format!("*l{p}"); 9].join(", ");
        s.push_str(&format!("l{i}: &l{i} [{refs}]\n"));
    }
    s
}

#[test]
fn alias_bomb_fails_fast() {
    let yaml = billion_laughs(10); // 9 levels of 9x expansion over the first list
    let started = std::time::Instant::now();
    let (root, diags, sm) = run(&yaml);
    let elapsed = started.elapsed();
    assert!(root.is_none());
    assert_eq!(diags.len(), 1, "{diags:?}");
    let d = &diags.items()[0];
    assert_eq!(d.code, compose_spec::Code::YamlAliasBudget);
    let (line, _) = sm.line_col(d.span.unwrap()).unwrap();
    assert!(
        line >= 6,
        "the budget runs out on a deep level, not at line {line}"
    );
    assert!(elapsed.as_secs() < 10, "took {elapsed:?}");
}

#[test]
fn alias_budget_is_configurable() {
    let yaml = billion_laughs(3); // l2 expands 9 * 10 nodes
    let (root, diags, _) = run_with(&yaml, ParseOptions { alias_budget: 100 });
    assert!(root.is_none());
    assert_eq!(diags.items()[0].code, compose_spec::Code::YamlAliasBudget);
    let (root, diags, _) = run_with(
        &yaml,
        ParseOptions {
            alias_budget: 10_000,
        },
    );
    assert!(diags.is_empty(), "{diags:?}");
    let l2 = root.unwrap().get("l2").unwrap().clone();
    assert_eq!(l2.as_seq().unwrap().len(), 9);
    assert_eq!(l2.as_seq().unwrap()[8].as_seq().unwrap().len(), 9);
    assert!(ParseOptions::default().alias_budget >= 100_000);
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    for yaml in [
        "- ".repeat(5_000) + "x\n",
        "[".repeat(5_000),
        "{a: ".repeat(3_000),
        (0..3_000)
            .map(|i| format!("{}k:\n", " ".repeat(i)))
            .collect::<String>(),
    ] {
        let (root, diags, _) = run(&yaml);
        assert!(root.is_none());
        assert!(diags.has_errors());
        assert_eq!(diags.items()[0].code, compose_spec::Code::YamlSyntax);
    }
}

#[test]
fn aliases_cannot_build_a_tree_deeper_than_the_limit() {
    // Each anchor nests the previous one 200 levels deeper.
    let mut yaml = String::new();
    for i in 0..8 {
        let inner = if i == 0 {
            "x".to_string()
        } else {
            format!("*a{}", i - 1)
        };
        yaml.push_str(&format!(
            "a{i}: &a{i} {}{inner}{}\n",
            "[".repeat(200),
            "]".repeat(200)
        ));
    }
    let (root, diags, _) = run(&yaml);
    assert!(root.is_none());
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert!(
        diags.items()[0].message.contains("levels deep"),
        "{diags:?}"
    );
}

#[test]
fn many_unknown_aliases_stop_after_a_hundred() {
    let yaml: String = (0..500).map(|i| format!("k{i}: *nope{i}\n")).collect();
    let (root, diags, _) = run(&yaml);
    assert!(root.is_none());
    assert_eq!(diags.len(), 100);
    assert!(diags
        .items()
        .iter()
        .all(|d| d.code == compose_spec::Code::YamlUnknownAnchor));
}

#[test]
fn flow_content_indented_less_than_its_key_is_accepted_like_go_yaml() {
    let yaml = "services:\n  web:\n    command: [\n      \"a\",\n      \"b\"\n    ]\n    environment: {\n      A: 1\n    }\n    labels: [\n\"x\",\n  \"y\", {k: [\nv]}\n]\n    image: nginx\n";
    let (root, diags, sm) = run(yaml);
    assert!(diags.is_empty(), "{diags:?}");
    let web = root
        .unwrap()
        .get("services")
        .unwrap()
        .get("web")
        .unwrap()
        .clone();
    let at = |n: &Node| yaml[n.span.start..n.span.end].to_string();
    let command = web.get("command").unwrap();
    assert_eq!(at(command), "[\n      \"a\",\n      \"b\"\n    ]");
    assert_eq!(at(&command.as_seq().unwrap()[1]), "\"b\"");
    let labels = web.get("labels").unwrap().as_seq().unwrap();
    assert_eq!(
        labels.iter().map(at).collect::<Vec<_>>()[..2],
        ["\"x\"", "\"y\""]
    );
    assert_eq!(at(labels[2].get("k").unwrap()), "[\nv]");
    let image = web.get("image").unwrap();
    assert_eq!(sm.line_col(image.span), Some((15, 12)));
    let e = web.as_map().unwrap().entry("image").unwrap();
    assert_eq!(sm.line_col(e.key_span), Some((15, 5)));
    assert_eq!(
        web.get("environment").unwrap().get("A").unwrap().as_text(),
        Some("1")
    );
}

#[test]
fn many_under_indented_flow_collections_parse_in_one_go() {
    let mut yaml = String::from("services:\n");
    for i in 0..500 {
        yaml.push_str(&format!(
            "  s{i}:\n    command: [\n  \"run\",\n\"{i}\"\n    ]\n    environment: {{\n A: \"{i}\"\n  }}\n    script: |- # run\n      x: [\n      y\n    image: img{i}\n"
        ));
    }
    let started = std::time::Instant::now();
    let (root, diags, sm) = run(&yaml);
    let elapsed = started.elapsed();
    assert!(diags.is_empty(), "{diags:?}");
    let services = root.unwrap().get("services").unwrap().clone();
    assert_eq!(services.as_map().unwrap().len(), 500);
    let last = services.get("s499").unwrap();
    let cmd = last.get("command").unwrap().as_seq().unwrap();
    assert_eq!(&yaml[cmd[1].span.start..cmd[1].span.end], "\"499\"");
    assert_eq!(last.get("script").unwrap().as_str(), Some("x: [\ny"));
    let image = last.get("image").unwrap();
    assert_eq!(&yaml[image.span.start..image.span.end], "img499");
    assert_eq!(sm.line_col(image.span).unwrap().0, 1 + 500 * 12);
    assert!(elapsed.as_secs() < 5, "took {elapsed:?}");
}

#[test]
fn lenient_flow_indentation_keeps_other_errors_where_they_are() {
    // The flow list is accepted; the unclosed quote later is the error.
    let (root, diags, sm) = run("a: [\n1,\n2]\nb: 'x\n");
    assert!(root.is_none());
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert_eq!(sm.line_col(diags.items()[0].span.unwrap()), Some((4, 4)));
    // An error inside the repaired list is reported where it is.
    let (root, diags, sm) = run("a: [\n1,\n'x\n");
    assert!(root.is_none());
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert_eq!(sm.line_col(diags.items()[0].span.unwrap()), Some((3, 1)));
    // Duplicate keys after a repaired line point at the original text.
    let (root, diags, sm) = run("a: [\n1]\nb: 1\nb: 2\n");
    assert!(root.is_some());
    let d = &diags.items()[0];
    assert_eq!(d.code, compose_spec::Code::YamlDuplicateKey);
    assert_eq!(sm.line_col(d.span.unwrap()), Some((4, 1)));
    assert_eq!(sm.line_col(d.labels[0].span), Some((3, 1)));
}

fn big_compose(services: usize) -> String {
    let mut s = String::from("x-defaults: &defaults\n  restart: unless-stopped\n  logging:\n    driver: json-file\n\nservices:\n");
    for i in 0..services {
        s.push_str(&format!(
            "  svc{i}:\n    <<: *defaults\n    image: \"registry.example.com/team/app{i}:1.{i}\"\n    command: [\"run\", \"--port\", \"{port}\"]\n    environment:\n      NAME: svc{i}\n      MODE: production\n      DEBUG: \"false\"\n    ports:\n      - \"{port}:80\"\n      - target: 443\n        published: {tls}\n    volumes:\n      - ./data/{i}:/data\n      - type: volume\n        source: cache{i}\n        target: /cache\n    depends_on:\n      - db\n    healthcheck:\n      test: [\"CMD\", \"curl\", \"-f\", \"http://localhost\"]\n      interval: 30s\n      retries: 3\n    labels:\n      com.example.team: \"t{i}\"\n      com.example.tier: backend\n    deploy:\n      resources:\n        limits:\n          cpus: \"0.5\"\n          memory: 256M\n",
            port = 8000 + i,
            tls = 9000 + i
        ));
    }
    s.push_str("  db:\n    image: postgres\n");
    s
}

#[test]
fn large_file_parses() {
    let yaml = big_compose(1_000);
    assert!(yaml.lines().count() > 30_000);
    let started = std::time::Instant::now();
    let (root, diags, _) = run(&yaml);
    let elapsed = started.elapsed();
    assert!(diags.is_empty(), "{diags:?}");
    let services = root
        .unwrap()
        .get("services")
        .unwrap()
        .as_map()
        .unwrap()
        .len();
    assert_eq!(services, 1_001);
    // Generous: debug builds are slow; release takes a few milliseconds.
    assert!(elapsed.as_secs() < 5, "took {elapsed:?}");
}

mod fuzz {
    use super::*;
    use proptest::prelude::*;

    fn no_panic(text: &str) {
        let mut diags = Diagnostics::new();
        let root = parse::parse_with(
            text,
            compose_spec::FileId(0),
            ParseOptions {
                alias_budget: 10_000,
            },
            &mut diags,
        );
        if root.is_none() {
            assert!(diags.has_errors(), "None without an error for {text:?}");
        }
        for d in diags.items() {
            if let Some(span) = d.span {
                assert!(span.start <= span.end && span.end <= text.len());
                assert!(text.is_char_boundary(span.start) && text.is_char_boundary(span.end));
            }
        }
        if let Some(root) = root {
            check_spans(&root, text);
        }
    }

    /// Pieces of YAML syntax that fuzzed inputs are made of.
    const TOKENS: &[&str] = &[
        "\n",
        " ",
        "  ",
        "\t",
        "- ",
        ": ",
        ":",
        "? ",
        "[",
        "]",
        "{",
        "}",
        ", ",
        "&a ",
        "*a",
        "&b ",
        "*b",
        "<<",
        "!reset ",
        "!!str ",
        "!",
        "|",
        ">-",
        "'",
        "\"",
        "\\",
        "#",
        "---",
        "...",
        "%YAML 1.2",
        "key",
        "é",
        "😀",
        "1",
        "true",
        "~",
        "\r\n",
        "\u{feff}",
        "\0",
    ];

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2_000, .. ProptestConfig::default() })]

        #[test]
        fn arbitrary_strings_never_panic(text in any::<String>()) {
            no_panic(&text);
        }

        #[test]
        fn yaml_like_strings_never_panic(
            text in proptest::collection::vec(proptest::sample::select(TOKENS), 0..40)
        ) {
            no_panic(&text.concat());
        }
    }
}
