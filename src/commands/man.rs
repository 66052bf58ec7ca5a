//! `pool-model man`: the manual page (roff), generated from the clap
//! definition by `clap_mangen`. `pool-model man > pool-model.1` writes the
//! main page; `--dir DIR` writes one page per subcommand as well.

use std::path::{Path, PathBuf};

use clap::CommandFactory;

use crate::cli::Cli;
use crate::commands::Outcome;

#[derive(Debug, clap::Args)]
#[command(after_help = "\
Read it with:
  pool-model man > pool-model.1 && man ./pool-model.1
Install every page:
  pool-model man --dir ~/.local/share/man/man1")]
pub struct Args {
    /// Write pool-model.1 and a page per subcommand (pool-model-project.1, ...) into DIR.
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

/// The main page, as roff.
pub fn page() -> std::io::Result<Vec<u8>> {
    let mut roff = Vec::new();
    clap_mangen::Man::new(Cli::command()).render(&mut roff)?;
    Ok(roff)
}

pub fn run(args: &Args) -> anyhow::Result<Outcome> {
    match &args.dir {
        None => crate::output::write(&page()?, None)?,
        Some(dir) => {
            std::fs::create_dir_all(dir)
                .map_err(|e| anyhow::anyhow!("{}: cannot create: {e}", dir.display()))?;
            let mut cli = Cli::command().disable_help_subcommand(true);
            cli.build();
            write_pages(cli, dir)?;
        }
    }
    Ok(Outcome::Success)
}

/// Writes `cmd`'s page and one per (visible) subcommand into `dir`, as
/// `clap_mangen::generate_to` names them, each through
/// [`crate::output::write`]: a page is replaced whole or not at all, and a
/// link, device or read-only file in `dir` is treated as `-o` treats it.
fn write_pages(cmd: clap::Command, dir: &Path) -> anyhow::Result<()> {
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()).cloned() {
        write_pages(sub, dir)?;
    }
    let man = clap_mangen::Man::new(cmd);
    let mut roff = Vec::new();
    man.render(&mut roff)?;
    crate::output::write(&roff, Some(&dir.join(man.get_filename())))?;
    Ok(())
}
