#!/usr/bin/env bash
# Makes the KML/KMZ fixtures from the demo county (demo/county/*.geojson, generated, not real
# data) with GDAL's ogr2ogr (Debian gdal-bin 3.6, its KML driver), the independent tool that
# writes them, as Google Earth or 奥维 (Ovital) would hand them over:
#
#   county.kmz          the four layers in one doc.kml (each layer a <Folder>; every attribute
#                       in <ExtendedData><SchemaData><SimpleData name=…>, as GDAL writes them),
#                       zipped as Google Earth zips a KMZ
#   settlements_gbk.kml the settlements alone as plain KML text, re-encoded to GBK with the
#                       declaration saying encoding="GBK" (as some Chinese tools save it)
#
# KML has no list fields (GDAL would write a facility's 中心 as "(12:a,b,…)"): lists are joined
# with 、 first, as a planner's table would hold them. KML is always WGS84 longitude/latitude.
# Run from the repository root: bash tests/data/kml/make.sh
set -euo pipefail
cd "$(dirname "$0")"
SRC=../../../demo/county
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
for layer in roads facilities settlements admin; do
  python3 - "$SRC/$layer.geojson" "$WORK/$layer.geojson" <<'PY'
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
for f in d["features"]:
    for k, v in list(f["properties"].items()):
        if isinstance(v, list):
            f["properties"][k] = "、".join(map(str, v))
json.dump(d, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False)
PY
  if [ "$layer" = roads ]; then
    ogr2ogr -f GPKG "$WORK/county.gpkg" "$WORK/$layer.geojson" -nln "$layer"
  else
    ogr2ogr -f GPKG -update "$WORK/county.gpkg" "$WORK/$layer.geojson" -nln "$layer"
  fi
done
ogr2ogr -f KML "$WORK/doc.kml" "$WORK/county.gpkg" roads facilities settlements admin
ogr2ogr -f KML "$WORK/settlements.kml" "$WORK/settlements.geojson" -nln settlements
python3 - "$WORK" <<'PY'
import sys, zipfile
work = sys.argv[1]
with zipfile.ZipFile("county.kmz", "w", zipfile.ZIP_DEFLATED) as z:
    info = zipfile.ZipInfo("doc.kml", (2025, 6, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    z.writestr(info, open(f"{work}/doc.kml", "rb").read())
text = open(f"{work}/settlements.kml", encoding="utf-8").read()
text = text.replace('encoding="utf-8"', 'encoding="GBK"', 1)
assert 'encoding="GBK"' in text
open("settlements_gbk.kml", "wb").write(text.encode("gbk"))
PY
ls -la
