//! The side panels: controls, the headline figure, what was loaded, per-unit and
//! beyond-the-limit tables. They only read state and format it.

use super::state::AppState;
use crate::app::jobs::Demo;
use crate::app::text::{analysis_error, facility_label, skip_reason, Key, Lang};
use crate::engine::dataset::LayerCounts;
use crate::engine::network::Mode;
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
                {mode_button(Mode::Ebike, Key::Ebike, "mode-ebike")}
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
    let summary = move || s.report.with(|r| r.as_ref().map(|r| r.summary.clone()));
    view! {
        <section class="card headline">
            <h2>
                {move || t(Key::ShareWithin)} " (≤ " {move || s.limit.get()} " "
                {move || t(Key::Minutes)} ", " {move || crate::app::text::mode_name(s.lang.get(), s.mode.get())} ")"
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
            <Show when=move || s.summary.with(|d| d.population_estimated)>
                <p class="warning" data-testid="population-estimated">{move || t(Key::PopulationEstimate)}</p>
                <label class="floor">
                    {move || t(Key::FloorArea)} " "
                    <input
                        type="number"
                        min="1"
                        max="1000"
                        step="any"
                        data-testid="floor-area"
                        prop:value=move || s.summary.with(|d| d.floor_m2_per_person.to_string())
                        on:change=move |ev| {
                            if let Ok(v) = event_target_value(&ev).parse::<f64>() {
                                super::client::set_floor_area(v);
                            }
                        }
                    />
                </label>
                <p class="note">{move || t(Key::FloorAreaNote)}</p>
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
            {move || s.analysis_error.with(|a| a.as_ref().map(|e| view! {
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
    let count = move |pick: fn(&LayerCounts) -> usize| move || s.summary.with(|d| pick(&d.counts));
    let skipped = move || s.summary.with(|d| d.skipped.clone());
    view! {
        <section class="card load">
            <label class="file">
                <span>{move || t(Key::LoadFiles)}</span>
                <input
                    type="file"
                    multiple
                    accept=".geojson,.json,.pbf,.zip,.shp,.shx,.dbf,.prj,.cpg,.csv,.tsv,.xlsx,.xls,.kml,.kmz,application/geo+json,application/json,application/zip,application/vnd.google-earth.kml+xml,application/vnd.google-earth.kmz"
                    data-testid="file-input"
                    on:change=move |ev| {
                        let input: web_sys::HtmlInputElement = event_target(&ev);
                        if let Some(files) = input.files() {
                            super::client::load_file_list(&s, files);
                        }
                        input.set_value("");
                    }
                />
            </label>
            <p class="note">{move || t(Key::DropHint)} " " {move || t(Key::PrivacyNote)}</p>
            <Show when=move || !s.demo.get()>
                <button class="link" on:click=move |_| super::client::show_demo(&s, s.which_demo.get_untracked())>{move || t(Key::DemoReload)}</button>
            </Show>
            <For
                each=move || s.load_errors.get().into_iter().enumerate()
                key=|(i, e)| (*i, e.en.clone())
                let((_, e))
            >
                <p class="error" data-testid="load-error" role="alert">{move || e.text(s.lang.get()).to_string()}</p>
            </For>
            <h3>{move || t(Key::Layers)}</h3>
            <table class="counts">
                <tr><td>{move || t(Key::Roads)}</td><td data-testid="count-roads">{count(|c| c.roads)}</td></tr>
                <tr><td>{move || t(Key::Facilities)}</td><td data-testid="count-facilities">{count(|c| c.facilities)}</td></tr>
                <tr><td>{move || t(Key::Settlements)}</td><td data-testid="count-settlements">{count(|c| c.settlements)}</td></tr>
                <tr><td>{move || t(Key::AdminUnits)}</td><td data-testid="count-admin">{count(|c| c.admin)}</td></tr>
                <tr><td>{move || t(Key::Skipped)}</td><td data-testid="count-skipped">{count(|c| c.skipped)}</td></tr>
            </table>
            <Show when=move || s.summary.with(|d| !d.skipped.is_empty() || !d.notes.is_empty())>
                <details class="skipped">
                    <summary>{move || t(Key::Skipped)}</summary>
                    <ul>
                        {move || skipped().into_iter().map(|(file, k)| view! {
                            <li data-testid="skipped-feature">
                                {file} " · " {move || t(Key::Feature)} " " {k.source.feature} ": "
                                {move || skip_reason(s.lang.get(), &k.reason)}
                            </li>
                        }).collect_view()}
                        {move || s.summary.with(|d| d.notes.clone()).into_iter().map(|n| view! { <li>{n}</li> }).collect_view()}
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
    // Counties first, then townships, then villages (input order within a level), the first
    // SHOWN of them: a province has tens of thousands of units.
    const SHOWN: usize = 300;
    let table = Memo::new(move |_| {
        s.report.with(|r| {
            let Some(r) = r else {
                return (0, Vec::new());
            };
            let mut order: Vec<usize> = (0..r.admin.len()).collect();
            order.sort_by_key(|&i| r.admin[i].level.map_or(3, |l| l.tier()));
            let rows: Vec<crate::engine::report::AdminRow> = order
                .into_iter()
                .take(SHOWN)
                .map(|i| r.admin[i].clone())
                .collect();
            (r.admin.len(), rows)
        })
    });
    let rows = move || table.with(|(_, rows)| rows.clone());
    view! {
        <Show when=move || table.with(|(n, _)| *n > 0)>
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
                <Show when=move || table.with(|(n, _)| *n > SHOWN)>
                    <p class="note">{move || table.with(|(n, _)| format!("{SHOWN} / {n} {}", Key::Shown.text(s.lang.get())))}</p>
                </Show>
            </section>
        </Show>
    }
}

/// Settlements beyond the limit, most populous first; a click selects one on the map.
#[component]
pub fn BeyondList() -> impl IntoView {
    let s = state();
    let t = move |k: Key| k.text(s.lang.get());
    const SHOWN: usize = 300;
    // Computed once per report: how many are beyond, and the first SHOWN of them, copied out
    // of the report (a city has tens of thousands).
    // The rows wait for `lists_shown` (the map first); the count does not.
    let beyond = Memo::new(move |_| {
        let listed = s.lists_shown.get();
        s.report.with(|r| {
            r.as_ref()
                .map(|r| {
                    let rows = &r.settlements;
                    let mut order: Vec<usize> =
                        (0..rows.len()).filter(|&i| !rows[i].within_limit).collect();
                    if !listed {
                        return (order.len(), Vec::new());
                    }
                    // Special-area villages first, then the most populous.
                    order.sort_by(|&a, &b| {
                        (rows[b].special_area.cmp(&rows[a].special_area))
                            .then(rows[b].population.total_cmp(&rows[a].population))
                            .then(a.cmp(&b))
                    });
                    let shown: Vec<(usize, crate::engine::report::SettlementRow)> = order
                        .iter()
                        .take(SHOWN)
                        .map(|&i| (i, rows[i].clone()))
                        .collect();
                    (order.len(), shown)
                })
                .unwrap_or_default()
        })
    });
    let count = move || beyond.with(|(n, _)| *n);
    view! {
        <section class="card">
            <h3>{move || t(Key::SettlementsBeyond)} " (" {count} ")"</h3>
            <table class="data" data-testid="beyond-list">
                <thead><tr>
                    <th>{move || t(Key::Settlement)}</th>
                    <th class="num">{move || t(Key::Population)}</th>
                    <th class="num">{move || t(Key::Time)}</th>
                    <th>{move || t(Key::NearestFacility)}</th>
                </tr></thead>
                <tbody>
                    {move || beyond.with(|(_, shown)| shown.clone()).into_iter().map(|(i, r)| {
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
            <Show when=move || { count() > SHOWN }>
                <p class="note">{move || format!("{SHOWN} / {} {}", count(), t(Key::Shown))}</p>
            </Show>
        </section>
    }
}

/// What the engine is doing (stage, progress bar, cancel), and what happened to it.
#[component]
pub fn EngineStatus() -> impl IntoView {
    use super::autosave::start_fresh;
    use crate::app::jobs::{JobText, Notice};
    use crate::engine::progress::Stage;
    let s = state();
    let t = move |k: Key| k.text(s.lang.get());
    let job_text = move |job: &JobText, lang: Lang| match job {
        JobText::Demo => Key::LoadingDemo.text(lang).to_string(),
        JobText::Loading(names) => format!("{} {names}", Key::LoadingFilesPrefix.text(lang)),
        JobText::Restoring => Key::Restoring.text(lang).to_string(),
        JobText::Floor => Key::RereadingExtracts.text(lang).to_string(),
        JobText::Computing(Mode::Walk) => Key::ComputingWalk.text(lang).to_string(),
        JobText::Computing(Mode::Drive) => Key::ComputingDrive.text(lang).to_string(),
        JobText::Computing(Mode::Ebike) => Key::ComputingEbike.text(lang).to_string(),
        JobText::Timing => Key::Measuring.text(lang).to_string(),
        JobText::Planning => Key::StagePlanning.text(lang).to_string(),
        JobText::Editing => Key::Editing.text(lang).to_string(),
    };
    let stage_key = |stage: Option<Stage>| match stage {
        None => Key::Waiting,
        Some(Stage::Reading) => Key::StageReading,
        Some(Stage::Building) => Key::StageBuilding,
        Some(Stage::Joining) => Key::StageJoining,
        Some(Stage::Routing) => Key::StageRouting,
        Some(Stage::Summarising) => Key::StageSummarising,
        Some(Stage::Surface) => Key::StageSurface,
        Some(Stage::Planning) => Key::StagePlanning,
    };
    let notice = move || {
        let lang = s.lang.get();
        s.notice.get().map(|n| match n {
            Notice::Cancelled => Key::Cancelled.text(lang).to_string(),
            Notice::EngineStopped {
                what,
                panic,
                wasm_mb,
                limit_mb,
            } => {
                let why = match (panic, limit_mb) {
                    (None, None) => Key::OutOfMemory.text(lang).to_string(),
                    (None, Some(mb)) => {
                        format!("{} (memory_limit_mb={mb})", Key::OutOfMemory.text(lang))
                    }
                    (Some(p), _) => format!("{} {p}", Key::EngineDefect.text(lang)),
                };
                format!(
                    "{} {} ({} {wasm_mb:.0} MB): {why} {}",
                    Key::EngineStoppedPrefix.text(lang),
                    job_text(&what, lang),
                    Key::EngineMemory.text(lang),
                    Key::EngineKept.text(lang)
                )
            }
            Notice::NoWorker(m) => format!("{} {m}", Key::NoWorker.text(lang)),
        })
    };
    view! {
        {move || s.busy.get().map(|b| {
            let lang = s.lang.get();
            let stage = b.stage.map(|st| st.id()).unwrap_or("starting");
            let value = (b.total > 0).then(|| (b.done as f64 / b.total as f64).min(1.0));
            view! {
                <div class="busy" data-testid="busy" data-stage=stage role="status" aria-live="polite">
                    <span class="job">{job_text(&b.job, lang)}</span>
                    " · "
                    <span class="stage" data-testid="busy-stage">{stage_key(b.stage).text(lang)}</span>
                    {match value {
                        Some(v) => view! { <progress max="1" value=v.to_string()></progress> }.into_any(),
                        None => view! { <progress></progress> }.into_any(),
                    }}
                    <button data-testid="cancel" on:click=move |_| super::client::cancel()>{t(Key::Cancel)}</button>
                </div>
            }
        })}
        {move || notice().map(|n| view! {
            <div class="notice" data-testid="engine-notice" role="alert">
                {n}
                " "
                <button class="link" on:click=move |_| s.notice.set(None)>"×"</button>
            </div>
        })}
        {move || s.restored.get().map(|r| view! {
            <div class="notice restored" data-testid="restored-notice" role="status">
                {r.text(s.lang.get()).to_string()}
                " "
                <button data-testid="start-fresh" on:click=move |_| start_fresh()>{t(Key::StartFresh)}</button>
                " "
                <button class="link" on:click=move |_| s.restored.set(None)>"×"</button>
            </div>
        })}
        {move || s.storage_note.get().map(|n| view! {
            <div class="notice" data-testid="storage-note" role="status">
                {n.text(s.lang.get()).to_string()}
                " "
                <button class="link" on:click=move |_| s.storage_note.set(None)>"×"</button>
            </div>
        })}
    }
}

/// Stage timings, memory, and in-browser measurements (`?timing`): the nearest-facility pass
/// on an extract (compare with `scripts/bench.sh`) and a synthetic network end to end.
#[component]
pub fn TimingPanel() -> impl IntoView {
    use super::client::{submit, Job};
    let s = state();
    let t = move |k: Key| k.text(s.lang.get());
    let rows = move || {
        let tm = s.timings.get();
        tm.load
            .iter()
            .chain(&tm.run)
            .map(|(stage, ms)| view! { <tr><td>{stage.id()}</td><td data-testid=format!("time-{}", stage.id())>{format!("{ms:.1} ms")}</td></tr> })
            .collect_view()
    };
    let (junctions, set_junctions) = signal(2_000_000usize);
    view! {
        <section class="card timing" data-testid="timing-panel">
            <h3>{move || t(Key::TimingTitle)}</h3>
            <table class="data">
                {rows}
                <tr><td>{move || t(Key::MapRedraw)}</td><td data-testid="time-draw">{move || s.timings.get().draw.map_or_else(String::new, |ms| format!("{ms:.1} ms"))}</td></tr>
                <tr><td>{move || t(Key::RoutingNodes)}</td><td data-testid="graph-nodes">{move || s.graph_nodes.get()}</td></tr>
                <tr><td>{move || t(Key::EngineMemory)}</td><td data-testid="engine-memory" data-bytes=move || s.memory.get().wasm_bytes.to_string()>
                    {move || { let m = s.memory.get(); format!("{:.0} MB (peak heap {:.0} MB)", m.wasm_bytes / 1048576.0, m.peak_heap_bytes / 1048576.0) }}
                </td></tr>
            </table>
            <label class="file">
                <span>{move || t(Key::TimeBench)}</span>
                <input
                    type="file"
                    accept=".pbf"
                    data-testid="bench-input"
                    on:change=move |ev| {
                        let input: web_sys::HtmlInputElement = event_target(&ev);
                        if let Some(file) = input.files().and_then(|l| l.get(0)) {
                            leptos::task::spawn_local(async move {
                                if let Ok(b) = wasm_bindgen_futures::JsFuture::from(file.array_buffer()).await {
                                    use wasm_bindgen::JsCast;
                                    submit(Job::Bench { buffer: b.unchecked_into(), reps: 20 });
                                }
                            });
                        }
                    }
                />
            </label>
            <div class="synthetic">
                <input
                    type="number"
                    min="1000"
                    step="1000"
                    data-testid="synthetic-junctions"
                    prop:value=move || junctions.get().to_string()
                    on:change=move |ev| {
                        if let Ok(v) = event_target_value(&ev).parse::<usize>() {
                            set_junctions.set(v);
                        }
                    }
                />
                <button data-testid="synthetic-run" on:click=move |_| submit(Job::Synthetic { junctions: junctions.get_untracked() })>
                    {move || t(Key::TimeSynthetic)}
                </button>
                <button
                    data-testid="synthetic-show"
                    on:click=move |_| super::client::show_demo(&s, Demo::Synthetic(junctions.get_untracked().min(u32::MAX as usize) as u32))
                >
                    {move || t(Key::ShowOnMap)}
                </button>
            </div>
            <pre data-testid="timing-lines">{move || s.timing_lines.get().join("\n")}</pre>
        </section>
    }
}

/// The coverage map's controls and the area and population per travel-time band.
#[component]
pub fn CoveragePanel() -> impl IntoView {
    let s = state();
    let t = move |k: Key| k.text(s.lang.get());
    let band_label = move |b: &crate::engine::surface::BandRow| match (b.from_min, b.to_min) {
        (Some(f), Some(to)) => format!("{f}–{to} {}", t(Key::Minutes)),
        (Some(f), None) => format!("> {f} {}", t(Key::Minutes)),
        _ => t(Key::Unreachable).to_string(),
    };
    let total_pop = move || {
        s.surface.with(|l| {
            l.as_ref()
                .map(|l| l.0.info.bands.iter().map(|b| b.population).sum::<f64>())
                .unwrap_or(0.0)
        })
    };
    view! {
        <Show when=move || s.scene.with(Option::is_some)>
            <section class="card" data-testid="coverage-panel">
                <h3>{move || t(Key::CoverageMap)}</h3>
                <div class="row">
                    <label>
                        <input type="checkbox" data-testid="surface-toggle"
                            prop:checked=move || s.show_surface.get()
                            on:change=move |ev| s.show_surface.set(event_target_checked(&ev)) />
                        " " {move || t(Key::ShowSurface)}
                    </label>
                </div>
                <div class="row">
                    <label>{move || t(Key::Opacity)} " "
                        <input type="range" min="0.1" max="1" step="0.05" data-testid="surface-opacity"
                            prop:value=move || s.surface_opacity.get().to_string()
                            on:input=move |ev| {
                                if let Ok(v) = event_target_value(&ev).parse::<f64>() {
                                    s.surface_opacity.set(v);
                                }
                            } />
                    </label>
                    <label>{move || t(Key::CellSize)} " "
                        <select data-testid="cell-size"
                            on:change=move |ev| {
                                if let Ok(v) = event_target_value(&ev).parse::<f64>() {
                                    s.cell_m.set(v);
                                }
                            }>
                            {[25.0, 50.0, 100.0, 200.0, 500.0].map(|c| view! {
                                <option value=c.to_string() selected=move || s.cell_m.get() == c>{format!("{c} m")}</option>
                            }).collect_view()}
                        </select>
                    </label>
                </div>
                {move || s.surface_error.get().map(|e| view! {
                    <p class="error" data-testid="surface-error">{e.text(s.lang.get()).to_string()}</p>
                })}
                <table class="data" data-testid="band-table">
                    <thead><tr>
                        <th>{move || t(Key::Band)}</th>
                        <th class="num">{move || t(Key::AreaKm2)}</th>
                        <th class="num">{move || t(Key::Population)}</th>
                        <th class="num">{move || t(Key::Share)}</th>
                    </tr></thead>
                    <tbody>
                        {move || {
                            let total = total_pop();
                            s.surface.get().map(|l| l.0.info.bands.iter().enumerate().map(|(i, b)| {
                                let colour = crate::app::scene::BAND_COLOURS[i.min(crate::app::scene::BAND_COLOURS.len() - 1)];
                                view! {
                                    <tr data-testid="band-row">
                                        <td><i class="swatch-band" style=format!("background:{colour}")></i>{band_label(b)}</td>
                                        <td class="num">{format!("{:.1}", b.area_km2)}</td>
                                        <td class="num">{people(b.population)}</td>
                                        <td class="num">{percent((total > 0.0).then(|| b.population / total))}</td>
                                    </tr>
                                }
                            }).collect_view())
                        }}
                    </tbody>
                </table>
                <p class="note">{move || t(Key::SurfaceNote)}</p>
            </section>
        </Show>
    }
}

/// Site suggestions: how many sites (or what share), of which kind, from which candidates;
/// the sites with what each adds, the share before and after, the proven gap; and one click to
/// add them as planned facilities.
#[component]
pub fn SuggestPanel() -> impl IntoView {
    use crate::app::planning::PlanAsk;
    use crate::engine::model::FacilityKind;
    use crate::engine::planning::Objective;
    let s = state();
    let t = move |k: Key| k.text(s.lang.get());
    let by_share = RwSignal::new(false);
    let k = RwSignal::new(3usize);
    let share = RwSignal::new(0.9f64);
    let kind = RwSignal::new(FacilityKind::MedicalServicePoint);
    let spacing = RwSignal::new(crate::engine::planning::DEFAULT_SPACING_M);
    let file = RwSignal::new_local(None::<(String, js_sys::ArrayBuffer)>);
    let kinds = [
        FacilityKind::MedicalServicePoint,
        FacilityKind::VillageClinic,
        FacilityKind::MobileStation,
    ];
    let run = move |_| {
        let objective = if by_share.get_untracked() {
            Objective::SetCovering {
                target_share: share.get_untracked(),
            }
        } else {
            Objective::MaxCovering {
                k: k.get_untracked(),
            }
        };
        let chosen = file.get_untracked();
        let ask = PlanAsk {
            mode: s.mode.get_untracked(),
            limit_min: s.limit.get_untracked(),
            objective,
            kind: kind.get_untracked(),
            spacing_m: spacing.get_untracked(),
            candidates_file: chosen.as_ref().map(|(n, _)| n.clone()),
        };
        s.plan.set(None);
        super::client::submit(crate::app::jobs::Job::Plan {
            ask,
            candidates: chosen.map(|(_, b)| b),
        });
    };
    let pick_file = move |ev: leptos::ev::Event| {
        use wasm_bindgen::JsCast;
        let input: web_sys::HtmlInputElement = event_target(&ev);
        let Some(f) = input.files().and_then(|l| l.get(0)) else {
            file.set(None);
            return;
        };
        let name = f.name();
        leptos::task::spawn_local(async move {
            if let Ok(b) = wasm_bindgen_futures::JsFuture::from(f.array_buffer()).await {
                file.set(Some((name, b.unchecked_into())));
            }
        });
    };
    view! {
        <Show when=move || s.scene.with(Option::is_some)>
            <section class="card" data-testid="suggest-panel">
                <h3>{move || t(Key::SuggestSites)}</h3>
                <div class="row">
                    <label>
                        <input type="radio" name="objective" data-testid="suggest-by-k"
                            prop:checked=move || !by_share.get() on:change=move |_| by_share.set(false) />
                        " " {move || t(Key::AddSites)} " "
                        <input type="number" min="1" max="500" class="short" data-testid="suggest-k"
                            prop:value=move || k.get().to_string()
                            on:input=move |ev| { if let Ok(v) = event_target_value(&ev).parse::<usize>() { k.set(v.max(1)); } } />
                        " " {move || t(Key::SitesWord)}
                    </label>
                </div>
                <div class="row">
                    <label>
                        <input type="radio" name="objective" data-testid="suggest-by-share"
                            prop:checked=move || by_share.get() on:change=move |_| by_share.set(true) />
                        " " {move || t(Key::TargetShare)} " "
                        <input type="number" min="1" max="100" step="1" class="short" data-testid="suggest-share"
                            prop:value=move || format!("{:.0}", share.get() * 100.0)
                            on:input=move |ev| { if let Ok(v) = event_target_value(&ev).parse::<f64>() { share.set((v / 100.0).clamp(0.0, 1.0)); } } />
                        " %"
                    </label>
                </div>
                <div class="row">
                    <label>{move || t(Key::NewSiteKind)} " "
                        <select data-testid="suggest-kind" on:change=move |ev| {
                            let v = event_target_value(&ev);
                            if let Some(kd) = kinds.iter().find(|kd| kd.id() == v) { kind.set(*kd); }
                        }>
                            {kinds.map(|kd| view! {
                                <option value=kd.id() selected=move || kind.get() == kd>
                                    {move || crate::app::text::kind_name(s.lang.get(), kd)}
                                </option>
                            }).collect_view()}
                        </select>
                    </label>
                </div>
                <div class="row">
                    <span>{move || t(Key::Candidates)} ": "</span>
                    <span>{move || t(Key::CandidatesGenerated)} " "
                        <input type="number" min="50" step="50" class="short" data-testid="suggest-spacing"
                            prop:value=move || spacing.get().to_string()
                            on:input=move |ev| { if let Ok(v) = event_target_value(&ev).parse::<f64>() { spacing.set(v.max(10.0)); } } />
                        " " {move || t(Key::Metres)}
                    </span>
                </div>
                <div class="row">
                    <label>{move || t(Key::CandidatesFile)} " "
                        <input type="file" accept=".geojson,.json" data-testid="suggest-candidates" on:change=pick_file />
                    </label>
                </div>
                <button class="primary" data-testid="suggest-run" on:click=run>{move || t(Key::Suggest)}</button>
                <SuggestResult kind />
            </section>
        </Show>
    }
}

/// The site suggestions that came back: the share before and after, the proven gap, the
/// sites with what each adds, and the button that adds them as planned facilities of `kind`.
#[component]
fn SuggestResult(kind: RwSignal<crate::engine::model::FacilityKind>) -> impl IntoView {
    let s = state();
    let add = move |_| {
        let Some(Ok(plan)) = s.plan.get_untracked() else {
            return;
        };
        let already = s.scene.with_untracked(|sc| {
            sc.as_ref()
                .map_or(0, |sc| sc.0.facilities.iter().filter(|f| f.planned).count())
        });
        let text =
            crate::app::planning::planned_sites_geojson(&plan, kind.get_untracked(), already);
        let name = format!("{}-{}", already + 1, crate::app::planning::PLANNED_FILE);
        let buffer = js_sys::Uint8Array::from(text.as_bytes()).buffer();
        s.plan.set(None);
        super::client::submit(crate::app::jobs::Job::Load {
            names: vec![name],
            buffers: vec![buffer],
            replace: false,
            restore: false,
        });
    };
    move || {
        let lang = s.lang.get();
        s.plan.get().map(|r| match r {
            Err(e) => view! { <p class="error" data-testid="suggest-error">{e.text(lang).to_string()}</p> }.into_any(),
            Ok(plan) => {
                let total = plan.population_total.max(1.0);
                let gap = plan.gap();
                let quality = if plan.proven_optimal && gap.is_some_and(|g| g <= 0.0) {
                    Key::ProvenOptimal.text(lang).to_string()
                } else {
                    match gap {
                        Some(g) => format!("{} {:.2} % {}", Key::WithinOfBest.text(lang), g * 100.0, Key::OfBest.text(lang)),
                        None => String::new(),
                    }
                };
                let sites = plan.sites.clone();
                view! {
                    <div data-testid="suggest-result">
                        <p class="headline-small" data-testid="suggest-shares">
                            {Key::ShareBeforeAfter.text(lang)} ": "
                            <b>{format!("{:.1} %", plan.population_within_limit_before / total * 100.0)}</b>
                            " → "
                            <b data-testid="suggest-after">{format!("{:.1} %", plan.population_within_limit_after / total * 100.0)}</b>
                            {format!(" (+{})", people(plan.population_within_limit_after - plan.population_within_limit_before))}
                        </p>
                        <p class="note" data-testid="suggest-gap">{quality}</p>
                        {(plan.target_reached == Some(false)).then(|| view! { <p class="note">{Key::TargetNotReached.text(lang)}</p> })}
                        <ol class="sites" data-testid="suggest-sites">
                            {sites.into_iter().map(|site| view! {
                                <li data-testid="suggest-site">
                                    {format!("{} {} {}", Key::AddsPeople.text(lang), people(site.added_population), Key::Residents.text(lang))}
                                    {format!(" · {:.5}, {:.5}", site.lon, site.lat)}
                                    {site.offroad_m.filter(|m| *m > 200.0).map(|m| format!(" · {} {m:.0} {}", Key::OffRoad.text(lang), Key::Metres.text(lang)))}
                                    {site.candidate.map(|c| format!(" · #{c}"))}
                                </li>
                            }).collect_view()}
                        </ol>
                        <Show when=move || !plan.sites.is_empty()>
                            <button data-testid="suggest-add" on:click=add>{Key::AddAsPlanned.text(lang)}</button>
                        </Show>
                    </div>
                }.into_any()
            }
        })
    }
}
