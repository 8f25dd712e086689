//! One tool creates, the other takes over: both must read the same labels and
//! config hashes, so nothing is recreated and `down` finds everything.

use crate::e2e_project;
use crate::harness::Project;

#[track_caller]
fn assert_gone(p: &Project) {
    assert!(
        p.containers().is_empty(),
        "containers left: {:?}",
        p.containers()
    );
    assert!(p.networks().is_empty(), "networks left: {:?}", p.networks());
    assert!(p.volumes().is_empty(), "volumes left: {:?}", p.volumes());
}

#[test]
fn hoist_up_then_compose_up_recreates_nothing() {
    let Some(p) = e2e_project!("x-hc", "cross") else {
        return;
    };
    p.hoist(&["up", "-d"]).ok();
    let before = p.ids();
    assert_eq!(before.len(), 2);
    let out = p.compose(&["up", "-d"]);
    out.ok();
    for name in before.keys() {
        assert!(
            out.stderr.contains(&format!("Container {name}  Running")),
            "docker compose should find {name} running, unchanged:\n{}",
            out.dump()
        );
    }
    assert!(!out.stderr.contains("Recreate"), "{}", out.dump());
    assert_eq!(p.ids(), before, "container ids changed");
}

#[test]
fn compose_up_then_hoist_plan_has_nothing_to_do() {
    let Some(p) = e2e_project!("x-ch", "cross") else {
        return;
    };
    p.compose(&["up", "-d"]).ok();
    let before = p.ids();
    let out = p.hoist(&["plan"]);
    out.ok();
    assert!(out.stdout.contains("Nothing to do"), "{}", out.dump());
    p.hoist(&["up", "-d"]).ok();
    assert_eq!(p.ids(), before, "hoist up recreated compose's containers");
}

#[test]
fn hoist_up_then_compose_down_removes_everything() {
    let Some(p) = e2e_project!("x-hd", "cross") else {
        return;
    };
    p.hoist(&["up", "-d"]).ok();
    assert_eq!(p.volumes().len(), 2);
    assert_eq!(p.networks().len(), 2);
    p.compose(&["down", "-v", "-t", "0"]).ok();
    assert_gone(&p);
}

#[test]
fn compose_up_then_hoist_down_removes_everything() {
    let Some(p) = e2e_project!("x-cd", "cross") else {
        return;
    };
    p.compose(&["up", "-d"]).ok();
    assert_eq!(p.volumes().len(), 2);
    p.hoist(&["down", "-v", "-t", "0"]).ok();
    assert_gone(&p);
}
