#!/usr/bin/env python3
"""An independent reference implementation of SPEC 3.1-3.5 and 3.7 (central case).

Written separately from the Rust engine, in exact rational arithmetic
(fractions.Fraction), to cross-check it: it reads a (valid) scenario file,
computes every figure of the JSON document, and compares it with
`pool-model project FILE --format json` to the penny (6 dp for shares).

    python3 tools/reference.py scenarios/birmingham.toml [more.toml ...]

It does no validation and does not follow `extends`; it exits 1 on any
difference. See docs/model.md.

The appraisal (SPEC 3.7) is computed line by line: each [[shift]] (one per
service), each [[saving]] (its total over its scope), each [[workforce]]
line's saving, with the sign rule x*(1-ob) / x*(1+ob); each [[cost]] (its
amount that year) and each [[workforce]] line's redundancy cost times
(1+ob). Per year, present value = (savings - costs) / I(t) * D(t). The JSON
layout assumed for `appraisal` lives in one function, appraisal_layout().
"""

import json
import subprocess
import sys
import tomllib
from fractions import Fraction as F
from decimal import Decimal, ROUND_HALF_UP

MULT = {"k": 10**3, "m": 10**6, "bn": 10**9}


def money(v):
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
    return F(Decimal(v.strip()[:-1])) / 100


def num(v):
    return F(v) if isinstance(v, int) else F(Decimal(v))


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


def main():
    binary = "target/release/pool-model"
    paths = [a for a in sys.argv[1:] if not a.startswith("--binary=")]
    for a in sys.argv[1:]:
        if a.startswith("--binary="):
            binary = a.split("=", 1)[1]
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
