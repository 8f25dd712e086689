//! The progress display as compose shows it: the live display in a real
//! terminal (a tmux pane of fixed size) for `up -d` and `down`, captured and
//! compared with `docker compose` doing the same in the same pane and with the
//! expected shape (`fixtures/e2e/progress/expected-*.txt`); colours as
//! compose's, none under `NO_COLOR` (the display still live) and no escape
//! codes at all under `--ansi never` (plain lines); `--progress json` lines
//! parsed and compared with compose's events; `COMPOSE_PROGRESS` and the
//! flag's precedence.

use std::collections::BTreeMap;

use crate::e2e_project;
use crate::harness::{hoist_bin, repo_root, Project};
use crate::pane::Pane;

/// Elapsed times at the end of a line (`0.4s`, `12.3s`) made `T.Ts`,
/// padded on the left so that the line keeps its width.
fn times(s: &str) -> String {
    s.lines()
        .map(|l| {
            let t = l.trim_end();
            let Some(at) = t.rfind(' ') else {
                return l.to_string();
            };
            let word = &t[at + 1..];
            let is_time = word.len() >= 4
                && word.ends_with('s')
                && word[..word.len() - 1]
                    .split_once('.')
                    .is_some_and(|(a, b)| {
                        !a.is_empty()
                            && a.bytes().all(|c| c.is_ascii_digit())
                            && b.len() == 1
                            && b.bytes().all(|c| c.is_ascii_digit())
                    });
            if is_time {
                format!("{}{}T.Ts", &t[..at + 1], " ".repeat(word.len() - 4))
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The shape of a capture: the project's name as `PROJECT`, times as
/// `T.Ts`, runs of spaces as two, no trailing spaces.
fn shape(s: &str, project: &str) -> String {
    let s = times(s).replace(project, "PROJECT");
    s.lines()
        .map(|l| {
            let mut out = String::new();
            let mut spaces = 0;
            for c in l.trim_end().chars() {
                if c == ' ' {
                    spaces += 1;
                    continue;
                }
                if spaces > 0 {
                    out.push_str(if spaces > 1 && !out.is_empty() {
                        "  "
                    } else {
                        " "
                    });
                }
                spaces = 0;
                out.push(c);
            }
            if l.starts_with(' ') && !out.starts_with(' ') {
                out.insert(0, ' ');
            }
            out
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

/// compose's layout: every resource line as wide as the 120 columns of the pane (its time
/// ending in the last column but one), and the status words in one column.
fn assert_aligned(screen: &str) {
    let lines: Vec<&str> = screen
        .lines()
        .filter(|l| l.starts_with(" ✔") || l.starts_with(" ✘"))
        .collect();
    assert!(!lines.is_empty(), "no resource lines:\n{screen}");
    for l in &lines {
        assert_eq!(
            l.trim_end().chars().count(),
            119,
            "not as wide as the pane: {l:?}"
        );
    }
    // The status word: the last but one word (the time is the last).
    let column = |l: &str| {
        let words: Vec<&str> = l.split_whitespace().collect();
        let status = words[words.len() - 2];
        let before_time = l.trim_end().rfind(' ').unwrap();
        let at = l[..before_time].rfind(status).unwrap();
        l[..at].chars().count()
    };
    let first = column(lines[0]);
    for l in &lines {
        assert_eq!(
            column(l),
            first,
            "status words not in one column:\n{screen}"
        );
    }
}

fn expected(name: &str) -> String {
    std::fs::read_to_string(repo_root().join("fixtures/e2e/progress").join(name)).unwrap()
}

fn tool(p: &Project, hoist: bool) -> String {
    if hoist {
        format!("{} -p {}", hoist_bin(), p.name)
    } else {
        format!("docker compose -p {}", p.name)
    }
}

/// `up -d` (also under `--dry-run`) and `down` in a terminal: the same screen as compose's (times
/// aside), laid out as compose lays it out, drawn in place (the header is
/// in the history once), in compose's colours.
#[test]
fn live_display_in_a_terminal_as_compose() {
    let Some(p) = e2e_project!("progress-tty", "progress") else {
        return;
    };
    let mut screens: BTreeMap<(&str, bool), String> = BTreeMap::new();
    for hoist in [false, true] {
        let Some(pane) = Pane::new(&p, if hoist { "h" } else { "c" }, 120, 30, "") else {
            return;
        };
        let t = tool(&p, hoist);
        for (cmd, args) in [
            ("dry-run", "--dry-run up -d"),
            ("up", "up -d"),
            ("down", "down -t 0"),
        ] {
            let screen = pane.run(&format!("{t} {args}"), false);
            let who = if hoist { "hoist" } else { "compose" };
            assert_eq!(
                shape(&screen, &p.name),
                expected(&format!("expected-{cmd}.txt")),
                "{who} {args}:\n{screen}"
            );
            assert_aligned(&screen);
            assert_eq!(
                pane.history().matches("[+] Running").count(),
                1,
                "{who} {args}: the display is redrawn in place, not printed again:\n{}",
                pane.history()
            );
            screens.insert((cmd, hoist), times(&screen));
        }
        // Colours: the finished header blue, the marks and words green, times blue.
        let screen = pane.run(&format!("{t} up -d"), true);
        assert!(screen.contains("\x1b[34m[+] Running 3/3"), "{screen:?}");
        assert!(screen.contains("\x1b[32m✔"), "{screen:?}");
        assert!(screen.contains("\x1b[32mStarted"), "{screen:?}");
        pane.run(&format!("{t} down -t 0"), false);
    }
    for cmd in ["dry-run", "up", "down"] {
        assert_eq!(
            screens[&(cmd, true)],
            screens[&(cmd, false)],
            "{cmd}: hoist's screen differs from compose's"
        );
    }
}

/// `NO_COLOR` keeps the live display without colours; `--ansi never` (and
/// `COMPOSE_ANSI=never`) makes it plain lines with no escape code at all;
/// `--progress plain` beats `COMPOSE_PROGRESS=tty`.
#[test]
fn no_color_and_ansi_never_in_a_terminal() {
    let Some(p) = e2e_project!("progress-ansi", "progress") else {
        return;
    };
    for hoist in [false, true] {
        let who = if hoist { "hoist" } else { "compose" };
        let Some(pane) = Pane::new(&p, if hoist { "h" } else { "c" }, 120, 30, "") else {
            return;
        };
        let t = tool(&p, hoist);
        let screen = pane.run(&format!("NO_COLOR=1 {t} up -d"), true);
        assert!(screen.contains("[+] Running 3/3"), "{who}: {screen}");
        assert!(
            !screen.contains('\x1b'),
            "{who}: colours under NO_COLOR: {screen:?}"
        );
        pane.run(&format!("{t} down -t 0"), false);

        for run in [
            format!("{t} --ansi never up -d"),
            format!("COMPOSE_ANSI=never {t} up -d"),
            format!("COMPOSE_PROGRESS=tty {t} --progress plain up -d"),
        ] {
            let screen = pane.run(&run, true);
            assert!(!screen.contains('\x1b'), "{who} {run}: {screen:?}");
            assert!(!screen.contains("[+]"), "{who} {run}: not plain:\n{screen}");
            assert!(
                screen.contains(&format!(" Container {}-app-1  Started", p.name)),
                "{who} {run}:\n{screen}"
            );
            pane.run(&format!("{t} down -t 0"), false);
        }
    }
}

/// The (id, status) pairs of a `--progress json` run, each line checked to
/// be a JSON object with only compose's fields.
fn json_events(stderr: &str) -> Vec<(String, String)> {
    let fields = [
        "dry-run",
        "tail",
        "id",
        "parent_id",
        "text",
        "status",
        "current",
        "total",
        "percent",
    ];
    stderr
        .lines()
        .map(|l| {
            let v: serde_json::Value =
                serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l:?}"));
            let o = v
                .as_object()
                .unwrap_or_else(|| panic!("not an object: {l}"));
            for k in o.keys() {
                assert!(
                    fields.contains(&k.as_str()),
                    "field {k} is not compose's: {l}"
                );
            }
            let s = |k: &str| o.get(k).and_then(|v| v.as_str()).unwrap_or("").to_string();
            (s("id"), s("status"))
        })
        .collect()
}

/// `--progress json` (and `COMPOSE_PROGRESS=json`): every line of stderr is
/// one of compose's JSON objects, and `up -d` and `down` report the events
/// compose reports; `--progress quiet` prints nothing, `COMPOSE_ANSI` beats
/// `--ansi`, `COMPOSE_ANSI=always` draws the live display even into a pipe,
/// as compose.
#[test]
fn json_progress_of_up_and_down() {
    let Some(mut p) = e2e_project!("progress-json", "progress") else {
        return;
    };
    let name = p.name.clone();
    let net = format!("Network {name}_default");
    let db = format!("Container {name}-db-1");
    let app = format!("Container {name}-app-1");
    let mut by_tool = Vec::new();
    for hoist in [false, true] {
        let run = |args: &[&str]| {
            if hoist {
                p.hoist(args)
            } else {
                p.compose(args)
            }
        };
        let up = run(&["--progress", "json", "up", "-d"]);
        up.ok();
        let up_events = json_events(&up.stderr);
        for (id, status) in [
            (&net, "Creating"),
            (&net, "Created"),
            (&db, "Creating"),
            (&db, "Created"),
            (&db, "Starting"),
            (&db, "Started"),
            (&app, "Started"),
        ] {
            assert!(
                up_events.contains(&(id.clone(), status.to_string())),
                "{id} {status} missing:\n{}",
                up.stderr
            );
        }
        let down = run(&["--progress", "json", "down", "-t", "0"]);
        down.ok();
        let down_events = json_events(&down.stderr);
        for (id, status) in [
            (&app, "Stopping"),
            (&app, "Stopped"),
            (&app, "Removed"),
            (&db, "Removed"),
            (&net, "Removing"),
            (&net, "Removed"),
        ] {
            assert!(
                down_events.contains(&(id.clone(), status.to_string())),
                "{id} {status} missing:\n{}",
                down.stderr
            );
        }
        let mut up_sorted = up_events.clone();
        up_sorted.sort();
        let mut down_sorted = down_events.clone();
        down_sorted.sort();
        by_tool.push((up_sorted, down_sorted));
    }
    assert_eq!(by_tool[0], by_tool[1], "compose's events, then hoist's");

    // `--progress quiet` prints nothing; `COMPOSE_ANSI` (never, from the harness) beats
    // `--ansi always` as in the compose binary; `COMPOSE_ANSI=always` draws the live display
    // even into a pipe (no padding there: compose reads the width of stdout).
    for hoist in [false, true] {
        let run = |args: &[&str]| {
            if hoist {
                p.hoist(args)
            } else {
                p.compose(args)
            }
        };
        let up = run(&["--progress", "quiet", "up", "-d"]);
        up.ok();
        assert_eq!(up.stderr, "", "quiet (hoist: {hoist})");
        let down = run(&["--ansi", "always", "down", "-t", "0"]);
        down.ok();
        assert!(
            !down.stderr.contains("[+]") && down.stderr.contains(&format!(" {app}  Removed\n")),
            "COMPOSE_ANSI=never --ansi always (hoist: {hoist}): {:?}",
            down.stderr
        );
    }
    p.set_env("COMPOSE_ANSI", "always");
    for hoist in [false, true] {
        let run = |args: &[&str]| {
            if hoist {
                p.hoist(args)
            } else {
                p.compose(args)
            }
        };
        run(&["up", "-d"]).ok();
        let down = run(&["down", "-t", "0"]);
        down.ok();
        assert!(
            down.stderr.contains("[+] Running 3/3")
                && down.stderr.contains("\x1b[")
                && down.stderr.contains(&format!(" {app}  Removed0.")),
            "COMPOSE_ANSI=always (hoist: {hoist}): {:?}",
            down.stderr
        );
    }
    p.set_env("COMPOSE_ANSI", "never");

    // The environment variable, and the flag winning over it.
    p.set_env("COMPOSE_PROGRESS", "json");
    let up = p.hoist(&["up", "-d"]);
    up.ok();
    assert!(!json_events(&up.stderr).is_empty());
    let down = p.hoist(&["--progress", "plain", "down", "-t", "0"]);
    down.ok();
    assert!(
        down.stderr.contains(&format!(" {app}  Removed")),
        "{}",
        down.stderr
    );
    // Under `--progress json` compose logs its warnings as JSON entries too.
    p.write(
        "versioned.yaml",
        "version: \"3\"\nservices:\n  db:\n    image: hoist-test/busybox:latest\n",
    );
    for hoist in [false, true] {
        let args = ["-f", "versioned.yaml", "--progress", "json", "config", "-q"];
        let r = if hoist {
            p.hoist(&args)
        } else {
            p.compose(&args)
        };
        r.ok();
        let line = r.stderr.lines().next().unwrap_or_default();
        let v: serde_json::Value = serde_json::from_str(line)
            .unwrap_or_else(|e| panic!("not JSON ({e}, hoist: {hoist}): {:?}", r.stderr));
        assert_eq!(v["level"], "warning", "{line}");
        assert!(
            v["msg"]
                .as_str()
                .unwrap_or_default()
                .contains("`version` is obsolete"),
            "{line}"
        );
        assert!(v["time"].is_string(), "{line}");
    }
    p.set_env("COMPOSE_PROGRESS", "fancy");
    let bad = p.hoist(&["ps"]);
    bad.failed();
    assert!(
        bad.stderr
            .contains("unsupported --progress value \"fancy\""),
        "{}",
        bad.stderr
    );
}

/// A warning about the whole run (orphan containers) is printed above the live display, as
/// compose prints it.
#[test]
fn warnings_above_the_live_display() {
    let Some(p) = e2e_project!("progress-warn", "progress") else {
        return;
    };
    p.write(
        "only-db.yaml",
        "services:\n  db:\n    image: hoist-test/busybox:latest\n    init: true\n    command: [\"sleep\", \"3600\"]\n",
    );
    p.hoist(&["up", "-d"]).ok();
    let mut screens = Vec::new();
    for hoist in [false, true] {
        let Some(pane) = Pane::new(&p, if hoist { "h" } else { "c" }, 120, 30, "") else {
            return;
        };
        let screen = pane.run(&format!("{} -f only-db.yaml up -d", tool(&p, hoist)), false);
        assert!(
            screen.starts_with("WARN[0000] Found orphan containers"),
            "{screen}"
        );
        assert!(
            screen.contains(&format!(
                "[+] Running 1/1\n ✔ Container {}-db-1  Running",
                p.name
            )),
            "{screen}"
        );
        screens.push(times(&screen));
    }
    assert_eq!(screens[0], screens[1], "compose's screen, then hoist's");
}
