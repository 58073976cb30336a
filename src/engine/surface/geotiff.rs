//! The surface as a GeoTIFF: one band of 32-bit floats (minutes; NaN for cells outside the
//! admin units or that reach no service point), uncompressed, in strips, georeferenced by a
//! tie point and pixel scale in the UTM zone's EPSG code (WGS 84 / UTM, 326xx or 327xx),
//! pixel-is-area, with GDAL's no-data tag set to NaN.

use super::Surface;

/// TIFF field types.
const SHORT: u16 = 3;
const LONG: u16 = 4;
const ASCII: u16 = 2;
const DOUBLE: u16 = 12;

/// Rows per strip (about 64 KiB per strip for a 4,000-column grid).
const ROWS_PER_STRIP: usize = 4;

/// The surface's minutes as GeoTIFF bytes (little-endian classic TIFF).
pub fn write(surface: &Surface) -> Vec<u8> {
    let g = &surface.grid;
    let (cols, rows) = (g.cols, g.rows);
    let strips = rows.div_ceil(ROWS_PER_STRIP);
    let mut pixels = Vec::with_capacity(cols * rows * 4);
    for &m in &surface.minutes {
        let v = if m.is_finite() { m as f32 } else { f32::NAN };
        pixels.extend_from_slice(&v.to_le_bytes());
    }
    let strip_bytes: Vec<u32> = (0..strips)
        .map(|s| ((rows - s * ROWS_PER_STRIP).min(ROWS_PER_STRIP) * cols * 4) as u32)
        .collect();
    // GeoKeyDirectory: version 1.1.0, then (key, location, count, value).
    let geokeys: Vec<u16> = vec![
        1,
        1,
        0,
        3, //
        1024,
        0,
        1,
        1, // GTModelTypeGeoKey: projected
        1025,
        0,
        1,
        1, // GTRasterTypeGeoKey: PixelIsArea
        3072,
        0,
        1,
        g.zone.epsg() as u16, // ProjectedCSTypeGeoKey
    ];
    let mut entries: Vec<(u16, u16, Value)> = vec![
        (256, LONG, Value::Longs(vec![cols as u32])),
        (257, LONG, Value::Longs(vec![rows as u32])),
        (258, SHORT, Value::Shorts(vec![32])),
        (259, SHORT, Value::Shorts(vec![1])),
        (262, SHORT, Value::Shorts(vec![1])),
        (273, LONG, Value::Longs(vec![0; strips])), // offsets, filled below
        (277, SHORT, Value::Shorts(vec![1])),
        (278, LONG, Value::Longs(vec![ROWS_PER_STRIP as u32])),
        (279, LONG, Value::Longs(strip_bytes.clone())),
        (284, SHORT, Value::Shorts(vec![1])),
        (339, SHORT, Value::Shorts(vec![3])),
        (33550, DOUBLE, Value::Doubles(vec![g.cell_m, g.cell_m, 0.0])),
        (
            33922,
            DOUBLE,
            Value::Doubles(vec![0.0, 0.0, 0.0, g.west, g.north, 0.0]),
        ),
        (34735, SHORT, Value::Shorts(geokeys)),
        (42113, ASCII, Value::Ascii("nan".into())),
    ];
    // Layout: header, IFD, the values that do not fit in an entry, then the pixels.
    let ifd_len = 2 + entries.len() * 12 + 4;
    let mut extra_len = 0usize;
    for (_, _, v) in &entries {
        if v.len_bytes() > 4 {
            extra_len += v.len_bytes().next_multiple_of(2);
        }
    }
    let pixels_at = (8 + ifd_len + extra_len).next_multiple_of(4);
    let offsets: Vec<u32> = (0..strips)
        .map(|s| (pixels_at + s * ROWS_PER_STRIP * cols * 4) as u32)
        .collect();
    entries[5].2 = Value::Longs(offsets);
    let mut out = Vec::with_capacity(pixels_at + pixels.len());
    out.extend_from_slice(b"II");
    out.extend_from_slice(&42u16.to_le_bytes());
    out.extend_from_slice(&8u32.to_le_bytes());
    out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
    let mut extra = Vec::new();
    let extra_at = 8 + ifd_len;
    for (tag, kind, v) in &entries {
        out.extend_from_slice(&tag.to_le_bytes());
        out.extend_from_slice(&kind.to_le_bytes());
        out.extend_from_slice(&(v.count() as u32).to_le_bytes());
        let bytes = v.bytes();
        if bytes.len() <= 4 {
            let mut field = [0u8; 4];
            field[..bytes.len()].copy_from_slice(&bytes);
            out.extend_from_slice(&field);
        } else {
            out.extend_from_slice(&((extra_at + extra.len()) as u32).to_le_bytes());
            extra.extend_from_slice(&bytes);
            if extra.len() % 2 == 1 {
                extra.push(0);
            }
        }
    }
    out.extend_from_slice(&0u32.to_le_bytes());
    out.extend_from_slice(&extra);
    out.resize(pixels_at, 0);
    out.extend_from_slice(&pixels);
    out
}

/// A field's values.
enum Value {
    Shorts(Vec<u16>),
    Longs(Vec<u32>),
    Doubles(Vec<f64>),
    Ascii(String),
}

impl Value {
    fn count(&self) -> usize {
        match self {
            Value::Shorts(v) => v.len(),
            Value::Longs(v) => v.len(),
            Value::Doubles(v) => v.len(),
            Value::Ascii(s) => s.len() + 1,
        }
    }

    fn bytes(&self) -> Vec<u8> {
        match self {
            Value::Shorts(v) => v.iter().flat_map(|x| x.to_le_bytes()).collect(),
            Value::Longs(v) => v.iter().flat_map(|x| x.to_le_bytes()).collect(),
            Value::Doubles(v) => v.iter().flat_map(|x| x.to_le_bytes()).collect(),
            Value::Ascii(s) => s.bytes().chain([0]).collect(),
        }
    }

    fn len_bytes(&self) -> usize {
        self.bytes().len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::crs::UtmZone;
    use crate::engine::surface::Grid;

    /// Reads back the tags and pixels the way a TIFF reader does.
    #[test]
    fn header_tags_and_pixels_read_back() {
        let grid = Grid {
            zone: UtmZone {
                number: 50,
                north: true,
            },
            cell_m: 100.0,
            west: 500_000.0,
            north: 3_000_000.0,
            cols: 3,
            rows: 5,
        };
        let minutes: Vec<f64> = (0..15)
            .map(|i| match i {
                4 => f64::NAN,
                7 => f64::INFINITY,
                _ => i as f64 * 1.5,
            })
            .collect();
        let bytes = write(&Surface { grid, minutes });
        assert_eq!(&bytes[..4], b"II*\0");
        let u16_at = |o: usize| u16::from_le_bytes([bytes[o], bytes[o + 1]]);
        let u32_at = |o: usize| u32::from_le_bytes(bytes[o..o + 4].try_into().unwrap());
        let ifd = u32_at(4) as usize;
        let n = u16_at(ifd) as usize;
        let tag = |t: u16| {
            (0..n)
                .map(|k| ifd + 2 + k * 12)
                .find(|&e| u16_at(e) == t)
                .map(|e| (u16_at(e + 2), u32_at(e + 4), e + 8))
                .unwrap()
        };
        assert_eq!(u32_at(tag(256).2), 3);
        assert_eq!(u32_at(tag(257).2), 5);
        let (_, count, at) = tag(273);
        assert_eq!(count, 2);
        let offsets = u32_at(at) as usize;
        let first = u32_at(offsets) as usize;
        let second = u32_at(offsets + 4) as usize;
        assert_eq!(second - first, 4 * 3 * 4);
        let px = |i: usize| {
            f32::from_le_bytes(bytes[first + i * 4..first + i * 4 + 4].try_into().unwrap())
        };
        assert_eq!(px(3), 4.5);
        assert!(px(4).is_nan() && px(7).is_nan());
        assert_eq!(px(14), 21.0);
        let (_, count, at) = tag(34735);
        assert_eq!(count, 16);
        let keys = u32_at(at) as usize;
        assert_eq!(u16_at(keys + 15 * 2), 32650);
        let tie = u32_at(tag(33922).2) as usize;
        let f64_at = |o: usize| f64::from_le_bytes(bytes[o..o + 8].try_into().unwrap());
        assert_eq!(
            (f64_at(tie + 24), f64_at(tie + 32)),
            (500_000.0, 3_000_000.0)
        );
        assert_eq!(bytes.len(), first + 15 * 4);
    }
}
