//! `hoist create`: `up` without starting anything, detached.

use std::process::ExitCode;

use crate::args::UpArgs;
use crate::cli::Global;
use crate::output;
use crate::session::{block_on, Need, Session};

/// Runs `create`.
pub fn run(global: &Global, args: &UpArgs) -> anyhow::Result<ExitCode> {
    let session = Session::load(global, &args.services, Need::FileToCreate)?;
    let mut flags = args.flags(&session)?;
    flags.no_start = true;
    block_on(async {
        let rt = session.engine()?;
        let specs = session.require_specs()?;
        compose_engine::up::up(&rt, specs, &flags, &output::sink(), None).await?;
        Ok(ExitCode::SUCCESS)
    })
}
