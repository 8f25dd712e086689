//! `compose_spec`: load Compose files exactly as Docker Compose v2 does.
//!
//! The crate turns one or more compose files into a typed [`model::Project`],
//! following compose-go's pipeline: parse into a span-carrying tree
//! ([`yaml::parse`], [`node`]), interpolate ([`template`]), merge, convert short
//! syntaxes to long ones, validate ([`schema`] and semantic rules), normalise,
//! resolve paths, filter profiles. Every problem becomes a
//! [`diag::Diagnostic`] with a stable code, a key path and a span; a load reports
//! all of them at once. The crate never prints, never touches the network and
//! never mutates the process environment.

#![warn(missing_docs)]

pub mod diag;
pub mod dotenv;
pub mod editor;
pub mod gocompat;
pub mod loader;
pub mod model;
pub mod node;
pub mod schema;
pub mod span;
mod suggest;
pub mod template;
pub mod yaml;

pub use diag::{Code, Diagnostic, Severity};
pub use node::{Node, Value};
pub use span::{FileId, SourceMap, Span};
