//! An OpenStreetMap `.osm.pbf` extract through the readers' one door.
#![no_main]
use libfuzzer_sys::fuzz_target;
use medreach::engine::io::{read, ReadOptions};

fuzz_target!(|data: &[u8]| {
    let _ = read("fuzz.osm.pbf", data, 0, &ReadOptions::default());
});
