//! The process's standard streams, written raw: what `output` (the one
//! funnel) and `display` (the progress writers it drives) both write
//! through, kept apart so neither needs the other's internals. The status
//! stream is stderr, or stdout with compose's `COMPOSE_STATUS_STDOUT`.

use std::io::Write;

/// One line on stdout, without ending the live display (the display's own use).
pub fn raw_stdout_line(s: &str) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{s}");
    let _ = out.flush();
}

/// One line on the status stream (stderr, or stdout with
/// `COMPOSE_STATUS_STDOUT`), without ending the live display (the display's own use).
pub fn raw_stderr_line(s: &str) {
    write_status(format!("{s}\n").as_bytes());
}

/// compose's `COMPOSE_STATUS_STDOUT` (Go's `strconv.ParseBool`, read once):
/// progress goes to stdout instead of stderr.
pub fn status_to_stdout() -> bool {
    static ON: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *ON.get_or_init(|| {
        std::env::var("COMPOSE_STATUS_STDOUT")
            .is_ok_and(|v| matches!(v.as_str(), "1" | "t" | "T" | "TRUE" | "true" | "True"))
    })
}

/// Whether the status stream is a terminal.
pub fn status_is_terminal() -> bool {
    if status_to_stdout() {
        std::io::IsTerminal::is_terminal(&std::io::stdout())
    } else {
        std::io::IsTerminal::is_terminal(&std::io::stderr())
    }
}

/// Writes bytes to the status stream.
pub fn write_status(buf: &[u8]) {
    if status_to_stdout() {
        let mut out = std::io::stdout().lock();
        let _ = out.write_all(buf);
        let _ = out.flush();
    } else {
        let mut err = std::io::stderr().lock();
        let _ = err.write_all(buf);
        let _ = err.flush();
    }
}
