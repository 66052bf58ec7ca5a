//! Validation: raw scenario -> [`Scenario`], checking every rule of SPEC 2.4.
//!
//! Third step of reading. References are resolved (a service's `lead` becomes
//! a partner index), defaults filled in (SPEC 4.2), ranged values registered
//! as [`Param`]s, and every broken rule reported at the value that breaks it.
//! Validation carries on past an error with a placeholder so that one run
//! reports every problem in the file; it returns a scenario only when there
//! were none.

use rust_decimal::Decimal;

use super::model::*;
use super::raw::*;
use super::values::{FinancialYear, Kind, Uncertain};
use crate::error::{Diagnostic, Diagnostics, did_you_mean, list_ids};
use crate::limits::{MAX_DRAWS, MAX_HORIZON};
use crate::metric::{Metric, Unit};
use crate::source::{Loc, SourceMap};

/// Validates a raw scenario. Returns `None` if any rule is broken (every
/// problem is in `diags`).
pub fn validate(
    raw: &RawScenario,
    sources: &SourceMap,
    diags: &mut Diagnostics,
) -> Option<Scenario> {
    let before = diags.len();
    let top = raw
        .loc
        .unwrap_or_else(|| Loc::file_start(crate::source::FileId::default()));
    let mut v = Validator {
        diags,
        sources,
        params: Vec::new(),
        frame: None,
        bad_unit_costs: Vec::new(),
        optimism_bias: None,
    };
    let header = v.header(raw.header.as_ref(), top);
    let inflation = v.rate_param(
        raw.assumptions.inflation.as_ref(),
        "assumptions.inflation",
        "inflation",
        header.loc,
    );
    let growth = v.rate_param(
        raw.assumptions.growth.as_ref(),
        "assumptions.growth",
        "growth",
        header.loc,
    );
    let deflator = match &raw.assumptions.deflator {
        Some(d) => v.rate_param(Some(d), "assumptions.deflator", "deflator", header.loc),
        // The very same param: the same sampled value in every draw.
        None => inflation,
    };
    let bias = raw.header.as_ref().and_then(|h| h.optimism_bias.as_ref());
    let optimism_bias = OptimismBias {
        costs: v.bias_param(
            bias.and_then(|b| b.costs.as_ref()),
            "scenario.optimism_bias.costs".into(),
            Bias::Uplift,
            header.loc,
        ),
        savings: v.bias_param(
            bias.and_then(|b| b.savings.as_ref()),
            "scenario.optimism_bias.savings".into(),
            Bias::Shortfall,
            header.loc,
        ),
    };
    v.optimism_bias = Some(optimism_bias);
    let partners = v.partners(&raw.partners, top);
    let mut services = v.services(&raw.services, &partners, inflation, growth, top);
    for shift in &raw.shifts {
        v.shift(shift, &mut services);
    }
    let savings = raw.savings.iter().map(|s| v.saving(s, &services)).collect();
    let costs = raw.costs.iter().map(|c| v.cost(c, &services)).collect();
    let variances = raw
        .variances
        .iter()
        .map(|x| v.variance(x, &services))
        .collect();
    let workforce = raw
        .workforce
        .iter()
        .map(|w| v.workforce(w, &services, &partners))
        .collect();
    let monitoring = v.monitoring(raw.monitoring.as_ref());
    let mut scenario = Scenario {
        name: header.name,
        description: header.description,
        start: header.start,
        horizon: header.horizon,
        discount_rate: header.discount_rate,
        deflator,
        optimism_bias,
        draws: header.draws,
        seed: header.seed,
        percentiles: header.percentiles,
        params: Vec::new(),
        inflation,
        growth,
        partners,
        services,
        savings,
        costs,
        variances,
        workforce,
        expects: Vec::new(),
        monitor_expects: Vec::new(),
        monitoring,
        correlations: Vec::new(),
        loc: header.loc,
    };
    for e in &raw.expects {
        let monitoring = e
            .metric
            .as_ref()
            .and_then(|m| crate::metric::MonitorMetric::parse(&m.value, &scenario));
        match monitoring {
            Some(metric) => {
                if let Some(x) = v.monitor_expect(e, metric, &scenario) {
                    scenario.monitor_expects.push(x);
                }
            }
            None => {
                if let Some(x) = v.expect(e, &scenario) {
                    scenario.expects.push(x);
                }
            }
        }
    }
    scenario.correlations = v.correlations(&raw.correlations);
    scenario.params = std::mem::take(&mut v.params);
    (v.diags.len() == before).then_some(scenario)
}

struct Header {
    loc: Loc,
    name: String,
    description: Option<String>,
    start: FinancialYear,
    horizon: u32,
    discount_rate: DiscountRate,
    draws: u64,
    seed: u64,
    percentiles: Vec<u8>,
}

struct Validator<'d> {
    diags: &'d mut Diagnostics,
    sources: &'d SourceMap,
    params: Vec<Param>,
    /// Baseline year and horizon, when both are valid.
    frame: Option<(FinancialYear, u32)>,
    /// (service id, setting id) of settings whose unit cost was written but
    /// is invalid: already reported, so a missing cost ratio is not.
    bad_unit_costs: Vec<(String, String)>,
    /// The scenario's optimism bias, once read: lines without their own
    /// take it.
    optimism_bias: Option<OptimismBias>,
}

/// Which way optimism bias adjusts a line (SPEC 3.7).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Bias {
    /// Costs: an uplift, at least 0%.
    Uplift,
    /// Savings: a shortfall, 0% to 100%.
    Shortfall,
}

fn pct(fraction: Decimal) -> String {
    format!("{}%", (fraction * Decimal::ONE_HUNDRED).normalize())
}

/// What a `[[correlation]]`'s value names.
enum Named {
    /// A ranged value.
    Ranged(ParamId),
    /// A value made single elsewhere, left out: why.
    Left(String),
    /// Nothing it can correlate (an error is reported).
    Missing,
}

/// For each entry, where the first earlier entry with the same id was
/// written (`None` for a first, or an entry without an id): one pass.
fn first_with_same_id<'a>(
    ids: impl Iterator<Item = Option<&'a Located<String>>>,
) -> Vec<Option<Loc>> {
    let mut seen: std::collections::HashMap<&str, Loc> = std::collections::HashMap::new();
    ids.map(|id| {
        let id = id?;
        match seen.entry(id.value.as_str()) {
            std::collections::hash_map::Entry::Occupied(first) => Some(*first.get()),
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert(id.loc);
                None
            }
        }
    })
    .collect()
}

fn unknown_ref(loc: Loc, what: &str, id: &str, known: &[&str]) -> Diagnostic {
    let d = Diagnostic::at(loc, format!("unknown {what} `{id}`"));
    match did_you_mean(id, known.iter().copied()) {
        Some(m) => d.help(format!(
            "did you mean `{m}`? the {what}s are {}",
            list_ids(known)
        )),
        None if known.is_empty() => d.help(format!("no {what}s are defined")),
        None => d.help(format!("the {what}s are {}", list_ids(known))),
    }
}

impl Validator<'_> {
    fn error(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }

    fn add_param(
        &mut self,
        name: String,
        value: &Located<Uncertain>,
        kind: Kind,
        clamp: Option<(Decimal, Decimal)>,
        domain: Domain,
    ) -> ParamId {
        self.params.push(Param {
            name,
            value: value.value,
            kind,
            loc: value.loc,
            clamp,
            domain,
        });
        ParamId(self.params.len() - 1)
    }

    fn point_param(&mut self, name: String, value: Decimal, kind: Kind, loc: Loc) -> ParamId {
        self.add_param(
            name,
            &Located::new(Uncertain::Point(value), loc),
            kind,
            None,
            Domain::ANY,
        )
    }

    /// An inflation or growth rate: above -100% (else spend would vanish or
    /// turn negative). Defaults to 0%.
    fn rate_param(
        &mut self,
        value: Option<&Located<Uncertain>>,
        name: &str,
        key: &str,
        default_loc: Loc,
    ) -> ParamId {
        match value {
            Some(v) => {
                if v.value.low() <= -Decimal::ONE {
                    self.error(
                        Diagnostic::at(
                            v.loc,
                            format!(
                                "`{key}` must be above -100%: spend cannot fall to nothing or below"
                            ),
                        )
                        .help(format!(
                            "a fall of {} a year would end the service; use a rate above -100%",
                            pct(-v.value.low())
                        )),
                    );
                }
                self.add_param(name.to_string(), v, Kind::Percent, None, Domain::RATE)
            }
            None => self.point_param(name.to_string(), Decimal::ZERO, Kind::Percent, default_loc),
        }
    }

    /// An optimism bias: its own value checked against its domain (an
    /// uplift of costs is at least 0%, a shortfall of savings 0% to 100%),
    /// or, when not given, the scenario's (0% for the scenario's own).
    fn bias_param(
        &mut self,
        value: Option<&Located<Uncertain>>,
        name: String,
        bias: Bias,
        default_loc: Loc,
    ) -> ParamId {
        let Some(v) = value else {
            let inherited = self.optimism_bias.map(|o| match bias {
                Bias::Uplift => o.costs,
                Bias::Shortfall => o.savings,
            });
            return inherited.unwrap_or_else(|| {
                self.point_param(name, Decimal::ZERO, Kind::Percent, default_loc)
            });
        };
        let (low, high) = (v.value.low(), v.value.high());
        let (clamp, domain) = match bias {
            Bias::Uplift => {
                if low < Decimal::ZERO {
                    self.error(
                        Diagnostic::at(v.loc, "`optimism_bias` of costs must be at least 0%")
                            .help("it is an uplift: a cost line's amounts become x (1 + bias); the Green Book's supplementary guidance gives upper bounds by type of project"),
                    );
                }
                ((Decimal::ZERO, Decimal::MAX), Domain::NOT_NEGATIVE)
            }
            Bias::Shortfall => {
                if low < Decimal::ZERO || high > Decimal::ONE {
                    self.error(
                        Diagnostic::at(
                            v.loc,
                            "`optimism_bias` of savings must be between 0% and 100%",
                        )
                        .help("it is a shortfall: a saving's amounts become x (1 - bias)"),
                    );
                }
                ((Decimal::ZERO, Decimal::ONE), Domain::SHARE)
            }
        };
        self.add_param(name, v, Kind::Percent, Some(clamp), domain)
    }

    /// A money value that must not be negative.
    fn money_param(
        &mut self,
        value: &Located<Uncertain>,
        name: String,
        key: &str,
        positive: bool,
    ) -> ParamId {
        let low = value.value.low();
        if low < Decimal::ZERO || (positive && low.is_zero()) {
            let rule = if positive {
                "must be above zero"
            } else {
                "cannot be negative"
            };
            self.error(
                Diagnostic::at(value.loc, format!("`{key}` {rule}"))
                    .help("only [[variance]] amounts may be negative"),
            );
        }
        let domain = if positive {
            Domain::POSITIVE
        } else {
            Domain::NOT_NEGATIVE
        };
        self.add_param(name, value, Kind::Money, None, domain)
    }

    /// A share-like percent between 0% and 100%.
    fn share_param(&mut self, value: &Located<Uncertain>, name: String, key: &str) -> ParamId {
        self.check_share_bounds(value.value.low(), value.value.high(), value.loc, key);
        self.add_param(
            name,
            value,
            Kind::Percent,
            Some((Decimal::ZERO, Decimal::ONE)),
            Domain::SHARE,
        )
    }

    fn check_share_bounds(&mut self, low: Decimal, high: Decimal, loc: Loc, key: &str) -> bool {
        if low < Decimal::ZERO || high > Decimal::ONE {
            self.error(Diagnostic::at(
                loc,
                format!("`{key}` must be between 0% and 100%"),
            ));
            return false;
        }
        true
    }

    /// Every `[[correlation]]`: each value a ranged one, named once in the
    /// file; the matrix square, symmetric, ones on its diagonal and
    /// positive semi-definite.
    fn correlations(&mut self, raw: &[RawCorrelation]) -> Vec<Correlation> {
        let mut named: std::collections::HashMap<usize, Loc> = std::collections::HashMap::new();
        let mut out = Vec::new();
        for c in raw {
            let Some(values) = &c.values else { continue };
            let mut params = Vec::new();
            // Where each kept value is in `values`, and what was left out.
            let mut kept = Vec::new();
            let mut notes = Vec::new();
            let mut ok = true;
            for (at, v) in values.value.iter().enumerate() {
                match self.correlated_param(v) {
                    Named::Left(note) => notes.push((v.loc, note)),
                    Named::Missing => ok = false,
                    Named::Ranged(id) => match named.get(&id.0) {
                        Some(first) => {
                            let first = self.sources.describe(*first);
                            self.error(
                                Diagnostic::at(v.loc, format!("`{}` is already correlated at {first}", v.value))
                                    .help("a value can be in one [[correlation]] only: put every value that moves with it in one `matrix`"),
                            );
                            ok = false;
                        }
                        None => {
                            named.insert(id.0, v.loc);
                            params.push(id);
                            kept.push(at);
                        }
                    },
                }
            }
            let k = values.value.len();
            if k < 2 {
                self.error(
                    Diagnostic::at(values.loc, "a correlation needs at least two values")
                        .help("name two or more ranged values, as `pool-model sensitivity` prints them, e.g. values = [\"assumptions.inflation\", \"assumptions.growth\"]"),
                );
                continue;
            }
            let matrix = match (&c.rank, &c.matrix) {
                (Some(r), None) if k == 2 => vec![vec![1.0, r.value], vec![r.value, 1.0]],
                (Some(r), None) => {
                    self.error(
                        Diagnostic::at(r.loc, format!("`rank` correlates two values, but {k} are named"))
                            .help(format!("for {k} values write `matrix`, {k} rows of {k} numbers with 1 on the diagonal")),
                    );
                    continue;
                }
                (None, Some(m)) => match self.correlation_matrix(m, k) {
                    Some(m) => m,
                    None => continue,
                },
                (Some(r), Some(_)) => {
                    self.error(
                        Diagnostic::at(r.loc, "both `rank` and `matrix` are given")
                            .help("keep one: `rank` for two values, `matrix` for two or more"),
                    );
                    continue;
                }
                (None, None) if c.coefficients_written => continue,
                (None, None) => {
                    self.error(
                        Diagnostic::at(c.loc, "missing key `rank` or `matrix` in [[correlation]]")
                            .help("add rank = 0.5 (two values), or a matrix of their rank correlations"),
                    );
                    continue;
                }
            };
            if crate::uncertainty::correlate::cholesky(&matrix).is_none() {
                let at = c.matrix.as_ref().map_or(c.loc, |m| m.loc);
                // The first three values that cannot hold together, if
                // three suffice to show it.
                let name = |i: usize| values.value.get(i).map_or("?", |v| v.value.as_str());
                let three = conflicting_three(&matrix).map_or(String::new(), |(i, j, l)| {
                    format!(
                        " (`{}`, `{}` and `{}` already cannot)",
                        name(i),
                        name(j),
                        name(l)
                    )
                });
                self.error(
                    Diagnostic::at(at, format!("these correlations cannot all hold at once: the matrix is not positive semi-definite{three}"))
                        .help("values correlated strongly with a third must be correlated with each other too; weaken the largest correlations, or the ones against the others' direction"),
                );
                continue;
            }
            if !ok {
                continue;
            }
            // The values a --set or a variant made single are left out,
            // with their rows and columns (what is left of a positive
            // semi-definite matrix is one).
            let matrix: Vec<Vec<f64>> = kept
                .iter()
                .map(|&i| {
                    kept.iter()
                        .map(|&j| matrix.get(i).and_then(|r| r.get(j)).copied().unwrap_or(0.0))
                        .collect()
                })
                .collect();
            if params.len() < 2 {
                notes.push((
                    c.loc,
                    "fewer than two of its values vary, so it correlates nothing".to_string(),
                ));
                out.push(Correlation {
                    loc: c.loc,
                    params: Vec::new(),
                    matrix: Vec::new(),
                    normal: Vec::new(),
                    notes,
                });
                continue;
            }
            let (normal, shrunk) = crate::uncertainty::correlate::normal_correlations(&matrix);
            if let Some(by) = shrunk {
                notes.push((
                    c.matrix.as_ref().map_or(c.loc, |m| m.loc),
                    format!(
                        "the normal correlations these rank correlations need cannot all hold at once (the matrix is at the edge of what is possible): they are taken {:.1}% of the way toward independence, so the rank correlations drawn are somewhat weaker than written",
                        by * 100.0
                    ),
                ));
            }
            out.push(Correlation {
                loc: c.loc,
                params,
                matrix,
                normal,
                notes,
            });
        }
        out
    }

    /// The ranged param a `[[correlation]]` names.
    fn correlated_param(&mut self, v: &Located<String>) -> Named {
        let found = self.params.iter().position(|p| p.is_named(&v.value));
        match found.and_then(|i| self.params.get(i).map(|p| (i, p))) {
            Some((i, p)) if p.value.is_range() => Named::Ranged(ParamId(i)),
            // Made a single value by `--set`, or by a variant of the file
            // that correlates it (a variant is read before its base, so
            // its id is lower): left out, with a warning.
            Some((_, p))
                if p.loc.file < v.loc.file
                    || self
                        .sources
                        .get(p.loc.file)
                        .map(crate::source::SourceFile::kind)
                        == Some(crate::source::SourceKind::Override) =>
            {
                let from = match self
                    .sources
                    .get(p.loc.file)
                    .map(crate::source::SourceFile::kind)
                {
                    Some(crate::source::SourceKind::Override) => self.sources.describe(p.loc),
                    _ => format!("at {}", self.sources.describe(p.loc)),
                };
                Named::Left(format!(
                    "`{}` is a single value ({from}), so this [[correlation]] leaves it out",
                    p.name
                ))
            }
            Some((_, p)) => {
                let name = p.name.clone();
                let example = match p.kind {
                    Kind::Money => "\"£60,000 to £70,000\"",
                    Kind::Percent => "\"2% to 4%\"",
                    Kind::Number => "\"3 to 5\"",
                };
                self.error(
                    Diagnostic::at(v.loc, format!("`{name}` is a point value: only a ranged value can be correlated"))
                        .help(format!("give it a range where it is written (e.g. {example}), or leave it out of the correlation")),
                );
                Named::Missing
            }
            None => {
                let ranged: Vec<String> = self
                    .params
                    .iter()
                    .filter(|p| p.value.is_range())
                    .map(|p| dotted(&p.name))
                    .collect();
                let d = Diagnostic::at(v.loc, format!("unknown value `{}`", v.value));
                let d = match did_you_mean(&dotted(&v.value), ranged.iter().map(String::as_str)) {
                    Some(m) => d.help(format!("did you mean `{m}`? `pool-model sensitivity FILE --format csv` lists the ranged values")),
                    None if ranged.is_empty() => d.help("this file has no ranged values to correlate"),
                    None => d.help("name a ranged value as `pool-model sensitivity FILE --format csv` lists it, e.g. `assumptions.inflation`"),
                };
                self.error(d);
                Named::Missing
            }
        }
    }

    /// A `[[correlation]]` matrix of `k` values: square, symmetric, with
    /// ones on its diagonal.
    fn correlation_matrix(&mut self, m: &Located<Matrix>, k: usize) -> Option<Vec<Vec<f64>>> {
        if m.value.len() != k {
            self.error(
                Diagnostic::at(
                    m.loc,
                    format!("the matrix has {} rows for {k} values", m.value.len()),
                )
                .help(format!(
                    "write {k} rows of {k} numbers, in the order of `values`"
                )),
            );
            return None;
        }
        let mut ok = true;
        for (i, row) in m.value.iter().enumerate() {
            if row.value.len() != k {
                self.error(
                    Diagnostic::at(
                        row.loc,
                        format!(
                            "row {} has {} numbers for {k} values",
                            i + 1,
                            row.value.len()
                        ),
                    )
                    .help(format!(
                        "each row has {k} numbers, one per value in `values`"
                    )),
                );
                ok = false;
            }
        }
        if !ok {
            return None;
        }
        let at = |i: usize, j: usize| m.value.get(i).and_then(|r| r.value.get(j));
        for i in 0..k {
            for j in 0..k {
                let Some(x) = at(i, j) else { continue };
                if i == j && x.value != 1.0 {
                    self.error(
                        Diagnostic::at(x.loc, format!("the diagonal must be 1, not {}", x.value))
                            .help("each value is perfectly correlated with itself: write 1"),
                    );
                    ok = false;
                }
                if let Some(y) = at(j, i).filter(|y| j < i && y.value != x.value) {
                    self.error(
                        Diagnostic::at(
                            x.loc,
                            format!(
                                "row {}, column {} is {} but row {}, column {} is {}",
                                i + 1,
                                j + 1,
                                x.value,
                                j + 1,
                                i + 1,
                                y.value
                            ),
                        )
                        .help("a correlation matrix is symmetric: the two must be equal"),
                    );
                    ok = false;
                }
            }
        }
        ok.then(|| {
            m.value
                .iter()
                .map(|r| r.value.iter().map(|x| x.value).collect())
                .collect()
        })
    }

    /// `[monitoring]`, its defaults filled in (docs/monitoring.md).
    fn monitoring(&mut self, raw: Option<&RawMonitoring>) -> Monitoring {
        let mut m = Monitoring::default();
        let Some(raw) = raw else {
            return m;
        };
        for (value, slot, key) in [
            (&raw.amber, &mut m.amber, "amber"),
            (&raw.red, &mut m.red, "red"),
        ] {
            if let Some(v) = value {
                if v.value < Decimal::ZERO {
                    self.error(
                        Diagnostic::at(v.loc, format!("`{key}` cannot be below 0%"))
                            .help("it is a forecast overspend as a share of the year's budget, e.g. \"1%\""),
                    );
                } else {
                    *slot = v.value;
                }
            }
        }
        if let (Some(amber), Some(red)) = (&raw.amber, &raw.red) {
            if amber.value > red.value && red.value >= Decimal::ZERO {
                self.error(
                    Diagnostic::at(red.loc, "`red` is below `amber`")
                        .help("red is the larger overspend: e.g. amber = \"1%\", red = \"3%\""),
                );
            }
        } else if m.amber > m.red {
            let at = raw
                .amber
                .as_ref()
                .or(raw.red.as_ref())
                .map_or(raw.loc, |v| v.loc);
            self.error(
                Diagnostic::at(
                    at,
                    format!(
                        "`amber` ({}) is above `red` ({}), the default or given",
                        crate::report::numbers::percent_exact(m.amber),
                        crate::report::numbers::percent_exact(m.red)
                    ),
                )
                .help("give both, amber below red: e.g. amber = \"1%\", red = \"3%\""),
            );
        }
        if let Some(profile) = &raw.profile {
            if let Some(list) = &profile.value {
                let total: Decimal = list.iter().map(|v| v.value).sum();
                if list.len() != 12 {
                    self.error(
                        Diagnostic::at(
                            profile.loc,
                            format!("`profile` has {} monthly shares; a year has 12", list.len()),
                        )
                        .help("give April to March, twelve shares summing to 100%, or \"even\""),
                    );
                } else if let Some(bad) = list.iter().find(|v| v.value < Decimal::ZERO) {
                    self.error(Diagnostic::at(
                        bad.loc,
                        "a month's share of the budget cannot be below 0%",
                    ));
                } else if total != Decimal::ONE {
                    self.error(
                        Diagnostic::at(
                            profile.loc,
                            format!(
                                "the monthly shares sum to {}, not 100%",
                                crate::report::numbers::percent_exact(total)
                            ),
                        )
                        .help("the twelve months phase the whole year's budget"),
                    );
                } else {
                    m.profile = Some(list.iter().map(|v| v.value).collect());
                }
            }
        }
        if let Some(f) = &raw.forecast {
            m.forecast = f.value;
        }
        if let Some(n) = &raw.net_across_services {
            m.net_across_services = n.value;
        }
        if let Some(u) = &raw.underspend {
            m.underspend = u.value;
        }
        m.actuals = raw.actuals.as_ref().map(|a| (a.value.clone(), a.loc));
        m
    }

    fn header(&mut self, raw: Option<&RawHeader>, top: Loc) -> Header {
        let mut h = Header {
            loc: raw.map_or(top, |r| r.loc),
            name: String::new(),
            description: None,
            start: FinancialYear::new(2000),
            horizon: 1,
            discount_rate: DiscountRate::GreenBook,
            draws: 10_000,
            seed: 1,
            percentiles: vec![10, 50, 90],
        };
        let Some(raw) = raw else {
            return h;
        };
        if let Some(name) = &raw.name {
            h.name = name.value.clone();
        }
        h.description = raw.description.as_ref().map(|d| d.value.clone());
        let mut frame_ok = raw.start.is_some();
        if let Some(start) = &raw.start {
            h.start = start.value;
        }
        if let Some(horizon) = &raw.horizon {
            match u32::try_from(horizon.value) {
                Ok(n) if (1..=MAX_HORIZON).contains(&n) => h.horizon = n,
                _ => {
                    frame_ok = false;
                    self.error(
                        Diagnostic::at(
                            horizon.loc,
                            format!(
                                "`horizon` must be 1 to {MAX_HORIZON} years, not {}",
                                horizon.value
                            ),
                        )
                        .help("horizon counts the years projected after the baseline year"),
                    );
                }
            }
        } else {
            frame_ok = false;
        }
        if let Some(rate) = &raw.discount_rate {
            match rate.value {
                DiscountRate::Flat(r) if r <= -Decimal::ONE => self.error(
                    Diagnostic::at(rate.loc, "`discount_rate` must be above -100%")
                        .help("\"green_book\" (the default) is the Green Book's schedule: 3.5% to year 30, then 3%"),
                ),
                value => h.discount_rate = value,
            }
        }
        if let Some(draws) = &raw.draws {
            match u64::try_from(draws.value) {
                Ok(n) if (1..=MAX_DRAWS).contains(&n) => h.draws = n,
                _ => self.error(Diagnostic::at(
                    draws.loc,
                    format!("`draws` must be 1 to {MAX_DRAWS}, not {}", draws.value),
                )),
            }
        }
        if let Some(seed) = &raw.seed {
            match u64::try_from(seed.value) {
                Ok(n) => h.seed = n,
                Err(_) => self.error(
                    Diagnostic::at(seed.loc, "`seed` cannot be negative")
                        .help("use an integer from 0"),
                ),
            }
        }
        if let Some(list) = &raw.percentiles {
            if list.value.is_empty() {
                self.error(
                    Diagnostic::at(list.loc, "`percentiles` is empty")
                        .help("list at least one, e.g. [10, 50, 90]"),
                );
            }
            let mut out = Vec::new();
            let mut previous: Option<i64> = None;
            for p in &list.value {
                match u8::try_from(p.value) {
                    Ok(n) if (1..=99).contains(&n) => out.push(n),
                    _ => {
                        self.error(Diagnostic::at(
                            p.loc,
                            format!("percentile {} is outside 1 to 99", p.value),
                        ));
                        continue;
                    }
                }
                if previous.is_some_and(|q| q >= p.value) {
                    self.error(
                        Diagnostic::at(
                            p.loc,
                            "`percentiles` must be in ascending order without repeats",
                        )
                        .help("e.g. [10, 50, 90]"),
                    );
                }
                previous = Some(p.value);
            }
            if !out.is_empty() {
                h.percentiles = out;
            }
        }
        if frame_ok {
            self.frame = Some((h.start, h.horizon));
        }
        h
    }

    /// The year index of a year that must fall in years 1..=H.
    fn year_in_horizon(&mut self, year: &Located<FinancialYear>, key: &str) -> Option<u32> {
        let (start, horizon) = self.frame?;
        let t = start.years_until(year.value);
        if (1..=i64::from(horizon)).contains(&t) {
            return u32::try_from(t).ok();
        }
        let first = start.plus(1);
        let last = start.plus(horizon);
        let why = if t < 1 {
            format!("{} is not after the baseline year {start}", year.value)
        } else {
            format!("{} is after the last projected year {last}", year.value)
        };
        self.error(
            Diagnostic::at(
                year.loc,
                format!("`{key}` must be within the projection, {first} to {last}: {why}"),
            )
            .help(format!(
                "use a year from \"{first}\" to \"{last}\", or lengthen the horizon"
            )),
        );
        None
    }

    fn partners(&mut self, raw: &[RawPartner], top: Loc) -> Vec<Partner> {
        if raw.is_empty() {
            self.error(Diagnostic::at(top, "the scenario has no [[partner]]").help(
                "add a [[partner]] with id, name and kind for each body paying into the pool",
            ));
        }
        let mut out: Vec<Partner> = Vec::new();
        let firsts = first_with_same_id(raw.iter().map(|p| p.id.as_ref()));
        for (p, first) in raw.iter().zip(firsts) {
            let id = p.id.as_ref().map(|i| i.value.clone()).unwrap_or_default();
            if let Some(idv) = &p.id {
                if let Some(line) = first {
                    self.error(
                        Diagnostic::at(idv.loc, format!("duplicate partner id `{}`", idv.value))
                            .help(format!(
                                "partner `{}` is already defined at {}; ids must be unique",
                                idv.value,
                                self.sources.describe(line)
                            )),
                    );
                }
            }
            out.push(Partner {
                loc: p.id.as_ref().map_or(p.loc, |i| i.loc),
                id,
                name: p.name.as_ref().map(|n| n.value.clone()).unwrap_or_default(),
                kind: p.kind.as_ref().map_or(PartnerKind::Other, |k| k.value),
            });
        }
        out
    }

    fn partner_ref(&mut self, id: &Located<String>, partners: &[Partner]) -> Option<usize> {
        match partners.iter().position(|p| p.id == id.value) {
            Some(i) => Some(i),
            None => {
                let known: Vec<&str> = partners
                    .iter()
                    .map(|p| p.id.as_str())
                    .filter(|s| !s.is_empty())
                    .collect();
                self.error(unknown_ref(id.loc, "partner", &id.value, &known));
                None
            }
        }
    }

    fn service_ref(&mut self, id: &Located<String>, services: &[Service]) -> Option<usize> {
        match services.iter().position(|s| s.id == id.value) {
            Some(i) => Some(i),
            None => {
                let known: Vec<&str> = services
                    .iter()
                    .map(|s| s.id.as_str())
                    .filter(|s| !s.is_empty())
                    .collect();
                self.error(unknown_ref(id.loc, "service", &id.value, &known));
                None
            }
        }
    }

    /// A list of services in scope; all services when absent.
    fn service_list(
        &mut self,
        raw: Option<&Located<Vec<Located<String>>>>,
        services: &[Service],
    ) -> Vec<usize> {
        let Some(list) = raw else {
            return (0..services.len()).collect();
        };
        if list.value.is_empty() {
            self.error(
                Diagnostic::at(list.loc, "`services` is empty")
                    .help("list the services in scope, or remove `services` to cover them all"),
            );
        }
        let mut out = Vec::new();
        for id in &list.value {
            if let Some(i) = self.service_ref(id, services) {
                if out.contains(&i) {
                    self.error(Diagnostic::at(
                        id.loc,
                        format!("service `{}` is listed twice", id.value),
                    ));
                } else {
                    out.push(i);
                }
            }
        }
        out
    }

    fn services(
        &mut self,
        raw: &[RawService],
        partners: &[Partner],
        inflation: ParamId,
        growth: ParamId,
        top: Loc,
    ) -> Vec<Service> {
        if raw.is_empty() {
            self.error(
                Diagnostic::at(top, "the scenario has no [[service]]")
                    .help("add a [[service]] with id, name, lead and contributions"),
            );
        }
        let firsts = first_with_same_id(raw.iter().map(|s| s.id.as_ref()));
        raw.iter()
            .zip(firsts)
            .map(|(s, first)| self.service(s, partners, inflation, growth, first))
            .collect()
    }

    fn service(
        &mut self,
        s: &RawService,
        partners: &[Partner],
        inflation: ParamId,
        growth: ParamId,
        first: Option<Loc>,
    ) -> Service {
        let id = s.id.as_ref().map(|i| i.value.clone()).unwrap_or_default();
        if let Some(idv) = &s.id {
            if let Some(line) = first {
                self.error(
                    Diagnostic::at(idv.loc, format!("duplicate service id `{}`", idv.value)).help(
                        format!(
                            "service `{}` is already defined at {}; ids must be unique",
                            idv.value,
                            self.sources.describe(line)
                        ),
                    ),
                );
            }
        }
        let lead = s
            .lead
            .as_ref()
            .and_then(|l| self.partner_ref(l, partners))
            .unwrap_or(0);
        let mut contributions = vec![Decimal::ZERO; partners.len()];
        let mut baseline = Decimal::ZERO;
        if let Some(map) = &s.contributions {
            for (pid, amount) in &map.value {
                if amount.value < Decimal::ZERO {
                    self.error(
                        Diagnostic::at(
                            amount.loc,
                            format!("contribution of `{}` cannot be negative", pid.value),
                        )
                        .help("a partner that pays nothing into this service contributes \"£0\""),
                    );
                }
                if let Some(i) = self.partner_ref(pid, partners) {
                    if let Some(slot) = contributions.get_mut(i) {
                        *slot = amount.value;
                    }
                }
                match baseline.checked_add(amount.value) {
                    Some(b) => baseline = b,
                    None => self.error(Diagnostic::at(
                        amount.loc,
                        "contributions are too large to add up exactly",
                    )),
                }
            }
            if baseline <= Decimal::ZERO && map.value.iter().all(|(_, a)| a.value >= Decimal::ZERO)
            {
                self.error(
                    Diagnostic::at(map.loc, format!("contributions to service `{id}` sum to zero"))
                        .help("a service needs year-0 money: give at least one partner a positive contribution"),
                );
            }
        }
        let prefix = format!("service.{id}");
        let inflation = match &s.inflation {
            Some(v) => self.rate_param(Some(v), &format!("{prefix}.inflation"), "inflation", v.loc),
            None => inflation,
        };
        let growth = match &s.growth {
            Some(v) => self.rate_param(Some(v), &format!("{prefix}.growth"), "growth", v.loc),
            None => growth,
        };
        let settings = self.settings(s, &id, &prefix);
        let risk_share = self.risk_share(
            s.risk_share.as_ref(),
            partners,
            &contributions,
            baseline,
            lead,
        );
        Service {
            loc: s.id.as_ref().map_or(s.loc, |i| i.loc),
            name: s.name.as_ref().map(|n| n.value.clone()).unwrap_or_default(),
            id,
            lead,
            contributions,
            baseline,
            inflation,
            growth,
            risk_share,
            settings,
            shift: None,
        }
    }

    fn settings(&mut self, s: &RawService, id: &str, prefix: &str) -> Vec<Setting> {
        if s.settings.is_empty() {
            return vec![Setting {
                id: id.to_string(),
                name: s.name.as_ref().map(|n| n.value.clone()).unwrap_or_default(),
                share: Decimal::ONE,
                unit_cost: None,
                implicit: true,
            }];
        }
        let mut out: Vec<Setting> = Vec::new();
        let mut total = Decimal::ZERO;
        // Where a wrong sum is reported: the share written last, in the
        // most recent edit (a --set, then the variant before its base), so
        // a variant that changes one share is told at its own line.
        let mut last_share: Option<Loc> = None;
        let recency = |loc: Loc| {
            let edited = self
                .sources
                .get(loc.file)
                .is_some_and(|f| f.kind() != crate::source::SourceKind::File);
            (edited, std::cmp::Reverse(loc.file))
        };
        let mut all_shares = true;
        for k in &s.settings {
            let kid = k.id.as_ref().map(|i| i.value.clone()).unwrap_or_default();
            if k.unit_cost_written && k.unit_cost.is_none() {
                self.bad_unit_costs.push((id.to_string(), kid.clone()));
            }
            if let Some(idv) = &k.id {
                if out.iter().any(|q| q.id == idv.value) {
                    self.error(Diagnostic::at(
                        idv.loc,
                        format!("duplicate setting id `{}` in service `{id}`", idv.value),
                    ));
                }
            }
            let share = match &k.share {
                Some(sh) => {
                    if self.check_share_bounds(sh.value, sh.value, sh.loc, "share") {
                        total += sh.value;
                    } else {
                        all_shares = false;
                    }
                    if last_share.is_none_or(|l| recency(sh.loc) >= recency(l)) {
                        last_share = Some(sh.loc);
                    }
                    sh.value
                }
                None => {
                    all_shares = false;
                    Decimal::ZERO
                }
            };
            let unit_cost = k.unit_cost.as_ref().map(|u| {
                self.money_param(
                    u,
                    format!("{prefix}.setting.{kid}.unit_cost"),
                    "unit_cost",
                    true,
                )
            });
            out.push(Setting {
                id: kid,
                name: k.name.as_ref().map(|n| n.value.clone()).unwrap_or_default(),
                share,
                unit_cost,
                implicit: false,
            });
        }
        if all_shares && total != Decimal::ONE {
            let listed: Vec<String> = out
                .iter()
                .map(|k| format!("{} {}", k.id, pct(k.share)))
                .collect();
            if let Some(loc) = last_share {
                self.error(
                    Diagnostic::at(
                        loc,
                        format!(
                            "setting shares of service `{id}` sum to {}, not exactly 100%",
                            pct(total)
                        ),
                    )
                    .help(format!(
                        "the shares are {}; adjust them to sum to 100%",
                        listed.join(", ")
                    )),
                );
            }
        }
        out
    }

    fn risk_share(
        &mut self,
        raw: Option<&RawRiskShare>,
        partners: &[Partner],
        contributions: &[Decimal],
        baseline: Decimal,
        lead: usize,
    ) -> RiskShare {
        let n = partners.len();
        let rule = raw
            .and_then(|r| r.rule.as_ref())
            .map_or(RuleKind::Proportional, |r| r.value);
        let mut shares = vec![Decimal::ZERO; n];
        let mut total = Decimal::ONE;
        match rule {
            RuleKind::Proportional => {
                if baseline > Decimal::ZERO {
                    shares = contributions.to_vec();
                    total = baseline;
                }
            }
            RuleKind::Lead => {
                if let Some(s) = shares.get_mut(lead) {
                    *s = Decimal::ONE;
                }
            }
            RuleKind::Fixed => {}
        }
        let mut caps = vec![None; n];
        let Some(raw) = raw else {
            return RiskShare {
                rule,
                weights: shares,
                total,
                caps,
            };
        };
        match (&raw.shares, rule) {
            (Some(map), RuleKind::Fixed) => {
                let mut sum = Decimal::ZERO;
                let mut bounded = true;
                for (pid, share) in &map.value {
                    bounded &=
                        self.check_share_bounds(share.value, share.value, share.loc, "shares");
                    sum += share.value;
                    if let Some(i) = self.partner_ref(pid, partners) {
                        if let Some(slot) = shares.get_mut(i) {
                            *slot = share.value;
                        }
                    }
                }
                if bounded && sum != Decimal::ONE {
                    self.error(
                        Diagnostic::at(
                            map.loc,
                            format!("fixed risk shares sum to {}, not exactly 100%", pct(sum)),
                        )
                        .help("partners not named bear 0%; the named shares must sum to 100%"),
                    );
                }
            }
            (None, RuleKind::Fixed) => {
                let at = raw.rule.as_ref().map_or(raw.loc, |r| r.loc);
                self.error(
                    Diagnostic::at(at, "a `fixed` risk share needs `shares`")
                        .help("e.g. risk_share = { rule = \"fixed\", shares = { bcc = \"60%\", ben = \"40%\" } }"),
                );
            }
            (Some(map), other) => {
                self.error(
                    Diagnostic::at(
                        map.loc,
                        format!(
                            "`shares` only applies to rule = \"fixed\", not \"{}\"",
                            other.name()
                        ),
                    )
                    .help("set rule = \"fixed\" or remove `shares`"),
                );
            }
            (None, _) => {}
        }
        if let Some(map) = &raw.cap {
            for (pid, cap) in &map.value {
                if cap.value < Decimal::ZERO {
                    self.error(
                        Diagnostic::at(cap.loc, "a cap cannot be negative")
                            .help("\"£0\" means the partner bears no overspend"),
                    );
                }
                if let Some(i) = self.partner_ref(pid, partners) {
                    if let Some(slot) = caps.get_mut(i) {
                        *slot = Some(cap.value);
                    }
                }
            }
        }
        RiskShare {
            rule,
            weights: shares,
            total,
            caps,
        }
    }

    /// A profile over `years` years (None when the year is invalid).
    fn profile(
        &mut self,
        raw: Option<&Located<RawProfile>>,
        years: Option<u32>,
        key: &str,
    ) -> Profile {
        let Some(raw) = raw else {
            return Profile::DEFAULT;
        };
        match &raw.value {
            RawProfile::Shape(s) => Profile::Shape(*s),
            RawProfile::List(list) => {
                let values: Vec<Decimal> = list.iter().map(|v| v.value).collect();
                if let Some(t) = years {
                    if values.len() != t as usize {
                        self.error(
                            Diagnostic::at(
                                raw.loc,
                                format!(
                                    "`{key}` lists {} years, but the target is {t} year(s) away",
                                    values.len()
                                ),
                            )
                            .help(format!(
                                "give one fraction for each of the {t} year(s), ending at \"100%\""
                            )),
                        );
                    }
                }
                for v in list {
                    if v.value < Decimal::ZERO || v.value > Decimal::ONE {
                        self.error(Diagnostic::at(
                            v.loc,
                            format!("each `{key}` value must be between 0% and 100%"),
                        ));
                    }
                }
                for pair in list.windows(2) {
                    if let [a, b] = pair {
                        if b.value < a.value {
                            self.error(
                                Diagnostic::at(b.loc, format!("`{key}` decreases from {} to {}", pct(a.value), pct(b.value)))
                                    .help("a profile is the fraction of the change reached by each year: it cannot go back"),
                            );
                        }
                    }
                }
                match list.last() {
                    Some(last) if last.value != Decimal::ONE => self.error(
                        Diagnostic::at(
                            last.loc,
                            format!("`{key}` must end at 100%, not {}", pct(last.value)),
                        )
                        .help("the last year of a profile is the year the target is reached"),
                    ),
                    None => self.error(Diagnostic::at(raw.loc, format!("`{key}` is empty"))),
                    _ => {}
                }
                Profile::List(values)
            }
        }
    }

    fn shift(&mut self, raw: &RawShift, services: &mut [Service]) {
        let Some(service_id) = &raw.service else {
            return;
        };
        let Some(si) = self.service_ref(service_id, services) else {
            return;
        };
        let Some(service) = services.get(si) else {
            return;
        };
        if service.shift.is_some() {
            self.error(
                Diagnostic::at(
                    service_id.loc,
                    format!("service `{}` already has a shift", service_id.value),
                )
                .help(
                    "a service takes at most one [[shift]]; combine the moves into one `to` split",
                ),
            );
            return;
        }
        let setting_ids: Vec<String> = service.settings.iter().map(|k| k.id.clone()).collect();
        let known: Vec<&str> = setting_ids.iter().map(String::as_str).collect();
        let find =
            |v: &mut Self, id: &Located<String>| match known.iter().position(|k| *k == id.value) {
                Some(i) => Some(i),
                None => {
                    let mut d = unknown_ref(id.loc, "setting", &id.value, &known);
                    d.message = format!(
                        "unknown setting `{}` in service `{}`",
                        id.value, service_id.value
                    );
                    v.error(d);
                    None
                }
            };
        let from = raw.from.as_ref().and_then(|f| find(self, f));
        let mut to = Vec::new();
        if let Some(map) = &raw.to {
            let mut total = Decimal::ZERO;
            let mut bounded = true;
            for (kid, w) in &map.value {
                bounded &= self.check_share_bounds(w.value, w.value, w.loc, "to");
                total += w.value;
                if let Some(j) = find(self, kid) {
                    if Some(j) == from {
                        self.error(
                            Diagnostic::at(
                                kid.loc,
                                format!("setting `{}` is both `from` and in `to`", kid.value),
                            )
                            .help("a shift moves activity out of `from` into other settings"),
                        );
                    }
                    to.push((j, w.value));
                }
            }
            if map.value.is_empty() {
                self.error(
                    Diagnostic::at(map.loc, "`to` is empty")
                        .help("e.g. to = { supported_living = \"70%\", home_support = \"30%\" }"),
                );
            } else if bounded && total != Decimal::ONE {
                self.error(
                    Diagnostic::at(
                        map.loc,
                        format!("the `to` split sums to {}, not exactly 100%", pct(total)),
                    )
                    .help("the split says where re-provided activity goes: it must sum to 100%"),
                );
            }
        }
        let name = raw
            .name
            .as_ref()
            .map(|n| n.value.clone())
            .unwrap_or_default();
        let prefix = format!("shift.{}", service_id.value);
        let target_share = match &raw.target_share {
            Some(t) => self.share_param(t, format!("{prefix}.target_share"), "target_share"),
            None => self.point_param(
                format!("{prefix}.target_share"),
                Decimal::ZERO,
                Kind::Percent,
                raw.loc,
            ),
        };
        let by = raw.by.as_ref().and_then(|b| self.year_in_horizon(b, "by"));
        let profile = self.profile(raw.profile.as_ref(), by, "profile");
        let cost_ratio = match &raw.cost_ratio {
            Some(c) => {
                if c.value.low() < Decimal::ZERO {
                    self.error(
                        Diagnostic::at(c.loc, "`cost_ratio` cannot be negative")
                            .help("e.g. \"60% to 80%\": re-provision costs 60p to 80p per £1"),
                    );
                }
                CostRatio::Given(self.add_param(
                    format!("{prefix}.cost_ratio"),
                    c,
                    Kind::Percent,
                    None,
                    Domain::NOT_NEGATIVE,
                ))
            }
            None => {
                let Some(service) = services.get(si) else {
                    return;
                };
                let mut missing: Vec<&str> = Vec::new();
                for k in from.into_iter().chain(to.iter().map(|(j, _)| *j)) {
                    if let Some(setting) = service.settings.get(k) {
                        let reported = self
                            .bad_unit_costs
                            .iter()
                            .any(|(sv, k)| *sv == service.id && *k == setting.id);
                        if setting.unit_cost.is_none() && !reported {
                            missing.push(&setting.id);
                        }
                    }
                }
                if !missing.is_empty() {
                    self.error(
                        Diagnostic::at(raw.loc, format!("shift \"{name}\" has no way to get its cost ratio: no `cost_ratio`, and no unit cost for {}", list_ids(&missing)))
                            .help("add cost_ratio = \"70%\" to the shift, or a unit_cost to every setting it names"),
                    );
                }
                CostRatio::UnitCosts
            }
        };
        self.check_shift_leaves_spend(raw, from, services.get(si));
        let optimism_bias = self.bias_param(
            raw.optimism_bias.as_ref(),
            format!("{prefix}.optimism_bias"),
            Bias::Shortfall,
            raw.loc,
        );
        if let (Some(from), Some(by), Some(service)) = (from, by, services.get_mut(si)) {
            service.shift = Some(Shift {
                name,
                from,
                to,
                target_share,
                by,
                profile,
                cost_ratio,
                optimism_bias,
                loc: raw.loc,
            });
        }
    }

    /// A shift whose `from` setting holds all of its service's spend, at a
    /// cost ratio that can be 0%, would move every pound at no cost: the
    /// post-shift total would be zero and every share 0/0. Refused, at the
    /// cost ratio (SPEC 3.3 leaves the case undefined; docs/model.md).
    fn check_shift_leaves_spend(
        &mut self,
        raw: &RawShift,
        from: Option<usize>,
        service: Option<&Service>,
    ) {
        let (Some(from), Some(service), Some(ratio)) = (from, service, &raw.cost_ratio) else {
            return;
        };
        let holds_all = service
            .settings
            .get(from)
            .is_some_and(|k| k.share == Decimal::ONE);
        let moves = raw
            .target_share
            .as_ref()
            .is_none_or(|t| t.value.low() < Decimal::ONE);
        if holds_all && moves && ratio.value.low().is_zero() {
            self.error(
                Diagnostic::at(
                    ratio.loc,
                    format!(
                        "a cost ratio of 0% would leave service `{}` no spend at all: its `from` setting holds all of it, and moving it at no cost leaves a total of zero, whose shares cannot be taken",
                        service.id
                    ),
                )
                .help("give a cost ratio above 0% (the low end of a range too), or keep some of the service's spend in other settings"),
            );
        }
    }

    fn saving(&mut self, raw: &RawSaving, services: &[Service]) -> Saving {
        let name = raw
            .name
            .as_ref()
            .map(|n| n.value.clone())
            .unwrap_or_default();
        let label = format!("saving \"{name}\"");
        let scope = self.service_list(raw.services.as_ref(), services);
        let size = match (&raw.rate, &raw.amount) {
            (Some(rate), None) => {
                if rate.value.low() < Decimal::ZERO || rate.value.high() > Decimal::ONE {
                    self.error(Diagnostic::at(
                        rate.loc,
                        "a saving `rate` must be between 0% and 100%",
                    ));
                }
                SavingSize::Rate(self.add_param(
                    format!("{label}.rate"),
                    rate,
                    Kind::Percent,
                    Some((Decimal::ZERO, Decimal::ONE)),
                    Domain::SHARE,
                ))
            }
            (None, Some(amount)) => SavingSize::Amount(self.money_param(
                amount,
                format!("{label}.amount"),
                "amount",
                false,
            )),
            (Some(_), Some(amount)) => {
                self.error(
                    Diagnostic::at(amount.loc, format!("{label} has both `rate` and `amount`"))
                        .help("give exactly one: a rate of in-scope spend, or a nominal annual amount"),
                );
                SavingSize::Amount(ParamId(0))
            }
            // A size that did not parse is reported where it is written.
            (None, None) if raw.size_written => SavingSize::Amount(ParamId(0)),
            (None, None) => {
                self.error(
                    Diagnostic::at(raw.loc, format!("{label} needs a `rate` or an `amount`"))
                        .help("e.g. rate = \"3% to 7%\" or amount = \"£1.5m\""),
                );
                SavingSize::Amount(ParamId(0))
            }
        };
        let phase_in = match &raw.phase_in {
            Some(list) => {
                if list.value.is_empty() {
                    self.error(
                        Diagnostic::at(list.loc, "`phase_in` is empty")
                            .help("e.g. [\"50%\", \"100%\"], or remove it for 100% from year 1"),
                    );
                }
                for v in &list.value {
                    self.check_share_bounds(v.value, v.value, v.loc, "phase_in");
                }
                list.value.iter().map(|v| v.value).collect()
            }
            None => vec![Decimal::ONE],
        };
        let optimism_bias = self.bias_param(
            raw.optimism_bias.as_ref(),
            format!("saving \"{name}\".optimism_bias"),
            Bias::Shortfall,
            raw.loc,
        );
        Saving {
            name,
            services: scope,
            size,
            phase_in,
            optimism_bias,
            loc: raw.loc,
        }
    }

    /// An `amounts` list: at most `horizon` entries.
    fn amounts(
        &mut self,
        raw: Option<&Located<Vec<Located<Uncertain>>>>,
        label: &str,
        negative_ok: bool,
    ) -> Vec<ParamId> {
        let Some(list) = raw else {
            return Vec::new();
        };
        if let Some((start, horizon)) = self.frame {
            if list.value.len() > horizon as usize {
                self.error(
                    Diagnostic::at(list.loc, format!("`amounts` lists {} years, but the horizon is {horizon}", list.value.len()))
                        .help(format!("amounts are for years 1 to {horizon} ({} to {}); remove the extra values or lengthen the horizon", start.plus(1), start.plus(horizon))),
                );
            }
        }
        list.value
            .iter()
            .enumerate()
            .map(|(k, v)| {
                let year = self.frame.map_or_else(
                    || format!("{}", k + 1),
                    |(start, _)| start.plus(k as u32 + 1).to_string(),
                );
                let name = format!("{label}.amounts[{year}]");
                if negative_ok {
                    self.add_param(name, v, Kind::Money, None, Domain::ANY)
                } else {
                    self.money_param(v, name, "amounts", false)
                }
            })
            .collect()
    }

    fn cost(&mut self, raw: &RawCost, services: &[Service]) -> Cost {
        let name = raw
            .name
            .as_ref()
            .map(|n| n.value.clone())
            .unwrap_or_default();
        let scope = self.service_list(raw.services.as_ref(), services);
        let amounts = self.amounts(raw.amounts.as_ref(), &format!("cost \"{name}\""), false);
        let optimism_bias = self.bias_param(
            raw.optimism_bias.as_ref(),
            format!("cost \"{name}\".optimism_bias"),
            Bias::Uplift,
            raw.loc,
        );
        Cost {
            name,
            services: scope,
            amounts,
            optimism_bias,
            loc: raw.loc,
        }
    }

    fn variance(&mut self, raw: &RawVariance, services: &[Service]) -> Variance {
        let name = raw
            .name
            .as_ref()
            .map(|n| n.value.clone())
            .unwrap_or_default();
        let service = raw
            .service
            .as_ref()
            .and_then(|s| self.service_ref(s, services))
            .unwrap_or(0);
        let amounts = self.amounts(raw.amounts.as_ref(), &format!("variance \"{name}\""), true);
        Variance {
            name,
            service,
            amounts,
            loc: raw.loc,
        }
    }

    fn workforce(
        &mut self,
        raw: &RawWorkforce,
        services: &[Service],
        partners: &[Partner],
    ) -> Workforce {
        let name = raw
            .name
            .as_ref()
            .map(|n| n.value.clone())
            .unwrap_or_default();
        let label = format!("workforce \"{name}\"");
        let service = raw
            .service
            .as_ref()
            .and_then(|s| self.service_ref(s, services));
        let employer = raw
            .employer
            .as_ref()
            .and_then(|e| self.partner_ref(e, partners))
            .unwrap_or(0);
        let staff = raw.staff.as_ref().map_or(Decimal::ZERO, |s| s.value);
        if let Some(s) = &raw.staff {
            if s.value < Decimal::ZERO {
                self.error(Diagnostic::at(s.loc, "`staff` cannot be negative"));
            }
        }
        let cost_per_head = match &raw.cost_per_head {
            Some(c) => {
                self.money_param(c, format!("{label}.cost_per_head"), "cost_per_head", false)
            }
            None => self.point_param(
                format!("{label}.cost_per_head"),
                Decimal::ZERO,
                Kind::Money,
                raw.loc,
            ),
        };
        if let (Some(si), Some(s), Some(c)) = (service, &raw.staff, &raw.cost_per_head) {
            let baseline = services.get(si).map_or(Decimal::ZERO, |x| x.baseline);
            // Year-0 pay may not exceed the service's spend (below).
            if let (Some(most), Some(p)) = (
                baseline.checked_div(s.value),
                self.params.get_mut(cost_per_head.0),
            ) {
                if baseline > Decimal::ZERO {
                    p.domain.high = End::Closed(most);
                }
            }
            match s.value.checked_mul(c.value.central()) {
                Some(pay) if pay > baseline && baseline > Decimal::ZERO => self.error(
                    Diagnostic::at(s.loc, format!("year-0 pay of {label} ({} staff at {} = £{}) exceeds the year-0 spend of service `{}` (£{})", s.value.normalize(), money_text(c.value.central()), pay.round_dp(2).normalize(), services.get(si).map_or("", |x| x.id.as_str()), baseline.normalize()))
                        .help("staff paid from a service cannot cost more than the service spends; check staff, cost_per_head and the service's contributions"),
                ),
                None => self.error(Diagnostic::at(s.loc, format!("year-0 pay of {label} is too large to compute exactly"))),
                _ => {}
            }
        }
        let transfer = match (&raw.transfer_to, &raw.transfer_in) {
            (Some(to), Some(year)) => {
                let to = self.partner_ref(to, partners);
                let year = self.year_in_horizon(year, "transfer_in");
                to.zip(year).map(|(to, year)| Transfer { to, year })
            }
            (Some(to), None) => {
                self.error(
                    Diagnostic::at(
                        to.loc,
                        "`transfer_to` needs `transfer_in`: the year the staff move",
                    )
                    .help("e.g. transfer_in = \"2012/13\""),
                );
                None
            }
            (None, Some(year)) => {
                self.error(Diagnostic::at(
                    year.loc,
                    "`transfer_in` needs `transfer_to`: the partner the staff move to",
                ));
                None
            }
            (None, None) => None,
        };
        let reduction = match (&raw.reduction, &raw.reduction_by) {
            (Some(heads), Some(by)) => {
                if heads.value.low() < Decimal::ZERO {
                    self.error(Diagnostic::at(heads.loc, "`reduction` cannot be negative"));
                }
                if raw.staff.is_some() && heads.value.high() > staff {
                    self.error(
                        Diagnostic::at(
                            heads.loc,
                            format!(
                                "`reduction` of up to {} exceeds the {} staff of {label}",
                                heads.value.high().normalize(),
                                staff.normalize()
                            ),
                        )
                        .help("a reduction cannot remove more staff than there are"),
                    );
                }
                let most = if raw.staff.is_some() {
                    End::Closed(staff)
                } else {
                    End::Unbounded
                };
                let heads_id = self.add_param(
                    format!("{label}.reduction"),
                    heads,
                    Kind::Number,
                    None,
                    Domain {
                        low: End::Closed(Decimal::ZERO),
                        high: most,
                    },
                );
                let by = self.year_in_horizon(by, "reduction_by");
                let profile = self.profile(raw.reduction_profile.as_ref(), by, "reduction_profile");
                by.map(|by| Reduction {
                    heads: heads_id,
                    by,
                    profile,
                })
            }
            (Some(heads), None) => {
                self.error(
                    Diagnostic::at(
                        heads.loc,
                        "`reduction` needs `reduction_by`: the year it is complete",
                    )
                    .help("e.g. reduction_by = \"2011/12\""),
                );
                None
            }
            (None, Some(by)) => {
                self.error(Diagnostic::at(
                    by.loc,
                    "`reduction_by` needs `reduction`: how many heads fewer",
                ));
                None
            }
            (None, None) => {
                if let Some(p) = &raw.reduction_profile {
                    self.error(Diagnostic::at(
                        p.loc,
                        "`reduction_profile` needs `reduction` and `reduction_by`",
                    ));
                }
                None
            }
        };
        let redundancy_cost = raw.redundancy_cost.as_ref().map(|r| {
            self.money_param(
                r,
                format!("{label}.redundancy_cost"),
                "redundancy_cost",
                false,
            )
        });
        Workforce {
            name,
            service: service.unwrap_or(0),
            employer,
            staff,
            cost_per_head,
            transfer,
            reduction,
            redundancy_cost,
            loc: raw.loc,
        }
    }

    /// An `[[expect]]` of a monitoring metric: a year, a bound, and
    /// `[monitoring] actuals` to measure it against.
    fn monitor_expect(
        &mut self,
        raw: &RawExpect,
        metric: Result<crate::metric::MonitorMetric, crate::metric::MetricError>,
        scenario: &Scenario,
    ) -> Option<MonitorExpect> {
        let metric_text = raw.metric.as_ref()?;
        let metric = match metric {
            Ok(m) => m,
            Err(e) => {
                self.error(Diagnostic::at(metric_text.loc, e.message).help(e.help));
                return None;
            }
        };
        if scenario.monitoring.actuals.is_none() {
            self.error(
                Diagnostic::at(
                    metric_text.loc,
                    format!(
                        "`{}` is measured against actuals, and [monitoring] names none",
                        metric_text.value
                    ),
                )
                .help(
                    "add `actuals = \"FILE.csv\"` to [monitoring] (a path relative to this file)",
                ),
            );
            return None;
        }
        if let Some(c) = &raw.case {
            self.error(
                Diagnostic::at(
                    c.loc,
                    format!("`{}` is monitored, not projected: its case is a period", metric_text.value),
                )
                .help("write case = \"M06\" (or \"Q2\") for as at that period, or leave `case` out for the latest"),
            );
            return None;
        }
        let Some(y) = &raw.year else {
            self.error(
                Diagnostic::at(
                    raw.loc,
                    format!("[[expect]] of `{}` needs a `year`", metric_text.value),
                )
                .help(format!(
                    "e.g. year = \"{}\"",
                    scenario.year(1.min(scenario.horizon))
                )),
            );
            return None;
        };
        let t = self.expect_year(y)?;
        if let (true, Some(p)) = (metric.needs_year_end(), &raw.period) {
            self.error(
                Diagnostic::at(
                    p.loc,
                    format!(
                        "`{}` is the year-end statement's: it has no period",
                        metric_text.value
                    ),
                )
                .help("leave `case` out: it is read once every period of the year is in"),
            );
            return None;
        }
        let (min, max) = self.bounds(raw, &metric_text.value, metric.unit())?;
        Some(MonitorExpect {
            metric,
            year: t,
            min,
            max,
            period: raw.period.as_ref().map(|p| p.value),
            loc: raw.loc,
        })
    }

    /// An `[[expect]]`'s year, as years after the baseline: one of the
    /// projection's.
    fn expect_year(&mut self, y: &Located<FinancialYear>) -> Option<u32> {
        let (start, horizon) = self.frame?;
        let t = start.years_until(y.value);
        if !(0..=i64::from(horizon)).contains(&t) {
            self.error(
                Diagnostic::at(
                    y.loc,
                    format!(
                        "unknown year {}: the projection runs {start} to {}",
                        y.value,
                        start.plus(horizon)
                    ),
                )
                .help(format!(
                    "use a year from \"{start}\" to \"{}\"",
                    start.plus(horizon)
                )),
            );
            return None;
        }
        u32::try_from(t).ok()
    }

    /// An `[[expect]]`'s `min` and `max` in the metric's unit: at least
    /// one, and `min` not above `max`.
    fn bounds(
        &mut self,
        raw: &RawExpect,
        metric: &str,
        unit: Unit,
    ) -> Option<(Option<Decimal>, Option<Decimal>)> {
        if raw.min.is_none() && raw.max.is_none() {
            self.error(
                Diagnostic::at(
                    raw.loc,
                    format!("[[expect]] of `{metric}` has neither `min` nor `max`"),
                )
                .help("give a bound, e.g. max = \"40%\" or min = \"£2m\""),
            );
            return None;
        }
        let min = raw.min.as_ref().map(|b| self.bound(b, unit));
        let max = raw.max.as_ref().map(|b| self.bound(b, unit));
        let (min, max) = (min.flatten(), max.flatten());
        if raw.min.is_some() && min.is_none() || raw.max.is_some() && max.is_none() {
            return None;
        }
        if let (Some(lo), Some(hi), Some(at)) = (min, max, raw.max.as_ref()) {
            if lo > hi {
                self.error(Diagnostic::at(
                    at.loc,
                    "`max` is below `min`: no value could pass",
                ));
                return None;
            }
        }
        Some((min, max))
    }

    fn expect(&mut self, raw: &RawExpect, scenario: &Scenario) -> Option<Expect> {
        let metric_text = raw.metric.as_ref()?;
        if let Some(p) = &raw.period {
            self.error(
                Diagnostic::at(
                    p.loc,
                    format!(
                        "a period is the case of a monitoring metric, not of `{}`",
                        metric_text.value
                    ),
                )
                .help("use \"central\", \"mean\" or a percentile such as \"p10\""),
            );
            return None;
        }
        let metric = match Metric::parse(&metric_text.value, scenario) {
            Ok(m) => m,
            Err(e) => {
                self.error(Diagnostic::at(metric_text.loc, e.message).help(e.help));
                return None;
            }
        };
        let year = match (&raw.year, metric.is_whole_run()) {
            (Some(y), true) => {
                self.error(
                    Diagnostic::at(
                        y.loc,
                        format!(
                            "`{}` covers years 1 to the horizon: it takes no `year`",
                            metric_text.value
                        ),
                    )
                    .help("remove `year` from this [[expect]]"),
                );
                return None;
            }
            (None, true) => None,
            (None, false) => {
                self.error(
                    Diagnostic::at(
                        raw.loc,
                        format!("[[expect]] of `{}` needs a `year`", metric_text.value),
                    )
                    .help(format!(
                        "e.g. year = \"{}\"",
                        scenario.year(scenario.horizon)
                    )),
                );
                return None;
            }
            (Some(y), false) => Some(self.expect_year(y)?),
        };
        let (min, max) = self.bounds(raw, &metric_text.value, metric.unit())?;
        let mut case = raw.case.as_ref().map_or(Case::Central, |c| c.value);
        if metric == Metric::LossProbability {
            // A probability over the draws: Monte Carlo's, not the central
            // case's.
            match (case, &raw.case) {
                (Case::Percentile(_), Some(c)) => {
                    self.error(
                        Diagnostic::at(c.loc, "`loss_probability` is one chance over all the draws: it has no percentiles")
                            .help("leave `case` out (or write case = \"mean\")"),
                    );
                    return None;
                }
                _ => case = Case::Mean,
            }
        } else if let (Case::Mean, Some(c)) = (case, &raw.case) {
            if !metric.has_mean() {
                let instead = if metric.sampled() {
                    "use case = \"central\" or a percentile for this metric"
                } else {
                    "use case = \"central\" (or leave `case` out) for this metric"
                };
                self.error(
                    Diagnostic::at(c.loc, format!("`{}` has no Monte Carlo mean: means are reported for net_savings, cumulative_net_savings and npv", metric_text.value))
                        .help(instead),
                );
                return None;
            }
        }
        if let (Case::Percentile(_), Some(c)) = (case, &raw.case) {
            if !metric.sampled() {
                self.error(
                    Diagnostic::at(c.loc, format!("`{}` has no percentiles: Monte Carlo samples pool totals, service spend, partners' contributions and NPV", metric_text.value))
                        .help("use case = \"central\" for this metric"),
                );
                return None;
            }
        }
        Some(Expect {
            metric,
            year,
            min,
            max,
            case,
            loc: raw.loc,
        })
    }

    /// An expectation bound, read as the metric's unit.
    fn bound(&mut self, raw: &Located<RawBound>, unit: Unit) -> Option<Decimal> {
        let (kind, forms) = match unit {
            Unit::Money => (Kind::Money, "money, e.g. \"£2m\""),
            Unit::Fraction => (Kind::Percent, "a percent, e.g. \"40%\""),
            Unit::Count => (Kind::Number, "a number, e.g. 150"),
            Unit::Ratio => (Kind::Number, "a plain number, e.g. \"1.5\""),
        };
        let result = match &raw.value {
            RawBound::Str(s) => kind.parse(s),
            RawBound::Int(n) if kind != Kind::Percent => Ok(Decimal::from(*n)),
            RawBound::Int(n) => Err(super::values::ValueError {
                message: format!("this metric is a share: `{n}` needs a % sign"),
                help: Some(format!("use \"{n}%\"")),
            }),
            RawBound::Float(f) => Err(super::values::ValueError {
                message: format!("`{f}` is a TOML float"),
                help: Some(format!(
                    "write it as a string, e.g. \"{f}{}\"",
                    if kind == Kind::Percent { "%" } else { "" }
                )),
            }),
        };
        match result {
            Ok(v) => Some(v),
            Err(mut e) => {
                // A bare fraction for a percent ("0.6") most likely means
                // 60%, not 0.6%: say both.
                let bare = match &raw.value {
                    RawBound::Str(s) => s.trim().parse::<Decimal>().ok(),
                    RawBound::Float(f) => f.parse::<Decimal>().ok(),
                    RawBound::Int(_) => None,
                };
                if let (Kind::Percent, Some(v)) = (kind, bare) {
                    if v > Decimal::ZERO && v <= Decimal::ONE {
                        e.help = Some(format!(
                            "write \"{}%\" for {} as a fraction, or \"{}%\" if you mean under one percent",
                            (v * Decimal::ONE_HUNDRED).normalize(),
                            v.normalize(),
                            v.normalize()
                        ));
                    }
                }
                self.error(
                    Diagnostic::at(
                        raw.loc,
                        format!("{} (this metric's bound is {forms})", e.message),
                    )
                    .maybe_help(e.help),
                );
                None
            }
        }
    }
}

fn money_text(v: Decimal) -> String {
    format!("£{}", v.round_dp(2).normalize())
}

/// The first three values (in order) whose own correlations are not
/// positive semi-definite: where a matrix that cannot hold shows it
/// smallest. None when every three can hold and only more together
/// cannot.
fn conflicting_three(matrix: &[Vec<f64>]) -> Option<(usize, usize, usize)> {
    let n = matrix.len();
    let at = |i: usize, j: usize| matrix.get(i).and_then(|r| r.get(j)).copied().unwrap_or(0.0);
    for i in 0..n {
        for j in i + 1..n {
            for l in j + 1..n {
                let sub: Vec<Vec<f64>> = [i, j, l]
                    .iter()
                    .map(|&a| [i, j, l].iter().map(|&b| at(a, b)).collect())
                    .collect();
                if crate::uncertainty::correlate::cholesky(&sub).is_none() {
                    return Some((i, j, l));
                }
            }
        }
    }
    None
}
