//! MedReach: checks where primary health care can be reached within 15 minutes, and where it
//! cannot.
//!
//! The house, from the bottom up (imports point down only; see `docs/ARCHITECTURE.md`):
//!
//! - [`engine`]: pure Rust, no web crate; bytes in, plain data out. Coordinate systems
//!   ([`engine::crs`]), the data model ([`engine::model`]), readers ([`engine::io`]), the loaded
//!   files and their precedence ([`engine::dataset`]), the road network ([`engine::network`]),
//!   travel times ([`engine::routing`]), the administrative hierarchy ([`engine::admin`]), the
//!   policy rules ([`engine::rules`]) and the report ([`engine::report`]).
//! - [`app`]: what the page and the command line share: the analysis, the worker's session, the
//!   map scene and all wording in Chinese and English ([`app::text`]).
//! - [`devtools`]: synthetic networks, benchmarks and the demo-county generator.
//! - `cli` (native) and `ui` (wasm32): the two faces.
#![deny(missing_docs)]
#![forbid(unsafe_code)]

pub mod app;
pub mod devtools;
pub mod engine;

#[cfg(not(target_arch = "wasm32"))]
pub mod cli;

#[cfg(target_arch = "wasm32")]
pub mod ui;
