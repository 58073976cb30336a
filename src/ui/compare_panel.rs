//! A plan against the baseline: the headline before and after, residents gained, every admin
//! unit whose figures changed (county, then townships, then villages), the findings resolved
//! and added, and whether the map marks the settlements whose time band changed.

use super::state::AppState;
use crate::app::compare::Comparison;
use crate::app::text::{message, place, Key};
use crate::engine::model::Level;
use leptos::prelude::*;

fn pct(v: Option<f64>) -> String {
    v.map_or_else(|| "–".into(), |v| format!("{:.2}%", v * 100.0))
}

fn mins(v: Option<f64>) -> String {
    v.map_or_else(|| "–".into(), |v| format!("{v:.1}"))
}

/// `up` for a gain, `down` for a loss.
fn sign_class(v: f64) -> &'static str {
    if v > 0.0 {
        "up"
    } else if v < 0.0 {
        "down"
    } else {
        ""
    }
}

/// The comparison card, shown while edits are made.
#[component]
pub fn ComparePanel() -> impl IntoView {
    let s = expect_context::<AppState>();
    let t = move |k: Key| k.text(s.lang.get());
    let comparison = move || s.comparison.get();
    view! {
        {move || comparison().map(|c: Comparison| {
            let gained = c.population_gained;
            let mut units = c.units.clone();
            units.sort_by(|a, b| {
                let tier = |l: Option<Level>| l.map_or(3, Level::tier);
                tier(a.level).cmp(&tier(b.level)).then(
                    (b.within_after - b.within_before).total_cmp(&(a.within_after - a.within_before)),
                )
            });
            let resolved = c.resolved.clone();
            let added = c.added.clone();
            let changed = c.settlements.len();
            view! {
                <section class="card delta" data-testid="comparison-panel">
                    <h3>{move || t(Key::CompareTitle)}</h3>
                    <table class="kv">
                        <tr><th>{move || t(Key::Share)}</th>
                            <td data-testid="cmp-share">{pct(c.before.share_within_limit)} " → " {pct(c.after.share_within_limit)}</td></tr>
                        <tr><th>{move || t(Key::CompareGained)}</th>
                            <td data-testid="cmp-gained" data-value=gained.to_string()
                                class=sign_class(gained)>{format!("{gained:+.0}")}</td></tr>
                        <tr><th>{move || t(Key::MeanTime)}</th>
                            <td data-testid="cmp-mean">{mins(c.before.mean_time_min)} " → " {mins(c.after.mean_time_min)}</td></tr>
                    </table>
                    <label>
                        <input type="checkbox" data-testid="cmp-show-map"
                            prop:checked=move || s.show_changes.get()
                            on:change=move |ev| s.show_changes.set(event_target_checked(&ev)) />
                        " " {move || t(Key::CompareShowMap)} " (" {changed} ")"
                    </label>
                    {move || {
                        let cells = s.surface.with(|l| l.as_ref().map_or(0, |l| l.0.info.changed.len()));
                        (cells > 0).then(|| view! {
                            <p class="note" data-testid="cmp-cells">
                                <span class="swatch-changed"></span>
                                {move || t(Key::CompareCells)} ": " {cells}
                            </p>
                        })
                    }}
                    <Show when={let n = units.len(); move || n > 0}>
                        <div class="scroll">
                            <table class="data">
                                <thead><tr>
                                    <th>{move || t(Key::AdminUnit)}</th>
                                    <th class="num">{move || t(Key::Share)}</th>
                                    <th class="num">{move || t(Key::CompareGained)}</th>
                                </tr></thead>
                                <tbody>
                                    {units.clone().into_iter().map(|u| {
                                        let unit = u.unit;
                                        let gain = u.within_after - u.within_before;
                                        view! {
                                            <tr data-testid="cmp-unit-row"
                                                on:click=move |_| s.focus.set(Some(crate::app::scene::Focus::Unit(unit)))>
                                                <td>{u.name.clone().unwrap_or_default()}</td>
                                                <td class="num">{pct(u.share_before)} " → " {pct(u.share_after)}</td>
                                                <td class=format!("num {}", sign_class(gain))>{format!("{gain:+.0}")}</td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                    </Show>
                    <h4>{move || t(Key::CompareResolved)} " (" {resolved.len()} ")"</h4>
                    <ul data-testid="cmp-resolved">
                        {resolved.iter().take(50).cloned().map(|f| view! {
                            <li class="up">{move || format!("{} — {}", place(s.lang.get(), &f.place), message(s.lang.get(), &f.detail))}</li>
                        }).collect_view()}
                    </ul>
                    <h4>{move || t(Key::CompareAdded)} " (" {added.len()} ")"</h4>
                    <ul data-testid="cmp-added">
                        {added.iter().take(50).cloned().map(|f| view! {
                            <li class="down">{move || format!("{} — {}", place(s.lang.get(), &f.place), message(s.lang.get(), &f.detail))}</li>
                        }).collect_view()}
                    </ul>
                </section>
            }
        })}
    }
}
