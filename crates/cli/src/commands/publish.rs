//! `hoist publish`: the project's compose files pushed to a registry as an
//! OCI artifact, as `docker compose publish` does (the engine's
//! `compose_engine::publish`); this file holds its flags, asks compose's
//! questions and prints.

use std::io::IsTerminal as _;
use std::process::ExitCode;

use clap::Args;
use compose_engine::oci::OciVersion;
use compose_engine::publish::{self, Check, PublishOptions};

use crate::cli::Global;
use crate::output;
use crate::session::{block_on, go_bool, Need, Session};

/// Flags of `publish`.
#[derive(Debug, Clone, Args)]
pub struct PublishArgs {
    /// The repository (and tag) to publish to
    #[arg(value_name = "REPOSITORY[:TAG]")]
    pub repository: String,
    /// Pin image tags to digests
    #[arg(long)]
    pub resolve_image_digests: bool,
    /// OCI image/artifact specification version (automatically determined by default)
    #[arg(
        long,
        value_name = "string",
        default_value = "",
        hide_default_value = true
    )]
    pub oci_version: String,
    /// Include environment variables in the published OCI artifact
    #[arg(long)]
    pub with_env: bool,
    /// Assume "yes" as answer to all prompts
    #[arg(short = 'y', long, alias = "y")]
    pub yes: bool,
    /// Published compose application (includes referenced images)
    #[arg(long)]
    pub app: bool,
    /// Use plain HTTP to the registry (loopback registries always are)
    #[arg(long, hide = true)]
    pub insecure_registry: bool,
}

/// Runs `publish`.
pub fn run(global: &Global, args: &PublishArgs) -> anyhow::Result<ExitCode> {
    if std::env::args().any(|a| a == "--y") {
        output::stderr_line("WARN[0000] --y is deprecated, please use --yes instead");
    }
    let oci_version = match args.oci_version.as_str() {
        "" => None,
        v => Some(v.parse::<OciVersion>().map_err(anyhow::Error::msg)?),
    };
    // compose publishes every service, whatever the profiles.
    let mut global = global.clone();
    global.profile = vec!["*".to_string()];
    // compose's checks see the services' env_file entries.
    let session = Session::load_with(&global, &[], Need::File, |o| o.discard_env_files = false)?;
    let project = session.require_project()?;
    if publish::has_local_includes(project) {
        anyhow::bail!("cannot publish compose file with local includes");
    }
    let o = PublishOptions {
        resolve_image_digests: args.resolve_image_digests,
        oci_version,
        with_env: args.with_env,
        assume_yes: args.yes,
        app: args.app,
        // compose's test switch for plain HTTP, honoured alike
        insecure: args.insecure_registry
            || std::env::var_os("__TEST__INSECURE__REGISTRY__").is_some(),
    };
    for check in publish::prechecks(project, &o) {
        match check {
            Check::Refuse(message) => anyhow::bail!(message),
            Check::Confirm(message) => {
                if !confirm(&message) {
                    return Ok(ExitCode::SUCCESS);
                }
            }
        }
    }
    let created = compose_engine::clock::rfc3339_utc(compose_engine::clock::now_secs());
    block_on(async {
        let rt = session.engine()?;
        let sink = output::sink();
        let published =
            publish::publish(&rt, project, &args.repository, &o, &created, &sink).await?;
        drop(sink);
        // compose's tail messages for the images it could not push
        for (service, _image, e) in &published.push_failures {
            output::stderr_line(&format!("Pushing {service}: {e}"));
        }
        Ok(ExitCode::SUCCESS)
    })
}

/// compose's prompt: the question on stdout, one line read; yes only for
/// what compose takes as true (`y`, `1`, `t`, `true`). A terminal gets the
/// `(y/N)` hint of compose's interactive prompt.
fn confirm(message: &str) -> bool {
    if std::io::stdin().is_terminal() {
        output::stdout(&format!("? {message} (y/N) "));
    } else {
        output::stdout(message);
    }
    let mut answer = String::new();
    if std::io::stdin().read_line(&mut answer).is_err() {
        return false;
    }
    let word = answer.split_whitespace().next().unwrap_or_default();
    go_bool(word)
}
