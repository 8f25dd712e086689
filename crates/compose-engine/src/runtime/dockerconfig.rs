//! The docker CLI's configuration directory and `config.json`, read the way
//! the docker CLI (v28) reads them: the directory is `DOCKER_CONFIG` or
//! `~/.docker`; the file's `auths` entries are decoded (`auth` is base64 of
//! `user:password`), `credsStore`, `credHelpers` and `currentContext` are
//! kept. Keys match case-insensitively, as Go's JSON decoder does.
//!
//! A missing file is an empty configuration; an unreadable or malformed one
//! is an empty configuration plus a warning (the docker CLI prints it and
//! goes on), which callers may show.
//!
//! Secrets are held in [`Secret`], whose `Debug` never shows the value.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use base64::Engine as _;

/// The environment, as a lookup (tests pass a map; callers `std::env::var`).
pub type Env<'a> = &'a dyn Fn(&str) -> Option<String>;

/// The process environment as an [`Env`] (non-UTF-8 values count as unset).
pub fn process_env(key: &str) -> Option<String> {
    std::env::var(key).ok()
}

/// A password or token. `Debug` prints `<redacted>` (or `""` when empty), so a
/// struct holding one can derive `Debug` without leaking it.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a value.
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }

    /// The value, for the one place that sends it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Whether there is no value.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            f.write_str("\"\"")
        } else {
            f.write_str("<redacted>")
        }
    }
}

/// One registry's credentials (the docker CLI's `types.AuthConfig`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuthConfig {
    /// User name.
    pub username: String,
    /// Password.
    pub password: Secret,
    /// E-mail (legacy).
    pub email: String,
    /// The registry this is for, as stored (`https://index.docker.io/v1/`, `127.0.0.1:5000`).
    pub server_address: String,
    /// An identity token (`docker login` with a token-issuing registry).
    pub identity_token: Secret,
    /// A bearer token for the registry.
    pub registry_token: Secret,
}

impl AuthConfig {
    /// Whether nothing is known for the registry.
    pub fn is_empty(&self) -> bool {
        self.username.is_empty()
            && self.password.is_empty()
            && self.identity_token.is_empty()
            && self.registry_token.is_empty()
    }

    /// The JSON the Engine API takes (`X-Registry-Auth`, `X-Registry-Config`
    /// values): Go's `json.Marshal` of the docker CLI's `AuthConfig`, empty
    /// fields left out.
    pub fn to_engine_json(&self) -> serde_json::Value {
        let mut m = serde_json::Map::new();
        let mut put = |k: &str, v: &str| {
            if !v.is_empty() {
                m.insert(k.to_string(), serde_json::Value::String(v.to_string()));
            }
        };
        put("username", &self.username);
        put("password", self.password.expose());
        put("email", &self.email);
        put("serveraddress", &self.server_address);
        put("identitytoken", self.identity_token.expose());
        put("registrytoken", self.registry_token.expose());
        serde_json::Value::Object(m)
    }
}

/// The parts of `config.json` hoist uses.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConfigFile {
    /// Where it is (or would be).
    pub path: PathBuf,
    /// Whether the file exists.
    pub exists: bool,
    /// `auths`, decoded, by the key as written.
    pub auths: BTreeMap<String, AuthConfig>,
    /// `credsStore` (after the platform default is detected, as the docker CLI does).
    pub creds_store: String,
    /// `credHelpers`: registry → helper suffix.
    pub cred_helpers: BTreeMap<String, String>,
    /// `currentContext`.
    pub current_context: String,
    /// `detachKeys`: the keys that detach from an attached container (empty:
    /// the engine's ctrl-p,ctrl-q).
    pub detach_keys: String,
    /// Why the file was ignored, when it was.
    pub warning: Option<String>,
}

/// The user's `config.json`, read with the process environment.
pub fn user_config() -> ConfigFile {
    let env = |k: &str| std::env::var(k).ok();
    ConfigFile::load(&config_dir(&env), &env)
}

/// The configuration directory: `DOCKER_CONFIG`, else `$HOME/.docker`.
pub fn config_dir(env: Env<'_>) -> PathBuf {
    if let Some(dir) = env("DOCKER_CONFIG").filter(|d| !d.is_empty()) {
        return PathBuf::from(dir);
    }
    let home = env("HOME").filter(|h| !h.is_empty()).unwrap_or_default();
    Path::new(&home).join(".docker")
}

impl ConfigFile {
    /// Reads `<dir>/config.json`; then, when it configures no credentials at
    /// all, picks the platform's default store (`pass`, else
    /// `secretservice`) if its helper is on `PATH`, like the docker CLI.
    pub fn load(dir: &Path, env: Env<'_>) -> ConfigFile {
        let path = dir.join("config.json");
        let mut file = match std::fs::read(&path) {
            Ok(bytes) => match parse(&bytes) {
                Ok(mut f) => {
                    f.exists = true;
                    f
                }
                Err(e) => ConfigFile {
                    exists: true,
                    warning: Some(format!("parsing config file ({}): {e}", path.display())),
                    ..ConfigFile::default()
                },
            },
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => ConfigFile::default(),
            Err(e) => ConfigFile {
                warning: Some(format!("loading config file {}: {e}", path.display())),
                ..ConfigFile::default()
            },
        };
        file.path = path;
        if !file.contains_auth() {
            file.creds_store = detect_default_store(env);
        }
        file
    }

    /// Whether the file configures any credentials.
    pub fn contains_auth(&self) -> bool {
        !self.creds_store.is_empty() || !self.cred_helpers.is_empty() || !self.auths.is_empty()
    }
}

/// The platform default credential store on Linux: `pass` when the `pass`
/// program exists, else `secretservice`, and only when
/// `docker-credential-<that>` is on `PATH`.
fn detect_default_store(env: Env<'_>) -> String {
    let store = if find_in_path("pass", env).is_some() {
        "pass"
    } else {
        "secretservice"
    };
    if find_in_path(&format!("docker-credential-{store}"), env).is_some() {
        store.to_string()
    } else {
        String::new()
    }
}

/// The first executable file named `program` in `PATH`.
pub fn find_in_path(program: &str, env: Env<'_>) -> Option<PathBuf> {
    use std::os::unix::fs::PermissionsExt;
    let path = env("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join(program))
        .find(|p| {
            std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        })
}

/// A JSON object's field, matched as Go's decoder does: the exact key, else
/// the first key equal ignoring case.
pub(crate) fn field<'v>(
    obj: &'v serde_json::Map<String, serde_json::Value>,
    key: &str,
) -> Option<&'v serde_json::Value> {
    obj.get(key).or_else(|| {
        obj.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v)
    })
}

/// A string field; `null` and absent are empty, another type is an error.
pub(crate) fn string_field(
    obj: &serde_json::Map<String, serde_json::Value>,
    key: &str,
) -> Result<String, String> {
    match field(obj, key) {
        None | Some(serde_json::Value::Null) => Ok(String::new()),
        Some(serde_json::Value::String(s)) => Ok(s.clone()),
        Some(other) => Err(format!("{key}: expected a string, got {}", kind(other))),
    }
}

fn kind(v: &serde_json::Value) -> &'static str {
    match v {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}

fn string_map(
    obj: &serde_json::Map<String, serde_json::Value>,
    key: &str,
) -> Result<BTreeMap<String, String>, String> {
    match field(obj, key) {
        None | Some(serde_json::Value::Null) => Ok(BTreeMap::new()),
        Some(serde_json::Value::Object(m)) => m
            .iter()
            .map(|(k, v)| match v {
                serde_json::Value::String(s) => Ok((k.clone(), s.clone())),
                other => Err(format!("{key}.{k}: expected a string, got {}", kind(other))),
            })
            .collect(),
        Some(other) => Err(format!("{key}: expected an object, got {}", kind(other))),
    }
}

fn parse(bytes: &[u8]) -> Result<ConfigFile, String> {
    // An empty file is an empty configuration (Go's decoder reports EOF).
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(ConfigFile::default());
    }
    let value: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| e.to_string())?;
    let obj = match value {
        serde_json::Value::Object(o) => o,
        serde_json::Value::Null => return Ok(ConfigFile::default()),
        other => return Err(format!("expected an object, got {}", kind(&other))),
    };
    let mut file = ConfigFile {
        creds_store: string_field(&obj, "credsStore")?,
        cred_helpers: string_map(&obj, "credHelpers")?,
        current_context: string_field(&obj, "currentContext")?,
        detach_keys: string_field(&obj, "detachKeys")?,
        ..ConfigFile::default()
    };
    match field(&obj, "auths") {
        None | Some(serde_json::Value::Null) => {}
        Some(serde_json::Value::Object(auths)) => {
            for (addr, entry) in auths {
                let auth = match entry {
                    serde_json::Value::Object(e) => decode_entry(addr, e)?,
                    serde_json::Value::Null => AuthConfig {
                        server_address: addr.clone(),
                        ..AuthConfig::default()
                    },
                    other => {
                        return Err(format!(
                            "auths.{addr}: expected an object, got {}",
                            kind(other)
                        ))
                    }
                };
                file.auths.insert(addr.clone(), auth);
            }
        }
        Some(other) => return Err(format!("auths: expected an object, got {}", kind(other))),
    }
    Ok(file)
}

fn decode_entry(
    addr: &str,
    e: &serde_json::Map<String, serde_json::Value>,
) -> Result<AuthConfig, String> {
    let mut auth = AuthConfig {
        username: string_field(e, "username")?,
        password: Secret::new(string_field(e, "password")?),
        email: string_field(e, "email")?,
        server_address: addr.to_string(),
        identity_token: Secret::new(string_field(e, "identitytoken")?),
        registry_token: Secret::new(string_field(e, "registrytoken")?),
    };
    let encoded = string_field(e, "auth")?;
    if !encoded.is_empty() {
        let (user, password) =
            decode_auth(&encoded).map_err(|why| format!("auths.{addr}.auth: {why}"))?;
        auth.username = user;
        auth.password = Secret::new(password);
    }
    Ok(auth)
}

/// `base64(user:password)` → (user, password); the error never holds the value.
pub(crate) fn decode_auth(encoded: &str) -> Result<(String, String), String> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(encoded)
        .map_err(|_| "not valid base64".to_string())?;
    let text = String::from_utf8_lossy(&bytes);
    match text.split_once(':') {
        Some((user, password)) if !user.is_empty() => {
            Ok((user.to_string(), password.trim_matches('\0').to_string()))
        }
        _ => Err("invalid auth configuration file".to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: BTreeMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| map.get(k).cloned()
    }

    #[test]
    fn dir_from_docker_config_then_home() {
        let env = env_of(&[("DOCKER_CONFIG", "/cfg"), ("HOME", "/home/u")]);
        assert_eq!(config_dir(&env), PathBuf::from("/cfg"));
        let env = env_of(&[("DOCKER_CONFIG", ""), ("HOME", "/home/u")]);
        assert_eq!(config_dir(&env), PathBuf::from("/home/u/.docker"));
    }

    #[test]
    fn auths_are_decoded_and_redacted() {
        let dir = tempfile::tempdir().unwrap();
        // "alice:s3cret:x" — a password may hold colons.
        std::fs::write(
            dir.path().join("config.json"),
            r#"{"Auths": {"127.0.0.1:5000": {"auth": "YWxpY2U6czNjcmV0Ong="},
                          "https://index.docker.io/v1/": {"identitytoken": "tok"}},
                "credHelpers": {"r.example": "ecr"}, "currentContext": "remote",
                "psFormat": "table"}"#,
        )
        .unwrap();
        let env = env_of(&[]);
        let f = ConfigFile::load(dir.path(), &env);
        assert_eq!(f.warning, None);
        assert!(f.exists);
        let a = &f.auths["127.0.0.1:5000"];
        assert_eq!(a.username, "alice");
        assert_eq!(a.password.expose(), "s3cret:x");
        assert_eq!(a.server_address, "127.0.0.1:5000");
        assert_eq!(
            f.auths["https://index.docker.io/v1/"]
                .identity_token
                .expose(),
            "tok"
        );
        assert_eq!(f.cred_helpers["r.example"], "ecr");
        assert_eq!(f.current_context, "remote");
        let debug = format!("{f:?}");
        assert!(
            !debug.contains("s3cret") && !debug.contains("tok\""),
            "{debug}"
        );
        assert!(debug.contains("<redacted>"), "{debug}");
        assert_eq!(
            a.to_engine_json(),
            serde_json::json!({"username": "alice", "password": "s3cret:x", "serveraddress": "127.0.0.1:5000"})
        );
    }

    #[test]
    fn missing_empty_and_malformed_files() {
        let dir = tempfile::tempdir().unwrap();
        let env = env_of(&[]);
        let f = ConfigFile::load(dir.path(), &env);
        assert!(!f.exists && f.warning.is_none() && f.auths.is_empty());
        std::fs::write(dir.path().join("config.json"), "  \n").unwrap();
        let f = ConfigFile::load(dir.path(), &env);
        assert!(f.exists && f.warning.is_none());
        std::fs::write(
            dir.path().join("config.json"),
            r#"{"auths": {"x": {"auth": "!!"}}}"#,
        )
        .unwrap();
        let f = ConfigFile::load(dir.path(), &env);
        let w = f.warning.unwrap();
        assert!(w.contains("config.json") && w.contains("base64"), "{w}");
        assert!(f.auths.is_empty());
        std::fs::write(dir.path().join("config.json"), "{").unwrap();
        assert!(ConfigFile::load(dir.path(), &env).warning.is_some());
    }

    #[test]
    fn default_store_only_without_any_auth_and_with_its_helper() {
        let dir = tempfile::tempdir().unwrap();
        let bin = dir.path().join("bin");
        std::fs::create_dir(&bin).unwrap();
        let helper = bin.join("docker-credential-secretservice");
        std::fs::write(&helper, "#!/bin/sh\n").unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&helper, std::fs::Permissions::from_mode(0o755)).unwrap();
        let path = bin.display().to_string();
        let env = env_of(&[("PATH", &path)]);
        assert_eq!(
            ConfigFile::load(dir.path(), &env).creds_store,
            "secretservice"
        );
        std::fs::write(dir.path().join("config.json"), r#"{"auths": {"x": {}}}"#).unwrap();
        assert_eq!(ConfigFile::load(dir.path(), &env).creds_store, "");
        let env = env_of(&[]);
        std::fs::remove_file(dir.path().join("config.json")).unwrap();
        assert_eq!(ConfigFile::load(dir.path(), &env).creds_store, "");
    }
}
