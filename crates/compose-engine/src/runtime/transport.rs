//! The two transports bollard does not offer the way the docker CLI needs
//! them, plugged in with `connect_with_custom_transport` over a pooled
//! hyper client:
//!
//! * **TLS** (`tcp://` with certificates): rustls with exactly the material
//!   of the endpoint — the context's or `DOCKER_CERT_PATH`'s CA as the only
//!   roots (the system's when there is none), the client certificate when
//!   both `cert.pem` and `key.pem` exist, no verification with
//!   `SkipTLSVerify`/`DOCKER_TLS` — like the docker CLI's `tlsconfig`.
//! * **ssh** (`ssh://`): each connection is a child `ssh … docker system
//!   dial-stdio` speaking HTTP on its stdin/stdout, in its own process group
//!   (a Ctrl-C at the terminal does not reach it) and killed when the
//!   connection is dropped. When ssh fails (refused, host key, login), the
//!   request's error is ssh's own message.
//!
//! Part of the runtime module: the one place that names bollard.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use hyper::Uri;
use hyper_util::client::legacy::connect::{Connected, Connection, HttpConnector};
use hyper_util::client::legacy::Client;
use hyper_util::rt::{TokioExecutor, TokioIo};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, ReadBuf};

use super::endpoint::{SshSpec, Tls};

/// A bollard client speaking HTTPS to `tcp://host:port` with `tls`.
pub(super) fn tls_client(host: &str, tls: &Tls, timeout: u64) -> Result<bollard::Docker, String> {
    let authority = host
        .strip_prefix("tcp://")
        .or_else(|| host.strip_prefix("https://"))
        .or_else(|| host.strip_prefix("http://"))
        .unwrap_or(host);
    let authority = authority.split('/').next().unwrap_or_default();
    let https = https_connector(tls)?;
    let client = Arc::new(Client::builder(TokioExecutor::new()).build(https));
    bollard::Docker::connect_with_custom_transport(
        move |req: bollard::BollardRequest| {
            let client = Arc::clone(&client);
            async move {
                client
                    .request(req)
                    .await
                    .map_err(bollard::errors::Error::from)
            }
        },
        Some(format!("https://{authority}")),
        timeout,
        bollard::API_DEFAULT_VERSION,
    )
    .map_err(|e| e.to_string())
}

/// The connector of a TLS endpoint: TCP, then rustls with its material.
fn https_connector(tls: &Tls) -> Result<hyper_rustls::HttpsConnector<HttpConnector>, String> {
    let mut config = rustls_config(tls)?;
    // No session resumption: every connection makes a full handshake. Some
    // TLS terminators in front of engines (socat, OpenSSL servers that ask
    // for a client certificate without a session id context) reject a
    // resumed session with an internal error; Go's TLS, which the docker CLI
    // uses, resumes nothing here either unless asked.
    config.resumption = rustls::client::Resumption::disabled();
    let mut http = HttpConnector::new();
    http.enforce_http(false);
    http.set_keepalive(Some(Duration::from_secs(30)));
    http.set_connect_timeout(Some(Duration::from_secs(30)));
    Ok(hyper_rustls::HttpsConnectorBuilder::new()
        .with_tls_config(config)
        .https_only()
        .enable_http1()
        .wrap_connector(http))
}

/// A connection to the engine of one's own, for what bollard cannot send
/// (the upgraded `/session` of a BuildKit session): over the same transport
/// as the endpoint's client.
pub(super) enum Dialer {
    /// `unix:///path`.
    Unix(std::path::PathBuf),
    /// `tcp://host:port` or `http://host:port`, plain.
    Tcp(String),
    /// TLS, with the endpoint's material.
    Tls(hyper_rustls::HttpsConnector<HttpConnector>, Uri),
    /// `ssh … docker system dial-stdio`.
    Ssh(SshConnector),
}

impl std::fmt::Debug for Dialer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Dialer::Unix(p) => write!(f, "Dialer::Unix({})", p.display()),
            Dialer::Tcp(a) => write!(f, "Dialer::Tcp({a})"),
            Dialer::Tls(_, uri) => write!(f, "Dialer::Tls({uri})"),
            Dialer::Ssh(c) => write!(f, "Dialer::Ssh({})", c.args.join(" ")),
        }
    }
}

/// A dialled connection, as hyper's client connections take one.
pub(super) trait RawConnection: hyper::rt::Read + hyper::rt::Write + Send + Unpin {}
impl<T: hyper::rt::Read + hyper::rt::Write + Send + Unpin> RawConnection for T {}

impl Dialer {
    /// The dialler for an endpoint host with its TLS material.
    pub(super) fn new(host: &str, tls: Option<&Tls>) -> Result<Dialer, String> {
        let authority = |h: &str| {
            h.split_once("://")
                .map_or(h, |(_, r)| r)
                .split('/')
                .next()
                .unwrap_or_default()
                .to_string()
        };
        if let Some(path) = host.strip_prefix("unix://") {
            return Ok(Dialer::Unix(path.into()));
        }
        if host.starts_with("ssh://") {
            let spec = SshSpec::parse(host)?;
            return Ok(Dialer::Ssh(SshConnector {
                args: Arc::new(spec.command()?),
                failure: Arc::default(),
            }));
        }
        let tls = match (tls, host.starts_with("https://")) {
            (Some(t), _) => Some(t.clone()),
            (None, true) => Some(Tls::default()),
            (None, false) => None,
        };
        match tls {
            Some(t) => {
                let uri = format!("https://{}", authority(host))
                    .parse()
                    .map_err(|e| format!("{host}: {e}"))?;
                Ok(Dialer::Tls(https_connector(&t)?, uri))
            }
            None => Ok(Dialer::Tcp(authority(host))),
        }
    }

    /// A new connection.
    pub(super) async fn dial(&self) -> io::Result<Box<dyn RawConnection>> {
        use tower_service::Service;
        Ok(match self {
            Dialer::Unix(path) => {
                Box::new(TokioIo::new(tokio::net::UnixStream::connect(path).await?))
            }
            Dialer::Tcp(authority) => Box::new(TokioIo::new(
                tokio::net::TcpStream::connect(authority).await?,
            )),
            Dialer::Tls(connector, uri) => Box::new(
                connector
                    .clone()
                    .call(uri.clone())
                    .await
                    .map_err(|e| io::Error::other(e.to_string()))?,
            ),
            Dialer::Ssh(connector) => Box::new(
                connector
                    .clone()
                    .call(Uri::from_static("http://docker.ssh"))
                    .await?,
            ),
        })
    }
}

/// The rustls configuration of an endpoint's TLS material.
fn rustls_config(tls: &Tls) -> Result<rustls::ClientConfig, String> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = rustls::ClientConfig::builder_with_provider(Arc::clone(&provider))
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS setup: {e}"))?;
    let from = if tls.from.is_empty() {
        String::new()
    } else {
        format!(" ({})", tls.from)
    };
    let builder = if tls.skip_verify {
        builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(NoVerify(provider)))
    } else {
        let mut roots = rustls::RootCertStore::empty();
        match &tls.ca {
            Some(ca) => {
                for cert in CertificateDer::pem_slice_iter(ca) {
                    let cert = cert.map_err(|_| format!("ca.pem seems invalid{from}"))?;
                    roots
                        .add(cert)
                        .map_err(|e| format!("ca.pem seems invalid{from}: {e}"))?;
                }
                if roots.is_empty() {
                    return Err(format!("ca.pem seems invalid{from}: no certificate in it"));
                }
            }
            None => {
                let native = rustls_native_certs::load_native_certs();
                roots.add_parsable_certificates(native.certs);
            }
        }
        builder.with_root_certificates(roots)
    };
    match (&tls.cert, &tls.key) {
        (Some(cert), Some(key)) => {
            let text = String::from_utf8_lossy(key);
            if text.contains("ENCRYPTED") {
                return Err(format!(
                    "the private key is encrypted{from}: encrypted keys are not supported (the docker CLI removed them too)"
                ));
            }
            let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(cert)
                .collect::<Result<_, _>>()
                .map_err(|_| format!("cert.pem seems invalid{from}"))?;
            // The error never shows the key.
            let key = PrivateKeyDer::from_pem_slice(key)
                .map_err(|_| format!("no valid private key found in key.pem{from}"))?;
            builder
                .with_client_auth_cert(chain, key)
                .map_err(|e| format!("the client certificate and key do not fit{from}: {e}"))
        }
        _ => Ok(builder.with_no_client_auth()),
    }
}

/// `SkipTLSVerify`: any server certificate is accepted (signatures are still checked).
#[derive(Debug)]
struct NoVerify(Arc<rustls::crypto::CryptoProvider>);

impl rustls::client::danger::ServerCertVerifier for NoVerify {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &rustls::pki_types::ServerName<'_>,
        _ocsp_response: &[u8],
        _now: rustls::pki_types::UnixTime,
    ) -> Result<rustls::client::danger::ServerCertVerified, rustls::Error> {
        Ok(rustls::client::danger::ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

/// What the last failed ssh said, for the request that failed with it.
type LastFailure = Arc<Mutex<Option<String>>>;

/// A bollard client whose connections are `ssh … docker system dial-stdio` children.
pub(super) fn ssh_client(spec: &SshSpec, timeout: u64) -> Result<bollard::Docker, String> {
    let args = Arc::new(spec.command()?);
    let failure: LastFailure = Arc::default();
    let connector = SshConnector {
        args,
        failure: Arc::clone(&failure),
    };
    let client = Arc::new(Client::builder(TokioExecutor::new()).build(connector));
    bollard::Docker::connect_with_custom_transport(
        move |req: bollard::BollardRequest| {
            let client = Arc::clone(&client);
            let failure = Arc::clone(&failure);
            async move {
                match client.request(req).await {
                    Ok(response) => Ok(response),
                    Err(e) => {
                        // ssh's message arrives as (or just after) the pipe closes.
                        for _ in 0..40 {
                            let said = failure.lock().unwrap_or_else(|p| p.into_inner()).take();
                            if let Some(said) = said {
                                return Err(bollard::errors::Error::IOError {
                                    err: io::Error::other(said),
                                });
                            }
                            tokio::time::sleep(Duration::from_millis(50)).await;
                        }
                        Err(bollard::errors::Error::from(e))
                    }
                }
            }
        },
        // The host is a placeholder: the connector ignores it.
        Some("http://docker.ssh"),
        timeout,
        bollard::API_DEFAULT_VERSION,
    )
    .map_err(|e| e.to_string())
}

#[derive(Clone)]
pub(super) struct SshConnector {
    args: Arc<Vec<String>>,
    failure: LastFailure,
}

type ConnectFuture = Pin<Box<dyn Future<Output = io::Result<TokioIo<SshIo>>> + Send>>;

impl tower_service::Service<Uri> for SshConnector {
    type Response = TokioIo<SshIo>;
    type Error = io::Error;
    type Future = ConnectFuture;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, _uri: Uri) -> ConnectFuture {
        let args = Arc::clone(&self.args);
        let failure = Arc::clone(&self.failure);
        Box::pin(async move {
            let mut child = tokio::process::Command::new("ssh")
                .args(args.iter())
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .process_group(0)
                .kill_on_drop(true)
                .spawn()
                .map_err(|e| io::Error::new(e.kind(), format!("cannot run ssh: {e}")))?;
            let (Some(stdin), Some(stdout), Some(mut stderr)) =
                (child.stdin.take(), child.stdout.take(), child.stderr.take())
            else {
                return Err(io::Error::other("ssh started without its pipes"));
            };
            let (closed, on_close) = tokio::sync::oneshot::channel::<()>();
            tokio::spawn(async move {
                let said = tokio::spawn(async move {
                    let mut buf = Vec::new();
                    let _ = stderr.read_to_end(&mut buf).await;
                    String::from_utf8_lossy(&buf).trim().to_string()
                });
                let status = tokio::select! {
                    status = child.wait() => status.ok(),
                    _ = on_close => {
                        // The connection is gone: its stdin is closed, so ssh
                        // ends by itself (or just failed, and says why); a
                        // child still there after a grace period is killed.
                        match tokio::time::timeout(Duration::from_secs(2), child.wait()).await {
                            Ok(status) => status.ok(),
                            Err(_) => {
                                let _ = child.kill().await;
                                None
                            }
                        }
                    }
                };
                if let Some(status) = status.filter(|s| !s.success()) {
                    let said = said.await.unwrap_or_default();
                    let said = if said.is_empty() {
                        "(it printed nothing)".to_string()
                    } else {
                        said
                    };
                    *failure.lock().unwrap_or_else(|p| p.into_inner()) = Some(format!(
                        "`ssh {}` ended with {status}: {said}",
                        args.join(" ")
                    ));
                }
            });
            Ok(TokioIo::new(SshIo {
                stdin,
                stdout,
                _closed: closed,
            }))
        })
    }
}

/// One ssh child's pipes as a connection; dropping it ends the child.
pub(super) struct SshIo {
    stdin: tokio::process::ChildStdin,
    stdout: tokio::process::ChildStdout,
    _closed: tokio::sync::oneshot::Sender<()>,
}

impl Connection for SshIo {
    fn connected(&self) -> Connected {
        Connected::new()
    }
}

impl AsyncRead for SshIo {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stdout).poll_read(cx, buf)
    }
}

impl AsyncWrite for SshIo {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stdin).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stdin).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stdin).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tls_material_errors_name_the_file_not_the_key() {
        let tls = Tls {
            ca: Some(b"not a pem".to_vec()),
            from: "DOCKER_CERT_PATH=/x".into(),
            ..Tls::default()
        };
        let e = rustls_config(&tls).unwrap_err();
        assert!(e.contains("ca.pem") && e.contains("/x"), "{e}");
        let tls = Tls {
            cert: Some(b"-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n".to_vec()),
            key: Some(b"SECRET-KEY-BYTES".to_vec()),
            skip_verify: true,
            ..Tls::default()
        };
        let e = rustls_config(&tls).unwrap_err();
        assert!(!e.contains("SECRET-KEY-BYTES"), "{e}");
        // Verification off, no client certificate: a usable configuration.
        let tls = Tls {
            skip_verify: true,
            ..Tls::default()
        };
        assert!(rustls_config(&tls).is_ok());
    }
}
