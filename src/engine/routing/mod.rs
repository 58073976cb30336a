//! Travel time from every settlement to its nearest medical service point.
//!
//! Semantics (`RULES.md`, "Travel time"): settlements and facilities join the network at the
//! nearest point of the nearest usable segment with a straight off-road leg at the off-road
//! speed; travel runs from the settlement to the facility; one multi-source Dijkstra, seeded
//! with every facility, gives every node its time to the nearest facility (ties go to the
//! lowest facility index). All times are in minutes. Without usable roads, times are
//! straight-line distance at the off-road speed.
//!
//! The parts, each importing only those before it: `queue` (the search's heap entries),
//! `search` (the multi-source search over the contracted graph, and its update when the
//! origins change), `attach` (facilities attached to the graph without being nodes of it, so
//! that an edit leaves the graph as it is), `travel_times` (joining a
//! layer set to the network and timing every settlement, or straight lines without roads),
//! `local` (the same answers for a few places, from a search that stops once it has them),
//! `routes` (the way itself, with its length and line, from a few places to one facility) and
//! `catchment` (every settlement within a time of one facility, with its time, from a search
//! that stops at that time).

mod attach;
mod catchment;
mod local;
mod queue;
mod renumber;
mod routes;
mod search;
mod travel_times;

pub use attach::{origins, Attachment, Ends, Split, Splits, Stretch};
pub use catchment::Catchments;
pub use local::{nearest_origin_local, Site};
pub use routes::Route;
pub use search::{
    nearest_origin, nearest_origin_progress, nearest_origin_update, nearest_origin_within,
    nearest_update, Origin, PROGRESS_EVERY, UNREACHED,
};
pub use travel_times::{
    bounding_box, travel_times, travel_times_after, travel_times_with, zone_for, Join, Nearest,
    Prior, Reach, Router, SettlementReach,
};
