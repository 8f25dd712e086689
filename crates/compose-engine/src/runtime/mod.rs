//! The engine's only door to a container runtime.
//!
//! Everything above this module (reconcile, the executor, the CLI) speaks in
//! the small engine-neutral types defined here; request bodies travel as the
//! Docker Engine API's own JSON (`serde_json::Value`) so that the mapping from
//! the compose model to the API is a pure function that tests can compare with
//! what `docker compose` sends, and so that bollard stays inside
//! [`docker`] (**architecture invariant**: no other module names bollard).
//!
//! The capabilities are split in two traits on purpose: [`Observe`] can only
//! read, [`Runtime`] can also write. `hoist plan` is handed an observer, so it
//! cannot change anything by construction.

pub mod auth;
pub mod docker;
pub mod dockerconfig;
pub mod dryrun;
pub mod endpoint;
pub mod swarm;
// The in-memory engine of the tests: for this crate's unit tests and with the
// `fake` feature (enabled only by dev-dependencies), never in the shipped binary.
#[cfg(any(test, feature = "fake"))]
pub mod fake;
mod session;
mod transport;

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;

use futures_util::Stream;
use serde::Serialize;

/// Labels of a container, network, volume or image.
pub type Labels = BTreeMap<String, String>;

/// A boxed stream, as returned by [`Observe::logs`].
pub type BoxStream<T> = Pin<Box<dyn Stream<Item = T> + Send + 'static>>;

/// What can go wrong talking to the runtime.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RuntimeError {
    /// The engine could not be reached at all (socket missing, refused, ...).
    #[error("cannot reach the Docker engine: {0}")]
    Unreachable(String),
    /// The object does not exist (HTTP 404).
    #[error("{0}")]
    NotFound(String),
    /// The request conflicts with the engine's state (HTTP 409: name in use, ...).
    #[error("{0}")]
    Conflict(String),
    /// Anything else the engine answered, with its message.
    #[error("{0}")]
    Other(String),
}

/// Shorthand for runtime results.
pub type Result<T, E = RuntimeError> = std::result::Result<T, E>;

/// The engine's identity, from `GET /version`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EngineVersion {
    /// Server version, e.g. `20.10.24`.
    pub version: String,
    /// API version as (major, minor), e.g. (1, 41).
    pub api: (u32, u32),
}

/// A container's state as the engine reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ContainerState {
    /// Created, never started.
    Created,
    /// Running.
    Running,
    /// Paused.
    Paused,
    /// Restarting under its restart policy.
    Restarting,
    /// Being removed.
    Removing,
    /// Exited.
    Exited,
    /// Dead.
    Dead,
}

impl ContainerState {
    /// Parses the engine's state word (`running`, `exited`, ...); unknown words are `Dead`.
    pub fn parse(s: &str) -> ContainerState {
        match s {
            "created" => ContainerState::Created,
            "running" => ContainerState::Running,
            "paused" => ContainerState::Paused,
            "restarting" => ContainerState::Restarting,
            "removing" => ContainerState::Removing,
            "exited" => ContainerState::Exited,
            _ => ContainerState::Dead,
        }
    }

    /// The engine's word for the state.
    pub fn as_str(self) -> &'static str {
        match self {
            ContainerState::Created => "created",
            ContainerState::Running => "running",
            ContainerState::Paused => "paused",
            ContainerState::Restarting => "restarting",
            ContainerState::Removing => "removing",
            ContainerState::Exited => "exited",
            ContainerState::Dead => "dead",
        }
    }
}

/// A container's health, when it has a healthcheck.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Health {
    /// No healthcheck.
    #[default]
    None,
    /// Checks have not passed yet.
    Starting,
    /// Healthy.
    Healthy,
    /// Unhealthy.
    Unhealthy,
}

/// A mount as listed on a container.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MountPoint {
    /// `volume`, `bind`, `tmpfs`, ...
    pub kind: String,
    /// Volume name (empty for binds).
    pub name: String,
    /// Host source path.
    pub source: String,
    /// Path in the container.
    pub destination: String,
    /// Mounted read-write.
    pub rw: bool,
}

/// A published port as listed on a container.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct PortBinding {
    /// Host IP (empty when not published).
    pub ip: String,
    /// Container port.
    pub private_port: u16,
    /// Host port (0 when not published).
    pub public_port: u16,
    /// `tcp`, `udp`, `sctp`.
    pub protocol: String,
}

/// A container as the list call returns it (one call for the whole project).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Container {
    /// Full id.
    pub id: String,
    /// Name without the leading `/`.
    pub name: String,
    /// Image as configured.
    pub image: String,
    /// Image id (`sha256:...`).
    pub image_id: String,
    /// Command line, as the engine shows it.
    pub command: String,
    /// Creation time, seconds since the epoch.
    pub created: i64,
    /// State.
    pub state: ContainerState,
    /// Human status (`Up 3 seconds (healthy)`, `Exited (0) 2 minutes ago`).
    pub status: String,
    /// Labels.
    pub labels: Labels,
    /// Networks it is connected to: network name → network id.
    pub networks: BTreeMap<String, String>,
    /// Mounts.
    pub mounts: Vec<MountPoint>,
    /// Ports.
    pub ports: Vec<PortBinding>,
}

impl Container {
    /// The value of a label, or `""`.
    pub fn label(&self, key: &str) -> &str {
        self.labels.get(key).map(String::as_str).unwrap_or("")
    }

    /// Health as shown in the status text (`(healthy)`, `(unhealthy)`, `(health: starting)`).
    pub fn health(&self) -> Health {
        if self.status.contains("(unhealthy)") {
            Health::Unhealthy
        } else if self.status.contains("(healthy)") {
            Health::Healthy
        } else if self.status.contains("(health: starting)") {
            Health::Starting
        } else {
            Health::None
        }
    }

    /// The exit code shown in the status text of an exited container.
    pub fn exit_code(&self) -> Option<i64> {
        let rest = self.status.strip_prefix("Exited (")?;
        rest.split(')').next()?.parse().ok()
    }
}

/// What inspecting one container tells beyond the list call.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ContainerDetails {
    /// Full id.
    pub id: String,
    /// Name without the leading `/`.
    pub name: String,
    /// State.
    pub state: ContainerState,
    /// Health.
    pub health: Health,
    /// Exit code (meaningful once exited).
    pub exit_code: i64,
    /// How many times the engine restarted it.
    pub restart_count: i64,
    /// Whether it runs with a TTY (logs are then not multiplexed).
    pub tty: bool,
    /// Labels.
    pub labels: Labels,
}

/// A network.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Network {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Driver.
    pub driver: String,
    /// Labels.
    pub labels: Labels,
}

/// A volume.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Volume {
    /// Name.
    pub name: String,
    /// Driver.
    pub driver: String,
    /// Labels.
    pub labels: Labels,
    /// Where the engine keeps it on the host (`/var/lib/docker/volumes/x/_data`).
    pub mountpoint: String,
    /// `local` or `global`.
    pub scope: String,
}

/// An image present locally.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Image {
    /// Id (`sha256:...`).
    pub id: String,
    /// `repo:tag` names.
    pub tags: Vec<String>,
    /// When a tag was last put on it (Unix seconds), for `pull_policy: daily`/`every_<d>`.
    pub last_tag_time: Option<i64>,
    /// When it was created (Unix seconds), for `watch`'s initial sync.
    pub created: Option<i64>,
    /// Labels.
    pub labels: Labels,
    /// Paths the image declares as volumes (`VOLUME`), sorted: the engine
    /// gives each an anonymous volume unless the container mounts something there.
    pub volumes: Vec<String>,
}

/// An image as the engine lists it (`GET /images/json`), with the fields
/// the docker CLI's `image.Summary` has, in its order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ImageSummary {
    /// Containers using it (`-1`: not computed).
    pub containers: i64,
    /// Creation time (Unix seconds).
    pub created: i64,
    /// Id (`sha256:...`).
    pub id: String,
    /// Labels.
    pub labels: Labels,
    /// The parent image's id (empty when none).
    pub parent_id: String,
    /// `repo@digest` names (none: the engine's `null`).
    pub repo_digests: Vec<String>,
    /// `repo:tag` names (none: the engine's `null`).
    pub repo_tags: Vec<String>,
    /// Size shared with other images (`-1`: not computed).
    pub shared_size: i64,
    /// Size in bytes.
    pub size: i64,
}

/// Everything needed to create one container.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ContainerSpec {
    /// Container name.
    pub name: String,
    /// The Engine API create body (`Config` fields, `HostConfig`, `NetworkingConfig`).
    pub body: serde_json::Value,
    /// Networks to connect after create and before start (engines below API 1.44
    /// take only one network at create): network name → `EndpointSettings` JSON.
    pub extra_networks: Vec<(String, serde_json::Value)>,
}

/// Options of a log stream.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LogOptions {
    /// Keep streaming.
    pub follow: bool,
    /// Number of lines from the end (`all` when `None`).
    pub tail: Option<String>,
    /// Prefix each line with its timestamp.
    pub timestamps: bool,
    /// Only lines since this time (RFC 3339, Unix seconds or a relative duration).
    pub since: Option<String>,
    /// Only lines before this time.
    pub until: Option<String>,
}

/// One chunk of a container's output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LogChunk {
    /// From stdout (or a TTY).
    Stdout(Vec<u8>),
    /// From stderr.
    Stderr(Vec<u8>),
}

/// A process's standard streams once attached (an exec, or a container's
/// main process): what it writes, and a writer to its stdin (shut it down
/// to send end-of-file).
pub struct Attached {
    /// Its output: stdout and stderr, or the raw terminal with a TTY.
    pub output: BoxStream<Result<LogChunk>>,
    /// Its stdin.
    pub input: Pin<Box<dyn tokio::io::AsyncWrite + Send>>,
}

impl std::fmt::Debug for Attached {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Attached")
    }
}

/// A command to run in a running container (`exec`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ExecSpec {
    /// The command and its arguments.
    pub cmd: Vec<String>,
    /// `KEY=VALUE` variables added to the container's.
    pub env: Vec<String>,
    /// User (`name`, `uid`, `uid:gid`); empty: the container's.
    pub user: String,
    /// Working directory; empty: the container's.
    pub working_dir: String,
    /// Extended privileges.
    pub privileged: bool,
    /// Allocate a pseudo-TTY.
    pub tty: bool,
    /// Attach stdin.
    pub stdin: bool,
    /// Keys that detach (`ctrl-p,ctrl-q`); empty: the engine's default.
    pub detach_keys: String,
}

/// An exec's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ExecState {
    /// Still running.
    pub running: bool,
    /// Exit code, once it has exited.
    pub exit_code: Option<i64>,
}

/// How to attach to a container's main process.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct AttachOptions {
    /// Forward stdin.
    pub stdin: bool,
    /// Replay what it already wrote first.
    pub logs: bool,
    /// Keys that detach (`ctrl-p,ctrl-q`); empty: the engine's default.
    pub detach_keys: String,
}

/// A container's processes (`docker top`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Processes {
    /// Column titles (`UID`, `PID`, ...).
    pub titles: Vec<String>,
    /// One row per process.
    pub rows: Vec<Vec<String>>,
}

/// A path in a container (`HEAD /containers/{id}/archive`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PathStat {
    /// Base name.
    pub name: String,
    /// Size in bytes.
    pub size: i64,
    /// Go `os.FileMode` bits (directory: bit 31, symlink: bit 27).
    pub mode: u32,
    /// Modification time, RFC 3339.
    pub mtime: String,
    /// The target when it is a symbolic link.
    pub link_target: String,
}

impl PathStat {
    /// Whether it is a directory (Go's `os.ModeDir`).
    pub fn is_dir(&self) -> bool {
        self.mode & (1 << 31) != 0
    }
    /// Whether it is a symbolic link (Go's `os.ModeSymlink`).
    pub fn is_symlink(&self) -> bool {
        self.mode & (1 << 27) != 0
    }
}

/// How an archive is extracted into a container (`PUT /containers/{id}/archive`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ExtractOptions {
    /// Fail instead of replacing a directory by a non-directory or the reverse.
    pub no_overwrite_dir_non_dir: bool,
    /// Keep the archive's owners (`cp -a`).
    pub copy_uid_gid: bool,
}

/// A stream of bytes (an archive, in chunks).
pub type ByteStream = BoxStream<std::io::Result<Vec<u8>>>;

/// One event of the engine's event stream (`GET /events`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EngineEvent {
    /// `container`, `network`, `volume`, `image`, ...
    pub kind: String,
    /// `create`, `start`, `die`, `health_status: healthy`, ...
    pub action: String,
    /// The object's id.
    pub id: String,
    /// The object's attributes (a container's labels, `name`, `image`, `exitCode`, ...).
    pub attributes: Labels,
    /// When it happened, nanoseconds since the epoch.
    pub time_nano: i64,
}

/// Which engine events to receive.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EventFilter {
    /// `key=value` (or bare `key`) label filters, all of which must match.
    pub labels: Vec<String>,
    /// Only events of these object types (`container`, ...); all when empty.
    pub kinds: Vec<String>,
    /// Events since this time (RFC 3339, Unix seconds or a relative duration);
    /// from now when `None`.
    pub since: Option<String>,
    /// Events until this time; the stream ends there (endless when `None`).
    pub until: Option<String>,
}

/// How a container is committed to an image (`POST /commit`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CommitOptions {
    /// `repo[:tag]` of the new image (untagged when empty).
    pub reference: String,
    /// Commit message.
    pub comment: String,
    /// Author.
    pub author: String,
    /// Dockerfile instructions applied to the image (`CMD ["x"]`, `ENV A=b`).
    pub changes: Vec<String>,
    /// Pause the container while committing.
    pub pause: bool,
}

/// Read-only access to the runtime.
pub trait Observe: Send + Sync {
    /// The engine's version.
    fn version(&self) -> impl Future<Output = Result<EngineVersion>> + Send;
    /// Containers matching every `key=value` (or bare `key`) label filter;
    /// stopped ones too when `all`.
    fn list_containers(
        &self,
        label_filters: &[String],
        all: bool,
    ) -> impl Future<Output = Result<Vec<Container>>> + Send;
    /// Networks matching the label filters.
    fn list_networks(
        &self,
        label_filters: &[String],
    ) -> impl Future<Output = Result<Vec<Network>>> + Send;
    /// Volumes matching the label filters.
    fn list_volumes(
        &self,
        label_filters: &[String],
    ) -> impl Future<Output = Result<Vec<Volume>>> + Send;
    /// One container in detail.
    fn inspect_container(&self, id: &str) -> impl Future<Output = Result<ContainerDetails>> + Send;
    /// One container's full `docker inspect` JSON (`Config`, `HostConfig`, ...),
    /// used to explain what changed.
    fn inspect_container_json(
        &self,
        id: &str,
    ) -> impl Future<Output = Result<serde_json::Value>> + Send;
    /// A network by name or id, `None` when absent.
    fn inspect_network(&self, name: &str) -> impl Future<Output = Result<Option<Network>>> + Send;
    /// A volume by name, `None` when absent.
    fn inspect_volume(&self, name: &str) -> impl Future<Output = Result<Option<Volume>>> + Send;
    /// A local image by name or id, `None` when absent.
    fn inspect_image(&self, name: &str) -> impl Future<Output = Result<Option<Image>>> + Send;
    /// A container's output.
    fn logs(&self, id: &str, options: &LogOptions) -> BoxStream<Result<LogChunk>>;
    /// Waits until the container is not running and returns its exit code.
    fn wait_container(&self, id: &str) -> impl Future<Output = Result<i64>> + Send;
    /// Waits for the container's next exit — or, for a container the engine
    /// removes when it exits (`--rm`), its removal — and returns its exit
    /// code; asked before the container starts, it misses nothing.
    fn wait_container_exit(
        &self,
        id: &str,
        removed: bool,
    ) -> impl Future<Output = Result<i64>> + Send;
    /// An exec's state.
    fn inspect_exec(&self, id: &str) -> impl Future<Output = Result<ExecState>> + Send;
    /// A running container's processes; `ps_args` as for `ps` (empty: the engine's default).
    fn top(&self, id: &str, ps_args: &str) -> impl Future<Output = Result<Processes>> + Send;
    /// What is at `path` in the container, `None` when nothing is.
    fn stat_path(
        &self,
        id: &str,
        path: &str,
    ) -> impl Future<Output = Result<Option<PathStat>>> + Send;
    /// `path` in the container as a tar archive, streamed.
    fn get_archive(&self, id: &str, path: &str) -> BoxStream<Result<Vec<u8>>>;
    /// The digest (`sha256:...`) the image's registry gives its tag, asked
    /// through the engine (`GET /distribution/{name}/json`) with the
    /// registry's credentials.
    fn registry_digest(&self, image: &str) -> impl Future<Output = Result<String>> + Send;
    /// A local image's full `docker image inspect` JSON (`Size`, `Created`,
    /// `Architecture`, `Metadata`, ...), `None` when absent.
    fn inspect_image_json(
        &self,
        name: &str,
    ) -> impl Future<Output = Result<Option<serde_json::Value>>> + Send;
    /// A container's resource usage as the engine's stats JSON: one sample
    /// (with `PreCPUStats` filled) unless `stream`, else one every second.
    fn stats(&self, id: &str, stream: bool) -> BoxStream<Result<serde_json::Value>>;
    /// The engine's events matching `filter`, as they happen (and the past ones
    /// since `filter.since`).
    fn events(&self, filter: &EventFilter) -> BoxStream<Result<EngineEvent>>;
    /// A container's whole filesystem as a tar archive, streamed (`docker export`).
    fn export_container(&self, id: &str) -> BoxStream<Result<Vec<u8>>>;
    /// Images matching every `key=value` (or bare `key`) label filter, in the
    /// engine's order.
    fn list_images(
        &self,
        label_filters: &[String],
    ) -> impl Future<Output = Result<Vec<ImageSummary>>> + Send;
}

/// Read and write access to the runtime.
pub trait Runtime: Observe {
    /// Creates a network from an Engine API `NetworkCreate` body (with `Name`); returns its id.
    fn create_network(
        &self,
        body: &serde_json::Value,
    ) -> impl Future<Output = Result<String>> + Send;
    /// Removes a network; waits for the engine to release endpoints of
    /// containers just removed instead of failing with "active endpoints".
    fn remove_network(&self, name: &str) -> impl Future<Output = Result<()>> + Send;
    /// Creates a volume from an Engine API `VolumeCreate` body (with `Name`).
    fn create_volume(&self, body: &serde_json::Value) -> impl Future<Output = Result<()>> + Send;
    /// Removes a volume.
    fn remove_volume(&self, name: &str) -> impl Future<Output = Result<()>> + Send;
    /// Creates a container and connects its extra networks; returns its id.
    fn create_container(&self, spec: &ContainerSpec)
        -> impl Future<Output = Result<String>> + Send;
    /// Starts a container.
    fn start_container(&self, id: &str) -> impl Future<Output = Result<()>> + Send;
    /// Stops a container, killing it after `timeout` seconds (engine default when `None`).
    fn stop_container(
        &self,
        id: &str,
        timeout: Option<i64>,
    ) -> impl Future<Output = Result<()>> + Send;
    /// Restarts a container.
    fn restart_container(
        &self,
        id: &str,
        timeout: Option<i64>,
    ) -> impl Future<Output = Result<()>> + Send;
    /// Sends a signal.
    fn kill_container(&self, id: &str, signal: &str) -> impl Future<Output = Result<()>> + Send;
    /// Pauses a container.
    fn pause_container(&self, id: &str) -> impl Future<Output = Result<()>> + Send;
    /// Unpauses a container.
    fn unpause_container(&self, id: &str) -> impl Future<Output = Result<()>> + Send;
    /// Removes a container (`force` kills a running one; `volumes` removes its anonymous volumes).
    fn remove_container(
        &self,
        id: &str,
        force: bool,
        volumes: bool,
    ) -> impl Future<Output = Result<()>> + Send;
    /// Renames a container.
    fn rename_container(&self, id: &str, name: &str) -> impl Future<Output = Result<()>> + Send;
    /// Removes an image.
    fn remove_image(&self, name: &str) -> impl Future<Output = Result<()>> + Send;
    /// Extracts a tar archive into a (created) container at `path`
    /// (compose injects secrets and configs from the environment or inline content this way).
    fn copy_to_container(
        &self,
        id: &str,
        path: &str,
        tar: Vec<u8>,
    ) -> impl Future<Output = Result<()>> + Send;
    /// Builds an image from a context tar, with the engine's BuildKit when
    /// `options.buildkit` is set, else with the classic builder; the builder's
    /// output lines (BuildKit: its vertex status stream, as `--progress=plain`
    /// prints it) go to `progress`.
    fn build_image(
        &self,
        options: &BuildOptions,
        context: Vec<u8>,
        progress: BuildProgress<'_>,
    ) -> impl Future<Output = std::result::Result<BuildOutcome, BuildError>> + Send;
    /// Pulls an image from its registry; per-layer progress goes to `progress`.
    fn pull_image(
        &self,
        image: &str,
        progress: LayerProgress<'_>,
    ) -> impl Future<Output = Result<()>> + Send;
    /// Pushes an image to its registry; per-layer progress goes to `progress`.
    fn push_image(
        &self,
        image: &str,
        progress: LayerProgress<'_>,
    ) -> impl Future<Output = Result<()>> + Send;
    /// Adds the name `target` (`repo[:tag]`) to the image `source`.
    fn tag_image(&self, source: &str, target: &str) -> impl Future<Output = Result<()>> + Send;
    /// Pushes an OCI artifact (`publish`: a project's compose files) to its
    /// registry, with the credentials pulls use; returns the manifest's digest.
    fn push_artifact(
        &self,
        artifact: &crate::oci::Artifact,
    ) -> impl Future<Output = Result<String>> + Send;
    /// Creates an exec instance in a running container; returns its id.
    fn create_exec(
        &self,
        container: &str,
        spec: &ExecSpec,
    ) -> impl Future<Output = Result<String>> + Send;
    /// Starts an exec and attaches to its streams.
    fn start_exec(&self, id: &str, tty: bool) -> impl Future<Output = Result<Attached>> + Send;
    /// Starts an exec in the background.
    fn start_exec_detached(&self, id: &str) -> impl Future<Output = Result<()>> + Send;
    /// Sets an exec's terminal size.
    fn resize_exec(
        &self,
        id: &str,
        rows: u16,
        cols: u16,
    ) -> impl Future<Output = Result<()>> + Send;
    /// Attaches to a container's main process (before or after it starts).
    fn attach_container(
        &self,
        id: &str,
        options: &AttachOptions,
    ) -> impl Future<Output = Result<Attached>> + Send;
    /// Sets a container's terminal size.
    fn resize_container(
        &self,
        id: &str,
        rows: u16,
        cols: u16,
    ) -> impl Future<Output = Result<()>> + Send;
    /// Extracts a tar archive, streamed, into the container's directory `path`.
    fn put_archive(
        &self,
        id: &str,
        path: &str,
        tar: ByteStream,
        options: ExtractOptions,
    ) -> impl Future<Output = Result<()>> + Send;
    /// Creates an image from a container's changes; returns the image id.
    fn commit_container(
        &self,
        id: &str,
        options: &CommitOptions,
    ) -> impl Future<Output = Result<String>> + Send;
    /// Whether this runtime is a dry run ([`dryrun::DryRun`]): writes are
    /// recorded, not sent. Library calls that also write local files next to
    /// the engine's work (`bridge`'s model and output directory) write none
    /// then, so the choice made where the runtime is built covers them too.
    fn is_dry_run(&self) -> bool {
        false
    }
}

/// A runtime reduced to reading: it implements [`Observe`] and not [`Runtime`],
/// so code holding one (`hoist plan`, `--dry-run`) cannot change anything.
#[derive(Debug)]
pub struct ReadOnly<O>(pub O);

impl<O: Observe> Observe for ReadOnly<O> {
    fn version(&self) -> impl Future<Output = Result<EngineVersion>> + Send {
        self.0.version()
    }
    fn list_containers(
        &self,
        label_filters: &[String],
        all: bool,
    ) -> impl Future<Output = Result<Vec<Container>>> + Send {
        self.0.list_containers(label_filters, all)
    }
    fn list_networks(
        &self,
        label_filters: &[String],
    ) -> impl Future<Output = Result<Vec<Network>>> + Send {
        self.0.list_networks(label_filters)
    }
    fn list_volumes(
        &self,
        label_filters: &[String],
    ) -> impl Future<Output = Result<Vec<Volume>>> + Send {
        self.0.list_volumes(label_filters)
    }
    fn inspect_container(&self, id: &str) -> impl Future<Output = Result<ContainerDetails>> + Send {
        self.0.inspect_container(id)
    }
    fn inspect_container_json(
        &self,
        id: &str,
    ) -> impl Future<Output = Result<serde_json::Value>> + Send {
        self.0.inspect_container_json(id)
    }
    fn inspect_network(&self, name: &str) -> impl Future<Output = Result<Option<Network>>> + Send {
        self.0.inspect_network(name)
    }
    fn inspect_volume(&self, name: &str) -> impl Future<Output = Result<Option<Volume>>> + Send {
        self.0.inspect_volume(name)
    }
    fn inspect_image(&self, name: &str) -> impl Future<Output = Result<Option<Image>>> + Send {
        self.0.inspect_image(name)
    }
    fn logs(&self, id: &str, options: &LogOptions) -> BoxStream<Result<LogChunk>> {
        self.0.logs(id, options)
    }
    fn wait_container(&self, id: &str) -> impl Future<Output = Result<i64>> + Send {
        self.0.wait_container(id)
    }
    fn wait_container_exit(
        &self,
        id: &str,
        removed: bool,
    ) -> impl Future<Output = Result<i64>> + Send {
        self.0.wait_container_exit(id, removed)
    }
    fn inspect_exec(&self, id: &str) -> impl Future<Output = Result<ExecState>> + Send {
        self.0.inspect_exec(id)
    }
    fn top(&self, id: &str, ps_args: &str) -> impl Future<Output = Result<Processes>> + Send {
        self.0.top(id, ps_args)
    }
    fn stat_path(
        &self,
        id: &str,
        path: &str,
    ) -> impl Future<Output = Result<Option<PathStat>>> + Send {
        self.0.stat_path(id, path)
    }
    fn get_archive(&self, id: &str, path: &str) -> BoxStream<Result<Vec<u8>>> {
        self.0.get_archive(id, path)
    }
    fn registry_digest(&self, image: &str) -> impl Future<Output = Result<String>> + Send {
        self.0.registry_digest(image)
    }
    fn inspect_image_json(
        &self,
        name: &str,
    ) -> impl Future<Output = Result<Option<serde_json::Value>>> + Send {
        self.0.inspect_image_json(name)
    }
    fn stats(&self, id: &str, stream: bool) -> BoxStream<Result<serde_json::Value>> {
        self.0.stats(id, stream)
    }
    fn events(&self, filter: &EventFilter) -> BoxStream<Result<EngineEvent>> {
        self.0.events(filter)
    }
    fn export_container(&self, id: &str) -> BoxStream<Result<Vec<u8>>> {
        self.0.export_container(id)
    }
    fn list_images(
        &self,
        label_filters: &[String],
    ) -> impl Future<Output = Result<Vec<ImageSummary>>> + Send {
        self.0.list_images(label_filters)
    }
}

/// What the builder is asked to do (`POST /build` parameters), besides
/// the context tar.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct BuildOptions {
    /// Names to tag the image with (`repo[:tag]`); the service's image comes last, as compose sends them.
    pub tags: Vec<String>,
    /// The Dockerfile's path inside the context tar.
    pub dockerfile: String,
    /// Build arguments (arguments without a value are left out: the `ARG` default applies).
    pub build_args: BTreeMap<String, String>,
    /// Stage to build.
    pub target: String,
    /// Labels of the image.
    pub labels: Labels,
    /// Do not use the build cache.
    pub no_cache: bool,
    /// Always try to pull newer base images.
    pub pull: bool,
    /// Network mode of `RUN` steps (empty: the engine's default).
    pub network: String,
    /// Size of `/dev/shm` in bytes (0: the engine's default).
    pub shm_size: i64,
    /// Extra `/etc/hosts` lines, `host:ip`.
    pub extra_hosts: Vec<String>,
    /// Images to consider as cache sources.
    pub cache_from: Vec<String>,
    /// Isolation technology (empty: default).
    pub isolation: String,
    /// Memory limit of the build containers in bytes (0: none; classic builder only).
    pub memory: i64,
    /// Build with the engine's BuildKit (`version=2` and a session) instead of
    /// the classic builder.
    pub buildkit: bool,
    /// The platform to build for (`os/arch[/variant]`; empty: the engine's).
    pub platform: String,
    /// BuildKit secrets (`RUN --mount=type=secret,id=...`) by id.
    pub secrets: BTreeMap<String, BuildSecret>,
    /// BuildKit ssh forwarding (`RUN --mount=type=ssh,id=...`): agent sockets by id.
    pub ssh: BTreeMap<String, std::path::PathBuf>,
}

/// Where a build secret's value comes from. Neither `Debug` nor `Serialize`
/// shows a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BuildSecret {
    /// A file, read when the builder asks for it.
    File(std::path::PathBuf),
    /// A value (a secret's `environment:` variable, read when loading).
    Value(dockerconfig::Secret),
}

impl Serialize for BuildSecret {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        match self {
            BuildSecret::File(p) => s.serialize_str(&format!("file {}", p.display())),
            BuildSecret::Value(_) => s.serialize_str("<redacted>"),
        }
    }
}

/// A successful build.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BuildOutcome {
    /// The image id (`sha256:...`).
    pub image_id: String,
}

/// A build the builder ran and that failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildFailure {
    /// The step that failed, as the builder announced it (`Step 3/4 : RUN exit 3`).
    pub step: Option<String>,
    /// The builder's error (`The command '/bin/sh -c exit 3' returned a non-zero code: 3`).
    pub message: String,
    /// The exit code the build reports (the failing command's, else 1).
    pub code: i64,
}

impl std::fmt::Display for BuildFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.step {
            Some(step) => write!(f, "{}\nfailed at {step}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

/// Why a build did not produce an image.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BuildError {
    /// The engine could not run the build (unreachable, bad request, ...).
    #[error(transparent)]
    Runtime(#[from] RuntimeError),
    /// The builder ran and a step failed.
    #[error("{0}")]
    Failed(BuildFailure),
}

/// Receives the builder's output, one line at a time (without the newline).
pub type BuildProgress<'a> = &'a (dyn Fn(&str) + Send + Sync);

/// The step line most recently announced in a builder's output, and the exit
/// code in its error message (classic: `... returned a non-zero code: 3`,
/// BuildKit: `... did not complete successfully: exit code: 3`).
pub fn build_failure(message: &str, last_step: Option<String>) -> BuildFailure {
    let code = message
        .rsplit_once("returned a non-zero code: ")
        .or_else(|| message.rsplit_once("exit code: "))
        .and_then(|(_, c)| c.trim().parse().ok())
        .filter(|c| *c != 0)
        .unwrap_or(1);
    BuildFailure {
        step: last_step,
        message: message.trim_end().to_string(),
        code,
    }
}

/// Receives pull/push progress: the layer id (empty for the image as a
/// whole) and the engine's status text (`Downloading [=>  ] 1MB/5MB`).
pub type LayerProgress<'a> = &'a (dyn Fn(&str, &str) + Send + Sync);

/// Splits `repo[:tag]` (a registry port is not a tag) into repository and tag (`latest` by default).
///
/// ```
/// use compose_engine::runtime::split_tag;
/// assert_eq!(split_tag("localhost:5000/app"), ("localhost:5000/app", "latest"));
/// assert_eq!(split_tag("busybox:1.36"), ("busybox", "1.36"));
/// assert_eq!(split_tag("app@sha256:abc"), ("app@sha256:abc", ""));
/// ```
pub fn split_tag(image: &str) -> (&str, &str) {
    if image.contains('@') {
        return (image, "");
    }
    match image.rsplit_once(':') {
        Some((repo, tag)) if !tag.contains('/') => (repo, tag),
        _ => (image, "latest"),
    }
}
