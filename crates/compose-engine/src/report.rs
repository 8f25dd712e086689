//! Read-only reports over projects known by their labels, as compose's
//! `ls`, `images`, `volumes`, `events` and `wait` compute them, and the
//! per-container operations `commit` and `export`; the CLI formats them.

use futures_util::StreamExt;

use crate::error::{Error, Result};
use crate::labels;
use crate::observe::project_filter;
use crate::progress::{Event, Sink, Status};
use crate::project::container_at;
use crate::runtime::{
    BoxStream, CommitOptions, Container, EventFilter, Observe, Runtime, RuntimeError, Volume,
};

/// A project as `ls` lists it (compose's `Stack`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stack {
    /// The project name.
    pub name: String,
    /// The containers' states counted: `exited(1), running(2)`.
    pub status: String,
    /// The compose files the containers were made from, comma-separated
    /// (`N/A` when a container lacks the label).
    pub config_files: String,
}

/// The projects that have containers made by compose (or hoist): running
/// ones only unless `all`; sorted by name.
pub async fn projects<O: Observe>(rt: &O, all: bool) -> Result<Vec<Stack>> {
    let filters = vec![labels::PROJECT.to_string(), labels::CONFIG_HASH.to_string()];
    let cs = rt.list_containers(&filters, all).await?;
    let mut names: Vec<&str> = cs.iter().map(|c| c.label(labels::PROJECT)).collect();
    names.sort_unstable();
    names.dedup();
    Ok(names
        .into_iter()
        .map(|name| {
            let mine: Vec<&Container> = cs
                .iter()
                .filter(|c| c.label(labels::PROJECT) == name)
                .collect();
            let mut files: Vec<&str> = Vec::new();
            let mut missing = false;
            for c in &mine {
                match c.labels.get(labels::CONFIG_FILES) {
                    Some(f) => {
                        for f in f.split(',') {
                            if !files.contains(&f) {
                                files.push(f);
                            }
                        }
                    }
                    None => missing = true,
                }
            }
            let mut states: Vec<&str> = mine.iter().map(|c| c.state.as_str()).collect();
            states.sort_unstable();
            let mut status: Vec<String> = Vec::new();
            let mut i = 0;
            while i < states.len() {
                let n = states[i..].iter().take_while(|s| **s == states[i]).count();
                status.push(format!("{}({n})", states[i]));
                i += n;
            }
            Stack {
                name: name.to_string(),
                status: status.join(", "),
                config_files: if missing {
                    "N/A".to_string()
                } else {
                    files.join(",")
                },
            }
        })
        .collect())
}

/// The image of one container, as `images` shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageSummary {
    /// The container's name.
    pub container: String,
    /// Image id (`sha256:...`).
    pub id: String,
    /// Repository in its familiar form (`busybox`, `example.com/app`); empty for an image id.
    pub repository: String,
    /// Tag (`latest` when the reference names none); empty with a digest.
    pub tag: String,
    /// `os/arch[/variant]`.
    pub platform: String,
    /// Size in bytes.
    pub size: i64,
    /// When the image was last tagged (RFC 3339 as the engine says it), else when it was created.
    pub last_tag_time: String,
    /// The same as Unix seconds (`None` when never tagged).
    pub last_tag_secs: Option<i64>,
}

/// The images of the project's containers (stopped and one-off ones too) of
/// `services` (all when empty), sorted by container name.
pub async fn images<O: Observe>(
    rt: &O,
    project: &str,
    services: &[String],
) -> Result<Vec<ImageSummary>> {
    let mut cs = rt.list_containers(&project_filter(project), true).await?;
    if !services.is_empty() {
        cs.retain(|c| services.iter().any(|s| s == c.label(labels::SERVICE)));
    }
    let inspected = futures_util::future::join_all(cs.iter().map(|c| async {
        let json = rt.inspect_image_json(&c.image).await?;
        let json = json.ok_or_else(|| {
            Error::Runtime(RuntimeError::NotFound(format!(
                "No such image: {}",
                c.image
            )))
        })?;
        Ok::<_, Error>(summary(c, &json))
    }))
    .await;
    let mut out = inspected.into_iter().collect::<Result<Vec<_>>>()?;
    out.sort_by(|a, b| a.container.cmp(&b.container));
    Ok(out)
}

fn summary(c: &Container, json: &serde_json::Value) -> ImageSummary {
    let text = |v: &serde_json::Value| v.as_str().unwrap_or_default().to_string();
    let (repository, tag) = familiar(&c.image);
    let os = text(&json["Os"]);
    let mut platform = if os.is_empty() {
        "unknown".to_string()
    } else {
        os
    };
    for part in ["Architecture", "Variant"] {
        let p = text(&json[part]);
        if !p.is_empty() {
            platform = format!("{platform}/{p}");
        }
    }
    let tagged = text(&json["Metadata"]["LastTagTime"]);
    let never = tagged.is_empty() || tagged.starts_with("0001-01-01");
    let last_tag_secs = if never { None } else { rfc3339_secs(&tagged) };
    ImageSummary {
        container: c.name.clone(),
        id: text(&json["Id"]),
        repository,
        tag,
        platform,
        size: json["Size"].as_i64().unwrap_or(0),
        last_tag_time: if never {
            text(&json["Created"])
        } else {
            tagged
        },
        last_tag_secs,
    }
}

/// Seconds since the epoch of an RFC 3339 time (`2024-01-02T03:04:05.6Z`, `+01:00`).
pub fn rfc3339_secs(t: &str) -> Option<i64> {
    crate::runtime::docker::parse_rfc3339(t)
}

/// distribution's `ParseDockerRef` then `FamiliarName`/tag: `latest` added
/// when there is neither tag nor digest; an image id gives nothing.
pub fn familiar(image: &str) -> (String, String) {
    if image.starts_with("sha256:")
        || (image.len() == 64 && image.chars().all(|c| c.is_ascii_hexdigit()))
    {
        return (String::new(), String::new());
    }
    let (name, digest) = match image.split_once('@') {
        Some((n, d)) => (n, Some(d)),
        None => (image, None),
    };
    let (repo, tag) = match name.rsplit_once(':') {
        Some((r, t)) if !t.contains('/') => (r, Some(t)),
        _ => (name, None),
    };
    let repo = repo
        .strip_prefix("docker.io/library/")
        .or_else(|| repo.strip_prefix("index.docker.io/library/"))
        .or_else(|| repo.strip_prefix("docker.io/"))
        .or_else(|| repo.strip_prefix("index.docker.io/"))
        .unwrap_or(repo);
    let tag = match (tag, digest) {
        (Some(t), _) => t.to_string(),
        (None, None) => "latest".to_string(),
        (None, Some(_)) => String::new(),
    };
    (repo.to_string(), tag)
}

/// The project's volumes (compose's `Volumes`): all of them, or with
/// `services` those mounted by those services' running containers.
pub async fn volumes<O: Observe>(
    rt: &O,
    project: &str,
    services: &[String],
) -> Result<Vec<Volume>> {
    let filters = project_filter(project);
    let (cs, vs) = futures_util::join!(
        rt.list_containers(&filters, false),
        rt.list_volumes(&filters)
    );
    let (cs, vs) = (cs?, vs?);
    if services.is_empty() {
        return Ok(vs);
    }
    let used: Vec<&str> = cs
        .iter()
        .filter(|c| services.iter().any(|s| s == c.label(labels::SERVICE)))
        .flat_map(|c| c.mounts.iter().map(|m| m.name.as_str()))
        .collect();
    Ok(vs
        .into_iter()
        .filter(|v| used.contains(&v.name.as_str()))
        .collect())
}

/// An event of a project's container (compose's `api.Event`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectEvent {
    /// Nanoseconds since the epoch.
    pub time_nano: i64,
    /// The container's service.
    pub service: String,
    /// The container's id.
    pub container: String,
    /// `create`, `start`, `die`, ...
    pub action: String,
    /// The engine's attributes without compose's labels (`name`, `image`, `exitCode`, other labels).
    pub attributes: std::collections::BTreeMap<String, String>,
}

/// The project's container events (one-off containers left out) of
/// `services` (all when empty), since/until as the engine takes them.
pub fn events<O: Observe>(
    rt: &O,
    project: &str,
    services: &[String],
    since: Option<String>,
    until: Option<String>,
) -> BoxStream<Result<ProjectEvent>> {
    let filter = EventFilter {
        labels: project_filter(project),
        kinds: Vec::new(),
        since,
        until,
    };
    let services = services.to_vec();
    Box::pin(rt.events(&filter).filter_map(move |e| {
        let out = match e {
            Err(e) => Some(Err(Error::Runtime(e))),
            Ok(e) if e.kind != "container" => None,
            Ok(e) if e.attributes.get(labels::ONEOFF).map(String::as_str) == Some("True") => None,
            Ok(e) => {
                let service = e
                    .attributes
                    .get(labels::SERVICE)
                    .cloned()
                    .unwrap_or_default();
                if !services.is_empty() && !services.contains(&service) {
                    None
                } else {
                    Some(Ok(ProjectEvent {
                        time_nano: e.time_nano,
                        service,
                        container: e.id,
                        action: e.action,
                        attributes: e
                            .attributes
                            .into_iter()
                            .filter(|(k, _)| !k.starts_with("com.docker.compose."))
                            .collect(),
                    }))
                }
            }
        };
        std::future::ready(out)
    }))
}

/// Waits for every container of `services` (one-off ones too) to stop,
/// telling `exited` of each; returns the exit code of the last to stop.
pub async fn wait<O: Observe>(
    rt: &O,
    project: &str,
    services: &[String],
    exited: &(dyn Fn(&Container, i64) + Send + Sync),
) -> Result<i64> {
    let mut cs = rt.list_containers(&project_filter(project), false).await?;
    if !services.is_empty() {
        cs.retain(|c| services.iter().any(|s| s == c.label(labels::SERVICE)));
    }
    if cs.is_empty() {
        return Err(Error::Invalid(format!(
            "no containers for project {project:?}"
        )));
    }
    let mut waits: futures_util::stream::FuturesUnordered<_> = cs
        .iter()
        .map(|c| async move { (c, rt.wait_container(&c.id).await) })
        .collect();
    let mut code = 0;
    while let Some((c, r)) = waits.next().await {
        let c_code = r?;
        exited(c, c_code);
        code = c_code;
    }
    Ok(code)
}

/// compose's canonical name of a container, for progress lines.
fn name_of(c: &Container) -> String {
    c.name.clone()
}

/// `commit`: an image from the container of `service` (replica `index`, else
/// the first; stopped ones count), with compose's progress; the image id.
pub async fn commit<R: Runtime>(
    rt: &R,
    project: &str,
    service: &str,
    index: Option<u32>,
    options: &CommitOptions,
    sink: &Sink,
) -> Result<String> {
    let c = container_at(rt, project, service, index, true, false).await?;
    let name = name_of(&c);
    let details = format!("Commit {name}");
    sink(Event::new(&name, Status::Working, "Committing").with_details(&details));
    let id = rt.commit_container(&c.id, options).await?;
    let done = if id == crate::runtime::dryrun::DRY_RUN_ID {
        "Committed".to_string()
    } else {
        format!("Committed as {id}")
    };
    sink(Event::new(&name, Status::Done, done).with_details(&details));
    Ok(id)
}

/// `export`: the filesystem of container `c` (found with
/// [`container_at`], as compose looks for it) as a tar stream, with compose's
/// progress line (`output` is where it goes, for the line).
pub async fn export<O: Observe>(
    rt: &O,
    c: &Container,
    output: &str,
    sink: &Sink,
) -> Result<(String, BoxStream<Result<Vec<u8>>>)> {
    let name = name_of(c);
    sink(
        Event::new(&name, Status::Working, "Exporting")
            .with_details(format!("export {name} to {output}")),
    );
    let s = rt
        .export_container(&c.id)
        .map(|r| r.map_err(Error::Runtime));
    Ok((name, Box::pin(s)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::dryrun::DryRun;
    use crate::runtime::fake::Fake;
    use crate::runtime::ContainerSpec;

    fn block<F: std::future::Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(f)
    }

    /// A container of `project`'s `service`, replica `n`, made from `files`, started when `run`.
    async fn container(rt: &Fake, project: &str, service: &str, n: u32, files: &str, run: bool) {
        let spec = ContainerSpec {
            name: format!("{project}-{service}-{n}"),
            body: serde_json::json!({
                "Image": "busybox",
                "Labels": {
                    labels::PROJECT: project, labels::SERVICE: service,
                    labels::CONTAINER_NUMBER: n.to_string(), labels::CONFIG_HASH: "h",
                    labels::CONFIG_FILES: files, labels::ONEOFF: "False",
                },
                "HostConfig": {"Binds": [format!("{project}_data:/data")]},
            }),
            extra_networks: Vec::new(),
        };
        let id = rt.create_container(&spec).await.unwrap();
        if run {
            rt.start_container(&id).await.unwrap();
        }
    }

    #[test]
    fn projects_counted_by_state_with_their_files() {
        let rt = Fake::new();
        block(async {
            container(&rt, "b", "web", 1, "/b/compose.yaml", true).await;
            container(
                &rt,
                "b",
                "web",
                2,
                "/b/compose.yaml,/b/override.yaml",
                false,
            )
            .await;
            container(&rt, "a", "db", 1, "/a/compose.yaml", false).await;
            let all = projects(&rt, true).await.unwrap();
            let text: Vec<(String, String, String)> = all
                .into_iter()
                .map(|s| (s.name, s.status, s.config_files))
                .collect();
            assert_eq!(
                text,
                [
                    ("a".into(), "created(1)".into(), "/a/compose.yaml".into()),
                    (
                        "b".into(),
                        "created(1), running(1)".into(),
                        "/b/compose.yaml,/b/override.yaml".into()
                    ),
                ]
            );
            let running = projects(&rt, false).await.unwrap();
            assert_eq!(running.len(), 1);
            assert_eq!(running[0].status, "running(1)");
        });
    }

    #[test]
    fn commit_records_under_dry_run_and_names_the_container() {
        let dry = DryRun::new(crate::runtime::ReadOnly(Fake::new()));
        let rt = &dry.inner().0;
        block(async {
            container(rt, "p", "web", 1, "/p/compose.yaml", true).await;
            container(rt, "p", "web", 2, "/p/compose.yaml", true).await;
            let events = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
            let seen = std::sync::Arc::clone(&events);
            let sink: Sink = std::sync::Arc::new(move |e: Event| {
                seen.lock()
                    .unwrap()
                    .push(format!("{} {} {}", e.resource, e.details, e.text));
            });
            let options = CommitOptions {
                reference: "img:t".into(),
                ..Default::default()
            };
            let id = commit(&dry, "p", "web", Some(2), &options, &sink)
                .await
                .unwrap();
            assert_eq!(id, crate::runtime::dryrun::DRY_RUN_ID);
            assert_eq!(dry.calls().len(), 1, "{:?}", dry.calls());
            assert!(!rt.calls().iter().any(|c| c.starts_with("commit")));
            assert_eq!(
                *events.lock().unwrap(),
                [
                    "p-web-2 Commit p-web-2 Committing",
                    "p-web-2 Commit p-web-2 Committed"
                ]
            );
            commit(rt, "p", "web", None, &options, &sink).await.unwrap();
            assert!(rt
                .calls()
                .contains(&"commit container p-web-1 img:t".to_string()));
            let missing = commit(rt, "p", "web", Some(3), &options, &sink).await;
            assert_eq!(
                missing.unwrap_err().to_string(),
                "service \"web\" is not running container #3"
            );
        });
    }

    #[test]
    fn references_in_their_familiar_form() {
        for (image, repo, tag) in [
            ("busybox", "busybox", "latest"),
            ("docker.io/library/busybox:1.36", "busybox", "1.36"),
            ("docker.io/me/app", "me/app", "latest"),
            ("localhost:5000/app", "localhost:5000/app", "latest"),
            ("app@sha256:abc", "app", ""),
            ("sha256:0123", "", ""),
        ] {
            assert_eq!(
                familiar(image),
                (repo.to_string(), tag.to_string()),
                "{image}"
            );
        }
    }

    #[test]
    fn rfc3339_times() {
        assert_eq!(rfc3339_secs("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(
            rfc3339_secs("2026-12-02T04:49:14.009929692Z"),
            Some(1_796_186_954)
        );
        assert_eq!(rfc3339_secs("1970-01-01T01:00:00+01:00"), Some(0));
        assert_eq!(rfc3339_secs("nonsense"), None);
    }
}
