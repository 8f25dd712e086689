//! `hoist wait`: blocks until the services' containers stop; the exit code is
//! the last one's.

use std::process::ExitCode;

use clap::Args;

use crate::cli::Global;
use crate::output;
use crate::session::{block_on, Need, Session};

/// Flags of `wait`.
#[derive(Debug, Clone, Args)]
pub struct WaitArgs {
    /// Services to wait for
    #[arg(required = true, add = crate::complete::service_names())]
    pub services: Vec<String>,
    /// Drops project when the first container stops
    #[arg(long)]
    pub down_project: bool,
}

/// Runs `wait`.
pub fn run(global: &Global, args: &WaitArgs) -> anyhow::Result<ExitCode> {
    let session = Session::load(global, &[], Need::FileOrName)?;
    block_on(async {
        let rt = session.engine()?;
        let printed = |c: &compose_engine::runtime::Container, code: i64| {
            output::stdout(&format!(
                "container {:?} exited with status code {code}\n",
                c.id
            ));
        };
        let code = match compose_engine::report::wait(&rt, &session.name, &args.services, &printed)
            .await
        {
            Ok(code) => code,
            Err(e @ compose_engine::Error::Invalid(_)) => return Err(e.into()),
            Err(e) => {
                output::error(&e.into());
                // compose's code for a failed wait, whatever the containers did
                return Ok(ExitCode::from(42));
            }
        };
        if args.down_project {
            let options = compose_engine::project::DownFlags {
                remove_orphans: true,
                ..Default::default()
            };
            compose_engine::project::down(&rt, &session.name, None, &options, &output::sink())
                .await?;
        }
        Ok(ExitCode::from(u8::try_from(code & 0xff).unwrap_or(1)))
    })
}
