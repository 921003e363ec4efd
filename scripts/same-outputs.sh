#!/usr/bin/env bash
# Runs one fixed set of commands (every subcommand, the five shipped scenarios, a fixed
# seed) with two builds of tradeoff-sim and compares every file and every console line
# they write. Used to show that a restructuring changed no output.
#
#   scripts/same-outputs.sh OLD_BINARY NEW_BINARY [KEEP_DIR]
#
# Exit 0 when both builds write the same bytes, 1 with a list of differences otherwise.
# Lines that legitimately differ between two builds are masked before comparing: the
# build id and thread count in manifest.json (and the part hashes of shard manifests, which
# cover the build id), the build id in report.html, and the timing line of the console.
set -euo pipefail
old=$(realpath "$1"); new=$(realpath "$2")
root=$(cd "$(dirname "$0")/.." && pwd)
work=${3:-$(mktemp -d)}
mkdir -p "$work"

produce() { # BINARY DIR
    local bin=$1 dir=$2
    rm -rf "$dir"; mkdir -p "$dir/bin"
    cp -r "$root/scenarios" "$dir/scenarios"
    ln -s "$bin" "$dir/bin/tradeoff-sim"
    (
        cd "$dir"
        export PATH="$dir/bin:$PATH"
        n=0
        step() { # records stdout, stderr and the exit code of one command
            n=$((n + 1))
            local tag; tag=$(printf '%02d' "$n")
            set +e
            tradeoff-sim "$@" >"log/$tag.out" 2>"log/$tag.err"
            echo "$? tradeoff-sim $*" >"log/$tag.rc"
            set -e
        }
        mkdir -p log out
        for s in seed reference peak-season hybrid-weak-governance ux-weak-governance-black-friday; do
            step validate "scenarios/$s.toml"
            step run "scenarios/$s.toml" --trials 20000 --seed 7 --threads 2 --out "out/run-$s"
        done
        step run scenarios/seed.toml --trials 3000 --seed 11 --trials-csv --charts svg --out out/trials
        step run scenarios/seed.toml --trials 5000 --set strategies.hybrid.governance=0.8 --charts png --out out/set
        step run scenarios/seed.toml --trials 20000 --seed 7 --out out/run-seed
        step run scenarios/seed.toml --trials 20000 --seed 7 --out out/run-seed --force --charts none
        step run scenarios/seed.toml --trials 20000 --seed 7 --shard 0/2 --out out/shard0
        step run scenarios/seed.toml --trials 20000 --seed 7 --shard 1/2 --out out/shard1
        step merge out/shard0 out/shard1 --out out/merged
        cp -r out/run-reference out/redrawn && rm -rf out/redrawn/charts
        step chart out/redrawn
        step sweep scenarios/seed.toml --param strategies.hybrid.governance --range 0.2:0.9:4 --trials 5000 --seed 3 --out out/sweep
        step sweep scenarios/seed.toml --param strategies.hybrid.governance --values 0.3,0.7 --param surges.events_per_window --values 1,3 --trials 3000 --charts svg --out out/sweep2
        step compare scenarios/seed.toml scenarios/reference.toml scenarios/peak-season.toml --trials 5000 --seed 5 --out out/compare
        step sensitivity scenarios/seed.toml --trials 2000 --seed 9 --out out/sensitivity
        step sensitivity scenarios/reference.toml --trials 2000 --seed 9 --strategy ux_led --stat p50 --charts svg --out out/sensitivity2
        step check scenarios/seed.toml --trials 20000 --out out/check-seed
        step check scenarios/reference.toml --trials 20000 --out out/check-reference
        # bad input: messages and exit codes are part of the interface
        printf 'title = "x"\n[build]\nplan_weeks = -3\n' >scenarios/bad.toml
        step validate scenarios/bad.toml
        step run scenarios/seed.toml --set strategies.nope.governance=0.5 --out out/never
        step run scenarios/seed.toml --set risks[40].name=x --out out/never
        step run scenarios/missing.toml
        step run scenarios/seed.toml --trials 0
    )
    # mask what legitimately differs between two builds or two runs
    find "$dir/out" -name manifest.json -print0 | xargs -0 sed -i -E \
        -e 's/"build": "[^"]*"/"build": "MASKED"/' -e 's/"threads": [0-9]+/"threads": MASKED/' \
        -e 's/"part_sha256": "[0-9a-f]+"/"part_sha256": "MASKED"/'
    sed -i -E -e 's/\(([0-9,]+ trials\/s, )?[0-9]+ threads?\)/(MASKED)/g' \
        -e 's/\b[0-9]+(\.[0-9]+)? m?s\b/T s/g' "$dir"/log/*.out "$dir"/log/*.err
    sed -i -E 's/built by .*\+[0-9a-f]{16}/built by MASKED/g; s/0\.1\.0\+[0-9a-f]{16}/0.1.0+MASKED/g' "$dir"/log/*.out "$dir"/log/*.err
    find "$dir/out" -type f \( -name '*.csv' -o -name '*.json' -o -name '*.html' \) -print0 | xargs -0 sed -i -E 's/0\.1\.0\+[0-9a-f]{16}/0.1.0+MASKED/g'
    rm -rf "$dir/bin" "$dir/scenarios"
}

produce "$old" "$work/old"
produce "$new" "$work/new"
if diff -r -q "$work/old" "$work/new" >"$work/differences.txt"; then
    echo "same outputs: $(find "$work/old" -type f | wc -l) files and console logs identical ($work)"
else
    echo "outputs differ ($work):"
    cat "$work/differences.txt"
    exit 1
fi
