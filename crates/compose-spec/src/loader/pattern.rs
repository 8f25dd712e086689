//! Key-path patterns such as `services.*.ports.[]`, the way compose-go's
//! `tree.Path.Matches` uses them to attach transforms, merge rules and casts to
//! places in the tree.
//!
//! The tree walks do not build a path and test every pattern at every node:
//! they carry a [`Live`] set, the rows of the table that still match the path
//! walked so far, and narrow it at each step. A subtree where no row is live
//! can hold no match and is not visited. Walks that report diagnostics keep
//! their key path in a [`Trail`], which copies keys into one reused buffer and
//! only becomes a string when a diagnostic is made.

use crate::node::{KeyPath, PathSeg};
use std::fmt;

/// A table of patterns with a payload each (at most 64 rows).
pub type Table<T> = [(&'static [&'static str], T)];

/// Whether `path` matches `pattern` (segments: literal key, `*` = any segment,
/// `[]` = any sequence index).
pub fn matches(path: &KeyPath, pattern: &[&str]) -> bool {
    if path.0.len() != pattern.len() {
        return false;
    }
    path.0.iter().zip(pattern).all(|(seg, pat)| match seg {
        PathSeg::Key(k) => key_matches(pat, k),
        PathSeg::Index(_) => index_matches(pat),
    })
}

fn key_matches(pat: &str, key: &str) -> bool {
    pat == "*" || pat == key
}

fn index_matches(pat: &str) -> bool {
    pat == "*" || pat == "[]"
}

/// The first pattern of `table` that `path` matches, with its payload.
pub fn lookup<'t, T>(path: &KeyPath, table: &'t [(&[&str], T)]) -> Option<&'t T> {
    table.iter().find(|(p, _)| matches(path, p)).map(|(_, t)| t)
}

/// The rows of a table that match the path walked so far, as a bit set (bit
/// `i` = row `i`). `depth` arguments are the number of segments of that path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Live(u64);

impl Live {
    /// Every row of `table` (the root path is a prefix of all of them).
    pub fn all<T>(table: &Table<T>) -> Live {
        assert!(table.len() <= 64, "pattern tables hold at most 64 rows");
        Live(if table.len() == 64 {
            u64::MAX
        } else {
            (1u64 << table.len()) - 1
        })
    }

    /// No row can match below this point.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    fn narrow<T>(self, table: &Table<T>, depth: usize, keep: impl Fn(&str) -> bool) -> Live {
        let mut bits = self.0;
        let mut out = 0;
        while bits != 0 {
            let i = bits.trailing_zeros() as usize;
            bits &= bits - 1;
            if table[i].0.get(depth).is_some_and(|p| keep(p)) {
                out |= 1 << i;
            }
        }
        Live(out)
    }

    /// The rows that still match after stepping into mapping key `key`.
    pub fn key<T>(self, table: &Table<T>, depth: usize, key: &str) -> Live {
        self.narrow(table, depth, |p| key_matches(p, key))
    }

    /// The rows that still match after stepping into a sequence item.
    pub fn index<T>(self, table: &Table<T>, depth: usize) -> Live {
        self.narrow(table, depth, index_matches)
    }

    /// The payload of the first row that matches the path exactly (as
    /// [`lookup`] gives it for the same path).
    pub fn found<T>(self, table: &Table<T>, depth: usize) -> Option<&T> {
        let mut bits = self.0;
        while bits != 0 {
            let i = bits.trailing_zeros() as usize;
            bits &= bits - 1;
            if table[i].0.len() == depth {
                return Some(&table[i].1);
            }
        }
        None
    }
}

#[derive(Debug, Clone, Copy)]
enum Step {
    /// A key: its byte range in the buffer.
    Key(usize, usize),
    Index(usize),
}

/// The key path of a tree walk, for diagnostics: keys are copied into one
/// buffer that is reused from step to step, so walking allocates nothing.
/// Displays like [`KeyPath`].
#[derive(Debug, Default)]
pub struct Trail {
    buf: String,
    steps: Vec<Step>,
}

impl Trail {
    /// The root path.
    pub fn new() -> Self {
        Self::default()
    }
    /// Number of segments.
    pub fn len(&self) -> usize {
        self.steps.len()
    }
    /// Whether it is the root.
    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }
    /// Steps into mapping key `k`.
    pub fn push_key(&mut self, k: &str) {
        let start = self.buf.len();
        self.buf.push_str(k);
        self.steps.push(Step::Key(start, self.buf.len()));
    }
    /// Steps into sequence item `i`.
    pub fn push_index(&mut self, i: usize) {
        self.steps.push(Step::Index(i));
    }
    /// Steps back out.
    pub fn pop(&mut self) {
        if let Some(Step::Key(start, _)) = self.steps.pop() {
            self.buf.truncate(start);
        }
    }
    /// The path as a [`KeyPath`].
    pub fn to_key_path(&self) -> KeyPath {
        KeyPath(
            self.steps
                .iter()
                .map(|s| match *s {
                    Step::Key(a, b) => PathSeg::Key(self.buf[a..b].to_string()),
                    Step::Index(i) => PathSeg::Index(i),
                })
                .collect(),
        )
    }
}

impl fmt::Display for Trail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (n, s) in self.steps.iter().enumerate() {
            match *s {
                Step::Key(a, b) => {
                    if n > 0 {
                        f.write_str(".")?;
                    }
                    f.write_str(&self.buf[a..b])?;
                }
                Step::Index(i) => write!(f, "[{i}]")?,
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcard_and_list() {
        let p = KeyPath::root()
            .key("services")
            .key("web")
            .key("ports")
            .index(0)
            .key("target");
        assert!(matches(&p, &["services", "*", "ports", "[]", "target"]));
        assert!(matches(&p, &["services", "*", "ports", "*", "target"]));
        assert!(!matches(&p, &["services", "*", "ports", "target"]));
        let k = KeyPath::root()
            .key("services")
            .key("web")
            .key("ports")
            .key("x");
        assert!(!matches(&k, &["services", "*", "ports", "[]"]));
    }

    static TABLE: &Table<u8> = &[
        (&["services", "*"], 0),
        (&["services", "*", "ports", "[]", "target"], 1),
        (&["services", "*", "ports", "*"], 2),
        (&["services", "*", "ports", "[]"], 3),
        (&["networks", "*"], 4),
        (&["services", "[]"], 5),
    ];

    #[derive(Clone, Copy)]
    enum S {
        K(&'static str),
        I(usize),
    }

    /// Stepping a live set along a path gives what `lookup` gives for it, and
    /// the set is empty exactly when no row has the path as a prefix.
    #[test]
    fn live_set_agrees_with_lookup() {
        use S::*;
        let paths: &[&[S]] = &[
            &[],
            &[K("services")],
            &[K("services"), K("web")],
            &[K("services"), I(0)],
            &[K("services"), K("[]")],
            &[K("services"), K("web"), K("ports")],
            &[K("services"), K("web"), K("ports"), I(3)],
            &[K("services"), K("web"), K("ports"), K("x")],
            &[K("services"), K("web"), K("ports"), I(3), K("target")],
            &[K("services"), K("web"), K("ports"), K("[]"), K("target")],
            &[K("services"), K("web"), K("image")],
            &[K("networks"), K("n")],
            &[K("networks"), K("n"), K("x")],
            &[K("volumes")],
        ];
        for path in paths {
            let mut live = Live::all(TABLE);
            let mut kp = KeyPath::root();
            let mut trail = Trail::new();
            for (depth, s) in path.iter().enumerate() {
                match *s {
                    K(k) => {
                        live = live.key(TABLE, depth, k);
                        kp = kp.key(k);
                        trail.push_key(k);
                    }
                    I(i) => {
                        live = live.index(TABLE, depth);
                        kp = kp.index(i);
                        trail.push_index(i);
                    }
                }
            }
            assert_eq!(live.found(TABLE, path.len()), lookup(&kp, TABLE), "{kp}");
            let prefix = TABLE.iter().any(|(p, _)| {
                p.len() >= kp.0.len() && matches(&KeyPath(kp.0.clone()), &p[..kp.0.len()])
            });
            assert_eq!(!live.is_empty(), prefix, "{kp}");
            assert_eq!(trail.to_string(), kp.to_string());
            assert_eq!(trail.to_key_path(), kp);
        }
    }

    #[test]
    fn trail_pops_back() {
        let mut t = Trail::new();
        t.push_key("services");
        t.push_key("web");
        t.push_index(2);
        t.pop();
        t.pop();
        t.push_key("db");
        assert_eq!(t.to_string(), "services.db");
        t.pop();
        t.pop();
        assert!(t.is_empty());
        assert_eq!(t.to_string(), "");
    }
}
