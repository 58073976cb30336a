//! A CSV table through the readers' one door, and the table description the page shows
//! before reading it.
#![no_main]
use libfuzzer_sys::fuzz_target;
use medreach::engine::io::{read, table, ReadOptions};

fuzz_target!(|data: &[u8]| {
    let _ = table::describe("fuzz.csv", data, &Default::default());
    let _ = read("fuzz.csv", data, 0, &ReadOptions::default());
});
