#!/bin/sh
# crosscheck.sh SIMULATOR_BINARY SCENARIO [PEER_OPTIONS...]: runs the simulator and the peer
# at 10^6 trials on SCENARIO (one after the other) and prints the worst |z| of the means
# (compare.py) and of the pair probabilities (compare_pairs.py), with every figure beyond 4.
# The peer reads the open issue and a surge outage per strategy, as the simulator does.
set -u
bin=$1; scenario=$2; shift 2
here=$(dirname "$0")
out=${OUT:-/tmp/peer-crosscheck}/$(basename "$scenario" .toml)
"$bin" run "$scenario" --trials 1000000 --charts none --force --out "$out/ours" >/dev/null || exit 2
python3 "$here/numpy_peer.py" "$scenario" --open-issue per-strategy --surge-outage per-strategy \
    --out "$out/peer" "$@" 2>/dev/null || exit 2
echo "== $scenario $*"
python3 "$here/compare.py" "$out/ours/summary.csv" "$out/peer/summary.csv" | grep -E 'beyond limit|worst|beyond 4|only'
python3 "$here/compare_pairs.py" "$out/ours/comparison.csv" "$out/peer/comparison.csv" | tail -20
