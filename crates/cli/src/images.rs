//! Images for `up`, and the `pull` and `push` commands.
//!
//! `up` makes sure every service's image exists before planning, the way
//! compose's `ensureImagesExists` does: pull what `pull_policy` asks for
//! (a failed pull is fine when the service can be built), then build what
//! is still missing, what `--build` asks for, and `pull_policy: build`
//! services; `--no-build` turns a missing image into an error.

use std::collections::{BTreeMap, BTreeSet};
use std::process::ExitCode;
use std::sync::Mutex;

use anyhow::{anyhow, bail};
use clap::Args;
use compose_engine::apply::{Event, Status};
use compose_engine::build::{self, Overrides, ServiceBuild};
use compose_engine::convert;
use compose_engine::graph::Graph;
use compose_engine::model::{Project, ServiceConfig};
use compose_engine::runtime::{Image, Observe, Runtime};
use futures_util::stream::StreamExt;

use crate::cli::Global;
use crate::engine::{block_on, connect, load_project, parallel};
use crate::output;

/// Flags of `pull`.
#[derive(Debug, Clone, Args)]
pub struct PullArgs {
    /// Services to pull (default: all)
    pub services: Vec<String>,
    /// Pull what it can and ignores images with pull failures
    #[arg(long)]
    pub ignore_pull_failures: bool,
    /// Also pull services declared as dependencies
    #[arg(long)]
    pub include_deps: bool,
    /// Pull without printing progress information
    #[arg(short = 'q', long)]
    pub quiet: bool,
    /// Ignore images that can be built
    #[arg(long)]
    pub ignore_buildable: bool,
    /// Apply pull policy ("missing"|"always")
    #[arg(long)]
    pub policy: Option<String>,
}

/// Flags of `push`.
#[derive(Debug, Clone, Args)]
pub struct PushArgs {
    /// Services to push (default: all)
    pub services: Vec<String>,
    /// Push what it can and ignores images with push failures
    #[arg(long)]
    pub ignore_push_failures: bool,
    /// Also push images of services declared as dependencies
    #[arg(long)]
    pub include_deps: bool,
    /// Push without printing progress information
    #[arg(short = 'q', long)]
    pub quiet: bool,
}

fn event(resource: &str, status: Status, text: &str) {
    output::progress(&Event {
        resource: resource.to_string(),
        status,
        text: text.to_string(),
    });
}

/// compose's `GetPullPolicy`: `daily`, `weekly` and `every_<duration>` refresh
/// (pull when the local image was tagged longer ago than that);
/// anything unknown means `missing`.
fn policy(service: &ServiceConfig, cli: Option<&str>) -> &'static str {
    match cli.unwrap_or(&service.pull_policy) {
        "always" => "always",
        "never" => "never",
        "build" => "build",
        "daily" | "weekly" => "refresh",
        p if p.starts_with("every_") => "refresh",
        _ => "missing",
    }
}

/// The refresh period of `daily`, `weekly` and `every_<duration>`, in seconds.
fn refresh_secs(policy: &str) -> Option<i64> {
    match policy {
        "daily" => Some(86_400),
        "weekly" => Some(7 * 86_400),
        p => {
            let d = compose_engine::model::Duration::parse(p.strip_prefix("every_")?).ok()?;
            Some(d.0 / 1_000_000_000)
        }
    }
}

async fn pull_one<R: Runtime>(
    rt: &R,
    service: &str,
    image: &str,
    quiet: bool,
) -> anyhow::Result<()> {
    let resource = service.to_string();
    if !quiet {
        event(&resource, Status::Working, "Pulling");
    }
    let progress = |layer: &str, status: &str| {
        if !quiet && !layer.is_empty() {
            event(layer, Status::Working, status);
        }
    };
    match rt.pull_image(image, &progress).await {
        Ok(()) => {
            if !quiet {
                event(&resource, Status::Done, "Pulled");
            }
            Ok(())
        }
        Err(e) => {
            if !quiet {
                event(&resource, Status::Error, &format!("Error {e}"));
            }
            Err(anyhow!("service {service}: cannot pull {image}: {e}"))
        }
    }
}

/// Options of [`ensure_images`].
pub(crate) struct Ensure<'a> {
    pub project: &'a Project,
    pub environment: BTreeMap<String, String>,
    pub selected: &'a BTreeSet<String>,
    pub build: bool,
    pub no_build: bool,
    pub pull: Option<&'a str>,
    pub quiet_pull: bool,
    pub parallel: usize,
}

/// Pulls and builds what `up` needs, as compose does before creating containers.
/// Returns the local image ids (image name → id) when nothing was pulled or
/// built, so the caller need not ask again.
pub(crate) async fn ensure_images<R: Runtime>(
    rt: &R,
    o: Ensure<'_>,
) -> anyhow::Result<Option<BTreeMap<String, Image>>> {
    let services: Vec<(&String, &ServiceConfig)> = o
        .project
        .services
        .iter()
        .filter(|(n, _)| o.selected.contains(*n))
        .map(|(n, s)| (n, &**s))
        .collect();
    for (name, s) in &services {
        if s.image.is_empty() && s.build.is_none() && s.provider.is_none() {
            bail!("invalid service {name:?}. Must specify either image or build");
        }
    }
    let names: BTreeMap<&String, String> = services
        .iter()
        .map(|(n, s)| (*n, convert::image_name(&o.project.name, s)))
        .collect();
    // One inspect per distinct image (many services often share one).
    let distinct: BTreeSet<&String> = names.values().collect();
    let present =
        futures_util::future::join_all(distinct.iter().map(|i| rt.inspect_image(i))).await;
    let mut have: BTreeSet<String> = BTreeSet::new();
    let mut tagged: BTreeMap<String, i64> = BTreeMap::new();
    let mut ids: BTreeMap<String, Image> = BTreeMap::new();
    for (image, p) in distinct.iter().zip(present) {
        if let Some(img) = p.map_err(|e| anyhow!("{e}"))? {
            have.insert((*image).clone());
            tagged.insert((*image).clone(), img.last_tag_time.unwrap_or(0));
            ids.insert((*image).clone(), img);
        }
    }
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    // Pull.
    let to_pull: Vec<(&String, &ServiceConfig)> = services
        .iter()
        .filter(|(_, s)| !s.image.is_empty())
        .filter(|(n, s)| match policy(s, o.pull) {
            "always" => true,
            "never" | "build" => false,
            "refresh" => match (tagged.get(&names[n]), refresh_secs(&s.pull_policy)) {
                (Some(t), Some(every)) => now > t + every,
                _ => true,
            },
            _ => !have.contains(&names[n]),
        })
        .copied()
        .collect();
    let pulled_any = !to_pull.is_empty();
    let failures = Mutex::new(Vec::new());
    let limit = if o.parallel == 0 {
        usize::MAX
    } else {
        o.parallel
    };
    futures_util::stream::iter(to_pull)
        .map(|(n, s)| {
            let failures = &failures;
            let have_it = have.contains(&names[n]);
            async move {
                match pull_one(rt, n, &s.image, o.quiet_pull).await {
                    Ok(()) => {}
                    // An image that can be built, or that is already here, may fail to pull.
                    Err(_) if s.build.is_some() || have_it => {}
                    Err(e) => failures.lock().unwrap_or_else(|e| e.into_inner()).push(e),
                }
            }
        })
        .buffer_unordered(limit)
        .collect::<Vec<()>>()
        .await;
    if let Some(e) = failures.into_inner().unwrap_or_default().into_iter().next() {
        bail!(
            "{e}\nthe image could not be pulled: check its name and the registry, or build or load it locally (`docker build -t IMAGE ...`, `docker load`)"
        );
    }
    // Re-check what the pulls brought.
    if pulled_any {
        let present =
            futures_util::future::join_all(distinct.iter().map(|i| rt.inspect_image(i))).await;
        for (image, p) in distinct.iter().zip(present) {
            if let Ok(Some(_)) = p {
                have.insert((*image).clone());
            }
        }
    }
    // Build.
    let mut builds: BTreeMap<String, ServiceBuild> = BTreeMap::new();
    let overrides = Overrides {
        environment: o.environment.clone(),
        ..Default::default()
    };
    for (name, s) in &services {
        let image = &names[name];
        let wanted = s.build.is_some()
            && !o.no_build
            && (o.build || policy(s, o.pull) == "build" || !have.contains(image));
        if wanted {
            if let Some(b) = build::plan(o.project, s, &overrides).map_err(|e| anyhow!(e))? {
                builds.insert((*name).clone(), b);
            }
        } else if !have.contains(image) {
            if s.build.is_some() {
                bail!("service {name}: image {image} is not built and --no-build was given: run `hoist build {name}` first");
            }
            if policy(s, o.pull) == "never" {
                bail!("service {name}: image {image} not found locally and pull_policy is never: build or load it first");
            }
            bail!("service {name}: image {image} not found locally, and it could not be pulled: build or load it first (`docker build -t {image} ...` or `docker load`)");
        }
    }
    if builds.is_empty() {
        return Ok((!pulled_any).then_some(ids));
    }
    let graph = Graph::new(o.project).map_err(|e| anyhow!("{e}"))?;
    let layers: Vec<Vec<ServiceBuild>> = graph
        .layers()
        .into_iter()
        .map(|l| {
            l.into_iter()
                .filter_map(|n| builds.remove(&n))
                .collect::<Vec<_>>()
        })
        .filter(|l| !l.is_empty())
        .collect();
    let code = crate::build::build_all(rt, layers, o.parallel, false).await?;
    if code != ExitCode::SUCCESS {
        bail!("failed to build the images: see the builder's output above");
    }
    Ok(None)
}

fn selected(
    project: &Project,
    services: &[String],
    include_deps: bool,
) -> anyhow::Result<Vec<String>> {
    for s in services {
        if !project.services.contains_key(s) {
            bail!("no such service: {s}");
        }
    }
    if services.is_empty() {
        return Ok(project.services.keys().cloned().collect());
    }
    if include_deps {
        let g = Graph::new(project).map_err(|e| anyhow!("{e}"))?;
        return Ok(g.with_dependencies(services).into_iter().collect());
    }
    Ok(services.to_vec())
}

/// `pull`.
pub fn pull(global: &Global, args: &PullArgs) -> anyhow::Result<ExitCode> {
    let project = match load_project(global, &[])? {
        Ok(p) => p,
        Err(code) => return Ok(code),
    };
    let names = selected(&project, &args.services, args.include_deps)?;
    let rt = connect()?;
    let limit = parallel(global);
    block_on(async move {
        let mut jobs = Vec::new();
        for n in &names {
            let s = &project.services[n];
            if s.image.is_empty() {
                continue; // built only
            }
            if args.ignore_buildable && s.build.is_some() {
                continue;
            }
            // compose's `pull` reads the policy as written (`--policy` replaces it): `never` and
            // `build` skip the service, an explicit `missing` skips an image already here, and no
            // policy (or a refresh one) pulls.
            let skipped = match args.policy.as_deref().unwrap_or(&s.pull_policy) {
                "never" | "build" => Some("Skipped"),
                "missing" | "if_not_present"
                    if rt.inspect_image(&s.image).await.ok().flatten().is_some() =>
                {
                    Some("Skipped - Image is already present locally")
                }
                _ => None,
            };
            if let Some(text) = skipped {
                if !args.quiet {
                    event(n, Status::Done, text);
                }
                continue;
            }
            jobs.push((n.clone(), s.image.clone(), s.build.is_some()));
        }
        let results: Vec<(String, bool, anyhow::Result<()>)> = futures_util::stream::iter(jobs)
            .map(|(n, image, buildable)| {
                let rt = &rt;
                async move {
                    let r = pull_one(rt, &n, &image, args.quiet).await;
                    (n, buildable, r)
                }
            })
            .buffer_unordered(if limit == 0 { usize::MAX } else { limit })
            .collect()
            .await;
        // Like compose, a failed pull fails the command (unless --ignore-pull-failures) even
        // when the image can be built; those services are named in a hint to build them.
        let mut failed = false;
        let mut must_build = Vec::new();
        for (n, buildable, r) in results {
            if let Err(e) = r {
                if buildable {
                    must_build.push(n.clone());
                }
                if args.ignore_pull_failures {
                    output::stderr_line(&format!("WARN[0000] {e}"));
                } else {
                    output::stderr_line(&format!("{n}: {e}"));
                    failed = true;
                }
            }
        }
        if !must_build.is_empty() {
            must_build.sort();
            output::stderr_line(&format!(
                "WARNING: Some service image(s) must be built from source by running:\n    hoist build {}",
                must_build.join(" ")
            ));
        }
        Ok(if failed {
            ExitCode::from(1)
        } else {
            ExitCode::SUCCESS
        })
    })
}

/// `push`: services with a `build` section and an `image` name.
pub fn push(global: &Global, args: &PushArgs) -> anyhow::Result<ExitCode> {
    let project = match load_project(global, &[])? {
        Ok(p) => p,
        Err(code) => return Ok(code),
    };
    let names = selected(&project, &args.services, args.include_deps)?;
    let rt = connect()?;
    block_on(async move {
        let mut failed = false;
        for n in &names {
            let s = &project.services[n];
            if s.build.is_none() || s.image.is_empty() {
                continue;
            }
            let mut images = vec![s.image.clone()];
            if let Some(b) = &s.build {
                images.extend(b.tags.iter().cloned());
            }
            for image in images {
                let resource = format!("Image {image}");
                if !args.quiet {
                    event(&resource, Status::Working, "Pushing");
                }
                let progress = |layer: &str, status: &str| {
                    if !args.quiet && !layer.is_empty() {
                        event(layer, Status::Working, status);
                    }
                };
                match rt.push_image(&image, &progress).await {
                    Ok(()) => {
                        if !args.quiet {
                            event(&resource, Status::Done, "Pushed");
                        }
                    }
                    Err(e) if args.ignore_push_failures => {
                        output::stderr_line(&format!(
                            "WARN[0000] service {n}: cannot push {image}: {e}"
                        ));
                    }
                    Err(e) => {
                        output::stderr_line(&format!("service {n}: cannot push {image}: {e}"));
                        failed = true;
                    }
                }
            }
        }
        Ok(if failed {
            ExitCode::from(1)
        } else {
            ExitCode::SUCCESS
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pull_policies_as_compose_reads_them() {
        let with = |p: &str| ServiceConfig {
            pull_policy: p.into(),
            ..Default::default()
        };
        for (p, want) in [
            ("always", "always"),
            ("never", "never"),
            ("build", "build"),
            ("missing", "missing"),
            ("if_not_present", "missing"),
            ("", "missing"),
            ("daily", "refresh"),
            ("weekly", "refresh"),
            ("every_12h", "refresh"),
            ("bogus", "missing"),
        ] {
            assert_eq!(policy(&with(p), None), want, "{p}");
        }
        assert_eq!(policy(&with("never"), Some("always")), "always");
        assert_eq!(refresh_secs("daily"), Some(86_400));
        assert_eq!(refresh_secs("weekly"), Some(604_800));
        assert_eq!(refresh_secs("every_1h30m"), Some(5_400));
        assert_eq!(refresh_secs("every_2d"), Some(172_800));
        assert_eq!(refresh_secs("every_x"), None);
    }
}
