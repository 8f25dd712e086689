//! `hoist volumes`: the project's volumes, as the docker CLI lists volumes.

use std::process::ExitCode;

use clap::Args;
use compose_engine::runtime::Volume;

use crate::cli::Global;
use crate::gotemplate::{self, Template};
use crate::output;
use crate::session::{block_on, Need, Session};

/// Flags of `volumes`.
#[derive(Debug, Clone, Args)]
pub struct VolumesArgs {
    /// Services (default: all)
    #[arg(add = crate::complete::service_names())]
    pub services: Vec<String>,
    /// Only display volume names
    #[arg(short = 'q', long)]
    pub quiet: bool,
    /// Format output using a custom template:
    /// 'table':            Print output in table format with column headers (default)
    /// 'table TEMPLATE':   Print output in table format using the given Go template
    /// 'json':             Print in JSON format
    /// 'TEMPLATE':         Print output using the given Go template.
    /// Refer to https://docs.docker.com/go/formatting/ for more information about formatting output with templates
    #[arg(long, default_value = "table", verbatim_doc_comment)]
    pub format: String,
}

/// Runs `volumes`.
pub fn run(global: &Global, args: &VolumesArgs) -> anyhow::Result<ExitCode> {
    let session = Session::load(global, &[], Need::FileOrName)?;
    session.check_services(&args.services)?;
    block_on(async {
        let rt = session.observer()?;
        let vs = compose_engine::report::volumes(&rt, &session.name, &args.services).await?;
        if args.quiet {
            for v in &vs {
                output::stdout(&format!("{}\n", v.name));
            }
            return Ok(ExitCode::SUCCESS);
        }
        let format = match args.format.as_str() {
            "table" => "table {{.Driver}}\t{{.Name}}",
            "json" => "{{json .}}",
            f => f,
        };
        let t = Template::parse(format).map_err(|e| anyhow::anyhow!("{e}"))?;
        let mut lines = Vec::new();
        if t.table {
            lines.push(t.header(&header));
        }
        for v in &vs {
            lines.push(t.render(&Row(v)).map_err(|e| anyhow::anyhow!("{e}"))?);
        }
        if t.table {
            output::stdout(&gotemplate::align(&lines));
        } else {
            for l in lines {
                output::stdout(&format!("{l}\n"));
            }
        }
        Ok(ExitCode::SUCCESS)
    })
}

/// A volume as the docker CLI's volume templates see it.
struct Row<'a>(&'a Volume);

impl Row<'_> {
    fn json(&self) -> serde_json::Value {
        let v = self.0;
        let labels: Vec<String> = v.labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
        serde_json::json!({
            "Availability": "N/A",
            "Driver": v.driver,
            "Group": "N/A",
            "Labels": labels.join(","),
            "Links": "N/A",
            "Mountpoint": v.mountpoint,
            "Name": v.name,
            "Scope": v.scope,
            "Size": "N/A",
            "Status": "N/A",
        })
    }
}

impl gotemplate::Data for Row<'_> {
    fn whole(&self) -> serde_json::Value {
        self.json()
    }
    fn field(&self, name: &str) -> Option<serde_json::Value> {
        self.json().get(name).cloned()
    }
    fn method(&self, name: &str, args: &[String]) -> Option<serde_json::Value> {
        match (name, args) {
            ("Label", [key]) => Some(self.0.labels.get(key).cloned().unwrap_or_default().into()),
            _ => None,
        }
    }
}

/// The column names of the docker CLI's volume table templates.
fn header(field: &str) -> Option<&'static str> {
    Some(match field {
        "Name" => "VOLUME NAME",
        "Driver" => "DRIVER",
        "Scope" => "SCOPE",
        "Mountpoint" => "MOUNTPOINT",
        "Labels" => "LABELS",
        "Links" => "LINKS",
        "Size" => "SIZE",
        "Group" => "GROUP",
        "Availability" => "AVAILABILITY",
        "Status" => "STATUS",
        _ => return None,
    })
}
