//! What the map draws, in metres relative to an origin: road segments grouped by travel-time
//! band, admin boundaries, facilities and settlements; and the viewport arithmetic (fit, pan,
//! zoom about a point, bringing a focused finding or unit into view, picking) that turns
//! metres into screen pixels.
//!
//! Pure data and arithmetic: the page only issues the drawing calls.

use crate::app::analysis::Analysis;
use crate::engine::crs::{Projector, Xy};
use crate::engine::model::{FacilityKind, UnitId};
use crate::engine::network::road_speeds;

/// Upper bounds of the travel-time bands, in minutes: 0–5, 5–10, 10–15, 15–30, 30–60, 60+.
pub const BAND_LIMITS_MIN: [f64; 5] = [5.0, 10.0, 15.0, 30.0, 60.0];
/// Number of bands, the last being "unreachable".
pub const BAND_COUNT: usize = 7;
/// Band colours (CSS), from near (green) to far (purple), then grey for unreachable.
pub const BAND_COLOURS: [&str; BAND_COUNT] = [
    "#1a9850", "#91cf60", "#d9ef8b", "#fdae61", "#f46d43", "#a50026", "#9e9e9e",
];

/// The band of a travel time: 0 for `[0, 5]`, …, 5 for over 60, 6 for unreachable.
///
/// # Examples
/// ```
/// use medreach::app::scene::band_of;
/// assert_eq!(band_of(5.0), 0);
/// assert_eq!(band_of(14.9), 2);
/// assert_eq!(band_of(61.0), 5);
/// assert_eq!(band_of(f64::INFINITY), 6);
/// ```
pub fn band_of(minutes: f64) -> usize {
    if !minutes.is_finite() {
        return BAND_COUNT - 1;
    }
    BAND_LIMITS_MIN
        .iter()
        .position(|&hi| minutes <= hi)
        .unwrap_or(BAND_LIMITS_MIN.len())
}

/// Screen radius of a settlement's circle, growing with the square root of its population.
pub fn settlement_radius_px(population: f64) -> f64 {
    (2.0 + population.max(0.0).sqrt() / 8.0).min(14.0)
}

/// How the map draws a facility kind: hospitals, health centers, clinics and stations,
/// outreach (service points and mobile stations), and everything else.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum FacilityClass {
    /// County general or TCM hospital, government first-level hospital, OSM hospital.
    Hospital,
    /// Township health center (general, central, branch) or community health service center.
    HealthCenter,
    /// Village clinic, community health station, OSM clinic or doctors, private clinic.
    Clinic,
    /// Medical service point or fixed mobile medical station.
    Outreach,
    /// Pharmacy, dentist, elderly care, other health facility.
    Other,
}

impl FacilityClass {
    /// All classes, in legend order.
    pub const ALL: [FacilityClass; 5] = [
        FacilityClass::Hospital,
        FacilityClass::HealthCenter,
        FacilityClass::Clinic,
        FacilityClass::Outreach,
        FacilityClass::Other,
    ];

    /// The class of a facility kind.
    pub fn of(kind: FacilityKind) -> FacilityClass {
        use FacilityKind::*;
        match kind {
            CountyGeneralHospital | CountyTcmHospital | FirstLevelHospital | Hospital => {
                FacilityClass::Hospital
            }
            TownshipHealthCenter
            | CentralTownshipHealthCenter
            | TownshipHealthCenterBranch
            | CommunityHealthCenter => FacilityClass::HealthCenter,
            VillageClinic | CommunityHealthStation | Clinic | Doctors | PrivateClinic => {
                FacilityClass::Clinic
            }
            MedicalServicePoint | MobileStation => FacilityClass::Outreach,
            Pharmacy | Dentist | ElderlyCare | OtherHealth => FacilityClass::Other,
        }
    }

    /// Half the size of its map symbol, in pixels.
    pub fn half_size_px(self) -> f64 {
        match self {
            FacilityClass::Hospital => 7.0,
            FacilityClass::HealthCenter => 5.5,
            FacilityClass::Clinic | FacilityClass::Outreach => 4.5,
            FacilityClass::Other => 3.5,
        }
    }
}

/// A drawable facility.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FacilityMark {
    /// Position relative to the scene origin, metres.
    pub at: Xy,
    /// How it is drawn.
    pub class: FacilityClass,
    /// Whether it counts as a medical service point.
    pub service_point: bool,
    /// A planned site, not one that exists yet.
    pub planned: bool,
}

/// Everything the map draws for one analysis.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Scene {
    /// The projected point that maps to (0, 0) here (keeps canvas coordinates small).
    pub origin: Xy,
    /// Bounding box of everything, relative to `origin`: (min, max).
    pub bounds: (Xy, Xy),
    /// Per band, segments as `[x1, y1, x2, y2]` relative to `origin`.
    pub bands: Vec<Vec<[f64; 4]>>,
    /// Road segments that cannot be used in this mode (e.g. motorways when walking).
    pub unusable: Vec<[f64; 4]>,
    /// Admin unit rings relative to `origin`.
    pub admin_rings: Vec<Vec<Xy>>,
    /// Per ring of `admin_rings`, the admin unit it belongs to.
    pub ring_unit: Vec<UnitId>,
    /// The plane of the scene, to place further points.
    pub zone: Option<crate::engine::crs::UtmZone>,
    /// Facilities.
    pub facilities: Vec<FacilityMark>,
    /// Settlement positions relative to `origin`, in the analysis' settlement order.
    pub settlements: Vec<Xy>,
    /// Settlement populations, same order.
    pub populations: Vec<f64>,
}

/// The admin units' rings projected into an analysis' plane, kept from one scene to the next:
/// an edit changes neither the units nor the plane, and projecting every vertex of every
/// boundary was half of a scene's time on the demo county.
#[derive(Debug, Default)]
pub struct ProjectedRings {
    zone: Option<crate::engine::crs::UtmZone>,
    admin: Vec<crate::engine::model::AdminUnit>,
    rings: Vec<Vec<Xy>>,
}

impl ProjectedRings {
    /// The rings of `admin` projected into `zone`, every ring of every unit in order:
    /// those kept when they are of the same units and plane, else projected now.
    fn of(
        &mut self,
        zone: crate::engine::crs::UtmZone,
        admin: &[crate::engine::model::AdminUnit],
    ) -> &[Vec<Xy>] {
        if self.zone != Some(zone) || self.admin != admin {
            let projector = Projector::new(zone);
            self.rings = admin
                .iter()
                .flat_map(|u| u.polygons.iter().flatten())
                .map(|ring| ring.iter().map(|p| projector.project(*p)).collect())
                .collect();
            self.zone = Some(zone);
            self.admin = admin.to_vec();
        }
        &self.rings
    }
}

impl Scene {
    /// Builds the scene of an analysis (with the speed table its travel times were computed with).
    pub fn build(analysis: &Analysis) -> Scene {
        Scene::build_with(analysis, &mut ProjectedRings::default())
    }

    /// [`Scene::build`], taking the admin rings from `rings` when it holds them (and leaving
    /// them there for the next scene).
    pub fn build_with(analysis: &Analysis, rings: &mut ProjectedRings) -> Scene {
        let speeds = &analysis.speeds;
        let reach = &analysis.reach;
        let projector = Projector::new(reach.zone);
        let layers = &analysis.layers;
        let ring_unit: Vec<UnitId> = layers
            .unit_ids()
            .flat_map(|i| {
                let rings = layers.unit(i).polygons.iter().map(Vec::len).sum();
                std::iter::repeat_n(i, rings)
            })
            .collect();
        let admin_abs = rings.of(reach.zone, &layers.admin);
        let all = reach
            .network
            .nodes
            .iter()
            .chain(&reach.facility_xy)
            .chain(&reach.settlement_xy)
            .chain(admin_abs.iter().flatten());
        let (mut lo, mut hi) = (
            Xy {
                x: f64::MAX,
                y: f64::MAX,
            },
            Xy {
                x: f64::MIN,
                y: f64::MIN,
            },
        );
        for p in all {
            lo = Xy {
                x: lo.x.min(p.x),
                y: lo.y.min(p.y),
            };
            hi = Xy {
                x: hi.x.max(p.x),
                y: hi.y.max(p.y),
            };
        }
        if lo.x > hi.x {
            lo = Xy::default();
            hi = Xy::default();
        }
        let origin = Xy {
            x: (lo.x + hi.x) / 2.0,
            y: (lo.y + hi.y) / 2.0,
        };
        let rel = |p: Xy| Xy {
            x: p.x - origin.x,
            y: p.y - origin.y,
        };
        let mut bands = vec![Vec::new(); BAND_COUNT];
        for s in &reach.network.segments {
            let m = reach.node_minutes[s.a as usize].min(reach.node_minutes[s.b as usize]);
            let (a, b) = (
                rel(reach.network.nodes[s.a as usize]),
                rel(reach.network.nodes[s.b as usize]),
            );
            bands[band_of(m)].push([a.x, a.y, b.x, b.y]);
        }
        let mut unusable = Vec::new();
        for road in &analysis.layers.roads {
            if road_speeds(road, reach.mode, speeds).is_some() {
                continue;
            }
            for line in &road.lines {
                let pts: Vec<Xy> = line.iter().map(|p| rel(projector.project(*p))).collect();
                unusable.extend(pts.windows(2).map(|w| [w[0].x, w[0].y, w[1].x, w[1].y]));
            }
        }
        Scene {
            origin,
            ring_unit,
            zone: Some(reach.zone),
            bounds: (rel(lo), rel(hi)),
            bands,
            unusable,
            admin_rings: admin_abs
                .iter()
                .map(|r| r.iter().map(|&p| rel(p)).collect())
                .collect(),
            facilities: reach
                .facility_xy
                .iter()
                .zip(&analysis.layers.facilities)
                .map(|(p, f)| FacilityMark {
                    at: rel(*p),
                    class: FacilityClass::of(f.kind),
                    service_point: f.primary_care,
                    planned: f.planned,
                })
                .collect(),
            settlements: reach.settlement_xy.iter().map(|p| rel(*p)).collect(),
            populations: analysis
                .layers
                .settlements
                .iter()
                .map(|s| s.population)
                .collect(),
        }
    }

    /// A WGS84 point in scene metres.
    pub fn locate(&self, p: crate::engine::crs::LonLat) -> Option<Xy> {
        let xy = Projector::new(self.zone?).project(p);
        Some(Xy {
            x: xy.x - self.origin.x,
            y: xy.y - self.origin.y,
        })
    }

    /// A line in scene metres, and its bounding box (`None` without a placed point).
    pub fn locate_line(&self, line: &[crate::engine::crs::LonLat]) -> Option<(Vec<Xy>, (Xy, Xy))> {
        let pts: Vec<Xy> = line.iter().filter_map(|&p| self.locate(p)).collect();
        let bounds = bounds_of(&pts)?;
        Some((pts, bounds))
    }

    /// Bounding box of a unit's rings in scene metres.
    pub fn unit_bounds(&self, unit: UnitId) -> Option<(Xy, Xy)> {
        let pts = self
            .admin_rings
            .iter()
            .zip(&self.ring_unit)
            .filter(|(_, u)| **u == unit)
            .flat_map(|(r, _)| r);
        bounds_of(pts)
    }

    /// Number of road segments drawn.
    pub fn segment_count(&self) -> usize {
        self.bands.iter().map(Vec::len).sum()
    }

    /// The scene as bytes, to cross from the web worker to the page in one transferable
    /// buffer: a little-endian `u32` length, a JSON header (the small parts and every list's
    /// length), zero padding to a multiple of 8, then every coordinate as a little-endian
    /// `f64` (band segments, unusable segments, ring points, settlements, populations).
    /// Copying 354,803 segments this way takes milliseconds, where a structured clone of
    /// nested arrays takes seconds.
    pub fn encode(&self) -> Vec<u8> {
        let header = SceneHeader {
            band_lens: self.bands.iter().map(Vec::len).collect(),
            unusable_len: self.unusable.len(),
            ring_lens: self.admin_rings.iter().map(Vec::len).collect(),
            ring_unit: self.ring_unit.clone(),
            zone: self.zone,
            facilities: self
                .facilities
                .iter()
                .map(|f| (f.class, f.service_point, f.planned))
                .collect(),
            settlements_len: self.settlements.len(),
        };
        let json = serde_json::to_vec(&header).expect("the header serialises");
        let floats = 6
            + 2 * self.facilities.len()
            + 4 * (self.segment_count() + self.unusable.len())
            + 2 * (self.admin_rings.iter().map(Vec::len).sum::<usize>() + self.settlements.len())
            + self.populations.len();
        let mut out = Vec::with_capacity(4 + json.len() + 8 + floats * 8);
        out.extend_from_slice(&(json.len() as u32).to_le_bytes());
        out.extend_from_slice(&json);
        while out.len() % 8 != 0 {
            out.push(0);
        }
        let mut put = |v: f64| out.extend_from_slice(&v.to_le_bytes());
        let (lo, hi) = self.bounds;
        let fixed = [self.origin, lo, hi];
        for p in fixed.iter().chain(self.facilities.iter().map(|f| &f.at)) {
            put(p.x);
            put(p.y);
        }
        for seg in self.bands.iter().flatten().chain(&self.unusable) {
            seg.iter().for_each(|&v| put(v));
        }
        for p in self.admin_rings.iter().flatten().chain(&self.settlements) {
            put(p.x);
            put(p.y);
        }
        self.populations.iter().for_each(|&v| put(v));
        out
    }

    /// Reads what [`Scene::encode`] wrote.
    pub fn decode(bytes: &[u8]) -> Result<Scene, String> {
        let short = || "scene bytes end early".to_string();
        let len = u32::from_le_bytes(bytes.get(..4).ok_or_else(short)?.try_into().unwrap());
        let end = 4 + len as usize;
        let header: SceneHeader = serde_json::from_slice(bytes.get(4..end).ok_or_else(short)?)
            .map_err(|e| e.to_string())?;
        let start = end.div_ceil(8) * 8;
        let mut r = F64Reader(
            bytes
                .get(start..)
                .ok_or_else(short)?
                .chunks_exact(8)
                .map(|c| f64::from_le_bytes(c.try_into().unwrap())),
        );
        let origin = r.xy()?;
        let bounds = (r.xy()?, r.xy()?);
        let facilities = header
            .facilities
            .iter()
            .map(|&(class, service_point, planned)| {
                Ok(FacilityMark {
                    at: r.xy()?,
                    class,
                    service_point,
                    planned,
                })
            })
            .collect::<Result<Vec<_>, String>>()?;
        let bands = header
            .band_lens
            .iter()
            .map(|&n| r.segments(n))
            .collect::<Result<Vec<_>, _>>()?;
        let unusable = r.segments(header.unusable_len)?;
        let admin_rings = header
            .ring_lens
            .iter()
            .map(|&n| r.points(n))
            .collect::<Result<Vec<_>, _>>()?;
        let settlements = r.points(header.settlements_len)?;
        let populations = (0..header.settlements_len)
            .map(|_| r.next())
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Scene {
            origin,
            bounds,
            bands,
            unusable,
            admin_rings,
            ring_unit: header.ring_unit,
            zone: header.zone,
            facilities,
            settlements,
            populations,
        })
    }
}

/// Reads the `f64`s of an encoded scene.
struct F64Reader<I>(I);

impl<I: Iterator<Item = f64>> F64Reader<I> {
    fn next(&mut self) -> Result<f64, String> {
        self.0
            .next()
            .ok_or_else(|| "scene bytes end early".to_string())
    }

    fn xy(&mut self) -> Result<Xy, String> {
        Ok(Xy {
            x: self.next()?,
            y: self.next()?,
        })
    }

    fn points(&mut self, n: usize) -> Result<Vec<Xy>, String> {
        (0..n).map(|_| self.xy()).collect()
    }

    fn segments(&mut self, n: usize) -> Result<Vec<[f64; 4]>, String> {
        (0..n)
            .map(|_| Ok([self.next()?, self.next()?, self.next()?, self.next()?]))
            .collect()
    }
}

/// The small parts of a [`Scene`] and the lengths of its lists, for [`Scene::encode`].
#[derive(serde::Serialize, serde::Deserialize)]
struct SceneHeader {
    band_lens: Vec<usize>,
    unusable_len: usize,
    ring_lens: Vec<usize>,
    ring_unit: Vec<UnitId>,
    zone: Option<crate::engine::crs::UtmZone>,
    facilities: Vec<(FacilityClass, bool, bool)>,
    settlements_len: usize,
}

/// Maps scene metres to screen pixels: `sx = x * scale + tx`, `sy = -y * scale + ty`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Viewport {
    /// Pixels per metre.
    pub scale: f64,
    /// Screen x of the scene origin.
    pub tx: f64,
    /// Screen y of the scene origin.
    pub ty: f64,
}

impl Default for Viewport {
    fn default() -> Self {
        Viewport {
            scale: 0.01,
            tx: 0.0,
            ty: 0.0,
        }
    }
}

impl Viewport {
    /// The viewport that shows `bounds` whole in a `width` × `height` pixel screen, with a
    /// margin.
    ///
    /// # Examples
    /// ```
    /// use medreach::{engine::crs::Xy, app::scene::Viewport};
    /// let v = Viewport::fit((Xy { x: -500.0, y: -100.0 }, Xy { x: 500.0, y: 100.0 }), 800.0, 600.0);
    /// let (sx, sy) = v.to_screen(Xy { x: 0.0, y: 0.0 });
    /// assert_eq!((sx, sy), (400.0, 300.0));
    /// ```
    pub fn fit(bounds: (Xy, Xy), width: f64, height: f64) -> Viewport {
        let (lo, hi) = bounds;
        let w = (hi.x - lo.x).max(1.0);
        let h = (hi.y - lo.y).max(1.0);
        let scale = ((width * 0.92) / w).min((height * 0.92) / h);
        let cx = (lo.x + hi.x) / 2.0;
        let cy = (lo.y + hi.y) / 2.0;
        Viewport {
            scale,
            tx: width / 2.0 - cx * scale,
            ty: height / 2.0 + cy * scale,
        }
    }

    /// Screen pixels of a scene point.
    pub fn to_screen(&self, p: Xy) -> (f64, f64) {
        (p.x * self.scale + self.tx, -p.y * self.scale + self.ty)
    }

    /// Scene point under a screen pixel.
    pub fn to_scene(&self, sx: f64, sy: f64) -> Xy {
        Xy {
            x: (sx - self.tx) / self.scale,
            y: -(sy - self.ty) / self.scale,
        }
    }

    /// Moves the view by a drag of `(dx, dy)` pixels.
    pub fn pan(self, dx: f64, dy: f64) -> Viewport {
        Viewport {
            tx: self.tx + dx,
            ty: self.ty + dy,
            ..self
        }
    }

    /// Zooms by `factor` keeping the scene point under `(sx, sy)` fixed.
    pub fn zoom_at(self, factor: f64, sx: f64, sy: f64) -> Viewport {
        let anchor = self.to_scene(sx, sy);
        let scale = (self.scale * factor).clamp(1e-6, 1e3);
        Viewport {
            scale,
            tx: sx - anchor.x * scale,
            ty: sy + anchor.y * scale,
        }
    }

    /// Centres the view on a scene point, keeping the scale (at least `min_scale`).
    pub fn centre_on(self, p: Xy, width: f64, height: f64, min_scale: f64) -> Viewport {
        let scale = self.scale.max(min_scale);
        Viewport {
            scale,
            tx: width / 2.0 - p.x * scale,
            ty: height / 2.0 + p.y * scale,
        }
    }
}

/// The bounding box `(min, max)` of `points`; `None` without one.
fn bounds_of<'a>(points: impl IntoIterator<Item = &'a Xy>) -> Option<(Xy, Xy)> {
    points.into_iter().fold(None, |acc, p| {
        Some(match acc {
            None => (*p, *p),
            Some((lo, hi)) => (
                Xy {
                    x: lo.x.min(p.x),
                    y: lo.y.min(p.y),
                },
                Xy {
                    x: hi.x.max(p.x),
                    y: hi.y.max(p.y),
                },
            ),
        })
    })
}

/// What the map brings into view and highlights.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Focus {
    /// A finding of the report: centred on its point, or its unit fitted when it has none.
    Finding {
        /// Its index in the report's findings.
        index: usize,
        /// Its point (WGS84).
        at: Option<crate::engine::crs::LonLat>,
        /// The admin unit it is about.
        unit: Option<UnitId>,
    },
    /// An admin unit (a scorecard row): fitted and outlined.
    Unit(UnitId),
    /// A row of the report's referral table: its way fitted and drawn.
    Route(usize),
}

impl Focus {
    /// The finding focused, if it is one.
    pub fn finding(&self) -> Option<usize> {
        match self {
            Focus::Finding { index, .. } => Some(*index),
            Focus::Unit(_) | Focus::Route(_) => None,
        }
    }

    /// The unit to outline.
    pub fn unit(&self) -> Option<UnitId> {
        match self {
            Focus::Finding { unit, .. } => *unit,
            Focus::Unit(u) => Some(*u),
            Focus::Route(_) => None,
        }
    }

    /// The point to mark.
    pub fn at(&self) -> Option<crate::engine::crs::LonLat> {
        match self {
            Focus::Finding { at, .. } => *at,
            Focus::Unit(_) | Focus::Route(_) => None,
        }
    }
}

impl Viewport {
    /// The view that brings `focus` into a `width` × `height` screen of `scene`: a unit (or
    /// a finding without a point) fitted whole; a point centred, zoomed in to at least 0.05
    /// pixels per metre; unchanged when the scene has neither.
    pub fn focus_on(self, focus: &Focus, scene: &Scene, width: f64, height: f64) -> Viewport {
        let bounds = focus.unit().and_then(|u| scene.unit_bounds(u));
        let point = focus.at().and_then(|at| scene.locate(at));
        match (point, bounds) {
            (Some(p), _) => self.centre_on(p, width, height, 0.05),
            (None, Some(b)) => Viewport::fit(b, width, height),
            (None, None) => self,
        }
    }
}

/// The settlement whose circle is under (or nearest within `slack_px` of) a screen pixel.
pub fn pick_settlement(
    scene: &Scene,
    view: &Viewport,
    sx: f64,
    sy: f64,
    slack_px: f64,
) -> Option<usize> {
    scene
        .settlements
        .iter()
        .zip(&scene.populations)
        .enumerate()
        .filter_map(|(i, (p, pop))| {
            let (x, y) = view.to_screen(*p);
            let d = (x - sx).hypot(y - sy);
            (d <= settlement_radius_px(*pop) + slack_px).then_some((d, i))
        })
        .min_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, i)| i)
}

/// Above this many road segments the page draws roads with [`rasterise_roads`] instead of
/// stroking canvas paths. Measured in headless Chromium (software canvas), a zoom redraw of
/// Porto's 354,803 segments strokes in under 100 ms either way, so a city keeps its smooth
/// lines; but the synthetic network's 1.4 million segments took 1.4–2 s a redraw with paths
/// and 0.16–0.19 s rasterised, and 2.8 million 2.7–4.2 s against 0.06 s of main-thread work.
pub const RASTER_ABOVE_SEGMENTS: usize = 400_000;

/// `#rrggbb` as RGBA bytes (opaque); grey for anything else.
fn rgba(hex: &str) -> [u8; 4] {
    let c = |i: usize| {
        hex.get(i..i + 2)
            .and_then(|h| u8::from_str_radix(h, 16).ok())
            .unwrap_or(0x99)
    };
    [c(1), c(3), c(5), 255]
}

/// Background of the map.
pub const BACKGROUND: &str = "#f7f7f4";
/// Colour of roads not usable in the mode.
pub const UNUSABLE_COLOUR: &str = "#c9c9c9";

/// The roads of `scene` as seen through `view`, drawn into an RGBA image of `width` × `height`
/// device pixels (`dpr` device pixels per CSS pixel) on the map's background: unusable roads,
/// then the bands from the slowest to the fastest, each segment a line one device pixel wide
/// (two for the bands within reach), clipped to the image. Work is proportional to the
/// segments plus the pixels they cover, so a redraw of millions of segments stays fast.
pub fn rasterise_roads(
    scene: &Scene,
    view: &Viewport,
    width: usize,
    height: usize,
    dpr: f64,
) -> Vec<u8> {
    let pixel = |hex: &str| u32::from_le_bytes(rgba(hex));
    let mut image = vec![pixel(BACKGROUND); width * height];
    if width == 0 || height == 0 {
        return Vec::new();
    }
    let (k, tx, ty) = (view.scale * dpr, view.tx * dpr, view.ty * dpr);
    let (w, h) = (width as f64, height as f64);
    let inside = |x: f64, y: f64| x >= 0.0 && y >= 0.0 && x < w && y < h;
    let mut draw = |segs: &[[f64; 4]], colour: u32, thick: bool| {
        let mut put = |x: f64, y: f64| {
            // In the image by construction (clipped), but a rounding never writes outside.
            let (xi, yi) = (x as usize, y as usize);
            if xi < width && yi < height {
                let at = yi * width + xi;
                image[at] = colour;
                if thick {
                    if xi + 1 < width {
                        image[at + 1] = colour;
                    }
                    if yi + 1 < height {
                        image[at + width] = colour;
                    }
                }
            }
        };
        for &[x1, y1, x2, y2] in segs {
            let (mut ax, mut ay) = (x1 * k + tx, -y1 * k + ty);
            let (mut bx, mut by) = (x2 * k + tx, -y2 * k + ty);
            let (dx, dy) = (bx - ax, by - ay);
            if !(inside(ax, ay) && inside(bx, by)) {
                // Liang–Barsky clipping to [0, w) × [0, h).
                let (mut t0, mut t1) = (0.0_f64, 1.0_f64);
                let mut visible = dx.is_finite() && dy.is_finite();
                for (p, q) in [
                    (-dx, ax),
                    (dx, w - 1e-9 - ax),
                    (-dy, ay),
                    (dy, h - 1e-9 - ay),
                ] {
                    if !visible {
                        break;
                    }
                    if p == 0.0 {
                        visible = q >= 0.0;
                    } else {
                        let r = q / p;
                        if p < 0.0 {
                            t0 = t0.max(r);
                        } else {
                            t1 = t1.min(r);
                        }
                        visible = t0 <= t1;
                    }
                }
                if !visible {
                    continue;
                }
                (ax, ay, bx, by) = (ax + t0 * dx, ay + t0 * dy, ax + t1 * dx, ay + t1 * dy);
            }
            let steps = (bx - ax).abs().max((by - ay).abs()).ceil();
            if steps < 1.0 {
                put(ax, ay);
                put(bx, by);
                continue;
            }
            let (sx, sy) = ((bx - ax) / steps, (by - ay) / steps);
            for i in 0..=steps as usize {
                let f = i as f64;
                put(ax + sx * f, ay + sy * f);
            }
        }
    };
    draw(&scene.unusable, pixel(UNUSABLE_COLOUR), false);
    for (band, segs) in scene.bands.iter().enumerate().rev() {
        draw(
            segs,
            pixel(BAND_COLOURS[band]),
            band + 1 < BAND_COLOURS.len(),
        );
    }
    image.into_iter().flat_map(u32::to_le_bytes).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::network::SpeedTable;

    #[test]
    fn zoom_keeps_the_anchor_fixed() {
        let v = Viewport {
            scale: 0.5,
            tx: 10.0,
            ty: 20.0,
        };
        let before = v.to_scene(100.0, 80.0);
        let z = v.zoom_at(2.0, 100.0, 80.0);
        let after = z.to_scene(100.0, 80.0);
        assert!((before.x - after.x).abs() < 1e-9 && (before.y - after.y).abs() < 1e-9);
        assert_eq!(z.scale, 1.0);
    }

    /// A scene in UTM 31N with its origin on `centre`, and unit 3 a 2 km × 1 km box north-east
    /// of it.
    fn focus_scene(centre: crate::engine::crs::LonLat) -> Scene {
        let zone = crate::engine::crs::UtmZone::containing(centre);
        let box_ = |x0: f64, y0: f64, x1: f64, y1: f64| {
            vec![
                Xy { x: x0, y: y0 },
                Xy { x: x1, y: y0 },
                Xy { x: x1, y: y1 },
                Xy { x: x0, y: y1 },
            ]
        };
        Scene {
            origin: Projector::new(zone).project(centre),
            zone: Some(zone),
            admin_rings: vec![box_(0.0, 0.0, 2000.0, 1000.0), box_(-50.0, -50.0, 0.0, 0.0)],
            ring_unit: vec![UnitId(3), UnitId(4)],
            ..Scene::default()
        }
    }

    #[test]
    fn a_focused_unit_is_fitted_whole() {
        let centre = crate::engine::crs::LonLat {
            lon: 1.52,
            lat: 42.5,
        };
        let scene = focus_scene(centre);
        let v = Viewport::default().focus_on(&Focus::Unit(UnitId(3)), &scene, 800.0, 600.0);
        assert_eq!(
            v,
            Viewport::fit(scene.unit_bounds(UnitId(3)).unwrap(), 800.0, 600.0)
        );
        let (x0, y0) = v.to_screen(Xy { x: 0.0, y: 0.0 });
        let (x1, y1) = v.to_screen(Xy {
            x: 2000.0,
            y: 1000.0,
        });
        assert!(x0 >= 0.0 && x1 <= 800.0 && y1 >= 0.0 && y0 <= 600.0);
        assert_eq!(Focus::Unit(UnitId(3)).finding(), None);
        assert_eq!(Focus::Unit(UnitId(3)).unit(), Some(UnitId(3)));
    }

    #[test]
    fn a_focused_finding_is_centred_on_its_point_or_fits_its_unit() {
        let centre = crate::engine::crs::LonLat {
            lon: 1.52,
            lat: 42.5,
        };
        let scene = focus_scene(centre);
        let start = Viewport::default();
        let with_point = Focus::Finding {
            index: 7,
            at: Some(centre),
            unit: Some(UnitId(3)),
        };
        let v = start.focus_on(&with_point, &scene, 800.0, 600.0);
        // Centred on its point (the origin), zoomed in to at least 0.05 px/m.
        assert_eq!(v.scale, 0.05);
        let (x, y) = v.to_screen(Xy { x: 0.0, y: 0.0 });
        assert!((x - 400.0).abs() < 1e-6 && (y - 300.0).abs() < 1e-6);
        // A closer view keeps its scale.
        let close = Viewport {
            scale: 2.0,
            ..start
        };
        assert_eq!(close.focus_on(&with_point, &scene, 800.0, 600.0).scale, 2.0);
        assert_eq!(with_point.finding(), Some(7));
        // Without a point, the finding's unit is fitted.
        let without = Focus::Finding {
            index: 8,
            at: None,
            unit: Some(UnitId(4)),
        };
        assert_eq!(
            start.focus_on(&without, &scene, 800.0, 600.0),
            Viewport::fit(scene.unit_bounds(UnitId(4)).unwrap(), 800.0, 600.0)
        );
    }

    #[test]
    fn a_focus_the_scene_cannot_place_leaves_the_view() {
        let centre = crate::engine::crs::LonLat {
            lon: 1.52,
            lat: 42.5,
        };
        let mut scene = focus_scene(centre);
        let start = Viewport {
            scale: 0.3,
            tx: 5.0,
            ty: 6.0,
        };
        let nowhere = Focus::Finding {
            index: 0,
            at: None,
            unit: None,
        };
        assert_eq!(start.focus_on(&nowhere, &scene, 800.0, 600.0), start);
        assert_eq!(
            start.focus_on(&Focus::Unit(UnitId(99)), &scene, 800.0, 600.0),
            start
        );
        // A point without a plane to place it: its unit is fitted instead.
        scene.zone = None;
        let point_and_unit = Focus::Finding {
            index: 1,
            at: Some(centre),
            unit: Some(UnitId(3)),
        };
        assert_eq!(
            start.focus_on(&point_and_unit, &scene, 800.0, 600.0),
            Viewport::fit(scene.unit_bounds(UnitId(3)).unwrap(), 800.0, 600.0)
        );
    }

    #[test]
    fn round_trip_and_pick() {
        let scene = Scene {
            settlements: vec![Xy { x: 0.0, y: 0.0 }, Xy { x: 100.0, y: 0.0 }],
            populations: vec![10.0, 10.0],
            ..Scene::default()
        };
        let v = Viewport {
            scale: 1.0,
            tx: 0.0,
            ty: 0.0,
        };
        assert_eq!(pick_settlement(&scene, &v, 99.0, 1.0, 2.0), Some(1));
        assert_eq!(pick_settlement(&scene, &v, 50.0, 0.0, 2.0), None);
        let p = v.to_scene(30.0, 40.0);
        assert_eq!(v.to_screen(p), (30.0, 40.0));
    }

    #[test]
    fn encoded_scene_decodes_to_the_same_scene() {
        let mut data = crate::engine::dataset::Dataset::default();
        for (name, text) in
            crate::devtools::demo_county::generate(crate::devtools::demo_county::SEED).files()
        {
            data.load(name, text).unwrap();
        }
        let analysis = Analysis::run(
            &data,
            crate::engine::network::Mode::Drive,
            &SpeedTable::default(),
        )
        .unwrap();
        let scene = Scene::build(&analysis);
        assert!(scene.segment_count() > 100 && !scene.admin_rings.is_empty());
        // The rings kept from one scene serve the next (of the same units), and only it.
        let mut rings = ProjectedRings::default();
        assert!(Scene::build_with(&analysis, &mut rings) == scene);
        assert!(Scene::build_with(&analysis, &mut rings) == scene);
        let walk = Analysis::run(
            &data,
            crate::engine::network::Mode::Walk,
            &SpeedTable::default(),
        )
        .unwrap();
        assert!(Scene::build_with(&walk, &mut rings) == Scene::build(&walk));
        let mut fewer = data.clone();
        fewer.files.retain(|f| !f.name.starts_with("admin"));
        let no_admin = Analysis::run(
            &fewer,
            crate::engine::network::Mode::Walk,
            &SpeedTable::default(),
        )
        .unwrap();
        let s = Scene::build_with(&no_admin, &mut rings);
        assert!(s == Scene::build(&no_admin) && s.admin_rings.is_empty());
        let bytes = scene.encode();
        assert!(Scene::decode(&bytes).unwrap() == scene);
        assert!(Scene::decode(&bytes[..bytes.len() - 8]).is_err());
        assert!(Scene::decode(&bytes[..3]).is_err());
        assert_eq!(
            Scene::decode(&Scene::default().encode()).unwrap(),
            Scene::default()
        );
    }

    #[test]
    fn rasterised_roads_cover_their_pixels_and_nothing_off_screen() {
        let mut scene = Scene {
            bands: vec![Vec::new(); BAND_COUNT],
            ..Scene::default()
        };
        // A horizontal road in band 0 across the view, a vertical one in the slowest band, one
        // far off screen, and an unusable one.
        scene.bands[0].push([-50.0, 0.0, 50.0, 0.0]);
        scene.bands[BAND_COUNT - 1].push([0.0, -50.0, 0.0, 50.0]);
        scene.bands[1].push([1.0e6, 1.0e6, 1.0e6 + 5.0, 1.0e6]);
        scene.unusable.push([-10.0, 10.0, 10.0, 10.0]);
        // 1 px per metre, origin at the centre of a 40 x 30 image.
        let view = Viewport {
            scale: 1.0,
            tx: 20.0,
            ty: 15.0,
        };
        let (w, h) = (40, 30);
        let image = rasterise_roads(&scene, &view, w, h, 1.0);
        assert_eq!(image.len(), w * h * 4);
        let at = |x: usize, y: usize| -> [u8; 4] {
            let i = 4 * (y * w + x);
            image[i..i + 4].try_into().unwrap()
        };
        let (fast, slow) = (rgba(BAND_COLOURS[0]), rgba(BAND_COLOURS[BAND_COUNT - 1]));
        // The fast road runs the whole width along row 15 (drawn last, so on top).
        assert!((0..w).all(|x| at(x, 15) == fast));
        // The slow one runs the whole height along column 20, except where the fast one crosses.
        assert!((0..h)
            .filter(|&y| y != 15 && y != 16)
            .all(|y| at(20, y) == slow));
        // The unusable road at y = 10 m is screen row 5.
        assert_eq!(at(12, 5), rgba(UNUSABLE_COLOUR));
        // Elsewhere, the background.
        assert_eq!(at(3, 3), rgba(BACKGROUND));
        let drawn = image.chunks(4).filter(|p| *p != rgba(BACKGROUND)).count();
        assert!(drawn < w * 3 + h * 2 + 25, "{drawn} pixels drawn");
        // A device pixel ratio of 2 doubles every side.
        assert_eq!(
            rasterise_roads(&scene, &view, 80, 60, 2.0).len(),
            80 * 60 * 4
        );
        assert!(rasterise_roads(&scene, &view, 0, 0, 1.0).is_empty());
    }
}
