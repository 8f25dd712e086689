//! YAML in both directions, as compose-go's go-yaml v3 reads and writes it.
//!
//! No Rust YAML library reads a compose file the way go-yaml does (merge
//! keys, YAML 1.2 core resolution with go-yaml's quirks, its error cases) or
//! writes the bytes go-yaml writes, so both directions are written here:
//! [`parse`] turns text into the span-carrying [`crate::node::Node`] tree the
//! loader works on, [`emit`] turns a JSON-like value into the YAML text
//! `docker compose config` prints.

pub mod emit;
pub mod parse;
