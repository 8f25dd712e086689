//! Shell completion: clap_complete's dynamic completion (`COMPLETE=bash
//! hoist` prints the shell's registration, which then asks hoist itself),
//! with service names read from the project the command line points at.

use std::ffi::OsStr;

use clap_complete::engine::{ArgValueCompleter, CompletionCandidate};

/// The project's service names starting with `current`: the compose files
/// come from `-f`/`--file` on the line being completed, else `COMPOSE_FILE`
/// or discovery from the current directory, as for a normal run.
fn services(current: &OsStr) -> Vec<CompletionCandidate> {
    let Ok(cwd) = std::env::current_dir() else {
        return Vec::new();
    };
    let mut opts = compose_spec::loader::LoadOptions::new(cwd);
    let args: Vec<String> = std::env::args().collect();
    for pair in args.windows(2) {
        if pair[0] == "-f" || pair[0] == "--file" {
            opts.files.push(pair[1].clone().into());
        }
        if pair[0] == "--profile" {
            opts.profiles.push(pair[1].clone());
        }
    }
    opts.os_env = std::env::vars().collect();
    opts.keep_tree = true;
    opts.consistency = false;
    let loaded = compose_spec::loader::load(&opts);
    let current = current.to_string_lossy();
    let mut names: Vec<String> = match &loaded.project {
        Some(p) => p.services.keys().cloned().collect(),
        None => loaded.all_services.clone(),
    };
    names.sort();
    names
        .into_iter()
        .filter(|n| n.starts_with(current.as_ref()))
        .map(CompletionCandidate::new)
        .collect()
}

/// The completer of arguments that name services.
pub fn service_names() -> ArgValueCompleter {
    ArgValueCompleter::new(services)
}
