//! The image every Docker-backed test runs: `hoist-test/busybox:latest`, built
//! `FROM scratch` from the host's static busybox (no registry is reachable).
//!
//! Shared by the test crates with `#[path = ".../tests/support/test_image.rs"] mod test_image;`.
//! Test binaries run concurrently (and from several checkouts), so the build
//! happens under a lock file in the temporary directory, and the image is
//! looked for again once the lock is held.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The test image.
pub const IMAGE: &str = "hoist-test/busybox:latest";

fn present() -> bool {
    Command::new("docker")
        .args(["image", "inspect", IMAGE])
        .output()
        .is_ok_and(|o| o.status.success())
}

/// A lock file created exclusively; removed on drop.
struct FileLock(PathBuf);

impl FileLock {
    fn acquire(path: &Path) -> Self {
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            match std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(path)
            {
                Ok(_) => return FileLock(path.to_path_buf()),
                Err(_) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(100))
                }
                // A stale lock from a killed run: take it over.
                Err(_) => return FileLock(path.to_path_buf()),
            }
        }
    }
}

impl Drop for FileLock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Builds [`IMAGE`] unless it is present; panics when it cannot.
pub fn ensure() {
    static BUILT: Mutex<bool> = Mutex::new(false);
    let mut built = BUILT.lock().unwrap_or_else(|e| e.into_inner());
    if *built || present() {
        *built = true;
        return;
    }
    let _lock = FileLock::acquire(&std::env::temp_dir().join("hoist-e2e-image.lock"));
    if !present() {
        let dir = tempfile::tempdir().unwrap();
        let busybox = ["/bin/busybox", "/usr/bin/busybox"]
            .into_iter()
            .find(|p| Path::new(p).exists())
            .expect(
                "busybox-static is needed to build the test image (apt-get install busybox-static)",
            );
        std::fs::copy(busybox, dir.path().join("busybox")).unwrap();
        std::fs::write(
            dir.path().join("Dockerfile"),
            "FROM scratch\nCOPY busybox /bin/busybox\nRUN [\"/bin/busybox\", \"--install\", \"-s\", \"/bin\"]\nCMD [\"sh\"]\n",
        )
        .unwrap();
        let status = Command::new("docker")
            .args(["build", "-q", "-t", IMAGE, "."])
            .env("DOCKER_BUILDKIT", "0")
            .current_dir(dir.path())
            .status()
            .unwrap();
        assert!(status.success(), "building {IMAGE} failed");
    }
    *built = true;
}
