//! Field-by-field decoding of every struct of the model, each key under its
//! compose-go YAML name and with the decoding rule of its Go type.

use crate::node::Node;

use super::decode::{De, Decode, Path};
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

/// `impl Decode` for a struct read field by field from a mapping, as
/// mapstructure does: `"key" => field` decodes the key with the field type's
/// own rule ([`De::f`]), `"key" => field with f` with the function `f`
/// ([`De::fw`]); `+ extensions` gathers the mapping's `x-*` keys into the
/// struct's `extensions`.
macro_rules! decode_fields {
    ($t:ty { $($key:literal => $field:ident $(with $f:expr)?),* $(,)? } $(+ $ext:ident)?) => {
        impl Decode for $t {
            fn decode(de: &mut De, n: &Node, p: &Path<'_>) -> Option<Self> {
                let m = de.map(n, p)?;
                let mut v = Self::default();
                $( decode_fields!(@field de, m, p, $key, v.$field $(, $f)?); )*
                $( v.$ext = de.extensions(m, p); )?
                Some(v)
            }
        }
    };
    (@field $de:ident, $m:ident, $p:ident, $key:literal, $v:ident.$field:ident) => {
        $de.f($m, $p, $key, &mut $v.$field)
    };
    (@field $de:ident, $m:ident, $p:ident, $key:literal, $v:ident.$field:ident, $f:expr) => {
        $de.fw($m, $p, $key, &mut $v.$field, $f)
    };
}

fn ulimits(
    de: &mut De,
    n: &Node,
    p: &Path<'_>,
) -> Option<std::collections::BTreeMap<String, Option<super::values::UlimitsConfig>>> {
    de.btree(n, p, |de, _, v, p| de.ulimit(v, p).map(Some))
}

decode_fields!(ServiceConfig {
    "name" => name,
    "profiles" => profiles,
    "annotations" => annotations with De::mapping,
    "attach" => attach,
    "build" => build,
    "develop" => develop,
    "blkio_config" => blkio_config,
    "cap_add" => cap_add,
    "cap_drop" => cap_drop,
    "cgroup_parent" => cgroup_parent,
    "cgroup" => cgroup,
    "cpu_count" => cpu_count,
    "cpu_percent" => cpu_percent,
    "cpu_period" => cpu_period,
    "cpu_quota" => cpu_quota,
    "cpu_rt_period" => cpu_rt_period,
    "cpu_rt_runtime" => cpu_rt_runtime,
    "cpus" => cpus,
    "cpuset" => cpuset,
    "cpu_shares" => cpu_shares,
    "command" => command with De::shell_command,
    "configs" => configs,
    "container_name" => container_name,
    "credential_spec" => credential_spec,
    "depends_on" => depends_on,
    "deploy" => deploy,
    "device_cgroup_rules" => device_cgroup_rules,
    "devices" => devices,
    "dns" => dns with De::string_list,
    "dns_opt" => dns_opt,
    "dns_search" => dns_search with De::string_list,
    "dockerfile" => dockerfile,
    "domainname" => domainname,
    "entrypoint" => entrypoint with De::shell_command,
    "provider" => provider,
    "environment" => environment with De::mapping_with_equals,
    "env_file" => env_files with |de, n, p| { de.vec(n, p, De::env_file) },
    "expose" => expose with De::string_or_number_list,
    "extends" => extends,
    "external_links" => external_links,
    "extra_hosts" => extra_hosts with De::hosts_list,
    "group_add" => group_add,
    "gpus" => gpus,
    "hostname" => hostname,
    "healthcheck" => healthcheck,
    "image" => image,
    "init" => init,
    "ipc" => ipc,
    "isolation" => isolation,
    "labels" => labels with De::labels,
    "label_file" => label_files,
    "links" => links,
    "logging" => logging,
    "log_driver" => log_driver,
    "log_opt" => log_opt,
    "mem_limit" => mem_limit,
    "mem_reservation" => mem_reservation,
    "memswap_limit" => memswap_limit,
    "mem_swappiness" => mem_swappiness,
    "mac_address" => mac_address,
    "models" => models,
    "net" => net,
    "network_mode" => network_mode,
    "networks" => networks,
    "oom_kill_disable" => oom_kill_disable,
    "oom_score_adj" => oom_score_adj,
    "pid" => pid,
    "pids_limit" => pids_limit,
    "platform" => platform,
    "ports" => ports,
    "privileged" => privileged,
    "pull_policy" => pull_policy,
    "read_only" => read_only,
    "restart" => restart,
    "runtime" => runtime,
    "scale" => scale,
    "secrets" => secrets,
    "security_opt" => security_opt,
    "shm_size" => shm_size,
    "stdin_open" => stdin_open,
    "stop_grace_period" => stop_grace_period,
    "stop_signal" => stop_signal,
    "storage_opt" => storage_opt,
    "sysctls" => sysctls with De::mapping,
    "tmpfs" => tmpfs with De::string_list,
    "tty" => tty,
    "ulimits" => ulimits with ulimits,
    "use_api_socket" => use_api_socket,
    "user" => user,
    "userns_mode" => userns_mode,
    "uts" => uts,
    "volume_driver" => volume_driver,
    "volumes" => volumes,
    "volumes_from" => volumes_from,
    "working_dir" => working_dir,
    "post_start" => post_start,
    "pre_stop" => pre_stop,
} + extensions);

decode_fields!(ServiceProviderConfig {
    "type" => r#type,
    "options" => options with De::multi_options,
} + extensions);

decode_fields!(BuildConfig {
    "context" => context,
    "dockerfile" => dockerfile,
    "dockerfile_inline" => dockerfile_inline,
    "entitlements" => entitlements,
    "args" => args with De::mapping_with_equals,
    "provenance" => provenance,
    "sbom" => sbom,
    "ssh" => ssh with De::ssh_config,
    "labels" => labels with De::labels,
    "cache_from" => cache_from with De::string_list,
    "cache_to" => cache_to with De::string_list,
    "no_cache" => no_cache,
    "additional_contexts" => additional_contexts with De::mapping,
    "pull" => pull,
    "extra_hosts" => extra_hosts with De::hosts_list,
    "isolation" => isolation,
    "network" => network,
    "target" => target,
    "secrets" => secrets,
    "shm_size" => shm_size,
    "tags" => tags with De::string_list,
    "ulimits" => ulimits with ulimits,
    "platforms" => platforms with De::string_list,
    "privileged" => privileged,
} + extensions);

decode_fields!(BlkioConfig {
    "weight" => weight,
    "weight_device" => weight_device,
    "device_read_bps" => device_read_bps,
    "device_read_iops" => device_read_iops,
    "device_write_bps" => device_write_bps,
    "device_write_iops" => device_write_iops,
} + extensions);

decode_fields!(DeviceMapping {
    "source" => source,
    "target" => target,
    "permissions" => permissions,
} + extensions);

decode_fields!(WeightDevice {
    "Path" => path,
    "Weight" => weight,
} + extensions);

decode_fields!(ThrottleDevice {
    "Path" => path,
    "Rate" => rate,
} + extensions);

decode_fields!(LoggingConfig {
    "driver" => driver,
    "options" => options with De::options,
} + extensions);

decode_fields!(DeployConfig {
    "mode" => mode,
    "replicas" => replicas,
    "labels" => labels with De::labels,
    "update_config" => update_config,
    "rollback_config" => rollback_config,
    "resources" => resources,
    "restart_policy" => restart_policy,
    "placement" => placement,
    "endpoint_mode" => endpoint_mode,
} + extensions);

decode_fields!(UpdateConfig {
    "parallelism" => parallelism,
    "delay" => delay,
    "failure_action" => failure_action,
    "monitor" => monitor,
    "max_failure_ratio" => max_failure_ratio,
    "order" => order,
} + extensions);

decode_fields!(Resources {
    "limits" => limits,
    "reservations" => reservations,
} + extensions);

decode_fields!(Resource {
    "cpus" => cpus with De::nano_cpus,
    "memory" => memory,
    "pids" => pids,
    "devices" => devices,
    "generic_resources" => generic_resources,
} + extensions);

decode_fields!(GenericResource {
    "discrete_resource_spec" => discrete_resource_spec,
} + extensions);

decode_fields!(DiscreteGenericResource {
    "Kind" => kind,
    "Value" => value,
} + extensions);

decode_fields!(RestartPolicy {
    "condition" => condition,
    "delay" => delay,
    "max_attempts" => max_attempts,
    "window" => window,
} + extensions);

decode_fields!(Placement {
    "constraints" => constraints,
    "preferences" => preferences,
    "max_replicas_per_node" => max_replicas,
} + extensions);

decode_fields!(PlacementPreferences {
    "spread" => spread,
} + extensions);

decode_fields!(DeviceRequest {
    "capabilities" => capabilities,
    "driver" => driver,
    "count" => count with De::device_count,
    "device_ids" => ids,
    "options" => options with De::mapping,
});

decode_fields!(ServiceNetworkConfig {
    "aliases" => aliases,
    "driver_opts" => driver_opts with De::options,
    "gw_priority" => gateway_priority,
    "interface_name" => interface_name,
    "ipv4_address" => ipv4_address,
    "ipv6_address" => ipv6_address,
    "link_local_ips" => link_local_ips,
    "mac_address" => mac_address,
    "priority" => priority,
} + extensions);

decode_fields!(ServicePortConfig {
    "name" => name,
    "mode" => mode,
    "host_ip" => host_ip,
    "target" => target,
    "published" => published,
    "protocol" => protocol,
    "app_protocol" => app_protocol,
} + extensions);

decode_fields!(ServiceVolumeConfig {
    "type" => r#type,
    "source" => source,
    "target" => target,
    "read_only" => read_only,
    "consistency" => consistency,
    "bind" => bind,
    "volume" => volume,
    "tmpfs" => tmpfs,
    "image" => image,
} + extensions);

decode_fields!(ServiceVolumeBind {
    "selinux" => selinux,
    "propagation" => propagation,
    "create_host_path" => create_host_path,
    "recursive" => recursive,
} + extensions);

decode_fields!(ServiceVolumeVolume {
    "labels" => labels with De::mapping,
    "nocopy" => nocopy,
    "subpath" => subpath,
} + extensions);

decode_fields!(ServiceVolumeTmpfs {
    "size" => size,
    "mode" => mode,
} + extensions);

decode_fields!(ServiceVolumeImage {
    "subpath" => subpath,
} + extensions);

decode_fields!(FileReferenceConfig {
    "source" => source,
    "target" => target,
    "uid" => uid,
    "gid" => gid,
    "mode" => mode,
} + extensions);

decode_fields!(CredentialSpecConfig {
    "config" => config,
    "file" => file,
    "registry" => registry,
} + extensions);

decode_fields!(ServiceDependency {
    "condition" => condition,
    "restart" => restart,
    "required" => required,
} + extensions);

decode_fields!(ExtendsConfig {
    "file" => file,
    "service" => service,
});

decode_fields!(HealthCheckConfig {
    "test" => test with De::healthcheck_test,
    "timeout" => timeout,
    "interval" => interval,
    "retries" => retries,
    "start_period" => start_period,
    "start_interval" => start_interval,
    "disable" => disable,
} + extensions);

decode_fields!(DevelopConfig {
    "watch" => watch,
} + extensions);

decode_fields!(Trigger {
    "path" => path,
    "action" => action,
    "target" => target,
    "exec" => exec,
    "include" => include,
    "ignore" => ignore,
    "initial_sync" => initial_sync,
} + extensions);

decode_fields!(ServiceHook {
    "command" => command with De::shell_command,
    "user" => user,
    "privileged" => privileged,
    "working_dir" => working_dir,
    "environment" => environment with De::mapping_with_equals,
} + extensions);

decode_fields!(ServiceModelConfig {
    "endpoint_var" => endpoint_variable,
    "model_var" => model_variable,
} + extensions);

decode_fields!(NetworkConfig {
    "name" => name,
    "driver" => driver,
    "driver_opts" => driver_opts with De::options,
    "ipam" => ipam,
    "external" => external,
    "internal" => internal,
    "attachable" => attachable,
    "labels" => labels with De::labels,
    "enable_ipv4" => enable_ipv4,
    "enable_ipv6" => enable_ipv6,
} + extensions);

decode_fields!(IpamConfig {
    "driver" => driver,
    "config" => config,
} + extensions);

impl Decode for IpamPool {
    fn decode(de: &mut De, n: &Node, p: &Path<'_>) -> Option<Self> {
        let m = de.map(n, p)?;
        let mut v = Self::default();
        de.f(m, p, "subnet", &mut v.subnet);
        de.f(m, p, "gateway", &mut v.gateway);
        de.f(m, p, "ip_range", &mut v.ip_range);
        de.fw(
            m,
            p,
            "aux_addresses",
            &mut v.auxiliary_addresses,
            De::mapping,
        );
        // Go names this field `Extensions` with no YAML name, so it is read
        // from a key spelled `extensions` (any case), not from `x-*` keys.
        v.extensions = de.extensions_at(m, p, "Extensions");
        Some(v)
    }
}

decode_fields!(VolumeConfig {
    "name" => name,
    "driver" => driver,
    "driver_opts" => driver_opts with De::options,
    "external" => external,
    "labels" => labels with De::labels,
} + extensions);

decode_fields!(FileObjectConfig {
    "name" => name,
    "file" => file,
    "environment" => environment,
    "content" => content,
    "external" => external,
    "labels" => labels with De::labels,
    "driver" => driver,
    "driver_opts" => driver_opts,
    "template_driver" => template_driver,
} + extensions);

impl Decode for SecretConfig {
    fn decode(de: &mut De, n: &Node, p: &Path<'_>) -> Option<Self> {
        let mut v = FileObjectConfig::decode(de, n, p)?;
        // The loader hands a secret's value read from the environment over
        // as the extension `x-#value`.
        if let Some(serde_json::Value::String(s)) = v.extensions.get(super::SECRET_VALUE_KEY) {
            v.content = s.clone();
            v.extensions.shift_remove(super::SECRET_VALUE_KEY);
        }
        Some(SecretConfig(v))
    }
}

impl Decode for ConfigObjConfig {
    fn decode(de: &mut De, n: &Node, p: &Path<'_>) -> Option<Self> {
        FileObjectConfig::decode(de, n, p).map(ConfigObjConfig)
    }
}

decode_fields!(ModelConfig {
    "name" => name,
    "model" => model,
    "context_size" => context_size,
    "runtime_flags" => runtime_flags,
} + extensions);
