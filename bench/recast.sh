#!/usr/bin/env bash
# The recasting table of README.md and docs/recasting.md: a ResNet-20 teacher on all Fashion-MNIST
# training images, then the resnet-to-plain and wide-to-slim plans with the default budgets, side
# by side on two cores (about 10 min for the teacher, 10 min for the plans).
# Usage: bench/recast.sh [path/to/duet] [work dir]   (reuses a teacher already in the work dir)
set -euo pipefail
duet=${1:-build/cli/duet}
work=${2:-data/recast}
cd "$(dirname "$0")/.."
mkdir -p "$work"
[ -f "$work/resnet20.pt" ] || "$duet" recast train-teacher --arch resnet20 --out "$work/resnet20.pt" --seed 0
pids=()
for plan in resnet-to-plain wide-to-slim; do
  "$duet" recast --teacher "$work/resnet20.pt" --plan "configs/recast/$plan.json" \
    --out "$work/$plan" --seed 0 --resume 2>"$work/$plan.log" &
  pids+=($!)
done
for pid in "${pids[@]}"; do wait "$pid"; done  # fails the script if either plan failed
python3 analysis/recast_table.py "$work/resnet-to-plain/report.json" "$work/wide-to-slim/report.json"
