//! `pool-model monitor PLAN --actuals FILE`: a year in progress against
//! the plan, with a forecast outturn, RAG ratings and the risk share of
//! the forecast variance (docs/monitoring.md).

use std::path::{Path, PathBuf};

use crate::commands::{Outcome, Rejected, emit_as, load, refuse_output_over_inputs};
use crate::error::{Diagnostic, Diagnostics};
use crate::expectations::{Verdict, judge};
use crate::monitoring::{self, Monitor, MonitorError, Periods, actuals};
use crate::report::{Format, MonitorReport, Writes, Written};
use crate::scenario::values::FinancialYear;
use crate::scenario::{Forecast, Loaded, MonitorExpect, Override};
use crate::source::SourceMap;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The plan: a scenario file (TOML).
    pub file: PathBuf,

    /// The actuals: a CSV of year,period,service,value rows (docs/monitoring.md)
    /// [default: the plan's `[monitoring] actuals`].
    #[arg(long, value_name = "FILE.csv")]
    pub actuals: Option<PathBuf>,

    /// The financial year, e.g. 2015/16 [default: the latest with spend in the actuals].
    #[arg(long, value_name = "YEAR")]
    pub year: Option<String>,

    /// Report as at this period, e.g. M06 or Q2 [default: the latest in the actuals].
    #[arg(long, value_name = "PERIOD")]
    pub to: Option<String>,

    /// How to forecast the outturn [default: the plan's `[monitoring] forecast`,
    /// else rest-of-budget].
    #[arg(long, value_enum, value_name = "METHOD")]
    pub forecast: Option<Forecast>,

    /// Output format [default: from -o's extension (.csv, .json, .md, .xlsx), else table].
    #[arg(long, short = 'f', value_enum)]
    pub format: Option<Format>,

    /// Write the report to this file (atomically) instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Override one value of the plan, e.g. --set monitoring.amber=2% (repeatable).
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub set: Vec<Override>,
}

pub fn run(args: &Args) -> anyhow::Result<Outcome> {
    let request = Request {
        file: &args.file,
        actuals: args.actuals.as_deref(),
        year: args.year.as_deref(),
        to: args.to.as_deref(),
        forecast: args.forecast,
        set: &args.set,
        output: args.output.as_deref(),
        format: args.format,
        year_end: false,
    };
    report(&request, "monitor")
}

/// What `monitor` and `settle` are asked for.
pub struct Request<'a> {
    pub file: &'a Path,
    /// `None`: the plan's `[monitoring] actuals`.
    pub actuals: Option<&'a Path>,
    pub year: Option<&'a str>,
    pub to: Option<&'a str>,
    pub forecast: Option<Forecast>,
    pub set: &'a [Override],
    pub output: Option<&'a Path>,
    pub format: Option<Format>,
    pub year_end: bool,
}

/// A plan monitored: what the chart and the reports draw on.
pub struct Monitored {
    pub loaded: Loaded,
    pub monitor: Monitor,
}

/// Reads the plan and the actuals and works out the report.
pub fn monitored(r: &Request<'_>) -> anyhow::Result<Monitored> {
    let given: Vec<&Path> = [Some(r.file), r.actuals].into_iter().flatten().collect();
    refuse_output_over_inputs(r.output, &given, &[])?;
    let (loaded, mut sources) = load(r.file, r.set)?;
    let s = &loaded.scenario;
    let year = r.year.map(|y| plan_year(s, y)).transpose()?;
    let to = r.to.map(period).transpose()?;
    let actuals = match r.actuals {
        Some(path) => {
            let name = path.display().to_string();
            actuals::read(path, &name, s, &mut sources).map_err(|d| Rejected::new(&d, &sources))?
        }
        None => match plans_actuals(s, &mut sources)? {
            Some(a) => a,
            None => anyhow::bail!(
                "no actuals: give --actuals FILE.csv, or name them in the plan's [monitoring] actuals\n  = help: e.g. --actuals actuals-2025-26.csv (docs/monitoring.md)"
            ),
        },
    };
    let name = actuals.file.clone();
    refuse_output_over_inputs(r.output, &[], &[&sources])?;
    if actuals.windows_1252 {
        anstream::eprintln!(
            "warning: {}: not UTF-8, so read as Windows-1252 (Excel's \"CSV (Comma delimited)\"); save it as \"CSV UTF-8\" to be sure",
            crate::display::escape(&name)
        );
    }
    // A quarter asked of a year in months: as at the quarter's last month.
    let target = year.or_else(|| latest_with_spend(&actuals));
    let to = match (to, target.and_then(|t| actuals.year(t))) {
        (Some((Periods::Quarters, q)), Some(y)) if y.periods == Periods::Months => {
            Some((Periods::Months, 3 * q))
        }
        (Some((kind, _)), Some(y)) if y.periods != kind => anyhow::bail!(
            "--to {}: {} is given in {} in {name}\n  = help: give a period of that kind, e.g. --to {}",
            r.to.unwrap_or_default(),
            s.year(y.year),
            y.periods.noun(),
            y.periods.label(1)
        ),
        (to, _) => to,
    };
    let options = monitoring::Options {
        year: target,
        to: to.map(|(_, k)| k),
        forecast: r.forecast,
        year_end: r.year_end,
    };
    let monitor = match monitoring::monitor(s, &actuals, options) {
        Ok(m) => m,
        Err(MonitorError::Actuals {
            file,
            message,
            help,
        }) => {
            let d = Diagnostic::file(file, message).help(help);
            return Err(Rejected::new(&Diagnostics::from(d), &sources).into());
        }
        Err(MonitorError::Engine(e)) => {
            return Err(Rejected::new(&Diagnostics::from(Diagnostic::from(e)), &sources).into());
        }
        Err(e) => return Err(e.into()),
    };
    super::print_warnings(&monitoring::warnings(s, &monitor, &actuals), &sources);
    Ok(Monitored { loaded, monitor })
}

/// Runs `monitor` or `settle` (`command`) to the end.
pub fn report(r: &Request<'_>, command: &'static str) -> anyhow::Result<Outcome> {
    let format = match (Writes {
        command,
        svg: false,
    })
    .choose(r.format, r.output)?
    {
        Written::Text(f) => f,
        Written::Svg => Format::Table,
    };
    let m = monitored(r)?;
    let report = MonitorReport {
        scenario: &m.loaded.scenario,
        monitor: &m.monitor,
        year_end: r.year_end,
    };
    emit_as(
        format,
        |p| p.monitor(&report),
        || crate::report::xlsx::monitor(&report),
        r.output,
    )?;
    if r.year_end && !m.monitor.settlement.balances() {
        // The statement says where; a statement that does not balance is
        // never a success.
        anstream::eprintln!(
            "error: the statement does not balance: money in and money out differ by {}",
            crate::report::numbers::pounds_grouped(m.monitor.settlement.balance.difference)
        );
        return Ok(Outcome::Differs);
    }
    Ok(Outcome::Success)
}

/// The year of the latest row of spend (not only money paid in).
fn latest_with_spend(a: &actuals::Actuals) -> Option<u32> {
    a.years.iter().rev().find(|y| y.latest > 0).map(|y| y.year)
}

/// The path of the actuals the plan's `[monitoring] actuals` names
/// (relative to the file that names it), and where it is named.
pub fn actuals_path(
    s: &crate::scenario::Scenario,
    sources: &SourceMap,
) -> Option<(PathBuf, crate::source::Loc)> {
    let (written, loc) = s.monitoring.actuals.as_ref()?;
    let path = match sources.get(loc.file) {
        Some(f) if f.kind() == crate::source::SourceKind::File => Path::new(f.name())
            .parent()
            .map_or_else(|| PathBuf::from(written), |dir| dir.join(written)),
        _ => PathBuf::from(written),
    };
    Some((path, *loc))
}

/// The actuals the plan's `[monitoring] actuals` names, a path relative
/// to the file that names it; one that cannot be read is an error at that
/// line as well as at the file.
fn plans_actuals(
    s: &crate::scenario::Scenario,
    sources: &mut SourceMap,
) -> anyhow::Result<Option<actuals::Actuals>> {
    let Some((path, loc)) = actuals_path(s, sources) else {
        return Ok(None);
    };
    let loc = &loc;
    let name = path.display().to_string();
    match actuals::read(&path, &name, s, sources) {
        Ok(a) => Ok(Some(a)),
        Err(d) => {
            // A file that cannot be read at all is told at the line that
            // names it; problems inside it, at theirs.
            let d = if d.iter().all(|x| x.loc().is_none()) {
                let why: Vec<String> = d.iter().map(|x| x.message.clone()).collect();
                Diagnostics::from(
                    Diagnostic::at(
                        *loc,
                        format!(
                            "the actuals named here, {name}, cannot be read: {}",
                            why.join("; ")
                        ),
                    )
                    .help("the path is relative to the file that names it"),
                )
            } else {
                d
            };
            Err(Rejected::new(&d.finish(), sources).into())
        }
    }
}

/// `--year 2015/16`: years after the plan's baseline.
fn plan_year(s: &crate::scenario::Scenario, text: &str) -> anyhow::Result<u32> {
    let y: FinancialYear = actuals::year_text(text.trim()).parse().map_err(
        |e: crate::scenario::values::ValueError| {
            anyhow::anyhow!(
                "--year: {}{}",
                e.message,
                e.help
                    .map(|h| format!("\n  = help: {h}"))
                    .unwrap_or_default()
            )
        },
    )?;
    match u32::try_from(s.start.years_until(y)) {
        Ok(t) if t <= s.horizon => Ok(t),
        _ => anyhow::bail!(
            "--year {y} is not a year of the plan\n  = help: the plan runs {} to {}",
            s.start,
            s.year(s.horizon)
        ),
    }
}

/// `--to M06`: the kind of period and the period.
fn period(text: &str) -> anyhow::Result<(Periods, usize)> {
    Periods::parse(text.trim()).ok_or_else(|| {
        anyhow::anyhow!(
            "--to {text} is not a month or a quarter\n  = help: months are M01 (April) to M12 (March); quarters Q1 to Q4"
        )
    })
}

/// The plan's monitoring `[[expect]]`s, each with the period it was read
/// as at and its verdict, against the actuals `[monitoring] actuals` names
/// (a path relative to the file that names it). Unreadable or invalid
/// actuals, or a year or period they cannot give, are rejected.
pub fn expectations<'s>(
    s: &'s crate::scenario::Scenario,
    sources: &mut SourceMap,
) -> Result<Vec<(&'s MonitorExpect, String, Verdict)>, Rejected> {
    if s.monitor_expects.is_empty() {
        return Ok(Vec::new());
    }
    let Some(actuals) = plans_actuals(s, sources).map_err(|e| match e.downcast::<Rejected>() {
        Ok(r) => r,
        Err(e) => Rejected {
            rendered: format!("error: {e}\n"),
            count: 1,
        },
    })?
    else {
        return Ok(Vec::new());
    };
    let name = actuals.file.clone();
    let mut out = Vec::new();
    // A report made once for each (year, period, year end) asked for.
    type Key = (u32, Option<(Periods, usize)>, bool);
    let mut made: Vec<(Key, Monitor)> = Vec::new();
    for e in &s.monitor_expects {
        let year_end = e.metric.needs_year_end();
        let key = (e.year, e.period, year_end);
        if !made.iter().any(|(k, _)| *k == key) {
            let given = actuals.year(e.year).map(|y| y.periods);
            // A quarter of a year in months: as at its last month.
            let to = match (e.period, given) {
                (Some((Periods::Quarters, q)), Some(Periods::Months)) => {
                    Some((Periods::Months, 3 * q))
                }
                (p, _) => p,
            };
            let options = monitoring::Options {
                year: Some(e.year),
                to: to.map(|(_, k)| k),
                forecast: None,
                year_end,
            };
            let wrong_kind =
                to.and_then(|(kind, _)| given.filter(|g| *g != kind).map(|g| (kind, g)));
            let result = match wrong_kind {
                Some((asked, given)) => Err(Diagnostic::at(
                    e.loc,
                    format!(
                        "this [[expect]] is as at a period of {}, but {name} gives {} in {}",
                        asked.noun(),
                        s.year(e.year),
                        given.noun()
                    ),
                )
                .help(format!(
                    "give its case as one of {}, e.g. case = \"{}\"",
                    given.noun(),
                    given.label(1)
                ))),
                None => monitoring::monitor(s, &actuals, options).map_err(|err| {
                    let (message, help) = match err {
                        MonitorError::Actuals { message, help, .. } => (message, help),
                        MonitorError::Engine(e) => return Diagnostic::from(e),
                        other => (other.to_string(), String::new()),
                    };
                    Diagnostic::at(
                        e.loc,
                        format!("this [[expect]] cannot be read from {name}: {message}"),
                    )
                    .help(help)
                }),
            };
            match result {
                Ok(m) => made.push((key, m)),
                Err(d) => return Err(Rejected::new(&Diagnostics::from(d), sources)),
            }
        }
        let Some((_, m)) = made.iter().find(|(k, _)| *k == key) else {
            continue;
        };
        let as_at = m.periods.label(m.to_date);
        let verdict = match m.metric(e.metric) {
            Some(v) => judge(v, e.metric.unit(), e.min, e.max),
            None => Verdict::NotEvaluated("the budget is zero".into()),
        };
        out.push((e, as_at, verdict));
    }
    Ok(out)
}
