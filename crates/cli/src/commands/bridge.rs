//! `hoist bridge`: the project converted into another model by
//! transformation images (`convert`), and those images listed
//! (`transformations list`) or copied into a new one (`transformations
//! create`), as compose's `bridge` commands. The running of the
//! transformations is `compose_engine::bridge`'s; this file is the flags and
//! what is printed (the transformations' own output, compose's table and
//! JSON of the images).

use std::process::ExitCode;

use anyhow::bail;
use clap::{Args, Subcommand};
use compose_engine::runtime::{ImageSummary, LogChunk, Observe};

use crate::cli::Global;
use crate::output;
use crate::session::{self, block_on, Need, Session};

/// Flags of `bridge`.
#[derive(Debug, Clone, Args)]
pub struct BridgeArgs {
    #[command(subcommand)]
    pub command: BridgeCommand,
}

/// The `bridge` commands.
#[derive(Debug, Clone, Subcommand)]
pub enum BridgeCommand {
    /// Convert compose files to Kubernetes manifests, Helm charts, or another model
    Convert(ConvertArgs),
    /// Manage transformation images
    Transformations(TransformationsArgs),
}

/// Flags of `bridge convert`.
#[derive(Debug, Clone, Args)]
pub struct ConvertArgs {
    /// The output directory for the Kubernetes resources
    #[arg(short = 'o', long, default_value = "out")]
    pub output: String,
    /// Transformation to apply to compose model (default: docker/compose-bridge-kubernetes)
    #[arg(short = 't', long = "transformation")]
    pub transformations: Vec<String>,
    /// Directory containing transformation templates
    #[arg(long, default_value = "")]
    pub templates: String,
}

/// Flags of `bridge transformations`.
#[derive(Debug, Clone, Args)]
pub struct TransformationsArgs {
    #[command(subcommand)]
    pub command: TransformationsCommand,
}

/// The `bridge transformations` commands.
#[derive(Debug, Clone, Subcommand)]
pub enum TransformationsCommand {
    /// List available transformations
    #[command(visible_alias = "ls")]
    List(ListArgs),
    /// Create a new transformation
    Create(CreateArgs),
}

/// Flags of `bridge transformations list`.
#[derive(Debug, Clone, Args)]
pub struct ListArgs {
    /// Format the output. Values: [table | json]
    #[arg(long, default_value = "table")]
    pub format: String,
    /// Only display transformer names
    #[arg(short = 'q', long)]
    pub quiet: bool,
}

/// Flags of `bridge transformations create`.
#[derive(Debug, Clone, Args)]
pub struct CreateArgs {
    /// Existing transformation to copy (default: docker/compose-bridge-kubernetes) (`-f` after `create`; see `main::local_short_flags`)
    #[arg(long, default_value = "")]
    pub from: String,
    /// The directory to create
    #[arg(value_name = "PATH")]
    pub path: String,
}

/// Runs `bridge`.
pub fn run(global: &Global, args: &BridgeArgs) -> anyhow::Result<ExitCode> {
    match &args.command {
        BridgeCommand::Convert(a) => convert(global, a),
        BridgeCommand::Transformations(t) => match &t.command {
            TransformationsCommand::List(a) => list(global, a),
            TransformationsCommand::Create(a) => create(global, a),
        },
    }
}

/// The current directory as a string, for Go's `filepath.Abs`.
fn cwd() -> anyhow::Result<String> {
    Ok(std::env::current_dir()?.to_string_lossy().into_owned())
}

fn convert(global: &Global, args: &ConvertArgs) -> anyhow::Result<ExitCode> {
    let session = Session::load(global, &[], Need::File)?;
    let project = session.require_project()?.clone();
    let options = compose_engine::bridge::ConvertOptions {
        output: args.output.clone(),
        templates: args.templates.clone(),
        transformations: args.transformations.clone(),
    };
    let host = compose_engine::bridge::Host {
        cwd: cwd()?,
        // Go's os.TempDir: $TMPDIR, else /tmp (Rust's temp_dir reads the same)
        temp_dir: std::env::temp_dir().to_string_lossy().into_owned(),
        user: Some(rustix::process::getuid().as_raw().to_string()),
    };
    block_on(async {
        let rt = session.engine()?;
        let env = |k: &str| std::env::var(k).ok();
        // compose prints the engine's pull messages on stdout, as the
        // docker CLI's jsonmessage does off a terminal: those with a
        // progress count (`Downloading 621/621`) not at all
        let progress = |id: &str, status: &str| {
            let counted = status.rsplit_once(' ').is_some_and(|(_, n)| {
                n.split_once('/').is_some_and(|(a, b)| {
                    !a.is_empty()
                        && !b.is_empty()
                        && a.bytes().chain(b.bytes()).all(|c| c.is_ascii_digit())
                })
            });
            if counted {
                return;
            }
            if id.is_empty() {
                output::stdout(&format!("{status}\n"));
            } else {
                output::stdout(&format!("{id}: {status}\n"));
            }
        };
        let show = |chunk: LogChunk| match chunk {
            LogChunk::Stdout(b) => output::stdout_bytes(&b),
            LogChunk::Stderr(b) => output::stderr_bytes(&b),
        };
        let status =
            compose_engine::bridge::convert(&rt, &project, &options, &host, &env, &progress, &show)
                .await?;
        if status == 0 {
            return Ok(ExitCode::SUCCESS);
        }
        // A failing transformation's status is the command's; compose then
        // prints the docker CLI's status error, whose message is empty: a
        // blank line.
        output::stderr_line("");
        Ok(ExitCode::from(u8::try_from(status).unwrap_or(1)))
    })
}

fn list(global: &Global, args: &ListArgs) -> anyhow::Result<ExitCode> {
    let rt = session::observer(global)?;
    block_on(async {
        let images = compose_engine::bridge::transformations(&rt).await?;
        if args.quiet {
            let mut text = String::new();
            for i in &images {
                text.push_str(i.repo_tags.first().unwrap_or(&i.id));
                text.push('\n');
            }
            output::stdout(&text);
            return Ok(ExitCode::SUCCESS);
        }
        match args.format.to_lowercase().as_str() {
            "table" | "pretty" | "" => output::stdout(&table(&images)),
            "json" => {
                // engines before API 1.44 send VirtualSize (= Size), which
                // the docker CLI's image.Summary prints
                let virtual_size = rt.version().await?.api < (1, 44);
                let all: Vec<serde_json::Value> =
                    images.iter().map(|i| summary(i, virtual_size)).collect();
                output::stdout(&format!("{}\n", serde_json::Value::Array(all)));
            }
            "{{json .}}" => {
                let virtual_size = rt.version().await?.api < (1, 44);
                let text: String = images
                    .iter()
                    .map(|i| format!("{}\n", summary(i, virtual_size)))
                    .collect();
                output::stdout(&text);
            }
            other => bail!("format value {other:?} could not be parsed: parsing failed"),
        }
        Ok(ExitCode::SUCCESS)
    })
}

/// compose's table of transformation images (`IMAGE ID`, `REPO`, `TAGS`,
/// `SIZE`; its `PrintPrettySection` tabwriter: cells at least 20 wide, 3 of padding).
fn table(images: &[ImageSummary]) -> String {
    let mut lines = vec!["IMAGE ID\tREPO\tTAGS\tSIZE".to_string()];
    for i in images {
        let id = i.id.strip_prefix("sha256:").unwrap_or(&i.id);
        let id: String = id.chars().take(12).collect();
        let size = crate::table::human_size(i.size as f64, 3);
        let (repo, tag) = match i.repo_tags.first() {
            Some(t) if !t.starts_with("sha256:") => {
                let (r, t) = compose_engine::report::familiar(t);
                let t = if t.is_empty() { "<none>".into() } else { t };
                (r, t)
            }
            _ => ("<none>".to_string(), "<none>".to_string()),
        };
        lines.push(format!("{id}\t{repo}\t{tag}\t{size}"));
    }
    crate::table::tabwrite(&lines, 20, 3)
}

/// The docker CLI's `image.Summary` as `encoding/json` writes it: its field
/// order, empty lists as `null` (the engine's nil slices), `VirtualSize`
/// only when the engine sends it.
fn summary(i: &ImageSummary, virtual_size: bool) -> serde_json::Value {
    let list = |v: &Vec<String>| {
        if v.is_empty() {
            serde_json::Value::Null
        } else {
            serde_json::json!(v)
        }
    };
    let mut m = serde_json::Map::new();
    m.insert("Containers".into(), i.containers.into());
    m.insert("Created".into(), i.created.into());
    m.insert("Id".into(), i.id.clone().into());
    m.insert(
        "Labels".into(),
        if i.labels.is_empty() {
            serde_json::Value::Null
        } else {
            serde_json::json!(i.labels)
        },
    );
    m.insert("ParentId".into(), i.parent_id.clone().into());
    m.insert("RepoDigests".into(), list(&i.repo_digests));
    m.insert("RepoTags".into(), list(&i.repo_tags));
    m.insert("SharedSize".into(), i.shared_size.into());
    m.insert("Size".into(), i.size.into());
    if virtual_size && i.size != 0 {
        m.insert("VirtualSize".into(), i.size.into());
    }
    serde_json::Value::Object(m)
}

fn create(global: &Global, args: &CreateArgs) -> anyhow::Result<ExitCode> {
    let rt = session::engine_without_project(global)?;
    let cwd = cwd()?;
    block_on(async {
        let out = compose_engine::bridge::create_transformation(&rt, &args.from, &args.path, &cwd)
            .await?;
        // Go's %q
        output::stdout(&format!("Transformer created in {out:?}\n"));
        Ok(ExitCode::SUCCESS)
    })
}
