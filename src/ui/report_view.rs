//! The printable report in the page: the same document as `medreach report` (`app::print`), in
//! the page's language, over the map, with a button that prints it (the browser's print or
//! "save as PDF", on A4) and one back to the map.

use super::state::AppState;
use crate::app::print::{body, date_of_days, PrintInput};
use crate::app::text::Key;
use crate::engine::report::Report;
use leptos::prelude::*;

/// Today's date from the browser's clock.
fn today() -> String {
    let ms = js_sys::Date::now();
    date_of_days((ms / 86_400_000.0).floor() as i64)
}

/// Calls `f` with `report`, carrying the OpenStreetMap attribution when the page shows OSM data
/// (the Andorra demo's GeoJSON files are OSM data the engine cannot tell as such).
pub(super) fn with_attribution<T>(report: &Report, osm: bool, f: impl FnOnce(&Report) -> T) -> T {
    if osm && report.attribution.is_none() {
        let mut r = report.clone();
        r.attribution = Some(crate::engine::io::osm::ATTRIBUTION.to_string());
        f(&r)
    } else {
        f(report)
    }
}

/// The report view, shown while `report_open` is set.
#[component]
pub fn ReportView() -> impl IntoView {
    let s = expect_context::<AppState>();
    let t = move |k: Key| k.text(s.lang.get());
    let html = move || {
        let lang = s.lang.get();
        let scene = s.scene.get();
        let files: Vec<String> = s
            .summary
            .with(|d| d.files.iter().map(|(n, _)| n.clone()).collect());
        let osm = s.osm_data.get();
        let comparison = s.comparison.get();
        s.report.with(|r| {
            r.as_ref().map(|report| {
                with_attribution(report, osm, |report| {
                    body(
                        &PrintInput {
                            report,
                            scene: scene.as_ref().map(|sc| &*sc.0),
                            files: &files,
                            date: &today(),
                            comparison: comparison.as_ref(),
                        },
                        lang,
                    )
                })
            })
        })
    };
    view! {
        <Show when=move || s.report_open.get()>
            <div class="report-view" data-testid="report-view">
                <div class="toolbar">
                    <button class="primary" data-testid="print-report"
                        on:click=move |_| { let _ = window().print(); }>{move || t(Key::PrintReport)}</button>
                    <button data-testid="close-report" on:click=move |_| s.report_open.set(false)>{move || t(Key::CloseReport)}</button>
                </div>
                <div class="sheet" inner_html=move || html().unwrap_or_default()></div>
            </div>
        </Show>
    }
}
