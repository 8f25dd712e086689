//! `run` as a library call: a one-off container of a service, created as
//! compose creates it — `<project>-<service>-run-<12 hex>` (or `--name`),
//! `com.docker.compose.oneoff=True` and a slug label, no replica number,
//! the service's ports only with `--service-ports` — after its dependencies
//! were started and waited for per their `depends_on` conditions. Starting,
//! attaching and `--rm` are the caller's (the CLI drives the terminal);
//! [`attach_and_start`] is the order every attached run keeps (`run`,
//! `bridge convert`'s transformations).

use std::collections::{BTreeMap, BTreeSet};

use crate::apply::{self, ApplyOptions};
use crate::convert::{self, OneOff};
use crate::desired::{known_from, resolved_from, ProjectSpecs};
use crate::error::{Error, Result};
use crate::graph::Graph;
use crate::images;
use crate::model::ServiceConfig;
use crate::observe::observe;
use crate::plan::{Action, Plan};
use crate::progress::Sink;
use crate::runtime::{AttachOptions, Attached, Runtime, RuntimeError};
use crate::up::{self, UpFlags};

/// The exit code of a container [`attach_and_start`] started, still to come.
pub type PendingExit<'a> = std::pin::Pin<
    Box<dyn std::future::Future<Output = std::result::Result<i64, RuntimeError>> + Send + 'a>,
>;

/// The docker CLI's order for running a created container attached: attached
/// first, then the wait for its exit asked (with `removed`, for its removal,
/// as when the engine removes it on exit), and only then started, so that
/// neither its first output nor its exit is missed. When the attach fails,
/// the wait ends before the start (the engine refused it: `what` names the
/// container in the error) or the start fails, the container is removed
/// (its anonymous volumes too with `remove_volumes`). Returns its streams
/// and its exit code to come.
pub async fn attach_and_start<'a, R: Runtime>(
    rt: &'a R,
    id: &'a str,
    what: &str,
    attach: &AttachOptions,
    removed: bool,
    remove_volumes: bool,
) -> Result<(Attached, PendingExit<'a>)> {
    let discard = || async {
        let _ = rt.remove_container(id, true, remove_volumes).await;
    };
    let attached = match rt.attach_container(id, attach).await {
        Ok(a) => a,
        Err(e) => {
            discard().await;
            return Err(e.into());
        }
    };
    let mut wait: PendingExit<'a> = Box::pin(rt.wait_container_exit(id, removed));
    if let Ok(r) = tokio::time::timeout(std::time::Duration::from_millis(100), &mut wait).await {
        discard().await;
        r?;
        return Err(Error::Invalid(format!(
            "the engine ended the wait for {what} before it started"
        )));
    }
    if let Err(e) = rt.start_container(id).await {
        discard().await;
        return Err(e.into());
    }
    Ok((attached, wait))
}

/// The flags of `run` that shape the container, as compose names them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RunFlags {
    /// The service.
    pub service: String,
    /// The command (empty: the service's).
    pub command: Vec<String>,
    /// `--entrypoint`, already split into words.
    pub entrypoint: Option<Vec<String>>,
    /// `--name`.
    pub name: Option<String>,
    /// `-e`/`--env-from-file`, resolved to `KEY=VALUE` pairs.
    pub environment: BTreeMap<String, String>,
    /// `-l KEY=VALUE`.
    pub labels: BTreeMap<String, String>,
    /// `-p`: ports to publish (the service's are not, unless `--service-ports`).
    pub publish: Vec<String>,
    /// `-P/--service-ports`.
    pub service_ports: bool,
    /// `-v`: mounts added to the service's.
    pub volumes: Vec<String>,
    /// `-w`.
    pub workdir: Option<String>,
    /// `-u`.
    pub user: Option<String>,
    /// `--cap-add`.
    pub cap_add: Vec<String>,
    /// `--cap-drop`.
    pub cap_drop: Vec<String>,
    /// Allocate a TTY.
    pub tty: bool,
    /// `-i`: keep stdin open.
    pub interactive: bool,
    /// `--rm`.
    pub remove: bool,
    /// `--use-aliases`.
    pub use_aliases: bool,
    /// `--no-deps`.
    pub no_deps: bool,
    /// How the dependencies are brought up and the image obtained
    /// (`--build`, `--pull`, `--quiet-pull`, `--remove-orphans`, `--parallel`).
    pub up: UpFlags,
}

/// The one-off container, created and not started.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OneOffContainer {
    /// Engine id.
    pub id: String,
    /// Name.
    pub name: String,
    /// It has a TTY.
    pub tty: bool,
}

/// 64 random hex digits, as compose's `stringid.GenerateRandomID` (from the
/// system's randomness, read without `unsafe`).
pub fn random_id() -> String {
    use std::io::Read;
    let mut bytes = [0u8; 32];
    let filled = std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut bytes))
        .is_ok();
    if !filled {
        // No /dev/urandom: the clock and the process id still make a
        // unique enough name for one machine.
        let seed = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos())
            ^ u128::from(std::process::id()) << 64;
        for (i, b) in bytes.iter_mut().enumerate() {
            *b = (seed >> ((i % 16) * 8)) as u8 ^ (i as u8).wrapping_mul(151);
        }
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// compose's `applyRunOptions` and `runOptions.apply`: the service as the
/// one-off container runs it.
pub fn one_off_service(
    service: &ServiceConfig,
    project: &str,
    flags: &RunFlags,
    slug: &str,
) -> Result<ServiceConfig> {
    let mut s = service.clone();
    s.tty = flags.tty;
    s.stdin_open = flags.interactive;
    s.container_name = match &flags.name {
        Some(n) => n.clone(),
        None => crate::naming::join(&[project, &s.name, "run", &slug[..12]]),
    };
    if !flags.command.is_empty() {
        s.command = Some(flags.command.clone());
    }
    if let Some(u) = &flags.user {
        s.user = u.clone();
    }
    if !flags.cap_add.is_empty() {
        s.cap_add.extend(flags.cap_add.iter().cloned());
        s.cap_drop.retain(|c| !flags.cap_add.contains(c));
    }
    if !flags.cap_drop.is_empty() {
        s.cap_drop.extend(flags.cap_drop.iter().cloned());
        s.cap_add.retain(|c| !flags.cap_drop.contains(c));
    }
    if let Some(w) = &flags.workdir {
        s.working_dir = w.clone();
    }
    if let Some(e) = &flags.entrypoint {
        s.entrypoint = Some(e.clone());
        if flags.command.is_empty() {
            s.command = Some(Vec::new());
        }
    }
    for (k, v) in &flags.environment {
        s.environment.insert(k.clone(), Some(v.clone()));
    }
    for (k, v) in &flags.labels {
        s.labels.insert(k.clone(), v.clone());
    }
    if !flags.service_ports {
        s.ports.clear();
        for p in &flags.publish {
            let ports = compose_spec::loader::canonical::port_configs(p)
                .map_err(|e| Error::Invalid(format!("invalid --publish {p:?}: {e}")))?;
            s.ports.extend(ports);
        }
    }
    for v in &flags.volumes {
        let mount = compose_spec::loader::canonical::volume_config(v)
            .map_err(|e| Error::Invalid(format!("invalid --volume {v:?}: {e}")))?;
        s.volumes.push(mount);
    }
    s.scale = Some(1);
    s.restart.clear();
    if let Some(d) = s.deploy.as_mut() {
        d.restart_policy = None;
    }
    Ok(s)
}

/// Starts the dependencies (unless `--no-deps`), makes sure the image is
/// there, waits for the dependencies per the service's `depends_on`
/// conditions, and creates the one-off container (secrets and configs from
/// the environment or inline content copied in). Progress goes to `sink`.
pub async fn prepare<R: Runtime>(
    rt: &R,
    specs: ProjectSpecs,
    flags: &RunFlags,
    sink: &Sink,
) -> Result<OneOffContainer> {
    let Some(service) = specs.project.services.get(&flags.service).cloned() else {
        return Err(Error::Invalid(format!(
            "no such service: {}",
            flags.service
        )));
    };
    if !flags.publish.is_empty() && flags.service_ports {
        return Err(Error::Invalid(
            "--service-ports and --publish are incompatible".into(),
        ));
    }
    let graph = Graph::new(&specs.project)?;
    let mut deps: BTreeSet<String> = graph.with_dependencies(std::slice::from_ref(&flags.service));
    deps.remove(&flags.service);
    // As compose's startDependencies: the networks and volumes always, the
    // dependencies unless --no-deps.
    let up_flags = UpFlags {
        services: deps.iter().cloned().collect(),
        no_deps: true,
        resources_only: flags.no_deps || deps.is_empty(),
        ..flags.up.clone()
    };
    up::up(rt, specs.clone(), &up_flags, sink, None).await?;
    let selected = BTreeSet::from([flags.service.clone()]);
    let have = images::ensure(
        rt,
        &specs.project,
        &selected,
        &flags.up.images,
        flags.up.parallel,
        sink,
    )
    .await?;
    let mut specs = specs;
    specs.api = rt.version().await?.api;
    for (name, image) in have {
        specs.images.insert(name.clone(), image.id);
        specs.image_volumes.insert(name, image.volumes);
    }
    let observed = observe(rt, &specs.project.name, Some(&specs.project)).await?;
    let known = known_from(&observed);
    if !flags.no_deps {
        // The conditions of the service's own dependencies, as the executor waits for them.
        let mut plan = Plan::default();
        for (dep, edge) in graph.edges(&flags.service) {
            let action = match edge.condition.as_str() {
                "service_healthy" => Action::WaitHealthy {
                    service: dep.clone(),
                    required: edge.required,
                },
                "service_completed_successfully" => Action::WaitCompleted {
                    service: dep.clone(),
                    required: edge.required,
                },
                _ => continue,
            };
            plan.push(
                action,
                format!("depends_on {dep}: {}", edge.condition),
                vec![],
            );
        }
        if !plan.ops.is_empty() {
            let opts = ApplyOptions {
                sink: sink.clone(),
                ..Default::default()
            };
            apply::apply(rt, &specs, &plan, known.clone(), &opts).await?;
        }
    }
    let slug = random_id();
    let one_off = one_off_service(&service, &specs.project.name, flags, &slug)?;
    let digest = specs
        .images
        .get(&convert::image_name(&specs.project.name, &one_off))
        .cloned();
    let mut resolved = resolved_from(&known, digest);
    let one_off = convert::resolve_references(&one_off, &resolved)
        .map_err(|e| Error::Invalid(format!("service {}: {e}", flags.service)))?;
    resolved.one_off = Some(OneOff {
        slug,
        use_aliases: flags.use_aliases,
        auto_remove: flags.remove,
        attach_stdin: flags.interactive,
    });
    let name = one_off.container_name.clone();
    let spec = convert::container_spec(
        &specs.meta,
        &specs.project,
        &one_off,
        0,
        &name,
        specs.api,
        &resolved,
    );
    // compose shows no progress for the one-off container itself.
    let id = rt.create_container(&spec).await?;
    let files = crate::apply::Specs::files(&specs, &flags.service).map_err(Error::Invalid)?;
    if !files.is_empty() {
        rt.copy_to_container(&id, "/", apply::files_tar(&files))
            .await?;
    }
    Ok(OneOffContainer {
        id,
        name,
        tty: flags.tty,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn run_options_shape_the_service_as_compose() {
        let mut s = ServiceConfig {
            name: "web".into(),
            image: "busybox".into(),
            restart: "always".into(),
            command: Some(vec!["serve".into()]),
            cap_drop: vec!["NET_ADMIN".into()],
            ..Default::default()
        };
        s.ports = compose_spec::loader::canonical::port_configs("8080:80").unwrap();
        let flags = RunFlags {
            service: "web".into(),
            entrypoint: Some(vec!["sh".into(), "-c".into()]),
            cap_add: vec!["NET_ADMIN".into()],
            publish: vec!["9090:90".into()],
            volumes: vec!["/cache".into()],
            tty: true,
            interactive: true,
            ..Default::default()
        };
        let slug = "0123456789abcdef".repeat(4);
        let o = one_off_service(&s, "demo", &flags, &slug).unwrap();
        assert_eq!(o.container_name, "demo-web-run-0123456789ab");
        assert_eq!(
            o.command,
            Some(vec![]),
            "an entrypoint without a command clears it"
        );
        assert_eq!(o.entrypoint, Some(vec!["sh".into(), "-c".into()]));
        assert_eq!(o.cap_add, ["NET_ADMIN"]);
        assert!(o.cap_drop.is_empty());
        assert_eq!(o.ports.len(), 1);
        assert_eq!(
            o.ports[0].target, 90,
            "the service's own ports are not published"
        );
        assert_eq!(o.volumes.len(), 1);
        assert!(o.restart.is_empty());
        assert_eq!(o.scale, Some(1));
        assert!(o.tty && o.stdin_open);
        let keep = RunFlags {
            service_ports: true,
            ..flags.clone()
        };
        assert_eq!(
            one_off_service(&s, "demo", &keep, &slug).unwrap().ports[0].target,
            80
        );
    }

    #[test]
    fn random_ids_are_64_hex_digits_and_differ() {
        let (a, b) = (random_id(), random_id());
        assert_eq!(a.len(), 64);
        assert!(a.bytes().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, b);
    }
}
