//! `cp` as a library call: files and directories between a service's
//! containers and the local filesystem, with `docker cp`'s semantics
//! (compose's `pkg/compose/cp.go` over the docker CLI's copy rules).
//!
//! * [`rules`]: the pure path rules (trailing `/` and `/.`, what exists
//!   where → the directory an archive is extracted into and how its top
//!   entry is renamed);
//! * `host`: the local side — path resolution, the source archived as a tar
//!   stream, a container's archive extracted — on blocking threads, streamed
//!   through bounded channels, never a whole archive in memory.
//!
//! Which containers: replica `--index` when given; else the service's
//! containers (`run` ones too with `--all`): the most recently created one
//! when copying from the service, every one when copying to it. Progress
//! goes to the [`Sink`] as compose words it (`copy a to demo-web-1:/b`,
//! `Copying` … `Copied`).

mod host;

pub(crate) use host::{
    go_errno as go_error_text, path_error as go_path_error, validate_output_path,
};
pub mod rules;

use std::pin::Pin;

use futures_util::future::join_all;
use futures_util::StreamExt;
use tokio::io::{AsyncWrite, AsyncWriteExt};
use tokio::sync::mpsc;

use crate::error::{Error, Result};
use crate::labels;
use crate::observe::project_filter;
use crate::progress::{Event, Sink, Status};
use crate::runtime::{ByteStream, Container, ExtractOptions, Observe, Runtime};
use rules::{CopyInfo, Rebase};

/// What `cp` is asked (compose's flags).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CopyOptions {
    /// `SERVICE:SRC_PATH`, a local path, or `-` (a tar stream on stdin).
    pub source: String,
    /// `SERVICE:DEST_PATH`, a local path, or `-` (a tar stream on stdout).
    pub destination: String,
    /// `--index`: this replica only (0: none chosen).
    pub index: u32,
    /// `--all`: `run` containers count too.
    pub all: bool,
    /// `-L`: follow a symbolic link at the source.
    pub follow_link: bool,
    /// `-a`: the engine gives the copied files the container user's owner.
    pub copy_uid_gid: bool,
}

/// The caller's standard streams, for `-`.
#[derive(Default)]
pub struct CopyIo {
    /// The tar stream a `-` source reads.
    pub stdin: Option<ByteStream>,
    /// Where a `-` destination writes the container's tar stream.
    pub stdout: Option<Pin<Box<dyn AsyncWrite + Send>>>,
}

impl std::fmt::Debug for CopyIo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CopyIo")
            .field("stdin", &self.stdin.is_some())
            .field("stdout", &self.stdout.is_some())
            .finish()
    }
}

/// Which way a copy goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Direction {
    FromService,
    ToService,
}

/// Runs `cp` on project `project`.
pub async fn copy<R: Runtime>(
    rt: &R,
    project: &str,
    options: &CopyOptions,
    io: CopyIo,
    sink: &Sink,
) -> Result<()> {
    let (src_service, src_path) = rules::split_cp_arg(&options.source);
    let (dst_service, dst_path) = rules::split_cp_arg(&options.destination);
    let (direction, service) = match (src_service, dst_service) {
        (Some(_), Some(_)) => {
            return Err(Error::Invalid(
                "copying between services is not supported".into(),
            ))
        }
        (None, None) => return Err(Error::Invalid("unknown copy direction".into())),
        (Some(s), None) => (Direction::FromService, s),
        (None, Some(s)) => (Direction::ToService, s),
    };
    let containers = targets(
        rt,
        project,
        service,
        options.index,
        options.all,
        direction == Direction::FromService,
    )
    .await?;
    let mut inputs = split_stdin(io.stdin, containers.len()).into_iter();
    let mut output = io.stdout;
    let runs = containers.iter().map(|c| {
        let input = inputs.next().flatten();
        let out = output.take();
        async move {
            let name = &c.name;
            let details = match direction {
                Direction::FromService => format!("copy {name}:{src_path} to {dst_path}"),
                Direction::ToService => format!("copy {src_path} to {name}:{dst_path}"),
            };
            sink(Event::new(name, Status::Working, "Copying").with_details(&details));
            match direction {
                Direction::FromService => {
                    copy_from(rt, &c.id, src_path, dst_path, options, out).await?
                }
                Direction::ToService => {
                    copy_to(rt, &c.id, src_path, dst_path, options, input, sink).await?
                }
            }
            sink(Event::new(name, Status::Done, "Copied").with_details(&details));
            Ok(())
        }
    });
    join_all(runs).await.into_iter().collect()
}

/// Local paths into container `id`, each at its own absolute container path
/// (`(host path, container path)` pairs, compose's watch sync): one archive
/// extracted at `/`, owners kept, a directory never replaced by a file.
pub async fn upload_paths<R: Runtime>(
    rt: &R,
    id: &str,
    entries: Vec<(String, String)>,
) -> Result<()> {
    let archive = host::tar_paths(entries);
    let extract = ExtractOptions {
        no_overwrite_dir_non_dir: true,
        copy_uid_gid: true,
    };
    Ok(rt.put_archive(id, "/", archive, extract).await?)
}

/// The containers a copy acts on (compose's `listContainersTargetedForCopy`):
/// replica `index` of the service (stopped ones too); else its containers,
/// one-off ones only with `all` — only the most recently created one when
/// copying `from` the service (the engine lists newest first).
pub async fn targets<O: Observe>(
    rt: &O,
    project: &str,
    service: &str,
    index: u32,
    all: bool,
    from: bool,
) -> Result<Vec<Container>> {
    if index > 0 {
        let c =
            crate::project::container_at(rt, project, service, Some(index), false, true).await?;
        return Ok(vec![c]);
    }
    let mut filters = project_filter(project);
    filters.push(format!("{}={service}", labels::SERVICE));
    filters.push(labels::CONFIG_HASH.to_string());
    if !all {
        filters.push(format!("{}=False", labels::ONEOFF));
    }
    let mut cs = rt.list_containers(&filters, true).await?;
    if cs.is_empty() {
        return Err(Error::Invalid(format!(
            "no container found for service {service:?}"
        )));
    }
    if from {
        cs.truncate(1);
    }
    Ok(cs)
}

/// One input per container: the stream itself for one, copies of each chunk for several.
fn split_stdin(stdin: Option<ByteStream>, n: usize) -> Vec<Option<ByteStream>> {
    let Some(mut stdin) = stdin else {
        return (0..n).map(|_| None).collect();
    };
    if n <= 1 {
        return vec![Some(stdin)];
    }
    let (txs, rxs): (Vec<_>, Vec<_>) = (0..n)
        .map(|_| mpsc::channel::<std::io::Result<Vec<u8>>>(8))
        .unzip();
    tokio::spawn(async move {
        while let Some(item) = stdin.next().await {
            for tx in &txs {
                let copy = match &item {
                    Ok(chunk) => Ok(chunk.clone()),
                    Err(e) => Err(std::io::Error::new(e.kind(), e.to_string())),
                };
                let _ = tx.send(copy).await;
            }
            if item.is_err() {
                break;
            }
        }
    });
    rxs.into_iter()
        .map(|mut rx| {
            let s: ByteStream = Box::pin(futures_util::stream::poll_fn(move |cx| rx.poll_recv(cx)));
            Some(s)
        })
        .collect()
}

/// Go's `os.ModeIrregular`.
const MODE_IRREGULAR: u32 = 1 << 19;

/// A local source (or `-`) into container `id` at `dst` (compose's `copyToContainer`).
async fn copy_to<R: Runtime>(
    rt: &R,
    id: &str,
    src: &str,
    dst: &str,
    options: &CopyOptions,
    input: Option<ByteStream>,
    sink: &Sink,
) -> Result<()> {
    let src_abs = if src == "-" {
        src.to_string()
    } else {
        host::resolve_local_path(src).map_err(Error::Invalid)?
    };
    // What is at the destination; a link there is followed once. Any
    // failure to look counts as nothing there (the extraction then tells).
    let mut dst_info = CopyInfo {
        path: dst.to_string(),
        ..CopyInfo::default()
    };
    let mut stat = rt.stat_path(id, dst).await.ok().flatten();
    if let Some(link) = stat.as_ref().filter(|s| s.is_symlink()) {
        let mut target = link.link_target.clone();
        if !target.starts_with('/') {
            target = rules::join(&rules::split_path_dir_entry(dst).0, &target);
        }
        stat = rt.stat_path(id, &target).await.ok().flatten();
        dst_info.path = target;
    }
    if let Some(s) = &stat {
        let refused = if host::is_device_mode(s.mode) {
            Some("got a device")
        } else if s.mode & MODE_IRREGULAR != 0 {
            Some("got an irregular file")
        } else {
            None
        };
        if let Some(why) = refused {
            return Err(Error::Invalid(format!(
                "destination \"{id}:{dst}\" must be a directory or a regular file: {why}"
            )));
        }
        dst_info.exists = true;
        dst_info.is_dir = s.is_dir();
    }
    let extract = ExtractOptions {
        no_overwrite_dir_non_dir: true,
        copy_uid_gid: options.copy_uid_gid,
    };
    if src == "-" {
        if !dst_info.is_dir {
            return Err(Error::Invalid(format!(
                "destination \"{id}:{dst}\" must be a directory"
            )));
        }
        let input = input.ok_or_else(|| Error::Invalid("no standard input to copy from".into()))?;
        rt.put_archive(id, &dst_info.path, input, extract).await?;
        return Ok(());
    }
    let src_info = host::source_info(&src_abs, options.follow_link).map_err(Error::Invalid)?;
    let prepared = rules::prepare_archive_copy(&src_info, &dst_info)
        .map_err(|e| Error::Invalid(e.to_string()))?;
    let (archive, skipped) = host::tar_resource(
        &src_info.path,
        src_info.rebase_name.clone(),
        prepared.rebase,
    )
    .map_err(Error::Invalid)?;
    let result = rt
        .put_archive(id, &prepared.dst_dir, archive, extract)
        .await;
    let skipped = skipped.lock().map(|s| s.clone()).unwrap_or_default();
    for s in skipped {
        sink(Event::new("", Status::Warning, s));
    }
    Ok(result?)
}

/// Container `id`'s `src` to a local path (or `-`) (compose's `copyFromContainer`).
pub(crate) async fn copy_from<O: Observe>(
    rt: &O,
    id: &str,
    src: &str,
    dst: &str,
    options: &CopyOptions,
    out: Option<Pin<Box<dyn AsyncWrite + Send>>>,
) -> Result<()> {
    let dst_abs = if dst == "-" {
        dst.to_string()
    } else {
        host::resolve_local_path(dst).map_err(Error::Invalid)?
    };
    host::validate_output_path(&dst_abs).map_err(Error::Invalid)?;
    let mut src_path = src.to_string();
    let mut rebase_name = None;
    if options.follow_link {
        if let Ok(Some(s)) = rt.stat_path(id, src).await {
            if s.is_symlink() {
                let mut target = s.link_target;
                if !target.starts_with('/') {
                    target = rules::join(&rules::split_path_dir_entry(src).0, &target);
                }
                (src_path, rebase_name) = rules::get_rebase_name(src, &target);
            }
        }
    }
    let stat = rt.stat_path(id, &src_path).await.ok().flatten();
    let mut archive = rt.get_archive(id, &src_path);
    // The engine's refusal (nothing at the path) comes before anything local.
    let first = archive.next().await;
    if let Some(Err(e)) = first {
        return Err(e.into());
    }
    let archive = Box::pin(futures_util::stream::iter(first).chain(archive));
    if dst == "-" {
        let mut out = out.ok_or_else(|| Error::Invalid("no standard output to copy to".into()))?;
        let mut archive = archive;
        while let Some(chunk) = archive.next().await {
            let chunk = chunk?;
            out.write_all(&chunk)
                .await
                .map_err(|e| Error::Invalid(e.to_string()))?;
        }
        out.flush()
            .await
            .map_err(|e| Error::Invalid(e.to_string()))?;
        return Ok(());
    }
    let src_info = CopyInfo {
        path: src_path,
        exists: true,
        is_dir: stat.is_some_and(|s| s.is_dir()),
        rebase_name,
    };
    let mut rebases = Vec::new();
    if let Some(name) = &src_info.rebase_name {
        rebases.push(Rebase {
            old: rules::split_path_dir_entry(&src_info.path).1,
            new: name.clone(),
        });
    }
    let dst_info = host::destination_info(&dst_abs).map_err(Error::Invalid)?;
    let prepared = rules::prepare_archive_copy(&src_info, &dst_info)
        .map_err(|e| Error::Invalid(e.to_string()))?;
    rebases.extend(prepared.rebase);
    host::extract(archive, prepared.dst_dir, rebases)
        .await
        .map_err(|e| match e {
            host::ExtractError::Stream(e) => Error::Runtime(e),
            host::ExtractError::Local(m) => Error::Invalid(m),
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::fake::Fake;
    use crate::runtime::{ContainerSpec, RuntimeError};

    fn fake_project() -> Fake {
        let fake = Fake::new();
        fake.add_image("busybox");
        fake
    }

    async fn add(fake: &Fake, service: &str, number: u32, oneoff: bool) {
        let name = if oneoff {
            format!("p-{service}-run-{number}")
        } else {
            format!("p-{service}-{number}")
        };
        let spec = ContainerSpec {
            name,
            body: serde_json::json!({"Image": "busybox", "Labels": {
                labels::PROJECT: "p",
                labels::SERVICE: service,
                labels::CONFIG_HASH: "h",
                labels::CONTAINER_NUMBER: number.to_string(),
                labels::ONEOFF: if oneoff { "True" } else { "False" },
            }}),
            extra_networks: vec![],
        };
        let id = fake.create_container(&spec).await.unwrap();
        fake.start_container(&id).await.unwrap();
    }

    fn opts(source: &str, destination: &str) -> CopyOptions {
        CopyOptions {
            source: source.into(),
            destination: destination.into(),
            ..CopyOptions::default()
        }
    }

    fn copies(fake: &Fake) -> Vec<String> {
        let mut c: Vec<String> = fake
            .calls()
            .into_iter()
            .filter(|c| c.starts_with("copy to"))
            .collect();
        c.sort();
        c
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn which_containers_a_copy_reaches() {
        let fake = fake_project();
        add(&fake, "web", 1, false).await;
        add(&fake, "web", 2, false).await;
        add(&fake, "web", 1, true).await;
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("f");
        std::fs::write(&file, "x").unwrap();
        let src = file.to_string_lossy().into_owned();
        let events = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let seen = std::sync::Arc::clone(&events);
        let sink: Sink = std::sync::Arc::new(move |e: Event| {
            seen.lock()
                .unwrap()
                .push(format!("{} {} {}", e.resource, e.details, e.text));
        });

        // To the service: every container of it, `run` ones with --all.
        let to = opts(&src, "web:/dst/new");
        copy(&fake, "p", &to, CopyIo::default(), &sink)
            .await
            .unwrap();
        assert_eq!(
            copies(&fake),
            [
                "copy to container p-web-1 /dst",
                "copy to container p-web-2 /dst"
            ]
        );
        let mut e = events.lock().unwrap().clone();
        e.sort();
        assert_eq!(
            e,
            [
                format!("p-web-1 copy {src} to p-web-1:/dst/new Copied"),
                format!("p-web-1 copy {src} to p-web-1:/dst/new Copying"),
                format!("p-web-2 copy {src} to p-web-2:/dst/new Copied"),
                format!("p-web-2 copy {src} to p-web-2:/dst/new Copying"),
            ]
        );
        fake.clear_calls();
        let all = CopyOptions {
            all: true,
            ..to.clone()
        };
        copy(&fake, "p", &all, CopyIo::default(), &sink)
            .await
            .unwrap();
        assert_eq!(copies(&fake).len(), 3);
        fake.clear_calls();
        let second = CopyOptions {
            index: 2,
            ..to.clone()
        };
        copy(&fake, "p", &second, CopyIo::default(), &sink)
            .await
            .unwrap();
        assert_eq!(copies(&fake), ["copy to container p-web-2 /dst"]);

        // From the service: one container; the engine's refusal is kept.
        let from = opts("web:/nothing", &dir.path().join("out").to_string_lossy());
        let err = copy(&fake, "p", &from, CopyIo::default(), &sink)
            .await
            .unwrap_err();
        assert!(
            matches!(err, Error::Runtime(RuntimeError::NotFound(m)) if m.starts_with("Could not find the file /nothing"))
        );

        for (source, destination, message) in [
            (
                "web:/a",
                "other:/b",
                "copying between services is not supported",
            ),
            ("a", "b", "unknown copy direction"),
            ("a", "db:/b", "no container found for service \"db\""),
            (
                src.as_str(),
                "web:/a",
                "service \"web\" is not running container #3",
            ),
        ] {
            let mut o = opts(source, destination);
            if message.contains("#3") {
                o.index = 3;
            }
            let err = copy(&fake, "p", &o, CopyIo::default(), &sink)
                .await
                .unwrap_err();
            assert_eq!(err.to_string(), message);
        }
        let missing = opts("/no/such/file", "web:/a");
        let err = copy(&fake, "p", &missing, CopyIo::default(), &sink)
            .await
            .unwrap_err();
        assert_eq!(err.to_string(), "lstat /no: no such file or directory");
    }
}
