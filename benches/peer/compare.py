#!/usr/bin/env python3
"""Compare two summary.csv files metric by metric: z = (mean difference) / sqrt(se_a^2 + se_b^2).

Usage: compare.py OUR_SUMMARY_CSV PEER_SUMMARY_CSV [--limit 4]
Prints one row per strategy and metric and the worst |z|; exits 1 when any |z| exceeds
the limit (a row with both standard errors 0 counts as z = 0 when the means agree to
1e-12 relative, else as infinite).
"""

import argparse
import csv
import math
import sys


def read(path):
    with open(path, newline="") as f:
        return {(r["strategy"], r["metric"]): r for r in csv.DictReader(f)}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("ours")
    ap.add_argument("peer")
    ap.add_argument("--limit", type=float, default=4.0)
    args = ap.parse_args(argv)
    ours, peer = read(args.ours), read(args.peer)
    missing = sorted(set(ours) ^ set(peer))
    if missing:
        print(f"rows in one file only: {missing}", file=sys.stderr)
    print(f"{'strategy':<16} {'metric':<16} {'ours':>14} {'peer':>14} {'rel diff':>9} {'z':>8}")
    worst = (0.0, None)
    bad = []
    for key in (k for k in ours if k in peer):
        a, b = ours[key], peer[key]
        ma, mb = float(a["mean"]), float(b["mean"])
        se = math.hypot(float(a["std_err"]), float(b["std_err"]))
        diff = mb - ma
        if se > 0:
            z = diff / se
        else:
            z = 0.0 if abs(diff) <= 1e-12 * max(abs(ma), abs(mb), 1e-300) else math.inf
        rel = diff / ma if ma else (0.0 if diff == 0 else math.inf)
        flag = "  <-- beyond limit" if abs(z) > args.limit else ""
        print(f"{key[0]:<16} {key[1]:<16} {ma:>14.6g} {mb:>14.6g} {rel:>+9.2%} {z:>+8.2f}{flag}")
        if abs(z) > abs(worst[0]):
            worst = (z, key)
        if abs(z) > args.limit:
            bad.append(key)
    print(f"worst |z| = {abs(worst[0]):.2f} ({worst[1][0]} {worst[1][1]})" if worst[1] else "worst |z| = 0")
    if bad:
        print(f"{len(bad)} metric(s) beyond {args.limit} SE: " + ", ".join(f"{s}/{m}" for s, m in bad))
    return 1 if bad or missing else 0


if __name__ == "__main__":
    sys.exit(main())
