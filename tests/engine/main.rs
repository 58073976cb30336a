//! The engine's integration tests, one module per area, in one test binary (see
//! `tests/support/` for what they share and `tests/cli/` for the command line):
//!
//! - `access`: capacity-limited coverage (2SFCA and its variants) against PySAL's `access`;
//! - `reference_cases`: the real cases against an independent implementation's results;
//! - `osm`: reading the OpenStreetMap extracts;
//! - `rules`: the rule catalog on small hand-made cases;
//! - `properties`: travel-time properties on generated and hand-made networks;
//! - `golden_report`: the demo county's report, compared with `tests/golden/`;
//! - `demo_county`: the generated demo county.
//!
//! Run one area with `cargo test --test engine <area>::`.
#![cfg(not(target_arch = "wasm32"))]

#[path = "../support/mod.rs"]
mod support;

mod access;
mod demo_county;
mod edits;
mod golden_report;
mod osm;
mod own_files;
mod planning;
mod properties;
mod reference_cases;
mod rules;
mod surface;
