//! `hoist attach SERVICE`: our stdin, stdout and stderr on a service's
//! running container's main process, as `docker attach` does it (a TTY
//! session when the container has one, signals proxied without one,
//! ctrl-p ctrl-q or `--detach-keys` to leave it running).

use std::process::ExitCode;

use clap::{ArgAction, Args};
use compose_engine::runtime::{AttachOptions, ContainerState, Observe, Runtime};

use crate::cli::Global;
use crate::session::{block_on, Need, Session};
use crate::term::{self, RawMode, SessionOptions};

/// Flags of `attach`.
#[derive(Debug, Clone, Args)]
pub struct AttachArgs {
    /// Service
    #[arg(add = crate::complete::service_names())]
    pub service: String,
    /// Override the key sequence for detaching from a container.
    #[arg(long)]
    pub detach_keys: Option<String>,
    /// index of the container if service has multiple replicas.
    #[arg(long)]
    pub index: Option<u32>,
    /// Do not attach STDIN
    #[arg(long)]
    pub no_stdin: bool,
    /// Proxy all received signals to the process
    #[arg(long, default_value_t = true, action = ArgAction::Set, num_args = 0..=1, default_missing_value = "true")]
    pub sig_proxy: bool,
}

/// Runs `attach`.
pub fn run(global: &Global, args: &AttachArgs) -> anyhow::Result<ExitCode> {
    let session = Session::load(global, &[], Need::FileOrName)?;
    block_on(async {
        let rt = session.engine()?;
        let c = session
            .running_container(&rt, &args.service, args.index)
            .await?;
        let json = rt.inspect_container_json(&c.id).await?;
        if json["State"]["Paused"].as_bool() == Some(true) {
            anyhow::bail!("You cannot attach to a paused container, unpause it first");
        }
        let tty = json["Config"]["Tty"].as_bool().unwrap_or(false);
        let open_stdin = json["Config"]["OpenStdin"].as_bool().unwrap_or(false);
        let stdin = !args.no_stdin && open_stdin;
        let attached = rt
            .attach_container(
                &c.id,
                &AttachOptions {
                    stdin,
                    logs: false,
                    detach_keys: term::detach_keys(args.detach_keys.as_deref()),
                },
            )
            .await?;
        let wait = rt.wait_container_exit(&c.id, false);
        tokio::pin!(wait);
        {
            let _raw = RawMode::enable(tty && stdin);
            let opts = SessionOptions {
                tty,
                stdin,
                quiet: false,
            };
            let session = term::session(attached, opts, |rows, cols| {
                let rt = &rt;
                let id = &c.id;
                async move {
                    let _ = rt.resize_container(id, rows, cols).await;
                }
            });
            if args.sig_proxy && !tty {
                let proxy = term::forward_signals(|name| {
                    let rt = &rt;
                    let id = &c.id;
                    async move {
                        let _ = rt.kill_container(id, name).await;
                    }
                });
                tokio::select! {
                    _ = session => {}
                    _ = proxy => {}
                }
            } else {
                session.await;
            }
        }
        exit_status(&rt, &c.id, wait).await
    })
}

/// After the streams end: the process's exit status, or — the user detached
/// and it still runs — the docker CLI's "read escape sequence", exit 1.
async fn exit_status<O: Observe>(
    rt: &O,
    id: &str,
    wait: std::pin::Pin<
        &mut impl std::future::Future<Output = compose_engine::runtime::Result<i64>>,
    >,
) -> anyhow::Result<ExitCode> {
    if let Ok(d) = rt.inspect_container(id).await {
        if matches!(d.state, ContainerState::Running | ContainerState::Paused) {
            crate::output::stderr_line("read escape sequence");
            return Ok(ExitCode::from(1));
        }
    }
    let code = wait.await?;
    Ok(ExitCode::from(u8::try_from(code).unwrap_or(1)))
}
