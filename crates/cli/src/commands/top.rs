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
            output::stdout(&tabwrite(&lines, 4, 2));
        }
        Ok(ExitCode::SUCCESS)
    })
}

/// Go's `tabwriter` (padding with spaces, left-aligned) over lines of
/// cells: every cell but a line's last is padded to its column's widest
/// cell plus `padding`, at least `min_width`; the last cell is not padded.
fn tabwrite(lines: &[Vec<String>], min_width: usize, padding: usize) -> String {
    let columns = lines.iter().map(Vec::len).max().unwrap_or(0);
    let mut widths = vec![min_width; columns];
    for line in lines {
        for (i, cell) in line.iter().enumerate().take(line.len().saturating_sub(1)) {
            widths[i] = widths[i].max(cell.chars().count() + padding);
        }
    }
    let mut out = String::new();
    for line in lines {
        for (i, cell) in line.iter().enumerate() {
            out.push_str(cell);
            if i + 1 < line.len() {
                let pad = widths[i] - cell.chars().count();
                out.extend(std::iter::repeat_n(' ', pad));
            }
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::tabwrite;

    #[test]
    fn columns_as_gos_tabwriter_pads_them() {
        let lines: Vec<Vec<String>> = [
            &["SERVICE", "#", "UID", "CMD"][..],
            &["web", "1", "root", "sleep 3600"],
            &["other", "12", "nobody", "/sbin/docker-init -- sleep"],
        ]
        .iter()
        .map(|l| l.iter().map(|s| s.to_string()).collect())
        .collect();
        assert_eq!(
            tabwrite(&lines, 4, 2),
            "SERVICE  #   UID     CMD\n\
             web      1   root    sleep 3600\n\
             other    12  nobody  /sbin/docker-init -- sleep\n"
        );
    }
}
