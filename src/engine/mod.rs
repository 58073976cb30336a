//! The engine: pure Rust with no web crate, tested natively, run unchanged in the page's worker
//! and in the command line. Its stages, each importing only those listed before it:
//!
//! 1. [`crs`]: coordinate systems (WGS84 ↔ UTM).
//! 2. [`model`]: the layers a file holds (roads, facilities, settlements, admin units) and
//!    their vocabulary.
//! 3. [`io`]: readers, bytes to layers; they only read.
//! 4. [`edits`]: what-if edits, as data, applied over the layers; [`dataset`]: the loaded
//!    files, which layer wins when an extract and user files meet, and the edits over them.
//! 5. [`network`]: the road network of a travel mode; [`routing`]: travel times over it;
//!    [`referral`]: the ways from the township health centers to the hospitals.
//! 6. [`admin`]: the administrative hierarchy, the one answer to "what is in this unit".
//! 7. [`rules`]: the policy rules and their findings, as data; [`report`]: the figures.
//!
//! [`progress`] names the stages a long run reports; [`parallel`] splits work over the cores
//! natively (one part in the browser). The engine never words anything: findings
//! and errors are data, put into Chinese or English by [`crate::app::text`].

pub mod admin;
pub mod crs;
pub mod dataset;
pub mod edits;
pub mod io;
pub mod model;
pub mod network;
pub mod parallel;
pub mod planning;
pub mod progress;
pub mod referral;
pub mod report;
pub mod routing;
pub mod rules;
pub mod surface;
