//! Argument groups shared by several commands (as cargo's command prelude):
//! `up`, `create` and `plan` take the same convergence flags, and the values
//! some flags take are clap `ValueEnum`s.

use clap::{Args, ValueEnum};
use compose_engine::images::ImagePolicy;
use compose_engine::up::{parse_scale, UpFlags};

use crate::session::Session;

/// Flags of `up` (and `create`, `plan`).
#[derive(Debug, Clone, Args, Default)]
pub struct UpArgs {
    /// Services to start (and their dependencies)
    #[arg(add = crate::complete::service_names())]
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
    /// Plan output format (`plan`): text or json
    #[arg(long, value_enum, default_value_t = PlanFormat::Text)]
    pub format: PlanFormat,
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
    /// Recreate anonymous volumes instead of retrieving data from the previous containers
    #[arg(short = 'V', long)]
    pub renew_anon_volumes: bool,
    /// Restrict attaching to the specified services. Incompatible with --attach-dependencies.
    #[arg(long, value_name = "SERVICE", add = crate::complete::service_names())]
    pub attach: Vec<String>,
    /// Do not attach (stream logs) to the specified services
    #[arg(long, value_name = "SERVICE", add = crate::complete::service_names())]
    pub no_attach: Vec<String>,
    /// Automatically attach to log output of dependent services
    #[arg(long)]
    pub attach_dependencies: bool,
    /// Stops all containers if any container was stopped. Incompatible with -d
    #[arg(long)]
    pub abort_on_container_exit: bool,
    /// Stops all containers if any container exited with failure. Incompatible with -d
    #[arg(long)]
    pub abort_on_container_failure: bool,
    /// Return the exit code of the selected service container. Implies --abort-on-container-exit
    #[arg(long, value_name = "SERVICE", add = crate::complete::service_names())]
    pub exit_code_from: Option<String>,
    /// Suppress the build output
    #[arg(long)]
    pub quiet_build: bool,
    /// Watch source code and rebuild/refresh containers when files are updated.
    #[arg(short = 'w', long)]
    pub watch: bool,
    /// Enable interactive shortcuts when running attached. Incompatible with --detach. Can also be enable/disable by setting COMPOSE_MENU environment var.
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true")]
    pub menu: Option<bool>,
    /// Assume "yes" as answer to all prompts and run non-interactively
    #[arg(short = 'y', long)]
    pub yes: bool,
}

impl UpArgs {
    /// compose's `validateFlags`: the combinations it refuses, and what some
    /// flags imply (`--exit-code-from` → `--abort-on-container-exit`,
    /// `--wait` → detached).
    pub fn validate(&mut self) -> anyhow::Result<()> {
        if self.exit_code_from.is_some() && !self.abort_on_container_failure {
            self.abort_on_container_exit = true;
        }
        if self.abort_on_container_exit && self.abort_on_container_failure {
            anyhow::bail!(
                "--abort-on-container-failure cannot be combined with --abort-on-container-exit"
            );
        }
        if self.wait {
            if self.attach_dependencies || self.abort_on_container_exit || !self.attach.is_empty() {
                anyhow::bail!("--wait cannot be combined with --abort-on-container-exit, --attach or --attach-dependencies");
            }
            self.detach = true;
        }
        if self.detach
            && (self.attach_dependencies
                || self.abort_on_container_exit
                || self.abort_on_container_failure
                || !self.attach.is_empty()
                || self.watch)
        {
            anyhow::bail!("--detach cannot be combined with --abort-on-container-exit, --abort-on-container-failure, --attach, --attach-dependencies or --watch");
        }
        if self.renew_anon_volumes && self.no_recreate {
            anyhow::bail!("--no-recreate and --renew-anon-volumes are incompatible");
        }
        if self.always_recreate_deps && self.no_recreate {
            anyhow::bail!("--always-recreate-deps and --no-recreate are incompatible");
        }
        if self.no_build && self.watch {
            anyhow::bail!("--no-build and --watch are incompatible");
        }
        Ok(())
    }
}

impl UpArgs {
    /// The engine's view of these flags; `COMPOSE_REMOVE_ORPHANS` and
    /// `COMPOSE_IGNORE_ORPHANS` read as compose reads them (an explicit
    /// `--remove-orphans` wins; ignoring and removing cannot be combined).
    pub fn flags(&self, session: &Session) -> anyhow::Result<UpFlags> {
        let remove_orphans = self.remove_orphans || session.env_switch("COMPOSE_REMOVE_ORPHANS");
        let ignore_orphans = session.env_switch("COMPOSE_IGNORE_ORPHANS");
        if remove_orphans && ignore_orphans {
            anyhow::bail!("cannot combine COMPOSE_IGNORE_ORPHANS and --remove-orphans");
        }
        Ok(UpFlags {
            services: self.services.clone(),
            no_deps: self.no_deps,
            resources_only: false,
            scale: parse_scale(&self.scale)?,
            force_recreate: self.force_recreate,
            no_recreate: self.no_recreate,
            always_recreate_deps: self.always_recreate_deps,
            remove_orphans,
            ignore_orphans,
            no_start: self.no_start,
            wait: self.wait,
            wait_timeout: self.wait_timeout.map(std::time::Duration::from_secs),
            timeout: self.timeout,
            renew_anon_volumes: self.renew_anon_volumes,
            images: ImagePolicy {
                build: self.build,
                no_build: self.no_build,
                pull: self.pull.clone(),
                quiet_pull: self.quiet_pull,
                quiet_build: self.quiet_build,
            },
            parallel: session.parallel(),
        })
    }
}

/// `plan --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum PlanFormat {
    /// One operation a line, with its cause.
    #[default]
    Text,
    /// The plan as JSON.
    Json,
}

/// `config --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ConfigFormat {
    /// YAML, as `docker compose config`.
    Yaml,
    /// JSON.
    Json,
}

/// `down --rmi`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Rmi {
    /// Only images without a custom tag.
    Local,
    /// Every image the services use.
    All,
}

impl From<Rmi> for compose_engine::project::Rmi {
    fn from(r: Rmi) -> Self {
        match r {
            Rmi::Local => compose_engine::project::Rmi::Local,
            Rmi::All => compose_engine::project::Rmi::All,
        }
    }
}
