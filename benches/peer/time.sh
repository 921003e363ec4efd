#!/usr/bin/env bash
# Times the simulator's single run against the NumPy peer on equal work, alternating
# the two, and prints each one's median wall and user seconds and the wall ratio.
# Usage: benches/peer/time.sh SIMULATOR_BINARY [ROUNDS=5]   (from the repository root)
# Run it on a quiet machine: both sides use two cores.
set -euo pipefail
bin=${1:?usage: benches/peer/time.sh SIMULATOR_BINARY [ROUNDS]}
rounds=${2:-5}
scenario=benches/data/seed-three-options.toml
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for _ in $(seq "$rounds"); do
  /usr/bin/time -f "%e %U" -a -o "$tmp/ours" "$bin" run "$scenario" --trials 1000000 \
    --charts none --force --out "$tmp/ours-out" >/dev/null 2>&1
  /usr/bin/time -f "%e %U" -a -o "$tmp/peer" python3 benches/peer/numpy_peer.py "$scenario" \
    --trials 1000000 --processes 2 --out "$tmp/peer-out" 2>/dev/null
done
python3 - "$tmp/ours" "$tmp/peer" <<'EOF'
import statistics, sys
def med(path):
    rows = [tuple(map(float, line.split())) for line in open(path) if line.strip()]
    return statistics.median(r[0] for r in rows), statistics.median(r[1] for r in rows), len(rows)
(ow, ou, n), (pw, pu, _) = med(sys.argv[1]), med(sys.argv[2])
print(f"{n} rounds, medians: ours {ow:.2f} s wall {ou:.2f} s user; "
      f"peer {pw:.2f} s wall {pu:.2f} s user; peer / ours wall = {pw / ow:.2f}x")
EOF
