//! Data-driven tests of multi-file projects: `-f` merging and override files,
//! `!reset` / `!override`, `extends`, `include` and profiles.
//!
//! Every directory under `fixtures/multi/` is one case in the format of the
//! conformance corpus (see `fixtures/multi/regen.sh`): a `case.json` giving
//! `files` (the `-f` list; empty = none), `project_name` (`-p`; null = none),
//! `env`, `args` (global flags before `config`) and an optional `workdir`,
//! plus the reference's (Docker Compose v2.40.3) answer: `expected.json`, the
//! tokenized `config --format json` output, or `expected.err` when the
//! reference fails. A `cli-case.json` instead of `case.json` may also list
//! `services` to name after `config`; the conformance runner does not pick
//! those up, this test does.
//!
//! The test runs the built `hoist` the way `run.sh` runs a candidate:
//!
//! ```text
//! hoist [-p NAME] [-f F]... [ARGS...] config --format json [SERVICES...]
//! ```
//!
//! in `<case dir>/<workdir>` with an environment of only `PATH`, `HOME` and
//! the case's `env`, replaces the case directory by `${CASE_DIR}` (its parent
//! by `${CASE_DIR}/..`, `$HOME` by `${HOME}`) and compares the parsed JSON
//! with `expected.json` (key order does not matter). An `expected.err` case
//! only requires a non-zero exit. All failing cases are reported, each with
//! the first differing JSON path. Only the stored expectations are read, so
//! the reference implementation is not needed.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::time::Duration;

const TIMEOUT: Duration = Duration::from_secs(60);
const CASE_TOKEN: &str = "${CASE_DIR}";

fn corpus_root() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/multi");
    root.canonicalize()
        .unwrap_or_else(|e| panic!("{}: {e}", root.display()))
}

/// How to invoke one case, read from `case.json` or `cli-case.json`.
struct Invocation {
    files: Vec<String>,
    project_name: Option<String>,
    env: Vec<(String, String)>,
    args: Vec<String>,
    workdir: Option<String>,
    services: Vec<String>,
}

fn strings(v: &Value, key: &str) -> Result<Vec<String>, String> {
    match v.get(key) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .map(|i| {
                i.as_str()
                    .map(str::to_owned)
                    .ok_or_else(|| format!("`{key}` must hold strings"))
            })
            .collect(),
        Some(_) => Err(format!("`{key}` must be a list")),
    }
}

fn read_invocation(path: &Path, case_dir: &str) -> Result<Invocation, String> {
    let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    let v: Value = serde_json::from_str(&text).map_err(|e| e.to_string())?;
    let project_name = match v.get("project_name") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => return Err("`project_name` must be a string or null".into()),
    };
    let env = match v.get("env") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Object(m)) => m
            .iter()
            .map(|(k, val)| {
                let val = match val {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                (k.clone(), val.replace(CASE_TOKEN, case_dir))
            })
            .collect(),
        Some(_) => return Err("`env` must be an object".into()),
    };
    let workdir = match v.get("workdir") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => return Err("`workdir` must be a string".into()),
    };
    Ok(Invocation {
        files: strings(&v, "files")?,
        project_name,
        env,
        args: strings(&v, "args")?
            .into_iter()
            .map(|a| a.replace(CASE_TOKEN, case_dir))
            .collect(),
        workdir,
        services: strings(&v, "services")?,
    })
}

/// Runs hoist for one case; returns (exit status, stdout, stderr).
fn run_hoist(dir: &Path, inv: &Invocation) -> Result<(ExitStatus, String, String), String> {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_hoist"));
    if let Some(name) = &inv.project_name {
        cmd.arg("-p").arg(name);
    }
    for f in &inv.files {
        cmd.arg("-f").arg(f);
    }
    cmd.args(&inv.args)
        .args(["config", "--format", "json"])
        .args(&inv.services);
    let cwd = match &inv.workdir {
        Some(w) => dir.join(w),
        None => dir.to_path_buf(),
    };
    cmd.current_dir(cwd).env_clear();
    for var in ["PATH", "HOME"] {
        if let Some(val) = std::env::var_os(var) {
            cmd.env(var, val);
        }
    }
    cmd.envs(inv.env.iter().map(|(k, v)| (k, v)))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());

    let child = cmd.spawn().map_err(|e| format!("spawn hoist: {e}"))?;
    let out = test_support::wait_for(child, "hoist".into(), Some(TIMEOUT))?;
    Ok((out.status, out.stdout, out.stderr))
}

/// The tokenization of run.sh: the case directory (as given and physical)
/// becomes `${CASE_DIR}`, then its parent `${CASE_DIR}/..` (unless the parent
/// is `$HOME` or above it), then `$HOME` becomes `${HOME}`.
fn tokenize(text: &str, dir: &Path) -> String {
    let logical = dir.to_string_lossy().into_owned();
    let physical = dir
        .canonicalize()
        .map(|p| p.to_string_lossy().into_owned())
        .unwrap_or_else(|_| logical.clone());
    let mut s = text.replace(&physical, CASE_TOKEN);
    if logical != physical {
        s = s.replace(&logical, CASE_TOKEN);
    }
    let home = std::env::var("HOME").unwrap_or_default();
    for d in [&physical, &logical] {
        let parent = match d.rfind('/') {
            Some(i) => &d[..i],
            None => continue,
        };
        if parent.len() > 1 && !format!("{home}/").starts_with(&format!("{parent}/")) {
            s = s.replace(parent, "${CASE_DIR}/..");
        }
    }
    if home.len() > 1 {
        s = s.replace(&home, "${HOME}");
    }
    s
}

/// A JSON path in run.sh's notation: `.services.web.ports[0].published`.
fn show_path(path: &[String]) -> String {
    if path.is_empty() {
        ".".into()
    } else {
        path.concat()
    }
}

fn key_segment(k: &str) -> String {
    let ident = k
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if ident {
        format!(".{k}")
    } else {
        format!(".{}", Value::String(k.to_owned()))
    }
}

fn show_value(v: Option<&Value>) -> String {
    let s = match v {
        Some(v) => v.to_string(),
        None => "(absent)".into(),
    };
    if s.chars().count() > 100 {
        format!("{}...", s.chars().take(100).collect::<String>())
    } else {
        s
    }
}

/// The first difference between `want` and `got`, visiting object keys in
/// sorted order, as `at PATH: expected X got Y`.
fn first_diff(want: Option<&Value>, got: Option<&Value>, path: &mut Vec<String>) -> Option<String> {
    match (want, got) {
        (Some(Value::Object(w)), Some(Value::Object(g))) => {
            let mut keys: Vec<&String> = w.keys().chain(g.keys()).collect();
            keys.sort();
            keys.dedup();
            for k in keys {
                path.push(key_segment(k));
                let d = first_diff(w.get(k), g.get(k), path);
                path.pop();
                if d.is_some() {
                    return d;
                }
            }
            None
        }
        (Some(Value::Array(w)), Some(Value::Array(g))) => {
            for i in 0..w.len().max(g.len()) {
                path.push(format!("[{i}]"));
                let d = first_diff(w.get(i), g.get(i), path);
                path.pop();
                if d.is_some() {
                    return d;
                }
            }
            None
        }
        (w, g) if w == g => None,
        (w, g) => Some(format!(
            "at {}: expected {} got {}",
            show_path(path),
            show_value(w),
            show_value(g)
        )),
    }
}

/// The first two non-empty lines of `s`, joined.
fn first_lines(s: &str) -> String {
    s.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .take(2)
        .collect::<Vec<_>>()
        .join(" / ")
}

fn show_status(status: ExitStatus) -> String {
    match status.code() {
        Some(code) => format!("exit {code}"),
        None => status.to_string(),
    }
}

/// Runs one case; `Err` holds the failure hint.
fn check_case(dir: &Path, spec: &Path) -> Result<(), String> {
    let dir_s = dir.to_string_lossy().into_owned();
    let inv = read_invocation(spec, &dir_s).map_err(|e| format!("bad {}: {e}", spec.display()))?;
    let expected_json = dir.join("expected.json");
    let expected_err = dir.join("expected.err");
    let (status, stdout, stderr) = run_hoist(dir, &inv)?;
    if expected_json.is_file() {
        if !status.success() {
            return Err(format!(
                "{}, reference succeeds; stderr: {}",
                show_status(status),
                first_lines(&tokenize(&stderr, dir))
            ));
        }
        let text = std::fs::read_to_string(&expected_json).map_err(|e| e.to_string())?;
        let want: Value = serde_json::from_str(&text)
            .map_err(|e| format!("bad {}: {e}", expected_json.display()))?;
        let tokenized = tokenize(&stdout, dir);
        let got: Value = serde_json::from_str(&tokenized).map_err(|e| {
            format!(
                "output is not valid JSON ({e}): {}",
                first_lines(&tokenized)
            )
        })?;
        match first_diff(Some(&want), Some(&got), &mut Vec::new()) {
            None => Ok(()),
            Some(hint) => Err(hint),
        }
    } else if expected_err.is_file() {
        if status.success() {
            let text = std::fs::read_to_string(&expected_err).unwrap_or_default();
            let reason = text.lines().skip(1).collect::<Vec<_>>().join(" / ");
            Err(format!("exit 0, reference fails with: {reason}"))
        } else {
            Ok(())
        }
    } else {
        Err("no expected.json or expected.err (run fixtures/multi/regen.sh)".into())
    }
}

#[test]
fn multi_file_cases_match_the_reference() {
    let root = corpus_root();
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .expect("read fixtures/multi")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();

    let mut failures = Vec::new();
    let mut ran = 0;
    for dir in &dirs {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let spec = ["case.json", "cli-case.json"]
            .iter()
            .map(|f| dir.join(f))
            .find(|p| p.is_file());
        let Some(spec) = spec else {
            failures.push(format!("{name}: no case.json or cli-case.json"));
            continue;
        };
        ran += 1;
        if let Err(hint) = check_case(dir, &spec) {
            failures.push(format!("{name}: {hint}"));
        }
    }
    assert!(ran >= 30, "expected at least 30 cases, found {ran}");
    assert!(
        failures.is_empty(),
        "{} of {ran} multi-file cases failed:\n  FAIL {}",
        failures.len(),
        failures.join("\n  FAIL ")
    );
}
