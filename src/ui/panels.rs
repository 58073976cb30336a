//! The side panels: controls, the headline figure, what was loaded, per-unit and
//! beyond-the-limit tables. They only read state and format it.

use super::state::AppState;
use crate::i18n::{analysis_error, facility_label, skip_reason, Key, Lang};
use crate::network::Mode;
use leptos::prelude::*;

fn state() -> AppState {
    expect_context::<AppState>()
}

/// Formats a count of people with thousands separators.
fn people(x: f64) -> String {
    let n = x.round() as i64;
    let s = n.abs().to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 {
        format!("-{out}")
    } else {
        out
    }
}

fn percent(share: Option<f64>) -> String {
    share
        .map(|s| format!("{:.2}%", s * 100.0))
        .unwrap_or_else(|| "–".into())
}

fn minutes(m: Option<f64>, lang: Lang) -> String {
    match m {
        Some(m) => format!("{m:.1} {}", Key::Minutes.text(lang)),
        None => Key::Unreachable.text(lang).to_string(),
    }
}

/// Mode switch and limit.
#[component]
pub fn Controls() -> impl IntoView {
    let s = state();
    let t = move |k: Key| k.text(s.lang.get());
    let mode_button = move |mode: Mode, key: Key, testid: &'static str| {
        view! {
            <button
                data-testid=testid
                class:active=move || s.mode.get() == mode
                aria-pressed=move || (s.mode.get() == mode).to_string()
                on:click=move |_| s.mode.set(mode)
            >
                {move || t(key)}
            </button>
        }
    };
    view! {
        <div class="controls">
            <span class="label">{move || t(Key::Mode)}</span>
            <div class="seg">
                {mode_button(Mode::Walk, Key::Walk, "mode-walk")}
                {mode_button(Mode::Drive, Key::Drive, "mode-drive")}
            </div>
            <label class="label">
                {move || t(Key::LimitMin)}
                <input
                    type="number"
                    min="1"
                    max="600"
                    step="1"
                    data-testid="limit-input"
                    prop:value=move || s.limit.get().to_string()
                    on:change=move |ev| {
                        if let Ok(v) = event_target_value(&ev).parse::<f64>() {
                            if v.is_finite() && v > 0.0 {
                                s.limit.set(v);
                            }
                        }
                    }
                />
            </label>
        </div>
    }
}

/// The 15-minute figure with its rule and clause.
#[component]
pub fn Headline() -> impl IntoView {
    let s = state();
    let t = move |k: Key| k.text(s.lang.get());
    let summary = move || s.report.get().map(|r| r.summary);
    view! {
        <section class="card headline">
            <h2>
                {move || t(Key::ShareWithin)} " (≤ " {move || s.limit.get()} " "
                {move || t(Key::Minutes)} ", " {move || if s.mode.get() == Mode::Walk { t(Key::Walk) } else { t(Key::Drive) }} ")"
            </h2>
            <div
                class="share"
                data-testid="share-within-limit"
                data-value=move || {
                    summary().and_then(|s| s.share_within_limit).map(|v| v.to_string()).unwrap_or_default()
                }
            >
                {move || percent(summary().and_then(|s| s.share_within_limit))}
            </div>
            <p class="rule">
                <b>{move || t(Key::RuleReach)}</b>
                " · " {move || t(Key::Target)} " · "
                <span class="clause">{move || t(Key::RuleReachClause)}</span>
            </p>
            <Show when=move || s.data.with(|d| d.population_estimated())>
                <p class="warning" data-testid="population-estimated">{move || t(Key::PopulationEstimate)}</p>
            </Show>
            <Show when=move || summary().is_some_and(|s| s.straight_line)>
                <p class="warning" data-testid="straight-line-warning">{move || t(Key::StraightLine)}</p>
            </Show>
            <Show when=move || summary().is_some_and(|s| s.service_points == 0)>
                <p class="warning">{move || t(Key::NoServicePoints)}</p>
            </Show>
            <Show when=move || summary().is_some_and(|s| s.settlements == 0)>
                <p class="warning">{move || t(Key::NoSettlements)}</p>
            </Show>
            {move || s.analysis.with(|a| a.as_ref().err().map(|e| view! {
                <p class="warning" data-testid="analysis-error">{analysis_error(s.lang.get(), e)}</p>
            }))}
            <dl class="figures">
                <dt>{move || t(Key::Population)}</dt>
                <dd data-testid="population-total">{move || summary().map(|s| people(s.population_total))}</dd>
                <dt>{move || t(Key::PopulationWithin)}</dt>
                <dd>{move || summary().map(|s| people(s.population_within_limit))}</dd>
                <dt>{move || t(Key::MeanTime)}</dt>
                <dd data-testid="mean-time">{move || summary().map(|s| minutes(s.mean_time_min, s_lang()))}</dd>
                <dt>{move || t(Key::UnreachablePopulation)}</dt>
                <dd data-testid="unreachable-population">{move || summary().map(|s| people(s.unreachable_population))}</dd>
                <dt>{move || t(Key::SettlementsBeyond)}</dt>
                <dd>{move || summary().map(|s| format!("{} / {}", s.settlements_beyond_limit, s.settlements))}</dd>
                <dt>{move || t(Key::ServicePoints)}</dt>
                <dd>{move || summary().map(|s| s.service_points)}</dd>
            </dl>
            <p class="note">{move || t(Key::ModeNote)}</p>
        </section>
    }
}

fn s_lang() -> Lang {
    state().lang.get()
}

/// File input, what was recognised, skipped features and load errors.
#[component]
pub fn LoadPanel() -> impl IntoView {
    let s = state();
    let t = move |k: Key| k.text(s.lang.get());
    let count = move |layer: usize| move || s.data.with(|d| d.counts()[layer]);
    let skipped = move || {
        s.data.with(|d| {
            d.files
                .iter()
                .flat_map(|f| {
                    f.layers
                        .skipped
                        .iter()
                        .map(move |k| (f.name.clone(), k.clone()))
                })
                .take(500)
                .collect::<Vec<_>>()
        })
    };
    view! {
        <section class="card load">
            <label class="file">
                <span>{move || t(Key::LoadFiles)}</span>
                <input
                    type="file"
                    multiple
                    accept=".geojson,.json,.pbf,application/geo+json,application/json"
                    data-testid="file-input"
                    on:change=move |ev| {
                        let input: web_sys::HtmlInputElement = event_target(&ev);
                        if let Some(files) = input.files() {
                            s.load_file_list(files);
                        }
                        input.set_value("");
                    }
                />
            </label>
            <p class="note">{move || t(Key::DropHint)} " " {move || t(Key::PrivacyNote)}</p>
            <Show when=move || !s.demo.get()>
                <button class="link" on:click=move |_| s.show_demo(s.which_demo.get_untracked())>{move || t(Key::DemoReload)}</button>
            </Show>
            <For
                each=move || s.load_errors.get().into_iter().enumerate()
                key=|(i, e)| (*i, e.text(crate::i18n::Lang::En))
                let((_, e))
            >
                <p class="error" data-testid="load-error" role="alert">{move || e.text(s.lang.get())}</p>
            </For>
            <h3>{move || t(Key::Layers)}</h3>
            <table class="counts">
                <tr><td>{move || t(Key::Roads)}</td><td data-testid="count-roads">{count(0)}</td></tr>
                <tr><td>{move || t(Key::Facilities)}</td><td data-testid="count-facilities">{count(1)}</td></tr>
                <tr><td>{move || t(Key::Settlements)}</td><td data-testid="count-settlements">{count(2)}</td></tr>
                <tr><td>{move || t(Key::AdminUnits)}</td><td data-testid="count-admin">{count(3)}</td></tr>
                <tr><td>{move || t(Key::Skipped)}</td><td data-testid="count-skipped">{count(4)}</td></tr>
            </table>
            <Show when=move || s.data.with(|d| d.files.iter().any(|f| !f.layers.skipped.is_empty() || !f.layers.notes.is_empty()))>
                <details class="skipped">
                    <summary>{move || t(Key::Skipped)}</summary>
                    <ul>
                        {move || skipped().into_iter().map(|(file, k)| view! {
                            <li data-testid="skipped-feature">
                                {file} " · " {move || t(Key::Feature)} " " {k.source.feature} ": "
                                {move || skip_reason(s.lang.get(), &k.reason)}
                            </li>
                        }).collect_view()}
                        {move || s.data.with(|d| d.files.iter().flat_map(|f| f.layers.notes.clone()).map(|n| view! { <li>{n}</li> }).collect_view())}
                    </ul>
                </details>
            </Show>
        </section>
    }
}

/// The 15-minute figure per admin unit.
#[component]
pub fn AdminTable() -> impl IntoView {
    let s = state();
    let t = move |k: Key| k.text(s.lang.get());
    let rows = move || s.report.get().map(|r| r.admin).unwrap_or_default();
    view! {
        <Show when=move || !rows().is_empty()>
            <section class="card">
                <h3>{move || t(Key::PerUnit)}</h3>
                <table class="data" data-testid="admin-table">
                    <thead><tr>
                        <th>{move || t(Key::AdminUnit)}</th>
                        <th class="num">{move || t(Key::Population)}</th>
                        <th class="num">{move || t(Key::Share)}</th>
                        <th class="num">{move || t(Key::MeanTime)}</th>
                    </tr></thead>
                    <tbody>
                        {move || rows().into_iter().map(|r| view! {
                            <tr data-testid="admin-row">
                                <td>{r.name.clone().unwrap_or_else(|| format!("#{}", r.unit))}</td>
                                <td class="num">{people(r.population)}</td>
                                <td class="num">{percent(r.share_within_limit)}</td>
                                <td class="num">{minutes(r.mean_time_min, s.lang.get())}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </section>
        </Show>
    }
}

/// Settlements beyond the limit, most populous first; a click selects one on the map.
#[component]
pub fn BeyondList() -> impl IntoView {
    let s = state();
    let t = move |k: Key| k.text(s.lang.get());
    let rows = move || {
        s.report
            .get()
            .map(|r| {
                let mut v: Vec<(usize, crate::report::SettlementRow)> = r
                    .settlements
                    .into_iter()
                    .enumerate()
                    .filter(|(_, row)| !row.within_limit)
                    .collect();
                // Special-area villages first, then the most populous.
                v.sort_by(|a, b| {
                    b.1.special_area
                        .cmp(&a.1.special_area)
                        .then(b.1.population.total_cmp(&a.1.population))
                        .then(a.0.cmp(&b.0))
                });
                v
            })
            .unwrap_or_default()
    };
    const SHOWN: usize = 300;
    view! {
        <section class="card">
            <h3>{move || t(Key::SettlementsBeyond)} " (" {move || rows().len()} ")"</h3>
            <table class="data" data-testid="beyond-list">
                <thead><tr>
                    <th>{move || t(Key::Settlement)}</th>
                    <th class="num">{move || t(Key::Population)}</th>
                    <th class="num">{move || t(Key::Time)}</th>
                    <th>{move || t(Key::NearestFacility)}</th>
                </tr></thead>
                <tbody>
                    {move || rows().into_iter().take(SHOWN).map(|(i, r)| {
                        let name = r.name.clone().unwrap_or_else(|| format!("#{}", r.index));
                        let nearest = facility_label(s.lang.get(), r.nearest_facility_name.as_deref(), r.nearest_facility_kind, r.nearest_facility);
                        view! {
                            <tr
                                data-testid="beyond-row"
                                class:selected=move || s.selected.get() == Some(i)
                                on:click=move |_| s.selected.set(Some(i))
                            >
                                <td>{name}</td>
                                <td class="num">{people(r.population)}</td>
                                <td class="num">{minutes(r.time_min, s.lang.get())}</td>
                                <td>{nearest}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
            <Show when=move || { rows().len() > SHOWN }>
                <p class="note">{move || format!("… {} more", rows().len() - SHOWN)}</p>
            </Show>
        </section>
    }
}
