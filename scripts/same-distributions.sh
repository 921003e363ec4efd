#!/usr/bin/env bash
# Runs every shipped scenario (scenarios/*.toml and scenarios/examples/*.toml) with two
# builds of tradeoff-sim and compares, for every strategy and metric, the two means
# in summary.csv: z = (new - old) / sqrt(se_old^2 + se_new^2). Used to show that a
# change to the draws or the arithmetic kept every distribution (the outputs differ,
# their means do not, beyond sampling error).
#
#   scripts/same-distributions.sh OLD_BINARY NEW_BINARY [TRIALS=1000000] [LIMIT=4]
#
# Prints each scenario's worst |z| and every mean beyond LIMIT standard errors; exits
# 1 if there is one. Both builds read the same scenario files, at the files' own seeds.
set -euo pipefail
old=$(realpath "$1"); new=$(realpath "$2")
trials=${3:-1000000}; limit=${4:-4}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
status=0
for file in "$root"/scenarios/*.toml "$root"/scenarios/examples/*.toml; do
    name=$(basename "$file" .toml)
    for side in old new; do
        "${!side}" run "$file" --trials "$trials" --charts none --out "$work/$side-$name" \
            >/dev/null 2>"$work/$side-$name.err" || {
            echo "$name: the $side build failed:"; cat "$work/$side-$name.err"; exit 2
        }
    done
    awk -F, -v name="$name" -v limit="$limit" '
        FNR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
        FILENAME == ARGV[1] {
            key = $col["strategy"] "," $col["metric"]
            mean[key] = $col["mean"]; se[key] = $col["std_err"]; next
        }
        {
            key = $col["strategy"] "," $col["metric"]
            if (!(key in mean)) { print name ": " key " is missing from the old build"; bad++; next }
            d = $col["mean"] - mean[key]; s = sqrt(se[key]^2 + $col["std_err"]^2)
            z = (s > 0) ? d / s : (d == 0 ? 0 : 1e9)
            if (z < 0) z = -z
            n++; if (z > worst) { worst = z; at = key }
            if (z > limit) { printf "%s: %s: mean %s (old) against %s (new): %.1f standard errors\n", name, key, mean[key], $col["mean"], z; bad++ }
        }
        END {
            printf "%-40s %4d means, worst |z| %.2f%s\n", name, n, worst, (at == "" ? " (every mean identical)" : " (" at ")")
            exit (bad > 0)
        }' "$work/old-$name/summary.csv" "$work/new-$name/summary.csv" || status=1
done
exit $status
