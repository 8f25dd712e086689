//! What hoist's test crates share (a dev-dependency only, never published):
//!
//! * whether a Docker-backed test runs: [`engine_ready`] / [`skip_or_fail`] — without an
//!   engine a test prints why and passes, unless `HOIST_REQUIRE_DOCKER=1` (CI) makes that a
//!   failure — and the test image [`IMAGE`], built from the host's static busybox
//!   ([`ensure_image`]; nothing is pulled);
//! * running a command and keeping its exit code, stdout and stderr: [`run`], [`wait_for`],
//!   [`Out`];
//! * the loopback image registry of `tests/registry.sh`: [`Registry`];
//! * where the conformance corpus is: [`corpus`];
//! * the checkout ([`repo_root`]), free ports and unique names.

mod command;
pub mod corpus;
mod docker;
mod registry;

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

pub use command::{run, wait_for, Out};
pub use docker::{
    compose_down, docker_config_with_compose, docker_stdout, docker_up, engine_ready, ensure_image,
    skip_or_fail, which, IMAGE,
};
pub use registry::{docker_login, Registry};

/// The root of the checkout.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("repository root")
}

/// A loopback port nobody listens on right now.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A number not handed out before in this process.
pub fn serial() -> usize {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    NEXT.fetch_add(1, Ordering::SeqCst)
}

/// `<prefix>-<what>-<pid>-<serial>`: a name unique to this process and call.
pub fn unique(prefix: &str, what: &str) -> String {
    format!("{prefix}-{what}-{}-{}", std::process::id(), serial())
}
