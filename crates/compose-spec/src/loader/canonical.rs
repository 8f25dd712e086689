//! Short syntax → long syntax, and the defaults compose fills in.
//!
//! After a file is merged, compose-go rewrites every short form into its long
//! form (`"8080:80"` → a port mapping, `"./data:/data:ro"` → a bind mount,
//! `depends_on: [db]` → a map with conditions, ...). Later files then merge onto
//! long forms, and the typed model only ever sees long forms. Parsing of port and
//! volume strings follows Docker's own rules (go-connections' `nat` package and
//! compose-go's `format.ParseVolume`).

use super::pattern::{self, Live, Trail};
use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::node::{Map, Node, Value};
use crate::span::Span;

#[derive(Clone, Copy)]
enum T {
    Mapping,
    FileMount,
    StringOrX,
    KeyValue,
    DependsOn,
    EnvFile,
    StringOrList,
    Extends,
    Gpus,
    StringSliceToMap,
    VolumeMount,
    Device,
    Ports,
    Build,
    Ssh,
    Ulimits,
    MaybeExternal,
    Include,
}

const S: &str = "services";
const A: &str = "*";

#[rustfmt::skip]
static TRANSFORMS: &pattern::Table<T> = &[
    (&[S, A], T::Mapping),
    (&[S, A, "build", "secrets", A], T::FileMount),
    (&[S, A, "build", "provenance"], T::StringOrX),
    (&[S, A, "build", "sbom"], T::StringOrX),
    (&[S, A, "build", "additional_contexts"], T::KeyValue),
    (&[S, A, "depends_on"], T::DependsOn),
    (&[S, A, "env_file"], T::EnvFile),
    (&[S, A, "label_file"], T::StringOrList),
    (&[S, A, "extends"], T::Extends),
    (&[S, A, "gpus"], T::Gpus),
    (&[S, A, "networks"], T::StringSliceToMap),
    (&[S, A, "models"], T::StringSliceToMap),
    (&[S, A, "volumes", A], T::VolumeMount),
    (&[S, A, "dns"], T::StringOrList),
    (&[S, A, "devices", A], T::Device),
    (&[S, A, "secrets", A], T::FileMount),
    (&[S, A, "configs", A], T::FileMount),
    (&[S, A, "ports"], T::Ports),
    (&[S, A, "build"], T::Build),
    (&[S, A, "build", "ssh"], T::Ssh),
    (&[S, A, "ulimits", A], T::Ulimits),
    (&[S, A, "build", "ulimits", A], T::Ulimits),
    (&[S, A, "develop", "watch", A, "ignore"], T::StringOrList),
    (&[S, A, "develop", "watch", A, "include"], T::StringOrList),
    (&["volumes", A], T::MaybeExternal),
    (&["networks", A], T::MaybeExternal),
    (&["secrets", A], T::MaybeExternal),
    (&["configs", A], T::MaybeExternal),
    (&["include", A], T::Include),
];

/// Context for one canonical pass.
pub struct Canonical<'d> {
    /// Where problems go.
    pub diags: &'d mut Diagnostics,
    /// `--no-interpolate`: keep strings that don't parse (they may hold `${}`).
    pub ignore_parse_errors: bool,
}

impl Canonical<'_> {
    /// Rewrites short syntaxes in the whole tree.
    pub fn run(&mut self, root: &mut Node) {
        let mut path = Trail::new();
        self.transform(root, &mut path, Live::all(TRANSFORMS));
    }

    fn transform(&mut self, node: &mut Node, path: &mut Trail, live: Live) {
        if let Some(t) = live.found(TRANSFORMS, path.len()) {
            self.apply(*t, node, path, live);
            return;
        }
        self.children(node, path, live);
    }

    /// Visits the children where a transform may apply.
    fn children(&mut self, node: &mut Node, path: &mut Trail, live: Live) {
        let depth = path.len();
        match &mut node.value {
            Value::Map(m) => {
                for (k, v) in m.iter_mut() {
                    let live = live.key(TRANSFORMS, depth, k);
                    if live.is_empty() {
                        continue;
                    }
                    path.push_key(k);
                    self.transform(v, path, live);
                    path.pop();
                }
            }
            Value::Seq(items) => {
                let live = live.index(TRANSFORMS, depth);
                if live.is_empty() {
                    return;
                }
                for (i, v) in items.iter_mut().enumerate() {
                    path.push_index(i);
                    self.transform(v, path, live);
                    path.pop();
                }
            }
            _ => {}
        }
    }

    fn err(&mut self, code: Code, msg: String, path: &Trail, span: Span, help: &str) {
        self.diags.push(
            Diagnostic::error(code, msg)
                .with_path(path.to_string())
                .with_span(span)
                .with_help(help),
        );
    }

    fn apply(&mut self, t: T, node: &mut Node, path: &mut Trail, live: Live) {
        let span = node.span;
        match t {
            T::Mapping => self.children(node, path, live),
            T::FileMount => {
                if node.as_text().is_some() {
                    let src = node.clone();
                    *node = single("source", src, span);
                }
            }
            T::StringOrX => {
                if node.as_map().is_none() && node.as_seq().is_none() && node.as_str().is_none() {
                    let s = super::merge::go_sprint(node);
                    *node = Node::string(s, span);
                }
            }
            T::KeyValue => {
                if let Some(items) = node.as_seq() {
                    let mut m = Map::new();
                    for e in items {
                        let text = super::merge::go_sprint(e);
                        match text.split_once('=') {
                            Some((k, v)) => {
                                m.insert(k, e.span, Node::string(v, e.span));
                            }
                            None => {
                                if self.ignore_parse_errors {
                                    return;
                                }
                                self.err(
                                    Code::ShortSyntax,
                                    format!("{path}: invalid value {text}, expected key=value"),
                                    path,
                                    e.span,
                                    "write each entry as KEY=VALUE",
                                );
                                return;
                            }
                        }
                    }
                    *node = Node::map(m, span);
                }
            }
            T::DependsOn => match &mut node.value {
                Value::Map(m) => {
                    for (_, d) in m.iter_mut() {
                        if let Some(dm) = d.as_map_mut() {
                            if !dm.contains_key("condition") {
                                dm.insert("condition", span, Node::string("service_started", span));
                            }
                            if !dm.contains_key("required") {
                                dm.insert("required", span, Node::bool(true, span));
                            }
                        }
                    }
                }
                Value::Seq(items) => {
                    let mut m = Map::new();
                    for i in items.iter() {
                        m.insert(super::merge::go_sprint(i), i.span, depends_default(i.span));
                    }
                    *node = Node::map(m, span);
                }
                _ => {}
            },
            T::EnvFile => match &mut node.value {
                Value::Scalar(_) => {
                    let v = env_file_value(node.clone());
                    *node = Node::seq(vec![v], span);
                }
                Value::Seq(items) => {
                    for i in items.iter_mut() {
                        *i = env_file_value(i.clone());
                    }
                }
                _ => {}
            },
            T::StringOrList => {
                if node.as_str().is_some() {
                    let v = node.clone();
                    *node = Node::seq(vec![v], span);
                }
            }
            T::Extends => {
                if node.as_text().is_some() {
                    let v = node.clone();
                    *node = single("service", v, span);
                } else {
                    self.children(node, path, live);
                }
            }
            T::Gpus => {
                if node.as_seq().is_some() {
                    self.children(node, path, live);
                } else if node.as_text().is_some() {
                    let all = single("count", Node::string("all", span), span);
                    *node = Node::seq(vec![all], span);
                }
            }
            T::StringSliceToMap => {
                if let Some(items) = node.as_seq() {
                    let mut m = Map::new();
                    for i in items {
                        m.insert(super::merge::go_sprint(i), i.span, Node::null(i.span));
                    }
                    *node = Node::map(m, span);
                }
            }
            T::VolumeMount => {
                if let Some(text) = node.as_text().map(str::to_string) {
                    match parse_volume(&text) {
                        Ok(mut v) => {
                            v.target = clean_target(&v.target);
                            *node = v.to_node(span);
                        }
                        Err(e) => {
                            if !self.ignore_parse_errors {
                                self.err(
                                    Code::VolumeSpec,
                                    format!("invalid spec: {text}: {e}"),
                                    path,
                                    span,
                                    "use SOURCE:TARGET[:MODE], e.g. ./data:/data:ro, or the long syntax",
                                );
                            }
                        }
                    }
                }
            }
            T::Device => {
                if let Some(text) = node.as_text().map(str::to_string) {
                    let arr: Vec<&str> = text.split(':').collect();
                    let (src, mut dst, perms) = match arr.len() {
                        1 => (arr[0], "", "rwm"),
                        2 => (arr[0], arr[1], "rwm"),
                        3 => (arr[0], arr[1], arr[2]),
                        _ => {
                            if !self.ignore_parse_errors {
                                self.err(
                                    Code::ShortSyntax,
                                    format!(
                                        "confusing device mapping, please use long syntax: {text}"
                                    ),
                                    path,
                                    span,
                                    "use HOST_PATH:CONTAINER_PATH[:PERMISSIONS] or the long syntax",
                                );
                                return;
                            }
                            ("", "", "rwm")
                        }
                    };
                    if dst.is_empty() {
                        dst = src;
                    }
                    let mut m = Map::new();
                    m.insert("source", span, Node::string(src, span));
                    m.insert("target", span, Node::string(dst, span));
                    m.insert("permissions", span, Node::string(perms, span));
                    *node = Node::map(m, span);
                }
            }
            T::Ports => {
                let Some(items) = node.as_seq() else {
                    return;
                };
                let mut out = Vec::new();
                for (i, e) in items.iter().enumerate() {
                    match &e.value {
                        Value::Map(_) => out.push(e.clone()),
                        Value::Scalar(_) => {
                            let text = super::merge::go_sprint(e);
                            match parse_port_config(&text) {
                                Ok(ports) => {
                                    out.extend(ports.into_iter().map(|p| p.to_node(e.span)))
                                }
                                Err(msg) => {
                                    if self.ignore_parse_errors {
                                        return;
                                    }
                                    let span = e.span;
                                    path.push_index(i);
                                    self.err(
                                        Code::PortSpec,
                                        msg,
                                        path,
                                        span,
                                        "use [HOST_IP:][HOST_PORT:]CONTAINER_PORT[/PROTOCOL], e.g. 127.0.0.1:8080:80/tcp",
                                    );
                                    path.pop();
                                    return;
                                }
                            }
                        }
                        _ => out.push(e.clone()),
                    }
                }
                *node = Node::seq(out, span);
            }
            T::Build => {
                if node.as_map().is_some() {
                    self.children(node, path, live);
                } else if node.as_text().is_some() {
                    let v = node.clone();
                    *node = single("context", v, span);
                }
            }
            T::Ssh => {
                if let Some(items) = node.as_seq() {
                    let mut m = Map::new();
                    for e in items {
                        let s = super::merge::go_sprint(e);
                        match s.split_once('=') {
                            Some((id, p)) => {
                                m.insert(id, e.span, Node::string(p, e.span));
                            }
                            None => {
                                if s != "default" {
                                    self.err(
                                        Code::ShortSyntax,
                                        format!("invalid ssh key {s:?}"),
                                        path,
                                        e.span,
                                        "use ID=PATH or `default`",
                                    );
                                    return;
                                }
                                m.insert(s, e.span, Node::null(e.span));
                            }
                        }
                    }
                    *node = Node::map(m, span);
                }
            }
            T::Ulimits => {}
            T::MaybeExternal => {
                if node.is_null() {
                    return;
                }
                self.children(node, path, live);
                let Some(m) = node.as_map_mut() else { return };
                let Some(ext) = m.get("external") else { return };
                if let Some(em) = ext.as_map() {
                    let extname = em.get("name").cloned();
                    let ext_span = ext.span;
                    m.insert("external", ext_span, Node::bool(true, ext_span));
                    if let Some(extname) = extname {
                        self.diags.push(
                            Diagnostic::warning(
                                Code::Schema,
                                format!("{path}: external.name is deprecated. Please set name and external: true"),
                            )
                            .with_path(path.to_string())
                            .with_span(extname.span)
                            .with_help("write `name: ...` next to `external: true`"),
                        );
                        match m.get("name") {
                            Some(name) if name.to_json() != extname.to_json() => {
                                let s = name.span;
                                self.err(
                                    Code::ExternalConflict,
                                    format!(
                                        "{path}: name and external.name conflict; only use name"
                                    ),
                                    path,
                                    s,
                                    "remove external.name",
                                );
                            }
                            Some(_) => {}
                            None => {
                                m.insert("name", extname.span, extname);
                            }
                        }
                    }
                }
            }
            T::Include => {
                if node.as_text().is_some() {
                    let v = node.clone();
                    *node = single("path", v, span);
                }
            }
        }
    }
}

fn single(key: &str, value: Node, span: Span) -> Node {
    let mut m = Map::new();
    m.insert(key, span, value);
    Node::map(m, span)
}

fn depends_default(span: Span) -> Node {
    let mut d = Map::new();
    d.insert("condition", span, Node::string("service_started", span));
    d.insert("required", span, Node::bool(true, span));
    Node::map(d, span)
}

fn env_file_value(n: Node) -> Node {
    let span = n.span;
    match n.value {
        Value::Scalar(_) => {
            let mut m = Map::new();
            m.insert("path", span, n);
            m.insert("required", span, Node::bool(true, span));
            Node::map(m, span)
        }
        Value::Map(mut m) => {
            if !m.contains_key("required") {
                m.insert("required", span, Node::bool(true, span));
            }
            Node::map(m, span)
        }
        _ => n,
    }
}

/// `path.Clean` of a mount target.
pub fn clean_target(t: &str) -> String {
    if t.is_empty() {
        return String::new();
    }
    crate::gocompat::path::clean(t)
}

/// A parsed short volume spec (the fields `format.ParseVolume` fills).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VolumeSpec {
    /// `bind` or `volume`.
    pub kind: &'static str,
    /// Host path or volume name.
    pub source: String,
    /// Container path.
    pub target: String,
    /// `:ro`.
    pub read_only: bool,
    /// `nocopy`.
    pub nocopy: bool,
    /// Propagation option.
    pub propagation: String,
    /// SELinux `z`/`Z`.
    pub selinux: String,
    /// Whether a `bind` section exists.
    pub has_bind: bool,
    /// Whether a `volume` section exists.
    pub has_volume: bool,
}

impl VolumeSpec {
    fn to_node(&self, span: Span) -> Node {
        let mut m = Map::new();
        m.insert("type", span, Node::string(self.kind, span));
        if !self.source.is_empty() {
            m.insert("source", span, Node::string(self.source.clone(), span));
        }
        if !self.target.is_empty() {
            m.insert("target", span, Node::string(self.target.clone(), span));
        }
        if self.read_only {
            m.insert("read_only", span, Node::bool(true, span));
        }
        if self.has_bind {
            let mut b = Map::new();
            if !self.propagation.is_empty() {
                b.insert(
                    "propagation",
                    span,
                    Node::string(self.propagation.clone(), span),
                );
            }
            if self.kind == "bind" {
                b.insert("create_host_path", span, Node::bool(true, span));
            }
            if !self.selinux.is_empty() {
                b.insert("selinux", span, Node::string(self.selinux.clone(), span));
            }
            m.insert("bind", span, Node::map(b, span));
        }
        if self.has_volume {
            let mut v = Map::new();
            if self.nocopy {
                v.insert("nocopy", span, Node::bool(true, span));
            }
            m.insert("volume", span, Node::map(v, span));
        }
        Node::map(m, span)
    }
}

/// compose-go's `format.ParseVolume`.
pub fn parse_volume(spec: &str) -> Result<VolumeSpec, String> {
    let mut v = VolumeSpec::default();
    match spec.len() {
        0 => return Err("invalid empty volume spec".into()),
        1 | 2 => {
            v.target = spec.to_string();
            v.kind = "volume";
            v.has_volume = true;
            return Ok(v);
        }
        _ => {}
    }
    // compose-go's character loop; the buffer is always the run of the spec
    // since the last separating colon, so it is kept as a start offset.
    let bytes = spec.as_bytes();
    let mut start = 0usize;
    let mut in_var = 0usize;
    for (i, ch) in spec.char_indices() {
        if ch == '$' && bytes.get(i + 1) == Some(&b'{') {
            in_var += 1;
        } else if ch == '}' && in_var > 0 {
            in_var -= 1;
        } else if ch == ':' && is_drive_letter(&spec[start..i]) {
            // `C:` stays in the buffer.
        } else if ch == ':' && in_var == 0 {
            if let Err(e) = populate(false, &spec[start..i], &mut v) {
                populate_type(&mut v);
                return Err(e);
            }
            start = i + 1;
        }
    }
    if in_var == 0 {
        if let Err(e) = populate(true, &spec[start..], &mut v) {
            populate_type(&mut v);
            return Err(e);
        }
    }
    populate_type(&mut v);
    Ok(v)
}

/// Whether the buffer is a single letter (a Windows drive, `C:`).
fn is_drive_letter(buffer: &str) -> bool {
    let mut chars = buffer.chars();
    matches!((chars.next(), chars.next()), (Some(c), None) if c.is_alphabetic())
}

fn populate(end: bool, buffer: &str, v: &mut VolumeSpec) -> Result<(), String> {
    let s = buffer.to_string();
    if buffer.is_empty() {
        return Err("empty section between colons".into());
    }
    if v.source.is_empty() && end {
        v.target = s;
        return Ok(());
    }
    if v.source.is_empty() {
        v.source = s;
        return Ok(());
    }
    if v.target.is_empty() {
        v.target = s;
        return Ok(());
    }
    if !end {
        return Err("too many colons".into());
    }
    for opt in s.split(',') {
        match opt {
            "ro" => v.read_only = true,
            "rw" => v.read_only = false,
            "nocopy" => {
                v.nocopy = true;
                v.has_volume = true;
            }
            "rprivate" | "private" | "rshared" | "shared" | "rslave" | "slave" => {
                v.has_bind = true;
                v.propagation = opt.to_string();
            }
            "z" | "Z" => {
                v.has_bind = true;
                v.selinux = opt.to_string();
            }
            _ => {}
        }
    }
    Ok(())
}

fn populate_type(v: &mut VolumeSpec) {
    if is_file_path(&v.source) {
        v.kind = "bind";
        v.has_bind = true;
    } else {
        v.kind = "volume";
        v.has_volume = true;
    }
}

fn is_file_path(source: &str) -> bool {
    let Some(first) = source.chars().next() else {
        return false;
    };
    if matches!(first, '.' | '/' | '~') {
        return true;
    }
    if source.starts_with("\\\\") {
        return true;
    }
    let rest = &source[first.len_utf8()..];
    match rest.as_bytes().first() {
        None => false,
        Some(b':') => first.is_alphabetic(),
        _ => false,
    }
}

/// One port mapping from the short syntax.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortSpec {
    /// Host IP or empty.
    pub host_ip: String,
    /// `tcp`/`udp`/`sctp`.
    pub protocol: String,
    /// Container port.
    pub target: u32,
    /// Host port or range or empty.
    pub published: String,
}

impl PortSpec {
    fn to_node(&self, span: Span) -> Node {
        let mut m = Map::new();
        m.insert("mode", span, Node::string("ingress", span));
        if !self.host_ip.is_empty() {
            m.insert("host_ip", span, Node::string(self.host_ip.clone(), span));
        }
        m.insert("target", span, Node::int(i64::from(self.target), span));
        if !self.published.is_empty() {
            m.insert(
                "published",
                span,
                Node::string(self.published.clone(), span),
            );
        }
        m.insert("protocol", span, Node::string(self.protocol.clone(), span));
        Node::map(m, span)
    }
}

/// compose-go's `types.ParsePortConfig` (go-connections `nat.ParsePortSpecs`, sorted by port key).
pub fn parse_port_config(value: &str) -> Result<Vec<PortSpec>, String> {
    let mappings = parse_port_spec(value)?;
    // nat.ParsePortSpecs groups by "port/proto", ParsePortConfig sorts those keys as strings
    let mut keyed: Vec<(String, PortSpec)> = mappings
        .into_iter()
        .map(|p| (format!("{}/{}", p.target, p.protocol), p))
        .collect();
    keyed.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(keyed.into_iter().map(|(_, p)| p).collect())
}

fn parse_port_range(s: &str) -> Result<(u64, u64), ()> {
    if s.is_empty() {
        return Err(());
    }
    let parse = |x: &str| -> Result<u64, ()> {
        if x.is_empty() || !x.bytes().all(|b| b.is_ascii_digit()) {
            return Err(());
        }
        x.parse::<u16>().map(u64::from).map_err(|_| ())
    };
    match s.split_once('-') {
        None => {
            let p = parse(s)?;
            Ok((p, p))
        }
        Some((a, b)) => {
            let a = parse(a)?;
            let b = parse(b)?;
            if b < a {
                return Err(());
            }
            Ok((a, b))
        }
    }
}

fn parse_port_spec(raw: &str) -> Result<Vec<PortSpec>, String> {
    let parts: Vec<&str> = raw.split(':').collect();
    let n = parts.len();
    let (mut ip, host_port, container) = match n {
        1 => (String::new(), "", parts[0]),
        2 => (String::new(), parts[0], parts[1]),
        3 => (parts[0].to_string(), parts[1], parts[2]),
        _ => (parts[..n - 2].join(":"), parts[n - 2], parts[n - 1]),
    };
    let (proto, container) = split_proto_port(container);
    if ip.starts_with('[') {
        match ip.strip_prefix('[').and_then(|r| r.strip_suffix(']')) {
            Some(inner) => ip = inner.to_string(),
            None => return Err(format!("invalid IP address {ip}")),
        }
    }
    if !ip.is_empty() && ip.parse::<std::net::IpAddr>().is_err() {
        return Err(format!("invalid IP address: {ip}"));
    }
    if container.is_empty() {
        return Err(format!("no port specified: {raw}<empty>"));
    }
    let (start, end) =
        parse_port_range(container).map_err(|_| format!("invalid containerPort: {container}"))?;
    let (mut hstart, mut hend) = (0, 0);
    if !host_port.is_empty() {
        (hstart, hend) =
            parse_port_range(host_port).map_err(|_| format!("invalid hostPort: {host_port}"))?;
    }
    if !host_port.is_empty() && (end - start) != (hend - hstart) && end != start {
        return Err(format!(
            "invalid ranges specified for container and host Ports: {container} and {host_port}"
        ));
    }
    let proto_l = proto.to_ascii_lowercase();
    if !matches!(proto_l.as_str(), "tcp" | "udp" | "sctp") {
        return Err(format!("invalid proto: {proto}"));
    }
    let mut out = Vec::new();
    for i in 0..=(end - start) {
        let target = start + i;
        let mut hp = String::new();
        if !host_port.is_empty() {
            hp = (hstart + i).to_string();
        }
        if start == end && hstart != hend {
            hp = format!("{hp}-{hend}");
        }
        if host_port.is_empty() {
            hstart = 0;
            hend = 0;
        }
        out.push(PortSpec {
            host_ip: ip.clone(),
            protocol: proto_l.clone(),
            target: target as u32,
            published: hp,
        });
    }
    Ok(out)
}

fn split_proto_port(raw: &str) -> (String, &str) {
    let parts: Vec<&str> = raw.split('/').collect();
    if raw.is_empty() || parts[0].is_empty() {
        return (String::new(), "");
    }
    if parts.len() == 1 {
        return ("tcp".into(), raw);
    }
    if parts[1].is_empty() {
        return ("tcp".into(), parts[0]);
    }
    (parts[1].to_string(), parts[0])
}

#[derive(Clone, Copy)]
enum D {
    BuildContext,
    SecretMount,
    Port,
    DeviceRequest,
}

#[rustfmt::skip]
static DEFAULTS: &pattern::Table<D> = &[
    (&[S, A, "build"], D::BuildContext),
    (&[S, A, "secrets", A], D::SecretMount),
    (&[S, A, "ports", A], D::Port),
    (&[S, A, "deploy", "resources", "reservations", "devices", A], D::DeviceRequest),
    (&[S, A, "gpus", A], D::DeviceRequest),
];

/// compose-go's `SetDefaultValues`, run once after all files are merged.
pub fn set_defaults(root: &mut Node) {
    defaults_walk(root, 0, Live::all(DEFAULTS));
}

fn defaults_walk(node: &mut Node, depth: usize, live: Live) {
    if let Some(d) = live.found(DEFAULTS, depth) {
        let span = node.span;
        if let Some(m) = node.as_map_mut() {
            match d {
                D::BuildContext => {
                    if !m.contains_key("context") {
                        m.insert("context", span, Node::string(".", span));
                    }
                }
                D::SecretMount => {
                    if !m.contains_key("target") {
                        let src = m
                            .get("source")
                            .map(super::merge::go_sprint)
                            .unwrap_or_else(|| "<nil>".into());
                        m.insert(
                            "target",
                            span,
                            Node::string(format!("/run/secrets/{src}"), span),
                        );
                    }
                }
                D::Port => {
                    if !m.contains_key("protocol") {
                        m.insert("protocol", span, Node::string("tcp", span));
                    }
                    if !m.contains_key("mode") {
                        m.insert("mode", span, Node::string("ingress", span));
                    }
                }
                D::DeviceRequest => {
                    if !m.contains_key("count") && !m.contains_key("device_ids") {
                        m.insert("count", span, Node::string("all", span));
                    }
                }
            }
        }
        return;
    }
    match &mut node.value {
        Value::Map(m) => {
            for (k, v) in m.iter_mut() {
                let live = live.key(DEFAULTS, depth, k);
                if !live.is_empty() {
                    defaults_walk(v, depth + 1, live);
                }
            }
        }
        Value::Seq(items) => {
            let live = live.index(DEFAULTS, depth);
            if !live.is_empty() {
                for v in items.iter_mut() {
                    defaults_walk(v, depth + 1, live);
                }
            }
        }
        _ => {}
    }
}

/// compose-go's `OmitEmpty`: drops empty `dns` entries.
pub fn omit_empty(root: &mut Node) {
    if let Some(services) = root.get_mut("services").and_then(Node::as_map_mut) {
        for (_, s) in services.iter_mut() {
            if let Some(dns) = s.get_mut("dns").and_then(Node::as_seq_mut) {
                dns.retain(|n| !(n.is_null() || n.as_str() == Some("")));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ports(s: &str) -> Vec<(String, u32, String, String)> {
        parse_port_config(s)
            .unwrap()
            .into_iter()
            .map(|p| (p.host_ip, p.target, p.published, p.protocol))
            .collect()
    }

    #[test]
    fn port_specs() {
        assert_eq!(ports("80"), vec![("".into(), 80, "".into(), "tcp".into())]);
        assert_eq!(
            ports("8080:80"),
            vec![("".into(), 80, "8080".into(), "tcp".into())]
        );
        assert_eq!(
            ports("127.0.0.1:8080:80/udp"),
            vec![("127.0.0.1".into(), 80, "8080".into(), "udp".into())]
        );
        assert_eq!(
            ports("[::1]:80:80"),
            vec![("::1".into(), 80, "80".into(), "tcp".into())]
        );
        assert_eq!(ports("9090-9091:8080-8081").len(), 2);
        assert_eq!(
            ports("9090-9092:80"),
            vec![("".into(), 80, "9090-9092".into(), "tcp".into())]
        );
        assert!(parse_port_config("80:80:80:80x").is_err());
        assert!(parse_port_config("1-2:3-5").is_err());
    }

    #[test]
    fn volume_specs() {
        let v = parse_volume("./data:/data:ro").unwrap();
        assert_eq!(
            (v.kind, v.source.as_str(), v.target.as_str(), v.read_only),
            ("bind", "./data", "/data", true)
        );
        let v = parse_volume("db:/var/lib/db").unwrap();
        assert_eq!(v.kind, "volume");
        let v = parse_volume("/anon").unwrap();
        assert_eq!(
            (v.kind, v.source.as_str(), v.target.as_str()),
            ("volume", "", "/anon")
        );
        let v = parse_volume("c:\\x:/y").unwrap();
        assert_eq!(v.source, "c:\\x");
        assert!(parse_volume("ab:cd:ef:gh").is_err());
    }
}

/// The ports of a short-syntax spec (`8080:80`, `127.0.0.1:5000-5001:5000-5001/udp`)
/// as the model holds them, for command lines that take one (`run -p`).
pub fn port_configs(spec: &str) -> Result<Vec<crate::model::ServicePortConfig>, String> {
    let span = Span::synthetic();
    let nodes: Vec<Node> = parse_port_config(spec)?
        .iter()
        .map(|p| p.to_node(span))
        .collect();
    let service = one_service("ports", Node::seq(nodes, span));
    Ok(service.map(|s| s.ports).unwrap_or_default())
}

/// A short-syntax mount (`./data:/data:ro`, `cache:/cache`, `/tmp`) as the
/// model holds it, for command lines that take one (`run -v`).
pub fn volume_config(spec: &str) -> Result<crate::model::ServiceVolumeConfig, String> {
    let span = Span::synthetic();
    let node = parse_volume(spec)?.to_node(span);
    one_service("volumes", Node::seq(vec![node], span))
        .and_then(|s| s.volumes.into_iter().next())
        .ok_or_else(|| format!("invalid volume spec {spec:?}"))
}

/// Decodes a service holding only `key: value`.
fn one_service(key: &str, value: Node) -> Option<crate::model::ServiceConfig> {
    let span = Span::synthetic();
    let mut service = Map::new();
    service.insert("image", span, Node::string("x", span));
    service.insert(key, span, value);
    let mut services = Map::new();
    services.insert("x", span, Node::map(service, span));
    let mut root = Map::new();
    root.insert("services", span, Node::map(services, span));
    let p = crate::model::Project::from_node(&Node::map(root, span)).ok()?;
    p.services.into_values().next().map(|s| *s)
}

#[cfg(test)]
mod run_flag_tests {
    use super::*;

    #[test]
    fn ports_and_volumes_from_command_line_specs() {
        let p = port_configs("127.0.0.1:8080:80/udp").unwrap();
        assert_eq!(p.len(), 1);
        assert_eq!(
            (
                p[0].host_ip.as_str(),
                p[0].published.as_str(),
                p[0].target,
                p[0].protocol.as_str()
            ),
            ("127.0.0.1", "8080", 80, "udp")
        );
        assert_eq!(port_configs("5000-5001:6000-6001").unwrap().len(), 2);
        assert!(port_configs("x:y").is_err());
        let v = volume_config("./data:/data:ro").unwrap();
        assert_eq!(
            (
                v.r#type.as_str(),
                v.source.as_str(),
                v.target.as_str(),
                v.read_only
            ),
            ("bind", "./data", "/data", true)
        );
        let v = volume_config("cache:/cache").unwrap();
        assert_eq!(v.r#type, "volume");
        assert!(volume_config("").is_err());
    }
}
