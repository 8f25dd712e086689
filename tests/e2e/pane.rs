//! A real terminal for the tests that need one: a tmux session of its own
//! (its own server socket) with one pane of a fixed size running bash in the
//! project's directory, with the project's environment; killed on drop.

use std::time::Duration;

use crate::harness::{wait_until, Project};

/// One tmux pane.
pub struct Pane {
    socket: String,
}

impl Pane {
    /// A `cols`x`rows` pane running bash in the project's directory, `setup`
    /// (shell code, e.g. exports) run first, the prompt `$ `.
    pub fn new(p: &Project, tag: &str, cols: u16, rows: u16, setup: &str) -> Option<Pane> {
        if test_support::which("tmux").is_none() {
            test_support::skip_or_fail("terminal e2e tests", "tmux is not installed");
            return None;
        }
        let pane = Pane {
            socket: format!("hoist-e2e-{}-{tag}", p.name),
        };
        let mut env = String::from(setup);
        for (k, v) in &p.env {
            env.push_str(&format!(" export {k}='{v}';"));
        }
        pane.tmux(&[
            "new-session",
            "-d",
            "-x",
            &cols.to_string(),
            "-y",
            &rows.to_string(),
            "-c",
            &p.path().to_string_lossy(),
            "env -u NO_COLOR -u COMPOSE_ANSI -u COMPOSE_PROGRESS -u COMPOSE_MENU bash --norc --noprofile",
        ]);
        pane.send(&format!("{env} PS1='$ '; clear"));
        Some(pane)
    }

    /// Runs tmux on this pane's server.
    pub fn tmux(&self, args: &[&str]) -> String {
        let out = std::process::Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .args(args)
            .output()
            .expect("tmux");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Types `line` and Enter.
    pub fn send(&self, line: &str) {
        self.tmux(&["send-keys", "-t", "0", "-l", line]);
        self.tmux(&["send-keys", "-t", "0", "Enter"]);
    }

    /// Presses keys (`C-p`, `C-q`, `w`, `Enter`).
    pub fn keys(&self, keys: &[&str]) {
        let mut a = vec!["send-keys", "-t", "0"];
        a.extend_from_slice(keys);
        self.tmux(&a);
    }

    /// The history and the screen, wrapped lines joined.
    pub fn screen(&self) -> String {
        self.tmux(&["capture-pane", "-p", "-J", "-S", "-200", "-t", "0"])
    }

    /// The visible screen only, one string per row (colours as escape codes
    /// when `colors`).
    pub fn rows(&self, colors: bool) -> Vec<String> {
        let mut a = vec!["capture-pane", "-p", "-t", "0"];
        if colors {
            a.push("-e");
        }
        self.tmux(&a).lines().map(str::to_string).collect()
    }

    /// Waits until the screen shows `text` (fails the test after a while).
    #[track_caller]
    pub fn expect(&self, text: &str) {
        let shown = wait_until(Duration::from_secs(30), || self.screen().contains(text));
        assert!(shown, "the pane never showed {text:?}:\n{}", self.screen());
    }

    /// Waits until `cond` holds for the visible rows (fails the test after a while).
    #[track_caller]
    pub fn expect_rows(&self, what: &str, cond: impl Fn(&[String]) -> bool) {
        let shown = wait_until(Duration::from_secs(30), || cond(&self.rows(false)));
        assert!(
            shown,
            "the pane never showed {what}:\n{}",
            self.rows(false).join("\n")
        );
    }

    /// The visible screen as one text (colours as escape codes when `colors`).
    pub fn visible(&self, colors: bool) -> String {
        let mut a = vec!["capture-pane", "-p", "-t", "0"];
        if colors {
            a.push("-e");
        }
        self.tmux(&a)
    }

    /// The whole history, screen included.
    pub fn history(&self) -> String {
        self.tmux(&["capture-pane", "-p", "-S", "-1000", "-t", "0"])
    }

    /// Clears the screen and the history, so that nothing an earlier command
    /// printed can satisfy a later `expect`: waits for the prompt alone on the
    /// first line (an empty capture, which tmux may give under load, does not
    /// count). Keys sent before the shell has run `clear` would be typeahead
    /// that a Ctrl-C discards along with it.
    pub fn clear(&self) {
        self.send("clear");
        let cleared = wait_until(Duration::from_secs(10), || {
            let s = self.visible(false);
            s.lines().next().map(str::trim_end) == Some("$") && !s.lines().any(exit_line)
        });
        assert!(
            cleared,
            "the pane was not cleared:\n{}",
            self.visible(false)
        );
        self.tmux(&["clear-history", "-t", "0"]);
    }

    /// Clears the screen, runs `command` and waits for its end: the screen
    /// then (with colours when `colors`), from the top to the `done-rc=` line.
    pub fn run(&self, command: &str, colors: bool) -> String {
        self.clear();
        self.send(&format!("clear; {command}; echo done-rc=$?"));
        // The marker at the start of a line: the echo's output, not the typed command. The
        // screen that showed it is the one kept (a capture may come back empty under load).
        let marker = |s: &str| s.lines().position(exit_line);
        let mut plain = String::new();
        let done = wait_until(Duration::from_secs(60), || {
            plain = self.visible(false);
            marker(&plain).is_some()
        });
        assert!(done, "{command} did not end:\n{}", self.visible(false));
        let last = marker(&plain).unwrap();
        let screen = if colors {
            let mut colored = String::new();
            let same = wait_until(Duration::from_secs(10), || {
                colored = self.visible(true);
                colored.lines().count() > last
            });
            assert!(same, "no coloured capture:\n{plain}");
            colored
        } else {
            plain
        };
        screen.lines().take(last + 1).collect::<Vec<_>>().join("\n")
    }

    /// Resizes the window.
    pub fn resize(&self, cols: u16, rows: u16) {
        self.tmux(&[
            "resize-window",
            "-t",
            "0",
            "-x",
            &cols.to_string(),
            "-y",
            &rows.to_string(),
        ]);
    }
}

/// The line the shell prints after a command, `done-rc=0`: not the typed `done-rc=$?`, which
/// may start a line too when the typed command wraps.
fn exit_line(l: &str) -> bool {
    l.strip_prefix("done-rc=")
        .is_some_and(|rc| rc.starts_with(|c: char| c.is_ascii_digit()))
}

impl Drop for Pane {
    fn drop(&mut self) {
        self.tmux(&["kill-server"]);
    }
}
