//! In-browser tests (wasm-bindgen-test in headless Chromium): the engine runs in WebAssembly
//! and the web worker's session re-runs only what changed.
#![cfg(target_arch = "wasm32")]

use medreach::analysis::{check, Options};
use medreach::model::Dataset;
use medreach::network::Mode;
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
    use medreach::progress::Stage;
    use medreach::rules::RuleParams;
    use medreach::scene::Scene;
    use medreach::session::{InputFile, Session};
    let county = medreach::demo_county::generate(medreach::demo_county::SEED);
    let files = county
        .files()
        .iter()
        .map(|(name, text)| InputFile {
            name: name.to_string(),
            bytes: text.as_bytes().to_vec(),
        })
        .collect();
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
    assert_eq!(first.report, direct);
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
