#!/usr/bin/env python3
"""Writes the monitoring benchmark files (docs/performance.md):
scenarios/bench/monitor-100.toml, a plan of 100 services and 4 partners,
and scenarios/bench/monitor-100-actuals.csv, a year of monthly actuals for
it (half the services by setting) with the partners' payments.

Run from the repository root: python3 tools/monitor_bench.py
"""

PARTNERS = ["council", "icb", "trust", "district"]


def main():
    plan = [
        "# Benchmark: 100 services, 4 partners, a year monitored against monthly",
        "# actuals (tools/monitor_bench.py writes it; docs/performance.md).",
        "",
        "[scenario]",
        'name = "Monitoring benchmark: 100 services"',
        'start = "2024/25"',
        "horizon = 3",
        "",
        "[assumptions]",
        'inflation = "2%"',
        'growth = "1%"',
        "",
    ]
    for p in PARTNERS:
        plan += ["[[partner]]", f'id = "{p}"', f'name = "{p.title()}"', 'kind = "other"', ""]
    for i in range(100):
        a, b = PARTNERS[i % 4], PARTNERS[(i + 1) % 4]
        plan += [
            "[[service]]",
            f'id = "s{i:03}"',
            f'name = "Service {i:03}"',
            f'lead = "{a}"',
            f'contributions = {{ {a} = "£{3 + i % 5}m", {b} = "£{1 + i % 3}m" }}',
            f'risk_share = {{ rule = "proportional", cap = {{ {a} = "£{50 + i}k" }} }}',
            "",
            "  [[service.setting]]",
            '  id = "residential"',
            '  name = "Residential care"',
            '  share = "60%"',
            "",
            "  [[service.setting]]",
            '  id = "community"',
            '  name = "Community care"',
            '  share = "40%"',
            "",
        ]
    plan += [
        "[[saving]]",
        'name = "Joint commissioning"',
        'rate = "3%"',
        'phase_in = ["50%", "100%"]',
        "",
        "[[cost]]",
        'name = "Programme"',
        'amounts = ["£2m", "£1m"]',
        "",
        "[monitoring]",
        'actuals = "monitor-100-actuals.csv"',
        "",
    ]
    with open("scenarios/bench/monitor-100.toml", "w", encoding="utf-8") as f:
        f.write("\n".join(plan))
    rows = ["year,period,service,setting,partner,value"]
    for i in range(100):
        budget = (4 + i % 5 + i % 3) * 1_000_000 * 1.0303 * 0.985
        for k in range(1, 13):
            wobble = ((i * 37 + k * 11) % 17 - 8) / 1000
            month = budget / 12 * (1 + wobble + (0.02 if i % 7 == 0 and k > 6 else 0))
            if i % 2 == 0:
                rows.append(f"2025/26,M{k:02},s{i:03},residential,,{month * 0.6:.2f}")
                rows.append(f"2025/26,M{k:02},s{i:03},community,,{month * 0.4:.2f}")
            else:
                rows.append(f"2025/26,M{k:02},s{i:03},,,{month:.2f}")
    for p in PARTNERS:
        for k in range(1, 13):
            rows.append(f"2025/26,M{k:02},,,{p},{1_500_000 + k:.2f}")
    with open("scenarios/bench/monitor-100-actuals.csv", "w", encoding="utf-8") as f:
        f.write("\n".join(rows) + "\n")


if __name__ == "__main__":
    main()
