//! Exact ties (issue 26): figures whose exact value lies on half a penny,
//! or half a millionth for a share, print rounded half away from zero.
//!
//! Each file in tests/data/ties was found by comparing the 28-digit
//! decimal engine with tools/reference.py (exact rationals): a long
//! compounding or a division past 28 significant digits landed just below
//! the tie and printed one unit low. The engine now computes in exact
//! rationals. CI also runs the reference over these files.

mod common;

use common::{Test, root};

/// The CSV line `PREFIX...,central,VALUE` of `project FILE --no-ranges`.
fn value_of(file: &str, prefix: &str) -> String {
    let text = std::fs::read_to_string(root().join("tests/data/ties").join(file)).unwrap();
    let ran = Test::new()
        .file("tie.toml", &text)
        .args(&["project", "tie.toml", "--no-ranges", "--format", "csv"])
        .run()
        .status(0);
    let line = ran
        .stdout
        .lines()
        .find(|l| l.starts_with(prefix))
        .unwrap_or_else(|| panic!("no line {prefix} in\n{}", ran.stdout));
    line.rsplit(',').next().unwrap().to_string()
}

#[test]
fn a_contribution_on_half_a_penny_after_thirty_years_of_compounding_rounds_up() {
    // £2,684,354.56 x 1.5^29 = £343,151,886,824.415 exactly.
    assert_eq!(
        value_of("compounding_tie.toml", "2038/39,contribution,,,council,"),
        "343151886824.42"
    );
}

#[test]
fn a_half_penny_amount_split_pro_rata_rounds_up() {
    assert_eq!(
        value_of(
            "half_penny_amount_after_a_shift.toml",
            "2013/14,efficiency_savings,,,,"
        ),
        "675762.54"
    );
    assert_eq!(
        value_of(
            "half_penny_amount_after_a_shift_2.toml",
            "2013/14,efficiency_savings,,,,"
        ),
        "616773.37"
    );
    assert_eq!(
        value_of(
            "half_penny_amount_shrinking_service.toml",
            "2012/13,efficiency_savings,,,,"
        ),
        "48301.71"
    );
}

#[test]
fn a_share_on_half_a_millionth_rounds_up() {
    // 383/640 = 0.5984375 exactly.
    assert_eq!(
        value_of("share_on_a_millionth_tie.toml", "2037/38,share,s,sl,,"),
        "0.598438"
    );
}

#[test]
fn an_expectation_of_a_share_that_is_exactly_its_bound_passes() {
    // SPEC 4.2: `[[expect]]` compares the value as printed.
    let text =
        std::fs::read_to_string(root().join("tests/data/ties/share_on_a_millionth_tie.toml"))
            .unwrap();
    let text = format!(
        "{text}\n[[expect]]\nyear = \"2037/38\"\nmetric = \"share.s.sl\"\nmin = \"59.8438%\"\nmax = \"59.8438%\"\n"
    );
    Test::new()
        .file("tie.toml", &text)
        .args(&["check", "tie.toml"])
        .run()
        .status(0);
}
