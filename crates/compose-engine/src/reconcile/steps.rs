//! The steps of convergence, one pure function each.
//!
//! [`reconcile`](super::reconcile) is these steps in order: [`networks`],
//! [`volumes`], [`orphans`], then, for each service in [`service_order`], its
//! [`containers`] (scale down, keep or recreate, scale up) and the
//! [`dependency_waits`] its starts wait for, and last the [`ready_waits`] of
//! `--wait`. [`plan_down`](super::plan_down) is [`down_containers`] then
//! [`down_resources`].
//!
//! A step *decides*: from the desired and observed state it returns what to
//! create, remove, rename, start or wait for, and why. It does not *wire*: its
//! decisions carry no operation ids, and `reconcile` alone turns them into a
//! plan's operations and says what runs after what. So every rule of
//! convergence can be read, and tested, one step at a time — each step has its
//! golden cases in `fixtures/engine/steps/<step>/` — while the plan cases test
//! the whole.
//!
//! Steps do no I/O and are deterministic: they follow the order of the desired
//! state (networks, volumes and services as [`Desired`] lists them) and sort
//! what they take from the engine (containers by name, duplicate networks by
//! id).

use std::collections::BTreeSet;

use serde::Serialize;

use super::{
    container_name, describe_change, Desired, DesiredResource, DesiredService, DownOptions,
    Observed, PlanError, Recreate,
};
use crate::labels;
use crate::plan::{RollingReplica, Rollout, UpdateOrder};
use crate::runtime::{Container, ContainerState, Network};

/// A network or volume to create.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Create {
    /// Key in the file.
    pub key: String,
    /// Engine name.
    pub name: String,
}

/// A copy of a network that exists twice under one name, to remove by id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Duplicate {
    /// The network's name.
    pub name: String,
    /// The id of the copy to remove.
    pub id: String,
}

/// What the networks step decides.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Networks {
    /// Unused copies of networks created twice (an interrupted run's create
    /// still in flight while the next run created it too).
    pub remove_duplicates: Vec<Duplicate>,
    /// Networks the file declares that the engine lacks.
    pub create: Vec<Create>,
}

/// A container to remove, stopping it first when it runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Removal {
    /// Its service.
    pub service: String,
    /// Its name.
    pub name: String,
    /// Whether it must be stopped first.
    pub stop: bool,
    /// Why it goes.
    pub cause: String,
}

/// What the orphans step decides: remove them or warn about them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Orphans {
    /// Orphans to remove (`--remove-orphans`), by name.
    pub remove: Vec<Removal>,
    /// The warning naming the orphans left alone.
    pub warning: Option<String>,
}

/// Networks: create those the file declares and the engine lacks; keep those
/// that exist; an `external` one must exist. A network found twice under one
/// name loses its copies that no container uses (the one containers use stays,
/// else the lowest id).
///
/// # Errors
/// [`PlanError::MissingExternal`] for the first external network not found.
pub fn networks(desired: &Desired, observed: &Observed) -> Result<Networks, PlanError> {
    let in_use: BTreeSet<&str> = observed
        .containers
        .iter()
        .flat_map(|c| c.networks.values().map(String::as_str))
        .collect();
    let mut remove_duplicates = Vec::new();
    for net in desired.networks.iter().filter(|n| !n.external) {
        let mut same: Vec<&Network> = observed
            .networks
            .iter()
            .filter(|n| n.name == net.name)
            .collect();
        if same.len() < 2 {
            continue;
        }
        same.sort_by_key(|n| (!in_use.contains(n.id.as_str()), n.id.as_str()));
        for extra in &same[1..] {
            if !in_use.contains(extra.id.as_str()) {
                remove_duplicates.push(Duplicate {
                    name: net.name.clone(),
                    id: extra.id.clone(),
                });
            }
        }
    }
    let create = missing("network", &desired.networks, |name| {
        observed.networks.iter().any(|n| n.name == name)
    })?;
    Ok(Networks {
        remove_duplicates,
        create,
    })
}

/// Volumes: create those the file declares and the engine lacks; keep those
/// that exist; an `external` one must exist.
///
/// # Errors
/// [`PlanError::MissingExternal`] for the first external volume not found.
pub fn volumes(desired: &Desired, observed: &Observed) -> Result<Vec<Create>, PlanError> {
    missing("volume", &desired.volumes, |name| {
        observed.volumes.iter().any(|v| v.name == name)
    })
}

/// The resources to create: the declared ones that do not exist, except
/// external ones, whose absence is an error.
fn missing(
    kind: &'static str,
    declared: &[DesiredResource],
    exists: impl Fn(&str) -> bool,
) -> Result<Vec<Create>, PlanError> {
    let mut create = Vec::new();
    for r in declared.iter().filter(|r| !exists(&r.name)) {
        if r.external {
            return Err(PlanError::MissingExternal {
                kind,
                name: r.name.clone(),
            });
        }
        create.push(Create {
            key: r.key.clone(),
            name: r.name.clone(),
        });
    }
    Ok(create)
}

/// The cause of every orphan's removal.
const ORPHAN: &str = "orphan: service not in the file any more";

/// Orphans: containers (one-off ones aside) of services the file does not
/// know, enabled or not. Removed with `--remove-orphans` (stopped first unless
/// exited or never started), else named in a warning (unless ignored).
pub fn orphans(desired: &Desired, observed: &Observed) -> Orphans {
    let mut orphans: Vec<&Container> = observed
        .containers
        .iter()
        .filter(|c| c.label(labels::ONEOFF) != "True")
        .filter(|c| !desired.known_services.contains(c.label(labels::SERVICE)))
        .collect();
    orphans.sort_by(|a, b| a.name.cmp(&b.name));
    if orphans.is_empty() {
        Orphans::default()
    } else if desired.options.remove_orphans {
        let remove = orphans
            .iter()
            .map(|c| Removal {
                service: c.label(labels::SERVICE).to_string(),
                name: c.name.clone(),
                stop: !matches!(c.state, ContainerState::Exited | ContainerState::Created),
                cause: ORPHAN.into(),
            })
            .collect();
        Orphans {
            remove,
            warning: None,
        }
    } else if desired.options.ignore_orphans {
        Orphans::default()
    } else {
        Orphans {
            remove: Vec::new(),
            warning: Some(orphan_warning(orphans.iter().map(|c| c.name.as_str()))),
        }
    }
}

/// The warning about orphans left alone, naming them.
pub(super) fn orphan_warning<'a>(names: impl Iterator<Item = &'a str>) -> String {
    format!(
        "Found orphan containers ([{}]) for this project. If you removed or renamed this service in your compose file, you can run this command with the --remove-orphans flag to clean it up.",
        names.collect::<Vec<_>>().join(" ")
    )
}

/// Service names with dependencies first, ties broken by name (a cycle,
/// rejected earlier by the graph, leaves the rest in name order).
pub fn service_order(desired: &Desired) -> Vec<String> {
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
            for name in desired.services.keys() {
                if !placed.contains(name) {
                    order.push(name.clone());
                }
            }
        }
    }
    order
}

/// What the containers step decides for one service.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Containers {
    /// Scale down: surplus containers to remove, obsolete ones first, then the
    /// highest numbers.
    pub remove: Vec<Removal>,
    /// The containers that stay, kept or recreated, up-to-date ones first.
    pub replicas: Vec<Replica>,
    /// Scale up: new replicas, numbered after the highest number in use.
    pub create: Vec<NewReplica>,
    /// Whether the service's containers are started (not with `--no-start`):
    /// the recreated and new ones, and the kept ones that say so.
    pub start: bool,
}

/// One container that stays.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Replica {
    /// Up to date: kept, perhaps renamed, started or restarted.
    Keep {
        /// Its name.
        name: String,
        /// The name it takes: an interrupted replacement still carries its
        /// temporary name.
        rename_to: Option<String>,
        /// What happens to it.
        run: Run,
    },
    /// Obsolete: replaced by a new container.
    Recreate(Recreation),
}

/// What happens to a kept container.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Run {
    /// Nothing: it runs (or is not to be started).
    AsIs,
    /// It is not running and is started.
    Start {
        /// The name it is started under.
        name: String,
        /// Why (`created, not started`, `paused`, `not running`).
        cause: String,
    },
    /// It is stopped and started again because dependencies with
    /// `depends_on.restart` were recreated.
    Restart {
        /// The name it is stopped and started under.
        name: String,
        /// Those dependencies: the stop comes after their containers exist.
        after: Vec<String>,
        /// Why.
        cause: String,
    },
}

/// An obsolete container and its replacement: create the new one under a
/// temporary name, stop and remove the old one, rename the new one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Recreation {
    /// The old container's name, which the new one takes.
    pub name: String,
    /// The replica number.
    pub number: u32,
    /// The new container's name until the old one is gone (`<id12>_<name>`).
    pub temp_name: String,
    /// Whether the old one must be stopped first.
    pub stop: bool,
    /// Why it is obsolete.
    pub cause: String,
}

/// A service's rolling update (`deploy.update_config`): its obsolete
/// replicas in batches of `parallelism` (0: one batch), lowest numbers
/// first, with the order actually usable: `start-first` becomes `stop-first`
/// when the old and new container of a replica cannot run side by side.
/// `None` without `update_config` or without an obsolete replica.
pub fn rollout(service: &DesiredService, replicas: &[Replica]) -> Option<Rollout> {
    let policy = service.update.as_ref()?;
    let mut replicas: Vec<RollingReplica> = replicas
        .iter()
        .filter_map(|r| match r {
            Replica::Recreate(r) => Some(RollingReplica {
                name: r.name.clone(),
                number: r.number,
                temp_name: r.temp_name.clone(),
                running: r.stop,
            }),
            Replica::Keep { .. } => None,
        })
        .collect();
    if replicas.is_empty() {
        return None;
    }
    replicas.sort_by(|a, b| a.number.cmp(&b.number).then_with(|| a.name.cmp(&b.name)));
    let mut update = policy.update.clone();
    let mut fallback = None;
    if update.order == UpdateOrder::StartFirst {
        if let Some(why) = &policy.start_first_blocker {
            update.order = UpdateOrder::StopFirst;
            fallback = Some(why.clone());
        }
    }
    let mut rollback = policy.rollback.clone();
    if rollback.order == UpdateOrder::StartFirst && policy.start_first_blocker.is_some() {
        rollback.order = UpdateOrder::StopFirst;
    }
    let size = match update.parallelism {
        0 => replicas.len(),
        n => n as usize,
    };
    Some(Rollout {
        update,
        rollback,
        batches: replicas.chunks(size).map(<[_]>::to_vec).collect(),
        fallback,
    })
}

/// A new replica (scale up).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewReplica {
    /// Its number.
    pub number: u32,
    /// Its name.
    pub name: String,
    /// Why (`scale 1 → 3`).
    pub cause: String,
}

/// One of a service's containers, with its number and why it is obsolete.
struct Found<'a> {
    container: &'a Container,
    number: Option<u32>,
    obsolete: Option<String>,
}

/// A service's containers (one-off ones aside): which to remove (scale down:
/// obsolete ones first, then the highest numbers), which to keep or recreate
/// (a diverged config hash or image, a missing network or volume, or
/// `--force-recreate`; never with `--no-recreate`), how many to create (scale
/// up, numbered after the highest), and which to start. `recreated` names the
/// services already recreated: a running container whose `depends_on.restart`
/// dependency is among them is restarted.
pub fn containers(
    desired: &Desired,
    service: &DesiredService,
    observed: &Observed,
    recreated: &BTreeSet<String>,
) -> Containers {
    let found = found(service, observed);
    let want = service.scale as usize;
    let scale = format!("scale {} → {want}", found.len());
    let replicas = found
        .iter()
        .take(want)
        .map(|f| match &f.obsolete {
            Some(why) => recreate(f, why),
            None => keep(desired, service, f, recreated),
        })
        .collect();
    Containers {
        remove: scale_down(service, &found, want, &scale),
        replicas,
        create: scale_up(desired, service, &found, want, &scale),
        start: !desired.options.no_start,
    }
}

/// The service's containers, up-to-date ones first, lowest numbers first
/// (else the newest first), then by name; obsolete ones last.
fn found<'a>(service: &DesiredService, observed: &'a Observed) -> Vec<Found<'a>> {
    let mut found: Vec<Found<'a>> = observed
        .containers
        .iter()
        .filter(|c| c.label(labels::SERVICE) == service.name)
        .filter(|c| c.label(labels::ONEOFF) != "True")
        .map(|c| Found {
            container: c,
            number: c.label(labels::CONTAINER_NUMBER).parse().ok(),
            obsolete: obsolete(service, c, observed),
        })
        .collect();
    found.sort_by(|a, b| {
        let (ca, cb) = (a.container, b.container);
        a.obsolete
            .is_some()
            .cmp(&b.obsolete.is_some())
            .then_with(|| match (a.number, b.number) {
                (Some(x), Some(y)) => x.cmp(&y),
                _ => cb.created.cmp(&ca.created),
            })
            .then_with(|| ca.name.cmp(&cb.name))
    });
    found
}

/// Scale down: the containers beyond `want`, from the end of the sorted list.
fn scale_down(
    service: &DesiredService,
    found: &[Found<'_>],
    want: usize,
    scale: &str,
) -> Vec<Removal> {
    found
        .iter()
        .skip(want)
        .rev()
        .map(|f| Removal {
            service: service.name.clone(),
            name: f.container.name.clone(),
            stop: runs(f.container),
            cause: match &f.obsolete {
                Some(w) if want > 0 => format!("outdated ({w}) and surplus: {scale}"),
                _ => scale.to_string(),
            },
        })
        .collect()
}

/// Scale up: the replicas missing to reach `want`, numbered after the
/// highest number in use.
fn scale_up(
    desired: &Desired,
    service: &DesiredService,
    found: &[Found<'_>],
    want: usize,
    scale: &str,
) -> Vec<NewReplica> {
    let next = found.iter().filter_map(|f| f.number).max().unwrap_or(0) + 1;
    (0..want.saturating_sub(found.len()))
        .map(|i| {
            let number = next + i as u32;
            NewReplica {
                number,
                name: container_name(&desired.project, service, number),
                cause: scale.to_string(),
            }
        })
        .collect()
}

/// An obsolete container's replacement, under `<id12>_<name>` until the old
/// one is gone.
fn recreate(f: &Found<'_>, why: &str) -> Replica {
    let c = f.container;
    Replica::Recreate(Recreation {
        name: c.name.clone(),
        number: f.number.unwrap_or(1),
        temp_name: format!("{}_{}", &c.id[..c.id.len().min(12)], c.name),
        stop: runs(c),
        cause: why.to_string(),
    })
}

/// Whether a container must be stopped before it is removed.
fn runs(c: &Container) -> bool {
    matches!(
        c.state,
        ContainerState::Running | ContainerState::Paused | ContainerState::Restarting
    )
}

/// An up-to-date container: renamed if it still carries a temporary name,
/// restarted after a `depends_on.restart` dependency was recreated, started
/// if it is not running.
fn keep(
    desired: &Desired,
    service: &DesiredService,
    f: &Found<'_>,
    recreated: &BTreeSet<String>,
) -> Replica {
    let (c, number) = (f.container, f.number);
    let expected = container_name(&desired.project, service, number.unwrap_or(1));
    // A replacement interrupted before its rename (hoist killed mid-`up`).
    let rename_to = (c.name != expected && number.is_some()).then(|| expected.clone());
    let restart_for: Vec<String> = service
        .depends_on
        .iter()
        .filter(|(d, e)| e.restart && recreated.contains(d))
        .map(|(d, _)| d.clone())
        .collect();
    let start = !desired.options.no_start;
    let run = if c.state == ContainerState::Running && !restart_for.is_empty() && start {
        Run::Restart {
            name: c.name.clone(),
            cause: format!(
                "{} was recreated (depends_on.restart)",
                restart_for.join(", ")
            ),
            after: restart_for,
        }
    } else if start
        && !matches!(
            c.state,
            ContainerState::Running | ContainerState::Restarting
        )
    {
        let cause = match c.state {
            ContainerState::Created => "created, not started",
            ContainerState::Paused => "paused",
            _ => "not running",
        };
        Run::Start {
            name: rename_to.clone().unwrap_or_else(|| c.name.clone()),
            cause: cause.into(),
        }
    } else {
        Run::AsIs
    };
    Replica::Keep {
        name: c.name.clone(),
        rename_to,
        run,
    }
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

/// What a dependent's start waits for (`depends_on.condition`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Condition {
    /// `service_started` (and any unknown condition): its containers started.
    Started,
    /// `service_healthy`: its containers are healthy.
    Healthy,
    /// `service_completed_successfully`: its containers exited with code 0.
    Completed,
}

/// A dependency a service's starts wait for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DependencyWait {
    /// The dependency.
    pub service: String,
    /// What to wait for.
    pub condition: Condition,
    /// Whether its failure fails the plan (`depends_on.required`).
    pub required: bool,
    /// Why (`web depends on it (service_healthy)`).
    pub cause: String,
}

/// Waits for dependencies: what the starts of `service` wait for, one entry
/// per dependency being converged too, in `depends_on` order. Nothing with
/// `--no-start`, as nothing starts.
pub fn dependency_waits(desired: &Desired, service: &DesiredService) -> Vec<DependencyWait> {
    if desired.options.no_start {
        return Vec::new();
    }
    service
        .depends_on
        .iter()
        .filter(|(dep, _)| desired.services.contains_key(dep))
        .map(|(dep, edge)| DependencyWait {
            service: dep.clone(),
            condition: match edge.condition.as_str() {
                "service_healthy" => Condition::Healthy,
                "service_completed_successfully" => Condition::Completed,
                _ => Condition::Started,
            },
            required: edge.required,
            cause: format!("{} depends on it ({})", service.name, edge.condition),
        })
        .collect()
}

/// Waits of `--wait`: the services, in `order`, whose readiness ends the
/// plan (all but those scaled to 0; none without `--wait` or with
/// `--no-start`).
pub fn ready_waits(desired: &Desired, order: &[String]) -> Vec<String> {
    if !desired.options.wait || desired.options.no_start {
        return Vec::new();
    }
    order
        .iter()
        .filter(|name| desired.services.get(*name).is_some_and(|s| s.scale != 0))
        .cloned()
        .collect()
}

/// What `down` does to one service's containers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DownService {
    /// The service.
    pub service: String,
    /// The services depending on it: its containers stop after theirs.
    pub dependents: Vec<String>,
    /// Its containers, by name.
    pub remove: Vec<Removal>,
}

/// What the containers step of `down` decides.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DownContainers {
    /// The services whose containers go, dependents first (ties by name).
    pub services: Vec<DownService>,
    /// The warning naming the orphans left alone (without `--remove-orphans`).
    pub warning: Option<String>,
}

/// The containers `down` stops and removes: the project's (labelled with
/// `project`), orphans only with `--remove-orphans`, service by service,
/// dependents first. `desired` is `None` without a compose file: every
/// container of the project goes.
pub fn down_containers<'a>(
    project: &str,
    desired: Option<&'a Desired>,
    observed: &'a Observed,
    options: &DownOptions,
) -> DownContainers {
    let known = |service: &str| desired.is_none_or(|d| d.known_services.contains(service));
    let mut containers: Vec<&Container> = observed
        .containers
        .iter()
        .filter(|c| c.label(labels::PROJECT) == project)
        .filter(|c| options.remove_orphans || known(c.label(labels::SERVICE)))
        .collect();
    containers.sort_by(|a, b| a.name.cmp(&b.name));
    let warning = desired.filter(|_| !options.remove_orphans).and_then(|d| {
        let mut orphans = observed
            .containers
            .iter()
            .filter(|c| !d.known_services.contains(c.label(labels::SERVICE)))
            .map(|c| c.name.as_str())
            .peekable();
        orphans.peek().is_some().then(|| orphan_warning(orphans))
    });
    let deps_of = |service: &str| -> Vec<&'a str> {
        desired
            .and_then(|d| d.services.get(service))
            .map(|s| s.depends_on.iter().map(|(n, _)| n.as_str()).collect())
            .unwrap_or_default()
    };
    let present: BTreeSet<&str> = containers
        .iter()
        .map(|c| c.label(labels::SERVICE))
        .collect();
    let services = stop_order(&present, deps_of)
        .into_iter()
        .map(|s| DownService {
            service: s.to_string(),
            dependents: present
                .iter()
                .filter(|o| deps_of(o).contains(&s))
                .map(|o| o.to_string())
                .collect(),
            remove: containers
                .iter()
                .filter(|c| c.label(labels::SERVICE) == s)
                .map(|c| Removal {
                    service: s.to_string(),
                    name: c.name.clone(),
                    stop: runs(c),
                    cause: if known(s) { "down" } else { ORPHAN }.into(),
                })
                .collect(),
        })
        .collect();
    DownContainers { services, warning }
}

/// Services in the order they stop: each once every service depending on it
/// has stopped, ties by name (a cycle leaves the rest in name order).
fn stop_order<'a>(
    services: &BTreeSet<&'a str>,
    deps_of: impl Fn(&str) -> Vec<&'a str>,
) -> Vec<&'a str> {
    let mut order: Vec<&str> = Vec::new();
    let mut placed: BTreeSet<&str> = BTreeSet::new();
    while placed.len() < services.len() {
        let before = placed.len();
        for s in services {
            if placed.contains(s) {
                continue;
            }
            let blocked = services
                .iter()
                .any(|o| !placed.contains(o) && o != s && deps_of(o).contains(s));
            if !blocked {
                order.push(s);
            }
        }
        for s in &order[before..] {
            placed.insert(s);
        }
        if placed.len() == before {
            for s in services {
                if placed.insert(s) {
                    order.push(s);
                }
            }
        }
    }
    order
}

/// What `down` removes after the containers.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DownResources {
    /// Networks, by name.
    pub networks: Vec<String>,
    /// Volumes (`-v`), by name.
    pub volumes: Vec<String>,
    /// Images (`--rmi`), by name.
    pub images: Vec<String>,
}

/// The networks, volumes (`-v`) and images (`--rmi`) `down` removes: the
/// file's own (not external) networks and volumes that exist, or, without a
/// compose file, those labelled with `project`; the images the caller chose.
pub fn down_resources(
    project: &str,
    desired: Option<&Desired>,
    observed: &Observed,
    options: &DownOptions,
) -> DownResources {
    let ours = |labels: &crate::runtime::Labels| {
        labels.get(labels::PROJECT).map(String::as_str) == Some(project)
    };
    let networks = match desired {
        Some(d) => existing(&d.networks, |name| {
            observed.networks.iter().any(|o| o.name == name)
        }),
        None => observed
            .networks
            .iter()
            .filter(|n| ours(&n.labels))
            .map(|n| n.name.clone())
            .collect(),
    };
    let volumes = match desired {
        _ if !options.volumes => Vec::new(),
        Some(d) => existing(&d.volumes, |name| {
            observed.volumes.iter().any(|o| o.name == name)
        }),
        None => observed
            .volumes
            .iter()
            .filter(|v| ours(&v.labels))
            .map(|v| v.name.clone())
            .collect(),
    };
    DownResources {
        networks: sorted(networks),
        volumes: sorted(volumes),
        images: sorted(options.images.clone()),
    }
}

/// The declared resources, external ones aside, that exist.
fn existing(declared: &[DesiredResource], exists: impl Fn(&str) -> bool) -> Vec<String> {
    declared
        .iter()
        .filter(|r| !r.external && exists(&r.name))
        .map(|r| r.name.clone())
        .collect()
}

fn sorted(mut names: Vec<String>) -> Vec<String> {
    names.sort();
    names.dedup();
    names
}
