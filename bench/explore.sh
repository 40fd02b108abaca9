#!/usr/bin/env bash
# Co-exploration speed and results (README table, issue #10 targets): the --quick study from a
# cold cache (evaluator built too), then, with EXPLORE_FULL=1, the whole cnn-fmnist-edp study
# (--jobs 2), the constrained and generator studies, the fixed-workload study on a recast
# student (recast first if its files are missing), and the figures.
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
  # Timed from scratch: the bench's own earlier outputs go (explore refuses to run over results).
  rm -rf "$work/cnn-edp" "$work/cnn-constrained" "$work/cnn-generator" "$work/fixed-recast"
  timed "cnn-fmnist-edp study (--jobs 2)" \
    "$duet" explore --study configs/studies/cnn-fmnist-edp.json --out "$work/cnn-edp" --jobs 2
  timed "cnn-fmnist-constrained study (--jobs 2)" \
    "$duet" explore --study configs/studies/cnn-fmnist-constrained.json \
    --out "$work/cnn-constrained" --jobs 2
  timed "cnn-fmnist-generator preparation (--threads 2)" \
    "$duet" explore --study configs/studies/cnn-fmnist-generator.json --out "$work/cnn-generator" \
    --prepare --threads 2
  timed "cnn-fmnist-generator points (--jobs 2)" \
    "$duet" explore --study configs/studies/cnn-fmnist-generator.json --out "$work/cnn-generator" \
    --resume --jobs 2
  if [ ! -f data/recast/wide-to-slim-10k/teacher_workload.json ]; then
    "$duet" recast train-teacher --arch resnet20 --train-limit 10000 --epochs 2 \
      --out data/recast/resnet20-10k.pt
    "$duet" recast --teacher data/recast/resnet20-10k.pt --plan configs/recast/wide-to-slim.json \
      --baseline none --out data/recast/wide-to-slim-10k
  fi
  timed "fixed-recast-student study" \
    "$duet" explore --study configs/studies/fixed-recast-student.json --out "$work/fixed-recast"
  /usr/bin/python3 analysis/pareto.py "$work/cnn-edp" "$work/cnn-edp-pareto.png" \
    --evolution "$work/cnn-edp-evolution.png" --point 01-coexplore
fi
