//! Go's text conversions that leak into compose-go's output.
//!
//! compose-go turns values into text with Go's `fmt.Sprint`, parses sizes with
//! docker/go-units, durations with go-str2duration, commands with
//! go-shellwords, and prints durations with `time.Duration.String`. The model
//! must reproduce each of them byte for byte, so they live here, translated
//! from their documented behaviour.

use crate::node::{Node, Resolved, Value};

/// Go's `fmt.Sprint` of a float64 (`%v`, i.e. `%g` with the shortest digits
/// and an exponent from 1e+06 on or below 1e-04).
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
    let (neg, digits, exp) = shortest_digits(f);
    let sign = if neg { "-" } else { "" };
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
/// shortest representation that round-trips `f` (which must be finite, non-zero).
fn shortest_digits(f: f64) -> (bool, String, i32) {
    // Rust's `{:e}` prints the shortest round-trip digits: "1.2345e-7".
    let s = format!("{:e}", f.abs());
    let (mant, exp) = s.split_once('e').unwrap_or((&s, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits: String = mant.chars().filter(char::is_ascii_digit).collect();
    let digits = digits.trim_end_matches('0');
    let digits = if digits.is_empty() { "0" } else { digits };
    (f < 0.0, digits.to_string(), exp)
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

/// Go's `fmt.Sprint` of a value decoded from YAML (`<nil>`, `map[a:b]`, `[x y]`...).
pub(crate) fn sprint(node: &Node) -> String {
    match &node.value {
        Value::Null => "<nil>".to_string(),
        Value::Scalar(s) => match s.resolve() {
            Resolved::Null => "<nil>".to_string(),
            Resolved::Bool(b) => b.to_string(),
            Resolved::Int(i) => i.to_string(),
            Resolved::Float(f) => sprint_float(f),
            Resolved::Str(s) => s.to_string(),
        },
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
    }
}

/// Go's `strconv.ParseFloat(s, 64)` (decimal forms, `inf`, `nan`; out of range is an error).
pub(crate) fn parse_float(s: &str) -> Option<f64> {
    if s.contains('_') {
        return None;
    }
    let f: f64 = s.parse().ok()?;
    if f.is_infinite() && !s.to_ascii_lowercase().contains("inf") {
        return None;
    }
    Some(f)
}

/// Go's `strconv.ParseFloat(s, 32)`, rounded once to float32.
pub(crate) fn parse_float32(s: &str) -> Option<f32> {
    if s.contains('_') {
        return None;
    }
    let f: f32 = s.parse().ok()?;
    if f.is_infinite() && !s.to_ascii_lowercase().contains("inf") {
        return None;
    }
    Some(f)
}

/// Go's `strconv.ParseInt(s, 10, 64)` / `strconv.Atoi(s)`.
pub(crate) fn parse_int(s: &str) -> Option<i64> {
    s.parse().ok()
}

/// Go's `strconv.ParseInt(s, 8, 64)`.
pub(crate) fn parse_octal(s: &str) -> Option<i64> {
    let (neg, digits) = match s.as_bytes().first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    if digits.is_empty() || !digits.bytes().all(|b| (b'0'..=b'7').contains(&b)) {
        return None;
    }
    let v = i64::from_str_radix(digits, 8).ok()?;
    Some(if neg { -v } else { v })
}

/// compose-go's `toBoolean`: YAML 1.1 booleans, case-insensitive.
pub(crate) fn parse_bool(s: &str) -> Option<bool> {
    match s.to_ascii_lowercase().as_str() {
        "true" | "y" | "yes" | "on" => Some(true),
        "false" | "n" | "no" | "off" => Some(false),
        _ => None,
    }
}

/// docker/go-units `RAMInBytes`: `512m`, `1.5g`, `1024`, `10 KiB`...
pub(crate) fn ram_in_bytes(size: &str) -> Result<i64, String> {
    let invalid = || format!("invalid size: '{size}'");
    let sep = size
        .rfind(|c: char| c.is_ascii_digit() || c == '.' || c == ' ')
        .ok_or_else(invalid)?;
    let (num, sfx) = if size.as_bytes()[sep] != b' ' {
        (&size[..=sep], &size[sep + 1..])
    } else {
        (&size[..sep], &size[sep + 1..])
    };
    let mut value = parse_float(num).ok_or_else(|| format!("invalid size: '{size}'"))?;
    if value < 0.0 {
        return Err(invalid());
    }
    if sfx.is_empty() {
        return Ok(value as i64);
    }
    let bad = || format!("invalid suffix: '{}'", sfx.to_lowercase());
    if sfx.len() > 3 {
        return Err(bad());
    }
    let lower = sfx.to_ascii_lowercase();
    let b = lower.as_bytes();
    if b[0] == b'b' {
        if b.len() > 1 {
            return Err(bad());
        }
        return Ok(value as i64);
    }
    let mul: i64 = match b[0] {
        b'k' => 1 << 10,
        b'm' => 1 << 20,
        b'g' => 1 << 30,
        b't' => 1 << 40,
        b'p' => 1 << 50,
        _ => return Err(bad()),
    };
    value *= mul as f64;
    match b.len() {
        2 if b[1] != b'b' => return Err(bad()),
        3 if &b[1..] != b"ib" => return Err(bad()),
        _ => {}
    }
    Ok(value as i64)
}

const NANOSECOND: i64 = 1;
const MICROSECOND: i64 = 1_000 * NANOSECOND;
const MILLISECOND: i64 = 1_000 * MICROSECOND;
const SECOND: i64 = 1_000 * MILLISECOND;
const MINUTE: i64 = 60 * SECOND;
const HOUR: i64 = 60 * MINUTE;

/// go-str2duration `ParseDuration`: Go durations plus `d` (days) and `w` (weeks).
pub(crate) fn parse_duration(orig: &str) -> Result<i64, String> {
    let invalid = || format!("time: invalid duration \"{orig}\"");
    let mut s = orig;
    let mut neg = false;
    if let Some(c) = s.as_bytes().first() {
        if *c == b'-' || *c == b'+' {
            neg = *c == b'-';
            s = &s[1..];
        }
    }
    if s == "0" {
        return Ok(0);
    }
    if s.is_empty() {
        return Err(invalid());
    }
    let mut d: i64 = 0;
    while !s.is_empty() {
        let b = s.as_bytes();
        if !(b[0] == b'.' || b[0].is_ascii_digit()) {
            return Err(invalid());
        }
        // Leading integer.
        let mut i = 0;
        let mut v: i64 = 0;
        while i < b.len() && b[i].is_ascii_digit() {
            v = v
                .checked_mul(10)
                .and_then(|x| x.checked_add(i64::from(b[i] - b'0')))
                .ok_or_else(invalid)?;
            i += 1;
        }
        let pre = i > 0;
        s = &s[i..];
        // Fraction.
        let mut f: i64 = 0;
        let mut scale: f64 = 1.0;
        let mut post = false;
        if s.as_bytes().first() == Some(&b'.') {
            s = &s[1..];
            let b = s.as_bytes();
            let mut j = 0;
            let mut overflow = false;
            while j < b.len() && b[j].is_ascii_digit() {
                if !overflow {
                    match f
                        .checked_mul(10)
                        .and_then(|x| x.checked_add(i64::from(b[j] - b'0')))
                    {
                        Some(y) => {
                            f = y;
                            scale *= 10.0;
                        }
                        None => overflow = true,
                    }
                }
                j += 1;
            }
            post = j > 0;
            s = &s[j..];
        }
        if !pre && !post {
            return Err(invalid());
        }
        // Unit.
        let b = s.as_bytes();
        let mut k = 0;
        while k < b.len() && !(b[k] == b'.' || b[k].is_ascii_digit()) {
            k += 1;
        }
        if k == 0 {
            return Err(format!("time: missing unit in duration \"{orig}\""));
        }
        let u = &s[..k];
        s = &s[k..];
        let unit = match u {
            "ns" => NANOSECOND,
            "us" | "\u{b5}s" | "\u{3bc}s" => MICROSECOND,
            "ms" => MILLISECOND,
            "s" => SECOND,
            "m" => MINUTE,
            "h" => HOUR,
            "d" => 24 * HOUR,
            "w" => 168 * HOUR,
            _ => return Err(format!("time: unknown unit \"{u}\" in duration \"{orig}\"")),
        };
        if v > i64::MAX / unit {
            return Err(invalid());
        }
        v *= unit;
        if f > 0 {
            v = v.wrapping_add((f as f64 * (unit as f64 / scale)) as i64);
            if v < 0 {
                return Err(invalid());
            }
        }
        d = d.wrapping_add(v);
        if d < 0 {
            return Err(invalid());
        }
    }
    Ok(if neg { -d } else { d })
}

/// Go's `time.Duration.String()`: `1h2m3.5s`, `1.5ms`, `0s`.
pub(crate) fn format_duration(d: i64) -> String {
    if d == 0 {
        return "0s".to_string();
    }
    let neg = d < 0;
    let mut u = d.unsigned_abs();
    let mut out = String::new();
    if u < SECOND as u64 {
        let (prec, unit) = if u < MICROSECOND as u64 {
            (0, "ns")
        } else if u < MILLISECOND as u64 {
            (3, "\u{b5}s")
        } else {
            (6, "ms")
        };
        let (frac, rest) = fmt_frac(u, prec);
        out.push_str(&rest.to_string());
        out.push_str(&frac);
        out.push_str(unit);
    } else {
        let (frac, rest) = fmt_frac(u, 9);
        u = rest;
        let secs = u % 60;
        u /= 60;
        let mut s = format!("{secs}{frac}s");
        if u > 0 {
            let mins = u % 60;
            u /= 60;
            s = format!("{mins}m{s}");
            if u > 0 {
                s = format!("{u}h{s}");
            }
        }
        out = s;
    }
    if neg {
        format!("-{out}")
    } else {
        out
    }
}

/// The fraction `v / 10^prec` as `.123` (trailing zeros dropped, nothing when
/// zero) and the integer part.
fn fmt_frac(mut v: u64, prec: usize) -> (String, u64) {
    let mut digits = Vec::new();
    let mut print = false;
    for _ in 0..prec {
        let digit = (v % 10) as u8;
        print = print || digit != 0;
        if print {
            digits.push(b'0' + digit);
        }
        v /= 10;
    }
    if !print {
        return (String::new(), v);
    }
    digits.reverse();
    let mut s = String::from(".");
    s.push_str(&String::from_utf8_lossy(&digits));
    (s, v)
}

/// go-shellwords `Parse` with its defaults (no env expansion, no backticks):
/// splits on blanks, honours quotes and backslashes, stops at an unquoted
/// `;`, `&`, `|`, `<` or `>`.
pub(crate) fn shell_split(line: &str) -> Result<Vec<String>, String> {
    const INVALID: &str = "invalid command line string";
    #[derive(PartialEq)]
    enum Got {
        No,
        Single,
        Quoted,
    }
    let mut args = Vec::new();
    let mut buf = String::new();
    let (mut escaped, mut double_quoted, mut single_quoted, mut back_quote, mut dollar_quote) =
        (false, false, false, false, false);
    let mut got = Got::No;
    for r in line.chars() {
        if escaped {
            buf.push(r);
            escaped = false;
            got = Got::Single;
            continue;
        }
        if r == '\\' {
            if single_quoted {
                buf.push(r);
            } else {
                escaped = true;
            }
            continue;
        }
        if matches!(r, ' ' | '\t' | '\r' | '\n') {
            if single_quoted || double_quoted || back_quote || dollar_quote {
                buf.push(r);
            } else if got != Got::No {
                args.push(std::mem::take(&mut buf));
                got = Got::No;
            }
            continue;
        }
        match r {
            '`' if !single_quoted && !double_quoted && !dollar_quote => {
                back_quote = !back_quote;
            }
            ')' if !single_quoted && !double_quoted && !back_quote => {
                dollar_quote = !dollar_quote;
            }
            '(' if !single_quoted && !double_quoted && !back_quote => {
                if !dollar_quote && buf.ends_with('$') {
                    dollar_quote = true;
                    buf.push('(');
                    continue;
                }
                return Err(INVALID.to_string());
            }
            '"' if !single_quoted && !dollar_quote => {
                if double_quoted {
                    got = Got::Quoted;
                }
                double_quoted = !double_quoted;
                continue;
            }
            '\'' if !double_quoted && !dollar_quote => {
                if single_quoted {
                    got = Got::Quoted;
                }
                single_quoted = !single_quoted;
                continue;
            }
            ';' | '&' | '|' | '<' | '>'
                if !(single_quoted || double_quoted || back_quote || dollar_quote) =>
            {
                if r == '>' && buf.as_bytes().first().is_some_and(u8::is_ascii_digit) {
                    got = Got::No;
                }
                break;
            }
            _ => {}
        }
        got = Got::Single;
        buf.push(r);
    }
    if got != Got::No {
        args.push(buf);
    }
    if escaped || single_quoted || double_quoted || back_quote || dollar_quote {
        return Err(INVALID.to_string());
    }
    Ok(args)
}

/// Go's float32 JSON encoding, as a number serde can reproduce: integral
/// values become integers (`2`, not `2.0`), others the shortest decimal that
/// round-trips the float32 (`0.3`, not `0.30000001192092896`).
pub(crate) fn f32_json_number(f: f32) -> serde_json::Number {
    let wide: f64 = f.to_string().parse().unwrap_or(f64::from(f));
    f64_json_number(wide)
}

/// Go's float64 JSON encoding, as a serde number (integral values below 1e21
/// print without a fraction in Go, so they become integers here).
pub(crate) fn f64_json_number(f: f64) -> serde_json::Number {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sprint_float_like_go() {
        assert_eq!(sprint_float(1.5), "1.5");
        assert_eq!(sprint_float(1000.0), "1000");
        assert_eq!(sprint_float(1_000_000.0), "1e+06");
        assert_eq!(sprint_float(123_456.0), "123456");
        assert_eq!(sprint_float(1_234_567.0), "1.234567e+06");
        assert_eq!(sprint_float(0.0001), "0.0001");
        assert_eq!(sprint_float(0.00001), "1e-05");
        assert_eq!(sprint_float(-2.5e-10), "-2.5e-10");
        assert_eq!(sprint_float(1e21), "1e+21");
        assert_eq!(sprint_float(0.1), "0.1");
        assert_eq!(sprint_float(100.25), "100.25");
    }

    #[test]
    fn durations_like_go() {
        assert_eq!(parse_duration("1m30s"), Ok(90 * SECOND));
        assert_eq!(parse_duration("1d"), Ok(24 * HOUR));
        assert_eq!(parse_duration("1.5ms"), Ok(1_500_000));
        assert_eq!(parse_duration("0"), Ok(0));
        assert!(parse_duration("30").is_err());
        assert!(parse_duration("").is_err());
        assert!(parse_duration("1x").is_err());
        assert_eq!(format_duration(90 * SECOND), "1m30s");
        assert_eq!(format_duration(HOUR), "1h0m0s");
        assert_eq!(format_duration(24 * HOUR), "24h0m0s");
        assert_eq!(format_duration(1_500_000), "1.5ms");
        assert_eq!(format_duration(1_500), "1.5\u{b5}s");
        assert_eq!(format_duration(15), "15ns");
        assert_eq!(format_duration(1_500 * MILLISECOND), "1.5s");
        assert_eq!(format_duration(-90 * SECOND), "-1m30s");
        assert_eq!(format_duration(0), "0s");
    }

    #[test]
    fn sizes_like_go_units() {
        assert_eq!(ram_in_bytes("1g"), Ok(1 << 30));
        assert_eq!(ram_in_bytes("512m"), Ok(512 << 20));
        assert_eq!(ram_in_bytes("1.5k"), Ok(1536));
        assert_eq!(ram_in_bytes("12mb"), Ok(12 << 20));
        assert_eq!(ram_in_bytes("10 KiB"), Ok(10 << 10));
        assert_eq!(ram_in_bytes("1024"), Ok(1024));
        assert_eq!(ram_in_bytes("1b"), Ok(1));
        assert!(ram_in_bytes("1x").is_err());
        assert!(ram_in_bytes("abc").is_err());
        assert!(ram_in_bytes("-1").is_err());
        assert!(ram_in_bytes("").is_err());
        assert!(ram_in_bytes("1kbb").is_err());
    }

    #[test]
    fn shellwords_like_go() {
        assert_eq!(
            shell_split(r#"echo "a b" 'c d' x\ y; echo b"#).unwrap(),
            vec!["echo", "a b", "c d", "x y"]
        );
        assert_eq!(shell_split("").unwrap(), Vec::<String>::new());
        assert_eq!(shell_split("a ''").unwrap(), vec!["a", ""]);
        assert!(shell_split("echo 'a").is_err());
        assert!(shell_split("echo (a)").is_err());
        assert_eq!(
            shell_split("echo $(date)").unwrap(),
            vec!["echo", "$(date)"]
        );
    }

    #[test]
    fn json_numbers() {
        assert_eq!(f32_json_number(0.3).to_string(), "0.3");
        assert_eq!(f32_json_number(2.0).to_string(), "2");
        assert_eq!(f64_json_number(-3.0).to_string(), "-3");
    }
}
