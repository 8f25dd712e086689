//! Merging compose files and the `!reset` / `!override` tags.
//!
//! Each file after the first is merged onto the model so far by the Compose
//! Specification's merge rules, as compose-go's `override` package applies them:
//! mappings key by key, most sequences appended, some (`environment`, `labels`,
//! `dns`...) converted to `KEY=VALUE` lists first, `command`/`entrypoint`/
//! `healthcheck.test` replaced; then duplicates are removed by each sequence's
//! identity (ports by binding, volumes by target...). Spans travel with the nodes,
//! so a merged value still points at the file that defined it.

use super::pattern::{self, Live};
use crate::node::{KeyPath, Map, Node, PathSeg, Tag, Value};
use crate::span::Span;
use std::borrow::Cow;

/// Removes `!reset` nodes from a freshly parsed file and records where they (and
/// `!override` nodes) were, so the same paths can be cleared from the model
/// loaded so far before this file is merged onto it.
pub fn collect_resets(node: &mut Node) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    if !has_tags(node) {
        // Nothing tagged: nothing to record nor remove.
        return out;
    }
    let mut path = Vec::new();
    walk_resets(node, &mut path, &mut out);
    out
}

/// Whether a `!reset` or `!override` tag is anywhere in the tree.
fn has_tags(node: &Node) -> bool {
    if matches!(node.tag, Some(Tag::Reset | Tag::Override)) {
        return true;
    }
    match &node.value {
        Value::Map(m) => m.iter().any(|(_, v)| has_tags(v)),
        Value::Seq(items) => items.iter().any(has_tags),
        _ => false,
    }
}

fn walk_resets(node: &mut Node, path: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    match &mut node.value {
        Value::Map(m) => {
            let mut remove = Vec::new();
            for (k, v) in m.iter_mut() {
                path.push(k.to_string());
                match v.tag {
                    Some(Tag::Reset) => {
                        out.push(path.clone());
                        remove.push(k.clone());
                    }
                    Some(Tag::Override) => out.push(path.clone()),
                    _ => walk_resets(v, path, out),
                }
                path.pop();
            }
            for k in remove {
                m.remove(&k);
            }
        }
        Value::Seq(items) => {
            // compose-go records sequence items by index but never matches them
            // against the model (its paths differ in form): items tagged !reset are
            // only dropped from this file.
            items.retain(|n| n.tag != Some(Tag::Reset));
            for (i, v) in items.iter_mut().enumerate() {
                path.push(i.to_string());
                if v.tag != Some(Tag::Override) {
                    walk_resets(v, path, out);
                }
                path.pop();
            }
        }
        _ => {}
    }
}

/// Deletes every mapping entry of `target` whose path matches one of `paths`.
pub fn apply_resets(target: &mut Node, paths: &[Vec<String>]) {
    if paths.is_empty() {
        return;
    }
    let mut path = Vec::new();
    apply_walk(target, &mut path, paths);
}

fn apply_walk(node: &mut Node, path: &mut Vec<String>, paths: &[Vec<String>]) {
    if let Value::Map(m) = &mut node.value {
        let keys: Vec<String> = m.keys().map(|k| k.to_string()).collect();
        for k in keys {
            path.push(k.clone());
            if paths.iter().any(|p| p == path) {
                m.remove(&k);
            } else if let Some(v) = m.get_mut(&k) {
                apply_walk(v, path, paths);
            }
            path.pop();
        }
    }
}

#[derive(Clone, Copy)]
enum Merger {
    IpamConfig,
    ToSequence,
    Build,
    Override,
    DependsOn,
    ExtraHosts,
    Logging,
    ToMapping,
    Ulimit,
}

const S: &str = "services";
const A: &str = "*";

#[rustfmt::skip]
static MERGERS: &[(&[&str], Merger)] = &[
    (&["networks", A, "ipam", "config"], Merger::IpamConfig),
    (&["networks", A, "labels"], Merger::ToSequence),
    (&["volumes", A, "labels"], Merger::ToSequence),
    (&[S, A, "annotations"], Merger::ToSequence),
    (&[S, A, "build"], Merger::Build),
    (&[S, A, "build", "args"], Merger::ToSequence),
    (&[S, A, "build", "additional_contexts"], Merger::ToSequence),
    (&[S, A, "build", "extra_hosts"], Merger::ExtraHosts),
    (&[S, A, "build", "labels"], Merger::ToSequence),
    (&[S, A, "command"], Merger::Override),
    (&[S, A, "depends_on"], Merger::DependsOn),
    (&[S, A, "deploy", "labels"], Merger::ToSequence),
    (&[S, A, "dns"], Merger::ToSequence),
    (&[S, A, "dns_opt"], Merger::ToSequence),
    (&[S, A, "dns_search"], Merger::ToSequence),
    (&[S, A, "entrypoint"], Merger::Override),
    (&[S, A, "env_file"], Merger::ToSequence),
    (&[S, A, "label_file"], Merger::ToSequence),
    (&[S, A, "environment"], Merger::ToSequence),
    (&[S, A, "extra_hosts"], Merger::ExtraHosts),
    (&[S, A, "healthcheck", "test"], Merger::Override),
    (&[S, A, "labels"], Merger::ToSequence),
    (&[S, A, "volumes", A, "volume", "labels"], Merger::ToSequence),
    (&[S, A, "logging"], Merger::Logging),
    (&[S, A, "models"], Merger::ToMapping),
    (&[S, A, "networks"], Merger::ToMapping),
    (&[S, A, "sysctls"], Merger::ToSequence),
    (&[S, A, "tmpfs"], Merger::ToSequence),
    (&[S, A, "ulimits", A], Merger::Ulimit),
];

/// An error from merging: the path and what could not be merged.
#[derive(Debug, Clone)]
pub struct MergeError {
    /// Where.
    pub path: KeyPath,
    /// The base value's span.
    pub base: Span,
    /// The override's span.
    pub other: Span,
}

/// Merges `other` onto `base` (both whole files' trees).
pub fn merge(base: Node, other: Node) -> Result<Node, MergeError> {
    let mut path = KeyPath::root();
    merge_node(base, other, &mut path)
}

/// compose-go's `ExtendService`: the extending service merged onto its base with
/// the service merge rules.
pub fn extend_service(base: Node, service: Node) -> Result<Node, MergeError> {
    let mut path = KeyPath::root().key("services").key("x");
    merge_node(base, service, &mut path)
}

fn merge_node(base: Node, other: Node, path: &mut KeyPath) -> Result<Node, MergeError> {
    if let Some(m) = pattern::lookup(path, MERGERS) {
        return special(*m, base, other, path);
    }
    if other.is_null() && other.tag.is_none() {
        return Ok(base);
    }
    match (base.value, other.value) {
        (Value::Map(b), Value::Map(o)) => Ok(Node {
            span: other.span,
            tag: other.tag,
            value: Value::Map(merge_maps(b, o, path)?),
        }),
        (Value::Seq(mut b), Value::Seq(o)) => {
            b.extend(o);
            Ok(Node {
                span: other.span,
                tag: other.tag,
                value: Value::Seq(b),
            })
        }
        (Value::Map(_), _) | (Value::Seq(_), _) => Err(MergeError {
            path: path.clone(),
            base: base.span,
            other: other.span,
        }),
        (_, ov) => Ok(Node {
            span: other.span,
            tag: other.tag,
            value: ov,
        }),
    }
}

fn merge_maps(mut base: Map, other: Map, path: &mut KeyPath) -> Result<Map, MergeError> {
    for (k, entry) in other {
        match base.remove_entry(&k) {
            None => {
                base.insert(k, entry.key_span, entry.value);
            }
            Some(existing) => {
                path.0.push(PathSeg::Key(k.to_string()));
                let merged = merge_node(existing.value, entry.value, path);
                path.0.pop();
                // keep the original position of the key
                base.insert(k, existing.key_span, merged?);
            }
        }
    }
    Ok(base)
}

fn special(m: Merger, base: Node, other: Node, path: &mut KeyPath) -> Result<Node, MergeError> {
    let span = other.span;
    match m {
        Merger::Override => Ok(other),
        Merger::ToSequence => {
            let mut seq = into_sequence(base);
            seq.extend(into_sequence(other));
            Ok(Node::seq(seq, span))
        }
        Merger::ExtraHosts => {
            let mut seq = into_sequence(base);
            for v in into_sequence(other) {
                if !seq.iter().any(|e| same_scalar(e, &v)) {
                    seq.push(v);
                }
            }
            Ok(Node::seq(seq, span))
        }
        Merger::Build => {
            let b = build_map(base);
            let o = build_map(other);
            Ok(Node::map(merge_maps(b, o, path)?, span))
        }
        Merger::DependsOn => {
            let b = into_mapping(base, true);
            let o = into_mapping(other, true);
            Ok(Node::map(merge_maps(b, o, path)?, span))
        }
        Merger::ToMapping => {
            let b = into_mapping(base, false);
            let o = into_mapping(other, false);
            Ok(Node::map(merge_maps(b, o, path)?, span))
        }
        Merger::Logging => {
            let (Some(bm), Some(om)) = (base.as_map(), other.as_map()) else {
                return Ok(other);
            };
            let bd = bm.get("driver").map(Node::to_json);
            let od = om.get("driver").map(Node::to_json);
            if bd == od || bd.is_none() || od.is_none() {
                let Value::Map(b) = base.value else {
                    unreachable!()
                };
                let Value::Map(o) = other.value else {
                    unreachable!()
                };
                Ok(Node::map(merge_maps(b, o, path)?, span))
            } else {
                Ok(other)
            }
        }
        Merger::Ulimit => {
            // compose-go merges the override with itself: the override wins whole.
            Ok(other)
        }
        Merger::IpamConfig => merge_ipam(base, other, path),
    }
}

fn same_scalar(a: &Node, b: &Node) -> bool {
    a.to_json() == b.to_json()
}

fn build_map(n: Node) -> Map {
    match n.value {
        Value::Map(m) => m,
        Value::Scalar(_) => {
            let mut m = Map::new();
            m.insert("context", n.span, n);
            m
        }
        _ => Map::new(),
    }
}

/// compose-go's `convertIntoSequence`: a mapping becomes sorted `KEY=VALUE` strings.
fn into_sequence(n: Node) -> Vec<Node> {
    let span = n.span;
    match n.value {
        Value::Map(m) => {
            let mut seq: Vec<Node> = Vec::new();
            for (k, e) in m {
                let v = e.value;
                match &v.value {
                    Value::Null => seq.push(Node::string(k, e.key_span)),
                    Value::Seq(items) => {
                        for i in items {
                            seq.push(Node::string(format!("{k}={}", go_sprint(i)), i.span));
                        }
                    }
                    _ if v.is_null() => seq.push(Node::string(k, e.key_span)),
                    _ => seq.push(Node::string(format!("{k}={}", go_sprint(&v)), v.span)),
                }
            }
            seq.sort_by(|a, b| a.as_text().cmp(&b.as_text()));
            seq
        }
        Value::Seq(s) => s,
        Value::Scalar(_) => vec![n],
        Value::Null => {
            let _ = span;
            Vec::new()
        }
    }
}

/// `fmt.Sprint` of a YAML scalar as compose-go would have it; a mapping or a
/// sequence (which the schema rejects later where this is used) shows as JSON.
pub fn go_sprint(n: &Node) -> String {
    crate::gocompat::fmt::sprint_scalar(n).unwrap_or_else(|| n.to_json().to_string())
}

fn into_mapping(n: Node, depends_on: bool) -> Map {
    match n.value {
        Value::Map(m) => m,
        Value::Seq(items) => {
            let mut m = Map::new();
            for i in items {
                let key = go_sprint(&i);
                let value = if depends_on {
                    let mut d = Map::new();
                    d.insert("condition", i.span, Node::string("service_started", i.span));
                    d.insert("required", i.span, Node::bool(true, i.span));
                    Node::map(d, i.span)
                } else {
                    Node::null(i.span)
                };
                m.insert(key, i.span, value);
            }
            m
        }
        _ => Map::new(),
    }
}

fn merge_ipam(base: Node, other: Node, path: &mut KeyPath) -> Result<Node, MergeError> {
    let span = other.span;
    let (Value::Seq(configs), Value::Seq(overrides)) = (&base.value, &other.value) else {
        return Err(MergeError {
            path: path.clone(),
            base: base.span,
            other: other.span,
        });
    };
    let subnet = |n: &Node| n.get("subnet").map(Node::to_json);
    let mut out: Vec<Node> = Vec::new();
    for original in configs {
        for ov in overrides {
            if subnet(ov) != subnet(original) && !out.iter().any(|a| subnet(a) == subnet(ov)) {
                out.push(ov.clone());
                continue;
            }
            let (Some(r), Some(l)) = (original.as_map(), ov.as_map()) else {
                continue;
            };
            let merged = Node::map(merge_maps(r.clone(), l.clone(), path)?, ov.span);
            if let Some(i) = out.iter().position(|a| subnet(a) == subnet(&merged)) {
                out[i] = merged;
            } else {
                out.push(merged);
            }
        }
    }
    Ok(Node::seq(out, span))
}

#[derive(Clone, Copy)]
enum Indexer {
    KeyValue,
    Volume,
    Device,
    Mount(&'static str),
    Expose,
    Port,
    EnvFile,
}

#[rustfmt::skip]
static UNIQUE: &pattern::Table<Indexer> = &[
    (&["networks", A, "labels"], Indexer::KeyValue),
    (&["networks", A, "ipam", "options"], Indexer::KeyValue),
    (&[S, A, "annotations"], Indexer::KeyValue),
    (&[S, A, "build", "args"], Indexer::KeyValue),
    (&[S, A, "build", "additional_contexts"], Indexer::KeyValue),
    (&[S, A, "build", "platform"], Indexer::KeyValue),
    (&[S, A, "build", "tags"], Indexer::KeyValue),
    (&[S, A, "build", "labels"], Indexer::KeyValue),
    (&[S, A, "cap_add"], Indexer::KeyValue),
    (&[S, A, "cap_drop"], Indexer::KeyValue),
    (&[S, A, "devices"], Indexer::Device),
    (&[S, A, "configs"], Indexer::Mount("")),
    (&[S, A, "deploy", "labels"], Indexer::KeyValue),
    (&[S, A, "dns"], Indexer::KeyValue),
    (&[S, A, "dns_opt"], Indexer::KeyValue),
    (&[S, A, "dns_search"], Indexer::KeyValue),
    (&[S, A, "environment"], Indexer::KeyValue),
    (&[S, A, "env_file"], Indexer::EnvFile),
    (&[S, A, "expose"], Indexer::Expose),
    (&[S, A, "labels"], Indexer::KeyValue),
    (&[S, A, "links"], Indexer::KeyValue),
    (&[S, A, "networks", A, "aliases"], Indexer::KeyValue),
    (&[S, A, "networks", A, "link_local_ips"], Indexer::KeyValue),
    (&[S, A, "ports"], Indexer::Port),
    (&[S, A, "profiles"], Indexer::KeyValue),
    (&[S, A, "secrets"], Indexer::Mount("/run/secrets")),
    (&[S, A, "sysctls"], Indexer::KeyValue),
    (&[S, A, "tmpfs"], Indexer::KeyValue),
    (&[S, A, "volumes"], Indexer::Volume),
];

/// Removes duplicates from sequences whose items have an identity (last wins, at
/// the first one's position), like compose-go's `EnforceUnicity`.
pub fn enforce_unicity(node: &mut Node) {
    unicity_walk(node, 0, Live::all(UNIQUE));
}

fn unicity_walk(node: &mut Node, depth: usize, live: Live) {
    match &mut node.value {
        Value::Map(m) => {
            for (k, v) in m.iter_mut() {
                let live = live.key(UNIQUE, depth, k);
                if !live.is_empty() {
                    unicity_walk(v, depth + 1, live);
                }
            }
        }
        Value::Seq(items) => {
            if let Some(ix) = live.found(UNIQUE, depth) {
                dedupe(*ix, items);
            }
        }
        _ => {}
    }
}

/// Lists up to this long are de-duplicated without a hash map.
const SMALL_DEDUPE: usize = 16;

/// The first item of the identity of item `j` (which is either that first
/// item or points at it).
fn first_of(target: &[Option<usize>], j: usize) -> usize {
    target[j].unwrap_or(j)
}

/// Keeps the last item of each identity, at the position of the first.
fn dedupe(ix: Indexer, items: &mut Vec<Node>) {
    if items.len() < 2 {
        return;
    }
    let keys: Vec<Option<Cow<'_, str>>> = items.iter().map(|item| index_key(ix, item)).collect();
    // For each item: the position it goes to, if it replaces an earlier one.
    let mut target: Vec<Option<usize>> = Vec::with_capacity(items.len());
    let mut any = false;
    if keys.len() <= SMALL_DEDUPE {
        // Short lists (the usual case): comparing pairs beats hashing.
        for (i, key) in keys.iter().enumerate() {
            let earlier = key
                .as_deref()
                .and_then(|k| keys[..i].iter().position(|e| e.as_deref() == Some(k)));
            // The first of equal keys is the one that maps to no earlier item.
            let j = earlier.map(|j| first_of(&target, j));
            any |= j.is_some();
            target.push(j);
        }
    } else {
        let mut first: std::collections::HashMap<&str, usize> =
            std::collections::HashMap::with_capacity(items.len());
        for (i, key) in keys.iter().enumerate() {
            match key.as_deref() {
                Some(k) => match first.get(k) {
                    Some(&j) => {
                        target.push(Some(j));
                        any = true;
                    }
                    None => {
                        first.insert(k, i);
                        target.push(None);
                    }
                },
                None => target.push(None),
            }
        }
    }
    if !any {
        return;
    }
    let mut out: Vec<Node> = Vec::with_capacity(items.len());
    // Where each kept item landed in `out`.
    let mut slot: Vec<usize> = vec![usize::MAX; items.len()];
    for (i, item) in items.drain(..).enumerate() {
        match target[i] {
            Some(j) => out[slot[j]] = item,
            None => {
                slot[i] = out.len();
                out.push(item);
            }
        }
    }
    *items = out;
}

fn index_key(ix: Indexer, n: &Node) -> Option<Cow<'_, str>> {
    match ix {
        Indexer::KeyValue => {
            let s = n.as_text()?;
            Some(Cow::Borrowed(
                s.split_once('=').map(|(k, _)| k).unwrap_or(s),
            ))
        }
        Indexer::Volume => match &n.value {
            Value::Map(m) => m.get("target").and_then(Node::as_text).map(Cow::Borrowed),
            Value::Scalar(s) => super::canonical::parse_volume(&s.text)
                .ok()
                .map(|v| Cow::Owned(v.target)),
            _ => None,
        },
        Indexer::Device => match &n.value {
            Value::Map(m) => m.get("target").and_then(Node::as_text).map(Cow::Borrowed),
            Value::Scalar(s) => {
                let parts: Vec<&str> = s.text.split(':').collect();
                Some(Cow::Borrowed(if parts.len() == 1 {
                    parts[0]
                } else {
                    parts[1]
                }))
            }
            _ => None,
        },
        Indexer::Mount(prefix) => match &n.value {
            Value::Scalar(_) => Some(Cow::Owned(format!("{prefix}/{}", go_sprint(n)))),
            Value::Map(m) => match m.get("target") {
                Some(t) => Some(Cow::Owned(go_sprint(t))),
                None => Some(Cow::Owned(format!(
                    "{prefix}/{}",
                    m.get("source").map(go_sprint).unwrap_or_default()
                ))),
            },
            _ => None,
        },
        Indexer::Expose => Some(Cow::Owned(go_sprint(n))),
        Indexer::Port => match &n.value {
            Value::Map(m) => {
                let g = |k: &str, d: &str| m.get(k).map(go_sprint).unwrap_or_else(|| d.to_string());
                Some(Cow::Owned(format!(
                    "{}:{}:{}/{}",
                    g("host_ip", "0.0.0.0"),
                    g("published", "<nil>"),
                    g("target", ""),
                    g("protocol", "tcp")
                )))
            }
            Value::Scalar(_) => Some(Cow::Owned(go_sprint(n))),
            _ => None,
        },
        Indexer::EnvFile => match &n.value {
            Value::Scalar(_) => Some(Cow::Owned(go_sprint(n))),
            Value::Map(m) => m.get("path").map(|p| Cow::Owned(go_sprint(p))),
            _ => None,
        },
    }
}
