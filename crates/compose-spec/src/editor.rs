//! What editors and language servers need from one compose file: positions in
//! the LSP's terms, what sits at an offset, the completion context of a
//! half-typed line, the named references (services, networks, volumes,
//! secrets, configs) with their exact spans, and the file references
//! (`build.context`, `dockerfile`, `env_file`, `extends.file`, `include`),
//! and a comment-preserving formatter ([`format()`]).
//!
//! Everything here is pure: it reads a parsed tree ([`crate::yaml::parse`]) and
//! the text it came from, never the file system.

use crate::node::{KeyPath, Node, PathSeg, Value};

mod formatting;
use crate::span::Span;
pub use formatting::format;

/// Line starts of a text, to convert byte offsets to LSP positions (0-based
/// line, column in UTF-16 code units) and back.
///
/// ```
/// use compose_spec::editor::LineIndex;
/// let text = "a: é\nb: c\n";
/// let ix = LineIndex::new(text);
/// assert_eq!(ix.position(text, 6), (1, 0));
/// assert_eq!(ix.position(text, 5), (0, 4));
/// assert_eq!(ix.offset(text, 0, 4), 5);
/// assert_eq!(ix.offset(text, 9, 9), text.len());
/// ```
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    /// Indexes `text`.
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { starts }
    }

    /// `(line, utf-16 column)` of a byte offset (clamped to the text).
    pub fn position(&self, text: &str, offset: usize) -> (u32, u32) {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = self.starts[line];
        let col: usize = text[start..offset].chars().map(char::len_utf16).sum();
        (line as u32, col as u32)
    }

    /// The byte offset of `(line, utf-16 column)`; past the end of a line is
    /// its end, past the last line the end of the text.
    pub fn offset(&self, text: &str, line: u32, character: u32) -> usize {
        let Some(&start) = self.starts.get(line as usize) else {
            return text.len();
        };
        let end = self
            .starts
            .get(line as usize + 1)
            .map(|e| e - 1)
            .unwrap_or(text.len());
        let mut units = 0usize;
        for (i, c) in text[start..end].char_indices() {
            if units >= character as usize {
                return start + i;
            }
            units += c.len_utf16();
        }
        end
    }
}

/// The node at an offset of a parsed file.
#[derive(Debug, Clone, PartialEq)]
pub struct At {
    /// Key path of the entry (for a key) or value.
    pub path: KeyPath,
    /// Whether the offset is on a mapping key rather than on a value.
    pub on_key: bool,
    /// The key's or the value's span.
    pub span: Span,
}

impl At {
    /// The path as the schema functions take it (indices in decimal).
    pub fn schema_path(&self) -> Vec<String> {
        schema_path(&self.path)
    }
}

/// A key path as strings, indices in decimal (what [`crate::schema`] takes).
pub fn schema_path(path: &KeyPath) -> Vec<String> {
    path.0
        .iter()
        .map(|s| match s {
            PathSeg::Key(k) => k.clone(),
            PathSeg::Index(i) => i.to_string(),
        })
        .collect()
}

fn contains(span: Span, offset: usize) -> bool {
    !span.is_synthetic() && span.start <= offset && offset <= span.end
}

/// The deepest key or scalar at `offset` (an offset at the end of a word
/// still belongs to it).
///
/// ```
/// use compose_spec::editor::at_offset;
/// let text = "services:\n  web:\n    image: nginx\n";
/// let mut d = compose_spec::diag::Diagnostics::new();
/// let root = compose_spec::yaml::parse::parse(text, compose_spec::span::FileId(0), &mut d).unwrap();
/// let at = at_offset(&root, text.find("nginx").unwrap()).unwrap();
/// assert_eq!(at.path.to_string(), "services.web.image");
/// assert!(!at.on_key);
/// assert!(at_offset(&root, text.find("web").unwrap()).unwrap().on_key);
/// ```
pub fn at_offset(root: &Node, offset: usize) -> Option<At> {
    fn walk(node: &Node, path: &KeyPath, offset: usize) -> Option<At> {
        match &node.value {
            Value::Map(m) => {
                for (k, e) in m.entries() {
                    let p = path.key(k.as_str());
                    if contains(e.key_span, offset) {
                        return Some(At {
                            path: p,
                            on_key: true,
                            span: e.key_span,
                        });
                    }
                    if contains(e.value.span, offset) {
                        return walk(&e.value, &p, offset).or(Some(At {
                            path: p,
                            on_key: false,
                            span: e.value.span,
                        }));
                    }
                }
                None
            }
            Value::Seq(items) => {
                for (i, item) in items.iter().enumerate() {
                    let p = path.index(i);
                    if contains(item.span, offset) {
                        return walk(item, &p, offset).or(Some(At {
                            path: p,
                            on_key: false,
                            span: item.span,
                        }));
                    }
                }
                None
            }
            _ => None,
        }
    }
    walk(root, &KeyPath::root(), offset)
}

/// The node at a key path of a tree (indices for list items), if there is one.
pub fn node_at<'a>(root: &'a Node, path: &KeyPath) -> Option<&'a Node> {
    let mut n = root;
    for seg in &path.0 {
        n = match seg {
            PathSeg::Key(k) => n.get(k)?,
            PathSeg::Index(i) => n.as_seq()?.get(*i)?,
        };
    }
    Some(n)
}

/// Where a completion is asked for, read from the text's indentation alone (so
/// it works on a half-typed file the parser rejects).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Context {
    /// Key path of the mapping the line belongs to (list items as `"0"`).
    pub path: Vec<String>,
    /// `Some(key)` when the cursor is after `key:` on its line (a value is typed).
    pub key: Option<String>,
    /// Whether the line is a list item (`- …`) of the mapping's entry at `path`.
    pub list_item: bool,
    /// The word typed so far before the cursor.
    pub prefix: String,
    /// Byte offset where `prefix` starts.
    pub prefix_start: usize,
    /// The other keys of the same mapping (lines at the same indentation in
    /// the same block, above and below), for not offering them again.
    pub siblings: Vec<String>,
}

fn indent_of(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

/// Splits `- - key: v` into the dash columns and the content column.
fn strip_dashes(line: &str) -> (Option<usize>, usize, &str) {
    let mut col = indent_of(line);
    let mut first_dash = None;
    let mut rest = &line[col..];
    while rest == "-" || rest.starts_with("- ") {
        first_dash.get_or_insert(col);
        let after = &rest[1..];
        let sp = after.len() - after.trim_start_matches(' ').len();
        col += 1 + sp;
        rest = &line[col..];
    }
    (first_dash, col, rest)
}

/// The key of a `key: …` line content (plain or quoted), if it is one.
fn line_key(content: &str) -> Option<&str> {
    let content = content.trim_end();
    for q in ['"', '\''] {
        if let Some(rest) = content.strip_prefix(q) {
            let end = rest.find(q)?;
            return rest[end + 1..].starts_with(':').then(|| &rest[..end]);
        }
    }
    let i = content
        .char_indices()
        .find(|&(i, c)| c == ':' && content[i + 1..].chars().next().is_none_or(|n| n == ' '))
        .map(|(i, _)| i)?;
    let k = &content[..i];
    (!k.is_empty() && !k.starts_with('#')).then_some(k)
}

/// The completion context at `offset` of a compose file's text.
///
/// ```
/// use compose_spec::editor::context_at;
/// let text = "services:\n  web:\n    depends_on:\n      - d\n    heal";
/// let c = context_at(text, text.len());
/// assert_eq!(c.path, ["services", "web"]);
/// assert_eq!((c.key, c.prefix.as_str()), (None, "heal"));
/// let c = context_at(text, text.find("- d").unwrap() + 3);
/// assert_eq!(c.path, ["services", "web", "depends_on"]);
/// assert!(c.list_item && c.prefix == "d");
/// let c = context_at(text, text.len());
/// assert_eq!(c.siblings, ["depends_on"]);
/// let text = "services:\n  web:\n    restart: no";
/// let c = context_at(text, text.len());
/// assert_eq!((c.path.len(), c.key.as_deref(), c.prefix.as_str()), (2, Some("restart"), "no"));
/// ```
pub fn context_at(text: &str, offset: usize) -> Context {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let line_start = text[..offset].rfind('\n').map(|i| i + 1).unwrap_or(0);
    let line = &text[line_start..offset];
    let (dash, content_col, content) = strip_dashes(line);
    let mut ctx = Context::default();
    let mut target = content_col;
    // after `key:` on this line?
    if let Some(k) = line_key(content) {
        let after = &content[content.find(':').map(|i| i + 1).unwrap_or(content.len())..];
        if !after.trim().starts_with('{') && !after.trim().starts_with('[') {
            ctx.key = Some(k.to_string());
        }
    }
    let word_start = line
        .rfind([' ', '{', '[', ',', '"', '\''])
        .map(|i| i + 1)
        .unwrap_or(0)
        .max(content_col.min(line.len()));
    ctx.prefix = line[word_start..].to_string();
    ctx.prefix_start = line_start + word_start;
    if let Some(d) = dash {
        if ctx.key.is_none() {
            ctx.list_item = true;
            target = d;
        } else if content_col > d {
            // `- key: v` is a mapping inside a list item
            ctx.path.push("0".into());
            target = d;
        }
    }
    let mut segs: Vec<String> = Vec::new();
    let mut pending_index = ctx.path.pop();
    for prev in text[..line_start].lines().rev() {
        if target == 0 {
            break;
        }
        let t = prev.trim_start();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        let (pdash, pcol, pcontent) = strip_dashes(prev);
        if let Some(d) = pdash {
            if d < target {
                if let Some(idx) = pending_index.take() {
                    segs.push(idx);
                }
                // we are inside this item: its mapping is at `pcol`
                segs.push("0".into());
                target = d;
                continue;
            }
        }
        if pcol < target {
            if let Some(idx) = pending_index.take() {
                segs.push(idx);
            }
            if let Some(k) = line_key(pcontent) {
                segs.push(k.to_string());
            }
            target = pcol;
        }
    }
    if let Some(idx) = pending_index.take() {
        segs.push(idx);
    }
    segs.reverse();
    ctx.path = segs;
    if dash.is_none() {
        ctx.siblings = siblings(text, line_start, content_col);
    }
    ctx
}

/// Keys written at column `col` in the block around the line at `line_start`.
fn siblings(text: &str, line_start: usize, col: usize) -> Vec<String> {
    let mut out = Vec::new();
    let line_end = text[line_start..]
        .find('\n')
        .map(|i| line_start + i + 1)
        .unwrap_or(text.len());
    let mut scan = |line: &str| -> bool {
        let t = line.trim_start();
        if t.is_empty() || t.starts_with('#') {
            return true;
        }
        let (dash, c, content) = strip_dashes(line);
        if c < col || dash.is_some_and(|d| d < col) {
            return false;
        }
        if c == col {
            if let Some(k) = line_key(content) {
                out.push(k.to_string());
            }
        }
        true
    };
    for l in text[..line_start].lines().rev() {
        if !scan(l) {
            break;
        }
    }
    for l in text[line_end..].lines() {
        if !scan(l) {
            break;
        }
    }
    out
}

/// The kinds of names compose files refer to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum NameKind {
    /// A service.
    Service,
    /// A network.
    Network,
    /// A named volume.
    Volume,
    /// A secret.
    Secret,
    /// A config.
    Config,
}

impl NameKind {
    /// Every kind.
    pub const ALL: [NameKind; 5] = [
        NameKind::Service,
        NameKind::Network,
        NameKind::Volume,
        NameKind::Secret,
        NameKind::Config,
    ];

    /// The top-level section defining names of this kind.
    pub fn section(self) -> &'static str {
        match self {
            NameKind::Service => "services",
            NameKind::Network => "networks",
            NameKind::Volume => "volumes",
            NameKind::Secret => "secrets",
            NameKind::Config => "configs",
        }
    }

    /// The singular word ("service").
    pub fn word(self) -> &'static str {
        match self {
            NameKind::Service => "service",
            NameKind::Network => "network",
            NameKind::Volume => "volume",
            NameKind::Secret => "secret",
            NameKind::Config => "config",
        }
    }
}

/// A definition of, or a reference to, a name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameRef {
    /// What it names.
    pub kind: NameKind,
    /// The name.
    pub name: String,
    /// The bytes of the name itself (inside `db:alias`, only `db`).
    pub span: Span,
    /// Whether this is the definition (the top-level key).
    pub definition: bool,
}

/// Every definition and reference of services, networks, volumes, secrets and
/// configs in one file, in document order. `text` is the file's text (to
/// narrow a span to the name inside `db:alias` or a quoted scalar).
///
/// ```
/// use compose_spec::editor::{name_refs, NameKind};
/// let text = "services:\n  web:\n    depends_on: [db]\n    links: [\"db:database\"]\n    networks: [front]\n  db:\n    image: x\nnetworks:\n  front: {}\n";
/// let mut d = compose_spec::diag::Diagnostics::new();
/// let root = compose_spec::yaml::parse::parse(text, compose_spec::span::FileId(0), &mut d).unwrap();
/// let refs = name_refs(&root, text);
/// let db: Vec<_> = refs.iter().filter(|r| r.name == "db").collect();
/// assert_eq!(db.len(), 3);
/// assert!(db.iter().all(|r| &text[r.span.start..r.span.end] == "db"));
/// assert!(db[2].definition);
/// assert!(refs.iter().any(|r| r.kind == NameKind::Network && r.name == "front" && !r.definition));
/// ```
pub fn name_refs(root: &Node, text: &str) -> Vec<NameRef> {
    let mut out = Vec::new();
    let Some(top) = root.as_map() else {
        return out;
    };
    let push = |out: &mut Vec<NameRef>, kind, name: &str, span: Span, definition| {
        if name.is_empty() || span.is_synthetic() {
            return;
        }
        let span = narrow(text, span, name);
        out.push(NameRef {
            kind,
            name: name.to_string(),
            span,
            definition,
        });
    };
    for (section, e) in top.entries() {
        let Some(kind) = NameKind::ALL
            .into_iter()
            .find(|k| k.section() == section.as_str())
        else {
            continue;
        };
        let Some(defs) = e.value.as_map() else {
            continue;
        };
        for (name, d) in defs.entries() {
            push(&mut out, kind, name, d.key_span, true);
            if kind == NameKind::Service {
                service_refs(&d.value, &mut |k, n, s| push(&mut out, k, n, s, false));
            }
        }
    }
    out
}

/// The span of `name` inside `span` (quotes and suffixes left out).
fn narrow(text: &str, span: Span, name: &str) -> Span {
    text.get(span.start..span.end)
        .and_then(|t| t.find(name))
        .map(|i| Span::new(span.file, span.start + i, span.start + i + name.len()))
        .unwrap_or(span)
}

fn scalar(n: &Node) -> Option<&str> {
    n.as_scalar().map(|s| s.text.as_str())
}

/// Each item of a list of names, or each key of a mapping of names.
fn names_of(n: &Node, f: &mut dyn FnMut(&str, Span)) {
    match &n.value {
        Value::Seq(items) => {
            for i in items {
                if let Some(t) = scalar(i) {
                    f(t, i.span);
                }
            }
        }
        Value::Map(m) => {
            for (k, e) in m.entries() {
                f(k, e.key_span);
            }
        }
        _ => {}
    }
}

/// Whether a short volume source names a volume (not a path).
fn is_volume_name(src: &str) -> bool {
    !src.is_empty()
        && !src.starts_with(['.', '/', '~', '$'])
        && !src.contains('/')
        && !src.contains('\\')
}

fn service_refs(service: &Node, f: &mut dyn FnMut(NameKind, &str, Span)) {
    let Some(m) = service.as_map() else { return };
    for (key, e) in m.entries() {
        let v = &e.value;
        match key.as_str() {
            "depends_on" => names_of(v, &mut |n, s| f(NameKind::Service, n, s)),
            "links" | "volumes_from" => {
                if let Some(items) = v.as_seq() {
                    for i in items {
                        if let Some(t) = scalar(i) {
                            if t.starts_with("container:") {
                                continue;
                            }
                            let name = t.split(':').next().unwrap_or(t);
                            f(NameKind::Service, name, i.span);
                        }
                    }
                }
            }
            "network_mode" | "ipc" | "pid" => {
                if let Some(name) = scalar(v).and_then(|t| t.strip_prefix("service:")) {
                    f(NameKind::Service, name, v.span);
                }
            }
            "extends" => {
                if let Some(t) = scalar(v) {
                    f(NameKind::Service, t, v.span);
                } else if v.get("file").is_none() {
                    if let Some(s) = v.get("service") {
                        if let Some(t) = scalar(s) {
                            f(NameKind::Service, t, s.span);
                        }
                    }
                }
            }
            "networks" => names_of(v, &mut |n, s| f(NameKind::Network, n, s)),
            "volumes" => {
                for i in v.as_seq().unwrap_or_default() {
                    if let Some(t) = scalar(i) {
                        if let Some((src, _)) = t.split_once(':') {
                            if is_volume_name(src) {
                                f(NameKind::Volume, src, i.span);
                            }
                        }
                    } else if let Some(src) = i.get("source") {
                        let ty = i.get("type").and_then(scalar).unwrap_or("volume");
                        if let Some(t) = scalar(src).filter(|t| ty == "volume" && is_volume_name(t))
                        {
                            f(NameKind::Volume, t, src.span);
                        }
                    }
                }
            }
            "secrets" | "configs" => {
                let kind = if key.as_str() == "secrets" {
                    NameKind::Secret
                } else {
                    NameKind::Config
                };
                resource_uses(v, kind, f);
            }
            "build" => {
                if let Some(s) = v.get("secrets") {
                    resource_uses(s, NameKind::Secret, f);
                }
            }
            _ => {}
        }
    }
}

fn resource_uses(v: &Node, kind: NameKind, f: &mut dyn FnMut(NameKind, &str, Span)) {
    for i in v.as_seq().unwrap_or_default() {
        if let Some(t) = scalar(i) {
            f(kind, t, i.span);
        } else if let Some(src) = i.get("source") {
            if let Some(t) = scalar(src) {
                f(kind, t, src.span);
            }
        }
    }
}

/// What a file reference is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileRefKind {
    /// `build` or `build.context` (a directory).
    BuildContext,
    /// `build.dockerfile`, relative to the context.
    Dockerfile,
    /// `env_file` (one entry).
    EnvFile,
    /// `extends.file`.
    ExtendsFile,
    /// An `include` path.
    Include,
}

/// A path written in a compose file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileRef {
    /// What it is.
    pub kind: FileRefKind,
    /// The path as written.
    pub target: String,
    /// Where it is written.
    pub span: Span,
    /// For a `dockerfile`: the build context it is relative to, as written.
    pub base: Option<String>,
}

/// The file references of one file: `build`/`build.context`,
/// `build.dockerfile`, `env_file`, `extends.file` and `include`.
///
/// ```
/// use compose_spec::editor::{file_refs, FileRefKind};
/// let text = "include: [other.yaml]\nservices:\n  web:\n    build: {context: app, dockerfile: Dockerfile.dev}\n    env_file: web.env\n";
/// let mut d = compose_spec::diag::Diagnostics::new();
/// let root = compose_spec::yaml::parse::parse(text, compose_spec::span::FileId(0), &mut d).unwrap();
/// let refs = file_refs(&root);
/// let kinds: Vec<_> = refs.iter().map(|r| (r.kind, r.target.as_str())).collect();
/// assert_eq!(kinds, [(FileRefKind::Include, "other.yaml"), (FileRefKind::BuildContext, "app"),
///     (FileRefKind::Dockerfile, "Dockerfile.dev"), (FileRefKind::EnvFile, "web.env")]);
/// assert_eq!(refs[2].base.as_deref(), Some("app"));
/// ```
pub fn file_refs(root: &Node) -> Vec<FileRef> {
    let mut out = Vec::new();
    let mut push = |kind, n: &Node, base: Option<String>| {
        if let Some(t) = scalar(n) {
            if !n.span.is_synthetic() && !t.is_empty() && !t.contains("://") {
                out.push(FileRef {
                    kind,
                    target: t.to_string(),
                    span: n.span,
                    base,
                });
            }
        }
    };
    if let Some(inc) = root.get("include").and_then(Node::as_seq) {
        for i in inc {
            if scalar(i).is_some() {
                push(FileRefKind::Include, i, None);
            } else if let Some(p) = i.get("path") {
                if scalar(p).is_some() {
                    push(FileRefKind::Include, p, None);
                }
                for q in p.as_seq().unwrap_or_default() {
                    push(FileRefKind::Include, q, None);
                }
            }
        }
    }
    let Some(services) = root.get("services").and_then(Node::as_map) else {
        return out;
    };
    for (_, s) in services.iter() {
        if let Some(b) = s.get("build") {
            if scalar(b).is_some() {
                push(FileRefKind::BuildContext, b, None);
            } else {
                let ctx = b.get("context");
                if let Some(c) = ctx {
                    push(FileRefKind::BuildContext, c, None);
                }
                if let Some(d) = b.get("dockerfile") {
                    let base = ctx.and_then(scalar).unwrap_or(".").to_string();
                    push(FileRefKind::Dockerfile, d, Some(base));
                }
            }
        }
        if let Some(e) = s.get("env_file") {
            if scalar(e).is_some() {
                push(FileRefKind::EnvFile, e, None);
            }
            for i in e.as_seq().unwrap_or_default() {
                match i.get("path") {
                    Some(p) => push(FileRefKind::EnvFile, p, None),
                    None => push(FileRefKind::EnvFile, i, None),
                }
            }
        }
        if let Some(f) = s.get("extends").and_then(|e| e.get("file")) {
            push(FileRefKind::ExtendsFile, f, None);
        }
    }
    out
}

/// The `${NAME}` / `$NAME` variable whose name is at `offset` of `text`:
/// the name and its byte range.
///
/// ```
/// use compose_spec::editor::variable_at;
/// let t = "image: app:${TAG:-latest}";
/// assert_eq!(variable_at(t, t.find("TAG").unwrap() + 1), Some(("TAG", 13, 16)));
/// assert_eq!(variable_at(t, 2), None);
/// ```
pub fn variable_at(text: &str, offset: usize) -> Option<(&str, usize, usize)> {
    let b = text.as_bytes();
    let is_name = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    let offset = offset.min(b.len());
    let mut s = offset;
    while s > 0 && is_name(b[s - 1]) {
        s -= 1;
    }
    let mut e = offset;
    while e < b.len() && is_name(b[e]) {
        e += 1;
    }
    if s == e {
        return None;
    }
    let braced = s >= 2 && &b[s - 2..s] == b"${";
    let bare = s >= 1 && b[s - 1] == b'$' && !(s >= 2 && b[s - 2] == b'$');
    (braced || bare).then(|| (&text[s..e], s, e))
}

/// Every scalar of a tree that holds a `$` (candidates for interpolation), with
/// its text.
pub fn interpolated_scalars(root: &Node) -> Vec<(&str, Span)> {
    fn walk<'a>(n: &'a Node, out: &mut Vec<(&'a str, Span)>) {
        match &n.value {
            Value::Scalar(s) if s.text.contains('$') => out.push((s.text.as_str(), n.span)),
            Value::Seq(items) => items.iter().for_each(|i| walk(i, out)),
            Value::Map(m) => m.iter().for_each(|(_, v)| walk(v, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(root, &mut out);
    out
}
