//! Builds through the engine's BuildKit (hoist's default, as the docker CLI's)
//! and the classic builder with `DOCKER_BUILDKIT=0`, on `fixtures/e2e/buildkit`
//! (base image: the local test image, nothing pulled). What the builds did is
//! read back from the images' content, never from timings.

use crate::e2e_project;
use crate::harness::{assert_mentions, docker, Project};

/// Removes the images a test built (`<project>-<service>`), whatever happens.
struct Images(Vec<String>);

impl Drop for Images {
    fn drop(&mut self) {
        for i in &self.0 {
            let _ = docker(&["rmi", "-f", i]);
        }
    }
}

fn images(p: &Project, services: &[&str]) -> Images {
    Images(services.iter().map(|s| format!("{}-{s}", p.name)).collect())
}

/// `cat FILE` in a throwaway container of `image`.
fn cat(image: &str, file: &str) -> String {
    let out = docker(&["run", "--rm", image, "cat", file]);
    assert!(out.status.success(), "{}", out.dump());
    out.stdout
}

#[test]
fn buildkit_cache_mount_is_shared_between_builds() {
    let Some(mut p) = e2e_project!("bk-cache", "buildkit") else {
        return;
    };
    let _images = images(&p, &["cache"]);
    let image = format!("{}-cache", p.name);
    let first = format!("{}-first", p.name);
    let second = format!("{}-second", p.name);
    p.set_env("RUN_ID", &first);
    let out = p.hoist(&["build", "cache"]);
    assert!(out.status.success(), "{}", out.dump());
    // BuildKit's vertex stream, through the same progress lines as classic output.
    assert_mentions(
        &out,
        &["cache | #", "RUN --mount=type=cache", "DONE", "Built"],
    );
    assert!(!out.all().contains("Step 1/"), "{}", out.dump());
    assert!(cat(&image, "/runs").ends_with(&format!("run {first}\n")));

    // A new RUN_ID reruns the step; the cache mount still holds the first run.
    p.set_env("RUN_ID", &second);
    let out = p.hoist(&["build", "cache"]);
    assert!(out.status.success(), "{}", out.dump());
    let runs = cat(&image, "/runs");
    assert!(
        runs.ends_with(&format!("run {first}\nrun {second}\n")),
        "the cache mount should keep the first build's line:\n{runs}"
    );

    // The context was sent without what .dockerignore names.
    let ctx = docker(&["run", "--rm", &image, "ls", "/ctx"]).stdout;
    assert!(ctx.contains("Dockerfile"), "{ctx}");
    assert!(!ctx.contains("ignored.txt"), "{ctx}");
}

#[test]
fn buildkit_target_and_labels_as_the_reference() {
    let Some(p) = e2e_project!("bk-stages", "buildkit") else {
        return;
    };
    let reference = format!("{}-ref", p.name);
    let _images = Images(vec![
        format!("{}-stages", p.name),
        format!("{reference}-stages"),
    ]);
    let out = p.hoist(&["build", "stages"]);
    assert!(out.status.success(), "{}", out.dump());
    let out = p.compose_as(&reference, &["build", "stages"]);
    assert!(out.status.success(), "{}", out.dump());
    // The same labels (compose's project and service ones under BuildKit).
    let ours = crate::harness::inspect(&format!("{}-stages", p.name))["Config"]["Labels"].clone();
    let theirs =
        crate::harness::inspect(&format!("{reference}-stages"))["Config"]["Labels"].clone();
    assert_eq!(
        ours.to_string().replace(&p.name, "P"),
        theirs.to_string().replace(&reference, "P"),
    );
    for image in [format!("{}-stages", p.name), format!("{reference}-stages")] {
        assert_eq!(cat(&image, "/stage"), "prod\n", "{image}");
        assert_eq!(cat(&image, "/base"), "base\n", "{image}");
        let labels = crate::harness::inspect(&image)["Config"]["Labels"].clone();
        assert_eq!(labels["org.example.stage"], "prod", "{image}: {labels}");
        // compose marks only classic builds.
        assert!(
            labels.get("com.docker.compose.image.builder").is_none(),
            "{image}: {labels}"
        );
    }
}

/// Heredocs need a Dockerfile frontend >= 1.4; the 20.10 engine's built-in one
/// predates them and `# syntax=` would pull a frontend image. hoist hands the
/// Dockerfile to the engine's BuildKit as the reference does: same verdict.
#[test]
fn buildkit_heredoc_as_the_reference() {
    let Some(p) = e2e_project!("bk-heredoc", "buildkit") else {
        return;
    };
    let reference = format!("{}-ref", p.name);
    let _images = Images(vec![
        format!("{}-heredoc", p.name),
        format!("{reference}-heredoc"),
    ]);
    let hoist = p.hoist(&["build", "heredoc"]);
    let compose = p.compose_as(&reference, &["build", "heredoc"]);
    assert_eq!(
        hoist.status.success(),
        compose.status.success(),
        "{}\n{}",
        hoist.dump(),
        compose.dump()
    );
    if compose.status.success() {
        let image = format!("{}-heredoc", p.name);
        assert_eq!(cat(&image, "/heredoc"), "one\ntwo\n");
    } else {
        assert_mentions(&compose, &["unknown instruction: ECHO"]);
        assert_mentions(&hoist, &["unknown instruction: ECHO"]);
        assert_eq!(hoist.code, 1, "{}", hoist.dump());
    }
}

#[test]
fn build_classic_with_docker_buildkit_0() {
    let Some(mut p) = e2e_project!("bk-classic", "buildkit") else {
        return;
    };
    let _images = images(&p, &["cache", "stages"]);
    p.set_env("DOCKER_BUILDKIT", "0");
    // The classic builder rejects RUN --mount, with its own words.
    let out = p.hoist(&["build", "cache"]);
    assert_eq!(out.code, 1, "{}", out.dump());
    assert_mentions(
        &out,
        &[
            "the --mount option requires BuildKit",
            "failed at Step 3/5 : RUN --mount",
        ],
    );
    // ... and builds the rest, marked as compose marks classic builds.
    let out = p.hoist(&["build", "stages"]);
    assert!(out.status.success(), "{}", out.dump());
    assert_mentions(&out, &["Step 1/"]);
    let image = format!("{}-stages", p.name);
    assert_eq!(cat(&image, "/stage"), "prod\n");
    let labels = crate::harness::inspect(&image)["Config"]["Labels"].clone();
    assert_eq!(
        labels["com.docker.compose.image.builder"], "classic",
        "{labels}"
    );

    p.set_env("DOCKER_BUILDKIT", "maybe");
    let out = p.hoist(&["build", "stages"]);
    assert_eq!(out.code, 1, "{}", out.dump());
    assert_mentions(
        &out,
        &["DOCKER_BUILDKIT environment variable expects boolean value"],
    );
}

/// The flags hoist cannot honour are refused, each by name, before anything is
/// built; `-m` is the classic builder's.
#[test]
fn build_flags_refused_or_honoured() {
    let Some(mut p) = e2e_project!("bk-flags", "buildkit") else {
        return;
    };
    let _images = images(&p, &["stages", "dev"]);
    let cases: &[(&[&str], &str)] = &[
        (&["--ssh", "bad"], "invalid ssh key \"bad\""),
        (&["--check"], "build --check: not supported by hoist"),
        (
            &["--provenance", "mode=max"],
            "build --provenance: not supported by hoist",
        ),
        (&["--sbom", "true"], "build --sbom: not supported by hoist"),
        (
            &["--builder", "mybuilder"],
            "build --builder mybuilder: not supported by hoist",
        ),
        (&["-m", "64m"], "--memory is not supported by BuildKit"),
    ];
    for (flags, message) in cases {
        let mut a = vec!["build"];
        a.extend_from_slice(flags);
        a.push("stages");
        let out = p.hoist(&a);
        assert_eq!(out.code, 1, "{}", out.dump());
        assert_mentions(&out, &[message]);
        let image = format!("{}-stages", p.name);
        assert!(
            !docker(&["image", "inspect", &image]).status.success(),
            "{flags:?} built anyway"
        );
    }

    // --with-dependencies builds what dev depends on too; --builder default is the engine's.
    let out = p.hoist(&[
        "build",
        "--builder",
        "default",
        "--with-dependencies",
        "dev",
    ]);
    assert!(out.status.success(), "{}", out.dump());
    assert_eq!(cat(&format!("{}-dev", p.name), "/stage"), "dev\n");
    assert_eq!(cat(&format!("{}-stages", p.name), "/stage"), "prod\n");

    p.set_env("DOCKER_BUILDKIT", "0");
    // --no-cache: the classic builder's cache lookups race with the other
    // tests' classic builds of the same steps.
    let out = p.hoist(&["build", "--no-cache", "-m", "64m", "dev"]);
    assert!(out.status.success(), "{}", out.dump());
    let out = p.hoist(&["build", "-m", "lots", "dev"]);
    assert_eq!(out.code, 1, "{}", out.dump());
    assert_mentions(
        &out,
        &["invalid argument \"lots\" for \"-m, --memory\" flag"],
    );
}

/// A failing step: its output and error as progress lines, the step named in
/// the error, and the command's exit code as hoist's.
#[test]
fn buildkit_failure_names_the_step_and_exits_with_its_code() {
    let Some(p) = e2e_project!("bk-fails", "buildkit") else {
        return;
    };
    let _images = images(&p, &["fails"]);
    let out = p.hoist(&["build", "fails"]);
    assert_eq!(out.code, 3, "{}", out.dump());
    assert_mentions(
        &out,
        &[
            "fails | #",
            "about to fail",
            "exit code: 3",
            "failed at #",
            "RUN echo about to fail && exit 3",
        ],
    );
}

/// An ssh agent of the test's own (`ssh-agent -D -a SOCK`) holding one new
/// key; stopped on drop.
struct Agent {
    child: std::process::Child,
    sock: std::path::PathBuf,
    listed: String,
    _dir: tempfile::TempDir,
}

impl Agent {
    fn start() -> Agent {
        let dir = tempfile::tempdir().unwrap();
        let sock = dir.path().join("agent.sock");
        let child = std::process::Command::new("ssh-agent")
            .arg("-D")
            .arg("-a")
            .arg(&sock)
            .stdout(std::process::Stdio::null())
            .spawn()
            .expect("ssh-agent (openssh-client)");
        assert!(
            crate::harness::wait_until(std::time::Duration::from_secs(10), || sock.exists()),
            "ssh-agent made no socket"
        );
        let key = dir.path().join("key");
        let run = |cmd: &mut std::process::Command| {
            let out = cmd.output().unwrap();
            assert!(out.status.success(), "{cmd:?}: {out:?}");
            String::from_utf8_lossy(&out.stdout).into_owned()
        };
        run(std::process::Command::new("ssh-keygen")
            .args([
                "-q",
                "-t",
                "ed25519",
                "-N",
                "",
                "-C",
                "hoist-test-key",
                "-f",
            ])
            .arg(&key));
        run(std::process::Command::new("ssh-add")
            .arg(&key)
            .env("SSH_AUTH_SOCK", &sock));
        let listed = run(std::process::Command::new("ssh-add")
            .arg("-l")
            .env("SSH_AUTH_SOCK", &sock));
        Agent {
            child,
            sock,
            listed,
            _dir: dir,
        }
    }
}

impl Drop for Agent {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `ssh-add` and the libraries `ldd` says it needs, copied under `root` at
/// their own paths (so that the test image can run it).
fn copy_ssh_add(root: &std::path::Path) {
    let bin = test_support::which("ssh-add").expect("ssh-add (openssh-client)");
    let ldd = std::process::Command::new("ldd")
        .arg(&bin)
        .output()
        .unwrap();
    let mut files = vec![bin.clone()];
    for l in String::from_utf8_lossy(&ldd.stdout).lines() {
        let path = match l.split_once("=>") {
            Some((_, r)) => r.split_whitespace().next(),
            None => l.split_whitespace().next(),
        };
        if let Some(p) = path.filter(|p| p.starts_with('/')) {
            files.push(std::path::PathBuf::from(p));
        }
    }
    for f in files {
        let to = root.join(f.strip_prefix("/").unwrap());
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(&f, &to).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
    }
}

/// Build `secrets:` (a file, an environment variable under another id),
/// `RUN --mount=type=bind` of a context file, and `ssh:` forwarding (the agent of `SSH_AUTH_SOCK`) as `docker compose`
/// builds them through the same engine: the same files in both images, the
/// agent's key listed from inside the build, no secret left in the image
/// nor printed; `--ssh default` forwards the agent to a service that does
/// not ask for it; what cannot work is refused, naming what to do.
#[test]
fn buildkit_secrets_and_ssh_agents_as_the_reference() {
    let Some(mut p) = e2e_project!("bk-secrets", "buildkit") else {
        return;
    };
    let _images = images(&p, &["secrets", "sshonly"]);
    copy_ssh_add(&p.path().join("secrets/sshroot"));
    let agent = Agent::start();
    p.set_env("SSH_AUTH_SOCK", &agent.sock.to_string_lossy());
    p.set_env("API_KEY", "value-from-the-environment");
    let image = format!("{}-secrets", p.name);
    let mut seen = Vec::new();
    for hoist in [false, true] {
        let _ = docker(&["rmi", "-f", &image]);
        let out = if hoist {
            p.hoist(&["build", "--no-cache", "secrets"])
        } else {
            p.compose(&["build", "--no-cache", "secrets"])
        };
        assert!(out.status.success(), "{}", out.dump());
        for secret in ["token-from-the-file", "value-from-the-environment"] {
            assert!(
                !out.all().contains(secret),
                "a secret was printed:\n{}",
                out.dump()
            );
            let history = docker(&["history", "--no-trunc", &image]).stdout;
            assert!(
                !history.contains(secret),
                "a secret in the history:\n{history}"
            );
        }
        let files: Vec<String> = [
            "/from-file",
            "/from-env",
            "/keys",
            "/secrets-left",
            "/from-bind",
        ]
        .iter()
        .map(|f| cat(&image, f))
        .collect();
        seen.push(files);
    }
    assert_eq!(seen[0], seen[1], "compose's image content, then hoist's");
    assert_eq!(seen[1][0], "token-from-the-file");
    assert_eq!(seen[1][1], "value-from-the-environment");
    assert_eq!(
        seen[1][2], agent.listed,
        "the agent's key, listed inside the build"
    );
    assert_eq!(seen[1][3], "", "secrets stay out of the image");
    assert_eq!(seen[1][4], "bound through a bind mount\n");

    // --ssh default forwards the agent to a service without build.ssh (no cache: a cached
    // step would not look for the agent).
    let out = p.hoist(&["build", "--no-cache", "sshonly"]);
    assert_ne!(out.code, 0, "built without an agent: {}", out.dump());
    let out = p.hoist(&["build", "--no-cache", "--ssh", "default", "sshonly"]);
    assert!(out.status.success(), "{}", out.dump());
    assert_eq!(cat(&format!("{}-sshonly", p.name), "/ssh"), "forwarded\n");
    let out = p.hoist(&["build", "--ssh", "nokey", "sshonly"]);
    assert_eq!(out.code, 1, "{}", out.dump());
    assert_mentions(&out, &["invalid ssh key \"nokey\""]);

    // No agent, a key file instead of an agent, the classic builder: refused.
    p.set_env("SSH_AUTH_SOCK", "");
    let out = p.hoist(&["build", "secrets"]);
    assert_eq!(out.code, 1, "{}", out.dump());
    assert_mentions(
        &out,
        &["build.ssh \"default\"", "SSH_AUTH_SOCK, which is not set"],
    );
    let key = p.path().join("secrets/token.txt");
    let flag = format!("default={}", key.display());
    let out = p.hoist(&["build", "--ssh", &flag, "sshonly"]);
    assert_eq!(out.code, 1, "{}", out.dump());
    assert_mentions(&out, &["is not an ssh agent's socket"]);
    p.set_env("SSH_AUTH_SOCK", &agent.sock.to_string_lossy());
    p.set_env("DOCKER_BUILDKIT", "0");
    let ours = p.hoist(&["build", "secrets"]);
    let theirs = p.compose(&["build", "secrets"]);
    assert_eq!(ours.code, 1, "{}", ours.dump());
    assert_ne!(theirs.code, 0, "{}", theirs.dump());
    assert_mentions(&ours, &["the classic builder doesn't support SSH keys"]);
    assert_mentions(&theirs, &["the classic builder doesn't support SSH keys"]);
}

/// What the engine's builder cannot do fails as the reference fails: a
/// `cache_to` export (compose's words), `additional_contexts` (this engine's
/// frontend lacks named contexts); nothing is built, nothing exported.
#[test]
fn buildkit_cache_to_and_additional_contexts_fail_as_the_reference() {
    let Some(p) = e2e_project!("bk-refused", "buildkit") else {
        return;
    };
    let _images = images(&p, &["cacheto", "contexts"]);
    for service in ["cacheto", "contexts"] {
        let ours = p.hoist(&["build", service]);
        let theirs = p.compose(&["build", service]);
        assert_eq!(ours.code, 1, "{}", ours.dump());
        assert_ne!(theirs.code, 0, "{}", theirs.dump());
        if service == "cacheto" {
            let said = "Cache export is not supported for the docker driver.";
            assert_mentions(&ours, &[said, "docs.docker.com/go/build-cache-backends"]);
            assert_mentions(&theirs, &[said]);
        } else {
            assert_mentions(&ours, &["additional_contexts are not supported"]);
        }
        let image = format!("{}-{service}", p.name);
        assert!(
            !docker(&["image", "inspect", &image]).status.success(),
            "{service} was built"
        );
    }
    assert!(!p.path().join("cache-export").exists());
}

/// `build --print` writes compose's bake file: the same JSON for each case
/// (the default group's order aside: compose's comes from a Go map), secret
/// values never in it.
#[test]
fn build_print_writes_the_bake_file_as_the_reference() {
    let Some(mut p) = e2e_project!("bk-print", "buildkit") else {
        return;
    };
    p.set_env("API_KEY", "value-from-the-environment");
    let cases: &[&[&str]] = &[
        &[],
        &["dev"],
        &["--with-dependencies", "dev"],
        &["secrets"],
        &["--ssh", "default", "sshonly"],
        &["--push", "--check", "stages"],
        &["--no-cache", "--pull", "--build-arg", "RUN_ID=7", "cache"],
    ];
    let sorted_group = |text: &str| {
        let mut v: serde_json::Value =
            serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}):\n{text}"));
        if let Some(t) = v
            .pointer_mut("/group/default/targets")
            .and_then(|t| t.as_array_mut())
        {
            t.sort_by(|a, b| a.as_str().cmp(&b.as_str()));
        }
        v
    };
    for case in cases {
        let mut a = vec!["build", "--print"];
        a.extend_from_slice(case);
        let ours = p.hoist(&a);
        let theirs = p.compose(&a);
        assert!(ours.status.success(), "{}", ours.dump());
        assert!(theirs.status.success(), "{}", theirs.dump());
        assert!(
            !ours.stdout.contains("value-from-the-environment"),
            "{}",
            ours.dump()
        );
        assert_eq!(
            sorted_group(&ours.stdout),
            sorted_group(&theirs.stdout),
            "{case:?}: hoist's bake file, then compose's\n{}\n{}",
            ours.stdout,
            theirs.stdout
        );
    }
}

/// One platform in `build.platforms` is the platform built for, as compose's
/// BuildKit path sends it: the engine's own builds, a platform with no local
/// base image fails in both tools (nothing can be pulled here).
#[test]
fn buildkit_builds_for_the_one_platform_named() {
    let Some(p) = e2e_project!("bk-platform", "buildkit") else {
        return;
    };
    let _images = images(&p, &["amd64", "arm64"]);
    let out = p.hoist(&["build", "amd64"]);
    assert!(out.status.success(), "{}", out.dump());
    let image = format!("{}-amd64", p.name);
    let arch = docker(&[
        "image",
        "inspect",
        "--format",
        "{{.Os}}/{{.Architecture}}",
        &image,
    ]);
    assert_eq!(arch.stdout.trim(), "linux/amd64");
    let ours = p.hoist(&["build", "arm64"]);
    let theirs = p.compose(&["build", "arm64"]);
    assert_ne!(
        ours.code,
        0,
        "built for arm64 from an amd64-only base:\n{}",
        ours.dump()
    );
    assert_ne!(theirs.code, 0, "{}", theirs.dump());
    assert_mentions(&ours, &["arm64"]);
}
