//! `hoist build [SERVICES...]`: build the services' images through the
//! engine's BuildKit, or its classic builder with `DOCKER_BUILDKIT=0`, as
//! `docker compose build` does (compose_engine's `build::buildkit_enabled`).
//!
//! `--with-dependencies` adds the services the named ones depend on, `--push`
//! pushes the built images (as `push` does), `-m` sets the classic builder's
//! memory limit. The flags that need what hoist's BuildKit session does not
//! serve (`--ssh`, `--check`, `--print`, `--provenance`, `--sbom`, a
//! `--builder` other than the engine's own `default`) are refused with exit 1,
//! never ignored.
//!
//! Services build in dependency order, several at a time up to `--parallel`
//! (compose_engine's `images::build_layers`). The builder's output is printed
//! line by line, prefixed with the service name; a failed build prints the
//! builder's error and the step that failed, and the command exits with the
//! failing command's code.

use std::process::ExitCode;

use clap::Args;
use compose_engine::build::Overrides;
use compose_engine::graph::Graph;
use compose_engine::images;

use crate::cli::Global;
use crate::output;
use crate::session::{block_on, Need, Session};

/// Flags of `build`.
#[derive(Debug, Clone, Args, Default)]
pub struct BuildArgs {
    /// Services to build (default: all with a `build` section)
    #[arg(add = crate::complete::service_names())]
    pub services: Vec<String>,
    /// Do not use cache when building the image
    #[arg(long)]
    pub no_cache: bool,
    /// Always attempt to pull a newer version of the image
    #[arg(long)]
    pub pull: bool,
    /// Set build-time variables for services
    #[arg(long = "build-arg", value_name = "KEY=VALUE")]
    pub build_arg: Vec<String>,
    /// Suppress the build output
    #[arg(short = 'q', long)]
    pub quiet: bool,
    /// Push service images
    #[arg(long)]
    pub push: bool,
    /// Also build dependencies (transitively)
    #[arg(long)]
    pub with_dependencies: bool,
    /// Set memory limit for the build container. Not supported by BuildKit.
    #[arg(short = 'm', long, value_name = "BYTES")]
    pub memory: Option<String>,
    /// Set SSH authentications used when building service images. (use 'default' for using your default SSH Agent)
    #[arg(long, num_args = 0..=1, default_missing_value = "default")]
    pub ssh: Option<String>,
    /// Set builder to use
    #[arg(long)]
    pub builder: Option<String>,
    /// Check build configuration
    #[arg(long)]
    pub check: bool,
    /// Print equivalent bake file
    #[arg(long)]
    pub print: bool,
    /// Add a provenance attestation
    #[arg(long)]
    pub provenance: Option<String>,
    /// Add a SBOM attestation
    #[arg(long)]
    pub sbom: Option<String>,
}

/// The flags hoist cannot honour, as one clear refusal each.
fn refused(args: &BuildArgs) -> Option<String> {
    let not_yet =
        |flag: &str, why: &str| Some(format!("build {flag}: not supported by hoist: {why}"));
    if args.check && !args.print {
        return not_yet(
            "--check",
            "BuildKit's build checks need a newer Dockerfile frontend than hoist drives",
        );
    }
    if args.provenance.is_some() {
        return not_yet("--provenance", "attestations need a BuildKit builder with an image store that keeps them, not the engine's docker exporter");
    }
    if args.sbom.is_some() {
        return not_yet("--sbom", "attestations need a BuildKit builder with an image store that keeps them, not the engine's docker exporter");
    }
    let builder = args
        .builder
        .clone()
        .or_else(|| std::env::var("BUILDX_BUILDER").ok())
        .filter(|b| !b.is_empty());
    if let Some(b) = builder.filter(|b| b != "default") {
        return Some(format!(
            "build --builder {b}: not supported by hoist: it builds only with the engine's own BuildKit (builder \"default\")"
        ));
    }
    None
}

/// `--ssh`: `default` (the agent of `SSH_AUTH_SOCK`) or `ID=PATH`, as compose
/// reads it.
fn ssh_keys(flag: Option<&str>) -> anyhow::Result<Vec<compose_engine::model::SshKey>> {
    let Some(v) = flag.filter(|v| !v.is_empty()) else {
        return Ok(Vec::new());
    };
    let (id, path) = match v.split_once('=') {
        Some((id, path)) => (id, path),
        None if v == "default" => (v, ""),
        None => anyhow::bail!("invalid ssh key {v:?}"),
    };
    Ok(vec![compose_engine::model::SshKey {
        id: id.to_string(),
        path: path.to_string(),
    }])
}

/// Runs `build`.
pub fn run(global: &Global, args: &BuildArgs) -> anyhow::Result<ExitCode> {
    if let Some(message) = refused(args) {
        output::stderr_line(&message);
        return Ok(ExitCode::from(1));
    }
    let session = Session::load(global, &args.services, Need::File)?;
    let project = session.require_project()?;
    let memory = match &args.memory {
        Some(m) => compose_spec::gocompat::units::ram_in_bytes(m).map_err(|e| {
            anyhow::anyhow!("invalid argument {m:?} for \"-m, --memory\" flag: {e}")
        })?,
        None => 0,
    };
    let overrides = Overrides {
        no_cache: args.no_cache,
        pull: args.pull,
        args: args.build_arg.clone(),
        memory,
        environment: project.environment.clone(),
        ssh: ssh_keys(args.ssh.as_deref())?,
    };
    let graph = Graph::new(project)?;
    let services: Vec<String> = if args.with_dependencies && !args.services.is_empty() {
        graph
            .with_dependencies(&args.services)
            .into_iter()
            .collect()
    } else {
        args.services.clone()
    };
    if args.print {
        // compose's project holds the named services and what they depend on;
        // the default group is what would be built.
        let all: Vec<String> = project.services.keys().cloned().collect();
        let named = if args.services.is_empty() {
            &all
        } else {
            &args.services
        };
        let kept = graph.with_dependencies(named);
        let mut view = project.clone();
        view.services.retain(|n, _| kept.contains(n));
        let building = if services.is_empty() { &all } else { &services };
        let flags = compose_engine::build::bake::BakeFlags {
            push: args.push,
            check: args.check,
        };
        let text = compose_engine::build::bake::bake_file(&view, building, &overrides, &flags);
        output::stdout(&format!("{text}\n"));
        return Ok(ExitCode::SUCCESS);
    }
    let builds = images::plan_builds(project, &services, &overrides)?;
    if builds.is_empty() {
        return Ok(ExitCode::SUCCESS);
    }
    let pushed: Vec<String> = builds.keys().cloned().collect();
    let width = builds.keys().map(String::len).max().unwrap_or(0);
    block_on(async {
        let rt = session.engine()?;
        let sink = output::sink_padded(width);
        match images::build_layers(&rt, &graph, builds, session.parallel(), args.quiet, &sink).await
        {
            Ok(()) if args.push => {
                let o = images::PushOptions {
                    services: pushed,
                    include_deps: false,
                    quiet: args.quiet,
                };
                let failures = images::push(&rt, project, &o, &output::sink()).await?;
                for (service, image, e) in &failures {
                    output::stderr_line(&format!("service {service}: cannot push {image}: {e}"));
                }
                Ok(if failures.is_empty() {
                    ExitCode::SUCCESS
                } else {
                    ExitCode::from(1)
                })
            }
            Ok(()) => Ok(ExitCode::SUCCESS),
            Err(e @ compose_engine::Error::Build { .. }) => {
                output::stderr_line(&e.to_string());
                Ok(ExitCode::from(e.exit_code()))
            }
            Err(e) => Err(e.into()),
        }
    })
}
