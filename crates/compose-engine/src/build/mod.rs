//! Building service images, with the engine's BuildKit by default and with the
//! classic builder when `DOCKER_BUILDKIT` says so, as `docker compose build`
//! decides (the docker CLI's `BuildKitEnabled`).
//!
//! * [`ignore`]: `.dockerignore` matching (moby's `patternmatcher`);
//! * [`context`]: the context tar;
//! * [`buildkit_enabled`]: which builder;
//! * [`plan`] maps a service's `build:` section to [`BuildOptions`] (image name
//!   `<project>-<service>` unless `image:` is set, `build.tags` too, build args
//!   merged with `--build-arg` and resolved from the project environment,
//!   labels plus `com.docker.compose.image.builder=classic` with the classic
//!   builder, `build_classic.go`);
//! * [`build`] prepares the context and runs the build through a [`Runtime`].

pub mod context;
pub mod ignore;

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::convert::image_name;
use crate::labels;
use crate::model::{Project, ServiceConfig};
use crate::runtime::dockerconfig::Secret;
use crate::runtime::{
    BuildError, BuildOptions, BuildOutcome, BuildProgress, BuildSecret, Runtime, RuntimeError,
};

pub use context::{BuildContext, ContextError, ContextSpec};

pub mod bake;

/// What the command line adds to every service's build (`--no-cache`, `--pull`,
/// `--build-arg`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Overrides {
    /// `--no-cache`.
    pub no_cache: bool,
    /// `--pull`.
    pub pull: bool,
    /// `--build-arg KEY=VALUE` (or `KEY`, taken from the project environment).
    pub args: Vec<String>,
    /// `-m/--memory` in bytes (0: none); the classic builder only.
    pub memory: i64,
    /// The project environment (process environment and `.env`, as the loader
    /// used it for interpolation): values of build args given without one.
    pub environment: BTreeMap<String, String>,
    /// `--ssh`: ssh agents added to every service's `build.ssh`.
    pub ssh: Vec<crate::model::SshKey>,
}

/// One service's build, ready to run.
#[derive(Debug, Clone)]
pub struct ServiceBuild {
    /// Service name.
    pub service: String,
    /// The image the service runs (`<project>-<service>` unless `image:` is set).
    pub image: String,
    /// Builder parameters; `dockerfile` is filled in by [`ServiceBuild::context`].
    pub options: BuildOptions,
    /// Where the context comes from.
    pub context: ContextSpec,
}

impl ServiceBuild {
    /// Builds the context tar and points `options.dockerfile` into it.
    pub fn context(&self) -> Result<(BuildOptions, BuildContext), ContextError> {
        let ctx = context::create(&self.context)?;
        let mut options = self.options.clone();
        options.dockerfile = ctx.dockerfile.clone();
        Ok((options, ctx))
    }
}

/// `--build-arg` items onto a mapping (`KEY=VALUE`, or `KEY` with no value).
fn parse_args(items: &[String]) -> BTreeMap<String, Option<String>> {
    items
        .iter()
        .map(|a| match a.split_once('=') {
            Some((k, v)) => (k.to_string(), Some(v.to_string())),
            None => (a.clone(), None),
        })
        .collect()
}

/// Whether builds use BuildKit, as the docker CLI's `BuildKitEnabled` decides
/// for a Linux engine: `DOCKER_BUILDKIT` (Go's `strconv.ParseBool`) when set
/// and not empty, else yes.
///
/// ```
/// use std::collections::BTreeMap;
/// use compose_engine::build::buildkit_enabled;
/// let env = |v: &str| BTreeMap::from([("DOCKER_BUILDKIT".to_string(), v.to_string())]);
/// assert_eq!(buildkit_enabled(&BTreeMap::new()), Ok(true));
/// assert_eq!(buildkit_enabled(&env("0")), Ok(false));
/// assert_eq!(buildkit_enabled(&env("")), Ok(true));
/// assert!(buildkit_enabled(&env("maybe")).unwrap_err().contains("expects boolean value"));
/// ```
pub fn buildkit_enabled(environment: &BTreeMap<String, String>) -> Result<bool, String> {
    match environment.get("DOCKER_BUILDKIT").map(String::as_str) {
        None | Some("") => Ok(true),
        Some(v) => compose_spec::gocompat::strconv::parse_bool(v).ok_or_else(|| {
            format!(
                "DOCKER_BUILDKIT environment variable expects boolean value: strconv.ParseBool: parsing {v:?}: invalid syntax"
            )
        }),
    }
}

/// The build of `service`, or `None` when it has no `build:` section.
///
/// Errors are compose's own for what the classic builder cannot do.
pub fn plan(
    project: &Project,
    service: &ServiceConfig,
    overrides: &Overrides,
) -> Result<Option<ServiceBuild>, String> {
    let Some(b) = &service.build else {
        return Ok(None);
    };
    let buildkit = buildkit_enabled(&overrides.environment)?;
    if buildkit && overrides.memory > 0 {
        // compose's `-m` is documented "Not supported by BuildKit"; say so.
        return Err("--memory is not supported by BuildKit; set DOCKER_BUILDKIT=0 to build with the classic builder".into());
    }
    if buildkit {
        // What hoist's BuildKit builder (the engine's `/build` with a session
        // that serves registry credentials) cannot hand to BuildKit.
        let unsupported = |what: &str| {
            Err(format!(
                "building with BuildKit: {what} not supported by hoist yet; remove it from the build section of service {:?}",
                service.name
            ))
        };
        if b.platforms.len() > 1 {
            return unsupported(
                "multi-platform builds (build.platforms with several platforms) are",
            );
        }
        if b.privileged {
            return unsupported("privileged builds (the security.insecure entitlement) are");
        }
        if !b.additional_contexts.is_empty() {
            // The engine's `/build` takes no named contexts (they need a Solve
            // with the frontend's `context:<name>` inputs); on engine 20.10 the
            // reference fails too (`unsupported frontend capability
            // moby.buildkit.frontend.contexts`).
            return unsupported("additional_contexts are");
        }
        if !b.cache_to.is_empty() {
            // compose's words (buildx's, for the engine's own builder)
            return Err("Cache export is not supported for the docker driver.\nSwitch to a different driver, or turn on the containerd image store, and try again.\nLearn more at https://docs.docker.com/go/build-cache-backends/".into());
        }
    } else {
        let unsupported = |what: &str| {
            Err(format!(
                "the classic builder doesn't support {what}, set DOCKER_BUILDKIT=1 to use BuildKit"
            ))
        };
        if b.platforms.len() > 1 {
            return Err("the classic builder doesn't support multi-arch build, set DOCKER_BUILDKIT=1 to use BuildKit".into());
        }
        if b.privileged {
            return unsupported("privileged mode");
        }
        if !b.additional_contexts.is_empty() {
            return unsupported("additional contexts");
        }
        if !b.ssh.is_empty() || !overrides.ssh.is_empty() {
            return unsupported("SSH keys");
        }
        if !b.secrets.is_empty() {
            return unsupported("secrets");
        }
    }

    let build_args = merged_args(project, b, overrides);

    let mut image_labels = b.labels.clone();
    if buildkit {
        // compose's BuildKit path (`toBuildOptions`) marks the project and service.
        image_labels.insert(labels::PROJECT.to_string(), project.name.clone());
        image_labels.insert(labels::SERVICE.to_string(), service.name.clone());
        image_labels.insert(
            labels::VERSION.to_string(),
            labels::COMPOSE_VERSION.to_string(),
        );
    } else {
        image_labels.insert(labels::IMAGE_BUILDER.to_string(), "classic".to_string());
    }

    let secrets = if buildkit {
        build_secrets(project, service, overrides)?
    } else {
        BTreeMap::new()
    };
    let ssh = if buildkit {
        ssh_agents(service, overrides)?
    } else {
        BTreeMap::new()
    };

    let image = image_name(&project.name, service);
    let mut tags = b.tags.clone();
    tags.push(image.clone());

    let mut dir = PathBuf::from(&b.context);
    if dir.is_relative() && !context::is_remote(&b.context) {
        dir = PathBuf::from(&project.working_dir).join(dir);
    }
    let inline = (!b.dockerfile_inline.is_empty()).then(|| b.dockerfile_inline.clone());
    Ok(Some(ServiceBuild {
        service: service.name.clone(),
        image,
        options: BuildOptions {
            tags,
            dockerfile: String::new(),
            build_args,
            target: b.target.clone(),
            labels: image_labels,
            no_cache: b.no_cache || overrides.no_cache,
            pull: b.pull || overrides.pull,
            network: b.network.clone(),
            shm_size: b.shm_size.0,
            extra_hosts: b.extra_hosts.as_list(":"),
            cache_from: b.cache_from.clone(),
            isolation: b.isolation.clone(),
            memory: overrides.memory,
            buildkit,
            // compose's BuildKit path builds for the one platform of
            // build.platforms; its classic path sends none
            platform: match (buildkit, b.platforms.as_slice()) {
                (true, [one]) => one.clone(),
                _ => String::new(),
            },
            secrets,
            ssh,
        },
        context: ContextSpec {
            dir,
            dockerfile: if inline.is_some() {
                String::new()
            } else {
                b.dockerfile.clone()
            },
            dockerfile_inline: inline,
        },
    }))
}

/// compose's `resolveAndMergeBuildArgs`: the file's args, overridden by
/// `--build-arg`, and the ones without a value taken from the project
/// environment (left out when it has none).
pub fn merged_args(
    project: &Project,
    b: &crate::model::BuildConfig,
    overrides: &Overrides,
) -> BTreeMap<String, String> {
    let mut args: BTreeMap<String, Option<String>> = b.args.clone();
    args.extend(parse_args(&overrides.args));
    args.into_iter()
        .filter_map(|(k, v)| {
            let v = v
                .or_else(|| overrides.environment.get(&k).cloned())
                .or_else(|| project.environment.get(&k).cloned())?;
            Some((k, v))
        })
        .collect()
}

/// The build's secrets by id, as compose's `addSecretsConfig`: the id is the
/// reference's `target` (else its `source`); a file secret is read by the
/// builder when it asks, an `environment:` one takes the variable's value
/// from the project environment; other kinds are refused.
fn build_secrets(
    project: &Project,
    service: &ServiceConfig,
    overrides: &Overrides,
) -> Result<BTreeMap<String, BuildSecret>, String> {
    let mut out = BTreeMap::new();
    let Some(b) = &service.build else {
        return Ok(out);
    };
    for r in &b.secrets {
        let id = if r.target.is_empty() {
            r.source.clone()
        } else {
            r.target.clone()
        };
        let Some(def) = project.secrets.get(&r.source) else {
            return Err(format!(
                "build.secrets refers to undefined secret {}",
                r.source
            ));
        };
        let source = if !def.file.is_empty() {
            let mut p = PathBuf::from(&def.file);
            if p.is_relative() {
                p = PathBuf::from(&project.working_dir).join(p);
            }
            BuildSecret::File(p)
        } else if !def.environment.is_empty() {
            let value = overrides
                .environment
                .get(&def.environment)
                .cloned()
                .unwrap_or_default();
            BuildSecret::Value(Secret::new(value))
        } else {
            return Err(format!(
                "build.secrets only supports environment or file-based secrets: {:?}",
                r.source
            ));
        };
        out.insert(id, source);
    }
    Ok(out)
}

/// The build's ssh agents by id, as compose's `sshAgentProvider`: `default`
/// (or an id without a path) is the agent of `SSH_AUTH_SOCK`, a path must be
/// an agent's socket (key files are not loaded into an agent of hoist's).
fn ssh_agents(
    service: &ServiceConfig,
    overrides: &Overrides,
) -> Result<BTreeMap<String, PathBuf>, String> {
    let mut out = BTreeMap::new();
    let Some(b) = &service.build else {
        return Ok(out);
    };
    for k in b.ssh.iter().chain(&overrides.ssh) {
        let path = if k.path.is_empty() {
            match overrides.environment.get("SSH_AUTH_SOCK") {
                Some(p) if !p.is_empty() => PathBuf::from(p),
                _ => {
                    return Err(format!(
                        "build.ssh {:?} forwards the ssh agent of SSH_AUTH_SOCK, which is not set: start an agent (eval $(ssh-agent)) or give the socket's path ({}=/path/to/agent.sock)",
                        k.id, k.id
                    ))
                }
            }
        } else {
            PathBuf::from(&k.path)
        };
        #[cfg(unix)]
        {
            use std::os::unix::fs::FileTypeExt;
            match std::fs::metadata(&path) {
                Ok(m) if m.file_type().is_socket() => {}
                Ok(_) => {
                    return Err(format!(
                        "build.ssh {:?}: {} is not an ssh agent's socket; hoist forwards agents, not key files (add the key to an agent with ssh-add)",
                        k.id,
                        path.display()
                    ))
                }
                Err(e) => {
                    return Err(format!(
                        "build.ssh {:?}: {}: {e}",
                        k.id,
                        path.display()
                    ))
                }
            }
        }
        out.insert(k.id.clone(), path);
    }
    Ok(out)
}

/// Prepares the context (on a blocking thread) and builds the image.
pub async fn build<R: Runtime>(
    rt: &R,
    b: &ServiceBuild,
    progress: BuildProgress<'_>,
) -> Result<BuildOutcome, BuildError> {
    let owned = b.clone();
    let prepared = tokio::task::spawn_blocking(move || owned.context())
        .await
        .map_err(|e| RuntimeError::Other(format!("preparing the build context: {e}")))?;
    let (options, ctx) = prepared.map_err(|e| {
        BuildError::Failed(crate::runtime::BuildFailure {
            step: None,
            message: e.0,
            code: 1,
        })
    })?;
    rt.build_image(&options, ctx.tar, progress).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::fake::Fake;

    fn project(dir: &std::path::Path, yaml: &str) -> (Project, BTreeMap<String, String>) {
        std::fs::write(dir.join("compose.yaml"), yaml).unwrap();
        let mut o = compose_spec::loader::LoadOptions::new(dir.to_path_buf());
        o.os_env = BTreeMap::from([
            ("FROM_ENV".to_string(), "env-value".to_string()),
            ("CLI_ENV".to_string(), "cli-env".to_string()),
        ])
        .into_iter()
        .collect();
        let loaded = compose_spec::loader::load(&o);
        assert!(!loaded.has_errors(), "{:?}", loaded.diagnostics);
        let env = loaded.environment.clone().into_iter().collect();
        (loaded.project.unwrap(), env)
    }

    #[test]
    fn options_from_the_model() {
        let t = tempfile::tempdir().unwrap();
        let (p, environment) = project(
            t.path(),
            r#"
name: demo
services:
  web:
    build:
      context: ./app
      dockerfile: web.Dockerfile
      args:
        A: "1"
        FROM_ENV:
        MISSING:
        OVER: file
      target: prod
      labels: [x.y=z]
      tags: ["demo/web:1"]
      no_cache: false
      network: host
      shm_size: 64m
      extra_hosts: ["h1=1.2.3.4"]
      cache_from: ["demo/web:cache"]
  named:
    image: reg.example/named:2
    build: .
  plain:
    image: busybox
"#,
        );
        let mut o = Overrides {
            no_cache: true,
            pull: true,
            args: vec!["OVER=cli".into(), "CLI_ENV".into()],
            memory: 0,
            environment,
            ssh: Vec::new(),
        };
        // BuildKit by default: project and service labels, no builder label
        // (compose marks classic builds only).
        let web = plan(&p, &p.services["web"], &o).unwrap().unwrap();
        assert!(web.options.buildkit);
        assert_eq!(
            web.options.labels,
            BTreeMap::from([
                ("com.docker.compose.project".to_string(), "demo".to_string()),
                ("com.docker.compose.service".to_string(), "web".to_string()),
                (
                    "com.docker.compose.version".to_string(),
                    "2.40.3".to_string()
                ),
                ("x.y".to_string(), "z".to_string())
            ])
        );
        o.environment
            .insert("DOCKER_BUILDKIT".to_string(), "false".to_string());
        let web = plan(&p, &p.services["web"], &o).unwrap().unwrap();
        assert!(!web.options.buildkit);
        assert_eq!(web.image, "demo-web");
        assert_eq!(web.options.tags, vec!["demo/web:1", "demo-web"]);
        assert_eq!(
            web.options.build_args,
            BTreeMap::from([
                ("A".to_string(), "1".to_string()),
                ("CLI_ENV".to_string(), "cli-env".to_string()),
                ("FROM_ENV".to_string(), "env-value".to_string()),
                ("OVER".to_string(), "cli".to_string()),
            ])
        );
        assert_eq!(web.options.target, "prod");
        assert_eq!(
            web.options.labels,
            BTreeMap::from([
                (
                    "com.docker.compose.image.builder".to_string(),
                    "classic".to_string()
                ),
                ("x.y".to_string(), "z".to_string()),
            ])
        );
        assert!(web.options.no_cache && web.options.pull);
        assert_eq!(web.options.network, "host");
        assert_eq!(web.options.shm_size, 64 << 20);
        assert_eq!(web.options.extra_hosts, vec!["h1:1.2.3.4"]);
        assert_eq!(web.options.cache_from, vec!["demo/web:cache"]);
        assert_eq!(web.context.dir, t.path().join("app"));
        assert_eq!(web.context.dockerfile, "web.Dockerfile");

        let named = plan(&p, &p.services["named"], &Overrides::default())
            .unwrap()
            .unwrap();
        assert_eq!(named.image, "reg.example/named:2");
        assert_eq!(named.options.tags, vec!["reg.example/named:2"]);
        assert!(plan(&p, &p.services["plain"], &Overrides::default())
            .unwrap()
            .is_none());
    }

    #[test]
    fn classic_builder_limits() {
        let t = tempfile::tempdir().unwrap();
        let (p, _) = project(
            t.path(),
            "services:\n  a:\n    build:\n      context: .\n      privileged: true\n",
        );
        let classic = Overrides {
            environment: BTreeMap::from([("DOCKER_BUILDKIT".to_string(), "0".to_string())]),
            ..Default::default()
        };
        assert_eq!(
            plan(&p, &p.services["a"], &classic).unwrap_err(),
            "the classic builder doesn't support privileged mode, set DOCKER_BUILDKIT=1 to use BuildKit"
        );
        assert_eq!(
            plan(&p, &p.services["a"], &Overrides::default()).unwrap_err(),
            "building with BuildKit: privileged builds (the security.insecure entitlement) are not supported by hoist yet; remove it from the build section of service \"a\""
        );
    }

    #[tokio::test]
    async fn builds_through_the_runtime() {
        let t = tempfile::tempdir().unwrap();
        std::fs::write(t.path().join("Dockerfile"), "FROM scratch\n").unwrap();
        let (p, _) = project(
            t.path(),
            "name: demo\nservices:\n  a:\n    build:\n      context: .\n      dockerfile_inline: FROM inline\n",
        );
        let b = plan(&p, &p.services["a"], &Overrides::default())
            .unwrap()
            .unwrap();
        let fake = Fake::new();
        let lines = std::sync::Mutex::new(Vec::new());
        let out = build(&fake, &b, &|l: &str| {
            lines.lock().unwrap().push(l.to_string())
        })
        .await
        .unwrap();
        assert!(out.image_id.starts_with("sha256:"));
        assert_eq!(fake.calls(), vec!["build image demo-a"]);
        let builds = fake.builds();
        assert!(builds[0].0.dockerfile.starts_with(".dockerfile."));
        assert!(!lines.lock().unwrap().is_empty());
        use crate::runtime::Observe;
        let img = fake.inspect_image("demo-a").await.unwrap().unwrap();
        assert_eq!(img.id, out.image_id);

        fake.fail_build(
            "demo-a",
            "The command '/bin/sh -c exit 3' returned a non-zero code: 3",
        );
        let e = build(&fake, &b, &|_: &str| {}).await.unwrap_err();
        match e {
            BuildError::Failed(f) => {
                assert_eq!(f.code, 3);
                assert_eq!(f.step.as_deref(), Some("Step 1/1 : FROM fake"));
            }
            other => panic!("{other:?}"),
        }
    }
}
