//! `hoist logs`: the services' output, prefixed per container; with `-f`
//! following restarts and the containers created or started afterwards.

use std::process::ExitCode;

use clap::Args;
use std::collections::BTreeSet;

use compose_engine::labels;
use compose_engine::runtime::{
    BoxStream, Container, ContainerState, EngineEvent, EventFilter, LogOptions, Observe,
    RuntimeError,
};
use futures_util::future::join_all;
use futures_util::stream::FuturesUnordered;
use futures_util::StreamExt;

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
        // From the start of this second on (replayed if the subscription
        // comes after the list), so that a container started meanwhile is not
        // missed; the ones listed are not followed twice.
        let events = args.follow.then(|| {
            rt.events(&EventFilter {
                labels: compose_engine::observe::project_filter(&session.name),
                kinds: vec!["container".into()],
                since: Some(crate::table::now_secs().to_string()),
                until: None,
            })
        });
        let mut cs = session.containers(&rt, &args.services, false).await?;
        if let Some(i) = args.index.filter(|i| *i > 0) {
            cs.retain(|c| c.label(labels::CONTAINER_NUMBER) == i.to_string());
        }
        let prefixes = Prefixes::new(&cs, output::color_stdout(args.no_color), args.no_log_prefix);
        let opts = LogOptions {
            follow: args.follow,
            tail: (args.tail != "all").then(|| args.tail.clone()),
            timestamps: args.timestamps,
            since: args.since.clone(),
            until: args.until.clone(),
        };
        let Some(events) = events else {
            let streams = cs
                .iter()
                .enumerate()
                .map(|(i, c)| follow::follow(&rt, c, prefixes.of(c, i), opts.clone(), false));
            tokio::select! {
                _ = join_all(streams) => {}
                _ = interrupted() => {}
            }
            return Ok(ExitCode::SUCCESS);
        };
        tokio::select! {
            r = follow_all(&rt, &session, args, cs, prefixes, opts, events) => r?,
            _ = interrupted() => {}
        }
        Ok(ExitCode::SUCCESS)
    })
}

/// `logs -f`: the containers' output, and that of every container of the
/// selected services created or (re)started afterwards, as the engine's
/// events tell. Ends as compose's does: once none of the containers is left
/// (each exited without restarting, or was removed).
async fn follow_all<O: Observe>(
    rt: &O,
    session: &Session,
    args: &LogsArgs,
    initial: Vec<Container>,
    prefixes: Prefixes,
    opts: LogOptions,
    mut events: BoxStream<Result<EngineEvent, RuntimeError>>,
) -> anyhow::Result<()> {
    // the services whose containers are followed: those named, else the file's (all from labels)
    let services: Vec<String> = if !args.services.is_empty() {
        args.services.clone()
    } else {
        session
            .project()
            .map(|p| p.services.keys().cloned().collect())
            .unwrap_or_default()
    };
    let wanted = |attributes: &compose_engine::runtime::Labels| {
        let label = |k: &str| attributes.get(k).map(String::as_str).unwrap_or("");
        label(labels::ONEOFF) != "True"
            && (services.is_empty() || services.iter().any(|s| s == label(labels::SERVICE)))
            && args
                .index
                .filter(|i| *i > 0)
                .is_none_or(|i| label(labels::CONTAINER_NUMBER) == i.to_string())
    };
    let mut live: BTreeSet<String> = initial.iter().map(|c| c.id.clone()).collect();
    let mut active: BTreeSet<String> = BTreeSet::new();
    let mut colour = initial.len();
    let mut running = FuturesUnordered::new();
    let start = |c: Container, prefix: String, opts: LogOptions, after: Option<i64>| async move {
        let (_, last) = follow::follow_from(rt, &c, prefix, opts, false, after).await;
        (c, last)
    };
    // when the last line shown of each container was written: a container
    // followed again shows only what came after
    let mut seen: std::collections::BTreeMap<String, i64> = Default::default();
    for (i, c) in initial.into_iter().enumerate() {
        active.insert(c.id.clone());
        let prefix = prefixes.of(&c, i);
        running.push(start(c, prefix, opts.clone(), None));
    }
    loop {
        if live.is_empty() && running.is_empty() {
            return Ok(());
        }
        tokio::select! {
            Some((c, last)) = running.next(), if !running.is_empty() => {
                active.remove(&c.id);
                if let Some(t) = last {
                    seen.insert(c.id.clone(), t);
                }
                // restarted just as its stream ended: follow it again
                if let Ok(d) = rt.inspect_container(&c.id).await {
                    if d.state == ContainerState::Running {
                        active.insert(c.id.clone());
                        let after = Some(seen.get(&c.id).copied().unwrap_or_else(follow::now_nanos));
                        let prefix = prefixes.of(&c, colour);
                        colour += 1;
                        running.push(start(c, prefix, opts.clone(), after));
                    }
                }
            }
            e = events.next() => {
                let Some(e) = e else { return Ok(()) };
                let e = e?;
                if !wanted(&e.attributes) {
                    continue;
                }
                match e.action.as_str() {
                    "create" => {
                        live.insert(e.id.clone());
                    }
                    "start" if !active.contains(&e.id) => {
                        live.insert(e.id.clone());
                        let Some(c) = session
                            .containers(rt, &[], false)
                            .await?
                            .into_iter()
                            .find(|c| c.id == e.id)
                        else {
                            continue;
                        };
                        active.insert(c.id.clone());
                        // all of a new container's output; of one followed before, what came after
                        let after = seen.get(&c.id).copied();
                        let prefix = prefixes.of(&c, colour);
                        colour += 1;
                        running.push(start(c, prefix, opts.clone(), after));
                    }
                    "die" => {
                        let gone = match rt.inspect_container(&e.id).await {
                            Ok(d) => !matches!(d.state, ContainerState::Running | ContainerState::Restarting),
                            Err(_) => true,
                        };
                        if gone {
                            live.remove(&e.id);
                        }
                    }
                    "destroy" => {
                        live.remove(&e.id);
                    }
                    _ => {}
                }
            }
        }
    }
}
