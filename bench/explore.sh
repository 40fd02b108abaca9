#!/usr/bin/env bash
# Co-exploration speed and results (README table, issue #10 targets): the --quick study from a
# cold cache (evaluator built too), then, with EXPLORE_FULL=1, the whole cnn-fmnist-edp study
# (--jobs 2) and the constrained study, and the figures.
# Usage: bench/explore.sh [path/to/duet] [work dir]
set -euo pipefail
duet=${1:-build/cli/duet}
work=${2:-runs/bench}
cd "$(dirname "$0")/.."
mkdir -p "$work"
timed() {  # label, command...
  local label=$1 start end
  shift
  start=$(date +%s%N)
  "$@"
  end=$(date +%s%N)
  echo "$label: $(((end - start) / 1000000000)) s"
}
rm -rf runs/cache/cnn-fmnist-eval-quick "$work/quick"
timed "quick study, cold evaluator cache" \
  "$duet" explore --study configs/studies/cnn-fmnist-edp.json --out "$work/quick" --quick
if [ "${EXPLORE_FULL:-0}" = 1 ]; then
  timed "cnn-fmnist-edp study (--jobs 2)" \
    "$duet" explore --study configs/studies/cnn-fmnist-edp.json --out "$work/cnn-edp" --jobs 2
  timed "cnn-fmnist-constrained study (--jobs 2)" \
    "$duet" explore --study configs/studies/cnn-fmnist-constrained.json \
    --out "$work/cnn-constrained" --jobs 2
  /usr/bin/python3 analysis/pareto.py "$work/cnn-edp" "$work/cnn-edp-pareto.png" \
    --evolution "$work/cnn-edp-evolution.png" --point 01-coexplore
fi
