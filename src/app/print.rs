//! The printable report: one HTML document in the page's language (every word from
//! [`super::text`]) that a browser prints on A4 — title, date and data files, the parameters, the
//! map as SVG with its legend, scale bar and north arrow, the headline figure with its clause,
//! the 2027 target scorecard (and the 2030/2035 items the data can speak to), the scorecard by
//! township and sub-district, every violation and advisory with its place, suggestion and
//! clause, the planned sites, and the OpenStreetMap attribution when its data are used. The page
//! shows [`body`] in a view of its own; the command line writes [`document`], which carries its
//! styles, as one self-contained file.

use super::coverage_map::{scale_bar, scale_label};
use super::scene::{Scene, BAND_COLOURS};
use super::text::{self, Key, Lang};
use crate::engine::report::Report;
use crate::engine::rules::{RuleId, Severity};
use std::fmt::Write;

/// The report's styles (screen and print; A4 pages).
pub const CSS: &str = include_str!("../../style/report.css");

/// What the report is made of.
pub struct PrintInput<'a> {
    /// The report, at the limit and mode shown.
    pub report: &'a Report,
    /// The map's geometry, if there is one.
    pub scene: Option<&'a Scene>,
    /// The data files.
    pub files: &'a [String],
    /// The date, `YYYY-MM-DD`.
    pub date: &'a str,
    /// With a plan's edits, its comparison with the data as loaded.
    pub comparison: Option<&'a crate::app::compare::Comparison>,
}

/// Text made safe for HTML.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The whole report as one self-contained HTML document.
pub fn document(input: &PrintInput, lang: Lang) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n<style>\n{CSS}</style>\n</head>\n<body>\n{}\n</body>\n</html>\n",
        lang.tag(),
        esc(&title(input, lang)),
        body(input, lang)
    )
}

/// The report's title: the county (or the top unit) and what it is.
fn title(input: &PrintInput, lang: Lang) -> String {
    let area = input
        .report
        .admin
        .iter()
        .find(|a| a.parent.is_none())
        .and_then(|a| a.name.clone())
        .unwrap_or_else(|| Key::PlanningArea.text(lang).to_string());
    format!("{area} {}", Key::ReportTitle.text(lang))
}

/// The report as an `<article>` (the page puts it in its report view).
pub fn body(input: &PrintInput, lang: Lang) -> String {
    let t = |k: Key| k.text(lang);
    let r = input.report;
    let mut h = String::new();
    let _ = write!(h, "<article class=\"report\" lang=\"{}\">", lang.tag());
    let _ = write!(
        h,
        "<h1 data-testid=\"report-title\">{}</h1>",
        esc(&title(input, lang))
    );
    let _ = write!(
        h,
        "<p class=\"meta\">{}: {} · {}: {}</p>",
        t(Key::ReportDate),
        esc(input.date),
        t(Key::ReportFiles),
        esc(&input.files.join(", "))
    );
    if !r.inputs.is_empty() {
        h.push_str("<ul class=\"inputs\" data-testid=\"report-inputs\">");
        for row in &r.inputs {
            let _ = write!(
                h,
                "<li>{}: {}</li>",
                esc(&row.file),
                esc(&super::text::file_facts(lang, &row.facts))
            );
        }
        h.push_str("</ul>");
    }
    parameters(&mut h, r, lang);
    headline(&mut h, r, lang);
    if let Some(c) = input.comparison {
        comparison(&mut h, r, c, lang);
    }
    if let Some(scene) = input.scene {
        let _ = write!(
            h,
            "<section class=\"report-map\"><h2>{}</h2>",
            t(Key::ReportMap)
        );
        h.push_str(&map_svg(scene, r, lang));
        legend(&mut h, lang);
        h.push_str("</section>");
    }
    targets(&mut h, r, lang);
    scorecard(&mut h, r, lang);
    referral(&mut h, r, lang);
    findings(&mut h, r, lang);
    planned(&mut h, r, lang);
    let _ = write!(h, "<p class=\"sources\">{}</p>", t(Key::ReportSources));
    if r.attribution.is_some() {
        let _ = write!(h, "<p class=\"attribution\">{}</p>", t(Key::Attribution));
    }
    h.push_str("</article>");
    h
}

fn parameters(h: &mut String, r: &Report, lang: Lang) {
    let t = |k: Key| k.text(lang);
    let transfer_mode = r.parameters.referral_mode;
    let transfer = match (&r.speeds, transfer_mode == r.mode) {
        (Some(s), false) => format!(
            "{} ({})",
            text::mode_name(lang, transfer_mode),
            text::speeds_text(lang, transfer_mode, s)
        ),
        _ => text::mode_name(lang, transfer_mode).to_string(),
    };
    let _ = write!(
        h,
        "<section><h2>{}</h2><table class=\"kv\"><tr><th>{}</th><td>{}</td></tr><tr><th>{}</th><td>{}</td></tr><tr><th>{}</th><td>{} {}</td></tr><tr><th>{}</th><td>{}</td></tr></table></section>",
        t(Key::ReportParameters),
        t(Key::ReportMode),
        text::mode_name(lang, r.mode),
        t(Key::ReportTransferMode),
        esc(&transfer),
        t(Key::ReportLimit),
        r.limit_min,
        t(Key::Minutes),
        t(Key::ReportSpeeds),
        esc(&r.speeds.as_ref().map_or_else(
            || t(Key::ReportSpeedsText).to_string(),
            |s| text::speeds_text(lang, r.mode, s)
        )),
    );
}

fn headline(h: &mut String, r: &Report, lang: Lang) {
    let t = |k: Key| k.text(lang);
    let share = r
        .summary
        .share_within_limit
        .map_or_else(|| "–".to_string(), |s| format!("{:.2}%", s * 100.0));
    let _ = write!(
        h,
        "<section class=\"headline\"><h2>{} (≤ {} {}, {})</h2><p class=\"figure\" data-testid=\"report-share\">{share}</p><p>{:.0} / {:.0} {} · {}: {}</p></section>",
        t(Key::ReportHeadline),
        r.limit_min,
        t(Key::Minutes),
        text::mode_name(lang, r.mode),
        r.summary.population_within_limit,
        r.summary.population_total,
        t(Key::Population),
        t(Key::ReportClause),
        esc(&text::clause(lang, RuleId::Reach15Min)),
    );
}

/// One row of the target scorecard: from the rule's status.
fn target_row(h: &mut String, r: &Report, lang: Lang, key: Key, rule: RuleId) {
    let t = |k: Key| k.text(lang);
    let status = r.rules.iter().find(|s| s.rule == rule);
    let (class, word) = match status {
        None => ("na", t(Key::NotChecked).to_string()),
        Some(s) => match &s.missing {
            Some(m) => (
                "na",
                format!("{}: {}", t(Key::NotChecked), text::missing(lang, *m)),
            ),
            None if rule == RuleId::Reach15Min => {
                let share = r.summary.share_within_limit.unwrap_or(0.0);
                if share >= 1.0 {
                    ("ok", t(Key::Met).to_string())
                } else {
                    ("bad", format!("{} ({:.2}%)", t(Key::NotMet), share * 100.0))
                }
            }
            None if s.violations == 0 => ("ok", t(Key::Met).to_string()),
            None => (
                "bad",
                format!("{}: {} {}", t(Key::NotMet), s.violations, t(Key::Places)),
            ),
        },
    };
    let _ = write!(
        h,
        "<tr><td>{}</td><td class=\"{class}\">{}</td><td>{}</td><td>{}</td></tr>",
        t(key),
        esc(&word),
        rule.id(),
        esc(&text::clause(lang, rule)),
    );
}

fn targets(h: &mut String, r: &Report, lang: Lang) {
    let t = |k: Key| k.text(lang);
    let _ = write!(
        h,
        "<section><h2>{}</h2><table data-testid=\"report-targets\"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>",
        t(Key::ReportTargets),
        t(Key::ReportTarget),
        t(Key::ReportStatus),
        t(Key::ReportRule),
        t(Key::ReportClause),
    );
    for (key, rule) in [
        (Key::TargetReach, RuleId::Reach15Min),
        (Key::TargetTownship, RuleId::TownshipHealthCenter),
        (Key::TargetVillage, RuleId::VillageClinic),
        (Key::TargetSubdistrict, RuleId::SubdistrictHealthCenter),
        (Key::TargetCommunity, RuleId::CommunityStation),
        (Key::TargetCounty, RuleId::CountyMedicalCommunity),
        (Key::TargetCentral, RuleId::TownshipCentralCenter),
        (Key::TargetAcute, RuleId::CountyAcuteCareCenters),
    ] {
        target_row(h, r, lang, key, rule);
    }
    h.push_str("</tbody></table></section>");
}

fn scorecard(h: &mut String, r: &Report, lang: Lang) {
    if r.scorecard.is_empty() {
        return;
    }
    let t = |k: Key| k.text(lang);
    let _ = write!(
        h,
        "<section><h2>{}</h2><table><thead><tr><th>{}</th><th class=\"num\">{}</th><th class=\"num\">{}</th><th class=\"num\">{}</th><th class=\"num\">{}</th></tr></thead><tbody>",
        t(Key::Scorecard),
        t(Key::AdminUnit),
        t(Key::Population),
        t(Key::CentersCount),
        t(Key::VillagesServed),
        t(Key::Share),
    );
    for row in &r.scorecard {
        let _ = write!(
            h,
            "<tr><td>{}</td><td class=\"num\">{:.0}</td><td class=\"num{}\">{}</td><td class=\"num\">{} / {}</td><td class=\"num\">{}</td></tr>",
            esc(&row.name),
            row.population,
            if row.health_centers == 1 { "" } else { " bad" },
            row.health_centers,
            row.villages_served,
            row.villages,
            row.share_within_limit
                .map_or_else(|| "–".to_string(), |s| format!("{:.1}%", s * 100.0)),
        );
    }
    h.push_str("</tbody></table></section>");
}

/// A plan's edits and what they change: the headline before and after, the units whose
/// share changed (county and townships; villages by count), the findings resolved and added.
fn comparison(h: &mut String, r: &Report, c: &crate::app::compare::Comparison, lang: Lang) {
    let t = |k: Key| k.text(lang);
    let pct = |v: Option<f64>| v.map_or_else(|| "–".to_string(), |v| format!("{:.2}%", v * 100.0));
    let _ = write!(
        h,
        "<section data-testid=\"report-comparison\"><h2>{}</h2><ol>",
        t(Key::CompareTitle)
    );
    let labels: Vec<String> = r
        .edits
        .iter()
        .map(|e| text::edit_label(e, None).text(lang).to_string())
        .collect();
    for l in &labels {
        let _ = write!(h, "<li>{}</li>", esc(l));
    }
    let _ = write!(
        h,
        "</ol><table class=\"kv\"><tr><th>{}</th><td>{} → {}</td></tr><tr><th>{}</th><td>{:+.0}</td></tr></table>",
        t(Key::Share),
        pct(c.before.share_within_limit),
        pct(c.after.share_within_limit),
        t(Key::CompareGained),
        c.population_gained,
    );
    let mut units: Vec<&crate::app::compare::UnitChange> = c
        .units
        .iter()
        .filter(|u| u.level.is_none_or(|l| l.tier() < 2))
        .collect();
    units.sort_by_key(|u| u.level.map_or(3, |l| l.tier()));
    if !units.is_empty() {
        let _ = write!(
            h,
            "<table><thead><tr><th>{}</th><th class=\"num\">{}</th><th class=\"num\">{}</th></tr></thead><tbody>",
            t(Key::AdminUnit),
            t(Key::Share),
            t(Key::CompareGained)
        );
        for u in units {
            let _ = write!(
                h,
                "<tr><td>{}</td><td class=\"num\">{} → {}</td><td class=\"num\">{:+.0}</td></tr>",
                esc(u.name.as_deref().unwrap_or("")),
                pct(u.share_before),
                pct(u.share_after),
                u.within_after - u.within_before
            );
        }
        h.push_str("</tbody></table>");
    }
    for (key, list) in [
        (Key::CompareResolved, &c.resolved),
        (Key::CompareAdded, &c.added),
    ] {
        let _ = write!(h, "<h3>{} ({})</h3><ul>", t(key), list.len());
        for f in list.iter().take(30) {
            let _ = write!(
                h,
                "<li>{} — {}</li>",
                esc(&text::place(lang, &f.place)),
                esc(&text::message(lang, &f.detail))
            );
        }
        if list.len() > 30 {
            let _ = write!(h, "<li>…</li>");
        }
        h.push_str("</ul>");
    }
    h.push_str("</section>");
}

/// The referral table: each center's time and distance to each hospital (★: the lead).
fn referral(h: &mut String, r: &Report, lang: Lang) {
    let Some(first) = r.referral.first() else {
        return;
    };
    let t = |k: Key| k.text(lang);
    let _ = write!(
        h,
        "<section><h2>{} ({})</h2><table data-testid=\"report-referral\"><thead><tr><th>{}</th><th>{}</th><th class=\"num\">{}</th><th class=\"num\">{}</th></tr></thead><tbody>",
        t(Key::ReferralTable),
        text::mode_name(lang, first.mode),
        t(Key::RefFrom),
        t(Key::RefTo),
        t(Key::RefMinutes),
        t(Key::RefKm),
    );
    for row in &r.referral {
        let name = |n: &Option<String>, i: usize| n.clone().unwrap_or_else(|| format!("#{i}"));
        let _ = write!(
            h,
            "<tr><td>{}</td><td>{}{}</td><td class=\"num{}\">{}</td><td class=\"num\">{}</td></tr>",
            esc(&name(&row.from_name, row.from)),
            esc(&name(&row.to_name, row.to)),
            if row.to_lead { " ★" } else { "" },
            if row.minutes.is_none() { " bad" } else { "" },
            row.minutes
                .map_or_else(|| t(Key::Unreachable).to_string(), |m| format!("{m:.1}")),
            row.km
                .map_or_else(|| "–".to_string(), |k| format!("{k:.1}")),
        );
    }
    h.push_str("</tbody></table></section>");
}

fn findings(h: &mut String, r: &Report, lang: Lang) {
    let t = |k: Key| k.text(lang);
    let _ = write!(
        h,
        "<section><h2>{} ({})</h2>",
        t(Key::ReportFindings),
        r.findings.len()
    );
    if r.findings.is_empty() {
        let _ = write!(h, "<p>{}</p></section>", t(Key::ReportNoFindings));
        return;
    }
    let _ = write!(
        h,
        "<table class=\"findings\" data-testid=\"report-findings\"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>",
        t(Key::ReportRule),
        t(Key::ReportPlace),
        t(Key::ReportFinding),
        t(Key::ReportSuggestion),
        t(Key::ReportClause),
    );
    for f in &r.findings {
        let severity = match f.severity {
            Severity::Violation => t(Key::Violation),
            Severity::Advisory => t(Key::Advisory),
        };
        let _ = write!(
            h,
            "<tr class=\"{}\"><td>{}<br><small>{}</small></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            if f.severity == Severity::Violation { "violation" } else { "advisory" },
            esc(text::rule_title(lang, f.rule)),
            severity,
            esc(&text::place(lang, &f.place)),
            esc(&text::message(lang, &f.detail)),
            esc(&text::suggestion(lang, &f.detail)),
            esc(&text::clause(lang, f.rule)),
        );
    }
    h.push_str("</tbody></table></section>");
}

fn planned(h: &mut String, r: &Report, lang: Lang) {
    if r.planned_sites.is_empty() {
        return;
    }
    let t = |k: Key| k.text(lang);
    let _ = write!(
        h,
        "<section><h2>{}</h2><table data-testid=\"report-planned\"><thead><tr><th>#</th><th>{}</th><th>{}</th><th class=\"num\">{}</th></tr></thead><tbody>",
        t(Key::ReportPlanned),
        t(Key::PlannedSite),
        t(Key::NewSiteKind),
        t(Key::ReportServes),
    );
    for (i, p) in r.planned_sites.iter().enumerate() {
        let _ = write!(
            h,
            "<tr><td>{}</td><td>{}<br><small>{:.5}, {:.5}</small></td><td>{}</td><td class=\"num\">{:.0}</td></tr>",
            i + 1,
            esc(p.name.as_deref().unwrap_or("–")),
            p.at.lon,
            p.at.lat,
            text::kind_name(lang, p.kind),
            p.population_served,
        );
    }
    h.push_str("</tbody></table></section>");
}

fn legend(h: &mut String, lang: Lang) {
    let t = |k: Key| k.text(lang);
    let labels = ["0–5", "5–10", "10–15", "15–30", "30–60", "60+"];
    let _ = write!(h, "<p class=\"legend\"><b>{}</b> ", t(Key::TravelTime));
    for (c, l) in BAND_COLOURS.iter().zip(labels) {
        let _ = write!(h, "<span><i style=\"background:{c}\"></i>{l}</span> ");
    }
    let _ = write!(
        h,
        "<span><i style=\"background:{}\"></i>{}</span> <span><i class=\"dot within\"></i>{}</span> <span><i class=\"dot beyond\"></i>{}</span> <span><i class=\"sq\"></i>{}</span> <span><i class=\"ring\"></i>{}</span></p>",
        BAND_COLOURS[BAND_COLOURS.len() - 1],
        t(Key::Unreachable),
        t(Key::Within),
        t(Key::Beyond),
        t(Key::Facilities),
        t(Key::PlannedSite),
    );
}

/// Width of the map in SVG units (its height follows the data's shape).
const MAP_W: f64 = 1000.0;

/// The fonts of the map's words, for an SVG that stands alone (the report's inherit its own):
/// Chinese-capable families first, then any sans-serif.
const SVG_FONTS: &str =
    "'Noto Sans CJK SC', 'Noto Sans SC', 'Source Han Sans SC', 'PingFang SC', 'Microsoft YaHei', sans-serif";

/// The map as SVG: admin boundaries, roads coloured by band (coordinates rounded to a tenth of
/// a unit, segments that vanish at that size left out), settlements within or beyond the
/// limit, facilities (planned ones ringed), a scale bar, a north arrow and, when OpenStreetMap
/// data are used, their attribution. The report puts its legend beside it in HTML.
pub fn map_svg(scene: &Scene, r: &Report, lang: Lang) -> String {
    let (drawing, map_h) = map_drawing(scene, r, lang);
    format!(
        "<svg class=\"map-svg\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{MAP_W}\" height=\"{map_h:.0}\" viewBox=\"0 0 {MAP_W} {map_h:.0}\" role=\"img\">{drawing}</svg>"
    )
}

/// The map as one SVG image that stands alone (what the page turns into `map.png`): the same
/// drawing as [`map_svg`] on its light ground, with the legend drawn below it, on white, with
/// explicit width and height (returned too) and its own fonts.
pub fn map_image_svg(scene: &Scene, r: &Report, lang: Lang) -> (String, f64, f64) {
    let (drawing, map_h) = map_drawing(scene, r, lang);
    let (legend, legend_h) = legend_svg(map_h, lang);
    let h = map_h.round() + legend_h;
    let svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{MAP_W}\" height=\"{h:.0}\" viewBox=\"0 0 {MAP_W} {h:.0}\" font-family=\"{SVG_FONTS}\" fill=\"#1d1d1d\"><rect width=\"{MAP_W}\" height=\"{h:.0}\" fill=\"#fff\"/><rect x=\"0.5\" y=\"0.5\" width=\"{}\" height=\"{:.0}\" fill=\"#f7f7f4\" stroke=\"#ccc\"/>{drawing}{legend}</svg>",
        MAP_W - 1.0,
        map_h - 1.0,
    );
    (svg, MAP_W, h)
}

/// A rough width of `text` at `size` (CJK characters a full em, others about half), for laying
/// out the legend without measuring.
fn text_width(text: &str, size: f64) -> f64 {
    text.chars()
        .map(|c| if c >= '\u{2e80}' { size } else { size * 0.56 })
        .sum()
}

/// The legend drawn in SVG below a map `top` units high: the title, then the travel-time bands,
/// unreachable, settlements within and beyond the limit, facilities and planned sites, wrapped
/// over as many rows as they need; and the height it takes.
fn legend_svg(top: f64, lang: Lang) -> (String, f64) {
    let t = |k: Key| k.text(lang);
    const SIZE: f64 = 15.0;
    const ROW: f64 = 26.0;
    let mut s = String::new();
    let _ = write!(
        s,
        "<text x=\"12\" y=\"{:.0}\" font-size=\"{SIZE}\" font-weight=\"bold\">{}</text>",
        top + 24.0,
        esc(t(Key::TravelTime))
    );
    let labels = ["0–5", "5–10", "10–15", "15–30", "30–60", "60+"];
    let mut items: Vec<(String, &str)> = BAND_COLOURS
        .iter()
        .zip(labels)
        .map(|(c, l)| {
            (
                format!("<rect width=\"20\" height=\"11\" y=\"-5.5\" fill=\"{c}\"/>"),
                l,
            )
        })
        .collect();
    items.push((
        format!(
            "<rect width=\"20\" height=\"11\" y=\"-5.5\" fill=\"{}\"/>",
            BAND_COLOURS[BAND_COLOURS.len() - 1]
        ),
        t(Key::Unreachable),
    ));
    items.push((
        "<circle cx=\"10\" r=\"5\" fill=\"#1a9850\"/>".into(),
        t(Key::Within),
    ));
    items.push((
        "<circle cx=\"10\" r=\"5\" fill=\"#d7191c\"/>".into(),
        t(Key::Beyond),
    ));
    items.push((
        "<rect x=\"6\" y=\"-4\" width=\"8\" height=\"8\" fill=\"#d7191c\"/>".into(),
        t(Key::Facilities),
    ));
    items.push((
        "<circle cx=\"10\" r=\"6\" fill=\"none\" stroke=\"#2b6cb0\" stroke-width=\"1.5\" stroke-dasharray=\"2 1.5\"/>".into(),
        t(Key::PlannedSite),
    ));
    let (mut x, mut y) = (12.0, top + 24.0 + ROW);
    for (mark, label) in items {
        let w = 26.0 + text_width(label, SIZE);
        if x + w > MAP_W - 12.0 && x > 12.0 {
            x = 12.0;
            y += ROW;
        }
        let _ = write!(
            s,
            "<g transform=\"translate({x:.0} {:.0})\">{mark}<text x=\"26\" y=\"5\" font-size=\"{SIZE}\">{}</text></g>",
            y - 5.0,
            esc(label)
        );
        x += w + 18.0;
    }
    (s, y - top + 14.0)
}

/// The map's drawing (the inside of its SVG, in a `MAP_W`-wide frame) and its height.
fn map_drawing(scene: &Scene, r: &Report, lang: Lang) -> (String, f64) {
    let (lo, hi) = scene.bounds;
    let (w, hgt) = ((hi.x - lo.x).max(1.0), (hi.y - lo.y).max(1.0));
    let k = MAP_W / w;
    let map_h = (hgt * k).clamp(200.0, 1400.0);
    let k = k.min(map_h / hgt);
    let x = |v: f64| ((v - lo.x) * k * 10.0).round() / 10.0;
    let y = |v: f64| ((hi.y - v) * k * 10.0).round() / 10.0;
    let mut s = String::new();
    let mut admin = String::new();
    for ring in &scene.admin_rings {
        for (i, p) in ring.iter().enumerate() {
            let _ = write!(
                admin,
                "{}{} {}",
                if i == 0 { "M" } else { "L" },
                x(p.x),
                y(p.y)
            );
        }
        admin.push('Z');
    }
    if !admin.is_empty() {
        let _ = write!(s, "<path d=\"{admin}\" fill=\"none\" stroke=\"#5b5b8f\" stroke-width=\"1\" stroke-dasharray=\"4 3\"/>");
    }
    for (band, segs) in scene.bands.iter().enumerate().rev() {
        let mut d = String::new();
        for [x1, y1, x2, y2] in segs {
            let (a, b, c, e) = (x(*x1), y(*y1), x(*x2), y(*y2));
            if a == c && b == e {
                continue;
            }
            let _ = write!(d, "M{a} {b}L{c} {e}");
        }
        if !d.is_empty() {
            let width = if band == BAND_COLOURS.len() - 1 {
                0.6
            } else {
                1.2
            };
            let _ = write!(
                s,
                "<path d=\"{d}\" fill=\"none\" stroke=\"{}\" stroke-width=\"{width}\" stroke-linecap=\"round\"/>",
                BAND_COLOURS[band]
            );
        }
    }
    for (p, row) in scene.settlements.iter().zip(&r.settlements) {
        let radius = (1.2 + row.population.max(0.0).sqrt() / 16.0).min(6.0);
        let fill = if row.within_limit {
            "#1a985099"
        } else {
            "#d7191c99"
        };
        let _ = write!(
            s,
            "<circle cx=\"{}\" cy=\"{}\" r=\"{radius:.1}\" fill=\"{fill}\"/>",
            x(p.x),
            y(p.y)
        );
    }
    for f in &scene.facilities {
        let (cx, cy) = (x(f.at.x), y(f.at.y));
        let fill = if f.service_point {
            "#d7191c"
        } else {
            "#8c8c8c"
        };
        let _ = write!(s, "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"6\" height=\"6\" fill=\"{fill}\" stroke=\"#fff\" stroke-width=\"0.8\"/>", cx - 3.0, cy - 3.0);
        if f.planned {
            let _ = write!(s, "<circle cx=\"{cx}\" cy=\"{cy}\" r=\"7\" fill=\"none\" stroke=\"#2b6cb0\" stroke-width=\"1.5\" stroke-dasharray=\"2 1.5\"/>");
        }
    }
    // Scale bar (bottom left) and north arrow (top right).
    let (m, px) = scale_bar(k, 160.0);
    let base = map_h - 16.0;
    let _ = write!(
        s,
        "<g class=\"scale\"><rect x=\"10\" y=\"{:.0}\" width=\"{:.0}\" height=\"26\" fill=\"#ffffffcc\"/><path d=\"M16 {base:.0}v-5h{px:.1}v5\" fill=\"none\" stroke=\"#222\" stroke-width=\"2\"/><text x=\"{:.1}\" y=\"{:.0}\" font-size=\"11\" text-anchor=\"middle\">{}</text></g>",
        base - 22.0,
        px + 14.0,
        16.0 + px / 2.0,
        base - 8.0,
        scale_label(m),
    );
    let _ = write!(
        s,
        "<g class=\"north\"><path d=\"M{nx} 14l8 22l-8-6l-8 6z\" fill=\"#222\"/><text x=\"{nx}\" y=\"50\" font-size=\"12\" text-anchor=\"middle\">{}</text></g>",
        Key::North.text(lang),
        nx = MAP_W - 24.0,
    );
    // The data's attribution (bottom right), on the map itself when it leaves the report.
    if r.attribution.is_some() {
        let words = Key::Attribution.text(lang);
        let _ = write!(
            s,
            "<g class=\"attribution\"><rect x=\"{:.0}\" y=\"{:.0}\" width=\"{:.0}\" height=\"18\" fill=\"#ffffffcc\"/><text x=\"{:.0}\" y=\"{:.0}\" font-size=\"11\" text-anchor=\"end\" fill=\"#444\">{}</text></g>",
            MAP_W - 14.0 - text_width(words, 11.0),
            map_h - 22.0,
            text_width(words, 11.0) + 10.0,
            MAP_W - 9.0,
            map_h - 9.0,
            esc(words),
        );
    }
    (s, map_h)
}

/// Today's date as `YYYY-MM-DD` from days since 1970-01-01 (the civil calendar).
pub fn date_of_days(days: i64) -> String {
    // Howard Hinnant's days-to-civil.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::network::Mode;

    #[test]
    fn dates_and_escaping() {
        assert_eq!(date_of_days(0), "1970-01-01");
        assert_eq!(date_of_days(20_428), "2025-12-06");
        assert_eq!(date_of_days(11_016), "2000-02-29");
        assert_eq!(esc("<b a=\"1\">&'"), "&lt;b a=&quot;1&quot;&gt;&amp;&#39;");
    }

    /// The map as an image that stands alone: sized, on white, with the legend's every swatch
    /// and word, the scale bar, the north arrow and the attribution when the data ask for it.
    #[test]
    fn map_image_stands_alone_with_its_legend_and_attribution() {
        use crate::app::analysis::Analysis;
        use crate::engine::network::SpeedTable;
        let mut data = crate::engine::dataset::Dataset::default();
        for (name, text) in
            crate::devtools::demo_county::generate(crate::devtools::demo_county::SEED).files()
        {
            data.load(name, text).unwrap();
        }
        let analysis = Analysis::run(&data, Mode::Drive, &SpeedTable::default()).unwrap();
        let scene = Scene::build(&analysis);
        let mut report = analysis.report(15.0, &Default::default());
        let (svg, w, h) = map_image_svg(&scene, &report, Lang::Zh);
        assert!(w >= 1000.0 && h > 200.0);
        assert!(svg.starts_with(&format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h:.0}\""
        )));
        assert!(svg.contains("sans-serif") && svg.contains("fill=\"#fff\""));
        for colour in BAND_COLOURS {
            assert!(svg.contains(&format!("fill=\"{colour}\"")), "{colour}");
        }
        for key in [
            Key::TravelTime,
            Key::Unreachable,
            Key::Within,
            Key::Beyond,
            Key::PlannedSite,
        ] {
            assert!(svg.contains(&esc(key.text(Lang::Zh))), "{key:?}");
        }
        assert!(svg.contains("class=\"scale\"") && svg.contains("class=\"north\""));
        assert!(!svg.contains(Key::Attribution.text(Lang::Zh)));
        report.attribution = Some("OpenStreetMap".into());
        assert!(map_image_svg(&scene, &report, Lang::Zh)
            .0
            .contains(Key::Attribution.text(Lang::Zh)));
        let svg = map_svg(&scene, &report, Lang::En);
        assert!(svg.contains(Key::Attribution.text(Lang::En)) && svg.ends_with("</svg>"));
    }
}
