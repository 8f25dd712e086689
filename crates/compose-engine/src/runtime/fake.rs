//! An in-memory engine for tests: the executor and the CLI's logic run
//! against it without Docker. It keeps containers, networks and volumes in a
//! map, answers like the Docker engine where tests depend on it (404/409,
//! names unique, states), and records every write call in order so tests can
//! assert on what was done.
//!
//! Behind the `fake` cargo feature (off by default) or `cfg(test)`: the
//! shipped library does not contain it. Test crates enable the feature through
//! their dev-dependencies (`compose-engine = { path = ..., features = ["fake"] }`).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;

use futures_util::stream;

use super::{
    BoxStream, Container, ContainerDetails, ContainerSpec, ContainerState, EngineVersion, Health,
    Image, LogChunk, LogOptions, MountPoint, Network, Observe, Result, Runtime, RuntimeError,
    Volume,
};

#[derive(Debug, Clone)]
struct FakeContainer {
    c: Container,
    exit_code: i64,
    has_healthcheck: bool,
    /// What `docker inspect` would show: the create body split as the engine does.
    body: serde_json::Value,
}

#[derive(Debug, Default)]
struct State {
    next_id: u64,
    clock: i64,
    containers: BTreeMap<String, FakeContainer>,
    networks: BTreeMap<String, Network>,
    volumes: BTreeMap<String, Volume>,
    images: BTreeMap<String, Image>,
    calls: Vec<String>,
    unhealthy: BTreeSet<String>,
    exits: BTreeMap<String, i64>,
    builds: Vec<(super::BuildOptions, Vec<u8>)>,
    build_failures: BTreeMap<String, String>,
    unreachable_registry: bool,
    /// Execs: container id and command.
    execs: Vec<(String, Vec<String>)>,
}

/// A label that makes a container with a healthcheck unhealthy in the fake
/// engine: a fixture's broken new version sets it, to `all` or to the
/// replica numbers that fail (`2 3`).
pub const FAKE_UNHEALTHY: &str = "hoist.fake.unhealthy";

/// The in-memory engine.
#[derive(Debug, Default)]
pub struct Fake {
    state: Mutex<State>,
}

fn labels_match(labels: &super::Labels, filters: &[String]) -> bool {
    filters.iter().all(|f| match f.split_once('=') {
        Some((k, v)) => labels.get(k).map(String::as_str) == Some(v),
        None => labels.contains_key(f.as_str()),
    })
}

fn str_labels(v: Option<&serde_json::Value>) -> super::Labels {
    v.and_then(|v| v.as_object())
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
                .collect()
        })
        .unwrap_or_default()
}

impl Fake {
    /// An empty engine.
    pub fn new() -> Fake {
        Fake::default()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Every write call so far, e.g. `create container demo-web-1`.
    pub fn calls(&self) -> Vec<String> {
        self.lock().calls.clone()
    }

    /// Forgets the recorded calls.
    pub fn clear_calls(&self) {
        self.lock().calls.clear();
    }

    /// Containers of a service, started later, turn unhealthy instead of healthy
    /// (so do containers labelled [`FAKE_UNHEALTHY`], whatever their service).
    pub fn make_unhealthy(&self, service: &str) {
        self.lock().unhealthy.insert(service.to_string());
    }

    /// Containers of a service exit with `code` as soon as they start.
    pub fn exit_on_start(&self, service: &str, code: i64) {
        self.lock().exits.insert(service.to_string(), code);
    }

    /// Makes every pull fail as with no registry reachable.
    pub fn no_registry(&self) {
        self.lock().unreachable_registry = true;
    }

    /// Every volume by name, anonymous ones included (the project-filtered
    /// list does not show those: they carry no labels).
    pub fn all_volumes(&self) -> Vec<String> {
        self.lock().volumes.keys().cloned().collect()
    }

    /// A container's mounts, by name or id.
    pub fn mounts(&self, container: &str) -> Vec<MountPoint> {
        let s = self.lock();
        Fake::find(&s, container)
            .map(|id| s.containers[&id].c.mounts.clone())
            .unwrap_or_default()
    }

    /// Adds a local image.
    pub fn add_image(&self, name: &str) {
        self.add_image_with_volumes(name, &[]);
    }

    /// Adds a local image that declares `volumes` (`VOLUME` paths).
    pub fn add_image_with_volumes(&self, name: &str, volumes: &[&str]) {
        let mut s = self.lock();
        let id = format!("sha256:{:064x}", s.images.len() + 1);
        s.images.insert(
            name.to_string(),
            Image {
                id,
                last_tag_time: None,
                created: None,
                tags: vec![name.to_string()],
                labels: Default::default(),
                volumes: volumes.iter().map(|v| v.to_string()).collect(),
            },
        );
    }

    /// Stops a container behind the executor's back (as a crash would).
    pub fn crash(&self, name: &str, code: i64) {
        let mut s = self.lock();
        if let Some(c) = s.containers.values_mut().find(|c| c.c.name == name) {
            c.c.state = ContainerState::Exited;
            c.exit_code = code;
            c.c.status = format!("Exited ({code}) 1 second ago");
        }
    }

    fn find(s: &State, id_or_name: &str) -> Result<String> {
        if s.containers.contains_key(id_or_name) {
            return Ok(id_or_name.to_string());
        }
        s.containers
            .values()
            .find(|c| c.c.name == id_or_name || c.c.id.starts_with(id_or_name))
            .map(|c| c.c.id.clone())
            .ok_or_else(|| RuntimeError::NotFound(format!("No such container: {id_or_name}")))
    }

    fn record(s: &mut State, call: String) {
        s.calls.push(call);
    }

    fn name_of(s: &State, id: &str) -> String {
        s.containers
            .get(id)
            .map(|c| c.c.name.clone())
            .unwrap_or_default()
    }
}

impl Observe for Fake {
    async fn version(&self) -> Result<EngineVersion> {
        Ok(EngineVersion {
            version: "fake".into(),
            api: (1, 41),
        })
    }

    async fn list_containers(&self, label_filters: &[String], all: bool) -> Result<Vec<Container>> {
        let s = self.lock();
        Ok(s.containers
            .values()
            .filter(|c| all || c.c.state == ContainerState::Running)
            .filter(|c| labels_match(&c.c.labels, label_filters))
            .map(|c| c.c.clone())
            .collect())
    }

    async fn list_networks(&self, label_filters: &[String]) -> Result<Vec<Network>> {
        let s = self.lock();
        Ok(s.networks
            .values()
            .filter(|n| labels_match(&n.labels, label_filters))
            .cloned()
            .collect())
    }

    async fn list_volumes(&self, label_filters: &[String]) -> Result<Vec<Volume>> {
        let s = self.lock();
        Ok(s.volumes
            .values()
            .filter(|v| labels_match(&v.labels, label_filters))
            .cloned()
            .collect())
    }

    async fn inspect_container(&self, id: &str) -> Result<ContainerDetails> {
        let s = self.lock();
        let id = Fake::find(&s, id)?;
        let c = &s.containers[&id];
        let health = if !c.has_healthcheck {
            Health::None
        } else if c.c.state != ContainerState::Running
            || s.unhealthy.contains(c.c.label(crate::labels::SERVICE))
            || c.c.labels.get(FAKE_UNHEALTHY).is_some_and(|v| {
                v == "all"
                    || v.split_whitespace()
                        .any(|n| n == c.c.label(crate::labels::CONTAINER_NUMBER))
            })
        {
            Health::Unhealthy
        } else {
            Health::Healthy
        };
        Ok(ContainerDetails {
            id: c.c.id.clone(),
            name: c.c.name.clone(),
            state: c.c.state,
            health,
            exit_code: c.exit_code,
            restart_count: 0,
            tty: false,
            labels: c.c.labels.clone(),
        })
    }

    async fn inspect_container_json(&self, id: &str) -> Result<serde_json::Value> {
        let s = self.lock();
        let id = Fake::find(&s, id)?;
        Ok(s.containers[&id].body.clone())
    }

    async fn inspect_network(&self, name: &str) -> Result<Option<Network>> {
        let s = self.lock();
        Ok(s.networks
            .values()
            .find(|n| n.name == name || n.id == name)
            .cloned())
    }

    async fn inspect_volume(&self, name: &str) -> Result<Option<Volume>> {
        Ok(self.lock().volumes.get(name).cloned())
    }

    async fn inspect_image(&self, name: &str) -> Result<Option<Image>> {
        let s = self.lock();
        let name = if name.contains(':') {
            name.to_string()
        } else {
            format!("{name}:latest")
        };
        Ok(s.images
            .get(&name)
            .or_else(|| s.images.values().find(|i| i.id == name))
            .cloned())
    }

    fn logs(&self, id: &str, _options: &LogOptions) -> BoxStream<Result<LogChunk>> {
        let s = self.lock();
        let line = match Fake::find(&s, id) {
            Ok(id) => Ok(LogChunk::Stdout(
                format!("hello from {}\n", s.containers[&id].c.name).into_bytes(),
            )),
            Err(e) => Err(e),
        };
        Box::pin(stream::iter(vec![line]))
    }

    async fn wait_container(&self, id: &str) -> Result<i64> {
        let s = self.lock();
        let id = Fake::find(&s, id)?;
        Ok(s.containers[&id].exit_code)
    }

    async fn wait_container_exit(&self, id: &str, _removed: bool) -> Result<i64> {
        self.wait_container(id).await
    }

    async fn inspect_exec(&self, id: &str) -> Result<super::ExecState> {
        let s = self.lock();
        let known = id
            .strip_prefix("exec-")
            .and_then(|n| n.parse::<usize>().ok())
            .is_some_and(|n| n < s.execs.len());
        if !known {
            return Err(RuntimeError::NotFound(format!(
                "No such exec instance: {id}"
            )));
        }
        Ok(super::ExecState {
            running: false,
            exit_code: Some(0),
        })
    }

    async fn top(&self, id: &str, _ps_args: &str) -> Result<super::Processes> {
        let s = self.lock();
        let id = Fake::find(&s, id)?;
        let c = &s.containers[&id];
        if c.c.state != ContainerState::Running {
            return Err(RuntimeError::Conflict(format!(
                "Container {id} is not running"
            )));
        }
        Ok(super::Processes {
            titles: vec!["UID".into(), "PID".into(), "CMD".into()],
            rows: vec![vec!["root".into(), "1".into(), c.c.command.clone()]],
        })
    }

    async fn stat_path(&self, id: &str, _path: &str) -> Result<Option<super::PathStat>> {
        let s = self.lock();
        Fake::find(&s, id)?;
        Ok(None)
    }

    fn get_archive(&self, id: &str, path: &str) -> BoxStream<Result<Vec<u8>>> {
        let e = RuntimeError::NotFound(format!("Could not find the file {path} in container {id}"));
        Box::pin(stream::iter(vec![Err(e)]))
    }

    async fn registry_digest(&self, image: &str) -> Result<String> {
        if self.lock().unreachable_registry {
            return Err(RuntimeError::Other(format!(
                "cannot reach the registry of {image}"
            )));
        }
        use sha2::Digest;
        Ok(format!(
            "sha256:{:x}",
            sha2::Sha256::digest(image.as_bytes())
        ))
    }

    async fn inspect_image_json(&self, name: &str) -> Result<Option<serde_json::Value>> {
        Ok(self.inspect_image(name).await?.map(|i| {
            serde_json::json!({
                "Id": i.id, "RepoTags": i.tags, "Size": 0,
                "Created": "1970-01-01T00:00:00Z", "Os": "linux", "Architecture": "amd64",
            })
        }))
    }

    fn stats(&self, id: &str, _stream: bool) -> BoxStream<Result<serde_json::Value>> {
        let s = self.lock();
        let item = Fake::find(&s, id).map(
            |id| serde_json::json!({"id": id, "name": format!("/{}", Fake::name_of(&s, &id))}),
        );
        Box::pin(stream::iter(vec![item]))
    }

    fn events(&self, _filter: &super::EventFilter) -> BoxStream<Result<super::EngineEvent>> {
        Box::pin(stream::empty())
    }

    fn export_container(&self, id: &str) -> BoxStream<Result<Vec<u8>>> {
        let s = self.lock();
        let item = Fake::find(&s, id).map(|_| Vec::new());
        Box::pin(stream::iter(vec![item]))
    }

    async fn list_images(&self, _label_filters: &[String]) -> Result<Vec<super::ImageSummary>> {
        // the fake's images carry no labels: none matches a label filter
        Ok(Vec::new())
    }
}

impl Runtime for Fake {
    async fn commit_container(&self, id: &str, options: &super::CommitOptions) -> Result<String> {
        let mut s = self.lock();
        let id = Fake::find(&s, id)?;
        let name = Fake::name_of(&s, &id);
        Fake::record(
            &mut s,
            format!("commit container {name} {}", options.reference)
                .trim_end()
                .to_string(),
        );
        Ok(format!("sha256:commit-{name}"))
    }

    async fn create_exec(&self, container: &str, spec: &super::ExecSpec) -> Result<String> {
        let mut s = self.lock();
        let id = Fake::find(&s, container)?;
        if s.containers[&id].c.state != ContainerState::Running {
            return Err(RuntimeError::Conflict(format!(
                "Container {id} is not running"
            )));
        }
        let name = Fake::name_of(&s, &id);
        s.execs.push((id, spec.cmd.clone()));
        let n = s.execs.len() - 1;
        Fake::record(
            &mut s,
            format!("exec container {name} {}", spec.cmd.join(" ")),
        );
        Ok(format!("exec-{n}"))
    }

    async fn start_exec(&self, id: &str, _tty: bool) -> Result<super::Attached> {
        let s = self.lock();
        let n: usize = id
            .strip_prefix("exec-")
            .and_then(|n| n.parse().ok())
            .filter(|n| *n < s.execs.len())
            .ok_or_else(|| RuntimeError::NotFound(format!("No such exec instance: {id}")))?;
        let line = format!("{}\n", s.execs[n].1.join(" "));
        Ok(super::Attached {
            output: Box::pin(stream::iter(vec![Ok(LogChunk::Stdout(line.into_bytes()))])),
            input: Box::pin(tokio::io::sink()),
        })
    }

    async fn start_exec_detached(&self, id: &str) -> Result<()> {
        let mut s = self.lock();
        Fake::record(&mut s, format!("start exec {id}"));
        Ok(())
    }

    async fn resize_exec(&self, _id: &str, _rows: u16, _cols: u16) -> Result<()> {
        Ok(())
    }

    async fn attach_container(
        &self,
        id: &str,
        _options: &super::AttachOptions,
    ) -> Result<super::Attached> {
        let s = self.lock();
        let id = Fake::find(&s, id)?;
        let line = format!("hello from {}\n", s.containers[&id].c.name);
        Ok(super::Attached {
            output: Box::pin(stream::iter(vec![Ok(LogChunk::Stdout(line.into_bytes()))])),
            input: Box::pin(tokio::io::sink()),
        })
    }

    async fn resize_container(&self, _id: &str, _rows: u16, _cols: u16) -> Result<()> {
        Ok(())
    }

    async fn put_archive(
        &self,
        id: &str,
        path: &str,
        _tar: super::ByteStream,
        _options: super::ExtractOptions,
    ) -> Result<()> {
        let mut s = self.lock();
        let id = Fake::find(&s, id)?;
        let name = Fake::name_of(&s, &id);
        Fake::record(&mut s, format!("copy to container {name} {path}"));
        Ok(())
    }

    async fn create_network(&self, body: &serde_json::Value) -> Result<String> {
        let mut s = self.lock();
        let name = body["Name"].as_str().unwrap_or_default().to_string();
        if s.networks.values().any(|n| n.name == name) {
            return Err(RuntimeError::Conflict(format!(
                "network with name {name} already exists"
            )));
        }
        s.next_id += 1;
        let id = format!("{:064x}", s.next_id);
        s.networks.insert(
            id.clone(),
            Network {
                id: id.clone(),
                name: name.clone(),
                driver: body["Driver"].as_str().unwrap_or("bridge").to_string(),
                labels: str_labels(body.get("Labels")),
            },
        );
        Fake::record(&mut s, format!("create network {name}"));
        Ok(id)
    }

    async fn remove_network(&self, name: &str) -> Result<()> {
        let mut s = self.lock();
        let Some(id) = s
            .networks
            .values()
            .find(|n| n.name == name || n.id == name)
            .map(|n| n.id.clone())
        else {
            return Err(RuntimeError::NotFound(format!("network {name} not found")));
        };
        if s.containers
            .values()
            .any(|c| c.c.networks.values().any(|n| *n == id))
        {
            return Err(RuntimeError::Other(format!(
                "error while removing network: network {name} id {id} has active endpoints"
            )));
        }
        s.networks.remove(&id);
        Fake::record(&mut s, format!("remove network {name}"));
        Ok(())
    }

    async fn create_volume(&self, body: &serde_json::Value) -> Result<()> {
        let mut s = self.lock();
        let name = body["Name"].as_str().unwrap_or_default().to_string();
        s.volumes.insert(
            name.clone(),
            Volume {
                name: name.clone(),
                driver: body["Driver"].as_str().unwrap_or("local").to_string(),
                labels: str_labels(body.get("Labels")),
                mountpoint: format!("/var/lib/docker/volumes/{name}/_data"),
                scope: "local".into(),
            },
        );
        Fake::record(&mut s, format!("create volume {name}"));
        Ok(())
    }

    async fn remove_volume(&self, name: &str) -> Result<()> {
        let mut s = self.lock();
        if s.volumes.remove(name).is_none() {
            return Err(RuntimeError::NotFound(format!(
                "get {name}: no such volume"
            )));
        }
        Fake::record(&mut s, format!("remove volume {name}"));
        Ok(())
    }

    async fn create_container(&self, spec: &ContainerSpec) -> Result<String> {
        let mut s = self.lock();
        if s.containers.values().any(|c| c.c.name == spec.name) {
            return Err(RuntimeError::Conflict(format!(
                "Conflict. The container name \"/{}\" is already in use",
                spec.name
            )));
        }
        let image = spec.body["Image"].as_str().unwrap_or_default().to_string();
        s.next_id += 1;
        s.clock += 1;
        let id = format!("{:064x}", s.next_id);
        let mut networks = BTreeMap::new();
        let mut wanted: Vec<String> = spec.body["NetworkingConfig"]["EndpointsConfig"]
            .as_object()
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default();
        wanted.extend(spec.extra_networks.iter().map(|(n, _)| n.clone()));
        for n in wanted {
            let Some(net) = s.networks.values().find(|x| x.name == n) else {
                return Err(RuntimeError::NotFound(format!("network {n} not found")));
            };
            networks.insert(n.clone(), net.id.clone());
        }
        let mut mounts = Vec::new();
        let mut anonymous = 0;
        if let Some(ms) = spec.body["HostConfig"]["Mounts"].as_array() {
            for m in ms {
                let kind = m["Type"].as_str().unwrap_or_default().to_string();
                let mut source = m["Source"].as_str().unwrap_or_default().to_string();
                if kind == "volume" && source.is_empty() {
                    anonymous += 1;
                    source = format!("{:060x}{anonymous:04x}", s.next_id);
                }
                mounts.push(MountPoint {
                    name: if kind == "volume" {
                        source.clone()
                    } else {
                        String::new()
                    },
                    kind,
                    source,
                    destination: m["Target"].as_str().unwrap_or_default().to_string(),
                    rw: !m["ReadOnly"].as_bool().unwrap_or(false),
                });
            }
        }
        if let Some(bs) = spec.body["HostConfig"]["Binds"].as_array() {
            for b in bs.iter().filter_map(|b| b.as_str()) {
                let mut parts = b.split(':');
                let source = parts.next().unwrap_or_default().to_string();
                let destination = parts.next().unwrap_or_default().to_string();
                let rw = !parts
                    .next()
                    .unwrap_or_default()
                    .split(',')
                    .any(|o| o == "ro");
                let is_volume = !source.starts_with('/');
                mounts.push(MountPoint {
                    kind: if is_volume { "volume" } else { "bind" }.into(),
                    name: if is_volume {
                        source.clone()
                    } else {
                        String::new()
                    },
                    source,
                    destination,
                    rw,
                });
            }
        }
        // As the engine does: an anonymous volume for each path the image
        // declares (`VOLUME`) that nothing else is mounted on.
        let declared = s
            .images
            .get(&image)
            .map(|i| i.volumes.clone())
            .unwrap_or_default();
        for path in declared {
            if !mounts.iter().any(|m| m.destination == path) {
                anonymous += 1;
                let name = format!("{:060x}{anonymous:04x}", s.next_id);
                mounts.push(MountPoint {
                    kind: "volume".into(),
                    name: name.clone(),
                    source: name,
                    destination: path,
                    rw: true,
                });
            }
        }
        for m in mounts.iter().filter(|m| m.kind == "volume") {
            if !s.volumes.contains_key(&m.name) {
                s.volumes.insert(
                    m.name.clone(),
                    Volume {
                        name: m.name.clone(),
                        driver: "local".into(),
                        labels: Default::default(),
                        mountpoint: format!("/var/lib/docker/volumes/{}/_data", m.name),
                        scope: "local".into(),
                    },
                );
            }
        }
        let c = Container {
            id: id.clone(),
            name: spec.name.clone(),
            image,
            image_id: String::new(),
            command: String::new(),
            created: s.clock,
            state: ContainerState::Created,
            status: "Created".into(),
            labels: str_labels(spec.body.get("Labels")),
            networks,
            mounts,
            ports: vec![],
        };
        let has_healthcheck = spec.body.get("Healthcheck").is_some_and(|h| !h.is_null());
        s.containers.insert(
            id.clone(),
            FakeContainer {
                c,
                exit_code: 0,
                has_healthcheck,
                body: serde_json::json!({
                    "Config": spec.body,
                    "HostConfig": spec.body.get("HostConfig").cloned().unwrap_or_default(),
                }),
            },
        );
        Fake::record(&mut s, format!("create container {}", spec.name));
        Ok(id)
    }

    async fn start_container(&self, id: &str) -> Result<()> {
        let mut s = self.lock();
        let id = Fake::find(&s, id)?;
        let exits = s.exits.clone();
        let c = s.containers.get_mut(&id).expect("found");
        let service = c.c.label(crate::labels::SERVICE).to_string();
        match exits.get(&service) {
            Some(&code) => {
                c.c.state = ContainerState::Exited;
                c.exit_code = code;
                c.c.status = format!("Exited ({code}) 1 second ago");
            }
            None => {
                c.c.state = ContainerState::Running;
                c.c.status = "Up 1 second".into();
            }
        }
        let name = Fake::name_of(&s, &id);
        Fake::record(&mut s, format!("start container {name}"));
        Ok(())
    }

    async fn stop_container(&self, id: &str, _timeout: Option<i64>) -> Result<()> {
        let mut s = self.lock();
        let id = Fake::find(&s, id)?;
        let c = s.containers.get_mut(&id).expect("found");
        if c.c.state == ContainerState::Running || c.c.state == ContainerState::Paused {
            c.c.state = ContainerState::Exited;
            c.exit_code = 0;
            c.c.status = "Exited (0) 1 second ago".into();
        }
        let name = Fake::name_of(&s, &id);
        Fake::record(&mut s, format!("stop container {name}"));
        Ok(())
    }

    async fn restart_container(&self, id: &str, timeout: Option<i64>) -> Result<()> {
        self.stop_container(id, timeout).await?;
        self.start_container(id).await
    }

    async fn kill_container(&self, id: &str, signal: &str) -> Result<()> {
        let mut s = self.lock();
        let id = Fake::find(&s, id)?;
        let c = s.containers.get_mut(&id).expect("found");
        if c.c.state != ContainerState::Running {
            return Err(RuntimeError::Conflict(format!(
                "Container {id} is not running"
            )));
        }
        c.c.state = ContainerState::Exited;
        c.exit_code = 137;
        c.c.status = "Exited (137) 1 second ago".into();
        let name = Fake::name_of(&s, &id);
        Fake::record(&mut s, format!("kill container {name} {signal}"));
        Ok(())
    }

    async fn pause_container(&self, id: &str) -> Result<()> {
        let mut s = self.lock();
        let id = Fake::find(&s, id)?;
        s.containers.get_mut(&id).expect("found").c.state = ContainerState::Paused;
        let name = Fake::name_of(&s, &id);
        Fake::record(&mut s, format!("pause container {name}"));
        Ok(())
    }

    async fn unpause_container(&self, id: &str) -> Result<()> {
        let mut s = self.lock();
        let id = Fake::find(&s, id)?;
        s.containers.get_mut(&id).expect("found").c.state = ContainerState::Running;
        let name = Fake::name_of(&s, &id);
        Fake::record(&mut s, format!("unpause container {name}"));
        Ok(())
    }

    async fn remove_container(&self, id: &str, force: bool, volumes: bool) -> Result<()> {
        let mut s = self.lock();
        let id = Fake::find(&s, id)?;
        if !force && s.containers[&id].c.state == ContainerState::Running {
            return Err(RuntimeError::Conflict(
                "You cannot remove a running container. Stop the container before attempting removal or force remove".into(),
            ));
        }
        let name = Fake::name_of(&s, &id);
        let removed = s.containers.remove(&id).expect("found");
        if volumes {
            // `docker rm -v`: the container's anonymous volumes go, unless
            // another container still uses them.
            for m in removed.c.mounts.iter().filter(|m| m.kind == "volume") {
                let anonymous = m.name.len() == 64 && m.name.bytes().all(|b| b.is_ascii_hexdigit());
                let in_use = s
                    .containers
                    .values()
                    .any(|c| c.c.mounts.iter().any(|o| o.name == m.name));
                if anonymous && !in_use {
                    s.volumes.remove(&m.name);
                }
            }
        }
        Fake::record(&mut s, format!("remove container {name}"));
        Ok(())
    }

    async fn rename_container(&self, id: &str, name: &str) -> Result<()> {
        let mut s = self.lock();
        let id = Fake::find(&s, id)?;
        if s.containers.values().any(|c| c.c.name == name) {
            return Err(RuntimeError::Conflict(format!(
                "Conflict. The container name \"/{name}\" is already in use"
            )));
        }
        let old = Fake::name_of(&s, &id);
        s.containers.get_mut(&id).expect("found").c.name = name.to_string();
        Fake::record(&mut s, format!("rename container {old} {name}"));
        Ok(())
    }

    async fn copy_to_container(&self, id: &str, path: &str, tar: Vec<u8>) -> Result<()> {
        let mut s = self.lock();
        let id = Fake::find(&s, id)?;
        let name = Fake::name_of(&s, &id);
        let mut entries = Vec::new();
        let mut archive = ::tar::Archive::new(tar.as_slice());
        if let Ok(files) = archive.entries() {
            for f in files.flatten() {
                let mode = f.header().mode().unwrap_or(0);
                let p = f
                    .path()
                    .map(|p| p.display().to_string())
                    .unwrap_or_default();
                entries.push(format!("{p} ({mode:o}, {} bytes)", f.size()));
            }
        }
        Fake::record(
            &mut s,
            format!("copy to container {name} {path}: {}", entries.join(", ")),
        );
        Ok(())
    }

    async fn pull_image(&self, image: &str, progress: super::LayerProgress<'_>) -> Result<()> {
        let (repo, tag) = super::split_tag(image);
        if self.lock().unreachable_registry {
            return Err(RuntimeError::Other(format!(
                "Get \"https://{repo}/v2/\": dial tcp: lookup: no such host"
            )));
        }
        progress("", "Pulling");
        self.add_image(&format!("{repo}:{tag}"));
        let mut s = self.lock();
        Fake::record(&mut s, format!("pull image {repo}:{tag}"));
        Ok(())
    }

    async fn push_image(&self, image: &str, progress: super::LayerProgress<'_>) -> Result<()> {
        let (repo, tag) = super::split_tag(image);
        let mut s = self.lock();
        if !s.images.contains_key(&format!("{repo}:{tag}")) {
            return Err(RuntimeError::NotFound(format!(
                "An image does not exist locally with the tag: {repo}"
            )));
        }
        progress("", "Pushing");
        Fake::record(&mut s, format!("push image {repo}:{tag}"));
        Ok(())
    }

    async fn remove_image(&self, name: &str) -> Result<()> {
        let mut s = self.lock();
        if s.images.remove(name).is_none() {
            return Err(RuntimeError::NotFound(format!("No such image: {name}")));
        }
        Fake::record(&mut s, format!("remove image {name}"));
        Ok(())
    }

    async fn build_image(
        &self,
        options: &super::BuildOptions,
        context: Vec<u8>,
        progress: super::BuildProgress<'_>,
    ) -> std::result::Result<super::BuildOutcome, super::BuildError> {
        let tag = options.tags.last().cloned().unwrap_or_default();
        let failure = {
            let mut s = self.lock();
            Fake::record(&mut s, format!("build image {tag}"));
            s.builds.push((options.clone(), context));
            s.build_failures.get(&tag).cloned()
        };
        progress(&format!("Step 1/1 : FROM fake ({})", options.dockerfile));
        if let Some(message) = failure {
            return Err(super::BuildError::Failed(super::build_failure(
                &message,
                Some("Step 1/1 : FROM fake".to_string()),
            )));
        }
        let mut s = self.lock();
        let id = format!("sha256:{:064x}", 0xb000 + s.builds.len());
        for t in &options.tags {
            let name = if t.contains(':') {
                t.clone()
            } else {
                format!("{t}:latest")
            };
            s.images.insert(
                name,
                Image {
                    id: id.clone(),
                    last_tag_time: None,
                    created: None,
                    tags: options.tags.clone(),
                    labels: options.labels.clone(),
                    volumes: vec![],
                },
            );
        }
        progress(&format!("Successfully built {}", &id[7..19]));
        Ok(super::BuildOutcome { image_id: id })
    }

    async fn push_artifact(&self, artifact: &crate::oci::Artifact) -> Result<String> {
        let mut s = self.lock();
        Fake::record(
            &mut s,
            format!(
                "push artifact {} ({} layers)",
                artifact.reference,
                artifact.layers.len()
            ),
        );
        Ok(artifact.manifest_digest())
    }

    async fn tag_image(&self, source: &str, target: &str) -> Result<()> {
        let mut s = self.lock();
        let source_key = if source.contains(':') || source.starts_with("sha256:") {
            source.to_string()
        } else {
            format!("{source}:latest")
        };
        let Some(image) = s
            .images
            .get(&source_key)
            .or_else(|| s.images.values().find(|i| i.id == source))
            .cloned()
        else {
            return Err(RuntimeError::NotFound(format!("No such image: {source}")));
        };
        let name = if target.contains(':') {
            target.to_string()
        } else {
            format!("{target}:latest")
        };
        s.images.insert(name, image);
        Fake::record(&mut s, format!("tag image {source} {target}"));
        Ok(())
    }
}

impl Fake {
    /// Builds tagged `tag` fail with the builder error `message`.
    pub fn fail_build(&self, tag: &str, message: &str) {
        self.lock()
            .build_failures
            .insert(tag.to_string(), message.to_string());
    }

    /// Every build asked for so far: its options and context tar.
    pub fn builds(&self) -> Vec<(super::BuildOptions, Vec<u8>)> {
        self.lock().builds.clone()
    }
}
