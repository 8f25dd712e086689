//! `hoist config`: parse, resolve and render the compose model like `docker compose config`.

use crate::args::ConfigFormat;
use crate::cli::Global;
use crate::output;
use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;

/// Flags of `config`.
#[derive(Debug, Clone, Args)]
pub struct ConfigArgs {
    /// Services to render (and their dependencies)
    #[arg(add = crate::complete::service_names())]
    pub services: Vec<String>,
    /// Format the output. Values: [yaml | json]
    #[arg(long, value_enum)]
    pub format: Option<ConfigFormat>,
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
    /// Print the service config hash, one per line ("*" for all, or SERVICE,SERVICE...)
    #[arg(long, value_name = "SERVICES")]
    pub hash: Option<String>,
    /// Pin image tags to digests
    #[arg(long)]
    pub resolve_image_digests: bool,
    /// Produces an override file with image digests
    #[arg(long)]
    pub lock_image_digests: bool,
}

/// Runs `config`.
pub fn run(global: &Global, args: &ConfigArgs) -> anyhow::Result<ExitCode> {
    let mut opts = global.load_options()?;
    // --variables reads the raw templates
    opts.interpolate = !args.no_interpolate && !args.variables;
    opts.normalize = !args.no_normalize;
    opts.resolve_paths = !args.no_path_resolution;
    opts.consistency = !args.no_consistency;
    opts.resolve_env_files = !args.no_env_resolution;
    opts.services = args.services.clone();
    // The tree is only read by the listing flags and the raw (--no-interpolate)
    // renderings; otherwise free it while the project is decoded.
    let lists = args.list_services
        || args.volumes
        || args.networks
        || args.models
        || args.profiles
        || args.images
        || args.variables;
    opts.keep_tree = lists || args.no_interpolate;
    if args.hash.is_some() {
        // As compose's `config --hash`: the services as loaded, environment unresolved.
        opts.resolve_env_files = false;
        opts.services.clear();
    }
    let loaded = compose_spec::loader::load(&opts);
    output::diagnostics(&loaded.diagnostics, &loaded.sources);
    if loaded.has_errors() {
        return Ok(ExitCode::from(1));
    }
    if args.quiet {
        // Validation only: nothing to render, and nothing to free one by one
        // either (dropping a large project costs more than the exit).
        std::mem::forget(loaded);
        return Ok(ExitCode::SUCCESS);
    }
    if let Some(which) = &args.hash {
        let Some(project) = &loaded.project else {
            return Ok(ExitCode::from(1));
        };
        let mut names: Vec<String> = if which == "*" {
            project.services.keys().cloned().collect()
        } else {
            which.split(',').map(str::to_string).collect()
        };
        names.sort();
        let mut out = String::new();
        for n in names {
            let Some(s) = project.services.get(&n) else {
                anyhow::bail!("no such service: {n}");
            };
            out.push_str(&format!("{n} {}\n", compose_engine::hash::service_hash(s)));
        }
        output::stdout(&out);
        return Ok(ExitCode::SUCCESS);
    }
    let mut loaded = loaded;
    if args.resolve_image_digests || args.lock_image_digests {
        if args.no_interpolate {
            anyhow::bail!("--resolve-image-digests and --lock-image-digests need interpolation: drop --no-interpolate");
        }
        if let Some(project) = loaded.project.as_mut() {
            let rt = crate::session::observer(global)?;
            crate::session::block_on(async {
                compose_engine::images::resolve_digests(&rt, project).await?;
                Ok(ExitCode::SUCCESS)
            })?;
            if args.lock_image_digests {
                // An override file holding only the pinned images.
                let mut only = compose_engine::model::Project::default();
                for (name, s) in &project.services {
                    let pinned = compose_engine::model::ServiceConfig {
                        name: name.clone(),
                        image: s.image.clone(),
                        ..Default::default()
                    };
                    only.services.insert(name.clone(), Box::new(pinned));
                }
                *project = only;
            }
        }
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
            .map(|m| m.keys().map(|k| k.to_string()).collect())
            .unwrap_or_default()
    };
    if args.list_services {
        lines(&mut out, &mut dependency_order(tree).into_iter());
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
            let mut sorted: Vec<_> = s.iter().collect();
            sorted.sort_by(|a, b| a.0.cmp(b.0));
            for (name, svc) in sorted {
                let img = svc
                    .get("image")
                    .and_then(|i| i.as_text())
                    .map(str::to_string)
                    .unwrap_or_else(|| compose_engine::naming::join(&[&loaded.name, name]));
                out.push_str(&img);
                out.push('\n');
            }
        }
    } else if args.variables {
        out = variables(tree, args.format == Some(ConfigFormat::Json))?;
    } else if args.environment {
        let mut v: Vec<String> = loaded
            .environment
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        v.sort();
        lines(&mut out, &mut v.into_iter());
    } else {
        let format = args.format.unwrap_or(ConfigFormat::Yaml);
        out = match (&loaded.project, format) {
            (Some(p), ConfigFormat::Json) if !args.no_interpolate => p.to_json_string(),
            (Some(p), ConfigFormat::Yaml) if !args.no_interpolate => {
                compose_spec::yaml::emit::to_yaml(&p.to_yaml_value())
            }
            (_, ConfigFormat::Json) => {
                go_json(&sorted(tree.map(|t| t.to_json()).unwrap_or_default()))?
            }
            (_, ConfigFormat::Yaml) => compose_spec::yaml::emit::to_yaml(&sorted(
                tree.map(|t| t.to_json()).unwrap_or_default(),
            )),
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

/// `config --variables`: every `${VAR}` of the model with its default, alternate
/// value and whether it is required (sorted by name; compose prints Go map order).
fn variables(tree: Option<&compose_spec::Node>, json: bool) -> anyhow::Result<String> {
    fn walk(
        n: &compose_spec::Node,
        out: &mut std::collections::BTreeMap<String, compose_spec::template::Variable>,
    ) {
        match &n.value {
            compose_spec::Value::Scalar(s) => {
                for v in compose_spec::template::extract_variables(&s.text) {
                    out.insert(v.name.clone(), v);
                }
            }
            compose_spec::Value::Seq(items) => items.iter().for_each(|i| walk(i, out)),
            compose_spec::Value::Map(m) => m.iter().for_each(|(_, v)| walk(v, out)),
            compose_spec::Value::Null => {}
        }
    }
    let mut vars = std::collections::BTreeMap::new();
    if let Some(t) = tree {
        walk(t, &mut vars);
    }
    if json {
        let m: serde_json::Map<String, serde_json::Value> = vars
            .values()
            .map(|v| {
                (
                    v.name.clone(),
                    serde_json::json!({
                        "Name": v.name,
                        "DefaultValue": v.default_value.clone().unwrap_or_default(),
                        "PresenceValue": v.presence_value.clone().unwrap_or_default(),
                        "Required": v.presence_required,
                    }),
                )
            })
            .collect();
        let mut buf = Vec::new();
        let fmt = serde_json::ser::PrettyFormatter::with_indent(b"    ");
        let mut ser = serde_json::Serializer::with_formatter(&mut buf, fmt);
        serde::Serialize::serialize(&m, &mut ser)?;
        return Ok(String::from_utf8(buf)? + "\n");
    }
    let rows: Vec<[String; 4]> = std::iter::once([
        "NAME".into(),
        "REQUIRED".into(),
        "DEFAULT VALUE".into(),
        "ALTERNATE VALUE".into(),
    ])
    .chain(vars.values().map(|v| {
        [
            v.name.clone(),
            v.presence_required.to_string(),
            v.default_value.clone().unwrap_or_default(),
            v.presence_value.clone().unwrap_or_default(),
        ]
    }))
    .collect();
    // docker's tabwriter: min width 20, padding 3; the last column is not padded
    let width = |c: usize| {
        rows.iter()
            .map(|r| r[c].chars().count() + 3)
            .max()
            .unwrap_or(0)
            .max(20)
    };
    let widths = [width(0), width(1), width(2)];
    let mut s = String::new();
    for r in &rows {
        for (c, w) in widths.iter().enumerate() {
            s.push_str(&format!("{:<w$}", r[c], w = *w));
        }
        s.push_str(&r[3]);
        s.push('\n');
    }
    Ok(s)
}

/// Service names with dependencies first, as compose's `ForEachService` visits them.
fn dependency_order(tree: Option<&compose_spec::Node>) -> Vec<String> {
    let Some(services) = tree
        .and_then(|t| t.get("services"))
        .and_then(|n| n.as_map())
    else {
        return Vec::new();
    };
    fn visit(
        name: &str,
        services: &compose_spec::node::Map,
        seen: &mut std::collections::BTreeSet<String>,
        out: &mut Vec<String>,
    ) {
        if !seen.insert(name.to_string()) {
            return;
        }
        if let Some(deps) = services
            .get(name)
            .and_then(|s| s.get("depends_on"))
            .and_then(|d| d.as_map())
        {
            let mut names: Vec<&str> = deps.keys().map(|k| k.as_str()).collect();
            names.sort();
            for d in names {
                if services.contains_key(d) {
                    visit(d, services, seen, out);
                }
            }
        }
        out.push(name.to_string());
    }
    let mut names: Vec<&str> = services.keys().map(|k| k.as_str()).collect();
    names.sort();
    let mut seen = std::collections::BTreeSet::new();
    let mut out = Vec::new();
    for n in names {
        visit(n, services, &mut seen, &mut out);
    }
    out
}

/// Sorts mapping keys recursively (Go maps print sorted).
fn sorted(v: serde_json::Value) -> serde_json::Value {
    match v {
        serde_json::Value::Object(m) => {
            let mut entries: Vec<(String, serde_json::Value)> = m.into_iter().collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            serde_json::Value::Object(entries.into_iter().map(|(k, v)| (k, sorted(v))).collect())
        }
        serde_json::Value::Array(a) => {
            serde_json::Value::Array(a.into_iter().map(sorted).collect())
        }
        other => other,
    }
}

/// The tree as indented JSON with Go's HTML-safe string escapes (numbers as serde_json writes them).
fn go_json(v: &serde_json::Value) -> anyhow::Result<String> {
    Ok(compose_spec::gocompat::json::escape_like_go(
        &serde_json::to_string_pretty(v)?,
    ))
}
