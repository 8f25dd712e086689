//! `hoist top`: the processes of the project's running containers, in one
//! table as compose prints it.

use std::process::ExitCode;

use clap::Args;

use crate::cli::Global;
use crate::output;
use crate::session::{block_on, Need, Session};

/// Flags of `top`.
#[derive(Debug, Clone, Args)]
pub struct TopArgs {
    /// Services (default: all)
    pub services: Vec<String>,
}

/// Runs `top`.
pub fn run(global: &Global, args: &TopArgs) -> anyhow::Result<ExitCode> {
    let session = Session::load(global, &[], Need::FileOrName)?;
    block_on(async {
        let rt = session.observer()?;
        let tops = compose_engine::query::top(&rt, &session.name, &args.services).await?;
        let (titles, rows) = compose_engine::query::top_table(&tops);
        if !rows.is_empty() {
            let mut lines = vec![titles];
            lines.extend(rows);
            // compose's top writes the cells through Go's tabwriter, tabs between them
            let lines: Vec<String> = lines.iter().map(|l| l.join("\t")).collect();
            output::stdout(&crate::table::tabwrite(&lines, 4, 2));
        }
        Ok(ExitCode::SUCCESS)
    })
}

#[cfg(test)]
mod tests {
    use crate::table::tabwrite;

    #[test]
    fn columns_as_gos_tabwriter_pads_them() {
        let lines: Vec<String> = [
            &["SERVICE", "#", "UID", "CMD"][..],
            &["web", "1", "root", "sleep 3600"],
            &["other", "12", "nobody", "/sbin/docker-init -- sleep"],
        ]
        .iter()
        .map(|l| l.join("\t"))
        .collect();
        assert_eq!(
            tabwrite(&lines, 4, 2),
            "SERVICE  #   UID     CMD\n\
             web      1   root    sleep 3600\n\
             other    12  nobody  /sbin/docker-init -- sleep\n"
        );
    }
}
