#!/usr/bin/env python3
"""Prints, for docs/scenarios.md, each scenario's net savings by year with
ranges, its NPV with its range, expected value and chance of a loss, and
the sensitivity's top three drivers with their switching values, from
pool-model's own JSON and CSV output.

    cargo build --release
    python3 tools/scenario_tables.py scenarios/birmingham.toml [...]
"""

import csv
import io
import json
import subprocess
import sys

BIN = "target/release/pool-model"


def m(pounds):
    v = float(pounds) / 1e6
    return f"-£{-v:.1f}m" if v < -0.05 else f"£{abs(v):.1f}m"


def switching(row, npv):
    """A sensitivity row's switching value for people, with its change."""
    v = row["switching_value"]
    if not v:
        return f"none (NPV stays {'above' if npv > 0 else 'below'} zero)"
    unit = row["unit"]
    if unit == "pounds":
        f = float(v)
        text = f"£{f / 1e6:,.2f}m" if abs(f) >= 1e6 else f"£{f:,.0f}"
    elif unit == "fraction":
        text = f"{100 * float(v):.2f}%"
    else:
        text = f"{float(v):,.1f}"
    change = row["switching_change"]
    return text if not change else f"{text} ({100 * float(change):+,.1f}% from central)"


def run(*args):
    return subprocess.run([BIN, *args], check=True, capture_output=True, text=True).stdout


for path in sys.argv[1:]:
    doc = json.loads(run("project", path, "--format", "json"))
    r = doc["ranges"]
    lo, hi = f"p{r['percentiles'][0]}", f"p{r['percentiles'][-1]}"
    print(f"### {path}\n")
    print(f"| year | net savings, central ({lo} to {hi}) | cumulative net savings, central ({lo} to {hi}) |")
    print("|---|---:|---:|")
    for y, ry in zip(doc["years"][1:], r["years"][1:]):
        n, c = ry["net_savings"], ry["cumulative_net_savings"]
        print(f"| {y['label']} | {m(y['net_savings'])} ({m(n[lo])} to {m(n[hi])}) "
              f"| {m(y['cumulative_net_savings'])} ({m(c[lo])} to {m(c[hi])}) |")
    npv = r["npv"]
    chance = 100 * npv["probability_negative"]
    chance = "<1%" if 0 < chance < 1 else f"{chance:.0f}%"
    print(f"\nNPV {m(doc['npv'])} (real, {doc['appraisal']['price_base']} prices, "
          f"Green Book discounting, after optimism bias; {lo} {m(npv[lo])} to {hi} {m(npv[hi])}; "
          f"expected {m(npv['mean'])}; {chance} chance NPV < 0), "
          f"{r['draws']:,} draws, seed {r['seed']}.\n")
    rows = list(csv.DictReader(io.StringIO(run("sensitivity", path, "--format", "csv"))))
    print("Largest drivers (NPV swing between the low and high end of each value, "
          "and the switching value at which NPV would be zero):\n")
    for row in rows[:3]:
        print(f"{row['rank']}. `{row['value']}`: NPV swing {m(row['npv_swing'])}; "
              f"switching value {switching(row, doc['npv'])}")
    print()
