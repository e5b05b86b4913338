#!/usr/bin/env bash
# Runs the fuzz targets of fuzz/ (docs/fuzzing.md) on the stable toolchain through
# RUSTC_BOOTSTRAP=1 and cargo-fuzz (`cargo install cargo-fuzz`).
#
#   scripts/fuzz.sh                 every target, 1,000,000 executions each
#   scripts/fuzz.sh 8               every target, 8 seconds each (CI)
#   scripts/fuzz.sh -runs=N T1 T2   the named targets, N executions each
#
# New inputs go to a temporary working corpus; the committed seeds in fuzz/corpus/T
# are read, never changed. A crash stops the run and leaves its input in
# fuzz/artifacts/T/ (make it a regression test, then delete it).
set -euo pipefail
cd "$(dirname "$0")/.."
export RUSTC_BOOTSTRAP=1
limit="${1:--runs=1000000}"
[ $# -gt 0 ] && shift
case "$limit" in
  -*) ;;
  *) limit="-max_total_time=$limit" ;;
esac
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(dataset_csv scenario_toml models_toml bench_formats plan_files xlsx)
fi
for t in "${targets[@]}"; do
  work=$(mktemp -d)
  echo "== $t ($limit) $(date -u +%FT%TZ) commit $(git rev-parse --short HEAD)"
  cargo fuzz run -s none "$t" "$work" "fuzz/corpus/$t" -- "$limit" -print_final_stats=1 2>&1 \
    | grep -E "^(stat::number_of_executed_units|stat::peak_rss_mb|Done|==|SUMMARY|.*(panicked|deadly|crash))" || true
  rm -rf "$work"
  # cargo fuzz exits non-zero on a crash; pipefail is off for the grep, so check.
  if ls "fuzz/artifacts/$t"/crash-* >/dev/null 2>&1; then
    echo "crash in $t: see fuzz/artifacts/$t/"
    exit 1
  fi
done
