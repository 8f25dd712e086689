//! `hoist up`: converge the project (compose_engine's `up`), then, unless
//! detached, stream the containers' output until they exit or Ctrl-C stops
//! them.

use std::process::ExitCode;

use compose_engine::progress::{Event, Status};
use compose_engine::runtime::{LogOptions, Runtime};
use futures_util::future::join_all;

use crate::args::UpArgs;
use crate::cli::Global;
use crate::follow::{self, Prefixes};
use crate::output;
use crate::session::{block_on, interrupted, Need, Session};

/// compose's line when a dry run would attach.
const DRY_RUN_ATTACH: &str =
    "end of 'compose up' output, interactive run is not supported in dry-run mode";

/// Runs `up`.
pub fn run(global: &Global, args: &UpArgs) -> anyhow::Result<ExitCode> {
    let session = Session::load(global, &args.services, Need::FileToCreate)?;
    let flags = args.flags(&session)?;
    block_on(async {
        let rt = session.engine()?;
        let specs = session.require_specs()?;
        let width = specs
            .project
            .services
            .iter()
            .filter(|(_, s)| s.build.is_some())
            .map(|(n, _)| n.len())
            .max()
            .unwrap_or(0);
        // Ctrl-C or SIGTERM lets the operations in flight finish (nothing is
        // left half-made for the engine to complete behind our back); a
        // second one quits at once.
        let (cancel_tx, cancel_rx) = tokio::sync::watch::channel(false);
        let on_signal = tokio::spawn(async move {
            interrupted().await;
            let _ = cancel_tx.send(true);
            interrupted().await;
            std::process::exit(130);
        });
        let started_at = follow::now_secs();
        let result = compose_engine::up::up(
            &rt,
            specs,
            &flags,
            &output::sink_padded(width),
            Some(cancel_rx),
        )
        .await;
        // Attached mode handles signals itself from here on.
        on_signal.abort();
        let prepared = match result {
            Ok(p) => p,
            Err(e @ compose_engine::Error::Interrupted) => {
                output::stderr_line(&e.to_string());
                return Ok(ExitCode::from(130));
            }
            Err(e) => return Err(e.into()),
        };
        if args.detach || args.wait || args.no_start {
            return Ok(ExitCode::SUCCESS);
        }
        if rt.is_dry_run() {
            output::stdout(&format!("{DRY_RUN_ATTACH}\n"));
            return Ok(ExitCode::SUCCESS);
        }
        let services: Vec<String> = prepared.desired.services.keys().cloned().collect();
        attach(&session, &rt, &services, args, started_at).await
    })
}

/// Attached `up`: stream every container's output with a coloured prefix until
/// all have exited; Ctrl-C (or SIGTERM) stops the project's containers.
async fn attach<R: Runtime>(
    session: &Session,
    rt: &R,
    services: &[String],
    args: &UpArgs,
    since: i64,
) -> anyhow::Result<ExitCode> {
    let containers = session.containers(rt, services, false).await?;
    output::stderr_line(&format!(
        "Attaching to {}",
        containers
            .iter()
            .map(follow::log_name)
            .collect::<Vec<_>>()
            .join(", ")
    ));
    let prefixes = Prefixes::new(
        &containers,
        output::color_stdout(args.no_color),
        args.no_log_prefix,
    );
    let opts = LogOptions {
        follow: true,
        timestamps: args.timestamps,
        since: Some((since - 1).to_string()),
        ..Default::default()
    };
    let streams = containers
        .iter()
        .enumerate()
        .map(|(i, c)| follow::follow(rt, c, prefixes.of(c, i), opts.clone(), true));
    tokio::select! {
        _ = join_all(streams) => Ok(ExitCode::SUCCESS),
        _ = interrupted() => {
            output::stderr_line("Gracefully stopping... (press Ctrl+C again to force)");
            let sink = output::sink();
            let stops = containers.iter().map(|c| {
                let sink = sink.clone();
                async move {
                    let resource = format!("Container {}", c.name);
                    sink(Event::new(&resource, Status::Working, "Stopping"));
                    let _ = rt.stop_container(&c.id, args.timeout).await;
                    sink(Event::new(&resource, Status::Done, "Stopped"));
                }
            });
            tokio::select! {
                _ = join_all(stops) => {}
                _ = interrupted() => {
                    for c in &containers {
                        let _ = rt.kill_container(&c.id, "SIGKILL").await;
                    }
                }
            }
            Ok(ExitCode::from(130))
        }
    }
}
