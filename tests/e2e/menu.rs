//! Attached `up`'s navigation menu in a real terminal (a tmux pane), hoist
//! and `docker compose` driven by the same script: the menu on the last row
//! (the same bytes, colours included), `w` starting and stopping watching,
//! the error when nothing is configured for watch, Enter, Ctrl-C stopping the
//! project gracefully with the terminal's mode given back, and no menu with
//! `--menu=false`, `COMPOSE_MENU=false` or stdout not a terminal.

use crate::e2e_project;
use crate::harness::{hoist_bin, Project};
use crate::pane::Pane;

/// How to call one of the tools in the pane (`-p NAME` included).
fn tool(p: &Project, hoist: bool) -> String {
    if hoist {
        format!("{} -p {}", hoist_bin(), p.name)
    } else {
        format!("docker compose -p {}", p.name)
    }
}

fn last_row(rows: &[String]) -> &str {
    rows.last().map(|r| r.trim_end()).unwrap_or("")
}

const MENU_OFF: &str = "w Enable Watch";
const MENU_ON: &str = "w Disable Watch";

/// Runs `command` in the pane, the exit status and whether the terminal's
/// mode came back echoed after it as `<marker>-rc=N` and `<marker>-tty-same`.
fn start(pane: &Pane, command: &str, marker: &str) {
    pane.send(&format!(
        "S=$(stty -g); {command}; echo {marker}-rc=$?; [ \"$(stty -g)\" = \"$S\" ] && echo {marker}-tty-same"
    ));
}

/// Ctrl-C from the menu: compose's graceful stop, exit status 0 (the signal
/// gives 130), the menu gone, the terminal as it was.
fn ctrl_c(pane: &Pane, marker: &str) {
    pane.keys(&["C-c"]);
    pane.expect("Gracefully Stopping... press Ctrl+C again to force");
    pane.expect("exited with code 143");
    pane.expect(&format!("{marker}-rc=0"));
    pane.expect(&format!("{marker}-tty-same"));
    let rows = pane.rows(false);
    assert!(
        !rows
            .iter()
            .any(|r| r.contains(MENU_OFF) || r.contains(MENU_ON)),
        "the menu stayed on the screen:\n{}",
        rows.join("\n")
    );
}

#[test]
fn the_menu_toggles_watch_and_ctrl_c_stops_gracefully() {
    let Some(p) = e2e_project!("menu", "menu") else {
        return;
    };
    let mut drawn = Vec::new();
    for hoist in [false, true] {
        let marker = if hoist { "hoist" } else { "compose" };
        let Some(pane) = Pane::new(&p, &format!("w{marker}"), 100, 20, "") else {
            return;
        };
        let t = tool(&p, hoist);
        start(
            &pane,
            &format!("{t} -f compose.yaml -f watch.yaml up"),
            marker,
        );
        pane.expect("| tick 2");
        pane.expect_rows("the menu on the last row", |r| last_row(r) == MENU_OFF);
        drawn.push(pane.rows(true).last().cloned().unwrap_or_default());

        pane.keys(&["w"]);
        pane.expect("Watch enabled");
        pane.expect_rows("the menu saying watch is on", |r| last_row(r) == MENU_ON);
        p.write(&format!("src/{marker}.txt"), "two\n");
        pane.expect("Syncing service \"tick\" after 1 changes were detected");
        let synced = crate::harness::wait_until(std::time::Duration::from_secs(30), || {
            p.hoist(&[
                "exec",
                "-T",
                "tick",
                "cat",
                &format!("/srv/src/{marker}.txt"),
            ])
            .stdout
            .contains("two")
        });
        assert!(synced, "{marker}: the file was not synced");

        pane.keys(&["w"]);
        pane.expect("Watch disabled");
        pane.expect_rows("the menu saying watch is off", |r| last_row(r) == MENU_OFF);

        ctrl_c(&pane, marker);
    }
    assert_eq!(
        drawn[1], drawn[0],
        "hoist's menu row (second) differs from compose's (first)"
    );
}

#[test]
fn without_watch_enter_and_the_switches() {
    let Some(p) = e2e_project!("menu-plain", "menu") else {
        return;
    };
    for hoist in [false, true] {
        let marker = if hoist { "hoist" } else { "compose" };
        let Some(pane) = Pane::new(&p, &format!("p{marker}"), 100, 20, "") else {
            return;
        };
        let t = tool(&p, hoist);

        // nothing configured for watch: `w` says so above the menu
        start(&pane, &format!("{t} up"), marker);
        pane.expect("| tick 2");
        pane.expect_rows("the menu on the last row", |r| last_row(r) == MENU_OFF);
        pane.keys(&["w"]);
        pane.expect_rows("the watch error above the menu", |r| {
            r.len() >= 2
                && r[r.len() - 2].trim_end()
                    == "Watch →  watch is not yet configured. Learn more: https://docs.docker.com/compose/file-watch/"
                && last_row(r) == MENU_OFF
        });
        // Enter: a blank line among the logs
        let blank_between = |r: &[String]| {
            r.windows(2)
                .any(|w| w[0].trim().is_empty() && w[1].contains("| tick"))
        };
        assert!(
            !blank_between(&pane.rows(false)),
            "{marker}: a blank line before Enter"
        );
        pane.keys(&["Enter"]);
        pane.expect_rows("a blank line among the logs", blank_between);
        ctrl_c(&pane, marker);

        // no menu when switched off or when stdout is not a terminal
        for (n, command) in [
            format!("{t} up --menu=false"),
            format!("COMPOSE_MENU=false {t} up"),
            format!("{t} up >{marker}.log"),
        ]
        .iter()
        .enumerate()
        {
            let m = format!("{marker}{n}");
            // a clean slate: the first run's "tick 3" must not stand for this one's
            pane.clear();
            start(&pane, command, &m);
            let shown = if command.contains('>') {
                let log = p.path().join(format!("{marker}.log"));
                let read = || std::fs::read_to_string(&log).unwrap_or_default();
                let ticked = crate::harness::wait_until(std::time::Duration::from_secs(30), || {
                    read().contains("| tick 3")
                });
                assert!(ticked, "{command}: no output:\n{}", read());
                read()
            } else {
                pane.expect("| tick 3");
                pane.rows(false).join("\n")
            };
            assert!(
                !shown.contains(MENU_OFF),
                "{command}: a menu was drawn:\n{shown}"
            );
            // the terminal's Ctrl-C is a signal again
            pane.keys(&["C-c"]);
            pane.expect(&format!("{m}-rc=130"));
            pane.expect(&format!("{m}-tty-same"));
        }
    }
}
