//! `hoist up -d` and `docker compose up -d` on the same fixture, under two
//! project names, create the same objects: names, labels, config hashes,
//! container Config/HostConfig, mounts, network attachments, networks, volumes.

use serde_json::Value;

use crate::e2e_project;
use crate::harness::{docker, inspect, lines, Project};

/// Replaces the project name and the container's id by placeholders.
fn norm(v: &Value, project: &str, id: &str) -> Value {
    let s = v.to_string();
    let s = s.replace(id, "ID").replace(&id[..12], "ID");
    let s = s.replace(project, "PROJECT");
    serde_json::from_str(&s).unwrap()
}

struct Side {
    project: String,
    names: Vec<String>,
    networks: Vec<String>,
    volumes: Vec<String>,
}

fn side(p: &Project, project: &str) -> Side {
    let filter = format!("label=com.docker.compose.project={project}");
    let ls = |kind: &str| -> Vec<String> {
        let mut v = lines(
            &docker(&[kind, "ls", "--filter", &filter, "--format", "{{.Name}}"])
                .ok()
                .stdout,
        );
        v.sort();
        v
    };
    let mut names: Vec<String> = crate::harness::containers_of(project)
        .into_iter()
        .map(|c| c.name)
        .collect();
    names.sort();
    let _ = p;
    Side {
        project: project.to_string(),
        names,
        networks: ls("network"),
        volumes: ls("volume"),
    }
}

fn subst(v: &[String], project: &str) -> Vec<String> {
    v.iter().map(|s| s.replace(project, "PROJECT")).collect()
}

/// The parts of `docker inspect` that `up` decides.
fn container_view(name: &str, project: &str) -> Value {
    let c = inspect(name);
    let id = c["Id"].as_str().unwrap().to_string();
    let mut mounts: Vec<Value> = c["Mounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            // Anonymous volumes have random names; bind sources are the same directory.
            let name = if m["Type"] == "volume" && m["Name"].as_str().unwrap_or("").len() == 64 {
                Value::from("ANON")
            } else {
                m["Name"].clone()
            };
            serde_json::json!({"Type": m["Type"], "Name": name, "Destination": m["Destination"], "RW": m["RW"], "Source": if m["Type"] == "bind" { m["Source"].clone() } else { Value::Null }})
        })
        .collect();
    mounts.sort_by_key(|m| m.to_string());
    let mut nets = serde_json::Map::new();
    for (k, n) in c["NetworkSettings"]["Networks"].as_object().unwrap() {
        let mut aliases: Vec<String> = n["Aliases"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.as_str())
                    .filter(|x| *x != &id[..12]) // the engine adds the short id
                    .map(String::from)
                    .collect()
            })
            .unwrap_or_default();
        aliases.sort();
        nets.insert(
            k.clone(),
            serde_json::json!({"Aliases": aliases, "IPAMConfig": n["IPAMConfig"], "DriverOpts": n["DriverOpts"], "Links": n["Links"]}),
        );
    }
    // docker compose orders Binds nondeterministically (a Go map); the order
    // has no meaning to the engine.
    let mut host = c["HostConfig"].clone();
    if let Some(b) = host["Binds"].as_array_mut() {
        b.sort_by_key(|x| x.to_string());
    }
    // Env too comes from a Go map in docker compose.
    let mut config = c["Config"].clone();
    if let Some(e) = config["Env"].as_array_mut() {
        e.sort_by_key(|x| x.to_string());
    }
    let v = serde_json::json!({
        "Name": c["Name"],
        "Config": config,
        "HostConfig": host,
        "Mounts": mounts,
        "Networks": nets,
    });
    norm(&v, project, &id)
}

fn network_view(name: &str, project: &str) -> Value {
    let n = inspect(name);
    let v = serde_json::json!({
        "Name": n["Name"], "Driver": n["Driver"], "Labels": n["Labels"], "Options": n["Options"],
        "Internal": n["Internal"], "Attachable": n["Attachable"], "EnableIPv6": n["EnableIPv6"],
        "IPAMDriver": n["IPAM"]["Driver"],
    });
    norm(&v, project, "-no-id-here-")
}

fn volume_view(name: &str, project: &str) -> Value {
    let n = inspect(name);
    let v = serde_json::json!({"Name": n["Name"], "Driver": n["Driver"], "Labels": n["Labels"], "Options": n["Options"]});
    norm(&v, project, "-no-id-here-")
}

#[track_caller]
fn assert_same(what: &str, h: &Value, o: &Value) {
    if h != o {
        panic!(
            "{what} differs between hoist and docker compose\n--- hoist\n{}\n--- docker compose\n{}",
            serde_json::to_string_pretty(h).unwrap(),
            serde_json::to_string_pretty(o).unwrap()
        );
    }
}

/// One compatibility case: the fixture, brought up by each tool.
fn compat_case(case: &str, fixture: &str) {
    let Some(p) = e2e_project!(case, fixture) else {
        return;
    };
    let oracle = format!("{}-oracle", p.name);
    p.hoist(&["up", "-d"]).ok();
    p.compose_as(&oracle, &["up", "-d"]).ok();
    let h = side(&p, &p.name);
    let o = side(&p, &oracle);
    assert!(!h.names.is_empty());
    assert_eq!(
        subst(&h.names, &h.project),
        subst(&o.names, &o.project),
        "container names"
    );
    assert_eq!(
        subst(&h.networks, &h.project),
        subst(&o.networks, &o.project),
        "networks"
    );
    assert_eq!(
        subst(&h.volumes, &h.project),
        subst(&o.volumes, &o.project),
        "volumes"
    );
    for (hn, on) in h.names.iter().zip(&o.names) {
        let hv = container_view(hn, &h.project);
        let ov = container_view(on, &o.project);
        // Labels first: the clearest message, and the config hash among them.
        assert_same(
            &format!("labels of {hn}"),
            &hv["Config"]["Labels"],
            &ov["Config"]["Labels"],
        );
        assert_eq!(
            hv["Config"]["Labels"]["com.docker.compose.config-hash"],
            ov["Config"]["Labels"]["com.docker.compose.config-hash"]
        );
        assert_same(&format!("Config of {hn}"), &hv["Config"], &ov["Config"]);
        assert_same(
            &format!("HostConfig of {hn}"),
            &hv["HostConfig"],
            &ov["HostConfig"],
        );
        assert_same(&format!("mounts of {hn}"), &hv["Mounts"], &ov["Mounts"]);
        assert_same(
            &format!("networks of {hn}"),
            &hv["Networks"],
            &ov["Networks"],
        );
    }
    // Networks and volumes hash their full name: compared without the hash
    // here, and with it below under one project name.
    let unhashed = |mut v: Value| {
        v["Labels"]
            .as_object_mut()
            .map(|l| l.remove("com.docker.compose.config-hash"));
        v
    };
    for (hn, on) in h.networks.iter().zip(&o.networks) {
        assert_same(
            &format!("network {hn}"),
            &unhashed(network_view(hn, &h.project)),
            &unhashed(network_view(on, &o.project)),
        );
    }
    for (hn, on) in h.volumes.iter().zip(&o.volumes) {
        assert_same(
            &format!("volume {hn}"),
            &unhashed(volume_view(hn, &h.project)),
            &unhashed(volume_view(on, &o.project)),
        );
    }
    let views = || -> Vec<Value> {
        let s = side(&p, &p.name);
        let mut v: Vec<Value> = s
            .networks
            .iter()
            .map(|n| network_view(n, &p.name))
            .collect();
        v.extend(s.volumes.iter().map(|n| volume_view(n, &p.name)));
        v.extend(
            s.names
                .iter()
                .map(|n| container_view(n, &p.name)["Config"]["Labels"].clone()),
        );
        v
    };
    let by_hoist = views();
    p.hoist(&["down", "-v", "-t", "0"]).ok();
    p.compose(&["up", "-d"]).ok();
    let by_compose = views();
    assert_eq!(by_hoist.len(), by_compose.len());
    for (h, o) in by_hoist.iter().zip(&by_compose) {
        assert_same("under one project name", h, o);
    }
}

#[test]
fn compat_broad_service() {
    compat_case("compat", "compat");
}

#[test]
fn compat_dependencies_and_volumes() {
    compat_case("compat-cross", "cross");
}
