//! `hoist`: the command-line front end, a drop-in for `docker compose`.
//!
//! This is the only crate that prints: every command returns its output and
//! diagnostics to [`output`], which writes them (miette for errors) and maps
//! results to exit codes.

mod args;
mod cli;
mod commands;
mod complete;
mod display;
mod follow;
mod gotemplate;
mod menu;
mod output;
mod plugin;
mod session;
mod stdio;
mod table;
mod term;
mod watcher;

use clap::{CommandFactory, Parser};

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

/// Short flags a command gives another meaning than the global one (cobra
/// lets a command's flag shadow a persistent one; clap cannot): `-f` is
/// `--file` before the command but `--follow` after `logs` and `--force`
/// after `rm`; `-p` is `--project-name` before it and `--publish` after
/// `run`. And whether the command's flags may follow its positional
/// arguments (`run`, `exec` stop at the service: the rest is the command).
fn local_flags(command: &str) -> (&'static [(char, &'static str)], bool) {
    match command {
        "logs" => (&[('f', "--follow")], true),
        "rm" => (&[('f', "--force")], true),
        "version" => (&[('f', "--format")], true),
        "commit" => (&[('p', "--pause")], true),
        "run" => (&[('p', "--publish")], false),
        "exec" => (&[], false),
        _ => (&[], true),
    }
}

/// The flags of the non-interspersed commands that take a value (the value
/// is not the first positional argument).
const LOCAL_WITH_VALUE: &[&str] = &[
    "-p",
    "--publish",
    "-e",
    "--env",
    "-l",
    "--label",
    "-v",
    "--volume",
    "-w",
    "--workdir",
    "-u",
    "--user",
    "--name",
    "--entrypoint",
    "--env-from-file",
    "--pull",
    "--cap-add",
    "--cap-drop",
    "--index",
];

/// Rewrites the shadowed short flags of [`local_flags`] before parsing.
fn local_short_flags(args: Vec<String>) -> Vec<String> {
    let mut out = Vec::with_capacity(args.len());
    let mut command: Option<(&'static [(char, &'static str)], bool)> = None;
    let mut skip_value = false;
    let mut done = false;
    let mut command_word = String::new();
    for (i, a) in args.into_iter().enumerate() {
        if i == 0 || skip_value || done {
            skip_value = false;
            out.push(a);
            continue;
        }
        let Some((rewrites, interspersed)) = command else {
            if GLOBAL_WITH_VALUE.contains(&a.as_str()) {
                skip_value = true;
            } else if !a.starts_with('-') {
                command = Some(local_flags(&a));
                command_word.clone_from(&a);
            }
            out.push(a);
            continue;
        };
        // `bridge transformations create -f IMAGE`: `-f` is `--from` there
        // (before `create` it is still `--file`).
        if a == "create" && command_word == "bridge" {
            command = Some((&[('f', "--from")], true));
            out.push(a);
            continue;
        }
        if a == "--" || (!a.starts_with('-') && !interspersed) {
            done = true;
            out.push(a);
            continue;
        }
        if !interspersed && LOCAL_WITH_VALUE.contains(&a.as_str()) {
            skip_value = true;
        }
        // `-p=false` (`commit`): the shadowed flag with its value attached.
        let attached = a
            .strip_prefix('-')
            .and_then(|r| r.split_once('='))
            .and_then(|(f, v)| {
                let mut cs = f.chars();
                let c = cs.next().filter(|_| cs.next().is_none())?;
                let (_, long) = rewrites.iter().find(|(s, _)| *s == c)?;
                Some(format!("{long}={v}"))
            });
        if let Some(long) = attached {
            out.push(long);
            continue;
        }
        if a.len() > 1 && a.starts_with('-') && !a.starts_with("--") {
            // `-f`, or a cluster like `-ft`: take the shadowed letters out.
            let mut rest = String::new();
            let mut longs = Vec::new();
            for c in a[1..].chars() {
                match rewrites.iter().find(|(s, _)| *s == c) {
                    Some((_, long)) => longs.push(long.to_string()),
                    None => rest.push(c),
                }
            }
            out.extend(longs);
            if !rest.is_empty() {
                out.push(format!("-{rest}"));
            }
            continue;
        }
        out.push(a);
    }
    out
}

fn main() -> ExitCode {
    // `COMPLETE=<shell> hoist ...`: answer the shell's completion request and exit.
    clap_complete::CompleteEnv::with_factory(commands::Cli::command).complete();
    let argv = match plugin::invocation(std::env::args().collect()) {
        plugin::Invocation::Metadata => {
            output::stdout(&plugin::metadata());
            return ExitCode::SUCCESS;
        }
        plugin::Invocation::Run { args, env } => {
            for (k, v) in env {
                // Before any thread exists, so nothing reads the environment meanwhile.
                std::env::set_var(k, v);
            }
            args
        }
    };
    // Usage errors exit 1 as compose's do; help and version exit 0, also
    // for a bare `hoist`.
    let args = match commands::Cli::try_parse_from(local_short_flags(argv)) {
        Ok(a) => a,
        Err(e) => {
            use clap::error::ErrorKind;
            let ok = matches!(
                e.kind(),
                ErrorKind::DisplayHelp
                    | ErrorKind::DisplayVersion
                    | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
            );
            let _ = e.print();
            return ExitCode::from(if ok { 0 } else { 1 });
        }
    };
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

#[cfg(test)]
mod tests {
    use super::local_short_flags;
    use clap::CommandFactory;

    fn args(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn every_command_line_definition_is_consistent() {
        crate::commands::Cli::command().debug_assert();
    }

    #[test]
    fn shadowed_short_flags() {
        for (given, want) in [
            (
                "hoist -f a.yaml logs -f web",
                "hoist -f a.yaml logs --follow web",
            ),
            ("hoist logs -ft web", "hoist logs --follow -t web"),
            ("hoist rm -fs", "hoist rm --force -s"),
            (
                "hoist -p x run -p 80:80 web cmd -p y",
                "hoist -p x run --publish 80:80 web cmd -p y",
            ),
            ("hoist run web -p", "hoist run web -p"),
            ("hoist exec web tail -f x", "hoist exec web tail -f x"),
            ("hoist -p proj up -d", "hoist -p proj up -d"),
            ("hoist cp - web:/x", "hoist cp - web:/x"),
            ("hoist cp -a web:/x -", "hoist cp -a web:/x -"),
            (
                "hoist -f bridge bridge transformations create -f img dir",
                "hoist -f bridge bridge transformations create --from img dir",
            ),
            (
                "hoist bridge -f c.yaml convert -t x",
                "hoist bridge -f c.yaml convert -t x",
            ),
        ] {
            assert_eq!(local_short_flags(args(given)), args(want), "{given}");
        }
    }
}
