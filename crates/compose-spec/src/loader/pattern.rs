//! Key-path patterns such as `services.*.ports.[]`, the way compose-go's
//! `tree.Path.Matches` uses them to attach transforms, merge rules and casts to
//! places in the tree.

use crate::node::{KeyPath, PathSeg};

/// Whether `path` matches `pattern` (segments: literal key, `*` = any segment,
/// `[]` = any sequence index).
pub fn matches(path: &KeyPath, pattern: &[&str]) -> bool {
    if path.0.len() != pattern.len() {
        return false;
    }
    path.0
        .iter()
        .zip(pattern)
        .all(|(seg, pat)| match (*pat, seg) {
            ("*", _) => true,
            ("[]", PathSeg::Index(_)) => true,
            (p, PathSeg::Key(k)) => p == k,
            _ => false,
        })
}

/// The first pattern of `table` that `path` matches, with its payload.
pub fn lookup<'t, T>(path: &KeyPath, table: &'t [(&[&str], T)]) -> Option<&'t T> {
    table.iter().find(|(p, _)| matches(path, p)).map(|(_, t)| t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcard_and_list() {
        let p = KeyPath::root()
            .key("services")
            .key("web")
            .key("ports")
            .index(0)
            .key("target");
        assert!(matches(&p, &["services", "*", "ports", "[]", "target"]));
        assert!(matches(&p, &["services", "*", "ports", "*", "target"]));
        assert!(!matches(&p, &["services", "*", "ports", "target"]));
        let k = KeyPath::root()
            .key("services")
            .key("web")
            .key("ports")
            .key("x");
        assert!(!matches(&k, &["services", "*", "ports", "[]"]));
    }
}
