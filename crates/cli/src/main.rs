//! `hoist`: the command-line front end, a drop-in for `docker compose`.
//!
//! This is the only crate that prints: every command returns its output and
//! diagnostics to [`output`], which writes them (miette for errors) and maps
//! results to exit codes.

mod args;
mod cli;
mod commands;
mod follow;
mod output;
mod session;

use clap::Parser;

// Loading allocates many small strings and maps; mimalloc is markedly faster
// than glibc's allocator for that pattern. Its v2 line keeps less memory
// resident than v3: `config -q` on 1000 services, 42.6 ms / 45 MiB against
// 48.1 ms / 57 MiB (v3) and 65.7 ms / 34 MiB (glibc).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
use std::process::ExitCode;

/// Global flags that take a value (their value is not the subcommand).
const GLOBAL_WITH_VALUE: &[&str] = &[
    "-f",
    "--file",
    "-p",
    "--project-name",
    "--project-directory",
    "--env-file",
    "--profile",
    "--ansi",
    "--progress",
    "--parallel",
];

/// compose's `-f` means `--file` before the command but `--follow` after
/// `logs` and `--force` after `rm` (cobra lets a command's flag shadow a
/// persistent one; clap cannot). Rewrite those before parsing.
fn local_short_flags(args: Vec<String>) -> Vec<String> {
    let mut out = Vec::with_capacity(args.len());
    let mut command: Option<&'static str> = None;
    let mut skip_value = false;
    for (i, a) in args.into_iter().enumerate() {
        if i == 0 || skip_value {
            skip_value = false;
            out.push(a);
            continue;
        }
        match command {
            None => {
                if GLOBAL_WITH_VALUE.contains(&a.as_str()) {
                    skip_value = true;
                } else if !a.starts_with('-') {
                    command = Some(match a.as_str() {
                        "logs" => "--follow",
                        "rm" => "--force",
                        _ => "",
                    });
                }
                out.push(a);
            }
            Some(long)
                if !long.is_empty()
                    && a.starts_with('-')
                    && !a.starts_with("--")
                    && a.contains('f') =>
            {
                // `-f`, or a cluster like `-ft`: take `f` out.
                let rest: String = a[1..].chars().filter(|&c| c != 'f').collect();
                out.push(long.to_string());
                if !rest.is_empty() {
                    out.push(format!("-{rest}"));
                }
            }
            Some(_) => out.push(a),
        }
    }
    out
}

fn main() -> ExitCode {
    let args = commands::Cli::parse_from(local_short_flags(std::env::args().collect()));
    match commands::run(args) {
        Ok(code) => code,
        Err(e) => match e.downcast_ref::<session::Reported>() {
            Some(session::Reported(code)) => *code,
            None => {
                output::error(&e);
                ExitCode::from(1)
            }
        },
    }
}
