//! The output funnel: the one place that writes to stdout/stderr.
//!
//! Diagnostics are rendered with miette (file:line:col header, the source line,
//! the span underlined, help), warnings as one line like compose's. Progress
//! events go to the display `--progress` chose ([`crate::display`]); a live
//! display ends before anything else is written.

use compose_spec::diag::{Diagnostic, Severity};
use compose_spec::span::SourceMap;
use miette::{LabeledSpan, NamedSource, Report};
use std::io::Write;

/// Writes to stdout.
pub fn stdout(s: &str) {
    crate::display::finish();
    crate::menu::around(|| {
        let mut out = std::io::stdout().lock();
        let _ = out.write_all(s.as_bytes());
        let _ = out.flush();
    });
}

/// Prints an error that is not a diagnostic, with the chain of its causes
/// (`service web: cannot pull x: <the engine's answer>`).
pub fn error(e: &anyhow::Error) {
    crate::display::finish();
    eprintln!("{e:#}");
}

#[derive(Debug)]
struct Rendered {
    message: String,
    code: String,
    help: Option<String>,
    severity: miette::Severity,
    src: Option<NamedSource<String>>,
    labels: Vec<LabeledSpan>,
}

impl std::fmt::Display for Rendered {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}
impl std::error::Error for Rendered {}
impl miette::Diagnostic for Rendered {
    fn code<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        Some(Box::new(&self.code))
    }
    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }
    fn help<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn std::fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.src.as_ref().map(|s| s as &dyn miette::SourceCode)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.labels.is_empty() {
            None
        } else {
            Some(Box::new(self.labels.iter().cloned()))
        }
    }
}

/// A file name as the user wants to read it: relative to the current directory when inside it.
fn display_name(name: &str) -> String {
    if let Ok(cwd) = std::env::current_dir() {
        if let Ok(rel) = std::path::Path::new(name).strip_prefix(&cwd) {
            return rel.to_string_lossy().into_owned();
        }
    }
    name.to_string()
}

/// Absolute paths under the current directory shortened to relative ones.
fn relative_paths(s: &str) -> String {
    match std::env::current_dir() {
        Ok(cwd) => s.replace(&format!("{}/", cwd.display()), ""),
        Err(_) => s.to_string(),
    }
}

/// `file:line:col` of a diagnostic's primary span, with the file as displayed.
fn location(d: &Diagnostic, sources: &SourceMap) -> Option<String> {
    let span = d.span?;
    let file = sources.get(span.file)?;
    let (l, c) = file.line_col(span.start);
    Some(format!("{}:{l}:{c}", display_name(&file.name)))
}

/// Renders one diagnostic as text (no colour), as the CLI prints it.
pub fn render(d: &Diagnostic, sources: &SourceMap, color: bool) -> String {
    let mut message = relative_paths(&d.message);
    if let Some(loc) = location(d, sources) {
        message = format!("{loc}: {message}");
    }
    if let Some(p) = &d.path {
        message = format!("{message} (at {p})");
    }
    let mut r = Rendered {
        message,
        code: d.code.to_string(),
        help: d.help.clone(),
        severity: match d.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        },
        src: None,
        labels: Vec::new(),
    };
    if let Some(span) = d.span {
        if let Some(file) = sources.get(span.file) {
            r.src = Some(NamedSource::new(
                display_name(&file.name),
                file.text.to_string(),
            ));
            r.labels.push(LabeledSpan::new_primary_with_span(
                Some(short_label(d)),
                (span.start, span.len()),
            ));
            for l in &d.labels {
                if l.span.file == span.file {
                    r.labels.push(LabeledSpan::new_with_span(
                        Some(l.message.clone()),
                        (l.span.start, l.span.len()),
                    ));
                }
            }
        }
    }
    let handler = miette::GraphicalReportHandler::new_themed(if color {
        miette::GraphicalTheme::unicode()
    } else {
        miette::GraphicalTheme::unicode_nocolor()
    })
    .with_width(100);
    let mut s = String::new();
    let report = Report::new(r);
    let _ = handler.render_report(&mut s, report.as_ref());
    s
}

fn short_label(d: &Diagnostic) -> String {
    match d.code {
        compose_spec::Code::UnknownKey => "unknown key".into(),
        _ => "here".into(),
    }
}

/// Prints diagnostics to stderr: errors rendered in full, warnings on one line.
pub fn diagnostics(ds: &[Diagnostic], sources: &SourceMap) {
    crate::display::finish();
    let color = std::io::IsTerminal::is_terminal(&std::io::stderr())
        && std::env::var_os("NO_COLOR").is_none();
    let mut err = std::io::stderr().lock();
    for d in ds {
        if d.is_error() {
            let _ = write!(err, "{}", render(d, sources, color));
        } else {
            let at = d.path.as_ref().map(|p| format!("at {p}"));
            let loc = match (location(d, sources), at) {
                (Some(l), Some(at)) => format!(" ({l}, {at})"),
                (Some(l), None) => format!(" ({l})"),
                (None, Some(at)) => format!(" ({at})"),
                (None, None) => String::new(),
            };
            if crate::display::settings().mode == crate::display::Mode::Json {
                // compose logs as JSON under `--progress json`.
                let msg = format!("{}{loc}", d.message);
                let _ = writeln!(err, "{}", crate::display::json::log_line("warning", &msg));
            } else {
                let _ = writeln!(err, "WARN[0000] {}{loc}", d.message);
            }
        }
    }
}

/// Writes one line to stderr.
pub fn stderr_line(s: &str) {
    crate::display::finish();
    crate::menu::around(|| {
        let mut err = std::io::stderr().lock();
        let _ = writeln!(err, "{s}");
    });
}

/// Marks the progress lines that follow as those of a dry run (`--dry-run`).
pub fn set_dry_run(on: bool) {
    crate::display::set_dry_run(on);
}

/// Reads `--progress`, `--ansi` and their environment variables as compose
/// does (an invalid choice fails the command), and the live display's title
/// (compose's per command: `Pulling`, `Removing`, ...; `Running` by default).
pub fn configure(global: &crate::cli::Global, title: &'static str) -> anyhow::Result<()> {
    let settings = crate::display::resolve(global.ansi, global.progress, |k| std::env::var(k).ok())
        .map_err(anyhow::Error::msg)?;
    crate::display::configure(settings);
    crate::display::set_title(title);
    Ok(())
}

/// Shows a progress event as `--progress` asks (see [`crate::display`]):
/// plain is compose's line ` Container demo-web-1  Started`
/// (` demo-web-1 copy a to demo-web-1:/b Copied` with details) on stderr; a
/// warning about the whole run is `WARN[0000] ...`; a line of a builder's
/// output goes to stdout after `service | ` (the name padded to `width`).
pub fn progress(e: &compose_engine::progress::Event, width: usize) {
    crate::display::event(e, width);
}

/// The engine's progress events, shown by [`progress`].
pub fn sink() -> compose_engine::progress::Sink {
    sink_padded(0)
}

/// Ends the live display when the last copy of its sink is dropped.
struct EndsDisplay;

impl Drop for EndsDisplay {
    fn drop(&mut self) {
        crate::display::finish();
    }
}

/// Like [`sink`], with builders' output prefixed by service names padded to `width`.
/// A live display runs until the last copy of the sink is dropped or
/// anything else is printed.
pub fn sink_padded(width: usize) -> compose_engine::progress::Sink {
    let guard = EndsDisplay;
    std::sync::Arc::new(move |e| {
        let _ = &guard;
        progress(&e, width)
    })
}

/// The events of what runs beside containers' output (attached `up`
/// stopping them): lines among the logs, never a live display
/// ([`crate::display::event_with_log`]).
pub fn sink_with_log() -> compose_engine::progress::Sink {
    std::sync::Arc::new(|e| crate::display::event_with_log(&e))
}

/// Ends the live progress display, if one runs (before something else
/// takes the terminal: an interactive session).
pub fn end_progress() {
    crate::display::finish();
}

/// Whether stdout takes colours: not `no_color` (a command's flag), and
/// compose's `--ansi`/`COMPOSE_ANSI` (`auto`: when stdout is a terminal) and
/// `NO_COLOR` (when not empty) allow them.
pub fn color_stdout(no_color: bool) -> bool {
    !no_color && crate::display::use_ansi(std::io::IsTerminal::is_terminal(&std::io::stdout()))
}

/// Standard output as an async writer, for a stream of bytes (`cp … -`'s tar archive).
pub fn stdout_writer() -> std::pin::Pin<Box<dyn tokio::io::AsyncWrite + Send>> {
    crate::display::finish();
    Box::pin(tokio::io::stdout())
}

/// Writes raw bytes to stdout (log lines).
pub fn stdout_bytes(b: &[u8]) {
    crate::display::finish();
    crate::menu::around(|| {
        let mut out = std::io::stdout().lock();
        let _ = out.write_all(b);
        let _ = out.flush();
    });
}

/// Writes raw bytes to stderr (a process's own error output).
pub fn stderr_bytes(b: &[u8]) {
    crate::display::finish();
    crate::menu::around(|| {
        let mut err = std::io::stderr().lock();
        let _ = err.write_all(b);
        let _ = err.flush();
    });
}

/// Whether progress is plain lines (`--progress plain`, `--ansi never`):
/// compose then draws no navigation menu.
pub fn progress_is_plain() -> bool {
    crate::display::settings().mode == crate::display::Mode::Plain
}

/// Writes a prompt to stderr without a newline.
pub fn stderr_prompt(s: &str) {
    crate::display::finish();
    let mut err = std::io::stderr().lock();
    let _ = write!(err, "{s}");
    let _ = err.flush();
}
