#!/usr/bin/env bash
# One-command set-up on a fresh Debian/Ubuntu machine: system packages (libtorch, OpenBLAS, PyTorch for the
# benchmarks and fixture checks, Fashion-MNIST, Chromium for the report test), the BLAS choice, `npm ci` (which builds
# the libtorch addon and compiles the TypeScript), then `cfa train` on its embedded default.
#   bash scripts/setup.sh            # install everything, then run the default experiment (~5 min on 2 cores)
#   bash scripts/setup.sh --no-run   # install only (CI)
set -euo pipefail
cd "$(dirname "$0")/.."

run=1
[[ "${1:-}" == "--no-run" ]] && run=0
sudo=""
[[ "$(id -u)" -ne 0 ]] && sudo="sudo"
export DEBIAN_FRONTEND=noninteractive

packages=(g++ make python3 libtorch-dev libgloo-dev libopenblas0-openmp python3-torch python3-numpy dataset-fashion-mnist chromium fonts-dejavu-core)
node_ok() { command -v node >/dev/null && [[ "$(node -p 'process.versions.node.split(".")[0]')" -ge 20 ]]; }
node_ok || packages+=(nodejs npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  $sudo apt-get update
  $sudo apt-get install -y --no-install-recommends "${missing[@]}"
fi
if ! node_ok; then
  echo "setup: cfa needs Node.js 20 or newer (found $(node --version 2>/dev/null || echo none)); install it and run this again." >&2
  exit 1
fi

# Debian's libtorch uses whatever libblas.so.3 points to; the reference BLAS is ~30x slower than OpenBLAS. The OpenMP
# build of OpenBLAS shares libtorch's OpenMP threads instead of fighting them (the pthread build does).
triplet="$(gcc -dumpmachine 2>/dev/null || echo x86_64-linux-gnu)"
for lib in libblas.so.3 liblapack.so.3; do
  target="/usr/lib/${triplet}/openblas-openmp/${lib}"
  if [[ -e "$target" ]] && update-alternatives --list "${lib}-${triplet}" 2>/dev/null | grep -qx "$target"; then
    $sudo update-alternatives --set "${lib}-${triplet}" "$target" >/dev/null
  fi
done

npm ci --no-audit --no-fund
if ((run)); then
  npx cfa train
fi
