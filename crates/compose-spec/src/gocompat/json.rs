//! Go's `encoding/json` text: `json.Marshal` and `json.MarshalIndent(v, "", "  ")`.
//!
//! serde_json and Go disagree on two things that show in compose's output and
//! in its config hashes: Go escapes `<`, `>`, `&`, U+2028 and U+2029 inside
//! strings (`\u003c`...), and writes floats its own way (no `.0` on integral
//! values, exponents as `1e+21` and `1e-7`, float32 values with float32's
//! shortest digits). [`Formatter`] makes serde_json write exactly Go's text.

use std::io::{self, Write};

use serde::Serialize;
use serde_json::ser::{CompactFormatter, PrettyFormatter};

/// `value` as Go's `json.Marshal` writes it: compact, with Go's escapes and
/// float notation. This is the text Docker Compose hashes for its
/// `com.docker.compose.config-hash` labels.
///
/// ```
/// use compose_spec::gocompat::json;
/// let v = serde_json::json!({"a": ["<b>", 1.5e-7, 2.0]});
/// assert_eq!(json::to_string(&v), r#"{"a":["\u003cb\u003e",1.5e-7,2]}"#);
/// ```
pub fn to_string<T: Serialize + ?Sized>(value: &T) -> String {
    write_with(value, Formatter::new(CompactFormatter))
}

/// `value` as Go's `json.MarshalIndent(v, "", "  ")` writes it (no trailing newline).
///
/// ```
/// use compose_spec::gocompat::json;
/// let v = serde_json::json!({"a": "x&y"});
/// assert_eq!(json::to_string_pretty(&v), "{\n  \"a\": \"x\\u0026y\"\n}");
/// ```
pub fn to_string_pretty<T: Serialize + ?Sized>(value: &T) -> String {
    write_with(value, Formatter::new(PrettyFormatter::new()))
}

fn write_with<T: Serialize + ?Sized, F: serde_json::ser::Formatter>(
    value: &T,
    fmt: Formatter<F>,
) -> String {
    let mut out = Vec::new();
    let mut ser = serde_json::Serializer::with_formatter(&mut out, fmt);
    if value.serialize(&mut ser).is_err() {
        return String::new();
    }
    String::from_utf8(out).unwrap_or_default()
}

/// The escape Go's encoder writes for `c` where serde_json writes `c` itself
/// (`encoding/json`'s HTML-safe escaping and its two line separators).
fn html_escape(c: char) -> Option<&'static str> {
    Some(match c {
        '<' => "\\u003c",
        '>' => "\\u003e",
        '&' => "\\u0026",
        '\u{2028}' => "\\u2028",
        '\u{2029}' => "\\u2029",
        _ => return None,
    })
}

/// Writes `text` with the characters of [`html_escape`] escaped.
fn write_html_escaped<W: ?Sized + Write>(w: &mut W, text: &str) -> io::Result<()> {
    let mut start = 0;
    for (i, c) in text.char_indices() {
        let Some(esc) = html_escape(c) else { continue };
        w.write_all(&text.as_bytes()[start..i])?;
        w.write_all(esc.as_bytes())?;
        start = i + c.len_utf8();
    }
    w.write_all(&text.as_bytes()[start..])
}

/// JSON text from serde_json with Go's escapes of `<`, `>`, `&`, U+2028 and
/// U+2029 applied (they can only stand inside strings, so the text stays
/// valid JSON). Numbers keep serde_json's notation.
///
/// ```
/// use compose_spec::gocompat::json;
/// assert_eq!(json::escape_like_go(r#"{"a":"<&>"}"#), r#"{"a":"\u003c\u0026\u003e"}"#);
/// ```
pub fn escape_like_go(json_text: &str) -> String {
    let mut out = Vec::with_capacity(json_text.len());
    // Writing into a Vec cannot fail.
    let _ = write_html_escaped(&mut out, json_text);
    String::from_utf8(out).unwrap_or_default()
}

/// Go's text of a float64 in JSON: positional from 1e-6 up to 1e21
/// (shortest digits, no `.0`), else an exponent (`1e+21`, `1e-7`).
fn write_f64<W: ?Sized + Write>(w: &mut W, value: f64) -> io::Result<()> {
    let abs = value.abs();
    if abs == 0.0 || (1e-6..1e21).contains(&abs) {
        return write!(w, "{value}");
    }
    let s = format!("{value:e}");
    let (mant, exp) = s.split_once('e').unwrap_or((&s, "0"));
    let (sign, digits) = match exp.strip_prefix('-') {
        Some(d) => ('-', d),
        None => ('+', exp),
    };
    if sign == '+' && digits.len() < 2 {
        write!(w, "{mant}e+0{digits}")
    } else {
        write!(w, "{mant}e{sign}{digits}")
    }
}

/// A float32 widened to the float64 with float32's shortest decimal digits
/// (`0.3f32` becomes `0.3`, not `0.30000001192092896`), as Go's encoders
/// (`encoding/json`, go-yaml) print float32 values.
pub(crate) fn widen_f32(f: f32) -> f64 {
    f.to_string().parse().unwrap_or(f64::from(f))
}

/// Go's float64 JSON encoding as a serde number, for building a
/// `serde_json::Value` that prints like Go: integral values below 1e21
/// become integers (Go prints them without a fraction).
pub(crate) fn number(f: f64) -> serde_json::Number {
    if f.fract() == 0.0 && f.abs() < 1e21 {
        if f >= 0.0 && f < 2f64.powi(64) {
            return serde_json::Number::from(f as u64);
        }
        if f < 0.0 && f >= i64::MIN as f64 {
            return serde_json::Number::from(f as i64);
        }
    }
    serde_json::Number::from_f64(f).unwrap_or_else(|| serde_json::Number::from(0))
}

/// Go's float32 JSON encoding as a serde number: `2`, not `2.0`; `0.3`, not
/// `0.30000001192092896`.
pub(crate) fn number_f32(f: f32) -> serde_json::Number {
    number(widen_f32(f))
}

/// serde_json formatting as Go's `encoding/json`: strings with Go's
/// escapes, floats in Go's notation; layout from the inner formatter
/// (`CompactFormatter` for `json.Marshal`, a two-space `PrettyFormatter`
/// for `json.MarshalIndent(v, "", "  ")`).
#[derive(Default)]
pub struct Formatter<F> {
    layout: F,
}

impl<F> Formatter<F> {
    /// Go's encoding with `layout`'s whitespace.
    pub fn new(layout: F) -> Self {
        Formatter { layout }
    }
}

impl<F: serde_json::ser::Formatter> serde_json::ser::Formatter for Formatter<F> {
    fn write_f64<W: ?Sized + Write>(&mut self, w: &mut W, value: f64) -> io::Result<()> {
        write_f64(w, value)
    }
    fn write_f32<W: ?Sized + Write>(&mut self, w: &mut W, value: f32) -> io::Result<()> {
        write_f64(w, widen_f32(value))
    }
    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        w: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        write_html_escaped(w, fragment)
    }
    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.layout.begin_array(w)
    }
    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.layout.end_array(w)
    }
    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.layout.begin_array_value(w, first)
    }
    fn end_array_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.layout.end_array_value(w)
    }
    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.layout.begin_object(w)
    }
    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.layout.end_object(w)
    }
    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.layout.begin_object_key(w, first)
    }
    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.layout.begin_object_value(w)
    }
    fn end_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.layout.end_object_value(w)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_are_written_like_go() {
        let cases = [
            (2.0, "2"),
            (0.5, "0.5"),
            (1e-6, "0.000001"),
            (1.5e-7, "1.5e-7"),
            (1e20, "100000000000000000000"),
            (1e21, "1e+21"),
            (1.5e300, "1.5e+300"),
            (-0.0, "-0"),
        ];
        for (f, want) in cases {
            assert_eq!(to_string(&f), want, "{f}");
        }
        assert_eq!(to_string(&0.3f32), "0.3");
    }

    #[test]
    fn strings_are_escaped_like_go() {
        assert_eq!(
            to_string("<a href=\"x\">&\u{2028}\u{2029}é"),
            r#""\u003ca href=\"x\"\u003e\u0026\u2028\u2029é""#
        );
        assert_eq!(escape_like_go("[\"\u{2029}\"]"), r#"["\u2029"]"#);
    }

    #[test]
    fn pretty_is_two_space_indented() {
        let v = serde_json::json!({"a": [1, {}], "b": []});
        assert_eq!(
            to_string_pretty(&v),
            "{\n  \"a\": [\n    1,\n    {}\n  ],\n  \"b\": []\n}"
        );
    }

    #[test]
    fn numbers_for_values() {
        assert_eq!(number_f32(0.3).to_string(), "0.3");
        assert_eq!(number_f32(2.0).to_string(), "2");
        assert_eq!(number(-3.0).to_string(), "-3");
        assert_eq!(number(0.5).to_string(), "0.5");
    }
}
