//! `hoist version`.

use std::process::ExitCode;

/// Prints the version.
pub fn run() -> anyhow::Result<ExitCode> {
    crate::output::stdout(&format!("hoist version {}\n", env!("CARGO_PKG_VERSION")));
    Ok(ExitCode::SUCCESS)
}
