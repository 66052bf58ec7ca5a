//! The validated scenario: what the engine runs on.
//!
//! A [`Scenario`] exists only if its file passed every rule of SPEC 2.4, so
//! the engine never re-checks input. References are resolved to indices
//! (a service's lead is a partner index), defaults are filled in, and every
//! value that may be a range is a [`Param`] in one table, addressed by
//! [`ParamId`]. The engine reads params through a [`Values`] vector: the
//! central case, a sensitivity end or a Monte Carlo draw are all just
//! different `Values` for the same scenario.

use rust_decimal::Decimal;

use super::values::{FinancialYear, Kind, Uncertain};
use crate::metric::Metric;
use crate::source::Loc;

/// Index of a [`Param`] in [`Scenario::params`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ParamId(pub usize);

/// A value that may be uncertain, with the name a reader finds it by.
#[derive(Clone, Debug, PartialEq)]
pub struct Param {
    /// e.g. `assumptions.inflation`, `saving "Joint commissioning".rate`.
    pub name: String,
    pub value: Uncertain,
    pub kind: Kind,
    pub loc: Loc,
    /// The interval a sampled value is clamped to (shares and rates).
    pub clamp: Option<(Decimal, Decimal)>,
    /// The values the key may take (SPEC 2.4): where the switching-value
    /// search looks (SPEC 3.6).
    pub domain: Domain,
}

impl Param {
    /// Whether `written` names this value: its name as `sensitivity`
    /// prints it (`saving "Joint commissioning".rate`), or the same with
    /// dots for the quotes (`saving.Joint commissioning.rate`).
    pub fn is_named(&self, written: &str) -> bool {
        let written = written.trim();
        written == self.name || dotted(written) == dotted(&self.name)
    }
}

/// A value's name with its quoted line name dotted: `saving "A b".rate`
/// is `saving.A b.rate`.
pub fn dotted(name: &str) -> String {
    match name.split_once(" \"") {
        Some((kind, rest)) => match rest.split_once('"') {
            Some((line, tail)) => format!("{kind}.{line}{tail}"),
            None => name.to_string(),
        },
        None => name.to_string(),
    }
}

/// The values a key may take: each end open, closed or absent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Domain {
    pub low: End,
    pub high: End,
}

/// One end of a [`Domain`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum End {
    /// No bound on this side.
    Unbounded,
    /// The value itself is allowed (a share of 0%).
    Closed(Decimal),
    /// Only values beyond it are (a growth rate above -100%).
    Open(Decimal),
}

impl Domain {
    /// Any value.
    pub const ANY: Domain = Domain {
        low: End::Unbounded,
        high: End::Unbounded,
    };
    /// At least zero.
    pub const NOT_NEGATIVE: Domain = Domain {
        low: End::Closed(Decimal::ZERO),
        high: End::Unbounded,
    };
    /// Above zero.
    pub const POSITIVE: Domain = Domain {
        low: End::Open(Decimal::ZERO),
        high: End::Unbounded,
    };
    /// 0% to 100%.
    pub const SHARE: Domain = Domain {
        low: End::Closed(Decimal::ZERO),
        high: End::Closed(Decimal::ONE),
    };
    /// Above -100%: a growth, inflation or deflator rate.
    pub const RATE: Domain = Domain {
        low: End::Open(Decimal::NEGATIVE_ONE),
        high: End::Unbounded,
    };
}

/// One value per param: the inputs of one run of the engine.
#[derive(Clone, Debug, PartialEq)]
pub struct Values(pub Vec<Decimal>);

impl RiskShare {
    /// A partner's rule share as one fraction.
    pub fn share(&self, partner: usize) -> Decimal {
        let w = self.weights.get(partner).copied().unwrap_or_default();
        w.checked_div(self.total).unwrap_or_default()
    }
}

impl Values {
    /// Every param at its central value.
    pub fn central(scenario: &Scenario) -> Values {
        Values(scenario.params.iter().map(|p| p.value.central()).collect())
    }

    pub fn get(&self, id: ParamId) -> Decimal {
        self.0.get(id.0).copied().unwrap_or_default()
    }

    pub fn set(&mut self, id: ParamId, value: Decimal) {
        if let Some(slot) = self.0.get_mut(id.0) {
            *slot = value;
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Scenario {
    pub name: String,
    pub description: Option<String>,
    /// Year 0, the baseline.
    pub start: FinancialYear,
    /// Years projected after the baseline (1..=50).
    pub horizon: u32,
    /// The appraisal's discount rate (SPEC 3.7).
    pub discount_rate: DiscountRate,
    /// General inflation (the GDP deflator) for real terms: the
    /// `[assumptions] inflation` param itself unless given (SPEC 3.7).
    pub deflator: ParamId,
    /// Optimism bias of lines without their own, and of workforce savings
    /// and redundancy costs.
    pub optimism_bias: OptimismBias,
    pub draws: u64,
    pub seed: u64,
    pub percentiles: Vec<u8>,
    pub params: Vec<Param>,
    /// `[assumptions]` defaults, inherited by services without overrides.
    pub inflation: ParamId,
    pub growth: ParamId,
    pub partners: Vec<Partner>,
    pub services: Vec<Service>,
    pub savings: Vec<Saving>,
    pub costs: Vec<Cost>,
    pub variances: Vec<Variance>,
    pub workforce: Vec<Workforce>,
    pub expects: Vec<Expect>,
    /// `[[expect]]`s of monitoring metrics, checked against the actuals
    /// `[monitoring] actuals` names.
    pub monitor_expects: Vec<MonitorExpect>,
    /// How the plan is monitored against actuals (`[monitoring]`).
    pub monitoring: Monitoring,
    /// Ranged values that move together in Monte Carlo
    /// (`[[correlation]]`); no two share a value.
    pub correlations: Vec<Correlation>,
    /// The `[scenario]` table: where scenario-wide problems point.
    pub loc: Loc,
}

/// `[monitoring]`: how the plan, as the pool's budget, is monitored
/// against actuals and settled at year end (docs/monitoring.md).
#[derive(Clone, Debug, PartialEq)]
pub struct Monitoring {
    /// A forecast overspend of at least this share of the year's budget
    /// is amber (default 1%) ...
    pub amber: Decimal,
    /// ... and of at least this, red (default 3%).
    pub red: Decimal,
    /// Twelve monthly shares of the year's budget, April first, summing
    /// to one; `None` phases the budget evenly.
    pub profile: Option<Vec<Decimal>>,
    pub forecast: Forecast,
    /// Offset underspends against overspends across the pool before the
    /// risk share (default false).
    pub net_across_services: bool,
    pub underspend: Underspend,
    /// The actuals file `check` evaluates monitoring expectations
    /// against: its path as written, and where.
    pub actuals: Option<(String, Loc)>,
}

impl Default for Monitoring {
    fn default() -> Self {
        Monitoring {
            amber: Decimal::new(1, 2),
            red: Decimal::new(3, 2),
            profile: None,
            forecast: Forecast::RestOfBudget,
            net_across_services: false,
            underspend: Underspend::ReturnProRata,
            actuals: None,
        }
    }
}

/// How a year's actuals are divided.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Periods {
    /// M01 (April) to M12 (March).
    Months,
    /// Q1 (April to June) to Q4.
    Quarters,
}

impl Periods {
    /// Periods in a year.
    pub fn count(self) -> usize {
        match self {
            Periods::Months => 12,
            Periods::Quarters => 4,
        }
    }

    /// Months in one period.
    pub fn months(self) -> usize {
        12 / self.count()
    }

    /// `M01` or `Q1` for period `k` (1-based).
    pub fn label(self, k: usize) -> String {
        match self {
            Periods::Months => format!("M{k:02}"),
            Periods::Quarters => format!("Q{k}"),
        }
    }

    /// What a person calls period `k`: "April", "Q1 (April to June)".
    pub fn name(self, k: usize) -> String {
        match self {
            Periods::Months => self.months_of(k),
            Periods::Quarters => format!("Q{k} ({})", self.months_of(k)),
        }
    }

    /// The months period `k` covers: "April", "April to June".
    pub fn months_of(self, k: usize) -> String {
        const MONTHS: [&str; 12] = [
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
            "January",
            "February",
            "March",
        ];
        let month = |m: usize| MONTHS.get(m.wrapping_sub(1)).copied().unwrap_or("");
        match self {
            Periods::Months => month(k).to_string(),
            Periods::Quarters => format!("{} to {}", month(3 * k - 2), month(3 * k)),
        }
    }

    /// "months" or "quarters".
    pub fn noun(self) -> &'static str {
        match self {
            Periods::Months => "months",
            Periods::Quarters => "quarters",
        }
    }

    /// "month" or "quarter".
    pub fn one(self) -> &'static str {
        match self {
            Periods::Months => "month",
            Periods::Quarters => "quarter",
        }
    }

    /// `M01`..`M12` (also `M1`), `Q1`..`Q4`: the kind and the 1-based
    /// period.
    pub fn parse(text: &str) -> Option<(Periods, usize)> {
        let (kind, digits) = match text.as_bytes().first()? {
            b'M' | b'm' => (Periods::Months, text.get(1..)?),
            b'Q' | b'q' => (Periods::Quarters, text.get(1..)?),
            _ => return None,
        };
        if digits.is_empty() || digits.len() > 2 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let k: usize = digits.parse().ok()?;
        (1..=kind.count()).contains(&k).then_some((kind, k))
    }
}

/// How the outturn is forecast from the actuals to date.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, clap::ValueEnum)]
pub enum Forecast {
    /// Actual to date plus the budget for the rest of the year.
    #[value(alias = "rest_of_budget")]
    RestOfBudget,
    /// Actual to date carried on at the same rate a period.
    #[value(alias = "straight_line")]
    StraightLine,
}

impl Forecast {
    pub const NAMES: [&'static str; 2] = ["rest_of_budget", "straight_line"];

    pub fn parse(s: &str) -> Option<Forecast> {
        match s {
            "rest_of_budget" => Some(Forecast::RestOfBudget),
            "straight_line" => Some(Forecast::StraightLine),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Forecast::RestOfBudget => "rest_of_budget",
            Forecast::StraightLine => "straight_line",
        }
    }
}

/// What happens to an underspend at year end.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Underspend {
    /// Returned to the partners by each service's rule shares.
    ReturnProRata,
    /// Carried into next year's pool, each partner's part by rule share.
    CarryForward,
    /// Kept in the pool's reserve, belonging to no partner.
    RetainInPool,
}

impl Underspend {
    pub const NAMES: [&'static str; 3] = ["return_pro_rata", "carry_forward", "retain_in_pool"];

    pub fn parse(s: &str) -> Option<Underspend> {
        match s {
            "return_pro_rata" => Some(Underspend::ReturnProRata),
            "carry_forward" => Some(Underspend::CarryForward),
            "retain_in_pool" => Some(Underspend::RetainInPool),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Underspend::ReturnProRata => "return_pro_rata",
            Underspend::CarryForward => "carry_forward",
            Underspend::RetainInPool => "retain_in_pool",
        }
    }
}

impl Scenario {
    pub fn param(&self, id: ParamId) -> Option<&Param> {
        self.params.get(id.0)
    }

    /// The financial year `t` years after the baseline.
    pub fn year(&self, t: u32) -> FinancialYear {
        self.start.plus(t)
    }

    /// Indices of the params that are ranges, in file order.
    pub fn ranged_params(&self) -> impl Iterator<Item = ParamId> + '_ {
        self.params
            .iter()
            .enumerate()
            .filter(|(_, p)| p.value.is_range())
            .map(|(i, _)| ParamId(i))
    }

    pub fn has_ranges(&self) -> bool {
        self.params.iter().any(|p| p.value.is_range())
    }

    pub fn partner_index(&self, id: &str) -> Option<usize> {
        self.partners.iter().position(|p| p.id == id)
    }

    pub fn service_index(&self, id: &str) -> Option<usize> {
        self.services.iter().position(|s| s.id == id)
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Partner {
    pub id: String,
    pub name: String,
    pub kind: PartnerKind,
    pub loc: Loc,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Service {
    pub id: String,
    pub name: String,
    /// Partner index of the lead commissioner.
    pub lead: usize,
    /// Year-0 contribution of every partner, by partner index (0 if none).
    pub contributions: Vec<Decimal>,
    /// C(0): the sum of contributions, > 0.
    pub baseline: Decimal,
    pub inflation: ParamId,
    pub growth: ParamId,
    pub risk_share: RiskShare,
    /// At least one; an implicit single setting has the service's id.
    pub settings: Vec<Setting>,
    pub shift: Option<Shift>,
    pub loc: Loc,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Setting {
    pub id: String,
    pub name: String,
    /// Share of the service's year-0 spend, as a fraction.
    pub share: Decimal,
    pub unit_cost: Option<ParamId>,
    /// True for the single setting of a service without `[[service.setting]]`.
    pub implicit: bool,
}

/// How partners share a service's net savings and variances (SPEC 3.5).
#[derive(Clone, Debug, PartialEq)]
pub struct RiskShare {
    pub rule: RuleKind,
    /// Rule weight of every partner, by partner index: its share is
    /// weight / total (year-0 contributions over the service total under
    /// `proportional`; shares over 1 under `lead` and `fixed`).
    pub weights: Vec<Decimal>,
    /// The sum of the weights (> 0).
    pub total: Decimal,
    /// Most a partner bears of this service's overspend in a year.
    pub caps: Vec<Option<Decimal>>,
}

/// How the path to a target unfolds over the years to it (SPEC 3.2).
#[derive(Clone, Debug, PartialEq)]
pub enum Profile {
    Shape(Shape),
    /// phi(t) for t = 1..=T, non-decreasing, ending at 1.
    List(Vec<Decimal>),
}

impl Profile {
    /// The profile of a shift or reduction that names none: linear.
    pub const DEFAULT: Profile = Profile::Shape(Shape::Linear);
}

#[derive(Clone, Debug, PartialEq)]
pub enum CostRatio {
    /// `cost_ratio` given: r_j is this for every target.
    Given(ParamId),
    /// r_j = unit_cost_j / unit_cost_from.
    UnitCosts,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Shift {
    pub name: String,
    /// Setting index of `from`.
    pub from: usize,
    /// (setting index, split w_j); splits sum to 1.
    pub to: Vec<(usize, Decimal)>,
    pub target_share: ParamId,
    /// T: years from the baseline to `by`, 1..=horizon.
    pub by: u32,
    pub profile: Profile,
    pub cost_ratio: CostRatio,
    /// Shortfall of its savings (SPEC 3.7): its own or the scenario's.
    pub optimism_bias: ParamId,
    pub loc: Loc,
}

#[derive(Clone, Debug, PartialEq)]
pub enum SavingSize {
    /// Share of in-scope post-shift spend.
    Rate(ParamId),
    /// Nominal annual amount.
    Amount(ParamId),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Saving {
    pub name: String,
    /// Service indices in scope.
    pub services: Vec<usize>,
    pub size: SavingSize,
    /// Fraction achieved in years 1, 2, ...; the last holds after.
    pub phase_in: Vec<Decimal>,
    /// Shortfall of its savings (SPEC 3.7): its own or the scenario's.
    pub optimism_bias: ParamId,
    pub loc: Loc,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Cost {
    pub name: String,
    pub services: Vec<usize>,
    /// Nominal amounts for years 1, 2, ...
    pub amounts: Vec<ParamId>,
    /// Uplift of its amounts (SPEC 3.7): its own or the scenario's.
    pub optimism_bias: ParamId,
    pub loc: Loc,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Variance {
    pub name: String,
    pub service: usize,
    /// Nominal over- (+) or underspends (-) for years 1, 2, ...
    pub amounts: Vec<ParamId>,
    pub loc: Loc,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Transfer {
    pub to: usize,
    /// Year index from which `to` employs the staff, 1..=horizon.
    pub year: u32,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Reduction {
    pub heads: ParamId,
    /// Year index by which the reduction is complete, 1..=horizon.
    pub by: u32,
    pub profile: Profile,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Workforce {
    pub name: String,
    pub service: usize,
    pub employer: usize,
    pub staff: Decimal,
    pub cost_per_head: ParamId,
    pub transfer: Option<Transfer>,
    pub reduction: Option<Reduction>,
    pub redundancy_cost: Option<ParamId>,
    pub loc: Loc,
}

impl Workforce {
    /// The partner employing the line's staff in year `t`: `employer`
    /// before `transfer_in`, `transfer_to` from it on.
    pub fn employer_in(&self, t: u32) -> usize {
        match &self.transfer {
            Some(transfer) if t >= transfer.year => transfer.to,
            _ => self.employer,
        }
    }
}

/// `[[correlation]]`: the rank correlations of two or more ranged values
/// (docs/uncertainty.md).
#[derive(Clone, Debug, PartialEq)]
pub struct Correlation {
    pub loc: Loc,
    pub params: Vec<ParamId>,
    /// The target rank correlations, a symmetric positive semi-definite
    /// matrix with ones on its diagonal, row by row.
    pub matrix: Vec<Vec<f64>>,
    /// The normal scores' correlations the draws are re-paired to: those
    /// whose rank correlations are `matrix`'s (shrunk toward independence
    /// where they would not be positive semi-definite).
    pub normal: Vec<Vec<f64>>,
    /// Warnings: values left out, a matrix shrunk (docs/uncertainty.md).
    pub notes: Vec<(Loc, String)>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Expect {
    pub metric: Metric,
    /// Year index 0..=horizon; `None` for `npv`.
    pub year: Option<u32>,
    pub min: Option<Decimal>,
    pub max: Option<Decimal>,
    pub case: Case,
    pub loc: Loc,
}

/// An `[[expect]]` of a monitoring metric (docs/monitoring.md).
#[derive(Clone, Debug, PartialEq)]
pub struct MonitorExpect {
    pub metric: crate::metric::MonitorMetric,
    /// Years after the baseline.
    pub year: u32,
    pub min: Option<Decimal>,
    pub max: Option<Decimal>,
    /// As at this period; the latest in the actuals when `None`.
    pub period: Option<(Periods, usize)>,
    pub loc: Loc,
}

/// The appraisal's discount rate (SPEC 3.7).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DiscountRate {
    /// The Green Book's schedule: 3.5% to year 30, then 3.0%.
    GreenBook,
    /// The same rate every year, as a fraction (above -1).
    Flat(Decimal),
}

/// The scenario's optimism bias (SPEC 3.7): the uplift of costs and the
/// shortfall of savings for lines without their own.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct OptimismBias {
    pub costs: ParamId,
    pub savings: ParamId,
}

// The vocabulary of the format, shared by the raw reading (which parses
// these words) and the validated model (which downstream code sees).

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PartnerKind {
    Council,
    Nhs,
    Other,
}

impl PartnerKind {
    pub const NAMES: [&'static str; 3] = ["council", "nhs", "other"];

    pub fn name(self) -> &'static str {
        match self {
            PartnerKind::Council => "council",
            PartnerKind::Nhs => "nhs",
            PartnerKind::Other => "other",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RuleKind {
    Proportional,
    Lead,
    Fixed,
}

impl RuleKind {
    pub const NAMES: [&'static str; 3] = ["proportional", "lead", "fixed"];

    pub fn name(self) -> &'static str {
        match self {
            RuleKind::Proportional => "proportional",
            RuleKind::Lead => "lead",
            RuleKind::Fixed => "fixed",
        }
    }
}

/// The named profile shapes of SPEC 3.2.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Shape {
    Linear,
    FrontLoaded,
    BackLoaded,
    Step,
}

impl Shape {
    pub const NAMES: [&'static str; 4] = ["linear", "front_loaded", "back_loaded", "step"];

    pub fn name(self) -> &'static str {
        match self {
            Shape::Linear => "linear",
            Shape::FrontLoaded => "front_loaded",
            Shape::BackLoaded => "back_loaded",
            Shape::Step => "step",
        }
    }
}

/// Which case an `[[expect]]` checks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Case {
    Central,
    /// The mean of the Monte Carlo draws (SPEC 4.2).
    Mean,
    Percentile(u8),
}

impl std::fmt::Display for Case {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Case::Central => f.write_str("central"),
            Case::Mean => f.write_str("mean"),
            Case::Percentile(p) => write!(f, "p{p}"),
        }
    }
}
