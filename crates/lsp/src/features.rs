//! The answers: each LSP feature as a function of a project's [`crate::world::Analysis`].

use crate::world::{range, Analysis, FileInfo};
use compose_spec::diag::Severity;
use compose_spec::editor::{
    at_offset, context_at, file_refs, interpolated_scalars, node_at, schema_path, variable_at,
    FileRefKind, LineIndex, NameKind, NameRef,
};
use compose_spec::node::{KeyPath, Node, PathSeg, Value};
use compose_spec::schema;
use lsp_types as lt;
use lt::{Location, Position, Range, Url};
use serde_json::json;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// The `source` of every diagnostic.
pub const SOURCE: &str = "hoist";

/// Diagnostics of a whole project, per file URI. `extra` are files that get
/// an empty list when nothing is said about them (to clear what was said).
pub fn diagnostics(a: &Analysis) -> HashMap<Url, Vec<lt::Diagnostic>> {
    let sources = &a.loaded.sources;
    let mut out: HashMap<Url, Vec<lt::Diagnostic>> = HashMap::new();
    for f in &a.files {
        if let Some(u) = f.uri() {
            out.entry(u).or_default();
        }
    }
    let first = a
        .config_files
        .first()
        .and_then(|p| Url::from_file_path(p).ok());
    let mut indexes: HashMap<u32, LineIndex> = HashMap::new();
    let mut to_loc = |span: compose_spec::span::Span| -> Option<(Url, Range)> {
        let f = sources.get(span.file)?;
        let uri = Url::from_file_path(f.path.as_ref()?).ok()?;
        let ix = indexes
            .entry(span.file.0)
            .or_insert_with(|| LineIndex::new(&f.text));
        Some((uri, range(&f.text, ix, span.start, span.end)))
    };
    for d in &a.loaded.diagnostics {
        let (uri, rng) = match d.span.and_then(&mut to_loc) {
            Some(x) => x,
            None => match &first {
                Some(u) => (u.clone(), Range::default()),
                None => continue,
            },
        };
        let related: Vec<lt::DiagnosticRelatedInformation> = d
            .labels
            .iter()
            .filter_map(|l| {
                let (u, r) = to_loc(l.span)?;
                Some(lt::DiagnosticRelatedInformation {
                    location: Location::new(u, r),
                    message: l.message.clone(),
                })
            })
            .collect();
        let mut message = d.message.clone();
        if let Some(h) = &d.help {
            message.push_str("\nhelp: ");
            message.push_str(h);
        }
        let list = out.entry(uri).or_default();
        // the loader reports an included file's schema errors twice (once per
        // pass over it): one is enough in an editor
        let code = lt::NumberOrString::String(d.code.as_str().into());
        if list
            .iter()
            .any(|x| x.range == rng && x.message == message && x.code.as_ref() == Some(&code))
        {
            continue;
        }
        list.push(lt::Diagnostic {
            range: rng,
            severity: Some(match d.severity {
                Severity::Error => lt::DiagnosticSeverity::ERROR,
                Severity::Warning => lt::DiagnosticSeverity::WARNING,
            }),
            code: Some(code),
            source: Some(SOURCE.into()),
            message,
            related_information: (!related.is_empty()).then_some(related),
            data: Some(json!({ "help": d.help, "path": d.path, "message": d.message })),
            ..Default::default()
        });
    }
    out
}

fn strs(p: &[String]) -> Vec<&str> {
    p.iter().map(String::as_str).collect()
}

fn display_name(a: &Analysis, p: &Path) -> String {
    let base = a
        .config_files
        .first()
        .and_then(|f| f.parent())
        .unwrap_or(Path::new("/"));
    p.strip_prefix(base)
        .map(|r| r.display().to_string())
        .unwrap_or_else(|_| p.display().to_string())
}

fn truncate_lines(s: &str, max: usize) -> String {
    let lines: Vec<&str> = s.lines().collect();
    if lines.len() <= max {
        return s.trim_end().to_string();
    }
    format!(
        "{}\n# … {} more lines",
        lines[..max].join("\n"),
        lines.len() - max
    )
}

/// The final model's node for a path written in the file (short syntaxes
/// become long ones, so a list item may not be there any more).
/// The final tree's node for the file's node at `path`. A list item is found
/// by where it was written (the final tree's nodes keep their file and
/// offset), since its index in the final list differs when an override file
/// adds to the list, or when an item is a duplicate dropped; by its index
/// only when no item comes from there and both lists are as long.
fn resolved<'a>(a: &'a Analysis, f: &FileInfo, path: &KeyPath) -> Option<&'a Node> {
    let own = f.tree()?;
    let file = a
        .loaded
        .sources
        .files()
        .find(|(_, s)| s.path.as_deref() == Some(f.path.as_path()) && *s.text == *f.text)
        .map(|(id, _)| id);
    let mut n = a.loaded.tree.as_ref()?;
    let mut mine = KeyPath::root();
    for seg in &path.0 {
        n = match seg {
            PathSeg::Key(k) => n.get(k)?,
            PathSeg::Index(i) => {
                let items = n.as_seq()?;
                let written = node_at(own, &mine)?.as_seq()?;
                let item = written.get(*i)?;
                let from_here = |r: &&Node| {
                    file.is_some_and(|id| r.span.file == id && r.span.start == item.span.start)
                };
                match items.iter().find(from_here) {
                    Some(r) => r,
                    None if items.len() == written.len() => items.get(*i)?,
                    None => return None,
                }
            }
        };
        mine.0.push(seg.clone());
    }
    Some(n)
}

/// Hover: a variable's value and origin, or a key's documentation and resolved value.
pub fn hover(a: &Analysis, f: &FileInfo, pos: Position) -> Option<lt::Hover> {
    let off = f.offset(pos);
    let mut md = String::new();
    if let Some((name, s, e)) = variable_at(&f.text, off) {
        md.push_str(&format!("**`${{{name}}}`**\n\n"));
        match a.variable(name) {
            Some((v, Some((file, line)))) => md.push_str(&format!(
                "= `{v}` — from `{}` line {line}",
                display_name(a, &file)
            )),
            Some((v, None)) => md.push_str(&format!("= `{v}` — from the environment")),
            None => md.push_str("not set (its default applies, else the empty string)"),
        }
        return Some(lt::Hover {
            contents: lt::HoverContents::Markup(lt::MarkupContent {
                kind: lt::MarkupKind::Markdown,
                value: md,
            }),
            range: Some(range(&f.text, &f.lines, s, e)),
        });
    }
    let tree = f.tree()?;
    let at = at_offset(tree, off)?;
    let sp = at.schema_path();
    md.push_str(&format!("**`{}`**", at.path));
    if let Some(d) = schema::describe(&strs(&sp)) {
        md.push_str("\n\n");
        md.push_str(d);
    }
    let mut target = resolved(a, f, &at.path);
    if let Some(r) = ref_at(f, off) {
        if !r.definition {
            md.push_str(&format!("\n\n{} `{}`", r.kind.word(), r.name));
            // a reference: what it names, as resolved
            target = a
                .loaded
                .tree
                .as_ref()
                .and_then(|t| t.get(r.kind.section()))
                .and_then(|s| s.get(&r.name));
        }
    }
    if let Some(n) = target {
        let yaml = compose_spec::yaml::emit::to_yaml(&n.to_json());
        md.push_str("\n\nResolved (as `hoist config`):\n```yaml\n");
        md.push_str(&truncate_lines(&yaml, 30));
        md.push_str("\n```");
        if let Some(src) = a.loaded.sources.get(n.span.file) {
            if let (Some(p), Some((line, _))) = (&src.path, a.loaded.sources.line_col(n.span)) {
                md.push_str(&format!("\nfrom `{}` line {line}", display_name(a, p)));
            }
        }
    }
    if let Some(Value::Scalar(s)) = node_at(tree, &at.path).map(|n| &n.value) {
        for v in compose_spec::template::extract_variables(&s.text) {
            if let Some((val, origin)) = a.variable(&v.name) {
                let from = match origin {
                    Some((p, l)) => format!("`{}` line {l}", display_name(a, &p)),
                    None => "the environment".into(),
                };
                md.push_str(&format!("\n\n`${{{}}}` = `{val}` from {from}", v.name));
            }
        }
    }
    Some(lt::Hover {
        contents: lt::HoverContents::Markup(lt::MarkupContent {
            kind: lt::MarkupKind::Markdown,
            value: md,
        }),
        range: Some(f.range(at.span)),
    })
}

/// The named reference under an offset.
pub fn ref_at(f: &FileInfo, off: usize) -> Option<&NameRef> {
    f.refs
        .iter()
        .find(|r| r.span.start <= off && off <= r.span.end)
}

fn reference_kind(path: &[String], key: Option<&str>, list_item: bool) -> Option<NameKind> {
    let p: Vec<&str> = path.iter().map(String::as_str).collect();
    match (p.as_slice(), key, list_item) {
        (["services", _, "depends_on" | "links" | "volumes_from"], None, _) => {
            Some(NameKind::Service)
        }
        (["services", _], Some("extends"), _) => Some(NameKind::Service),
        (["services", _, "extends"], Some("service"), _) => Some(NameKind::Service),
        (["services", _, "networks"], None, _) => Some(NameKind::Network),
        (["services", _, "secrets"], None, true) => Some(NameKind::Secret),
        (["services", _, "configs"], None, true) => Some(NameKind::Config),
        (["services", _, "build", "secrets"], None, true) => Some(NameKind::Secret),
        (["services", _, "secrets", _], Some("source"), _) => Some(NameKind::Secret),
        (["services", _, "configs", _], Some("source"), _) => Some(NameKind::Config),
        (["services", _, "volumes"], None, true) => Some(NameKind::Volume),
        (["services", _, "volumes", _], Some("source"), _) => Some(NameKind::Volume),
        _ => None,
    }
}

/// Completion at a position.
pub fn completion(a: &Analysis, f: &FileInfo, pos: Position) -> Vec<lt::CompletionItem> {
    let off = f.offset(pos);
    let mut items = Vec::new();
    let line_start = f.text[..off].rfind('\n').map(|i| i + 1).unwrap_or(0);
    let before = &f.text[line_start..off];
    // inside `${…`: the project's variables
    if let Some(open) = before.rfind("${") {
        if !before[open..].contains('}') {
            let typed = &before[open + 2..];
            let mut names: Vec<(&String, &String)> = a.loaded.environment.iter().collect();
            names.sort();
            for (k, v) in names {
                if !k.starts_with(typed) {
                    continue;
                }
                let from_file = a.variable(k).and_then(|(_, o)| o);
                items.push(lt::CompletionItem {
                    label: k.clone(),
                    kind: Some(lt::CompletionItemKind::VARIABLE),
                    detail: Some(v.clone()),
                    sort_text: Some(format!("{}{k}", if from_file.is_some() { 0 } else { 1 })),
                    ..Default::default()
                });
            }
            return items;
        }
    }
    let ctx = context_at(&f.text, off);
    let edit_range = range(&f.text, &f.lines, ctx.prefix_start, off);
    let item = |label: String, kind, detail: Option<String>, doc: Option<&str>, insert: String| {
        lt::CompletionItem {
            label,
            kind: Some(kind),
            detail,
            documentation: doc.map(|d| {
                lt::Documentation::MarkupContent(lt::MarkupContent {
                    kind: lt::MarkupKind::Markdown,
                    value: d.to_string(),
                })
            }),
            text_edit: Some(lt::CompletionTextEdit::Edit(lt::TextEdit::new(
                edit_range, insert,
            ))),
            ..Default::default()
        }
    };
    if let Some(kind) = reference_kind(&ctx.path, ctx.key.as_deref(), ctx.list_item) {
        let map_form = ctx.key.is_none() && !ctx.list_item;
        for n in a.names(kind) {
            let insert = if map_form { format!("{n}:") } else { n.clone() };
            items.push(item(
                n,
                lt::CompletionItemKind::REFERENCE,
                Some(kind.word().into()),
                None,
                insert,
            ));
        }
        return items;
    }
    match &ctx.key {
        Some(k) => {
            let mut full = ctx.path.clone();
            full.push(k.clone());
            if matches!(k.as_str(), "network_mode" | "ipc" | "pid")
                && ctx.path.len() == 2
                && ctx.path[0] == "services"
            {
                for n in a.names(NameKind::Service) {
                    items.push(item(
                        format!("service:{n}"),
                        lt::CompletionItemKind::REFERENCE,
                        Some("service".into()),
                        None,
                        format!("service:{n}"),
                    ));
                }
            }
            for v in schema::enum_values(&strs(&full)) {
                items.push(item(
                    v.to_string(),
                    lt::CompletionItemKind::ENUM_MEMBER,
                    None,
                    schema::describe(&strs(&full)),
                    v.to_string(),
                ));
            }
        }
        None if !ctx.list_item => {
            let mut present: Vec<String> = f
                .tree()
                .and_then(|t| node_at(t, &key_path(&ctx.path)))
                .and_then(Node::as_map)
                .map(|m| m.keys().map(|k| k.to_string()).collect())
                .unwrap_or_default();
            present.extend(ctx.siblings.iter().cloned());
            for k in schema::allowed_keys(&strs(&ctx.path)) {
                if present.iter().any(|p| p == k && p != &ctx.prefix) {
                    continue;
                }
                let mut full = ctx.path.clone();
                full.push(k.to_string());
                items.push(item(
                    k.to_string(),
                    lt::CompletionItemKind::PROPERTY,
                    None,
                    schema::describe(&strs(&full)),
                    format!("{k}: "),
                ));
            }
        }
        None => {}
    }
    items
}

fn key_path(p: &[String]) -> KeyPath {
    KeyPath(
        p.iter()
            .map(|s| match s.parse::<usize>() {
                Ok(i) => PathSeg::Index(i),
                Err(_) => PathSeg::Key(s.clone()),
            })
            .collect(),
    )
}

fn loc(f: &FileInfo, span: compose_spec::span::Span) -> Option<Location> {
    Some(Location::new(f.uri()?, f.range(span)))
}

/// One place a name is written.
#[derive(Debug, Clone)]
pub struct Occurrence {
    /// The file.
    pub uri: Url,
    /// The name's range.
    pub range: Range,
    /// Whether it is the definition.
    pub definition: bool,
}

/// Every occurrence of the name under the cursor, across the project's files.
pub fn occurrences(
    a: &Analysis,
    f: &FileInfo,
    pos: Position,
) -> Option<(NameRef, Vec<Occurrence>)> {
    let r = ref_at(f, f.offset(pos))?.clone();
    let mut out = Vec::new();
    for file in &a.files {
        for o in &file.refs {
            if o.kind == r.kind && o.name == r.name {
                if let Some(l) = loc(file, o.span) {
                    out.push(Occurrence {
                        uri: l.uri,
                        range: l.range,
                        definition: o.definition,
                    });
                }
            }
        }
    }
    Some((r, out))
}

fn resolve_ref(f: &FileInfo, target: &str, base: Option<&str>) -> PathBuf {
    let dir = f.path.parent().unwrap_or(Path::new("/"));
    let mut p = dir.to_path_buf();
    if let Some(b) = base {
        p = p.join(b);
    }
    p.join(target)
}

/// Go to definition: a name's definition, or the file a path names.
pub fn definition(a: &Analysis, f: &FileInfo, pos: Position) -> Vec<Location> {
    let off = f.offset(pos);
    if let Some((_, occ)) = occurrences(a, f, pos) {
        return occ
            .into_iter()
            .filter(|o| o.definition)
            .map(|o| Location::new(o.uri, o.range))
            .collect();
    }
    let Some(tree) = f.tree() else {
        return Vec::new();
    };
    // extends: {file: x, service: y} → y in x
    if let Some(at) = at_offset(tree, off) {
        let p = schema_path(&at.path);
        if p.len() == 4 && p[0] == "services" && p[2] == "extends" && p[3] == "service" {
            let ext = node_at(tree, &key_path(&p[..3]));
            if let (Some(file), Some(svc)) = (
                ext.and_then(|e| e.get("file")).and_then(Node::as_text),
                ext.and_then(|e| e.get("service")).and_then(Node::as_text),
            ) {
                let target = resolve_ref(f, file, None);
                if let Some(other) = a.file(&target) {
                    return other
                        .refs
                        .iter()
                        .filter(|r| r.definition && r.kind == NameKind::Service && r.name == svc)
                        .filter_map(|r| loc(other, r.span))
                        .collect();
                }
            }
        }
    }
    for r in file_refs(tree) {
        if r.span.start <= off && off <= r.span.end {
            let p = resolve_ref(f, &r.target, r.base.as_deref());
            if let Ok(u) = Url::from_file_path(&p) {
                return vec![Location::new(u, Range::default())];
            }
        }
    }
    Vec::new()
}

/// Whether a name is one compose accepts for services, networks, ….
pub fn valid_name(n: &str) -> bool {
    !n.is_empty()
        && n.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

/// The edits of a rename.
pub fn rename(a: &Analysis, f: &FileInfo, pos: Position, new: &str) -> Option<lt::WorkspaceEdit> {
    let (_, occ) = occurrences(a, f, pos)?;
    let mut changes: HashMap<Url, Vec<lt::TextEdit>> = HashMap::new();
    for o in occ {
        changes
            .entry(o.uri)
            .or_default()
            .push(lt::TextEdit::new(o.range, new.to_string()));
    }
    Some(lt::WorkspaceEdit {
        changes: Some(changes),
        ..Default::default()
    })
}

/// Document links of the paths a file names.
pub fn links(f: &FileInfo) -> Vec<lt::DocumentLink> {
    let Some(tree) = f.tree() else {
        return Vec::new();
    };
    file_refs(tree)
        .into_iter()
        .filter_map(|r| {
            let p = resolve_ref(f, &r.target, r.base.as_deref());
            let target = Url::from_file_path(&p).ok()?;
            let what = match r.kind {
                FileRefKind::BuildContext => "build context",
                FileRefKind::Dockerfile => "Dockerfile",
                FileRefKind::EnvFile => "env file",
                FileRefKind::ExtendsFile => "extended file",
                FileRefKind::Include => "included file",
            };
            Some(lt::DocumentLink {
                range: f.range(r.span),
                target: Some(target),
                tooltip: Some(what.into()),
                data: None,
            })
        })
        .collect()
}

/// The outline: top-level sections and their entries.
#[allow(deprecated)] // `DocumentSymbol::deprecated` must be spelled out
pub fn symbols(f: &FileInfo) -> Vec<lt::DocumentSymbol> {
    let Some(top) = f.tree().and_then(Node::as_map) else {
        return Vec::new();
    };
    let sym = |name: &str, kind, key: compose_spec::span::Span, value: &Node, children| {
        let end = if value.span.is_synthetic() {
            key.end
        } else {
            value.span.end.max(key.end)
        };
        lt::DocumentSymbol {
            name: name.to_string(),
            detail: None,
            kind,
            tags: None,
            deprecated: None,
            range: range(&f.text, &f.lines, key.start, end),
            selection_range: f.range(key),
            children,
        }
    };
    top.entries()
        .map(|(k, e)| {
            let child_kind = match k.as_str() {
                "services" => Some(lt::SymbolKind::CLASS),
                "networks" => Some(lt::SymbolKind::INTERFACE),
                "volumes" => Some(lt::SymbolKind::STRUCT),
                "secrets" | "configs" => Some(lt::SymbolKind::KEY),
                "models" => Some(lt::SymbolKind::OBJECT),
                _ => None,
            };
            let children = child_kind.and_then(|ck| {
                e.value.as_map().map(|m| {
                    m.entries()
                        .map(|(n, d)| sym(n, ck, d.key_span, &d.value, None))
                        .collect()
                })
            });
            sym(k, lt::SymbolKind::MODULE, e.key_span, &e.value, children)
        })
        .collect()
}

/// Formatting ([`compose_spec::editor::format`], `tab_size` spaces a level)
/// as edits of the lines that change, only those within `within` when given
/// (range formatting); none when the file does not parse.
///
/// The formatter only re-indents lines, trims trailing whitespace and drops
/// blank lines, so the formatted lines are the original ones in order, blank
/// ones left out: they pair up by their trimmed text and each edit is one line
/// (an editor keeps the cursor and folds of the lines that do not change).
pub fn formatting(f: &FileInfo, tab_size: u32, within: Option<Range>) -> Vec<lt::TextEdit> {
    let Some(new) = compose_spec::editor::format(&f.text, tab_size as usize) else {
        return Vec::new();
    };
    if *new == *f.text {
        return Vec::new();
    }
    let text = &*f.text;
    let body = text.strip_suffix('\n').unwrap_or(text);
    let old: Vec<&str> = body.split('\n').collect();
    let new_body = new.strip_suffix('\n').unwrap_or(&new);
    let mut formatted = new_body.split('\n').peekable();
    let pos = |line: usize, byte: usize| {
        let (l, c) = f
            .lines
            .position(text, f.lines.offset(text, line as u32, 0) + byte);
        Position::new(l, c)
    };
    let keep = |line: usize| {
        within.is_none_or(|r| r.start.line as usize <= line && line <= r.end.line as usize)
    };
    let mut edits = Vec::new();
    for (i, line) in old.iter().enumerate() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        match formatted.peek() {
            Some(n) if n.trim() == line.trim() => {
                let n = n.strip_suffix('\r').unwrap_or(n);
                if n != line && keep(i) {
                    edits.push(lt::TextEdit::new(
                        Range::new(pos(i, 0), pos(i, line.len())),
                        n.to_string(),
                    ));
                }
                formatted.next();
            }
            // a line left out (a blank one)
            _ if keep(i) => edits.push(lt::TextEdit::new(
                Range::new(pos(i, 0), pos(i + 1, 0)),
                String::new(),
            )),
            _ => {}
        }
    }
    if !text.ends_with('\n') && new.ends_with('\n') && keep(old.len().saturating_sub(1)) {
        let end = pos(old.len(), 0);
        let eol = if new.ends_with("\r\n") { "\r\n" } else { "\n" };
        edits.push(lt::TextEdit::new(Range::new(end, end), eol.into()));
    }
    edits
}

/// Inlay hints: the interpolated value after each scalar holding `${…}`.
pub fn inlay_hints(a: &Analysis, f: &FileInfo, within: Range) -> Vec<lt::InlayHint> {
    let Some(tree) = f.tree() else {
        return Vec::new();
    };
    let env = &a.loaded.environment;
    let lookup = |k: &str| env.get(k).cloned();
    let start = f.offset(within.start);
    let end = f.offset(within.end);
    let mut out = Vec::new();
    for (text, span) in interpolated_scalars(tree) {
        if span.end < start || span.start > end {
            continue;
        }
        let Ok(s) = compose_spec::template::substitute(text, &lookup) else {
            continue;
        };
        if s.value == text {
            continue;
        }
        let mut v = s.value;
        if v.chars().count() > 60 {
            v = v.chars().take(59).collect::<String>() + "…";
        }
        out.push(lt::InlayHint {
            position: f.range(span).end,
            label: lt::InlayHintLabel::String(format!("= {v}")),
            kind: None,
            text_edits: None,
            tooltip: None,
            padding_left: Some(true),
            padding_right: None,
            data: None,
        });
    }
    out
}

fn backticked(s: &str) -> Option<&str> {
    let a = s.find('`')?;
    let b = s[a + 1..].find('`')?;
    Some(&s[a + 1..a + 1 + b])
}

/// Code actions for the diagnostics the client sends back: the did-you-mean
/// fix, and declaring a missing top-level network or volume.
pub fn code_actions(
    f: &FileInfo,
    uri: &Url,
    diags: &[lt::Diagnostic],
) -> Vec<lt::CodeActionOrCommand> {
    let mut out = Vec::new();
    for d in diags {
        if d.source.as_deref() != Some(SOURCE) {
            continue;
        }
        let data = d.data.clone().unwrap_or_default();
        let help = data.get("help").and_then(|h| h.as_str()).unwrap_or("");
        let code = match &d.code {
            Some(lt::NumberOrString::String(s)) => s.as_str(),
            _ => "",
        };
        let fix = |title: String, edits: Vec<lt::TextEdit>| {
            lt::CodeActionOrCommand::CodeAction(lt::CodeAction {
                title,
                kind: Some(lt::CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![d.clone()]),
                edit: Some(lt::WorkspaceEdit {
                    changes: Some(HashMap::from([(uri.clone(), edits)])),
                    ..Default::default()
                }),
                is_preferred: Some(true),
                ..Default::default()
            })
        };
        if let Some(rest) = help.strip_prefix("did you mean ") {
            if let Some(s) = backticked(rest) {
                let start = f.offset(d.range.start);
                let end = f.offset(d.range.end);
                let written = &f.text[start..end];
                // replace the wrong word inside the span (a volume's `src:dst` keeps `:dst`)
                let msg = data.get("message").and_then(|m| m.as_str()).unwrap_or("");
                let wrong = msg
                    .rsplit(' ')
                    .next()
                    .unwrap_or("")
                    .trim_matches(['"', '`']);
                let (ws, we) = match written
                    .find(wrong)
                    .filter(|_| !wrong.is_empty() && code.starts_with("compose::undefined"))
                {
                    Some(i) => (start + i, start + i + wrong.len()),
                    None => {
                        let w = written.trim_matches(['"', '\'']);
                        let i = written.find(w).unwrap_or(0);
                        (start + i, start + i + w.len())
                    }
                };
                out.push(fix(
                    format!("Change to `{s}`"),
                    vec![lt::TextEdit::new(
                        range(&f.text, &f.lines, ws, we),
                        s.to_string(),
                    )],
                ));
            }
        }
        let section = match code {
            "compose::undefined-network" => Some("networks"),
            "compose::undefined-volume" => Some("volumes"),
            "compose::undefined-secret" => Some("secrets"),
            "compose::undefined-config" => Some("configs"),
            _ => None,
        };
        if let Some(section) = section {
            let msg = data.get("message").and_then(|m| m.as_str()).unwrap_or("");
            let name = msg.rsplit(' ').next().unwrap_or("").trim_matches('"');
            if valid_name(name) && section != "secrets" && section != "configs" {
                out.push(fix(
                    format!(
                        "Declare {} `{name}` under the top-level `{section}:`",
                        &section[..section.len() - 1]
                    ),
                    vec![declare(f, section, name)],
                ));
            }
        }
    }
    out
}

/// The edit adding `name: {}` to a top-level section (made when missing).
fn declare(f: &FileInfo, section: &str, name: &str) -> lt::TextEdit {
    let text = &f.text;
    let end_pos = range(text, &f.lines, text.len(), text.len()).end;
    let sep = if text.is_empty() || text.ends_with('\n') {
        ""
    } else {
        "\n"
    };
    if let Some(e) = f
        .tree()
        .and_then(Node::as_map)
        .and_then(|m| m.entry(section))
    {
        if let Some(m) = e.value.as_map().filter(|m| !m.is_empty()) {
            // after the section's last entry, at its indentation
            let (_, last) = m.entries().last().unwrap_or_else(|| unreachable!());
            let line_start = text[..last.key_span.start]
                .rfind('\n')
                .map(|i| i + 1)
                .unwrap_or(0);
            let indent = last.key_span.start - line_start;
            let end = last.value.span.end.max(last.key_span.end);
            let eol = text[end..]
                .find('\n')
                .map(|i| end + i + 1)
                .unwrap_or(text.len());
            let at = range(text, &f.lines, eol, eol).start;
            let nl = if eol == text.len() && !text.ends_with('\n') {
                "\n"
            } else {
                ""
            };
            return lt::TextEdit::new(
                Range::new(at, at),
                format!("{nl}{}{name}: {{}}\n", " ".repeat(indent)),
            );
        }
        if e.value.is_null() {
            let at = f.range(e.key_span).end;
            let eol = text[e.key_span.end..]
                .find('\n')
                .map(|i| e.key_span.end + i)
                .unwrap_or(text.len());
            let r = Range::new(at, range(text, &f.lines, eol, eol).start);
            return lt::TextEdit::new(r, format!(":\n  {name}: {{}}"));
        }
    }
    lt::TextEdit::new(
        Range::new(end_pos, end_pos),
        format!("{sep}{section}:\n  {name}: {{}}\n"),
    )
}

/// Highlights: the name's occurrences in this file.
pub fn highlights(a: &Analysis, f: &FileInfo, pos: Position) -> Vec<lt::DocumentHighlight> {
    let Some((_, occ)) = occurrences(a, f, pos) else {
        return Vec::new();
    };
    let me = f.uri();
    occ.into_iter()
        .filter(|o| Some(&o.uri) == me.as_ref())
        .map(|o| lt::DocumentHighlight {
            range: o.range,
            kind: Some(if o.definition {
                lt::DocumentHighlightKind::WRITE
            } else {
                lt::DocumentHighlightKind::READ
            }),
        })
        .collect()
}
