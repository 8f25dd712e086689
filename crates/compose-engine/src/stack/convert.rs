//! The project as Swarm objects, as `docker stack deploy` converts it
//! (docker/cli's `cli/compose/convert`): service specs named `NS_service`,
//! overlay networks `NS_key`, secrets and configs `NS_key`, every object
//! labelled `com.docker.stack.namespace=NS`. The bodies are Engine API JSON,
//! so a spec read back from the engine compares key by key.

use serde_json::{json, Map, Value};

use compose_spec::model::{Duration, FileReferenceConfig, Project, ServiceConfig, UpdateConfig};

/// The label every object of a stack carries.
pub const NAMESPACE: &str = "com.docker.stack.namespace";
/// The label docker stack deploy puts the file's image under.
pub const IMAGE: &str = "com.docker.stack.image";

/// `NS_name`.
pub fn scope(namespace: &str, name: &str) -> String {
    format!("{namespace}_{name}")
}

fn labels(namespace: &str, labels: &std::collections::BTreeMap<String, String>) -> Value {
    let mut m: Map<String, Value> = labels
        .iter()
        .map(|(k, v)| (k.clone(), Value::String(v.clone())))
        .collect();
    m.insert(NAMESPACE.into(), namespace.into());
    Value::Object(m)
}

fn nanos(d: &Duration) -> Value {
    json!(d.0)
}

fn opt_nanos(d: &Option<Duration>) -> Option<Value> {
    d.as_ref().map(nanos)
}

/// Inserts `v` under `k` when it is "set" (not null, not an empty string,
/// list or object, not false or 0): the fields Go's `omitempty` leaves out.
fn put(m: &mut Map<String, Value>, k: &str, v: Value) {
    let empty = match &v {
        Value::Null => true,
        Value::Bool(b) => !b,
        Value::Number(n) => n.as_f64() == Some(0.0),
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
    };
    if !empty {
        m.insert(k.into(), v);
    }
}

/// The network a service key refers to: `NS_key`, or its `name:`.
fn network_target(namespace: &str, project: &Project, key: &str) -> String {
    match project.networks.get(key) {
        Some(n) if !n.name.is_empty() && (n.external || n.name != scope(namespace, key)) => {
            n.name.clone()
        }
        _ => scope(namespace, key),
    }
}

/// The create body of each network the stack declares (external ones are
/// only referred to), by engine name.
pub fn networks(namespace: &str, project: &Project) -> Vec<(String, Value)> {
    let mut used: std::collections::BTreeSet<&str> = std::collections::BTreeSet::new();
    for s in project.services.values() {
        if s.networks.is_empty() {
            used.insert("default");
        }
        used.extend(s.networks.keys().map(String::as_str));
    }
    let mut out = Vec::new();
    for key in used {
        let config = project.networks.get(key).cloned().unwrap_or_default();
        if config.external {
            continue;
        }
        let name = network_target(namespace, project, key);
        let mut body = Map::new();
        body.insert("Name".into(), name.clone().into());
        body.insert(
            "Driver".into(),
            if config.driver.is_empty() {
                "overlay".into()
            } else {
                config.driver.clone().into()
            },
        );
        body.insert("Labels".into(), labels(namespace, &config.labels));
        put(&mut body, "Options", json!(config.driver_opts));
        put(&mut body, "Internal", json!(config.internal));
        put(&mut body, "Attachable", json!(config.attachable));
        out.push((name, Value::Object(body)));
    }
    out
}

/// A secret or config to create: its engine name and create body (the data
/// read from its file, base64), or `None` for an external one.
pub fn file_object(
    namespace: &str,
    key: &str,
    object: &compose_spec::model::FileObjectConfig,
    data: Option<&[u8]>,
) -> Option<(String, Value)> {
    if object.external {
        return None;
    }
    use base64::Engine as _;
    let name = if object.name.is_empty() {
        scope(namespace, key)
    } else {
        object.name.clone()
    };
    let mut body = Map::new();
    body.insert("Name".into(), name.clone().into());
    body.insert("Labels".into(), labels(namespace, &object.labels));
    body.insert(
        "Data".into(),
        base64::engine::general_purpose::STANDARD
            .encode(data.unwrap_or_default())
            .into(),
    );
    Some((name, Value::Object(body)))
}

fn file_reference(
    namespace: &str,
    r: &FileReferenceConfig,
    names: &dyn Fn(&str) -> Option<String>,
) -> Value {
    let name = names(&r.source).unwrap_or_else(|| scope(namespace, &r.source));
    // compose-go writes a secret's default target out in full; the docker
    // CLI's loader leaves it relative (the engine puts it under /run/secrets).
    let target = if r.target.is_empty() || r.target == format!("/run/secrets/{}", r.source) {
        r.source.clone()
    } else {
        r.target.clone()
    };
    json!({
        "File": {
            "Name": target,
            "UID": if r.uid.is_empty() { "0".to_string() } else { r.uid.clone() },
            "GID": if r.gid.is_empty() { "0".to_string() } else { r.gid.clone() },
            "Mode": r.mode.as_ref().map_or(0o444, |m| m.0),
        },
        "Name": name,
    })
}

fn update_config(c: &Option<UpdateConfig>) -> Option<Value> {
    let c = c.as_ref()?;
    let mut m = Map::new();
    m.insert("Parallelism".into(), json!(c.parallelism.unwrap_or(1)));
    put(&mut m, "Delay", nanos(&c.delay));
    put(&mut m, "FailureAction", json!(c.failure_action));
    put(&mut m, "Monitor", nanos(&c.monitor));
    put(&mut m, "MaxFailureRatio", json!(c.max_failure_ratio));
    put(&mut m, "Order", json!(c.order));
    Some(Value::Object(m))
}

fn mode(service: &ServiceConfig) -> Value {
    let deploy = service.deploy.as_deref();
    let replicas = deploy.and_then(|d| d.replicas).or(service.scale);
    match deploy.map_or("", |d| d.mode.as_str()) {
        "global" => json!({"Global": {}}),
        "global-job" => json!({"GlobalJob": {}}),
        "replicated-job" => {
            let mut job = Map::new();
            if let Some(r) = replicas {
                job.insert("MaxConcurrent".into(), json!(r));
                job.insert("TotalCompletions".into(), json!(r));
            }
            json!({ "ReplicatedJob": job })
        }
        _ => json!({"Replicated": {"Replicas": replicas.unwrap_or(1)}}),
    }
}

fn restart_policy(service: &ServiceConfig) -> Option<Value> {
    if let Some(p) = service
        .deploy
        .as_deref()
        .and_then(|d| d.restart_policy.as_ref())
    {
        let mut m = Map::new();
        put(&mut m, "Condition", json!(p.condition));
        if let Some(d) = opt_nanos(&p.delay) {
            m.insert("Delay".into(), d);
        }
        if let Some(n) = p.max_attempts {
            m.insert("MaxAttempts".into(), json!(n));
        }
        if let Some(w) = opt_nanos(&p.window) {
            m.insert("Window".into(), w);
        }
        return Some(Value::Object(m));
    }
    let (name, count) = service
        .restart
        .split_once(':')
        .map_or((service.restart.as_str(), 0u64), |(n, c)| {
            (n, c.parse().unwrap_or(0))
        });
    let condition = match name {
        "always" | "unless-stopped" => "any",
        "on-failure" => "on-failure",
        _ => return None,
    };
    let mut m = Map::new();
    m.insert("Condition".into(), condition.into());
    if count > 0 {
        m.insert("MaxAttempts".into(), json!(count));
    }
    Some(Value::Object(m))
}

fn resources(service: &ServiceConfig) -> Value {
    let mut m = Map::new();
    if let Some(d) = service.deploy.as_deref() {
        if let Some(l) = &d.resources.limits {
            let mut x = Map::new();
            put(
                &mut x,
                "NanoCPUs",
                json!((f64::from(l.cpus) * 1e9).round() as i64),
            );
            put(&mut x, "MemoryBytes", json!(l.memory.0));
            put(&mut x, "Pids", json!(l.pids));
            m.insert("Limits".into(), Value::Object(x));
        }
        if let Some(r) = &d.resources.reservations {
            let mut x = Map::new();
            put(
                &mut x,
                "NanoCPUs",
                json!((f64::from(r.cpus) * 1e9).round() as i64),
            );
            put(&mut x, "MemoryBytes", json!(r.memory.0));
            m.insert("Reservations".into(), Value::Object(x));
        }
    }
    Value::Object(m)
}

fn mounts(namespace: &str, project: &Project, service: &ServiceConfig) -> Vec<Value> {
    service
        .volumes
        .iter()
        .map(|v| {
            let mut m = Map::new();
            m.insert("Type".into(), v.r#type.clone().into());
            let source = match v.r#type.as_str() {
                "volume" if !v.source.is_empty() => match project.volumes.get(&v.source) {
                    Some(vol) if vol.external && !vol.name.is_empty() => vol.name.clone(),
                    Some(vol)
                        if !vol.name.is_empty()
                            && vol.name != format!("{}_{}", project.name, v.source) =>
                    {
                        vol.name.clone()
                    }
                    _ => scope(namespace, &v.source),
                },
                _ => v.source.clone(),
            };
            put(&mut m, "Source", source.into());
            m.insert("Target".into(), v.target.clone().into());
            put(&mut m, "ReadOnly", json!(v.read_only));
            if v.r#type == "volume" && !v.source.is_empty() {
                let vol = project.volumes.get(&v.source).cloned().unwrap_or_default();
                let mut opts = Map::new();
                if !vol.external {
                    opts.insert("Labels".into(), labels(namespace, &vol.labels));
                    if !vol.driver.is_empty() || !vol.driver_opts.is_empty() {
                        let mut drv = Map::new();
                        put(&mut drv, "Name", json!(vol.driver));
                        put(&mut drv, "Options", json!(vol.driver_opts));
                        opts.insert("DriverConfig".into(), Value::Object(drv));
                    }
                }
                put(&mut m, "VolumeOptions", Value::Object(opts));
            }
            Value::Object(m)
        })
        .collect()
}

/// The Engine API `ServiceSpec` of one service, as `docker stack deploy` makes it.
pub fn service_spec(namespace: &str, project: &Project, service: &ServiceConfig) -> Value {
    let deploy = service.deploy.as_deref().cloned().unwrap_or_default();
    let mut container = Map::new();
    container.insert("Image".into(), service.image.clone().into());
    put(&mut container, "Labels", labels(namespace, &service.labels));
    put(
        &mut container,
        "Command",
        json!(service.entrypoint.clone().unwrap_or_default()),
    );
    put(
        &mut container,
        "Args",
        json!(service.command.clone().unwrap_or_default()),
    );
    put(&mut container, "Hostname", json!(service.hostname));
    let mut env: Vec<String> = service
        .environment
        .iter()
        .map(|(k, v)| match v {
            Some(v) => format!("{k}={v}"),
            None => k.clone(),
        })
        .collect();
    env.sort();
    put(&mut container, "Env", json!(env));
    put(&mut container, "Dir", json!(service.working_dir));
    put(&mut container, "User", json!(service.user));
    put(
        &mut container,
        "Mounts",
        json!(mounts(namespace, project, service)),
    );
    if let Some(d) = opt_nanos(&service.stop_grace_period) {
        container.insert("StopGracePeriod".into(), d);
    }
    put(&mut container, "StopSignal", json!(service.stop_signal));
    put(&mut container, "TTY", json!(service.tty));
    put(&mut container, "OpenStdin", json!(service.stdin_open));
    put(&mut container, "ReadOnly", json!(service.read_only));
    container.insert(
        "Privileges".into(),
        json!({"CredentialSpec": null, "SELinuxContext": null, "NoNewPrivileges": false}),
    );
    let hosts: Vec<String> = service
        .extra_hosts
        .0
        .iter()
        .flat_map(|(host, ips)| ips.iter().map(move |ip| format!("{ip} {host}")))
        .collect();
    put(&mut container, "Hosts", json!(hosts));
    if !service.dns.is_empty() || !service.dns_search.is_empty() {
        let mut dns = Map::new();
        put(&mut dns, "Nameservers", json!(service.dns));
        put(&mut dns, "Search", json!(service.dns_search));
        container.insert("DNSConfig".into(), Value::Object(dns));
    }
    put(
        &mut container,
        "CapabilityAdd",
        json!(crate::convert::normalize_caps(&service.cap_add)),
    );
    put(
        &mut container,
        "CapabilityDrop",
        json!(crate::convert::normalize_caps(&service.cap_drop)),
    );
    put(&mut container, "Sysctls", json!(service.sysctls));
    let ulimits: Vec<Value> = service
        .ulimits
        .iter()
        .filter_map(|(name, u)| {
            let u = u.as_ref()?;
            let (soft, hard) = if u.single != 0 {
                (u.single, u.single)
            } else {
                (u.soft, u.hard)
            };
            Some(json!({"Name": name, "Soft": soft, "Hard": hard}))
        })
        .collect();
    put(&mut container, "Ulimits", json!(ulimits));
    put(&mut container, "Isolation", json!(service.isolation));
    if let Some(init) = service.init {
        container.insert("Init".into(), json!(init));
    }
    if let Some(h) = service.healthcheck.as_deref() {
        let mut m = Map::new();
        if h.disable {
            m.insert("Test".into(), json!(["NONE"]));
        } else {
            put(&mut m, "Test", json!(h.test));
            put(
                &mut m,
                "Interval",
                opt_nanos(&h.interval).unwrap_or(Value::Null),
            );
            put(
                &mut m,
                "Timeout",
                opt_nanos(&h.timeout).unwrap_or(Value::Null),
            );
            put(
                &mut m,
                "StartPeriod",
                opt_nanos(&h.start_period).unwrap_or(Value::Null),
            );
            put(
                &mut m,
                "StartInterval",
                opt_nanos(&h.start_interval).unwrap_or(Value::Null),
            );
            put(&mut m, "Retries", json!(h.retries.unwrap_or(0)));
        }
        container.insert("Healthcheck".into(), Value::Object(m));
    }
    let secret_name = |k: &str| {
        project
            .secrets
            .get(k)
            .and_then(|s| (!s.0.name.is_empty()).then(|| s.0.name.clone()))
    };
    let config_name = |k: &str| {
        project
            .configs
            .get(k)
            .and_then(|s| (!s.0.name.is_empty()).then(|| s.0.name.clone()))
    };
    let mut secrets: Vec<Value> = service
        .secrets
        .iter()
        .map(|r| {
            let mut v = file_reference(namespace, r, &secret_name);
            v["SecretName"] = v["Name"].take();
            v.as_object_mut().map(|o| o.remove("Name"));
            v
        })
        .collect();
    secrets.sort_by(|a, b| a["SecretName"].as_str().cmp(&b["SecretName"].as_str()));
    put(&mut container, "Secrets", json!(secrets));
    let mut configs: Vec<Value> = service
        .configs
        .iter()
        .map(|r| {
            let mut v = file_reference(namespace, r, &config_name);
            v["ConfigName"] = v["Name"].take();
            v.as_object_mut().map(|o| o.remove("Name"));
            v
        })
        .collect();
    configs.sort_by(|a, b| a["ConfigName"].as_str().cmp(&b["ConfigName"].as_str()));
    put(&mut container, "Configs", json!(configs));

    let mut nets: Vec<Value> = if service.networks.is_empty() {
        vec![("default".to_string(), None)]
    } else {
        service
            .networks
            .iter()
            .map(|(k, v)| (k.clone(), v.as_deref().cloned()))
            .collect()
    }
    .into_iter()
    .map(|(key, cfg)| {
        let target = network_target(namespace, project, &key);
        let mut aliases = cfg.as_ref().map(|c| c.aliases.clone()).unwrap_or_default();
        if !matches!(target.as_str(), "host" | "bridge" | "none") {
            aliases.push(service.name.clone());
        }
        let mut m = Map::new();
        m.insert("Target".into(), target.into());
        put(&mut m, "Aliases", json!(aliases));
        if let Some(c) = &cfg {
            put(&mut m, "DriverOpts", json!(c.driver_opts));
        }
        Value::Object(m)
    })
    .collect();
    nets.sort_by(|a, b| a["Target"].as_str().cmp(&b["Target"].as_str()));

    let mut placement = Map::new();
    put(
        &mut placement,
        "Constraints",
        json!(deploy.placement.constraints),
    );
    let prefs: Vec<Value> = deploy
        .placement
        .preferences
        .iter()
        .map(|p| json!({"Spread": {"SpreadDescriptor": p.spread}}))
        .collect();
    put(&mut placement, "Preferences", json!(prefs));
    put(
        &mut placement,
        "MaxReplicas",
        json!(deploy.placement.max_replicas),
    );

    let mut task = Map::new();
    task.insert("ContainerSpec".into(), Value::Object(container));
    put(&mut task, "Resources", resources(service));
    if let Some(r) = restart_policy(service) {
        task.insert("RestartPolicy".into(), r);
    }
    put(&mut task, "Placement", Value::Object(placement));
    put(&mut task, "Networks", json!(nets));
    if let Some(l) = service.logging.as_deref() {
        let mut d = Map::new();
        d.insert("Name".into(), l.driver.clone().into());
        put(&mut d, "Options", json!(l.options));
        task.insert("LogDriver".into(), Value::Object(d));
    }

    let mut ports: Vec<Value> = service
        .ports
        .iter()
        .map(|p| {
            let mut m = Map::new();
            m.insert(
                "Protocol".into(),
                if p.protocol.is_empty() {
                    "tcp".into()
                } else {
                    p.protocol.clone().into()
                },
            );
            m.insert("TargetPort".into(), json!(p.target));
            if let Ok(n) = p.published.parse::<u32>() {
                m.insert("PublishedPort".into(), json!(n));
            }
            m.insert(
                "PublishMode".into(),
                if p.mode.is_empty() {
                    "ingress".into()
                } else {
                    p.mode.clone().into()
                },
            );
            Value::Object(m)
        })
        .collect();
    ports.sort_by_key(|p| {
        (
            p["Protocol"].as_str().unwrap_or_default().to_string(),
            p["TargetPort"].as_u64(),
            p["PublishedPort"].as_u64(),
            p["PublishMode"].as_str().unwrap_or_default().to_string(),
        )
    });
    let mut endpoint = Map::new();
    put(
        &mut endpoint,
        "Mode",
        json!(deploy.endpoint_mode.to_lowercase()),
    );
    put(&mut endpoint, "Ports", json!(ports));

    let mut service_labels = match labels(namespace, &deploy.labels) {
        Value::Object(m) => m,
        _ => Map::new(),
    };
    service_labels.insert(IMAGE.into(), service.image.clone().into());
    let mut spec = Map::new();
    spec.insert("Name".into(), scope(namespace, &service.name).into());
    spec.insert("Labels".into(), Value::Object(service_labels));
    spec.insert("TaskTemplate".into(), Value::Object(task));
    spec.insert("Mode".into(), mode(service));
    if let Some(u) = update_config(&deploy.update_config) {
        spec.insert("UpdateConfig".into(), u);
    }
    if let Some(u) = update_config(&deploy.rollback_config) {
        spec.insert("RollbackConfig".into(), u);
    }
    spec.insert("EndpointSpec".into(), Value::Object(endpoint));
    Value::Object(spec)
}

/// Keys Swarm cannot honour, as `docker stack deploy` reports them: it
/// ignores them (a warning each).
pub fn unsupported(service: &ServiceConfig) -> Vec<&'static str> {
    let mut out = Vec::new();
    if service.build.is_some() {
        out.push("build");
    }
    if !service.depends_on.is_empty() {
        out.push("depends_on");
    }
    if !service.container_name.is_empty() {
        out.push("container_name");
    }
    if !service.links.is_empty() {
        out.push("links");
    }
    if !service.network_mode.is_empty() {
        out.push("network_mode");
    }
    if !service.devices.is_empty() {
        out.push("devices");
    }
    if service.privileged {
        out.push("privileged");
    }
    if !service.security_opt.is_empty() {
        out.push("security_opt");
    }
    if !service.cgroup_parent.is_empty() {
        out.push("cgroup_parent");
    }
    if !service.volumes_from.is_empty() {
        out.push("volumes_from");
    }
    if !service.ipc.is_empty() {
        out.push("ipc");
    }
    if !service.pid.is_empty() {
        out.push("pid");
    }
    if !service.userns_mode.is_empty() {
        out.push("userns_mode");
    }
    if service.shm_size.0 != 0 {
        out.push("shm_size");
    }
    if !service.tmpfs.is_empty() {
        out.push("tmpfs");
    }
    out
}
