//! The OCI artifact `hoist publish` pushes, and the small registry client
//! that pushes it.
//!
//! Why a module of its own: a compose project is published as an OCI image
//! manifest whose layers are the compose files themselves (compose's
//! `internal/oci`), which the Docker engine cannot push for us (it pushes
//! images it holds, not arbitrary blobs). So hoist speaks the OCI
//! distribution API directly, and only for what publishing needs:
//!
//! * **What is pushed** is pure and tested on its own: [`Descriptor`]s for
//!   compose files, `extends` files and env files with compose's media types
//!   and annotations, and [`manifest`], compose's `generateManifest` (OCI 1.1:
//!   the empty JSON config and `artifactType`; OCI 1.0: compose's own empty
//!   config media type and no `artifactType`), written as Go's
//!   `encoding/json` writes the image-spec structs (field order, base64
//!   `data`), so both tools produce the same bytes for the same input.
//! * **How it is pushed** (`push`, crate-private): each blob is looked for (`HEAD`) and
//!   uploaded monolithically when missing (`POST` an upload, `PUT` it with
//!   `?digest=`), then the manifest is `PUT` under the tag. Without an
//!   explicit `--oci-version`, an OCI 1.1 manifest the registry refuses with
//!   a client error other than an authentication one is pushed again as OCI
//!   1.0, as compose's `PushManifest` does.
//! * **Authentication** answers the registry's `WWW-Authenticate` challenge
//!   ([`Challenge::parse`]): `Basic` with the login, `Bearer` through the
//!   token endpoint (basic login, or the identity token as an OAuth2 refresh
//!   token). Credentials come from [`crate::runtime::auth::Credentials`], as
//!   for pulls; none of them appears in an error.
//! * **Transport**: HTTPS with the system's roots; plain HTTP for loopback
//!   registries (`localhost`, `127.0.0.0/8`, `::1`) and when asked
//!   (`--insecure-registry`).
//!
//! * **`--app`** copies each service's image into the artifact's repository
//!   (containerd's `CopyChain`, which compose's `oci.Copy` uses: an index's
//!   manifests, a manifest's config and layers, children first, by digest)
//!   and pushes [`app_index`], whose subject is the artifact's manifest.
//!
//! Only [`crate::runtime::docker`] calls `push` (crate-private, behind
//! [`crate::runtime::Runtime::push_artifact`]), so a dry run, which has no
//! such writer, cannot push.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine as _;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::{Method, Request, StatusCode};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use sha2::{Digest as _, Sha256};

use crate::runtime::dockerconfig::AuthConfig;

/// The artifact type of a compose project (OCI 1.1 `artifactType`).
pub const ARTIFACT_TYPE: &str = "application/vnd.docker.compose.project";
/// The media type of a layer holding a compose file.
pub const COMPOSE_FILE_MEDIA_TYPE: &str = "application/vnd.docker.compose.file+yaml";
/// The media type of an env file's layer (`--with-env`).
pub const ENV_FILE_MEDIA_TYPE: &str = "application/vnd.docker.compose.envfile";
/// The config media type of an OCI 1.0 push (content `{}`), so tools that
/// fall back to the config's media type recognise a compose project.
pub const EMPTY_CONFIG_MEDIA_TYPE: &str = "application/vnd.docker.compose.config.empty.v1+json";
/// The image-spec's empty descriptor media type (the OCI 1.1 config).
pub const EMPTY_JSON_MEDIA_TYPE: &str = "application/vnd.oci.empty.v1+json";
/// The media type of the manifest.
pub const MANIFEST_MEDIA_TYPE: &str = "application/vnd.oci.image.manifest.v1+json";

/// The media type of an image index (`--app`'s list of images).
pub const INDEX_MEDIA_TYPE: &str = "application/vnd.oci.image.index.v1+json";
const DOCKER_MANIFEST: &str = "application/vnd.docker.distribution.manifest.v2+json";
const DOCKER_MANIFEST_LIST: &str = "application/vnd.docker.distribution.manifest.list.v2+json";

/// The annotation naming the compose version on each layer and the manifest.
const VERSION_ANNOTATION: &str = "com.docker.compose.version";

/// A content descriptor (image-spec's `Descriptor`), with its content.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Descriptor {
    /// `mediaType`.
    pub media_type: String,
    /// `sha256:<hex>` of `data`.
    pub digest: String,
    /// The length of `data`.
    pub size: u64,
    /// `annotations` (sorted, as Go writes a map).
    pub annotations: BTreeMap<String, String>,
    /// The content, written as `data` (base64) as compose does.
    pub data: Vec<u8>,
    /// `artifactType` (the manifest's descriptor under OCI 1.1).
    pub artifact_type: String,
}

/// `sha256:<hex>` of `data`.
pub fn digest(data: &[u8]) -> String {
    let sum = Sha256::digest(data);
    let mut s = String::with_capacity(71);
    s.push_str("sha256:");
    for b in sum {
        s.push_str(&format!("{b:02x}"));
    }
    s
}

/// The last component of a path (Go's `filepath.Base`).
fn base_name(path: &str) -> &str {
    let trimmed = path.trim_end_matches('/');
    match trimmed.rsplit_once('/') {
        Some((_, b)) => b,
        None if trimmed.is_empty() && !path.is_empty() => "/",
        None if trimmed.is_empty() => ".",
        None => trimmed,
    }
}

impl Descriptor {
    /// A descriptor of `data` with no annotations.
    pub fn new(media_type: &str, data: Vec<u8>) -> Descriptor {
        Descriptor {
            media_type: media_type.to_string(),
            digest: digest(&data),
            size: data.len() as u64,
            annotations: BTreeMap::new(),
            data,
            artifact_type: String::new(),
        }
    }

    /// A compose file's layer (compose's `DescriptorForComposeFile`): named
    /// by the base name of `path`.
    pub fn compose_file(path: &str, data: Vec<u8>) -> Descriptor {
        let mut d = Descriptor::new(COMPOSE_FILE_MEDIA_TYPE, data);
        d.annotations.insert(
            VERSION_ANNOTATION.into(),
            crate::labels::COMPOSE_VERSION.into(),
        );
        d.annotations
            .insert("com.docker.compose.file".into(), base_name(path).into());
        d
    }

    /// An `extends` file's layer: a compose file layer marked `extends`.
    pub fn extends_file(name: &str, data: Vec<u8>) -> Descriptor {
        let mut d = Descriptor::compose_file(name, data);
        d.annotations
            .insert("com.docker.compose.extends".into(), "true".into());
        d
    }

    /// An env file's layer (compose's `DescriptorForEnvFile`).
    pub fn env_file(path: &str, data: Vec<u8>) -> Descriptor {
        let mut d = Descriptor::new(ENV_FILE_MEDIA_TYPE, data);
        d.annotations.insert(
            VERSION_ANNOTATION.into(),
            crate::labels::COMPOSE_VERSION.into(),
        );
        d.annotations
            .insert("com.docker.compose.envfile".into(), base_name(path).into());
        d
    }

    /// The image-spec's empty JSON descriptor (`DescriptorEmptyJSON`).
    pub fn empty_json() -> Descriptor {
        Descriptor::new(EMPTY_JSON_MEDIA_TYPE, b"{}".to_vec())
    }

    /// The JSON Go writes for an image-spec `Descriptor`: fields in its
    /// order, empty ones left out, `data` in standard base64.
    pub fn to_json(&self) -> serde_json::Value {
        let mut m = serde_json::Map::new();
        m.insert("mediaType".into(), self.media_type.clone().into());
        m.insert("digest".into(), self.digest.clone().into());
        m.insert("size".into(), self.size.into());
        if !self.annotations.is_empty() {
            let a: serde_json::Map<String, serde_json::Value> = self
                .annotations
                .iter()
                .map(|(k, v)| (k.clone(), v.clone().into()))
                .collect();
            m.insert("annotations".into(), a.into());
        }
        if !self.data.is_empty() {
            m.insert(
                "data".into(),
                base64::engine::general_purpose::STANDARD
                    .encode(&self.data)
                    .into(),
            );
        }
        if !self.artifact_type.is_empty() {
            m.insert("artifactType".into(), self.artifact_type.clone().into());
        }
        m.into()
    }
}

/// `--oci-version`: which manifest shape to push.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OciVersion {
    /// OCI 1.0: no `artifactType`, compose's empty config media type.
    V1_0,
    /// OCI 1.1: `artifactType` and the empty JSON config.
    V1_1,
}

impl std::str::FromStr for OciVersion {
    type Err = String;
    fn from_str(s: &str) -> Result<OciVersion, String> {
        match s {
            "1.0" => Ok(OciVersion::V1_0),
            "1.1" => Ok(OciVersion::V1_1),
            other => Err(format!("unsupported OCI version: {other}")),
        }
    }
}

/// A manifest ready to push: its descriptor (whose `data` is the manifest's
/// bytes) and the config blob it names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Manifest {
    /// The config blob.
    pub config: Descriptor,
    /// The manifest itself.
    pub descriptor: Descriptor,
}

/// compose's `generateManifest`: the image manifest of `layers` in the
/// shape of `version`, annotated with its creation time `created`
/// (RFC 3339).
pub fn manifest(layers: &[Descriptor], version: OciVersion, created: &str) -> Manifest {
    let (config, artifact_type) = match version {
        OciVersion::V1_0 => (Descriptor::new(EMPTY_CONFIG_MEDIA_TYPE, b"{}".to_vec()), ""),
        OciVersion::V1_1 => (Descriptor::empty_json(), ARTIFACT_TYPE),
    };
    let mut m = serde_json::Map::new();
    m.insert("schemaVersion".into(), 2.into());
    m.insert("mediaType".into(), MANIFEST_MEDIA_TYPE.into());
    if !artifact_type.is_empty() {
        m.insert("artifactType".into(), artifact_type.into());
    }
    m.insert("config".into(), config.to_json());
    m.insert(
        "layers".into(),
        layers.iter().map(Descriptor::to_json).collect(),
    );
    m.insert(
        "annotations".into(),
        serde_json::json!({ "org.opencontainers.image.created": created }),
    );
    let bytes = compose_spec::gocompat::json::to_string(&serde_json::Value::Object(m)).into_bytes();
    let mut descriptor = Descriptor::new(MANIFEST_MEDIA_TYPE, bytes);
    descriptor.annotations.insert(
        VERSION_ANNOTATION.into(),
        crate::labels::COMPOSE_VERSION.into(),
    );
    descriptor.artifact_type = artifact_type.into();
    Manifest { config, descriptor }
}

/// `--app`'s index (compose's `v1.Index`): the copied images' manifests,
/// the artifact's manifest as its subject (without its data), compose's
/// version annotation; its descriptor carries the artifact type.
pub fn app_index(manifests: &[Descriptor], subject: &Descriptor) -> Descriptor {
    let mut subject = subject.clone();
    subject.data.clear();
    let mut m = serde_json::Map::new();
    m.insert("schemaVersion".into(), 2.into());
    m.insert("mediaType".into(), INDEX_MEDIA_TYPE.into());
    m.insert(
        "manifests".into(),
        manifests.iter().map(Descriptor::to_json).collect(),
    );
    m.insert("subject".into(), subject.to_json());
    m.insert(
        "annotations".into(),
        serde_json::json!({ VERSION_ANNOTATION: crate::labels::COMPOSE_VERSION }),
    );
    let bytes = compose_spec::gocompat::json::to_string(&serde_json::Value::Object(m)).into_bytes();
    let mut d = Descriptor::new(INDEX_MEDIA_TYPE, bytes);
    d.annotations.insert(
        VERSION_ANNOTATION.into(),
        crate::labels::COMPOSE_VERSION.into(),
    );
    d.artifact_type = ARTIFACT_TYPE.into();
    d
}

/// Where an artifact goes: `REPOSITORY[:TAG]` as distribution's
/// `ParseDockerRef` reads it (Docker Hub made explicit, `latest` by default).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    /// The registry (`docker.io`, `127.0.0.1:5000`).
    pub domain: String,
    /// The repository path (`library/app`, `team/app`).
    pub path: String,
    /// The tag.
    pub tag: String,
}

impl Reference {
    /// Parses `REPOSITORY[:TAG]`; a digest or an invalid name is refused
    /// with distribution's words.
    pub fn parse(s: &str) -> Result<Reference, String> {
        let invalid = || format!("invalid reference format: {s}");
        if s.contains('@') {
            return Err(format!("{s}: a digest reference cannot be published to"));
        }
        if s.is_empty() {
            return Err(invalid());
        }
        let full = crate::images::full_reference(s);
        let (name, tag) = full.rsplit_once(':').ok_or_else(invalid)?;
        let (domain, path) = name.split_once('/').ok_or_else(invalid)?;
        let component = regex::Regex::new(r"^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$")
            .map_err(|e| e.to_string())?;
        if path.chars().any(|c| c.is_ascii_uppercase()) {
            return Err(format!(
                "invalid reference format: repository name ({path}) must be lowercase"
            ));
        }
        if !path.split('/').all(|c| component.is_match(c)) {
            return Err(invalid());
        }
        let tag_ok = regex::Regex::new(r"^[\w][\w.-]{0,127}$").map_err(|e| e.to_string())?;
        if !tag_ok.is_match(tag) {
            return Err(invalid());
        }
        Ok(Reference {
            domain: domain.to_string(),
            path: path.to_string(),
            tag: tag.to_string(),
        })
    }

    /// An image reference as a service writes it (`busybox`, `reg/app:1`,
    /// `reg/app@sha256:…`): for a digest reference, `tag` holds the digest
    /// (what the manifest is asked for by).
    pub fn parse_image(s: &str) -> Result<Reference, String> {
        let full = crate::images::full_reference(s);
        let invalid = || format!("invalid reference format: {s}");
        let (name, reference) = match full.split_once('@') {
            Some((n, d)) => (n, d),
            None => full.rsplit_once(':').ok_or_else(invalid)?,
        };
        let (domain, path) = name.split_once('/').ok_or_else(invalid)?;
        Ok(Reference {
            domain: domain.to_string(),
            path: path.to_string(),
            tag: reference.to_string(),
        })
    }

    /// The registry's host without its port (Go's `url.Hostname`).
    pub fn hostname(&self) -> &str {
        match self.domain.strip_prefix('[') {
            Some(rest) => rest.split(']').next().unwrap_or_default(),
            None => self.domain.split(':').next().unwrap_or_default(),
        }
    }

    /// The host the registry API answers on (`registry-1.docker.io` for Docker Hub).
    pub fn api_host(&self) -> &str {
        if self.domain == "docker.io" {
            "registry-1.docker.io"
        } else {
            &self.domain
        }
    }

    /// Whether the registry is on loopback (`localhost`, `127.0.0.0/8`, `::1`),
    /// which is spoken to over plain HTTP as the Docker engine does.
    pub fn is_loopback(&self) -> bool {
        let host = self.hostname();
        host == "localhost"
            || host == "::1"
            || host
                .parse::<std::net::Ipv4Addr>()
                .is_ok_and(|ip| ip.is_loopback())
    }
}

impl std::fmt::Display for Reference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}:{}", self.domain, self.path, self.tag)
    }
}

/// What [`crate::runtime::Runtime::push_artifact`] pushes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Artifact {
    /// Where.
    pub reference: Reference,
    /// The layers, in order.
    pub layers: Vec<Descriptor>,
    /// `--oci-version`; `None`: 1.1, falling back to 1.0.
    pub version: Option<OciVersion>,
    /// The manifest's creation time (RFC 3339).
    pub created: String,
    /// Plain HTTP even for a registry not on loopback (`--insecure-registry`).
    pub insecure: bool,
    /// `--app`: the services' images (as written), copied into the
    /// artifact's repository and listed by an index whose subject is the
    /// artifact's manifest.
    pub app_images: Vec<String>,
}

impl Artifact {
    /// The digest of the manifest a push would put first (OCI 1.1 unless a
    /// version is asked for): what the runtimes that push nothing (dry run,
    /// fake) answer.
    pub fn manifest_digest(&self) -> String {
        manifest(
            &self.layers,
            self.version.unwrap_or(OciVersion::V1_1),
            &self.created,
        )
        .descriptor
        .digest
    }

    /// The registries whose credentials the push needs: the artifact's, then
    /// those of the `--app` images.
    pub fn domains(&self) -> Vec<String> {
        let mut out = vec![self.reference.domain.clone()];
        for image in &self.app_images {
            if let Ok(r) = Reference::parse_image(image) {
                if !out.contains(&r.domain) {
                    out.push(r.domain);
                }
            }
        }
        out
    }
}

/// A registry's authentication challenge (`WWW-Authenticate`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Challenge {
    /// `basic` or `bearer` (lower case).
    pub scheme: String,
    /// Its parameters (`realm`, `service`, `scope`), names in lower case.
    pub params: BTreeMap<String, String>,
}

impl Challenge {
    /// The challenges of one `WWW-Authenticate` value (RFC 7235: a scheme,
    /// then `name=value` or `name="quoted \" value"` pairs separated by
    /// commas; a new scheme starts after a comma when a token is not
    /// followed by `=`).
    pub fn parse(header: &str) -> Vec<Challenge> {
        let mut out: Vec<Challenge> = Vec::new();
        let b = header.as_bytes();
        let mut i = 0;
        let token = |i: &mut usize| {
            let start = *i;
            while *i < b.len() && !matches!(b[*i], b' ' | b'\t' | b',' | b'=') {
                *i += 1;
            }
            header[start..*i].to_string()
        };
        let skip_ws = |i: &mut usize| {
            while *i < b.len() && matches!(b[*i], b' ' | b'\t') {
                *i += 1;
            }
        };
        while i < b.len() {
            skip_ws(&mut i);
            while i < b.len() && b[i] == b',' {
                i += 1;
                skip_ws(&mut i);
            }
            if i >= b.len() {
                break;
            }
            let word = token(&mut i);
            skip_ws(&mut i);
            if i < b.len() && b[i] == b'=' && !out.is_empty() {
                // a parameter of the current challenge
                i += 1;
                skip_ws(&mut i);
                let value = if i < b.len() && b[i] == b'"' {
                    i += 1;
                    let mut v = String::new();
                    while i < b.len() && b[i] != b'"' {
                        if b[i] == b'\\' && i + 1 < b.len() {
                            i += 1;
                        }
                        let ch = header[i..].chars().next().unwrap_or_default();
                        v.push(ch);
                        i += ch.len_utf8();
                    }
                    i += 1;
                    v
                } else {
                    token(&mut i)
                };
                if let Some(c) = out.last_mut() {
                    c.params.insert(word.to_lowercase(), value);
                }
            } else if !word.is_empty() {
                out.push(Challenge {
                    scheme: word.to_lowercase(),
                    params: BTreeMap::new(),
                });
            } else {
                i += 1;
            }
        }
        out
    }
}

/// Characters kept as they are in a query value.
fn query_escape(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

type HttpClient = Client<hyper_rustls::HttpsConnector<HttpConnector>, Full<Bytes>>;

/// A failed request: the status (0 when none came back) and what to say.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Failure {
    status: u16,
    message: String,
}

impl Failure {
    fn other(message: String) -> Failure {
        Failure { status: 0, message }
    }
}

/// One registry repository, spoken to with one login.
struct Session {
    http: HttpClient,
    base: String,
    repository: String,
    auth: AuthConfig,
    /// The `Authorization` value that last worked (never shown).
    authorization: Mutex<Option<String>>,
}

struct Answer {
    status: StatusCode,
    location: Option<String>,
    content_type: Option<String>,
    digest: Option<String>,
    body: Bytes,
}

const REQUEST_TIMEOUT: Duration = Duration::from_secs(120);

impl Session {
    fn new(reference: &Reference, auth: AuthConfig, insecure: bool) -> Result<Session, String> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut roots = rustls::RootCertStore::empty();
        roots.add_parsable_certificates(rustls_native_certs::load_native_certs().certs);
        let tls = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| format!("TLS setup: {e}"))?
            .with_root_certificates(roots)
            .with_no_client_auth();
        let mut http = HttpConnector::new();
        http.enforce_http(false);
        http.set_connect_timeout(Some(Duration::from_secs(30)));
        let https = hyper_rustls::HttpsConnectorBuilder::new()
            .with_tls_config(tls)
            .https_or_http()
            .enable_http1()
            .wrap_connector(http);
        let scheme = if insecure || reference.is_loopback() {
            "http"
        } else {
            "https"
        };
        Ok(Session {
            http: Client::builder(TokioExecutor::new()).build(https),
            base: format!("{scheme}://{}", reference.api_host()),
            repository: reference.path.clone(),
            auth,
            authorization: Mutex::new(None),
        })
    }

    fn url(&self, rest: &str) -> String {
        format!("{}/v2/{}/{rest}", self.base, self.repository)
    }

    fn current_authorization(&self) -> Option<String> {
        self.authorization
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    async fn send_once(
        &self,
        method: &Method,
        url: &str,
        content_type: Option<&str>,
        body: &Bytes,
        authorization: Option<&str>,
    ) -> Result<(Answer, Option<String>), Failure> {
        let mut req = Request::builder().method(method.clone()).uri(url);
        if method == Method::GET && url.contains("/manifests/") {
            req = req.header(
                "Accept",
                [
                    INDEX_MEDIA_TYPE,
                    DOCKER_MANIFEST_LIST,
                    MANIFEST_MEDIA_TYPE,
                    DOCKER_MANIFEST,
                ]
                .join(", "),
            );
        }
        if let Some(ct) = content_type {
            req = req.header("Content-Type", ct);
        }
        if let Some(a) = authorization {
            req = req.header("Authorization", a);
        }
        req = req.header("User-Agent", concat!("hoist/", env!("CARGO_PKG_VERSION")));
        let req = req
            .body(Full::new(body.clone()))
            .map_err(|e| Failure::other(format!("{method} {url}: {e}")))?;
        let resp = tokio::time::timeout(REQUEST_TIMEOUT, self.http.request(req))
            .await
            .map_err(|_| Failure::other(format!("{method} {url}: timed out")))?
            .map_err(|e| Failure::other(format!("{method} {url}: {}", error_chain(&e))))?;
        let status = resp.status();
        let header = |name: &str| {
            resp.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let location = header("Location");
        let content_type = header("Content-Type");
        let digest = header("Docker-Content-Digest");
        let challenge = header("WWW-Authenticate");
        let body = resp
            .into_body()
            .collect()
            .await
            .map_err(|e| Failure::other(format!("{method} {url}: {e}")))?
            .to_bytes();
        Ok((
            Answer {
                status,
                location,
                content_type,
                digest,
                body,
            },
            challenge,
        ))
    }

    /// Sends a request; on `401` answers the challenge once and sends it again.
    async fn send(
        &self,
        method: Method,
        url: &str,
        content_type: Option<&str>,
        body: Bytes,
    ) -> Result<Answer, Failure> {
        // The login and tokens go to the registry only, not to an upload
        // location elsewhere (object storage).
        if !url.starts_with(&format!("{}/", self.base)) {
            let (answer, _) = self
                .send_once(&method, url, content_type, &body, None)
                .await?;
            return Ok(answer);
        }
        let auth = self.current_authorization();
        let (answer, challenge) = self
            .send_once(&method, url, content_type, &body, auth.as_deref())
            .await?;
        if answer.status != StatusCode::UNAUTHORIZED {
            return Ok(answer);
        }
        let Some(challenge) = challenge else {
            return Ok(answer);
        };
        let Some(authorization) = self.authorize(&challenge).await? else {
            return Ok(answer);
        };
        *self.authorization.lock().unwrap_or_else(|e| e.into_inner()) = Some(authorization.clone());
        let (answer, _) = self
            .send_once(&method, url, content_type, &body, Some(&authorization))
            .await?;
        Ok(answer)
    }

    /// The `Authorization` value answering `header`, or `None` when there is
    /// nothing to answer with.
    async fn authorize(&self, header: &str) -> Result<Option<String>, Failure> {
        let challenges = Challenge::parse(header);
        let basic = || {
            let user = &self.auth.username;
            let password = self.auth.password.expose();
            (!user.is_empty() || !password.is_empty()).then(|| {
                format!(
                    "Basic {}",
                    base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"))
                )
            })
        };
        if let Some(c) = challenges.iter().find(|c| c.scheme == "bearer") {
            return self.token(c, basic()).await.map(Some);
        }
        if challenges.iter().any(|c| c.scheme == "basic") {
            return Ok(basic());
        }
        Ok(None)
    }

    /// A bearer token from the challenge's realm, for pull and push of the repository.
    async fn token(&self, c: &Challenge, basic: Option<String>) -> Result<String, Failure> {
        let realm = c
            .params
            .get("realm")
            .ok_or_else(|| Failure::other("the registry's bearer challenge has no realm".into()))?;
        let service = c.params.get("service").cloned().unwrap_or_default();
        let scope = format!("repository:{}:pull,push", self.repository);
        let refresh = self.auth.identity_token.expose();
        let (method, url, content_type, body, authorization) = if !refresh.is_empty() {
            let form = format!(
                "grant_type=refresh_token&service={}&scope={}&client_id=hoist&refresh_token={}",
                query_escape(&service),
                query_escape(&scope),
                query_escape(refresh)
            );
            (
                Method::POST,
                realm.clone(),
                Some("application/x-www-form-urlencoded"),
                Bytes::from(form),
                None,
            )
        } else {
            let sep = if realm.contains('?') { '&' } else { '?' };
            let mut url = format!("{realm}{sep}scope={}", query_escape(&scope));
            if !service.is_empty() {
                url.push_str(&format!("&service={}", query_escape(&service)));
            }
            (Method::GET, url, None, Bytes::new(), basic)
        };
        let (answer, _) = self
            .send_once(&method, &url, content_type, &body, authorization.as_deref())
            .await?;
        if !answer.status.is_success() {
            return Err(Failure {
                status: answer.status.as_u16(),
                message: format!(
                    "cannot get a token from {realm}: {}",
                    status_text(answer.status)
                ),
            });
        }
        let v: serde_json::Value = serde_json::from_slice(&answer.body)
            .map_err(|e| Failure::other(format!("the token from {realm} is not JSON: {e}")))?;
        let token = v["token"]
            .as_str()
            .filter(|t| !t.is_empty())
            .or_else(|| v["access_token"].as_str())
            .filter(|t| !t.is_empty())
            .ok_or_else(|| Failure::other(format!("{realm} gave no token")))?;
        Ok(format!("Bearer {token}"))
    }

    fn failure(&self, what: &str, url: &str, a: &Answer) -> Failure {
        Failure {
            status: a.status.as_u16(),
            message: format!(
                "{what}: unexpected status from {url}: {}{}",
                status_text(a.status),
                registry_message(&a.body)
            ),
        }
    }

    /// Pushes a blob unless the registry has it.
    async fn push_blob(&self, d: &Descriptor) -> Result<(), Failure> {
        let head = self.url(&format!("blobs/{}", d.digest));
        let a = self.send(Method::HEAD, &head, None, Bytes::new()).await?;
        if a.status.is_success() {
            return Ok(());
        }
        if a.status != StatusCode::NOT_FOUND {
            return Err(self.failure("HEAD", &head, &a));
        }
        let start = self.url("blobs/uploads/");
        let a = self.send(Method::POST, &start, None, Bytes::new()).await?;
        if a.status != StatusCode::ACCEPTED {
            return Err(self.failure("POST", &start, &a));
        }
        let location = a.location.ok_or_else(|| {
            Failure::other(format!(
                "POST {start}: the registry gave no upload location"
            ))
        })?;
        let mut put = if location.starts_with("http://") || location.starts_with("https://") {
            location
        } else {
            format!("{}{location}", self.base)
        };
        put.push(if put.contains('?') { '&' } else { '?' });
        put.push_str(&format!("digest={}", query_escape(&d.digest)));
        let a = self
            .send(
                Method::PUT,
                &put,
                Some("application/octet-stream"),
                Bytes::from(d.data.clone()),
            )
            .await?;
        if a.status != StatusCode::CREATED && !a.status.is_success() {
            let shown = put.split('?').next().unwrap_or_default().to_string();
            return Err(self.failure("PUT", &shown, &a));
        }
        Ok(())
    }

    /// Puts the manifest under `tag`.
    async fn push_manifest(&self, d: &Descriptor, tag: &str) -> Result<(), Failure> {
        let url = self.url(&format!("manifests/{tag}"));
        let a = self
            .send(
                Method::PUT,
                &url,
                Some(&d.media_type),
                Bytes::from(d.data.clone()),
            )
            .await?;
        if !a.status.is_success() {
            return Err(self.failure("PUT", &url, &a));
        }
        Ok(())
    }

    /// A manifest of the repository (by tag or digest), with its descriptor.
    async fn get_manifest(&self, reference: &str) -> Result<Descriptor, Failure> {
        let url = self.url(&format!("manifests/{reference}"));
        let a = self.send(Method::GET, &url, None, Bytes::new()).await?;
        if !a.status.is_success() {
            return Err(self.failure("GET", &url, &a));
        }
        let media_type = a
            .content_type
            .clone()
            .unwrap_or_default()
            .split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_string();
        let d = Descriptor::new(&media_type, a.body.to_vec());
        if let Some(digest) = a.digest.filter(|g| g.starts_with("sha256:")) {
            if digest != d.digest {
                return Err(Failure::other(format!(
                    "GET {url}: the manifest's digest is not {digest}"
                )));
            }
        }
        Ok(d)
    }

    /// A blob of the repository (one redirect followed, as registries on
    /// object storage answer).
    async fn get_blob(&self, digest: &str) -> Result<Vec<u8>, Failure> {
        let url = self.url(&format!("blobs/{digest}"));
        let a = self.send(Method::GET, &url, None, Bytes::new()).await?;
        let a = if a.status.is_redirection() {
            let to = a.location.clone().ok_or_else(|| {
                Failure::other(format!("GET {url}: redirected without a location"))
            })?;
            let (answer, _) = self
                .send_once(&Method::GET, &to, None, &Bytes::new(), None)
                .await?;
            answer
        } else {
            a
        };
        if !a.status.is_success() {
            return Err(self.failure("GET", &url, &a));
        }
        if digest_of(&a.body) != digest {
            return Err(Failure::other(format!(
                "GET {url}: the content is not {digest}"
            )));
        }
        Ok(a.body.to_vec())
    }

    async fn create_and_push(
        &self,
        artifact: &Artifact,
        version: OciVersion,
    ) -> Result<Descriptor, Failure> {
        let m = manifest(&artifact.layers, version, &artifact.created);
        self.push_blob(&m.config).await?;
        self.push_manifest(&m.descriptor, &artifact.reference.tag)
            .await?;
        Ok(m.descriptor)
    }
}

fn digest_of(data: &[u8]) -> String {
    digest(data)
}

/// Copies the manifest `d` of `src` (and what it names: an index's
/// manifests, a manifest's config and layers) into `dst`, children first,
/// by digest (containerd's `CopyChain`, which compose's `oci.Copy` uses).
fn copy_chain<'a>(
    src: &'a Session,
    dst: &'a Session,
    d: &'a Descriptor,
) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), Failure>> + Send + 'a>> {
    Box::pin(async move {
        let v: serde_json::Value = serde_json::from_slice(&d.data)
            .map_err(|e| Failure::other(format!("the manifest {} is not JSON: {e}", d.digest)))?;
        match d.media_type.as_str() {
            INDEX_MEDIA_TYPE | DOCKER_MANIFEST_LIST => {
                for child in v["manifests"].as_array().into_iter().flatten() {
                    let digest = child["digest"].as_str().unwrap_or_default();
                    let m = src.get_manifest(digest).await?;
                    copy_chain(src, dst, &m).await?;
                }
            }
            _ => {
                let blobs = std::iter::once(&v["config"])
                    .chain(v["layers"].as_array().into_iter().flatten());
                for b in blobs {
                    let Some(digest) = b["digest"].as_str() else {
                        continue;
                    };
                    let head = dst.url(&format!("blobs/{digest}"));
                    let a = dst.send(Method::HEAD, &head, None, Bytes::new()).await?;
                    if a.status.is_success() {
                        continue;
                    }
                    let data = src.get_blob(digest).await?;
                    let mut blob = Descriptor::new("application/octet-stream", data);
                    blob.digest = digest.to_string();
                    dst.push_blob(&blob).await?;
                }
            }
        }
        dst.push_manifest(d, &d.digest).await
    })
}

fn status_text(s: StatusCode) -> String {
    format!(
        "{} {}",
        s.as_u16(),
        s.canonical_reason().unwrap_or_default()
    )
}

/// The registry's own words (`{"errors":[{"message":...}]}`), after `: `.
fn registry_message(body: &[u8]) -> String {
    let Ok(v) = serde_json::from_slice::<serde_json::Value>(body) else {
        return String::new();
    };
    let words: Vec<String> = v["errors"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|e| e["message"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    if words.is_empty() {
        String::new()
    } else {
        format!(": {}", words.join("; "))
    }
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut cur = e.source();
    while let Some(c) = cur {
        s.push_str(": ");
        s.push_str(&c.to_string());
        cur = c.source();
    }
    s
}

/// Whether a manifest refused with `status` is worth pushing again as OCI
/// 1.0: a client error that is not about authentication (compose's
/// `isNonAuthClientError`).
pub fn retry_as_oci_1_0(status: u16) -> bool {
    (400..500).contains(&status) && !matches!(status, 401 | 403 | 407)
}

/// Pushes `artifact` with `auth` (compose's `PushManifest`): the empty
/// config (OCI 1.1 or automatic), the layers, then the config and manifest
/// of the version asked for, or of 1.1 falling back to 1.0. Returns the
/// manifest's digest.
///
/// With `--app` images, each is copied into the artifact's repository
/// (compose's `oci.Copy`: its manifest annotated with the repository it
/// came from) and an index of them whose subject is the artifact's
/// manifest is pushed by digest. `auths` holds each registry's credentials
/// ([`Artifact::domains`]).
pub(crate) async fn push(
    artifact: &Artifact,
    auths: &BTreeMap<String, AuthConfig>,
) -> Result<String, String> {
    let auth = |domain: &str| auths.get(domain).cloned().unwrap_or_default();
    let s = Session::new(
        &artifact.reference,
        auth(&artifact.reference.domain),
        artifact.insecure,
    )?;
    let manifest = push_manifest(&s, artifact).await?;
    if artifact.app_images.is_empty() {
        return Ok(manifest.digest);
    }
    let mut manifests = Vec::new();
    for image in &artifact.app_images {
        let r = Reference::parse_image(image)?;
        let src = Session::new(&r, auth(&r.domain), artifact.insecure)?;
        let fail = |f: Failure| {
            format!(
                "failed to copy {image} to {}: {}",
                artifact.reference, f.message
            )
        };
        let mut d = src.get_manifest(&r.tag).await.map_err(fail)?;
        copy_chain(&src, &s, &d).await.map_err(fail)?;
        d.annotations.insert(
            format!("containerd.io/distribution.source.{}", r.hostname()),
            r.path.clone(),
        );
        d.data.clear();
        manifests.push(d);
    }
    let index = app_index(&manifests, &manifest);
    s.push_manifest(&index, &index.digest)
        .await
        .map_err(|f| format!("failed to push {}: {}", artifact.reference, f.message))?;
    Ok(manifest.digest)
}

/// compose's `PushManifest`: the blobs, then the manifest (1.1 falling back
/// to 1.0 unless a version is asked for); its descriptor.
async fn push_manifest(s: &Session, artifact: &Artifact) -> Result<Descriptor, String> {
    let with_ref = |f: Failure| format!("failed to push {}: {}", artifact.reference, f.message);
    if artifact.version != Some(OciVersion::V1_0) {
        s.push_blob(&Descriptor::empty_json())
            .await
            .map_err(with_ref)?;
    }
    for layer in &artifact.layers {
        s.push_blob(layer).await.map_err(with_ref)?;
    }
    match artifact.version {
        Some(v) => s.create_and_push(artifact, v).await.map_err(with_ref),
        None => match s.create_and_push(artifact, OciVersion::V1_1).await {
            Err(f) if retry_as_oci_1_0(f.status) => s
                .create_and_push(artifact, OciVersion::V1_0)
                .await
                .map_err(with_ref),
            r => r.map_err(with_ref),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (descriptor, media type, annotations)
    type Case = (Descriptor, &'static str, Vec<(&'static str, &'static str)>);

    #[test]
    fn layer_descriptors_as_compose_writes_them() {
        let v = crate::labels::COMPOSE_VERSION;
        let cases: Vec<Case> = vec![
            (
                Descriptor::compose_file("/p/compose.yaml", b"services: {}\n".to_vec()),
                COMPOSE_FILE_MEDIA_TYPE,
                vec![
                    ("com.docker.compose.file", "compose.yaml"),
                    ("com.docker.compose.version", v),
                ],
            ),
            (
                Descriptor::extends_file("ab12.yaml", b"x".to_vec()),
                COMPOSE_FILE_MEDIA_TYPE,
                vec![
                    ("com.docker.compose.extends", "true"),
                    ("com.docker.compose.file", "ab12.yaml"),
                    ("com.docker.compose.version", v),
                ],
            ),
            (
                Descriptor::env_file("cd34.env", b"A=1\n".to_vec()),
                ENV_FILE_MEDIA_TYPE,
                vec![
                    ("com.docker.compose.envfile", "cd34.env"),
                    ("com.docker.compose.version", v),
                ],
            ),
            (Descriptor::empty_json(), EMPTY_JSON_MEDIA_TYPE, vec![]),
        ];
        for (d, media, annotations) in cases {
            assert_eq!(d.media_type, media);
            assert_eq!(d.size, d.data.len() as u64);
            assert_eq!(d.digest, digest(&d.data));
            let want: BTreeMap<String, String> = annotations
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
            assert_eq!(d.annotations, want, "{media}");
        }
        // The empty JSON descriptor is the image-spec's, byte for byte.
        assert_eq!(
            compose_spec::gocompat::json::to_string(&Descriptor::empty_json().to_json()),
            r#"{"mediaType":"application/vnd.oci.empty.v1+json","digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","size":2,"data":"e30="}"#
        );
    }

    #[test]
    fn manifests_of_both_oci_versions() {
        // The manifest the reference pushed for a one-file project
        // (`services:\n  web:\n    image: hoist-test/busybox:latest\n    command: sleep 1\n`).
        let file =
            b"services:\n  web:\n    image: hoist-test/busybox:latest\n    command: sleep 1\n";
        let layer = Descriptor::compose_file("compose.yaml", file.to_vec());
        assert_eq!(
            layer.digest,
            "sha256:e839f8c9fd58cc9bd141862110d39c2affa7c6a533daf55058e9eac1f4efe954"
        );
        let created = "2026-12-03T11:15:22Z";
        let m = manifest(std::slice::from_ref(&layer), OciVersion::V1_1, created);
        let text = String::from_utf8(m.descriptor.data.clone()).unwrap();
        assert_eq!(
            text,
            concat!(
                r#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","#,
                r#""artifactType":"application/vnd.docker.compose.project","#,
                r#""config":{"mediaType":"application/vnd.oci.empty.v1+json","digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","size":2,"data":"e30="},"#,
                r#""layers":[{"mediaType":"application/vnd.docker.compose.file+yaml","digest":"sha256:e839f8c9fd58cc9bd141862110d39c2affa7c6a533daf55058e9eac1f4efe954","size":75,"#,
                r#""annotations":{"com.docker.compose.file":"compose.yaml","com.docker.compose.version":"2.40.3"},"#,
                r#""data":"c2VydmljZXM6CiAgd2ViOgogICAgaW1hZ2U6IGhvaXN0LXRlc3QvYnVzeWJveDpsYXRlc3QKICAgIGNvbW1hbmQ6IHNsZWVwIDEK"}],"#,
                r#""annotations":{"org.opencontainers.image.created":"2026-12-03T11:15:22Z"}}"#
            )
        );
        assert_eq!(m.descriptor.artifact_type, ARTIFACT_TYPE);
        assert_eq!(m.descriptor.media_type, MANIFEST_MEDIA_TYPE);
        assert_eq!(m.descriptor.digest, digest(text.as_bytes()));
        assert_eq!(m.config, Descriptor::empty_json());

        let m = manifest(&[layer], OciVersion::V1_0, created);
        let v: serde_json::Value = serde_json::from_slice(&m.descriptor.data).unwrap();
        assert!(v.get("artifactType").is_none(), "{v}");
        assert_eq!(v["config"]["mediaType"], EMPTY_CONFIG_MEDIA_TYPE);
        assert_eq!(v["config"]["digest"], Descriptor::empty_json().digest);
        assert_eq!(m.config.media_type, EMPTY_CONFIG_MEDIA_TYPE);
        assert!(m.descriptor.artifact_type.is_empty());
    }

    #[test]
    fn oci_versions_and_fallback_statuses() {
        assert_eq!("1.0".parse(), Ok(OciVersion::V1_0));
        assert_eq!("1.1".parse(), Ok(OciVersion::V1_1));
        assert_eq!(
            "2".parse::<OciVersion>(),
            Err("unsupported OCI version: 2".to_string())
        );
        for (status, retry) in [
            (400, true),
            (404, true),
            (415, true),
            (401, false),
            (403, false),
            (407, false),
            (500, false),
            (0, false),
        ] {
            assert_eq!(retry_as_oci_1_0(status), retry, "{status}");
        }
    }

    #[test]
    fn challenges() {
        let c = Challenge::parse(
            r#"Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:me/app:pull,push""#,
        );
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].scheme, "bearer");
        assert_eq!(c[0].params["realm"], "https://auth.docker.io/token");
        assert_eq!(c[0].params["service"], "registry.docker.io");
        assert_eq!(c[0].params["scope"], "repository:me/app:pull,push");

        let c = Challenge::parse(r#"Basic realm="hoist-test""#);
        assert_eq!(c[0].scheme, "basic");
        assert_eq!(c[0].params["realm"], "hoist-test");

        // several challenges, unquoted values, escapes, odd spacing
        let c = Challenge::parse(r#"Basic realm=r1 , Bearer  realm="a \"q\" b", Service=svc"#);
        assert_eq!(c.len(), 2, "{c:?}");
        assert_eq!(c[0].params["realm"], "r1");
        assert_eq!(c[1].scheme, "bearer");
        assert_eq!(c[1].params["realm"], r#"a "q" b"#);
        assert_eq!(c[1].params["service"], "svc");
        assert!(Challenge::parse("").is_empty());
    }

    #[test]
    fn references() {
        let r = Reference::parse("127.0.0.1:5000/team/app:v1").unwrap();
        assert_eq!(
            (r.domain.as_str(), r.path.as_str(), r.tag.as_str()),
            ("127.0.0.1:5000", "team/app", "v1")
        );
        assert!(r.is_loopback());
        let r = Reference::parse("me/app").unwrap();
        assert_eq!(r.to_string(), "docker.io/me/app:latest");
        assert_eq!(r.api_host(), "registry-1.docker.io");
        assert!(!r.is_loopback());
        assert!(Reference::parse("localhost:5000/app")
            .unwrap()
            .is_loopback());
        assert!(!Reference::parse("registry.example/app")
            .unwrap()
            .is_loopback());
        for bad in ["", "Me/App", "app@sha256:00", "a//b", "app:-x"] {
            assert!(Reference::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn app_index_as_compose_writes_it() {
        let subject = manifest(&[], OciVersion::V1_1, "2026-12-03T11:15:22Z").descriptor;
        let mut image = Descriptor::new(DOCKER_MANIFEST, b"{}".to_vec());
        image.data.clear();
        image.annotations.insert(
            "containerd.io/distribution.source.127.0.0.1".into(),
            "pub/busybox".into(),
        );
        let index = app_index(&[image], &subject);
        assert_eq!(index.media_type, INDEX_MEDIA_TYPE);
        assert_eq!(index.artifact_type, ARTIFACT_TYPE);
        assert_eq!(index.digest, digest(&index.data));
        assert_eq!(
            String::from_utf8(index.data.clone()).unwrap(),
            format!(
                concat!(
                    r#"{{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","#,
                    r#""manifests":[{{"mediaType":"application/vnd.docker.distribution.manifest.v2+json","digest":"{}","size":2,"#,
                    r#""annotations":{{"containerd.io/distribution.source.127.0.0.1":"pub/busybox"}}}}],"#,
                    r#""subject":{{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"{}","size":{},"#,
                    r#""annotations":{{"com.docker.compose.version":"2.40.3"}},"artifactType":"application/vnd.docker.compose.project"}},"#,
                    r#""annotations":{{"com.docker.compose.version":"2.40.3"}}}}"#
                ),
                digest(b"{}"),
                subject.digest,
                subject.size
            )
        );
    }

    #[test]
    fn image_references() {
        for (image, domain, path, reference, host) in [
            (
                "busybox",
                "docker.io",
                "library/busybox",
                "latest",
                "docker.io",
            ),
            (
                "127.0.0.1:5000/a/b:v1",
                "127.0.0.1:5000",
                "a/b",
                "v1",
                "127.0.0.1",
            ),
            (
                "reg.example/a@sha256:00",
                "reg.example",
                "a",
                "sha256:00",
                "reg.example",
            ),
            ("[::1]:5000/a:1", "[::1]:5000", "a", "1", "::1"),
        ] {
            let r = Reference::parse_image(image).unwrap();
            assert_eq!(
                (
                    r.domain.as_str(),
                    r.path.as_str(),
                    r.tag.as_str(),
                    r.hostname()
                ),
                (domain, path, reference, host),
                "{image}"
            );
        }
    }

    /// A request the mock registry received.
    #[derive(Debug, Clone)]
    struct Req {
        method: String,
        target: String,
        headers: BTreeMap<String, String>,
        body: Vec<u8>,
    }

    /// What the mock registry answers: status, headers, body.
    type Resp = (u16, Vec<(String, String)>, Vec<u8>);

    /// A registry on loopback (plain HTTP, as hoist speaks to loopback registries), one
    /// request per connection, answering with `handler(port, request)`; every request is kept.
    fn serve(handler: impl Fn(u16, &Req) -> Resp + Send + 'static) -> (u16, Arc<Mutex<Vec<Req>>>) {
        use std::io::{BufRead, BufReader, Read, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&seen);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { return };
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut line = String::new();
                if reader.read_line(&mut line).is_err() {
                    continue;
                }
                let mut parts = line.split_whitespace();
                let method = parts.next().unwrap_or_default().to_string();
                let target = parts.next().unwrap_or_default().to_string();
                let mut headers = BTreeMap::new();
                loop {
                    let mut h = String::new();
                    if reader.read_line(&mut h).is_err() || h.trim().is_empty() {
                        break;
                    }
                    if let Some((k, v)) = h.split_once(':') {
                        headers.insert(k.trim().to_lowercase(), v.trim().to_string());
                    }
                }
                let len: usize = headers
                    .get("content-length")
                    .and_then(|l| l.parse().ok())
                    .unwrap_or(0);
                let mut body = vec![0; len];
                let _ = reader.read_exact(&mut body);
                let req = Req {
                    method,
                    target,
                    headers,
                    body,
                };
                let (status, headers, body) = handler(port, &req);
                log.lock().unwrap().push(req);
                let mut out = format!(
                    "HTTP/1.1 {status} X\r\nContent-Length: {}\r\nConnection: close\r\n",
                    body.len()
                );
                for (k, v) in headers {
                    out.push_str(&format!("{k}: {v}\r\n"));
                }
                out.push_str("\r\n");
                let _ = stream.write_all(out.as_bytes());
                let _ = stream.write_all(&body);
            }
        });
        (port, seen)
    }

    const PASSWORD: &str = "s3cret-pw";

    /// What the mock registry stored: digest (or tag) → content.
    type Store = Arc<Mutex<BTreeMap<String, Vec<u8>>>>;

    /// A registry behind a token server (`/token`, basic login `me`/[`PASSWORD`]); blobs and
    /// manifests are stored; with `refuse_1_1`, a manifest with an `artifactType` is refused
    /// with a 400, as registries without OCI 1.1 support do.
    fn token_registry(refuse_1_1: bool) -> (u16, Arc<Mutex<Vec<Req>>>, Store) {
        let store: Store = Arc::default();
        let kept = Arc::clone(&store);
        let (port, seen) = serve(move |port, r| {
            let login = format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(format!("me:{PASSWORD}"))
            );
            if r.target.starts_with("/token?") {
                let scoped = r
                    .target
                    .contains("scope=repository%3Ateam%2Fapp%3Apull%2Cpush")
                    && r.target.contains("service=reg");
                return match r.headers.get("authorization") {
                    Some(a) if *a == login && scoped => {
                        (200, vec![], br#"{"token":"tok-123"}"#.to_vec())
                    }
                    _ => (401, vec![], vec![]),
                };
            }
            if r.headers.get("authorization").map(String::as_str) != Some("Bearer tok-123") {
                let challenge = format!(
                    r#"Bearer realm="http://127.0.0.1:{port}/token",service="reg",scope="repository:team/app:pull""#
                );
                return (401, vec![("WWW-Authenticate".into(), challenge)], vec![]);
            }
            let mut store = kept.lock().unwrap();
            let path = r.target.split('?').next().unwrap_or_default();
            match (r.method.as_str(), path) {
                ("HEAD", p) if p.starts_with("/v2/team/app/blobs/") => {
                    let d = &p["/v2/team/app/blobs/".len()..];
                    (
                        if store.contains_key(d) { 200 } else { 404 },
                        vec![],
                        vec![],
                    )
                }
                ("POST", "/v2/team/app/blobs/uploads/") => (
                    202,
                    vec![(
                        "Location".into(),
                        "/v2/team/app/blobs/uploads/u1?_state=abc".into(),
                    )],
                    vec![],
                ),
                ("PUT", "/v2/team/app/blobs/uploads/u1") => {
                    let d = r
                        .target
                        .split("digest=")
                        .nth(1)
                        .unwrap_or_default()
                        .replace("%3A", ":");
                    if digest(&r.body) != d || !r.target.contains("_state=abc") {
                        return (
                            400,
                            vec![],
                            br#"{"errors":[{"message":"digest invalid"}]}"#.to_vec(),
                        );
                    }
                    store.insert(d, r.body.clone());
                    (201, vec![], vec![])
                }
                ("PUT", "/v2/team/app/manifests/v1") => {
                    let v: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
                    if refuse_1_1 && v.get("artifactType").is_some() {
                        return (
                            400,
                            vec![],
                            br#"{"errors":[{"message":"manifest invalid"}]}"#.to_vec(),
                        );
                    }
                    store.insert("v1".into(), r.body.clone());
                    (201, vec![], vec![])
                }
                _ => (404, vec![], vec![]),
            }
        });
        (port, seen, store)
    }

    fn artifact(port: u16, version: Option<OciVersion>) -> Artifact {
        Artifact {
            reference: Reference::parse(&format!("127.0.0.1:{port}/team/app:v1")).unwrap(),
            layers: vec![
                Descriptor::compose_file("compose.yaml", b"services: {}\n".to_vec()),
                Descriptor::env_file("ab.env", b"A=1\n".to_vec()),
            ],
            version,
            created: "2026-12-03T11:15:22Z".into(),
            insecure: false,
            app_images: vec![],
        }
    }

    fn login(password: &str) -> BTreeMap<String, AuthConfig> {
        let mut auths = BTreeMap::new();
        auths.insert(
            "127.0.0.1".to_string(),
            AuthConfig {
                username: "me".into(),
                password: crate::runtime::dockerconfig::Secret::new(password),
                ..Default::default()
            },
        );
        auths
    }

    #[tokio::test]
    async fn pushes_through_a_token_server() {
        let (port, seen, store) = token_registry(false);
        let a = artifact(port, None);
        let mut auths = login(PASSWORD);
        let auth = auths.remove("127.0.0.1").unwrap();
        auths.insert(a.reference.domain.clone(), auth);
        let digest_pushed = push(&a, &auths).await.unwrap();
        let store = store.lock().unwrap();
        let m = manifest(&a.layers, OciVersion::V1_1, &a.created);
        assert_eq!(digest_pushed, m.descriptor.digest);
        assert_eq!(
            store.get("v1"),
            Some(&m.descriptor.data),
            "the 1.1 manifest under the tag"
        );
        for d in a.layers.iter().chain([&m.config]) {
            assert_eq!(store.get(&d.digest), Some(&d.data), "{}", d.media_type);
        }
        // The login went to the token server only; the registry saw the token.
        let seen = seen.lock().unwrap();
        for r in seen.iter() {
            let auth = r.headers.get("authorization").cloned().unwrap_or_default();
            if r.target.starts_with("/token") {
                assert!(auth.starts_with("Basic "), "{r:?}");
            } else {
                assert!(auth.is_empty() || auth == "Bearer tok-123", "{r:?}");
            }
        }
        // The empty config was looked for before being sent, and sent once.
        let uploads = seen
            .iter()
            .filter(|r| r.method == "PUT" && r.target.contains("uploads"))
            .count();
        assert_eq!(uploads, 3, "{seen:#?}");
    }

    #[tokio::test]
    async fn falls_back_to_oci_1_0_and_keeps_1_1_when_asked() {
        let (port, _, store) = token_registry(true);
        let mut a = artifact(port, None);
        let auths: BTreeMap<String, AuthConfig> = login(PASSWORD)
            .into_values()
            .map(|v| (a.reference.domain.clone(), v))
            .collect();
        push(&a, &auths).await.unwrap();
        let stored: serde_json::Value =
            serde_json::from_slice(&store.lock().unwrap()["v1"]).unwrap();
        assert!(stored.get("artifactType").is_none(), "{stored}");
        assert_eq!(stored["config"]["mediaType"], EMPTY_CONFIG_MEDIA_TYPE);
        // An explicit 1.1 does not fall back.
        a.version = Some(OciVersion::V1_1);
        let e = push(&a, &auths).await.unwrap_err();
        assert!(e.contains("400") && e.contains("manifest invalid"), "{e}");
    }

    #[tokio::test]
    async fn a_refused_login_says_so_without_the_password() {
        let (port, _, store) = token_registry(false);
        let a = artifact(port, None);
        let wrong = format!("{PASSWORD}-wrong");
        let auths: BTreeMap<String, AuthConfig> = login(&wrong)
            .into_values()
            .map(|v| (a.reference.domain.clone(), v))
            .collect();
        let e = push(&a, &auths).await.unwrap_err();
        assert!(e.contains("cannot get a token") && e.contains("401"), "{e}");
        assert!(!e.contains(&wrong) && !e.contains("me:"), "{e}");
        assert!(store.lock().unwrap().is_empty());
    }
}
