//! `hoist watch`: bring the services up (unless `--no-up`; services with a
//! `build` and `develop` section are built), then act on changes to their
//! `develop.watch` paths until Ctrl-C (compose's `watch`, over the engine's
//! `watch` module and the shared loop in [`crate::watcher`]).

use std::process::ExitCode;
use std::sync::Arc;

use clap::ArgAction;
use compose_engine::watch::{HandleOptions, Log, Watching};

use crate::cli::Global;
use crate::output;
use crate::session::{block_on, interrupted, Need, Session};
use crate::watcher;

/// `watch`'s arguments.
#[derive(Debug, Clone, clap::Args)]
pub struct WatchArgs {
    /// hide build output
    #[arg(long)]
    pub quiet: bool,
    /// Prune dangling images on rebuild
    #[arg(long, default_value_t = true, action = ArgAction::Set, num_args = 0..=1, default_missing_value = "true")]
    pub prune: bool,
    /// Do not build & start services before watching
    #[arg(long)]
    pub no_up: bool,
    /// Services to watch (all when none).
    pub services: Vec<String>,
}

/// Runs `watch`.
pub fn run(global: &Global, args: &WatchArgs) -> anyhow::Result<ExitCode> {
    let session = Session::load(global, &args.services, Need::FileToCreate)?;
    session.check_services(&args.services)?;
    block_on(async {
        let rt = session.engine()?;
        let mut specs = session.require_specs()?;
        let options = HandleOptions {
            quiet: args.quiet,
            parallel: session.parallel(),
        };
        if !args.no_up {
            // compose builds the watched services' images on every start.
            for s in specs.project.services.values_mut() {
                if s.build.is_some() && s.develop.is_some() {
                    s.pull_policy = "build".into();
                }
            }
            let flags = compose_engine::up::UpFlags {
                services: args.services.clone(),
                images: compose_engine::images::ImagePolicy {
                    quiet_pull: args.quiet,
                    quiet_build: args.quiet,
                    ..Default::default()
                },
                parallel: session.parallel(),
                ignore_orphans: true,
                ..Default::default()
            };
            let (cancel_tx, cancel_rx) = tokio::sync::watch::channel(false);
            let on_signal = tokio::spawn(async move {
                interrupted().await;
                let _ = cancel_tx.send(true);
            });
            let result = compose_engine::up::up(
                &rt,
                specs.clone(),
                &flags,
                &output::sink(),
                Some(cancel_rx),
            )
            .await;
            on_signal.abort();
            match result {
                Ok(_) => {}
                Err(e @ compose_engine::Error::Interrupted) => {
                    output::stderr_line(&e.to_string());
                    return Ok(ExitCode::from(130));
                }
                Err(e) => return Err(e.into()),
            }
        }
        let watching = Watching::new(&specs.project, &args.services)?;
        let log: Log = Arc::new(|line: &str| output::stdout(&format!("{line}\n")));
        // Under --dry-run the watch goes on as compose's does: every write
        // the changes ask for goes to the dry-run engine, which sends none.
        let active = watcher::start(&rt, &specs, &watching, &log).await?;
        active
            .run(
                &rt,
                &specs,
                &watching,
                &options,
                &log,
                &|_| {},
                interrupted(),
            )
            .await;
        // Only Ctrl-C (or SIGTERM) ends watching: compose exits 130 then.
        Ok(ExitCode::from(130))
    })
}
