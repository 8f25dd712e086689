//! `hoist publish` against a loopback registry requiring a login (`tests/registry.sh` with an
//! htpasswd file, `docker login` into a throwaway `DOCKER_CONFIG`), side by side with
//! `docker compose publish` (which speaks plain HTTP to it only with its test switch
//! `__TEST__INSECURE__REGISTRY__`; hoist does for loopback registries by itself):
//!
//! * `publish_as_the_reference`: the same fixture (`fixtures/publish/app`: an env file, an
//!   `extends` file, images in the registry) published by both tools with several flag sets;
//!   the two manifests fetched over HTTP are equal once the creation time is set aside (media
//!   types, artifact type, config, each layer's annotations, digest, size and content), and
//!   every blob hoist's manifest names is in the registry with that digest;
//! * `built_images_are_pushed_first`: a service with `build:` and `image:` has its image pushed
//!   (to the registry requiring the login) before the artifact, as compose's publish does;
//! * `app_as_the_reference`: `--app` copies the services' images into the artifact's
//!   repository and pushes an index of them whose subject is the artifact; the index equals the
//!   reference's but for the subject's digest (which holds the creation time), and the copied
//!   manifests and blobs are there under their digests;
//! * `dry_run_publishes_nothing`: `--dry-run publish` prints the reference's lines and the
//!   registry has no such repository afterwards;
//! * `refusals_as_the_reference`: a bind mount, values that look like secrets (hoist's rules
//!   find what compose's detector finds in `fixtures/publish/secrets`), environment variables
//!   with `--with-env` (questions, declined by an empty stdin, on stdout word for word as the
//!   reference's), environment variables and env files without it, a local include, a
//!   build-only service and no login: the same exit code and message as the reference, and
//!   nothing published.
//!
//! Without an engine or a tool a test says why and passes, unless `HOIST_REQUIRE_DOCKER=1`.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::Mutex;

use test_support::{run, skip_or_fail, which, Out, Registry};

const HOIST: &str = env!("CARGO_BIN_EXE_hoist");

/// Variables that choose an endpoint, credentials or a project: never inherited.
const CLEARED: &[&str] = &[
    "DOCKER_HOST",
    "DOCKER_CONTEXT",
    "DOCKER_AUTH_CONFIG",
    "DOCKER_CONFIG",
    "COMPOSE_FILE",
    "COMPOSE_PROJECT_NAME",
    "COMPOSE_PROFILES",
    "__TEST__INSECURE__REGISTRY__",
];

/// The tests share the image tag pushed to each registry; they take turns.
static TURN: Mutex<()> = Mutex::new(());

fn ready(test: &str) -> bool {
    for t in ["docker-registry", "htpasswd", "curl", "docker"] {
        if which(t).is_none() {
            return skip_or_fail(test, &format!("`{t}` is not installed"));
        }
    }
    if !test_support::engine_ready(test) {
        return false;
    }
    let ok = Command::new("docker")
        .args(["compose", "version"])
        .output()
        .is_ok_and(|o| o.status.success());
    ok || skip_or_fail(test, "the reference `docker compose` is not installed")
}

/// This checkout's fixture (the cli's own manifest directory: `test_support::repo_root` is
/// the checkout test-support was built from).
fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/publish")
        .join(name)
        .join("compose.yaml")
}

/// A registry requiring a login, a docker configuration logged into it, and the test image
/// pushed there as `<registry>/hoist-pub/busybox:v1`.
struct Case {
    dir: tempfile::TempDir,
    config: PathBuf,
    registry: Registry,
    user: String,
    password: String,
    image: String,
}

impl Case {
    fn new() -> Case {
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("docker-config");
        test_support::docker_config_with_compose(&config);
        let reg_dir = dir.path().join("registry");
        std::fs::create_dir_all(&reg_dir).unwrap();
        let user = format!("pub{}", std::process::id());
        let password = format!("pw-{}>?~+/=", test_support::serial());
        let registry = Registry::start_with_login(&reg_dir, &user, &password);
        let image = format!("{}/hoist-pub/busybox:v1", registry.host());
        let case = Case {
            dir,
            config,
            registry,
            user,
            password,
            image,
        };
        case.login();
        case.docker(&["tag", test_support::IMAGE, &case.image])
            .expect_ok();
        case.docker(&["push", "-q", &case.image]).expect_ok();
        case
    }

    fn command(&self, program: &str) -> Command {
        let mut cmd = Command::new(program);
        for k in CLEARED {
            cmd.env_remove(k);
        }
        cmd.env("DOCKER_CONFIG", &self.config)
            .env("REGISTRY", self.registry.host())
            .current_dir(self.dir.path())
            .stdin(Stdio::null());
        cmd
    }

    fn docker(&self, args: &[&str]) -> Out {
        let mut cmd = self.command("docker");
        cmd.args(args);
        run(cmd, format!("docker {}", args.join(" ")))
    }

    fn login(&self) {
        test_support::docker_login(
            self.command("docker"),
            &self.registry.host(),
            &self.user,
            &self.password,
        );
    }

    /// `hoist -f <fixture> <args>` (or the reference with `reference`).
    fn publish(&self, reference: bool, fixture_name: &str, args: &[&str]) -> Out {
        let mut cmd = if reference {
            let mut c = self.command("docker");
            c.arg("compose").env("__TEST__INSECURE__REGISTRY__", "1");
            c
        } else {
            self.command(HOIST)
        };
        cmd.arg("--progress")
            .arg("plain")
            .arg("-f")
            .arg(fixture(fixture_name))
            .args(args);
        let who = if reference { "docker compose" } else { "hoist" };
        let out = run(cmd, format!("{who} -f {fixture_name} {}", args.join(" ")));
        assert!(
            !out.all().contains(&self.password),
            "the password shows in the output of {}",
            out.what
        );
        out
    }

    /// `<registry>/hoist-pub/<repo>:<tag>`.
    fn target(&self, repo: &str, tag: &str) -> String {
        format!("{}/hoist-pub/{repo}:{tag}", self.registry.host())
    }

    fn curl(&self, path: &str, accept: Option<&str>) -> Vec<u8> {
        let url = format!("http://{}/v2/{path}", self.registry.host());
        let mut cmd = Command::new("curl");
        cmd.args(["-sf", "-u", &format!("{}:{}", self.user, self.password)]);
        if let Some(a) = accept {
            cmd.args(["-H", &format!("Accept: {a}")]);
        }
        let out = cmd.arg(&url).output().unwrap();
        assert!(out.status.success(), "curl {url} failed");
        out.stdout
    }

    fn manifest(&self, repo: &str, tag: &str) -> serde_json::Value {
        let body = self.curl(
            &format!("hoist-pub/{repo}/manifests/{tag}"),
            Some("application/vnd.oci.image.manifest.v1+json"),
        );
        serde_json::from_slice(&body).unwrap_or_else(|e| {
            panic!(
                "manifest of {repo}:{tag}: {e}: {}",
                String::from_utf8_lossy(&body)
            )
        })
    }

    /// The manifests the registry stores for `hoist-pub/<repo>`, by digest (read from its storage:
    /// `--app`'s index is pushed by digest only, and this registry has no referrers API).
    fn manifests(&self, repo: &str) -> Vec<serde_json::Value> {
        let dir = self.dir.path().join(format!(
            "registry/storage/docker/registry/v2/repositories/hoist-pub/{repo}/_manifests/revisions/sha256"
        ));
        let mut digests: Vec<String> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        digests.sort();
        digests
            .iter()
            .map(|d| {
                let body = self.curl(
                    &format!("hoist-pub/{repo}/manifests/sha256:{d}"),
                    Some(
                        "application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json",
                    ),
                );
                serde_json::from_slice(&body).unwrap()
            })
            .collect()
    }

    fn tags(&self, repo: &str) -> Vec<String> {
        self.registry
            .tags(
                &format!("hoist-pub/{repo}"),
                Some((&self.user, &self.password)),
            )
            .unwrap_or_default()
    }
}

impl Drop for Case {
    fn drop(&mut self) {
        let _ = Command::new("docker")
            .args(["image", "rm", "-f", &self.image])
            .output();
    }
}

/// The manifest with its creation time (checked to be RFC 3339 UTC) set aside.
fn normalised(mut m: serde_json::Value, who: &str) -> serde_json::Value {
    let created = m["annotations"]["org.opencontainers.image.created"]
        .as_str()
        .unwrap_or_else(|| panic!("{who}: no creation time in {m}"))
        .to_string();
    let shape = regex::Regex::new(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$").unwrap();
    assert!(shape.is_match(&created), "{who}: created {created:?}");
    m["annotations"]["org.opencontainers.image.created"] = "<created>".into();
    m
}

/// Progress lines with the repository replaced, sorted: compose says which services it skips
/// in Go's map order.
fn lines(text: &str, repo: &str) -> Vec<String> {
    let mut v: Vec<String> = text.lines().map(|l| l.replace(repo, "<repo>")).collect();
    v.sort();
    v
}

fn sha256_hex(data: &[u8]) -> String {
    let mut cmd = Command::new("sha256sum");
    cmd.stdin(Stdio::piped()).stdout(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    child.stdin.take().unwrap().write_all(data).unwrap();
    let out = child.wait_with_output().unwrap();
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_string()
}

#[test]
fn publish_as_the_reference() {
    let test = "publish::publish_as_the_reference";
    if !ready(test) {
        return;
    }
    let _turn = TURN.lock().unwrap_or_else(|e| e.into_inner());
    let case = Case::new();
    // (tag, flags, layer media types expected)
    let files = "application/vnd.docker.compose.file+yaml";
    let env = "application/vnd.docker.compose.envfile";
    let cases: &[(&str, &[&str], &[&str])] = &[
        (
            "full",
            &["-y", "--with-env", "--resolve-image-digests"],
            &[files, files, env, files],
        ),
        ("plain", &["-y"], &[files, files]),
        (
            "oci10",
            &["-y", "--with-env", "--oci-version", "1.0"],
            &[files, files, env],
        ),
        ("oci11", &["--yes", "--oci-version", "1.1"], &[files, files]),
    ];
    for (tag, flags, media) in cases {
        let mut args: Vec<&str> = vec!["publish"];
        args.extend_from_slice(flags);
        let ours = case.target("app-hoist", tag);
        let theirs = case.target("app-compose", tag);
        let h = case.publish(false, "app", &[args.as_slice(), &[&ours]].concat());
        h.ok();
        let r = case.publish(true, "app", &[args.as_slice(), &[&theirs]].concat());
        r.ok();
        // The progress lines, the repository aside.
        assert_eq!(
            lines(&h.stderr, &ours),
            lines(&r.stderr, &theirs),
            "{tag}: progress\n{}\n{}",
            h.show(),
            r.show()
        );
        let mine = normalised(case.manifest("app-hoist", tag), "hoist");
        let reference = normalised(case.manifest("app-compose", tag), "docker compose");
        assert_eq!(
            mine,
            reference,
            "{tag}: manifests differ\nhoist:    {}\nreference: {}",
            serde_json::to_string_pretty(&mine).unwrap(),
            serde_json::to_string_pretty(&reference).unwrap()
        );
        let layers = mine["layers"].as_array().expect("layers");
        let got: Vec<&str> = layers
            .iter()
            .map(|l| l["mediaType"].as_str().unwrap_or_default())
            .collect();
        assert_eq!(&got, media, "{tag}: layer media types");
        if flags.contains(&"1.0") {
            assert!(mine.get("artifactType").is_none(), "{tag}: {mine}");
            assert_eq!(
                mine["config"]["mediaType"],
                "application/vnd.docker.compose.config.empty.v1+json"
            );
        } else {
            assert_eq!(
                mine["artifactType"],
                "application/vnd.docker.compose.project"
            );
            assert_eq!(
                mine["config"]["mediaType"],
                "application/vnd.oci.empty.v1+json"
            );
        }
        // Every blob is in the registry under its digest.
        let config = std::iter::once(&mine["config"]);
        for d in config.chain(layers.iter()) {
            let digest = d["digest"].as_str().unwrap();
            let blob = case.curl(&format!("hoist-pub/app-hoist/blobs/{digest}"), None);
            assert_eq!(format!("sha256:{}", sha256_hex(&blob)), digest);
            assert_eq!(d["size"].as_u64(), Some(blob.len() as u64));
        }
    }
    // The compose file layer is the file as written, its env and extends files renamed.
    let m = case.manifest("app-hoist", "full");
    let first = case.curl(
        &format!(
            "hoist-pub/app-hoist/blobs/{}",
            m["layers"][0]["digest"].as_str().unwrap()
        ),
        None,
    );
    let text = String::from_utf8(first).unwrap();
    assert!(
        text.contains("image: ${REGISTRY}/hoist-pub/busybox:v1"),
        "{text}"
    );
    assert!(
        !text.contains("web.env") && !text.contains("base.yaml"),
        "{text}"
    );
    let digests = case.curl(
        &format!(
            "hoist-pub/app-hoist/blobs/{}",
            m["layers"][3]["digest"].as_str().unwrap()
        ),
        None,
    );
    let digests = String::from_utf8(digests).unwrap();
    assert!(
        digests.contains(&format!("image: {}@sha256:", case.image)),
        "{digests}"
    );
}

#[test]
fn built_images_are_pushed_first() {
    let test = "publish::built_images_are_pushed_first";
    if !ready(test) {
        return;
    }
    let _turn = TURN.lock().unwrap_or_else(|e| e.into_inner());
    let case = Case::new();
    let built = format!("{}/hoist-pub/built:v1", case.registry.host());
    let dir = fixture("built");
    let dir = dir.parent().unwrap().to_string_lossy().into_owned();
    case.docker(&["build", "-q", "-t", &built, &dir])
        .expect_ok();
    let _cleanup = RemoveImage(built.clone());
    assert!(case.tags("built").is_empty());
    let target = case.target("built-app", "v1");
    let h = case.publish(false, "built", &["publish", "-y", &target]);
    h.ok();
    assert_eq!(case.tags("built"), vec!["v1".to_string()], "{}", h.show());
    assert!(h.stderr.contains(" web Skipped"), "{}", h.show());
    assert!(
        h.stderr.contains(&format!("Pushing {built}: ")),
        "{}",
        h.show()
    );
    assert_eq!(case.tags("built-app"), vec!["v1".to_string()]);
    // The reference publishes the same artifact.
    let theirs = case.target("built-compose", "v1");
    case.publish(true, "built", &["publish", "-y", &theirs])
        .ok();
    assert_eq!(
        normalised(case.manifest("built-app", "v1"), "hoist"),
        normalised(case.manifest("built-compose", "v1"), "docker compose")
    );
}

/// Removes an image on drop.
struct RemoveImage(String);

impl Drop for RemoveImage {
    fn drop(&mut self) {
        let _ = Command::new("docker")
            .args(["image", "rm", "-f", &self.0])
            .output();
    }
}

#[test]
fn app_as_the_reference() {
    let test = "publish::app_as_the_reference";
    if !ready(test) {
        return;
    }
    let _turn = TURN.lock().unwrap_or_else(|e| e.into_inner());
    let case = Case::new();
    let ours = case.target("app-hoist", "v1");
    let theirs = case.target("app-compose", "v1");
    let args = ["publish", "-y", "--with-env", "--app"];
    let h = case.publish(false, "app", &[&args[..], &[&ours]].concat());
    h.ok();
    let r = case.publish(true, "app", &[&args[..], &[&theirs]].concat());
    r.ok();
    // The artifact as without --app, image-digests.yaml included (--app implies it).
    let mine = normalised(case.manifest("app-hoist", "v1"), "hoist");
    let reference = normalised(case.manifest("app-compose", "v1"), "docker compose");
    assert_eq!(mine, reference);
    assert_eq!(mine["layers"].as_array().map(Vec::len), Some(4));
    // The index, the copied image's manifest and the artifact's are in each repository.
    let index = |repo: &str| -> serde_json::Value {
        let all = case.manifests(repo);
        assert_eq!(all.len(), 3, "{repo}: {all:#?}");
        let mut index = all
            .into_iter()
            .find(|m| m["mediaType"] == "application/vnd.oci.image.index.v1+json")
            .unwrap_or_else(|| panic!("{repo}: no index"));
        // The subject is the artifact's manifest, whose digest has its creation time in it.
        let subject = index["subject"]["digest"].as_str().unwrap().to_string();
        let tagged = case.curl(
            &format!("hoist-pub/{repo}/manifests/v1"),
            Some("application/vnd.oci.image.manifest.v1+json"),
        );
        assert_eq!(format!("sha256:{}", sha256_hex(&tagged)), subject, "{repo}");
        index["subject"]["digest"] = "<artifact>".into();
        index
    };
    let mine = index("app-hoist");
    assert_eq!(mine, index("app-compose"));
    // Both services' images, copied: their manifests and blobs are in the artifact's repository.
    let images = mine["manifests"].as_array().unwrap();
    assert_eq!(images.len(), 2, "{mine}");
    for image in images {
        let digest = image["digest"].as_str().unwrap();
        let body = case.curl(
            &format!("hoist-pub/app-hoist/manifests/{digest}"),
            Some(image["mediaType"].as_str().unwrap()),
        );
        assert_eq!(format!("sha256:{}", sha256_hex(&body)), digest);
        let m: serde_json::Value = serde_json::from_slice(&body).unwrap();
        let layers = m["layers"].as_array().unwrap();
        for blob in std::iter::once(&m["config"]).chain(layers) {
            let digest = blob["digest"].as_str().unwrap();
            let data = case.curl(&format!("hoist-pub/app-hoist/blobs/{digest}"), None);
            assert_eq!(format!("sha256:{}", sha256_hex(&data)), digest);
        }
    }
}

#[test]
fn dry_run_publishes_nothing() {
    let test = "publish::dry_run_publishes_nothing";
    if !ready(test) {
        return;
    }
    let _turn = TURN.lock().unwrap_or_else(|e| e.into_inner());
    let case = Case::new();
    let ours = case.target("dry-hoist", "v1");
    let theirs = case.target("dry-compose", "v1");
    let args = [
        "--dry-run",
        "publish",
        "-y",
        "--with-env",
        "--resolve-image-digests",
    ];
    let h = case.publish(false, "app", &[&args[..], &[&ours]].concat());
    h.ok();
    let r = case.publish(true, "app", &[&args[..], &[&theirs]].concat());
    r.ok();
    assert!(h.stderr.contains("DRY-RUN MODE"), "{}", h.show());
    assert_eq!(
        lines(&h.stderr, &ours),
        lines(&r.stderr, &theirs),
        "{}\n{}",
        h.show(),
        r.show()
    );
    assert!(case.tags("dry-hoist").is_empty(), "hoist's dry run pushed");
    assert!(
        case.tags("dry-compose").is_empty(),
        "the reference's dry run pushed"
    );
    // The same publish for real does push: the check above can fail.
    case.publish(false, "app", &["publish", "-y", &ours]).ok();
    assert_eq!(case.tags("dry-hoist"), vec!["v1".to_string()]);
}

#[test]
fn refusals_as_the_reference() {
    let test = "publish::refusals_as_the_reference";
    if !ready(test) {
        return;
    }
    let _turn = TURN.lock().unwrap_or_else(|e| e.into_inner());
    let case = Case::new();
    // (fixture, extra flags, exit code, what both print)
    let cases: &[(&str, &[&str], i32, &str)] = &[
        (
            "bind",
            &[],
            0,
            "you are about to publish bind mounts declaration within your OCI artifact.",
        ),
        ("env", &[], 1, "service \"web\" has environment variable(s) declared.\nTo avoid leaking sensitive data, you must either explicitly allow the sending of environment variables by using the --with-env flag,\nor remove sensitive data from your Compose configuration"),
        ("include", &[], 1, "cannot publish compose file with local includes"),
        (
            "app",
            &[],
            1,
            "service \"web\" has env_file declared.\nservice \"web\" has environment variable(s) declared.\nTo avoid",
        ),
        (
            "app",
            &["--with-env"],
            0,
            "you are about to publish environment variables within your OCI artifact.\nplease double check that you are not leaking sensitive data\nService/Config  web\nGREETING=hello\nAre you ok to publish these environment variables?",
        ),
        (
            "secrets",
            &[],
            0,
            "you are about to publish sensitive data within your OCI artifact.",
        ),
        (
            "build-only",
            &["-y"],
            1,
            "your Compose stack cannot be published as it only contains a build section for service(s):\n- \"web\"",
        ),
    ];
    for (i, (name, flags, code, message)) in cases.iter().enumerate() {
        let mut stdouts = Vec::new();
        for reference in [false, true] {
            let repo = format!("refused-{i}-{reference}");
            let target = case.target(&repo, "v1");
            let mut args = vec!["publish"];
            args.extend_from_slice(flags);
            args.push(&target);
            let out = case.publish(reference, name, &args);
            assert_eq!(out.code, *code, "{name} {flags:?}: {}", out.show());
            assert!(
                out.all().contains(message),
                "{name} {flags:?}: {}",
                out.show()
            );
            assert!(case.tags(&repo).is_empty(), "{name}: published anyway");
            stdouts.push(out.stdout);
        }
        // The questions (on stdout) word for word.
        assert_eq!(stdouts[0], stdouts[1], "{name} {flags:?}: stdout");
    }
    // The bind mount question goes to stdout, without a newline, and an empty answer is no.
    let target = case.target("bind-q", "v1");
    let h = case.publish(false, "bind", &["publish", &target]);
    let r = case.publish(true, "bind", &["publish", &target]);
    assert_eq!(h.stdout, r.stdout);
    assert!(h
        .stdout
        .ends_with("Are you ok to publish these bind mount declarations?"));

    // No login: both fail, nothing is published, and hoist says it was refused.
    let target = case.target("nologin", "v1");
    case.docker(&["logout", &case.registry.host()]).expect_ok();
    let h = case.publish(false, "app", &["publish", "-y", &target]);
    let r = case.publish(true, "app", &["publish", "-y", &target]);
    assert_eq!(h.code, 1, "{}", h.show());
    assert_eq!(r.code, 1, "{}", r.show());
    assert!(h.stderr.contains("401 Unauthorized"), "{}", h.show());
    assert!(case.tags("nologin").is_empty());
}
