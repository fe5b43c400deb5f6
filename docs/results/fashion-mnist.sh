#!/usr/bin/env bash
# A Fashion-MNIST comparison of AT, TRADES, their EMA models and their +CFA runs: the 12 trainings of fashion-mnist.yaml, AutoAttack (standard, L∞, ε 0.1) on the
# first N class-balanced test images for the best and last checkpoints of each reported model, then the report
# (OUT_DIR/report; `cfa report OUT_DIR` prints the table, mean ± std over the seeds). Estimated on an idle 2-core AMD EPYC
# (AVX-512) from partial runs: about 35 min of training, then about 55 min of evaluation per 100 test images.
# Usage: bash docs/results/fashion-mnist.sh [OUT_DIR] [N]     (default runs/fmnist and 200; 2 runs at a time, 1 thread each)
set -euo pipefail
out=${1:-runs/fmnist}
n=${2:-200}
here=$(dirname "$0")
cfa() { node "$here/../../bin/cfa.js" "$@"; }
cfa sweep "$here/fashion-mnist.yaml" --out "$out" --jobs 2
for run in "$out"/*-seed*/; do
  case "$run" in *-cfa-*) models="fawa" ;; *) models="model ema" ;; esac
  for m in $models; do for w in best last; do
    [ -f "$run/eval-$m-$w-aa-Linf-0.1.json" ] || echo "$run $m-$w"   # done before: kept
  done; done
done | xargs -P 2 -n 2 sh -c 'node "$0/../../bin/cfa.js" eval --model "$1" --which "$2" --attack aa --eps 0.1 --n '"$n"' --threads 1 --quiet > /dev/null' "$here"
cfa report "$out" --out "$out/report"
