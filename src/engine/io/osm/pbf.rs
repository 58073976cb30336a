//! The PBF bytes: the blob framing is walked and checked before the `osmpbf` decoder sees it
//! (so that a file that is not PBF, or is cut short, gets a precise error), then one guarded
//! pass over the elements keeps what the later steps need.

use super::tags::{facility_kind, tag, Tags};
use super::{OsmError, OsmStats, OsmType};
use crate::engine::crs::LonLat;

// ---------------------------------------------------------------------------------------------
// Framing: walk the blob structure before the decoder sees it, so that a file that is not PBF,
// or is cut short, gets a precise error.

/// Largest blob header and blob, as the PBF format defines them.
const MAX_HEADER: usize = 64 * 1024;
const MAX_BLOB: usize = 32 * 1024 * 1024;

/// Checks the framing of every blob; returns the number of blobs.
pub(super) fn frame(bytes: &[u8]) -> Result<usize, OsmError> {
    if bytes.is_empty() {
        return Err(OsmError::Empty);
    }
    let mut pos = 0usize;
    let mut index = 0usize;
    while pos < bytes.len() {
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
        pos += datasize;
        index += 1;
    }
    Ok(index)
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

/// Parses a `BlobHeader` message: (type, datasize). `None` when it is not one.
fn blob_header(buf: &[u8]) -> Option<(String, usize)> {
    let mut pos = 0;
    let mut kind = None;
    let mut datasize = None;
    while pos < buf.len() {
        let key = varint(buf, &mut pos)?;
        match (key >> 3, key & 7) {
            (3, 0) => datasize = Some(varint(buf, &mut pos)?),
            (field, 2) => {
                let len = usize::try_from(varint(buf, &mut pos)?).ok()?;
                let end = pos.checked_add(len).filter(|&e| e <= buf.len())?;
                if field == 1 {
                    kind = Some(String::from_utf8(buf[pos..end].to_vec()).ok()?);
                }
                pos = end;
            }
            (_, 0) => {
                varint(buf, &mut pos)?;
            }
            _ => return None,
        }
    }
    let datasize = usize::try_from(datasize?).ok()?;
    Some((kind?, datasize))
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
pub(super) fn decode_guarded(bytes: &[u8], blobs: usize) -> Result<Raw, OsmError> {
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

fn decode(bytes: &[u8], blobs: usize) -> Result<Raw, OsmError> {
    use osmpbf::{BlobDecode, BlobReader, Element};
    let mut raw = Raw::default();
    let reader = BlobReader::new(std::io::Cursor::new(bytes));
    for (index, blob) in reader.enumerate() {
        let corrupt = |e: osmpbf::Error| OsmError::Corrupt {
            blob: index,
            detail: e.to_string(),
        };
        let blob = blob.map_err(corrupt)?;
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
    if raw.stats.blobs != blobs {
        return Err(OsmError::Corrupt {
            blob: raw.stats.blobs,
            detail: format!("{} of {blobs} blobs could be read", raw.stats.blobs),
        });
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
