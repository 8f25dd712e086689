//! Shared setup for the end-to-end tests: one isolated compose project per
//! test (a temp copy of `fixtures/e2e/<case>/`), command runners for `hoist`
//! and the oracle (`docker compose`), and a drop guard that removes everything
//! the test created, by label. The test image, the skip-or-fail rule and
//! [`Out`] come from `test_support`.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub use test_support::{repo_root, Out, IMAGE};
/// Upper bound for any one command: a hung command fails the test instead of
/// hanging the suite.
const COMMAND_LIMIT: Duration = Duration::from_secs(120);

pub fn hoist_bin() -> &'static str {
    env!("CARGO_BIN_EXE_hoist")
}

/// Waits for `child` with [`COMMAND_LIMIT`], collecting its output.
pub fn finish(child: Child, what: String) -> Out {
    test_support::wait_for(child, what, Some(COMMAND_LIMIT)).unwrap_or_else(|e| panic!("{e}"))
}

pub fn run(program: &str, args: &[&str], dir: &Path, env: &BTreeMap<String, String>) -> Out {
    let child = spawn(program, args, dir, env);
    finish(child, format!("{program} {}", args.join(" ")))
}

pub fn spawn(program: &str, args: &[&str], dir: &Path, env: &BTreeMap<String, String>) -> Child {
    spawn_with(program, args, dir, env, Stdio::null())
}

/// Like [`spawn`], reading `stdin` (a file, for `cp -`).
pub fn spawn_with(
    program: &str,
    args: &[&str],
    dir: &Path,
    env: &BTreeMap<String, String>,
    stdin: Stdio,
) -> Child {
    let mut cmd = Command::new(program);
    cmd.args(args)
        .current_dir(dir)
        .stdin(stdin)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for k in [
        "COMPOSE_FILE",
        "COMPOSE_PROJECT_NAME",
        "COMPOSE_PROFILES",
        "COMPOSE_REMOVE_ORPHANS",
    ] {
        cmd.env_remove(k);
    }
    cmd.env("NO_COLOR", "1").env("COMPOSE_ANSI", "never");
    cmd.envs(env);
    cmd.spawn()
        .unwrap_or_else(|e| panic!("cannot run {program}: {e}"))
}

/// `docker ARGS` (no project context).
pub fn docker(args: &[&str]) -> Out {
    run("docker", args, Path::new("/"), &BTreeMap::new())
}

/// True when the engine answers and the test image exists; otherwise prints a
/// skip message (or panics under `HOIST_REQUIRE_DOCKER=1`).
pub fn available(case: &str) -> bool {
    test_support::engine_ready(&format!("e2e {case}"))
}

/// One container of a project, as `docker ps -a` sees it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Ctr {
    pub service: String,
    pub number: u32,
    pub name: String,
    pub id: String,
    pub state: String,
}

/// An isolated compose project: its directory (a copy of the fixture), its
/// name, extra environment, and what to remove besides the project's labels.
pub struct Project {
    pub name: String,
    pub dir: tempfile::TempDir,
    pub env: BTreeMap<String, String>,
    extra_containers: Mutex<Vec<String>>,
    extra_networks: Mutex<Vec<String>>,
    extra_volumes: Mutex<Vec<String>>,
    other_projects: Mutex<Vec<String>>,
}

/// A project for `case` from `fixtures/e2e/<fixture>/`, or `None` (skip) when
/// no engine is reachable.
pub fn project(case: &str, fixture: &str) -> Option<Project> {
    if !available(case) {
        return None;
    }
    let name = format!("e2e-{case}-{}", std::process::id());
    let dir = tempfile::Builder::new()
        .prefix(&format!("hoist-e2e-{case}-"))
        .tempdir()
        .unwrap();
    let src = repo_root().join("fixtures/e2e").join(fixture);
    copy_dir(&src, dir.path());
    let p = Project {
        name,
        dir,
        env: BTreeMap::new(),
        extra_containers: Mutex::new(Vec::new()),
        extra_networks: Mutex::new(Vec::new()),
        extra_volumes: Mutex::new(Vec::new()),
        other_projects: Mutex::new(Vec::new()),
    };
    p.cleanup(); // leftovers of an earlier, killed run with the same pid
    Some(p)
}

fn copy_dir(src: &Path, dst: &Path) {
    let entries =
        std::fs::read_dir(src).unwrap_or_else(|e| panic!("fixture {}: {e}", src.display()));
    for e in entries {
        let e = e.unwrap();
        let to = dst.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&to).unwrap();
            copy_dir(&e.path(), &to);
        } else {
            std::fs::copy(e.path(), &to).unwrap();
        }
    }
}

impl Project {
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// `hoist -p NAME ARGS` in the project directory.
    pub fn hoist(&self, args: &[&str]) -> Out {
        self.hoist_as(&self.name, args)
    }

    pub fn hoist_as(&self, name: &str, args: &[&str]) -> Out {
        let mut a = vec!["-p", name];
        a.extend_from_slice(args);
        run(hoist_bin(), &a, self.path(), &self.env)
    }

    /// `docker compose -p NAME ARGS` (the oracle) in the project directory.
    pub fn compose(&self, args: &[&str]) -> Out {
        self.compose_as(&self.name, args)
    }

    pub fn compose_as(&self, name: &str, args: &[&str]) -> Out {
        if name != self.name {
            self.also_clean_project(name);
        }
        let mut a = vec!["compose", "-p", name];
        a.extend_from_slice(args);
        run("docker", &a, self.path(), &self.env)
    }

    pub fn spawn_hoist(&self, args: &[&str]) -> Child {
        let mut a = vec!["-p", self.name.as_str()];
        a.extend_from_slice(args);
        spawn(hoist_bin(), &a, self.path(), &self.env)
    }

    /// Writes (or overwrites) a file in the project directory.
    pub fn write(&self, file: &str, text: &str) {
        std::fs::write(self.path().join(file), text).unwrap();
    }

    /// Replaces `from` by `to` in `compose.yaml`.
    pub fn edit(&self, from: &str, to: &str) {
        let f = self.path().join("compose.yaml");
        let text = std::fs::read_to_string(&f).unwrap();
        assert!(text.contains(from), "compose.yaml has no {from:?}");
        std::fs::write(f, text.replace(from, to)).unwrap();
    }

    pub fn set_env(&mut self, k: &str, v: &str) {
        self.env.insert(k.to_string(), v.to_string());
    }

    pub fn label_filter(&self) -> String {
        format!("label=com.docker.compose.project={}", self.name)
    }

    /// Every container of the project (stopped too), sorted by service and number.
    pub fn containers(&self) -> Vec<Ctr> {
        containers_of(&self.name)
    }

    /// Container count per service.
    pub fn counts(&self) -> BTreeMap<String, usize> {
        let mut m = BTreeMap::new();
        for c in self.containers() {
            *m.entry(c.service).or_insert(0) += 1;
        }
        m
    }

    pub fn ids(&self) -> BTreeMap<String, String> {
        self.containers()
            .into_iter()
            .map(|c| (c.name, c.id))
            .collect()
    }

    pub fn networks(&self) -> Vec<String> {
        self.names("network")
    }

    pub fn volumes(&self) -> Vec<String> {
        self.names("volume")
    }

    /// The names `docker <kind> ls` lists with the project's label.
    fn names(&self, kind: &str) -> Vec<String> {
        let filter = self.label_filter();
        lines(
            &docker(&[kind, "ls", "--filter", &filter, "--format", "{{.Name}}"])
                .ok()
                .stdout,
        )
    }

    /// `docker inspect` of one object as JSON.
    pub fn inspect(&self, what: &str) -> serde_json::Value {
        inspect(what)
    }

    pub fn track_container(&self, name: &str) {
        self.extra_containers.lock().unwrap().push(name.to_string());
    }
    pub fn track_network(&self, name: &str) {
        self.extra_networks.lock().unwrap().push(name.to_string());
    }
    pub fn track_volume(&self, name: &str) {
        self.extra_volumes.lock().unwrap().push(name.to_string());
    }
    pub fn also_clean_project(&self, name: &str) {
        let mut o = self.other_projects.lock().unwrap();
        if !o.iter().any(|n| n == name) {
            o.push(name.to_string());
        }
    }

    fn cleanup(&self) {
        let mut names = vec![self.name.clone()];
        names.extend(self.other_projects.lock().unwrap().iter().cloned());
        for c in self.extra_containers.lock().unwrap().iter() {
            let _ = docker(&["rm", "-f", "-v", c]);
        }
        for n in &names {
            clean_project(n);
        }
        for n in self.extra_networks.lock().unwrap().iter() {
            let _ = docker(&["network", "rm", n]);
        }
        for v in self.extra_volumes.lock().unwrap().iter() {
            let _ = docker(&["volume", "rm", "-f", v]);
        }
    }
}

impl Drop for Project {
    fn drop(&mut self) {
        self.cleanup();
    }
}

/// `docker compose -p NAME down -v --remove-orphans -t 0` from an empty
/// directory, then whatever still carries the project label.
pub fn clean_project(name: &str) {
    let empty = tempfile::tempdir().unwrap();
    let _ = run(
        "docker",
        &[
            "compose",
            "-p",
            name,
            "down",
            "-v",
            "--remove-orphans",
            "-t",
            "0",
        ],
        empty.path(),
        &BTreeMap::new(),
    );
    let filter = format!("label=com.docker.compose.project={name}");
    let ids = lines(&docker(&["ps", "-aq", "--filter", &filter]).stdout);
    if !ids.is_empty() {
        let mut a = vec!["rm", "-f", "-v"];
        a.extend(ids.iter().map(String::as_str));
        let _ = docker(&a);
    }
    for (kind, fmt) in [("network", "{{.Name}}"), ("volume", "{{.Name}}")] {
        let names = lines(&docker(&[kind, "ls", "--filter", &filter, "--format", fmt]).stdout);
        for n in names {
            let _ = docker(&[kind, "rm", &n]);
        }
    }
}

pub fn containers_of(project: &str) -> Vec<Ctr> {
    let filter = format!("label=com.docker.compose.project={project}");
    let out = docker(&[
        "ps",
        "-a",
        "--no-trunc",
        "--filter",
        &filter,
        "--format",
        "{{.ID}}\t{{.Names}}\t{{.State}}\t{{.Label \"com.docker.compose.service\"}}\t{{.Label \"com.docker.compose.container-number\"}}",
    ]);
    out.ok();
    let mut v: Vec<Ctr> = lines(&out.stdout)
        .into_iter()
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            Ctr {
                id: f[0].to_string(),
                name: f[1].to_string(),
                state: f[2].to_string(),
                service: f[3].to_string(),
                // `run` containers have no number (the trailing tab is trimmed)
                number: f.get(4).and_then(|n| n.parse().ok()).unwrap_or(0),
            }
        })
        .collect();
    v.sort();
    v
}

pub fn inspect(what: &str) -> serde_json::Value {
    let out = docker(&["inspect", what]);
    out.ok();
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    v[0].clone()
}

pub fn lines(s: &str) -> Vec<String> {
    s.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(String::from)
        .collect()
}

/// Polls `cond` (every 50 ms, up to `limit`): for waiting on an event, never
/// for measuring time.
pub fn wait_until(limit: Duration, mut cond: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + limit;
    while Instant::now() < deadline {
        if cond() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    cond()
}

/// Asserts that `haystack` contains every needle (case-insensitive).
#[track_caller]
pub fn assert_mentions(out: &Out, needles: &[&str]) {
    let all = out.all().to_lowercase();
    for n in needles {
        assert!(
            all.contains(&n.to_lowercase()),
            "`{}` should mention {n:?}:\n{}",
            out.what,
            out.dump()
        );
    }
}

/// `let Some(p) = e2e_project!("case", "fixture") else { return };`
#[macro_export]
macro_rules! e2e_project {
    ($case:expr, $fixture:expr) => {
        $crate::harness::project($case, $fixture)
    };
}
