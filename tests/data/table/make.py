#!/usr/bin/env python3
"""Makes the table fixtures from the demo county (demo/county/*.geojson, generated, not real
data), as a county health bureau keeps its registers in Excel and saves them as CSV:

  facilities_gcj02_gbk.csv   the facilities, GBK, comma-separated, positions in GCJ-02 (as
                             copied from AMap) in columns named 经度(高德) and 纬度(高德), the
                             centers a facility hosts joined with 、
  facilities_bd09.xlsx       the facilities as an Excel workbook (openpyxl), positions in BD-09
                             (Baidu) in columns 百度经度/百度纬度, a second sheet of notes
  settlements_utf8bom.csv    the settlements, UTF-8 with a BOM, semicolon-separated, positions
                             in WGS84 in columns lng and lat

The GCJ-02 offset is computed here by this script's own implementation of the published
formula (the one of the eviltransform library), independent of MedReach's; the test reads the
tables back and expects the GeoJSON originals' report.

Run from the repository root: python3 tests/data/table/make.py (openpyxl installed for the .xlsx)
"""
import csv
import json
import math
import os

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.join(HERE, "..", "..", "..", "demo", "county")
A, EE = 6378245.0, 0.00669342162296594323


def _lat(x, y):
    r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    r += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    r += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    r += (160.0 * math.sin(y / 12.0 * math.pi) + 320 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    return r


def _lon(x, y):
    r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    r += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    r += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    r += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    return r


def wgs_to_gcj(lon, lat):
    dlat, dlon = _lat(lon - 105.0, lat - 35.0), _lon(lon - 105.0, lat - 35.0)
    rad = lat / 180.0 * math.pi
    magic = 1 - EE * math.sin(rad) ** 2
    sq = math.sqrt(magic)
    dlat = (dlat * 180.0) / ((A * (1 - EE)) / (magic * sq) * math.pi)
    dlon = (dlon * 180.0) / (A / sq * math.cos(rad) * math.pi)
    return lon + dlon, lat + dlat


def rows(layer):
    d = json.load(open(os.path.join(SRC, f"{layer}.geojson"), encoding="utf-8"))
    for f in d["features"]:
        lon, lat = f["geometry"]["coordinates"]
        props = {k: ("、".join(v) if isinstance(v, list) else v) for k, v in f["properties"].items()}
        yield lon, lat, props


fac = list(rows("facilities"))
keys = sorted({k for _, _, p in fac for k in p})
with open(os.path.join(HERE, "facilities_gcj02_gbk.csv"), "w", encoding="gbk", newline="") as out:
    w = csv.writer(out)
    w.writerow(keys + ["经度(高德)", "纬度(高德)"])
    for lon, lat, p in fac:
        g = wgs_to_gcj(lon, lat)
        w.writerow([p.get(k, "") for k in keys] + [repr(g[0]), repr(g[1])])

st = list(rows("settlements"))
keys = sorted({k for _, _, p in st for k in p})
with open(os.path.join(HERE, "settlements_utf8bom.csv"), "w", encoding="utf-8-sig", newline="") as out:
    w = csv.writer(out, delimiter=";")
    w.writerow(keys + ["lng", "lat"])
    for lon, lat, p in st:
        w.writerow([p.get(k, "") for k in keys] + [repr(lon), repr(lat)])
print("written")

# The facilities register as an Excel workbook too (openpyxl 3.1.5 writes it): the same rows,
# positions in BD-09 (as copied from Baidu) in columns named 百度经度/百度纬度, on the first sheet,
# with a second sheet of notes that is not read.
try:
    import openpyxl
except ImportError:
    openpyxl = None
if openpyxl is not None:
    X_PI = math.pi * 3000.0 / 180.0

    def gcj_to_bd(lon, lat):
        z = math.sqrt(lon * lon + lat * lat) + 0.00002 * math.sin(lat * X_PI)
        theta = math.atan2(lat, lon) + 0.000003 * math.cos(lon * X_PI)
        return z * math.cos(theta) + 0.0065, z * math.sin(theta) + 0.006

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "医疗机构"
    keys = sorted({k for _, _, p in fac for k in p})
    ws.append(keys + ["百度经度", "百度纬度"])
    for lon, lat, p in fac:
        b = gcj_to_bd(*wgs_to_gcj(lon, lat))
        ws.append([p.get(k, "") for k in keys] + [b[0], b[1]])
    wb.create_sheet("说明").append(["坐标为百度 BD-09"])
    wb.save(os.path.join(HERE, "facilities_bd09.xlsx"))
    print("written xlsx")
