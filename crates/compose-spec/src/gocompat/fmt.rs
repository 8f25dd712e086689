//! Go's `fmt.Sprint` (`%v`) of the values YAML decoding gives compose-go.
//!
//! compose-go turns decoded values into text with `fmt.Sprint` in many
//! places — `KEY=VALUE` lists built from mappings, map values of string maps,
//! list items used as keys, values in messages — so a float prints as Go's
//! shortest `%g` (`1e+06`, `0.0001`), `null` as `<nil>`, a mapping as
//! `map[a:b]`.

use crate::node::{Node, Resolved, Value};

/// Go's `fmt.Sprint` of a float64 (`%v`: `%g` with the shortest digits that
/// read back as `f`, an exponent from 1e+06 on and below 1e-04).
pub(crate) fn sprint_float(f: f64) -> String {
    if f.is_nan() {
        return "NaN".to_string();
    }
    if f.is_infinite() {
        return if f > 0.0 { "+Inf" } else { "-Inf" }.to_string();
    }
    if f == 0.0 {
        return if f.is_sign_negative() { "-0" } else { "0" }.to_string();
    }
    let (digits, exp) = shortest_digits(f);
    let sign = if f < 0.0 { "-" } else { "" };
    if !(-4..6).contains(&exp) {
        let mut s = String::from(sign);
        s.push_str(&digits[..1]);
        if digits.len() > 1 {
            s.push('.');
            s.push_str(&digits[1..]);
        }
        s.push('e');
        s.push(if exp < 0 { '-' } else { '+' });
        let e = exp.unsigned_abs();
        if e < 10 {
            s.push('0');
        }
        s.push_str(&e.to_string());
        s
    } else {
        format!("{sign}{}", place_point(&digits, exp))
    }
}

/// Decimal digits (no leading/trailing zeros) and decimal exponent of the
/// shortest representation that round-trips `f` (finite, non-zero).
fn shortest_digits(f: f64) -> (String, i32) {
    // Rust's `{:e}` prints the shortest round-trip digits: "1.2345e-7".
    let s = format!("{:e}", f.abs());
    let (mant, exp) = s.split_once('e').unwrap_or((&s, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits: String = mant.chars().filter(char::is_ascii_digit).collect();
    let digits = digits.trim_end_matches('0');
    let digits = if digits.is_empty() { "0" } else { digits };
    (digits.to_string(), exp)
}

/// Writes `d.ddd × 10^exp` in positional notation.
fn place_point(digits: &str, exp: i32) -> String {
    if exp < 0 {
        let zeros = "0".repeat((-exp - 1) as usize);
        format!("0.{zeros}{digits}")
    } else {
        let int_len = exp as usize + 1;
        if digits.len() <= int_len {
            format!("{digits}{}", "0".repeat(int_len - digits.len()))
        } else {
            format!("{}.{}", &digits[..int_len], &digits[int_len..])
        }
    }
}

/// Go's `fmt.Sprint` of a scalar as YAML decoding types it (`<nil>`,
/// `true`, `12`, `1.5`, the string itself); `None` for a mapping or a
/// sequence.
pub(crate) fn sprint_scalar(node: &Node) -> Option<String> {
    Some(match &node.value {
        Value::Null => "<nil>".to_string(),
        Value::Scalar(s) => match s.resolve() {
            Resolved::Null => "<nil>".to_string(),
            Resolved::Bool(b) => b.to_string(),
            Resolved::Int(i) => i.to_string(),
            Resolved::Float(f) => sprint_float(f),
            Resolved::Str(s) => s.to_string(),
        },
        Value::Seq(_) | Value::Map(_) => return None,
    })
}

/// Go's `fmt.Sprint` of a value decoded from YAML (`<nil>`, `map[a:b]`, `[x y]`...).
pub(crate) fn sprint(node: &Node) -> String {
    if let Some(s) = sprint_scalar(node) {
        return s;
    }
    match &node.value {
        Value::Seq(items) => {
            let parts: Vec<String> = items.iter().map(sprint).collect();
            format!("[{}]", parts.join(" "))
        }
        Value::Map(m) => {
            let mut parts: Vec<(&str, String)> =
                m.iter().map(|(k, v)| (k.as_str(), sprint(v))).collect();
            parts.sort_by(|a, b| a.0.cmp(b.0));
            let parts: Vec<String> = parts.into_iter().map(|(k, v)| format!("{k}:{v}")).collect();
            format!("map[{}]", parts.join(" "))
        }
        Value::Null | Value::Scalar(_) => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::span::Span;

    #[test]
    fn floats_print_like_go() {
        let cases = [
            (1.5, "1.5"),
            (1000.0, "1000"),
            (100000.0, "100000"),
            (123_456.0, "123456"),
            (1e6, "1e+06"),
            (1_234_567.0, "1.234567e+06"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (-2.5e-7, "-2.5e-07"),
            (-2.5e-10, "-2.5e-10"),
            (1e21, "1e+21"),
            (0.1, "0.1"),
            (100.25, "100.25"),
            (0.0, "0"),
            (-0.0, "-0"),
            (f64::INFINITY, "+Inf"),
            (f64::NEG_INFINITY, "-Inf"),
            (f64::NAN, "NaN"),
        ];
        for (f, want) in cases {
            assert_eq!(sprint_float(f), want, "{f}");
        }
    }

    #[test]
    fn values_print_like_go() {
        let s = Span::synthetic();
        let map = Node::map(
            [
                ("b".to_string(), Node::plain("1.0", s)),
                ("a".to_string(), Node::null(s)),
            ]
            .into_iter()
            .collect(),
            s,
        );
        assert_eq!(sprint(&map), "map[a:<nil> b:1]");
        let seq = Node::seq(vec![Node::plain("x", s), Node::plain("true", s)], s);
        assert_eq!(sprint(&seq), "[x true]");
        assert_eq!(sprint_scalar(&seq), None);
        assert_eq!(sprint(&Node::string("012", s)), "012");
        assert_eq!(sprint(&Node::plain("012", s)), "10");
    }
}
