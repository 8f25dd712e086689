//! `exec`, `run` and `attach` in a real terminal: each tool is driven inside a
//! tmux pane (a real pty) and must allocate a TTY, pass typed input to the
//! shell, follow a resize (`stty size`), detach on ctrl-p ctrl-q and pass the
//! exit status through; without a terminal, piped stdin and signals must
//! reach the process. hoist and `docker compose` run the same script and must
//! show the same results.

use std::time::Duration;

use crate::e2e_project;
use crate::harness::{docker, hoist_bin, lines, wait_until, Project};
use crate::pane::Pane;

/// How to call one of the tools in the pane (`-p NAME` included).
fn tool(p: &Project, hoist: bool) -> String {
    if hoist {
        format!("{} -p {}", hoist_bin(), p.name)
    } else {
        format!("docker compose -p {}", p.name)
    }
}

/// The TTY session script, the same for every tool and command: the size,
/// a typed computation, a resize, an exit status.
fn tty_session(pane: &Pane, command: &str, marker: &str) {
    // a clean slate: an earlier session's output must not stand for this one's
    pane.clear();
    pane.send(&format!("{command}; echo {marker}-rc=$?"));
    pane.expect("# ");
    pane.send("stty size; tty; echo typed-$((6*7))");
    pane.expect("30 100");
    pane.expect("/dev/pts/");
    pane.expect("typed-42");
    pane.resize(120, 40);
    // tmux may take a moment to resize the window and signal the client.
    std::thread::sleep(Duration::from_millis(500));
    pane.send("stty size");
    pane.expect("40 120");
    pane.send("exit 5");
    pane.expect(&format!("{marker}-rc=5"));
    pane.resize(100, 30);
}

#[test]
fn exec_and_run_in_a_terminal() {
    let Some(p) = e2e_project!("tty", "interactive") else {
        return;
    };
    p.hoist(&["up", "-d", "--wait"]).ok();
    for hoist in [true, false] {
        let Some(pane) = Pane::new(
            &p,
            if hoist { "h" } else { "c" },
            100,
            30,
            "export NO_COLOR=1 COMPOSE_ANSI=never;",
        ) else {
            return;
        };
        let t = tool(&p, hoist);
        tty_session(&pane, &format!("{t} exec box sh"), "exec");
        tty_session(&pane, &format!("{t} run --rm --no-deps box sh"), "run");
        // Detach keys leave the one-off running; the tool exits 0. (The keys go after the
        // one-off's own prompt, not an earlier session's.)
        pane.clear();
        pane.send(&format!(
            "{t} run --no-deps --name {}-detach-{hoist} box sh; echo detach-rc=$?",
            p.name
        ));
        pane.expect("# ");
        pane.keys(&["C-p", "C-q"]);
        pane.expect("detach-rc=0");
        let name = format!("{}-detach-{hoist}", p.name);
        p.track_container(&name);
        let state = docker(&["inspect", "--format", "{{.State.Status}}", &name]);
        assert_eq!(state.ok().stdout.trim(), "running", "hoist: {hoist}");
        // attach: typed input reaches the main process; detaching says so, exit 1.
        pane.clear();
        pane.send(&format!("{t} attach term; echo attach-rc=$?"));
        std::thread::sleep(Duration::from_millis(1000));
        pane.send(&format!("echo attached-{hoist}"));
        pane.expect(&format!("attached-{hoist}\r").replace('\r', ""));
        pane.keys(&["C-p", "C-q"]);
        pane.expect("read escape sequence");
        pane.expect("attach-rc=1");
        // The terminal is back to normal: what is typed is echoed once more.
        pane.send("echo sane-$((1+1))");
        pane.expect("sane-2");
    }
}

#[test]
fn piped_stdin_exit_codes_and_signals_without_a_terminal() {
    let Some(p) = e2e_project!("notty", "interactive") else {
        return;
    };
    p.hoist(&["up", "-d", "--wait"]).ok();
    for hoist in [true, false] {
        let run = |args: &[&str], stdin: &str| -> crate::harness::Out {
            let mut cmd = if hoist {
                let mut c = std::process::Command::new(hoist_bin());
                c.args(["-p", &p.name]);
                c
            } else {
                let mut c = std::process::Command::new("docker");
                c.args(["compose", "-p", &p.name]);
                c
            };
            cmd.args(args)
                .current_dir(p.path())
                .stdin(std::process::Stdio::piped())
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped());
            let mut child = cmd.spawn().unwrap();
            use std::io::Write;
            child
                .stdin
                .take()
                .unwrap()
                .write_all(stdin.as_bytes())
                .unwrap();
            crate::harness::finish(child, format!("{args:?} (hoist: {hoist})"))
        };
        let out = run(&["exec", "-T", "box", "cat"], "piped in\n");
        out.ok();
        assert_eq!(out.stdout, "piped in\n", "{}", out.dump());
        let out = run(&["exec", "-T", "box", "sh", "-c", "exit 7"], "");
        assert_eq!(out.code, 7, "{}", out.dump());
        let out = run(
            &[
                "run",
                "--rm",
                "-T",
                "--no-deps",
                "box",
                "sh",
                "-c",
                "cat; exit 3",
            ],
            "to the one-off\n",
        );
        assert_eq!(out.code, 3, "{}", out.dump());
        assert!(out.stdout.contains("to the one-off"), "{}", out.dump());
    }
    // SIGINT to the client reaches the process of a one-off without a TTY.
    // (The reference exits 130 and leaves the process alone: hoist only.)
    {
        let hoist = true;
        let script = "trap 'echo got-int; exit 9' INT; echo ready; while true; do sleep 0.1; done";
        let mut cmd = if hoist {
            let mut c = std::process::Command::new(hoist_bin());
            c.args(["-p", &p.name]);
            c
        } else {
            let mut c = std::process::Command::new("docker");
            c.args(["compose", "-p", &p.name]);
            c
        };
        cmd.args(["run", "--rm", "-T", "--no-deps", "box", "sh", "-c", script])
            .current_dir(p.path())
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        let child = cmd.spawn().unwrap();
        let pid = child.id();
        // Wait for the one-off to run.
        let started = wait_until(Duration::from_secs(30), || {
            !lines(
                &docker(&[
                    "ps",
                    "-q",
                    "--filter",
                    "label=com.docker.compose.oneoff=True",
                    "--filter",
                    &p.label_filter(),
                ])
                .stdout,
            )
            .is_empty()
        });
        assert!(started, "hoist: {hoist}: the one-off did not start");
        std::thread::sleep(Duration::from_millis(700));
        let _ = std::process::Command::new("kill")
            .args(["-INT", &pid.to_string()])
            .status();
        let out = crate::harness::finish(child, format!("run with SIGINT (hoist: {hoist})"));
        assert!(
            out.stdout.contains("got-int"),
            "hoist: {hoist}: {}",
            out.dump()
        );
        assert_eq!(out.code, 9, "hoist: {hoist}: {}", out.dump());
    }
}

/// Labels of the one-off containers of the project.
fn one_offs(p: &Project) -> Vec<serde_json::Value> {
    let ids = lines(
        &docker(&[
            "ps",
            "-aq",
            "--filter",
            &p.label_filter(),
            "--filter",
            "label=com.docker.compose.oneoff=True",
        ])
        .stdout,
    );
    ids.iter().map(|id| crate::harness::inspect(id)).collect()
}

#[test]
fn one_off_containers_are_named_labelled_and_removed_as_compose() {
    let Some(p) = e2e_project!("oneoff", "interactive") else {
        return;
    };
    // Dependencies: db is started and healthy before the one-off runs.
    let out = p.hoist(&["run", "--rm", "-T", "box", "true"]);
    out.ok();
    let db = p.inspect(&format!("{}-db-1", p.name));
    assert_eq!(db["State"]["Health"]["Status"], "healthy", "{}", out.dump());
    for hoist in [true, false] {
        let args = ["run", "-d", "-T", "--no-deps", "box", "sleep", "300"];
        let out = if hoist {
            p.hoist(&args)
        } else {
            p.compose(&args)
        };
        out.ok();
        let id = out.stdout.trim().to_string();
        assert_eq!(id.len(), 64, "-d prints the container id: {}", out.dump());
        let c = crate::harness::inspect(&id);
        let name = c["Name"]
            .as_str()
            .unwrap()
            .trim_start_matches('/')
            .to_string();
        let slug = c["Config"]["Labels"]["com.docker.compose.slug"]
            .as_str()
            .unwrap()
            .to_string();
        assert_eq!(
            name,
            format!("{}-box-run-{}", p.name, &slug[..12]),
            "hoist: {hoist}"
        );
        assert_eq!(slug.len(), 64);
        let labels = &c["Config"]["Labels"];
        assert_eq!(labels["com.docker.compose.oneoff"], "True");
        assert!(
            labels.get("com.docker.compose.container-number").is_none(),
            "{labels}"
        );
        // Service ports are not published unless -P.
        assert!(
            c["HostConfig"]["PortBindings"]
                .as_object()
                .is_none_or(|m| m.is_empty()),
            "hoist: {hoist}: {}",
            c["HostConfig"]["PortBindings"]
        );
        assert_eq!(c["Config"]["AttachStdin"], true, "hoist: {hoist}");
    }
    let two = one_offs(&p);
    assert_eq!(two.len(), 2);
    // Both tools see both one-offs, and each removes the other's.
    for hoist in [true, false] {
        let out = if hoist {
            p.hoist(&["ps", "-a", "--format", "json"])
        } else {
            p.compose(&["ps", "-a", "--format", "json"])
        };
        assert_eq!(
            out.ok()
                .stdout
                .lines()
                .filter(|l| l.contains("-box-run-"))
                .count(),
            2,
            "hoist: {hoist}: {}",
            out.dump()
        );
    }
    // (-f: from the labels alone, the reference leaves one-offs and then
    // fails to remove the network they use.)
    let down = ["-f", "compose.yaml", "down", "--remove-orphans", "-t", "0"];
    p.compose(&down).ok();
    assert!(one_offs(&p).is_empty(), "compose left one-offs");
    let args = ["run", "-d", "-T", "--no-deps", "box", "sleep", "300"];
    p.compose(&args).ok();
    p.hoist(&down).ok();
    assert!(one_offs(&p).is_empty(), "hoist left compose's one-off");
    // From the labels alone hoist removes them too, and the network after them.
    p.compose(&args).ok();
    p.hoist(&["down", "-t", "0"]).ok();
    assert!(
        one_offs(&p).is_empty(),
        "hoist (from labels) left a one-off"
    );
    assert!(p.networks().is_empty(), "{:?}", p.networks());
}

#[test]
fn run_rm_leaves_no_container_and_no_anonymous_volume() {
    let Some(p) = e2e_project!("run-rm", "interactive") else {
        return;
    };
    let volumes = || lines(&docker(&["volume", "ls", "-q"]).stdout).len();
    for hoist in [true, false] {
        let before = volumes();
        let args = [
            "run",
            "--rm",
            "-T",
            "--no-deps",
            "box",
            "sh",
            "-c",
            "echo data > /scratch/f; exit 4",
        ];
        let out = if hoist {
            p.hoist(&args)
        } else {
            p.compose(&args)
        };
        assert_eq!(out.code, 4, "{}", out.dump());
        assert!(
            wait_until(Duration::from_secs(10), || one_offs(&p).is_empty()),
            "hoist: {hoist}: --rm left the container"
        );
        assert!(
            wait_until(Duration::from_secs(10), || volumes() <= before),
            "hoist: {hoist}: --rm left the anonymous volume"
        );
    }
}
