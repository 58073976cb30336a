//! What the integration tests share (`tests/engine/` and `tests/cli/` include it with
//! `#[path]`, as `benches/stages.rs` does `data`):
//!
//! - [`data`]: where the test data lives and how to read it (the gzip-compressed case files);
//! - [`geojson`]: GeoJSON fixtures placed in metres through the engine's own inverse projection;
//! - [`report`]: assertions on a report (findings by rule and place, rule statuses).
#![allow(dead_code)] // each test binary uses its own part of this module

pub mod data;
pub mod geojson;
pub mod report;
