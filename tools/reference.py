#!/usr/bin/env python3
"""An independent reference implementation of SPEC 3.1-3.5 (central case).

Written separately from the Rust engine, in exact rational arithmetic
(fractions.Fraction), to cross-check it: it reads a (valid) scenario file,
computes every figure of the JSON document, and compares it with
`pool-model project FILE --format json` to the penny (6 dp for shares).

    python3 tools/reference.py scenarios/birmingham.toml [more.toml ...]

It does no validation and does not follow `extends`; it exits 1 on any
difference. See docs/model.md.
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
    d = pct(sc.get("discount_rate", "3.5%"))
    asm = doc.get("assumptions", {})
    a_inf = central(asm.get("inflation", "0%"), pct)
    a_gro = central(asm.get("growth", "0%"), pct)
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
    cum, npv = F(0), F(0)
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
                for i in scope:
                    if "rate" in sv:
                        rows[i]["eff"] += central(sv["rate"], pct) * phase * rows[i]["E"]
                    else:
                        amt = central(sv["amount"], money) * phase
                        rows[i]["eff"] += amt * rows[i]["E"] / base if base else amt / len(scope)
            for c in doc.get("cost", []):
                scope = c.get("services", sids)
                amts = c["amounts"]
                amt = central(amts[t - 1], money) if t - 1 < len(amts) else F(0)
                base = sum(rows[i]["C"] for i in scope)
                for i in scope:
                    rows[i]["costs"] += amt * rows[i]["C"] / base
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
                row["wf"] += (staff - h) * cph * row["P"]
                red = central(wk["redundancy_cost"], money) if "redundancy_cost" in wk else F(0)
                row["costs"] += (heads(t - 1) - h) * red * row["P"]
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
            npv += net / (1 + d) ** t
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
    return dict(years=out_years, services=out_services, partners=out_partners, npv=npv)


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


def compare(path, binary):
    import decimal
    decimal.getcontext().prec = 60
    with open(path, "rb") as f:
        doc = tomllib.load(f)
    ref = project(doc)
    text = subprocess.run([binary, "project", path, "--format", "json", "--no-ranges"],
                          check=True, capture_output=True, text=True).stdout
    got = json.loads(text, parse_float=Decimal)
    diffs = []

    def check(where, expected, actual, dp):
        if expected is None:
            if actual is not None:
                diffs.append(f"{where}: expected null, got {actual}")
            return
        e = rnd(expected, dp)
        if Decimal(actual) != e:
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
    check("npv", ref["npv"], got["npv"], 2)
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
