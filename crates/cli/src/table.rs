//! What the listing commands (`ls`, `images`, `volumes`, `stats`, `events`)
//! share to print as compose and the docker CLI do: Go's `tabwriter`
//! columns, go-units' sizes and durations, Go's `%g`, and local times.

/// Go's `tabwriter` (spaces, left-aligned) over tab-separated lines: every
/// cell but a line's last is padded to its column's widest cell plus
/// `padding`, at least `min_width`.
pub fn tabwrite(lines: &[String], min_width: usize, padding: usize) -> String {
    let rows: Vec<Vec<&str>> = lines.iter().map(|l| l.split('\t').collect()).collect();
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let mut widths = vec![min_width; cols];
    for r in &rows {
        for (i, c) in r.iter().enumerate().take(r.len().saturating_sub(1)) {
            widths[i] = widths[i].max(c.chars().count() + padding);
        }
    }
    let mut out = String::new();
    for r in &rows {
        for (i, c) in r.iter().enumerate() {
            out.push_str(c);
            if i + 1 < r.len() {
                out.extend(std::iter::repeat_n(' ', widths[i] - c.chars().count()));
            }
        }
        out.push('\n');
    }
    out
}

/// Go's `%.{prec}g` of a float.
pub fn go_g(v: f64, prec: usize) -> String {
    if v == 0.0 {
        return "0".to_string();
    }
    let prec = prec.max(1);
    let sci = format!("{:.*e}", prec - 1, v);
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let trim = |s: &str| -> String {
        if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            s.to_string()
        }
    };
    if exp < -4 || exp >= prec as i32 {
        let sign = if exp < 0 { '-' } else { '+' };
        format!("{}e{sign}{:02}", trim(mantissa), exp.abs())
    } else {
        let decimals = (prec as i32 - 1 - exp).max(0) as usize;
        trim(&format!("{v:.decimals$}"))
    }
}

fn custom_size(size: f64, prec: usize, base: f64, units: &[&str]) -> String {
    let mut size = size;
    let mut i = 0;
    while size >= base && i < units.len() - 1 {
        size /= base;
        i += 1;
    }
    format!("{}{}", go_g(size, prec), units[i])
}

/// go-units' `HumanSizeWithPrecision`: decimal units (`1.99MB`).
pub fn human_size(size: f64, prec: usize) -> String {
    custom_size(
        size,
        prec,
        1000.0,
        &["B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"],
    )
}

/// go-units' `BytesSize`: binary units, 4 significant digits (`1.5MiB`).
pub fn bytes_size(size: f64) -> String {
    custom_size(
        size,
        4,
        1024.0,
        &["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB", "YiB"],
    )
}

/// go-units' `HumanDuration` of a number of seconds.
pub fn human_duration(secs: i64) -> String {
    let minutes = secs / 60;
    // hours rounded as Go's `Duration.Round(time.Hour)`
    let hours = (secs + 1800) / 3600;
    match secs {
        s if s < 1 => "Less than a second".into(),
        1 => "1 second".into(),
        s if s < 60 => format!("{s} seconds"),
        _ if minutes == 1 => "About a minute".into(),
        _ if minutes < 60 => format!("{minutes} minutes"),
        _ if hours == 1 => "About an hour".into(),
        _ if hours < 48 => format!("{hours} hours"),
        _ if hours < 24 * 7 * 2 => format!("{} days", hours / 24),
        _ if hours < 24 * 30 * 2 => format!("{} weeks", hours / 24 / 7),
        _ if hours < 24 * 365 * 2 => format!("{} months", hours / 24 / 30),
        _ => format!("{} years", secs / 3600 / 24 / 365),
    }
}

pub use compose_engine::clock::{civil, now_secs};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_as_go_units_prints_them() {
        for (n, want) in [
            (0.0, "0B"),
            (999.0, "999B"),
            (1000.0, "1kB"),
            (1_985_472.0, "1.99MB"),
            (999_999.0, "1e+03kB"),
            (12_345.0, "12.3kB"),
        ] {
            assert_eq!(human_size(n, 3), want, "{n}");
        }
        assert_eq!(bytes_size(1_572_864.0), "1.5MiB");
        assert_eq!(bytes_size(8_202_240_000.0), "7.639GiB");
        assert_eq!(bytes_size(512.0), "512B");
    }

    #[test]
    fn durations_as_go_units_words_them() {
        for (s, want) in [
            (0, "Less than a second"),
            (1, "1 second"),
            (59, "59 seconds"),
            (60, "About a minute"),
            (17 * 60 + 5, "17 minutes"),
            (3600, "About an hour"),
            (5 * 3600, "5 hours"),
            (3 * 86400, "3 days"),
            (20 * 86400, "2 weeks"),
            (100 * 86400, "3 months"),
            (800 * 86400, "2 years"),
        ] {
            assert_eq!(human_duration(s), want, "{s}");
        }
    }

    #[test]
    fn columns_as_gos_tabwriter_pads_them() {
        let lines = vec![
            "NAME\tSTATUS\tFILES".to_string(),
            "p\trunning(3)\t/a".into(),
        ];
        assert_eq!(
            tabwrite(&lines, 20, 3),
            "NAME                STATUS              FILES\np                   running(3)          /a\n"
        );
    }
}
