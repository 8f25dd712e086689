//! hoist is a drop-in for `docker compose`: every command the reference
//! lists in its `--help`, and every flag of each, exist in hoist too. The
//! reference (Docker Compose v2.40.3) is installed in CI; its help is read at
//! test time, so a flag missing in hoist fails here. The few gaps left on
//! purpose are listed in `GAPS`, each with its reason.

use std::collections::BTreeSet;
use std::process::Command;

const HOIST: &str = env!("CARGO_BIN_EXE_hoist");

/// (command, flag) pairs hoist does not have yet, and why.
const GAPS: &[(&str, &str, &str)] = &[];

/// Commands hoist does not have, and why.
const COMMAND_GAPS: &[(&str, &str)] = &[];

fn reference_ready() -> bool {
    let ok = Command::new("docker")
        .args(["compose", "version"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        return test_support::skip_or_fail(
            "the flag comparison",
            "the reference `docker compose` is not installed",
        );
    }
    true
}

fn help(program: &str, args: &[&str]) -> String {
    let out = Command::new(program)
        .args(args)
        .arg("--help")
        .env("NO_COLOR", "1")
        .output()
        .expect("run --help");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The commands a help text lists under "Commands:" / "Management Commands:".
fn commands(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut inside = false;
    for line in text.lines() {
        let t = line.trim_end();
        if t.ends_with("Commands:") {
            inside = true;
            continue;
        }
        if inside {
            if t.is_empty() {
                inside = false;
                continue;
            }
            if let Some(word) = t.split_whitespace().next() {
                if line.starts_with("  ") && word != "help" {
                    out.insert(word.to_string());
                }
            }
        }
    }
    out
}

/// Every `--long` flag (and `-x` short) a help text documents.
fn flags(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for line in text.lines() {
        let t = line.trim_start();
        // Flag lines are indented a little; wrapped descriptions much more.
        if !t.starts_with('-') || line.len() - t.len() > 10 {
            continue;
        }
        for word in t.split([' ', ',']).take(3) {
            let w = word.split(['=', '[', '<']).next().unwrap_or("");
            if w.starts_with("--") && w.len() > 2 || (w.len() == 2 && w.starts_with('-')) {
                out.insert(w.to_string());
            }
        }
    }
    out.remove("--help");
    out.remove("-h");
    out
}

#[test]
fn every_reference_command_and_flag_exists_in_hoist() {
    if !reference_ready() {
        return;
    }
    let reference = commands(&help("docker", &["compose"]));
    let ours = commands(&help(HOIST, &[]));
    assert!(
        reference.len() > 30,
        "could not read the reference's commands: {reference:?}"
    );
    let mut missing = Vec::new();
    for cmd in &reference {
        if COMMAND_GAPS.iter().any(|(c, _)| c == cmd) {
            continue;
        }
        if !ours.contains(cmd) {
            missing.push(format!("command {cmd}"));
            continue;
        }
        compare_command(&[cmd.as_str()], &mut missing);
    }
    // The global flags.
    let theirs = flags(&help("docker", &["compose"]));
    let have = flags(&help(HOIST, &[]));
    for f in theirs.difference(&have) {
        missing.push(format!("global {f}"));
    }
    assert!(missing.is_empty(), "missing in hoist: {missing:#?}");
}

/// The flags of the command at `path` (`["bridge", "convert"]`), then its
/// subcommands (`bridge`'s `convert` and `transformations`, and theirs), each
/// of which hoist must have with the reference's flags.
fn compare_command(path: &[&str], missing: &mut Vec<String>) {
    let mut reference_args = vec!["compose"];
    reference_args.extend_from_slice(path);
    let reference_help = help("docker", &reference_args);
    let our_help = help(HOIST, path);
    let cmd = path.join(" ");
    let theirs = flags(&reference_help);
    let have = flags(&our_help);
    for f in theirs.difference(&have) {
        // Short forms compose shadows (`-f` after logs/rm, `-p` after run,
        // `-f` after `bridge transformations create`) are rewritten before
        // parsing: see main::local_short_flags.
        let rewritten = matches!(
            (cmd.as_str(), f.as_str()),
            ("logs", "-f") | ("rm", "-f") | ("run", "-p") | ("bridge transformations create", "-f")
        );
        if rewritten || GAPS.iter().any(|(c, g, _)| *c == cmd && g == f) {
            continue;
        }
        missing.push(format!("{cmd} {f}"));
    }
    let ours = commands(&our_help);
    for sub in commands(&reference_help) {
        if !ours.contains(&sub) {
            missing.push(format!("command {cmd} {sub}"));
            continue;
        }
        let mut deeper = path.to_vec();
        deeper.push(&sub);
        compare_command(&deeper, missing);
    }
}

#[test]
fn nested_commands_are_compared() {
    if !reference_ready() {
        return;
    }
    // the comparison reaches bridge's subcommands (a flag of
    // `bridge transformations list` is found at the third level)
    let list = help("docker", &["compose", "bridge", "transformations", "list"]);
    assert!(flags(&list).contains("--quiet"), "{list}");
    assert!(
        commands(&help("docker", &["compose", "bridge"])).contains("transformations"),
        "the reference's bridge has no transformations"
    );
    let mut missing = Vec::new();
    compare_command(&["bridge"], &mut missing);
    assert!(missing.is_empty(), "missing in hoist: {missing:#?}");
    // and `ls` is an alias of `list`, as in the reference
    let ls = help(HOIST, &["bridge", "transformations", "ls"]);
    assert!(flags(&ls).contains("--quiet"), "{ls}");
}

#[test]
fn the_gaps_are_real() {
    if !reference_ready() {
        return;
    }
    // A gap that hoist has closed (or the reference dropped) must leave the list.
    for (cmd, flag, why) in GAPS {
        assert!(
            flags(&help("docker", &["compose", cmd])).contains(*flag),
            "the reference has no {cmd} {flag} ({why})"
        );
        assert!(
            !flags(&help(HOIST, &[cmd])).contains(*flag),
            "hoist has {cmd} {flag} now: remove it from GAPS"
        );
    }
}
