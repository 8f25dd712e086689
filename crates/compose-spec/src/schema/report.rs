//! Turning schema errors into diagnostics.
//!
//! The validator reports JSON pointers and keyword names; users wrote YAML. For
//! each error we walk the [`Node`] tree along the instance path (for the span and
//! the `services.web.ports[1]` key path), name the place in compose terms
//! (`service "web"`), and say what would be right.
//!
//! `oneOf` failures are resolved to one cause: branches whose *type* does not fit
//! the value are discarded; if none is left the value simply has the wrong type
//! (one diagnostic listing every accepted type), otherwise the errors of the
//! remaining branch with the deepest error (compose-go's "most specific" rule)
//! are reported instead of "not valid under any of the schemas".

use super::duration::DURATION_HELP;
use super::walk::doc;
use crate::diag::{Code, Diagnostic};
use crate::node::{KeyPath, Kind, Node, PathSeg, Resolved, Style, Value};
use crate::span::Span;
use crate::suggest::{did_you_mean, ranked, Likeness};
use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::{JsonType, ValidationError};
use std::collections::HashSet;

/// A set of JSON types, as node kinds (a bit per [`Kind`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Types(u8);

impl Types {
    fn has(self, t: Kind) -> bool {
        self.0 & (1 << t as u8) != 0
    }
    fn add(&mut self, t: Kind) {
        self.0 |= 1 << t as u8;
    }
    fn add_json(&mut self, t: JsonType) {
        self.add(match t {
            JsonType::Null => Kind::Null,
            JsonType::Boolean => Kind::Boolean,
            JsonType::Integer => Kind::Integer,
            JsonType::Number => Kind::Number,
            JsonType::String => Kind::String,
            JsonType::Array => Kind::Seq,
            JsonType::Object => Kind::Map,
        });
    }
    fn from_kind(kind: &TypeKind) -> Types {
        let mut t = Types::default();
        match kind {
            TypeKind::Single(j) => t.add_json(*j),
            TypeKind::Multiple(set) => {
                for j in [
                    JsonType::Null,
                    JsonType::Boolean,
                    JsonType::Integer,
                    JsonType::Number,
                    JsonType::String,
                    JsonType::Array,
                    JsonType::Object,
                ] {
                    if set.contains(j) {
                        t.add_json(j);
                    }
                }
            }
        }
        t
    }
    /// "a string, a list or null".
    fn describe(self) -> String {
        let words: Vec<&str> = Kind::ALL
            .iter()
            .filter(|t| self.has(**t))
            .filter(|t| !(**t == Kind::Integer && self.has(Kind::Number)))
            .map(|t| t.word())
            .collect();
        join_or(&words)
    }
}

fn join_with(words: &[&str], last: &str) -> String {
    match words {
        [] => String::new(),
        [one] => (*one).to_string(),
        [init @ .., tail] => format!("{} {last} {tail}", init.join(", ")),
    }
}

fn join_or(words: &[&str]) -> String {
    join_with(words, "or")
}

fn ticked(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| format!("`{s}`")).collect()
}

/// A short rendering of a value for messages.
fn show(node: &Node) -> String {
    let s = match &node.value {
        Value::Scalar(s) => s.text.to_string(),
        Value::Null => "null".to_string(),
        _ => node.to_json().to_string(),
    };
    if s.chars().count() > 60 {
        let cut: String = s.chars().take(57).collect();
        format!("{cut}...")
    } else {
        s
    }
}

/// A scalar as it was written (keeping its quotes), for examples in help texts.
fn as_written(node: &Node) -> String {
    match &node.value {
        Value::Scalar(s) => match s.style {
            Style::DoubleQuoted => format!("\"{}\"", s.text),
            Style::SingleQuoted => format!("'{}'", s.text),
            _ => show(node),
        },
        _ => show(node),
    }
}

fn singular(top: &str) -> Option<&'static str> {
    Some(match top {
        "services" => "service",
        "networks" => "network",
        "volumes" => "volume",
        "secrets" => "secret",
        "configs" => "config",
        "models" => "model",
        _ => return None,
    })
}

/// Names a place in compose terms: `service "web"`, `` `ports[1]` of service "web" ``.
pub(crate) fn subject(path: &KeyPath) -> String {
    match path.0.as_slice() {
        [] => "the compose file".to_string(),
        [PathSeg::Key(top), PathSeg::Key(name), rest @ ..] if singular(top).is_some() => {
            let kind = singular(top).unwrap_or("resource");
            if rest.is_empty() {
                format!("{kind} \"{name}\"")
            } else {
                format!("`{}` of {kind} \"{name}\"", KeyPath(rest.to_vec()))
            }
        }
        _ => format!("`{path}`"),
    }
}

/// The last key of a path, for "give `x` a value".
fn leaf(path: &KeyPath) -> String {
    match path.0.last() {
        Some(PathSeg::Key(k)) => k.clone(),
        _ => path.to_string(),
    }
}

/// A node found by walking an instance path.
struct Located<'a> {
    node: &'a Node,
    path: KeyPath,
    /// Child indices from the root: document order, whatever the spans.
    order: Vec<usize>,
    /// Span of the key holding this node, when its parent is a mapping.
    key_span: Option<Span>,
    /// The path as schema lookup segments.
    segs: Vec<String>,
}

impl Located<'_> {
    fn seg_refs(&self) -> Vec<&str> {
        self.segs.iter().map(String::as_str).collect()
    }
    /// Where to point for "this mapping lacks a key": its key if it has one.
    fn holder_span(&self) -> Span {
        self.key_span.unwrap_or(self.node.span)
    }
}

fn unescape(seg: &str) -> String {
    seg.replace("~1", "/").replace("~0", "~")
}

fn locate<'a>(root: &'a Node, pointer: &str) -> Located<'a> {
    let mut loc = Located {
        node: root,
        path: KeyPath::root(),
        order: Vec::new(),
        key_span: None,
        segs: Vec::new(),
    };
    if pointer.is_empty() {
        return loc;
    }
    for raw in pointer.split('/').skip(1) {
        let seg = unescape(raw);
        match &loc.node.value {
            Value::Map(m) => {
                let Some((idx, (k, entry))) =
                    m.entries().enumerate().find(|(_, (k, _))| **k == seg)
                else {
                    break;
                };
                loc.path = loc.path.key(k.as_str());
                loc.order.push(idx);
                loc.key_span = Some(entry.key_span);
                loc.node = &entry.value;
            }
            Value::Seq(items) => {
                let Some((idx, item)) = seg
                    .parse::<usize>()
                    .ok()
                    .and_then(|i| items.get(i).map(|n| (i, n)))
                else {
                    break;
                };
                loc.path = loc.path.index(idx);
                loc.order.push(idx);
                loc.key_span = None;
                loc.node = item;
            }
            _ => break,
        }
        loc.segs.push(seg);
    }
    loc
}

/// Child indices from the root to the node at `pointer` (document order).
pub(crate) fn order_of(root: &Node, pointer: &str) -> Vec<usize> {
    locate(root, pointer).order
}

/// A diagnostic waiting to be sorted and deduplicated.
pub(crate) struct Pending {
    /// Document order of the offending node.
    pub(crate) order: Vec<usize>,
    /// A complaint about a value (enum, pattern, range, duration) that a type
    /// error at the same place makes moot.
    pub(crate) about_value: bool,
    pub(crate) diag: Diagnostic,
}

/// Converts validator errors into pending diagnostics.
pub(crate) struct Reporter<'a> {
    root: &'a Node,
    pub(crate) out: Vec<Pending>,
}

/// How specific an error is (compose-go's rule: deeper is better, and an
/// additionalProperties error counts one level deeper).
fn specificity(e: &ValidationError<'_>) -> usize {
    match e.kind() {
        ValidationErrorKind::OneOfNotValid { context } | ValidationErrorKind::AnyOf { context } => {
            context
                .iter()
                .flat_map(|b| b.iter().map(specificity))
                .max()
                .unwrap_or(0)
        }
        kind => {
            let depth = e.instance_path().as_str().matches('/').count();
            match kind {
                ValidationErrorKind::AdditionalProperties { .. } => depth + 1,
                _ => depth,
            }
        }
    }
}

/// Whether a `oneOf` branch failed because the value's type does not fit it.
fn branch_mismatch(errs: &[ValidationError<'_>], pointer: &str) -> bool {
    errs.iter().any(|e| {
        e.instance_path().as_str() == pointer
            && match e.kind() {
                ValidationErrorKind::Type { .. } => true,
                ValidationErrorKind::OneOfNotValid { context }
                | ValidationErrorKind::AnyOf { context } => {
                    context.iter().all(|b| branch_mismatch(b, pointer))
                }
                _ => false,
            }
    })
}

/// The types that a set of mismatching branches would have accepted.
fn branch_types(errs: &[ValidationError<'_>], pointer: &str, out: &mut Types) {
    for e in errs {
        if e.instance_path().as_str() != pointer {
            continue;
        }
        match e.kind() {
            ValidationErrorKind::Type { kind } => out.0 |= Types::from_kind(kind).0,
            ValidationErrorKind::OneOfNotValid { context }
            | ValidationErrorKind::AnyOf { context } => {
                for b in context {
                    branch_types(b, pointer, out);
                }
            }
            _ => {}
        }
    }
}

impl<'a> Reporter<'a> {
    pub(crate) fn new(root: &'a Node) -> Self {
        Reporter {
            root,
            out: Vec::new(),
        }
    }

    fn push(&mut self, order: Vec<usize>, diag: Diagnostic) {
        self.out.push(Pending {
            order,
            about_value: false,
            diag,
        });
    }

    fn push_value(&mut self, order: Vec<usize>, diag: Diagnostic) {
        self.out.push(Pending {
            order,
            about_value: true,
            diag,
        });
    }

    pub(crate) fn convert(&mut self, e: &ValidationError<'_>) {
        let pointer = e.instance_path().as_str();
        let loc = locate(self.root, pointer);
        match e.kind() {
            ValidationErrorKind::AdditionalProperties { unexpected }
            | ValidationErrorKind::UnevaluatedProperties { unexpected } => {
                for key in unexpected {
                    self.unknown_key(&loc, key);
                }
            }
            ValidationErrorKind::Type { kind } => self.wrong_type(&loc, Types::from_kind(kind)),
            ValidationErrorKind::OneOfNotValid { context }
            | ValidationErrorKind::AnyOf { context } => self.one_of(&loc, pointer, context),
            ValidationErrorKind::Enum { options } => {
                let opts: Vec<String> = match options.as_ref() {
                    serde_json::Value::Array(a) => a
                        .iter()
                        .map(|v| {
                            v.as_str()
                                .map(str::to_string)
                                .unwrap_or_else(|| v.to_string())
                        })
                        .collect(),
                    other => vec![other.to_string()],
                };
                self.enum_value(&loc, &opts)
            }
            ValidationErrorKind::Constant { expected_value } => {
                let v = expected_value
                    .as_str()
                    .map(str::to_string)
                    .unwrap_or_else(|| expected_value.to_string());
                self.enum_value(&loc, &[v])
            }
            ValidationErrorKind::Required { property } => {
                let p = property
                    .as_str()
                    .map(str::to_string)
                    .unwrap_or_else(|| property.to_string());
                self.missing(&loc, &p)
            }
            ValidationErrorKind::UniqueItems => self.unique(&loc),
            ValidationErrorKind::Minimum { limit }
            | ValidationErrorKind::ExclusiveMinimum { limit } => {
                self.range(&loc, "at least", limit)
            }
            ValidationErrorKind::Maximum { limit }
            | ValidationErrorKind::ExclusiveMaximum { limit } => self.range(&loc, "at most", limit),
            ValidationErrorKind::Pattern { pattern } => self.pattern(&loc, pattern),
            ValidationErrorKind::Format { format } if format == "duration" => {
                let d = Diagnostic::error(
                    Code::Duration,
                    format!(
                        "invalid duration `{}` for {}",
                        show(loc.node),
                        subject(&loc.path)
                    ),
                )
                .with_path(loc.path.to_string())
                .with_span(loc.node.span)
                .with_help(DURATION_HELP);
                self.push_value(loc.order.clone(), d);
            }
            ValidationErrorKind::OneOfMultipleValid { .. } => {
                let d = Diagnostic::error(
                    Code::Schema,
                    format!(
                        "{} is ambiguous: it matches more than one of its accepted forms",
                        subject(&loc.path)
                    ),
                )
                .with_path(loc.path.to_string())
                .with_span(loc.node.span)
                .with_help("write it in its long (mapping) form");
                self.push(loc.order.clone(), d);
            }
            _ => {
                let d = Diagnostic::error(
                    Code::Schema,
                    format!("{}: {}", subject(&loc.path), e.masked()),
                )
                .with_path(loc.path.to_string())
                .with_span(loc.node.span)
                .with_help("see the Compose Specification for what is allowed here");
                self.push(loc.order.clone(), d);
            }
        }
    }

    fn one_of(
        &mut self,
        loc: &Located<'_>,
        pointer: &str,
        branches: &[Vec<ValidationError<'static>>],
    ) {
        let fitting: Vec<&Vec<ValidationError<'static>>> = branches
            .iter()
            .filter(|b| !branch_mismatch(b, pointer))
            .collect();
        if fitting.is_empty() {
            let mut types = Types::default();
            for b in branches {
                branch_types(b, pointer, &mut types);
            }
            self.wrong_type(loc, types);
            return;
        }
        let mut best = fitting[0];
        let mut best_score = best.iter().map(specificity).max().unwrap_or(0);
        for b in &fitting[1..] {
            let score = b.iter().map(specificity).max().unwrap_or(0);
            if score > best_score {
                best = b;
                best_score = score;
            }
        }
        for e in best {
            self.convert(e);
        }
    }

    fn unknown_key(&mut self, loc: &Located<'_>, key: &str) {
        let d = doc();
        let segs = loc.seg_refs();
        let allowed = d.allowed_keys(&segs);
        let patterns = d.key_patterns(&segs);
        let extensions = patterns.contains(&"^x-");
        let (key_span, idx) = loc
            .node
            .as_map()
            .and_then(|m| {
                m.entries()
                    .enumerate()
                    .find(|(_, (k, _))| k.as_str() == key)
                    .map(|(i, (_, e))| (e.key_span, i))
            })
            .unwrap_or((loc.node.span, 0));
        let path = loc.path.key(key);
        let mut order = loc.order.clone();
        order.push(idx);

        if allowed.is_empty() && !patterns.is_empty() {
            // A map of names (services, volumes, env vars...): the name itself is invalid.
            let resource = match loc.path.0.as_slice() {
                [PathSeg::Key(top)] => singular(top),
                _ => None,
            };
            let rule = match patterns.as_slice() {
                ["^[a-zA-Z0-9._-]+$"] => {
                    "it may contain only letters, digits, `.`, `_` and `-`".to_string()
                }
                [".+"] | ["^.+$"] => "it must not be empty".to_string(),
                ["^[a-z]+$"] => "it may contain only lowercase letters".to_string(),
                pats => format!(
                    "it must match {}",
                    join_or(&ticked(pats).iter().map(String::as_str).collect::<Vec<_>>())
                ),
            };
            let message = match (resource, key.is_empty()) {
                (Some(r), true) => format!("empty {r} name"),
                (Some(r), false) => format!("invalid {r} name `{key}`"),
                (None, true) => format!("empty key in {}", subject(&loc.path)),
                (None, false) => format!("invalid key `{key}` in {}", subject(&loc.path)),
            };
            let diag = Diagnostic::error(Code::Schema, message)
                .with_path(path.to_string())
                .with_span(key_span)
                .with_help(format!("rename it: {rule}"));
            self.push(order, diag);
            return;
        }

        let message = if loc.path.0.is_empty() {
            format!("unknown top-level key `{key}`")
        } else {
            format!("unknown key `{key}` in {}", subject(&loc.path))
        };
        let help = if let Some(s) = did_you_mean(key, &allowed, Likeness::Spelling) {
            format!("did you mean `{s}`?")
        } else if loc.path.0.is_empty() && d.allowed_keys(&["services", "_"]).contains(&key) {
            format!("`{key}` is a service attribute: put it under `services:` in a service, e.g. `services: {{ app: {{ {key}: ... }} }}`")
        } else if let Some(rel) = d.find_nested(&segs, key, 3) {
            format!("`{key}` belongs under `{}` here", rel.join("."))
        } else if extensions
            && (key.starts_with("x_") || key.starts_with("X-") || key.starts_with("X_"))
        {
            "extension keys must start with `x-` (lowercase, with a dash)".to_string()
        } else {
            let mut h = if allowed.is_empty() {
                "remove it".to_string()
            } else if allowed.len() <= 12 {
                format!(
                    "valid keys here: {}",
                    join_or(
                        &ticked(&allowed)
                            .iter()
                            .map(String::as_str)
                            .collect::<Vec<_>>()
                    )
                )
            } else {
                let mut near = ranked(key, &allowed, Likeness::Nearby);
                near.truncate(5);
                if near.is_empty() {
                    format!(
                        "remove it or fix its spelling ({} keys are valid here)",
                        allowed.len()
                    )
                } else {
                    format!(
                        "remove it or fix its spelling; similar valid keys: {}",
                        ticked(&near).join(", ")
                    )
                }
            };
            if extensions {
                h.push_str("; custom keys must start with `x-`");
            }
            h
        };
        let diag = Diagnostic::error(Code::UnknownKey, message)
            .with_path(path.to_string())
            .with_span(key_span)
            .with_help(help);
        self.push(order, diag);
    }

    fn wrong_type(&mut self, loc: &Located<'_>, expected: Types) {
        let node = loc.node;
        let found = node.kind_name();
        let exp = expected.describe();
        let scalar_non_string = matches!(
            node.resolve(),
            Some(Resolved::Bool(_) | Resolved::Int(_) | Resolved::Float(_))
        );
        let help = if node.is_null() {
            format!("give `{}` a value, or remove it", leaf(&loc.path))
        } else if expected.has(Kind::String) && scalar_non_string {
            format!("quote the value to make it a string: `\"{}\"`", show(node))
        } else if expected.has(Kind::Seq) && !expected.has(Kind::String) && node.as_str().is_some()
        {
            format!("write a list, e.g. `[{}]`", as_written(node))
        } else if expected.has(Kind::Map) && !expected.has(Kind::Seq) && node.as_seq().is_some() {
            "write `key: value` pairs instead of a list".to_string()
        } else if expected.has(Kind::Seq) && !expected.has(Kind::Map) && node.as_map().is_some() {
            "write a list of items (`- item`) instead of `key: value` pairs".to_string()
        } else if expected.has(Kind::Map)
            && node.as_scalar().is_some()
            && !expected.has(Kind::String)
        {
            "write a mapping of `key: value` pairs".to_string()
        } else {
            format!("change it to {exp}")
        };
        let diag = Diagnostic::error(
            Code::WrongType,
            format!("{} must be {exp}, found {found}", subject(&loc.path)),
        )
        .with_path(loc.path.to_string())
        .with_span(node.span)
        .with_help(help);
        self.push(loc.order.clone(), diag);
    }

    fn enum_value(&mut self, loc: &Located<'_>, options: &[String]) {
        let opts: Vec<&str> = options.iter().map(String::as_str).collect();
        let value = show(loc.node);
        let list = join_or(&ticked(&opts).iter().map(String::as_str).collect::<Vec<_>>());
        let help = match did_you_mean(&value, &opts, Likeness::Spelling) {
            Some(s) => format!("did you mean `{s}`? allowed values: {list}"),
            None => format!("use one of {list}"),
        };
        let diag = Diagnostic::error(
            Code::EnumValue,
            format!("invalid value `{value}` for {}", subject(&loc.path)),
        )
        .with_path(loc.path.to_string())
        .with_span(loc.node.span)
        .with_help(help);
        self.push_value(loc.order.clone(), diag);
    }

    fn missing(&mut self, loc: &Located<'_>, key: &str) {
        let mut segs = loc.seg_refs();
        segs.push(key);
        let values = doc().enum_values(&segs);
        let help = if values.is_empty() {
            format!("add `{key}: ...`")
        } else {
            format!(
                "add `{key}:` with one of {}",
                join_or(
                    &ticked(&values)
                        .iter()
                        .map(String::as_str)
                        .collect::<Vec<_>>()
                )
            )
        };
        let message = if loc.path.0.is_empty() {
            format!("missing required top-level key `{key}`")
        } else {
            format!("missing required key `{key}` in {}", subject(&loc.path))
        };
        let diag = Diagnostic::error(Code::MissingKey, message)
            .with_path(loc.path.to_string())
            .with_span(loc.holder_span())
            .with_help(help);
        self.push(loc.order.clone(), diag);
    }

    fn unique(&mut self, loc: &Located<'_>) {
        let Some(items) = loc.node.as_seq() else {
            return;
        };
        let values: Vec<serde_json::Value> = items.iter().map(Node::to_json).collect();
        let mut any = false;
        for j in 1..values.len() {
            let Some(i) = (0..j).find(|&i| values[i] == values[j]) else {
                continue;
            };
            any = true;
            let mut order = loc.order.clone();
            order.push(j);
            let diag = Diagnostic::error(
                Code::Schema,
                format!(
                    "duplicate entry `{}` in {}",
                    show(&items[j]),
                    subject(&loc.path)
                ),
            )
            .with_path(loc.path.index(j).to_string())
            .with_span(items[j].span)
            .with_label(items[i].span, "first given here")
            .with_help(format!("remove it: it repeats `{}`", loc.path.index(i)));
            self.push(order, diag);
        }
        if !any {
            let diag = Diagnostic::error(
                Code::Schema,
                format!("{} has duplicate entries", subject(&loc.path)),
            )
            .with_path(loc.path.to_string())
            .with_span(loc.node.span)
            .with_help("remove the repeated entries");
            self.push(loc.order.clone(), diag);
        }
    }

    fn range(&mut self, loc: &Located<'_>, bound: &str, limit: &serde_json::Value) {
        let diag = Diagnostic::error(
            Code::Schema,
            format!(
                "{} must be {bound} {limit}, found {}",
                subject(&loc.path),
                show(loc.node)
            ),
        )
        .with_path(loc.path.to_string())
        .with_span(loc.node.span)
        .with_help(format!("use a value {bound} {limit}"));
        self.push_value(loc.order.clone(), diag);
    }

    fn pattern(&mut self, loc: &Located<'_>, pattern: &str) {
        let help = match loc.path.0.last() {
            Some(PathSeg::Key(k)) if k == "pull_policy" => "use `always`, `never`, `missing`, `build`, `if_not_present`, `refresh`, `daily`, `weekly` or `every_<duration>` (e.g. `every_12h`)".to_string(),
            Some(PathSeg::Key(k)) if k == "container_name" => "use at least two characters: a letter or digit, then letters, digits, `_`, `.` or `-`".to_string(),
            _ => format!("the value must match the pattern `{pattern}`"),
        };
        let diag = Diagnostic::error(
            Code::Schema,
            format!(
                "invalid value `{}` for {}",
                show(loc.node),
                subject(&loc.path)
            ),
        )
        .with_path(loc.path.to_string())
        .with_span(loc.node.span)
        .with_help(help);
        self.push_value(loc.order.clone(), diag);
    }
}

/// Sorts pending diagnostics into document order and drops redundant ones: exact
/// repeats (and a second duration error for the same field), and value errors
/// (enum, pattern, range, duration) at a place that already has a type error.
pub(crate) fn finish(mut pending: Vec<Pending>) -> Vec<Diagnostic> {
    pending.sort_by(|a, b| a.order.cmp(&b.order));
    let typed: HashSet<Option<String>> = pending
        .iter()
        .filter(|p| p.diag.code == Code::WrongType)
        .map(|p| p.diag.path.clone())
        .collect();
    let mut seen: HashSet<(Code, Option<String>, String)> = HashSet::new();
    let mut out: Vec<Diagnostic> = Vec::with_capacity(pending.len());
    for p in pending {
        let d = p.diag;
        if p.about_value && typed.contains(&d.path) {
            continue;
        }
        let msg = if d.code == Code::Duration {
            String::new()
        } else {
            d.message.clone()
        };
        if seen.insert((d.code, d.path.clone(), msg)) {
            out.push(d);
        }
    }
    out
}
