//! The duration fields checked while validating, so a bad one has a span.
//!
//! The Compose Specification's schema types every duration (`healthcheck.interval`,
//! `stop_grace_period`, ...) as a plain string. compose-go rejects a malformed one
//! later, when it decodes the tree into its typed model, with
//! `github.com/xhit/go-str2duration/v2`: Go's `time.ParseDuration` plus the units
//! `d` (24h) and `w` (7d). We check the same fields with the same grammar
//! ([`crate::gocompat::duration`]) while validating, so that the error carries
//! a span and a key path.

use crate::diag::{Code, Diagnostic};
use crate::gocompat::duration::{parse, Dialect, ParseError};
use crate::node::{KeyPath, Node};

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
            let Err(e) = parse(text, Dialect::Str2duration) else {
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
                ParseError::Invalid => "not a duration".to_string(),
                ParseError::MissingUnit => "a number is missing its unit".to_string(),
                ParseError::UnknownUnit(u) => format!("unknown unit `{u}`"),
            };
            let help = match &e {
                ParseError::MissingUnit => {
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
    parse(s, Dialect::Go).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schema_format_is_go_s_grammar() {
        assert!(is_go_duration("1m30s"));
        assert!(is_go_duration("0"));
        assert!(!is_go_duration("1w"));
        assert!(!is_go_duration("30"));
    }
}
