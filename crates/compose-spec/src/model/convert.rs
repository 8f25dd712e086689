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

fn ulimits(
    de: &mut De,
    n: &Node,
    p: &Path<'_>,
) -> Option<std::collections::BTreeMap<String, Option<super::values::UlimitsConfig>>> {
    de.btree(n, p, |de, _, v, p| de.ulimit(v, p).map(Some))
}

impl Decode for ServiceConfig {
    fn decode(de: &mut De, n: &Node, p: &Path<'_>) -> Option<Self> {
        let m = de.map(n, p)?;
        let mut s = ServiceConfig::default();
        de.f(m, p, "name", &mut s.name);
        de.f(m, p, "profiles", &mut s.profiles);
        de.fw(m, p, "annotations", &mut s.annotations, De::mapping);
        de.f(m, p, "attach", &mut s.attach);
        de.f(m, p, "build", &mut s.build);
        de.f(m, p, "develop", &mut s.develop);
        de.f(m, p, "blkio_config", &mut s.blkio_config);
        de.f(m, p, "cap_add", &mut s.cap_add);
        de.f(m, p, "cap_drop", &mut s.cap_drop);
        de.f(m, p, "cgroup_parent", &mut s.cgroup_parent);
        de.f(m, p, "cgroup", &mut s.cgroup);
        de.f(m, p, "cpu_count", &mut s.cpu_count);
        de.f(m, p, "cpu_percent", &mut s.cpu_percent);
        de.f(m, p, "cpu_period", &mut s.cpu_period);
        de.f(m, p, "cpu_quota", &mut s.cpu_quota);
        de.f(m, p, "cpu_rt_period", &mut s.cpu_rt_period);
        de.f(m, p, "cpu_rt_runtime", &mut s.cpu_rt_runtime);
        de.f(m, p, "cpus", &mut s.cpus);
        de.f(m, p, "cpuset", &mut s.cpuset);
        de.f(m, p, "cpu_shares", &mut s.cpu_shares);
        de.fw(m, p, "command", &mut s.command, De::shell_command);
        de.f(m, p, "configs", &mut s.configs);
        de.f(m, p, "container_name", &mut s.container_name);
        de.f(m, p, "credential_spec", &mut s.credential_spec);
        de.f(m, p, "depends_on", &mut s.depends_on);
        de.f(m, p, "deploy", &mut s.deploy);
        de.f(m, p, "device_cgroup_rules", &mut s.device_cgroup_rules);
        de.f(m, p, "devices", &mut s.devices);
        de.fw(m, p, "dns", &mut s.dns, De::string_list);
        de.f(m, p, "dns_opt", &mut s.dns_opt);
        de.fw(m, p, "dns_search", &mut s.dns_search, De::string_list);
        de.f(m, p, "dockerfile", &mut s.dockerfile);
        de.f(m, p, "domainname", &mut s.domainname);
        de.fw(m, p, "entrypoint", &mut s.entrypoint, De::shell_command);
        de.f(m, p, "provider", &mut s.provider);
        de.fw(
            m,
            p,
            "environment",
            &mut s.environment,
            De::mapping_with_equals,
        );
        de.fw(m, p, "env_file", &mut s.env_files, |de, n, p| {
            de.vec(n, p, De::env_file)
        });
        de.fw(m, p, "expose", &mut s.expose, De::string_or_number_list);
        de.f(m, p, "extends", &mut s.extends);
        de.f(m, p, "external_links", &mut s.external_links);
        de.fw(m, p, "extra_hosts", &mut s.extra_hosts, De::hosts_list);
        de.f(m, p, "group_add", &mut s.group_add);
        de.f(m, p, "gpus", &mut s.gpus);
        de.f(m, p, "hostname", &mut s.hostname);
        de.f(m, p, "healthcheck", &mut s.healthcheck);
        de.f(m, p, "image", &mut s.image);
        de.f(m, p, "init", &mut s.init);
        de.f(m, p, "ipc", &mut s.ipc);
        de.f(m, p, "isolation", &mut s.isolation);
        de.fw(m, p, "labels", &mut s.labels, De::labels);
        de.f(m, p, "label_file", &mut s.label_files);
        de.f(m, p, "links", &mut s.links);
        de.f(m, p, "logging", &mut s.logging);
        de.f(m, p, "log_driver", &mut s.log_driver);
        de.f(m, p, "log_opt", &mut s.log_opt);
        de.f(m, p, "mem_limit", &mut s.mem_limit);
        de.f(m, p, "mem_reservation", &mut s.mem_reservation);
        de.f(m, p, "memswap_limit", &mut s.memswap_limit);
        de.f(m, p, "mem_swappiness", &mut s.mem_swappiness);
        de.f(m, p, "mac_address", &mut s.mac_address);
        de.f(m, p, "models", &mut s.models);
        de.f(m, p, "net", &mut s.net);
        de.f(m, p, "network_mode", &mut s.network_mode);
        de.f(m, p, "networks", &mut s.networks);
        de.f(m, p, "oom_kill_disable", &mut s.oom_kill_disable);
        de.f(m, p, "oom_score_adj", &mut s.oom_score_adj);
        de.f(m, p, "pid", &mut s.pid);
        de.f(m, p, "pids_limit", &mut s.pids_limit);
        de.f(m, p, "platform", &mut s.platform);
        de.f(m, p, "ports", &mut s.ports);
        de.f(m, p, "privileged", &mut s.privileged);
        de.f(m, p, "pull_policy", &mut s.pull_policy);
        de.f(m, p, "read_only", &mut s.read_only);
        de.f(m, p, "restart", &mut s.restart);
        de.f(m, p, "runtime", &mut s.runtime);
        de.f(m, p, "scale", &mut s.scale);
        de.f(m, p, "secrets", &mut s.secrets);
        de.f(m, p, "security_opt", &mut s.security_opt);
        de.f(m, p, "shm_size", &mut s.shm_size);
        de.f(m, p, "stdin_open", &mut s.stdin_open);
        de.f(m, p, "stop_grace_period", &mut s.stop_grace_period);
        de.f(m, p, "stop_signal", &mut s.stop_signal);
        de.f(m, p, "storage_opt", &mut s.storage_opt);
        de.fw(m, p, "sysctls", &mut s.sysctls, De::mapping);
        de.fw(m, p, "tmpfs", &mut s.tmpfs, De::string_list);
        de.f(m, p, "tty", &mut s.tty);
        de.fw(m, p, "ulimits", &mut s.ulimits, ulimits);
        de.f(m, p, "use_api_socket", &mut s.use_api_socket);
        de.f(m, p, "user", &mut s.user);
        de.f(m, p, "userns_mode", &mut s.userns_mode);
        de.f(m, p, "uts", &mut s.uts);
        de.f(m, p, "volume_driver", &mut s.volume_driver);
        de.f(m, p, "volumes", &mut s.volumes);
        de.f(m, p, "volumes_from", &mut s.volumes_from);
        de.f(m, p, "working_dir", &mut s.working_dir);
        de.f(m, p, "post_start", &mut s.post_start);
        de.f(m, p, "pre_stop", &mut s.pre_stop);
        s.extensions = de.extensions(m, p);
        Some(s)
    }
}

impl Decode for ServiceProviderConfig {
    fn decode(de: &mut De, n: &Node, p: &Path<'_>) -> Option<Self> {
        let m = de.map(n, p)?;
        let mut v = Self::default();
        de.f(m, p, "type", &mut v.r#type);
        de.fw(m, p, "options", &mut v.options, De::multi_options);
        v.extensions = de.extensions(m, p);
        Some(v)
    }
}

impl Decode for BuildConfig {
    fn decode(de: &mut De, n: &Node, p: &Path<'_>) -> Option<Self> {
        let m = de.map(n, p)?;
        let mut v = Self::default();
        de.f(m, p, "context", &mut v.context);
        de.f(m, p, "dockerfile", &mut v.dockerfile);
        de.f(m, p, "dockerfile_inline", &mut v.dockerfile_inline);
        de.f(m, p, "entitlements", &mut v.entitlements);
        de.fw(m, p, "args", &mut v.args, De::mapping_with_equals);
        de.f(m, p, "provenance", &mut v.provenance);
        de.f(m, p, "sbom", &mut v.sbom);
        de.fw(m, p, "ssh", &mut v.ssh, De::ssh_config);
        de.fw(m, p, "labels", &mut v.labels, De::labels);
        de.fw(m, p, "cache_from", &mut v.cache_from, De::string_list);
        de.fw(m, p, "cache_to", &mut v.cache_to, De::string_list);
        de.f(m, p, "no_cache", &mut v.no_cache);
        de.fw(
            m,
            p,
            "additional_contexts",
            &mut v.additional_contexts,
            De::mapping,
        );
        de.f(m, p, "pull", &mut v.pull);
        de.fw(m, p, "extra_hosts", &mut v.extra_hosts, De::hosts_list);
        de.f(m, p, "isolation", &mut v.isolation);
        de.f(m, p, "network", &mut v.network);
        de.f(m, p, "target", &mut v.target);
        de.f(m, p, "secrets", &mut v.secrets);
        de.f(m, p, "shm_size", &mut v.shm_size);
        de.fw(m, p, "tags", &mut v.tags, De::string_list);
        de.fw(m, p, "ulimits", &mut v.ulimits, ulimits);
        de.fw(m, p, "platforms", &mut v.platforms, De::string_list);
        de.f(m, p, "privileged", &mut v.privileged);
        v.extensions = de.extensions(m, p);
        Some(v)
    }
}

impl Decode for BlkioConfig {
    fn decode(de: &mut De, n: &Node, p: &Path<'_>) -> Option<Self> {
        let m = de.map(n, p)?;
        let mut v = Self::default();
        de.f(m, p, "weight", &mut v.weight);
        de.f(m, p, "weight_device", &mut v.weight_device);
        de.f(m, p, "device_read_bps", &mut v.device_read_bps);
        de.f(m, p, "device_read_iops", &mut v.device_read_iops);
        de.f(m, p, "device_write_bps", &mut v.device_write_bps);
        de.f(m, p, "device_write_iops", &mut v.device_write_iops);
        v.extensions = de.extensions(m, p);
        Some(v)
    }
}

impl Decode for DeviceMapping {
    fn decode(de: &mut De, n: &Node, p: &Path<'_>) -> Option<Self> {
        let m = de.map(n, p)?;
        let mut v = Self::default();
        de.f(m, p, "source", &mut v.source);
        de.f(m, p, "target", &mut v.target);
        de.f(m, p, "permissions", &mut v.permissions);
        v.extensions = de.extensions(m, p);
        Some(v)
    }
}

impl Decode for WeightDevice {
    fn decode(de: &mut De, n: &Node, p: &Path<'_>) -> Option<Self> {
        let m = de.map(n, p)?;
        let mut v = Self::default();
        de.f(m, p, "Path", &mut v.path);
        de.f(m, p, "Weight", &mut v.weight);
        v.extensions = de.extensions(m, p);
        Some(v)
    }
}

impl Decode for ThrottleDevice {
    fn decode(de: &mut De, n: &Node, p: &Path<'_>) -> Option<Self> {
        let m = de.map(n, p)?;
        let mut v = Self::default();
        de.f(m, p, "Path", &mut v.path);
        de.f(m, p, "Rate", &mut v.rate);
        v.extensions = de.extensions(m, p);
        Some(v)
    }
}

impl Decode for LoggingConfig {
    fn decode(de: &mut De, n: &Node, p: &Path<'_>) -> Option<Self> {
        let m = de.map(n, p)?;
        let mut v = Self::default();
        de.f(m, p, "driver", &mut v.driver);
        de.fw(m, p, "options", &mut v.options, De::options);
        v.extensions = de.extensions(m, p);
        Some(v)
    }
}

impl Decode for DeployConfig {
    fn decode(de: &mut De, n: &Node, p: &Path<'_>) -> Option<Self> {
        let m = de.map(n, p)?;
        let mut v = Self::default();
        de.f(m, p, "mode", &mut v.mode);
        de.f(m, p, "replicas", &mut v.replicas);
        de.fw(m, p, "labels", &mut v.labels, De::labels);
        de.f(m, p, "update_config", &mut v.update_config);
        de.f(m, p, "rollback_config", &mut v.rollback_config);
        de.f(m, p, "resources", &mut v.resources);
        de.f(m, p, "restart_policy", &mut v.restart_policy);
        de.f(m, p, "placement", &mut v.placement);
        de.f(m, p, "endpoint_mode", &mut v.endpoint_mode);
        v.extensions = de.extensions(m, p);
        Some(v)
    }
}

impl Decode for UpdateConfig {
    fn decode(de: &mut De, n: &Node, p: &Path<'_>) -> Option<Self> {
        let m = de.map(n, p)?;
        let mut v = Self::default();
        de.f(m, p, "parallelism", &mut v.parallelism);
        de.f(m, p, "delay", &mut v.delay);
        de.f(m, p, "failure_action", &mut v.failure_action);
        de.f(m, p, "monitor", &mut v.monitor);
        de.f(m, p, "max_failure_ratio", &mut v.max_failure_ratio);
        de.f(m, p, "order", &mut v.order);
        v.extensions = de.extensions(m, p);
        Some(v)
    }
}

impl Decode for Resources {
    fn decode(de: &mut De, n: &Node, p: &Path<'_>) -> Option<Self> {
        let m = de.map(n, p)?;
        let mut v = Self::default();
        de.f(m, p, "limits", &mut v.limits);
        de.f(m, p, "reservations", &mut v.reservations);
        v.extensions = de.extensions(m, p);
        Some(v)
    }
}

impl Decode for Resource {
    fn decode(de: &mut De, n: &Node, p: &Path<'_>) -> Option<Self> {
        let m = de.map(n, p)?;
        let mut v = Self::default();
        de.fw(m, p, "cpus", &mut v.cpus, De::nano_cpus);
        de.f(m, p, "memory", &mut v.memory);
        de.f(m, p, "pids", &mut v.pids);
        de.f(m, p, "devices", &mut v.devices);
        de.f(m, p, "generic_resources", &mut v.generic_resources);
        v.extensions = de.extensions(m, p);
        Some(v)
    }
}

impl Decode for GenericResource {
    fn decode(de: &mut De, n: &Node, p: &Path<'_>) -> Option<Self> {
        let m = de.map(n, p)?;
        let mut v = Self::default();
        de.f(
            m,
            p,
            "discrete_resource_spec",
            &mut v.discrete_resource_spec,
        );
        v.extensions = de.extensions(m, p);
        Some(v)
    }
}

impl Decode for DiscreteGenericResource {
    fn decode(de: &mut De, n: &Node, p: &Path<'_>) -> Option<Self> {
        let m = de.map(n, p)?;
        let mut v = Self::default();
        de.f(m, p, "Kind", &mut v.kind);
        de.f(m, p, "Value", &mut v.value);
        v.extensions = de.extensions(m, p);
        Some(v)
    }
}

impl Decode for RestartPolicy {
    fn decode(de: &mut De, n: &Node, p: &Path<'_>) -> Option<Self> {
        let m = de.map(n, p)?;
        let mut v = Self::default();
        de.f(m, p, "condition", &mut v.condition);
        de.f(m, p, "delay", &mut v.delay);
        de.f(m, p, "max_attempts", &mut v.max_attempts);
        de.f(m, p, "window", &mut v.window);
        v.extensions = de.extensions(m, p);
        Some(v)
    }
}

impl Decode for Placement {
    fn decode(de: &mut De, n: &Node, p: &Path<'_>) -> Option<Self> {
        let m = de.map(n, p)?;
        let mut v = Self::default();
        de.f(m, p, "constraints", &mut v.constraints);
        de.f(m, p, "preferences", &mut v.preferences);
        de.f(m, p, "max_replicas_per_node", &mut v.max_replicas);
        v.extensions = de.extensions(m, p);
        Some(v)
    }
}

impl Decode for PlacementPreferences {
    fn decode(de: &mut De, n: &Node, p: &Path<'_>) -> Option<Self> {
        let m = de.map(n, p)?;
        let mut v = Self::default();
        de.f(m, p, "spread", &mut v.spread);
        v.extensions = de.extensions(m, p);
        Some(v)
    }
}

impl Decode for DeviceRequest {
    fn decode(de: &mut De, n: &Node, p: &Path<'_>) -> Option<Self> {
        let m = de.map(n, p)?;
        let mut v = Self::default();
        de.f(m, p, "capabilities", &mut v.capabilities);
        de.f(m, p, "driver", &mut v.driver);
        de.fw(m, p, "count", &mut v.count, De::device_count);
        de.f(m, p, "device_ids", &mut v.ids);
        de.fw(m, p, "options", &mut v.options, De::mapping);
        Some(v)
    }
}

impl Decode for ServiceNetworkConfig {
    fn decode(de: &mut De, n: &Node, p: &Path<'_>) -> Option<Self> {
        let m = de.map(n, p)?;
        let mut v = Self::default();
        de.f(m, p, "aliases", &mut v.aliases);
        de.fw(m, p, "driver_opts", &mut v.driver_opts, De::options);
        de.f(m, p, "gw_priority", &mut v.gateway_priority);
        de.f(m, p, "interface_name", &mut v.interface_name);
        de.f(m, p, "ipv4_address", &mut v.ipv4_address);
        de.f(m, p, "ipv6_address", &mut v.ipv6_address);
        de.f(m, p, "link_local_ips", &mut v.link_local_ips);
        de.f(m, p, "mac_address", &mut v.mac_address);
        de.f(m, p, "priority", &mut v.priority);
        v.extensions = de.extensions(m, p);
        Some(v)
    }
}

impl Decode for ServicePortConfig {
    fn decode(de: &mut De, n: &Node, p: &Path<'_>) -> Option<Self> {
        let m = de.map(n, p)?;
        let mut v = Self::default();
        de.f(m, p, "name", &mut v.name);
        de.f(m, p, "mode", &mut v.mode);
        de.f(m, p, "host_ip", &mut v.host_ip);
        de.f(m, p, "target", &mut v.target);
        de.f(m, p, "published", &mut v.published);
        de.f(m, p, "protocol", &mut v.protocol);
        de.f(m, p, "app_protocol", &mut v.app_protocol);
        v.extensions = de.extensions(m, p);
        Some(v)
    }
}

impl Decode for ServiceVolumeConfig {
    fn decode(de: &mut De, n: &Node, p: &Path<'_>) -> Option<Self> {
        let m = de.map(n, p)?;
        let mut v = Self::default();
        de.f(m, p, "type", &mut v.r#type);
        de.f(m, p, "source", &mut v.source);
        de.f(m, p, "target", &mut v.target);
        de.f(m, p, "read_only", &mut v.read_only);
        de.f(m, p, "consistency", &mut v.consistency);
        de.f(m, p, "bind", &mut v.bind);
        de.f(m, p, "volume", &mut v.volume);
        de.f(m, p, "tmpfs", &mut v.tmpfs);
        de.f(m, p, "image", &mut v.image);
        v.extensions = de.extensions(m, p);
        Some(v)
    }
}

impl Decode for ServiceVolumeBind {
    fn decode(de: &mut De, n: &Node, p: &Path<'_>) -> Option<Self> {
        let m = de.map(n, p)?;
        let mut v = Self::default();
        de.f(m, p, "selinux", &mut v.selinux);
        de.f(m, p, "propagation", &mut v.propagation);
        de.f(m, p, "create_host_path", &mut v.create_host_path);
        de.f(m, p, "recursive", &mut v.recursive);
        v.extensions = de.extensions(m, p);
        Some(v)
    }
}

impl Decode for ServiceVolumeVolume {
    fn decode(de: &mut De, n: &Node, p: &Path<'_>) -> Option<Self> {
        let m = de.map(n, p)?;
        let mut v = Self::default();
        de.fw(m, p, "labels", &mut v.labels, De::mapping);
        de.f(m, p, "nocopy", &mut v.nocopy);
        de.f(m, p, "subpath", &mut v.subpath);
        v.extensions = de.extensions(m, p);
        Some(v)
    }
}

impl Decode for ServiceVolumeTmpfs {
    fn decode(de: &mut De, n: &Node, p: &Path<'_>) -> Option<Self> {
        let m = de.map(n, p)?;
        let mut v = Self::default();
        de.f(m, p, "size", &mut v.size);
        de.f(m, p, "mode", &mut v.mode);
        v.extensions = de.extensions(m, p);
        Some(v)
    }
}

impl Decode for ServiceVolumeImage {
    fn decode(de: &mut De, n: &Node, p: &Path<'_>) -> Option<Self> {
        let m = de.map(n, p)?;
        let mut v = Self::default();
        de.f(m, p, "subpath", &mut v.subpath);
        v.extensions = de.extensions(m, p);
        Some(v)
    }
}

impl Decode for FileReferenceConfig {
    fn decode(de: &mut De, n: &Node, p: &Path<'_>) -> Option<Self> {
        let m = de.map(n, p)?;
        let mut v = Self::default();
        de.f(m, p, "source", &mut v.source);
        de.f(m, p, "target", &mut v.target);
        de.f(m, p, "uid", &mut v.uid);
        de.f(m, p, "gid", &mut v.gid);
        de.f(m, p, "mode", &mut v.mode);
        v.extensions = de.extensions(m, p);
        Some(v)
    }
}

impl Decode for CredentialSpecConfig {
    fn decode(de: &mut De, n: &Node, p: &Path<'_>) -> Option<Self> {
        let m = de.map(n, p)?;
        let mut v = Self::default();
        de.f(m, p, "config", &mut v.config);
        de.f(m, p, "file", &mut v.file);
        de.f(m, p, "registry", &mut v.registry);
        v.extensions = de.extensions(m, p);
        Some(v)
    }
}

impl Decode for ServiceDependency {
    fn decode(de: &mut De, n: &Node, p: &Path<'_>) -> Option<Self> {
        let m = de.map(n, p)?;
        let mut v = Self::default();
        de.f(m, p, "condition", &mut v.condition);
        de.f(m, p, "restart", &mut v.restart);
        v.extensions = de.extensions(m, p);
        de.f(m, p, "required", &mut v.required);
        Some(v)
    }
}

impl Decode for ExtendsConfig {
    fn decode(de: &mut De, n: &Node, p: &Path<'_>) -> Option<Self> {
        let m = de.map(n, p)?;
        let mut v = Self::default();
        de.f(m, p, "file", &mut v.file);
        de.f(m, p, "service", &mut v.service);
        Some(v)
    }
}

impl Decode for HealthCheckConfig {
    fn decode(de: &mut De, n: &Node, p: &Path<'_>) -> Option<Self> {
        let m = de.map(n, p)?;
        let mut v = Self::default();
        de.fw(m, p, "test", &mut v.test, De::healthcheck_test);
        de.f(m, p, "timeout", &mut v.timeout);
        de.f(m, p, "interval", &mut v.interval);
        de.f(m, p, "retries", &mut v.retries);
        de.f(m, p, "start_period", &mut v.start_period);
        de.f(m, p, "start_interval", &mut v.start_interval);
        de.f(m, p, "disable", &mut v.disable);
        v.extensions = de.extensions(m, p);
        Some(v)
    }
}

impl Decode for DevelopConfig {
    fn decode(de: &mut De, n: &Node, p: &Path<'_>) -> Option<Self> {
        let m = de.map(n, p)?;
        let mut v = Self::default();
        de.f(m, p, "watch", &mut v.watch);
        v.extensions = de.extensions(m, p);
        Some(v)
    }
}

impl Decode for Trigger {
    fn decode(de: &mut De, n: &Node, p: &Path<'_>) -> Option<Self> {
        let m = de.map(n, p)?;
        let mut v = Self::default();
        de.f(m, p, "path", &mut v.path);
        de.f(m, p, "action", &mut v.action);
        de.f(m, p, "target", &mut v.target);
        de.f(m, p, "exec", &mut v.exec);
        de.f(m, p, "include", &mut v.include);
        de.f(m, p, "ignore", &mut v.ignore);
        de.f(m, p, "initial_sync", &mut v.initial_sync);
        v.extensions = de.extensions(m, p);
        Some(v)
    }
}

impl Decode for ServiceHook {
    fn decode(de: &mut De, n: &Node, p: &Path<'_>) -> Option<Self> {
        let m = de.map(n, p)?;
        let mut v = Self::default();
        de.fw(m, p, "command", &mut v.command, De::shell_command);
        de.f(m, p, "user", &mut v.user);
        de.f(m, p, "privileged", &mut v.privileged);
        de.f(m, p, "working_dir", &mut v.working_dir);
        de.fw(
            m,
            p,
            "environment",
            &mut v.environment,
            De::mapping_with_equals,
        );
        v.extensions = de.extensions(m, p);
        Some(v)
    }
}

impl Decode for ServiceModelConfig {
    fn decode(de: &mut De, n: &Node, p: &Path<'_>) -> Option<Self> {
        let m = de.map(n, p)?;
        let mut v = Self::default();
        de.f(m, p, "endpoint_var", &mut v.endpoint_variable);
        de.f(m, p, "model_var", &mut v.model_variable);
        v.extensions = de.extensions(m, p);
        Some(v)
    }
}

impl Decode for NetworkConfig {
    fn decode(de: &mut De, n: &Node, p: &Path<'_>) -> Option<Self> {
        let m = de.map(n, p)?;
        let mut v = Self::default();
        de.f(m, p, "name", &mut v.name);
        de.f(m, p, "driver", &mut v.driver);
        de.fw(m, p, "driver_opts", &mut v.driver_opts, De::options);
        de.f(m, p, "ipam", &mut v.ipam);
        de.f(m, p, "external", &mut v.external);
        de.f(m, p, "internal", &mut v.internal);
        de.f(m, p, "attachable", &mut v.attachable);
        de.fw(m, p, "labels", &mut v.labels, De::labels);
        de.f(m, p, "enable_ipv4", &mut v.enable_ipv4);
        de.f(m, p, "enable_ipv6", &mut v.enable_ipv6);
        v.extensions = de.extensions(m, p);
        Some(v)
    }
}

impl Decode for IpamConfig {
    fn decode(de: &mut De, n: &Node, p: &Path<'_>) -> Option<Self> {
        let m = de.map(n, p)?;
        let mut v = Self::default();
        de.f(m, p, "driver", &mut v.driver);
        de.f(m, p, "config", &mut v.config);
        v.extensions = de.extensions(m, p);
        Some(v)
    }
}

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

impl Decode for VolumeConfig {
    fn decode(de: &mut De, n: &Node, p: &Path<'_>) -> Option<Self> {
        let m = de.map(n, p)?;
        let mut v = Self::default();
        de.f(m, p, "name", &mut v.name);
        de.f(m, p, "driver", &mut v.driver);
        de.fw(m, p, "driver_opts", &mut v.driver_opts, De::options);
        de.f(m, p, "external", &mut v.external);
        de.fw(m, p, "labels", &mut v.labels, De::labels);
        v.extensions = de.extensions(m, p);
        Some(v)
    }
}

impl Decode for FileObjectConfig {
    fn decode(de: &mut De, n: &Node, p: &Path<'_>) -> Option<Self> {
        let m = de.map(n, p)?;
        let mut v = Self::default();
        de.f(m, p, "name", &mut v.name);
        de.f(m, p, "file", &mut v.file);
        de.f(m, p, "environment", &mut v.environment);
        de.f(m, p, "content", &mut v.content);
        de.f(m, p, "external", &mut v.external);
        de.fw(m, p, "labels", &mut v.labels, De::labels);
        de.f(m, p, "driver", &mut v.driver);
        de.f(m, p, "driver_opts", &mut v.driver_opts);
        de.f(m, p, "template_driver", &mut v.template_driver);
        v.extensions = de.extensions(m, p);
        Some(v)
    }
}

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

impl Decode for ModelConfig {
    fn decode(de: &mut De, n: &Node, p: &Path<'_>) -> Option<Self> {
        let m = de.map(n, p)?;
        let mut v = Self::default();
        de.f(m, p, "name", &mut v.name);
        de.f(m, p, "model", &mut v.model);
        de.f(m, p, "context_size", &mut v.context_size);
        de.f(m, p, "runtime_flags", &mut v.runtime_flags);
        v.extensions = de.extensions(m, p);
        Some(v)
    }
}
