//! `.dockerignore` files, matched exactly as moby's `patternmatcher` does (the
//! rules the classic builder and `docker build` apply), **not** gitignore's:
//!
//! * a line starting with `#` is a comment; blank lines are skipped; a UTF-8
//!   BOM on the first line is dropped ([`parse`] = `ignorefile.ReadAll`);
//! * patterns are cleaned like Go's `filepath.Clean` (so `./a` is `a`, `a//b/`
//!   is `a/b`) and a leading `/` is dropped: every pattern is relative to the
//!   context root, and a pattern without `/` only matches at the root
//!   (`*.o` does not match `sub/x.o`; `**/*.o` does);
//! * the syntax is Go's `filepath.Match` (`*` and `?` never cross `/`, `[...]`
//!   classes with `^` negation, `\` escapes) plus `**`, which matches any
//!   number of directories (also none);
//! * `!pattern` re-includes what an earlier pattern excluded; the last
//!   matching pattern wins;
//! * a pattern matching a directory matches everything below it
//!   ([`Matcher::matches_or_parent_matches`]).

use compose_spec::gocompat::path::clean;
use regex::Regex;

/// A `.dockerignore` pattern that is not valid `filepath.Match` syntax.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PatternError {
    /// `!` alone.
    #[error("illegal exclusion pattern: \"!\"")]
    BareExclusion,
    /// Malformed pattern (unclosed `[`, trailing `\`, ...).
    #[error("syntax error in pattern")]
    Syntax,
}

/// The patterns of a `.dockerignore` file, in order (`ignorefile.ReadAll`):
/// comments and blank lines dropped, each pattern cleaned and made relative,
/// `!` kept in front of exceptions.
pub fn parse(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = if i == 0 {
            line.strip_prefix('\u{feff}').unwrap_or(line)
        } else {
            line
        };
        // Comments are recognised before trimming, like ReadAll.
        if line.starts_with('#') {
            continue;
        }
        let mut pattern = line.trim();
        if pattern.is_empty() {
            continue;
        }
        let invert = pattern.starts_with('!');
        if invert {
            pattern = pattern[1..].trim();
        }
        let mut p = String::new();
        if !pattern.is_empty() {
            p = clean(pattern);
            if p.len() > 1 && p.starts_with('/') {
                p.remove(0);
            }
        }
        if invert {
            p.insert(0, '!');
        }
        out.push(p);
    }
    out
}

#[derive(Debug, Clone)]
enum Kind {
    Exact,
    /// `prefix**`: the pattern without its trailing `**`.
    Prefix(String),
    /// `**suffix`: the pattern without its leading `**`.
    Suffix(String),
    Regexp(Regex),
}

/// One pattern of a [`Matcher`].
#[derive(Debug, Clone)]
pub struct Pattern {
    cleaned: String,
    exclusion: bool,
    kind: Kind,
}

impl Pattern {
    /// The cleaned pattern, without its `!`.
    pub fn as_str(&self) -> &str {
        &self.cleaned
    }

    /// Whether it is an exception (`!pattern`).
    pub fn is_exclusion(&self) -> bool {
        self.exclusion
    }

    fn new(cleaned: String, exclusion: bool) -> Result<Pattern, PatternError> {
        let kind = compile(&cleaned)?;
        Ok(Pattern {
            cleaned,
            exclusion,
            kind,
        })
    }

    /// Whether `path` (relative, `/`-separated) matches this pattern alone.
    fn matches(&self, path: &str) -> bool {
        match &self.kind {
            Kind::Exact => path == self.cleaned,
            Kind::Prefix(p) => path.starts_with(p.as_str()),
            Kind::Suffix(s) => {
                path.ends_with(s.as_str())
                    // `**/foo` matches `foo`
                    || s.strip_prefix('/').is_some_and(|rest| path == rest)
            }
            Kind::Regexp(re) => re.is_match(path),
        }
    }
}

/// Characters regexp gives a meaning that `filepath.Match` does not.
fn should_escape(c: char) -> bool {
    ".+()|{}$".contains(c)
}

/// The pattern → matcher translation of `patternmatcher.Pattern.compile`.
fn compile(pattern: &str) -> Result<Kind, PatternError> {
    check_syntax(pattern)?;
    #[derive(PartialEq)]
    enum T {
        Exact,
        Prefix,
        Suffix,
        Regexp,
    }
    let mut re = String::from("^");
    let mut t = T::Exact;
    let chars: Vec<char> = pattern.chars().collect();
    let mut i = 0;
    let mut first = true;
    while i < chars.len() {
        let c = chars[i];
        i += 1;
        if c == '*' {
            if chars.get(i) == Some(&'*') {
                i += 1;
                // `**/` is `**`: eat the `/`.
                if chars.get(i) == Some(&'/') {
                    i += 1;
                }
                if i == chars.len() {
                    // `**` at the end accepts everything.
                    if t == T::Exact {
                        t = T::Prefix;
                    } else {
                        re.push_str(".*");
                        t = T::Regexp;
                    }
                } else {
                    re.push_str("(.*/)?");
                    t = T::Regexp;
                }
                if first {
                    t = T::Suffix;
                }
            } else {
                re.push_str("[^/]*");
                t = T::Regexp;
            }
        } else if c == '?' {
            re.push_str("[^/]");
            t = T::Regexp;
        } else if should_escape(c) {
            re.push('\\');
            re.push(c);
        } else if c == '\\' {
            if i < chars.len() {
                re.push('\\');
                re.push(chars[i]);
                i += 1;
                t = T::Regexp;
            } else {
                re.push_str("\\\\");
            }
        } else if c == '[' || c == ']' {
            re.push(c);
            t = T::Regexp;
        } else {
            // Pushed raw, like Go (so `^` and `-` keep their meaning in classes).
            re.push(c);
        }
        first = false;
    }
    Ok(match t {
        T::Exact => Kind::Exact,
        T::Prefix => Kind::Prefix(pattern[..pattern.len() - 2].to_string()),
        T::Suffix => Kind::Suffix(pattern[2..].to_string()),
        T::Regexp => {
            re.push('$');
            Kind::Regexp(Regex::new(&re).map_err(|_| PatternError::Syntax)?)
        }
    })
}

/// Go's `filepath.Match(pattern, ".")` error check: the pattern must be
/// well-formed (classes closed and not empty, ranges ordered, no trailing `\`).
fn check_syntax(pattern: &str) -> Result<(), PatternError> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut i = 0;
    let esc = |i: &mut usize| -> Result<char, PatternError> {
        match chars.get(*i) {
            None | Some('-') | Some(']') => Err(PatternError::Syntax),
            Some('\\') => {
                *i += 1;
                let c = chars.get(*i).copied().ok_or(PatternError::Syntax)?;
                *i += 1;
                Ok(c)
            }
            Some(&c) => {
                *i += 1;
                Ok(c)
            }
        }
    };
    while i < chars.len() {
        match chars[i] {
            '\\' => {
                if i + 1 >= chars.len() {
                    return Err(PatternError::Syntax);
                }
                i += 2;
            }
            '[' => {
                i += 1;
                if chars.get(i) == Some(&'^') {
                    i += 1;
                }
                let mut n = 0;
                loop {
                    if chars.get(i) == Some(&']') && n > 0 {
                        i += 1;
                        break;
                    }
                    let lo = esc(&mut i)?;
                    if chars.get(i) == Some(&'-') {
                        i += 1;
                        let hi = esc(&mut i)?;
                        if lo > hi {
                            return Err(PatternError::Syntax);
                        }
                    }
                    n += 1;
                }
            }
            _ => i += 1,
        }
    }
    Ok(())
}

/// Compiled `.dockerignore` patterns (`patternmatcher.PatternMatcher`).
#[derive(Debug, Clone, Default)]
pub struct Matcher {
    patterns: Vec<Pattern>,
    exclusions: bool,
}

impl Matcher {
    /// Compiles patterns as [`parse`] returns them (`patternmatcher.New`):
    /// each is trimmed and cleaned again; empty ones are skipped.
    pub fn new<S: AsRef<str>>(patterns: &[S]) -> Result<Matcher, PatternError> {
        let mut m = Matcher::default();
        for p in patterns {
            let p = p.as_ref().trim();
            if p.is_empty() {
                continue;
            }
            let mut p = clean(p);
            let exclusion = p.starts_with('!');
            if exclusion {
                if p.len() == 1 {
                    return Err(PatternError::BareExclusion);
                }
                p.remove(0);
                m.exclusions = true;
            }
            m.patterns.push(Pattern::new(p, exclusion)?);
        }
        Ok(m)
    }

    /// Whether any pattern is an exception (`!...`).
    pub fn has_exclusions(&self) -> bool {
        self.exclusions
    }

    /// The patterns in order.
    pub fn patterns(&self) -> &[Pattern] {
        &self.patterns
    }

    /// Whether `path` (relative to the context, `/`-separated) is excluded:
    /// the last pattern matching it or one of its parent directories decides
    /// (`MatchesOrParentMatches`).
    pub fn matches_or_parent_matches(&self, path: &str) -> bool {
        let path = clean(path);
        let parent = match path.rfind('/') {
            Some(i) => &path[..i],
            None => ".",
        };
        let parent_dirs: Vec<&str> = parent.split('/').collect();
        let mut matched = false;
        for p in &self.patterns {
            // An inclusion cannot change an already excluded path, nor an
            // exception a path not excluded yet.
            if p.exclusion != matched {
                continue;
            }
            let mut m = p.matches(&path);
            if !m && parent != "." {
                for i in 0..parent_dirs.len() {
                    if p.matches(&parent_dirs[..=i].join("/")) {
                        m = true;
                        break;
                    }
                }
            }
            if m {
                matched = !p.exclusion;
            }
        }
        matched
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (patterns, path, excluded?)
    type Case = (&'static [&'static str], &'static str, bool);

    const CASES: &[Case] = &[
        // Basics: exact names, only at the root unless `**` is used.
        (&["foo"], "foo", true),
        (&["foo"], "foo/bar", true),
        (&["foo"], "bar/foo", false),
        (&["foo"], "foobar", false),
        (&["*.o"], "a.o", true),
        (&["*.o"], "sub/a.o", false),
        (&["**/*.o"], "sub/a.o", true),
        (&["**/*.o"], "a.o", true),
        (&["**/*.o"], "x/y/z/a.o", true),
        // Leading `/` and `./` dropped, patterns cleaned.
        (&["/foo"], "foo", true),
        (&["./foo"], "foo", true),
        (&["foo/"], "foo/x", true),
        (&["foo//bar"], "foo/bar", true),
        (&["foo/../bar"], "bar", true),
        (&["foo/./bar"], "foo/bar", true),
        // `*` and `?` stop at `/`.
        (&["*"], "a", true),
        (&["*"], "a/b", true), // the parent `a` matches
        (&["a/*"], "a/b", true),
        (&["a/*"], "a/b/c", true), // parent a/b matches
        (&["a/*/c"], "a/b/c", true),
        (&["a/*/c"], "a/b/x/c", false),
        (&["?"], "a", true),
        (&["?"], "ab", false),
        (&["a?c"], "a/c", false),
        // `**`.
        (&["**"], "anything/at/all", true),
        (&["a/**"], "a/b/c", true),
        (&["a/**"], "a", false),
        (&["a/**/b"], "a/b", true),
        (&["a/**/b"], "a/x/y/b", true),
        (&["a/**/b"], "a/x/y/bb", false),
        (&["**/b"], "b", true),
        (&["**/b"], "x/b", true),
        (&["**/b"], "xb", false),
        (&["**b"], "xb", true),
        (&["a**"], "abc/d", true),
        (&["a*/**"], "ab/c", true),
        (&["**/gopher.txt"], "abc/gopher.txt", true),
        (&["dir/**/*.go"], "dir/a/b/x.go", true),
        (&["dir/**/*.go"], "dir/x.go", true),
        (&["dir/**/*.go"], "other/x.go", false),
        // Character classes and escapes (filepath.Match).
        (&["[abc]"], "b", true),
        (&["[abc]"], "d", false),
        (&["[^abc]"], "d", true),
        (&["[^abc]"], "a", false),
        (&["[a-c]x"], "bx", true),
        (&["[a-c]x"], "dx", false),
        (&["a\\*b"], "a*b", true),
        (&["a\\*b"], "axb", false),
        (&["a\\?b"], "a?b", true),
        // Regexp metacharacters are literal.
        (&["a.b"], "axb", false),
        (&["a.b"], "a.b", true),
        (&["a+b"], "a+b", true),
        (&["(x)"], "(x)", true),
        (&["a|b"], "a", false),
        (&["{a,b}"], "a", false),
        (&["$x"], "$x", true),
        // Exceptions: last match wins.
        (&["*.md", "!README.md"], "README.md", false),
        (&["*.md", "!README.md"], "other.md", true),
        (&["*.md", "!README.md", "README.md"], "README.md", true),
        (&["!README.md", "*.md"], "README.md", true),
        (&["docs", "!docs/keep.txt"], "docs/keep.txt", false),
        (&["docs", "!docs/keep.txt"], "docs/other.txt", true),
        (&["docs/**", "!docs/**/*.txt"], "docs/a/b.txt", false),
        // An exception cannot re-include below an excluded parent it does not match.
        (&["docs", "!keep.txt"], "docs/keep.txt", true),
        // Exception on a directory re-includes its contents.
        (&["*", "!dir"], "dir/file", false),
        (&["*", "!dir"], "other/file", true),
        // From moby's patternmatcher tests (translated): TestMatches table.
        (&["**"], "file", true),
        (&["**/"], "file", true),
        (&["**/"], "file/", true),
        (&["**/**"], "file", true),
        (&["**/**"], "dir/file", true),
        (&["**"], "/", true),
        (&["**/file"], "file", true),
        (&["**/file"], "dir/file", true),
        (&["**/file"], "dir/dir/file", true),
        (&["**/file*"], "dir/dir/file", true),
        (&["**/file*"], "dir/dir/file.txt", true),
        (&["**/file*txt"], "dir/dir/file.txt", true),
        (&["**/file*.txt"], "dir/dir/file.txt", true),
        (&["**/file*.txt*"], "dir/dir/file.txt", true),
        (&["**/**/*.txt"], "dir/dir/file.txt", true),
        (&["**/**/*.txt2"], "dir/dir/file.txt", false),
        (&["**/*.txt"], "file.txt", true),
        (&["**/**/*.txt"], "file.txt", true),
        (&["a**/*.txt"], "a/file.txt", true),
        (&["a**/*.txt"], "a/dir/file.txt", true),
        (&["a**/*.txt"], "a/dir/dir/file.txt", true),
        (&["a/*.txt"], "a/dir/file.txt", false),
        (&["a/*.txt"], "a/file.txt", true),
        (&["a/*.txt**"], "a/file.txt", true),
        (&["a[b-d]e"], "ae", false),
        (&["a[b-d]e"], "ace", true),
        (&["a[b-d]e"], "aae", false),
        (&["a[^b-d]e"], "aze", true),
        (&[".*"], ".foo", true),
        (&[".*"], "foo", false),
        (&["abc.def"], "abcdef", false),
        (&["abc.def"], "abc.def", true),
        (&["abc.def"], "abcZdef", false),
        (&["abc?def"], "abcZdef", true),
        (&["abc?def"], "abcdef", false),
        (&["a\\\\"], "a\\", true),
        (&["**/foo/bar"], "foo/bar", true),
        (&["**/foo/bar"], "dir/foo/bar", true),
        (&["**/foo/bar"], "dir/dir2/foo/bar", true),
        (&["abc/**"], "abc", false),
        (&["abc/**"], "abc/def", true),
        (&["abc/**"], "abc/def/ghi", true),
        (&["**/.foo"], ".foo", true),
        (&["**/.foo"], "bar.foo", false),
        (&["a(b)c/def"], "a(b)c/def", true),
        (&["a(b)c/def"], "a(b)c/xyz", false),
        (&["a.|)$(}+{bc"], "a.|)$(}+{bc", true),
        (
            &["dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl"],
            "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl",
            true,
        ),
        (
            &["dist/*.whl"],
            "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl",
            true,
        ),
        // From moby's TestMatchesWithMalformedPatterns-adjacent and parent-match tests.
        (&["dir/**"], "dir/file", true),
        (&["dir/**", "!dir/file"], "dir/file", false),
        (&["dir/**", "!dir/file"], "dir/other", true),
        (&["**/vendor"], "a/vendor/x.go", true),
        (&["vendor"], "a/vendor/x.go", false),
        // TestMatchesOrParentMatches table.
        (&["**"], "dir/file", true),
        (&["dir"], "dir/dir2/file", true),
        (&["dir/dir2"], "dir/dir2/file", true),
        (&["dir/dir2/*"], "dir/dir2/file", true),
        (&["dir/dir2/*", "!dir/dir2/file"], "dir/dir2/file", false),
        (&["dir/*", "!dir/dir2"], "dir/dir2/file", false),
        (
            &["dir/*", "!dir/dir2", "dir/dir2/file"],
            "dir/dir2/file",
            true,
        ),
    ];

    #[test]
    fn table() {
        let mut failures = Vec::new();
        for (patterns, path, want) in CASES {
            let m = Matcher::new(&parse(&patterns.join("\n"))).expect("valid patterns");
            let got = m.matches_or_parent_matches(path);
            if got != *want {
                failures.push(format!("{patterns:?} {path:?}: want {want}, got {got}"));
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    #[test]
    fn parse_file() {
        let text =
            "\u{feff}# comment\n\n  foo  \n!bar\n! baz\n/abs/path\n./rel//x/\n #not a comment\n/\n";
        assert_eq!(
            parse(text),
            vec![
                "foo",
                "!bar",
                "!baz",
                "abs/path",
                "rel/x",
                "#not a comment",
                "/"
            ]
        );
    }

    #[test]
    fn malformed() {
        for bad in ["[", "[]", "a[", "[a-", "[z-a]", "\\", "a\\", "[a-]"] {
            assert_eq!(
                Matcher::new(&[bad]).err(),
                Some(PatternError::Syntax),
                "{bad:?}"
            );
        }
        assert_eq!(
            Matcher::new(&["!"]).err(),
            Some(PatternError::BareExclusion)
        );
        assert!(Matcher::new(&["[\\]]", "[^a]", "a\\*"]).is_ok());
    }
}
