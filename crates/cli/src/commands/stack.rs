//! `hoist stack deploy|plan|ps|services|rm`: the project on a Docker Swarm.
//!
//! A `stack` command group rather than a `--swarm` mode of `up`/`ps`/`down`:
//! users moving to Swarm type `docker stack deploy -c FILE NAME`, whose
//! flags, names (`NAME_service`) and semantics (no build, no `depends_on`
//! order, the engine rolls updates) differ from compose's; keeping them apart
//! keeps `up` exactly compose's. The work is `compose_engine::stack`'s.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};

use crate::cli::Global;
use crate::output;
use crate::session::{block_on, Need, Session};
use compose_engine::runtime::swarm::SwarmObserve;

/// `hoist stack`.
#[derive(Debug, Clone, Args)]
pub struct StackArgs {
    #[command(subcommand)]
    pub command: StackCommand,
}

/// The stack commands.
#[derive(Debug, Clone, Subcommand)]
pub enum StackCommand {
    /// Deploy a new stack or update an existing stack
    Deploy(DeployArgs),
    /// What deploy would do, and why; changes nothing
    Plan(DeployArgs),
    /// List the tasks in the stack
    Ps(NameArgs),
    /// List the services in the stack
    Services(NameArgs),
    /// Remove one or more stacks
    #[command(alias = "down", alias = "remove")]
    Rm(RmArgs),
}

/// Flags of `stack deploy` and `stack plan`.
#[derive(Debug, Clone, Args)]
pub struct DeployArgs {
    /// Path to a Compose file, or "-" to read from stdin
    #[arg(short = 'c', long = "compose-file", value_name = "strings")]
    pub compose_file: Vec<PathBuf>,
    /// Prune services that are no longer referenced
    #[arg(long)]
    pub prune: bool,
    /// Suppress progress output
    #[arg(short, long)]
    pub quiet: bool,
    /// Stack name
    pub stack: String,
}

/// A stack name, with `ps`/`services` flags.
#[derive(Debug, Clone, Args)]
pub struct NameArgs {
    /// Only display IDs
    #[arg(short, long)]
    pub quiet: bool,
    /// Stack name
    pub stack: String,
}

/// Flags of `stack rm`.
#[derive(Debug, Clone, Args)]
pub struct RmArgs {
    /// Stack names
    #[arg(required = true)]
    pub stacks: Vec<String>,
}

/// Runs a stack command.
pub fn run(global: &Global, args: &StackArgs) -> anyhow::Result<ExitCode> {
    match &args.command {
        StackCommand::Deploy(a) => deploy(global, a, false),
        StackCommand::Plan(a) => deploy(global, a, true),
        StackCommand::Ps(a) => ps(global, a),
        StackCommand::Services(a) => services(global, a),
        StackCommand::Rm(a) => rm(global, a),
    }
}

async fn ensure_manager<R: SwarmObserve>(rt: &R) -> anyhow::Result<()> {
    match rt.swarm_manager().await? {
        Some(true) => Ok(()),
        Some(false) => anyhow::bail!(
            "this node is not a swarm manager. Worker nodes can't be used to view or modify cluster state. Please run this command on a manager node or promote the current node to a manager."
        ),
        None => anyhow::bail!(
            "this node is not a swarm manager. Use \"docker swarm init\" or \"docker swarm join\" to connect this node to swarm and try again."
        ),
    }
}

fn deploy(global: &Global, args: &DeployArgs, plan_only: bool) -> anyhow::Result<ExitCode> {
    let mut g = global.clone();
    if !args.compose_file.is_empty() {
        g.file = args.compose_file.clone();
    }
    g.project_name = Some(args.stack.clone());
    let session = Session::load(&g, &[], Need::File)?;
    let Some(specs) = session.specs.as_ref() else {
        anyhow::bail!("no compose file: give one with -c");
    };
    let dir = PathBuf::from(&specs.project.working_dir);
    let read = |f: &str| std::fs::read(dir.join(f));
    let desired = compose_engine::stack::desired(&specs.project, &args.stack, &read)
        .map_err(anyhow::Error::msg)?;
    for (service, key) in &desired.unsupported {
        output::stderr_line(&format!(
            "warning: {}service {service}: `{key}` is not supported by Swarm and is ignored (at services.{service}.{key})",
            locate(&specs.meta.config_files, service, key)
                .map(|l| format!("{l}: "))
                .unwrap_or_default()
        ));
    }
    block_on(async {
        let rt = session.engine()?;
        ensure_manager(&rt).await?;
        let observed = compose_engine::stack::observe(&rt, &args.stack).await?;
        let plan = compose_engine::stack::plan(&desired, &observed, args.prune);
        if plan_only {
            output::stdout(&plan.to_string());
            return Ok(ExitCode::SUCCESS);
        }
        for w in &plan.warnings {
            output::stderr_line(&format!("warning: {w}"));
        }
        let quiet = args.quiet;
        let say = |line: String| {
            if !quiet {
                output::stdout(&format!("{line}\n"));
            }
        };
        compose_engine::stack::apply(&rt, &desired, &observed, &plan, &say).await?;
        Ok(ExitCode::SUCCESS)
    })
}

/// `file:line:column` of `services.<service>.<key>` in the last compose file
/// that sets it (an override's value is the one that counts), relative to
/// the current directory.
fn locate(files: &[String], service: &str, key: &str) -> Option<String> {
    let path = compose_spec::node::KeyPath::root()
        .key("services")
        .key(service)
        .key(key);
    files.iter().rev().find_map(|f| {
        let text = std::fs::read_to_string(f).ok()?;
        let mut diags = Default::default();
        let root =
            compose_spec::yaml::parse::parse(&text, compose_spec::span::FileId(0), &mut diags)?;
        let node = compose_spec::editor::node_at(&root, &path)?;
        let before = &text[..node.span.start.min(text.len())];
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        let shown = std::env::current_dir()
            .ok()
            .and_then(|cwd| {
                std::path::Path::new(f)
                    .strip_prefix(cwd)
                    .ok()
                    .map(|p| p.display().to_string())
            })
            .unwrap_or_else(|| f.clone());
        Some(format!("{shown}:{line}:{column}"))
    })
}

fn ps(global: &Global, args: &NameArgs) -> anyhow::Result<ExitCode> {
    block_on(async {
        let rt = crate::session::observer(global)?;
        ensure_manager(&rt).await?;
        let services = rt.stack_services(&args.stack).await?;
        let nodes = rt.nodes().await?;
        let node_name = |id: &str| {
            nodes
                .iter()
                .find(|n| n["ID"] == id)
                .and_then(|n| n["Description"]["Hostname"].as_str())
                .unwrap_or(id)
                .to_string()
        };
        let mut tasks = rt.stack_tasks(&args.stack).await?;
        if tasks.is_empty() {
            anyhow::bail!("nothing found in stack: {}", args.stack);
        }
        tasks.sort_by_key(|t| {
            (
                t["ServiceID"].as_str().unwrap_or_default().to_string(),
                t["Slot"].as_u64().unwrap_or(0),
                t["Status"]["Timestamp"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
            )
        });
        let mut lines = vec![[
            "ID",
            "NAME",
            "IMAGE",
            "NODE",
            "DESIRED STATE",
            "CURRENT STATE",
            "ERROR",
        ]
        .map(str::to_string)
        .to_vec()];
        for t in &tasks {
            let id = t["ID"].as_str().unwrap_or_default();
            if args.quiet {
                output::stdout(&format!("{id}\n"));
                continue;
            }
            let service = services
                .iter()
                .find(|s| t["ServiceID"] == s.id.as_str())
                .map_or("", |s| s.name.as_str());
            let slot = t["Slot"]
                .as_u64()
                .map_or(String::new(), |s| format!(".{s}"));
            let image = t["Spec"]["ContainerSpec"]["Image"]
                .as_str()
                .unwrap_or_default();
            lines.push(vec![
                id.chars().take(12).collect(),
                format!("{service}{slot}"),
                image.split('@').next().unwrap_or_default().to_string(),
                node_name(t["NodeID"].as_str().unwrap_or_default()),
                capitalize(t["DesiredState"].as_str().unwrap_or_default()),
                capitalize(t["Status"]["State"].as_str().unwrap_or_default()),
                t["Status"]["Err"].as_str().unwrap_or_default().to_string(),
            ]);
        }
        if !args.quiet {
            output::stdout(&tabwrite(&lines));
        }
        Ok(ExitCode::SUCCESS)
    })
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

fn services(global: &Global, args: &NameArgs) -> anyhow::Result<ExitCode> {
    block_on(async {
        let rt = crate::session::observer(global)?;
        ensure_manager(&rt).await?;
        let services = rt.stack_services(&args.stack).await?;
        if services.is_empty() {
            output::stderr_line(&format!("Nothing found in stack: {}", args.stack));
            return Ok(ExitCode::SUCCESS);
        }
        let tasks = rt.stack_tasks(&args.stack).await?;
        let mut lines = vec![["ID", "NAME", "MODE", "REPLICAS", "IMAGE", "PORTS"]
            .map(str::to_string)
            .to_vec()];
        for s in &services {
            if args.quiet {
                output::stdout(&format!("{}\n", s.id));
                continue;
            }
            let running = tasks
                .iter()
                .filter(|t| t["ServiceID"] == s.id.as_str() && t["Status"]["State"] == "running")
                .count();
            let (mode, replicas) = match s.spec["Mode"].as_object() {
                Some(m) if m.contains_key("Global") => ("global", format!("{running}/{running}")),
                Some(m) if m.contains_key("Replicated") => (
                    "replicated",
                    format!(
                        "{running}/{}",
                        m["Replicated"]["Replicas"].as_u64().unwrap_or(0)
                    ),
                ),
                Some(m) if m.contains_key("ReplicatedJob") => ("replicated job", String::new()),
                _ => ("global job", String::new()),
            };
            let ports: Vec<String> = s.spec["EndpointSpec"]["Ports"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|p| {
                    format!(
                        "*:{}->{}/{}",
                        p["PublishedPort"],
                        p["TargetPort"],
                        p["Protocol"].as_str().unwrap_or("tcp")
                    )
                })
                .collect();
            let image = s.spec["TaskTemplate"]["ContainerSpec"]["Image"]
                .as_str()
                .unwrap_or_default();
            lines.push(vec![
                s.id.chars().take(12).collect(),
                s.name.clone(),
                mode.to_string(),
                replicas,
                image.split('@').next().unwrap_or_default().to_string(),
                ports.join(", "),
            ]);
        }
        if !args.quiet {
            output::stdout(&tabwrite(&lines));
        }
        Ok(ExitCode::SUCCESS)
    })
}

fn rm(global: &Global, args: &RmArgs) -> anyhow::Result<ExitCode> {
    block_on(async {
        let rt = crate::session::engine_without_project(global)?;
        ensure_manager(&rt).await?;
        for stack in &args.stacks {
            let say = |line: String| output::stdout(&format!("{line}\n"));
            compose_engine::stack::remove(&rt, stack, &say).await?;
        }
        Ok(ExitCode::SUCCESS)
    })
}

/// Go's tabwriter as docker's tables use it (3 spaces of padding), each
/// line without trailing blanks.
fn tabwrite(lines: &[Vec<String>]) -> String {
    let rows: Vec<String> = lines.iter().map(|l| l.join("\t")).collect();
    crate::table::tabwrite(&rows, 0, 3)
        .lines()
        .map(|l| format!("{}\n", l.trim_end()))
        .collect()
}
