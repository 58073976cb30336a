//! The PBF bytes: the blob framing is walked and checked before the `osmpbf` decoder sees it
//! (so that a file that is not PBF, or is cut short, gets a precise error), then one guarded
//! pass over the elements keeps what the later steps need.

use super::tags::{facility_kind, tag, Tags};
use super::{OsmError, OsmStats, OsmType};
use crate::engine::crs::LonLat;

// ---------------------------------------------------------------------------------------------
// Framing: walk the blob structure before the decoder sees it, so that a file that is not PBF,
// or is cut short, gets a precise error, and check every blob's sizes before anything is
// inflated (a blob that would inflate past the format's limit, or claims a size its compressed
// bytes cannot hold, is refused unread).

/// Largest blob header and blob, as the PBF format defines them; a blob's content inflates to
/// at most `MAX_BLOB` bytes too.
const MAX_HEADER: usize = 64 * 1024;
const MAX_BLOB: usize = 32 * 1024 * 1024;
/// The most bytes deflate can make of one compressed byte (its longest match, 258 bytes, in
/// under two bits): a blob declaring more is lying about its size.
const MAX_DEFLATE_RATIO: usize = 1032;

/// One blob of the file, as framing found it.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Framed {
    /// The blob header's type (`OSMHeader`, `OSMData`, or another a reader skips).
    kind: String,
    /// What the `Blob` message holds.
    payload: Payload,
}

/// The content of a `Blob` message, as ranges of the file.
#[derive(Clone, Debug, PartialEq)]
enum Payload {
    /// Uncompressed.
    Raw(std::ops::Range<usize>),
    /// zlib-compressed, inflating to `raw_size` bytes (when the blob declares it; at most the
    /// format's 32 MiB when it does not).
    Zlib {
        data: std::ops::Range<usize>,
        raw_size: Option<usize>,
    },
}

/// Checks the framing and the declared sizes of every blob; returns the blobs.
pub(super) fn frame(bytes: &[u8]) -> Result<Vec<Framed>, OsmError> {
    if bytes.is_empty() {
        return Err(OsmError::Empty);
    }
    let mut pos = 0usize;
    let mut blobs = Vec::new();
    while pos < bytes.len() {
        let index = blobs.len();
        let left = bytes.len() - pos;
        if left < 4 {
            return Err(OsmError::Truncated {
                detail: format!(
                    "{left} stray bytes at the end (offset {pos}), too few for a blob header"
                ),
            });
        }
        let header_len =
            u32::from_be_bytes([bytes[pos], bytes[pos + 1], bytes[pos + 2], bytes[pos + 3]])
                as usize;
        pos += 4;
        let bad = |detail: String| {
            if index == 0 {
                OsmError::NotPbf { detail }
            } else {
                OsmError::Corrupt {
                    blob: index,
                    detail,
                }
            }
        };
        if header_len == 0 || header_len > MAX_HEADER {
            return Err(bad(format!(
                "blob header length {header_len} at offset {} is not between 1 and {MAX_HEADER}",
                pos - 4
            )));
        }
        if bytes.len() - pos < header_len {
            return Err(OsmError::Truncated {
                detail: format!(
                    "blob {index}'s header needs {header_len} bytes at offset {pos}, {} remain",
                    bytes.len() - pos
                ),
            });
        }
        let (kind, datasize) = blob_header(&bytes[pos..pos + header_len])
            .ok_or_else(|| bad(format!("blob {index}'s header is not a PBF blob header")))?;
        if index == 0 && kind != "OSMHeader" {
            return Err(OsmError::NotPbf {
                detail: format!("the first blob is \"{kind}\", not \"OSMHeader\""),
            });
        }
        pos += header_len;
        if datasize > MAX_BLOB {
            return Err(bad(format!(
                "blob {index} declares {datasize} bytes, more than {MAX_BLOB}"
            )));
        }
        if bytes.len() - pos < datasize {
            return Err(OsmError::Truncated {
                detail: format!(
                    "blob {index} needs {datasize} bytes at offset {pos}, {} remain",
                    bytes.len() - pos
                ),
            });
        }
        let payload = blob_payload(bytes, pos..pos + datasize, index)?;
        pos += datasize;
        blobs.push(Framed { kind, payload });
    }
    Ok(blobs)
}

fn varint(buf: &[u8], pos: &mut usize) -> Option<u64> {
    let mut value = 0u64;
    for shift in (0..64).step_by(7) {
        let b = *buf.get(*pos)?;
        *pos += 1;
        value |= u64::from(b & 0x7f) << shift;
        if b & 0x80 == 0 {
            return Some(value);
        }
    }
    None
}

/// The fields of a protobuf message `buf`: (field number, varint value or the range of a
/// length-delimited field's bytes within `buf`). `None` when it is not a message.
fn fields(buf: &[u8]) -> Option<Vec<(u64, Field)>> {
    let mut pos = 0;
    let mut out = Vec::new();
    while pos < buf.len() {
        let key = varint(buf, &mut pos)?;
        let value = match key & 7 {
            0 => Field::Varint(varint(buf, &mut pos)?),
            1 | 5 => {
                pos = pos.checked_add(if key & 7 == 1 { 8 } else { 4 })?;
                if pos > buf.len() {
                    return None;
                }
                Field::Fixed
            }
            2 => {
                let len = usize::try_from(varint(buf, &mut pos)?).ok()?;
                let end = pos.checked_add(len).filter(|&e| e <= buf.len())?;
                let range = pos..end;
                pos = end;
                Field::Bytes(range)
            }
            _ => return None,
        };
        out.push((key >> 3, value));
    }
    Some(out)
}

/// A protobuf field's value.
enum Field {
    Varint(u64),
    /// A fixed 32- or 64-bit value (not read).
    Fixed,
    Bytes(std::ops::Range<usize>),
}

/// Parses a `BlobHeader` message: (type, datasize). `None` when it is not one.
fn blob_header(buf: &[u8]) -> Option<(String, usize)> {
    let mut kind = None;
    let mut datasize = None;
    for (field, value) in fields(buf)? {
        match (field, value) {
            (1, Field::Bytes(r)) => kind = Some(String::from_utf8(buf[r].to_vec()).ok()?),
            (3, Field::Varint(v)) => datasize = Some(v),
            (1 | 3, _) => return None,
            _ => {}
        }
    }
    let datasize = usize::try_from(datasize?).ok()?;
    Some((kind?, datasize))
}

/// Parses the `Blob` message at `at` in `bytes` (blob number `index`) and checks the size it
/// declares before anything is inflated: present, within the format's limit, and no more than
/// deflate can make of the compressed bytes.
fn blob_payload(
    bytes: &[u8],
    at: std::ops::Range<usize>,
    index: usize,
) -> Result<Payload, OsmError> {
    let corrupt = |detail: String| OsmError::Corrupt {
        blob: index,
        detail,
    };
    let offset = at.start;
    let buf = &bytes[at];
    let fields =
        fields(buf).ok_or_else(|| corrupt("its content is not a PBF Blob message".into()))?;
    let mut raw = None;
    let mut zlib = None;
    let mut raw_size = None;
    let mut other = None;
    for (field, value) in fields {
        match (field, value) {
            (1, Field::Bytes(r)) => raw = Some(r.start + offset..r.end + offset),
            (2, Field::Varint(v)) => raw_size = Some(v),
            (3, Field::Bytes(r)) => zlib = Some(r.start + offset..r.end + offset),
            (4, _) => other = Some("LZMA"),
            (5, _) => other = Some("bzip2"),
            (6, _) => other = Some("LZ4"),
            (7, _) => other = Some("Zstandard"),
            (1..=3, _) => return Err(corrupt("its content is not a PBF Blob message".into())),
            _ => {}
        }
    }
    match (raw, zlib) {
        (Some(data), _) => Ok(Payload::Raw(data)),
        (None, Some(data)) => {
            // The format makes raw_size optional: without it, inflating stops at the format's
            // limit instead.
            let Some(raw_size) = raw_size else {
                return Ok(Payload::Zlib {
                    data,
                    raw_size: None,
                });
            };
            // raw_size is an int32: a negative one reads as a huge varint, past the limit.
            let size = usize::try_from(raw_size)
                .ok()
                .filter(|&size| size <= MAX_BLOB)
                .ok_or_else(|| {
                    corrupt(format!(
                        "it declares it inflates to {raw_size} bytes, more than the format's {MAX_BLOB}: refused before inflating"
                    ))
                })?;
            if size > data.len().saturating_mul(MAX_DEFLATE_RATIO) {
                return Err(corrupt(format!(
                    "it declares it inflates to {size} bytes from {} compressed bytes, more than zlib can: refused before inflating",
                    data.len()
                )));
            }
            Ok(Payload::Zlib {
                data,
                raw_size: Some(size),
            })
        }
        (None, None) => Err(match other {
            Some(codec) => OsmError::Unsupported {
                features: format!(
                    "blob {index} is compressed with {codec} (only zlib and uncompressed blobs are read; re-save the file with osmium or osmconvert)"
                ),
            },
            None => corrupt("it holds no data (neither raw nor zlib_data)".into()),
        }),
    }
}

/// The content of the blob `blob` of `bytes` (a header or data block): as it is in the file
/// when uncompressed; else inflated here, to exactly the size it declares (the decoder alone
/// would inflate up to 32 MiB whatever a blob declares).
fn content<'a>(
    bytes: &'a [u8],
    blob: &Framed,
    index: usize,
) -> Result<std::borrow::Cow<'a, [u8]>, OsmError> {
    use std::io::Read;
    let (data, raw_size) = match &blob.payload {
        Payload::Raw(data) => return Ok(std::borrow::Cow::Borrowed(&bytes[data.clone()])),
        Payload::Zlib { data, raw_size } => (data, *raw_size),
    };
    let limit = raw_size.unwrap_or(MAX_BLOB);
    let mut raw =
        Vec::with_capacity(raw_size.unwrap_or(data.len().saturating_mul(4).min(MAX_BLOB)));
    flate2::read::ZlibDecoder::new(&bytes[data.clone()])
        .take(limit as u64 + 1)
        .read_to_end(&mut raw)
        .map_err(|e| OsmError::Corrupt {
            blob: index,
            detail: format!("its zlib data cannot be inflated ({e})"),
        })?;
    let Some(raw_size) = raw_size else {
        if raw.len() > MAX_BLOB {
            return Err(OsmError::Corrupt {
                blob: index,
                detail: format!(
                    "it inflates to more than the format's {MAX_BLOB} bytes (it does not declare its size)"
                ),
            });
        }
        return Ok(std::borrow::Cow::Owned(raw));
    };
    if raw.len() != raw_size {
        return Err(OsmError::Corrupt {
            blob: index,
            detail: format!(
                "it declares it inflates to {raw_size} bytes, but inflates to {}",
                if raw.len() > raw_size {
                    "more".to_string()
                } else {
                    raw.len().to_string()
                }
            ),
        });
    }
    Ok(std::borrow::Cow::Owned(raw))
}

/// Checks what the decoder would panic on in a data block `block` (a `PrimitiveBlock`
/// message): a relation member whose type is not node, way or relation. `Err` says which.
fn check_block(block: &[u8]) -> Result<(), String> {
    let not = |what: &str| format!("its {what} is not a PBF message");
    for (field, value) in fields(block).ok_or_else(|| not("data block"))? {
        let (2, Field::Bytes(group)) = (field, value) else {
            continue;
        };
        let group = &block[group];
        for (field, value) in fields(group).ok_or_else(|| not("group"))? {
            let (4, Field::Bytes(relation)) = (field, value) else {
                continue;
            };
            let relation = &group[relation];
            let mut id = None;
            for (field, value) in fields(relation).ok_or_else(|| not("relation"))? {
                let types = match (field, value) {
                    (1, Field::Varint(v)) => {
                        id = Some(v as i64);
                        continue;
                    }
                    (10, Field::Varint(v)) => vec![v],
                    (10, Field::Bytes(packed)) => {
                        let (packed, mut pos) = (&relation[packed], 0);
                        let mut out = Vec::new();
                        while pos < packed.len() {
                            out.push(varint(packed, &mut pos).ok_or_else(|| not("relation"))?);
                        }
                        out
                    }
                    _ => continue,
                };
                if let Some(bad) = types.into_iter().find(|&t| t > 2) {
                    return Err(format!(
                        "relation {} has a member of unknown type {} (0 node, 1 way, 2 relation)",
                        id.map_or("?".to_string(), |id| id.to_string()),
                        bad as i64
                    ));
                }
            }
        }
    }
    Ok(())
}

/// An uncompressed blob of type `kind` holding `raw`, framed as in a PBF file.
fn reframe(kind: &str, raw: &[u8]) -> Vec<u8> {
    fn put_varint(out: &mut Vec<u8>, mut v: u64) {
        while v >= 0x80 {
            out.push((v as u8 & 0x7f) | 0x80);
            v >>= 7;
        }
        out.push(v as u8);
    }
    let mut body = Vec::with_capacity(raw.len() + 8);
    body.push(0x0a); // field 1 (raw), length-delimited
    put_varint(&mut body, raw.len() as u64);
    body.extend_from_slice(raw);
    let mut header = vec![0x0a]; // field 1 (type), length-delimited
    put_varint(&mut header, kind.len() as u64);
    header.extend_from_slice(kind.as_bytes());
    header.push(0x18); // field 3 (datasize), varint
    put_varint(&mut header, body.len() as u64);
    let mut out = Vec::with_capacity(4 + header.len() + body.len());
    out.extend_from_slice(&(header.len() as u32).to_be_bytes());
    out.extend_from_slice(&header);
    out.extend_from_slice(&body);
    out
}

// ---------------------------------------------------------------------------------------------
// Decoding: one pass over the elements, keeping what later steps need.

#[derive(Default)]
pub(super) struct Raw {
    pub(super) stats: OsmStats,
    /// Every node's position, by id (sorted before use).
    pub(super) nodes: Vec<(i64, LonLat)>,
    /// Nodes with a tag MedReach reads (place, population, amenity, healthcare), in file order.
    pub(super) tagged_nodes: Vec<(i64, LonLat, Tags)>,
    /// Every way's node ids, concatenated; `ways` indexes into it.
    pub(super) refs: Vec<i64>,
    /// Every way: id, range in `refs`, and its tags when MedReach reads it.
    pub(super) ways: Vec<RawWay>,
    /// Relations MedReach reads (admin boundaries, facility multipolygons), in file order.
    pub(super) relations: Vec<RawRelation>,
}

pub(super) struct RawWay {
    pub(super) id: i64,
    pub(super) start: usize,
    pub(super) len: usize,
    pub(super) tags: Option<Tags>,
}

pub(super) struct RawRelation {
    pub(super) id: i64,
    pub(super) tags: Tags,
    /// (member type, id, role).
    pub(super) members: Vec<(OsmType, i64, String)>,
}

/// Tag keys that make a node worth keeping.
const NODE_KEYS: &[&str] = &["place", "population", "amenity", "healthcare"];
/// Tag keys that make a way's tags worth keeping.
const WAY_KEYS: &[&str] = &["highway", "building", "amenity", "healthcare"];

fn position(nano_lon: i64, nano_lat: i64) -> Option<LonLat> {
    // Dividing the exact integer by 10⁹ gives the double nearest the decimal value, the same
    // double a GeoJSON export of it parses to.
    let p = LonLat {
        lon: nano_lon as f64 / 1e9,
        lat: nano_lat as f64 / 1e9,
    };
    (p.lon.abs() <= 180.0 && p.lat.abs() <= 90.0).then_some(p)
}

/// Decodes the blobs; natively a panic inside the PBF reader becomes [`OsmError::Corrupt`].
pub(super) fn decode_guarded(bytes: &[u8], blobs: &[Framed]) -> Result<Raw, OsmError> {
    #[cfg(not(target_arch = "wasm32"))]
    {
        std::panic::catch_unwind(|| decode(bytes, blobs)).unwrap_or_else(|_| {
            Err(OsmError::Corrupt {
                blob: 0,
                detail: "the PBF decoder failed on malformed data".to_string(),
            })
        })
    }
    #[cfg(target_arch = "wasm32")]
    {
        decode(bytes, blobs)
    }
}

fn decode(bytes: &[u8], blobs: &[Framed]) -> Result<Raw, OsmError> {
    use osmpbf::{BlobDecode, BlobReader, Element};
    let mut raw = Raw::default();
    for (index, framed) in blobs.iter().enumerate() {
        let corrupt = |e: osmpbf::Error| OsmError::Corrupt {
            blob: index,
            detail: e.to_string(),
        };
        let block = content(bytes, framed, index)?;
        if framed.kind == "OSMData" {
            check_block(&block).map_err(|detail| OsmError::Corrupt {
                blob: index,
                detail,
            })?;
        }
        let stream = reframe(&framed.kind, &block);
        let blob = BlobReader::new(std::io::Cursor::new(&stream[..]))
            .next()
            .ok_or_else(|| OsmError::Corrupt {
                blob: index,
                detail: "the decoder found no blob".into(),
            })?
            .map_err(corrupt)?;
        raw.stats.blobs += 1;
        match blob.decode().map_err(corrupt)? {
            BlobDecode::OsmHeader(header) => {
                let unsupported: Vec<&str> = header
                    .required_features()
                    .iter()
                    .map(String::as_str)
                    .filter(|f| !matches!(*f, "OsmSchema-V0.6" | "DenseNodes"))
                    .collect();
                if !unsupported.is_empty() {
                    return Err(OsmError::Unsupported {
                        features: unsupported.join(", "),
                    });
                }
            }
            BlobDecode::OsmData(block) => {
                for element in block.elements() {
                    match element {
                        Element::Node(n) => {
                            raw.node(n.id(), n.nano_lon(), n.nano_lat(), n.tags());
                        }
                        Element::DenseNode(n) => {
                            raw.node(n.id(), n.nano_lon(), n.nano_lat(), n.tags());
                        }
                        Element::Way(w) => raw.way(&w),
                        Element::Relation(r) => raw.relation(&r),
                    }
                }
            }
            BlobDecode::Unknown(_) => {}
        }
    }
    Ok(raw)
}

impl Raw {
    fn node<'a>(
        &mut self,
        id: i64,
        nano_lon: i64,
        nano_lat: i64,
        tags: impl Iterator<Item = (&'a str, &'a str)>,
    ) {
        self.stats.nodes += 1;
        let Some(at) = position(nano_lon, nano_lat) else {
            return;
        };
        self.nodes.push((id, at));
        let tags: Tags = tags.map(|(k, v)| (k.to_string(), v.to_string())).collect();
        if tags.iter().any(|(k, _)| NODE_KEYS.contains(&k.as_str())) {
            self.tagged_nodes.push((id, at, tags));
        }
    }

    fn way(&mut self, w: &osmpbf::Way<'_>) {
        self.stats.ways += 1;
        let start = self.refs.len();
        self.refs.extend(w.refs());
        let len = self.refs.len() - start;
        // A file with node locations on ways may leave the nodes out: take them from the way.
        let locations: Vec<_> = w.node_locations().collect();
        if locations.len() == len {
            for (k, loc) in locations.iter().enumerate() {
                if let Some(at) = position(loc.nano_lon(), loc.nano_lat()) {
                    self.nodes.push((self.refs[start + k], at));
                }
            }
        }
        let keep = w.tags().any(|(k, _)| WAY_KEYS.contains(&k));
        let tags = keep.then(|| {
            w.tags()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        });
        self.ways.push(RawWay {
            id: w.id(),
            start,
            len,
            tags,
        });
    }

    fn relation(&mut self, r: &osmpbf::Relation<'_>) {
        self.stats.relations += 1;
        let tags: Tags = r
            .tags()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let admin = tag(&tags, "boundary") == Some("administrative")
            && matches!(tag(&tags, "type"), Some("boundary" | "multipolygon"));
        let facility = tag(&tags, "type") == Some("multipolygon") && facility_kind(&tags).is_some();
        if !(admin || facility) {
            return;
        }
        let members = r
            .members()
            .map(|m| {
                let kind = match m.member_type {
                    osmpbf::RelMemberType::Node => OsmType::Node,
                    osmpbf::RelMemberType::Way => OsmType::Way,
                    osmpbf::RelMemberType::Relation => OsmType::Relation,
                };
                (kind, m.member_id, m.role().unwrap_or("").to_string())
            })
            .collect();
        self.relations.push(RawRelation {
            id: r.id(),
            tags,
            members,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn framing() {
        assert_eq!(frame(&[]), Err(OsmError::Empty));
        assert!(matches!(frame(&[0, 0, 0]), Err(OsmError::Truncated { .. })));
        assert!(matches!(
            frame(&[0xff, 0, 0, 0, 1]),
            Err(OsmError::NotPbf { .. })
        ));
        // A header blob of type "OSMData" first is not a PBF file.
        let header = [0x0a, 7, b'O', b'S', b'M', b'D', b'a', b't', b'a', 0x18, 0];
        let mut bytes = vec![0, 0, 0, header.len() as u8];
        bytes.extend_from_slice(&header);
        assert!(matches!(frame(&bytes), Err(OsmError::NotPbf { .. })));
        assert_eq!(blob_header(&header), Some(("OSMData".to_string(), 0)));
        assert_eq!(blob_header(&[0x0a, 50, b'x']), None);
    }
}
