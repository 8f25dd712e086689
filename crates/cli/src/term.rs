//! Interactive sessions with a process in a container (`exec`, `run`,
//! `attach`): the local terminal in raw mode for the session and restored on
//! every way out (the guard's `Drop`), the container's terminal sized like
//! ours at the start and after every SIGWINCH, stdin forwarded (end of input
//! passed on when there is no TTY), output copied as it comes, and signals
//! proxied to the container when asked (`--sig-proxy`).
//!
//! Terminal handling is crossterm's; nothing here touches termios itself.

use std::future::Future;
use std::io::{IsTerminal, Read, Write};

use compose_engine::runtime::{Attached, LogChunk};
use futures_util::StreamExt;
use tokio::io::AsyncWriteExt;

/// The detach keys the docker CLI uses: `--detach-keys`, else `detachKeys` of
/// the docker config, else (empty) the engine's ctrl-p,ctrl-q.
pub fn detach_keys(flag: Option<&str>) -> String {
    match flag {
        Some(k) => k.to_string(),
        None => compose_engine::runtime::dockerconfig::user_config().detach_keys,
    }
}

/// Whether stdin and stdout are both terminals (a TTY is then allocated unless `-T`).
pub fn interactive_terminal() -> bool {
    std::io::stdin().is_terminal() && std::io::stdout().is_terminal()
}

/// The local terminal in raw mode while this lives.
pub struct RawMode(bool);

impl RawMode {
    /// Raw mode on, when `on` and stdin is a terminal.
    pub fn enable(on: bool) -> RawMode {
        crate::output::end_progress(); // the session owns the terminal now
        RawMode(
            on && std::io::stdin().is_terminal() && crossterm::terminal::enable_raw_mode().is_ok(),
        )
    }
}

impl Drop for RawMode {
    fn drop(&mut self) {
        if self.0 {
            let _ = crossterm::terminal::disable_raw_mode();
        }
    }
}

/// The local terminal's size as (rows, columns).
pub fn size() -> Option<(u16, u16)> {
    crossterm::terminal::size()
        .ok()
        .map(|(cols, rows)| (rows, cols))
}

/// How a session runs.
#[derive(Debug, Clone, Copy)]
pub struct SessionOptions {
    /// The process has a TTY: output is one raw stream, the terminal is
    /// resized, end of input is not sent (the TTY would take it as a hangup).
    pub tty: bool,
    /// Forward our stdin.
    pub stdin: bool,
    /// Drop what the process writes to stdout (`run -q`).
    pub quiet: bool,
}

/// Copies our stdin into `input` until it ends (then half-closes it when
/// there is no TTY). A thread of its own reads stdin: a blocking read must
/// not hold the async runtime up when the session ends first.
fn forward_stdin(
    mut input: std::pin::Pin<Box<dyn tokio::io::AsyncWrite + Send>>,
    close_at_eof: bool,
) -> tokio::task::JoinHandle<()> {
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Vec<u8>>(16);
    std::thread::spawn(move || {
        let mut stdin = std::io::stdin();
        let mut buf = [0u8; 4096];
        loop {
            match stdin.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    if tx.blocking_send(buf[..n].to_vec()).is_err() {
                        break;
                    }
                }
            }
        }
    });
    tokio::spawn(async move {
        while let Some(chunk) = rx.recv().await {
            if input.write_all(&chunk).await.is_err() {
                return;
            }
            let _ = input.flush().await;
        }
        if close_at_eof {
            let _ = input.shutdown().await;
        }
    })
}

/// Runs a session until the process's output ends: output copied to our
/// stdout and stderr, stdin forwarded, the remote terminal kept at our size
/// through `resize(rows, cols)`.
pub async fn session<F, Fut>(attached: Attached, opts: SessionOptions, resize: F)
where
    F: Fn(u16, u16) -> Fut,
    Fut: Future<Output = ()>,
{
    let Attached { mut output, input } = attached;
    let stdin_task = opts.stdin.then(|| forward_stdin(input, !opts.tty));
    let copy = async {
        while let Some(chunk) = output.next().await {
            match chunk {
                Ok(LogChunk::Stdout(_)) if opts.quiet => {}
                Ok(LogChunk::Stdout(b)) => {
                    let mut out = std::io::stdout().lock();
                    let _ = out.write_all(&b);
                    let _ = out.flush();
                }
                Ok(LogChunk::Stderr(b)) => {
                    let mut err = std::io::stderr().lock();
                    let _ = err.write_all(&b);
                    let _ = err.flush();
                }
                Err(_) => break,
            }
        }
    };
    if opts.tty {
        if let Some((rows, cols)) = size() {
            resize(rows, cols).await;
        }
        let follow_size = async {
            #[cfg(unix)]
            {
                use tokio::signal::unix::{signal, SignalKind};
                if let Ok(mut winch) = signal(SignalKind::window_change()) {
                    while winch.recv().await.is_some() {
                        if let Some((rows, cols)) = size() {
                            resize(rows, cols).await;
                        }
                    }
                }
            }
            std::future::pending::<()>().await
        };
        tokio::select! {
            _ = copy => {}
            _ = follow_size => {}
        }
    } else {
        copy.await;
    }
    if let Some(t) = stdin_task {
        t.abort();
    }
}

/// The signals `--sig-proxy` passes on to the container (as the docker CLI
/// does, all it can catch but those about the terminal and children).
#[cfg(unix)]
pub const PROXIED: &[(&str, i32)] = &[
    ("SIGINT", 2),
    ("SIGTERM", 15),
    ("SIGHUP", 1),
    ("SIGQUIT", 3),
    ("SIGUSR1", 10),
    ("SIGUSR2", 12),
];

/// Passes the signals this process receives to `kill(signal name)` until
/// the future is dropped (`--sig-proxy`).
pub async fn forward_signals<F, Fut>(kill: F)
where
    F: Fn(&'static str) -> Fut,
    Fut: Future<Output = ()>,
{
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let mut streams = Vec::new();
        for (name, n) in PROXIED {
            if let Ok(s) = signal(SignalKind::from_raw(*n)) {
                let name: &'static str = name;
                streams.push(Box::pin(futures_util::stream::unfold(
                    s,
                    move |mut s| async move { s.recv().await.map(|()| (name, s)) },
                )));
            }
        }
        let mut all = futures_util::stream::select_all(streams);
        while let Some(name) = all.next().await {
            kill(name).await;
        }
    }
    #[cfg(not(unix))]
    let _ = &kill;
    std::future::pending::<()>().await
}
