//! Navigating the embedded schema by key path.
//!
//! The validator tells us *that* a key is unknown; to say what would have been
//! right (did-you-mean, completion, allowed enum values) we look the place up in
//! the schema ourselves. A key path selects every subschema that can apply there:
//! `$ref`s are followed and all `oneOf`/`anyOf`/`allOf` branches are kept, so the
//! answer is the union over the alternatives (e.g. the long syntax of `ports[0]`).

use regex::Regex;
use serde_json::Value;
use std::sync::OnceLock;

/// The Compose Specification's JSON schema, as shipped by compose-go v2.9.1.
pub(crate) const SCHEMA_TEXT: &str = include_str!("compose-spec.json");

/// The parsed schema plus the compiled `patternProperties` regexes.
pub(crate) struct SchemaDoc {
    root: Value,
    patterns: Vec<(String, Option<Regex>)>,
}

/// How deep `$ref`/`oneOf` expansion may go (the schema needs 3).
const MAX_EXPAND_DEPTH: usize = 16;

/// The parsed embedded schema (parsed once).
pub(crate) fn doc() -> &'static SchemaDoc {
    static DOC: OnceLock<SchemaDoc> = OnceLock::new();
    DOC.get_or_init(|| {
        // The embedded text is checked by a unit test; a parse failure would
        // only make every lookup come back empty.
        let root: Value = serde_json::from_str(SCHEMA_TEXT).unwrap_or(Value::Null);
        let mut names = Vec::new();
        collect_patterns(&root, &mut names);
        names.sort();
        names.dedup();
        let patterns = names
            .into_iter()
            .map(|p| {
                let re = Regex::new(&p).ok();
                (p, re)
            })
            .collect();
        SchemaDoc { root, patterns }
    })
}

fn collect_patterns(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, sub) in m {
                if k == "patternProperties" {
                    if let Value::Object(pp) = sub {
                        out.extend(pp.keys().cloned());
                    }
                }
                collect_patterns(sub, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|i| collect_patterns(i, out)),
        _ => {}
    }
}

impl SchemaDoc {
    /// The whole schema document.
    pub(crate) fn root(&self) -> &Value {
        &self.root
    }

    /// Whether a `patternProperties` pattern matches `key` (ECMA-262 semantics:
    /// unanchored search, as in JSON Schema).
    pub(crate) fn pattern_matches(&self, pattern: &str, key: &str) -> bool {
        self.patterns
            .iter()
            .find(|(p, _)| p == pattern)
            .and_then(|(_, re)| re.as_ref())
            .is_some_and(|re| re.is_match(key))
    }

    fn deref<'a>(&'a self, mut s: &'a Value) -> &'a Value {
        for _ in 0..MAX_EXPAND_DEPTH {
            match s.get("$ref").and_then(Value::as_str) {
                Some(r) => match r.strip_prefix('#').and_then(|p| self.root.pointer(p)) {
                    Some(target) => s = target,
                    None => return s,
                },
                None => return s,
            }
        }
        s
    }

    /// Pushes `s` and, recursively, every alternative it combines.
    fn expand<'a>(&'a self, s: &'a Value, out: &mut Vec<&'a Value>, depth: usize) {
        if depth > MAX_EXPAND_DEPTH {
            return;
        }
        let s = self.deref(s);
        if !out.iter().any(|o| std::ptr::eq(*o, s)) {
            out.push(s);
        }
        for comb in ["oneOf", "anyOf", "allOf"] {
            if let Some(Value::Array(branches)) = s.get(comb) {
                for b in branches {
                    self.expand(b, out, depth + 1);
                }
            }
        }
    }

    /// The subschemas that apply to the value at `path` (keys, or decimal indices
    /// for list items).
    pub(crate) fn at<'a>(&'a self, path: &[&str]) -> Vec<&'a Value> {
        let mut set = Vec::new();
        self.expand(&self.root, &mut set, 0);
        for seg in path {
            let mut next = Vec::new();
            for s in &set {
                for child in self.children(s, seg) {
                    self.expand(child, &mut next, 0);
                }
            }
            if next.is_empty() {
                return next;
            }
            set = next;
        }
        set
    }

    /// The subschemas of `s` that apply to its member `seg`.
    fn children<'a>(&'a self, s: &'a Value, seg: &str) -> Vec<&'a Value> {
        let mut out = Vec::new();
        let mut named = false;
        if let Some(p) = s.get("properties").and_then(|p| p.get(seg)) {
            out.push(p);
            named = true;
        }
        if let Some(Value::Object(pp)) = s.get("patternProperties") {
            for (pat, sub) in pp {
                if self.pattern_matches(pat, seg) {
                    out.push(sub);
                    named = true;
                }
            }
        }
        if !named {
            if let Some(ap @ Value::Object(_)) = s.get("additionalProperties") {
                out.push(ap);
            }
        }
        if seg.parse::<usize>().is_ok() {
            if let Some(items @ Value::Object(_)) = s.get("items") {
                out.push(items);
            }
        }
        out
    }

    /// Property names the schema defines at `path`, in schema order.
    pub(crate) fn allowed_keys(&self, path: &[&str]) -> Vec<&str> {
        let mut keys: Vec<&str> = Vec::new();
        for s in self.at(path) {
            if let Some(Value::Object(props)) = s.get("properties") {
                for k in props.keys() {
                    if !keys.contains(&k.as_str()) {
                        keys.push(k);
                    }
                }
            }
        }
        keys
    }

    /// The first `description` of the subschemas at `path`.
    pub(crate) fn description(&self, path: &[&str]) -> Option<&str> {
        // a `$ref` with a `description` beside it: the sibling is the one meant
        if let Some((last, parent)) = path.split_last() {
            for s in self.at(parent) {
                for c in self.children(s, last) {
                    if let Some(d) = c.get("description").and_then(Value::as_str) {
                        return Some(d);
                    }
                }
            }
        }
        self.at(path)
            .into_iter()
            .find_map(|s| s.get("description").and_then(Value::as_str))
    }

    /// The `patternProperties` patterns at `path`.
    pub(crate) fn key_patterns(&self, path: &[&str]) -> Vec<&str> {
        let mut pats: Vec<&str> = Vec::new();
        for s in self.at(path) {
            if let Some(Value::Object(pp)) = s.get("patternProperties") {
                for k in pp.keys() {
                    if !pats.contains(&k.as_str()) {
                        pats.push(k);
                    }
                }
            }
        }
        pats
    }

    /// The string values of an `enum` at `path`, if one applies there.
    pub(crate) fn enum_values(&self, path: &[&str]) -> Vec<&str> {
        let mut vals: Vec<&str> = Vec::new();
        for s in self.at(path) {
            if let Some(Value::Array(e)) = s.get("enum") {
                for v in e.iter().filter_map(Value::as_str) {
                    if !vals.contains(&v) {
                        vals.push(v);
                    }
                }
            }
        }
        vals
    }

    /// Where below `path` (at most `max_depth` keys down, through fixed property
    /// names only) a property called `key` is defined; the relative path of the
    /// first one found, breadth first.
    pub(crate) fn find_nested(
        &self,
        path: &[&str],
        key: &str,
        max_depth: usize,
    ) -> Option<Vec<&str>> {
        let mut frontier: Vec<(Vec<&str>, Vec<&Value>)> = vec![(Vec::new(), self.at(path))];
        for _ in 0..max_depth {
            let mut next = Vec::new();
            for (rel, set) in &frontier {
                for s in set {
                    let Some(Value::Object(props)) = s.get("properties") else {
                        continue;
                    };
                    for (name, sub) in props {
                        let mut expanded = Vec::new();
                        self.expand(sub, &mut expanded, 0);
                        let has_key = expanded
                            .iter()
                            .any(|e| e.get("properties").and_then(|p| p.get(key)).is_some());
                        let mut rel2 = rel.clone();
                        rel2.push(name.as_str());
                        if has_key {
                            return Some(rel2);
                        }
                        next.push((rel2, expanded));
                    }
                }
            }
            frontier = next;
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_schema_parses() {
        assert!(serde_json::from_str::<Value>(SCHEMA_TEXT).is_ok());
        assert!(doc().root().get("definitions").is_some());
    }

    #[test]
    fn keys_at_paths() {
        let d = doc();
        let top = d.allowed_keys(&[]);
        assert_eq!(
            top,
            [
                "version", "name", "include", "services", "models", "networks", "volumes",
                "secrets", "configs"
            ]
        );
        let svc = d.allowed_keys(&["services", "web"]);
        assert!(svc.contains(&"image") && svc.contains(&"depends_on") && svc.len() > 60);
        assert!(d.allowed_keys(&["services"]).is_empty());
        let ports = d.allowed_keys(&["services", "web", "ports", "3"]);
        assert!(ports.contains(&"published") && ports.contains(&"host_ip"));
        let build = d.allowed_keys(&["services", "web", "build"]);
        assert!(build.contains(&"context") && build.contains(&"dockerfile"));
        let dep = d.allowed_keys(&["services", "web", "depends_on", "db"]);
        assert_eq!(dep, ["restart", "required", "condition"]);
        assert_eq!(
            d.enum_values(&["services", "web", "depends_on", "db", "condition"]),
            [
                "service_started",
                "service_healthy",
                "service_completed_successfully"
            ]
        );
        assert_eq!(d.key_patterns(&["services"]), ["^[a-zA-Z0-9._-]+$"]);
        assert_eq!(
            d.find_nested(&["services", "web"], "restart_policy", 3),
            Some(vec!["deploy"])
        );
    }
}
