//! Property tests: every short syntax loads to the same model as the long
//! syntax written out by hand, and the model's long form loads back unchanged.
//!
//! Each case builds one compose file with the short form and one with the long
//! form of the same random value, loads both through the whole pipeline and
//! compares the typed projects' JSON.

use compose_spec::loader::{load, LoadOptions};
use proptest::prelude::*;

fn load_json(yaml: &str) -> serde_json::Value {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("compose.yaml"), yaml).unwrap();
    let mut opts = LoadOptions::new(dir.path());
    opts.files = vec![dir.path().join("compose.yaml")];
    opts.project_name = Some("p".into());
    let loaded = load(&opts);
    let errors: Vec<String> = loaded
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.one_line(&loaded.sources))
        .collect();
    assert!(errors.is_empty(), "{yaml}\n{errors:#?}");
    let mut v = loaded.project.expect("project").to_json();
    // paths depend on the temp dir: make them comparable
    let s = serde_json::to_string(&v)
        .unwrap()
        .replace(&dir.path().display().to_string(), "/DIR");
    v = serde_json::from_str(&s).unwrap();
    v
}

fn service(body: &str) -> String {
    format!("services:\n  web:\n    image: nginx\n{body}")
}

#[derive(Debug, Clone)]
struct Port {
    ip: Option<&'static str>,
    published: Option<(u16, u16)>,
    target: u16,
    protocol: Option<&'static str>,
}

fn port() -> impl Strategy<Value = Port> {
    (
        prop::option::of(prop::sample::select(vec![
            "127.0.0.1",
            "0.0.0.0",
            "::1",
            "10.1.2.3",
        ])),
        prop::option::of((1u16..60000, 0u16..3)),
        1u16..65000,
        prop::option::of(prop::sample::select(vec!["tcp", "udp", "sctp"])),
    )
        .prop_map(|(ip, published, target, protocol)| Port {
            // an IP needs a published part in the short syntax
            ip: if published.is_some() { ip } else { None },
            published: published.map(|(p, extra)| (p, p + extra)),
            target,
            protocol,
        })
}

impl Port {
    fn short(&self) -> String {
        let mut s = String::new();
        if let Some(ip) = self.ip {
            if ip.contains(':') {
                s.push_str(&format!("[{ip}]:"));
            } else {
                s.push_str(&format!("{ip}:"));
            }
        }
        if let Some((a, b)) = self.published {
            if a == b {
                s.push_str(&format!("{a}:"));
            } else {
                s.push_str(&format!("{a}-{b}:"));
            }
        }
        s.push_str(&self.target.to_string());
        if let Some(p) = self.protocol {
            s.push_str(&format!("/{p}"));
        }
        s
    }

    fn long(&self) -> String {
        let mut s = format!("      - target: {}\n", self.target);
        if let Some(ip) = self.ip {
            s.push_str(&format!("        host_ip: \"{ip}\"\n"));
        }
        if let Some((a, b)) = self.published {
            let p = if a == b {
                a.to_string()
            } else {
                format!("{a}-{b}")
            };
            s.push_str(&format!("        published: \"{p}\"\n"));
        }
        s.push_str(&format!(
            "        protocol: {}\n        mode: ingress\n",
            self.protocol.unwrap_or("tcp")
        ));
        s
    }
}

#[derive(Debug, Clone)]
struct Mount {
    source: Option<String>,
    target: String,
    read_only: bool,
}

fn mount() -> impl Strategy<Value = Mount> {
    (
        prop::option::of(prop_oneof![
            // two characters at least: `a:/x` is a Windows drive for compose too
            "[a-z][a-z0-9_]{1,8}".prop_map(|s| s),
            "\\./[a-z]{1,6}(/[a-z]{1,6})?".prop_map(|s| s),
            "/[a-z]{1,6}(/[a-z]{1,6})?".prop_map(|s| s),
        ]),
        "/[a-z]{1,6}(/[a-z]{1,6}){0,2}",
        any::<bool>(),
    )
        .prop_map(|(source, target, read_only)| Mount {
            read_only: read_only && source.is_some(),
            source,
            target,
        })
}

impl Mount {
    fn is_bind(&self) -> bool {
        self.source
            .as_deref()
            .is_some_and(|s| s.starts_with('.') || s.starts_with('/'))
    }

    fn short(&self) -> String {
        match &self.source {
            None => self.target.clone(),
            Some(s) => format!(
                "{s}:{}{}",
                self.target,
                if self.read_only { ":ro" } else { "" }
            ),
        }
    }

    fn long(&self) -> String {
        let mut s = format!(
            "      - type: {}\n",
            if self.is_bind() { "bind" } else { "volume" }
        );
        if let Some(src) = &self.source {
            s.push_str(&format!("        source: {src}\n"));
        }
        s.push_str(&format!("        target: {}\n", self.target));
        if self.read_only {
            s.push_str("        read_only: true\n");
        }
        if self.is_bind() {
            s.push_str("        bind:\n          create_host_path: true\n");
        } else {
            s.push_str("        volume: {}\n");
        }
        s
    }

    fn named(&self) -> Option<&str> {
        self.source.as_deref().filter(|_| !self.is_bind())
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn ports_short_equals_long(ports in prop::collection::vec(port(), 1..4)) {
        // ranges expand to one entry per port: compare only single published ports in long form
        let ports: Vec<Port> = ports.into_iter().map(|mut p| { if let Some((a, _)) = p.published { p.published = Some((a, a)); } p }).collect();
        let short: String = ports.iter().map(|p| format!("      - \"{}\"\n", p.short())).collect();
        let long: String = ports.iter().map(Port::long).collect();
        prop_assert_eq!(load_json(&service(&format!("    ports:\n{short}"))), load_json(&service(&format!("    ports:\n{long}"))));
    }

    #[test]
    fn volumes_short_equals_long(mounts in prop::collection::vec(mount(), 1..4)) {
        let mut seen = std::collections::BTreeSet::new();
        let mounts: Vec<Mount> = mounts.into_iter().filter(|m| seen.insert(m.target.clone())).collect();
        let names: std::collections::BTreeSet<&str> = mounts.iter().filter_map(Mount::named).collect();
        let top: String = if names.is_empty() { String::new() } else {
            format!("volumes:\n{}", names.iter().map(|n| format!("  {n}: {{}}\n")).collect::<String>())
        };
        let short: String = mounts.iter().map(|m| format!("      - \"{}\"\n", m.short())).collect();
        let long: String = mounts.iter().map(Mount::long).collect();
        prop_assert_eq!(
            load_json(&format!("{}{top}", service(&format!("    volumes:\n{short}")))),
            load_json(&format!("{}{top}", service(&format!("    volumes:\n{long}"))))
        );
    }

    #[test]
    fn lists_and_maps_are_the_same_model(
        env in prop::collection::btree_map("[A-Z][A-Z0-9_]{0,6}", "[a-z0-9]{0,6}", 0..5),
        deps in prop::collection::btree_set("[a-z]{1,5}", 0..3),
        nets in prop::collection::btree_set("[a-z]{1,5}", 1..3),
    ) {
        let deps: Vec<String> = deps.into_iter().filter(|d| d != "web").collect();
        let others: String = deps.iter().map(|d| format!("  {d}:\n    image: busybox\n    networks: [{}]\n", nets.iter().next().unwrap())).collect();
        let nets_top = format!("networks:\n{}", nets.iter().map(|n| format!("  {n}: {{}}\n")).collect::<String>());
        let list = format!(
            "services:\n  web:\n    image: nginx\n    environment:{}\n{}    networks:\n{}{others}{nets_top}",
            if env.is_empty() { " []".to_string() } else { env.iter().map(|(k, v)| format!("\n      - {k}={v}")).collect() },
            if deps.is_empty() { String::new() } else { format!("    depends_on:\n{}", deps.iter().map(|d| format!("      - {d}\n")).collect::<String>()) },
            nets.iter().map(|n| format!("      - {n}\n")).collect::<String>(),
        );
        let map = format!(
            "services:\n  web:\n    image: nginx\n    environment:{}\n{}    networks:\n{}{others}{nets_top}",
            if env.is_empty() { " {}".to_string() } else { env.iter().map(|(k, v)| format!("\n      {k}: \"{v}\"")).collect() },
            if deps.is_empty() { String::new() } else { format!("    depends_on:\n{}", deps.iter().map(|d| format!("      {d}:\n        condition: service_started\n        required: true\n")).collect::<String>()) },
            // a list entry is a network with no settings: `name:` (null), not `{}`
            nets.iter().map(|n| format!("      {n}:\n")).collect::<String>(),
        );
        prop_assert_eq!(load_json(&list), load_json(&map));
    }

    #[test]
    fn canonical_output_loads_back_to_itself(ports in prop::collection::vec(port(), 0..3), mounts in prop::collection::vec(mount(), 0..3)) {
        let mut seen = std::collections::BTreeSet::new();
        let mounts: Vec<Mount> = mounts.into_iter().filter(|m| seen.insert(m.target.clone())).collect();
        let names: std::collections::BTreeSet<&str> = mounts.iter().filter_map(Mount::named).collect();
        let top: String = if names.is_empty() { String::new() } else {
            format!("volumes:\n{}", names.iter().map(|n| format!("  {n}: {{}}\n")).collect::<String>())
        };
        let mut body = String::new();
        if !ports.is_empty() {
            body.push_str("    ports:\n");
            body.extend(ports.iter().map(|p| format!("      - \"{}\"\n", p.short())));
        }
        if !mounts.is_empty() {
            body.push_str("    volumes:\n");
            body.extend(mounts.iter().map(|m| format!("      - \"{}\"\n", m.short())));
        }
        let first = load_json(&format!("{}{top}", service(&body)));
        // the JSON model is itself a valid compose file (JSON is YAML): loading it again is a fixed point
        let again = load_json(&serde_json::to_string_pretty(&first).unwrap());
        prop_assert_eq!(first, again);
    }
}
