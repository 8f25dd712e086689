//! Decoding never panics: random trees whose keys are the model's field
//! names and whose scalars are the awkward values compose files contain.

use compose_spec::model::Project;
use compose_spec::node::{Map, Node};
use compose_spec::span::Span;
use proptest::prelude::*;

const KEYS: &[&str] = &[
    "services",
    "networks",
    "volumes",
    "secrets",
    "configs",
    "models",
    "name",
    "web",
    "default",
    "x-ext",
    "#extensions",
    "Image",
    "image",
    "build",
    "context",
    "ssh",
    "args",
    "labels",
    "environment",
    "env_file",
    "path",
    "required",
    "format",
    "command",
    "entrypoint",
    "healthcheck",
    "test",
    "interval",
    "retries",
    "deploy",
    "resources",
    "limits",
    "reservations",
    "cpus",
    "memory",
    "devices",
    "count",
    "device_ids",
    "gpus",
    "ulimits",
    "nofile",
    "soft",
    "hard",
    "ports",
    "target",
    "published",
    "extra_hosts",
    "secrets",
    "mode",
    "uid",
    "blkio_config",
    "weight",
    "weight_device",
    "device_read_bps",
    "rate",
    "Path",
    "tmpfs",
    "size",
    "volume",
    "depends_on",
    "condition",
    "restart",
    "develop",
    "watch",
    "exec",
    "post_start",
    "provider",
    "options",
    "ipam",
    "config",
    "aux_addresses",
    "extensions",
    "external",
    "enable_ipv6",
    "content",
    "x-#value",
    "expose",
    "dns",
    "sysctls",
    "stop_grace_period",
    "mem_limit",
    "update_config",
    "delay",
    "parallelism",
    "max_failure_ratio",
    "placement",
    "preferences",
    "generic_resources",
    "discrete_resource_spec",
    "kind",
    "value",
    "logging",
    "driver_opts",
];

const SCALARS: &[&str] = &[
    "",
    "~",
    "null",
    "true",
    "no",
    "yes",
    "on",
    "0",
    "-1",
    "1",
    "0440",
    "0x1F",
    "1e3",
    "1e400",
    "-1e400",
    ".inf",
    ".nan",
    "1.5",
    "-0.0",
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775808",
    "1g",
    "512m",
    "1.5k",
    "12mb",
    "1kib",
    "b",
    "1x",
    "abc",
    "all",
    "ALL",
    "1m30s",
    "1d",
    "1.5\u{b5}s",
    "9223372036854775807h",
    ".5s",
    "5.s",
    "-",
    "+",
    "=",
    ":",
    "a=b",
    "h=1.2.3.4",
    "h:[::1]",
    "[]",
    "[x]",
    "a,b",
    "x-",
    "\u{e9}",
    "\u{160}=1",
    "A =1",
    "echo 'a",
    "echo \"a b\" c; d",
    "$(x)",
    "echo (a)",
    "0-17",
    "0o7",
    "1_000",
];

fn scalar() -> impl Strategy<Value = Node> {
    let s = Span::synthetic();
    prop_oneof![
        4 => (prop::sample::select(SCALARS), any::<bool>()).prop_map(move |(t, quoted)| {
            if quoted { Node::string(t, s) } else { Node::plain(t, s) }
        }),
        1 => ".{0,6}".prop_map(move |t: String| Node::plain(t, s)),
        1 => any::<i64>().prop_map(move |i| Node::int(i, s)),
        1 => any::<f64>().prop_map(move |f| Node::plain(f.to_string(), s)),
        1 => Just(Node::null(s)),
    ]
}

fn tree() -> impl Strategy<Value = Node> {
    let s = Span::synthetic();
    scalar().prop_recursive(7, 120, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(move |v| Node::seq(v, s)),
            prop::collection::vec((prop::sample::select(KEYS), inner), 0..6).prop_map(move |kv| {
                let mut m = Map::new();
                for (k, v) in kv {
                    m.insert_node(k, v);
                }
                Node::map(m, s)
            }),
        ]
    })
}

/// Wraps a random subtree where a service, or the project, would be.
fn project_like() -> impl Strategy<Value = Node> {
    let s = Span::synthetic();
    (tree(), tree(), any::<bool>()).prop_map(move |(svc, other, as_service)| {
        let mut root = Map::new();
        if as_service {
            let mut services = Map::new();
            services.insert_node("web", svc);
            root.insert_node("services", Node::map(services, s));
            root.insert_node("networks", other);
            Node::map(root, s)
        } else {
            svc
        }
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn decoding_and_printing_never_panic(root in project_like()) {
        if let Ok(p) = Project::from_node(&root) {
            let json = p.to_json();
            let _ = p.to_json_string();
            if let Ok(again) = Project::from_json(&json) {
                let _ = again.to_json_string();
            }
        }
    }
}
