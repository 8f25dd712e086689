//! One module per command: its clap arguments and its `run`. Commands share
//! [`crate::session`], [`crate::args`], [`crate::follow`] and
//! [`crate::output`], never each other.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::cli::Global;

pub mod build;
pub mod config;
pub mod cp;
pub mod create;
pub mod down;
pub mod kill;
pub mod lifecycle;
pub mod logs;
pub mod plan;
pub mod port;
pub mod ps;
pub mod pull;
pub mod push;
pub mod rm;
pub mod scale;
pub mod top;
pub mod up;
pub mod version;

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
    Config(config::ConfigArgs),
    /// Create and start containers
    Up(crate::args::UpArgs),
    /// Show what `up` would do, and why, without changing anything
    Plan(crate::args::UpArgs),
    /// Creates containers for a service
    Create(crate::args::UpArgs),
    /// Stop and remove containers, networks
    Down(down::DownArgs),
    /// List containers
    Ps(ps::PsArgs),
    /// View output from containers
    Logs(logs::LogsArgs),
    /// Start services
    Start(lifecycle::ServicesArgs),
    /// Stop services
    Stop(lifecycle::ServicesArgs),
    /// Restart service containers
    Restart(lifecycle::ServicesArgs),
    /// Pause services
    Pause(lifecycle::ServicesArgs),
    /// Unpause services
    Unpause(lifecycle::ServicesArgs),
    /// Force stop service containers
    Kill(kill::KillArgs),
    /// Removes stopped service containers
    Rm(rm::RmArgs),
    /// Scale services
    Scale(scale::ScaleArgs),
    /// Build or rebuild services
    Build(build::BuildArgs),
    /// Pull service images
    Pull(pull::PullArgs),
    /// Push service images
    Push(push::PushArgs),
    /// Copy files/folders between a service container and the local filesystem
    Cp(cp::CpArgs),
    /// Display the running processes
    Top(top::TopArgs),
    /// Print the public port for a port binding
    Port(port::PortArgs),
    /// Show the hoist version information
    Version,
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    use compose_engine::project::Lifecycle;
    let g = &cli.global;
    crate::output::set_dry_run(g.dry_run);
    match cli.command {
        Command::Config(args) => config::run(g, &args),
        Command::Up(args) => up::run(g, &args),
        Command::Plan(args) => plan::run(g, &args),
        Command::Create(args) => create::run(g, &args),
        Command::Down(args) => down::run(g, &args),
        Command::Ps(args) => ps::run(g, &args),
        Command::Logs(args) => logs::run(g, &args),
        Command::Start(args) => lifecycle::run(g, &args, Lifecycle::Start),
        Command::Stop(args) => lifecycle::run(g, &args, Lifecycle::Stop),
        Command::Restart(args) => lifecycle::run(g, &args, Lifecycle::Restart),
        Command::Pause(args) => lifecycle::run(g, &args, Lifecycle::Pause),
        Command::Unpause(args) => lifecycle::run(g, &args, Lifecycle::Unpause),
        Command::Kill(args) => kill::run(g, &args),
        Command::Rm(args) => rm::run(g, &args),
        Command::Scale(args) => scale::run(g, &args),
        Command::Build(args) => build::run(g, &args),
        Command::Pull(args) => pull::run(g, &args),
        Command::Push(args) => push::run(g, &args),
        Command::Cp(args) => cp::run(g, &args),
        Command::Top(args) => top::run(g, &args),
        Command::Port(args) => port::run(g, &args),
        Command::Version => version::run(),
    }
}
