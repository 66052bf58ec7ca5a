//! An options appraisal (SPEC 4.3): a Green Book shortlist, each option a
//! scenario file appraised against its own counterfactual (business as
//! usual), side by side.
//!
//! Each option is projected exactly, its Monte Carlo ranges drawn when it
//! has ranged values, and its largest swing found with its switching value
//! (the first bar of its tornado). Options whose counterfactual differs
//! from the first option's are named: their NPVs measure change from a
//! different starting point, so they are not comparable. The same holds
//! for options discounted or deflated differently.

use rust_decimal::Decimal;

use crate::engine::Projection;
use crate::scenario::Scenario;
use crate::uncertainty::Ranges;
use crate::uncertainty::sensitivity::Bar;

/// One option of the shortlist.
pub struct Appraised {
    /// The file as given on the command line.
    pub file: String,
    pub scenario: Scenario,
    pub central: Projection,
    /// Monte Carlo ranges; none without ranged values or with `--no-ranges`.
    pub ranges: Option<Ranges>,
    pub largest: Largest,
}

/// The value that moves an option's NPV most.
pub enum Largest {
    /// No ranged value moves the option's NPV (or it has none).
    Nothing,
    /// Too many ranged values to vary one by one (docs/limits.md).
    TooMuchWork,
    /// The tornado's first bar, with its switching value.
    Bar(Box<Bar>),
}

/// The options, in the order given, and how far they can be compared.
pub struct Shortlist {
    pub options: Vec<Appraised>,
    /// Options (by index) whose counterfactual differs from the first's.
    pub unlike: Vec<usize>,
    /// Options (by index) whose discounting or deflator differs from the
    /// first's, though their counterfactual does not.
    pub discounted_unlike: Vec<usize>,
}

impl Shortlist {
    /// Every percentile any option reports, in order: a column each in the
    /// options table (empty where an option does not report it).
    pub fn percentiles(&self) -> Vec<u8> {
        let mut all: Vec<u8> = self
            .options
            .iter()
            .filter_map(|o| o.ranges.as_ref())
            .flat_map(|r| r.percentiles.iter().copied())
            .collect();
        all.sort_unstable();
        all.dedup();
        all
    }

    pub fn new(options: Vec<Appraised>) -> Shortlist {
        let mut unlike = Vec::new();
        let mut discounted_unlike = Vec::new();
        if let Some((first, rest)) = options.split_first() {
            for (i, o) in rest.iter().enumerate() {
                if !same_counterfactual(first, o) {
                    unlike.push(i + 1);
                } else if !discounted_alike(first, o) {
                    discounted_unlike.push(i + 1);
                }
            }
        }
        Shortlist {
            options,
            unlike,
            discounted_unlike,
        }
    }

    /// Whether option `i` can be compared with the first.
    pub fn comparable(&self, i: usize) -> bool {
        !self.unlike.contains(&i) && !self.discounted_unlike.contains(&i)
    }

    /// What a reader must know before comparing NPVs, one sentence each.
    pub fn warnings(&self) -> Vec<String> {
        let Some(first) = self.options.first() else {
            return Vec::new();
        };
        // "option 3 (c.toml) does" or "options 2 (b.toml) and 3 (c.toml) do".
        let named = |ids: &[usize], one: &str, many: &str| {
            let names: Vec<String> = ids
                .iter()
                .filter_map(|&i| {
                    self.options
                        .get(i)
                        .map(|o| format!("{} ({})", i + 1, o.file))
                })
                .collect();
            match names.split_last() {
                Some((last, [])) => format!("option {last} {one}"),
                Some((last, rest)) => format!("options {} and {last} {many}", rest.join(", ")),
                None => String::new(),
            }
        };
        let mut out = Vec::new();
        if !self.unlike.is_empty() {
            let (its, measure) = if self.unlike.len() == 1 {
                ("its NPV", "measures")
            } else {
                ("their NPVs", "measure")
            };
            out.push(format!(
                "{} the counterfactual (business as usual) of option 1 ({}): {its} {measure} change from a different base and cannot be compared with it",
                named(&self.unlike, "does not share", "do not share"),
                first.file
            ));
        }
        if !self.discounted_unlike.is_empty() {
            let its = if self.discounted_unlike.len() == 1 {
                "its NPV"
            } else {
                "their NPVs"
            };
            out.push(format!(
                "{} discounted or deflated differently from option 1 ({}): {its} cannot be compared with it",
                named(&self.discounted_unlike, "is", "are"),
                first.file
            ));
        }
        // The same file twice is the same option twice.
        let twice: Vec<usize> = (1..self.options.len())
            .filter(|&i| {
                self.options.get(i).is_some_and(|o| {
                    self.options
                        .iter()
                        .take(i)
                        .any(|p| same_file(&p.file, &o.file))
                })
            })
            .collect();
        if !twice.is_empty() {
            out.push(format!(
                "{} a file given earlier: the same option twice",
                named(&twice, "is", "are")
            ));
        }
        // Ranges over different percentiles are not like for like.
        let ends = |o: &Appraised| {
            o.ranges.as_ref().map(|r| {
                (
                    r.percentiles.first().copied().unwrap_or(0),
                    r.percentiles.last().copied().unwrap_or(0),
                )
            })
        };
        let mut seen: Vec<(u8, u8)> = self.options.iter().filter_map(ends).collect();
        seen.sort_unstable();
        seen.dedup();
        if seen.len() > 1 {
            let spans: Vec<String> = seen.iter().map(|(a, b)| format!("p{a} to p{b}")).collect();
            out.push(format!(
                "the options' NPV ranges span different percentiles ({}): compare them with care, or give every option the same `percentiles`",
                spans.join(", ")
            ));
        }
        out
    }

    /// The comparable option with the highest NPV (the first on a tie).
    pub fn highest_npv(&self) -> Option<usize> {
        self.options
            .iter()
            .enumerate()
            .filter(|(i, _)| self.comparable(*i))
            .rev()
            .max_by_key(|(_, o)| o.central.npv)
            .map(|(i, _)| i)
    }
}

/// Whether two files given on the command line are one file.
fn same_file(a: &str, b: &str) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(x), Ok(y)) => x == y,
        _ => a == b,
    }
}

/// The same start, horizon and services, each with the same counterfactual
/// spend every year (the central case).
fn same_counterfactual(a: &Appraised, b: &Appraised) -> bool {
    let (sa, sb) = (&a.scenario, &b.scenario);
    let spend = |p: &Projection| -> Vec<Vec<Decimal>> {
        p.services
            .iter()
            .map(|s| s.years.iter().map(|y| y.counterfactual).collect())
            .collect()
    };
    sa.start == sb.start
        && sa.horizon == sb.horizon
        && sa
            .services
            .iter()
            .map(|s| &s.id)
            .eq(sb.services.iter().map(|s| &s.id))
        && spend(&a.central) == spend(&b.central)
}

/// The same discount factors and price index every year.
fn discounted_alike(a: &Appraised, b: &Appraised) -> bool {
    let factors = |p: &Projection| -> Vec<(Decimal, Decimal)> {
        p.appraisal
            .years
            .iter()
            .map(|y| (y.discount_factor, y.deflator_index))
            .collect()
    };
    factors(&a.central) == factors(&b.central)
}
