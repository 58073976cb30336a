//! What-if edits in the page: tools that make a click on the map add a facility, delete or
//! move one, or close a road; undo, redo and clear; the edits listed; the plan saved as a file
//! and loaded again. The engine applies them (`app::editing`), and the report, the map and
//! the findings follow.

use super::state::{AppState, EditTool};
use crate::app::editing::EditAsk;
use crate::app::text::Key;
use crate::engine::model::FacilityKind;
use leptos::prelude::*;

/// The kinds a planner adds, most often first.
const ADDABLE: [FacilityKind; 7] = [
    FacilityKind::VillageClinic,
    FacilityKind::MedicalServicePoint,
    FacilityKind::MobileStation,
    FacilityKind::CommunityHealthStation,
    FacilityKind::CommunityHealthCenter,
    FacilityKind::TownshipHealthCenter,
    FacilityKind::CentralTownshipHealthCenter,
];

/// The road classes a planner gives a road (OSM `highway` values), fastest first.
const ROAD_CLASSES: [&str; 10] = [
    "trunk",
    "primary",
    "secondary",
    "tertiary",
    "unclassified",
    "residential",
    "service",
    "track",
    "path",
    "footway",
];

/// A number typed in a field; `None` when empty. What is not a number is passed on as NaN, for
/// the engine to refuse with its reason.
fn number(text: &str) -> Option<f64> {
    let text = text.trim();
    (!text.is_empty()).then(|| text.parse().unwrap_or(f64::NAN))
}

/// A button that picks the map's edit tool `tool`, pressed while it is the one picked.
fn tool_button(
    s: AppState,
    id: &'static str,
    key: Key,
    tool: impl Fn() -> EditTool + Clone + Send + Sync + 'static,
) -> impl IntoView {
    let picked = tool.clone();
    view! {
        <button
            data-testid=id
            aria-pressed=move || (s.edit_tool.get() == picked()).to_string()
            on:click=move |_| s.edit_tool.set(tool())
        >{move || key.text(s.lang.get())}</button>
    }
}

/// A field for one capacity the capacity tool gives (`set` puts it in the capacities).
fn capacity_input(
    s: AppState,
    id: &'static str,
    key: Key,
    set: fn(&mut crate::engine::model::Capacity, Option<f64>),
) -> impl IntoView {
    view! {
        <label>{move || key.text(s.lang.get())}" "
            <input type="number" min="0" step="1" class="short" data-testid=id
                on:change=move |ev| {
                    let v = number(&event_target_value(&ev));
                    s.edit_capacity.update(|c| set(c, v));
                } />
        </label>
    }
}

/// The tools that give a facility clicked its capacities and a road clicked a class or speed,
/// with the values they give.
#[component]
fn CapacityAndRoadTools() -> impl IntoView {
    let s = expect_context::<AppState>();
    let t = move |k: Key| k.text(s.lang.get());
    view! {
            <div class="edit-tools">
                {tool_button(s, "edit-tool-capacity", Key::EditSetCapacity, || EditTool::SetCapacity)}
                {capacity_input(s, "edit-doctors", Key::EditDoctors, |c, v| c.doctors = v)}
                {capacity_input(s, "edit-beds", Key::EditBeds, |c, v| c.beds = v)}
            </div>
            <div class="edit-tools">
                {tool_button(s, "edit-tool-set-road", Key::EditSetRoad, || EditTool::SetRoad)}
                <select data-testid="edit-road-class" on:change=move |ev| {
                    let v = event_target_value(&ev);
                    s.edit_road.update(|r| r.0 = (!v.is_empty()).then_some(v));
                }>
                    <option value="">{move || t(Key::EditRoadClassKeep)}</option>
                    {ROAD_CLASSES.into_iter().map(|c| view! { <option value=c>{c}</option> }).collect_view()}
                </select>
                <label>
                    <input type="number" min="1" step="1" class="short" data-testid="edit-road-speed"
                        on:change=move |ev| {
                            let v = number(&event_target_value(&ev));
                            s.edit_road.update(|r| r.1 = v);
                        } />
                    " "{move || t(Key::EditRoadSpeed)}
                </label>
            </div>
    }
}

/// The edits card.
#[component]
pub fn EditPanel() -> impl IntoView {
    let s = expect_context::<AppState>();
    let t = move |k: Key| k.text(s.lang.get());
    let kind = RwSignal::new(FacilityKind::VillageClinic);
    let scenario_name = RwSignal::new(String::new());
    let edits = move || s.summary.with(|d| d.edits.len());
    let redo = move || s.summary.with(|d| d.redo);
    let hint = move || {
        t(match s.edit_tool.get() {
            EditTool::Select => Key::EditHintSelect,
            EditTool::Add(_) => Key::EditHintAdd,
            EditTool::Delete => Key::EditHintDelete,
            EditTool::Move => Key::EditHintMove,
            EditTool::CloseRoad => Key::EditHintCloseRoad,
            EditTool::SetKind(_) => Key::EditHintSetKind,
            EditTool::SetCapacity => Key::EditHintSetCapacity,
            EditTool::SetRoad => Key::EditHintSetRoad,
        })
    };
    let load_plan = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        if let Some(file) = input.files().and_then(|l| l.get(0)) {
            let name = file.name();
            leptos::task::spawn_local(async move {
                if let Ok(text) = wasm_bindgen_futures::JsFuture::from(file.text()).await {
                    let text = text.as_string().unwrap_or_default();
                    super::client::edit(EditAsk::Plan { name, text });
                }
            });
        }
        input.set_value("");
    };
    view! {
        <section class="card" data-testid="edit-panel">
            <h3>{move || t(Key::EditTitle)}</h3>
            <div class="edit-tools">
                {tool_button(s, "edit-tool-select", Key::EditSelect, || EditTool::Select)}
                {tool_button(s, "edit-tool-add", Key::EditAdd, move || EditTool::Add(kind.get()))}
                <select
                    data-testid="edit-kind"
                    on:change=move |ev| {
                        let v = event_target_value(&ev);
                        if let Some(k) = ADDABLE.into_iter().find(|k| k.id() == v) {
                            kind.set(k);
                            match s.edit_tool.get_untracked() {
                                EditTool::Add(_) => s.edit_tool.set(EditTool::Add(k)),
                                EditTool::SetKind(_) => s.edit_tool.set(EditTool::SetKind(k)),
                                _ => {}
                            }
                        }
                    }
                >
                    {ADDABLE.into_iter().map(|k| view! {
                        <option value=k.id() selected=move || kind.get() == k>
                            {move || crate::app::text::kind_name(s.lang.get(), k)}
                        </option>
                    }).collect_view()}
                </select>
                {tool_button(s, "edit-tool-set-kind", Key::EditSetKind, move || EditTool::SetKind(kind.get()))}
                {tool_button(s, "edit-tool-move", Key::EditMove, || EditTool::Move)}
                {tool_button(s, "edit-tool-delete", Key::EditDelete, || EditTool::Delete)}
                {tool_button(s, "edit-tool-close-road", Key::EditCloseRoad, || EditTool::CloseRoad)}
            </div>
            <CapacityAndRoadTools />
            <p class="note" data-testid="edit-hint">{hint}</p>
            <div class="edit-tools">
                <button data-testid="edit-undo" disabled=move || edits() == 0
                    on:click=move |_| super::client::edit(EditAsk::Undo)>{move || t(Key::Undo)}</button>
                <button data-testid="edit-redo" disabled=move || redo() == 0
                    on:click=move |_| super::client::edit(EditAsk::Redo)>{move || t(Key::Redo)}</button>
                <button data-testid="edit-clear" disabled=move || edits() == 0
                    on:click=move |_| super::client::edit(EditAsk::Clear)>{move || t(Key::EditClear)}</button>
                <button data-testid="edit-save" disabled=move || edits() == 0
                    on:click=move |_| {
                        let text = s.summary.with_untracked(|d| d.plan_file.clone());
                        super::export_panel::download("plan.geojson", "application/geo+json", text.as_bytes());
                    }>{move || t(Key::EditSave)}</button>
                <label class="file">
                    <span>{move || t(Key::EditLoad)}</span>
                    <input type="file" accept=".geojson,.json" data-testid="edit-load" on:change=load_plan />
                </label>
            </div>
            <div class="edit-tools">
                <input type="text" data-testid="scenario-name" placeholder=move || t(Key::ScenarioName)
                    prop:value=move || scenario_name.get()
                    on:input=move |ev| scenario_name.set(event_target_value(&ev)) />
                <button data-testid="scenario-save" disabled=move || edits() == 0
                    on:click=move |_| super::client::edit(EditAsk::SaveScenario { name: scenario_name.get_untracked() })>
                    {move || t(Key::ScenarioSave)}</button>
                <select data-testid="scenario-open" on:change=move |ev| {
                    let v = event_target_value(&ev);
                    super::client::edit(EditAsk::OpenScenario { name: (!v.is_empty()).then_some(v) });
                }>
                    <option value="" selected=move || s.summary.with(|d| d.edits.is_empty())>{move || t(Key::ScenarioBaseline)}</option>
                    {move || s.summary.with(|d| d.scenarios.clone()).into_iter().map(|(name, open)| {
                        let label = name.clone();
                        view! { <option value=name selected=open>{label}</option> }
                    }).collect_view()}
                </select>
            </div>
            {move || s.summary.with(|d| d.edit_refused.clone()).map(|e| view! {
                <p class="error" data-testid="edit-refused">{move || e.text(s.lang.get()).to_string()}</p>
            })}
            <ol class="edits" data-testid="edit-list">
                {move || s.summary.with(|d| d.edit_labels.clone()).into_iter().map(|l| view! {
                    <li data-testid="edit-item">{move || l.text(s.lang.get()).to_string()}</li>
                }).collect_view()}
            </ol>
        </section>
    }
}
