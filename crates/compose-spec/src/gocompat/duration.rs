//! Go durations: `time.ParseDuration` (and go-str2duration's `d`/`w` units)
//! and `time.Duration.String`.
//!
//! compose-go reads every duration of the model (`healthcheck.interval`,
//! `stop_grace_period`, ...) with `github.com/xhit/go-str2duration/v2`, which
//! is Go's parser plus the units `d` (24h) and `w` (7d); the schema's
//! `duration` format checks with Go's own parser; `config` prints durations
//! with `Duration.String` (`1m30s`, `1.5ms`, `0s`); `docker logs --since`
//! takes a Go duration too.

/// Which grammar [`parse`] accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// Go's `time.ParseDuration`: units `ns`, `us` (`µs`, `μs`), `ms`, `s`, `m`, `h`.
    Go,
    /// go-str2duration v2's `ParseDuration`: Go's units plus `d` (24h) and `w` (7d).
    Str2duration,
}

/// Why a duration failed to parse; [`ParseError::go_message`] gives Go's error text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseError {
    /// `time: invalid duration "..."` (no digits, stray characters, overflow).
    Invalid,
    /// `time: missing unit in duration "..."`.
    MissingUnit,
    /// `time: unknown unit "..." in duration "..."`, with the unit as written.
    UnknownUnit(String),
}

impl ParseError {
    /// The error Go returns for `input`, e.g. `time: missing unit in duration "30"`.
    ///
    /// ```
    /// use compose_spec::gocompat::duration::{parse, Dialect};
    /// let e = parse("30", Dialect::Go).unwrap_err();
    /// assert_eq!(e.go_message("30"), r#"time: missing unit in duration "30""#);
    /// ```
    pub fn go_message(&self, input: &str) -> String {
        match self {
            ParseError::Invalid => format!("time: invalid duration \"{input}\""),
            ParseError::MissingUnit => format!("time: missing unit in duration \"{input}\""),
            ParseError::UnknownUnit(u) => {
                format!("time: unknown unit \"{u}\" in duration \"{input}\"")
            }
        }
    }
}

/// One nanosecond, the unit of the durations here.
pub const NANOSECOND: i64 = 1;
/// One microsecond in nanoseconds.
pub const MICROSECOND: i64 = 1_000 * NANOSECOND;
/// One millisecond in nanoseconds.
pub const MILLISECOND: i64 = 1_000 * MICROSECOND;
/// One second in nanoseconds.
pub const SECOND: i64 = 1_000 * MILLISECOND;
/// One minute in nanoseconds.
pub const MINUTE: i64 = 60 * SECOND;
/// One hour in nanoseconds.
pub const HOUR: i64 = 60 * MINUTE;

fn unit(u: &str, dialect: Dialect) -> Option<i64> {
    let days_weeks = dialect == Dialect::Str2duration;
    Some(match u {
        "ns" => NANOSECOND,
        // "µs" is U+00B5 (micro sign), "μs" U+03BC (Greek mu): Go accepts both.
        "us" | "\u{b5}s" | "\u{3bc}s" => MICROSECOND,
        "ms" => MILLISECOND,
        "s" => SECOND,
        "m" => MINUTE,
        "h" => HOUR,
        "d" if days_weeks => 24 * HOUR,
        "w" if days_weeks => 168 * HOUR,
        _ => return None,
    })
}

/// Parses a duration (`[-+]?([0-9]*(\.[0-9]*)?[a-zµμ]+)+`, or a bare `0`)
/// into nanoseconds, with the int64 arithmetic and overflow checks of
/// go-str2duration (which Go's parser shares for every value that fits).
///
/// ```
/// use compose_spec::gocompat::duration::{parse, Dialect, ParseError};
/// assert_eq!(parse("1m30.5s", Dialect::Go), Ok(90_500_000_000));
/// assert_eq!(parse("1d", Dialect::Str2duration), Ok(86_400_000_000_000));
/// assert_eq!(parse("1d", Dialect::Go), Err(ParseError::UnknownUnit("d".into())));
/// ```
pub fn parse(orig: &str, dialect: Dialect) -> Result<i64, ParseError> {
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
        return Err(ParseError::Invalid);
    }
    let mut d: i64 = 0;
    while !s.is_empty() {
        let b = s.as_bytes();
        if !(b[0] == b'.' || b[0].is_ascii_digit()) {
            return Err(ParseError::Invalid);
        }
        // [0-9]*
        let mut i = 0;
        let mut v: i64 = 0;
        while i < b.len() && b[i].is_ascii_digit() {
            v = v
                .checked_mul(10)
                .and_then(|x| x.checked_add(i64::from(b[i] - b'0')))
                .ok_or(ParseError::Invalid)?;
            i += 1;
        }
        let pre = i > 0;
        s = &s[i..];
        // (\.[0-9]*)? — digits past int64's precision are dropped, as in Go.
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
            return Err(ParseError::Invalid);
        }
        // The unit runs up to the next '.' or digit (both ASCII, so a char boundary).
        let b = s.as_bytes();
        let mut k = 0;
        while k < b.len() && !(b[k] == b'.' || b[k].is_ascii_digit()) {
            k += 1;
        }
        if k == 0 {
            return Err(ParseError::MissingUnit);
        }
        let u = &s[..k];
        s = &s[k..];
        let Some(unit) = unit(u, dialect) else {
            return Err(ParseError::UnknownUnit(u.to_string()));
        };
        if v > i64::MAX / unit {
            return Err(ParseError::Invalid);
        }
        v *= unit;
        if f > 0 {
            // Go truncates the float product toward zero, as `as` does here.
            v = v.wrapping_add((f as f64 * (unit as f64 / scale)) as i64);
            if v < 0 {
                return Err(ParseError::Invalid);
            }
        }
        d = d.wrapping_add(v);
        if d < 0 {
            return Err(ParseError::Invalid);
        }
    }
    Ok(if neg { -d } else { d })
}

/// Go's `time.Duration.String()` of `nanos`: `1h2m3.5s`, `1.5ms`, `1.5µs`, `0s`.
///
/// ```
/// use compose_spec::gocompat::duration::{format, HOUR, SECOND};
/// assert_eq!(format(90 * SECOND), "1m30s");
/// assert_eq!(format(24 * HOUR), "24h0m0s");
/// assert_eq!(format(0), "0s");
/// ```
pub fn format(nanos: i64) -> String {
    if nanos == 0 {
        return "0s".to_string();
    }
    let neg = nanos < 0;
    let mut u = nanos.unsigned_abs();
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

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(s: &str) -> i64 {
        match parse(s, Dialect::Str2duration) {
            Ok(v) => v,
            Err(e) => panic!("{s}: {e:?}"),
        }
    }

    #[test]
    fn accepts_what_go_accepts() {
        assert_eq!(ok("1d"), 86_400_000_000_000);
        assert_eq!(ok("1w"), 7 * 86_400_000_000_000);
        assert_eq!(ok("1.5h"), 5_400_000_000_000);
        assert_eq!(ok("1.5ms"), 1_500_000);
        assert_eq!(ok("-1s"), -1_000_000_000);
        assert_eq!(ok("0"), 0);
        assert_eq!(ok("+0"), 0);
        assert_eq!(ok("10µs"), 10_000);
        assert_eq!(ok("10μs"), 10_000);
        assert_eq!(ok(".5s"), 500_000_000);
        assert_eq!(ok("1h30m"), 5_400_000_000_000);
        assert_eq!(ok("1m30.5s"), 90_500_000_000);
        assert_eq!(parse("1m30s", Dialect::Go), Ok(90 * SECOND));
    }

    #[test]
    fn rejects_what_go_rejects() {
        use ParseError::*;
        let p = |s| parse(s, Dialect::Str2duration);
        assert_eq!(p(""), Err(Invalid));
        assert_eq!(p("30"), Err(MissingUnit));
        assert_eq!(p("1h30"), Err(MissingUnit));
        assert_eq!(p("5."), Err(MissingUnit));
        assert_eq!(p("."), Err(Invalid));
        assert_eq!(p("1 s"), Err(UnknownUnit(" s".into())));
        assert_eq!(p("1e3s"), Err(UnknownUnit("e".into())));
        assert_eq!(p("1S"), Err(UnknownUnit("S".into())));
        assert_eq!(p("10x"), Err(UnknownUnit("x".into())));
        assert_eq!(p("99999999999h"), Err(Invalid));
        assert_eq!(p("9223372036854775808ns"), Err(Invalid));
        assert_eq!(p("abc"), Err(Invalid));
        assert_eq!(parse("1d", Dialect::Go), Err(UnknownUnit("d".into())));
        assert_eq!(parse("1w", Dialect::Go), Err(UnknownUnit("w".into())));
    }

    #[test]
    fn errors_read_like_go() {
        assert_eq!(
            ParseError::Invalid.go_message("x"),
            "time: invalid duration \"x\""
        );
        assert_eq!(
            ParseError::UnknownUnit("x".into()).go_message("1x"),
            "time: unknown unit \"x\" in duration \"1x\""
        );
    }

    #[test]
    fn formats_like_go() {
        assert_eq!(format(90 * SECOND), "1m30s");
        assert_eq!(format(HOUR), "1h0m0s");
        assert_eq!(format(24 * HOUR), "24h0m0s");
        assert_eq!(format(1_500_000), "1.5ms");
        assert_eq!(format(1_500), "1.5\u{b5}s");
        assert_eq!(format(15), "15ns");
        assert_eq!(format(1_500 * MILLISECOND), "1.5s");
        assert_eq!(format(-90 * SECOND), "-1m30s");
        assert_eq!(format(0), "0s");
        assert_eq!(format(i64::MIN), "-2562047h47m16.854775808s");
    }
}
