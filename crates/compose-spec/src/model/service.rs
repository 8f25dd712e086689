//! A service and everything nested in it, field for field as compose-go's
//! `ServiceConfig` (fields in Go declaration order, which is the order
//! `config` prints them in).

use serde::Serialize;
use std::collections::BTreeMap;

use super::values::ser::{
    f32_go, is_false, is_zero_f32, is_zero_i64, is_zero_u16, is_zero_u32, is_zero_u64,
};
use super::values::{
    DeviceCount, Duration, EnvFile, Extensions, FileMode, HealthCheckTest, HostsList, Labels,
    Mapping, MappingWithEquals, MultiOptions, Options, ShellCommand, SshConfig, StringList,
    StringOrNumberList, UlimitsConfig, UnitBytes,
};

/// One service (compose-go's `ServiceConfig`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct ServiceConfig {
    /// The service's name (its key under `services`; not printed inside the service).
    #[serde(skip)]
    pub name: String,
    /// Profiles that enable the service.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub profiles: Vec<String>,
    /// Container annotations.
    #[serde(skip_serializing_if = "Mapping::is_empty")]
    pub annotations: Mapping,
    /// Whether `up` attaches to the service's output.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attach: Option<bool>,
    /// How to build the image.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub build: Option<Box<BuildConfig>>,
    /// Development settings (`watch`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub develop: Option<Box<DevelopConfig>>,
    /// Block IO limits.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub blkio_config: Option<Box<BlkioConfig>>,
    /// Added kernel capabilities.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub cap_add: Vec<String>,
    /// Dropped kernel capabilities.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub cap_drop: Vec<String>,
    /// Parent cgroup.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub cgroup_parent: String,
    /// Cgroup namespace (`host` or `private`).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub cgroup: String,
    /// Usable CPUs (Windows).
    #[serde(skip_serializing_if = "is_zero_i64")]
    pub cpu_count: i64,
    /// Usable percentage of CPUs (Windows).
    #[serde(skip_serializing_if = "is_zero_f32", serialize_with = "f32_go")]
    pub cpu_percent: f32,
    /// CFS period.
    #[serde(skip_serializing_if = "is_zero_i64")]
    pub cpu_period: i64,
    /// CFS quota.
    #[serde(skip_serializing_if = "is_zero_i64")]
    pub cpu_quota: i64,
    /// Real-time period.
    #[serde(skip_serializing_if = "is_zero_i64")]
    pub cpu_rt_period: i64,
    /// Real-time runtime.
    #[serde(skip_serializing_if = "is_zero_i64")]
    pub cpu_rt_runtime: i64,
    /// Number of CPUs.
    #[serde(skip_serializing_if = "is_zero_f32", serialize_with = "f32_go")]
    pub cpus: f32,
    /// CPUs allowed (`0-3`).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub cpuset: String,
    /// CPU shares.
    #[serde(skip_serializing_if = "is_zero_i64")]
    pub cpu_shares: i64,
    /// Overrides the image's command; always printed (`null` when unset).
    pub command: ShellCommand,
    /// Configs given to the service.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub configs: Vec<ServiceConfigObjConfig>,
    /// Container name.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub container_name: String,
    /// Windows credential spec.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub credential_spec: Option<Box<CredentialSpecConfig>>,
    /// Services this one depends on.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub depends_on: DependsOnConfig,
    /// Deployment settings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deploy: Option<Box<DeployConfig>>,
    /// Device cgroup rules.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub device_cgroup_rules: Vec<String>,
    /// Host devices mapped into the container.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub devices: Vec<DeviceMapping>,
    /// DNS servers.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub dns: StringList,
    /// DNS options.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub dns_opt: Vec<String>,
    /// DNS search domains.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub dns_search: StringList,
    /// Legacy top-level `dockerfile`.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub dockerfile: String,
    /// Domain name.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub domainname: String,
    /// Overrides the image's entrypoint; always printed (`null` when unset).
    pub entrypoint: ShellCommand,
    /// Service implemented by a provider plugin.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provider: Option<Box<ServiceProviderConfig>>,
    /// Environment variables (`None`: to be taken from the shell).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub environment: MappingWithEquals,
    /// Files of environment variables.
    #[serde(rename = "env_file", skip_serializing_if = "Vec::is_empty")]
    pub env_files: Vec<EnvFile>,
    /// Exposed ports.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub expose: StringOrNumberList,
    /// The service this one extends (kept only when not resolved).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extends: Option<Box<ExtendsConfig>>,
    /// Links to containers outside the project.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub external_links: Vec<String>,
    /// Extra `/etc/hosts` entries.
    #[serde(skip_serializing_if = "HostsList::is_empty")]
    pub extra_hosts: HostsList,
    /// Additional groups.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub group_add: Vec<String>,
    /// GPU requests.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub gpus: Vec<DeviceRequest>,
    /// Host name.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub hostname: String,
    /// Health check.
    #[serde(rename = "healthcheck", skip_serializing_if = "Option::is_none")]
    pub healthcheck: Option<Box<HealthCheckConfig>>,
    /// Image.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub image: String,
    /// Run an init process.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub init: Option<bool>,
    /// IPC mode.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub ipc: String,
    /// Isolation technology.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub isolation: String,
    /// Container labels.
    #[serde(skip_serializing_if = "Labels::is_empty")]
    pub labels: Labels,
    /// Files of labels.
    #[serde(rename = "label_file", skip_serializing_if = "Vec::is_empty")]
    pub label_files: Vec<String>,
    /// Labels added by the tool (never printed).
    #[serde(skip)]
    pub custom_labels: Labels,
    /// Legacy links.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<String>,
    /// Logging driver and options.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub logging: Option<Box<LoggingConfig>>,
    /// Legacy `log_driver`.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub log_driver: String,
    /// Legacy `log_opt`.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub log_opt: BTreeMap<String, String>,
    /// Memory limit.
    #[serde(skip_serializing_if = "UnitBytes::is_zero")]
    pub mem_limit: UnitBytes,
    /// Memory soft limit.
    #[serde(skip_serializing_if = "UnitBytes::is_zero")]
    pub mem_reservation: UnitBytes,
    /// Memory plus swap limit.
    #[serde(skip_serializing_if = "UnitBytes::is_zero")]
    pub memswap_limit: UnitBytes,
    /// Swappiness (compose-go types it as a byte size).
    #[serde(skip_serializing_if = "UnitBytes::is_zero")]
    pub mem_swappiness: UnitBytes,
    /// MAC address.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub mac_address: String,
    /// Models used by the service (`None`: no settings).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub models: BTreeMap<String, Option<ServiceModelConfig>>,
    /// Legacy `net`.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub net: String,
    /// Network mode.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub network_mode: String,
    /// Networks joined (`None`: no settings).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub networks: BTreeMap<String, Option<Box<ServiceNetworkConfig>>>,
    /// Disable the OOM killer.
    #[serde(skip_serializing_if = "is_false")]
    pub oom_kill_disable: bool,
    /// OOM score adjustment.
    #[serde(skip_serializing_if = "is_zero_i64")]
    pub oom_score_adj: i64,
    /// PID mode.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub pid: String,
    /// PIDs limit.
    #[serde(skip_serializing_if = "is_zero_i64")]
    pub pids_limit: i64,
    /// Target platform.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub platform: String,
    /// Published ports.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ports: Vec<ServicePortConfig>,
    /// Privileged mode.
    #[serde(skip_serializing_if = "is_false")]
    pub privileged: bool,
    /// Pull policy.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub pull_policy: String,
    /// Read-only root filesystem.
    #[serde(skip_serializing_if = "is_false")]
    pub read_only: bool,
    /// Restart policy.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub restart: String,
    /// Container runtime.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub runtime: String,
    /// Number of containers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scale: Option<i64>,
    /// Secrets given to the service.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub secrets: Vec<ServiceSecretConfig>,
    /// Security options.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub security_opt: Vec<String>,
    /// Size of `/dev/shm`.
    #[serde(skip_serializing_if = "UnitBytes::is_zero")]
    pub shm_size: UnitBytes,
    /// Keep stdin open.
    #[serde(skip_serializing_if = "is_false")]
    pub stdin_open: bool,
    /// Time to wait before killing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stop_grace_period: Option<Duration>,
    /// Stop signal.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub stop_signal: String,
    /// Storage driver options.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub storage_opt: BTreeMap<String, String>,
    /// Kernel parameters.
    #[serde(skip_serializing_if = "Mapping::is_empty")]
    pub sysctls: Mapping,
    /// tmpfs mounts.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tmpfs: StringList,
    /// Allocate a TTY.
    #[serde(skip_serializing_if = "is_false")]
    pub tty: bool,
    /// Resource limits (`None`: written as null).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub ulimits: BTreeMap<String, Option<UlimitsConfig>>,
    /// Mount the Docker API socket.
    #[serde(skip_serializing_if = "is_false")]
    pub use_api_socket: bool,
    /// User.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub user: String,
    /// User namespace mode.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub userns_mode: String,
    /// UTS namespace mode.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub uts: String,
    /// Legacy volume driver.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub volume_driver: String,
    /// Mounts.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub volumes: Vec<ServiceVolumeConfig>,
    /// Mount all volumes of other services or containers.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub volumes_from: Vec<String>,
    /// Working directory.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub working_dir: String,
    /// Hooks run after the container starts.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub post_start: Vec<ServiceHook>,
    /// Hooks run before the container stops.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub pre_stop: Vec<ServiceHook>,
    /// `x-*` keys.
    #[serde(skip)]
    pub extensions: Extensions,
}

/// A service implemented by a provider plugin (compose-go's `ServiceProviderConfig`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct ServiceProviderConfig {
    /// Provider type (plugin name).
    #[serde(rename = "type", skip_serializing_if = "String::is_empty")]
    pub r#type: String,
    /// Options passed to the provider.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub options: MultiOptions,
    /// `x-*` keys.
    #[serde(skip)]
    pub extensions: Extensions,
}

/// `build` (compose-go's `BuildConfig`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct BuildConfig {
    /// Build context (path or URL).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub context: String,
    /// Dockerfile path, relative to the context.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub dockerfile: String,
    /// Inline Dockerfile.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub dockerfile_inline: String,
    /// Extra privileges.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub entitlements: Vec<String>,
    /// Build arguments (`None`: from the environment).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub args: MappingWithEquals,
    /// Provenance attestation.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub provenance: String,
    /// SBOM attestation.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub sbom: String,
    /// SSH agent sockets or keys.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ssh: SshConfig,
    /// Image labels.
    #[serde(skip_serializing_if = "Labels::is_empty")]
    pub labels: Labels,
    /// Cache sources.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub cache_from: StringList,
    /// Cache destinations.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub cache_to: StringList,
    /// Build without cache.
    #[serde(skip_serializing_if = "is_false")]
    pub no_cache: bool,
    /// Named extra contexts.
    #[serde(skip_serializing_if = "Mapping::is_empty")]
    pub additional_contexts: Mapping,
    /// Always pull base images.
    #[serde(skip_serializing_if = "is_false")]
    pub pull: bool,
    /// Extra `/etc/hosts` entries during the build.
    #[serde(skip_serializing_if = "HostsList::is_empty")]
    pub extra_hosts: HostsList,
    /// Isolation technology.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub isolation: String,
    /// Network for `RUN` steps.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub network: String,
    /// Build stage.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub target: String,
    /// Secrets given to the build.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub secrets: Vec<ServiceSecretConfig>,
    /// Size of `/dev/shm` during the build.
    #[serde(skip_serializing_if = "UnitBytes::is_zero")]
    pub shm_size: UnitBytes,
    /// Extra image tags.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: StringList,
    /// Resource limits during the build.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub ulimits: BTreeMap<String, Option<UlimitsConfig>>,
    /// Target platforms.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub platforms: StringList,
    /// Privileged build.
    #[serde(skip_serializing_if = "is_false")]
    pub privileged: bool,
    /// `x-*` keys.
    #[serde(skip)]
    pub extensions: Extensions,
}

/// `blkio_config` (compose-go's `BlkioConfig`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct BlkioConfig {
    /// Relative weight.
    #[serde(skip_serializing_if = "is_zero_u16")]
    pub weight: u16,
    /// Per-device weights.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub weight_device: Vec<WeightDevice>,
    /// Read rate limits in bytes per second.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub device_read_bps: Vec<ThrottleDevice>,
    /// Read rate limits in operations per second.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub device_read_iops: Vec<ThrottleDevice>,
    /// Write rate limits in bytes per second.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub device_write_bps: Vec<ThrottleDevice>,
    /// Write rate limits in operations per second.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub device_write_iops: Vec<ThrottleDevice>,
    /// `x-*` keys.
    #[serde(skip)]
    pub extensions: Extensions,
}

/// A host device mapped into the container (compose-go's `DeviceMapping`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct DeviceMapping {
    /// Host path.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub source: String,
    /// Container path.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub target: String,
    /// cgroup permissions (`rwm`).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub permissions: String,
    /// `x-*` keys.
    #[serde(skip)]
    pub extensions: Extensions,
}

/// A device and its weight (compose-go's `WeightDevice`; Go prints its fields capitalised).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct WeightDevice {
    /// Device path.
    #[serde(rename = "Path")]
    pub path: String,
    /// Weight.
    #[serde(rename = "Weight")]
    pub weight: u16,
    /// `x-*` keys.
    #[serde(skip)]
    pub extensions: Extensions,
}

/// A device and its rate limit (compose-go's `ThrottleDevice`; Go prints its fields capitalised).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct ThrottleDevice {
    /// Device path.
    #[serde(rename = "Path")]
    pub path: String,
    /// Rate.
    #[serde(rename = "Rate")]
    pub rate: UnitBytes,
    /// `x-*` keys.
    #[serde(skip)]
    pub extensions: Extensions,
}

/// `logging` (compose-go's `LoggingConfig`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct LoggingConfig {
    /// Logging driver.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub driver: String,
    /// Driver options.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub options: Options,
    /// `x-*` keys.
    #[serde(skip)]
    pub extensions: Extensions,
}

/// `deploy` (compose-go's `DeployConfig`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct DeployConfig {
    /// `replicated`, `global`...
    #[serde(skip_serializing_if = "String::is_empty")]
    pub mode: String,
    /// Number of replicas.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replicas: Option<i64>,
    /// Service labels.
    #[serde(skip_serializing_if = "Labels::is_empty")]
    pub labels: Labels,
    /// Rolling update settings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub update_config: Option<UpdateConfig>,
    /// Rollback settings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rollback_config: Option<UpdateConfig>,
    /// Resource limits and reservations (always printed).
    pub resources: Resources,
    /// Restart policy.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub restart_policy: Option<RestartPolicy>,
    /// Placement (always printed).
    pub placement: Placement,
    /// `vip` or `dnsrr`.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub endpoint_mode: String,
    /// `x-*` keys.
    #[serde(skip)]
    pub extensions: Extensions,
}

/// `deploy.update_config` / `deploy.rollback_config` (compose-go's `UpdateConfig`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct UpdateConfig {
    /// Containers updated at once.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parallelism: Option<u64>,
    /// Delay between groups.
    #[serde(skip_serializing_if = "Duration::is_zero")]
    pub delay: Duration,
    /// What to do on failure.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub failure_action: String,
    /// How long to monitor for failure.
    #[serde(skip_serializing_if = "Duration::is_zero")]
    pub monitor: Duration,
    /// Tolerated failure rate.
    #[serde(skip_serializing_if = "is_zero_f32", serialize_with = "f32_go")]
    pub max_failure_ratio: f32,
    /// `stop-first` or `start-first`.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub order: String,
    /// `x-*` keys.
    #[serde(skip)]
    pub extensions: Extensions,
}

/// `deploy.resources` (compose-go's `Resources`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Resources {
    /// Limits.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limits: Option<Resource>,
    /// Reservations.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reservations: Option<Resource>,
    /// `x-*` keys.
    #[serde(skip)]
    pub extensions: Extensions,
}

/// A limit or reservation (compose-go's `Resource`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Resource {
    /// Number of CPUs (compose-go's `NanoCPUs`, a float32).
    #[serde(skip_serializing_if = "is_zero_f32", serialize_with = "f32_go")]
    pub cpus: f32,
    /// Memory.
    #[serde(skip_serializing_if = "UnitBytes::is_zero")]
    pub memory: UnitBytes,
    /// PIDs.
    #[serde(skip_serializing_if = "is_zero_i64")]
    pub pids: i64,
    /// Device requests.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub devices: Vec<DeviceRequest>,
    /// Generic (swarm) resources.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub generic_resources: Vec<GenericResource>,
    /// `x-*` keys.
    #[serde(skip)]
    pub extensions: Extensions,
}

/// A user-defined resource (compose-go's `GenericResource`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct GenericResource {
    /// A countable resource.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub discrete_resource_spec: Option<DiscreteGenericResource>,
    /// `x-*` keys.
    #[serde(skip)]
    pub extensions: Extensions,
}

/// A countable resource (compose-go's `DiscreteGenericResource`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct DiscreteGenericResource {
    /// Kind (`GPU`, `SSD`...).
    pub kind: String,
    /// Count.
    pub value: i64,
    /// `x-*` keys.
    #[serde(skip)]
    pub extensions: Extensions,
}

/// `deploy.restart_policy` (compose-go's `RestartPolicy`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct RestartPolicy {
    /// `none`, `on-failure`, `any`.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub condition: String,
    /// Delay between attempts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delay: Option<Duration>,
    /// Maximum attempts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_attempts: Option<u64>,
    /// Window to decide whether a restart succeeded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub window: Option<Duration>,
    /// `x-*` keys.
    #[serde(skip)]
    pub extensions: Extensions,
}

/// `deploy.placement` (compose-go's `Placement`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Placement {
    /// Constraints.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub constraints: Vec<String>,
    /// Preferences.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub preferences: Vec<PlacementPreferences>,
    /// Maximum replicas per node.
    #[serde(rename = "max_replicas_per_node", skip_serializing_if = "is_zero_u64")]
    pub max_replicas: u64,
    /// `x-*` keys.
    #[serde(skip)]
    pub extensions: Extensions,
}

/// A placement preference (compose-go's `PlacementPreferences`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct PlacementPreferences {
    /// Spread over this node label.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub spread: String,
    /// `x-*` keys.
    #[serde(skip)]
    pub extensions: Extensions,
}

/// A device request, for `gpus` and `deploy.resources.*.devices` (compose-go's `DeviceRequest`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct DeviceRequest {
    /// Capabilities (`gpu`...).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub capabilities: Vec<String>,
    /// Driver.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub driver: String,
    /// Number of devices, `-1` for all.
    #[serde(skip_serializing_if = "is_zero_i64")]
    pub count: DeviceCount,
    /// Device ids.
    #[serde(rename = "device_ids", skip_serializing_if = "Vec::is_empty")]
    pub ids: Vec<String>,
    /// Driver options.
    #[serde(skip_serializing_if = "Mapping::is_empty")]
    pub options: Mapping,
}

/// A service's settings on one network (compose-go's `ServiceNetworkConfig`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct ServiceNetworkConfig {
    /// Extra DNS names.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// Endpoint driver options.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub driver_opts: Options,
    /// Gateway priority.
    #[serde(rename = "gw_priority", skip_serializing_if = "is_zero_i64")]
    pub gateway_priority: i64,
    /// Interface name.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub interface_name: String,
    /// Static IPv4 address.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub ipv4_address: String,
    /// Static IPv6 address.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub ipv6_address: String,
    /// Link-local addresses.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub link_local_ips: Vec<String>,
    /// MAC address.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub mac_address: String,
    /// Connection order priority.
    #[serde(skip_serializing_if = "is_zero_i64")]
    pub priority: i64,
    /// `x-*` keys.
    #[serde(skip)]
    pub extensions: Extensions,
}

/// A published port (compose-go's `ServicePortConfig`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct ServicePortConfig {
    /// Port name.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub name: String,
    /// `ingress` or `host`.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub mode: String,
    /// Host IP to bind.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub host_ip: String,
    /// Container port.
    #[serde(skip_serializing_if = "is_zero_u32")]
    pub target: u32,
    /// Host port or range (a string).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub published: String,
    /// `tcp`, `udp`, `sctp`.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub protocol: String,
    /// Application protocol.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub app_protocol: String,
    /// `x-*` keys.
    #[serde(skip)]
    pub extensions: Extensions,
}

/// A mount (compose-go's `ServiceVolumeConfig`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct ServiceVolumeConfig {
    /// `volume`, `bind`, `tmpfs`, `npipe`, `cluster`, `image`.
    #[serde(rename = "type", skip_serializing_if = "String::is_empty")]
    pub r#type: String,
    /// Volume name, host path or image.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub source: String,
    /// Container path.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub target: String,
    /// Read-only mount.
    #[serde(skip_serializing_if = "is_false")]
    pub read_only: bool,
    /// Consistency requirement.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub consistency: String,
    /// Bind options.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bind: Option<ServiceVolumeBind>,
    /// Volume options.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub volume: Option<ServiceVolumeVolume>,
    /// tmpfs options.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tmpfs: Option<ServiceVolumeTmpfs>,
    /// Image options.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image: Option<ServiceVolumeImage>,
    /// `x-*` keys.
    #[serde(skip)]
    pub extensions: Extensions,
}

/// Bind mount options (compose-go's `ServiceVolumeBind`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct ServiceVolumeBind {
    /// SELinux relabelling (`z` or `Z`).
    #[serde(rename = "selinux", skip_serializing_if = "String::is_empty")]
    pub selinux: String,
    /// Propagation mode.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub propagation: String,
    /// Create the host path when missing.
    #[serde(skip_serializing_if = "is_false")]
    pub create_host_path: bool,
    /// Recursive read-only mode.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub recursive: String,
    /// `x-*` keys.
    #[serde(skip)]
    pub extensions: Extensions,
}

/// Volume mount options (compose-go's `ServiceVolumeVolume`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct ServiceVolumeVolume {
    /// Labels.
    #[serde(skip_serializing_if = "Mapping::is_empty")]
    pub labels: Mapping,
    /// Do not copy image data into the volume.
    #[serde(skip_serializing_if = "is_false")]
    pub nocopy: bool,
    /// Sub-path of the volume.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub subpath: String,
    /// `x-*` keys.
    #[serde(skip)]
    pub extensions: Extensions,
}

/// tmpfs mount options (compose-go's `ServiceVolumeTmpfs`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct ServiceVolumeTmpfs {
    /// Size.
    #[serde(skip_serializing_if = "UnitBytes::is_zero")]
    pub size: UnitBytes,
    /// File mode.
    #[serde(skip_serializing_if = "is_zero_u32")]
    pub mode: u32,
    /// `x-*` keys.
    #[serde(skip)]
    pub extensions: Extensions,
}

/// Image mount options (compose-go's `ServiceVolumeImage`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct ServiceVolumeImage {
    /// Sub-path of the image.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub subpath: String,
    /// `x-*` keys.
    #[serde(skip)]
    pub extensions: Extensions,
}

/// A secret or config given to a service or build (compose-go's `FileReferenceConfig`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct FileReferenceConfig {
    /// Name of the project-level secret or config.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub source: String,
    /// Path in the container.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub target: String,
    /// Owner uid.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub uid: String,
    /// Owner gid.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub gid: String,
    /// File mode.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mode: Option<FileMode>,
    /// `x-*` keys.
    #[serde(skip)]
    pub extensions: Extensions,
}

/// A config given to a service (compose-go's `ServiceConfigObjConfig`).
pub type ServiceConfigObjConfig = FileReferenceConfig;

/// A secret given to a service or build (compose-go's `ServiceSecretConfig`).
pub type ServiceSecretConfig = FileReferenceConfig;

/// Windows credential spec (compose-go's `CredentialSpecConfig`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct CredentialSpecConfig {
    /// A config holding the spec.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub config: String,
    /// A file holding the spec.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub file: String,
    /// A registry value holding the spec.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub registry: String,
    /// `x-*` keys.
    #[serde(skip)]
    pub extensions: Extensions,
}

/// `depends_on` (compose-go's `DependsOnConfig`): service name to condition.
pub type DependsOnConfig = BTreeMap<String, ServiceDependency>;

/// One dependency (compose-go's `ServiceDependency`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct ServiceDependency {
    /// `service_started`, `service_healthy`, `service_completed_successfully`.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub condition: String,
    /// Restart this service when the dependency restarts.
    #[serde(skip_serializing_if = "is_false")]
    pub restart: bool,
    /// `x-*` keys.
    #[serde(skip)]
    pub extensions: Extensions,
    /// Whether the dependency must exist (always printed).
    pub required: bool,
}

/// `extends` (compose-go's `ExtendsConfig`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct ExtendsConfig {
    /// File holding the base service.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub file: String,
    /// Base service.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub service: String,
}

/// `healthcheck` (compose-go's `HealthCheckConfig`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct HealthCheckConfig {
    /// The test command.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub test: HealthCheckTest,
    /// Timeout of one check.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeout: Option<Duration>,
    /// Interval between checks.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interval: Option<Duration>,
    /// Failures before unhealthy.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retries: Option<u64>,
    /// Start period.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_period: Option<Duration>,
    /// Interval during the start period.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_interval: Option<Duration>,
    /// Disable the image's health check.
    #[serde(skip_serializing_if = "is_false")]
    pub disable: bool,
    /// `x-*` keys.
    #[serde(skip)]
    pub extensions: Extensions,
}

/// `develop` (compose-go's `DevelopConfig`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct DevelopConfig {
    /// Watch rules.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub watch: Vec<Trigger>,
    /// `x-*` keys.
    #[serde(skip)]
    pub extensions: Extensions,
}

/// A `develop.watch` rule (compose-go's `Trigger`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Trigger {
    /// Watched path (always printed).
    pub path: String,
    /// `sync`, `rebuild`, `restart`, `sync+restart`, `sync+exec` (always printed).
    pub action: String,
    /// Path in the container.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub target: String,
    /// Command for `sync+exec` (always printed).
    pub exec: ServiceHook,
    /// Patterns to include.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub include: Vec<String>,
    /// Patterns to ignore.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ignore: Vec<String>,
    /// Sync everything when starting.
    #[serde(skip_serializing_if = "is_false")]
    pub initial_sync: bool,
    /// `x-*` keys.
    #[serde(skip)]
    pub extensions: Extensions,
}

/// A lifecycle hook or watch command (compose-go's `ServiceHook`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct ServiceHook {
    /// Command (always printed, `null` when unset).
    pub command: ShellCommand,
    /// User.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub user: String,
    /// Privileged.
    #[serde(skip_serializing_if = "is_false")]
    pub privileged: bool,
    /// Working directory.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub working_dir: String,
    /// Environment.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub environment: MappingWithEquals,
    /// `x-*` keys.
    #[serde(skip)]
    pub extensions: Extensions,
}

/// A model used by a service (compose-go's `ServiceModelConfig`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct ServiceModelConfig {
    /// Variable receiving the endpoint URL.
    #[serde(rename = "endpoint_var", skip_serializing_if = "String::is_empty")]
    pub endpoint_variable: String,
    /// Variable receiving the model name.
    #[serde(rename = "model_var", skip_serializing_if = "String::is_empty")]
    pub model_variable: String,
    /// `x-*` keys.
    #[serde(skip)]
    pub extensions: Extensions,
}
