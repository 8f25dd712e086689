//! `hoist port`: where a service container's port is published.

use std::process::ExitCode;

use anyhow::bail;
use clap::Args;

use crate::cli::Global;
use crate::output;
use crate::session::{block_on, Need, Session};

/// Flags of `port`.
#[derive(Debug, Clone, Args)]
#[command(override_usage = "hoist port [OPTIONS] SERVICE PRIVATE_PORT")]
pub struct PortArgs {
    /// SERVICE and PRIVATE_PORT
    #[arg(value_name = "ARGS")]
    pub args: Vec<String>,
    /// tcp or udp
    #[arg(long, default_value = "tcp")]
    pub protocol: String,
    /// Index of the container if service has multiple replicas
    #[arg(long, default_value_t = 0, allow_negative_numbers = true)]
    pub index: i64,
}

/// Go's `strconv.ParseUint(s, 10, 16)`, with its error.
fn parse_port(s: &str) -> anyhow::Result<u16> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        bail!("strconv.ParseUint: parsing {s:?}: invalid syntax");
    }
    s.parse::<u16>()
        .map_err(|_| anyhow::anyhow!("strconv.ParseUint: parsing {s:?}: value out of range"))
}

/// Runs `port`.
pub fn run(global: &Global, args: &PortArgs) -> anyhow::Result<ExitCode> {
    let [service, port, ..] = args.args.as_slice() else {
        bail!(
            "requires at least 2 arg(s), only received {}",
            args.args.len()
        );
    };
    let port = parse_port(port)?;
    let protocol = args.protocol.to_lowercase();
    let session = Session::load(global, &[], Need::FileOrName)?;
    block_on(async {
        let rt = session.observer()?;
        let index = u32::try_from(args.index).ok().filter(|i| *i > 0);
        let (ip, public) =
            compose_engine::query::port(&rt, &session.name, service, port, &protocol, index)
                .await?;
        output::stdout(&format!("{ip}:{public}\n"));
        Ok(ExitCode::SUCCESS)
    })
}

#[cfg(test)]
mod tests {
    use super::parse_port;

    #[test]
    fn ports_parse_as_go_parses_them() {
        assert_eq!(parse_port("80").unwrap(), 80);
        assert_eq!(parse_port("065535").unwrap(), 65535);
        for (s, why) in [
            ("abc", "invalid syntax"),
            ("0x50", "invalid syntax"),
            ("+80", "invalid syntax"),
            ("", "invalid syntax"),
            ("70000", "value out of range"),
        ] {
            assert_eq!(
                parse_port(s).unwrap_err().to_string(),
                format!("strconv.ParseUint: parsing {s:?}: {why}")
            );
        }
    }
}
