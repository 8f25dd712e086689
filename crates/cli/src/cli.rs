//! compose's global flags ([`Global`]), shared by every command, and the
//! values they take.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

/// Global flags, shared by every command.
#[derive(Debug, Clone, Args)]
pub struct Global {
    /// Compose configuration files
    #[arg(short = 'f', long = "file", global = true)]
    pub file: Vec<PathBuf>,
    /// Project name
    #[arg(short = 'p', long = "project-name", global = true)]
    pub project_name: Option<String>,
    /// Specify an alternate working directory (default: the path of the first specified Compose file)
    #[arg(long = "project-directory", global = true)]
    pub project_directory: Option<PathBuf>,
    /// Specify an alternate environment file
    #[arg(long = "env-file", global = true)]
    pub env_file: Vec<PathBuf>,
    /// Specify a profile to enable
    #[arg(long = "profile", global = true)]
    pub profile: Vec<String>,
    /// Control when to print ANSI control characters ("never"|"always"|"auto")
    /// (default auto, or COMPOSE_ANSI)
    #[arg(long = "ansi", global = true, value_enum)]
    pub ansi: Option<Ansi>,
    /// Set type of progress output (auto, tty, plain, json, quiet) (default auto, or COMPOSE_PROGRESS)
    #[arg(long = "progress", global = true, value_enum)]
    pub progress: Option<Progress>,
    /// Control max parallelism, -1 for unlimited (default -1, or COMPOSE_PARALLEL_LIMIT)
    #[arg(long = "parallel", global = true, allow_hyphen_values = true)]
    pub parallel: Option<i64>,
    /// Execute command in dry run mode
    #[arg(long = "dry-run", global = true)]
    pub dry_run: bool,
    /// Run compose in backward compatibility mode
    #[arg(long = "compatibility", global = true)]
    pub compatibility: bool,
    /// Include all resources, even those not used by services
    #[arg(long = "all-resources", global = true)]
    pub all_resources: bool,
}

impl Global {
    /// `--env-file`, else `COMPOSE_ENV_FILES` (comma-separated), as compose's flag default.
    pub fn env_files(&self) -> Vec<PathBuf> {
        if !self.env_file.is_empty() {
            return self.env_file.clone();
        }
        std::env::var("COMPOSE_ENV_FILES")
            .unwrap_or_default()
            .split(',')
            .filter(|f| !f.is_empty())
            .map(PathBuf::from)
            .collect()
    }

    /// `--parallel`, else `COMPOSE_PARALLEL_LIMIT`, else -1 (no limit).
    pub fn parallel(&self) -> anyhow::Result<i64> {
        if let Some(p) = self.parallel {
            return Ok(p);
        }
        match std::env::var("COMPOSE_PARALLEL_LIMIT") {
            Ok(v) => v.trim().parse().map_err(|_| {
                anyhow::anyhow!("COMPOSE_PARALLEL_LIMIT must be an integer (found: {v:?})")
            }),
            Err(_) => Ok(-1),
        }
    }

    /// Load options from the flags and the process environment.
    pub fn load_options(&self) -> anyhow::Result<compose_spec::loader::LoadOptions> {
        let cwd = std::env::current_dir()?;
        let mut o = compose_spec::loader::LoadOptions::new(cwd);
        o.files = self.file.clone();
        o.project_name = self.project_name.clone();
        o.project_directory = self.project_directory.clone();
        o.env_files = self.env_files();
        o.profiles = self.profile.clone();
        o.os_env = std::env::vars_os()
            .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
            .collect();
        o.keep_unused_resources = self.all_resources;
        if o.files.iter().any(|f| f.as_os_str() == "-") {
            let mut s = String::new();
            std::io::Read::read_to_string(&mut std::io::stdin(), &mut s)?;
            o.stdin = Some(s);
        }
        Ok(o)
    }
}

/// `--ansi`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum Ansi {
    /// Never print ANSI control characters.
    Never,
    /// Always print them.
    Always,
    /// Print them when writing to a terminal.
    #[default]
    Auto,
}

/// `--progress`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Progress {
    /// `tty` on a terminal, else `plain`.
    Auto,
    /// A live display.
    Tty,
    /// One line per event.
    Plain,
    /// One JSON object per event.
    Json,
    /// Nothing (also `none`).
    #[value(alias = "none")]
    Quiet,
}
