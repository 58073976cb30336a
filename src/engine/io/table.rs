//! Tables of points: CSV (UTF-8, UTF-8 with BOM, or GBK; comma, semicolon or tab) and Excel
//! workbooks (the first sheet), as planners keep facility registers and settlement lists. Every row is a point feature whose columns are
//! its properties (numbers read as numbers), so a register's columns mean what they mean in any
//! other format ([`super::properties`]). The coordinate columns are found by name (经度/纬度,
//! lng/lat, lon/lat, longitude/latitude, x/y); a header or file name that says GCJ-02 (高德,
//! AMap, 火星) or BD-09 (百度, Baidu) has its positions converted to WGS84. Chinese survey tables
//! call the northing X: x/y columns are used only when they hold longitude/latitude.

use super::placing::{place, Declared};
use super::properties::push_point;
use super::ReadError;
use crate::engine::crs::system::{named, Named};
use crate::engine::crs::LonLat;
use crate::engine::model::{Layers, SkipReason, Skipped, Source};
use serde_json::{Map, Value};

/// Why a table cannot be read.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("{file}: {reason}")]
pub struct TableError {
    /// The file.
    pub file: String,
    /// What is wrong (English; the page words it in Chinese too).
    pub reason: String,
}

/// What the user chose for a table: the sheet of a workbook and the coordinate columns (by
/// header); `None` leaves each to the reader (the first sheet; columns by name).
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TableChoice {
    /// The sheet's name.
    pub sheet: Option<String>,
    /// The longitude (or easting) column's header.
    pub lon: Option<String>,
    /// The latitude (or northing) column's header.
    pub lat: Option<String>,
}

/// What a table offers and what the reader picked, for the page to show and change.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TableInfo {
    /// The workbook's sheets (empty for CSV).
    pub sheets: Vec<String>,
    /// The sheet read.
    pub sheet: Option<String>,
    /// The header's columns.
    pub columns: Vec<String>,
    /// The longitude column picked, if any.
    pub lon: Option<String>,
    /// The latitude column picked, if any.
    pub lat: Option<String>,
}

/// The coordinates a table's positions are in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Datum {
    /// WGS84 (GPS).
    Wgs84,
    /// GCJ-02 (AMap, Tencent).
    Gcj02,
    /// BD-09 (Baidu).
    Bd09,
}

/// The text of a table and the encoding it was read in: UTF-8 (a BOM dropped) when valid, else
/// GBK.
fn decode(bytes: &[u8]) -> (String, &'static str) {
    let (body, bom) = match bytes.strip_prefix(b"\xef\xbb\xbf") {
        Some(body) => (body, true),
        None => (bytes, false),
    };
    match std::str::from_utf8(body) {
        Ok(s) if bom => (s.to_string(), "UTF-8 with BOM"),
        Ok(s) => (s.to_string(), "UTF-8"),
        Err(_) => (
            encoding_rs::GBK
                .decode_without_bom_handling(body)
                .0
                .into_owned(),
            "GBK",
        ),
    }
}

/// Rows of delimited text (RFC 4180 quoting: quoted fields may hold the delimiter, newlines
/// and doubled quotes).
fn rows(text: &str, delimiter: char) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') if field.is_empty() => quoted = true,
            (false, c) if c == delimiter => row.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                if row.iter().any(|f| !f.trim().is_empty()) {
                    out.push(std::mem::take(&mut row));
                } else {
                    row.clear();
                }
            }
            (false, c) => field.push(c),
        }
    }
    row.push(field);
    if row.iter().any(|f| !f.trim().is_empty()) {
        out.push(row);
    }
    out
}

/// The delimiter the header line uses most: comma, semicolon or tab.
fn delimiter(text: &str) -> char {
    let first = text.lines().next().unwrap_or("");
    [',', ';', '\t']
        .into_iter()
        .max_by_key(|d| first.matches(*d).count())
        .unwrap_or(',')
}

/// A header cell reduced for matching: lower case, without spaces or a bracketed remark.
fn key(h: &str) -> String {
    let h = h.trim().to_lowercase();
    let h = h
        .split(['(', '（', '[', '【'])
        .next()
        .unwrap_or("")
        .trim()
        .to_string();
    h.replace([' ', '_', '-'], "")
}

const LON_NAMES: &[&str] = &["经度", "lng", "lon", "long", "longitude", "东经", "x"];
const LAT_NAMES: &[&str] = &["纬度", "lat", "latitude", "北纬", "y"];

/// The columns of longitude and latitude: the ones chosen, else by name (the first name of
/// each list that a header has). `Err` says what is missing.
fn coordinate_columns(header: &[String], choice: &TableChoice) -> Result<(usize, usize), String> {
    let find = |chosen: &Option<String>, names: &[&str]| -> Result<usize, String> {
        if let Some(c) = chosen {
            return header
                .iter()
                .position(|h| h.trim() == c.trim())
                .ok_or_else(|| format!("has no column \"{c}\""));
        }
        let exact = names
            .iter()
            .find_map(|n| header.iter().position(|h| key(h) == *n));
        // 高德经度, 经度WGS84 and the like: a Chinese name inside a longer header.
        exact
            .or_else(|| header.iter().position(|h| key(h).contains(names[0])))
            .ok_or_else(|| {
                // The named columns only, and not thousands of them.
                let named: Vec<&str> = header
                    .iter()
                    .map(|h| h.trim())
                    .filter(|h| !h.is_empty())
                    .collect();
                let more = named.len().saturating_sub(40);
                format!(
                    "no longitude and latitude columns (经度/纬度, lng/lat, lon/lat, longitude/latitude) among {}{}",
                    named[..named.len() - more].join(", "),
                    if more > 0 { format!(" and {more} more") } else { String::new() }
                )
            })
    };
    Ok((find(&choice.lon, LON_NAMES)?, find(&choice.lat, LAT_NAMES)?))
}

/// What the headers and the file name say of the datum.
fn datum(file: &str, header: &[String]) -> Datum {
    let text = format!("{file} {}", header.join(" ")).to_lowercase();
    if ["bd09", "bd-09", "百度", "baidu"]
        .iter()
        .any(|k| text.contains(k))
    {
        Datum::Bd09
    } else if ["gcj", "高德", "火星", "amap", "腾讯", "tencent"]
        .iter()
        .any(|k| text.contains(k))
    {
        Datum::Gcj02
    } else {
        Datum::Wgs84
    }
}

/// A cell as a property value: a number when it reads as one, else text.
fn value(cell: &str) -> Option<Value> {
    let c = cell.trim();
    if c.is_empty() {
        return None;
    }
    // Codes stay text: a leading zero, or a long run of digits (division codes, phones).
    let code = (c.len() > 1 && c.starts_with('0') && !c.starts_with("0."))
        || (c.len() > 9 && c.bytes().all(|b| b.is_ascii_digit()));
    match c.parse::<f64>() {
        Ok(x) if x.is_finite() && !code => serde_json::Number::from_f64(x).map(Value::Number),
        _ => Some(Value::String(c.to_string())),
    }
}

/// Whether `name` is an Excel workbook.
pub fn is_workbook(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    [".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"]
        .iter()
        .any(|e| n.ends_with(e))
}

/// Reads a table `bytes` (file `file`: CSV, or an Excel workbook's first sheet) into layers of
/// points.
pub fn read_table(file: &str, bytes: &[u8], file_id: u32) -> Result<Layers, ReadError> {
    read_table_in(file, bytes, file_id, None, &TableChoice::default())
}

/// [`read_table`] with the coordinate system the user chose for its positions, which wins over
/// what the headers and the file name say.
pub fn read_table_in(
    file: &str,
    bytes: &[u8],
    file_id: u32,
    chosen: Option<&Named>,
    choice: &TableChoice,
) -> Result<Layers, ReadError> {
    let table = table_rows(file, bytes, choice)?;
    let mut layers = read_rows(file, table.rows, file_id, chosen, choice)?;
    layers.facts.format = match table.sheet {
        Some(sheet) => format!("Excel (sheet {sheet})"),
        None => "CSV".into(),
    };
    layers.facts.encoding = table.encoding.unwrap_or_default().into();
    Ok(layers)
}

/// The sheets, the sheet read, and the columns a table offers, with those the reader picks.
pub fn describe(file: &str, bytes: &[u8], choice: &TableChoice) -> Result<TableInfo, ReadError> {
    let Sheet {
        rows,
        sheets,
        sheet,
        ..
    } = table_rows(file, bytes, choice)?;
    let columns: Vec<String> = rows
        .first()
        .map(|h| h.iter().map(|c| c.trim().to_string()).collect())
        .unwrap_or_default();
    let picked = coordinate_columns(&columns, choice).ok();
    Ok(TableInfo {
        sheets,
        sheet,
        lon: picked.map(|(x, _)| columns[x].clone()),
        lat: picked.map(|(_, y)| columns[y].clone()),
        columns,
    })
}

/// A table as read.
struct Sheet {
    /// Its rows (the first is the header).
    rows: Vec<Vec<String>>,
    /// The workbook's sheet names (none for CSV).
    sheets: Vec<String>,
    /// The sheet read (none for CSV).
    sheet: Option<String>,
    /// The text encoding (CSV only).
    encoding: Option<&'static str>,
}

/// The table (the sheet chosen, or the first).
fn table_rows(file: &str, bytes: &[u8], choice: &TableChoice) -> Result<Sheet, TableError> {
    if is_workbook(file) {
        sheet_rows(file, bytes, choice.sheet.as_deref())
    } else {
        let (text, encoding) = decode(bytes);
        Ok(Sheet {
            rows: rows(&text, delimiter(&text)),
            sheets: Vec::new(),
            sheet: None,
            encoding: Some(encoding),
        })
    }
}

/// The most cells a sheet's rows are read into: the rows holding something times the columns
/// from the first to the last holding something. A sheet with two cells as far apart as A1 and
/// XFD1048576 would otherwise be 17 billion cells.
const MAX_CELLS: usize = 20_000_000;

/// A sheet of a workbook (`sheet`, or the first) as rows of text (numbers written without a
/// needless `.0`). Natively a panic inside the Excel reader (its arithmetic overflows on some
/// malformed cell references where overflow is checked) is refused like any malformed file.
fn sheet_rows(file: &str, bytes: &[u8], sheet: Option<&str>) -> Result<Sheet, TableError> {
    #[cfg(not(target_arch = "wasm32"))]
    {
        std::panic::catch_unwind(|| read_sheet(file, bytes, sheet)).unwrap_or_else(|_| {
            Err(TableError {
                file: file.to_string(),
                reason: "not an Excel workbook that can be read (the Excel reader failed on malformed data in it)".into(),
            })
        })
    }
    #[cfg(target_arch = "wasm32")]
    {
        read_sheet(file, bytes, sheet)
    }
}

fn read_sheet(file: &str, bytes: &[u8], sheet: Option<&str>) -> Result<Sheet, TableError> {
    use calamine::{Data, Reader, Sheets};
    let err = |reason: String| TableError {
        file: file.to_string(),
        reason,
    };
    if bytes.starts_with(b"PK") {
        check_shared_strings(bytes).map_err(err)?;
    }
    let mut book = calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes))
        .map_err(|e| err(format!("not an Excel workbook that can be read ({e})")))?;
    let sheets = book.sheet_names();
    let first = match sheet {
        Some(wanted) => sheets
            .iter()
            .find(|s| s.as_str() == wanted)
            .cloned()
            .ok_or_else(|| {
                err(format!(
                    "has no sheet \"{wanted}\" (its sheets: {})",
                    sheets.join(", ")
                ))
            })?,
        None => sheets
            .first()
            .cloned()
            .ok_or_else(|| err("the workbook has no sheet".into()))?,
    };
    let sheet_err = |e: &dyn std::fmt::Display| err(format!("sheet {first}: {e}"));
    // Excel's own formats are read cell by cell, so that the rows are made only as wide and
    // as many as the cells holding something need (and refused past MAX_CELLS); the others
    // (xls, ods) as the reader's rectangle of cells.
    let mut cells: Vec<((u32, u32), String)> = Vec::new();
    // The two readers have the same methods but no trait in common.
    macro_rules! cell_by_cell {
        ($book:expr) => {{
            let mut reader = $book
                .worksheet_cells_reader(&first)
                .map_err(|e| sheet_err(&e))?;
            while let Some(c) = reader.next_cell().map_err(|e| sheet_err(&e))? {
                cells.push((
                    c.get_position(),
                    cell_text(&Data::from(c.get_value().clone())),
                ));
            }
        }};
    }
    match &mut book {
        Sheets::Xlsx(x) => cell_by_cell!(x),
        Sheets::Xlsb(x) => cell_by_cell!(x),
        book => {
            let range = book.worksheet_range(&first).map_err(|e| sheet_err(&e))?;
            cells.extend(
                range
                    .cells()
                    .map(|(r, c, d)| ((r as u32, c as u32), cell_text(d))),
            );
        }
    }
    let rows = sparse_rows(cells).map_err(|e| sheet_err(&e))?;
    Ok(Sheet {
        rows,
        sheets,
        sheet: Some(first),
        encoding: None,
    })
}

/// The most shared strings a workbook may declare (`uniqueCount`): the Excel reader reserves
/// room for them all before reading one, so a declared four trillion was an allocation abort.
const MAX_SHARED_STRINGS: usize = 5_000_000;

/// Checks the count of shared strings a zipped workbook declares before the Excel reader sees
/// it: no more than [`MAX_SHARED_STRINGS`], and no more than its part could hold (each string
/// takes at least the five bytes of `<si/>`). `Err` says what is wrong.
fn check_shared_strings(bytes: &[u8]) -> Result<(), String> {
    use std::io::Read;
    let Ok(mut zip) = zip::ZipArchive::new(std::io::Cursor::new(bytes)) else {
        return Ok(()); // not a zip after all: the Excel reader says what it is
    };
    let wanted = |name: &str| {
        let n = name.replace('\\', "/").to_ascii_lowercase();
        n.trim_start_matches('/') == "xl/sharedstrings.xml"
    };
    let Some(index) = (0..zip.len()).find(|&i| zip.name_for_index(i).is_some_and(wanted)) else {
        return Ok(());
    };
    let Ok(part) = zip.by_index(index) else {
        return Ok(());
    };
    let size = part.size();
    // The count is on the first element: the part's first 64 KiB hold it.
    let mut head = Vec::new();
    if part.take(64 << 10).read_to_end(&mut head).is_err() {
        return Ok(());
    }
    let mut reader = quick_xml::Reader::from_reader(&head[..]);
    let mut buf = Vec::new();
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(quick_xml::events::Event::Start(e) | quick_xml::events::Event::Empty(e))
                if e.local_name().as_ref() == b"sst" =>
            {
                let Some(Ok(count)) = e
                    .attributes()
                    .flatten()
                    .find(|a| a.key.as_ref() == b"uniqueCount")
                    .map(|a| {
                        let digits: Vec<u8> =
                            a.value.iter().copied().skip_while(|&b| b == b'+').collect();
                        std::str::from_utf8(&digits).map(|d| d.parse::<u128>())
                    })
                else {
                    return Ok(());
                };
                let Ok(count) = count else {
                    return Ok(());
                };
                let most = (size / 5).min(MAX_SHARED_STRINGS as u64);
                if count > u128::from(most) {
                    return Err(format!(
                        "the workbook declares {count} shared strings (uniqueCount) in {size} bytes, more than {} it can hold or MedReach reads: refused before reading",
                        most
                    ));
                }
                return Ok(());
            }
            Ok(quick_xml::events::Event::Eof) | Err(_) => return Ok(()),
            _ => buf.clear(),
        }
    }
}

/// A cell as text (numbers written without a needless `.0`).
fn cell_text(d: &calamine::Data) -> String {
    use calamine::Data;
    match d {
        Data::Empty => String::new(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => format!("{f}"),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => b.to_string(),
        other => other.to_string(),
    }
}

/// Cells ((row, column), text) as rows from the first to the last column holding text, rows
/// without any text left out; `Err` when that is more than [`MAX_CELLS`] cells.
fn sparse_rows(cells: Vec<((u32, u32), String)>) -> Result<Vec<Vec<String>>, String> {
    let mut by_row: std::collections::BTreeMap<u32, Vec<(u32, String)>> = Default::default();
    for ((row, col), text) in cells {
        if !text.trim().is_empty() {
            by_row.entry(row).or_default().push((col, text));
        }
    }
    let cols = by_row.values().flatten().map(|(c, _)| *c);
    let (Some(first), Some(last)) = (cols.clone().min(), cols.max()) else {
        return Ok(Vec::new());
    };
    let width = (last - first) as usize + 1;
    if by_row.len().saturating_mul(width) > MAX_CELLS {
        return Err(format!(
            "its {} rows holding something span {width} columns, more than the {MAX_CELLS} cells MedReach reads (is something written far to the right?)",
            by_row.len()
        ));
    }
    Ok(by_row
        .into_values()
        .map(|cells| {
            let mut row = vec![String::new(); width];
            for (col, text) in cells {
                row[(col - first) as usize] = text;
            }
            row
        })
        .collect())
}

/// Rows (the first is the header) into layers of points.
fn read_rows(
    file: &str,
    all: Vec<Vec<String>>,
    file_id: u32,
    chosen: Option<&Named>,
    choice: &TableChoice,
) -> Result<Layers, ReadError> {
    let err = |reason: String| TableError {
        file: file.to_string(),
        reason,
    };
    let Some((header, body)) = all.split_first() else {
        return Err(err("is empty".into()).into());
    };
    let (lon_col, lat_col) = coordinate_columns(header, choice).map_err(err)?;
    let declared = match datum(file, header) {
        Datum::Wgs84 => None,
        Datum::Gcj02 => named("gcj02").ok(),
        Datum::Bd09 => named("bd09").ok(),
    };
    let mut layers = Layers::default();
    for (i, row) in body.iter().enumerate() {
        let source = Source {
            file: file_id,
            feature: i as u32,
        };
        let num = |c: usize| row.get(c).and_then(|v| v.trim().parse::<f64>().ok());
        let (Some(lon), Some(lat)) = (num(lon_col), num(lat_col)) else {
            layers.skipped.push(Skipped {
                source,
                reason: SkipReason::Degenerate {
                    detail: format!("row {} has no number in its coordinate columns", i + 2),
                },
            });
            continue;
        };
        let mut props = Map::new();
        for (h, cell) in header.iter().zip(row) {
            if let Some(v) = value(cell) {
                props.insert(h.trim().to_string(), v);
            }
        }
        if let Err(reason) = push_point(&props, LonLat { lon, lat }, source, &mut layers) {
            layers.skipped.push(Skipped { source, reason });
        }
    }
    let said = match (chosen, &declared) {
        (Some(c), _) => format!("{} ({}), as chosen, converted to WGS84", c.code, c.label),
        (None, Some(d)) => format!("{}, converted to WGS84", d.label),
        (None, None) => "WGS84 (GPS); if they were copied from AMap or Baidu, say so in the column names (e.g. 经度(高德)) so they are converted".into(),
    };
    let declared = Declared {
        known: declared,
        unknown: None,
    };
    place(file, file_id, &mut layers, declared, chosen)?;
    layers.notes.push(format!(
        "{file}: positions from the columns {} and {}, read as {said}",
        header[lon_col].trim(),
        header[lat_col].trim()
    ));
    Ok(layers)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::model::{FacilityKind, Ownership};

    #[test]
    fn a_facility_register_s_columns_are_recognised() {
        let text = "机构名称,机构类别,经济类型,床位数,执业医师数,卫生技术人员数,经度,纬度\n\
                    甲镇卫生院,乡镇卫生院,公立,45张,12,30 人,110.1,30.2\n\
                    乙村卫生室,村卫生室,集体,,1,,110.2,30.3\n\
                    丙诊所,诊所,私营,2,—,,110.3,30.4\n";
        let l = read_table("register.csv", text.as_bytes(), 0).unwrap();
        assert!(l.skipped.is_empty(), "{:?}", l.skipped);
        let f = &l.facilities;
        assert_eq!(f[0].name.as_deref(), Some("甲镇卫生院"));
        assert_eq!(f[0].kind, FacilityKind::TownshipHealthCenter);
        assert_eq!(f[0].ownership, Some(Ownership::NonProfit));
        assert_eq!(f[0].capacity.beds, Some(45.0));
        assert_eq!(f[0].capacity.doctors, Some(12.0));
        assert_eq!(f[0].capacity.staff, Some(30.0));
        assert_eq!(f[1].kind, FacilityKind::VillageClinic);
        assert_eq!(
            (f[1].capacity.beds, f[1].capacity.doctors),
            (None, Some(1.0))
        );
        assert_eq!(f[2].ownership, Some(Ownership::ForProfit));
        assert_eq!(f[2].capacity.doctors, None, "a dash is no count");
    }
}
