//! `hoist stats`: the project's containers' resource usage, as the docker
//! CLI's `stats` shows it (compose hands the work to it).

use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use clap::Args;
use compose_engine::labels;
use compose_engine::runtime::{EventFilter, Observe};
use futures_util::StreamExt;
use serde_json::Value;

use crate::cli::Global;
use crate::gotemplate::{self, Template};
use crate::output;
use crate::session::{block_on, interrupted, Need, Session};
use crate::table::{bytes_size, human_size};

/// Flags of `stats`.
#[derive(Debug, Clone, Args)]
pub struct StatsArgs {
    /// The service (default: all)
    #[arg(add = crate::complete::service_names())]
    pub service: Option<String>,
    /// Show all containers (default shows just running)
    #[arg(short = 'a', long)]
    pub all: bool,
    /// Format output using a custom template:
    /// 'table':            Print output in table format with column headers (default)
    /// 'table TEMPLATE':   Print output in table format using the given Go template
    /// 'json':             Print in JSON format
    /// 'TEMPLATE':         Print output using the given Go template.
    /// Refer to https://docs.docker.com/engine/cli/formatting/ for more information about formatting output with templates
    #[arg(long, verbatim_doc_comment)]
    pub format: Option<String>,
    /// Disable streaming stats and only pull the first result
    #[arg(long)]
    pub no_stream: bool,
    /// Do not truncate output
    #[arg(long)]
    pub no_trunc: bool,
}

const DEFAULT_FORMAT: &str = "table {{.ID}}\\t{{.Name}}\\t{{.CPUPerc}}\\t{{.MemUsage}}\\t{{.MemPerc}}\\t{{.NetIO}}\\t{{.BlockIO}}\\t{{.PIDs}}";

/// One container's numbers (the docker CLI's `StatsEntry`).
#[derive(Debug, Clone, Default)]
struct Entry {
    container: String,
    name: String,
    id: String,
    cpu: f64,
    mem: f64,
    mem_limit: f64,
    mem_perc: f64,
    rx: f64,
    tx: f64,
    read: f64,
    write: f64,
    pids: u64,
    invalid: bool,
    /// A sample (or the time limit for the first) came.
    seen: bool,
}

type Table = Arc<Mutex<Vec<Entry>>>;

/// Runs `stats`.
pub fn run(global: &Global, args: &StatsArgs) -> anyhow::Result<ExitCode> {
    let session = Session::load(global, &[], Need::FileOrName)?;
    let format = match args.format.as_deref() {
        None | Some("") | Some("table") => DEFAULT_FORMAT,
        Some("json") => "{{json .}}",
        Some(f) => f,
    };
    let template = Template::parse(format).map_err(|e| anyhow::anyhow!("{e}"))?;
    block_on(async {
        let rt = Arc::new(session.observer()?);
        let mut filters = vec![format!("{}={}", labels::PROJECT, session.name)];
        if let Some(s) = &args.service {
            filters.push(format!("{}={s}", labels::SERVICE));
        }
        let table: Table = Arc::new(Mutex::new(Vec::new()));
        let stream = !args.no_stream;
        // Events from the start of this second (replayed if the subscription
        // comes after the list), so that a container starting meanwhile is
        // not missed; one listed too is collected once.
        let events = stream.then(|| {
            rt.events(&EventFilter {
                labels: filters.clone(),
                kinds: vec!["container".into()],
                since: Some(crate::table::now_secs().to_string()),
                until: None,
            })
        });
        for c in rt.list_containers(&filters, args.all).await? {
            add(&rt, &table, &c.id, stream);
        }
        if let Some(mut events) = events {
            let (rt, table, all) = (Arc::clone(&rt), Arc::clone(&table), args.all);
            tokio::spawn(async move {
                while let Some(Ok(e)) = events.next().await {
                    match e.action.as_str() {
                        "start" => add(&rt, &table, &e.id, true),
                        "create" if all => add(&rt, &table, &e.id, true),
                        "die" if !all => lock(&table).retain(|x| x.container != e.id),
                        _ => {}
                    }
                }
            });
        }
        // the first sample of each (or its 2 s time limit), then every half second
        while lock(&table).iter().any(|e| !e.seen) {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let trunc = !args.no_trunc;
        loop {
            let entries = lock(&table).clone();
            let mut lines = Vec::new();
            if template.table {
                lines.push(template.header(&header));
            }
            for e in &entries {
                lines.push(
                    template
                        .render(&Row { e, trunc })
                        .map_err(|e| anyhow::anyhow!("{e}"))?,
                );
            }
            let text = if template.table {
                gotemplate::align(&lines)
            } else {
                lines.iter().map(|l| format!("{l}\n")).collect()
            };
            if !stream {
                output::stdout(&text);
                return Ok(ExitCode::SUCCESS);
            }
            // the docker CLI's screen: home, the table, each line again
            // ending with erase-to-end-of-line, then erase below
            let mut screen = format!("\x1b[H{text}");
            let snapshot = screen.clone();
            for line in snapshot.split('\n') {
                screen.push_str(&format!("{line} \x1b[K\n"));
            }
            screen.push_str("\x1b[J");
            output::stdout(&screen);
            tokio::select! {
                _ = tokio::time::sleep(Duration::from_millis(500)) => {}
                _ = interrupted() => return Ok(ExitCode::SUCCESS),
            }
        }
    })
}

fn lock(t: &Table) -> std::sync::MutexGuard<'_, Vec<Entry>> {
    t.lock().unwrap_or_else(|e| e.into_inner())
}

/// Starts collecting a container's stats (once per container).
fn add<O: Observe + 'static>(rt: &Arc<O>, table: &Table, id: &str, stream: bool) {
    {
        let mut t = lock(table);
        if t.iter().any(|e| e.container == id) {
            return;
        }
        t.push(Entry {
            container: id.to_string(),
            ..Default::default()
        });
    }
    let mut samples = rt.stats(id, stream);
    let (table, id) = (Arc::clone(table), id.to_string());
    tokio::spawn(async move {
        // The docker CLI gives a sample 2 s once the engine answered; the
        // engine takes about that long to answer (two samples, for the CPU
        // delta), so the first one has longer here.
        let mut limit = Duration::from_secs(5);
        loop {
            let next = tokio::time::timeout(limit, samples.next()).await;
            limit = Duration::from_secs(2);
            let update = |f: &dyn Fn(&mut Entry)| {
                if let Some(e) = lock(&table).iter_mut().find(|e| e.container == id) {
                    f(e);
                }
            };
            match next {
                Ok(Some(Ok(v))) => update(&|e| {
                    let container = e.container.clone();
                    *e = entry(&v);
                    e.container = container;
                }),
                Ok(Some(Err(_))) | Ok(None) => {
                    update(&|e| {
                        e.invalid = true;
                        e.seen = true;
                    });
                    return;
                }
                Err(_) => update(&|e| {
                    let container = e.container.clone();
                    *e = Entry {
                        container,
                        invalid: true,
                        seen: true,
                        ..Default::default()
                    };
                }),
            }
            if !stream {
                return;
            }
        }
    });
}

/// The docker CLI's numbers from one stats sample (Linux).
fn entry(v: &Value) -> Entry {
    let u = |v: &Value| v.as_u64().unwrap_or(0) as f64;
    let cpu_total = u(&v["cpu_stats"]["cpu_usage"]["total_usage"]);
    let pre_total = u(&v["precpu_stats"]["cpu_usage"]["total_usage"]);
    let system = u(&v["cpu_stats"]["system_cpu_usage"]);
    let pre_system = u(&v["precpu_stats"]["system_cpu_usage"]);
    let mut online = u(&v["cpu_stats"]["online_cpus"]);
    if online == 0.0 {
        online = v["cpu_stats"]["cpu_usage"]["percpu_usage"]
            .as_array()
            .map_or(0, Vec::len) as f64;
    }
    let (cpu_delta, system_delta) = (cpu_total - pre_total, system - pre_system);
    let cpu = if system_delta > 0.0 && cpu_delta > 0.0 {
        cpu_delta / system_delta * online * 100.0
    } else {
        0.0
    };
    let mem_stats = &v["memory_stats"];
    let usage = mem_stats["usage"].as_u64().unwrap_or(0);
    let stat = |k: &str| mem_stats["stats"][k].as_u64();
    let mem = match (stat("total_inactive_file"), stat("inactive_file")) {
        (Some(i), _) if i < usage => (usage - i) as f64,
        (_, i) if i.unwrap_or(0) < usage => (usage - i.unwrap_or(0)) as f64,
        _ => usage as f64,
    };
    let mem_limit = u(&mem_stats["limit"]);
    let (mut read, mut write) = (0.0, 0.0);
    for b in v["blkio_stats"]["io_service_bytes_recursive"]
        .as_array()
        .into_iter()
        .flatten()
    {
        match b["op"].as_str().and_then(|o| o.chars().next()) {
            Some('r' | 'R') => read += u(&b["value"]),
            Some('w' | 'W') => write += u(&b["value"]),
            _ => {}
        }
    }
    let (mut rx, mut tx) = (0.0, 0.0);
    for n in v["networks"]
        .as_object()
        .into_iter()
        .flat_map(|m| m.values())
    {
        rx += u(&n["rx_bytes"]);
        tx += u(&n["tx_bytes"]);
    }
    Entry {
        container: String::new(),
        name: v["name"].as_str().unwrap_or_default().to_string(),
        id: v["id"].as_str().unwrap_or_default().to_string(),
        cpu,
        mem,
        mem_limit,
        mem_perc: if mem_limit != 0.0 {
            mem / mem_limit * 100.0
        } else {
            0.0
        },
        rx,
        tx,
        read,
        write,
        pids: v["pids_stats"]["current"].as_u64().unwrap_or(0),
        invalid: false,
        seen: true,
    }
}

/// An entry as the docker CLI's stats templates see it.
struct Row<'a> {
    e: &'a Entry,
    trunc: bool,
}

impl Row<'_> {
    fn json(&self) -> Value {
        let e = self.e;
        let perc = |p: f64| format!("{p:.2}%");
        let dash = |s: String| if e.invalid { "--".to_string() } else { s };
        serde_json::json!({
            "BlockIO": dash(format!("{} / {}", human_size(e.read, 3), human_size(e.write, 3))),
            "CPUPerc": dash(perc(e.cpu)),
            "Container": e.container,
            "ID": if self.trunc { e.id.chars().take(12).collect() } else { e.id.clone() },
            "MemPerc": dash(perc(e.mem_perc)),
            "MemUsage": if e.invalid { "-- / --".to_string() } else { format!("{} / {}", bytes_size(e.mem), bytes_size(e.mem_limit)) },
            "Name": if e.name.len() > 1 { e.name[1..].to_string() } else { "--".to_string() },
            "NetIO": dash(format!("{} / {}", human_size(e.rx, 3), human_size(e.tx, 3))),
            "PIDs": dash(e.pids.to_string()),
        })
    }
}

impl gotemplate::Data for Row<'_> {
    fn whole(&self) -> Value {
        self.json()
    }
    fn field(&self, name: &str) -> Option<Value> {
        self.json().get(name).cloned()
    }
    fn method(&self, _name: &str, _args: &[String]) -> Option<Value> {
        None
    }
}

/// The column names of the docker CLI's stats table.
fn header(field: &str) -> Option<&'static str> {
    Some(match field {
        "Container" => "CONTAINER",
        "Name" => "NAME",
        "ID" => "CONTAINER ID",
        "CPUPerc" => "CPU %",
        "MemUsage" => "MEM USAGE / LIMIT",
        "MemPerc" => "MEM %",
        "NetIO" => "NET I/O",
        "BlockIO" => "BLOCK I/O",
        "PIDs" => "PIDS",
        _ => return None,
    })
}
