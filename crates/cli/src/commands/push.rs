//! `hoist push`: the images of services with a `build:` section and an `image:` name.

use std::process::ExitCode;

use clap::Args;
use compose_engine::images::{self, PushOptions};

use crate::cli::Global;
use crate::output;
use crate::session::{block_on, Need, Session};

/// Flags of `push`.
#[derive(Debug, Clone, Args)]
pub struct PushArgs {
    /// Services to push (default: all)
    #[arg(add = crate::complete::service_names())]
    pub services: Vec<String>,
    /// Push what it can and ignores images with push failures
    #[arg(long)]
    pub ignore_push_failures: bool,
    /// Also push images of services declared as dependencies
    #[arg(long)]
    pub include_deps: bool,
    /// Push without printing progress information
    #[arg(short = 'q', long)]
    pub quiet: bool,
}

/// Runs `push`.
pub fn run(global: &Global, args: &PushArgs) -> anyhow::Result<ExitCode> {
    let session = Session::load(global, &[], Need::File)?;
    let project = session.require_project()?;
    let o = PushOptions {
        services: args.services.clone(),
        include_deps: args.include_deps,
        quiet: args.quiet,
    };
    block_on(async {
        let rt = session.engine()?;
        let failures = images::push(&rt, project, &o, &output::sink()).await?;
        for (service, image, e) in &failures {
            if args.ignore_push_failures {
                output::stderr_line(&format!(
                    "WARN[0000] service {service}: cannot push {image}: {e}"
                ));
            } else {
                output::stderr_line(&format!("service {service}: cannot push {image}: {e}"));
            }
        }
        Ok(if failures.is_empty() || args.ignore_push_failures {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(1)
        })
    })
}
