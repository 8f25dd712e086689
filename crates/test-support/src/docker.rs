//! What every Docker-backed test needs: whether to run at all ([`engine_ready`],
//! [`skip_or_fail`]: without an engine a test says why and passes, unless
//! `HOIST_REQUIRE_DOCKER=1`, as in CI, makes that a failure), the image
//! the tests run, `hoist-test/busybox:latest`, built `FROM scratch` from the
//! host's static busybox (no registry is reachable), and small `docker` calls.
//!
//! Test binaries run concurrently (and from several checkouts), so the build
//! happens under a lock file in the temporary directory, and the image is
//! looked for again once the lock is held.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The test image.
pub const IMAGE: &str = "hoist-test/busybox:latest";

/// Whether `docker info` reaches an engine (asked once per process).
pub fn docker_up() -> bool {
    static UP: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *UP.get_or_init(|| {
        Command::new("docker")
            .args(["info", "--format", "{{.ServerVersion}}"])
            .output()
            .is_ok_and(|o| o.status.success())
    })
}

/// `what` cannot run because of `why`: panics when `HOIST_REQUIRE_DOCKER=1`,
/// else prints that it is skipped; returns `false` (for `if !... { return; }`).
pub fn skip_or_fail(what: &str, why: &str) -> bool {
    if std::env::var("HOIST_REQUIRE_DOCKER").as_deref() == Ok("1") {
        panic!("{what}: HOIST_REQUIRE_DOCKER=1 but {why}");
    }
    eprintln!("skipping {what}: {why} (set HOIST_REQUIRE_DOCKER=1 to fail instead)");
    false
}

/// Whether the Docker-backed test `what` can run: an engine answers (see
/// [`skip_or_fail`] when none does) and [`IMAGE`] is built.
pub fn engine_ready(what: &str) -> bool {
    if !docker_up() {
        return skip_or_fail(what, "`docker info` fails, no Docker engine");
    }
    ensure_image();
    true
}

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
pub fn ensure_image() {
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

/// `docker ARGS`: its stdout when it succeeds, else `None` (also when there is no `docker`).
pub fn docker_stdout(args: &[&str]) -> Option<String> {
    let out = Command::new("docker").args(args).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

/// `docker compose -p PROJECT down -v -t 0 --remove-orphans` in `dir`, for drop guards: the
/// outcome is ignored.
pub fn compose_down(project: &str, dir: &Path) {
    let _ = Command::new("docker")
        .args([
            "compose",
            "-p",
            project,
            "down",
            "-v",
            "-t",
            "0",
            "--remove-orphans",
        ])
        .current_dir(dir)
        .output();
}

/// Where the program `name` is: on `PATH`, else in `/usr/sbin` or `/sbin` (daemons such as
/// `sshd`, often not on a user's `PATH`).
pub fn which(name: &str) -> Option<PathBuf> {
    let paths = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&paths)
        .chain(["/usr/sbin".into(), "/sbin".into()])
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}

/// Makes `config` a docker configuration directory of the test's own in which `docker compose`
/// still works: the reference's plugin, found where the docker CLI looks for it, linked into its
/// `cli-plugins`. Whether the plugin was found.
pub fn docker_config_with_compose(config: &Path) -> bool {
    std::fs::create_dir_all(config.join("cli-plugins")).expect("the cli-plugins directory");
    let home = std::env::var("HOME").unwrap_or_default();
    let plugin = [
        format!("{home}/.docker/cli-plugins/docker-compose"),
        "/usr/local/lib/docker/cli-plugins/docker-compose".to_string(),
        "/usr/libexec/docker/cli-plugins/docker-compose".to_string(),
        "/usr/lib/docker/cli-plugins/docker-compose".to_string(),
    ]
    .into_iter()
    .map(PathBuf::from)
    .find(|p| p.exists());
    match plugin {
        Some(p) => {
            std::os::unix::fs::symlink(p, config.join("cli-plugins/docker-compose"))
                .expect("the compose plugin linked");
            true
        }
        None => false,
    }
}
