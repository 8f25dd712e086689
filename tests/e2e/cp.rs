//! `cp` side by side with `docker compose cp`: every case runs on the same
//! freshly reset files with each tool, and what each leaves behind is
//! compared — the local tree (names, types, modes, owners, sizes, contents,
//! link targets, modification times), the containers' trees (`stat` and
//! `md5sum` inside them), exit codes, stdout and stderr.

use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, SystemTime};

use crate::e2e_project;
use crate::harness::{docker, finish, hoist_bin, spawn_with, Out, Project};

/// Entries whose modification time is the reset's, not the copy's.
const VOLATILE: &[&str] = &[".", "./existdir", "./linkdir", "./broken"];

/// A fixed time for the files a test makes (2020-01-02 03:04:05 UTC).
const FIXED: u64 = 1_577_934_245;

/// What one run of one tool left behind.
#[derive(Debug, PartialEq, Eq)]
struct Outcome {
    code: i32,
    stdout: String,
    /// stderr's lines, sorted (copies to several containers run concurrently),
    /// without Go's log lines (`level=error msg="Can't add file …"`).
    stderr: Vec<String>,
    /// The local `out/` tree.
    host: Vec<String>,
    /// Each container's `/dst` tree.
    containers: BTreeMap<String, Vec<String>>,
}

/// `docker exec -u 0 CONTAINER sh -c SCRIPT`, which must succeed.
fn sh(container: &str, script: &str) -> Out {
    let out = docker(&["exec", "-u", "0", container, "sh", "-c", script]);
    out.ok();
    out
}

/// A container's tree under `dir`, as `stat` and `md5sum` see it there.
fn container_tree(container: &str, dir: &str) -> Vec<String> {
    let script = format!(
        "cd {dir} 2>/dev/null || exit 0; find . | sort | while read f; do \
         s=$(stat -c '%n|%F|%a|%u:%g|%s|%Y' \"$f\"); \
         if [ -L \"$f\" ]; then s=\"$s|-> $(readlink \"$f\")\"; \
         elif [ -f \"$f\" ]; then s=\"$s|$(md5sum < \"$f\" | cut -c1-32)\"; fi; \
         echo \"$s\"; done"
    );
    sh(container, &script)
        .stdout
        .lines()
        .map(|l| {
            let mut f: Vec<String> = l.split('|').map(String::from).collect();
            if f[1] == "directory" {
                f[4] = "-".into();
            }
            if VOLATILE.contains(&f[0].as_str()) {
                f[5] = "-".into();
            }
            f.join("|")
        })
        .collect()
}

/// The local tree under `dir`, in the same terms.
fn host_tree(dir: &Path) -> Vec<String> {
    fn walk(dir: &Path, rel: &str, out: &mut Vec<String>) {
        let Ok(meta) = fs::symlink_metadata(dir) else {
            return;
        };
        let t = meta.file_type();
        let kind = if t.is_symlink() {
            "symbolic link"
        } else if t.is_dir() {
            "directory"
        } else if t.is_file() {
            "regular file"
        } else {
            "other"
        };
        let size = if t.is_dir() {
            "-".to_string()
        } else {
            meta.len().to_string()
        };
        let mtime = if VOLATILE.contains(&rel) {
            "-".to_string()
        } else {
            meta.mtime().to_string()
        };
        let mut line = format!(
            "{rel}|{kind}|{:o}|{}:{}|{size}|{mtime}",
            meta.mode() & 0o7777,
            meta.uid(),
            meta.gid()
        );
        if t.is_symlink() {
            line += &format!("|-> {}", fs::read_link(dir).unwrap().display());
        } else if t.is_file() {
            line += &format!("|{:?}", fs::read(dir).unwrap());
        }
        out.push(line);
        if t.is_dir() {
            let mut names: Vec<_> = fs::read_dir(dir)
                .unwrap()
                .map(|e| e.unwrap().file_name())
                .collect();
            names.sort();
            for n in names {
                let child = format!("{rel}/{}", n.to_string_lossy());
                walk(&dir.join(&n), &child, out);
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, ".", &mut out);
    out
}

fn set_mtime(path: &Path) {
    let t = SystemTime::UNIX_EPOCH + Duration::from_secs(FIXED);
    fs::File::options()
        .write(true)
        .open(path)
        .unwrap()
        .set_modified(t)
        .unwrap();
}

fn run_ok(program: &str, args: &[&str]) {
    let st = std::process::Command::new(program)
        .args(args)
        .status()
        .unwrap();
    assert!(st.success(), "{program} {args:?} failed");
}

/// The local source files (`src/`): a file (0640), a setuid script, a
/// directory with a subdirectory (0700), symbolic links to each (relative),
/// a hard link and a fifo.
fn seed_host(p: &Project) {
    let src = p.path().join("src");
    fs::create_dir_all(src.join("d/sub")).unwrap();
    for (rel, text, mode) in [
        ("f", "f\n", 0o640),
        ("d/a", "a\n", 0o644),
        ("d/run.sh", "#!/bin/sh\n", 0o4755),
        ("d/sub/b", "b\n", 0o600),
    ] {
        fs::write(src.join(rel), text).unwrap();
        fs::set_permissions(src.join(rel), fs::Permissions::from_mode(mode)).unwrap();
        set_mtime(&src.join(rel));
    }
    fs::set_permissions(src.join("d/sub"), fs::Permissions::from_mode(0o700)).unwrap();
    std::os::unix::fs::symlink("f", src.join("ln")).unwrap();
    std::os::unix::fs::symlink("d", src.join("dirlink")).unwrap();
    fs::hard_link(src.join("f"), src.join("hard")).unwrap();
    run_ok("mkfifo", &[&src.join("fifo").to_string_lossy()]);
    run_ok(
        "touch",
        &[
            "-d",
            "2020-01-02 03:04:05",
            &src.join("d/sub").to_string_lossy(),
        ],
    );
    run_ok(
        "touch",
        &[
            "-d",
            "2020-01-02 03:04:05",
            &src.join("d").to_string_lossy(),
        ],
    );
}

/// The container's source files (`/data/`), the same kinds as [`seed_host`],
/// with an owner of their own and an absolute link.
fn seed_container(container: &str) {
    sh(
        container,
        "mkdir -p /data/d/sub && echo f > /data/f && chmod 640 /data/f && \
         echo a > /data/d/a && chown 1000:1000 /data/d/a && echo b > /data/d/sub/b && \
         chmod 700 /data/d/sub && ln -s f /data/ln && ln -s d /data/dirlink && \
         ln -s /data/d /data/abslink && ln /data/f /data/hard && mkfifo /data/fifo && \
         touch -d '2020-01-02 03:04:05' /data/f /data/d/a /data/d/sub/b /data/d/sub /data/d",
    );
}

/// `out/` as every case finds it: an empty directory, a file, a link to the
/// directory and a dangling link.
fn reset_host(p: &Project) {
    let out = p.path().join("out");
    let _ = fs::remove_dir_all(&out);
    fs::create_dir_all(out.join("existdir")).unwrap();
    fs::write(out.join("existfile"), "x\n").unwrap();
    set_mtime(&out.join("existfile"));
    std::os::unix::fs::symlink("existdir", out.join("linkdir")).unwrap();
    std::os::unix::fs::symlink("nothere", out.join("broken")).unwrap();
}

/// `/dst` in a container, the same way.
fn reset_container(container: &str) {
    sh(
        container,
        "rm -rf /dst && mkdir -p /dst/existdir && echo x > /dst/existfile && \
         touch -d '2020-01-02 03:04:05' /dst/existfile && ln -s existdir /dst/linkdir && \
         ln -s nothere /dst/broken",
    );
}

/// Runs one tool (`docker compose` when `oracle`) with `-p NAME ARGS` in
/// the project directory, stdin from `stdin` when given.
fn run_tool(p: &Project, oracle: bool, args: &[&str], stdin: Option<&Path>) -> Out {
    let mut a: Vec<&str> = if oracle {
        vec!["compose", "-p", &p.name]
    } else {
        vec!["-p", &p.name]
    };
    a.extend_from_slice(args);
    let program = if oracle { "docker" } else { hoist_bin() };
    let input = match stdin {
        Some(f) => Stdio::from(fs::File::open(f).unwrap()),
        None => Stdio::null(),
    };
    let child = spawn_with(program, &a, p.path(), &p.env, input);
    finish(child, format!("{program} {}", a.join(" ")))
}

/// Resets everything, runs the tool, and collects what it left.
fn outcome(
    p: &Project,
    oracle: bool,
    args: &[&str],
    containers: &[String],
    stdin: Option<&Path>,
) -> Outcome {
    reset_host(p);
    for c in containers {
        reset_container(c);
    }
    let out = run_tool(p, oracle, args, stdin);
    let ids: Vec<String> = p.containers().into_iter().map(|c| c.id).collect();
    let mut stderr: Vec<String> = out
        .stderr
        .lines()
        .filter(|l| !l.contains("level="))
        .map(|l| {
            let mut l = l.trim_end().to_string();
            for id in &ids {
                l = l.replace(id.as_str(), "<id>");
            }
            l
        })
        .filter(|l| !l.is_empty())
        .collect();
    stderr.sort();
    Outcome {
        code: out.code,
        stdout: out.stdout,
        stderr,
        host: host_tree(&p.path().join("out")),
        containers: containers
            .iter()
            .map(|c| (c.clone(), container_tree(c, "/dst")))
            .collect(),
    }
}

/// Runs `args` with both tools and asserts the same outcome, and that it
/// succeeded or failed as `ok` says (so that both failing alike for a
/// broken setup does not pass).
#[track_caller]
fn same(
    p: &Project,
    args: &[&str],
    containers: &[String],
    stdin: Option<&Path>,
    ok: bool,
) -> Outcome {
    let want = outcome(p, true, args, containers, stdin);
    let got = outcome(p, false, args, containers, stdin);
    assert_eq!(
        got,
        want,
        "`{}`: hoist (left) and docker compose (right) differ",
        args.join(" ")
    );
    assert_eq!(
        got.code == 0,
        ok,
        "`{}` should have {}: {got:#?}",
        args.join(" "),
        if ok { "succeeded" } else { "failed" }
    );
    got
}

fn up(p: &Project) {
    p.hoist(&["up", "-d"]).ok();
}

fn container(p: &Project, service: &str, n: u32) -> String {
    format!("{}-{service}-{n}", p.name)
}

/// Local → container, on one container: each of `docker cp`'s path rules.
#[test]
fn cp_to_container_path_rules() {
    let Some(p) = e2e_project!("cp-to", "cp") else {
        return;
    };
    up(&p);
    seed_host(&p);
    let one = vec![container(&p, "one", 1)];
    let abs = p.path().join("src/f").to_string_lossy().into_owned();
    let cases: &[(&[&str], bool)] = &[
        // a file
        (&["src/f", "one:/dst/new"], true),
        (&["./src/f", "one:/dst/existdir"], true),
        (&["src/f", "one:/dst/existdir/"], true),
        (&[&abs, "one:/dst/existfile"], true),
        (&["src/f", "one:/dst/linkdir"], true),
        (&["src/f", "one:/dst/broken"], true),
        (&["src/f", "one:dst/relative"], true),
        (&["src/f", "one:/dst/nodir/x"], false),
        (&["src/f", "one:/dst/newdir/"], false),
        (&["src/f", "one:/dst/existfile/"], false),
        (&["src/f/", "one:/dst/new"], false),
        (&["src/nonexist", "one:/dst/"], false),
        (&["nodir/f", "one:/dst/"], false),
        // a directory, its contents
        (&["src/d", "one:/dst/new"], true),
        (&["src/d", "one:/dst/existdir"], true),
        (&["src/d/", "one:/dst/new"], true),
        (&["src/d/.", "one:/dst/new"], true),
        (&["src/d/.", "one:/dst/existdir"], true),
        (&["src/d", "one:/dst/existfile"], false),
        (&["src/d", "one:/dst/nodir/x/y"], false),
        // links, a hard link and a fifo (the whole of src)
        (&["src/ln", "one:/dst/new"], true),
        (&["-L", "src/ln", "one:/dst/new"], true),
        (&["src/dirlink", "one:/dst/new"], true),
        (&["--follow-link", "src/dirlink", "one:/dst/new"], true),
        (&["src/dirlink/", "one:/dst/new"], true),
        (&["src", "one:/dst/existdir"], true),
    ];
    for (args, ok) in cases {
        let mut a = vec!["cp"];
        a.extend_from_slice(args);
        same(&p, &a, &one, None, *ok);
    }
    // Mode (setuid too), owner and time survived — checked once beyond the comparison.
    let meta = fs::metadata(p.path().join("src/d/run.sh")).unwrap();
    let want = format!(
        "./new/run.sh|regular file|4755|{}:{}|10|{FIXED}|",
        meta.uid(),
        meta.gid()
    );
    let t = same(&p, &["cp", "src/d", "one:/dst/new"], &one, None, true);
    assert!(
        t.containers[&one[0]].iter().any(|l| l.starts_with(&want)),
        "{want}: {t:#?}"
    );
}

/// Container → local, from one container.
#[test]
fn cp_from_container_path_rules() {
    let Some(p) = e2e_project!("cp-from", "cp") else {
        return;
    };
    up(&p);
    seed_container(&container(&p, "one", 1));
    let cases: &[(&[&str], bool)] = &[
        (&["one:/data/f", "out/new"], true),
        (&["one:/data/f", "out/existdir"], true),
        (&["one:/data/f", "out/existdir/"], true),
        (&["one:/data/f", "out/existfile"], true),
        (&["one:/data/f", "out/linkdir"], true),
        (&["one:/data/f", "out/broken"], true),
        (&["one:/data/f", "out/nodir/x"], false),
        (&["one:/data/f", "out/newdir/"], false),
        (&["one:/data/f", "out/existfile/"], false),
        (&["one:/data/f/", "out/new"], false),
        (&["one:/data/nonexist", "out/new"], false),
        (&["one:/data/f", "/dev/null"], false),
        (&["one:/data/d", "out/new"], true),
        (&["one:/data/d", "out/existdir"], true),
        (&["one:/data/d/", "out/new"], true),
        (&["one:/data/d/.", "out/new"], true),
        (&["one:/data/d/.", "out/existdir"], true),
        (&["one:/data/d", "out/existfile"], false),
        (&["one:/data/ln", "out/new"], true),
        (&["-L", "one:/data/ln", "out/new"], true),
        (&["one:/data/dirlink", "out/new"], true),
        (&["-L", "one:/data/dirlink", "out/new"], true),
        (&["-L", "one:/data/abslink", "out/existdir"], true),
        (&["one:/data/dirlink/", "out/new"], true),
        (&["one:/data", "out/existdir"], true),
    ];
    for (args, ok) in cases {
        let mut a = vec!["cp"];
        a.extend_from_slice(args);
        same(&p, &a, &[], None, *ok);
    }
    let t = same(&p, &["cp", "one:/data/d", "out/new"], &[], None, true);
    assert!(
        t.host
            .iter()
            .any(|l| l.starts_with("./new/sub|directory|700|0:0|-|1577934245")),
        "{:#?}",
        t.host
    );
}

/// `-` both ways: a tar stream on stdin into a container directory, and a
/// container's archive on stdout.
#[test]
fn cp_tar_streams() {
    let Some(p) = e2e_project!("cp-stream", "cp") else {
        return;
    };
    up(&p);
    seed_host(&p);
    let one = vec![container(&p, "one", 1)];
    seed_container(&one[0]);
    let tar = p.path().join("in.tar");
    run_ok(
        "tar",
        &[
            "-C",
            &p.path().join("src").to_string_lossy(),
            "-cf",
            &tar.to_string_lossy(),
            "d",
            "f",
        ],
    );
    same(
        &p,
        &["cp", "-", "one:/dst/existdir"],
        &one,
        Some(&tar),
        true,
    );
    same(&p, &["cp", "-", "one:/dst/linkdir"], &one, Some(&tar), true);
    same(
        &p,
        &["cp", "-", "one:/dst/existfile"],
        &one,
        Some(&tar),
        false,
    );
    same(&p, &["cp", "-", "one:/dst/new"], &one, Some(&tar), false);
    let t = same(&p, &["cp", "one:/data/d", "-"], &[], None, true);
    assert!(t.stdout.contains("d/sub/b"), "not a tar of /data/d");
}

/// Which containers: every replica by default when copying to a service,
/// `--index`, `run` containers only with `--all`; from a service, the most
/// recently created container.
#[test]
fn cp_replicas_index_and_all() {
    let Some(p) = e2e_project!("cp-replicas", "cp") else {
        return;
    };
    up(&p);
    seed_host(&p);
    let web1 = container(&p, "web", 1);
    let web2 = container(&p, "web", 2);
    let out = p.compose(&["run", "-d", "web", "sleep", "3600"]);
    out.ok();
    let run = p
        .containers()
        .into_iter()
        .find(|c| c.name.contains("-web-run-"))
        .expect("a run container")
        .name;
    for c in [&web1, &web2, &run] {
        sh(c, &format!("mkdir -p /data && echo {c} > /data/who"));
    }
    let all = vec![web1.clone(), web2.clone(), run.clone()];
    let has_new = |o: &Outcome, c: &str| o.containers[c].iter().any(|l| l.starts_with("./new|"));

    let t = same(&p, &["cp", "src/f", "web:/dst/new"], &all, None, true);
    assert!(has_new(&t, &web1) && has_new(&t, &web2) && !has_new(&t, &run));
    let t = same(
        &p,
        &["cp", "--all", "src/f", "web:/dst/new"],
        &all,
        None,
        true,
    );
    assert!(has_new(&t, &web1) && has_new(&t, &web2) && has_new(&t, &run));
    let t = same(
        &p,
        &["cp", "--index", "2", "src/f", "web:/dst/new"],
        &all,
        None,
        true,
    );
    assert!(!has_new(&t, &web1) && has_new(&t, &web2) && !has_new(&t, &run));
    same(
        &p,
        &["cp", "--index", "3", "src/f", "web:/dst/new"],
        &all,
        None,
        false,
    );
    same(&p, &["cp", "src/f", "nosuch:/dst/new"], &[], None, false);
    same(&p, &["cp", "web:/data/who", "other:/x"], &[], None, false);
    same(&p, &["cp", "src/f", "out/x"], &[], None, false);

    // From the service: the newest of its own containers, or of all with --all.
    let created = |c: &str| p.inspect(c)["Created"].as_str().unwrap().to_string();
    let newest = [&web1, &web2]
        .into_iter()
        .max_by_key(|c| created(c))
        .unwrap();
    let who = |o: &Outcome| {
        o.host
            .iter()
            .find(|l| l.starts_with("./who|"))
            .cloned()
            .unwrap_or_default()
    };
    let t = same(&p, &["cp", "web:/data/who", "out/who"], &[], None, true);
    assert!(
        who(&t).contains(&format!("{:?}", format!("{newest}\n").as_bytes())),
        "{t:#?}"
    );
    let t = same(
        &p,
        &["cp", "--all", "web:/data/who", "out/who"],
        &[],
        None,
        true,
    );
    assert!(
        who(&t).contains(&format!("{:?}", format!("{run}\n").as_bytes())),
        "{t:#?}"
    );
    let t = same(
        &p,
        &["cp", "--index", "1", "web:/data/who", "out/who"],
        &[],
        None,
        true,
    );
    assert!(
        who(&t).contains(&format!("{:?}", format!("{web1}\n").as_bytes())),
        "{t:#?}"
    );
}

/// `-a`: the engine gives the files the container user's owner (`nobody`);
/// without it they keep the local owners.
#[test]
fn cp_archive_owners() {
    let Some(p) = e2e_project!("cp-owners", "cp") else {
        return;
    };
    up(&p);
    seed_host(&p);
    run_ok(
        "chown",
        &["-R", "4321:8765", &p.path().join("src/d").to_string_lossy()],
    );
    let owned = vec![container(&p, "owned", 1)];
    let owners = |o: &Outcome| -> Vec<String> {
        o.containers[&owned[0]]
            .iter()
            .filter(|l| l.starts_with("./new"))
            .map(|l| l.split('|').nth(3).unwrap().to_string())
            .collect()
    };
    let t = same(&p, &["cp", "src/d", "owned:/dst/new"], &owned, None, true);
    assert!(owners(&t).iter().all(|o| o == "4321:8765"), "{t:#?}");
    let t = same(
        &p,
        &["cp", "-a", "src/d", "owned:/dst/new"],
        &owned,
        None,
        true,
    );
    assert!(owners(&t).iter().all(|o| o == "65534:65534"), "{t:#?}");
}

/// `--dry-run`: nothing changes anywhere. Out of a container both tools
/// agree; into one, compose's dry run fails every copy from a local path
/// (it asks the engine about an empty path) while hoist checks the real
/// destination directory and succeeds.
#[test]
fn cp_dry_run() {
    let Some(p) = e2e_project!("cp-dry", "cp") else {
        return;
    };
    up(&p);
    seed_host(&p);
    let one = vec![container(&p, "one", 1)];
    seed_container(&one[0]);
    let untouched = {
        reset_container(&one[0]);
        container_tree(&one[0], "/dst")
    };
    reset_host(&p);
    let host_untouched = host_tree(&p.path().join("out"));

    let t = same(
        &p,
        &["--dry-run", "cp", "one:/data/d", "out/new"],
        &[],
        None,
        true,
    );
    assert_eq!(t.host, host_untouched);
    assert!(
        t.stderr.iter().any(|l| l.starts_with(" DRY-RUN MODE -  ")),
        "{t:#?}"
    );
    let t = same(
        &p,
        &["--dry-run", "cp", "one:/data/d", "-"],
        &[],
        None,
        true,
    );
    assert!(t.stdout.is_empty());

    let dry_in = ["--dry-run", "cp", "src/d", "one:/dst/new"];
    let hoist = outcome(&p, false, &dry_in, &one, None);
    assert_eq!(hoist.code, 0, "{hoist:#?}");
    assert_eq!(hoist.containers[&one[0]], untouched);
    let c = &one[0];
    assert_eq!(
        hoist.stderr,
        [
            format!(" DRY-RUN MODE -  {c} copy src/d to {c}:/dst/new Copied"),
            format!(" DRY-RUN MODE -  {c} copy src/d to {c}:/dst/new Copying"),
        ]
    );
    let compose = outcome(&p, true, &dry_in, &one, None);
    assert_eq!(compose.containers[&one[0]], untouched);
    assert_ne!(
        compose.code, 0,
        "compose's dry run of a copy into a container now works: {compose:#?}"
    );

    // A missing source fails both (compose's dry-run client words it its own way).
    let missing = ["--dry-run", "cp", "one:/data/nonexist", "out/new"];
    let (h, c) = (
        outcome(&p, false, &missing, &[], None),
        outcome(&p, true, &missing, &[], None),
    );
    assert_eq!((h.code, h.host.clone()), (c.code, c.host.clone()));
    assert_ne!(h.code, 0);
    for o in [&h, &c] {
        assert!(
            o.stderr
                .iter()
                .any(|l| l.contains("Could not find the file /data/nonexist in container <id>")),
            "{o:#?}"
        );
    }
}
