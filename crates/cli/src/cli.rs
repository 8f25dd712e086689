//! Command-line arguments: the global flags and subcommands of `docker compose`.

use crate::config::ConfigArgs;
use crate::engine::{
    DownArgs, KillArgs, Lifecycle, LogsArgs, PsArgs, RmArgs, ScaleArgs, ServicesArgs, UpArgs,
};
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

/// Global flags, shared by every command.
#[derive(Debug, Clone, Args)]
pub struct Global {
    /// Compose configuration files
    #[arg(short = 'f', long = "file", global = true)]
    pub file: Vec<PathBuf>,
    /// Project name
    #[arg(short = 'p', long = "project-name", global = true)]
    pub project_name: Option<String>,
    /// Specify an alternate working directory (default: the path of the first specified Compose file)
    #[arg(long = "project-directory", global = true)]
    pub project_directory: Option<PathBuf>,
    /// Specify an alternate environment file
    #[arg(long = "env-file", global = true)]
    pub env_file: Vec<PathBuf>,
    /// Specify a profile to enable
    #[arg(long = "profile", global = true)]
    pub profile: Vec<String>,
    /// Control when to print ANSI control characters ("never"|"always"|"auto")
    #[arg(long = "ansi", global = true, default_value = "auto")]
    pub ansi: String,
    /// Set type of progress output (auto, tty, plain, json, quiet)
    #[arg(long = "progress", global = true)]
    pub progress: Option<String>,
    /// Control max parallelism, -1 for unlimited
    #[arg(long = "parallel", global = true, default_value_t = -1, allow_hyphen_values = true)]
    pub parallel: i64,
    /// Execute command in dry run mode
    #[arg(long = "dry-run", global = true)]
    pub dry_run: bool,
    /// Run compose in backward compatibility mode
    #[arg(long = "compatibility", global = true)]
    pub compatibility: bool,
    /// Include all resources, even those not used by services
    #[arg(long = "all-resources", global = true)]
    pub all_resources: bool,
}

/// hoist: define and run multi-container applications, compatible with Docker Compose.
#[derive(Debug, Parser)]
#[command(name = "hoist", version, about)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Parse, resolve and render compose file in canonical format
    Config(ConfigArgs),
    /// Create and start containers
    Up(UpArgs),
    /// Show what `up` would do, and why, without changing anything
    Plan(UpArgs),
    /// Creates containers for a service
    Create(UpArgs),
    /// Stop and remove containers, networks
    Down(DownArgs),
    /// List containers
    Ps(PsArgs),
    /// View output from containers
    Logs(LogsArgs),
    /// Start services
    Start(ServicesArgs),
    /// Stop services
    Stop(ServicesArgs),
    /// Restart service containers
    Restart(ServicesArgs),
    /// Pause services
    Pause(ServicesArgs),
    /// Unpause services
    Unpause(ServicesArgs),
    /// Force stop service containers
    Kill(KillArgs),
    /// Removes stopped service containers
    Rm(RmArgs),
    /// Scale services
    Scale(ScaleArgs),
    /// Build or rebuild services
    Build(crate::build::BuildArgs),
    /// Pull service images
    Pull(crate::images::PullArgs),
    /// Push service images
    Push(crate::images::PushArgs),
    /// Show the hoist version information
    Version,
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Config(args) => crate::config::run(&cli.global, &args),
        Command::Up(args) => crate::engine::up(&cli.global, &args, false),
        Command::Plan(args) => crate::engine::up(&cli.global, &args, true),
        Command::Create(mut args) => {
            args.no_start = true;
            args.detach = true;
            crate::engine::up(&cli.global, &args, false)
        }
        Command::Down(args) => crate::engine::down(&cli.global, &args),
        Command::Ps(args) => crate::engine::ps(&cli.global, &args),
        Command::Logs(args) => crate::engine::logs(&cli.global, &args),
        Command::Start(args) => crate::engine::lifecycle(&cli.global, &args, Lifecycle::Start),
        Command::Stop(args) => crate::engine::lifecycle(&cli.global, &args, Lifecycle::Stop),
        Command::Restart(args) => crate::engine::lifecycle(&cli.global, &args, Lifecycle::Restart),
        Command::Pause(args) => crate::engine::lifecycle(&cli.global, &args, Lifecycle::Pause),
        Command::Unpause(args) => crate::engine::lifecycle(&cli.global, &args, Lifecycle::Unpause),
        Command::Kill(args) => crate::engine::kill(&cli.global, &args),
        Command::Rm(args) => crate::engine::rm(&cli.global, &args),
        Command::Scale(args) => crate::engine::scale(&cli.global, &args),
        Command::Build(args) => crate::build::run(&cli.global, &args),
        Command::Pull(args) => crate::images::pull(&cli.global, &args),
        Command::Push(args) => crate::images::push(&cli.global, &args),
        Command::Version => {
            crate::output::stdout(&format!("hoist version {}\n", env!("CARGO_PKG_VERSION")));
            Ok(ExitCode::SUCCESS)
        }
    }
}

impl Global {
    /// Load options from the flags and the process environment.
    pub fn load_options(&self) -> anyhow::Result<compose_spec::loader::LoadOptions> {
        let cwd = std::env::current_dir()?;
        let mut o = compose_spec::loader::LoadOptions::new(cwd);
        o.files = self.file.clone();
        o.project_name = self.project_name.clone();
        o.project_directory = self.project_directory.clone();
        o.env_files = self.env_file.clone();
        o.profiles = self.profile.clone();
        o.os_env = std::env::vars_os()
            .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
            .collect();
        o.keep_unused_resources = self.all_resources;
        if o.files.iter().any(|f| f.as_os_str() == "-") {
            let mut s = String::new();
            std::io::Read::read_to_string(&mut std::io::stdin(), &mut s)?;
            o.stdin = Some(s);
        }
        Ok(o)
    }
}
