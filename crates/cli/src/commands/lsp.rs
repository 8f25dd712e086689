//! `hoist lsp`: the Language Server Protocol server on standard input/output
//! (the server itself is the `hoist-lsp` crate; this file makes the stdio
//! connection, which is the protocol's output, and hands it the environment).

use std::process::ExitCode;

/// `hoist lsp` arguments.
#[derive(Debug, clap::Args)]
pub struct LspArgs {
    /// Talk the protocol on standard input/output (the only transport; editors pass it)
    #[arg(long)]
    pub stdio: bool,
}

/// Serves until the client says `exit`.
pub fn run(_args: &LspArgs) -> anyhow::Result<ExitCode> {
    let os_env = std::env::vars_os()
        .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
        .collect();
    let (conn, io) = hoist_lsp::Connection::stdio();
    hoist_lsp::serve(conn, os_env)?;
    io.join()?;
    Ok(ExitCode::SUCCESS)
}
