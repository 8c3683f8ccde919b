#!/usr/bin/env bash
# Runs one libFuzzer binary (built by the fuzz preset) for SECONDS over its seeds; a crash, a
# leak or a sanitizer report fails the test and leaves the input in ARTIFACTS (make it a
# regression test: docs/FUZZING.md). Skips (77) when the fuzz preset was not built.
#   run_fuzzer.sh FUZZER SEEDS CORPUS ARTIFACTS SECONDS
set -euo pipefail
fuzzer=$1 seeds=$2 corpus=$3 artifacts=$4 seconds=$5
if [ ! -x "$fuzzer" ]; then
  echo "SKIPPED: $fuzzer is not built (cmake --preset fuzz && cmake --build --preset fuzz)"
  exit 77
fi
if [ ! -d "$seeds" ] || [ -z "$(ls -A "$seeds")" ]; then
  echo "no seeds in $seeds (fuzz.seeds makes them)"
  exit 1
fi
mkdir -p "$corpus" "$artifacts"
# -rss_limit_mb: a decoder must not need more than this for any input.
"$fuzzer" "$corpus" "$seeds" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 \
  -artifact_prefix="$artifacts/" -print_final_stats=1 2>&1 | tail -25
status=${PIPESTATUS[0]}
if [ "$status" -ne 0 ]; then
  echo "fuzzer failed (exit $status); inputs in $artifacts:"
  ls -la "$artifacts"
fi
exit "$status"
