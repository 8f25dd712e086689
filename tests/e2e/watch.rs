//! `watch` and `up --watch` (`fixtures/e2e/watch`): one table of file
//! changes, each with what the containers must show afterwards and the line
//! compose prints for it. The same table runs against hoist and against the
//! oracle (`docker compose watch`), so the expectations are compose's own.

use std::collections::BTreeMap;
use std::io::Read;
use std::process::Child;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::e2e_project;
use crate::harness::{docker, finish, spawn, wait_until, Project};

/// How long one change may take to show (a rebuild included).
const LIMIT: Duration = Duration::from_secs(60);

/// A change to the project directory.
enum Change {
    Write(&'static str, &'static str),
    Remove(&'static str),
    RemoveTree(&'static str),
}

/// What a container must show after a step.
enum Shows {
    /// `service:path` has this content.
    File(&'static str, &'static str, &'static str),
    /// `service:path` does not exist.
    Absent(&'static str, &'static str),
    /// The service's container was restarted (its `StartedAt` changed).
    Restarted(&'static str),
    /// The service's container was replaced (its id changed).
    Recreated(&'static str),
}

struct Step {
    what: &'static str,
    changes: &'static [Change],
    shows: &'static [Shows],
    /// Lines the watch prints for the step, in order.
    lines: &'static [&'static str],
}

const STEPS: &[Step] = &[
    Step {
        what: "a changed file is synced",
        changes: &[Change::Write("src/a.txt", "two\n")],
        shows: &[Shows::File("web", "/srv/src/a.txt", "two\n")],
        lines: &[r#"Syncing service "web" after 1 changes were detected"#],
    },
    Step {
        what: "a new file is synced, ignored ones are not",
        changes: &[
            Change::Write("src/x.tmp", "junk\n"),
            Change::Write("src/cache/c.txt", "cached\n"),
            Change::Write("src/.b.txt.swp", "vim\n"),
            Change::Write("src/b.txt", "new\n"),
        ],
        shows: &[
            Shows::File("web", "/srv/src/b.txt", "new\n"),
            Shows::Absent("web", "/srv/src/x.tmp"),
            Shows::Absent("web", "/srv/src/cache"),
            Shows::Absent("web", "/srv/src/.b.txt.swp"),
        ],
        lines: &[r#"Syncing service "web" after 1 changes were detected"#],
    },
    Step {
        what: "a removed file is removed",
        changes: &[Change::Remove("src/b.txt")],
        shows: &[Shows::Absent("web", "/srv/src/b.txt")],
        lines: &[r#"Syncing service "web" after 1 changes were detected"#],
    },
    Step {
        what: "a new directory tree counts each path in it",
        changes: &[Change::Write("src/d/e/f.txt", "deep\n")],
        shows: &[Shows::File("web", "/srv/src/d/e/f.txt", "deep\n")],
        lines: &[r#"Syncing service "web" after 3 changes were detected"#],
    },
    Step {
        what: "a removed directory tree is removed",
        changes: &[Change::RemoveTree("src/d")],
        shows: &[Shows::Absent("web", "/srv/src/d")],
        lines: &[r#"Syncing service "web" after 3 changes were detected"#],
    },
    Step {
        what: "sync+restart syncs then restarts",
        changes: &[Change::Write("conf/web.conf", "conf2\n")],
        shows: &[
            Shows::File("web", "/etc/web/web.conf", "conf2\n"),
            Shows::Restarted("web"),
        ],
        lines: &[
            r#"Syncing service "web" after 1 changes were detected"#,
            r#"service(s) ["web"] restarted"#,
        ],
    },
    Step {
        what: "sync+exec syncs then runs the hook",
        changes: &[Change::Write("hook/h.txt", "h2\n")],
        shows: &[Shows::File("web", "/srv/hooked", "h2\n")],
        lines: &[r#"Syncing service "web" after 1 changes were detected"#],
    },
    Step {
        what: "restart restarts",
        changes: &[Change::Write("restart.txt", "r2\n")],
        shows: &[Shows::Restarted("web")],
        lines: &[r#"service(s) ["web"] restarted"#],
    },
    Step {
        what: "rebuild builds the image and recreates the container",
        changes: &[Change::Write("app/version.txt", "v2\n")],
        shows: &[
            Shows::Recreated("app"),
            Shows::File("app", "/version.txt", "v2\n"),
        ],
        lines: &[
            r#"Rebuilding service(s) ["app"] after changes were detected..."#,
            r#"service(s) ["app"] successfully built"#,
        ],
    },
];

/// A running `watch`: its output, read as it comes.
struct Running {
    child: Child,
    stdout: Arc<Mutex<String>>,
    stderr: Arc<Mutex<String>>,
}

fn reader(pipe: impl Read + Send + 'static) -> Arc<Mutex<String>> {
    let text = Arc::new(Mutex::new(String::new()));
    let into = Arc::clone(&text);
    std::thread::spawn(move || {
        let mut pipe = pipe;
        let mut buf = [0u8; 4096];
        while let Ok(n) = pipe.read(&mut buf) {
            if n == 0 {
                break;
            }
            into.lock()
                .unwrap()
                .push_str(&String::from_utf8_lossy(&buf[..n]));
        }
    });
    text
}

impl Running {
    /// Runs `program` in `p`'s directory, with its pid files (compose's
    /// watch lock) in the project's own run directory.
    fn start(program: &str, args: &[&str], p: &Project) -> Running {
        let mut child = spawn(program, args, p.path(), &run_env(p));
        let stdout = reader(child.stdout.take().unwrap());
        let stderr = reader(child.stderr.take().unwrap());
        Running {
            child,
            stdout,
            stderr,
        }
    }

    fn dump(&self) -> String {
        format!(
            "--- stdout\n{}\n--- stderr\n{}",
            self.stdout.lock().unwrap(),
            self.stderr.lock().unwrap()
        )
    }

    /// The watch logger's lines (the `⦿` mark of `up --watch` dropped),
    /// without the builders' output.
    fn watch_lines(&self) -> Vec<String> {
        self.stdout
            .lock()
            .unwrap()
            .lines()
            .map(|l| l.trim_start().trim_start_matches("⦿ ").to_string())
            .filter(|l| {
                l.starts_with("Watch ")
                    || l.starts_with("Syncing service ")
                    || l.starts_with("Rebuilding service(s) ")
                    || l.starts_with("service(s) ")
            })
            .collect()
    }

    /// Waits until the watch has printed `n` lines.
    fn wait_lines(&mut self, n: usize, what: &str) {
        let ok = wait_until(LIMIT, || {
            self.watch_lines().len() >= n || self.child.try_wait().unwrap().is_some()
        });
        assert!(
            ok && self.watch_lines().len() >= n,
            "{what}: the watch did not print its line\n{}",
            self.dump()
        );
    }

    /// SIGINT, then the exit code.
    fn interrupt(mut self) -> (i32, String) {
        let pid = self.child.id().to_string();
        let _ = std::process::Command::new("kill")
            .args(["-INT", &pid])
            .status();
        let ok = wait_until(LIMIT, || self.child.try_wait().unwrap().is_some());
        if !ok {
            let _ = self.child.kill();
        }
        let dump = self.dump();
        assert!(ok, "the watch did not stop on SIGINT\n{dump}");
        let status = self.child.wait().unwrap();
        (status.code().unwrap_or(-1), dump)
    }
}

/// `XDG_RUNTIME_DIR` inside the project directory (outside the watched
/// paths), where both tools keep the watch's pid file.
fn run_env(p: &Project) -> BTreeMap<String, String> {
    let run = p.path().join(".run");
    std::fs::create_dir_all(&run).unwrap();
    BTreeMap::from([(
        "XDG_RUNTIME_DIR".to_string(),
        run.to_str().unwrap().to_string(),
    )])
}

fn container(p: &Project, service: &str) -> String {
    format!("{}-{service}-1", p.name)
}

fn read_in(p: &Project, service: &str, path: &str) -> Option<String> {
    let out = docker(&["exec", &container(p, service), "cat", path]);
    (out.code == 0).then(|| out.stdout.clone())
}

fn exists_in(p: &Project, service: &str, path: &str) -> bool {
    docker(&["exec", &container(p, service), "ls", "-d", path]).code == 0
}

fn state(p: &Project, service: &str) -> (String, String) {
    let out = docker(&[
        "inspect",
        "-f",
        "{{.Id}} {{.State.StartedAt}}",
        &container(p, service),
    ]);
    let text = out.stdout.trim().to_string();
    let (id, started) = text.split_once(' ').unwrap_or((&text, ""));
    (id.to_string(), started.to_string())
}

fn apply(p: &Project, change: &Change) {
    match change {
        Change::Write(file, text) => {
            let path = p.path().join(file);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        Change::Remove(file) => std::fs::remove_file(p.path().join(file)).unwrap(),
        Change::RemoveTree(dir) => std::fs::remove_dir_all(p.path().join(dir)).unwrap(),
    }
}

/// Runs the table against a running watch of `p`.
fn run_steps(p: &Project, w: &mut Running) {
    let mut expected: Vec<String> = vec!["Watch enabled".into()];
    w.wait_lines(1, "start");
    // `initial_sync`: the files newer than the image are there from the start.
    assert_eq!(
        read_in(p, "web", "/srv/seed/sub/s.txt").as_deref(),
        Some("seeded\n"),
        "initial sync\n{}",
        w.dump()
    );
    assert!(!exists_in(p, "web", "/srv/seed/skip.tmp"), "{}", w.dump());
    for step in STEPS {
        let before: BTreeMap<&str, (String, String)> = ["web", "app"]
            .into_iter()
            .map(|s| (s, state(p, s)))
            .collect();
        for c in step.changes {
            apply(p, c);
        }
        expected.extend(step.lines.iter().map(|l| l.to_string()));
        w.wait_lines(expected.len(), step.what);
        for shows in step.shows {
            let ok = wait_until(LIMIT, || match shows {
                Shows::File(s, path, text) => read_in(p, s, path).as_deref() == Some(*text),
                Shows::Absent(s, path) => !exists_in(p, s, path),
                Shows::Restarted(s) => {
                    let now = state(p, s);
                    now.0 == before[s].0 && now.1 != before[s].1
                }
                Shows::Recreated(s) => state(p, s).0 != before[s].0,
            });
            assert!(
                ok,
                "{}: not shown in the container\n{}",
                step.what,
                w.dump()
            );
        }
        assert_eq!(w.watch_lines(), expected, "{}\n{}", step.what, w.dump());
    }
}

/// Removes the images the rebuilds made.
fn remove_images(p: &Project) {
    let _ = docker(&["rmi", "-f", &format!("{}-app", p.name)]);
    let _ = docker(&[
        "image",
        "prune",
        "-f",
        "--filter",
        &format!("label=com.docker.compose.project={}", p.name),
    ]);
}

#[test]
fn watch_syncs_restarts_execs_and_rebuilds() {
    let Some(p) = e2e_project!("watch", "watch") else {
        return;
    };
    let mut w = Running::start(crate::harness::hoist_bin(), &["-p", &p.name, "watch"], &p);
    run_steps(&p, &mut w);
    let (code, dump) = w.interrupt();
    assert_eq!(code, 130, "{dump}");
    // Watching leaves the services running.
    let cs = p.containers();
    assert_eq!(cs.len(), 2, "{cs:?}");
    assert!(cs.iter().all(|c| c.state == "running"), "{cs:?}\n{dump}");
    remove_images(&p);
}

#[test]
fn the_oracle_meets_the_same_table() {
    let Some(p) = e2e_project!("watch-oracle", "watch") else {
        return;
    };
    let mut w = Running::start("docker", &["compose", "-p", &p.name, "watch"], &p);
    run_steps(&p, &mut w);
    let (code, dump) = w.interrupt();
    assert_eq!(code, 130, "{dump}");
    remove_images(&p);
}

#[test]
fn up_watch_syncs_beside_the_attached_output_and_ctrl_c_stops() {
    let Some(p) = e2e_project!("up-watch", "watch") else {
        return;
    };
    let mut w = Running::start(
        crate::harness::hoist_bin(),
        &["-p", &p.name, "up", "--watch"],
        &p,
    );
    w.wait_lines(1, "start");
    assert!(
        w.stdout
            .lock()
            .unwrap()
            .contains("        ⦿ Watch enabled\n"),
        "{}",
        w.dump()
    );
    apply(&p, &Change::Write("src/a.txt", "up\n"));
    w.wait_lines(2, "sync");
    assert!(
        wait_until(LIMIT, || read_in(&p, "web", "/srv/src/a.txt").as_deref()
            == Some("up\n")),
        "{}",
        w.dump()
    );
    // A rebuild replaces `app`'s container; its output is followed and
    // Ctrl-C stops the new one too.
    let before = state(&p, "app");
    apply(&p, &Change::Write("app/version.txt", "v2\n"));
    w.wait_lines(4, "rebuild");
    assert!(
        wait_until(LIMIT, || w
            .stdout
            .lock()
            .unwrap()
            .contains("app-1 has been recreated\n")),
        "{}",
        w.dump()
    );
    assert_ne!(state(&p, "app").0, before.0, "{}", w.dump());
    let (code, dump) = w.interrupt();
    assert_eq!(code, 130, "{dump}");
    let cs = p.containers();
    assert_eq!(cs.len(), 2, "{cs:?}\n{dump}");
    assert!(cs.iter().all(|c| c.state == "exited"), "{cs:?}\n{dump}");
    remove_images(&p);
}

#[test]
fn watch_refuses_what_compose_refuses() {
    let Some(p) = e2e_project!("watch-refuse", "watch") else {
        return;
    };
    // A rebuild rule needs a build section.
    p.edit(
        "    build: ./app\n",
        "    image: hoist-test/busybox:latest\n",
    );
    let out = finish(
        spawn(
            crate::harness::hoist_bin(),
            &["-p", &p.name, "watch", "--no-up"],
            p.path(),
            &run_env(&p),
        ),
        "hoist watch --no-up".into(),
    );
    assert_eq!(out.code, 1, "{}", out.dump());
    assert!(
        out.stderr
            .contains(r#"can't watch service "app" with action rebuild without a build context"#),
        "{}",
        out.dump()
    );
    let out = p.hoist(&["up", "--watch", "-d"]);
    assert_eq!(out.code, 1, "{}", out.dump());
    assert!(out.stderr.contains("--watch"), "{}", out.dump());
}

#[test]
fn dry_run_watch_writes_nothing() {
    let Some(p) = e2e_project!("watch-dry", "watch") else {
        return;
    };
    p.hoist(&["up", "-d", "web"]).ok();
    let before = state(&p, "web");
    let mut w = Running::start(
        crate::harness::hoist_bin(),
        &["--dry-run", "-p", &p.name, "watch", "web"],
        &p,
    );
    w.wait_lines(1, "start");
    apply(&p, &Change::Write("src/a.txt", "dry\n"));
    w.wait_lines(2, "sync");
    let (code, dump) = w.interrupt();
    assert_eq!(code, 130, "{dump}");
    // Neither the initial sync nor the change reached the container.
    assert!(!exists_in(&p, "web", "/srv/seed"), "{dump}");
    assert!(!exists_in(&p, "web", "/srv/src"), "{dump}");
    assert_eq!(state(&p, "web"), before, "{dump}");
    assert_eq!(p.containers().len(), 1, "{dump}");
}

#[test]
fn one_watch_per_project_whichever_tool() {
    let Some(p) = e2e_project!("watch-lock", "watch") else {
        return;
    };
    let env = run_env(&p);
    let mut first = spawn(
        crate::harness::hoist_bin(),
        &["-p", &p.name, "watch", "--no-up", "app"],
        p.path(),
        &env,
    );
    let stdout = reader(first.stdout.take().unwrap());
    let stderr = reader(first.stderr.take().unwrap());
    let pid_file = p.path().join(".run").join(format!("{}.pid", p.name));
    assert!(
        wait_until(LIMIT, || stdout.lock().unwrap().contains("Watch enabled")),
        "the first watch did not start: {}",
        stderr.lock().unwrap()
    );
    assert_eq!(
        std::fs::read_to_string(&pid_file).unwrap(),
        first.id().to_string()
    );
    let locked = format!(
        "cannot take exclusive lock for project {:?}: process with PID {} is still running",
        p.name,
        first.id()
    );
    for (program, args) in [
        (
            crate::harness::hoist_bin(),
            vec!["-p", &p.name, "watch", "--no-up", "app"],
        ),
        (
            "docker",
            vec!["compose", "-p", &p.name, "watch", "--no-up", "app"],
        ),
    ] {
        let out = finish(spawn(program, &args, p.path(), &env), program.to_string());
        assert_eq!(out.code, 1, "{}", out.dump());
        assert!(out.stderr.contains(&locked), "{}", out.dump());
    }
    let _ = std::process::Command::new("kill")
        .args(["-INT", &first.id().to_string()])
        .status();
    assert!(wait_until(LIMIT, || first.try_wait().unwrap().is_some()));
    assert_eq!(first.wait().unwrap().code(), Some(130));
    // Once it has gone, the next one takes the lock.
    let mut again = Running::start(
        crate::harness::hoist_bin(),
        &["-p", &p.name, "watch", "--no-up", "app"],
        &p,
    );
    again.wait_lines(1, "again");
    let (code, dump) = again.interrupt();
    assert_eq!(code, 130, "{dump}");
}
