//! MedReach: checks where primary health care can be reached within 15 minutes, and where it
//! cannot.
//!
//! The engine is pure Rust with no web dependency: it reads GeoJSON ([`input`]), projects to
//! metres ([`projection`]), builds the road network of a travel mode ([`network`]), computes
//! every settlement's travel time to its nearest medical service point ([`reach`]) and reports
//! the 15-minute figure with its findings ([`report`]). [`analysis`] ties them together for the
//! page, a Web Worker and the command line alike.
#![deny(missing_docs)]
#![forbid(unsafe_code)]

pub mod analysis;
pub mod benchmark;
pub mod demo_county;
pub mod hierarchy;
pub mod i18n;
pub mod input;
pub mod model;
pub mod network;
pub mod osm;
pub mod progress;
pub mod projection;
pub mod reach;
pub mod report;
pub mod rules;
pub mod scene;
pub mod session;
pub mod synthetic;

#[cfg(not(target_arch = "wasm32"))]
pub mod cli;

#[cfg(target_arch = "wasm32")]
pub mod ui;
