//! `hoist events`: the project's container events as they happen.

use std::process::ExitCode;

use clap::Args;
use compose_engine::report::ProjectEvent;
use futures_util::StreamExt;

use crate::cli::Global;
use crate::output;
use crate::session::{block_on, interrupted, Need, Session};

/// Flags of `events`.
#[derive(Debug, Clone, Args)]
pub struct EventsArgs {
    /// Services (default: all)
    #[arg(add = crate::complete::service_names())]
    pub services: Vec<String>,
    /// Output events as a stream of json objects
    #[arg(long)]
    pub json: bool,
    /// Show all events created since timestamp
    #[arg(long)]
    pub since: Option<String>,
    /// Stream events until this timestamp
    #[arg(long)]
    pub until: Option<String>,
}

/// Runs `events`.
pub fn run(global: &Global, args: &EventsArgs) -> anyhow::Result<ExitCode> {
    let session = Session::load(global, &[], Need::FileOrName)?;
    block_on(async {
        let rt = session.observer()?;
        let mut events = compose_engine::report::events(
            &rt,
            &session.name,
            &args.services,
            args.since.clone().filter(|s| !s.is_empty()),
            args.until.clone().filter(|s| !s.is_empty()),
        );
        let print = async {
            while let Some(e) = events.next().await {
                let e = e?;
                output::stdout(&if args.json { json(&e) } else { text(&e) });
            }
            // The stream ends at `--until`: compose reports the end of the
            // engine's answer as an error (`EOF`, exit 1), and so does hoist.
            anyhow::bail!("EOF")
        };
        tokio::select! {
            r = print => r?,
            _ = interrupted() => {}
        }
        Ok(ExitCode::SUCCESS)
    })
}

/// compose's JSON line: `json.Marshal` of a map (keys sorted, `<>&` escaped), the time
/// in RFC 3339 with nanoseconds and the local offset.
fn json(e: &ProjectEvent) -> String {
    let v = serde_json::json!({
        "action": e.action,
        "attributes": e.attributes,
        "id": e.container,
        "service": e.service,
        "time": local_time(e.time_nano, true),
        "type": "container",
    });
    format!("{}\n", compose_spec::gocompat::json::to_string(&v))
}

/// compose's text line (`api.Event.String()` then `Println`: a blank line follows).
fn text(e: &ProjectEvent) -> String {
    let attrs: Vec<String> = e
        .attributes
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    format!(
        "{} container {} {} ({})\n\n",
        local_time(e.time_nano, false),
        e.action,
        e.container,
        attrs.join(", ")
    )
}

/// The local time of `nanos` since the epoch: `2006-01-02 15:04:05.000000`,
/// or RFC 3339 with nanoseconds (Go's `time.Time` JSON).
fn local_time(nanos: i64, rfc3339: bool) -> String {
    let secs = nanos.div_euclid(1_000_000_000);
    let frac = nanos.rem_euclid(1_000_000_000);
    let offset = local_offset(secs);
    let t = secs + offset;
    let (y, m, d, hh, mm, ss) = crate::table::civil(t);
    if !rfc3339 {
        return format!(
            "{y:04}-{m:02}-{d:02} {hh:02}:{mm:02}:{ss:02}.{:06}",
            frac / 1000
        );
    }
    let mut fraction = format!("{frac:09}");
    while fraction.ends_with('0') {
        fraction.pop();
    }
    let fraction = if fraction.is_empty() {
        String::new()
    } else {
        format!(".{fraction}")
    };
    let zone = if offset == 0 {
        "Z".to_string()
    } else {
        let sign = if offset < 0 { '-' } else { '+' };
        format!(
            "{sign}{:02}:{:02}",
            offset.abs() / 3600,
            offset.abs() % 3600 / 60
        )
    };
    format!("{y:04}-{m:02}-{d:02}T{hh:02}:{mm:02}:{ss:02}{fraction}{zone}")
}

/// The offset from UTC hoist prints times in: none (hoist reads no zone
/// database, so its times are UTC where compose's are local).
fn local_offset(_secs: i64) -> i64 {
    0
}
