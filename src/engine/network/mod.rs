//! The road network of one travel mode: junction nodes in metres, usable segments with their
//! speeds, a spatial index for snapping, and the directed routing graph.
//!
//! Invariants: roads connect only where their lines share an exact coordinate (so a bridge
//! over a road does not connect to it); every segment has a positive length; a segment's
//! speeds are in metres per minute, `None` for a direction it cannot be travelled in.
//!
//! The parts, each importing only those before it: `speeds` (travel modes and the speed of a
//! road in each), `graph` (the contracted routing graph, from any list of arcs), `build` (the
//! network's nodes and segments, with the spatial index of segment runs) and `snap` (joining
//! points to the nearest segment, and the routing graph with a node at every join).

mod build;
mod graph;
mod snap;
mod speeds;

pub use build::{RoadNetwork, Segment};
#[cfg(test)]
pub(crate) use graph::tests as graph_tests;
pub(crate) use graph::{Chain, Place};
pub use graph::{NodeId, RoutingGraph};
pub use snap::Snap;
pub use speeds::{is_walkable_class, kmh_to_m_per_min, road_speeds, Mode, SpeedTable};
