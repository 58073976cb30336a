//! Capacity-limited coverage in the page: choose the capacity (doctors, beds, staff or a
//! capacity of the data's own), the catchment and the method; the map colours the settlements
//! by their ratio, and two tables list the most overloaded and the idle facilities.

use super::map::ACCESS_FILLS;
use super::state::AppState;
use crate::app::access_view::{field_zh, AccessAsk, SupplierRow};
use crate::app::text::{kind_name, Key, Lang};
use crate::engine::model::CapacityField;
use leptos::prelude::*;

fn field_name(lang: Lang, f: CapacityField) -> &'static str {
    match lang {
        Lang::Zh => field_zh(f),
        Lang::En => match f {
            CapacityField::Capacity => "capacity",
            CapacityField::Doctors => "doctors",
            CapacityField::Beds => "beds",
            CapacityField::Staff => "staff",
        },
    }
}

/// A ratio per resident, shown per 1,000 residents so that it reads.
fn per_thousand(r: Option<f64>) -> String {
    r.map_or_else(|| "–".into(), |r| format!("{:.2}", r * 1000.0))
}

/// The capacity card.
#[component]
pub fn AccessPanel() -> impl IntoView {
    let s = expect_context::<AppState>();
    let t = move |k: Key| k.text(s.lang.get());
    let field = RwSignal::new(CapacityField::Doctors);
    let method = RwSignal::new("2sfca".to_string());
    let catchment = RwSignal::new(None::<f64>);
    let run = move |_| {
        let catchment_min = catchment
            .get_untracked()
            .unwrap_or_else(|| s.limit.get_untracked());
        super::client::access(AccessAsk {
            mode: s.mode.get_untracked(),
            field: field.get_untracked(),
            catchment_min,
            method: method.get_untracked(),
        });
    };
    let table = move |rows: Vec<SupplierRow>, id: &'static str| {
        view! {
            <table class="data">
                <thead><tr>
                    <th>{move || t(Key::AccessFacility)}</th>
                    <th class="num">{move || t(Key::AccessCapacity)}</th>
                    <th class="num">{move || t(Key::AccessPopulation)}</th>
                    <th class="num">{move || t(Key::AccessRatio)}</th>
                </tr></thead>
                <tbody>
                    {rows.into_iter().map(|r| view! {
                        <tr data-testid=id>
                            <td>{r.name.clone().unwrap_or_else(|| kind_name(s.lang.get_untracked(), r.kind).to_string())}</td>
                            <td class="num">{format!("{:.0}", r.capacity)}</td>
                            <td class="num">{format!("{:.0}", r.population)}</td>
                            <td class="num">{per_thousand(r.ratio)}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        }
    };
    view! {
        <section class="card" data-testid="access-panel">
            <h3>{move || t(Key::AccessTitle)}</h3>
            <div class="row">
                <label>{move || t(Key::AccessField)} " "
                    <select data-testid="access-field" on:change=move |ev| {
                        if let Some(f) = CapacityField::parse(&event_target_value(&ev)) {
                            field.set(f);
                        }
                    }>
                        {CapacityField::ALL.into_iter().map(|f| view! {
                            <option value=f.id() selected=move || field.get() == f>{move || field_name(s.lang.get(), f)}</option>
                        }).collect_view()}
                    </select>
                </label>
                <label>{move || t(Key::AccessCatchment)} " "
                    <input type="number" min="1" step="any" data-testid="access-catchment"
                        prop:value=move || catchment.get().unwrap_or_else(|| s.limit.get()).to_string()
                        on:change=move |ev| catchment.set(event_target_value(&ev).parse::<f64>().ok().filter(|v| v.is_finite() && *v > 0.0)) />
                </label>
                <label>{move || t(Key::AccessMethod)} " "
                    <select data-testid="access-method" on:change=move |ev| method.set(event_target_value(&ev))>
                        <option value="2sfca">"2SFCA"</option>
                        <option value="e2sfca">"E2SFCA"</option>
                        <option value="g2sfca">"G2SFCA"</option>
                    </select>
                </label>
                <button data-testid="access-run" on:click=run>{move || t(Key::AccessRun)}</button>
            </div>
            {move || s.access.get().map(|result| match result {
                Err(e) => view! { <p class="error" data-testid="access-error">{move || e.text(s.lang.get()).to_string()}</p> }.into_any(),
                Ok(v) => {
                    let bounds = v.class_bounds.clone();
                    let legend = move || {
                        let lang = s.lang.get();
                        let mut labels = vec![Key::AccessNone.text(lang).to_string()];
                        let mut lo = 0.0;
                        for b in bounds.iter().copied().chain([f64::INFINITY]) {
                            labels.push(if b.is_finite() {
                                format!("{:.2}–{:.2}", lo * 1000.0, b * 1000.0)
                            } else {
                                format!("> {:.2}", lo * 1000.0)
                            });
                            lo = b;
                        }
                        labels.into_iter().zip(ACCESS_FILLS).map(|(l, c)| view! {
                            <span class="swatch-row"><span class="swatch" style=format!("background:{c}")></span>{l}</span>
                        }).collect_view()
                    };
                    view! {
                        <div data-testid="access-result">
                            <p class="note">
                                {move || format!("{}: {} · {}: {} · {}: {:.0}", t(Key::AccessSuppliers), v.suppliers, t(Key::AccessWithout), v.without_capacity, t(Key::AccessPopulationWithout), v.population_without)}
                            </p>
                            <label>
                                <input type="checkbox" data-testid="access-map"
                                    prop:checked=move || s.show_access.get()
                                    on:change=move |ev| s.show_access.set(event_target_checked(&ev)) />
                                " " {move || t(Key::AccessShowMap)}
                            </label>
                            <div class="legend-row">{legend}</div>
                            <h4>{move || t(Key::AccessOverloaded)}</h4>
                            {table(v.overloaded.clone(), "access-overloaded-row")}
                            <h4>{move || t(Key::AccessIdle)}</h4>
                            {table(v.idle.clone(), "access-idle-row")}
                        </div>
                    }.into_any()
                }
            })}
        </section>
    }
}
