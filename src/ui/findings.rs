//! The findings panel (grouped by rule or by township, filtered by severity, rule and place,
//! counts on top; a click focuses the map), the rule parameters, and the scorecard.

use super::state::AppState;
use crate::app::findings_view::{self, Filter, Group, GroupBy, GroupKey, SHOWN_PER_GROUP};
use crate::app::scene::Focus;
use crate::app::text::{message, missing, param_label, rule_title, suggestion, Key};
use crate::engine::network::Mode;
use crate::engine::rules::{Finding, Severity};
use crate::engine::rules::{RuleId, RuleParams};
use leptos::prelude::*;
use std::sync::Arc;

fn severity_id(s: Severity) -> &'static str {
    match s {
        Severity::Violation => "violation",
        Severity::Advisory => "advisory",
    }
}

/// Findings, filters and the rules that could not be checked.
#[component]
pub fn FindingsPanel() -> impl IntoView {
    let s = expect_context::<AppState>();
    let t = move |k: Key| k.text(s.lang.get());
    let filter = RwSignal::new(Filter::default());
    let by = RwSignal::new(GroupBy::Rule);
    view! {
        <section class="card findings" data-testid="findings-panel">
            <h3>{move || t(Key::Findings)}</h3>
            <FindingCounts />
            <Filters filter by />
            <FindingGroups filter by />
            <NotChecked />
            <ParamsEditor />
        </section>
    }
}

/// Violations, advisories and rules not checked, over the whole report.
#[component]
fn FindingCounts() -> impl IntoView {
    let s = expect_context::<AppState>();
    let t = move |k: Key| k.text(s.lang.get());
    let counts = move || {
        s.report
            .with(|r| r.as_ref().map(findings_view::counts).unwrap_or_default())
    };
    let not_checked = move || {
        s.report.with(|r| {
            r.as_ref()
                .map_or(0, |r| findings_view::not_checked(r).len())
        })
    };
    view! {
        <div class="finding-counts">
            <span class="badge violation" data-testid="count-violations">{move || counts().0}</span>
            " " {move || t(Key::Violations)} " · "
            <span class="badge advisory" data-testid="count-advisories">{move || counts().1}</span>
            " " {move || t(Key::Advisories)} " · "
            <span class="badge" data-testid="count-not-checked">{not_checked}</span>
            " " {move || t(Key::NotChecked)}
        </div>
    }
}

/// The filters (severity, rule, place) and the grouping.
#[component]
fn Filters(filter: RwSignal<Filter>, by: RwSignal<GroupBy>) -> impl IntoView {
    let s = expect_context::<AppState>();
    let t = move |k: Key| k.text(s.lang.get());
    let severity = move |ev| {
        let severity = match event_target_value(&ev).as_str() {
            "violation" => Some(Severity::Violation),
            "advisory" => Some(Severity::Advisory),
            _ => None,
        };
        filter.update(|f| f.severity = severity);
    };
    let rule = move |ev| {
        let rule = RuleId::parse(&event_target_value(&ev));
        filter.update(|f| f.rule = rule);
    };
    view! {
        <div class="filters">
            <select data-testid="filter-severity" on:change=severity>
                <option value="">{move || t(Key::AllSeverities)}</option>
                <option value="violation">{move || t(Key::Violations)}</option>
                <option value="advisory">{move || t(Key::Advisories)}</option>
            </select>
            <select data-testid="filter-rule" on:change=rule>
                <option value="">{move || t(Key::AllRules)}</option>
                {RuleId::ALL.iter().map(|r| view! { <option value=r.id()>{r.id()}</option> }).collect_view()}
            </select>
            <input
                type="search"
                data-testid="filter-unit"
                placeholder=move || t(Key::FilterUnit)
                on:input=move |ev| filter.update(|f| f.place = event_target_value(&ev))
            />
            <label class="label">
                {move || t(Key::GroupBy)}
                <select
                    data-testid="group-by"
                    on:change=move |ev| by.set(if event_target_value(&ev) == "unit" { GroupBy::Township } else { GroupBy::Rule })
                >
                    <option value="rule">{move || t(Key::ByRule)}</option>
                    <option value="unit">{move || t(Key::ByUnit)}</option>
                </select>
            </label>
        </div>
    }
}

/// The groups of findings that pass the filters; only the findings a group lists are copied
/// out of the report.
#[component]
fn FindingGroups(filter: RwSignal<Filter>, by: RwSignal<GroupBy>) -> impl IntoView {
    let s = expect_context::<AppState>();
    move || {
        let by = by.get();
        let shown = s.lists_shown.get();
        let groups = filter.with(|filter| {
            s.report.with(|r| {
                r.as_ref()
                    .filter(|_| shown)
                    .map(|r| {
                        findings_view::groups(r, filter, by)
                            .into_iter()
                            .map(|g| {
                                let listed = g
                                    .listed()
                                    .iter()
                                    .map(|&i| (i, r.findings[i].clone()))
                                    .collect::<Vec<_>>();
                                (g, listed)
                            })
                            .collect::<Vec<_>>()
                    })
                    .unwrap_or_default()
            })
        });
        groups
            .into_iter()
            .map(|(g, listed)| finding_group(s, by, g, listed))
            .collect_view()
    }
}

/// One group: a heading with its count, and its listed findings while it is open.
fn finding_group(
    s: AppState,
    by: GroupBy,
    group: Group,
    listed: Vec<(usize, Finding)>,
) -> impl IntoView {
    let lang = s.lang.get();
    let (heading, clause) = match (by, &group.key) {
        (GroupBy::Rule, GroupKey::Rule(rule)) => (
            format!("{} · {}", rule.id(), rule_title(lang, *rule)),
            crate::app::text::clause(lang, *rule),
        ),
        _ => (crate::app::text::place(lang, &group.name), String::new()),
    };
    let n = group.findings.len();
    let cut = group.is_cut();
    let open_at_first = group.open_at_first;
    let open = RwSignal::new(open_at_first);
    let listed = Arc::new(listed);
    view! {
        <details
            class="group"
            open=open_at_first
            data-testid="finding-group"
            on:toggle=move |ev| {
                let now = ev
                    .target()
                    .and_then(|t| js_sys::Reflect::get(&t, &"open".into()).ok())
                    .and_then(|v| v.as_bool())
                    .unwrap_or(false);
                if now != open.get_untracked() {
                    open.set(now);
                }
            }
        >
            <summary>
                <b>{heading}</b> " (" {n} ")"
                <span class="clause">{clause}</span>
            </summary>
            {move || open.get().then(|| {
                let listed = listed.clone();
                view! {
                    <ul class="finding-list">
                        {listed.iter().map(|(i, f)| finding_item(s, *i, f.clone())).collect_view()}
                    </ul>
                    {cut.then(|| view! { <p class="note">{format!("{SHOWN_PER_GROUP} / {n} {}", Key::Shown.text(lang))}</p> })}
                }
            })}
        </details>
    }
}

/// The rules that could not be checked, and why.
#[component]
fn NotChecked() -> impl IntoView {
    let s = expect_context::<AppState>();
    let t = move |k: Key| k.text(s.lang.get());
    let not_checked = move || {
        s.report.with(|r| {
            r.as_ref()
                .map(findings_view::not_checked)
                .unwrap_or_default()
        })
    };
    view! {
        <Show when=move || !not_checked().is_empty()>
            <h4>{move || t(Key::NotChecked)}</h4>
            <ul class="not-checked">
                {move || not_checked().into_iter().map(|(rule, why)| view! {
                    <li data-testid="not-checked"><b>{rule.id()}</b> " " {move || rule_title(s.lang.get(), rule)} ": " {move || missing(s.lang.get(), why)}</li>
                }).collect_view()}
            </ul>
        </Show>
    }
}

fn finding_item(s: AppState, index: usize, f: Finding) -> impl IntoView {
    let sev = severity_id(f.severity);
    let focus = Focus::Finding {
        index,
        at: f.at,
        unit: f.unit,
    };
    let detail = f.detail.clone();
    let detail2 = f.detail.clone();
    let place = f.place.clone();
    let rule = f.rule;
    view! {
        <li
            class=format!("finding {sev}")
            class:special=f.special_area
            class:focused=move || s.focus.get().is_some_and(|x| x.finding() == Some(index))
            data-testid="finding"
            data-rule=f.rule.id()
            on:click=move |_| s.focus.set(Some(focus))
        >
            <span class=format!("badge {sev}")>{move || if sev == "violation" { Key::Violation.text(s.lang.get()) } else { Key::Advisory.text(s.lang.get()) }}</span>
            " " <b class="place">{move || crate::app::text::place(s.lang.get(), &place)}</b>
            <div class="msg">{move || message(s.lang.get(), &detail)}</div>
            <div class="suggest">{move || Key::Suggestion.text(s.lang.get())} ": " {move || suggestion(s.lang.get(), &detail2)}</div>
            <div class="clause">{move || Key::Clause.text(s.lang.get())} ": " {move || crate::app::text::clause(s.lang.get(), rule)}</div>
        </li>
    }
}

/// Rule parameters as number inputs, each with its policy default shown when changed.
#[component]
fn ParamsEditor() -> impl IntoView {
    let s = expect_context::<AppState>();
    let t = move |k: Key| k.text(s.lang.get());
    let defaults = serde_json::to_value(RuleParams::default()).unwrap_or_default();
    // (field, default, whether the field is an integer)
    let fields: Vec<(String, f64, bool)> = defaults
        .as_object()
        .map(|o| {
            o.iter()
                .filter_map(|(k, v)| Some((k.clone(), v.as_f64()?, v.is_u64())))
                .collect()
        })
        .unwrap_or_default();
    let current = move |field: &str| {
        s.rules.with(|p| {
            serde_json::to_value(p)
                .ok()
                .and_then(|v| v.get(field).and_then(|x| x.as_f64()))
        })
    };
    let set = move |field: String, value: f64, integer: bool| {
        let mut v = serde_json::to_value(s.rules.get_untracked()).unwrap_or_default();
        let number = if integer {
            if value < 0.0 || value.fract() != 0.0 {
                return;
            }
            serde_json::json!(value as u64)
        } else {
            serde_json::json!(value)
        };
        v[field.as_str()] = number;
        if let Ok(p) = serde_json::from_value::<RuleParams>(v) {
            if p.validate().is_ok() {
                s.rules.set(p);
            }
        }
    };
    view! {
        <details class="params" data-testid="rule-params">
            <summary>{move || t(Key::Parameters)}</summary>
            <table>
                {fields.into_iter().map(|(field, default, integer)| {
                    let f1 = field.clone();
                    let f2 = field.clone();
                    let f3 = field.clone();
                    let label = field.clone();
                    view! {
                        <tr>
                            <td>{move || param_label(s.lang.get(), &label)}</td>
                            <td>
                                <input
                                    type="number"
                                    step="any"
                                    data-testid=format!("param-{field}")
                                    prop:value=move || current(&f1).map(|v| v.to_string()).unwrap_or_default()
                                    on:change=move |ev| {
                                        if let Ok(v) = event_target_value(&ev).parse::<f64>() {
                                            set(f2.clone(), v, integer);
                                        }
                                    }
                                />
                            </td>
                            <td class="note">
                                {move || (current(&f3) != Some(default)).then(|| format!("{}: {default}", Key::DefaultValue.text(s.lang.get())))}
                            </td>
                        </tr>
                    }
                }).collect_view()}
                <tr>
                    <td>{move || param_label(s.lang.get(), "referral_mode")}</td>
                    <td>
                        <select
                            data-testid="param-referral_mode"
                            on:change=move |ev| {
                                if let Ok(mode) = event_target_value(&ev).parse::<Mode>() {
                                    s.rules.update(|p| p.referral_mode = mode);
                                }
                            }
                        >
                            {Mode::ALL.into_iter().map(|m| view! {
                                <option value=m.id() selected=move || s.rules.with(|p| p.referral_mode == m)>
                                    {move || crate::app::text::mode_name(s.lang.get(), m)}
                                </option>
                            }).collect_view()}
                        </select>
                    </td>
                    <td class="note">
                        {move || (s.rules.with(|p| p.referral_mode) != Mode::Drive).then(|| format!("{}: {}", Key::DefaultValue.text(s.lang.get()), crate::app::text::mode_name(s.lang.get(), Mode::Drive)))}
                    </td>
                </tr>
            </table>
            <button on:click=move |_| s.rules.set(RuleParams::default())>{move || t(Key::Reset)}</button>
        </details>
    }
}

/// The scorecard of every township and sub-district.
#[component]
pub fn Scorecard() -> impl IntoView {
    let s = expect_context::<AppState>();
    let t = move |k: Key| k.text(s.lang.get());
    let rows = move || {
        s.report
            .with(|r| r.as_ref().map(|r| r.scorecard.clone()).unwrap_or_default())
    };
    view! {
        <Show when=move || !rows().is_empty()>
            <section class="card">
                <h3>{move || t(Key::Scorecard)}</h3>
                <table class="data" data-testid="scorecard">
                    <thead><tr>
                        <th>{move || t(Key::AdminUnit)}</th>
                        <th class="num">{move || t(Key::Population)}</th>
                        <th class="num">{move || t(Key::CentersCount)}</th>
                        <th class="num">{move || t(Key::VillagesServed)}</th>
                        <th class="num">{move || t(Key::Share)}</th>
                    </tr></thead>
                    <tbody>
                        {move || rows().into_iter().map(|r| {
                            let estimated = r.population_source == crate::engine::admin::PopulationSource::Settlements;
                            let unit = r.unit;
                            view! {
                                <tr data-testid="scorecard-row" class:special=r.special_area
                                    on:click=move |_| s.focus.set(Some(Focus::Unit(unit)))>
                                    <td>{r.name.clone()}</td>
                                    <td class="num" title=move || if estimated { t(Key::PopulationEstimated) } else { "" }>
                                        {format!("{:.0}{}", r.population, if estimated { "*" } else { "" })}
                                    </td>
                                    <td class="num" class:bad=r.health_centers != 1>{r.health_centers}</td>
                                    <td class="num">{format!("{} / {}", r.villages_served, r.villages)}</td>
                                    <td class="num">{r.share_within_limit.map(|v| format!("{:.1}%", v * 100.0)).unwrap_or_else(|| "–".into())}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
                <p class="note">"* " {move || t(Key::PopulationEstimated)}</p>
            </section>
        </Show>
    }
}
