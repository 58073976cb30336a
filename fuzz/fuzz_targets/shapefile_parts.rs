//! A bare shapefile given as its parts (as the page's file picker hands `.shp`, `.dbf`, `.prj`
//! and `.cpg` together): the input is the parts joined by [`SEP`], in that order.
#![no_main]
use libfuzzer_sys::fuzz_target;
use medreach::engine::io::read_shapefile_parts;

const SEP: &[u8] = b"\n--8<--\n";

fuzz_target!(|data: &[u8]| {
    let mut parts = Vec::new();
    let mut rest = data;
    for ext in ["shp", "dbf", "prj", "cpg"] {
        let (part, next) = match rest.windows(SEP.len()).position(|w| w == SEP) {
            Some(i) => (&rest[..i], &rest[i + SEP.len()..]),
            None => (rest, &[][..]),
        };
        parts.push((format!("fuzz.{ext}"), part.to_vec()));
        rest = next;
        if rest.is_empty() {
            break;
        }
    }
    let _ = read_shapefile_parts("fuzz.shp", parts, 0, None);
});
