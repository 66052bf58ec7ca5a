//! The command line: clap definitions and the exit-code contract.
//!
//! `main` parses arguments, runs the chosen command and maps the outcome to
//! an exit code (SPEC 4.3): 0 success, 1 a difference or a failed
//! expectation, 2 invalid input or usage. Results go to stdout; errors go to
//! stderr as `error: FILE:LINE:COL: message` with the source line.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::commands::{self, Invalid, Outcome, Rejected};

const EXAMPLES: &str = "\
Examples:
  pool-model init my-pool.toml
  pool-model project scenarios/birmingham.toml
  pool-model project scenarios/birmingham.toml --format csv -o birmingham.csv
  pool-model check scenarios/*.toml
  pool-model diff scenarios/birmingham.toml scenarios/birmingham-fast.toml
  pool-model diff scenarios/birmingham.toml scenarios/birmingham.toml --set scenario.discount_rate=5%
  pool-model sensitivity scenarios/birmingham.toml
  pool-model appraise scenarios/birmingham-option-*.toml
  pool-model report scenarios/birmingham.toml -o board.html
  pool-model monitor scenarios/plymouth-monitoring.toml --actuals scenarios/plymouth-2015-16-actuals.csv --to M06
  pool-model settle scenarios/plymouth-monitoring.toml --actuals scenarios/plymouth-2015-16-actuals.csv --year 2015/16
  pool-model chart scenarios/birmingham.toml --kind fan -o fan.svg";

/// Model pooled health and social care budgets exactly.
///
/// pool-model projects a section 75 pooled budget year by year: the
/// counterfactual, the shift of care between settings, savings and costs,
/// staff, and how partners share savings and overspends. Money is exact to
/// the penny.
#[derive(Debug, Parser)]
#[command(name = "pool-model", version, after_help = EXAMPLES, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,

    /// Threads for Monte Carlo [default: one per core]. Results are the
    /// same bytes whatever the number.
    #[arg(long, global = true, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub threads: Option<u16>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Project a scenario year by year (tables, Markdown, CSV or JSON).
    Project(commands::project::Args),
    /// Validate scenarios and evaluate their [[expect]] assertions (for CI).
    Check(commands::check::Args),
    /// Show the inputs and results that differ between two scenarios.
    Diff(commands::diff::Args),
    /// Tornado: which ranged value moves NPV most, with switching values (exact).
    Sensitivity(commands::sensitivity::Args),
    /// Appraise options side by side (a Green Book shortlist).
    Appraise(commands::appraise::Args),
    /// A one-page board report: a self-contained HTML page (two A4 pages printed).
    Report(commands::report::Args),
    /// Monitor a year against actuals: budget to date, forecast outturn, RAG, risk share.
    Monitor(commands::monitor::Args),
    /// The year-end statement: risk share of the outturn, balances, to the penny.
    Settle(commands::settle::Args),
    /// Draw an SVG chart: fan, shares, tornado, partners, options or monitor.
    Chart(commands::chart::Args),
    /// Write a commented starter scenario to FILE (never overwrites).
    Init(commands::init::Args),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions(commands::completions::Args),
    /// Print the manual page (roff).
    Man(commands::man::Args),
}

/// Runs the tool and returns its exit code.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            return match e.kind() {
                // Help and the version go to stdout like any result: a write
                // error (a full disk) is exit 2, not success.
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => {
                    match crate::output::write(e.render().to_string().as_bytes(), None) {
                        Ok(()) => ExitCode::SUCCESS,
                        Err(err) => {
                            eprintln!("error: {err}");
                            ExitCode::from(2)
                        }
                    }
                }
                _ => {
                    let _ = e.print();
                    ExitCode::from(2)
                }
            };
        }
    };
    if let Some(n) = cli.threads {
        // Only fails if a pool already exists, which cannot happen here.
        let _ = rayon::ThreadPoolBuilder::new()
            .num_threads(usize::from(n))
            .build_global();
    }
    crate::progress::install();
    let result = match cli.command {
        Command::Project(args) => commands::project::run(&args),
        Command::Check(args) => commands::check::run(&args),
        Command::Diff(args) => commands::diff::run(&args),
        Command::Sensitivity(args) => commands::sensitivity::run(&args),
        Command::Appraise(args) => commands::appraise::run(&args),
        Command::Report(args) => commands::report::run(&args),
        Command::Monitor(args) => commands::monitor::run(&args),
        Command::Settle(args) => commands::settle::run(&args),
        Command::Chart(args) => commands::chart::run(&args),
        Command::Init(args) => commands::init::run(&args),
        Command::Completions(args) => commands::completions::run(&args),
        Command::Man(args) => commands::man::run(&args),
    };
    match result {
        Ok(Outcome::Success) => ExitCode::SUCCESS,
        Ok(Outcome::Differs) => ExitCode::from(1),
        Err(e) => {
            if let Some(rejected) = e.downcast_ref::<Rejected>() {
                anstream::eprint!("{}", rejected.rendered);
            } else if e.downcast_ref::<Invalid>().is_none() {
                // A path or a name in the message is shown safely; the
                // message's own line breaks (before `= help:`) are kept.
                eprintln!("error: {}", crate::display::escape_lines(&format!("{e:#}")));
            }
            ExitCode::from(2)
        }
    }
}
