//! The model → Engine API mapping against Docker Compose v2.40.3 itself.
//!
//! Each case is a directory `fixtures/engine/convert/<case>/` with a
//! `compose.yaml`. Two tests run over all of them through one helper each:
//!
//! * `snapshots`: the container/network/volume bodies hoist computes, as insta
//!   snapshots (no Docker needed; paths of the checkout are redacted).
//! * `oracle`: when Docker is available, `docker compose up --no-start` makes
//!   the project; then for every container compose made, hoist's labels must
//!   equal its `Config.Labels` (config-hash included), and a container created
//!   from hoist's body through the Engine API must inspect the same as
//!   compose's (`Config` and `HostConfig` whole, network aliases), and
//!   networks/volumes must carry the same labels. Without Docker the test
//!   prints why and passes, unless `HOIST_REQUIRE_DOCKER=1`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use compose_engine::convert::{
    container_labels, container_name, container_spec, image_name, network_body, resolve_references,
    volume_body, ProjectMeta, Resolved,
};
use compose_engine::model::Project;
use serde_json::{json, Value};

/// Engine API version the snapshots are taken for (Docker 20.10, the one in CI).
const SNAPSHOT_API: (u32, u32) = (1, 41);

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/engine/convert")
}

fn cases() -> Vec<(String, PathBuf)> {
    let mut out: Vec<(String, PathBuf)> = std::fs::read_dir(fixtures())
        .expect("fixtures/engine/convert")
        .filter_map(|e| {
            let e = e.ok()?;
            let p = e.path();
            p.join("compose.yaml")
                .exists()
                .then(|| (e.file_name().to_string_lossy().into_owned(), p))
        })
        .collect();
    out.sort();
    out
}

/// Loads a fixture the way `docker compose -p <name> up` does.
fn load(dir: &Path, name: &str) -> (Project, ProjectMeta) {
    let dir = dir.canonicalize().unwrap();
    let mut o = compose_spec::loader::LoadOptions::new(&dir);
    o.files = vec![dir.join("compose.yaml")];
    o.project_name = Some(name.to_string());
    o.os_env = std::env::vars().collect();
    o.env_files = cli_env_file(&dir).into_iter().map(PathBuf::from).collect();
    let loaded = compose_spec::loader::load(&o);
    assert!(!loaded.has_errors(), "{:?}", loaded.diagnostics);
    let meta = ProjectMeta::from_loaded(&loaded, &cli_env_file(&dir));
    let project = loaded.project.expect("project");
    (project, meta)
}

/// `--env-file <case>/custom.env` when the case has one.
fn cli_env_file(dir: &Path) -> Vec<String> {
    let f = dir.join("custom.env");
    if f.exists() {
        vec![f.to_string_lossy().into_owned()]
    } else {
        vec![]
    }
}

/// Everything hoist would send for a project: container bodies (replica 1 of
/// each service, other services' containers given placeholder ids), networks
/// and volumes.
fn bodies(project: &Project, meta: &ProjectMeta) -> Value {
    let mut resolved = Resolved::default();
    for s in project.services.values() {
        let name = container_name(&meta.name, s, 1);
        resolved
            .containers
            .insert(s.name.clone(), vec![(name, format!("<id of {}>", s.name))]);
    }
    let mut containers = serde_json::Map::new();
    for s in project.services.values() {
        let name = container_name(&meta.name, s, 1);
        let spec = container_spec(meta, project, s, 1, &name, SNAPSHOT_API, &resolved);
        let extra: serde_json::Map<String, Value> = spec.extra_networks.into_iter().collect();
        containers.insert(name, json!({"body": spec.body, "extra_networks": extra}));
    }
    let networks: serde_json::Map<String, Value> = project
        .networks
        .iter()
        .filter(|(_, n)| !n.external)
        .map(|(k, n)| (k.clone(), network_body(meta, k, n)))
        .collect();
    let volumes: serde_json::Map<String, Value> = project
        .volumes
        .iter()
        .filter(|(_, v)| !v.external)
        .map(|(k, v)| (k.clone(), volume_body(meta, k, v)))
        .collect();
    json!({"containers": containers, "networks": networks, "volumes": volumes})
}

#[test]
fn snapshots() {
    for (case, dir) in cases() {
        let (project, meta) = load(&dir, &format!("convert-{case}"));
        let text = serde_json::to_string_pretty(&bodies(&project, &meta)).unwrap();
        let text = text.replace(
            &dir.canonicalize().unwrap().to_string_lossy().into_owned(),
            "<dir>",
        );
        let mut settings = insta::Settings::clone_current();
        // hashes cover absolute paths of the checkout
        settings.add_filter(
            r#""com.docker.compose.config-hash": "[0-9a-f]{64}""#,
            r#""com.docker.compose.config-hash": "<hash>""#,
        );
        settings.set_snapshot_suffix(case.clone());
        settings.bind(|| insta::assert_snapshot!("bodies", text));
    }
}

// ---------------------------------------------------------------- oracle

fn docker(args: &[&str], dir: Option<&Path>) -> Result<String, String> {
    let mut c = Command::new("docker");
    c.args(args);
    if let Some(d) = dir {
        c.current_dir(d);
    }
    let out = c.output().map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err(format!(
            "docker {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

fn inspect(kind: &str, id: &str) -> Value {
    let text = docker(&[kind, "inspect", id], None).unwrap();
    let v: Value = serde_json::from_str(&text).unwrap();
    v[0].clone()
}

/// POSTs to the Engine API on the default socket.
fn engine_post(path: &str, body: &Value) -> Value {
    let out = Command::new("curl")
        .args([
            "-sS",
            "--unix-socket",
            "/var/run/docker.sock",
            "-H",
            "Content-Type: application/json",
            "-X",
            "POST",
            "--data-binary",
            &body.to_string(),
            &format!("http://localhost/v1.41{path}"),
        ])
        .output()
        .expect("curl");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    serde_json::from_str(&text).unwrap_or(Value::String(text))
}

/// Sorts the arrays whose order compose leaves to Go map iteration.
fn normalize(v: &mut Value, own_id: &str, own_name: &str, oracle_name: &str) {
    let c = &mut v["Config"];
    for k in ["Env"] {
        if let Some(a) = c[k].as_array_mut() {
            a.sort_by_key(|x| x.to_string());
        }
    }
    let dep = &mut c["Labels"]["com.docker.compose.depends_on"];
    if let Some(d) = dep.as_str() {
        let mut v: Vec<&str> = d.split(',').collect();
        v.sort();
        *dep = json!(v.join(","));
    }
    if c["Hostname"].as_str() == Some(&own_id[..12]) {
        c["Hostname"] = json!("<id>");
    }
    let h = &mut v["HostConfig"];
    for k in [
        "Binds",
        "ExtraHosts",
        "Ulimits",
        "Mounts",
        "Devices",
        "Links",
    ] {
        if let Some(a) = h[k].as_array_mut() {
            a.sort_by_key(|x| x.to_string());
        }
    }
    if let Some(nets) = v["NetworkSettings"]["Networks"].as_object_mut() {
        for n in nets.values_mut() {
            if let Some(a) = n["Aliases"].as_array_mut() {
                a.retain(|x| x.as_str() != Some(&own_id[..12]));
            }
        }
    }
    // links name the container they belong to
    let text = v
        .to_string()
        .replace(&format!("/{own_name}/"), &format!("/{oracle_name}/"));
    *v = serde_json::from_str(&text).unwrap();
}

fn pick(v: &Value) -> Value {
    let nets: BTreeMap<String, Value> = v["NetworkSettings"]["Networks"]
        .as_object()
        .map(|m| {
            m.iter()
                .map(|(k, n)| {
                    let keep = json!({
                        "Aliases": n["Aliases"], "IPAMConfig": n["IPAMConfig"],
                        "Links": n["Links"], "MacAddress": n["MacAddress"],
                        "DriverOpts": n["DriverOpts"],
                    });
                    (k.clone(), keep)
                })
                .collect()
        })
        .unwrap_or_default();
    json!({"Config": v["Config"], "HostConfig": v["HostConfig"], "Networks": nets})
}

/// One case against `docker compose`: returns the differences found.
fn oracle_case(case: &str, dir: &Path) -> Vec<String> {
    let name = format!("hoistconv-{case}-{}", std::process::id());
    let dir = &dir.canonicalize().unwrap();
    let (project, meta) = load(dir, &name);
    let mut diffs = Vec::new();
    let file = dir.join("compose.yaml").to_string_lossy().into_owned();
    let _down = Down {
        name: name.clone(),
        file: file.clone(),
        made: Default::default(),
    };
    let mut args = vec!["compose", "-p", &name, "-f", &file];
    let env_file = cli_env_file(dir);
    for f in &env_file {
        args.extend(["--env-file", f.as_str()]);
    }
    args.extend(["up", "--no-start"]);
    docker(&args, Some(dir)).unwrap_or_else(|e| panic!("{case}: {e}"));
    let ps = docker(
        &[
            "ps",
            "-a",
            "--no-trunc",
            "--filter",
            &format!("label=com.docker.compose.project={name}"),
            "--format",
            "{{.ID}} {{.Names}}",
        ],
        None,
    )
    .unwrap();
    let mut resolved = Resolved::default();
    let mut oracle = Vec::new();
    for line in ps.lines() {
        let (id, cname) = line.split_once(' ').unwrap();
        let i = inspect("container", id);
        let svc = i["Config"]["Labels"]["com.docker.compose.service"]
            .as_str()
            .unwrap()
            .to_string();
        resolved
            .containers
            .entry(svc.clone())
            .or_default()
            .push((cname.to_string(), id.to_string()));
        oracle.push((svc, id.to_string(), cname.to_string(), i));
    }
    assert!(!oracle.is_empty(), "{case}: compose made no container");
    for (svc, id, cname, i) in &oracle {
        let service = &project.services[svc];
        let number: u32 = i["Config"]["Labels"]["com.docker.compose.container-number"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
        let mut r = resolved.clone();
        r.image_digest = docker(
            &[
                "image",
                "inspect",
                "--format",
                "{{.Id}}",
                &image_name(&name, service),
            ],
            None,
        )
        .ok()
        .map(|s| s.trim().to_string());
        // labels, config-hash included
        let resolved_service = resolve_references(service, &r).unwrap();
        let ours = container_labels(
            &meta,
            &project,
            &resolved_service,
            number,
            r.image_digest.as_deref(),
        );
        let mut theirs: BTreeMap<String, String> =
            serde_json::from_value(i["Config"]["Labels"].clone()).unwrap();
        let sorted = |s: &str| {
            let mut v: Vec<&str> = s.split(',').collect();
            v.sort();
            v.join(",")
        };
        let dep = "com.docker.compose.depends_on";
        if let Some(d) = theirs.get_mut(dep) {
            *d = sorted(d);
        }
        if ours != theirs {
            diffs.push(format!(
                "{case}/{svc}: labels\n ours:   {ours:?}\n theirs: {theirs:?}"
            ));
        }
        // the body, through the engine
        let spec = container_spec(&meta, &project, service, number, cname, (1, 41), &r);
        let own_name = format!("{cname}-hoist");
        let created = engine_post(&format!("/containers/create?name={own_name}"), &spec.body);
        let Some(own_id) = created["Id"].as_str().map(str::to_string) else {
            diffs.push(format!(
                "{case}/{svc}: engine refused our body: {created}\n{}",
                spec.body
            ));
            continue;
        };
        _down.made.borrow_mut().push(own_id.clone());
        for (net, ep) in &spec.extra_networks {
            let r = engine_post(
                &format!("/networks/{net}/connect"),
                &json!({"Container": own_id, "EndpointConfig": ep}),
            );
            if !(r.is_null() || r == json!("")) {
                diffs.push(format!("{case}/{svc}: connect {net}: {r}"));
            }
        }
        let mut a = inspect("container", id);
        let mut b = inspect("container", &own_id);
        normalize(&mut a, id, cname, cname);
        normalize(&mut b, &own_id, &own_name, cname);
        let (a, b) = (pick(&a), pick(&b));
        for part in ["Config", "HostConfig", "Networks"] {
            if a[part] != b[part] {
                diffs.push(format!(
                    "{case}/{svc}: {part} differs\n theirs: {}\n ours:   {}",
                    a[part], b[part]
                ));
            }
        }
    }
    // networks and volumes: labels
    for (k, n) in project.networks.iter().filter(|(_, n)| !n.external) {
        let ours = network_body(&meta, k, n);
        if let Ok(text) = docker(&["network", "inspect", &n.name], None) {
            let theirs: Value = serde_json::from_str(&text).unwrap();
            if ours["Labels"] != theirs[0]["Labels"] {
                diffs.push(format!(
                    "{case}: network {k} labels\n ours:   {}\n theirs: {}",
                    ours["Labels"], theirs[0]["Labels"]
                ));
            }
        }
    }
    for (k, v) in project.volumes.iter().filter(|(_, v)| !v.external) {
        let ours = volume_body(&meta, k, v);
        if let Ok(text) = docker(&["volume", "inspect", &v.name], None) {
            let theirs: Value = serde_json::from_str(&text).unwrap();
            if ours["Labels"] != theirs[0]["Labels"] {
                diffs.push(format!(
                    "{case}: volume {k} labels\n ours:   {}\n theirs: {}",
                    ours["Labels"], theirs[0]["Labels"]
                ));
            }
        }
    }
    diffs
}

/// Removes what a case made, even when it panics.
struct Down {
    name: String,
    file: String,
    made: std::cell::RefCell<Vec<String>>,
}

impl Drop for Down {
    fn drop(&mut self) {
        for id in self.made.borrow().iter() {
            let _ = docker(&["rm", "-f", "-v", id], None);
        }
        let _ = docker(
            &["compose", "-p", &self.name, "-f", &self.file, "down", "-v"],
            None,
        );
    }
}

#[test]
fn oracle() {
    if !test_support::engine_ready("the oracle comparison") {
        return;
    }
    test_support::ensure_image();
    let only = std::env::var("HOIST_CONVERT_CASE").ok();
    let mut diffs = Vec::new();
    for (case, dir) in cases() {
        if only.as_deref().is_some_and(|o| o != case) {
            continue;
        }
        diffs.extend(oracle_case(&case, &dir));
    }
    assert!(diffs.is_empty(), "{}", diffs.join("\n\n"));
}
