//! Progress events: how the engine tells its caller what it is doing while it
//! pulls, builds and applies a plan, without printing (only the CLI prints).
//! The CLI renders them like compose (` Container demo-web-1  Started`); an
//! embedder may collect or ignore them.

use std::sync::Arc;

/// How an event's resource is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// In progress.
    Working,
    /// Finished.
    Done,
    /// Finished with a warning.
    Warning,
    /// Failed.
    Error,
    /// Not a change of state but one line of the resource's output (a
    /// builder's step output): `resource` is the service, `text` the line.
    Output,
}

/// A progress event: `Container demo-web-1  Started`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// `Container demo-web-1`, `Network demo_default`, ...; empty for a
    /// warning about the whole run.
    pub resource: String,
    /// Its status.
    pub status: Status,
    /// The word shown (`Creating`, `Started`, `Healthy`, ...), or the error.
    pub text: String,
    /// What is being done, between the resource and the word, when the
    /// resource alone does not say (`copy a to demo-web-1:/b`); mostly empty.
    /// A pull says its phase here, as compose does (`Pulling`, `Downloading`).
    pub details: String,
    /// The resource this one is a part of (a layer: the service whose image
    /// is pulled), empty for a resource of its own. A live display shows it
    /// under its parent.
    pub parent: String,
    /// Work done so far, in bytes (a layer's download), 0 when unknown.
    pub current: u64,
    /// The whole work, in bytes, 0 when unknown.
    pub total: u64,
    /// How far it is, 0 to 100.
    pub percent: u8,
}

impl Event {
    /// An event.
    pub fn new(resource: impl Into<String>, status: Status, text: impl Into<String>) -> Event {
        Event {
            resource: resource.into(),
            status,
            text: text.into(),
            details: String::new(),
            parent: String::new(),
            current: 0,
            total: 0,
            percent: 0,
        }
    }

    /// The event as a part of `parent` (a layer of the image a service pulls).
    pub fn with_parent(mut self, parent: impl Into<String>) -> Event {
        self.parent = parent.into();
        self
    }

    /// The event with how far its work is: `current` of `total` bytes and
    /// the percentage (clamped to 100).
    pub fn with_progress(mut self, current: u64, total: u64, percent: u8) -> Event {
        self.current = current;
        self.total = total;
        self.percent = percent.min(100);
        self
    }

    /// The event with `details` (compose's event text).
    pub fn with_details(mut self, details: impl Into<String>) -> Event {
        self.details = details.into();
        self
    }
}

/// A size as go-units' `HumanSize` writes it (decimal units, four
/// significant digits): `0B`, `512B`, `1.5kB`, `27.36MB`.
///
/// ```
/// use compose_engine::progress::human_size;
/// assert_eq!(human_size(0), "0B");
/// assert_eq!(human_size(1500), "1.5kB");
/// assert_eq!(human_size(27_361_234), "27.36MB");
/// assert_eq!(human_size(999_999), "1000kB");
/// ```
pub fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 9] = ["B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"];
    let mut size = bytes as f64;
    let mut i = 0;
    while size >= 1000.0 && i < UNITS.len() - 1 {
        size /= 1000.0;
        i += 1;
    }
    format!("{}{}", four_digits(size), UNITS[i])
}

/// Go's `%.4g` of a number below 1000 (no exponent needed).
fn four_digits(x: f64) -> String {
    if x == 0.0 {
        return "0".into();
    }
    let magnitude = x.abs().log10().floor() as i32;
    let decimals = (3 - magnitude).max(0) as usize;
    let s = format!("{x:.decimals$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// The engine's progress bar of a pull, as the docker CLI's
/// `JSONProgress.String` draws it for a wide output: `[=====>    ]  1.5MB/3MB`
/// (no bar without a total, nothing without counts).
///
/// ```
/// use compose_engine::progress::bar;
/// assert_eq!(bar(0, 0), "");
/// assert_eq!(bar(1500, 0), "   1.5kB");
/// assert!(bar(50, 100).starts_with("[=========================>"));
/// assert!(bar(50, 100).ends_with("]      50B/100B"));
/// ```
pub fn bar(current: u64, total: u64) -> String {
    if current == 0 && total == 0 {
        return String::new();
    }
    if total == 0 {
        return format!("{:>8}", human_size(current));
    }
    let done = ((current as f64 / total as f64 * 100.0) as usize / 2).min(50);
    let numbers = if current > total {
        format!("{:>8}", human_size(current))
    } else {
        format!("{:>8}/{}", human_size(current), human_size(total))
    };
    format!("[{}>{}] {numbers}", "=".repeat(done), " ".repeat(50 - done))
}

/// Sends each warning as an event without a resource (the CLI shows those
/// as compose's `WARN[0000]` lines).
pub fn warnings(sink: &Sink, warnings: &[String]) {
    for w in warnings {
        sink(Event::new("", Status::Warning, w.clone()));
    }
}

/// Where events go.
pub type Sink = Arc<dyn Fn(Event) + Send + Sync>;

/// A sink that drops every event.
pub fn discard() -> Sink {
    Arc::new(|_| {})
}
