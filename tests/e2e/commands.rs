//! `ls`, `images`, `volumes`, `stats`, `events`, `wait`, `commit`, `export`
//! and `version` side by side with `docker compose` on the same project:
//! each case run by both tools, stdout, stderr and exit codes compared after
//! normalising what legitimately differs between two runs (Go's random map
//! order, live resource numbers, image ids); and `logs -f` picking up
//! containers started after it began.

use std::io::{BufRead, BufReader};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::e2e_project;
use crate::harness::{docker, wait_until, Out, Project};

/// How a case's output is made comparable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Norm {
    /// As printed.
    Exact,
    /// Lines sorted (the order comes from a Go map or from concurrent work).
    Sorted,
    /// One JSON array (or `null`): its items sorted.
    JsonArray,
    /// JSON lines, the `Labels` text of each (a Go map, joined) sorted.
    VolumeJson,
    /// A stats table: the first two columns kept, the numbers masked.
    StatsTable,
    /// Event lines: the attributes in parentheses (a Go map) sorted.
    Events,
    /// Image ids (`sha256:...`) masked.
    Ids,
}

#[derive(Debug, PartialEq, Eq)]
struct Printed {
    code: i32,
    stdout: String,
    stderr: String,
}

fn normalise(out: &Out, norm: Norm) -> Printed {
    let stdout = match norm {
        Norm::Exact => out.stdout.clone(),
        Norm::Sorted => {
            let mut l: Vec<&str> = out.stdout.lines().collect();
            l.sort_unstable();
            l.join("\n")
        }
        Norm::JsonArray => match serde_json::from_str::<serde_json::Value>(out.stdout.trim()) {
            Ok(serde_json::Value::Array(mut items)) => {
                items.sort_by_key(|i| i.to_string());
                format!(
                    "{items:?} blank-line-after={}",
                    out.stdout.ends_with("\n\n")
                )
            }
            _ => out.stdout.clone(),
        },
        Norm::VolumeJson => out
            .stdout
            .lines()
            .map(|l| {
                let mut v: serde_json::Value = serde_json::from_str(l).unwrap_or_default();
                if let Some(labels) = v["Labels"].as_str() {
                    let mut parts: Vec<&str> = labels.split(',').collect();
                    parts.sort_unstable();
                    v["Labels"] = parts.join(",").into();
                }
                format!("{v}\n")
            })
            .collect(),
        Norm::StatsTable => out
            .stdout
            .lines()
            .map(|l| {
                let cells: Vec<&str> = l.split("   ").filter(|c| !c.trim().is_empty()).collect();
                let head: Vec<&str> = cells.iter().take(2).map(|c| c.trim()).collect();
                format!(
                    "{} +{} cells\n",
                    head.join(" | "),
                    cells.len().saturating_sub(2)
                )
            })
            .collect(),
        Norm::Events => out
            .stdout
            .lines()
            .map(|l| match (l.find(" ("), l.rfind(')')) {
                (Some(a), Some(b)) if b > a => {
                    let mut attrs: Vec<&str> = l[a + 2..b].split(", ").collect();
                    attrs.sort_unstable();
                    format!("{} ({})\n", &l[..a], attrs.join(", "))
                }
                _ => format!("{l}\n"),
            })
            .collect(),
        Norm::Ids => mask_ids(&out.stdout),
    };
    let stderr = match norm {
        Norm::Ids => mask_ids(&out.stderr),
        _ => out.stderr.clone(),
    };
    Printed {
        code: out.code,
        stdout,
        stderr,
    }
}

fn mask_ids(s: &str) -> String {
    let re = regex::Regex::new("sha256:[0-9a-f]{64}").unwrap();
    re.replace_all(s, "sha256:ID").into_owned()
}

/// Runs `args` with both tools; asserts the same normalised output and that
/// the run succeeded or failed as `ok` says.
#[track_caller]
fn same(p: &Project, args: &[&str], norm: Norm, ok: bool) -> Printed {
    let want = normalise(&p.compose(args), norm);
    let got = normalise(&p.hoist(args), norm);
    assert_eq!(
        got,
        want,
        "`{}`: hoist (left) and docker compose (right) differ",
        args.join(" ")
    );
    assert_eq!(got.code == 0, ok, "`{}`: {got:#?}", args.join(" "));
    got
}

fn up(p: &Project) {
    p.hoist(&["up", "-d"]).ok();
}

#[test]
fn listings_match_compose() {
    let Some(p) = e2e_project!("cmds-list", "cmds") else {
        return;
    };
    up(&p);
    let name = format!("name={}", p.name);
    let exact = format!("name=^{}$", p.name);
    use Norm::*;
    let cases: &[(&[&str], Norm, bool)] = &[
        (&["ls", "--filter", &name], Exact, true),
        (
            &["ls", "-a", "--filter", &name, "--format", "json"],
            Exact,
            true,
        ),
        (&["ls", "-q", "--filter", &exact], Exact, true),
        (
            &[
                "ls",
                "--filter",
                "name=^nothing-like-this$",
                "--format",
                "json",
            ],
            Exact,
            true,
        ),
        (&["ls", "--filter", "foo=bar"], Exact, false),
        (&["ls", "--filter", "foo"], Exact, false),
        (&["ls", "--format", "xx"], Exact, false),
        (&["images"], Exact, true),
        (&["images", "web"], Exact, true),
        (&["images", "-q"], Exact, true),
        (&["images", "--format", "json"], JsonArray, true),
        (&["images", "nosuch", "--format", "json"], Exact, true),
        (&["images", "--format", "xx"], Exact, false),
        (&["volumes"], Exact, true),
        (&["volumes", "web"], Exact, true),
        (&["volumes", "other"], Exact, true),
        (&["volumes", "-q"], Exact, true),
        (&["volumes", "--format", "json"], VolumeJson, true),
        (
            &["volumes", "--format", "{{.Name}} {{.Driver}} {{.Scope}}"],
            Exact,
            true,
        ),
        (
            &["volumes", "--format", "table {{.Name}}\\t{{.Mountpoint}}"],
            Exact,
            true,
        ),
        // from labels (`-p` without `-f`) any name goes; with the file it must exist
        (&["volumes", "nosuch"], Exact, true),
        (&["-f", "compose.yaml", "volumes", "nosuch"], Exact, false),
        (&["-f", "compose.yaml", "volumes", "web"], Exact, true),
        (&["stats", "--no-stream"], StatsTable, true),
        (&["stats", "--no-stream", "web"], StatsTable, true),
        (
            &[
                "stats",
                "--no-stream",
                "--format",
                "{{.Name}} {{.ID}} {{.PIDs}}",
            ],
            Sorted,
            true,
        ),
        (
            &[
                "stats",
                "--no-stream",
                "--no-trunc",
                "--format",
                "table {{.Container}}\\t{{.Name}}",
            ],
            Sorted,
            true,
        ),
        (&["stats", "--no-stream", "-a", "nosuch"], Exact, true),
    ];
    for (args, norm, ok) in cases {
        same(&p, args, *norm, *ok);
    }
    // Two facts beyond the comparison: `ls` saw the project, `stats` its containers.
    let ls = p
        .hoist(&["ls", "-q", "--filter", &exact])
        .ok()
        .stdout
        .clone();
    assert_eq!(ls, format!("{}\n", p.name));
    let stats = p.hoist(&["stats", "--no-stream", "--format", "{{.Name}}"]);
    assert_eq!(stats.ok().stdout.lines().count(), 3, "{}", stats.dump());
}

#[test]
fn version_short_and_json() {
    let Some(p) = e2e_project!("cmds-version", "cmds") else {
        return;
    };
    let v = env!("CARGO_PKG_VERSION");
    assert_eq!(
        p.hoist(&["version", "--short"]).ok().stdout,
        format!("{v}\n")
    );
    for args in [
        &["version", "--format", "json"][..],
        &["version", "-f", "json"],
    ] {
        let out = p.hoist(args);
        assert_eq!(out.ok().stdout, format!("{{\"version\":\"v{v}\"}}\n"));
    }
    // the reference's shapes, whatever its number
    let short = p.compose(&["version", "--short"]).ok().stdout.clone();
    assert!(
        !short.starts_with('v') && short.ends_with('\n'),
        "{short:?}"
    );
    let json = p.compose(&["version", "-f", "json"]).ok().stdout.clone();
    assert!(json.starts_with("{\"version\":\"v"), "{json:?}");
}

/// Images this test creates, removed on drop.
struct Images(Vec<String>);

impl Drop for Images {
    fn drop(&mut self) {
        for i in &self.0 {
            let _ = docker(&["rmi", "-f", i]);
        }
    }
}

#[test]
fn commit_and_export_match_compose() {
    let Some(p) = e2e_project!("cmds-commit", "cmds") else {
        return;
    };
    up(&p);
    let images = Images(vec![
        format!("{}-img:hoist", p.name),
        format!("{}-img:compose", p.name),
    ]);
    // the same commit by each tool: same progress lines, same image metadata
    for (tool, image) in [("hoist", &images.0[0]), ("compose", &images.0[1])] {
        let args = [
            "commit",
            "-m",
            "a message",
            "-a",
            "someone",
            "-c",
            "ENV A=b",
            "-c",
            "LABEL x=y",
            "--index",
            "2",
            "web",
            image,
        ];
        let out = if tool == "hoist" {
            p.hoist(&args)
        } else {
            p.compose(&args)
        };
        out.ok();
    }
    let meta = |image: &str| {
        let v = p.inspect(image);
        (
            v["Comment"].clone(),
            v["Author"].clone(),
            v["Config"]["Env"].clone(),
            v["Config"]["Labels"].clone(),
        )
    };
    assert_eq!(meta(&images.0[0]), meta(&images.0[1]));
    assert_eq!(meta(&images.0[0]).0, "a message");
    let dry_image = format!("{}-img:dry", p.name);
    use Norm::*;
    let cases: &[(&[&str], Norm, bool)] = &[
        (&["--dry-run", "commit", "web", &dry_image], Exact, true),
        (&["commit", "nosuch"], Exact, false),
        (&["commit", "--index", "5", "web"], Exact, false),
        (
            &["export", "web", "-o", "/nonexistent-dir/x.tar"],
            Exact,
            false,
        ),
        (&["export", "nosuch"], Exact, false),
        (&["export", "--index", "5", "web"], Exact, false),
        (
            &["--dry-run", "export", "web", "-o", "dry.tar"],
            Exact,
            true,
        ),
    ];
    for (args, norm, ok) in cases {
        same(&p, args, *norm, *ok);
    }
    // `-p=false` (not `--project-name`): the same lines, the image ids masked
    let (h, c) = (format!("{}-img:h2", p.name), format!("{}-img:c2", p.name));
    let mut images = images;
    images.0.extend([h.clone(), c.clone()]);
    let got = normalise(&p.hoist(&["commit", "-p=false", "other", &h]), Ids);
    let want = normalise(&p.compose(&["commit", "-p=false", "other", &c]), Ids);
    assert_eq!(got, want);
    assert!(got.stderr.contains("Committed as sha256:ID"), "{got:#?}");
    assert!(
        docker(&["image", "inspect", &dry_image]).code != 0,
        "a dry run committed"
    );
    assert!(!p.path().join("dry.tar").exists(), "a dry run exported");
    // the same archive, to a file and to stdout
    same(
        &p,
        &["export", "--index", "2", "web", "-o", "compose.tar"],
        Exact,
        true,
    );
    std::fs::rename(p.path().join("compose.tar"), p.path().join("want.tar")).unwrap();
    p.hoist(&["export", "--index", "2", "web", "-o", "compose.tar"])
        .ok();
    let want = std::fs::read(p.path().join("want.tar")).unwrap();
    let got = std::fs::read(p.path().join("compose.tar")).unwrap();
    assert!(want.len() > 100_000 && got == want, "the archives differ");
    let piped = p.hoist(&["export", "--index", "2", "web"]);
    assert_eq!(
        piped.ok().stdout.len(),
        String::from_utf8_lossy(&want).len()
    );
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(p.path().join("compose.tar"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
}

#[test]
fn wait_matches_compose() {
    let Some(p) = e2e_project!("cmds-wait", "cmds") else {
        return;
    };
    p.hoist(&["--profile", "quit", "up", "-d", "quits"]).ok();
    let id = p.ids()[&format!("{}-quits-1", p.name)].clone();
    let done = format!("container \"{id}\" exited with status code 3\n");
    let got = p.hoist(&["wait", "quits"]);
    assert_eq!(
        (got.code, got.stdout.as_str()),
        (3, done.as_str()),
        "{}",
        got.dump()
    );
    p.hoist(&["start", "quits"]).ok();
    let want = p.compose(&["wait", "quits"]);
    assert_eq!(
        (want.code, want.stdout.as_str()),
        (3, done.as_str()),
        "{}",
        want.dump()
    );
    // nothing running: the same error
    same(&p, &["wait", "quits"], Norm::Exact, false);
    same(&p, &["wait", "nosuch"], Norm::Exact, false);
    // --down-project: the project is gone once the container stopped
    p.hoist(&["start", "quits"]).ok();
    let out = p.hoist(&["wait", "--down-project", "quits"]);
    assert_eq!(out.code, 3, "{}", out.dump());
    assert!(p.containers().is_empty(), "{:?}", p.containers());
}

#[test]
fn events_match_compose() {
    let Some(p) = e2e_project!("cmds-events", "cmds") else {
        return;
    };
    up(&p);
    let since = engine_now();
    p.hoist(&["restart", "other"]).ok();
    p.hoist(&["stop", "web"]).ok();
    let until = engine_now() + 1;
    let (since, until) = (since.to_string(), until.to_string());
    let window = ["--since", since.as_str(), "--until", until.as_str()];
    let run = |extra: &[&str], json: bool| {
        let mut a = vec!["events"];
        if json {
            a.push("--json");
        }
        a.extend_from_slice(&window);
        a.extend_from_slice(extra);
        a.into_iter().map(String::from).collect::<Vec<_>>()
    };
    for json in [false, true] {
        for extra in [&[][..], &["other"], &["web", "other"], &["nosuch"]] {
            let args = run(extra, json);
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let norm = if json { Norm::Exact } else { Norm::Events };
            // `--until` ends the stream, which compose reports as `EOF` (exit 1)
            let got = same(&p, &args, norm, false);
            assert_eq!(got.stderr, "EOF\n");
            if extra.is_empty() {
                for action in ["kill", "die", "stop", "start", "restart"] {
                    assert!(got.stdout.contains(action), "{action}: {got:#?}");
                }
            }
        }
    }
}

/// The engine's clock, in Unix seconds (its events are stamped with it).
fn engine_now() -> i64 {
    let out = docker(&["info", "--format", "{{.SystemTime}}"]);
    let t = out.ok().stdout.trim().to_string();
    compose_engine::report::rfc3339_secs(&t).unwrap_or_else(|| panic!("engine time {t:?}"))
}

/// A running `logs -f`, its lines collected as they come.
struct Follower {
    child: std::process::Child,
    lines: Arc<Mutex<Vec<String>>>,
}

impl Follower {
    fn start(p: &Project, args: &[&str]) -> Follower {
        let mut child = p.spawn_hoist(args);
        let stdout = child.stdout.take().unwrap();
        let lines = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&lines);
        std::thread::spawn(move || {
            for l in BufReader::new(stdout).lines().map_while(Result::ok) {
                sink.lock().unwrap().push(l);
            }
        });
        Follower { child, lines }
    }

    fn count(&self, line: &str) -> usize {
        self.lines
            .lock()
            .unwrap()
            .iter()
            .filter(|l| *l == line)
            .count()
    }

    #[track_caller]
    fn wait_for(&self, line: &str, n: usize) {
        assert!(
            wait_until(Duration::from_secs(30), || self.count(line) >= n),
            "`logs -f` did not print {line:?} {n} time(s): {:#?}",
            self.lines.lock().unwrap()
        );
    }
}

impl Drop for Follower {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn logs_follow_picks_up_containers_started_later() {
    let Some(p) = e2e_project!("cmds-follow", "cmds") else {
        return;
    };
    p.hoist(&["up", "-d", "other"]).ok();
    let talk = |args: &[&str]| {
        let mut a = vec!["--profile", "talk"];
        a.extend_from_slice(args);
        p.hoist(&a).ok();
    };
    let f = Follower::start(&p, &["--profile", "talk", "logs", "-f", "--no-color"]);
    // `logs -f` has listed the containers once it shows their output
    f.wait_for("other-1  | other ready", 1);
    // created after `logs -f` began
    talk(&["up", "-d", "talker"]);
    f.wait_for("talker-1  | talker run 1", 1);
    // restarted: its new output is followed
    talk(&["restart", "talker"]);
    f.wait_for("talker-1  | talker run 2", 1);
    // a new replica
    talk(&["up", "-d", "--scale", "talker=2", "talker"]);
    f.wait_for("talker-2  | talker run 1", 1);
    // stopped (its stream ends), then started again
    talk(&["stop", "talker"]);
    talk(&["start", "talker"]);
    f.wait_for("talker-1  | talker run 3", 1);
    f.wait_for("talker-2  | talker run 2", 1);
    // only the services named
    let g = Follower::start(
        &p,
        &["--profile", "talk", "logs", "-f", "--no-color", "other"],
    );
    g.wait_for("other-1  | other ready", 1);
    talk(&["restart", "talker"]);
    p.hoist(&["restart", "other"]).ok();
    f.wait_for("talker-1  | talker run 4", 1);
    g.wait_for("other-1  | other ready", 2);
    f.wait_for("other-1  | other ready", 2);
    let seen = g.lines.lock().unwrap().clone();
    assert!(!seen.iter().any(|l| l.contains("talker")), "{seen:#?}");
    // each run's line once: a restart does not replay the output before it
    let all = f.lines.lock().unwrap().clone();
    for line in [
        "talker-1  | talker run 1",
        "talker-1  | talker run 2",
        "talker-1  | talker run 3",
        "talker-1  | talker run 4",
        "talker-2  | talker run 1",
        "talker-2  | talker run 2",
        "talker-2  | talker run 3",
    ] {
        let n = all.iter().filter(|l| *l == line).count();
        assert_eq!(n, 1, "{line}: {all:#?}");
    }
    let ready = all
        .iter()
        .filter(|l| *l == "other-1  | other ready")
        .count();
    assert_eq!(ready, 2, "started, then restarted: {all:#?}");
}

/// A running `stats` (hoist's or compose's), its raw output collected as it comes.
struct Screen {
    child: std::process::Child,
    bytes: Arc<Mutex<Vec<u8>>>,
}

impl Screen {
    fn start(mut child: std::process::Child) -> Screen {
        let mut stdout = child.stdout.take().unwrap();
        let bytes = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&bytes);
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = std::io::Read::read(&mut stdout, &mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock().unwrap().extend_from_slice(&buf[..n]);
            }
        });
        Screen { child, bytes }
    }

    /// The complete frames so far (each ends with erase-below).
    fn frames(&self) -> Vec<String> {
        let text = String::from_utf8_lossy(&self.bytes.lock().unwrap()).into_owned();
        let mut frames: Vec<String> = text.split_inclusive("\x1b[J").map(String::from).collect();
        if frames.last().is_some_and(|f| !f.ends_with("\x1b[J")) {
            frames.pop();
        }
        frames
    }

    /// The first frame `pred` holds for.
    #[track_caller]
    fn frame_where(&self, what: &str, pred: impl Fn(&str) -> bool) -> String {
        let mut found = None;
        let ok = wait_until(Duration::from_secs(30), || {
            found = self.frames().into_iter().find(|f| pred(f));
            found.is_some()
        });
        assert!(ok, "no frame {what}: {:?}", self.frames().last());
        found.unwrap()
    }
}

impl Drop for Screen {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn stats_streams_as_compose_and_follows_containers() {
    let Some(p) = e2e_project!("cmds-stats", "cmds") else {
        return;
    };
    up(&p);
    let row = |service: &str, n: u32| format!("{}-{service}-{n} \x1b[K\n", p.name);
    let args = ["-p", p.name.as_str(), "stats", "--format", "{{.Name}}"];
    let hoist = Screen::start(crate::harness::spawn(
        crate::harness::hoist_bin(),
        &args,
        p.path(),
        &p.env,
    ));
    let mut compose_args = vec!["compose"];
    compose_args.extend_from_slice(&args);
    let compose = Screen::start(crate::harness::spawn(
        "docker",
        &compose_args,
        p.path(),
        &p.env,
    ));
    let all_three = |f: &str| {
        f.contains(&row("web", 1)) && f.contains(&row("web", 2)) && f.contains(&row("other", 1))
    };
    // the same screen: home, the lines, home again, each line erased to its end, erase below
    let want = compose.frame_where("with the three containers", all_three);
    let got = hoist.frame_where("with the three containers", all_three);
    assert_eq!(got, want);
    assert!(
        got.starts_with("\x1b[H") && got.ends_with(" \x1b[K\n\x1b[J"),
        "{got:?}"
    );
    drop(compose);
    // a container started later appears, a stopped one goes
    p.hoist(&["up", "-d", "--scale", "web=3"]).ok();
    hoist.frame_where("with web-3", |f| f.contains(&row("web", 3)));
    p.hoist(&["stop", "other"]).ok();
    let before = hoist.frames().len();
    hoist.frame_where("without other-1", |f| {
        !f.contains(&row("other", 1)) && f.contains(&row("web", 3))
    });
    assert!(hoist.frames().len() > before);
}
