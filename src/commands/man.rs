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
/// Every page's target is checked before any is written, so a page that
/// would be refused leaves the others as they were.
fn write_pages(cmd: clap::Command, dir: &Path) -> anyhow::Result<()> {
    let mut pages = Vec::new();
    render_pages(cmd, dir, &mut pages)?;
    for (path, _) in &pages {
        crate::output::check_writable(path)?;
    }
    for (path, roff) in &pages {
        crate::output::write(roff, Some(path))?;
    }
    Ok(())
}

/// `cmd`'s page and its subcommands' pages, with the paths they go to.
fn render_pages(
    cmd: clap::Command,
    dir: &Path,
    pages: &mut Vec<(PathBuf, Vec<u8>)>,
) -> anyhow::Result<()> {
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()).cloned() {
        render_pages(sub, dir, pages)?;
    }
    let man = clap_mangen::Man::new(cmd);
    let mut roff = Vec::new();
    man.render(&mut roff)?;
    pages.push((dir.join(man.get_filename()), roff));
    Ok(())
}
