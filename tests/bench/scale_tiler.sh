#!/usr/bin/env bash
# Tiler scaling benchmark (issue 12, goal 5): time and peak memory of citymap-ingest against
# 1x, 4x, 16x ... the central Hai Chau OSM extract, as translated copies side by side
# (tests/bench/scale_osm_copies.py, converted to PBF with osmium-tool). Writes JSON.
#
#   tests/bench/scale_tiler.sh --ingest build/native/tools/ingest/citymap-ingest \
#       [--data-dir ../shared/data/danang] [--work /tmp/scale] [--copies "1 4 16"] \
#       [--json out.json] [--runs 1] [-- extra citymap-ingest options]
#
# Per size: input bytes (PBF), features (sum of the report's layer features), tiles and archive
# bytes, wall and CPU seconds and peak RSS (GNU time -v "Maximum resident set size"), plus the
# load average at the start. Inputs and archives stay in --work (derived from OSM: never commit).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
ingest="" data_dir="$root/../shared/data/danang" work="/tmp/citymap-scale" copies="1 4 16" json="" runs=1
extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --ingest) ingest="$2"; shift 2 ;;
    --data-dir) data_dir="$2"; shift 2 ;;
    --work) work="$2"; shift 2 ;;
    --copies) copies="$2"; shift 2 ;;
    --json) json="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --) shift; extra=("$@"); break ;;
    *) echo "scale_tiler.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
[ -x "$ingest" ] || { echo "scale_tiler.sh: --ingest must name the citymap-ingest binary" >&2; exit 2; }
osm="$data_dir/osm/osm_haichau_center_2026.osm"
[ -f "$osm" ] || { echo "scale_tiler.sh: skipped: $osm not found (Da Nang data absent)" >&2; exit 0; }
command -v osmium >/dev/null || { echo "scale_tiler.sh: osmium-tool is needed (apt-get install osmium-tool)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "scale_tiler.sh: GNU time is needed (apt-get install time)" >&2; exit 2; }
mkdir -p "$work"

results=()
for n in $copies; do
  dir="$work/x$n"
  mkdir -p "$dir"
  if [ ! -s "$dir/input.osm.pbf" ]; then
    python3 "$here/scale_osm_copies.py" "$osm" "$dir/copies.osm" --copies "$n" >&2
    # Sorted, then renumbered densely (ids from 1): the copies' offset ids (k * 10^11) would make
    # GDAL's OSM node index (sized by the id range) grow with the offsets, which no real extract does.
    osmium sort --overwrite --no-progress "$dir/copies.osm" -o "$dir/sorted.osm.pbf"
    osmium renumber --overwrite --no-progress "$dir/sorted.osm.pbf" -o "$dir/input.osm.pbf"
    rm -f "$dir/copies.osm" "$dir/sorted.osm.pbf"
  fi
  for ((r = 1; r <= runs; r++)); do
    load="$(cut -d' ' -f1-3 /proc/loadavg)"
    rm -f "$dir/out.pmtiles"
    /usr/bin/time -v -o "$dir/time.txt" "$ingest" --quiet --out "$dir/out.pmtiles" \
      --config "$here/scale_osm.layers.json" --data-dir "$dir" --report "$dir/report.json" "${extra[@]}"
    results+=("$(python3 - "$dir" "$n" "$load" <<'PY'
import json, os, re, sys
d, n, load = sys.argv[1], int(sys.argv[2]), sys.argv[3]
t = open(os.path.join(d, "time.txt")).read()
def field(name):
    m = re.search(re.escape(name) + r":\s*(.+)", t)
    return m.group(1).strip() if m else None
wall = field("Elapsed (wall clock) time (h:mm:ss or m:ss)")
parts = [float(p) for p in wall.split(":")]
secs = 0.0
for p in parts: secs = secs * 60 + p
rep = json.load(open(os.path.join(d, "report.json")))
print(json.dumps({
    "copies": n,
    "input_bytes": os.path.getsize(os.path.join(d, "input.osm.pbf")),
    "features": sum(l["features"] for name, l in rep["layers"].items() if name != "road_labels"),
    "tile_features": sum(l["tile_features"] for l in rep["layers"].values()),
    "tiles": rep["tiles"],
    "archive_bytes": os.path.getsize(os.path.join(d, "out.pmtiles")),
    "wall_s": round(secs, 2),
    "cpu_s": round(float(field("User time (seconds)")) + float(field("System time (seconds)")), 2),
    "peak_rss_mb": round(int(field("Maximum resident set size (kbytes)")) / 1024, 1),
    "loadavg": load,
}))
PY
)")
    echo "${results[-1]}" >&2
  done
done
out="$(printf '%s\n' "${results[@]}" | python3 -c 'import json,sys; print(json.dumps({"bench": "scale_tiler", "runs": [json.loads(l) for l in sys.stdin if l.strip()]}, indent=2))')"
if [ -n "$json" ]; then echo "$out" > "$json"; else echo "$out"; fi
