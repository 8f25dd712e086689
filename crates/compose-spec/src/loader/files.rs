//! Loading files: one compose file into the model so far, `extends` and `include`.
//!
//! Mirrors compose-go's `loadYamlFile` / `loadYamlModel` / `ApplyExtends` /
//! `ApplyInclude`. Two directories travel together: `loader_dir`, absolute, where
//! relative file references (`extends.file`, `include.path`) are read from, and
//! `rel_dir`, the directory relative paths inside the loaded file are resolved
//! against (relative for extended/included files, so the final resolution against
//! the project directory yields what compose prints).

use super::{canonical, interp, merge, normalize, validate, Ctx, Env};
use crate::diag::{Code, Diagnostic};
use crate::node::{Map, Node, Value};
use crate::span::Span;
use crate::suggest::{did_you_mean, Likeness};
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

/// Which stages run (compose-go's `Options.Skip*`).
#[derive(Debug, Clone, Copy)]
pub struct Flags {
    pub interpolate: bool,
    pub validation: bool,
    pub extends: bool,
    pub include: bool,
    pub defaults: bool,
    pub resolve_paths: bool,
}

pub struct FileLoader<'c> {
    pub ctx: &'c mut Ctx,
    pub warned: BTreeSet<String>,
    pub home: Option<String>,
    pub parsed: HashMap<PathBuf, Option<Node>>,
}

/// `filepath.Rel(base, target)` for clean absolute paths.
pub fn rel_path(base: &Path, target: &Path) -> PathBuf {
    let b: Vec<_> = base.components().collect();
    let t: Vec<_> = target.components().collect();
    let common = b.iter().zip(&t).take_while(|(x, y)| x == y).count();
    let mut out = PathBuf::new();
    for _ in common..b.len() {
        out.push("..");
    }
    for c in &t[common..] {
        out.push(c.as_os_str());
    }
    if out.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        out
    }
}

fn join_clean(dir: &Path, p: &str) -> PathBuf {
    if Path::new(p).is_absolute() {
        PathBuf::from(crate::gocompat::path::clean(p))
    } else {
        PathBuf::from(normalize::join(&dir.to_string_lossy(), p))
    }
}

/// compose-go's `localResourceLoader.Dir`: the directory of `p` (or `p` itself when
/// it is a directory), relative to `loader_dir`.
fn loader_rel_dir(loader_dir: &Path, p: &str) -> PathBuf {
    let abs = join_clean(loader_dir, p);
    let dir = if abs.is_dir() {
        abs
    } else {
        let parent = Path::new(p)
            .parent()
            .map(|x| x.to_string_lossy().into_owned())
            .unwrap_or_default();
        join_clean(loader_dir, if parent.is_empty() { "." } else { &parent })
    };
    rel_path(loader_dir, &dir)
}

impl FileLoader<'_> {
    fn err(&mut self, code: Code, msg: String, span: Span, help: &str) {
        self.ctx
            .diags
            .push(Diagnostic::error(code, msg).with_span(span).with_help(help));
    }

    /// Reads and parses a file once; later calls get a clone.
    pub fn parse_file(&mut self, path: &Path, span: Span) -> Option<Node> {
        if let Some(n) = self.parsed.get(path) {
            return n.clone();
        }
        let node = match self.ctx.read(path) {
            Ok(text) => {
                let id = self
                    .ctx
                    .sources
                    .add(path.to_string_lossy(), Some(path), text.as_str());
                self.ctx.parse(Some(path), &text, id)
            }
            Err(e) => {
                self.err(
                    Code::Io,
                    format!("failed to read {}: {e}", path.display()),
                    span,
                    "check the path",
                );
                None
            }
        };
        self.parsed.insert(path.to_path_buf(), node.clone());
        node
    }

    /// compose-go's `loadYamlModel`: all `files` merged, then defaults, checks,
    /// paths and environment.
    pub fn load_model(
        &mut self,
        files: &[PathBuf],
        loader_dir: &Path,
        rel_dir: &Path,
        env: &Env,
        flags: Flags,
        included: &[PathBuf],
    ) -> Node {
        let mut dict = Node::map(Map::new(), Span::synthetic());
        for f in files {
            let tree = self.parse_file(f, Span::synthetic());
            dict = self.load_file(f, tree, dict, loader_dir, rel_dir, env, flags, included);
        }
        if flags.defaults {
            canonical::set_defaults(&mut dict);
        }
        if flags.validation {
            validate::check_model(&dict, &mut self.ctx.diags);
        }
        if flags.resolve_paths {
            normalize::resolve_relative_paths(&mut dict, rel_dir, self.home.as_deref());
        }
        normalize::resolve_environment(&mut dict, env);
        dict
    }

    /// compose-go's `loadYamlFile`: one file onto `dict`.
    #[allow(clippy::too_many_arguments)]
    pub fn load_file(
        &mut self,
        file: &Path,
        tree: Option<Node>,
        mut dict: Node,
        loader_dir: &Path,
        rel_dir: &Path,
        env: &Env,
        flags: Flags,
        included: &[PathBuf],
    ) -> Node {
        let Some(mut cfg) = tree else { return dict };
        if cfg.as_map().is_none() {
            if !cfg.is_null() {
                self.err(
                    Code::NotAMapping,
                    "top-level object must be a mapping".into(),
                    cfg.span,
                    "a compose file is a mapping with keys such as `services:`",
                );
            }
            return dict;
        }
        let resets = merge::collect_resets(&mut cfg);
        if flags.interpolate {
            let lookup = |k: &str| env.get(k).cloned();
            interp::Interpolator {
                lookup: &lookup,
                warned: &mut self.warned,
            }
            .run(&mut cfg, &mut self.ctx.diags);
        }
        if flags.extends {
            self.apply_extends(&mut cfg, file, loader_dir, env, flags, &resets);
        }
        merge::apply_resets(&mut dict, &resets);
        if flags.include {
            let mut inc = included.to_vec();
            inc.push(file.to_path_buf());
            self.apply_include(&mut cfg, loader_dir, rel_dir, env, flags, &inc);
        }
        let touched = touched_entries(&cfg);
        dict = match merge::merge(dict, cfg) {
            Ok(d) => d,
            Err(e) => {
                self.ctx.diags.push(
                    Diagnostic::error(Code::Schema, format!("cannot override {}", e.path))
                        .with_path(e.path.to_string())
                        .with_span(e.other)
                        .with_label(e.base, "value being overridden")
                        .with_help("the override must have the same shape (mapping or list) as the original"),
                );
                return Node::map(Map::new(), Span::synthetic());
            }
        };
        // Everything this file did not touch was already validated, canonicalised and
        // de-duplicated when its own file was loaded: redo only what it touched, so
        // a project split over many files costs what one file costs.
        let mut part = take_part(&mut dict, &touched);
        self.finish_part(&mut part, file, flags);
        put_back(&mut dict, part, &touched);
        if let Some(m) = dict.as_map_mut() {
            if let Some(e) = m.remove_entry("version") {
                if flags.validation {
                    self.ctx.diags.push(
                        Diagnostic::warning(
                            Code::Schema,
                            format!(
                                "{}: the attribute `version` is obsolete, it will be ignored, please remove it to avoid potential confusion",
                                file.display()
                            ),
                        )
                        .with_path("version")
                        .with_span(e.key_span)
                        .with_help("remove the `version:` line"),
                    );
                } else {
                    m.insert("version", e.key_span, e.value);
                }
            }
        }
        dict
    }

    /// Unicity, schema, canonical forms and unicity again on (part of) the model.
    fn finish_part(&mut self, dict: &mut Node, _file: &Path, flags: Flags) {
        merge::enforce_unicity(dict);
        if flags.validation {
            let before = self.ctx.diags.len();
            crate::schema::validate(dict, &mut self.ctx.diags);
            if self.ctx.diags.items()[before..]
                .iter()
                .any(Diagnostic::is_error)
            {
                return;
            }
        }
        canonical::Canonical {
            diags: &mut self.ctx.diags,
            ignore_parse_errors: !flags.interpolate,
        }
        .run(dict);
        canonical::omit_empty(dict);
        merge::enforce_unicity(dict);
    }

    fn apply_extends(
        &mut self,
        cfg: &mut Node,
        file: &Path,
        loader_dir: &Path,
        env: &Env,
        flags: Flags,
        resets: &[Vec<String>],
    ) {
        let Some(services) = cfg.get("services").and_then(Node::as_map) else {
            return;
        };
        let extends = |s: &Node| s.as_map().is_some_and(|m| m.contains_key("extends"));
        if !services.iter().any(|(_, s)| extends(s)) {
            // Nothing to extend: the services stay as they are, only those
            // that are not mappings are reported (as `service_extends` does).
            let bad: Vec<(String, Span)> = services
                .iter()
                .filter(|(_, s)| !s.is_null() && s.as_map().is_none())
                .map(|(name, s)| (name.to_string(), s.span))
                .collect();
            for (name, span) in bad {
                self.err(
                    Code::Extends,
                    format!("services.{name} must be a mapping"),
                    span,
                    "a service is a mapping of attributes",
                );
            }
            return;
        }
        let mut services = services.clone();
        let names: Vec<String> = services.keys().map(|k| k.to_string()).collect();
        let filename = file.to_string_lossy().into_owned();
        for name in names {
            let mut tracker = Vec::new();
            if let Some(merged) = self.service_extends(
                &name,
                &mut services,
                &filename,
                loader_dir,
                env,
                flags,
                &mut tracker,
                resets,
            ) {
                let span = services
                    .entry(&name)
                    .map(|e| e.key_span)
                    .unwrap_or_default();
                services.insert(name, span, merged);
            }
        }
        if let Some(m) = cfg.as_map_mut() {
            let span = m.entry("services").map(|e| e.key_span).unwrap_or_default();
            let vspan = m.get("services").map(|n| n.span).unwrap_or_default();
            m.insert("services", span, Node::map(services, vspan));
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn service_extends(
        &mut self,
        name: &str,
        services: &mut Map,
        filename: &str,
        loader_dir: &Path,
        env: &Env,
        flags: Flags,
        tracker: &mut Vec<(String, String)>,
        post: &[Vec<String>],
    ) -> Option<Node> {
        let s = services.get(name)?.clone();
        if s.is_null() {
            return None;
        }
        let Some(sm) = s.as_map() else {
            self.err(
                Code::Extends,
                format!("services.{name} must be a mapping"),
                s.span,
                "a service is a mapping of attributes",
            );
            return None;
        };
        let Some(ext) = sm.get("extends") else {
            return Some(s);
        };
        let (reference, file) = match &ext.value {
            Value::Map(m) => {
                let Some(r) = m.get("service").and_then(Node::as_text) else {
                    self.err(
                        Code::Extends,
                        format!("extends.{name}.service is required"),
                        ext.span,
                        "name the service to extend: `extends: {service: base}`",
                    );
                    return None;
                };
                (
                    r.to_string(),
                    m.get("file").map(|f| (merge::go_sprint(f), f.span)),
                )
            }
            Value::Scalar(_) => (merge::go_sprint(ext), None),
            _ => return Some(s),
        };
        let mut filename = filename.to_string();
        let mut other_services;
        let mut processor: Vec<Vec<String>> = Vec::new();
        let services_ref: &mut Map = if let Some((ref_file, fspan)) = file {
            let local = join_clean(loader_dir, &ref_file);
            let rel = loader_rel_dir(loader_dir, &ref_file);
            let tree = self.parse_file(&local, fspan);
            let mut tree = tree?;
            if tree.as_map().is_none() {
                self.err(
                    Code::Extends,
                    format!(
                        "cannot extend service {name:?} in {}: top-level object must be a mapping",
                        local.display()
                    ),
                    fspan,
                    "",
                );
                return None;
            }
            processor = merge::collect_resets(&mut tree);
            // loadYamlFile with extends' options: no validation/extends/include/defaults
            let sub_flags = Flags {
                validation: false,
                extends: false,
                include: false,
                defaults: false,
                resolve_paths: false,
                ..flags
            };
            let mut dict = self.load_file(
                &local,
                Some(tree),
                Node::map(Map::new(), Span::synthetic()),
                loader_dir,
                &rel,
                env,
                sub_flags,
                &[],
            );
            let Some(svcs) = dict.get("services").and_then(Node::as_map) else {
                self.err(
                    Code::Extends,
                    format!(
                        "cannot extend service {name:?} in {}: no services section",
                        local.display()
                    ),
                    fspan,
                    "",
                );
                return None;
            };
            if !svcs.contains_key(&reference) {
                self.err(
                    Code::Extends,
                    format!("cannot extend service {name:?} in {filename}: service {reference:?} not found in {ref_file}"),
                    ext.span,
                    "name a service defined in that file",
                );
                return None;
            }
            normalize::resolve_relative_paths(&mut dict, &rel, self.home.as_deref());
            other_services = dict
                .get("services")
                .and_then(Node::as_map)
                .cloned()
                .unwrap_or_default();
            filename = ref_file;
            &mut other_services
        } else {
            if !services.contains_key(&reference) {
                let mut d = Diagnostic::error(
                    Code::Extends,
                    format!("cannot extend service {name:?} in {filename}: service {reference:?} not found"),
                )
                .with_path(format!("services.{name}.extends"))
                .with_span(ext.span);
                d = d.with_help(match did_you_mean(&reference, services.keys(), Likeness::Name) {
                    Some(c) => format!("did you mean `{c}`?"),
                    None => "name a service of this file, or add `file:` to extend one from another file".into(),
                });
                self.ctx.diags.push(d);
                return None;
            }
            services
        };
        let entry = (filename.clone(), name.to_string());
        if tracker.contains(&entry) {
            let mut lines = vec![
                "Circular reference:".to_string(),
                format!("  {} in {}", tracker[0].1, tracker[0].0),
            ];
            for (f, svc) in tracker.iter().skip(1).chain(std::iter::once(&entry)) {
                lines.push(format!("  extends {svc} in {f}"));
            }
            self.ctx.diags.push(
                Diagnostic::error(Code::Extends, lines.join("\n"))
                    .with_path(format!("services.{name}.extends"))
                    .with_span(ext.span)
                    .with_help("break the cycle: a service cannot extend itself, directly or through others"),
            );
            return None;
        }
        tracker.push(entry);
        let base = self.service_extends(
            &reference,
            services_ref,
            &filename,
            loader_dir,
            env,
            flags,
            tracker,
            &processor,
        );
        let Some(base) = base else {
            return if self.ctx.diags.has_errors() {
                None
            } else {
                Some(s)
            };
        };
        // the extending file's `!reset`s apply to what is inherited
        let mut wrapper = Map::new();
        let mut inner = Map::new();
        inner.insert(name, Span::synthetic(), base);
        wrapper.insert(
            "services",
            Span::synthetic(),
            Node::map(inner, Span::synthetic()),
        );
        let mut wrapper = Node::map(wrapper, Span::synthetic());
        merge::apply_resets(&mut wrapper, post);
        let source = wrapper
            .get("services")
            .and_then(|s| s.get(name))
            .cloned()
            .unwrap_or_else(|| Node::map(Map::new(), Span::synthetic()));
        let merged = match merge::extend_service(source, s) {
            Ok(mut m) => {
                if let Some(mm) = m.as_map_mut() {
                    mm.remove("extends");
                }
                m
            }
            Err(e) => {
                self.ctx.diags.push(
                    Diagnostic::error(Code::Extends, format!("cannot override {}", e.path))
                        .with_span(e.other)
                        .with_label(e.base, "inherited value")
                        .with_help("the extending service must use the same shape (mapping or list) as the base"),
                );
                return None;
            }
        };
        let span = services_ref
            .entry(name)
            .map(|e| e.key_span)
            .unwrap_or_default();
        services_ref.insert(name, span, merged.clone());
        Some(merged)
    }

    fn apply_include(
        &mut self,
        cfg: &mut Node,
        loader_dir: &Path,
        rel_dir: &Path,
        env: &Env,
        flags: Flags,
        included: &[PathBuf],
    ) {
        let Some(m) = cfg.as_map_mut() else { return };
        let Some(inc) = m.remove("include") else {
            return;
        };
        let Some(items) = inc.as_seq() else {
            if !inc.is_null() {
                self.err(
                    Code::Include,
                    "`include` must be a list".into(),
                    inc.span,
                    "write `include:` followed by a list of paths or mappings",
                );
            }
            return;
        };
        for item in items {
            let (paths, project_dir, env_files): (
                Vec<(String, Span)>,
                Option<String>,
                Vec<String>,
            ) = match &item.value {
                Value::Scalar(_) => (vec![(merge::go_sprint(item), item.span)], None, Vec::new()),
                Value::Map(im) => {
                    let list = |n: Option<&Node>| -> Vec<(String, Span)> {
                        match n {
                            Some(n) if n.as_seq().is_some() => n
                                .as_seq()
                                .unwrap_or_default()
                                .iter()
                                .map(|x| (merge::go_sprint(x), x.span))
                                .collect(),
                            Some(n) if n.as_text().is_some() => vec![(merge::go_sprint(n), n.span)],
                            _ => Vec::new(),
                        }
                    };
                    (
                        list(im.get("path")),
                        im.get("project_directory").map(merge::go_sprint),
                        list(im.get("env_file")).into_iter().map(|x| x.0).collect(),
                    )
                }
                _ => continue,
            };
            let mut abs_paths = Vec::new();
            let mut rel_wd = PathBuf::from(".");
            let mut project_directory = project_dir.clone().unwrap_or_default();
            for (i, (p, span)) in paths.iter().enumerate() {
                let path = join_clean(loader_dir, p);
                if i == 0 {
                    if project_directory.is_empty() {
                        rel_wd = loader_rel_dir(loader_dir, &path.to_string_lossy());
                        project_directory = path
                            .parent()
                            .map(|x| x.to_string_lossy().into_owned())
                            .unwrap_or_default();
                    } else if !Path::new(&project_directory).is_absolute() {
                        rel_wd = loader_rel_dir(loader_dir, &project_directory);
                        project_directory =
                            normalize::join(&rel_dir.to_string_lossy(), &project_directory);
                        if !Path::new(&project_directory).is_absolute() {
                            project_directory = join_clean(loader_dir, &project_directory)
                                .to_string_lossy()
                                .into_owned();
                        }
                    } else {
                        rel_wd = PathBuf::from(&project_directory);
                    }
                    if included.contains(&path) {
                        let mut chain: Vec<String> =
                            included.iter().map(|p| p.display().to_string()).collect();
                        chain.push(path.display().to_string());
                        self.ctx.diags.push(
                            Diagnostic::error(Code::Include, format!("include cycle detected:\n{}\n include {}", chain[0], chain[1..].join("\n include ")))
                                .with_span(*span)
                                .with_help("a compose file cannot include itself, directly or through other files"),
                        );
                        return;
                    }
                }
                abs_paths.push(path);
            }
            let project_directory = PathBuf::from(project_directory);
            let env_files: Vec<PathBuf> = if env_files.is_empty() {
                let f = project_directory.join(".env");
                if f.is_file() {
                    vec![f]
                } else {
                    Vec::new()
                }
            } else {
                env_files
                    .iter()
                    .map(|f| join_clean(loader_dir, f))
                    .collect()
            };
            let mut inc_env = env.clone();
            let mut from_files = Env::new();
            super::read_env_files(self.ctx, &mut from_files, &env_files, env);
            for (k, v) in from_files {
                inc_env.entry(k).or_insert(v);
            }
            let sub_flags = Flags {
                resolve_paths: true,
                ..flags
            };
            let imported = self.load_model(
                &abs_paths,
                &project_directory,
                &rel_wd,
                &inc_env,
                sub_flags,
                included,
            );
            self.import_resources(imported, cfg_map(cfg), item.span);
        }
    }

    fn import_resources(&mut self, source: Node, target: &mut Map, span: Span) {
        let Value::Map(src) = source.value else {
            return;
        };
        for key in [
            "services", "volumes", "networks", "secrets", "configs", "models",
        ] {
            let Some(from) = src.get(key).and_then(Node::as_map) else {
                continue;
            };
            if target.get(key).is_none_or(|n| n.as_map().is_none()) {
                target.insert(key, span, Node::map(Map::new(), span));
            }
            let mut conflicts = Vec::new();
            if let Some(to) = target.get_mut(key).and_then(Node::as_map_mut) {
                for (name, e) in from.entries() {
                    if let Some(existing) = to.entry(name) {
                        if existing.value.to_json() == e.value.to_json() {
                            continue;
                        }
                        conflicts.push((name.clone(), e.key_span, existing.key_span));
                        continue;
                    }
                    to.insert(name.clone(), e.key_span, e.value.clone());
                }
            }
            for (name, imported, here) in conflicts {
                let from = self
                    .ctx
                    .sources
                    .get(imported.file)
                    .map(|f| f.name.clone())
                    .unwrap_or_default();
                let (line, _) = self.ctx.sources.line_col(imported).unwrap_or((0, 0));
                let there = imported;
                self.ctx.diags.push(
                    Diagnostic::error(
                        Code::Include,
                        format!("{key}.{name} conflicts with imported resource {name:?} of {from}:{line}"),
                    )
                    .with_path(format!("{key}.{name}"))
                    .with_span(here)
                    .with_label(there, "also defined by the included project here")
                    .with_help("rename one of them, or remove the duplicate definition"),
                );
            }
        }
    }
}

fn cfg_map(cfg: &mut Node) -> &mut Map {
    if cfg.as_map().is_none() {
        *cfg = Node::map(Map::new(), cfg.span);
    }
    match &mut cfg.value {
        Value::Map(m) => m,
        _ => unreachable!("just made a map"),
    }
}

/// Top-level sections whose entries are independent of each other.
const NAMED_SECTIONS: &[&str] = &[
    "services", "networks", "volumes", "secrets", "configs", "models",
];

/// What a file defines: top-level keys, and for named sections the entry names.
type Touched = Vec<(String, Option<Vec<String>>)>;

fn touched_entries(cfg: &Node) -> Touched {
    let Some(m) = cfg.as_map() else {
        return Vec::new();
    };
    m.iter()
        .map(|(k, v)| {
            let names = match v.as_map() {
                Some(inner) if NAMED_SECTIONS.contains(&k.as_str()) => {
                    Some(inner.keys().map(|k| k.to_string()).collect())
                }
                _ => None,
            };
            (k.to_string(), names)
        })
        .collect()
}

/// Moves the touched entries of `dict` into a new tree of the same shape.
fn take_part(dict: &mut Node, touched: &Touched) -> Node {
    let mut part = Map::new();
    let Some(dm) = dict.as_map_mut() else {
        return Node::map(part, Span::synthetic());
    };
    for (k, names) in touched {
        let Some(entry_span) = dm.entry(k).map(|e| e.key_span) else {
            continue;
        };
        match (names, dm.get_mut(k)) {
            (Some(names), Some(section)) if section.as_map().is_some() => {
                let span = section.span;
                let mut inner = Map::new();
                if let Some(sm) = section.as_map_mut() {
                    for n in names {
                        let Some(key_span) = sm.entry(n).map(|e| e.key_span) else {
                            continue;
                        };
                        if let Some(slot) = sm.get_mut(n) {
                            let placeholder = Node::null(slot.span);
                            inner.insert(n.clone(), key_span, std::mem::replace(slot, placeholder));
                        }
                    }
                }
                part.insert(k.clone(), entry_span, Node::map(inner, span));
            }
            (_, Some(slot)) => {
                let placeholder = Node::null(slot.span);
                part.insert(k.clone(), entry_span, std::mem::replace(slot, placeholder));
            }
            _ => {}
        }
    }
    Node::map(part, dict.span)
}

/// Puts the processed entries back where `take_part` found them.
fn put_back(dict: &mut Node, part: Node, touched: &Touched) {
    let (Some(dm), Value::Map(pm)) = (dict.as_map_mut(), part.value) else {
        return;
    };
    for (k, entry) in pm {
        let named = touched.iter().any(|(t, n)| t == k && n.is_some());
        match (named, entry.value.value, dm.get_mut(&k)) {
            (true, Value::Map(inner), Some(section)) if section.as_map().is_some() => {
                if let Some(sm) = section.as_map_mut() {
                    for (n, e) in inner {
                        match sm.get_mut(&n) {
                            Some(slot) => *slot = e.value,
                            None => {
                                sm.insert(n, e.key_span, e.value);
                            }
                        }
                    }
                }
            }
            (_, value, Some(slot)) => {
                *slot = Node {
                    span: entry.value.span,
                    tag: entry.value.tag,
                    value,
                };
            }
            (_, value, None) => {
                dm.insert(
                    k,
                    entry.key_span,
                    Node {
                        span: entry.value.span,
                        tag: entry.value.tag,
                        value,
                    },
                );
            }
        }
    }
}
