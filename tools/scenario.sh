#!/usr/bin/env bash
# Starts, switches or stops the feed simulator (citymap-feedsim) that tools/run.sh runs next to
# the map: at most one, in the background, publishing to the broker of tools/broker/start.sh.
#
#   bash tools/scenario.sh typhoon          # (re)start with the typhoon scenario
#   bash tools/scenario.sh rush --speedup 10
#   bash tools/scenario.sh normal
#   bash tools/scenario.sh stop | status
#
# Default speed-ups: normal 1 (the current time of day), rush 5 (07:00 onwards), typhoon 120
# (it starts six hours in with shelters open, landfall after about 1.5 minutes, a simulated day
# in 12). The hours before the start are published as history for the time slider (3, the
# typhoon 6). Every message is marked simulated. Environment: CITYMAP_FEEDSIM (the binary, default
# build/native/tools/feedsim/citymap-feedsim), CITYMAP_DATA_DIR (default ../shared/data/danang),
# CITYMAP_BROKER_DIR (default build/broker), CITYMAP_FEEDSIM_DIR (pid and log, default
# build/feedsim).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="${CITYMAP_FEEDSIM:-$root/build/native/tools/feedsim/citymap-feedsim}"
data="${CITYMAP_DATA_DIR:-$root/../shared/data/danang}"
broker_dir="${CITYMAP_BROKER_DIR:-$root/build/broker}"
dir="${CITYMAP_FEEDSIM_DIR:-$root/build/feedsim}"
pidfile="$dir/feedsim.pid"
log="$dir/feedsim.log"

say() { echo "[scenario] $*" >&2; }
usage() {
  sed -n '2,15p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

running_pid() {
  local pid
  [ -f "$pidfile" ] || return 1
  pid="$(cat "$pidfile" 2>/dev/null)" || return 1
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && grep -q citymap-feedsim "/proc/$pid/cmdline" 2>/dev/null && echo "$pid"
}

stop() {
  local pid
  if ! pid="$(running_pid)"; then
    rm -f "$pidfile"
    return 0
  fi
  # SIGTERM: the simulator clears the alerts it published and flushes (at most ~5 s).
  kill -TERM "$pid"
  for _ in $(seq 100); do
    kill -0 "$pid" 2>/dev/null || { rm -f "$pidfile"; say "simulator stopped (pid $pid)"; return 0; }
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
  rm -f "$pidfile"
  say "simulator killed (pid $pid)"
}

[ $# -ge 1 ] || usage
cmd="$1"
shift
case "$cmd" in
  stop) stop; exit 0 ;;
  status)
    if pid="$(running_pid)"; then
      say "running (pid $pid): $(cat "$dir/scenario" 2>/dev/null || echo '?'); log $log"
      tail -n 3 "$log" >&2 || true
    else
      say "not running"
    fi
    exit 0 ;;
  normal) speedup=1 ;;
  rush) speedup=5 ;;
  typhoon) speedup=120 ;;
  -h|--help) usage ;;
  *) say "unknown scenario '$cmd' (normal, rush, typhoon, stop or status)"; usage ;;
esac
extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --speedup) [ $# -ge 2 ] || usage; speedup="$2"; shift 2 ;;
    *) extra+=("$1"); shift ;;
  esac
done

# History for the time slider (docs/FEEDS.md, "History topics"): the hours before the start are
# published at once, so a page opened now can replay them. The typhoon starts six hours in
# (shelters open, floods under way), with those six hours as its history.
has() { local a; for a in ${extra[@]+"${extra[@]}"}; do [ "$a" = "$1" ] && return 0; done; return 1; }
if ! has --history-hours; then
  case "$cmd" in
    typhoon) extra+=(--history-hours 6); has --skip-hours || extra+=(--skip-hours 6) ;;
    *) extra+=(--history-hours 3) ;;
  esac
fi

[ -x "$bin" ] || { say "$bin not found: build it first (cmake --build --preset native --target citymap-feedsim)"; exit 1; }
[ -d "$data" ] || { say "the Da Nang data is missing ($data)"; exit 1; }
[ -f "$broker_dir/broker.env" ] || { say "no broker ($broker_dir/broker.env): start it with tools/broker/start.sh"; exit 1; }

stop
mkdir -p "$dir"
echo "$cmd, speedup $speedup" > "$dir/scenario"
# In its own session, so that a Ctrl-C in the terminal that started it reaches run.sh's trap
# (which stops it cleanly) rather than the simulator directly.
setsid "$bin" --data-dir "$data" --broker-env "$broker_dir/broker.env" --scenario "$cmd" --speedup "$speedup" \
  ${extra[@]+"${extra[@]}"} > "$log" 2>&1 < /dev/null &
pid=$!
echo "$pid" > "$pidfile"
# It loads the data (a few seconds), then connects; report an early failure with its log.
for _ in $(seq 30); do
  if ! kill -0 "$pid" 2>/dev/null; then
    rm -f "$pidfile"
    say "the simulator exited; its log:"
    sed 's/^/  /' "$log" >&2
    exit 1
  fi
  grep -q "SIMULATED" "$log" 2>/dev/null && break
  sleep 0.5
done
say "simulator pid $pid: SIMULATED $cmd scenario, speedup $speedup (log $log)"
