#!/usr/bin/env bash
# Idempotent set-up used by tools/run.sh, tools/test.sh and .ci/run:
#   1. installs the Debian packages citymap builds and tests with (apt);
#   2. fetches the source-only dependencies from pinned Debian source packages into
#      .cache/third_party (never committed): Dear ImGui, earcut.hpp, Google Benchmark (for wasm);
#   3. installs the npm packages (browser tests, the page's MQTT client and bundler), pinned by
#      package-lock.json.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cache="$root/.cache/third_party"

# Pinned Debian source package versions (bookworm).
IMGUI_SRC="imgui=1.86+ds-1"
EARCUT_SRC="python-mapbox-earcut=1.0.1-2"
BENCHMARK_SRC="benchmark=1.7.1-1"

APT_PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config dpkg-dev
  emscripten binaryen nodejs
  flatbuffers-compiler libflatbuffers-dev libstb-dev nlohmann-json3-dev
  libgdal-dev gdal-bin libproj-dev proj-bin libutf8proc-dev osmium-tool
  libglfw3-dev libegl-dev libgles-dev libegl-mesa0 libgl1-mesa-dri
  libgtest-dev libbenchmark-dev
  chromium fonts-noto-core python3-fonttools
  mosquitto mosquitto-clients libmosquitto-dev
  xvfb xauth imagemagick
  clang libclang-rt-14-dev clang-format
  libcli11-dev librsvg2-bin
)

sudo_() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# deb-src lines are needed for `apt-get source`.
need_src=0
grep -rqs '^Types:.*deb-src' /etc/apt/sources.list.d/ || grep -qs '^deb-src' /etc/apt/sources.list || need_src=1
if [ "$need_src" = 1 ]; then
  echo "[bootstrap] enabling deb-src lines"
  if [ -f /etc/apt/sources.list.d/debian.sources ]; then
    sed 's/^Types: deb$/Types: deb-src/' /etc/apt/sources.list.d/debian.sources \
      | sudo_ tee /etc/apt/sources.list.d/citymap-deb-src.sources >/dev/null
  else
    grep '^deb ' /etc/apt/sources.list | sed 's/^deb /deb-src /' \
      | sudo_ tee /etc/apt/sources.list.d/citymap-deb-src.list >/dev/null
  fi
fi
if [ "${#missing[@]}" -gt 0 ] || [ "$need_src" = 1 ]; then
  echo "[bootstrap] apt-get install ${missing[*]:-(none)}"
  sudo_ apt-get update -qq
  [ "${#missing[@]}" -gt 0 ] && DEBIAN_FRONTEND=noninteractive sudo_ apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

fetch_src() { # $1 = pkg=version, $2 = directory glob expected after extraction
  local spec="$1" want="$2"
  if compgen -G "$cache/$want" >/dev/null; then return; fi
  echo "[bootstrap] apt-get source $spec"
  mkdir -p "$cache/dl"
  (cd "$cache/dl" && apt-get source -qq --download-only "$spec" 2>&1 | grep -v '^W: Download is performed unsandboxed' || true)
  local pkg="${spec%%=*}" ver="${spec#*=}"
  local upstream="${ver%-*}"
  local tarball
  tarball=$(ls "$cache/dl/${pkg}_${upstream}".orig.tar.* | head -n1)
  tar -xf "$tarball" -C "$cache"
}
mkdir -p "$cache"
fetch_src "$IMGUI_SRC" "imgui-1.86"
fetch_src "$EARCUT_SRC" "mapbox_earcut_python-1.0.1"
fetch_src "$BENCHMARK_SRC" "benchmark-1.7.1"

# npm packages: the browser tests' playwright-core, pngjs and pixelmatch, the static server's
# serve-handler and compression, the page's mqtt.js and its bundler esbuild
# (again whenever package-lock.json is newer than the installed tree).
if [ ! -f "$root/node_modules/.package-lock.json" ] || [ "$root/package-lock.json" -nt "$root/node_modules/.package-lock.json" ]; then
  echo "[bootstrap] npm ci"
  (cd "$root" && npm ci --no-audit --no-fund --loglevel=error)
fi
echo "[bootstrap] ok"
