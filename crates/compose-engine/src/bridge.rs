//! `bridge` as library calls (compose's `pkg/bridge`): a project converted
//! into another model (Kubernetes manifests, Helm charts, ...) by
//! *transformation* images, which an embedder runs as the CLI does.
//!
//! Why it is here and not in the CLI: running a transformation is
//! orchestration — the model written as compose writes it, each
//! transformation run as a container with the model and the output
//! directory mounted, their exit status — and it goes through the
//! [`Runtime`] like every other write, so a dry run
//! ([`Runtime::is_dry_run`]) records the containers, starts nothing, and
//! writes no local file either.
//!
//! * [`model`]: compose's `LoadAdditionalResources` — each service's image
//!   (pulled when missing), its exposed ports, the secrets' and configs'
//!   content — then the project as compose hands it over: its `config` YAML
//!   read back into a generic map and written again (go-yaml's map key
//!   order, indentation 4), secret content included;
//! * [`convert`]: `$TMPDIR/compose.yaml` (mode 0600) and a fresh output
//!   directory (mode 0744), then each transformation in turn as the current
//!   user, `LICENSE_AGREEMENT=true`, the temporary directory at `/in`, the
//!   output at `/out` and `--templates` at `/templates`, removed when it
//!   exits; every one writes into the same output, and the first that fails
//!   ends the chain with its exit status;
//! * [`transformations`]: the images labelled
//!   `com.docker.compose.bridge=transformation`;
//! * [`create_transformation`]: a transformation's `/templates` copied out of
//!   its image (a container created, never started, then removed) beside a
//!   `Dockerfile` that builds a new one from them.

use std::path::Path;

use futures_util::StreamExt;

use crate::error::{Error, Result};
use crate::model::Project;
use crate::runtime::{
    AttachOptions, ContainerSpec, ImageSummary, LayerProgress, LogChunk, Observe, Runtime,
    RuntimeError,
};

/// The label (with the value `transformation`) that marks transformation images.
pub const TRANSFORMER_LABEL: &str = "com.docker.compose.bridge";

/// The transformation used when none is named.
pub const DEFAULT_TRANSFORMER_IMAGE: &str = "docker/compose-bridge-kubernetes";

/// Where a transformation image keeps its templates.
const TEMPLATES_PATH: &str = "/templates";

/// The `Dockerfile` [`create_transformation`] writes beside the templates.
const DOCKERFILE: &str = "FROM docker/compose-bridge-transformer
LABEL com.docker.compose.bridge=transformation
COPY templates /templates
";

/// What `bridge convert` is asked (compose's flags).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConvertOptions {
    /// `-o`: the output directory (emptied first).
    pub output: String,
    /// `--templates`: a directory mounted at `/templates` (none when empty).
    pub templates: String,
    /// `-t`: the transformation images, run in this order
    /// ([`DEFAULT_TRANSFORMER_IMAGE`] when empty).
    pub transformations: Vec<String>,
}

/// Where and as whom [`convert`] runs: what compose reads from the process.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Host {
    /// The current directory, for relative `-o` and `--templates`.
    pub cwd: String,
    /// The temporary directory (Go's `os.TempDir`: `$TMPDIR`, else `/tmp`),
    /// where the model is written and which is mounted at `/in`.
    pub temp_dir: String,
    /// The user the transformations run as (the current uid; none on Windows).
    pub user: Option<String>,
}

/// Go's `filepath.Abs`.
fn abs(cwd: &str, path: &str) -> String {
    if path.starts_with('/') {
        compose_spec::gocompat::path::clean(path)
    } else {
        compose_spec::gocompat::path::clean(&format!("{cwd}/{path}"))
    }
}

/// An engine refusal as the docker CLI words it.
fn daemon(e: RuntimeError) -> Error {
    match e {
        RuntimeError::NotFound(m) | RuntimeError::Conflict(m) | RuntimeError::Other(m) => {
            Error::Invalid(format!("Error response from daemon: {m}"))
        }
        e => Error::Runtime(e),
    }
}

/// [`daemon`] for an engine error inside a library call's error.
fn daemon_error(e: Error) -> Error {
    match e {
        Error::Runtime(e) => daemon(e),
        e => e,
    }
}

/// compose's `inspectWithPull`: the image's inspect JSON, pulling it first
/// when the engine does not have it.
async fn inspect_with_pull<R: Runtime>(
    rt: &R,
    image: &str,
    progress: LayerProgress<'_>,
) -> Result<serde_json::Value> {
    if let Some(i) = rt.inspect_image_json(image).await.map_err(daemon)? {
        return Ok(i);
    }
    rt.pull_image(image, progress).await.map_err(daemon)?;
    rt.inspect_image_json(image)
        .await
        .map_err(daemon)?
        .ok_or_else(|| {
            Error::Invalid(format!(
                "Error response from daemon: No such image: {image}"
            ))
        })
}

/// compose's `LoadAdditionalResources`: each service's image named (a built
/// one `<project>-<service>`), inspected and pulled when missing; its
/// `expose` the union of its own, the image's exposed ports and its ports'
/// targets; the secrets' and configs' content read from their file or, for
/// `environment`, from `env` (the process environment, as compose reads it).
pub async fn load_additional_resources<R: Runtime>(
    rt: &R,
    project: &Project,
    env: &(dyn Fn(&str) -> Option<String> + Sync),
    progress: LayerProgress<'_>,
) -> Result<Project> {
    let mut project = project.clone();
    let name = project.name.clone();
    for service in project.services.values_mut() {
        let image = crate::convert::image_name(&name, service);
        let inspect = inspect_with_pull(rt, &image, progress).await?;
        service.image = image;
        let mut exposed: Vec<String> = Vec::new();
        let mut add = |p: String| {
            if !exposed.contains(&p) {
                exposed.push(p);
            }
        };
        for e in &service.expose {
            add(e.clone());
        }
        if let Some(ports) = inspect["Config"]["ExposedPorts"].as_object() {
            for p in ports.keys() {
                // nat.Port's Port(): the number without its protocol
                add(p.split('/').next().unwrap_or_default().to_string());
            }
        }
        for p in &service.ports {
            add(p.target.to_string());
        }
        service.expose = exposed;
    }
    for secret in project.secrets.values_mut() {
        load_file_object(&mut secret.0, env)?;
    }
    for config in project.configs.values_mut() {
        load_file_object(&mut config.0, env)?;
    }
    Ok(project)
}

/// compose's `loadFileObject`.
fn load_file_object(
    o: &mut crate::model::FileObjectConfig,
    env: &(dyn Fn(&str) -> Option<String> + Sync),
) -> Result<()> {
    if o.external {
        return Ok(());
    }
    if !o.environment.is_empty() {
        o.content = env(&o.environment).unwrap_or_default();
    } else if !o.file.is_empty() {
        let bytes = std::fs::read(&o.file)
            .map_err(|e| Error::Invalid(crate::copy::go_path_error("open", &o.file, &e)))?;
        o.content = String::from_utf8_lossy(&bytes).into_owned();
    }
    Ok(())
}

/// The model a transformation reads at `/in/compose.yaml`: the project as
/// `config` prints it with the secrets' content (compose-go's
/// `WithSecretContent`), read into a generic map and marshalled again, as
/// compose does — keys in go-yaml's order of Go map keys, indentation 4.
pub fn model(project: &Project) -> String {
    let mut v = project.to_yaml_value();
    if let Some(secrets) = v.get_mut("secrets").and_then(|s| s.as_object_mut()) {
        for (name, s) in &project.secrets {
            if s.content.is_empty() {
                continue;
            }
            if let Some(o) = secrets.get_mut(name).and_then(|o| o.as_object_mut()) {
                o.insert(
                    "content".into(),
                    serde_json::Value::String(s.content.clone()),
                );
            }
        }
    }
    compose_spec::yaml::emit::marshal_sorted(&v)
}

/// `bridge convert`: the project's [`model`] written to
/// `<temp_dir>/compose.yaml`, the output directory emptied, then each
/// transformation run in turn (pulled when missing), its output streamed to
/// `output`. Returns the exit status: 0, or the first failing
/// transformation's (the chain stops there). A dry run writes no file and
/// only records the containers.
pub async fn convert<R: Runtime>(
    rt: &R,
    project: &Project,
    options: &ConvertOptions,
    host: &Host,
    env: &(dyn Fn(&str) -> Option<String> + Sync),
    progress: LayerProgress<'_>,
    output: &(dyn Fn(LogChunk) + Sync),
) -> Result<i64> {
    let mut transformations = options.transformations.clone();
    if transformations.is_empty() {
        transformations.push(DEFAULT_TRANSFORMER_IMAGE.to_string());
    }
    let project = load_additional_resources(rt, project, env, progress).await?;
    let model = model(&project);
    let dry_run = rt.is_dry_run();
    if !options.output.is_empty() && !dry_run {
        let _ = std::fs::remove_dir_all(&options.output);
        make_dirs(&options.output)?;
    }
    let model_path =
        compose_spec::gocompat::path::clean(&format!("{}/compose.yaml", host.temp_dir));
    if !dry_run {
        write_file(&model_path, model.as_bytes(), 0o600)?;
    }
    let out = abs(&host.cwd, &options.output);
    let mut binds = vec![format!("{}:/in", host.temp_dir), format!("{out}:/out")];
    if !options.templates.is_empty() {
        binds.push(format!(
            "{}:{TEMPLATES_PATH}",
            abs(&host.cwd, &options.templates)
        ));
    }
    for transformation in &transformations {
        inspect_with_pull(rt, transformation, progress).await?;
        let mut body = serde_json::json!({
            "Image": transformation,
            "Env": ["LICENSE_AGREEMENT=true"],
            "HostConfig": {"AutoRemove": true, "Binds": binds},
        });
        if let Some(user) = &host.user {
            body["User"] = serde_json::Value::String(user.clone());
        }
        let spec = ContainerSpec {
            name: String::new(),
            body,
            extra_networks: Vec::new(),
        };
        let id = rt.create_container(&spec).await.map_err(daemon)?;
        let status = run_attached(rt, &id, output).await?;
        if status != 0 {
            return Ok(status);
        }
    }
    Ok(0)
}

/// The docker CLI's `RunStart` with `Attach`: attached, waited for (until
/// removed: the container removes itself), started, its output streamed to
/// the end; returns its exit status. A dry run records the start only.
async fn run_attached<R: Runtime>(
    rt: &R,
    id: &str,
    output: &(dyn Fn(LogChunk) + Sync),
) -> Result<i64> {
    if rt.is_dry_run() {
        rt.start_container(id).await.map_err(daemon)?;
        return Ok(0);
    }
    let attach = AttachOptions {
        stdin: false,
        logs: false,
        detach_keys: String::new(),
    };
    let (attached, wait) = crate::run::attach_and_start(rt, id, id, &attach, true, false)
        .await
        .map_err(daemon_error)?;
    let mut stream = attached.output;
    while let Some(chunk) = stream.next().await {
        match chunk {
            Ok(c) => output(c),
            Err(_) => break,
        }
    }
    Ok(wait.await?)
}

/// Go's `os.MkdirAll(path, 0o744)` (the umask applies), with compose's wording.
fn make_dirs(path: &str) -> Result<()> {
    let mut b = std::fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut b, 0o744);
    b.create(path).map_err(|e| {
        Error::Invalid(format!(
            "cannot create output folder: {}",
            crate::copy::go_path_error("mkdir", path, &e)
        ))
    })
}

/// Go's `os.WriteFile(path, data, mode)`: created with `mode` (umask
/// applies) or truncated, keeping an existing file's mode.
fn write_file(path: &str, data: &[u8], mode: u32) -> Result<()> {
    use std::io::Write as _;
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut o, mode);
    #[cfg(not(unix))]
    let _ = mode;
    let mut f = o
        .open(path)
        .map_err(|e| Error::Invalid(crate::copy::go_path_error("open", path, &e)))?;
    f.write_all(data)
        .map_err(|e| Error::Invalid(crate::copy::go_path_error("write", path, &e)))
}

/// The transformation images: those labelled
/// `com.docker.compose.bridge=transformation`, in the engine's order.
pub async fn transformations<O: Observe>(rt: &O) -> Result<Vec<ImageSummary>> {
    Ok(rt
        .list_images(&[format!("{TRANSFORMER_LABEL}=transformation")])
        .await?)
}

/// `bridge transformations create`: `dest` (relative to `cwd`) made, the
/// templates of `from` ([`DEFAULT_TRANSFORMER_IMAGE`] when empty) copied
/// into `dest/templates` through a container created from it (never
/// started, removed after), and a `Dockerfile` written beside them. Returns
/// the absolute path. A dry run asks the engine the same but writes nothing.
pub async fn create_transformation<R: Runtime>(
    rt: &R,
    from: &str,
    dest: &str,
    cwd: &str,
) -> Result<String> {
    let from = if from.is_empty() {
        DEFAULT_TRANSFORMER_IMAGE
    } else {
        from
    };
    let out = abs(cwd, dest);
    if std::fs::metadata(&out).is_ok() {
        return Err(Error::Invalid(format!(
            "output folder {out} already exists"
        )));
    }
    let dry_run = rt.is_dry_run();
    if !dry_run {
        make_dirs(&format!("{out}/templates"))?;
    }
    crate::copy::validate_output_path(&out).map_err(Error::Invalid)?;
    let spec = ContainerSpec {
        name: String::new(),
        body: serde_json::json!({"Image": from}),
        extra_networks: Vec::new(),
    };
    let id = rt.create_container(&spec).await.map_err(daemon)?;
    let copied = if dry_run {
        Ok(())
    } else {
        crate::copy::copy_from(
            rt,
            &id,
            TEMPLATES_PATH,
            &out,
            &crate::copy::CopyOptions::default(),
            None,
        )
        .await
    };
    let _ = rt.remove_container(&id, true, false).await;
    copied.map_err(daemon_error)?;
    if !dry_run {
        write_file(
            &Path::new(&out).join("Dockerfile").to_string_lossy(),
            DOCKERFILE.as_bytes(),
            0o700,
        )?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_model_is_sorted_with_secret_content() {
        let mut p = Project::from_json(&serde_json::json!({
            "name": "demo",
            "services": {"web": {"image": "busybox", "environment": {"B10": "x", "B9": "y"}}},
            "secrets": {"s": {"file": "/s.txt"}}
        }))
        .unwrap();
        p.secrets.get_mut("s").unwrap().0.content = "hush\n".into();
        let m = model(&p);
        assert_eq!(
            m,
            "name: demo
secrets:
    s:
        content: |
            hush
        file: /s.txt
services:
    web:
        environment:
            B9: \"y\"
            B10: x
        image: busybox
"
        );
    }

    #[test]
    fn paths_are_made_absolute_as_go_does() {
        assert_eq!(abs("/w", "out"), "/w/out");
        assert_eq!(abs("/w", "./a/../b/"), "/w/b");
        assert_eq!(abs("/w", "/x//y"), "/x/y");
        assert_eq!(abs("/w", ""), "/w");
    }

    #[tokio::test]
    async fn a_dry_run_records_the_containers_and_writes_nothing() {
        let fake = crate::runtime::fake::Fake::new();
        fake.add_image("busybox:latest");
        fake.add_image("t1:latest");
        let rt = crate::runtime::dryrun::DryRun::new(crate::runtime::ReadOnly(fake));
        let p = Project::from_json(&serde_json::json!({
            "name": "demo",
            "services": {"web": {"image": "busybox"}}
        }))
        .unwrap();
        let dir = std::env::temp_dir().join(format!("hoist-bridge-dry-{}", std::process::id()));
        let options = ConvertOptions {
            output: dir.join("out").to_string_lossy().into_owned(),
            templates: String::new(),
            transformations: vec!["t1".into(), "t2".into()],
        };
        let host = Host {
            cwd: "/".into(),
            temp_dir: dir.to_string_lossy().into_owned(),
            user: Some("0".into()),
        };
        let status = convert(&rt, &p, &options, &host, &|_| None, &|_, _| {}, &|_| {})
            .await
            .unwrap();
        assert_eq!(status, 0);
        assert!(!dir.exists(), "a dry run wrote {}", dir.display());
        // t2 is missing: pulled (recorded), as compose pulls a missing transformation
        assert_eq!(
            rt.calls(),
            [
                "create container ",
                "start container ",
                "pull image t2",
                "create container ",
                "start container "
            ]
        );
    }
}
