//! The export buttons: each file is made here, in the page, and saved through the browser's
//! download; nothing leaves the computer (the map's PNG is drawn by `super::map_png`). A select
//! chooses the system the settlements' coordinates are written in (WGS84 by default; CGCS2000,
//! GCJ-02, BD-09 or an EPSG code).

use super::state::AppState;
use crate::app::export;
use crate::app::print::map_image_svg;
use crate::app::scene::Scene;
use crate::app::text::{crs_label_zh, Key, Lang};
use crate::engine::crs::system::{named, Named};
use crate::engine::report::Report;
use crate::engine::surface::{geotiff, isochrones, Surface, DEFAULT_BANDS};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// Saves `bytes` as the file `name`.
pub(super) fn download(name: &str, mime: &str, bytes: &[u8]) {
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes).into());
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    if let Ok(blob) = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options) {
        save_blob(name, &blob);
    }
}

/// Saves `blob` as the file `name`, through a link the browser downloads.
fn save_blob(name: &str, blob: &web_sys::Blob) {
    let Ok(url) = web_sys::Url::create_object_url_with_blob(blob) else {
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

/// Saves the map with its legend as `map.png` (when there is a map and a report).
fn map_png(s: &AppState) {
    let Some(scene) = s.scene.get_untracked() else {
        return;
    };
    let lang = s.lang.get_untracked();
    let osm = s.osm_data.get_untracked();
    let image = s.report.with_untracked(|r| {
        r.as_ref().map(|r| {
            super::report_view::with_attribution(r, osm, |r| map_image_svg(&scene.0, r, lang))
        })
    });
    if let Some((svg, w, h)) = image {
        leptos::task::spawn_local(async move {
            match super::map_png::render(&svg, w, h).await {
                Ok(png) => save_blob("map.png", &png),
                Err(e) => leptos::logging::error!("map.png: {e:?}"),
            }
        });
    }
}

/// The surface shown, as the engine's surface (its cells back in f64).
fn surface(s: &AppState) -> Option<Surface> {
    let layer = s.surface.get_untracked()?;
    Some(Surface {
        grid: layer.0.info.grid,
        minutes: layer.0.minutes.iter().map(|&m| f64::from(m)).collect(),
    })
}

/// The system the settlements are exported in, from the select and the EPSG field (`Err` for a
/// code MedReach does not convert; WGS84 is written as the default).
fn export_system(choice: &str, epsg: &str) -> Result<Option<Named>, String> {
    let text = if choice == "epsg" { epsg } else { choice };
    named(text).map(Some)
}

/// A file to save: its name, MIME type and bytes.
type File = (&'static str, &'static str, Vec<u8>);

/// Makes a settlements export from the report, the scene, the chosen system and the language.
type SettlementsFile = fn(&Report, Option<&Scene>, Option<&Named>, Lang) -> File;

/// The select of the system the settlements are exported in, with a field for another EPSG
/// code and what is wrong with it.
#[component]
fn ExportCrs(choice: RwSignal<String>, epsg: RwSignal<String>) -> impl IntoView {
    let s = expect_context::<AppState>();
    let t = move |k: Key| k.text(s.lang.get());
    let label = move |code: &str| {
        let l = named(code).map(|n| n.label).unwrap_or_default();
        match s.lang.get() {
            Lang::Zh => crs_label_zh(&l),
            Lang::En => l,
        }
    };
    // Said once a code is typed (an empty field shows its placeholder).
    let invalid = move || {
        choice.get() == "epsg"
            && !epsg.get().trim().is_empty()
            && export_system(&choice.get(), &epsg.get()).is_err()
    };
    view! {
        <div class="row">
            <label>
                {move || t(Key::ExportCrs)} " "
                <select data-testid="export-crs" on:change=move |ev| choice.set(event_target_value(&ev))>
                    {["wgs84", "cgcs2000", "gcj02", "bd09"].map(|code| view! {
                        <option value=code selected=move || choice.get() == code>{move || label(code)}</option>
                    }).collect_view()}
                    <option value="epsg">{move || t(Key::ExportCrsOther)}</option>
                </select>
            </label>
            <Show when=move || choice.get() == "epsg">
                <input
                    type="text"
                    data-testid="export-crs-epsg"
                    placeholder="EPSG:4544"
                    prop:value=move || epsg.get()
                    on:input=move |ev| epsg.set(event_target_value(&ev))
                />
            </Show>
            <Show when=invalid>
                <span class="warning" data-testid="export-crs-invalid">{move || t(Key::ExportCrsInvalid)}</span>
            </Show>
        </div>
    }
}

/// The export card.
#[component]
pub fn ExportPanel() -> impl IntoView {
    let s = expect_context::<AppState>();
    let t = move |k: Key| k.text(s.lang.get());
    const CSV: &str = "text/csv;charset=utf-8";
    const GEOJSON: &str = "application/geo+json";
    const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    let with_report = move |f: &dyn Fn(&Report) -> File| {
        s.report.with_untracked(|r| {
            if let Some(r) = r {
                let (name, mime, bytes) = f(r);
                download(name, mime, &bytes);
            }
        });
    };
    let button = move |id: &'static str, key: Key, act: std::rc::Rc<dyn Fn()>| {
        view! { <button data-testid=id on:click=move |_| act()>{move || t(key)}</button> }
    };
    let lang = move || s.lang.get_untracked();
    let scene = move || s.scene.get_untracked();
    // The settlements' coordinate system: WGS84 unless the user picks another.
    let choice = RwSignal::new("wgs84".to_string());
    let epsg = RwSignal::new(String::new());
    let system = move || export_system(&choice.get_untracked(), &epsg.get_untracked());
    // A settlements export in the chosen system (nothing while the EPSG code is not one).
    let settlements = move |f: SettlementsFile| {
        std::rc::Rc::new(move || {
            if let Ok(sys) = system() {
                with_report(&|r| {
                    let sc = scene();
                    f(r, sc.as_ref().map(|x| &*x.0), sys.as_ref(), lang())
                })
            }
        }) as std::rc::Rc<dyn Fn()>
    };
    view! {
        <Show when=move || s.report.with(Option::is_some)>
            <section class="card exports" data-testid="export-panel">
                <h3>{move || t(Key::Exports)}</h3>
                <ExportCrs choice=choice epsg=epsg />
                <div class="row">
                    {button("export-settlements-csv", Key::ExportSettlementsCsv, settlements(|r, sc, sys, l| {
                        ("settlements.csv", CSV, export::settlements_csv(r, sc, l, sys).into_bytes())
                    }))}
                    {button("export-settlements-xlsx", Key::ExportSettlementsXlsx, settlements(|r, sc, sys, l| {
                        ("settlements.xlsx", XLSX, export::settlements_xlsx(r, sc, l, sys))
                    }))}
                    {button("export-settlements-geojson", Key::ExportSettlementsGeojson, settlements(|r, sc, sys, _| {
                        ("settlements.geojson", GEOJSON, export::settlements_geojson(r, sc, sys).into_bytes())
                    }))}
                </div>
                <div class="row">
                    {button("export-findings-csv", Key::ExportFindingsCsv, std::rc::Rc::new(move || with_report(&|r| {
                        ("findings.csv", CSV, export::findings_csv(r, lang()).into_bytes())
                    })))}
                    {button("export-findings-xlsx", Key::ExportFindingsXlsx, std::rc::Rc::new(move || with_report(&|r| {
                        ("findings.xlsx", XLSX, export::findings_xlsx(r, lang()))
                    })))}
                    {button("export-units-csv", Key::ExportUnitsCsv, std::rc::Rc::new(move || with_report(&|r| {
                        ("admin-units.csv", CSV, export::units_csv(r, lang()).into_bytes())
                    })))}
                    {button("export-units-xlsx", Key::ExportUnitsXlsx, std::rc::Rc::new(move || with_report(&|r| {
                        ("admin-units.xlsx", XLSX, export::units_xlsx(r, lang()))
                    })))}
                    {button("export-scorecard-csv", Key::ExportScorecardCsv, std::rc::Rc::new(move || with_report(&|r| {
                        ("scorecard.csv", CSV, export::scorecard_csv(r, lang()).into_bytes())
                    })))}
                    {button("export-scorecard-xlsx", Key::ExportScorecardXlsx, std::rc::Rc::new(move || with_report(&|r| {
                        ("scorecard.xlsx", XLSX, export::scorecard_xlsx(r, lang()))
                    })))}
                    {button("export-referral-csv", Key::ExportReferralCsv, std::rc::Rc::new(move || with_report(&|r| {
                        ("referral.csv", CSV, export::referral_csv(r, lang()).into_bytes())
                    })))}
                    {button("export-referral-xlsx", Key::ExportReferralXlsx, std::rc::Rc::new(move || with_report(&|r| {
                        ("referral.xlsx", XLSX, export::referral_xlsx(r, lang()))
                    })))}
                </div>
                <div class="row">
                    <button data-testid="export-map-png" disabled=move || s.scene.with(Option::is_none)
                        on:click=move |_| map_png(&s)>{move || t(Key::ExportMapPng)}</button>
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
