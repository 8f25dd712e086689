//! Progress display: how the engine's [`Event`]s are shown, chosen as
//! compose chooses its progress writer (`--progress`, `COMPOSE_PROGRESS`,
//! `--ansi`, `COMPOSE_ANSI`, `NO_COLOR`). Reached only through the output
//! funnel (`output.rs`).
//!
//! - [`tty`]: the live display redrawn in place (` ✔ Container x  Started  0.4s`
//!   under `[+] Running 2/2`), on stderr, for a run of events that ends when
//!   its sink is dropped or anything else is printed;
//! - [`plain`]: one line per event;
//! - [`json`]: one JSON object per event;
//! - quiet: nothing.

pub mod json;
pub mod plain;
pub mod tty;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, OnceLock};

use compose_engine::progress::{Event, Status};

use crate::cli::{Ansi, Progress};

/// The progress writer, as compose's `ui.Mode` before its writer is made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// `tty` when stderr is a terminal, else `plain`.
    Auto,
    /// The live display.
    Tty,
    /// One line per event.
    Plain,
    /// One JSON object per event.
    Json,
    /// Nothing.
    Quiet,
}

/// What the global flags and the environment chose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// The progress writer.
    pub mode: Mode,
    /// `--ansi`, else `COMPOSE_ANSI` (any text: only `always` and `auto`
    /// allow colours), else `auto`.
    pub ansi: String,
    /// `NO_COLOR` is set and not empty: no colour anywhere.
    pub no_color: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            mode: Mode::Auto,
            ansi: "auto".into(),
            no_color: false,
        }
    }
}

fn ansi_name(a: Ansi) -> &'static str {
    match a {
        Ansi::Never => "never",
        Ansi::Always => "always",
        Ansi::Auto => "auto",
    }
}

fn progress_name(p: Progress) -> &'static str {
    match p {
        Progress::Auto => "auto",
        Progress::Tty => "tty",
        Progress::Plain => "plain",
        Progress::Json => "json",
        Progress::Quiet => "quiet",
    }
}

/// Reads the flags and the environment as compose's root command does:
/// `COMPOSE_ANSI` (when set, even over `--ansi`, as the compose binary
/// behaves), else `--ansi`; `never` makes the
/// progress plain and `always` a live display, `--progress` (else
/// `COMPOSE_PROGRESS`) then decides, refusing `tty` without ANSI and `plain`
/// with ANSI forced; `NO_COLOR` (not empty) removes the colours but not the
/// live display.
pub fn resolve(
    ansi: Option<Ansi>,
    progress: Option<Progress>,
    env: impl Fn(&str) -> Option<String>,
) -> Result<Settings, String> {
    // compose.go means the flag to beat COMPOSE_ANSI (`!cmd.Flags().Changed("ansi")`), but in
    // the v2.40.3 binary the variable wins whenever it is set: `COMPOSE_ANSI=never docker
    // compose --ansi always up` prints plain lines. hoist does what the binary does.
    let ansi = match (env("COMPOSE_ANSI"), ansi) {
        (Some(v), _) => v,
        (None, Some(a)) => ansi_name(a).to_string(),
        (None, None) => "auto".into(),
    };
    let no_color = env("NO_COLOR").is_some_and(|v| !v.is_empty());
    let mut mode = match ansi.as_str() {
        "never" => Mode::Plain,
        "always" => Mode::Tty,
        _ => Mode::Auto,
    };
    let progress = match progress {
        Some(p) => progress_name(p).to_string(),
        None => env("COMPOSE_PROGRESS").unwrap_or_default(),
    };
    match progress.as_str() {
        "" | "auto" => {
            if ansi == "never" {
                mode = Mode::Plain;
            }
        }
        "tty" => {
            if ansi == "never" {
                return Err("can't use --progress tty while ANSI support is disabled".into());
            }
            mode = Mode::Tty;
        }
        "plain" => {
            if ansi == "always" {
                return Err("can't use --progress plain while ANSI support is forced".into());
            }
            mode = Mode::Plain;
        }
        "quiet" | "none" => mode = Mode::Quiet,
        "json" => mode = Mode::Json,
        other => return Err(format!("unsupported --progress value {other:?}")),
    }
    Ok(Settings {
        mode,
        ansi,
        no_color,
    })
}

static SETTINGS: OnceLock<Settings> = OnceLock::new();
static TITLE: Mutex<&'static str> = Mutex::new("Running");
static DRY_RUN: AtomicBool = AtomicBool::new(false);

/// Keeps the settings for the rest of the run (the first call wins).
pub fn configure(settings: Settings) {
    let _ = SETTINGS.set(settings);
}

/// The settings (compose's defaults when not configured).
pub fn settings() -> Settings {
    SETTINGS.get().cloned().unwrap_or_default()
}

/// The live display's title (`[+] Pulling 2/2`): compose's per command.
pub fn set_title(title: &'static str) {
    *TITLE.lock().unwrap_or_else(|e| e.into_inner()) = title;
}

fn title() -> &'static str {
    *TITLE.lock().unwrap_or_else(|e| e.into_inner())
}

/// Marks what follows as a dry run (` DRY-RUN MODE - `).
pub fn set_dry_run(on: bool) {
    DRY_RUN.store(on, Ordering::Relaxed);
}

/// Whether this is a dry run.
pub fn dry_run() -> bool {
    DRY_RUN.load(Ordering::Relaxed)
}

/// Whether colours may be written to a stream that is (or is not) a
/// terminal, as compose's formatter decides (`--ansi`, `NO_COLOR`).
pub fn use_ansi(is_terminal: bool) -> bool {
    let s = settings();
    !s.no_color
        && match s.ansi.as_str() {
            "always" => true,
            "auto" => is_terminal,
            _ => false,
        }
}

/// The writer for a run of events: `Auto` decided by whether stderr is a terminal.
fn writer_mode() -> Mode {
    match settings().mode {
        Mode::Auto if crate::stdio::status_is_terminal() => Mode::Tty,
        Mode::Auto => Mode::Plain,
        m => m,
    }
}

/// Shows one event. Lines of a builder's output go to stdout after
/// `service | ` (the name padded to `width`) whatever the mode, as compose's
/// classic builder writes them; a warning without a resource is compose's
/// `WARN[0000]` log line (a JSON log entry under `--progress json`).
pub fn event(e: &Event, width: usize) {
    let mode = writer_mode();
    if e.status == Status::Output {
        let line = format!("{}{:<width$} | {}", plain::mark(), e.resource, e.text);
        if mode == Mode::Tty {
            tty::above(&line, false);
        } else {
            crate::stdio::raw_stdout_line(&line);
        }
        return;
    }
    if e.status == Status::Warning && e.resource.is_empty() {
        match mode {
            Mode::Json => crate::stdio::raw_stderr_line(&json::log_line("warning", &e.text)),
            Mode::Tty => tty::above(&format!("WARN[0000] {}", e.text), true),
            _ => crate::stdio::raw_stderr_line(&format!("WARN[0000] {}", e.text)),
        }
        return;
    }
    match mode {
        Mode::Tty => tty::event(e, title(), !settings().no_color),
        Mode::Json => crate::stdio::raw_stderr_line(&json::line(e, dry_run())),
        Mode::Quiet => {}
        Mode::Plain | Mode::Auto => crate::stdio::raw_stderr_line(&plain::line(e)),
    }
}

/// Shows one event of what runs beside containers' output (attached `up`
/// stopping them), as compose's mixed writer: with automatic progress on a
/// terminal, a line among the logs on stdout (`\r\x1b[K Container x  Stopped`,
/// the status green); otherwise compose's plain line on the status stream,
/// whatever the mode.
pub fn event_with_log(e: &Event) {
    use std::io::IsTerminal;
    if settings().mode == Mode::Auto && std::io::stdout().is_terminal() {
        let status = if use_ansi(true) {
            format!("\x1b[32m{}\x1b[0m", e.text)
        } else {
            e.text.clone()
        };
        let line = format!("\r\x1b[K {} {} {status}", e.resource, e.details);
        crate::menu::around(|| crate::stdio::raw_stdout_line(&line));
    } else {
        crate::stdio::raw_stderr_line(&plain::line(e));
    }
}

/// Ends the live display, if one is running: its last frame is drawn and
/// the cursor shown again. Called before anything else is printed.
pub fn finish() {
    tty::finish();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |k| {
            vars.iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        }
    }

    /// (ansi flag, progress flag, environment) → mode, or the error.
    type Case<'a> = (
        Option<Ansi>,
        Option<Progress>,
        &'a [(&'a str, &'a str)],
        Result<Mode, &'a str>,
    );

    /// compose's table of flags and variables.
    #[test]
    fn flags_and_environment_as_compose_reads_them() {
        use Mode::*;
        let cases: &[Case<'_>] = &[
            (None, None, &[], Ok(Auto)),
            (Some(Ansi::Never), None, &[], Ok(Plain)),
            (Some(Ansi::Always), None, &[], Ok(Tty)),
            (None, None, &[("COMPOSE_ANSI", "never")], Ok(Plain)),
            (
                Some(Ansi::Always),
                None,
                &[("COMPOSE_ANSI", "never")],
                Ok(Plain),
            ),
            (
                Some(Ansi::Never),
                None,
                &[("COMPOSE_ANSI", "always")],
                Ok(Tty),
            ),
            (None, None, &[("COMPOSE_PROGRESS", "json")], Ok(Json)),
            (None, None, &[("COMPOSE_PROGRESS", "none")], Ok(Quiet)),
            (Some(Ansi::Never), Some(Progress::Quiet), &[], Ok(Quiet)),
            (
                None,
                Some(Progress::Plain),
                &[("COMPOSE_PROGRESS", "json")],
                Ok(Plain),
            ),
            (
                None,
                None,
                &[("COMPOSE_PROGRESS", "fancy")],
                Err("unsupported --progress value \"fancy\""),
            ),
            (
                Some(Ansi::Never),
                Some(Progress::Tty),
                &[],
                Err("can't use --progress tty while ANSI support is disabled"),
            ),
            (
                None,
                Some(Progress::Plain),
                &[("COMPOSE_ANSI", "always")],
                Err("can't use --progress plain while ANSI support is forced"),
            ),
            (None, None, &[("NO_COLOR", "1")], Ok(Auto)),
        ];
        for (ansi, progress, vars, want) in cases {
            let got = resolve(*ansi, *progress, env(vars)).map(|s| s.mode);
            assert_eq!(
                got,
                want.map_err(String::from),
                "{ansi:?} {progress:?} {vars:?}"
            );
        }
        let s = resolve(None, None, env(&[("NO_COLOR", "1")])).unwrap();
        assert!(s.no_color);
        let s = resolve(None, None, env(&[("NO_COLOR", "")])).unwrap();
        assert!(!s.no_color, "an empty NO_COLOR is not set");
        let s = resolve(None, None, env(&[("COMPOSE_ANSI", "bogus")])).unwrap();
        assert_eq!((s.mode, s.ansi.as_str()), (Auto, "bogus"));
    }
}
