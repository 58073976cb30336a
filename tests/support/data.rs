//! Where the test data lives and how to read it.
//!
//! The data are in the repository, under `tests/data/` (see its README): the OpenStreetMap
//! extracts in `osm/` and the reference cases in `cases/<case>/`. A case file over 1 MB is
//! stored gzip-compressed as `<name>.gz`; the functions here take `<name>` if it is there and
//! `<name>.gz` otherwise, so a test never needs to know which.
#![allow(dead_code)] // each test binary (and `benches/stages.rs`) uses its own part of this module

use flate2::read::GzDecoder;
use std::io::Read;
use std::path::{Path, PathBuf};

/// `tests/data/` in the repository.
pub fn data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data")
}

/// `tests/data/osm/<name>.osm.pbf` (stored as it is, never compressed).
pub fn extract_path(name: &str) -> PathBuf {
    data_dir().join("osm").join(format!("{name}.osm.pbf"))
}

/// `tests/data/cases/<case>`, or a panic that says what is missing.
pub fn case_dir(case: &str) -> PathBuf {
    let dir = data_dir().join("cases").join(case);
    assert!(
        dir.is_dir(),
        "the reference case {} is missing from tests/data/cases",
        dir.display()
    );
    dir
}

/// The bytes of a case file: `cases/<case>/<name>` as it is, or `<name>.gz` decompressed.
pub fn case_bytes(case: &str, name: &str) -> Vec<u8> {
    let plain = case_dir(case).join(name);
    if plain.is_file() {
        return std::fs::read(&plain)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", plain.display()));
    }
    let gz = gz_path(&plain);
    let file = std::fs::File::open(&gz).unwrap_or_else(|e| {
        panic!(
            "the case file {} is missing (neither it nor {} can be read: {e})",
            plain.display(),
            gz.display()
        )
    });
    let mut bytes = Vec::new();
    GzDecoder::new(file)
        .read_to_end(&mut bytes)
        .unwrap_or_else(|e| panic!("cannot decompress {}: {e}", gz.display()));
    bytes
}

/// A case file as UTF-8 text (see [`case_bytes`]).
pub fn case_text(case: &str, name: &str) -> String {
    String::from_utf8(case_bytes(case, name))
        .unwrap_or_else(|e| panic!("{case}/{name} is not UTF-8: {e}"))
}

/// A path to a case file with its own name, for what takes a path (the command line): the file
/// in `tests/data/cases/<case>/` if it is stored as it is, else its decompressed copy in
/// `<target>/tmp/medreach-cases/<case>/`, written once (through a unique temporary name and a
/// rename, so tests running at the same time never see half a file).
pub fn case_path(case: &str, name: &str) -> PathBuf {
    let plain = case_dir(case).join(name);
    if plain.is_file() {
        return plain;
    }
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("medreach-cases")
        .join(case);
    let copy = dir.join(name);
    let bytes = case_bytes(case, name);
    if std::fs::read(&copy).is_ok_and(|have| have == bytes) {
        return copy;
    }
    std::fs::create_dir_all(&dir)
        .unwrap_or_else(|e| panic!("cannot create {}: {e}", dir.display()));
    let temp = dir.join(format!(
        ".{name}.{}.{:?}.tmp",
        std::process::id(),
        std::thread::current().id()
    ));
    std::fs::write(&temp, &bytes)
        .unwrap_or_else(|e| panic!("cannot write {}: {e}", temp.display()));
    std::fs::rename(&temp, &copy).unwrap_or_else(|e| {
        panic!(
            "cannot rename {} to {}: {e}",
            temp.display(),
            copy.display()
        )
    });
    copy
}

fn gz_path(plain: &Path) -> PathBuf {
    let mut name = plain.as_os_str().to_owned();
    name.push(".gz");
    PathBuf::from(name)
}
