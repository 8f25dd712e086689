//! Tests of `compose_spec::yaml`: a table of YAML inputs and the expected tree
//! and diagnostics, rendered by a small debug printer.

use compose_spec::diag::{Diagnostic, Diagnostics};
use compose_spec::node::{Node, Style, Tag, Value};
use compose_spec::span::{SourceMap, Span};
use compose_spec::yaml::{self, ParseOptions};
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
    let root = yaml::parse_with(yaml, file, opts, &mut diags);
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
fn scalars_and_collections() {
    check_table(&[]);
}

#[test]
fn dump() {
    let inputs = [
        "a: plain\nb: 'single'\nc: \"double\\n\"\nd: |\n  lit\n  eral\n\ne: >-\n  fol\n  ded\nf:\ng: ~\nh: null\n",
        "- [1, 2, {a: b}]\n- {}\n- []\n- - x\n  - y\n- k: v\n  k2: v2\n",
    ];
    for i in inputs {
        println!("{}\n=====", show(i));
    }
}
