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
//!
//! These rules live in [`steps`], one pure function per step of convergence
//! (networks, volumes, orphans, each service's containers, waits), each
//! returning decisions with their causes and tested on its own golden cases.
//! [`reconcile`] and [`plan_down`] only run the steps in order and wire their
//! decisions into a [`Plan`]'s operations: ids, and what runs after what.
//! [`describe_change`] says, in the file's terms, what made a container obsolete.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::graph::Edge;
use crate::plan::{Action, Pace, Plan};
use crate::runtime::{Container, Network, Volume};

mod change;

pub mod steps;

pub use change::describe_change;

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
    /// `deploy.update_config`: replace obsolete containers in batches, each
    /// new container proven before its old one goes (`None`: compose's
    /// all-at-once recreate).
    pub update: Option<UpdatePolicy>,
}

/// A service's `deploy.update_config` and `rollback_config`, as the plan uses them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct UpdatePolicy {
    /// `update_config`.
    pub update: Pace,
    /// `rollback_config`.
    pub rollback: Pace,
    /// Why the old and new container of a replica cannot run side by side
    /// (a fixed published host port, `container_name`, anonymous volumes),
    /// which turns `start-first` into `stop-first`.
    pub start_first_blocker: Option<String>,
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
    /// Say nothing about orphans (`COMPOSE_IGNORE_ORPHANS`).
    pub ignore_orphans: bool,
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
        None => crate::naming::join(&[project, &service.name, &number.to_string()]),
    }
}

/// Computes the plan that brings the engine from `observed` to `desired`
/// for `up` (create, recreate, scale, start, wait, orphans).
///
/// The steps, in order: [`steps::networks`], [`steps::volumes`],
/// [`steps::orphans`]; then for each service in [`steps::service_order`], its
/// [`steps::containers`] and the [`steps::dependency_waits`] of its starts;
/// last the [`steps::ready_waits`] of `--wait`. A service's containers are
/// created after the networks and volumes they use and their dependencies'
/// containers, and started after their dependencies' waits.
///
/// # Errors
/// [`PlanError::MissingExternal`] when an external network or volume is missing.
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
    let mut up = Assembly::default();
    up.networks(&networks);
    up.volumes(&volumes);
    up.orphans(steps::orphans(desired, observed));
    let order = steps::service_order(desired);
    for name in &order {
        let service = &desired.services[name.as_str()];
        let containers = steps::containers(desired, service, observed, &up.recreated);
        let waits = steps::dependency_waits(desired, service);
        up.service(desired, name, service, &containers, &waits);
    }
    up.ready(&steps::ready_waits(desired, &order));
    Ok(up.plan)
}

/// The plan of `up` being assembled from the steps' decisions, with the
/// operations later ones must come after.
#[derive(Default)]
struct Assembly {
    plan: Plan,
    /// Creations of networks (and removals of their duplicates), by engine name.
    networks: BTreeMap<String, Vec<usize>>,
    /// Creations of volumes, by engine name.
    volumes: BTreeMap<String, Vec<usize>>,
    /// Per service: the ops after which its containers exist under their
    /// final names.
    created: BTreeMap<String, Vec<usize>>,
    /// Per service: the ops after which its containers run.
    started: BTreeMap<String, Vec<usize>>,
    /// Waits for a dependency, shared by its dependents.
    waits: BTreeMap<(String, steps::Condition), usize>,
    /// Services with a recreated container.
    recreated: BTreeSet<String>,
}

/// A container to start: its name, what it starts after, why.
type ToStart = (String, Vec<usize>, String);

/// One service's operations so far.
#[derive(Default)]
struct ServiceOps {
    /// Those after which its containers exist under their final names.
    created: Vec<usize>,
    /// Its containers to start.
    to_start: Vec<ToStart>,
}

impl Assembly {
    fn networks(&mut self, networks: &steps::Networks) {
        for d in &networks.remove_duplicates {
            let id = self.plan.push(
                Action::RemoveNetwork { name: d.id.clone() },
                format!(
                    "duplicate of network {} (created twice by an interrupted run)",
                    d.name
                ),
                vec![],
            );
            self.networks.entry(d.name.clone()).or_default().push(id);
        }
        for c in &networks.create {
            let id = self.plan.push(
                Action::CreateNetwork {
                    key: c.key.clone(),
                    name: c.name.clone(),
                },
                "not found",
                vec![],
            );
            self.networks.entry(c.name.clone()).or_default().push(id);
        }
    }

    fn volumes(&mut self, volumes: &[steps::Create]) {
        for c in volumes {
            let id = self.plan.push(
                Action::CreateVolume {
                    key: c.key.clone(),
                    name: c.name.clone(),
                },
                "not found",
                vec![],
            );
            self.volumes.entry(c.name.clone()).or_default().push(id);
        }
    }

    fn orphans(&mut self, orphans: steps::Orphans) {
        for r in &orphans.remove {
            stop_and_remove(&mut self.plan, r, vec![]);
        }
        self.plan.warnings.extend(orphans.warning);
    }

    /// One service's containers: removals, replacements, renames and creations
    /// (after the networks and volumes they use and their dependencies'
    /// containers), then their starts (after the dependency waits).
    fn service(
        &mut self,
        desired: &Desired,
        key: &str,
        service: &DesiredService,
        steps: &steps::Containers,
        waits: &[steps::DependencyWait],
    ) {
        let create_after = self.create_after(service);
        let mut ops = ServiceOps::default();
        for r in &steps.remove {
            ops.created
                .push(stop_and_remove(&mut self.plan, r, vec![]).1);
        }
        let rollout = steps
            .start
            .then(|| steps::rollout(service, &steps.replicas))
            .flatten();
        if let Some(rollout) = rollout {
            // The update starts its new containers itself: after what they are
            // created after, and after their dependencies are ready.
            let mut after = create_after.clone();
            after.extend(self.dependency_waits(desired, waits));
            let cause = steps
                .replicas
                .iter()
                .find_map(|r| match r {
                    steps::Replica::Recreate(r) => Some(r.cause.clone()),
                    steps::Replica::Keep { .. } => None,
                })
                .unwrap_or_default();
            let summary = rollout.summary();
            let id = self.plan.push(
                Action::UpdateService {
                    service: service.name.clone(),
                    rollout,
                },
                format!("{cause}: {summary}"),
                after,
            );
            self.recreated.insert(service.name.clone());
            ops.created.push(id);
            self.started.entry(key.to_string()).or_default().push(id);
        }
        for replica in &steps.replicas {
            match replica {
                steps::Replica::Recreate(_) if rollout_planned(service, steps) => {}
                steps::Replica::Recreate(r) => {
                    let rename = self.recreate(service, r, create_after.clone());
                    ops.created.push(rename);
                    ops.to_start
                        .push((r.name.clone(), vec![rename], "recreated".into()));
                }
                steps::Replica::Keep {
                    name,
                    rename_to,
                    run,
                } => self.keep(service, name, rename_to.as_deref(), run, &mut ops),
            }
        }
        for n in &steps.create {
            let create = self.plan.push(
                Action::CreateContainer {
                    service: service.name.clone(),
                    number: n.number,
                    name: n.name.clone(),
                    replaces: None,
                },
                n.cause.clone(),
                create_after.clone(),
            );
            ops.created.push(create);
            ops.to_start
                .push((n.name.clone(), vec![create], n.cause.clone()));
        }
        if steps.start && !ops.to_start.is_empty() {
            let ready = self.dependency_waits(desired, waits);
            let started = ops
                .to_start
                .into_iter()
                .map(|(name, mut after, cause)| {
                    after.extend(ready.iter().copied());
                    let service = service.name.clone();
                    self.plan
                        .push(Action::StartContainer { service, name }, cause, after)
                })
                .collect::<Vec<usize>>();
            self.started
                .entry(key.to_string())
                .or_default()
                .extend(started);
        }
        self.created.insert(key.to_string(), ops.created);
    }

    /// A kept container: renamed (after this service's removals, which free
    /// the name), restarted (after the recreated dependencies' containers
    /// exist) or started.
    fn keep(
        &mut self,
        service: &DesiredService,
        name: &str,
        rename_to: Option<&str>,
        run: &steps::Run,
        ops: &mut ServiceOps,
    ) {
        let mut after = vec![];
        if let Some(to) = rename_to {
            let r = self.plan.push(
                Action::RenameContainer {
                    service: service.name.clone(),
                    from: name.to_string(),
                    to: to.to_string(),
                },
                "interrupted replacement takes its final name",
                ops.created.clone(),
            );
            ops.created.push(r);
            after.push(r);
        }
        match run {
            steps::Run::AsIs => {}
            steps::Run::Start { name, cause } => {
                ops.to_start.push((name.clone(), after, cause.clone()));
            }
            steps::Run::Restart {
                name,
                after: deps,
                cause,
            } => {
                for d in deps {
                    after.extend(self.created.get(d).into_iter().flatten());
                }
                let stop = self.plan.push(
                    Action::StopContainer {
                        service: service.name.clone(),
                        name: name.clone(),
                    },
                    cause.clone(),
                    after,
                );
                ops.created.push(stop);
                ops.to_start.push((name.clone(), vec![stop], cause.clone()));
            }
        }
    }

    /// What a service's new containers are created after: the networks and
    /// volumes they use (not all of the project's: the engine creates
    /// networks one at a time) and their dependencies' containers.
    fn create_after(&self, service: &DesiredService) -> Vec<usize> {
        let resources = service
            .networks
            .iter()
            .filter_map(|n| self.networks.get(n))
            .chain(service.volumes.iter().filter_map(|v| self.volumes.get(v)));
        let deps = service
            .depends_on
            .iter()
            .filter_map(|(d, _)| self.created.get(d));
        resources.chain(deps).flatten().copied().collect()
    }

    /// Create under the temporary name, stop and remove the old container,
    /// rename the new one; returns the rename.
    fn recreate(
        &mut self,
        service: &DesiredService,
        r: &steps::Recreation,
        create_after: Vec<usize>,
    ) -> usize {
        let create = self.plan.push(
            Action::CreateContainer {
                service: service.name.clone(),
                number: r.number,
                name: r.temp_name.clone(),
                replaces: Some(r.name.clone()),
            },
            r.cause.clone(),
            create_after,
        );
        let old = steps::Removal {
            service: service.name.clone(),
            name: r.name.clone(),
            stop: r.stop,
            cause: format!("replaced: {}", r.cause),
        };
        let (_, remove) = stop_and_remove(&mut self.plan, &old, vec![create]);
        self.recreated.insert(service.name.clone());
        self.plan.push(
            Action::RenameContainer {
                service: service.name.clone(),
                from: r.temp_name.clone(),
                to: r.name.clone(),
            },
            "replacement takes the old name",
            vec![remove],
        )
    }

    /// The waits a service's starts come after; a dependency's wait is
    /// shared by its dependents, and comes after its starts and removals
    /// (scale-down), so only the containers that stay are waited for.
    fn dependency_waits(
        &mut self,
        desired: &Desired,
        waits: &[steps::DependencyWait],
    ) -> Vec<usize> {
        let mut ready = Vec::new();
        for w in waits {
            let started = self.started.get(&w.service);
            if w.condition == steps::Condition::Started {
                ready.extend(started.into_iter().flatten().copied());
                continue;
            }
            let name = desired
                .services
                .get(&w.service)
                .map_or(w.service.as_str(), |s| s.name.as_str());
            let key = (name.to_string(), w.condition);
            let id = match self.waits.get(&key) {
                Some(&id) => id,
                None => {
                    let mut after: Vec<usize> = started.cloned().unwrap_or_default();
                    after.extend(self.created.get(&w.service).into_iter().flatten());
                    let (service, required) = (w.service.clone(), w.required);
                    let action = if w.condition == steps::Condition::Healthy {
                        Action::WaitHealthy { service, required }
                    } else {
                        Action::WaitCompleted { service, required }
                    };
                    let id = self.plan.push(action, w.cause.clone(), after);
                    self.waits.insert(key, id);
                    id
                }
            };
            ready.push(id);
        }
        ready
    }

    /// `--wait`: each service's readiness, after its starts and removals.
    fn ready(&mut self, services: &[String]) {
        for name in services {
            let mut after = self.started.get(name).cloned().unwrap_or_default();
            after.extend(self.created.get(name).into_iter().flatten());
            self.plan.push(
                Action::WaitReady {
                    service: name.clone(),
                },
                "--wait",
                after,
            );
        }
    }
}

/// Whether the service's recreations go through a rolling update.
fn rollout_planned(service: &DesiredService, steps: &steps::Containers) -> bool {
    steps.start && service.update.is_some()
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
/// The steps: [`steps::down_containers`] (a service's containers stop after
/// those of the services depending on it), then [`steps::down_resources`]
/// (removed once every container is).
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
    let containers = steps::down_containers(project, desired, observed, options);
    let resources = steps::down_resources(project, desired, observed, options);
    let mut plan = Plan::default();
    plan.warnings.extend(containers.warning);
    // Per service: the ops its dependencies' stops come after.
    let mut stops: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    let mut removed = Vec::new();
    for s in &containers.services {
        let after: Vec<usize> = s
            .dependents
            .iter()
            .filter_map(|o| stops.get(o.as_str()))
            .flatten()
            .copied()
            .collect();
        let mut mine = Vec::new();
        for r in &s.remove {
            let (stop, rm) = stop_and_remove(&mut plan, r, after.clone());
            // Dependencies wait for this container to stop, not to be removed:
            // removal does not concern them, and waiting for it would put every
            // remove on the stop chain. Without a stop, the remove carries the
            // ordering on (it waits for the dependents' stops).
            mine.push(stop.unwrap_or(rm));
            removed.push(rm);
        }
        stops.insert(&s.service, mine);
    }
    for name in resources.networks {
        plan.push(Action::RemoveNetwork { name }, "down", removed.clone());
    }
    for name in resources.volumes {
        plan.push(Action::RemoveVolume { name }, "down -v", removed.clone());
    }
    for name in resources.images {
        plan.push(Action::RemoveImage { name }, "down --rmi", removed.clone());
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
