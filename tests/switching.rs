//! Switching values (SPEC 3.6) checked as a reviewer would: NPV at the
//! value printed is within £1 of zero on the exact engine, no value nearer
//! to central switches it, and where the tool says "none", NPV keeps its
//! sign across the ends of the range and of the domain. On every shipped
//! scenario, the benchmark file and random scenarios.

mod generate;

use std::path::Path;

use pool_model::scenario::{Domain, End, ParamId, Scenario, load, load_str};
use pool_model::uncertainty::sensitivity::{tornado, tornado_searching};
use pool_model::{SourceMap, Values, project};
use proptest::prelude::*;
use rust_decimal::Decimal;

/// Points checked between central and a switching value, on each side.
const PROBES: i64 = 12;

fn npv(s: &Scenario, id: ParamId, v: Decimal) -> Option<Decimal> {
    let mut values = Values::central(s);
    values.set(id, v);
    project(s, &values).ok().map(|p| p.npv)
}

fn inside(d: Domain, v: Decimal) -> bool {
    let above = match d.low {
        End::Unbounded => true,
        End::Closed(b) => v >= b,
        End::Open(b) => v > b,
    };
    let below = match d.high {
        End::Unbounded => true,
        End::Closed(b) => v <= b,
        End::Open(b) => v < b,
    };
    above && below
}

/// Every way the tornado's switching values could be wrong, as messages.
fn problems(s: &Scenario) -> Vec<String> {
    let t = tornado(s).expect("tornado");
    let central_npv = t.central.npv;
    let mut out = Vec::new();
    for bar in &t.bars {
        let p = s.param(bar.param).unwrap();
        let c = p.value.central();
        let same_sign = |v: Decimal| {
            npv(s, bar.param, v).is_none_or(|f| {
                f.abs() <= Decimal::ONE || f.is_sign_negative() == central_npv.is_sign_negative()
            })
        };
        match bar.switching {
            Some(sv) => {
                let at = npv(s, bar.param, sv.value);
                if at.is_none_or(|f| f.abs() > Decimal::ONE) {
                    out.push(format!("{}: NPV at {} is {at:?}", bar.name, sv.value));
                }
                if !inside(p.domain, sv.value) {
                    out.push(format!("{}: {} is outside its domain", bar.name, sv.value));
                }
                // Nothing nearer switches: on the way there, and as far the
                // other way (where the domain allows).
                let gap = sv.value - c;
                for k in 1..PROBES {
                    let step = gap * Decimal::from(k) / Decimal::from(PROBES);
                    for v in [c + step, c - step] {
                        if inside(p.domain, v) && !same_sign(v) {
                            out.push(format!(
                                "{}: NPV switches at {v}, nearer {c} than {}",
                                bar.name, sv.value
                            ));
                        }
                    }
                }
                let change = sv.change.map(|x| x.round_dp(9));
                let want = if sv.value == c {
                    Some(Decimal::ZERO)
                } else {
                    (!c.is_zero()).then(|| ((sv.value - c) / c.abs()).round_dp(9))
                };
                if change != want {
                    out.push(format!("{}: change {change:?}, want {want:?}", bar.name));
                }
            }
            None => {
                let mut ends = vec![bar.low, bar.high];
                for e in [p.domain.low, p.domain.high] {
                    if let End::Closed(b) = e {
                        ends.push(b);
                    }
                }
                for v in ends {
                    if !same_sign(v) {
                        out.push(format!("{}: none, but NPV switches by {v}", bar.name));
                    }
                }
            }
        }
    }
    out
}

fn shipped() -> Vec<std::path::PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut paths: Vec<_> = std::fs::read_dir(root.join("scenarios"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    paths.sort();
    paths.push(root.join("scenarios/bench/large.toml"));
    paths
}

#[test]
fn switching_values_of_every_shipped_scenario_hold() {
    let mut found = 0;
    for path in shipped() {
        let s = load(&path, &mut SourceMap::new()).unwrap();
        let problems = problems(&s);
        assert!(
            problems.is_empty(),
            "{}:\n{}",
            path.display(),
            problems.join("\n")
        );
        let t = tornado(&s).unwrap();
        found += t.bars.iter().filter(|b| b.switching.is_some()).count();
        // The board report's tornado: the same bars in the same order,
        // switching values for the three largest only.
        let top = tornado_searching(&s, 3).unwrap();
        assert_eq!(top.central, t.central);
        assert_eq!(top.bars.len(), t.bars.len());
        for (i, (a, b)) in top.bars.iter().zip(&t.bars).enumerate() {
            if i < 3 {
                assert_eq!(a, b, "{}", path.display());
            } else {
                let unsearched = pool_model::uncertainty::sensitivity::Bar {
                    switching: None,
                    ..b.clone()
                };
                assert_eq!(a, &unsearched, "{}", path.display());
            }
        }
    }
    // Not a vacuous pass: most files have values that switch NPV.
    assert!(found >= 50, "{found} switching values found");
}

#[test]
fn birmingham_s_supported_living_unit_cost_switches_near_106_800() {
    // NPV falls as supported living costs more: £60.0m central at £56,000,
    // zero at about £106,782 (+90.7%), the figure the table prints.
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let s = load(
        &root.join("scenarios/birmingham.toml"),
        &mut SourceMap::new(),
    )
    .unwrap();
    let t = tornado(&s).unwrap();
    let bar = t
        .bars
        .iter()
        .find(|b| b.name == "service.learning_disability.setting.supported_living.unit_cost")
        .unwrap();
    let sv = bar.switching.unwrap();
    assert!(
        (sv.value - Decimal::from(106_782)).abs() < Decimal::ONE,
        "{sv:?}"
    );
    assert_eq!(sv.change.unwrap().round_dp(3), "0.907".parse().unwrap());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]

    #[test]
    fn switching_values_of_random_scenarios_hold(g in generate::scenario()) {
        let text = generate::render(&g);
        let s = load_str("generated.toml", &text, &mut SourceMap::new()).unwrap();
        if pool_model::uncertainty::sensitivity::work(&s) <= pool_model::limits::MAX_SENSITIVITY_WORK {
            let problems = problems(&s);
            prop_assert!(problems.is_empty(), "{}\n{text}", problems.join("\n"));
        }
    }
}
