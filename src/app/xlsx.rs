//! A minimal Excel workbook (Office Open XML, `.xlsx`) of one sheet, for the exports: text as
//! inline strings (so a division code such as `451099100201` stays text), numbers as numeric
//! cells, the header row bold and frozen. Written with the `zip` crate MedReach already reads
//! shapefile zips with (deflate through flate2's pure-Rust backend: native and wasm32 alike).

use std::io::Write;

/// One cell of a sheet.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    /// Text (an inline string).
    Text(String),
    /// A number (a non-finite one is written as an empty cell).
    Number(f64),
    /// Nothing.
    Empty,
}

impl Cell {
    /// The cell as CSV shows it: the text, the number in its shortest exact form, or nothing.
    pub fn text(&self) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Number(x) if x.is_finite() => format!("{x}"),
            Cell::Number(_) | Cell::Empty => String::new(),
        }
    }
}

/// `s` as XML character data or attribute text: the five special characters escaped, and the
/// control characters XML 1.0 forbids dropped.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => {}
            c => out.push(c),
        }
    }
    out
}

/// The column letters of the zero-based column `i`: A … Z, AA, AB, ….
fn column(mut i: usize) -> String {
    let mut letters = Vec::new();
    loop {
        letters.push(b'A' + (i % 26) as u8);
        if i < 26 {
            break;
        }
        i = i / 26 - 1;
    }
    letters.reverse();
    String::from_utf8(letters).unwrap_or_default()
}

/// A sheet name Excel accepts: at most 31 characters, none of `[]:*?/\`, not empty.
fn sheet_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .filter(|c| !matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\'))
        .take(31)
        .collect();
    if cleaned.trim().is_empty() {
        "Sheet1".into()
    } else {
        cleaned
    }
}

/// The worksheet's XML: the first row bold (style 1) and frozen.
fn sheet_xml(rows: &[Vec<Cell>]) -> String {
    let mut x = String::from(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews><sheetData>"#,
    );
    for (r, row) in rows.iter().enumerate() {
        let n = r + 1;
        x.push_str(&format!("<row r=\"{n}\">"));
        let style = if r == 0 { " s=\"1\"" } else { "" };
        for (c, cell) in row.iter().enumerate() {
            let at = format!("{}{n}", column(c));
            match cell {
                Cell::Text(s) => x.push_str(&format!(
                    "<c r=\"{at}\"{style} t=\"inlineStr\"><is><t xml:space=\"preserve\">{}</t></is></c>",
                    escape(s)
                )),
                Cell::Number(v) if v.is_finite() => {
                    x.push_str(&format!("<c r=\"{at}\"{style}><v>{v}</v></c>"))
                }
                Cell::Number(_) | Cell::Empty => {}
            }
        }
        x.push_str("</row>");
    }
    x.push_str("</sheetData></worksheet>");
    x
}

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>"#;

const ROOT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;

const WORKBOOK_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>"#;

/// Two cell formats: 0 plain, 1 bold (the header).
const STYLES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>"#;

/// A workbook of one sheet named `name` holding `rows` (the first is the header).
pub fn workbook(name: &str, rows: &[Vec<Cell>]) -> Vec<u8> {
    write(name, rows).expect("a zip written to memory does not fail")
}

fn write(name: &str, rows: &[Vec<Cell>]) -> zip::result::ZipResult<Vec<u8>> {
    let workbook_xml = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="{}" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
        escape(&sheet_name(name))
    );
    let parts: [(&str, &str); 6] = [
        ("[Content_Types].xml", CONTENT_TYPES),
        ("_rels/.rels", ROOT_RELS),
        ("xl/workbook.xml", &workbook_xml),
        ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
        ("xl/styles.xml", STYLES),
        ("xl/worksheets/sheet1.xml", &sheet_xml(rows)),
    ];
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    // A fixed time: the clock is not read (there is none to read in wasm32), and the same
    // rows give the same bytes.
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::DEFAULT);
    for (path, text) in parts {
        zip.start_file(path, options)?;
        zip.write_all(text.as_bytes())?;
    }
    Ok(zip.finish()?.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{Data, Reader};

    fn read_back(bytes: Vec<u8>) -> (Vec<String>, Vec<Vec<Data>>) {
        let mut book = calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes)).unwrap();
        let names = book.sheet_names().to_vec();
        let range = book.worksheet_range(&names[0]).unwrap();
        (names, range.rows().map(|r| r.to_vec()).collect())
    }

    #[test]
    fn a_workbook_reads_back_with_its_text_numbers_and_gaps() {
        let rows = vec![
            vec![
                Cell::Text("名称".into()),
                Cell::Text("区划代码".into()),
                Cell::Text("人口".into()),
                Cell::Text("note".into()),
            ],
            vec![
                Cell::Text("<a & b> \"q\" 'x'".into()),
                Cell::Text("451099100201".into()),
                Cell::Number(1234.5),
                Cell::Text(" spaced\u{1} ".into()),
            ],
            vec![
                Cell::Text("青岚县".into()),
                Cell::Empty,
                Cell::Number(-0.25),
                Cell::Number(f64::NAN),
            ],
        ];
        let bytes = workbook("居民点 [1]", &rows);
        assert!(bytes.starts_with(b"PK\x03\x04"));
        let (names, got) = read_back(bytes);
        assert_eq!(names, vec!["居民点 1".to_string()]);
        assert_eq!(got[0][0], Data::String("名称".into()));
        assert_eq!(got[1][0], Data::String("<a & b> \"q\" 'x'".into()));
        assert_eq!(
            got[1][1],
            Data::String("451099100201".into()),
            "a code stays text"
        );
        assert_eq!(got[1][2], Data::Float(1234.5));
        assert_eq!(got[1][3], Data::String(" spaced ".into()));
        assert_eq!(got[2][0], Data::String("青岚县".into()));
        assert_eq!(got[2][1], Data::Empty);
        assert_eq!(got[2][2], Data::Float(-0.25));
        assert_eq!(got[2].get(3).cloned().unwrap_or(Data::Empty), Data::Empty);
    }

    #[test]
    fn columns_are_lettered_like_excel() {
        assert_eq!(column(0), "A");
        assert_eq!(column(25), "Z");
        assert_eq!(column(26), "AA");
        assert_eq!(column(27), "AB");
        assert_eq!(column(701), "ZZ");
        assert_eq!(column(702), "AAA");
        assert_eq!(Cell::Number(12.0).text(), "12");
        assert_eq!(Cell::Number(0.125).text(), "0.125");
        assert_eq!(Cell::Number(f64::INFINITY).text(), "");
    }
}
