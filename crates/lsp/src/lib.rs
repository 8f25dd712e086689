//! `hoist lsp`: a Language Server Protocol server for Compose files, on the
//! `compose_spec` library.
//!
//! It loads the whole project a file belongs to exactly as `hoist config` does
//! (open buffers stand in for the files on disk, through
//! [`compose_spec::loader::LoadOptions::overlay`]), so its diagnostics carry the
//! same codes, spans, labels and help, in the file they come from (override,
//! `extends` and `include` files included); and answers hover, completion,
//! definition, references, rename, highlights, document links, symbols, inlay
//! hints, code actions and formatting from the same load plus each file's own tree
//! ([`compose_spec::editor`] holds the position and reference helpers, which
//! other editors embedding the library can use too).
//!
//! # Why a crate of its own
//!
//! The server is a library crate used by the cli (`hoist lsp` makes the stdio
//! connection and calls [`serve`]): its benchmark (`benches/diagnostics.rs`)
//! and unit tests reach the server's state directly, which a binary crate's
//! modules would not allow, and the cli keeps only its command file. The crate
//! never names stdout or stderr: it talks through the [`lsp_server::Connection`]
//! it is given, so "only the cli prints" holds.
//!
//! # Robustness
//!
//! A half-typed file gives diagnostics, never a dead server: every request runs
//! under `catch_unwind` and a panic answers that request with an error; a
//! failing load is logged and the loop goes on.

#![warn(missing_docs)]

pub mod features;
pub mod server;
pub mod world;

pub use lsp_server::Connection;
pub use server::{capabilities, serve, Server};
