//! Normalisation: what compose fills in after all files are merged.
//!
//! The implicit `default` network, resource names (`project_name`), build
//! defaults, `environment` entries resolved from the project environment, implicit
//! `depends_on` from `links`, `volumes_from` and `network_mode: service:x`, and
//! relative paths made absolute against the project directory — in compose-go's
//! order (`loader/normalize.go`, `paths/resolve.go`, `loader/environment.go`).

use super::merge::go_sprint;
use super::pattern::{self, Live};
use crate::gocompat::{path as gopath, strconv};
use crate::node::{Map, Node, Value};
use crate::span::Span;
use indexmap::IndexMap;
use std::path::Path;

/// The project's variables (process env, `.env`, `--env-file`).
pub type Env = IndexMap<String, String>;

fn depends(span: Span, restart: bool) -> Node {
    let mut m = Map::new();
    m.insert("condition", span, Node::string("service_started", span));
    m.insert("restart", span, Node::bool(restart, span));
    m.insert("required", span, Node::bool(true, span));
    Node::map(m, span)
}

/// compose-go's `Normalize`.
pub fn normalize(root: &mut Node, env: &Env, project_name: &str) {
    normalize_networks(root);
    let lookup = |k: &str| env.get(k).cloned();
    if let Some(services) = root.get_mut("services").and_then(Node::as_map_mut) {
        for (_, service) in services.iter_mut() {
            let span = service.span;
            let Some(s) = service.as_map_mut() else {
                continue;
            };
            if s.get("pull_policy").and_then(Node::as_str) == Some("if_not_present") {
                let sp = s.get("pull_policy").map(|n| n.span).unwrap_or(span);
                s.insert("pull_policy", sp, Node::string("missing", sp));
            }
            if let Some(build) = s.get_mut("build").and_then(Node::as_map_mut) {
                if build.get("context").is_none_or(Node::is_null) {
                    build.insert("context", span, Node::string(".", span));
                }
                if build.get("dockerfile").is_none_or(Node::is_null)
                    && build.get("dockerfile_inline").is_none_or(Node::is_null)
                {
                    build.insert("dockerfile", span, Node::string("Dockerfile", span));
                }
                if let Some(args) = build.get_mut("args") {
                    resolve_env_like(args, &lookup, false);
                }
            }
            if let Some(e) = s.get_mut("environment") {
                resolve_env_like(e, &lookup, true);
            }
            let mut depends_on = match s.remove_entry("depends_on") {
                Some(e) => match e.value.value {
                    Value::Map(m) => (m, e.key_span),
                    _ => (Map::new(), e.key_span),
                },
                None => (Map::new(), span),
            };
            if let Some(links) = s.get("links").and_then(Node::as_seq) {
                for l in links {
                    let link = go_sprint(l);
                    let parts: Vec<&str> = link.split(':').collect();
                    let name = if parts.len() == 2 {
                        parts[0].to_string()
                    } else {
                        link.clone()
                    };
                    if !depends_on.0.contains_key(&name) {
                        depends_on.0.insert(name, l.span, depends(l.span, true));
                    }
                }
            }
            for ns in ["network_mode", "ipc", "pid", "uts", "cgroup"] {
                if let Some(n) = s.get(ns) {
                    if let Some(shared) = n.as_text().and_then(|t| t.strip_prefix("service:")) {
                        if !depends_on.0.contains_key(shared) {
                            depends_on
                                .0
                                .insert(shared.to_string(), n.span, depends(n.span, true));
                        }
                    }
                }
            }
            if let Some(vols) = s.get_mut("volumes").and_then(Node::as_seq_mut) {
                for v in vols.iter_mut() {
                    if let Some(t) = v.get_mut("target") {
                        if let Some(text) = t.as_text() {
                            let c = gopath::clean(text);
                            *t = Node::string(c, t.span);
                        }
                    }
                }
            }
            if let Some(vf) = s.get("volumes_from").and_then(Node::as_seq) {
                for v in vf {
                    let vol = go_sprint(v);
                    if !vol.starts_with("container:") {
                        let name = vol.split(':').next().unwrap_or_default().to_string();
                        if !depends_on.0.contains_key(&name) {
                            depends_on.0.insert(name, v.span, depends(v.span, false));
                        }
                    }
                }
            }
            if !depends_on.0.is_empty() {
                s.insert(
                    "depends_on",
                    depends_on.1,
                    Node::map(depends_on.0, depends_on.1),
                );
            }
        }
    }
    set_name_from_key(root, project_name);
}

fn normalize_networks(root: &mut Node) {
    let root_span = root.span;
    let Some(rm) = root.as_map_mut() else { return };
    let mut uses_default = false;
    if let Some(services) = rm.get_mut("services").and_then(Node::as_map_mut) {
        for (_, service) in services.iter_mut() {
            let span = service.span;
            let Some(s) = service.as_map_mut() else {
                continue;
            };
            if s.contains_key("provider") || s.contains_key("network_mode") {
                continue;
            }
            match s.get("networks") {
                None => {
                    let mut m = Map::new();
                    m.insert("default", span, Node::null(span));
                    s.insert("networks", span, Node::map(m, span));
                    uses_default = true;
                }
                Some(n) => {
                    let empty = n.as_map().is_none_or(Map::is_empty);
                    if empty {
                        let mut m = Map::new();
                        m.insert("default", span, Node::null(span));
                        s.insert("networks", span, Node::map(m, span));
                        uses_default = true;
                    } else if n.as_map().is_some_and(|m| m.contains_key("default")) {
                        uses_default = true;
                    }
                }
            }
        }
    }
    let has_default = rm
        .get("networks")
        .and_then(Node::as_map)
        .is_some_and(|m| m.contains_key("default"));
    if uses_default && !has_default {
        if rm.get("networks").is_none_or(|n| n.as_map().is_none()) {
            rm.insert("networks", root_span, Node::map(Map::new(), root_span));
        }
        if let Some(n) = rm.get_mut("networks").and_then(Node::as_map_mut) {
            n.insert("default", root_span, Node::null(root_span));
        }
    }
}

/// compose-go's `resolve` for `environment` (keep_empty) and `build.args`.
fn resolve_env_like(n: &mut Node, lookup: &dyn Fn(&str) -> Option<String>, keep_empty: bool) {
    match &mut n.value {
        Value::Seq(items) => {
            let mut out = Vec::new();
            for i in items.drain(..) {
                let text = go_sprint(&i);
                if i.as_text().is_none() {
                    // non-strings are dropped by compose-go's resolve
                    continue;
                }
                if !text.contains('=') {
                    if let Some(v) = lookup(&text) {
                        out.push(Node::string(format!("{text}={v}"), i.span));
                    } else if keep_empty {
                        out.push(i);
                    }
                } else {
                    out.push(i);
                }
            }
            *items = out;
        }
        Value::Map(m) => {
            let keys: Vec<String> = m.keys().map(|k| k.to_string()).collect();
            for k in keys {
                let is_null = m.get(&k).is_some_and(Node::is_null);
                if !is_null {
                    continue;
                }
                if let Some(v) = lookup(&k) {
                    let sp = m.get(&k).map(|n| n.span).unwrap_or_default();
                    m.insert(k.clone(), sp, Node::string(v, sp));
                } else if !keep_empty {
                    m.remove(&k);
                }
            }
        }
        _ => {}
    }
}

fn set_name_from_key(root: &mut Node, project: &str) {
    let Some(rm) = root.as_map_mut() else { return };
    for kind in ["networks", "volumes", "configs", "secrets"] {
        let Some(top) = rm.get_mut(kind).and_then(Node::as_map_mut) else {
            continue;
        };
        for (key, r) in top.iter_mut() {
            let span = r.span;
            if r.as_map().is_none() {
                *r = Node::map(Map::new(), span);
            }
            let Some(m) = r.as_map_mut() else { continue };
            if m.get("name").is_none_or(Node::is_null) {
                let external = m
                    .get("external")
                    .is_some_and(|x| strconv::parse_bool(&go_sprint(x)) == Some(true));
                let name = if external {
                    key.to_string()
                } else {
                    format!("{project}_{key}")
                };
                m.insert("name", span, Node::string(name, span));
            }
        }
    }
}

#[derive(Clone, Copy)]
enum R {
    Context,
    MaybeUnix,
    Abs,
    Volume,
    VolumeDriverOpts,
    Symlink,
}

const S: &str = "services";
const A: &str = "*";

#[rustfmt::skip]
static RESOLVERS: &pattern::Table<R> = &[
    (&[S, A, "build", "context"], R::Context),
    (&[S, A, "build", "additional_contexts", A], R::Context),
    (&[S, A, "build", "ssh", A], R::MaybeUnix),
    (&[S, A, "env_file", A, "path"], R::Abs),
    (&[S, A, "label_file", A], R::Abs),
    (&[S, A, "extends", "file"], R::Abs),
    (&[S, A, "develop", "watch", A, "path"], R::Symlink),
    (&[S, A, "volumes", A], R::Volume),
    (&["configs", A, "file"], R::MaybeUnix),
    (&["secrets", A, "file"], R::MaybeUnix),
    (&["include", "path"], R::Abs),
    (&["include", "project_directory"], R::Abs),
    (&["include", "env_file"], R::Abs),
    (&["volumes", A], R::VolumeDriverOpts),
];

/// compose-go's `paths.ResolveRelativePaths`.
pub fn resolve_relative_paths(root: &mut Node, base: &Path, home: Option<&str>) {
    resolve_walk(root, 0, Live::all(RESOLVERS), base, home);
}

fn resolve_walk(node: &mut Node, depth: usize, live: Live, base: &Path, home: Option<&str>) {
    if let Some(r) = live.found(RESOLVERS, depth) {
        resolve_one(*r, node, base, home);
        return;
    }
    match &mut node.value {
        Value::Map(m) => {
            for (k, v) in m.iter_mut() {
                let live = live.key(RESOLVERS, depth, k);
                if !live.is_empty() {
                    resolve_walk(v, depth + 1, live, base, home);
                }
            }
        }
        Value::Seq(items) => {
            let live = live.index(RESOLVERS, depth);
            if !live.is_empty() {
                for v in items.iter_mut() {
                    resolve_walk(v, depth + 1, live, base, home);
                }
            }
        }
        _ => {}
    }
}

/// `~` and `~/x` expanded with HOME.
pub fn expand_user(p: &str, home: Option<&str>) -> String {
    match (p.strip_prefix('~'), home) {
        (Some(rest), Some(h)) => join(h, rest),
        _ => p.to_string(),
    }
}

/// Go's `filepath.Join(base, p)` on unix: join then clean.
pub fn join(base: &str, p: &str) -> String {
    if base.is_empty() {
        return gopath::clean(p);
    }
    if p.is_empty() {
        return gopath::clean(base);
    }
    gopath::clean(&format!("{base}/{p}"))
}

fn abs_str(p: &str, base: &Path, home: Option<&str>) -> String {
    let v = expand_user(p, home);
    if v.starts_with('/') || v.is_empty() {
        return v;
    }
    join(&base.to_string_lossy(), &v)
}

fn is_windows_abs(p: &str) -> bool {
    let b = p.as_bytes();
    (b.len() >= 3 && b[0].is_ascii_alphabetic() && b[1] == b':' && (b[2] == b'\\' || b[2] == b'/'))
        || p.starts_with("\\\\")
}

fn maybe_unix(p: &str, base: &Path, home: Option<&str>) -> String {
    let v = expand_user(p, home);
    if !v.starts_with('/') && !is_windows_abs(&v) {
        return join(&base.to_string_lossy(), &v);
    }
    v
}

fn set_text(n: &mut Node, s: String) {
    if n.as_text() != Some(s.as_str()) {
        *n = Node::string(s, n.span);
    }
}

fn resolve_one(r: R, node: &mut Node, base: &Path, home: Option<&str>) {
    match r {
        R::Context => {
            let Some(v) = node.as_text().map(str::to_string) else {
                return;
            };
            if v.contains("://") || v.starts_with("service:") {
                return;
            }
            if [
                "https://",
                "http://",
                "git://",
                "ssh://",
                "github.com/",
                "git@",
            ]
            .iter()
            .any(|p| v.starts_with(p))
            {
                return;
            }
            set_text(node, abs_str(&v, base, home));
        }
        R::MaybeUnix => {
            if let Some(v) = node.as_str().map(str::to_string) {
                set_text(node, maybe_unix(&v, base, home));
            }
        }
        R::Abs | R::Symlink => match &mut node.value {
            Value::Seq(items) => {
                for i in items {
                    if let Some(v) = i.as_text().map(str::to_string) {
                        set_text(i, abs_str(&v, base, home));
                    }
                }
            }
            _ => {
                if let Some(v) = node.as_text().map(str::to_string) {
                    let mut a = abs_str(&v, base, home);
                    if matches!(r, R::Symlink) {
                        if let Ok(real) = std::fs::canonicalize(&a) {
                            a = real.to_string_lossy().into_owned();
                        }
                    }
                    set_text(node, a);
                }
            }
        },
        R::Volume => {
            let Some(m) = node.as_map_mut() else { return };
            if m.get("type").and_then(Node::as_text) != Some("bind") {
                return;
            }
            if let Some(src) = m.get_mut("source") {
                if let Some(v) = src.as_text().map(str::to_string) {
                    set_text(src, maybe_unix(&v, base, home));
                }
            }
        }
        R::VolumeDriverOpts => {
            let Some(m) = node.as_map_mut() else { return };
            if m.get("driver").and_then(Node::as_text) != Some("local") {
                return;
            }
            let Some(opts) = m.get_mut("driver_opts").and_then(Node::as_map_mut) else {
                return;
            };
            if opts.get("o").and_then(Node::as_text) == Some("bind") {
                if let Some(dev) = opts.get_mut("device") {
                    if let Some(v) = dev.as_text().map(str::to_string) {
                        set_text(dev, maybe_unix(&v, base, home));
                    }
                }
            }
        }
    }
}

/// compose-go's `ResolveEnvironment`: bare `KEY` entries of list-form
/// `environment` take the project's value; secrets/configs `environment` sources
/// are read.
pub fn resolve_environment(root: &mut Node, env: &Env) {
    if let Some(services) = root.get_mut("services").and_then(Node::as_map_mut) {
        for (_, s) in services.iter_mut() {
            if let Some(items) = s.get_mut("environment").and_then(Node::as_seq_mut) {
                let mut out = Vec::new();
                for i in items.drain(..) {
                    let Some(t) = i.as_str().map(str::to_string) else {
                        continue;
                    };
                    match env.get(&t) {
                        Some(v) => out.push(Node::string(format!("{t}={v}"), i.span)),
                        None => out.push(i),
                    }
                }
                *items = out;
            }
        }
    }
    // compose-go also copies a secret's value into an `x-#value` extension, which
    // `config` never prints; the engine reads secrets from the environment itself.
    for kind in ["configs"] {
        if let Some(top) = root.get_mut(kind).and_then(Node::as_map_mut) {
            for (_, r) in top.iter_mut() {
                let span = r.span;
                let Some(m) = r.as_map_mut() else { continue };
                let Some(e) = m.get("environment").and_then(Node::as_str) else {
                    continue;
                };
                if let Some(v) = env.get(e) {
                    m.insert("content", span, Node::string(v.clone(), span));
                }
            }
        }
    }
}
