//! Properties of the exact engine on random valid scenarios:
//!
//! * after the shift solve the `from` share equals sigma(t) (to the last of
//!   28 digits) whenever money moved, and is at or below it when none did;
//! * money is conserved every year: counterfactual = scenario spend + gross
//!   savings, and the partners' net contributions plus `unallocated` equal
//!   counterfactual - net savings + variances.

use pool_model::engine::project;
use pool_model::model::{Exact, shift};
use pool_model::scenario::{Profile, Values, load_str};
use pool_model::source::SourceMap;
use proptest::prelude::*;
use rust_decimal::Decimal;

mod generate;
use generate::{render, scenario};

/// With `POOL_MODEL_DUMP=DIR`, writes each generated scenario to DIR so the
/// independent reference (tools/reference.py) can be run over them.
fn dump(text: &str) {
    if let Some(dir) = std::env::var_os("POOL_MODEL_DUMP") {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static N: AtomicUsize = AtomicUsize::new(0);
        let n = N.fetch_add(1, Ordering::Relaxed);
        let _ = std::fs::write(
            std::path::Path::new(&dir).join(format!("gen_{n:04}.toml")),
            text,
        );
    }
}

fn close(a: Decimal, b: Decimal, tolerance: &str) -> bool {
    (a - b).abs() <= tolerance.parse::<Decimal>().unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn shift_hits_its_target_and_money_is_conserved(g in scenario()) {
        let text = render(&g);
        dump(&text);
        let mut sources = SourceMap::new();
        let scenario = match load_str("generated.toml", &text, &mut sources) {
            Ok(s) => s,
            Err(e) => panic!("generated an invalid scenario:\n{}\n{text}", e.render(&sources)),
        };
        let values = Values::central(&scenario);
        let p = project(&scenario, &values).unwrap();
        for (service, sp) in scenario.services.iter().zip(&p.services) {
            let Some(sh) = &service.shift else { continue };
            let sigma0 = service.settings[sh.from].share;
            let target = values.get(sh.target_share);
            for (t, y) in sp.years.iter().enumerate() {
                let phi: Exact = shift::phi(&sh.profile, t as u32, sh.by).value().unwrap();
                let (sigma0, target) = (Exact::new(sigma0), Exact::new(target));
                let sigma = (shift::target_gap(&sigma0, &target) * phi + sigma0)
                    .to_decimal()
                    .unwrap();
                let share = y.settings[sh.from].share;
                if y.moved > Decimal::ZERO {
                    prop_assert!(close(share, sigma, "0.000000000000000000001"), "year {t}: share {share} vs sigma {sigma}\n{text}");
                } else {
                    prop_assert!(share <= sigma + Decimal::new(1, 21), "year {t}: share {share} above sigma {sigma}\n{text}");
                }
            }
            if let Profile::List(list) = &sh.profile {
                prop_assert_eq!(list.len() as u32, sh.by);
            }
        }
        for (t, y) in p.years.iter().enumerate() {
            prop_assert!(close(y.counterfactual, y.scenario + y.gross_savings, "0.000000001"), "year {t}\n{text}");
            let partners: Decimal = p.partners.iter().map(|x| x.years[t].net_contribution).sum();
            let expected = y.counterfactual - y.net_savings + y.variances;
            prop_assert!(
                close(partners + y.unallocated, expected, "0.000001"),
                "year {t}: partners {partners} + unallocated {} vs {expected}\n{text}", y.unallocated
            );
            prop_assert!(y.unallocated >= Decimal::ZERO);
        }
    }
}

// --- selection of order statistics ------------------------------------------------------

use pool_model::uncertainty::percentile::{percentiles_of, select_ranks};

/// f64 values of every kind selection meets: signed zeros, ties, tiny and
/// huge magnitudes, infinities (never NaN: the kernel's outputs are
/// numbers).
fn value() -> impl Strategy<Value = f64> {
    prop_oneof![
        Just(0.0),
        Just(-0.0),
        Just(f64::INFINITY),
        Just(f64::NEG_INFINITY),
        (-5i32..5).prop_map(f64::from),
        any::<f64>().prop_filter("a number", |x| !x.is_nan()),
        (-1e9f64..1e9),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn selection_finds_what_a_full_sort_finds(
        values in prop::collection::vec(value(), 1..300),
        picks in prop::collection::vec(any::<prop::sample::Index>(), 0..12),
    ) {
        let mut sorted = values.clone();
        sorted.sort_by(f64::total_cmp);
        let mut ranks: Vec<usize> = picks.iter().map(|i| i.index(values.len())).collect();
        ranks.sort_unstable();
        let mut v = values.clone();
        let got = select_ranks(&mut v, &ranks);
        for (g, &r) in got.iter().zip(&ranks) {
            prop_assert_eq!(g.to_bits(), sorted[r].to_bits());
        }
        let mut again = values;
        let p = percentiles_of(&mut again, &[1, 5, 10, 50, 90, 95, 99]);
        prop_assert_eq!(p.len(), 7);
        // Never decreasing (NaN, from infinities of both signs, aside).
        prop_assert!(
            p.windows(2).all(|w| w[0].partial_cmp(&w[1]) != Some(std::cmp::Ordering::Greater)),
            "{:?}",
            p
        );
    }
}
