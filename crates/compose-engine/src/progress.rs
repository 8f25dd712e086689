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
    pub details: String,
}

impl Event {
    /// An event.
    pub fn new(resource: impl Into<String>, status: Status, text: impl Into<String>) -> Event {
        Event {
            resource: resource.into(),
            status,
            text: text.into(),
            details: String::new(),
        }
    }

    /// The event with `details` (compose's event text).
    pub fn with_details(mut self, details: impl Into<String>) -> Event {
        self.details = details.into();
        self
    }
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
