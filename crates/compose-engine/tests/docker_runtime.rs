//! The bollard runtime against the real Docker engine.
//!
//! These tests talk to the engine named by `DOCKER_HOST` (default
//! `/var/run/docker.sock`) and use only a locally built image
//! (`hoist-test/busybox:latest`, built from the host's static busybox when
//! missing): no registry is reachable. When `docker info` fails they print a
//! skip message and pass, unless `HOIST_REQUIRE_DOCKER=1` makes a missing
//! engine a failure (CI). Every object gets a name unique to this run and is
//! removed by a drop guard, also when an assertion fails.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use compose_engine::runtime::docker::Docker;
use compose_engine::runtime::{
    ContainerSpec, ContainerState, LogChunk, LogOptions, Observe, Runtime, RuntimeError,
};
use futures_util::StreamExt;
use serde_json::json;

use test_support::{docker_stdout, IMAGE};
const LABEL: &str = "dev.hoist.test";

/// A name unique to this process and call.
fn unique(what: &str) -> String {
    test_support::unique("hoist-rt", what)
}

/// The engine, or `None` (skip) when there is none and none is required.
fn engine() -> Option<Docker> {
    if !test_support::engine_ready("the runtime tests") {
        return None;
    }
    Some(Docker::connect().expect("connect to the engine `docker info` reached"))
}

/// Removes what a test created, through the CLI so it also runs after a panic.
#[derive(Default)]
struct Cleanup {
    containers: Vec<String>,
    networks: Vec<String>,
    volumes: Vec<String>,
}

impl Drop for Cleanup {
    fn drop(&mut self) {
        for c in &self.containers {
            let _ = docker_stdout(&["rm", "-f", "-v", c]);
        }
        for n in &self.networks {
            let _ = docker_stdout(&["network", "rm", n]);
        }
        for v in &self.volumes {
            let _ = docker_stdout(&["volume", "rm", "-f", v]);
        }
    }
}

fn container_body(cmd: &[&str], run_id: &str) -> serde_json::Value {
    json!({
        "Image": IMAGE,
        "Cmd": cmd,
        "Labels": {LABEL: run_id},
        "StopTimeout": 1,
    })
}

async fn collect_logs(
    docker: &Docker,
    id: &str,
    options: &LogOptions,
) -> (String, String, Vec<LogChunk>) {
    let chunks: Vec<LogChunk> = docker
        .logs(id, options)
        .map(|c| c.expect("log chunk"))
        .collect()
        .await;
    let (mut out, mut err) = (String::new(), String::new());
    for c in &chunks {
        match c {
            LogChunk::Stdout(b) => out.push_str(&String::from_utf8_lossy(b)),
            LogChunk::Stderr(b) => err.push_str(&String::from_utf8_lossy(b)),
        }
    }
    (out, err, chunks)
}

#[tokio::test]
async fn version_reports_engine_and_api() {
    let Some(docker) = engine() else { return };
    let v = docker.version().await.unwrap();
    assert!(!v.version.is_empty());
    let cli_api = docker_stdout(&["version", "--format", "{{.Server.APIVersion}}"]).unwrap();
    assert_eq!(format!("{}.{}", v.api.0, v.api.1), cli_api.trim());
}

#[tokio::test]
async fn networks_create_list_remove() {
    let Some(docker) = engine() else { return };
    let run = unique("net");
    let name = unique("net");
    let mut cleanup = Cleanup::default();
    cleanup.networks.push(name.clone());
    let body = json!({
        "Name": name,
        "Driver": "bridge",
        "CheckDuplicate": true,
        "Labels": {LABEL: run},
    });
    let id = docker.create_network(&body).await.unwrap();
    assert!(!id.is_empty());

    let listed = docker
        .list_networks(&[format!("{LABEL}={run}")])
        .await
        .unwrap();
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert_eq!(listed[0].name, name);
    assert_eq!(listed[0].id, id);
    assert_eq!(listed[0].driver, "bridge");
    assert_eq!(listed[0].labels.get(LABEL), Some(&run));

    let inspected = docker.inspect_network(&name).await.unwrap().unwrap();
    assert_eq!(inspected.id, id);

    // CheckDuplicate reaches the engine (bollard's model drops it): engines
    // below API 1.44 would otherwise create a second network of that name.
    let again = docker.create_network(&body).await;
    assert!(matches!(again, Err(RuntimeError::Conflict(_))), "{again:?}");

    docker.remove_network(&name).await.unwrap();
    assert_eq!(docker.inspect_network(&name).await.unwrap(), None);
    let gone = docker.remove_network(&name).await;
    assert!(matches!(gone, Err(RuntimeError::NotFound(_))), "{gone:?}");
}

#[tokio::test]
async fn volumes_create_list_remove() {
    let Some(docker) = engine() else { return };
    let run = unique("vol");
    let name = unique("vol");
    let mut cleanup = Cleanup::default();
    cleanup.volumes.push(name.clone());
    docker
        .create_volume(&json!({"Name": name, "Labels": {LABEL: run}}))
        .await
        .unwrap();

    let listed = docker
        .list_volumes(&[format!("{LABEL}={run}")])
        .await
        .unwrap();
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert_eq!(listed[0].name, name);
    assert_eq!(listed[0].driver, "local");
    assert_eq!(listed[0].labels.get(LABEL), Some(&run));
    assert!(docker.inspect_volume(&name).await.unwrap().is_some());

    docker.remove_volume(&name).await.unwrap();
    assert_eq!(docker.inspect_volume(&name).await.unwrap(), None);
    let gone = docker.remove_volume(&name).await;
    assert!(matches!(gone, Err(RuntimeError::NotFound(_))), "{gone:?}");
}

#[tokio::test]
async fn container_with_two_networks_runs_logs_and_exits() {
    let Some(docker) = engine() else { return };
    let run = unique("run");
    let (n1, n2, vol, name) = (unique("n1"), unique("n2"), unique("v"), unique("c"));
    let mut cleanup = Cleanup::default();
    cleanup.containers.push(name.clone());
    cleanup.networks.extend([n1.clone(), n2.clone()]);
    cleanup.volumes.push(vol.clone());
    let n1_id = docker
        .create_network(&json!({"Name": n1, "Labels": {LABEL: run}}))
        .await
        .unwrap();
    let n2_id = docker
        .create_network(&json!({"Name": n2, "Labels": {LABEL: run}}))
        .await
        .unwrap();
    docker.create_volume(&json!({"Name": vol})).await.unwrap();

    let mut body = container_body(&["sh", "-c", "echo out; echo err >&2; exit 3"], &run);
    body["HostConfig"] = json!({"NetworkMode": n1, "Binds": [format!("{vol}:/data")]});
    body["NetworkingConfig"] = json!({"EndpointsConfig": {n1.as_str(): {"Aliases": ["one"]}}});
    let spec = ContainerSpec {
        name: name.clone(),
        body,
        extra_networks: vec![(n2.clone(), json!({"Aliases": ["two"]}))],
    };
    let id = docker.create_container(&spec).await.unwrap();

    let filter = [format!("{LABEL}={run}")];
    let listed = docker.list_containers(&filter, true).await.unwrap();
    assert_eq!(listed.len(), 1, "{listed:?}");
    let c = &listed[0];
    assert_eq!(c.id, id);
    assert_eq!(c.name, name);
    assert_eq!(c.image, IMAGE);
    assert!(c.image_id.starts_with("sha256:"));
    assert_eq!(c.state, ContainerState::Created);
    assert_eq!(c.label(LABEL), run);
    assert!(c.created > 0);
    // The engine fills NetworkID only for connected endpoints, i.e. while the
    // container runs; before that the id is empty.
    let networks: Vec<&str> = c.networks.keys().map(String::as_str).collect();
    let mut expected = vec![n1.as_str(), n2.as_str()];
    expected.sort();
    assert_eq!(networks, expected);
    for (net, id) in [(&n1, &n1_id), (&n2, &n2_id)] {
        let listed = &c.networks[net.as_str()];
        assert!(listed.is_empty() || listed == id, "{net}: {listed}");
    }
    assert_eq!(c.mounts.len(), 1, "{:?}", c.mounts);
    assert_eq!(c.mounts[0].kind, "volume");
    assert_eq!(c.mounts[0].name, vol);
    assert_eq!(c.mounts[0].destination, "/data");
    // Not running: not listed without `all`.
    assert!(docker
        .list_containers(&filter, false)
        .await
        .unwrap()
        .is_empty());

    docker.start_container(&id).await.unwrap();
    assert_eq!(docker.wait_container(&id).await.unwrap(), 3);

    let (out, err, _) = collect_logs(&docker, &id, &LogOptions::default()).await;
    assert_eq!(out, "out\n");
    assert_eq!(err, "err\n");
    let tail = LogOptions {
        tail: Some("1".into()),
        timestamps: true,
        ..Default::default()
    };
    let (out, err, chunks) = collect_logs(&docker, &id, &tail).await;
    assert_eq!(chunks.len(), 1, "{chunks:?}");
    let line = format!("{out}{err}");
    assert!(line.starts_with("20") && line.contains(' '), "{line:?}");
    let since_future = LogOptions {
        since: Some("2999-01-01T00:00:00Z".into()),
        ..Default::default()
    };
    assert!(collect_logs(&docker, &id, &since_future).await.2.is_empty());
    let since_recent = LogOptions {
        since: Some("10m".into()),
        ..Default::default()
    };
    assert_eq!(collect_logs(&docker, &id, &since_recent).await.2.len(), 2);

    let details = docker.inspect_container(&id).await.unwrap();
    assert_eq!(details.name, name);
    assert_eq!(details.state, ContainerState::Exited);
    assert_eq!(details.exit_code, 3);
    assert_eq!(details.restart_count, 0);
    assert!(!details.tty);
    assert_eq!(details.labels.get(LABEL), Some(&run));
    let listed = docker.list_containers(&filter, true).await.unwrap();
    assert_eq!(listed[0].exit_code(), Some(3));

    let renamed = unique("renamed");
    cleanup.containers.push(renamed.clone());
    docker.rename_container(&id, &renamed).await.unwrap();
    assert_eq!(docker.inspect_container(&id).await.unwrap().name, renamed);

    docker.remove_container(&id, false, false).await.unwrap();
    assert!(docker
        .list_containers(&filter, true)
        .await
        .unwrap()
        .is_empty());
    let gone = docker.inspect_container(&id).await;
    assert!(matches!(gone, Err(RuntimeError::NotFound(_))), "{gone:?}");
    // Endpoints are released asynchronously; removal waits for that.
    docker.remove_network(&n1).await.unwrap();
    docker.remove_network(&n2).await.unwrap();
}

#[tokio::test]
async fn tty_logs_are_stdout() {
    let Some(docker) = engine() else { return };
    let run = unique("tty");
    let name = unique("tty");
    let mut cleanup = Cleanup::default();
    cleanup.containers.push(name.clone());
    let mut body = container_body(&["sh", "-c", "echo hi; echo there >&2"], &run);
    body["Tty"] = json!(true);
    let spec = ContainerSpec {
        name,
        body,
        extra_networks: vec![],
    };
    let id = docker.create_container(&spec).await.unwrap();
    assert!(docker.inspect_container(&id).await.unwrap().tty);
    docker.start_container(&id).await.unwrap();
    assert_eq!(docker.wait_container(&id).await.unwrap(), 0);
    let (out, err, _) = collect_logs(&docker, &id, &LogOptions::default()).await;
    assert!(out.contains("hi") && out.contains("there"), "{out:?}");
    assert_eq!(err, "");
}

#[tokio::test]
async fn stop_pause_restart_kill() {
    let Some(docker) = engine() else { return };
    let run = unique("life");
    let name = unique("life");
    let mut cleanup = Cleanup::default();
    cleanup.containers.push(name.clone());
    // `sleep` as PID 1 ignores SIGTERM, so every stop runs into its timeout.
    let spec = ContainerSpec {
        name,
        body: container_body(&["sleep", "300"], &run),
        extra_networks: vec![],
    };
    let id = docker.create_container(&spec).await.unwrap();
    docker.start_container(&id).await.unwrap();
    docker.start_container(&id).await.unwrap(); // 304: already started
    let filter = [format!("{LABEL}={run}")];
    let listed = docker.list_containers(&filter, false).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].state, ContainerState::Running);
    assert!(listed[0].status.starts_with("Up"), "{}", listed[0].status);
    let bridge = listed[0].networks.get("bridge").map(String::as_str);
    assert!(
        bridge.is_some_and(|id| !id.is_empty()),
        "{:?}",
        listed[0].networks
    );

    docker.pause_container(&id).await.unwrap();
    assert_eq!(
        docker.inspect_container(&id).await.unwrap().state,
        ContainerState::Paused
    );
    docker.unpause_container(&id).await.unwrap();
    assert_eq!(
        docker.inspect_container(&id).await.unwrap().state,
        ContainerState::Running
    );

    let started = Instant::now();
    docker.stop_container(&id, Some(1)).await.unwrap();
    assert!(started.elapsed() < Duration::from_secs(20));
    let details = docker.inspect_container(&id).await.unwrap();
    assert_eq!(details.state, ContainerState::Exited);
    assert_eq!(details.exit_code, 137);
    docker.stop_container(&id, Some(1)).await.unwrap(); // 304: already stopped

    docker.restart_container(&id, Some(1)).await.unwrap();
    assert_eq!(
        docker.inspect_container(&id).await.unwrap().state,
        ContainerState::Running
    );
    // No timeout given: the container's StopTimeout (1 s) bounds the stop.
    let started = Instant::now();
    docker.stop_container(&id, None).await.unwrap();
    assert!(started.elapsed() < Duration::from_secs(20));

    docker.start_container(&id).await.unwrap();
    docker.kill_container(&id, "SIGKILL").await.unwrap();
    assert_eq!(docker.wait_container(&id).await.unwrap(), 137);

    let running = docker.remove_container(&id, false, false).await;
    assert!(running.is_ok(), "{running:?}"); // exited: plain remove works
}

#[tokio::test]
async fn remove_running_needs_force() {
    let Some(docker) = engine() else { return };
    let run = unique("force");
    let name = unique("force");
    let mut cleanup = Cleanup::default();
    cleanup.containers.push(name.clone());
    let spec = ContainerSpec {
        name,
        body: container_body(&["sleep", "300"], &run),
        extra_networks: vec![],
    };
    let id = docker.create_container(&spec).await.unwrap();
    docker.start_container(&id).await.unwrap();
    let refused = docker.remove_container(&id, false, true).await;
    assert!(
        matches!(refused, Err(RuntimeError::Conflict(_))),
        "{refused:?}"
    );
    docker.remove_container(&id, true, true).await.unwrap();
}

#[tokio::test]
async fn missing_objects_are_not_found() {
    let Some(docker) = engine() else { return };
    let missing = unique("missing");
    for result in [
        docker.inspect_container(&missing).await.map(|_| ()),
        docker.start_container(&missing).await,
        docker.stop_container(&missing, Some(1)).await,
        docker.stop_container(&missing, None).await,
        docker.remove_container(&missing, true, false).await,
        docker.rename_container(&missing, "x").await,
        docker.wait_container(&missing).await.map(|_| ()),
        docker.remove_image(&format!("hoist-test/{missing}")).await,
    ] {
        assert!(
            matches!(result, Err(RuntimeError::NotFound(_))),
            "{result:?}"
        );
    }
    assert_eq!(docker.inspect_network(&missing).await.unwrap(), None);
    assert_eq!(docker.inspect_volume(&missing).await.unwrap(), None);
    assert_eq!(
        docker
            .inspect_image(&format!("hoist-test/{missing}"))
            .await
            .unwrap(),
        None
    );
    let image = docker.inspect_image(IMAGE).await.unwrap().unwrap();
    assert!(image.id.starts_with("sha256:"));
    assert!(image.tags.iter().any(|t| t == IMAGE), "{:?}", image.tags);
    let chunks: Vec<_> = docker
        .logs(&missing, &LogOptions::default())
        .collect()
        .await;
    assert!(
        matches!(chunks.as_slice(), [Err(RuntimeError::NotFound(_))]),
        "{chunks:?}"
    );
}

#[tokio::test]
async fn same_name_twice_conflicts() {
    let Some(docker) = engine() else { return };
    let run = unique("dup");
    let name = unique("dup");
    let mut cleanup = Cleanup::default();
    cleanup.containers.push(name.clone());
    let spec = ContainerSpec {
        name,
        body: container_body(&["true"], &run),
        extra_networks: vec![],
    };
    docker.create_container(&spec).await.unwrap();
    let again = docker.create_container(&spec).await;
    match again {
        Err(RuntimeError::Conflict(m)) => assert!(m.contains("already in use"), "{m}"),
        other => panic!("expected a conflict, got {other:?}"),
    }
}

#[tokio::test]
async fn bad_bodies_are_refused_before_sending() {
    let Some(docker) = engine() else { return };
    let spec = ContainerSpec {
        name: unique("bad"),
        body: json!({"Image": 42}),
        extra_networks: vec![],
    };
    let result = docker.create_container(&spec).await;
    assert!(
        matches!(result, Err(RuntimeError::Other(ref m)) if m.contains("invalid")),
        "{result:?}"
    );
    let result = docker.create_network(&json!({"Driver": "bridge"})).await;
    assert!(matches!(result, Err(RuntimeError::Other(_))), "{result:?}");
    let bad_since = LogOptions {
        since: Some("yesterday".into()),
        ..Default::default()
    };
    let chunks: Vec<_> = docker.logs("whatever", &bad_since).collect().await;
    assert!(
        matches!(chunks.as_slice(), [Err(RuntimeError::Other(_))]),
        "{chunks:?}"
    );
}

#[tokio::test]
async fn missing_socket_is_unreachable() {
    let dir = tempfile::tempdir().unwrap();
    let host = format!("unix://{}/docker.sock", dir.path().display());
    match Docker::connect_with_host(&host) {
        Err(RuntimeError::Unreachable(m)) => {
            assert!(
                m.contains(&host) && m.contains("dockerd") && m.contains("DOCKER_HOST"),
                "{m}"
            )
        }
        other => panic!("expected Unreachable, got {other:?}"),
    }
}

#[tokio::test]
async fn dead_socket_is_unreachable() {
    // A socket file nobody listens on: connect succeeds, every call is refused.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("docker.sock");
    drop(std::os::unix::net::UnixListener::bind(&path).unwrap());
    let host = format!("unix://{}", path.display());
    let docker = Docker::connect_with_host(&host).unwrap();
    assert_eq!(docker.host(), host);
    match docker.version().await {
        Err(RuntimeError::Unreachable(m)) => {
            assert!(m.contains(&host) && m.contains("refused"), "{m}")
        }
        other => panic!("expected Unreachable, got {other:?}"),
    }
    let chunks: Vec<_> = docker.logs("x", &LogOptions::default()).collect().await;
    assert!(
        matches!(chunks.as_slice(), [Err(RuntimeError::Unreachable(_))]),
        "{chunks:?}"
    );
}

#[tokio::test]
async fn tcp_host_nobody_listens_is_unreachable() {
    // Port 9 (discard) on localhost: nothing listens in a test environment.
    let docker = Docker::connect_with_host("tcp://127.0.0.1:9").unwrap();
    let result = docker.list_volumes(&[]).await;
    assert!(
        matches!(result, Err(RuntimeError::Unreachable(_))),
        "{result:?}"
    );
}

#[tokio::test]
async fn unsupported_scheme_is_refused() {
    // ssh:// is supported (crates/cli/tests/connect.rs); named pipes are not.
    let result = Docker::connect_with_host("npipe:////./pipe/docker_engine");
    assert!(
        matches!(result, Err(RuntimeError::Unreachable(_))),
        "{result:?}"
    );
}

#[tokio::test]
async fn network_removal_waits_for_released_endpoints() {
    let Some(docker) = engine() else { return };
    let run = unique("release");
    let net = unique("release");
    let mut cleanup = Cleanup::default();
    cleanup.networks.push(net.clone());
    docker
        .create_network(&json!({"Name": net, "Labels": {LABEL: run}}))
        .await
        .unwrap();
    let mut ids = Vec::new();
    for _ in 0..4 {
        let name = unique("release");
        cleanup.containers.push(name.clone());
        let mut body = container_body(&["sleep", "300"], &run);
        body["HostConfig"] = json!({"NetworkMode": net});
        let spec = ContainerSpec {
            name,
            body,
            extra_networks: vec![],
        };
        let id = docker.create_container(&spec).await.unwrap();
        docker.start_container(&id).await.unwrap();
        ids.push(id);
    }
    for id in &ids {
        docker.remove_container(id, true, true).await.unwrap();
    }
    docker.remove_network(&net).await.unwrap();
    assert_eq!(docker.inspect_network(&net).await.unwrap(), None);
}

#[tokio::test]
async fn follow_streams_until_exit() {
    let Some(docker) = engine() else { return };
    let run = unique("follow");
    let name = unique("follow");
    let mut cleanup = Cleanup::default();
    cleanup.containers.push(name.clone());
    let spec = ContainerSpec {
        name,
        body: container_body(&["sh", "-c", "echo a; sleep 1; echo b >&2"], &run),
        extra_networks: vec![],
    };
    let id = docker.create_container(&spec).await.unwrap();
    docker.start_container(&id).await.unwrap();
    let follow = LogOptions {
        follow: true,
        ..Default::default()
    };
    let (out, err, _) =
        tokio::time::timeout(Duration::from_secs(30), collect_logs(&docker, &id, &follow))
            .await
            .expect("the followed stream ends when the container exits");
    assert_eq!((out.as_str(), err.as_str()), ("a\n", "b\n"));
}

#[tokio::test]
async fn create_body_reaches_engine_verbatim() {
    let Some(docker) = engine() else { return };
    let run = unique("mac");
    let name = unique("mac");
    let mut cleanup = Cleanup::default();
    cleanup.containers.push(name.clone());
    // Config.MacAddress is what engines below API 1.44 honour; bollard's
    // create model no longer has the field.
    let mut body = container_body(&["true"], &run);
    body["MacAddress"] = json!("02:42:ac:11:00:99");
    let spec = ContainerSpec {
        name: name.clone(),
        body,
        extra_networks: vec![],
    };
    docker.create_container(&spec).await.unwrap();
    let mac = docker_stdout(&["inspect", "--format", "{{.Config.MacAddress}}", &name]).unwrap();
    let v = docker.version().await.unwrap();
    if v.api < (1, 44) {
        assert_eq!(mac.trim(), "02:42:ac:11:00:99");
    }
}

#[tokio::test]
async fn label_filters_combine() {
    let Some(docker) = engine() else { return };
    let run = unique("labels");
    let mut cleanup = Cleanup::default();
    let mut ids = Vec::new();
    for service in ["web", "db"] {
        let name = unique("labels");
        cleanup.containers.push(name.clone());
        let mut body = container_body(&["true"], &run);
        body["Labels"]["dev.hoist.service"] = json!(service);
        let spec = ContainerSpec {
            name,
            body,
            extra_networks: vec![],
        };
        ids.push(docker.create_container(&spec).await.unwrap());
    }
    let project = format!("{LABEL}={run}");
    let all = docker
        .list_containers(std::slice::from_ref(&project), true)
        .await
        .unwrap();
    assert_eq!(all.len(), 2);
    let web = docker
        .list_containers(&[project.clone(), "dev.hoist.service=web".into()], true)
        .await
        .unwrap();
    assert_eq!(web.len(), 1);
    assert_eq!(web[0].id, ids[0]);
    assert_eq!(web[0].label("dev.hoist.service"), "web");
    let bare = docker
        .list_containers(&[project, "dev.hoist.service".into()], true)
        .await
        .unwrap();
    assert_eq!(bare.len(), 2);
}

/// A one-thread HTTP engine double on a unix socket: answers the n-th request
/// with `responses[n]` (the last one repeats) and counts requests.
fn fake_engine(
    dir: &std::path::Path,
    responses: Vec<(u16, &'static str)>,
) -> (String, std::sync::Arc<AtomicUsize>) {
    use std::io::{Read, Write};
    let path = dir.join("engine.sock");
    let listener = std::os::unix::net::UnixListener::bind(&path).unwrap();
    let count = std::sync::Arc::new(AtomicUsize::new(0));
    let seen = count.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            let mut request = Vec::new();
            let mut buf = [0u8; 1024];
            while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                match stream.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => request.extend_from_slice(&buf[..n]),
                }
            }
            let n = seen.fetch_add(1, Ordering::SeqCst);
            let (status, body) = responses[n.min(responses.len() - 1)];
            let reply = format!(
                "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = stream.write_all(reply.as_bytes());
        }
    });
    (format!("unix://{}", path.display()), count)
}

const ACTIVE_ENDPOINTS: &str =
    r#"{"message":"error while removing network: network n id 0123 has active endpoints"}"#;

#[tokio::test]
async fn network_removal_retries_active_endpoints() {
    let dir = tempfile::tempdir().unwrap();
    let (host, count) = fake_engine(
        dir.path(),
        vec![(403, ACTIVE_ENDPOINTS), (409, ACTIVE_ENDPOINTS), (204, "")],
    );
    let docker = Docker::connect_with_host(&host).unwrap();
    docker.remove_network("n").await.unwrap();
    assert_eq!(count.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn network_removal_does_not_retry_other_errors() {
    let dir = tempfile::tempdir().unwrap();
    let (host, count) = fake_engine(
        dir.path(),
        vec![(404, r#"{"message":"network n not found"}"#), (204, "")],
    );
    let docker = Docker::connect_with_host(&host).unwrap();
    let result = docker.remove_network("n").await;
    assert_eq!(
        result,
        Err(RuntimeError::NotFound("network n not found".into()))
    );
    assert_eq!(count.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn version_is_read_from_the_engine() {
    let dir = tempfile::tempdir().unwrap();
    let (host, _) = fake_engine(
        dir.path(),
        vec![(200, r#"{"Version":"20.10.24+dfsg1","ApiVersion":"1.41"}"#)],
    );
    let docker = Docker::connect_with_host(&host).unwrap();
    let v = docker.version().await.unwrap();
    assert_eq!(v.version, "20.10.24+dfsg1");
    assert_eq!(v.api, (1, 41));
}
