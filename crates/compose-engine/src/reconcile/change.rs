//! Why a container is obsolete, in the compose file's terms.
//!
//! A changed config hash says *that* a service's configuration diverged, not
//! *what* changed. When the observed container's configuration was inspected,
//! [`describe_change`] compares it with the desired create body so the plan can
//! say `environment.MODE changed: blue → green` instead of two hashes.

use std::collections::BTreeMap;

use serde_json::Value;

fn env_map(v: Option<&Value>) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    if let Some(Value::Array(items)) = v {
        for item in items {
            if let Some(s) = item.as_str() {
                let (k, v) = s.split_once('=').unwrap_or((s, ""));
                out.insert(k.to_string(), v.to_string());
            }
        }
    }
    out
}

fn is_emptyish(v: Option<&Value>) -> bool {
    match v {
        None | Some(Value::Null) => true,
        Some(Value::String(s)) => s.is_empty(),
        Some(Value::Array(a)) => a.is_empty(),
        Some(Value::Object(o)) => o.is_empty(),
        Some(Value::Bool(b)) => !b,
        Some(Value::Number(n)) => n.as_f64() == Some(0.0),
    }
}

fn compact(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => "none".into(),
        Some(Value::String(s)) => s.clone(),
        Some(v) => {
            let s = v.to_string();
            if s.len() > 60 {
                format!(
                    "{}…",
                    &s[..s.char_indices().nth(57).map(|(i, _)| i).unwrap_or(s.len())]
                )
            } else {
                s
            }
        }
    }
}

/// Explains how an observed container's configuration (`docker inspect` JSON:
/// `Config` and `HostConfig`) differs from a desired create body, in the
/// compose file's terms: `environment.MODE changed: blue → green`.
///
/// ```
/// use compose_engine::reconcile::describe_change;
/// let old = serde_json::json!({"Config": {"Image": "app:1", "Env": ["MODE=blue", "PATH=/bin"]}});
/// let new = serde_json::json!({"Image": "app:2", "Env": ["MODE=green"]});
/// assert_eq!(describe_change(&old, &new), [
///     "image changed: app:1 → app:2",
///     "environment.MODE changed: blue → green",
/// ]);
/// ```
pub fn describe_change(old: &Value, new: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let config = old.get("Config").unwrap_or(&Value::Null);
    let host = old.get("HostConfig").unwrap_or(&Value::Null);
    if let (Some(a), Some(b)) = (config.get("Image"), new.get("Image")) {
        if a != b {
            out.push(format!(
                "image changed: {} → {}",
                compact(Some(a)),
                compact(Some(b))
            ));
        }
    }
    let (old_env, new_env) = (env_map(config.get("Env")), env_map(new.get("Env")));
    for (k, v) in &new_env {
        match old_env.get(k) {
            Some(o) if o != v => out.push(format!("environment.{k} changed: {o} → {v}")),
            None => out.push(format!("environment.{k} added: {v}")),
            _ => {}
        }
    }
    for (field, label) in [
        ("Cmd", "command"),
        ("Entrypoint", "entrypoint"),
        ("User", "user"),
        ("WorkingDir", "working_dir"),
        ("Hostname", "hostname"),
    ] {
        if let Some(b) = new.get(field) {
            let a = config.get(field);
            if !is_emptyish(Some(b)) && a != Some(b) {
                out.push(format!(
                    "{label} changed: {} → {}",
                    compact(a),
                    compact(Some(b))
                ));
            }
        }
    }
    let old_labels = config.get("Labels").and_then(Value::as_object);
    if let Some(new_labels) = new.get("Labels").and_then(Value::as_object) {
        for (k, v) in new_labels {
            if k.starts_with("com.docker.compose.") {
                continue;
            }
            let o = old_labels.and_then(|m| m.get(k));
            if o != Some(v) {
                out.push(format!(
                    "labels.{k} changed: {} → {}",
                    compact(o),
                    compact(Some(v))
                ));
            }
        }
        if let Some(old_labels) = old_labels {
            for k in old_labels.keys() {
                if !k.starts_with("com.docker.compose.") && !new_labels.contains_key(k) {
                    out.push(format!("labels.{k} removed"));
                }
            }
        }
    }
    if let Some(new_host) = new.get("HostConfig").and_then(Value::as_object) {
        for (k, b) in new_host {
            let a = host.get(k);
            let differs = if is_emptyish(a) && is_emptyish(Some(b)) {
                false
            } else {
                a != Some(b)
            };
            if differs {
                out.push(format!(
                    "{} changed: {} → {}",
                    host_key(k),
                    compact(a),
                    compact(Some(b))
                ));
            }
        }
    }
    if out.is_empty() {
        for k in old_env.keys() {
            if !new_env.contains_key(k) && k != "PATH" {
                out.push(format!("environment.{k} removed"));
            }
        }
    }
    out
}

/// The compose attribute behind a `HostConfig` key, for messages.
fn host_key(k: &str) -> String {
    let name = match k {
        "PortBindings" => "ports",
        "Binds" | "Mounts" => "volumes",
        "RestartPolicy" => "restart",
        "CapAdd" => "cap_add",
        "CapDrop" => "cap_drop",
        "Privileged" => "privileged",
        "ExtraHosts" => "extra_hosts",
        "Memory" => "mem_limit",
        "NanoCpus" => "cpus",
        "Dns" => "dns",
        "Sysctls" => "sysctls",
        "Tmpfs" => "tmpfs",
        "NetworkMode" => "network_mode",
        "ReadonlyRootfs" => "read_only",
        "Init" => "init",
        "LogConfig" => "logging",
        "ShmSize" => "shm_size",
        "SecurityOpt" => "security_opt",
        "Ulimits" => "ulimits",
        "Devices" => "devices",
        _ => return format!("HostConfig.{k}"),
    };
    name.to_string()
}
