#!/usr/bin/env bash
# Runs a wasm program (its .js, first argument) under node, as the wasm preset built it; exits
# 77 (ctest: skipped) when that build is not there, so that the native preset's ctest alone
# passes on a fresh tree.
js=$1
if [ ! -f "$js" ]; then
  echo "SKIPPED: $js is not built (cmake --preset wasm && cmake --build --preset wasm)"
  exit 77
fi
exec node --no-experimental-fetch "$@"
