//! `hoist stack`: the project deployed to a Docker Swarm, as `docker stack
//! deploy` deploys it (same names, labels and specs, so either tool manages
//! the other's stack), but planned first and converged: only services whose
//! spec changed are updated, and the plan says which fields changed.
//!
//! [`convert`] makes the Swarm objects from the project; [`plan`] (pure)
//! compares them with what the engine has; [`apply`] sends the plan through a
//! [`SwarmRuntime`]; [`remove`] is `stack rm`.

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;
use serde_json::Value;

use crate::runtime::swarm::{Kind, Named, SwarmRuntime, SwarmService};
use crate::runtime::{Network, Runtime, RuntimeError};
use compose_spec::model::Project;

pub mod convert;

/// The stack as the file wants it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Desired {
    /// The namespace (`docker stack deploy NAME`).
    pub namespace: String,
    /// Network create bodies, by engine name.
    pub networks: Vec<(String, Value)>,
    /// Secret create bodies, by engine name.
    pub secrets: Vec<(String, Value)>,
    /// Config create bodies, by engine name.
    pub configs: Vec<(String, Value)>,
    /// Service specs, by engine name.
    pub services: Vec<(String, Value)>,
    /// What Swarm cannot do: (service, key).
    pub unsupported: Vec<(String, &'static str)>,
}

/// The stack's desired state; `read` gives the bytes of a secret's or
/// config's `file` (relative to the project directory).
pub fn desired(
    project: &Project,
    namespace: &str,
    read: &dyn Fn(&str) -> std::io::Result<Vec<u8>>,
) -> Result<Desired, String> {
    let mut d = Desired {
        namespace: namespace.to_string(),
        networks: convert::networks(namespace, project),
        ..Default::default()
    };
    let objects = |map: Vec<(&String, &compose_spec::model::FileObjectConfig)>| {
        let mut out = Vec::new();
        for (key, o) in map {
            let data = if o.external {
                None
            } else if !o.file.is_empty() {
                Some(read(&o.file).map_err(|e| format!("{key}: cannot read {}: {e}", o.file))?)
            } else if !o.content.is_empty() {
                Some(o.content.clone().into_bytes())
            } else if !o.environment.is_empty() {
                Some(
                    std::env::var(&o.environment)
                        .unwrap_or_default()
                        .into_bytes(),
                )
            } else {
                Some(Vec::new())
            };
            out.extend(convert::file_object(namespace, key, o, data.as_deref()));
        }
        Ok::<_, String>(out)
    };
    d.secrets = objects(project.secrets.iter().map(|(k, v)| (k, &v.0)).collect())?;
    d.configs = objects(project.configs.iter().map(|(k, v)| (k, &v.0)).collect())?;
    for (name, s) in &project.services {
        d.services.push((
            convert::scope(namespace, name),
            convert::service_spec(namespace, project, s),
        ));
        for key in convert::unsupported(s) {
            d.unsupported.push((name.clone(), key));
        }
    }
    Ok(d)
}

/// What the engine has of a stack.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Observed {
    /// Its services.
    pub services: Vec<SwarmService>,
    /// The networks that exist (the stack's and any other, by name).
    pub networks: Vec<Network>,
    /// Its secrets.
    pub secrets: Vec<Named>,
    /// Its configs.
    pub configs: Vec<Named>,
}

/// One operation of a stack plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Op {
    /// Create a network.
    CreateNetwork {
        /// Name.
        name: String,
    },
    /// Create a secret or config.
    CreateObject {
        /// `secret` or `config`.
        kind: &'static str,
        /// Name.
        name: String,
    },
    /// Create a service.
    CreateService {
        /// Name.
        name: String,
    },
    /// Update a service whose spec changed.
    UpdateService {
        /// Name.
        name: String,
        /// The changed fields (`TaskTemplate.ContainerSpec.Env: [...] → [...]`).
        changes: Vec<String>,
    },
    /// Remove a service no longer in the file (`--prune`).
    RemoveService {
        /// Name.
        name: String,
    },
}

/// A stack plan: operations in order, and warnings.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Plan {
    /// The operations.
    pub ops: Vec<Op>,
    /// Warnings (services left without `--prune`; the keys Swarm ignores are
    /// [`Desired::unsupported`], for the caller to locate in the files).
    pub warnings: Vec<String>,
}

impl fmt::Display for Plan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.ops.is_empty() {
            writeln!(f, "Nothing to do: the stack is up to date.")?;
        }
        for (i, op) in self.ops.iter().enumerate() {
            let n = i + 1;
            match op {
                Op::CreateNetwork { name } => {
                    writeln!(f, "{n:>3}. create network {name}  # not found")?
                }
                Op::CreateObject { kind, name } => {
                    writeln!(f, "{n:>3}. create {kind} {name}  # not found")?
                }
                Op::CreateService { name } => {
                    writeln!(f, "{n:>3}. create service {name}  # not found")?
                }
                Op::UpdateService { name, changes } => {
                    writeln!(f, "{n:>3}. update service {name}  # spec changed")?;
                    for c in changes {
                        writeln!(f, "       {c}")?;
                    }
                }
                Op::RemoveService { name } => writeln!(
                    f,
                    "{n:>3}. remove service {name}  # not in the file (--prune)"
                )?,
            }
        }
        for w in &self.warnings {
            writeln!(f, "warning: {w}")?;
        }
        Ok(())
    }
}

/// Fields the engine fills in when a spec leaves them out: an observed value
/// equal to one of these, where the desired spec has nothing, is no change.
fn engine_default(path: &str, v: &Value) -> bool {
    let defaults: &[(&str, Value)] = &[
        ("TaskTemplate.ForceUpdate", Value::from(0)),
        ("TaskTemplate.Runtime", Value::from("container")),
        (
            "TaskTemplate.ContainerSpec.Isolation",
            Value::from("default"),
        ),
        ("EndpointSpec.Mode", Value::from("vip")),
        ("UpdateConfig.FailureAction", Value::from("pause")),
        ("UpdateConfig.Order", Value::from("stop-first")),
        ("RollbackConfig.FailureAction", Value::from("pause")),
        ("RollbackConfig.Order", Value::from("stop-first")),
    ];
    defaults.iter().any(|(p, d)| *p == path && d == v)
        || matches!(v, Value::Object(o) if o.is_empty())
        || matches!(v, Value::Array(a) if a.is_empty())
        || matches!(v, Value::Null)
        || v.as_f64() == Some(0.0)
        || v == &Value::Bool(false)
        || path == "TaskTemplate.ContainerSpec.Privileges"
}

fn short(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 60 {
        format!("{}…", s.chars().take(59).collect::<String>())
    } else {
        s
    }
}

/// The fields where `desired` and `observed` differ, as `path: old → new`.
pub fn diff(desired: &Value, observed: &Value) -> Vec<String> {
    let mut out = Vec::new();
    walk("", desired, observed, &mut out);
    out
}

fn walk(path: &str, d: &Value, o: &Value, out: &mut Vec<String>) {
    let join = |k: &str| {
        if path.is_empty() {
            k.to_string()
        } else {
            format!("{path}.{k}")
        }
    };
    match (d, o) {
        (Value::Object(dm), Value::Object(om)) => {
            let mut keys: Vec<&String> = dm.keys().chain(om.keys()).collect();
            keys.sort();
            keys.dedup();
            for k in keys {
                let p = join(k);
                match (dm.get(k), om.get(k)) {
                    (Some(dv), Some(ov)) => walk(&p, dv, ov, out),
                    (Some(dv), None) if !engine_default(&p, dv) => {
                        out.push(format!("{p}: none → {}", short(dv)))
                    }
                    (None, Some(ov)) if !engine_default(&p, ov) => {
                        out.push(format!("{p}: {} → none", short(ov)))
                    }
                    _ => {}
                }
            }
        }
        _ if numbers_equal(d, o) => {}
        _ if d != o => out.push(format!("{path}: {} → {}", short(o), short(d))),
        _ => {}
    }
}

fn numbers_equal(a: &Value, b: &Value) -> bool {
    match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) => (x - y).abs() < 1e-9,
        _ => false,
    }
}

/// Fills in the ids of the secrets and configs a service spec names (the
/// engine wants `SecretID`/`ConfigID`, as the docker CLI looks them up).
pub fn resolve_ids(spec: &mut Value, secrets: &[Named], configs: &[Named]) {
    let container = &mut spec["TaskTemplate"]["ContainerSpec"];
    for (list, name_key, id_key, known) in [
        ("Secrets", "SecretName", "SecretID", secrets),
        ("Configs", "ConfigName", "ConfigID", configs),
    ] {
        if let Some(refs) = container.get_mut(list).and_then(Value::as_array_mut) {
            for r in refs {
                let name = r[name_key].as_str().unwrap_or_default().to_string();
                if let Some(n) = known.iter().find(|n| n.name == name) {
                    r[id_key] = Value::String(n.id.clone());
                }
            }
        }
    }
}

/// The engine stores a service's networks by id: named again, to compare.
fn named_networks(spec: &Value, networks: &[Network]) -> Value {
    let mut spec = spec.clone();
    if let Some(list) = spec["TaskTemplate"]
        .get_mut("Networks")
        .and_then(Value::as_array_mut)
    {
        for n in list {
            let target = n["Target"].as_str().unwrap_or_default().to_string();
            if let Some(net) = networks.iter().find(|x| x.id == target) {
                n["Target"] = Value::String(net.name.clone());
            }
        }
    }
    spec
}

/// The plan that brings the engine's stack to the file's: networks, secrets
/// and configs that are missing, services missing or changed, and (with
/// `prune`) services no longer in the file removed. Pure.
pub fn plan(desired: &Desired, observed: &Observed, prune: bool) -> Plan {
    let mut p = Plan::default();
    for (name, _) in &desired.networks {
        if !observed.networks.iter().any(|n| &n.name == name) {
            p.ops.push(Op::CreateNetwork { name: name.clone() });
        }
    }
    for (kind, want, have) in [
        ("secret", &desired.secrets, &observed.secrets),
        ("config", &desired.configs, &observed.configs),
    ] {
        for (name, _) in want {
            if !have.iter().any(|n| &n.name == name) {
                p.ops.push(Op::CreateObject {
                    kind,
                    name: name.clone(),
                });
            }
        }
    }
    let have: BTreeMap<&str, &SwarmService> = observed
        .services
        .iter()
        .map(|s| (s.name.as_str(), s))
        .collect();
    for (name, spec) in &desired.services {
        match have.get(name.as_str()) {
            None => p.ops.push(Op::CreateService { name: name.clone() }),
            Some(s) => {
                let mut spec = spec.clone();
                resolve_ids(&mut spec, &observed.secrets, &observed.configs);
                let spec = crate::runtime::swarm::canonical_spec(&spec);
                let changes = diff(&spec, &named_networks(&s.spec, &observed.networks));
                if !changes.is_empty() {
                    p.ops.push(Op::UpdateService {
                        name: name.clone(),
                        changes,
                    });
                }
            }
        }
    }
    for s in &observed.services {
        if desired.services.iter().any(|(n, _)| n == &s.name) {
            continue;
        }
        if prune {
            p.ops.push(Op::RemoveService {
                name: s.name.clone(),
            });
        } else {
            p.warnings.push(format!(
                "service {} is not in the file any more; remove it with --prune",
                s.name
            ));
        }
    }
    p
}

/// What the engine has of the stack.
pub async fn observe<R: SwarmRuntime + crate::runtime::Observe>(
    rt: &R,
    namespace: &str,
) -> Result<Observed, RuntimeError> {
    Ok(Observed {
        services: rt.stack_services(namespace).await?,
        networks: rt.list_networks(&[]).await?,
        secrets: rt.stack_objects(Kind::Secret, namespace).await?,
        configs: rt.stack_objects(Kind::Config, namespace).await?,
    })
}

/// Sends the plan: networks, secrets and configs first, then services.
/// `say` hears each step (`Creating service demo_web`).
pub async fn apply<R: SwarmRuntime + Runtime>(
    rt: &R,
    desired: &Desired,
    observed: &Observed,
    plan: &Plan,
    say: &dyn Fn(String),
) -> Result<(), RuntimeError> {
    let body = |list: &[(String, Value)], name: &str| {
        list.iter()
            .find(|(n, _)| n == name)
            .map(|(_, b)| b.clone())
            .unwrap_or(Value::Null)
    };
    let mut secrets = observed.secrets.clone();
    let mut configs = observed.configs.clone();
    for op in &plan.ops {
        match op {
            Op::CreateNetwork { name } => {
                say(format!("Creating network {name}"));
                rt.create_network(&body(&desired.networks, name)).await?;
            }
            Op::CreateObject { kind, name } => {
                say(format!("Creating {kind} {name}"));
                let (k, list) = if *kind == "secret" {
                    (Kind::Secret, &desired.secrets)
                } else {
                    (Kind::Config, &desired.configs)
                };
                let id = rt.create_object(k, &body(list, name)).await?;
                let known = if k == Kind::Secret {
                    &mut secrets
                } else {
                    &mut configs
                };
                known.push(Named {
                    id,
                    name: name.clone(),
                });
            }
            Op::CreateService { name } => {
                say(format!("Creating service {name}"));
                let mut spec = body(&desired.services, name);
                resolve_ids(&mut spec, &secrets, &configs);
                rt.create_service(&spec).await?;
            }
            Op::UpdateService { name, .. } => {
                say(format!("Updating service {name}"));
                let s = observed.services.iter().find(|s| &s.name == name);
                let (id, version) = s.map_or((name.as_str(), 0), |s| (s.id.as_str(), s.version));
                let mut spec = body(&desired.services, name);
                resolve_ids(&mut spec, &secrets, &configs);
                rt.update_service(id, version, &spec).await?;
            }
            Op::RemoveService { name } => {
                say(format!("Removing service {name}"));
                let id = observed
                    .services
                    .iter()
                    .find(|s| &s.name == name)
                    .map_or(name.as_str(), |s| s.id.as_str());
                rt.remove_service(id).await?;
            }
        }
    }
    Ok(())
}

/// `stack rm`: the stack's services, then its secrets, configs and networks,
/// as `docker stack rm` removes them.
pub async fn remove<R: SwarmRuntime + Runtime>(
    rt: &R,
    namespace: &str,
    say: &dyn Fn(String),
) -> Result<(), RuntimeError> {
    for s in rt.stack_services(namespace).await? {
        say(format!("Removing service {}", s.name));
        rt.remove_service(&s.id).await?;
    }
    for kind in [Kind::Secret, Kind::Config] {
        for o in rt.stack_objects(kind, namespace).await? {
            say(format!(
                "Removing {} {}",
                crate::runtime::swarm::kind_word(kind),
                o.name
            ));
            rt.remove_object(kind, &o.id).await?;
        }
    }
    let filter = format!("{}={namespace}", convert::NAMESPACE);
    for n in rt.list_networks(&[filter]).await? {
        say(format!("Removing network {}", n.name));
        // A network is released once the service's tasks are gone.
        let mut tries = 0;
        loop {
            match rt.remove_network(&n.id).await {
                Ok(()) | Err(RuntimeError::NotFound(_)) => break,
                Err(e) if tries >= 50 => return Err(e),
                Err(_) => {
                    tries += 1;
                    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
                }
            }
        }
    }
    Ok(())
}
