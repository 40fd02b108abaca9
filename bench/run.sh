#!/usr/bin/env bash
# Times `duet sim` on the mobile config for the README's cases, pinned to one core. BERT-base at
# sequence 4096 (2.56 M tiles) is issue #12's memory case: target below 200 MB. The overlap
# schedule must stay within 1.5x of sequential (issue #13).
# Usage: bench/run.sh [path/to/duet] [repeats]
set -euo pipefail
duet=${1:-build/cli/duet}
repeats=${2:-5}
cd "$(dirname "$0")/.."
arch=configs/accel/mobile.json
# The default schedule is overlap (duet-sim-2); the sequential cases give its cost.
cases=("resnet50" "bert-base --seq-len 512" "resnet18" "bert-base --seq-len 4096"
       "resnet50 --schedule sequential" "bert-base --seq-len 512 --schedule sequential")

printf '| case | wall time, median of %s (s) | min (s) | peak RSS (MB) | simulated cycles |\n' "$repeats"
printf '|---|---|---|---|---|\n'
for c in "${cases[@]}"; do
  times=()
  rss=0
  for _ in $(seq "$repeats"); do
    # shellcheck disable=SC2086
    out=$( { /usr/bin/time -f '%e %M' taskset -c 0 "$duet" sim --arch "$arch" --workload $c >/tmp/duet-bench.out; } 2>&1 )
    times+=("$(echo "$out" | tail -1 | cut -d' ' -f1)")
    kb=$(echo "$out" | tail -1 | cut -d' ' -f2)
    [ "$kb" -gt "$rss" ] && rss=$kb
  done
  sorted=$(printf '%s\n' "${times[@]}" | sort -g)
  median=$(echo "$sorted" | sed -n "$(( (repeats + 1) / 2 ))p")
  min=$(echo "$sorted" | head -1)
  cycles=$(grep -E '^  cycles' /tmp/duet-bench.out | awk '{print $2}')
  printf '| `%s` | %s | %s | %.1f | %s |\n' "$c" "$median" "$min" "$(awk -v kb="$rss" 'BEGIN { print kb / 1024 }')" "$cycles"
done

# A chain of 10^6 ReLU layers (issue #21): reading its JSON took minutes before duplicate keys
# were found in a SAX pass of their own (nlohmann's callback parser rescans an array after each
# of its objects).
chain=$(mktemp --suffix=.json)
/usr/bin/python3 -c 'import json, sys
n = 1000000
layers = [{"name": "r0", "op": "relu", "inputs": ["x"]}]
layers += [{"name": f"r{i}", "op": "relu", "inputs": [f"r{i - 1}"]} for i in range(1, n)]
json.dump({"name": "chain", "inputs": {"x": [1, 64]}, "layers": layers}, sys.stdout)' >"$chain"
printf '\n10^6-layer ReLU chain: '
{ /usr/bin/time -f '%e s, peak RSS %M KB' taskset -c 0 "$duet" sim --workload "$chain" >/dev/null; } 2>&1 | tail -1
rm -f "$chain"

# Evaluator training data: samples per second on all cores (issue #5 target: >= 200 on 2 cores).
tmp=$(mktemp -d)
"$duet" dataset --space configs/spaces/cnn-fmnist.json --samples 2000 --jobs "$(nproc)" \
  --out "$tmp/cnn.csv" 2>/dev/null
rm -rf "$tmp"
