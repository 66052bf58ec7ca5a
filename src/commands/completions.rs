//! `pool-model completions SHELL`: shell completion scripts, generated from
//! the clap definition so they never fall out of step with the commands.

use clap::CommandFactory;

use crate::cli::Cli;
use crate::commands::Outcome;

#[derive(Debug, clap::Args)]
#[command(after_help = "\
Install, for example:
  bash: pool-model completions bash > ~/.local/share/bash-completion/completions/pool-model
  zsh:  pool-model completions zsh > ~/.zfunc/_pool-model   (with fpath+=~/.zfunc in ~/.zshrc)
  fish: pool-model completions fish > ~/.config/fish/completions/pool-model.fish")]
pub struct Args {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

pub fn run(args: &Args) -> anyhow::Result<Outcome> {
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "pool-model", &mut script);
    crate::output::write(&script, None)?;
    Ok(Outcome::Success)
}
