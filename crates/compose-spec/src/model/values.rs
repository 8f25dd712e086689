//! compose-go's small value types: the Go types with their own text form
//! (durations, byte sizes, file modes), the map and list types with their own
//! JSON shape (`extra_hosts`, `ssh`, `env_file`, `ulimits`), and the aliases
//! that name the Go map types.

use indexmap::IndexMap;
use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};
use std::collections::BTreeMap;

use crate::gocompat::{duration, units};

/// `x-*` keys of a mapping, in document order, with their values as decoded
/// from YAML (compose-go's `Extensions`, a `map[string]any`).
///
/// Nested extensions are kept in the model but, like compose-go's JSON
/// (`json:"-"`), only the project's own are printed by `config --format json`.
///
/// Almost every value in a compose file has none, and nearly every model
/// struct has this field: an empty set is one null pointer (a map is only
/// allocated on the first insert), which keeps the typed project of a large
/// file several megabytes smaller than an inline `IndexMap` would.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Extensions(Option<Box<IndexMap<String, serde_json::Value>>>);

impl Extensions {
    /// No extensions.
    pub const fn new() -> Self {
        Extensions(None)
    }
    /// Number of keys.
    pub fn len(&self) -> usize {
        self.0.as_ref().map_or(0, |m| m.len())
    }
    /// Whether there is none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// The value of `key`.
    pub fn get(&self, key: &str) -> Option<&serde_json::Value> {
        self.0.as_ref()?.get(key)
    }
    /// Whether `key` is present.
    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }
    /// Sets `key` (keeping its position if present); returns the old value.
    pub fn insert(&mut self, key: String, value: serde_json::Value) -> Option<serde_json::Value> {
        self.0.get_or_insert_default().insert(key, value)
    }
    /// Removes `key`, keeping the order of the others (and no map once the
    /// last key is gone, so that equality does not see an empty one).
    pub fn shift_remove(&mut self, key: &str) -> Option<serde_json::Value> {
        let map = self.0.as_mut()?;
        let old = map.shift_remove(key);
        if map.is_empty() {
            self.0 = None;
        }
        old
    }
    /// Keys and values in document order.
    pub fn iter(&self) -> ExtensionsIter<'_> {
        self.0.as_deref().into_iter().flatten()
    }
    /// Keys in document order.
    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &String> {
        self.iter().map(|(k, _)| k)
    }
}

impl std::fmt::Debug for Extensions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

/// The iterator of [`Extensions::iter`].
pub type ExtensionsIter<'a> =
    std::iter::Flatten<std::option::IntoIter<&'a IndexMap<String, serde_json::Value>>>;

impl<'a> IntoIterator for &'a Extensions {
    type Item = (&'a String, &'a serde_json::Value);
    type IntoIter = ExtensionsIter<'a>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl FromIterator<(String, serde_json::Value)> for Extensions {
    fn from_iter<T: IntoIterator<Item = (String, serde_json::Value)>>(iter: T) -> Self {
        let map: IndexMap<_, _> = iter.into_iter().collect();
        Extensions((!map.is_empty()).then(|| Box::new(map)))
    }
}

impl std::ops::Index<&str> for Extensions {
    type Output = serde_json::Value;
    /// Panics when `key` is absent, like `IndexMap`'s indexing.
    fn index(&self, key: &str) -> &serde_json::Value {
        self.get(key).expect("no such extension")
    }
}

impl Serialize for Extensions {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.len()))?;
        for (k, v) in self.iter() {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

/// A string-to-string map (compose-go's `Mapping`): keys print sorted.
pub type Mapping = BTreeMap<String, String>;

/// Labels (compose-go's `Labels`): keys print sorted.
pub type Labels = BTreeMap<String, String>;

/// Driver options (compose-go's `Options`): keys print sorted.
pub type Options = BTreeMap<String, String>;

/// Options with several values per key (compose-go's `MultiOptions`).
pub type MultiOptions = BTreeMap<String, Vec<String>>;

/// A map whose values may be absent (compose-go's `MappingWithEquals`): an
/// `environment` entry written `FOO` with no `=` is `None` and prints as `null`.
pub type MappingWithEquals = BTreeMap<String, Option<String>>;

/// A list written either as one string or as a list of strings (compose-go's `StringList`).
pub type StringList = Vec<String>;

/// A list of strings or numbers, kept as strings (compose-go's `StringOrNumberList`).
pub type StringOrNumberList = Vec<String>;

/// A command (compose-go's `ShellCommand`): `None` when not set (prints as
/// `null`), `Some(vec![])` when explicitly cleared (prints as `[]`).
pub type ShellCommand = Option<Vec<String>>;

/// `healthcheck.test` (compose-go's `HealthCheckTest`); a string `s` becomes `["CMD-SHELL", s]`.
pub type HealthCheckTest = Vec<String>;

/// Number of devices requested; `all` is `-1` (compose-go's `DeviceCount`).
pub type DeviceCount = i64;

/// The SSH agent sockets or keys given to a build (compose-go's `SSHConfig`).
pub type SshConfig = Vec<SshKey>;

/// A duration in nanoseconds (compose-go's `Duration`, a Go `time.Duration`).
///
/// Parsed like go-str2duration (`1m30s`, `1.5h`, `2d`, `1w`) and printed like
/// Go's `time.Duration.String()`:
///
/// ```
/// use compose_spec::model::Duration;
/// let d = Duration::parse("90s").unwrap();
/// assert_eq!(d.to_string(), "1m30s");
/// assert_eq!(Duration::parse("1d").unwrap().to_string(), "24h0m0s");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Duration(pub i64);

impl Duration {
    /// Parses a Go duration string, also accepting `d` and `w` units.
    pub fn parse(s: &str) -> Result<Duration, String> {
        duration::parse(s, duration::Dialect::Str2duration)
            .map(Duration)
            .map_err(|e| e.go_message(s))
    }
    /// The duration in nanoseconds.
    pub fn nanos(self) -> i64 {
        self.0
    }
    /// Whether it is zero (an omitted value for non-pointer Go fields).
    pub fn is_zero(&self) -> bool {
        self.0 == 0
    }
    /// As a standard duration (negative durations clamp to zero).
    pub fn to_std(self) -> std::time::Duration {
        std::time::Duration::from_nanos(u64::try_from(self.0).unwrap_or(0))
    }
}

impl std::fmt::Display for Duration {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&duration::format(self.0))
    }
}

impl Serialize for Duration {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

/// A byte count (compose-go's `UnitBytes`): parsed from `512m`, `1g`, `1024`
/// (docker/go-units `RAMInBytes`, binary units), printed as a decimal string.
///
/// ```
/// use compose_spec::model::UnitBytes;
/// let b = UnitBytes::parse("1.5k").unwrap();
/// assert_eq!(b, UnitBytes(1536));
/// assert_eq!(serde_json::to_string(&b).unwrap(), r#""1536""#);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct UnitBytes(pub i64);

impl UnitBytes {
    /// Parses a size with an optional binary unit suffix (`k`, `m`, `g`, `t`, `p`, optionally `b`/`ib`).
    pub fn parse(s: &str) -> Result<UnitBytes, String> {
        units::ram_in_bytes(s).map(UnitBytes)
    }
    /// Whether it is zero (omitted from output).
    pub fn is_zero(&self) -> bool {
        self.0 == 0
    }
}

impl Serialize for UnitBytes {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0.to_string())
    }
}

/// A file mode (compose-go's `FileMode`), printed in octal with a leading zero (`"0440"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct FileMode(pub i64);

impl std::fmt::Display for FileMode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.0 < 0 {
            write!(f, "0-{:o}", self.0.unsigned_abs())
        } else {
            write!(f, "0{:o}", self.0)
        }
    }
}

impl Serialize for FileMode {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

/// `extra_hosts` (compose-go's `HostsList`): host name to addresses.
///
/// Prints as the sorted list of `host=address` strings.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct HostsList(pub BTreeMap<String, Vec<String>>);

impl HostsList {
    /// Whether no host is listed.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    /// `host{sep}address` for every address, sorted.
    pub fn as_list(&self, sep: &str) -> Vec<String> {
        let mut list: Vec<String> = self
            .0
            .iter()
            .flat_map(|(host, ips)| ips.iter().map(move |ip| format!("{host}{sep}{ip}")))
            .collect();
        list.sort();
        list
    }
}

impl Serialize for HostsList {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let list = self.as_list("=");
        let mut seq = s.serialize_seq(Some(list.len()))?;
        for item in &list {
            seq.serialize_element(item)?;
        }
        seq.end()
    }
}

/// One `build.ssh` entry (compose-go's `SSHKey`): an id and an optional path.
///
/// Prints as `"id"`, or `"id=path"` when a path is set (compose-go itself
/// writes invalid JSON there).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SshKey {
    /// The key id (`default` for the agent socket).
    pub id: String,
    /// Path to a socket or key file; empty for the default agent.
    pub path: String,
}

impl Serialize for SshKey {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.path.is_empty() {
            s.serialize_str(&self.id)
        } else {
            s.serialize_str(&format!("{}={}", self.id, self.path))
        }
    }
}

/// One `env_file` entry (compose-go's `EnvFile`).
///
/// Prints as the bare path when required, else as `{path, required, format}`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct EnvFile {
    /// Path of the file.
    pub path: String,
    /// Whether a missing file is an error.
    pub required: bool,
    /// File format (`raw` or empty for dotenv).
    pub format: String,
}

impl Serialize for EnvFile {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.required {
            return s.serialize_str(&self.path);
        }
        let len = 1 + usize::from(!self.path.is_empty()) + usize::from(!self.format.is_empty());
        let mut m = s.serialize_map(Some(len))?;
        if !self.path.is_empty() {
            m.serialize_entry("path", &self.path)?;
        }
        m.serialize_entry("required", &self.required)?;
        if !self.format.is_empty() {
            m.serialize_entry("format", &self.format)?;
        }
        m.end()
    }
}

/// One `ulimits` entry (compose-go's `UlimitsConfig`): either a single value
/// or a soft/hard pair. Prints as the number when `single` is set.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct UlimitsConfig {
    /// The value when written as one number (soft = hard).
    pub single: i64,
    /// Soft limit.
    pub soft: i64,
    /// Hard limit.
    pub hard: i64,
    /// `x-*` keys.
    pub extensions: Extensions,
}

impl Serialize for UlimitsConfig {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.single != 0 {
            return s.serialize_i64(self.single);
        }
        let len = usize::from(self.soft != 0) + usize::from(self.hard != 0);
        let mut m = s.serialize_map(Some(len))?;
        if self.soft != 0 {
            m.serialize_entry("soft", &self.soft)?;
        }
        if self.hard != 0 {
            m.serialize_entry("hard", &self.hard)?;
        }
        m.end()
    }
}

#[cfg(test)]
mod tests {
    use super::Extensions;

    #[test]
    fn extensions_emptied_by_removal_equal_none() {
        let mut e = Extensions::new();
        e.insert("x-a".into(), serde_json::json!(1));
        assert_ne!(e, Extensions::new());
        assert_eq!(e.shift_remove("x-a"), Some(serde_json::json!(1)));
        assert_eq!(e, Extensions::new());
        assert!(e.is_empty() && e.iter().next().is_none());
    }
}
