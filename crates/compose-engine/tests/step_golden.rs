//! Golden cases of each step of convergence (`compose_engine::reconcile::steps`),
//! one step at a time: `fixtures/engine/steps/<step>/<case>/input.yaml` holds
//! the step's input, `expected.snap` (next to it) its decisions as JSON. One
//! helper, [`check`], runs every case of every step; a step folder this file
//! does not know, a case without input, or a step without cases fails.
//!
//! `input.yaml` has `desired` and `observed` in a short form (see [`desired`]
//! and [`observed`]; an unknown key fails, so a typo cannot go unnoticed),
//! plus what a step takes besides them: `service` and `recreated` for
//! `containers`, `down` (`project`, `no_file`, `volumes`, `remove_orphans`,
//! `images`) for `down-containers` and `down-resources`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use compose_engine::graph::Edge;
use compose_engine::labels;
use compose_engine::reconcile::steps;
use compose_engine::reconcile::{
    Desired, DesiredResource, DesiredService, DownOptions, Observed, Recreate, UpOptions,
};
use compose_engine::runtime::{Container, ContainerState, MountPoint, Network, Volume};
use serde_json::{json, Map, Value};

/// The steps with golden cases, by folder name.
const STEPS: [&str; 7] = [
    "networks",
    "volumes",
    "orphans",
    "containers",
    "waits",
    "down-containers",
    "down-resources",
];

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/engine/steps")
}

fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Reads a YAML file as JSON.
fn read_yaml(file: &Path) -> Value {
    let text = std::fs::read_to_string(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    let mut diags = compose_spec::diag::Diagnostics::new();
    let root = compose_spec::yaml::parse::parse(&text, compose_spec::span::FileId(0), &mut diags);
    assert!(diags.is_empty(), "{}: {:?}", file.display(), diags);
    root.map(|n| n.to_json()).unwrap_or(Value::Null)
}

/// The fields of a mapping, failing on keys not in `allowed`.
fn fields<'a>(v: &'a Value, what: &str, allowed: &[&str]) -> &'a Map<String, Value> {
    let map = v
        .as_object()
        .unwrap_or_else(|| panic!("{what}: a mapping expected, found {v}"));
    for k in map.keys() {
        assert!(allowed.contains(&k.as_str()), "{what}: unknown key {k}");
    }
    map
}

fn string(v: Option<&Value>, default: &str) -> String {
    match v {
        None => default.to_string(),
        Some(v) => v
            .as_str()
            .unwrap_or_else(|| panic!("a string expected, found {v}"))
            .to_string(),
    }
}

fn boolean(v: Option<&Value>, default: bool) -> bool {
    v.map_or(default, |v| {
        v.as_bool()
            .unwrap_or_else(|| panic!("a boolean expected, found {v}"))
    })
}

fn strings(v: Option<&Value>) -> Vec<String> {
    v.map(|v| {
        v.as_array()
            .unwrap_or_else(|| panic!("a sequence expected, found {v}"))
            .iter()
            .map(|s| string(Some(s), ""))
            .collect()
    })
    .unwrap_or_default()
}

fn string_map(v: Option<&Value>) -> BTreeMap<String, String> {
    v.map(|v| {
        v.as_object()
            .unwrap_or_else(|| panic!("a mapping expected, found {v}"))
            .iter()
            .map(|(k, v)| (k.clone(), string(Some(v), "")))
            .collect()
    })
    .unwrap_or_default()
}

/// `desired`: `project` (default `demo`), `services` (name → `scale` (default
/// 1), `hash`, `image_digest`, `container_name`, `networks`, `volumes`,
/// `depends_on` (name → `condition` (default `service_started`), `required`
/// (default true), `restart`), `recreate` (`diverged`, `force`, `never`),
/// `body`), `known_services` (default: the services), `networks` and
/// `volumes` (`key`, `name` (default `demo_<key>`), `external`), `options`
/// (`remove_orphans`, `no_start`, `wait`).
fn desired(v: &Value) -> Desired {
    let d = fields(
        v,
        "desired",
        &[
            "project",
            "services",
            "known_services",
            "networks",
            "volumes",
            "options",
        ],
    );
    let project = string(d.get("project"), "demo");
    let mut services = BTreeMap::new();
    for (name, s) in d
        .get("services")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        services.insert(name.clone(), service(name, s));
    }
    let known_services = match d.get("known_services") {
        Some(k) => strings(Some(k)).into_iter().collect(),
        None => services.keys().cloned().collect(),
    };
    let resources = |key: &str| -> Vec<DesiredResource> {
        let list = d
            .get(key)
            .map_or(&[][..], |v| v.as_array().unwrap().as_slice());
        list.iter()
            .map(|r| {
                let f = fields(r, key, &["key", "name", "external"]);
                let k = string(f.get("key"), "");
                DesiredResource {
                    name: string(f.get("name"), &format!("{project}_{k}")),
                    key: k,
                    external: boolean(f.get("external"), false),
                }
            })
            .collect()
    };
    let options = d.get("options").map_or_else(UpOptions::default, |o| {
        let f = fields(
            o,
            "options",
            &["remove_orphans", "no_start", "wait", "ignore_orphans"],
        );
        UpOptions {
            remove_orphans: boolean(f.get("remove_orphans"), false),
            no_start: boolean(f.get("no_start"), false),
            wait: boolean(f.get("wait"), false),
            ignore_orphans: boolean(f.get("ignore_orphans"), false),
        }
    });
    Desired {
        networks: resources("networks"),
        volumes: resources("volumes"),
        project,
        services,
        known_services,
        options,
    }
}

fn service(name: &str, v: &Value) -> DesiredService {
    let f = fields(
        v,
        name,
        &[
            "scale",
            "hash",
            "image_digest",
            "container_name",
            "networks",
            "volumes",
            "depends_on",
            "recreate",
            "body",
        ],
    );
    let depends_on = f
        .get("depends_on")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(dep, e)| {
            let e = fields(e, dep, &["condition", "required", "restart"]);
            let edge = Edge {
                condition: string(e.get("condition"), "service_started"),
                required: boolean(e.get("required"), true),
                restart: boolean(e.get("restart"), false),
            };
            (dep.clone(), edge)
        })
        .collect();
    DesiredService {
        name: name.to_string(),
        scale: f.get("scale").map_or(1, |s| s.as_u64().unwrap() as u32),
        hash: string(f.get("hash"), ""),
        image_digest: f.get("image_digest").map(|s| string(Some(s), "")),
        container_name: f.get("container_name").map(|s| string(Some(s), "")),
        networks: strings(f.get("networks")),
        volumes: strings(f.get("volumes")),
        depends_on,
        recreate: match string(f.get("recreate"), "diverged").as_str() {
            "diverged" => Recreate::Diverged,
            "force" => Recreate::Force,
            "never" => Recreate::Never,
            other => panic!("{name}: unknown recreate {other}"),
        },
        body: f.get("body").cloned().unwrap_or(Value::Null),
        update: None,
    }
}

/// `observed`: `containers` (`name`, `id` (default `c` + 11 digits of its
/// index), `service`, `number`, `hash`, `image_digest`, `oneoff` and
/// `project` (default `demo`) as their labels, more `labels`, `state`
/// (default `running`), `created`, `networks` (name → id), `mounts` (volume
/// names)), `networks` (`id`, `name`, `labels`), `volumes` (`name`,
/// `labels`), `details` (container id → `docker inspect` JSON).
fn observed(v: &Value) -> Observed {
    let o = fields(
        v,
        "observed",
        &["containers", "networks", "volumes", "details"],
    );
    let list = |key: &str| {
        o.get(key)
            .map_or(&[][..], |v| v.as_array().unwrap().as_slice())
    };
    let containers = list("containers")
        .iter()
        .enumerate()
        .map(|(i, c)| container(i, c))
        .collect();
    let networks = list("networks")
        .iter()
        .map(|n| {
            let f = fields(n, "network", &["id", "name", "labels"]);
            Network {
                id: string(f.get("id"), ""),
                name: string(f.get("name"), ""),
                driver: "bridge".into(),
                labels: string_map(f.get("labels")),
            }
        })
        .collect();
    let volumes = list("volumes")
        .iter()
        .map(|n| {
            let f = fields(n, "volume", &["name", "labels"]);
            Volume {
                name: string(f.get("name"), ""),
                driver: "local".into(),
                labels: string_map(f.get("labels")),
                mountpoint: String::new(),
                scope: "local".into(),
            }
        })
        .collect();
    let details = o
        .get("details")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(id, d)| (id.clone(), d.clone()))
        .collect();
    Observed {
        containers,
        networks,
        volumes,
        details,
    }
}

fn container(index: usize, v: &Value) -> Container {
    let f = fields(
        v,
        "container",
        &[
            "name",
            "id",
            "service",
            "number",
            "hash",
            "image_digest",
            "oneoff",
            "project",
            "labels",
            "state",
            "created",
            "networks",
            "mounts",
        ],
    );
    let mut labels = string_map(f.get("labels"));
    labels.insert(labels::PROJECT.into(), string(f.get("project"), "demo"));
    for (key, label) in [
        ("service", labels::SERVICE),
        ("hash", labels::CONFIG_HASH),
        ("image_digest", labels::IMAGE_DIGEST),
    ] {
        if let Some(v) = f.get(key) {
            labels.insert(label.into(), string(Some(v), ""));
        }
    }
    if let Some(n) = f.get("number") {
        labels.insert(labels::CONTAINER_NUMBER.into(), n.to_string());
    }
    if boolean(f.get("oneoff"), false) {
        labels.insert(labels::ONEOFF.into(), "True".into());
    }
    let mounts = strings(f.get("mounts"))
        .into_iter()
        .map(|name| MountPoint {
            kind: "volume".into(),
            name,
            source: String::new(),
            destination: "/data".into(),
            rw: true,
        })
        .collect();
    Container {
        id: string(f.get("id"), &format!("c{index:011}")),
        name: string(f.get("name"), ""),
        image: String::new(),
        image_id: String::new(),
        command: String::new(),
        created: f.get("created").map_or(0, |c| c.as_i64().unwrap()),
        state: ContainerState::parse(&string(f.get("state"), "running")),
        status: String::new(),
        labels,
        networks: string_map(f.get("networks")),
        mounts,
        ports: Vec::new(),
    }
}

/// `down`: the project `down` is run for (default `demo`), `no_file` (no
/// compose file: no desired state), and its options.
fn down(v: Option<&Value>) -> (String, bool, DownOptions) {
    let empty = json!({});
    let f = fields(
        v.unwrap_or(&empty),
        "down",
        &["project", "no_file", "volumes", "remove_orphans", "images"],
    );
    let options = DownOptions {
        volumes: boolean(f.get("volumes"), false),
        remove_orphans: boolean(f.get("remove_orphans"), false),
        images: strings(f.get("images")),
    };
    (
        string(f.get("project"), "demo"),
        boolean(f.get("no_file"), false),
        options,
    )
}

fn to_json<T: serde::Serialize>(v: &T) -> Value {
    serde_json::to_value(v).unwrap()
}

/// Runs `step` on a case's input; its decisions as JSON.
fn run(step: &str, input: &Value) -> Value {
    let top = fields(
        input,
        "input.yaml",
        &["desired", "observed", "service", "recreated", "down"],
    );
    let desired = desired(top.get("desired").unwrap_or(&json!({})));
    let observed = observed(top.get("observed").unwrap_or(&json!({})));
    match step {
        "networks" => match steps::networks(&desired, &observed) {
            Ok(n) => to_json(&n),
            Err(e) => json!({ "error": e.to_string() }),
        },
        "volumes" => match steps::volumes(&desired, &observed) {
            Ok(v) => to_json(&v),
            Err(e) => json!({ "error": e.to_string() }),
        },
        "orphans" => to_json(&steps::orphans(&desired, &observed)),
        "containers" => {
            let name = string(top.get("service"), "");
            let service = desired
                .services
                .get(&name)
                .unwrap_or_else(|| panic!("service {name:?} is not in desired.services"));
            let recreated: BTreeSet<String> = strings(top.get("recreated")).into_iter().collect();
            to_json(&steps::containers(&desired, service, &observed, &recreated))
        }
        "waits" => {
            let order = steps::service_order(&desired);
            let dependency_waits: Map<String, Value> = order
                .iter()
                .map(|s| {
                    let waits = steps::dependency_waits(&desired, &desired.services[s]);
                    (s.clone(), to_json(&waits))
                })
                .collect();
            json!({
                "service_order": order,
                "dependency_waits": dependency_waits,
                "ready_waits": steps::ready_waits(&desired, &order),
            })
        }
        "down-containers" | "down-resources" => {
            let (project, no_file, options) = down(top.get("down"));
            let desired = (!no_file).then_some(&desired);
            if step == "down-containers" {
                to_json(&steps::down_containers(
                    &project, desired, &observed, &options,
                ))
            } else {
                to_json(&steps::down_resources(
                    &project, desired, &observed, &options,
                ))
            }
        }
        other => panic!("no step {other}"),
    }
}

/// One case: the step's decisions on `input.yaml`, compared with `expected.snap`.
fn check(step: &str, case: &str) {
    let dir = fixtures().join(step).join(case);
    let input = dir.join("input.yaml");
    assert!(input.exists(), "{}: no input.yaml", dir.display());
    let out = serde_json::to_string_pretty(&run(step, &read_yaml(&input))).unwrap();
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(&dir);
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings.set_input_file(&input);
    settings.bind(|| insta::assert_snapshot!("expected", out));
}

#[test]
fn every_step_case() {
    let found = names(&fixtures());
    assert_eq!(found, {
        let mut s = STEPS.map(String::from).to_vec();
        s.sort();
        s
    });
    for step in STEPS {
        let cases = names(&fixtures().join(step));
        assert!(!cases.is_empty(), "step {step} has no cases");
        for case in cases {
            check(step, &case);
        }
    }
}
