//! Scaling keeps the lowest numbers, no-op `up` touches nothing, and a changed
//! service alone is recreated (with `plan` naming the change first).

use crate::e2e_project;
use crate::harness::Project;

fn web(p: &Project) -> Vec<(String, String)> {
    p.containers()
        .into_iter()
        .filter(|c| c.service == "web")
        .map(|c| (c.name, c.id))
        .collect()
}

#[test]
fn scale_down_keeps_lowest_and_up_again() {
    let Some(p) = e2e_project!("scale", "scale") else {
        return;
    };
    let n = &p.name;
    p.hoist(&["up", "-d", "--scale", "web=3"]).ok();
    let three = web(&p);
    let names: Vec<&str> = three.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            format!("{n}-web-1"),
            format!("{n}-web-2"),
            format!("{n}-web-3")
        ]
    );

    p.hoist(&["up", "-d", "--scale", "web=1"]).ok();
    let one = web(&p);
    assert_eq!(
        one,
        three[..1],
        "scaling down must keep web-1 (the lowest number)"
    );

    p.hoist(&["up", "-d", "--scale", "web=2"]).ok();
    let two = web(&p);
    assert_eq!(two.len(), 2);
    assert_eq!(two[0], three[0], "web-1 kept");
    assert_eq!(two[1].0, format!("{n}-web-2"));
    assert!(p.containers().iter().all(|c| c.state == "running"));

    // A second identical `up` changes nothing.
    let before = p.ids();
    p.hoist(&["up", "-d", "--scale", "web=2"]).ok();
    assert_eq!(p.ids(), before, "no-op up changed container ids");
}

#[test]
fn changed_environment_recreates_only_that_service() {
    let Some(p) = e2e_project!("recreate", "scale") else {
        return;
    };
    p.hoist(&["up", "-d"]).ok();
    let before = p.containers();
    p.edit("MODE: blue", "MODE: green");
    let plan = p.hoist(&["plan"]);
    plan.ok();
    assert!(
        plan.stdout
            .contains("environment.MODE changed: blue → green"),
        "plan should name the change:\n{}",
        plan.dump()
    );
    assert_eq!(p.containers(), before, "plan changed something");
    p.hoist(&["up", "-d"]).ok();
    let after = p.containers();
    assert_eq!(after.len(), before.len());
    for (b, a) in before.iter().zip(&after) {
        assert_eq!(a.name, b.name, "names stay canonical");
        assert_eq!(a.state, "running");
        if b.service == "web" {
            assert_ne!(a.id, b.id, "web should be recreated");
        } else {
            assert_eq!(a.id, b.id, "{} should not be recreated", b.name);
        }
    }
    let env = p.inspect(&format!("{}-web-1", p.name))["Config"]["Env"].to_string();
    assert!(env.contains("MODE=green"), "{env}");
    // And docker compose agrees the project is converged.
    let out = p.compose(&["up", "-d"]);
    out.ok();
    assert_eq!(
        p.containers(),
        after,
        "docker compose recreated:\n{}",
        out.dump()
    );
}
