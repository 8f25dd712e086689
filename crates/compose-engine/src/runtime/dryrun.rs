//! `--dry-run`: a runtime that reads from the engine and writes nothing.
//!
//! [`DryRun`] wraps an observer — in the CLI a [`ReadOnly`]
//! engine, which has no write methods at all — so every write it is asked for
//! *cannot* reach the engine: it is recorded, answered as the engine would
//! answer a success, and remembered, so that what comes after (starting the
//! container just "created", waiting for it to be healthy, inspecting the
//! image just "built" or "pulled") goes on as in the real run, as compose's
//! dry-run client does. Reads of anything that really exists pass through.
//!
//! [`Connection`] is what a command holds: the live runtime or a dry run of
//! it, chosen once where the client is made, so no command decides for itself
//! whether to honour `--dry-run`.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;

use futures_util::{stream, StreamExt};

use super::{
    AttachOptions, Attached, BoxStream, BuildError, BuildOptions, BuildOutcome, BuildProgress,
    ByteStream, CommitOptions, Container, ContainerDetails, ContainerSpec, ContainerState,
    EngineEvent, EngineVersion, EventFilter, ExecSpec, ExecState, ExtractOptions, Health, Image,
    ImageSummary, LayerProgress, LogChunk, LogOptions, Network, Observe, PathStat, Processes,
    ReadOnly, Result, Runtime, RuntimeError, Volume,
};

/// The id the dry run gives images it pretends to build or pull (compose's word).
pub const DRY_RUN_ID: &str = "dryRunId";

#[derive(Debug, Default)]
struct Record {
    calls: Vec<String>,
    /// Containers "created" in this run: id (= the name asked for) → labels.
    containers: BTreeMap<String, super::Labels>,
    networks: BTreeSet<String>,
    volumes: BTreeSet<String>,
    images: BTreeSet<String>,
    /// Execs "created" in this run.
    execs: usize,
}

/// The prefix of the ids the dry run gives execs.
const DRY_RUN_EXEC: &str = "dryRunExec-";

/// Reads pass through to `O`; writes are recorded and never sent.
#[derive(Debug)]
pub struct DryRun<O> {
    inner: O,
    record: Mutex<Record>,
}

impl<O: Observe> DryRun<O> {
    /// A dry run over `inner`.
    pub fn new(inner: O) -> DryRun<O> {
        DryRun {
            inner,
            record: Mutex::new(Record::default()),
        }
    }

    /// The observer it reads from.
    pub fn inner(&self) -> &O {
        &self.inner
    }

    /// Every write that would have been sent, in order (`create container demo-web-1`, ...).
    pub fn calls(&self) -> Vec<String> {
        self.lock().calls.clone()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Record> {
        self.record.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn note(&self, call: String) {
        self.lock().calls.push(call);
    }

    /// Records a write that is not sent (the Swarm calls of [`super::swarm`]).
    pub(super) fn record(&self, call: String) {
        self.note(call);
    }

    fn created(&self, id: &str) -> Option<super::Labels> {
        self.lock().containers.get(id).cloned()
    }
}

fn image_key(name: &str) -> String {
    let (repo, tag) = super::split_tag(name);
    if tag.is_empty() {
        repo.to_string()
    } else {
        format!("{repo}:{tag}")
    }
}

impl<O: Observe> Observe for DryRun<O> {
    async fn version(&self) -> Result<EngineVersion> {
        self.inner.version().await
    }

    async fn list_containers(&self, label_filters: &[String], all: bool) -> Result<Vec<Container>> {
        self.inner.list_containers(label_filters, all).await
    }

    async fn list_networks(&self, label_filters: &[String]) -> Result<Vec<Network>> {
        self.inner.list_networks(label_filters).await
    }

    async fn list_volumes(&self, label_filters: &[String]) -> Result<Vec<Volume>> {
        self.inner.list_volumes(label_filters).await
    }

    async fn inspect_container(&self, id: &str) -> Result<ContainerDetails> {
        match self.created(id) {
            // What it would be once started: running, and healthy for `--wait`.
            Some(labels) => Ok(ContainerDetails {
                id: id.to_string(),
                name: id.to_string(),
                state: ContainerState::Running,
                health: Health::Healthy,
                exit_code: 0,
                restart_count: 0,
                tty: false,
                labels,
            }),
            None => self.inner.inspect_container(id).await,
        }
    }

    async fn inspect_container_json(&self, id: &str) -> Result<serde_json::Value> {
        match self.created(id) {
            Some(labels) => Ok(serde_json::json!({
                "Id": id, "Name": format!("/{id}"), "Config": {"Labels": labels},
                "State": {"Status": "running", "Running": true},
            })),
            None => self.inner.inspect_container_json(id).await,
        }
    }

    async fn inspect_network(&self, name: &str) -> Result<Option<Network>> {
        if self.lock().networks.contains(name) {
            return Ok(Some(Network {
                id: name.to_string(),
                name: name.to_string(),
                driver: "bridge".into(),
                labels: Default::default(),
            }));
        }
        self.inner.inspect_network(name).await
    }

    async fn inspect_volume(&self, name: &str) -> Result<Option<Volume>> {
        if self.lock().volumes.contains(name) {
            return Ok(Some(Volume {
                name: name.to_string(),
                driver: "local".into(),
                labels: Default::default(),
                mountpoint: String::new(),
                scope: "local".into(),
            }));
        }
        self.inner.inspect_volume(name).await
    }

    async fn inspect_image(&self, name: &str) -> Result<Option<Image>> {
        if self.lock().images.contains(&image_key(name)) {
            return Ok(Some(Image {
                id: DRY_RUN_ID.to_string(),
                tags: vec![name.to_string()],
                last_tag_time: None,
                created: None,
                labels: Default::default(),
                volumes: Vec::new(),
            }));
        }
        self.inner.inspect_image(name).await
    }

    fn logs(&self, id: &str, options: &LogOptions) -> BoxStream<Result<LogChunk>> {
        if self.created(id).is_some() {
            return Box::pin(stream::empty());
        }
        self.inner.logs(id, options)
    }

    async fn wait_container(&self, id: &str) -> Result<i64> {
        if self.created(id).is_some() {
            return Ok(0);
        }
        self.inner.wait_container(id).await
    }

    async fn wait_container_exit(&self, id: &str, removed: bool) -> Result<i64> {
        if self.created(id).is_some() {
            return Ok(0);
        }
        self.inner.wait_container_exit(id, removed).await
    }

    async fn inspect_exec(&self, id: &str) -> Result<ExecState> {
        if id.starts_with(DRY_RUN_EXEC) {
            return Ok(ExecState {
                running: false,
                exit_code: Some(0),
            });
        }
        self.inner.inspect_exec(id).await
    }

    async fn top(&self, id: &str, ps_args: &str) -> Result<Processes> {
        if self.created(id).is_some() {
            return Ok(Processes::default());
        }
        self.inner.top(id, ps_args).await
    }

    async fn stat_path(&self, id: &str, path: &str) -> Result<Option<PathStat>> {
        if self.created(id).is_some() {
            return Ok(None);
        }
        self.inner.stat_path(id, path).await
    }

    fn get_archive(&self, id: &str, path: &str) -> BoxStream<Result<Vec<u8>>> {
        // As compose's dry-run client: the engine is asked, so a missing
        // path is refused as in the real run, but nothing is read — the
        // archive is empty, and a copy out of a container writes nothing.
        if self.created(id).is_some() {
            return Box::pin(stream::empty());
        }
        Box::pin(
            self.inner
                .get_archive(id, path)
                .take(1)
                .filter_map(|item| std::future::ready(item.err().map(Err))),
        )
    }

    async fn registry_digest(&self, image: &str) -> Result<String> {
        self.inner.registry_digest(image).await
    }

    async fn inspect_image_json(&self, name: &str) -> Result<Option<serde_json::Value>> {
        if self.lock().images.contains(&image_key(name)) {
            return Ok(Some(serde_json::json!({
                "Id": DRY_RUN_ID, "RepoTags": [name], "Size": 0,
            })));
        }
        self.inner.inspect_image_json(name).await
    }

    fn stats(&self, id: &str, stream: bool) -> BoxStream<Result<serde_json::Value>> {
        if self.created(id).is_some() {
            return Box::pin(stream::empty());
        }
        self.inner.stats(id, stream)
    }

    fn events(&self, filter: &EventFilter) -> BoxStream<Result<EngineEvent>> {
        self.inner.events(filter)
    }

    fn export_container(&self, id: &str) -> BoxStream<Result<Vec<u8>>> {
        if self.created(id).is_some() {
            return Box::pin(stream::empty());
        }
        self.inner.export_container(id)
    }

    async fn list_images(&self, label_filters: &[String]) -> Result<Vec<ImageSummary>> {
        self.inner.list_images(label_filters).await
    }
}

impl<O: Observe> Runtime for DryRun<O> {
    fn is_dry_run(&self) -> bool {
        true
    }
    async fn commit_container(&self, id: &str, options: &CommitOptions) -> Result<String> {
        self.note(
            format!("commit container {id} {}", options.reference)
                .trim_end()
                .to_string(),
        );
        if !options.reference.is_empty() {
            self.lock().images.insert(image_key(&options.reference));
        }
        Ok(DRY_RUN_ID.to_string())
    }

    async fn create_network(&self, body: &serde_json::Value) -> Result<String> {
        let name = body["Name"].as_str().unwrap_or_default().to_string();
        let mut r = self.lock();
        r.calls.push(format!("create network {name}"));
        r.networks.insert(name.clone());
        Ok(name)
    }

    async fn remove_network(&self, name: &str) -> Result<()> {
        self.note(format!("remove network {name}"));
        Ok(())
    }

    async fn create_volume(&self, body: &serde_json::Value) -> Result<()> {
        let name = body["Name"].as_str().unwrap_or_default().to_string();
        let mut r = self.lock();
        r.calls.push(format!("create volume {name}"));
        r.volumes.insert(name);
        Ok(())
    }

    async fn remove_volume(&self, name: &str) -> Result<()> {
        self.note(format!("remove volume {name}"));
        Ok(())
    }

    async fn create_container(&self, spec: &ContainerSpec) -> Result<String> {
        let labels = spec
            .body
            .get("Labels")
            .and_then(|l| l.as_object())
            .map(|m| {
                m.iter()
                    .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
                    .collect()
            })
            .unwrap_or_default();
        let mut r = self.lock();
        r.calls.push(format!("create container {}", spec.name));
        // compose's dry-run client answers with the name as the id.
        r.containers.insert(spec.name.clone(), labels);
        Ok(spec.name.clone())
    }

    async fn start_container(&self, id: &str) -> Result<()> {
        self.note(format!("start container {id}"));
        Ok(())
    }

    async fn stop_container(&self, id: &str, _timeout: Option<i64>) -> Result<()> {
        self.note(format!("stop container {id}"));
        Ok(())
    }

    async fn restart_container(&self, id: &str, _timeout: Option<i64>) -> Result<()> {
        self.note(format!("restart container {id}"));
        Ok(())
    }

    async fn kill_container(&self, id: &str, signal: &str) -> Result<()> {
        self.note(format!("kill container {id} {signal}"));
        Ok(())
    }

    async fn pause_container(&self, id: &str) -> Result<()> {
        self.note(format!("pause container {id}"));
        Ok(())
    }

    async fn unpause_container(&self, id: &str) -> Result<()> {
        self.note(format!("unpause container {id}"));
        Ok(())
    }

    async fn remove_container(&self, id: &str, _force: bool, volumes: bool) -> Result<()> {
        let v = if volumes {
            " with its anonymous volumes"
        } else {
            ""
        };
        self.note(format!("remove container {id}{v}"));
        Ok(())
    }

    async fn rename_container(&self, id: &str, name: &str) -> Result<()> {
        let mut r = self.lock();
        r.calls.push(format!("rename container {id} {name}"));
        if let Some(labels) = r.containers.remove(id) {
            r.containers.insert(name.to_string(), labels);
        }
        Ok(())
    }

    async fn remove_image(&self, name: &str) -> Result<()> {
        self.note(format!("remove image {name}"));
        Ok(())
    }

    async fn copy_to_container(&self, id: &str, path: &str, _tar: Vec<u8>) -> Result<()> {
        self.note(format!("copy into container {id} at {path}"));
        Ok(())
    }

    async fn build_image(
        &self,
        options: &BuildOptions,
        _context: Vec<u8>,
        progress: BuildProgress<'_>,
    ) -> std::result::Result<BuildOutcome, BuildError> {
        let mut r = self.lock();
        let first = options.tags.first().cloned().unwrap_or_default();
        r.calls.push(format!("build image {first}"));
        for t in &options.tags {
            r.images.insert(image_key(t));
        }
        drop(r);
        progress(&format!("Successfully built {DRY_RUN_ID}"));
        for t in &options.tags {
            progress(&format!("Successfully tagged {t}"));
        }
        Ok(BuildOutcome {
            image_id: DRY_RUN_ID.to_string(),
        })
    }

    async fn pull_image(&self, image: &str, _progress: LayerProgress<'_>) -> Result<()> {
        let mut r = self.lock();
        r.calls.push(format!("pull image {image}"));
        r.images.insert(image_key(image));
        Ok(())
    }

    async fn push_image(&self, image: &str, progress: LayerProgress<'_>) -> Result<()> {
        self.note(format!("push image {image}"));
        // compose's dry-run client answers with one message for the whole image
        progress(image, "Pushed 100/100 Mb");
        Ok(())
    }

    async fn push_artifact(&self, artifact: &crate::oci::Artifact) -> Result<String> {
        // Recorded, never sent: what would be pushed is known without the registry.
        self.note(format!(
            "push artifact {} ({} layers)",
            artifact.reference,
            artifact.layers.len()
        ));
        Ok(artifact.manifest_digest())
    }

    async fn tag_image(&self, source: &str, target: &str) -> Result<()> {
        let mut r = self.lock();
        r.calls.push(format!("tag image {source} {target}"));
        r.images.insert(image_key(target));
        Ok(())
    }

    async fn create_exec(&self, container: &str, spec: &ExecSpec) -> Result<String> {
        let mut r = self.lock();
        r.execs += 1;
        r.calls.push(format!(
            "exec in container {container}: {}",
            spec.cmd.join(" ")
        ));
        Ok(format!("{DRY_RUN_EXEC}{}", r.execs))
    }

    async fn start_exec(&self, _id: &str, _tty: bool) -> Result<Attached> {
        Err(RuntimeError::Other(
            "interactive exec is not supported in dry-run mode".into(),
        ))
    }

    async fn start_exec_detached(&self, id: &str) -> Result<()> {
        self.note(format!("start exec {id}"));
        Ok(())
    }

    async fn resize_exec(&self, _id: &str, _rows: u16, _cols: u16) -> Result<()> {
        Ok(())
    }

    async fn attach_container(&self, _id: &str, _options: &AttachOptions) -> Result<Attached> {
        Err(RuntimeError::Other(
            "interactive run is not supported in dry-run mode".into(),
        ))
    }

    async fn resize_container(&self, _id: &str, _rows: u16, _cols: u16) -> Result<()> {
        Ok(())
    }

    async fn put_archive(
        &self,
        id: &str,
        path: &str,
        _tar: ByteStream,
        _options: ExtractOptions,
    ) -> Result<()> {
        // As compose's dry-run client: the destination must exist.
        if self.created(id).is_none() && self.inner.stat_path(id, path).await?.is_none() {
            return Err(RuntimeError::NotFound(format!(
                "Could not find the file {path} in container {id}"
            )));
        }
        self.note(format!("copy into container {id} at {path}"));
        Ok(())
    }
}

/// The runtime a command holds: the live engine, or a dry run of it whose
/// writes cannot reach the engine (it only holds a [`ReadOnly`] view).
#[derive(Debug)]
pub enum Connection<R> {
    /// Writes go to the engine.
    Live(R),
    /// `--dry-run`: reads go to the engine, writes are recorded.
    DryRun(DryRun<ReadOnly<R>>),
}

impl<R: Runtime> Connection<R> {
    /// `runtime` itself, or a dry run of it when `dry_run`.
    pub fn new(runtime: R, dry_run: bool) -> Connection<R> {
        if dry_run {
            Connection::DryRun(DryRun::new(ReadOnly(runtime)))
        } else {
            Connection::Live(runtime)
        }
    }

    /// Whether this is a dry run.
    pub fn is_dry_run(&self) -> bool {
        matches!(self, Connection::DryRun(_))
    }

    /// The writes a dry run recorded (empty when live).
    pub fn recorded(&self) -> Vec<String> {
        self.recorded_calls()
    }

    fn recorded_calls(&self) -> Vec<String> {
        match self {
            Connection::Live(_) => Vec::new(),
            Connection::DryRun(d) => d.calls(),
        }
    }
}

impl Connection<super::docker::Docker> {
    /// The engine it reads from, live or under a dry run.
    pub(super) fn reader(&self) -> &super::docker::Docker {
        match self {
            Connection::Live(d) => d,
            Connection::DryRun(d) => &d.inner().0,
        }
    }
}

/// Forwards a call to whichever runtime the connection holds.
macro_rules! either {
    ($self:ident, $rt:ident => $call:expr) => {
        match $self {
            Connection::Live($rt) => $call.await,
            Connection::DryRun($rt) => $call.await,
        }
    };
}

impl<R: Runtime> Observe for Connection<R> {
    async fn version(&self) -> Result<EngineVersion> {
        either!(self, rt => rt.version())
    }
    async fn list_containers(&self, label_filters: &[String], all: bool) -> Result<Vec<Container>> {
        either!(self, rt => rt.list_containers(label_filters, all))
    }
    async fn list_networks(&self, label_filters: &[String]) -> Result<Vec<Network>> {
        either!(self, rt => rt.list_networks(label_filters))
    }
    async fn list_volumes(&self, label_filters: &[String]) -> Result<Vec<Volume>> {
        either!(self, rt => rt.list_volumes(label_filters))
    }
    async fn inspect_container(&self, id: &str) -> Result<ContainerDetails> {
        either!(self, rt => rt.inspect_container(id))
    }
    async fn inspect_container_json(&self, id: &str) -> Result<serde_json::Value> {
        either!(self, rt => rt.inspect_container_json(id))
    }
    async fn inspect_network(&self, name: &str) -> Result<Option<Network>> {
        either!(self, rt => rt.inspect_network(name))
    }
    async fn inspect_volume(&self, name: &str) -> Result<Option<Volume>> {
        either!(self, rt => rt.inspect_volume(name))
    }
    async fn inspect_image(&self, name: &str) -> Result<Option<Image>> {
        either!(self, rt => rt.inspect_image(name))
    }
    fn logs(&self, id: &str, options: &LogOptions) -> BoxStream<Result<LogChunk>> {
        match self {
            Connection::Live(rt) => rt.logs(id, options),
            Connection::DryRun(rt) => rt.logs(id, options),
        }
    }
    async fn wait_container(&self, id: &str) -> Result<i64> {
        either!(self, rt => rt.wait_container(id))
    }
    async fn wait_container_exit(&self, id: &str, removed: bool) -> Result<i64> {
        either!(self, rt => rt.wait_container_exit(id, removed))
    }
    async fn inspect_exec(&self, id: &str) -> Result<ExecState> {
        either!(self, rt => rt.inspect_exec(id))
    }
    async fn top(&self, id: &str, ps_args: &str) -> Result<Processes> {
        either!(self, rt => rt.top(id, ps_args))
    }
    async fn stat_path(&self, id: &str, path: &str) -> Result<Option<PathStat>> {
        either!(self, rt => rt.stat_path(id, path))
    }
    fn get_archive(&self, id: &str, path: &str) -> BoxStream<Result<Vec<u8>>> {
        match self {
            Connection::Live(rt) => rt.get_archive(id, path),
            Connection::DryRun(rt) => rt.get_archive(id, path),
        }
    }
    async fn registry_digest(&self, image: &str) -> Result<String> {
        either!(self, rt => rt.registry_digest(image))
    }
    async fn inspect_image_json(&self, name: &str) -> Result<Option<serde_json::Value>> {
        either!(self, rt => rt.inspect_image_json(name))
    }
    fn stats(&self, id: &str, stream: bool) -> BoxStream<Result<serde_json::Value>> {
        match self {
            Connection::Live(rt) => rt.stats(id, stream),
            Connection::DryRun(rt) => rt.stats(id, stream),
        }
    }
    fn events(&self, filter: &EventFilter) -> BoxStream<Result<EngineEvent>> {
        match self {
            Connection::Live(rt) => rt.events(filter),
            Connection::DryRun(rt) => rt.events(filter),
        }
    }
    fn export_container(&self, id: &str) -> BoxStream<Result<Vec<u8>>> {
        match self {
            Connection::Live(rt) => rt.export_container(id),
            Connection::DryRun(rt) => rt.export_container(id),
        }
    }
    async fn list_images(&self, label_filters: &[String]) -> Result<Vec<ImageSummary>> {
        either!(self, rt => rt.list_images(label_filters))
    }
}

impl<R: Runtime> Runtime for Connection<R> {
    fn is_dry_run(&self) -> bool {
        matches!(self, Connection::DryRun(_))
    }
    async fn commit_container(&self, id: &str, options: &CommitOptions) -> Result<String> {
        either!(self, rt => rt.commit_container(id, options))
    }
    async fn create_network(&self, body: &serde_json::Value) -> Result<String> {
        either!(self, rt => rt.create_network(body))
    }
    async fn remove_network(&self, name: &str) -> Result<()> {
        either!(self, rt => rt.remove_network(name))
    }
    async fn create_volume(&self, body: &serde_json::Value) -> Result<()> {
        either!(self, rt => rt.create_volume(body))
    }
    async fn remove_volume(&self, name: &str) -> Result<()> {
        either!(self, rt => rt.remove_volume(name))
    }
    async fn create_container(&self, spec: &ContainerSpec) -> Result<String> {
        either!(self, rt => rt.create_container(spec))
    }
    async fn start_container(&self, id: &str) -> Result<()> {
        either!(self, rt => rt.start_container(id))
    }
    async fn stop_container(&self, id: &str, timeout: Option<i64>) -> Result<()> {
        either!(self, rt => rt.stop_container(id, timeout))
    }
    async fn restart_container(&self, id: &str, timeout: Option<i64>) -> Result<()> {
        either!(self, rt => rt.restart_container(id, timeout))
    }
    async fn kill_container(&self, id: &str, signal: &str) -> Result<()> {
        either!(self, rt => rt.kill_container(id, signal))
    }
    async fn pause_container(&self, id: &str) -> Result<()> {
        either!(self, rt => rt.pause_container(id))
    }
    async fn unpause_container(&self, id: &str) -> Result<()> {
        either!(self, rt => rt.unpause_container(id))
    }
    async fn remove_container(&self, id: &str, force: bool, volumes: bool) -> Result<()> {
        either!(self, rt => rt.remove_container(id, force, volumes))
    }
    async fn rename_container(&self, id: &str, name: &str) -> Result<()> {
        either!(self, rt => rt.rename_container(id, name))
    }
    async fn remove_image(&self, name: &str) -> Result<()> {
        either!(self, rt => rt.remove_image(name))
    }
    async fn copy_to_container(&self, id: &str, path: &str, tar: Vec<u8>) -> Result<()> {
        either!(self, rt => rt.copy_to_container(id, path, tar))
    }
    async fn build_image(
        &self,
        options: &BuildOptions,
        context: Vec<u8>,
        progress: BuildProgress<'_>,
    ) -> std::result::Result<BuildOutcome, BuildError> {
        either!(self, rt => rt.build_image(options, context, progress))
    }
    async fn pull_image(&self, image: &str, progress: LayerProgress<'_>) -> Result<()> {
        either!(self, rt => rt.pull_image(image, progress))
    }
    async fn push_image(&self, image: &str, progress: LayerProgress<'_>) -> Result<()> {
        either!(self, rt => rt.push_image(image, progress))
    }
    async fn tag_image(&self, source: &str, target: &str) -> Result<()> {
        either!(self, rt => rt.tag_image(source, target))
    }
    async fn push_artifact(&self, artifact: &crate::oci::Artifact) -> Result<String> {
        either!(self, rt => rt.push_artifact(artifact))
    }
    async fn create_exec(&self, container: &str, spec: &ExecSpec) -> Result<String> {
        either!(self, rt => rt.create_exec(container, spec))
    }
    async fn start_exec(&self, id: &str, tty: bool) -> Result<Attached> {
        either!(self, rt => rt.start_exec(id, tty))
    }
    async fn start_exec_detached(&self, id: &str) -> Result<()> {
        either!(self, rt => rt.start_exec_detached(id))
    }
    async fn resize_exec(&self, id: &str, rows: u16, cols: u16) -> Result<()> {
        either!(self, rt => rt.resize_exec(id, rows, cols))
    }
    async fn attach_container(&self, id: &str, options: &AttachOptions) -> Result<Attached> {
        either!(self, rt => rt.attach_container(id, options))
    }
    async fn resize_container(&self, id: &str, rows: u16, cols: u16) -> Result<()> {
        either!(self, rt => rt.resize_container(id, rows, cols))
    }
    async fn put_archive(
        &self,
        id: &str,
        path: &str,
        tar: ByteStream,
        options: ExtractOptions,
    ) -> Result<()> {
        either!(self, rt => rt.put_archive(id, path, tar, options))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::fake::Fake;

    fn block<F: std::future::Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(f)
    }

    #[test]
    fn writes_are_recorded_not_sent_and_later_reads_see_them() {
        let fake = Fake::new();
        fake.add_image("busybox:latest");
        let conn = Connection::new(fake, true);
        assert!(conn.is_dry_run());
        block(async {
            let spec = ContainerSpec {
                name: "demo-web-1".into(),
                body: serde_json::json!({"Image": "busybox", "Labels": {"a": "b"}}),
                extra_networks: vec![],
            };
            let id = conn.create_container(&spec).await.unwrap();
            conn.start_container(&id).await.unwrap();
            let d = conn.inspect_container(&id).await.unwrap();
            assert_eq!(d.state, ContainerState::Running);
            assert_eq!(d.health, Health::Healthy);
            assert_eq!(d.labels["a"], "b");
            assert!(conn.inspect_image("app:1").await.unwrap().is_none());
            conn.pull_image("app:1", &|_, _| {}).await.unwrap();
            assert_eq!(
                conn.inspect_image("app:1").await.unwrap().unwrap().id,
                DRY_RUN_ID
            );
            // Real objects are still read from the engine.
            assert!(conn
                .inspect_image("busybox:latest")
                .await
                .unwrap()
                .is_some());
            assert!(matches!(
                conn.inspect_container("nope").await,
                Err(RuntimeError::NotFound(_))
            ));
        });
        assert_eq!(
            conn.recorded(),
            [
                "create container demo-web-1",
                "start container demo-web-1",
                "pull image app:1"
            ]
        );
        let Connection::DryRun(d) = &conn else {
            unreachable!()
        };
        // Nothing reached the engine.
        assert!(d.inner().0.calls().is_empty());
    }

    #[test]
    fn archives_are_asked_for_but_not_read() {
        let fake = Fake::new();
        fake.add_image("busybox");
        let conn = Connection::new(fake, true);
        block(async {
            // The engine's refusal comes through (the fake has no files) ...
            let items: Vec<_> = conn.get_archive("nope", "/x").collect().await;
            assert!(matches!(&items[..], [Err(RuntimeError::NotFound(_))]));
            // ... and a container of this run has an empty archive.
            let spec = ContainerSpec {
                name: "demo-web-1".into(),
                body: serde_json::json!({"Image": "busybox"}),
                extra_networks: vec![],
            };
            let id = conn.create_container(&spec).await.unwrap();
            assert!(conn
                .get_archive(&id, "/x")
                .collect::<Vec<_>>()
                .await
                .is_empty());
        });
    }
}
