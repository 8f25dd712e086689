//! Durations as Docker Compose parses them.
//!
//! The Compose Specification's schema types every duration (`healthcheck.interval`,
//! `stop_grace_period`, ...) as a plain string. compose-go rejects a malformed one
//! later, when it decodes the tree into its typed model, with
//! `github.com/xhit/go-str2duration/v2`: Go's `time.ParseDuration` plus the units
//! `d` (24h) and `w` (7d). We check the same fields with the same grammar while
//! validating, so that the error carries a span and a key path.

use crate::diag::{Code, Diagnostic};
use crate::node::{KeyPath, Node};

/// Why a duration failed to parse; mirrors the Go error texts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum DurationError {
    /// `time: invalid duration "..."` (no digits, stray characters, overflow).
    Invalid,
    /// `time: missing unit in duration "..."`.
    MissingUnit,
    /// `time: unknown unit "..." in duration "..."`.
    UnknownUnit(String),
}

const NS: u64 = 1;
const US: u64 = 1_000 * NS;
const MS: u64 = 1_000 * US;
const SEC: u64 = 1_000 * MS;
const MIN: u64 = 60 * SEC;
const HOUR: u64 = 60 * MIN;

fn unit(u: &str, days_weeks: bool) -> Option<u64> {
    Some(match u {
        "ns" => NS,
        // "µs" is U+00B5 (micro sign), "μs" U+03BC (Greek mu): Go accepts both.
        "us" | "\u{b5}s" | "\u{3bc}s" => US,
        "ms" => MS,
        "s" => SEC,
        "m" => MIN,
        "h" => HOUR,
        "d" if days_weeks => 24 * HOUR,
        "w" if days_weeks => 7 * 24 * HOUR,
        _ => return None,
    })
}

/// Parses a duration with the grammar of Go's `time.ParseDuration`
/// (`[-+]?([0-9]*(\.[0-9]*)?[a-zµμ]+)+`, or a bare `0`), returning nanoseconds.
/// With `days_weeks`, `d` and `w` are units too (go-str2duration).
pub(crate) fn parse_duration(s: &str, days_weeks: bool) -> Result<i64, DurationError> {
    let mut rest = s;
    let mut neg = false;
    if let Some(c) = rest.chars().next() {
        if c == '-' || c == '+' {
            neg = c == '-';
            rest = &rest[1..];
        }
    }
    if rest == "0" {
        return Ok(0);
    }
    if rest.is_empty() {
        return Err(DurationError::Invalid);
    }
    let mut total: u64 = 0;
    while !rest.is_empty() {
        let b = rest.as_bytes();
        if !(b[0] == b'.' || b[0].is_ascii_digit()) {
            return Err(DurationError::Invalid);
        }
        // [0-9]*
        let int_len = b.iter().take_while(|c| c.is_ascii_digit()).count();
        let mut v: u64 = 0;
        for &c in &b[..int_len] {
            if v > (i64::MAX as u64) / 10 {
                return Err(DurationError::Invalid);
            }
            v = v * 10 + u64::from(c - b'0');
            if v > i64::MAX as u64 {
                return Err(DurationError::Invalid);
            }
        }
        rest = &rest[int_len..];
        let pre = int_len > 0;
        // (\.[0-9]*)?
        let mut post = false;
        let mut frac: u64 = 0;
        let mut scale: f64 = 1.0;
        if rest.as_bytes().first() == Some(&b'.') {
            rest = &rest[1..];
            let fb = rest.as_bytes();
            let frac_len = fb.iter().take_while(|c| c.is_ascii_digit()).count();
            let mut overflow = false;
            for &c in &fb[..frac_len] {
                if overflow {
                    continue;
                }
                if frac > (i64::MAX as u64) / 10 {
                    overflow = true;
                    continue;
                }
                let y = frac * 10 + u64::from(c - b'0');
                if y > 1 << 63 {
                    overflow = true;
                    continue;
                }
                frac = y;
                scale *= 10.0;
            }
            rest = &rest[frac_len..];
            post = frac_len > 0;
        }
        if !pre && !post {
            return Err(DurationError::Invalid);
        }
        // The unit runs up to the next '.' or digit (both ASCII, so a char boundary).
        let unit_len = rest
            .as_bytes()
            .iter()
            .take_while(|&&c| c != b'.' && !c.is_ascii_digit())
            .count();
        if unit_len == 0 {
            return Err(DurationError::MissingUnit);
        }
        let u = &rest[..unit_len];
        rest = &rest[unit_len..];
        let Some(unit) = unit(u, days_weeks) else {
            return Err(DurationError::UnknownUnit(u.to_string()));
        };
        if v > (i64::MAX as u64) / unit {
            return Err(DurationError::Invalid);
        }
        v *= unit;
        if frac > 0 {
            // Go truncates the float product toward zero, as `as` does here.
            v = v.saturating_add((frac as f64 * (unit as f64 / scale)) as u64);
            if v > i64::MAX as u64 {
                return Err(DurationError::Invalid);
            }
        }
        total = total.saturating_add(v);
        if total > i64::MAX as u64 {
            return Err(DurationError::Invalid);
        }
    }
    let total = i64::try_from(total).map_err(|_| DurationError::Invalid)?;
    Ok(if neg { -total } else { total })
}

/// Key paths, below a service, of the fields compose-go decodes as durations.
const SERVICE_DURATIONS: &[&[&str]] = &[
    &["healthcheck", "interval"],
    &["healthcheck", "timeout"],
    &["healthcheck", "start_period"],
    &["healthcheck", "start_interval"],
    &["stop_grace_period"],
    &["deploy", "update_config", "delay"],
    &["deploy", "update_config", "monitor"],
    &["deploy", "rollback_config", "delay"],
    &["deploy", "rollback_config", "monitor"],
    &["deploy", "restart_policy", "delay"],
    &["deploy", "restart_policy", "window"],
];

/// The help text shared by every duration diagnostic.
pub(crate) const DURATION_HELP: &str =
    "write a duration such as `30s`, `1m30s` or `1h` (units: ns, us, ms, s, m, h, d, w)";

/// Escapes a key for a JSON pointer.
fn pointer_seg(s: &str) -> String {
    s.replace('~', "~0").replace('/', "~1")
}

/// Checks every duration field of every service; values that are not strings are
/// left to the schema's type check. Pushes `(JSON pointer, diagnostic)`.
pub(crate) fn check_durations(root: &Node, out: &mut Vec<(String, Diagnostic)>) {
    let Some(services) = root.get("services").and_then(Node::as_map) else {
        return;
    };
    for (name, service) in services.iter() {
        for fields in SERVICE_DURATIONS {
            // Walk first; build paths only for the (rare) failures.
            let Some(node) = fields.iter().try_fold(service, |n, f| n.get(f)) else {
                continue;
            };
            let Some(text) = node.as_str() else { continue };
            let Err(e) = parse_duration(text, true) else {
                continue;
            };
            let mut path = KeyPath::root().key("services").key(name.as_str());
            let mut pointer = format!("/services/{}", pointer_seg(name));
            for f in *fields {
                path = path.key(*f);
                pointer.push('/');
                pointer.push_str(f);
            }
            let field = fields.join(".");
            let why = match &e {
                DurationError::Invalid => "not a duration".to_string(),
                DurationError::MissingUnit => "a number is missing its unit".to_string(),
                DurationError::UnknownUnit(u) => format!("unknown unit `{u}`"),
            };
            let help = match &e {
                DurationError::MissingUnit => {
                    format!("add a unit, e.g. `{}s`; {DURATION_HELP}", text.trim())
                }
                _ => DURATION_HELP.to_string(),
            };
            let d = Diagnostic::error(
                Code::Duration,
                format!("invalid duration `{text}` for `{field}` of service \"{name}\": {why}"),
            )
            .with_path(path.to_string())
            .with_span(node.span)
            .with_help(help);
            out.push((pointer, d));
        }
    }
}

/// Whether `s` is a duration as compose-go's schema `duration` format checks it
/// (Go's `time.ParseDuration`, without `d`/`w`).
pub(crate) fn is_go_duration(s: &str) -> bool {
    parse_duration(s, false).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(s: &str) -> i64 {
        match parse_duration(s, true) {
            Ok(v) => v,
            Err(e) => panic!("{s}: {e:?}"),
        }
    }

    #[test]
    fn accepts_what_compose_accepts() {
        assert_eq!(ok("1d"), 86_400_000_000_000);
        assert_eq!(ok("1w"), 7 * 86_400_000_000_000);
        assert_eq!(ok("1.5h"), 5_400_000_000_000);
        assert_eq!(ok("-1s"), -1_000_000_000);
        assert_eq!(ok("0"), 0);
        assert_eq!(ok("+0"), 0);
        assert_eq!(ok("10µs"), 10_000);
        assert_eq!(ok("10μs"), 10_000);
        assert_eq!(ok(".5s"), 500_000_000);
        assert_eq!(ok("1h30m"), 5_400_000_000_000);
        assert_eq!(ok("1m30.5s"), 90_500_000_000);
    }

    #[test]
    fn rejects_what_compose_rejects() {
        use DurationError::*;
        assert_eq!(parse_duration("", true), Err(Invalid));
        assert_eq!(parse_duration("1h30", true), Err(MissingUnit));
        assert_eq!(parse_duration("5.", true), Err(MissingUnit));
        assert_eq!(parse_duration(".", true), Err(Invalid));
        assert_eq!(parse_duration("1 s", true), Err(UnknownUnit(" s".into())));
        assert_eq!(parse_duration("1e3s", true), Err(UnknownUnit("e".into())));
        assert_eq!(parse_duration("1S", true), Err(UnknownUnit("S".into())));
        assert_eq!(parse_duration("10x", true), Err(UnknownUnit("x".into())));
        assert_eq!(parse_duration("99999999999h", true), Err(Invalid));
        assert_eq!(parse_duration("abc", true), Err(Invalid));
        assert_eq!(parse_duration("1d", false), Err(UnknownUnit("d".into())));
        assert!(is_go_duration("1m30s"));
        assert!(!is_go_duration("1w"));
    }
}
