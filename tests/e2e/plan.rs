//! `plan` only observes: nothing changes, whatever the plan says.

use serde_json::Value;

use crate::e2e_project;
use crate::harness::Project;

/// Everything `plan` could touch: containers (id, name, state), networks, volumes.
fn snapshot(p: &Project) -> (Vec<crate::harness::Ctr>, Vec<String>, Vec<String>) {
    (p.containers(), p.networks(), p.volumes())
}

fn plan_json(p: &Project, extra: &[&str]) -> Value {
    let mut a = vec!["plan", "--format", "json"];
    a.extend_from_slice(extra);
    let out = p.hoist(&a);
    out.ok();
    let v: Value = serde_json::from_str(&out.stdout)
        .unwrap_or_else(|e| panic!("plan --format json is not JSON ({e}):\n{}", out.dump()));
    for op in v["ops"].as_array().expect("ops is an array") {
        for key in ["op", "cause", "after"] {
            assert!(op.get(key).is_some(), "op without {key}: {op}");
        }
        assert!(op["after"].is_array(), "{op}");
    }
    v
}

#[test]
fn plan_changes_nothing() {
    let Some(p) = e2e_project!("plan", "cross") else {
        return;
    };
    // Fresh project: the plan creates everything, but nothing is created.
    let empty = snapshot(&p);
    let v = plan_json(&p, &[]);
    let ops: Vec<&str> = v["ops"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["op"].as_str().unwrap())
        .collect();
    assert!(ops.contains(&"create_container"), "{v}");
    assert!(!p.hoist(&["plan"]).ok().stdout.contains("Nothing to do"));
    assert_eq!(snapshot(&p), empty, "plan created something");

    // Up, then a change, a scale and an orphan: still nothing happens.
    p.hoist(&["up", "-d"]).ok();
    let up = snapshot(&p);
    assert!(p.hoist(&["plan"]).ok().stdout.contains("Nothing to do"));
    assert_eq!(plan_json(&p, &[])["ops"], Value::Array(vec![]));
    p.edit(
        "command: [\"sleep\", \"3600\"]\n    depends_on",
        "command: [\"sleep\", \"3601\"]\n    depends_on",
    );
    let v = plan_json(&p, &["--scale", "db=2", "--remove-orphans"]);
    assert!(!v["ops"].as_array().unwrap().is_empty(), "{v}");
    let text = p.hoist(&["plan", "--scale", "db=2"]);
    assert!(text.ok().stdout.contains("command"), "{}", text.dump());
    p.hoist(&["--dry-run", "up", "-d"]).ok();
    p.hoist(&["--dry-run", "down", "-v"]).ok();
    assert_eq!(snapshot(&p), up, "plan / --dry-run changed something");
}
