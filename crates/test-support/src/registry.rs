//! A throwaway image registry on loopback (`tests/registry.sh`: Debian's `docker-registry`,
//! plain HTTP on `127.0.0.1:PORT`, which the engine trusts without setup), stopped on drop.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::{free_port, repo_root, run};

/// A registry this test started.
pub struct Registry {
    port: u16,
    dir: PathBuf,
}

impl Registry {
    /// Starts a registry keeping its storage, configuration and log in `dir`, requiring the
    /// logins of `htpasswd` (bcrypt entries) when given. A port found free may be taken before
    /// the registry binds it, so a few are tried; panics when none works.
    pub fn start(dir: &Path, htpasswd: Option<&Path>) -> Registry {
        let mut last = None;
        for _ in 0..5 {
            let port = free_port();
            let mut cmd = Command::new("bash");
            cmd.arg(repo_root().join("tests/registry.sh"))
                .args(["start", &port.to_string()])
                .arg(dir);
            if let Some(h) = htpasswd {
                cmd.arg(h);
            }
            let what = match htpasswd {
                Some(_) => format!("tests/registry.sh start {port} (htpasswd)"),
                None => format!("tests/registry.sh start {port}"),
            };
            let r = run(cmd, what);
            if r.success() {
                return Registry {
                    port,
                    dir: dir.to_path_buf(),
                };
            }
            last = Some(r);
        }
        panic!("no registry: {}", last.expect("five tries").show());
    }

    /// [`Registry::start`] requiring the one login `user`/`password`: its htpasswd entry
    /// (bcrypt, by `htpasswd -Bbn`) written in `dir`.
    pub fn start_with_login(dir: &Path, user: &str, password: &str) -> Registry {
        let mut cmd = Command::new("htpasswd");
        cmd.args(["-Bbn", user, password]);
        let entry = run(cmd, "htpasswd -Bbn".to_string()).expect_ok();
        let htpasswd = dir.join("htpasswd");
        std::fs::write(&htpasswd, entry.stdout).expect("the htpasswd file");
        Registry::start(dir, Some(&htpasswd))
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// `127.0.0.1:PORT`, the registry part of image references.
    pub fn host(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// The tags the registry lists for `repository` (`hoist-e2e/app`), asked with `login`
    /// (user, password) when given; `Err` with the answer when it is not JSON. An unknown
    /// repository has none.
    pub fn tags(
        &self,
        repository: &str,
        login: Option<(&str, &str)>,
    ) -> Result<Vec<String>, String> {
        let url = format!("http://{}/v2/{repository}/tags/list", self.host());
        let mut cmd = Command::new("curl");
        cmd.arg("-s");
        if let Some((user, password)) = login {
            cmd.args(["-u", &format!("{user}:{password}")]);
        }
        cmd.arg(&url);
        let r = run(cmd, format!("curl {url}")).expect_ok();
        let v: serde_json::Value = serde_json::from_str(&r.stdout)
            .map_err(|e| format!("{url} answered {:?}: {e}", r.stdout))?;
        Ok(v["tags"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|t| t.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default())
    }
}

impl Drop for Registry {
    fn drop(&mut self) {
        let _ = Command::new("bash")
            .arg(repo_root().join("tests/registry.sh"))
            .args(["stop", &self.port.to_string()])
            .arg(&self.dir)
            .output();
    }
}

/// `docker login -u USER --password-stdin HOST` through `docker` (a `docker` command already
/// carrying the case's environment: its `DOCKER_CONFIG`, a credential helper on `PATH`), the
/// password written to its standard input; panics, with the output, when the login fails.
pub fn docker_login(mut docker: Command, host: &str, user: &str, password: &str) {
    use std::io::Write;
    use std::process::Stdio;
    docker.args(["login", "-u", user, "--password-stdin", host]);
    let mut child = docker
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("docker login");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(password.as_bytes())
        .expect("the password to docker login");
    let out = child.wait_with_output().expect("docker login");
    assert!(
        out.status.success(),
        "docker login: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
