//! `hoist plan`: what `up` would do, and why, without changing anything —
//! it only ever holds a read-only view of the engine.

use std::process::ExitCode;

use crate::args::{PlanFormat, UpArgs};
use crate::cli::Global;
use crate::output;
use crate::session::{block_on, Need, Session};

/// Runs `plan`.
pub fn run(global: &Global, args: &UpArgs) -> anyhow::Result<ExitCode> {
    let session = Session::load(global, &args.services, Need::FileToCreate)?;
    let flags = args.flags(&session)?;
    block_on(async {
        let rt = session.observer()?;
        let specs = session.require_specs()?;
        let prepared = compose_engine::up::plan(&rt, specs, &flags).await?;
        for e in &prepared.problems {
            output::stderr_line(&format!("warning: {e}"));
        }
        match args.format {
            PlanFormat::Json => output::stdout(&format!(
                "{}\n",
                serde_json::to_string_pretty(&prepared.plan.to_json())?
            )),
            PlanFormat::Text => output::stdout(&prepared.plan.to_string()),
        }
        Ok(ExitCode::SUCCESS)
    })
}
