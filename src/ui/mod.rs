//! The web page (wasm only): thin Leptos components over the engine. State lives in
//! [`state::AppState`], provided through context; components read it, call the engine, draw.

mod access_panel;
mod autosave;
mod client;
mod compare_panel;
mod demo;
mod edit_panel;
mod export_panel;
mod file_choices;
mod findings;
mod map;
mod map_png;
pub mod memory;
mod panels;
mod protocol;
mod referral;
mod report_view;
mod speeds_panel;
pub mod state;
mod worker;

use crate::app::jobs::Demo;
use crate::app::text::Key;
use leptos::prelude::*;
use state::AppState;

/// Starts the module: the app on the page body, or the engine when running in the worker.
pub fn start() {
    use wasm_bindgen::JsCast;
    if js_sys::global().dyn_into::<web_sys::Window>().is_ok() {
        console_error_panic_hook::set_once();
        leptos::mount::mount_to_body(App);
    } else {
        worker::listen();
    }
}

/// The root: provides the state, lays out the header, the map and the panels.
#[component]
pub fn App() -> impl IntoView {
    let state = AppState::new();
    provide_context(state);
    client::start(state);
    let t = move |k: Key| state.lang.get().pipe(|l| k.text(l));
    Effect::new(move |_| state.sync_document_language());
    view! {
        <div
            class="app"
            class:printing=move || state.report_open.get()
            on:dragover=move |ev: leptos::ev::DragEvent| ev.prevent_default()
            on:drop=move |ev: leptos::ev::DragEvent| {
                ev.prevent_default();
                if let Some(files) = ev.data_transfer().and_then(|d| d.files()) {
                    client::load_file_list(&state, files);
                }
            }
        >
            <header class="top">
                <div class="brand">
                    <h1>{move || t(Key::AppName)}</h1>
                    <p class="tagline">{move || t(Key::Tagline)}</p>
                </div>
                <panels::Controls />
                <button
                    class="open-report"
                    data-testid="open-report"
                    disabled=move || state.report.with(Option::is_none)
                    on:click=move |_| state.report_open.set(true)
                >
                    {move || t(Key::OpenReport)}
                </button>
                <button
                    class="lang"
                    data-testid="lang-toggle"
                    on:click=move |_| state.lang.update(|l| *l = l.other())
                >
                    {move || t(Key::LangSwitch)}
                </button>
            </header>
            <Show when=move || state.demo.get()>
                <div class="demo-banner" data-testid="demo-banner">
                    {move || match state.which_demo.get() {
                        Demo::County => t(Key::DemoCountyBanner).to_string(),
                        Demo::Andorra => t(Key::DemoBanner).to_string(),
                        Demo::Synthetic(n) => format!("{} {n}", t(Key::SyntheticBanner)),
                    }}
                    " "
                    <button
                        class="link"
                        data-testid="demo-switch"
                        on:click=move |_| {
                            let other = if state.which_demo.get_untracked() == Demo::County { Demo::Andorra } else { Demo::County };
                            client::show_demo(&state, other);
                        }
                    >
                        {move || if state.which_demo.get() == Demo::County { t(Key::ShowAndorra) } else { t(Key::ShowCounty) }}
                    </button>
                </div>
            </Show>
            <report_view::ReportView />
            <panels::EngineStatus />
            <main class="main">
                <section class="map-pane">
                    <map::Map />
                </section>
                <aside
                    class="side"
                    class:stale=move || !state.report_is_current()
                    data-testid="side"
                    // Up to date once the report is the current one and its long lists,
                    // which follow the map by a frame, are filled.
                    data-stale=move || (!(state.report_is_current() && state.lists_shown.get())).to_string()
                    aria-busy=move || (!(state.report_is_current() && state.lists_shown.get())).to_string()
                >
                    <Show when=move || state.timing_view>
                        <panels::TimingPanel />
                    </Show>
                    <panels::Headline />
                    <speeds_panel::SpeedsPanel />
                    <panels::CoveragePanel />
                    <panels::SuggestPanel />
                    <edit_panel::EditPanel />
                    <compare_panel::ComparePanel />
                    <access_panel::AccessPanel />
                    <findings::FindingsPanel />
                    <findings::Scorecard />
                    <referral::ReferralTable />
                    <file_choices::FileChoices />
                    <panels::LoadPanel />
                    <panels::AdminTable />
                    <panels::BeyondList />
                    <export_panel::ExportPanel />
                </aside>
            </main>
        </div>
    }
}

/// `x.pipe(f)`: apply a function in a chain.
trait Pipe: Sized {
    fn pipe<R>(self, f: impl FnOnce(Self) -> R) -> R {
        f(self)
    }
}
impl<T> Pipe for T {}
