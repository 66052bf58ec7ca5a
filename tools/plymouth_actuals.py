#!/usr/bin/env python3
"""Writes scenarios/plymouth-2015-16-actuals.csv: an ILLUSTRATIVE year of
monthly actuals for the Plymouth integrated fund (plymouth-monitoring.toml).

The seed article gives no monthly spend, so these are made up to tell its
story: the acute budget overspends through the winter (the acute trust "is
forecasting a deficit of £14m"), adult social care's residential care runs
over while the shift to care at home is slower than planned, children's
placements run over from the summer, and community health and wellbeing
come in under budget. Contributions are paid a twelfth a month.

Run from the repository root: python3 tools/plymouth_actuals.py
The budgets below are the plan's 2015/16 budgets (`pool-model monitor ...
--format json`); the file is data, so it is not regenerated when the model
changes.
"""

from decimal import Decimal, ROUND_HALF_UP

PENNY = Decimal("0.01")

# Budgets for 2015/16 (pounds) and, for adult social care, the settings'
# post-shift shares.
BUDGETS = {
    "acute": Decimal("222058008.83"),
    "community_mental_health": Decimal("90841912.70"),
    "adult_social_care": Decimal("74588138.77"),
    "childrens": Decimal("35327410.50"),
    "wellbeing": Decimal("40374183.42"),
}
ASC_SHARES = {
    "residential": Decimal("0.433333"),
    "community": Decimal("0.465166"),
    "social_work": Decimal("0.101501"),
}
# The year's variance and the months it falls in (weights April..March).
STORY = {
    "acute": (Decimal("9600000"), [0, 0, 0, 1, 1, 1, 2, 2, 3, 3, 3, 2]),
    "community_mental_health": (Decimal("-800000"), [1] * 12),
    ("adult_social_care", "residential"): (Decimal("1200000"), [0, 0, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2]),
    ("adult_social_care", "community"): (Decimal("-400000"), [1] * 12),
    ("adult_social_care", "social_work"): (Decimal("0"), [1] * 12),
    "childrens": (Decimal("900000"), [0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1]),
    "wellbeing": (Decimal("-500000"), [1] * 12),
}
PLANNED = {"council": Decimal("118959994.50"), "ccg": Decimal("344229659.72")}


def wobble(seed):
    """Twelve small deterministic ups and downs summing to zero."""
    x = seed
    out = []
    for _ in range(12):
        x = (1103515245 * x + 12345) % (2**31)
        out.append(Decimal(x % 2001 - 1000) / 1000)
    mean = sum(out) / 12
    return [v - mean for v in out]


def months(budget, variance, weights, seed):
    base = budget / 12
    extra = [variance * w / sum(weights) for w in weights]
    noise = [base * Decimal("0.004") * n for n in wobble(seed)]
    values = [(base + e + n).quantize(PENNY, ROUND_HALF_UP) for e, n in zip(extra, noise)]
    # The last month takes the rounding so the year is exactly budget + variance.
    values[-1] += (budget + variance) - sum(values)
    return values


def main():
    rows = ["year,period,service,setting,partner,value"]
    seed = 2015
    for service, budget in BUDGETS.items():
        if service == "adult_social_care":
            for setting, share in ASC_SHARES.items():
                seed += 1
                variance, weights = STORY[(service, setting)]
                b = (budget * share).quantize(PENNY, ROUND_HALF_UP)
                for k, v in enumerate(months(b, variance, weights, seed), 1):
                    rows.append(f"2015/16,M{k:02},{service},{setting},,{v}")
        else:
            seed += 1
            variance, weights = STORY[service]
            for k, v in enumerate(months(budget, variance, weights, seed), 1):
                rows.append(f"2015/16,M{k:02},{service},,,{v}")
    for partner, planned in PLANNED.items():
        monthly = (planned / 12).quantize(PENNY, ROUND_HALF_UP)
        paid = [monthly] * 11 + [planned - monthly * 11]
        for k, v in enumerate(paid, 1):
            rows.append(f"2015/16,M{k:02},,,{partner},{v}")
    with open("scenarios/plymouth-2015-16-actuals.csv", "w", encoding="utf-8") as f:
        f.write("\n".join(rows) + "\n")


if __name__ == "__main__":
    main()
