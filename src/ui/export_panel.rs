//! The export buttons: each file is made here, in the page, and saved through the browser's
//! download; nothing leaves the computer.

use super::state::AppState;
use crate::app::export;
use crate::app::text::Key;
use crate::engine::surface::{geotiff, isochrones, Surface, DEFAULT_BANDS};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// Saves `bytes` as the file `name`.
fn download(name: &str, mime: &str, bytes: &[u8]) {
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes).into());
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let Ok(blob) = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return;
    };
    if let Some(a) = document()
        .create_element("a")
        .ok()
        .and_then(|e| e.dyn_into::<web_sys::HtmlAnchorElement>().ok())
    {
        a.set_href(&url);
        a.set_download(name);
        a.click();
    }
    // The URL is not revoked at once: a browser may still be reading it; the page's blobs are
    // freed when it closes.
}

/// The surface shown, as the engine's surface (its cells back in f64).
fn surface(s: &AppState) -> Option<Surface> {
    let layer = s.surface.get_untracked()?;
    Some(Surface {
        grid: layer.0.info.grid,
        minutes: layer.0.minutes.iter().map(|&m| f64::from(m)).collect(),
    })
}

/// The export card.
#[component]
pub fn ExportPanel() -> impl IntoView {
    let s = expect_context::<AppState>();
    let t = move |k: Key| k.text(s.lang.get());
    const CSV: &str = "text/csv;charset=utf-8";
    const GEOJSON: &str = "application/geo+json";
    let with_report =
        move |f: &dyn Fn(&crate::engine::report::Report) -> (String, &'static str, String)| {
            s.report.with_untracked(|r| {
                if let Some(r) = r {
                    let (name, mime, text) = f(r);
                    download(&name, mime, text.as_bytes());
                }
            });
        };
    let button = move |id: &'static str, key: Key, act: std::rc::Rc<dyn Fn()>| {
        view! { <button data-testid=id on:click=move |_| act()>{move || t(key)}</button> }
    };
    let lang = move || s.lang.get_untracked();
    let scene = move || s.scene.get_untracked();
    view! {
        <Show when=move || s.report.with(Option::is_some)>
            <section class="card exports" data-testid="export-panel">
                <h3>{move || t(Key::Exports)}</h3>
                <div class="row">
                    {button("export-settlements-csv", Key::ExportSettlementsCsv, std::rc::Rc::new(move || with_report(&|r| {
                        let sc = scene();
                        ("settlements.csv".into(), CSV, export::settlements_csv(r, sc.as_ref().map(|x| &*x.0), lang()))
                    })))}
                    {button("export-settlements-geojson", Key::ExportSettlementsGeojson, std::rc::Rc::new(move || with_report(&|r| {
                        let sc = scene();
                        ("settlements.geojson".into(), GEOJSON, export::settlements_geojson(r, sc.as_ref().map(|x| &*x.0)))
                    })))}
                    {button("export-findings-csv", Key::ExportFindingsCsv, std::rc::Rc::new(move || with_report(&|r| {
                        ("findings.csv".into(), CSV, export::findings_csv(r, lang()))
                    })))}
                    {button("export-units-csv", Key::ExportUnitsCsv, std::rc::Rc::new(move || with_report(&|r| {
                        ("admin-units.csv".into(), CSV, export::units_csv(r, lang()))
                    })))}
                    {button("export-scorecard-csv", Key::ExportScorecardCsv, std::rc::Rc::new(move || with_report(&|r| {
                        ("scorecard.csv".into(), CSV, export::scorecard_csv(r, lang()))
                    })))}
                </div>
                <Show when=move || s.surface.with(Option::is_some)>
                    <div class="row">
                        {button("export-surface-tif", Key::ExportSurfaceTif, std::rc::Rc::new(move || {
                            if let Some(sf) = surface(&s) {
                                download("travel-time.tif", "image/tiff", &geotiff::write(&sf));
                            }
                        }))}
                        {button("export-isochrones", Key::ExportIsochrones, std::rc::Rc::new(move || {
                            if let Some(sf) = surface(&s) {
                                let bands = isochrones::isochrones(&sf.grid, &sf.minutes, &DEFAULT_BANDS);
                                download("isochrones.geojson", GEOJSON, isochrones::to_geojson(&bands).to_string().as_bytes());
                            }
                        }))}
                    </div>
                </Show>
            </section>
        </Show>
    }
}
