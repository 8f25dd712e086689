//! A BuildKit session of hoist's own, for builds through the engine's
//! `/build` that need more than registry credentials: build `secrets:` and
//! `ssh:` forwarding, as the docker CLI attaches them to `docker build`.
//!
//! bollard's build session serves only registry credentials, so hoist opens
//! the session itself: `POST /session` upgraded to HTTP/2 (h2c), the engine's
//! BuildKit then being the gRPC client and hoist the server of the session's
//! services: health, registry credentials (`moby.filesync.v1.Auth`), secrets
//! (`moby.buildkit.secrets.v1.Secrets`) and ssh agents
//! (`moby.sshforward.v1.SSH`). The build request names the session by its id.
//!
//! A secret's value is read when BuildKit asks for it and never logged; an
//! error names the secret's id, never its content.
//!
//! Part of the runtime module: the one place that names bollard.

use std::collections::HashMap;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::Arc;

use bollard::health::health_check_response::ServingStatus;
use bollard::health::health_server::{Health, HealthServer};
use bollard::health::{
    HealthCheckRequest, HealthCheckResponse, HealthListRequest, HealthListResponse,
};
use bollard::moby::buildkit::secrets::v1::secrets_server::{Secrets, SecretsServer};
use bollard::moby::buildkit::secrets::v1::{GetSecretRequest, GetSecretResponse};
use bollard::moby::filesync::v1::auth_server::{Auth, AuthServer};
use bollard::moby::filesync::v1::{
    CredentialsRequest, CredentialsResponse, FetchTokenRequest, FetchTokenResponse,
    GetTokenAuthorityRequest, GetTokenAuthorityResponse, VerifyTokenAuthorityRequest,
    VerifyTokenAuthorityResponse,
};
use bollard::moby::sshforward::v1::ssh_server::{Ssh, SshServer};
use bollard::moby::sshforward::v1::{BytesMessage, CheckAgentRequest, CheckAgentResponse};
use futures_util::{Stream, StreamExt};
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tonic::{Request, Response, Status, Streaming};

use super::dockerconfig::AuthConfig;
use super::transport::Dialer;
use super::BuildSecret;

/// The gRPC methods the session serves, announced to the engine.
const METHODS: &[&str] = &[
    "/grpc.health.v1.Health/Check",
    "/moby.filesync.v1.Auth/Credentials",
    "/moby.filesync.v1.Auth/FetchToken",
    "/moby.filesync.v1.Auth/GetTokenAuthority",
    "/moby.filesync.v1.Auth/VerifyTokenAuthority",
    "/moby.buildkit.secrets.v1.Secrets/GetSecret",
    "/moby.sshforward.v1.SSH/CheckAgent",
    "/moby.sshforward.v1.SSH/ForwardAgent",
];

/// BuildKit's limit on a secret's size (`MaxSecretSize`).
const MAX_SECRET_SIZE: u64 = 500 * 1024;

/// What a session hands to BuildKit.
#[derive(Default)]
pub(super) struct Provided {
    /// Registry credentials by registry host (`index.docker.io` for Docker Hub).
    pub credentials: HashMap<String, AuthConfig>,
    /// Secrets by id.
    pub secrets: HashMap<String, BuildSecret>,
    /// ssh agent sockets by id.
    pub ssh: HashMap<String, PathBuf>,
}

/// A running session; it ends when dropped.
pub(super) struct Session {
    /// The id the build request names.
    pub id: String,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Session {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Opens a session on the engine `dialer` reaches, serving `provided`; it is
/// registered with the engine's session manager when this returns.
pub(super) async fn start(
    dialer: &Dialer,
    id: String,
    provided: Provided,
) -> Result<Session, String> {
    let why = |e: &dyn std::fmt::Display| format!("cannot open a BuildKit session: {e}");
    let io = dialer.dial().await.map_err(|e| why(&e))?;
    let (mut sender, conn) =
        hyper::client::conn::http1::handshake::<_, http_body_util::Empty<bytes::Bytes>>(io)
            .await
            .map_err(|e| why(&e))?;
    let conn = tokio::spawn(async move {
        let _ = conn.with_upgrades().await;
    });
    let mut req = hyper::Request::post("/session")
        .header(hyper::header::HOST, "docker")
        .header(hyper::header::CONNECTION, "Upgrade")
        .header(hyper::header::UPGRADE, "h2c")
        .header("X-Docker-Expose-Session-Uuid", &id)
        .header("X-Docker-Expose-Session-Name", "hoist")
        .header("X-Docker-Expose-Session-Sharedkey", "");
    for m in METHODS {
        req = req.header("X-Docker-Expose-Session-Grpc-Method", *m);
    }
    let req = req
        .body(http_body_util::Empty::new())
        .map_err(|e| why(&e))?;
    let resp = sender.send_request(req).await.map_err(|e| why(&e))?;
    if resp.status() != hyper::StatusCode::SWITCHING_PROTOCOLS {
        conn.abort();
        return Err(why(&format!("the engine answered {}", resp.status())));
    }
    let upgraded = hyper::upgrade::on(resp).await.map_err(|e| why(&e))?;
    let io = Upgraded(TokioIo::new(upgraded));
    let provided = Arc::new(provided);
    let router = tonic::transport::Server::builder()
        .add_service(HealthServer::new(Healthy))
        .add_service(AuthServer::new(Credentials(Arc::clone(&provided))))
        .add_service(SecretsServer::new(SecretStore(Arc::clone(&provided))))
        .add_service(SshServer::new(Agents(provided)));
    let task = tokio::spawn(async move {
        let incoming = futures_util::stream::iter([Ok::<_, std::io::Error>(io)]);
        let _ = router.serve_with_incoming(incoming).await;
        conn.abort();
    });
    Ok(Session { id, task })
}

/// The upgraded connection, as tonic's server takes one.
struct Upgraded(TokioIo<hyper::upgrade::Upgraded>);

impl tonic::transport::server::Connected for Upgraded {
    type ConnectInfo = ();
    fn connect_info(&self) {}
}

impl tokio::io::AsyncRead for Upgraded {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        Pin::new(&mut self.0).poll_read(cx, buf)
    }
}

impl tokio::io::AsyncWrite for Upgraded {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &[u8],
    ) -> std::task::Poll<std::io::Result<usize>> {
        Pin::new(&mut self.0).poll_write(cx, buf)
    }
    fn poll_flush(
        mut self: Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        Pin::new(&mut self.0).poll_flush(cx)
    }
    fn poll_shutdown(
        mut self: Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        Pin::new(&mut self.0).poll_shutdown(cx)
    }
}

/// The session is healthy while it runs.
struct Healthy;

type Boxed<T> = Pin<Box<dyn Stream<Item = Result<T, Status>> + Send>>;

#[tonic::async_trait]
impl Health for Healthy {
    type WatchStream = Boxed<HealthCheckResponse>;
    async fn check(
        &self,
        _: Request<HealthCheckRequest>,
    ) -> Result<Response<HealthCheckResponse>, Status> {
        Ok(Response::new(HealthCheckResponse {
            status: ServingStatus::Serving as i32,
        }))
    }
    async fn list(
        &self,
        _: Request<HealthListRequest>,
    ) -> Result<Response<HealthListResponse>, Status> {
        Err(Status::unimplemented("list"))
    }
    async fn watch(
        &self,
        _: Request<HealthCheckRequest>,
    ) -> Result<Response<Self::WatchStream>, Status> {
        Err(Status::unimplemented("watch"))
    }
}

/// Registry credentials, as the docker CLI's auth provider hands them:
/// user name and password (or identity token) for a host; BuildKit fetches
/// tokens itself when the session does not.
struct Credentials(Arc<Provided>);

#[tonic::async_trait]
impl Auth for Credentials {
    async fn credentials(
        &self,
        request: Request<CredentialsRequest>,
    ) -> Result<Response<CredentialsResponse>, Status> {
        let host = &request.get_ref().host;
        let key = if host == "registry-1.docker.io" {
            "index.docker.io"
        } else {
            host.as_str()
        };
        let found = self
            .0
            .credentials
            .iter()
            .find(|(k, _)| {
                let k = k
                    .trim_start_matches("https://")
                    .trim_start_matches("http://");
                k.split('/').next() == Some(key)
            })
            .map(|(_, a)| a);
        let (username, secret) = match found {
            Some(a) if !a.identity_token.expose().is_empty() => {
                (String::new(), a.identity_token.expose().to_string())
            }
            Some(a) => (a.username.clone(), a.password.expose().to_string()),
            None => (String::new(), String::new()),
        };
        Ok(Response::new(CredentialsResponse { username, secret }))
    }
    async fn fetch_token(
        &self,
        _: Request<FetchTokenRequest>,
    ) -> Result<Response<FetchTokenResponse>, Status> {
        Err(Status::unimplemented("fetch token"))
    }
    async fn get_token_authority(
        &self,
        _: Request<GetTokenAuthorityRequest>,
    ) -> Result<Response<GetTokenAuthorityResponse>, Status> {
        Err(Status::unimplemented("token authority"))
    }
    async fn verify_token_authority(
        &self,
        _: Request<VerifyTokenAuthorityRequest>,
    ) -> Result<Response<VerifyTokenAuthorityResponse>, Status> {
        Err(Status::unimplemented("token authority"))
    }
}

/// Build secrets by id: a file read when asked for, or a value.
struct SecretStore(Arc<Provided>);

#[tonic::async_trait]
impl Secrets for SecretStore {
    async fn get_secret(
        &self,
        request: Request<GetSecretRequest>,
    ) -> Result<Response<GetSecretResponse>, Status> {
        let id = &request.get_ref().id;
        let data = match self.0.secrets.get(id) {
            Some(BuildSecret::File(path)) => {
                let len = tokio::fs::metadata(path)
                    .await
                    .map_err(|e| {
                        Status::not_found(format!("secret {id}: {}: {e}", path.display()))
                    })?
                    .len();
                if len > MAX_SECRET_SIZE {
                    return Err(Status::failed_precondition(format!(
                        "secret {id}: {len} bytes, more than BuildKit's {MAX_SECRET_SIZE}"
                    )));
                }
                tokio::fs::read(path).await.map_err(|e| {
                    Status::not_found(format!("secret {id}: {}: {e}", path.display()))
                })?
            }
            Some(BuildSecret::Value(v)) => v.expose().as_bytes().to_vec(),
            None => return Err(Status::not_found(format!("secret {id} not found"))),
        };
        Ok(Response::new(GetSecretResponse { data }))
    }
}

/// ssh agents by id (`default` when BuildKit names none): each forwarded
/// connection is a new connection to the agent's socket.
struct Agents(Arc<Provided>);

impl Agents {
    fn socket(&self, id: &str) -> Result<&PathBuf, Status> {
        let id = if id.is_empty() { "default" } else { id };
        self.0.ssh.get(id).ok_or_else(|| {
            Status::not_found(format!(
                "no ssh agent for id {id:?}: add it to the service's build.ssh"
            ))
        })
    }
}

#[tonic::async_trait]
impl Ssh for Agents {
    async fn check_agent(
        &self,
        request: Request<CheckAgentRequest>,
    ) -> Result<Response<CheckAgentResponse>, Status> {
        self.socket(&request.get_ref().id)?;
        Ok(Response::new(CheckAgentResponse {}))
    }

    type ForwardAgentStream = Boxed<BytesMessage>;

    async fn forward_agent(
        &self,
        request: Request<Streaming<BytesMessage>>,
    ) -> Result<Response<Self::ForwardAgentStream>, Status> {
        // BuildKit names the agent in the call's metadata (`KeySSHID`).
        let id = request
            .metadata()
            .get("buildkit.ssh.id")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        let path = self.socket(&id)?.clone();
        let sock = tokio::net::UnixStream::connect(&path)
            .await
            .map_err(|e| Status::unavailable(format!("ssh agent {}: {e}", path.display())))?;
        let (mut rd, mut wr) = sock.into_split();
        let mut inbound = request.into_inner();
        tokio::spawn(async move {
            while let Some(Ok(m)) = inbound.next().await {
                if wr.write_all(&m.data).await.is_err() {
                    break;
                }
            }
            let _ = wr.shutdown().await;
        });
        let outbound = async_stream(move |tx| async move {
            let mut buf = vec![0u8; 32 * 1024];
            loop {
                match rd.read(&mut buf).await {
                    Ok(0) => break,
                    Ok(n) => {
                        if tx
                            .send(Ok(BytesMessage {
                                data: buf[..n].to_vec(),
                            }))
                            .await
                            .is_err()
                        {
                            break;
                        }
                    }
                    Err(e) => {
                        let _ = tx.send(Err(Status::unavailable(e.to_string()))).await;
                        break;
                    }
                }
            }
        });
        Ok(Response::new(outbound))
    }
}

/// A stream fed by a task through a channel.
fn async_stream<T, F, Fut>(f: F) -> Boxed<T>
where
    T: Send + 'static,
    F: FnOnce(tokio::sync::mpsc::Sender<Result<T, Status>>) -> Fut,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let (tx, mut rx) = tokio::sync::mpsc::channel(16);
    tokio::spawn(f(tx));
    Box::pin(futures_util::stream::poll_fn(move |cx| rx.poll_recv(cx)))
}
