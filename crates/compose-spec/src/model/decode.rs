//! Typed decoding of the canonical tree, the way compose-go's
//! `loader.Transform` does it: mapstructure with compose-go's decode hooks.
//!
//! What that means, in short:
//! * struct fields are matched by their YAML name, exactly or else
//!   case-insensitively; unknown keys are ignored; `null` leaves a field unset;
//! * `x-*` keys are first moved under a `#extensions` key of their mapping
//!   (except where keys are user-chosen names), which feeds each struct's
//!   `extensions` and turns up as an odd `#extensions` entry in plain maps;
//! * scalars are strictly typed, with compose-go's casts: strings become
//!   booleans (`yes`/`no`/`on`/`off` too), integers and floats; integers
//!   become strings; floats truncate into integers;
//! * types with their own decoder (durations, byte sizes, lists written as a
//!   string, `KEY=VALUE` lists, ulimits...) follow compose-go's `DecodeMapstructure`.
//!
//! Where compose-go would panic on a type assertion, a diagnostic is raised
//! instead. Every problem is collected; decoding goes on.

use std::collections::BTreeMap;

use crate::diag::{Code, Diagnostic};
use crate::node::{Kind, Map, Node, Resolved, Value};
use std::fmt;

use super::values::{
    Duration, EnvFile, Extensions, FileMode, HostsList, Mapping, MappingWithEquals, MultiOptions,
    Options, ShellCommand, SshKey, UlimitsConfig, UnitBytes,
};
use crate::gocompat::duration::{self as go_duration, Dialect};
use crate::gocompat::fmt::{sprint, sprint_float};
use crate::gocompat::strconv::{atoi, parse_float, parse_float32, parse_int};
use crate::gocompat::{shellwords, units};

/// A node as Go sees it after YAML decoding.
pub(crate) enum V<'a> {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(&'a str),
    Seq(&'a [Node]),
    Map(&'a Map),
}

pub(crate) fn view(n: &Node) -> V<'_> {
    match &n.value {
        Value::Null => V::Null,
        Value::Seq(s) => V::Seq(s),
        Value::Map(m) => V::Map(m),
        Value::Scalar(s) => match s.resolve() {
            Resolved::Null => V::Null,
            Resolved::Bool(b) => V::Bool(b),
            Resolved::Int(i) => V::Int(i),
            Resolved::Float(f) => V::Float(f),
            Resolved::Str(s) => V::Str(s),
        },
    }
}

/// The decoding context: collects diagnostics.
#[derive(Default)]
pub(crate) struct De {
    pub(crate) diags: Vec<Diagnostic>,
}

/// A value with its own decoding rule.
pub(crate) trait Decode: Sized {
    /// Decodes a non-null node; `None` after reporting a problem (or when
    /// compose-go silently leaves the value unset).
    fn decode(de: &mut De, n: &Node, p: &Path<'_>) -> Option<Self>;
}

/// Finds a struct field's key: exact, else the first case-insensitive match
/// (then also returns the key as written).
pub(crate) fn lookup<'a>(m: &'a Map, name: &str) -> Option<(Option<&'a str>, &'a Node)> {
    m.get_ignore_case(name)
        .map(|(k, n)| ((k != name).then_some(k.as_str()), n))
}

/// The key path of the value being decoded, made of borrowed steps on the
/// stack: descending costs nothing, and the path only becomes text when a
/// diagnostic is made. Displays like [`crate::node::KeyPath`].
#[derive(Debug, Clone, Copy)]
pub(crate) enum Path<'a> {
    /// The project.
    Root,
    /// A mapping key under a path.
    Key(&'a Path<'a>, &'a str),
    /// A sequence item under a path.
    Index(&'a Path<'a>, usize),
}

impl Path<'_> {
    /// This path plus a key.
    pub(crate) fn key<'b>(&'b self, k: &'b str) -> Path<'b> {
        Path::Key(self, k)
    }
    /// This path plus an index.
    pub(crate) fn index(&self, i: usize) -> Path<'_> {
        Path::Index(self, i)
    }
}

impl fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Path::Root => Ok(()),
            Path::Key(Path::Root, k) => f.write_str(k),
            Path::Key(parent, k) => write!(f, "{parent}.{k}"),
            Path::Index(parent, i) => write!(f, "{parent}[{i}]"),
        }
    }
}

impl De {
    fn push(&mut self, code: Code, n: &Node, p: &Path<'_>, msg: String, help: &str) {
        let mut d = Diagnostic::error(code, msg)
            .with_path(p.to_string())
            .with_span(n.span);
        if !help.is_empty() {
            d = d.with_help(help);
        }
        self.diags.push(d);
    }

    /// Reports a value of the wrong type.
    pub(crate) fn wrong(&mut self, n: &Node, p: &Path<'_>, expected: &str) {
        let msg = format!("`{p}` must be {expected}, not {}", n.kind_name());
        let help = format!("write {expected} here");
        self.push(Code::WrongType, n, p, msg, &help);
    }

    /// Reports a value that has the right type but cannot be used.
    pub(crate) fn invalid(&mut self, code: Code, n: &Node, p: &Path<'_>, msg: String, help: &str) {
        self.push(code, n, p, msg, help);
    }

    /// The mapping a struct is decoded from.
    pub(crate) fn map<'a>(&mut self, n: &'a Node, p: &Path<'_>) -> Option<&'a Map> {
        match &n.value {
            Value::Map(m) => Some(m),
            _ => {
                self.wrong(n, p, Kind::Map.word());
                None
            }
        }
    }

    /// Decodes field `name` of struct mapping `m` into `out` with its [`Decode`] rule.
    pub(crate) fn f<T: Decode>(&mut self, m: &Map, p: &Path<'_>, name: &str, out: &mut T) {
        self.fw(m, p, name, out, T::decode);
    }

    /// Decodes field `name` of struct mapping `m` into `out` with rule `f`.
    pub(crate) fn fw<T>(
        &mut self,
        m: &Map,
        p: &Path<'_>,
        name: &str,
        out: &mut T,
        f: impl FnOnce(&mut De, &Node, &Path<'_>) -> Option<T>,
    ) {
        if let Some((k, n)) = lookup(m, name) {
            if n.is_null() {
                return;
            }
            let fp = p.key(k.unwrap_or(name));
            if let Some(v) = f(self, n, &fp) {
                *out = v;
            }
        }
    }

    /// A Go slice: `null` items become the zero value.
    pub(crate) fn vec<T: Default>(
        &mut self,
        n: &Node,
        p: &Path<'_>,
        mut f: impl FnMut(&mut De, &Node, &Path<'_>) -> Option<T>,
    ) -> Option<Vec<T>> {
        match &n.value {
            Value::Seq(items) => Some(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, item)| {
                        if item.is_null() {
                            T::default()
                        } else {
                            f(self, item, &p.index(i)).unwrap_or_default()
                        }
                    })
                    .collect(),
            ),
            _ => {
                self.wrong(n, p, Kind::Seq.word());
                None
            }
        }
    }

    /// A Go map with string keys: `null` values become the zero value.
    pub(crate) fn btree<T: Default>(
        &mut self,
        n: &Node,
        p: &Path<'_>,
        mut f: impl FnMut(&mut De, &str, &Node, &Path<'_>) -> Option<T>,
    ) -> Option<BTreeMap<String, T>> {
        match &n.value {
            Value::Map(m) => {
                // Inserted one by one: collecting would first gather every
                // (large) value in a vector and sort it with a scratch copy.
                let mut out = BTreeMap::new();
                for (k, v) in m.iter() {
                    let val = if v.is_null() {
                        T::default()
                    } else {
                        f(self, k, v, &p.key(k)).unwrap_or_default()
                    };
                    out.insert(k.to_string(), val);
                }
                Some(out)
            }
            _ => {
                self.wrong(n, p, Kind::Map.word());
                None
            }
        }
    }

    // ----- compose-go's own decoders -----

    /// `StringList`: a string or a list of strings.
    pub(crate) fn string_list(&mut self, n: &Node, p: &Path<'_>) -> Option<Vec<String>> {
        match view(n) {
            V::Str(s) => Some(vec![s.to_string()]),
            V::Seq(items) => {
                let mut out = Vec::with_capacity(items.len());
                let mut ok = true;
                for (i, item) in items.iter().enumerate() {
                    match view(item) {
                        V::Str(s) => out.push(s.to_string()),
                        _ => {
                            self.wrong(item, &p.index(i), "a string");
                            ok = false;
                        }
                    }
                }
                ok.then_some(out)
            }
            _ => {
                self.wrong(n, p, "a string or a list of strings");
                None
            }
        }
    }

    /// `StringOrNumberList`: a string, or a list of anything printed as text.
    pub(crate) fn string_or_number_list(&mut self, n: &Node, p: &Path<'_>) -> Option<Vec<String>> {
        match view(n) {
            V::Str(s) => Some(vec![s.to_string()]),
            V::Seq(items) => Some(items.iter().map(sprint).collect()),
            _ => {
                self.wrong(n, p, "a string or a list");
                None
            }
        }
    }

    /// `ShellCommand`: a list of strings, or a string split like a shell does.
    pub(crate) fn shell_command(&mut self, n: &Node, p: &Path<'_>) -> Option<ShellCommand> {
        match view(n) {
            V::Str(s) => match shellwords::split(s) {
                Ok(words) => Some(Some(words)),
                Err(e) => {
                    self.invalid(
                        Code::Schema,
                        n,
                        p,
                        format!("`{p}` cannot be split into words: {e}"),
                        "check the quotes, or write the command as a list",
                    );
                    None
                }
            },
            V::Seq(items) => {
                let mut out = Vec::with_capacity(items.len());
                let mut ok = true;
                for (i, item) in items.iter().enumerate() {
                    match view(item) {
                        V::Str(s) => out.push(s.to_string()),
                        _ => {
                            self.wrong(item, &p.index(i), "a string");
                            ok = false;
                        }
                    }
                }
                ok.then_some(Some(out))
            }
            // compose-go leaves the command unset for any other type.
            _ => None,
        }
    }

    /// `HealthCheckTest`: a list of strings, or a string run by the shell.
    pub(crate) fn healthcheck_test(&mut self, n: &Node, p: &Path<'_>) -> Option<Vec<String>> {
        match view(n) {
            V::Str(s) => Some(vec!["CMD-SHELL".to_string(), s.to_string()]),
            V::Seq(_) => self.string_list(n, p),
            _ => {
                self.wrong(n, p, "a string or a list of strings");
                None
            }
        }
    }

    /// `Mapping`: a map (values printed as text, null as empty) or a `KEY=VALUE` list.
    pub(crate) fn mapping(&mut self, n: &Node, p: &Path<'_>) -> Option<Mapping> {
        match view(n) {
            V::Map(m) => Some(
                m.iter()
                    .map(|(k, v)| {
                        (
                            k.to_string(),
                            if v.is_null() {
                                String::new()
                            } else {
                                sprint(v)
                            },
                        )
                    })
                    .collect(),
            ),
            V::Seq(items) => Some(
                items
                    .iter()
                    .map(|item| {
                        let s = sprint(item);
                        match s.split_once('=') {
                            Some((k, v)) => (k.to_string(), v.to_string()),
                            None => (s, String::new()),
                        }
                    })
                    .collect(),
            ),
            _ => {
                self.wrong(n, p, "a mapping or a list of KEY=VALUE strings");
                None
            }
        }
    }

    /// `Labels`: like [`De::mapping`].
    pub(crate) fn labels(&mut self, n: &Node, p: &Path<'_>) -> Option<Mapping> {
        self.mapping(n, p)
    }

    /// `MappingWithEquals`: like a mapping, but a missing value (`KEY` or `KEY: null`) stays absent.
    pub(crate) fn mapping_with_equals(
        &mut self,
        n: &Node,
        p: &Path<'_>,
    ) -> Option<MappingWithEquals> {
        match view(n) {
            V::Map(m) => Some(
                m.iter()
                    .map(|(k, v)| {
                        (
                            k.to_string(),
                            if v.is_null() { None } else { Some(sprint(v)) },
                        )
                    })
                    .collect(),
            ),
            V::Seq(items) => {
                let mut out = MappingWithEquals::new();
                let mut ok = true;
                for (i, item) in items.iter().enumerate() {
                    let s = sprint(item);
                    let (k, v) = match s.split_once('=') {
                        Some((k, v)) => (k.to_string(), Some(v.to_string())),
                        None => (s.clone(), None),
                    };
                    // compose-go looks at the key's last byte as if it were a character.
                    if let Some(&last) = k.as_bytes().last() {
                        if matches!(
                            last,
                            b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | 0x85 | 0xa0
                        ) {
                            self.invalid(
                                Code::Schema,
                                item,
                                &p.index(i),
                                format!(
                                    "environment variable {k} is declared with a trailing space"
                                ),
                                "remove the space before `=`",
                            );
                            ok = false;
                            continue;
                        }
                    }
                    out.insert(k, v);
                }
                ok.then_some(out)
            }
            _ => {
                self.wrong(n, p, "a mapping or a list of KEY=VALUE strings");
                None
            }
        }
    }

    /// `Options`: a map, values printed as text (null as empty).
    pub(crate) fn options(&mut self, n: &Node, p: &Path<'_>) -> Option<Options> {
        match view(n) {
            V::Map(_) => self.mapping(n, p),
            _ => {
                self.wrong(n, p, Kind::Map.word());
                None
            }
        }
    }

    /// `MultiOptions`: a map of values or lists of values, printed as text.
    pub(crate) fn multi_options(&mut self, n: &Node, p: &Path<'_>) -> Option<MultiOptions> {
        match view(n) {
            V::Map(m) => {
                let mut out = MultiOptions::new();
                for (k, v) in m.iter() {
                    match view(v) {
                        V::Seq(items) => {
                            for item in items {
                                out.entry(k.to_string()).or_default().push(sprint(item));
                            }
                        }
                        _ => out.entry(k.to_string()).or_default().push(sprint(v)),
                    }
                }
                Some(out)
            }
            _ => {
                self.wrong(n, p, Kind::Map.word());
                None
            }
        }
    }

    /// `HostsList`: a `host: ip` map or a list of `host=ip` / `host:ip` strings.
    pub(crate) fn hosts_list(&mut self, n: &Node, p: &Path<'_>) -> Option<HostsList> {
        let mut list: BTreeMap<String, Vec<String>> = BTreeMap::new();
        match view(n) {
            V::Map(m) => {
                let mut ok = true;
                for (host, v) in m.iter() {
                    let ips = match view(v) {
                        V::Null => vec![String::new()],
                        V::Str(s) => vec![s.to_string()],
                        V::Seq(items) => items.iter().map(sprint).collect(),
                        _ => {
                            self.wrong(v, &p.key(host), "a string or a list of addresses");
                            ok = false;
                            continue;
                        }
                    };
                    list.insert(host.to_string(), ips);
                }
                if !ok {
                    return None;
                }
            }
            V::Seq(items) => {
                for (i, item) in items.iter().enumerate() {
                    let s = sprint(item);
                    let cut = s.split_once('=').or_else(|| s.split_once(':'));
                    match cut {
                        Some((host, ips)) => list
                            .entry(host.to_string())
                            .or_default()
                            .extend(ips.split(',').map(str::to_string)),
                        None => {
                            self.invalid(
                                Code::ShortSyntax,
                                item,
                                &p.index(i),
                                format!("invalid additional host, missing IP: {s}"),
                                "write `host=ip`",
                            );
                            return None;
                        }
                    }
                }
            }
            _ => {
                self.wrong(n, p, "a mapping or a list of host=ip strings");
                return None;
            }
        }
        for (host, ips) in list.iter_mut() {
            if host.is_empty() || host.contains([':', '=']) {
                self.invalid(
                    Code::ShortSyntax,
                    n,
                    p,
                    format!("bad host name '{host}'"),
                    "a host name cannot be empty nor contain `:` or `=`",
                );
                return None;
            }
            for ip in ips.iter_mut() {
                if ip.len() > 2 && ip.starts_with('[') && ip.ends_with(']') {
                    *ip = ip[1..ip.len() - 1].to_string();
                }
            }
        }
        Some(HostsList(list))
    }

    /// `SSHConfig`: a map of id to path; a list of `id` / `id=path` is accepted too.
    pub(crate) fn ssh_config(&mut self, n: &Node, p: &Path<'_>) -> Option<Vec<SshKey>> {
        match view(n) {
            V::Map(m) => Some(
                m.iter()
                    .map(|(id, path)| SshKey {
                        id: id.to_string(),
                        path: if path.is_null() {
                            String::new()
                        } else {
                            sprint(path)
                        },
                    })
                    .collect(),
            ),
            V::Seq(items) => {
                let mut out = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    match view(item) {
                        V::Str(s) => {
                            let (id, path) = s.split_once('=').unwrap_or((s, ""));
                            out.push(SshKey {
                                id: id.to_string(),
                                path: path.to_string(),
                            });
                        }
                        _ => {
                            self.wrong(item, &p.index(i), "a string");
                            return None;
                        }
                    }
                }
                Some(out)
            }
            _ => {
                self.wrong(n, p, Kind::Map.word());
                None
            }
        }
    }

    /// `UlimitsConfig`: a number, or `{soft, hard}`.
    pub(crate) fn ulimit(&mut self, n: &Node, p: &Path<'_>) -> Option<UlimitsConfig> {
        match view(n) {
            V::Int(i) => Some(UlimitsConfig {
                single: i,
                ..Default::default()
            }),
            V::Str(s) if atoi(s).is_some() => Some(UlimitsConfig {
                single: atoi(s).unwrap_or_default(),
                ..Default::default()
            }),
            V::Map(m) => {
                let mut u = UlimitsConfig::default();
                for (name, out) in [("soft", &mut u.soft), ("hard", &mut u.hard)] {
                    if let Some(v) = m.get(name) {
                        let fp = p.key(name);
                        match view(v) {
                            V::Int(i) => *out = i,
                            V::Str(s) if atoi(s).is_some() => {
                                *out = atoi(s).unwrap_or_default();
                            }
                            _ => self.wrong(v, &fp, "an integer"),
                        }
                    }
                }
                Some(u)
            }
            _ => {
                self.wrong(n, p, "an integer or a mapping with `soft` and `hard`");
                None
            }
        }
    }

    /// `FileMode`: an integer, or a string in octal.
    pub(crate) fn file_mode(&mut self, n: &Node, p: &Path<'_>) -> Option<FileMode> {
        match view(n) {
            V::Int(i) => Some(FileMode(i)),
            V::Str(s) => match parse_int(s, 8) {
                Some(i) => Some(FileMode(i)),
                None => {
                    self.invalid(
                        Code::Schema,
                        n,
                        p,
                        format!("`{p}` is not an octal file mode: {s:?}"),
                        "write the mode in octal, e.g. \"0440\"",
                    );
                    None
                }
            },
            _ => {
                self.wrong(n, p, "an integer or an octal string");
                None
            }
        }
    }

    /// `UnitBytes`: an integer, or a size like `512m` (other types are ignored, as in compose-go).
    ///
    /// A negative integer written as a string (`"-1"`, which is how `config`
    /// prints `memswap_limit: -1`) is taken as that number, so that printed
    /// output loads back; compose-go rejects it.
    pub(crate) fn unit_bytes(&mut self, n: &Node, p: &Path<'_>) -> Option<UnitBytes> {
        match view(n) {
            V::Int(i) => Some(UnitBytes(i)),
            V::Str(s) if s.starts_with('-') && atoi(s).is_some() => atoi(s).map(UnitBytes),
            V::Str(s) => match units::ram_in_bytes(s) {
                Ok(b) => Some(UnitBytes(b)),
                Err(e) => {
                    self.invalid(
                        Code::ByteSize,
                        n,
                        p,
                        format!("`{p}` is not a byte size: {e}"),
                        "write a number of bytes, optionally with a unit: 512m, 1g, 1024k",
                    );
                    None
                }
            },
            _ => None,
        }
    }

    /// `Duration`: the value's text parsed as a duration (`1m30s`, `2d`, `0`).
    pub(crate) fn duration(&mut self, n: &Node, p: &Path<'_>) -> Option<Duration> {
        let text = sprint(n);
        match go_duration::parse(&text, Dialect::Str2duration) {
            Ok(d) => Some(Duration(d)),
            Err(e) => {
                self.invalid(
                    Code::Duration,
                    n,
                    p,
                    format!("`{p}` is not a duration: {}", e.go_message(&text)),
                    "write a duration with units, e.g. 1m30s, 10s, 500ms",
                );
                None
            }
        }
    }

    /// `DeviceCount`: an integer or `all` (-1).
    pub(crate) fn device_count(&mut self, n: &Node, p: &Path<'_>) -> Option<i64> {
        match view(n) {
            V::Int(i) => Some(i),
            V::Str(s) if s.eq_ignore_ascii_case("all") => Some(-1),
            V::Str(s) => match atoi(s) {
                Some(i) => Some(i),
                None => {
                    self.invalid(
                        Code::Schema,
                        n,
                        p,
                        format!("invalid value {s:?}, the only value allowed is 'all' or a number"),
                        "write `all` or a number",
                    );
                    None
                }
            },
            _ => {
                self.wrong(n, p, "`all` or an integer");
                None
            }
        }
    }

    /// `NanoCPUs`: a number or a numeric string.
    pub(crate) fn nano_cpus(&mut self, n: &Node, p: &Path<'_>) -> Option<f32> {
        match view(n) {
            V::Int(i) => Some(i as f32),
            V::Float(f) => Some(f as f32),
            V::Str(s) => match parse_float(s) {
                Some(f) => Some(f as f32),
                None => {
                    self.invalid(
                        Code::WrongType,
                        n,
                        p,
                        format!("`{p}` is not a number: {s:?}"),
                        "write a number of CPUs, e.g. 0.5",
                    );
                    None
                }
            },
            _ => {
                self.wrong(n, p, "a number");
                None
            }
        }
    }

    /// An `env_file` entry: `{path, required, format}`, or a bare path (required).
    pub(crate) fn env_file(&mut self, n: &Node, p: &Path<'_>) -> Option<EnvFile> {
        match view(n) {
            V::Str(s) => Some(EnvFile {
                path: s.to_string(),
                required: true,
                format: String::new(),
            }),
            V::Map(m) => {
                let mut e = EnvFile::default();
                self.f(m, p, "path", &mut e.path);
                self.f(m, p, "required", &mut e.required);
                self.f(m, p, "format", &mut e.format);
                Some(e)
            }
            _ => {
                self.wrong(n, p, "a path or a mapping");
                None
            }
        }
    }

    /// `env_file`: a list of [`De::env_file`] entries.
    pub(crate) fn env_files(&mut self, n: &Node, p: &Path<'_>) -> Option<Vec<EnvFile>> {
        self.vec(n, p, De::env_file)
    }

    /// `ulimits`: a map of [`De::ulimit`] entries.
    pub(crate) fn ulimits(
        &mut self,
        n: &Node,
        p: &Path<'_>,
    ) -> Option<BTreeMap<String, Option<UlimitsConfig>>> {
        self.btree(n, p, |de, _, v, p| de.ulimit(v, p).map(Some))
    }

    /// Go's unsigned integers: no negative values; strings are accepted as
    /// compose-go's interpolation casts them at these paths.
    fn unsigned(&mut self, n: &Node, p: &Path<'_>, what: &str) -> Option<u64> {
        let neg = |de: &mut De, shown: String| {
            de.invalid(
                Code::WrongType,
                n,
                p,
                format!("`{p}` must not be negative: {shown}"),
                "write a positive integer",
            );
            None
        };
        match view(n) {
            V::Int(i) if i < 0 => neg(self, i.to_string()),
            V::Int(i) => Some(i as u64),
            V::Float(f) if f < 0.0 => neg(self, sprint_float(f)),
            V::Float(f) => Some(f as u64),
            V::Str(s) => match atoi(s) {
                Some(i) if i < 0 => neg(self, s.to_string()),
                Some(i) => Some(i as u64),
                None => {
                    self.wrong(n, p, what);
                    None
                }
            },
            _ => {
                self.wrong(n, p, what);
                None
            }
        }
    }
}

/// compose-go's `toBoolean`: YAML 1.1 booleans, case-insensitive.
fn to_boolean(s: &str) -> Option<bool> {
    match s.to_ascii_lowercase().as_str() {
        "true" | "y" | "yes" | "on" => Some(true),
        "false" | "n" | "no" | "off" => Some(false),
        _ => None,
    }
}

impl Decode for String {
    fn decode(de: &mut De, n: &Node, p: &Path<'_>) -> Option<Self> {
        match view(n) {
            V::Str(s) => Some(s.to_string()),
            V::Int(i) => Some(i.to_string()),
            _ => {
                de.wrong(n, p, "a string");
                None
            }
        }
    }
}

impl Decode for bool {
    fn decode(de: &mut De, n: &Node, p: &Path<'_>) -> Option<Self> {
        match view(n) {
            V::Bool(b) => Some(b),
            V::Str(s) => match to_boolean(s) {
                Some(b) => Some(b),
                None => {
                    de.invalid(
                        Code::WrongType,
                        n,
                        p,
                        format!("`{p}` must be a boolean, not {s:?}"),
                        "write true or false",
                    );
                    None
                }
            },
            _ => {
                de.wrong(n, p, "a boolean");
                None
            }
        }
    }
}

impl Decode for i64 {
    fn decode(de: &mut De, n: &Node, p: &Path<'_>) -> Option<Self> {
        match view(n) {
            V::Int(i) => Some(i),
            V::Float(f) => Some(f as i64),
            V::Str(s) => match atoi(s) {
                Some(i) => Some(i),
                None => {
                    de.invalid(
                        Code::WrongType,
                        n,
                        p,
                        format!("`{p}` must be an integer, not {s:?}"),
                        "write a whole number",
                    );
                    None
                }
            },
            _ => {
                de.wrong(n, p, "an integer");
                None
            }
        }
    }
}

impl Decode for u64 {
    fn decode(de: &mut De, n: &Node, p: &Path<'_>) -> Option<Self> {
        de.unsigned(n, p, "a positive integer")
    }
}

impl Decode for u32 {
    fn decode(de: &mut De, n: &Node, p: &Path<'_>) -> Option<Self> {
        // Go stores into the narrower type by truncation.
        de.unsigned(n, p, "a positive integer").map(|v| v as u32)
    }
}

impl Decode for u16 {
    fn decode(de: &mut De, n: &Node, p: &Path<'_>) -> Option<Self> {
        de.unsigned(n, p, "a positive integer").map(|v| v as u16)
    }
}

impl Decode for f32 {
    fn decode(de: &mut De, n: &Node, p: &Path<'_>) -> Option<Self> {
        match view(n) {
            V::Int(i) => Some(i as f32),
            V::Float(f) => Some(f as f32),
            V::Str(s) => match parse_float32(s) {
                Some(f) => Some(f),
                None => {
                    de.invalid(
                        Code::WrongType,
                        n,
                        p,
                        format!("`{p}` must be a number, not {s:?}"),
                        "write a number",
                    );
                    None
                }
            },
            _ => {
                de.wrong(n, p, "a number");
                None
            }
        }
    }
}

/// A struct's `x-*` keys, gathered under `#extensions` beforehand (or, for
/// `IPAMPool`, a key named `extensions`): a mapping of anything.
impl Decode for Extensions {
    fn decode(de: &mut De, n: &Node, p: &Path<'_>) -> Option<Self> {
        match &n.value {
            Value::Map(ext) => Some(
                ext.iter()
                    .map(|(k, v)| (k.to_string(), v.to_json()))
                    .collect(),
            ),
            _ => {
                de.wrong(n, p, Kind::Map.word());
                None
            }
        }
    }
}

impl Decode for Duration {
    fn decode(de: &mut De, n: &Node, p: &Path<'_>) -> Option<Self> {
        de.duration(n, p)
    }
}

impl Decode for UnitBytes {
    fn decode(de: &mut De, n: &Node, p: &Path<'_>) -> Option<Self> {
        de.unit_bytes(n, p)
    }
}

impl Decode for FileMode {
    fn decode(de: &mut De, n: &Node, p: &Path<'_>) -> Option<Self> {
        de.file_mode(n, p)
    }
}

impl<T: Decode> Decode for Option<T> {
    fn decode(de: &mut De, n: &Node, p: &Path<'_>) -> Option<Self> {
        T::decode(de, n, p).map(Some)
    }
}

impl<T: Decode> Decode for Box<T> {
    fn decode(de: &mut De, n: &Node, p: &Path<'_>) -> Option<Self> {
        T::decode(de, n, p).map(Box::new)
    }
}

impl<T: Decode + Default> Decode for Vec<T> {
    fn decode(de: &mut De, n: &Node, p: &Path<'_>) -> Option<Self> {
        de.vec(n, p, T::decode)
    }
}

impl<T: Decode + Default> Decode for BTreeMap<String, T> {
    fn decode(de: &mut De, n: &Node, p: &Path<'_>) -> Option<Self> {
        de.btree(n, p, |de, _, v, p| T::decode(de, v, p))
    }
}
