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

impl Drop for Pane {
    fn drop(&mut self) {
        self.tmux(&["kill-server"]);
    }
}
