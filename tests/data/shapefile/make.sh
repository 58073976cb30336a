#!/usr/bin/env bash
# Makes the shapefile fixtures from the demo county (demo/county/*.geojson, generated, not real
# data) with GDAL's ogr2ogr (Debian gdal-bin 3.6), the independent tool that writes them, as a
# county's natural-resources bureau would hand them over:
#
#   county_gk3_cm105.zip   the four layers in CGCS2000 / 3-degree Gauss-Kruger CM 105E
#                          (EPSG:4544, no zone prefix), attributes in GBK with a .cpg, member
#                          names in Chinese encoded as GBK without the zip's UTF-8 flag (as
#                          Windows zips them)
#   county_gk3_zone35.zip  the same in EPSG:4523 (zone 35, false easting 35,500,000 m), the
#                          .cpg removed and the dBASE language-driver byte set to 0x4D (code
#                          page 936), as ArcGIS writes it, so only that byte says GBK
#   settlements_wgs84.*    the settlements as a bare .shp/.shx/.dbf/.prj/.cpg set in WGS84, UTF-8
#
# Run from the repository root: bash tests/data/shapefile/make.sh
set -euo pipefail
cd "$(dirname "$0")"
SRC=../../../demo/county
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
# A shapefile has no list fields: lists (a facility's 中心) are joined with 、 first, as a
# planner's table would hold them.
mkdir -p "$WORK/src"
for layer in roads facilities settlements admin; do
  python3 - "$SRC/$layer.geojson" "$WORK/src/$layer.geojson" <<'PY'
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
for f in d["features"]:
    for k, v in list(f["properties"].items()):
        if isinstance(v, list):
            f["properties"][k] = "、".join(map(str, v))
json.dump(d, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False)
PY
done
SRC="$WORK/src"
declare -A CN=([roads]=道路 [facilities]=医疗机构 [settlements]=居民点 [admin]=行政区划)
for epsg in 4544 4523; do
  mkdir -p "$WORK/$epsg"
  for layer in roads facilities settlements admin; do
    ogr2ogr -f "ESRI Shapefile" -t_srs "EPSG:$epsg" -lco ENCODING=CP936 \
      "$WORK/$epsg/${CN[$layer]}.shp" "$SRC/$layer.geojson" -nln "${CN[$layer]}"
  done
done
rm -f "$WORK"/4523/*.cpg
# GDAL leaves the language-driver byte 0; ArcGIS writes 0x4D for code page 936: set it.
for f in "$WORK"/4523/*.dbf; do printf '\x4d' | dd of="$f" bs=1 seek=29 conv=notrunc status=none; done
python3 - "$WORK" <<'PY'
import os, sys, zipfile
work = sys.argv[1]
for epsg, out in (("4544", "county_gk3_cm105.zip"), ("4523", "county_gk3_zone35.zip")):
    d = os.path.join(work, epsg)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name in sorted(os.listdir(d)):
            # GBK bytes as the member name, without the UTF-8 flag: zipfile writes a name
            # that is not ASCII as cp437 bytes when it decodes that way.
            info = zipfile.ZipInfo(name.encode("gbk").decode("cp437"), (2025, 6, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            with open(os.path.join(d, name), "rb") as f:
                z.writestr(info, f.read())
PY
ogr2ogr -f "ESRI Shapefile" -t_srs EPSG:4326 -lco ENCODING=UTF-8 settlements_wgs84.shp "$SRC/settlements.geojson"
ls -la
