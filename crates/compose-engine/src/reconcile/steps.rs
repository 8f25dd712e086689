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

use super::{Desired, DesiredResource, Observed, PlanError};
use crate::labels;
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
/// exited or never started), else named in a warning.
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
