//! `hoist logs`: the services' output, prefixed per container, following
//! restarts with `-f`.

use std::process::ExitCode;

use clap::Args;
use compose_engine::runtime::LogOptions;
use futures_util::future::join_all;

use crate::cli::Global;
use crate::follow::{self, Prefixes};
use crate::output;
use crate::session::{block_on, interrupted, Need, Session};

/// Flags of `logs`.
#[derive(Debug, Clone, Args)]
pub struct LogsArgs {
    /// Services to show
    #[arg(add = crate::complete::service_names())]
    pub services: Vec<String>,
    /// Follow log output (`-f` after `logs`; see `main::local_short_flags`)
    #[arg(long)]
    pub follow: bool,
    /// Number of lines to show from the end of the logs for each container
    #[arg(short = 'n', long, default_value = "all")]
    pub tail: String,
    /// Show timestamps
    #[arg(short = 't', long)]
    pub timestamps: bool,
    /// Show logs since timestamp (e.g. 2013-01-02T13:23:37Z) or relative (e.g. 42m for 42 minutes)
    #[arg(long)]
    pub since: Option<String>,
    /// Show logs before a timestamp or relative time
    #[arg(long)]
    pub until: Option<String>,
    /// Produce monochrome output
    #[arg(long)]
    pub no_color: bool,
    /// Don't print prefix in logs
    #[arg(long)]
    pub no_log_prefix: bool,
    /// index of the container if service has multiple replicas
    #[arg(long)]
    pub index: Option<u32>,
}

/// Runs `logs`.
pub fn run(global: &Global, args: &LogsArgs) -> anyhow::Result<ExitCode> {
    let session = Session::load(global, &[], Need::FileOrName)?;
    block_on(async {
        let rt = session.observer()?;
        let mut cs = session.containers(&rt, &args.services, false).await?;
        if let Some(i) = args.index.filter(|i| *i > 0) {
            cs.retain(|c| c.label(compose_engine::labels::CONTAINER_NUMBER) == i.to_string());
        }
        let prefixes = Prefixes::new(&cs, output::color_stdout(args.no_color), args.no_log_prefix);
        let opts = LogOptions {
            follow: args.follow,
            tail: (args.tail != "all").then(|| args.tail.clone()),
            timestamps: args.timestamps,
            since: args.since.clone(),
            until: args.until.clone(),
        };
        let streams = cs
            .iter()
            .enumerate()
            .map(|(i, c)| follow::follow(&rt, c, prefixes.of(c, i), opts.clone(), false));
        tokio::select! {
            _ = join_all(streams) => {}
            _ = interrupted() => {}
        }
        Ok(ExitCode::SUCCESS)
    })
}
