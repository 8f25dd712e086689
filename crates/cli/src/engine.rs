//! The engine commands (`up`, `down`, `ps`, `logs`, `start`, ...): load the
//! project, observe the engine, plan, apply, and render.
//!
//! Each command builds a [`Session`] (project, runtime, name) and then calls
//! into `compose_engine`; all printing goes through [`crate::output`].
//! `plan` (and `up --dry-run`) only ever holds the runtime as an observer, so
//! it cannot change anything.

use std::collections::{BTreeMap, BTreeSet};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{anyhow, bail, Context as _};
use clap::Args;
use compose_engine::apply::{self, ApplyOptions, Event};
use compose_engine::convert::{self, ProjectMeta};
use compose_engine::desired::{known_from, ProjectSpecs, UpRequest};
use compose_engine::graph::Graph;
use compose_engine::labels;
use compose_engine::model::Project;
use compose_engine::observe::{explain, project_filter};
use compose_engine::plan::Plan;
use compose_engine::reconcile::{self, DownOptions, Observed, Recreate, UpOptions};
use compose_engine::runtime::docker::Docker;
use compose_engine::runtime::{Container, ContainerState, Observe, ReadOnly, Runtime};
use futures_util::future::join_all;

use crate::cli::Global;
use crate::output;

/// Flags of `up` (and `create`, `plan`).
#[derive(Debug, Clone, Args, Default)]
pub struct UpArgs {
    /// Services to start (and their dependencies)
    pub services: Vec<String>,
    /// Detached mode: run containers in the background
    #[arg(short = 'd', long)]
    pub detach: bool,
    /// Scale SERVICE to NUM instances (SERVICE=NUM); overrides `scale` in the file
    #[arg(long = "scale", value_name = "SERVICE=NUM")]
    pub scale: Vec<String>,
    /// Recreate containers even if their configuration and image haven't changed
    #[arg(long)]
    pub force_recreate: bool,
    /// If containers already exist, don't recreate them
    #[arg(long, conflicts_with = "force_recreate")]
    pub no_recreate: bool,
    /// Recreate dependent containers too
    #[arg(long)]
    pub always_recreate_deps: bool,
    /// Don't start linked services
    #[arg(long)]
    pub no_deps: bool,
    /// Remove containers for services not defined in the Compose file
    #[arg(long)]
    pub remove_orphans: bool,
    /// Don't start the services after creating them
    #[arg(long)]
    pub no_start: bool,
    /// Wait for services to be running|healthy (implies detached mode)
    #[arg(long)]
    pub wait: bool,
    /// Maximum duration in seconds to wait for the project to be running|healthy
    #[arg(long, value_name = "SECONDS")]
    pub wait_timeout: Option<u64>,
    /// Use this timeout in seconds for container shutdown
    #[arg(short = 't', long = "timeout")]
    pub timeout: Option<i64>,
    /// Plan output format (with --dry-run): text or json
    #[arg(long, default_value = "text")]
    pub format: String,
    /// Produce monochrome output
    #[arg(long)]
    pub no_color: bool,
    /// Don't prefix log lines with the container name
    #[arg(long)]
    pub no_log_prefix: bool,
    /// Show timestamps in logs
    #[arg(long)]
    pub timestamps: bool,
    /// Build images before starting containers
    #[arg(long)]
    pub build: bool,
    /// Don't build an image, even if it's policy
    #[arg(long, conflicts_with = "build")]
    pub no_build: bool,
    /// Pull image before running ("always"|"missing"|"never")
    #[arg(long)]
    pub pull: Option<String>,
    /// Pull without printing progress information
    #[arg(long)]
    pub quiet_pull: bool,
}

/// Flags of `down`.
#[derive(Debug, Clone, Args)]
pub struct DownArgs {
    /// Services to stop and remove (default: all)
    pub services: Vec<String>,
    /// Remove named volumes declared in the "volumes" section and anonymous volumes attached to containers
    #[arg(short = 'v', long)]
    pub volumes: bool,
    /// Remove containers for services not defined in the Compose file
    #[arg(long)]
    pub remove_orphans: bool,
    /// Specify a shutdown timeout in seconds
    #[arg(short = 't', long = "timeout")]
    pub timeout: Option<i64>,
    /// Remove images used by services: "local" removes only images that don't have a custom tag, "all" all images
    #[arg(long)]
    pub rmi: Option<String>,
}

/// Flags of `ps`.
#[derive(Debug, Clone, Args)]
pub struct PsArgs {
    /// Services to list
    pub services: Vec<String>,
    /// Show all stopped containers
    #[arg(short = 'a', long)]
    pub all: bool,
    /// Only display IDs
    #[arg(short = 'q', long)]
    pub quiet: bool,
    /// Display services
    #[arg(long = "services")]
    pub list_services: bool,
    /// Filter services by status: created, restarting, running, removing, paused, exited, dead
    #[arg(long)]
    pub status: Vec<String>,
    /// Format the output: table or json
    #[arg(long, default_value = "table")]
    pub format: String,
    /// Don't truncate output
    #[arg(long)]
    pub no_trunc: bool,
}

/// Flags of `logs`.
#[derive(Debug, Clone, Args)]
pub struct LogsArgs {
    /// Services to show
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
}

/// Flags shared by `start`, `stop`, `restart`, `pause`, `unpause`.
#[derive(Debug, Clone, Args)]
pub struct ServicesArgs {
    /// Services (default: all)
    pub services: Vec<String>,
    /// Specify a shutdown timeout in seconds (stop, restart)
    #[arg(short = 't', long = "timeout")]
    pub timeout: Option<i64>,
}

/// Flags of `kill`.
#[derive(Debug, Clone, Args)]
pub struct KillArgs {
    /// Services (default: all)
    pub services: Vec<String>,
    /// SIGNAL to send to the container
    #[arg(short = 's', long, default_value = "SIGKILL")]
    pub signal: String,
    /// Remove containers for services not defined in the Compose file
    #[arg(long)]
    pub remove_orphans: bool,
}

/// Flags of `rm`.
#[derive(Debug, Clone, Args)]
pub struct RmArgs {
    /// Services (default: all)
    pub services: Vec<String>,
    /// Don't ask to confirm removal (`-f` after `rm`; see `main::local_short_flags`)
    #[arg(long)]
    pub force: bool,
    /// Stop the containers, if required, before removing
    #[arg(short = 's', long)]
    pub stop: bool,
    /// Remove any anonymous volumes attached to containers
    #[arg(short = 'v', long)]
    pub volumes: bool,
}

/// Flags of `scale`.
#[derive(Debug, Clone, Args)]
pub struct ScaleArgs {
    /// SERVICE=REPLICAS pairs
    #[arg(required = true)]
    pub scale: Vec<String>,
    /// Don't start linked services
    #[arg(long)]
    pub no_deps: bool,
}

/// A command's view of the project: the runtime, the name, and the loaded
/// project when a compose file was found.
struct Session {
    name: String,
    specs: Option<ProjectSpecs>,
}

pub(crate) fn connect() -> anyhow::Result<Docker> {
    Docker::connect().map_err(|e| anyhow!("{e}"))
}

/// The loaded project, for commands that always need a compose file (`build`,
/// `pull`, `push`); `Err` holds the exit code after the diagnostics were printed.
pub(crate) fn load_project(
    global: &Global,
    services: &[String],
) -> anyhow::Result<Result<Project, ExitCode>> {
    Ok(load(global, services, true)?.map(|s| s.specs.expect("a file was required").project))
}

/// Loads the project. With `need_file` false, a missing compose file is not an
/// error when the project name is known (`-p` or `COMPOSE_PROJECT_NAME`): the
/// command then works from labels, as compose's `down`/`ps` do.
fn load(
    global: &Global,
    services: &[String],
    need_file: bool,
) -> anyhow::Result<Result<Session, ExitCode>> {
    let mut opts = global.load_options()?;
    opts.services = services.to_vec();
    let loaded = compose_spec::loader::load(&opts);
    let no_file = loaded
        .diagnostics
        .iter()
        .any(|d| d.code == compose_spec::Code::NoConfigFile);
    if no_file && !need_file {
        let name = global
            .project_name
            .clone()
            .or_else(|| std::env::var("COMPOSE_PROJECT_NAME").ok());
        if let Some(name) = name {
            return Ok(Ok(Session {
                name: compose_spec::loader::normalize_project_name(&name),
                specs: None,
            }));
        }
    }
    output::diagnostics(&loaded.diagnostics, &loaded.sources);
    if loaded.has_errors() {
        return Ok(Err(ExitCode::from(1)));
    }
    let Some(project) = loaded.project.clone() else {
        return Ok(Err(ExitCode::from(1)));
    };
    let cwd = std::env::current_dir()?;
    let env_files: Vec<String> = global
        .env_file
        .iter()
        .map(|p| cwd.join(p).to_string_lossy().into_owned())
        .collect();
    let meta = ProjectMeta::from_loaded(&loaded, &env_files);
    Ok(Ok(Session {
        name: project.name.clone(),
        specs: Some(ProjectSpecs {
            project,
            meta,
            api: (1, 41),
            images: BTreeMap::new(),
        }),
    }))
}

/// Local image ids of the services' images (the `com.docker.compose.image` label);
/// an error naming the service when an image is missing and cannot be built.
pub(crate) async fn resolve_images<O: Observe>(
    rt: &O,
    project: &Project,
    services: &BTreeSet<String>,
) -> anyhow::Result<BTreeMap<String, String>> {
    let mut ids = BTreeMap::new();
    let names: BTreeMap<String, String> = project
        .services
        .iter()
        .filter(|(n, _)| services.contains(*n))
        .map(|(n, s)| (n.clone(), convert::image_name(&project.name, s)))
        .collect();
    let images: BTreeSet<&String> = names.values().collect();
    let found = join_all(
        images
            .iter()
            .map(|i| async move { (i.to_string(), rt.inspect_image(i).await) }),
    )
    .await;
    let mut missing = Vec::new();
    for (image, r) in found {
        match r.map_err(|e| anyhow!("{e}"))? {
            Some(img) => {
                ids.insert(image, img.id);
            }
            None => missing.push(image),
        }
    }
    for (service, image) in &names {
        if missing.contains(image) {
            let s = &project.services[service];
            if s.build.is_some() {
                bail!("service {service}: image {image} is not built yet: run `hoist build {service}` first");
            }
            bail!(
                "service {service}: image {image} not found locally, and no registry is used to pull it: build or load it first (`docker build -t {image} ...` or `docker load`)"
            );
        }
    }
    Ok(ids)
}

fn parse_scale(items: &[String]) -> anyhow::Result<BTreeMap<String, u32>> {
    let mut out = BTreeMap::new();
    for s in items {
        let (k, v) = s
            .split_once('=')
            .ok_or_else(|| anyhow!("invalid --scale {s:?}: expected SERVICE=NUM"))?;
        let n: u32 = v
            .parse()
            .map_err(|_| anyhow!("invalid --scale {s:?}: {v:?} is not a number"))?;
        out.insert(k.to_string(), n);
    }
    Ok(out)
}

fn sink() -> apply::Sink {
    Arc::new(|e: Event| output::progress(&e))
}

pub(crate) fn parallel(global: &Global) -> usize {
    if global.parallel <= 0 {
        0
    } else {
        global.parallel as usize
    }
}

async fn observe<O: Observe>(
    rt: &O,
    name: &str,
    project: Option<&Project>,
) -> anyhow::Result<Observed> {
    compose_engine::observe::observe(rt, name, project)
        .await
        .map_err(|e| anyhow!("{e}"))
}

pub(crate) fn block_on<F: std::future::Future<Output = anyhow::Result<ExitCode>>>(
    f: F,
) -> anyhow::Result<ExitCode> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    rt.block_on(f)
}

/// The services `up` works on: the named ones and their dependencies (all when none are named).
fn selected_services(project: &Project, args: &UpArgs) -> anyhow::Result<BTreeSet<String>> {
    let graph = Graph::new(project).map_err(|e| anyhow!("{e}"))?;
    Ok(compose_engine::desired::select(
        project,
        &graph,
        &args.services,
        args.no_deps,
    ))
}

/// What `up` knows before it changes anything.
struct Prepared {
    specs: ProjectSpecs,
    desired: reconcile::Desired,
    observed: Observed,
    plan: Plan,
}

/// Observes and plans; generic over [`Observe`] so that `plan` runs it with a
/// read-only runtime.
async fn prepare<O: Observe>(
    rt: &O,
    mut specs: ProjectSpecs,
    args: &UpArgs,
    scale: BTreeMap<String, u32>,
    plan_only: bool,
    selected: &BTreeSet<String>,
    images: impl std::future::Future<Output = anyhow::Result<BTreeMap<String, String>>>,
) -> anyhow::Result<Prepared> {
    for (name, s) in &specs.project.services {
        let n = scale
            .get(name)
            .copied()
            .unwrap_or_else(|| compose_engine::desired::scale_of(s));
        if n > 1 && !s.container_name.is_empty() && selected.contains(name) {
            bail!(
                "service {name}: `container_name` {:?} cannot be used with {n} replicas: a container name must be unique; remove `container_name` or scale to 1",
                s.container_name
            );
        }
    }
    // Independent reads (and, for up, pulls/builds), in one round trip.
    let (version, images, observed) = tokio::join!(
        rt.version(),
        images,
        observe(rt, &specs.project.name, Some(&specs.project))
    );
    specs.api = version.map_err(|e| anyhow!("{e}"))?.api;
    match images {
        Ok(ids) => specs.images = ids,
        Err(e) if plan_only => output::stderr_line(&format!("warning: {e}")),
        Err(e) => return Err(e),
    }
    let observed = observed?;
    let request = UpRequest {
        services: args.services.clone(),
        no_deps: args.no_deps,
        scale,
        recreate: if args.force_recreate {
            Recreate::Force
        } else if args.no_recreate {
            Recreate::Never
        } else {
            Recreate::Diverged
        },
        recreate_deps: if args.always_recreate_deps {
            Recreate::Force
        } else if args.no_recreate {
            Recreate::Never
        } else {
            Recreate::Diverged
        },
        options: UpOptions {
            remove_orphans: args.remove_orphans,
            no_start: args.no_start,
            wait: args.wait,
        },
    };
    let mut desired = specs
        .desired(&request, &observed)
        .map_err(|e| anyhow!("{e}"))?;
    let observed = explain(rt, &desired, observed).await;
    if std::env::var_os("COMPOSE_REMOVE_ORPHANS").is_some_and(|v| v == "1" || v == "true") {
        desired.options.remove_orphans = true;
    }
    let plan = reconcile::reconcile(&desired, &observed).map_err(|e| anyhow!("{e}"))?;
    Ok(Prepared {
        specs,
        desired,
        observed,
        plan,
    })
}

/// `up`, `create`, `plan`.
pub fn up(global: &Global, args: &UpArgs, plan_only: bool) -> anyhow::Result<ExitCode> {
    block_on(up_async(global, args, plan_only))
}

async fn up_async(global: &Global, args: &UpArgs, plan_only: bool) -> anyhow::Result<ExitCode> {
    let session = match load(global, &args.services, true)? {
        Ok(s) => s,
        Err(code) => return Ok(code),
    };
    let specs = session.specs.expect("a file was required");
    for s in &args.services {
        if !specs.project.services.contains_key(s) {
            bail!("no such service: {s}");
        }
    }
    let scale = parse_scale(&args.scale)?;
    for s in scale.keys() {
        if !specs.project.services.contains_key(s) {
            bail!("no such service: {s}");
        }
    }
    let plan_only = plan_only || global.dry_run;
    if plan_only {
        // Only an observer: planning cannot change anything.
        let rt = ReadOnly(connect()?);
        let project = specs.project.clone();
        let selected = selected_services(&project, args)?;
        let images = resolve_images(&rt, &project, &selected);
        let prepared = prepare(&rt, specs, args, scale, true, &selected, images).await?;
        print_plan(&prepared.plan, &args.format)?;
        return Ok(ExitCode::SUCCESS);
    }
    let rt = connect()?;
    let project = specs.project.clone();
    let selected = selected_services(&project, args)?;
    let images = async {
        let ensured = crate::images::ensure_images(
            &rt,
            crate::images::Ensure {
                project: &project,
                environment: project.environment.clone(),
                selected: &selected,
                build: args.build,
                no_build: args.no_build,
                pull: args.pull.as_deref(),
                quiet_pull: args.quiet_pull,
                parallel: parallel(global),
            },
        )
        .await?;
        match ensured {
            Some(ids) => Ok(ids),
            None => resolve_images(&rt, &project, &selected).await,
        }
    };
    let Prepared {
        specs,
        desired,
        observed,
        plan,
    } = prepare(&rt, specs, args, scale, false, &selected, images).await?;
    for w in &plan.warnings {
        output::stderr_line(&format!("WARN[0000] {w}"));
    }
    // Ctrl-C lets the operations in flight finish (nothing is left half-made
    // for the engine to complete behind our back); a second Ctrl-C quits at once.
    let (cancel_tx, cancel_rx) = tokio::sync::watch::channel(false);
    let on_ctrl_c = tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            let _ = cancel_tx.send(true);
            if tokio::signal::ctrl_c().await.is_ok() {
                std::process::exit(130);
            }
        }
    });
    let opts = ApplyOptions {
        parallel: parallel(global),
        timeout: args.timeout,
        sink: sink(),
        cancel: Some(cancel_rx.clone()),
        ..Default::default()
    };
    let known = known_from(&observed);
    let started_at = now_secs();
    let work = apply::apply(&rt, &specs, &plan, known, &opts);
    let result = match args
        .wait_timeout
        .filter(|_| args.wait)
        .map(Duration::from_secs)
    {
        Some(l) => tokio::time::timeout(l, work).await.map_err(|_| {
            anyhow!(
                "timeout waiting for the project to be running|healthy ({}s)",
                l.as_secs()
            )
        })?,
        None => work.await,
    };
    // Attached mode handles Ctrl-C itself from here on.
    on_ctrl_c.abort();
    if *cancel_rx.borrow() {
        output::stderr_line(
            "interrupted: stopped before completion; run `hoist up` again to converge",
        );
        return Ok(ExitCode::from(130));
    }
    if let Err(e) = result {
        bail!("{e}");
    }
    if args.detach || args.wait || args.no_start {
        return Ok(ExitCode::SUCCESS);
    }
    attach(
        &rt,
        &specs,
        &desired.services.keys().cloned().collect::<Vec<_>>(),
        args,
        started_at,
    )
    .await
}

fn print_plan(plan: &Plan, format: &str) -> anyhow::Result<()> {
    match format {
        "json" => output::stdout(&format!(
            "{}\n",
            serde_json::to_string_pretty(&plan.to_json())?
        )),
        "text" | "" => output::stdout(&plan.to_string()),
        other => bail!("unsupported format {other:?}: use text or json"),
    }
    Ok(())
}

fn now_secs() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

const COLORS: [&str; 12] = [
    "36", "33", "32", "35", "34", "96", "93", "92", "95", "94", "31", "91",
];

/// Attached `up`: stream every container's output with a coloured prefix until
/// all have exited; Ctrl-C stops the project's containers.
async fn attach(
    rt: &Docker,
    specs: &ProjectSpecs,
    services: &[String],
    args: &UpArgs,
    since: i64,
) -> anyhow::Result<ExitCode> {
    let containers = service_containers(rt, &specs.project.name, services, false).await?;
    output::stderr_line(&format!(
        "Attaching to {}",
        containers
            .iter()
            .map(log_name)
            .collect::<Vec<_>>()
            .join(", ")
    ));
    let color = output::color_stdout(args.no_color);
    let width = containers
        .iter()
        .map(|c| log_name(c).len())
        .max()
        .unwrap_or(0);
    let opts = compose_engine::runtime::LogOptions {
        follow: true,
        timestamps: args.timestamps,
        since: Some((since - 1).to_string()),
        ..Default::default()
    };
    let streams = containers.iter().enumerate().map(|(i, c)| {
        let prefix = prefix(&log_name(c), width, i, color, args.no_log_prefix);
        follow_logs(rt, c.id.clone(), log_name(c), prefix, opts.clone(), true)
    });
    tokio::select! {
        _ = join_all(streams) => Ok(ExitCode::SUCCESS),
        _ = tokio::signal::ctrl_c() => {
            output::stderr_line("Gracefully stopping... (press Ctrl+C again to force)");
            let stops = containers.iter().map(|c| async move {
                let e = Event { resource: format!("Container {}", c.name), status: apply::Status::Working, text: "Stopping".into() };
                output::progress(&e);
                let _ = rt.stop_container(&c.id, None).await;
                output::progress(&Event { text: "Stopped".into(), status: apply::Status::Done, ..e });
            });
            tokio::select! {
                _ = join_all(stops) => {}
                _ = tokio::signal::ctrl_c() => {
                    for c in &containers { let _ = rt.kill_container(&c.id, "SIGKILL").await; }
                }
            }
            Ok(ExitCode::from(130))
        }
    }
}

/// The name compose shows in log prefixes and "Attaching to": the container
/// name without the project (`web-1`), or a custom `container_name` as is.
fn log_name(c: &Container) -> String {
    let project = c.label(labels::PROJECT);
    let default = format!(
        "{project}-{}-{}",
        c.label(labels::SERVICE),
        c.label(labels::CONTAINER_NUMBER)
    );
    if c.name == default {
        c.name[project.len() + 1..].to_string()
    } else {
        c.name.clone()
    }
}

fn prefix(name: &str, width: usize, i: usize, color: bool, none: bool) -> String {
    if none {
        return String::new();
    }
    let p = format!("{name:<width$}  | ");
    if color {
        format!("\x1b[{}m{p}\x1b[0m", COLORS[i % COLORS.len()])
    } else {
        p
    }
}

/// Streams one container's output, line by line with `prefix`. With
/// `opts.follow`, re-attaches when the container restarts; says when it exits.
async fn follow_logs<O: Observe>(
    rt: &O,
    id: String,
    name: String,
    prefix: String,
    mut opts: compose_engine::runtime::LogOptions,
    announce_exit: bool,
) {
    use futures_util::StreamExt;
    loop {
        let mut stream = rt.logs(&id, &opts);
        let mut pending: Vec<u8> = Vec::new();
        while let Some(chunk) = stream.next().await {
            let bytes = match chunk {
                Ok(compose_engine::runtime::LogChunk::Stdout(b))
                | Ok(compose_engine::runtime::LogChunk::Stderr(b)) => b,
                Err(_) => break,
            };
            pending.extend_from_slice(&bytes);
            while let Some(pos) = pending.iter().position(|&b| b == b'\n') {
                let line: Vec<u8> = pending.drain(..=pos).collect();
                let mut out = prefix.as_bytes().to_vec();
                out.extend_from_slice(&line);
                output::stdout_bytes(&out);
            }
        }
        if !pending.is_empty() {
            let mut out = prefix.as_bytes().to_vec();
            out.extend_from_slice(&pending);
            out.push(b'\n');
            output::stdout_bytes(&out);
        }
        if !opts.follow {
            return;
        }
        // The stream ends when the container stops: follow a restart, if any.
        let mut restarted = false;
        for _ in 0..20 {
            match rt.inspect_container(&id).await {
                Ok(d) if matches!(d.state, ContainerState::Running) => {
                    restarted = true;
                    break;
                }
                Ok(d) if matches!(d.state, ContainerState::Restarting) => {}
                Ok(d) => {
                    if announce_exit {
                        output::stdout(&format!("{name} exited with code {}\n", d.exit_code));
                    }
                    return;
                }
                Err(_) => return,
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
        if !restarted {
            return;
        }
        opts.since = Some(now_secs().to_string());
        opts.tail = None;
    }
}

async fn service_containers<O: Observe>(
    rt: &O,
    project: &str,
    services: &[String],
    all_including_oneoff: bool,
) -> anyhow::Result<Vec<Container>> {
    let mut cs = rt
        .list_containers(&project_filter(project), true)
        .await
        .map_err(|e| anyhow!("{e}"))?;
    cs.retain(|c| all_including_oneoff || c.label(labels::ONEOFF) != "True");
    if !services.is_empty() {
        cs.retain(|c| services.iter().any(|s| s == c.label(labels::SERVICE)));
    }
    cs.sort_by(|a, b| {
        a.label(labels::SERVICE)
            .cmp(b.label(labels::SERVICE))
            .then_with(|| {
                let n = |c: &Container| {
                    c.label(labels::CONTAINER_NUMBER)
                        .parse::<u32>()
                        .unwrap_or(0)
                };
                n(a).cmp(&n(b))
            })
            .then_with(|| a.name.cmp(&b.name))
    });
    Ok(cs)
}

/// `down`.
pub fn down(global: &Global, args: &DownArgs) -> anyhow::Result<ExitCode> {
    block_on(async {
        let session = match load(global, &[], false)? {
            Ok(s) => s,
            Err(code) => return Ok(code),
        };
        let rt = connect()?;
        let project = session.specs.as_ref().map(|s| &s.project);
        let mut observed = observe(&rt, &session.name, project).await?;
        if !args.services.is_empty() {
            observed
                .containers
                .retain(|c| args.services.iter().any(|s| s == c.label(labels::SERVICE)));
        }
        let desired = match &session.specs {
            Some(specs) => Some(
                specs
                    .desired(&UpRequest::default(), &observed)
                    .map_err(|e| anyhow!("{e}"))?,
            ),
            None => None,
        };
        let mut images = Vec::new();
        if let Some(rmi) = &args.rmi {
            let Some(specs) = &session.specs else {
                bail!("--rmi needs the compose file to know which images the project uses");
            };
            for s in specs.project.services.values() {
                match rmi.as_str() {
                    "all" => images.push(convert::image_name(&specs.project.name, s)),
                    "local" => {
                        if s.image.is_empty() {
                            images.push(convert::image_name(&specs.project.name, s));
                        }
                    }
                    other => bail!("invalid --rmi {other:?}: use local or all"),
                }
            }
            let present = join_all(images.iter().map(|i| rt.inspect_image(i))).await;
            images = images
                .into_iter()
                .zip(present)
                .filter(|(_, p)| matches!(p, Ok(Some(_))))
                .map(|(i, _)| i)
                .collect();
        }
        let plan = if args.services.is_empty() {
            reconcile::plan_down(
                &session.name,
                desired.as_ref(),
                &observed,
                &DownOptions {
                    volumes: args.volumes,
                    remove_orphans: args.remove_orphans,
                    images,
                },
            )
        } else {
            // `down web` removes only web's containers (they come first in
            // the plan, so the ops kept still refer to each other correctly).
            let mut plan = reconcile::plan_down(
                &session.name,
                None,
                &observed,
                &DownOptions {
                    volumes: false,
                    remove_orphans: true,
                    images: vec![],
                },
            );
            plan.ops.retain(|op| op.action.service().is_some());
            plan
        };
        if global.dry_run {
            print_plan(&plan, "text")?;
            return Ok(ExitCode::SUCCESS);
        }
        for w in &plan.warnings {
            output::stderr_line(&format!("WARN[0000] {w}"));
        }
        let specs = session.specs.unwrap_or_else(|| ProjectSpecs {
            project: Project {
                name: session.name.clone(),
                ..Default::default()
            },
            meta: ProjectMeta::default(),
            api: (1, 41),
            images: BTreeMap::new(),
        });
        let opts = ApplyOptions {
            parallel: parallel(global),
            timeout: args.timeout,
            remove_volumes: args.volumes,
            sink: sink(),
            ..Default::default()
        };
        apply::apply(&rt, &specs, &plan, known_from(&observed), &opts)
            .await
            .map_err(|e| anyhow!("{e}"))?;
        Ok(ExitCode::SUCCESS)
    })
}

/// `ps`.
pub fn ps(global: &Global, args: &PsArgs) -> anyhow::Result<ExitCode> {
    block_on(async {
        let session = match load(global, &[], false)? {
            Ok(s) => s,
            Err(code) => return Ok(code),
        };
        let rt = connect()?;
        if let Some(specs) = &session.specs {
            for s in &args.services {
                if !specs.project.services.contains_key(s) {
                    bail!("no such service: {s}");
                }
            }
        }
        let mut cs = service_containers(&rt, &session.name, &args.services, true).await?;
        if !args.all && args.status.is_empty() {
            cs.retain(|c| {
                c.state == ContainerState::Running
                    || c.state == ContainerState::Restarting
                    || c.state == ContainerState::Paused
            });
        }
        if !args.status.is_empty() {
            cs.retain(|c| args.status.iter().any(|s| s == c.state.as_str()));
        }
        cs.sort_by(|a, b| a.name.cmp(&b.name));
        if args.list_services {
            let names: BTreeSet<&str> = cs.iter().map(|c| c.label(labels::SERVICE)).collect();
            for n in names {
                output::stdout(&format!("{n}\n"));
            }
            return Ok(ExitCode::SUCCESS);
        }
        if args.quiet {
            for c in &cs {
                output::stdout(&format!("{}\n", c.id));
            }
            return Ok(ExitCode::SUCCESS);
        }
        match args.format.as_str() {
            "json" => {
                for c in &cs {
                    output::stdout(&format!("{}\n", ps_json(c)));
                }
            }
            "table" => output::stdout(&ps_table(&cs, args.no_trunc)),
            other => bail!("unsupported format {other:?}: use table or json"),
        }
        Ok(ExitCode::SUCCESS)
    })
}

/// The PORTS column as the docker CLI prints it (`DisplayablePorts`): ports
/// sorted by container port, IP, host port, protocol; same-number mappings
/// grouped into ranges per IP and protocol, other mappings listed after them.
fn ports_text(c: &Container) -> String {
    let mut ports = c.ports.clone();
    ports.sort_by(|a, b| {
        a.private_port
            .cmp(&b.private_port)
            .then_with(|| a.ip.cmp(&b.ip))
            .then_with(|| a.public_port.cmp(&b.public_port))
            .then_with(|| a.protocol.cmp(&b.protocol))
    });
    let host = |ip: &str| {
        if ip.contains(':') {
            format!("[{ip}]")
        } else {
            ip.to_string()
        }
    };
    let mut keys: Vec<(String, String)> = Vec::new();
    let mut groups: BTreeMap<(String, String), (u16, u16)> = BTreeMap::new();
    let mut result = Vec::new();
    let mut mappings = Vec::new();
    let form = |(ip, proto): &(String, String), first: u16, last: u16| {
        let range = if first == last {
            first.to_string()
        } else {
            format!("{first}-{last}")
        };
        if ip.is_empty() {
            format!("{range}/{proto}")
        } else {
            format!("{ip}:{range}->{range}/{proto}")
        }
    };
    for p in &ports {
        let key = if p.ip.is_empty() {
            (String::new(), p.protocol.clone())
        } else {
            if p.public_port != p.private_port {
                mappings.push(format!(
                    "{}:{}->{}/{}",
                    host(&p.ip),
                    p.public_port,
                    p.private_port,
                    p.protocol
                ));
                continue;
            }
            (host(&p.ip), p.protocol.clone())
        };
        match groups.get_mut(&key) {
            None => {
                groups.insert(key.clone(), (p.private_port, p.private_port));
                keys.push(key);
            }
            Some(g) if p.private_port == g.1.wrapping_add(1) => g.1 = p.private_port,
            Some(g) if p.private_port == g.1 => {}
            Some(g) => {
                result.push(form(&key, g.0, g.1));
                *g = (p.private_port, p.private_port);
            }
        }
    }
    for key in &keys {
        let g = groups[key];
        result.push(form(key, g.0, g.1));
    }
    result.extend(mappings);
    result.join(", ")
}

fn go_time(secs: i64) -> String {
    // civil date from days since the epoch (Howard Hinnant's algorithm)
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02} +0000 UTC",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

fn ps_json(c: &Container) -> String {
    let labels: Vec<String> = c.labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let mut ports = c.ports.clone();
    ports.sort_by(|a, b| {
        (a.private_port, &a.ip, a.public_port, &a.protocol).cmp(&(
            b.private_port,
            &b.ip,
            b.public_port,
            &b.protocol,
        ))
    });
    let publishers: Vec<serde_json::Value> = ports
        .iter()
        .map(|p| {
            serde_json::json!({"URL": p.ip, "TargetPort": p.private_port, "PublishedPort": p.public_port, "Protocol": p.protocol})
        })
        .collect();
    let mounts: Vec<&str> = c
        .mounts
        .iter()
        .map(|m| {
            if m.name.is_empty() {
                m.source.as_str()
            } else {
                m.name.as_str()
            }
        })
        .collect();
    let v = serde_json::json!({
        "Command": format!("\"{}\"", c.command),
        "CreatedAt": go_time(c.created),
        "ExitCode": c.exit_code().unwrap_or(0),
        "Health": match c.health() {
            compose_engine::runtime::Health::None => "",
            compose_engine::runtime::Health::Starting => "starting",
            compose_engine::runtime::Health::Healthy => "healthy",
            compose_engine::runtime::Health::Unhealthy => "unhealthy",
        },
        "ID": &c.id[..c.id.len().min(12)],
        "Image": c.image,
        "Labels": labels.join(","),
        "LocalVolumes": c.mounts.iter().filter(|m| m.kind == "volume").count().to_string(),
        "Mounts": mounts.join(","),
        "Name": c.name,
        "Names": c.name,
        "Networks": c.networks.keys().cloned().collect::<Vec<_>>().join(","),
        "Ports": ports_text(c),
        "Project": c.label(labels::PROJECT),
        "Publishers": publishers,
        "RunningFor": ago(c.created),
        "Service": c.label(labels::SERVICE),
        "Size": "0B",
        "State": c.state.as_str(),
        "Status": c.status,
    });
    compose_spec::gocompat::json::to_string(&v)
}

fn ago(created: i64) -> String {
    let secs = (now_secs() - created).max(0);
    match secs {
        0..=1 => "1 second ago".into(),
        2..=59 => format!("{secs} seconds ago"),
        60..=119 => "About a minute ago".into(),
        120..=3599 => format!("{} minutes ago", secs / 60),
        3600..=7199 => "About an hour ago".into(),
        7200..=172_799 => format!("{} hours ago", secs / 3600),
        _ => format!("{} days ago", secs / 86400),
    }
}

fn ps_table(cs: &[Container], no_trunc: bool) -> String {
    let mut rows = vec![[
        "NAME".to_string(),
        "IMAGE".into(),
        "COMMAND".into(),
        "SERVICE".into(),
        "CREATED".into(),
        "STATUS".into(),
        "PORTS".into(),
    ]];
    for c in cs {
        let mut cmd = c.command.clone();
        if !no_trunc && cmd.chars().count() > 20 {
            cmd = format!("{}…", cmd.chars().take(19).collect::<String>());
        }
        rows.push([
            c.name.clone(),
            c.image.clone(),
            format!("\"{cmd}\""),
            c.label(labels::SERVICE).to_string(),
            ago(c.created),
            c.status.clone(),
            ports_text(c),
        ]);
    }
    let mut widths = [0usize; 7];
    for r in &rows {
        for (i, cell) in r.iter().enumerate() {
            widths[i] = widths[i].max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for r in &rows {
        let mut line = String::new();
        for (i, cell) in r.iter().enumerate() {
            if i == 6 {
                line.push_str(cell);
            } else {
                line.push_str(cell);
                line.push_str(&" ".repeat(widths[i] - cell.chars().count() + 3));
            }
        }
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// `logs`.
pub fn logs(global: &Global, args: &LogsArgs) -> anyhow::Result<ExitCode> {
    block_on(async {
        let session = match load(global, &[], false)? {
            Ok(s) => s,
            Err(code) => return Ok(code),
        };
        let rt = connect()?;
        let cs = service_containers(&rt, &session.name, &args.services, false).await?;
        let color = output::color_stdout(args.no_color);
        let width = cs.iter().map(|c| log_name(c).len()).max().unwrap_or(0);
        let opts = compose_engine::runtime::LogOptions {
            follow: args.follow,
            tail: (args.tail != "all").then(|| args.tail.clone()),
            timestamps: args.timestamps,
            since: args.since.clone(),
            until: args.until.clone(),
        };
        let streams = cs.iter().enumerate().map(|(i, c)| {
            let p = prefix(&log_name(c), width, i, color, args.no_log_prefix);
            follow_logs(&rt, c.id.clone(), log_name(c), p, opts.clone(), false)
        });
        tokio::select! {
            _ = join_all(streams) => {}
            _ = tokio::signal::ctrl_c() => {}
        }
        Ok(ExitCode::SUCCESS)
    })
}

/// Which simple lifecycle command to run on each selected container.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lifecycle {
    /// `start`.
    Start,
    /// `stop`.
    Stop,
    /// `restart`.
    Restart,
    /// `pause`.
    Pause,
    /// `unpause`.
    Unpause,
}

/// `start`, `stop`, `restart`, `pause`, `unpause`: in dependency order
/// (dependencies first to start, dependents first to stop).
pub fn lifecycle(
    global: &Global,
    args: &ServicesArgs,
    what: Lifecycle,
) -> anyhow::Result<ExitCode> {
    block_on(async {
        let session = match load(global, &[], what != Lifecycle::Start)? {
            Ok(s) => s,
            Err(code) => return Ok(code),
        };
        let rt = connect()?;
        let cs = service_containers(&rt, &session.name, &args.services, false).await?;
        let layers: Vec<Vec<String>> = match &session.specs {
            Some(specs) => Graph::new(&specs.project)
                .map_err(|e| anyhow!("{e}"))?
                .layers(),
            None => vec![cs
                .iter()
                .map(|c| c.label(labels::SERVICE).to_string())
                .collect()],
        };
        let mut layers = layers;
        if matches!(what, Lifecycle::Stop | Lifecycle::Pause) {
            layers.reverse();
        }
        if what == Lifecycle::Start {
            for s in &args.services {
                if !cs.iter().any(|c| c.label(labels::SERVICE) == s) {
                    bail!("service {s:?} has no container to start: run `hoist up` or `hoist create` first");
                }
            }
        }
        let timeout = args.timeout;
        for layer in layers {
            let batch: Vec<&Container> = cs
                .iter()
                .filter(|c| layer.iter().any(|s| s == c.label(labels::SERVICE)))
                .filter(|c| match what {
                    Lifecycle::Start => c.state != ContainerState::Running,
                    Lifecycle::Stop => {
                        c.state == ContainerState::Running || c.state == ContainerState::Paused
                    }
                    Lifecycle::Pause => c.state == ContainerState::Running,
                    Lifecycle::Unpause => c.state == ContainerState::Paused,
                    Lifecycle::Restart => true,
                })
                .collect();
            let (w, d) = match what {
                Lifecycle::Start => ("Starting", "Started"),
                Lifecycle::Stop => ("Stopping", "Stopped"),
                Lifecycle::Restart => ("Restarting", "Started"),
                Lifecycle::Pause => ("Pausing", "Paused"),
                Lifecycle::Unpause => ("Unpausing", "Unpaused"),
            };
            let rt = &rt;
            each_container(&batch, w, d, |c| async move {
                match what {
                    Lifecycle::Start => rt.start_container(&c.id).await,
                    Lifecycle::Stop => rt.stop_container(&c.id, timeout).await,
                    Lifecycle::Restart => rt.restart_container(&c.id, timeout).await,
                    Lifecycle::Pause => rt.pause_container(&c.id).await,
                    Lifecycle::Unpause => rt.unpause_container(&c.id).await,
                }
            })
            .await?;
        }
        Ok(ExitCode::SUCCESS)
    })
}

/// Runs `action` on every container concurrently, with compose's progress
/// lines (`Container x  Stopping` … `Stopped`); the first failure is returned,
/// naming the container.
async fn each_container<'a, F, Fut>(
    containers: &[&'a Container],
    working: &str,
    done: &str,
    action: F,
) -> anyhow::Result<()>
where
    F: Fn(&'a Container) -> Fut,
    Fut: std::future::Future<Output = compose_engine::runtime::Result<()>>,
{
    let results = join_all(containers.iter().map(|c| {
        let run = action(c);
        async move {
            let resource = format!("Container {}", c.name);
            output::progress(&Event {
                resource: resource.clone(),
                status: apply::Status::Working,
                text: working.into(),
            });
            run.await
                .map_err(|e| anyhow!("container {}: {e}", c.name))?;
            output::progress(&Event {
                resource,
                status: apply::Status::Done,
                text: done.into(),
            });
            Ok::<(), anyhow::Error>(())
        }
    }))
    .await;
    results.into_iter().collect()
}

/// `kill`.
pub fn kill(global: &Global, args: &KillArgs) -> anyhow::Result<ExitCode> {
    block_on(async {
        let session = match load(global, &[], false)? {
            Ok(s) => s,
            Err(code) => return Ok(code),
        };
        let rt = connect()?;
        let cs = service_containers(&rt, &session.name, &args.services, false).await?;
        let running: Vec<&Container> = cs
            .iter()
            .filter(|c| c.state == ContainerState::Running)
            .collect();
        if running.is_empty() {
            output::stderr_line("no container to kill");
            return Ok(ExitCode::SUCCESS);
        }
        let rt = &rt;
        each_container(&running, "Killing", "Killed", |c| async move {
            rt.kill_container(&c.id, &args.signal).await
        })
        .await?;
        Ok(ExitCode::SUCCESS)
    })
}

/// `rm`: stopped containers (running ones too with `-s`).
pub fn rm(global: &Global, args: &RmArgs) -> anyhow::Result<ExitCode> {
    block_on(async {
        let session = match load(global, &[], false)? {
            Ok(s) => s,
            Err(code) => return Ok(code),
        };
        let rt = connect()?;
        let cs = service_containers(&rt, &session.name, &args.services, false).await?;
        if args.stop {
            join_all(
                cs.iter()
                    .filter(|c| c.state == ContainerState::Running)
                    .map(|c| rt.stop_container(&c.id, None)),
            )
            .await;
        }
        let cs = service_containers(&rt, &session.name, &args.services, false).await?;
        let stopped: Vec<&Container> = cs
            .iter()
            .filter(|c| c.state != ContainerState::Running && c.state != ContainerState::Paused)
            .collect();
        if stopped.is_empty() {
            output::stderr_line("No stopped containers");
            return Ok(ExitCode::SUCCESS);
        }
        if !args.force {
            let names: Vec<&str> = stopped.iter().map(|c| c.name.as_str()).collect();
            output::stderr_line(&format!("Going to remove {}", names.join(", ")));
            if !std::io::IsTerminal::is_terminal(&std::io::stdin()) {
                bail!("refusing to remove without confirmation: pass -f");
            }
            eprint_prompt("Are you sure? [yN] ");
            let mut answer = String::new();
            std::io::stdin()
                .read_line(&mut answer)
                .context("reading the answer")?;
            if !matches!(answer.trim(), "y" | "Y" | "yes") {
                return Ok(ExitCode::SUCCESS);
            }
        }
        let rt = &rt;
        each_container(&stopped, "Removing", "Removed", |c| async move {
            rt.remove_container(&c.id, false, args.volumes).await
        })
        .await?;
        Ok(ExitCode::SUCCESS)
    })
}

fn eprint_prompt(s: &str) {
    output::stderr_prompt(s);
}

/// `scale`: `up -d` with `--scale` for the named services.
pub fn scale(global: &Global, args: &ScaleArgs) -> anyhow::Result<ExitCode> {
    let pairs = parse_scale(&args.scale)?;
    let up = UpArgs {
        services: pairs.keys().cloned().collect(),
        detach: true,
        scale: args.scale.clone(),
        no_deps: args.no_deps,
        ..Default::default()
    };
    self::up(global, &up, false)
}
