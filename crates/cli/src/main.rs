//! `hoist`: the command-line front end, a drop-in for `docker compose`.
//!
//! This is the only crate that prints: every command returns its output and
//! diagnostics to [`output`], which writes them (miette for errors) and maps
//! results to exit codes.

mod build;
mod cli;
mod config;
mod engine;
mod output;

use clap::Parser;

// Loading allocates many small strings and maps; mimalloc is markedly faster
// than glibc's allocator for that pattern.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    match cli::run(args) {
        Ok(code) => code,
        Err(e) => {
            output::error(&e);
            ExitCode::from(1)
        }
    }
}
