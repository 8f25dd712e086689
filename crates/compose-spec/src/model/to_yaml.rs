//! The tree go-yaml v3 builds from compose-go's project for plain
//! `docker compose config` (YAML), as an ordered `serde_json::Value` for the
//! YAML emitter.
//!
//! It differs from the JSON form in what compose-go's `yaml` tags and
//! `MarshalYAML` methods say: empty structs are dropped too (`omitempty`
//! looks inside structs), unset `command`/`entrypoint` are dropped, `x-*`
//! keys are printed inline at the end of their mapping at every level,
//! `models` is printed, ulimits print `soft` and `hard` always, `env_file`
//! entries keep only `path` and `required`, ssh keys print as `id: path`,
//! and Go maps come out in go-yaml's key order (digit runs compared as
//! numbers: `a2` before `a10`).

use std::cmp::Ordering;
use std::collections::BTreeMap;

use serde_json::{Map as JMap, Number, Value};

use super::resources::{
    ConfigObjConfig, FileObjectConfig, IpamConfig, IpamPool, ModelConfig, NetworkConfig,
    SecretConfig, VolumeConfig,
};
use super::service::{
    BlkioConfig, BuildConfig, CredentialSpecConfig, DeployConfig, DevelopConfig, DeviceMapping,
    DeviceRequest, DiscreteGenericResource, ExtendsConfig, FileReferenceConfig, GenericResource,
    HealthCheckConfig, LoggingConfig, Placement, PlacementPreferences, Resource, Resources,
    RestartPolicy, ServiceConfig, ServiceDependency, ServiceHook, ServiceModelConfig,
    ServiceNetworkConfig, ServicePortConfig, ServiceProviderConfig, ServiceVolumeBind,
    ServiceVolumeConfig, ServiceVolumeImage, ServiceVolumeTmpfs, ServiceVolumeVolume,
    ThrottleDevice, Trigger, UpdateConfig, WeightDevice,
};
use super::values::{
    Duration, EnvFile, Extensions, FileMode, HostsList, SshKey, UlimitsConfig, UnitBytes,
};
use super::Project;

/// A value as go-yaml marshals it.
pub(crate) trait ToYaml {
    /// The marshalled tree.
    fn yaml(&self) -> Value;
    /// go-yaml's `isZero` (what `omitempty` drops).
    fn is_zero(&self) -> bool;
}

/// go-yaml's order of map keys (`keyList.Less` for strings): runs of digits
/// compare as numbers, letters by code point, and a letter sorts after a
/// non-letter unless a digit precedes it.
pub(crate) fn key_cmp(a: &str, b: &str) -> Ordering {
    if key_less(a, b) {
        Ordering::Less
    } else if key_less(b, a) {
        Ordering::Greater
    } else {
        Ordering::Equal
    }
}

fn is_letter(c: char) -> bool {
    c.is_alphabetic()
}

fn is_digit(c: char) -> bool {
    c.is_ascii_digit() || (!c.is_ascii() && c.is_numeric())
}

fn key_less(a: &str, b: &str) -> bool {
    let ar: Vec<char> = a.chars().collect();
    let br: Vec<char> = b.chars().collect();
    let mut digits = false;
    let n = ar.len().min(br.len());
    for i in 0..n {
        if ar[i] == br[i] {
            digits = is_digit(ar[i]);
            continue;
        }
        let al = is_letter(ar[i]);
        let bl = is_letter(br[i]);
        if al && bl {
            return ar[i] < br[i];
        }
        if al || bl {
            return if digits { al } else { bl };
        }
        let (mut an, mut bn): (i64, i64) = (0, 0);
        if ar[i] == '0' || br[i] == '0' {
            let mut j = i;
            while j > 0 && is_digit(ar[j - 1]) {
                j -= 1;
                if ar[j] != '0' {
                    an = 1;
                    bn = 1;
                    break;
                }
            }
        }
        let digit_value = |c: char| i64::from(u32::from(c).wrapping_sub(u32::from('0')));
        let mut ai = i;
        while ai < ar.len() && is_digit(ar[ai]) {
            an = an.wrapping_mul(10).wrapping_add(digit_value(ar[ai]));
            ai += 1;
        }
        let mut bi = i;
        while bi < br.len() && is_digit(br[bi]) {
            bn = bn.wrapping_mul(10).wrapping_add(digit_value(br[bi]));
            bi += 1;
        }
        if an != bn {
            return an < bn;
        }
        if ai != bi {
            return ai < bi;
        }
        return ar[i] < br[i];
    }
    ar.len() < br.len()
}

/// A YAML-decoded value (an extension) as go-yaml prints it: maps in go-yaml key order.
fn any_yaml(v: &Value) -> Value {
    match v {
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort_by(|a, b| key_cmp(a, b));
            Value::Object(
                keys.into_iter()
                    .map(|k| (k.clone(), any_yaml(&m[k])))
                    .collect(),
            )
        }
        Value::Array(items) => Value::Array(items.iter().map(any_yaml).collect()),
        _ => v.clone(),
    }
}

/// Builds a struct's mapping, field by field.
struct Obj(JMap<String, Value>);

impl Obj {
    fn new() -> Self {
        Obj(JMap::new())
    }
    /// A field with `omitempty`.
    fn omit<T: ToYaml + ?Sized>(&mut self, k: &str, v: &T) -> &mut Self {
        if !v.is_zero() {
            self.0.insert(k.to_string(), v.yaml());
        }
        self
    }
    /// A field without `omitempty`.
    fn keep<T: ToYaml + ?Sized>(&mut self, k: &str, v: &T) -> &mut Self {
        self.0.insert(k.to_string(), v.yaml());
        self
    }
    /// The inlined extensions, after every field, in go-yaml key order.
    fn ext(&mut self, e: &Extensions) -> &mut Self {
        let mut entries: Vec<(&String, &serde_json::Value)> = e.iter().collect();
        entries.sort_by(|a, b| key_cmp(a.0, b.0));
        for (k, v) in entries {
            self.0.insert(k.clone(), any_yaml(v));
        }
        self
    }
    fn done(&mut self) -> Value {
        Value::Object(std::mem::take(&mut self.0))
    }
}

impl ToYaml for String {
    fn yaml(&self) -> Value {
        Value::String(self.clone())
    }
    fn is_zero(&self) -> bool {
        self.is_empty()
    }
}

impl ToYaml for bool {
    fn yaml(&self) -> Value {
        Value::Bool(*self)
    }
    fn is_zero(&self) -> bool {
        !*self
    }
}

macro_rules! int_yaml {
    ($($t:ty),*) => {$(
        impl ToYaml for $t {
            fn yaml(&self) -> Value {
                Value::Number(Number::from(*self))
            }
            fn is_zero(&self) -> bool {
                *self == 0
            }
        }
    )*};
}
int_yaml!(i64, u64, u32, u16);

impl ToYaml for f32 {
    fn yaml(&self) -> Value {
        // go-yaml formats a float32 with its own shortest digits.
        Number::from_f64(crate::gocompat::json::widen_f32(*self)).map_or(Value::Null, Value::Number)
    }
    fn is_zero(&self) -> bool {
        *self == 0.0
    }
}

impl ToYaml for Duration {
    fn yaml(&self) -> Value {
        Value::String(self.to_string())
    }
    fn is_zero(&self) -> bool {
        self.0 == 0
    }
}

impl ToYaml for UnitBytes {
    fn yaml(&self) -> Value {
        Value::String(self.0.to_string())
    }
    fn is_zero(&self) -> bool {
        self.0 == 0
    }
}

impl ToYaml for FileMode {
    fn yaml(&self) -> Value {
        Value::String(self.to_string())
    }
    fn is_zero(&self) -> bool {
        self.0 == 0
    }
}

impl<T: ToYaml> ToYaml for Option<T> {
    fn yaml(&self) -> Value {
        self.as_ref().map_or(Value::Null, ToYaml::yaml)
    }
    fn is_zero(&self) -> bool {
        self.is_none()
    }
}

impl<T: ToYaml> ToYaml for Box<T> {
    fn yaml(&self) -> Value {
        (**self).yaml()
    }
    fn is_zero(&self) -> bool {
        (**self).is_zero()
    }
}

impl<T: ToYaml> ToYaml for Vec<T> {
    fn yaml(&self) -> Value {
        Value::Array(self.iter().map(ToYaml::yaml).collect())
    }
    fn is_zero(&self) -> bool {
        self.is_empty()
    }
}

impl<T: ToYaml> ToYaml for BTreeMap<String, T> {
    fn yaml(&self) -> Value {
        let mut keys: Vec<&String> = self.keys().collect();
        keys.sort_by(|a, b| key_cmp(a, b));
        Value::Object(
            keys.into_iter()
                .map(|k| (k.clone(), self[k].yaml()))
                .collect(),
        )
    }
    fn is_zero(&self) -> bool {
        self.is_empty()
    }
}

impl ToYaml for HostsList {
    fn yaml(&self) -> Value {
        Value::Array(self.as_list("=").into_iter().map(Value::String).collect())
    }
    fn is_zero(&self) -> bool {
        self.0.is_empty()
    }
}

impl ToYaml for SshKey {
    fn yaml(&self) -> Value {
        if self.path.is_empty() {
            Value::String(self.id.clone())
        } else {
            Value::String(format!("{}: {}", self.id, self.path))
        }
    }
    fn is_zero(&self) -> bool {
        self.id.is_empty() && self.path.is_empty()
    }
}

impl ToYaml for EnvFile {
    fn yaml(&self) -> Value {
        if self.required {
            return Value::String(self.path.clone());
        }
        let mut m = JMap::new();
        m.insert("path".into(), Value::String(self.path.clone()));
        m.insert("required".into(), Value::Bool(false));
        Value::Object(m)
    }
    fn is_zero(&self) -> bool {
        self.path.is_empty() && !self.required && self.format.is_empty()
    }
}

impl ToYaml for UlimitsConfig {
    fn yaml(&self) -> Value {
        if self.single != 0 {
            return self.single.yaml();
        }
        Obj::new()
            .keep("soft", &self.soft)
            .keep("hard", &self.hard)
            .done()
    }
    fn is_zero(&self) -> bool {
        *self == Self::default()
    }
}

/// `is_zero` for structs: Go's zero value is our `Default`.
macro_rules! zero_is_default {
    () => {
        fn is_zero(&self) -> bool {
            *self == Self::default()
        }
    };
}

impl ToYaml for ServiceConfig {
    fn yaml(&self) -> Value {
        let s = self;
        Obj::new()
            .omit("profiles", &s.profiles)
            .omit("annotations", &s.annotations)
            .omit("attach", &s.attach)
            .omit("build", &s.build)
            .omit("develop", &s.develop)
            .omit("blkio_config", &s.blkio_config)
            .omit("cap_add", &s.cap_add)
            .omit("cap_drop", &s.cap_drop)
            .omit("cgroup_parent", &s.cgroup_parent)
            .omit("cgroup", &s.cgroup)
            .omit("cpu_count", &s.cpu_count)
            .omit("cpu_percent", &s.cpu_percent)
            .omit("cpu_period", &s.cpu_period)
            .omit("cpu_quota", &s.cpu_quota)
            .omit("cpu_rt_period", &s.cpu_rt_period)
            .omit("cpu_rt_runtime", &s.cpu_rt_runtime)
            .omit("cpus", &s.cpus)
            .omit("cpuset", &s.cpuset)
            .omit("cpu_shares", &s.cpu_shares)
            .omit("command", &s.command)
            .omit("configs", &s.configs)
            .omit("container_name", &s.container_name)
            .omit("credential_spec", &s.credential_spec)
            .omit("depends_on", &s.depends_on)
            .omit("deploy", &s.deploy)
            .omit("device_cgroup_rules", &s.device_cgroup_rules)
            .omit("devices", &s.devices)
            .omit("dns", &s.dns)
            .omit("dns_opt", &s.dns_opt)
            .omit("dns_search", &s.dns_search)
            .omit("dockerfile", &s.dockerfile)
            .omit("domainname", &s.domainname)
            .omit("entrypoint", &s.entrypoint)
            .omit("provider", &s.provider)
            .omit("environment", &s.environment)
            .omit("env_file", &s.env_files)
            .omit("expose", &s.expose)
            .omit("extends", &s.extends)
            .omit("external_links", &s.external_links)
            .omit("extra_hosts", &s.extra_hosts)
            .omit("group_add", &s.group_add)
            .omit("gpus", &s.gpus)
            .omit("hostname", &s.hostname)
            .omit("healthcheck", &s.healthcheck)
            .omit("image", &s.image)
            .omit("init", &s.init)
            .omit("ipc", &s.ipc)
            .omit("isolation", &s.isolation)
            .omit("labels", &s.labels)
            .omit("label_file", &s.label_files)
            .omit("links", &s.links)
            .omit("logging", &s.logging)
            .omit("log_driver", &s.log_driver)
            .omit("log_opt", &s.log_opt)
            .omit("mem_limit", &s.mem_limit)
            .omit("mem_reservation", &s.mem_reservation)
            .omit("memswap_limit", &s.memswap_limit)
            .omit("mem_swappiness", &s.mem_swappiness)
            .omit("mac_address", &s.mac_address)
            .omit("models", &s.models)
            .omit("net", &s.net)
            .omit("network_mode", &s.network_mode)
            .omit("networks", &s.networks)
            .omit("oom_kill_disable", &s.oom_kill_disable)
            .omit("oom_score_adj", &s.oom_score_adj)
            .omit("pid", &s.pid)
            .omit("pids_limit", &s.pids_limit)
            .omit("platform", &s.platform)
            .omit("ports", &s.ports)
            .omit("privileged", &s.privileged)
            .omit("pull_policy", &s.pull_policy)
            .omit("read_only", &s.read_only)
            .omit("restart", &s.restart)
            .omit("runtime", &s.runtime)
            .omit("scale", &s.scale)
            .omit("secrets", &s.secrets)
            .omit("security_opt", &s.security_opt)
            .omit("shm_size", &s.shm_size)
            .omit("stdin_open", &s.stdin_open)
            .omit("stop_grace_period", &s.stop_grace_period)
            .omit("stop_signal", &s.stop_signal)
            .omit("storage_opt", &s.storage_opt)
            .omit("sysctls", &s.sysctls)
            .omit("tmpfs", &s.tmpfs)
            .omit("tty", &s.tty)
            .omit("ulimits", &s.ulimits)
            .omit("use_api_socket", &s.use_api_socket)
            .omit("user", &s.user)
            .omit("userns_mode", &s.userns_mode)
            .omit("uts", &s.uts)
            .omit("volume_driver", &s.volume_driver)
            .omit("volumes", &s.volumes)
            .omit("volumes_from", &s.volumes_from)
            .omit("working_dir", &s.working_dir)
            .omit("post_start", &s.post_start)
            .omit("pre_stop", &s.pre_stop)
            .ext(&s.extensions)
            .done()
    }
    fn is_zero(&self) -> bool {
        // The name is not part of the YAML form.
        ServiceConfig {
            name: String::new(),
            ..self.clone()
        } == ServiceConfig::default()
    }
}

impl ToYaml for ServiceProviderConfig {
    fn yaml(&self) -> Value {
        Obj::new()
            .omit("type", &self.r#type)
            .omit("options", &self.options)
            .ext(&self.extensions)
            .done()
    }
    zero_is_default!();
}

impl ToYaml for BuildConfig {
    fn yaml(&self) -> Value {
        let b = self;
        Obj::new()
            .omit("context", &b.context)
            .omit("dockerfile", &b.dockerfile)
            .omit("dockerfile_inline", &b.dockerfile_inline)
            .omit("entitlements", &b.entitlements)
            .omit("args", &b.args)
            .omit("provenance", &b.provenance)
            .omit("sbom", &b.sbom)
            .omit("ssh", &b.ssh)
            .omit("labels", &b.labels)
            .omit("cache_from", &b.cache_from)
            .omit("cache_to", &b.cache_to)
            .omit("no_cache", &b.no_cache)
            .omit("additional_contexts", &b.additional_contexts)
            .omit("pull", &b.pull)
            .omit("extra_hosts", &b.extra_hosts)
            .omit("isolation", &b.isolation)
            .omit("network", &b.network)
            .omit("target", &b.target)
            .omit("secrets", &b.secrets)
            .omit("shm_size", &b.shm_size)
            .omit("tags", &b.tags)
            .omit("ulimits", &b.ulimits)
            .omit("platforms", &b.platforms)
            .omit("privileged", &b.privileged)
            .ext(&b.extensions)
            .done()
    }
    zero_is_default!();
}

impl ToYaml for BlkioConfig {
    fn yaml(&self) -> Value {
        Obj::new()
            .omit("weight", &self.weight)
            .omit("weight_device", &self.weight_device)
            .omit("device_read_bps", &self.device_read_bps)
            .omit("device_read_iops", &self.device_read_iops)
            .omit("device_write_bps", &self.device_write_bps)
            .omit("device_write_iops", &self.device_write_iops)
            .ext(&self.extensions)
            .done()
    }
    zero_is_default!();
}

impl ToYaml for DeviceMapping {
    fn yaml(&self) -> Value {
        Obj::new()
            .omit("source", &self.source)
            .omit("target", &self.target)
            .omit("permissions", &self.permissions)
            .ext(&self.extensions)
            .done()
    }
    zero_is_default!();
}

impl ToYaml for WeightDevice {
    fn yaml(&self) -> Value {
        Obj::new()
            .keep("path", &self.path)
            .keep("weight", &self.weight)
            .ext(&self.extensions)
            .done()
    }
    zero_is_default!();
}

impl ToYaml for ThrottleDevice {
    fn yaml(&self) -> Value {
        Obj::new()
            .keep("path", &self.path)
            .keep("rate", &self.rate)
            .ext(&self.extensions)
            .done()
    }
    zero_is_default!();
}

impl ToYaml for LoggingConfig {
    fn yaml(&self) -> Value {
        Obj::new()
            .omit("driver", &self.driver)
            .omit("options", &self.options)
            .ext(&self.extensions)
            .done()
    }
    zero_is_default!();
}

impl ToYaml for DeployConfig {
    fn yaml(&self) -> Value {
        Obj::new()
            .omit("mode", &self.mode)
            .omit("replicas", &self.replicas)
            .omit("labels", &self.labels)
            .omit("update_config", &self.update_config)
            .omit("rollback_config", &self.rollback_config)
            .omit("resources", &self.resources)
            .omit("restart_policy", &self.restart_policy)
            .omit("placement", &self.placement)
            .omit("endpoint_mode", &self.endpoint_mode)
            .ext(&self.extensions)
            .done()
    }
    zero_is_default!();
}

impl ToYaml for UpdateConfig {
    fn yaml(&self) -> Value {
        Obj::new()
            .omit("parallelism", &self.parallelism)
            .omit("delay", &self.delay)
            .omit("failure_action", &self.failure_action)
            .omit("monitor", &self.monitor)
            .omit("max_failure_ratio", &self.max_failure_ratio)
            .omit("order", &self.order)
            .ext(&self.extensions)
            .done()
    }
    zero_is_default!();
}

impl ToYaml for Resources {
    fn yaml(&self) -> Value {
        Obj::new()
            .omit("limits", &self.limits)
            .omit("reservations", &self.reservations)
            .ext(&self.extensions)
            .done()
    }
    zero_is_default!();
}

impl ToYaml for Resource {
    fn yaml(&self) -> Value {
        Obj::new()
            .omit("cpus", &self.cpus)
            .omit("memory", &self.memory)
            .omit("pids", &self.pids)
            .omit("devices", &self.devices)
            .omit("generic_resources", &self.generic_resources)
            .ext(&self.extensions)
            .done()
    }
    zero_is_default!();
}

impl ToYaml for GenericResource {
    fn yaml(&self) -> Value {
        Obj::new()
            .omit("discrete_resource_spec", &self.discrete_resource_spec)
            .ext(&self.extensions)
            .done()
    }
    zero_is_default!();
}

impl ToYaml for DiscreteGenericResource {
    fn yaml(&self) -> Value {
        Obj::new()
            .keep("kind", &self.kind)
            .keep("value", &self.value)
            .ext(&self.extensions)
            .done()
    }
    zero_is_default!();
}

impl ToYaml for RestartPolicy {
    fn yaml(&self) -> Value {
        Obj::new()
            .omit("condition", &self.condition)
            .omit("delay", &self.delay)
            .omit("max_attempts", &self.max_attempts)
            .omit("window", &self.window)
            .ext(&self.extensions)
            .done()
    }
    zero_is_default!();
}

impl ToYaml for Placement {
    fn yaml(&self) -> Value {
        Obj::new()
            .omit("constraints", &self.constraints)
            .omit("preferences", &self.preferences)
            .omit("max_replicas_per_node", &self.max_replicas)
            .ext(&self.extensions)
            .done()
    }
    zero_is_default!();
}

impl ToYaml for PlacementPreferences {
    fn yaml(&self) -> Value {
        Obj::new()
            .omit("spread", &self.spread)
            .ext(&self.extensions)
            .done()
    }
    zero_is_default!();
}

impl ToYaml for DeviceRequest {
    fn yaml(&self) -> Value {
        Obj::new()
            .omit("capabilities", &self.capabilities)
            .omit("driver", &self.driver)
            .omit("count", &self.count)
            .omit("device_ids", &self.ids)
            .omit("options", &self.options)
            .done()
    }
    zero_is_default!();
}

impl ToYaml for ServiceNetworkConfig {
    fn yaml(&self) -> Value {
        Obj::new()
            .omit("aliases", &self.aliases)
            .omit("driver_opts", &self.driver_opts)
            .omit("gw_priority", &self.gateway_priority)
            .omit("interface_name", &self.interface_name)
            .omit("ipv4_address", &self.ipv4_address)
            .omit("ipv6_address", &self.ipv6_address)
            .omit("link_local_ips", &self.link_local_ips)
            .omit("mac_address", &self.mac_address)
            .omit("priority", &self.priority)
            .ext(&self.extensions)
            .done()
    }
    zero_is_default!();
}

impl ToYaml for ServicePortConfig {
    fn yaml(&self) -> Value {
        Obj::new()
            .omit("name", &self.name)
            .omit("mode", &self.mode)
            .omit("host_ip", &self.host_ip)
            .omit("target", &self.target)
            .omit("published", &self.published)
            .omit("protocol", &self.protocol)
            .omit("app_protocol", &self.app_protocol)
            .ext(&self.extensions)
            .done()
    }
    zero_is_default!();
}

impl ToYaml for ServiceVolumeConfig {
    fn yaml(&self) -> Value {
        Obj::new()
            .omit("type", &self.r#type)
            .omit("source", &self.source)
            .omit("target", &self.target)
            .omit("read_only", &self.read_only)
            .omit("consistency", &self.consistency)
            .omit("bind", &self.bind)
            .omit("volume", &self.volume)
            .omit("tmpfs", &self.tmpfs)
            .omit("image", &self.image)
            .ext(&self.extensions)
            .done()
    }
    zero_is_default!();
}

impl ToYaml for ServiceVolumeBind {
    fn yaml(&self) -> Value {
        Obj::new()
            .omit("selinux", &self.selinux)
            .omit("propagation", &self.propagation)
            .omit("create_host_path", &self.create_host_path)
            .omit("recursive", &self.recursive)
            .ext(&self.extensions)
            .done()
    }
    zero_is_default!();
}

impl ToYaml for ServiceVolumeVolume {
    fn yaml(&self) -> Value {
        Obj::new()
            .omit("labels", &self.labels)
            .omit("nocopy", &self.nocopy)
            .omit("subpath", &self.subpath)
            .ext(&self.extensions)
            .done()
    }
    zero_is_default!();
}

impl ToYaml for ServiceVolumeTmpfs {
    fn yaml(&self) -> Value {
        Obj::new()
            .omit("size", &self.size)
            .omit("mode", &self.mode)
            .ext(&self.extensions)
            .done()
    }
    zero_is_default!();
}

impl ToYaml for ServiceVolumeImage {
    fn yaml(&self) -> Value {
        Obj::new()
            .omit("subpath", &self.subpath)
            .ext(&self.extensions)
            .done()
    }
    zero_is_default!();
}

impl ToYaml for FileReferenceConfig {
    fn yaml(&self) -> Value {
        Obj::new()
            .omit("source", &self.source)
            .omit("target", &self.target)
            .omit("uid", &self.uid)
            .omit("gid", &self.gid)
            .omit("mode", &self.mode)
            .ext(&self.extensions)
            .done()
    }
    zero_is_default!();
}

impl ToYaml for CredentialSpecConfig {
    fn yaml(&self) -> Value {
        Obj::new()
            .omit("config", &self.config)
            .omit("file", &self.file)
            .omit("registry", &self.registry)
            .ext(&self.extensions)
            .done()
    }
    zero_is_default!();
}

impl ToYaml for ServiceDependency {
    fn yaml(&self) -> Value {
        Obj::new()
            .omit("condition", &self.condition)
            .omit("restart", &self.restart)
            .keep("required", &self.required)
            .ext(&self.extensions)
            .done()
    }
    zero_is_default!();
}

impl ToYaml for ExtendsConfig {
    fn yaml(&self) -> Value {
        Obj::new()
            .omit("file", &self.file)
            .omit("service", &self.service)
            .done()
    }
    zero_is_default!();
}

impl ToYaml for HealthCheckConfig {
    fn yaml(&self) -> Value {
        Obj::new()
            .omit("test", &self.test)
            .omit("timeout", &self.timeout)
            .omit("interval", &self.interval)
            .omit("retries", &self.retries)
            .omit("start_period", &self.start_period)
            .omit("start_interval", &self.start_interval)
            .omit("disable", &self.disable)
            .ext(&self.extensions)
            .done()
    }
    zero_is_default!();
}

impl ToYaml for DevelopConfig {
    fn yaml(&self) -> Value {
        Obj::new()
            .omit("watch", &self.watch)
            .ext(&self.extensions)
            .done()
    }
    zero_is_default!();
}

impl ToYaml for Trigger {
    fn yaml(&self) -> Value {
        Obj::new()
            .keep("path", &self.path)
            .keep("action", &self.action)
            .omit("target", &self.target)
            .omit("exec", &self.exec)
            .omit("include", &self.include)
            .omit("ignore", &self.ignore)
            .omit("initial_sync", &self.initial_sync)
            .ext(&self.extensions)
            .done()
    }
    zero_is_default!();
}

impl ToYaml for ServiceHook {
    fn yaml(&self) -> Value {
        Obj::new()
            .omit("command", &self.command)
            .omit("user", &self.user)
            .omit("privileged", &self.privileged)
            .omit("working_dir", &self.working_dir)
            .omit("environment", &self.environment)
            .ext(&self.extensions)
            .done()
    }
    zero_is_default!();
}

impl ToYaml for ServiceModelConfig {
    fn yaml(&self) -> Value {
        Obj::new()
            .omit("endpoint_var", &self.endpoint_variable)
            .omit("model_var", &self.model_variable)
            .ext(&self.extensions)
            .done()
    }
    zero_is_default!();
}

impl ToYaml for NetworkConfig {
    fn yaml(&self) -> Value {
        Obj::new()
            .omit("name", &self.name)
            .omit("driver", &self.driver)
            .omit("driver_opts", &self.driver_opts)
            .omit("ipam", &self.ipam)
            .omit("external", &self.external)
            .omit("internal", &self.internal)
            .omit("attachable", &self.attachable)
            .omit("labels", &self.labels)
            .omit("enable_ipv4", &self.enable_ipv4)
            .omit("enable_ipv6", &self.enable_ipv6)
            .ext(&self.extensions)
            .done()
    }
    zero_is_default!();
}

impl ToYaml for IpamConfig {
    fn yaml(&self) -> Value {
        Obj::new()
            .omit("driver", &self.driver)
            .omit("config", &self.config)
            .ext(&self.extensions)
            .done()
    }
    zero_is_default!();
}

impl ToYaml for IpamPool {
    fn yaml(&self) -> Value {
        Obj::new()
            .omit("subnet", &self.subnet)
            .omit("gateway", &self.gateway)
            .omit("ip_range", &self.ip_range)
            .omit("aux_addresses", &self.auxiliary_addresses)
            .ext(&self.extensions)
            .done()
    }
    zero_is_default!();
}

impl ToYaml for VolumeConfig {
    fn yaml(&self) -> Value {
        Obj::new()
            .omit("name", &self.name)
            .omit("driver", &self.driver)
            .omit("driver_opts", &self.driver_opts)
            .omit("external", &self.external)
            .omit("labels", &self.labels)
            .ext(&self.extensions)
            .done()
    }
    zero_is_default!();
}

impl ToYaml for FileObjectConfig {
    fn yaml(&self) -> Value {
        Obj::new()
            .omit("name", &self.name)
            .omit("file", &self.file)
            .omit("environment", &self.environment)
            .omit("content", &self.content)
            .omit("external", &self.external)
            .omit("labels", &self.labels)
            .omit("driver", &self.driver)
            .omit("driver_opts", &self.driver_opts)
            .omit("template_driver", &self.template_driver)
            .ext(&self.extensions)
            .done()
    }
    zero_is_default!();
}

impl ToYaml for SecretConfig {
    fn yaml(&self) -> Value {
        let mut shown = self.0.clone();
        shown.content.clear();
        shown.yaml()
    }
    zero_is_default!();
}

impl ToYaml for ConfigObjConfig {
    fn yaml(&self) -> Value {
        if self.0.environment.is_empty() {
            return self.0.yaml();
        }
        let mut shown = self.0.clone();
        shown.content.clear();
        shown.yaml()
    }
    zero_is_default!();
}

impl ToYaml for ModelConfig {
    fn yaml(&self) -> Value {
        Obj::new()
            .omit("name", &self.name)
            .omit("model", &self.model)
            .omit("context_size", &self.context_size)
            .omit("runtime_flags", &self.runtime_flags)
            .ext(&self.extensions)
            .done()
    }
    zero_is_default!();
}

/// The project as go-yaml marshals compose-go's `*Project`.
pub(crate) fn project(p: &Project) -> Value {
    Obj::new()
        .omit("name", &p.name)
        .keep("services", &p.services)
        .omit("networks", &p.networks)
        .omit("volumes", &p.volumes)
        .omit("secrets", &p.secrets)
        .omit("configs", &p.configs)
        .omit("models", &p.models)
        .ext(&p.extensions)
        .done()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_yaml_key_order() {
        let mut keys = vec![
            "a10", "a2", "a1", "b", "a", "a_b", "aB", "x-1", "80", "8080", "443",
        ];
        keys.sort_by(|a, b| key_cmp(a, b));
        assert_eq!(
            keys,
            vec!["80", "443", "8080", "a", "a_b", "a1", "a2", "a10", "aB", "b", "x-1"]
        );
    }
}
