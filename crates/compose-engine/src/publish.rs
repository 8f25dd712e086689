//! `publish` as library calls (compose's `publish.go`): a project's compose
//! files pushed to a registry as an OCI artifact ([`crate::oci`]).
//!
//! The module exists so that an embedder gets the whole command without the
//! terminal: the checks compose makes before publishing ([`prechecks`],
//! answered by the caller, since only the CLI may ask the user), the layers
//! ([`layers`]: each compose file as written, with its `env_file` and
//! `extends.file` references replaced by the names of their own layers, the
//! `extends` files, the env files with `--with-env`, `image-digests.yaml`
//! with `--resolve-image-digests` or `--app`), and [`publish`]: the services' images
//! pushed first as compose does, then the artifact (with `--app`, the images
//! copied beside it and an index of them) through
//! [`Runtime::push_artifact`], so a dry run records it and sends nothing.

use std::collections::BTreeMap;
use std::path::Path;

use compose_spec::diag::Diagnostics;
use compose_spec::model::Project;
use compose_spec::node::Node;
use compose_spec::span::FileId;

use crate::images::{self, PushOptions};
use crate::oci::{Artifact, Descriptor, OciVersion, Reference};
use crate::progress::{Event, Sink, Status};
use crate::runtime::{Runtime, RuntimeError};
use crate::{Error, Result};

/// Flags of `publish`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PublishOptions {
    /// `--resolve-image-digests`: add `image-digests.yaml` pinning each image.
    pub resolve_image_digests: bool,
    /// `--oci-version`; `None` chooses (1.1, else 1.0).
    pub oci_version: Option<OciVersion>,
    /// `--with-env`: environment variables and env files may be published.
    pub with_env: bool,
    /// `-y`: no question asked.
    pub assume_yes: bool,
    /// `--insecure-registry`: plain HTTP to the registry.
    pub insecure: bool,
    /// `--app`: the services' images copied into the artifact's repository
    /// too, listed by an index (implies `resolve_image_digests`).
    pub app: bool,
}

/// One check before publishing, in compose's order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Check {
    /// Ask the user; publish nothing unless the answer is yes.
    Confirm(String),
    /// Publishing is refused with this message.
    Refuse(String),
}

/// What a publish did.
#[derive(Debug)]
pub struct Published {
    /// Images that could not be pushed (service, image, error); compose goes
    /// on without them and says so at the end.
    pub push_failures: Vec<(String, String, RuntimeError)>,
    /// The manifest's digest.
    pub digest: String,
}

/// Whether a compose file of the project has a local `include` (compose
/// refuses them: `cannot publish compose file with local includes`).
/// Remote includes (`oci://`, git URLs) do not count.
pub fn has_local_includes(project: &Project) -> bool {
    project.compose_files.iter().any(|f| {
        let Some(tree) = std::fs::read_to_string(f).ok().and_then(|t| parse(&t)) else {
            return false;
        };
        let Some(items) = tree.get("include").and_then(Node::as_seq) else {
            return false;
        };
        items.iter().any(|item| {
            let paths: Vec<&str> = match item.as_str() {
                Some(p) => vec![p],
                None => match item.get("path") {
                    Some(p) => match p.as_seq() {
                        Some(s) => s.iter().filter_map(Node::as_str).collect(),
                        None => p.as_str().into_iter().collect(),
                    },
                    None => vec![],
                },
            };
            paths.iter().any(|p| !is_remote(p))
        })
    })
}

fn is_remote(path: &str) -> bool {
    path.starts_with("oci://")
        || path.starts_with("git@")
        || path.starts_with("git://")
        || (path.starts_with("https://") || path.starts_with("http://")) && path.contains(".git")
}

fn parse(text: &str) -> Option<Node> {
    let mut d = Diagnostics::new();
    compose_spec::yaml::parse::parse(text, FileId(0), &mut d)
}

/// compose's `preChecks`, in its order: services with only a `build:`
/// section are refused; with `-y` nothing else is checked; else bind
/// mounts and what looks like secrets ([`scan`]) are confirmed, then
/// environment variables (`environment:`, `env_file:`, configs from the
/// environment) are refused without `--with-env` and confirmed with it.
pub fn prechecks(project: &Project, o: &PublishOptions) -> Vec<Check> {
    let mut checks = Vec::new();
    let build_only: Vec<&String> = project
        .services
        .iter()
        .filter(|(_, s)| s.image.is_empty() && s.build.is_some())
        .map(|(n, _)| n)
        .collect();
    if !build_only.is_empty() {
        let mut m = "your Compose stack cannot be published as it only contains a build section for service(s):\n".to_string();
        for n in build_only {
            m.push_str(&format!("- {n:?}\n"));
        }
        checks.push(Check::Refuse(m));
        return checks;
    }
    if o.assume_yes {
        return checks;
    }

    let mut binds = String::new();
    for (name, s) in &project.services {
        let mounts: Vec<_> = s.volumes.iter().filter(|v| v.r#type == "bind").collect();
        if mounts.is_empty() {
            continue;
        }
        binds.push_str(name);
        for v in mounts {
            // compose-go's ServiceVolumeConfig.String(), which is compose's toBindString
            binds.push_str(&crate::convert::bind_string(&v.source, v));
            binds.push('\n');
        }
    }
    if !binds.is_empty() {
        checks.push(Check::Confirm(format!(
            "you are about to publish bind mounts declaration within your OCI artifact.\n\
             only the bind mount declarations will be added to the OCI artifact (not content)\n\
             please double check that you are not mounting potential user's sensitive directories or data\n\
             {binds}Are you ok to publish these bind mount declarations?"
        )));
    }

    let mut texts: Vec<String> = project.compose_files.clone();
    let compose_files = texts.len();
    for s in project.services.values() {
        texts.extend(s.env_files.iter().map(|e| e.path.clone()));
    }
    texts.extend(
        project
            .configs
            .values()
            .filter(|c| !c.file.is_empty())
            .map(|c| c.file.clone()),
    );
    texts.extend(
        project
            .secrets
            .values()
            .filter(|c| !c.file.is_empty())
            .map(|c| c.file.clone()),
    );
    let mut found = String::new();
    for (i, path) in texts.iter().enumerate() {
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        let yaml = i < compose_files || path.ends_with(".yaml") || path.ends_with(".yml");
        let mut findings = if yaml { scan_yaml(&text) } else { scan(&text) };
        // compose's scanner reports a file's findings detector by detector
        findings.sort_by_key(|f| f.kind);
        for f in findings {
            found.push_str(&format!("{}\n{:?}: {}\n", f.kind, f.key, f.value));
        }
    }
    if !found.is_empty() {
        checks.push(Check::Confirm(format!(
            "you are about to publish sensitive data within your OCI artifact.\n\
             please double check that you are not leaking sensitive data\n\
             {found}Are you ok to publish these sensitive data?"
        )));
    }

    let mut errors: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut variables: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    for (name, s) in &project.services {
        if !s.env_files.is_empty() {
            errors
                .entry(name.clone())
                .or_default()
                .push(format!("service {name:?} has env_file declared."));
        }
        if !s.environment.is_empty() {
            errors.entry(name.clone()).or_default().push(format!(
                "service {name:?} has environment variable(s) declared."
            ));
            variables.insert(
                name.clone(),
                s.environment
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone().unwrap_or_default()))
                    .collect(),
            );
        }
    }
    for c in project.configs.values() {
        if !c.environment.is_empty() {
            errors.entry(c.name.clone()).or_default().push(format!(
                "config {:?} is declare as an environment variable.",
                c.name
            ));
            variables.insert(
                c.name.clone(),
                vec![(c.name.clone(), c.environment.clone())],
            );
        }
    }
    if !o.with_env && !errors.is_empty() {
        let mut m = String::new();
        for e in errors.values().flatten() {
            m.push_str(e);
            m.push('\n');
        }
        m.push_str(
            "To avoid leaking sensitive data, you must either explicitly allow the sending of environment variables by using the --with-env flag,\n\
             or remove sensitive data from your Compose configuration",
        );
        checks.push(Check::Refuse(m));
        return checks;
    }
    if !variables.is_empty() {
        let mut m = "you are about to publish environment variables within your OCI artifact.\n\
                     please double check that you are not leaking sensitive data\n"
            .to_string();
        for (key, vars) in &variables {
            m.push_str(&format!("Service/Config  {key}\n"));
            for (k, v) in vars {
                m.push_str(&format!("{k}={v}\n"));
            }
        }
        m.push_str("Are you ok to publish these environment variables?");
        checks.push(Check::Confirm(m));
    }
    checks
}

/// What [`scan`] found: its kind, the key it is written under (empty when
/// none), and the value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// What it looks like, in compose's words (`AWS Client ID`, ...).
    pub kind: &'static str,
    /// Where: a YAML file's key path (`services.web.labels.aws`,
    /// `services.web.command[1]`), else the `KEY=`/`key:` of its line.
    pub key: String,
    /// The value holding it.
    pub value: String,
}

/// The secrets scanner of the checks. compose uses DefangLabs'
/// `secret-detector` with its default detectors; hoist approximates it with
/// a small, fixed set of rules, each a pattern looked for in one value,
/// named as compose's detectors name what they find:
///
/// | kind | pattern |
/// | --- | --- |
/// | `AWS Client ID` | `AKIA`/`ASIA` + 16 upper-case letters or digits |
/// | `Github authentication` | `ghp_`/`gho_`/`ghu_`/`ghs_`/`ghr_` + 36 or more letters or digits |
/// | `Slack token` | `xoxa-`/`xoxb-`/`xoxp-`/`xoxo-`/`xoxs-`/`xoxr-` + 10 or more |
/// | `JSON Web Token` | three base64url parts, the first two starting `eyJ` |
/// | `URL with password` | `scheme://user:password@` |
/// | `Private key` | a `-----BEGIN … PRIVATE KEY-----` line |
///
/// So it finds fewer things than compose's (no entropy or keyword rules),
/// and a private key's first line is enough for it: the question is a
/// safety net, not a guarantee, in both tools. [`scan`] reads lines
/// (`KEY=value`, an env file), [`scan_yaml`] a YAML file's values.
pub fn scan(text: &str) -> Vec<Finding> {
    let mut out = Vec::new();
    for line in text.lines() {
        let t = line.trim_start().trim_start_matches("export ");
        let (key, value) = match t.split_once(['=', ':']) {
            Some((k, v)) if !k.trim().contains(char::is_whitespace) => {
                (k.trim().trim_matches(['"', '\'']), v.trim())
            }
            _ => ("", t),
        };
        for kind in detect(value) {
            out.push(Finding {
                kind,
                key: key.to_string(),
                value: value.trim_matches(['"', '\'']).to_string(),
            });
        }
    }
    out
}

/// [`scan`] of a YAML file: each scalar value, named by its key path.
pub fn scan_yaml(text: &str) -> Vec<Finding> {
    fn walk(n: &Node, path: &str, out: &mut Vec<Finding>) {
        match &n.value {
            compose_spec::Value::Map(m) => {
                for (k, v) in m.iter() {
                    let p = if path.is_empty() {
                        k.to_string()
                    } else {
                        format!("{path}.{k}")
                    };
                    walk(v, &p, out);
                }
            }
            compose_spec::Value::Seq(items) => {
                for (i, v) in items.iter().enumerate() {
                    walk(v, &format!("{path}[{i}]"), out);
                }
            }
            compose_spec::Value::Scalar(_) => {
                let value = n.as_text().unwrap_or_default();
                for kind in detect(value) {
                    out.push(Finding {
                        kind,
                        key: path.to_string(),
                        value: value.to_string(),
                    });
                }
            }
            compose_spec::Value::Null => {}
        }
    }
    let mut out = Vec::new();
    match parse(text) {
        Some(tree) => walk(&tree, "", &mut out),
        None => out = scan(text),
    }
    out
}

/// The kinds of secret `value` holds.
fn detect(value: &str) -> Vec<&'static str> {
    static RULES: std::sync::OnceLock<Vec<(&'static str, regex::Regex)>> =
        std::sync::OnceLock::new();
    let rules = RULES.get_or_init(|| {
        [
            ("AWS Client ID", r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"),
            ("Github authentication", r"\bgh[pousr]_[A-Za-z0-9]{36,}\b"),
            ("Slack token", r"\bxox[abposr]-[A-Za-z0-9-]{10,}"),
            (
                "JSON Web Token",
                r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}",
            ),
            (
                "URL with password",
                r"[A-Za-z][A-Za-z0-9+.-]*://[^/\s:@]+:[^/\s@]+@",
            ),
            ("Private key", r"-----BEGIN ([A-Z0-9]+ )*PRIVATE KEY-----"),
        ]
        .into_iter()
        .filter_map(|(k, p)| Some((k, regex::Regex::new(p).ok()?)))
        .collect()
    });
    rules
        .iter()
        .filter(|(_, re)| re.is_match(value))
        .map(|(k, _)| *k)
        .collect()
}

/// `sha256` of `s` in hex (compose names the env and extends layers so).
fn hex_sha256(s: &str) -> String {
    crate::oci::digest(s.as_bytes())["sha256:".len()..].to_string()
}

/// A path of a compose file as compose-go resolves it: interpolated with
/// the project's environment, relative to the project directory.
fn resolve(project: &Project, raw: &str) -> String {
    let env = |k: &str| project.environment.get(k).cloned();
    let value = compose_spec::template::substitute(raw, &env)
        .map(|s| s.value)
        .unwrap_or_else(|_| raw.to_string());
    let value = match value.strip_prefix("~/") {
        Some(rest) => match project.environment.get("HOME") {
            Some(home) => format!("{home}/{rest}"),
            None => value,
        },
        None => value,
    };
    if Path::new(&value).is_absolute() {
        compose_spec::gocompat::path::clean(&value)
    } else {
        compose_spec::gocompat::path::clean(&format!("{}/{value}", project.working_dir))
    }
}

/// compose's `processFile`: the file's bytes with each service's
/// `env_file` and `extends.file` (when that file exists locally) replaced by
/// the name of its layer (`<sha256 of the path>.env`/`.yaml`), from the
/// value to the end of its line, as compose's `transform` does; the files
/// referred to are added to `env_files`/`ext_files` (path → layer name).
fn process_file(
    project: &Project,
    file: &str,
    env_files: &mut BTreeMap<String, String>,
    ext_files: &mut BTreeMap<String, String>,
) -> Result<Vec<u8>> {
    let bytes = std::fs::read(file).map_err(|e| Error::Invalid(format!("open {file}: {e}")))?;
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let tree = parse(&text).ok_or_else(|| Error::Invalid(format!("{file}: not valid YAML")))?;
    // (start of the value, replacement)
    let mut edits: Vec<(usize, String)> = Vec::new();
    if let Some(services) = tree.get("services").and_then(Node::as_map) {
        for (_, service) in services.iter() {
            if let Some(env) = service.get("env_file") {
                let nodes: Vec<&Node> = match env.as_seq() {
                    Some(items) => items.iter().map(|i| i.get("path").unwrap_or(i)).collect(),
                    None => vec![env],
                };
                for n in nodes {
                    let Some(raw) = n.as_str() else { continue };
                    let path = resolve(project, raw);
                    let name = format!("{}.env", hex_sha256(&path));
                    env_files.insert(path, name.clone());
                    edits.push((n.span.start, name));
                }
            }
            if let Some(f) = service.get("extends").and_then(|e| e.get("file")) {
                let Some(raw) = f.as_str() else { continue };
                let path = resolve(project, raw);
                if !Path::new(&path).exists() {
                    continue; // a remote resource
                }
                let name = format!("{}.yaml", hex_sha256(&path));
                ext_files.insert(path, name.clone());
                edits.push((f.span.start, name));
            }
        }
    }
    edits.sort_by_key(|e| std::cmp::Reverse(e.0));
    let mut out = text;
    for (start, value) in edits {
        let end = out[start..].find('\n').map_or(out.len(), |i| start + i);
        out.replace_range(start..end, &value);
    }
    Ok(out.into_bytes())
}

/// compose's `createLayers` without `image-digests.yaml` (which needs the
/// registry: [`publish`] adds it): each compose file, then the `extends`
/// files (and theirs, transitively), then with `--with-env` the env files
/// that can be read. Maps are walked in path order.
pub fn layers(project: &Project, o: &PublishOptions) -> Result<Vec<Descriptor>> {
    let mut out = Vec::new();
    let mut env_files = BTreeMap::new();
    let mut ext_files = BTreeMap::new();
    for file in &project.compose_files {
        let data = process_file(project, file, &mut env_files, &mut ext_files)?;
        out.push(Descriptor::compose_file(file, data));
    }
    let mut done: BTreeMap<String, String> = BTreeMap::new();
    let mut todo = ext_files;
    while !todo.is_empty() {
        let mut more = BTreeMap::new();
        for (path, name) in &todo {
            let data = process_file(project, path, &mut env_files, &mut more)?;
            out.push(Descriptor::extends_file(name, data));
        }
        done.extend(todo);
        more.retain(|p, _| !done.contains_key(p));
        todo = more;
    }
    if o.with_env {
        for (path, name) in &env_files {
            if let Ok(data) = std::fs::read(path) {
                out.push(Descriptor::env_file(name, data));
            }
        }
    }
    Ok(out)
}

/// `image-digests.yaml`: each service's image pinned (`project` already
/// resolved by [`images::resolve_digests`]), as compose marshals an override
/// holding only `services.<name>.image`.
pub fn image_digests_yaml(project: &Project) -> Vec<u8> {
    let mut services = serde_json::Map::new();
    for (name, service) in &project.services {
        let mut m = serde_json::Map::new();
        if !service.image.is_empty() {
            m.insert("image".into(), service.image.clone().into());
        }
        services.insert(name.clone(), m.into());
    }
    let root = serde_json::json!({ "services": services });
    compose_spec::yaml::emit::to_yaml(&root).into_bytes()
}

/// compose's `publish` after its checks: the services' images pushed (their
/// failures returned, not fatal, as compose's `IgnoreFailures`), the layers
/// made, then the artifact pushed to `repository` with `created` as its
/// creation time. Progress: compose's `<repository> publishing` /
/// `published` events.
pub async fn publish<R: Runtime>(
    rt: &R,
    project: &Project,
    repository: &str,
    o: &PublishOptions,
    created: &str,
    sink: &Sink,
) -> Result<Published> {
    let reference = Reference::parse(repository).map_err(Error::Invalid)?;
    for (name, s) in &project.services {
        if s.image.is_empty() && s.provider.is_none() {
            return Err(Error::Invalid(format!(
                "\"service.image\" attribute is mandatory to push an image for service {name:?}"
            )));
        }
    }
    let push_failures = images::push(rt, project, &PushOptions::default(), sink).await?;
    let mut layers = layers(project, o)?;
    if o.resolve_image_digests || o.app {
        let mut resolved = project.clone();
        images::resolve_digests(rt, &mut resolved).await?;
        layers.push(Descriptor::compose_file(
            "image-digests.yaml",
            image_digests_yaml(&resolved),
        ));
    }
    sink(Event::new(repository, Status::Working, "").with_details("publishing"));
    let artifact = Artifact {
        reference,
        layers,
        version: o.oci_version,
        created: created.to_string(),
        insecure: o.insecure,
        app_images: if o.app {
            project
                .services
                .values()
                .filter(|s| !s.image.is_empty())
                .map(|s| s.image.clone())
                .collect()
        } else {
            Vec::new()
        },
    };
    let digest = match rt.push_artifact(&artifact).await {
        Ok(d) => d,
        Err(e) => {
            sink(Event::new(repository, Status::Error, "").with_details("publishing"));
            return Err(e.into());
        }
    };
    sink(Event::new(repository, Status::Done, "").with_details("published"));
    Ok(Published {
        push_failures,
        digest,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scanner_rules() {
        // (text, kinds found, key and value of the first)
        let cases: &[(&str, &[&str], &str, &str)] = &[
            ("key=-----BEGIN RSA PRIVATE KEY-----", &["Private key"], "key", "-----BEGIN RSA PRIVATE KEY-----"),
            ("-----BEGIN PRIVATE KEY-----", &["Private key"], "", "-----BEGIN PRIVATE KEY-----"),
            ("AWS_KEY=AKIAIOSFODNN7EXAMPLE", &["AWS Client ID"], "AWS_KEY", "AKIAIOSFODNN7EXAMPLE"),
            (
                "export TOKEN=\"ghp_abcdefghijklmnopqrstuvwxyz0123456789\"",
                &["Github authentication"],
                "TOKEN",
                "ghp_abcdefghijklmnopqrstuvwxyz0123456789",
            ),
            ("SLACK=xoxb-1234567890-abcdef", &["Slack token"], "SLACK", "xoxb-1234567890-abcdef"),
            (
                "JWT=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
                &["JSON Web Token"],
                "JWT",
                "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
            ),
            ("DB_URL=postgres://app:s3cret@db/app", &["URL with password"], "DB_URL", "postgres://app:s3cret@db/app"),
            ("IMAGE=busybox", &[], "", ""),
            ("URL=https://example.com/a:b", &[], "", ""),
            ("AKIA_NOT_A_KEY=1", &[], "", ""),
        ];
        for (text, kinds, key, value) in cases {
            let found = scan(text);
            let got: Vec<&str> = found.iter().map(|f| f.kind).collect();
            assert_eq!(&got, kinds, "{text}");
            if let Some(f) = found.first() {
                assert_eq!((f.key.as_str(), f.value.as_str()), (*key, *value), "{text}");
            }
        }
        // YAML: values named by their key paths, as compose's scanner names them.
        let found = scan_yaml(
            "services:\n  web:\n    command: [\"echo\", \"xoxb-1234567890-abcdefghij\"]\n    labels:\n      aws: AKIAIOSFODNN7EXAMPLE\n      url: \"postgres://app:s3cret@db/app\"\n    image: busybox\n",
        );
        let got: Vec<(&str, &str, &str)> = found
            .iter()
            .map(|f| (f.kind, f.key.as_str(), f.value.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    "Slack token",
                    "services.web.command[1]",
                    "xoxb-1234567890-abcdefghij"
                ),
                (
                    "AWS Client ID",
                    "services.web.labels.aws",
                    "AKIAIOSFODNN7EXAMPLE"
                ),
                (
                    "URL with password",
                    "services.web.labels.url",
                    "postgres://app:s3cret@db/app"
                ),
            ]
        );
    }

    fn project_in(dir: &Path, files: &[(&str, &str)]) -> Project {
        for (name, text) in files {
            std::fs::write(dir.join(name), text).unwrap();
        }
        Project {
            working_dir: dir.to_string_lossy().into_owned(),
            compose_files: vec![dir.join(files[0].0).to_string_lossy().into_owned()],
            ..Default::default()
        }
    }

    #[test]
    fn layers_rewrite_env_and_extends_files() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let p = project_in(
            d,
            &[
                (
                    "compose.yaml",
                    "services:\n  web:\n    image: a\n    env_file: web.env # c\n  db:\n    env_file:\n      - path: \"db.env\"\n        required: false\n    extends:\n      file: base.yaml\n      service: base\n",
                ),
                ("base.yaml", "services:\n  base:\n    image: b\n"),
                ("web.env", "A=1\n"),
            ],
        );
        let h = |name: &str| hex_sha256(&d.join(name).to_string_lossy());
        let o = PublishOptions {
            with_env: true,
            ..Default::default()
        };
        let layers = layers(&p, &o).unwrap();
        let names: Vec<(&str, &str)> = layers
            .iter()
            .map(|l| {
                let n = l
                    .annotations
                    .get("com.docker.compose.file")
                    .or_else(|| l.annotations.get("com.docker.compose.envfile"))
                    .unwrap();
                (l.media_type.as_str(), n.as_str())
            })
            .collect();
        let base = format!("{}.yaml", h("base.yaml"));
        let web = format!("{}.env", h("web.env"));
        assert_eq!(
            names,
            vec![
                (crate::oci::COMPOSE_FILE_MEDIA_TYPE, "compose.yaml"),
                (crate::oci::COMPOSE_FILE_MEDIA_TYPE, base.as_str()),
                // db.env does not exist: no layer
                (crate::oci::ENV_FILE_MEDIA_TYPE, web.as_str()),
            ]
        );
        assert_eq!(
            String::from_utf8(layers[0].data.clone()).unwrap(),
            format!(
                "services:\n  web:\n    image: a\n    env_file: {web}\n  db:\n    env_file:\n      - path: {}.env\n        required: false\n    extends:\n      file: {base}\n      service: base\n",
                h("db.env")
            )
        );
        assert_eq!(
            layers[1].annotations.get("com.docker.compose.extends"),
            Some(&"true".to_string())
        );
        assert_eq!(layers[2].data, b"A=1\n");
        // Without --with-env the env files are not layers.
        assert_eq!(layers_len(&p), 2);
    }

    fn layers_len(p: &Project) -> usize {
        layers(p, &PublishOptions::default()).unwrap().len()
    }

    #[test]
    fn local_includes_are_found() {
        let dir = tempfile::tempdir().unwrap();
        for (text, local) in [
            ("include:\n  - other.yaml\nservices: {}\n", true),
            ("include:\n  - path: [a.yaml, b.yaml]\n", true),
            ("include:\n  - oci://registry/app:v1\n", false),
            ("services: {}\n", false),
        ] {
            let p = project_in(dir.path(), &[("compose.yaml", text)]);
            assert_eq!(has_local_includes(&p), local, "{text}");
        }
    }

    #[test]
    fn image_digests_file() {
        let mut p = Project::default();
        for (n, image) in [("web", "docker.io/library/a:1@sha256:00"), ("db", "b")] {
            p.services.insert(
                n.into(),
                Box::new(compose_spec::model::ServiceConfig {
                    name: n.into(),
                    image: image.into(),
                    ..Default::default()
                }),
            );
        }
        assert_eq!(
            String::from_utf8(image_digests_yaml(&p)).unwrap(),
            "services:\n  db:\n    image: b\n  web:\n    image: docker.io/library/a:1@sha256:00\n"
        );
    }
}
