#!/usr/bin/env bash
# The benchmark protocol of BENCHMARKS.md: runs every set the engine's figures are
# checked on, one after the other, and writes one CSV per set (and the ward plan's and
# sweep's timings) into OUT_DIR.
#
#   scripts/bench-protocol.sh BINARY OUT_DIR [SETS...]
#
# SETS (default: all): oc (Osman–Christofides 1–20, T = 1 s, seeds 1–5), sjc (T = 30 s),
# sscflp (Holmberg p1–p71 and OR-Library SS p1–p24, T = 10 s), p3038 (p3038_600,
# T = 300 s), ward (plan on setagaya-sample, twice), sweep (models/sweeps/budget.toml).
# Run on an otherwise idle machine; the instances are read from ../shared/benchmarks.
set -euo pipefail
bin=$(realpath "$1")
out=$2
shift 2
sets=("$@")
[ ${#sets[@]} -eq 0 ] && sets=(oc sjc sscflp p3038 ward sweep)
root="$(cd "$(dirname "$0")/.." && pwd)"
b="$root/../shared/benchmarks"
if [ ! -d "$b" ]; then
  echo "benchmark instances not found at $b" >&2
  exit 1
fi
mkdir -p "$out"
out=$(realpath "$out")
cd "$root"
timed() { /usr/bin/time -f "%e s wall, %M KiB peak" "$@"; }
for s in "${sets[@]}"; do
  echo "== $s ($(date -u +%H:%M:%S) UTC)" >&2
  case $s in
    oc)
      for seed in 1 2 3 4 5; do
        "$bin" bench "$b"/cpmp/osman_christofides/pmedcap1_*.txt --time-limit 1 --threads 2 \
          --seed "$seed" --best-known "$b/cpmp/best_known.csv" >"$out/oc_seed$seed.csv"
      done ;;
    sjc)
      "$bin" bench "$b"/cpmp/lorena_senne/SJC*.dat --time-limit 30 --threads 2 --seed 1 \
        --best-known "$b/cpmp/best_known.csv" >"$out/sjc.csv" ;;
    sscflp)
      "$bin" bench "$b"/sscflp/holmberg1999/p* "$b"/sscflp/orlib_single_source/p* \
        --time-limit 10 --threads 2 --seed 1 --best-known "$b/sscflp/best_known.csv" \
        >"$out/sscflp.csv" ;;
    p3038)
      timed "$bin" bench "$b"/cpmp/lorena_senne/p3038_600.dat --time-limit 300 --threads 2 \
        --seed 1 --best-known "$b/cpmp/best_known.csv" >"$out/p3038_600.csv" 2>"$out/p3038_600.err" ;;
    ward)
      for i in 1 2; do
        timed "$bin" plan datasets/setagaya-sample --out "$out/ward$i" >"$out/ward$i.txt" 2>&1
      done ;;
    sweep)
      timed "$bin" scenarios datasets/setagaya-sample models/sweeps/budget.toml \
        --out "$out/sweep" >"$out/sweep.txt" 2>&1 ;;
    *) echo "unknown set $s" >&2; exit 2 ;;
  esac
done
echo "done ($(date -u +%H:%M:%S) UTC)" >&2
