#!/usr/bin/env bash
# Stops the broker started by tools/broker/start.sh (same CITYMAP_BROKER_DIR): the process in
# its pid file only, with SIGTERM (Mosquitto saves the retained messages), then SIGKILL after
# 5 s. Succeeds if no broker is running.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
dir="${CITYMAP_BROKER_DIR:-$root/build/broker}"
pidfile="$dir/mosquitto.pid"
[ -f "$pidfile" ] || { echo "[broker] not running ($pidfile missing)" >&2; exit 0; }
pid="$(cat "$pidfile" 2>/dev/null || true)"
if [ -z "$pid" ] || ! kill -0 "$pid" 2>/dev/null || ! grep -q mosquitto "/proc/$pid/cmdline" 2>/dev/null; then
  echo "[broker] not running (stale pid file)" >&2
  rm -f "$pidfile"
  exit 0
fi
kill -TERM "$pid"
for _ in $(seq 50); do
  kill -0 "$pid" 2>/dev/null || { rm -f "$pidfile"; echo "[broker] stopped (pid $pid)" >&2; exit 0; }
  sleep 0.1
done
kill -KILL "$pid" 2>/dev/null || true
rm -f "$pidfile"
echo "[broker] killed (pid $pid)" >&2
