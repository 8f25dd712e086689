//! The Docker Engine implementation of [`Observe`] and [`Runtime`], over bollard.
//!
//! This module exists so that exactly one place in hoist knows how the Docker
//! Engine API is spoken (**architecture invariant**: no other module names
//! bollard). Everything engine-specific lives here:
//!
//! * **Connection.** [`Docker::connect`] resolves the endpoint as the docker
//!   CLI does ([`super::endpoint`]: `DOCKER_HOST`, `DOCKER_CONTEXT`, the
//!   current context of `config.json`, the context store, `DOCKER_TLS_VERIFY`
//!   and `DOCKER_CERT_PATH`) and reaches `unix://` and plain `tcp://` with
//!   bollard's own transports, TLS and `ssh://` with the private `transport` module.
//!   Every error about reaching the engine names the endpoint and where it
//!   came from (`tcp://127.0.0.1:2376 (from context "remote" in ...)`).
//! * **Registry credentials.** Pulls and pushes send `X-Registry-Auth`, builds
//!   `X-Registry-Config`, with the credentials [`super::auth`] finds
//!   (`auths`, `credsStore`, `credHelpers`), encoded as the docker CLI does
//!   (URL-safe base64 of the JSON; bollard's own header uses the standard
//!   alphabet, which the engine cannot always decode).
//! * **Unversioned requests.** bollard 0.21 sends requests without an API
//!   version in the path, so the engine answers in its own (newest) dialect;
//!   [`Observe::version`] reports the engine's `ApiVersion` so callers can adapt
//!   request bodies (e.g. one network at create below API 1.44).
//! * **Old engines.** Below API 1.44 the engine takes only one network at
//!   container create; [`Runtime::create_container`] creates with the first
//!   network and connects the others before returning.
//! * **Timeouts.** bollard bounds each request by a client-wide timeout (120 s),
//!   but `stop` and `restart` answer only once the container has stopped, so
//!   those requests get a bound derived from the stop timeout.
//! * **Errors.** Engine answers map onto [`RuntimeError`]: 404 → `NotFound`,
//!   409 → `Conflict`, no connection → `Unreachable` naming the endpoint, its
//!   source and what to check.
//! * **Bodies.** Create bodies arrive as Engine API JSON. They are checked by
//!   deserializing into bollard's typed models, but the JSON itself is what is
//!   sent: bollard's models follow the newest API and drop fields that older
//!   engines still need (`Config.MacAddress` below API 1.44, `CheckDuplicate`
//!   on network create).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use bollard::container::LogOutput;
use bollard::errors::Error as BollardError;
use bollard::models::{
    BuildInfoAux, ContainerCreateBody, EndpointSettings, NetworkConnectRequest,
    NetworkCreateRequest, VolumeCreateRequest,
};
use bollard::query_parameters::{
    BuildImageOptions, CreateContainerOptions, InspectContainerOptions, InspectNetworkOptions,
    KillContainerOptions, ListContainersOptions, ListNetworksOptions, ListVolumesOptions,
    LogsOptions, RemoveContainerOptions, RemoveImageOptions, RemoveVolumeOptions,
    RenameContainerOptions, RestartContainerOptions, StartContainerOptions, StopContainerOptions,
    TagImageOptions, WaitContainerOptions,
};
use futures_util::{stream, StreamExt};

use super::auth::Credentials;
use super::dockerconfig::{self, AuthConfig, ConfigFile};
use super::endpoint::{self, ConnectOptions, Endpoint, SshSpec, Tls};
use super::{
    build_failure, BoxStream, BuildError, BuildOptions, BuildOutcome, BuildProgress, Container,
    ContainerDetails, ContainerSpec, ContainerState, EngineVersion, Health, Image, Labels,
    LogChunk, LogOptions, MountPoint, Network, Observe, PortBinding, Result, Runtime, RuntimeError,
    Volume,
};

/// Where the engine listens when nothing else is configured.
pub const DEFAULT_HOST: &str = endpoint::DEFAULT_UNIX_HOST;

/// bollard's per-request bound for calls that answer promptly.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(120);

/// Slack added to a stop timeout to bound the `stop`/`restart` request.
const STOP_SLACK: Duration = Duration::from_secs(30);

/// The engine's stop timeout when neither the caller nor the container sets one.
const ENGINE_DEFAULT_STOP_TIMEOUT: i64 = 10;

/// How long `remove_network` waits for the engine to release endpoints.
const NETWORK_RELEASE_DEADLINE: Duration = Duration::from_secs(30);

/// A Docker Engine reached through bollard.
#[derive(Debug, Clone)]
pub struct Docker {
    client: bollard::Docker,
    /// Connections of hoist's own to the same engine (a BuildKit session).
    dialer: Option<Arc<super::transport::Dialer>>,
    host: String,
    target: Arc<Target>,
    credentials: Arc<Credentials>,
}

/// How errors name the engine: the endpoint with its source, and what to check.
#[derive(Debug)]
struct Target {
    describe: String,
    hint: String,
    /// Reached over TLS.
    tls: bool,
    /// Reached through ssh.
    ssh: bool,
}

impl Target {
    fn of(ep: &Endpoint) -> Target {
        let ssh = ep.host.starts_with("ssh://");
        Target {
            describe: ep.describe(),
            hint: ep.hint(),
            tls: !ssh
                && (ep.host.starts_with("https://")
                    || (ep.tls.is_some() && !ep.host.starts_with("unix://"))),
            ssh,
        }
    }
}

impl Docker {
    /// The engine's duplicate-name check on network create is not atomic: an
    /// interrupted `up` whose create was still in flight while the next `up`
    /// created the same network leaves two networks with one name, and
    /// starting a container on it fails with `network X is ambiguous`. Remove
    /// the copies no container is attached to (keeping one) and say whether
    /// the start is worth retrying.
    async fn drop_duplicate_network(&self, error: &RuntimeError) -> bool {
        let message = error.to_string();
        let Some(name) = message
            .split_once("network ")
            .and_then(|(_, rest)| rest.split_once(" is ambiguous"))
            .map(|(name, _)| name.to_string())
        else {
            return false;
        };
        let Ok(all) = self.list_networks(&[]).await else {
            return false;
        };
        let mut same: Vec<(usize, String)> = Vec::new();
        for n in all.into_iter().filter(|n| n.name == name) {
            let attached = self
                .client
                .inspect_network(&n.id, None::<InspectNetworkOptions>)
                .await
                .map(|i| i.containers.map_or(0, |c| c.len()))
                .unwrap_or(1);
            same.push((attached, n.id));
        }
        if same.len() < 2 {
            return false;
        }
        // Keep the most used copy (the lowest id among equals).
        same.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
        let mut removed = false;
        for (attached, id) in &same[1..] {
            if *attached == 0 {
                removed |= self.client.remove_network(id).await.is_ok();
            }
        }
        removed
    }

    /// Connects like the docker CLI, with the process environment and the
    /// configuration directory (`DOCKER_CONFIG`, else `~/.docker`): see
    /// [`super::endpoint`] for the order of `DOCKER_HOST`, `DOCKER_CONTEXT`
    /// and the current context.
    ///
    /// Fails with [`RuntimeError::Unreachable`], naming the endpoint and
    /// where it came from, when the endpoint cannot be resolved or a unix
    /// socket does not exist; other endpoints fail at the first request.
    pub fn connect() -> Result<Docker> {
        Docker::connect_with(&ConnectOptions::default())
    }

    /// [`Docker::connect`] with a `--host` or `--context` chosen by the caller.
    pub fn connect_with(opts: &ConnectOptions) -> Result<Docker> {
        let env = &dockerconfig::process_env;
        let dir = dockerconfig::config_dir(env);
        let config = ConfigFile::load(&dir, env);
        let ep = endpoint::resolve(opts, env, &config, &dir).map_err(|e| {
            let warning = config
                .warning
                .as_ref()
                .map(|w| format!(" (warning: {w})"))
                .unwrap_or_default();
            RuntimeError::Unreachable(format!("{e}{warning}"))
        })?;
        Docker::connect_endpoint(ep, Credentials::new(config, env))
    }

    /// Connects to an explicit host: `unix:///path/to/socket`, `tcp://host:port`
    /// or `http://host:port` (plain HTTP), `https://host:port` (TLS with the
    /// system's roots) or `ssh://[user@]host[:port]`; registry credentials
    /// still come from the docker configuration.
    pub fn connect_with_host(host: &str) -> Result<Docker> {
        let env = &dockerconfig::process_env;
        let config = ConfigFile::load(&dockerconfig::config_dir(env), env);
        Docker::connect_endpoint(Endpoint::explicit(host), Credentials::new(config, env))
    }

    /// Connects to a resolved endpoint, with these registry credentials.
    pub fn connect_endpoint(ep: Endpoint, credentials: Credentials) -> Result<Docker> {
        let target = Arc::new(Target::of(&ep));
        let timeout = REQUEST_TIMEOUT.as_secs();
        let version = bollard::API_DEFAULT_VERSION;
        let host = ep.host.as_str();
        let cannot = |why: String| RuntimeError::Unreachable(format!("{}: {why}", target.describe));
        let client = if host.starts_with("unix://") {
            bollard::Docker::connect_with_unix(host, timeout, version)
                .map_err(|e| map_error(&target, e))?
        } else if host.starts_with("ssh://") {
            let spec = SshSpec::parse(host).map_err(cannot)?;
            super::transport::ssh_client(&spec, timeout).map_err(cannot)?
        } else if host.starts_with("tcp://")
            || host.starts_with("http://")
            || host.starts_with("https://")
        {
            match (&ep.tls, host.starts_with("https://")) {
                (Some(tls), _) => {
                    super::transport::tls_client(host, tls, timeout).map_err(cannot)?
                }
                (None, true) => {
                    super::transport::tls_client(host, &Tls::default(), timeout).map_err(cannot)?
                }
                (None, false) => bollard::Docker::connect_with_http(host, timeout, version)
                    .map_err(|e| map_error(&target, e))?,
            }
        } else {
            return Err(cannot(
                "this kind of host is not supported (use unix:///path, tcp://host:port or ssh://[user@]host[:port])"
                    .to_string(),
            ));
        };
        let dialer = super::transport::Dialer::new(host, ep.tls.as_ref())
            .ok()
            .map(Arc::new);
        Ok(Docker {
            client,
            dialer,
            host: ep.host,
            target,
            credentials: Arc::new(credentials),
        })
    }

    /// The endpoint with its source, as errors name it.
    pub fn describe(&self) -> &str {
        &self.target.describe
    }

    /// Warnings about the docker configuration (a malformed `config.json`, a
    /// bad `DOCKER_AUTH_CONFIG`), which the docker CLI prints and goes on.
    pub fn warnings(&self) -> Vec<String> {
        let config = self.credentials.config().warning.clone();
        config
            .into_iter()
            .chain(self.credentials.warning.clone())
            .collect()
    }

    /// `X-Registry-Auth` for `image`, encoded as the docker CLI does.
    async fn registry_auth(&self, image: &str) -> Result<String> {
        let auth = self
            .credentials
            .for_image(image)
            .await
            .map_err(RuntimeError::Other)?;
        Ok(encode_header(&auth.to_engine_json()))
    }

    /// A client that sends `header: value` (replacing bollard's own).
    fn with_header(
        client: bollard::Docker,
        header: &'static str,
        value: String,
    ) -> bollard::Docker {
        client.with_request_modifier(move |mut req| {
            if let Ok(v) = value.parse() {
                req.headers_mut().insert(header, v);
            }
            req
        })
    }

    /// The host this client talks to (`unix:///var/run/docker.sock`, `tcp://...`).
    pub fn host(&self) -> &str {
        &self.host
    }

    /// `POST /containers/{id}/wait?condition=...`: the exit code.
    async fn wait_for(&self, id: &str, condition: &str) -> Result<i64> {
        let options = WaitContainerOptions {
            condition: condition.to_string(),
        };
        let mut waits = self.client.wait_container(id, Some(options));
        match waits.next().await {
            Some(Ok(r)) => Ok(r.status_code),
            // bollard turns a non-zero exit code into an error.
            Some(Err(BollardError::DockerContainerWaitError { code, .. })) => Ok(code),
            Some(Err(e)) => Err(self.err(e)),
            None => Err(RuntimeError::Other(format!(
                "the engine ended the wait for {id} without an exit code"
            ))),
        }
    }

    /// An attached stream's output as engine-neutral chunks.
    fn chunks(
        &self,
        output: std::pin::Pin<
            Box<
                dyn futures_util::Stream<Item = std::result::Result<LogOutput, BollardError>>
                    + Send,
            >,
        >,
    ) -> BoxStream<Result<LogChunk>> {
        let target = Arc::clone(&self.target);
        Box::pin(output.map(move |item| match item {
            Ok(LogOutput::StdErr { message }) => Ok(LogChunk::Stderr(message.to_vec())),
            Ok(
                LogOutput::StdOut { message }
                | LogOutput::Console { message }
                | LogOutput::StdIn { message },
            ) => Ok(LogChunk::Stdout(message.to_vec())),
            Err(e) => Err(map_error(&target, e)),
        }))
    }

    fn err(&self, e: BollardError) -> RuntimeError {
        map_error(&self.target, e)
    }

    /// The client, for the Swarm calls of [`super::swarm`].
    pub(super) fn client(&self) -> &bollard::Docker {
        &self.client
    }

    /// A bollard error as hoist's, naming the endpoint.
    pub(super) fn error(&self, e: BollardError) -> RuntimeError {
        self.err(e)
    }

    /// A client that sends `body` verbatim (see [`Docker::sending`]).
    pub(super) fn sending_json(&self, body: &serde_json::Value) -> Result<bollard::Docker> {
        self.sending(body)
    }

    /// A client that sends `body` verbatim instead of bollard's re-serialization
    /// of its typed model (see the module documentation).
    fn sending(&self, body: &serde_json::Value) -> Result<bollard::Docker> {
        let bytes = serde_json::to_vec(body)
            .map_err(|e| RuntimeError::Other(format!("cannot encode request body: {e}")))?;
        Ok(self.client.clone().with_request_modifier(move |req| {
            req.map(|_| bollard::body_full(bytes.clone().into()))
        }))
    }

    /// The stop timeout the engine will apply when the caller gives none.
    async fn effective_stop_timeout(&self, id: &str, timeout: Option<i64>) -> Result<i64> {
        if let Some(t) = timeout {
            return Ok(t);
        }
        let inspect = self
            .client
            .inspect_container(id, None::<InspectContainerOptions>)
            .await
            .map_err(|e| self.err(e))?;
        Ok(inspect
            .config
            .and_then(|c| c.stop_timeout)
            .unwrap_or(ENGINE_DEFAULT_STOP_TIMEOUT))
    }

    /// A client whose request bound outlasts a stop with `stop_timeout`.
    fn stopping_client(&self, stop_timeout: i64) -> bollard::Docker {
        let bound = if stop_timeout < 0 {
            // -1 waits forever for the container to stop.
            Duration::from_secs(365 * 24 * 3600)
        } else {
            Duration::from_secs(stop_timeout as u64) + STOP_SLACK
        };
        self.client.clone().with_timeout(bound.max(REQUEST_TIMEOUT))
    }
}

/// URL-safe base64 (with padding) of a JSON value, as Go's `base64.URLEncoding`.
fn encode_header(value: &serde_json::Value) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE.encode(value.to_string())
}

/// `X-Registry-Config` of a build: every registry key → its credentials.
fn registry_config(all: &std::collections::BTreeMap<String, AuthConfig>) -> String {
    let map: serde_json::Map<String, serde_json::Value> = all
        .iter()
        .map(|(k, a)| (k.clone(), a.to_engine_json()))
        .collect();
    encode_header(&serde_json::Value::Object(map))
}

/// Maps a bollard error onto [`RuntimeError`]; `target` names the engine in
/// messages about reaching it.
fn map_error(target: &Target, e: BollardError) -> RuntimeError {
    match e {
        BollardError::DockerResponseServerError {
            status_code: 404,
            message,
        } => RuntimeError::NotFound(message),
        BollardError::DockerResponseServerError {
            status_code: 409,
            message,
        } => RuntimeError::Conflict(message),
        BollardError::DockerResponseServerError { message, .. } => RuntimeError::Other(message),
        BollardError::SocketNotFoundError(_) => unreachable_at(target, "no such socket"),
        e @ (BollardError::HyperLegacyError { .. }
        | BollardError::HyperResponseError { .. }
        | BollardError::IOError { .. }) => unreachable_at(target, &root_cause(&e)),
        BollardError::RequestTimeoutError => RuntimeError::Other(format!(
            "the Docker engine at {} did not answer in time",
            target.describe
        )),
        other => RuntimeError::Other(other.to_string()),
    }
}

fn unreachable_at(target: &Target, why: &str) -> RuntimeError {
    let lower = why.to_lowercase();
    let hint = if target.ssh && lower.contains("ssh") {
        "check that this ssh command logs in without a prompt and that `docker` runs there"
            .to_string()
    } else if target.tls
        && ["certificate", "alert", "handshake", "tls", "peer"]
            .iter()
            .any(|w| lower.contains(w))
    {
        "the TLS handshake failed: check that the CA signed the engine's certificate and that \
         the client certificate and key are the ones the engine trusts"
            .to_string()
    } else {
        target.hint.clone()
    };
    RuntimeError::Unreachable(format!("{}: {why}; {hint}", target.describe))
}

/// The innermost error's message (`Connection refused (os error 111)`).
fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cur = e;
    while let Some(next) = cur.source() {
        cur = next;
    }
    cur.to_string()
}

fn labels(map: Option<HashMap<String, String>>) -> Labels {
    map.unwrap_or_default().into_iter().collect()
}

fn label_query(label_filters: &[String]) -> Option<HashMap<String, Vec<String>>> {
    if label_filters.is_empty() {
        None
    } else {
        Some(HashMap::from([(
            "label".to_string(),
            label_filters.to_vec(),
        )]))
    }
}

/// The container's own name: the one entry of `Names` without a link path
/// (`/web`, not `/other/alias`), like compose's canonical name.
fn canonical_name(names: &[String]) -> String {
    names
        .iter()
        .find(|n| n.rfind('/') == Some(0))
        .or(names.first())
        .map(|n| n.trim_start_matches('/').to_string())
        .unwrap_or_default()
}

fn container_from_summary(c: bollard::models::ContainerSummary) -> Container {
    let networks = c
        .network_settings
        .and_then(|n| n.networks)
        .unwrap_or_default()
        .into_iter()
        .map(|(name, ep)| (name, ep.network_id.unwrap_or_default()))
        .collect();
    let mounts = c
        .mounts
        .unwrap_or_default()
        .into_iter()
        .map(|m| MountPoint {
            kind: m.typ.unwrap_or_default(),
            name: m.name.unwrap_or_default(),
            source: m.source.unwrap_or_default(),
            destination: m.destination.unwrap_or_default(),
            rw: m.rw.unwrap_or(true),
        })
        .collect();
    let mut ports: Vec<PortBinding> = c
        .ports
        .unwrap_or_default()
        .into_iter()
        .map(|p| PortBinding {
            ip: p.ip.unwrap_or_default(),
            private_port: p.private_port,
            public_port: p.public_port.unwrap_or(0),
            protocol: p.typ.map(|t| t.to_string()).unwrap_or_default(),
        })
        .collect();
    ports.sort();
    Container {
        id: c.id.unwrap_or_default(),
        name: canonical_name(c.names.as_deref().unwrap_or_default()),
        image: c.image.unwrap_or_default(),
        image_id: c.image_id.unwrap_or_default(),
        command: c.command.unwrap_or_default(),
        created: c.created.unwrap_or_default(),
        state: ContainerState::parse(&c.state.map(|s| s.to_string()).unwrap_or_default()),
        status: c.status.unwrap_or_default(),
        labels: labels(c.labels),
        networks,
        mounts,
        ports,
    }
}

fn parse_health(word: &str) -> Health {
    match word {
        "starting" => Health::Starting,
        "healthy" => Health::Healthy,
        "unhealthy" => Health::Unhealthy,
        _ => Health::None,
    }
}

/// Parses `major.minor` (`1.41`).
fn parse_api_version(s: &str) -> Option<(u32, u32)> {
    let (major, minor) = s.split_once('.')?;
    Some((major.parse().ok()?, minor.parse().ok()?))
}

fn invalid_body(what: &str, e: serde_json::Error) -> RuntimeError {
    RuntimeError::Other(format!("invalid {what} body: {e}"))
}

/// Splits a container create body for engines that take one network at
/// create: keeps the first `NetworkingConfig.EndpointsConfig` entry in the
/// body and returns the others, to connect after create.
fn split_networks(
    body: &serde_json::Value,
) -> (serde_json::Value, Vec<(String, serde_json::Value)>) {
    let mut body = body.clone();
    let mut rest = Vec::new();
    if let Some(endpoints) = body
        .pointer_mut("/NetworkingConfig/EndpointsConfig")
        .and_then(serde_json::Value::as_object_mut)
    {
        if endpoints.len() > 1 {
            let keys: Vec<String> = endpoints.keys().skip(1).cloned().collect();
            for k in keys {
                if let Some(v) = endpoints.remove(&k) {
                    rest.push((k, v));
                }
            }
        }
    }
    (body, rest)
}

impl Observe for Docker {
    async fn version(&self) -> Result<EngineVersion> {
        let v = self.client.version().await.map_err(|e| self.err(e))?;
        let api_text = v.api_version.unwrap_or_default();
        let api = parse_api_version(&api_text).ok_or_else(|| {
            RuntimeError::Other(format!(
                "the engine reports an unreadable API version {api_text:?}"
            ))
        })?;
        Ok(EngineVersion {
            version: v.version.unwrap_or_default(),
            api,
        })
    }

    async fn list_containers(&self, label_filters: &[String], all: bool) -> Result<Vec<Container>> {
        let options = ListContainersOptions {
            all,
            filters: label_query(label_filters),
            ..Default::default()
        };
        let list = self
            .client
            .list_containers(Some(options))
            .await
            .map_err(|e| self.err(e))?;
        Ok(list.into_iter().map(container_from_summary).collect())
    }

    async fn list_networks(&self, label_filters: &[String]) -> Result<Vec<Network>> {
        let options = ListNetworksOptions {
            filters: label_query(label_filters),
        };
        let list = self
            .client
            .list_networks(Some(options))
            .await
            .map_err(|e| self.err(e))?;
        Ok(list
            .into_iter()
            .map(|n| Network {
                id: n.id.unwrap_or_default(),
                name: n.name.unwrap_or_default(),
                driver: n.driver.unwrap_or_default(),
                labels: labels(n.labels),
            })
            .collect())
    }

    async fn list_volumes(&self, label_filters: &[String]) -> Result<Vec<Volume>> {
        let options = ListVolumesOptions {
            filters: label_query(label_filters),
        };
        let list = self
            .client
            .list_volumes(Some(options))
            .await
            .map_err(|e| self.err(e))?;
        Ok(list
            .volumes
            .unwrap_or_default()
            .into_iter()
            .map(|v| Volume {
                name: v.name,
                driver: v.driver,
                labels: v.labels.into_iter().collect(),
                mountpoint: v.mountpoint,
                scope: v.scope.map(|s| s.to_string()).unwrap_or_default(),
            })
            .collect())
    }

    async fn inspect_container(&self, id: &str) -> Result<ContainerDetails> {
        let c = self
            .client
            .inspect_container(id, None::<InspectContainerOptions>)
            .await
            .map_err(|e| self.err(e))?;
        let state = c.state.unwrap_or_default();
        let config = c.config.unwrap_or_default();
        Ok(ContainerDetails {
            id: c.id.unwrap_or_default(),
            name: c
                .name
                .unwrap_or_default()
                .trim_start_matches('/')
                .to_string(),
            state: ContainerState::parse(&state.status.map(|s| s.to_string()).unwrap_or_default()),
            health: parse_health(
                &state
                    .health
                    .and_then(|h| h.status)
                    .map(|s| s.to_string())
                    .unwrap_or_default(),
            ),
            exit_code: state.exit_code.unwrap_or_default(),
            restart_count: c.restart_count.unwrap_or_default(),
            tty: config.tty.unwrap_or(false),
            labels: labels(config.labels),
        })
    }

    async fn inspect_container_json(&self, id: &str) -> Result<serde_json::Value> {
        let c = self
            .client
            .inspect_container(id, None::<InspectContainerOptions>)
            .await
            .map_err(|e| self.err(e))?;
        serde_json::to_value(c).map_err(|e| RuntimeError::Other(e.to_string()))
    }

    async fn inspect_network(&self, name: &str) -> Result<Option<Network>> {
        match self
            .client
            .inspect_network(name, None::<InspectNetworkOptions>)
            .await
        {
            Ok(n) => Ok(Some(Network {
                id: n.id.unwrap_or_default(),
                name: n.name.unwrap_or_default(),
                driver: n.driver.unwrap_or_default(),
                labels: labels(n.labels),
            })),
            Err(e) => match self.err(e) {
                RuntimeError::NotFound(_) => Ok(None),
                e => Err(e),
            },
        }
    }

    async fn inspect_volume(&self, name: &str) -> Result<Option<Volume>> {
        match self.client.inspect_volume(name).await {
            Ok(v) => Ok(Some(Volume {
                name: v.name,
                driver: v.driver,
                labels: v.labels.into_iter().collect(),
                mountpoint: v.mountpoint,
                scope: v.scope.map(|s| s.to_string()).unwrap_or_default(),
            })),
            Err(e) => match self.err(e) {
                RuntimeError::NotFound(_) => Ok(None),
                e => Err(e),
            },
        }
    }

    async fn inspect_image(&self, name: &str) -> Result<Option<Image>> {
        match self.client.inspect_image(name).await {
            Ok(i) => Ok(Some(Image {
                id: i.id.unwrap_or_default(),
                tags: i.repo_tags.unwrap_or_default(),
                last_tag_time: i
                    .metadata
                    .and_then(|m| m.last_tag_time)
                    // bollard's `time` feature (which its BuildKit support
                    // needs) decodes the timestamp; Go's zero time is negative.
                    .map(|t| t.unix_timestamp())
                    .filter(|t| *t > 0),
                created: i.created.map(|t| t.unix_timestamp()),
                volumes: i
                    .config
                    .as_ref()
                    .and_then(|c| c.volumes.as_ref())
                    .map(|v| {
                        let mut v = v.clone();
                        v.sort();
                        v
                    })
                    .unwrap_or_default(),
                labels: labels(i.config.and_then(|c| c.labels)),
            })),
            Err(e) => match self.err(e) {
                RuntimeError::NotFound(_) => Ok(None),
                e => Err(e),
            },
        }
    }

    fn logs(&self, id: &str, options: &LogOptions) -> BoxStream<Result<LogChunk>> {
        let now = unix_now();
        let since = match options.since.as_deref().map(|s| parse_log_time(s, now)) {
            None => Ok(0),
            Some(r) => r,
        };
        let until = match options.until.as_deref().map(|s| parse_log_time(s, now)) {
            None => Ok(0),
            Some(r) => r,
        };
        let (since, until) = match (since, until) {
            (Ok(s), Ok(u)) => (s, u),
            (Err(e), _) | (_, Err(e)) => {
                return Box::pin(stream::once(async move { Err(RuntimeError::Other(e)) }))
            }
        };
        let query = LogsOptions {
            follow: options.follow,
            stdout: true,
            stderr: true,
            since,
            until,
            timestamps: options.timestamps,
            tail: options.tail.clone().unwrap_or_else(|| "all".to_string()),
        };
        let target = Arc::clone(&self.target);
        Box::pin(
            self.client
                .logs(id, Some(query))
                .map(move |item| match item {
                    Ok(LogOutput::StdErr { message }) => Ok(LogChunk::Stderr(message.to_vec())),
                    Ok(
                        LogOutput::StdOut { message }
                        | LogOutput::Console { message }
                        | LogOutput::StdIn { message },
                    ) => Ok(LogChunk::Stdout(message.to_vec())),
                    Err(e) => Err(map_error(&target, e)),
                }),
        )
    }

    async fn wait_container(&self, id: &str) -> Result<i64> {
        self.wait_for(id, "not-running").await
    }

    async fn wait_container_exit(&self, id: &str, removed: bool) -> Result<i64> {
        self.wait_for(id, if removed { "removed" } else { "next-exit" })
            .await
    }

    async fn inspect_exec(&self, id: &str) -> Result<super::ExecState> {
        let i = self
            .client
            .inspect_exec(id)
            .await
            .map_err(|e| self.err(e))?;
        let running = i.running.unwrap_or(false);
        Ok(super::ExecState {
            running,
            exit_code: if running { None } else { i.exit_code },
        })
    }

    async fn top(&self, id: &str, ps_args: &str) -> Result<super::Processes> {
        let options = (!ps_args.is_empty()).then(|| {
            bollard::query_parameters::TopOptionsBuilder::default()
                .ps_args(ps_args)
                .build()
        });
        let t = self
            .client
            .top_processes(id, options)
            .await
            .map_err(|e| self.err(e))?;
        Ok(super::Processes {
            titles: t.titles.unwrap_or_default(),
            rows: t.processes.unwrap_or_default(),
        })
    }

    async fn stat_path(&self, id: &str, path: &str) -> Result<Option<super::PathStat>> {
        let options = bollard::query_parameters::ContainerArchiveInfoOptionsBuilder::default()
            .path(path)
            .build();
        match self
            .client
            .get_container_archive_info(id, Some(options))
            .await
        {
            Ok(s) => Ok(Some(super::PathStat {
                name: s.name,
                size: s.size,
                mode: s.file_mode,
                mtime: s.modification_time.unwrap_or_default(),
                link_target: s.link_target,
            })),
            Err(e) => match self.err(e) {
                RuntimeError::NotFound(m) if !m.contains("container") => Ok(None),
                RuntimeError::NotFound(m) if m.contains("path") || m.contains("file") => Ok(None),
                e => Err(e),
            },
        }
    }

    fn get_archive(&self, id: &str, path: &str) -> BoxStream<Result<Vec<u8>>> {
        let options = bollard::query_parameters::DownloadFromContainerOptionsBuilder::default()
            .path(path)
            .build();
        let target = Arc::clone(&self.target);
        Box::pin(
            self.client
                .download_from_container(id, Some(options))
                .map(move |item| item.map(|b| b.to_vec()).map_err(|e| map_error(&target, e))),
        )
    }

    async fn registry_digest(&self, image: &str) -> Result<String> {
        let auth = self.registry_auth(image).await?;
        let client = Docker::with_header(self.client.clone(), "X-Registry-Auth", auth);
        let d = client
            .inspect_registry_image(image, None)
            .await
            .map_err(|e| self.err(e))?;
        d.descriptor
            .digest
            .filter(|d| !d.is_empty())
            .ok_or_else(|| RuntimeError::Other(format!("the registry gave no digest for {image}")))
    }

    async fn inspect_image_json(&self, name: &str) -> Result<Option<serde_json::Value>> {
        match self.client.inspect_image(name).await {
            Ok(i) => serde_json::to_value(i)
                .map(Some)
                .map_err(|e| RuntimeError::Other(e.to_string())),
            Err(e) => match self.err(e) {
                RuntimeError::NotFound(_) => Ok(None),
                e => Err(e),
            },
        }
    }

    fn stats(&self, id: &str, stream: bool) -> BoxStream<Result<serde_json::Value>> {
        let options = bollard::query_parameters::StatsOptions {
            stream,
            one_shot: false,
        };
        let target = Arc::clone(&self.target);
        Box::pin(
            self.client
                .stats(id, Some(options))
                .map(move |item| match item {
                    Ok(s) => {
                        serde_json::to_value(s).map_err(|e| RuntimeError::Other(e.to_string()))
                    }
                    Err(e) => Err(map_error(&target, e)),
                }),
        )
    }

    fn events(&self, filter: &super::EventFilter) -> BoxStream<Result<super::EngineEvent>> {
        let now = unix_now();
        let time = |v: &Option<String>| -> std::result::Result<Option<String>, String> {
            v.as_deref()
                .map(|s| parse_log_time(s, now).map(|t| t.to_string()))
                .transpose()
        };
        let (since, until) = match (time(&filter.since), time(&filter.until)) {
            (Ok(s), Ok(u)) => (s, u),
            (Err(e), _) | (_, Err(e)) => {
                return Box::pin(stream::once(async move { Err(RuntimeError::Other(e)) }))
            }
        };
        let mut filters = label_query(&filter.labels).unwrap_or_default();
        if !filter.kinds.is_empty() {
            filters.insert("type".to_string(), filter.kinds.clone());
        }
        let options = bollard::query_parameters::EventsOptions {
            since,
            until,
            filters: (!filters.is_empty()).then_some(filters),
        };
        let target = Arc::clone(&self.target);
        Box::pin(
            self.client
                .events(Some(options))
                .map(move |item| match item {
                    Ok(e) => {
                        let actor = e.actor.unwrap_or_default();
                        let time_nano = e
                            .time_nano
                            .filter(|t| *t != 0)
                            .unwrap_or_else(|| e.time.unwrap_or_default() * 1_000_000_000);
                        Ok(super::EngineEvent {
                            kind: e.typ.map(|t| t.to_string()).unwrap_or_default(),
                            action: e.action.unwrap_or_default(),
                            id: actor.id.unwrap_or_default(),
                            attributes: actor.attributes.unwrap_or_default().into_iter().collect(),
                            time_nano,
                        })
                    }
                    Err(e) => Err(map_error(&target, e)),
                }),
        )
    }

    fn export_container(&self, id: &str) -> BoxStream<Result<Vec<u8>>> {
        let target = Arc::clone(&self.target);
        Box::pin(
            self.client
                .export_container(id)
                .map(move |item| item.map(|b| b.to_vec()).map_err(|e| map_error(&target, e))),
        )
    }

    async fn list_images(&self, label_filters: &[String]) -> Result<Vec<super::ImageSummary>> {
        let options = bollard::query_parameters::ListImagesOptions {
            filters: label_query(label_filters),
            ..Default::default()
        };
        let list = self
            .client
            .list_images(Some(options))
            .await
            .map_err(|e| self.err(e))?;
        Ok(list
            .into_iter()
            .map(|i| super::ImageSummary {
                containers: i.containers,
                created: i.created,
                id: i.id,
                labels: i.labels.into_iter().collect(),
                parent_id: i.parent_id,
                repo_digests: i.repo_digests,
                repo_tags: i.repo_tags,
                shared_size: i.shared_size,
                size: i.size,
            })
            .collect())
    }
}

impl Runtime for Docker {
    async fn commit_container(&self, id: &str, options: &super::CommitOptions) -> Result<String> {
        let (repo, tag) = if options.reference.is_empty() {
            (None, None)
        } else {
            let (r, t) = super::split_tag(&options.reference);
            (Some(r.to_string()), (!t.is_empty()).then(|| t.to_string()))
        };
        let query = bollard::query_parameters::CommitContainerOptions {
            container: Some(id.to_string()),
            repo,
            tag,
            comment: (!options.comment.is_empty()).then(|| options.comment.clone()),
            author: (!options.author.is_empty()).then(|| options.author.clone()),
            pause: options.pause,
            // the engine joins repeated `changes` with newlines: one parameter is the same
            changes: (!options.changes.is_empty()).then(|| options.changes.join("\n")),
        };
        let r = self
            .client
            .commit_container(query, bollard::models::ContainerConfig::default())
            .await
            .map_err(|e| self.err(e))?;
        Ok(r.id)
    }

    async fn create_network(&self, body: &serde_json::Value) -> Result<String> {
        let typed: NetworkCreateRequest =
            serde_json::from_value(body.clone()).map_err(|e| invalid_body("network create", e))?;
        let created = self
            .sending(body)?
            .create_network(typed)
            .await
            .map_err(|e| self.err(e))?;
        Ok(created.id)
    }

    async fn remove_network(&self, name: &str) -> Result<()> {
        let deadline = Instant::now() + NETWORK_RELEASE_DEADLINE;
        let mut delay = Duration::from_millis(50);
        loop {
            let err = match self.client.remove_network(name).await {
                Ok(()) => return Ok(()),
                Err(e) => self.err(e),
            };
            // The engine releases endpoints of just-removed containers
            // asynchronously; until then it refuses with "active endpoints".
            let releasing = matches!(
                &err,
                RuntimeError::Conflict(m) | RuntimeError::Other(m) if m.contains("active endpoints")
            );
            if !releasing || Instant::now() + delay > deadline {
                return Err(err);
            }
            tokio::time::sleep(delay).await;
            delay = (delay * 2).min(Duration::from_millis(500));
        }
    }

    async fn create_volume(&self, body: &serde_json::Value) -> Result<()> {
        let typed: VolumeCreateRequest =
            serde_json::from_value(body.clone()).map_err(|e| invalid_body("volume create", e))?;
        self.client
            .create_volume(typed)
            .await
            .map_err(|e| self.err(e))?;
        Ok(())
    }

    async fn remove_volume(&self, name: &str) -> Result<()> {
        self.client
            .remove_volume(name, None::<RemoveVolumeOptions>)
            .await
            .map_err(|e| self.err(e))
    }

    async fn create_container(&self, spec: &ContainerSpec) -> Result<String> {
        let (body, mut extra) = split_networks(&spec.body);
        extra.extend(spec.extra_networks.iter().cloned());
        let typed: ContainerCreateBody = serde_json::from_value(body.clone())
            .map_err(|e| invalid_body("container create", e))?;
        let mut endpoints = Vec::with_capacity(extra.len());
        for (network, settings) in extra {
            let settings: EndpointSettings = serde_json::from_value(settings)
                .map_err(|e| invalid_body(&format!("endpoint settings for {network}"), e))?;
            endpoints.push((network, settings));
        }
        let options = CreateContainerOptions {
            name: Some(spec.name.clone()),
            ..Default::default()
        };
        let create = || async {
            self.sending(&body)?
                .create_container(Some(options.clone()), typed.clone())
                .await
                .map_err(|e| self.err(e))
        };
        let created = match create().await {
            Err(e) if self.drop_duplicate_network(&e).await => create().await,
            r => r,
        }?;
        // Like compose, a failed connect leaves the created container behind
        // for the caller (or the next `up`) to deal with.
        for (network, settings) in endpoints {
            let request = NetworkConnectRequest {
                container: created.id.clone(),
                endpoint_config: Some(settings),
            };
            self.client
                .connect_network(&network, request)
                .await
                .map_err(|e| self.err(e))?;
        }
        Ok(created.id)
    }

    async fn start_container(&self, id: &str) -> Result<()> {
        // bollard treats 304 (already started) as success.
        let start = || async {
            self.client
                .start_container(id, None::<StartContainerOptions>)
                .await
                .map_err(|e| self.err(e))
        };
        match start().await {
            Err(e) if self.drop_duplicate_network(&e).await => start().await,
            r => r,
        }
    }

    async fn stop_container(&self, id: &str, timeout: Option<i64>) -> Result<()> {
        let stop_timeout = self.effective_stop_timeout(id, timeout).await?;
        let options = StopContainerOptions {
            t: timeout.map(clamp_i32),
            signal: None,
        };
        // bollard treats 304 (already stopped) as success.
        self.stopping_client(stop_timeout)
            .stop_container(id, Some(options))
            .await
            .map_err(|e| self.err(e))
    }

    async fn restart_container(&self, id: &str, timeout: Option<i64>) -> Result<()> {
        let stop_timeout = self.effective_stop_timeout(id, timeout).await?;
        let options = RestartContainerOptions {
            t: timeout.map(clamp_i32),
            signal: None,
        };
        self.stopping_client(stop_timeout)
            .restart_container(id, Some(options))
            .await
            .map_err(|e| self.err(e))
    }

    async fn kill_container(&self, id: &str, signal: &str) -> Result<()> {
        let options = KillContainerOptions {
            signal: signal.to_string(),
        };
        self.client
            .kill_container(id, Some(options))
            .await
            .map_err(|e| self.err(e))
    }

    async fn pause_container(&self, id: &str) -> Result<()> {
        self.client
            .pause_container(id)
            .await
            .map_err(|e| self.err(e))
    }

    async fn unpause_container(&self, id: &str) -> Result<()> {
        self.client
            .unpause_container(id)
            .await
            .map_err(|e| self.err(e))
    }

    async fn remove_container(&self, id: &str, force: bool, volumes: bool) -> Result<()> {
        let options = RemoveContainerOptions {
            v: volumes,
            force,
            link: false,
        };
        self.client
            .remove_container(id, Some(options))
            .await
            .map_err(|e| self.err(e))
    }

    async fn rename_container(&self, id: &str, name: &str) -> Result<()> {
        let options = RenameContainerOptions {
            name: name.to_string(),
        };
        self.client
            .rename_container(id, options)
            .await
            .map_err(|e| self.err(e))
    }

    async fn copy_to_container(&self, id: &str, path: &str, tar: Vec<u8>) -> Result<()> {
        let options = bollard::query_parameters::UploadToContainerOptionsBuilder::default()
            .path(path)
            .build();
        self.client
            .upload_to_container(id, Some(options), bollard::body_full(tar.into()))
            .await
            .map_err(|e| self.err(e))
    }

    async fn pull_image(&self, image: &str, progress: super::LayerProgress<'_>) -> Result<()> {
        let (repo, tag) = super::split_tag(image);
        let options = bollard::query_parameters::CreateImageOptionsBuilder::default()
            .from_image(repo)
            .tag(tag)
            .build();
        let auth = self.registry_auth(image).await?;
        let client = Docker::with_header(self.client.clone(), "X-Registry-Auth", auth);
        let mut stream = client.create_image(Some(options), None, None);
        while let Some(item) = stream.next().await {
            let info = item.map_err(|e| self.err(e))?;
            let line = progress_line(info.error_detail, info.status, info.progress_detail)?;
            progress(info.id.as_deref().unwrap_or(""), &line);
        }
        Ok(())
    }

    async fn push_image(&self, image: &str, progress: super::LayerProgress<'_>) -> Result<()> {
        let (repo, tag) = super::split_tag(image);
        let auth = self.registry_auth(image).await?;
        // The push stream's messages name their layer (`id`), which compose shows
        // (`Pushing <tag>: <layer>`) but bollard's `PushImageInfo` drops. They have
        // the shape of a pull's messages, so the request is bollard's pull with its
        // path made the push's (`POST /images/{name}/push?tag=`), read as pull
        // messages.
        // (a tag is `[A-Za-z0-9_.-]`, a repository `[a-z0-9._/:-]`: nothing to escape)
        let push_path = format!("/images/{repo}/push?tag={tag}");
        let client = self.client.clone().with_request_modifier(move |mut req| {
            if let Ok(v) = auth.parse() {
                req.headers_mut().insert("X-Registry-Auth", v);
            }
            let uri = req.uri().clone();
            let path = uri.path().to_string();
            if let Some(at) = path.find("/images/create") {
                let mut parts = uri.into_parts();
                let new = format!("{}{push_path}", &path[..at]);
                if let Ok(pq) = new.parse() {
                    parts.path_and_query = Some(pq);
                    if let Ok(u) = hyper::Uri::from_parts(parts) {
                        *req.uri_mut() = u;
                    }
                }
            }
            req
        });
        let options = bollard::query_parameters::CreateImageOptionsBuilder::default()
            .from_image(repo)
            .tag(tag)
            .build();
        let mut stream = client.create_image(Some(options), None, None);
        while let Some(item) = stream.next().await {
            let info = item.map_err(|e| self.err(e))?;
            let line = progress_line(info.error_detail, info.status, info.progress_detail)?;
            progress(info.id.as_deref().unwrap_or(""), &line);
        }
        Ok(())
    }

    async fn remove_image(&self, name: &str) -> Result<()> {
        self.client
            .remove_image(name, None::<RemoveImageOptions>, None)
            .await
            .map_err(|e| self.err(e))?;
        Ok(())
    }

    async fn build_image(
        &self,
        options: &BuildOptions,
        context: Vec<u8>,
        progress: BuildProgress<'_>,
    ) -> std::result::Result<BuildOutcome, BuildError> {
        let query = build_query(options);
        // bollard takes one tag and one extra host; the engine takes the
        // parameters repeated, as the docker CLI sends them.
        let mut extra = String::new();
        for t in &options.tags {
            extra.push_str(&format!("&t={}", query_escape(t)));
        }
        for h in &options.extra_hosts {
            extra.push_str(&format!("&extrahosts={}", query_escape(h)));
        }
        // Base images may come from registries that need a login: the engine
        // gets every credential known, as `docker compose build` sends them.
        let all = self
            .credentials
            .all()
            .await
            .map_err(|e| BuildError::Runtime(RuntimeError::Other(e)))?;
        let registry_config = registry_config(&all);
        let mut query = query;
        // BuildKit: `version=2` and a session, as the docker CLI builds through
        // the engine; the context still travels as the request's tar. bollard's
        // session serves the registry credentials; secrets and ssh agents need
        // hoist's own (`runtime::session`), named in the request's query.
        let own_session =
            options.buildkit && (!options.secrets.is_empty() || !options.ssh.is_empty());
        let mut session = None;
        if own_session {
            let dialer = self.dialer.as_ref().ok_or_else(|| {
                BuildError::Runtime(RuntimeError::Other(format!(
                    "{}: cannot open a BuildKit session to this endpoint",
                    self.target.describe
                )))
            })?;
            let provided = super::session::Provided {
                credentials: all.clone().into_iter().collect(),
                secrets: options.secrets.clone().into_iter().collect(),
                ssh: options.ssh.clone().into_iter().collect(),
            };
            let s = super::session::start(dialer, session_id(), provided)
                .await
                .map_err(|e| BuildError::Runtime(RuntimeError::Other(e)))?;
            extra.push_str(&format!("&version=2&session={}", s.id));
            session = Some(s);
        }
        let credentials = (options.buildkit && !own_session).then(|| {
            query.version = bollard::query_parameters::BuilderVersion::BuilderBuildKit;
            query.session = Some(session_id());
            all.iter()
                .map(|(host, a)| (host.clone(), docker_credentials(a)))
                .collect::<HashMap<_, _>>()
        });
        let client = self
            .client
            .clone()
            .with_timeout(BUILD_TIMEOUT)
            .with_request_modifier(move |mut req| {
                if let Ok(v) = registry_config.parse() {
                    req.headers_mut().insert("X-Registry-Config", v);
                }
                let mut uri = req.uri().to_string();
                if own_session {
                    // bollard refuses a BuildKit build without its own session: the
                    // request leaves it as a classic one and becomes BuildKit's here
                    // (`version=2` comes with the session in `extra`).
                    if let Some((path, q)) = uri.split_once('?') {
                        let kept: Vec<&str> = q
                            .split('&')
                            .filter(|p| !p.starts_with("version="))
                            .collect();
                        uri = format!("{path}?{}", kept.join("&"));
                    }
                }
                let uri = if uri.contains('?') {
                    format!("{uri}{extra}")
                } else {
                    format!("{uri}?{}", extra.trim_start_matches('&'))
                };
                if let Ok(uri) = uri.parse() {
                    *req.uri_mut() = uri;
                }
                req
            });
        let mut stream =
            client.build_image(query, credentials, Some(bollard::body_full(context.into())));
        let mut lines = LineSplitter::default();
        let mut vertices = VertexLog::default();
        let mut image_id = None;
        while let Some(item) = stream.next().await {
            match item {
                Ok(info) => {
                    if let Some(text) = info.stream {
                        lines.push(&text, progress);
                    }
                    if let Some(status) = info.status {
                        match info.id {
                            Some(id) => progress(&format!("{id}: {status}")),
                            None => progress(&status),
                        }
                    }
                    match info.aux {
                        Some(BuildInfoAux::Default(i)) => {
                            if let Some(id) = i.id {
                                image_id = Some(id);
                            }
                        }
                        Some(BuildInfoAux::BuildKit(status)) => {
                            vertices.push(&status, progress);
                        }
                        None => {}
                    }
                }
                Err(BollardError::DockerStreamError { error }) if options.buildkit => {
                    return Err(BuildError::Failed(build_failure(
                        &error,
                        vertices.failed.take(),
                    )));
                }
                Err(BollardError::DockerStreamError { error }) => {
                    lines.flush(progress);
                    return Err(BuildError::Failed(build_failure(&error, lines.last_step)));
                }
                Err(BollardError::DockerResponseServerError {
                    status_code,
                    message,
                }) if status_code != 404 || !message.contains("No such image") => {
                    lines.flush(progress);
                    return Err(BuildError::Failed(build_failure(&message, lines.last_step)));
                }
                Err(e) => return Err(BuildError::Runtime(self.err(e))),
            }
        }
        lines.flush(progress);
        drop(session);
        let image_id = match image_id {
            Some(id) => id,
            // Engines that send no `aux` message: the image now carries the first tag.
            None => match options.tags.first() {
                Some(tag) => self
                    .inspect_image(tag)
                    .await?
                    .map(|i| i.id)
                    .unwrap_or_default(),
                None => String::new(),
            },
        };
        Ok(BuildOutcome { image_id })
    }

    async fn push_artifact(&self, artifact: &crate::oci::Artifact) -> Result<String> {
        let mut auths = std::collections::BTreeMap::new();
        for domain in artifact.domains() {
            let key = super::auth::auth_config_key(&domain);
            let auth = self
                .credentials
                .get(&key)
                .await
                .map_err(RuntimeError::Other)?;
            auths.insert(domain, auth);
        }
        crate::oci::push(artifact, &auths)
            .await
            .map_err(RuntimeError::Other)
    }

    async fn tag_image(&self, source: &str, target: &str) -> Result<()> {
        let (repo, tag) = split_reference(target);
        let options = TagImageOptions {
            repo: Some(repo.to_string()),
            tag: Some(tag.to_string()),
        };
        self.client
            .tag_image(source, Some(options))
            .await
            .map_err(|e| self.err(e))
    }

    async fn create_exec(&self, container: &str, spec: &super::ExecSpec) -> Result<String> {
        let config = bollard::models::ExecConfig {
            attach_stdin: Some(spec.stdin),
            attach_stdout: Some(true),
            attach_stderr: Some(true),
            detach_keys: (!spec.detach_keys.is_empty()).then(|| spec.detach_keys.clone()),
            tty: Some(spec.tty),
            env: (!spec.env.is_empty()).then(|| spec.env.clone()),
            cmd: Some(spec.cmd.clone()),
            privileged: Some(spec.privileged),
            user: (!spec.user.is_empty()).then(|| spec.user.clone()),
            working_dir: (!spec.working_dir.is_empty()).then(|| spec.working_dir.clone()),
            ..Default::default()
        };
        let created = self
            .client
            .create_exec(container, config)
            .await
            .map_err(|e| self.err(e))?;
        Ok(created.id)
    }

    async fn start_exec(&self, id: &str, tty: bool) -> Result<super::Attached> {
        let options = bollard::exec::StartExecOptions {
            detach: false,
            tty,
            output_capacity: None,
        };
        match self
            .client
            .start_exec(id, Some(options))
            .await
            .map_err(|e| self.err(e))?
        {
            bollard::exec::StartExecResults::Attached { output, input } => Ok(super::Attached {
                output: self.chunks(output),
                input,
            }),
            bollard::exec::StartExecResults::Detached => Err(RuntimeError::Other(
                "the engine started the exec detached".into(),
            )),
        }
    }

    async fn start_exec_detached(&self, id: &str) -> Result<()> {
        let options = bollard::exec::StartExecOptions {
            detach: true,
            tty: false,
            output_capacity: None,
        };
        self.client
            .start_exec(id, Some(options))
            .await
            .map(|_| ())
            .map_err(|e| self.err(e))
    }

    async fn resize_exec(&self, id: &str, rows: u16, cols: u16) -> Result<()> {
        let options = bollard::query_parameters::ResizeExecOptionsBuilder::default()
            .h(i32::from(rows))
            .w(i32::from(cols))
            .build();
        self.client
            .resize_exec(id, options)
            .await
            .map_err(|e| self.err(e))
    }

    async fn attach_container(
        &self,
        id: &str,
        options: &super::AttachOptions,
    ) -> Result<super::Attached> {
        let mut b = bollard::query_parameters::AttachContainerOptionsBuilder::default()
            .stdin(options.stdin)
            .stdout(true)
            .stderr(true)
            .stream(true)
            .logs(options.logs);
        if !options.detach_keys.is_empty() {
            b = b.detach_keys(&options.detach_keys);
        }
        let r = self
            .client
            .attach_container(id, Some(b.build()))
            .await
            .map_err(|e| self.err(e))?;
        Ok(super::Attached {
            output: self.chunks(r.output),
            input: r.input,
        })
    }

    async fn resize_container(&self, id: &str, rows: u16, cols: u16) -> Result<()> {
        let options = bollard::query_parameters::ResizeContainerTTYOptionsBuilder::default()
            .h(i32::from(rows))
            .w(i32::from(cols))
            .build();
        self.client
            .resize_container_tty(id, options)
            .await
            .map_err(|e| self.err(e))
    }

    async fn put_archive(
        &self,
        id: &str,
        path: &str,
        tar: super::ByteStream,
        options: super::ExtractOptions,
    ) -> Result<()> {
        let mut b =
            bollard::query_parameters::UploadToContainerOptionsBuilder::default().path(path);
        if options.no_overwrite_dir_non_dir {
            b = b.no_overwrite_dir_non_dir("true");
        }
        if options.copy_uid_gid {
            b = b.copy_uidgid("true");
        }
        let body = tar.map(|chunk| chunk.map(hyper::body::Bytes::from));
        self.client
            .upload_to_container(id, Some(b.build()), bollard::body_try_stream(body))
            .await
            .map_err(|e| self.err(e))
    }
}

/// How long a build may take before the request is abandoned.
const BUILD_TIMEOUT: Duration = Duration::from_secs(24 * 3600);

/// The `POST /build` query, less the repeated parameters (`t`, `extrahosts`).
fn build_query(options: &BuildOptions) -> BuildImageOptions {
    BuildImageOptions {
        dockerfile: options.dockerfile.clone(),
        t: None,
        extrahosts: None,
        q: false,
        nocache: options.no_cache,
        cachefrom: (!options.cache_from.is_empty()).then(|| options.cache_from.clone()),
        pull: options.pull.then(|| "1".to_string()),
        rm: true,
        forcerm: false,
        buildargs: (!options.build_args.is_empty())
            .then(|| options.build_args.clone().into_iter().collect()),
        shmsize: (options.shm_size > 0).then(|| clamp_i32(options.shm_size)),
        labels: (!options.labels.is_empty()).then(|| options.labels.clone().into_iter().collect()),
        networkmode: (!options.network.is_empty()).then(|| options.network.clone()),
        target: options.target.clone(),
        memory: (options.memory > 0).then(|| clamp_i32(options.memory)),
        platform: options.platform.clone(),
        ..Default::default()
    }
}

/// `repo[:tag]` → (repo, tag), the tag defaulting to `latest`; a `:` before the
/// last `/` is a registry port, not a tag.
fn split_reference(reference: &str) -> (&str, &str) {
    let reference = reference.split('@').next().unwrap_or(reference);
    let slash = reference.rfind('/').map(|i| i + 1).unwrap_or(0);
    match reference[slash..].rfind(':') {
        Some(i) => (&reference[..slash + i], &reference[slash + i + 1..]),
        None => (reference, "latest"),
    }
}

/// Percent-encodes a query value.
fn query_escape(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Cuts the builder's `stream` chunks into lines and remembers the last
/// `Step n/m : ...` line.
#[derive(Default)]
struct LineSplitter {
    pending: String,
    last_step: Option<String>,
}

impl LineSplitter {
    fn push(&mut self, text: &str, progress: BuildProgress<'_>) {
        self.pending.push_str(text);
        while let Some(i) = self.pending.find('\n') {
            let line: String = self.pending.drain(..=i).collect();
            self.emit(line.trim_end_matches(['\n', '\r']), progress);
        }
    }

    fn flush(&mut self, progress: BuildProgress<'_>) {
        if !self.pending.is_empty() {
            let line = std::mem::take(&mut self.pending);
            self.emit(&line, progress);
        }
    }

    fn emit(&mut self, line: &str, progress: BuildProgress<'_>) {
        if line.starts_with("Step ") {
            self.last_step = Some(line.to_string());
        }
        progress(line);
    }
}

/// A BuildKit session id: random, as the docker CLI's (`identity.NewID`).
fn session_id() -> String {
    use sha2::Digest;
    let seed = format!(
        "{}-{:?}-{}",
        std::process::id(),
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default(),
        SESSIONS.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    );
    let digest = sha2::Sha256::digest(seed.as_bytes());
    digest[..13]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<String>()[..25]
        .to_string()
}

static SESSIONS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// A credential as bollard's session hands it to BuildKit.
fn docker_credentials(a: &AuthConfig) -> bollard::auth::DockerCredentials {
    let some = |s: &str| (!s.is_empty()).then(|| s.to_string());
    bollard::auth::DockerCredentials {
        username: some(&a.username),
        password: some(a.password.expose()),
        email: some(&a.email),
        serveraddress: some(&a.server_address),
        identitytoken: some(a.identity_token.expose()),
        registrytoken: some(a.registry_token.expose()),
        ..Default::default()
    }
}

/// BuildKit's vertex status stream as lines, the way `--progress=plain`
/// prints it without timings: `#3 [2/3] RUN make`, the step's output
/// `#3 built`, then `#3 CACHED`, `#3 DONE` or `#3 ERROR: ...`. Each vertex gets
/// its number when it first appears.
#[derive(Default)]
struct VertexLog {
    numbers: HashMap<String, usize>,
    names: HashMap<String, String>,
    finished: std::collections::HashSet<String>,
    pending: HashMap<String, String>,
    /// The step that failed (`#3 [2/3] RUN exit 3`), for the error.
    failed: Option<String>,
}

impl VertexLog {
    fn number(&mut self, digest: &str) -> usize {
        let next = self.numbers.len() + 1;
        *self.numbers.entry(digest.to_string()).or_insert(next)
    }

    fn push(
        &mut self,
        status: &bollard::moby::buildkit::v1::StatusResponse,
        progress: BuildProgress<'_>,
    ) {
        for v in &status.vertexes {
            let n = self.number(&v.digest);
            if !self.names.contains_key(&v.digest) {
                self.names.insert(v.digest.clone(), v.name.clone());
                progress(&format!("#{n} {}", v.name));
            }
            if self.finished.contains(&v.digest) {
                continue;
            }
            if !v.error.is_empty() {
                self.flush_vertex(&v.digest, progress);
                self.finished.insert(v.digest.clone());
                progress(&format!("#{n} ERROR: {}", v.error));
                self.failed = Some(format!("#{n} {}", v.name));
            } else if v.cached {
                self.finished.insert(v.digest.clone());
                progress(&format!("#{n} CACHED"));
            } else if v.completed.is_some() {
                self.flush_vertex(&v.digest, progress);
                self.finished.insert(v.digest.clone());
                progress(&format!("#{n} DONE"));
            }
        }
        for l in &status.logs {
            let n = self.number(&l.vertex);
            let text = String::from_utf8_lossy(&l.msg);
            let pending = self.pending.entry(l.vertex.clone()).or_default();
            pending.push_str(&text);
            while let Some(i) = pending.find('\n') {
                let line: String = pending.drain(..=i).collect();
                progress(&format!("#{n} {}", line.trim_end_matches(['\n', '\r'])));
            }
        }
        for w in &status.warnings {
            let n = self.number(&w.vertex);
            progress(&format!(
                "#{n} WARNING: {}",
                String::from_utf8_lossy(&w.short)
            ));
        }
    }

    fn flush_vertex(&mut self, digest: &str, progress: BuildProgress<'_>) {
        if let Some(rest) = self.pending.remove(digest) {
            if !rest.is_empty() {
                let n = self.number(digest);
                progress(&format!("#{n} {rest}"));
            }
        }
    }
}

fn clamp_i32(v: i64) -> i32 {
    v.clamp(i32::MIN as i64, i32::MAX as i64) as i32
}

fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// One line of pull/push progress (`Downloading 1024/4096`), or the error the
/// engine reported inside the stream.
fn progress_line(
    error: Option<bollard::models::ErrorDetail>,
    status: Option<String>,
    detail: Option<bollard::models::ProgressDetail>,
) -> Result<String> {
    if let Some(e) = error.and_then(|d| d.message) {
        return Err(RuntimeError::Other(e));
    }
    let detail = detail
        .and_then(|d| Some((d.current?, d.total?)))
        .map(|(c, t)| format!(" {c}/{t}"))
        .unwrap_or_default();
    Ok(format!("{}{detail}", status.unwrap_or_default()))
}

/// Parses a `--since`/`--until` value into Unix seconds, like the docker CLI:
/// Unix seconds (`1700000000`, `1700000000.5`), a Go duration before `now`
/// (`10m`, `1h30m`, `1.5h`), an RFC 3339 time (`2024-01-02T03:04:05Z`,
/// `...+02:00`, fractional seconds allowed; no zone means UTC) or a date
/// (`2024-01-02`).
pub fn parse_log_time(value: &str, now: i64) -> std::result::Result<i32, String> {
    let value = value.trim();
    let secs = if let Ok(n) = value.parse::<f64>() {
        n.floor() as i64
    } else if let Some(d) = parse_go_duration(value) {
        now - d.floor() as i64
    } else if let Some(t) = parse_rfc3339(value) {
        t
    } else {
        return Err(format!(
            "invalid time {value:?}: use RFC 3339 (2024-01-02T15:04:05Z), Unix seconds or a duration (10m)"
        ));
    };
    Ok(clamp_i32(secs))
}

/// A Go duration (`300ms`, `1.5h`, `2h45m`) in seconds.
fn parse_go_duration(s: &str) -> Option<f64> {
    use compose_spec::gocompat::duration::{parse, Dialect, SECOND};
    parse(s, Dialect::Go)
        .ok()
        .map(|nanos| nanos as f64 / SECOND as f64)
}

/// An RFC 3339 time or a bare date, in Unix seconds.
pub(crate) fn parse_rfc3339(s: &str) -> Option<i64> {
    let bytes = s.as_bytes();
    let num = |range: std::ops::Range<usize>| -> Option<i64> {
        let part = s.get(range)?;
        if part.bytes().all(|b| b.is_ascii_digit()) {
            part.parse().ok()
        } else {
            None
        }
    };
    if bytes.len() < 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return None;
    }
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let days = crate::clock::days_from_civil(year, month, day);
    if bytes.len() == 10 {
        return Some(days * 86_400);
    }
    if !matches!(bytes[10], b'T' | b't' | b' ') || bytes.len() < 19 {
        return None;
    }
    if bytes[13] != b':' || bytes[16] != b':' {
        return None;
    }
    let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let mut rest = &s[19..];
    if let Some(frac) = rest.strip_prefix('.') {
        let digits = frac
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(frac.len());
        if digits == 0 {
            return None;
        }
        rest = &frac[digits..];
    }
    let offset = match rest {
        "" | "Z" | "z" => 0,
        _ => {
            let sign = match rest.as_bytes()[0] {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let tz = &rest[1..];
            let (h, m) = tz.split_once(':').unwrap_or((tz.get(..2)?, tz.get(2..)?));
            if h.len() != 2 || m.len() != 2 {
                return None;
            }
            sign * (h.parse::<i64>().ok()? * 3600 + m.parse::<i64>().ok()? * 60)
        }
    };
    Some(days * 86_400 + hour * 3600 + minute * 60 + second - offset)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_times() {
        let now = 1_700_000_000;
        assert_eq!(parse_log_time("1600000000", now), Ok(1_600_000_000));
        assert_eq!(parse_log_time("1600000000.75", now), Ok(1_600_000_000));
        assert_eq!(parse_log_time("10m", now), Ok(now as i32 - 600));
        assert_eq!(parse_log_time("1h30m", now), Ok(now as i32 - 5400));
        assert_eq!(parse_log_time("1.5h", now), Ok(now as i32 - 5400));
        assert_eq!(parse_log_time("1970-01-02", now), Ok(86_400));
        assert_eq!(
            parse_log_time("2023-11-14T22:13:20Z", now),
            Ok(1_700_000_000)
        );
        assert_eq!(
            parse_log_time("2023-11-14T22:13:20.123456789Z", now),
            Ok(1_700_000_000)
        );
        assert_eq!(
            parse_log_time("2023-11-15T00:13:20+02:00", now),
            Ok(1_700_000_000)
        );
        assert_eq!(parse_log_time("2000-02-29T00:00:00Z", now), Ok(951_782_400));
        assert!(parse_log_time("yesterday", now).is_err());
        assert!(parse_log_time("10x", now).is_err());
        assert!(parse_log_time("2023-13-01", now).is_err());
    }

    #[test]
    fn networks_split_keeps_first() {
        let body = serde_json::json!({
            "Image": "x",
            "NetworkingConfig": {"EndpointsConfig": {"b": {"Aliases": ["1"]}, "a": {}, "c": {}}}
        });
        let (body, rest) = split_networks(&body);
        assert_eq!(
            body["NetworkingConfig"]["EndpointsConfig"],
            serde_json::json!({"b": {"Aliases": ["1"]}})
        );
        let names: Vec<_> = rest.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["a", "c"]);
    }

    #[test]
    fn canonical_name_skips_links() {
        let names = vec!["/other/alias".to_string(), "/web".to_string()];
        assert_eq!(canonical_name(&names), "web");
        assert_eq!(canonical_name(&[]), "");
    }

    #[test]
    fn stop_requests_outlast_the_stop_timeout() {
        let docker = Docker::connect_with_host("tcp://127.0.0.1:9").unwrap();
        assert_eq!(docker.client.timeout(), REQUEST_TIMEOUT);
        assert_eq!(
            docker.stopping_client(200).timeout(),
            Duration::from_secs(230)
        );
        assert_eq!(docker.stopping_client(1).timeout(), REQUEST_TIMEOUT);
        assert!(docker.stopping_client(-1).timeout() > Duration::from_secs(86_400));
    }

    #[test]
    fn references() {
        assert_eq!(split_reference("demo-web"), ("demo-web", "latest"));
        assert_eq!(split_reference("demo/web:1.0"), ("demo/web", "1.0"));
        assert_eq!(
            split_reference("localhost:5000/web"),
            ("localhost:5000/web", "latest")
        );
        assert_eq!(
            split_reference("localhost:5000/web:v2"),
            ("localhost:5000/web", "v2")
        );
        assert_eq!(query_escape("a b:c/d"), "a%20b%3Ac%2Fd");
    }

    #[test]
    fn build_lines_remember_the_step() {
        let seen = std::sync::Mutex::new(Vec::new());
        let cb = |l: &str| seen.lock().unwrap().push(l.to_string());
        let mut s = LineSplitter::default();
        s.push("Step 1/2 : FROM x\n ---> abc\nStep 2/2 : RUN ", &cb);
        s.push("exit 3\n", &cb);
        s.push(" ---> Running in 1", &cb);
        s.flush(&cb);
        assert_eq!(s.last_step.as_deref(), Some("Step 2/2 : RUN exit 3"));
        assert_eq!(
            *seen.lock().unwrap(),
            vec![
                "Step 1/2 : FROM x",
                " ---> abc",
                "Step 2/2 : RUN exit 3",
                " ---> Running in 1"
            ]
        );
    }

    #[test]
    fn api_version() {
        assert_eq!(parse_api_version("1.41"), Some((1, 41)));
        assert_eq!(parse_api_version("x"), None);
    }

    #[test]
    fn error_mapping() {
        let e = |status_code: u16| BollardError::DockerResponseServerError {
            status_code,
            message: "m".to_string(),
        };
        let t = Target::of(&Endpoint::explicit("h"));
        assert_eq!(map_error(&t, e(404)), RuntimeError::NotFound("m".into()));
        assert_eq!(map_error(&t, e(409)), RuntimeError::Conflict("m".into()));
        assert_eq!(map_error(&t, e(500)), RuntimeError::Other("m".into()));
        let t = Target::of(&Endpoint::explicit("unix:///x"));
        assert!(matches!(
            map_error(&t, BollardError::SocketNotFoundError("/x".into())),
            RuntimeError::Unreachable(m) if m.contains("unix:///x") && m.contains("dockerd")
        ));
    }

    #[test]
    fn registry_headers_are_url_safe_base64_of_go_json() {
        let auth = AuthConfig {
            username: "u".into(),
            password: dockerconfig::Secret::new("p>?~"),
            server_address: "127.0.0.1:5000".into(),
            ..AuthConfig::default()
        };
        let header = encode_header(&auth.to_engine_json());
        assert!(!header.contains('+') && !header.contains('/'), "{header}");
        use base64::Engine as _;
        let json = base64::engine::general_purpose::URL_SAFE
            .decode(&header)
            .unwrap();
        assert_eq!(
            serde_json::from_slice::<serde_json::Value>(&json).unwrap(),
            serde_json::json!({"username": "u", "password": "p>?~", "serveraddress": "127.0.0.1:5000"})
        );
        // No credentials: `{}`, as compose sends.
        assert_eq!(
            encode_header(&AuthConfig::default().to_engine_json()),
            "e30="
        );
        let all = std::collections::BTreeMap::from([("r".to_string(), auth)]);
        let json = base64::engine::general_purpose::URL_SAFE
            .decode(registry_config(&all))
            .unwrap();
        let v: serde_json::Value = serde_json::from_slice(&json).unwrap();
        assert_eq!(v["r"]["username"], "u");
    }

    #[test]
    fn debug_output_holds_no_secret() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("config.json"),
            r#"{"auths": {"r.example": {"auth": "dTpzM2NyZXQ="}}}"#,
        )
        .unwrap();
        let env = |_: &str| None;
        let config = ConfigFile::load(dir.path(), &env);
        let docker = Docker::connect_endpoint(
            Endpoint::explicit("tcp://127.0.0.1:9"),
            Credentials::new(config, &env),
        )
        .unwrap();
        let debug = format!("{docker:?}");
        assert!(
            !debug.contains("s3cret") && debug.contains("<redacted>"),
            "{debug}"
        );
    }
}
