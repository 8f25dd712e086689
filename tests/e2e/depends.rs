//! depends_on conditions: what `up -d` waits for and how it fails. Each case
//! runs the same fixture through both tools where the outcome is compared.

use crate::e2e_project;
use crate::harness::{assert_mentions, Project};

fn started_at(p: &Project, svc: &str) -> String {
    p.inspect(&format!("{}-{svc}-1", p.name))["State"]["StartedAt"]
        .as_str()
        .unwrap()
        .to_string()
}

fn logs(p: &Project, svc: &str) -> String {
    crate::harness::docker(&["logs", &format!("{}-{svc}-1", p.name)])
        .ok()
        .stdout
        .clone()
}

#[test]
fn service_healthy_waits_for_health() {
    let Some(p) = e2e_project!("healthy", "healthy") else {
        return;
    };
    p.hoist(&["up", "-d"]).ok();
    let db = p.inspect(&format!("{}-db-1", p.name));
    assert_eq!(db["State"]["Health"]["Status"], "healthy");
    // The dependent saw the marker that makes the dependency healthy, and
    // started after it (RFC 3339 times of one engine compare as strings).
    assert!(
        logs(&p, "app").contains("dependency-was-ready"),
        "app started before db was healthy: {}",
        logs(&p, "app")
    );
    assert!(started_at(&p, "app") > started_at(&p, "db"));
    let first_ok = db["State"]["Health"]["Log"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["ExitCode"] == 0)
        .map(|l| l["End"].as_str().unwrap().to_string());
    if let Some(t) = first_ok {
        // Only meaningful while the first passing probe is still in the log (5 kept).
        if db["State"]["Health"]["Log"][0]["ExitCode"] != 0 {
            assert!(
                started_at(&p, "app") >= t,
                "app started before the first passing probe"
            );
        }
    }
}

#[test]
fn service_completed_successfully_runs_one_shot_first() {
    let Some(p) = e2e_project!("completed", "completed") else {
        return;
    };
    p.hoist(&["up", "-d"]).ok();
    let m = p.inspect(&format!("{}-migrate-1", p.name));
    assert_eq!(m["State"]["Status"], "exited");
    assert_eq!(m["State"]["ExitCode"], 0);
    assert!(logs(&p, "app").contains("migrated"), "{}", logs(&p, "app"));
    let app = p
        .containers()
        .into_iter()
        .find(|c| c.service == "app")
        .unwrap();
    assert_eq!(app.state, "running");
    // A second up does not run the one-shot again nor touch app.
    let before = p.ids();
    p.hoist(&["up", "-d"]).ok();
    assert_eq!(p.ids(), before);
}

/// A failing dependency: `up -d` fails for both tools, naming the service.
fn failing_dependency(case: &str, fixture: &str, dep: &str, needles: &[&str]) {
    let Some(p) = e2e_project!(case, fixture) else {
        return;
    };
    let out = p.hoist(&["up", "-d"]);
    out.failed();
    assert_mentions(&out, &[dep]);
    assert_mentions(&out, needles);
    // app was created but not started.
    let app = p.containers().into_iter().find(|c| c.service == "app");
    assert!(
        app.as_ref().is_none_or(|c| c.state != "running"),
        "app started although {dep} failed: {app:?}"
    );
    let oracle = format!("{}-oracle", p.name);
    p.compose_as(&oracle, &["up", "-d"]).failed();
}

#[test]
fn failing_one_shot_fails_up() {
    failing_dependency("oneshot-fail", "oneshot-fail", "migrate", &["3"]);
}

#[test]
fn unhealthy_dependency_fails_up() {
    failing_dependency("unhealthy", "unhealthy", "db", &["unhealthy"]);
}

#[test]
fn optional_dependency_only_warns() {
    let Some(p) = e2e_project!("optional", "optional") else {
        return;
    };
    let out = p.hoist(&["up", "-d"]);
    out.ok();
    assert_mentions(&out, &["migrate"]);
    let app = p
        .containers()
        .into_iter()
        .find(|c| c.service == "app")
        .unwrap();
    assert_eq!(app.state, "running", "{}", out.dump());
    let oracle = format!("{}-oracle", p.name);
    p.compose_as(&oracle, &["up", "-d"]).ok();
}
