//! The typed model of a compose project, and its exact JSON form.
//!
//! The loader works on an untyped, span-carrying [`Node`] tree until the very
//! end; this module is the last step, where compose-go hands its tree to
//! mapstructure (`loader.ModelToProject`) and gets a `types.Project` back.
//! Everything downstream — `config` output, the engine — reads these types.
//!
//! Three things are mirrored from compose-go v2.9.1 (Docker Compose v2.40.3):
//!
//! * **The types.** [`Project`], [`ServiceConfig`] and every nested type have
//!   compose-go's fields, in Go declaration order. Go maps are `BTreeMap`s
//!   (printed with sorted keys, as Go does); Go pointers are `Option`s.
//! * **Decoding** ([`Project::from_node`]): mapstructure's rules with
//!   compose-go's decode hooks — strict scalar types with compose-go's casts,
//!   case-insensitive key matching, `x-*` keys gathered into `extensions`,
//!   each custom Go type's own decoder (durations, byte sizes, `KEY=VALUE`
//!   lists, ...). Every problem becomes a [`Diagnostic`] with a key path and
//!   a span; all of them are reported.
//! * **The JSON** ([`Project::to_json`], the `Serialize` impls): what
//!   `encoding/json` prints with compose-go's tags — `omitempty` (zero values
//!   dropped, but never empty structs; pointers kept when set), `command` and
//!   `entrypoint` always present, byte sizes as decimal strings, durations as
//!   Go duration strings (`1m30s`), float32 numbers as Go prints them,
//!   `extra_hosts` as a sorted `host=ip` list, secret content hidden, and
//!   only the project's own `x-*` keys printed (nested ones are kept in the
//!   model but, as in compose-go, not printed). Models are kept but not
//!   printed either: compose-go's project JSON has no `models` key.
//!   [`Project::to_json_string`] gives the exact text (Go's indentation,
//!   HTML escapes and float notation).
//! * **The YAML tree** ([`Project::to_yaml_value`]): what go-yaml marshals
//!   for plain `config`, in go-yaml's key order, for the YAML emitter.
//!
//! Each struct lists its fields once, with its keys and what compose-go's
//! tags say about them (the crate-private `model_struct!` macro), and its
//! decoding, JSON and YAML are generated from that one list.
//!
//! ```
//! use compose_spec::model::Project;
//! let json = serde_json::json!({
//!     "name": "demo",
//!     "services": {
//!         "web": {
//!             "image": "nginx",
//!             "command": ["nginx", "-g", "daemon off;"],
//!             "healthcheck": { "interval": "90s" },
//!             "mem_limit": "512m"
//!         }
//!     },
//!     "x-note": "kept"
//! });
//! let project = Project::from_json(&json).unwrap();
//! let web = &project.services["web"];
//! assert_eq!(web.mem_limit.0, 512 * 1024 * 1024);
//! let out = project.to_json();
//! assert_eq!(out["services"]["web"]["healthcheck"]["interval"], "1m30s");
//! assert_eq!(out["services"]["web"]["mem_limit"], "536870912");
//! assert_eq!(out["services"]["web"]["entrypoint"], serde_json::Value::Null);
//! assert_eq!(out["x-note"], "kept");
//! ```

mod decode;
mod fields;
mod resources;
mod service;
mod to_yaml;
pub(crate) use to_yaml::key_cmp;
mod values;

use std::collections::BTreeMap;

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

use crate::diag::{Code, Diagnostic};
use crate::node::{Map, Node, Value};
use crate::span::Span;

pub use resources::{
    ConfigObjConfig, FileObjectConfig, IpamConfig, IpamPool, ModelConfig, NetworkConfig,
    SecretConfig, VolumeConfig,
};
pub use service::{
    BlkioConfig, BuildConfig, CredentialSpecConfig, DependsOnConfig, DeployConfig, DevelopConfig,
    DeviceMapping, DeviceRequest, DiscreteGenericResource, ExtendsConfig, FileReferenceConfig,
    GenericResource, HealthCheckConfig, LoggingConfig, Placement, PlacementPreferences, Resource,
    Resources, RestartPolicy, ServiceConfig, ServiceConfigObjConfig, ServiceDependency,
    ServiceHook, ServiceModelConfig, ServiceNetworkConfig, ServicePortConfig,
    ServiceProviderConfig, ServiceSecretConfig, ServiceVolumeBind, ServiceVolumeConfig,
    ServiceVolumeImage, ServiceVolumeTmpfs, ThrottleDevice, Trigger, UpdateConfig, WeightDevice,
};
pub use values::{
    DeviceCount, Duration, EnvFile, Extensions, FileMode, HealthCheckTest, HostsList, Labels,
    Mapping, MappingWithEquals, MultiOptions, Options, ShellCommand, SshConfig, SshKey, StringList,
    StringOrNumberList, UlimitsConfig, UnitBytes,
};

use decode::{De, Decode, Path};

/// Where `x-*` keys are gathered before decoding (compose-go's `consts.Extensions`).
const EXTENSIONS_KEY: &str = "#extensions";

/// The extension through which the loader passes a secret's value read from
/// the environment (compose-go's `SecretConfigXValue`).
pub const SECRET_VALUE_KEY: &str = "x-#value";

/// A whole compose project (compose-go's `types.Project`).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Project {
    /// Project name.
    pub name: String,
    /// Project directory (not printed).
    pub working_dir: String,
    /// Services by name.
    pub services: BTreeMap<String, Box<ServiceConfig>>,
    /// Networks by key.
    pub networks: BTreeMap<String, NetworkConfig>,
    /// Volumes by key.
    pub volumes: BTreeMap<String, VolumeConfig>,
    /// Secrets by key.
    pub secrets: BTreeMap<String, SecretConfig>,
    /// Configs by key.
    pub configs: BTreeMap<String, ConfigObjConfig>,
    /// Models by key (not printed by `config --format json`, as in compose-go).
    pub models: BTreeMap<String, ModelConfig>,
    /// Top-level `x-*` keys.
    pub extensions: Extensions,
    /// The compose files loaded (not printed).
    pub compose_files: Vec<String>,
    /// The environment used for interpolation (not printed).
    pub environment: Mapping,
    /// Services disabled by profiles (not printed).
    pub disabled_services: BTreeMap<String, Box<ServiceConfig>>,
    /// Active profiles (not printed).
    pub profiles: Vec<String>,
}

impl Project {
    /// Decodes the loader's canonical tree into a project, as compose-go's
    /// `ModelToProject` does with mapstructure.
    ///
    /// The root `name` key, when it is a string, becomes the project name.
    /// All problems are returned together.
    ///
    /// ```
    /// use compose_spec::model::Project;
    /// use compose_spec::node::{Map, Node};
    /// use compose_spec::span::Span;
    /// let s = Span::synthetic();
    /// let mut port = Map::new();
    /// port.insert_node("target", Node::plain("80", s));
    /// port.insert_node("published", Node::plain("8080", s));
    /// let mut web = Map::new();
    /// web.insert_node("image", Node::string("nginx", s));
    /// web.insert_node("ports", Node::seq(vec![Node::map(port, s)], s));
    /// let mut services = Map::new();
    /// services.insert_node("web", Node::map(web, s));
    /// let mut root = Map::new();
    /// root.insert_node("services", Node::map(services, s));
    /// let project = Project::from_node(&Node::map(root, s)).unwrap();
    /// let port = &project.services["web"].ports[0];
    /// assert_eq!((port.target, port.published.as_str()), (80, "8080"));
    /// ```
    pub fn from_node(root: &Node) -> Result<Project, Vec<Diagnostic>> {
        Project::from_tree(&mut root.clone())
    }

    /// [`Project::from_node`] without copying the tree: the `x-*` keys are
    /// gathered in place for decoding and put back afterwards, so `root` is
    /// unchanged when this returns.
    ///
    /// ```
    /// use compose_spec::model::Project;
    /// use compose_spec::node::{Map, Node};
    /// use compose_spec::span::Span;
    /// let s = Span::synthetic();
    /// let mut web = Map::new();
    /// web.insert_node("x-note", Node::string("kept", s));
    /// web.insert_node("image", Node::string("nginx", s));
    /// let mut services = Map::new();
    /// services.insert_node("web", Node::map(web, s));
    /// let mut root = Map::new();
    /// root.insert_node("services", Node::map(services, s));
    /// let mut root = Node::map(root, s);
    /// let before = root.clone();
    /// let project = Project::from_tree(&mut root).unwrap();
    /// assert_eq!(project.services["web"].extensions["x-note"], "kept");
    /// assert_eq!(root, before);
    /// ```
    pub fn from_tree(root: &mut Node) -> Result<Project, Vec<Diagnostic>> {
        let mut de = De::default();
        let mut moved = Vec::new();
        gather_extensions(root, &mut Vec::new(), Where::ROOT, &mut moved);
        let project = decode_project(&mut de, root, false);
        restore_extensions(root, moved);
        if de.diags.iter().any(Diagnostic::is_error) {
            return Err(de.diags);
        }
        project.ok_or(de.diags)
    }

    /// [`Project::from_tree`] for a tree that is not needed afterwards: each
    /// service's subtree is freed as soon as it is decoded, so the tree and the
    /// typed project never coexist whole (about halves the peak heap of a load).
    ///
    /// ```
    /// use compose_spec::model::Project;
    /// use compose_spec::node::{Map, Node};
    /// use compose_spec::span::Span;
    /// let s = Span::synthetic();
    /// let mut web = Map::new();
    /// web.insert_node("image", Node::string("nginx", s));
    /// let mut services = Map::new();
    /// services.insert_node("web", Node::map(web, s));
    /// let mut root = Map::new();
    /// root.insert_node("services", Node::map(services, s));
    /// let project = Project::from_tree_owned(Node::map(root, s)).unwrap();
    /// assert_eq!(project.services["web"].image, "nginx");
    /// ```
    pub fn from_tree_owned(mut root: Node) -> Result<Project, Vec<Diagnostic>> {
        let mut de = De::default();
        gather_extensions(&mut root, &mut Vec::new(), Where::ROOT, &mut Vec::new());
        let project = decode_project(&mut de, &mut root, true);
        drop(root);
        if de.diags.iter().any(Diagnostic::is_error) {
            return Err(de.diags);
        }
        project.ok_or(de.diags)
    }

    /// Decodes a project from JSON shaped like `docker compose config --format json`.
    ///
    /// Strings stay strings (`"123"` is not a number); numbers, booleans and
    /// nulls keep their JSON type.
    ///
    /// ```
    /// use compose_spec::model::Project;
    /// let p = Project::from_json(&serde_json::json!({
    ///     "services": { "db": { "image": "postgres", "stop_grace_period": "1m" } }
    /// })).unwrap();
    /// assert_eq!(p.services["db"].stop_grace_period.unwrap().to_string(), "1m0s");
    /// ```
    pub fn from_json(v: &serde_json::Value) -> Result<Project, Vec<Diagnostic>> {
        Project::from_node(&node_from_json(v))
    }

    /// The project as `docker compose config --format json` prints it.
    ///
    /// ```
    /// use compose_spec::model::Project;
    /// let mut p = Project::default();
    /// p.name = "demo".into();
    /// assert_eq!(p.to_json(), serde_json::json!({"name": "demo", "services": {}}));
    /// ```
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
    }

    /// The JSON text exactly as Docker Compose prints it: Go's
    /// `json.MarshalIndent` with two-space indentation, `<`, `>`, `&`,
    /// U+2028 and U+2029 escaped, Go's float notation; no trailing newline.
    ///
    /// ```
    /// use compose_spec::model::Project;
    /// let p = Project::from_json(&serde_json::json!({
    ///     "name": "demo", "services": {}, "x-a": "<b>"
    /// })).unwrap();
    /// assert_eq!(
    ///     p.to_json_string(),
    ///     "{\n  \"name\": \"demo\",\n  \"services\": {},\n  \"x-a\": \"\\u003cb\\u003e\"\n}"
    /// );
    /// ```
    pub fn to_json_string(&self) -> String {
        crate::gocompat::json::to_string_pretty(self)
    }

    /// The tree plain `docker compose config` prints as YAML, ready for the
    /// YAML emitter: mappings in the order go-yaml writes them (Go struct
    /// field order for structs, go-yaml's key order for maps, `x-*` keys
    /// inline at the end of their mapping), values as compose-go's
    /// `MarshalYAML` methods give them (`models` included, empty structs and
    /// unset commands left out, secret content hidden).
    ///
    /// ```
    /// use compose_spec::model::Project;
    /// let p = Project::from_json(&serde_json::json!({
    ///     "name": "demo",
    ///     "services": {"web": {"image": "nginx", "command": null,
    ///         "ulimits": {"nofile": {"soft": 1, "hard": 2}}, "x-a": 1}},
    ///     "networks": {"n10": {}, "n9": {"ipam": {}}}
    /// })).unwrap();
    /// let y = p.to_yaml_value();
    /// assert_eq!(y["services"]["web"], serde_json::json!({
    ///     "image": "nginx", "ulimits": {"nofile": {"soft": 1, "hard": 2}}, "x-a": 1
    /// }));
    /// let nets: Vec<&String> = y["networks"].as_object().unwrap().keys().collect();
    /// assert_eq!(nets, ["n9", "n10"]);
    /// assert_eq!(y["networks"]["n9"], serde_json::json!({}));
    /// ```
    pub fn to_yaml_value(&self) -> serde_json::Value {
        to_yaml::project(self)
    }

    /// Service names, sorted.
    pub fn service_names(&self) -> Vec<&str> {
        self.services.keys().map(String::as_str).collect()
    }
}

impl Serialize for Project {
    /// Like compose-go's `Project.MarshalJSON`: a map with sorted keys —
    /// `name` and `services` always, the other resources when non-empty, and
    /// the top-level extensions.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut entries: Vec<(&str, Entry<'_>)> = vec![
            ("name", Entry::Str(&self.name)),
            ("services", Entry::Services(&self.services)),
        ];
        if !self.networks.is_empty() {
            entries.push(("networks", Entry::Networks(&self.networks)));
        }
        if !self.volumes.is_empty() {
            entries.push(("volumes", Entry::Volumes(&self.volumes)));
        }
        if !self.secrets.is_empty() {
            entries.push(("secrets", Entry::Secrets(&self.secrets)));
        }
        if !self.configs.is_empty() {
            entries.push(("configs", Entry::Configs(&self.configs)));
        }
        for (k, v) in &self.extensions {
            if let Some(pos) = entries.iter().position(|(name, _)| *name == k.as_str()) {
                entries.remove(pos);
            }
            entries.push((k.as_str(), Entry::Json(v)));
        }
        entries.sort_by(|a, b| a.0.cmp(b.0));
        let mut m = s.serialize_map(Some(entries.len()))?;
        for (k, v) in &entries {
            match v {
                Entry::Str(x) => m.serialize_entry(k, x)?,
                Entry::Services(x) => m.serialize_entry(k, x)?,
                Entry::Networks(x) => m.serialize_entry(k, x)?,
                Entry::Volumes(x) => m.serialize_entry(k, x)?,
                Entry::Secrets(x) => m.serialize_entry(k, x)?,
                Entry::Configs(x) => m.serialize_entry(k, x)?,
                Entry::Json(x) => m.serialize_entry(k, &go_json_value(x))?,
            }
        }
        m.end()
    }
}

enum Entry<'a> {
    Str(&'a String),
    Services(&'a BTreeMap<String, Box<ServiceConfig>>),
    Networks(&'a BTreeMap<String, NetworkConfig>),
    Volumes(&'a BTreeMap<String, VolumeConfig>),
    Secrets(&'a BTreeMap<String, SecretConfig>),
    Configs(&'a BTreeMap<String, ConfigObjConfig>),
    Json(&'a serde_json::Value),
}

/// A YAML-decoded value as Go's encoding/json prints it: object keys sorted,
/// integral floats without a fraction.
fn go_json_value(v: &serde_json::Value) -> serde_json::Value {
    use serde_json::Value as J;
    match v {
        J::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            J::Object(
                keys.into_iter()
                    .map(|k| (k.clone(), go_json_value(&m[k])))
                    .collect(),
            )
        }
        J::Array(items) => J::Array(items.iter().map(go_json_value).collect()),
        J::Number(n) => match n.as_f64() {
            Some(f) if n.is_f64() => J::Number(crate::gocompat::json::number(f)),
            _ => v.clone(),
        },
        _ => v.clone(),
    }
}

/// Builds a node tree from JSON: synthetic spans, strings never retyped.
fn node_from_json(v: &serde_json::Value) -> Node {
    use serde_json::Value as J;
    let s = Span::synthetic();
    match v {
        J::Null => Node::null(s),
        J::Bool(b) => Node::bool(*b, s),
        J::Number(n) => Node::plain(n.to_string(), s),
        J::String(t) => Node::string(t.clone(), s),
        J::Array(items) => Node::seq(items.iter().map(node_from_json).collect(), s),
        J::Object(m) => Node::map(
            m.iter()
                .map(|(k, v)| (k.clone(), node_from_json(v)))
                .collect(),
            s,
        ),
    }
}

/// Where a node is, as far as [`gather_extensions`] cares: compose-go's
/// `processExtensions` leaves `x-*` keys alone in the mappings whose keys are
/// user-chosen names (`services`, `volumes`, `networks`, `secrets`, `configs`
/// at the top, and `services.*.depends_on`).
#[derive(Debug, Clone, Copy)]
struct Where {
    depth: usize,
    /// The first key of the path is `services`.
    services: bool,
    /// The node's keys are user-chosen names.
    user_defined: bool,
}

impl Where {
    const ROOT: Where = Where {
        depth: 0,
        services: false,
        user_defined: false,
    };

    fn key(self, k: &str) -> Where {
        let depth = self.depth + 1;
        Where {
            depth,
            services: if depth == 1 {
                k == "services"
            } else {
                self.services
            },
            user_defined: match depth {
                1 => matches!(
                    k,
                    "services" | "volumes" | "networks" | "secrets" | "configs"
                ),
                3 => self.services && k == "depends_on",
                _ => false,
            },
        }
    }

    /// A sequence item (its path segment is a number, never a name above).
    fn index(self) -> Where {
        Where {
            depth: self.depth + 1,
            services: self.depth > 0 && self.services,
            user_defined: false,
        }
    }
}

/// Moves the `services` node (as [`decode::lookup`] finds it, with the key to
/// report it under) out of the root mapping, leaving a null in its place; `None`
/// when there is none or it is null (then nothing is decoded, as by `fw`).
fn take_services(root: &mut Node) -> Option<(String, Node)> {
    let m = root.as_map_mut()?;
    let (k, n) = decode::lookup(m, "services")?;
    if n.is_null() {
        return None;
    }
    let key = k.unwrap_or("services").to_string();
    let slot = m.get_mut(&key)?;
    let span = slot.span;
    Some((key, std::mem::replace(slot, Node::null(span))))
}

/// `services` decoded like `fw` + `btree` in [`decode_project`], each
/// service's subtree dropped right after it is decoded.
fn decode_services_owned(
    de: &mut De,
    p: &Path<'_>,
    node: Node,
) -> Option<BTreeMap<String, Box<ServiceConfig>>> {
    let Value::Map(m) = node.value else {
        de.wrong(&node, p, crate::node::Kind::Map.word());
        return None;
    };
    let mut out = BTreeMap::new();
    for (k, e) in m {
        let v = e.value;
        let mut s = if v.is_null() {
            ServiceConfig::default()
        } else {
            ServiceConfig::decode(de, &v, &p.key(&k))
                .map(|mut s| {
                    s.name = k.to_string();
                    s
                })
                .unwrap_or_default()
        };
        drop(v);
        if s.name.is_empty() {
            s.name = k.to_string();
        }
        out.insert(k.into(), Box::new(s));
    }
    Some(out)
}

/// A mapping whose `x-*` keys [`gather_extensions`] moved.
#[derive(Debug)]
struct Moved {
    /// The positions leading to it from the root (entry index in a mapping,
    /// item index in a sequence), in the tree as it was.
    at: Vec<usize>,
    /// Where the moved keys were in the mapping, ascending.
    positions: Vec<usize>,
    /// The mapping's own `#extensions` entry, which the gathered keys replaced.
    replaced: Option<crate::node::Entry>,
}

/// compose-go's `processExtensions`, in place: in every mapping (but
/// user-named ones), moves the `x-*` keys under a `#extensions` mapping;
/// recurses into mappings and into mappings directly inside sequences, not
/// into extension values. Children are done before their parent, so every
/// recorded position is one of the original tree; [`restore_extensions`]
/// undoes it all.
fn gather_extensions(node: &mut Node, at: &mut Vec<usize>, here: Where, moved: &mut Vec<Moved>) {
    let span = node.span;
    match &mut node.value {
        Value::Map(m) => {
            for i in 0..m.len() {
                let Some((k, e)) = m.get_index_mut(i) else {
                    break;
                };
                if !here.user_defined && k.starts_with("x-") {
                    continue;
                }
                let child = here.key(k);
                at.push(i);
                gather_extensions(&mut e.value, at, child, moved);
                at.pop();
            }
            if here.user_defined || !m.keys().any(|k| k.starts_with("x-")) {
                return;
            }
            let old = std::mem::take(m);
            let mut out = Map::with_capacity(old.len());
            let mut extras = Map::new();
            let mut positions = Vec::new();
            for (i, (k, e)) in old.into_iter().enumerate() {
                if k.starts_with("x-") {
                    positions.push(i);
                    extras.insert(k, e.key_span, e.value);
                } else {
                    out.insert(k, e.key_span, e.value);
                }
            }
            let replaced = out.insert(EXTENSIONS_KEY, span, Node::map(extras, span));
            *m = out;
            moved.push(Moved {
                at: at.clone(),
                positions,
                replaced,
            });
        }
        Value::Seq(items) => {
            for (i, item) in items.iter_mut().enumerate() {
                if item.as_map().is_some() {
                    at.push(i);
                    gather_extensions(item, at, here.index(), moved);
                    at.pop();
                }
            }
        }
        _ => {}
    }
}

/// Puts back what [`gather_extensions`] moved, parents before children (so
/// that the positions on the way are the original ones again).
fn restore_extensions(root: &mut Node, moved: Vec<Moved>) {
    for mv in moved.into_iter().rev() {
        let mut node = &mut *root;
        for &i in &mv.at {
            node = match &mut node.value {
                Value::Map(m) => match m.get_index_mut(i) {
                    Some((_, e)) => &mut e.value,
                    None => return,
                },
                Value::Seq(items) => match items.get_mut(i) {
                    Some(n) => n,
                    None => return,
                },
                _ => return,
            };
        }
        let Value::Map(m) = &mut node.value else {
            return;
        };
        let gathered = match mv.replaced {
            Some(own) => m.insert(EXTENSIONS_KEY, own.key_span, own.value),
            None => m.pop().map(|(_, e)| e),
        };
        let Some(Value::Map(extras)) = gathered.map(|e| e.value.value) else {
            return;
        };
        for (&pos, (k, e)) in mv.positions.iter().zip(extras) {
            m.shift_insert(pos, k, e.key_span, e.value);
        }
    }
}

/// Decodes the project; with `consume`, takes the services out of `root` and
/// frees each one's subtree once decoded.
fn decode_project(de: &mut De, root: &mut Node, consume: bool) -> Option<Project> {
    let p = Path::Root;
    let services = if consume { take_services(root) } else { None };
    let root = &*root;
    let Some(m) = root.as_map() else {
        de.diags.push(
            Diagnostic::error(
                Code::NotAMapping,
                format!("the project must be a mapping, not {}", root.kind_name()),
            )
            .with_span(root.span)
            .with_help("a compose file starts with keys such as `services:`"),
        );
        return None;
    };
    let mut project = Project::default();
    de.f(m, &p, "name", &mut project.name);
    if let Some((key, node)) = services {
        if let Some(s) = decode_services_owned(de, &p.key(&key), node) {
            project.services = s;
        }
    } else {
        de.fw(m, &p, "services", &mut project.services, |de, n, p| {
            de.btree(n, p, |de, name, v, p| {
                let mut s = ServiceConfig::decode(de, v, p)?;
                s.name = name.to_string();
                Some(Box::new(s))
            })
            .map(|mut services| {
                // A `null` service still gets its name.
                for (name, s) in services.iter_mut() {
                    if s.name.is_empty() {
                        s.name = name.clone();
                    }
                }
                services
            })
        });
    }
    de.f(m, &p, "networks", &mut project.networks);
    de.f(m, &p, "volumes", &mut project.volumes);
    de.f(m, &p, "secrets", &mut project.secrets);
    de.f(m, &p, "configs", &mut project.configs);
    de.f(m, &p, "models", &mut project.models);
    de.f(m, &p, EXTENSIONS_KEY, &mut project.extensions);
    Some(project)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Diagnostics;
    use crate::span::FileId;
    use std::fmt::Write;

    /// compose-go's `processExtensions` as a copy (the reference for the in-place version).
    fn process_extensions(node: &Node, path: &mut Vec<String>) -> Node {
        let user_defined = match path.as_slice() {
            [a] => matches!(
                a.as_str(),
                "services" | "volumes" | "networks" | "secrets" | "configs"
            ),
            [a, _, c] => a == "services" && c == "depends_on",
            _ => false,
        };
        match &node.value {
            Value::Map(m) => {
                let mut out = Map::new();
                let mut extras = Map::new();
                for (k, e) in m.entries() {
                    if !user_defined && k.starts_with("x-") {
                        extras.insert(k.clone(), e.key_span, e.value.clone());
                        continue;
                    }
                    path.push(k.to_string());
                    let v = process_extensions(&e.value, path);
                    path.pop();
                    out.insert(k.clone(), e.key_span, v);
                }
                if !extras.is_empty() {
                    out.insert(EXTENSIONS_KEY, node.span, Node::map(extras, node.span));
                }
                Node {
                    span: node.span,
                    tag: node.tag.clone(),
                    value: Value::Map(out),
                }
            }
            Value::Seq(items) => Node {
                span: node.span,
                tag: node.tag.clone(),
                value: Value::Seq(
                    items
                        .iter()
                        .enumerate()
                        .map(|(i, item)| {
                            if item.as_map().is_some() {
                                path.push(i.to_string());
                                let v = process_extensions(item, path);
                                path.pop();
                                v
                            } else {
                                item.clone()
                            }
                        })
                        .collect(),
                ),
            },
            _ => node.clone(),
        }
    }

    /// Everything about a tree, keys in order.
    fn shape(n: &Node, out: &mut String) {
        let _ = write!(out, "{:?}{:?}", n.span, n.tag);
        match &n.value {
            Value::Map(m) => {
                out.push('{');
                for (k, e) in m.entries() {
                    let _ = write!(out, "{k:?}@{:?}:", e.key_span);
                    shape(&e.value, out);
                    out.push(',');
                }
                out.push('}');
            }
            Value::Seq(items) => {
                out.push('[');
                for i in items {
                    shape(i, out);
                    out.push(',');
                }
                out.push(']');
            }
            v => {
                let _ = write!(out, "{v:?}");
            }
        }
    }

    fn shape_of(n: &Node) -> String {
        let mut s = String::new();
        shape(n, &mut s);
        s
    }

    #[test]
    fn gathering_in_place_matches_the_copy_and_is_undone() {
        let docs = [
            "x-a: 1\nservices:\n  x-svc:\n    image: a\n    x-b: 2\n    depends_on:\n      x-dep: {condition: service_started, x-c: 3}\n      db: {}\n  db:\n    x-first: 0\n    image: b\n    x-last: {x-nested: 1}\n",
            "services:\n  web:\n    '#extensions': {a: 1}\n    x-e: 1\n    ports:\n      - {target: 80, x-p: 1}\n      - [ {x-deep: 1} ]\n    deploy: {resources: {limits: {x-l: 1, cpus: '1'}}}\nnetworks:\n  x-net: {x-n: 1}\nvolumes: {x-v: {}}\nx-z: 9\n",
            "- {x-a: 1, b: 2}\n- [ {x-c: 3} ]\n",
            "services:\n  - depends_on: {x-a: 1}\n",
            "a: {b: {depends_on: {x-a: 1}}}\n'#extensions': 1\n",
            "{}\n",
            "plain\n",
        ];
        for doc in docs {
            let mut diags = Diagnostics::new();
            let original = crate::yaml::parse::parse(doc, FileId(0), &mut diags).unwrap();
            assert!(!diags.has_errors(), "{doc}");
            let expected = process_extensions(&original, &mut Vec::new());
            let mut tree = original.clone();
            let mut moved = Vec::new();
            gather_extensions(&mut tree, &mut Vec::new(), Where::ROOT, &mut moved);
            assert_eq!(shape_of(&tree), shape_of(&expected), "{doc}");
            restore_extensions(&mut tree, moved);
            assert_eq!(shape_of(&tree), shape_of(&original), "{doc}");
        }
    }
}
