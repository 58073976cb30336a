//! KML text through the readers' one door.
#![no_main]
use libfuzzer_sys::fuzz_target;
use medreach::engine::io::{read, ReadOptions};

fuzz_target!(|data: &[u8]| {
    let _ = read("fuzz.kml", data, 0, &ReadOptions::default());
});
