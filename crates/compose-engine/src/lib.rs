//! `compose_engine`: plan and apply Compose projects against a container runtime.
//!
//! The pipeline is observe → reconcile → apply:
//!
//! * [`graph`] orders services by their dependencies (a cycle is an error naming it);
//! * [`convert`] turns the typed model into what the Engine API takes (container,
//!   network and volume create bodies, with compose's labels and config hash from [`hash`]);
//! * [`observe`] reads the project's current containers, networks and volumes by label;
//! * [`reconcile`] is the pure function from desired and observed state to a [`plan::Plan`];
//! * [`apply`] executes a plan concurrently through a [`runtime::Runtime`].
//!
//! On top of that, the commands as library calls: [`up`] (ensure images, plan,
//! apply, wait), [`images`] (pull, build, push), [`project`] (lifecycle,
//! kill, rm, down, from the file or from labels), [`copy`] (`cp`), [`query`]
//! (`top`, `port`), all reporting through a [`progress::Sink`];
//! [`runtime::dryrun`] turns any of them into a dry run.
//!
//! Only [`runtime::docker`] talks to Docker (through bollard); `runtime::fake` is an
//! in-memory engine for tests, compiled only for this crate's unit tests and with the
//! `fake` cargo feature (off by default; the test crates enable it as a dev-dependency).

#![warn(missing_docs)]

pub mod apply;
pub mod bridge;
pub mod build;
pub mod clock;
pub mod convert;
pub mod copy;
pub mod desired;
pub mod error;
pub mod graph;
pub mod hash;
pub mod images;
pub mod labels;
pub mod naming;
pub mod observe;
pub mod oci;
pub mod plan;
pub mod progress;
pub mod project;
pub mod publish;
pub mod query;
pub mod reconcile;
pub mod report;
pub mod run;
pub mod runtime;
pub mod stack;
pub mod up;
pub mod watch;

pub use error::{Error, Result};

pub use compose_spec::model;
