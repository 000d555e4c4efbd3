#!/usr/bin/env python3
"""Least-squares fit of time ~= a + b * transactions / ranks over the points of scripts/bench-scale.

    python3 scripts/bench-fit.py build/bench/scale/points.tsv [--project USERS MONTHS_TXN_PER_USER]

Fits each phase (total, read, compute) separately (stdlib only) and prints a, b, the per-rank
throughput 1/b and the residuals. With a later row for the same (users, months, ranks) the later
row wins.
"""
import csv
import sys


def fit(xs, ys):
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    b = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx if sxx else 0.0
    return my - b * mx, b


def main(path):
    rows = {}
    with open(path) as f:
        for r in csv.DictReader(f, delimiter="\t"):
            rows[(r["users"], r["months"], r["ranks"])] = r
    rows = list(rows.values())
    if len(rows) < 2:
        print("need at least 2 points")
        return 1
    xs = [int(r["transactions"]) / int(r["ranks"]) for r in rows]
    for phase in ("total", "read", "compute"):
        ys = [float(r[phase]) for r in rows]
        a, b = fit(xs, ys)
        print(f"{phase:>8}: time = {a:.3f} s + {b * 1e9:.2f} ns x transactions/ranks"
              f"  (per-rank throughput {1 / b / 1e6 if b > 0 else float('inf'):.1f}M txn/s)")
        for r, x, y in zip(rows, xs, ys):
            print(f"          {r['users']:>7} users x {r['months']:>2} months, np={r['ranks']}: "
                  f"measured {y:.3f} s, model {a + b * x:.3f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
