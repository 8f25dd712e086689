//! A comment-preserving formatter for compose files ([`format`]).
//!
//! # Why it exists, and why it works on lines
//!
//! Editors ask a language server to format a file (docker-language-server
//! does it for compose files), but no YAML library keeps comments through a
//! parse and an emit, and re-emitting would also change the user's quoting,
//! flow collections and block scalars. So the formatter rewrites only the
//! leading indentation of lines, guided by the parsed tree's spans, and leaves
//! every token where it is relative to its line:
//!
//! * each line that starts a mapping entry or a sequence item is indented by
//!   `indent` spaces per block level, as docker-language-server does; a
//!   sequence that was written at its key's column (non-indented) stays so,
//!   an indented one is indented by one level (each sequence keeps its
//!   writer's choice, as there); what follows a `- ` on the same line keeps
//!   its distance from the dash;
//! * a comment line takes the indentation of the next line (as there);
//! * lines inside a multi-line scalar (block scalars' content, folded quoted
//!   and plain scalars) and flow collections move with the line they belong
//!   to, their text untouched (blank lines and trailing spaces included);
//! * trailing whitespace is removed elsewhere, runs of blank lines become one
//!   (docker-language-server keeps blank lines; Prettier, which
//!   yaml-language-server formats with, keeps at most one), blank lines at the
//!   start and end go, and the text ends with one newline.
//!
//! The result is parsed again and compared with the original tree (spans
//! aside): when the file does not parse, or the two would differ, there is no
//! result, so formatting can never change what a file means.

use crate::diag::Diagnostics;
use crate::node::{Node, Style, Value};
use crate::span::FileId;
use crate::yaml::parse::parse;

/// Formats a compose file's text (the module docs give the rules):
/// `indent` spaces per nesting level (clamped to 1..=8). `None` when the text
/// does not parse (or, defensively, when the formatted text would not parse
/// to the same tree). The result is a fixed point: formatting it again gives
/// it back.
///
/// ```
/// use compose_spec::editor::format;
/// let text = "services:   # the app\n    web:\n       image: nginx   \n       ports:\n       - \"80:80\"\n\n\n";
/// assert_eq!(
///     format(text, 2).unwrap(),
///     "services:   # the app\n  web:\n    image: nginx\n    ports:\n    - \"80:80\"\n"
/// );
/// assert_eq!(format("services: [", 2), None);
/// ```
pub fn format(text: &str, indent: usize) -> Option<String> {
    let indent = indent.clamp(1, 8);
    let mut diags = Diagnostics::new();
    let root = parse(text, FileId(0), &mut diags)?;
    if diags.has_errors() {
        return None;
    }
    let out = Layout::new(text, indent).run(&root);
    let mut again = Diagnostics::new();
    let formatted = parse(&out, FileId(0), &mut again)?;
    (!again.has_errors() && same(&root, &formatted)).then_some(out)
}

/// Equal trees, spans aside (keys in the same order).
fn same(a: &Node, b: &Node) -> bool {
    a.tag == b.tag
        && match (&a.value, &b.value) {
            (Value::Null, Value::Null) => true,
            (Value::Scalar(x), Value::Scalar(y)) => x == y,
            (Value::Seq(x), Value::Seq(y)) => {
                x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same(x, y))
            }
            (Value::Map(x), Value::Map(y)) => {
                x.len() == y.len()
                    && x.iter()
                        .zip(y.iter())
                        .all(|((kx, vx), (ky, vy))| kx == ky && same(vx, vy))
            }
            _ => false,
        }
}

/// What is decided per line of the original text.
struct Layout<'a> {
    text: &'a str,
    indent: usize,
    /// Byte offset where each line starts.
    starts: Vec<usize>,
    /// The new indentation of a line that starts an entry or an item.
    claim: Vec<Option<usize>>,
    /// Inside a multi-line scalar after its first line: moved, never edited.
    tail: Vec<bool>,
    /// The line ends inside a scalar: its trailing spaces are content.
    keep_end: Vec<bool>,
}

fn spaces(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

fn blank(line: &str) -> bool {
    line.trim().is_empty()
}

impl<'a> Layout<'a> {
    fn new(text: &'a str, indent: usize) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        if text.ends_with('\n') {
            starts.pop();
        }
        let n = starts.len();
        Layout {
            text,
            indent,
            starts,
            claim: vec![None; n],
            tail: vec![false; n],
            keep_end: vec![false; n],
        }
    }

    fn line_of(&self, offset: usize) -> usize {
        match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        }
    }

    fn column(&self, offset: usize) -> usize {
        offset - self.starts[self.line_of(offset)]
    }

    /// Line `i` without its line break.
    fn line(&self, i: usize) -> &'a str {
        let end = self
            .starts
            .get(i + 1)
            .map_or(self.text.len(), |e| e - 1)
            .max(self.starts[i]);
        let l = &self.text[self.starts[i]..end];
        let l = l.strip_suffix('\n').unwrap_or(l);
        l.strip_suffix('\r').unwrap_or(l)
    }

    /// Gives line of `offset` the indentation `col` when `offset` is the
    /// line's first token (an anchor or tag before it counts as it) and no
    /// outer collection has claimed the line.
    fn claim_at(&mut self, offset: usize, col: usize) {
        let i = self.line_of(offset);
        let first = self.starts[i] + spaces(self.line(i));
        if first <= offset && self.claim[i].is_none() {
            self.claim[i] = Some(col);
        }
    }

    /// A block mapping or sequence written in place (not flow, not an alias).
    fn is_block(&self, n: &Node) -> bool {
        matches!(n.value, Value::Map(_) | Value::Seq(_))
            && !n.span.is_synthetic()
            && !matches!(
                self.text.as_bytes().get(n.span.start),
                None | Some(b'[' | b'{' | b'*')
            )
    }

    /// The column of the first token on the line of `offset`.
    fn line_column(&self, offset: usize) -> usize {
        spaces(self.line(self.line_of(offset)))
    }

    /// Lays out `node`, a block collection written at column `orig` (its
    /// keys', or its dashes'), at column `col`.
    fn walk(&mut self, node: &Node, col: usize, orig: usize) {
        if !self.is_block(node) {
            self.scalar(node);
            return;
        }
        // the first token (a `<<` key is no entry of the mapping)
        self.claim_at(node.span.start, col);
        match &node.value {
            Value::Map(m) => {
                for (_, e) in m.entries() {
                    if e.key_span.is_synthetic() || e.key_span.start >= self.text.len() {
                        continue;
                    }
                    self.claim_at(e.key_span.start, col);
                    let v = &e.value;
                    if !self.is_block(v) {
                        self.scalar(v);
                        continue;
                    }
                    if self.line_of(v.span.start) <= self.line_of(e.key_span.start) {
                        continue;
                    }
                    let at = self.line_column(v.span.start);
                    let seq_at_key = matches!(v.value, Value::Seq(_)) && at == orig;
                    let inner = if seq_at_key { col } else { col + self.indent };
                    self.walk(v, inner, at);
                }
            }
            Value::Seq(items) => {
                for item in items {
                    if item.span.is_synthetic() {
                        continue;
                    }
                    let Some(dash) = self.dash_before(item.span.start, orig) else {
                        continue;
                    };
                    self.claim_at(dash, col);
                    if !self.is_block(item) {
                        self.scalar(item);
                        continue;
                    }
                    if self.line_of(item.span.start) == self.line_of(dash) {
                        // compact (`- key: v`, `- - a`): at its distance from the dash
                        let at = match item.value {
                            Value::Seq(_) => {
                                let rest = &self.text[dash + 1..];
                                dash + 1 + (rest.len() - rest.trim_start_matches(' ').len())
                            }
                            _ => item.span.start,
                        };
                        let at = self.column(at);
                        self.walk(item, col + at.saturating_sub(orig), at);
                    } else {
                        let at = self.line_column(item.span.start);
                        self.walk(item, col + self.indent, at);
                    }
                }
            }
            _ => {}
        }
    }

    /// The `-` at column `col` that introduces the item starting at `offset`.
    fn dash_before(&self, offset: usize, col: usize) -> Option<usize> {
        let bytes = self.text.as_bytes();
        let upto = (offset + 1).min(bytes.len());
        let mut i = upto;
        while i > 0 {
            i -= 1;
            if bytes[i] == b'-'
                && self.column(i) == col
                && bytes.get(i + 1).is_none_or(|b| b.is_ascii_whitespace())
            {
                return Some(i);
            }
        }
        None
    }

    /// Marks the lines of a multi-line scalar.
    fn scalar(&mut self, n: &Node) {
        let Value::Scalar(s) = &n.value else { return };
        if n.span.is_synthetic() || n.span.end > self.text.len() {
            return;
        }
        let (a, b) = (self.line_of(n.span.start), self.line_of(n.span.end));
        if matches!(s.style, Style::Literal | Style::Folded) {
            if s.text.is_empty() {
                return;
            }
            // the content lines, and the blank lines after them (content too
            // when the scalar keeps its trailing newlines)
            let mut last = b;
            while last + 1 < self.starts.len() && blank(self.line(last + 1)) {
                last += 1;
            }
            for i in a..=last {
                self.tail[i] = true;
                self.keep_end[i] = true;
            }
        } else if b > a {
            for i in a..b {
                self.keep_end[i] = true;
                self.tail[i + 1] = true;
            }
        }
    }

    fn run(mut self, root: &Node) -> String {
        if !root.span.is_synthetic() && root.span.start <= self.text.len() {
            let at = self.line_column(root.span.start);
            self.walk(root, 0, at);
        }
        let n = self.starts.len();
        // new indentation (or shift) per line; comments decided after
        let mut delta: isize = 0;
        let mut out: Vec<Option<String>> = Vec::with_capacity(n);
        let mut comments = Vec::new();
        for i in 0..n {
            let line = self.line(i);
            let lead = spaces(line);
            if let Some(c) = self.claim[i] {
                delta = c as isize - lead as isize;
                let body = &line[lead..];
                let body = if self.keep_end[i] {
                    body
                } else {
                    body.trim_end()
                };
                out.push(Some(format!("{}{body}", " ".repeat(c))));
            } else if self.tail[i] {
                out.push(Some(shift(line, delta, false)));
            } else if blank(line) {
                out.push(None);
            } else if line[lead..].starts_with('#') {
                comments.push(i);
                out.push(Some(line.trim().to_string()));
            } else {
                out.push(Some(shift(line, delta, !self.keep_end[i])));
            }
        }
        // a comment takes the indentation of the next line (not blank, not a
        // comment), and keeps its own when none follows
        let mut next: Option<usize> = None;
        let mut pending = comments.iter().rev().peekable();
        for i in (0..n).rev() {
            if pending.peek() == Some(&&i) {
                pending.next();
                let body = out[i].take().unwrap_or_default();
                out[i] = Some(match next {
                    Some(col) => format!("{}{body}", " ".repeat(col)),
                    None => self.line(i).trim_end().to_string(),
                });
            } else if let Some(l) = out[i].as_deref() {
                next = Some(spaces(l));
            }
        }
        let eol = if self.text.contains("\r\n") {
            "\r\n"
        } else {
            "\n"
        };
        let mut text = String::with_capacity(self.text.len());
        let mut blanks = 0usize;
        let mut started = false;
        for (i, l) in out.into_iter().enumerate() {
            match l {
                Some(l) if !self.tail[i] && blank(&l) => blanks += usize::from(started),
                None => blanks += usize::from(started),
                Some(l) => {
                    if blanks > 0 {
                        text.push_str(eol);
                    }
                    blanks = 0;
                    started = true;
                    text.push_str(&l);
                    text.push_str(eol);
                }
            }
        }
        text
    }
}

/// `line` moved by `delta` columns (not when it lacks the spaces to lose).
fn shift(line: &str, delta: isize, trim: bool) -> String {
    let body = if trim { line.trim_end() } else { line };
    if blank(line) {
        return body.to_string();
    }
    if delta >= 0 {
        format!("{}{body}", " ".repeat(delta as usize))
    } else if spaces(line) >= delta.unsigned_abs() {
        body[delta.unsigned_abs()..].to_string()
    } else {
        body.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::format;

    #[test]
    fn formatting_is_a_fixed_point_and_keeps_block_scalars() {
        let text = "x:\n      a: |\n        keep   \n\n          this\n      b: 'q\n         r'\n";
        let once = format(text, 2).expect("formats");
        assert_eq!(
            once,
            "x:\n  a: |\n    keep   \n\n      this\n  b: 'q\n     r'\n"
        );
        assert_eq!(format(&once, 2).as_deref(), Some(once.as_str()));
    }
}
