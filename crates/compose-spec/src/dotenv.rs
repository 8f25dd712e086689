//! `.env` file parsing.
//!
//! Docker Compose reads `KEY=value` files in three places: the project's `.env`
//! (and `--env-file`), a service's `env_file:` and a service's `label_file:`.
//! All of them go through compose-go's `dotenv` parser, whose format is not
//! shell syntax but its own mix of dotenv conventions. Since users' files rely
//! on its exact behaviour, this module reproduces it:
//!
//! * A leading UTF-8 byte order mark is ignored; blank lines and lines whose
//!   first non-blank character is `#` are skipped.
//! * `export KEY=value` is accepted; `KEY: value` works like `KEY=value`.
//! * Keys consist of letters, digits (Unicode ones included), `_ . - [ ]`;
//!   any other character is an error. A line with a key and no `=`/`:` takes
//!   the key's value from the lookup callback, or is skipped when the callback
//!   has none. (A last line without `=` and without trailing newline is read as
//!   the value of an empty key, as compose-go does.)
//! * Unquoted values run to the end of the line; ` #` starts a comment; trailing
//!   white space is dropped.
//! * Single-quoted values are literal (only `\'` is unescaped) and may span
//!   lines; double-quoted ones may span lines and understand `\a \b \f \n \r \t
//!   \v \\ \" \$` and `\0` octal escapes (`\0101` is `A`). Text after the
//!   closing quote on the same line is parsed as the next statement.
//! * Unquoted and double-quoted values are interpolated with
//!   [`crate::template::substitute`]; a variable resolves from the lookup
//!   callback first, then from the variables already parsed.
//!
//! Lookups go through a callback; the process environment is never read.

use std::fmt;

use indexmap::IndexMap;

use crate::template::{self, go_quote, in_ranges, UnsetVar};

/// A `.env` text that cannot be parsed.
///
/// `message` is compose-go's error text (docker compose prints it after
/// `failed to read <file>: `), including its `line N: ` prefix where compose-go
/// has one. `line` and `offset` locate the problem in the text passed in: the
/// offending character, the key, the opening quote of an unterminated value, or
/// the bad `${...}` expression.
///
/// ```
/// use compose_spec::dotenv::parse;
/// let err = parse("A=1\nlol$wut=2\n", &|_| None).unwrap_err();
/// assert_eq!((err.line, err.offset), (2, 7));
/// assert_eq!(
///     err.to_string(),
///     r#"line 2: unexpected character "$" in variable name "lol$wut=2""#
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DotenvError {
    /// 1-based line
    pub line: usize,
    /// byte offset in the text
    pub offset: usize,
    /// compose-go's error message.
    pub message: String,
}

impl fmt::Display for DotenvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for DotenvError {}

/// Parses `.env` text like compose-go's dotenv (used for `.env`, `--env-file` and `env_file:`).
///
/// Returns variables in file order (a key defined twice keeps its first
/// position and its last value). `lookup` resolves `${VAR}` references and bare
/// `KEY` lines: a `KEY` with no `=` takes its value from `lookup` and is left
/// out when `lookup` has none. For `${VAR}` expansion `lookup` takes precedence
/// over variables defined earlier in the same text, which are used only when
/// `lookup` returns `None` — that is compose-go's order (its callers pass the
/// process environment as `lookup`). Use [`parse_into`] to seed the variables
/// of earlier files or to get the "variable is not set" warnings.
///
/// ```
/// use compose_spec::dotenv::parse;
/// let text = "# comment\nexport A=1\nB=\"x${A}\\ty\" # trailing\nC='$A'\nHOME\nD: ${NOPE:-d}\n";
/// let vars = parse(text, &|name| (name == "HOME").then(|| "/root".to_string())).unwrap();
/// let pairs: Vec<_> = vars.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
/// assert_eq!(
///     pairs,
///     [("A", "1"), ("B", "x1\ty"), ("C", "$A"), ("HOME", "/root"), ("D", "d")]
/// );
/// ```
pub fn parse(
    text: &str,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Result<IndexMap<String, String>, DotenvError> {
    let mut out = IndexMap::new();
    parse_into(text, lookup, &mut out)?;
    Ok(out)
}

/// Parses `.env` text into `out`, which may already hold variables.
///
/// This is compose-go's parser entry point: variables already in `out` (from
/// earlier files, or a service's `environment:`) behave exactly like ones
/// defined earlier in `text` — they are overwritten by later definitions and
/// serve `${VAR}` expansion when `lookup` returns `None`. compose-go's
/// `GetEnvFromFile` for several `--env-file`s is a loop of `parse_into` into one
/// map with the process environment as `lookup`.
///
/// Returns the variables that were used without a default while unset (compose
/// warns about each), with offsets into `text`. On error, `out` keeps what was
/// parsed before the error.
///
/// ```
/// use compose_spec::dotenv::parse_into;
/// use indexmap::IndexMap;
/// let mut vars = IndexMap::new();
/// parse_into("HOST=localhost\nURL=http://${HOST}\n", &|_| None, &mut vars).unwrap();
/// let unset = parse_into("HOST=example.com\nURL=http://${HOST}$PORT\n", &|_| None, &mut vars)
///     .unwrap();
/// assert_eq!(vars["URL"], "http://example.com");
/// assert_eq!(unset[0].name, "PORT");
/// assert_eq!(unset[0].offset, 35);
/// ```
pub fn parse_into(
    text: &str,
    lookup: &dyn Fn(&str) -> Option<String>,
    out: &mut IndexMap<String, String>,
) -> Result<Vec<UnsetVar>, DotenvError> {
    let mut parser = Parser {
        text,
        line: 1,
        unset: Vec::new(),
    };
    let start = if text.starts_with('\u{FEFF}') { 3 } else { 0 };
    parser.run(start, lookup, out)?;
    Ok(parser.unset)
}

/// compose-go's notion of blank inside a line (`\n` excluded).
fn is_inline_space(c: char) -> bool {
    matches!(
        c,
        '\t' | '\u{B}' | '\u{C}' | '\r' | ' ' | '\u{85}' | '\u{A0}'
    )
}

/// Go's `unicode.IsLetter(c) || unicode.IsNumber(c)`: general categories L and N.
fn is_letter_or_number(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    (c.is_alphabetic() || c.is_numeric()) && !in_ranges(c as u32, ALPHABETIC_NOT_LETTER)
}

/// Maps byte positions of a value (as handed to the template engine) back to
/// the text.
enum Positions<'a> {
    /// The value is the text from this offset on.
    Shifted(usize),
    /// Position of every byte of the value, plus one past its end.
    Table(&'a [usize]),
}

impl Positions<'_> {
    fn get(&self, i: usize) -> usize {
        match self {
            Positions::Shifted(base) => base + i,
            Positions::Table(t) => t.get(i).or_else(|| t.last()).copied().unwrap_or_default(),
        }
    }
}

struct Parser<'t> {
    text: &'t str,
    /// compose-go's line counter, which it uses in messages. It can differ
    /// from the real line of the problem (e.g. an unterminated quote reports
    /// the last line of the text).
    line: usize,
    unset: Vec<UnsetVar>,
}

impl<'t> Parser<'t> {
    fn rest(&self, pos: usize) -> &'t str {
        self.text.get(pos..).unwrap_or("")
    }

    fn error(&self, offset: usize, message: String) -> DotenvError {
        let before = self.text.get(..offset).unwrap_or(self.text);
        DotenvError {
            line: before.bytes().filter(|&b| b == b'\n').count() + 1,
            offset,
            message,
        }
    }

    fn run(
        &mut self,
        mut pos: usize,
        lookup: &dyn Fn(&str) -> Option<String>,
        out: &mut IndexMap<String, String>,
    ) -> Result<(), DotenvError> {
        while let Some(start) = self.statement_start(pos) {
            let (key, key_start, left, inherited) = self.locate_key(start)?;
            if key.contains(' ') {
                let message = format!("line {}: key cannot contain a space", self.line);
                return Err(self.error(key_start, message));
            }
            if inherited {
                if let Some(value) = lookup(key) {
                    out.insert(key.to_string(), value);
                }
                pos = left;
                continue;
            }
            let (value, left) = self.value(left, lookup, out)?;
            out.insert(key.to_string(), value);
            pos = left;
        }
        Ok(())
    }

    /// Skips blank space and comment lines; `None` at the end of the text.
    fn statement_start(&mut self, mut pos: usize) -> Option<usize> {
        loop {
            let rest = self.rest(pos);
            let mut found = None;
            for (i, c) in rest.char_indices() {
                if c == '\n' {
                    self.line += 1;
                }
                if !c.is_whitespace() {
                    found = Some(pos + i);
                    break;
                }
            }
            let start = found?;
            if !self.rest(start).starts_with('#') {
                return Some(start);
            }
            pos = start + self.rest(start).find('\n')?;
        }
    }

    /// Returns the key, where it starts, where the value starts and whether
    /// the key stands alone (no `=`/`:`).
    fn locate_key(&mut self, start: usize) -> Result<(&'t str, usize, usize, bool), DotenvError> {
        let mut src = start;
        let rest = self.rest(src);
        if rest.starts_with("export")
            && matches!(
                rest.as_bytes().get(6),
                Some(b'\t' | b'\n' | b'\x0c' | b'\r' | b' ')
            )
        {
            src += 6;
            src += self.rest(src).len() - self.rest(src).trim_start_matches(is_inline_space).len();
        }
        let s = self.rest(src);
        let mut stop = None;
        for (i, c) in s.char_indices() {
            match c {
                c if is_inline_space(c) => {}
                '=' | ':' | '\n' => {
                    stop = Some((i, c == '\n'));
                    break;
                }
                '_' | '.' | '-' | '[' | ']' => {}
                c if is_letter_or_number(c) => {}
                c => {
                    let first_line = s.split('\n').next().unwrap_or_default();
                    let message = format!(
                        "line {}: unexpected character {} in variable name {}",
                        self.line,
                        go_quote(c.encode_utf8(&mut [0; 4])),
                        go_quote(first_line)
                    );
                    return Err(self.error(src + i, message));
                }
            }
        }
        if s.is_empty() {
            return Err(self.error(src, "zero length string".to_string()));
        }
        let (key, value_start, inherited) = match stop {
            Some((i, inherited)) => (s.get(..i).unwrap_or_default(), src + i + 1, inherited),
            None => ("", src, false),
        };
        if inherited && !key.contains(' ') {
            self.line += 1;
        }
        let key = key.trim_end_matches(char::is_whitespace);
        let value = self.rest(value_start);
        let value_start =
            value_start + value.len() - value.trim_start_matches(is_inline_space).len();
        Ok((key, src, value_start, inherited))
    }

    /// Reads the value at `pos`; returns it and where the next statement may start.
    fn value(
        &mut self,
        pos: usize,
        lookup: &dyn Fn(&str) -> Option<String>,
        vars: &IndexMap<String, String>,
    ) -> Result<(String, usize), DotenvError> {
        let bytes = self.text.as_bytes();
        let quote = match bytes.get(pos) {
            Some(&q @ (b'"' | b'\'')) => q,
            _ => {
                let rest = self.rest(pos);
                let (line, left) = match rest.find('\n') {
                    Some(i) => (rest.get(..i).unwrap_or_default(), pos + i + 1),
                    None => (rest, self.text.len()),
                };
                self.line += 1;
                let value = line
                    .find(" #")
                    .map_or(line, |i| line.get(..i).unwrap_or_default());
                let value = value.trim_end_matches(char::is_whitespace);
                let value = self.expand(value, &Positions::Shifted(pos), lookup, vars)?;
                return Ok((value, left));
            }
        };
        let mut escaped = false;
        let mut chars = Vec::new();
        let mut origin = Vec::new();
        let mut i = pos + 1;
        while let Some(&c) = bytes.get(i) {
            if c == b'\n' {
                self.line += 1;
            }
            if c != quote {
                if !escaped && c == b'\\' {
                    escaped = true;
                    i += 1;
                    continue;
                }
                if escaped {
                    escaped = false;
                    chars.push(b'\\');
                    origin.push(i - 1);
                }
                chars.push(c);
                origin.push(i);
                i += 1;
                continue;
            }
            if escaped {
                escaped = false;
                chars.push(c);
                origin.push(i - 1);
                i += 1;
                continue;
            }
            origin.push(i);
            let value = String::from_utf8(chars)
                .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
            if quote == b'\'' {
                return Ok((value, i + 1));
            }
            let (value, origin) = expand_escapes(&value, &origin);
            let value = self.expand(&value, &Positions::Table(&origin), lookup, vars)?;
            return Ok((value, i + 1));
        }
        let rest = self.rest(pos);
        let first_line = rest.split('\n').next().unwrap_or_default();
        let message = format!("line {}: unterminated quoted value {first_line}", self.line);
        Err(self.error(pos, message))
    }

    /// Interpolates `value`, resolving names from `lookup`, then `vars`.
    fn expand(
        &mut self,
        value: &str,
        positions: &Positions<'_>,
        lookup: &dyn Fn(&str) -> Option<String>,
        vars: &IndexMap<String, String>,
    ) -> Result<String, DotenvError> {
        let resolve = |name: &str| lookup(name).or_else(|| vars.get(name).cloned());
        match template::substitute(value, &resolve) {
            Ok(sub) => {
                for u in sub.unset {
                    let offset = positions.get(u.offset);
                    let end = positions.get(u.offset + u.len);
                    self.unset.push(UnsetVar {
                        name: u.name,
                        offset,
                        len: end.saturating_sub(offset),
                    });
                }
                Ok(sub.value)
            }
            Err(e) => Err(self.error(positions.get(e.offset), e.to_string())),
        }
    }
}

/// Applies compose-go's double-quote escapes to `value`, whose bytes come from
/// `origin` (one entry per byte plus one past the end). Returns the new value
/// and its origins.
fn expand_escapes(value: &str, origin: &[usize]) -> (String, Vec<usize>) {
    let bytes = value.as_bytes();
    let at = |i: usize| {
        origin
            .get(i)
            .or_else(|| origin.last())
            .copied()
            .unwrap_or_default()
    };
    let mut out = String::with_capacity(value.len());
    let mut out_origin = Vec::with_capacity(origin.len());
    let mut literal = 0;
    let mut i = 0;
    while i < bytes.len() {
        let len = match (bytes[i], bytes.get(i + 1)) {
            (
                b'\\',
                Some(b'a' | b'b' | b'c' | b'f' | b'n' | b'r' | b't' | b'v' | b'$' | b'"' | b'\\'),
            ) => 2,
            (b'\\', Some(b'0')) => {
                2 + bytes
                    .get(i + 2..)
                    .unwrap_or_default()
                    .iter()
                    .take(3)
                    .take_while(|b| b.is_ascii_digit())
                    .count()
            }
            _ => {
                i += 1;
                continue;
            }
        };
        out.push_str(value.get(literal..i).unwrap_or_default());
        out_origin.extend((literal..i).map(at));
        let replacement = unescape(value.get(i..i + len).unwrap_or_default());
        out_origin.extend(std::iter::repeat_n(at(i), replacement.len()));
        out.push_str(&replacement);
        i += len;
        literal = i;
    }
    out.push_str(value.get(literal..).unwrap_or_default());
    out_origin.extend((literal..=bytes.len()).map(at));
    (out, out_origin)
}

/// One escape sequence (`\n`, `\$`, `\0123`, ...) as compose-go rewrites it.
fn unescape(seq: &str) -> String {
    if seq == "\\$" {
        // Left for the template engine, which turns `$$` into `$`.
        return "$$".to_string();
    }
    // `\0ddd` is read as the Go escape `\ddd`; when that is not a valid
    // escape, the shortened text is kept.
    let seq = match seq.strip_prefix("\\0") {
        Some(digits) => format!("\\{digits}"),
        None => seq.to_string(),
    };
    go_unquote_char(&seq).map_or(seq, String::from)
}

/// The character a Go escape sequence inside double quotes stands for (Go's
/// `strconv.UnquoteChar` with `"`), or `None` when it is not valid.
fn go_unquote_char(seq: &str) -> Option<char> {
    let b = seq.as_bytes();
    if b.first() != Some(&b'\\') {
        return None;
    }
    Some(match *b.get(1)? {
        b'a' => '\u{7}',
        b'b' => '\u{8}',
        b'f' => '\u{c}',
        b'n' => '\n',
        b'r' => '\r',
        b't' => '\t',
        b'v' => '\u{b}',
        b'\\' => '\\',
        b'"' => '"',
        d @ b'0'..=b'7' => {
            let mut v = u32::from(d - b'0');
            for &x in b.get(2..4)? {
                if !(b'0'..=b'7').contains(&x) {
                    return None;
                }
                v = (v << 3) | u32::from(x - b'0');
            }
            if v > 255 {
                return None;
            }
            char::from_u32(v)?
        }
        _ => return None,
    })
}

/// Code points Rust's `char::is_alphabetic` accepts but that are neither
/// letters nor numbers for Go (`Other_Alphabetic` marks and symbols), as
/// inclusive pairs (Unicode 14).
const ALPHABETIC_NOT_LETTER: &[u32] = &[
    0x0345, 0x0345, 0x0363, 0x036F, 0x05B0, 0x05BD, 0x05BF, 0x05BF, 0x05C1, 0x05C2, 0x05C4, 0x05C5,
    0x05C7, 0x05C7, 0x0610, 0x061A, 0x064B, 0x0657, 0x0659, 0x065F, 0x0670, 0x0670, 0x06D6, 0x06DC,
    0x06E1, 0x06E4, 0x06E7, 0x06E8, 0x06ED, 0x06ED, 0x0711, 0x0711, 0x0730, 0x073F, 0x07A6, 0x07B0,
    0x0816, 0x0817, 0x081B, 0x0823, 0x0825, 0x0827, 0x0829, 0x082C, 0x08D4, 0x08DF, 0x08E3, 0x08E9,
    0x08F0, 0x0903, 0x093A, 0x093B, 0x093E, 0x094C, 0x094E, 0x094F, 0x0955, 0x0957, 0x0962, 0x0963,
    0x0981, 0x0983, 0x09BE, 0x09C4, 0x09C7, 0x09C8, 0x09CB, 0x09CC, 0x09D7, 0x09D7, 0x09E2, 0x09E3,
    0x0A01, 0x0A03, 0x0A3E, 0x0A42, 0x0A47, 0x0A48, 0x0A4B, 0x0A4C, 0x0A51, 0x0A51, 0x0A70, 0x0A71,
    0x0A75, 0x0A75, 0x0A81, 0x0A83, 0x0ABE, 0x0AC5, 0x0AC7, 0x0AC9, 0x0ACB, 0x0ACC, 0x0AE2, 0x0AE3,
    0x0AFA, 0x0AFC, 0x0B01, 0x0B03, 0x0B3E, 0x0B44, 0x0B47, 0x0B48, 0x0B4B, 0x0B4C, 0x0B56, 0x0B57,
    0x0B62, 0x0B63, 0x0B82, 0x0B82, 0x0BBE, 0x0BC2, 0x0BC6, 0x0BC8, 0x0BCA, 0x0BCC, 0x0BD7, 0x0BD7,
    0x0C00, 0x0C04, 0x0C3E, 0x0C44, 0x0C46, 0x0C48, 0x0C4A, 0x0C4C, 0x0C55, 0x0C56, 0x0C62, 0x0C63,
    0x0C81, 0x0C83, 0x0CBE, 0x0CC4, 0x0CC6, 0x0CC8, 0x0CCA, 0x0CCC, 0x0CD5, 0x0CD6, 0x0CE2, 0x0CE3,
    0x0D00, 0x0D03, 0x0D3E, 0x0D44, 0x0D46, 0x0D48, 0x0D4A, 0x0D4C, 0x0D57, 0x0D57, 0x0D62, 0x0D63,
    0x0D81, 0x0D83, 0x0DCF, 0x0DD4, 0x0DD6, 0x0DD6, 0x0DD8, 0x0DDF, 0x0DF2, 0x0DF3, 0x0E31, 0x0E31,
    0x0E34, 0x0E3A, 0x0E4D, 0x0E4D, 0x0EB1, 0x0EB1, 0x0EB4, 0x0EB9, 0x0EBB, 0x0EBC, 0x0ECD, 0x0ECD,
    0x0F71, 0x0F83, 0x0F8D, 0x0F97, 0x0F99, 0x0FBC, 0x102B, 0x1036, 0x1038, 0x1038, 0x103B, 0x103E,
    0x1056, 0x1059, 0x105E, 0x1060, 0x1062, 0x1064, 0x1067, 0x106D, 0x1071, 0x1074, 0x1082, 0x108D,
    0x108F, 0x108F, 0x109A, 0x109D, 0x1712, 0x1713, 0x1732, 0x1733, 0x1752, 0x1753, 0x1772, 0x1773,
    0x17B6, 0x17C8, 0x1885, 0x1886, 0x18A9, 0x18A9, 0x1920, 0x192B, 0x1930, 0x1938, 0x1A17, 0x1A1B,
    0x1A55, 0x1A5E, 0x1A61, 0x1A74, 0x1ABF, 0x1AC0, 0x1ACC, 0x1ACE, 0x1B00, 0x1B04, 0x1B35, 0x1B43,
    0x1B80, 0x1B82, 0x1BA1, 0x1BA9, 0x1BAC, 0x1BAD, 0x1BE7, 0x1BF1, 0x1C24, 0x1C36, 0x1DD3, 0x1DF4,
    0x24B6, 0x24E9, 0x2DE0, 0x2DFF, 0xA674, 0xA67B, 0xA69E, 0xA69F, 0xA802, 0xA802, 0xA80B, 0xA80B,
    0xA823, 0xA827, 0xA880, 0xA881, 0xA8B4, 0xA8C3, 0xA8C5, 0xA8C5, 0xA8FF, 0xA8FF, 0xA926, 0xA92A,
    0xA947, 0xA952, 0xA980, 0xA983, 0xA9B4, 0xA9BF, 0xA9E5, 0xA9E5, 0xAA29, 0xAA36, 0xAA43, 0xAA43,
    0xAA4C, 0xAA4D, 0xAA7B, 0xAA7D, 0xAAB0, 0xAAB0, 0xAAB2, 0xAAB4, 0xAAB7, 0xAAB8, 0xAABE, 0xAABE,
    0xAAEB, 0xAAEF, 0xAAF5, 0xAAF5, 0xABE3, 0xABEA, 0xFB1E, 0xFB1E, 0x10376, 0x1037A, 0x10A01,
    0x10A03, 0x10A05, 0x10A06, 0x10A0C, 0x10A0F, 0x10D24, 0x10D27, 0x10EAB, 0x10EAC, 0x11000,
    0x11002, 0x11038, 0x11045, 0x11073, 0x11074, 0x11080, 0x11082, 0x110B0, 0x110B8, 0x110C2,
    0x110C2, 0x11100, 0x11102, 0x11127, 0x11132, 0x11145, 0x11146, 0x11180, 0x11182, 0x111B3,
    0x111BF, 0x111CE, 0x111CF, 0x1122C, 0x11234, 0x11237, 0x11237, 0x1123E, 0x1123E, 0x112DF,
    0x112E8, 0x11300, 0x11303, 0x1133E, 0x11344, 0x11347, 0x11348, 0x1134B, 0x1134C, 0x11357,
    0x11357, 0x11362, 0x11363, 0x11435, 0x11441, 0x11443, 0x11445, 0x114B0, 0x114C1, 0x115AF,
    0x115B5, 0x115B8, 0x115BE, 0x115DC, 0x115DD, 0x11630, 0x1163E, 0x11640, 0x11640, 0x116AB,
    0x116B5, 0x1171D, 0x1172A, 0x1182C, 0x11838, 0x11930, 0x11935, 0x11937, 0x11938, 0x1193B,
    0x1193C, 0x11940, 0x11940, 0x11942, 0x11942, 0x119D1, 0x119D7, 0x119DA, 0x119DF, 0x119E4,
    0x119E4, 0x11A01, 0x11A0A, 0x11A35, 0x11A39, 0x11A3B, 0x11A3E, 0x11A51, 0x11A5B, 0x11A8A,
    0x11A97, 0x11C2F, 0x11C36, 0x11C38, 0x11C3E, 0x11C92, 0x11CA7, 0x11CA9, 0x11CB6, 0x11D31,
    0x11D36, 0x11D3A, 0x11D3A, 0x11D3C, 0x11D3D, 0x11D3F, 0x11D41, 0x11D43, 0x11D43, 0x11D47,
    0x11D47, 0x11D8A, 0x11D8E, 0x11D90, 0x11D91, 0x11D93, 0x11D96, 0x11EF3, 0x11EF6, 0x16F4F,
    0x16F4F, 0x16F51, 0x16F87, 0x16F8F, 0x16F92, 0x16FF0, 0x16FF1, 0x1BC9E, 0x1BC9E, 0x1E000,
    0x1E006, 0x1E008, 0x1E018, 0x1E01B, 0x1E021, 0x1E023, 0x1E024, 0x1E026, 0x1E02A, 0x1E947,
    0x1E947, 0x1F130, 0x1F149, 0x1F150, 0x1F169, 0x1F170, 0x1F189,
];
