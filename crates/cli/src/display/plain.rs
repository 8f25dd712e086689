//! compose's plain progress (`plain.go`): one line per event,
//! ` Container demo-web-1  Started` (prefix, id, text, status text joined by
//! spaces), marked ` DRY-RUN MODE - ` in a dry run.

use compose_engine::progress::{Event, Status};

/// compose's mark on every progress line of a dry run.
pub const DRY_RUN_MARK: &str = " DRY-RUN MODE - ";

/// The dry-run mark, or nothing.
pub fn mark() -> &'static str {
    if super::dry_run() {
        DRY_RUN_MARK
    } else {
        ""
    }
}

/// An event's line.
pub fn line(e: &Event) -> String {
    let text = match e.status {
        Status::Warning if e.details.is_empty() => format!("Warning: {}", e.text),
        _ => e.text.clone(),
    };
    format!("{} {} {} {}", mark(), e.resource, e.details, text)
}
