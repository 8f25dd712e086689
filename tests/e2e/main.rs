//! End-to-end tests: the real `hoist` binary and the oracle (`docker compose`)
//! against the real Docker engine. Each test owns a uniquely named project
//! (`e2e-<case>-<pid>`) built from `fixtures/e2e/<fixture>/` and removes it on
//! drop. Without an engine each test prints a skip message and passes, unless
//! `HOIST_REQUIRE_DOCKER=1` (CI), where it fails.
//!
//! The image `hoist-test/busybox:latest` is built once from the host's static
//! busybox; nothing is ever pulled.

mod harness;

mod bridge;
mod buildkit;
mod commands;
mod compat;
mod cp;
mod cross;
mod depends;
mod down;
mod dryrun;
mod faults;
mod formats;
mod interactive;
mod interrupt;
mod lifecycle;
mod menu;
mod pane;
mod plan;
mod progress;
mod rolling;
mod scale;
mod switches;
mod top_port;
mod volumes;
mod watch;
