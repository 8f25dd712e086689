//! Calendar arithmetic in UTC, both ways (Howard Hinnant's `civil_from_days`
//! and `days_from_civil`), for the few places hoist writes or reads a date:
//! RFC 3339 times from the engine, `ps`/`events`/json progress timestamps,
//! and `publish`'s creation annotation. hoist reads no time-zone database,
//! so everything here is UTC; one copy, so the places agree.

/// Seconds since the Unix epoch, now (0 for a clock set before it).
pub fn now_secs() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// The UTC calendar date and time of `secs` since the Unix epoch:
/// (year, month, day, hour, minute, second).
pub fn civil(secs: i64) -> (i64, i64, i64, i64, i64, i64) {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d, rem / 3600, rem % 3600 / 60, rem % 60)
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
pub fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// `secs` after the Unix epoch as RFC 3339 in UTC (`2026-12-03T11:17:50Z`),
/// as Go's `time.Now().UTC().Format(time.RFC3339)` writes it.
pub fn rfc3339_utc(secs: i64) -> String {
    let (y, m, d, hh, mm, ss) = civil(secs);
    format!("{y:04}-{m:02}-{d:02}T{hh:02}:{mm:02}:{ss:02}Z")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_ways_agree() {
        for secs in [0, 951_782_400, 1_796_296_642, -86_400, 4_102_444_800] {
            let (y, m, d, hh, mm, ss) = civil(secs);
            assert_eq!(
                days_from_civil(y, m, d) * 86_400 + hh * 3600 + mm * 60 + ss,
                secs
            );
        }
        assert_eq!(civil(-1), (1969, 12, 31, 23, 59, 59));
    }

    #[test]
    fn times_in_rfc3339() {
        assert_eq!(rfc3339_utc(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339_utc(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339_utc(1_796_296_642), "2026-12-03T11:17:22Z");
    }
}
