//! `hoist kill`: send a signal to the services' running containers.

use std::process::ExitCode;

use clap::Args;

use crate::cli::Global;
use crate::output;
use crate::session::{block_on, Need, Session};

/// Flags of `kill`.
#[derive(Debug, Clone, Args)]
pub struct KillArgs {
    /// Services (default: all)
    #[arg(add = crate::complete::service_names())]
    pub services: Vec<String>,
    /// SIGNAL to send to the container
    #[arg(short = 's', long, default_value = "SIGKILL")]
    pub signal: String,
    /// Remove containers for services not defined in the Compose file
    #[arg(long)]
    pub remove_orphans: bool,
}

/// Runs `kill`.
pub fn run(global: &Global, args: &KillArgs) -> anyhow::Result<ExitCode> {
    let session = Session::load(global, &[], Need::FileOrName)?;
    session.check_services(&args.services)?;
    block_on(async {
        let rt = session.engine()?;
        let orphans = args.remove_orphans || session.env_switch("COMPOSE_REMOVE_ORPHANS");
        let n = compose_engine::project::kill(
            &rt,
            &session.name,
            session.project(),
            &args.services,
            &args.signal,
            orphans,
            &output::sink(),
        )
        .await?;
        if n == 0 {
            output::stderr_line("no container to kill");
        }
        Ok(ExitCode::SUCCESS)
    })
}
