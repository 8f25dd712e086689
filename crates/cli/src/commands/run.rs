//! `hoist run SERVICE [COMMAND...]`: a one-off container of a service
//! (compose_engine's `run::prepare`: dependencies up and waited for, the
//! container created as compose names and labels it), then started and
//! attached — a TTY when stdin and stdout are terminals, signals passed on,
//! detach keys as the docker CLI's — or detached (`-d`, the id printed).
//! The exit status is the command's; `--rm` leaves nothing behind.

use std::collections::BTreeMap;
use std::process::ExitCode;

use anyhow::{bail, Context as _};
use clap::{ArgAction, Args};
use compose_engine::images::ImagePolicy;
use compose_engine::run::RunFlags;
use compose_engine::runtime::{AttachOptions, ContainerState, Runtime};
use compose_engine::up::UpFlags;

use crate::cli::Global;
use crate::output;
use crate::session::{block_on, Need, Session};
use crate::term::{self, RawMode, SessionOptions};

/// Flags of `run`.
#[derive(Debug, Clone, Args)]
pub struct RunArgs {
    /// Service
    #[arg(add = crate::complete::service_names())]
    pub service: String,
    /// Command and arguments (default: the service's)
    #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
    pub command: Vec<String>,
    /// Build image before starting container
    #[arg(long)]
    pub build: bool,
    /// Add Linux capabilities
    #[arg(long = "cap-add")]
    pub cap_add: Vec<String>,
    /// Drop Linux capabilities
    #[arg(long = "cap-drop")]
    pub cap_drop: Vec<String>,
    /// Run container in background and print container ID
    #[arg(short = 'd', long)]
    pub detach: bool,
    /// Override the entrypoint of the image
    #[arg(long)]
    pub entrypoint: Option<String>,
    /// Set environment variables
    #[arg(short = 'e', long = "env")]
    pub env: Vec<String>,
    /// Set environment variables from file
    #[arg(long = "env-from-file")]
    pub env_from_file: Vec<std::path::PathBuf>,
    /// Keep STDIN open even if not attached
    #[arg(short = 'i', long, default_value_t = true, action = ArgAction::Set, num_args = 0..=1, default_missing_value = "true")]
    pub interactive: bool,
    /// Add or override a label
    #[arg(short = 'l', long = "label", alias = "labels")]
    pub label: Vec<String>,
    /// Assign a name to the container
    #[arg(long)]
    pub name: Option<String>,
    /// Disable pseudo-TTY allocation (default: auto-detected)
    #[arg(short = 'T', long = "no-TTY", alias = "no-tty")]
    pub no_tty: bool,
    /// Allocate a pseudo-TTY
    #[arg(short = 't', long, hide = true, conflicts_with = "no_tty")]
    pub tty: bool,
    /// Don't start linked services
    #[arg(long)]
    pub no_deps: bool,
    /// Publish a container's port(s) to the host (`-p` after `run`; see `main::local_short_flags`)
    #[arg(long = "publish")]
    pub publish: Vec<String>,
    /// Pull image before running ("always"|"missing"|"never")
    #[arg(long)]
    pub pull: Option<String>,
    /// Don't print anything to STDOUT
    #[arg(short = 'q', long)]
    pub quiet: bool,
    /// Suppress progress output from the build process
    #[arg(long)]
    pub quiet_build: bool,
    /// Pull without printing progress information
    #[arg(long)]
    pub quiet_pull: bool,
    /// Remove containers for services not defined in the Compose file
    #[arg(long)]
    pub remove_orphans: bool,
    /// Automatically remove the container when it exits
    #[arg(long)]
    pub rm: bool,
    /// Run command with all service's ports enabled and mapped to the host
    #[arg(short = 'P', long = "service-ports")]
    pub service_ports: bool,
    /// Use the service's network useAliases in the network(s) the container connects to
    #[arg(long)]
    pub use_aliases: bool,
    /// Run as specified username or uid
    #[arg(short = 'u', long)]
    pub user: Option<String>,
    /// Bind mount a volume
    #[arg(short = 'v', long = "volume", alias = "volumes")]
    pub volume: Vec<String>,
    /// Working directory inside the container
    #[arg(short = 'w', long)]
    pub workdir: Option<String>,
}

impl RunArgs {
    /// compose's `getEnvironment`: `-e` first (`-e KEY` from the environment),
    /// then the `--env-from-file` files for what `-e` left unset.
    fn environment(&self, session: &Session) -> anyhow::Result<BTreeMap<String, String>> {
        let mut env: BTreeMap<String, String> = BTreeMap::new();
        for e in &self.env {
            match e.split_once('=') {
                Some((k, v)) => {
                    env.insert(k.to_string(), v.to_string());
                }
                None => {
                    if let Some(v) = session.lookup_env(e) {
                        env.insert(e.clone(), v);
                    }
                }
            }
        }
        for file in &self.env_from_file {
            let text = std::fs::read_to_string(file)
                .with_context(|| format!("--env-from-file {}", file.display()))?;
            let known = env.clone();
            let vars = compose_spec::dotenv::parse(&text, &|k| known.get(k).cloned())
                .map_err(|e| anyhow::anyhow!("--env-from-file {}: {e}", file.display()))?;
            for (k, v) in vars {
                env.entry(k).or_insert(v);
            }
        }
        Ok(env)
    }

    fn flags(&self, session: &Session) -> anyhow::Result<RunFlags> {
        let mut labels = BTreeMap::new();
        for l in &self.label {
            let Some((k, v)) = l.split_once('=') else {
                bail!("label must be set as KEY=VALUE");
            };
            labels.insert(k.to_string(), v.to_string());
        }
        let entrypoint = match &self.entrypoint {
            Some(e) => Some(
                compose_spec::gocompat::shellwords::split(e)
                    .map_err(|m| anyhow::anyhow!("--entrypoint {e:?}: {m}"))?,
            ),
            None => None,
        };
        // As compose: a TTY unless -T, or, by default, when not in a terminal.
        let tty = if self.tty {
            true
        } else {
            !self.no_tty && term::interactive_terminal()
        };
        let remove_orphans = self.remove_orphans || session.env_switch("COMPOSE_REMOVE_ORPHANS");
        let ignore_orphans = session.env_switch("COMPOSE_IGNORE_ORPHANS");
        if remove_orphans && ignore_orphans {
            bail!("cannot combine COMPOSE_IGNORE_ORPHANS and --remove-orphans");
        }
        Ok(RunFlags {
            service: self.service.clone(),
            command: self.command.clone(),
            entrypoint,
            name: self.name.clone(),
            environment: self.environment(session)?,
            labels,
            publish: self.publish.clone(),
            service_ports: self.service_ports,
            volumes: self.volume.clone(),
            workdir: self.workdir.clone(),
            user: self.user.clone(),
            cap_add: self.cap_add.clone(),
            cap_drop: self.cap_drop.clone(),
            tty,
            interactive: self.interactive,
            remove: self.rm,
            use_aliases: self.use_aliases,
            no_deps: self.no_deps,
            up: UpFlags {
                remove_orphans,
                ignore_orphans,
                images: ImagePolicy {
                    build: self.build,
                    pull: self.pull.clone(),
                    quiet_pull: self.quiet_pull,
                    quiet_build: self.quiet_build,
                    ..Default::default()
                },
                parallel: session.parallel(),
                ..Default::default()
            },
        })
    }
}

/// Runs `run`.
pub fn run(global: &Global, args: &RunArgs) -> anyhow::Result<ExitCode> {
    let session = Session::load(
        global,
        std::slice::from_ref(&args.service),
        Need::FileToCreate,
    )?;
    let flags = args.flags(&session)?;
    block_on(async {
        let rt = session.engine()?;
        let specs = session.require_specs()?;
        let sink = if args.quiet {
            compose_engine::progress::discard()
        } else {
            output::sink()
        };
        let c = compose_engine::run::prepare(&rt, specs, &flags, &sink).await?;
        if args.detach {
            if let Err(e) = rt.start_container(&c.id).await {
                discard(&rt, &c.id).await;
                return Err(e.into());
            }
            if !args.quiet {
                output::stdout(&format!("{}\n", c.id));
            }
            return Ok(ExitCode::SUCCESS);
        }
        attached_run(&rt, &c, &flags, args.quiet).await
    })
}

/// Removes a one-off container that will not run (with its anonymous volumes).
async fn discard<R: Runtime>(rt: &R, id: &str) {
    let _ = rt.remove_container(id, true, true).await;
}

/// Attaches, starts, streams until the process exits (or the user detaches),
/// and returns its exit status.
async fn attached_run<R: Runtime>(
    rt: &R,
    c: &compose_engine::run::OneOffContainer,
    flags: &RunFlags,
    quiet: bool,
) -> anyhow::Result<ExitCode> {
    let attach = AttachOptions {
        stdin: flags.interactive,
        logs: false,
        detach_keys: term::detach_keys(None),
    };
    let (attached, wait) =
        compose_engine::run::attach_and_start(rt, &c.id, &c.name, &attach, flags.remove, true)
            .await?;
    {
        let _raw = RawMode::enable(c.tty);
        let opts = SessionOptions {
            tty: c.tty,
            stdin: flags.interactive,
            quiet,
        };
        // Without a TTY, signals go to the process (with one, the TTY turns
        // Ctrl-C into input and the container's terminal handles it).
        let proxy = (!c.tty).then(|| {
            term::forward_signals(|name| async move {
                let _ = rt.kill_container(&c.id, name).await;
            })
        });
        let session = term::session(attached, opts, |rows, cols| {
            let id = &c.id;
            async move {
                let _ = rt.resize_container(id, rows, cols).await;
            }
        });
        match proxy {
            Some(proxy) => {
                tokio::select! {
                    _ = session => {}
                    _ = proxy => {}
                }
            }
            None => session.await,
        }
    }
    // The streams end when the process exits, or when the user detached.
    if let Ok(d) = rt.inspect_container(&c.id).await {
        if matches!(d.state, ContainerState::Running | ContainerState::Paused) {
            return Ok(ExitCode::SUCCESS);
        }
    }
    let code = wait.await?;
    Ok(ExitCode::from(u8::try_from(code).unwrap_or(1)))
}
