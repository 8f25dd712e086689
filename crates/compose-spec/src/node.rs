//! The span-carrying document tree.
//!
//! Compose's pipeline (interpolate → merge → canonical forms → validate →
//! normalise) works on an untyped tree before anything is typed, exactly like
//! compose-go's `map[string]any`. Ours is [`Node`]: every node and every mapping
//! key keeps its file and byte range, scalars stay raw (text + quoting style) so
//! that `yes` only becomes a boolean where a field is boolean, and YAML tags
//! (`!reset`, `!override`) survive until merging.

use crate::span::Span;
/// Mapping keys and scalar text: a string kept inline up to 24 bytes, so the
/// keys and most values of a compose file cost no allocation of their own.
pub use compact_str::CompactString as Str;
use hashbrown::HashTable;
use std::hash::BuildHasher;

/// How a scalar was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Style {
    /// Unquoted: resolved by the YAML 1.2 core schema (null, bool, int, float, else string).
    Plain,
    /// `'...'`: always a string.
    SingleQuoted,
    /// `"..."`: always a string.
    DoubleQuoted,
    /// `|`: always a string.
    Literal,
    /// `>`: always a string.
    Folded,
    /// Made by the loader (interpolation result, canonical form): always a string.
    Synthetic,
}

/// A scalar's text and style.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Scalar {
    /// The scalar's value after YAML unescaping (not yet interpolated).
    pub text: Str,
    /// How it was written.
    pub style: Style,
}

/// What a scalar means under YAML 1.2's core schema (what go-yaml v3 gives compose-go).
#[derive(Debug, Clone, PartialEq)]
pub enum Resolved<'a> {
    /// `~`, `null`, empty plain scalar.
    Null,
    /// `true` / `false` (and their capitalised forms).
    Bool(bool),
    /// A decimal, `0x`, `0o` integer.
    Int(i64),
    /// A float (incl. `.inf`, `.nan`).
    Float(f64),
    /// Everything else, and every quoted scalar.
    Str(&'a str),
}

impl Scalar {
    /// Resolves the scalar's type as go-yaml v3 does for an untyped target.
    pub fn resolve(&self) -> Resolved<'_> {
        if self.style != Style::Plain {
            return Resolved::Str(&self.text);
        }
        resolve_plain(&self.text)
    }
}

/// Resolves a plain scalar by the YAML 1.2 core schema as go-yaml v3 implements it.
pub fn resolve_plain(t: &str) -> Resolved<'_> {
    match t {
        "" | "~" | "null" | "Null" | "NULL" => return Resolved::Null,
        "true" | "True" | "TRUE" => return Resolved::Bool(true),
        "false" | "False" | "FALSE" => return Resolved::Bool(false),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return Resolved::Float(f64::INFINITY)
        }
        "-.inf" | "-.Inf" | "-.INF" => return Resolved::Float(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => return Resolved::Float(f64::NAN),
        _ => {}
    }
    let first = t.as_bytes()[0];
    if !(first.is_ascii_digit() || first == b'-' || first == b'+' || first == b'.') {
        return Resolved::Str(t);
    }
    // go-yaml v3: drop '_' then strconv.ParseInt(s, 0, 64), then the float regexp.
    let plain: std::borrow::Cow<'_, str> = if t.contains('_') {
        t.replace('_', "").into()
    } else {
        t.into()
    };
    if let Some(v) = crate::gocompat::strconv::parse_int(&plain, 0) {
        return Resolved::Int(v);
    }
    if is_yaml_float(&plain) {
        if let Ok(f) = plain.parse::<f64>() {
            return Resolved::Float(f);
        }
    }
    Resolved::Str(t)
}

fn is_yaml_float(t: &str) -> bool {
    // [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?
    let b = t.as_bytes();
    let mut i = 0;
    if i < b.len() && (b[i] == b'-' || b[i] == b'+') {
        i += 1;
    }
    let int_start = i;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    let int_digits = i - int_start;
    let mut frac_digits = 0;
    if i < b.len() && b[i] == b'.' {
        i += 1;
        let fs = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        frac_digits = i - fs;
    }
    if int_digits == 0 && frac_digits == 0 {
        return false;
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'-' || b[i] == b'+') {
            i += 1;
        }
        let es = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == es {
            return false;
        }
    }
    i == b.len()
}

/// A YAML tag that matters to compose.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Tag {
    /// `!reset`: remove the value inherited from an earlier file.
    Reset,
    /// `!override`: replace the inherited value instead of merging.
    Override,
    /// Any other explicit tag, kept verbatim (e.g. `!!str`).
    Other(String),
}

/// One mapping entry: the key's span and the value.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// Where the key was written.
    pub key_span: Span,
    /// The value.
    pub value: Node,
}

/// A mapping with string keys in document order.
///
/// Compose mappings are small (a service has a dozen keys, a healthcheck
/// three): the entries are a plain vector searched linearly, and only a
/// mapping of more than a dozen entries (`services:` of a large project)
/// gets a hash index over the vector's positions. That costs one allocation
/// per mapping instead of an `IndexMap`'s two, no hashing for the common
/// case, and 40 bytes less per mapping.
#[derive(Clone, Default)]
pub struct Map {
    entries: Vec<(Str, Entry)>,
    /// Positions in `entries` by key hash, when there are more than [`INDEXED`].
    index: Option<Box<HashTable<u32>>>,
    /// Whether a key may hold an upper-case ASCII letter or a non-ASCII
    /// character (set on insert, never cleared): when not, a key that is not
    /// found exactly is not found case-insensitively either.
    mixed_case: bool,
    /// One bit per key inserted so far (see [`key_bit`]), all bits once a key is
    /// not ASCII: a key whose bit is clear is absent, even ignoring case. Most
    /// lookups (struct fields when decoding) are misses, answered here.
    bloom: u64,
}

/// A key's bit in [`Map::bloom`]: a hash of its length and of its first,
/// middle and last bytes, ASCII-lower-cased so that keys equal ignoring ASCII
/// case share their bit.
fn key_bit(key: &str) -> u64 {
    let b = key.as_bytes();
    let n = b.len();
    if n == 0 {
        return 1;
    }
    let l = |i: usize| u32::from(b[i].to_ascii_lowercase());
    let h = (n as u32).wrapping_mul(0x9E37_79B9)
        ^ l(0).wrapping_mul(0x85EB_CA6B)
        ^ l(n / 2).wrapping_mul(0xC2B2_AE35)
        ^ l(n - 1).wrapping_mul(0x27D4_EB2F);
    1u64 << (h >> 26)
}

/// Mappings up to this many entries are searched linearly.
const INDEXED: usize = 12;

impl PartialEq for Map {
    /// Same entries, in any order (like `IndexMap`'s equality).
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len()
            && self
                .entries
                .iter()
                .all(|(k, e)| other.entry(k).is_some_and(|o| o == e))
    }
}

impl std::fmt::Debug for Map {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        struct Entries<'a>(&'a [(Str, Entry)]);
        impl std::fmt::Debug for Entries<'_> {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_map()
                    .entries(self.0.iter().map(|(k, e)| (k, e)))
                    .finish()
            }
        }
        f.debug_struct("Map")
            .field("entries", &Entries(&self.entries))
            .field("mixed_case", &self.mixed_case)
            .finish()
    }
}

/// Whether a key can equal another one only case-insensitively.
fn is_mixed_case(key: &str) -> bool {
    // No early exit: the loop vectorises, and keys are short.
    key.bytes()
        .fold(false, |acc, b| acc | b.is_ascii_uppercase() | !b.is_ascii())
}

/// Keys are short strings chosen by the file's author; a fast fixed hasher is
/// plenty (and keeps iteration independent of any random seed).
type Hasher = foldhash::fast::FixedState;

fn hash_key(key: &str) -> u64 {
    Hasher::default().hash_one(key)
}

impl Map {
    /// An empty mapping.
    pub fn new() -> Self {
        Self::default()
    }
    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }
    /// Whether it is empty.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
    /// Records a new key's case class and bloom bit.
    fn note_key(&mut self, key: &str) {
        if is_mixed_case(key) {
            self.mixed_case = true;
            if !key.is_ascii() {
                self.bloom = u64::MAX;
            }
        }
        self.bloom |= key_bit(key);
    }
    /// Position of `key`.
    fn position(&self, key: &str) -> Option<usize> {
        if self.bloom & key_bit(key) == 0 {
            return None;
        }
        match &self.index {
            None => self.entries.iter().position(|(k, _)| k == key),
            Some(index) => {
                let entries = &self.entries;
                index
                    .find(hash_key(key), |&i| entries[i as usize].0 == key)
                    .map(|&i| i as usize)
            }
        }
    }
    /// Rebuilds (or drops) the hash index after positions changed.
    fn reindex(&mut self) {
        if self.entries.len() <= INDEXED {
            self.index = None;
            return;
        }
        let mut index = self.index.take().unwrap_or_default();
        index.clear();
        let entries = &self.entries;
        let rehash = |&j: &u32| hash_key(&entries[j as usize].0);
        index.reserve(entries.len(), rehash);
        for (i, (k, _)) in entries.iter().enumerate() {
            index.insert_unique(hash_key(k), i as u32, rehash);
        }
        self.index = Some(index);
    }
    /// Records `entries[i]` (just pushed) in the index.
    fn index_pushed(&mut self, i: usize) {
        match &mut self.index {
            Some(index) => {
                let entries = &self.entries;
                index.insert_unique(hash_key(&entries[i].0), i as u32, |&j| {
                    hash_key(&entries[j as usize].0)
                });
            }
            None if self.entries.len() > INDEXED => self.reindex(),
            None => {}
        }
    }
    /// The value under `key`.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|e| &e.value)
    }
    /// The value under `key`, mutable.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Node> {
        let i = self.position(key)?;
        Some(&mut self.entries[i].1.value)
    }
    /// The entry (key span + value) under `key`.
    pub fn entry(&self, key: &str) -> Option<&Entry> {
        self.position(key).map(|i| &self.entries[i].1)
    }
    /// Whether `key` is present.
    pub fn contains_key(&self, key: &str) -> bool {
        self.position(key).is_some()
    }
    /// An empty mapping with room for `n` entries.
    pub fn with_capacity(n: usize) -> Self {
        Map {
            entries: Vec::with_capacity(n),
            index: None,
            mixed_case: false,
            bloom: 0,
        }
    }
    /// Inserts or replaces (keeping the old position on replace); returns the old entry.
    pub fn insert(&mut self, key: impl Into<Str>, key_span: Span, value: Node) -> Option<Entry> {
        let key = key.into();
        let entry = Entry { key_span, value };
        if let Some(i) = self.position(&key) {
            return Some(std::mem::replace(&mut self.entries[i].1, entry));
        }
        self.note_key(&key);
        self.entries.push((key, entry));
        self.index_pushed(self.entries.len() - 1);
        None
    }
    /// A mapping that fills `buffer` (emptied, its capacity kept): with
    /// [`Map::into_exact`], a parser reuses one growing buffer per nesting
    /// level instead of growing (and over-allocating) every mapping.
    pub(crate) fn with_buffer(mut buffer: Vec<(Str, Entry)>) -> Self {
        buffer.clear();
        Map {
            entries: buffer,
            ..Map::default()
        }
    }
    /// The same mapping in an allocation of exactly its length, and the
    /// emptied buffer it was built in (see [`Map::with_buffer`]).
    pub(crate) fn into_exact(mut self) -> (Self, Vec<(Str, Entry)>) {
        let exact = take_exact(&mut self.entries);
        let buffer = std::mem::replace(&mut self.entries, exact);
        (self, buffer)
    }
    /// Appends an entry whose key the caller knows is absent (no lookup).
    pub(crate) fn push_new(&mut self, key: Str, key_span: Span, value: Node) {
        debug_assert!(!self.contains_key(&key));
        self.note_key(&key);
        self.entries.push((key, Entry { key_span, value }));
        self.index_pushed(self.entries.len() - 1);
    }
    /// Inserts at position `index` (an existing `key` moves there); returns the old entry.
    pub fn shift_insert(
        &mut self,
        index: usize,
        key: impl Into<Str>,
        key_span: Span,
        value: Node,
    ) -> Option<Entry> {
        let key = key.into();
        let entry = Entry { key_span, value };
        let old = match self.position(&key) {
            Some(i) => {
                let (k, old) = self.entries.remove(i);
                self.entries.insert(index, (k, entry));
                Some(old)
            }
            None => {
                self.note_key(&key);
                self.entries.insert(index, (key, entry));
                None
            }
        };
        self.reindex();
        old
    }
    /// The first key equal to `key` ignoring case (ASCII case, or full
    /// lower-casing for non-ASCII keys) when there is no exact match: Go's
    /// mapstructure field matching. Returns the key as written.
    pub fn get_ignore_case(&self, key: &str) -> Option<(&Str, &Node)> {
        if self.bloom & key_bit(key) == 0 {
            // No key shares its bit: none is equal, even ignoring case.
            return None;
        }
        if let Some(i) = self.position(key) {
            let (k, e) = &self.entries[i];
            return Some((k, &e.value));
        }
        if !self.mixed_case && !is_mixed_case(key) {
            // Every key and `key` are lower-case ASCII: equal ignoring case is equal.
            return None;
        }
        self.iter().find(|(k, _)| {
            k.eq_ignore_ascii_case(key) || (!k.is_ascii() && k.to_lowercase() == key.to_lowercase())
        })
    }
    /// The entry at position `index`, value mutable.
    pub fn get_index_mut(&mut self, index: usize) -> Option<(&Str, &mut Entry)> {
        self.entries.get_mut(index).map(|(k, e)| (&*k, e))
    }
    /// Removes and returns the last entry.
    pub fn pop(&mut self) -> Option<(Str, Entry)> {
        let last = self.entries.pop()?;
        if self.index.is_some() {
            self.reindex();
        }
        Some(last)
    }
    /// Inserts with the value's own span as key span.
    pub fn insert_node(&mut self, key: impl Into<Str>, value: Node) -> Option<Entry> {
        let span = value.span;
        self.insert(key, span, value)
    }
    /// Removes `key`, keeping the order of the others.
    pub fn remove(&mut self, key: &str) -> Option<Node> {
        self.remove_entry(key).map(|e| e.value)
    }
    /// Removes `key` and returns its whole entry.
    pub fn remove_entry(&mut self, key: &str) -> Option<Entry> {
        let i = self.position(key)?;
        let (_, e) = self.entries.remove(i);
        if self.index.is_some() {
            self.reindex();
        }
        Some(e)
    }
    /// Entries in order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (&Str, &Node)> + ExactSizeIterator {
        self.entries.iter().map(|(k, e)| (k, &e.value))
    }
    /// Entries in order, with key spans.
    pub fn entries(&self) -> impl DoubleEndedIterator<Item = (&Str, &Entry)> + ExactSizeIterator {
        self.entries.iter().map(|(k, e)| (k, e))
    }
    /// Entries in order, values mutable.
    pub fn iter_mut(&mut self) -> impl Iterator<Item = (&Str, &mut Node)> {
        self.entries.iter_mut().map(|(k, e)| (&*k, &mut e.value))
    }
    /// Keys in order.
    pub fn keys(&self) -> impl Iterator<Item = &Str> {
        self.entries.iter().map(|(k, _)| k)
    }
    /// Keeps only the entries for which `f` is true.
    pub fn retain(&mut self, mut f: impl FnMut(&str, &mut Node) -> bool) {
        let before = self.entries.len();
        self.entries.retain_mut(|(k, e)| f(k, &mut e.value));
        if self.entries.len() != before && self.index.is_some() {
            self.reindex();
        }
    }
    /// Sorts entries by key.
    pub fn sort_keys(&mut self) {
        self.entries.sort_by(|a, b| a.0.cmp(&b.0));
        if self.index.is_some() {
            self.reindex();
        }
    }
}

impl IntoIterator for Map {
    type Item = (Str, Entry);
    type IntoIter = std::vec::IntoIter<(Str, Entry)>;

    fn into_iter(self) -> Self::IntoIter {
        self.entries.into_iter()
    }
}

impl<K: Into<Str>> FromIterator<(K, Node)> for Map {
    fn from_iter<T: IntoIterator<Item = (K, Node)>>(iter: T) -> Self {
        let mut m = Map::new();
        for (k, v) in iter {
            m.insert_node(k, v);
        }
        m
    }
}

/// `v` in an allocation of exactly its length. Trees are built by pushing, and
/// doubling growth leaves a third of a large tree's collections unused;
/// allocators keep a shrunk block's tail when it is within a size class or
/// two, so this copies instead of shrinking in place.
pub(crate) fn exact<T>(mut v: Vec<T>) -> Vec<T> {
    if v.capacity() == v.len() {
        return v;
    }
    take_exact(&mut v)
}

/// Moves `buffer`'s items into an allocation of exactly their number, leaving
/// `buffer` empty with its capacity, to be reused (see [`exact`]).
pub(crate) fn take_exact<T>(buffer: &mut Vec<T>) -> Vec<T> {
    let mut out = Vec::with_capacity(buffer.len());
    out.append(buffer);
    out
}

/// A node's content.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// An explicit or implicit null (`~`, `null`, or nothing after `key:`).
    ///
    /// Plain scalars that resolve to null are kept as [`Value::Scalar`]; the
    /// parser produces `Null` only for an empty value.
    Null,
    /// A scalar, raw.
    Scalar(Scalar),
    /// A sequence.
    Seq(Vec<Node>),
    /// A mapping.
    Map(Map),
}

/// A tree node: span, optional tag, content.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// Where it was written (for aliases: where the alias was used).
    pub span: Span,
    /// Explicit YAML tag, if any.
    pub tag: Option<Tag>,
    /// The content.
    pub value: Value,
}

impl Node {
    /// A node with no tag.
    pub fn new(value: Value, span: Span) -> Self {
        Node {
            span,
            tag: None,
            value,
        }
    }
    /// A null node.
    pub fn null(span: Span) -> Self {
        Node::new(Value::Null, span)
    }
    /// A string scalar (never re-resolved as number/bool).
    pub fn string(s: impl Into<Str>, span: Span) -> Self {
        Node::new(
            Value::Scalar(Scalar {
                text: s.into(),
                style: Style::Synthetic,
            }),
            span,
        )
    }
    /// A plain scalar, typed by YAML resolution.
    pub fn plain(s: impl Into<Str>, span: Span) -> Self {
        Node::new(
            Value::Scalar(Scalar {
                text: s.into(),
                style: Style::Plain,
            }),
            span,
        )
    }
    /// An integer scalar.
    pub fn int(i: i64, span: Span) -> Self {
        Node::plain(i.to_string(), span)
    }
    /// A boolean scalar.
    pub fn bool(b: bool, span: Span) -> Self {
        Node::plain(if b { "true" } else { "false" }, span)
    }
    /// A sequence (held in an allocation of exactly its length).
    pub fn seq(items: Vec<Node>, span: Span) -> Self {
        Node::new(Value::Seq(exact(items)), span)
    }
    /// A mapping (held in an allocation of exactly its length).
    pub fn map(mut map: Map, span: Span) -> Self {
        map.entries = exact(std::mem::take(&mut map.entries));
        Node::new(Value::Map(map), span)
    }

    /// The mapping, if this is one.
    pub fn as_map(&self) -> Option<&Map> {
        match &self.value {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }
    /// The mapping, mutable.
    pub fn as_map_mut(&mut self) -> Option<&mut Map> {
        match &mut self.value {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }
    /// The sequence, if this is one.
    pub fn as_seq(&self) -> Option<&[Node]> {
        match &self.value {
            Value::Seq(s) => Some(s),
            _ => None,
        }
    }
    /// The sequence, mutable.
    pub fn as_seq_mut(&mut self) -> Option<&mut Vec<Node>> {
        match &mut self.value {
            Value::Seq(s) => Some(s),
            _ => None,
        }
    }
    /// The scalar, if this is one.
    pub fn as_scalar(&self) -> Option<&Scalar> {
        match &self.value {
            Value::Scalar(s) => Some(s),
            _ => None,
        }
    }
    /// The scalar's text whatever its resolved type (`None` for null, seq, map).
    pub fn as_text(&self) -> Option<&str> {
        match &self.value {
            Value::Scalar(s) => Some(&s.text),
            _ => None,
        }
    }
    /// The value as a string only when it resolves to a string.
    pub fn as_str(&self) -> Option<&str> {
        match self.resolve() {
            Some(Resolved::Str(s)) => Some(s),
            _ => None,
        }
    }
    /// Resolved scalar meaning; `Some(Null)` for null nodes; `None` for seq/map.
    pub fn resolve(&self) -> Option<Resolved<'_>> {
        match &self.value {
            Value::Null => Some(Resolved::Null),
            Value::Scalar(s) => Some(s.resolve()),
            _ => None,
        }
    }
    /// Whether the node is null (explicit or empty).
    pub fn is_null(&self) -> bool {
        matches!(self.resolve(), Some(Resolved::Null))
    }
    /// Map lookup shorthand.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.as_map().and_then(|m| m.get(key))
    }
    /// Map lookup shorthand, mutable.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Node> {
        self.as_map_mut().and_then(|m| m.get_mut(key))
    }
    /// What the node is, as YAML decoding types it (what messages name).
    pub fn kind(&self) -> Kind {
        match &self.value {
            Value::Map(_) => Kind::Map,
            Value::Seq(_) => Kind::Seq,
            Value::Null => Kind::Null,
            Value::Scalar(s) => match s.resolve() {
                Resolved::Null => Kind::Null,
                Resolved::Bool(_) => Kind::Boolean,
                Resolved::Int(_) => Kind::Integer,
                Resolved::Float(_) => Kind::Number,
                Resolved::Str(_) => Kind::String,
            },
        }
    }

    /// The word for the node's kind in messages: "a mapping", "a list", "a string"...
    pub fn kind_name(&self) -> &'static str {
        self.kind().word()
    }

    /// Converts to JSON the way compose-go sees the value after YAML decoding.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match &self.value {
            Value::Null => J::Null,
            Value::Scalar(s) => match s.resolve() {
                Resolved::Null => J::Null,
                Resolved::Bool(b) => J::Bool(b),
                Resolved::Int(i) => J::from(i),
                Resolved::Float(f) => serde_json::Number::from_f64(f)
                    .map(J::Number)
                    .unwrap_or(J::Null),
                Resolved::Str(s) => J::String(s.to_string()),
            },
            Value::Seq(items) => J::Array(items.iter().map(Node::to_json).collect()),
            Value::Map(m) => J::Object(
                m.iter()
                    .map(|(k, v)| (k.to_string(), v.to_json()))
                    .collect(),
            ),
        }
    }
}

/// The kind of a node, as YAML decoding types it.
///
/// Code calls the two collections `Map` and `Seq`, as [`Value`] does;
/// messages call them "a mapping" and "a list", the words of compose's
/// documentation and schema errors. Every message naming a node's kind takes
/// its word from [`Kind::word`]. (Two YAML syntax errors pinned by the
/// diagnostics snapshots still say "sequence", as YAML does.)
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// A string (every quoted scalar, and plain ones that are nothing else).
    String,
    /// A float (`1.5`, `.inf`).
    Number,
    /// An integer (`12`, `0x1f`).
    Integer,
    /// `true` or `false`.
    Boolean,
    /// A sequence.
    Seq,
    /// A mapping.
    Map,
    /// `null`, `~` or nothing.
    Null,
}

impl Kind {
    /// Every kind, in the order messages list them ("a string, a list or null").
    pub const ALL: [Kind; 7] = [
        Kind::String,
        Kind::Number,
        Kind::Integer,
        Kind::Boolean,
        Kind::Seq,
        Kind::Map,
        Kind::Null,
    ];

    /// The word for the kind in messages: "a string", "a list", "null"...
    pub fn word(self) -> &'static str {
        match self {
            Kind::String => "a string",
            Kind::Number => "a number",
            Kind::Integer => "an integer",
            Kind::Boolean => "a boolean",
            Kind::Seq => "a list",
            Kind::Map => "a mapping",
            Kind::Null => "null",
        }
    }
}

/// One step of a key path.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PathSeg {
    /// A mapping key.
    Key(String),
    /// A sequence index.
    Index(usize),
}

/// A key path such as `services.web.ports[1]`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct KeyPath(pub Vec<PathSeg>);

impl KeyPath {
    /// The empty (root) path.
    pub fn root() -> Self {
        KeyPath(Vec::new())
    }
    /// This path plus a key.
    pub fn key(&self, k: impl Into<String>) -> Self {
        let mut p = self.clone();
        p.0.push(PathSeg::Key(k.into()));
        p
    }
    /// This path plus an index.
    pub fn index(&self, i: usize) -> Self {
        let mut p = self.clone();
        p.0.push(PathSeg::Index(i));
        p
    }
}

impl std::fmt::Display for KeyPath {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut first = true;
        for seg in &self.0 {
            match seg {
                PathSeg::Key(k) => {
                    if !first {
                        f.write_str(".")?;
                    }
                    f.write_str(k)?;
                }
                PathSeg::Index(i) => write!(f, "[{i}]")?,
            }
            first = false;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_like_go_yaml_v3() {
        assert_eq!(resolve_plain("8080"), Resolved::Int(8080));
        assert_eq!(resolve_plain("-1"), Resolved::Int(-1));
        assert_eq!(resolve_plain("0x1F"), Resolved::Int(31));
        assert_eq!(resolve_plain("1.5"), Resolved::Float(1.5));
        assert_eq!(resolve_plain("yes"), Resolved::Str("yes"));
        assert_eq!(resolve_plain("True"), Resolved::Bool(true));
        assert_eq!(resolve_plain("~"), Resolved::Null);
        assert_eq!(resolve_plain("80:80"), Resolved::Str("80:80"));
        assert_eq!(resolve_plain("1e3"), Resolved::Float(1000.0));
        assert_eq!(resolve_plain("."), Resolved::Str("."));
    }

    #[test]
    fn key_path_display() {
        let p = KeyPath::root()
            .key("services")
            .key("web")
            .key("ports")
            .index(1);
        assert_eq!(p.to_string(), "services.web.ports[1]");
    }
}
