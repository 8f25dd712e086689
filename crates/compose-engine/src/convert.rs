//! The compose model → what the Docker Engine API receives.
//!
//! This module exists so that containers, networks and volumes made by hoist
//! are indistinguishable from those made by Docker Compose v2.40.3: same
//! labels (including the config hash from [`crate::hash`]), same create
//! bodies. It is a pure mapping (the one exception: a `seccomp=<file>`
//! security option is read and compacted, as compose does), ported from
//! compose's `pkg/compose/create.go` (`getCreateConfigs`,
//! `defaultNetworkSettings`, `buildContainerVolumes`, `getDeployResources`,
//! ...) and `convergence.go` (`resolveServiceReferences`, `getLinks`).
//!
//! Bodies are the Engine API's JSON (PascalCase keys, durations in
//! nanoseconds), with empty fields left out. Where compose iterates a Go map
//! (environment, binds, mounts, ulimits, extra hosts, `depends_on` label), the
//! engine sees a random order; hoist writes a sorted, deterministic one.
//!
//! What depends on observed state (ids of other services' containers, image
//! digest) comes in through [`Resolved`].

use std::collections::BTreeMap;

use compose_spec::model::{
    NetworkConfig, Project, Resource, ServiceConfig, ServiceNetworkConfig, ServiceVolumeConfig,
    VolumeConfig,
};
use serde_json::{json, Map, Value};

use crate::hash::{network_hash, service_hash, volume_hash};
use crate::labels;
use crate::runtime::{ContainerSpec, Labels, MountPoint};

/// Project-wide facts compose writes into every container's labels.
///
/// ```
/// use compose_engine::convert::ProjectMeta;
/// let meta = ProjectMeta {
///     name: "demo".into(),
///     working_dir: "/src/demo".into(),
///     config_files: vec!["/src/demo/compose.yaml".into()],
///     env_files: vec![],
/// };
/// assert_eq!(meta.name, "demo");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ProjectMeta {
    /// Project name (`com.docker.compose.project`).
    pub name: String,
    /// Project directory, absolute (`com.docker.compose.project.working_dir`).
    pub working_dir: String,
    /// Compose files, absolute, in order (`...project.config_files`, comma joined).
    pub config_files: Vec<String>,
    /// `--env-file` files made absolute against the current directory
    /// (`...project.environment_file`, only written when non-empty).
    pub env_files: Vec<String>,
}

impl ProjectMeta {
    /// Meta of a loaded project, with the `--env-file`s given on the command
    /// line (already absolute, as compose makes them).
    ///
    /// ```
    /// use compose_engine::convert::ProjectMeta;
    /// let mut loaded = compose_spec::loader::Loaded::default();
    /// loaded.name = "demo".into();
    /// loaded.working_dir = "/w".into();
    /// loaded.config_files = vec!["/w/compose.yaml".into()];
    /// let meta = ProjectMeta::from_loaded(&loaded, &[]);
    /// assert_eq!(meta.config_files, ["/w/compose.yaml"]);
    /// ```
    pub fn from_loaded(loaded: &compose_spec::loader::Loaded, env_files: &[String]) -> ProjectMeta {
        ProjectMeta {
            name: loaded.name.clone(),
            working_dir: loaded.working_dir.to_string_lossy().into_owned(),
            config_files: loaded
                .config_files
                .iter()
                .map(|p| p.to_string_lossy().into_owned())
                .collect(),
            env_files: env_files.to_vec(),
        }
    }
}

/// What the create body depends on beyond the model: observed containers of
/// other services and the local image.
///
/// ```
/// use compose_engine::convert::Resolved;
/// let mut r = Resolved::default();
/// r.containers.insert("db".into(), vec![("demo-db-1".into(), "0123abcd".into())]);
/// r.image_digest = Some("sha256:feed".into());
/// assert_eq!(r.first_id("db"), Some("0123abcd"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Resolved {
    /// Existing (non one-off) containers by service: `(name, id)`. Used for
    /// `network_mode`/`ipc`/`pid: service:x` and `volumes_from: x` (the
    /// container first by name, as compose's `Containers.sorted()`), and for
    /// `links` (all of them).
    pub containers: BTreeMap<String, Vec<(String, String)>>,
    /// When the container replaces another and keeps its anonymous volumes
    /// (compose's `inherit`, off with `up -V`): the replaced container's mounts.
    pub replaced_mounts: Vec<MountPoint>,
    /// The paths the service's image declares as volumes (`VOLUME`).
    pub image_volumes: Vec<String>,
    /// Set for a one-off container (`run`).
    pub one_off: Option<OneOff>,
    /// Id of the service's image (`sha256:...`) when present locally: the
    /// `com.docker.compose.image` label.
    pub image_digest: Option<String>,
}

/// How a one-off container (`run`) differs from a service's replicas, as
/// compose creates it: no replica number, `oneoff=True` and a slug label,
/// only its own name as network alias unless `--use-aliases`, removed by the
/// engine when it exits with `--rm`, stdin attached with `-i`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OneOff {
    /// `com.docker.compose.slug`: 64 random hex digits.
    pub slug: String,
    /// `--use-aliases`: the service's network aliases too.
    pub use_aliases: bool,
    /// `--rm`: `HostConfig.AutoRemove`.
    pub auto_remove: bool,
    /// `-i`: `AttachStdin` (and `StdinOnce`), as compose sets them even with `-d`.
    pub attach_stdin: bool,
}

impl Resolved {
    /// Id of the first container (by name) of `service`.
    pub fn first_id(&self, service: &str) -> Option<&str> {
        self.containers
            .get(service)?
            .iter()
            .min_by(|a, b| a.0.cmp(&b.0))
            .map(|(_, id)| id.as_str())
    }
}

/// A reference to another service that has no container to point to.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot share {what} with service {service}: container missing")]
pub struct MissingContainer {
    /// `volume`, `network namespace`, `IPC namespace`, `PID namespace`.
    pub what: &'static str,
    /// The service referred to.
    pub service: String,
}

/// compose's `resolveServiceReferences`: `volumes_from` and
/// `network_mode`/`ipc`/`pid: service:x` rewritten to point at containers.
/// The config hash is computed on the result, so this runs first.
///
/// ```
/// use compose_engine::convert::{resolve_references, Resolved};
/// use compose_engine::model::ServiceConfig;
/// let mut s = ServiceConfig::default();
/// s.network_mode = "service:db".into();
/// s.volumes_from = vec!["db:ro".into(), "container:other:rw".into()];
/// let mut r = Resolved::default();
/// r.containers.insert("db".into(), vec![("p-db-1".into(), "abc".into())]);
/// let s = resolve_references(&s, &r).unwrap();
/// assert_eq!(s.network_mode, "container:abc");
/// assert_eq!(s.volumes_from, ["abc", "other"]);
/// ```
pub fn resolve_references(
    service: &ServiceConfig,
    resolved: &Resolved,
) -> Result<ServiceConfig, MissingContainer> {
    let mut s = service.clone();
    for v in s.volumes_from.iter_mut() {
        let spec: Vec<&str> = v.split(':').collect();
        if spec[0] == "container" {
            if let Some(name) = spec.get(1) {
                *v = (*name).to_string();
            }
            continue;
        }
        match resolved.first_id(spec[0]) {
            Some(id) => *v = id.to_string(),
            None => {
                return Err(MissingContainer {
                    what: "volume",
                    service: spec[0].to_string(),
                })
            }
        }
    }
    for (field, what) in [
        (&mut s.network_mode, "network namespace"),
        (&mut s.ipc, "IPC namespace"),
        (&mut s.pid, "PID namespace"),
    ] {
        if let Some(name) = field.strip_prefix("service:") {
            match resolved.first_id(name) {
                Some(id) => *field = format!("container:{id}"),
                None => {
                    return Err(MissingContainer {
                        what,
                        service: name.to_string(),
                    })
                }
            }
        }
    }
    Ok(s)
}

/// The container name compose gives replica `number`: `container_name`, or
/// `<project>-<service>-<number>`.
///
/// ```
/// use compose_engine::convert::container_name;
/// use compose_engine::model::ServiceConfig;
/// let mut s = ServiceConfig::default();
/// s.name = "web".into();
/// assert_eq!(container_name("demo", &s, 2), "demo-web-2");
/// ```
pub fn container_name(project: &str, service: &ServiceConfig, number: u32) -> String {
    if service.container_name.is_empty() {
        crate::naming::join(&[project, &service.name, &number.to_string()])
    } else {
        service.container_name.clone()
    }
}

/// The image a service runs: `image`, or `<project>-<service>` for a built one.
///
/// ```
/// use compose_engine::convert::image_name;
/// use compose_engine::model::ServiceConfig;
/// let mut s = ServiceConfig::default();
/// s.name = "web".into();
/// assert_eq!(image_name("demo", &s), "demo-web");
/// ```
pub fn image_name(project: &str, service: &ServiceConfig) -> String {
    if service.image.is_empty() {
        crate::naming::join(&[project, &service.name])
    } else {
        service.image.clone()
    }
}

/// The labels compose v2.40.3 writes on a service container: the service's
/// `labels`, overridden by compose's own (project, service, version,
/// working_dir, config_files, environment_file, oneoff, image digest), plus
/// config-hash, container-number and depends_on.
///
/// `service` must already be [`resolve_references`]d (the hash covers it).
///
/// ```
/// use compose_engine::convert::{container_labels, ProjectMeta};
/// use compose_engine::model::{Project, ServiceConfig};
/// let meta = ProjectMeta { name: "demo".into(), working_dir: "/w".into(),
///     config_files: vec!["/w/compose.yaml".into()], env_files: vec![] };
/// let mut s = ServiceConfig::default();
/// s.name = "web".into();
/// s.image = "nginx".into();
/// let l = container_labels(&meta, &Project::default(), &s, 1, None);
/// assert_eq!(l["com.docker.compose.service"], "web");
/// assert_eq!(l["com.docker.compose.container-number"], "1");
/// assert_eq!(l["com.docker.compose.oneoff"], "False");
/// assert_eq!(l["com.docker.compose.depends_on"], "");
/// ```
pub fn container_labels(
    meta: &ProjectMeta,
    _project: &Project,
    service: &ServiceConfig,
    number: u32,
    image_digest: Option<&str>,
) -> Labels {
    let mut l: Labels = service.labels.clone();
    l.insert(labels::PROJECT.into(), meta.name.clone());
    l.insert(labels::SERVICE.into(), service.name.clone());
    l.insert(labels::VERSION.into(), labels::COMPOSE_VERSION.into());
    l.insert(labels::WORKING_DIR.into(), meta.working_dir.clone());
    l.insert(labels::CONFIG_FILES.into(), meta.config_files.join(","));
    l.insert(labels::ONEOFF.into(), "False".into());
    if !meta.env_files.is_empty() {
        l.insert(labels::ENVIRONMENT_FILE.into(), meta.env_files.join(","));
    }
    if let Some(d) = image_digest {
        l.insert(labels::IMAGE_DIGEST.into(), d.to_string());
    }
    l.insert(labels::CONFIG_HASH.into(), service_hash(service));
    if number > 0 {
        l.insert(labels::CONTAINER_NUMBER.into(), number.to_string());
    }
    let deps: Vec<String> = service
        .depends_on
        .iter()
        .map(|(name, d)| format!("{name}:{}:{}", d.condition, d.restart))
        .collect();
    l.insert(labels::DEPENDS_ON.into(), deps.join(","));
    l
}

/// The container create request for replica `number` of `service`, named
/// `name`, for an engine speaking API `api` (compose's `getCreateConfigs` and
/// `createMobyContainer`).
///
/// With API < 1.44 only the primary network (highest `priority`, then name)
/// is in `NetworkingConfig`; the others come back in `extra_networks`, to be
/// connected after create and before start. Unresolvable `service:`
/// references are left as they are (check them first with
/// [`resolve_references`]).
///
/// ```
/// use compose_engine::convert::{container_spec, ProjectMeta, Resolved};
/// use compose_engine::model::{NetworkConfig, Project, ServiceConfig};
/// let mut p = Project::default();
/// p.name = "demo".into();
/// let mut net = NetworkConfig::default();
/// net.name = "demo_default".into();
/// p.networks.insert("default".into(), net);
/// let mut s = ServiceConfig::default();
/// s.name = "web".into();
/// s.image = "nginx".into();
/// s.command = Some(vec!["nginx".into(), "-g".into(), "daemon off;".into()]);
/// s.networks.insert("default".into(), None);
/// let meta = ProjectMeta { name: "demo".into(), ..Default::default() };
/// let spec = container_spec(&meta, &p, &s, 1, "demo-web-1", (1, 41), &Resolved::default());
/// assert_eq!(spec.body["Image"], "nginx");
/// assert_eq!(spec.body["Cmd"][2], "daemon off;");
/// assert_eq!(spec.body["HostConfig"]["NetworkMode"], "demo_default");
/// let ep = &spec.body["NetworkingConfig"]["EndpointsConfig"]["demo_default"];
/// assert_eq!(ep["Aliases"], serde_json::json!(["demo-web-1", "web"]));
/// ```
pub fn container_spec(
    meta: &ProjectMeta,
    project: &Project,
    service: &ServiceConfig,
    number: u32,
    name: &str,
    api: (u32, u32),
    resolved: &Resolved,
) -> ContainerSpec {
    let mut service = resolve_references(service, resolved).unwrap_or_else(|_| service.clone());
    let mut labels = container_labels(
        meta,
        project,
        &service,
        number,
        resolved.image_digest.as_deref(),
    );
    let one_off = resolved.one_off.as_ref();
    if let Some(o) = one_off {
        labels.remove(labels::CONTAINER_NUMBER);
        labels.insert(labels::ONEOFF.into(), "True".into());
        labels.insert(labels::SLUG.into(), o.slug.clone());
    }
    let use_aliases = one_off.is_none_or(|o| o.use_aliases);
    let ge_144 = api >= (1, 44);
    let links = links(&meta.name, &service, number, resolved);

    // prepareContainerMACAddress (mutates the main network's config on new engines)
    let by_priority = networks_by_priority(&service);
    let mut mac_address = service.mac_address.clone();
    if let Some(main) = by_priority.first() {
        if ge_144 {
            if let Some(Some(cfg)) = service.networks.get_mut(main) {
                if cfg.mac_address.is_empty() {
                    cfg.mac_address = service.mac_address.clone();
                }
            }
            mac_address.clear();
        } else if let Some(Some(cfg)) = service.networks.get(main) {
            if !cfg.mac_address.is_empty() {
                mac_address = cfg.mac_address.clone();
            }
        }
    } else if ge_144 {
        mac_address.clear();
    }

    let mut c = Obj::default();
    c.str("Hostname", &service.hostname);
    c.str("Domainname", &service.domainname);
    c.str("User", &service.user);
    let attach_stdin = one_off.is_some_and(|o| o.attach_stdin);
    c.bool("AttachStdin", attach_stdin);
    c.bool("StdinOnce", attach_stdin && service.stdin_open);
    c.set("AttachStdout", json!(true));
    c.set("AttachStderr", json!(true));
    c.map("ExposedPorts", exposed_ports(&service));
    c.bool("Tty", service.tty);
    c.bool("OpenStdin", service.stdin_open);
    c.env(&service);
    if let Some(cmd) = &service.command {
        c.set("Cmd", json!(cmd));
    }
    if let Some(hc) = healthcheck(&service) {
        c.set("Healthcheck", hc);
    }
    c.str("Image", &image_name(&meta.name, &service));
    c.str("WorkingDir", &service.working_dir);
    if let Some(ep) = &service.entrypoint {
        c.set("Entrypoint", json!(ep));
    }
    c.bool("NetworkDisabled", service.network_mode == "disabled");
    c.str("MacAddress", &mac_address);
    c.set("Labels", json!(labels));
    c.str("StopSignal", &service.stop_signal);
    if let Some(d) = service.stop_grace_period {
        c.set("StopTimeout", json!(d.0 / 1_000_000_000));
    }

    let mut h = Obj::default();
    let (binds, mounts) = volumes(project, &service, &inherited_mounts(&service, resolved));
    h.list("Binds", &binds);
    h.map("Annotations", str_map(&service.annotations));
    h.set_nonempty("Mounts", Value::Array(mounts));
    h.list("CapAdd", &normalize_caps(&service.cap_add));
    h.list("CapDrop", &normalize_caps(&service.cap_drop));
    if let Some(init) = service.init {
        h.set("Init", json!(init));
    }
    h.str("IpcMode", &service.ipc);
    h.str("CgroupnsMode", &service.cgroup);
    h.bool("ReadonlyRootfs", service.read_only);
    if let Some(rp) = restart_policy(&service) {
        h.set("RestartPolicy", rp);
    }
    if service.shm_size.0 != 0 {
        h.set("ShmSize", json!(service.shm_size.0));
    }
    h.map("Sysctls", str_map(&service.sysctls));
    // the Go client always sends these two, empty or not, and the engine keeps `{}`/`[]`
    h.set("PortBindings", Value::Object(port_bindings(&service)));
    resources(&service, &mut h);
    h.str("VolumeDriver", &service.volume_driver);
    h.list("VolumesFrom", &service.volumes_from);
    h.list("Dns", &service.dns);
    h.list("DnsSearch", &service.dns_search);
    h.list("DnsOptions", &service.dns_opt);
    h.set("ExtraHosts", json!(service.extra_hosts.as_list(":")));
    let (security, unconfined) = security_opts(project, &service.security_opt);
    h.list("SecurityOpt", &security);
    h.map("StorageOpt", str_map(&service.storage_opt));
    h.str("UsernsMode", &service.userns_mode);
    h.str("UTSMode", &service.uts);
    h.bool("Privileged", service.privileged);
    h.str("PidMode", &service.pid);
    let mut tmpfs = Map::new();
    for t in &service.tmpfs {
        let (k, v) = t.split_once(':').unwrap_or((t, ""));
        tmpfs.insert(k.to_string(), json!(v));
    }
    h.map("Tmpfs", tmpfs);
    h.str("Isolation", &service.isolation);
    h.str("Runtime", &service.runtime);
    if let Some(l) = &service.logging {
        let mut lc = Obj::default();
        lc.str("Type", &l.driver);
        lc.map("Config", str_map(&l.options));
        h.set_nonempty("LogConfig", Value::Object(lc.0));
    }
    h.list("GroupAdd", &service.group_add);
    h.list("Links", &links);
    if service.oom_score_adj != 0 {
        h.set("OomScoreAdj", json!(service.oom_score_adj));
    }
    if unconfined {
        h.set("MaskedPaths", json!([]));
        h.set("ReadonlyPaths", json!([]));
    }

    // networking (defaultNetworkSettings)
    let mut extra_networks = Vec::new();
    if !service.network_mode.is_empty() {
        h.str("NetworkMode", &service.network_mode);
    } else if project.networks.is_empty() {
        h.str("NetworkMode", "none");
    } else {
        let primary = by_priority
            .first()
            .cloned()
            .unwrap_or_else(|| "default".to_string());
        let moby = |key: &str| {
            project
                .networks
                .get(key)
                .map(|n| n.name.clone())
                .unwrap_or_default()
        };
        let mut endpoints = Map::new();
        let others = by_priority.iter().skip(1);
        for key in others {
            let ep = endpoint_settings(meta, &service, number, key, &links, use_aliases);
            if ge_144 {
                endpoints.insert(moby(key), ep);
            } else {
                extra_networks.push((moby(key), ep));
            }
        }
        let mut ep = endpoint_settings(meta, &service, number, &primary, &links, use_aliases);
        if ge_144 && ep.get("MacAddress").is_none() && !service.mac_address.is_empty() {
            ep["MacAddress"] = json!(service.mac_address);
        }
        endpoints.insert(moby(&primary), ep);
        h.str("NetworkMode", &moby(&primary));
        c.set(
            "NetworkingConfig",
            json!({ "EndpointsConfig": Value::Object(endpoints) }),
        );
    }
    h.bool("AutoRemove", one_off.is_some_and(|o| o.auto_remove));
    c.set("HostConfig", Value::Object(h.0));

    ContainerSpec {
        name: name.to_string(),
        body: Value::Object(c.0),
        extra_networks,
    }
}

/// The network create body (`POST /networks/create`) for network `key`, with
/// compose's labels (network key, project, version, config-hash).
///
/// ```
/// use compose_engine::convert::{network_body, ProjectMeta};
/// use compose_engine::model::NetworkConfig;
/// let meta = ProjectMeta { name: "demo".into(), ..Default::default() };
/// let mut n = NetworkConfig::default();
/// n.name = "demo_default".into();
/// let b = network_body(&meta, "default", &n);
/// assert_eq!(b["Name"], "demo_default");
/// assert_eq!(b["Labels"]["com.docker.compose.network"], "default");
/// ```
pub fn network_body(meta: &ProjectMeta, key: &str, net: &NetworkConfig) -> Value {
    let mut l = net.labels.clone();
    l.extend(net.custom_labels.clone());
    l.insert(labels::NETWORK.into(), key.to_string());
    l.insert(labels::PROJECT.into(), meta.name.clone());
    l.insert(labels::VERSION.into(), labels::COMPOSE_VERSION.into());
    l.insert(labels::CONFIG_HASH.into(), network_hash(net));
    let mut b = Obj::default();
    b.str("Name", &net.name);
    b.str("Driver", &net.driver);
    b.map("Options", str_map(&net.driver_opts));
    b.bool("Internal", net.internal);
    b.bool("Attachable", net.attachable);
    if let Some(v) = net.enable_ipv6 {
        b.set("EnableIPv6", json!(v));
    }
    if let Some(v) = net.enable_ipv4 {
        b.set("EnableIPv4", json!(v));
    }
    if !net.ipam.driver.is_empty() || !net.ipam.config.is_empty() {
        let mut ipam = Obj::default();
        ipam.str("Driver", &net.ipam.driver);
        let pools: Vec<Value> = net
            .ipam
            .config
            .iter()
            .map(|p| {
                let mut o = Obj::default();
                if let Some(p) = p {
                    o.str("Subnet", &p.subnet);
                    o.str("IPRange", &p.ip_range);
                    o.str("Gateway", &p.gateway);
                    o.map("AuxiliaryAddresses", str_map(&p.auxiliary_addresses));
                }
                Value::Object(o.0)
            })
            .collect();
        ipam.set_nonempty("Config", Value::Array(pools));
        b.set("IPAM", Value::Object(ipam.0));
    }
    b.set("Labels", json!(l));
    Value::Object(b.0)
}

/// The volume create body (`POST /volumes/create`) for volume `key`, with
/// compose's labels (volume key, project, version, config-hash).
///
/// ```
/// use compose_engine::convert::{volume_body, ProjectMeta};
/// use compose_engine::model::VolumeConfig;
/// let meta = ProjectMeta { name: "demo".into(), ..Default::default() };
/// let mut v = VolumeConfig::default();
/// v.name = "demo_data".into();
/// let b = volume_body(&meta, "data", &v);
/// assert_eq!(b["Name"], "demo_data");
/// assert_eq!(b["Labels"]["com.docker.compose.volume"], "data");
/// ```
pub fn volume_body(meta: &ProjectMeta, key: &str, vol: &VolumeConfig) -> Value {
    let mut l = vol.labels.clone();
    l.extend(vol.custom_labels.clone());
    l.insert(labels::VOLUME.into(), key.to_string());
    l.insert(labels::PROJECT.into(), meta.name.clone());
    l.insert(labels::VERSION.into(), labels::COMPOSE_VERSION.into());
    l.insert(labels::CONFIG_HASH.into(), volume_hash(vol));
    let mut b = Obj::default();
    b.str("Name", &vol.name);
    b.str("Driver", &vol.driver);
    b.map("DriverOpts", str_map(&vol.driver_opts));
    b.set("Labels", json!(l));
    Value::Object(b.0)
}

/// compose-go's `NetworksByPriority`: highest priority first, then by name.
///
/// ```
/// use compose_engine::convert::networks_by_priority;
/// use compose_engine::model::{ServiceConfig, ServiceNetworkConfig};
/// let mut s = ServiceConfig::default();
/// s.networks.insert("a".into(), None);
/// let mut hi = ServiceNetworkConfig::default();
/// hi.priority = 10;
/// s.networks.insert("b".into(), Some(Box::new(hi)));
/// assert_eq!(networks_by_priority(&s), ["b", "a"]);
/// ```
pub fn networks_by_priority(service: &ServiceConfig) -> Vec<String> {
    let mut keys: Vec<(i64, &String)> = service
        .networks
        .iter()
        .map(|(k, v)| (v.as_ref().map_or(0, |c| c.priority), k))
        .collect();
    keys.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(b.1)));
    keys.into_iter().map(|(_, k)| k.clone()).collect()
}

/// compose's `getLinks`: `links` to the observed containers of other
/// services, then `external_links`.
fn links(project: &str, service: &ServiceConfig, number: u32, r: &Resolved) -> Vec<String> {
    let mut out = Vec::new();
    for raw in &service.links {
        let parts: Vec<&str> = raw.split(':').collect();
        let svc = parts[0];
        let alias = if parts.len() == 2 { parts[1] } else { svc };
        let mut cs: Vec<&(String, String)> = r.containers.get(svc).into_iter().flatten().collect();
        cs.sort();
        for (cname, _) in cs {
            out.push(format!("{cname}:{alias}"));
            let n = number.to_string();
            out.push(format!("{cname}:{}", crate::naming::join(&[svc, &n])));
            out.push(format!(
                "{cname}:{}",
                crate::naming::join(&[project, svc, &n])
            ));
        }
    }
    for raw in &service.external_links {
        let parts: Vec<&str> = raw.split(':').collect();
        let alias = if parts.len() == 2 { parts[1] } else { parts[0] };
        out.push(format!("{}:{alias}", parts[0]));
    }
    out
}

/// compose's `createEndpointSettings`.
fn endpoint_settings(
    meta: &ProjectMeta,
    service: &ServiceConfig,
    number: u32,
    key: &str,
    links: &[String],
    use_aliases: bool,
) -> Value {
    let cfg: Option<&ServiceNetworkConfig> = service.networks.get(key).and_then(|c| c.as_deref());
    let mut aliases = vec![container_name(&meta.name, service, number)];
    if use_aliases {
        aliases.push(service.name.clone());
    }
    let mut e = Obj::default();
    if let Some(cfg) = cfg {
        if use_aliases {
            aliases.extend(cfg.aliases.iter().cloned());
        }
        let mut ipam = Obj::default();
        ipam.str("IPv4Address", &cfg.ipv4_address);
        ipam.str("IPv6Address", &cfg.ipv6_address);
        ipam.list("LinkLocalIPs", &cfg.link_local_ips);
        e.set("IPAMConfig", Value::Object(ipam.0));
        e.str("IPAddress", &cfg.ipv4_address);
        // compose puts the static IPv6 address into IPv6Gateway too (sic)
        e.str("IPv6Gateway", &cfg.ipv6_address);
        e.str("MacAddress", &cfg.mac_address);
        let mut opts = cfg.driver_opts.clone();
        if !cfg.interface_name.is_empty() {
            opts.insert(
                "com.docker.network.endpoint.ifname".into(),
                cfg.interface_name.clone(),
            );
        }
        e.map("DriverOpts", str_map(&opts));
        if cfg.gateway_priority != 0 {
            e.set("GwPriority", json!(cfg.gateway_priority));
        }
    }
    e.set("Aliases", json!(aliases));
    e.list("Links", links);
    Value::Object(e.0)
}

fn exposed_ports(s: &ServiceConfig) -> Map<String, Value> {
    let mut m = Map::new();
    for e in &s.expose {
        m.insert(e.clone(), json!({}));
    }
    for p in &s.ports {
        m.insert(format!("{}/{}", p.target, p.protocol), json!({}));
    }
    m
}

fn port_bindings(s: &ServiceConfig) -> Map<String, Value> {
    let mut m = Map::new();
    for p in &s.ports {
        let key = format!("{}/{}", p.target, p.protocol);
        let entry = m.entry(key).or_insert_with(|| json!([]));
        if let Value::Array(a) = entry {
            a.push(json!({"HostIp": p.host_ip, "HostPort": p.published}));
        }
    }
    m
}

fn healthcheck(s: &ServiceConfig) -> Option<Value> {
    let hc = s.healthcheck.as_ref()?;
    let mut o = Obj::default();
    if hc.disable {
        o.set("Test", json!(["NONE"]));
    } else {
        o.list("Test", &hc.test);
    }
    for (k, v) in [
        ("Interval", hc.interval),
        ("Timeout", hc.timeout),
        ("StartPeriod", hc.start_period),
        ("StartInterval", hc.start_interval),
    ] {
        if let Some(d) = v.filter(|d| d.0 != 0) {
            o.set(k, json!(d.0));
        }
    }
    if let Some(r) = hc.retries.filter(|r| *r != 0) {
        o.set("Retries", json!(r));
    }
    Some(Value::Object(o.0))
}

fn restart_policy(s: &ServiceConfig) -> Option<Value> {
    let mut out = None;
    if !s.restart.is_empty() {
        let mut it = s.restart.split(':');
        let name = it.next().unwrap_or_default();
        let attempts: i64 = it.next().and_then(|a| a.parse().ok()).unwrap_or(0);
        out = Some((restart_name(name), attempts));
    }
    if let Some(p) = s.deploy.as_ref().and_then(|d| d.restart_policy.as_ref()) {
        let attempts = p.max_attempts.map_or(0, |a| a as i64);
        out = Some((restart_name(&p.condition), attempts));
    }
    let (name, attempts) = out?;
    let mut o = Obj::default();
    o.str("Name", &name);
    if attempts != 0 {
        o.set("MaximumRetryCount", json!(attempts));
    }
    Some(Value::Object(o.0))
}

fn restart_name(condition: &str) -> String {
    match condition {
        "none" | "no" => "no",
        "on-failure" => "on-failure",
        "unless-stopped" => "unless-stopped",
        "any" | "always" => "always",
        other => other,
    }
    .to_string()
}

/// compose's `getDeployResources`, written into the HostConfig object.
fn resources(s: &ServiceConfig, h: &mut Obj) {
    let mut memory = s.mem_limit.0;
    let mut nano_cpus = (s.cpus * 1e9_f32) as i64;
    let mut mem_reservation = s.mem_reservation.0;
    let mut pids = s.pids_limit;
    let mut device_requests = Vec::new();
    let limits: Option<&Resource> = s.deploy.as_ref().and_then(|d| d.resources.limits.as_ref());
    if let Some(l) = limits {
        if l.memory.0 != 0 {
            memory = l.memory.0;
        }
        if l.cpus != 0.0 {
            nano_cpus = (l.cpus * 1e9_f32) as i64;
        }
        if l.pids > 0 {
            pids = l.pids;
        }
    }
    let reservations = s
        .deploy
        .as_ref()
        .and_then(|d| d.resources.reservations.as_ref());
    if let Some(r) = reservations {
        if r.memory.0 != 0 {
            mem_reservation = r.memory.0;
        }
        for d in &r.devices {
            let mut o = Obj::default();
            o.set("Capabilities", json!([d.capabilities]));
            if d.count != 0 {
                o.set("Count", json!(d.count));
            }
            o.list("DeviceIDs", &d.ids);
            o.str("Driver", &d.driver);
            o.map("Options", str_map(&d.options));
            device_requests.push(Value::Object(o.0));
        }
    }
    h.str("CgroupParent", &s.cgroup_parent);
    h.num("Memory", memory);
    h.num("MemorySwap", s.memswap_limit.0);
    if s.mem_swappiness.0 != 0 {
        h.set("MemorySwappiness", json!(s.mem_swappiness.0));
    }
    h.num("MemoryReservation", mem_reservation);
    h.bool("OomKillDisable", s.oom_kill_disable);
    h.num("CpuCount", s.cpu_count);
    h.num("CpuPeriod", s.cpu_period);
    h.num("CpuQuota", s.cpu_quota);
    h.num("CpuRealtimePeriod", s.cpu_rt_period);
    h.num("CpuRealtimeRuntime", s.cpu_rt_runtime);
    h.num("CpuShares", s.cpu_shares);
    h.num("NanoCpus", nano_cpus);
    h.num("CpuPercent", (s.cpu_percent * 100_f32) as i64);
    h.str("CpusetCpus", &s.cpuset);
    h.list("DeviceCgroupRules", &s.device_cgroup_rules);
    if pids != 0 {
        h.set("PidsLimit", json!(pids));
    }
    if let Some(b) = &s.blkio_config {
        if b.weight != 0 {
            h.set("BlkioWeight", json!(b.weight));
        }
        let wd: Vec<Value> = b
            .weight_device
            .iter()
            .map(|d| json!({"Path": d.path, "Weight": d.weight}))
            .collect();
        h.set_nonempty("BlkioWeightDevice", Value::Array(wd));
        for (key, list) in [
            ("BlkioDeviceReadBps", &b.device_read_bps),
            ("BlkioDeviceReadIOps", &b.device_read_iops),
            ("BlkioDeviceWriteBps", &b.device_write_bps),
            ("BlkioDeviceWriteIOps", &b.device_write_iops),
        ] {
            let v: Vec<Value> = list
                .iter()
                .map(|d| json!({"Path": d.path, "Rate": d.rate.0}))
                .collect();
            h.set_nonempty(key, Value::Array(v));
        }
    }
    let mut devices = Vec::new();
    let mut cdi = Vec::new();
    for d in &s.devices {
        if d.source == d.target && is_cdi_name(&d.source) {
            cdi.push(d.source.clone());
            continue;
        }
        let mut o = Obj::default();
        o.str("PathOnHost", &d.source);
        o.str("PathInContainer", &d.target);
        o.str("CgroupPermissions", &d.permissions);
        devices.push(Value::Object(o.0));
    }
    h.set_nonempty("Devices", Value::Array(devices));
    if !cdi.is_empty() {
        device_requests.push(json!({"Driver": "cdi", "DeviceIDs": cdi}));
    }
    for g in &s.gpus {
        let mut caps = g.capabilities.clone();
        caps.push("gpu".into());
        let mut o = Obj::default();
        o.str("Driver", &g.driver);
        if g.count != 0 {
            o.set("Count", json!(g.count));
        }
        o.list("DeviceIDs", &g.ids);
        o.set("Capabilities", json!([caps]));
        o.map("Options", str_map(&g.options));
        device_requests.push(Value::Object(o.0));
    }
    h.set_nonempty("DeviceRequests", Value::Array(device_requests));
    let ulimits: Vec<Value> = s
        .ulimits
        .iter()
        .filter_map(|(name, u)| {
            let u = u.as_ref()?;
            let soft = if u.soft != 0 { u.soft } else { u.single };
            let hard = if u.hard != 0 { u.hard } else { u.single };
            Some(json!({"Name": name, "Hard": hard, "Soft": soft}))
        })
        .collect();
    h.set_nonempty("Ulimits", Value::Array(ulimits));
}

/// The Docker client's `normalizeCapabilities`: upper case, `CAP_` prefix
/// (except `ALL`), de-duplicated, sorted.
pub(crate) fn normalize_caps(caps: &[String]) -> Vec<String> {
    let mut out: Vec<String> = caps
        .iter()
        .map(|c| {
            let c = c.to_uppercase();
            if c == "ALL" || c.starts_with("CAP_") {
                c
            } else {
                format!("CAP_{c}")
            }
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

/// CDI's `IsQualifiedName`: `vendor/class=name`.
fn is_cdi_name(s: &str) -> bool {
    let Some((kind, name)) = s.split_once('=') else {
        return false;
    };
    let Some((vendor, class)) = kind.split_once('/') else {
        return false;
    };
    let ok = |p: &str, extra: &[char]| {
        !p.is_empty()
            && p.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
            && p.chars().last().is_some_and(|c| c.is_ascii_alphanumeric())
            && p.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || extra.contains(&c))
    };
    ok(vendor, &['.']) && ok(class, &[]) && ok(name, &['.', ':'])
}

/// compose's `parseSecurityOpts`: `systempaths=unconfined` unmasks /proc,
/// `seccomp=<file>` inlines the compacted profile.
fn security_opts(project: &Project, opts: &[String]) -> (Vec<String>, bool) {
    let mut unconfined = false;
    let mut out = Vec::new();
    for opt in opts {
        if opt == "systempaths=unconfined" {
            unconfined = true;
            continue;
        }
        let (k, v) = opt
            .split_once('=')
            .or_else(|| opt.split_once(':'))
            .unwrap_or((opt, ""));
        if k == "seccomp" && v != "unconfined" && v != "builtin" {
            let path = std::path::Path::new(&project.working_dir).join(v);
            if let Some(text) = std::fs::read_to_string(path)
                .ok()
                .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
            {
                out.push(format!(
                    "seccomp={}",
                    compose_spec::gocompat::json::to_string(&text)
                ));
                continue;
            }
        }
        out.push(opt.clone());
    }
    (out, unconfined)
}

/// compose's `buildContainerMountOptions` for a replacement container: the
/// replaced container's mounts the new one takes over, so that data in
/// anonymous volumes survives a recreate. A mount is kept when the image
/// declares its path as a `VOLUME` or the service lists the path with no
/// source (`- /data`), unless the service now mounts something else there;
/// tmpfs mounts are never kept. Sorted by path.
///
/// ```
/// use compose_engine::convert::{inherited_mounts, Resolved};
/// use compose_engine::model::{ServiceConfig, ServiceVolumeConfig};
/// use compose_engine::runtime::MountPoint;
/// let mut s = ServiceConfig::default();
/// s.volumes.push(ServiceVolumeConfig { r#type: "volume".into(), target: "/data".into(), ..Default::default() });
/// let anon = |path: &str, name: &str| MountPoint {
///     kind: "volume".into(), name: name.into(), source: format!("/var/lib/docker/volumes/{name}/_data"),
///     destination: path.into(), rw: true,
/// };
/// let r = Resolved {
///     replaced_mounts: vec![anon("/data", "aaa"), anon("/imgdata", "bbb"), anon("/tmpdata", "ccc")],
///     image_volumes: vec!["/imgdata".into()],
///     ..Default::default()
/// };
/// let kept: Vec<_> = inherited_mounts(&s, &r).into_iter().map(|m| m.name).collect();
/// assert_eq!(kept, ["aaa", "bbb"]); // /tmpdata is neither declared nor listed
/// ```
pub fn inherited_mounts(service: &ServiceConfig, resolved: &Resolved) -> Vec<MountPoint> {
    let mut kept: Vec<MountPoint> = resolved
        .replaced_mounts
        .iter()
        .filter(|m| m.kind != "tmpfs")
        .filter(|m| {
            resolved.image_volumes.contains(&m.destination)
                || service
                    .volumes
                    .iter()
                    .any(|v| v.target == m.destination && v.source.is_empty())
        })
        // A source the service now gives that path wins (compose's `fillBindMounts`).
        .filter(|m| {
            !service
                .volumes
                .iter()
                .any(|v| v.target == m.destination && !v.source.is_empty())
        })
        .cloned()
        .collect();
    kept.sort_by(|a, b| a.destination.cmp(&b.destination));
    kept.dedup_by(|a, b| a.destination == b.destination);
    kept
}

/// An inherited mount as compose sends it: `Type`, `Source` (the volume's
/// name, or a bind's host path), `Target`, and `ReadOnly` when set.
fn inherited_mount(m: &MountPoint) -> Value {
    let mut o = Obj::default();
    o.str("Type", &m.kind);
    o.str(
        "Source",
        if m.kind == "volume" {
            &m.name
        } else {
            &m.source
        },
    );
    o.str("Target", &m.destination);
    o.bool("ReadOnly", !m.rw);
    Value::Object(o.0)
}

/// compose's `buildContainerVolumes`: each mount either as a `Binds` string
/// (plain binds and named volumes without advanced options) or as a `Mounts`
/// entry; file-backed secrets and configs are read-only bind mounts; the
/// `inherited` mounts of a replaced container (see [`inherited_mounts`]) take
/// the place of the anonymous volumes at their paths.
fn volumes(
    project: &Project,
    s: &ServiceConfig,
    inherited: &[MountPoint],
) -> (Vec<String>, Vec<Value>) {
    let mut binds = Vec::new();
    let mut mounts = Vec::new();
    let mut targets = std::collections::BTreeSet::new();
    let is_inherited = |target: &str| inherited.iter().any(|m| m.destination == target);
    for v in &s.volumes {
        targets.insert(v.target.clone());
        if v.source.is_empty() && is_inherited(&v.target) {
            continue;
        }
        let source = match v.r#type.as_str() {
            "bind" => absolute(&project.working_dir, &v.source),
            "volume" if !v.source.is_empty() => project
                .volumes
                .get(&v.source)
                .map_or(v.source.clone(), |pv| pv.name.clone()),
            _ => v.source.clone(),
        };
        let is_bind = v.r#type == "bind";
        if is_bind && !bind_requires_mount_api(v) {
            binds.push(bind_string(&source, v));
            continue;
        }
        if v.r#type == "volume"
            && project.volumes.values().any(|pv| pv.name == source)
            && !volume_requires_mount_api(v)
        {
            binds.push(bind_string(&source, v));
            continue;
        }
        mounts.push(mount(v, &source));
    }
    for m in inherited {
        targets.insert(m.destination.clone());
        mounts.push(inherited_mount(m));
    }
    let mut extra = Vec::new();
    for sec in &s.secrets {
        let target = file_target("/run/secrets/", &sec.source, &sec.target);
        let Some(def) = project.secrets.get(&sec.source) else {
            continue;
        };
        if def.external || !def.environment.is_empty() {
            continue;
        }
        let mut m = Map::new();
        m.insert("Type".into(), json!("bind"));
        m.insert(
            "Source".into(),
            json!(absolute(&project.working_dir, &def.file)),
        );
        m.insert("Target".into(), json!(target));
        m.insert("ReadOnly".into(), json!(true));
        m.insert("BindOptions".into(), json!({}));
        extra.push((target, Value::Object(m)));
    }
    for cfg in &s.configs {
        let target = file_target("/", &cfg.source, &cfg.target);
        let Some(def) = project.configs.get(&cfg.source) else {
            continue;
        };
        if def.external || !def.environment.is_empty() || !def.content.is_empty() {
            continue;
        }
        let m = json!({
            "Type": "bind",
            "Source": absolute(&project.working_dir, &def.file),
            "Target": target,
            "ReadOnly": true,
        });
        extra.push((target, m));
    }
    for (target, m) in extra {
        if targets.insert(target) {
            mounts.push(m);
        }
    }
    (binds, mounts)
}

fn file_target(base: &str, source: &str, target: &str) -> String {
    if target.is_empty() {
        format!("{base}{source}")
    } else if target.starts_with('/') || is_windows_abs(target) {
        target.to_string()
    } else {
        format!("{base}{target}")
    }
}

fn is_windows_abs(p: &str) -> bool {
    let b = p.as_bytes();
    (b.len() >= 3 && b[0].is_ascii_alphabetic() && b[1] == b':' && (b[2] == b'\\' || b[2] == b'/'))
        || p.starts_with("\\\\")
}

fn absolute(base: &str, p: &str) -> String {
    if p.starts_with('/') || is_windows_abs(p) || p.is_empty() {
        p.to_string()
    } else {
        std::path::Path::new(base)
            .join(p)
            .to_string_lossy()
            .into_owned()
    }
}

fn bind_requires_mount_api(v: &ServiceVolumeConfig) -> bool {
    match &v.bind {
        None => false,
        Some(b) => !b.create_host_path || !b.propagation.is_empty() || !b.recursive.is_empty(),
    }
}

fn volume_requires_mount_api(v: &ServiceVolumeConfig) -> bool {
    match &v.volume {
        None => false,
        Some(o) => !o.labels.is_empty() || !o.subpath.is_empty() || o.nocopy,
    }
}

/// compose's `toBindString`: `source:target:rw|ro[,selinux][,propagation][,nocopy]`.
pub(crate) fn bind_string(source: &str, v: &ServiceVolumeConfig) -> String {
    let mut opts = vec![if v.read_only { "ro" } else { "rw" }.to_string()];
    if let Some(b) = &v.bind {
        if !b.selinux.is_empty() {
            opts.push(b.selinux.clone());
        }
        if !b.propagation.is_empty() {
            opts.push(b.propagation.clone());
        }
    }
    if v.volume.as_ref().is_some_and(|o| o.nocopy) {
        opts.push("nocopy".into());
    }
    format!("{source}:{}:{}", v.target, opts.join(","))
}

/// compose's `buildMount`: the Engine API `Mount` object.
fn mount(v: &ServiceVolumeConfig, source: &str) -> Value {
    let mut kind = v.r#type.clone();
    let mut o = Obj::default();
    match v.r#type.as_str() {
        "bind" => {
            if let Some(b) = &v.bind {
                let mut bo = Obj::default();
                bo.str("Propagation", &b.propagation);
                bo.bool("CreateMountpoint", b.create_host_path);
                match b.recursive.as_str() {
                    "disabled" => bo.bool("NonRecursive", true),
                    "writable" => bo.bool("ReadOnlyNonRecursive", true),
                    "readonly" => bo.bool("ReadOnlyForceRecursive", true),
                    _ => {}
                }
                o.set("BindOptions", Value::Object(bo.0));
                kind = "bind".into();
            }
        }
        "volume" => {
            if let Some(vo) = &v.volume {
                let mut x = Obj::default();
                x.bool("NoCopy", vo.nocopy);
                x.map("Labels", str_map(&vo.labels));
                x.str("Subpath", &vo.subpath);
                o.set("VolumeOptions", Value::Object(x.0));
            }
        }
        "tmpfs" => {
            if let Some(t) = &v.tmpfs {
                let mut x = Obj::default();
                x.num("SizeBytes", t.size.0);
                x.num("Mode", i64::from(t.mode));
                o.set("TmpfsOptions", Value::Object(x.0));
            }
        }
        "image" => {
            if let Some(i) = &v.image {
                let mut x = Obj::default();
                x.str("Subpath", &i.subpath);
                o.set("ImageOptions", Value::Object(x.0));
            }
        }
        _ => {}
    }
    let mut m = Obj::default();
    m.str("Type", &kind);
    m.str("Source", source);
    m.str("Target", &v.target);
    m.bool("ReadOnly", v.read_only);
    m.str("Consistency", &v.consistency);
    for (k, val) in o.0 {
        m.set(&k, val);
    }
    Value::Object(m.0)
}

fn str_map(m: &BTreeMap<String, String>) -> Map<String, Value> {
    m.iter().map(|(k, v)| (k.clone(), json!(v))).collect()
}

/// A JSON object that leaves out empty values (Go's `omitempty`).
#[derive(Default)]
struct Obj(Map<String, Value>);

impl Obj {
    fn set(&mut self, k: &str, v: Value) {
        self.0.insert(k.to_string(), v);
    }
    fn set_nonempty(&mut self, k: &str, v: Value) {
        let empty = match &v {
            Value::Array(a) => a.is_empty(),
            Value::Object(o) => o.is_empty(),
            Value::Null => true,
            _ => false,
        };
        if !empty {
            self.set(k, v);
        }
    }
    fn str(&mut self, k: &str, v: &str) {
        if !v.is_empty() {
            self.set(k, json!(v));
        }
    }
    fn bool(&mut self, k: &str, v: bool) {
        if v {
            self.set(k, json!(true));
        }
    }
    fn num(&mut self, k: &str, v: i64) {
        if v != 0 {
            self.set(k, json!(v));
        }
    }
    fn list(&mut self, k: &str, v: &[String]) {
        if !v.is_empty() {
            self.set(k, json!(v));
        }
    }
    fn map(&mut self, k: &str, v: Map<String, Value>) {
        if !v.is_empty() {
            self.set(k, Value::Object(v));
        }
    }
    /// `Env`: `KEY=value`, or `KEY` alone for a variable without value.
    fn env(&mut self, s: &ServiceConfig) {
        let env: Vec<String> = s
            .environment
            .iter()
            .map(|(k, v)| match v {
                Some(v) => format!("{k}={v}"),
                None => k.clone(),
            })
            .collect();
        self.list("Env", &env);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project_with(service: ServiceConfig) -> Project {
        let mut p = Project {
            name: "p".into(),
            ..Default::default()
        };
        for key in ["a", "b"] {
            let net = NetworkConfig {
                name: format!("p_{key}"),
                ..Default::default()
            };
            p.networks.insert(key.into(), net);
        }
        p.services.insert(service.name.clone(), Box::new(service));
        p
    }

    fn two_networks() -> ServiceConfig {
        let mut s = ServiceConfig {
            name: "s".into(),
            image: "i".into(),
            mac_address: "02:00:00:00:00:01".into(),
            ..Default::default()
        };
        let hi = ServiceNetworkConfig {
            priority: 5,
            ..Default::default()
        };
        s.networks.insert("a".into(), None);
        s.networks.insert("b".into(), Some(Box::new(hi)));
        s
    }

    #[test]
    fn old_engines_get_one_network_at_create_and_the_mac_in_config() {
        let s = two_networks();
        let p = project_with(s.clone());
        let meta = ProjectMeta {
            name: "p".into(),
            ..Default::default()
        };
        let spec = container_spec(&meta, &p, &s, 1, "p-s-1", (1, 41), &Resolved::default());
        assert_eq!(spec.body["HostConfig"]["NetworkMode"], "p_b");
        let eps = spec.body["NetworkingConfig"]["EndpointsConfig"]
            .as_object()
            .unwrap();
        assert_eq!(eps.keys().collect::<Vec<_>>(), ["p_b"]);
        assert_eq!(spec.extra_networks.len(), 1);
        assert_eq!(spec.extra_networks[0].0, "p_a");
        assert_eq!(spec.body["MacAddress"], "02:00:00:00:00:01");
    }

    #[test]
    fn new_engines_get_every_network_at_create_and_the_mac_on_the_endpoint() {
        let s = two_networks();
        let p = project_with(s.clone());
        let meta = ProjectMeta {
            name: "p".into(),
            ..Default::default()
        };
        let spec = container_spec(&meta, &p, &s, 1, "p-s-1", (1, 44), &Resolved::default());
        let eps = &spec.body["NetworkingConfig"]["EndpointsConfig"];
        assert_eq!(eps.as_object().unwrap().len(), 2);
        assert!(spec.extra_networks.is_empty());
        assert!(spec.body.get("MacAddress").is_none());
        assert_eq!(eps["p_b"]["MacAddress"], "02:00:00:00:00:01");
        assert!(eps["p_a"].get("MacAddress").is_none());
    }

    #[test]
    fn restart_policies_map_like_compose() {
        let mut s = ServiceConfig {
            restart: "on-failure:5".into(),
            ..Default::default()
        };
        assert_eq!(
            restart_policy(&s),
            Some(json!({"Name": "on-failure", "MaximumRetryCount": 5}))
        );
        s.restart = "no".into();
        assert_eq!(restart_policy(&s), Some(json!({"Name": "no"})));
        s.restart.clear();
        assert_eq!(restart_policy(&s), None);
    }

    #[test]
    fn caps_and_cdi_names() {
        let caps = [
            "net_admin".to_string(),
            "CAP_NET_ADMIN".into(),
            "all".into(),
        ];
        assert_eq!(normalize_caps(&caps), ["ALL", "CAP_NET_ADMIN"]);
        assert!(is_cdi_name("nvidia.com/gpu=all"));
        assert!(!is_cdi_name("/dev/null"));
    }

    #[test]
    fn cpus_are_multiplied_in_float32_like_go() {
        let s = ServiceConfig {
            cpus: 0.1,
            ..Default::default()
        };
        let mut h = Obj::default();
        resources(&s, &mut h);
        assert_eq!(h.0["NanoCpus"], 100_000_000);
    }
}
