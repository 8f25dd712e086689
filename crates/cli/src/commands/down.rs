//! `hoist down`: stop and remove the project's containers and networks
//! (volumes with `-v`, images with `--rmi`), from the file or from labels.

use std::process::ExitCode;

use clap::Args;
use compose_engine::project::DownFlags;

use crate::args::Rmi;
use crate::cli::Global;
use crate::output;
use crate::session::{block_on, Need, Session};

/// Flags of `down`.
#[derive(Debug, Clone, Args)]
pub struct DownArgs {
    /// Services to stop and remove (default: all)
    #[arg(add = crate::complete::service_names())]
    pub services: Vec<String>,
    /// Remove named volumes declared in the "volumes" section and anonymous volumes attached to containers
    #[arg(short = 'v', long)]
    pub volumes: bool,
    /// Remove containers for services not defined in the Compose file
    #[arg(long)]
    pub remove_orphans: bool,
    /// Specify a shutdown timeout in seconds
    #[arg(short = 't', long = "timeout")]
    pub timeout: Option<i64>,
    /// Remove images used by services: "local" removes only images that don't have a custom tag, "all" all images
    #[arg(long, value_enum)]
    pub rmi: Option<Rmi>,
}

/// Runs `down`.
pub fn run(global: &Global, args: &DownArgs) -> anyhow::Result<ExitCode> {
    let session = Session::load(global, &[], Need::FileOrName)?;
    let flags = DownFlags {
        services: args.services.clone(),
        volumes: args.volumes,
        remove_orphans: args.remove_orphans || session.env_switch("COMPOSE_REMOVE_ORPHANS"),
        rmi: args.rmi.map(Into::into),
        timeout: args.timeout,
        parallel: session.parallel(),
    };
    block_on(async {
        let rt = session.engine()?;
        compose_engine::project::down(
            &rt,
            &session.name,
            session.specs.clone(),
            &flags,
            &output::sink(),
        )
        .await?;
        Ok(ExitCode::SUCCESS)
    })
}
