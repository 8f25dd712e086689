//! compose's JSON progress (`json.go`): one object per event, its fields
//! left out when empty (Go's `omitempty`), written with Go's escapes; log
//! lines as logrus' JSON formatter writes them.

use compose_engine::progress::{Event, Status};
use serde::Serialize;

#[derive(Serialize)]
struct Message<'a> {
    #[serde(rename = "dry-run", skip_serializing_if = "is_false")]
    dry_run: bool,
    #[serde(skip_serializing_if = "is_false")]
    tail: bool,
    #[serde(skip_serializing_if = "str::is_empty")]
    id: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    parent_id: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    text: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    status: &'a str,
    #[serde(skip_serializing_if = "is_zero")]
    current: u64,
    #[serde(skip_serializing_if = "is_zero")]
    total: u64,
    #[serde(skip_serializing_if = "is_zero_u8")]
    percent: u8,
}

fn is_false(b: &bool) -> bool {
    !*b
}
fn is_zero(n: &u64) -> bool {
    *n == 0
}
fn is_zero_u8(n: &u8) -> bool {
    *n == 0
}

/// An event as compose's JSON line: `id` the resource, `text` what is done
/// (compose's event text), `status` the word (compose's status text).
pub fn line(e: &Event, dry_run: bool) -> String {
    let status = match e.status {
        Status::Warning if e.details.is_empty() => format!("Warning: {}", e.text),
        _ => e.text.clone(),
    };
    compose_spec::gocompat::json::to_string(&Message {
        dry_run,
        tail: false,
        id: &e.resource,
        parent_id: &e.parent,
        text: &e.details,
        status: &status,
        current: e.current,
        total: e.total,
        percent: e.percent,
    })
}

/// A log entry as logrus' JSON formatter writes it (`level`, `msg`, `time`).
pub fn log_line(level: &str, msg: &str) -> String {
    let v = serde_json::json!({"level": level, "msg": msg, "time": rfc3339_now()});
    compose_spec::gocompat::json::to_string(&v)
}

/// The current time in UTC as RFC 3339 (`2025-01-02T03:04:05Z`).
fn rfc3339_now() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    rfc3339(secs)
}

fn rfc3339(secs: i64) -> String {
    let (y, m, d, hh, mm, ss) = crate::table::civil(secs);
    format!("{y:04}-{m:02}-{d:02}T{hh:02}:{mm:02}:{ss:02}Z")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_as_compose_writes_them() {
        let e = Event::new("Container p-web-1", Status::Done, "Started");
        assert_eq!(
            line(&e, false),
            r#"{"id":"Container p-web-1","status":"Started"}"#
        );
        assert_eq!(
            line(&e, true),
            r#"{"dry-run":true,"id":"Container p-web-1","status":"Started"}"#
        );
        let layer = Event::new("abc", Status::Working, "[=>  ] 1kB/2kB")
            .with_details("Downloading")
            .with_parent("web")
            .with_progress(1000, 2000, 50);
        assert_eq!(
            line(&layer, false),
            r#"{"id":"abc","parent_id":"web","text":"Downloading","status":"[=\u003e  ] 1kB/2kB","current":1000,"total":2000,"percent":50}"#
        );
    }

    #[test]
    fn times_in_utc() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_700_000_000), "2023-11-14T22:13:20Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
    }
}
