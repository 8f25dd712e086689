//! `hoist version`.

use std::process::ExitCode;

use clap::Args;

/// Flags of `version`.
#[derive(Debug, Clone, Args)]
pub struct VersionArgs {
    /// Format the output. Values: [pretty | json]. (Default: pretty) (`-f` after `version`; see `main::local_short_flags`)
    #[arg(long)]
    pub format: Option<String>,
    /// Shows only Compose's version number
    #[arg(long)]
    pub short: bool,
}

/// Prints the version: `hoist version X`, the number alone with `--short`,
/// `{"version":"vX"}` with `--format json` (any other format is the pretty one, as in compose).
pub fn run(args: &VersionArgs) -> anyhow::Result<ExitCode> {
    let version = env!("CARGO_PKG_VERSION");
    let text = if args.short {
        format!("{version}\n")
    } else if args.format.as_deref() == Some("json") {
        format!("{{\"version\":\"v{version}\"}}\n")
    } else {
        format!("hoist version {version}\n")
    };
    crate::output::stdout(&text);
    Ok(ExitCode::SUCCESS)
}
