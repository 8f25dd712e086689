//! Compose's semantic rules, beyond what the JSON schema can say.
//!
//! Two groups, as in compose-go: checks on the merged tree before normalisation
//! (`validation/validation.go`: secret/config sources, external resources with
//! extra attributes, port host IPs, device requests) and consistency checks on
//! the final project (`loader/validate.go`: undefined networks, volumes,
//! secrets, configs and services, `network_mode` with `networks`, scale rules,
//! mount targets used twice, dependency cycles). Unlike compose-go, every
//! violation is reported, each with the span of the offending value.

use super::merge::go_sprint;
use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::node::{Map, Node, Resolved};
use crate::suggest::{did_you_mean, Likeness};
use std::collections::{BTreeMap, BTreeSet};

fn err(code: Code, msg: String, path: String, node: Option<&Node>, help: &str) -> Diagnostic {
    let mut d = Diagnostic::error(code, msg).with_path(path).with_help(help);
    if let Some(n) = node {
        d = d.with_span(n.span);
    }
    d
}

fn key_span_diag(m: &Map, key: &str, d: Diagnostic) -> Diagnostic {
    match m.entry(key) {
        Some(e) => d.with_span(e.key_span),
        None => d,
    }
}

/// The pre-normalisation checks of compose-go's `validation.Validate`.
pub fn check_model(root: &Node, diags: &mut Diagnostics) {
    for (kind, keys) in [
        ("configs", &["file", "environment", "content"][..]),
        ("secrets", &["file", "environment"][..]),
    ] {
        let Some(top) = root.get(kind).and_then(Node::as_map) else {
            continue;
        };
        for (name, r) in top.iter() {
            let Some(m) = r.as_map() else { continue };
            let present: Vec<&str> = keys.iter().copied().filter(|k| m.contains_key(k)).collect();
            let path = format!("{kind}.{name}");
            if present.len() > 1 {
                let d = err(
                    Code::ResourceSource,
                    format!(
                        "{path}: {} attributes are mutually exclusive",
                        keys.join("|")
                    ),
                    path.clone(),
                    m.get(present[1]),
                    &format!("keep only one of {}", present.join(", ")),
                );
                diags.push(key_span_diag(m, present[1], d));
            } else if present.is_empty() && !m.contains_key("driver") && !m.contains_key("external")
            {
                let singular = &kind[..kind.len() - 1];
                diags.push(err(
                    Code::ResourceSource,
                    format!("{path}: one of {} must be set", keys.join("|")),
                    path,
                    Some(r),
                    &format!(
                        "say where the {singular}'s content comes from, e.g. `file: ./{name}.txt`"
                    ),
                ));
            }
        }
    }
    for kind in ["volumes", "networks", "secrets", "configs"] {
        let Some(top) = root.get(kind).and_then(Node::as_map) else {
            continue;
        };
        for (name, r) in top.iter() {
            let Some(m) = r.as_map() else { continue };
            if kind != "volumes" && kind != "networks" {
                // compose-go checks only volumes here; networks/secrets/configs below
            }
            let external = m.get("external");
            if !matches!(external.and_then(Node::resolve), Some(Resolved::Bool(true))) {
                continue;
            }
            if kind != "volumes" {
                continue;
            }
            for (k, _) in m.iter() {
                if k == "name" || k == "external" || k.starts_with("x-") {
                    continue;
                }
                let d = err(
                    Code::ExternalConflict,
                    format!("{kind}.{name}: conflicting parameters \"external\" and \"{k}\" specified"),
                    format!("{kind}.{name}.{k}"),
                    m.get(k),
                    "an external resource is created outside compose: remove the other attributes, or drop `external: true`",
                );
                diags.push(key_span_diag(m, k, d).with_label(
                    external.map(|e| e.span).unwrap_or_default(),
                    "declared external here",
                ));
            }
        }
    }
    let Some(services) = root.get("services").and_then(Node::as_map) else {
        return;
    };
    for (sname, s) in services.iter() {
        if let Some(vols) = s.get("volumes").and_then(Node::as_seq) {
            for (i, v) in vols.iter().enumerate() {
                if v.get("type").and_then(Node::as_text) == Some("bind")
                    && v.get("source").is_none()
                {
                    diags.push(err(
                        Code::VolumeSpec,
                        "invalid mount config for type \"bind\": field Source must not be empty"
                            .into(),
                        format!("services.{sname}.volumes[{i}]"),
                        Some(v),
                        "add `source:` with the host path to mount",
                    ));
                }
            }
        }
        if let Some(ports) = s.get("ports").and_then(Node::as_seq) {
            for (i, p) in ports.iter().enumerate() {
                if let Some(ip) = p.get("host_ip") {
                    let t = go_sprint(ip);
                    if t.parse::<std::net::IpAddr>().is_err() {
                        diags.push(err(
                            Code::PortSpec,
                            format!("services.{sname}.ports.[]: invalid ip address: {t}"),
                            format!("services.{sname}.ports[{i}].host_ip"),
                            Some(ip),
                            "use an IPv4 or IPv6 address such as 127.0.0.1 or ::1",
                        ));
                    }
                }
            }
        }
        if let Some(w) = s
            .get("develop")
            .and_then(|d| d.get("watch"))
            .and_then(Node::as_seq)
        {
            for (i, e) in w.iter().enumerate() {
                if let Some(p) = e.get("path") {
                    if p.as_text() == Some("") {
                        diags.push(err(
                            Code::Schema,
                            format!("services.{sname}.develop.watch.[].path: value can't be blank"),
                            format!("services.{sname}.develop.watch[{i}].path"),
                            Some(p),
                            "give the path to watch",
                        ));
                    }
                }
            }
        }
        let mut reqs: Vec<(String, &Node)> = Vec::new();
        if let Some(d) = s
            .get("deploy")
            .and_then(|d| d.get("resources"))
            .and_then(|r| r.get("reservations"))
            .and_then(|r| r.get("devices"))
            .and_then(Node::as_seq)
        {
            for (i, e) in d.iter().enumerate() {
                reqs.push((
                    format!("services.{sname}.deploy.resources.reservations.devices[{i}]"),
                    e,
                ));
            }
        }
        if let Some(g) = s.get("gpus").and_then(Node::as_seq) {
            for (i, e) in g.iter().enumerate() {
                reqs.push((format!("services.{sname}.gpus[{i}]"), e));
            }
        }
        for (path, e) in reqs {
            if let Some(m) = e.as_map() {
                if m.contains_key("count") && m.contains_key("device_ids") {
                    let d = err(
                        Code::Schema,
                        format!("{path}: \"count\" and \"device_ids\" attributes are exclusive"),
                        path.clone(),
                        m.get("device_ids"),
                        "use either `count` or `device_ids`",
                    );
                    diags.push(key_span_diag(m, "device_ids", d));
                }
            }
        }
    }
}

fn undefined_help(kind: &str, name: &str, defined: &BTreeSet<String>) -> String {
    match did_you_mean(name, defined, Likeness::Name) {
        Some(c) => {
            format!("did you mean `{c}`? Otherwise declare it under the top-level `{kind}:` key")
        }
        None => format!("declare `{name}` under the top-level `{kind}:` key"),
    }
}

fn names(root: &Node, kind: &str) -> BTreeSet<String> {
    root.get(kind)
        .and_then(Node::as_map)
        .map(|m| m.keys().map(|k| k.to_string()).collect())
        .unwrap_or_default()
}

/// compose-go's `checkConsistency` (+ container name unicity), reporting every violation.
///
/// `disabled` holds services switched off by profiles: a dependency on one of them
/// is allowed when it is not required, and otherwise named with its profiles.
pub fn check_consistency(
    root: &Node,
    disabled: &BTreeMap<String, Vec<String>>,
    diags: &mut Diagnostics,
) {
    let Some(services) = root.get("services").and_then(Node::as_map) else {
        return;
    };
    let networks = names(root, "networks");
    let volumes = names(root, "volumes");
    let secrets = names(root, "secrets");
    let configs = names(root, "configs");
    let models = names(root, "models");
    let service_names: BTreeSet<String> = services.keys().map(|k| k.to_string()).collect();
    let mut container_names: BTreeMap<String, (String, &Node)> = BTreeMap::new();

    for (name, s) in services.iter() {
        let Some(sm) = s.as_map() else { continue };
        let p = |k: &str| format!("services.{name}.{k}");

        if !sm.contains_key("image") && !sm.contains_key("build") && !sm.contains_key("provider") {
            diags.push(
                Diagnostic::error(
                    Code::MissingImageOrBuild,
                    format!("service {name:?} has neither an image nor a build context specified"),
                )
                .with_path(format!("services.{name}"))
                .with_span(services.entry(name).map(|e| e.key_span).unwrap_or(s.span))
                .with_help("add `image: NAME[:TAG]` or `build: ./DIR`"),
            );
        }
        if let Some(build) = sm.get("build").and_then(Node::as_map) {
            let df = build
                .get("dockerfile")
                .and_then(Node::as_text)
                .unwrap_or("");
            let dfi = build
                .get("dockerfile_inline")
                .and_then(Node::as_text)
                .unwrap_or("");
            if !df.is_empty() && !dfi.is_empty() {
                diags.push(err(
                    Code::Schema,
                    format!("service {name:?} declares mutualy exclusive dockerfile and dockerfile_inline"),
                    p("build"),
                    build.get("dockerfile_inline"),
                    "keep either `dockerfile` or `dockerfile_inline`",
                ));
            }
            if let Some(ac) = build.get("additional_contexts").and_then(Node::as_map) {
                for (add, c) in ac.iter() {
                    if let Some(target) = c.as_text().and_then(|t| t.strip_prefix("service:")) {
                        match services.get(target) {
                            None => diags.push(err(
                                Code::UndefinedService,
                                format!("service {name:?} declares unknown service {target:?} as additional contexts {add}"),
                                p(&format!("build.additional_contexts.{add}")),
                                Some(c),
                                "name a service of this project that has a `build` section",
                            )),
                            Some(t) if t.get("build").is_none() => diags.push(err(
                                Code::UndefinedService,
                                format!("service {name:?} declares non-buildable service {target:?} as additional contexts {add}"),
                                p(&format!("build.additional_contexts.{add}")),
                                Some(c),
                                "the referenced service needs a `build` section",
                            )),
                            _ => {}
                        }
                    }
                }
            }
            if let (Some(plats), Some(platform)) = (
                build.get("platforms").and_then(Node::as_seq),
                sm.get("platform").and_then(Node::as_text),
            ) {
                if !plats.is_empty()
                    && !platform.is_empty()
                    && !plats.iter().any(|x| x.as_text() == Some(platform))
                {
                    diags.push(err(
                        Code::Schema,
                        format!(
                            "service.build.platforms MUST include service.platform {platform:?}"
                        ),
                        p("build.platforms"),
                        build.get("platforms"),
                        "add the service's platform to build.platforms",
                    ));
                }
            }
        }
        let nets = sm.get("networks").and_then(Node::as_map);
        if let Some(nm) = sm.get("network_mode") {
            if nets.is_some_and(|n| !n.is_empty()) && nm.as_text().is_some_and(|t| !t.is_empty()) {
                diags.push(
                    err(
                        Code::NetworkModeWithNetworks,
                        format!("service {name} declares mutually exclusive `network_mode` and `networks`"),
                        p("network_mode"),
                        Some(nm),
                        "remove `networks` or `network_mode`",
                    )
                    .with_label(sm.get("networks").map(|n| n.span).unwrap_or_default(), "networks declared here"),
                );
            }
        }
        if let Some(nets) = nets {
            for (net, _) in nets.iter() {
                if net.starts_with("x-") {
                    // compose-go moves x- keys into extensions: the network is lost
                    let d = err(
                        Code::UndefinedNetwork,
                        format!("service {name:?} refers to network {net:?}, but names starting with `x-` are extensions, not networks"),
                        p(&format!("networks.{net}")),
                        None,
                        "rename the network so that it does not start with `x-`",
                    );
                    diags.push(key_span_diag(nets, net, d));
                    continue;
                }
                if !networks.contains(net.as_str()) {
                    let d = err(
                        Code::UndefinedNetwork,
                        format!("service {name:?} refers to undefined network {net}"),
                        p(&format!("networks.{net}")),
                        None,
                        &undefined_help("networks", net, &networks),
                    );
                    diags.push(key_span_diag(nets, net, d));
                }
            }
        }
        if let Some(test) = sm.get("healthcheck").and_then(|h| h.get("test")) {
            if let Some(first) = test.as_seq().and_then(|t| t.first()) {
                let f = go_sprint(first);
                if !matches!(f.as_str(), "CMD" | "CMD-SHELL" | "NONE") {
                    diags.push(err(
                        Code::Schema,
                        "healthcheck.test must start either by \"CMD\", \"CMD-SHELL\" or \"NONE\"".into(),
                        p("healthcheck.test[0]"),
                        Some(first),
                        "write [\"CMD\", \"prog\", \"arg\"] or [\"CMD-SHELL\", \"shell command\"], or a plain string",
                    ));
                }
            }
        }
        if let Some(deps) = sm.get("depends_on").and_then(Node::as_map) {
            for (dep, cfg) in deps.iter() {
                if service_names.contains(dep.as_str()) {
                    continue;
                }
                let required = !matches!(
                    cfg.get("required").and_then(Node::resolve),
                    Some(Resolved::Bool(false))
                );
                if let Some(profiles) = disabled.get(dep.as_str()) {
                    if !required {
                        continue;
                    }
                    let d = err(
                        Code::Profile,
                        format!("service {name:?} depends on service {dep:?}, which is disabled by its profiles"),
                        p(&format!("depends_on.{dep}")),
                        None,
                        &format!(
                            "enable one of its profiles ({}) with --profile or COMPOSE_PROFILES, or mark the dependency `required: false`",
                            profiles.join(", ")
                        ),
                    );
                    diags.push(key_span_diag(deps, dep, d));
                    continue;
                }
                let d = err(
                    Code::UndefinedService,
                    format!("service {name:?} depends on undefined service {dep:?}"),
                    p(&format!("depends_on.{dep}")),
                    None,
                    &match did_you_mean(dep, &service_names, Likeness::Name) {
                        Some(c) => format!("did you mean `{c}`?"),
                        None => "name a service defined under `services:`".into(),
                    },
                );
                diags.push(key_span_diag(deps, dep, d));
            }
        }
        if let Some(nm) = sm
            .get("network_mode")
            .and_then(|n| n.as_text().map(|t| (n, t)))
        {
            if let Some(target) = nm.1.strip_prefix("service:") {
                if !service_names.contains(target) && !disabled.contains_key(target) {
                    diags.push(err(
                        Code::UndefinedService,
                        format!("service {target:?} not found for network_mode 'service:{target}'"),
                        p("network_mode"),
                        Some(nm.0),
                        "name a service defined under `services:`",
                    ));
                }
            }
        }
        if let Some(vols) = sm.get("volumes").and_then(Node::as_seq) {
            for (i, v) in vols.iter().enumerate() {
                if v.get("type").and_then(Node::as_text) == Some("volume") {
                    if let Some(src) = v.get("source").and_then(Node::as_text) {
                        if !src.is_empty() && !volumes.contains(src) {
                            diags.push(err(
                                Code::UndefinedVolume,
                                format!("service {name:?} refers to undefined volume {src}"),
                                p(&format!("volumes[{i}]")),
                                Some(v),
                                &undefined_help("volumes", src, &volumes),
                            ));
                        }
                    }
                }
            }
        }
        let mut refs = |list: Option<&Node>,
                        kind: &str,
                        defined: &BTreeSet<String>,
                        code: Code,
                        what: &str,
                        path: &str| {
            if let Some(items) = list.and_then(Node::as_seq) {
                for (i, e) in items.iter().enumerate() {
                    let src = e.get("source").map(go_sprint).unwrap_or_default();
                    if !defined.contains(&src) {
                        diags.push(err(
                            code,
                            format!("service {name:?} refers to undefined {what} {src}"),
                            format!("services.{name}.{path}[{i}]"),
                            Some(e),
                            &undefined_help(kind, &src, defined),
                        ));
                    }
                }
            }
        };
        refs(
            sm.get("build").and_then(|b| b.get("secrets")),
            "secrets",
            &secrets,
            Code::UndefinedSecret,
            "build secret",
            "build.secrets",
        );
        refs(
            sm.get("configs"),
            "configs",
            &configs,
            Code::UndefinedConfig,
            "config",
            "configs",
        );
        refs(
            sm.get("secrets"),
            "secrets",
            &secrets,
            Code::UndefinedSecret,
            "secret",
            "secrets",
        );
        if let Some(ms) = sm.get("models").and_then(Node::as_map) {
            for (m, _) in ms.iter() {
                if !models.contains(m.as_str()) {
                    let d = err(
                        Code::UndefinedModel,
                        format!("service {name:?} refers to undefined model {m}"),
                        p(&format!("models.{m}")),
                        None,
                        &undefined_help("models", m, &models),
                    );
                    diags.push(key_span_diag(ms, m, d));
                }
            }
        }
        let int = |n: Option<&Node>| match n.and_then(Node::resolve) {
            Some(Resolved::Int(i)) => Some(i),
            _ => None,
        };
        let scale_node = sm.get("scale");
        let scale = int(scale_node);
        let replicas_node = sm.get("deploy").and_then(|d| d.get("replicas"));
        let replicas = int(replicas_node);
        if let (Some(s), Some(r)) = (scale, replicas) {
            if s != r {
                diags.push(
                    err(
                        Code::ScaleReplicasMismatch,
                        format!("services.{name}: can't set distinct values on 'scale' and 'deploy.replicas'"),
                        p("scale"),
                        scale_node,
                        "set only one of them, or the same value in both",
                    )
                    .with_label(replicas_node.map(|n| n.span).unwrap_or_default(), "deploy.replicas set here"),
                );
            }
        }
        if scale.is_some_and(|s| s < 0) {
            diags.push(err(
                Code::Schema,
                format!("services.{name}.scale: must be greater than or equal to 0"),
                p("scale"),
                scale_node,
                "use 0 or more",
            ));
        }
        if replicas.is_some_and(|s| s < 0) {
            diags.push(err(
                Code::Schema,
                format!("services.{name}.deploy.replicas: must be greater than or equal to 0"),
                p("deploy.replicas"),
                replicas_node,
                "use 0 or more",
            ));
        }
        let effective = scale.or(replicas).unwrap_or(1);
        if let Some(cn) = sm.get("container_name") {
            let cname = go_sprint(cn);
            if effective > 1 && !cname.is_empty() {
                let attr = if scale.is_some() {
                    "scale"
                } else {
                    "deploy.replicas"
                };
                diags.push(
                    err(
                        Code::ContainerNameWithScale,
                        format!("services.{name}: can't set container_name and {attr} as container name must be unique"),
                        p("container_name"),
                        Some(cn),
                        "remove container_name, or run a single replica",
                    )
                    .with_label(if scale.is_some() { scale_node } else { replicas_node }.map(|n| n.span).unwrap_or_default(), "more than one replica here"),
                );
            }
            if !cname.is_empty() {
                if let Some((other, first)) = container_names.get(&cname) {
                    diags.push(
                        err(
                            Code::DuplicateContainerName,
                            format!("services.{name}: container name {cname:?} is already in use by service {other}"),
                            p("container_name"),
                            Some(cn),
                            "container names must be unique: change one of them",
                        )
                        .with_label(first.span, "first used here"),
                    );
                } else {
                    container_names.insert(cname, (name.to_string(), cn));
                }
            }
        }
        if let Some(w) = sm
            .get("develop")
            .and_then(|d| d.get("watch"))
            .and_then(Node::as_seq)
        {
            for (i, e) in w.iter().enumerate() {
                let target = e.get("target").map(go_sprint).unwrap_or_default();
                let action = e.get("action").map(go_sprint).unwrap_or_default();
                if target.is_empty() && action != "rebuild" && action != "restart" {
                    diags.push(err(
                        Code::MissingKey,
                        format!("services.{name}.develop.watch: target is required for non-rebuild actions"),
                        p(&format!("develop.watch[{i}]")),
                        Some(e),
                        "add `target:` (the path inside the container)",
                    ));
                }
            }
        }
        let mut mounts: BTreeMap<String, (String, &Node)> = BTreeMap::new();
        if let Some(t) = sm.get("tmpfs").and_then(Node::as_seq) {
            for (i, e) in t.iter().enumerate() {
                let s = go_sprint(e);
                let path = s.split(':').next().unwrap_or_default().to_string();
                let loc = format!("services.{name}.tmpfs[{i}]");
                if let Some((prev, first)) = mounts.get(&path) {
                    diags.push(
                        err(
                            Code::Duplicate,
                            format!("{loc}: target {path} already mounted as {prev}"),
                            loc.clone(),
                            Some(e),
                            "mount each container path once",
                        )
                        .with_label(first.span, "first mounted here"),
                    );
                } else {
                    mounts.insert(path, (loc, e));
                }
            }
        }
        if let Some(vols) = sm.get("volumes").and_then(Node::as_seq) {
            for (i, v) in vols.iter().enumerate() {
                let target = v.get("target").map(go_sprint).unwrap_or_default();
                let loc = format!("services.{name}.volumes[{i}]");
                if let Some((prev, first)) = mounts.get(&target) {
                    diags.push(
                        err(
                            Code::Duplicate,
                            format!("{loc}: target {target} already mounted as {prev}"),
                            loc.clone(),
                            Some(v),
                            "mount each container path once",
                        )
                        .with_label(first.span, "first mounted here"),
                    );
                } else {
                    mounts.insert(target, (loc, v));
                }
            }
        }
    }
    if let Some(secrets) = root.get("secrets").and_then(Node::as_map) {
        for (name, s) in secrets.iter() {
            let external = matches!(
                s.get("external").and_then(Node::resolve),
                Some(Resolved::Bool(true))
            );
            let set = |k: &str| {
                s.get(k)
                    .and_then(Node::as_text)
                    .is_some_and(|t| !t.is_empty())
            };
            if !external && !set("file") && !set("environment") {
                let d = Diagnostic::error(
                    Code::ResourceSource,
                    format!("secret {name:?} must declare either `file` or `environment`"),
                )
                .with_path(format!("secrets.{name}"))
                .with_help(
                    "add `file: ./secret.txt` or `environment: VAR`, or mark it `external: true`",
                );
                diags.push(key_span_diag(secrets, name, d));
            }
        }
    }
    check_cycles(services, diags);
}

fn check_cycles(services: &Map, diags: &mut Diagnostics) {
    use petgraph_lite::tarjan;
    let names: Vec<&str> = services.keys().map(|k| k.as_str()).collect();
    let index: BTreeMap<&str, usize> = names.iter().enumerate().map(|(i, n)| (*n, i)).collect();
    let mut edges: Vec<Vec<usize>> = vec![Vec::new(); names.len()];
    for (i, (_, s)) in services.iter().enumerate() {
        if let Some(deps) = s.get("depends_on").and_then(Node::as_map) {
            for (d, _) in deps.iter() {
                if let Some(j) = index.get(d.as_str()) {
                    edges[i].push(*j);
                }
            }
        }
    }
    for comp in tarjan(&edges) {
        let is_cycle = comp.len() > 1 || edges[comp[0]].contains(&comp[0]);
        if !is_cycle {
            continue;
        }
        let mut members: Vec<usize> = comp.clone();
        members.sort_by_key(|i| names[*i]);
        // walk the cycle from the smallest name so the message reads as a chain
        let start = members[0];
        let mut chain = vec![start];
        let mut cur = start;
        loop {
            let next = edges[cur]
                .iter()
                .copied()
                .filter(|n| comp.contains(n))
                .min_by_key(|n| names[*n]);
            match next {
                Some(n) if n == start || chain.contains(&n) => {
                    chain.push(n);
                    break;
                }
                Some(n) => {
                    chain.push(n);
                    cur = n;
                }
                None => break,
            }
        }
        let text: Vec<&str> = chain.iter().map(|i| names[*i]).collect();
        let first = names[start];
        let span = services
            .get(first)
            .and_then(|s| s.get("depends_on"))
            .map(|d| d.span)
            .unwrap_or_default();
        let mut d = Diagnostic::error(Code::DependencyCycle, format!("dependency cycle detected: {}", text.join(" -> ")))
            .with_path(format!("services.{first}.depends_on"))
            .with_span(span)
            .with_help("remove one of these dependencies (depends_on, links, volumes_from or network_mode: service:...)");
        for m in &members[1..] {
            if let Some(dn) = services.get(names[*m]).and_then(|s| s.get("depends_on")) {
                d = d.with_label(dn.span, format!("{} is part of the cycle", names[*m]));
            }
        }
        diags.push(d);
    }
}

/// A minimal Tarjan SCC so the spec crate stays light (the engine uses petgraph).
mod petgraph_lite {
    pub fn tarjan(edges: &[Vec<usize>]) -> Vec<Vec<usize>> {
        struct St<'a> {
            edges: &'a [Vec<usize>],
            index: Vec<Option<usize>>,
            low: Vec<usize>,
            on: Vec<bool>,
            stack: Vec<usize>,
            next: usize,
            out: Vec<Vec<usize>>,
        }
        fn visit(st: &mut St<'_>, v: usize) {
            st.index[v] = Some(st.next);
            st.low[v] = st.next;
            st.next += 1;
            st.stack.push(v);
            st.on[v] = true;
            for &w in &st.edges[v] {
                match st.index[w] {
                    None => {
                        visit(st, w);
                        st.low[v] = st.low[v].min(st.low[w]);
                    }
                    Some(iw) if st.on[w] => st.low[v] = st.low[v].min(iw),
                    _ => {}
                }
            }
            if Some(st.low[v]) == st.index[v] {
                let mut comp = Vec::new();
                while let Some(w) = st.stack.pop() {
                    st.on[w] = false;
                    comp.push(w);
                    if w == v {
                        break;
                    }
                }
                st.out.push(comp);
            }
        }
        let n = edges.len();
        let mut st = St {
            edges,
            index: vec![None; n],
            low: vec![0; n],
            on: vec![false; n],
            stack: Vec::new(),
            next: 0,
            out: Vec::new(),
        };
        for v in 0..n {
            if st.index[v].is_none() {
                visit(&mut st, v);
            }
        }
        st.out
    }
}

/// Values the reference loads without complaint but the Docker engine
/// refuses when a container is created: `restart` must be `no`, `always`,
/// `unless-stopped` or `on-failure[:max-retries]`. Reported as warnings
/// ([`Code::EngineRejects`]): `config` shows them and goes on, as compose
/// does; commands that create containers refuse them before touching the
/// engine.
pub fn check_engine_values(root: &Node, diags: &mut Diagnostics) {
    let Some(services) = root.get("services").and_then(Node::as_map) else {
        return;
    };
    for (sname, s) in services.iter() {
        let Some(node) = s.get("restart") else {
            continue;
        };
        let Some(value) = node.as_text() else {
            continue;
        };
        let (name, retries) = match value.split_once(':') {
            Some((n, r)) => (n, Some(r)),
            None => (value, None),
        };
        let problem = match (name, retries) {
            ("" | "no" | "always" | "unless-stopped" | "on-failure", None) => None,
            ("on-failure", Some(r)) if r.parse::<u32>().is_ok() => None,
            ("on-failure", Some(r)) => Some(format!(
                "invalid restart policy {value:?}: the maximum retry count {r:?} is not a number"
            )),
            ("no" | "always" | "unless-stopped", Some(_)) => Some(format!(
                "invalid restart policy {value:?}: a maximum retry count can only be given with on-failure"
            )),
            _ => Some(format!(
                "invalid restart policy {value:?}: the Docker engine refuses it"
            )),
        };
        if let Some(message) = problem {
            let mut d = Diagnostic::warning(Code::EngineRejects, message)
                .with_path(format!("services.{sname}.restart"))
                .with_span(node.span)
                .with_help(
                    "use one of: no, always, unless-stopped, on-failure, on-failure:<max-retries>",
                );
            let names = ["no", "always", "unless-stopped", "on-failure"];
            let known = names.contains(&name);
            if let Some(s) = did_you_mean(name, &names, Likeness::Spelling).filter(|_| !known) {
                d = d.with_help(format!(
                    "did you mean `{s}`? Valid values: no, always, unless-stopped, on-failure, on-failure:<max-retries>"
                ));
            }
            diags.push(d);
        }
    }
}
