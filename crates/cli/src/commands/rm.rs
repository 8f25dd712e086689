//! `hoist rm`: remove the services' stopped containers (running ones too
//! with `-s`), after asking unless `-f`.

use std::process::ExitCode;

use anyhow::{bail, Context as _};
use clap::Args;

use crate::cli::Global;
use crate::output;
use crate::session::{block_on, Need, Session};

/// Flags of `rm`.
#[derive(Debug, Clone, Args)]
pub struct RmArgs {
    /// Services (default: all)
    #[arg(add = crate::complete::service_names())]
    pub services: Vec<String>,
    /// Don't ask to confirm removal (`-f` after `rm`; see `main::local_short_flags`)
    #[arg(long)]
    pub force: bool,
    /// Stop the containers, if required, before removing
    #[arg(short = 's', long)]
    pub stop: bool,
    /// Remove any anonymous volumes attached to containers
    #[arg(short = 'v', long)]
    pub volumes: bool,
}

/// Runs `rm`.
pub fn run(global: &Global, args: &RmArgs) -> anyhow::Result<ExitCode> {
    let session = Session::load(global, &[], Need::FileOrName)?;
    session.check_services(&args.services)?;
    block_on(async {
        let rt = session.engine()?;
        let cs = session.containers(&rt, &args.services, false).await?;
        let chosen = compose_engine::project::removable(&cs, args.stop);
        if chosen.is_empty() {
            output::stderr_line("No stopped containers");
            return Ok(ExitCode::SUCCESS);
        }
        let names: Vec<&str> = chosen.iter().map(|c| c.name.as_str()).collect();
        output::stdout(&format!("Going to remove {}\n", names.join(", ")));
        if !args.force {
            if !std::io::IsTerminal::is_terminal(&std::io::stdin()) {
                bail!("refusing to remove without confirmation: pass -f");
            }
            output::stderr_prompt("Are you sure? [yN] ");
            let mut answer = String::new();
            std::io::stdin()
                .read_line(&mut answer)
                .context("reading the answer")?;
            if !matches!(answer.trim(), "y" | "Y" | "yes") {
                return Ok(ExitCode::SUCCESS);
            }
        }
        compose_engine::project::remove(&rt, &chosen, args.stop, args.volumes, &output::sink())
            .await?;
        Ok(ExitCode::SUCCESS)
    })
}
