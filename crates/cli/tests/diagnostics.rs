//! Snapshot tests of rendered diagnostics, one fixture per diagnostic code.
//!
//! Each directory under `fixtures/invalid/` is named after the code it exercises
//! (`schema::unknown-key` → `schema--unknown-key`) and holds a compose project;
//! an optional `args` file gives the command line (default `config`). The test
//! runs the real `hoist` binary in that directory with a clean environment and
//! snapshots exit status and stderr.

use compose_spec::Code;
use std::path::{Path, PathBuf};
use std::process::Command;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/invalid")
}

/// Codes whose problem lies on the command line, not in a file: no line:col.
const COMMAND_LINE_CODES: &[Code] = &[
    Code::Io,
    Code::NoConfigFile,
    Code::ProjectName,
    Code::NoSuchService,
];

fn run(dir: &Path) -> (i32, String) {
    let args = std::fs::read_to_string(dir.join("args")).unwrap_or_else(|_| "config".into());
    let out = Command::new(env!("CARGO_BIN_EXE_hoist"))
        .args(args.split_whitespace())
        .current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", "/nonexistent-home")
        .env("NO_COLOR", "1")
        .output()
        .expect("run hoist");
    let dir_s = dir.canonicalize().unwrap().to_string_lossy().into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).replace(&dir_s, "[FIXTURE]");
    (out.status.code().unwrap_or(-1), stderr)
}

fn dir_name(code: Code) -> String {
    code.as_str().replace("::", "--")
}

#[test]
fn every_code_has_a_fixture() {
    let missing: Vec<&str> = Code::ALL
        .iter()
        .filter(|c| !fixtures().join(dir_name(**c)).is_dir())
        .map(|c| c.as_str())
        .collect();
    assert!(
        missing.is_empty(),
        "codes without a fixture under fixtures/invalid: {missing:?}"
    );
}

#[test]
fn rendered_diagnostics() {
    let mut failures = Vec::new();
    for code in Code::ALL {
        let dir = fixtures().join(dir_name(*code));
        if !dir.is_dir() {
            continue;
        }
        let (status, stderr) = run(&dir);
        let tag = code.as_str();
        let warning_only = *code == Code::InterpolationUnset;
        let mentioned = if warning_only {
            stderr.contains("WARN")
        } else {
            stderr.lines().any(|l| l.trim() == tag)
        };
        if !mentioned {
            failures.push(format!(
                "{}: stderr does not mention {tag}:\n{stderr}",
                dir_name(*code)
            ));
        }
        if !warning_only && status == 0 {
            failures.push(format!(
                "{}: exit status 0 for an error fixture",
                dir_name(*code)
            ));
        }
        if !COMMAND_LINE_CODES.contains(code) {
            let has_location = stderr
                .lines()
                .any(|l| l.contains(".yaml:") || l.contains(".env:"))
                && regex_like_line_col(&stderr);
            if !has_location {
                failures.push(format!(
                    "{}: no file:line:col in\n{stderr}",
                    dir_name(*code)
                ));
            }
        }
        insta::with_settings!({snapshot_suffix => dir_name(*code), prepend_module_to_snapshot => false}, {
            insta::assert_snapshot!("diagnostic", format!("exit status: {status}\n{stderr}"));
        });
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Whether some line holds `file:LINE:COL` (a path followed by two numbers).
fn regex_like_line_col(s: &str) -> bool {
    s.lines().any(|l| {
        l.match_indices(':').any(|(i, _)| {
            let rest = &l[i + 1..];
            let a: String = rest.chars().take_while(char::is_ascii_digit).collect();
            if a.is_empty() {
                return false;
            }
            let after = &rest[a.len()..];
            after.starts_with(':') && after[1..].starts_with(|c: char| c.is_ascii_digit())
        })
    })
}
