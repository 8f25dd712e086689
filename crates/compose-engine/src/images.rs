//! The services' images: find them locally, pull them per `pull_policy`, build
//! them, push them — what `up` does before it creates containers (compose's
//! `ensureImagesExists`) and what `build`, `pull` and `push` do on their own.
//!
//! Everything reports progress through a [`Sink`] and returns values; the
//! caller decides what to print.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;

use futures_util::stream::StreamExt;

use crate::build::{self, Overrides, ServiceBuild};
use crate::convert;
use crate::error::{Error, Result};
use crate::graph::Graph;
use crate::model::{Project, ServiceConfig};
use crate::progress::{Event, Sink, Status};
use crate::runtime::{BuildError, Image, Observe, Runtime, RuntimeError};

/// How `up` gets its images (`--build`, `--no-build`, `--pull`, `--quiet-pull`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImagePolicy {
    /// `--build`: build images before starting containers.
    pub build: bool,
    /// `--no-build`: never build, even when the policy says so.
    pub no_build: bool,
    /// `--pull always|missing|never|build`, overriding each service's `pull_policy`.
    pub pull: Option<String>,
    /// `--quiet-pull`: no pull progress.
    pub quiet_pull: bool,
    /// `--quiet-build`: no builder output.
    pub quiet_build: bool,
}

/// `--parallel`: at most this many at a time, where 0 means no limit (the
/// CLI maps compose's -1 to 0); the one place that rule is written.
pub fn limit(parallel: usize) -> usize {
    if parallel == 0 {
        usize::MAX
    } else {
        parallel
    }
}

/// compose's `GetPullPolicy`: `daily`, `weekly` and `every_<duration>` refresh
/// (pull when the local image was tagged longer ago than that);
/// anything unknown means `missing`.
pub fn policy(service: &ServiceConfig, cli: Option<&str>) -> &'static str {
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
pub fn refresh_secs(policy: &str) -> Option<i64> {
    match policy {
        "daily" => Some(86_400),
        "weekly" => Some(7 * 86_400),
        p => {
            let d = crate::model::Duration::parse(p.strip_prefix("every_")?).ok()?;
            Some(d.0 / 1_000_000_000)
        }
    }
}

fn emit(sink: &Sink, resource: &str, status: Status, text: &str) {
    sink(Event::new(resource, status, text));
}

/// The selected services' images found locally, by image name (their ids are
/// the `com.docker.compose.image` label). A missing one is an error naming the
/// service, unless `missing_ok` (for `plan`, which only warns): then it is
/// left out and named in the second value.
pub async fn resolve<O: Observe>(
    rt: &O,
    project: &Project,
    services: &BTreeSet<String>,
    missing_ok: bool,
) -> Result<(BTreeMap<String, Image>, Vec<Error>)> {
    let names: BTreeMap<&String, String> = project
        .services
        .iter()
        .filter(|(n, _)| services.contains(*n))
        .map(|(n, s)| (n, convert::image_name(&project.name, s)))
        .collect();
    // One inspect per distinct image (many services often share one).
    let distinct: BTreeSet<&String> = names.values().collect();
    let found = futures_util::future::join_all(distinct.iter().map(|i| rt.inspect_image(i))).await;
    let mut images = BTreeMap::new();
    for (name, r) in distinct.iter().zip(found) {
        if let Some(img) = r? {
            images.insert((*name).clone(), img);
        }
    }
    let mut missing = Vec::new();
    for (service, image) in &names {
        if images.contains_key(image) {
            continue;
        }
        let message = if project.services[*service].build.is_some() {
            format!("image {image} is not built yet: run `hoist build {service}` first")
        } else {
            format!("image {image} not found locally, and no registry is used to pull it: build or load it first (`docker build -t {image} ...` or `docker load`)")
        };
        let e = Error::Image {
            service: (*service).clone(),
            message,
        };
        if !missing_ok {
            return Err(e);
        }
        missing.push(e);
    }
    Ok((images, missing))
}

async fn pull_one<R: Runtime>(
    rt: &R,
    service: &str,
    image: &str,
    buildable: bool,
    quiet: bool,
    sink: &Sink,
) -> Result<()> {
    // compose's pull events: the service's phase is its event text (not its
    // status text), each layer an event of its own under the service.
    if !quiet {
        sink(Event::new(service, Status::Working, "").with_details("Pulling"));
    }
    let progress = |layer: &str, line: &str| {
        if !quiet {
            if let Some(e) = layer_event(service, layer, line) {
                sink(e);
            }
        }
    };
    match rt.pull_image(image, &progress).await {
        Ok(()) => {
            if !quiet {
                sink(Event::new(service, Status::Done, "").with_details("Pulled"));
            }
            Ok(())
        }
        Err(e) => {
            if !quiet {
                // An image that can be built may fail to pull: a warning, as in compose.
                let (status, word) = if buildable {
                    (Status::Warning, "Warning")
                } else {
                    (Status::Error, "Error")
                };
                sink(Event::new(service, status, e.to_string()).with_details(word));
            }
            Err(Error::Pull {
                service: service.to_string(),
                image: image.to_string(),
                source: e,
            })
        }
    }
}

/// One line of the engine's pull stream (`Downloading 1024/4096`, as the
/// runtime reports it) as compose's layer event (`toPullProgressEvent`):
/// the layer under `service`, the phase as the event text, the engine's
/// progress bar as the status text, bytes and percentage where the phase
/// has them. Lines about the image as a whole (`Pulling from ...`,
/// `Digest: ...`, `Status: ...`) are not layer events.
pub fn layer_event(service: &str, layer: &str, line: &str) -> Option<Event> {
    if layer.is_empty() {
        return None;
    }
    let (phase, counts) = match line.rsplit_once(' ') {
        Some((phase, n)) => match n.split_once('/') {
            Some((c, t)) => match (c.parse::<u64>(), t.parse::<u64>()) {
                (Ok(c), Ok(t)) => (phase, Some((c, t))),
                _ => (line, None),
            },
            None => (line, None),
        },
        None => (line, None),
    };
    if phase.starts_with("Pulling from ")
        || phase.starts_with("Digest: ")
        || phase.starts_with("Status: ")
    {
        return None;
    }
    let (current, total) = counts.unwrap_or((0, 0));
    let mut status = Status::Working;
    let (mut c, mut t, mut percent) = (0, 0, 0u64);
    match phase {
        "Downloading" | "Extracting" | "Verifying Checksum" => {
            (c, t) = (current, total);
            percent = current.saturating_mul(100).checked_div(total).unwrap_or(0);
        }
        "Download complete" | "Already exists" | "Pull complete" => {
            status = Status::Done;
            percent = 100;
        }
        _ => {}
    }
    Some(
        Event::new(layer, status, crate::progress::bar(current, total))
            .with_details(phase)
            .with_parent(service)
            .with_progress(c, t, percent.min(100) as u8),
    )
}

/// Pulls and builds what `up` needs, as compose does before creating
/// containers; returns the selected services' local images by name.
pub async fn ensure<R: Runtime>(
    rt: &R,
    project: &Project,
    selected: &BTreeSet<String>,
    policy_flags: &ImagePolicy,
    parallel: usize,
    sink: &Sink,
) -> Result<BTreeMap<String, Image>> {
    let o = policy_flags;
    let services: Vec<(&String, &ServiceConfig)> = project
        .services
        .iter()
        .filter(|(n, _)| selected.contains(*n))
        .map(|(n, s)| (n, &**s))
        .collect();
    for (name, s) in &services {
        if s.image.is_empty() && s.build.is_none() && s.provider.is_none() {
            return Err(Error::Invalid(format!(
                "invalid service {name:?}. Must specify either image or build"
            )));
        }
    }
    let names: BTreeMap<&String, String> = services
        .iter()
        .map(|(n, s)| (*n, convert::image_name(&project.name, s)))
        .collect();
    let (mut have, _) = resolve(rt, project, selected, true).await?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    // Pull.
    let to_pull: Vec<(&String, &ServiceConfig)> = services
        .iter()
        .filter(|(_, s)| !s.image.is_empty())
        .filter(|(n, s)| match policy(s, o.pull.as_deref()) {
            "always" => true,
            "never" | "build" => false,
            "refresh" => match (have.get(&names[n]), refresh_secs(&s.pull_policy)) {
                (Some(img), Some(every)) => now > img.last_tag_time.unwrap_or(0) + every,
                _ => true,
            },
            _ => !have.contains_key(&names[n]),
        })
        .copied()
        .collect();
    let pulled_any = !to_pull.is_empty();
    let failures = Mutex::new(Vec::new());
    futures_util::stream::iter(to_pull)
        .map(|(n, s)| {
            let failures = &failures;
            let have_it = have.contains_key(&names[n]);
            async move {
                match pull_one(rt, n, &s.image, s.build.is_some(), o.quiet_pull, sink).await {
                    Ok(()) => {}
                    // An image that can be built, or that is already here, may fail to pull.
                    Err(_) if s.build.is_some() || have_it => {}
                    Err(e) => failures.lock().unwrap_or_else(|e| e.into_inner()).push(e),
                }
            }
        })
        .buffer_unordered(limit(parallel))
        .collect::<Vec<()>>()
        .await;
    if let Some(e) = failures.into_inner().unwrap_or_default().into_iter().next() {
        return Err(e);
    }
    if pulled_any {
        have = resolve(rt, project, selected, true).await?.0;
    }
    // Build.
    let mut builds: BTreeMap<String, ServiceBuild> = BTreeMap::new();
    let overrides = Overrides {
        environment: project.environment.clone(),
        ..Default::default()
    };
    for (name, s) in &services {
        let image = &names[name];
        let wanted = s.build.is_some()
            && !o.no_build
            && (o.build || policy(s, o.pull.as_deref()) == "build" || !have.contains_key(image));
        if wanted {
            if let Some(b) =
                build::plan(project, s, &overrides).map_err(|message| Error::Image {
                    service: (*name).clone(),
                    message,
                })?
            {
                builds.insert((*name).clone(), b);
            }
        } else if !have.contains_key(image) {
            let message = if s.build.is_some() {
                format!("image {image} is not built and --no-build was given: run `hoist build {name}` first")
            } else if policy(s, o.pull.as_deref()) == "never" {
                format!("image {image} not found locally and pull_policy is never: build or load it first")
            } else {
                format!("image {image} not found locally, and it could not be pulled: build or load it first (`docker build -t {image} ...` or `docker load`)")
            };
            return Err(Error::Image {
                service: (*name).clone(),
                message,
            });
        }
    }
    if builds.is_empty() {
        return Ok(have);
    }
    let graph = Graph::new(project)?;
    build_layers(rt, &graph, builds, parallel, o.quiet_build, sink).await?;
    Ok(resolve(rt, project, selected, false).await?.0)
}

/// The builds of `services` (all with a `build:` section when empty; not their
/// dependencies), as [`build::plan`] makes them.
pub fn plan_builds(
    project: &Project,
    services: &[String],
    overrides: &Overrides,
) -> Result<BTreeMap<String, ServiceBuild>> {
    let selected: BTreeSet<String> = if services.is_empty() {
        project.services.keys().cloned().collect()
    } else {
        services.iter().cloned().collect()
    };
    let mut builds = BTreeMap::new();
    for name in &selected {
        let Some(service) = project.services.get(name) else {
            return Err(Error::Invalid(format!("no such service: {name}")));
        };
        if let Some(b) =
            build::plan(project, service, overrides).map_err(|message| Error::Image {
                service: name.clone(),
                message,
            })?
        {
            builds.insert(name.clone(), b);
        }
    }
    Ok(builds)
}

/// Runs `builds` in dependency order — a service's build starts once those of
/// the services it depends on are done — up to `parallel` at a time (0: no
/// limit); stops after the layer where a build failed and returns that
/// failure. The builder's output goes to `sink` as [`Status::Output`] lines of
/// the service unless `quiet`.
pub async fn build_layers<R: Runtime>(
    rt: &R,
    graph: &Graph,
    mut builds: BTreeMap<String, ServiceBuild>,
    parallel: usize,
    quiet: bool,
    sink: &Sink,
) -> Result<()> {
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
    for layer in layers {
        let n = limit(parallel).min(layer.len()).max(1);
        let results: Vec<(String, std::result::Result<(), BuildError>)> =
            futures_util::stream::iter(layer)
                .map(|b| async move {
                    let resource = format!("Service {}", b.service);
                    if !quiet {
                        emit(sink, &resource, Status::Working, "Building");
                    }
                    let progress = |line: &str| {
                        if !quiet {
                            emit(sink, &b.service, Status::Output, line);
                        }
                    };
                    let r = build::build(rt, &b, &progress).await;
                    if r.is_ok() && !quiet {
                        emit(sink, &resource, Status::Done, "Built");
                    }
                    (b.service.clone(), r.map(|_| ()))
                })
                .buffer_unordered(n)
                .collect()
                .await;
        let mut first: Option<Error> = None;
        for (service, r) in results {
            let e = match r {
                Ok(()) => continue,
                Err(BuildError::Failed(failure)) => Error::Build { service, failure },
                Err(BuildError::Runtime(source)) => Error::Image {
                    service,
                    message: format!("cannot build: {source}"),
                },
            };
            if first.is_none() {
                first = Some(e);
            }
        }
        if let Some(e) = first {
            return Err(e);
        }
    }
    Ok(())
}

/// The named services (all when none), with their dependencies when `include_deps`.
pub fn select(project: &Project, services: &[String], include_deps: bool) -> Result<Vec<String>> {
    for s in services {
        if !project.services.contains_key(s) {
            return Err(Error::Invalid(format!("no such service: {s}")));
        }
    }
    if services.is_empty() {
        return Ok(project.services.keys().cloned().collect());
    }
    if include_deps {
        let g = Graph::new(project)?;
        return Ok(g.with_dependencies(services).into_iter().collect());
    }
    Ok(services.to_vec())
}

/// Flags of `pull`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PullOptions {
    /// Services (all when empty).
    pub services: Vec<String>,
    /// Also their dependencies.
    pub include_deps: bool,
    /// Skip services that can be built.
    pub ignore_buildable: bool,
    /// `--policy`, replacing each service's `pull_policy`.
    pub policy: Option<String>,
    /// No progress.
    pub quiet: bool,
}

/// What `pull` did.
#[derive(Debug, Default)]
pub struct PullReport {
    /// Failed pulls: service and error.
    pub failures: Vec<(String, Error)>,
    /// Services whose pull failed but which can be built (sorted).
    pub must_build: Vec<String>,
}

/// `pull`: the services' images, as compose's `pull` reads the policy (as
/// written, `--policy` replacing it): `never` and `build` skip the service, an
/// explicit `missing` skips an image already here, and no policy (or a
/// refresh one) pulls.
pub async fn pull<R: Runtime>(
    rt: &R,
    project: &Project,
    o: &PullOptions,
    parallel: usize,
    sink: &Sink,
) -> Result<PullReport> {
    let names = select(project, &o.services, o.include_deps)?;
    let mut jobs = Vec::new();
    for n in &names {
        let s = &project.services[n];
        if s.image.is_empty() {
            continue; // built only
        }
        if o.ignore_buildable && s.build.is_some() {
            continue;
        }
        let skipped = match o.policy.as_deref().unwrap_or(&s.pull_policy) {
            "never" | "build" => Some("Skipped"),
            "missing" | "if_not_present" if rt.inspect_image(&s.image).await?.is_some() => {
                Some("Skipped - Image is already present locally")
            }
            _ => None,
        };
        if let Some(text) = skipped {
            if !o.quiet {
                sink(Event::new(n, Status::Done, "").with_details(text));
            }
            continue;
        }
        jobs.push((n.clone(), s.image.clone(), s.build.is_some()));
    }
    let results: Vec<(String, bool, Result<()>)> = futures_util::stream::iter(jobs)
        .map(|(n, image, buildable)| async move {
            let r = pull_one(rt, &n, &image, buildable, o.quiet, sink).await;
            (n, buildable, r)
        })
        .buffer_unordered(limit(parallel))
        .collect()
        .await;
    let mut report = PullReport::default();
    for (n, buildable, r) in results {
        if let Err(e) = r {
            if buildable {
                report.must_build.push(n.clone());
            }
            report.failures.push((n, e));
        }
    }
    report.must_build.sort();
    report.failures.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(report)
}

/// Flags of `push`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PushOptions {
    /// Services (all when empty).
    pub services: Vec<String>,
    /// Also their dependencies.
    pub include_deps: bool,
    /// No progress.
    pub quiet: bool,
}

/// `push`: the images of services with a `build:` section and an `image:`
/// name (and their `build.tags`), one after the other; returns the failures
/// (service, image, error).
pub async fn push<R: Runtime>(
    rt: &R,
    project: &Project,
    o: &PushOptions,
    sink: &Sink,
) -> Result<Vec<(String, String, RuntimeError)>> {
    let names = select(project, &o.services, o.include_deps)?;
    let mut failures = Vec::new();
    // compose says which services it skips before the pushes' first lines
    for n in &names {
        let s = &project.services[n];
        if s.build.is_none() || s.image.is_empty() {
            sink(Event::new(n.as_str(), Status::Done, "").with_details("Skipped"));
        }
    }
    for n in &names {
        let s = &project.services[n];
        let (Some(b), false) = (&s.build, s.image.is_empty()) else {
            continue;
        };
        let mut images = vec![s.image.clone()];
        images.extend(b.tags.iter().cloned());
        for image in images {
            let progress = |layer: &str, line: &str| {
                if o.quiet {
                    return;
                }
                if let Some(e) = push_event(&image, layer, line) {
                    sink(e);
                }
            };
            if let Err(e) = rt.push_image(&image, &progress).await {
                failures.push((n.clone(), image, e));
            }
        }
    }
    Ok(failures)
}

/// One line of the engine's push stream as compose's `toPushProgressEvent`:
/// `Pushing <tag>: <layer>` with the engine's status (`Preparing`, `Pushing`,
/// `Pushed`, `Layer already exists`, ...) and the docker CLI's bar; done at
/// `Pushed` and `Layer already exists`; `None` for lines without a layer
/// (the digest at the end). A line is `status [current/total [units]]`.
pub fn push_event(tag: &str, layer: &str, line: &str) -> Option<Event> {
    if layer.is_empty() {
        return None;
    }
    let mut words: Vec<&str> = line.split(' ').collect();
    let mut units = None;
    let mut counts = None;
    let parse = |w: &str| {
        w.split_once('/')
            .and_then(|(c, t)| Some((c.parse::<u64>().ok()?, t.parse::<u64>().ok()?)))
    };
    if words.len() >= 3 && parse(words[words.len() - 2]).is_some() {
        units = words.pop();
    }
    if words.len() >= 2 {
        if let Some(ct) = parse(words[words.len() - 1]) {
            counts = Some(ct);
            words.pop();
        }
    }
    let phase = words.join(" ");
    let done = matches!(
        phase.to_lowercase().as_str(),
        "pushed" | "layer already exists"
    );
    let (c, t) = counts.unwrap_or((0, 0));
    let mut percent = if done { 100 } else { 0 };
    let (mut current, mut total) = (0, 0);
    if t != 0 {
        (current, total) = (c, t);
        percent = c.saturating_mul(100) / t;
    }
    let bar = match units {
        // the docker CLI's bar with units: the counts as they are
        Some(u) => {
            let n = ((c as f64 / t.max(1) as f64 * 100.0) as usize / 2).min(50);
            format!("[{}>{}] {c}/{t} {u}", "=".repeat(n), " ".repeat(50 - n))
        }
        None => crate::progress::bar(c, t),
    };
    let status = if done { Status::Done } else { Status::Working };
    Some(
        Event::new(format!("Pushing {tag}: {layer}"), status, bar)
            .with_details(phase)
            .with_progress(current, total, percent.min(100) as u8),
    )
}

/// An image reference as the distribution library's `ParseDockerRef` writes
/// it: the registry domain made explicit (`docker.io`, with `library/` for
/// official images), `latest` when no tag is given, and no tag beside a digest.
///
/// ```
/// use compose_engine::images::full_reference;
/// assert_eq!(full_reference("busybox"), "docker.io/library/busybox:latest");
/// assert_eq!(full_reference("me/app:1"), "docker.io/me/app:1");
/// assert_eq!(full_reference("127.0.0.1:5000/app"), "127.0.0.1:5000/app:latest");
/// assert_eq!(full_reference("localhost/app:v2"), "localhost/app:v2");
/// assert_eq!(full_reference("app:1@sha256:ab"), "docker.io/library/app@sha256:ab");
/// ```
pub fn full_reference(image: &str) -> String {
    let (rest, digest) = match image.split_once('@') {
        Some((r, d)) => (r, Some(d)),
        None => (image, None),
    };
    let (name, tag) = match rest.rsplit_once(':') {
        Some((n, t)) if !t.contains('/') => (n, Some(t)),
        _ => (rest, None),
    };
    let full = match name.split_once('/') {
        Some((first, _)) if first.contains('.') || first.contains(':') || first == "localhost" => {
            name.to_string()
        }
        Some(_) => format!("docker.io/{name}"),
        None => format!("docker.io/library/{name}"),
    };
    match (digest, tag) {
        (Some(d), _) => format!("{full}@{d}"),
        (None, Some(t)) => format!("{full}:{t}"),
        (None, None) => format!("{full}:latest"),
    }
}

/// compose-go's `WithImagesResolved`: each service's `image` pinned to the
/// digest its registry gives it (`docker.io/library/busybox:latest@sha256:...`);
/// services without `image`, and images already pinned, stay as they are but
/// written in full.
pub async fn resolve_digests<O: Observe>(rt: &O, project: &mut Project) -> Result<()> {
    for service in project.services.values_mut() {
        if service.image.is_empty() {
            continue;
        }
        let full = full_reference(&service.image);
        if full.contains('@') {
            service.image = full;
            continue;
        }
        let digest = rt.registry_digest(&full).await.map_err(|e| Error::Image {
            service: service.name.clone(),
            message: format!("cannot resolve the digest of {}: {e}", service.image),
        })?;
        service.image = format!("{full}@{digest}");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::fake::Fake;

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

    fn project(dir: &std::path::Path, yaml: &str) -> Project {
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
        let graph = Graph::new(&p).unwrap();
        let builds = plan_builds(&p, &[], &Overrides::default()).unwrap();
        let fake = Fake::new();
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let sink = crate::progress::discard();
        rt.block_on(build_layers(&fake, &graph, builds.clone(), 1, true, &sink))
            .unwrap();
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
        let e = rt
            .block_on(build_layers(&fake, &graph, builds, 0, true, &sink))
            .unwrap_err();
        assert_eq!(e.exit_code(), 3);
        assert!(!fake.calls().contains(&"build image demo-app".to_string()));
    }

    /// The engine's pull lines as compose's layer events: (layer, line) → status, event text,
    /// status text, bytes, percentage; `None` for lines about the whole image.
    #[test]
    fn pull_lines_as_compose_layer_events() {
        type Want = Option<(Status, &'static str, u64, u64, u8)>;
        let cases: &[(&str, &str, Want)] = &[
            (
                "abc",
                "Pulling fs layer",
                Some((Status::Working, "Pulling fs layer", 0, 0, 0)),
            ),
            (
                "abc",
                "Waiting",
                Some((Status::Working, "Waiting", 0, 0, 0)),
            ),
            (
                "abc",
                "Downloading 500/2000",
                Some((Status::Working, "Downloading", 500, 2000, 25)),
            ),
            (
                "abc",
                "Extracting 2000/2000",
                Some((Status::Working, "Extracting", 2000, 2000, 100)),
            ),
            (
                "abc",
                "Verifying Checksum",
                Some((Status::Working, "Verifying Checksum", 0, 0, 0)),
            ),
            (
                "abc",
                "Download complete",
                Some((Status::Done, "Download complete", 0, 0, 100)),
            ),
            (
                "abc",
                "Already exists",
                Some((Status::Done, "Already exists", 0, 0, 100)),
            ),
            (
                "abc",
                "Pull complete",
                Some((Status::Done, "Pull complete", 0, 0, 100)),
            ),
            ("v1", "Pulling from hoist-e2e/app", None),
            ("", "Digest: sha256:0123", None),
            ("", "Status: Downloaded newer image for app:v1", None),
        ];
        for (layer, line, want) in cases {
            let got = layer_event("web", layer, line)
                .map(|e| (e.status, e.details.clone(), e.current, e.total, e.percent));
            let want = want.map(|(s, d, c, t, p)| (s, d.to_string(), c, t, p));
            assert_eq!(got, want, "{layer} {line}");
        }
        let e = layer_event("web", "abc", "Downloading 500/2000").unwrap();
        assert_eq!((e.resource.as_str(), e.parent.as_str()), ("abc", "web"));
        assert_eq!(e.text, crate::progress::bar(500, 2000));
    }

    /// The engine's push lines as compose's events: (layer, line) → status, engine status,
    /// bytes, percentage, bar; `None` without a layer.
    #[test]
    fn push_lines_as_compose_events() {
        type Want = Option<(Status, &'static str, u64, u64, u8, String)>;
        let bar = crate::progress::bar;
        let cases: Vec<(&str, &str, Want)> = vec![
            (
                "abc",
                "Preparing",
                Some((Status::Working, "Preparing", 0, 0, 0, String::new())),
            ),
            (
                "abc",
                "Waiting",
                Some((Status::Working, "Waiting", 0, 0, 0, String::new())),
            ),
            (
                "abc",
                "Pushing 500/2000",
                Some((Status::Working, "Pushing", 500, 2000, 25, bar(500, 2000))),
            ),
            (
                "abc",
                "Pushed",
                Some((Status::Done, "Pushed", 0, 0, 100, String::new())),
            ),
            (
                "abc",
                "Layer already exists",
                Some((
                    Status::Done,
                    "Layer already exists",
                    0,
                    0,
                    100,
                    String::new(),
                )),
            ),
            (
                "app:1",
                "Pushed 100/100 Mb",
                Some((
                    Status::Done,
                    "Pushed",
                    100,
                    100,
                    100,
                    format!("[{}>] 100/100 Mb", "=".repeat(50)),
                )),
            ),
            ("", "1: digest: sha256:0123 size: 945", None),
        ];
        for (layer, line, want) in cases {
            let got = push_event("app:1", layer, line).map(|e| {
                (
                    e.status,
                    e.details.clone(),
                    e.current,
                    e.total,
                    e.percent,
                    e.text.clone(),
                )
            });
            let want = want.map(|(s, d, c, t, p, b)| (s, d.to_string(), c, t, p, b));
            assert_eq!(got, want, "{layer} {line}");
        }
        let e = push_event("reg:5000/app:1", "abc", "Pushed").unwrap();
        assert_eq!(e.resource, "Pushing reg:5000/app:1: abc");
    }
}
