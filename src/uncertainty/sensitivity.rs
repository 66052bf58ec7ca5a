//! The sensitivity tornado (SPEC 3.6): each ranged value alone at its low
//! and at its high end, everything else central, in exact decimals.
//!
//! For each ranged param the exact engine runs twice (the runs spread over
//! every core); the table reports
//! cumulative net savings over the horizon and NPV at each end, and the
//! swing (|NPV at high - NPV at low|), sorted by swing, largest first (ties
//! in file order).

use rayon::prelude::*;
use rust_decimal::Decimal;

use crate::engine::{EngineError, Projection, project};
use crate::scenario::{ParamId, Scenario, Values};

/// Cumulative net savings over the horizon and NPV of one run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Outcome {
    pub cumulative: Decimal,
    pub npv: Decimal,
}

impl Outcome {
    fn of(p: &Projection) -> Outcome {
        Outcome {
            cumulative: p
                .years
                .last()
                .map_or(Decimal::ZERO, |y| y.cumulative_net_savings),
            npv: p.npv,
        }
    }
}

/// One bar of the tornado.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bar {
    pub param: ParamId,
    /// How a reader finds the value in the file, e.g.
    /// `saving "Joint commissioning efficiencies".rate`.
    pub name: String,
    pub low: Decimal,
    pub high: Decimal,
    pub at_low: Outcome,
    pub at_high: Outcome,
    /// |NPV at high - NPV at low|.
    pub swing: Decimal,
}

/// The tornado of a scenario: the central outcome and one bar per ranged
/// value, largest swing first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tornado {
    pub central: Outcome,
    pub bars: Vec<Bar>,
}

/// Why the tornado could not be drawn.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TornadoError {
    #[error(transparent)]
    Engine(#[from] EngineError),
    #[error(
        "{ranged} ranged values in a model this size would take too long to vary one by one (see docs/limits.md)"
    )]
    TooMuchWork { ranged: usize },
}

pub fn tornado(s: &Scenario) -> Result<Tornado, TornadoError> {
    let ranged = s.ranged_params().count();
    if crate::limits::sensitivity_work(s) > crate::limits::MAX_SENSITIVITY_WORK {
        return Err(TornadoError::TooMuchWork { ranged });
    }
    let central_values = Values::central(s);
    let central = Outcome::of(&project(s, &central_values)?);
    // Each bar is two exact runs, independent of every other: they run on
    // every core, and are collected in file order (the same bytes for any
    // number of threads).
    let ids: Vec<ParamId> = s.ranged_params().collect();
    let bars: Vec<Option<Bar>> = ids
        .par_iter()
        .map(|&id| -> Result<Option<Bar>, EngineError> {
            let Some(param) = s.param(id) else {
                return Ok(None);
            };
            let run = |v: Decimal| -> Result<Outcome, EngineError> {
                let mut values = central_values.clone();
                values.set(id, v);
                Ok(Outcome::of(&project(s, &values)?))
            };
            let (low, high) = (param.value.low(), param.value.high());
            let (at_low, at_high) = (run(low)?, run(high)?);
            Ok(Some(Bar {
                param: id,
                name: param.name.clone(),
                low,
                high,
                swing: (at_high.npv - at_low.npv).abs(),
                at_low,
                at_high,
            }))
        })
        .collect::<Result<_, _>>()?;
    let mut bars: Vec<Bar> = bars.into_iter().flatten().collect();
    bars.sort_by_key(|b| std::cmp::Reverse(b.swing));
    Ok(Tornado { central, bars })
}
