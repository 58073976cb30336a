//! How a file is read, when the reader had to guess or could not: a file whose positions are
//! not longitude/latitude and that does not say its coordinate system (the systems it may be
//! in, to choose from, or an EPSG code), and a table's sheet, coordinate columns and
//! coordinate system. Each choice reads the file again in the engine, which kept it; what was
//! loaded stays if the file still cannot be read.

use super::state::AppState;
use crate::app::jobs::Job;
use crate::app::session::{CrsQuestion, FileChoice};
use crate::app::text::{crs_label_zh, Key, Lang};
use crate::engine::io::table::{TableChoice, TableInfo};
use leptos::prelude::*;

fn reread(s: AppState, file: String, choice: FileChoice) {
    super::client::submit(Job::Reread {
        file,
        choice,
        replace: s.demo.get_untracked(),
    });
}

/// A system's name in the page's language.
fn label(lang: Lang, label: &str) -> String {
    match lang {
        Lang::En => label.to_string(),
        Lang::Zh => crs_label_zh(label),
    }
}

/// The questions and the tables, each in a card of its own; nothing when there are none.
#[component]
pub fn FileChoices() -> impl IntoView {
    let s = expect_context::<AppState>();
    let questions = move || s.summary.with(|d| d.questions.clone());
    let tables = move || s.summary.with(|d| d.tables.clone());
    view! {
        <For each=questions key=|q| q.file.clone() let(q)>
            <CrsCard q=q />
        </For>
        <For each=tables key=|(f, i)| (f.clone(), i.sheet.clone(), i.lon.clone(), i.lat.clone()) let((file, info))>
            <TableCard file=file info=info />
        </For>
    }
}

/// "Which coordinate system is this file in?", with the candidates as buttons.
#[component]
fn CrsCard(q: CrsQuestion) -> impl IntoView {
    let s = expect_context::<AppState>();
    let t = move |k: Key| k.text(s.lang.get());
    let (code, set_code) = signal(String::new());
    let file = q.file.clone();
    let choose = move |c: String| {
        reread(
            s,
            file.clone(),
            FileChoice {
                crs: Some(c),
                ..FileChoice::default()
            },
        )
    };
    let choose2 = choose.clone();
    let position = format!("[{}, {}]", q.x, q.y);
    view! {
        <section class="card crs-question" data-testid="crs-question" data-file=q.file.clone()>
            <h3>{move || t(Key::CrsQuestionTitle)}</h3>
            <p><strong>{q.file.clone()}</strong> " " {move || t(Key::CrsQuestionText)} " " <code>{position.clone()}</code></p>
            <div class="choices">
                {q.candidates.iter().map(|(c, l)| {
                    let (c2, l2) = (c.clone(), l.clone());
                    let choose = choose.clone();
                    view! {
                        <button data-testid="crs-choice" data-code=c.clone() on:click=move |_| choose(c2.clone())>
                            {c.clone()} " " {move || label(s.lang.get(), &l2)}
                        </button>
                    }
                }).collect_view()}
            </div>
            <label>
                {move || t(Key::CrsOther)} " "
                <input type="text" placeholder="EPSG:4527" data-testid="crs-code"
                    prop:value=code on:input=move |ev| set_code.set(event_target_value(&ev)) />
            </label>
            <button data-testid="crs-apply" on:click=move |_| {
                let c = code.get_untracked();
                if !c.trim().is_empty() {
                    choose2(c.trim().to_string());
                }
            }>{move || t(Key::ReadAgain)}</button>
        </section>
    }
}

/// A table's sheet, coordinate columns and system, as picked, to change.
#[component]
fn TableCard(file: String, info: TableInfo) -> impl IntoView {
    let s = expect_context::<AppState>();
    let t = move |k: Key| k.text(s.lang.get());
    let sheet = RwSignal::new(info.sheet.clone().unwrap_or_default());
    let lon = RwSignal::new(info.lon.clone().unwrap_or_default());
    let lat = RwSignal::new(info.lat.clone().unwrap_or_default());
    let crs = RwSignal::new(String::new());
    let options = |list: &[String], picked: RwSignal<String>| {
        list.iter()
            .map(|c| {
                let v = c.clone();
                view! { <option value=c.clone() selected=move || picked.get() == v>{c.clone()}</option> }
            })
            .collect_view()
    };
    let (sheets, columns) = (info.sheets.clone(), info.columns.clone());
    let apply = {
        let file = file.clone();
        move |_| {
            let nonempty = |v: String| (!v.is_empty()).then_some(v);
            reread(
                s,
                file.clone(),
                FileChoice {
                    crs: nonempty(crs.get_untracked()),
                    table: TableChoice {
                        sheet: nonempty(sheet.get_untracked()),
                        lon: nonempty(lon.get_untracked()),
                        lat: nonempty(lat.get_untracked()),
                    },
                },
            )
        }
    };
    view! {
        <section class="card table-choice" data-testid="table-choice" data-file=file.clone()>
            <h3>{move || t(Key::TableColumns)} ": " {file.clone()}</h3>
            <Show when={let n = sheets.len(); move || n > 1}>
                <label>{move || t(Key::TableSheet)} " "
                    <select data-testid="table-sheet" on:change=move |ev| sheet.set(event_target_value(&ev))>
                        {options(&info.sheets, sheet)}
                    </select>
                </label>
            </Show>
            <label>{move || t(Key::TableLon)} " "
                <select data-testid="table-lon" on:change=move |ev| lon.set(event_target_value(&ev))>
                    <option value="" selected=move || lon.get().is_empty()>"–"</option>
                    {options(&columns, lon)}
                </select>
            </label>
            <label>{move || t(Key::TableLat)} " "
                <select data-testid="table-lat" on:change=move |ev| lat.set(event_target_value(&ev))>
                    <option value="" selected=move || lat.get().is_empty()>"–"</option>
                    {options(&columns, lat)}
                </select>
            </label>
            <label>{move || t(Key::TableCrs)} " "
                <select data-testid="table-crs" on:change=move |ev| crs.set(event_target_value(&ev))>
                    <option value="">{move || t(Key::CrsAsFileSays)}</option>
                    <option value="wgs84">"WGS84"</option>
                    <option value="cgcs2000">"CGCS2000"</option>
                    <option value="gcj02">{move || label(s.lang.get(), "GCJ-02 (AMap, Tencent)")}</option>
                    <option value="bd09">{move || label(s.lang.get(), "BD-09 (Baidu)")}</option>
                </select>
            </label>
            <button data-testid="table-apply" on:click=apply>{move || t(Key::ReadAgain)}</button>
        </section>
    }
}
