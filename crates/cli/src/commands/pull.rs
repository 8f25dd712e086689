//! `hoist pull`: the services' images, per their pull policy.

use std::process::ExitCode;

use clap::Args;
use compose_engine::images::{self, PullOptions};

use crate::cli::Global;
use crate::output;
use crate::session::{block_on, Need, Session};

/// Flags of `pull`.
#[derive(Debug, Clone, Args)]
pub struct PullArgs {
    /// Services to pull (default: all)
    #[arg(add = crate::complete::service_names())]
    pub services: Vec<String>,
    /// Ignore images that can be built
    #[arg(long)]
    pub ignore_buildable: bool,
    /// Pull what it can and ignores images with pull failures
    #[arg(long)]
    pub ignore_pull_failures: bool,
    /// Also pull services declared as dependencies
    #[arg(long)]
    pub include_deps: bool,
    /// Apply pull policy ("missing"|"always")
    #[arg(long)]
    pub policy: Option<String>,
    /// Pull without printing progress information
    #[arg(short = 'q', long)]
    pub quiet: bool,
}

/// Runs `pull`. Like compose, a failed pull fails the command (unless
/// `--ignore-pull-failures`) even when the image can be built; those
/// services are named in a hint to build them.
pub fn run(global: &Global, args: &PullArgs) -> anyhow::Result<ExitCode> {
    let session = Session::load(global, &[], Need::File)?;
    let project = session.require_project()?;
    let o = PullOptions {
        services: args.services.clone(),
        include_deps: args.include_deps,
        ignore_buildable: args.ignore_buildable,
        policy: args.policy.clone(),
        quiet: args.quiet,
    };
    block_on(async {
        let rt = session.engine()?;
        let report = images::pull(&rt, project, &o, session.parallel(), &output::sink()).await?;
        let mut failed = false;
        for (service, e) in report.failures {
            let e = format!("{:#}", anyhow::Error::from(e));
            if args.ignore_pull_failures {
                output::stderr_line(&format!("WARN[0000] {e}"));
            } else {
                output::stderr_line(&format!("{service}: {e}"));
                failed = true;
            }
        }
        if !report.must_build.is_empty() {
            output::stderr_line(&format!(
                "WARNING: Some service image(s) must be built from source by running:\n    hoist build {}",
                report.must_build.join(" ")
            ));
        }
        Ok(if failed {
            ExitCode::from(1)
        } else {
            ExitCode::SUCCESS
        })
    })
}
