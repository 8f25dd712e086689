//! Round-trips every `expected.yaml` of the conformance corpus (real
//! `docker compose config` output) through [`compose_spec::yaml::emit::to_yaml`]:
//! parse the text into an ordered `serde_json::Value` (plain scalars resolved
//! by the YAML 1.2 core schema, quoted and block scalars kept as strings), emit
//! it again and require the exact same bytes.

use compose_spec::node::{resolve_plain, Resolved};
use saphyr_parser::{Event, Parser, ScalarStyle};
use serde_json::{Map, Number, Value};
use std::path::PathBuf;

use test_support::corpus;

/// Builds a value from saphyr events; an error when the text holds something
/// a JSON value cannot (anchors, tags, non-finite floats, several documents).
/// Without `resolve`, plain scalars stay strings too.
fn load(text: &str, resolve: bool) -> Result<Value, String> {
    enum Frame {
        Seq(Vec<Value>),
        Map(Map<String, Value>, Option<String>),
    }
    let mut stack: Vec<Frame> = Vec::new();
    let mut root: Option<Value> = None;
    for event in Parser::new_from_str(text) {
        let (event, _) = event.map_err(|e| e.to_string())?;
        let value = match event {
            Event::StreamStart | Event::StreamEnd | Event::Nothing => continue,
            Event::DocumentStart(_) | Event::DocumentEnd => continue,
            Event::Alias(_) => return Err("alias".into()),
            Event::SequenceStart(_, _) => {
                stack.push(Frame::Seq(Vec::new()));
                continue;
            }
            Event::MappingStart(_, _) => {
                stack.push(Frame::Map(Map::new(), None));
                continue;
            }
            Event::SequenceEnd => match stack.pop() {
                Some(Frame::Seq(items)) => Value::Array(items),
                _ => return Err("unbalanced sequence".into()),
            },
            Event::MappingEnd => match stack.pop() {
                Some(Frame::Map(map, None)) => Value::Object(map),
                _ => return Err("unbalanced mapping".into()),
            },
            Event::Scalar(text, style, _, tag) => {
                if tag.is_some() {
                    return Err("tag".into());
                }
                // A mapping key is always a string.
                if let Some(Frame::Map(_, key @ None)) = stack.last_mut() {
                    *key = Some(text.into_owned());
                    continue;
                }
                if style != ScalarStyle::Plain || !resolve {
                    Value::String(text.into_owned())
                } else {
                    match resolve_plain(&text) {
                        Resolved::Null => Value::Null,
                        Resolved::Bool(b) => Value::Bool(b),
                        Resolved::Int(i) => Value::Number(i.into()),
                        Resolved::Float(f) => {
                            Value::Number(Number::from_f64(f).ok_or("non-finite float")?)
                        }
                        Resolved::Str(s) => Value::String(s.to_owned()),
                    }
                }
            }
        };
        match stack.last_mut() {
            Some(Frame::Seq(items)) => items.push(value),
            Some(Frame::Map(map, key)) => match key.take() {
                Some(k) => {
                    map.insert(k, value);
                }
                None => return Err("non-scalar key".into()),
            },
            None => {
                if root.replace(value).is_some() {
                    return Err("several documents".into());
                }
            }
        }
    }
    root.ok_or_else(|| "empty stream".into())
}

/// The first differing line, for the failure report.
fn first_difference(want: &str, got: &str) -> String {
    let (mut w, mut g) = (want.lines(), got.lines());
    for n in 1.. {
        match (w.next(), g.next()) {
            (None, None) => break,
            (a, b) if a == b => {}
            (a, b) => return format!("line {n}: want {a:?}, got {b:?}"),
        }
    }
    "line endings differ".to_owned()
}

#[test]
fn corpus_round_trips_byte_for_byte() {
    let dir = corpus::dir();
    if !dir.is_dir() {
        println!(
            "conformance corpus not found at {}; skipping",
            dir.display()
        );
        return;
    }
    let files: Vec<PathBuf> = corpus::cases(&dir, &["expected.yaml"])
        .into_iter()
        .map(|c| c.join("expected.yaml"))
        .collect();
    let mut failures = Vec::new();
    let mut skipped = Vec::new();
    let mut passed = 0;
    for path in &files {
        let Ok(text) = std::fs::read_to_string(path) else {
            skipped.push(format!("{}: unreadable", path.display()));
            continue;
        };
        let value = match load(&text, true) {
            Ok(v) => v,
            Err(e) => {
                skipped.push(format!("{}: {e}", path.display()));
                continue;
            }
        };
        let got = compose_spec::yaml::emit::to_yaml(&value);
        if got == text {
            passed += 1;
        } else {
            failures.push(format!(
                "{}: {}",
                path.display(),
                first_difference(&text, &got)
            ));
        }
    }
    println!(
        "emit corpus: {passed}/{} byte-identical, {} skipped, {} failed",
        files.len(),
        skipped.len(),
        failures.len()
    );
    for s in &skipped {
        println!("skipped {s}");
    }
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

proptest::proptest! {
    /// Whatever the string, the scalar read back (as a key and as a value,
    /// top-level and in a sequence) has the same text: quoting, escapes and
    /// block scalars lose nothing. (Whether a plain scalar would resolve to
    /// another type is what the corpus and `emit_cases` check.)
    #[test]
    fn strings_read_back(s in "[ -~\t\n\u{e9}\u{1F600}\r\u{85}\u{0}\u{7f}\u{a0}\u{feff}]{0,12}") {
        let value = serde_json::json!({ s.clone(): s.clone(), "seq": [s.clone(), {"k": s.clone()}] });
        let text = compose_spec::yaml::emit::to_yaml(&value);
        let back = load(&text, false);
        proptest::prop_assert_eq!(back, Ok(value), "emitted:\n{}", text);
    }
}
