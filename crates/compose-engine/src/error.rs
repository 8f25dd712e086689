//! The engine's error type for the orchestration APIs ([`crate::up`],
//! [`crate::images`], [`crate::project`]): each variant keeps the error that
//! caused it as its `source`, so callers can print the whole chain.

use std::time::Duration;

use crate::apply::ApplyError;
use crate::graph::Cycle;
use crate::reconcile::PlanError;
use crate::runtime::{BuildFailure, RuntimeError};

/// Why an orchestration call failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The request itself is wrong (`no such service: x`, a bad `--scale`, ...).
    #[error("{0}")]
    Invalid(String),
    /// Talking to the runtime failed.
    #[error(transparent)]
    Runtime(#[from] RuntimeError),
    /// The services' dependencies form a cycle.
    #[error(transparent)]
    Cycle(#[from] Cycle),
    /// The desired state cannot be planned (a missing external resource, ...).
    #[error(transparent)]
    Plan(#[from] PlanError),
    /// An operation of the plan failed.
    #[error(transparent)]
    Apply(#[from] ApplyError),
    /// A service's image is missing and cannot be pulled or built.
    #[error("service {service}: {message}")]
    Image {
        /// The service.
        service: String,
        /// What is wrong and what to do.
        message: String,
    },
    /// A pull failed.
    #[error("service {service}: cannot pull {image}")]
    Pull {
        /// The service.
        service: String,
        /// The image.
        image: String,
        /// The engine's answer.
        #[source]
        source: RuntimeError,
    },
    /// A build's step failed (the builder's message and the step are in `failure`).
    #[error("service {service}: {failure}")]
    Build {
        /// The service.
        service: String,
        /// What the builder said.
        failure: BuildFailure,
    },
    /// `--wait-timeout` passed before the project was running/healthy.
    #[error("timeout waiting for the project to be running|healthy ({}s)", .0.as_secs())]
    WaitTimeout(Duration),
    /// Ctrl-C: stopped before completion (operations in flight finished).
    #[error("interrupted: stopped before completion; run `hoist up` again to converge")]
    Interrupted,
}

impl Error {
    /// The exit code compose gives this error: a failed build's command code,
    /// 130 for an interruption, else 1.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Build { failure, .. } => u8::try_from(failure.code)
                .ok()
                .filter(|c| *c != 0)
                .unwrap_or(1),
            Error::Interrupted => 130,
            _ => 1,
        }
    }
}

/// Shorthand for the engine's results.
pub type Result<T, E = Error> = std::result::Result<T, E>;
