//! The path rules of `docker cp`, as pure functions: how a `SERVICE:PATH`
//! argument splits, what a trailing `/` or `/.` asserts, and — from what is
//! at the source and at the destination — which directory an archive is
//! extracted into and how its top entry is renamed (moby's `CopyInfo`,
//! `PrepareArchiveCopy` and rebase rules). Paths are slash-separated and
//! handled lexically, as Go's `path/filepath` does on Unix.

use compose_spec::gocompat::path::clean;

/// What is known about one end of a copy (moby's `CopyInfo`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CopyInfo {
    /// The path, with any trailing `/` or `/.` the user wrote.
    pub path: String,
    /// Whether something is there.
    pub exists: bool,
    /// Whether it is a directory.
    pub is_dir: bool,
    /// The name the source's top entry takes instead of its own (a followed
    /// symbolic link keeps the link's name).
    pub rebase_name: Option<String>,
}

/// A copy the path rules refuse, worded as `docker cp` words it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RuleError {
    /// A directory onto an existing non-directory.
    #[error("cannot copy directory")]
    CannotCopyDir,
    /// A file onto a path that asserts a directory (`dir/`) which does not exist.
    #[error("no such directory")]
    DirNotExists,
}

/// Renames archive entries: `old` (the source's base name) becomes `new` at
/// the start of each name (go-archive's name rebaser).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rebase {
    /// The first path element replaced.
    pub old: String,
    /// What replaces it.
    pub new: String,
}

impl Rebase {
    /// `name` with its first element renamed; names not under `old` are kept.
    pub fn apply(&self, name: &str) -> String {
        let old = self.old.trim_end_matches('/');
        let new = self.new.trim_end_matches('/');
        if old.is_empty() {
            let name = name.trim_start_matches('/');
            return if new.is_empty() {
                name.to_string()
            } else {
                format!("{new}/{name}")
            };
        }
        match name.strip_prefix(old) {
            Some(rest) if rest.is_empty() || rest.starts_with('/') => format!("{new}{rest}"),
            _ => name.to_string(),
        }
    }
}

/// Where an archive of the source goes, and how its entries are renamed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prepared {
    /// The directory the archive is extracted into.
    pub dst_dir: String,
    /// The renaming of the top entry, when the destination names it.
    pub rebase: Option<Rebase>,
}

/// Splits a `cp` argument into its service and path (compose's
/// `splitCpArg`): an absolute path, an argument without `:` or one starting
/// with `.` (`./a:b`) is local.
///
/// ```
/// use compose_engine::copy::rules::split_cp_arg;
/// assert_eq!(split_cp_arg("web:/etc/hosts"), (Some("web"), "/etc/hosts"));
/// assert_eq!(split_cp_arg("./a:b"), (None, "./a:b"));
/// assert_eq!(split_cp_arg("/x:y"), (None, "/x:y"));
/// ```
pub fn split_cp_arg(arg: &str) -> (Option<&str>, &str) {
    if arg.starts_with('/') {
        return (None, arg);
    }
    match arg.split_once(':') {
        Some((service, path)) if !service.starts_with('.') => (Some(service), path),
        _ => (None, arg),
    }
}

/// Go's `filepath.Base`: the last element, `.` for an empty path, `/` for the root.
pub fn base(path: &str) -> String {
    if path.is_empty() {
        return ".".into();
    }
    let trimmed = path.trim_end_matches('/');
    if trimmed.is_empty() {
        return "/".into();
    }
    match trimmed.rfind('/') {
        Some(i) => trimmed[i + 1..].to_string(),
        None => trimmed.to_string(),
    }
}

/// Go's `filepath.Dir`: everything before the last element, cleaned.
pub fn dir(path: &str) -> String {
    match path.rfind('/') {
        Some(i) => clean(&path[..=i]),
        None => ".".into(),
    }
}

/// Go's `filepath.Split`: the directory with its trailing `/`, and the file.
pub fn split(path: &str) -> (&str, &str) {
    match path.rfind('/') {
        Some(i) => (&path[..=i], &path[i + 1..]),
        None => ("", path),
    }
}

/// Go's `filepath.Join` of two elements (empty ones left out), cleaned.
pub fn join(a: &str, b: &str) -> String {
    match (a.is_empty(), b.is_empty()) {
        (true, true) => String::new(),
        (true, false) => clean(b),
        (false, true) => clean(a),
        (false, false) => clean(&format!("{a}/{b}")),
    }
}

/// Whether the path ends with `/`.
pub fn has_trailing_separator(path: &str) -> bool {
    path.ends_with('/')
}

/// Whether the last element is `.` (`dir/.`: the directory's contents).
pub fn specifies_current_dir(path: &str) -> bool {
    base(path) == "."
}

/// Whether the path says it is a directory: a trailing `/` or `/.`.
pub fn asserts_directory(path: &str) -> bool {
    has_trailing_separator(path) || specifies_current_dir(path)
}

/// `cleaned` with the trailing `/.` or `/` that `original` had and cleaning removed.
///
/// ```
/// use compose_engine::copy::rules::preserve_trailing_dot_or_separator as keep;
/// assert_eq!(keep("/a/b", "/a//b/."), "/a/b/.");
/// assert_eq!(keep("/a/b", "/a/b/"), "/a/b/");
/// assert_eq!(keep("/", "/"), "/");
/// ```
pub fn preserve_trailing_dot_or_separator(cleaned: &str, original: &str) -> String {
    let mut out = cleaned.to_string();
    if !specifies_current_dir(&out) && specifies_current_dir(original) {
        if !has_trailing_separator(&out) {
            out.push('/');
        }
        out.push('.');
    }
    if !has_trailing_separator(&out) && has_trailing_separator(original) {
        out.push('/');
    }
    out
}

/// The directory and the entry of a path, cleaned, keeping a final `.`
/// (`/a/b/.` → (`/a/b`, `.`)).
pub fn split_path_dir_entry(path: &str) -> (String, String) {
    let mut cleaned = clean(path);
    if specifies_current_dir(path) {
        cleaned.push_str("/.");
    }
    (dir(&cleaned), base(&cleaned))
}

/// A followed symbolic link `path` resolved to `resolved`: the resolved path
/// with `path`'s trailing `/.` or `/`, and the name its top entry must take
/// when the link's name differs from its target's (moby's `GetRebaseName`).
pub fn get_rebase_name(path: &str, resolved: &str) -> (String, Option<String>) {
    let mut resolved = resolved.to_string();
    if specifies_current_dir(path) && !specifies_current_dir(&resolved) {
        resolved.push_str("/.");
    }
    if has_trailing_separator(path) && !has_trailing_separator(&resolved) {
        resolved.push('/');
    }
    let rebase = (base(path) != base(&resolved)).then(|| base(path));
    (resolved, rebase)
}

/// Where the archive of `src` is extracted for the copy to land at `dst`,
/// and how its top entry is renamed (moby's `PrepareArchiveCopy`):
///
/// * `dst` is an existing directory: into it, names kept;
/// * `dst` exists and is not a directory: a directory source is refused,
///   a file replaces it (into its parent, renamed to its name);
/// * `dst` does not exist: into its parent, renamed to its name — unless the
///   source is a file and `dst` asserts a directory (`new/`), which is refused.
pub fn prepare_archive_copy(src: &CopyInfo, dst: &CopyInfo) -> Result<Prepared, RuleError> {
    let (dst_dir, dst_base) = split_path_dir_entry(&dst.path);
    let src_base = match &src.rebase_name {
        Some(name) => name.clone(),
        None => split_path_dir_entry(&src.path).1,
    };
    let renamed = |dst_dir: String| Prepared {
        dst_dir,
        rebase: Some(Rebase {
            old: src_base.clone(),
            new: dst_base.clone(),
        }),
    };
    if dst.exists && dst.is_dir {
        return Ok(Prepared {
            dst_dir: dst.path.clone(),
            rebase: None,
        });
    }
    if dst.exists && src.is_dir {
        return Err(RuleError::CannotCopyDir);
    }
    if !dst.exists && !src.is_dir && asserts_directory(&dst.path) {
        return Err(RuleError::DirNotExists);
    }
    Ok(renamed(dst_dir))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_path_functions() {
        for (p, b, d) in [
            ("", ".", "."),
            ("/", "/", "/"),
            ("/a", "a", "/"),
            ("/a/b/", "b", "/a/b"),
            ("a/b/.", ".", "a/b"),
            ("a", "a", "."),
            ("//x//", "x", "//x"),
        ] {
            assert_eq!(base(p), b, "base({p:?})");
            assert_eq!(dir(p), clean(d), "dir({p:?})");
        }
        assert_eq!(split("/a/b"), ("/a/", "b"));
        assert_eq!(split("/a/b/"), ("/a/b/", ""));
        assert_eq!(split("b"), ("", "b"));
        assert_eq!(join("/a/", "../b"), "/b");
        assert_eq!(join("", "x/"), "x");
        assert_eq!(split_path_dir_entry("/a/b/."), ("/a/b".into(), ".".into()));
        assert_eq!(split_path_dir_entry("/a/b/"), ("/a".into(), "b".into()));
        assert_eq!(split_path_dir_entry("/"), ("/".into(), "/".into()));
        assert_eq!(split_path_dir_entry("f"), (".".into(), "f".into()));
    }

    #[test]
    fn cp_arguments() {
        for (arg, service, path) in [
            ("web:/a", Some("web"), "/a"),
            ("web:", Some("web"), ""),
            ("web:a:b", Some("web"), "a:b"),
            ("file", None, "file"),
            ("-", None, "-"),
            ("/abs:x", None, "/abs:x"),
            ("./rel:x", None, "./rel:x"),
            ("../rel:x", None, "../rel:x"),
            (":x", Some(""), "x"),
        ] {
            assert_eq!(split_cp_arg(arg), (service, path), "{arg:?}");
        }
    }

    #[test]
    fn trailing_dot_and_separator() {
        for (cleaned, original, want) in [
            ("/a", "/a", "/a"),
            ("/a", "/a/", "/a/"),
            ("/a", "/a/.", "/a/."),
            ("/a", "/a/./", "/a/./"),
            ("/", "/.", "/."),
            ("/", "//", "/"),
            (".", "./", "./"),
            (".", ".", "."),
        ] {
            assert_eq!(
                preserve_trailing_dot_or_separator(cleaned, original),
                want,
                "{cleaned:?} {original:?}"
            );
        }
    }

    #[test]
    fn rebase_names() {
        let r = |old: &str, new: &str, name: &str| {
            Rebase {
                old: old.into(),
                new: new.into(),
            }
            .apply(name)
        };
        assert_eq!(r("d", "new", "d/"), "new/");
        assert_eq!(r("d", "new", "d/sub/d"), "new/sub/d");
        assert_eq!(r("d", "new", "d"), "new");
        assert_eq!(r("d", "new", "dd/x"), "dd/x");
        assert_eq!(r(".", "new", "./"), "new/");
        assert_eq!(r(".", "new", "./a"), "new/a");
        assert_eq!(r("/", "new", "/bin/sh"), "new/bin/sh");
        assert_eq!(r("/", "new", "/"), "new/");
        assert_eq!(r("f", "/", "f"), "");
    }

    #[test]
    fn rebase_name_of_followed_links() {
        assert_eq!(
            get_rebase_name("/a/ln", "/a/f"),
            ("/a/f".into(), Some("ln".into()))
        );
        assert_eq!(
            get_rebase_name("/a/ln/", "/b/d"),
            ("/b/d/".into(), Some("ln".into()))
        );
        assert_eq!(get_rebase_name("/a/ln/.", "/b/d"), ("/b/d/.".into(), None));
        assert_eq!(get_rebase_name("/a/f", "/a/f"), ("/a/f".into(), None));
    }

    /// What is at a path, for the table below.
    #[derive(Clone, Copy, Debug)]
    enum At {
        Nothing,
        File,
        Dir,
    }

    fn info(path: &str, at: At) -> CopyInfo {
        CopyInfo {
            path: path.into(),
            exists: !matches!(at, At::Nothing),
            is_dir: matches!(at, At::Dir),
            rebase_name: None,
        }
    }

    /// (source path, source kind, destination path, what is there) → where
    /// the archive is extracted and how its top entry `old` is renamed, or
    /// the error; the rules of `docker cp` in both directions.
    #[test]
    fn prepare_table() {
        type Want = Result<(&'static str, Option<(&'static str, &'static str)>), RuleError>;
        let cases: &[(&str, At, &str, At, Want)] = &[
            // file → ...
            (
                "/s/f",
                At::File,
                "/d/new",
                At::Nothing,
                Ok(("/d", Some(("f", "new")))),
            ),
            ("/s/f", At::File, "/d/dir", At::Dir, Ok(("/d/dir", None))),
            ("/s/f", At::File, "/d/dir/", At::Dir, Ok(("/d/dir/", None))),
            (
                "/s/f",
                At::File,
                "/d/file",
                At::File,
                Ok(("/d", Some(("f", "file")))),
            ),
            (
                "/s/f",
                At::File,
                "/d/new/",
                At::Nothing,
                Err(RuleError::DirNotExists),
            ),
            (
                "/s/f",
                At::File,
                "/d/new/.",
                At::Nothing,
                Err(RuleError::DirNotExists),
            ),
            // a file asserted as a directory exists as a file: replaced (the
            // engine or the extraction then refuses the path)
            (
                "/s/f",
                At::File,
                "/d/file/",
                At::File,
                Ok(("/d", Some(("f", "file")))),
            ),
            // dir → ...
            (
                "/s/d",
                At::Dir,
                "/d/new",
                At::Nothing,
                Ok(("/d", Some(("d", "new")))),
            ),
            (
                "/s/d",
                At::Dir,
                "/d/new/",
                At::Nothing,
                Ok(("/d", Some(("d", "new")))),
            ),
            ("/s/d", At::Dir, "/d/dir", At::Dir, Ok(("/d/dir", None))),
            (
                "/s/d",
                At::Dir,
                "/d/file",
                At::File,
                Err(RuleError::CannotCopyDir),
            ),
            (
                "/s/d/",
                At::Dir,
                "/d/new",
                At::Nothing,
                Ok(("/d", Some(("d", "new")))),
            ),
            // dir/. → its contents
            ("/s/d/.", At::Dir, "/d/dir", At::Dir, Ok(("/d/dir", None))),
            (
                "/s/d/.",
                At::Dir,
                "/d/new",
                At::Nothing,
                Ok(("/d", Some((".", "new")))),
            ),
            (
                "/s/d/.",
                At::Dir,
                "/d/file",
                At::File,
                Err(RuleError::CannotCopyDir),
            ),
            // the root of a container
            (
                "/",
                At::Dir,
                "/d/new",
                At::Nothing,
                Ok(("/d", Some(("/", "new")))),
            ),
        ];
        for (src, sk, dst, dk, want) in cases {
            let got = prepare_archive_copy(&info(src, *sk), &info(dst, *dk));
            let want = want.map(|(dir, rebase)| Prepared {
                dst_dir: dir.to_string(),
                rebase: rebase.map(|(old, new)| Rebase {
                    old: old.into(),
                    new: new.into(),
                }),
            });
            assert_eq!(got, want, "{src:?} ({sk:?}) → {dst:?} ({dk:?})");
        }
    }

    #[test]
    fn a_rebase_name_replaces_the_source_base() {
        let mut src = info("/s/target", At::File);
        src.rebase_name = Some("link".into());
        let p = prepare_archive_copy(&src, &info("/d/new", At::Nothing)).unwrap();
        assert_eq!(
            p.rebase,
            Some(Rebase {
                old: "link".into(),
                new: "new".into()
            })
        );
    }
}
