//! `pool-model init [FILE]`: writes a commented starter scenario (every
//! section, every key explained, realistic values) that `check` accepts.
//! It never overwrites a file.

use std::path::{Path, PathBuf};

use crate::commands::Outcome;

/// The starter scenario (`src/commands/starter.toml`).
pub const STARTER: &str = include_str!("starter.toml");

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Where to write the scenario; `-` prints it.
    #[arg(default_value = "scenario.toml")]
    pub file: PathBuf,
}

pub fn run(args: &Args) -> anyhow::Result<Outcome> {
    if args.file == Path::new("-") {
        crate::output::write(STARTER.as_bytes(), None)?;
        return Ok(Outcome::Success);
    }
    match crate::output::write_new(STARTER.as_bytes(), &args.file) {
        Err(e @ crate::output::OutputError::Exists { .. }) => {
            anyhow::bail!("{e}\n  = help: give another name, e.g. pool-model init my-pool.toml")
        }
        other => other?,
    }
    let f = crate::display::escape(&args.file.display().to_string()).into_owned();
    eprintln!(
        "Wrote {f}: a starter scenario with every key explained. Next:\n  \
         pool-model check {f}\n  \
         pool-model project {f}\n  \
         pool-model chart {f} --kind fan -o fan.svg"
    );
    Ok(Outcome::Success)
}
