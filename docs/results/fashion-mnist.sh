#!/usr/bin/env bash
# The Fashion-MNIST comparison of fashion-mnist.md: the 12 trainings of fashion-mnist.yaml (AT, TRADES, AT+CFA,
# TRADES+CFA, 3 seeds), AutoAttack (standard, L∞, ε 0.1) on the first N class-balanced test images for the best and
# last checkpoints of each run's models, then the report (OUT_DIR/report; `cfa report OUT_DIR` prints the table, mean ±
# std over the seeds). Finished trainings, and evaluations on the same N, are kept, so a rerun continues where one stopped. Measured
# on a 2-core AMD EPYC (AVX-512): about 1 h of training, then about 1 h 15 min of evaluation (48 checkpoints) at N = 100.
# Usage: bash docs/results/fashion-mnist.sh [OUT_DIR] [N]     (default runs/fmnist and 100, as in fashion-mnist.md; 2 runs at a time, 1 thread each)
set -euo pipefail
out=${1:-runs/fmnist}
n=${2:-100}
here=$(dirname "$0")
cfa() { node "$here/../../bin/cfa.js" "$@"; }
# an evaluation written before on N points is kept; one on another number of points is redone
done_on_n() { [ -f "$1" ] && node -e 'process.exit(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).n === Number(process.argv[2]) ? 0 : 1)' "$1" "$n"; }
cfa sweep "$here/fashion-mnist.yaml" --out "$out" --jobs 2
for run in "$out"/*-seed*/; do
  case "$run" in *-cfa-*) models="model fawa" ;; *) models="model ema" ;; esac   # X+CCM(+CCR) and X+CFA; X and X+EMA
  for m in $models; do for w in best last; do
    done_on_n "$run/eval-$m-$w-aa-Linf-0.1.json" || echo "$run $m-$w"
  done; done
done | xargs -r -P 2 -n 2 sh -c 'node "$0/../../bin/cfa.js" eval --model "$1" --which "$2" --attack aa --eps 0.1 --n '"$n"' --threads 1 --quiet > /dev/null' "$here"
cfa report "$out" --out "$out/report" --window 11-20   # also class-wise validation accuracy averaged over epochs 11-20
