//! Rolling updates (`deploy.update_config`) on the real engine, behind a real
//! Traefik v3 routing by the containers' labels, under steady requests: a
//! `start-first` update loses no request and never has fewer than 3 healthy
//! replicas; a broken new version (failing healthcheck) is rolled back while
//! the old replicas answer; `stop-first` keeps `replicas - parallelism`
//! healthy. The reference, which ignores `update_config`, is measured on the
//! same project and its numbers printed beside hoist's.

use std::collections::BTreeSet;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use super::harness::*;

/// What the requests sent during an update saw.
#[derive(Debug, Default)]
struct Seen {
    sent: usize,
    failed: Vec<String>,
    /// Bodies of the answers, in order (`v2 <hostname>`).
    bodies: Vec<String>,
    /// Fewest and most healthy `web` containers seen.
    min_healthy: usize,
    max_healthy: usize,
}

/// One `GET /` through the proxy: the body of a 200, else why not.
fn get(port: u16) -> Result<String, String> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).map_err(|e| e.to_string())?;
    s.set_read_timeout(Some(Duration::from_secs(5))).ok();
    s.write_all(b"GET / HTTP/1.1\r\nHost: web.localhost\r\nConnection: close\r\n\r\n")
        .map_err(|e| e.to_string())?;
    let mut text = String::new();
    s.read_to_string(&mut text).map_err(|e| e.to_string())?;
    let status = text.lines().next().unwrap_or_default().to_string();
    if !status.contains(" 200 ") {
        return Err(status);
    }
    Ok(text
        .split("\r\n\r\n")
        .nth(1)
        .unwrap_or_default()
        .trim()
        .to_string())
}

fn healthy_web(project: &str) -> usize {
    let filter = format!("label=com.docker.compose.project={project}");
    lines(
        &docker(&[
            "ps",
            "-q",
            "--filter",
            &filter,
            "--filter",
            "label=com.docker.compose.service=web",
            "--filter",
            "health=healthy",
        ])
        .stdout,
    )
    .len()
}

/// Requests and a count of healthy replicas, both running until stopped.
struct Watch {
    stop: Arc<AtomicBool>,
    load: JoinHandle<(usize, Vec<String>, Vec<String>)>,
    health: JoinHandle<(usize, usize)>,
}

fn watch(project: &str, port: u16) -> Watch {
    let stop = Arc::new(AtomicBool::new(false));
    let s = stop.clone();
    let load = std::thread::spawn(move || {
        let (mut sent, mut failed, mut bodies) = (0, Vec::new(), Vec::new());
        while !s.load(Ordering::Relaxed) {
            sent += 1;
            match get(port) {
                Ok(b) => bodies.push(b),
                Err(e) => failed.push(e),
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        (sent, failed, bodies)
    });
    let s = stop.clone();
    let project = project.to_string();
    let health = std::thread::spawn(move || {
        let (mut min, mut max) = (usize::MAX, 0);
        while !s.load(Ordering::Relaxed) {
            let n = healthy_web(&project);
            min = min.min(n);
            max = max.max(n);
        }
        (min, max)
    });
    Watch { stop, load, health }
}

impl Watch {
    fn finish(self) -> Seen {
        self.stop.store(true, Ordering::Relaxed);
        let (sent, failed, bodies) = self.load.join().unwrap();
        let (min_healthy, max_healthy) = self.health.join().unwrap();
        Seen {
            sent,
            failed,
            bodies,
            min_healthy,
            max_healthy,
        }
    }
}

/// Runs `cmd` (hoist or the reference, with `env` added) under requests.
fn under_load(p: &Project, port: u16, run: impl FnOnce() -> Out) -> (Out, Seen) {
    let w = watch(&p.name, port);
    // The watchers' first samples come before the update starts.
    std::thread::sleep(Duration::from_millis(300));
    let out = run();
    std::thread::sleep(Duration::from_millis(300));
    (out, w.finish())
}

fn versions(bodies: &[String]) -> BTreeSet<String> {
    bodies
        .iter()
        .filter_map(|b| b.split_whitespace().next())
        .map(str::to_string)
        .collect()
}

/// Every replica answers with `version` through the proxy (Traefik has
/// picked them all up).
fn all_answer(port: u16, version: &str) -> bool {
    wait_until(Duration::from_secs(60), || {
        let hosts: BTreeSet<String> = (0..12)
            .filter_map(|_| get(port).ok())
            .filter(|b| b.starts_with(&format!("{version} ")))
            .collect();
        hosts.len() == 3
    })
}

fn ensure_traefik() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let out = run(
        "bash",
        &["demo/traefik-image.sh"],
        &root,
        &Default::default(),
    );
    assert!(
        out.success(),
        "cannot build the Traefik image:\n{}",
        out.dump()
    );
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn report(who: &str, what: &str, seen: &Seen) {
    eprintln!(
        "rolling: {who} {what}: {} of {} requests failed, healthy web replicas {}..{}",
        seen.failed.len(),
        seen.sent,
        seen.min_healthy,
        seen.max_healthy
    );
}

#[test]
fn rolling_updates_behind_traefik() {
    let Some(mut p) = project("rolling", "rolling") else {
        return;
    };
    ensure_traefik();
    let port = free_port();
    let name = p.name.clone();
    p.set_env("ROLL_PROJECT", &name);
    p.set_env("PROXY_PORT", &port.to_string());
    p.set_env("VERSION", "1");
    p.hoist(&["up", "-d", "--wait"]).ok();
    assert!(
        all_answer(port, "v1"),
        "Traefik never routed to the 3 replicas"
    );

    // The plan says how the update will go.
    p.set_env("VERSION", "2");
    let plan = p.hoist(&["plan"]).ok().stdout.clone();
    assert!(
        plan.contains("update service web")
            && plan.contains("3 replicas in 3 batches, start-first"),
        "{plan}"
    );
    assert!(plan.contains(&format!("batch 3: {name}-web-3")), "{plan}");

    // start-first: no request fails, never fewer than 3 healthy.
    let (out, seen) = under_load(&p, port, || p.hoist(&["up", "-d"]));
    report("hoist", "start-first update", &seen);
    out.ok();
    assert!(seen.failed.is_empty(), "failed requests: {:?}", seen.failed);
    assert!(
        seen.min_healthy >= 3,
        "healthy replicas fell to {}",
        seen.min_healthy
    );
    assert!(all_answer(port, "v2"));
    let names: Vec<String> = p
        .containers()
        .into_iter()
        .filter(|c| c.service == "web")
        .map(|c| c.name)
        .collect();
    assert_eq!(
        names,
        (1..=3)
            .map(|n| format!("{name}-web-{n}"))
            .collect::<Vec<_>>(),
        "the final containers carry compose's names"
    );
    // The reference sees the result as up to date.
    let dry = p.compose(&["--dry-run", "up", "-d"]).ok().all();
    assert!(
        !dry.contains("Recreate"),
        "docker compose would recreate:\n{dry}"
    );

    // A broken new version: its healthcheck fails, it is rolled back, the old
    // replicas answer throughout.
    let before = p.ids();
    p.set_env("VERSION", "3");
    p.set_env("HEALTH", "false");
    let (out, seen) = under_load(&p, port, || p.hoist(&["up", "-d"]));
    report("hoist", "broken update (rolled back)", &seen);
    out.failed();
    assert_mentions(&out, &["rolled back", "unhealthy"]);
    assert!(seen.failed.is_empty(), "failed requests: {:?}", seen.failed);
    assert_eq!(versions(&seen.bodies), BTreeSet::from(["v2".to_string()]));
    assert!(
        seen.min_healthy >= 3,
        "healthy replicas fell to {}",
        seen.min_healthy
    );
    assert_eq!(
        p.ids(),
        before,
        "the previous containers are back, as they were"
    );

    // stop-first, one at a time: replicas - parallelism stay healthy.
    p.env.remove("HEALTH");
    p.set_env("VERSION", "4");
    p.set_env("ORDER", "stop-first");
    let (out, seen) = under_load(&p, port, || p.hoist(&["up", "-d"]));
    report("hoist", "stop-first update", &seen);
    out.ok();
    assert!(
        seen.min_healthy >= 2,
        "healthy replicas fell to {}",
        seen.min_healthy
    );
    assert!(all_answer(port, "v4"));

    // The reference on the same project replaces every replica at once.
    p.set_env("VERSION", "5");
    let (out, seen) = under_load(&p, port, || p.compose(&["up", "-d"]));
    report("docker compose", "update", &seen);
    out.ok();
}
