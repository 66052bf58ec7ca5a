//! Every validation rule of SPEC 2.4 and every value syntax of SPEC 2.1,
//! through the real binary: a bad file, the exact line:col of the offending
//! value (marked `⟨` in the case text), a phrase of the message, exit 2.

mod common;

use common::{Test, marked};

const BASE: &str = r#"[scenario]
name = "Base"
start = "2009/10"
horizon = 3

[[partner]]
id = "council"
name = "Council"
kind = "council"

[[partner]]
id = "pct"
name = "PCT"
kind = "nhs"

[[service]]
id = "ld"
name = "Learning disability"
lead = "council"
contributions = { council = "£80m", pct = "£20m" }

  [[service.setting]]
  id = "residential"
  name = "Residential"
  share = "55%"
  unit_cost = "£80k"

  [[service.setting]]
  id = "supported"
  name = "Supported living"
  share = "45%"
  unit_cost = "£60k"

[[shift]]
name = "Move"
service = "ld"
from = "residential"
to = { supported = "100%" }
target_share = "40%"
by = "2012/13"
"#;

/// BASE with `old` replaced by `new` (which carries the ⟨ marker).
fn with(old: &str, new: &str) -> String {
    assert!(BASE.contains(old), "BASE lacks {old:?}");
    BASE.replacen(old, new, 1)
}

/// BASE with `extra` appended.
fn plus(extra: &str) -> String {
    format!("{BASE}\n{extra}")
}

/// Runs `project` and `check`-free validation on a marked file: exit 2, the
/// location of the marker, and `phrase` in the message.
fn rejects(text: &str, phrase: &str) {
    let (text, line, column) = marked(text);
    let ran = Test::new()
        .file("s.toml", &text)
        .args(&["project", "s.toml"])
        .run()
        .status(2);
    let location = format!("error: s.toml:{line}:{column}: ");
    let hit = ran
        .stderr
        .lines()
        .any(|l| l.starts_with(&location) && l.contains(phrase));
    assert!(
        hit,
        "expected `{location}...{phrase}...` in:\n{}",
        ran.stderr
    );
    assert!(ran.stdout.is_empty(), "no results on invalid input");
}

#[test]
fn base_case_is_valid() {
    Test::new()
        .file("s.toml", BASE)
        .args(&["project", "s.toml"])
        .run()
        .status(0);
}

// --- unknown keys and wrong types -------------------------------------------

#[test]
fn unknown_key_is_reported_with_a_suggestion() {
    let text = with("contributions = {", "⟨contribution = {");
    rejects(&text, "unknown key `contribution`");
    let (text, ..) = marked(&text);
    Test::new()
        .file("s.toml", &text)
        .args(&["project", "s.toml"])
        .run()
        .status(2)
        .stderr_has("did you mean `contributions`?");
}

#[test]
fn unknown_keys_are_found_at_every_level() {
    rejects(
        &with("horizon = 3", "horizon = 3\n⟨horizn = 3"),
        "unknown key `horizn` in [scenario]",
    );
    rejects(
        &plus("[assumptions]\n⟨inflaton = \"2%\""),
        "unknown key `inflaton`",
    );
    rejects(
        &with(
            "  unit_cost = \"£80k\"",
            "  unit_cost = \"£80k\"\n  ⟨unitcost = 1",
        ),
        "unknown key `unitcost`",
    );
    rejects(
        &with("by = \"2012/13\"", "by = \"2012/13\"\n⟨year = \"2012/13\""),
        "unknown key `year` in [[shift]]",
    );
    rejects(&plus("[⟨extras]\nx = 1"), "unknown key `extras`");
    rejects(
        &with(
            "target_share = \"40%\"",
            "target_share = { low = \"30%\", ⟨mid = \"35%\", high = \"40%\" }",
        ),
        "unknown key `mid` in a range",
    );
    rejects(
        &with(
            "contributions = { council = \"£80m\", pct = \"£20m\" }",
            "contributions = { council = \"£80m\", pct = \"£20m\" }\nrisk_share = { rule = \"lead\", ⟨capp = {} }",
        ),
        "unknown key `capp`",
    );
}

#[test]
fn wrong_types_are_reported() {
    rejects(
        &with("horizon = 3", "horizon = ⟨\"3\""),
        "`horizon` takes an integer, found a string",
    );
    rejects(
        &with("name = \"Base\"", "name = ⟨42"),
        "`name` takes a string, found an integer",
    );
    rejects(
        &with("[[partner]]\nid = \"pct\"", "[[partner]]\nid = ⟨[\"pct\"]"),
        "`id` takes a string, found an array",
    );
    rejects(
        &with("to = { supported = \"100%\" }", "to = ⟨\"supported\""),
        "`to` takes a table",
    );
}

#[test]
fn a_missing_required_key_points_at_its_table() {
    rejects(
        &with(
            "[[service]]\nid = \"ld\"\nname = \"Learning disability\"\nlead = \"council\"",
            "⟨[[service]]\nid = \"ld\"\nname = \"Learning disability\"",
        ),
        "missing key `lead`",
    );
}

// --- value syntax (SPEC 2.1) -------------------------------------------------

#[test]
fn money_as_a_float_is_rejected_with_the_string_form() {
    rejects(
        &with("council = \"£80m\"", "council = ⟨80000000.5"),
        "money cannot be a TOML float",
    );
}

#[test]
fn malformed_money_is_rejected() {
    rejects(
        &with("unit_cost = \"£80k\"", "unit_cost = ⟨\"£80kk\""),
        "unknown suffix `kk`",
    );
    rejects(
        &with("unit_cost = \"£80k\"", "unit_cost = ⟨\"£8.0.0k\""),
        "not a money amount",
    );
    rejects(
        &with("unit_cost = \"£80k\"", "unit_cost = ⟨\"£80K\""),
        "unknown suffix",
    );
    rejects(
        &with("unit_cost = \"£80k\"", "unit_cost = ⟨\"£8,0000\""),
        "not a money amount",
    );
}

#[test]
fn a_bare_number_for_a_percent_suggests_the_percent_form() {
    rejects(&with("share = \"55%\"", "share = ⟨55"), "takes a percent");
    let (text, ..) = marked(&with("share = \"55%\"", "share = ⟨55"));
    Test::new()
        .file("s.toml", &text)
        .args(&["project", "s.toml"])
        .run()
        .status(2)
        .stderr_has("use \"55%\"");
    rejects(&with("share = \"55%\"", "share = ⟨0.55"), "takes a percent");
    rejects(
        &with("share = \"55%\"", "share = ⟨\"55\""),
        "is not a percent",
    );
}

#[test]
fn malformed_financial_years_are_rejected() {
    for bad in ["2009/11", "2009", "09/10", "2009-10"] {
        rejects(
            &with("start = \"2009/10\"", &format!("start = ⟨\"{bad}\"")),
            "is not a financial year",
        );
    }
    rejects(
        &with("start = \"2009/10\"", "start = ⟨2009"),
        "a financial year is a string",
    );
}

#[test]
fn malformed_ranges_are_rejected() {
    rejects(
        &with("target_share = \"40%\"", "target_share = ⟨\"45% to 35%\""),
        "low end below its high end",
    );
    rejects(
        &with("target_share = \"40%\"", "target_share = ⟨\"35% to £1m\""),
        "high end",
    );
    rejects(
        &with("target_share = \"40%\"", "target_share = ⟨\"35% - 45%\""),
        "is not a percent",
    );
    rejects(
        &with(
            "target_share = \"40%\"",
            "target_share = { low = \"30%\", central = ⟨\"50%\", high = \"45%\" }",
        ),
        "central value lies outside the range",
    );
    rejects(
        &with(
            "target_share = \"40%\"",
            "target_share = { low = \"30%\", central = ⟨\"32%\", high = \"40%\", dist = \"normal\" }",
        ),
        "midpoint",
    );
    rejects(
        &with(
            "target_share = \"40%\"",
            "target_share = { low = \"30%\", high = \"40%\", dist = ⟨\"beta\" }",
        ),
        "unknown distribution `beta`",
    );
    rejects(
        &with(
            "target_share = \"40%\"",
            "target_share = ⟨{ low = \"30%\" }",
        ),
        "missing key `high` in a range",
    );
}

#[test]
fn a_range_where_a_key_takes_one_value_is_rejected() {
    rejects(
        &with("share = \"55%\"", "share = ⟨\"50% to 60%\""),
        "takes a single value",
    );
}

#[test]
fn invalid_ids_are_rejected() {
    rejects(
        &with("id = \"council\"", "id = ⟨\"Council\""),
        "not a valid id",
    );
}

// --- SPEC 2.4 rules ----------------------------------------------------------

#[test]
fn duplicate_ids_are_rejected() {
    rejects(
        &with("id = \"pct\"", "id = ⟨\"council\""),
        "duplicate partner id `council`",
    );
    rejects(
        &plus(
            "[[service]]\nid = ⟨\"ld\"\nname = \"Again\"\nlead = \"council\"\ncontributions = { council = 1 }",
        ),
        "duplicate service id `ld`",
    );
    rejects(
        &with("  id = \"supported\"", "  id = ⟨\"residential\""),
        "duplicate setting id `residential`",
    );
}

#[test]
fn unknown_references_list_the_known_ids() {
    rejects(
        &with("lead = \"council\"", "lead = ⟨\"counsil\""),
        "unknown partner `counsil`",
    );
    let (text, ..) = marked(&with("lead = \"council\"", "lead = ⟨\"counsil\""));
    Test::new()
        .file("s.toml", &text)
        .args(&["project", "s.toml"])
        .run()
        .status(2)
        .stderr_has("did you mean `council`?");
    rejects(
        &with("contributions = { council", "contributions = { ⟨nhs_x"),
        "unknown partner `nhs_x`",
    );
    rejects(
        &with("service = \"ld\"", "service = ⟨\"mh\""),
        "unknown service `mh`",
    );
    rejects(
        &with("from = \"residential\"", "from = ⟨\"nursing\""),
        "unknown setting `nursing`",
    );
    rejects(
        &with("to = { supported", "to = { ⟨supportd"),
        "unknown setting `supportd`",
    );
    rejects(
        &plus("[[saving]]\nname = \"S\"\nservices = [⟨\"mh\"]\nrate = \"1%\""),
        "unknown service `mh`",
    );
}

#[test]
fn setting_shares_must_sum_to_exactly_100_percent() {
    rejects(
        &with("share = \"45%\"", "share = ⟨\"44.99%\""),
        "sum to 99.99%, not exactly 100%",
    );
    rejects(
        &with("share = \"45%\"", "share = ⟨\"45.01%\""),
        "sum to 100.01%, not exactly 100%",
    );
}

#[test]
fn to_splits_must_sum_to_exactly_100_percent() {
    rejects(
        &with(
            "to = { supported = \"100%\" }",
            "to = ⟨{ supported = \"90%\" }",
        ),
        "sums to 90%, not exactly 100%",
    );
}

#[test]
fn contributions_summing_to_zero_are_rejected() {
    rejects(
        &with(
            "contributions = { council = \"£80m\", pct = \"£20m\" }",
            "contributions = ⟨{ council = 0, pct = \"£0\" }",
        ),
        "sum to zero",
    );
}

#[test]
fn negative_money_is_rejected_where_not_allowed() {
    rejects(
        &with("pct = \"£20m\"", "pct = ⟨\"-£20m\""),
        "cannot be negative",
    );
    rejects(
        &with("unit_cost = \"£60k\"", "unit_cost = ⟨\"-£60k\""),
        "must be above zero",
    );
    rejects(
        &plus("[[cost]]\nname = \"C\"\namounts = [⟨\"-£1m\"]"),
        "cannot be negative",
    );
}

#[test]
fn negative_variances_are_allowed() {
    Test::new()
        .file(
            "s.toml",
            &plus("[[variance]]\nname = \"V\"\nservice = \"ld\"\namounts = [\"-£2m\", -4000000]"),
        )
        .args(&["project", "s.toml"])
        .run()
        .status(0);
}

#[test]
fn by_must_fall_within_the_horizon() {
    rejects(
        &with("by = \"2012/13\"", "by = ⟨\"2013/14\""),
        "after the last projected year 2012/13",
    );
    rejects(
        &with("by = \"2012/13\"", "by = ⟨\"2009/10\""),
        "not after the baseline year",
    );
}

#[test]
fn profile_lists_must_fit_rise_and_end_at_100_percent() {
    rejects(
        &with(
            "by = \"2012/13\"",
            "by = \"2012/13\"\nprofile = ⟨[\"50%\", \"100%\"]",
        ),
        "lists 2 years, but the target is 3",
    );
    rejects(
        &with(
            "by = \"2012/13\"",
            "by = \"2012/13\"\nprofile = [\"50%\", ⟨\"40%\", \"100%\"]",
        ),
        "decreases",
    );
    rejects(
        &with(
            "by = \"2012/13\"",
            "by = \"2012/13\"\nprofile = [\"50%\", \"60%\", ⟨\"90%\"]",
        ),
        "must end at 100%",
    );
    rejects(
        &with("by = \"2012/13\"", "by = \"2012/13\"\nprofile = ⟨\"wavy\""),
        "unknown profile `wavy`",
    );
}

#[test]
fn a_shift_from_a_setting_in_its_own_to_is_rejected() {
    rejects(
        &with(
            "to = { supported = \"100%\" }",
            "to = { supported = \"50%\", ⟨residential = \"50%\" }",
        ),
        "both `from` and in `to`",
    );
}

#[test]
fn two_shifts_on_one_service_are_rejected() {
    rejects(
        &plus(
            "[[shift]]\nname = \"Again\"\nservice = ⟨\"ld\"\nfrom = \"residential\"\nto = { supported = \"100%\" }\ntarget_share = \"45%\"\nby = \"2011/12\"",
        ),
        "already has a shift",
    );
}

#[test]
fn a_shift_without_a_cost_ratio_is_rejected() {
    rejects(
        &with("[[shift]]\nname", "⟨[[shift]]\nname").replace("  unit_cost = \"£60k\"\n", ""),
        "no way to get its cost ratio",
    );
}

#[test]
fn a_cost_ratio_stands_in_for_unit_costs() {
    let text = BASE.replace("  unit_cost = \"£60k\"\n", "").replace(
        "by = \"2012/13\"",
        "by = \"2012/13\"\ncost_ratio = \"60% to 80%\"",
    );
    Test::new()
        .file("s.toml", &text)
        .args(&["project", "s.toml"])
        .run()
        .status(0);
}

#[test]
fn amounts_longer_than_the_horizon_are_rejected() {
    rejects(
        &plus("[[cost]]\nname = \"C\"\namounts = ⟨[\"£1m\", \"£1m\", \"£1m\", \"£1m\"]"),
        "lists 4 years, but the horizon is 3",
    );
    rejects(
        &plus("[[variance]]\nname = \"V\"\nservice = \"ld\"\namounts = ⟨[1, 2, 3, 4]"),
        "but the horizon is 3",
    );
}

#[test]
fn expectations_must_name_a_known_metric_and_year() {
    rejects(
        &plus("[[expect]]\nyear = \"2012/13\"\nmetric = ⟨\"net_saving\"\nmin = \"£1m\""),
        "unknown metric `net_saving`",
    );
    rejects(
        &plus("[[expect]]\nyear = \"2012/13\"\nmetric = ⟨\"spend.mh\"\nmin = \"£1m\""),
        "unknown service `mh`",
    );
    rejects(
        &plus("[[expect]]\nyear = ⟨\"2015/16\"\nmetric = \"net_savings\"\nmin = \"£1m\""),
        "unknown year 2015/16",
    );
    rejects(
        &plus("⟨[[expect]]\nmetric = \"net_savings\"\nmin = \"£1m\""),
        "needs a `year`",
    );
    rejects(
        &plus("[[expect]]\nyear = \"2012/13\"\nmetric = \"share.ld.residential\"\nmax = ⟨40"),
        "needs a % sign",
    );
}

#[test]
fn valid_expectations_are_accepted() {
    let text = plus(
        "[[expect]]\nyear = \"2012/13\"\nmetric = \"share.ld.residential\"\nmax = \"40%\"\n\n[[expect]]\nmetric = \"npv\"\nmin = 0\ncase = \"p10\"\n\n[[expect]]\nyear = \"2009/10\"\nmetric = \"people.ld.residential\"\nmin = \"687.5\"",
    );
    Test::new()
        .file("s.toml", &text)
        .args(&["project", "s.toml"])
        .run()
        .status(0);
}

const WORKFORCE: &str = "[[workforce]]\nname = \"Staff\"\nservice = \"ld\"\nemployer = \"council\"\nstaff = 100\ncost_per_head = \"£30k\"\n";

#[test]
fn workforce_reduction_cannot_exceed_staff() {
    rejects(
        &plus(&format!(
            "{WORKFORCE}reduction = ⟨\"50 to 150\"\nreduction_by = \"2011/12\""
        )),
        "exceeds the 100 staff",
    );
}

#[test]
fn workforce_years_must_fall_within_the_horizon() {
    rejects(
        &plus(&format!(
            "{WORKFORCE}transfer_to = \"pct\"\ntransfer_in = ⟨\"2009/10\""
        )),
        "`transfer_in` must be within the projection",
    );
    rejects(
        &plus(&format!(
            "{WORKFORCE}reduction = 10\nreduction_by = ⟨\"2014/15\""
        )),
        "`reduction_by` must be within the projection",
    );
}

#[test]
fn workforce_pay_cannot_exceed_its_service_spend() {
    rejects(
        &plus(&WORKFORCE.replace("staff = 100", "staff = ⟨4000")),
        "exceeds the year-0 spend of service `ld`",
    );
}

#[test]
fn workforce_transfer_needs_its_year() {
    rejects(
        &plus(&format!("{WORKFORCE}transfer_to = ⟨\"pct\"")),
        "`transfer_to` needs `transfer_in`",
    );
}

#[test]
fn fixed_rule_needs_shares_summing_to_100_percent() {
    let service = "contributions = { council = \"£80m\", pct = \"£20m\" }";
    rejects(
        &with(
            service,
            &format!("{service}\nrisk_share = {{ rule = ⟨\"fixed\" }}"),
        ),
        "needs `shares`",
    );
    rejects(
        &with(
            service,
            &format!(
                "{service}\nrisk_share = {{ rule = \"fixed\", shares = ⟨{{ council = \"60%\", pct = \"30%\" }} }}"
            ),
        ),
        "sum to 90%, not exactly 100%",
    );
}

#[test]
fn horizon_is_bounded() {
    rejects(
        &with("horizon = 3", "horizon = ⟨0"),
        "`horizon` must be 1 to 50",
    );
    rejects(
        &with("horizon = 3", "horizon = ⟨51"),
        "`horizon` must be 1 to 50",
    );
}

// --- whole files ---------------------------------------------------------------

#[test]
fn every_error_in_a_file_is_reported_at_once() {
    let text = BASE
        .replace("horizon = 3", "horizon = 0")
        .replace("lead = \"council\"", "lead = \"nobody\"")
        .replace("share = \"45%\"", "share = 45");
    let ran = Test::new()
        .file("s.toml", &text)
        .args(&["project", "s.toml"])
        .run()
        .status(2);
    assert!(ran.stderr.contains("s.toml:4:11"), "{}", ran.stderr);
    assert!(ran.stderr.contains("s.toml:19:8"), "{}", ran.stderr);
    assert!(ran.stderr.contains("s.toml:31:11"), "{}", ran.stderr);
    assert!(ran.stderr.contains("3 problems found"), "{}", ran.stderr);
}

#[test]
fn the_offending_line_is_shown_with_a_caret() {
    let text = with("unit_cost = \"£80k\"", "unit_cost = \"£80kk\"");
    let ran = Test::new()
        .file("s.toml", &text)
        .args(&["project", "s.toml"])
        .run()
        .status(2);
    assert!(
        ran.stderr
            .contains("26 |   unit_cost = \"£80kk\"\n   |               ^^^^^^^"),
        "{}",
        ran.stderr
    );
}

#[test]
fn an_empty_file_is_an_error_not_a_panic() {
    Test::new()
        .file("s.toml", "")
        .args(&["project", "s.toml"])
        .run()
        .status(2)
        .stderr_has("s.toml:1:1: missing the [scenario] table");
}

#[test]
fn non_utf8_bytes_are_located() {
    Test::new()
        .bytes("s.toml", b"[scenario]\nname = \"\xff\"\n")
        .args(&["project", "s.toml"])
        .run()
        .status(2)
        .stderr_has("s.toml:2:9: the file is not valid UTF-8 text");
}

#[test]
fn broken_toml_is_located() {
    Test::new()
        .file("s.toml", "[scenario\nname = 1\n")
        .args(&["project", "s.toml"])
        .run()
        .status(2)
        .stderr_has("s.toml:1:")
        .stderr_has("invalid TOML");
}

#[test]
fn numbers_that_overflow_are_errors_not_panics() {
    rejects(
        &with("council = \"£80m\"", "council = ⟨99999999999999999999"),
        "too large for TOML",
    );
    rejects(
        &with(
            "council = \"£80m\"",
            "council = ⟨\"£79228162514264337593543950335bn\"",
        ),
        "too large",
    );
    rejects(
        &with(
            "contributions = { council = \"£80m\", pct = \"£20m\" }",
            "contributions = { council = \"£79228162514264337593543950335\", pct = ⟨\"£79228162514264337593543950335\" }",
        ),
        "too large to add up",
    );
}

#[test]
fn arithmetic_overflow_in_the_engine_is_a_located_error() {
    let text = with("horizon = 3", "horizon = 50").replace(
        "[[service]]\nid = \"ld\"",
        "[[service]]\nid = \"ld\"\ngrowth = \"900%\"",
    );
    let ran = Test::new()
        .file("s.toml", &text)
        .args(&["project", "s.toml"])
        .run()
        .status(2);
    assert!(
        ran.stderr.contains("too large to compute exactly"),
        "{}",
        ran.stderr
    );
    assert!(ran.stderr.contains("error: s.toml:"), "{}", ran.stderr);
}

#[test]
fn a_missing_file_is_named() {
    Test::new()
        .args(&["project", "nowhere.toml"])
        .run()
        .status(2)
        .stderr_has("error: nowhere.toml: no such file");
}
