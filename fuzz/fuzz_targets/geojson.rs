//! GeoJSON text through the readers' one door ([`medreach::engine::io::read`]), as the page and
//! the command line hand it a `.geojson` file.
#![no_main]
use libfuzzer_sys::fuzz_target;
use medreach::engine::io::{read, ReadOptions};

fuzz_target!(|data: &[u8]| {
    let _ = read("fuzz.geojson", data, 0, &ReadOptions::default());
});
