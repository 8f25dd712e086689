//! The local side of a copy, as the docker CLI does it (go-archive's copy
//! functions): resolving the local path, archiving the source as a tar
//! stream, and extracting a container's archive into a local directory.
//!
//! Archives are streamed: a blocking task walks and reads files (or writes
//! them) while the other side of a bounded channel talks to the engine, so
//! neither a file nor an archive is ever held whole in memory. Errors are
//! worded as Go words them (`lstat /x: no such file or directory`).

use std::collections::HashMap;
use std::fs::{self, File, Metadata};
use std::io::{self, Read, Write};
use std::os::unix::fs::{DirBuilderExt, FileTypeExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::Path;
use std::sync::{Arc, Mutex};

use compose_spec::gocompat::path::clean;
use futures_util::StreamExt;
use tokio::sync::mpsc;

use super::rules::{self, CopyInfo, Rebase};
use crate::runtime::{BoxStream, ByteStream, RuntimeError};

/// Size of the chunks an archive travels in.
const CHUNK: usize = 64 * 1024;

/// Chunks in flight between the blocking side and the engine.
const IN_FLIGHT: usize = 8;

/// Go's text of an errno (`no such file or directory`), else the error's own text.
pub(crate) fn go_errno(e: &io::Error) -> String {
    let known = match e.raw_os_error() {
        Some(1) => "operation not permitted",
        Some(2) => "no such file or directory",
        Some(5) => "input/output error",
        Some(13) => "permission denied",
        Some(17) => "file exists",
        Some(18) => "invalid cross-device link",
        Some(20) => "not a directory",
        Some(21) => "is a directory",
        Some(22) => "invalid argument",
        Some(28) => "no space left on device",
        Some(30) => "read-only file system",
        Some(36) => "file name too long",
        Some(39) => "directory not empty",
        Some(40) => "too many levels of symbolic links",
        _ => "",
    };
    if !known.is_empty() {
        return known.to_string();
    }
    let text = e.to_string();
    match text.find(" (os error") {
        Some(i) => text[..i].to_lowercase(),
        None => text,
    }
}

/// Go's `*PathError` text: `lstat /x: no such file or directory`.
pub(crate) fn path_error(op: &str, path: &str, e: &io::Error) -> String {
    format!("{op} {path}: {}", go_errno(e))
}

fn not_found(e: &io::Error) -> bool {
    e.kind() == io::ErrorKind::NotFound
}

/// Go's `filepath.Abs` of a local argument, keeping its trailing `/` or `/.`
/// (compose's `resolveLocalPath`).
pub(crate) fn resolve_local_path(path: &str) -> Result<String, String> {
    let abs = if path.starts_with('/') {
        clean(path)
    } else {
        let cwd = std::env::current_dir().map_err(|e| path_error("getwd", ".", &e))?;
        rules::join(&cwd.to_string_lossy(), path)
    };
    Ok(rules::preserve_trailing_dot_or_separator(&abs, path))
}

/// Go's `filepath.EvalSymlinks` of an absolute path: every symbolic link
/// followed, the result cleaned; the first missing element is the error.
pub(crate) fn eval_symlinks(path: &str) -> Result<String, String> {
    let mut path = path.to_string();
    let rooted = path.starts_with('/');
    let vol = if rooted { "/" } else { "" };
    let mut dest = vol.to_string();
    let mut links = 0;
    let mut end = vol.len();
    loop {
        let mut start = end;
        let bytes = path.as_bytes();
        while start < bytes.len() && bytes[start] == b'/' {
            start += 1;
        }
        end = start;
        while end < bytes.len() && bytes[end] != b'/' {
            end += 1;
        }
        if end == start {
            break;
        }
        let component = &path[start..end];
        if component == "." {
            continue;
        }
        if component == ".." {
            // Back up one element, unless there is none (or only `..`s) to drop.
            match last_separator(&dest, vol.len()) {
                Some(r) if &dest[r + 1..] != ".." => dest.truncate(r),
                _ => {
                    if dest.len() > vol.len() {
                        dest.push('/');
                    }
                    dest.push_str("..");
                }
            }
            continue;
        }
        if dest.len() > vol.len() && !dest.ends_with('/') {
            dest.push('/');
        }
        dest.push_str(component);
        let meta = fs::symlink_metadata(&dest).map_err(|e| path_error("lstat", &dest, &e))?;
        if !meta.file_type().is_symlink() {
            if !meta.is_dir() && end < path.len() {
                return Err(go_errno(&io::Error::from_raw_os_error(20)));
            }
            continue;
        }
        links += 1;
        if links > 255 {
            return Err("EvalSymlinks: too many links".into());
        }
        let link = fs::read_link(&dest).map_err(|e| path_error("readlink", &dest, &e))?;
        let link = link.to_string_lossy().into_owned();
        path = format!("{link}{}", &path[end..]);
        if link.starts_with('/') {
            dest = "/".into();
            end = 1;
        } else {
            match last_separator(&dest, vol.len()) {
                Some(r) => dest.truncate(r),
                None => dest = vol.to_string(),
            }
            end = 0;
        }
    }
    Ok(clean(&dest))
}

/// The index of the last `/` of `dest` at or after `from`.
fn last_separator(dest: &str, from: usize) -> Option<usize> {
    dest.get(from..)?.rfind('/').map(|i| i + from)
}

/// The local source of a copy (go-archive's `CopyInfoSourcePath`): symbolic
/// links before the last element are followed, the last one only with
/// `follow_link` (the copy then keeps the link's name); the source must exist.
pub(crate) fn source_info(path: &str, follow_link: bool) -> Result<CopyInfo, String> {
    let (resolved, rebase_name) = if follow_link {
        let resolved = eval_symlinks(path)?;
        rules::get_rebase_name(path, &resolved)
    } else {
        let (dir, file) = rules::split(path);
        let resolved_dir = eval_symlinks(dir)?;
        let resolved = format!("{resolved_dir}/{file}");
        let rebase = (rules::has_trailing_separator(path)
            && rules::base(path) != rules::base(&resolved))
        .then(|| rules::base(path));
        (resolved, rebase)
    };
    let meta = fs::symlink_metadata(&resolved).map_err(|e| path_error("lstat", &resolved, &e))?;
    Ok(CopyInfo {
        path: resolved,
        exists: true,
        is_dir: meta.is_dir(),
        rebase_name,
    })
}

/// The local destination of a copy (go-archive's `CopyInfoDestinationPath`):
/// a symbolic link there is followed (a dangling one names the file to
/// create); when nothing is there, its parent must be a directory.
pub(crate) fn destination_info(path: &str) -> Result<CopyInfo, String> {
    let original = path.to_string();
    let mut path = path.to_string();
    let mut stat = fs::symlink_metadata(&path);
    let mut n = 0;
    while let Ok(meta) = &stat {
        if !meta.file_type().is_symlink() {
            break;
        }
        if n > 10 {
            return Err(format!("too many symlinks in {original}"));
        }
        n += 1;
        let link = fs::read_link(&path).map_err(|e| path_error("readlink", &path, &e))?;
        let mut link = link.to_string_lossy().into_owned();
        if !link.starts_with('/') {
            link = rules::join(&rules::split_path_dir_entry(&path).0, &link);
        }
        path = link;
        stat = fs::symlink_metadata(&path);
    }
    match stat {
        Ok(meta) => Ok(CopyInfo {
            path,
            exists: true,
            is_dir: meta.is_dir(),
            rebase_name: None,
        }),
        Err(e) if !not_found(&e) => Err(path_error("lstat", &path, &e)),
        Err(_) => {
            let parent = rules::split_path_dir_entry(&path).0;
            let meta = fs::metadata(&parent).map_err(|e| path_error("stat", &parent, &e))?;
            if !meta.is_dir() {
                return Err("not a directory".into());
            }
            Ok(CopyInfo {
                path,
                ..CopyInfo::default()
            })
        }
    }
}

/// The docker CLI's check of a local output path: its directory must exist,
/// and what is there must be a directory or a regular file (not a device).
pub(crate) fn validate_output_path(path: &str) -> Result<(), String> {
    let dir = rules::dir(&clean(path));
    if !dir.is_empty() && dir != "." {
        if let Err(e) = fs::metadata(&dir) {
            if not_found(&e) {
                return Err(format!(
                    "invalid output path: directory {dir:?} does not exist"
                ));
            }
        }
    }
    match fs::metadata(path) {
        Err(e) if not_found(&e) => Ok(()),
        Err(e) => Err(path_error("stat", path, &e)),
        Ok(meta) => {
            let t = meta.file_type();
            if t.is_block_device() || t.is_char_device() {
                Err(format!(
                    "invalid output path: {path:?} must be a directory or a regular file: got a device"
                ))
            } else {
                Ok(())
            }
        }
    }
}

/// Whether a container path's Go file mode is a device (the docker CLI
/// refuses to copy onto one).
pub(crate) fn is_device_mode(mode: u32) -> bool {
    mode & (1 << 26) != 0
}

/// What archiving reports besides the archive: files it skipped, worded as
/// the docker CLI logs them.
pub(crate) type Skipped = Arc<Mutex<Vec<String>>>;

/// Writes into a channel in chunks (the blocking side of a streamed archive).
struct ChunkWriter {
    tx: mpsc::Sender<io::Result<Vec<u8>>>,
    buf: Vec<u8>,
}

impl ChunkWriter {
    fn send(&mut self) -> io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let chunk = std::mem::replace(&mut self.buf, Vec::with_capacity(CHUNK));
        self.tx
            .blocking_send(Ok(chunk))
            .map_err(|_| io::Error::new(io::ErrorKind::BrokenPipe, "read/write on closed pipe"))
    }
}

impl Write for ChunkWriter {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.buf.extend_from_slice(data);
        if self.buf.len() >= CHUNK {
            self.send()?;
        }
        Ok(data.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        self.send()
    }
}

/// The local `path` as a tar stream (go-archive's `TarResourceRebase`
/// followed by `RebaseArchiveEntries`): the entry itself and, for a
/// directory, everything under it in lexical order, symbolic links stored
/// as links, hard links as links to the first name; modes, owners and
/// modification times (whole seconds) kept. The top entry is renamed to
/// `rebase_name`, then `rebase` applies.
pub(crate) fn tar_resource(
    path: &str,
    rebase_name: Option<String>,
    rebase: Option<Rebase>,
) -> Result<(ByteStream, Skipped), String> {
    fs::symlink_metadata(path).map_err(|e| path_error("lstat", path, &e))?;
    let (source_dir, include) = rules::split_path_dir_entry(path);
    let skipped: Skipped = Arc::default();
    let (tx, mut rx) = mpsc::channel::<io::Result<Vec<u8>>>(IN_FLIGHT);
    let report = Arc::clone(&skipped);
    tokio::task::spawn_blocking(move || {
        let mut out = ChunkWriter {
            tx: tx.clone(),
            buf: Vec::with_capacity(CHUNK),
        };
        let mut archiver = Archiver {
            builder: tar::Builder::new(&mut out),
            names: Names {
                include: include.clone(),
                rebase_name,
                rebase,
            },
            seen: HashMap::new(),
            skipped: report,
        };
        let root = format!("{}/{include}", source_dir.trim_end_matches('/'));
        let first = if include == "." {
            ".".to_string()
        } else {
            include.clone()
        };
        let result = archiver
            .walk(Path::new(&root), &first)
            .and_then(|()| archiver.builder.finish());
        drop(archiver);
        let result = result.and_then(|()| out.flush());
        if let Err(e) = result {
            if e.kind() != io::ErrorKind::BrokenPipe {
                let _ = tx.blocking_send(Err(e));
            }
        }
    });
    let stream = futures_util::stream::poll_fn(move |cx| rx.poll_recv(cx));
    Ok((Box::pin(stream), skipped))
}

/// Several local paths in one tar stream, each archived under its own name
/// (compose's watch sync archive): `(host path, archive name)` pairs, a
/// directory with everything under it; a path that no longer exists is
/// skipped, as are files that cannot be archived.
pub(crate) fn tar_paths(entries: Vec<(String, String)>) -> ByteStream {
    let (tx, mut rx) = mpsc::channel::<io::Result<Vec<u8>>>(IN_FLIGHT);
    tokio::task::spawn_blocking(move || {
        let mut out = ChunkWriter {
            tx: tx.clone(),
            buf: Vec::with_capacity(CHUNK),
        };
        let mut archiver = Archiver {
            builder: tar::Builder::new(&mut out),
            names: Names {
                include: String::new(),
                rebase_name: None,
                rebase: None,
            },
            seen: HashMap::new(),
            skipped: Arc::default(),
        };
        let mut result = Ok(());
        for (host, name) in entries {
            if fs::symlink_metadata(&host).is_err() {
                continue;
            }
            let (_, include) = rules::split_path_dir_entry(&host);
            archiver.names = Names {
                include: include.clone(),
                rebase_name: Some(name.trim_start_matches('/').to_string()),
                rebase: None,
            };
            result = archiver.walk(Path::new(&host), &include);
            if result.is_err() {
                break;
            }
        }
        let result = result.and_then(|()| archiver.builder.finish());
        drop(archiver);
        let result = result.and_then(|()| out.flush());
        if let Err(e) = result {
            if e.kind() != io::ErrorKind::BrokenPipe {
                let _ = tx.blocking_send(Err(e));
            }
        }
    });
    Box::pin(futures_util::stream::poll_fn(move |cx| rx.poll_recv(cx)))
}

/// How walked names become archive names.
struct Names {
    /// The element archived (the source's base name, or `.` for `dir/.`).
    include: String,
    /// The name the top entry takes instead.
    rebase_name: Option<String>,
    /// The renaming the destination asks for.
    rebase: Option<Rebase>,
}

impl Names {
    fn archive_name(&self, rel: &str, is_dir: bool) -> String {
        let mut name = rel.to_string();
        if let Some(r) = &self.rebase_name {
            let replacement = if r == "/" { "" } else { r.as_str() };
            name = Rebase {
                old: self.include.clone(),
                new: replacement.to_string(),
            }
            .apply(&name);
        }
        if let Some(r) = &self.rebase {
            name = r.apply(&name);
        }
        if is_dir && !name.ends_with('/') {
            name.push('/');
        }
        name
    }
}

struct Archiver<'a> {
    builder: tar::Builder<&'a mut ChunkWriter>,
    names: Names,
    /// Inodes of files with several links, with the name they were first archived under.
    seen: HashMap<u64, String>,
    skipped: Skipped,
}

impl Archiver<'_> {
    fn skip(&self, path: &Path, e: &io::Error) {
        if let Ok(mut s) = self.skipped.lock() {
            s.push(format!(
                "Can't add file {} to tar: {}",
                path.display(),
                go_errno(e)
            ));
        }
    }

    /// Archives `path` (known in the archive as `rel`) and what is under it.
    fn walk(&mut self, path: &Path, rel: &str) -> io::Result<()> {
        let meta = match fs::symlink_metadata(path) {
            Ok(m) => m,
            Err(e) => {
                self.skip(path, &e);
                return Ok(());
            }
        };
        if let Err(e) = self.add(path, rel, &meta) {
            if e.kind() == io::ErrorKind::BrokenPipe {
                return Err(e);
            }
            self.skip(path, &e);
        }
        if !meta.is_dir() {
            return Ok(());
        }
        let mut children: Vec<_> = match fs::read_dir(path) {
            Ok(rd) => rd.filter_map(|e| e.ok()).map(|e| e.file_name()).collect(),
            Err(e) => {
                self.skip(path, &e);
                return Ok(());
            }
        };
        children.sort_by(|a, b| {
            use std::os::unix::ffi::OsStrExt;
            a.as_bytes().cmp(b.as_bytes())
        });
        for child in children {
            let name = child.to_string_lossy();
            let child_rel = if rel == "." {
                format!("./{name}")
            } else {
                format!("{rel}/{name}")
            };
            self.walk(&path.join(&child), &child_rel)?;
        }
        Ok(())
    }

    fn add(&mut self, path: &Path, rel: &str, meta: &Metadata) -> io::Result<()> {
        let t = meta.file_type();
        if t.is_socket() {
            return Err(io::Error::other("archive/tar: sockets not supported"));
        }
        let name = self.names.archive_name(rel, t.is_dir());
        let mut h = tar::Header::new_gnu();
        h.set_mode(meta.mode() & 0o7777);
        h.set_uid(u64::from(meta.uid()));
        h.set_gid(u64::from(meta.gid()));
        h.set_mtime(u64::try_from(meta.mtime()).unwrap_or(0));
        h.set_size(0);
        if !t.is_dir() && meta.nlink() > 1 {
            if let Some(first) = self.seen.get(&meta.ino()) {
                h.set_entry_type(tar::EntryType::Link);
                let first = first.clone();
                return self.builder.append_link(&mut h, &name, first);
            }
            self.seen.insert(meta.ino(), name.clone());
        }
        if t.is_dir() {
            h.set_entry_type(tar::EntryType::Directory);
            self.builder.append_data(&mut h, &name, io::empty())
        } else if t.is_symlink() {
            let target = fs::read_link(path)?;
            h.set_entry_type(tar::EntryType::Symlink);
            self.builder.append_link(&mut h, &name, target)
        } else if t.is_file() {
            let file = File::open(path)?;
            h.set_entry_type(tar::EntryType::Regular);
            h.set_size(meta.len());
            // A file that changes while archived is cut or padded to its
            // announced size, so that the archive stays well-formed.
            let body = file.take(meta.len()).chain(io::repeat(0)).take(meta.len());
            self.builder.append_data(&mut h, &name, body)
        } else if t.is_fifo() {
            h.set_entry_type(tar::EntryType::Fifo);
            self.builder.append_data(&mut h, &name, io::empty())
        } else {
            let dev = meta.rdev();
            h.set_entry_type(if t.is_block_device() {
                tar::EntryType::Block
            } else {
                tar::EntryType::Char
            });
            h.set_device_major(rustix::fs::major(dev))?;
            h.set_device_minor(rustix::fs::minor(dev))?;
            self.builder.append_data(&mut h, &name, io::empty())
        }
    }
}

/// Reads a channel of chunks as a byte stream (the blocking side of an extraction).
struct ChunkReader {
    rx: mpsc::Receiver<Vec<u8>>,
    chunk: Vec<u8>,
    pos: usize,
}

impl Read for ChunkReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.pos == self.chunk.len() {
            match self.rx.blocking_recv() {
                Some(c) => {
                    self.chunk = c;
                    self.pos = 0;
                }
                None => return Ok(0),
            }
        }
        let n = buf.len().min(self.chunk.len() - self.pos);
        buf[..n].copy_from_slice(&self.chunk[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

/// Why an extraction failed: the archive's stream, or the local side.
#[derive(Debug)]
pub(crate) enum ExtractError {
    /// The engine's stream failed.
    Stream(RuntimeError),
    /// Writing locally failed (Go's wording).
    Local(String),
}

/// Extracts a tar stream into the local directory `dest`, each entry renamed
/// by `rebases` in turn (go-archive's `Untar` with `NoLchown` and
/// `NoOverwriteDirNonDir`, as the docker CLI copies from a container):
/// owners are not copied, modes and modification times are; a directory is
/// never replaced by a non-directory or the reverse.
pub(crate) async fn extract(
    mut stream: BoxStream<crate::runtime::Result<Vec<u8>>>,
    dest: String,
    rebases: Vec<Rebase>,
) -> Result<(), ExtractError> {
    let (tx, rx) = mpsc::channel::<Vec<u8>>(IN_FLIGHT);
    let worker = tokio::task::spawn_blocking(move || {
        let reader = ChunkReader {
            rx,
            chunk: Vec::new(),
            pos: 0,
        };
        unpack(reader, &dest, &rebases)
    });
    let mut failed = None;
    while let Some(item) = stream.next().await {
        match item {
            Ok(chunk) => {
                if tx.send(chunk).await.is_err() {
                    break;
                }
            }
            Err(e) => {
                failed = Some(e);
                break;
            }
        }
    }
    drop(tx);
    let result = worker
        .await
        .unwrap_or_else(|e| Err(format!("extraction stopped: {e}")));
    match failed {
        Some(e) => Err(ExtractError::Stream(e)),
        None => result.map_err(ExtractError::Local),
    }
}

/// Go's `%q` of a path, for the messages that quote one.
fn quoted(s: &str) -> String {
    format!("{s:?}")
}

fn io_err<'a>(path: &'a str, op: &'a str) -> impl Fn(io::Error) -> String + 'a {
    move |e| path_error(op, path, &e)
}

/// The extraction itself, on a blocking thread.
fn unpack(reader: impl Read, dest: &str, rebases: &[Rebase]) -> Result<(), String> {
    let dest = clean(dest);
    let mut archive = tar::Archive::new(reader);
    let mut dirs: Vec<(String, u64)> = Vec::new();
    let entries = archive.entries().map_err(|e| e.to_string())?;
    for entry in entries {
        let mut entry = entry.map_err(|e| e.to_string())?;
        let kind = entry.header().entry_type();
        if kind == tar::EntryType::XGlobalHeader {
            continue;
        }
        let raw = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        let mut name = raw;
        for r in rebases {
            name = r.apply(&name);
        }
        let name = clean(&name);
        if name == ".." || name.starts_with("../") {
            return Err(format!("{} is outside of {}", quoted(&name), quoted(&dest)));
        }
        // Parents that have no entry of their own are created 0755.
        if !name.ends_with('/') {
            let parent = rules::join(&dest, &rules::dir(&name));
            if fs::symlink_metadata(&parent).is_err() {
                fs::DirBuilder::new()
                    .recursive(true)
                    .mode(0o755)
                    .create(&parent)
                    .map_err(io_err(&parent, "mkdir"))?;
            }
        }
        let path = rules::join(&dest, &name);
        let is_dir_entry = kind == tar::EntryType::Directory;
        if let Ok(existing) = fs::symlink_metadata(&path) {
            if existing.is_dir() && !is_dir_entry {
                return Err(format!(
                    "cannot overwrite directory {} with non-directory {}",
                    quoted(&path),
                    quoted(&dest)
                ));
            }
            if !existing.is_dir() && is_dir_entry {
                return Err(format!(
                    "cannot overwrite non-directory {} with directory {}",
                    quoted(&path),
                    quoted(&dest)
                ));
            }
            if existing.is_dir() && name == "." {
                continue;
            }
            if !existing.is_dir() {
                fs::remove_file(&path).map_err(io_err(&path, "unlinkat"))?;
            }
        }
        let mode = entry.header().mode().map_err(|e| e.to_string())? & 0o7777;
        let mtime = entry.header().mtime().unwrap_or(0);
        match kind {
            tar::EntryType::Directory => {
                if !fs::symlink_metadata(&path).is_ok_and(|m| m.is_dir()) {
                    fs::DirBuilder::new()
                        .mode(mode)
                        .create(&path)
                        .map_err(io_err(&path, "mkdir"))?;
                }
            }
            tar::EntryType::Regular | tar::EntryType::Continuous => {
                let mut file = fs::OpenOptions::new()
                    .create(true)
                    .truncate(false)
                    .write(true)
                    .mode(mode)
                    .open(&path)
                    .map_err(io_err(&path, "open"))?;
                io::copy(&mut entry, &mut file).map_err(|e| e.to_string())?;
            }
            tar::EntryType::Link => {
                let target_name = entry
                    .link_name_bytes()
                    .map(|b| String::from_utf8_lossy(&b).into_owned())
                    .unwrap_or_default();
                let mut target_name = target_name;
                for r in rebases {
                    target_name = r.apply(&target_name);
                }
                let target = rules::join(&dest, &target_name);
                if !target.starts_with(&dest) {
                    return Err(format!(
                        "invalid hardlink {} -> {}",
                        quoted(&target),
                        quoted(&target_name)
                    ));
                }
                fs::hard_link(&target, &path)
                    .map_err(|e| format!("link {target} {path}: {}", go_errno(&e)))?;
                // go-archive sets a hard link's mode and times only when its
                // target resolves from the working directory: in effect never.
                continue;
            }
            tar::EntryType::Symlink => {
                let target = entry
                    .link_name_bytes()
                    .map(|b| String::from_utf8_lossy(&b).into_owned())
                    .unwrap_or_default();
                let resolved = rules::join(&rules::dir(&path), &target);
                if !resolved.starts_with(&dest) {
                    return Err(format!(
                        "invalid symlink {} -> {}",
                        quoted(&path),
                        quoted(&target)
                    ));
                }
                std::os::unix::fs::symlink(&target, &path)
                    .map_err(|e| format!("symlink {target} {path}: {}", go_errno(&e)))?;
                set_times(&path, mtime, true)?;
                continue;
            }
            tar::EntryType::Fifo | tar::EntryType::Char | tar::EntryType::Block => {
                let (file_type, dev) = match kind {
                    tar::EntryType::Fifo => (rustix::fs::FileType::Fifo, 0),
                    tar::EntryType::Char => (rustix::fs::FileType::CharacterDevice, device(&entry)),
                    _ => (rustix::fs::FileType::BlockDevice, device(&entry)),
                };
                rustix::fs::mknodat(
                    rustix::fs::CWD,
                    path.as_str(),
                    file_type,
                    rustix::fs::Mode::from_raw_mode(mode),
                    dev,
                )
                .map_err(|e| path_error("mknod", &path, &io::Error::from(e)))?;
            }
            other => return Err(format!("unhandled tar header type {}", other.as_byte())),
        }
        fs::set_permissions(&path, fs::Permissions::from_mode(mode))
            .map_err(io_err(&path, "chmod"))?;
        if kind == tar::EntryType::Directory {
            dirs.push((path, mtime));
        } else {
            set_times(&path, mtime, false)?;
        }
    }
    // Directories last: creating their entries changed their times.
    for (path, mtime) in dirs {
        set_times(&path, mtime, false)?;
    }
    Ok(())
}

fn device<R: Read>(entry: &tar::Entry<'_, R>) -> rustix::fs::Dev {
    let h = entry.header();
    let major = h.device_major().ok().flatten().unwrap_or(0);
    let minor = h.device_minor().ok().flatten().unwrap_or(0);
    rustix::fs::makedev(major, minor)
}

/// Sets a path's access and modification times to `mtime` (seconds), of the
/// link itself for a symbolic link.
fn set_times(path: &str, mtime: u64, link: bool) -> Result<(), String> {
    let t = rustix::fs::Timespec {
        tv_sec: i64::try_from(mtime).unwrap_or(0),
        tv_nsec: 0,
    };
    let flags = if link {
        rustix::fs::AtFlags::SYMLINK_NOFOLLOW
    } else {
        rustix::fs::AtFlags::empty()
    };
    rustix::fs::utimensat(
        rustix::fs::CWD,
        path,
        &rustix::fs::Timestamps {
            last_access: t,
            last_modification: t,
        },
        flags,
    )
    .map_err(|e| {
        path_error(
            if link { "lchtimes" } else { "chtimes" },
            path,
            &io::Error::from(e),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, rel: &str, content: &str, mode: u32) {
        let p = dir.join(rel);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(&p, content).unwrap();
        fs::set_permissions(&p, fs::Permissions::from_mode(mode)).unwrap();
    }

    fn s(p: &Path) -> String {
        p.to_string_lossy().into_owned()
    }

    #[test]
    fn eval_symlinks_as_go() {
        let t = tempfile::tempdir().unwrap();
        let root = fs::canonicalize(t.path()).unwrap();
        write(&root, "d/f", "x", 0o644);
        std::os::unix::fs::symlink("d", root.join("rel")).unwrap();
        std::os::unix::fs::symlink(root.join("d/f"), root.join("abs")).unwrap();
        std::os::unix::fs::symlink("nothere", root.join("dangling")).unwrap();
        let r = s(&root);
        assert_eq!(
            eval_symlinks(&format!("{r}/rel/f")).unwrap(),
            format!("{r}/d/f")
        );
        assert_eq!(
            eval_symlinks(&format!("{r}/abs")).unwrap(),
            format!("{r}/d/f")
        );
        assert_eq!(
            eval_symlinks(&format!("{r}/rel/")).unwrap(),
            format!("{r}/d")
        );
        assert_eq!(
            eval_symlinks(&format!("{r}/d/../rel/./f")).unwrap(),
            format!("{r}/d/f")
        );
        assert_eq!(
            eval_symlinks(&format!("{r}/missing/f")).unwrap_err(),
            format!("lstat {r}/missing: no such file or directory")
        );
        assert_eq!(
            eval_symlinks(&format!("{r}/dangling")).unwrap_err(),
            format!("lstat {r}/nothere: no such file or directory")
        );
        assert_eq!(
            eval_symlinks(&format!("{r}/d/f/")).unwrap_err(),
            "not a directory"
        );
        assert_eq!(eval_symlinks("/").unwrap(), "/");
    }

    #[test]
    fn source_and_destination_infos() {
        let t = tempfile::tempdir().unwrap();
        let root = fs::canonicalize(t.path()).unwrap();
        let r = s(&root);
        write(&root, "d/f", "x", 0o644);
        std::os::unix::fs::symlink("d", root.join("ln")).unwrap();
        std::os::unix::fs::symlink("d/new", root.join("dangling")).unwrap();

        let i = source_info(&format!("{r}/ln"), false).unwrap();
        assert_eq!(
            (i.path.as_str(), i.is_dir),
            (format!("{r}/ln").as_str(), false)
        );
        let i = source_info(&format!("{r}/ln"), true).unwrap();
        assert_eq!((i.is_dir, i.rebase_name.as_deref()), (true, Some("ln")));
        assert_eq!(i.path, format!("{r}/d"));
        let i = source_info(&format!("{r}/ln/"), false).unwrap();
        assert_eq!((i.is_dir, i.rebase_name.as_deref()), (true, Some("ln")));
        assert_eq!(
            source_info(&format!("{r}/nope"), false).unwrap_err(),
            format!("lstat {r}/nope: no such file or directory")
        );

        let i = destination_info(&format!("{r}/ln")).unwrap();
        assert_eq!((i.path, i.exists, i.is_dir), (format!("{r}/d"), true, true));
        let i = destination_info(&format!("{r}/dangling")).unwrap();
        assert_eq!((i.path, i.exists), (format!("{r}/d/new"), false));
        assert_eq!(
            destination_info(&format!("{r}/no/x")).unwrap_err(),
            format!("stat {r}/no: no such file or directory")
        );
        assert_eq!(
            destination_info(&format!("{r}/d/f/x")).unwrap_err(),
            format!("lstat {r}/d/f/x: not a directory")
        );

        assert_eq!(
            validate_output_path(&format!("{r}/no/x")).unwrap_err(),
            format!("invalid output path: directory \"{r}/no\" does not exist")
        );
        assert_eq!(
            validate_output_path(&format!("{r}/d/f/")).unwrap_err(),
            format!("stat {r}/d/f/: not a directory")
        );
        assert!(validate_output_path(&format!("{r}/d/new")).is_ok());
        assert!(validate_output_path("/dev/null")
            .unwrap_err()
            .ends_with("must be a directory or a regular file: got a device"));
    }

    async fn collect(stream: ByteStream) -> Vec<u8> {
        let chunks: Vec<_> = stream.collect().await;
        chunks.into_iter().flat_map(|c| c.unwrap()).collect()
    }

    fn listing(tar: &[u8]) -> Vec<(String, tar::EntryType, u32, String)> {
        let mut a = tar::Archive::new(tar);
        a.entries()
            .unwrap()
            .map(|e| {
                let mut e = e.unwrap();
                let name = String::from_utf8_lossy(&e.path_bytes()).into_owned();
                let link = e
                    .link_name_bytes()
                    .map(|b| String::from_utf8_lossy(&b).into_owned())
                    .unwrap_or_default();
                let mut body = String::new();
                let _ = e.read_to_string(&mut body);
                let kind = e.header().entry_type();
                let mode = e.header().mode().unwrap();
                (name, kind, mode, if link.is_empty() { body } else { link })
            })
            .collect()
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 1)]
    async fn archives_are_named_as_docker_names_them() {
        use tar::EntryType::{Directory as D, Link as H, Regular as F, Symlink as L};
        let t = tempfile::tempdir().unwrap();
        let r = s(&fs::canonicalize(t.path()).unwrap());
        let root = Path::new(&r);
        write(root, "d/b", "b", 0o600);
        write(root, "d/a", "a", 0o4755);
        std::os::unix::fs::symlink("a", root.join("d/ln")).unwrap();
        fs::hard_link(root.join("d/b"), root.join("d/c")).unwrap();

        let (st, _) = tar_resource(&format!("{r}/d"), None, None).unwrap();
        assert_eq!(
            listing(&collect(st).await),
            [
                ("d/".into(), D, 0o755, String::new()),
                ("d/a".into(), F, 0o4755, "a".into()),
                ("d/b".into(), F, 0o600, "b".into()),
                ("d/c".into(), H, 0o600, "d/b".into()),
                ("d/ln".into(), L, 0o777, "a".into()),
            ]
        );
        // `d/.` into a new `x`: the contents, under `x`.
        let rebase = Some(Rebase {
            old: ".".into(),
            new: "x".into(),
        });
        let (st, _) = tar_resource(&format!("{r}/d/."), None, rebase).unwrap();
        let names: Vec<String> = listing(&collect(st).await)
            .into_iter()
            .map(|e| e.0)
            .collect();
        assert_eq!(names, ["x/", "x/a", "x/b", "x/c", "x/ln"]);
        // A followed link keeps its name, then takes the destination's.
        let rebase = Some(Rebase {
            old: "link".into(),
            new: "y".into(),
        });
        let (st, _) = tar_resource(&format!("{r}/d/a"), Some("link".into()), rebase).unwrap();
        let names: Vec<String> = listing(&collect(st).await)
            .into_iter()
            .map(|e| e.0)
            .collect();
        assert_eq!(names, ["y"]);
        assert_eq!(
            tar_resource(&format!("{r}/none"), None, None)
                .err()
                .unwrap(),
            format!("lstat {r}/none: no such file or directory")
        );
    }

    fn stream_of(bytes: Vec<u8>) -> BoxStream<crate::runtime::Result<Vec<u8>>> {
        let chunks: Vec<crate::runtime::Result<Vec<u8>>> =
            bytes.chunks(7).map(|c| Ok(c.to_vec())).collect();
        Box::pin(futures_util::stream::iter(chunks))
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 1)]
    async fn extraction_keeps_modes_and_times_and_refuses_dir_swaps() {
        let src = tempfile::tempdir().unwrap();
        let r = s(&fs::canonicalize(src.path()).unwrap());
        let root = Path::new(&r);
        write(root, "d/sub/f", "hello", 0o640);
        std::os::unix::fs::symlink("sub/f", root.join("d/ln")).unwrap();
        set_times(&format!("{r}/d/sub/f"), 1_577_934_245, false).unwrap();
        set_times(&format!("{r}/d/sub"), 1_500_000_000, false).unwrap();
        let (st, _) = tar_resource(&format!("{r}/d"), None, None).unwrap();
        let tar = collect(st).await;

        let out = tempfile::tempdir().unwrap();
        let o = s(&fs::canonicalize(out.path()).unwrap());
        let rebase = vec![Rebase {
            old: "d".into(),
            new: "copy".into(),
        }];
        extract(stream_of(tar.clone()), o.clone(), rebase)
            .await
            .unwrap();
        let f = fs::metadata(format!("{o}/copy/sub/f")).unwrap();
        assert_eq!(f.mode() & 0o7777, 0o640);
        assert_eq!(f.mtime(), 1_577_934_245);
        assert_eq!(
            fs::read_to_string(format!("{o}/copy/sub/f")).unwrap(),
            "hello"
        );
        assert_eq!(
            fs::metadata(format!("{o}/copy/sub")).unwrap().mtime(),
            1_500_000_000
        );
        assert_eq!(
            fs::read_link(format!("{o}/copy/ln")).unwrap(),
            Path::new("sub/f")
        );
        // Again into the same place: directories merge, files are replaced.
        extract(stream_of(tar.clone()), o.clone(), vec![])
            .await
            .unwrap();
        fs::write(format!("{o}/d/sub/f"), "changed").unwrap();
        extract(stream_of(tar.clone()), o.clone(), vec![])
            .await
            .unwrap();
        assert_eq!(fs::read_to_string(format!("{o}/d/sub/f")).unwrap(), "hello");
        // A directory where the archive has a file, and the reverse.
        fs::remove_file(format!("{o}/d/ln")).unwrap();
        fs::create_dir(format!("{o}/d/ln")).unwrap();
        let e = extract(stream_of(tar.clone()), o.clone(), vec![])
            .await
            .unwrap_err();
        assert!(
            matches!(&e, ExtractError::Local(m) if m == &format!("cannot overwrite directory \"{o}/d/ln\" with non-directory \"{o}\"")),
            "{e:?}"
        );
        // An empty archive (a dry run's) extracts nothing.
        extract(stream_of(Vec::new()), o.clone(), vec![])
            .await
            .unwrap();
        // A stream error wins.
        let failing: BoxStream<crate::runtime::Result<Vec<u8>>> =
            Box::pin(futures_util::stream::iter(vec![Err(
                RuntimeError::NotFound("Could not find the file /x in container c".into()),
            )]));
        assert!(matches!(
            extract(failing, o, vec![]).await,
            Err(ExtractError::Stream(RuntimeError::NotFound(_)))
        ));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 1)]
    async fn entries_escaping_the_destination_are_refused() {
        let mut b = tar::Builder::new(Vec::new());
        let mut h = tar::Header::new_gnu();
        h.set_entry_type(tar::EntryType::Symlink);
        h.set_mode(0o777);
        h.set_size(0);
        b.append_link(&mut h, "evil", "../../etc").unwrap();
        let tar = b.into_inner().unwrap();
        let out = tempfile::tempdir().unwrap();
        let o = s(&fs::canonicalize(out.path()).unwrap());
        let e = extract(stream_of(tar), o.clone(), vec![])
            .await
            .unwrap_err();
        assert!(
            matches!(&e, ExtractError::Local(m) if m.starts_with("invalid symlink")),
            "{e:?}"
        );
    }
}
