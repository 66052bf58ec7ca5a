#!/usr/bin/env python3
"""Prints, for docs/scenarios.md, each scenario's net savings by year with
ranges, its 5-year cumulative net saving and the sensitivity's top three
drivers, from pool-model's own JSON and CSV output.

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
    print(f"\nNPV {m(doc['npv'])} ({lo} {m(npv[lo])} to {hi} {m(npv[hi])}), "
          f"{r['draws']:,} draws, seed {r['seed']}.\n")
    rows = list(csv.DictReader(io.StringIO(run("sensitivity", path, "--format", "csv"))))
    print("Largest drivers (NPV swing between the low and high end of each value):\n")
    for row in rows[:3]:
        print(f"{row['rank']}. `{row['value']}`: NPV swing {m(row['npv_swing'])}")
    print()
