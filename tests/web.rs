//! In-browser tests (wasm-bindgen-test in headless Chromium): the engine runs in WebAssembly
//! and the web worker's session re-runs only what changed.
#![cfg(target_arch = "wasm32")]

use medreach::app::analysis::check;
use medreach::app::options::Options;
use medreach::engine::dataset::Dataset;
use medreach::engine::network::Mode;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// The Andorra demo files are built into the page; the engine gives the reference figures in
/// WebAssembly too (reference_walk.json / reference_drive.json of the shared case).
#[wasm_bindgen_test]
fn engine_matches_the_reference_in_wasm() {
    let mut data = Dataset::default();
    for name in ["roads", "facilities", "settlements"] {
        let text = match name {
            "roads" => include_str!("../demo/andorra/roads.geojson"),
            "facilities" => include_str!("../demo/andorra/facilities.geojson"),
            _ => include_str!("../demo/andorra/settlements.geojson"),
        };
        data.load(name, text).unwrap();
    }
    let walk = check(&data, &Options::default()).unwrap();
    assert!((walk.summary.share_within_limit.unwrap() - 0.10426898465587779).abs() < 1e-12);
    let drive = check(
        &data,
        &Options {
            mode: Mode::Drive,
            ..Options::default()
        },
    )
    .unwrap();
    assert!((drive.summary.share_within_limit.unwrap() - 0.9238027007180936).abs() < 1e-12);
    assert!((drive.summary.mean_time_min.unwrap() - 7.203585922886014).abs() < 1e-6);
}

/// The worker's session in WebAssembly: the county demo loads, a run gives the same report as
/// a direct check, a new limit reuses the travel times, and the map survives its byte
/// encoding (the page itself, with its worker, is tested end to end by tests/e2e).
#[wasm_bindgen_test]
fn session_reuses_travel_times_in_wasm() {
    use medreach::app::scene::Scene;
    use medreach::app::session::{InputFile, Session};
    use medreach::engine::progress::Stage;
    use medreach::engine::rules::RuleParams;
    // The generated county as the page ships it (tests/demo_county.rs checks these files are
    // the generator's output; the generator itself is native only).
    let files = [
        (
            "admin.geojson",
            include_str!("../demo/county/admin.geojson"),
        ),
        (
            "roads.geojson",
            include_str!("../demo/county/roads.geojson"),
        ),
        (
            "facilities.geojson",
            include_str!("../demo/county/facilities.geojson"),
        ),
        (
            "settlements.geojson",
            include_str!("../demo/county/settlements.geojson"),
        ),
    ];
    let files = InputFile::texts(&files);
    let mut session = Session::new();
    assert!(session.load(files, true, &mut |_, _, _| {}).is_empty());
    let rules = RuleParams::default();
    let first = session
        .run(Mode::Drive, 15.0, &rules, &mut |_, _, _| {})
        .unwrap();
    let scene = first.scene.expect("the first run draws");
    assert_eq!(Scene::decode(&scene.encode()).unwrap(), scene);
    let direct = check(
        session.data(),
        &Options {
            mode: Mode::Drive,
            ..Options::default()
        },
    )
    .unwrap();
    // The command line's check words its findings in English; the page's report does not.
    let mut worded = first.report.clone();
    medreach::app::text::word_report(&mut worded, medreach::app::text::Lang::En);
    assert_eq!(worded, direct);
    let mut stages = Vec::new();
    let again = session
        .run(Mode::Drive, 30.0, &rules, &mut |s, _, _| stages.push(s))
        .unwrap();
    assert_eq!(stages, vec![Stage::Summarising]);
    assert!(again.scene.is_none());
    assert!(
        again.report.summary.share_within_limit.unwrap()
            >= first.report.summary.share_within_limit.unwrap()
    );
}
