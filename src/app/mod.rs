//! What the page and the command line share, above the engine: the options a user chooses
//! ([`options`]), one analysis over the loaded data ([`analysis`]), the web worker's session
//! ([`session`]), the map's geometry ([`scene`]) and all wording in both languages
//! ([`text`]): the engine gives data, this layer words it.

pub mod access_view;
pub mod analysis;
pub mod compare;
pub mod coverage_map;
pub mod editing;
pub mod export;
pub mod findings_view;
pub mod jobs;
pub mod options;
pub mod planning;
pub mod print;
pub mod road_lines;
pub mod saved;
pub mod scene;
pub mod session;
pub mod text;
pub mod wire;
pub mod xlsx;
