//! `--dry-run` never changes anything: for every command that can change the
//! engine, the containers (ids, states, start times), networks, volumes
//! (anonymous ones too) and images are exactly as before, and what would
//! happen is printed as the real run prints it, marked `DRY-RUN MODE` as
//! compose marks it.

use std::collections::BTreeSet;

use crate::e2e_project;
use crate::harness::{docker, lines, Project};

/// Everything on the engine a command could change.
#[derive(Debug, PartialEq, Eq)]
struct World {
    containers: Vec<String>,
    networks: Vec<String>,
    volumes: Vec<String>,
    images: Vec<String>,
}

/// The project's containers (id, name, state, start time, paused), its
/// networks, its volumes (labelled ones, and whatever its containers mount),
/// and the images it uses (other tests run at the same time: only what this
/// project owns is compared).
fn world(p: &Project) -> World {
    let filter = p.label_filter();
    let ids = lines(
        &docker(&["ps", "-aq", "--no-trunc", "--filter", &filter])
            .ok()
            .stdout,
    );
    let mut containers = Vec::new();
    let mut volumes: BTreeSet<String> = BTreeSet::new();
    for id in &ids {
        let out = docker(&[
            "inspect",
            "--format",
            "{{.Id}} {{.Name}} {{.State.Status}} {{.State.StartedAt}} {{.State.Paused}}|{{range .Mounts}}{{.Name}} {{end}}",
            id,
        ]);
        let text = out.ok().stdout.trim().to_string();
        let (c, mounts) = text.split_once('|').unwrap_or((&text, ""));
        containers.push(c.to_string());
        volumes.extend(mounts.split_whitespace().map(String::from));
    }
    containers.sort();
    let ls = |args: &[&str]| {
        let mut v = lines(&docker(args).ok().stdout);
        v.sort();
        v
    };
    volumes.extend(ls(&["volume", "ls", "-q", "--filter", &filter]));
    // Which of them still exist.
    let volumes = volumes
        .into_iter()
        .filter(|v| docker(&["volume", "inspect", v]).code == 0)
        .collect();
    let images = [p.env["WEB_IMAGE"].as_str(), crate::harness::IMAGE]
        .iter()
        .map(|i| {
            let out = docker(&["image", "inspect", "--format", "{{.Id}}", i]);
            format!("{i} {}", out.stdout.trim())
        })
        .collect();
    World {
        containers,
        networks: ls(&["network", "ls", "-q", "--no-trunc", "--filter", &filter]),
        volumes,
        images,
    }
}

/// Runs `hoist --dry-run ARGS` and checks that nothing changed and that
/// every progress line is marked.
#[track_caller]
fn dry(p: &Project, args: &[&str]) -> crate::harness::Out {
    let before = world(p);
    let mut a = vec!["--dry-run"];
    a.extend_from_slice(args);
    let out = p.hoist(&a);
    assert_eq!(
        world(p),
        before,
        "`hoist --dry-run {}` changed the engine:\n{}",
        args.join(" "),
        out.dump()
    );
    for l in out.stderr.lines().filter(|l| l.starts_with(' ')) {
        assert!(
            l.starts_with(" DRY-RUN MODE - "),
            "`hoist --dry-run {}`: unmarked progress line {l:?}\n{}",
            args.join(" "),
            out.dump()
        );
    }
    out
}

/// The progress lines of a run, sorted (operations of one layer run concurrently).
fn progress(out: &crate::harness::Out) -> BTreeSet<String> {
    out.stderr
        .lines()
        .filter(|l| l.starts_with(" DRY-RUN MODE - "))
        .map(String::from)
        .collect()
}

fn setup(case: &str) -> Option<Project> {
    let mut p = e2e_project!(case, "dryrun")?;
    let image = format!("127.0.0.1:5999/hoist-{}-web:latest", p.name);
    p.set_env("WEB_IMAGE", &image);
    p.hoist(&["up", "-d", "--build"]).ok();
    Some(p)
}

fn cleanup_image(p: &Project) {
    let image = &p.env["WEB_IMAGE"];
    let _ = docker(&["rmi", "-f", image]);
}

#[test]
fn dry_run_changes_nothing_on_a_running_project() {
    let Some(p) = setup("dry-running") else {
        return;
    };
    let n = p.name.clone();
    let out = dry(&p, &["up", "-d", "--force-recreate"]);
    out.ok();
    assert!(
        out.stderr
            .contains(&format!(" DRY-RUN MODE -  Container {n}-web-1  Recreated")),
        "{}",
        out.dump()
    );
    dry(&p, &["up", "-d", "--build"]).ok();
    dry(
        &p,
        &["up", "-d", "-V", "--force-recreate", "--scale", "db=3"],
    )
    .ok();
    dry(&p, &["create", "--force-recreate"]).ok();
    let out = dry(&p, &["scale", "db=2"]);
    out.ok();
    assert!(
        out.stderr.contains(&format!("Container {n}-db-2  Started")),
        "{}",
        out.dump()
    );
    for cmd in [
        &["stop"][..],
        &["restart"],
        &["kill"],
        &["pause"],
        &["kill", "-s", "SIGTERM", "db"],
    ] {
        dry(&p, cmd).ok();
    }
    dry(&p, &["rm", "-s", "-f", "-v"]).ok();
    let out = dry(&p, &["build", "--no-cache"]);
    out.ok();
    assert!(out.stdout.contains("Successfully tagged"), "{}", out.dump());
    let out = dry(&p, &["pull", "--policy", "always"]);
    out.ok();
    let out = dry(&p, &["push"]);
    out.ok();
    assert!(out.stderr.contains("Pushed"), "{}", out.dump());
    let out = dry(&p, &["down", "-v", "--rmi", "all", "--remove-orphans"]);
    out.ok();
    assert!(
        out.stderr.contains(&format!("Volume {n}_data  Removed")),
        "{}",
        out.dump()
    );
    cleanup_image(&p);
}

#[test]
fn dry_run_changes_nothing_on_a_stopped_project() {
    let Some(p) = setup("dry-stopped") else {
        return;
    };
    let n = p.name.clone();
    docker(&["stop", "-t", "0", &format!("{n}-web-1")]).ok();
    docker(&["pause", &format!("{n}-db-1")]).ok();
    let out = dry(&p, &["start"]);
    out.ok();
    assert!(
        out.stderr
            .contains(&format!("Container {n}-web-1  Started")),
        "{}",
        out.dump()
    );
    let out = dry(&p, &["unpause"]);
    out.ok();
    assert!(
        out.stderr
            .contains(&format!("Container {n}-db-1  Unpaused")),
        "{}",
        out.dump()
    );
    dry(&p, &["rm", "-f"]).ok();
    dry(&p, &["up", "-d"]).ok();
    dry(&p, &["down"]).ok();
    docker(&["unpause", &format!("{n}-db-1")]).ok();
    cleanup_image(&p);
}

/// The same dry runs with both tools print the same progress lines.
#[test]
fn dry_run_output_matches_compose() {
    let Some(p) = setup("dry-compare") else {
        return;
    };
    for cmd in [
        &["stop"][..],
        &["restart"],
        &["kill"],
        &["pause"],
        &["rm", "-s", "-f"],
        &["scale", "db=2"],
    ] {
        let before = world(&p);
        let mut a = vec!["--dry-run"];
        a.extend_from_slice(cmd);
        let ours = p.hoist(&a);
        ours.ok();
        let theirs = p.compose(&a);
        theirs.ok();
        assert_eq!(world(&p), before, "{cmd:?}");
        assert_eq!(
            progress(&ours),
            progress(&theirs),
            "{cmd:?}\n-- hoist:\n{}\n-- compose:\n{}",
            ours.dump(),
            theirs.dump()
        );
    }
    cleanup_image(&p);
}
