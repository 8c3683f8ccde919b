#!/usr/bin/env bash
# Benchmark: citymap-ingest (PMTiles archive) against GDAL's own MVT writer (ogr2ogr -f MVT,
# a {z}/{x}/{y}.pbf directory) on the same data and zooms (12-16): the Hai Chau OSM extract
# (layers lines, multipolygons, points) plus the citywide landuse/water GeoJSON.
#
#   tests/bench/ingest_vs_mvt.sh [CITYMAP_INGEST] [DATA_DIR]
#
# CITYMAP_INGEST defaults to build/native/tools/ingest/citymap-ingest; DATA_DIR (the folder
# holding osm/) to $DATA, else $CITYMAP_DATA_DIR, else ../shared/data/danang beside the repo.
# RUNS (env, default 3): timed runs per tool, the best one is reported.
#
# Times are wall-clock, best of RUNS, outputs deleted between runs. Sizes compare tile bytes:
# citymap's are the archive's tile data section (its header's tile-data length, no directory or
# metadata; the archive file size is printed too), GDAL's the sum of its .pbf files with
# COMPRESS=NO (plain MVT, as our tiles are stored); the default gzip-compressed GDAL size
# (COMPRESS=YES, one untimed run) is printed as a second figure. Both skip empty tiles.
#
# Exit: 0 both ran, 1 a failure (its stderr shown), 77 data or GDAL's MVT driver missing.
set -u

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
ingest="${1:-$repo/build/native/tools/ingest/citymap-ingest}"
data="${2:-${DATA:-${CITYMAP_DATA_DIR:-$repo/../shared/data/danang}}}"
runs="${RUNS:-3}"
minzoom=12
maxzoom=16

osm="$data/osm/osm_haichau_center_2026.osm"
geojson="$data/osm/osm_landuse_water.geojson"

if [[ ! -r "$osm" || ! -r "$geojson" ]]; then
  echo "SKIPPED: benchmark data not found ($osm, $geojson)"
  exit 77
fi
if ! command -v ogr2ogr >/dev/null 2>&1; then
  echo "SKIPPED: ogr2ogr (GDAL) not installed"
  exit 77
fi
if ! ogrinfo --formats 2>/dev/null | grep -q '^ *MVT .*w'; then
  echo "SKIPPED: GDAL has no writable MVT driver"
  exit 77
fi
if [[ ! -x "$ingest" ]]; then
  echo "FAILED: citymap-ingest not found or not executable: $ingest" >&2
  exit 1
fi
ingest="$(cd "$(dirname "$ingest")" && pwd)/$(basename "$ingest")"
osm="$(cd "$(dirname "$osm")" && pwd)/$(basename "$osm")"
geojson="$(cd "$(dirname "$geojson")" && pwd)/$(basename "$geojson")"

tmp="$(mktemp -d "${TMPDIR:-/tmp}/citymap-ingest-vs-mvt.XXXXXX")" || { echo "FAILED: mktemp" >&2; exit 1; }
trap 'rm -rf "$tmp"' EXIT

now() { date +%s.%N; }
# min of two decimal numbers ("" counts as +infinity)
fmin() { if [[ -z "$1" ]]; then echo "$2"; else awk -v a="$1" -v b="$2" 'BEGIN{print (b < a) ? b : a}'; fi; }

# fail "what" STDERR_FILE: report a failed command and exit 1
fail() {
  echo "FAILED: $1" >&2
  if [[ -s "$2" ]]; then echo "--- stderr ---" >&2; tail -n 40 "$2" >&2; fi
  exit 1
}

# run_timed OUTPUT_TO_DELETE STDERR_FILE CMD...: prints the wall-clock seconds; non-zero on failure
run_timed() {
  local out="$1" err="$2"; shift 2
  rm -rf "$out"
  local t0 t1
  t0="$(now)"
  "$@" >/dev/null 2>"$err" || return 1
  t1="$(now)"
  awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.3f\n", b - a}'
}

# ---- citymap-ingest -------------------------------------------------------------------------
cm_out="$tmp/citymap.pmtiles"
cm_cmd=("$ingest" --quiet --out "$cm_out" --minzoom "$minzoom" --maxzoom "$maxzoom" "$osm" "$geojson")
cm_best=""
for ((i = 1; i <= runs; i++)); do
  rm -f "$tmp/citymap.search.json"
  t="$(run_timed "$cm_out" "$tmp/citymap.err" "${cm_cmd[@]}")" || fail "${cm_cmd[*]}" "$tmp/citymap.err"
  cm_best="$(fmin "$cm_best" "$t")"
done
[[ "$(head -c 7 "$cm_out" 2>/dev/null)" == "PMTiles" ]] || fail "citymap-ingest wrote no PMTiles archive at $cm_out" "$tmp/citymap.err"
# PMTiles v3 header (little-endian u64): tile data length at byte 64, addressed tiles at 72
u64() { od -A n -t u8 -j "$1" -N 8 "$cm_out" | tr -d ' '; }
cm_bytes="$(u64 64)"
cm_tiles="$(u64 72)"
cm_file_bytes="$(stat -c %s "$cm_out")"

# ---- GDAL MVT -------------------------------------------------------------------------------
# One ogr2ogr run over a VRT exposing the OSM layers and the GeoJSON layer together (the MVT
# driver cannot append to an existing tileset).
xml() { sed -e 's/&/\&amp;/g' -e 's/</\&lt;/g' -e 's/>/\&gt;/g' <<<"$1"; }
osm_x="$(xml "$osm")"
geo_x="$(xml "$geojson")"
geo_layer="$(basename "$geojson" .geojson)"
{
  echo "<OGRVRTDataSource>"
  for l in lines multipolygons points; do
    echo "  <OGRVRTLayer name=\"$l\"><SrcDataSource>$osm_x</SrcDataSource><SrcLayer>$l</SrcLayer></OGRVRTLayer>"
  done
  echo "  <OGRVRTLayer name=\"$geo_layer\"><SrcDataSource>$geo_x</SrcDataSource><SrcLayer>$geo_layer</SrcLayer></OGRVRTLayer>"
  echo "</OGRVRTDataSource>"
} >"$tmp/input.vrt"

gdal_cmd() { # gdal_cmd OUTDIR COMPRESS
  ogr2ogr -f MVT "$1" "$tmp/input.vrt" -dsco MINZOOM="$minzoom" -dsco MAXZOOM="$maxzoom" -dsco COMPRESS="$2"
}
pbf_count() { find "$1" -name '*.pbf' -type f | wc -l | tr -d ' '; }
pbf_bytes() { find "$1" -name '*.pbf' -type f -printf '%s\n' | awk '{s += $1} END {printf "%d\n", s}'; }

g_out="$tmp/gdal_mvt"
g_best=""
for ((i = 1; i <= runs; i++)); do
  t="$(run_timed "$g_out" "$tmp/gdal.err" gdal_cmd "$g_out" NO)" ||
    fail "ogr2ogr -f MVT $g_out $tmp/input.vrt -dsco MINZOOM=$minzoom -dsco MAXZOOM=$maxzoom -dsco COMPRESS=NO" "$tmp/gdal.err"
  g_best="$(fmin "$g_best" "$t")"
done
g_tiles="$(pbf_count "$g_out")"
g_bytes="$(pbf_bytes "$g_out")"
[[ "$g_tiles" -gt 0 ]] || fail "ogr2ogr -f MVT wrote no tiles" "$tmp/gdal.err"
rm -rf "$g_out"

gz_out="$tmp/gdal_mvt_gz"
rm -rf "$gz_out"
gdal_cmd "$gz_out" YES >/dev/null 2>"$tmp/gdal_gz.err" ||
  fail "ogr2ogr -f MVT $gz_out $tmp/input.vrt -dsco MINZOOM=$minzoom -dsco MAXZOOM=$maxzoom -dsco COMPRESS=YES" "$tmp/gdal_gz.err"
gz_tiles="$(pbf_count "$gz_out")"
gz_bytes="$(pbf_bytes "$gz_out")"
rm -rf "$gz_out"

# ---- report ---------------------------------------------------------------------------------
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{ if (b > 0) printf "%.3f\n", a / b; else print "nan" }'; }
time_ratio="$(ratio "$cm_best" "$g_best")"
size_ratio="$(ratio "$cm_bytes" "$g_bytes")"
size_ratio_gz="$(ratio "$cm_bytes" "$gz_bytes")"

echo "ingest vs GDAL MVT: zooms $minzoom-$maxzoom, best of $runs, inputs $(basename "$osm") (lines, multipolygons, points) + $(basename "$geojson")"
printf '%-34s %10s %8s %12s\n' tool "time (s)" tiles "tile bytes"
printf '%-34s %10s %8s %12s\n' "citymap-ingest (.pmtiles)" "$cm_best" "$cm_tiles" "$cm_bytes"
printf '%-34s %10s %8s %12s\n' "ogr2ogr -f MVT COMPRESS=NO" "$g_best" "$g_tiles" "$g_bytes"
printf '%-34s %10s %8s %12s\n' "ogr2ogr -f MVT COMPRESS=YES (gzip)" "-" "$gz_tiles" "$gz_bytes"
echo "citymap archive file: $cm_file_bytes bytes (tile data + directories + metadata)"
echo "ratios citymap/GDAL: time $time_ratio, size $size_ratio (vs gzip-compressed GDAL: $size_ratio_gz)"
echo "RESULT citymap_time_s=$cm_best gdal_time_s=$g_best time_ratio=$time_ratio citymap_bytes=$cm_bytes gdal_bytes=$g_bytes size_ratio=$size_ratio citymap_tiles=$cm_tiles gdal_tiles=$g_tiles gdal_gzip_bytes=$gz_bytes"
exit 0
