//! `hoist up`: converge the project (compose_engine's `up`), then, unless
//! detached, stream the containers' output until they exit or Ctrl-C stops
//! them.

use std::process::ExitCode;

use compose_engine::progress::{Event, Status};
use compose_engine::runtime::{LogOptions, Runtime};
use std::collections::BTreeSet;

use compose_engine::labels;
use futures_util::future::join_all;
use futures_util::stream::{FuturesUnordered, StreamExt};

use crate::args::UpArgs;
use crate::cli::Global;
use crate::follow::{self, Prefixes};
use crate::menu::{self, Key};
use crate::output;
use crate::session::{block_on, interrupted, Need, Session};

/// compose's line when a dry run would attach.
const DRY_RUN_ATTACH: &str =
    "end of 'compose up' output, interactive run is not supported in dry-run mode";

/// compose's error when `w` is pressed and no service is configured for watch.
const WATCH_NOT_CONFIGURED: &str =
    "watch is not yet configured. Learn more: \x1b[36mhttps://docs.docker.com/compose/file-watch/\x1b[0m";

/// Whether attached `up` draws the navigation menu, as compose's
/// `validateNavigationMenu` and `Up` decide: only when stdout and stdin are
/// terminals and progress is not plain; then `--menu[=bool]`, else
/// `COMPOSE_MENU` (compose's `StringToBool`), else on.
fn navigation_menu(args: &UpArgs) -> bool {
    use std::io::IsTerminal;
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        return false;
    }
    let on = match args.menu {
        Some(v) => v,
        None => std::env::var("COMPOSE_MENU").map_or(true, |v| crate::session::go_bool(&v)),
    };
    on && !output::progress_is_plain()
}

/// Runs `up`.
pub fn run(global: &Global, args: &UpArgs) -> anyhow::Result<ExitCode> {
    let mut args = args.clone();
    args.validate()?;
    let args = &args;
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
        let started_at = crate::table::now_secs();
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
        let attach_to = attach_set(&prepared.specs.project, args)?;
        let menu = navigation_menu(args);
        let watching = if args.watch {
            Some(watching(&prepared.specs, &session)?)
        } else if menu {
            // the menu's `w` can start watching later
            watching(&prepared.specs, &session).ok()
        } else {
            None
        };
        attach(&session, &rt, &attach_to, args, started_at, watching, menu).await
    })
}

/// `--watch`: what is watched, as compose's `NewWatcher` and `watch` check
/// it, and how batches are handled.
fn watching(
    specs: &compose_engine::desired::ProjectSpecs,
    session: &Session,
) -> anyhow::Result<(
    compose_engine::desired::ProjectSpecs,
    compose_engine::watch::Watching,
    compose_engine::watch::HandleOptions,
)> {
    let project = &specs.project;
    if !project
        .services
        .values()
        .any(|s| s.develop.as_ref().is_some_and(|d| !d.watch.is_empty()))
    {
        anyhow::bail!("none of the selected services is configured for watch, see https://docs.docker.com/compose/how-tos/file-watch/");
    }
    let w = compose_engine::watch::Watching::new(project, &[])?;
    let options = compose_engine::watch::HandleOptions {
        quiet: false,
        parallel: session.parallel(),
        cancel: None,
    };
    Ok((specs.clone(), w, options))
}

/// The services whose output is shown (compose's `AttachTo`): `--attach`, or
/// the named services (all when none; with `--attach-dependencies` their
/// dependencies too) that do not say `attach: false`, minus `--no-attach`.
fn attach_set(
    project: &compose_engine::model::Project,
    args: &UpArgs,
) -> anyhow::Result<BTreeSet<String>> {
    let mut set: BTreeSet<String> = if !args.attach.is_empty() {
        let unknown: Vec<&str> = args
            .attach
            .iter()
            .filter(|s| !project.services.contains_key(*s))
            .map(String::as_str)
            .collect();
        if !unknown.is_empty() {
            anyhow::bail!(
                "cannot attach to services not included in up: {}",
                unknown.join(", ")
            );
        }
        args.attach.iter().cloned().collect()
    } else {
        let named: BTreeSet<String> = if args.services.is_empty() {
            project.services.keys().cloned().collect()
        } else if args.attach_dependencies {
            compose_engine::graph::Graph::new(project)?.with_dependencies(&args.services)
        } else {
            args.services.iter().cloned().collect()
        };
        named
            .into_iter()
            .filter(|n| {
                project
                    .services
                    .get(n)
                    .is_some_and(|s| s.attach != Some(false))
            })
            .collect()
    };
    for s in &args.no_attach {
        set.remove(s);
    }
    Ok(set)
}

/// How an attached run ends.
fn cascade(args: &UpArgs, exit_code: i64) -> bool {
    args.abort_on_container_exit || (args.abort_on_container_failure && exit_code != 0)
}

/// Attached `up`: stream the attached services' output with coloured
/// prefixes until their containers have exited; Ctrl-C (or SIGTERM) stops
/// the project's containers. With `--abort-on-container-exit` (or
/// `-failure`, or `--exit-code-from`) the first exit stops them all; the
/// exit status is that container's (or `--exit-code-from`'s service's).
/// With the navigation menu, keys are read meanwhile: `w` starts or stops
/// watching, Ctrl-C stops as the signal does.
#[allow(clippy::too_many_arguments)]
async fn attach<R: Runtime>(
    session: &Session,
    rt: &R,
    attach_to: &BTreeSet<String>,
    args: &UpArgs,
    since: i64,
    watching: Option<(
        compose_engine::desired::ProjectSpecs,
        compose_engine::watch::Watching,
        compose_engine::watch::HandleOptions,
    )>,
    menu: bool,
) -> anyhow::Result<ExitCode> {
    let all = session.containers(rt, &args.services, false).await?;
    let containers: Vec<_> = all
        .iter()
        .filter(|c| attach_to.contains(c.label(labels::SERVICE)))
        .cloned()
        .collect();
    let mut prefixes = Prefixes::new(
        &containers,
        output::color_stdout(args.no_color),
        args.no_log_prefix,
    );
    // --watch: the watch logger's lines ("#watch") take part in the width.
    let watch_enabled = watching.is_some();
    // Whether watching is on now (the menu's `w` turns it on and off): the
    // run then goes on when the attached containers are gone.
    let watch_on = std::sync::atomic::AtomicBool::new(args.watch);
    if args.watch {
        prefixes.width = prefixes.width.max("#watch".len());
    }
    let (rebuilt_tx, mut rebuilt_rx) = tokio::sync::mpsc::unbounded_channel::<Vec<String>>();
    let watch_log: compose_engine::watch::Log = {
        let pad = " ".repeat(prefixes.width + 1);
        let mark = if prefixes.color {
            format!("\x1b[92m{pad} ⦿ \x1b[0m")
        } else {
            format!("{pad} ⦿ ")
        };
        std::sync::Arc::new(move |line: &str| output::stdout(&format!("{mark}{line}\n")))
    };
    // "Watch enabled" comes before "Attaching to", as in compose.
    let active = match &watching {
        Some((specs, w, _)) if args.watch => {
            Some(crate::watcher::start(rt, specs, w, &watch_log).await?)
        }
        _ => None,
    };
    // The menu's `w`: watching started when off, stopped when on.
    let (toggle_tx, mut toggles) = tokio::sync::mpsc::unbounded_channel::<()>();
    let watch_run = async {
        let Some((specs, w, options)) = &watching else {
            return std::future::pending::<()>().await;
        };
        let after = move |plan: &compose_engine::watch::BatchPlan| {
            if !plan.rebuild.is_empty() {
                let _ = rebuilt_tx.send(plan.rebuild.iter().cloned().collect());
            }
        };
        let mut active = active;
        loop {
            let current = match active.take() {
                Some(a) => a,
                None => {
                    if toggles.recv().await.is_none() {
                        return std::future::pending::<()>().await;
                    }
                    match crate::watcher::start(rt, specs, w, &watch_log).await {
                        Ok(a) => {
                            watch_on.store(true, std::sync::atomic::Ordering::Relaxed);
                            menu::set_watching(true);
                            a
                        }
                        Err(e) => {
                            watch_log(&format!("{e:#}"));
                            continue;
                        }
                    }
                }
            };
            let stop = async {
                if toggles.recv().await.is_none() {
                    std::future::pending::<()>().await;
                }
            };
            current
                .run(rt, specs, w, options, &watch_log, &after, stop)
                .await;
            watch_on.store(false, std::sync::atomic::Ordering::Relaxed);
            watch_log("Watch disabled");
            menu::set_watching(false);
        }
    };
    output::stderr_line(&format!(
        "Attaching to {}",
        containers
            .iter()
            .map(follow::log_name)
            .collect::<Vec<_>>()
            .join(", ")
    ));
    // The navigation menu: the keyboard in its mode until the run ends or
    // Ctrl-C is pressed (then a second Ctrl-C is the terminal's signal).
    let keyboard = std::sync::Mutex::new(None);
    let mut keys = None;
    if menu {
        if let Some((k, rx)) = menu::Keyboard::start() {
            *keyboard.lock().unwrap_or_else(|e| e.into_inner()) = Some(k);
            keys = Some(rx);
            menu::show(watching.as_ref().map(|_| args.watch));
        }
    }
    let watch_configured = watching.is_some();
    let keys_run = async {
        let Some(keys) = keys.as_mut() else {
            return std::future::pending::<()>().await;
        };
        while let Some(k) = keys.recv().await {
            match k {
                Key::Watch if watch_configured => {
                    let _ = toggle_tx.send(());
                }
                Key::Watch => menu::error("Watch", WATCH_NOT_CONFIGURED),
                Key::Interrupt => return,
                Key::Suspend => menu::suspend(),
                Key::Enter => menu::enter(),
            }
        }
        std::future::pending::<()>().await
    };
    let opts = LogOptions {
        follow: true,
        timestamps: args.timestamps,
        since: Some((since - 1).to_string()),
        ..Default::default()
    };
    type Exit<'a> =
        std::pin::Pin<Box<dyn std::future::Future<Output = (String, Option<i64>)> + Send + 'a>>;
    // Each attached container's stream ends with its exit code; containers
    // watched but not shown (--no-attach) are waited for.
    let mut exits: FuturesUnordered<Exit<'_>> = containers
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let opts = opts.clone();
            let prefix = prefixes.of(c, i);
            Box::pin(async move {
                let code = follow::follow(rt, c, prefix, opts, true).await;
                (c.label(labels::SERVICE).to_string(), code)
            }) as Exit<'_>
        })
        .collect();
    let watching_exits = args.abort_on_container_exit || args.abort_on_container_failure;
    if watching_exits {
        for c in all
            .iter()
            .filter(|c| !attach_to.contains(c.label(labels::SERVICE)))
        {
            exits.push(Box::pin(async move {
                let code = rt.wait_container(&c.id).await.ok();
                (c.label(labels::SERVICE).to_string(), code)
            }));
        }
    }
    let mut exit_code: Option<i64> = None;
    let mut from_code: Option<i64> = None;
    // The containers to stop: with --watch a rebuild replaces some, so
    // they are listed again.
    let current = || async {
        if watch_enabled {
            session
                .containers(rt, &args.services, false)
                .await
                .unwrap_or_else(|_| all.clone())
        } else {
            all.clone()
        }
    };
    let stop_all = || async {
        let sink = output::sink_with_log();
        let now = current().await;
        let stops = now.iter().map(|c| {
            let sink = sink.clone();
            async move {
                let resource = format!("Container {}", c.name);
                sink(Event::new(&resource, Status::Working, "Stopping"));
                let _ = rt.stop_container(&c.id, args.timeout).await;
                sink(Event::new(&resource, Status::Done, "Stopped"));
            }
        });
        join_all(stops).await;
    };
    let interrupted_run = async {
        // compose exits 0 when its menu's Ctrl-C stopped the project, 130 on the signal
        let by_key = tokio::select! {
            _ = interrupted() => false,
            _ = keys_run => true,
        };
        drop(keyboard.lock().unwrap_or_else(|e| e.into_inner()).take());
        output::stdout("Gracefully Stopping... press Ctrl+C again to force\n");
        tokio::select! {
            _ = stop_all() => {}
            _ = interrupted() => {
                for c in current().await {
                    let _ = rt.kill_container(&c.id, "SIGKILL").await;
                }
            }
        }
        if by_key {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(130)
        }
    };
    let mut known: BTreeSet<String> = containers.iter().map(|c| c.id.clone()).collect();
    let watch = async {
        loop {
            // With --watch the run goes on until Ctrl-C: rebuilt services'
            // new containers are followed as they come.
            let next = tokio::select! {
                n = exits.next(), if !exits.is_empty() || !watch_on.load(std::sync::atomic::Ordering::Relaxed) => n,
                Some(services) = rebuilt_rx.recv() => {
                    let fresh = session.containers(rt, &services, false).await.unwrap_or_default();
                    for c in fresh {
                        if !attach_to.contains(c.label(labels::SERVICE)) || !known.insert(c.id.clone()) {
                            continue;
                        }
                        output::stdout(&format!("{} has been recreated\n", follow::log_name(&c)));
                        let i = containers.iter().position(|o| o.name == c.name).unwrap_or(known.len());
                        let prefix = prefixes.of(&c, i);
                        let opts = opts.clone();
                        exits.push(Box::pin(async move {
                            let code = follow::follow(rt, &c, prefix, opts, true).await;
                            (c.label(labels::SERVICE).to_string(), code)
                        }));
                    }
                    continue;
                }
                else => None,
            };
            let Some((service, code)) = next else {
                if watch_on.load(std::sync::atomic::Ordering::Relaxed) {
                    std::future::pending::<()>().await;
                }
                return;
            };
            let Some(code) = code else { continue };
            if args.exit_code_from.as_deref() == Some(service.as_str()) && from_code.is_none() {
                from_code = Some(code);
            }
            if exit_code.is_none() && cascade(args, code) {
                exit_code = Some(code);
                output::stderr_line("Aborting on container exit...");
                stop_all().await;
                // The streams end as the containers stop: take the
                // --exit-code-from service's code if it comes.
                while let Some((service, code)) = exits.next().await {
                    if args.exit_code_from.as_deref() == Some(service.as_str())
                        && from_code.is_none()
                    {
                        from_code = code;
                    }
                }
                return;
            }
        }
    };
    let stopped = {
        tokio::pin!(watch);
        tokio::select! {
            _ = &mut watch => None,
            _ = watch_run => None,
            code = interrupted_run => {
                // The streams end as the containers stop: their "exited
                // with code" lines still come, as compose's.
                let _ = tokio::time::timeout(std::time::Duration::from_secs(2), &mut watch).await;
                Some(code)
            }
        }
    };
    if let Some(code) = stopped {
        return Ok(code);
    }
    let code = if args.exit_code_from.is_some() {
        from_code.unwrap_or(0)
    } else {
        exit_code.unwrap_or(0)
    };
    Ok(ExitCode::from(u8::try_from(code).unwrap_or(1)))
}
