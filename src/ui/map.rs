//! The canvas map: roads coloured by travel-time band, admin boundaries, facilities, and
//! settlements sized by population and marked within or beyond the limit. Road paths are built
//! per band in scene metres, joined into lines and thinned for the scale they are drawn at
//! ([`road_lines`]), in runs of [`POINTS_PER_PATH`] points: a redraw while panning is a few
//! hundred `stroke` calls, and only zooming in 1.5 times or out 4 times from the scale they
//! were built for builds them again. Past [`RASTER_ABOVE_SEGMENTS`] segments (a city) the
//! browser's software stroker takes a tenth of a second to seconds per redraw, so the roads
//! are drawn, anti-aliased and as wide, by the app's own rasteriser ([`rasterise_roads`]) into
//! an image instead; so are the settlements when more than [`OUTLINE_AT_MOST`] are in view
//! ([`rasterise_discs`]).

use super::state::{AppState, EditTool, Shared, SurfaceLayer};
use crate::app::scene::{
    css_rgba, pick_settlement, rasterise_discs, rasterise_roads, settlement_radius_px, Disc,
    FacilityClass, Focus, Scene, Viewport, BAND_COLOURS, BAND_LIMITS_MIN, RASTER_ABOVE_SEGMENTS,
    ROAD_WIDTHS_PX,
};
use crate::app::text::Key;
use crate::app::{coverage_map, road_lines};
use crate::engine::crs::Xy;
use leptos::html::Canvas;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, Path2d};

struct Paths {
    scene: Shared<Scene>,
    /// The roads as paths thinned for the scale they were last drawn at; `None` before the
    /// first drawing and when the roads are rasterised.
    roads: Option<RoadPaths>,
    /// Whether the roads are drawn by the engine's rasteriser instead.
    raster: bool,
    admin: Path2d,
}

/// The roads of a scene as canvas paths, per band and for the unusable roads, in runs
/// ([`POINTS_PER_PATH`]), thinned with `tolerance` scene metres ([`road_lines::Lines`]).
struct RoadPaths {
    tolerance: f64,
    bands: Vec<Vec<Path2d>>,
    unusable: Vec<Path2d>,
}

/// Points in one `Path2D`. A software canvas fills a stroked path scanline by scanline over
/// all its edges at once; one path of a band's 100,000 segments spans the whole map, so every
/// scanline carries thousands of edges. Runs of consecutive lines (they follow their roads,
/// so a run covers a small area) stroke in about half the time (Porto walking, 354,803
/// segments: 0.42 s as one path per band, 0.22 s in runs of 1,000, in Chromium's software
/// canvas; runs of 250 to 5,000 are within 5 % of that). The colours are opaque, so runs of one
/// colour look as one path does.
const POINTS_PER_PATH: usize = 1000;

/// `segs` joined and thinned with `tolerance` ([`road_lines::Lines`]), as paths of whole
/// lines, a new path begun once one holds [`POINTS_PER_PATH`] points.
fn lines_paths(segs: &[[f64; 4]], tolerance: f64) -> Option<Vec<Path2d>> {
    let lines = road_lines::Lines::of(segs, tolerance);
    let mut paths = Vec::new();
    let mut path: Option<(Path2d, usize)> = None;
    for line in lines.iter() {
        let (p, n) = match path.take() {
            Some(run) => run,
            None => (Path2d::new().ok()?, 0),
        };
        let (first, rest) = line.split_first()?;
        p.move_to(first.x, first.y);
        for q in rest {
            p.line_to(q.x, q.y);
        }
        if n + line.len() >= POINTS_PER_PATH {
            paths.push(p);
        } else {
            path = Some((p, n + line.len()));
        }
    }
    paths.extend(path.map(|(p, _)| p));
    Some(paths)
}

impl Paths {
    fn new(scene: &Shared<Scene>, raster: Option<bool>) -> Option<Paths> {
        let big = scene.0.segment_count() + scene.0.unusable.len() > RASTER_ABOVE_SEGMENTS;
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
            roads: None,
            raster: raster.unwrap_or(big),
            admin,
        })
    }

    /// Builds the road paths again unless those there suit `device_px_per_m`
    /// ([`road_lines::fits`]).
    fn fit_roads(&mut self, device_px_per_m: f64) {
        if self.raster || !device_px_per_m.is_finite() || device_px_per_m <= 0.0 {
            return;
        }
        let wanted = road_lines::tolerance_at(device_px_per_m);
        if self
            .roads
            .as_ref()
            .is_some_and(|r| road_lines::fits(r.tolerance, wanted))
        {
            return;
        }
        let scene = &self.scene.0;
        let bands = scene
            .bands
            .iter()
            .map(|segs| lines_paths(segs, wanted))
            .collect::<Option<Vec<_>>>();
        self.roads = bands
            .zip(lines_paths(&scene.unusable, wanted))
            .map(|(bands, unusable)| RoadPaths {
                tolerance: wanted,
                bands,
                unusable,
            });
    }
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

/// Milliseconds from the page's clock (0 where it has none).
fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

/// Draws the whole map: roads and boundaries, facilities, settlements, the focus; and says on
/// the canvas what it drew (`data-render`, `data-focus`, `data-view`, `data-segments`).
fn draw(
    canvas: &HtmlCanvasElement,
    paths: &mut Paths,
    coverage: Option<&CoverageDraw>,
    view: Viewport,
    state: &AppState,
) {
    let Some(ctx) = context(canvas) else { return };
    let started = now_ms();
    let (w, h, dpr) = fit_backing_store(canvas);
    paths.fit_roads(view.scale * dpr);
    let paths = &*paths;
    let scene = &paths.scene.0;
    let shown = coverage.filter(|_| state.show_surface.get_untracked());
    let under = |ctx: &CanvasRenderingContext2d| {
        if let Some(c) = shown {
            draw_surface(ctx, c, view, dpr, state.surface_opacity.get_untracked());
        }
    };
    let render = draw_roads(&ctx, canvas, paths, view, dpr, (w, h), &under);
    let _ = canvas.set_attribute("data-render", render);
    if let Some(c) = shown {
        draw_outlines(&ctx, c, view, dpr, state.limit.get_untracked());
    }
    draw_changed_cells(&ctx, shown, view, dpr, state);
    let _ = canvas.set_attribute(
        "data-surface",
        if shown.is_some() { "drawn" } else { "none" },
    );
    ctx.set_transform(dpr, 0.0, 0.0, dpr, 0.0, 0.0).ok();
    draw_facilities(&ctx, scene, view, false);
    draw_settlements(&ctx, scene, view, state, (w, h, dpr));
    // Planned and suggested sites over the settlements they often stand on.
    draw_facilities(&ctx, scene, view, true);
    let suggested = draw_suggested(&ctx, scene, view, state);
    let planned = scene.facilities.iter().filter(|f| f.planned).count();
    let _ = canvas.set_attribute("data-planned", &planned.to_string());
    let access_on = state.show_access.get_untracked()
        && state.access.with_untracked(|a| matches!(a, Some(Ok(_))));
    let _ = canvas.set_attribute("data-access", if access_on { "on" } else { "off" });
    let _ = canvas.set_attribute("data-suggested", &suggested.to_string());
    match state.focus.get_untracked() {
        Some(focus) => {
            draw_focus(&ctx, scene, view, &focus);
            if let Focus::Route(i) = focus {
                draw_route(&ctx, scene, view, &route_path(state, i));
            }
            let focused = match focus {
                Focus::Route(i) => format!("route-{i}"),
                _ => match focus.finding() {
                    Some(i) => i.to_string(),
                    None => format!("unit-{}", focus.unit().map_or(0, |u| u.index())),
                },
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
    if state.timing_view {
        // The redraw's own time, beside the engine's stages in the timing view.
        let ms = now_ms() - started;
        state.timings.update(|t| t.draw = Some(ms));
    }
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
    under: &dyn Fn(&CanvasRenderingContext2d),
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
        Some(RoadPaths {
            bands, unusable, ..
        }) => {
            ctx.set_transform(dpr, 0.0, 0.0, dpr, 0.0, 0.0).ok();
            ctx.set_fill_style_str(crate::app::scene::BACKGROUND);
            ctx.fill_rect(0.0, 0.0, w, h);
            under(ctx);
            to_pixels(ctx);
            admin(ctx);
            // Bevelled joins: at these widths no one tells them from round ones, which cost
            // the stroker a tenth more.
            ctx.set_line_join("bevel");
            ctx.set_stroke_style_str(crate::app::scene::UNUSABLE_COLOUR);
            ctx.set_line_width(ROAD_WIDTHS_PX.unusable / k);
            for path in unusable {
                ctx.stroke_with_path(path);
            }
            for (band, runs) in bands.iter().enumerate().rev() {
                ctx.set_stroke_style_str(BAND_COLOURS[band]);
                ctx.set_line_width(if band == BAND_COLOURS.len() - 1 {
                    ROAD_WIDTHS_PX.slowest_band / k
                } else {
                    ROAD_WIDTHS_PX.band / k
                });
                for path in runs {
                    ctx.stroke_with_path(path);
                }
            }
            ctx.set_line_join("round");
            "paths"
        }
        None => {
            let (bw, bh) = (canvas.width(), canvas.height());
            let pixels = rasterise_roads(&paths.scene.0, &view, bw as usize, bh as usize, dpr);
            ctx.set_transform(1.0, 0.0, 0.0, 1.0, 0.0, 0.0).ok();
            ctx.set_fill_style_str(crate::app::scene::BACKGROUND);
            ctx.fill_rect(0.0, 0.0, bw as f64, bh as f64);
            under(ctx);
            // The roads' image (transparent between roads) over the surface.
            draw_pixels(ctx, &pixels, bw, bh);
            to_pixels(ctx);
            admin(ctx);
            "raster"
        }
    }
}

/// Lays an RGBA image (not premultiplied) of the canvas's `width` × `height` device pixels
/// over what `ctx` holds, through a canvas of its own (putting pixels would not blend); leaves
/// the transform at identity.
fn draw_pixels(ctx: &CanvasRenderingContext2d, pixels: &[u8], width: u32, height: u32) {
    let layer: Option<HtmlCanvasElement> = document()
        .create_element("canvas")
        .ok()
        .and_then(|c| c.dyn_into().ok());
    let image = web_sys::ImageData::new_with_u8_clamped_array_and_sh(
        wasm_bindgen::Clamped(pixels),
        width,
        height,
    );
    if let (Some(layer), Ok(image)) = (layer, image) {
        layer.set_width(width);
        layer.set_height(height);
        if let Some(lctx) = context(&layer) {
            lctx.put_image_data(&image, 0.0, 0.0).ok();
            ctx.set_transform(1.0, 0.0, 0.0, 1.0, 0.0, 0.0).ok();
            ctx.draw_image_with_html_canvas_element(&layer, 0.0, 0.0)
                .ok();
        }
    }
}

/// Facilities by their class's symbol (as in the legend), red when a medical service point;
/// the existing ones, or the planned ones (inside a dashed ring).
fn draw_facilities(ctx: &CanvasRenderingContext2d, scene: &Scene, view: Viewport, planned: bool) {
    for f in scene.facilities.iter().filter(|f| f.planned == planned) {
        let (x, y) = view.to_screen(f.at);
        facility_symbol(ctx, x, y, f.class, f.service_point);
        if f.planned {
            planned_ring(ctx, x, y);
        }
    }
}

/// The dashed ring that marks a planned site.
fn planned_ring(ctx: &CanvasRenderingContext2d, x: f64, y: f64) {
    ctx.set_stroke_style_str(PLANNED_COLOUR);
    ctx.set_line_width(2.0);
    ctx.set_line_dash(&js_sys::Array::of2(&3.0.into(), &2.0.into()))
        .ok();
    ctx.begin_path();
    ctx.arc(x, y, 10.0, 0.0, std::f64::consts::TAU).ok();
    ctx.stroke();
    ctx.set_line_dash(&js_sys::Array::new()).ok();
}

/// Colour of planned and suggested sites.
const PLANNED_COLOUR: &str = "#2b6cb0";

/// The suggested sites, numbered in the order of what each adds; returns how many.
fn draw_suggested(
    ctx: &CanvasRenderingContext2d,
    scene: &Scene,
    view: Viewport,
    state: &AppState,
) -> usize {
    state.plan.with_untracked(|plan| {
        let Some(Ok(plan)) = plan else { return 0 };
        ctx.set_font("bold 11px sans-serif");
        ctx.set_text_align("center");
        ctx.set_text_baseline("middle");
        for (i, site) in plan.sites.iter().enumerate() {
            let at = crate::engine::crs::LonLat {
                lon: site.lon,
                lat: site.lat,
            };
            let Some(p) = scene.locate(at) else { continue };
            let (x, y) = view.to_screen(p);
            ctx.begin_path();
            ctx.arc(x, y, 9.0, 0.0, std::f64::consts::TAU).ok();
            ctx.set_fill_style_str(PLANNED_COLOUR);
            ctx.fill();
            ctx.set_stroke_style_str("#ffffff");
            ctx.set_line_width(2.0);
            ctx.stroke();
            ctx.set_fill_style_str("#ffffff");
            ctx.fill_text(&(i + 1).to_string(), x, y + 0.5).ok();
        }
        plan.sites.len()
    })
}

/// The coverage map ready to draw: the cells as an image, the isochrone outlines as paths in
/// scene metres.
struct CoverageDraw {
    layer: Shared<SurfaceLayer>,
    image: HtmlCanvasElement,
    /// Per band limit (minutes), its outline.
    outlines: Vec<(f64, Path2d)>,
    /// The grid's north-west corner in scene metres.
    corner: Xy,
    /// The cells whose band the edits changed (the difference map), as one path.
    changed: Option<Path2d>,
}

fn build_coverage(layer: &Shared<SurfaceLayer>, scene: &Scene) -> Option<CoverageDraw> {
    let info = &layer.0.info.grid;
    let image: HtmlCanvasElement = document().create_element("canvas").ok()?.dyn_into().ok()?;
    image.set_width(info.cols as u32);
    image.set_height(info.rows as u32);
    let pixels = coverage_map::surface_rgba(&layer.0.minutes);
    let data = web_sys::ImageData::new_with_u8_clamped_array_and_sh(
        wasm_bindgen::Clamped(&pixels),
        info.cols as u32,
        info.rows as u32,
    )
    .ok()?;
    context(&image)?.put_image_data(&data, 0.0, 0.0).ok()?;
    let nw = info.corner(0, 0);
    let corner = Xy {
        x: nw.x - scene.origin.x,
        y: nw.y - scene.origin.y,
    };
    let outlines = coverage_map::outlines(&layer.0.minutes, info.cols, info.rows)
        .into_iter()
        .filter_map(|(limit, edges)| {
            let p = Path2d::new().ok()?;
            let at = |c: u32, r: u32| {
                (
                    corner.x + c as f64 * info.cell_m,
                    corner.y - r as f64 * info.cell_m,
                )
            };
            for [c0, r0, c1, r1] in edges {
                let (x0, y0) = at(c0, r0);
                let (x1, y1) = at(c1, r1);
                p.move_to(x0, y0);
                p.line_to(x1, y1);
            }
            Some((limit, p))
        })
        .collect();
    let changed = (!layer.0.info.changed.is_empty())
        .then(|| {
            let p = Path2d::new().ok()?;
            for &i in &layer.0.info.changed {
                let (c, r) = (i as usize % info.cols, i as usize / info.cols);
                p.rect(
                    corner.x + c as f64 * info.cell_m,
                    corner.y - (r + 1) as f64 * info.cell_m,
                    info.cell_m,
                    info.cell_m,
                );
            }
            Some(p)
        })
        .flatten();
    Some(CoverageDraw {
        layer: layer.clone(),
        image,
        outlines,
        corner,
        changed,
    })
}

/// The surface's cells, scaled to the view without smoothing, under the roads.
fn draw_surface(
    ctx: &CanvasRenderingContext2d,
    c: &CoverageDraw,
    view: Viewport,
    dpr: f64,
    opacity: f64,
) {
    let info = &c.layer.0.info.grid;
    let (x0, y0) = view.to_screen(c.corner);
    let (x1, y1) = view.to_screen(Xy {
        x: c.corner.x + info.cols as f64 * info.cell_m,
        y: c.corner.y - info.rows as f64 * info.cell_m,
    });
    ctx.set_transform(dpr, 0.0, 0.0, dpr, 0.0, 0.0).ok();
    ctx.set_image_smoothing_enabled(false);
    ctx.set_global_alpha(opacity.clamp(0.0, 1.0));
    ctx.draw_image_with_html_canvas_element_and_dw_and_dh(&c.image, x0, y0, x1 - x0, y1 - y0)
        .ok();
    ctx.set_global_alpha(1.0);
}

/// The isochrone outlines: thin for every band limit, bold at the limit in use.
fn draw_outlines(
    ctx: &CanvasRenderingContext2d,
    c: &CoverageDraw,
    view: Viewport,
    dpr: f64,
    limit: f64,
) {
    let k = view.scale;
    ctx.set_transform(dpr * k, 0.0, 0.0, -dpr * k, dpr * view.tx, dpr * view.ty)
        .ok();
    for (l, path) in &c.outlines {
        let at_limit = *l == limit;
        ctx.set_stroke_style_str(if at_limit {
            "#202020"
        } else {
            "rgba(40,40,40,0.45)"
        });
        ctx.set_line_width(if at_limit { 2.0 / k } else { 0.8 / k });
        ctx.stroke_with_path(path);
    }
}

/// The difference map's cells: those whose band the edits changed, shaded blue and outlined;
/// says how many on the canvas (`data-changed-cells`).
fn draw_changed_cells(
    ctx: &CanvasRenderingContext2d,
    c: Option<&CoverageDraw>,
    view: Viewport,
    dpr: f64,
    state: &AppState,
) {
    let shown = c
        .filter(|_| state.show_changes.get_untracked())
        .and_then(|c| Some((c.changed.as_ref()?, c.layer.0.info.changed.len())));
    if let Some(canvas) = ctx.canvas() {
        let n = shown.map_or(0, |(_, n)| n);
        let _ = canvas.set_attribute("data-changed-cells", &n.to_string());
    }
    let Some((path, _)) = shown else { return };
    let k = view.scale;
    ctx.set_transform(dpr * k, 0.0, 0.0, -dpr * k, dpr * view.tx, dpr * view.ty)
        .ok();
    ctx.set_fill_style_str("rgba(43,108,176,0.28)");
    ctx.fill_with_path_2d(path);
    ctx.set_stroke_style_str("rgba(43,108,176,0.8)");
    ctx.set_line_width(1.0 / k);
    ctx.stroke_with_path(path);
}

/// Settlements on screen as circles sized by population, within or beyond the limit, and
/// the selected one outlined.
fn draw_settlements(
    ctx: &CanvasRenderingContext2d,
    scene: &Scene,
    view: Viewport,
    state: &AppState,
    (w, h, dpr): (f64, f64, f64),
) {
    let selected = state.selected.get_untracked();
    // One path per colour, each filled and outlined once: tens of thousands of settlements
    // cost a few fills, not a canvas call sequence each. Screen circles (x, y, radius) within
    // the limit, then beyond it; or, with capacity ratios shown, by their class.
    let classes: Option<Vec<u8>> = state
        .show_access
        .get_untracked()
        .then(|| {
            state.access.with_untracked(|a| match a {
                Some(Ok(v)) => Some(v.settlement_class.clone()),
                _ => None,
            })
        })
        .flatten();
    let fills: &[&str] = if classes.is_some() {
        &ACCESS_FILLS
    } else {
        &["rgba(26,152,80,0.55)", "rgba(215,25,28,0.6)"]
    };
    let mut groups: Vec<Vec<(f64, f64, f64)>> = vec![Vec::new(); fills.len()];
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
            let group = match &classes {
                Some(c) => c.get(i).map_or(0, |&k| k as usize),
                None => usize::from(!row.within_limit),
            };
            groups[group.min(fills.len() - 1)].push((x, y, r));
            if Some(i) == selected {
                chosen = Some((x, y, r));
            }
        }
    });
    if groups.iter().map(Vec::len).sum::<usize>() > OUTLINE_AT_MOST {
        // Too many to outline: drawn as an image, a few milliseconds where the canvas took
        // tens to fill them.
        // The backing store's size, as `fit_backing_store` set it.
        let (bw, bh) = ((w * dpr).round() as u32, (h * dpr).round() as u32);
        let coloured: Vec<(&[Disc], [u8; 4])> = groups
            .iter()
            .zip(fills)
            .map(|(g, f)| (g.as_slice(), css_rgba(f)))
            .collect();
        draw_pixels(
            ctx,
            &rasterise_discs(&coloured, bw as usize, bh as usize, dpr),
            bw,
            bh,
        );
        ctx.set_transform(dpr, 0.0, 0.0, dpr, 0.0, 0.0).ok();
        groups.iter_mut().for_each(Vec::clear);
    }
    for (circles, &fill) in groups.iter().zip(fills) {
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
        // The white outline keeps a few circles apart (on tens of thousands, drawn as an
        // image above, it would only cost: a software canvas outlines 20,000 in 0.13 s).
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
    draw_changes(ctx, scene, view, state);
}

/// The difference map: a ring round each settlement whose time band the plan changes, green
/// where it is faster, purple where slower; says how many on the canvas (`data-changed`).
fn draw_changes(ctx: &CanvasRenderingContext2d, scene: &Scene, view: Viewport, state: &AppState) {
    let shown = state.show_changes.get_untracked();
    let rings: Vec<(f64, f64, bool)> = state.comparison.with_untracked(|c| {
        c.as_ref()
            .filter(|_| shown)
            .map(|c| {
                c.settlements
                    .iter()
                    .filter_map(|ch| {
                        let p = scene.settlements.get(ch.row)?;
                        let (x, y) = view.to_screen(*p);
                        Some((x, y, ch.band_after < ch.band_before))
                    })
                    .collect()
            })
            .unwrap_or_default()
    });
    if let Some(canvas) = ctx.canvas() {
        let _ = canvas.set_attribute("data-changed", &rings.len().to_string());
    }
    for (better, colour) in [(true, "#1a9641"), (false, "#7b3294")] {
        ctx.begin_path();
        for &(x, y, _) in rings.iter().filter(|r| r.2 == better) {
            ctx.move_to(x + 9.0, y);
            ctx.arc(x, y, 9.0, 0.0, std::f64::consts::TAU).ok();
        }
        ctx.set_stroke_style_str(colour);
        ctx.set_line_width(2.5);
        ctx.stroke();
    }
}

/// The way of row `i` of the report's referral table (empty when there is none).
fn route_path(state: &AppState, i: usize) -> Vec<crate::engine::crs::LonLat> {
    state.report.with_untracked(|r| {
        r.as_ref()
            .and_then(|r| r.referral.get(i))
            .map(|row| row.path.clone())
            .unwrap_or_default()
    })
}

/// A referral's way: a wide white casing under a blue line, its ends ringed.
fn draw_route(
    ctx: &CanvasRenderingContext2d,
    scene: &Scene,
    view: Viewport,
    path: &[crate::engine::crs::LonLat],
) {
    let Some((pts, _)) = scene.locate_line(path) else {
        return;
    };
    for (colour, width) in [("#ffffff", 7.0), ("#1f4e9c", 4.0)] {
        ctx.set_stroke_style_str(colour);
        ctx.set_line_width(width);
        ctx.begin_path();
        for (i, p) in pts.iter().enumerate() {
            let (x, y) = view.to_screen(*p);
            if i == 0 {
                ctx.move_to(x, y);
            } else {
                ctx.line_to(x, y);
            }
        }
        ctx.stroke();
    }
    for p in [pts.first(), pts.last()].into_iter().flatten() {
        let (x, y) = view.to_screen(*p);
        ctx.begin_path();
        ctx.arc(x, y, 9.0, 0.0, std::f64::consts::TAU).ok();
        ctx.stroke();
    }
}

/// Settlement fills by capacity class: none within reach, then the lowest ratio (the most
/// residents per unit of capacity) to the highest.
pub const ACCESS_FILLS: [&str; 5] = [
    "rgba(150,150,150,0.7)",
    "rgba(215,25,28,0.75)",
    "rgba(253,174,97,0.8)",
    "rgba(166,217,106,0.8)",
    "rgba(26,150,65,0.8)",
];

/// Settlements in view outlined in white at most: more are only filled, as an image.
const OUTLINE_AT_MOST: usize = 5_000;

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
    fn follow_scene(self, paths: StoredValue<Option<Paths>, LocalStorage>, built: RwSignal<u32>) {
        let s = self.s;
        Effect::new(move |_| {
            let scene = s.scene.get();
            let _ = self.canvas.get();
            paths.set_value(
                scene
                    .as_ref()
                    .and_then(|sc| Paths::new(sc, s.render_raster)),
            );
            // The map of edited data keeps the view the edit was made in.
            if s.keep_view.get_untracked() && scene.is_some() {
                s.keep_view.set(false);
            } else {
                self.fit();
            }
            built.update(|n| *n += 1);
        });
    }

    /// A new surface (or scene): rebuild the coverage image and outlines.
    fn follow_surface(
        self,
        coverage: StoredValue<Option<CoverageDraw>, LocalStorage>,
        built: RwSignal<u32>,
    ) {
        let s = self.s;
        Effect::new(move |_| {
            let surface = s.surface.get();
            let scene = s.scene.get();
            coverage.set_value(match (surface, scene) {
                (Some(layer), Some(scene)) => build_coverage(&layer, &scene.0),
                _ => None,
            });
            built.update(|n| *n += 1);
        });
    }

    /// Anything visible changed: redraw, once, at the next animation frame. A report with a
    /// new map changes the report, the paths and the view in turn (each a redraw when drawn at
    /// once, each reading the canvas's size and so laying out the panels the report just
    /// filled); panning changes the view many times a frame.
    fn redraw_on_change(
        self,
        paths: StoredValue<Option<Paths>, LocalStorage>,
        coverage: StoredValue<Option<CoverageDraw>, LocalStorage>,
        resized: RwSignal<u32>,
        built: RwSignal<u32>,
    ) {
        let s = self.s;
        let asked = StoredValue::new_local(false);
        Effect::new(move |_| {
            self.view.track();
            // The paths and the surface's image are built by effects of their own, in no set
            // order with this one: each build asks for a redraw.
            built.track();
            s.report.track();
            s.surface.track();
            s.plan.track();
            s.selected.track();
            s.focus.track();
            resized.track();
            s.show_changes.track();
            s.comparison.track();
            s.access.track();
            s.show_access.track();
            s.show_surface.track();
            s.surface_opacity.track();
            s.limit.track();
            let _ = self.canvas.get();
            if asked.get_value() {
                return;
            }
            asked.set_value(true);
            request_animation_frame(move || {
                if asked.try_set_value(false).is_some() {
                    return;
                }
                let Some(canvas) = self.canvas.get_untracked() else {
                    return;
                };
                let v = self.view.get_untracked();
                paths.update_value(|p| match p {
                    Some(p) => coverage.with_value(|c| draw(&canvas, p, c.as_ref(), v, &s)),
                    None => {
                        if let Some(ctx) = context(&canvas) {
                            let (w, h, _) = fit_backing_store(&canvas);
                            ctx.clear_rect(0.0, 0.0, w, h);
                        }
                        let _ = canvas.set_attribute("data-drawn", "false");
                    }
                });
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
            let next = match focus {
                Focus::Route(i) => match scene.0.locate_line(&route_path(&s, i)) {
                    Some((_, (lo, hi))) => {
                        // A margin around the way, and at least 2 km across, so that its ends
                        // stand clear of the legend and the place around them shows.
                        let pad_x = ((2000.0 - (hi.x - lo.x)) / 2.0).max(0.0) + 0.2 * (hi.x - lo.x);
                        let pad_y = ((2000.0 - (hi.y - lo.y)) / 2.0).max(0.0) + 0.2 * (hi.y - lo.y);
                        let lo = Xy {
                            x: lo.x - pad_x,
                            y: lo.y - pad_y,
                        };
                        let hi = Xy {
                            x: hi.x + pad_x,
                            y: hi.y + pad_y,
                        };
                        Viewport::fit((lo, hi), w, h)
                    }
                    None => now,
                },
                _ => now.focus_on(&focus, &scene.0, w, h),
            };
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
    let coverage = StoredValue::new_local(None::<CoverageDraw>);
    let hover = RwSignal::new(None::<(f64, f64, String)>);
    let drag = StoredValue::new_local(None::<(f64, f64, bool)>);
    let drag_start = StoredValue::new_local(None::<(f64, f64)>);
    let resized = RwSignal::new(0u32);
    let _resize = window_event_listener(leptos::ev::resize, move |_| resized.update(|n| *n += 1));
    let built = RwSignal::new(0u32);
    map.follow_scene(paths, built);
    map.follow_surface(coverage, built);
    map.redraw_on_change(paths, coverage, resized, built);
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
                class:editing=move || s.edit_tool.get() != EditTool::Select
                on:mousedown=move |ev| {
                    let (x, y) = map.local_xy(&ev);
                    drag.set_value(Some((x, y, false)));
                    drag_start.set_value(Some((x, y)));
                }
                on:mousemove=move |ev| {
                    let (x, y) = map.local_xy(&ev);
                    if let Some((x0, y0, _)) = drag.get_value() {
                        if (x - x0).abs() + (y - y0).abs() > 2.0 {
                            // Moving a facility drags it, not the map.
                            if s.edit_tool.get_untracked() != EditTool::Move {
                                view.update(|v| *v = v.pan(x - x0, y - y0));
                            }
                            drag.set_value(Some((x, y, true)));
                        }
                        hover.set(None);
                        return;
                    }
                    hover.set(cell_time(&s, view.get_untracked(), x, y).map(|t| (x, y, t)));
                }
                on:mouseleave=move |_| {
                    drag.set_value(None);
                    hover.set(None);
                }
                on:mouseup=move |ev| {
                    let moved = drag.get_value().is_some_and(|d| d.2);
                    drag.set_value(None);
                    let (x, y) = map.local_xy(&ev);
                    let start = drag_start.get_value();
                    drag_start.set_value(None);
                    let tool = s.edit_tool.get_untracked();
                    if tool != EditTool::Select {
                        edit_on_map(&s, view.get_untracked(), tool, start, (x, y), moved);
                        return;
                    }
                    if !moved {
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
            {move || hover.get().map(|(x, y, text)| view! {
                <div class="cell-time" data-testid="cell-time" style=format!("left:{:.0}px;top:{:.0}px", x + 14.0, y + 10.0)>{text}</div>
            })}
            <ScaleBar view />
            <Legend />
            <Show when=move || s.osm_data.get()>
                <div class="attribution" data-testid="attribution">{move || t(Key::Attribution)}</div>
            </Show>
        </div>
    }
}

/// How near a click a facility or road must be to be the one edited, in screen pixels.
const EDIT_PICK_PX: f64 = 12.0;

/// A click (or, moving a facility, a drag from `start` to `end`) with an edit tool: the edit
/// asked of the engine, at the positions under the pointer.
fn edit_on_map(
    s: &AppState,
    view: Viewport,
    tool: EditTool,
    start: Option<(f64, f64)>,
    end: (f64, f64),
    moved: bool,
) {
    use crate::app::editing::{click_position, EditAsk};
    let Some(scene) = s.scene.get_untracked() else {
        return;
    };
    let Some(zone) = scene.0.zone else { return };
    let at = |(x, y): (f64, f64)| click_position(zone, scene.0.origin, view.to_scene(x, y));
    let within_m = EDIT_PICK_PX / view.scale.max(1e-9);
    let ask = match tool {
        EditTool::Select => return,
        EditTool::Add(kind) if !moved => EditAsk::Add { kind, at: at(end) },
        EditTool::Delete if !moved => EditAsk::Delete {
            at: at(end),
            within_m,
        },
        EditTool::CloseRoad if !moved => EditAsk::CloseRoad {
            at: at(end),
            within_m,
        },
        EditTool::SetKind(kind) if !moved => EditAsk::SetKind {
            at: at(end),
            within_m,
            kind,
        },
        EditTool::SetCapacity if !moved => EditAsk::SetCapacity {
            at: at(end),
            within_m,
            capacity: s.edit_capacity.get_untracked(),
        },
        EditTool::SetRoad if !moved => {
            let (class, speed_kmh) = s.edit_road.get_untracked();
            EditAsk::SetRoad {
                at: at(end),
                within_m,
                class,
                speed_kmh,
            }
        }
        EditTool::Move => match start {
            Some(from) if moved => EditAsk::Move {
                from: at(from),
                to: at(end),
                within_m,
            },
            _ => return,
        },
        // A drag with another tool panned the map.
        _ => return,
    };
    super::client::edit(ask);
}

/// The time of the surface's cell under the screen point (`x`, `y`), in words.
fn cell_time(s: &AppState, view: Viewport, x: f64, y: f64) -> Option<String> {
    if !s.show_surface.get_untracked() {
        return None;
    }
    let scene = s.scene.get_untracked()?;
    let layer = s.surface.get_untracked()?;
    let p = view.to_scene(x, y);
    let at = Xy {
        x: p.x + scene.0.origin.x,
        y: p.y + scene.0.origin.y,
    };
    let i = layer.0.info.grid.index_of(at)?;
    let m = layer.0.minutes[i];
    let lang = s.lang.get_untracked();
    if m.is_nan() {
        None
    } else if m.is_infinite() {
        Some(Key::Unreachable.text(lang).to_string())
    } else {
        Some(format!("{m:.1} {}", Key::Minutes.text(lang)))
    }
}

/// The scale bar: a round length and its bar, for the current zoom.
#[component]
fn ScaleBar(view: RwSignal<Viewport>) -> impl IntoView {
    let s = expect_context::<AppState>();
    move || {
        s.scene.get()?;
        let (m, px) = coverage_map::scale_bar(view.get().scale, 120.0);
        (m > 0.0).then(|| {
            view! {
                <div class="scale-bar" data-testid="scale-bar" data-metres=m.to_string()>
                    <div class="scale-line" style=format!("width:{px:.0}px")></div>
                    <span>{coverage_map::scale_label(m)}</span>
                </div>
            }
        })
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
