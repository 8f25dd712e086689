//! `hoist images`: the images of the project's containers.

use std::process::ExitCode;

use anyhow::bail;
use clap::Args;

use crate::cli::Global;
use crate::output;
use crate::session::{block_on, Need, Session};
use crate::table::{human_duration, human_size, now_secs, tabwrite};

/// Flags of `images`.
#[derive(Debug, Clone, Args)]
pub struct ImagesArgs {
    /// Services (default: all)
    #[arg(add = crate::complete::service_names())]
    pub services: Vec<String>,
    /// Format the output. Values: [table | json]
    #[arg(long, default_value = "table")]
    pub format: String,
    /// Only display IDs
    #[arg(short = 'q', long)]
    pub quiet: bool,
}

/// Runs `images`.
pub fn run(global: &Global, args: &ImagesArgs) -> anyhow::Result<ExitCode> {
    let session = Session::load(global, &[], Need::FileOrName)?;
    block_on(async {
        let rt = session.observer()?;
        let images = compose_engine::report::images(&rt, &session.name, &args.services).await?;
        if args.quiet {
            let mut ids: Vec<&str> = Vec::new();
            for i in &images {
                let id = i.id.split_once(':').map_or(i.id.as_str(), |(_, h)| h);
                if !ids.contains(&id) {
                    ids.push(id);
                }
            }
            for id in ids {
                output::stdout(&format!("{id}\n"));
            }
            return Ok(ExitCode::SUCCESS);
        }
        match args.format.to_lowercase().as_str() {
            "json" => {
                let v: Vec<serde_json::Value> = images
                    .iter()
                    .map(|i| {
                        serde_json::json!({
                            "ID": i.id, "ContainerName": i.container, "Repository": i.repository,
                            "Tag": i.tag, "Platform": i.platform, "Size": i.size,
                            "LastTagTime": i.last_tag_time,
                        })
                    })
                    .collect();
                // compose encodes a nil list as `null`, and ends with a blank line
                let text = if v.is_empty() {
                    "null".to_string()
                } else {
                    serde_json::to_string(&v)?
                };
                output::stdout(&format!("{text}\n\n"));
            }
            "table" | "pretty" | "" => {
                let mut lines = vec![
                    "CONTAINER\tREPOSITORY\tTAG\tPLATFORM\tIMAGE ID\tSIZE\tCREATED".to_string(),
                ];
                let now = now_secs();
                for i in &images {
                    let id = i.id.split_once(':').map_or(i.id.as_str(), |(_, h)| h);
                    let none = |s: &str| {
                        if s.is_empty() {
                            "<none>".to_string()
                        } else {
                            s.to_string()
                        }
                    };
                    // Go's zero time is about 292 years before now, as a saturated Duration
                    let ago = i
                        .last_tag_secs
                        .map_or(292 * 365 * 86400 + 86400 * 71, |t| now - t);
                    lines.push(format!(
                        "{}\t{}\t{}\t{}\t{}\t{}\t{} ago",
                        i.container,
                        none(&i.repository),
                        none(&i.tag),
                        i.platform,
                        &id[..id.len().min(12)],
                        human_size(i.size as f64, 3),
                        human_duration(ago)
                    ));
                }
                output::stdout(&tabwrite(&lines, 20, 3));
            }
            _ => bail!(
                "format value {:?} could not be parsed: parsing failed",
                args.format
            ),
        }
        Ok(ExitCode::SUCCESS)
    })
}
