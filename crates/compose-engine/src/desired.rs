//! From a loaded project to the engine's [`Desired`] state, and the
//! [`Specs`] the executor asks for create bodies at run time.
//!
//! This is where the command line's choices meet the model: which services
//! (`up web` selects web and its dependencies unless `--no-deps`), how many
//! replicas (`--scale` over `scale`/`deploy.replicas`), and which recreate
//! policy applies to the named services and to their dependencies.

use std::collections::{BTreeMap, BTreeSet};

use compose_spec::model::{Project, ServiceConfig};

use crate::apply::{FileInjection, KnownContainers, Specs};
use crate::convert::{self, ProjectMeta, Resolved};
use crate::graph::{Cycle, Graph};
use crate::labels;
use crate::plan::{FailureAction, Pace, UpdateOrder};
use crate::reconcile::{
    Desired, DesiredResource, DesiredService, Observed, Recreate, UpOptions, UpdatePolicy,
};
use crate::runtime::ContainerSpec;

/// What the user asked `up` (or `create`, `scale`, `plan`) for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UpRequest {
    /// Services named on the command line (empty: all).
    pub services: Vec<String>,
    /// Do not include the named services' dependencies.
    pub no_deps: bool,
    /// Converge no service at all, only the networks and volumes (what `run
    /// --no-deps` needs before it creates its one-off container).
    pub resources_only: bool,
    /// `--scale SERVICE=N` overrides.
    pub scale: BTreeMap<String, u32>,
    /// Recreate policy for the named services (all when none are named).
    pub recreate: Recreate,
    /// Recreate policy for their dependencies.
    pub recreate_deps: Recreate,
    /// Options passed through to the plan.
    pub options: UpOptions,
}

/// The services `up web` works on: the named ones and, unless `no_deps`, their
/// dependencies; every service when none is named.
///
/// ```
/// use compose_engine::desired::select;
/// use compose_engine::graph::Graph;
/// use compose_engine::model::Project;
/// let p = Project::from_json(&serde_json::json!({"services": {
///     "web": {"image": "w", "depends_on": {"db": {"condition": "service_started", "required": true}}},
///     "db": {"image": "d"}, "other": {"image": "o"}}})).unwrap();
/// let g = Graph::new(&p).unwrap();
/// assert_eq!(select(&p, &g, &["web".into()], false).len(), 2);
/// assert_eq!(select(&p, &g, &["web".into()], true).len(), 1);
/// assert_eq!(select(&p, &g, &[], false).len(), 3);
/// ```
pub fn select(
    project: &Project,
    graph: &Graph,
    services: &[String],
    no_deps: bool,
) -> BTreeSet<String> {
    if services.is_empty() {
        project.services.keys().cloned().collect()
    } else if no_deps {
        services.iter().cloned().collect()
    } else {
        graph.with_dependencies(services)
    }
}

/// The number of replicas compose runs: `scale`, else `deploy.replicas`, else 1.
pub fn scale_of(service: &ServiceConfig) -> u32 {
    let n = service
        .scale
        .or_else(|| service.deploy.as_ref().and_then(|d| d.replicas))
        .unwrap_or(1);
    n.max(0) as u32
}

/// Observed containers grouped by service, as `convert::Resolved` wants them.
pub fn resolved_from(known: &KnownContainers, image_digest: Option<String>) -> Resolved {
    let mut r = Resolved {
        image_digest,
        ..Default::default()
    };
    for (name, k) in known {
        r.containers
            .entry(k.service.clone())
            .or_default()
            .push((name.clone(), k.id.clone()));
    }
    r
}

/// The containers of `observed` the executor starts from (one-off ones left out).
pub fn known_from(observed: &Observed) -> KnownContainers {
    observed
        .containers
        .iter()
        .filter(|c| c.label(labels::ONEOFF) != "True")
        .map(|c| {
            (
                c.name.clone(),
                crate::apply::Known {
                    service: c.label(labels::SERVICE).to_string(),
                    number: c.label(labels::CONTAINER_NUMBER).parse().unwrap_or(0),
                    id: c.id.clone(),
                    mounts: c.mounts.clone(),
                },
            )
        })
        .collect()
}

/// A `deploy.update_config` (or `rollback_config`) as a [`Pace`], with
/// Swarm's defaults: one replica at a time, no delay, `stop-first`, `pause`.
fn pace(c: &compose_spec::model::UpdateConfig) -> Pace {
    let ms = |d: &compose_spec::model::Duration| (d.0 > 0).then_some((d.0 / 1_000_000) as u64);
    Pace {
        parallelism: c.parallelism.map_or(1, |p| p.min(u32::MAX as u64) as u32),
        delay_ms: ms(&c.delay).unwrap_or(0),
        order: if c.order == "start-first" {
            UpdateOrder::StartFirst
        } else {
            UpdateOrder::StopFirst
        },
        monitor_ms: ms(&c.monitor),
        failure_action: match c.failure_action.as_str() {
            "continue" => FailureAction::Continue,
            "rollback" => FailureAction::Rollback,
            _ => FailureAction::Pause,
        },
        max_failure_permille: (c.max_failure_ratio.clamp(0.0, 1.0) * 1000.0).round() as u32,
    }
}

/// Everything needed to build requests for one project.
#[derive(Debug, Clone, Default)]
pub struct ProjectSpecs {
    /// The project.
    pub project: Project,
    /// Its label metadata.
    pub meta: ProjectMeta,
    /// The engine's API version.
    pub api: (u32, u32),
    /// Local image ids by image name (`com.docker.compose.image`).
    pub images: BTreeMap<String, String>,
    /// The paths each local image declares as volumes (`VOLUME`), by image name.
    pub image_volumes: BTreeMap<String, Vec<String>>,
    /// Give replacement containers new anonymous volumes instead of the
    /// replaced containers' (`up -V`/`--renew-anon-volumes`).
    pub renew_anon_volumes: bool,
}

impl ProjectSpecs {
    /// The service's `deploy.update_config`/`rollback_config` (Swarm's
    /// defaults for what they leave out), and what keeps its old and new
    /// containers from running side by side.
    fn update_policy(&self, service: &ServiceConfig) -> Option<UpdatePolicy> {
        let deploy = service.deploy.as_ref()?;
        let update = deploy.update_config.as_ref()?;
        let image_volumes = self
            .image_volumes
            .get(&convert::image_name(&self.project.name, service))
            .is_some_and(|v| !v.is_empty());
        let anonymous = service
            .volumes
            .iter()
            .any(|v| v.r#type == "volume" && v.source.is_empty());
        let fixed_port = service
            .ports
            .iter()
            .find(|p| !p.published.is_empty() && !p.published.contains('-'));
        let blocker = if !service.container_name.is_empty() {
            Some(format!(
                "container_name {:?} is fixed, so the old and new containers cannot both exist under it",
                service.container_name
            ))
        } else if let Some(p) = fixed_port {
            Some(format!(
                "the published host port {} is fixed, so the old and new containers cannot both bind it",
                p.published
            ))
        } else if (anonymous || image_volumes) && !self.renew_anon_volumes {
            Some("the old and new containers would share its anonymous volumes".to_string())
        } else {
            None
        };
        Some(UpdatePolicy {
            update: pace(update),
            rollback: deploy
                .rollback_config
                .as_ref()
                .map(pace)
                .unwrap_or_else(|| pace(&Default::default())),
            start_first_blocker: blocker,
        })
    }

    fn digest(&self, service: &ServiceConfig) -> Option<String> {
        self.images
            .get(&convert::image_name(&self.project.name, service))
            .cloned()
    }

    /// The desired state for `request`, given what is observed (containers of
    /// other services feed `service:x` references, which the hash covers).
    pub fn desired(&self, request: &UpRequest, observed: &Observed) -> Result<Desired, Cycle> {
        let graph = Graph::new(&self.project)?;
        let named: BTreeSet<String> = request.services.iter().cloned().collect();
        let selected = if request.resources_only {
            BTreeSet::new()
        } else {
            select(&self.project, &graph, &request.services, request.no_deps)
        };
        let known = known_from(observed);
        let mut services = BTreeMap::new();
        for name in &selected {
            let Some(service) = self.project.services.get(name) else {
                continue;
            };
            let digest = self.digest(service);
            let resolved = resolved_from(&known, digest.clone());
            let resolved_service = convert::resolve_references(service, &resolved)
                .unwrap_or_else(|_| (**service).clone());
            let hash = crate::hash::service_hash(&resolved_service);
            let spec = convert::container_spec(
                &self.meta,
                &self.project,
                service,
                1,
                &convert::container_name(&self.project.name, service, 1),
                self.api,
                &resolved,
            );
            let networks = if service.network_mode.is_empty() {
                service
                    .networks
                    .keys()
                    .filter_map(|k| self.project.networks.get(k))
                    .map(|n| n.name.clone())
                    .collect()
            } else {
                Vec::new()
            };
            let volumes = service
                .volumes
                .iter()
                .filter(|v| v.r#type == "volume")
                .filter_map(|v| self.project.volumes.get(&v.source))
                .map(|v| v.name.clone())
                .collect();
            let recreate = if named.is_empty() || named.contains(name) {
                request.recreate
            } else {
                request.recreate_deps
            };
            services.insert(
                name.clone(),
                DesiredService {
                    name: name.clone(),
                    scale: request
                        .scale
                        .get(name)
                        .copied()
                        .unwrap_or_else(|| scale_of(service)),
                    hash,
                    image_digest: digest,
                    container_name: (!service.container_name.is_empty())
                        .then(|| service.container_name.clone()),
                    networks,
                    volumes,
                    depends_on: graph
                        .edges(name)
                        .into_iter()
                        .filter(|(d, _)| selected.contains(d))
                        .collect(),
                    recreate,
                    body: spec.body,
                    update: self.update_policy(service),
                },
            );
        }
        let mut known_services: BTreeSet<String> = self.project.services.keys().cloned().collect();
        known_services.extend(self.project.disabled_services.keys().cloned());
        Ok(Desired {
            project: self.project.name.clone(),
            services,
            known_services,
            networks: self
                .project
                .networks
                .iter()
                .map(|(k, n)| DesiredResource {
                    key: k.clone(),
                    name: n.name.clone(),
                    external: n.external,
                })
                .collect(),
            volumes: self
                .project
                .volumes
                .iter()
                .map(|(k, v)| DesiredResource {
                    key: k.clone(),
                    name: v.name.clone(),
                    external: v.external,
                })
                .collect(),
            options: request.options.clone(),
        })
    }
}

impl Specs for ProjectSpecs {
    fn container(
        &self,
        service: &str,
        number: u32,
        name: &str,
        replaces: Option<&str>,
        known: &KnownContainers,
    ) -> Result<ContainerSpec, String> {
        let Some(s) = self.project.services.get(service) else {
            return Err(format!("no such service: {service}"));
        };
        let mut resolved = resolved_from(known, self.digest(s));
        convert::resolve_references(s, &resolved).map_err(|e| format!("service {service}: {e}"))?;
        if let Some(old) = replaces.filter(|_| !self.renew_anon_volumes) {
            resolved.replaced_mounts = known.get(old).map(|k| k.mounts.clone()).unwrap_or_default();
            resolved.image_volumes = self
                .image_volumes
                .get(&convert::image_name(&self.project.name, s))
                .cloned()
                .unwrap_or_default();
        }
        let mut spec = convert::container_spec(
            &self.meta,
            &self.project,
            s,
            number,
            name,
            self.api,
            &resolved,
        );
        if replaces.is_some() {
            // compose names the replaced container without the project:
            // `container_name`, else `<service>-<number>`.
            let old = if s.container_name.is_empty() {
                format!("{service}-{number}")
            } else {
                s.container_name.clone()
            };
            if let Some(l) = spec.body.get_mut("Labels").and_then(|l| l.as_object_mut()) {
                l.insert(labels::REPLACE.into(), old.into());
            }
        }
        Ok(spec)
    }

    fn network(&self, key: &str) -> serde_json::Value {
        match self.project.networks.get(key) {
            Some(n) => convert::network_body(&self.meta, key, n),
            None => serde_json::Value::Null,
        }
    }

    fn volume(&self, key: &str) -> serde_json::Value {
        match self.project.volumes.get(key) {
            Some(v) => convert::volume_body(&self.meta, key, v),
            None => serde_json::Value::Null,
        }
    }

    fn files(&self, service: &str) -> Result<Vec<FileInjection>, String> {
        let Some(s) = self.project.services.get(service) else {
            return Ok(Vec::new());
        };
        let mut out = Vec::new();
        let kinds = [("secret", &s.secrets), ("config", &s.configs)];
        for (kind, refs) in kinds {
            for r in refs.iter() {
                let source = match kind {
                    "secret" => self.project.secrets.get(&r.source).map(|x| &x.0),
                    _ => self.project.configs.get(&r.source).map(|x| &x.0),
                };
                let Some(source) = source else { continue };
                let content = if !source.content.is_empty() {
                    source.content.clone()
                } else if !source.environment.is_empty() {
                    match self.project.environment.get(&source.environment) {
                        Some(v) => v.clone(),
                        None => {
                            return Err(format!(
                                "environment variable {:?} required by {kind} {:?} is not set",
                                source.environment, source.name
                            ))
                        }
                    }
                } else {
                    continue;
                };
                if content.is_empty() {
                    continue;
                }
                if s.read_only {
                    return Err(format!(
                        "cannot create {kind} {:?} in read-only service {service}: `file` is the sole supported option",
                        source.name
                    ));
                }
                let target = if r.target.is_empty() {
                    if kind == "secret" {
                        format!("/run/secrets/{}", r.source)
                    } else {
                        format!("/{}", r.source)
                    }
                } else if kind == "secret" && !r.target.starts_with('/') {
                    format!("/run/secrets/{}", r.target)
                } else {
                    r.target.clone()
                };
                out.push(FileInjection {
                    target,
                    content: content.into_bytes(),
                    mode: r.mode.map_or(0o444, |m| m.0 as u32),
                    uid: r.uid.parse().unwrap_or(0),
                    gid: r.gid.parse().unwrap_or(0),
                });
            }
        }
        Ok(out)
    }

    fn stop_timeout(&self, service: &str) -> Option<i64> {
        let d = self.project.services.get(service)?.stop_grace_period?;
        Some(d.0 / 1_000_000_000)
    }
}
