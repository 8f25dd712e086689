//! The YAML tree over the conformance corpus: for every case with both
//! outputs, the project decoded from `expected.json` must give, through
//! [`Project::to_yaml_value`], the tree of `expected.yaml` — same keys in the
//! same order, same scalar types and values (the emitter's layout and
//! quoting are checked elsewhere). Nested `x-*` keys and `models`, which the
//! JSON form does not print, are not expected back.

use test_support::corpus;

use std::path::PathBuf;

use compose_spec::model::Project;
use compose_spec::node::{resolve_plain, Resolved};
use saphyr_parser::{Event, Parser, ScalarStyle};
use serde_json::{Map, Number, Value};

/// Parses one YAML document into an ordered tree, typing plain scalars like go-yaml v3.
fn parse_yaml(text: &str) -> Result<Value, String> {
    enum Frame {
        Seq(Vec<Value>),
        Map(Map<String, Value>, Option<String>),
    }
    let mut stack: Vec<Frame> = Vec::new();
    let mut root = None;
    let push = |stack: &mut Vec<Frame>, root: &mut Option<Value>, v: Value| -> Result<(), String> {
        match stack.last_mut() {
            None => *root = Some(v),
            Some(Frame::Seq(items)) => items.push(v),
            Some(Frame::Map(m, key)) => match key.take() {
                None => match v {
                    Value::String(k) => *key = Some(k),
                    other => *key = Some(other.to_string()),
                },
                Some(k) => {
                    m.insert(k, v);
                }
            },
        }
        Ok(())
    };
    for ev in Parser::new_from_str(text) {
        let (ev, _) = ev.map_err(|e| e.to_string())?;
        match ev {
            Event::Scalar(s, style, _, _) => {
                let v = if style == ScalarStyle::Plain {
                    match resolve_plain(&s) {
                        Resolved::Null => Value::Null,
                        Resolved::Bool(b) => Value::Bool(b),
                        Resolved::Int(i) => Value::from(i),
                        Resolved::Float(f) => {
                            Number::from_f64(f).map_or(Value::Null, Value::Number)
                        }
                        Resolved::Str(t) => Value::String(t.to_string()),
                    }
                } else {
                    Value::String(s.to_string())
                };
                push(&mut stack, &mut root, v)?;
            }
            Event::SequenceStart(..) => stack.push(Frame::Seq(Vec::new())),
            Event::MappingStart(..) => stack.push(Frame::Map(Map::new(), None)),
            Event::SequenceEnd | Event::MappingEnd => {
                let v = match stack.pop() {
                    Some(Frame::Seq(items)) => Value::Array(items),
                    Some(Frame::Map(m, _)) => Value::Object(m),
                    None => return Err("unbalanced".into()),
                };
                push(&mut stack, &mut root, v)?;
            }
            Event::Alias(_) => return Err("alias in output".into()),
            _ => {}
        }
    }
    root.ok_or_else(|| "empty document".to_string())
}

/// The first difference, order-sensitive for mappings; numbers compare by value.
fn first_diff(want: &Value, got: &Value, path: &str) -> Option<String> {
    match (want, got) {
        (Value::Object(a), Value::Object(b)) => {
            // What the JSON form cannot carry: nested `x-*` keys and `models`.
            let absent_from_json = |k: &str| {
                !b.contains_key(k) && (k.starts_with("x-") || (path.is_empty() && k == "models"))
            };
            let ak: Vec<&String> = a.keys().filter(|k| !absent_from_json(k)).collect();
            let bk: Vec<&String> = b.keys().collect();
            if ak != bk {
                return Some(format!("at {path}: keys {ak:?}, got {bk:?}"));
            }
            ak.into_iter()
                .find_map(|k| first_diff(&a[k], &b[k], &format!("{path}.{k}")))
        }
        (Value::Array(a), Value::Array(b)) => {
            if a.len() != b.len() {
                return Some(format!("at {path}: {} items, got {}", a.len(), b.len()));
            }
            a.iter()
                .zip(b)
                .enumerate()
                .find_map(|(i, (x, y))| first_diff(x, y, &format!("{path}[{i}]")))
        }
        (Value::Number(x), Value::Number(y)) => {
            (x.as_f64() != y.as_f64()).then(|| format!("at {path}: expected {x} got {y}"))
        }
        _ => (want != got).then(|| format!("at {path}: expected {want} got {got}")),
    }
}

#[test]
fn corpus_yaml_trees_match() {
    let dir = corpus::dir();
    let cases: Vec<PathBuf> = corpus::cases(&dir, &["expected.json", "expected.yaml"])
        .into_iter()
        .filter(|c| !c.join("expected.yaml.unstable").exists())
        .collect();
    if cases.is_empty() {
        eprintln!(
            "conformance corpus not found at {}; skipping",
            dir.display()
        );
        return;
    }
    let mut failures = Vec::new();
    for c in &cases {
        let name = c.strip_prefix(&dir).unwrap_or(c).display().to_string();
        let json: Value = match std::fs::read_to_string(c.join("expected.json"))
            .map_err(|e| e.to_string())
            .and_then(|t| serde_json::from_str(&t).map_err(|e| e.to_string()))
        {
            Ok(v) => v,
            Err(e) => {
                failures.push(format!("{name}: expected.json: {e}"));
                continue;
            }
        };
        let want = match std::fs::read_to_string(c.join("expected.yaml"))
            .map_err(|e| e.to_string())
            .and_then(|t| parse_yaml(&t))
        {
            Ok(v) => v,
            Err(e) => {
                failures.push(format!("{name}: expected.yaml: {e}"));
                continue;
            }
        };
        let project = match Project::from_json(&json) {
            Ok(p) => p,
            Err(d) => {
                failures.push(format!("{name}: decode failed: {}", d[0].message));
                continue;
            }
        };
        if let Some(d) = first_diff(&want, &project.to_yaml_value(), "") {
            failures.push(format!("{name}: {d}"));
        }
    }
    corpus::assert_no_failures(&failures, cases.len(), "differ");
}
