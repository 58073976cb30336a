//! The referral table: every township and community health service center to the lead
//! hospital and the county-level hospitals, by the transfer mode; a click draws the way.

use super::state::AppState;
use crate::app::scene::Focus;
use crate::app::text::{mode_name, Key};
use leptos::prelude::*;

/// The referral table card, shown when the report has rows.
#[component]
pub fn ReferralTable() -> impl IntoView {
    let s = expect_context::<AppState>();
    let t = move |k: Key| k.text(s.lang.get());
    let rows = move || {
        s.report
            .with(|r| r.as_ref().map(|r| r.referral.clone()).unwrap_or_default())
    };
    let mode = move || rows().first().map(|r| mode_name(s.lang.get(), r.mode));
    view! {
        <Show when=move || !rows().is_empty()>
            <section class="card">
                <h3>{move || t(Key::ReferralTable)} " (" {mode} ")"</h3>
                <p class="note">{move || t(Key::ReferralHint)}</p>
                <div class="scroll">
                    <table class="data" data-testid="referral-table">
                        <thead><tr>
                            <th>{move || Key::RefFrom.text(s.lang.get())}</th>
                            <th>{move || Key::RefTo.text(s.lang.get())}</th>
                            <th class="num">{move || Key::RefMinutes.text(s.lang.get())}</th>
                            <th class="num">{move || Key::RefKm.text(s.lang.get())}</th>
                        </tr></thead>
                        <tbody>
                            {move || rows().into_iter().enumerate().map(|(i, r)| {
                                let selected = move || s.focus.get() == Some(Focus::Route(i));
                                let to = format!(
                                    "{}{}",
                                    r.to_name.clone().unwrap_or_else(|| format!("#{}", r.to)),
                                    if r.to_lead { " ★" } else { "" }
                                );
                                view! {
                                    <tr data-testid="referral-row" class:selected=selected
                                        class:bad=r.minutes.is_none()
                                        on:click=move |_| s.focus.set(Some(Focus::Route(i)))>
                                        <td>{r.from_name.clone().unwrap_or_else(|| format!("#{}", r.from))}</td>
                                        <td title=move || if r.to_lead { t(Key::ColLead) } else { "" }>{to}</td>
                                        <td class="num">{match r.minutes {
                                            Some(m) => format!("{m:.1}"),
                                            None => Key::Unreachable.text(s.lang.get()).to_string(),
                                        }}</td>
                                        <td class="num">{r.km.map(|k| format!("{k:.1}")).unwrap_or_else(|| "–".into())}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            </section>
        </Show>
    }
}
