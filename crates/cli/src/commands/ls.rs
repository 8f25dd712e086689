//! `hoist ls`: the projects that have containers, from their labels.

use std::process::ExitCode;

use anyhow::bail;
use clap::Args;

use crate::cli::Global;
use crate::output;
use crate::session::{block_on, observer};
use crate::table::tabwrite;

/// Flags of `ls`.
#[derive(Debug, Clone, Args)]
pub struct LsArgs {
    /// Format the output. Values: [table | json]
    #[arg(long, default_value = "table")]
    pub format: String,
    /// Only display project names
    #[arg(short = 'q', long)]
    pub quiet: bool,
    /// Filter output based on conditions provided
    #[arg(long, value_name = "FILTER")]
    pub filter: Vec<String>,
    /// Show all stopped Compose projects
    #[arg(short = 'a', long)]
    pub all: bool,
}

/// Runs `ls`.
pub fn run(global: &Global, args: &LsArgs) -> anyhow::Result<ExitCode> {
    let mut names = Vec::new();
    for f in &args.filter {
        match f.split_once('=') {
            Some(("name", v)) => names.push(v.to_string()),
            Some((k, _)) => bail!("invalid filter '{}'", k.trim().to_lowercase()),
            None => bail!(
                "invalid argument {f:?} for \"--filter\" flag: bad format of filter (expected name=value)"
            ),
        }
    }
    // moby's `filters.Match`: the exact name, or a regular expression found in it
    let patterns: Vec<Option<regex::Regex>> =
        names.iter().map(|n| regex::Regex::new(n).ok()).collect();
    let matches = |name: &str| {
        names.is_empty()
            || names
                .iter()
                .zip(&patterns)
                .any(|(n, p)| n == name || p.as_ref().is_some_and(|p| p.is_match(name)))
    };
    let format = args.format.to_lowercase();
    if !args.quiet && !matches!(format.as_str(), "table" | "pretty" | "" | "json") {
        bail!(
            "format value {:?} could not be parsed: parsing failed",
            args.format
        );
    }
    block_on(async {
        let rt = observer(global)?;
        let mut stacks = compose_engine::report::projects(&rt, args.all).await?;
        stacks.retain(|s| matches(&s.name));
        if args.quiet {
            for s in &stacks {
                output::stdout(&format!("{}\n", s.name));
            }
            return Ok(ExitCode::SUCCESS);
        }
        if format == "json" {
            let v: Vec<serde_json::Value> = stacks
                .iter()
                .map(|s| {
                    serde_json::json!({"Name": s.name, "Status": s.status, "ConfigFiles": s.config_files})
                })
                .collect();
            output::stdout(&format!("{}\n", go_json(&v)));
            return Ok(ExitCode::SUCCESS);
        }
        let mut lines = vec!["NAME\tSTATUS\tCONFIG FILES".to_string()];
        for s in &stacks {
            lines.push(format!("{}\t{}\t{}", s.name, s.status, s.config_files));
        }
        output::stdout(&tabwrite(&lines, 20, 3));
        Ok(ExitCode::SUCCESS)
    })
}

/// `encoding/json` with `SetEscapeHTML(false)`, keys in the order given.
fn go_json(v: &impl serde::Serialize) -> String {
    serde_json::to_string(v).unwrap_or_default()
}
