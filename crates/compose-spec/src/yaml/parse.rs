//! YAML text → [`Node`] tree.
//!
//! Builds the span-carrying tree from `saphyr-parser` events, with the
//! semantics compose-go v2 gets from go-yaml v3:
//!
//! * scalars stay raw ([`Scalar`] text + [`Style`]); an empty plain value
//!   (`key:`) is [`Value::Null`], `null`/`~` stay plain scalars;
//! * anchors and aliases are expanded by cloning the anchored subtree (the
//!   clone's root takes the alias's span, the nodes inside keep the spans where
//!   they were defined); the nodes produced by aliases are counted against
//!   [`ParseOptions::alias_budget`] so that an alias bomb fails fast;
//! * `<<` merge keys are resolved: explicit keys win wherever they appear, with
//!   a list of maps the earlier ones win; merged keys take the place of the `<<`
//!   entry in the mapping's order;
//! * duplicate keys, several documents, non-scalar keys and keys that are not
//!   strings are errors, as they are for compose-go;
//! * tags: `!reset` → [`Tag::Reset`], `!override` → [`Tag::Override`], any
//!   other → [`Tag::Other`] with the full tag (`tag:yaml.org,2002:str` for
//!   `!!str`, `!custom` for a local tag). A scalar whose tag makes go-yaml
//!   decode it as a string (`!!str`, `!!binary`, local tags such as
//!   `!override`) gets [`Style::DoubleQuoted`] when it was plain, so that it
//!   resolves as a string; one tagged `!!int`, `!!float`, `!!bool` or `!!null`
//!   gets [`Style::Plain`] when its text resolves to that type, and is an error
//!   otherwise (go-yaml: "cannot decode !!str `x` as a !!int");
//! * like go-yaml (and unlike YAML 1.2, which saphyr follows), lines inside
//!   `[ ]` / `{ }` may be indented less than their key, as in a list closed by a
//!   `]` under its key: such lines are re-indented and the text parsed again,
//!   spans pointing at the original text (see `parse_lenient`).
//!
//! Spans are byte ranges (saphyr reports character indices; they are converted).
//! A scalar's span covers its token, quotes included, anchor and tag excluded;
//! a block scalar's covers its content lines (not the `|`/`>` header nor the
//! trailing blank lines); an empty value is a zero-width span at its `:` (or
//! covers its tag, as in `key: !reset`). A collection's span runs from its first
//! token (`[`, `{`, the first key or `-`) to its closing bracket or the end of
//! its last child. A map entry's `key_span` is the key's span.

use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::gocompat::fmt::sprint_float;
use crate::node::{
    resolve_plain, take_exact, KeyPath, Kind, Map, Node, PathSeg, Resolved, Scalar, Str, Style,
    Tag, Value,
};
use crate::span::{FileId, Span};
use saphyr_parser::{Event, Parser, ScalarStyle, ScanError};
use std::borrow::Cow;
use std::collections::HashSet;

/// Default for [`ParseOptions::alias_budget`].
///
/// go-yaml v3 rejects documents where aliases produce most of the nodes once
/// the document is past a few hundred thousand nodes ("document contains
/// excessive aliasing"). Real compose files expand anchors to a few thousand
/// nodes at most; 200 000 leaves ample room while a rejected alias bomb costs
/// milliseconds (the fuzzer found the old 1 000 000 took seconds under ASan).
pub const DEFAULT_ALIAS_BUDGET: usize = 200_000;

/// Deepest nesting of collections accepted (go-yaml v3 stops at 10 000; the
/// tree is dropped and cloned recursively, so hoist keeps a smaller bound).
pub const MAX_DEPTH: usize = 1_000;

/// How many unknown aliases are reported before giving up.
const MAX_UNKNOWN_ANCHORS: usize = 100;

const CORE: &str = "tag:yaml.org,2002:";
const UNKNOWN_ANCHOR: &str = "while parsing node, found unknown anchor";

/// Limits for parsing.
#[derive(Debug, Clone, Copy)]
pub struct ParseOptions {
    /// Maximum number of nodes (scalars, collections and mapping keys) that alias
    /// expansion may produce in one file; past it the parse fails with
    /// [`Code::YamlAliasBudget`].
    pub alias_budget: usize,
}

impl Default for ParseOptions {
    fn default() -> Self {
        ParseOptions {
            alias_budget: DEFAULT_ALIAS_BUDGET,
        }
    }
}

/// Parses one compose file's text. Returns the root node (a [`Value::Null`]
/// node for an empty document) or `None` when the text is not usable; every
/// problem is pushed to `diags`.
///
/// ```
/// use compose_spec::diag::Diagnostics;
/// use compose_spec::span::FileId;
/// let mut diags = Diagnostics::new();
/// let root = compose_spec::yaml::parse::parse("services:\n  web:\n    image: nginx\n", FileId(0), &mut diags).unwrap();
/// assert_eq!(root.get("services").and_then(|s| s.get("web")).and_then(|w| w.get("image")).and_then(|i| i.as_str()), Some("nginx"));
/// assert!(diags.is_empty());
/// ```
pub fn parse(text: &str, file: FileId, diags: &mut Diagnostics) -> Option<Node> {
    parse_with(text, file, ParseOptions::default(), diags)
}

/// [`parse`] with explicit limits.
pub fn parse_with(
    text: &str,
    file: FileId,
    opts: ParseOptions,
    diags: &mut Diagnostics,
) -> Option<Node> {
    // saphyr-parser is not supposed to panic, but a panic in a dependency must
    // not take the whole load down: it becomes a diagnostic.
    let run = std::panic::catch_unwind(|| parse_lenient(text, file, opts));
    match run {
        Ok((root, found)) => {
            diags.extend(found);
            root
        }
        Err(_) => {
            diags.push(
                Diagnostic::error(Code::YamlSyntax, "the YAML parser failed on this file")
                    .with_span(Span::new(file, 0, 0))
                    .with_help(
                        "this is a bug in hoist's YAML parser; please report it with the file",
                    ),
            );
            None
        }
    }
}

/// How many times [`parse_lenient`] parses a repaired text before giving up.
const MAX_REPAIRS: usize = 200;

/// What one parse of a text gave.
struct Outcome {
    root: Option<Node>,
    diags: Vec<Diagnostic>,
    repair: Option<Repair>,
    /// Byte ranges of the `[ ]` / `{ }` collections, outermost merged, sorted.
    flow: Vec<(usize, usize)>,
}

/// Lines to indent: (byte offset of the line start in the parsed text, spaces).
#[derive(Debug, Clone)]
struct Repair {
    lines: Vec<(usize, usize)>,
}

/// Parses `text`; when saphyr rejects under-indented lines inside `[ ]`/`{ }`
/// that go-yaml accepts, parses again with those lines indented more (which
/// does not change the meaning of flow content) and maps the spans back.
///
/// A repaired parse is kept only if every indented line ended up inside a flow
/// collection. First all the flow collections the text seems to have are
/// repaired at once (one more parse); failing that, one collection per parse,
/// from where saphyr stops; failing that, one line per parse; failing that,
/// the first parse's error stands.
fn parse_lenient(text: &str, file: FileId, opts: ParseOptions) -> (Option<Node>, Vec<Diagnostic>) {
    let first = Builder::new(text, file, opts, true).run();
    let Some(repair) = first.repair.clone() else {
        return (first.root, first.diags);
    };
    let mut everywhere = guess_flow_repairs(text);
    for line in &repair.lines {
        if !everywhere.lines.iter().any(|l| l.0 == line.0) {
            everywhere.lines.push(*line);
        }
    }
    everywhere.lines.sort_unstable();
    let attempts = [(everywhere, true), (repair.clone(), true), (repair, false)];
    let mut budget = MAX_REPAIRS;
    for (start, batch) in attempts {
        if let Some(done) = reparse(text, file, opts, start, batch, &mut budget) {
            return done;
        }
    }
    (first.root, first.diags)
}

/// The under-indented lines of every `[ ]` / `{ }` that seems to open a block
/// value (after `key: `, `- ` or alone on its line), outside block scalars.
fn guess_flow_repairs(text: &str) -> Repair {
    let mut lines = Vec::new();
    let mut pos = 0;
    // Indentation of a block scalar's header line while skipping its content.
    let mut block_scalar: Option<usize> = None;
    while pos < text.len() {
        let line_end = text[pos..].find('\n').map_or(text.len(), |i| pos + i);
        let line = &text[pos..line_end];
        let indent = line.bytes().take_while(|&c| c == b' ').count();
        let body = line[indent..].trim_end();
        if let Some(header) = block_scalar {
            if body.is_empty() || indent > header {
                pos = line_end + 1;
                continue;
            }
            block_scalar = None;
        }
        let mut rest = body;
        while let Some(r) = rest.strip_prefix("- ") {
            rest = r.trim_start();
        }
        if let Some(i) = rest.find(": ") {
            if !rest[..i].contains(['"', '\'', '#']) {
                rest = rest[i + 1..].trim_start();
            }
        }
        let header = rest.split([' ', '\t']).next().unwrap_or("");
        let after_header = rest[header.len()..].trim_start();
        if header.starts_with(['|', '>'])
            && header[1..]
                .bytes()
                .all(|c| matches!(c, b'-' | b'+' | b'1'..=b'9'))
            && (after_header.is_empty() || after_header.starts_with('#'))
        {
            block_scalar = Some(indent);
        } else if rest.starts_with(['[', '{']) {
            let open = pos + indent + (body.len() - rest.len());
            if let Some(end) = flow_end(text, open) {
                let target = text[pos..open].chars().count() + 1;
                let mut next = text[open..end].find('\n').map(|i| open + i + 1);
                while let Some(start) = next.filter(|&start| start < end) {
                    let n = text[start..].bytes().take_while(|&c| c == b' ').count();
                    let first = text.as_bytes().get(start + n).copied();
                    if n < target && !matches!(first, None | Some(b'\n' | b'\r' | b'#')) {
                        lines.push((start, target - n));
                    }
                    next = text[start..end].find('\n').map(|i| start + i + 1);
                }
                // Carry on after the collection.
                let after = text[end..].find('\n').map_or(text.len(), |i| end + i);
                pos = after + 1;
                continue;
            }
        }
        pos = line_end + 1;
    }
    Repair { lines }
}

fn reparse(
    text: &str,
    file: FileId,
    opts: ParseOptions,
    mut repair: Repair,
    batch: bool,
    budget: &mut usize,
) -> Option<(Option<Node>, Vec<Diagnostic>)> {
    // Insertions as (byte offset in `text`, spaces), sorted by offset.
    let mut inserts: Vec<(usize, usize)> = Vec::new();
    let mut shifts = Shifts::default();
    while *budget > 0 {
        *budget -= 1;
        let lines = if batch {
            &repair.lines[..]
        } else {
            &repair.lines[..1.min(repair.lines.len())]
        };
        for &(line, spaces) in lines {
            let at = shifts.original(line);
            match inserts.binary_search_by_key(&at, |&(pos, _)| pos) {
                Ok(i) => inserts[i].1 += spaces,
                Err(i) => inserts.insert(i, (at, spaces)),
            }
        }
        let fixed;
        (fixed, shifts) = apply_inserts(text, &inserts);
        let outcome = Builder::new(&fixed, file, opts, batch).run();
        if let Some(next) = outcome.repair {
            repair = next;
            continue;
        }
        // Every indented line must be flow content, and must not be where the
        // parse failed now.
        let in_flow = |at: usize| {
            let i = outcome.flow.partition_point(|&(start, _)| start <= at);
            i > 0 && at < outcome.flow[i - 1].1
        };
        for &(start, len, _) in &shifts.runs {
            let content = start + len;
            let first = fixed[content..]
                .find(|c: char| c != ' ' && c != '\t')
                .map_or(fixed.len(), |i| content + i);
            let blank = matches!(
                fixed.as_bytes().get(first),
                None | Some(b'\n' | b'\r' | b'#')
            );
            if !blank && !in_flow(first) {
                return None;
            }
            let line_end = fixed[content..]
                .find('\n')
                .map_or(fixed.len(), |i| content + i);
            let failed_here = outcome.diags.iter().any(|d| {
                d.code == Code::YamlSyntax
                    && d.span
                        .is_some_and(|s| s.start >= start && s.start <= line_end)
            });
            if failed_here {
                return None;
            }
        }
        let mut root = outcome.root;
        let mut diags = outcome.diags;
        if let Some(root) = root.as_mut() {
            shifts.remap_node(root);
        }
        for d in &mut diags {
            shifts.remap_diag(d);
        }
        return Some((root, diags));
    }
    None
}

/// `text` with spaces inserted, and the map back to `text`'s offsets.
fn apply_inserts(text: &str, inserts: &[(usize, usize)]) -> (String, Shifts) {
    let extra: usize = inserts.iter().map(|&(_, n)| n).sum();
    let mut out = String::with_capacity(text.len() + extra);
    let mut shifts = Shifts::default();
    let mut last = 0;
    for &(pos, n) in inserts {
        out.push_str(&text[last..pos]);
        shifts.runs.push((out.len(), n, pos));
        out.extend(std::iter::repeat_n(' ', n));
        last = pos;
    }
    out.push_str(&text[last..]);
    (out, shifts)
}

/// Where a flow collection opened at `open` (a `[` or `{`) closes: the offset
/// just past its bracket. Skips quoted scalars and comments; `None` when it
/// does not close.
fn flow_end(text: &str, open: usize) -> Option<usize> {
    let b = text.as_bytes();
    let mut depth = 0usize;
    let mut i = open;
    // The last significant byte: a quote only opens a scalar at a node's start.
    let mut prev = b'[';
    while i < b.len() {
        let c = b[i];
        match c {
            b'[' | b'{' => depth += 1,
            b']' | b'}' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(i + 1);
                }
            }
            b'"' | b'\'' if matches!(prev, b'[' | b'{' | b',' | b':' | b'?') => {
                i += 1;
                while i < b.len() {
                    match b[i] {
                        b'\\' if c == b'"' => i += 1,
                        b'\'' if c == b'\'' && b.get(i + 1) == Some(&b'\'') => i += 1,
                        q if q == c => break,
                        _ => {}
                    }
                    i += 1;
                }
            }
            b'#' if i == 0 || matches!(b[i - 1], b' ' | b'\t' | b'\n' | b'\r') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            _ => {}
        }
        if !matches!(c, b' ' | b'\t' | b'\n' | b'\r') {
            prev = c;
        }
        i += 1;
    }
    None
}

/// Maps offsets of a text with inserted runs of spaces back to the original.
#[derive(Default)]
struct Shifts {
    /// (offset of the run in the new text, its length, offset in the original).
    runs: Vec<(usize, usize, usize)>,
}

impl Shifts {
    fn original(&self, at: usize) -> usize {
        let i = self.runs.partition_point(|&(start, _, _)| start <= at);
        let Some(&(start, len, orig)) = i.checked_sub(1).and_then(|i| self.runs.get(i)) else {
            return at;
        };
        if at < start + len {
            orig
        } else {
            orig + (at - start - len)
        }
    }

    fn span(&self, s: Span) -> Span {
        Span::new(s.file, self.original(s.start), self.original(s.end))
    }

    fn remap_node(&self, node: &mut Node) {
        node.span = self.span(node.span);
        match &mut node.value {
            Value::Seq(items) => items.iter_mut().for_each(|n| self.remap_node(n)),
            Value::Map(map) => {
                let mut out = Map::new();
                for (k, mut e) in std::mem::take(map) {
                    self.remap_node(&mut e.value);
                    out.insert(k, self.span(e.key_span), e.value);
                }
                *map = out;
            }
            Value::Null | Value::Scalar(_) => {}
        }
    }

    fn remap_diag(&self, d: &mut Diagnostic) {
        d.span = d.span.map(|s| self.span(s));
        for l in &mut d.labels {
            l.span = self.span(l.span);
        }
    }
}

/// Char index → byte offset. saphyr's markers count characters.
struct Offsets<'t> {
    text: &'t str,
    ascii: bool,
    /// Byte offset of every `STEP`-th character.
    checkpoints: Vec<usize>,
}

const STEP: usize = 64;

impl<'t> Offsets<'t> {
    fn new(text: &'t str) -> Self {
        let ascii = text.is_ascii();
        let checkpoints = if ascii {
            Vec::new()
        } else {
            text.char_indices().step_by(STEP).map(|(b, _)| b).collect()
        };
        Offsets {
            text,
            ascii,
            checkpoints,
        }
    }

    fn byte(&self, char_index: usize) -> usize {
        let len = self.text.len();
        if self.ascii {
            return char_index.min(len);
        }
        let Some(&start) = self.checkpoints.get(char_index / STEP) else {
            return len;
        };
        let rest = char_index % STEP;
        self.text[start..]
            .char_indices()
            .nth(rest)
            .map_or(len, |(b, _)| start + b)
    }
}

/// A finished node on its way to its parent.
struct Done {
    node: Node,
    /// Nodes in the subtree, mapping keys included (for the alias budget).
    count: usize,
    /// Levels of nesting in the subtree (a scalar is 1).
    height: usize,
    /// Whether it is an alias (go-yaml: `<<: *seq` is refused even when the
    /// sequence holds maps).
    from_alias: bool,
    /// A stand-in for an alias that could not be resolved (already reported).
    broken: bool,
}

/// What a mapping frame expects next.
enum Pending {
    /// A key.
    Key,
    /// The value of this key (`loose`: a non-string key, already reported).
    Value { key: Str, span: Span, loose: bool },
    /// The value of a `<<` merge key.
    Merge { span: Span },
    /// The value of a rejected key: dropped.
    Skip,
}

struct MergeSource {
    /// Number of explicit entries before the `<<` entry.
    position: usize,
    maps: Vec<Map>,
}

struct MapFrame {
    map: Map,
    pending: Pending,
    merges: Vec<MergeSource>,
    /// Span of the first `<<` key (go-yaml: a second one is a duplicate key).
    merge_key: Option<Span>,
}

/// What an open collection holds so far.
enum Contents {
    Seq(Vec<Node>),
    Map(MapFrame),
}

struct Frame {
    contents: Contents,
    /// Byte offset of the first token of the content (after anchor and tag).
    start: usize,
    /// Whether it is a `[ ]` / `{ }` collection.
    flow: bool,
    /// End of the last child seen.
    last_end: usize,
    tag: Option<Tag>,
    anchor: usize,
    count: usize,
    /// Height of the tallest child so far.
    height: usize,
}

struct Anchored {
    node: Node,
    count: usize,
    height: usize,
}

/// Whether the event loop goes on.
enum Flow {
    Go,
    Fatal,
}

struct Builder<'t> {
    text: &'t str,
    file: FileId,
    opts: ParseOptions,
    offsets: Offsets<'t>,
    diags: Vec<Diagnostic>,
    stack: Vec<Frame>,
    /// Emptied buffers for the items of open sequences and mappings: a
    /// collection is built in a reused buffer and copied into an allocation
    /// of exactly its size when it closes, so the tree holds no spare
    /// capacity (about a third of it, with doubling growth).
    seq_pool: Vec<Vec<Node>>,
    map_pool: Vec<Vec<(Str, crate::node::Entry)>>,
    /// Finished anchored nodes by saphyr's anchor id (`None` while being built).
    anchors: Vec<Option<Anchored>>,
    expanded: usize,
    root: Option<Node>,
    documents: usize,
    /// Byte offsets of line starts, computed on the first duplicate key.
    line_starts: Option<Vec<usize>>,
    /// Set when the parse failed on flow content that go-yaml would accept.
    repair: Option<Repair>,
    /// Whether a repair covers a whole flow collection or one line.
    batch_repairs: bool,
    /// Byte ranges of the flow collections closed so far.
    flow: Vec<(usize, usize)>,
}

impl<'t> Builder<'t> {
    fn new(text: &'t str, file: FileId, opts: ParseOptions, batch_repairs: bool) -> Self {
        Builder {
            text,
            file,
            opts,
            offsets: Offsets::new(text),
            diags: Vec::new(),
            stack: Vec::new(),
            seq_pool: Vec::new(),
            map_pool: Vec::new(),
            anchors: Vec::new(),
            expanded: 0,
            root: None,
            documents: 0,
            line_starts: None,
            repair: None,
            batch_repairs,
            flow: Vec::new(),
        }
    }

    /// 1-based line of a byte offset.
    fn line_of(&mut self, offset: usize) -> usize {
        let text = self.text;
        let starts = self.line_starts.get_or_insert_with(|| {
            std::iter::once(0)
                .chain(text.match_indices('\n').map(|(i, _)| i + 1))
                .collect()
        });
        match starts.binary_search(&offset) {
            Ok(i) => i + 1,
            Err(i) => i,
        }
    }

    fn run(mut self) -> Outcome {
        let mut parser = Parser::new_from_str(self.text);
        let mut unknown_anchors = 0;
        loop {
            let (event, span) = match parser.next_event() {
                None => break,
                Some(Ok(x)) => x,
                Some(Err(e)) => {
                    // saphyr reports an unknown alias as an error after having
                    // consumed the alias token: the parse can go on, with a null
                    // in its place, so that every unknown alias gets reported.
                    if e.info() == UNKNOWN_ANCHOR {
                        unknown_anchors += 1;
                        self.unknown_anchor(&e);
                        if unknown_anchors < MAX_UNKNOWN_ANCHORS {
                            continue;
                        }
                        return self.outcome(None);
                    }
                    self.syntax_error(&e);
                    return self.outcome(None);
                }
            };
            let start = self.offsets.byte(span.start.index());
            let end = self.offsets.byte(span.end.index()).max(start);
            let flow = match event {
                Event::StreamEnd => break,
                Event::Nothing | Event::StreamStart | Event::DocumentEnd => Flow::Go,
                Event::DocumentStart(_) => self.document_start(start, end),
                Event::Scalar(text, style, anchor, tag) => {
                    let done = self.scalar(text, style, tag.as_deref(), anchor > 0, start, end);
                    self.complete(done, anchor)
                }
                Event::Alias(id) => self.alias(id, start, end),
                Event::SequenceStart(anchor, tag) => {
                    let items = self.seq_pool.pop().unwrap_or_default();
                    self.open(Contents::Seq(items), anchor, tag.as_deref(), start, end)
                }
                Event::MappingStart(anchor, tag) => {
                    let frame = MapFrame {
                        map: Map::with_buffer(self.map_pool.pop().unwrap_or_default()),
                        pending: Pending::Key,
                        merges: Vec::new(),
                        merge_key: None,
                    };
                    self.open(Contents::Map(frame), anchor, tag.as_deref(), start, end)
                }
                Event::SequenceEnd | Event::MappingEnd => self.close(end),
            };
            if let Flow::Fatal = flow {
                return self.outcome(None);
            }
        }
        if !self.stack.is_empty() {
            // Not expected from saphyr, which ends every collection it opens.
            let at = self.text.len();
            let d = Diagnostic::error(
                Code::YamlSyntax,
                "unexpected end of the file inside a collection",
            )
            .with_span(self.span(at, at))
            .with_help("check that every `[` and `{` is closed");
            self.diags.push(d);
            return self.outcome(None);
        }
        let root = self
            .root
            .take()
            .unwrap_or_else(|| Node::null(self.span(0, 0)));
        self.outcome(Some(root))
    }

    fn outcome(mut self, root: Option<Node>) -> Outcome {
        // Collections still open when the parse stopped run to the end.
        let len = self.text.len();
        let open = self.stack.iter().filter(|f| f.flow).map(|f| (f.start, len));
        self.flow.extend(open.collect::<Vec<_>>());
        // Outermost ranges only, sorted: the inner ones lie inside them.
        self.flow
            .sort_unstable_by_key(|&(start, end)| (start, std::cmp::Reverse(end)));
        let mut flow: Vec<(usize, usize)> = Vec::with_capacity(self.flow.len());
        for (start, end) in self.flow {
            match flow.last_mut() {
                Some(last) if start < last.1 => last.1 = last.1.max(end),
                _ => flow.push((start, end)),
            }
        }
        Outcome {
            root,
            diags: self.diags,
            repair: self.repair,
            flow,
        }
    }

    fn span(&self, start: usize, end: usize) -> Span {
        Span::new(self.file, start, end)
    }

    fn document_start(&mut self, start: usize, end: usize) -> Flow {
        self.documents += 1;
        if self.documents < 2 {
            return Flow::Go;
        }
        let d = Diagnostic::error(
            Code::YamlMultipleDocuments,
            "the file holds more than one YAML document",
        )
        .with_span(self.span(start, end))
        .with_help(
            "a compose file is a single document: remove this `---` (or `...`) separator, or move the \
             second document to its own file and pass both with -f",
        );
        self.diags.push(d);
        Flow::Fatal
    }

    /// The key path of the child about to be delivered to the innermost frame.
    fn child_path(&self) -> KeyPath {
        path_through(&self.stack)
    }

    /// The key path of the innermost frame itself.
    fn frame_path(&self) -> KeyPath {
        path_through(&self.stack[..self.stack.len().saturating_sub(1)])
    }

    /// Skips an anchor and a tag (and the blanks and comments after them) from
    /// `at`, returning where the node's content starts.
    fn skip_properties(&self, mut at: usize, limit: usize) -> usize {
        let bytes = self.text.as_bytes();
        let limit = limit.min(bytes.len());
        loop {
            match bytes.get(at) {
                Some(b'&') | Some(b'!') if at < limit => {
                    if bytes.get(at + 1) == Some(&b'<') {
                        while at < limit && bytes[at] != b'>' {
                            at += 1;
                        }
                        at += 1;
                    } else {
                        while at < limit
                            && !matches!(
                                bytes[at],
                                b' ' | b'\t' | b'\r' | b'\n' | b',' | b'[' | b']' | b'{' | b'}'
                            )
                        {
                            at += 1;
                        }
                    }
                    // Blanks, line breaks and comments.
                    while at < limit {
                        match bytes[at] {
                            b' ' | b'\t' | b'\r' | b'\n' => at += 1,
                            b'#' => {
                                while at < limit && bytes[at] != b'\n' {
                                    at += 1;
                                }
                            }
                            _ => break,
                        }
                    }
                }
                _ => return at.min(limit),
            }
        }
    }

    fn scalar(
        &mut self,
        text: Cow<'_, str>,
        style: ScalarStyle,
        tag: Option<&saphyr_parser::Tag>,
        has_anchor: bool,
        start: usize,
        end: usize,
    ) -> Done {
        let has_properties = has_anchor || tag.is_some();
        let tag = tag.and_then(convert_tag);
        let style = match style {
            ScalarStyle::Plain => Style::Plain,
            ScalarStyle::SingleQuoted => Style::SingleQuoted,
            ScalarStyle::DoubleQuoted => Style::DoubleQuoted,
            ScalarStyle::Literal => Style::Literal,
            ScalarStyle::Folded => Style::Folded,
        };
        let empty = style == Style::Plain && text.is_empty();
        // The span: the token without its anchor and tag; block scalars without
        // their trailing blank lines.
        let mut s = start;
        if has_properties && !empty {
            s = self.skip_properties(start, end);
        }
        let mut e = end;
        if matches!(style, Style::Literal | Style::Folded) {
            // Like an untagged block scalar, start at the content, after the
            // `|`/`>` header line.
            if has_properties && matches!(self.text.as_bytes().get(s), Some(b'|' | b'>')) {
                let line_end = self.text[s..e].find('\n').map_or(e, |i| s + i + 1);
                let rest = &self.text[line_end..e];
                s = line_end + (rest.len() - rest.trim_start_matches(' ').len());
            }
            let trimmed = self.text[s..e].trim_end_matches([' ', '\t', '\r', '\n']);
            e = s + trimmed.len();
        }
        let span = self.span(s, e.max(s));
        let text = Str::from(text);
        let mut node = match tag.as_ref() {
            None if empty => Node::null(span),
            None => Node::new(Value::Scalar(Scalar { text, style }), span),
            Some(Tag::Reset) if empty => Node::null(span),
            Some(Tag::Other(t)) => match t.strip_prefix(CORE) {
                Some("str" | "binary") => string_scalar(text, style, span),
                Some("merge" | "timestamp") => {
                    Node::new(Value::Scalar(Scalar { text, style }), span)
                }
                Some(core @ ("int" | "float" | "bool" | "null")) => {
                    self.typed_scalar(text, style, core, span)
                }
                _ => string_scalar(text, style, span),
            },
            // Local tags (`!override`, `!custom`): go-yaml decodes them as strings.
            Some(_) => string_scalar(text, style, span),
        };
        node.tag = tag;
        Done {
            node,
            count: 1,
            height: 1,
            from_alias: false,
            broken: false,
        }
    }

    /// A scalar tagged `!!int`, `!!float`, `!!bool` or `!!null`.
    fn typed_scalar(&mut self, text: Str, style: Style, core: &str, span: Span) -> Node {
        let fits = match resolve_plain(&text) {
            Resolved::Int(_) => core == "int" || core == "float",
            Resolved::Float(_) => core == "float",
            Resolved::Bool(_) => core == "bool",
            Resolved::Null => core == "null",
            Resolved::Str(_) => false,
        };
        if !fits {
            let d = Diagnostic::error(
                Code::YamlSyntax,
                format!("cannot decode `{text}` as a !!{core}: the value does not match its tag"),
            )
            .with_path(self.child_path().to_string())
            .with_span(span)
            .with_help(format!(
                "remove the `!!{core}` tag or write a valid {core} value"
            ));
            self.diags.push(d);
            return Node::new(Value::Scalar(Scalar { text, style }), span);
        }
        if text.is_empty() {
            return Node::null(span);
        }
        Node::new(
            Value::Scalar(Scalar {
                text,
                style: Style::Plain,
            }),
            span,
        )
    }

    fn alias(&mut self, id: usize, start: usize, end: usize) -> Flow {
        let span = self.span(start, end);
        let Some(Some(anchored)) = self.anchors.get(id) else {
            // The anchor exists (saphyr knows its id) but its node is not finished:
            // the alias is inside the node it refers to.
            let name = alias_name(self.text, start);
            let d = Diagnostic::error(
                Code::YamlUnknownAnchor,
                format!("alias `*{name}` refers to the node that contains it"),
            )
            .with_path(self.child_path().to_string())
            .with_span(span)
            .with_help(
                "an anchored value cannot contain an alias to itself; copy the value instead",
            );
            self.diags.push(d);
            return self.deliver(Done {
                node: Node::null(span),
                count: 1,
                height: 1,
                from_alias: true,
                broken: true,
            });
        };
        let count = anchored.count;
        self.expanded = self.expanded.saturating_add(count);
        if self.expanded > self.opts.alias_budget {
            let name = alias_name(self.text, start);
            let d = Diagnostic::error(
                Code::YamlAliasBudget,
                format!(
                    "aliases expand to more than {} nodes (at `*{name}`): this looks like an alias bomb",
                    self.opts.alias_budget
                ),
            )
            .with_path(self.child_path().to_string())
            .with_span(span)
            .with_help("reduce the nesting of aliases that refer to other aliases");
            self.diags.push(d);
            return Flow::Fatal;
        }
        let height = anchored.height;
        if self.stack.len() + height > MAX_DEPTH {
            // Aliases nested in anchored values can build a tree deeper than the
            // text is: keep the depth bound (the tree is walked recursively).
            let d = Diagnostic::error(
                Code::YamlSyntax,
                format!("aliases build collections nested more than {MAX_DEPTH} levels deep"),
            )
            .with_path(self.child_path().to_string())
            .with_span(span)
            .with_help("flatten the document: compose files never need this much nesting");
            self.diags.push(d);
            return Flow::Fatal;
        }
        let mut node = anchored.node.clone();
        node.span = span;
        self.deliver(Done {
            node,
            count,
            height,
            from_alias: true,
            broken: false,
        })
    }

    fn unknown_anchor(&mut self, e: &ScanError) {
        let start = self.offsets.byte(e.marker().index());
        let name = alias_name(self.text, start);
        // `*` and the name (a sub-slice of the text, so on char boundaries).
        let end = if self.text[start..].starts_with('*') {
            start + 1 + name.len()
        } else {
            start
        };
        let span = self.span(start, end);
        let d = Diagnostic::error(Code::YamlUnknownAnchor, format!("unknown anchor `{name}` referenced by `*{name}`"))
            .with_path(self.child_path().to_string())
            .with_span(span)
            .with_help(format!(
                "define the anchor with `&{name}` on a value before this alias (anchors must come before their aliases)"
            ));
        self.diags.push(d);
        // Best effort: stand in a null for the value (saphyr has consumed the
        // alias token and moved on).
        let _ = self.deliver(Done {
            node: Node::null(span),
            count: 1,
            height: 1,
            from_alias: true,
            broken: true,
        });
    }

    fn syntax_error(&mut self, e: &ScanError) {
        let mut start = self.offsets.byte(e.marker().index());
        if e.info().contains("tab") {
            // Point at the offending tab rather than just after it.
            let before = self.text[..start].trim_end_matches('\t');
            if before.len() < start && (before.is_empty() || before.ends_with('\n')) {
                start = before.len();
            }
        }
        let end = match self.text[start..].chars().next() {
            Some(c) if c != '\n' && c != '\r' => start + c.len_utf8(),
            _ => start,
        };
        if e.info().starts_with("invalid indentation") {
            self.repair = self.flow_repair(start);
        }
        let (message, help) = describe_scan_error(e.info());
        let mut d = Diagnostic::error(Code::YamlSyntax, message)
            .with_span(self.span(start, end))
            .with_help(help);
        let path = self.child_path();
        if !path.0.is_empty() {
            d = d.with_path(path.to_string());
        }
        self.diags.push(d);
    }

    /// go-yaml (like libyaml) does not check the indentation of the lines inside
    /// `[ ]` and `{ }`, saphyr does (YAML 1.2): a line there that is indented
    /// less than its key (typically a closing `]` under the key) fails here and
    /// not in docker compose. When `at` is inside a flow collection, returns
    /// the lines to indent: the failing one and, in batch mode, the other
    /// under-indented lines up to the end of the outermost flow collection.
    fn flow_repair(&self, at: usize) -> Option<Repair> {
        let flow = self.stack.iter().find(|f| f.flow)?;
        let text = self.text;
        let opening_line = text[..flow.start].rfind('\n').map_or(0, |i| i + 1);
        // Deeper than the opening bracket is deeper than whatever saphyr wants
        // (the key's column + 1), and deeper flow content means nothing more.
        let target = text[opening_line..flow.start].chars().count() + 1;
        let line = text[..at].rfind('\n').map_or(0, |i| i + 1);
        let current = text[line..at].chars().count();
        if line <= flow.start || current >= target {
            return None;
        }
        let mut lines = vec![(line, target - current)];
        let end = if self.batch_repairs {
            flow_end(text, flow.start)
        } else {
            None
        };
        if let Some(end) = end.filter(|&end| end > at) {
            let mut next = text[at..].find('\n').map(|i| at + i + 1);
            while let Some(start) = next.filter(|&start| start < end) {
                let indent = text[start..].bytes().take_while(|&c| c == b' ').count();
                let first = text.as_bytes().get(start + indent).copied();
                if indent < target && !matches!(first, None | Some(b'\n' | b'\r' | b'#')) {
                    lines.push((start, target - indent));
                }
                next = text[start..].find('\n').map(|i| start + i + 1);
            }
        }
        Some(Repair { lines })
    }

    fn open(
        &mut self,
        contents: Contents,
        anchor: usize,
        tag: Option<&saphyr_parser::Tag>,
        start: usize,
        end: usize,
    ) -> Flow {
        if self.stack.len() >= MAX_DEPTH {
            let d = Diagnostic::error(
                Code::YamlSyntax,
                format!("collections are nested more than {MAX_DEPTH} levels deep"),
            )
            .with_span(self.span(start, end))
            .with_help("flatten the document: compose files never need this much nesting");
            self.diags.push(d);
            return Flow::Fatal;
        }
        let content = if anchor > 0 || tag.is_some() {
            self.skip_properties(start, self.text.len())
        } else {
            start
        };
        let tag = tag.and_then(convert_tag);
        let bytes = self.text.as_bytes();
        let flow = matches!(bytes.get(content), Some(b'[' | b'{'));
        let mut content = content;
        if matches!(contents, Contents::Seq(_)) && !flow && bytes.get(content) != Some(&b'-') {
            // saphyr starts a sequence that is not indented under its key
            // (`key:\n- a`) at its first item: start at the `-` instead.
            let before = self.text[..content].trim_end_matches(' ');
            if before.ends_with('-') {
                content = before.len() - 1;
            }
        }
        if anchor > 0 {
            // Known but unfinished until `close`.
            if self.anchors.len() <= anchor {
                self.anchors.resize_with(anchor + 1, || None);
            }
            self.anchors[anchor] = None;
        }
        self.stack.push(Frame {
            contents,
            start: content,
            flow,
            last_end: content,
            tag,
            anchor,
            count: 1,
            height: 0,
        });
        Flow::Go
    }

    fn close(&mut self, end: usize) -> Flow {
        let Some(frame) = self.stack.pop() else {
            return Flow::Go;
        };
        // A flow collection ends with its bracket; a block one ends where its
        // last child does (saphyr puts the block end at the next token).
        let close = if frame.flow { end } else { frame.last_end };
        if frame.flow {
            self.flow.push((frame.start, close));
        }
        let span = self.span(frame.start, close.max(frame.start));
        let value = match frame.contents {
            Contents::Seq(mut items) => {
                let exact = take_exact(&mut items);
                self.seq_pool.push(items);
                Value::Seq(exact)
            }
            Contents::Map(m) => {
                let (map, buffer) = apply_merges(m.map, m.merges).into_exact();
                self.map_pool.push(buffer);
                Value::Map(map)
            }
        };
        let node = Node {
            span,
            tag: frame.tag,
            value,
        };
        let done = Done {
            node,
            count: frame.count,
            height: frame.height + 1,
            from_alias: false,
            broken: false,
        };
        self.complete(done, frame.anchor)
    }

    /// A node is finished: remember it if anchored, then hand it to its parent.
    fn complete(&mut self, done: Done, anchor: usize) -> Flow {
        if anchor > 0 {
            if self.anchors.len() <= anchor {
                self.anchors.resize_with(anchor + 1, || None);
            }
            self.anchors[anchor] = Some(Anchored {
                node: done.node.clone(),
                count: done.count,
                height: done.height,
            });
        }
        self.deliver(done)
    }

    fn deliver(&mut self, done: Done) -> Flow {
        let Some(frame) = self.stack.last_mut() else {
            if self.root.is_none() {
                self.root = Some(done.node);
            }
            return Flow::Go;
        };
        frame.last_end = frame.last_end.max(done.node.span.end);
        frame.count = frame.count.saturating_add(done.count);
        frame.height = frame.height.max(done.height);
        match &mut frame.contents {
            Contents::Seq(items) => {
                items.push(done.node);
                Flow::Go
            }
            Contents::Map(_) => self.map_item(done),
        }
    }

    fn map_item(&mut self, done: Done) -> Flow {
        let pending = match self.stack.last_mut() {
            Some(Frame {
                contents: Contents::Map(m),
                ..
            }) => std::mem::replace(&mut m.pending, Pending::Key),
            _ => return Flow::Go,
        };
        match pending {
            Pending::Key => {
                let next = self.key(done);
                if let Some(m) = self.map_frame() {
                    m.pending = next;
                }
            }
            Pending::Skip => {}
            Pending::Value { key, span, loose } => {
                let Some(m) = self.map_frame() else {
                    return Flow::Go;
                };
                let merge = if key == "<<" { m.merge_key } else { None };
                let first = m.map.entry(&key).map(|e| e.key_span);
                if first.is_none() && merge.is_none() {
                    m.map.push_new(key, span, done.node);
                    return Flow::Go;
                }
                match first.or(merge) {
                    // Two non-string keys that print the same (`true`, `True`)
                    // are not duplicates for go-yaml; both are errors already.
                    Some(_) if loose => {}
                    Some(first) => self.duplicate_key(&key, span, first),
                    None => {}
                }
            }
            Pending::Merge { span } => {
                let position = self.map_frame().map_or(0, |m| m.map.len());
                if let Some(maps) = self.merge_value(done, span) {
                    if let Some(m) = self.map_frame() {
                        m.merges.push(MergeSource { position, maps });
                    }
                }
            }
        }
        Flow::Go
    }

    fn map_frame(&mut self) -> Option<&mut MapFrame> {
        match self.stack.last_mut() {
            Some(Frame {
                contents: Contents::Map(m),
                ..
            }) => Some(m),
            _ => None,
        }
    }

    fn duplicate_key(&mut self, key: &str, span: Span, first: Span) {
        let line = self.line_of(first.start);
        let path = self.frame_path().key(key);
        let d = Diagnostic::error(
            Code::YamlDuplicateKey,
            format!("mapping key \"{key}\" already defined at line {line}"),
        )
        .with_path(path.to_string())
        .with_span(span)
        .with_label(first, "first defined here")
        .with_help("remove one of the two entries, or merge their contents under a single key");
        self.diags.push(d);
    }

    /// Turns a finished key node into what the mapping waits for next.
    fn key(&mut self, done: Done) -> Pending {
        let node = done.node;
        let span = node.span;
        if done.broken {
            return Pending::Skip;
        }
        // `converted`: the key as compose-go would print it, when it is not
        // the scalar's own text.
        let (converted, non_string) = match &node.value {
            Value::Seq(_) | Value::Map(_) => {
                // YAML's own words in a YAML syntax error (pinned by the
                // diagnostics snapshots), not [`Kind::word`]'s.
                let what = if matches!(node.value, Value::Seq(_)) {
                    "a sequence"
                } else {
                    "a mapping"
                };
                let d = Diagnostic::error(Code::YamlComplexKey, format!("{what} cannot be used as a mapping key"))
                    .with_path(self.frame_path().to_string())
                    .with_span(span)
                    .with_help("mapping keys must be plain strings; quote the key if it starts with `[`, `{` or `?`");
                self.diags.push(d);
                return Pending::Skip;
            }
            Value::Null => (Some("null".to_string()), Some(Kind::Null.word())),
            Value::Scalar(s) => {
                if s.style == Style::Plain
                    && s.text == "<<"
                    && (node.tag.is_none() || node.tag == Some(Tag::Other(format!("{CORE}merge"))))
                {
                    let first = self.map_frame().map(|m| {
                        let first = m
                            .merge_key
                            .or_else(|| m.map.entry("<<").map(|e| e.key_span));
                        m.merge_key.get_or_insert(span);
                        first
                    });
                    if let Some(Some(first)) = first {
                        self.duplicate_key("<<", span, first);
                    }
                    return Pending::Merge { span };
                }
                match s.resolve() {
                    Resolved::Str(_) => (None, None),
                    Resolved::Null => (Some("null".to_string()), Some(Kind::Null.word())),
                    Resolved::Bool(b) => (Some(b.to_string()), Some(Kind::Boolean.word())),
                    Resolved::Int(i) => (Some(i.to_string()), Some(Kind::Integer.word())),
                    Resolved::Float(f) => (Some(sprint_float(f)), Some(Kind::Number.word())),
                }
            }
        };
        if let Some(what) = non_string {
            // compose-go: `non-string key in services: 123`.
            let raw = node.as_text().unwrap_or("");
            let shown = if raw.is_empty() { "(empty)" } else { raw };
            let d = Diagnostic::error(
                Code::YamlComplexKey,
                format!("non-string mapping key `{shown}`: YAML reads it as {what}"),
            )
            .with_path(self.frame_path().to_string())
            .with_span(span)
            .with_help(if raw.is_empty() {
                "give the entry a key".to_string()
            } else {
                format!("quote the key (\"{raw}\":) so that it is a string")
            });
            self.diags.push(d);
        }
        let text = match (converted, node.value) {
            (Some(t), _) => Str::from(t),
            (None, Value::Scalar(s)) => s.text,
            (None, _) => Str::default(),
        };
        Pending::Value {
            key: text,
            span,
            loose: non_string.is_some(),
        }
    }

    /// Checks a `<<` value (go-yaml: a map, an alias to a map, or a sequence of
    /// maps / aliases to maps) and returns the maps to merge.
    fn merge_value(&mut self, done: Done, key_span: Span) -> Option<Vec<Map>> {
        if done.broken {
            return None;
        }
        let node = done.node;
        let bad = |this: &mut Self, offender: &Node, what: String| {
            let path = this.frame_path().key("<<");
            let d = Diagnostic::error(Code::YamlMergeKey, what)
                .with_path(path.to_string())
                .with_span(offender.span)
                .with_label(key_span, "merge key")
                .with_help(
                    "`<<` takes a mapping (usually an alias such as `<<: *defaults`) or a list of mappings \
                     (`<<: [*a, *b]`)",
                );
            this.diags.push(d);
        };
        match node.value {
            Value::Map(map) => Some(vec![map]),
            Value::Seq(_) if done.from_alias => {
                bad(
                    self,
                    &node,
                    "the value of a `<<` merge key is an alias to a sequence; it must be a mapping"
                        .to_string(),
                );
                None
            }
            Value::Seq(items) => {
                let mut maps = Vec::with_capacity(items.len());
                let mut ok = true;
                for item in items {
                    match item.value {
                        Value::Map(map) => maps.push(map),
                        _ => {
                            ok = false;
                            let what = format!(
                                "the list given to a `<<` merge key must hold only mappings, found {}",
                                item.kind_name()
                            );
                            bad(self, &item, what);
                        }
                    }
                }
                ok.then_some(maps)
            }
            _ => {
                let what = format!(
                    "the value of a `<<` merge key must be a mapping or a list of mappings, found {}",
                    node.kind_name()
                );
                bad(self, &node, what);
                None
            }
        }
    }
}

/// The key path to the child each frame is waiting for.
fn path_through(frames: &[Frame]) -> KeyPath {
    let mut path = KeyPath::root();
    for frame in frames {
        match &frame.contents {
            Contents::Seq(items) => path.0.push(PathSeg::Index(items.len())),
            Contents::Map(m) => match &m.pending {
                Pending::Value { key, .. } => path.0.push(PathSeg::Key(key.to_string())),
                Pending::Merge { .. } => path.0.push(PathSeg::Key("<<".to_string())),
                Pending::Key | Pending::Skip => {}
            },
        }
    }
    path
}

/// A scalar decoded as a string: plain text becomes double-quoted style.
fn string_scalar(text: Str, style: Style, span: Span) -> Node {
    let style = if style == Style::Plain {
        Style::DoubleQuoted
    } else {
        style
    };
    Node::new(Value::Scalar(Scalar { text, style }), span)
}

/// saphyr's tag → ours; the non-specific tag `!` is no tag.
fn convert_tag(tag: &saphyr_parser::Tag) -> Option<Tag> {
    let full = format!("{}{}", tag.handle, tag.suffix);
    match full.as_str() {
        "!" | "" => None,
        "!reset" => Some(Tag::Reset),
        "!override" => Some(Tag::Override),
        _ => Some(Tag::Other(full)),
    }
}

/// Merges `<<` sources into the explicit entries: explicit keys win, earlier
/// sources win over later ones; merged entries go where the `<<` entry was.
fn apply_merges(explicit: Map, merges: Vec<MergeSource>) -> Map {
    if merges.is_empty() {
        return explicit;
    }
    let mut taken: HashSet<Str> = HashSet::new();
    let mut extra: Vec<(usize, Str, crate::node::Entry)> = Vec::new();
    for source in merges {
        for map in source.maps {
            for (k, entry) in map {
                if explicit.contains_key(&k) || taken.contains(&k) {
                    continue;
                }
                taken.insert(k.clone());
                extra.push((source.position, k, entry));
            }
        }
    }
    let mut out = Map::new();
    let mut extra = extra.into_iter().peekable();
    for (i, (k, entry)) in explicit.into_iter().enumerate() {
        while let Some((_, mk, me)) = extra.next_if(|(pos, _, _)| *pos <= i) {
            out.insert(mk, me.key_span, me.value);
        }
        out.insert(k, entry.key_span, entry.value);
    }
    for (_, mk, me) in extra {
        out.insert(mk, me.key_span, me.value);
    }
    out
}

/// The name after `*` at `start` (for messages).
fn alias_name(text: &str, start: usize) -> &str {
    let rest = text.get(start..).unwrap_or("");
    let rest = rest.strip_prefix('*').unwrap_or(rest);
    let end = rest
        .find(|c: char| c.is_whitespace() || matches!(c, ',' | '[' | ']' | '{' | '}'))
        .unwrap_or(rest.len());
    &rest[..end]
}

/// A scanner/parser message → (message, help).
fn describe_scan_error(info: &str) -> (String, String) {
    const INDENT: &str = "check the indentation of this line and of the line before it";
    let (msg, help): (&str, &str) = match info {
        "mapping values are not allowed in this context" => (
            "a `key: value` pair is not allowed here",
            "check the indentation of this line and of the line before it; if the value itself contains \": \", quote it",
        ),
        "while parsing a block mapping, did not find expected key" => (
            "expected a mapping key at this indentation",
            "check the indentation of this line: it must line up with the other keys of its mapping",
        ),
        "while parsing a block collection, did not find expected '-' indicator" => (
            "expected a `- ` list item at this indentation",
            "check the indentation of this line: it must line up with the other items of its list",
        ),
        "block sequence entries are not allowed in this context" => (
            "a `- ` list item is not allowed here",
            "check the indentation of this line; a list under a key starts on the next line",
        ),
        "mapping keys are not allowed in this context" => ("a mapping key is not allowed here", INDENT),
        "invalid indentation" | "invalid indentation in flow construct" | "wrongly indented line in block scalar" => {
            ("invalid indentation", INDENT)
        }
        "tab cannot be used as indentation"
        | "tabs disallowed in this context"
        | "tabs disallowed within this context (block indentation)"
        | "while scanning a plain scalar, found a tab"
        | "a block scalar content cannot start with a tab" => (
            "a tab character is used for indentation",
            "YAML only allows spaces for indentation: replace the tabs with spaces",
        ),
        "while parsing a node, did not find expected node content" => (
            "expected a value here",
            "check for a stray character such as `,`, `]`, `}` or `-`; quote values that start with one",
        ),
        "while parsing a flow sequence, expected ',' or ']'" => (
            "expected `,` or `]` in this [ ... ] list",
            "check that the list is closed with `]` and its items are separated by commas; quote items that contain `[`, `{` or `:`",
        ),
        "while parsing a flow mapping, did not find expected ',' or '}'" => (
            "expected `,` or `}` in this { ... } mapping",
            "check that the mapping is closed with `}` and its entries are separated by commas",
        ),
        "illegal placement of ':' indicator" => (
            "unexpected `:` inside a [ ... ] list",
            "check that the `[` before this line is closed with `]`; a `key: value` item of a [ ... ] list must fit on one line",
        ),
        "':' may not precede any of `[{` in flow mapping" => (
            "a `:` must be followed by a space before `[` or `{`",
            "write `key: [ ... ]` with a space after the colon, or quote the key",
        ),
        "':' must be followed by a valid YAML whitespace" => (
            "a `:` after a key must be followed by a space",
            "put a space (not a tab) after the colon",
        ),
        "misplaced bracket" => ("a closing bracket does not match any opening one", "check the `[`/`]` and `{`/`}` pairs"),
        "while scanning a quoted scalar, found unexpected end of stream" => (
            "a quoted string is not closed",
            "add the closing quote (`\"` or `'`) at the end of the value",
        ),
        "while scanning a quoted scalar, found unexpected document indicator" => (
            "a quoted string is not closed before a `---` or `...` line",
            "add the closing quote at the end of the value",
        ),
        "while parsing a quoted scalar, found unknown escape character"
        | "while parsing a quoted scalar, did not find expected hexadecimal number"
        | "while parsing a quoted scalar, found invalid Unicode character escape code" => (
            "invalid escape sequence in a double-quoted string",
            "write a backslash as `\\\\` inside double quotes, or use single quotes, where `\\` has no special meaning",
        ),
        "simple key expected" | "simple key expect ':'" => (
            "expected `:` after this mapping key",
            "a key must be followed by `:` on the same line; a key longer than 1024 characters must be quoted or use `? `",
        ),
        "did not find expected <document start>" | "invalid content after document end marker" => (
            "unexpected content after the end of the document",
            "check the indentation of this line; a document holds a single top-level value",
        ),
        "unexpected eof" => ("unexpected end of the file", "check that every quote and bracket is closed"),
        "recursion limit exceeded" => (
            "flow collections are nested too deep",
            "flatten the document: compose files never need this much nesting",
        ),
        "found unprintable character" => (
            "the file contains a character that is not allowed in YAML",
            "remove the control character, or write it as an escape inside double quotes",
        ),
        "while scanning an anchor or alias, did not find expected alphabetic or numeric character" => (
            "an anchor (`&`) or alias (`*`) has no name",
            "quote the value if `&` or `*` is meant literally",
        ),
        "the handle wasn't declared" => (
            "undeclared tag handle",
            "use `!name` for a local tag or declare the handle with a %TAG directive",
        ),
        _ => ("", ""),
    };
    if !msg.is_empty() {
        return (format!("invalid YAML: {msg}"), help.to_string());
    }
    if let Some(c) = info.strip_prefix("unexpected character: `") {
        let c = c.trim_end_matches('\'');
        return (
            format!("invalid YAML: `{c}` cannot start a plain value"),
            format!("quote the value (\"{c}...\") if `{c}` is part of it"),
        );
    }
    if info.contains("tag") || info.contains("directive") {
        return (
            format!("invalid YAML: {info}"),
            "check the tag (`!name`) or `%` directive on this line".to_string(),
        );
    }
    (
        format!("invalid YAML: {info}"),
        "check the YAML syntax at this position (indentation, quotes, brackets)".to_string(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_convert_char_indices_to_bytes() {
        let text = format!("{}é\u{1F600}x", "a".repeat(200));
        let o = Offsets::new(&text);
        assert_eq!(o.byte(0), 0);
        assert_eq!(o.byte(200), 200);
        assert_eq!(o.byte(201), 202);
        assert_eq!(o.byte(202), 206);
        assert_eq!(o.byte(203), text.len());
        assert_eq!(o.byte(10_000), text.len());
        let ascii = Offsets::new("abc");
        assert_eq!(ascii.byte(2), 2);
        assert_eq!(ascii.byte(9), 3);
    }

    #[test]
    fn alias_names() {
        assert_eq!(alias_name("a: *foo\n", 3), "foo");
        assert_eq!(alias_name("[*x, *y]", 1), "x");
        assert_eq!(alias_name("*", 0), "");
        assert_eq!(alias_name("", 5), "");
    }
}
