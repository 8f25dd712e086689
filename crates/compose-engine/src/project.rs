//! Operations on a project that is already there: list its containers, start,
//! stop, restart, pause, unpause, kill and remove them in dependency order,
//! and tear it all down — with the compose file, or from the labels alone
//! when it is gone (as compose's `down`, `stop`, ... do with `-p NAME`).
//!
//! Progress goes to a [`Sink`] as compose words it
//! (`Container demo-web-1  Stopping` … `Stopped`).

use std::collections::BTreeMap;

use futures_util::future::join_all;

use crate::apply::{self, ApplyOptions};
use crate::desired::{known_from, ProjectSpecs, UpRequest};
use crate::error::{Error, Result};
use crate::graph::Graph;
use crate::labels;
use crate::model::Project;
use crate::observe::{observe, project_filter};
use crate::plan::Plan;
use crate::progress::{Event, Sink, Status};
use crate::reconcile::{self, DownOptions};
use crate::runtime::{Container, ContainerState, Observe, Runtime};

/// `no such service: x` for the first named service the project lacks.
pub fn check_services(project: &Project, services: &[String]) -> Result<()> {
    match services.iter().find(|s| !project.services.contains_key(*s)) {
        Some(s) => Err(Error::Invalid(format!("no such service: {s}"))),
        None => Ok(()),
    }
}

/// The project's containers (stopped ones too) of `services` (all when
/// empty), one-off ones (`run`) only with `oneoff`; sorted by service, then
/// replica number, then name.
pub async fn containers<O: Observe>(
    rt: &O,
    project: &str,
    services: &[String],
    oneoff: bool,
) -> Result<Vec<Container>> {
    let mut cs = rt.list_containers(&project_filter(project), true).await?;
    cs.retain(|c| oneoff || c.label(labels::ONEOFF) != "True");
    if !services.is_empty() {
        cs.retain(|c| services.iter().any(|s| s == c.label(labels::SERVICE)));
    }
    cs.sort_by(|a, b| {
        let n = |c: &Container| {
            c.label(labels::CONTAINER_NUMBER)
                .parse::<u32>()
                .unwrap_or(0)
        };
        a.label(labels::SERVICE)
            .cmp(b.label(labels::SERVICE))
            .then_with(|| n(a).cmp(&n(b)))
            .then_with(|| a.name.cmp(&b.name))
    });
    Ok(cs)
}

/// The container of `service` a command like `exec`, `cp`, `port` or
/// `attach` acts on (compose's `getSpecifiedContainer`): replica `index`
/// when given (> 0), else the lowest-numbered, services' own containers
/// before one-off ones (these count only with `oneoff`); running ones only
/// unless `all`. The error says which is not running, as compose does.
pub async fn container_at<O: Observe>(
    rt: &O,
    project: &str,
    service: &str,
    index: Option<u32>,
    oneoff: bool,
    all: bool,
) -> Result<Container> {
    let mut filters = project_filter(project);
    filters.push(format!("{}={service}", labels::SERVICE));
    if let Some(i) = index.filter(|i| *i > 0) {
        filters.push(format!("{}={i}", labels::CONTAINER_NUMBER));
    }
    let mut cs = rt.list_containers(&filters, all).await?;
    cs.retain(|c| oneoff || c.label(labels::ONEOFF) != "True");
    let number = |c: &Container| {
        c.label(labels::CONTAINER_NUMBER)
            .parse::<u32>()
            .unwrap_or(0)
    };
    cs.sort_by_key(|c| (c.label(labels::ONEOFF) == "True", number(c), c.name.clone()));
    match cs.into_iter().next() {
        Some(c) => Ok(c),
        None => Err(Error::Invalid(match index.filter(|i| *i > 0) {
            Some(i) => format!("service {service:?} is not running container #{i}"),
            None => format!("service {service:?} is not running"),
        })),
    }
}

/// Runs `action` on every container concurrently, with compose's progress
/// events (`working` … `done`); the first failure is returned, naming the
/// container.
pub async fn each_container<'a, F, Fut>(
    containers: &[&'a Container],
    working: &str,
    done: &str,
    sink: &Sink,
    action: F,
) -> Result<()>
where
    F: Fn(&'a Container) -> Fut,
    Fut: std::future::Future<Output = crate::runtime::Result<()>>,
{
    let results = join_all(containers.iter().map(|c| {
        let run = action(c);
        async move {
            let resource = format!("Container {}", c.name);
            if !working.is_empty() {
                sink(Event::new(&resource, Status::Working, working));
            }
            match run.await {
                Ok(()) => {
                    sink(Event::new(&resource, Status::Done, done));
                    Ok(())
                }
                Err(e) => {
                    sink(Event::new(&resource, Status::Error, e.to_string()));
                    Err(Error::Apply(apply::ApplyError {
                        resource: format!("container {}", c.name),
                        service: Some(c.label(labels::SERVICE).to_string()),
                        message: format!("container {}: {e}", c.name),
                        cause: Some(e),
                    }))
                }
            }
        }
    }))
    .await;
    results.into_iter().collect()
}

/// A lifecycle command run on each selected container.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lifecycle {
    /// `start`: containers not running.
    Start,
    /// `stop`: running or paused containers.
    Stop,
    /// `restart`: every container.
    Restart,
    /// `pause`: running containers.
    Pause,
    /// `unpause`: paused containers.
    Unpause,
}

impl Lifecycle {
    /// compose's progress words: while working, and when done.
    pub fn words(self) -> (&'static str, &'static str) {
        match self {
            Lifecycle::Start => ("Starting", "Started"),
            Lifecycle::Stop => ("Stopping", "Stopped"),
            Lifecycle::Restart => ("Restarting", "Started"),
            // compose says only the result of these two.
            Lifecycle::Pause => ("", "Paused"),
            Lifecycle::Unpause => ("", "Unpaused"),
        }
    }

    fn applies_to(self, c: &Container) -> bool {
        match self {
            Lifecycle::Start => c.state != ContainerState::Running,
            Lifecycle::Stop => matches!(c.state, ContainerState::Running | ContainerState::Paused),
            Lifecycle::Pause => c.state == ContainerState::Running,
            Lifecycle::Unpause => c.state == ContainerState::Paused,
            Lifecycle::Restart => true,
        }
    }
}

/// `start`, `stop`, `restart`, `pause`, `unpause` on the containers of
/// `services` (all when empty): dependencies first to start, dependents
/// first to stop. The order comes from the compose file when there is one,
/// else from the containers' `depends_on` labels. `restart` of named
/// services restarts the services depending on them with
/// `depends_on.restart: true` too, unless `no_deps`.
#[allow(clippy::too_many_arguments)]
pub async fn lifecycle<R: Runtime>(
    rt: &R,
    name: &str,
    project: Option<&Project>,
    services: &[String],
    what: Lifecycle,
    timeout: Option<i64>,
    no_deps: bool,
    sink: &Sink,
) -> Result<()> {
    let mut services = services.to_vec();
    if what == Lifecycle::Restart && !no_deps && !services.is_empty() {
        let graph = match project {
            Some(p) => Graph::new(p)?,
            None => Graph::from_containers(&containers(rt, name, &[], false).await?)?,
        };
        services = graph
            .with_restart_dependents(&services)
            .into_iter()
            .collect();
    }
    let services = &services[..];
    let cs = containers(rt, name, services, false).await?;
    if what == Lifecycle::Start {
        for s in services {
            if !cs.iter().any(|c| c.label(labels::SERVICE) == s) {
                return Err(Error::Invalid(format!(
                    "service {s:?} has no container to start: run `hoist up` or `hoist create` first"
                )));
            }
        }
    }
    let mut layers = match project {
        Some(p) => Graph::new(p)?.layers(),
        None => Graph::from_containers(&cs)?.layers(),
    };
    if matches!(what, Lifecycle::Stop | Lifecycle::Pause) {
        layers.reverse();
    }
    let (working, done) = what.words();
    for layer in layers {
        let batch: Vec<&Container> = cs
            .iter()
            .filter(|c| layer.iter().any(|s| s == c.label(labels::SERVICE)))
            .filter(|c| what.applies_to(c))
            .collect();
        each_container(&batch, working, done, sink, |c| async move {
            match what {
                Lifecycle::Start => rt.start_container(&c.id).await,
                Lifecycle::Stop => rt.stop_container(&c.id, timeout).await,
                Lifecycle::Restart => rt.restart_container(&c.id, timeout).await,
                Lifecycle::Pause => rt.pause_container(&c.id).await,
                Lifecycle::Unpause => rt.unpause_container(&c.id).await,
            }
        })
        .await?;
    }
    Ok(())
}

/// `kill`: sends `signal` to the running containers of `services` (one-off
/// ones included); returns how many there were. With the compose file,
/// containers of services it does not have (orphans) are spared unless
/// `orphans` (compose's `kill --remove-orphans`).
pub async fn kill<R: Runtime>(
    rt: &R,
    name: &str,
    project: Option<&Project>,
    services: &[String],
    signal: &str,
    orphans: bool,
    sink: &Sink,
) -> Result<usize> {
    let cs = containers(rt, name, services, true).await?;
    let running: Vec<&Container> = cs
        .iter()
        .filter(|c| c.state == ContainerState::Running)
        .filter(|c| {
            orphans || project.is_none_or(|p| p.services.contains_key(c.label(labels::SERVICE)))
        })
        .collect();
    each_container(&running, "Killing", "Killed", sink, |c| async move {
        rt.kill_container(&c.id, signal).await
    })
    .await?;
    Ok(running.len())
}

/// The stopped containers `rm` would remove (running ones too with `stop`,
/// as they will be stopped first).
pub fn removable(cs: &[Container], stop: bool) -> Vec<&Container> {
    cs.iter()
        .filter(|c| stop || !matches!(c.state, ContainerState::Running | ContainerState::Paused))
        .collect()
}

/// `rm`: stops `containers` first when `stop` (those running), then removes
/// them (with their anonymous volumes when `volumes`).
pub async fn remove<R: Runtime>(
    rt: &R,
    containers: &[&Container],
    stop: bool,
    volumes: bool,
    sink: &Sink,
) -> Result<()> {
    if stop {
        let running: Vec<&Container> = containers
            .iter()
            .copied()
            .filter(|c| matches!(c.state, ContainerState::Running | ContainerState::Paused))
            .collect();
        each_container(&running, "Stopping", "Stopped", sink, |c| async move {
            rt.stop_container(&c.id, None).await
        })
        .await?;
    }
    each_container(containers, "Removing", "Removed", sink, |c| async move {
        rt.remove_container(&c.id, false, volumes).await
    })
    .await
}

/// `--rmi`: which images `down` removes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rmi {
    /// Only images without a custom tag (built as `<project>-<service>`).
    Local,
    /// Every image the services use.
    All,
}

/// Flags of `down`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DownFlags {
    /// Services whose containers go (all, and the networks etc., when empty).
    pub services: Vec<String>,
    /// `-v`: named volumes and anonymous volumes too.
    pub volumes: bool,
    /// `--remove-orphans` (or `COMPOSE_REMOVE_ORPHANS`).
    pub remove_orphans: bool,
    /// `--rmi`.
    pub rmi: Option<Rmi>,
    /// `-t`: seconds to wait for containers to stop.
    pub timeout: Option<i64>,
    /// `--parallel` (0: no limit).
    pub parallel: usize,
}

/// `down`: stops and removes the project's containers, then its networks
/// (volumes with `-v`, images with `--rmi`). `specs` is `None` when no compose
/// file was found: everything labelled with the project goes. Returns the plan
/// it carried out; its warnings went to `sink` first.
pub async fn down<R: Runtime>(
    rt: &R,
    name: &str,
    specs: Option<ProjectSpecs>,
    flags: &DownFlags,
    sink: &Sink,
) -> Result<Plan> {
    let project = specs.as_ref().map(|s| &s.project);
    let mut observed = observe(rt, name, project).await?;
    if !flags.services.is_empty() {
        observed
            .containers
            .retain(|c| flags.services.iter().any(|s| s == c.label(labels::SERVICE)));
    }
    let desired = match &specs {
        Some(specs) => Some(specs.desired(&UpRequest::default(), &observed)?),
        None => None,
    };
    let mut images = Vec::new();
    if let Some(rmi) = flags.rmi {
        match &specs {
            Some(specs) => {
                for s in specs.project.services.values() {
                    if rmi == Rmi::All || s.image.is_empty() {
                        images.push(crate::convert::image_name(&specs.project.name, s));
                    }
                }
            }
            // From labels, as compose: the containers' images; `local` only
            // those named as compose names built images (`<project>-<service>`).
            None => {
                for c in &observed.containers {
                    let default = format!("{name}-{}", c.label(labels::SERVICE));
                    let named = c.image.split(':').next() == Some(default.as_str());
                    if rmi == Rmi::All || named {
                        images.push(c.image.clone());
                    }
                }
            }
        }
        images.sort();
        images.dedup();
        let present = join_all(images.iter().map(|i| rt.inspect_image(i))).await;
        images = images
            .into_iter()
            .zip(present)
            .filter(|(_, p)| matches!(p, Ok(Some(_))))
            .map(|(i, _)| i)
            .collect();
    }
    let plan = if flags.services.is_empty() {
        reconcile::plan_down(
            name,
            desired.as_ref(),
            &observed,
            &DownOptions {
                volumes: flags.volumes,
                remove_orphans: flags.remove_orphans,
                images,
            },
        )
    } else {
        // `down web` removes only web's containers (they come first in the
        // plan, so the ops kept still refer to each other correctly).
        let mut plan = reconcile::plan_down(
            name,
            None,
            &observed,
            &DownOptions {
                volumes: false,
                remove_orphans: true,
                images: vec![],
            },
        );
        plan.ops.retain(|op| op.action.service().is_some());
        plan
    };
    let specs = specs.unwrap_or_else(|| ProjectSpecs {
        project: Project {
            name: name.to_string(),
            ..Default::default()
        },
        api: (1, 41),
        images: BTreeMap::new(),
        ..Default::default()
    });
    crate::progress::warnings(sink, &plan.warnings);
    let opts = ApplyOptions {
        parallel: flags.parallel,
        timeout: flags.timeout,
        remove_volumes: flags.volumes,
        sink: sink.clone(),
        ..Default::default()
    };
    apply::apply(rt, &specs, &plan, known_from(&observed), &opts).await?;
    Ok(plan)
}
