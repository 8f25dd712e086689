//! `hoist man [DIR]`: manual pages generated from the command-line
//! definitions (clap_mangen): `hoist.1` and one `hoist-<command>.1` per
//! command written into DIR, or `hoist.1` on stdout without DIR.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, CommandFactory};

/// Flags of `man`.
#[derive(Debug, Clone, Args)]
pub struct ManArgs {
    /// Directory to write the pages into (default: `hoist.1` on stdout)
    pub dir: Option<PathBuf>,
}

/// Writes the pages.
pub fn run(args: &ManArgs) -> anyhow::Result<ExitCode> {
    let cmd = super::Cli::command();
    let Some(dir) = &args.dir else {
        let mut out = Vec::new();
        clap_mangen::Man::new(cmd).render(&mut out)?;
        crate::output::stdout_bytes(&out);
        return Ok(ExitCode::SUCCESS);
    };
    std::fs::create_dir_all(dir)?;
    clap_mangen::generate_to(cmd, dir)?;
    Ok(ExitCode::SUCCESS)
}
