//! A plan: the operations `up`/`down` will perform, each with its cause.
//!
//! Plans are data: [`crate::reconcile`] computes them without touching the
//! runtime, `hoist plan` prints them, and [`crate::apply`] executes them. An
//! operation runs once every operation in its `after` list has finished, so a
//! plan is a DAG whose independent branches run concurrently.

use serde::Serialize;
use std::fmt;

/// What one operation does.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Action {
    /// Create a network (`name` is the engine name, `key` the file's key).
    CreateNetwork {
        /// Key under `networks:`.
        key: String,
        /// Engine name.
        name: String,
    },
    /// Create a volume.
    CreateVolume {
        /// Key under `volumes:`.
        key: String,
        /// Engine name.
        name: String,
    },
    /// Create a service container (replica `number`) under `name`.
    CreateContainer {
        /// Service.
        service: String,
        /// Replica number.
        number: u32,
        /// Container name (a temporary one while replacing an older container).
        name: String,
        /// Name of the container this one replaces, if any.
        #[serde(skip_serializing_if = "Option::is_none")]
        replaces: Option<String>,
    },
    /// Start a container.
    StartContainer {
        /// Service.
        service: String,
        /// Container name.
        name: String,
    },
    /// Stop a container.
    StopContainer {
        /// Service.
        service: String,
        /// Container name.
        name: String,
    },
    /// Remove a container.
    RemoveContainer {
        /// Service.
        service: String,
        /// Container name.
        name: String,
    },
    /// Rename a container.
    RenameContainer {
        /// Service.
        service: String,
        /// Current name.
        from: String,
        /// New name.
        to: String,
    },
    /// Wait until every container of a service is healthy.
    WaitHealthy {
        /// Service.
        service: String,
        /// Whether failure fails the plan (`depends_on.required`).
        required: bool,
    },
    /// Wait until every container of a service has exited with code 0.
    WaitCompleted {
        /// Service.
        service: String,
        /// Whether failure fails the plan.
        required: bool,
    },
    /// Wait until every container of a service runs (and is healthy if it has a healthcheck).
    WaitReady {
        /// Service.
        service: String,
    },
    /// Remove a network.
    RemoveNetwork {
        /// Engine name.
        name: String,
    },
    /// Remove a volume.
    RemoveVolume {
        /// Engine name.
        name: String,
    },
    /// Remove an image.
    RemoveImage {
        /// Image name.
        name: String,
    },
    /// Replace a service's obsolete containers in batches
    /// (`deploy.update_config`), proving each new container before the old
    /// one goes, and rolling back or pausing on failure.
    UpdateService {
        /// Service.
        service: String,
        /// The batches and their pace.
        rollout: Rollout,
    },
}

/// `deploy.update_config.order`: whether a replica's new container starts
/// before (`start-first`) or after (`stop-first`) its old one stops.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum UpdateOrder {
    /// Stop the old container, then start the new one (Swarm's default).
    #[default]
    StopFirst,
    /// Start the new container beside the old one; stop the old one once the
    /// new one is proven.
    StartFirst,
}

impl fmt::Display for UpdateOrder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            UpdateOrder::StopFirst => "stop-first",
            UpdateOrder::StartFirst => "start-first",
        })
    }
}

/// `deploy.update_config.failure_action`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FailureAction {
    /// Stop the update where it is (Swarm's default).
    #[default]
    Pause,
    /// Go on with the next batches.
    Continue,
    /// Put the previous containers back.
    Rollback,
}

impl fmt::Display for FailureAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            FailureAction::Pause => "pause",
            FailureAction::Continue => "continue",
            FailureAction::Rollback => "rollback",
        })
    }
}

/// The pace of an update (`update_config`) or of its rollback (`rollback_config`).
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Pace {
    /// Replicas replaced at once (0: all).
    pub parallelism: u32,
    /// Pause between batches, in milliseconds.
    pub delay_ms: u64,
    /// Order within a replica.
    pub order: UpdateOrder,
    /// How long a new container must run (without a healthcheck), or may take
    /// to become healthy (with one), in milliseconds; `None`: 5 s without a
    /// healthcheck, and until the healthcheck decides with one.
    pub monitor_ms: Option<u64>,
    /// What a failure beyond `max_failure_ratio` does.
    pub failure_action: FailureAction,
    /// Failures tolerated, in thousandths of the replicas updated.
    pub max_failure_permille: u32,
}

/// One replica of a rolling update.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct RollingReplica {
    /// The old container's name, which the new one takes at the end.
    pub name: String,
    /// Replica number.
    pub number: u32,
    /// The new container's name until then (`<id12>_<name>`).
    pub temp_name: String,
    /// Whether the old container runs (and so is stopped, and restarted on rollback).
    pub running: bool,
}

/// A rolling update: the batches of replicas, in order, and the paces.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Rollout {
    /// `update_config`, with the order actually used.
    pub update: Pace,
    /// `rollback_config`.
    pub rollback: Pace,
    /// Replicas in batches of `update.parallelism`.
    pub batches: Vec<Vec<RollingReplica>>,
    /// Why `start-first` was asked for but `stop-first` is used.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fallback: Option<String>,
}

impl Rollout {
    /// How the update goes, in words (shown after the cause in plans).
    pub fn summary(&self) -> String {
        let n: usize = self.batches.iter().map(Vec::len).sum();
        let mut s = format!(
            "{n} replica{} in {} batch{}, {}",
            if n == 1 { "" } else { "s" },
            self.batches.len(),
            if self.batches.len() == 1 { "" } else { "es" },
            self.update.order
        );
        if let Some(why) = &self.fallback {
            s.push_str(&format!(" (not start-first: {why})"));
        }
        if self.update.delay_ms > 0 && self.batches.len() > 1 {
            s.push_str(&format!(
                ", {} between batches",
                millis(self.update.delay_ms)
            ));
        }
        s.push_str(&format!(", on failure {}", self.update.failure_action));
        s
    }
}

/// `1.5s`, `200ms`, `2m0s`: a duration as Go prints it (roughly).
pub fn millis(ms: u64) -> String {
    if ms < 1000 {
        format!("{ms}ms")
    } else if ms < 60_000 {
        let s = ms as f64 / 1000.0;
        format!("{}s", trim(s))
    } else {
        format!("{}m{}s", ms / 60_000, trim((ms % 60_000) as f64 / 1000.0))
    }
}

fn trim(x: f64) -> String {
    let s = format!("{x:.3}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

impl Action {
    /// The verb shown in plans.
    pub fn verb(&self) -> &'static str {
        match self {
            Action::CreateNetwork { .. }
            | Action::CreateVolume { .. }
            | Action::CreateContainer { .. } => "create",
            Action::StartContainer { .. } => "start",
            Action::StopContainer { .. } => "stop",
            Action::RemoveContainer { .. }
            | Action::RemoveNetwork { .. }
            | Action::RemoveVolume { .. }
            | Action::RemoveImage { .. } => "remove",
            Action::RenameContainer { .. } => "rename",
            Action::WaitHealthy { .. } => "wait healthy",
            Action::WaitCompleted { .. } => "wait completed",
            Action::WaitReady { .. } => "wait ready",
            Action::UpdateService { .. } => "update",
        }
    }

    /// The resource the operation is about, as `kind name`.
    pub fn resource(&self) -> String {
        match self {
            Action::CreateNetwork { name, .. } | Action::RemoveNetwork { name } => {
                format!("network {name}")
            }
            Action::CreateVolume { name, .. } | Action::RemoveVolume { name } => {
                format!("volume {name}")
            }
            Action::CreateContainer { name, .. }
            | Action::StartContainer { name, .. }
            | Action::StopContainer { name, .. }
            | Action::RemoveContainer { name, .. } => format!("container {name}"),
            Action::RenameContainer { from, to, .. } => format!("container {from} → {to}"),
            Action::WaitHealthy { service, .. }
            | Action::WaitCompleted { service, .. }
            | Action::WaitReady { service }
            | Action::UpdateService { service, .. } => format!("service {service}"),
            Action::RemoveImage { name } => format!("image {name}"),
        }
    }

    /// Whether the operation only waits (observes) rather than changing the engine.
    pub fn is_wait(&self) -> bool {
        matches!(
            self,
            Action::WaitHealthy { .. } | Action::WaitCompleted { .. } | Action::WaitReady { .. }
        )
    }

    /// The service the operation belongs to, if any.
    pub fn service(&self) -> Option<&str> {
        match self {
            Action::CreateContainer { service, .. }
            | Action::StartContainer { service, .. }
            | Action::StopContainer { service, .. }
            | Action::RemoveContainer { service, .. }
            | Action::RenameContainer { service, .. }
            | Action::WaitHealthy { service, .. }
            | Action::WaitCompleted { service, .. }
            | Action::WaitReady { service }
            | Action::UpdateService { service, .. } => Some(service),
            _ => None,
        }
    }
}

/// One operation of a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Op {
    /// Index in [`Plan::ops`].
    pub id: usize,
    /// What it does.
    #[serde(flatten)]
    pub action: Action,
    /// Why, for humans (`environment.MODE changed: blue → green`, `scale 3 → 1`).
    pub cause: String,
    /// Operations that must finish first.
    pub after: Vec<usize>,
}

/// A plan: operations in an order compatible with their dependencies, and
/// warnings for the user (orphans left alone, ...).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Plan {
    /// The operations.
    pub ops: Vec<Op>,
    /// Things the user should know that are not operations.
    pub warnings: Vec<String>,
}

impl Plan {
    /// Appends an operation and returns its id.
    pub fn push(&mut self, action: Action, cause: impl Into<String>, after: Vec<usize>) -> usize {
        let id = self.ops.len();
        let mut after = after;
        after.sort_unstable();
        after.dedup();
        self.ops.push(Op {
            id,
            action,
            cause: cause.into(),
            after,
        });
        id
    }

    /// Whether the plan changes nothing.
    pub fn is_empty(&self) -> bool {
        self.ops.is_empty()
    }

    /// The plan as JSON (`hoist plan --format json`).
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
    }
}

impl fmt::Display for Plan {
    /// One line per operation: number, verb, resource, cause, and what it waits for.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.ops.is_empty() {
            writeln!(f, "Nothing to do: the project is up to date.")?;
        }
        let width = self
            .ops
            .iter()
            .map(|op| op.action.verb().len() + 1 + op.action.resource().len())
            .max()
            .unwrap_or(0);
        for op in &self.ops {
            let what = format!("{} {}", op.action.verb(), op.action.resource());
            write!(f, "{:>3}. {what:<width$}  # {}", op.id + 1, op.cause)?;
            if !op.after.is_empty() {
                let after: Vec<String> = op.after.iter().map(|a| (a + 1).to_string()).collect();
                write!(f, " (after {})", after.join(", "))?;
            }
            writeln!(f)?;
            if let Action::UpdateService { rollout, .. } = &op.action {
                for (i, batch) in rollout.batches.iter().enumerate() {
                    let names: Vec<&str> = batch.iter().map(|r| r.name.as_str()).collect();
                    writeln!(f, "       batch {}: {}", i + 1, names.join(", "))?;
                }
            }
        }
        for w in &self.warnings {
            writeln!(f, "warning: {w}")?;
        }
        Ok(())
    }
}
