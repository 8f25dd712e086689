//! `hoist export`: a service container's filesystem as a tar archive.

use std::io::Write as _;
use std::process::ExitCode;

use anyhow::bail;
use clap::Args;
use futures_util::StreamExt;

use crate::cli::Global;
use crate::output;
use crate::session::{block_on, Need, Session};

/// Flags of `export`.
#[derive(Debug, Clone, Args)]
pub struct ExportArgs {
    /// The service
    #[arg(add = crate::complete::service_names())]
    pub service: String,
    /// index of the container if service has multiple replicas.
    #[arg(long, default_value_t = 0)]
    pub index: i64,
    /// Write to a file, instead of STDOUT
    #[arg(short = 'o', long)]
    pub output: Option<String>,
}

/// Runs `export`.
pub fn run(global: &Global, args: &ExportArgs) -> anyhow::Result<ExitCode> {
    let session = Session::load(global, &[], Need::FileOrName)?;
    let to = args.output.clone().unwrap_or_default();
    block_on(async {
        let rt = session.engine()?;
        let index = u32::try_from(args.index).ok();
        let sink = output::sink();
        // the container is looked for first, as compose does, then the output checked
        let c = compose_engine::project::container_at(
            &rt,
            &session.name,
            &args.service,
            index,
            true,
            false,
        )
        .await?;
        if to.is_empty() {
            if std::io::IsTerminal::is_terminal(&std::io::stdout()) {
                bail!("output option is required when exporting to terminal");
            }
        } else {
            check_output_path(&to)?;
        }
        let (name, mut tar) = compose_engine::report::export(&rt, &c, &to, &sink).await?;
        if global.dry_run {
            // asked for, as compose does, but nothing is written
            drop(tar);
            sink(
                compose_engine::progress::Event::new(
                    &name,
                    compose_engine::progress::Status::Done,
                    "Exported",
                )
                .with_details(format!("export {name} to {to}")),
            );
            return Ok(ExitCode::SUCCESS);
        }
        if to.is_empty() {
            let mut out = output::stdout_writer();
            while let Some(chunk) = tar.next().await {
                tokio::io::AsyncWriteExt::write_all(&mut out, &chunk?).await?;
            }
            tokio::io::AsyncWriteExt::flush(&mut out).await?;
        } else {
            // written next to the target and renamed over it: no half archive left behind
            let path = std::path::Path::new(&to);
            let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned());
            let tmp = path.with_file_name(format!(
                ".{}.hoist-{}",
                file_name.unwrap_or_default(),
                std::process::id()
            ));
            let written = async {
                let mut f = open_private(&tmp)?;
                while let Some(chunk) = tar.next().await {
                    f.write_all(&chunk?)?;
                }
                f.flush()?;
                std::fs::rename(&tmp, path)?;
                anyhow::Ok(())
            }
            .await;
            if written.is_err() {
                let _ = std::fs::remove_file(&tmp);
            }
            written?;
        }
        Ok(ExitCode::SUCCESS)
    })
}

/// A new file only its owner can read (the archive may hold secrets).
fn open_private(path: &std::path::Path) -> std::io::Result<std::fs::File> {
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut o, 0o600);
    o.open(path)
}

/// The docker CLI's `ValidateOutputPath`: the directory must exist.
fn check_output_path(path: &str) -> anyhow::Result<()> {
    let clean = compose_spec::gocompat::path::clean(path);
    let dir = match clean.rfind('/') {
        Some(0) => "/".to_string(),
        Some(i) => clean[..i].to_string(),
        None => ".".to_string(),
    };
    if dir != "." && !std::path::Path::new(&dir).exists() {
        bail!("failed to export container: invalid output path: directory {dir:?} does not exist");
    }
    Ok(())
}
