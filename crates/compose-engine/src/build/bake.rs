//! `build --print`: the bake file compose hands to `docker buildx bake`
//! (compose's `doBuildBake`), printed instead of built. Pure: the loaded
//! project and the command line in, the JSON text out, byte for byte as
//! compose's `json.MarshalIndent` writes it (struct fields in compose's
//! order, map keys sorted, Go's escapes).
//!
//! Targets are the services of the project that have a build section (dots
//! in names made `_`); the `default` group lists the ones being built.
//! Secrets appear by id and source, never with a value.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::{merged_args, Overrides};
use crate::model::{Project, ServiceConfig};

/// What the command line adds to the bake file.
#[derive(Debug, Clone, Default)]
pub struct BakeFlags {
    /// `--push`: registry outputs for services with an `image`.
    pub push: bool,
    /// `--check`: the targets are linted (`call: lint`), not built.
    pub check: bool,
}

#[derive(Serialize)]
struct Config {
    group: BTreeMap<String, Group>,
    target: BTreeMap<String, Target>,
}

#[derive(Serialize)]
struct Group {
    /// Go's nil slice when no target is built: `null`.
    targets: Option<Vec<String>>,
}

fn no(b: &bool) -> bool {
    !*b
}

#[derive(Serialize, Default)]
struct Target {
    #[serde(skip_serializing_if = "String::is_empty")]
    context: String,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    contexts: BTreeMap<String, String>,
    #[serde(skip_serializing_if = "String::is_empty")]
    dockerfile: String,
    #[serde(rename = "dockerfile-inline", skip_serializing_if = "String::is_empty")]
    dockerfile_inline: String,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    args: BTreeMap<String, String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    labels: BTreeMap<String, String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tags: Vec<String>,
    #[serde(rename = "cache-from", skip_serializing_if = "Vec::is_empty")]
    cache_from: Vec<String>,
    #[serde(rename = "cache-to", skip_serializing_if = "Vec::is_empty")]
    cache_to: Vec<String>,
    #[serde(skip_serializing_if = "String::is_empty")]
    target: String,
    #[serde(rename = "secret", skip_serializing_if = "Vec::is_empty")]
    secrets: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    ssh: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    platforms: Vec<String>,
    #[serde(skip_serializing_if = "no")]
    pull: bool,
    #[serde(rename = "no-cache", skip_serializing_if = "no")]
    no_cache: bool,
    #[serde(rename = "network", skip_serializing_if = "String::is_empty")]
    network: String,
    #[serde(rename = "shm-size", skip_serializing_if = "is_zero")]
    shm_size: i64,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    ulimits: Vec<String>,
    #[serde(skip_serializing_if = "String::is_empty")]
    call: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    entitlements: Vec<String>,
    #[serde(rename = "extra-hosts", skip_serializing_if = "BTreeMap::is_empty")]
    extra_hosts: BTreeMap<String, String>,
    #[serde(rename = "output", skip_serializing_if = "Vec::is_empty")]
    outputs: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    attest: Vec<String>,
}

fn is_zero(n: &i64) -> bool {
    *n == 0
}

/// The bake file of `project`'s builds, the `default` group listing
/// `building` (services without a build section are left out of both).
pub fn bake_file(
    project: &Project,
    building: &[String],
    overrides: &Overrides,
    flags: &BakeFlags,
) -> String {
    // Target names: dots made `_`, a `_` more until unique.
    let mut targets: BTreeMap<&str, String> = BTreeMap::new();
    for name in project.services.keys() {
        let mut t = name.replace('.', "_");
        while targets.values().any(|v| *v == t) {
            t.push('_');
        }
        targets.insert(name, t);
    }
    let mut config = Config {
        group: BTreeMap::new(),
        target: BTreeMap::new(),
    };
    for (name, service) in &project.services {
        if service.build.is_some() {
            config.target.insert(
                targets[name.as_str()].clone(),
                target(project, service, &targets, overrides, flags),
            );
        }
    }
    let built: Vec<String> = building
        .iter()
        .filter(|s| project.services.get(*s).is_some_and(|s| s.build.is_some()))
        .map(|s| targets[s.as_str()].clone())
        .collect();
    config.group.insert(
        "default".into(),
        Group {
            targets: (!built.is_empty()).then_some(built),
        },
    );
    compose_spec::gocompat::json::to_string_pretty(&config)
}

fn target(
    project: &Project,
    service: &ServiceConfig,
    targets: &BTreeMap<&str, String>,
    overrides: &Overrides,
    flags: &BakeFlags,
) -> Target {
    let Some(b) = service.build.as_deref() else {
        return Target::default();
    };
    let go_literal = |s: &str| s.replace("${", "$${");
    let mut labels: BTreeMap<String, String> = b.labels.clone().into_iter().collect();
    labels.insert(
        crate::labels::VERSION.into(),
        crate::labels::COMPOSE_VERSION.into(),
    );
    labels.insert(crate::labels::PROJECT.into(), project.name.clone());
    labels.insert(crate::labels::SERVICE.into(), service.name.clone());
    let mut entitlements = b.entitlements.clone();
    if b.privileged {
        entitlements.push("security.insecure".into());
    }
    let push = flags.push && !service.image.is_empty();
    let (outputs, call) = if flags.check {
        (Vec::new(), "lint".to_string())
    } else if b.platforms.len() > 1 {
        (vec![format!("type=image,push={push}")], String::new())
    } else if push {
        (vec!["type=registry".to_string()], String::new())
    } else {
        (vec!["type=docker".to_string()], String::new())
    };
    let mut tags = b.tags.clone();
    tags.push(crate::convert::image_name(&project.name, service));
    Target {
        context: b.context.clone(),
        contexts: b
            .additional_contexts
            .iter()
            .map(|(k, v)| {
                let v = match v.strip_prefix("service:") {
                    Some(s) => format!("target:{}", targets.get(s).cloned().unwrap_or_default()),
                    None => v.clone(),
                };
                (k.clone(), v)
            })
            .collect(),
        dockerfile: dockerfile_path(&b.context, &b.dockerfile),
        dockerfile_inline: go_literal(&b.dockerfile_inline),
        args: merged_args(project, b, overrides)
            .into_iter()
            .map(|(k, v)| (k, go_literal(&v)))
            .collect(),
        labels,
        tags,
        cache_from: b.cache_from.clone(),
        cache_to: b.cache_to.clone(),
        target: b.target.clone(),
        secrets: b
            .secrets
            .iter()
            .filter_map(|r| {
                let def = project.secrets.get(&r.source)?;
                let id = if r.target.is_empty() {
                    &r.source
                } else {
                    &r.target
                };
                if !def.environment.is_empty() {
                    Some(format!("id={id},type=env,env={}", def.environment))
                } else if !def.file.is_empty() {
                    Some(format!("id={id},type=file,src={}", def.file))
                } else {
                    None
                }
            })
            .collect(),
        ssh: b
            .ssh
            .iter()
            .chain(&overrides.ssh)
            .map(|k| format!("{}={}", k.id, k.path))
            .collect(),
        platforms: b.platforms.clone(),
        pull: b.pull || overrides.pull,
        no_cache: b.no_cache || overrides.no_cache,
        network: b.network.clone(),
        shm_size: b.shm_size.0,
        ulimits: b
            .ulimits
            .iter()
            .filter_map(|(name, l)| {
                let l = l.as_ref()?;
                Some(if l.single > 0 {
                    format!("{name}={}", l.single)
                } else {
                    format!("{name}={}:{}", l.soft, l.hard)
                })
            })
            .collect(),
        call,
        entitlements,
        extra_hosts: b
            .extra_hosts
            .0
            .iter()
            .map(|(h, ips)| (h.clone(), ips.join(",")))
            .collect(),
        outputs,
        attest: attest(&b.provenance, &b.sbom),
    }
}

/// compose's `toBakeAttest`.
fn attest(provenance: &str, sbom: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (kind, v) in [("provenance", provenance), ("sbom", sbom)] {
        match v {
            "" | "false" => {}
            "true" => out.push(format!("type={kind}")),
            other => out.push(format!("type={kind},{other}")),
        }
    }
    out
}

/// compose's `dockerFilePath`: joined to the context unless absolute (or the
/// context is a Git URL), its directory's symbolic links resolved.
fn dockerfile_path(context: &str, dockerfile: &str) -> String {
    if dockerfile.is_empty() {
        return String::new();
    }
    if super::context::is_remote(context) {
        return dockerfile.to_string();
    }
    let mut p = PathBuf::from(dockerfile);
    if p.is_relative() {
        p = Path::new(context).join(p);
    }
    let p = PathBuf::from(compose_spec::gocompat::path::clean(&p.to_string_lossy()));
    let (Some(dir), Some(base)) = (p.parent(), p.file_name()) else {
        return p.to_string_lossy().into_owned();
    };
    match std::fs::canonicalize(dir) {
        Ok(real) => real.join(base).to_string_lossy().into_owned(),
        Err(_) => p.to_string_lossy().into_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attestations_as_compose() {
        assert!(attest("", "false").is_empty());
        assert_eq!(attest("true", "true"), ["type=provenance", "type=sbom"]);
        assert_eq!(attest("mode=max", ""), ["type=provenance,mode=max"]);
    }
}
