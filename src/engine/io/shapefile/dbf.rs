//! The `.dbf` attribute table (dBASE III): field descriptors, then fixed-width records. Text
//! is decoded in the encoding named by the `.cpg` file, else by the language-driver byte
//! (0x4D: code page 936, GBK), else UTF-8 when it is valid, else GBK (what Chinese GIS
//! software writes without saying).

use serde_json::{Map, Value};

/// A field: its name and type.
#[derive(Clone, Debug)]
struct Field {
    name: String,
    kind: u8,
    len: usize,
}

/// The encoding of the table's text.
pub fn encoding(cpg: Option<&str>, dbf: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    if let Some(label) = cpg.map(str::trim).filter(|l| !l.is_empty()) {
        let l = label.to_ascii_lowercase();
        let l = match l.as_str() {
            "936" | "cp936" | "ansi 936" | "gb2312" | "gbk" => "gbk",
            "54936" | "gb18030" => "gb18030",
            "65001" | "utf8" | "utf-8" => "utf-8",
            "950" | "big5" => "big5",
            other => other,
        };
        if let Some(e) = encoding_rs::Encoding::for_label(l.as_bytes()) {
            return Some(e);
        }
    }
    match dbf.get(29) {
        Some(0x4D) => Some(encoding_rs::GBK),
        Some(0x4E) | Some(0x78) => Some(encoding_rs::BIG5),
        _ => None,
    }
}

/// Text in `enc`, or UTF-8 when valid, else GBK.
fn decode(bytes: &[u8], enc: Option<&'static encoding_rs::Encoding>) -> String {
    let enc = enc.unwrap_or(if std::str::from_utf8(bytes).is_ok() {
        encoding_rs::UTF_8
    } else {
        encoding_rs::GBK
    });
    enc.decode_without_bom_handling(bytes).0.into_owned()
}

/// Every record's attributes as a property map (field name → string, number or boolean);
/// `None` for a table that is not dBASE. Field names cut to 10 bytes by the format are given
/// back in full by `expand`.
pub fn read(
    bytes: &[u8],
    enc: Option<&'static encoding_rs::Encoding>,
    expand: &dyn Fn(&str) -> String,
) -> Option<Vec<Map<String, Value>>> {
    let records = u32::from_le_bytes(bytes.get(4..8)?.try_into().ok()?) as usize;
    let header_len = u16::from_le_bytes(bytes.get(8..10)?.try_into().ok()?) as usize;
    let record_len = u16::from_le_bytes(bytes.get(10..12)?.try_into().ok()?) as usize;
    let mut fields = Vec::new();
    let mut at = 32;
    while at + 32 <= header_len && bytes.get(at) != Some(&0x0D) {
        let d = bytes.get(at..at + 32)?;
        let raw = &d[..11];
        let end = raw.iter().position(|&b| b == 0).unwrap_or(11);
        let name = expand(decode(&raw[..end], enc).trim());
        fields.push(Field {
            name,
            kind: d[11],
            len: d[16] as usize,
        });
        at += 32;
    }
    // Every record holds at least its deletion flag: a zero length is not dBASE (and would
    // make the declared count, up to four billion, of empty records out of nothing).
    if record_len == 0 {
        return None;
    }
    let records = records.min(bytes.len().saturating_sub(header_len) / record_len);
    let mut out = Vec::with_capacity(records);
    for r in 0..records {
        let start = header_len + r * record_len;
        let Some(rec) = bytes.get(start..start + record_len) else {
            break;
        };
        let mut map = Map::new();
        let mut pos = 1; // deletion flag
        for f in &fields {
            let Some(cell) = rec.get(pos..pos + f.len) else {
                break;
            };
            pos += f.len;
            let text = decode(cell, enc);
            let text = text.trim_matches(|c: char| c == ' ' || c == '\0');
            let value = match f.kind {
                b'N' | b'F' => match text.parse::<f64>() {
                    Ok(x) if x.is_finite() => serde_json::Number::from_f64(x).map(Value::Number),
                    _ => None,
                },
                b'L' => match text {
                    "T" | "t" | "Y" | "y" => Some(Value::Bool(true)),
                    "F" | "f" | "N" | "n" => Some(Value::Bool(false)),
                    _ => None,
                },
                _ => (!text.is_empty()).then(|| Value::String(text.to_string())),
            };
            if let Some(v) = value {
                map.insert(f.name.clone(), v);
            }
        }
        out.push(map);
    }
    Some(out)
}
