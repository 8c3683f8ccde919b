#!/usr/bin/env bash
# The main job: installs what is needed, builds the ingest tool, the Da Nang tiles (from
# ../shared/data/danang) and the WebAssembly client, then serves the web client and prints its
# URL. PORT (default 8080) and HOST (default 127.0.0.1) may be set in the environment.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash tools/bootstrap.sh
export NODE_PATH=/usr/share/nodejs

data="$root/../shared/data/danang"
if [ ! -f "$data/osm/osm_haichau_center_2026.osm" ]; then
  echo "citymap: the Da Nang data is missing (expected $data, see its README)." >&2
  exit 1
fi

echo "[run] building the native tools and the Da Nang tiles"
cmake --preset native >/dev/null
cmake --build --preset native --target citymap-ingest danang_tiles citymap-desktop
echo "[run] building the web client (WebAssembly)"
cmake --preset wasm >/dev/null
cmake --build --preset wasm --target citymap_site

port="${PORT:-8080}"
host="${HOST:-127.0.0.1}"
echo "[run] the desktop app: build/native/tools/desktop/citymap-desktop (reads build/tiles/danang.pmtiles)"
exec node tools/serve/serve.mjs --host "$host" --port "$port" \
  --root "$root/build/wasm/site" --mount "/tiles=$root/build/tiles"
