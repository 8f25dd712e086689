//! Where the conformance corpus is, for the tests that run over it
//! (`compose-spec`'s `model_roundtrip`, `model_yaml_roundtrip`, `emit_corpus`).
//!
//! The corpus lives at `$HOIST_CONFORMANCE_DIR`, or by default at
//! `../../../shared/conformance/cases` from this crate (`crates/test-support`),
//! else at the nearest ancestor's `shared/conformance/cases` (a git worktree
//! nested deeper).
//! Without it the tests only say so.

use std::path::{Path, PathBuf};

/// The corpus directory (which may not exist).
pub fn dir() -> PathBuf {
    if let Some(d) = std::env::var_os("HOIST_CONFORMANCE_DIR") {
        return PathBuf::from(d);
    }
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let default = manifest.join("../../../shared/conformance/cases");
    if default.is_dir() {
        return default;
    }
    manifest
        .ancestors()
        .map(|a| a.join("shared/conformance/cases"))
        .find(|c| c.is_dir())
        .unwrap_or(default)
}

/// The case directories (`<source>/<case>`) of `dir` that hold every one of
/// `files`, sorted.
pub fn cases(dir: &Path, files: &[&str]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for source in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        for case in std::fs::read_dir(source.path())
            .into_iter()
            .flatten()
            .flatten()
        {
            let c = case.path();
            if files.iter().all(|f| c.join(f).is_file()) {
                out.push(c);
            }
        }
    }
    out.sort();
    out
}

/// Prints each failure (`FAIL …`) and the counts, then panics unless there is none:
/// "`<n>` of `<cases>` cases `<what>`".
#[track_caller]
pub fn assert_no_failures(failures: &[String], cases: usize, what: &str) {
    for f in failures {
        eprintln!("FAIL {f}");
    }
    eprintln!(
        "{} passed, {} failed",
        cases - failures.len(),
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "{} of {cases} cases {what}",
        failures.len()
    );
}
