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
    #[arg(long, default_value_t = true, action = ArgAction::Set, num_args = 0..=1, require_equals = true, default_missing_value = "true")]
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
    lock(&session.name).map_err(|e| {
        anyhow::anyhow!(
            "cannot take exclusive lock for project {:?}: {e}",
            session.name
        )
    })?;
    block_on(async {
        let rt = session.engine()?;
        let mut specs = session.require_specs()?;
        let options = HandleOptions {
            quiet: args.quiet,
            parallel: session.parallel(),
            cancel: None,
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
            .run(&rt, &specs, &watching, &options, &log, &|_| {}, stop())
            .await;
        // Only Ctrl-C (or SIGTERM) ends watching: compose exits 130 then.
        Ok(ExitCode::from(130))
    })
}

/// Where compose keeps its per-project pid files (`locker.runDir`):
/// `$XDG_RUNTIME_DIR`, else `run/user/<uid>` when it exists (relative, as
/// compose has it), else `~/.docker/docker-compose`.
fn run_dir() -> std::io::Result<std::path::PathBuf> {
    if let Some(run) = std::env::var_os("XDG_RUNTIME_DIR") {
        return Ok(run.into());
    }
    let uid = std::fs::metadata("/proc/self").map(|m| std::os::unix::fs::MetadataExt::uid(&m))?;
    let run = std::path::PathBuf::from(format!("run/user/{uid}"));
    if run.exists() {
        return Ok(run);
    }
    let home =
        std::env::var_os("HOME").ok_or_else(|| std::io::Error::other("$HOME is not defined"))?;
    let path = std::path::Path::new(&home)
        .join(".docker")
        .join("docker-compose");
    std::fs::create_dir_all(&path)?;
    Ok(path)
}

/// compose's exclusive lock on a project while it is watched (moby's
/// `pidfile.Write` of `<run dir>/<project>.pid`): refused while the pid
/// written there is a live process, so `hoist watch` and `docker compose
/// watch` exclude each other. The directory is not made (compose's error
/// names the file then); the file is left behind, as compose does.
fn lock(project: &str) -> std::io::Result<()> {
    let path = run_dir()?.join(format!("{project}.pid"));
    match std::fs::read_to_string(&path) {
        Ok(text) => {
            let pid: u32 = text.trim().parse().map_err(|_| {
                std::io::Error::other(format!(
                    "strconv.Atoi: parsing {:?}: invalid syntax",
                    text.trim()
                ))
            })?;
            if pid != std::process::id() && std::path::Path::new(&format!("/proc/{pid}")).exists() {
                return Err(std::io::Error::other(format!(
                    "process with PID {pid} is still running"
                )));
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(e),
    }
    std::fs::write(&path, std::process::id().to_string()).map_err(|e| {
        let why = match e.kind() {
            std::io::ErrorKind::NotFound => "no such file or directory".to_string(),
            std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
            _ => e.to_string(),
        };
        std::io::Error::other(format!("open {}: {why}", path.display()))
    })
}

/// Resolves at Ctrl-C (or SIGTERM); a second one quits at once, while a
/// rebuild in flight finishes its operations.
async fn stop() {
    interrupted().await;
    tokio::spawn(async {
        interrupted().await;
        std::process::exit(130);
    });
}
