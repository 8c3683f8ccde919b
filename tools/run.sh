#!/usr/bin/env bash
# The main job: installs what is needed, builds the ingest tool, the Da Nang tiles (from
# ../shared/data/danang), the feed simulator and the WebAssembly client, starts the MQTT broker
# (tools/broker/start.sh) and the simulator of the city's live feeds (tools/scenario.sh; every
# message is marked simulated), then serves the web client and prints its URL. Ctrl-C stops
# the server, the simulator and the broker (one it started).
#
#   bash tools/run.sh [--scenario normal|rush|typhoon] [--speedup X] [--no-feeds]
#
# Switch the scenario while it runs with `bash tools/scenario.sh typhoon` (or rush, normal).
# PORT (default 8080) and HOST (default 127.0.0.1) may be set in the environment; the broker
# listens on HOST too (WebSocket port 9001, MQTT 1883: CITYMAP_MQTT_WS_PORT, CITYMAP_MQTT_PORT).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

scenario=normal
speedup=()
feeds=1
while [ $# -gt 0 ]; do
  case "$1" in
    --scenario)
      [ $# -ge 2 ] || { echo "run.sh: --scenario needs normal, rush or typhoon" >&2; exit 2; }
      scenario="$2"; shift 2 ;;
    --speedup)
      [ $# -ge 2 ] || { echo "run.sh: --speedup needs a number" >&2; exit 2; }
      speedup=(--speedup "$2"); shift 2 ;;
    --no-feeds) feeds=0; shift ;;
    -h|--help) sed -n '2,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
case "$scenario" in
  normal|rush|typhoon) ;;
  *) echo "run.sh: unknown scenario '$scenario' (normal, rush or typhoon)" >&2; exit 2 ;;
esac

bash tools/bootstrap.sh
export NODE_PATH=/usr/share/nodejs

data="$root/../shared/data/danang"
if [ ! -f "$data/osm/osm_haichau_center_2026.osm" ]; then
  echo "citymap: the Da Nang data is missing (expected $data, see its README)." >&2
  exit 1
fi

echo "[run] building the native tools and the Da Nang tiles"
cmake --preset native >/dev/null
cmake --build --preset native --target citymap-ingest danang_tiles citymap-desktop citymap-feedsim
echo "[run] building the web client (WebAssembly)"
cmake --preset wasm >/dev/null
cmake --build --preset wasm --target citymap_site

port="${PORT:-8080}"
host="${HOST:-127.0.0.1}"
ws_port="${CITYMAP_MQTT_WS_PORT:-9001}"
broker_dir="${CITYMAP_BROKER_DIR:-$root/build/broker}"
started_broker=0
cleanup() {
  trap - EXIT INT TERM
  if [ "$feeds" = 1 ]; then
    bash tools/scenario.sh stop || true
    if [ "$started_broker" = 1 ]; then CITYMAP_BROKER_DIR="$broker_dir" bash tools/broker/stop.sh || true; fi
  fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

feed_query=""
if [ "$feeds" = 1 ]; then
  echo "[run] starting the MQTT broker and the feed simulator ($scenario scenario)"
  if [ ! -s "$broker_dir/mosquitto.pid" ] || ! kill -0 "$(cat "$broker_dir/mosquitto.pid")" 2>/dev/null; then
    started_broker=1
  fi
  CITYMAP_BROKER_DIR="$broker_dir" CITYMAP_MQTT_BIND="${CITYMAP_MQTT_BIND:-$host}" CITYMAP_MQTT_WS_PORT="$ws_port" \
    bash tools/broker/start.sh
  CITYMAP_BROKER_DIR="$broker_dir" bash tools/scenario.sh "$scenario" ${speedup[@]+"${speedup[@]}"}
  # The page connects to ws://<its host>:9001/ by default; say so when the port differs.
  [ "$ws_port" = 9001 ] || feed_query="?feed=ws://$host:$ws_port/"
else
  feed_query="?feed=off"
fi

echo "[run] the desktop app: build/native/tools/desktop/citymap-desktop (reads build/tiles/danang.pmtiles)"
[ "$feeds" = 1 ] && echo "[run] live feeds: SIMULATED $scenario scenario; switch with: bash tools/scenario.sh typhoon|rush|normal"
echo "[run] open http://$host:$port/$feed_query   (Ctrl-C stops the server, the simulator and the broker)"
node tools/serve/serve.mjs --host "$host" --port "$port" \
  --root "$root/build/wasm/site" --mount "/tiles=$root/build/tiles"
