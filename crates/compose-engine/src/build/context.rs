//! The build context sent to the classic builder: a tar of the context
//! directory, built the way the docker CLI does for `docker build` and
//! `docker compose build` with `DOCKER_BUILDKIT=0` (`build.GetContextFromLocalDir`,
//! `build.ReadDockerignore`, `build.ValidateContextDirectory`,
//! `build.TrimBuildFilesFromExcludes`, `archive.TarWithOptions`,
//! `build.AddDockerfileToBuildContext`):
//!
//! * the directory is walked in lexical order (Go's `filepath.WalkDir`);
//!   symbolic links are stored as links and never followed; sockets are left out;
//!   files with several hard links are stored once and then as hard links;
//! * headers carry uid/gid 0 (no user names), the mode bits and the
//!   modification time truncated to the second, as docker sends them (`COPY`
//!   keeps that time in the image);
//! * `.dockerignore` excludes paths with moby's matcher ([`super::ignore`]); a
//!   directory that is excluded is not descended into unless an exception
//!   (`!dir/...`) starts with it; the Dockerfile and `.dockerignore` are always
//!   sent (the daemon reads and then drops them when they are ignored);
//! * a `<Dockerfile>.dockerignore` next to the Dockerfile takes precedence over
//!   the context's `.dockerignore` (BuildKit's rule, which the docker CLI's
//!   classic path does not have); its patterns are then also sent as the tar's
//!   `.dockerignore`, so the daemon drops what they ignore, as it would;
//! * a Dockerfile outside the context, and a `dockerfile_inline`, are added as
//!   `.dockerfile.<id>` and appended to the tar's `.dockerignore`
//!   (`AddDockerfileToBuildContext`; the id is a digest of the content instead
//!   of a random one, so that the same inputs give the same tar).

use std::collections::HashMap;
use std::fs;
use std::io::ErrorKind;
use std::os::unix::fs::{FileTypeExt, MetadataExt};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::ignore::{self, Matcher};

/// Why a context could not be prepared; the message is docker's wording.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ContextError(pub String);

/// What to put in the context.
#[derive(Debug, Clone, Default)]
pub struct ContextSpec {
    /// The context directory.
    pub dir: PathBuf,
    /// The Dockerfile as configured: relative to the context or absolute;
    /// empty for `Dockerfile` (or `dockerfile` when only that one exists).
    pub dockerfile: String,
    /// An inline Dockerfile (`dockerfile_inline`), used instead of `dockerfile`.
    pub dockerfile_inline: Option<String>,
}

/// A build context ready to send.
#[derive(Debug, Clone)]
pub struct BuildContext {
    /// The tar stream (uncompressed).
    pub tar: Vec<u8>,
    /// The Dockerfile's path inside the tar (the `dockerfile` build parameter).
    pub dockerfile: String,
    /// The tar's entry names in order (directories end with `/`).
    pub entries: Vec<String>,
}

enum Body {
    Dir,
    File(Vec<u8>),
    Symlink(String),
    HardLink(String),
    Fifo,
    Char(u64),
    Block(u64),
}

struct Entry {
    name: String,
    mode: u32,
    mtime: u64,
    body: Body,
}

fn err(s: impl Into<String>) -> ContextError {
    ContextError(s.into())
}

fn io_text(e: &std::io::Error) -> String {
    match e.kind() {
        ErrorKind::NotFound => "no such file or directory".to_string(),
        ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => e.to_string(),
    }
}

/// Whether a context is a remote one (git repository or URL), which hoist does
/// not fetch.
pub fn is_remote(context: &str) -> bool {
    ["http://", "https://", "git://", "git@", "github.com/"]
        .iter()
        .any(|p| context.starts_with(p))
}

/// `<dir>/<rel>` as a `/`-separated relative name, or `None` when `path` is not under `dir`.
fn relative_to(path: &Path, dir: &Path) -> Option<String> {
    let rel = path.strip_prefix(dir).ok()?;
    Some(
        rel.components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/"),
    )
}

/// Builds the context tar.
pub fn create(spec: &ContextSpec) -> Result<BuildContext, ContextError> {
    let given = spec.dir.to_string_lossy().into_owned();
    if is_remote(&given) {
        return Err(err(format!(
            "unable to prepare context: remote build contexts ({given}) are not supported by hoist"
        )));
    }
    let dir = match fs::canonicalize(&spec.dir) {
        Ok(d) if d.is_dir() => d,
        Ok(_) => {
            return Err(err(format!(
                "unable to prepare context: context must be a directory: {given}"
            )))
        }
        Err(_) => {
            return Err(err(format!(
                "unable to prepare context: path {given:?} not found"
            )))
        }
    };

    // The Dockerfile: generated (inline or outside the context) or a path in the tar.
    let mut generated: Option<(Vec<u8>, u64)> = None;
    let mut ignore_candidates: Vec<PathBuf> = Vec::new();
    let rel_dockerfile = match spec.dockerfile_inline.as_deref() {
        Some(inline) if !inline.is_empty() => {
            generated = Some((inline.as_bytes().to_vec(), 0));
            String::new()
        }
        _ => {
            let mut joined = if spec.dockerfile.is_empty() {
                let d = spec.dir.join("Dockerfile");
                let lower = spec.dir.join("dockerfile");
                if fs::symlink_metadata(&d).is_err() && fs::symlink_metadata(&lower).is_ok() {
                    lower
                } else {
                    d
                }
            } else {
                spec.dir.join(&spec.dockerfile)
            };
            if joined.is_relative() {
                joined = std::env::current_dir().unwrap_or_default().join(joined);
            }
            let real = fs::canonicalize(&joined).map_err(|e| {
                err(format!(
                    "unable to prepare context: unable to evaluate symlinks in Dockerfile path: lstat {}: {}",
                    joined.display(),
                    io_text(&e)
                ))
            })?;
            let mut dockerignore = joined.clone().into_os_string();
            dockerignore.push(".dockerignore");
            ignore_candidates.push(dockerignore.into());
            match relative_to(&real, &dir) {
                Some(rel) if !rel.is_empty() => rel,
                _ => {
                    let content = fs::read(&real).map_err(|e| {
                        err(format!(
                            "unable to open Dockerfile: open {}: {}",
                            real.display(),
                            io_text(&e)
                        ))
                    })?;
                    let mtime = fs::metadata(&real)
                        .map(|m| m.mtime().max(0) as u64)
                        .unwrap_or(0);
                    generated = Some((content, mtime));
                    String::new()
                }
            }
        }
    };
    ignore_candidates.push(dir.join(".dockerignore"));

    // The ignore file: `<Dockerfile>.dockerignore` first, then `.dockerignore`.
    let mut ignore_text: Option<(String, bool)> = None;
    for (i, candidate) in ignore_candidates.iter().enumerate() {
        match fs::read(candidate) {
            Ok(bytes) => {
                let own = i + 1 < ignore_candidates.len();
                ignore_text = Some((String::from_utf8_lossy(&bytes).into_owned(), own));
                break;
            }
            Err(e) if e.kind() == ErrorKind::NotFound => {}
            Err(e) => return Err(err(format!("error reading .dockerignore: {}", io_text(&e)))),
        }
    }
    let mut excludes = ignore_text
        .as_ref()
        .map(|(t, _)| ignore::parse(t))
        .unwrap_or_default();
    let matcher = Matcher::new(&excludes).map_err(|e| err(e.to_string()))?;
    // TrimBuildFilesFromExcludes: never leave out .dockerignore or the Dockerfile.
    if matcher.matches_or_parent_matches(".dockerignore") {
        excludes.push("!.dockerignore".to_string());
    }
    if !rel_dockerfile.is_empty() && matcher.matches_or_parent_matches(&rel_dockerfile) {
        excludes.push(format!("!{rel_dockerfile}"));
    }
    let matcher = Matcher::new(&excludes).map_err(|e| err(e.to_string()))?;

    let mut entries = Vec::new();
    let mut inodes: HashMap<(u64, u64), String> = HashMap::new();
    walk(&dir, &dir, &matcher, &mut entries, &mut inodes)?;

    // The generated Dockerfile and the .dockerignore the daemon will read.
    let mut dockerfile = rel_dockerfile;
    let mut server_ignore: Option<String> = match &ignore_text {
        Some((text, true)) => Some(text.clone()),
        _ => None,
    };
    if let Some((content, mtime)) = generated {
        let digest = Sha256::digest(&content);
        let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
        dockerfile = format!(".dockerfile.{}", &hex[..20]);
        let base = match (&server_ignore, &ignore_text) {
            (Some(t), _) => t.clone(),
            (None, Some((t, _))) => t.clone(),
            (None, None) => ".dockerignore".to_string(),
        };
        server_ignore = Some(format!("{base}\n{dockerfile}\n"));
        entries.push(Entry {
            name: dockerfile.clone(),
            mode: 0o600,
            mtime,
            body: Body::File(content),
        });
    }
    if let Some(text) = server_ignore {
        match entries.iter_mut().find(|e| e.name == ".dockerignore") {
            Some(e) => e.body = Body::File(text.into_bytes()),
            None => entries.push(Entry {
                name: ".dockerignore".to_string(),
                mode: 0o600,
                mtime: 0,
                body: Body::File(text.into_bytes()),
            }),
        }
    }

    let names = entries.iter().map(|e| e.name.clone()).collect();
    let tar =
        write_tar(entries).map_err(|e| err(format!("cannot write the build context: {e}")))?;
    Ok(BuildContext {
        tar,
        dockerfile,
        entries: names,
    })
}

/// Walks `path` (a directory) in lexical order, like `TarWithOptions`.
fn walk(
    root: &Path,
    path: &Path,
    matcher: &Matcher,
    entries: &mut Vec<Entry>,
    inodes: &mut HashMap<(u64, u64), String>,
) -> Result<(), ContextError> {
    let read = match fs::read_dir(path) {
        Ok(r) => r,
        Err(e) if e.kind() == ErrorKind::PermissionDenied => {
            return Err(err(format!(
                "checking context: can't stat '{}'",
                path.display()
            )))
        }
        // Go logs and goes on.
        Err(_) => return Ok(()),
    };
    let mut children: Vec<_> = read.filter_map(|e| e.ok()).collect();
    children.sort_by_key(|e| e.file_name());
    for child in children {
        let full = child.path();
        let Some(rel) = relative_to(&full, root) else {
            continue;
        };
        let Ok(meta) = fs::symlink_metadata(&full) else {
            continue;
        };
        let ft = meta.file_type();
        if matcher.matches_or_parent_matches(&rel) {
            if !ft.is_dir() {
                continue;
            }
            // An exception below this directory keeps it walked (but not sent itself).
            let dir_slash = format!("{rel}/");
            let walk_in = matcher.has_exclusions()
                && matcher.patterns().iter().any(|p| {
                    p.is_exclusion() && format!("{}/", p.as_str()).starts_with(&dir_slash)
                });
            if walk_in {
                walk(root, &full, matcher, entries, inodes)?;
            }
            continue;
        }
        if ft.is_socket() {
            continue;
        }
        let mode = meta.mode() & 0o7777;
        let mtime = meta.mtime().max(0) as u64;
        let body = if ft.is_dir() {
            Body::Dir
        } else if ft.is_symlink() {
            let target = fs::read_link(&full).map_err(|e| err(io_text(&e)))?;
            Body::Symlink(target.to_string_lossy().into_owned())
        } else if ft.is_fifo() {
            Body::Fifo
        } else if ft.is_char_device() {
            Body::Char(meta.rdev())
        } else if ft.is_block_device() {
            Body::Block(meta.rdev())
        } else if let Some(first) = (meta.nlink() > 1)
            .then(|| inodes.get(&(meta.dev(), meta.ino())).cloned())
            .flatten()
        {
            Body::HardLink(first)
        } else {
            if meta.nlink() > 1 {
                inodes.insert((meta.dev(), meta.ino()), rel.clone());
            }
            let content = fs::read(&full).map_err(|e| match e.kind() {
                ErrorKind::PermissionDenied => err(format!(
                    "checking context: no permission to read from '{}'",
                    full.display()
                )),
                _ => err(format!("cannot read {}: {}", full.display(), io_text(&e))),
            })?;
            Body::File(content)
        };
        let is_dir = matches!(body, Body::Dir);
        entries.push(Entry {
            name: if is_dir { format!("{rel}/") } else { rel },
            mode,
            mtime,
            body,
        });
        if is_dir {
            walk(root, &full, matcher, entries, inodes)?;
        }
    }
    Ok(())
}

fn write_tar(entries: Vec<Entry>) -> std::io::Result<Vec<u8>> {
    let mut b = tar::Builder::new(Vec::new());
    for e in entries {
        let mut h = tar::Header::new_gnu();
        h.set_mode(e.mode);
        h.set_mtime(e.mtime);
        h.set_uid(0);
        h.set_gid(0);
        h.set_size(0);
        match e.body {
            Body::Dir => {
                h.set_entry_type(tar::EntryType::Directory);
                b.append_data(&mut h, &e.name, std::io::empty())?;
            }
            Body::File(content) => {
                h.set_entry_type(tar::EntryType::Regular);
                h.set_size(content.len() as u64);
                b.append_data(&mut h, &e.name, content.as_slice())?;
            }
            Body::Symlink(target) => {
                h.set_entry_type(tar::EntryType::Symlink);
                b.append_link(&mut h, &e.name, &target)?;
            }
            Body::HardLink(target) => {
                h.set_entry_type(tar::EntryType::Link);
                b.append_link(&mut h, &e.name, &target)?;
            }
            Body::Fifo => {
                h.set_entry_type(tar::EntryType::Fifo);
                b.append_data(&mut h, &e.name, std::io::empty())?;
            }
            Body::Char(dev) | Body::Block(dev) => {
                let block = matches!(e.body, Body::Block(_));
                h.set_entry_type(if block {
                    tar::EntryType::Block
                } else {
                    tar::EntryType::Char
                });
                let major = ((dev >> 32) & 0xffff_f000) | ((dev >> 8) & 0xfff);
                let minor = ((dev >> 12) & 0xffff_ff00) | (dev & 0xff);
                h.set_device_major(major as u32)?;
                h.set_device_minor(minor as u32)?;
                b.append_data(&mut h, &e.name, std::io::empty())?;
            }
        }
    }
    b.into_inner()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, rel: &str, content: &str) {
        let p = dir.join(rel);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, content).unwrap();
    }

    fn spec(dir: &Path) -> ContextSpec {
        ContextSpec {
            dir: dir.to_path_buf(),
            dockerfile: "Dockerfile".into(),
            dockerfile_inline: None,
        }
    }

    /// (name, type, link, content) of every tar entry.
    fn read(tar: &[u8]) -> Vec<(String, tar::EntryType, String, String, u64, u64)> {
        let mut a = tar::Archive::new(tar);
        a.entries()
            .unwrap()
            .map(|e| {
                let mut e = e.unwrap();
                let name = e.path().unwrap().to_string_lossy().into_owned();
                let ty = e.header().entry_type();
                let link = e
                    .link_name()
                    .unwrap()
                    .map(|l| l.to_string_lossy().into_owned())
                    .unwrap_or_default();
                let (uid, gid) = (e.header().uid().unwrap(), e.header().gid().unwrap());
                let mut s = String::new();
                std::io::Read::read_to_string(&mut e, &mut s).unwrap();
                (name, ty, link, s, uid, gid)
            })
            .collect()
    }

    #[test]
    fn walks_sorted_and_applies_dockerignore() {
        let t = tempfile::tempdir().unwrap();
        let d = t.path();
        write(d, "Dockerfile", "FROM x\n");
        write(
            d,
            ".dockerignore",
            "# c\n*.log\nsecret\ndocs\n!docs/keep.md\nDockerfile\n",
        );
        write(d, "b.txt", "b");
        write(d, "a.txt", "a");
        write(d, "x.log", "log");
        write(d, "sub/x.log", "kept: *.log is root-only");
        write(d, "secret/key", "k");
        write(d, "docs/keep.md", "keep");
        write(d, "docs/drop.md", "drop");
        let c = create(&spec(d)).unwrap();
        assert_eq!(c.dockerfile, "Dockerfile");
        assert_eq!(
            c.entries,
            vec![
                ".dockerignore",
                "Dockerfile",
                "a.txt",
                "b.txt",
                "docs/keep.md",
                "sub/",
                "sub/x.log"
            ]
        );
        let entries = read(&c.tar);
        assert!(entries.iter().all(|e| e.4 == 0 && e.5 == 0));
        assert_eq!(entries[2].3, "a");
    }

    #[test]
    fn symlinks_are_stored_not_followed() {
        let t = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        write(outside.path(), "secret", "s");
        let d = t.path();
        write(d, "Dockerfile", "FROM x\n");
        std::os::unix::fs::symlink(outside.path(), d.join("out")).unwrap();
        std::os::unix::fs::symlink("Dockerfile", d.join("link")).unwrap();
        let c = create(&spec(d)).unwrap();
        assert_eq!(c.entries, vec!["Dockerfile", "link", "out"]);
        let e = read(&c.tar);
        assert_eq!(e[1].1, tar::EntryType::Symlink);
        assert_eq!(e[1].2, "Dockerfile");
        assert_eq!(e[2].1, tar::EntryType::Symlink);
        assert_eq!(e[2].2, outside.path().to_string_lossy());
    }

    #[test]
    fn mode_bits_and_hard_links() {
        use std::os::unix::fs::PermissionsExt;
        let t = tempfile::tempdir().unwrap();
        let d = t.path();
        write(d, "Dockerfile", "FROM x\n");
        write(d, "run.sh", "#!/bin/sh\n");
        fs::set_permissions(d.join("run.sh"), fs::Permissions::from_mode(0o751)).unwrap();
        fs::hard_link(d.join("run.sh"), d.join("run2.sh")).unwrap();
        let c = create(&spec(d)).unwrap();
        let mut a = tar::Archive::new(c.tar.as_slice());
        let modes: Vec<(String, u32, tar::EntryType)> = a
            .entries()
            .unwrap()
            .map(|e| {
                let e = e.unwrap();
                (
                    e.path().unwrap().to_string_lossy().into_owned(),
                    e.header().mode().unwrap(),
                    e.header().entry_type(),
                )
            })
            .collect();
        assert_eq!(modes[1], ("run.sh".into(), 0o751, tar::EntryType::Regular));
        assert_eq!(modes[2], ("run2.sh".into(), 0o751, tar::EntryType::Link));
    }

    #[test]
    fn excluded_dir_without_exception_is_not_walked() {
        let t = tempfile::tempdir().unwrap();
        let d = t.path();
        write(d, "Dockerfile", "FROM x\n");
        write(d, ".dockerignore", "node_modules\n!**/keep\n");
        write(d, "node_modules/a/keep", "x");
        let c = create(&spec(d)).unwrap();
        // `!**/keep` does not start with `node_modules/`: the directory is skipped whole.
        assert_eq!(c.entries, vec![".dockerignore", "Dockerfile"]);
    }

    #[test]
    fn exception_inside_excluded_dir_sends_only_the_file() {
        let t = tempfile::tempdir().unwrap();
        let d = t.path();
        write(d, "Dockerfile", "FROM x\n");
        write(d, ".dockerignore", "*\n!dir/keep\n");
        write(d, "dir/keep", "x");
        write(d, "dir/drop", "x");
        let c = create(&spec(d)).unwrap();
        assert_eq!(c.entries, vec![".dockerignore", "Dockerfile", "dir/keep"]);
    }

    #[test]
    fn dockerfile_specific_ignore_wins() {
        let t = tempfile::tempdir().unwrap();
        let d = t.path();
        write(d, "build/app.Dockerfile", "FROM x\n");
        write(d, "build/app.Dockerfile.dockerignore", "a.txt\n");
        write(d, ".dockerignore", "b.txt\n");
        write(d, "a.txt", "a");
        write(d, "b.txt", "b");
        let mut s = spec(d);
        s.dockerfile = "build/app.Dockerfile".into();
        let c = create(&s).unwrap();
        assert_eq!(c.dockerfile, "build/app.Dockerfile");
        assert!(c.entries.contains(&"b.txt".to_string()));
        assert!(!c.entries.contains(&"a.txt".to_string()));
        let e = read(&c.tar);
        let ign = e.iter().find(|e| e.0 == ".dockerignore").unwrap();
        assert_eq!(ign.3, "a.txt\n");
    }

    #[test]
    fn inline_and_outside_dockerfiles_are_generated() {
        let t = tempfile::tempdir().unwrap();
        let d = t.path().join("ctx");
        write(&d, "a.txt", "a");
        write(t.path(), "Dockerfile.out", "FROM out\n");
        let mut s = spec(&d);
        s.dockerfile = "../Dockerfile.out".into();
        let c = create(&s).unwrap();
        assert!(c.dockerfile.starts_with(".dockerfile."));
        assert_eq!(c.dockerfile.len(), ".dockerfile.".len() + 20);
        let e = read(&c.tar);
        assert_eq!(e.len(), 3);
        assert_eq!(e[0].0, "a.txt");
        assert_eq!(e[1].0, c.dockerfile);
        assert_eq!(e[1].3, "FROM out\n");
        assert_eq!(e[2].0, ".dockerignore");
        assert_eq!(e[2].3, format!(".dockerignore\n{}\n", c.dockerfile));

        write(&d, ".dockerignore", "x\n");
        s.dockerfile = String::new();
        s.dockerfile_inline = Some("FROM inline\n".into());
        let c = create(&s).unwrap();
        let e = read(&c.tar);
        let names: Vec<&str> = e.iter().map(|e| e.0.as_str()).collect();
        assert_eq!(names, vec![".dockerignore", "a.txt", c.dockerfile.as_str()]);
        assert_eq!(e[0].3, format!("x\n\n{}\n", c.dockerfile));
        assert_eq!(e[2].3, "FROM inline\n");
    }

    #[test]
    fn errors() {
        let t = tempfile::tempdir().unwrap();
        let e = create(&spec(&t.path().join("nope"))).unwrap_err();
        assert!(e.0.starts_with("unable to prepare context: path "), "{e}");
        let e = create(&spec(t.path())).unwrap_err();
        assert!(
            e.0.contains("unable to evaluate symlinks in Dockerfile path"),
            "{e}"
        );
        write(t.path(), "Dockerfile", "FROM x\n");
        write(t.path(), ".dockerignore", "[\n");
        let e = create(&spec(t.path())).unwrap_err();
        assert_eq!(e.0, "syntax error in pattern");
    }

    #[test]
    fn lowercase_dockerfile_fallback() {
        let t = tempfile::tempdir().unwrap();
        write(t.path(), "dockerfile", "FROM x\n");
        let mut s = spec(t.path());
        s.dockerfile = String::new();
        assert_eq!(create(&s).unwrap().dockerfile, "dockerfile");
    }
}
