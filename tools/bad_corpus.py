#!/usr/bin/env python3
"""Writes the bad-input corpus tests/bad/ and the tricky-valid corpus
tests/good/ (see tests/corpus.rs and docs/fuzzing.md).

Each bad case is a scenario text in which every offending value is marked
with U+27E8 (the marker is removed from the written file) and followed by
a phrase its error message must contain:

    case("name", text_with_markers, ["phrase for marker 1", ...])

The script computes each marker's line and column (in characters) and
writes tests/bad/NAME.toml and tests/bad/NAME.expected, one line per
expected diagnostic: `LINE:COL PHRASE`, or `file PHRASE` for a whole-file
problem. Run it from the repository root: python3 tools/bad_corpus.py
"""

import os
import shutil

MARK = "\u27e8"
ROOT = os.path.join(os.path.dirname(__file__), "..")
BAD = os.path.join(ROOT, "tests", "bad")
GOOD = os.path.join(ROOT, "tests", "good")

BASE = '''[scenario]
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
'''

WORKFORCE = '''
[[workforce]]
name = "Staff"
service = "ld"
employer = "council"
staff = 100
cost_per_head = "£30k"
'''

cases = []


def case(name, text, phrases, files=None):
    cases.append((name, text, phrases, files or {}))


def sub(old, new, text=None):
    text = BASE if text is None else text
    assert old in text, old
    return text.replace(old, new, 1)


def plus(extra):
    return BASE + "\n" + extra


# --- value syntax (SPEC 2.1) -----------------------------------------------
case("money_float", sub('council = "£80m"', f'council = {MARK}80000000.5'), ["money cannot be a TOML float"])
case("money_unknown_suffix", sub('unit_cost = "£80k"', f'unit_cost = {MARK}"£80K"'), ["unknown suffix"])
case("money_bad_grouping", sub('unit_cost = "£80k"', f'unit_cost = {MARK}"£1,25,000"'), ["is not a money amount"])
case("money_words", sub('unit_cost = "£80k"', f'unit_cost = {MARK}"eighty thousand"'), ["is not a money amount"])
case("money_too_large", sub('council = "£80m"', f'council = {MARK}"£79228162514264337593543950335bn"'), ["too large"])
case("money_too_many_digits", sub('unit_cost = "£80k"', f'unit_cost = {MARK}"0.00000000000000000000000000001"'), ["too many digits"])
case("integer_overflow", sub('council = "£80m"', f'council = {MARK}99999999999999999999'), ["too large for TOML"])
case("sum_overflow", sub('contributions = { council = "£80m", pct = "£20m" }',
     f'contributions = {{ council = "£79228162514264337593543950335", pct = {MARK}"£79228162514264337593543950335" }}'),
     ["too large to add up"])
case("percent_bare_integer", sub('share = "55%"', f'share = {MARK}55'), ["takes a percent"])
case("percent_bare_float", sub('share = "55%"', f'share = {MARK}0.55'), ["takes a percent"])
case("percent_without_sign", sub('share = "55%"', f'share = {MARK}"55"'), ["is not a percent"])
case("percent_is_money", sub('share = "55%"', f'share = {MARK}"£55"'), ["is a money amount"])
case("year_wrong_second", sub('start = "2009/10"', f'start = {MARK}"2009/11"'), ["second year must follow the first"])
case("year_one_part", sub('start = "2009/10"', f'start = {MARK}"2009"'), ["is not a financial year"])
case("year_two_digits", sub('start = "2009/10"', f'start = {MARK}"09/10"'), ["is not a financial year"])
case("year_integer", sub('start = "2009/10"', f'start = {MARK}2009'), ["a financial year is a string"])
case("number_float", plus(WORKFORCE.replace("staff = 100", f"staff = {MARK}100.5")), ["TOML float"])
case("range_low_above_high", sub('target_share = "40%"', f'target_share = {MARK}"45% to 35%"'), ["low end below its high end"])
case("range_equal_ends", sub('target_share = "40%"', f'target_share = {MARK}"40% to 40%"'), ["low end below its high end"])
case("range_mixed_units", sub('target_share = "40%"', f'target_share = {MARK}"35% to £1m"'), ["high end"])
case("range_with_dash", sub('target_share = "40%"', f'target_share = {MARK}"35% - 45%"'), ["is not a percent"])
case("range_central_outside", sub('target_share = "40%"', f'target_share = {{ low = "30%", central = {MARK}"50%", high = "45%" }}'), ["central value lies outside"])
case("range_unknown_dist", sub('target_share = "40%"', f'target_share = {{ low = "30%", high = "45%", dist = {MARK}"lognormal" }}'), ["unknown distribution `lognormal`"])
case("range_normal_off_centre", sub('target_share = "40%"', f'target_share = {{ low = "30%", central = {MARK}"32%", high = "40%", dist = "normal" }}'), ["midpoint"])
case("range_missing_high", sub('target_share = "40%"', f'target_share = {MARK}{{ low = "30%" }}'), ["missing key `high` in a range"])
case("range_unknown_key", sub('target_share = "40%"', f'target_share = {{ low = "30%", {MARK}mode = "35%", high = "45%" }}'), ["unknown key `mode` in a range"])
case("range_where_one_value", sub('share = "55%"', f'share = {MARK}"50% to 60%"'), ["takes a single value"])
case("invalid_id", sub('id = "council"', f'id = {MARK}"Council"'), ["is not a valid id"])

# --- unknown keys at every level, wrong types, missing keys -------------------
case("unknown_key_root", plus(f"[{MARK}scenaro]\nx = 1\n"), ["unknown key `scenaro`"])
case("unknown_key_scenario", sub("horizon = 3", f"horizon = 3\n{MARK}horizn = 3"), ["unknown key `horizn` in [scenario]"])
case("unknown_key_assumptions", plus(f'[assumptions]\n{MARK}inflaton = "2%"\n'), ["unknown key `inflaton`"])
case("unknown_key_partner", sub('kind = "nhs"', f'kind = "nhs"\n{MARK}knd = "nhs"'), ["unknown key `knd`"])
case("unknown_key_service", sub('contributions = {', f'{MARK}contribution = {{'), ["unknown key `contribution`"])
case("unknown_key_setting", sub('  unit_cost = "£60k"', f'  unit_cost = "£60k"\n  {MARK}unitcost = 1'), ["unknown key `unitcost`"])
case("unknown_key_risk_share", sub('contributions = { council = "£80m", pct = "£20m" }',
     f'contributions = {{ council = "£80m", pct = "£20m" }}\nrisk_share = {{ rule = "lead", {MARK}caps = {{}} }}'), ["unknown key `caps`"])
case("unknown_key_shift", sub('by = "2012/13"', f'by = "2012/13"\n{MARK}year = "2012/13"'), ["unknown key `year` in [[shift]]"])
case("unknown_key_saving", plus(f'[[saving]]\nname = "S"\nrate = "1%"\n{MARK}phasein = ["50%"]\n'), ["unknown key `phasein`"])
case("unknown_key_cost", plus(f'[[cost]]\nname = "C"\namounts = ["£1m"]\n{MARK}service = "ld"\n'), ["unknown key `service` in [[cost]]"])
case("unknown_key_variance", plus(f'[[variance]]\nname = "V"\nservice = "ld"\n{MARK}amount = ["£1m"]\n'), ["unknown key `amount`"])
case("unknown_key_workforce", plus(WORKFORCE + f'{MARK}reductions = 5\n'), ["unknown key `reductions`"])
case("unknown_key_expect", plus(f'[[expect]]\nyear = "2012/13"\nmetric = "net_savings"\n{MARK}minimum = "£1m"\n'), ["unknown key `minimum`"])
case("wrong_type_horizon", sub("horizon = 3", f'horizon = {MARK}"3"'), ["expected an integer, found a string"])
case("wrong_type_name", sub('name = "Base"', f"name = {MARK}42"), ["expected a string, found an integer"])
case("wrong_type_single_partner", sub('[[partner]]\nid = "pct"\nname = "PCT"\nkind = "nhs"\n', '').replace('[[partner]]\nid = "council"', f'{MARK}[partner]\nid = "council"'), ["expected an array of tables [[partner]]"])
case("wrong_type_contributions", sub('contributions = { council = "£80m", pct = "£20m" }', f'contributions = {MARK}"£100m"'), ["expected a table"])
case("wrong_type_boolean_share", sub('share = "55%"', f'share = {MARK}true'), ["expected a percent, found a boolean"])
case("missing_scenario_table", f'{MARK}' + BASE.replace('[scenario]\nname = "Base"\nstart = "2009/10"\nhorizon = 3\n', ''), ["missing the [scenario] table"])
case("missing_lead", sub('[[service]]\nid = "ld"\nname = "Learning disability"\nlead = "council"', f'{MARK}[[service]]\nid = "ld"\nname = "Learning disability"'), ["missing key `lead`"])
case("missing_partner_kind", sub('[[partner]]\nid = "pct"\nname = "PCT"\nkind = "nhs"', f'{MARK}[[partner]]\nid = "pct"\nname = "PCT"'), ["missing key `kind`"])
case("unknown_partner_kind", sub('kind = "nhs"', f'kind = {MARK}"health"'), ["unknown partner kind `health`"])

# --- duplicates and references ---------------------------------------------------
case("duplicate_partner_id", sub('id = "pct"', f'id = {MARK}"council"'), ["duplicate partner id `council`"])
case("duplicate_service_id", plus(f'[[service]]\nid = {MARK}"ld"\nname = "Again"\nlead = "council"\ncontributions = {{ council = 1 }}\n'), ["duplicate service id `ld`"])
case("duplicate_setting_id", sub('  id = "supported"', f'  id = {MARK}"residential"'), ["duplicate setting id `residential`"])
case("duplicate_toml_key", sub('horizon = 3', f'horizon = 3\n{MARK}horizon = 4'), ["duplicate key"])
case("unknown_lead", sub('lead = "council"', f'lead = {MARK}"counsil"'), ["unknown partner `counsil`"])
case("unknown_contributor", sub('contributions = { council', f'contributions = {{ {MARK}nhs_x'), ["unknown partner `nhs_x`"])
case("unknown_shift_service", sub('service = "ld"', f'service = {MARK}"mh"'), ["unknown service `mh`"])
case("unknown_shift_from", sub('from = "residential"', f'from = {MARK}"nursing"'), ["unknown setting `nursing`"])
case("unknown_shift_to", sub('to = { supported', f'to = {{ {MARK}supportd'), ["unknown setting `supportd`"])
case("unknown_saving_service", plus(f'[[saving]]\nname = "S"\nservices = [{MARK}"mh"]\nrate = "1%"\n'), ["unknown service `mh`"])
case("unknown_cost_service", plus(f'[[cost]]\nname = "C"\nservices = [{MARK}"mh"]\namounts = ["£1m"]\n'), ["unknown service `mh`"])
case("unknown_variance_service", plus(f'[[variance]]\nname = "V"\nservice = {MARK}"mh"\namounts = ["£1m"]\n'), ["unknown service `mh`"])
case("unknown_workforce_service", plus(WORKFORCE.replace('service = "ld"', f'service = {MARK}"mh"')), ["unknown service `mh`"])
case("unknown_workforce_employer", plus(WORKFORCE.replace('employer = "council"', f'employer = {MARK}"trust"')), ["unknown partner `trust`"])
case("unknown_transfer_to", plus(WORKFORCE + f'transfer_to = {MARK}"trust"\ntransfer_in = "2011/12"\n'), ["unknown partner `trust`"])
case("unknown_fixed_share_partner", sub('contributions = { council = "£80m", pct = "£20m" }',
     f'contributions = {{ council = "£80m", pct = "£20m" }}\nrisk_share = {{ rule = "fixed", shares = {{ council = "60%", {MARK}ccg = "40%" }} }}'), ["unknown partner `ccg`"])
case("unknown_cap_partner", sub('contributions = { council = "£80m", pct = "£20m" }',
     f'contributions = {{ council = "£80m", pct = "£20m" }}\nrisk_share = {{ cap = {{ {MARK}ccg = "£1m" }} }}'), ["unknown partner `ccg`"])
case("unknown_metric", plus(f'[[expect]]\nyear = "2012/13"\nmetric = {MARK}"net_saving"\nmin = "£1m"\n'), ["unknown metric `net_saving`"])
case("unknown_metric_id", plus(f'[[expect]]\nyear = "2012/13"\nmetric = {MARK}"share.ld.nursing"\nmax = "40%"\n'), ["unknown setting `nursing`"])
case("unknown_expect_year", plus(f'[[expect]]\nyear = {MARK}"2013/14"\nmetric = "net_savings"\nmin = "£1m"\n'), ["unknown year 2013/14"])

# --- sums, signs, years, profiles, shifts ---------------------------------------
case("shares_sum_99_99", sub('share = "45%"', f'share = {MARK}"44.99%"'), ["sum to 99.99%, not exactly 100%"])
case("shares_sum_100_01", sub('share = "45%"', f'share = {MARK}"45.01%"'), ["sum to 100.01%, not exactly 100%"])
case("to_split_not_100", sub('to = { supported = "100%" }', f'to = {MARK}{{ supported = "99.9%" }}'), ["sums to 99.9%, not exactly 100%"])
case("fixed_shares_not_100", sub('contributions = { council = "£80m", pct = "£20m" }',
     f'contributions = {{ council = "£80m", pct = "£20m" }}\nrisk_share = {{ rule = "fixed", shares = {MARK}{{ council = "60%", pct = "30%" }} }}'), ["sum to 90%, not exactly 100%"])
case("contributions_sum_zero", sub('contributions = { council = "£80m", pct = "£20m" }', f'contributions = {MARK}{{ council = 0, pct = "£0" }}'), ["sum to zero"])
case("negative_contribution", sub('pct = "£20m"', f'pct = {MARK}"-£20m"'), ["cannot be negative"])
case("negative_unit_cost", sub('unit_cost = "£60k"', f'unit_cost = {MARK}"-£60k"'), ["must be above zero"])
case("negative_cost_amount", plus(f'[[cost]]\nname = "C"\namounts = [{MARK}"-£1m"]\n'), ["cannot be negative"])
case("negative_saving_amount", plus(f'[[saving]]\nname = "S"\namount = {MARK}"-£1m"\n'), ["cannot be negative"])
case("negative_cap", sub('contributions = { council = "£80m", pct = "£20m" }',
     f'contributions = {{ council = "£80m", pct = "£20m" }}\nrisk_share = {{ cap = {{ pct = {MARK}"-£1m" }} }}'), ["a cap cannot be negative"])
case("negative_cost_per_head", plus(WORKFORCE.replace('cost_per_head = "£30k"', f'cost_per_head = {MARK}"-£30k"')), ["cannot be negative"])
case("share_above_100", sub('target_share = "40%"', f'target_share = {MARK}"140%"'), ["must be between 0% and 100%"])
case("growth_minus_100", sub('contributions = { council = "£80m", pct = "£20m" }', f'contributions = {{ council = "£80m", pct = "£20m" }}\ngrowth = {MARK}"-100%"'), ["must be above -100%"])
case("by_after_horizon", sub('by = "2012/13"', f'by = {MARK}"2013/14"'), ["after the last projected year"])
case("by_not_after_baseline", sub('by = "2012/13"', f'by = {MARK}"2009/10"'), ["not after the baseline year"])
case("profile_wrong_length", sub('by = "2012/13"', f'by = "2012/13"\nprofile = {MARK}["50%", "100%"]'), ["lists 2 years, but the target is 3"])
case("profile_decreases", sub('by = "2012/13"', f'by = "2012/13"\nprofile = ["50%", {MARK}"40%", "100%"]'), ["decreases"])
case("profile_not_ending_100", sub('by = "2012/13"', f'by = "2012/13"\nprofile = ["50%", "60%", {MARK}"90%"]'), ["must end at 100%"])
case("profile_unknown_shape", sub('by = "2012/13"', f'by = "2012/13"\nprofile = {MARK}"wavy"'), ["unknown profile `wavy`"])
case("shift_from_in_to", sub('to = { supported = "100%" }', f'to = {{ supported = "50%", {MARK}residential = "50%" }}'), ["both `from` and in `to`"])
case("two_shifts_one_service", plus(f'[[shift]]\nname = "Again"\nservice = {MARK}"ld"\nfrom = "residential"\nto = {{ supported = "100%" }}\ntarget_share = "45%"\nby = "2011/12"\n'), ["already has a shift"])
case("shift_without_cost_ratio", sub('[[shift]]\nname', f'{MARK}[[shift]]\nname').replace('  unit_cost = "£60k"\n', ''), ["no way to get its cost ratio"])
case("cost_amounts_too_long", plus(f'[[cost]]\nname = "C"\namounts = {MARK}["£1m", "£1m", "£1m", "£1m"]\n'), ["lists 4 years, but the horizon is 3"])
case("variance_amounts_too_long", plus(f'[[variance]]\nname = "V"\nservice = "ld"\namounts = {MARK}[1, 2, 3, 4]\n'), ["but the horizon is 3"])
case("saving_rate_and_amount", plus(f'[[saving]]\nname = "S"\nrate = "1%"\namount = {MARK}"£1m"\n'), ["both `rate` and `amount`"])
case("saving_without_size", plus(f'{MARK}[[saving]]\nname = "S"\n'), ["needs a `rate` or an `amount`"])

# --- workforce, risk share, header, expectations ----------------------------------
case("reduction_exceeds_staff", plus(WORKFORCE + f'reduction = {MARK}"50 to 150"\nreduction_by = "2011/12"\n'), ["exceeds the 100 staff"])
case("transfer_in_outside_horizon", plus(WORKFORCE + f'transfer_to = "pct"\ntransfer_in = {MARK}"2009/10"\n'), ["`transfer_in` must be within the projection"])
case("reduction_by_outside_horizon", plus(WORKFORCE + f'reduction = 10\nreduction_by = {MARK}"2014/15"\n'), ["`reduction_by` must be within the projection"])
case("workforce_pay_exceeds_spend", plus(WORKFORCE.replace("staff = 100", f"staff = {MARK}4000")), ["exceeds the year-0 spend of service `ld`"])
case("transfer_to_without_year", plus(WORKFORCE + f'transfer_to = {MARK}"pct"\n'), ["`transfer_to` needs `transfer_in`"])
case("fixed_without_shares", sub('contributions = { council = "£80m", pct = "£20m" }', f'contributions = {{ council = "£80m", pct = "£20m" }}\nrisk_share = {{ rule = {MARK}"fixed" }}'), ["needs `shares`"])
case("shares_with_proportional", sub('contributions = { council = "£80m", pct = "£20m" }', f'contributions = {{ council = "£80m", pct = "£20m" }}\nrisk_share = {{ shares = {MARK}{{ council = "100%" }} }}'), ["only applies to rule = \"fixed\""])
case("horizon_zero", sub("horizon = 3", f"horizon = {MARK}0"), ["`horizon` must be 1 to 50"])
case("horizon_51", sub("horizon = 3", f"horizon = {MARK}51"), ["`horizon` must be 1 to 50"])
case("draws_zero", sub("horizon = 3", f"horizon = 3\ndraws = {MARK}0"), ["`draws` must be 1 to"])
case("discount_rate_word", sub("horizon = 3", f"horizon = 3\ndiscount_rate = {MARK}\"treasury\""), ["is not a discount rate"])
case("discount_rate_minus_100", sub("horizon = 3", f"horizon = 3\ndiscount_rate = {MARK}\"-100%\""), ["must be above -100%"])
case("optimism_bias_savings_above_100", sub("horizon = 3", f"horizon = 3\noptimism_bias = {{ savings = {MARK}\"120%\" }}"), ["between 0% and 100%"])
case("optimism_bias_costs_negative", sub("horizon = 3", f"horizon = 3\noptimism_bias = {{ costs = {MARK}\"-5% to 10%\" }}"), ["must be at least 0%"])
case("optimism_bias_unknown_key", sub("horizon = 3", f"horizon = 3\noptimism_bias = {{ {MARK}benefits = \"5%\" }}"), ["unknown key `benefits`"])
case("shift_optimism_bias_above_100", sub('by = "2012/13"', f'by = "2012/13"\noptimism_bias = {MARK}"150%"'), ["between 0% and 100%"])
case("deflator_minus_100", plus(f'[assumptions]\ndeflator = {MARK}"-100%"\n'), ["`deflator` must be above -100%"])
case("seed_negative", sub("horizon = 3", f"horizon = 3\nseed = {MARK}-1"), ["`seed` cannot be negative"])
case("percentiles_unsorted", sub("horizon = 3", f"horizon = 3\npercentiles = [50, {MARK}10]"), ["ascending order"])
case("percentile_out_of_range", sub("horizon = 3", f"horizon = 3\npercentiles = [{MARK}0, 50]"), ["outside 1 to 99"])
case("expect_without_bounds", plus(f'{MARK}[[expect]]\nyear = "2012/13"\nmetric = "net_savings"\n'), ["neither `min` nor `max`"])
case("expect_without_year", plus(f'{MARK}[[expect]]\nmetric = "net_savings"\nmin = "£1m"\n'), ["needs a `year`"])
case("expect_year_on_npv", plus(f'[[expect]]\nyear = {MARK}"2012/13"\nmetric = "npv"\nmin = "£1m"\n'), ["takes no `year`"])
case("expect_wrong_unit", plus(f'[[expect]]\nyear = "2012/13"\nmetric = "share.ld.residential"\nmax = {MARK}40\n'), ["needs a % sign"])
case("expect_unknown_case", plus(f'[[expect]]\nyear = "2012/13"\nmetric = "net_savings"\nmin = "£1m"\ncase = {MARK}"p100"\n'), ["unknown case `p100`"])
case("expect_percentile_unsampled", plus(f'[[expect]]\nyear = "2012/13"\nmetric = "share.ld.residential"\nmax = "40%"\ncase = {MARK}"p90"\n'), ["has no percentiles"])
case("expect_min_above_max", plus(f'[[expect]]\nyear = "2012/13"\nmetric = "net_savings"\nmin = "£2m"\nmax = {MARK}"£1m"\n'), ["`max` is below `min`"])

# --- whole files -------------------------------------------------------------------
case("broken_toml", f'[scenario{MARK}\nname = "x"\n', ["invalid TOML: unclosed table"])
case("unterminated_string", f'[scenario]\nname = "Base{MARK}\nstart = "2009/10"\n', ["invalid TOML: invalid basic string"])
case("comments_only", f'{MARK}# nothing but a comment\n\n', ["missing the [scenario] table"])
case("zero_bytes", f'{MARK}', ["missing the [scenario] table"])
# The TOML parser stops recursing after 80 levels (toml's recursion limit).
case("deeply_nested", f'[scenario]\nname = "x"\nstart = "2009/10"\nhorizon = 1\nweird = ' + "[" * 80 + MARK + "[" * 320 + '1' + "]" * 400 + "\n", ["max recursion depth"])
case("several_errors", sub("horizon = 3", f"horizon = {MARK}0").replace('lead = "council"', f'lead = {MARK}"nobody"').replace('share = "45%"', f"share = {MARK}45"),
     ["`horizon` must be 1 to 50", "unknown partner `nobody`", "takes a percent"])

# --- variants ---------------------------------------------------------------------------
case("variant_missing_base", f'extends = {MARK}"bases/nowhere.toml"\n', ["cannot read the base scenario"])
case("variant_cycle", f'extends = "bases/cycle_b.toml"\n', [("bases/cycle_b.toml", 1, 11, "makes a cycle")],
     files={"bases/cycle_b.toml": 'extends = "../variant_cycle.toml"\n'})
deep = {f"bases/deep_{i}.toml": f'extends = "deep_{i + 1}.toml"\n' for i in range(1, 9)}
deep["bases/deep_9.toml"] = BASE
case("variant_too_deep", 'extends = "bases/deep_1.toml"\n', [("bases/deep_8.toml", 1, 11, "chains more than 8 deep")], files=deep)
case("variant_bad_value_in_base", 'extends = "bases/bad_value.toml"\n[scenario]\nhorizon = 2\n',
     [("bases/bad_value.toml", 25, 11, "is not a percent")],
     files={"bases/bad_value.toml": BASE.replace('share = "55%"', 'share = "55"')})
case("variant_bad_value", f'extends = "bases/good.toml"\n[scenario]\nhorizon = {MARK}"two"\n', ["expected an integer"],
     files={"bases/good.toml": BASE})
case("variant_drop_missing", f'extends = "bases/good.toml"\n\n{MARK}[[cost]]\nname = "Nothing"\ndrop = true\n', ["nothing to drop"],
     files={"bases/good.toml": BASE})
case("variant_extends_not_string", f'extends = {MARK}5\n', ["must be a path string"])
# A base is a regular .toml file inside the run's folder or the scenario's
# folder (tests/reading.rs has the cases that need links, FIFOs or devices).
case("variant_base_not_toml", f'extends = {MARK}"bases/secrets.env"\n', ["its name does not end in .toml"],
     files={"bases/secrets.env": "API_KEY=do-not-print\n"})
case("variant_base_outside", f'extends = {MARK}"../../Cargo.toml"\n', ["it is outside the folders a base may come from"])


GOOD_CASES = {
    "year_1999_00.toml": BASE.replace('start = "2009/10"', 'start = "1999/00"').replace('by = "2012/13"', 'by = "2002/03"'),
    "thirds.toml": BASE.replace('  share = "55%"', '  share = "33.333333%"').replace('  share = "45%"', '  share = "33.333333%"')
        + '',
    "crlf.toml": BASE.replace("\n", "\r\n"),
    "bom.toml": "\ufeff" + BASE,
    "unicode_names.toml": BASE.replace('name = "Learning disability"', 'name = "Anabledd dysgu — Ł€Ω 学习障碍"').replace('name = "Council"', 'name = "Cyngor Sir Ddinbych"'),
    "comments_everywhere.toml": "# top\n" + BASE.replace("\n", "  # c\n").replace("[[service.setting]]  # c", "[[service.setting]] # setting").replace('"""  # c', '"""'),
    "table_forms.toml": BASE.replace('contributions = { council = "£80m", pct = "£20m" }', 'contributions.council = "£80m"\ncontributions.pct = "£20m"'),
    "horizon_50.toml": BASE.replace("horizon = 3", "horizon = 50"),
    "negative_variances.toml": BASE + '\n[[variance]]\nname = "Underspend"\nservice = "ld"\namounts = ["-£2m", -4000000, "-£1m to £1m"]\n',
    "every_profile.toml": BASE.replace('by = "2012/13"', 'by = "2012/13"\nprofile = ["25%", "60%", "100%"]'),
    "every_dist.toml": BASE.replace('unit_cost = "£80k"', 'unit_cost = { low = "£70k", central = "£80k", high = "£95k", dist = "pert" }')
        .replace('unit_cost = "£60k"', 'unit_cost = { low = "£50k", high = "£70k", dist = "normal" }')
        .replace('target_share = "40%"', 'target_share = { low = "35%", central = "40%", high = "42%" }')
        + '\n[assumptions]\ninflation = "1% to 3%"\n',
    "inline_arrays_of_tables.toml": 'partner = [{ id = "council", name = "Council", kind = "council" }, { id = "pct", name = "PCT", kind = "nhs" }]\n\n'
        + BASE.replace('[[partner]]\nid = "council"\nname = "Council"\nkind = "council"\n\n[[partner]]\nid = "pct"\nname = "PCT"\nkind = "nhs"\n', ''),
    "money_forms.toml": BASE.replace('contributions = { council = "£80m", pct = "£20m" }',
        'contributions = { council = "£79,999,999.50", pct = "20000000.50" }').replace('unit_cost = "£80k"', 'unit_cost = "80000"').replace('unit_cost = "£60k"', 'unit_cost = "£0.06m"'),
}
# 33.333333% + 33.333333% + 33.333334%: three settings.
GOOD_CASES["thirds.toml"] = BASE.replace('  share = "55%"', '  share = "33.333333%"').replace('  share = "45%"', '  share = "33.333333%"').replace(
    '[[shift]]', '  [[service.setting]]\n  id = "home"\n  name = "Home support"\n  share = "33.333334%"\n  unit_cost = "£30k"\n\n[[shift]]')


def position(text, index):
    before = text[:index]
    line = before.count("\n") + 1
    col = len(before.rsplit("\n", 1)[-1]) + 1
    return line, col


def main():
    shutil.rmtree(BAD, ignore_errors=True)
    shutil.rmtree(GOOD, ignore_errors=True)
    os.makedirs(BAD)
    os.makedirs(GOOD)
    for name, text, phrases, files in cases:
        expected = []
        clean = text
        markers = []
        while MARK in clean:
            i = clean.index(MARK)
            markers.append(position(clean, i))
            clean = clean[:i] + clean[i + 1:]
        plain = [p for p in phrases if isinstance(p, str)]
        other = [p for p in phrases if not isinstance(p, str)]
        assert len(plain) == len(markers), (name, plain, markers)
        for (line, col), phrase in zip(markers, plain):
            expected.append(f"{line}:{col} {phrase}")
        for (file, line, col, phrase) in other:
            expected.append(f"{file}:{line}:{col} {phrase}")
        with open(os.path.join(BAD, name + ".toml"), "w", encoding="utf-8", newline="") as f:
            f.write(clean)
        with open(os.path.join(BAD, name + ".expected"), "w", encoding="utf-8") as f:
            f.write("\n".join(expected) + "\n")
        for path, body in files.items():
            full = os.path.join(BAD, path)
            os.makedirs(os.path.dirname(full), exist_ok=True)
            with open(full, "w", encoding="utf-8", newline="") as f:
                f.write(body)
    # Bytes that are not text.
    with open(os.path.join(BAD, "non_utf8.toml"), "wb") as f:
        f.write(b'[scenario]\nname = "\xff\xfe"\n')
    with open(os.path.join(BAD, "non_utf8.expected"), "w") as f:
        f.write("2:9 not valid UTF-8\n")
    with open(os.path.join(BAD, "binary.toml"), "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10" + bytes(range(256)))
    with open(os.path.join(BAD, "binary.expected"), "w") as f:
        f.write("1:1 not valid UTF-8\n")
    for name, text in GOOD_CASES.items():
        with open(os.path.join(GOOD, name), "w", encoding="utf-8", newline="") as f:
            f.write(text)
    print(f"{len(cases) + 2} bad cases, {len(GOOD_CASES)} good cases")


if __name__ == "__main__":
    main()
