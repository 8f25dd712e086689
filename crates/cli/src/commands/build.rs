//! `hoist build [SERVICES...]`: build the services' images with the engine's
//! classic builder, as `docker compose build` does without BuildKit.
//!
//! Services build in dependency order, several at a time up to `--parallel`
//! (compose_engine's `images::build_layers`). The builder's output is printed
//! line by line, prefixed with the service name; a failed build prints the
//! builder's error and the step that failed, and the command exits with the
//! failing command's code.

use std::process::ExitCode;

use clap::Args;
use compose_engine::build::Overrides;
use compose_engine::graph::Graph;
use compose_engine::images;

use crate::cli::Global;
use crate::output;
use crate::session::{block_on, Need, Session};

/// Flags of `build`.
#[derive(Debug, Clone, Args, Default)]
pub struct BuildArgs {
    /// Services to build (default: all with a `build` section)
    #[arg(add = crate::complete::service_names())]
    pub services: Vec<String>,
    /// Do not use cache when building the image
    #[arg(long)]
    pub no_cache: bool,
    /// Always attempt to pull a newer version of the image
    #[arg(long)]
    pub pull: bool,
    /// Set build-time variables for services
    #[arg(long = "build-arg", value_name = "KEY=VALUE")]
    pub build_arg: Vec<String>,
    /// Suppress the build output
    #[arg(short = 'q', long)]
    pub quiet: bool,
}

/// Runs `build`.
pub fn run(global: &Global, args: &BuildArgs) -> anyhow::Result<ExitCode> {
    let session = Session::load(global, &args.services, Need::File)?;
    let project = session.require_project()?;
    let overrides = Overrides {
        no_cache: args.no_cache,
        pull: args.pull,
        args: args.build_arg.clone(),
        environment: project.environment.clone(),
    };
    let builds = images::plan_builds(project, &args.services, &overrides)?;
    if builds.is_empty() {
        return Ok(ExitCode::SUCCESS);
    }
    let graph = Graph::new(project)?;
    let width = builds.keys().map(String::len).max().unwrap_or(0);
    block_on(async {
        let rt = session.engine()?;
        let sink = output::sink_padded(width);
        match images::build_layers(&rt, &graph, builds, session.parallel(), args.quiet, &sink).await
        {
            Ok(()) => Ok(ExitCode::SUCCESS),
            Err(e @ compose_engine::Error::Build { .. }) => {
                output::stderr_line(&e.to_string());
                Ok(ExitCode::from(e.exit_code()))
            }
            Err(e) => Err(e.into()),
        }
    })
}
