//! `up` as a library call: ensure the images (pull per policy, then build),
//! observe, plan, apply, wait — compose's `up` without its terminal, so a Rust
//! tool embedding the engine gets the same convergence as the CLI.
//!
//! [`UpFlags`] carries `up`'s flags as compose names them and
//! [`UpFlags::request`] is the one place they become an [`UpRequest`] (the CLI
//! and the golden plan tests both go through it). [`plan`] needs only an
//! [`Observe`]r and changes nothing; [`up`] needs a [`Runtime`] and reports
//! progress through a [`Sink`].

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use crate::apply::{self, ApplyOptions};
use crate::desired::{known_from, select, ProjectSpecs, UpRequest};
use crate::error::{Error, Result};
use crate::graph::Graph;
use crate::images::{self, ImagePolicy};
use crate::observe::{explain, observe};
use crate::plan::Plan;
use crate::progress::Sink;
use crate::reconcile::{self, Desired, Observed, Recreate, UpOptions};
use crate::runtime::{Image, Observe, Runtime};

/// The flags of `up` (and `create`, `scale`, `plan`) that decide what happens,
/// as compose names them; the display flags stay with the caller.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UpFlags {
    /// Services named on the command line (empty: all).
    pub services: Vec<String>,
    /// `--no-deps`.
    pub no_deps: bool,
    /// No service, only networks and volumes (see [`UpRequest::resources_only`]).
    pub resources_only: bool,
    /// `--scale SERVICE=NUM`.
    pub scale: BTreeMap<String, u32>,
    /// `--force-recreate`.
    pub force_recreate: bool,
    /// `--no-recreate`.
    pub no_recreate: bool,
    /// `--always-recreate-deps`.
    pub always_recreate_deps: bool,
    /// `--remove-orphans` (or `COMPOSE_REMOVE_ORPHANS`).
    pub remove_orphans: bool,
    /// `COMPOSE_IGNORE_ORPHANS`: no warning about orphans.
    pub ignore_orphans: bool,
    /// `--no-start` (`create`).
    pub no_start: bool,
    /// `--wait`.
    pub wait: bool,
    /// `--wait-timeout` (with `--wait`).
    pub wait_timeout: Option<Duration>,
    /// `-t/--timeout`: seconds to wait for containers to stop.
    pub timeout: Option<i64>,
    /// `-V/--renew-anon-volumes`.
    pub renew_anon_volumes: bool,
    /// `--build`, `--no-build`, `--pull`, `--quiet-pull`.
    pub images: ImagePolicy,
    /// `--parallel` (0: no limit).
    pub parallel: usize,
}

/// `SERVICE=NUM` pairs of `--scale` (and `scale`'s arguments).
pub fn parse_scale(items: &[String]) -> Result<BTreeMap<String, u32>> {
    let mut out = BTreeMap::new();
    for s in items {
        let (k, v) = s
            .split_once('=')
            .ok_or_else(|| Error::Invalid(format!("invalid scale {s:?}: expected SERVICE=NUM")))?;
        let n: u32 = v
            .parse()
            .map_err(|_| Error::Invalid(format!("invalid scale {s:?}: {v:?} is not a number")))?;
        out.insert(k.to_string(), n);
    }
    Ok(out)
}

impl UpFlags {
    /// The desired-state request these flags make: compose's recreate policies
    /// (`--force-recreate` for the named services, `--always-recreate-deps` for
    /// their dependencies, `--no-recreate` for both).
    pub fn request(&self) -> UpRequest {
        let never_or = |force: bool| {
            if force {
                Recreate::Force
            } else if self.no_recreate {
                Recreate::Never
            } else {
                Recreate::Diverged
            }
        };
        UpRequest {
            services: self.services.clone(),
            no_deps: self.no_deps,
            resources_only: self.resources_only,
            scale: self.scale.clone(),
            recreate: never_or(self.force_recreate),
            recreate_deps: never_or(self.always_recreate_deps),
            options: UpOptions {
                remove_orphans: self.remove_orphans,
                no_start: self.no_start,
                wait: self.wait,
                ignore_orphans: self.ignore_orphans,
            },
        }
    }
}

/// What `up` knows before it changes anything.
#[derive(Debug)]
pub struct Prepared {
    /// The project and the facts create bodies need (images, API version).
    pub specs: ProjectSpecs,
    /// The desired state.
    pub desired: Desired,
    /// What the engine holds.
    pub observed: Observed,
    /// What converging takes.
    pub plan: Plan,
    /// Problems found while planning that `up` would stop at (a missing
    /// image, for `plan`, which does not pull or build).
    pub problems: Vec<Error>,
}

/// Checks the flags against the project: every named service exists, and a
/// `container_name` is not scaled beyond one replica.
pub fn validate(project: &crate::model::Project, flags: &UpFlags) -> Result<BTreeSet<String>> {
    for s in flags.services.iter().chain(flags.scale.keys()) {
        if !project.services.contains_key(s) {
            return Err(Error::Invalid(format!("no such service: {s}")));
        }
    }
    let graph = Graph::new(project)?;
    let selected = if flags.resources_only {
        BTreeSet::new()
    } else {
        select(project, &graph, &flags.services, flags.no_deps)
    };
    for (name, s) in &project.services {
        let n = flags
            .scale
            .get(name)
            .copied()
            .unwrap_or_else(|| crate::desired::scale_of(s));
        if n > 1 && !s.container_name.is_empty() && selected.contains(name) {
            return Err(Error::Invalid(format!(
                "service {name}: `container_name` {:?} cannot be used with {n} replicas: a container name must be unique; remove `container_name` or scale to 1",
                s.container_name
            )));
        }
    }
    Ok(selected)
}

/// Observes and plans, given the images (or the reads that find them).
async fn prepare<O: Observe>(
    rt: &O,
    mut specs: ProjectSpecs,
    flags: &UpFlags,
    images: impl std::future::Future<Output = Result<(BTreeMap<String, Image>, Vec<Error>)>>,
) -> Result<Prepared> {
    // Independent reads (and, for up, pulls/builds), in one round trip.
    let (version, images, observed) = tokio::join!(
        rt.version(),
        images,
        observe(rt, &specs.project.name, Some(&specs.project))
    );
    specs.api = version?.api;
    let (images, problems) = images?;
    for (name, image) in images {
        specs.images.insert(name.clone(), image.id);
        specs.image_volumes.insert(name, image.volumes);
    }
    specs.renew_anon_volumes = flags.renew_anon_volumes;
    let observed = observed?;
    let desired = specs.desired(&flags.request(), &observed)?;
    let observed = explain(rt, &desired, observed).await;
    let plan = reconcile::reconcile(&desired, &observed)?;
    Ok(Prepared {
        specs,
        desired,
        observed,
        plan,
        problems,
    })
}

/// compose says ` Container x  Running` for each running container of the
/// converged services that it leaves as it is.
fn announce_running(prepared: &Prepared, sink: &Sink) {
    let touched: BTreeSet<String> = prepared
        .plan
        .ops
        .iter()
        .filter_map(|op| match &op.action {
            crate::plan::Action::CreateContainer {
                replaces: Some(n), ..
            } => Some(n.clone()),
            crate::plan::Action::StartContainer { name, .. }
            | crate::plan::Action::StopContainer { name, .. }
            | crate::plan::Action::RemoveContainer { name, .. } => Some(name.clone()),
            crate::plan::Action::RenameContainer { to, .. } => Some(to.clone()),
            _ => None,
        })
        .collect();
    for c in &prepared.observed.containers {
        let service = c.label(crate::labels::SERVICE);
        if c.state == crate::runtime::ContainerState::Running
            && c.label(crate::labels::ONEOFF) != "True"
            && prepared.desired.services.contains_key(service)
            && !touched.contains(&c.name)
        {
            sink(crate::progress::Event::new(
                format!("Container {}", c.name),
                crate::progress::Status::Done,
                "Running",
            ));
        }
    }
}

/// What `up` would do, read-only: images are looked for but neither pulled
/// nor built (a missing one is in [`Prepared::problems`]).
pub async fn plan<O: Observe>(rt: &O, specs: ProjectSpecs, flags: &UpFlags) -> Result<Prepared> {
    let selected = validate(&specs.project, flags)?;
    let project = specs.project.clone();
    let images = images::resolve(rt, &project, &selected, true);
    prepare(rt, specs, flags, images).await
}

/// `up`: ensures the images, plans and applies the plan (waiting per
/// `--wait`/`--wait-timeout`), reporting progress to `sink`. Setting `cancel`
/// to `true` (Ctrl-C) stops it: no new operation starts, those changing the
/// engine finish, and the result is [`Error::Interrupted`]. Returns what was
/// planned and done.
pub async fn up<R: Runtime>(
    rt: &R,
    specs: ProjectSpecs,
    flags: &UpFlags,
    sink: &Sink,
    cancel: Option<tokio::sync::watch::Receiver<bool>>,
) -> Result<Prepared> {
    let selected = validate(&specs.project, flags)?;
    let project = specs.project.clone();
    let images = async {
        let have =
            images::ensure(rt, &project, &selected, &flags.images, flags.parallel, sink).await?;
        Ok((have, Vec::new()))
    };
    let prepared = prepare(rt, specs, flags, images).await?;
    crate::progress::warnings(sink, &prepared.plan.warnings);
    announce_running(&prepared, sink);
    let opts = ApplyOptions {
        parallel: flags.parallel,
        timeout: flags.timeout,
        sink: sink.clone(),
        cancel: cancel.clone(),
        ..Default::default()
    };
    let work = apply::apply(
        rt,
        &prepared.specs,
        &prepared.plan,
        known_from(&prepared.observed),
        &opts,
    );
    let result = match flags.wait_timeout.filter(|_| flags.wait) {
        Some(limit) => tokio::time::timeout(limit, work)
            .await
            .map_err(|_| Error::WaitTimeout(limit))?,
        None => work.await,
    };
    if cancel.is_some_and(|c| *c.borrow()) {
        return Err(Error::Interrupted);
    }
    result?;
    Ok(prepared)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_map_to_compose_recreate_policies() {
        let f = |force, no, deps| UpFlags {
            force_recreate: force,
            no_recreate: no,
            always_recreate_deps: deps,
            ..Default::default()
        };
        let r = f(false, false, false).request();
        assert_eq!(
            (r.recreate, r.recreate_deps),
            (Recreate::Diverged, Recreate::Diverged)
        );
        let r = f(true, false, false).request();
        assert_eq!(
            (r.recreate, r.recreate_deps),
            (Recreate::Force, Recreate::Diverged)
        );
        let r = f(false, true, false).request();
        assert_eq!(
            (r.recreate, r.recreate_deps),
            (Recreate::Never, Recreate::Never)
        );
        let r = f(false, false, true).request();
        assert_eq!(
            (r.recreate, r.recreate_deps),
            (Recreate::Diverged, Recreate::Force)
        );
    }

    #[test]
    fn scale_pairs() {
        assert_eq!(
            parse_scale(&["web=3".into(), "db=0".into()]).unwrap(),
            BTreeMap::from([("web".into(), 3), ("db".into(), 0)])
        );
        assert!(parse_scale(&["web".into()]).is_err());
        assert!(parse_scale(&["web=x".into()]).is_err());
    }
}
