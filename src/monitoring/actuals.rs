//! The actuals file: what the pool spent, month by month or quarter by
//! quarter, and what each partner paid in (docs/monitoring.md).
//!
//! A tidy CSV in the conventions of the tool's own CSV: financial-year
//! labels, ids, money in pounds. Columns, in any order: `year`, `period`
//! (`M01`..`M12`, April = `M01`, or `Q1`..`Q4`), `value` (pounds, to the
//! penny), and `service` (optionally `setting`) for a row of spend, or
//! `partner` for money a partner paid into the pool. It is read with the
//! `csv` crate and checked against the plan: every bad row is a located
//! error (file, line, column and the column's name, with the line shown),
//! all of them in one pass, and no figure is computed from a file with
//! any.

use std::path::Path;

use rust_decimal::Decimal;

use super::Periods;
use crate::error::{Diagnostic, Diagnostics, did_you_mean, list_ids};
use crate::scenario::Scenario;
use crate::scenario::values::FinancialYear;
use crate::source::{FileId, Loc, SourceMap};

/// The columns an actuals file may have.
pub const COLUMNS: [&str; 6] = ["year", "period", "service", "setting", "partner", "value"];

/// Every row of an actuals file, checked against the plan.
#[derive(Clone, Debug, PartialEq)]
pub struct Actuals {
    /// The file's name as given on the command line.
    pub file: String,
    /// The years with rows, in year order.
    pub years: Vec<YearActuals>,
    /// The file was not UTF-8 and was read as Windows-1252 (Excel's
    /// "CSV (Comma delimited)").
    pub windows_1252: bool,
}

/// One financial year of actuals.
#[derive(Clone, Debug, PartialEq)]
pub struct YearActuals {
    /// Years after the plan's baseline (0..=horizon).
    pub year: u32,
    pub periods: Periods,
    /// Spend by service and period (by index, `periods.count()` long),
    /// summed over settings when the file gives settings.
    pub spend: Vec<Vec<Option<Decimal>>>,
    /// Spend by setting and period, for services the file gives by
    /// setting.
    pub settings: Vec<Option<Vec<Vec<Option<Decimal>>>>>,
    /// Money each partner paid in, by period; all `None` without
    /// contribution rows.
    pub received: Vec<Vec<Option<Decimal>>>,
    /// Whether the file has any contribution row for the year.
    pub has_received: bool,
    /// Where each value of spend was written, by (service, setting when
    /// given by setting, 1-based period): where a warning points.
    pub locs: std::collections::HashMap<(usize, Option<usize>, usize), Loc>,
    /// The latest period with a row of spend (1-based); 0 with none.
    pub latest: usize,
}

impl Actuals {
    /// The actuals of year `t`, if the file has rows for it.
    pub fn year(&self, t: u32) -> Option<&YearActuals> {
        self.years.iter().find(|y| y.year == t)
    }
}

/// Reads an actuals file (at most [`crate::limits::MAX_FILE_BYTES`]) into
/// `sources`, calling it `name`, and checks it against `s`.
pub fn read(
    path: &Path,
    name: &str,
    s: &Scenario,
    sources: &mut SourceMap,
) -> Result<Actuals, Diagnostics> {
    let bytes = crate::scenario::read::read_bounded(path, name)?;
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    let (text, windows) = match std::str::from_utf8(bytes) {
        Ok(text) => (text.to_string(), false),
        // Excel's "CSV (Comma delimited)" on a UK machine writes
        // Windows-1252 (its £ is the byte 0xA3): read it as that.
        Err(_) => (windows_1252(bytes), true),
    };
    let id = sources.add_file(name, text);
    let mut actuals = parse(id, name, s, sources)?;
    actuals.windows_1252 = windows;
    Ok(actuals)
}

/// Text in Windows-1252 (a superset of Latin-1) as a string.
fn windows_1252(bytes: &[u8]) -> String {
    const HIGH: [u32; 32] = [
        0x20AC, 0x81, 0x201A, 0x192, 0x201E, 0x2026, 0x2020, 0x2021, 0x2C6, 0x2030, 0x160, 0x2039,
        0x152, 0x8D, 0x17D, 0x8F, 0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
        0x2DC, 0x2122, 0x161, 0x203A, 0x153, 0x9D, 0x17E, 0x178,
    ];
    bytes
        .iter()
        .map(|&b| {
            let code = match b {
                0x80..=0x9F => HIGH.get(usize::from(b - 0x80)).copied().unwrap_or(0xFFFD),
                _ => u32::from(b),
            };
            char::from_u32(code).unwrap_or('\u{FFFD}')
        })
        .collect()
}

/// One row as read, before it is filed.
struct Row {
    year: u32,
    period: (Periods, usize),
    target: Target,
    value: Decimal,
    line: usize,
    /// Where the period cell is: a mix of months and quarters points here.
    period_loc: Loc,
    value_loc: Loc,
    row_loc: Loc,
}

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Target {
    Spend(usize, Option<usize>),
    Received(usize),
}

/// Checks the text of an actuals file already in `sources`.
pub fn parse(
    id: FileId,
    name: &str,
    s: &Scenario,
    sources: &SourceMap,
) -> Result<Actuals, Diagnostics> {
    let text = sources.get(id).map(|f| f.text()).unwrap_or_default();
    let mut diags = Diagnostics::new();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .comment(Some(b'#'))
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let header = match records.next() {
        Some(Ok(h)) => h,
        Some(Err(e)) => {
            return Err(csv_error(id, text, &e).into());
        }
        None => {
            return Err(
                Diagnostic::at(Loc::file_start(id), "the actuals file is empty")
                    .help(format!(
                        "start it with a header line: {}",
                        COLUMNS.join(",")
                    ))
                    .into(),
            );
        }
    };
    let header_start = row_start(text, header.position().map_or(0, |p| p.byte() as usize));
    let header_cells = cells(text, header_start);
    let mut column = [None::<usize>; COLUMNS.len()];
    if header.len() == 1 {
        let only = header.get(0).unwrap_or("");
        let separator = if only.contains('\t') {
            Some("tabs")
        } else if only.contains(';') {
            Some("semicolons")
        } else {
            None
        };
        if let Some(separator) = separator {
            return Err(Diagnostic::at(
                Loc::new(
                    id,
                    header_start,
                    header_start + line_len(text, header_start),
                ),
                format!("the cells of this file are separated by {separator}, not commas"),
            )
            .help("save it as CSV with commas (in Excel: CSV UTF-8 (Comma delimited))")
            .into());
        }
    }
    // Columns without a title (a trailing comma on every line) are left
    // out; a value under one is an error.
    let mut untitled = Vec::new();
    for (i, title) in header.iter().enumerate() {
        let loc = cell_loc(id, &header_cells, i, header_start);
        let title = title.trim().to_ascii_lowercase();
        let title = title.as_str();
        if title.is_empty() {
            untitled.push(i);
            continue;
        }
        match COLUMNS
            .iter()
            .position(|c| *c == title)
            .and_then(|k| column.get_mut(k))
        {
            Some(Some(_)) => diags.push(
                Diagnostic::at(loc, format!("the column `{title}` is given twice"))
                    .help("each column once"),
            ),
            Some(slot) => *slot = Some(i),
            None => {
                let d = Diagnostic::at(loc, format!("unknown column `{title}`"));
                diags.push(match did_you_mean(title, COLUMNS) {
                    Some(m) => d.help(format!("did you mean `{m}`?")),
                    None => d.help(format!("the columns are {}", list_ids(&COLUMNS))),
                });
            }
        }
    }
    let header_loc = Loc::new(
        id,
        header_start,
        header_start + line_len(text, header_start),
    );
    for (required, given) in COLUMNS.iter().zip(column) {
        if matches!(*required, "year" | "period" | "value") && given.is_none() {
            diags.push(
                Diagnostic::at(header_loc, format!("missing the column `{required}`")).help(
                    format!(
                        "the header is e.g. {} (service for spend, partner for money paid in)",
                        COLUMNS.join(",")
                    ),
                ),
            );
        }
    }
    if !diags.is_empty() {
        return Err(diags.finish());
    }
    let col = |name: &str| {
        COLUMNS
            .iter()
            .zip(column)
            .find(|(c, _)| **c == name)
            .and_then(|(_, given)| given)
    };
    let (year_c, period_c, service_c, setting_c, partner_c, value_c) = (
        col("year"),
        col("period"),
        col("service"),
        col("setting"),
        col("partner"),
        col("value"),
    );
    let mut rows: Vec<Row> = Vec::new();
    let mut row_diags: Vec<Diagnostic> = Vec::new();
    // The line of the row being read (1-based) and the byte it was counted to.
    let (mut line, mut counted) = (1usize, 0usize);
    let plan_years = format!("the plan runs {} to {}", s.start, s.year(s.horizon));
    for record in records {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                row_diags.push(csv_error(id, text, &e));
                continue;
            }
        };
        let start = row_start(text, record.position().map_or(0, |p| p.byte() as usize));
        // Lines counted from the last row, not from the top: a long file
        // is read in one pass.
        line += text
            .get(counted..start)
            .map_or(0, |t| t.bytes().filter(|&b| b == b'\n').count());
        counted = start.max(counted);
        let row_loc = Loc::new(id, start, start + line_len(text, start));
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        if record.len() != header.len() {
            row_diags.push(
                Diagnostic::at(
                    row_loc,
                    format!(
                        "this row has {} cells; the header has {}",
                        record.len(),
                        header.len()
                    ),
                )
                .help(format!(
                    "give every column, empty where it does not apply: {}",
                    header.iter().collect::<Vec<_>>().join(",")
                )),
            );
            continue;
        }
        let spans = cells(text, start);
        let at = |c: Option<usize>| c.map(|i| cell_loc(id, &spans, i, start));
        for &i in &untitled {
            if record.get(i).is_some_and(|v| !v.trim().is_empty()) {
                row_diags.push(
                    Diagnostic::at(
                        at(Some(i)).unwrap_or(row_loc),
                        "a value in a column with no title in the header",
                    )
                    .help(format!("the columns are {}", list_ids(&COLUMNS))),
                );
            }
        }
        let get = |c: Option<usize>| c.and_then(|i| record.get(i)).map(str::trim).unwrap_or("");
        let mut ok = true;
        // year
        let year_loc = at(year_c).unwrap_or(row_loc);
        // `2025-27`: told why as `2025/27` would be, quoting what was written.
        let written = get(year_c);
        let rewritten = year_text(written);
        let parsed = rewritten.parse::<FinancialYear>().map_err(|mut e| {
            e.message = e.message.replace(&rewritten, written);
            e
        });
        let year = match parsed {
            Ok(y) => match u32::try_from(s.start.years_until(y)) {
                Ok(t) if t <= s.horizon => Some(t),
                _ => {
                    row_diags.push(
                        Diagnostic::at(
                            year_loc,
                            format!("column `year`: {y} is not a year of the plan"),
                        )
                        .help(plan_years.clone()),
                    );
                    None
                }
            },
            Err(e) => {
                row_diags.push(
                    Diagnostic::at(year_loc, format!("column `year`: {}", e.message))
                        .maybe_help(e.help),
                );
                None
            }
        };
        // period
        let period_loc = at(period_c).unwrap_or(row_loc);
        let period = Periods::parse(get(period_c));
        if period.is_none() {
            row_diags.push(
                Diagnostic::at(
                    period_loc,
                    format!(
                        "column `period`: `{}` is not a month or a quarter",
                        get(period_c)
                    ),
                )
                .help("months are M01 (April) to M12 (March); quarters Q1 (April to June) to Q4"),
            );
            ok = false;
        }
        // service, setting or partner
        let (service, setting, partner) = (get(service_c), get(setting_c), get(partner_c));
        let target = match (service.is_empty(), partner.is_empty()) {
            (false, false) => {
                row_diags.push(
                    Diagnostic::at(
                        at(partner_c).unwrap_or(row_loc),
                        "a row is either spend (a `service`) or money paid in (a `partner`), not both",
                    )
                    .help("split it into two rows"),
                );
                None
            }
            (true, true) => {
                row_diags.push(
                    Diagnostic::at(row_loc, "this row names no `service` and no `partner`")
                        .help("a row of spend names its service; a row of money paid in names its partner"),
                );
                None
            }
            (false, true) => {
                let service_loc = at(service_c).unwrap_or(row_loc);
                match s.service_index(service) {
                    None => {
                        let ids: Vec<&str> = s.services.iter().map(|x| x.id.as_str()).collect();
                        let d = unknown(service_loc, "service", service, &ids);
                        // A service's name where its id belongs.
                        let by_name = s
                            .services
                            .iter()
                            .find(|x| x.name.eq_ignore_ascii_case(service));
                        row_diags.push(match by_name {
                            Some(x) => d.help(format!(
                                "`{service}` is the name of `{}`: write its id",
                                x.id
                            )),
                            None => d,
                        });
                        None
                    }
                    Some(i) if setting.is_empty() => Some(Target::Spend(i, None)),
                    Some(i) => {
                        let Some(sv) = s.services.get(i) else {
                            continue;
                        };
                        let setting_loc = at(setting_c).unwrap_or(row_loc);
                        match sv
                            .settings
                            .iter()
                            .position(|k| k.id == setting && !k.implicit)
                        {
                            Some(k) => Some(Target::Spend(i, Some(k))),
                            None if sv.settings.iter().all(|k| k.implicit) => {
                                row_diags.push(
                                    Diagnostic::at(
                                        setting_loc,
                                        format!(
                                            "column `setting`: service `{}` has no settings",
                                            sv.id
                                        ),
                                    )
                                    .help("leave the setting empty: its spend is the service's"),
                                );
                                None
                            }
                            None => {
                                let ids: Vec<&str> =
                                    sv.settings.iter().map(|k| k.id.as_str()).collect();
                                row_diags.push(unknown(
                                    setting_loc,
                                    &format!("setting of `{}`", sv.id),
                                    setting,
                                    &ids,
                                ));
                                None
                            }
                        }
                    }
                }
            }
            (true, false) => {
                let partner_loc = at(partner_c).unwrap_or(row_loc);
                if !setting.is_empty() {
                    row_diags.push(
                        Diagnostic::at(
                            at(setting_c).unwrap_or(row_loc),
                            "a row of money paid in by a partner has no setting",
                        )
                        .help("leave the setting empty"),
                    );
                }
                match s.partner_index(partner) {
                    Some(p) => Some(Target::Received(p)),
                    None => {
                        let ids: Vec<&str> = s.partners.iter().map(|x| x.id.as_str()).collect();
                        row_diags.push(unknown(partner_loc, "partner", partner, &ids));
                        None
                    }
                }
            }
        };
        // value
        let value_loc = at(value_c).unwrap_or(row_loc);
        let value = money(get(value_c));
        if let Err(message) = &value {
            row_diags.push(
                Diagnostic::at(value_loc, format!("column `value`: {message}")).help(
                    "money in pounds to the penny, e.g. 1234567.89 (or -1234.50 for a credit)",
                ),
            );
        }
        if let (Some(year), Some(period), Some(target), Ok(value), true) =
            (year, period, target, value, ok)
        {
            rows.push(Row {
                year,
                period,
                target,
                value,
                line,
                period_loc,
                value_loc,
                row_loc,
            });
        }
    }
    collapse(row_diags, &mut diags);
    let years = file_rows(s, &rows, &mut diags);
    if !diags.is_empty() {
        return Err(diags.finish());
    }
    Ok(Actuals {
        file: name.to_string(),
        years,
        windows_1252: false,
    })
}

/// Moves row diagnostics into `diags`, at most [`REPEATS_SHOWN`] of each
/// message: a column of 1,000 rows with the same mistake says so once,
/// three times located, and counts the rest.
fn collapse(row_diags: Vec<Diagnostic>, diags: &mut Diagnostics) {
    // message -> (rows, where the first row not shown is)
    let mut seen: Vec<(String, usize, Option<Loc>)> = Vec::new();
    for d in row_diags {
        match seen.iter_mut().find(|(m, _, _)| *m == d.message) {
            Some((_, n, first_hidden)) => {
                *n += 1;
                if *n <= REPEATS_SHOWN {
                    diags.push(d);
                } else if first_hidden.is_none() {
                    *first_hidden = d.loc();
                }
            }
            None => {
                seen.push((d.message.clone(), 1, None));
                diags.push(d);
            }
        }
    }
    for (message, n, first_hidden) in seen {
        if let (true, Some(at)) = (n > REPEATS_SHOWN, first_hidden) {
            diags.push(Diagnostic::at(
                at,
                format!(
                    "and this row and {} more after it have the same problem: {message}",
                    n - REPEATS_SHOWN - 1
                ),
            ));
            diags.count_more(n - REPEATS_SHOWN - 1);
        }
    }
}

/// How many rows with the same problem are shown.
const REPEATS_SHOWN: usize = 3;

/// Files the rows by year: a year is in months or in quarters; a service
/// by setting or as a whole; no row twice.
fn file_rows(s: &Scenario, rows: &[Row], diags: &mut Diagnostics) -> Vec<YearActuals> {
    let mut out: Vec<YearActuals> = Vec::new();
    // (year, kind, first line) and (year, target, period) -> first line.
    let mut kinds: Vec<(u32, Periods, usize)> = Vec::new();
    let mut whole: Vec<(u32, usize, bool, usize)> = Vec::new();
    let mut seen = std::collections::HashMap::new();
    for row in rows {
        let (kind, k) = row.period;
        match kinds.iter().find(|(y, _, _)| *y == row.year) {
            Some(&(_, first, line)) if first != kind => {
                diags.push(
                    Diagnostic::at(
                        row.period_loc,
                        format!(
                            "{} is given in {} (from line {line}), so this row cannot be in {}",
                            s.year(row.year),
                            first.noun(),
                            kind.noun()
                        ),
                    )
                    .help("give a year in months or in quarters, not both"),
                );
                continue;
            }
            Some(_) => {}
            None => kinds.push((row.year, kind, row.line)),
        }
        if let Target::Spend(i, setting) = row.target {
            match whole.iter().find(|w| w.0 == row.year && w.1 == i) {
                Some(&(_, _, by_setting, line)) if by_setting != setting.is_some() => {
                    diags.push(
                        Diagnostic::at(
                            row.row_loc,
                            format!(
                                "`{}` is given {} in {} (from line {line}); this row is {}",
                                s.services.get(i).map_or("", |x| &x.id),
                                if by_setting {
                                    "by setting"
                                } else {
                                    "as a whole"
                                },
                                s.year(row.year),
                                if by_setting {
                                    "for the whole service"
                                } else {
                                    "for one setting"
                                }
                            ),
                        )
                        .help("give a service's spend either by setting or as a whole, not both"),
                    );
                    continue;
                }
                Some(_) => {}
                None => whole.push((row.year, i, setting.is_some(), row.line)),
            }
        }
        if let Some(first) = seen.insert((row.year, row.target, k), row.line) {
            diags.push(
                Diagnostic::at(
                    row.row_loc,
                    format!(
                        "a second row for the same {} (the first is line {first})",
                        what(s, row)
                    ),
                )
                .help("give one value a period; add the amounts up in one row"),
            );
            continue;
        }
        if !out.iter().any(|y| y.year == row.year) {
            out.push(YearActuals::empty(s, row.year, kind));
        }
        let Some(y) = out.iter_mut().find(|y| y.year == row.year) else {
            continue;
        };
        y.file(s, row.target, k, row.value);
        if let Target::Spend(i, setting) = row.target {
            y.locs.insert((i, setting, k), row.value_loc);
        }
    }
    out.sort_by_key(|y| y.year);
    out
}

/// What a row is of, for a message: "acute spend in M03 of 2015/16".
fn what(s: &Scenario, row: &Row) -> String {
    let (kind, k) = row.period;
    let service = |i: usize| s.services.get(i);
    let thing = match row.target {
        Target::Spend(i, None) => format!("spend of `{}`", service(i).map_or("", |x| &x.id)),
        Target::Spend(i, Some(k)) => format!(
            "spend of `{}` in `{}`",
            service(i).map_or("", |x| &x.id),
            service(i)
                .and_then(|x| x.settings.get(k))
                .map_or("", |x| &x.id)
        ),
        Target::Received(p) => format!(
            "money paid in by `{}`",
            s.partners.get(p).map_or("", |x| &x.id)
        ),
    };
    format!("{thing}, {} {}", kind.label(k), s.year(row.year))
}

impl YearActuals {
    /// Puts a row's value in its place (period `k`, 1-based).
    fn file(&mut self, s: &Scenario, target: Target, k: usize, value: Decimal) {
        let slot = k - 1;
        let n = self.periods.count();
        let cell = |v: &mut Vec<Vec<Option<Decimal>>>, i: usize| {
            if let Some(c) = v.get_mut(i).and_then(|p| p.get_mut(slot)) {
                *c = Some(value);
            }
        };
        match target {
            Target::Spend(i, setting) => {
                if let Some(k) = setting {
                    let settings = s.services.get(i).map_or(0, |x| x.settings.len());
                    if let Some(by) = self.settings.get_mut(i) {
                        cell(by.get_or_insert_with(|| vec![vec![None; n]; settings]), k);
                    }
                }
                if let Some(c) = self.spend.get_mut(i).and_then(|p| p.get_mut(slot)) {
                    *c = Some(match (setting, *c) {
                        (Some(_), Some(before)) => before.saturating_add(value),
                        _ => value,
                    });
                }
                self.latest = self.latest.max(k);
            }
            Target::Received(p) => {
                cell(&mut self.received, p);
                self.has_received = true;
            }
        }
    }

    fn empty(s: &Scenario, year: u32, periods: Periods) -> YearActuals {
        let n = periods.count();
        YearActuals {
            year,
            periods,
            spend: vec![vec![None; n]; s.services.len()],
            settings: vec![None; s.services.len()],
            received: vec![vec![None; n]; s.partners.len()],
            has_received: false,
            locs: std::collections::HashMap::new(),
            latest: 0,
        }
    }

    /// The (service, period) pairs with no row among the first `to`
    /// periods, by service.
    pub fn missing(&self, to: usize) -> Vec<(usize, Vec<usize>)> {
        self.spend
            .iter()
            .enumerate()
            .filter_map(|(i, periods)| {
                let gaps: Vec<usize> = periods
                    .iter()
                    .take(to)
                    .enumerate()
                    .filter(|(_, v)| v.is_none())
                    .map(|(k, _)| k + 1)
                    .collect();
                (!gaps.is_empty()).then_some((i, gaps))
            })
            .collect()
    }
}

/// An unknown id, with a suggestion and the known ones.
fn unknown(loc: Loc, what: &str, id: &str, known: &[&str]) -> Diagnostic {
    let column = if what.starts_with("setting") {
        "setting"
    } else {
        what
    };
    let d = Diagnostic::at(loc, format!("column `{column}`: unknown {what} `{id}`"));
    match did_you_mean(id, known.iter().copied()) {
        Some(m) => d.help(format!(
            "did you mean `{m}`? the plan's are {}",
            list_ids(known)
        )),
        None => d.help(format!("the plan's are {}", list_ids(known))),
    }
}

/// A financial year as a ledger may write it: `2025/26`, or `2025-26`.
pub fn year_text(text: &str) -> String {
    let b = text.as_bytes();
    if b.len() == 7
        && b.get(4) == Some(&b'-')
        && b.iter().filter(|c| c.is_ascii_digit()).count() == 6
    {
        text.replacen('-', "/", 1)
    } else {
        text.to_string()
    }
}

/// Money in pounds, to the penny: `1234.56`, `-1234.5`, `£1,234.56`,
/// `-£12.50`, `£-12.50`, and a credit in brackets, `(1,234.50)`.
fn money(text: &str) -> Result<Decimal, String> {
    if text.is_empty() {
        return Err("the value is empty".into());
    }
    let (bracketed, inner) = match text.strip_prefix('(').and_then(|t| t.strip_suffix(')')) {
        Some(inner) => (true, inner.trim()),
        None => (false, text),
    };
    let inner =
        inner.strip_prefix('£').map_or(
            inner,
            |rest| {
                if rest.starts_with('-') { rest } else { inner }
            },
        );
    let (negative, rest) = match inner.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, inner),
    };
    if bracketed && negative {
        return Err(format!("`{text}` is a credit twice (brackets and a minus)"));
    }
    let negative = negative || bracketed;
    let rest = rest.strip_prefix('£').unwrap_or(rest);
    let plain: String = rest.chars().filter(|&c| c != ',').collect();
    if plain.is_empty()
        || !plain.chars().all(|c| c.is_ascii_digit() || c == '.')
        || plain.starts_with('.')
    {
        return Err(format!("`{text}` is not an amount in pounds"));
    }
    let value = Decimal::from_str_exact(&plain)
        .map_err(|_| format!("`{text}` is not an amount in pounds (or is too large)"))?;
    if value.normalize().scale() > 2 {
        return Err(format!("`{text}` has fractions of a penny"));
    }
    Ok(if negative { -value } else { value })
}

/// Turns the `csv` crate's error into a located diagnostic.
fn csv_error(id: FileId, text: &str, e: &csv::Error) -> Diagnostic {
    let start = e
        .position()
        .map_or(0, |p| p.byte() as usize)
        .min(text.len());
    let loc = Loc::new(id, start, start + line_len(text, start));
    match e.kind() {
        csv::ErrorKind::Utf8 { .. } => {
            Diagnostic::at(loc, "this row is not valid UTF-8 text").help("save the file as UTF-8")
        }
        _ => Diagnostic::at(loc, format!("this row is not valid CSV: {e}"))
            .help("a comma separates cells; a cell with a comma is put in double quotes"),
    }
}

/// Where a row's text starts: the `csv` crate may place a row after a
/// CRLF line ending at its `\n`.
fn row_start(text: &str, mut at: usize) -> usize {
    while matches!(text.as_bytes().get(at), Some(b'\r' | b'\n')) {
        at += 1;
    }
    at
}

/// The byte length of the line starting at `start`, without its ending.
fn line_len(text: &str, start: usize) -> usize {
    let rest = text.get(start..).unwrap_or("");
    rest.find(['\n', '\r']).unwrap_or(rest.len())
}

/// The byte spans of the cells of the row starting at `start`, as
/// written (quotes included), for locating a cell.
fn cells(text: &str, start: usize) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = start;
    let mut cell = start;
    let mut quoted = false;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'"' => quoted = !quoted,
            b',' if !quoted => {
                out.push((cell, i));
                cell = i + 1;
            }
            b'\n' | b'\r' if !quoted => break,
            _ => {}
        }
        i += 1;
    }
    out.push((cell, i));
    out
}

fn cell_loc(id: FileId, spans: &[(usize, usize)], i: usize, start: usize) -> Loc {
    let (a, b) = spans.get(i).copied().unwrap_or((start, start));
    Loc::new(id, a, b.max(a + 1).min(b.max(a)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_is_pounds_to_the_penny() {
        assert_eq!(money("1234.56"), Ok(Decimal::new(123456, 2)));
        assert_eq!(money("£1,234.5"), Ok(Decimal::new(12345, 1)));
        assert_eq!(money("-10"), Ok(Decimal::from(-10)));
        assert!(money("1.005").is_err());
        assert!(money("12m").is_err());
        assert!(money("").is_err());
        assert!(money("1e5").is_err());
        assert_eq!(money("(1,234.50)"), Ok(Decimal::new(-123450, 2)));
        assert_eq!(money("£-200.00"), Ok(Decimal::from(-200)));
        assert_eq!(money("-£200"), Ok(Decimal::from(-200)));
        assert!(money("(-5)").is_err());
    }

    #[test]
    fn years_may_be_written_with_a_dash() {
        assert_eq!(year_text("2025-26"), "2025/26");
        assert_eq!(year_text("2025/26"), "2025/26");
        assert_eq!(year_text("2025-2026"), "2025-2026");
    }

    #[test]
    fn windows_1252_pounds_are_read() {
        assert_eq!(windows_1252(b"\xA31,000"), "£1,000");
        assert_eq!(windows_1252(b"\x80"), "€");
    }

    #[test]
    fn cells_are_found_past_quoted_commas() {
        let text = "a,\"b,c\",d\nx";
        assert_eq!(cells(text, 0), vec![(0, 1), (2, 7), (8, 9)]);
    }
}
