//! What the integration tests share: where the shared test data lives.
#![allow(dead_code)] // each test crate uses its own part of this module

use std::path::PathBuf;

/// `../shared` beside the repository, or a panic that says it is missing.
pub fn shared_dir() -> PathBuf {
    let shared = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared");
    assert!(
        shared.is_dir(),
        "the shared data folder {} is missing: these tests need ../shared/data/ beside the \
         repository (CI always has it)",
        shared.display()
    );
    shared
}

/// `../shared/data/cases/<case>`, or a panic that says what is missing.
pub fn case_dir(case: &str) -> PathBuf {
    let dir = shared_dir().join("data/cases").join(case);
    assert!(
        dir.is_dir(),
        "the reference case {} is missing from the shared data",
        dir.display()
    );
    dir
}
