//! Registry credentials, found as the docker CLI (v28.5, which Docker Compose
//! v2.40.3 uses) finds them.
//!
//! * **Which registry.** An image's registry is the first component of its
//!   name when that looks like a host (`localhost`, or it has a `.` or a `:`,
//!   or an upper-case letter), else Docker Hub ([`registry_domain`]). The
//!   credentials of `docker.io`, `index.docker.io` and
//!   `registry-1.docker.io` are stored under Docker Hub's index name
//!   `https://index.docker.io/v1/` ([`auth_config_key`]).
//! * **Which store.** `credHelpers[registry]`, else `credsStore`, names a
//!   program `docker-credential-<name>` (`get`: the server on stdin, JSON
//!   `{ServerURL, Username, Secret}` on stdout; `list`: JSON server → user;
//!   a `Username` of `<token>` means `Secret` is an identity token); without
//!   one, the `auths` of `config.json` (matched exactly, else by host name, so
//!   `https://127.0.0.1:5000/v2/` serves `127.0.0.1:5000`). `DOCKER_AUTH_CONFIG`
//!   (a JSON `{"auths": {...}}`) comes before any store.
//! * **Builds** get every known credential ([`Credentials::all`]), for the
//!   engine's `X-Registry-Config`, as `docker compose build` sends them.
//!
//! Nothing here prints, and no error or `Debug` output holds a secret.

use std::collections::BTreeMap;
use std::process::Stdio;

use tokio::io::AsyncWriteExt;

use super::dockerconfig::{
    decode_auth, field, find_in_path, string_field, AuthConfig, ConfigFile, Env, Secret,
};

/// Docker Hub's index name, the key of its credentials.
pub const INDEX_SERVER: &str = "https://index.docker.io/v1/";

const TOKEN_USERNAME: &str = "<token>";
const NOT_FOUND: &str = "credentials not found in native keychain";

/// The registry host of an image reference (`docker.io` for Docker Hub).
///
/// ```
/// use compose_engine::runtime::auth::registry_domain;
/// assert_eq!(registry_domain("busybox"), "docker.io");
/// assert_eq!(registry_domain("library/busybox:1"), "docker.io");
/// assert_eq!(registry_domain("127.0.0.1:5000/app:v1"), "127.0.0.1:5000");
/// assert_eq!(registry_domain("localhost/app"), "localhost");
/// assert_eq!(registry_domain("index.docker.io/me/app"), "docker.io");
/// ```
pub fn registry_domain(image: &str) -> String {
    let Some((first, _)) = image.split_once('/') else {
        return "docker.io".to_string();
    };
    if first == "index.docker.io" {
        "docker.io".to_string()
    } else if first == "localhost" || first.contains(['.', ':']) || first.to_lowercase() != first {
        first.to_string()
    } else {
        "docker.io".to_string()
    }
}

/// The key credentials of a registry are stored under: Docker Hub's
/// (`docker.io`, `index.docker.io`, `registry-1.docker.io`) is
/// [`INDEX_SERVER`], any other registry's is its host.
pub fn auth_config_key(domain: &str) -> String {
    match domain {
        "docker.io" | "index.docker.io" | "registry-1.docker.io" => INDEX_SERVER.to_string(),
        other => other.to_string(),
    }
}

/// A registry URL reduced to `host[:port]` (`https://r.example/v1/` → `r.example`).
pub fn convert_to_hostname(url: &str) -> String {
    let rest = match url.split_once("://") {
        Some((_, rest)) => rest,
        None => url,
    };
    rest.split('/').next().unwrap_or_default().to_string()
}

/// Where credentials come from: `config.json` (and the helpers it names)
/// and `DOCKER_AUTH_CONFIG`.
#[derive(Debug, Clone, Default)]
pub struct Credentials {
    config: ConfigFile,
    /// `DOCKER_AUTH_CONFIG`'s entries.
    env_auths: BTreeMap<String, AuthConfig>,
    /// `PATH`, to find the helper programs.
    path: Option<String>,
    /// Why `DOCKER_AUTH_CONFIG` was ignored, when it was.
    pub warning: Option<String>,
}

impl Credentials {
    /// Credentials of `config` (already loaded) and the environment.
    pub fn new(config: ConfigFile, env: Env<'_>) -> Credentials {
        let mut c = Credentials {
            config,
            path: env("PATH"),
            ..Credentials::default()
        };
        if let Some(v) = env("DOCKER_AUTH_CONFIG").filter(|v| !v.is_empty()) {
            match parse_env_config(&v) {
                Ok(auths) => c.env_auths = auths,
                Err(e) => {
                    c.warning = Some(format!(
                        "failed to create credential store from DOCKER_AUTH_CONFIG: {e}"
                    ))
                }
            }
        }
        c
    }

    /// The configuration file these come from.
    pub fn config(&self) -> &ConfigFile {
        &self.config
    }

    /// The credentials for pulling or pushing `image` (empty when none are known).
    pub async fn for_image(&self, image: &str) -> Result<AuthConfig, String> {
        self.get(&auth_config_key(&registry_domain(image))).await
    }

    /// The credentials stored under `key` (a registry host or [`INDEX_SERVER`]).
    pub async fn get(&self, key: &str) -> Result<AuthConfig, String> {
        if let Some(a) = self.env_auths.get(key) {
            return Ok(a.clone());
        }
        match self.helper_for(key) {
            Some((helper, why)) => {
                let mut auth = self.file_get(key);
                let creds = self.helper_get(&helper, &why, key).await?;
                auth.username = creds.username;
                auth.password = creds.password;
                auth.identity_token = creds.identity_token;
                auth.server_address = creds.server_address;
                Ok(auth)
            }
            None => Ok(self.file_get(key)),
        }
    }

    /// Every credential known, by registry key, for a build's
    /// `X-Registry-Config`: the default store's (all of `credsStore`'s, or
    /// the `auths`), `DOCKER_AUTH_CONFIG`'s, then each `credHelpers`
    /// registry's (one whose helper fails is left out, as the docker CLI does).
    pub async fn all(&self) -> Result<BTreeMap<String, AuthConfig>, String> {
        let mut all = if self.config.creds_store.is_empty() {
            self.config.auths.clone()
        } else {
            let helper = self.config.creds_store.clone();
            let why = self.store_reason(None);
            let listed = self.helper_list(&helper, &why).await?;
            let mut out = BTreeMap::new();
            for registry in listed {
                let creds = self.helper_get(&helper, &why, &registry).await?;
                let mut ac = self
                    .config
                    .auths
                    .get(&registry)
                    .cloned()
                    .unwrap_or_default();
                ac.username = creds.username;
                ac.password = creds.password;
                ac.identity_token = creds.identity_token;
                if ac.server_address.is_empty() {
                    ac.server_address = creds.server_address;
                }
                out.insert(registry, ac);
            }
            out
        };
        all.extend(self.env_auths.clone());
        for registry in self.config.cred_helpers.keys() {
            if let Ok(a) = self.get(registry).await {
                all.insert(registry.clone(), a);
            }
        }
        Ok(all)
    }

    /// The helper for `key`, and the words that say where it was configured.
    fn helper_for(&self, key: &str) -> Option<(String, String)> {
        if let Some(h) = self.config.cred_helpers.get(key) {
            return Some((h.clone(), self.store_reason(Some(key))));
        }
        (!self.config.creds_store.is_empty())
            .then(|| (self.config.creds_store.clone(), self.store_reason(None)))
    }

    fn store_reason(&self, helper_key: Option<&str>) -> String {
        let file = self.config.path.display();
        match helper_key {
            Some(k) => format!("credHelpers[{k:?}] in {file}"),
            None if self.config.contains_auth() => format!("credsStore in {file}"),
            None => "the platform's default credential store".to_string(),
        }
    }

    fn file_get(&self, key: &str) -> AuthConfig {
        if let Some(a) = self.config.auths.get(key) {
            return a.clone();
        }
        self.config
            .auths
            .iter()
            .find(|(k, _)| convert_to_hostname(k) == key)
            .map(|(_, a)| a.clone())
            .unwrap_or_default()
    }

    /// Runs `docker-credential-<helper> <action>` with `input` on stdin.
    async fn run_helper(
        &self,
        helper: &str,
        why: &str,
        action: &str,
        input: &str,
    ) -> Result<std::result::Result<Vec<u8>, String>, String> {
        let program = format!("docker-credential-{helper}");
        let fail = |what: String| format!("{program} ({why}): {what}");
        let path = find_in_path(&program, &|k| {
            (k == "PATH").then(|| self.path.clone()).flatten()
        })
        .ok_or_else(|| fail("no such program in PATH".to_string()))?;
        let mut child = tokio::process::Command::new(&path)
            .arg(action)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| fail(format!("cannot run it: {e}")))?;
        if let Some(mut stdin) = child.stdin.take() {
            // A helper that does not read its input closes the pipe: not an error.
            let _ = stdin.write_all(input.as_bytes()).await;
        }
        let out = child
            .wait_with_output()
            .await
            .map_err(|e| fail(format!("cannot run it: {e}")))?;
        if out.status.success() {
            Ok(Ok(out.stdout))
        } else {
            // By the helper protocol, stdout then holds the error message.
            let text = String::from_utf8_lossy(&out.stdout).trim().to_string();
            Ok(Err(text))
        }
    }

    async fn helper_get(
        &self,
        helper: &str,
        why: &str,
        server: &str,
    ) -> Result<AuthConfig, String> {
        let program = format!("docker-credential-{helper}");
        let out = match self.run_helper(helper, why, "get", server).await? {
            Ok(out) => out,
            Err(message) if message == NOT_FOUND => return Ok(AuthConfig::default()),
            Err(message) => {
                return Err(format!(
                    "error getting credentials for {server} from {program} ({why}): {message}"
                ))
            }
        };
        let invalid =
            || format!("{program} ({why}) answered `get` with something other than its JSON");
        let value: serde_json::Value = serde_json::from_slice(&out).map_err(|_| invalid())?;
        let obj = value.as_object().ok_or_else(invalid)?;
        let username = string_field(obj, "Username").map_err(|_| invalid())?;
        let secret = string_field(obj, "Secret").map_err(|_| invalid())?;
        let mut auth = AuthConfig {
            server_address: server.to_string(),
            ..AuthConfig::default()
        };
        if username == TOKEN_USERNAME {
            auth.identity_token = Secret::new(secret);
        } else {
            auth.username = username;
            auth.password = Secret::new(secret);
        }
        Ok(auth)
    }

    async fn helper_list(&self, helper: &str, why: &str) -> Result<Vec<String>, String> {
        let program = format!("docker-credential-{helper}");
        let out = self
            .run_helper(helper, why, "list", "unused")
            .await?
            .map_err(|m| format!("error listing credentials of {program} ({why}): {m}"))?;
        let value: serde_json::Value = serde_json::from_slice(&out).map_err(|_| {
            format!("{program} ({why}) answered `list` with something other than JSON")
        })?;
        Ok(value
            .as_object()
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default())
    }
}

/// `DOCKER_AUTH_CONFIG`: `{"auths": {"<registry>": {"auth": "<base64 user:password>"}}}`.
fn parse_env_config(v: &str) -> Result<BTreeMap<String, AuthConfig>, String> {
    let value: serde_json::Value =
        serde_json::from_str(v).map_err(|_| "it is not one JSON object".to_string())?;
    let obj = value
        .as_object()
        .ok_or_else(|| "it is not a JSON object".to_string())?;
    if let Some(k) = obj.keys().find(|k| !k.eq_ignore_ascii_case("auths")) {
        return Err(format!("unknown field {k:?}"));
    }
    let mut out = BTreeMap::new();
    let Some(auths) = field(obj, "auths") else {
        return Ok(out);
    };
    let auths = auths
        .as_object()
        .ok_or_else(|| "auths is not an object".to_string())?;
    for (addr, entry) in auths {
        let entry = entry
            .as_object()
            .ok_or_else(|| format!("auths.{addr} is not an object"))?;
        if let Some(k) = entry.keys().find(|k| !k.eq_ignore_ascii_case("auth")) {
            return Err(format!("unknown field {k:?} in auths.{addr}"));
        }
        let encoded = string_field(entry, "auth").map_err(|e| format!("auths.{addr}.{e}"))?;
        if encoded.is_empty() {
            return Err(format!("missing key `auth` for {addr}"));
        }
        let (username, password) =
            decode_auth(&encoded).map_err(|e| format!("auths.{addr}: {e}"))?;
        out.insert(
            addr.clone(),
            AuthConfig {
                username,
                password: Secret::new(password),
                server_address: addr.clone(),
                ..AuthConfig::default()
            },
        );
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;
    use std::path::Path;

    fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: BTreeMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| map.get(k).cloned()
    }

    /// A helper `docker-credential-<name>` answering from a fixed table.
    fn helper(bin: &Path, name: &str, script: &str) {
        std::fs::create_dir_all(bin).unwrap();
        let p = bin.join(format!("docker-credential-{name}"));
        std::fs::write(&p, format!("#!/bin/sh\n{script}")).unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
    }

    const TABLE: &str = r#"read -r server || true
case "$1 $server" in
  "get 127.0.0.1:5000") echo '{"ServerURL":"127.0.0.1:5000","Username":"alice","Secret":"pw-helper"}' ;;
  "get https://index.docker.io/v1/") echo '{"ServerURL":"x","Username":"<token>","Secret":"tok-helper"}' ;;
  "list unused") echo '{"127.0.0.1:5000":"alice","https://index.docker.io/v1/":"<token>"}' ;;
  "get broken") echo 'the keychain is locked'; exit 1 ;;
  *) echo 'credentials not found in native keychain'; exit 1 ;;
esac
"#;

    fn credentials(dir: &Path, config: &str, extra: &[(&str, &str)]) -> Credentials {
        std::fs::write(dir.join("config.json"), config).unwrap();
        let path = dir.join("bin").display().to_string();
        let mut pairs = vec![("PATH", path.as_str())];
        pairs.extend_from_slice(extra);
        let env = env_of(&pairs);
        Credentials::new(ConfigFile::load(dir, &env), &env)
    }

    #[test]
    fn domains_and_keys() {
        for (image, domain) in [
            ("busybox", "docker.io"),
            ("busybox:1.36", "docker.io"),
            ("me/app", "docker.io"),
            ("docker.io/me/app", "docker.io"),
            ("index.docker.io/library/x", "docker.io"),
            ("registry-1.docker.io/me/app", "registry-1.docker.io"),
            ("ghcr.io/o/app@sha256:abc", "ghcr.io"),
            ("localhost/app", "localhost"),
            ("localhost:5000/app", "localhost:5000"),
            ("Upper/app", "Upper"),
            ("[::1]:5000/app", "[::1]:5000"),
        ] {
            assert_eq!(registry_domain(image), domain, "{image}");
        }
        assert_eq!(auth_config_key("docker.io"), INDEX_SERVER);
        assert_eq!(auth_config_key("registry-1.docker.io"), INDEX_SERVER);
        assert_eq!(auth_config_key("127.0.0.1:5000"), "127.0.0.1:5000");
        assert_eq!(
            convert_to_hostname("https://r.example:443/v2/"),
            "r.example:443"
        );
        assert_eq!(convert_to_hostname("r.example/x"), "r.example");
    }

    #[tokio::test]
    async fn auths_of_the_config_file() {
        let dir = tempfile::tempdir().unwrap();
        // bob:pw-file; the Hub entry under its index name; a legacy URL key.
        let c = credentials(
            dir.path(),
            r#"{"auths": {"127.0.0.1:5000": {"auth": "Ym9iOnB3LWZpbGU="},
                          "https://index.docker.io/v1/": {"auth": "aHViOnB3LWh1Yg=="},
                          "http://legacy.example:5000/v1/": {"auth": "b2xkOnB3LW9sZA=="}}}"#,
            &[],
        );
        let a = c.for_image("127.0.0.1:5000/app:v1").await.unwrap();
        assert_eq!(
            (a.username.as_str(), a.password.expose()),
            ("bob", "pw-file")
        );
        let hub = c.for_image("busybox").await.unwrap();
        assert_eq!(hub.username, "hub");
        assert_eq!(c.for_image("docker.io/me/x").await.unwrap().username, "hub");
        let legacy = c.for_image("legacy.example:5000/x").await.unwrap();
        assert_eq!(legacy.username, "old");
        assert!(c.for_image("other.example/x").await.unwrap().is_empty());
        let all = c.all().await.unwrap();
        assert_eq!(all.len(), 3);
        let debug = format!("{c:?} {all:?}");
        assert!(!debug.contains("pw-"), "{debug}");
    }

    #[tokio::test]
    async fn creds_store_and_cred_helpers() {
        let dir = tempfile::tempdir().unwrap();
        helper(&dir.path().join("bin"), "table", TABLE);
        let c = credentials(
            dir.path(),
            r#"{"credsStore": "table", "auths": {"127.0.0.1:5000": {"email": "a@example"}}}"#,
            &[],
        );
        let a = c.for_image("127.0.0.1:5000/app").await.unwrap();
        assert_eq!(
            (a.username.as_str(), a.password.expose()),
            ("alice", "pw-helper")
        );
        assert_eq!(a.email, "a@example", "the file's entry keeps its e-mail");
        let hub = c.for_image("busybox").await.unwrap();
        assert_eq!(hub.identity_token.expose(), "tok-helper");
        assert!(hub.username.is_empty());
        assert!(c.for_image("nowhere.example/x").await.unwrap().is_empty());
        let all = c.all().await.unwrap();
        assert_eq!(
            all.keys().collect::<Vec<_>>(),
            ["127.0.0.1:5000", "https://index.docker.io/v1/"]
        );
        assert_eq!(all["127.0.0.1:5000"].password.expose(), "pw-helper");

        // credHelpers wins over credsStore for its registry; a failing helper's
        // message is reported with where it was configured, and no secret.
        helper(
            &dir.path().join("bin"),
            "other",
            "echo 'the keychain is locked'; exit 1\n",
        );
        let c = credentials(
            dir.path(),
            r#"{"credsStore": "table", "credHelpers": {"127.0.0.1:5000": "other"}}"#,
            &[],
        );
        let e = c.for_image("127.0.0.1:5000/app").await.unwrap_err();
        assert!(
            e.contains("docker-credential-other")
                && e.contains("credHelpers")
                && e.contains("locked"),
            "{e}"
        );
        // The failing helper's registry is left out of a build's credentials.
        let all = c.all().await.unwrap();
        assert_eq!(all["127.0.0.1:5000"].password.expose(), "pw-helper");

        let c = credentials(dir.path(), r#"{"credsStore": "missing"}"#, &[]);
        let e = c.for_image("busybox").await.unwrap_err();
        assert!(
            e.contains("docker-credential-missing") && e.contains("PATH"),
            "{e}"
        );
    }

    #[tokio::test]
    async fn docker_auth_config_comes_first() {
        let dir = tempfile::tempdir().unwrap();
        let c = credentials(
            dir.path(),
            r#"{"auths": {"127.0.0.1:5000": {"auth": "Ym9iOnB3LWZpbGU="}}}"#,
            // env:pw-env
            &[(
                "DOCKER_AUTH_CONFIG",
                r#"{"auths": {"127.0.0.1:5000": {"auth": "ZW52OnB3LWVudg=="}}}"#,
            )],
        );
        assert_eq!(c.warning, None);
        let a = c.for_image("127.0.0.1:5000/app").await.unwrap();
        assert_eq!(
            (a.username.as_str(), a.password.expose()),
            ("env", "pw-env")
        );
        let c = credentials(
            dir.path(),
            "{}",
            &[("DOCKER_AUTH_CONFIG", r#"{"auths": {"x": {}}}"#)],
        );
        assert!(c.warning.unwrap().contains("missing key `auth`"));
    }
}
