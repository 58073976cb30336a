//! The speed table, editable (`RULES.md`: "editable as a table in the app; one table per
//! travel mode"): the speeds the shown mode uses, each with its default beside it when
//! changed. A change re-runs the analysis with the new table; only positive numbers are taken.

use super::state::AppState;
use crate::app::text::{Key, Lang};
use crate::engine::network::{Mode, SpeedTable};
use leptos::prelude::*;

/// Reads one speed of a table.
type ReadSpeed = std::sync::Arc<dyn Fn(&SpeedTable) -> f64 + Send + Sync>;
/// Writes one speed of a table.
type WriteSpeed = std::sync::Arc<dyn Fn(&mut SpeedTable, f64) + Send + Sync>;

/// One editable speed: its label, its test id, how to read and write it in a table.
#[derive(Clone)]
struct Row {
    label: String,
    id: String,
    get: ReadSpeed,
    set: WriteSpeed,
}

fn rows(mode: Mode, lang: Lang, defaults: &SpeedTable) -> Vec<Row> {
    let t = |k: Key| k.text(lang).to_string();
    let mut out = Vec::new();
    let mut push =
        |label: String, id: &str, get: fn(&SpeedTable) -> f64, set: fn(&mut SpeedTable, f64)| {
            out.push(Row {
                label,
                id: id.to_string(),
                get: std::sync::Arc::new(get),
                set: std::sync::Arc::new(set),
            })
        };
    match mode {
        Mode::Walk => push(
            t(Key::SpeedWalking),
            "walk",
            |s| s.walk_kmh,
            |s, v| s.walk_kmh = v,
        ),
        Mode::Ebike => {
            push(
                t(Key::Ebike),
                "ebike",
                |s| s.ebike_kmh,
                |s, v| s.ebike_kmh = v,
            );
            push(
                t(Key::SpeedWalking),
                "walk",
                |s| s.walk_kmh,
                |s, v| s.walk_kmh = v,
            );
        }
        Mode::Drive => {
            push(
                t(Key::SpeedDriveDefault),
                "drive-default",
                |s| s.drive_default_kmh,
                |s, v| s.drive_default_kmh = v,
            );
            push(
                t(Key::SpeedWalking),
                "walk",
                |s| s.walk_kmh,
                |s, v| s.walk_kmh = v,
            );
        }
    }
    push(
        t(Key::SpeedOffroad),
        "offroad",
        |s| s.offroad_kmh,
        |s, v| s.offroad_kmh = v,
    );
    if mode == Mode::Drive {
        for (i, (class, _)) in defaults.drive_kmh.iter().enumerate() {
            out.push(Row {
                label: class.clone(),
                id: format!("drive-{class}"),
                get: std::sync::Arc::new(move |s: &SpeedTable| {
                    s.drive_kmh.get(i).map_or(0.0, |c| c.1)
                }),
                set: std::sync::Arc::new(move |s: &mut SpeedTable, v| {
                    if let Some(c) = s.drive_kmh.get_mut(i) {
                        c.1 = v;
                    }
                }),
            });
        }
    }
    out
}

/// The speed table of the mode shown.
#[component]
pub fn SpeedsPanel() -> impl IntoView {
    let s = expect_context::<AppState>();
    let t = move |k: Key| k.text(s.lang.get());
    let table = move || {
        let d = SpeedTable::default();
        rows(s.mode.get(), s.lang.get(), &d)
            .into_iter()
            .map(|row| {
                let (get, set) = (row.get.clone(), row.set.clone());
                let default = (row.get)(&d);
                let value = move || get(&s.speeds.get());
                let changed = {
                    let value = value.clone();
                    move || (value() - default).abs() > 1e-12
                };
                view! {
                    <tr>
                        <td>{row.label.clone()}</td>
                        <td>
                            <input type="number" min="0.1" step="0.5" class="speed"
                                data-testid=format!("speed-{}", row.id)
                                prop:value=move || value().to_string()
                                on:change=move |ev| {
                                    let v: f64 = event_target_value(&ev).parse().unwrap_or(f64::NAN);
                                    if v.is_finite() && v > 0.0 {
                                        s.speeds.update(|table| set(table, v));
                                    } else {
                                        // Only positive speeds: the field shows the speed in use again.
                                        s.speeds.update(|_| {});
                                    }
                                }
                            />
                        </td>
                        <td class="note">
                            <Show when=changed.clone()>{move || format!("{} {default}", t(Key::SpeedDefault))}</Show>
                        </td>
                    </tr>
                }
            })
            .collect_view()
    };
    view! {
        <details class="card speeds" data-testid="speeds-panel">
            <summary>{move || t(Key::SpeedsTitle)}</summary>
            <table class="data">{table}</table>
            <button class="link" data-testid="speeds-reset"
                on:click=move |_| s.speeds.set(SpeedTable::default())>{move || t(Key::SpeedsReset)}</button>
        </details>
    }
}
