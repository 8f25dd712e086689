//! `hoist cp`: copy files and directories between a service's containers
//! and the local filesystem (`SERVICE:SRC DEST`, `SRC SERVICE:DEST`, `-` for
//! a tar stream on stdin or stdout).

use std::process::ExitCode;

use anyhow::bail;
use clap::Args;
use compose_engine::copy::{CopyIo, CopyOptions};
use compose_engine::runtime::{ByteStream, RuntimeError};
use tokio::io::AsyncReadExt;

use crate::cli::Global;
use crate::output;
use crate::session::{block_on, Need, Session};

const USAGE: &str = "hoist cp [OPTIONS] SERVICE:SRC_PATH DEST_PATH|-\n\thoist cp [OPTIONS] SRC_PATH|- SERVICE:DEST_PATH";

/// Flags of `cp`.
#[derive(Debug, Clone, Args)]
#[command(override_usage = USAGE)]
pub struct CpArgs {
    /// SERVICE:SRC_PATH and DEST_PATH|-, or SRC_PATH|- and SERVICE:DEST_PATH
    #[arg(value_name = "PATHS")]
    pub paths: Vec<String>,
    /// Include containers created by the run command
    #[arg(long)]
    pub all: bool,
    /// Archive mode (copy all uid/gid information)
    #[arg(short = 'a', long)]
    pub archive: bool,
    /// Always follow symbol link in SRC_PATH
    #[arg(short = 'L', long)]
    pub follow_link: bool,
    /// Index of the container if service has multiple replicas
    #[arg(long, default_value_t = 0, allow_negative_numbers = true)]
    pub index: i64,
}

/// Runs `cp`.
pub fn run(global: &Global, args: &CpArgs) -> anyhow::Result<ExitCode> {
    let [source, destination] = args.paths.as_slice() else {
        output::stderr_line(&format!(
            "'hoist cp' requires 2 arguments\n\nUsage:  {USAGE}\n\nRun 'hoist cp --help' for more information"
        ));
        return Ok(ExitCode::from(1));
    };
    if source.is_empty() {
        bail!("source can not be empty");
    }
    if destination.is_empty() {
        bail!("destination can not be empty");
    }
    let session = Session::load(global, &[], Need::FileOrName)?;
    let options = CopyOptions {
        source: source.clone(),
        destination: destination.clone(),
        index: u32::try_from(args.index).unwrap_or(0),
        all: args.all,
        follow_link: args.follow_link,
        copy_uid_gid: args.archive,
    };
    block_on(async {
        let rt = session.engine()?;
        let io = CopyIo {
            stdin: (source == "-").then(stdin),
            stdout: (destination == "-").then(output::stdout_writer),
        };
        match compose_engine::copy::copy(&rt, &session.name, &options, io, &output::sink()).await {
            Ok(()) => Ok(ExitCode::SUCCESS),
            // The engine's refusals, worded as the docker CLI words them.
            Err(compose_engine::Error::Runtime(
                RuntimeError::NotFound(m) | RuntimeError::Conflict(m) | RuntimeError::Other(m),
            )) => bail!("Error response from daemon: {m}"),
            Err(e) => Err(e.into()),
        }
    })
}

/// Standard input as a stream of chunks (a tar archive for `cp - SERVICE:DIR`).
fn stdin() -> ByteStream {
    Box::pin(futures_util::stream::unfold(
        Some(tokio::io::stdin()),
        |input| async move {
            let mut input = input?;
            let mut buf = vec![0u8; 64 * 1024];
            match input.read(&mut buf).await {
                Ok(0) => None,
                Ok(n) => {
                    buf.truncate(n);
                    Some((Ok(buf), Some(input)))
                }
                Err(e) => Some((Err(e), None)),
            }
        },
    ))
}
