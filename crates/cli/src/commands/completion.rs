//! `hoist completion SHELL`: the shell code that completes hoist command
//! lines (commands, flags, their values, the project's service names) by
//! asking hoist itself (clap_complete's dynamic completion).
//!
//! ```text
//! source <(hoist completion bash)            # ~/.bashrc
//! source <(hoist completion zsh)             # ~/.zshrc
//! hoist completion fish | source             # ~/.config/fish/config.fish
//! ```

use std::process::ExitCode;

use clap::{Args, ValueEnum};
use clap_complete::env::EnvCompleter;

/// Shells.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Shell {
    /// bash
    Bash,
    /// zsh
    Zsh,
    /// fish
    Fish,
    /// elvish
    Elvish,
    /// PowerShell
    Powershell,
}

/// Flags of `completion`.
#[derive(Debug, Clone, Args)]
pub struct CompletionArgs {
    /// The shell to complete in
    #[arg(value_enum)]
    pub shell: Shell,
}

/// Prints the shell's registration script.
pub fn run(args: &CompletionArgs) -> anyhow::Result<ExitCode> {
    let completer: &dyn EnvCompleter = match args.shell {
        Shell::Bash => &clap_complete::env::Bash,
        Shell::Zsh => &clap_complete::env::Zsh,
        Shell::Fish => &clap_complete::env::Fish,
        Shell::Elvish => &clap_complete::env::Elvish,
        Shell::Powershell => &clap_complete::env::Powershell,
    };
    let bin = std::env::current_exe()
        .ok()
        .map(|p| p.to_string_lossy().into_owned())
        .unwrap_or_else(|| "hoist".into());
    let mut out = Vec::new();
    completer.write_registration("COMPLETE", "hoist", "hoist", &bin, &mut out)?;
    crate::output::stdout(&String::from_utf8_lossy(&out));
    Ok(ExitCode::SUCCESS)
}
