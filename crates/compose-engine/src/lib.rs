//! `compose_engine`: plan and apply Compose projects against a container runtime.
//!
//! Grows in the engine issue: dependency graph, observe, reconcile, execute.
//! For now it only re-exports the model so the CLI depends on one place.

pub use compose_spec::model;
