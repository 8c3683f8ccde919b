#!/usr/bin/env bash
# Runs every test: installs what is needed, builds the native, sanitizer and WebAssembly
# presets, then runs one ctest over all of them (unit tests natively, under ASan/UBSan and
# under node; PROJ checks; golden renders on Mesa and in headless Chromium; the ingest tool;
# benchmarks natively and in wasm). Browser tests start their own loopback HTTP server.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash tools/bootstrap.sh
export NODE_PATH=/usr/share/nodejs
jobs="${CITYMAP_JOBS:-$(nproc)}"

start=$(date +%s)
echo "[test] native build"
cmake --preset native >/dev/null
cmake --build --preset native -j "$jobs"
echo "[test] wasm build"
cmake --preset wasm >/dev/null
cmake --build --preset wasm -j "$jobs"
echo "[test] sanitizer build (ASan + UBSan unit tests)"
cmake --preset native-asan >/dev/null
cmake --build --preset native-asan -j "$jobs"
echo "[test] fuzz build (libFuzzer + ASan + UBSan fuzzers; ctest runs each for 30 s)"
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz -j "$jobs"
echo "[test] builds took $(( $(date +%s) - start )) s"

ctest --preset native -j "$jobs"
