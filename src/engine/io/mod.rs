//! Readers: bytes in, [`crate::engine::model::Layers`] out. A reader only reads; which layer
//! wins when several files are loaded is [`crate::engine::dataset`]'s business.

pub mod geojson;
pub mod osm;
pub mod properties;
