//! Go's `path.Clean`, for the slash-separated paths compose works with
//! (mount targets, relative paths resolved against the project directory,
//! `.dockerignore` patterns as moby's patternmatcher cleans them).

/// Go's `path.Clean`: the shortest lexically equivalent path — no `.`
/// elements, `..` resolved against what precedes it (and dropped above
/// the root), no repeated or trailing `/`; `.` for an empty result.
///
/// ```
/// use compose_spec::gocompat::path::clean;
/// assert_eq!(clean("/a/b/../c/"), "/a/c");
/// assert_eq!(clean("../../a"), "../../a");
/// assert_eq!(clean(""), ".");
/// ```
pub fn clean(path: &str) -> String {
    if path.is_empty() {
        return ".".to_string();
    }
    let rooted = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|p| *p != "..") {
                    parts.pop();
                } else if !rooted {
                    parts.push("..");
                }
            }
            p => parts.push(p),
        }
    }
    let joined = parts.join("/");
    match (rooted, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".to_string(),
        (false, false) => joined,
    }
}

#[cfg(test)]
mod tests {
    use super::clean;

    #[test]
    fn cleans_like_go() {
        for (i, o) in [
            ("", "."),
            ("a/b/../c", "a/c"),
            ("/a/b/../c/", "/a/c"),
            ("/../a", "/a"),
            ("../../a", "../../a"),
            ("a/../..", ".."),
            ("//a//", "/a"),
            ("./", "."),
            ("/", "/"),
            ("a/./b/.", "a/b"),
        ] {
            assert_eq!(clean(i), o, "{i}");
        }
    }
}
