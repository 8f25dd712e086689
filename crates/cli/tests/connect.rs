//! Reaching the engine the ways the docker CLI does, and registry logins, for real and
//! side by side with `docker compose`, all on this machine:
//!
//! * TLS: `socat` with certificates made by `openssl` in front of the engine's socket, reached
//!   through a docker context (`docker context create … ca=,cert=,key=`, chosen by
//!   `currentContext` and by `DOCKER_CONTEXT`) and through
//!   `DOCKER_HOST` + `DOCKER_TLS_VERIFY` + `DOCKER_CERT_PATH`;
//! * ssh: `sshd` on loopback with a key made for the test, reached as `ssh://user@127.0.0.1:PORT`
//!   through `ssh … docker system dial-stdio`; `ssh` on `PATH` is a wrapper adding `-F` with the
//!   test's key and `known_hosts`, so the user's `~/.ssh` is never read or written;
//! * errors: an endpoint nobody answers names itself and where it came from, exit 1;
//! * credentials: a loopback `docker-registry` requiring a login (`tests/registry.sh` with an
//!   htpasswd file), `docker login` into a throwaway `DOCKER_CONFIG`, then push, pull, `up` and a
//!   build whose base image is there (`X-Registry-Config`), with plain `auths` and through the
//!   credential helper `tests/support/docker-credential-hoisttest` (`credsStore` and
//!   `credHelpers`); the password never shows in hoist's output.
//!
//! Every test uses its own temporary `DOCKER_CONFIG` (with a link to the `docker compose`
//! plugin) and unique names and ports; a drop guard stops the daemons it started, removes its
//! projects and images. Without an engine or a needed tool a test prints why and passes, unless
//! `HOIST_REQUIRE_DOCKER=1` (CI) makes that a failure.

use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use test_support::{free_port, repo_root, run, skip_or_fail, which, Out, Registry};

const HOIST: &str = env!("CARGO_BIN_EXE_hoist");

/// Variables that choose an endpoint or credentials: never inherited by the commands run here.
const CONNECTION_VARS: &[&str] = &[
    "DOCKER_HOST",
    "DOCKER_CONTEXT",
    "DOCKER_TLS_VERIFY",
    "DOCKER_TLS",
    "DOCKER_CERT_PATH",
    "DOCKER_AUTH_CONFIG",
    "DOCKER_CONFIG",
    "COMPOSE_FILE",
    "COMPOSE_PROJECT_NAME",
];

fn fixture(name: &str) -> PathBuf {
    repo_root()
        .join("fixtures/connect")
        .join(name)
        .join("compose.yaml")
}

fn unique(what: &str) -> String {
    test_support::unique("hoist-conn", what)
}

/// Whether a test needing `tools` can run (engine, test image, each tool); see the module doc.
fn ready(test: &str, tools: &[&str]) -> bool {
    for t in tools {
        if which(t).is_none() {
            return skip_or_fail(test, &format!("`{t}` is not installed"));
        }
    }
    test_support::engine_ready(test)
}

/// The engine's own socket, where the TLS proxy forwards to.
fn engine_socket() -> String {
    match std::env::var("DOCKER_HOST") {
        Ok(h) if h.starts_with("unix://") => h.trim_start_matches("unix://").to_string(),
        _ => "/var/run/docker.sock".to_string(),
    }
}

/// A daemon this test started; killed (by its own pid) on drop.
struct Daemon {
    child: Child,
    log: PathBuf,
}

impl Daemon {
    fn spawn(mut cmd: Command, log: PathBuf, port: u16, what: &str) -> Daemon {
        let file = std::fs::File::create(&log).unwrap();
        let child = cmd
            .stdin(Stdio::null())
            .stdout(file.try_clone().unwrap())
            .stderr(file)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {what}: {e}"));
        let mut d = Daemon { child, log };
        let deadline = Instant::now() + Duration::from_secs(10);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Ok(Some(status)) = d.child.try_wait() {
                panic!("{what} exited ({status}):\n{}", d.log_text());
            }
            assert!(
                Instant::now() < deadline,
                "{what} does not listen on {port}:\n{}",
                d.log_text()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        d
    }

    fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One test's throwaway docker configuration, environment and cleanup.
struct Case {
    dir: tempfile::TempDir,
    /// The `DOCKER_CONFIG` the commands get.
    config: PathBuf,
    env: Vec<(String, String)>,
    projects: Vec<String>,
    images: Vec<String>,
    /// Whether `docker compose` runs with this configuration.
    compose: bool,
}

impl Case {
    fn new() -> Case {
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("docker-config");
        // `docker compose` is a plugin of the user's configuration directory.
        let compose = test_support::docker_config_with_compose(&config);
        Case {
            dir,
            config,
            env: Vec::new(),
            projects: Vec::new(),
            images: Vec::new(),
            compose,
        }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn set(&mut self, k: &str, v: impl Into<String>) {
        self.env.retain(|(key, _)| key != k);
        self.env.push((k.to_string(), v.into()));
    }

    fn unset(&mut self, k: &str) {
        self.env.retain(|(key, _)| key != k);
    }

    fn command(&self, program: impl AsRef<std::ffi::OsStr>) -> Command {
        let mut cmd = Command::new(program);
        for k in CONNECTION_VARS {
            cmd.env_remove(k);
        }
        cmd.env("DOCKER_CONFIG", &self.config)
            .current_dir(self.path());
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        cmd
    }

    /// `hoist -f fixtures/connect/<fixture>/compose.yaml -p <project> <args>`.
    fn hoist(&self, fixture_name: &str, project: &str, args: &[&str]) -> Out {
        let mut cmd = self.command(HOIST);
        cmd.arg("-f")
            .arg(fixture(fixture_name))
            .args(["-p", project])
            .args(args);
        run(
            cmd,
            format!(
                "hoist {fixture_name} -p {project} {} {:?}",
                args.join(" "),
                self.env
            ),
        )
    }

    /// The same with the reference `docker compose`.
    fn compose(&self, fixture_name: &str, project: &str, args: &[&str]) -> Out {
        let mut cmd = self.command("docker");
        cmd.arg("compose")
            .arg("-f")
            .arg(fixture(fixture_name))
            .args(["-p", project])
            .args(args)
            .env("DOCKER_BUILDKIT", "0")
            .env("COMPOSE_BAKE", "false");
        run(
            cmd,
            format!(
                "docker compose {fixture_name} -p {project} {} {:?}",
                args.join(" "),
                self.env
            ),
        )
    }

    /// `docker <args>` with this case's configuration and environment.
    fn docker(&self, args: &[&str]) -> Out {
        let mut cmd = self.command("docker");
        cmd.args(args);
        run(cmd, format!("docker {} {:?}", args.join(" "), self.env))
    }

    fn project(&mut self, what: &str) -> String {
        let what: String = what
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_lowercase()
                } else {
                    '-'
                }
            })
            .collect();
        let p = unique(&what);
        self.projects.push(p.clone());
        p
    }

    /// Skips (or fails) the comparison with the reference when it cannot run here.
    fn compose_ready(&self, test: &str) -> bool {
        self.compose || skip_or_fail(test, "the docker compose plugin was not found")
    }
}

impl Drop for Case {
    fn drop(&mut self) {
        // With the engine's own socket and the user's configuration (the plugin's home).
        for p in &self.projects {
            test_support::compose_down(p, self.dir.path());
        }
        for image in &self.images {
            let _ = Command::new("docker")
                .args(["image", "rm", "-f", image])
                .output();
        }
    }
}

/// The state of the one container of `service` in `project`, seen on the engine's own socket.
fn running(project: &str, service: &str) -> bool {
    let out = Command::new("docker")
        .args([
            "ps",
            "-q",
            "--filter",
            &format!("label=com.docker.compose.project={project}"),
            "--filter",
            &format!("label=com.docker.compose.service={service}"),
        ])
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).lines().count() == 1
}

// ---------------------------------------------------------------------------------------------
// TLS

/// A CA, the engine proxy's certificate (127.0.0.1, localhost) and a client certificate.
struct Certs {
    dir: PathBuf,
}

impl Certs {
    fn make(dir: &Path) -> Certs {
        std::fs::create_dir_all(dir).unwrap();
        let openssl = |args: &[&str]| {
            let mut cmd = Command::new("openssl");
            cmd.args(args).current_dir(dir);
            run(cmd, format!("openssl {}", args.join(" "))).expect_ok();
        };
        let ca = |name: &str| {
            openssl(&[
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "2",
                "-keyout",
                &format!("{name}-key.pem"),
                "-out",
                &format!("{name}.pem"),
                "-subj",
                &format!("/CN=hoist test {name}"),
                "-addext",
                "basicConstraints=critical,CA:TRUE",
                "-addext",
                "keyUsage=critical,keyCertSign,cRLSign",
            ]);
        };
        ca("ca");
        ca("other-ca");
        let leaf = |name: &str, cn: &str, ext: &str| {
            std::fs::write(dir.join(format!("{name}.ext")), ext).unwrap();
            openssl(&[
                "req",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-keyout",
                &format!("{name}-key.pem"),
                "-out",
                &format!("{name}.csr"),
                "-subj",
                &format!("/CN={cn}"),
            ]);
            openssl(&[
                "x509",
                "-req",
                "-in",
                &format!("{name}.csr"),
                "-CA",
                "ca.pem",
                "-CAkey",
                "ca-key.pem",
                "-CAcreateserial",
                "-days",
                "2",
                "-out",
                &format!("{name}.pem"),
                "-extfile",
                &format!("{name}.ext"),
            ]);
        };
        leaf(
            "server",
            "localhost",
            "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n",
        );
        leaf(
            "client",
            "hoist-client",
            "extendedKeyUsage=clientAuth\nbasicConstraints=CA:FALSE\n",
        );
        Certs {
            dir: dir.to_path_buf(),
        }
    }

    fn file(&self, name: &str) -> String {
        self.dir.join(name).display().to_string()
    }

    /// A `DOCKER_CERT_PATH` directory: `ca.pem`, and `cert.pem` + `key.pem` when `client`.
    fn cert_path(&self, name: &str, ca: &str, client: bool) -> String {
        let d = self.dir.join(name);
        std::fs::create_dir_all(&d).unwrap();
        std::fs::copy(self.dir.join(ca), d.join("ca.pem")).unwrap();
        if client {
            std::fs::copy(self.dir.join("client.pem"), d.join("cert.pem")).unwrap();
            std::fs::copy(self.dir.join("client-key.pem"), d.join("key.pem")).unwrap();
        }
        d.display().to_string()
    }
}

/// `socat` terminating TLS (client certificate required) in front of the engine's socket.
fn tls_proxy(certs: &Certs, dir: &Path) -> (Daemon, u16) {
    let port = free_port();
    let mut cmd = Command::new("socat");
    cmd.args(["-d", "-d"])
        .arg(format!(
            "openssl-listen:{port},bind=127.0.0.1,reuseaddr,fork,cert={},key={},cafile={},verify=1",
            certs.file("server.pem"),
            certs.file("server-key.pem"),
            certs.file("ca.pem")
        ))
        .arg(format!("unix-connect:{}", engine_socket()));
    let d = Daemon::spawn(cmd, dir.join("socat.log"), port, "socat");
    (d, port)
}

/// How many connections the proxy took.
fn connections(proxy: &Daemon) -> usize {
    proxy.log_text().matches("accepting connection").count()
}

/// Runs a project through the current endpoint with hoist, checks it with both tools through
/// the same endpoint, and takes it down with hoist.
fn up_ps_down(case: &mut Case, test: &str, what: &str) {
    let p = case.project(what);
    case.hoist("simple", &p, &["up", "-d"]).expect_ok();
    assert!(running(&p, "web"), "hoist up through {what} runs web");
    let ps = case.hoist("simple", &p, &["ps"]).expect_ok();
    assert!(ps.stdout.contains(&format!("{p}-web-1")), "{}", ps.show());
    if case.compose_ready(test) {
        let ps = case
            .compose("simple", &p, &["ps", "--format", "{{.Name}} {{.State}}"])
            .expect_ok();
        assert!(
            ps.stdout.contains(&format!("{p}-web-1 running")),
            "the reference sees hoist's container through {what}: {}",
            ps.show()
        );
    }
    case.hoist("simple", &p, &["down", "-t", "0"]).expect_ok();
    assert!(!running(&p, "web"));
}

/// A build with a secret through the current endpoint: hoist's BuildKit session is opened over
/// the same transport; the secret reaches the build (read back through the local engine).
fn build_with_a_secret(case: &mut Case, what: &str) {
    let p = case.project(what);
    case.hoist("secret", &p, &["build"]).expect_ok();
    let image = format!("{p}-app");
    let out = std::process::Command::new("docker")
        .args(["run", "--rm", &image, "cat", "/from-secret"])
        .env_remove("DOCKER_HOST")
        .env_remove("DOCKER_CONTEXT")
        .output()
        .unwrap();
    let _ = std::process::Command::new("docker")
        .args(["rmi", "-f", &image])
        .env_remove("DOCKER_HOST")
        .env_remove("DOCKER_CONTEXT")
        .output();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "secret-through-the-endpoint",
        "the secret reached the build through {what}"
    );
}

#[test]
fn tls_through_a_context() {
    let test = "connect::tls_through_a_context";
    if !ready(test, &["openssl", "socat", "docker"]) {
        return;
    }
    let mut case = Case::new();
    let certs = Certs::make(&case.path().join("certs"));
    let (proxy, port) = tls_proxy(&certs, case.path());
    let name = unique("tls");
    let docker_arg = format!(
        "host=tcp://127.0.0.1:{port},ca={},cert={},key={}",
        certs.file("ca.pem"),
        certs.file("client.pem"),
        certs.file("client-key.pem")
    );
    case.docker(&["context", "create", &name, "--docker", &docker_arg])
        .expect_ok();
    // A context whose CA did not sign the proxy's certificate.
    let wrong = unique("tls-wrong-ca");
    let wrong_arg = format!(
        "host=tcp://127.0.0.1:{port},ca={},cert={},key={}",
        certs.file("other-ca.pem"),
        certs.file("client.pem"),
        certs.file("client-key.pem")
    );
    case.docker(&["context", "create", &wrong, "--docker", &wrong_arg])
        .expect_ok();

    // Chosen by DOCKER_CONTEXT.
    case.set("DOCKER_CONTEXT", &name);
    let before = connections(&proxy);
    up_ps_down(&mut case, test, "DOCKER_CONTEXT");
    assert!(
        connections(&proxy) > before,
        "the requests went through the TLS proxy"
    );

    build_with_a_secret(&mut case, "tls build");

    // Chosen as the current context of config.json (`docker context use`).
    case.unset("DOCKER_CONTEXT");
    case.docker(&["context", "use", &name]).expect_ok();
    let before = connections(&proxy);
    up_ps_down(&mut case, test, "currentContext");
    assert!(
        connections(&proxy) > before,
        "the requests went through the TLS proxy"
    );

    // The wrong CA: refused, and the error names the endpoint, the context and the file.
    case.docker(&["context", "use", &wrong]).expect_ok();
    let p = case.project("wrong-ca");
    let r = case.hoist("simple", &p, &["ps"]).expect_code(1);
    let config = case.config.join("config.json");
    let expected = format!(
        "tcp://127.0.0.1:{port} (from context \"{wrong}\" in {}",
        config.display()
    );
    assert!(
        r.stderr.contains(&expected),
        "expected {expected:?}:\n{}",
        r.show()
    );
    assert!(r.stderr.contains("TLS"), "{}", r.show());
    if case.compose_ready(test) {
        let c = case.compose("simple", &p, &["ps"]);
        assert!(
            !c.success(),
            "the reference refuses the wrong CA too: {}",
            c.show()
        );
    }
}

#[test]
fn tls_through_docker_host_and_cert_path() {
    let test = "connect::tls_through_docker_host_and_cert_path";
    if !ready(test, &["openssl", "socat", "docker"]) {
        return;
    }
    let mut case = Case::new();
    let certs = Certs::make(&case.path().join("certs"));
    let (proxy, port) = tls_proxy(&certs, case.path());
    let host = format!("tcp://127.0.0.1:{port}");
    let good = certs.cert_path("good", "ca.pem", true);
    case.set("DOCKER_HOST", &host);
    case.set("DOCKER_TLS_VERIFY", "1");
    case.set("DOCKER_CERT_PATH", &good);
    let before = connections(&proxy);
    up_ps_down(&mut case, test, "DOCKER_TLS_VERIFY");
    assert!(
        connections(&proxy) > before,
        "the requests went through the TLS proxy"
    );

    // No client certificate: the proxy refuses the handshake; the error says where it came from.
    let no_client = certs.cert_path("no-client", "ca.pem", false);
    case.set("DOCKER_CERT_PATH", &no_client);
    let p = case.project("no-client-cert");
    let r = case.hoist("simple", &p, &["ps"]).expect_code(1);
    let expected = format!(
        "{host} (from DOCKER_HOST, TLS with the certificates of DOCKER_CERT_PATH={no_client})"
    );
    assert!(
        r.stderr.contains(&expected),
        "expected {expected:?}:\n{}",
        r.show()
    );
    if case.compose_ready(test) {
        assert!(!case.compose("simple", &p, &["ps"]).success());
    }

    // Without DOCKER_TLS_VERIFY it is plain HTTP to a TLS port: refused, naming DOCKER_HOST.
    case.unset("DOCKER_TLS_VERIFY");
    case.unset("DOCKER_CERT_PATH");
    let r = case.hoist("simple", &p, &["ps"]).expect_code(1);
    assert!(
        r.stderr.contains(&format!("{host} (from DOCKER_HOST)")),
        "{}",
        r.show()
    );
    // DOCKER_TLS_VERIFY with no CA where it looks: says which file is missing.
    case.set("DOCKER_TLS_VERIFY", "1");
    case.set(
        "DOCKER_CERT_PATH",
        case.path().join("nowhere").display().to_string(),
    );
    let r = case.hoist("simple", &p, &["ps"]).expect_code(1);
    assert!(r.stderr.contains("nowhere/ca.pem"), "{}", r.show());
}

// ---------------------------------------------------------------------------------------------
// ssh

/// `sshd` on loopback accepting one key for the current user, and an `ssh` wrapper on `PATH`
/// that uses only the test's key and known_hosts.
struct Sshd {
    daemon: Daemon,
    port: u16,
    user: String,
}

fn sshd(case: &mut Case) -> Sshd {
    let d = case.path().join("ssh");
    std::fs::create_dir_all(&d).unwrap();
    let keygen = |file: &str| {
        let mut cmd = Command::new("ssh-keygen");
        cmd.args(["-q", "-t", "ed25519", "-N", "", "-f"])
            .arg(d.join(file));
        run(cmd, format!("ssh-keygen {file}")).expect_ok();
    };
    keygen("host_key");
    keygen("id");
    std::fs::copy(d.join("id.pub"), d.join("authorized_keys")).unwrap();
    let user = String::from_utf8(Command::new("id").arg("-un").output().unwrap().stdout)
        .unwrap()
        .trim()
        .to_string();
    let port = free_port();
    let p = |f: &str| d.join(f).display().to_string();
    std::fs::write(
        d.join("sshd_config"),
        format!(
            "Port {port}\nListenAddress 127.0.0.1\nHostKey {}\nAuthorizedKeysFile {}\nPidFile {}\n\
             PasswordAuthentication no\nKbdInteractiveAuthentication no\nPermitRootLogin prohibit-password\n\
             StrictModes no\nUsePAM no\nAllowUsers {user}\n",
            p("host_key"),
            p("authorized_keys"),
            p("sshd.pid")
        ),
    )
    .unwrap();
    let host_key = std::fs::read_to_string(d.join("host_key.pub")).unwrap();
    std::fs::write(
        d.join("known_hosts"),
        format!("[127.0.0.1]:{port} {host_key}"),
    )
    .unwrap();
    std::fs::write(
        d.join("ssh_config"),
        format!(
            "Host *\n  IdentityFile {}\n  IdentitiesOnly yes\n  UserKnownHostsFile {}\n  \
             GlobalKnownHostsFile /dev/null\n  StrictHostKeyChecking yes\n  BatchMode yes\n",
            p("id"),
            p("known_hosts")
        ),
    )
    .unwrap();
    let real_ssh = which("ssh").expect("ssh");
    let bin = d.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    std::fs::write(
        bin.join("ssh"),
        format!(
            "#!/bin/sh\nexec {} -F {} \"$@\"\n",
            real_ssh.display(),
            p("ssh_config")
        ),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(bin.join("ssh"), std::fs::Permissions::from_mode(0o755)).unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    case.set("PATH", path);
    // sshd's privilege separation directory.
    let _ = std::fs::create_dir_all("/run/sshd");
    let mut cmd = Command::new(which("sshd").expect("sshd"));
    cmd.args(["-D", "-e", "-f"]).arg(d.join("sshd_config"));
    let daemon = Daemon::spawn(cmd, d.join("sshd.log"), port, "sshd");
    Sshd { daemon, port, user }
}

#[test]
fn ssh_dial_stdio() {
    let test = "connect::ssh_dial_stdio";
    if !ready(test, &["sshd", "ssh", "ssh-keygen", "docker"]) {
        return;
    }
    let mut case = Case::new();
    let sshd = sshd(&mut case);
    let host = format!("ssh://{}@127.0.0.1:{}", sshd.user, sshd.port);
    case.set("DOCKER_HOST", &host);
    up_ps_down(&mut case, test, "ssh DOCKER_HOST");
    build_with_a_secret(&mut case, "ssh build");
    assert!(
        sshd.daemon.log_text().contains("Accepted publickey"),
        "the requests went through sshd:\n{}",
        sshd.daemon.log_text()
    );

    // The same host through a context.
    case.unset("DOCKER_HOST");
    let name = unique("ssh");
    case.docker(&[
        "context",
        "create",
        &name,
        "--docker",
        &format!("host={host}"),
    ])
    .expect_ok();
    case.set("DOCKER_CONTEXT", &name);
    up_ps_down(&mut case, test, "ssh context");

    // A user sshd refuses: ssh's own message, the endpoint and its source, exit 1.
    case.unset("DOCKER_CONTEXT");
    let refused = format!("ssh://nobody-hoist@127.0.0.1:{}", sshd.port);
    case.set("DOCKER_HOST", &refused);
    let p = case.project("ssh-refused");
    let r = case.hoist("simple", &p, &["ps"]).expect_code(1);
    assert!(
        r.stderr.contains(&format!("{refused} (from DOCKER_HOST)"))
            && r.stderr.contains("Permission denied"),
        "{}",
        r.show()
    );
    if case.compose_ready(test) {
        assert!(!case.compose("simple", &p, &["ps"]).success());
    }
}

// ---------------------------------------------------------------------------------------------
// Errors

#[test]
fn unreachable_endpoints_name_themselves_and_their_source() {
    let test = "connect::unreachable_endpoints_name_themselves_and_their_source";
    if !ready(test, &["docker"]) {
        return;
    }
    let mut case = Case::new();
    let port = free_port(); // nobody listens there
    let name = unique("dead");
    case.docker(&[
        "context",
        "create",
        &name,
        "--docker",
        &format!("host=tcp://127.0.0.1:{port}"),
    ])
    .expect_ok();
    case.docker(&["context", "use", &name]).expect_ok();
    let p = case.project("dead");
    let config = case.config.join("config.json");
    for args in [&["ps"][..], &["up", "-d"], &["down"]] {
        let r = case.hoist("simple", &p, args).expect_code(1);
        let expected = format!(
            "cannot reach the Docker engine: tcp://127.0.0.1:{port} (from context \"{name}\" in {}): ",
            config.display()
        );
        assert!(
            r.stderr.contains(&expected),
            "expected {expected:?}:\n{}",
            r.show()
        );
        assert!(
            r.stderr.contains(&format!("docker context inspect {name}")),
            "says what to check: {}",
            r.show()
        );
        assert!(!r.all().contains("panicked"), "{}", r.show());
    }
    if case.compose_ready(test) {
        assert!(!case.compose("simple", &p, &["ps"]).success());
    }

    // DOCKER_CONTEXT naming a context that does not exist.
    case.set("DOCKER_CONTEXT", "hoist-no-such-context");
    let r = case.hoist("simple", &p, &["ps"]).expect_code(1);
    assert!(
        r.stderr
            .contains("\"hoist-no-such-context\" does not exist")
            && r.stderr.contains("DOCKER_CONTEXT"),
        "{}",
        r.show()
    );
    // DOCKER_HOST wins over both, and is named.
    case.set("DOCKER_HOST", "unix:///nonexistent/hoist.sock");
    let r = case.hoist("simple", &p, &["ps"]).expect_code(1);
    assert!(
        r.stderr
            .contains("unix:///nonexistent/hoist.sock (from DOCKER_HOST)"),
        "{}",
        r.show()
    );
}

// ---------------------------------------------------------------------------------------------
// Registry credentials

/// The registry tests build from one Dockerfile: the classic builder shares the intermediate
/// image of its `ARG` step between them, and removing one test's image could remove it while
/// another builds on it. They take turns.
static REGISTRY_TESTS: Mutex<()> = Mutex::new(());

/// A loopback registry requiring `user`/`password`, stopped on drop.
struct AuthRegistry {
    registry: Registry,
    user: String,
    password: String,
}

impl AuthRegistry {
    fn start(case: &Case) -> AuthRegistry {
        let dir = case.path().join("registry");
        std::fs::create_dir_all(&dir).unwrap();
        let user = format!("hoist{}", std::process::id());
        // Characters that standard base64 of the auth JSON would turn into '+' and '/'.
        let password = format!("pw-{}>?~+/=", test_support::serial());
        AuthRegistry {
            registry: Registry::start_with_login(&dir, &user, &password),
            user,
            password,
        }
    }

    fn host(&self) -> String {
        self.registry.host()
    }

    /// The tags the registry holds for `hoist-auth/<repo>` (asked with the login; none when
    /// the answer is not JSON).
    fn tags(&self, repo: &str) -> Vec<String> {
        self.registry
            .tags(
                &format!("hoist-auth/{repo}"),
                Some((&self.user, &self.password)),
            )
            .unwrap_or_default()
    }

    /// `docker login` with this case's configuration (and helper, when configured).
    fn login(&self, case: &Case) {
        test_support::docker_login(
            case.command("docker"),
            &self.host(),
            &self.user,
            &self.password,
        );
    }

    /// Panics when the password shows anywhere in `r`'s output.
    fn assert_hidden(&self, r: &Out) {
        assert!(
            !r.all().contains(&self.password),
            "the password shows in the output of {}",
            r.what
        );
    }
}

fn image_present(image: &str) -> bool {
    Command::new("docker")
        .args(["image", "inspect", image])
        .output()
        .is_ok_and(|o| o.status.success())
}

fn remove_image(image: &str) {
    let _ = Command::new("docker")
        .args(["image", "rm", "-f", image])
        .output();
    assert!(!image_present(image), "{image} is removed");
}

/// Push, pull, `up` and a build on a base image of the registry, with the credentials `case`'s
/// configuration has after `docker login`; the reference pulls with the same configuration.
fn exercise_login(case: &mut Case, reg: &AuthRegistry, test: &str) {
    let repo = unique("app");
    let image = format!("{}/hoist-auth/{repo}:v1", reg.host());
    case.images.push(image.clone());
    case.set("REGISTRY", reg.host());
    case.set("REPO", &repo);
    let p = case.project("auth");

    let r = case.hoist("registry", &p, &["build"]).expect_ok();
    reg.assert_hidden(&r);
    let r = case.hoist("registry", &p, &["push"]).expect_ok();
    reg.assert_hidden(&r);
    assert_eq!(
        reg.tags(&repo),
        vec!["v1".to_string()],
        "hoist pushed with the login"
    );

    remove_image(&image);
    let r = case.hoist("registry", &p, &["pull"]).expect_ok();
    reg.assert_hidden(&r);
    assert!(image_present(&image), "hoist pulled with the login");

    if case.compose_ready(test) {
        remove_image(&image);
        case.compose("registry", &p, &["pull"]).expect_ok();
        assert!(
            image_present(&image),
            "the reference pulls with the same configuration"
        );
    }

    // `up` pulls the missing image (pull_policy missing) with the login.
    remove_image(&image);
    let r = case
        .hoist("registry", &p, &["up", "-d", "--no-build"])
        .expect_ok();
    reg.assert_hidden(&r);
    assert!(running(&p, "app"));
    case.hoist("registry", &p, &["down", "-t", "0"]).expect_ok();

    // A build whose base image must be pulled from the registry: BuildKit
    // (the default) asks for the login through its session and keeps the
    // base in its own cache; the classic builder gets it as X-Registry-Config
    // and stores the base image.
    remove_image(&image);
    let derived = format!("hoist-auth-derived-{repo}:v1");
    case.images.push(derived.clone());
    case.set("BASE", &image);
    let r = case.hoist("base", &p, &["build"]).expect_ok();
    reg.assert_hidden(&r);
    assert!(image_present(&derived), "BuildKit built {derived}");
    remove_image(&derived);
    case.set("DOCKER_BUILDKIT", "0");
    let r = case.hoist("base", &p, &["build"]).expect_ok();
    reg.assert_hidden(&r);
    assert!(image_present(&derived) && image_present(&image));
    case.unset("DOCKER_BUILDKIT");
}

#[test]
fn registry_login_in_the_config_file() {
    let test = "connect::registry_login_in_the_config_file";
    if !ready(test, &["docker-registry", "htpasswd", "curl", "docker"]) {
        return;
    }
    let _turn = REGISTRY_TESTS.lock().unwrap_or_else(|e| e.into_inner());
    let mut case = Case::new();
    let reg = AuthRegistry::start(&case);

    // Without a login both tools are refused.
    let repo = unique("anon");
    let image = format!("{}/hoist-auth/{repo}:v1", reg.host());
    case.images.push(image.clone());
    case.set("REGISTRY", reg.host());
    case.set("REPO", &repo);
    let p = case.project("anon");
    case.hoist("registry", &p, &["build"]).expect_ok();
    let r = case.hoist("registry", &p, &["push"]);
    assert!(!r.success(), "push without a login: {}", r.show());
    assert!(reg.tags(&repo).is_empty());
    // Put it there with the docker CLI, then pulls without a login fail.
    reg.login(&case);
    case.docker(&["push", &image]).expect_ok();
    std::fs::remove_file(case.config.join("config.json")).unwrap();
    remove_image(&image);
    let r = case.hoist("registry", &p, &["pull"]);
    assert!(!r.success(), "pull without a login: {}", r.show());
    assert!(
        r.all().contains("no basic auth credentials") || r.all().contains("unauthorized"),
        "{}",
        r.show()
    );
    if case.compose_ready(test) {
        assert!(
            !case.compose("registry", &p, &["pull"]).success(),
            "the reference is refused too"
        );
    }

    // `docker login` writes the password into config.json's auths.
    reg.login(&case);
    let config = std::fs::read_to_string(case.config.join("config.json")).unwrap();
    assert!(
        config.contains(&reg.host()) && config.contains("\"auth\""),
        "{config}"
    );
    exercise_login(&mut case, &reg, test);
}

#[test]
fn registry_login_through_a_credential_helper() {
    let test = "connect::registry_login_through_a_credential_helper";
    if !ready(
        test,
        &["docker-registry", "htpasswd", "curl", "jq", "docker"],
    ) {
        return;
    }
    let _turn = REGISTRY_TESTS.lock().unwrap_or_else(|e| e.into_inner());
    let mut case = Case::new();
    let reg = AuthRegistry::start(&case);
    let creds = case.path().join("helper-creds.json");
    case.set("HOIST_TEST_CREDS", creds.display().to_string());
    let path = format!(
        "{}:{}",
        repo_root().join("tests/support").display(),
        std::env::var("PATH").unwrap_or_default()
    );
    case.set("PATH", path);

    // credsStore: `docker login` stores through the helper, config.json holds no password.
    std::fs::write(
        case.config.join("config.json"),
        r#"{"credsStore": "hoisttest"}"#,
    )
    .unwrap();
    reg.login(&case);
    let config = std::fs::read_to_string(case.config.join("config.json")).unwrap();
    assert!(
        !config.contains(&reg.password) && !config.contains("\"auth\":"),
        "{config}"
    );
    assert!(std::fs::read_to_string(&creds).unwrap().contains(&reg.user));
    exercise_login(&mut case, &reg, test);
    let log = std::fs::read_to_string(format!("{}.log", creds.display())).unwrap();
    assert!(
        log.contains(&format!("get {}", reg.host())),
        "hoist asked the helper:\n{log}"
    );
    assert!(
        log.contains("list"),
        "the build asked for every credential:\n{log}"
    );

    // credHelpers: the helper for this registry only.
    std::fs::write(
        case.config.join("config.json"),
        format!(r#"{{"credHelpers": {{"{}": "hoisttest"}}}}"#, reg.host()),
    )
    .unwrap();
    let repo = case
        .env
        .iter()
        .find(|(k, _)| k == "REPO")
        .unwrap()
        .1
        .clone();
    let image = format!("{}/hoist-auth/{repo}:v1", reg.host());
    let p = case.project("helpers");
    remove_image(&image);
    let r = case.hoist("registry", &p, &["pull"]).expect_ok();
    reg.assert_hidden(&r);
    assert!(image_present(&image));
    if case.compose_ready(test) {
        remove_image(&image);
        case.compose("registry", &p, &["pull"]).expect_ok();
        assert!(image_present(&image));
    }
}
