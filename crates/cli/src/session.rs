//! What every engine command starts with: the project (loaded from the
//! compose files, or known only by name when they are gone and the command
//! can work from labels), the engine connection, and the shared rules (which
//! services exist, the project's containers, `--parallel`, the `COMPOSE_*`
//! switches).
//!
//! [`Session::engine`] is the one place a command gets an engine it can
//! write to. Under `--dry-run` it hands out a dry run of the engine, which
//! holds the engine only as a read-only observer: no command can change
//! anything in a dry run, whether or not it thinks of `--dry-run`.
//! [`Session::observer`] gives `plan` an engine that has no write methods.

use std::process::ExitCode;

use anyhow::Context as _;
use compose_engine::convert::ProjectMeta;
use compose_engine::desired::ProjectSpecs;
use compose_engine::model::Project;
use compose_engine::runtime::docker::Docker;
use compose_engine::runtime::dryrun::Connection;
use compose_engine::runtime::{Container, Observe, ReadOnly};

use crate::cli::Global;
use crate::output;

/// The engine a command writes through: live, or a dry run (`--dry-run`).
pub type Engine = Connection<Docker>;

/// An error already shown to the user (diagnostics): exit with this code and
/// print nothing more.
#[derive(Debug)]
pub struct Reported(pub ExitCode);

impl std::fmt::Display for Reported {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("reported")
    }
}

impl std::error::Error for Reported {}

/// A command's view of the project.
pub struct Session {
    /// The global flags.
    pub global: Global,
    /// The project name.
    pub name: String,
    /// The loaded project; `None` when working from labels.
    pub specs: Option<ProjectSpecs>,
    /// The environment the project is read with: the process's, then `.env`'s.
    environment: std::collections::BTreeMap<String, String>,
}

/// Whether the compose files must exist.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// The command needs the model (`up`, `build`, ...).
    File,
    /// The command needs the model and creates containers (`up`, `create`,
    /// `scale`): values the engine would refuse ([`compose_spec::Code::EngineRejects`],
    /// only warnings for `config`) are errors, found before anything is sent.
    FileToCreate,
    /// The command can work from labels when the name is known (`-p` or
    /// `COMPOSE_PROJECT_NAME`) and no file is found (`down`, `ps`, `stop`, ...).
    FileOrName,
}

impl Session {
    /// Loads the project for `services` (the loader's service selection:
    /// profiles of the named services are enabled). Diagnostics are printed;
    /// errors among them end the command ([`Reported`]).
    pub fn load(global: &Global, services: &[String], need: Need) -> anyhow::Result<Session> {
        Session::load_with(global, services, need, |_| {})
    }

    /// [`Session::load`] with the load options adjusted by `adjust` (`publish`
    /// keeps the services' `env_file` entries, which compose's checks look at).
    pub fn load_with(
        global: &Global,
        services: &[String],
        need: Need,
        adjust: impl FnOnce(&mut compose_spec::loader::LoadOptions),
    ) -> anyhow::Result<Session> {
        let mut opts = global.load_options()?;
        adjust(&mut opts);
        opts.services = services.to_vec();
        let mut loaded = compose_spec::loader::load(&opts);
        if need == Need::FileToCreate {
            for d in &mut loaded.diagnostics {
                if d.code == compose_spec::Code::EngineRejects {
                    d.severity = compose_spec::diag::Severity::Error;
                }
            }
        }
        let environment: std::collections::BTreeMap<String, String> = loaded
            .environment
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let no_file = loaded
            .diagnostics
            .iter()
            .any(|d| d.code == compose_spec::Code::NoConfigFile);
        if need == Need::FileOrName {
            // As compose's `projectOrName`: `-p NAME` without `-f` works from
            // the labels, whatever compose file is around; so does a missing
            // file when the name is known from `COMPOSE_PROJECT_NAME`.
            let name = match (&global.project_name, global.file.is_empty()) {
                (Some(name), true) => Some(name.clone()),
                _ if no_file => std::env::var("COMPOSE_PROJECT_NAME").ok(),
                _ => None,
            };
            if let Some(name) = name {
                return Ok(Session {
                    global: global.clone(),
                    name: compose_spec::loader::normalize_project_name(&name),
                    specs: None,
                    environment,
                });
            }
        }
        // compose's `--compatibility`/`COMPOSE_COMPATIBILITY` (the process's
        // environment, then `.env`): docker-compose v1's `_` in names.
        let compatibility = global.compatibility
            || std::env::var("COMPOSE_COMPATIBILITY")
                .ok()
                .or_else(|| environment.get("COMPOSE_COMPATIBILITY").cloned())
                .is_some_and(|v| go_bool(&v));
        compose_engine::naming::set_compatibility(compatibility);
        output::diagnostics(&loaded.diagnostics, &loaded.sources);
        let mut project = match loaded.project.clone() {
            Some(p) if !loaded.has_errors() => p,
            _ => return Err(Reported(ExitCode::from(1)).into()),
        };
        // Services left out by profiles or by naming others are still the
        // project's: their containers are not orphans (compose-go keeps them
        // as disabled services).
        for name in &loaded.all_services {
            if !project.services.contains_key(name) {
                let s = compose_engine::model::ServiceConfig {
                    name: name.clone(),
                    ..Default::default()
                };
                project
                    .disabled_services
                    .entry(name.clone())
                    .or_insert_with(|| Box::new(s));
            }
        }
        let cwd = std::env::current_dir()?;
        let env_files: Vec<String> = global
            .env_files()
            .iter()
            .map(|p| cwd.join(p).to_string_lossy().into_owned())
            .collect();
        let meta = ProjectMeta::from_loaded(&loaded, &env_files);
        Ok(Session {
            global: global.clone(),
            name: project.name.clone(),
            environment,
            specs: Some(ProjectSpecs {
                project,
                meta,
                api: (1, 41),
                ..Default::default()
            }),
        })
    }

    /// The loaded project (`Need::File` sessions always have one).
    pub fn project(&self) -> Option<&Project> {
        self.specs.as_ref().map(|s| &s.project)
    }

    /// The loaded project, for commands that asked for [`Need::File`].
    pub fn require_project(&self) -> anyhow::Result<&Project> {
        self.project()
            .context("this command needs the compose file, and none was found")
    }

    /// The project and what create bodies need, for commands that asked for a file.
    pub fn require_specs(&self) -> anyhow::Result<ProjectSpecs> {
        self.specs
            .clone()
            .context("this command needs the compose file, and none was found")
    }

    /// The engine to act on: a dry run of it under `--dry-run`.
    pub fn engine(&self) -> anyhow::Result<Engine> {
        Ok(Connection::new(connect()?, self.global.dry_run))
    }

    /// The engine, read-only: for commands that only look (`plan`, `ps`, `logs`).
    pub fn observer(&self) -> anyhow::Result<ReadOnly<Docker>> {
        Ok(ReadOnly(connect()?))
    }

    /// `no such service: x` when a named service is not in the project (only
    /// checked with a compose file; from labels every name is taken as given).
    pub fn check_services(&self, services: &[String]) -> anyhow::Result<()> {
        if let Some(p) = self.project() {
            compose_engine::project::check_services(p, services)?;
        }
        Ok(())
    }

    /// The project's containers of `services` (all when empty), one-off ones
    /// only with `oneoff`, sorted by service and replica number.
    pub async fn containers<O: Observe>(
        &self,
        rt: &O,
        services: &[String],
        oneoff: bool,
    ) -> anyhow::Result<Vec<Container>> {
        Ok(compose_engine::project::containers(rt, &self.name, services, oneoff).await?)
    }

    /// The running container of `service` a command like `exec` or `attach`
    /// acts on: replica `index`, else the first (one-off ones last).
    pub async fn running_container<O: Observe>(
        &self,
        rt: &O,
        service: &str,
        index: Option<u32>,
    ) -> anyhow::Result<Container> {
        Ok(
            compose_engine::project::container_at(rt, &self.name, service, index, true, false)
                .await?,
        )
    }

    /// `--parallel`: at most this many operations at a time, 0 for no limit.
    pub fn parallel(&self) -> usize {
        usize::try_from(self.global.parallel().unwrap_or(-1)).unwrap_or(0)
    }

    /// A variable of the project's environment (the process's, then `.env`'s),
    /// for `-e KEY` without a value.
    pub fn lookup_env(&self, key: &str) -> Option<String> {
        self.environment.get(key).cloned()
    }

    /// A `COMPOSE_*` switch as compose reads it: from the process environment,
    /// else from `.env` (compose copies `.env`'s `COMPOSE_*` variables into its
    /// environment), with Go's boolean parsing plus `y`.
    pub fn env_switch(&self, key: &str) -> bool {
        let value = std::env::var(key)
            .ok()
            .or_else(|| self.environment.get(key).cloned());
        value.is_some_and(|v| go_bool(&v))
    }
}

/// compose's `utils.StringToBool`: `y`, or what Go's `strconv.ParseBool`
/// takes as true (`1`, `t`, `true`, any case), after trimming; anything else is false.
pub fn go_bool(s: &str) -> bool {
    matches!(s.trim().to_lowercase().as_str(), "y" | "1" | "t" | "true")
}

/// The engine for a command that writes without a project (`stack rm`):
/// a dry run under `--dry-run`, as [`Session::engine`].
pub fn engine_without_project(global: &Global) -> anyhow::Result<Engine> {
    Ok(Connection::new(connect()?, global.dry_run))
}

/// A read-only engine for commands that have no session (`config
/// --resolve-image-digests` asks registries through it).
pub fn observer(_global: &Global) -> anyhow::Result<ReadOnly<Docker>> {
    Ok(ReadOnly(connect()?))
}

/// The engine, as the docker CLI finds it (`DOCKER_HOST`, contexts, TLS,
/// ssh); a broken docker config is said once, as a warning.
fn connect() -> anyhow::Result<Docker> {
    let docker = Docker::connect()?;
    for w in docker.warnings() {
        output::stderr_line(&format!("WARN[0000] {w}"));
    }
    Ok(docker)
}

/// Runs a command's async body on a runtime of its own.
pub fn block_on<F: std::future::Future<Output = anyhow::Result<ExitCode>>>(
    f: F,
) -> anyhow::Result<ExitCode> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    rt.block_on(f)
}

/// Resolves once the process is asked to stop: Ctrl-C (SIGINT) or SIGTERM.
pub async fn interrupted() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let mut term = match signal(SignalKind::terminate()) {
            Ok(s) => s,
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
                return;
            }
        };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

#[cfg(test)]
mod tests {
    use super::go_bool;

    #[test]
    fn booleans_as_compose_reads_them() {
        for t in ["1", "t", "T", "true", "TRUE", "True", " true ", "y", "Y"] {
            assert!(go_bool(t), "{t:?}");
        }
        for f in ["0", "f", "false", "FALSE", "", "yes", "no", "on", "2", "n"] {
            assert!(!go_bool(f), "{f:?}");
        }
    }
}
