//! `hoist build [SERVICES...]`: build the services' images with the engine's
//! classic builder, as `docker compose build` does without BuildKit.
//!
//! Services build in dependency order (a service's build starts once the
//! builds of the services it depends on are done), several at a time up to
//! `--parallel`. The builder's output is printed line by line, prefixed with
//! the service name; a failed build prints the builder's error and the step
//! that failed, and the command exits with the failing command's code.

use std::collections::{BTreeMap, BTreeSet};
use std::process::ExitCode;

use anyhow::anyhow;
use clap::Args;
use compose_engine::apply::{Event, Status};
use compose_engine::build::{self, Overrides, ServiceBuild};
use compose_engine::graph::Graph;
use compose_engine::runtime::{BuildError, Runtime};
use futures_util::StreamExt;

use crate::cli::Global;
use crate::engine::{block_on, connect, load_project, parallel};
use crate::output;

/// Flags of `build`.
#[derive(Debug, Clone, Args, Default)]
pub struct BuildArgs {
    /// Services to build (default: all with a `build` section)
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
}

/// `build`.
pub fn run(global: &Global, args: &BuildArgs) -> anyhow::Result<ExitCode> {
    let project = match load_project(global, &args.services)? {
        Ok(p) => p,
        Err(code) => return Ok(code),
    };
    let overrides = Overrides {
        no_cache: args.no_cache,
        pull: args.pull,
        args: args.build_arg.clone(),
        environment: project.environment.clone(),
    };
    // Only the named services (all when none), not their dependencies.
    let selected: BTreeSet<String> = if args.services.is_empty() {
        project.services.keys().cloned().collect()
    } else {
        args.services.iter().cloned().collect()
    };
    let mut builds = BTreeMap::new();
    for name in &selected {
        let Some(service) = project.services.get(name) else {
            return Err(anyhow!("no such service: {name}"));
        };
        if let Some(b) = build::plan(&project, service, &overrides).map_err(|e| anyhow!(e))? {
            builds.insert(name.clone(), b);
        }
    }
    if builds.is_empty() {
        return Ok(ExitCode::SUCCESS);
    }
    let graph =
        Graph::new(&project).map_err(|c| anyhow!("dependency cycle: {}", c.0.join(" -> ")))?;
    let layers: Vec<Vec<ServiceBuild>> = graph
        .layers()
        .into_iter()
        .map(|layer| {
            layer
                .into_iter()
                .filter_map(|n| builds.remove(&n))
                .collect::<Vec<_>>()
        })
        .filter(|l| !l.is_empty())
        .collect();
    let docker = connect()?;
    let limit = parallel(global);
    let quiet = args.quiet;
    block_on(async move { build_all(&docker, layers, limit, quiet).await })
}

/// Runs the builds layer by layer, up to `limit` at a time (0: no limit);
/// stops starting new layers after a failure.
pub(crate) async fn build_all<R: Runtime>(
    rt: &R,
    layers: Vec<Vec<ServiceBuild>>,
    limit: usize,
    quiet: bool,
) -> anyhow::Result<ExitCode> {
    let width = layers
        .iter()
        .flatten()
        .map(|b| b.service.len())
        .max()
        .unwrap_or(0);
    let mut code = None;
    for layer in layers {
        let n = if limit == 0 { layer.len() } else { limit };
        let results: Vec<(String, Result<(), BuildError>)> = futures_util::stream::iter(layer)
            .map(|b| async move {
                let resource = format!("Service {}", b.service);
                if !quiet {
                    event(&resource, Status::Working, "Building");
                }
                let prefix = format!("{:<width$} | ", b.service);
                let progress = |line: &str| {
                    if !quiet {
                        output::build_line(&prefix, line);
                    }
                };
                let r = build::build(rt, &b, &progress).await;
                if r.is_ok() && !quiet {
                    event(&resource, Status::Done, "Built");
                }
                (b.service.clone(), r.map(|_| ()))
            })
            .buffer_unordered(n.max(1))
            .collect()
            .await;
        for (service, r) in results {
            match r {
                Ok(()) => {}
                Err(BuildError::Failed(f)) => {
                    output::stderr_line(&format!("service {service}: {f}"));
                    code.get_or_insert(f.code);
                }
                Err(BuildError::Runtime(e)) => {
                    output::stderr_line(&format!("service {service}: {e}"));
                    code.get_or_insert(1);
                }
            }
        }
        if code.is_some() {
            break;
        }
    }
    Ok(match code {
        None => ExitCode::SUCCESS,
        Some(c) => ExitCode::from(u8::try_from(c).ok().filter(|c| *c != 0).unwrap_or(1)),
    })
}

fn event(resource: &str, status: Status, text: &str) {
    output::progress(&Event {
        resource: resource.to_string(),
        status,
        text: text.to_string(),
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use compose_engine::runtime::fake::Fake;

    fn project(dir: &std::path::Path, yaml: &str) -> compose_engine::model::Project {
        std::fs::write(dir.join("compose.yaml"), yaml).unwrap();
        let o = compose_spec::loader::LoadOptions::new(dir.to_path_buf());
        let loaded = compose_spec::loader::load(&o);
        assert!(!loaded.has_errors());
        loaded.project.unwrap()
    }

    #[test]
    fn builds_in_dependency_order_and_stops_on_failure() {
        let t = tempfile::tempdir().unwrap();
        std::fs::write(t.path().join("Dockerfile"), "FROM scratch\n").unwrap();
        let p = project(
            t.path(),
            "name: demo\nservices:\n  base:\n    build: .\n  app:\n    build: .\n    depends_on: [base]\n  other:\n    build: .\n",
        );
        let plan = |n: &str| {
            build::plan(&p, &p.services[n], &Overrides::default())
                .unwrap()
                .unwrap()
        };
        let layers = vec![vec![plan("base"), plan("other")], vec![plan("app")]];
        let fake = Fake::new();
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let code = rt
            .block_on(build_all(&fake, layers.clone(), 1, true))
            .unwrap();
        assert_eq!(code, ExitCode::SUCCESS);
        assert_eq!(
            fake.calls(),
            vec![
                "build image demo-base",
                "build image demo-other",
                "build image demo-app"
            ]
        );

        let fake = Fake::new();
        fake.fail_build(
            "demo-base",
            "The command '/bin/sh -c exit 3' returned a non-zero code: 3",
        );
        let code = rt.block_on(build_all(&fake, layers, 0, true)).unwrap();
        assert_eq!(code, ExitCode::from(3));
        assert!(!fake.calls().contains(&"build image demo-app".to_string()));
    }
}
