//! `hoist ps`: the project's containers, as compose's table or JSON lines.

use std::collections::{BTreeMap, BTreeSet};
use std::process::ExitCode;

use anyhow::bail;
use clap::Args;
use compose_engine::labels;
use compose_engine::runtime::{Container, ContainerState};

use crate::cli::Global;
use crate::gotemplate::{self, Template};
use crate::output;
use crate::session::{block_on, Need, Session};
use crate::table::now_secs;

/// Flags of `ps`.
#[derive(Debug, Clone, Args)]
pub struct PsArgs {
    /// Services to list
    #[arg(add = crate::complete::service_names())]
    pub services: Vec<String>,
    /// Show all stopped containers
    #[arg(short = 'a', long)]
    pub all: bool,
    /// Only display IDs
    #[arg(short = 'q', long)]
    pub quiet: bool,
    /// Display services
    #[arg(long = "services")]
    pub list_services: bool,
    /// Filter services by status: created, restarting, running, removing, paused, exited, dead
    #[arg(long)]
    pub status: Vec<String>,
    /// Format the output. Values: [table | json | TEMPLATE] (a Go template: `{{.Name}} {{.State}}`, `table {{.Name}}\t{{.Status}}`)
    #[arg(long, default_value = "table")]
    pub format: String,
    /// Filter services by a property (supported filters: status)
    #[arg(long, value_name = "FILTER")]
    pub filter: Vec<String>,
    /// Include orphaned services (not declared by project)
    #[arg(long, default_value_t = true, action = clap::ArgAction::Set, num_args = 0..=1, default_missing_value = "true")]
    pub orphans: bool,
    /// Don't truncate output
    #[arg(long)]
    pub no_trunc: bool,
}

/// Runs `ps`.
pub fn run(global: &Global, args: &PsArgs) -> anyhow::Result<ExitCode> {
    let session = Session::load(global, &[], Need::FileOrName)?;
    session.check_services(&args.services)?;
    block_on(async {
        let rt = session.observer()?;
        let mut cs = session.containers(&rt, &args.services, true).await?;
        if !args.all && args.status.is_empty() && args.filter.is_empty() {
            cs.retain(|c| {
                matches!(
                    c.state,
                    ContainerState::Running | ContainerState::Restarting | ContainerState::Paused
                )
            });
        }
        let mut status = args.status.clone();
        for f in &args.filter {
            match f.split_once('=') {
                Some(("status", v)) => status.push(v.to_string()),
                _ => bail!(
                    "unknown filter {}",
                    f.split_once('=').map_or(f.as_str(), |(k, _)| k)
                ),
            }
        }
        if !status.is_empty() {
            cs.retain(|c| status.iter().any(|s| s == c.state.as_str()));
        }
        if !args.orphans {
            if let Some(p) = session.project() {
                cs.retain(|c| p.services.contains_key(c.label(labels::SERVICE)));
            }
        }
        cs.sort_by(|a, b| a.name.cmp(&b.name));
        if args.list_services {
            let names: BTreeSet<&str> = cs.iter().map(|c| c.label(labels::SERVICE)).collect();
            for n in names {
                output::stdout(&format!("{n}\n"));
            }
            return Ok(ExitCode::SUCCESS);
        }
        if args.quiet {
            for c in &cs {
                output::stdout(&format!("{}\n", c.id));
            }
            return Ok(ExitCode::SUCCESS);
        }
        match args.format.as_str() {
            "json" => {
                for c in &cs {
                    output::stdout(&format!("{}\n", ps_json(c, args.no_trunc)));
                }
            }
            "table" => output::stdout(&ps_table(&cs, args.no_trunc)),
            template => {
                let t = Template::parse(template).map_err(|e| anyhow::anyhow!("{e}"))?;
                let mut lines = Vec::new();
                if t.table {
                    lines.push(t.header(&header));
                }
                for c in &cs {
                    let data = Row {
                        json: serde_json::from_str(&ps_json(c, args.no_trunc))?,
                        c,
                    };
                    lines.push(t.render(&data).map_err(|e| anyhow::anyhow!("{e}"))?);
                }
                if t.table {
                    output::stdout(&gotemplate::align(&lines));
                } else {
                    for l in lines {
                        output::stdout(&format!("{l}\n"));
                    }
                }
            }
        }
        Ok(ExitCode::SUCCESS)
    })
}

/// A container as `--format` templates see it: compose's JSON fields, and
/// `Label "key"`.
struct Row<'a> {
    json: serde_json::Value,
    c: &'a Container,
}

impl gotemplate::Data for Row<'_> {
    fn whole(&self) -> serde_json::Value {
        self.json.clone()
    }
    fn field(&self, name: &str) -> Option<serde_json::Value> {
        self.json.get(name).cloned()
    }
    fn method(&self, name: &str, args: &[String]) -> Option<serde_json::Value> {
        match (name, args) {
            ("Label", [key]) => Some(self.c.label(key).into()),
            _ => None,
        }
    }
}

/// The column names of compose's `ps` table templates.
fn header(field: &str) -> Option<&'static str> {
    Some(match field {
        "ID" => "CONTAINER ID",
        "Name" | "Names" => "NAME",
        "Image" => "IMAGE",
        "Command" => "COMMAND",
        "Project" => "PROJECT",
        "Service" => "SERVICE",
        "RunningFor" => "CREATED",
        "CreatedAt" => "CREATED AT",
        "State" => "STATE",
        "Status" => "STATUS",
        "Ports" => "PORTS",
        "Size" => "SIZE",
        "Labels" => "LABELS",
        _ => return None,
    })
}

/// The PORTS column as the docker CLI prints it (`DisplayablePorts`): ports
/// sorted by container port, IP, host port, protocol; same-number mappings
/// grouped into ranges per IP and protocol, other mappings listed after them.
fn ports_text(c: &Container) -> String {
    let mut ports = c.ports.clone();
    ports.sort_by(|a, b| {
        a.private_port
            .cmp(&b.private_port)
            .then_with(|| a.ip.cmp(&b.ip))
            .then_with(|| a.public_port.cmp(&b.public_port))
            .then_with(|| a.protocol.cmp(&b.protocol))
    });
    let host = |ip: &str| {
        if ip.contains(':') {
            format!("[{ip}]")
        } else {
            ip.to_string()
        }
    };
    let mut keys: Vec<(String, String)> = Vec::new();
    let mut groups: BTreeMap<(String, String), (u16, u16)> = BTreeMap::new();
    let mut result = Vec::new();
    let mut mappings = Vec::new();
    let form = |(ip, proto): &(String, String), first: u16, last: u16| {
        let range = if first == last {
            first.to_string()
        } else {
            format!("{first}-{last}")
        };
        if ip.is_empty() {
            format!("{range}/{proto}")
        } else {
            format!("{ip}:{range}->{range}/{proto}")
        }
    };
    for p in &ports {
        let key = if p.ip.is_empty() {
            (String::new(), p.protocol.clone())
        } else {
            if p.public_port != p.private_port {
                mappings.push(format!(
                    "{}:{}->{}/{}",
                    host(&p.ip),
                    p.public_port,
                    p.private_port,
                    p.protocol
                ));
                continue;
            }
            (host(&p.ip), p.protocol.clone())
        };
        match groups.get_mut(&key) {
            None => {
                groups.insert(key.clone(), (p.private_port, p.private_port));
                keys.push(key);
            }
            Some(g) if p.private_port == g.1.wrapping_add(1) => g.1 = p.private_port,
            Some(g) if p.private_port == g.1 => {}
            Some(g) => {
                result.push(form(&key, g.0, g.1));
                *g = (p.private_port, p.private_port);
            }
        }
    }
    for key in &keys {
        let g = groups[key];
        result.push(form(key, g.0, g.1));
    }
    result.extend(mappings);
    result.join(", ")
}

fn go_time(secs: i64) -> String {
    let (y, m, d, hh, mm, ss) = crate::table::civil(secs);
    format!("{y:04}-{m:02}-{d:02} {hh:02}:{mm:02}:{ss:02} +0000 UTC")
}

/// compose's `ps` JSON of a container (the command shortened as in the table
/// unless `--no-trunc`).
fn ps_json(c: &Container, no_trunc: bool) -> String {
    let labels: Vec<String> = c.labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let mut ports = c.ports.clone();
    ports.sort_by(|a, b| {
        (a.private_port, &a.ip, a.public_port, &a.protocol).cmp(&(
            b.private_port,
            &b.ip,
            b.public_port,
            &b.protocol,
        ))
    });
    let publishers: Vec<serde_json::Value> = ports
        .iter()
        .map(|p| {
            serde_json::json!({"URL": p.ip, "TargetPort": p.private_port, "PublishedPort": p.public_port, "Protocol": p.protocol})
        })
        .collect();
    let mounts: Vec<&str> = c
        .mounts
        .iter()
        .map(|m| {
            if m.name.is_empty() {
                m.source.as_str()
            } else {
                m.name.as_str()
            }
        })
        .collect();
    let v = serde_json::json!({
        "Command": format!("\"{}\"", command(c, no_trunc)),
        "CreatedAt": go_time(c.created),
        "ExitCode": c.exit_code().unwrap_or(0),
        "Health": match c.health() {
            compose_engine::runtime::Health::None => "",
            compose_engine::runtime::Health::Starting => "starting",
            compose_engine::runtime::Health::Healthy => "healthy",
            compose_engine::runtime::Health::Unhealthy => "unhealthy",
        },
        "ID": &c.id[..c.id.len().min(12)],
        "Image": c.image,
        "Labels": labels.join(","),
        "LocalVolumes": c.mounts.iter().filter(|m| m.kind == "volume").count().to_string(),
        "Mounts": mounts.join(","),
        "Name": c.name,
        "Names": c.name,
        "Networks": c.networks.keys().cloned().collect::<Vec<_>>().join(","),
        "Ports": ports_text(c),
        "Project": c.label(labels::PROJECT),
        "Publishers": publishers,
        "RunningFor": ago(c.created),
        "Service": c.label(labels::SERVICE),
        "Size": "0B",
        "State": c.state.as_str(),
        "Status": c.status,
    });
    compose_spec::gocompat::json::to_string(&v)
}

fn ago(created: i64) -> String {
    let secs = (now_secs() - created).max(0);
    match secs {
        0..=1 => "1 second ago".into(),
        2..=59 => format!("{secs} seconds ago"),
        60..=119 => "About a minute ago".into(),
        120..=3599 => format!("{} minutes ago", secs / 60),
        3600..=7199 => "About an hour ago".into(),
        7200..=172_799 => format!("{} hours ago", secs / 3600),
        _ => format!("{} days ago", secs / 86400),
    }
}

/// The command as compose shows it: cut to 20 characters with `…` unless `no_trunc`.
fn command(c: &Container, no_trunc: bool) -> String {
    if !no_trunc && c.command.chars().count() > 20 {
        format!("{}…", c.command.chars().take(19).collect::<String>())
    } else {
        c.command.clone()
    }
}

fn ps_table(cs: &[Container], no_trunc: bool) -> String {
    let mut rows = vec![[
        "NAME".to_string(),
        "IMAGE".into(),
        "COMMAND".into(),
        "SERVICE".into(),
        "CREATED".into(),
        "STATUS".into(),
        "PORTS".into(),
    ]];
    for c in cs {
        let cmd = command(c, no_trunc);
        rows.push([
            c.name.clone(),
            c.image.clone(),
            format!("\"{cmd}\""),
            c.label(labels::SERVICE).to_string(),
            ago(c.created),
            c.status.clone(),
            ports_text(c),
        ]);
    }
    let mut widths = [0usize; 7];
    for r in &rows {
        for (i, cell) in r.iter().enumerate() {
            widths[i] = widths[i].max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for r in &rows {
        let mut line = String::new();
        for (i, cell) in r.iter().enumerate() {
            if i == 6 {
                line.push_str(cell);
            } else {
                line.push_str(cell);
                line.push_str(&" ".repeat(widths[i] - cell.chars().count() + 3));
            }
        }
        out.push_str(&line);
        out.push('\n');
    }
    out
}
