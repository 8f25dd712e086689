//! `hoist config`: parse, resolve and render the compose model like `docker compose config`.

use crate::cli::Global;
use crate::output;
use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;

/// Flags of `config`.
#[derive(Debug, Clone, Args)]
pub struct ConfigArgs {
    /// Services to render (and their dependencies)
    pub services: Vec<String>,
    /// Format the output. Values: [yaml | json]
    #[arg(long)]
    pub format: Option<String>,
    /// Only validate the configuration, don't print anything
    #[arg(short, long)]
    pub quiet: bool,
    /// Don't interpolate environment variables
    #[arg(long)]
    pub no_interpolate: bool,
    /// Don't normalize compose model
    #[arg(long)]
    pub no_normalize: bool,
    /// Don't resolve file paths
    #[arg(long)]
    pub no_path_resolution: bool,
    /// Don't check model consistency
    #[arg(long)]
    pub no_consistency: bool,
    /// Don't resolve service env files
    #[arg(long)]
    pub no_env_resolution: bool,
    /// Print the service names, one per line
    #[arg(long = "services")]
    pub list_services: bool,
    /// Print the volume names, one per line
    #[arg(long)]
    pub volumes: bool,
    /// Print the network names, one per line
    #[arg(long)]
    pub networks: bool,
    /// Print the model names, one per line
    #[arg(long)]
    pub models: bool,
    /// Print the profile names, one per line
    #[arg(long)]
    pub profiles: bool,
    /// Print the image names, one per line
    #[arg(long)]
    pub images: bool,
    /// Print model variables and default values
    #[arg(long)]
    pub variables: bool,
    /// Print environment used for interpolation
    #[arg(long)]
    pub environment: bool,
    /// Save to file (default to stdout)
    #[arg(short, long)]
    pub output: Option<PathBuf>,
}

/// Runs `config`.
pub fn run(global: &Global, args: &ConfigArgs) -> anyhow::Result<ExitCode> {
    let mut opts = global.load_options()?;
    opts.interpolate = !args.no_interpolate;
    opts.normalize = !args.no_normalize;
    opts.resolve_paths = !args.no_path_resolution;
    opts.consistency = !args.no_consistency;
    opts.resolve_env_files = !args.no_env_resolution;
    opts.services = args.services.clone();
    let loaded = compose_spec::loader::load(&opts);
    output::diagnostics(&loaded.diagnostics, &loaded.sources);
    if loaded.has_errors() {
        return Ok(ExitCode::from(1));
    }
    if args.quiet {
        // validation only: nothing to render
        return Ok(ExitCode::SUCCESS);
    }
    let tree = loaded.tree.as_ref();
    let mut out = String::new();
    let lines = |out: &mut String, it: &mut dyn Iterator<Item = String>| {
        for l in it {
            out.push_str(&l);
            out.push('\n');
        }
    };
    let keys = |kind: &str| -> Vec<String> {
        tree.and_then(|t| t.get(kind))
            .and_then(|n| n.as_map())
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default()
    };
    if args.list_services {
        lines(&mut out, &mut keys("services").into_iter());
    } else if args.volumes {
        lines(&mut out, &mut keys("volumes").into_iter());
    } else if args.networks {
        lines(&mut out, &mut keys("networks").into_iter());
    } else if args.models {
        lines(&mut out, &mut keys("models").into_iter());
    } else if args.profiles {
        let mut set = std::collections::BTreeSet::new();
        if let Some(s) = tree
            .and_then(|t| t.get("services"))
            .and_then(|n| n.as_map())
        {
            for (_, svc) in s.iter() {
                if let Some(p) = svc.get("profiles").and_then(|p| p.as_seq()) {
                    set.extend(p.iter().filter_map(|x| x.as_text().map(str::to_string)));
                }
            }
        }
        for p in loaded.disabled_services.values().flatten() {
            set.insert(p.clone());
        }
        lines(&mut out, &mut set.into_iter());
    } else if args.images {
        if let Some(s) = tree
            .and_then(|t| t.get("services"))
            .and_then(|n| n.as_map())
        {
            for (name, svc) in s.iter() {
                let img = svc
                    .get("image")
                    .and_then(|i| i.as_text())
                    .map(str::to_string)
                    .unwrap_or_else(|| format!("{}-{}", loaded.name, name));
                out.push_str(&img);
                out.push('\n');
            }
        }
    } else if args.environment {
        let mut v: Vec<String> = loaded
            .environment
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        v.sort();
        lines(&mut out, &mut v.into_iter());
    } else {
        let format = args.format.as_deref().unwrap_or("yaml");
        out = match (&loaded.project, format) {
            (Some(p), "json") if !args.no_interpolate => p.to_json_string(),
            (Some(p), "yaml") if !args.no_interpolate => {
                compose_spec::emit::to_yaml(&p.to_yaml_value())
            }
            (_, "json") => go_json(&tree.map(|t| t.to_json()).unwrap_or_default())?,
            (_, "yaml") => {
                compose_spec::emit::to_yaml(&tree.map(|t| t.to_json()).unwrap_or_default())
            }
            (_, other) => anyhow::bail!("unsupported format {other:?}"),
        };
        if !args.no_interpolate {
            out = out.replace('$', "$$");
        }
    }
    match &args.output {
        Some(path) if !out.is_empty() => std::fs::write(path, out)?,
        _ => output::stdout(&out),
    }
    Ok(ExitCode::SUCCESS)
}

/// JSON as Go's `json.MarshalIndent(v, "", "  ")` writes it (HTML-safe escapes included).
fn go_json(v: &serde_json::Value) -> anyhow::Result<String> {
    let s = serde_json::to_string_pretty(v)?;
    Ok(s.replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029"))
}
