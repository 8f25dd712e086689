//! [`compose_spec::editor::format`]: the cases of `fixtures/lsp/format/<case>/`
//! (`input.yaml` formats to `expected.yaml`), and over every YAML file of
//! `fixtures/` and of the conformance corpus: a file that parses formats, the
//! result is a fixed point, and a project that loads loads to the same model
//! (`config`'s JSON) from the formatted text.

use compose_spec::diag::Diagnostics;
use compose_spec::editor::format;
use compose_spec::loader::{self, LoadOptions};
use compose_spec::span::FileId;
use std::path::{Path, PathBuf};
use test_support::{corpus, repo_root};

fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = rd.flatten().map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            yaml_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "yaml" || e == "yml") {
            out.push(p);
        }
    }
}

fn parses(text: &str) -> bool {
    let mut d = Diagnostics::new();
    compose_spec::yaml::parse::parse(text, FileId(0), &mut d).is_some() && !d.has_errors()
}

/// The project of the single compose file `path` (optionally with `text` in
/// place of the file) as `config --format json` prints it, when it loads.
fn model(path: &Path, text: Option<&str>) -> Option<String> {
    let mut opts = LoadOptions::new(path.parent()?);
    opts.files = vec![path.to_path_buf()];
    if let Some(t) = text {
        opts.overlay.insert(path.to_path_buf(), t.to_string());
    }
    let loaded = loader::load(&opts);
    loaded.project.as_ref().map(|p| p.to_json_string())
}

/// One file through the formatter: what is wrong with it, if anything.
fn check(path: &Path, load: bool) -> Option<String> {
    let text = std::fs::read_to_string(path).ok()?;
    let shown = path.display();
    if !parses(&text) {
        return format(&text, 2).map(|_| format!("{shown}: formatted, yet does not parse"));
    }
    let Some(once) = format(&text, 2) else {
        return Some(format!("{shown}: parses, yet not formatted"));
    };
    if format(&once, 2).as_deref() != Some(once.as_str()) {
        return Some(format!("{shown}: formatting again changes it"));
    }
    if load {
        if let Some(before) = model(path, None) {
            if model(path, Some(&once)).as_deref() != Some(before.as_str()) {
                return Some(format!("{shown}: loads to another model once formatted"));
            }
        }
    }
    None
}

#[test]
fn format_cases() {
    let dir = repo_root().join("fixtures/lsp/format");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("fixtures/lsp/format")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    assert!(!cases.is_empty());
    let bless = std::env::var_os("HOIST_BLESS").is_some();
    let mut failures = Vec::new();
    for case in &cases {
        let input = std::fs::read_to_string(case.join("input.yaml")).expect("input.yaml");
        let got = format(&input, 2).unwrap_or_else(|| input.clone());
        let expected_path = case.join("expected.yaml");
        if bless {
            std::fs::write(&expected_path, &got).expect("write expected.yaml");
            continue;
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
        if got != expected {
            failures.push(format!(
                "{}:\n--- expected\n{expected}--- got\n{got}",
                case.display()
            ));
        }
        failures.extend(check(&case.join("input.yaml"), true));
        failures.extend(check(&expected_path, true));
    }
    corpus::assert_no_failures(&failures, cases.len(), "formatted otherwise");
}

#[test]
fn every_fixture_formats_to_the_same_model() {
    let mut files = Vec::new();
    yaml_files(&repo_root().join("fixtures"), &mut files);
    assert!(files.len() > 100, "{}", files.len());
    let failures: Vec<String> = files.iter().filter_map(|f| check(f, true)).collect();
    corpus::assert_no_failures(&failures, files.len(), "changed by formatting");
}

#[test]
fn every_corpus_file_formats_to_the_same_tree() {
    let dir = corpus::dir();
    if !dir.is_dir() {
        eprintln!(
            "conformance corpus not found at {}; skipping",
            dir.display()
        );
        return;
    }
    let mut files = Vec::new();
    yaml_files(&dir, &mut files);
    let failures: Vec<String> = files.iter().filter_map(|f| check(f, false)).collect();
    corpus::assert_no_failures(&failures, files.len(), "changed by formatting");
}
