//! `hoist start|stop|restart|pause|unpause`: in dependency order, from the
//! file or, when it is gone, from the containers' labels.

use std::process::ExitCode;

use clap::Args;
use compose_engine::project::Lifecycle;

use crate::cli::Global;
use crate::output;
use crate::session::{block_on, Need, Session};

/// Flags of `start`, `pause`, `unpause`.
#[derive(Debug, Clone, Args)]
pub struct ServicesArgs {
    /// Services (default: all)
    #[arg(add = crate::complete::service_names())]
    pub services: Vec<String>,
}

/// Flags of `stop`.
#[derive(Debug, Clone, Args)]
pub struct StopArgs {
    /// Services (default: all)
    #[arg(add = crate::complete::service_names())]
    pub services: Vec<String>,
    /// Specify a shutdown timeout in seconds
    #[arg(short = 't', long = "timeout")]
    pub timeout: Option<i64>,
}

/// Flags of `restart`.
#[derive(Debug, Clone, Args)]
pub struct RestartArgs {
    /// Services (default: all)
    #[arg(add = crate::complete::service_names())]
    pub services: Vec<String>,
    /// Specify a shutdown timeout in seconds
    #[arg(short = 't', long = "timeout")]
    pub timeout: Option<i64>,
    /// Don't restart dependent services
    #[arg(long)]
    pub no_deps: bool,
}

/// What a lifecycle command was asked.
pub struct Request<'a> {
    /// The services.
    pub services: &'a [String],
    /// `-t`.
    pub timeout: Option<i64>,
    /// `restart --no-deps`.
    pub no_deps: bool,
}

impl<'a> From<&'a ServicesArgs> for Request<'a> {
    fn from(a: &'a ServicesArgs) -> Self {
        Request {
            services: &a.services,
            timeout: None,
            no_deps: false,
        }
    }
}

impl<'a> From<&'a StopArgs> for Request<'a> {
    fn from(a: &'a StopArgs) -> Self {
        Request {
            services: &a.services,
            timeout: a.timeout,
            no_deps: false,
        }
    }
}

impl<'a> From<&'a RestartArgs> for Request<'a> {
    fn from(a: &'a RestartArgs) -> Self {
        Request {
            services: &a.services,
            timeout: a.timeout,
            no_deps: a.no_deps,
        }
    }
}

/// Runs one of the lifecycle commands.
pub fn run(global: &Global, args: Request<'_>, what: Lifecycle) -> anyhow::Result<ExitCode> {
    let session = Session::load(global, &[], Need::FileOrName)?;
    session.check_services(args.services)?;
    block_on(async {
        let rt = session.engine()?;
        compose_engine::project::lifecycle(
            &rt,
            &session.name,
            session.project(),
            args.services,
            what,
            args.timeout,
            args.no_deps,
            &output::sink(),
        )
        .await?;
        Ok(ExitCode::SUCCESS)
    })
}
