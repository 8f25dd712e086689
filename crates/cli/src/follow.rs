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

/// Seconds since the epoch.
pub fn now_secs() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// Streams one container's output, line by line after `prefix`. With
/// `opts.follow`, re-attaches when the container restarts; with
/// `announce_exit`, says when it exits (`web-1 exited with code 0`).
/// Returns the exit code when the container exited (and `follow` was on).
pub async fn follow<O: Observe>(
    rt: &O,
    c: &Container,
    prefix: String,
    mut opts: LogOptions,
    announce_exit: bool,
) -> Option<i64> {
    let name = log_name(c);
    loop {
        let mut stream = rt.logs(&c.id, &opts);
        let mut pending: Vec<u8> = Vec::new();
        while let Some(chunk) = stream.next().await {
            let bytes = match chunk {
                Ok(LogChunk::Stdout(b)) | Ok(LogChunk::Stderr(b)) => b,
                Err(_) => break,
            };
            pending.extend_from_slice(&bytes);
            while let Some(pos) = pending.iter().position(|&b| b == b'\n') {
                let line: Vec<u8> = pending.drain(..=pos).collect();
                let mut out = prefix.as_bytes().to_vec();
                out.extend_from_slice(&line);
                output::stdout_bytes(&out);
            }
        }
        if !pending.is_empty() {
            let mut out = prefix.as_bytes().to_vec();
            out.extend_from_slice(&pending);
            out.push(b'\n');
            output::stdout_bytes(&out);
        }
        if !opts.follow {
            return None;
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
                    return Some(d.exit_code);
                }
                Err(_) => return None,
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
        if !restarted {
            return None;
        }
        opts.since = Some(now_secs().to_string());
        opts.tail = None;
    }
}
