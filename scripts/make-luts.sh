#!/usr/bin/env bash
# Regenerates the shipped NN-LUT tables (configs/luts/<function>-<entries>.json) with a fixed
# seed. Usage: scripts/make-luts.sh [path/to/duet]
set -euo pipefail
duet=${1:-build/cli/duet}
cd "$(dirname "$0")/.."
for function in gelu exp reciprocal rsqrt; do
  for entries in 8 16 32; do
    "$duet" lut fit --function "$function" --entries "$entries" --precision fp32 --seed 0 \
      --out "configs/luts/$function-$entries.json"
  done
done
