//! Round trip over the conformance corpus: every `expected.json` (the
//! reference's `config --format json`) must decode into the model and print
//! back identically.
//!
//! The corpus lives at `$HOIST_CONFORMANCE_DIR`, or by default at
//! `../../../shared/conformance/cases` from this crate (else the nearest
//! ancestor's `shared/conformance/cases`); without it the test only says so.

use std::path::{Path, PathBuf};

use compose_spec::model::Project;
use serde_json::Value;

fn corpus_dir() -> PathBuf {
    if let Some(d) = std::env::var_os("HOIST_CONFORMANCE_DIR") {
        return PathBuf::from(d);
    }
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let default = manifest.join("../../../shared/conformance/cases");
    if default.is_dir() {
        return default;
    }
    // From a git worktree nested deeper, look further up.
    manifest
        .ancestors()
        .map(|a| a.join("shared/conformance/cases"))
        .find(|c| c.is_dir())
        .unwrap_or(default)
}

fn expected_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(sources) = std::fs::read_dir(dir) else {
        return out;
    };
    for source in sources.flatten() {
        let Ok(cases) = std::fs::read_dir(source.path()) else {
            continue;
        };
        for case in cases.flatten() {
            let f = case.path().join("expected.json");
            if f.is_file() {
                out.push(f);
            }
        }
    }
    out.sort();
    out
}

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
    let dir = corpus_dir();
    let files = expected_files(&dir);
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
    for f in &failures {
        eprintln!("FAIL {f}");
    }
    eprintln!(
        "{} passed, {} failed",
        files.len() - failures.len(),
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "{} of {} cases failed to round-trip",
        failures.len(),
        files.len()
    );
}
