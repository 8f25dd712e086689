//! Lets the validator read [`Node`] trees directly.
//!
//! `jsonschema` validates any representation that implements its `json`
//! traits. Reading our tree in place saves converting the whole document to a
//! `serde_json::Value` first, which costs several times the validation itself
//! on large files. Scalars are typed exactly as [`Node::to_json`] types them
//! (YAML 1.2 core schema, as go-yaml v3 gives compose-go), including its one
//! quirk: a non-finite float (`.inf`, `.nan`), which JSON cannot hold, is null.

use crate::node::{Map, Node, Resolved, Value};
use crate::span::Span;
use jsonschema::json::{Array, Json, JsonNumber, NodeIdentity, Object};
use jsonschema::JsonType;
use std::borrow::Cow;

/// Marker type selecting [`Node`] as the validator's instance representation.
pub(crate) struct NodeRepr;

impl Json for NodeRepr {
    type Node<'a> = &'a Node;
    type PreparedKey = String;
    type StringBuffer = ();

    // Aliases are expanded into copies: no node is its own descendant.
    const ACYCLIC: bool = true;

    fn prepare_key(key: &str) -> String {
        key.to_owned()
    }

    fn with_string_node<T>((): &mut (), string: &str, f: impl FnOnce(&Node) -> T) -> T {
        let node = Node::string(string, Span::synthetic());
        f(&node)
    }
}

/// A scalar's number: integer (exact) or finite float.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Num {
    int: Option<i64>,
    float: f64,
}

impl JsonNumber for Num {
    fn as_u64(&self) -> Option<u64> {
        self.int.and_then(|i| u64::try_from(i).ok())
    }
    fn as_i64(&self) -> Option<i64> {
        self.int
    }
    fn as_f64(&self) -> Option<f64> {
        Some(self.float)
    }
    fn as_str(&self) -> Cow<'_, str> {
        Cow::Owned(match self.int {
            Some(i) => i.to_string(),
            None => self.float.to_string(),
        })
    }
    fn to_number(&self) -> Cow<'_, serde_json::Number> {
        Cow::Owned(match self.int {
            Some(i) => serde_json::Number::from(i),
            // `float` is finite by construction, so this never falls back.
            None => serde_json::Number::from_f64(self.float)
                .unwrap_or_else(|| serde_json::Number::from(0)),
        })
    }
    fn is_integer(&self) -> bool {
        self.int.is_some() || self.float.fract() == 0.0
    }
    fn is_written_as_integer(&self) -> bool {
        self.int.is_some()
    }
}

/// What a node means as JSON.
enum Kind<'a> {
    Null,
    Bool(bool),
    Num(Num),
    Str(&'a str),
    Seq(&'a [Node]),
    Map(&'a Map),
}

fn kind(node: &Node) -> Kind<'_> {
    match &node.value {
        Value::Null => Kind::Null,
        Value::Seq(items) => Kind::Seq(items),
        Value::Map(m) => Kind::Map(m),
        Value::Scalar(s) => match s.resolve() {
            Resolved::Null => Kind::Null,
            Resolved::Bool(b) => Kind::Bool(b),
            Resolved::Int(i) => Kind::Num(Num {
                int: Some(i),
                float: i as f64,
            }),
            Resolved::Float(f) if f.is_finite() => Kind::Num(Num {
                int: None,
                float: f,
            }),
            Resolved::Float(_) => Kind::Null,
            Resolved::Str(s) => Kind::Str(s),
        },
    }
}

impl<'a> jsonschema::json::Node<'a, NodeRepr> for &'a Node {
    type Object = &'a Map;
    type Array = &'a [Node];
    type Number = Num;

    fn as_object(&self) -> Option<&'a Map> {
        self.as_map()
    }
    fn as_array(&self) -> Option<&'a [Node]> {
        self.as_seq()
    }
    fn as_string(&self) -> Option<Cow<'a, str>> {
        match kind(self) {
            Kind::Str(s) => Some(Cow::Borrowed(s)),
            _ => None,
        }
    }
    fn as_number(&self) -> Option<Num> {
        match kind(self) {
            Kind::Num(n) => Some(n),
            _ => None,
        }
    }
    fn as_boolean(&self) -> Option<bool> {
        match kind(self) {
            Kind::Bool(b) => Some(b),
            _ => None,
        }
    }
    fn is_null(&self) -> bool {
        matches!(kind(self), Kind::Null)
    }
    fn json_type(&self) -> JsonType {
        match kind(self) {
            Kind::Null => JsonType::Null,
            Kind::Bool(_) => JsonType::Boolean,
            Kind::Num(_) => JsonType::Number,
            Kind::Str(_) => JsonType::String,
            Kind::Seq(_) => JsonType::Array,
            Kind::Map(_) => JsonType::Object,
        }
    }
    fn equals_value(&self, expected: &serde_json::Value) -> bool {
        equals_json(self, expected)
    }
    fn to_value(&self) -> Cow<'a, serde_json::Value> {
        Cow::Owned(self.to_json())
    }
    fn identity(&self) -> Option<NodeIdentity> {
        Some(NodeIdentity::new(std::ptr::from_ref::<Node>(*self) as usize))
    }
}

impl<'a> Object<'a, NodeRepr> for &'a Map {
    type Node = &'a Node;
    type MemberName = &'a str;
    type MembersIter = Box<dyn Iterator<Item = (&'a str, &'a Node)> + 'a>;

    fn len(&self) -> usize {
        Map::len(self)
    }
    fn get(&self, key: &String) -> Option<&'a Node> {
        Map::get(self, key)
    }
    fn members(&self) -> Self::MembersIter {
        Box::new(self.iter().map(|(k, v)| (k.as_str(), v)))
    }
}

impl<'a> Array<'a, NodeRepr> for &'a [Node] {
    type Node = &'a Node;
    type ElementsIter = std::slice::Iter<'a, Node>;

    fn len(&self) -> usize {
        <[Node]>::len(self)
    }
    fn elements(&self) -> Self::ElementsIter {
        self.iter()
    }
    fn is_unique(&self) -> bool {
        // Compose lists are short: pairwise comparison, no conversion.
        self.iter()
            .enumerate()
            .all(|(j, b)| self[..j].iter().all(|a| !nodes_equal(a, b)))
    }
}

fn numbers_equal(a: Num, b: Num) -> bool {
    match (a.int, b.int) {
        (Some(x), Some(y)) => x == y,
        _ => a.float == b.float,
    }
}

/// JSON equality between two nodes: numbers compare by value, mappings ignore order.
fn nodes_equal(a: &Node, b: &Node) -> bool {
    match (kind(a), kind(b)) {
        (Kind::Null, Kind::Null) => true,
        (Kind::Bool(x), Kind::Bool(y)) => x == y,
        (Kind::Num(x), Kind::Num(y)) => numbers_equal(x, y),
        (Kind::Str(x), Kind::Str(y)) => x == y,
        (Kind::Seq(x), Kind::Seq(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| nodes_equal(p, q))
        }
        (Kind::Map(x), Kind::Map(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| nodes_equal(v, w)))
        }
        _ => false,
    }
}

/// JSON equality between a node and a schema value (`enum`, `const`).
fn equals_json(a: &Node, b: &serde_json::Value) -> bool {
    use serde_json::Value as J;
    match (kind(a), b) {
        (Kind::Null, J::Null) => true,
        (Kind::Bool(x), J::Bool(y)) => x == *y,
        (Kind::Num(x), J::Number(y)) => match (x.int, y.as_i64()) {
            (Some(p), Some(q)) => p == q,
            _ => y.as_f64().is_some_and(|q| x.float == q),
        },
        (Kind::Str(x), J::String(y)) => x == y,
        (Kind::Seq(x), J::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| equals_json(p, q))
        }
        (Kind::Map(x), J::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k.as_str()).is_some_and(|w| equals_json(v, w)))
        }
        _ => false,
    }
}
