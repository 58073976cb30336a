//! An Excel workbook through the readers' one door, and the table description the page shows
//! before reading it. (The sheets inside are deflated, which mutations rarely survive:
//! xlsx_sheet fuzzes a sheet's XML in a well-formed workbook.)
#![no_main]
use libfuzzer_sys::fuzz_target;
use medreach::engine::io::{read, table, ReadOptions};

mod overflow_hook;

fuzz_target!(|data: &[u8]| {
    overflow_hook::allow_caught_overflow();
    let _ = table::describe("fuzz.xlsx", data, &Default::default());
    let _ = read("fuzz.xlsx", data, 0, &ReadOptions::default());
});
