//! `pull`, `push` and `up`'s pull policies against a real registry on loopback, driving the `hoist`
//! binary (and `docker compose` where its behaviour is the reference).
//!
//! Each test starts its own registry with `tests/registry.sh` (Debian's `docker-registry`,
//! distribution 2.8, plain HTTP on `127.0.0.1:PORT`, which the engine trusts without setup) and
//! uses a repository and project names unique to this run. A drop guard removes the projects
//! (`docker compose -p X down -v -t 0`), the images the test made or pulled, and stops the
//! registry, also when an assertion fails. Images are built from the local
//! `hoist-test/busybox:latest` (itself built from the host's static busybox when missing): nothing
//! is downloaded from outside.
//!
//! When `docker info` fails or `docker-registry` is not installed the tests print a skip message
//! and pass, unless `HOIST_REQUIRE_DOCKER=1` makes that a failure (CI).

use std::cell::RefCell;
use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use test_support::{repo_root, run, Out, Registry};

const HOIST: &str = env!("CARGO_BIN_EXE_hoist");

/// `fixtures/registry/<name>/compose.yaml`.
fn fixture(name: &str) -> PathBuf {
    repo_root()
        .join("fixtures/registry")
        .join(name)
        .join("compose.yaml")
}

fn docker(args: &[&str]) -> Out {
    let mut cmd = Command::new("docker");
    cmd.args(args);
    run(cmd, format!("docker {}", args.join(" ")))
}

/// `true` when there is an engine and a registry binary to test with; panics when they are
/// required and missing.
fn available() -> bool {
    if test_support::which("docker-registry").is_none() {
        return test_support::skip_or_fail(
            "the registry tests",
            "`docker-registry` is not installed (apt-get install docker-registry)",
        );
    }
    test_support::engine_ready("the registry tests")
}

/// Which program drives a project.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Tool {
    Hoist,
    Compose,
}

impl Tool {
    fn name(self) -> &'static str {
        match self {
            Tool::Hoist => "hoist",
            Tool::Compose => "compose",
        }
    }
}

/// One test's registry, names and cleanup.
struct Case {
    /// Unique to this run and test: the repository (under `hoist-e2e/`) and the project prefix.
    name: String,
    /// Stopped (on drop) before `dir`, where it keeps its storage, is removed.
    registry: Registry,
    dir: tempfile::TempDir,
    projects: RefCell<Vec<String>>,
    /// Image references and ids to remove at the end.
    images: RefCell<Vec<String>>,
}

static CASES: AtomicUsize = AtomicUsize::new(0);

/// Tests build the same Dockerfile, and the legacy builder shares the
/// intermediate images of its first steps between them as cache. Removing one
/// test's image also removes those untagged parents when nothing else uses
/// them yet, which fails another test's build that is just reusing them
/// ("failed to get digest"). So images are removed only when no test is
/// running: the number of running tests, and the images left to remove.
static RUNNING: std::sync::Mutex<(usize, Vec<String>)> = std::sync::Mutex::new((0, Vec::new()));

impl Case {
    fn start(test: &str) -> Self {
        let n = CASES.fetch_add(1, Ordering::SeqCst);
        let name = format!("hoist-reg-{}-{n}-{test}", std::process::id());
        let dir = tempfile::tempdir().unwrap();
        let registry = Registry::start(dir.path(), None);
        RUNNING.lock().unwrap_or_else(|e| e.into_inner()).0 += 1;
        Case {
            name,
            registry,
            dir,
            projects: RefCell::new(Vec::new()),
            images: RefCell::new(Vec::new()),
        }
    }

    fn registry(&self) -> String {
        self.registry.host()
    }

    /// A repository name under `hoist-e2e/` for this case.
    fn repo(&self, suffix: &str) -> String {
        format!("{}{suffix}", self.name)
    }

    /// `127.0.0.1:PORT/hoist-e2e/<repo>:<tag>`, removed at the end.
    fn image(&self, repo: &str, tag: &str) -> String {
        let image = format!("{}/hoist-e2e/{repo}:{tag}", self.registry());
        self.images.borrow_mut().push(image.clone());
        image
    }

    /// A project name, removed at the end.
    fn project(&self, suffix: &str) -> String {
        let p = format!("{}-{suffix}", self.name);
        self.projects.borrow_mut().push(p.clone());
        p
    }

    /// Runs `tool -f fixtures/registry/<fixture>/compose.yaml -p <project> <args>` with the
    /// fixture's variables: REGISTRY, REPO=`repo`, then `env`.
    fn tool(
        &self,
        tool: Tool,
        fixture_name: &str,
        project: &str,
        repo: &str,
        args: &[&str],
        env: &[(&str, &str)],
    ) -> Out {
        let mut cmd = match tool {
            Tool::Hoist => Command::new(HOIST),
            Tool::Compose => {
                let mut c = Command::new("docker");
                c.arg("compose");
                c
            }
        };
        cmd.arg("-f")
            .arg(fixture(fixture_name))
            .args(["-p", project])
            .args(args)
            .current_dir(self.dir.path());
        for k in [
            "TAG",
            "VERSION",
            "PULL_POLICY",
            "COMPOSE_FILE",
            "COMPOSE_PROJECT_NAME",
        ] {
            cmd.env_remove(k);
        }
        cmd.env("REGISTRY", self.registry()).env("REPO", repo);
        for (k, v) in env {
            cmd.env(k, v);
        }
        run(
            cmd,
            format!(
                "{} {fixture_name} -p {project} {} (REPO={repo} {env:?})",
                tool.name(),
                args.join(" ")
            ),
        )
    }

    fn hoist(
        &self,
        fixture_name: &str,
        project: &str,
        repo: &str,
        args: &[&str],
        env: &[(&str, &str)],
    ) -> Out {
        self.tool(Tool::Hoist, fixture_name, project, repo, args, env)
    }

    /// The tags the registry lists for `hoist-e2e/<repo>`.
    fn registry_tags(&self, repo: &str) -> Vec<String> {
        self.registry
            .tags(&format!("hoist-e2e/{repo}"), None)
            .unwrap_or_else(|e| panic!("{e}"))
    }

    /// Builds fixtures/registry/app as `image` with `VERSION=version` with the docker CLI (not the
    /// tool under test) and returns the image id, removed at the end.
    fn docker_build(&self, repo: &str, image: &str, version: &str) -> String {
        let mut cmd = Command::new("docker");
        cmd.args(["build", "-q", "-t", image])
            .args(["--build-arg", &format!("VERSION={version}")])
            .args(["--build-arg", &format!("NONCE={repo}")])
            .arg(repo_root().join("fixtures/registry/app"))
            .env("DOCKER_BUILDKIT", "0");
        run(cmd, format!("docker build -t {image} (VERSION={version})")).expect_ok();
        let id = image_id(image).expect("the image just built");
        self.images.borrow_mut().push(id.clone());
        id
    }

    /// Records an image id built by the tool under test, for removal.
    fn track_id(&self, id: &str) {
        self.images.borrow_mut().push(id.to_string());
    }
}

impl Drop for Case {
    fn drop(&mut self) {
        for p in self.projects.borrow().iter() {
            test_support::compose_down(p, self.dir.path());
        }
        // The registry stops when the fields drop, after this. References first (ids of images the test built follow), then the ids,
        // by the last test out (see RUNNING).
        let mut running = RUNNING.lock().unwrap_or_else(|e| e.into_inner());
        running.0 -= 1;
        running.1.append(&mut self.images.borrow_mut());
        if running.0 == 0 {
            for image in std::mem::take(&mut running.1) {
                let _ = Command::new("docker")
                    .args(["image", "rm", "-f", &image])
                    .output();
            }
        }
    }
}

/// The image id of `image`, `None` when it is not here.
fn image_id(image: &str) -> Option<String> {
    let r = docker(&["image", "inspect", "--format", "{{.Id}}", image]);
    r.success().then(|| r.stdout.trim().to_string())
}

/// The one container of `service` in `project`: (container id, image id).
fn container(project: &str, service: &str) -> (String, String) {
    let r = docker(&[
        "ps",
        "-a",
        "-q",
        "--no-trunc",
        "--filter",
        &format!("label=com.docker.compose.project={project}"),
        "--filter",
        &format!("label=com.docker.compose.service={service}"),
    ])
    .expect_ok();
    let ids: Vec<&str> = r.stdout.split_whitespace().collect();
    assert_eq!(
        ids.len(),
        1,
        "one container of {service} in {project}: {ids:?}"
    );
    let r = docker(&[
        "inspect",
        "--format",
        "{{.Id}} {{.Image}} {{.State.Running}}",
        ids[0],
    ])
    .expect_ok();
    let f: Vec<&str> = r.stdout.split_whitespace().collect();
    assert_eq!(f.get(2), Some(&"true"), "{service} runs: {}", r.stdout);
    (f[0].to_string(), f[1].to_string())
}

/// (1) `hoist build` then `hoist push` puts the tag in the registry; pushing an image that was never
/// built fails naming the service, like compose.
#[test]
fn build_then_push() {
    if !available() {
        return;
    }
    let case = Case::start("push");
    let repo = case.repo("");
    let p = case.project("hoist");
    let v1 = case.image(&repo, "v1");

    case.hoist("app", &p, &repo, &["build"], &[]).expect_ok();
    let id = image_id(&v1).expect("hoist build tags the service's image");
    case.track_id(&id);
    assert!(case.registry_tags(&repo).is_empty());

    case.hoist("app", &p, &repo, &["push"], &[]).expect_ok();
    assert_eq!(case.registry_tags(&repo), vec!["v1".to_string()]);

    // `-q` prints nothing on stdout; the same tag pushes again.
    let q = case
        .hoist("app", &p, &repo, &["push", "-q"], &[])
        .expect_ok();
    assert_eq!(q.stdout, "", "{}", q.show());

    // An image that was never built: the push fails and says which service.
    let _v9 = case.image(&repo, "v9");
    let env = [("TAG", "v9")];
    let r = case
        .hoist("app", &p, &repo, &["push"], &env)
        .expect_failure();
    assert!(r.stderr.contains("app"), "names the service\n{}", r.show());
    case.tool(Tool::Compose, "app", &p, &repo, &["push"], &env)
        .expect_failure();
    case.hoist("app", &p, &repo, &["push", "--ignore-push-failures"], &env)
        .expect_ok();
    case.tool(
        Tool::Compose,
        "app",
        &p,
        &repo,
        &["push", "--ignore-push-failures"],
        &env,
    )
    .expect_ok();
    assert_eq!(case.registry_tags(&repo), vec!["v1".to_string()]);
}

/// The events of a `--progress json` push: (id, text, status — the bar) of each layer's lines whose text
/// does not depend on timing (`Preparing`, `Layer already exists`, `Pushed`), each byte count
/// checked against its percentage, and done lines at 100%.
fn stable_push_events(stderr: &str) -> std::collections::BTreeSet<(String, String, String)> {
    let mut events = std::collections::BTreeSet::new();
    for l in stderr.lines() {
        let v: serde_json::Value =
            serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l:?}"));
        let s = |k: &str| v.get(k).and_then(|v| v.as_str()).unwrap_or("").to_string();
        let n = |k: &str| v.get(k).and_then(|v| v.as_u64()).unwrap_or(0);
        // (the engine can send more bytes than the total; compose's percentage then passes 100,
        // hoist's stops at 100)
        if n("total") > 0 && n("current") <= n("total") {
            assert_eq!(n("percent"), n("current") * 100 / n("total"), "{l}");
        }
        if ["Pushed", "Layer already exists"].contains(&s("text").as_str()) {
            assert_eq!(n("percent"), 100, "{l}");
        }
        if ["Preparing", "Pushed", "Layer already exists"].contains(&s("text").as_str()) {
            events.insert((s("id"), s("text"), s("status")));
        }
    }
    events
}

/// Push progress as compose's: one line per layer, `Pushing <image>: <layer>`, with the engine's
/// status; pushing again gives the same events from both tools (every layer already there).
#[test]
fn push_progress_as_compose() {
    if !available() {
        return;
    }
    let case = Case::start("pushprogress");
    let repo = case.repo("");
    let p = case.project("pushprogress");
    let image = case.image(&repo, "v1");
    case.hoist("app", &p, &repo, &["build"], &[]).expect_ok();
    let id = image_id(&image).expect("hoist build tags the service's image");
    case.track_id(&id);
    // the first push: each layer's line names the image and ends done
    let first = case
        .hoist("app", &p, &repo, &["--progress", "json", "push"], &[])
        .expect_ok();
    let prefix = format!("Pushing {image}: ");
    let layers: std::collections::BTreeSet<String> = stable_push_events(&first.stderr)
        .into_iter()
        .filter_map(|(id, _, _)| id.strip_prefix(&prefix).map(str::to_string))
        .collect();
    assert!(!layers.is_empty(), "no layer events\n{}", first.show());
    let mut again = Vec::new();
    for tool in [Tool::Compose, Tool::Hoist] {
        let r = case
            .tool(tool, "app", &p, &repo, &["--progress", "json", "push"], &[])
            .expect_ok();
        let events = stable_push_events(&r.stderr);
        for l in &layers {
            assert!(
                events.contains(&(
                    format!("{prefix}{l}"),
                    "Layer already exists".into(),
                    String::new()
                )),
                "{}: layer {l} not already there\n{}",
                tool.name(),
                r.show()
            );
        }
        again.push(events);
    }
    assert_eq!(again[0], again[1], "compose's events, then hoist's");
    // plain lines as compose's: ` Pushing <image>: <layer> Layer already exists `
    let plain = case
        .hoist("app", &p, &repo, &["--progress", "plain", "push"], &[])
        .expect_ok();
    for l in &layers {
        let line = format!(" {prefix}{l} Layer already exists ");
        assert!(
            plain.stderr.lines().any(|x| x == line),
            "{line:?}\n{}",
            plain.show()
        );
    }
}

/// (2) `hoist pull` brings a removed image back from the registry, `-q` quietly; an image the
/// registry lacks fails the pull naming the service unless `--ignore-pull-failures`, like compose.
#[test]
fn pull_from_the_registry() {
    if !available() {
        return;
    }
    let case = Case::start("pull");
    let repo = case.repo("");
    let p = case.project("hoist");
    let image = case.image(&repo, "v1");
    let _ghost = case.image(&case.repo("-ghost"), "v1");
    let id = case.docker_build(&repo, &image, "1");
    docker(&["push", &image]).expect_ok();
    docker(&["image", "rm", &image]).expect_ok();
    assert_eq!(image_id(&image), None);

    case.hoist("pull", &p, &repo, &["pull", "app"], &[])
        .expect_ok();
    assert_eq!(image_id(&image).as_deref(), Some(id.as_str()));

    docker(&["image", "rm", &image]).expect_ok();
    let q = case
        .hoist("pull", &p, &repo, &["pull", "-q", "app"], &[])
        .expect_ok();
    assert_eq!(q.stdout, "", "-q prints nothing on stdout\n{}", q.show());
    assert_eq!(image_id(&image).as_deref(), Some(id.as_str()));

    // `ghost`'s image is not in the registry.
    let r = case
        .hoist("pull", &p, &repo, &["pull"], &[])
        .expect_failure();
    assert!(
        r.stderr.contains("ghost"),
        "the failure names the service\n{}",
        r.show()
    );
    case.tool(Tool::Compose, "pull", &p, &repo, &["pull"], &[])
        .expect_failure();

    docker(&["image", "rm", &image]).expect_ok();
    case.hoist("pull", &p, &repo, &["pull", "--ignore-pull-failures"], &[])
        .expect_ok();
    assert_eq!(
        image_id(&image).as_deref(),
        Some(id.as_str()),
        "the other services are still pulled"
    );
    case.tool(
        Tool::Compose,
        "pull",
        &p,
        &repo,
        &["pull", "--ignore-pull-failures"],
        &[],
    )
    .expect_ok();

    // A buildable service whose image the registry lacks: the pull still fails, as in compose,
    // with a hint to build it; --ignore-pull-failures makes it a warning.
    let built = case.repo("-built");
    let _built_image = case.image(&built, "v1");
    for tool in [Tool::Compose, Tool::Hoist] {
        let r = case
            .tool(tool, "app", &p, &built, &["pull"], &[])
            .expect_failure();
        assert!(r.stderr.contains("build app"), "{}", r.show());
        case.tool(
            tool,
            "app",
            &p,
            &built,
            &["pull", "--ignore-pull-failures"],
            &[],
        )
        .expect_ok();
    }
}

/// What `pull_policy: always` did over three `up`s, the last after a new image was pushed under
/// the same tag while the local tag still named the old one.
#[derive(Debug, PartialEq)]
struct Always {
    first_pulled: bool,
    unchanged_pulled: bool,
    unchanged_kept_container: bool,
    new_pulled: bool,
    new_recreated: bool,
    new_runs_new_image: bool,
}

fn always_scenario(case: &Case, tool: Tool) -> Always {
    let repo = case.repo(&format!("-{}", tool.name()));
    let p = case.project(tool.name());
    let image = case.image(&repo, "v1");
    let id1 = case.docker_build(&repo, &image, "1");
    docker(&["push", &image]).expect_ok();
    let env = [("PULL_POLICY", "always")];
    let up = || {
        case.tool(tool, "pull", &p, &repo, &["up", "-d", "app"], &env)
            .expect_ok()
    };
    let pulled = |r: &Out| r.stderr.contains("Pulled");

    let r1 = up();
    let (c1, i1) = container(&p, "app");
    assert_eq!(i1, id1);
    let r2 = up();
    let (c2, _) = container(&p, "app");

    let id2 = case.docker_build(&repo, &image, "2");
    assert_ne!(id1, id2);
    docker(&["push", &image]).expect_ok();
    docker(&["tag", &id1, &image]).expect_ok();
    let r3 = up();
    let (c3, i3) = container(&p, "app");
    Always {
        first_pulled: pulled(&r1),
        unchanged_pulled: pulled(&r2),
        unchanged_kept_container: c2 == c1,
        new_pulled: pulled(&r3),
        new_recreated: c3 != c2,
        new_runs_new_image: i3 == id2,
    }
}

/// (3a) `pull_policy: always` pulls on every `up`, and a new image under the same tag recreates
/// the container, as compose does.
#[test]
fn up_pull_policy_always() {
    if !available() {
        return;
    }
    let case = Case::start("always");
    let want = Always {
        first_pulled: true,
        unchanged_pulled: true,
        unchanged_kept_container: true,
        new_pulled: true,
        new_recreated: true,
        new_runs_new_image: true,
    };
    let compose = always_scenario(&case, Tool::Compose);
    assert_eq!(compose, want, "docker compose, the reference");
    let hoist = always_scenario(&case, Tool::Hoist);
    assert_eq!(hoist, want, "hoist");
}

/// (3b) The default policy pulls an image missing locally during `up`; `pull_policy: never` fails
/// instead, saying why, and pulls nothing.
#[test]
fn up_pulls_missing_unless_never() {
    if !available() {
        return;
    }
    let case = Case::start("missing");
    let repo = case.repo("");
    let image = case.image(&repo, "v1");
    let id = case.docker_build(&repo, &image, "1");
    docker(&["push", &image]).expect_ok();
    docker(&["image", "rm", &image]).expect_ok();

    // never: fails, for compose too, and nothing is pulled.
    let never = [("PULL_POLICY", "never")];
    let p = case.project("never");
    let r = case
        .hoist("pull", &p, &repo, &["up", "-d", "app"], &never)
        .expect_failure();
    assert!(
        r.stderr.contains("app") && r.stderr.contains("never"),
        "names the service and the policy\n{}",
        r.show()
    );
    assert_eq!(image_id(&image), None, "pull_policy: never pulls nothing");
    let pc = case.project("never-compose");
    case.tool(
        Tool::Compose,
        "pull",
        &pc,
        &repo,
        &["up", "-d", "app"],
        &never,
    )
    .expect_failure();
    assert_eq!(image_id(&image), None);

    // No pull_policy (`plain`): pulled during `up`, and the container runs it.
    let p = case.project("default");
    let r = case
        .hoist("pull", &p, &repo, &["up", "-d", "plain"], &[])
        .expect_ok();
    assert!(r.stderr.contains("Pulled"), "{}", r.show());
    assert_eq!(image_id(&image).as_deref(), Some(id.as_str()));
    assert_eq!(container(&p, "plain").1, id);
}

/// (2b) `pull` follows each service's `pull_policy` like compose: `missing` keeps an image that is
/// already here, `never` and `build` skip the service, no policy pulls. Observed through a registry
/// that holds a newer image under the tag than the local one.
#[test]
fn pull_follows_the_service_pull_policy() {
    if !available() {
        return;
    }
    let case = Case::start("policy");
    let repo = case.repo("");
    let image = case.image(&repo, "v1");
    let old = case.docker_build(&repo, &image, "1");
    let new = case.docker_build(&repo, &image, "2");
    docker(&["push", &image]).expect_ok();
    // (service, pull_policy, whether `pull` replaces the local image)
    let cases = [
        ("app", "missing", false),
        ("app", "if_not_present", false),
        ("app", "never", false),
        ("app", "build", false),
        ("app", "always", true),
        ("plain", "", true),
    ];
    for tool in [Tool::Compose, Tool::Hoist] {
        let p = case.project(tool.name());
        for (service, policy, replaces) in cases {
            docker(&["tag", &old, &image]).expect_ok();
            let env = [("PULL_POLICY", policy)];
            case.tool(tool, "pull", &p, &repo, &["pull", service], &env)
                .expect_ok();
            let now = image_id(&image).expect("still here");
            let want = if replaces { &new } else { &old };
            assert_eq!(
                &now,
                want,
                "{} pull {service} with pull_policy {policy:?} {}",
                tool.name(),
                if replaces {
                    "pulls the registry's image"
                } else {
                    "keeps the local image"
                }
            );
        }
    }
}

/// (3c) `pull_policy: build` builds on `up` even when the image exists; the default policy does
/// not rebuild an existing image.
#[test]
fn up_pull_policy_build() {
    if !available() {
        return;
    }
    let case = Case::start("build");
    let repo = case.repo("");
    let p = case.project("hoist");
    let image = case.image(&repo, "v1");
    let policy = |v: &'static str| [("PULL_POLICY", "build"), ("VERSION", v)];

    case.hoist("app", &p, &repo, &["build"], &policy("1"))
        .expect_ok();
    let id1 = image_id(&image).expect("built");
    case.track_id(&id1);

    case.hoist("app", &p, &repo, &["up", "-d"], &policy("2"))
        .expect_ok();
    let id2 = image_id(&image).expect("built");
    case.track_id(&id2);
    assert_ne!(id1, id2, "pull_policy: build rebuilt the existing image");
    let (c2, i2) = container(&p, "app");
    assert_eq!(i2, id2);

    let missing = [("PULL_POLICY", "missing"), ("VERSION", "3")];
    case.hoist("app", &p, &repo, &["up", "-d"], &missing)
        .expect_ok();
    let id3 = image_id(&image).expect("still here");
    case.track_id(&id3);
    assert_eq!(id3, id2, "the default policy keeps an existing image");
    assert_eq!(container(&p, "app"), (c2, id2));
}

/// (3d) `up --no-build` fails when a buildable image is missing; `up --build` rebuilds and the new
/// image recreates the container; an image rebuilt by `hoist build` shows in `hoist plan` as an
/// image change and `up` recreates the container.
#[test]
fn up_build_and_no_build() {
    if !available() {
        return;
    }
    let case = Case::start("rebuild");
    let repo = case.repo("");
    let p = case.project("hoist");
    let image = case.image(&repo, "v1");
    let v = |v: &'static str| [("VERSION", v)];

    let r = case
        .hoist("app", &p, &repo, &["up", "-d", "--no-build"], &v("1"))
        .expect_failure();
    assert!(r.stderr.contains("app"), "names the service\n{}", r.show());
    assert_eq!(image_id(&image), None);
    let pc = case.project("compose");
    case.tool(
        Tool::Compose,
        "app",
        &pc,
        &repo,
        &["up", "-d", "--no-build"],
        &v("1"),
    )
    .expect_failure();

    case.hoist("app", &p, &repo, &["up", "-d"], &v("1"))
        .expect_ok();
    let id1 = image_id(&image).expect("built by up");
    case.track_id(&id1);
    let (c1, i1) = container(&p, "app");
    assert_eq!(i1, id1);

    case.hoist("app", &p, &repo, &["up", "-d", "--build"], &v("2"))
        .expect_ok();
    let id2 = image_id(&image).expect("rebuilt by up --build");
    case.track_id(&id2);
    assert_ne!(id2, id1);
    let (c2, i2) = container(&p, "app");
    assert_ne!(c2, c1, "the new image recreated the container");
    assert_eq!(i2, id2);

    case.hoist("app", &p, &repo, &["build"], &v("3"))
        .expect_ok();
    let id3 = image_id(&image).expect("rebuilt");
    case.track_id(&id3);
    assert_ne!(id3, id2);
    let plan = case.hoist("app", &p, &repo, &["plan"], &v("3")).expect_ok();
    assert!(
        plan.stdout.contains("image changed") && plan.stdout.contains("app"),
        "the plan names the image change\n{}",
        plan.show()
    );
    case.hoist("app", &p, &repo, &["up", "-d"], &v("3"))
        .expect_ok();
    let (c3, i3) = container(&p, "app");
    assert_ne!(c3, c2, "the rebuilt image recreated the container");
    assert_eq!(i3, id3);
}

/// `config --resolve-image-digests` and `--lock-image-digests` ask the
/// registry (through the engine) and print what the reference prints; a
/// missing tag fails both.
#[test]
fn config_pins_image_digests_as_compose() {
    if !available() {
        return;
    }
    let case = Case::start("digests");
    let repo = case.repo("");
    let p = case.project("cfg");
    let image = case.image(&repo, "v1");
    let _ghost = case.image(&case.repo("-ghost"), "v1");
    case.docker_build(&repo, &image, "1");
    docker(&["push", &image]).expect_ok();
    for args in [
        &["config", "--resolve-image-digests", "app"][..],
        &["config", "--lock-image-digests", "app"],
        &["config", "--lock-image-digests", "--format", "json", "app"],
    ] {
        let ours = case.hoist("pull", &p, &repo, args, &[]).expect_ok();
        let theirs = case
            .tool(Tool::Compose, "pull", &p, &repo, args, &[])
            .expect_ok();
        assert_eq!(ours.stdout, theirs.stdout, "{args:?}");
        assert!(ours.stdout.contains("@sha256:"), "{}", ours.show());
    }
    // ghost's tag is not in the registry.
    case.hoist(
        "pull",
        &p,
        &repo,
        &["config", "--resolve-image-digests"],
        &[],
    )
    .expect_failure();
    case.tool(
        Tool::Compose,
        "pull",
        &p,
        &repo,
        &["config", "--resolve-image-digests"],
        &[],
    )
    .expect_failure();
}

/// The pull events of a `--progress json` run: each line one of compose's JSON objects; the
/// (id, parent_id, text) of those that do not depend on timing (no download or extraction
/// steps), and every byte count checked against its percentage.
fn stable_pull_events(stderr: &str) -> std::collections::BTreeSet<(String, String, String)> {
    let timing = ["Downloading", "Extracting", "Verifying Checksum", "Waiting"];
    let mut events = std::collections::BTreeSet::new();
    for l in stderr.lines() {
        let v: serde_json::Value =
            serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l:?}"));
        let s = |k: &str| v.get(k).and_then(|v| v.as_str()).unwrap_or("").to_string();
        let n = |k: &str| v.get(k).and_then(|v| v.as_u64()).unwrap_or(0);
        if n("total") > 0 {
            assert!(n("current") <= n("total"), "{l}");
            assert_eq!(n("percent"), n("current") * 100 / n("total"), "{l}");
        }
        if ["Pull complete", "Already exists", "Download complete"].contains(&s("text").as_str()) {
            assert_eq!(n("percent"), 100, "{l}");
        }
        if !timing.contains(&s("text").as_str()) {
            events.insert((s("id"), s("parent_id"), s("text")));
        }
    }
    events
}

/// A tmux pane (a real terminal, 120x30) of its own, killed on drop.
struct Pane(String);

impl Pane {
    fn new(name: &str, dir: &std::path::Path) -> Option<Pane> {
        if test_support::which("tmux").is_none() {
            test_support::skip_or_fail("the pull display test", "tmux is not installed");
            return None;
        }
        let pane = Pane(format!("{name}-pane"));
        let out = std::process::Command::new("tmux")
            .args([
                "-L",
                &pane.0,
                "new-session",
                "-d",
                "-x",
                "120",
                "-y",
                "30",
                "-c",
            ])
            .arg(dir)
            .arg("env -u NO_COLOR -u COMPOSE_ANSI -u COMPOSE_PROGRESS bash --norc --noprofile")
            .output()
            .expect("tmux");
        assert!(out.status.success(), "tmux: {out:?}");
        pane.send("PS1='$ '");
        Some(pane)
    }

    fn tmux(&self, args: &[&str]) -> Result<String, String> {
        let out = std::process::Command::new("tmux")
            .arg("-L")
            .arg(&self.0)
            .args(args)
            .output()
            .map_err(|e| e.to_string())?;
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    }

    fn send(&self, line: &str) {
        let _ = self.tmux(&["send-keys", "-t", "0", "-l", line]);
        let _ = self.tmux(&["send-keys", "-t", "0", "Enter"]);
    }

    fn screen(&self) -> String {
        self.tmux(&["capture-pane", "-p", "-t", "0"])
            .unwrap_or_default()
    }

    /// Runs `command` on a cleared screen; the screen up to its `done-rc=` line.
    fn run(&self, command: &str) -> String {
        // `done-rc=0`, not the typed `done-rc=$?` (which may start a line when the command wraps).
        let exit_line = |l: &str| {
            l.strip_prefix("done-rc=")
                .is_some_and(|rc| rc.starts_with(|c: char| c.is_ascii_digit()))
        };
        let marked = |s: &str| s.lines().any(exit_line);
        self.send("clear");
        // The prompt alone on the first line (an empty capture does not count).
        let cleared = wait_until(Duration::from_secs(10), || {
            let s = self.screen();
            s.lines().next().map(str::trim_end) == Some("$") && !marked(&s)
        });
        assert!(cleared, "not cleared:\n{}", self.screen());
        self.send(&format!("clear; {command}; echo done-rc=$?"));
        // The screen that showed the marker is kept (a capture may come back empty under load).
        let mut s = String::new();
        let done = wait_until(Duration::from_secs(120), || {
            s = self.screen();
            marked(&s)
        });
        assert!(done, "{command} did not end:\n{}", self.screen());
        let last = s.lines().position(exit_line).unwrap();
        s.lines().take(last + 1).collect::<Vec<_>>().join("\n")
    }
}

impl Drop for Pane {
    fn drop(&mut self) {
        let _ = self.tmux(&["kill-server"]);
    }
}

/// Polls `cond` every 50ms for up to `limit`.
fn wait_until(limit: Duration, mut cond: impl FnMut() -> bool) -> bool {
    let start = std::time::Instant::now();
    while start.elapsed() < limit {
        if cond() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    cond()
}

/// Elapsed times at the end of the lines made `T.Ts`.
fn without_times(s: &str) -> String {
    s.lines()
        .map(|l| match l.rsplit_once(' ') {
            Some((head, t)) if t.ends_with('s') && t[..t.len() - 1].parse::<f64>().is_ok() => {
                format!("{head} T.Ts")
            }
            _ => l.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Pull progress as compose shows it, with an image whose layers are partly here: under
/// `--progress json` the service's `Pulling`/`Pulled` (as the event text) and each layer under
/// it (`parent_id`) with compose's phases and byte counts; in a terminal, the live display's
/// last frame is compose's: `[+] Pulling 4/4`, one line for the image, one per layer under it.
#[test]
fn pull_progress_as_compose() {
    if !available() {
        return;
    }
    let case = Case::start("progress");
    let repo = case.repo("");
    let p = case.project("progress");
    let image = case.image(&repo, "v1");
    case.docker_build(&repo, &image, "1");
    docker(&["push", &image]).expect_ok();
    let mut json = Vec::new();
    for tool in [Tool::Compose, Tool::Hoist] {
        docker(&["image", "rm", &image]).expect_ok();
        let r = case
            .tool(
                tool,
                "pull",
                &p,
                &repo,
                &["--progress", "json", "pull", "app"],
                &[],
            )
            .expect_ok();
        let events = stable_pull_events(&r.stderr);
        assert!(
            events.contains(&("app".into(), "".into(), "Pulling".into())),
            "{}",
            r.show()
        );
        assert!(
            events.contains(&("app".into(), "".into(), "Pulled".into())),
            "{}",
            r.show()
        );
        assert!(
            events
                .iter()
                .any(|(_, parent, text)| parent == "app" && text == "Pull complete"),
            "a layer pulled under its service\n{}",
            r.show()
        );
        json.push(events);
    }
    assert_eq!(json[0], json[1], "compose's events, then hoist's");

    let mut screens = Vec::new();
    for tool in [Tool::Compose, Tool::Hoist] {
        docker(&["image", "rm", &image]).expect_ok();
        let Some(pane) = Pane::new(&format!("{}-{}", case.name, tool.name()), case.dir.path())
        else {
            return;
        };
        let program = match tool {
            Tool::Hoist => HOIST.to_string(),
            Tool::Compose => "docker compose".to_string(),
        };
        let screen = pane.run(&format!(
            "REGISTRY={} REPO={repo} {program} -f {} -p {p} pull app",
            case.registry(),
            fixture("pull").display()
        ));
        let lines: Vec<&str> = screen.lines().collect();
        let layers = lines.iter().filter(|l| l.starts_with("   ✔ ")).count();
        assert!(layers >= 2, "one line per layer, under the image\n{screen}");
        let header = format!("[+] Pulling {0}/{0}", layers + 1);
        assert!(lines.contains(&header.as_str()), "{header}:\n{screen}");
        assert!(
            lines.iter().any(|l| l.starts_with(" ✔ app Pulled ")),
            "{screen}"
        );
        screens.push(without_times(&screen));
    }
    assert_eq!(screens[0], screens[1], "compose's screen, then hoist's");
}
