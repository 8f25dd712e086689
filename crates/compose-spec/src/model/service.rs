//! A service and everything nested in it, field for field as compose-go's
//! `ServiceConfig` (fields in Go declaration order, which is the order
//! `config` prints them in).

use std::collections::BTreeMap;

use super::decode::De;
use super::fields::model_struct;
use super::values::{
    DeviceCount, Duration, EnvFile, Extensions, FileMode, HealthCheckTest, HostsList, Labels,
    Mapping, MappingWithEquals, MultiOptions, Options, ShellCommand, SshConfig, StringList,
    StringOrNumberList, UlimitsConfig, UnitBytes,
};

model_struct! {
    /// One service (compose-go's `ServiceConfig`).
    #[derive(Debug, Clone, PartialEq, Default)]
    pub struct ServiceConfig {
        /// The service's name (its key under `services`; not printed inside the service).
        pub name: String = "name" json(skip) yaml(skip),
        /// Profiles that enable the service.
        pub profiles: Vec<String> = "profiles",
        /// Container annotations.
        pub annotations: Mapping = "annotations" decode(De::mapping),
        /// Whether `up` attaches to the service's output.
        pub attach: Option<bool> = "attach",
        /// How to build the image.
        pub build: Option<Box<BuildConfig>> = "build",
        /// Development settings (`watch`).
        pub develop: Option<Box<DevelopConfig>> = "develop",
        /// Block IO limits.
        pub blkio_config: Option<Box<BlkioConfig>> = "blkio_config",
        /// Added kernel capabilities.
        pub cap_add: Vec<String> = "cap_add",
        /// Dropped kernel capabilities.
        pub cap_drop: Vec<String> = "cap_drop",
        /// Parent cgroup.
        pub cgroup_parent: String = "cgroup_parent",
        /// Cgroup namespace (`host` or `private`).
        pub cgroup: String = "cgroup",
        /// Usable CPUs (Windows).
        pub cpu_count: i64 = "cpu_count",
        /// Usable percentage of CPUs (Windows).
        pub cpu_percent: f32 = "cpu_percent",
        /// CFS period.
        pub cpu_period: i64 = "cpu_period",
        /// CFS quota.
        pub cpu_quota: i64 = "cpu_quota",
        /// Real-time period.
        pub cpu_rt_period: i64 = "cpu_rt_period",
        /// Real-time runtime.
        pub cpu_rt_runtime: i64 = "cpu_rt_runtime",
        /// Number of CPUs.
        pub cpus: f32 = "cpus",
        /// CPUs allowed (`0-3`).
        pub cpuset: String = "cpuset",
        /// CPU shares.
        pub cpu_shares: i64 = "cpu_shares",
        /// Overrides the image's command; always printed (`null` when unset).
        pub command: ShellCommand = "command" json(always) decode(De::shell_command),
        /// Configs given to the service.
        pub configs: Vec<ServiceConfigObjConfig> = "configs",
        /// Container name.
        pub container_name: String = "container_name",
        /// Windows credential spec.
        pub credential_spec: Option<Box<CredentialSpecConfig>> = "credential_spec",
        /// Services this one depends on.
        pub depends_on: DependsOnConfig = "depends_on",
        /// Deployment settings.
        pub deploy: Option<Box<DeployConfig>> = "deploy",
        /// Device cgroup rules.
        pub device_cgroup_rules: Vec<String> = "device_cgroup_rules",
        /// Host devices mapped into the container.
        pub devices: Vec<DeviceMapping> = "devices",
        /// DNS servers.
        pub dns: StringList = "dns" decode(De::string_list),
        /// DNS options.
        pub dns_opt: Vec<String> = "dns_opt",
        /// DNS search domains.
        pub dns_search: StringList = "dns_search" decode(De::string_list),
        /// Legacy top-level `dockerfile`.
        pub dockerfile: String = "dockerfile",
        /// Domain name.
        pub domainname: String = "domainname",
        /// Overrides the image's entrypoint; always printed (`null` when unset).
        pub entrypoint: ShellCommand = "entrypoint" json(always) decode(De::shell_command),
        /// Service implemented by a provider plugin.
        pub provider: Option<Box<ServiceProviderConfig>> = "provider",
        /// Environment variables (`None`: to be taken from the shell).
        pub environment: MappingWithEquals = "environment" decode(De::mapping_with_equals),
        /// Files of environment variables.
        pub env_files: Vec<EnvFile> = "env_file" decode(De::env_files),
        /// Exposed ports.
        pub expose: StringOrNumberList = "expose" decode(De::string_or_number_list),
        /// The service this one extends (kept only when not resolved).
        pub extends: Option<Box<ExtendsConfig>> = "extends",
        /// Links to containers outside the project.
        pub external_links: Vec<String> = "external_links",
        /// Extra `/etc/hosts` entries.
        pub extra_hosts: HostsList = "extra_hosts" decode(De::hosts_list),
        /// Additional groups.
        pub group_add: Vec<String> = "group_add",
        /// GPU requests.
        pub gpus: Vec<DeviceRequest> = "gpus",
        /// Host name.
        pub hostname: String = "hostname",
        /// Health check.
        pub healthcheck: Option<Box<HealthCheckConfig>> = "healthcheck",
        /// Image.
        pub image: String = "image",
        /// Run an init process.
        pub init: Option<bool> = "init",
        /// IPC mode.
        pub ipc: String = "ipc",
        /// Isolation technology.
        pub isolation: String = "isolation",
        /// Container labels.
        pub labels: Labels = "labels" decode(De::labels),
        /// Files of labels.
        pub label_files: Vec<String> = "label_file",
        /// Labels added by the tool (never printed).
        pub custom_labels: Labels = _,
        /// Legacy links.
        pub links: Vec<String> = "links",
        /// Logging driver and options.
        pub logging: Option<Box<LoggingConfig>> = "logging",
        /// Legacy `log_driver`.
        pub log_driver: String = "log_driver",
        /// Legacy `log_opt`.
        pub log_opt: BTreeMap<String, String> = "log_opt",
        /// Memory limit.
        pub mem_limit: UnitBytes = "mem_limit",
        /// Memory soft limit.
        pub mem_reservation: UnitBytes = "mem_reservation",
        /// Memory plus swap limit.
        pub memswap_limit: UnitBytes = "memswap_limit",
        /// Swappiness (compose-go types it as a byte size).
        pub mem_swappiness: UnitBytes = "mem_swappiness",
        /// MAC address.
        pub mac_address: String = "mac_address",
        /// Models used by the service (`None`: no settings).
        pub models: BTreeMap<String, Option<ServiceModelConfig>> = "models",
        /// Legacy `net`.
        pub net: String = "net",
        /// Network mode.
        pub network_mode: String = "network_mode",
        /// Networks joined (`None`: no settings).
        pub networks: BTreeMap<String, Option<Box<ServiceNetworkConfig>>> = "networks",
        /// Disable the OOM killer.
        pub oom_kill_disable: bool = "oom_kill_disable",
        /// OOM score adjustment.
        pub oom_score_adj: i64 = "oom_score_adj",
        /// PID mode.
        pub pid: String = "pid",
        /// PIDs limit.
        pub pids_limit: i64 = "pids_limit",
        /// Target platform.
        pub platform: String = "platform",
        /// Published ports.
        pub ports: Vec<ServicePortConfig> = "ports",
        /// Privileged mode.
        pub privileged: bool = "privileged",
        /// Pull policy.
        pub pull_policy: String = "pull_policy",
        /// Read-only root filesystem.
        pub read_only: bool = "read_only",
        /// Restart policy.
        pub restart: String = "restart",
        /// Container runtime.
        pub runtime: String = "runtime",
        /// Number of containers.
        pub scale: Option<i64> = "scale",
        /// Secrets given to the service.
        pub secrets: Vec<ServiceSecretConfig> = "secrets",
        /// Security options.
        pub security_opt: Vec<String> = "security_opt",
        /// Size of `/dev/shm`.
        pub shm_size: UnitBytes = "shm_size",
        /// Keep stdin open.
        pub stdin_open: bool = "stdin_open",
        /// Time to wait before killing.
        pub stop_grace_period: Option<Duration> = "stop_grace_period",
        /// Stop signal.
        pub stop_signal: String = "stop_signal",
        /// Storage driver options.
        pub storage_opt: BTreeMap<String, String> = "storage_opt",
        /// Kernel parameters.
        pub sysctls: Mapping = "sysctls" decode(De::mapping),
        /// tmpfs mounts.
        pub tmpfs: StringList = "tmpfs" decode(De::string_list),
        /// Allocate a TTY.
        pub tty: bool = "tty",
        /// Resource limits (`None`: written as null).
        pub ulimits: BTreeMap<String, Option<UlimitsConfig>> = "ulimits" decode(De::ulimits),
        /// Mount the Docker API socket.
        pub use_api_socket: bool = "use_api_socket",
        /// User.
        pub user: String = "user",
        /// User namespace mode.
        pub userns_mode: String = "userns_mode",
        /// UTS namespace mode.
        pub uts: String = "uts",
        /// Legacy volume driver.
        pub volume_driver: String = "volume_driver",
        /// Mounts.
        pub volumes: Vec<ServiceVolumeConfig> = "volumes",
        /// Mount all volumes of other services or containers.
        pub volumes_from: Vec<String> = "volumes_from",
        /// Working directory.
        pub working_dir: String = "working_dir",
        /// Hooks run after the container starts.
        pub post_start: Vec<ServiceHook> = "post_start",
        /// Hooks run before the container stops.
        pub pre_stop: Vec<ServiceHook> = "pre_stop",
        /// `x-*` keys.
        pub extensions: Extensions = inline,
    }
}

model_struct! {
    /// A service implemented by a provider plugin (compose-go's `ServiceProviderConfig`).
    #[derive(Debug, Clone, PartialEq, Default)]
    pub struct ServiceProviderConfig {
        /// Provider type (plugin name).
        pub r#type: String = "type",
        /// Options passed to the provider.
        pub options: MultiOptions = "options" decode(De::multi_options),
        /// `x-*` keys.
        pub extensions: Extensions = inline,
    }
}

model_struct! {
    /// `build` (compose-go's `BuildConfig`).
    #[derive(Debug, Clone, PartialEq, Default)]
    pub struct BuildConfig {
        /// Build context (path or URL).
        pub context: String = "context",
        /// Dockerfile path, relative to the context.
        pub dockerfile: String = "dockerfile",
        /// Inline Dockerfile.
        pub dockerfile_inline: String = "dockerfile_inline",
        /// Extra privileges.
        pub entitlements: Vec<String> = "entitlements",
        /// Build arguments (`None`: from the environment).
        pub args: MappingWithEquals = "args" decode(De::mapping_with_equals),
        /// Provenance attestation.
        pub provenance: String = "provenance",
        /// SBOM attestation.
        pub sbom: String = "sbom",
        /// SSH agent sockets or keys.
        pub ssh: SshConfig = "ssh" decode(De::ssh_config),
        /// Image labels.
        pub labels: Labels = "labels" decode(De::labels),
        /// Cache sources.
        pub cache_from: StringList = "cache_from" decode(De::string_list),
        /// Cache destinations.
        pub cache_to: StringList = "cache_to" decode(De::string_list),
        /// Build without cache.
        pub no_cache: bool = "no_cache",
        /// Named extra contexts.
        pub additional_contexts: Mapping = "additional_contexts" decode(De::mapping),
        /// Always pull base images.
        pub pull: bool = "pull",
        /// Extra `/etc/hosts` entries during the build.
        pub extra_hosts: HostsList = "extra_hosts" decode(De::hosts_list),
        /// Isolation technology.
        pub isolation: String = "isolation",
        /// Network for `RUN` steps.
        pub network: String = "network",
        /// Build stage.
        pub target: String = "target",
        /// Secrets given to the build.
        pub secrets: Vec<ServiceSecretConfig> = "secrets",
        /// Size of `/dev/shm` during the build.
        pub shm_size: UnitBytes = "shm_size",
        /// Extra image tags.
        pub tags: StringList = "tags" decode(De::string_list),
        /// Resource limits during the build.
        pub ulimits: BTreeMap<String, Option<UlimitsConfig>> = "ulimits" decode(De::ulimits),
        /// Target platforms.
        pub platforms: StringList = "platforms" decode(De::string_list),
        /// Privileged build.
        pub privileged: bool = "privileged",
        /// `x-*` keys.
        pub extensions: Extensions = inline,
    }
}

model_struct! {
    /// `blkio_config` (compose-go's `BlkioConfig`).
    #[derive(Debug, Clone, PartialEq, Default)]
    pub struct BlkioConfig {
        /// Relative weight.
        pub weight: u16 = "weight",
        /// Per-device weights.
        pub weight_device: Vec<WeightDevice> = "weight_device",
        /// Read rate limits in bytes per second.
        pub device_read_bps: Vec<ThrottleDevice> = "device_read_bps",
        /// Read rate limits in operations per second.
        pub device_read_iops: Vec<ThrottleDevice> = "device_read_iops",
        /// Write rate limits in bytes per second.
        pub device_write_bps: Vec<ThrottleDevice> = "device_write_bps",
        /// Write rate limits in operations per second.
        pub device_write_iops: Vec<ThrottleDevice> = "device_write_iops",
        /// `x-*` keys.
        pub extensions: Extensions = inline,
    }
}

model_struct! {
    /// A host device mapped into the container (compose-go's `DeviceMapping`).
    #[derive(Debug, Clone, PartialEq, Default)]
    pub struct DeviceMapping {
        /// Host path.
        pub source: String = "source",
        /// Container path.
        pub target: String = "target",
        /// cgroup permissions (`rwm`).
        pub permissions: String = "permissions",
        /// `x-*` keys.
        pub extensions: Extensions = inline,
    }
}

model_struct! {
    /// A device and its weight (compose-go's `WeightDevice`; Go prints its fields capitalised).
    #[derive(Debug, Clone, PartialEq, Default)]
    pub struct WeightDevice {
        /// Device path.
        pub path: String = "path" json("Path", always) yaml(always) decode("Path"),
        /// Weight.
        pub weight: u16 = "weight" json("Weight", always) yaml(always) decode("Weight"),
        /// `x-*` keys.
        pub extensions: Extensions = inline,
    }
}

model_struct! {
    /// A device and its rate limit (compose-go's `ThrottleDevice`; Go prints its fields capitalised).
    #[derive(Debug, Clone, PartialEq, Default)]
    pub struct ThrottleDevice {
        /// Device path.
        pub path: String = "path" json("Path", always) yaml(always) decode("Path"),
        /// Rate.
        pub rate: UnitBytes = "rate" json("Rate", always) yaml(always) decode("Rate"),
        /// `x-*` keys.
        pub extensions: Extensions = inline,
    }
}

model_struct! {
    /// `logging` (compose-go's `LoggingConfig`).
    #[derive(Debug, Clone, PartialEq, Default)]
    pub struct LoggingConfig {
        /// Logging driver.
        pub driver: String = "driver",
        /// Driver options.
        pub options: Options = "options" decode(De::options),
        /// `x-*` keys.
        pub extensions: Extensions = inline,
    }
}

model_struct! {
    /// `deploy` (compose-go's `DeployConfig`).
    #[derive(Debug, Clone, PartialEq, Default)]
    pub struct DeployConfig {
        /// `replicated`, `global`...
        pub mode: String = "mode",
        /// Number of replicas.
        pub replicas: Option<i64> = "replicas",
        /// Service labels.
        pub labels: Labels = "labels" decode(De::labels),
        /// Rolling update settings.
        pub update_config: Option<UpdateConfig> = "update_config",
        /// Rollback settings.
        pub rollback_config: Option<UpdateConfig> = "rollback_config",
        /// Resource limits and reservations (always printed).
        pub resources: Resources = "resources",
        /// Restart policy.
        pub restart_policy: Option<RestartPolicy> = "restart_policy",
        /// Placement (always printed).
        pub placement: Placement = "placement",
        /// `vip` or `dnsrr`.
        pub endpoint_mode: String = "endpoint_mode",
        /// `x-*` keys.
        pub extensions: Extensions = inline,
    }
}

model_struct! {
    /// `deploy.update_config` / `deploy.rollback_config` (compose-go's `UpdateConfig`).
    #[derive(Debug, Clone, PartialEq, Default)]
    pub struct UpdateConfig {
        /// Containers updated at once.
        pub parallelism: Option<u64> = "parallelism",
        /// Delay between groups.
        pub delay: Duration = "delay",
        /// What to do on failure.
        pub failure_action: String = "failure_action",
        /// How long to monitor for failure.
        pub monitor: Duration = "monitor",
        /// Tolerated failure rate.
        pub max_failure_ratio: f32 = "max_failure_ratio",
        /// `stop-first` or `start-first`.
        pub order: String = "order",
        /// `x-*` keys.
        pub extensions: Extensions = inline,
    }
}

model_struct! {
    /// `deploy.resources` (compose-go's `Resources`).
    #[derive(Debug, Clone, PartialEq, Default)]
    pub struct Resources {
        /// Limits.
        pub limits: Option<Resource> = "limits",
        /// Reservations.
        pub reservations: Option<Resource> = "reservations",
        /// `x-*` keys.
        pub extensions: Extensions = inline,
    }
}

model_struct! {
    /// A limit or reservation (compose-go's `Resource`).
    #[derive(Debug, Clone, PartialEq, Default)]
    pub struct Resource {
        /// Number of CPUs (compose-go's `NanoCPUs`, a float32).
        pub cpus: f32 = "cpus" decode(De::nano_cpus),
        /// Memory.
        pub memory: UnitBytes = "memory",
        /// PIDs.
        pub pids: i64 = "pids",
        /// Device requests.
        pub devices: Vec<DeviceRequest> = "devices",
        /// Generic (swarm) resources.
        pub generic_resources: Vec<GenericResource> = "generic_resources",
        /// `x-*` keys.
        pub extensions: Extensions = inline,
    }
}

model_struct! {
    /// A user-defined resource (compose-go's `GenericResource`).
    #[derive(Debug, Clone, PartialEq, Default)]
    pub struct GenericResource {
        /// A countable resource.
        pub discrete_resource_spec: Option<DiscreteGenericResource> = "discrete_resource_spec",
        /// `x-*` keys.
        pub extensions: Extensions = inline,
    }
}

model_struct! {
    /// A countable resource (compose-go's `DiscreteGenericResource`).
    #[derive(Debug, Clone, PartialEq, Default)]
    pub struct DiscreteGenericResource {
        /// Kind (`GPU`, `SSD`...).
        pub kind: String = "kind" json(always) yaml(always) decode("Kind"),
        /// Count.
        pub value: i64 = "value" json(always) yaml(always) decode("Value"),
        /// `x-*` keys.
        pub extensions: Extensions = inline,
    }
}

model_struct! {
    /// `deploy.restart_policy` (compose-go's `RestartPolicy`).
    #[derive(Debug, Clone, PartialEq, Default)]
    pub struct RestartPolicy {
        /// `none`, `on-failure`, `any`.
        pub condition: String = "condition",
        /// Delay between attempts.
        pub delay: Option<Duration> = "delay",
        /// Maximum attempts.
        pub max_attempts: Option<u64> = "max_attempts",
        /// Window to decide whether a restart succeeded.
        pub window: Option<Duration> = "window",
        /// `x-*` keys.
        pub extensions: Extensions = inline,
    }
}

model_struct! {
    /// `deploy.placement` (compose-go's `Placement`).
    #[derive(Debug, Clone, PartialEq, Default)]
    pub struct Placement {
        /// Constraints.
        pub constraints: Vec<String> = "constraints",
        /// Preferences.
        pub preferences: Vec<PlacementPreferences> = "preferences",
        /// Maximum replicas per node.
        pub max_replicas: u64 = "max_replicas_per_node",
        /// `x-*` keys.
        pub extensions: Extensions = inline,
    }
}

model_struct! {
    /// A placement preference (compose-go's `PlacementPreferences`).
    #[derive(Debug, Clone, PartialEq, Default)]
    pub struct PlacementPreferences {
        /// Spread over this node label.
        pub spread: String = "spread",
        /// `x-*` keys.
        pub extensions: Extensions = inline,
    }
}

model_struct! {
    /// A device request, for `gpus` and `deploy.resources.*.devices` (compose-go's `DeviceRequest`).
    #[derive(Debug, Clone, PartialEq, Default)]
    pub struct DeviceRequest {
        /// Capabilities (`gpu`...).
        pub capabilities: Vec<String> = "capabilities",
        /// Driver.
        pub driver: String = "driver",
        /// Number of devices, `-1` for all.
        pub count: DeviceCount = "count" decode(De::device_count),
        /// Device ids.
        pub ids: Vec<String> = "device_ids",
        /// Driver options.
        pub options: Mapping = "options" decode(De::mapping),
    }
}

model_struct! {
    /// A service's settings on one network (compose-go's `ServiceNetworkConfig`).
    #[derive(Debug, Clone, PartialEq, Default)]
    pub struct ServiceNetworkConfig {
        /// Extra DNS names.
        pub aliases: Vec<String> = "aliases",
        /// Endpoint driver options.
        pub driver_opts: Options = "driver_opts" decode(De::options),
        /// Gateway priority.
        pub gateway_priority: i64 = "gw_priority",
        /// Interface name.
        pub interface_name: String = "interface_name",
        /// Static IPv4 address.
        pub ipv4_address: String = "ipv4_address",
        /// Static IPv6 address.
        pub ipv6_address: String = "ipv6_address",
        /// Link-local addresses.
        pub link_local_ips: Vec<String> = "link_local_ips",
        /// MAC address.
        pub mac_address: String = "mac_address",
        /// Connection order priority.
        pub priority: i64 = "priority",
        /// `x-*` keys.
        pub extensions: Extensions = inline,
    }
}

model_struct! {
    /// A published port (compose-go's `ServicePortConfig`).
    #[derive(Debug, Clone, PartialEq, Default)]
    pub struct ServicePortConfig {
        /// Port name.
        pub name: String = "name",
        /// `ingress` or `host`.
        pub mode: String = "mode",
        /// Host IP to bind.
        pub host_ip: String = "host_ip",
        /// Container port.
        pub target: u32 = "target",
        /// Host port or range (a string).
        pub published: String = "published",
        /// `tcp`, `udp`, `sctp`.
        pub protocol: String = "protocol",
        /// Application protocol.
        pub app_protocol: String = "app_protocol",
        /// `x-*` keys.
        pub extensions: Extensions = inline,
    }
}

model_struct! {
    /// A mount (compose-go's `ServiceVolumeConfig`).
    #[derive(Debug, Clone, PartialEq, Default)]
    pub struct ServiceVolumeConfig {
        /// `volume`, `bind`, `tmpfs`, `npipe`, `cluster`, `image`.
        pub r#type: String = "type",
        /// Volume name, host path or image.
        pub source: String = "source",
        /// Container path.
        pub target: String = "target",
        /// Read-only mount.
        pub read_only: bool = "read_only",
        /// Consistency requirement.
        pub consistency: String = "consistency",
        /// Bind options.
        pub bind: Option<ServiceVolumeBind> = "bind",
        /// Volume options.
        pub volume: Option<ServiceVolumeVolume> = "volume",
        /// tmpfs options.
        pub tmpfs: Option<ServiceVolumeTmpfs> = "tmpfs",
        /// Image options.
        pub image: Option<ServiceVolumeImage> = "image",
        /// `x-*` keys.
        pub extensions: Extensions = inline,
    }
}

model_struct! {
    /// Bind mount options (compose-go's `ServiceVolumeBind`).
    #[derive(Debug, Clone, PartialEq, Default)]
    pub struct ServiceVolumeBind {
        /// SELinux relabelling (`z` or `Z`).
        pub selinux: String = "selinux",
        /// Propagation mode.
        pub propagation: String = "propagation",
        /// Create the host path when missing.
        pub create_host_path: bool = "create_host_path",
        /// Recursive read-only mode.
        pub recursive: String = "recursive",
        /// `x-*` keys.
        pub extensions: Extensions = inline,
    }
}

model_struct! {
    /// Volume mount options (compose-go's `ServiceVolumeVolume`).
    #[derive(Debug, Clone, PartialEq, Default)]
    pub struct ServiceVolumeVolume {
        /// Labels.
        pub labels: Mapping = "labels" decode(De::mapping),
        /// Do not copy image data into the volume.
        pub nocopy: bool = "nocopy",
        /// Sub-path of the volume.
        pub subpath: String = "subpath",
        /// `x-*` keys.
        pub extensions: Extensions = inline,
    }
}

model_struct! {
    /// tmpfs mount options (compose-go's `ServiceVolumeTmpfs`).
    #[derive(Debug, Clone, PartialEq, Default)]
    pub struct ServiceVolumeTmpfs {
        /// Size.
        pub size: UnitBytes = "size",
        /// File mode.
        pub mode: u32 = "mode",
        /// `x-*` keys.
        pub extensions: Extensions = inline,
    }
}

model_struct! {
    /// Image mount options (compose-go's `ServiceVolumeImage`).
    #[derive(Debug, Clone, PartialEq, Default)]
    pub struct ServiceVolumeImage {
        /// Sub-path of the image.
        pub subpath: String = "subpath",
        /// `x-*` keys.
        pub extensions: Extensions = inline,
    }
}

model_struct! {
    /// A secret or config given to a service or build (compose-go's `FileReferenceConfig`).
    #[derive(Debug, Clone, PartialEq, Default)]
    pub struct FileReferenceConfig {
        /// Name of the project-level secret or config.
        pub source: String = "source",
        /// Path in the container.
        pub target: String = "target",
        /// Owner uid.
        pub uid: String = "uid",
        /// Owner gid.
        pub gid: String = "gid",
        /// File mode.
        pub mode: Option<FileMode> = "mode",
        /// `x-*` keys.
        pub extensions: Extensions = inline,
    }
}

/// A config given to a service (compose-go's `ServiceConfigObjConfig`).
pub type ServiceConfigObjConfig = FileReferenceConfig;

/// A secret given to a service or build (compose-go's `ServiceSecretConfig`).
pub type ServiceSecretConfig = FileReferenceConfig;

model_struct! {
    /// Windows credential spec (compose-go's `CredentialSpecConfig`).
    #[derive(Debug, Clone, PartialEq, Default)]
    pub struct CredentialSpecConfig {
        /// A config holding the spec.
        pub config: String = "config",
        /// A file holding the spec.
        pub file: String = "file",
        /// A registry value holding the spec.
        pub registry: String = "registry",
        /// `x-*` keys.
        pub extensions: Extensions = inline,
    }
}

/// `depends_on` (compose-go's `DependsOnConfig`): service name to condition.
pub type DependsOnConfig = BTreeMap<String, ServiceDependency>;

model_struct! {
    /// One dependency (compose-go's `ServiceDependency`).
    #[derive(Debug, Clone, PartialEq, Default)]
    pub struct ServiceDependency {
        /// `service_started`, `service_healthy`, `service_completed_successfully`.
        pub condition: String = "condition",
        /// Restart this service when the dependency restarts.
        pub restart: bool = "restart",
        /// Whether the dependency must exist (always printed).
        pub required: bool = "required" json(always) yaml(always),
        /// `x-*` keys.
        pub extensions: Extensions = inline,
    }
}

model_struct! {
    /// `extends` (compose-go's `ExtendsConfig`).
    #[derive(Debug, Clone, PartialEq, Eq, Default)]
    pub struct ExtendsConfig {
        /// File holding the base service.
        pub file: String = "file",
        /// Base service.
        pub service: String = "service",
    }
}

model_struct! {
    /// `healthcheck` (compose-go's `HealthCheckConfig`).
    #[derive(Debug, Clone, PartialEq, Default)]
    pub struct HealthCheckConfig {
        /// The test command.
        pub test: HealthCheckTest = "test" decode(De::healthcheck_test),
        /// Timeout of one check.
        pub timeout: Option<Duration> = "timeout",
        /// Interval between checks.
        pub interval: Option<Duration> = "interval",
        /// Failures before unhealthy.
        pub retries: Option<u64> = "retries",
        /// Start period.
        pub start_period: Option<Duration> = "start_period",
        /// Interval during the start period.
        pub start_interval: Option<Duration> = "start_interval",
        /// Disable the image's health check.
        pub disable: bool = "disable",
        /// `x-*` keys.
        pub extensions: Extensions = inline,
    }
}

model_struct! {
    /// `develop` (compose-go's `DevelopConfig`).
    #[derive(Debug, Clone, PartialEq, Default)]
    pub struct DevelopConfig {
        /// Watch rules.
        pub watch: Vec<Trigger> = "watch",
        /// `x-*` keys.
        pub extensions: Extensions = inline,
    }
}

model_struct! {
    /// A `develop.watch` rule (compose-go's `Trigger`).
    #[derive(Debug, Clone, PartialEq, Default)]
    pub struct Trigger {
        /// Watched path (always printed).
        pub path: String = "path" json(always) yaml(always),
        /// `sync`, `rebuild`, `restart`, `sync+restart`, `sync+exec` (always printed).
        pub action: String = "action" json(always) yaml(always),
        /// Path in the container.
        pub target: String = "target",
        /// Command for `sync+exec` (always printed).
        pub exec: ServiceHook = "exec",
        /// Patterns to include.
        pub include: Vec<String> = "include",
        /// Patterns to ignore.
        pub ignore: Vec<String> = "ignore",
        /// Sync everything when starting.
        pub initial_sync: bool = "initial_sync",
        /// `x-*` keys.
        pub extensions: Extensions = inline,
    }
}

model_struct! {
    /// A lifecycle hook or watch command (compose-go's `ServiceHook`).
    #[derive(Debug, Clone, PartialEq, Default)]
    pub struct ServiceHook {
        /// Command (always printed, `null` when unset).
        pub command: ShellCommand = "command" json(always) decode(De::shell_command),
        /// User.
        pub user: String = "user",
        /// Privileged.
        pub privileged: bool = "privileged",
        /// Working directory.
        pub working_dir: String = "working_dir",
        /// Environment.
        pub environment: MappingWithEquals = "environment" decode(De::mapping_with_equals),
        /// `x-*` keys.
        pub extensions: Extensions = inline,
    }
}

model_struct! {
    /// A model used by a service (compose-go's `ServiceModelConfig`).
    #[derive(Debug, Clone, PartialEq, Default)]
    pub struct ServiceModelConfig {
        /// Variable receiving the endpoint URL.
        pub endpoint_variable: String = "endpoint_var",
        /// Variable receiving the model name.
        pub model_variable: String = "model_var",
        /// `x-*` keys.
        pub extensions: Extensions = inline,
    }
}
