#!/usr/bin/env bash
# Makes the GeoJSON fixtures with a legacy `crs` member, from the demo county's settlements
# (demo/county/settlements.geojson, generated, not real data), with GDAL's ogr2ogr (gdal-bin
# 3.6 here), the independent tool that projects them:
#
#   settlements_epsg4544.geojson  CGCS2000 3-degree Gauss-Kruger CM 105E (EPSG:4544), as
#                                 ogr2ogr writes it: coordinates in metres and
#                                 "crs": {"type": "name", "properties": {"name":
#                                 "urn:ogc:def:crs:EPSG::4544"}}
#
# The test reads it back (with its crs member, and without it given --settlements-crs) and
# expects the report of the original.
#
# Run from the repository root: bash tests/data/crs/make.sh
set -euo pipefail
cd "$(dirname "$0")"
rm -f settlements_epsg4544.geojson
ogr2ogr -f GeoJSON -s_srs EPSG:4326 -t_srs EPSG:4544 -lco COORDINATE_PRECISION=6 \
  settlements_epsg4544.geojson ../../../demo/county/settlements.geojson
