#!/usr/bin/env bash
# The evaluator's accuracy and speed, end to end (README table, issue #5 targets):
# 20000 training samples (seed 0) and 2000 held-out samples (seed 1) of cnn-fmnist, train with
# the defaults, test on the held-out seed, draw the parity plot, time batched prediction.
# Usage: bench/evaluator.sh [path/to/duet] [work dir]   (resumes datasets already in the work dir)
set -euo pipefail
duet=${1:-build/cli/duet}
work=${2:-data/evaluator-bench}
cd "$(dirname "$0")/.."
space=configs/spaces/cnn-fmnist.json
mkdir -p "$work"
for spec in "cnn:20000:0" "cnn-holdout:2000:1"; do
  IFS=: read -r name samples seed <<<"$spec"
  # --resume keeps a finished file and refuses one from another simulator version or schedule.
  resume=()
  [ -f "$work/$name.csv" ] && resume=(--resume)
  "$duet" dataset --space "$space" --samples "$samples" --seed "$seed" --jobs "$(nproc)" \
    --out "$work/$name.csv" "${resume[@]}"
done
rm -rf "$work/cnn-eval"  # timed from scratch; train refuses to replace a finished evaluator
"$duet" evaluator train --data "$work/cnn.csv" --space "$space" --out "$work/cnn-eval" --seed 0
"$duet" evaluator test --model "$work/cnn-eval" --data "$work/cnn-holdout.csv" \
  --predictions "$work/holdout-predictions.csv" --json "$work/holdout-metrics.json"
/usr/bin/python3 analysis/evaluator_parity.py "$work/holdout-predictions.csv" "$work/parity.png"
for threads in 1 2; do
  "$duet" evaluator bench --model "$work/cnn-eval" --batch 4096 --threads "$threads"
done
