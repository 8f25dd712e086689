//! ps / logs / start / stop / restart / kill / rm / pause / unpause on a running
//! project, compared with docker compose where the output is deterministic.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::e2e_project;
use crate::harness::{assert_mentions, lines, Project};

fn ps_json(p: &Project, args: &[&str], oracle: bool) -> Vec<Value> {
    let mut a = vec!["ps", "--format", "json"];
    a.extend_from_slice(args);
    let out = if oracle { p.compose(&a) } else { p.hoist(&a) };
    out.ok();
    let mut v: Vec<Value> = lines(&out.stdout)
        .iter()
        .flat_map(|l| match serde_json::from_str::<Value>(l) {
            Ok(Value::Array(a)) => a,
            Ok(v) => vec![v],
            Err(e) => panic!("`{}` printed a line that is not JSON ({e}): {l}", out.what),
        })
        .collect();
    v.sort_by_key(|c| c["Name"].as_str().unwrap().to_string());
    v
}

/// (Name, Service, State) of each listed container.
fn rows(v: &[Value]) -> Vec<(String, String, String)> {
    v.iter()
        .map(|c| {
            (
                c["Name"].as_str().unwrap().to_string(),
                c["Service"].as_str().unwrap().to_string(),
                c["State"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn states(p: &Project) -> BTreeSet<String> {
    p.containers().into_iter().map(|c| c.state).collect()
}

#[test]
fn ps_formats() {
    let Some(p) = e2e_project!("ps", "life") else {
        return;
    };
    p.hoist(&["up", "-d"]).ok();
    let h = ps_json(&p, &[], false);
    let n = &p.name;
    assert_eq!(
        rows(&h),
        [
            (format!("{n}-web-1"), "web".into(), "running".into()),
            (format!("{n}-web-2"), "web".into(), "running".into()),
            (format!("{n}-worker-1"), "worker".into(), "running".into()),
        ]
    );
    assert_eq!(
        rows(&h),
        rows(&ps_json(&p, &[], true)),
        "hoist ps vs docker compose ps"
    );
    for c in &h {
        assert_eq!(c["Project"], p.name.as_str());
        assert_eq!(c["Image"], crate::harness::IMAGE);
    }
    let services = p.hoist(&["ps", "--services"]);
    assert_eq!(lines(&services.ok().stdout), ["web", "worker"]);
    let q: BTreeSet<String> = lines(&p.hoist(&["ps", "-q"]).ok().stdout)
        .into_iter()
        .collect();
    let ids: BTreeSet<String> = p.containers().into_iter().map(|c| c.id).collect();
    let short: BTreeSet<String> = ids.iter().map(|i| i[..12].to_string()).collect();
    assert!(q == ids || q == short, "ps -q: {q:?} vs {ids:?}");
    // A service filter.
    assert_eq!(rows(&ps_json(&p, &["worker"], false)).len(), 1);
}

#[test]
fn stop_start_restart_kill_rm() {
    let Some(p) = e2e_project!("lifecycle", "life") else {
        return;
    };
    p.hoist(&["up", "-d"]).ok();
    p.hoist(&["stop", "-t", "5"]).ok();
    assert_eq!(states(&p), BTreeSet::from(["exited".to_string()]));
    assert!(
        ps_json(&p, &[], false).is_empty(),
        "ps without -a lists stopped containers"
    );
    let all = ps_json(&p, &["-a"], false);
    assert_eq!(all.len(), 3);
    assert!(all.iter().all(|c| c["State"] == "exited"), "{all:?}");
    assert_eq!(rows(&all), rows(&ps_json(&p, &["-a"], true)));

    p.hoist(&["start"]).ok();
    assert_eq!(states(&p), BTreeSet::from(["running".to_string()]));

    let before = p.inspect(&format!("{}-worker-1", p.name))["State"]["StartedAt"].clone();
    p.hoist(&["restart", "worker"]).ok();
    let after = p.inspect(&format!("{}-worker-1", p.name))["State"]["StartedAt"].clone();
    assert_ne!(before, after, "worker was not restarted");
    assert_eq!(states(&p), BTreeSet::from(["running".to_string()]));

    p.hoist(&["kill", "web"]).ok();
    for c in p.containers() {
        let want = if c.service == "web" {
            "exited"
        } else {
            "running"
        };
        assert_eq!(c.state, want, "{c:?}");
    }
    let ps_a = ps_json(&p, &["-a"], false);
    assert_eq!(ps_a.iter().filter(|c| c["State"] == "exited").count(), 2);

    p.hoist(&["rm", "-f"]).ok();
    let left: Vec<String> = p.containers().into_iter().map(|c| c.service).collect();
    assert_eq!(
        left,
        ["worker"],
        "rm -f removes the stopped containers only"
    );
}

#[test]
fn pause_unpause() {
    let Some(p) = e2e_project!("pause", "life") else {
        return;
    };
    p.hoist(&["up", "-d"]).ok();
    p.hoist(&["pause"]).ok();
    assert_eq!(states(&p), BTreeSet::from(["paused".to_string()]));
    let listed = ps_json(&p, &[], false);
    assert_eq!(listed.len(), 3, "paused containers are listed by ps");
    assert!(listed.iter().all(|c| c["State"] == "paused"));
    p.hoist(&["unpause"]).ok();
    assert_eq!(states(&p), BTreeSet::from(["running".to_string()]));
}

#[test]
fn logs_prefix_tail_and_no_prefix() {
    let Some(p) = e2e_project!("logs", "life") else {
        return;
    };
    p.hoist(&["up", "-d"]).ok();
    // Both lines of each container are written before it sleeps.
    crate::harness::wait_until(std::time::Duration::from_secs(30), || {
        p.containers().iter().all(|c| {
            crate::harness::docker(&["logs", &c.id])
                .stdout
                .lines()
                .count()
                >= 2
        })
    });
    let mut got = lines(&p.hoist(&["logs"]).ok().stdout);
    got.sort();
    // compose prefixes with the name without the project, padded to the
    // widest name.
    let mut want = vec![];
    for (c, a, b) in [
        ("web-1", "first line", "last line"),
        ("web-2", "first line", "last line"),
        ("worker-1", "worker starting", "worker ready"),
    ] {
        let pad = " ".repeat("worker-1".len() - c.len());
        want.push(format!("{c}{pad}  | {a}"));
        want.push(format!("{c}{pad}  | {b}"));
    }
    want.sort();
    assert_eq!(got, want);
    // docker compose pads to the widest name seen so far (order-dependent):
    // compare with single spaces.
    let squeeze = |v: &[String]| -> Vec<String> {
        let mut v: Vec<String> = v
            .iter()
            .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
            .collect();
        v.sort();
        v
    };
    let oracle = lines(&p.compose(&["logs", "--no-color"]).ok().stdout);
    assert_eq!(
        squeeze(&got),
        squeeze(&oracle),
        "hoist logs vs docker compose logs"
    );

    let mut bare = lines(&p.hoist(&["logs", "--no-log-prefix"]).ok().stdout);
    bare.sort();
    assert_eq!(
        bare,
        [
            "first line",
            "first line",
            "last line",
            "last line",
            "worker ready",
            "worker starting"
        ]
    );
    let mut tail = lines(
        &p.hoist(&["logs", "--tail", "1", "--no-log-prefix"])
            .ok()
            .stdout,
    );
    tail.sort();
    assert_eq!(tail, ["last line", "last line", "worker ready"]);
    let one = lines(&p.hoist(&["logs", "worker"]).ok().stdout);
    assert_eq!(one.len(), 2);
    assert!(one.iter().all(|l| l.starts_with("worker-1  | ")), "{one:?}");
}

#[test]
fn attached_up_streams_output_until_exit() {
    let Some(p) = e2e_project!("attach", "attach") else {
        return;
    };
    let squeeze = |s: &str| -> Vec<String> {
        let mut v: Vec<String> = lines(s)
            .iter()
            // docker compose writes an erase-line escape before "exited" lines.
            .map(|l| l.replace("\x1b[K", ""))
            .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|l| l.contains(" | ") || l.contains("exited with code"))
            .collect();
        v.sort();
        v
    };
    let h = p.hoist(&["up"]);
    h.ok();
    assert_mentions(&h, &["Attaching to bye-1, hello-1"]);
    let got = squeeze(&h.stdout);
    assert_eq!(
        got,
        [
            "bye-1 exited with code 0",
            "bye-1 | bye from bye",
            "hello-1 exited with code 0",
            "hello-1 | hello from hello",
        ],
        "{}",
        h.dump()
    );
    let o = p.compose_as(&format!("{}-oracle", p.name), &["up"]);
    o.ok();
    assert_eq!(
        got,
        squeeze(&o.stdout),
        "hoist up vs docker compose up (attached)"
    );
}
