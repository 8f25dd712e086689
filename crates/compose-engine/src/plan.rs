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
            | Action::WaitReady { service } => format!("service {service}"),
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
            | Action::WaitReady { service } => Some(service),
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
        }
        for w in &self.warnings {
            writeln!(f, "warning: {w}")?;
        }
        Ok(())
    }
}
