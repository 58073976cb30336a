//! In-browser tests (wasm-bindgen-test in headless Chromium): the engine runs in WebAssembly
//! and the page mounts, analyses the demo and draws the map.
#![cfg(target_arch = "wasm32")]

use medreach::analysis::{check, Options};
use medreach::model::Dataset;
use medreach::network::Mode;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

async fn sleep(ms: i32) {
    let p = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
            .unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(p).await.unwrap();
}

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

fn by_testid(id: &str) -> web_sys::Element {
    let doc = web_sys::window().unwrap().document().unwrap();
    doc.query_selector(&format!("[data-testid=\"{id}\"]"))
        .unwrap()
        .unwrap_or_else(|| panic!("no element with data-testid={id}"))
}

fn share_value() -> f64 {
    by_testid("share-within-limit")
        .get_attribute("data-value")
        .unwrap()
        .parse()
        .unwrap()
}

fn click(id: &str) {
    by_testid(id)
        .dyn_into::<web_sys::HtmlElement>()
        .unwrap()
        .click();
}

/// The page mounts on the county demo with every rule checked and the map drawn; the banner
/// switches to the Andorra demo, whose walking and driving shares are the reference's.
#[wasm_bindgen_test]
async fn page_mounts_on_the_demo_and_recomputes() {
    medreach::ui::mount();
    sleep(300).await;
    let county = share_value();
    assert!(county > 0.0 && county < 1.0, "{county}");
    assert_eq!(
        by_testid("count-not-checked").text_content().as_deref(),
        Some("0")
    );
    let canvas = by_testid("map-canvas");
    assert_eq!(canvas.get_attribute("data-drawn").as_deref(), Some("true"));
    click("demo-switch");
    sleep(300).await;
    let value = share_value();
    assert!((value - 0.10426898465587779).abs() < 1e-12, "{value}");
    assert_eq!(
        by_testid("share-within-limit").text_content().unwrap(),
        "10.43%"
    );
    let segments: usize = by_testid("map-canvas")
        .get_attribute("data-segments")
        .unwrap()
        .parse()
        .unwrap();
    assert!(segments > 30_000, "{segments}");
    click("mode-drive");
    sleep(300).await;
    let value = share_value();
    assert!((value - 0.9238027007180936).abs() < 1e-12, "{value}");
}
