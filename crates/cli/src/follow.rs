//! Containers' output as compose shows it, for `logs` and attached `up`: one
//! coloured `name  | ` prefix per container, line by line, following restarts.

use std::time::Duration;

use compose_engine::labels;
use compose_engine::runtime::{Container, ContainerState, LogChunk, LogOptions, Observe};
use futures_util::StreamExt;

use crate::output;

const COLORS: [&str; 12] = [
    "36", "33", "32", "35", "34", "96", "93", "92", "95", "94", "31", "91",
];

/// The name compose shows in log prefixes and "Attaching to": the container
/// name without the project (`web-1`), or a custom `container_name` as is.
pub fn log_name(c: &Container) -> String {
    let project = c.label(labels::PROJECT);
    let default = format!(
        "{project}-{}-{}",
        c.label(labels::SERVICE),
        c.label(labels::CONTAINER_NUMBER)
    );
    if c.name == default {
        c.name[project.len() + 1..].to_string()
    } else {
        c.name.clone()
    }
}

/// How each container's lines are prefixed.
#[derive(Debug, Clone, Copy)]
pub struct Prefixes {
    /// Pad names to this width.
    pub width: usize,
    /// Colour them.
    pub color: bool,
    /// No prefix at all (`--no-log-prefix`).
    pub none: bool,
}

impl Prefixes {
    /// Prefixes for `containers`, padded to the longest name.
    pub fn new(containers: &[Container], color: bool, none: bool) -> Prefixes {
        Prefixes {
            width: containers
                .iter()
                .map(|c| log_name(c).len())
                .max()
                .unwrap_or(0),
            color,
            none,
        }
    }

    /// The prefix of the `i`-th container.
    pub fn of(&self, c: &Container, i: usize) -> String {
        if self.none {
            return String::new();
        }
        let width = self.width;
        let p = format!("{:<width$}  | ", log_name(c));
        if self.color {
            format!("\x1b[{}m{p}\x1b[0m", COLORS[i % COLORS.len()])
        } else {
            p
        }
    }
}

/// Streams one container's output, line by line after `prefix`. With
/// `opts.follow`, re-attaches when the container restarts; with
/// `announce_exit`, says when it exits (`web-1 exited with code 0`).
/// Returns the exit code when the container exited (and `follow` was on).
pub async fn follow<O: Observe>(
    rt: &O,
    c: &Container,
    prefix: String,
    opts: LogOptions,
    announce_exit: bool,
) -> Option<i64> {
    follow_from(rt, c, prefix, opts, announce_exit, None)
        .await
        .0
}

/// Like [`follow`], showing with `opts.follow` only the lines written after
/// `after` (nanoseconds since the epoch), and returning, besides the exit
/// code, when the last line it saw was written. Followed lines are asked for
/// with their timestamps (shown only when `opts` asks for them): the engine's
/// `since` counts whole seconds, so a restart's re-attachment would repeat
/// what the container wrote earlier in that second; lines up to the last
/// one seen are dropped instead.
pub async fn follow_from<O: Observe>(
    rt: &O,
    c: &Container,
    prefix: String,
    mut opts: LogOptions,
    announce_exit: bool,
    after: Option<i64>,
) -> (Option<i64>, Option<i64>) {
    let name = log_name(c);
    let shown_timestamps = opts.timestamps;
    let began = now_nanos();
    let mut last: Option<i64> = after;
    if let Some(t) = after {
        opts.since = Some(t.div_euclid(1_000_000_000).to_string());
    }
    loop {
        let mut ask = opts.clone();
        ask.timestamps = opts.follow || shown_timestamps;
        let mut print = |line: &[u8]| {
            let line = if opts.follow {
                let space = line.iter().position(|&b| b == b' ').unwrap_or(line.len());
                let stamp = timestamp_nanos(&String::from_utf8_lossy(&line[..space]));
                if let Some(t) = stamp {
                    if last.is_some_and(|l| t <= l) {
                        return;
                    }
                    last = Some(t);
                }
                if shown_timestamps || stamp.is_none() {
                    line
                } else {
                    line.get(space + 1..).unwrap_or_default()
                }
            } else {
                line
            };
            let mut out = prefix.as_bytes().to_vec();
            out.extend_from_slice(line);
            if !line.ends_with(b"\n") {
                out.push(b'\n');
            }
            output::stdout_bytes(&out);
        };
        let mut stream = rt.logs(&c.id, &ask);
        let mut pending: Vec<u8> = Vec::new();
        while let Some(chunk) = stream.next().await {
            let bytes = match chunk {
                Ok(LogChunk::Stdout(b)) | Ok(LogChunk::Stderr(b)) => b,
                Err(_) => break,
            };
            pending.extend_from_slice(&bytes);
            while let Some(pos) = pending.iter().position(|&b| b == b'\n') {
                let line: Vec<u8> = pending.drain(..=pos).collect();
                print(&line);
            }
        }
        if !pending.is_empty() {
            print(&pending);
        }
        if !opts.follow {
            return (None, last);
        }
        // The stream ends when the container stops: follow a restart, if any.
        let mut restarted = false;
        for _ in 0..20 {
            match rt.inspect_container(&c.id).await {
                Ok(d) if matches!(d.state, ContainerState::Running) => {
                    restarted = true;
                    break;
                }
                Ok(d) if matches!(d.state, ContainerState::Restarting) => {}
                Ok(d) => {
                    if announce_exit {
                        output::stdout(&format!("{name} exited with code {}\n", d.exit_code));
                    }
                    return (Some(d.exit_code), last);
                }
                Err(_) => return (None, last),
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
        if !restarted {
            return (None, last);
        }
        // Again from the second of the last line seen (or of when following
        // began, when none was), the lines up to it dropped.
        let from = *last.get_or_insert(began);
        opts.since = Some(from.div_euclid(1_000_000_000).to_string());
        opts.tail = None;
    }
}

/// Nanoseconds since the epoch, now.
pub fn now_nanos() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as i64)
        .unwrap_or(0)
}

/// Nanoseconds since the epoch of a log line's RFC 3339 timestamp
/// (`2024-01-02T03:04:05.123456789Z`).
pub fn timestamp_nanos(stamp: &str) -> Option<i64> {
    let secs = compose_engine::report::rfc3339_secs(stamp)?;
    let frac = stamp
        .split_once('.')
        .map(|(_, f)| {
            f.chars()
                .take_while(char::is_ascii_digit)
                .collect::<String>()
        })
        .unwrap_or_default();
    let frac = format!("{frac:0<9}");
    Some(secs * 1_000_000_000 + frac[..9].parse::<i64>().ok()?)
}

#[cfg(test)]
mod tests {
    #[test]
    fn log_timestamps_to_nanoseconds() {
        assert_eq!(
            super::timestamp_nanos("1970-01-01T00:00:01.5Z"),
            Some(1_500_000_000)
        );
        assert_eq!(
            super::timestamp_nanos("1970-01-01T00:00:02.000000007Z"),
            Some(2_000_000_007)
        );
        assert_eq!(
            super::timestamp_nanos("1970-01-01T00:00:03Z"),
            Some(3_000_000_000)
        );
        assert_eq!(super::timestamp_nanos("talker"), None);
    }
}
