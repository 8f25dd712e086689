//! Go's `strconv` parsers, as compose-go and go-yaml call them.
//!
//! go-yaml resolves a plain scalar as an integer with
//! `strconv.ParseInt(s, 0, 64)` (so `0x1f`, `0o17`, `017` and `0b11` are
//! integers), compose-go reads integers with `strconv.Atoi`, file modes with
//! `ParseInt(s, 8, 64)` and booleans with `strconv.ParseBool`; the emitter
//! asks the same questions to decide what must be quoted.

/// Go's `strconv.ParseUint(s, base, 64)` for base 0 or 2..=36; base 0 reads
/// a `0b`, `0o`, `0x` or bare `0` (octal) prefix. Underscores are not
/// accepted (go-yaml removes them before asking).
///
/// ```
/// use compose_spec::gocompat::strconv::parse_uint;
/// assert_eq!(parse_uint("0x1f", 0), Some(31));
/// assert_eq!(parse_uint("017", 0), Some(15));
/// assert_eq!(parse_uint("18446744073709551616", 10), None);
/// ```
pub fn parse_uint(s: &str, base: u32) -> Option<u64> {
    if s.is_empty() {
        return None;
    }
    let b = s.as_bytes();
    let (radix, digits) = if base == 0 {
        if b[0] == b'0' {
            match b.get(1).map(u8::to_ascii_lowercase) {
                Some(b'b') if b.len() >= 3 => (2, &b[2..]),
                Some(b'o') if b.len() >= 3 => (8, &b[2..]),
                Some(b'x') if b.len() >= 3 => (16, &b[2..]),
                _ => (8, &b[1..]),
            }
        } else {
            (10, b)
        }
    } else {
        (base, b)
    };
    let mut n: u64 = 0;
    for &c in digits {
        let d = char::from(c).to_digit(36)?;
        if d >= radix {
            return None;
        }
        n = n.checked_mul(u64::from(radix))?.checked_add(u64::from(d))?;
    }
    Some(n)
}

/// Go's `strconv.ParseInt(s, base, 64)`: an optional sign, then
/// [`parse_uint`]'s digits; `-9223372036854775808` fits, `9223372036854775808` does not.
///
/// ```
/// use compose_spec::gocompat::strconv::parse_int;
/// assert_eq!(parse_int("-0x10", 0), Some(-16));
/// assert_eq!(parse_int("+12", 10), Some(12));
/// assert_eq!(parse_int("0440", 8), Some(288));
/// assert_eq!(parse_int("1_000", 10), None);
/// ```
pub fn parse_int(s: &str, base: u32) -> Option<i64> {
    let (neg, rest) = match s.as_bytes().first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    let un = parse_uint(rest, base)?;
    const CUTOFF: u64 = 1 << 63;
    if neg {
        if un > CUTOFF {
            return None;
        }
        Some(0i64.wrapping_sub_unsigned(un))
    } else {
        i64::try_from(un).ok()
    }
}

/// Go's `strconv.Atoi(s)` (`ParseInt(s, 10, 64)` on 64-bit platforms).
pub fn atoi(s: &str) -> Option<i64> {
    parse_int(s, 10)
}

/// Go's `strconv.ParseBool`: `1`, `t`, `T`, `TRUE`, `true`, `True` and their
/// false counterparts — nothing else (no `yes`, no `TrUe`).
///
/// ```
/// use compose_spec::gocompat::strconv::parse_bool;
/// assert_eq!(parse_bool("T"), Some(true));
/// assert_eq!(parse_bool("yes"), None);
/// ```
pub fn parse_bool(s: &str) -> Option<bool> {
    match s {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

/// `strconv.ParseFloat(s, 64)` for the decimal forms compose-go's values
/// take (`1.5`, `.5`, `1e3`, `inf`, `nan`); a value out of range is an
/// error, and so is one with `_`.
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

/// `strconv.ParseFloat(s, 32)` like [`parse_float`], rounded once to float32.
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_like_go() {
        assert_eq!(parse_int("0", 0), Some(0));
        assert_eq!(parse_int("0b101", 0), Some(5));
        assert_eq!(parse_int("0o17", 0), Some(15));
        assert_eq!(parse_int("0O17", 0), Some(15));
        assert_eq!(parse_int("0x", 0), None);
        assert_eq!(parse_int("08", 0), None);
        assert_eq!(parse_int("-9223372036854775808", 0), Some(i64::MIN));
        assert_eq!(parse_int("9223372036854775808", 0), None);
        assert_eq!(parse_int("-", 10), None);
        assert_eq!(parse_int("", 10), None);
        assert_eq!(parse_int("12a", 10), None);
        assert_eq!(parse_int("777", 8), Some(511));
        assert_eq!(parse_int("8", 8), None);
        assert_eq!(parse_int("-1000000000000000000000", 8), Some(i64::MIN));
        assert_eq!(parse_uint("18446744073709551615", 10), Some(u64::MAX));
        assert_eq!(parse_uint("-1", 10), None);
        assert_eq!(atoi("-42"), Some(-42));
        assert_eq!(atoi(" 42"), None);
    }

    #[test]
    fn booleans_like_go() {
        for t in ["1", "t", "T", "TRUE", "true", "True"] {
            assert_eq!(parse_bool(t), Some(true), "{t}");
        }
        for f in ["0", "f", "F", "FALSE", "false", "False"] {
            assert_eq!(parse_bool(f), Some(false), "{f}");
        }
        for x in ["", "yes", "on", "TrUe", "2"] {
            assert_eq!(parse_bool(x), None, "{x}");
        }
    }

    #[test]
    fn floats() {
        assert_eq!(parse_float("1.5"), Some(1.5));
        assert_eq!(parse_float(".5"), Some(0.5));
        assert_eq!(parse_float("-inf"), Some(f64::NEG_INFINITY));
        assert_eq!(parse_float("1e400"), None);
        assert_eq!(parse_float("1_0"), None);
        assert_eq!(parse_float32("0.1"), Some(0.1f32));
    }
}
