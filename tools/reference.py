#!/usr/bin/env python3
"""An independent reference implementation of SPEC 3.1-3.5 and 3.7 (central case).

Written separately from the Rust engine, in exact rational arithmetic
(fractions.Fraction), to cross-check it: it reads a (valid) scenario file,
computes every figure of the JSON document, and compares it with
`pool-model project FILE --format json` to the penny (6 dp for shares).

    python3 tools/reference.py scenarios/birmingham.toml [more.toml ...]

It does no validation and does not follow `extends`; it exits 1 on any
difference. See docs/model.md. The binary is --binary=PATH, else
$POOL_MODEL, else target/release/pool-model.

    python3 tools/reference.py --switching FILE [more.toml ...]

checks the switching values of `pool-model sensitivity FILE --format json`
(SPEC 3.6) instead: each bar's name is mapped to its input in the file (see
locate()); where a switching value is given, the reference NPV with that
input at it (all else central) must be within £1 of zero, the value inside
the key's domain, `change` = (value - central)/|central| to 6 dp (null for a
zero central), and NPV must keep central's sign at 7 points between central
and it and as far on the other side (nothing nearer crosses zero); where it
is null, NPV must keep central's sign at the range's ends and at points
across the key's domain. Every bar's at_low/at_high NPV and cumulative net
savings and the central ones must agree to the penny, and every ranged value
of the file must have exactly one bar. Exit 1 on any failure.

The appraisal (SPEC 3.7) is computed line by line: each [[shift]] (one per
service), each [[saving]] (its total over its scope), each [[workforce]]
line's saving, with the sign rule x*(1-ob) / x*(1+ob); each [[cost]] (its
amount that year) and each [[workforce]] line's redundancy cost times
(1+ob). Per year, present value = (savings - costs) / I(t) * D(t). The JSON
layout assumed for `appraisal` lives in one function, appraisal_layout().
"""

import json
import os
import re
import subprocess
import sys
import tomllib
from fractions import Fraction as F
from decimal import Decimal, ROUND_HALF_UP

MULT = {"k": 10**3, "m": 10**6, "bn": 10**9}


def money(v):
    if isinstance(v, F):  # an exact value injected by the switching check
        return v
    if isinstance(v, int):
        return F(v)
    s = v.strip()
    neg = s.startswith("-")
    s = s.lstrip("-").lstrip("£")
    mult = 1
    for suf in ("bn", "m", "k"):
        if s.endswith(suf):
            s, mult = s[: -len(suf)], MULT[suf]
            break
    x = F(Decimal(s.replace(",", ""))) * mult
    return -x if neg else x


def pct(v):
    if isinstance(v, F):
        return v
    return F(Decimal(v.strip()[:-1])) / 100


def num(v):
    return v if isinstance(v, F) else F(v) if isinstance(v, int) else F(Decimal(v))


def central(v, parse):
    if isinstance(v, dict):
        lo, hi = parse(v["low"]), parse(v["high"])
        return parse(v["central"]) if "central" in v else (lo + hi) / 2
    if isinstance(v, str) and " to " in v:
        lo, hi = v.split(" to ")
        return (parse(lo) + parse(hi)) / 2
    return parse(v)


def year(s):
    return int(s.split("/")[0])


def label(y):
    return f"{y}/{(y + 1) % 100:02d}"


def discount_rates(v, H):
    """r_t for t = 1..H (SPEC 3.7): the Green Book schedule or a flat rate."""
    if v == "green_book":
        return [F(35, 1000) if t <= 30 else F(30, 1000) for t in range(1, H + 1)]
    return [pct(v)] * H


def ob_saving(x, ob):
    """A benefit line after optimism bias: never flatters the case."""
    return x * (1 - ob) if x >= 0 else x * (1 + ob)


def ob_cost(x, ob):
    return x * (1 + ob)


def phi(profile, t, T):
    if t == 0:
        return F(0)
    if t >= T:
        return F(1)
    if isinstance(profile, list):
        return pct(profile[t - 1])
    x = F(t, T)
    return {
        "linear": x,
        "front_loaded": 1 - (1 - x) ** 2,
        "back_loaded": x**2,
        "step": F(0),
    }[profile]


def project(doc):
    sc = doc["scenario"]
    start, H = year(sc["start"]), sc["horizon"]
    rate_spec = sc.get("discount_rate", "green_book")
    asm = doc.get("assumptions", {})
    a_inf = central(asm.get("inflation", "0%"), pct)
    a_gro = central(asm.get("growth", "0%"), pct)
    deflator = central(asm["deflator"], pct) if "deflator" in asm else a_inf
    sc_ob = sc.get("optimism_bias", {})
    ob_costs = central(sc_ob.get("costs", "0%"), pct)
    ob_savings = central(sc_ob.get("savings", "0%"), pct)

    def line_ob(line, default):
        return central(line["optimism_bias"], pct) if "optimism_bias" in line else default

    # appraisal lines per year, after optimism bias and before it (index t)
    ap_sav, ap_cost = [F(0)] * (H + 1), [F(0)] * (H + 1)
    raw_sav, raw_cost = [F(0)] * (H + 1), [F(0)] * (H + 1)

    def add_saving(t, x, ob):
        ap_sav[t] += ob_saving(x, ob)
        raw_sav[t] += x

    def add_cost(t, x, ob):
        ap_cost[t] += ob_cost(x, ob)
        raw_cost[t] += x
    partners = [p["id"] for p in doc.get("partner", [])]
    services = doc["service"]
    sids = [s["id"] for s in services]
    shifts = {sh["service"]: sh for sh in doc.get("shift", [])}

    S = []
    for s in services:
        contrib = {p: money(v) for p, v in s["contributions"].items()}
        c0 = sum(contrib.values())
        settings = s.get("setting") or [{"id": s["id"], "share": "100%"}]
        uc = {k["id"]: central(k["unit_cost"], money) for k in settings if "unit_cost" in k}
        rs = s.get("risk_share", {})
        rule = rs.get("rule", "proportional")
        if rule == "proportional":
            shares = {p: contrib.get(p, F(0)) / c0 for p in partners}
        elif rule == "lead":
            shares = {p: F(1 if p == s["lead"] else 0) for p in partners}
        else:
            shares = {p: pct(rs["shares"][p]) if p in rs["shares"] else F(0) for p in partners}
        caps = {p: money(v) for p, v in rs.get("cap", {}).items()}
        S.append(dict(
            id=s["id"], c0=c0, contrib=contrib, settings=[k["id"] for k in settings],
            share={k["id"]: pct(k["share"]) for k in settings}, uc=uc,
            g=central(s["growth"], pct) if "growth" in s else a_gro,
            p=central(s["inflation"], pct) if "inflation" in s else a_inf,
            shares=shares, caps=caps, shift=shifts.get(s["id"]),
        ))

    out_years, out_services = [], {s["id"]: [] for s in S}
    out_partners = {p: [] for p in partners}
    cum = F(0)
    for t in range(H + 1):
        rows = {}
        for s in S:
            C = s["c0"] * ((1 + s["g"]) * (1 + s["p"])) ** t
            P = (1 + s["p"]) ** t
            spend = {k: s["share"][k] * C for k in s["settings"]}
            moved, saving, people_moved = F(0), F(0), None
            sh = s["shift"]
            if sh:
                frm = sh["from"]
                w = {j: pct(v) for j, v in sh["to"].items()}
                if "cost_ratio" in sh:
                    r = {j: central(sh["cost_ratio"], pct) for j in w}
                else:
                    r = {j: s["uc"][j] / s["uc"][frm] for j in w}
                rbar = sum(w[j] * r[j] for j in w)
                T = year(sh["by"]) - start
                sigma0, sigT = s["share"][frm], central(sh["target_share"], pct)
                sig = sigma0 + (sigT - sigma0) * phi(sh.get("profile", "linear"), t, T)
                R = spend[frm]
                O = C - R
                numr = R * (1 - sig) - sig * O
                moved = numr / (1 - sig * (1 - rbar)) if numr > 0 else F(0)
                spend[frm] = R - moved
                for j in w:
                    spend[j] += moved * w[j] * r[j]
                saving = moved * (1 - rbar)
                if frm in s["uc"]:
                    people_moved = moved / (s["uc"][frm] * P)
                if t > 0:
                    add_saving(t, saving, line_ob(sh, ob_savings))
            E = C - saving
            rows[s["id"]] = dict(C=C, P=P, spend=spend, E=E, moved=moved, shift=saving,
                                 people_moved=people_moved, eff=F(0), wf=F(0), costs=F(0),
                                 var=F(0), staff=F(0))
        if t > 0:
            for sv in doc.get("saving", []):
                scope = sv.get("services", sids)
                ph = sv.get("phase_in", ["100%"])
                phase = pct(ph[t - 1] if t - 1 < len(ph) else ph[-1])
                base = sum(rows[i]["E"] for i in scope)
                line = F(0)
                for i in scope:
                    if "rate" in sv:
                        x = central(sv["rate"], pct) * phase * rows[i]["E"]
                    else:
                        amt = central(sv["amount"], money) * phase
                        x = amt * rows[i]["E"] / base if base else amt / len(scope)
                    rows[i]["eff"] += x
                    line += x
                add_saving(t, line, line_ob(sv, ob_savings))
            for c in doc.get("cost", []):
                scope = c.get("services", sids)
                amts = c["amounts"]
                amt = central(amts[t - 1], money) if t - 1 < len(amts) else F(0)
                base = sum(rows[i]["C"] for i in scope)
                for i in scope:
                    rows[i]["costs"] += amt * rows[i]["C"] / base
                add_cost(t, amt, line_ob(c, ob_costs))
            for v in doc.get("variance", []):
                amts = v["amounts"]
                rows[v["service"]]["var"] += central(amts[t - 1], money) if t - 1 < len(amts) else F(0)
        pstaff = {p: F(0) for p in partners}
        ppay = {p: F(0) for p in partners}
        for wk in doc.get("workforce", []):
            row = rows[wk["service"]]
            staff = num(wk["staff"])
            cph = central(wk["cost_per_head"], money)

            def heads(tt):
                if "reduction" not in wk:
                    return staff
                T = year(wk["reduction_by"]) - start
                return staff - central(wk["reduction"], num) * phi(wk.get("reduction_profile", "linear"), tt, T)

            h = heads(t)
            emp = wk["employer"]
            if "transfer_to" in wk and t >= year(wk["transfer_in"]) - start:
                emp = wk["transfer_to"]
            pstaff[emp] += h
            ppay[emp] += h * cph * row["P"]
            row["staff"] += h
            if t > 0:
                wf = (staff - h) * cph * row["P"]
                row["wf"] += wf
                red = central(wk["redundancy_cost"], money) if "redundancy_cost" in wk else F(0)
                rc = (heads(t - 1) - h) * red * row["P"]
                row["costs"] += rc
                add_saving(t, wf, ob_savings)
                add_cost(t, rc, ob_costs)
        psav = {p: F(0) for p in partners}
        pvar = {p: F(0) for p in partners}
        pcon = {p: F(0) for p in partners}
        unalloc_total = F(0)
        for s in S:
            row = rows[s["id"]]
            row["gross"] = row["shift"] + row["eff"] + row["wf"]
            row["net"] = row["gross"] - row["costs"]
            for p in partners:
                pcon[p] += s["contrib"].get(p, F(0)) * row["C"] / s["c0"]
                psav[p] += s["shares"][p] * row["net"]
            V = row["var"]
            alloc = {p: F(0) for p in partners}
            unalloc = F(0)
            if V > 0 and s["caps"]:
                active = [p for p in partners if s["shares"][p] > 0]
                rem = V
                while True:
                    W = sum(s["shares"][p] for p in active)
                    if not active or W <= 0 or rem <= 0:
                        break
                    capped = [p for p in active if p in s["caps"] and rem * s["shares"][p] / W > s["caps"][p]]
                    if not capped:
                        for p in active:
                            alloc[p] = rem * s["shares"][p] / W
                        rem = F(0)
                        break
                    for p in capped:
                        alloc[p] = s["caps"][p]
                        rem -= s["caps"][p]
                    active = [p for p in active if p not in capped]
                unalloc = max(rem, F(0))
            else:
                alloc = {p: s["shares"][p] * V for p in partners}
            for p in partners:
                pvar[p] += alloc[p]
            row["unalloc"] = unalloc
            unalloc_total += unalloc
        tot = lambda k: sum(rows[i][k] for i in sids)
        net = tot("net")
        if t > 0:
            cum += net
        out_years.append(dict(
            counterfactual=tot("C"), scenario=tot("C") - tot("gross"), shift_savings=tot("shift"),
            efficiency_savings=tot("eff"), workforce_savings=tot("wf"), gross_savings=tot("gross"),
            costs=tot("costs"), net_savings=net, cumulative_net_savings=cum, variances=tot("var"),
            unallocated=unalloc_total,
        ))
        for s in S:
            row = rows[s["id"]]
            out_services[s["id"]].append(dict(
                counterfactual=row["C"], post_shift=row["E"], spend=row["C"] - row["gross"],
                shift_savings=row["shift"], efficiency_savings=row["eff"], workforce_savings=row["wf"],
                gross_savings=row["gross"], costs=row["costs"], net_savings=row["net"],
                variances=row["var"], unallocated=row["unalloc"], moved=row["moved"],
                people_moved=row["people_moved"], staff=row["staff"],
                settings=[dict(id=k, spend=row["spend"][k],
                               share=row["spend"][k] / row["E"] if row["E"] else F(0),
                               people=row["spend"][k] / (s["uc"][k] * row["P"]) if k in s["uc"] else None)
                          for k in s["settings"]],
            ))
        for p in partners:
            out_partners[p].append(dict(
                contribution=pcon[p], savings_share=psav[p], variance_share=pvar[p],
                net_contribution=pcon[p] - psav[p] + pvar[p], staff=pstaff[p], pay=ppay[p],
            ))
    # SPEC 3.7: the appraisal, real terms at year-0 prices, discounted.
    # Hand check (one service £1m, inflation 2% = deflator, saving 5%, costs
    # £30k/£20k/£10k with optimism_bias 20%, horizon 3, green_book): real
    # savings are £50,000 a year, so pv_savings = 50,000 (1/1.035 + 1/1.035^2
    # + 1/1.035^3) = 140,081.85; pv_costs = 36,000/(1.02 x 1.035) +
    # 24,000/(1.02 x 1.035)^2 + 12,000/(1.02 x 1.035)^3 = 65,833.92; npv
    # 74,247.93; before optimism bias 85,220.25; bcr 2.127807.
    rates = discount_rates(rate_spec, H)
    D, ap_years = F(1), []
    pv_s = pv_c = pv_raw = F(0)
    for t in range(1, H + 1):
        D = D / (1 + rates[t - 1])
        I = (1 + deflator) ** t
        pv_s += ap_sav[t] / I * D
        pv_c += ap_cost[t] / I * D
        pv_raw += (raw_sav[t] - raw_cost[t]) / I * D
        ap_years.append(dict(year=t, label=label(start + t), deflator_index=I, discount_factor=D,
                             savings=ap_sav[t], costs=ap_cost[t],
                             present_value=(ap_sav[t] - ap_cost[t]) / I * D))
    appraisal = dict(
        price_base=label(start),
        discount_rate="green_book" if rate_spec == "green_book" else pct(rate_spec),
        years=ap_years, pv_savings=pv_s, pv_costs=pv_c, npv=pv_s - pv_c,
        npv_before_optimism_bias=pv_raw, bcr=pv_s / pv_c if pv_c > 0 else None,
    )
    return dict(years=out_years, services=out_services, partners=out_partners,
                npv=appraisal["npv"], appraisal=appraisal)


def rnd(x, dp):
    """x rounded half away from zero to dp places, exactly (no division
    to a finite precision first, which could move a value off a tie)."""
    q = abs(x) * 10**dp
    whole = q.numerator // q.denominator
    if q - whole >= F(1, 2):
        whole += 1
    if x < 0:
        whole = -whole
    return Decimal(whole).scaleb(-dp)


MISSING = object()


def appraisal_layout(got, labels):
    """THE one place that knows the JSON layout of `appraisal` (SPEC 4.1).
    Returns it normalised: {key: value} for the whole-horizon keys and
    "years": {t: {key: value}} for t = 1..H, MISSING where absent.

    Assumed layout:
      "appraisal": {"price_base": "2009/10", "discount_rate": "green_book" | 0.035,
                    "years": [{"year": 1, "label": "2010/11", "deflator_index": ...,
                               "discount_factor": ..., "savings": ..., "costs": ...,
                               "present_value": ...}, ...],          # years 1..H
                    "pv_savings": ..., "pv_costs": ..., "npv": ...,
                    "npv_before_optimism_bias": ..., "bcr": ... | null}
    `labels` are the financial-year labels of years 1..H. A year entry is
    matched by its "year" number, else by its "label" (or a label in
    "year"), else by position; a year-0 entry, if listed, is skipped."""
    H = len(labels)
    t_of = {lab: t for t, lab in enumerate(labels, 1)}
    app = got.get("appraisal", MISSING)
    if not isinstance(app, dict):
        return None
    out = {k: app.get(k, MISSING) for k in
           ["price_base", "discount_rate", "pv_savings", "pv_costs", "npv",
            "npv_before_optimism_bias", "bcr"]}
    entries = app.get("years", [])
    def key(e):
        y = e.get("year") if isinstance(e, dict) else None
        if isinstance(y, int) and not isinstance(y, bool):
            return y
        lab = y if isinstance(y, str) else e.get("label") if isinstance(e, dict) else None
        return t_of.get(lab, 0 if lab is not None else None)
    if entries and all(key(e) is not None for e in entries):
        by_year = {key(e): e for e in entries}
    else:
        first = 0 if len(entries) == H + 1 else 1
        by_year = {first + i: e for i, e in enumerate(entries)}
    out["years"] = {t: {k: by_year[t].get(k, MISSING) if t in by_year else MISSING
                        for k in ["deflator_index", "discount_factor", "savings", "costs",
                                  "present_value"]}
                    for t in range(1, H + 1)}
    return out


def compare(path, binary):
    import decimal
    decimal.getcontext().prec = 60
    with open(path, "rb") as f:
        doc = tomllib.load(f)
    ref = project(doc)
    run = subprocess.run([binary, "project", path, "--format", "json", "--no-ranges"],
                         capture_output=True, text=True)
    if run.returncode != 0:
        first = (run.stderr.strip().splitlines() or ["(no message)"])[0]
        return [f"pool-model exited {run.returncode}: {first}"]
    got = json.loads(run.stdout, parse_float=Decimal)
    diffs = []

    def check(where, expected, actual, dp):
        if actual is MISSING:
            diffs.append(f"{where}: missing from pool-model's JSON")
            return
        if expected is None:
            if actual is not None:
                diffs.append(f"{where}: expected null, got {actual}")
            return
        e = rnd(expected, dp)
        if actual is None or isinstance(actual, (str, bool)) or Decimal(actual) != e:
            diffs.append(f"{where}: reference {e}, pool-model {actual}")

    money_keys = ["counterfactual", "scenario", "shift_savings", "efficiency_savings",
                  "workforce_savings", "gross_savings", "costs", "net_savings",
                  "cumulative_net_savings", "variances", "unallocated"]
    for t, y in enumerate(ref["years"]):
        for k in money_keys:
            check(f"years[{t}].{k}", y[k], got["years"][t][k], 2)
    for s in got["services"]:
        for t, y in enumerate(ref["services"][s["id"]]):
            g = s["years"][t]
            for k in ["counterfactual", "post_shift", "spend", "shift_savings", "efficiency_savings",
                      "workforce_savings", "gross_savings", "costs", "net_savings", "variances",
                      "unallocated", "moved"]:
                check(f"{s['id']}[{t}].{k}", y[k], g[k], 2)
            check(f"{s['id']}[{t}].people_moved", y["people_moved"], g["people_moved"], 2)
            check(f"{s['id']}[{t}].staff", y["staff"], g["staff"], 2)
            for ks, kg in zip(y["settings"], g["settings"]):
                check(f"{s['id']}[{t}].{ks['id']}.spend", ks["spend"], kg["spend"], 2)
                check(f"{s['id']}[{t}].{ks['id']}.share", ks["share"], kg["share"], 6)
                check(f"{s['id']}[{t}].{ks['id']}.people", ks["people"], kg["people"], 2)
    for p in got["partners"]:
        for t, y in enumerate(ref["partners"][p["id"]]):
            for k in ["contribution", "savings_share", "variance_share", "net_contribution", "pay"]:
                check(f"{p['id']}[{t}].{k}", y[k], p["years"][t][k], 2)
            check(f"{p['id']}[{t}].staff", y["staff"], p["years"][t]["staff"], 2)
    check("npv", ref["npv"], got.get("npv", MISSING), 2)
    ra = ref["appraisal"]
    ga = appraisal_layout(got, [y["label"] for y in ra["years"]])
    if ga is None:
        diffs.append("appraisal: missing from pool-model's JSON (SPEC 3.7, 4.1)")
        return diffs
    if ga["price_base"] != ra["price_base"]:
        diffs.append(f"appraisal.price_base: reference {ra['price_base']}, pool-model "
                     f"{'missing' if ga['price_base'] is MISSING else ga['price_base']}")
    if ra["discount_rate"] == "green_book" or isinstance(ga["discount_rate"], str):
        if ga["discount_rate"] != ra["discount_rate"]:
            want = ra["discount_rate"] if isinstance(ra["discount_rate"], str) else rnd(ra["discount_rate"], 6)
            diffs.append(f"appraisal.discount_rate: reference {want}, pool-model "
                         f"{'missing' if ga['discount_rate'] is MISSING else ga['discount_rate']}")
    else:
        check("appraisal.discount_rate", ra["discount_rate"], ga["discount_rate"], 6)
    for y in ra["years"]:
        g = ga["years"][y["year"]]
        for k, dp in [("deflator_index", 6), ("discount_factor", 6), ("savings", 2),
                      ("costs", 2), ("present_value", 2)]:
            check(f"appraisal[{y['label']}].{k}", y[k], g[k], dp)
    for k in ["pv_savings", "pv_costs", "npv", "npv_before_optimism_bias"]:
        check(f"appraisal.{k}", ra[k], ga[k], 2)
    check("appraisal.bcr", ra["bcr"], ga["bcr"], 6)
    return diffs


# ---------------------------------------------------------------------------
# Switching values (SPEC 3.6), checked on the engine above: `--switching`.
#
# `pool-model sensitivity FILE --format json` gives, per ranged value (a
# "bar"), the value of that one input, all else central, at which NPV is zero
# (within £1), nearest to its central value within the key's domain, or null.
# Each bar's display name is mapped to the input in the parsed TOML (a name
# that cannot be mapped is a failure), the input is set to an exact point (a
# Fraction, which money/pct/num pass through) and project() gives the NPV.

class Unmapped(Exception):
    pass


# Domains as (low end, closed?, high end, closed?), None = no end. These are
# the values a key may take (SPEC 2.4, 3.7; docs/appraisal.md "Where it
# looks"); the switching value must lie in its key's domain.
UNIT = (F(0), True, F(1), True)           # shares, rates, savings' optimism bias
ABOVE_MINUS_ONE = (F(-1), False, None, False)  # growth, inflation, deflator
POSITIVE = (F(0), False, None, False)     # unit costs
NON_NEGATIVE = (F(0), True, None, False)  # amounts, redundancy, cost ratio, costs' optimism bias
ANY = (None, False, None, False)          # variance amounts

PARSE = {"money": money, "percent": pct, "number": num}

LINE_NAME = re.compile(r'(saving|cost|variance|workforce) "(.*)"\.([a-z_]+)(?:\[([0-9]{4}/[0-9]{2})\])?')

LINE_KEYS = {  # (kind of line, key) -> (unit, domain)
    ("saving", "rate"): ("percent", UNIT),
    ("saving", "amount"): ("money", NON_NEGATIVE),
    ("saving", "optimism_bias"): ("percent", UNIT),
    ("cost", "optimism_bias"): ("percent", NON_NEGATIVE),
    ("workforce", "cost_per_head"): ("money", None),   # domain depends on the line
    ("workforce", "reduction"): ("number", None),      # domain depends on the line
    ("workforce", "redundancy_cost"): ("money", NON_NEGATIVE),
}


def is_range(v):
    return isinstance(v, dict) or (isinstance(v, str) and " to " in v)


def range_ends(v, parse):
    if isinstance(v, dict):
        return parse(v["low"]), parse(v["high"])
    lo, hi = v.split(" to ")
    return parse(lo), parse(hi)


def ranged_inputs(doc):
    """The display name of every ranged value in the file, built from the
    file alone (to check the binary gives one bar to each)."""
    start = year(doc["scenario"]["start"])
    names = []

    def add(name, v):
        if is_range(v):
            names.append(name)
    ob = doc["scenario"].get("optimism_bias", {})
    for k in ("costs", "savings"):
        add(f"scenario.optimism_bias.{k}", ob.get(k))
    for k in ("inflation", "growth", "deflator"):
        add(f"assumptions.{k}", doc.get("assumptions", {}).get(k))
    for s in doc["service"]:
        for k in ("inflation", "growth"):
            add(f"service.{s['id']}.{k}", s.get(k))
        for k in s.get("setting", []):
            add(f"service.{s['id']}.setting.{k['id']}.unit_cost", k.get("unit_cost"))
    for sh in doc.get("shift", []):
        for k in ("target_share", "cost_ratio", "optimism_bias"):
            add(f"shift.{sh['service']}.{k}", sh.get(k))
    for sv in doc.get("saving", []):
        for k in ("rate", "amount", "optimism_bias"):
            add(f'saving "{sv["name"]}".{k}', sv.get(k))
    for kind in ("cost", "variance"):
        for c in doc.get(kind, []):
            for i, a in enumerate(c["amounts"]):
                add(f'{kind} "{c["name"]}".amounts[{label(start + i + 1)}]', a)
            add(f'{kind} "{c["name"]}".optimism_bias', c.get("optimism_bias"))
    for w in doc.get("workforce", []):
        for k in ("cost_per_head", "reduction", "redundancy_cost"):
            add(f'workforce "{w["name"]}".{k}', w.get(k))
    return names


def get_at(doc, path):
    x = doc
    for k in path:
        x = x[k]
    return x


def one(items, key, want, what):
    hits = [i for i, x in enumerate(items) if x.get(key) == want]
    if len(hits) != 1:
        raise Unmapped(f"{len(hits)} {what} with {key} = {want!r}")
    return hits[0]


def locate(doc, name):
    """Map a bar's display name to (path into doc, unit, domain).

    scenario.optimism_bias.costs|savings; assumptions.inflation|growth|deflator
    (services without their own value inherit it, and the deflator, when not
    given, is inflation: project() follows both); service.ID.growth|inflation;
    service.ID.setting.ID.unit_cost; shift.SERVICE.target_share|cost_ratio|
    optimism_bias (the [[shift]] whose `service` is SERVICE); saving "NAME".
    rate|amount|optimism_bias; cost "NAME".amounts[YYYY/YY]|optimism_bias;
    variance "NAME".amounts[YYYY/YY]; workforce "NAME".cost_per_head|
    reduction|redundancy_cost. An amounts[LABEL] is element k (0-based) of
    the list, LABEL the financial year start + k + 1."""
    start = year(doc["scenario"]["start"])
    m = LINE_NAME.fullmatch(name)
    if m:
        kind, line_name, key, lab = m.groups()
        i = one(doc.get(kind, []), "name", line_name, f"[[{kind}]] entries")
        line = doc[kind][i]
        if key == "amounts" and kind in ("cost", "variance"):
            if lab is None or label(year(lab)) != lab:
                raise Unmapped(f"amounts needs a financial year, got {lab!r}")
            k = year(lab) - start - 1
            if not 0 <= k < len(line["amounts"]):
                raise Unmapped(f"{lab} is not a year of its amounts list")
            return (kind, i, "amounts", k), "money", NON_NEGATIVE if kind == "cost" else ANY
        if lab is not None or (kind, key) not in LINE_KEYS:
            raise Unmapped(f"no ranged key {key!r}{'[' + lab + ']' if lab else ''} on a [[{kind}]]")
        unit, dom = LINE_KEYS[(kind, key)]
        if key == "reduction":
            dom = (F(0), True, num(line["staff"]), True)
        elif key == "cost_per_head":
            # year-0 pay (staff x cost_per_head) may not exceed its service's year-0 spend
            s = doc["service"][one(doc["service"], "id", line["service"], "services")]
            c0 = sum(money(v) for v in s["contributions"].values())
            dom = (F(0), True, c0 / num(line["staff"]), True)
        return (kind, i, key), unit, dom
    parts = name.split(".")
    if name in ("scenario.optimism_bias.costs", "scenario.optimism_bias.savings"):
        return ("scenario", "optimism_bias", parts[2]), "percent", \
            NON_NEGATIVE if parts[2] == "costs" else UNIT
    if len(parts) == 2 and parts[0] == "assumptions" and parts[1] in ("inflation", "growth", "deflator"):
        return ("assumptions", parts[1]), "percent", ABOVE_MINUS_ONE
    if parts[0] == "service" and len(parts) >= 3:
        i = one(doc["service"], "id", parts[1], "services")
        if len(parts) == 3 and parts[2] in ("inflation", "growth"):
            return ("service", i, parts[2]), "percent", ABOVE_MINUS_ONE
        if len(parts) == 5 and parts[2] == "setting" and parts[4] == "unit_cost":
            j = one(doc["service"][i].get("setting", []), "id", parts[3], "settings")
            return ("service", i, "setting", j, "unit_cost"), "money", POSITIVE
    if parts[0] == "shift" and len(parts) == 3:
        i = one(doc.get("shift", []), "service", parts[1], "[[shift]] entries")
        if parts[2] == "target_share" or parts[2] == "optimism_bias":
            return ("shift", i, parts[2]), "percent", UNIT
        if parts[2] == "cost_ratio":
            return ("shift", i, parts[2]), "percent", NON_NEGATIVE
    raise Unmapped("not a name of a ranged input")


def in_domain(x, dom):
    lo, lo_closed, hi, hi_closed = dom
    return ((lo is None or x > lo or (lo_closed and x == lo))
            and (hi is None or x < hi or (hi_closed and x == hi)))


def domain_probes(c, lo, hi, dom):
    """Points across the key's domain on both sides of central: toward a
    finite end at 1/2, 15/16 and 1023/1024 of the way (and the end itself
    when closed); toward no end out to 100 times the larger of |central| and
    the range's width (well inside the 1,000 times the search goes to)."""
    out = []
    reach = 100 * max(abs(c), hi - lo)
    for end, closed, sign in ((dom[0], dom[1], -1), (dom[2], dom[3], 1)):
        if end is None:
            out += [c + sign * reach * f for f in (F(1, 100), F(1, 10), F(1, 2), F(1))]
        else:
            out += [c + (end - c) * f for f in (F(1, 2), F(15, 16), F(1023, 1024))]
            if closed:
                out.append(end)
    return out


def side(npv):
    """The sign of an NPV, 0 within £1 of zero (the search's tolerance)."""
    return 0 if abs(npv) <= 1 else 1 if npv > 0 else -1


def to_f(x):
    return F(Decimal(str(x)))


def show(x, dp=2):
    return f"{rnd(x, dp)}"


def switching(path, binary, grid=8):
    """Check every bar of `pool-model sensitivity FILE --format json`.
    Returns (failures, summary line)."""
    import decimal
    decimal.getcontext().prec = 60
    with open(path, "rb") as f:
        doc = tomllib.load(f)
    run = subprocess.run([binary, "sensitivity", path, "--format", "json"],
                         capture_output=True, text=True)
    if run.returncode != 0:
        first = (run.stderr.strip().splitlines() or ["(no message)"])[0]
        return [f"pool-model sensitivity exited {run.returncode}: {first}"], f"{path}: not checked"
    got = json.loads(run.stdout, parse_float=Decimal)
    fails = []
    base = project(doc)
    c_npv = base["npv"]
    central_got = got.get("central", {})
    for k, want in (("npv", c_npv), ("cumulative_net_savings", base["years"][-1]["cumulative_net_savings"])):
        g = central_got.get(k, MISSING)
        if g is MISSING or g is None or Decimal(g) != rnd(want, 2):
            fails.append(f"central.{k}: reference {rnd(want, 2)}, pool-model {g}")
    bars = got.get("bars", [])
    names = [b.get("value") for b in bars]
    expected = ranged_inputs(doc)
    for n in sorted(set(names)):
        if names.count(n) > 1:
            fails.append(f"{n}: {names.count(n)} bars")
    for n in expected:
        if n not in names:
            fails.append(f"{n}: a ranged value of the file has no bar")
    n_switch = n_none = n_eval = 0

    def npv_at(p, x):
        """NPV and final cumulative net savings with the input at p set to x."""
        nonlocal n_eval
        n_eval += 1
        parent, key = get_at(doc, p[:-1]), p[-1]
        old = parent[key]
        parent[key] = x
        try:
            r = project(doc)
        finally:
            parent[key] = old
        return r["npv"], r["years"][-1]["cumulative_net_savings"]

    for b in bars:
        name = b.get("value")
        where = f"bar {name}"
        try:
            p, unit, dom = locate(doc, name)
            raw = get_at(doc, p)
        except (Unmapped, KeyError, IndexError, TypeError) as e:
            fails.append(f"{where}: cannot be mapped to an input of the file ({e})")
            continue
        if not is_range(raw):
            fails.append(f"{where}: maps to {raw!r}, which is not a range")
            continue
        if b.get("kind") != unit:
            fails.append(f"{where}: kind {b.get('kind')}, the key is {unit}")
        parse = PARSE[unit]
        lo, hi = range_ends(raw, parse)
        c = central(raw, parse)
        for k, want in (("low", lo), ("high", hi)):
            g = b.get(k)
            if g is None or abs(to_f(g) - want) > F(Decimal(1).scaleb(Decimal(str(g)).as_tuple().exponent)) / 2:
                fails.append(f"{where}: {k} {g}, the file says {rnd(want, 6)}")
        # The tornado's ends, to the penny (they are computed anyway).
        for k, x in (("at_low", lo), ("at_high", hi)):
            n, cum = npv_at(p, x)
            g = b.get(k, {})
            for kk, want in (("npv", n), ("cumulative_net_savings", cum)):
                if g.get(kk) is None or Decimal(g[kk]) != rnd(want, 2):
                    fails.append(f"{where}: {k}.{kk}: reference {rnd(want, 2)}, pool-model {g.get(kk)}")
            if side(n) * side(c_npv) < 0 and b.get("switching") is None:
                fails.append(f"{where}: switching none, but NPV at {k} ({float(x)}) is {show(n)} "
                             f"against {show(c_npv)} at central: it crosses zero in the range")
        sw = b.get("switching", MISSING)
        if sw is MISSING:
            fails.append(f"{where}: no `switching` key")
        elif sw is None:
            # Weak check: nowhere across the domain does NPV have the other
            # sign (continuity would put a switching value between).
            n_none += 1
            for x in domain_probes(c, lo, hi, dom):
                n, _ = npv_at(p, x)
                if side(n) * side(c_npv) < 0:
                    fails.append(f"{where}: switching none, but NPV at {float(x)} is {show(n)} "
                                 f"against {show(c_npv)} at central {float(c)}")
                    break
        else:
            n_switch += 1
            v = to_f(sw["value"])
            if not in_domain(v, dom):
                fails.append(f"{where}: switching value {sw['value']} is outside the key's domain")
            n, _ = npv_at(p, v)
            if abs(n) > F(101, 100):
                fails.append(f"{where}: at switching value {sw['value']} the reference NPV is "
                             f"{show(n, 4)} (not within £1 of zero; central {float(c)}, NPV {show(c_npv)})")
            want = None if c == 0 else rnd((v - c) / abs(c), 6)
            g = sw.get("change", MISSING)
            if (want is None) != (g is None) or (want is not None and (g is MISSING or Decimal(g) != want)):
                fails.append(f"{where}: change {g}, reference (value - central)/|central| = {want}")
            # Nearest: no other-signed NPV at `grid` - 1 points between central
            # and the switching value, nor as far on the other side.
            d = v - c
            for s_ in (1, -1):
                for k in range(1, grid):
                    x = c + s_ * d * k / grid
                    if not in_domain(x, dom):
                        continue
                    n, _ = npv_at(p, x)
                    if side(n) * side(c_npv) < 0:
                        fails.append(f"{where}: NPV at {float(x)} is {show(n)} (central {show(c_npv)}): "
                                     f"zero is crossed nearer central {float(c)} than the switching value {sw['value']}")
                        break
    summary = (f"{path}: {len(bars)} bars; {n_switch} switching values checked (NPV within £1, "
               f"change, domain, nothing nearer), {n_none} none checked across the domain; "
               f"{n_eval} reference runs")
    return fails, summary


def main():
    # The binary: --binary=PATH, else $POOL_MODEL, else the release build.
    binary = os.environ.get("POOL_MODEL") or "target/release/pool-model"
    paths = [a for a in sys.argv[1:] if not a.startswith("--")]
    for a in sys.argv[1:]:
        if a.startswith("--binary="):
            binary = a.split("=", 1)[1]
        elif a.startswith("--") and a != "--switching":
            sys.exit(f"unknown option {a}")
    if "--switching" in sys.argv[1:]:
        failed = False
        # Files in parallel (one process per core), reported in order.
        from concurrent.futures import ProcessPoolExecutor
        with ProcessPoolExecutor(max_workers=max(1, min(len(paths), os.cpu_count() or 1))) as ex:
            results = list(ex.map(switching, paths, [binary] * len(paths)))
        for path, (fails, summary) in zip(paths, results):
            print(summary)
            if fails:
                failed = True
                print(f"{path}: {len(fails)} switching failures")
                for line in fails[:20]:
                    print("  " + line)
        sys.exit(1 if failed else 0)
    failed = False
    for path in paths:
        diffs = compare(path, binary)
        if diffs:
            failed = True
            print(f"{path}: {len(diffs)} differences")
            for line in diffs[:20]:
                print("  " + line)
        else:
            print(f"{path}: agrees to the penny")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
