//! An interrupted `up -d` (SIGKILL or SIGINT while it is creating) leaves a
//! state the next `up -d` converges from: one container per replica, canonical
//! names, no temporary names, no duplicate networks.

use std::process::Child;
use std::time::Duration;

use crate::e2e_project;
use crate::harness::{finish, wait_until, Project};

/// Waits until the interrupted `up` has created its first container (or has
/// already finished), so the signal lands while it works.
fn wait_for_work(p: &Project, child: &mut Child) {
    wait_until(Duration::from_secs(60), || {
        !p.containers().is_empty() || child.try_wait().unwrap().is_some()
    });
}

#[track_caller]
fn assert_canonical(p: &Project) {
    let mut out = p.hoist(&["up", "-d"]);
    if out.code != 0 {
        // Known race (reported, not fixed here): the engine still completes the
        // killed client's in-flight creates, so the first `up` after the kill can
        // meet a name conflict with (or the disappearance of) a container of
        // this very project. It must say so, and the next `up` must converge.
        let all = out.all();
        assert!(
            all.contains("Conflict") || all.contains("No such container"),
            "up after the interrupt failed for another reason:\n{}",
            out.dump()
        );
        out = p.hoist(&["up", "-d"]);
    }
    out.ok();
    let cs = p.containers();
    let mut expected: Vec<String> = vec![];
    for i in 1..=12 {
        let svc = format!("s{i:02}");
        let n = if i == 1 { 3 } else { 1 };
        for k in 1..=n {
            expected.push(format!("{}-{svc}-{k}", p.name));
        }
    }
    expected.sort();
    let mut names: Vec<String> = cs.iter().map(|c| c.name.clone()).collect();
    names.sort();
    assert_eq!(names, expected, "after the interrupted up:\n{}", out.dump());
    assert!(cs.iter().all(|c| c.state == "running"), "{cs:?}");
    let mut nets = p.networks();
    nets.sort();
    assert_eq!(
        nets,
        [format!("{}_default", p.name), format!("{}_extra", p.name)],
        "duplicate or missing networks"
    );
    // Nothing else named after the project (temporary `<id>_<name>` containers
    // carry the label too, but check names without relying on it).
    let all = crate::harness::docker(&["ps", "-a", "--format", "{{.Names}}"])
        .ok()
        .stdout
        .clone();
    let stray: Vec<&str> = all
        .lines()
        .filter(|n| n.contains(&p.name) && !expected.iter().any(|e| e == n))
        .collect();
    assert!(stray.is_empty(), "leftover containers: {stray:?}");
}

#[test]
fn sigkill_during_up_then_up_converges() {
    let Some(p) = e2e_project!("sigkill", "many") else {
        return;
    };
    let mut child = p.spawn_hoist(&["up", "-d"]);
    wait_for_work(&p, &mut child);
    let _ = child.kill();
    let _ = finish(child, "hoist up -d (killed)".into());
    assert_canonical(&p);
}

/// `signal` during `up -d`: hoist handles it (the operations in flight
/// finish, exit 130, or 0 when it had finished already) instead of dying of
/// it, and the next `up` converges.
fn signal_during_up(case: &str, signal: &str) {
    let Some(p) = e2e_project!(case, "many") else {
        return;
    };
    let mut child = p.spawn_hoist(&["up", "-d"]);
    wait_for_work(&p, &mut child);
    let pid = child.id().to_string();
    let _ = std::process::Command::new("kill")
        .args([&format!("-{signal}"), &pid])
        .status();
    // `finish` bounds the wait: an `up` that ignores the signal fails the test.
    let out = finish(child, format!("hoist up -d (SIG{signal})"));
    assert!(!out.all().contains("panicked"), "{}", out.dump());
    assert!(
        out.code == 130 || out.code == 0,
        "SIG{signal} was not handled (exit {}):\n{}",
        out.code,
        out.dump()
    );
    if out.code == 130 {
        assert!(out.stderr.contains("interrupted"), "{}", out.dump());
    }
    assert_canonical(&p);
}

#[test]
fn sigint_during_up_exits_promptly_then_up_converges() {
    signal_during_up("sigint", "INT");
}

#[test]
fn sigterm_during_up_is_handled_like_ctrl_c() {
    signal_during_up("sigterm", "TERM");
}

#[test]
fn sigkill_during_recreate_then_up_converges() {
    let Some(p) = e2e_project!("sigkill-re", "many") else {
        return;
    };
    p.hoist(&["up", "-d"]).ok();
    let before = p.ids();
    // Every service changes: each is recreated through a temporary name.
    p.edit(
        "command: [\"sleep\", \"3600\"]",
        "command: [\"sleep\", \"3601\"]",
    );
    let mut child = p.spawn_hoist(&["up", "-d"]);
    wait_until(Duration::from_secs(60), || {
        p.ids() != before || child.try_wait().unwrap().is_some()
    });
    let _ = child.kill();
    let _ = finish(child, "hoist up -d (killed)".into());
    assert_canonical(&p);
    for c in p.containers() {
        let cmd = p.inspect(&c.id)["Config"]["Cmd"].to_string();
        assert!(cmd.contains("3601"), "{} not recreated: {cmd}", c.name);
    }
}
