//! Faults: each makes `up -d` fail with a message naming what is wrong; after
//! fixing the cause, `up -d` converges without duplicates.

use crate::e2e_project;
use crate::harness::{assert_mentions, docker, Project, IMAGE};

/// After the fix: one running container per service.
#[track_caller]
fn assert_converged(p: &Project) {
    let out = p.hoist(&["up", "-d"]);
    out.ok();
    let counts = p.counts();
    assert!(
        counts.values().all(|&n| n == 1),
        "duplicates: {:?}",
        p.containers()
    );
    assert_eq!(counts.len(), 2, "{:?}", p.containers());
    for c in p.containers() {
        assert_eq!(c.state, "running", "{c:?}");
        assert_eq!(c.name, format!("{}-{}-1", p.name, c.service));
    }
    let before = p.ids();
    p.hoist(&["up", "-d"]).ok();
    assert_eq!(p.ids(), before, "converged project changed on a second up");
}

#[test]
fn missing_image() {
    let Some(p) = e2e_project!("missing-image", "missing-image") else {
        return;
    };
    let out = p.hoist(&["up", "-d"]);
    out.failed();
    assert_mentions(&out, &["web", "hoist-test/does-not-exist:1.0"]);
    p.edit("hoist-test/does-not-exist:1.0", IMAGE);
    assert_converged(&p);
}

#[test]
fn host_port_taken() {
    let Some(mut p) = e2e_project!("port", "port") else {
        return;
    };
    let port = std::net::TcpListener::bind("0.0.0.0:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
        .to_string();
    let blocker = format!("{}-blocker", p.name);
    p.track_container(&blocker);
    docker(&[
        "run",
        "-d",
        "--init",
        "--name",
        &blocker,
        "-p",
        &format!("{port}:80"),
        IMAGE,
        "sleep",
        "3600",
    ])
    .ok();
    p.set_env("HOST_PORT", &port);
    let out = p.hoist(&["up", "-d"]);
    out.failed();
    assert_mentions(&out, &["web", &port]);
    let all = out.all().to_lowercase();
    assert!(
        ["already allocated", "already in use", "taken"]
            .iter()
            .any(|w| all.contains(w)),
        "should say the port is taken:\n{}",
        out.dump()
    );
    docker(&["rm", "-f", &blocker]).ok();
    assert_converged(&p);
}

#[test]
fn name_conflict_with_foreign_container() {
    let Some(p) = e2e_project!("conflict", "simple") else {
        return;
    };
    let foreign = format!("{}-web-1", p.name);
    p.track_container(&foreign);
    docker(&[
        "run", "-d", "--init", "--name", &foreign, IMAGE, "sleep", "3600",
    ])
    .ok();
    let out = p.hoist(&["up", "-d"]);
    out.failed();
    assert_mentions(&out, &[&foreign]);
    let all = out.all().to_lowercase();
    assert!(
        ["conflict", "already in use", "already exists"]
            .iter()
            .any(|w| all.contains(w)),
        "should say the name is taken:\n{}",
        out.dump()
    );
    // The foreign container is left alone.
    docker(&["inspect", &foreign]).ok();
    docker(&["rm", "-f", &foreign]).ok();
    assert_converged(&p);
}

#[test]
fn engine_unreachable() {
    let Some(mut p) = e2e_project!("no-engine", "simple") else {
        return;
    };
    p.set_env("DOCKER_HOST", "unix:///nonexistent.sock");
    for args in [&["up", "-d"][..], &["ps"], &["down"], &["plan"]] {
        let out = p.hoist(args);
        out.failed();
        let all = out.all().to_lowercase();
        assert!(
            all.contains("reach") || all.contains("not running") || all.contains("cannot connect"),
            "should say the engine is not reachable:\n{}",
            out.dump()
        );
        assert!(!all.contains("panicked"), "{}", out.dump());
    }
    p.env.remove("DOCKER_HOST");
    assert_converged(&p);
}
