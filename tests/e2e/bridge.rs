//! `bridge` side by side with `docker compose bridge`, with transformation
//! images built here from `fixtures/e2e/bridge/transformer/` (labelled as
//! compose's list filters them; nothing from outside): `convert` writing the
//! same files — contents, modes and owners — and the same model, through a
//! chain of two transformations and `--templates`; a failing transformation
//! ending the chain with its status; `transformations list` (table, JSON,
//! `-q`, `ls`, a bad format); a missing transformation pulled first (from
//! a loopback registry); `transformations create` giving the same
//! tree; and `--dry-run` writing and running nothing.
//!
//! The tests of this file take turns ([`LOCK`]): `transformations list`
//! shows every labelled image on the engine, so the images of one test must
//! not appear in the middle of another's comparison.

use std::collections::BTreeMap;
use std::os::unix::fs::MetadataExt as _;
use std::path::Path;
use std::sync::Mutex;

use crate::harness::{docker, Project};

static LOCK: Mutex<()> = Mutex::new(());

/// The transformation images of one test, removed on drop.
struct Images {
    a: String,
    b: String,
    fail: String,
}

impl Images {
    fn build(p: &Project) -> Images {
        let tag =
            |what: &str| format!("hoist-test/{}:latest", test_support::unique("bridge", what));
        let images = Images {
            a: tag("a"),
            b: tag("b"),
            fail: tag("fail"),
        };
        let dir = p.path().join("transformer");
        let dir = dir.to_str().unwrap();
        for (image, args) in [
            (&images.a, vec!["--build-arg", "NAME=t1"]),
            (&images.b, vec!["--build-arg", "NAME=t2"]),
            (&images.fail, vec!["-f", "transformer/Dockerfile.fail"]),
        ] {
            let mut a = vec!["build", "-q", "-t", image.as_str()];
            a.extend(args);
            a.push(dir);
            let out = crate::harness::run(
                "docker",
                &a,
                p.path(),
                &BTreeMap::from([("DOCKER_BUILDKIT".to_string(), "0".to_string())]),
            );
            out.ok();
        }
        images
    }
}

impl Drop for Images {
    fn drop(&mut self) {
        let _ = docker(&["rmi", "-f", &self.a, &self.b, &self.fail]);
    }
}

/// Every entry under `root`: relative path → (kind, mode, uid, gid, content).
fn tree(root: &Path) -> BTreeMap<String, (String, u32, u32, u32, String)> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, (String, u32, u32, u32, String)>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        for path in entries {
            let m = std::fs::symlink_metadata(&path).unwrap();
            let rel = path
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            let (kind, content) = if m.is_dir() {
                ("dir", String::new())
            } else {
                ("file", std::fs::read_to_string(&path).unwrap())
            };
            out.insert(
                rel,
                (
                    kind.to_string(),
                    m.mode() & 0o7777,
                    m.uid(),
                    m.gid(),
                    content,
                ),
            );
            if m.is_dir() {
                walk(root, &path, out);
            }
        }
    }
    let mut out = BTreeMap::new();
    let m = std::fs::metadata(root).unwrap_or_else(|e| panic!("{}: {e}", root.display()));
    out.insert(
        ".".to_string(),
        (
            "dir".to_string(),
            m.mode() & 0o7777,
            m.uid(),
            m.gid(),
            String::new(),
        ),
    );
    walk(root, root, &mut out);
    out
}

fn project(case: &str) -> Option<(std::sync::MutexGuard<'static, ()>, Project)> {
    let guard = LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let mut p = crate::e2e_project!(case, "bridge")?;
    p.set_env("BRIDGE_CONFIG", "from the environment");
    Some((guard, p))
}

/// Runs `bridge ARGS` through hoist or compose with `TMPDIR` set to `tmp`.
fn bridge(p: &Project, hoist: bool, tmp: &Path, args: &[&str]) -> test_support::Out {
    let mut a = vec!["-p", p.name.as_str(), "bridge"];
    a.extend_from_slice(args);
    let mut env = BTreeMap::from([
        ("TMPDIR".to_string(), tmp.to_string_lossy().into_owned()),
        (
            "BRIDGE_CONFIG".to_string(),
            "from the environment".to_string(),
        ),
    ]);
    env.insert("NO_COLOR".into(), "1".into());
    if hoist {
        crate::harness::run(crate::harness::hoist_bin(), &a, p.path(), &env)
    } else {
        let mut c = vec!["compose"];
        c.extend(a);
        crate::harness::run("docker", &c, p.path(), &env)
    }
}

#[test]
fn convert_chains_transformations_as_compose() {
    let Some((_guard, p)) = project("bridge-convert") else {
        return;
    };
    let images = Images::build(&p);
    let mut trees = Vec::new();
    for (hoist, out) in [(false, "out-compose"), (true, "out-hoist")] {
        // what was in the output directory is gone
        std::fs::create_dir_all(p.path().join(out)).unwrap();
        p.write(&format!("{out}/stale.txt"), "left from before\n");
        let tmp = p.path().join(format!("tmp-{out}"));
        std::fs::create_dir_all(&tmp).unwrap();
        let r = bridge(
            &p,
            hoist,
            &tmp,
            &[
                "convert",
                "-t",
                &images.a,
                "--transformation",
                &images.b,
                "-o",
                out,
                "--templates",
                "tmpl",
            ],
        );
        r.ok();
        trees.push((
            r.stdout.clone(),
            r.stderr.clone(),
            tree(&p.path().join(out)),
            tree(&tmp),
        ));
    }
    let (compose, hoist) = (&trees[0], &trees[1]);
    assert_eq!(hoist.0, compose.0, "stdout");
    assert_eq!(hoist.1, compose.1, "stderr");
    assert_eq!(hoist.2, compose.2, "the output directories differ");
    assert_eq!(hoist.3, compose.3, "the models in $TMPDIR differ");
    // the test shows what it claims: both transformations ran, in order,
    // into one directory, reading compose's model and the --templates mount
    let out = &hoist.2;
    assert!(!out.contains_key("stale.txt"), "{out:#?}");
    assert_eq!(out["."].1, 0o744, "output directory mode");
    assert_eq!(
        out["t2-seen.txt"]
            .4
            .lines()
            .filter(|l| l.starts_with("t1-"))
            .count(),
        5
    );
    assert!(!out["t1-seen.txt"].4.contains("t2-"));
    assert!(out["t1-templates.txt"].4.contains("override.tmpl"));
    let web = &out["t1-web.txt"].4;
    assert!(web.contains("LICENSE_AGREEMENT=true"), "{web}");
    assert!(web.contains("B9: \"yes\"\n            B10: x"), "{web}");
    assert!(web.contains("expose:\n            - \"80\""), "{web}");
    let model = &out["t1-model.yaml"].4;
    assert!(
        model.contains("content: |\n            secret-value"),
        "{model}"
    );
    assert!(
        model.contains("config-value\n            line two"),
        "{model}"
    );
    assert!(!model.contains("from the environment"), "{model}");
    assert_eq!(hoist.3["compose.yaml"].1, 0o600);
    assert_eq!(hoist.0, "t1: wrote 2 services\nt2: wrote 2 services\n");
}

#[test]
fn a_failing_transformation_ends_the_chain_with_its_status() {
    let Some((_guard, p)) = project("bridge-fail") else {
        return;
    };
    let images = Images::build(&p);
    let tmp = p.path().join("tmp");
    std::fs::create_dir_all(&tmp).unwrap();
    let mut seen = Vec::new();
    for (hoist, out) in [(false, "out-compose"), (true, "out-hoist")] {
        let r = bridge(
            &p,
            hoist,
            &tmp,
            &["convert", "-t", &images.fail, "-t", &images.a, "-o", out],
        );
        r.failed();
        seen.push((
            r.code,
            r.stdout.clone(),
            r.stderr.clone(),
            tree(&p.path().join(out)),
        ));
    }
    assert_eq!(seen[1], seen[0]);
    assert_eq!(seen[1].0, 3);
    // the transformation's stderr, then the docker CLI's empty status error
    assert_eq!(seen[1].2, "failing\n\n");
    assert_eq!(
        seen[1].3.len(),
        1,
        "the second transformation ran: {:#?}",
        seen[1].3
    );
}

#[test]
fn transformations_list_as_compose() {
    let Some((_guard, p)) = project("bridge-list") else {
        return;
    };
    let images = Images::build(&p);
    let tmp = p.path().join("tmp");
    for args in [
        vec!["transformations", "list"],
        vec!["transformations", "ls"],
        vec!["transformations", "ls", "--format", "json"],
        vec!["transformations", "list", "--format", "JSON"],
        vec!["transformations", "list", "-q"],
        vec!["transformations", "ls", "--format", "yaml"],
    ] {
        let compose = bridge(&p, false, &tmp, &args);
        let hoist = bridge(&p, true, &tmp, &args);
        assert_eq!(
            (hoist.code, &hoist.stdout, &hoist.stderr),
            (compose.code, &compose.stdout, &compose.stderr),
            "bridge {args:?}"
        );
    }
    let q = bridge(&p, true, &tmp, &["transformations", "list", "-q"]);
    for image in [&images.a, &images.b, &images.fail] {
        assert!(
            q.stdout.lines().any(|l| l == image),
            "{image} not in {}",
            q.stdout
        );
    }
    let table = bridge(&p, true, &tmp, &["transformations", "list"]);
    assert!(
        table.stdout.starts_with("IMAGE ID            REPO"),
        "{}",
        table.stdout
    );
}

#[test]
fn transformations_create_as_compose() {
    let Some((_guard, p)) = project("bridge-create") else {
        return;
    };
    let images = Images::build(&p);
    let tmp = p.path().join("tmp");
    let mut trees = Vec::new();
    for (hoist, dir) in [(false, "new-compose"), (true, "new-hoist")] {
        let r = bridge(
            &p,
            hoist,
            &tmp,
            &["transformations", "create", "--from", &images.a, dir],
        );
        r.ok();
        let abs = p.path().join(dir);
        assert_eq!(
            r.stdout,
            format!("Transformer created in {:?}\n", abs.to_str().unwrap())
        );
        trees.push(tree(&abs));
        // once more: the directory exists now
        let again = bridge(
            &p,
            hoist,
            &tmp,
            &["transformations", "create", "-f", &images.a, dir],
        );
        again.failed();
        assert_eq!(
            again.stderr,
            format!("output folder {} already exists\n", abs.display())
        );
    }
    assert_eq!(trees[1], trees[0]);
    let t = &trees[1];
    assert_eq!(t["templates/sub/x.tmpl"].4, "nested\n");
    assert_eq!(t["Dockerfile"].1, 0o700);
    assert!(t["Dockerfile"].4.contains("COPY templates /templates"));
    // a missing image: the engine's refusal, as the docker CLI words it
    let missing = format!("{}-missing", images.a.trim_end_matches(":latest"));
    let compose = bridge(
        &p,
        false,
        &tmp,
        &["transformations", "create", "--from", &missing, "m1"],
    );
    let hoist = bridge(
        &p,
        true,
        &tmp,
        &["transformations", "create", "--from", &missing, "m2"],
    );
    hoist.failed();
    assert_eq!((hoist.code, &hoist.stderr), (compose.code, &compose.stderr));
}

#[test]
fn dry_run_convert_writes_and_runs_nothing() {
    let Some((_guard, p)) = project("bridge-dry") else {
        return;
    };
    let images = Images::build(&p);
    let tmp = p.path().join("tmp");
    std::fs::create_dir_all(&tmp).unwrap();
    std::fs::create_dir_all(p.path().join("out")).unwrap();
    p.write("out/stale.txt", "left from before\n");
    let before = tree(&p.path().join("out"));
    let r = bridge(
        &p,
        true,
        &tmp,
        &[
            "--dry-run",
            "convert",
            "-t",
            &images.a,
            "-t",
            &images.b,
            "-o",
            "out",
        ],
    );
    r.ok();
    assert_eq!(
        tree(&p.path().join("out")),
        before,
        "the output directory changed"
    );
    assert_eq!(
        tree(&tmp).len(),
        1,
        "a model was written: {:#?}",
        tree(&tmp)
    );
    assert_eq!(r.stdout, "", "a transformation ran");
    let created = bridge(
        &p,
        true,
        &tmp,
        &[
            "--dry-run",
            "transformations",
            "create",
            "--from",
            &images.a,
            "new",
        ],
    );
    created.ok();
    assert!(
        !p.path().join("new").exists(),
        "a dry run created the directory"
    );
    let left = docker(&["ps", "-aq", "--filter", &format!("ancestor={}", images.a)]);
    assert_eq!(left.stdout, "", "containers of the transformation exist");
}

#[test]
fn a_missing_transformation_is_pulled_first() {
    let Some((_guard, p)) = project("bridge-pull") else {
        return;
    };
    let images = Images::build(&p);
    // the transformation only in a loopback registry (nothing from outside)
    let dir = tempfile::tempdir().unwrap();
    let registry = test_support::Registry::start(dir.path(), None);
    let remote = format!(
        "{}/hoist-e2e/{}:latest",
        registry.host(),
        test_support::unique("bridge", "pulled")
    );
    docker(&["tag", &images.a, &remote]).ok();
    docker(&["push", &remote]).ok();
    let tmp = p.path().join("tmp");
    std::fs::create_dir_all(&tmp).unwrap();
    let mut trees = Vec::new();
    let mut said = Vec::new();
    for (hoist, out) in [(false, "out-compose"), (true, "out-hoist")] {
        docker(&["rmi", &remote]).ok();
        let r = bridge(&p, hoist, &tmp, &["convert", "-t", &remote, "-o", out]);
        r.ok();
        assert!(r.stdout.contains("t1: wrote 2 services"), "{}", r.stdout);
        docker(&["image", "inspect", &remote]).ok();
        trees.push(tree(&p.path().join(out)));
        said.push(r.stdout.clone());
    }
    let _ = docker(&["rmi", &remote]);
    // the pull's messages (`Pulling from`, `Digest`, `Status`), then the run's
    assert_eq!(said[1], said[0]);
    assert!(
        said[1].contains("Status: Downloaded newer image for"),
        "{}",
        said[1]
    );
    assert_eq!(trees[1], trees[0]);
    assert!(trees[1].contains_key("t1-web.txt"), "{:#?}", trees[1]);
}
