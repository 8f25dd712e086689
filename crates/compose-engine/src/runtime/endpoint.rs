//! Which engine to talk to, resolved as the docker CLI (v28) resolves it, and
//! where that choice came from, so that a failure can say so.
//!
//! The context name is, in order: the caller's `context` (a `--context`
//! flag), `default` when the caller gives a host or `DOCKER_HOST` is set,
//! `DOCKER_CONTEXT`, the `currentContext` of `config.json`, else `default`.
//!
//! * The `default` context is the host given or `DOCKER_HOST` (normalised as
//!   the docker CLI does: `tcp://host` gets port 2375, nothing at all is
//!   `unix:///var/run/docker.sock`, or `tcp://localhost:2376` with TLS), and
//!   TLS when `DOCKER_TLS_VERIFY` (verify) or `DOCKER_TLS` (no verify) is set
//!   to anything: `ca.pem` (required), `cert.pem` and `key.pem` (when present)
//!   in `DOCKER_CERT_PATH`, else in the configuration directory.
//! * Any other context is read from the context store: the endpoint `docker`
//!   of `<config dir>/contexts/meta/<sha256 of the name>/meta.json` (`Host`,
//!   `SkipTLSVerify`), its TLS material from
//!   `<config dir>/contexts/tls/<sha256 of the name>/docker/{ca,cert,key}.pem`.
//!
//! TLS applies to `tcp://` hosts only; sockets and `ssh://` ignore it. An
//! `ssh://[user@]host[:port][/socket]` host is reached by running
//! `ssh [-l user] [-p port] -o ConnectTimeout=30 -T -- host docker system dial-stdio`
//! ([`SshSpec::command`]), as the docker CLI's connection helper does.

use std::fmt;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::dockerconfig::{field, string_field, ConfigFile, Env};

/// The unix socket used when nothing else is configured.
pub const DEFAULT_UNIX_HOST: &str = "unix:///var/run/docker.sock";
const DEFAULT_TCP_PORT: &str = "2375";
const DEFAULT_TLS_HOST: &str = "tcp://localhost:2376";

/// What the caller chose on its command line (hoist has no such flags yet;
/// `docker compose` gets them from `docker --host/--context`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConnectOptions {
    /// `--host`.
    pub host: Option<String>,
    /// `--context`.
    pub context: Option<String>,
}

/// How a context was chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContextChoice {
    /// The caller's `context` option.
    Option,
    /// `DOCKER_CONTEXT`.
    Variable,
    /// `currentContext` in this `config.json`.
    ConfigFile(PathBuf),
}

/// Where an endpoint came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// Given by the caller (`--host`, [`crate::runtime::docker::Docker::connect_with_host`]).
    Explicit,
    /// `DOCKER_HOST`.
    HostVariable,
    /// A context of the context store (or `default` named explicitly).
    Context {
        /// Its name.
        name: String,
        /// How it was chosen.
        chosen: ContextChoice,
        /// Its `meta.json` (none for `default`).
        meta: Option<PathBuf>,
    },
    /// Nothing was configured.
    Default,
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Explicit => f.write_str("given explicitly"),
            Source::HostVariable => f.write_str("from DOCKER_HOST"),
            Source::Context { name, chosen, .. } => {
                write!(f, "from context {name:?}")?;
                match chosen {
                    ContextChoice::Option => f.write_str(" given with --context"),
                    ContextChoice::Variable => f.write_str(" named by DOCKER_CONTEXT"),
                    ContextChoice::ConfigFile(p) => write!(f, " in {}", p.display()),
                }
            }
            Source::Default => f.write_str(
                "the default: neither DOCKER_HOST, DOCKER_CONTEXT nor a current context is set",
            ),
        }
    }
}

/// TLS material for a `tcp://` endpoint. `Debug` leaves the key out.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Tls {
    /// CA certificates (PEM) to trust instead of the system's.
    pub ca: Option<Vec<u8>>,
    /// Client certificate chain (PEM).
    pub cert: Option<Vec<u8>>,
    /// Client private key (PEM).
    pub key: Option<Vec<u8>>,
    /// Accept any server certificate.
    pub skip_verify: bool,
    /// Where the material came from (`DOCKER_CERT_PATH=/x`, the context's TLS directory).
    pub from: String,
}

impl fmt::Debug for Tls {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Tls")
            .field("ca", &self.ca.as_ref().map(|c| c.len()))
            .field("cert", &self.cert.as_ref().map(|c| c.len()))
            .field("key", &self.key.as_ref().map(|_| "<redacted>"))
            .field("skip_verify", &self.skip_verify)
            .field("from", &self.from)
            .finish()
    }
}

/// A resolved endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// `unix:///path`, `tcp://host:port`, `ssh://user@host:port`, ...
    pub host: String,
    /// TLS settings (used for `tcp://`, `http(s)://` hosts only).
    pub tls: Option<Tls>,
    /// Where it came from.
    pub source: Source,
}

impl Endpoint {
    /// An endpoint given by the caller, without TLS.
    pub fn explicit(host: &str) -> Endpoint {
        Endpoint {
            host: host.to_string(),
            tls: None,
            source: Source::Explicit,
        }
    }

    /// `tcp://127.0.0.1:2376 (from context "remote" in /root/.docker/config.json, TLS with ...)`.
    pub fn describe(&self) -> String {
        let mut s = format!("{} ({}", self.host, self.source);
        if let Some(tls) = self.tls.as_ref().filter(|_| !self.is_socket_or_ssh()) {
            s.push_str(if tls.skip_verify {
                ", TLS without verifying the server"
            } else {
                ", TLS"
            });
            if !tls.from.is_empty() {
                s.push_str(&format!(" with the certificates of {}", tls.from));
            }
        }
        s.push(')');
        s
    }

    fn is_socket_or_ssh(&self) -> bool {
        ["unix://", "npipe://", "fd://", "ssh://"]
            .iter()
            .any(|p| self.host.starts_with(p))
    }

    /// What to check when nothing answers there.
    pub fn hint(&self) -> String {
        match &self.source {
            Source::Explicit | Source::Default => {
                "start the engine (`dockerd`), or set DOCKER_HOST or DOCKER_CONTEXT".to_string()
            }
            Source::HostVariable => {
                "start the engine there, or correct or unset DOCKER_HOST".to_string()
            }
            Source::Context { name, chosen, .. } => {
                let choose = match chosen {
                    ContextChoice::Option => "give another --context".to_string(),
                    ContextChoice::Variable => "set DOCKER_CONTEXT to another one".to_string(),
                    ContextChoice::ConfigFile(_) => {
                        "choose another with `docker context use NAME`".to_string()
                    }
                };
                if name == "default" {
                    format!("start the engine (`dockerd`), set DOCKER_HOST, or {choose}")
                } else {
                    format!("check the context with `docker context inspect {name}`, or {choose}")
                }
            }
        }
    }
}

/// Resolves the endpoint from the caller's options, the environment and the
/// configuration directory (`config` is its `config.json`, already loaded).
pub fn resolve(
    opts: &ConnectOptions,
    env: Env<'_>,
    config: &ConfigFile,
    config_dir: &Path,
) -> Result<Endpoint, String> {
    let set = |k: &str| env(k).filter(|v| !v.is_empty());
    if opts.context.is_some() && opts.host.is_some() {
        return Err("conflicting options: cannot specify both --host and --context".to_string());
    }
    let (name, chosen) = if let Some(c) = opts.context.as_ref().filter(|c| !c.is_empty()) {
        (c.clone(), Some(ContextChoice::Option))
    } else if opts.host.is_some() || set("DOCKER_HOST").is_some() {
        ("default".to_string(), None)
    } else if let Some(c) = set("DOCKER_CONTEXT") {
        (c, Some(ContextChoice::Variable))
    } else if !config.current_context.is_empty() {
        (
            config.current_context.clone(),
            Some(ContextChoice::ConfigFile(config.path.clone())),
        )
    } else {
        ("default".to_string(), None)
    };
    if name == "default" {
        let source = match (&opts.host, set("DOCKER_HOST"), chosen) {
            (Some(_), _, _) => Source::Explicit,
            (None, Some(_), _) => Source::HostVariable,
            (None, None, Some(chosen)) => Source::Context {
                name,
                chosen,
                meta: None,
            },
            (None, None, None) => Source::Default,
        };
        let host = opts.host.clone().or_else(|| set("DOCKER_HOST"));
        return default_endpoint(host.as_deref(), env, config_dir, source);
    }
    let chosen = chosen.unwrap_or(ContextChoice::Option);
    context_endpoint(&name, chosen, config_dir)
}

/// The `default` context: a host and TLS from the environment.
fn default_endpoint(
    host: Option<&str>,
    env: Env<'_>,
    config_dir: &Path,
    source: Source,
) -> Result<Endpoint, String> {
    let set = |k: &str| env(k).filter(|v| !v.is_empty());
    let verify = set("DOCKER_TLS_VERIFY").is_some();
    let tls_on = verify || set("DOCKER_TLS").is_some();
    let host = parse_host(tls_on, host.unwrap_or("")).map_err(|e| format!("{e} ({source})"))?;
    let tls = if tls_on {
        let (dir, from) = match set("DOCKER_CERT_PATH") {
            Some(d) => (PathBuf::from(&d), format!("DOCKER_CERT_PATH={d}")),
            None => (config_dir.to_path_buf(), config_dir.display().to_string()),
        };
        let var = if verify {
            "DOCKER_TLS_VERIFY"
        } else {
            "DOCKER_TLS"
        };
        let read = |name: &str, required: bool| -> Result<Option<Vec<u8>>, String> {
            let path = dir.join(name);
            match std::fs::read(&path) {
                Ok(b) => Ok(Some(b)),
                Err(e) if !required && e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                Err(e) => Err(format!(
                    "{var} is set but {} cannot be read: {e}; put the engine's CA there or set DOCKER_CERT_PATH",
                    path.display()
                )),
            }
        };
        Some(Tls {
            ca: read("ca.pem", true)?,
            cert: read("cert.pem", false)?,
            key: read("key.pem", false)?,
            skip_verify: !verify,
            from,
        })
    } else {
        None
    };
    Ok(Endpoint { host, tls, source })
}

/// The directory name of a context in the store: the hex sha256 of its name.
pub fn context_dir_name(name: &str) -> String {
    let digest = Sha256::digest(name.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// A named context from the store.
fn context_endpoint(
    name: &str,
    chosen: ContextChoice,
    config_dir: &Path,
) -> Result<Endpoint, String> {
    let id = context_dir_name(name);
    let store = config_dir.join("contexts");
    let meta_path = store.join("meta").join(&id).join("meta.json");
    let chosen_by = Source::Context {
        name: name.to_string(),
        chosen: chosen.clone(),
        meta: None,
    };
    let bytes = match std::fs::read(&meta_path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(format!(
                "context {name:?} does not exist: there is no {} (the context is {}); \
                 `docker context ls` lists the contexts",
                meta_path.display(),
                chosen_text(&chosen_by)
            ))
        }
        Err(e) => return Err(format!("cannot read {}: {e}", meta_path.display())),
    };
    let bad = |why: String| format!("context {name:?}: parsing {}: {why}", meta_path.display());
    let meta: serde_json::Value = serde_json::from_slice(&bytes).map_err(|e| bad(e.to_string()))?;
    let obj = meta
        .as_object()
        .ok_or_else(|| bad("expected an object".to_string()))?;
    let docker = field(obj, "Endpoints")
        .and_then(serde_json::Value::as_object)
        .and_then(|eps| field(eps, "docker"))
        .and_then(serde_json::Value::as_object)
        .ok_or_else(|| {
            format!(
                "context {name:?} has no docker endpoint ({})",
                meta_path.display()
            )
        })?;
    let host = string_field(docker, "Host").map_err(bad)?;
    let skip_verify = match field(docker, "SkipTLSVerify") {
        None | Some(serde_json::Value::Null) => false,
        Some(serde_json::Value::Bool(b)) => *b,
        Some(_) => return Err(bad("SkipTLSVerify: expected a boolean".to_string())),
    };
    let tls_dir = store.join("tls").join(&id).join("docker");
    let tls = if tls_dir.is_dir() {
        let read = |f: &str| -> Result<Option<Vec<u8>>, String> {
            let p = tls_dir.join(f);
            match std::fs::read(&p) {
                Ok(b) => Ok(Some(b)),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                Err(e) => Err(format!(
                    "context {name:?}: cannot read {}: {e}",
                    p.display()
                )),
            }
        };
        Some(Tls {
            ca: read("ca.pem")?,
            cert: read("cert.pem")?,
            key: read("key.pem")?,
            skip_verify,
            from: tls_dir.display().to_string(),
        })
    } else if skip_verify {
        Some(Tls {
            skip_verify,
            ..Tls::default()
        })
    } else {
        None
    };
    Ok(Endpoint {
        // A context without a host talks to the client's default.
        host: if host.is_empty() {
            DEFAULT_UNIX_HOST.to_string()
        } else {
            host
        },
        tls,
        source: Source::Context {
            name: name.to_string(),
            chosen,
            meta: Some(meta_path),
        },
    })
}

fn chosen_text(source: &Source) -> String {
    match source {
        Source::Context { chosen, .. } => match chosen {
            ContextChoice::Option => "given with --context".to_string(),
            ContextChoice::Variable => "named by DOCKER_CONTEXT".to_string(),
            ContextChoice::ConfigFile(p) => format!("the currentContext of {}", p.display()),
        },
        other => other.to_string(),
    }
}

/// Normalises a host as the docker CLI does for `-H`/`DOCKER_HOST`.
pub fn parse_host(default_to_tls: bool, value: &str) -> Result<String, String> {
    let host = value.trim();
    if host.is_empty() {
        return Ok(if default_to_tls {
            DEFAULT_TLS_HOST
        } else {
            DEFAULT_UNIX_HOST
        }
        .to_string());
    }
    let (proto, addr) = match host.split_once("://") {
        Some((p, a)) => (p, a),
        None => ("tcp", host),
    };
    match proto {
        "tcp" => parse_tcp(addr, value),
        "unix" => {
            if addr.contains("://") {
                return Err(format!("invalid proto, expected unix: {addr}"));
            }
            let path = if addr.is_empty() {
                "/var/run/docker.sock"
            } else {
                addr
            };
            Ok(format!("unix://{path}"))
        }
        "ssh" | "fd" => Ok(host.to_string()),
        "npipe" => Ok(host.to_string()),
        _ => Err(format!("invalid bind address format: {host}")),
    }
}

/// `host[:port][/path]` → `tcp://host:port[/path]`, the port defaulting to 2375.
fn parse_tcp(addr: &str, original: &str) -> Result<String, String> {
    if addr.is_empty() {
        return Ok(format!("tcp://localhost:{DEFAULT_TCP_PORT}"));
    }
    if addr.contains("://") {
        return Err(format!("invalid proto, expected tcp: {original}"));
    }
    let (hostport, path) = match addr.find('/') {
        Some(i) => (&addr[..i], &addr[i..]),
        None => (addr, ""),
    };
    let (host, port) = if let Some(rest) = hostport.strip_prefix('[') {
        let (h, after) = rest
            .split_once(']')
            .ok_or_else(|| format!("invalid bind address format: {original}"))?;
        let port = after.strip_prefix(':').unwrap_or(after);
        (format!("[{h}]"), port.to_string())
    } else {
        match hostport.rsplit_once(':') {
            Some((h, p)) if !h.contains(':') => (h.to_string(), p.to_string()),
            Some(_) => return Err(format!("invalid bind address format: {original}")),
            None => (hostport.to_string(), String::new()),
        }
    };
    let host = if host.is_empty() {
        "localhost".to_string()
    } else {
        host
    };
    let port = if port.is_empty() {
        DEFAULT_TCP_PORT.to_string()
    } else {
        port
    };
    if port.parse::<u16>().is_err() {
        return Err(format!("invalid bind address format: {original}"));
    }
    Ok(format!("tcp://{host}:{port}{path}"))
}

/// An `ssh://` host, as the docker CLI's ssh connection helper reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SshSpec {
    /// `-l` user.
    pub user: String,
    /// Host name or address.
    pub host: String,
    /// `-p` port.
    pub port: String,
    /// A socket path on the remote side (`ssh://h/run/docker.sock`).
    pub path: String,
}

impl SshSpec {
    /// Parses `ssh://[user@]host[:port][/path]`.
    pub fn parse(url: &str) -> Result<SshSpec, String> {
        let invalid = |why: &str| format!("invalid SSH URL {url:?}: {why}");
        let rest = url
            .strip_prefix("ssh://")
            .ok_or_else(|| invalid("the scheme is not ssh"))?;
        if let Some((_, frag)) = rest.split_once('#') {
            return Err(invalid(&format!("fragments are not allowed: {frag:?}")));
        }
        if let Some((_, query)) = rest.split_once('?') {
            return Err(invalid(&format!(
                "query parameters are not allowed: {query:?}"
            )));
        }
        let (authority, path) = match rest.find('/') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, ""),
        };
        let (user, hostport) = match authority.rsplit_once('@') {
            Some((u, h)) => {
                if u.contains(':') {
                    return Err(invalid("plain-text password is not supported"));
                }
                (u.to_string(), h)
            }
            None => (String::new(), authority),
        };
        let (host, port) = if let Some(r) = hostport.strip_prefix('[') {
            let (h, after) = r.split_once(']').ok_or_else(|| invalid("unclosed ["))?;
            (
                h.to_string(),
                after.strip_prefix(':').unwrap_or("").to_string(),
            )
        } else {
            match hostport.rsplit_once(':') {
                Some((h, p)) => (h.to_string(), p.to_string()),
                None => (hostport.to_string(), String::new()),
            }
        };
        if host.is_empty() {
            return Err(invalid("hostname is empty"));
        }
        if !port.is_empty() && port.parse::<u16>().is_err() {
            return Err(invalid(&format!("invalid port {port:?}")));
        }
        Ok(SshSpec {
            user,
            host,
            port,
            path: path.to_string(),
        })
    }

    /// The arguments of `ssh`: `[-l user] [-p port] -o ConnectTimeout=30 -T -- host
    /// docker [--host=unix://path] system dial-stdio`, each part quoted for a POSIX
    /// shell as the docker CLI does.
    pub fn command(&self) -> Result<Vec<String>, String> {
        let mut args = Vec::new();
        if !self.user.is_empty() {
            args.push("-l".to_string());
            args.push(posix_quote(&self.user)?);
        }
        if !self.port.is_empty() {
            args.push("-p".to_string());
            args.push(posix_quote(&self.port)?);
        }
        args.push("-o ConnectTimeout=30".to_string());
        args.push("-T".to_string());
        args.push("--".to_string());
        args.push(posix_quote(&self.host)?);
        let mut remote = vec!["docker".to_string()];
        if !self.path.trim_matches('/').is_empty() {
            remote.push(format!("--host=unix://{}", self.path));
        }
        remote.push("system".to_string());
        remote.push("dial-stdio".to_string());
        let quoted: Result<Vec<String>, String> = remote.iter().map(|a| posix_quote(a)).collect();
        args.push(quoted?.join(" "));
        Ok(args)
    }
}

/// Quotes a word for a POSIX shell when it needs it (the rules of the
/// docker CLI's vendored `syntax.Quote`): empty → `''`; a word with shell
/// characters or a reserved word → `'…'`, or `"…"` when it holds a `'`.
pub fn posix_quote(s: &str) -> Result<String, String> {
    if s.is_empty() {
        return Ok("''".to_string());
    }
    let mut special = false;
    for (i, c) in s.char_indices() {
        if c == '\0' {
            return Err(format!(
                "cannot quote character at byte {i}: shell strings cannot contain null bytes"
            ));
        }
        if c.is_control() || c == char::REPLACEMENT_CHARACTER {
            return Err(format!(
                "cannot quote character at byte {i}: POSIX shell lacks escape sequences"
            ));
        }
        if matches!(
            c,
            ';' | '"'
                | '\''
                | '('
                | ')'
                | '$'
                | '|'
                | '&'
                | '>'
                | '<'
                | '`'
                | ' '
                | '\\'
                | '#'
                | '{'
                | '~'
                | '*'
                | '?'
                | '['
                | '='
        ) {
            special = true;
        }
    }
    const KEYWORDS: &[&str] = &[
        "!", "[[", "]]", "case", "coproc", "do", "done", "elif", "else", "esac", "fi", "for",
        "function", "if", "in", "select", "then", "time", "until", "while", "{", "}",
    ];
    if !special && !KEYWORDS.contains(&s) {
        return Ok(s.to_string());
    }
    if !s.contains('\'') {
        return Ok(format!("'{s}'"));
    }
    let mut out = String::from("\"");
    for c in s.chars() {
        if matches!(c, '"' | '\\' | '`' | '$') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: BTreeMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| map.get(k).cloned()
    }

    /// A configuration directory with contexts written as `docker context create` writes them.
    struct Fixture {
        dir: tempfile::TempDir,
    }

    impl Fixture {
        fn new() -> Fixture {
            Fixture {
                dir: tempfile::tempdir().unwrap(),
            }
        }

        fn path(&self) -> &Path {
            self.dir.path()
        }

        fn config(&self, json: &str) {
            std::fs::write(self.path().join("config.json"), json).unwrap();
        }

        fn context(&self, name: &str, host: &str, skip: bool, tls: &[(&str, &str)]) {
            let id = context_dir_name(name);
            let meta = self.path().join("contexts/meta").join(&id);
            std::fs::create_dir_all(&meta).unwrap();
            std::fs::write(
                meta.join("meta.json"),
                serde_json::json!({"Name": name, "Metadata": {"Description": "d"},
                    "Endpoints": {"docker": {"Host": host, "SkipTLSVerify": skip}}})
                .to_string(),
            )
            .unwrap();
            if !tls.is_empty() {
                let t = self.path().join("contexts/tls").join(&id).join("docker");
                std::fs::create_dir_all(&t).unwrap();
                for (f, body) in tls {
                    std::fs::write(t.join(f), body).unwrap();
                }
            }
        }

        fn resolve(&self, opts: &ConnectOptions, env: &[(&str, &str)]) -> Result<Endpoint, String> {
            let env = env_of(env);
            let config = ConfigFile::load(self.path(), &env);
            resolve(opts, &env, &config, self.path())
        }
    }

    #[test]
    fn context_dir_is_the_sha256_of_the_name() {
        // sha256("default"), as `docker context create` lays out the store.
        assert_eq!(
            context_dir_name("default"),
            "37a8eec1ce19687d132fe29051dca629d164e2c4958ba141d5f4133a33f0688f"
        );
    }

    #[test]
    fn nothing_set_is_the_default_socket() {
        let f = Fixture::new();
        let ep = f.resolve(&ConnectOptions::default(), &[]).unwrap();
        assert_eq!(ep.host, DEFAULT_UNIX_HOST);
        assert_eq!(ep.source, Source::Default);
        assert_eq!(ep.tls, None);
        assert!(ep.hint().contains("dockerd"), "{}", ep.hint());
    }

    #[test]
    fn docker_host_beats_contexts() {
        let f = Fixture::new();
        f.config(r#"{"currentContext": "remote"}"#);
        f.context("remote", "tcp://10.0.0.1:2376", false, &[]);
        let ep = f
            .resolve(
                &ConnectOptions::default(),
                &[
                    ("DOCKER_HOST", "tcp://127.0.0.1"),
                    ("DOCKER_CONTEXT", "remote"),
                ],
            )
            .unwrap();
        assert_eq!(ep.host, "tcp://127.0.0.1:2375");
        assert_eq!(ep.source, Source::HostVariable);
        assert_eq!(ep.describe(), "tcp://127.0.0.1:2375 (from DOCKER_HOST)");
        // An empty DOCKER_HOST counts as unset.
        let ep = f
            .resolve(&ConnectOptions::default(), &[("DOCKER_HOST", "")])
            .unwrap();
        assert_eq!(ep.host, "tcp://10.0.0.1:2376");
    }

    #[test]
    fn docker_context_beats_the_current_context() {
        let f = Fixture::new();
        f.config(r#"{"currentContext": "a"}"#);
        f.context("a", "tcp://a:1", false, &[]);
        f.context("b", "ssh://me@b:22", false, &[]);
        let ep = f
            .resolve(&ConnectOptions::default(), &[("DOCKER_CONTEXT", "b")])
            .unwrap();
        assert_eq!(ep.host, "ssh://me@b:22");
        assert!(
            matches!(&ep.source, Source::Context { name, chosen: ContextChoice::Variable, .. } if name == "b")
        );
        let ep = f.resolve(&ConnectOptions::default(), &[]).unwrap();
        assert_eq!(ep.host, "tcp://a:1");
        let config = f.path().join("config.json");
        assert_eq!(
            ep.describe(),
            format!("tcp://a:1 (from context \"a\" in {})", config.display())
        );
        assert!(ep.hint().contains("docker context inspect a"));
        // --context beats everything; --host with it is refused.
        let opts = ConnectOptions {
            context: Some("a".into()),
            host: None,
        };
        let ep = f.resolve(&opts, &[("DOCKER_HOST", "tcp://x:1")]).unwrap();
        assert_eq!(ep.host, "tcp://a:1");
        let both = ConnectOptions {
            context: Some("a".into()),
            host: Some("tcp://x:1".into()),
        };
        assert!(f.resolve(&both, &[]).unwrap_err().contains("conflicting"));
    }

    #[test]
    fn default_context_by_name_uses_the_environment() {
        let f = Fixture::new();
        f.config(r#"{"currentContext": "default"}"#);
        let ep = f.resolve(&ConnectOptions::default(), &[]).unwrap();
        assert_eq!(ep.host, DEFAULT_UNIX_HOST);
        assert!(matches!(&ep.source, Source::Context { name, .. } if name == "default"));
    }

    #[test]
    fn missing_context_names_the_file_and_who_chose_it() {
        let f = Fixture::new();
        let e = f
            .resolve(&ConnectOptions::default(), &[("DOCKER_CONTEXT", "gone")])
            .unwrap_err();
        assert!(
            e.contains("\"gone\" does not exist")
                && e.contains(&context_dir_name("gone"))
                && e.contains("DOCKER_CONTEXT"),
            "{e}"
        );
    }

    #[test]
    fn context_tls_material_is_read_from_the_store() {
        let f = Fixture::new();
        f.context(
            "remote",
            "tcp://127.0.0.1:2376",
            false,
            &[("ca.pem", "CA"), ("cert.pem", "CERT"), ("key.pem", "KEY")],
        );
        let ep = f
            .resolve(&ConnectOptions::default(), &[("DOCKER_CONTEXT", "remote")])
            .unwrap();
        let tls = ep.tls.clone().unwrap();
        assert_eq!(tls.ca.as_deref(), Some(&b"CA"[..]));
        assert_eq!(tls.cert.as_deref(), Some(&b"CERT"[..]));
        assert_eq!(tls.key.as_deref(), Some(&b"KEY"[..]));
        assert!(!tls.skip_verify);
        assert!(!format!("{ep:?}").contains("KEY"), "{ep:?}");
        assert!(ep.describe().contains(", TLS with the certificates of"));
        // Without TLS files and without SkipTLSVerify, tcp:// is plain HTTP.
        f.context("plain", "tcp://127.0.0.1:2375", false, &[]);
        let ep = f
            .resolve(&ConnectOptions::default(), &[("DOCKER_CONTEXT", "plain")])
            .unwrap();
        assert_eq!(ep.tls, None);
        f.context("insecure", "tcp://127.0.0.1:2376", true, &[]);
        let ep = f
            .resolve(
                &ConnectOptions::default(),
                &[("DOCKER_CONTEXT", "insecure")],
            )
            .unwrap();
        assert!(ep.tls.unwrap().skip_verify);
    }

    #[test]
    fn tls_from_the_environment() {
        let f = Fixture::new();
        let certs = f.path().join("certs");
        std::fs::create_dir(&certs).unwrap();
        std::fs::write(certs.join("ca.pem"), "CA").unwrap();
        std::fs::write(certs.join("key.pem"), "KEY").unwrap();
        let certs_s = certs.display().to_string();
        let ep = f
            .resolve(
                &ConnectOptions::default(),
                &[
                    ("DOCKER_HOST", "tcp://127.0.0.1:2376"),
                    ("DOCKER_TLS_VERIFY", "1"),
                    ("DOCKER_CERT_PATH", &certs_s),
                ],
            )
            .unwrap();
        let tls = ep.tls.clone().unwrap();
        assert_eq!(tls.ca.as_deref(), Some(&b"CA"[..]));
        assert_eq!(
            tls.cert, None,
            "a missing cert.pem is no client certificate"
        );
        assert!(!tls.skip_verify);
        assert_eq!(
            ep.describe(),
            format!("tcp://127.0.0.1:2376 (from DOCKER_HOST, TLS with the certificates of DOCKER_CERT_PATH={certs_s})")
        );
        // Any value turns verification on, "0" too (the docker CLI checks for non-empty).
        let ep = f
            .resolve(
                &ConnectOptions::default(),
                &[("DOCKER_TLS_VERIFY", "0"), ("DOCKER_CERT_PATH", &certs_s)],
            )
            .unwrap();
        assert_eq!(ep.host, "tcp://localhost:2376");
        assert!(!ep.tls.unwrap().skip_verify);
        // DOCKER_TLS alone: TLS without verification.
        let ep = f
            .resolve(
                &ConnectOptions::default(),
                &[("DOCKER_TLS", "1"), ("DOCKER_CERT_PATH", &certs_s)],
            )
            .unwrap();
        assert!(ep.tls.unwrap().skip_verify);
        // The CA is required.
        let e = f
            .resolve(&ConnectOptions::default(), &[("DOCKER_TLS_VERIFY", "1")])
            .unwrap_err();
        assert!(
            e.contains("ca.pem") && e.contains("DOCKER_TLS_VERIFY"),
            "{e}"
        );
    }

    #[test]
    fn hosts_are_normalised() {
        assert_eq!(parse_host(false, "").unwrap(), DEFAULT_UNIX_HOST);
        assert_eq!(parse_host(true, "").unwrap(), "tcp://localhost:2376");
        assert_eq!(parse_host(false, "tcp://h").unwrap(), "tcp://h:2375");
        assert_eq!(parse_host(false, "h:1").unwrap(), "tcp://h:1");
        assert_eq!(parse_host(false, "tcp://:7").unwrap(), "tcp://localhost:7");
        assert_eq!(parse_host(false, "tcp://[::1]:7").unwrap(), "tcp://[::1]:7");
        assert_eq!(parse_host(false, "unix://").unwrap(), DEFAULT_UNIX_HOST);
        assert_eq!(
            parse_host(false, "unix:///x.sock").unwrap(),
            "unix:///x.sock"
        );
        assert_eq!(parse_host(false, "ssh://u@h:22").unwrap(), "ssh://u@h:22");
        assert!(parse_host(false, "ftp://h").is_err());
        assert!(parse_host(false, "tcp://h:notaport").is_err());
    }

    #[test]
    fn ssh_specs_and_commands() {
        let s = SshSpec::parse("ssh://me@127.0.0.1:2222").unwrap();
        assert_eq!(
            s.command().unwrap(),
            [
                "-l",
                "me",
                "-p",
                "2222",
                "-o ConnectTimeout=30",
                "-T",
                "--",
                "127.0.0.1",
                "docker system dial-stdio"
            ]
        );
        let s = SshSpec::parse("ssh://h/run/user/1000/docker.sock").unwrap();
        assert_eq!(
            s.command().unwrap(),
            [
                "-o ConnectTimeout=30",
                "-T",
                "--",
                "h",
                "docker '--host=unix:///run/user/1000/docker.sock' system dial-stdio"
            ]
        );
        let s = SshSpec::parse("ssh://[::1]:22").unwrap();
        assert_eq!((s.host.as_str(), s.port.as_str()), ("::1", "22"));
        for bad in [
            "ssh://u:pw@h",
            "ssh://",
            "ssh://h?x=1",
            "ssh://h#f",
            "ssh://h:port",
        ] {
            assert!(SshSpec::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn quoting() {
        assert_eq!(posix_quote("").unwrap(), "''");
        assert_eq!(
            posix_quote("plain-word_1.2:/x").unwrap(),
            "plain-word_1.2:/x"
        );
        assert_eq!(posix_quote("a b").unwrap(), "'a b'");
        assert_eq!(posix_quote("it's").unwrap(), "\"it's\"");
        assert_eq!(posix_quote("$'x").unwrap(), "\"\\$'x\"");
        assert_eq!(posix_quote("if").unwrap(), "'if'");
        assert!(posix_quote("a\nb").is_err());
    }
}
