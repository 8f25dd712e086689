//! One module per command: its clap arguments and its `run`. Commands share
//! [`crate::session`], [`crate::args`], [`crate::follow`] and
//! [`crate::output`], never each other.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::cli::Global;

pub mod attach;
pub mod bridge;
pub mod build;
pub mod commit;
pub mod completion;
pub mod config;
pub mod cp;
pub mod create;
pub mod down;
pub mod events;
pub mod exec;
pub mod export;
pub mod images;
pub mod kill;
pub mod lifecycle;
pub mod logs;
pub mod ls;
pub mod lsp;
pub mod man;
pub mod plan;
pub mod port;
pub mod ps;
pub mod publish;
pub mod pull;
pub mod push;
pub mod rm;
pub mod run;
pub mod scale;
pub mod stack;
pub mod stats;
pub mod top;
pub mod up;
pub mod version;
pub mod volumes;
pub mod wait;
pub mod watch;

/// hoist: define and run multi-container applications, compatible with Docker Compose.
#[derive(Debug, Parser)]
#[command(name = "hoist", version, about, arg_required_else_help = true)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Attach local standard input, output, and error streams to a service's running container
    Attach(attach::AttachArgs),
    /// Convert compose files into another model
    Bridge(bridge::BridgeArgs),
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
    Stop(lifecycle::StopArgs),
    /// Restart service containers
    Restart(lifecycle::RestartArgs),
    /// Pause services
    Pause(lifecycle::ServicesArgs),
    /// Unpause services
    Unpause(lifecycle::ServicesArgs),
    /// Execute a command in a running container
    Exec(exec::ExecArgs),
    /// Force stop service containers
    Kill(kill::KillArgs),
    /// Removes stopped service containers
    Rm(rm::RmArgs),
    /// Run a one-off command on a service
    Run(Box<run::RunArgs>),
    /// Scale services
    Scale(scale::ScaleArgs),
    /// Build or rebuild services
    Build(build::BuildArgs),
    /// Pull service images
    Pull(pull::PullArgs),
    /// Push service images
    Push(push::PushArgs),
    /// Publish compose application
    Publish(publish::PublishArgs),
    /// Copy files/folders between a service container and the local filesystem
    Cp(cp::CpArgs),
    /// Display the running processes
    Top(top::TopArgs),
    /// Deploy the project to a Docker Swarm, as `docker stack` does (deploy, plan, ps, services, rm)
    Stack(stack::StackArgs),
    /// Print the public port for a port binding
    Port(port::PortArgs),
    /// Watch build context for service and rebuild/refresh containers when files are updated
    Watch(watch::WatchArgs),
    /// Run the Compose language server (LSP) on standard input/output
    Lsp(lsp::LspArgs),
    /// Show the hoist version information
    Version(version::VersionArgs),
    /// List running compose projects
    Ls(ls::LsArgs),
    /// List images used by the created containers
    Images(images::ImagesArgs),
    /// List volumes
    Volumes(volumes::VolumesArgs),
    /// Display a live stream of container(s) resource usage statistics
    Stats(stats::StatsArgs),
    /// Receive real time events from containers
    Events(events::EventsArgs),
    /// Block until containers of all (or specified) services stop.
    Wait(wait::WaitArgs),
    /// Create a new image from a service container's changes
    Commit(commit::CommitArgs),
    /// Export a service container's filesystem as a tar archive
    Export(export::ExportArgs),
    /// Print the shell code that completes hoist command lines (bash, zsh, fish, ...)
    Completion(completion::CompletionArgs),
    /// Write hoist's manual pages
    #[command(hide = true)]
    Man(man::ManArgs),
}

/// The live progress display's title, compose's for each command.
fn progress_title(command: &Command) -> &'static str {
    match command {
        Command::Build(_) => "Building",
        Command::Create(_) => "Creating",
        Command::Cp(_) => "Copying",
        Command::Kill(_) => "Killing",
        Command::Pause(_) => "Pausing",
        Command::Pull(_) => "Pulling",
        Command::Push(_) => "Pushing",
        Command::Publish(_) => "Publishing",
        Command::Restart(_) => "Restarting",
        Command::Rm(_) => "Removing",
        Command::Stop(_) => "Stopping",
        _ => "Running",
    }
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    use compose_engine::project::Lifecycle;
    let g = &cli.global;
    crate::output::set_dry_run(g.dry_run);
    crate::output::configure(g, progress_title(&cli.command))?;
    g.parallel()?; // an invalid COMPOSE_PARALLEL_LIMIT fails every command, as in compose
                   // `_` in names (docker-compose v1's); `Session::load` also reads `.env`.
    compose_engine::naming::set_compatibility(
        g.compatibility
            || std::env::var("COMPOSE_COMPATIBILITY").is_ok_and(|v| crate::session::go_bool(&v)),
    );
    match cli.command {
        Command::Attach(args) => attach::run(g, &args),
        Command::Bridge(args) => bridge::run(g, &args),
        Command::Config(args) => config::run(g, &args),
        Command::Up(args) => up::run(g, &args),
        Command::Plan(args) => plan::run(g, &args),
        Command::Create(args) => create::run(g, &args),
        Command::Down(args) => down::run(g, &args),
        Command::Ps(args) => ps::run(g, &args),
        Command::Logs(args) => logs::run(g, &args),
        Command::Start(args) => lifecycle::run(g, (&args).into(), Lifecycle::Start),
        Command::Stop(args) => lifecycle::run(g, (&args).into(), Lifecycle::Stop),
        Command::Restart(args) => lifecycle::run(g, (&args).into(), Lifecycle::Restart),
        Command::Pause(args) => lifecycle::run(g, (&args).into(), Lifecycle::Pause),
        Command::Unpause(args) => lifecycle::run(g, (&args).into(), Lifecycle::Unpause),
        Command::Exec(args) => exec::run(g, &args),
        Command::Kill(args) => kill::run(g, &args),
        Command::Rm(args) => rm::run(g, &args),
        Command::Run(args) => run::run(g, &args),
        Command::Scale(args) => scale::run(g, &args),
        Command::Build(args) => build::run(g, &args),
        Command::Pull(args) => pull::run(g, &args),
        Command::Push(args) => push::run(g, &args),
        Command::Publish(args) => publish::run(g, &args),
        Command::Cp(args) => cp::run(g, &args),
        Command::Top(args) => top::run(g, &args),
        Command::Stack(args) => stack::run(g, &args),
        Command::Port(args) => port::run(g, &args),
        Command::Watch(args) => watch::run(g, &args),
        Command::Lsp(args) => lsp::run(&args),
        Command::Version(args) => version::run(&args),
        Command::Ls(args) => ls::run(g, &args),
        Command::Images(args) => images::run(g, &args),
        Command::Volumes(args) => volumes::run(g, &args),
        Command::Stats(args) => stats::run(g, &args),
        Command::Events(args) => events::run(g, &args),
        Command::Wait(args) => wait::run(g, &args),
        Command::Commit(args) => commit::run(g, &args),
        Command::Export(args) => export::run(g, &args),
        Command::Completion(args) => completion::run(&args),
        Command::Man(args) => man::run(&args),
    }
}
