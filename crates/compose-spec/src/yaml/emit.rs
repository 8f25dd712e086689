//! YAML output byte-for-byte identical to `docker compose config`.
//!
//! Docker Compose prints its project with go-yaml v3 (`go.yaml.in/yaml/v3`
//! v3.0.4: `yaml.NewEncoder(buf)`, `SetIndent(2)`, `Encode(project)`). `hoist
//! config` must print the same bytes, and no Rust YAML emitter lays out or
//! quotes scalars the way go-yaml does, so this module re-implements the part of
//! go-yaml a JSON-like value can reach:
//!
//! * `encode.go`'s choice of scalar style: a string is plain unless its plain
//!   form would resolve to another type (`resolve.go`: null, bool, int, float,
//!   timestamp) or look like a YAML 1.1 bool (`yes`, `on`, …) or base-60 float
//!   (`1:30`), in which case it is double-quoted; strings containing `\n` ask
//!   for a literal block scalar;
//! * `emitterc.go`'s scalar analysis, which demotes plain to single-quoted
//!   (indicators, `: `, ` #`, leading/trailing spaces) and single-quoted or
//!   literal to double-quoted (control characters, characters outside the BMP,
//!   tabs, spaces before line breaks), and its writers (escapes, block scalar
//!   indentation and chomping hints);
//! * `emitterc.go`'s layout: block mappings and sequences with an indentation
//!   of 2, sequences indented under their key, `{}` / `[]` for empty
//!   collections, `? ` complex keys for keys longer than 128 bytes or spanning
//!   several lines, and no line folding (v3's line width is unlimited).
//!
//! Mapping keys come out in the order the value holds them (`serde_json` is
//! built with `preserve_order`); sorting them as go-yaml sorts Go maps is the
//! caller's job.

use crate::gocompat::strconv::{parse_int, parse_uint};
use serde_json::{Number, Value};

/// `SetIndent(2)`.
const BEST_INDENT: i64 = 2;

/// go-yaml's `check_simple_key` limit on an implicit key's length, in bytes.
const MAX_SIMPLE_KEY_LEN: usize = 128;

/// Renders a JSON-like value as YAML exactly like go-yaml v3's Encoder with SetIndent(2): mapping keys in the order given (serde_json is built with `preserve_order`), strings quoted only where go-yaml quotes them, block scalars where it uses them.
///
/// The output is one document without a `---` marker, ending with a newline.
///
/// ```
/// use compose_spec::yaml::emit::to_yaml;
/// use serde_json::json;
///
/// let project = json!({
///     "name": "demo",
///     "services": {
///         "web": {
///             "command": ["sh", "-c", "echo hi\nsleep 1"],
///             "environment": {"DEBUG": "yes", "PORT": "8080", "EMPTY": ""},
///             "labels": {},
///             "cpus": 1.5,
///             "ports": [{"target": 80, "published": "8080"}],
///         }
///     }
/// });
/// assert_eq!(
///     to_yaml(&project),
///     "name: demo
/// services:
///   web:
///     command:
///       - sh
///       - -c
///       - |-
///         echo hi
///         sleep 1
///     environment:
///       DEBUG: \"yes\"
///       PORT: \"8080\"
///       EMPTY: \"\"
///     labels: {}
///     cpus: 1.5
///     ports:
///       - target: 80
///         published: \"8080\"
/// "
/// );
/// ```
pub fn to_yaml(value: &Value) -> String {
    to_yaml_indented(value, BEST_INDENT)
}

/// What go-yaml v3's `yaml.Marshal` writes for a Go value that holds only
/// maps (`map[string]any`): every mapping's keys sorted as go-yaml sorts Go
/// map keys, and v3's default indentation of 4. This is what a program gets
/// when it reads YAML into a generic map and writes it back (compose's
/// `bridge convert` model).
///
/// ```
/// use compose_spec::yaml::emit::marshal_sorted;
/// use serde_json::json;
///
/// let v = json!({"services": {"web": {"environment": {"B10": "x", "B9": "y"},
///     "command": ["sh", "-c"]}}, "name": "demo"});
/// assert_eq!(marshal_sorted(&v), "name: demo
/// services:
///     web:
///         command:
///             - sh
///             - -c
///         environment:
///             B9: \"y\"
///             B10: x
/// ");
/// ```
pub fn marshal_sorted(value: &Value) -> String {
    to_yaml_indented(&sorted(value), 4)
}

/// A copy of `value` with every mapping's keys in go-yaml's order of Go map keys.
fn sorted(value: &Value) -> Value {
    match value {
        Value::Object(m) => {
            let mut entries: Vec<(&String, &Value)> = m.iter().collect();
            entries.sort_by(|a, b| crate::model::key_cmp(a.0, b.0));
            Value::Object(
                entries
                    .into_iter()
                    .map(|(k, v)| (k.clone(), sorted(v)))
                    .collect(),
            )
        }
        Value::Array(a) => Value::Array(a.iter().map(sorted).collect()),
        v => v.clone(),
    }
}

/// [`to_yaml`] with go-yaml's `SetIndent(indent)`.
fn to_yaml_indented(value: &Value, indent: i64) -> String {
    let mut e = Emitter::new(indent);
    e.node(value, false);
    // DOCUMENT-END (implicit): go-yaml only ends the last line.
    e.write_indent();
    e.out
}

/// How a scalar is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Style {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
}

/// The style encode.go's `stringv` asks the emitter for.
fn requested_string_style(s: &str) -> Style {
    let can_use_plain = !resolves_to_non_string(s) && !is_base60_float(s) && !is_old_bool(s);
    if s.contains('\n') {
        Style::Literal
    } else if can_use_plain {
        Style::Plain
    } else {
        Style::DoubleQuoted
    }
}

/// What go-yaml's `yaml_emitter_analyze_scalar` finds out about a scalar
/// (block context only: this module never writes scalars inside flow
/// collections).
#[derive(Debug, Clone, Copy)]
struct Analysis {
    multiline: bool,
    block_plain_allowed: bool,
    single_quoted_allowed: bool,
    block_allowed: bool,
}

/// go-yaml's `is_break`.
fn is_break(c: char) -> bool {
    matches!(c, '\r' | '\n' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

/// go-yaml's `is_blank`.
fn is_blank(c: char) -> bool {
    c == ' ' || c == '\t'
}

/// go-yaml's `is_blankz` (NUL stands for the end of a C string).
fn is_blankz(c: char) -> bool {
    is_blank(c) || is_break(c) || c == '\0'
}

/// go-yaml's `is_printable`: `\n`, printable ASCII and the BMP from U+00A0
/// except surrogates, U+FEFF, U+FFFE and U+FFFF. Characters outside the BMP
/// (emoji) are not "printable" to go-yaml and get escaped.
fn is_printable(c: char) -> bool {
    let c = u32::from(c);
    c == 0x0A
        || (0x20..=0x7E).contains(&c)
        || (0xA0..=0xD7FF).contains(&c)
        || ((0xE000..=0xFFFD).contains(&c) && c != 0xFEFF)
}

fn analyze(value: &str) -> Analysis {
    if value.is_empty() {
        return Analysis {
            multiline: false,
            block_plain_allowed: true,
            single_quoted_allowed: true,
            block_allowed: false,
        };
    }
    let chars: Vec<char> = value.chars().collect();
    let mut block_indicators = value.starts_with("---") || value.starts_with("...");
    let mut line_breaks = false;
    let mut special_characters = false;
    let mut tab_characters = false;
    let mut leading_space = false;
    let mut leading_break = false;
    let mut trailing_space = false;
    let mut trailing_break = false;
    let mut break_space = false;
    let mut space_break = false;
    let mut preceded_by_whitespace = true;
    let mut previous_space = false;
    let mut previous_break = false;

    let last = chars.len() - 1;
    for (i, &c) in chars.iter().enumerate() {
        let followed_by_whitespace = chars.get(i + 1).is_none_or(|&n| is_blank(n));
        if i == 0 {
            match c {
                '#' | ',' | '[' | ']' | '{' | '}' | '&' | '*' | '!' | '|' | '>' | '\'' | '"'
                | '%' | '@' | '`' => block_indicators = true,
                '?' | ':' | '-' if followed_by_whitespace => block_indicators = true,
                _ => {}
            }
        } else {
            match c {
                ':' if followed_by_whitespace => block_indicators = true,
                '#' if preceded_by_whitespace => block_indicators = true,
                _ => {}
            }
        }

        if c == '\t' {
            tab_characters = true;
        } else if !is_printable(c) {
            special_characters = true;
        }
        if c == ' ' {
            leading_space |= i == 0;
            trailing_space |= i == last;
            break_space |= previous_break;
            previous_space = true;
            previous_break = false;
        } else if is_break(c) {
            line_breaks = true;
            leading_break |= i == 0;
            trailing_break |= i == last;
            space_break |= previous_space;
            previous_space = false;
            previous_break = true;
        } else {
            previous_space = false;
            previous_break = false;
        }
        preceded_by_whitespace = is_blankz(c);
    }

    let mut a = Analysis {
        multiline: line_breaks,
        block_plain_allowed: true,
        single_quoted_allowed: true,
        block_allowed: true,
    };
    if leading_space || leading_break || trailing_space || trailing_break {
        a.block_plain_allowed = false;
    }
    if trailing_space {
        a.block_allowed = false;
    }
    if break_space {
        a.block_plain_allowed = false;
        a.single_quoted_allowed = false;
    }
    if space_break || tab_characters || special_characters {
        a.block_plain_allowed = false;
        a.single_quoted_allowed = false;
    }
    if space_break || special_characters {
        a.block_allowed = false;
    }
    if line_breaks || block_indicators {
        a.block_plain_allowed = false;
    }
    a
}

/// go-yaml's `yaml_emitter_select_scalar_style` for block context.
fn select_style(requested: Style, a: &Analysis, empty: bool, simple_key: bool) -> Style {
    let mut style = requested;
    if simple_key && a.multiline {
        style = Style::DoubleQuoted;
    }
    if style == Style::Plain && (!a.block_plain_allowed || (empty && simple_key)) {
        style = Style::SingleQuoted;
    }
    if style == Style::SingleQuoted && !a.single_quoted_allowed {
        style = Style::DoubleQuoted;
    }
    if style == Style::Literal && (!a.block_allowed || simple_key) {
        style = Style::DoubleQuoted;
    }
    style
}

/// The writer half of go-yaml's `yaml_emitter_t`, reduced to what block
/// output without comments, anchors or tags needs.
struct Emitter {
    out: String,
    /// Characters (not bytes) since the last line break.
    column: usize,
    /// The last thing written was whitespace (or nothing).
    whitespace: bool,
    /// Only indentation and indicators such as `- ` on this line so far.
    indention: bool,
    indent: i64,
    indents: Vec<i64>,
    /// go-yaml's `best_indent` (`SetIndent`).
    best_indent: i64,
}

impl Emitter {
    fn new(best_indent: i64) -> Self {
        Emitter {
            best_indent,
            out: String::new(),
            column: 0,
            whitespace: true,
            indention: true,
            indent: -1,
            indents: Vec::new(),
        }
    }

    /// A value: scalars, block collections, `{}` / `[]`. `in_seq_item` says
    /// the node is a block sequence entry, which go-yaml indents by 2 from the
    /// `-` rather than to the next multiple of the indentation.
    fn node(&mut self, value: &Value, in_seq_item: bool) {
        match value {
            Value::Null => self.scalar("null", Style::Plain, false, in_seq_item),
            Value::Bool(b) => {
                let text = if *b { "true" } else { "false" };
                self.scalar(text, Style::Plain, false, in_seq_item);
            }
            Value::Number(n) => self.scalar(&format_number(n), Style::Plain, false, in_seq_item),
            Value::String(s) => {
                self.scalar(s, requested_string_style(s), false, in_seq_item);
            }
            Value::Array(items) if items.is_empty() => self.empty_flow("[", "]", in_seq_item),
            Value::Object(map) if map.is_empty() => self.empty_flow("{", "}", in_seq_item),
            Value::Array(items) => {
                self.increase_indent(false, in_seq_item);
                for item in items {
                    self.write_indent();
                    self.write_indicator("-", true, false, true);
                    self.node(item, true);
                }
                self.pop_indent();
            }
            Value::Object(map) => {
                self.increase_indent(false, in_seq_item);
                for (key, item) in map {
                    self.write_indent();
                    let requested = requested_string_style(key);
                    let a = analyze(key);
                    if !a.multiline && key.len() <= MAX_SIMPLE_KEY_LEN {
                        self.scalar_analyzed(key, requested, &a, true, false);
                        self.write_indicator(":", false, false, false);
                    } else {
                        self.write_indicator("?", true, false, true);
                        self.scalar_analyzed(key, requested, &a, false, false);
                        self.write_indent();
                        self.write_indicator(":", true, false, true);
                    }
                    self.node(item, false);
                }
                self.pop_indent();
            }
        }
    }

    /// An empty flow collection (go-yaml's `check_empty_sequence` /
    /// `check_empty_mapping` switch to flow style).
    fn empty_flow(&mut self, open: &str, close: &str, in_seq_item: bool) {
        self.write_indicator(open, true, true, false);
        self.increase_indent(true, in_seq_item);
        self.pop_indent();
        self.write_indicator(close, false, false, false);
    }

    fn scalar(&mut self, value: &str, requested: Style, simple_key: bool, in_seq_item: bool) {
        let a = analyze(value);
        self.scalar_analyzed(value, requested, &a, simple_key, in_seq_item);
    }

    /// go-yaml's `yaml_emitter_emit_scalar`.
    fn scalar_analyzed(
        &mut self,
        value: &str,
        requested: Style,
        a: &Analysis,
        simple_key: bool,
        in_seq_item: bool,
    ) {
        let style = select_style(requested, a, value.is_empty(), simple_key);
        self.increase_indent(true, in_seq_item);
        match style {
            Style::Plain => self.write_plain(value),
            Style::SingleQuoted => self.write_single_quoted(value),
            Style::DoubleQuoted => self.write_double_quoted(value),
            Style::Literal => self.write_literal(value),
        }
        self.pop_indent();
    }

    /// go-yaml's `yaml_emitter_increase_indent` (v3's "more regular" rule).
    fn increase_indent(&mut self, flow: bool, in_seq_item: bool) {
        self.indents.push(self.indent);
        if self.indent < 0 {
            self.indent = if flow { self.best_indent } else { 0 };
        } else if in_seq_item {
            self.indent += 2;
        } else {
            let best = self.best_indent;
            self.indent = best * ((self.indent + best) / best);
        }
    }

    fn pop_indent(&mut self) {
        self.indent = self.indents.pop().unwrap_or(-1);
    }

    /// An ASCII character.
    fn put(&mut self, c: char) {
        self.out.push(c);
        self.column += 1;
    }

    fn put_break(&mut self) {
        self.out.push('\n');
        self.column = 0;
        self.indention = true;
    }

    fn write(&mut self, c: char) {
        self.out.push(c);
        self.column += 1;
    }

    /// go-yaml's `write_break`: `\n` becomes the output line break, other
    /// breaks are copied as they are.
    fn write_break(&mut self, c: char) {
        if c == '\n' {
            self.put_break();
        } else {
            self.out.push(c);
            self.column = 0;
            self.indention = true;
        }
    }

    fn write_indent(&mut self) {
        let indent = usize::try_from(self.indent).unwrap_or(0);
        if !self.indention || self.column > indent || (self.column == indent && !self.whitespace) {
            self.put_break();
        }
        while self.column < indent {
            self.put(' ');
        }
        self.whitespace = true;
    }

    fn write_indicator(
        &mut self,
        indicator: &str,
        need_whitespace: bool,
        is_whitespace: bool,
        is_indention: bool,
    ) {
        if need_whitespace && !self.whitespace {
            self.put(' ');
        }
        self.out.push_str(indicator);
        self.column += indicator.chars().count();
        self.whitespace = is_whitespace;
        self.indention = self.indention && is_indention;
    }

    fn write_plain(&mut self, value: &str) {
        if !value.is_empty() && !self.whitespace {
            self.put(' ');
        }
        let mut breaks = false;
        for c in value.chars() {
            if c == ' ' {
                self.write(c);
            } else if is_break(c) {
                if !breaks && c == '\n' {
                    self.put_break();
                }
                self.write_break(c);
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                self.write(c);
                self.indention = false;
                breaks = false;
            }
        }
        if !value.is_empty() {
            self.whitespace = false;
        }
        self.indention = false;
    }

    fn write_single_quoted(&mut self, value: &str) {
        self.write_indicator("'", true, false, false);
        let mut breaks = false;
        for c in value.chars() {
            if c == ' ' {
                self.write(c);
            } else if is_break(c) {
                if !breaks && c == '\n' {
                    self.put_break();
                }
                self.write_break(c);
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                if c == '\'' {
                    self.put('\'');
                }
                self.write(c);
                self.indention = false;
                breaks = false;
            }
        }
        self.write_indicator("'", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    fn write_double_quoted(&mut self, value: &str) {
        self.write_indicator("\"", true, false, false);
        // go-yaml tests for a byte order mark at the start of the whole value
        // (not at the current character): if there is one, every character is
        // escaped.
        let bom = value.starts_with('\u{FEFF}');
        for c in value.chars() {
            if bom || !is_printable(c) || is_break(c) || c == '"' || c == '\\' {
                self.write_escape(c);
            } else {
                self.write(c);
            }
        }
        self.write_indicator("\"", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    fn write_escape(&mut self, c: char) {
        self.put('\\');
        let short = match c {
            '\0' => Some('0'),
            '\u{07}' => Some('a'),
            '\u{08}' => Some('b'),
            '\t' => Some('t'),
            '\n' => Some('n'),
            '\u{0B}' => Some('v'),
            '\u{0C}' => Some('f'),
            '\r' => Some('r'),
            '\u{1B}' => Some('e'),
            '"' => Some('"'),
            '\\' => Some('\\'),
            '\u{85}' => Some('N'),
            '\u{A0}' => Some('_'),
            '\u{2028}' => Some('L'),
            '\u{2029}' => Some('P'),
            _ => None,
        };
        if let Some(s) = short {
            self.put(s);
            return;
        }
        let v = u32::from(c);
        let (prefix, digits) = if v <= 0xFF {
            ('x', 2)
        } else if v <= 0xFFFF {
            ('u', 4)
        } else {
            ('U', 8)
        };
        self.put(prefix);
        for k in (0..digits).rev() {
            let digit = (v >> (k * 4)) & 0x0F;
            let ch = char::from_digit(digit, 16).map_or('0', |d| d.to_ascii_uppercase());
            self.put(ch);
        }
    }

    /// Indentation and chomping indicators of a block scalar.
    fn write_block_scalar_hints(&mut self, value: &str) {
        if value.starts_with(' ') || value.chars().next().is_some_and(is_break) {
            let hint = self.best_indent.to_string();
            self.write_indicator(&hint, false, false, false);
        }
        let mut rev = value.chars().rev();
        let chomp = match (rev.next(), rev.next()) {
            (None, _) => Some("-"),
            (Some(last), _) if !is_break(last) => Some("-"),
            (Some(_), None) => Some("+"),
            (Some(_), Some(prev)) if is_break(prev) => Some("+"),
            _ => None,
        };
        if let Some(chomp) = chomp {
            self.write_indicator(chomp, false, false, false);
        }
    }

    fn write_literal(&mut self, value: &str) {
        self.write_indicator("|", true, false, false);
        self.write_block_scalar_hints(value);
        // v3.0.4 ends the header line here (go-yaml/yaml#755).
        self.put_break();
        self.whitespace = true;
        let mut breaks = true;
        for c in value.chars() {
            if is_break(c) {
                self.write_break(c);
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                self.write(c);
                self.indention = false;
                breaks = false;
            }
        }
    }
}

/// An integer as `strconv.FormatInt`, a float as go-yaml's `floatv`.
fn format_number(n: &Number) -> String {
    if let Some(i) = n.as_i64() {
        i.to_string()
    } else if let Some(u) = n.as_u64() {
        u.to_string()
    } else if let Some(f) = n.as_f64() {
        format_float(f)
    } else {
        n.to_string()
    }
}

/// `strconv.FormatFloat(f, 'g', -1, 64)` with `.inf`, `-.inf`, `.nan`.
fn format_float(f: f64) -> String {
    if f.is_nan() {
        return ".nan".to_owned();
    }
    if f.is_infinite() {
        return if f > 0.0 { ".inf" } else { "-.inf" }.to_owned();
    }
    // Rust's `{:e}` gives the same shortest round-trip digits as Go's 'g', -1.
    let sci = format!("{:e}", f.abs());
    let (mantissa, exp) = sci.split_once('e').unwrap_or((sci.as_str(), "0"));
    let exp: i64 = exp.parse().unwrap_or(0);
    let digits: Vec<u8> = mantissa.bytes().filter(u8::is_ascii_digit).collect();
    let (digits, dp) = if digits.iter().all(|&d| d == b'0') {
        (Vec::new(), 0)
    } else {
        let mut d = digits;
        while d.last() == Some(&b'0') {
            d.pop();
        }
        (d, exp + 1)
    };
    let nd = i64::try_from(digits.len()).unwrap_or(i64::MAX);
    let digit = |j: i64| -> char {
        usize::try_from(j)
            .ok()
            .and_then(|j| digits.get(j))
            .map_or('0', |&d| char::from(d))
    };

    let mut out = String::new();
    if f.is_sign_negative() {
        out.push('-');
    }
    let x = dp - 1;
    if !(-4..6).contains(&x) {
        // %e with nd-1 fraction digits, exponent at least two digits.
        out.push(digit(0));
        if nd > 1 {
            out.push('.');
            for j in 1..nd {
                out.push(digit(j));
            }
        }
        out.push('e');
        out.push(if x < 0 { '-' } else { '+' });
        let e = x.unsigned_abs();
        if e < 10 {
            out.push('0');
        }
        out.push_str(&e.to_string());
    } else {
        // %f with max(nd-dp, 0) fraction digits.
        if dp > 0 {
            for j in 0..dp {
                out.push(digit(j));
            }
        } else {
            out.push('0');
        }
        let prec = (nd - dp).max(0);
        if prec > 0 {
            out.push('.');
            for i in 1..=prec {
                out.push(digit(dp + i - 1));
            }
        }
    }
    out
}

/// go-yaml's `isOldBool`: YAML 1.1 booleans are quoted for YAML 1.1 readers.
fn is_old_bool(s: &str) -> bool {
    matches!(
        s,
        "y" | "Y"
            | "yes"
            | "Yes"
            | "YES"
            | "on"
            | "On"
            | "ON"
            | "n"
            | "N"
            | "no"
            | "No"
            | "NO"
            | "off"
            | "Off"
            | "OFF"
    )
}

/// go-yaml's `isBase60Float`:
/// `^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$`.
fn is_base60_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if matches!(b.first(), Some(b'+' | b'-')) {
        i += 1;
    }
    if !b.get(i).is_some_and(u8::is_ascii_digit) {
        return false;
    }
    i += 1;
    while b.get(i).is_some_and(|&c| c.is_ascii_digit() || c == b'_') {
        i += 1;
    }
    let mut groups = 0;
    while b.get(i) == Some(&b':') {
        i += 1;
        let d1 = b.get(i).copied();
        let d2 = b.get(i + 1).copied();
        match (d1, d2) {
            (Some(b'0'..=b'5'), Some(b'0'..=b'9')) => i += 2,
            (Some(b'0'..=b'9'), _) => i += 1,
            _ => return false,
        }
        groups += 1;
    }
    if groups == 0 {
        return false;
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        while b.get(i).is_some_and(|&c| c.is_ascii_digit() || c == b'_') {
            i += 1;
        }
    }
    i == b.len()
}

/// Whether go-yaml's `resolve("", s)` gives anything but `!!str` (null, bool,
/// int, float, timestamp), i.e. whether the plain form would not read back as
/// the same string.
fn resolves_to_non_string(s: &str) -> bool {
    let Some(&first) = s.as_bytes().first() else {
        return true; // "" is null
    };
    let hint = match first {
        b'+' | b'-' | b'0'..=b'9' => b'D',
        b'y' | b'Y' | b'n' | b'N' | b't' | b'T' | b'f' | b'F' | b'o' | b'O' | b'~' => b'M',
        b'.' => b'.',
        _ => return false,
    };
    if matches!(
        s,
        "true"
            | "True"
            | "TRUE"
            | "false"
            | "False"
            | "FALSE"
            | "~"
            | "null"
            | "Null"
            | "NULL"
            | ".nan"
            | ".NaN"
            | ".NAN"
            | ".inf"
            | ".Inf"
            | ".INF"
            | "+.inf"
            | "+.Inf"
            | "+.INF"
            | "-.inf"
            | "-.Inf"
            | "-.INF"
    ) {
        return true;
    }
    match hint {
        b'.' => go_parse_float_ok(s),
        b'D' => {
            if is_go_timestamp(s) {
                return true;
            }
            let plain = s.replace('_', "");
            if parse_int(&plain, 0).is_some() || parse_uint(&plain, 0).is_some() {
                return true;
            }
            if is_yaml_style_float(&plain) && plain.parse::<f64>().is_ok_and(f64::is_finite) {
                return true;
            }
            let prefixed = |p: &str| plain.strip_prefix(p);
            if let Some(rest) = prefixed("0b") {
                return parse_int(rest, 2).is_some() || parse_uint(rest, 2).is_some();
            }
            if let Some(rest) = prefixed("-0b") {
                return parse_int(&format!("-{rest}"), 2).is_some();
            }
            if let Some(rest) = prefixed("0o") {
                return parse_int(rest, 8).is_some() || parse_uint(rest, 8).is_some();
            }
            if let Some(rest) = prefixed("-0o") {
                return parse_int(&format!("-{rest}"), 8).is_some();
            }
            false
        }
        _ => false,
    }
}

/// `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`
fn is_yaml_style_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    let digits = |i: &mut usize| {
        let start = *i;
        while b.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i - start
    };
    if matches!(b.first(), Some(b'+' | b'-')) {
        i += 1;
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    } else {
        if digits(&mut i) == 0 {
            return false;
        }
        if b.get(i) == Some(&b'.') {
            i += 1;
            digits(&mut i);
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

/// `strconv.ParseFloat(s, 64)` succeeds for a string starting with `.`:
/// digits with Go's underscore rules, an optional exponent, no overflow.
fn go_parse_float_ok(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    let mut saw_dot = false;
    let mut saw_digits = false;
    let mut underscores = false;
    while let Some(&c) = b.get(i) {
        match c {
            b'_' => underscores = true,
            b'.' if !saw_dot => saw_dot = true,
            b'0'..=b'9' => saw_digits = true,
            _ => break,
        }
        i += 1;
    }
    if !saw_digits {
        return false;
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if !b.get(i).is_some_and(u8::is_ascii_digit) {
            return false;
        }
        while let Some(&c) = b.get(i) {
            match c {
                b'_' => underscores = true,
                b'0'..=b'9' => {}
                _ => break,
            }
            i += 1;
        }
    }
    if i != b.len() {
        return false;
    }
    if underscores && !go_underscore_ok(s) {
        return false;
    }
    s.replace('_', "").parse::<f64>().is_ok_and(f64::is_finite)
}

/// Go's `underscoreOK` for a decimal literal: every `_` sits between digits.
fn go_underscore_ok(s: &str) -> bool {
    let b = s.as_bytes();
    let mut saw = b'^';
    let start = usize::from(matches!(b.first(), Some(b'+' | b'-')));
    for &c in b.get(start..).unwrap_or_default() {
        if c.is_ascii_digit() {
            saw = b'0';
            continue;
        }
        if c == b'_' {
            if saw != b'0' {
                return false;
            }
            saw = b'_';
            continue;
        }
        if saw == b'_' {
            return false;
        }
        saw = b'!';
    }
    saw != b'_'
}

/// go-yaml's `parseTimestamp`: `time.Parse` with the layouts
/// `2006-1-2T15:4:5.999999999Z07:00`, the same with `t`,
/// `2006-1-2 15:4:5.999999999` and `2006-1-2`.
fn is_go_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    let year_digits = b.iter().take_while(|c| c.is_ascii_digit()).count();
    if year_digits != 4 || b.get(4) != Some(&b'-') {
        return false;
    }
    [Some(b'T'), Some(b't'), Some(b' '), None]
        .into_iter()
        .any(|sep| parse_timestamp_layout(b, sep))
}

/// Go's `getnum(s, false)`: one or two digits.
fn getnum(b: &[u8], i: &mut usize) -> Option<u32> {
    let d1 = b.get(*i).filter(|c| c.is_ascii_digit())?;
    *i += 1;
    let mut n = u32::from(d1 - b'0');
    if let Some(d2) = b.get(*i).filter(|c| c.is_ascii_digit()) {
        *i += 1;
        n = n * 10 + u32::from(d2 - b'0');
    }
    Some(n)
}

/// One of go-yaml's timestamp layouts; `sep` is the date/time separator
/// (`None`: date only).
fn parse_timestamp_layout(b: &[u8], sep: Option<u8>) -> bool {
    let expect = |i: &mut usize, c: u8| -> Option<()> { (b.get(*i) == Some(&c)).then(|| *i += 1) };
    let parse = || -> Option<()> {
        let mut i = 0;
        let year: u32 = std::str::from_utf8(b.get(..4)?).ok()?.parse().ok()?;
        i += 4;
        expect(&mut i, b'-')?;
        let month = getnum(b, &mut i)?;
        expect(&mut i, b'-')?;
        let day = getnum(b, &mut i)?;
        if let Some(sep) = sep {
            if sep == b' ' {
                // A space in a layout matches one or more spaces.
                expect(&mut i, b' ')?;
                while b.get(i) == Some(&b' ') {
                    i += 1;
                }
            } else {
                expect(&mut i, sep)?;
            }
            let hour = getnum(b, &mut i)?;
            expect(&mut i, b':')?;
            let minute = getnum(b, &mut i)?;
            expect(&mut i, b':')?;
            let second = getnum(b, &mut i)?;
            if hour >= 24 || minute >= 60 || second >= 60 {
                return None;
            }
            // Optional fraction: `.` or `,` then any number of digits.
            if matches!(b.get(i), Some(b'.' | b',')) && b.get(i + 1).is_some_and(u8::is_ascii_digit)
            {
                i += 1;
                while b.get(i).is_some_and(u8::is_ascii_digit) {
                    i += 1;
                }
            }
            if sep != b' ' {
                // Z07:00
                if b.get(i) == Some(&b'Z') {
                    i += 1;
                } else {
                    let tz = b.get(i..i + 6)?;
                    if !matches!(tz[0], b'+' | b'-') || tz[3] != b':' {
                        return None;
                    }
                    let two = |p: &[u8]| -> Option<u32> {
                        (p[0].is_ascii_digit() && p[1].is_ascii_digit())
                            .then(|| u32::from(p[0] - b'0') * 10 + u32::from(p[1] - b'0'))
                    };
                    let (h, m) = (two(&tz[1..3])?, two(&tz[4..6])?);
                    if h > 24 || m > 60 {
                        return None;
                    }
                    i += 6;
                }
            }
        }
        if i != b.len() || !(1..=12).contains(&month) {
            return None;
        }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
        let days = match month {
            2 if leap => 29,
            2 => 28,
            4 | 6 | 9 | 11 => 30,
            _ => 31,
        };
        (1..=days).contains(&day).then_some(())
    };
    parse().is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_format_like_go() {
        let cases = [
            (1.5, "1.5"),
            (2.0, "2"),
            (0.0, "0"),
            (-0.0, "-0"),
            (1e6, "1e+06"),
            (123456.0, "123456"),
            (1234567.0, "1.234567e+06"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (1.5e-7, "1.5e-07"),
            (1e100, "1e+100"),
            (-2.5, "-2.5"),
            (0.1, "0.1"),
            (100.25, "100.25"),
        ];
        for (f, want) in cases {
            assert_eq!(format_float(f), want, "{f}");
        }
    }

    #[test]
    fn resolution_matches_go_yaml() {
        for s in [
            "",
            "~",
            "null",
            "true",
            "False",
            "8080",
            "-1",
            "+1",
            "0x1F",
            "0o17",
            "0777",
            "08",
            "1_000",
            "1.5",
            ".5",
            "1e3",
            "1e+06",
            ".inf",
            "-.Inf",
            "2001-12-14",
            "2001-12-14t21:59:43.10-05:00",
            "2001-12-14 21:59:43.10",
            "0b-101",
            ".5_5",
            "1_",
            "1e-400",
        ] {
            assert!(resolves_to_non_string(s), "{s:?} should not be a string");
        }
        for s in [
            "yes",
            "on",
            "abc",
            "1e400",
            ".",
            "-",
            "0x",
            "2001-13-01",
            "2001-02-30",
            "1.2.3",
            "8080:80",
            "0xFFFFFFFFFFFFFFFFFF",
            "._5",
            ".5_",
            "<<",
            "1:30",
        ] {
            assert!(!resolves_to_non_string(s), "{s:?} should be a string");
        }
        assert!(is_base60_float("1:30"));
        assert!(is_base60_float("22:22"));
        assert!(is_base60_float("-1:2:3.5"));
        assert!(!is_base60_float("8080:80"));
        assert!(!is_base60_float("1:60"));
    }
}
