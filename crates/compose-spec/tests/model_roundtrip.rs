//! Round trip over the conformance corpus: every `expected.json` (the
//! reference's `config --format json`) must decode into the model and print
//! back identically.
//! (`test_support::corpus` says where the corpus is.)

use test_support::corpus;

use std::path::PathBuf;

use compose_spec::model::Project;
use serde_json::Value;

/// The first place where `got` differs from `want`, as a jq-like path.
fn first_diff(want: &Value, got: &Value, path: &str) -> Option<String> {
    match (want, got) {
        (Value::Object(a), Value::Object(b)) => {
            let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
            keys.sort();
            keys.dedup();
            for k in keys {
                let p = format!("{path}.{k}");
                match (a.get(k), b.get(k)) {
                    (Some(x), Some(y)) => {
                        if let Some(d) = first_diff(x, y, &p) {
                            return Some(d);
                        }
                    }
                    (Some(x), None) => return Some(format!("at {p}: expected {x} got nothing")),
                    (None, Some(y)) => return Some(format!("at {p}: expected nothing got {y}")),
                    (None, None) => {}
                }
            }
            None
        }
        (Value::Array(a), Value::Array(b)) => {
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                if let Some(d) = first_diff(x, y, &format!("{path}[{i}]")) {
                    return Some(d);
                }
            }
            (a.len() != b.len())
                .then(|| format!("at {path}: expected {} items got {}", a.len(), b.len()))
        }
        _ => (want != got).then(|| format!("at {path}: expected {want} got {got}")),
    }
}

#[test]
fn corpus_round_trips_through_the_model() {
    let dir = corpus::dir();
    let files: Vec<PathBuf> = corpus::cases(&dir, &["expected.json"])
        .into_iter()
        .map(|c| c.join("expected.json"))
        .collect();
    if files.is_empty() {
        eprintln!(
            "conformance corpus not found at {}; skipping",
            dir.display()
        );
        return;
    }
    let mut failures = Vec::new();
    for f in &files {
        let case = f
            .parent()
            .and_then(|c| c.strip_prefix(&dir).ok())
            .map(|c| c.display().to_string())
            .unwrap_or_default();
        let text = match std::fs::read_to_string(f) {
            Ok(t) => t,
            Err(e) => {
                failures.push(format!("{case}: cannot read: {e}"));
                continue;
            }
        };
        let want: Value = match serde_json::from_str(&text) {
            Ok(v) => v,
            Err(e) => {
                failures.push(format!("{case}: invalid JSON: {e}"));
                continue;
            }
        };
        match Project::from_json(&want) {
            Err(diags) => {
                let msgs: Vec<String> = diags
                    .iter()
                    .map(|d| format!("{} ({:?})", d.message, d.path))
                    .collect();
                failures.push(format!("{case}: decode failed: {}", msgs.join("; ")));
            }
            Ok(project) => {
                let got = project.to_json();
                if let Some(d) = first_diff(&want, &got, "") {
                    failures.push(format!("{case}: {d}"));
                }
                // The text form must parse back to the same value too.
                let text_out = project.to_json_string();
                match serde_json::from_str::<Value>(&text_out) {
                    Ok(v) if v == got => {}
                    Ok(_) => failures.push(format!("{case}: to_json_string differs from to_json")),
                    Err(e) => failures.push(format!("{case}: to_json_string is not JSON: {e}")),
                }
            }
        }
    }
    corpus::assert_no_failures(&failures, files.len(), "failed to round-trip");
}
