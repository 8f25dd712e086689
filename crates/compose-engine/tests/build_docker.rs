//! Builds against a real Docker engine with the classic builder, compared with
//! what `DOCKER_BUILDKIT=0 docker build` makes of the same context.
//!
//! Images are built `FROM hoist-test/busybox:latest` (built from the host's
//! static busybox when missing: no registry is reachable, nothing is pulled).
//! Without an engine the tests print a skip message and pass, unless
//! `HOIST_REQUIRE_DOCKER=1` makes that a failure. Every image gets a name
//! unique to this run and is removed by a drop guard.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;
use std::sync::Mutex;

use compose_engine::build::{self, Overrides};
use compose_engine::model::Project;
use compose_engine::runtime::docker::Docker;
use compose_engine::runtime::{BuildError, Observe, Runtime};

use test_support::{docker_stdout, IMAGE as BASE};

fn unique(what: &str) -> String {
    test_support::unique("hoist-build", what)
}

fn engine() -> Option<Docker> {
    if !test_support::engine_ready("the build tests") {
        return None;
    }
    Some(Docker::connect().expect("connect to the engine `docker info` reached"))
}

/// Removes the images a test tagged, also after a panic.
#[derive(Default)]
struct Cleanup(Vec<String>);

impl Drop for Cleanup {
    fn drop(&mut self) {
        for i in &self.0 {
            let _ = docker_stdout(&["rmi", "-f", i]);
        }
    }
}

fn write(dir: &Path, rel: &str, content: &str) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, content).unwrap();
}

fn project(dir: &Path, yaml: &str) -> (Project, BTreeMap<String, String>) {
    std::fs::write(dir.join("compose.yaml"), yaml).unwrap();
    let mut o = compose_spec::loader::LoadOptions::new(dir.to_path_buf());
    o.os_env = [("FROM_ENV".to_string(), "from-env".to_string())]
        .into_iter()
        .collect();
    let loaded = compose_spec::loader::load(&o);
    assert!(!loaded.has_errors(), "{:?}", loaded.diagnostics);
    let env = loaded.environment.clone().into_iter().collect();
    (loaded.project.unwrap(), env)
}

/// Builds one service with hoist; returns the result and the output lines.
async fn hoist_build(
    docker: &Docker,
    p: &Project,
    env: BTreeMap<String, String>,
    service: &str,
) -> (Result<String, BuildError>, Vec<String>) {
    // The classic builder, which these tests compare with `DOCKER_BUILDKIT=0 docker build`.
    let mut env = env;
    env.insert("DOCKER_BUILDKIT".to_string(), "0".to_string());
    let overrides = Overrides {
        environment: env,
        ..Default::default()
    };
    let b = build::plan(p, &p.services[service], &overrides)
        .unwrap()
        .unwrap();
    let lines = Mutex::new(Vec::new());
    let r = build::build(docker, &b, &|l: &str| {
        lines.lock().unwrap().push(l.to_string())
    })
    .await;
    (r.map(|o| o.image_id), lines.into_inner().unwrap())
}

fn run_in(image: &str, script: &str) -> String {
    docker_stdout(&["run", "--rm", "--entrypoint", "sh", image, "-c", script])
        .unwrap_or_else(|| panic!("running {script:?} in {image} failed"))
}

#[tokio::test]
async fn context_matches_docker_build() {
    let Some(docker) = engine() else { return };
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    let image = unique("ctx");
    let oracle = unique("ctx-oracle");
    let _cleanup = Cleanup(vec![image.clone(), oracle.clone()]);
    write(
        d,
        "Dockerfile",
        &format!("FROM {BASE}\nCOPY . /ctx/\nCMD [\"true\"]\n"),
    );
    write(
        d,
        ".dockerignore",
        "# comment\nignored.txt\n*.log\ndocs\n!docs/keep.md\n**/*.tmp\n",
    );
    write(d, "a.txt", "a");
    write(d, "ignored.txt", "no");
    write(d, "top.log", "no");
    write(d, "sub/inner.log", "yes: *.log is root-only");
    write(d, "sub/deep/x.tmp", "no");
    write(d, "docs/keep.md", "yes");
    write(d, "docs/drop.md", "no");
    write(d, "bin/run.sh", "#!/bin/sh\n");
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(d.join("bin/run.sh"), std::fs::Permissions::from_mode(0o750))
            .unwrap();
    }
    std::os::unix::fs::symlink("../a.txt", d.join("sub/link")).unwrap();
    let (p, env) = project(
        d,
        &format!("name: hb\nservices:\n  app:\n    image: {image}\n    build: .\n"),
    );
    let (r, _) = hoist_build(&docker, &p, env, "app").await;
    let id = r.expect("hoist build");
    assert!(id.starts_with("sha256:"), "{id}");
    assert_eq!(docker.inspect_image(&image).await.unwrap().unwrap().id, id);

    let status = Command::new("docker")
        .args(["build", "-q", "-t", &oracle])
        .arg(d)
        .env("DOCKER_BUILDKIT", "0")
        .output()
        .unwrap();
    assert!(status.status.success(), "{status:?}");

    // Files (name, mode, mtime, symlink target) as each image has them.
    let list = "cd /ctx && find . -type f -o -type l | sort | while read f; do echo \"$f $(stat -c '%a %Y' \"$f\") $(readlink \"$f\")\"; done";
    let ours = run_in(&image, list);
    let theirs = run_in(&oracle, list);
    assert_eq!(ours, theirs);
    for present in [
        "./a.txt",
        "./docs/keep.md",
        "./sub/inner.log",
        "./.dockerignore",
        "./Dockerfile",
        "./bin/run.sh 750",
        "./sub/link 777",
    ] {
        assert!(ours.contains(present), "{present} missing from\n{ours}");
    }
    for absent in ["ignored.txt", "top.log", "drop.md", "x.tmp"] {
        assert!(!ours.contains(absent), "{absent} present in\n{ours}");
    }
}

#[tokio::test]
async fn args_target_labels_and_tags() {
    let Some(docker) = engine() else { return };
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    let image = unique("args");
    let extra = format!("{}-extra:v1", unique("tag"));
    let _cleanup = Cleanup(vec![image.clone(), extra.clone()]);
    write(
        d,
        "app/Dockerfile",
        &format!(
            "FROM {BASE} AS base\nARG GREETING=default\nARG FROM_ENV=unset\nARG UNSET=arg-default\n\
             RUN echo \"$GREETING $FROM_ENV $UNSET\" > /greeting\n\
             FROM base AS other\nRUN echo other > /stage\n\
             FROM base AS wanted\nRUN echo wanted > /stage\n\
             FROM base AS last\nRUN echo last > /stage\n"
        ),
    );
    let (p, env) = project(
        d,
        &format!(
            "name: hb\nservices:\n  app:\n    image: {image}\n    build:\n      context: app\n      target: wanted\n      args:\n        GREETING: hello\n        FROM_ENV:\n        UNSET:\n      labels:\n        dev.hoist.test: yes\n      tags: [\"{extra}\"]\n"
        ),
    );
    let (r, lines) = hoist_build(&docker, &p, env, "app").await;
    let id = r.expect("hoist build");
    assert!(lines.iter().any(|l| l.starts_with("Step 1/")), "{lines:?}");
    assert_eq!(
        run_in(&image, "cat /greeting"),
        "hello from-env arg-default\n"
    );
    assert_eq!(run_in(&image, "cat /stage"), "wanted\n");
    let img = docker.inspect_image(&image).await.unwrap().unwrap();
    assert_eq!(img.labels["dev.hoist.test"], "yes");
    assert_eq!(img.labels["com.docker.compose.image.builder"], "classic");
    assert_eq!(docker.inspect_image(&extra).await.unwrap().unwrap().id, id);

    let more = format!("{}-more", unique("tag"));
    let _more = Cleanup(vec![more.clone()]);
    docker.tag_image(&image, &more).await.unwrap();
    assert_eq!(docker.inspect_image(&more).await.unwrap().unwrap().id, id);
}

#[tokio::test]
async fn inline_dockerfile() {
    let Some(docker) = engine() else { return };
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    let image = unique("inline");
    let _cleanup = Cleanup(vec![image.clone()]);
    write(d, "data.txt", "data");
    let (p, env) = project(
        d,
        &format!(
            "name: hb\nservices:\n  app:\n    image: {image}\n    build:\n      context: .\n      dockerfile_inline: |\n        FROM {BASE}\n        COPY . /ctx/\n"
        ),
    );
    let (r, _) = hoist_build(&docker, &p, env, "app").await;
    r.expect("hoist build");
    // The generated Dockerfile is ignored through the .dockerignore sent with it.
    assert_eq!(
        run_in(&image, "cd /ctx && ls -A"),
        "compose.yaml\ndata.txt\n"
    );
}

#[tokio::test]
async fn failing_run_reports_the_step() {
    let Some(docker) = engine() else { return };
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    let image = unique("fail");
    let _cleanup = Cleanup(vec![image.clone()]);
    write(
        d,
        "Dockerfile",
        &format!("FROM {BASE}\nRUN true\nRUN exit 3\nCMD [\"true\"]\n"),
    );
    let (p, env) = project(
        d,
        &format!("name: hb\nservices:\n  app:\n    image: {image}\n    build: .\n"),
    );
    let (r, lines) = hoist_build(&docker, &p, env, "app").await;
    match r {
        Err(BuildError::Failed(f)) => {
            assert_eq!(
                f.message,
                "The command '/bin/sh -c exit 3' returned a non-zero code: 3"
            );
            // Compose's label is one more step (LABEL), hence /5.
            assert_eq!(f.step.as_deref(), Some("Step 3/5 : RUN exit 3"));
            assert_eq!(f.code, 3);
            assert!(lines.contains(&"Step 3/5 : RUN exit 3".to_string()));
        }
        other => panic!("expected a build failure, got {other:?}"),
    }
    assert!(docker.inspect_image(&image).await.unwrap().is_none());
}
