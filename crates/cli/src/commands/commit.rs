//! `hoist commit`: an image from a service container's changes.

use std::process::ExitCode;

use clap::Args;
use compose_engine::runtime::CommitOptions;

use crate::cli::Global;
use crate::output;
use crate::session::{block_on, Need, Session};

/// Flags of `commit`.
#[derive(Debug, Clone, Args)]
pub struct CommitArgs {
    /// The service
    #[arg(add = crate::complete::service_names())]
    pub service: String,
    /// The image's name
    #[arg(value_name = "REPOSITORY[:TAG]")]
    pub reference: Option<String>,
    /// index of the container if service has multiple replicas.
    #[arg(long, default_value_t = 0)]
    pub index: i64,
    /// Pause container during commit (`-p` after `commit`; see `main::local_short_flags`)
    #[arg(long, default_value_t = true, action = clap::ArgAction::Set, num_args = 0..=1, default_missing_value = "true", require_equals = true)]
    pub pause: bool,
    /// Commit message
    #[arg(short = 'm', long)]
    pub message: Option<String>,
    /// Author (e.g., "John Hannibal Smith <hannibal@a-team.com>")
    #[arg(short = 'a', long)]
    pub author: Option<String>,
    /// Apply Dockerfile instruction to the created image
    #[arg(short = 'c', long)]
    pub change: Vec<String>,
}

/// Runs `commit`.
pub fn run(global: &Global, args: &CommitArgs) -> anyhow::Result<ExitCode> {
    let session = Session::load(global, &[], Need::FileOrName)?;
    let options = CommitOptions {
        reference: args.reference.clone().unwrap_or_default(),
        comment: args.message.clone().unwrap_or_default(),
        author: args.author.clone().unwrap_or_default(),
        changes: args.change.clone(),
        pause: args.pause,
    };
    block_on(async {
        let rt = session.engine()?;
        let index = u32::try_from(args.index).ok();
        compose_engine::report::commit(
            &rt,
            &session.name,
            &args.service,
            index,
            &options,
            &output::sink(),
        )
        .await?;
        Ok(ExitCode::SUCCESS)
    })
}
