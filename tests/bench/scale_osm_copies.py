#!/usr/bin/env python3
"""Makes an OSM XML file holding N translated copies of an OSM XML extract, side by side.

Used by tests/bench/scale_tiler.sh to measure the tiler against 1x, 4x, 16x the input. Copy 0 is
the original (same ids, same place), copy k (k = 1 .. N-1) sits at grid cell (k % cols, k // cols)
shifted east and north by the extract's own extent plus a gap, with every node, way and relation
id (and every reference to one) offset by k * ID_STEP so that copies never collide. Tags, versions
and everything else are kept. Only the standard library is needed; osmium-tool (Debian) converts
the result to PBF (the caller does that: `osmium sort copies.osm -o copies.osm.pbf`).

  scale_osm_copies.py IN.osm OUT.osm --copies 16 [--gap-deg 0.01]

Never write the output into the repository: it is derived from OSM data (ODbL).
"""
import argparse
import math
import sys
import xml.etree.ElementTree as ET

ID_STEP = 10**11  # above every OSM id in use in 2026 (~1.4e10 for nodes)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("input")
    ap.add_argument("output")
    ap.add_argument("--copies", type=int, default=4)
    ap.add_argument("--gap-deg", type=float, default=0.01, help="gap between copies in degrees")
    a = ap.parse_args()
    if a.copies < 1:
        ap.error("--copies must be at least 1")

    root = ET.parse(a.input).getroot()
    if root.tag != "osm":
        print(f"{a.input}: not an OSM XML file (root element <{root.tag}>)", file=sys.stderr)
        return 1
    nodes = [e for e in root if e.tag == "node"]
    ways = [e for e in root if e.tag == "way"]
    rels = [e for e in root if e.tag == "relation"]
    if not nodes:
        print(f"{a.input}: no nodes", file=sys.stderr)
        return 1
    lons = [float(n.get("lon")) for n in nodes]
    lats = [float(n.get("lat")) for n in nodes]
    step_lon = max(lons) - min(lons) + a.gap_deg
    step_lat = max(lats) - min(lats) + a.gap_deg
    cols = math.ceil(math.sqrt(a.copies))

    def shifted(e: ET.Element, k: int) -> ET.Element:
        c = ET.Element(e.tag, dict(e.attrib))
        off = k * ID_STEP
        c.set("id", str(int(e.get("id")) + off))
        if e.tag == "node":
            dlon = (k % cols) * step_lon
            dlat = (k // cols) * step_lat
            c.set("lon", f"{float(e.get('lon')) + dlon:.7f}")
            c.set("lat", f"{float(e.get('lat')) + dlat:.7f}")
        for child in e:
            cc = ET.SubElement(c, child.tag, dict(child.attrib))
            if child.tag in ("nd", "member") and "ref" in child.attrib:
                cc.set("ref", str(int(child.get("ref")) + off))
        return c

    out = ET.Element("osm", {"version": "0.6", "generator": "citymap scale_osm_copies.py"})
    for group in (nodes, ways, rels):  # nodes, then ways, then relations; ids ascending per copy
        for k in range(a.copies):
            for e in group:
                out.append(shifted(e, k) if k else e)
    ET.ElementTree(out).write(a.output, encoding="UTF-8", xml_declaration=True)
    print(f"{a.output}: {a.copies} copies ({cols} per row, step {step_lon:.4f} x {step_lat:.4f} deg), "
          f"{len(nodes) * a.copies} nodes, {len(ways) * a.copies} ways, {len(rels) * a.copies} relations")
    return 0


if __name__ == "__main__":
    sys.exit(main())
