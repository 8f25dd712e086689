//! The executor: runs a [`Plan`] through a [`Runtime`], as concurrently as the
//! plan's dependencies allow (bounded by `parallel`), and reports progress as
//! [`Event`]s for the CLI to render.
//!
//! What the plan cannot know in advance is supplied at run time by a
//! [`Specs`] implementation: the create bodies, which depend on container ids
//! of other services (`network_mode: service:db`) that exist only once those
//! are created. On the first failure no new operation starts, the running
//! ones finish, and the error names the operation and its service: the engine
//! is left in a state the next `up` converges from.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::stream::{FuturesUnordered, StreamExt};

use crate::plan::{Action, Op, Plan};

mod rolling;
use crate::runtime::{ContainerSpec, ContainerState, Health, Runtime, RuntimeError};

/// A container the executor knows by name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Known {
    /// Service.
    pub service: String,
    /// Replica number.
    pub number: u32,
    /// Engine id.
    pub id: String,
    /// Its mounts as observed (empty for containers this run created): a
    /// replacement takes over its anonymous volumes.
    pub mounts: Vec<crate::runtime::MountPoint>,
}

/// Containers by name: those observed before the plan, plus those it creates.
pub type KnownContainers = BTreeMap<String, Known>;

/// Run-time inputs of the executor.
pub trait Specs: Send + Sync {
    /// The create request of replica `number` of `service`, named `name`.
    /// `known` gives the ids of existing containers (for `service:x` references).
    fn container(
        &self,
        service: &str,
        number: u32,
        name: &str,
        replaces: Option<&str>,
        known: &KnownContainers,
    ) -> Result<ContainerSpec, String>;
    /// The create body of the network with this key.
    fn network(&self, key: &str) -> serde_json::Value;
    /// The create body of the volume with this key.
    fn volume(&self, key: &str) -> serde_json::Value;
    /// Seconds to wait for a service's containers to stop before killing them.
    fn stop_timeout(&self, service: &str) -> Option<i64>;
    /// Files to copy into a new container of `service` before it starts
    /// (secrets and configs given by environment variable or inline content).
    fn files(&self, service: &str) -> Result<Vec<FileInjection>, String> {
        let _ = service;
        Ok(Vec::new())
    }
}

/// A file copied into a container after create (compose's `injectSecrets`/`injectConfigs`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileInjection {
    /// Absolute path in the container.
    pub target: String,
    /// Content.
    pub content: Vec<u8>,
    /// Permission bits.
    pub mode: u32,
    /// Owner.
    pub uid: u64,
    /// Group.
    pub gid: u64,
}

/// The tar archive of `files`, extracted at `/` (paths relative, parents implied).
pub fn files_tar(files: &[FileInjection]) -> Vec<u8> {
    let mut builder = tar::Builder::new(Vec::new());
    // compose stamps the files with the time of the copy.
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    for f in files {
        let mut header = tar::Header::new_gnu();
        header.set_size(f.content.len() as u64);
        header.set_mode(f.mode);
        header.set_uid(f.uid);
        header.set_gid(f.gid);
        header.set_mtime(now);
        header.set_entry_type(tar::EntryType::Regular);
        let path = f.target.trim_start_matches('/');
        if builder
            .append_data(&mut header, path, f.content.as_slice())
            .is_err()
        {
            continue;
        }
    }
    builder.into_inner().unwrap_or_default()
}

pub use crate::progress::{Event, Sink, Status};

/// Executor options.
#[derive(Clone)]
pub struct ApplyOptions {
    /// Maximum operations in flight (0: unbounded).
    pub parallel: usize,
    /// Remove anonymous volumes with containers (`down -v`).
    pub remove_volumes: bool,
    /// Override of every service's stop timeout (`-t`).
    pub timeout: Option<i64>,
    /// Progress events.
    pub sink: Sink,
    /// How often waits poll the engine.
    pub poll: Duration,
    /// Set to `true` to cancel (Ctrl-C): no new operation starts, waits are
    /// dropped, operations already changing the engine finish.
    pub cancel: Option<tokio::sync::watch::Receiver<bool>>,
}

impl Default for ApplyOptions {
    fn default() -> Self {
        ApplyOptions {
            parallel: 0,
            remove_volumes: false,
            timeout: None,
            sink: Arc::new(|_| {}),
            poll: Duration::from_millis(100),
            cancel: None,
        }
    }
}

/// Why applying a plan failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ApplyError {
    /// The failed operation's resource (`container demo-web-1`).
    pub resource: String,
    /// Its service, if any.
    pub service: Option<String>,
    /// What went wrong and what to do.
    pub message: String,
    /// The runtime error behind it, if any.
    pub cause: Option<RuntimeError>,
}

struct Exec<'a, R: Runtime, S: Specs> {
    rt: &'a R,
    specs: &'a S,
    opts: &'a ApplyOptions,
    known: Mutex<KnownContainers>,
}

fn kind_word(resource: &str) -> String {
    let (kind, rest) = resource.split_once(' ').unwrap_or((resource, ""));
    let mut k = kind.to_string();
    if let Some(f) = k.get_mut(0..1) {
        f.make_ascii_uppercase();
    }
    format!("{k} {rest}")
}

impl<R: Runtime, S: Specs> Exec<'_, R, S> {
    fn emit(&self, resource: &str, status: Status, text: impl Into<String>) {
        (self.opts.sink)(Event::new(resource, status, text));
    }

    fn id_of(&self, name: &str) -> String {
        self.known
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(name)
            .map(|k| k.id.clone())
            .unwrap_or_else(|| name.to_string())
    }

    fn ids_of_service(&self, service: &str) -> Vec<(String, String)> {
        self.known
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .filter(|(_, k)| k.service == service)
            .map(|(n, k)| (n.clone(), k.id.clone()))
            .collect()
    }

    fn timeout(&self, service: &str) -> Option<i64> {
        self.opts
            .timeout
            .or_else(|| self.specs.stop_timeout(service))
    }

    async fn run(&self, op: &Op) -> Result<(), ApplyError> {
        match &op.action {
            Action::UpdateService { service, rollout } => {
                self.update_service(service, rollout).await
            }
            _ => self.run_step(op).await,
        }
    }

    /// One operation other than a rolling update.
    async fn run_step(&self, op: &Op) -> Result<(), ApplyError> {
        let resource = op.action.resource();
        let shown = kind_word(&resource);
        let fail = |e: RuntimeError, what: &str| ApplyError {
            resource: resource.clone(),
            service: op.action.service().map(str::to_string),
            message: format!("{what} {resource}: {e}"),
            cause: Some(e),
        };
        match &op.action {
            Action::CreateNetwork { key, name } => {
                self.emit(&shown, Status::Working, "Creating");
                match self.rt.create_network(&self.specs.network(key)).await {
                    Ok(_) | Err(RuntimeError::Conflict(_)) => {}
                    Err(e) => return Err(fail(e, &format!("failed to create network {name}:"))),
                }
                self.emit(&shown, Status::Done, "Created");
            }
            Action::CreateVolume { key, .. } => {
                self.emit(&shown, Status::Working, "Creating");
                self.rt
                    .create_volume(&self.specs.volume(key))
                    .await
                    .map_err(|e| fail(e, "cannot create"))?;
                self.emit(&shown, Status::Done, "Created");
            }
            Action::CreateContainer {
                service,
                number,
                name,
                replaces,
            } => {
                let (label, working, done) = match replaces {
                    Some(old) => (format!("Container {old}"), "Recreate", "Recreated"),
                    None => (shown.clone(), "Creating", "Created"),
                };
                self.emit(&label, Status::Working, working);
                let spec = {
                    let known = self.known.lock().unwrap_or_else(|e| e.into_inner()).clone();
                    self.specs
                        .container(service, *number, name, replaces.as_deref(), &known)
                        .map_err(|message| ApplyError {
                            resource: resource.clone(),
                            service: Some(service.clone()),
                            message,
                            cause: None,
                        })?
                };
                let mut created = self.rt.create_container(&spec).await;
                if let Err(RuntimeError::Conflict(_)) = &created {
                    // The name may belong to a container of this very replica that
                    // an interrupted run created after we observed: replace it.
                    if let Ok(other) = self.rt.inspect_container(name).await {
                        let want = |k: &str| spec.body["Labels"][k].as_str().unwrap_or_default();
                        let same_replica = [
                            crate::labels::PROJECT,
                            crate::labels::SERVICE,
                            crate::labels::CONTAINER_NUMBER,
                        ]
                        .iter()
                        .all(|k| other.labels.get(*k).map(String::as_str) == Some(want(k)));
                        if same_replica {
                            let _ = self.rt.remove_container(&other.id, true, false).await;
                            created = self.rt.create_container(&spec).await;
                        }
                    }
                }
                let id = created.map_err(|e| {
                    let hint = match &e {
                        RuntimeError::Conflict(_) => format!(
                            "; a container named {name} that this project did not create exists: remove or rename it (`docker rm -f {name}`)"
                        ),
                        RuntimeError::NotFound(m) if m.contains("image") => {
                            "; build or pull the image first".to_string()
                        }
                        _ => String::new(),
                    };
                    ApplyError {
                        resource: resource.clone(),
                        service: Some(service.clone()),
                        message: format!("service {service}: cannot create container {name}: {e}{hint}"),
                        cause: Some(e),
                    }
                })?;
                let files = self.specs.files(service).map_err(|message| ApplyError {
                    resource: resource.clone(),
                    service: Some(service.clone()),
                    message,
                    cause: None,
                })?;
                if !files.is_empty() {
                    self.rt
                        .copy_to_container(&id, "/", files_tar(&files))
                        .await
                        .map_err(|e| fail(e, "cannot copy secrets and configs into"))?;
                }
                self.known.lock().unwrap_or_else(|e| e.into_inner()).insert(
                    name.clone(),
                    Known {
                        service: service.clone(),
                        number: *number,
                        id,
                        mounts: Vec::new(),
                    },
                );
                self.emit(&label, Status::Done, done);
            }
            Action::StartContainer { service, name } => {
                self.emit(&shown, Status::Working, "Starting");
                let id = self.id_of(name);
                self.rt.start_container(&id).await.map_err(|e| {
                    let hint = if e.to_string().contains("address already in use")
                        || e.to_string().contains("port is already allocated")
                    {
                        "; a published port is taken by another process or container: free it or change `ports:`"
                    } else {
                        ""
                    };
                    ApplyError {
                        resource: resource.clone(),
                        service: Some(service.clone()),
                        message: format!("service {service}: cannot start container {name}: {e}{hint}"),
                        cause: Some(e),
                    }
                })?;
                self.emit(&shown, Status::Done, "Started");
            }
            Action::StopContainer { service, name } => {
                self.emit(&shown, Status::Working, "Stopping");
                let id = self.id_of(name);
                match self.rt.stop_container(&id, self.timeout(service)).await {
                    Ok(()) | Err(RuntimeError::NotFound(_)) => {}
                    Err(e) => return Err(fail(e, "cannot stop")),
                }
                self.emit(&shown, Status::Done, "Stopped");
            }
            Action::RemoveContainer { name, .. } => {
                self.emit(&shown, Status::Working, "Removing");
                let id = self.id_of(name);
                match self
                    .rt
                    .remove_container(&id, true, self.opts.remove_volumes)
                    .await
                {
                    Ok(()) | Err(RuntimeError::NotFound(_)) => {}
                    Err(e) => return Err(fail(e, "cannot remove")),
                }
                self.known
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .remove(name);
                self.emit(&shown, Status::Done, "Removed");
            }
            Action::RenameContainer { from, to, .. } => {
                let id = self.id_of(from);
                self.rt
                    .rename_container(&id, to)
                    .await
                    .map_err(|e| fail(e, "cannot rename"))?;
                let mut known = self.known.lock().unwrap_or_else(|e| e.into_inner());
                if let Some(k) = known.remove(from) {
                    known.insert(to.clone(), k);
                }
            }
            Action::WaitHealthy { service, required } => {
                self.wait(service, *required, WaitFor::Healthy).await?
            }
            Action::WaitCompleted { service, required } => {
                self.wait(service, *required, WaitFor::Completed).await?
            }
            Action::WaitReady { service } => self.wait(service, true, WaitFor::Ready).await?,
            // Handled by `run`: the update runs its steps through `run_step`.
            Action::UpdateService { .. } => {}
            Action::RemoveNetwork { name } => {
                self.emit(&shown, Status::Working, "Removing");
                match self.rt.remove_network(name).await {
                    Ok(()) | Err(RuntimeError::NotFound(_)) => {}
                    Err(e) => return Err(fail(e, "cannot remove")),
                }
                self.emit(&shown, Status::Done, "Removed");
            }
            Action::RemoveVolume { name } => {
                self.emit(&shown, Status::Working, "Removing");
                match self.rt.remove_volume(name).await {
                    Ok(()) | Err(RuntimeError::NotFound(_)) => {}
                    Err(e) => return Err(fail(e, "cannot remove")),
                }
                self.emit(&shown, Status::Done, "Removed");
            }
            Action::RemoveImage { name } => {
                self.emit(&shown, Status::Working, "Removing");
                match self.rt.remove_image(name).await {
                    Ok(()) | Err(RuntimeError::NotFound(_)) => {}
                    Err(e) => return Err(fail(e, "cannot remove")),
                }
                self.emit(&shown, Status::Done, "Removed");
            }
        }
        Ok(())
    }

    async fn wait(&self, service: &str, required: bool, what: WaitFor) -> Result<(), ApplyError> {
        for (name, id) in self.ids_of_service(service) {
            let shown = format!("Container {name}");
            self.emit(&shown, Status::Working, "Waiting");
            match self.wait_one(&name, &id, what).await {
                Ok(word) => self.emit(&shown, Status::Done, word),
                Err(message) if !required => {
                    self.emit(&shown, Status::Warning, message);
                }
                Err(message) => {
                    self.emit(&shown, Status::Error, "Error");
                    return Err(ApplyError {
                        resource: format!("service {service}"),
                        service: Some(service.to_string()),
                        message,
                        cause: None,
                    });
                }
            }
        }
        Ok(())
    }

    async fn wait_one(&self, name: &str, id: &str, what: WaitFor) -> Result<&'static str, String> {
        if what == WaitFor::Completed {
            let code = self
                .rt
                .wait_container(id)
                .await
                .map_err(|e| e.to_string())?;
            if code != 0 {
                return Err(format!(
                    "service {:?} didn't complete successfully: exit {code}",
                    self.known
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .get(name)
                        .map(|k| k.service.clone())
                        .unwrap_or_default()
                ));
            }
            return Ok("Exited");
        }
        let mut delay = self.opts.poll;
        loop {
            let d = self
                .rt
                .inspect_container(id)
                .await
                .map_err(|e| e.to_string())?;
            match (d.state, d.health) {
                (ContainerState::Exited | ContainerState::Dead, _) => {
                    return Err(format!(
                        "dependency failed to start: container {name} exited ({})",
                        d.exit_code
                    ))
                }
                (_, Health::Healthy) => return Ok("Healthy"),
                (_, Health::Unhealthy) => {
                    return Err(format!(
                        "dependency failed to start: container {name} is unhealthy"
                    ))
                }
                (ContainerState::Running, Health::None) => {
                    if what == WaitFor::Healthy {
                        return Err(format!(
                            "container {name} has no healthcheck configured: remove `condition: service_healthy` or add a healthcheck"
                        ));
                    }
                    // compose's --wait says Healthy for a running container without a check
                    return Ok("Healthy");
                }
                _ => {}
            }
            tokio::time::sleep(delay).await;
            delay = (delay * 3 / 2).min(Duration::from_millis(500));
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum WaitFor {
    Healthy,
    Completed,
    Ready,
}

/// Executes `plan`. `known` holds the containers observed before planning
/// (name → service, number, id). Returns the containers known at the end.
pub async fn apply<R: Runtime, S: Specs>(
    rt: &R,
    specs: &S,
    plan: &Plan,
    known: KnownContainers,
    opts: &ApplyOptions,
) -> Result<KnownContainers, ApplyError> {
    let exec = Exec {
        rt,
        specs,
        opts,
        known: Mutex::new(known),
    };
    let n = plan.ops.len();
    let mut waiting: Vec<usize> = plan.ops.iter().map(|op| op.after.len()).collect();
    let mut dependents: Vec<Vec<usize>> = vec![Vec::new(); n];
    for op in &plan.ops {
        for &a in &op.after {
            dependents[a].push(op.id);
        }
    }
    let mut ready: std::collections::VecDeque<usize> =
        (0..n).filter(|&i| waiting[i] == 0).collect();
    let limit = crate::images::limit(opts.parallel);
    // Operations that change the engine run to completion even when the run
    // is cancelled (so nothing is left half-done behind hoist's back); waits
    // are only observation and are dropped at once.
    let task = |i: usize| {
        let exec = &exec;
        let op = &plan.ops[i];
        async move { (i, exec.run(op).await) }
    };
    let mut changes = FuturesUnordered::new();
    let mut waits = FuturesUnordered::new();
    let mut first_error: Option<ApplyError> = None;
    let mut cancel = opts.cancel.clone();
    loop {
        while first_error.is_none() && changes.len() + waits.len() < limit {
            let Some(i) = ready.pop_front() else { break };
            if plan.ops[i].action.is_wait() {
                waits.push(task(i));
            } else {
                changes.push(task(i));
            }
        }
        if changes.is_empty() && waits.is_empty() {
            break;
        }
        let cancelled = async {
            match cancel.as_mut() {
                Some(rx) if first_error.is_none() => {
                    let _ = rx.wait_for(|c| *c).await;
                }
                _ => std::future::pending::<()>().await,
            }
        };
        let (i, result) = tokio::select! {
            // Deterministic order (golden tests record the engine calls).
            biased;
            Some(done) = changes.next(), if !changes.is_empty() => done,
            Some(done) = waits.next(), if !waits.is_empty() => done,
            () = cancelled => {
                waits.clear();
                first_error = Some(ApplyError {
                    resource: String::new(),
                    service: None,
                    message: "interrupted: stopped before completion; run `hoist up` again to converge".into(),
                    cause: None,
                });
                continue;
            }
        };
        match result {
            Ok(()) => {
                for &d in &dependents[i] {
                    waiting[d] -= 1;
                    if waiting[d] == 0 {
                        ready.push_back(d);
                    }
                }
            }
            Err(e) => {
                if first_error.is_none() {
                    first_error = Some(e);
                }
            }
        }
    }
    drop(changes);
    drop(waits);
    match first_error {
        Some(e) => Err(e),
        None => Ok(exec.known.into_inner().unwrap_or_else(|e| e.into_inner())),
    }
}
