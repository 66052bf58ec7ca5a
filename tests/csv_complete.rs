//! Every number of the central case that JSON gives is in the CSV too, with
//! the same value (issue 30): the pool's years, each service's totals and
//! settings, each partner's contribution, shares and net contribution, the
//! appraisal by year and in total. Only the workforce lines' own detail
//! (JSON `workforce`) is JSON's alone; the CSV has staff and pay by
//! employer and by service. On every shipped scenario.

mod common;

use std::collections::BTreeMap;

use common::{run_in_root, shipped_scenarios};
use serde_json::Value;

/// (metric, service, setting, partner, year) of a CSV row.
type Key = (String, String, String, String, String);

fn csv_values(path: &str) -> BTreeMap<Key, f64> {
    let ran = run_in_root(&["project", path, "--format", "csv", "--no-ranges"]).status(0);
    let mut reader = csv::Reader::from_reader(ran.stdout.as_bytes());
    reader
        .records()
        .map(Result::unwrap)
        .map(|r| {
            (
                (
                    r[1].to_string(),
                    r[2].to_string(),
                    r[3].to_string(),
                    r[4].to_string(),
                    r[0].to_string(),
                ),
                r[6].parse().unwrap(),
            )
        })
        .collect()
}

fn key(metric: &str, service: &str, setting: &str, partner: &str, year: &str) -> Key {
    (
        metric.into(),
        service.into(),
        setting.into(),
        partner.into(),
        year.into(),
    )
}

struct Checker<'a> {
    csv: &'a BTreeMap<Key, f64>,
    checked: usize,
    missing: Vec<String>,
}

impl Checker<'_> {
    /// The JSON number `value` is the CSV row `k`'s value. Zero may be
    /// absent where the CSV leaves a metric out (no shift, no staff).
    fn same(&mut self, k: Key, value: &Value, zero_may_be_absent: bool) {
        let Some(v) = value.as_f64() else { return };
        match self.csv.get(&k) {
            Some(c) => {
                assert!(
                    (c - v).abs() <= 0.005 + v.abs() * 1e-12,
                    "{k:?}: CSV {c}, JSON {v}"
                );
                self.checked += 1;
            }
            None if zero_may_be_absent && v == 0.0 => {}
            None => self.missing.push(format!("{k:?} = {v}")),
        }
    }
}

#[test]
fn every_number_of_the_json_is_in_the_csv() {
    let mut total = 0;
    for name in shipped_scenarios() {
        let path = format!("scenarios/{name}");
        let csv = csv_values(&path);
        let ran = run_in_root(&["project", &path, "--format", "json", "--no-ranges"]).status(0);
        let json: Value = serde_json::from_str(&ran.stdout).unwrap();
        let mut c = Checker {
            csv: &csv,
            checked: 0,
            missing: Vec::new(),
        };
        let fields = |y: &Value| -> Vec<(String, Value)> {
            y.as_object()
                .unwrap()
                .iter()
                .filter(|(f, _)| !matches!(f.as_str(), "year" | "label" | "settings"))
                .map(|(f, v)| (f.clone(), v.clone()))
                .collect()
        };
        for y in json["years"].as_array().unwrap() {
            let label = y["label"].as_str().unwrap();
            for (f, v) in fields(y) {
                c.same(key(&f, "", "", "", label), &v, false);
            }
        }
        for service in json["services"].as_array().unwrap() {
            let id = service["id"].as_str().unwrap();
            for y in service["years"].as_array().unwrap() {
                let label = y["label"].as_str().unwrap();
                for (f, v) in fields(y) {
                    let optional = matches!(f.as_str(), "moved" | "people_moved" | "staff");
                    c.same(key(&f, id, "", "", label), &v, optional);
                }
                for setting in y["settings"].as_array().unwrap() {
                    let k = setting["id"].as_str().unwrap();
                    for f in ["spend", "share", "people"] {
                        c.same(key(f, id, k, "", label), &setting[f], false);
                    }
                }
            }
        }
        for partner in json["partners"].as_array().unwrap() {
            let id = partner["id"].as_str().unwrap();
            for y in partner["years"].as_array().unwrap() {
                let label = y["label"].as_str().unwrap();
                for (f, v) in fields(y) {
                    let optional = matches!(f.as_str(), "staff" | "pay");
                    c.same(key(&f, "", "", id, label), &v, optional);
                }
            }
        }
        let a = &json["appraisal"];
        for y in a["years"].as_array().unwrap() {
            let label = y["label"].as_str().unwrap();
            for (f, metric) in [
                ("deflator_index", "deflator_index"),
                ("discount_factor", "discount_factor"),
                ("savings", "appraisal_savings"),
                ("costs", "appraisal_costs"),
                ("present_value", "present_value"),
            ] {
                c.same(key(metric, "", "", "", label), &y[f], false);
            }
        }
        for f in [
            "pv_savings",
            "pv_costs",
            "npv",
            "npv_before_optimism_bias",
            "bcr",
        ] {
            c.same(key(f, "", "", "", ""), &a[f], false);
        }
        c.same(key("npv", "", "", "", ""), &json["npv"], false);
        assert!(
            c.missing.is_empty(),
            "{name}: in the JSON, not the CSV:\n{}",
            c.missing.join("\n")
        );
        total += c.checked;
    }
    // Not a vacuous pass.
    assert!(total > 5_000, "{total} numbers checked");
}
