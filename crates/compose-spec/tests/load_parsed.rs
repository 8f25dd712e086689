//! [`LoadOptions::parsed`]: a load given the files' trees parsed ahead says
//! and makes exactly what a load parsing them itself does (diagnostics with
//! their spans, final tree, typed project), for every project of `fixtures/`
//! (a directory holding a standard compose file), and a parse of another text
//! than the file's is not taken.

use compose_spec::loader::{self, LoadOptions, Loaded, Parsed};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use test_support::{corpus, repo_root};

fn walk(dir: &Path, projects: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = rd.flatten().map(|e| e.path()).collect();
    entries.sort();
    if loader::DEFAULT_FILE_NAMES
        .iter()
        .any(|n| dir.join(n).is_file())
    {
        projects.push(dir.to_path_buf());
    }
    for p in entries.into_iter().filter(|p| p.is_dir()) {
        walk(&p, projects);
    }
}

fn yaml_under(dir: &Path, out: &mut Vec<PathBuf>) {
    for p in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = p.path();
        if p.is_dir() {
            yaml_under(&p, out);
        } else if p.extension().is_some_and(|e| e == "yaml" || e == "yml") {
            out.push(p);
        }
    }
}

/// Everything a load returns that a caller sees.
fn outcome(l: &Loaded) -> String {
    format!(
        "{:?}\n{:?}\n{}",
        l.diagnostics,
        l.tree,
        l.project
            .as_ref()
            .map(|p| p.to_json_string())
            .unwrap_or_default()
    )
}

#[test]
fn a_load_with_parsed_files_is_the_same_load() {
    let mut projects = Vec::new();
    walk(&repo_root().join("fixtures"), &mut projects);
    assert!(projects.len() > 50, "{}", projects.len());
    let mut failures = Vec::new();
    for dir in &projects {
        let plain = loader::load(&LoadOptions::new(dir));
        let mut files = Vec::new();
        yaml_under(dir, &mut files);
        let mut opts = LoadOptions::new(dir);
        for f in files {
            let text = std::fs::read_to_string(&f).expect("read");
            opts.parsed
                .insert(f, Arc::new(Parsed::new(Arc::from(text.as_str()))));
        }
        if outcome(&loader::load(&opts)) != outcome(&plain) {
            failures.push(dir.display().to_string());
        }
    }
    corpus::assert_no_failures(&failures, projects.len(), "loaded otherwise");
}

#[test]
fn a_parse_of_another_text_is_not_taken() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("compose.yaml");
    std::fs::write(&path, "services:\n  web:\n    image: nginx\n").expect("write");
    let mut opts = LoadOptions::new(dir.path());
    opts.parsed.insert(
        path.clone(),
        Arc::new(Parsed::new("services:\n  web:\n    image: other\n".into())),
    );
    let l = loader::load(&opts);
    assert_eq!(l.project.expect("loads").services["web"].image, "nginx");
}
