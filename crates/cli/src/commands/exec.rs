//! `hoist exec SERVICE COMMAND...`: run a command in a service's running
//! container, interactively (a TTY when stdin and stdout are terminals and
//! not `-T`) or detached; the exit status is the command's.

use std::process::ExitCode;
use std::time::Duration;

use clap::Args;
use compose_engine::runtime::{ExecSpec, Observe, Runtime};

use crate::cli::Global;
use crate::output;
use crate::session::{block_on, Need, Session};
use crate::term::{self, RawMode, SessionOptions};

/// Flags of `exec`.
#[derive(Debug, Clone, Args)]
pub struct ExecArgs {
    /// Service
    #[arg(add = crate::complete::service_names())]
    pub service: String,
    /// Command and arguments
    #[arg(required = true, trailing_var_arg = true, allow_hyphen_values = true)]
    pub command: Vec<String>,
    /// Detached mode: Run command in the background
    #[arg(short = 'd', long)]
    pub detach: bool,
    /// Set environment variables
    #[arg(short = 'e', long = "env")]
    pub env: Vec<String>,
    /// Index of the container if service has multiple replicas
    #[arg(long)]
    pub index: Option<u32>,
    /// Disable pseudo-TTY allocation. By default 'hoist exec' allocates a TTY when run in a terminal.
    #[arg(short = 'T', long = "no-tty", alias = "no-TTY")]
    pub no_tty: bool,
    /// Give extended privileges to the process
    #[arg(long)]
    pub privileged: bool,
    /// Run the command as this user
    #[arg(short = 'u', long)]
    pub user: Option<String>,
    /// Path to workdir directory for this command
    #[arg(short = 'w', long)]
    pub workdir: Option<String>,
    /// Keep STDIN open even if not attached
    #[arg(short = 'i', long, hide = true, default_value_t = true, action = clap::ArgAction::Set, num_args = 0..=1, default_missing_value = "true")]
    pub interactive: bool,
    /// Allocate a pseudo-TTY
    #[arg(short = 't', long, hide = true)]
    pub tty: bool,
}

/// `-e KEY=VALUE` as given; `-e KEY` takes KEY from the environment, and is
/// left out when it is not set there (compose's `Resolve` + `ToMobyEnv`).
pub fn resolve_env(items: &[String], lookup: impl Fn(&str) -> Option<String>) -> Vec<String> {
    items
        .iter()
        .filter_map(|e| match e.split_once('=') {
            Some(_) => Some(e.clone()),
            None => lookup(e).map(|v| format!("{e}={v}")),
        })
        .collect()
}

/// Runs `exec`.
pub fn run(global: &Global, args: &ExecArgs) -> anyhow::Result<ExitCode> {
    let session = Session::load(global, &[], Need::FileOrName)?;
    let env = resolve_env(&args.env, |k| session.lookup_env(k));
    block_on(async {
        let rt = session.engine()?;
        let c = session
            .running_container(&rt, &args.service, args.index)
            .await?;
        let tty = !args.no_tty && term::interactive_terminal();
        let spec = ExecSpec {
            cmd: args.command.clone(),
            env,
            user: args.user.clone().unwrap_or_default(),
            working_dir: args.workdir.clone().unwrap_or_default(),
            privileged: args.privileged,
            tty,
            stdin: args.interactive && !args.detach,
            detach_keys: term::detach_keys(None),
        };
        let id = rt.create_exec(&c.id, &spec).await?;
        if args.detach {
            rt.start_exec_detached(&id).await?;
            if rt.is_dry_run() {
                output::stdout(&format!(
                    " DRY-RUN MODE - Executing command {:?} in {} (detached mode)\n",
                    args.command.join(" "),
                    c.name
                ));
            }
            return Ok(ExitCode::SUCCESS);
        }
        let attached = rt.start_exec(&id, tty).await?;
        {
            let _raw = RawMode::enable(tty);
            let opts = SessionOptions {
                tty,
                stdin: spec.stdin,
                quiet: false,
            };
            term::session(attached, opts, |rows, cols| {
                let rt = &rt;
                let id = &id;
                async move {
                    let _ = rt.resize_exec(id, rows, cols).await;
                }
            })
            .await;
        }
        Ok(ExitCode::from(exit_status(&rt, &id).await?))
    })
}

/// The exit status of a finished exec (the engine may need a moment to
/// record it once the streams close).
async fn exit_status<O: Observe>(rt: &O, id: &str) -> anyhow::Result<u8> {
    for _ in 0..50 {
        let state = rt.inspect_exec(id).await?;
        if let (false, Some(code)) = (state.running, state.exit_code) {
            return Ok(u8::try_from(code).unwrap_or(1));
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    anyhow::bail!("the command's streams closed but it is still running")
}

#[cfg(test)]
mod tests {
    use super::resolve_env;

    #[test]
    fn env_without_value_comes_from_the_environment() {
        let lookup = |k: &str| (k == "SET").then(|| "v".to_string());
        assert_eq!(
            resolve_env(
                &["A=1".into(), "SET".into(), "UNSET".into(), "B=".into()],
                lookup
            ),
            ["A=1", "SET=v", "B="]
        );
    }
}
