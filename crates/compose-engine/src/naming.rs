//! The separator compose puts between a project's and a service's name in
//! container names (`demo-web-1`), built images (`demo-web`), one-off
//! containers and link aliases: `-`, or `_` in compatibility mode
//! (`--compatibility`, `COMPOSE_COMPATIBILITY`), the names docker-compose v1
//! gave. Like compose's `api.Separator` it is one setting for the whole
//! process, chosen once when the project is loaded, before anything is
//! planned; everything that builds such a name asks [`separator`].

use std::sync::atomic::{AtomicBool, Ordering};

static COMPATIBILITY: AtomicBool = AtomicBool::new(false);

/// Turns compatibility mode on or off (the CLI, once the project is loaded).
pub fn set_compatibility(on: bool) {
    COMPATIBILITY.store(on, Ordering::Relaxed);
}

/// `-`, or `_` in compatibility mode.
pub fn separator() -> &'static str {
    if COMPATIBILITY.load(Ordering::Relaxed) {
        "_"
    } else {
        "-"
    }
}

/// The parts joined with the [`separator`].
pub fn join(parts: &[&str]) -> String {
    parts.join(separator())
}
