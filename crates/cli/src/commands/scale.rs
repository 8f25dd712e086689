//! `hoist scale SERVICE=N...`: `up -d` with `--scale` for the named services.

use std::process::ExitCode;

use clap::Args;

use crate::args::UpArgs;
use crate::cli::Global;
use crate::output;
use crate::session::{block_on, Need, Session};

/// Flags of `scale`.
#[derive(Debug, Clone, Args)]
pub struct ScaleArgs {
    /// SERVICE=REPLICAS pairs
    #[arg(required = true)]
    pub scale: Vec<String>,
    /// Don't start linked services
    #[arg(long)]
    pub no_deps: bool,
}

/// Runs `scale`.
pub fn run(global: &Global, args: &ScaleArgs) -> anyhow::Result<ExitCode> {
    let pairs = compose_engine::up::parse_scale(&args.scale)?;
    let up = UpArgs {
        services: pairs.keys().cloned().collect(),
        detach: true,
        scale: args.scale.clone(),
        no_deps: args.no_deps,
        ..Default::default()
    };
    let session = Session::load(global, &up.services, Need::FileToCreate)?;
    let flags = up.flags(&session)?;
    block_on(async {
        let rt = session.engine()?;
        let specs = session.require_specs()?;
        compose_engine::up::up(&rt, specs, &flags, &output::sink(), None).await?;
        Ok(ExitCode::SUCCESS)
    })
}
