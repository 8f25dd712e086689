//! `reconcile(desired, observed) -> Plan`: the pure heart of `up` and `down`.
//!
//! Given what the compose file asks for ([`Desired`]) and what the engine has
//! ([`Observed`], read by label), compute the operations that converge one to
//! the other, following Docker Compose v2's convergence rules:
//!
//! * a container whose `config-hash` (or image digest) label differs from the
//!   service's, or that misses an expected network or volume, is *obsolete*
//!   and is recreated: create under a temporary name, stop and remove the old
//!   one, rename the new one;
//! * scaling up numbers new replicas after the highest number in use;
//!   scaling down removes obsolete containers first, then the highest numbers;
//! * containers of services no longer in the file are orphans, removed only
//!   with `--remove-orphans` (a warning otherwise);
//! * a service starts after its dependencies, waiting for them to be healthy
//!   or to have completed when `depends_on` says so.
//!
//! The function does no I/O and its output is deterministic: services,
//! containers, networks and volumes are visited in sorted order.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::graph::Edge;
use crate::labels;
use crate::plan::{Action, Plan};
use crate::runtime::{Container, ContainerState, Network, Volume};

mod change;

pub mod steps;

pub use change::describe_change;

/// A container with what sorting needs: obsolete?, number, created, why obsolete.
type Keyed<'a> = (bool, Option<u32>, i64, &'a Container, Option<String>);

/// When to recreate a service's up-to-date containers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Recreate {
    /// Only when its configuration diverged (the default).
    #[default]
    Diverged,
    /// Always (`--force-recreate`).
    Force,
    /// Never (`--no-recreate`).
    Never,
}

/// One service as the file wants it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DesiredService {
    /// Name.
    pub name: String,
    /// Number of replicas.
    pub scale: u32,
    /// Config hash (`com.docker.compose.config-hash`).
    pub hash: String,
    /// Image digest label expected (`com.docker.compose.image`), when known.
    pub image_digest: Option<String>,
    /// Fixed `container_name`, if any.
    pub container_name: Option<String>,
    /// Engine names of the networks it joins.
    pub networks: Vec<String>,
    /// Engine names of the named volumes it mounts.
    pub volumes: Vec<String>,
    /// Its dependencies with their conditions.
    pub depends_on: Vec<(String, Edge)>,
    /// Recreate policy for this service.
    pub recreate: Recreate,
    /// The Engine API create body, used only to explain why a container is
    /// obsolete (compared with the observed container's configuration).
    pub body: Value,
}

/// A network or volume as the file wants it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DesiredResource {
    /// Key in the file.
    pub key: String,
    /// Engine name.
    pub name: String,
    /// `external: true`: used, never created or removed.
    pub external: bool,
}

/// Options of `up` that shape the plan.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct UpOptions {
    /// Remove containers of services that are not in the file any more.
    pub remove_orphans: bool,
    /// Create, but do not start.
    pub no_start: bool,
    /// Wait for every service to be running/healthy at the end (`--wait`).
    pub wait: bool,
}

/// What the compose file asks for.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Desired {
    /// Project name.
    pub project: String,
    /// Services to converge, by name.
    pub services: BTreeMap<String, DesiredService>,
    /// Every service the file knows (enabled or not): containers of others are orphans.
    pub known_services: BTreeSet<String>,
    /// Networks by key.
    pub networks: Vec<DesiredResource>,
    /// Volumes by key.
    pub volumes: Vec<DesiredResource>,
    /// Options.
    pub options: UpOptions,
}

/// What the engine has for the project.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Observed {
    /// The project's containers (stopped ones too).
    pub containers: Vec<Container>,
    /// The project's networks, plus the external ones that exist.
    pub networks: Vec<Network>,
    /// The project's volumes, plus the external ones that exist.
    pub volumes: Vec<Volume>,
    /// Configuration of obsolete containers (`docker inspect` JSON), by id, to explain changes.
    pub details: BTreeMap<String, Value>,
}

/// Errors that make a plan impossible.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    /// An external network or volume does not exist.
    #[error("{kind} {name} declared as external, but could not be found; create it with `docker {kind} create {name}`")]
    MissingExternal {
        /// `network` or `volume`.
        kind: &'static str,
        /// Its name.
        name: String,
    },
}

/// The default container name of a replica: `project-service-N`.
pub fn container_name(project: &str, service: &DesiredService, number: u32) -> String {
    match &service.container_name {
        Some(n) => n.clone(),
        None => format!("{project}-{}-{number}", service.name),
    }
}

fn number_of(c: &Container) -> Option<u32> {
    c.label(labels::CONTAINER_NUMBER).parse().ok()
}

/// Why a container must be recreated, or `None` when it is up to date.
fn obsolete(service: &DesiredService, c: &Container, observed: &Observed) -> Option<String> {
    match service.recreate {
        Recreate::Never => return None,
        Recreate::Force => return Some("--force-recreate".into()),
        Recreate::Diverged => {}
    }
    let hash = c.label(labels::CONFIG_HASH);
    if hash != service.hash {
        let why = observed
            .details
            .get(&c.id)
            .map(|old| describe_change(old, &service.body))
            .unwrap_or_default();
        if why.is_empty() {
            return Some(format!(
                "configuration changed (config hash {} → {})",
                short(hash),
                short(&service.hash)
            ));
        }
        return Some(why.join("; "));
    }
    let digest = c.label(labels::IMAGE_DIGEST);
    let want = service.image_digest.as_deref().unwrap_or("");
    if digest != want {
        return Some(format!(
            "image changed: {} → {}",
            short_digest(digest),
            short_digest(want)
        ));
    }
    if c.state == ContainerState::Running {
        for net in &service.networks {
            let id = observed
                .networks
                .iter()
                .find(|n| &n.name == net)
                .map(|n| &n.id);
            if let Some(id) = id {
                if !c.networks.values().any(|v| v == id) {
                    return Some(format!("not connected to network {net}"));
                }
            }
        }
    }
    for vol in &service.volumes {
        if !c
            .mounts
            .iter()
            .any(|m| m.kind == "volume" && &m.name == vol)
        {
            return Some(format!("volume {vol} not mounted"));
        }
    }
    None
}

fn short(hash: &str) -> &str {
    if hash.is_empty() {
        "none"
    } else {
        &hash[..hash.len().min(12)]
    }
}

fn short_digest(d: &str) -> &str {
    if d.is_empty() {
        return "none";
    }
    let d = d.strip_prefix("sha256:").unwrap_or(d);
    &d[..d.len().min(12)]
}

/// Computes the plan that brings the engine from `observed` to `desired`
/// for `up` (create, recreate, scale, start, wait, orphans).
///
/// ```
/// use compose_engine::reconcile::{reconcile, Desired, DesiredService, DesiredResource, Observed};
/// let mut d = Desired { project: "demo".into(), ..Default::default() };
/// d.networks.push(DesiredResource { key: "default".into(), name: "demo_default".into(), external: false });
/// d.services.insert("web".into(), DesiredService {
///     name: "web".into(), scale: 2, hash: "h".into(),
///     networks: vec!["demo_default".into()], ..Default::default() });
/// let plan = reconcile(&d, &Observed::default()).unwrap();
/// let text = plan.to_string();
/// assert!(text.contains("create network demo_default"));
/// assert!(text.contains("create container demo-web-2"));
/// assert!(text.contains("start container demo-web-1"));
/// ```
pub fn reconcile(desired: &Desired, observed: &Observed) -> Result<Plan, PlanError> {
    let networks = steps::networks(desired, observed)?;
    let volumes = steps::volumes(desired, observed)?;
    let mut plan = Plan::default();
    // Create ops of networks (and removals of their duplicates) and volumes, by engine name.
    let mut network_ops: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    let mut volume_ops: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for d in &networks.remove_duplicates {
        let id = plan.push(
            Action::RemoveNetwork { name: d.id.clone() },
            format!(
                "duplicate of network {} (created twice by an interrupted run)",
                d.name
            ),
            vec![],
        );
        network_ops.entry(&d.name).or_default().push(id);
    }
    for c in &networks.create {
        let id = plan.push(
            Action::CreateNetwork {
                key: c.key.clone(),
                name: c.name.clone(),
            },
            "not found",
            vec![],
        );
        network_ops.entry(&c.name).or_default().push(id);
    }
    for c in &volumes {
        let id = plan.push(
            Action::CreateVolume {
                key: c.key.clone(),
                name: c.name.clone(),
            },
            "not found",
            vec![],
        );
        volume_ops.entry(&c.name).or_default().push(id);
    }
    let orphans = steps::orphans(desired, observed);
    for r in &orphans.remove {
        stop_and_remove(&mut plan, r, vec![]);
    }
    plan.warnings.extend(orphans.warning);

    // Services in dependency order (ties by name).
    let order = service_order(desired);
    // Per service: the ops after which its containers exist under their final
    // names (create phase) and after which they run (start phase).
    let mut created: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    let mut started: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    let mut waits: BTreeMap<(String, &'static str), usize> = BTreeMap::new();
    let mut recreated: BTreeSet<String> = BTreeSet::new();

    for name in &order {
        let service = &desired.services[name.as_str()];
        let mut containers: Vec<&Container> = observed
            .containers
            .iter()
            .filter(|c| c.label(labels::SERVICE) == service.name)
            .filter(|c| c.label(labels::ONEOFF) != "True")
            .collect();
        // Up-to-date containers first, lowest numbers first; obsolete ones last.
        let mut keyed: Vec<Keyed<'_>> = containers
            .drain(..)
            .map(|c| {
                let why = obsolete(service, c, observed);
                (why.is_some(), number_of(c), c.created, c, why)
            })
            .collect();
        keyed.sort_by(|a, b| {
            a.0.cmp(&b.0)
                .then_with(|| match (a.1, b.1) {
                    (Some(x), Some(y)) => x.cmp(&y),
                    _ => b.2.cmp(&a.2),
                })
                .then_with(|| a.3.name.cmp(&b.3.name))
        });
        let actual = keyed.len();
        let want = service.scale as usize;
        // Its containers are created once the networks and volumes they use
        // exist (not all of the project's: the engine creates networks one
        // at a time) and its dependencies' containers are created.
        let mut dep_created: Vec<usize> = service
            .networks
            .iter()
            .filter_map(|n| network_ops.get(n.as_str()))
            .chain(
                service
                    .volumes
                    .iter()
                    .filter_map(|v| volume_ops.get(v.as_str())),
            )
            .flatten()
            .copied()
            .collect();
        dep_created.sort_unstable();
        dep_created.dedup();
        for (dep, _) in &service.depends_on {
            if let Some(ops) = created.get(dep.as_str()) {
                dep_created.extend(ops.iter().copied());
            }
        }
        // The start of this service waits for its dependencies' readiness.
        let mut dep_ready: Vec<usize> = Vec::new();
        let mut svc_created = Vec::new();
        let mut to_start: Vec<(String, Vec<usize>, String)> = Vec::new();

        // Scale down: the tail of the sorted list (obsolete first, then highest numbers).
        for (_, _, _, c, why) in keyed.iter().skip(want).rev() {
            let cause = match why {
                Some(w) if want > 0 => {
                    format!("outdated ({w}) and surplus: scale {actual} → {want}")
                }
                _ => format!("scale {actual} → {want}"),
            };
            let mut after = vec![];
            if matches!(
                c.state,
                ContainerState::Running | ContainerState::Paused | ContainerState::Restarting
            ) {
                after.push(plan.push(
                    Action::StopContainer {
                        service: service.name.clone(),
                        name: c.name.clone(),
                    },
                    cause.clone(),
                    vec![],
                ));
            }
            svc_created.push(plan.push(
                Action::RemoveContainer {
                    service: service.name.clone(),
                    name: c.name.clone(),
                },
                cause,
                after,
            ));
        }
        for (_, number, _, c, why) in keyed.iter().take(want) {
            match why {
                Some(why) => {
                    let number = number.unwrap_or(1);
                    let final_name = c.name.clone();
                    let temp = format!("{}_{}", &c.id[..c.id.len().min(12)], final_name);
                    let create = plan.push(
                        Action::CreateContainer {
                            service: service.name.clone(),
                            number,
                            name: temp.clone(),
                            replaces: Some(final_name.clone()),
                        },
                        why.clone(),
                        dep_created.clone(),
                    );
                    let mut after = vec![create];
                    if matches!(
                        c.state,
                        ContainerState::Running
                            | ContainerState::Paused
                            | ContainerState::Restarting
                    ) {
                        after = vec![plan.push(
                            Action::StopContainer {
                                service: service.name.clone(),
                                name: final_name.clone(),
                            },
                            format!("replaced: {why}"),
                            after,
                        )];
                    }
                    let remove = plan.push(
                        Action::RemoveContainer {
                            service: service.name.clone(),
                            name: final_name.clone(),
                        },
                        format!("replaced: {why}"),
                        after,
                    );
                    let rename = plan.push(
                        Action::RenameContainer {
                            service: service.name.clone(),
                            from: temp,
                            to: final_name.clone(),
                        },
                        "replacement takes the old name",
                        vec![remove],
                    );
                    svc_created.push(rename);
                    recreated.insert(service.name.clone());
                    to_start.push((final_name, vec![rename], "recreated".into()));
                }
                None => {
                    // A replacement interrupted before its rename (hoist killed
                    // mid-`up`) still carries its temporary name.
                    let expected = container_name(&desired.project, service, number.unwrap_or(1));
                    let mut after = vec![];
                    if c.name != expected && number.is_some() {
                        // After this service's removals, which free the name.
                        let rename_after = svc_created.clone();
                        let r = plan.push(
                            Action::RenameContainer {
                                service: service.name.clone(),
                                from: c.name.clone(),
                                to: expected.clone(),
                            },
                            "interrupted replacement takes its final name",
                            rename_after,
                        );
                        svc_created.push(r);
                        after.push(r);
                    }
                    let restart_for: Vec<&String> = service
                        .depends_on
                        .iter()
                        .filter(|(d, e)| e.restart && recreated.contains(d))
                        .map(|(d, _)| d)
                        .collect();
                    if c.state == ContainerState::Running
                        && !restart_for.is_empty()
                        && !desired.options.no_start
                    {
                        // `depends_on.restart`: restart after the dependency was recreated.
                        let cause = format!(
                            "{} was recreated (depends_on.restart)",
                            restart_for
                                .iter()
                                .map(|d| d.as_str())
                                .collect::<Vec<_>>()
                                .join(", ")
                        );
                        let mut stop_after = after.clone();
                        for d in &restart_for {
                            stop_after.extend(created.get(d.as_str()).into_iter().flatten());
                        }
                        let stop = plan.push(
                            Action::StopContainer {
                                service: service.name.clone(),
                                name: c.name.clone(),
                            },
                            cause.clone(),
                            stop_after,
                        );
                        svc_created.push(stop);
                        to_start.push((c.name.clone(), vec![stop], cause));
                    } else if !matches!(
                        c.state,
                        ContainerState::Running | ContainerState::Restarting
                    ) {
                        let cause = match c.state {
                            ContainerState::Created => "created, not started",
                            ContainerState::Paused => "paused",
                            _ => "not running",
                        };
                        let name = if after.is_empty() {
                            c.name.clone()
                        } else {
                            expected
                        };
                        to_start.push((name, after, cause.into()));
                    }
                }
            }
        }
        // Scale up: numbers after the highest one in use.
        let next = keyed.iter().filter_map(|k| k.1).max().unwrap_or(0) + 1;
        for i in 0..want.saturating_sub(actual) {
            let number = next + i as u32;
            let name = container_name(&desired.project, service, number);
            let create = plan.push(
                Action::CreateContainer {
                    service: service.name.clone(),
                    number,
                    name: name.clone(),
                    replaces: None,
                },
                format!("scale {actual} → {want}"),
                dep_created.clone(),
            );
            svc_created.push(create);
            to_start.push((name, vec![create], format!("scale {actual} → {want}")));
        }
        if !desired.options.no_start && !to_start.is_empty() {
            for (dep, edge) in &service.depends_on {
                let Some(dep_service) = desired.services.get(dep) else {
                    continue;
                };
                let kind = match edge.condition.as_str() {
                    "service_healthy" => "healthy",
                    "service_completed_successfully" => "completed",
                    _ => "started",
                };
                if kind == "started" {
                    dep_ready.extend(started.get(dep.as_str()).into_iter().flatten().copied());
                    continue;
                }
                let key = (dep_service.name.clone(), kind);
                let id = match waits.get(&key) {
                    Some(&id) => id,
                    None => {
                        // After the dependency's starts and its removals (scale-down),
                        // so only the containers that stay are waited for.
                        let mut after: Vec<usize> =
                            started.get(dep.as_str()).cloned().unwrap_or_default();
                        after.extend(created.get(dep.as_str()).into_iter().flatten());
                        let action = if kind == "healthy" {
                            Action::WaitHealthy {
                                service: dep.clone(),
                                required: edge.required,
                            }
                        } else {
                            Action::WaitCompleted {
                                service: dep.clone(),
                                required: edge.required,
                            }
                        };
                        let id = plan.push(
                            action,
                            format!("{} depends on it ({})", service.name, edge.condition),
                            after,
                        );
                        waits.insert(key, id);
                        id
                    }
                };
                dep_ready.push(id);
            }
            let mut svc_started = Vec::new();
            for (name, mut after, cause) in to_start {
                after.extend(dep_ready.iter().copied());
                svc_started.push(plan.push(
                    Action::StartContainer {
                        service: service.name.clone(),
                        name,
                    },
                    cause,
                    after,
                ));
            }
            started.insert(name.as_str(), svc_started);
        }
        created.insert(name.as_str(), svc_created);
    }

    if desired.options.wait && !desired.options.no_start {
        for name in &order {
            let service = &desired.services[name.as_str()];
            if service.scale == 0 {
                continue;
            }
            let mut after = started.get(name.as_str()).cloned().unwrap_or_default();
            after.extend(created.get(name.as_str()).into_iter().flatten());
            plan.push(
                Action::WaitReady {
                    service: name.clone(),
                },
                "--wait",
                after,
            );
        }
    }
    Ok(plan)
}

/// Pushes a container's stop (when it runs, after `after`) and removal (after
/// the stop, else after `after`); returns their ids.
fn stop_and_remove(
    plan: &mut Plan,
    r: &steps::Removal,
    after: Vec<usize>,
) -> (Option<usize>, usize) {
    let mut rm_after = after;
    let stop = r.stop.then(|| {
        plan.push(
            Action::StopContainer {
                service: r.service.clone(),
                name: r.name.clone(),
            },
            r.cause.clone(),
            std::mem::take(&mut rm_after),
        )
    });
    rm_after.extend(stop);
    let rm = plan.push(
        Action::RemoveContainer {
            service: r.service.clone(),
            name: r.name.clone(),
        },
        r.cause.clone(),
        rm_after,
    );
    (stop, rm)
}

/// Service names with dependencies first, ties broken by name.
fn service_order(desired: &Desired) -> Vec<String> {
    let mut placed = BTreeSet::new();
    let mut order = Vec::new();
    while order.len() < desired.services.len() {
        let before = order.len();
        for (name, s) in &desired.services {
            if placed.contains(name) {
                continue;
            }
            let ready = s
                .depends_on
                .iter()
                .all(|(d, _)| placed.contains(d) || !desired.services.contains_key(d));
            if ready {
                order.push(name.clone());
            }
        }
        for n in &order[before..] {
            placed.insert(n.clone());
        }
        if order.len() == before {
            // A cycle (rejected earlier by the graph); keep the rest in name order.
            for name in desired.services.keys() {
                if !placed.contains(name) {
                    order.push(name.clone());
                }
            }
        }
    }
    order
}

/// Options of `down`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DownOptions {
    /// Remove named volumes (`-v`).
    pub volumes: bool,
    /// Remove containers of services not in the file.
    pub remove_orphans: bool,
    /// Images to remove (`--rmi`), already chosen by the caller.
    pub images: Vec<String>,
}

/// Computes the plan of `down`: stop containers dependents first, remove them,
/// then the project's networks (and volumes with `-v`, images with `--rmi`).
///
/// `desired` is `None` when no compose file was found: everything labelled with
/// the project is removed, as the reference does.
///
/// ```
/// use compose_engine::reconcile::{plan_down, DownOptions, Observed};
/// let plan = plan_down("demo", None, &Observed::default(), &DownOptions::default());
/// assert!(plan.is_empty());
/// ```
pub fn plan_down(
    project: &str,
    desired: Option<&Desired>,
    observed: &Observed,
    options: &DownOptions,
) -> Plan {
    let mut plan = Plan::default();
    let known = |service: &str| desired.is_none_or(|d| d.known_services.contains(service));
    let mut containers: Vec<&Container> = observed
        .containers
        .iter()
        .filter(|c| c.label(labels::PROJECT) == project)
        .filter(|c| options.remove_orphans || known(c.label(labels::SERVICE)))
        .collect();
    containers.sort_by(|a, b| a.name.cmp(&b.name));
    if !options.remove_orphans {
        if let Some(d) = desired {
            let orphans: Vec<&str> = observed
                .containers
                .iter()
                .filter(|c| !d.known_services.contains(c.label(labels::SERVICE)))
                .map(|c| c.name.as_str())
                .collect();
            if !orphans.is_empty() {
                plan.warnings.push(format!(
                    "Found orphan containers ([{}]) for this project. If you removed or renamed this service in your compose file, you can run this command with the --remove-orphans flag to clean it up.",
                    orphans.join(" ")
                ));
            }
        }
    }
    // Dependents stop before their dependencies.
    let deps_of = |service: &str| -> Vec<String> {
        desired
            .and_then(|d| d.services.get(service))
            .map(|s| s.depends_on.iter().map(|(n, _)| n.clone()).collect())
            .unwrap_or_default()
    };
    let services: BTreeSet<&str> = containers
        .iter()
        .map(|c| c.label(labels::SERVICE))
        .collect();
    let mut order: Vec<&str> = Vec::new(); // dependents first
    let mut placed: BTreeSet<&str> = BTreeSet::new();
    while placed.len() < services.len() {
        let before = placed.len();
        for s in &services {
            if placed.contains(s) {
                continue;
            }
            // s can stop once every service depending on it has stopped.
            let blocked = services
                .iter()
                .any(|o| !placed.contains(o) && o != s && deps_of(o).iter().any(|d| d == s));
            if !blocked {
                order.push(s);
            }
        }
        for s in &order[before..] {
            placed.insert(s);
        }
        if placed.len() == before {
            for s in &services {
                if placed.insert(s) {
                    order.push(s);
                }
            }
        }
    }
    let mut stop_ops: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    let mut removed = Vec::new();
    for s in &order {
        let mut after: Vec<usize> = Vec::new();
        for o in &services {
            if deps_of(o).iter().any(|d| d == s) {
                after.extend(stop_ops.get(o).into_iter().flatten().copied());
            }
        }
        let mut mine = Vec::new();
        for c in containers.iter().filter(|c| c.label(labels::SERVICE) == *s) {
            let cause = if known(s) {
                "down"
            } else {
                "orphan: service not in the file any more"
            };
            let mut rm_after = vec![];
            let running = matches!(
                c.state,
                ContainerState::Running | ContainerState::Paused | ContainerState::Restarting
            );
            if running {
                let stop = plan.push(
                    Action::StopContainer {
                        service: s.to_string(),
                        name: c.name.clone(),
                    },
                    cause,
                    after.clone(),
                );
                mine.push(stop);
                rm_after.push(stop);
            } else {
                rm_after.extend(after.iter().copied());
            }
            let rm = plan.push(
                Action::RemoveContainer {
                    service: s.to_string(),
                    name: c.name.clone(),
                },
                cause,
                rm_after,
            );
            // Dependencies wait for this container to stop, not to be removed:
            // removal does not concern them, and waiting for it would put every
            // remove on the stop chain. Without a stop, the remove carries the
            // ordering on (it waits for the dependents' stops).
            if !running {
                mine.push(rm);
            }
            removed.push(rm);
        }
        stop_ops.insert(s, mine);
    }
    let mut networks: Vec<&str> = match desired {
        Some(d) => d
            .networks
            .iter()
            .filter(|n| !n.external)
            .filter(|n| observed.networks.iter().any(|o| o.name == n.name))
            .map(|n| n.name.as_str())
            .collect(),
        None => observed
            .networks
            .iter()
            .filter(|n| n.labels.get(labels::PROJECT).map(String::as_str) == Some(project))
            .map(|n| n.name.as_str())
            .collect(),
    };
    networks.sort_unstable();
    networks.dedup();
    for n in networks {
        plan.push(
            Action::RemoveNetwork {
                name: n.to_string(),
            },
            "down",
            removed.clone(),
        );
    }
    if options.volumes {
        let mut volumes: Vec<&str> = match desired {
            Some(d) => d
                .volumes
                .iter()
                .filter(|v| !v.external)
                .filter(|v| observed.volumes.iter().any(|o| o.name == v.name))
                .map(|v| v.name.as_str())
                .collect(),
            None => observed
                .volumes
                .iter()
                .filter(|v| v.labels.get(labels::PROJECT).map(String::as_str) == Some(project))
                .map(|v| v.name.as_str())
                .collect(),
        };
        volumes.sort_unstable();
        volumes.dedup();
        for v in volumes {
            plan.push(
                Action::RemoveVolume {
                    name: v.to_string(),
                },
                "down -v",
                removed.clone(),
            );
        }
    }
    let mut images = options.images.clone();
    images.sort();
    images.dedup();
    for i in images {
        plan.push(
            Action::RemoveImage { name: i },
            "down --rmi",
            removed.clone(),
        );
    }
    plan
}

#[cfg(test)]
mod tests {
    use super::*;

    fn network(id: &str, name: &str) -> Network {
        Network {
            id: id.into(),
            name: name.into(),
            driver: "bridge".into(),
            labels: Default::default(),
        }
    }

    #[test]
    fn a_network_created_twice_loses_its_unused_copy() {
        let desired = Desired {
            project: "demo".into(),
            networks: vec![DesiredResource {
                key: "extra".into(),
                name: "demo_extra".into(),
                external: false,
            }],
            ..Default::default()
        };
        let observed = Observed {
            networks: vec![network("bbb", "demo_extra"), network("aaa", "demo_extra")],
            ..Default::default()
        };
        let plan = reconcile(&desired, &observed).unwrap();
        assert_eq!(
            plan.to_string(),
            "  1. remove network bbb  # duplicate of network demo_extra (created twice by an interrupted run)\n"
        );
    }
}
