//! Variable interpolation: `$VAR`, `${VAR}`, `${VAR:-default}` and friends.
//!
//! Compose files, `.env` files and `env_file:` files may refer to variables of
//! the environment. Docker Compose resolves them with compose-go's `template`
//! package, whose behaviour is defined by a regular expression plus a few
//! hand-written scanning rules rather than by a grammar. Users' files depend on
//! the corner cases of that behaviour (what a lone `$` means, where a `${...}`
//! ends when braces are unbalanced, which variables produce "not set" warnings),
//! so this module reproduces it exactly instead of implementing shell expansion:
//!
//! * `$$` is a literal `$`; a `$` not followed by `$`, `{` or a name start is
//!   kept as is (`"a $ b"`, `"$1"`, `"$}"`).
//! * Names are `[_a-zA-Z][_a-zA-Z0-9]*`. Because compose-go matches them
//!   case-insensitively, the two non-ASCII letters that fold onto ASCII ones,
//!   `ſ` (U+017F) and `K` (U+212A, Kelvin sign), are name characters too.
//! * `${VAR:-x}` / `${VAR-x}` default when empty-or-unset / unset,
//!   `${VAR:+x}` / `${VAR+x}` replace when non-empty / set,
//!   `${VAR:?msg}` / `${VAR?msg}` fail when empty-or-unset / unset.
//!   The text after the operator is itself a template and is **always**
//!   substituted, even when it is not used: `${SET:-$UNSET}` warns about
//!   `UNSET`, and `${SET:-${UNSET:?boom}}` fails.
//! * A `${NAME<op>` expression extends to the *last* `}` on its line; the
//!   expression proper then ends at the first `}` that balances the opening
//!   brace (counting `{`/`}` pairs the way compose-go does), and whatever
//!   follows inside that span is substituted as ordinary text.
//! * Anything else starting with `${` is an invalid template.
//!
//! Lookups go through a callback; this module never reads the process
//! environment. Variables that are used without operator while unset are
//! reported back as [`UnsetVar`]s (compose prints a warning and substitutes an
//! empty string), with byte offsets into the template.

use std::fmt;

/// A variable that was used without a default while unset (compose warns and substitutes "").
///
/// Reported for `$VAR` and `${VAR}` whose lookup returned `None`, including
/// ones nested in the default or alternative text of another expression.
///
/// ```
/// use compose_spec::template::{substitute, UnsetVar};
/// let s = substitute("a ${MISSING} b", &|_| None).unwrap();
/// assert_eq!(s.unset, vec![UnsetVar { name: "MISSING".into(), offset: 2, len: 10 }]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnsetVar {
    /// The variable's name.
    pub name: String,
    /// byte offset and length of the `${...}`/`$VAR` expression inside the template
    pub offset: usize,
    /// Length in bytes of the expression starting at `offset`.
    pub len: usize,
}

/// The result of a successful [`substitute`].
///
/// ```
/// use compose_spec::template::substitute;
/// let s = substitute("${A:-x}-$B", &|n| (n == "B").then(|| "b".to_string())).unwrap();
/// assert_eq!(s.value, "x-b");
/// assert!(s.unset.is_empty());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Substitution {
    /// The template with every expression replaced.
    pub value: String,
    /// Variables that were used without a default while unset, in evaluation order.
    pub unset: Vec<UnsetVar>,
}

/// What went wrong in a [`TemplateError`].
///
/// ```
/// use compose_spec::template::{substitute, TemplateErrorKind};
/// let err = substitute("${X:?is needed}", &|_| None).unwrap_err();
/// assert_eq!(
///     err.kind,
///     TemplateErrorKind::Required { name: "X".into(), message: "is needed".into() }
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TemplateErrorKind {
    /// `${VAR:?msg}` with VAR unset or empty / `${VAR?msg}` with VAR unset
    ///
    /// `message` is the substituted text after the operator (may be empty).
    Required {
        /// The variable's name.
        name: String,
        /// The substituted text after `:?` / `?`.
        message: String,
    },
    /// malformed expression, e.g. `${`, `${VAR`, `${ VAR}`, invalid name
    ///
    /// `message` is compose-go's text, `Invalid template: "<template>"`, where
    /// `<template>` is the (sub-)template in which the bad `${` was found, quoted
    /// like Go's `%#v`. For a top-level error that is the whole template; for
    /// an error inside a default it is the default text.
    Invalid {
        /// compose-go's error text.
        message: String,
    },
}

/// A template that cannot be substituted.
///
/// `offset`/`len` locate the offending expression in the template passed to
/// [`substitute`] (for `Required` the whole `${VAR:?msg}`, for `Invalid` from
/// the bad `${` up to the next `}` on the same line, or to the end of the line).
///
/// ```
/// use compose_spec::template::substitute;
/// let err = substitute("ok ${ VAR}", &|_| None).unwrap_err();
/// assert_eq!((err.offset, err.len), (3, 7));
/// assert_eq!(err.to_string(), r#"Invalid template: "ok ${ VAR}""#);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateError {
    /// Byte offset of the expression in the template.
    pub offset: usize,
    /// Length in bytes of the expression.
    pub len: usize,
    /// What went wrong.
    pub kind: TemplateErrorKind,
}

impl fmt::Display for TemplateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            TemplateErrorKind::Required { name, message } if message.is_empty() => {
                write!(f, "required variable {name} is missing a value")
            }
            TemplateErrorKind::Required { name, message } => {
                write!(f, "required variable {name} is missing a value: {message}")
            }
            TemplateErrorKind::Invalid { message } => f.write_str(message),
        }
    }
}

impl std::error::Error for TemplateError {}

impl TemplateError {
    /// For an `Invalid` error, the raw (sub-)template named in the message —
    /// what docker compose prints on the last line of its "invalid
    /// interpolation format" error; `None` for `Required`.
    ///
    /// ```
    /// use compose_spec::template::substitute;
    /// let err = substitute("${A:-${B}", &|_| None).unwrap_err();
    /// assert_eq!(err.to_string(), r#"Invalid template: "${B""#);
    /// assert_eq!(err.invalid_template().as_deref(), Some("${B"));
    /// ```
    pub fn invalid_template(&self) -> Option<String> {
        match &self.kind {
            TemplateErrorKind::Invalid { message } => {
                go_unquote(message.strip_prefix(INVALID_PREFIX)?)
            }
            TemplateErrorKind::Required { .. } => None,
        }
    }
}

const INVALID_PREFIX: &str = "Invalid template: ";

/// A variable a template refers to, as listed by `docker compose config --variables`.
///
/// ```
/// use compose_spec::template::extract_variables;
/// let vars = extract_variables("${PORT:-8080}");
/// assert_eq!(vars[0].name, "PORT");
/// assert_eq!(vars[0].default_value.as_deref(), Some("8080"));
/// assert!(!vars[0].presence_required);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variable {
    /// The variable's name (may be empty for an invalid `${`, as in compose-go).
    pub name: String,
    /// Raw (unsubstituted) text after `:-` / `-`; `None` without such operator.
    pub default_value: Option<String>,
    /// Whether the expression is `${VAR:?msg}` / `${VAR?msg}` (compose-go's `Required`).
    pub presence_required: bool,
    /// Raw text after `:?` / `?` when `presence_required` (compose-go drops it).
    pub required_message: Option<String>,
    /// Raw (unsubstituted) text after `:+` / `+` (compose-go's `PresenceValue`).
    pub presence_value: Option<String>,
}

/// Substitutes variables in `template` the way compose-go's template.Substitute does.
///
/// `lookup` returns `None` for an unset variable and `Some("")` for a variable
/// set to the empty string. On success the result carries the variables used
/// without default while unset; on failure the first error in evaluation order
/// is returned.
///
/// ```
/// use compose_spec::template::substitute;
/// let env = |name: &str| match name {
///     "TAG" => Some("1.2".to_string()),
///     "EMPTY" => Some(String::new()),
///     _ => None,
/// };
/// let s = substitute("app:${TAG} ${EMPTY:-d1} ${EMPTY-d2} $$HOME ${NOPE:-${TAG}}", &env).unwrap();
/// assert_eq!(s.value, "app:1.2 d1  $HOME 1.2");
/// assert!(substitute("${NOPE?}", &env).is_err());
/// ```
pub fn substitute(
    template: &str,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Result<Substitution, TemplateError> {
    let scanner = Scanner::new(template);
    let mut unset = Vec::new();
    let value = scanner.substitute(0, template.len(), lookup, &mut unset)?;
    Ok(Substitution { value, unset })
}

/// Names of the variables a template refers to, with whether each has a default / is required (like compose-go's ExtractVariables, used by `config --variables`).
///
/// The list is in compose-go's order, duplicates included; compose-go collects
/// it into a map keyed by name where the *last* entry wins (note that the
/// variables after the first `${NAME<op>...}` on a line come before it).
/// Operator texts are scanned for further variables, except `?` messages.
///
/// ```
/// use compose_spec::template::extract_variables;
/// let vars = extract_variables("${SUB:-redis}.${ROOT:?} $$ESCAPED ${A:+$B}");
/// let names: Vec<_> = vars.iter().map(|v| v.name.as_str()).collect();
/// assert_eq!(names, ["A", "B", "ROOT", "SUB"]);
/// assert_eq!(vars[0].presence_value.as_deref(), Some("$B"));
/// assert!(vars[2].presence_required);
/// assert_eq!(vars[3].default_value.as_deref(), Some("redis"));
/// ```
pub fn extract_variables(template: &str) -> Vec<Variable> {
    Scanner::new(template).extract()
}

/// The operator of a `${NAME<op>arg}` expression.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    /// `:-`
    DefaultIfEmpty,
    /// `-`
    DefaultIfUnset,
    /// `:+`
    AltIfNonEmpty,
    /// `+`
    AltIfSet,
    /// `:?`
    RequireNonEmpty,
    /// `?`
    RequireSet,
}

/// One match of compose-go's pattern; all positions are absolute byte offsets.
#[derive(Debug, Clone, Copy)]
enum Match {
    /// `$$`, starting at `start`.
    Escaped { start: usize },
    /// `$NAME`, name is `start + 1..end`.
    Named { start: usize, end: usize },
    /// `${NAME}` or `${NAME<op>...}`; the name is `start + 2..name_end`, the
    /// operator (if any) ends at `op_end`, the match ends at `end` (after `}`).
    Braced {
        start: usize,
        name_end: usize,
        op: Option<(Op, usize)>,
        end: usize,
    },
    /// `${` that starts nothing valid.
    Invalid { start: usize },
}

impl Match {
    fn end(&self) -> usize {
        match *self {
            Match::Escaped { start } | Match::Invalid { start } => start + 2,
            Match::Named { end, .. } | Match::Braced { end, .. } => end,
        }
    }
}

fn is_name_start(c: char) -> bool {
    c == '_' || c.is_ascii_alphabetic() || c == '\u{17F}' || c == '\u{212A}'
}

fn is_name_char(c: char) -> bool {
    is_name_start(c) || c.is_ascii_digit()
}

/// Scans one (outermost) template; sub-templates are ranges of it.
struct Scanner<'t> {
    text: &'t str,
    /// Positions of every `}`.
    rbraces: Vec<usize>,
    /// Positions of every `\n`.
    newlines: Vec<usize>,
}

/// A sub-template being substituted (the outermost one or an operator text).
struct Frame {
    start: usize,
    end: usize,
    pos: usize,
    out: String,
    /// When scanning inside the tail of a `${NAME<op>...}` match (compose-go
    /// substitutes it as a separate template), that tail's range; it only
    /// matters for the text of `Invalid` errors.
    tail: Option<(usize, usize)>,
    pending: Option<Pending>,
}

impl Frame {
    fn new(start: usize, end: usize) -> Self {
        Frame {
            start,
            end,
            pos: start,
            out: String::new(),
            tail: None,
            pending: None,
        }
    }
}

/// A `${NAME<op>arg}` whose `arg` is being substituted in a child frame.
struct Pending {
    start: usize,
    name_end: usize,
    op: Op,
    /// End of the expression proper (after its balancing `}`).
    expr_end: usize,
    /// End of the whole match (after the last `}` on the line).
    match_end: usize,
}

/// Work items of [`Scanner::extract`].
enum Task {
    Scan { pos: usize, end: usize },
    Emit(Variable),
}

impl<'t> Scanner<'t> {
    fn new(text: &'t str) -> Self {
        let mut rbraces = Vec::new();
        let mut newlines = Vec::new();
        for (i, b) in text.bytes().enumerate() {
            match b {
                b'}' => rbraces.push(i),
                b'\n' => newlines.push(i),
                _ => {}
            }
        }
        Scanner {
            text,
            rbraces,
            newlines,
        }
    }

    fn bytes(&self) -> &'t [u8] {
        self.text.as_bytes()
    }

    fn slice(&self, start: usize, end: usize) -> &'t str {
        self.text.get(start..end).unwrap_or("")
    }

    /// End of the line containing `from`, capped at `end`.
    fn line_end(&self, from: usize, end: usize) -> usize {
        let i = self.newlines.partition_point(|&n| n < from);
        self.newlines.get(i).map_or(end, |&n| n.min(end))
    }

    /// Position of the last `}` in `from..line_end(from, end)`.
    fn last_rbrace(&self, from: usize, end: usize) -> Option<usize> {
        let limit = self.line_end(from, end);
        let i = self.rbraces.partition_point(|&b| b < limit);
        let k = *self.rbraces.get(i.checked_sub(1)?)?;
        (k >= from).then_some(k)
    }

    /// End of the run of name characters starting at `from`.
    fn name_end(&self, from: usize, end: usize) -> usize {
        let rest = self.slice(from, end);
        let mut n = from;
        for (i, c) in rest.char_indices() {
            let ok = if i == 0 {
                is_name_start(c)
            } else {
                is_name_char(c)
            };
            if !ok {
                break;
            }
            n = from + i + c.len_utf8();
        }
        n
    }

    /// The next match at or after `pos`, not extending beyond `end`.
    fn next_match(&self, pos: usize, end: usize) -> Option<Match> {
        let bytes = self.bytes();
        let mut p = pos;
        while p < end {
            let d = p + bytes.get(p..end)?.iter().position(|&b| b == b'$')?;
            if let Some(m) = self.match_at(d, end) {
                return Some(m);
            }
            p = d + 1;
        }
        None
    }

    /// The match starting at the `$` at `d`, if any.
    fn match_at(&self, d: usize, end: usize) -> Option<Match> {
        let next = *self.bytes().get(d + 1).filter(|_| d + 1 < end)?;
        match next {
            b'$' => Some(Match::Escaped { start: d }),
            b'{' => Some(self.braced_at(d, end)),
            _ => {
                let name_end = self.name_end(d + 1, end);
                (name_end > d + 1).then_some(Match::Named {
                    start: d,
                    end: name_end,
                })
            }
        }
    }

    /// The match starting at the `${` at `d`.
    fn braced_at(&self, d: usize, end: usize) -> Match {
        let bytes = self.bytes();
        let invalid = Match::Invalid { start: d };
        let name_end = self.name_end(d + 2, end);
        if name_end == d + 2 || name_end >= end {
            return invalid;
        }
        let at = |i: usize| if i < end { bytes.get(i).copied() } else { None };
        let op = match (at(name_end), at(name_end + 1)) {
            (Some(b':'), Some(b'-')) => Some((Op::DefaultIfEmpty, name_end + 2)),
            (Some(b':'), Some(b'+')) => Some((Op::AltIfNonEmpty, name_end + 2)),
            (Some(b':'), Some(b'?')) => Some((Op::RequireNonEmpty, name_end + 2)),
            (Some(b'-'), _) => Some((Op::DefaultIfUnset, name_end + 1)),
            (Some(b'+'), _) => Some((Op::AltIfSet, name_end + 1)),
            (Some(b'?'), _) => Some((Op::RequireSet, name_end + 1)),
            _ => None,
        };
        match op {
            Some((_, op_end)) => match self.last_rbrace(op_end, end) {
                Some(k) => Match::Braced {
                    start: d,
                    name_end,
                    op,
                    end: k + 1,
                },
                None => invalid,
            },
            None if at(name_end) == Some(b'}') => Match::Braced {
                start: d,
                name_end,
                op: None,
                end: name_end + 1,
            },
            None => invalid,
        }
    }

    /// compose-go's brace counting: the `}` that closes the `${` at `start`.
    /// The character after each `{` is skipped.
    fn closing_brace(&self, start: usize, end: usize) -> Option<usize> {
        let bytes = self.bytes();
        let mut open = 0usize;
        let mut i = start;
        while i < end {
            match bytes.get(i)? {
                b'}' => {
                    open = open.saturating_sub(1);
                    if open == 0 {
                        return Some(i);
                    }
                }
                b'{' => {
                    open += 1;
                    i += 1;
                }
                _ => {}
            }
            i += 1;
        }
        None
    }

    fn invalid_error(&self, d: usize, frame: &Frame) -> TemplateError {
        let (s, e) = match frame.tail {
            Some((ts, te)) if d < te => (ts, te),
            _ => (frame.start, frame.end),
        };
        let line_end = self.line_end(d, frame.end);
        let stop = self
            .rbraces
            .get(self.rbraces.partition_point(|&b| b < d))
            .filter(|&&b| b < line_end)
            .map_or(line_end, |&b| b + 1);
        TemplateError {
            offset: d,
            len: stop.saturating_sub(d),
            kind: TemplateErrorKind::Invalid {
                message: format!("{INVALID_PREFIX}{}", go_quote(self.slice(s, e))),
            },
        }
    }

    fn substitute(
        &self,
        start: usize,
        end: usize,
        lookup: &dyn Fn(&str) -> Option<String>,
        unset: &mut Vec<UnsetVar>,
    ) -> Result<String, TemplateError> {
        let mut stack = vec![Frame::new(start, end)];
        let mut child: Option<String> = None;
        while let Some(frame) = stack.last_mut() {
            if let Some((arg, p)) = child.take().zip(frame.pending.take()) {
                let name = self.slice(p.start + 2, p.name_end);
                let value = lookup(name);
                let replacement = match p.op {
                    Op::DefaultIfEmpty => match value {
                        Some(v) if !v.is_empty() => v,
                        _ => arg,
                    },
                    Op::DefaultIfUnset => value.unwrap_or(arg),
                    Op::AltIfNonEmpty => match value {
                        Some(v) if !v.is_empty() => arg,
                        v => v.unwrap_or_default(),
                    },
                    Op::AltIfSet => value.map(|_| arg).unwrap_or_default(),
                    Op::RequireNonEmpty | Op::RequireSet => match value {
                        Some(v) if p.op == Op::RequireSet || !v.is_empty() => v,
                        _ => {
                            return Err(TemplateError {
                                offset: p.start,
                                len: p.expr_end - p.start,
                                kind: TemplateErrorKind::Required {
                                    name: name.to_string(),
                                    message: arg,
                                },
                            })
                        }
                    },
                };
                frame.out.push_str(&replacement);
                frame.pos = p.expr_end;
                if p.expr_end < p.match_end {
                    frame.tail = Some((p.expr_end, p.match_end));
                }
            }
            let Some(m) = self.next_match(frame.pos, frame.end) else {
                frame.out.push_str(self.slice(frame.pos, frame.end));
                let done = stack.pop().map(|f| f.out).unwrap_or_default();
                if stack.is_empty() {
                    return Ok(done);
                }
                child = Some(done);
                continue;
            };
            let m_start = match m {
                Match::Escaped { start }
                | Match::Named { start, .. }
                | Match::Braced { start, .. }
                | Match::Invalid { start } => start,
            };
            frame.out.push_str(self.slice(frame.pos, m_start));
            frame.pos = m.end();
            match m {
                Match::Escaped { .. } => frame.out.push('$'),
                Match::Invalid { start } => return Err(self.invalid_error(start, frame)),
                Match::Named { start, end } => {
                    let name = self.slice(start + 1, end);
                    frame
                        .out
                        .push_str(&lookup_or_warn(lookup, name, start, end, unset));
                }
                Match::Braced {
                    start,
                    name_end,
                    op: None,
                    end,
                } => {
                    let name = self.slice(start + 2, name_end);
                    frame
                        .out
                        .push_str(&lookup_or_warn(lookup, name, start, end, unset));
                }
                Match::Braced {
                    start,
                    name_end,
                    op: Some((op, op_end)),
                    end,
                } => {
                    let expr_end = self
                        .closing_brace(start, end)
                        .map_or(end, |closing| closing + 1);
                    frame.pending = Some(Pending {
                        start,
                        name_end,
                        op,
                        expr_end,
                        match_end: end,
                    });
                    let arg_end = expr_end.saturating_sub(1).max(op_end);
                    stack.push(Frame::new(op_end, arg_end));
                }
            }
        }
        Ok(String::new())
    }

    fn extract(&self) -> Vec<Variable> {
        let mut out = Vec::new();
        let mut tasks = vec![Task::Scan {
            pos: 0,
            end: self.text.len(),
        }];
        while let Some(task) = tasks.pop() {
            let (pos, end) = match task {
                Task::Emit(v) => {
                    out.push(v);
                    continue;
                }
                Task::Scan { pos, end } => (pos, end),
            };
            let Some(m) = self.next_match(pos, end) else {
                continue;
            };
            // Tasks run in reverse push order: the tail of a braced match
            // first (compose-go lists its variables before the match's own),
            // then the variable, then its operator text, then the rest.
            tasks.push(Task::Scan { pos: m.end(), end });
            let (val_start, val_end, tail) = match m {
                Match::Escaped { .. } => continue,
                Match::Named { start, end } => (start + 1, end, None),
                Match::Invalid { start } => (start, start, None),
                Match::Braced {
                    start, end: m_end, ..
                } => match self.closing_brace(start, m_end) {
                    Some(closing) => (start + 2, closing, Some((closing + 1, m_end))),
                    None => (start + 2, m_end.saturating_sub(1), None),
                },
            };
            let (var, op_text) = self.variable(val_start, val_end);
            if let Some((s, e)) = op_text {
                tasks.push(Task::Scan { pos: s, end: e });
            }
            tasks.push(Task::Emit(var));
            if let Some((s, e)) = tail {
                tasks.push(Task::Scan { pos: s, end: e });
            }
        }
        out
    }

    /// compose-go's split of `val` (a name optionally followed by an operator).
    fn split_val(&self, start: usize, end: usize) -> (usize, Option<(Op, usize)>) {
        let bytes = self.bytes();
        let i = (start..end)
            .find(|&i| {
                bytes
                    .get(i)
                    .is_none_or(|b| !(b.is_ascii_alphanumeric() || *b == b'_'))
            })
            .unwrap_or(end);
        if i == start || i == end {
            return (end, None);
        }
        let at = |k: usize| if k < end { bytes.get(k).copied() } else { None };
        let op = match (at(i), at(i + 1)) {
            (Some(b':'), Some(b'?')) => Some((Op::RequireNonEmpty, i + 2)),
            (Some(b'?'), _) => Some((Op::RequireSet, i + 1)),
            (Some(b':'), Some(b'-')) => Some((Op::DefaultIfEmpty, i + 2)),
            (Some(b'-'), _) => Some((Op::DefaultIfUnset, i + 1)),
            (Some(b':'), Some(b'+')) => Some((Op::AltIfNonEmpty, i + 2)),
            (Some(b'+'), _) => Some((Op::AltIfSet, i + 1)),
            _ => None,
        };
        (i, op)
    }

    /// The variable described by `val` (`start..end`), and the range of its
    /// default or presence text when compose-go scans that for more variables.
    fn variable(&self, start: usize, end: usize) -> (Variable, Option<(usize, usize)>) {
        let (name_end, op) = self.split_val(start, end);
        let mut var = Variable {
            name: self.slice(start, name_end).to_string(),
            default_value: None,
            presence_required: false,
            required_message: None,
            presence_value: None,
        };
        let Some((op, op_end)) = op else {
            return (var, None);
        };
        let text = Some(self.slice(op_end, end).to_string());
        match op {
            Op::RequireNonEmpty | Op::RequireSet => {
                var.presence_required = true;
                var.required_message = text;
                return (var, None);
            }
            Op::DefaultIfEmpty | Op::DefaultIfUnset => var.default_value = text,
            Op::AltIfNonEmpty | Op::AltIfSet => var.presence_value = text,
        }
        (var, (op_end < end).then_some((op_end, end)))
    }
}

fn lookup_or_warn(
    lookup: &dyn Fn(&str) -> Option<String>,
    name: &str,
    start: usize,
    end: usize,
    unset: &mut Vec<UnsetVar>,
) -> String {
    lookup(name).unwrap_or_else(|| {
        unset.push(UnsetVar {
            name: name.to_string(),
            offset: start,
            len: end - start,
        });
        String::new()
    })
}

/// Quotes `s` like Go's `strconv.Quote` (and `%q` / `%#v` on strings).
///
/// Non-printable characters are escaped; "printable" follows Go for ASCII,
/// control, space, format and private-use characters, but treats unassigned
/// code points as printable.
pub(crate) fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if go_is_print(c) => out.push(c),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c if (c as u32) < 0x10000 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push_str(&format!("\\U{:08x}", c as u32)),
        }
    }
    out.push('"');
    out
}

/// Reverses [`go_quote`].
fn go_unquote(quoted: &str) -> Option<String> {
    let inner = quoted.strip_prefix('"')?.strip_suffix('"')?;
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let hex = |chars: &mut std::str::Chars<'_>, n: usize| {
            let digits: String = chars.by_ref().take(n).collect();
            u32::from_str_radix(&digits, 16)
                .ok()
                .and_then(char::from_u32)
        };
        out.push(match chars.next()? {
            'a' => '\u{7}',
            'b' => '\u{8}',
            'f' => '\u{c}',
            'n' => '\n',
            'r' => '\r',
            't' => '\t',
            'v' => '\u{b}',
            'x' => hex(&mut chars, 2)?,
            'u' => hex(&mut chars, 4)?,
            'U' => hex(&mut chars, 8)?,
            other => other,
        });
    }
    Some(out)
}

fn go_is_print(c: char) -> bool {
    let cp = c as u32;
    if cp < 0x80 {
        return (0x20..0x7f).contains(&cp);
    }
    !in_ranges(cp, NOT_PRINTABLE)
}

/// Whether `cp` lies in one of the inclusive `[lo, hi]` pairs of `table`
/// (sorted, non-overlapping).
pub(crate) fn in_ranges(cp: u32, table: &[u32]) -> bool {
    let pairs = table.len() / 2;
    let (mut lo, mut hi) = (0usize, pairs);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        let (a, b) = (table[2 * mid], table[2 * mid + 1]);
        if cp < a {
            hi = mid;
        } else if cp > b {
            lo = mid + 1;
        } else {
            return true;
        }
    }
    false
}

/// Non-ASCII code points Go's `strconv.IsPrint` rejects, as inclusive pairs:
/// general categories Cc, Cf, Co, Zs, Zl and Zp (Unicode 14).
const NOT_PRINTABLE: &[u32] = &[
    0x0080, 0x00A0, 0x00AD, 0x00AD, 0x0600, 0x0605, 0x061C, 0x061C, 0x06DD, 0x06DD, 0x070F, 0x070F,
    0x0890, 0x0891, 0x08E2, 0x08E2, 0x1680, 0x1680, 0x180E, 0x180E, 0x2000, 0x200F, 0x2028, 0x202F,
    0x205F, 0x2064, 0x2066, 0x206F, 0x3000, 0x3000, 0xE000, 0xF8FF, 0xFEFF, 0xFEFF, 0xFFF9, 0xFFFB,
    0x110BD, 0x110BD, 0x110CD, 0x110CD, 0x13430, 0x13438, 0x1BCA0, 0x1BCA3, 0x1D173, 0x1D17A,
    0xE0001, 0xE0001, 0xE0020, 0xE007F, 0xF0000, 0xFFFFD, 0x100000, 0x10FFFD,
];
