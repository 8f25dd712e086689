//! `hoist start|stop|restart|pause|unpause`: in dependency order, from the
//! file or, when it is gone, from the containers' labels.

use std::process::ExitCode;

use clap::Args;
use compose_engine::project::Lifecycle;

use crate::cli::Global;
use crate::output;
use crate::session::{block_on, Need, Session};

/// Flags shared by `start`, `stop`, `restart`, `pause`, `unpause`.
#[derive(Debug, Clone, Args)]
pub struct ServicesArgs {
    /// Services (default: all)
    #[arg(add = crate::complete::service_names())]
    pub services: Vec<String>,
    /// Specify a shutdown timeout in seconds (stop, restart)
    #[arg(short = 't', long = "timeout")]
    pub timeout: Option<i64>,
}

/// Runs one of the lifecycle commands.
pub fn run(global: &Global, args: &ServicesArgs, what: Lifecycle) -> anyhow::Result<ExitCode> {
    let session = Session::load(global, &[], Need::FileOrName)?;
    session.check_services(&args.services)?;
    block_on(async {
        let rt = session.engine()?;
        compose_engine::project::lifecycle(
            &rt,
            &session.name,
            session.project(),
            &args.services,
            what,
            args.timeout,
            &output::sink(),
        )
        .await?;
        Ok(ExitCode::SUCCESS)
    })
}
