//! The canvas map: roads coloured by travel-time band, admin boundaries, facilities, and
//! settlements sized by population and marked within or beyond the limit. Road paths are built
//! once per analysis as one `Path2D` per band in scene metres, so a redraw while panning or
//! zooming is a handful of `stroke` calls. Past [`RASTER_ABOVE_SEGMENTS`] segments the
//! browser's stroker takes seconds per redraw, so the roads are drawn by the engine's own
//! rasteriser ([`rasterise_roads`]) into an image instead.

use super::state::{AppState, Shared};
use crate::app::scene::{
    pick_settlement, rasterise_roads, settlement_radius_px, FacilityClass, Focus, Scene, Viewport,
    BAND_COLOURS, BAND_LIMITS_MIN, RASTER_ABOVE_SEGMENTS,
};
use crate::app::text::Key;
use leptos::html::Canvas;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, Path2d};

struct Paths {
    scene: Shared<Scene>,
    /// Per band and for the unusable roads; `None` when the roads are rasterised.
    roads: Option<(Vec<Path2d>, Path2d)>,
    admin: Path2d,
}

fn segments_path(segs: &[[f64; 4]]) -> Option<Path2d> {
    let p = Path2d::new().ok()?;
    for [x1, y1, x2, y2] in segs {
        p.move_to(*x1, *y1);
        p.line_to(*x2, *y2);
    }
    Some(p)
}

fn build_paths(scene: &Shared<Scene>, raster: Option<bool>) -> Option<Paths> {
    let big = scene.0.segment_count() + scene.0.unusable.len() > RASTER_ABOVE_SEGMENTS;
    let roads = if raster.unwrap_or(big) {
        None
    } else {
        let bands = scene
            .0
            .bands
            .iter()
            .map(|segs| segments_path(segs))
            .collect::<Option<Vec<_>>>()?;
        Some((bands, segments_path(&scene.0.unusable)?))
    };
    let admin = Path2d::new().ok()?;
    for ring in &scene.0.admin_rings {
        for (i, q) in ring.iter().enumerate() {
            if i == 0 {
                admin.move_to(q.x, q.y);
            } else {
                admin.line_to(q.x, q.y);
            }
        }
        admin.close_path();
    }
    Some(Paths {
        scene: scene.clone(),
        roads,
        admin,
    })
}

fn context(canvas: &HtmlCanvasElement) -> Option<CanvasRenderingContext2d> {
    canvas.get_context("2d").ok()??.dyn_into().ok()
}

/// Size of the canvas in CSS pixels, and the device pixel ratio; resizes the backing store.
fn fit_backing_store(canvas: &HtmlCanvasElement) -> (f64, f64, f64) {
    let dpr = window().device_pixel_ratio().max(1.0);
    let (w, h) = (
        canvas.client_width().max(1) as f64,
        canvas.client_height().max(1) as f64,
    );
    let (bw, bh) = ((w * dpr).round() as u32, (h * dpr).round() as u32);
    if canvas.width() != bw || canvas.height() != bh {
        canvas.set_width(bw);
        canvas.set_height(bh);
    }
    (w, h, dpr)
}

/// Draws the whole map: roads and boundaries, facilities, settlements, the focus; and says on
/// the canvas what it drew (`data-render`, `data-focus`, `data-view`, `data-segments`).
fn draw(canvas: &HtmlCanvasElement, paths: &Paths, view: Viewport, state: &AppState) {
    let Some(ctx) = context(canvas) else { return };
    let (w, h, dpr) = fit_backing_store(canvas);
    let scene = &paths.scene.0;
    let render = draw_roads(&ctx, canvas, paths, view, dpr, (w, h));
    let _ = canvas.set_attribute("data-render", render);
    ctx.set_transform(dpr, 0.0, 0.0, dpr, 0.0, 0.0).ok();
    draw_facilities(&ctx, scene, view);
    draw_settlements(&ctx, scene, view, state, (w, h));
    match state.focus.get_untracked() {
        Some(focus) => {
            draw_focus(&ctx, scene, view, &focus);
            let focused = match focus.finding() {
                Some(i) => i.to_string(),
                None => format!("unit-{}", focus.unit().map_or(0, |u| u.index())),
            };
            let _ = canvas.set_attribute("data-focus", &focused);
        }
        None => {
            let _ = canvas.remove_attribute("data-focus");
        }
    }
    let _ = canvas.set_attribute(
        "data-view",
        &format!("{:.3},{:.1},{:.1}", view.scale, view.tx, view.ty),
    );
    let _ = canvas.set_attribute("data-drawn", "true");
    let _ = canvas.set_attribute("data-segments", &scene.segment_count().to_string());
}

/// The background, roads and admin boundaries, as paths or as the engine's raster; returns
/// which.
fn draw_roads(
    ctx: &CanvasRenderingContext2d,
    canvas: &HtmlCanvasElement,
    paths: &Paths,
    view: Viewport,
    dpr: f64,
    (w, h): (f64, f64),
) -> &'static str {
    let k = view.scale;
    let admin = |ctx: &CanvasRenderingContext2d| {
        ctx.set_stroke_style_str("#5b5b8f");
        ctx.set_line_width(1.5 / k);
        ctx.set_line_dash(&js_sys::Array::of2(&(6.0 / k).into(), &(4.0 / k).into()))
            .ok();
        ctx.stroke_with_path(&paths.admin);
        ctx.set_line_dash(&js_sys::Array::new()).ok();
    };
    // Scene metres → pixels; line widths are divided by the scale to stay in pixels.
    let to_pixels = |ctx: &CanvasRenderingContext2d| {
        ctx.set_transform(dpr * k, 0.0, 0.0, -dpr * k, dpr * view.tx, dpr * view.ty)
            .ok();
        ctx.set_line_join("round");
    };
    match &paths.roads {
        Some((bands, unusable)) => {
            ctx.set_transform(dpr, 0.0, 0.0, dpr, 0.0, 0.0).ok();
            ctx.set_fill_style_str(crate::app::scene::BACKGROUND);
            ctx.fill_rect(0.0, 0.0, w, h);
            to_pixels(ctx);
            admin(ctx);
            ctx.set_stroke_style_str(crate::app::scene::UNUSABLE_COLOUR);
            ctx.set_line_width(1.0 / k);
            ctx.stroke_with_path(unusable);
            for (band, path) in bands.iter().enumerate().rev() {
                ctx.set_stroke_style_str(BAND_COLOURS[band]);
                ctx.set_line_width(if band == BAND_COLOURS.len() - 1 {
                    0.8 / k
                } else {
                    1.6 / k
                });
                ctx.stroke_with_path(path);
            }
            "paths"
        }
        None => {
            let (bw, bh) = (canvas.width(), canvas.height());
            let pixels = rasterise_roads(&paths.scene.0, &view, bw as usize, bh as usize, dpr);
            if let Ok(image) = web_sys::ImageData::new_with_u8_clamped_array_and_sh(
                wasm_bindgen::Clamped(&pixels),
                bw,
                bh,
            ) {
                ctx.put_image_data(&image, 0.0, 0.0).ok();
            }
            to_pixels(ctx);
            admin(ctx);
            "raster"
        }
    }
}

/// Facilities as squares, red with a cross when a medical service point.
fn draw_facilities(ctx: &CanvasRenderingContext2d, scene: &Scene, view: Viewport) {
    for f in &scene.facilities {
        let (x, y) = view.to_screen(f.at);
        ctx.set_fill_style_str(if f.service_point {
            "#d7191c"
        } else {
            "#8c8c8c"
        });
        ctx.set_stroke_style_str("#ffffff");
        ctx.set_line_width(1.5);
        ctx.begin_path();
        ctx.rect(x - 5.0, y - 5.0, 10.0, 10.0);
        ctx.fill();
        ctx.stroke();
        if f.service_point {
            ctx.set_fill_style_str("#ffffff");
            ctx.fill_rect(x - 3.5, y - 1.0, 7.0, 2.0);
            ctx.fill_rect(x - 1.0, y - 3.5, 2.0, 7.0);
        }
    }
}

/// Settlements on screen as circles sized by population, within or beyond the limit, and
/// the selected one outlined.
fn draw_settlements(
    ctx: &CanvasRenderingContext2d,
    scene: &Scene,
    view: Viewport,
    state: &AppState,
    (w, h): (f64, f64),
) {
    let selected = state.selected.get_untracked();
    // Two paths, within and beyond the limit, each filled and outlined once: tens of
    // thousands of settlements cost two fills, not a canvas call sequence each.
    // Screen circles (x, y, radius) within the limit, then beyond it.
    let mut groups: [Vec<(f64, f64, f64)>; 2] = [Vec::new(), Vec::new()];
    let fills = ["rgba(26,152,80,0.55)", "rgba(215,25,28,0.6)"];
    let mut chosen = None;
    state.report.with_untracked(|report| {
        let Some(report) = report else { return };
        for (i, (p, row)) in scene
            .settlements
            .iter()
            .zip(&report.settlements)
            .enumerate()
        {
            let (x, y) = view.to_screen(*p);
            if x < -20.0 || y < -20.0 || x > w + 20.0 || y > h + 20.0 {
                continue;
            }
            let r = settlement_radius_px(row.population);
            groups[usize::from(!row.within_limit)].push((x, y, r));
            if Some(i) == selected {
                chosen = Some((x, y, r));
            }
        }
    });
    for (circles, fill) in groups.iter().zip(fills) {
        if circles.is_empty() {
            continue;
        }
        ctx.begin_path();
        for &(x, y, r) in circles {
            ctx.move_to(x + r, y);
            ctx.arc(x, y, r, 0.0, std::f64::consts::TAU).ok();
        }
        ctx.set_fill_style_str(fill);
        ctx.fill();
        ctx.set_stroke_style_str("#ffffff");
        ctx.set_line_width(1.0);
        ctx.stroke();
    }
    if let Some((x, y, r)) = chosen {
        ctx.begin_path();
        ctx.arc(x, y, r, 0.0, std::f64::consts::TAU).ok();
        ctx.set_stroke_style_str("#000000");
        ctx.set_line_width(3.0);
        ctx.stroke();
    }
}

/// The focused unit outlined and the focused point ringed, in orange.
fn draw_focus(ctx: &CanvasRenderingContext2d, scene: &Scene, view: Viewport, focus: &Focus) {
    ctx.set_stroke_style_str("#ff7f00");
    ctx.set_line_width(3.0);
    if let Some(unit) = focus.unit() {
        for (ring, _) in scene
            .admin_rings
            .iter()
            .zip(&scene.ring_unit)
            .filter(|(_, u)| **u == unit)
        {
            ctx.begin_path();
            for (i, p) in ring.iter().enumerate() {
                let (x, y) = view.to_screen(*p);
                if i == 0 {
                    ctx.move_to(x, y);
                } else {
                    ctx.line_to(x, y);
                }
            }
            ctx.close_path();
            ctx.stroke();
        }
    }
    if let Some(p) = focus.at().and_then(|at| scene.locate(at)) {
        let (x, y) = view.to_screen(p);
        ctx.begin_path();
        ctx.arc(x, y, 14.0, 0.0, std::f64::consts::TAU).ok();
        ctx.stroke();
    }
}

/// Colour of a facility symbol: red when it counts as a medical service point.
fn facility_colour(service_point: bool) -> &'static str {
    if service_point {
        "#d7191c"
    } else {
        "#8c8c8c"
    }
}

/// Draws one facility: hospital = square with a cross, health center = square, clinic =
/// circle, outreach = triangle, other = small square.
fn facility_symbol(
    ctx: &CanvasRenderingContext2d,
    x: f64,
    y: f64,
    class: FacilityClass,
    service_point: bool,
) {
    let r = class.half_size_px();
    ctx.set_fill_style_str(facility_colour(service_point));
    ctx.set_stroke_style_str("#ffffff");
    ctx.set_line_width(1.5);
    ctx.begin_path();
    match class {
        FacilityClass::Clinic => {
            ctx.arc(x, y, r, 0.0, std::f64::consts::TAU).ok();
        }
        FacilityClass::Outreach => {
            ctx.move_to(x, y - r * 1.2);
            ctx.line_to(x + r * 1.1, y + r * 0.8);
            ctx.line_to(x - r * 1.1, y + r * 0.8);
            ctx.close_path();
        }
        _ => ctx.rect(x - r, y - r, 2.0 * r, 2.0 * r),
    }
    ctx.fill();
    ctx.stroke();
    if class == FacilityClass::Hospital {
        ctx.set_fill_style_str("#ffffff");
        ctx.fill_rect(x - r + 2.0, y - 1.0, 2.0 * r - 4.0, 2.0);
        ctx.fill_rect(x - 1.0, y - r + 2.0, 2.0, 2.0 * r - 4.0);
    }
}

/// A legend swatch for a facility class, drawn by the same code as the map.
#[component]
fn FacilitySwatch(class: FacilityClass, service_point: bool) -> impl IntoView {
    let canvas_ref = NodeRef::<Canvas>::new();
    Effect::new(move |_| {
        if let Some(c) = canvas_ref.get() {
            if let Some(ctx) = context(&c) {
                ctx.clear_rect(0.0, 0.0, 18.0, 18.0);
                facility_symbol(&ctx, 9.0, 9.0, class, service_point);
            }
        }
    });
    view! { <canvas class="swatch" width="18" height="18" node_ref=canvas_ref></canvas> }
}

/// The map's canvas and its view, for the steps below.
#[derive(Clone, Copy)]
struct MapView {
    s: AppState,
    canvas: NodeRef<Canvas>,
    view: RwSignal<Viewport>,
}

impl MapView {
    /// Size of the canvas in CSS pixels.
    fn size(self) -> (f64, f64) {
        self.canvas
            .get_untracked()
            .map(|c| {
                (
                    c.client_width().max(1) as f64,
                    c.client_height().max(1) as f64,
                )
            })
            .unwrap_or((800.0, 600.0))
    }

    /// Shows the whole scene.
    fn fit(self) {
        if let Some(scene) = self.s.scene.get_untracked() {
            let (w, h) = self.size();
            self.view.set(Viewport::fit(scene.0.bounds, w, h));
        }
    }

    /// A mouse event's position on the canvas.
    fn local_xy(self, ev: &web_sys::MouseEvent) -> (f64, f64) {
        self.canvas
            .get_untracked()
            .map(|c| {
                let r = c.get_bounding_client_rect();
                (
                    ev.client_x() as f64 - r.left(),
                    ev.client_y() as f64 - r.top(),
                )
            })
            .unwrap_or_default()
    }

    /// A new scene: rebuild the paths and fit the view.
    fn follow_scene(self, paths: StoredValue<Option<Paths>, LocalStorage>) {
        let s = self.s;
        Effect::new(move |_| {
            let scene = s.scene.get();
            let _ = self.canvas.get();
            paths.set_value(
                scene
                    .as_ref()
                    .and_then(|sc| build_paths(sc, s.render_raster)),
            );
            self.fit();
        });
    }

    /// Anything visible changed: redraw.
    fn redraw_on_change(
        self,
        paths: StoredValue<Option<Paths>, LocalStorage>,
        resized: RwSignal<u32>,
    ) {
        let s = self.s;
        Effect::new(move |_| {
            let v = self.view.get();
            s.report.track();
            let _ = (s.selected.get(), s.focus.get(), resized.get());
            let Some(canvas) = self.canvas.get() else {
                return;
            };
            paths.with_value(|p| match p {
                Some(p) => draw(&canvas, p, v, &s),
                None => {
                    if let Some(ctx) = context(&canvas) {
                        let (w, h, _) = fit_backing_store(&canvas);
                        ctx.clear_rect(0.0, 0.0, w, h);
                    }
                    let _ = canvas.set_attribute("data-drawn", "false");
                }
            });
        });
    }

    /// Selecting a settlement (from the list) brings it into view.
    fn follow_selection(self) {
        let s = self.s;
        Effect::new(move |prev: Option<Option<usize>>| {
            let sel = s.selected.get();
            if sel.is_some() && prev.is_some() && prev != Some(sel) {
                if let (Some(i), Some(scene)) = (sel, s.scene.get_untracked()) {
                    if let Some(p) = scene.0.settlements.get(i) {
                        let (w, h) = self.size();
                        self.view.update(|v| *v = v.centre_on(*p, w, h, 0.02));
                    }
                }
            }
            sel
        });
    }

    /// Focusing a finding or a unit brings it into view.
    fn follow_focus(self) {
        let s = self.s;
        Effect::new(move |_| {
            let Some(focus) = s.focus.get() else { return };
            let Some(scene) = s.scene.get_untracked() else {
                return;
            };
            let (w, h) = self.size();
            let now = self.view.get_untracked();
            let next = now.focus_on(&focus, &scene.0, w, h);
            if next != now {
                self.view.set(next);
            }
        });
    }
}

/// The map with its zoom buttons, legend and settlement popup.
#[component]
pub fn Map() -> impl IntoView {
    let s = expect_context::<AppState>();
    let t = move |k: Key| k.text(s.lang.get());
    let canvas_ref = NodeRef::<Canvas>::new();
    let view = RwSignal::new(Viewport::default());
    let map = MapView {
        s,
        canvas: canvas_ref,
        view,
    };
    let paths = StoredValue::new_local(None::<Paths>);
    let drag = StoredValue::new_local(None::<(f64, f64, bool)>);
    let resized = RwSignal::new(0u32);
    let _resize = window_event_listener(leptos::ev::resize, move |_| resized.update(|n| *n += 1));
    map.follow_scene(paths);
    map.redraw_on_change(paths, resized);
    map.follow_selection();
    map.follow_focus();
    let zoom = move |factor: f64| {
        let (w, h) = map.size();
        view.update(|v| *v = v.zoom_at(factor, w / 2.0, h / 2.0));
    };
    view! {
        <div class="map">
            <canvas
                node_ref=canvas_ref
                data-testid="map-canvas"
                data-drawn="false"
                on:mousedown=move |ev| {
                    let (x, y) = map.local_xy(&ev);
                    drag.set_value(Some((x, y, false)));
                }
                on:mousemove=move |ev| {
                    if let Some((x0, y0, _)) = drag.get_value() {
                        let (x, y) = map.local_xy(&ev);
                        if (x - x0).abs() + (y - y0).abs() > 2.0 {
                            view.update(|v| *v = v.pan(x - x0, y - y0));
                            drag.set_value(Some((x, y, true)));
                        }
                    }
                }
                on:mouseleave=move |_| drag.set_value(None)
                on:mouseup=move |ev| {
                    let moved = drag.get_value().is_some_and(|d| d.2);
                    drag.set_value(None);
                    if !moved {
                        let (x, y) = map.local_xy(&ev);
                        let hit = s.scene.get_untracked().and_then(|sc| pick_settlement(&sc.0, &view.get_untracked(), x, y, 3.0));
                        s.selected.set(hit);
                    }
                }
                on:wheel=move |ev: leptos::ev::WheelEvent| {
                    ev.prevent_default();
                    let (x, y) = map.local_xy(&ev);
                    let factor = (-ev.delta_y() * 0.0015).exp().clamp(0.5, 2.0);
                    view.update(|v| *v = v.zoom_at(factor, x, y));
                }
            ></canvas>
            <div class="map-buttons">
                <button data-testid="zoom-in" title=move || t(Key::ZoomIn) on:click=move |_| zoom(1.5)>"+"</button>
                <button data-testid="zoom-out" title=move || t(Key::ZoomOut) on:click=move |_| zoom(1.0 / 1.5)>"−"</button>
                <button data-testid="fit" title=move || t(Key::Fit) on:click=move |_| map.fit()>"⤢"</button>
            </div>
            <SettlementPopup />
            <Legend />
            <Show when=move || s.osm_data.get()>
                <div class="attribution" data-testid="attribution">{move || t(Key::Attribution)}</div>
            </Show>
        </div>
    }
}

/// The selected settlement: population, travel time, nearest facility.
#[component]
fn SettlementPopup() -> impl IntoView {
    let s = expect_context::<AppState>();
    let popup = move || {
        let i = s.selected.get()?;
        s.report
            .with(|r| r.as_ref().and_then(|r| r.settlements.get(i).cloned()))
    };
    move || {
        popup().map(|row| {
        let lang = s.lang.get();
        view! {
            <div class="popup" data-testid="settlement-popup">
                <button class="close" title=Key::Close.text(lang) on:click=move |_| s.selected.set(None)>"×"</button>
                <b>{row.name.clone().unwrap_or_else(|| format!("#{}", row.index))}</b>
                <div>{Key::Population.text(lang)} ": " {format!("{:.0}", row.population)}</div>
                <div>{Key::Time.text(lang)} ": " {row.time_min.map(|m| format!("{m:.1} {}", Key::Minutes.text(lang))).unwrap_or_else(|| Key::Unreachable.text(lang).into())}
                    {if row.within_limit { format!(" ({})", Key::Within.text(lang)) } else { format!(" ({})", Key::Beyond.text(lang)) }}
                </div>
                <div>{Key::NearestFacility.text(lang)} ": "
                    {crate::app::text::facility_label(lang, row.nearest_facility_name.as_deref(), row.nearest_facility_kind, row.nearest_facility)}
                </div>
            </div>
        }
    })
    }
}

/// The legend: travel-time bands, settlement marks, facility symbols.
#[component]
fn Legend() -> impl IntoView {
    let s = expect_context::<AppState>();
    let t = move |k: Key| k.text(s.lang.get());
    view! {
        <div class="legend">
            <b>{move || t(Key::TravelTime)}</b>
            <div class="bands">
                {BAND_COLOURS.iter().enumerate().map(|(i, c)| {
                    let label = match i {
                        0 => format!("0–{}", BAND_LIMITS_MIN[0]),
                        i if i < BAND_LIMITS_MIN.len() => format!("{}–{}", BAND_LIMITS_MIN[i - 1], BAND_LIMITS_MIN[i]),
                        i if i == BAND_LIMITS_MIN.len() => format!("{}+", BAND_LIMITS_MIN[i - 1]),
                        _ => String::new(),
                    };
                    let unreachable = i == BAND_COLOURS.len() - 1;
                    view! {
                        <span class="band">
                            <i style=format!("background:{c}")></i>
                            {move || if unreachable { t(Key::Unreachable).to_string() } else { label.clone() }}
                        </span>
                    }
                }).collect_view()}
            </div>
            <div class="marks">
                <span><i class="dot within"></i>{move || t(Key::Within)}</span>
                <span><i class="dot beyond"></i>{move || t(Key::Beyond)}</span>
                <span><i class="line unusable"></i>{move || t(Key::NotUsable)}</span>
            </div>
            <div class="marks">
                {FacilityClass::ALL.iter().map(|&class| {
                    let key = match class {
                        FacilityClass::Hospital => Key::Hospital,
                        FacilityClass::HealthCenter => Key::HealthCenter,
                        FacilityClass::Clinic => Key::ClinicClass,
                        FacilityClass::Outreach => Key::Outreach,
                        FacilityClass::Other => Key::OtherFacility,
                    };
                    let service_point = class != FacilityClass::Other;
                    view! { <span><FacilitySwatch class service_point />{move || t(key)}</span> }
                }).collect_view()}
            </div>
            <p class="legend-note">{move || t(Key::ServicePointColour)}</p>
        </div>
    }
}
