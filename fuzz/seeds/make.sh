#!/usr/bin/env bash
# Makes the fuzz targets' small seed inputs (each a few hundred bytes to a few kB, committed):
# a tiny county (one road, a facility, two settlements, a village polygon) written by GDAL's
# ogr2ogr (Debian gdal-bin) as a shapefile in CGCS2000 / 3-degree Gauss-Kruger CM 105E and as
# KML/KMZ, a CSV and the project's Excel fixture, and a hand-encoded .osm.pbf (python3, zlib).
# xlsx_sheet/table.xml (a sheet and its shared strings) is written by hand and kept.
# scripts/fuzz.sh gives seeds/TARGET to TARGET as a second corpus (read, never written).
# Run from anywhere: bash fuzz/seeds/make.sh
set -euo pipefail
cd "$(dirname "$0")"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
rm -rf geojson osm_pbf shapefile_zip shapefile_parts csv xlsx kml kmz crs_wkt parts
mkdir -p geojson osm_pbf shapefile_zip shapefile_parts csv xlsx kml kmz crs_wkt parts
cat > geojson/county.geojson <<'JSON'
{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"highway":"primary","name":"人民大道","maxspeed":"40"},"geometry":{"type":"LineString","coordinates":[[105.78,23.30],[105.79,23.31],[105.80,23.31]]}},
{"type":"Feature","properties":{"名称":"青岚县人民医院","类型":"县级综合医院","医生数":12,"床位数":50},"geometry":{"type":"Point","coordinates":[105.79,23.31]}},
{"type":"Feature","properties":{"名称":"龙桥街","人口":2991},"geometry":{"type":"Point","coordinates":[105.795,23.305]}},
{"type":"Feature","properties":{"名称":"赵家坪","population":484},"geometry":{"type":"MultiPoint","coordinates":[[105.81,23.32]]}},
{"type":"Feature","properties":{"名称":"龙桥村","所属区划代码":"451099100201","level":"village"},"geometry":{"type":"Polygon","coordinates":[[[105.77,23.29],[105.82,23.29],[105.82,23.33],[105.77,23.33],[105.77,23.29]],[[105.78,23.30],[105.785,23.30],[105.785,23.305],[105.78,23.30]]]}}
]}
JSON
cat > geojson/crs.geojson <<'JSON'
{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::4544"}},"features":[
{"type":"Feature","properties":{"population":5},"geometry":{"type":"Point","coordinates":[500000,2580000]}},
{"type":"Feature","properties":{"highway":"track"},"geometry":{"type":"MultiLineString","coordinates":[[[500000,2580000],[500100,2580100]]]}}]}
JSON
cp ../../tests/data/cases/andorra/facilities.geojson geojson/
# The shapefile: the county's four features in EPSG:4544, points and the rest as two sets.
ogr2ogr -f "ESRI Shapefile" -t_srs EPSG:4544 -lco ENCODING=UTF-8 "$WORK/pts.shp" geojson/county.geojson -where "OGR_GEOMETRY='Point'" -nlt POINT
ogr2ogr -f "ESRI Shapefile" -t_srs EPSG:4544 -lco ENCODING=UTF-8 "$WORK/road.shp" geojson/county.geojson -where "OGR_GEOMETRY='LineString'" -nlt LINESTRING
ogr2ogr -f "ESRI Shapefile" -t_srs EPSG:4544 -lco ENCODING=UTF-8 "$WORK/admin.shp" geojson/county.geojson -where "OGR_GEOMETRY='Polygon'" -nlt POLYGON
(cd "$WORK" && zip -q -X county.zip pts.* road.* && zip -q -X admin.zip admin.*)
cp "$WORK/county.zip" "$WORK/admin.zip" shapefile_zip/
for s in pts road admin; do
  sep=$'\n--8<--\n'
  { cat "$WORK/$s.shp"; printf '%s' "$sep"; cat "$WORK/$s.dbf"; printf '%s' "$sep"; cat "$WORK/$s.prj"; printf '%s' "$sep"; cat "$WORK/$s.cpg"; } > "shapefile_parts/$s"
done
cp "$WORK/pts.shp" parts/gk.shp
cp "$WORK/pts.prj" crs_wkt/gk.prj
cp ../../tests/data/shapefile/settlements_wgs84.prj crs_wkt/wgs84.prj
printf 'PROJCS["WGS_1984_Web_Mercator_Auxiliary_Sphere",GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Mercator_Auxiliary_Sphere"],PARAMETER["False_Easting",0.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",0.0],UNIT["Meter",1.0]]' > crs_wkt/webmerc.prj
printf 'EPSG:4544' > crs_wkt/epsg
printf 'gcj02' > crs_wkt/gcj02
# KML and KMZ.
ogr2ogr -f KML "$WORK/doc.kml" geojson/county.geojson
cp "$WORK/doc.kml" kml/county.kml
(cd "$WORK" && zip -q -X county.kmz doc.kml)
cp "$WORK/county.kmz" kmz/
# Tables.
head -n 12 ../../tests/data/table/settlements_utf8bom.csv > csv/settlements_utf8bom.csv
head -n 12 ../../tests/data/table/facilities_gcj02_gbk.csv > csv/facilities_gcj02_gbk.csv
cp ../../tests/data/table/facilities_bd09.xlsx xlsx/
# The .osm.pbf: a header blob and two data blobs (one zlib-compressed, one raw) holding dense
# nodes, a tagged node, a road way and an admin relation.
python3 - osm_pbf/tiny.osm.pbf <<'PY'
import struct, sys, zlib
def varint(n):
    out = b""
    while True:
        b = n & 0x7f
        n >>= 7
        if n:
            out += bytes([b | 0x80])
        else:
            return out + bytes([b])
def zz(n): return (n << 1) ^ (n >> 63)
def key(field, wire): return varint(field << 3 | wire)
def ld(field, payload): return key(field, 2) + varint(len(payload)) + payload
def vi(field, n): return key(field, 0) + varint(n)
def packed(field, values): return ld(field, b"".join(varint(v) for v in values))
def blob(kind, payload, compress):
    if compress:
        body = vi(2, len(payload)) + ld(3, zlib.compress(payload))
    else:
        body = ld(1, payload)
    header = ld(1, kind.encode()) + vi(3, len(body))
    return struct.pack(">I", len(header)) + header + body
strings = [b"", b"highway", b"primary", b"place", b"village", b"population", b"300",
           b"amenity", b"hospital", b"boundary", b"administrative", b"type", b"admin_level", b"8", b"outer"]
table = ld(1, b"".join(ld(1, s) for s in strings))
ids = [1, 2, 3, 4]
lats = [233000000, 233100000, 233200000, 233050000]
lons = [1057800000, 1057900000, 1058000000, 1057950000]
def delta(xs): return [xs[0]] + [b - a for a, b in zip(xs, xs[1:])]
# keys_vals: node 1-2 untagged, node 3 place=village population=300, node 4 amenity=hospital
kv = [0, 0, 3, 4, 5, 6, 0, 7, 8, 0]
dense = packed(1, [zz(v) for v in delta(ids)]) + packed(8, [zz(v) for v in delta(lats)]) \
    + packed(9, [zz(v) for v in delta(lons)]) + packed(10, kv)
group1 = ld(2, dense)
way = vi(1, 10) + packed(2, [1]) + packed(3, [2]) + packed(8, [zz(v) for v in delta([1, 2, 3])])
rel = vi(1, 20) + packed(2, [9, 11, 12]) + packed(3, [10, 9, 13]) + packed(8, [14]) \
    + packed(9, [zz(10)]) + packed(10, [1])
group2 = ld(3, way) + ld(4, rel)
header = ld(4, b"OsmSchema-V0.6") + ld(4, b"DenseNodes") + ld(16, b"medreach-fuzz-seed")
out = blob("OSMHeader", header, True) + blob("OSMData", table + ld(2, group1) + vi(17, 100), True) \
    + blob("OSMData", table + ld(2, group2), False)
open(sys.argv[1], "wb").write(out)
PY
ls -la */
