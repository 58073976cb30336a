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
/// stroking canvas paths. Both are anti-aliased and as wide; in headless Chromium (a software
/// canvas) the stroker filled Porto's 354,803 segments in about 0.15 s at every redraw, the
/// rasteriser draws them in a few tens of milliseconds, and a network of millions of segments,
/// which took the stroker seconds, in a fraction of a second. Smaller networks keep the
/// browser's strokes (on a graphics card, cheaper still).
pub const RASTER_ABOVE_SEGMENTS: usize = 100_000;

/// `#rrggbb` as RGBA bytes (opaque); grey for anything else.
fn rgba(hex: &str) -> [u8; 4] {
    let c = |i: usize| {
        hex.get(i..i + 2)
            .and_then(|h| u8::from_str_radix(h, 16).ok())
            .unwrap_or(0x99)
    };
    [c(1), c(3), c(5), 255]
}

/// A CSS colour as the page writes them, `#rrggbb` or `rgba(r,g,b,a)`, as RGBA bytes (not
/// premultiplied); grey for anything else.
pub fn css_rgba(colour: &str) -> [u8; 4] {
    let Some(inner) = colour
        .strip_prefix("rgba(")
        .and_then(|c| c.strip_suffix(')'))
    else {
        return rgba(colour);
    };
    let parts: Vec<f64> = inner
        .split(',')
        .filter_map(|p| p.trim().parse().ok())
        .collect();
    match parts[..] {
        [r, g, b, a] => [r, g, b, a * 255.0].map(|v| v.round().clamp(0.0, 255.0) as u8),
        _ => rgba(""),
    }
}

/// A disc: its centre's x and y and its radius.
pub type Disc = (f64, f64, f64);

/// Discs (centre x, y and radius in CSS pixels), one group per colour (RGBA, not
/// premultiplied: its alpha is the group's opacity), as an RGBA image of `width` × `height`
/// device pixels (`dpr` per CSS pixel), transparent elsewhere: each group's discs anti-aliased
/// and filled as one shape (where they overlap, once, as a canvas fills one path), laid over
/// the groups before it. For the settlements when they are too many to outline: the page's
/// canvas took tens of milliseconds to fill 20,000 circles, this a few.
pub fn rasterise_discs(
    groups: &[(&[Disc], [u8; 4])],
    width: usize,
    height: usize,
    dpr: f64,
) -> Vec<u8> {
    let colours: Vec<[u8; 4]> = groups.iter().map(|&(_, c)| c).collect();
    layered_image(width, height, &colours, |layer, cover| {
        for &(x, y, r) in groups[layer].0 {
            cover.disc(x * dpr, y * dpr, r * dpr);
        }
    })
}

/// A transparent RGBA image of `width` × `height` pixels (empty when either is 0) with layer
/// `i`, the coverage `draw(i, …)` makes, laid over the layers before it in `colours[i]`.
fn layered_image(
    width: usize,
    height: usize,
    colours: &[[u8; 4]],
    mut draw: impl FnMut(usize, &mut Coverage),
) -> Vec<u8> {
    if width == 0 || height == 0 {
        return Vec::new();
    }
    let mut image = vec![0u8; width * height * 4];
    let mut cover = Coverage::new(width, height);
    for (layer, &colour) in colours.iter().enumerate() {
        draw(layer, &mut cover);
        cover.lay_over(&mut image, colour);
    }
    image
}

/// Background of the map.
pub const BACKGROUND: &str = "#f7f7f4";
/// Colour of roads not usable in the mode.
pub const UNUSABLE_COLOUR: &str = "#c9c9c9";

/// The roads of `scene` as seen through `view`, drawn into an RGBA image (not premultiplied,
/// as `ImageData` holds it; transparent where there is no road) of `width` × `height` device
/// pixels, `dpr` device pixels per CSS pixel: unusable roads, then the bands from the slowest
/// to the fastest, each road as wide as the page strokes it ([`ROAD_WIDTHS_PX`]) and
/// anti-aliased, clipped to the image. Each layer's coverage is summed over its segments (so
/// the two segments meeting at a vertex cover it once between them, as one stroked line
/// does), then laid over the layers below. Work is proportional to the segments plus the
/// pixels they cover: a city's roads in a few tens of milliseconds, millions of segments
/// without the browser's stroker.
pub fn rasterise_roads(
    scene: &Scene,
    view: &Viewport,
    width: usize,
    height: usize,
    dpr: f64,
) -> Vec<u8> {
    let (k, tx, ty) = (view.scale * dpr, view.tx * dpr, view.ty * dpr);
    // The unusable roads, then the bands from the slowest to the fastest.
    let layers: Vec<(&Vec<[f64; 4]>, &str, f64)> =
        std::iter::once((&scene.unusable, UNUSABLE_COLOUR, ROAD_WIDTHS_PX.unusable))
            .chain(scene.bands.iter().enumerate().rev().map(|(band, segs)| {
                let px = if band + 1 < BAND_COLOURS.len() {
                    ROAD_WIDTHS_PX.band
                } else {
                    ROAD_WIDTHS_PX.slowest_band
                };
                (segs, BAND_COLOURS[band], px)
            }))
            .collect();
    let colours: Vec<[u8; 4]> = layers.iter().map(|&(_, c, _)| rgba(c)).collect();
    layered_image(width, height, &colours, |layer, cover| {
        let (segs, _, width_px) = layers[layer];
        let half = width_px * dpr / 2.0;
        for &[x1, y1, x2, y2] in segs {
            cover.segment(
                [x1 * k + tx, -y1 * k + ty],
                [x2 * k + tx, -y2 * k + ty],
                half,
            );
        }
    })
}

/// How wide the page draws roads, in CSS pixels.
pub struct RoadWidths {
    /// Roads not usable in the mode.
    pub unusable: f64,
    /// The bands within reach.
    pub band: f64,
    /// The slowest band (beyond every limit of the legend).
    pub slowest_band: f64,
}

/// The widths of [`RoadWidths`] the page strokes and [`rasterise_roads`] draws.
pub const ROAD_WIDTHS_PX: RoadWidths = RoadWidths {
    unusable: 1.0,
    band: 1.6,
    slowest_band: 0.8,
};

/// One layer's coverage of each pixel, 0 (none) to 255 (all), and the rows touched.
struct Coverage {
    cells: Vec<u8>,
    width: usize,
    height: usize,
    /// The first and last row touched (first > last when none).
    rows: (usize, usize),
}

/// The lesser of two numbers known not to be NaN: a comparison, where `f64::min` is a call in
/// WebAssembly (its NaN rule is not the instruction's).
#[inline]
fn least(a: f64, b: f64) -> f64 {
    if a < b {
        a
    } else {
        b
    }
}

/// The greater of two numbers known not to be NaN (see [`least`]).
#[inline]
fn most(a: f64, b: f64) -> f64 {
    if a > b {
        a
    } else {
        b
    }
}

/// `x` (at least 0) times 255, rounded, as a coverage (saturated at 255).
#[inline]
fn coverage_of(x: f64) -> u8 {
    // `as` saturates; adding a half and truncating rounds without a call (`f64::round` is
    // one in WebAssembly).
    (x * 255.0 + 0.5) as u8
}

impl Coverage {
    fn new(width: usize, height: usize) -> Coverage {
        Coverage {
            cells: vec![0; width * height],
            width,
            height,
            rows: (usize::MAX, 0),
        }
    }

    fn touch_rows(&mut self, first: usize, last: usize) {
        self.rows = (self.rows.0.min(first), self.rows.1.max(last));
    }

    /// Adds the disc of radius `r` round (`cx`, `cy`) (device pixels), anti-aliased over
    /// about a pixel at its edge, as a union: each pixel keeps the larger coverage.
    fn disc(&mut self, cx: f64, cy: f64, r: f64) {
        let (w, h) = (self.width as f64, self.height as f64);
        if !(cx.is_finite() && cy.is_finite() && r > 0.0)
            || cx + r + 1.0 < 0.0
            || cy + r + 1.0 < 0.0
            || cx - r - 1.0 >= w
            || cy - r - 1.0 >= h
        {
            return;
        }
        let span = |c: f64, cells: usize| {
            let first = (c - r - 1.0).floor().max(0.0) as usize;
            let last = ((c + r + 1.0).floor().max(0.0) as usize).min(cells - 1);
            (first, last)
        };
        let (y0, y1) = span(cy, self.height);
        let (x0, x1) = span(cx, self.width);
        self.touch_rows(y0, y1);
        for y in y0..=y1 {
            let dy = y as f64 + 0.5 - cy;
            let row = &mut self.cells[y * self.width..(y + 1) * self.width];
            for (x, cell) in row.iter_mut().enumerate().take(x1 + 1).skip(x0) {
                let dx = x as f64 + 0.5 - cx;
                let c = (r + 0.5 - (dx * dx + dy * dy).sqrt()).clamp(0.0, 1.0);
                *cell = (*cell).max(coverage_of(c));
            }
        }
    }

    /// Adds the line from `a` to `b` (device pixels), `half` pixels either side of it, with
    /// butt ends: in each pixel column (row, for a steep line) it crosses, the part of the
    /// column the segment spans times the part of each pixel the line's vertical (horizontal)
    /// extent overlaps.
    fn segment(&mut self, a: [f64; 2], b: [f64; 2], half: f64) {
        let (w, h) = (self.width as f64, self.height as f64);
        let margin = 2.0 + half;
        let inside = |p: [f64; 2]| {
            p[0] >= -margin && p[1] >= -margin && p[0] <= w + margin && p[1] <= h + margin
        };
        let (a, b) = if inside(a) && inside(b) {
            (a, b)
        } else {
            match clip(a, b, [-margin, -margin, w + margin, h + margin]) {
                Some(ab) => ab,
                None => return,
            }
        };
        // Along the major axis `u`, across it `v`.
        let steep = (b[1] - a[1]).abs() > (b[0] - a[0]).abs();
        let (ua, va, ub, vb) = if steep {
            (a[1], a[0], b[1], b[0])
        } else {
            (a[0], a[1], b[0], b[1])
        };
        let ((u0, v0), (u1, v1)) = if ua <= ub {
            ((ua, va), (ub, vb))
        } else {
            ((ub, vb), (ua, va))
        };
        if u1 <= u0 || u1 < 0.0 {
            return;
        }
        let slope = (v1 - v0) / (u1 - u0);
        let reach = half * (1.0 + slope * slope).sqrt();
        let (u_cells, v_cells) = if steep {
            (self.height, self.width)
        } else {
            (self.width, self.height)
        };
        // `as` saturates: a negative position is cell 0.
        let first = u0 as usize;
        let last = (u1 as usize).min(u_cells - 1);
        if first > last {
            return;
        }
        let (v_low, v_high) = (least(v0, v1) - reach, most(v0, v1) + reach);
        if v_high < 0.0 {
            return;
        }
        let v_span = (v_low as usize, (v_high as usize).min(v_cells - 1));
        if steep {
            self.touch_rows(first, last);
        } else {
            self.touch_rows(v_span.0, v_span.1);
        }
        let (stride_u, stride_v) = if steep {
            (self.width, 1)
        } else {
            (1, self.width)
        };
        for u in first..=last {
            let (lo, hi) = (most(u as f64, u0), least((u + 1) as f64, u1));
            let span = hi - lo;
            if span <= 0.0 {
                continue;
            }
            let v = v0 + ((lo + hi) / 2.0 - u0) * slope;
            let (top, bottom) = (v - reach, v + reach);
            if bottom <= 0.0 {
                continue;
            }
            let v_first = top as usize;
            let v_last = (bottom as usize).min(v_cells - 1);
            for c in v_first..=v_last {
                let overlap = least(bottom, (c + 1) as f64) - most(top, c as f64);
                if overlap > 0.0 {
                    let cell = &mut self.cells[u * stride_u + c * stride_v];
                    *cell = cell.saturating_add(coverage_of(overlap * span));
                }
            }
        }
    }

    /// Lays `colour` (its alpha times each pixel's coverage) over `image`, and clears the
    /// coverage.
    fn lay_over(&mut self, image: &mut [u8], colour: [u8; 4]) {
        let (first, last) = self.rows;
        if first > last {
            return;
        }
        let (lo, hi) = (first * self.width, (last + 1) * self.width);
        let cells = &mut self.cells[lo..hi];
        let pixels = &mut image[lo * 4..hi * 4];
        // Eight cells at a time: most of a layer's rows are empty between its roads.
        for (k, chunk) in cells.chunks_mut(8).enumerate() {
            if chunk.iter().all(|&c| c == 0) {
                continue;
            }
            for (j, cell) in chunk.iter_mut().enumerate() {
                if *cell == 0 {
                    continue;
                }
                let at = (k * 8 + j) * 4;
                blend(&mut pixels[at..at + 4], colour, *cell);
                *cell = 0;
            }
        }
        self.rows = (usize::MAX, 0);
    }
}

/// Lays `colour` (RGBA, not premultiplied) at `coverage` / 255 of its alpha over the pixel
/// `px` (the same), in place.
fn blend(px: &mut [u8], colour: [u8; 4], coverage: u8) {
    let a = coverage as f32 * colour[3] as f32 / (255.0 * 255.0);
    if px[3] == 0 {
        // Nothing below: most pixels, a road's colour at its coverage.
        px.copy_from_slice(&[colour[0], colour[1], colour[2], (a * 255.0 + 0.5) as u8]);
        return;
    }
    let below = px[3] as f32 / 255.0 * (1.0 - a);
    let alpha = a + below;
    for i in 0..3 {
        px[i] = ((colour[i] as f32 * a + px[i] as f32 * below) / alpha + 0.5) as u8;
    }
    px[3] = (alpha * 255.0 + 0.5) as u8;
}

/// The part of the segment from `a` to `b` inside the box `[x0, y0, x1, y1]` (Liang–Barsky);
/// `None` when none of it is, or when it is not finite.
fn clip(a: [f64; 2], b: [f64; 2], [x0, y0, x1, y1]: [f64; 4]) -> Option<([f64; 2], [f64; 2])> {
    let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
    if !(a[0].is_finite() && a[1].is_finite() && dx.is_finite() && dy.is_finite()) {
        return None;
    }
    let (mut t0, mut t1) = (0.0_f64, 1.0_f64);
    for (p, q) in [
        (-dx, a[0] - x0),
        (dx, x1 - a[0]),
        (-dy, a[1] - y0),
        (dy, y1 - a[1]),
    ] {
        if p == 0.0 {
            if q < 0.0 {
                return None;
            }
        } else {
            let r = q / p;
            if p < 0.0 {
                t0 = t0.max(r);
            } else {
                t1 = t1.min(r);
            }
            if t0 > t1 {
                return None;
            }
        }
    }
    Some((
        [a[0] + t0 * dx, a[1] + t0 * dy],
        [a[0] + t1 * dx, a[1] + t1 * dy],
    ))
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
        // far off screen, one not finite, and an unusable one; each along pixel centres.
        scene.bands[0].push([-50.0, -0.5, 50.0, -0.5]);
        scene.bands[BAND_COUNT - 1].push([0.5, -50.0, 0.5, 50.0]);
        scene.bands[1].push([1.0e6, 1.0e6, 1.0e6 + 5.0, 1.0e6]);
        scene.bands[1].push([f64::NAN, 0.0, 3.0, 3.0]);
        scene.unusable.push([-10.0, 9.5, 10.0, 9.5]);
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
        // The fast road (1.6 px wide, drawn last, so on top) fills row 15 across the whole
        // width and covers 0.3 of the rows either side.
        assert!((0..w).all(|x| at(x, 15) == fast));
        for x in [0, 7, 39] {
            assert_eq!(at(x, 14)[..3], fast[..3]);
            assert_eq!(at(x, 14)[3], 77, "0.3 of 255");
            assert_eq!(at(x, 16)[3], 77);
            assert_eq!(at(x, 13)[3], 0);
        }
        // The slow one (0.8 px) runs down column 20 at 0.8 coverage, under the fast one and
        // over the unusable one.
        for y in (0..h).filter(|&y| !(14..=16).contains(&y) && y != 5) {
            assert_eq!(at(20, y)[..3], slow[..3], "row {y}");
            assert_eq!(at(20, y)[3], 204, "row {y}");
            assert_eq!(at(19, y)[3] + at(21, y)[3], 0);
        }
        // The unusable road at y = 9.5 m is screen row 5, 1 px wide: exactly that row.
        assert_eq!(at(12, 5), rgba(UNUSABLE_COLOUR));
        assert_eq!(at(12, 4)[3] + at(12, 6)[3], 0);
        // Elsewhere, nothing: the surface and the background show through.
        assert_eq!(at(3, 3), [0, 0, 0, 0]);
        let drawn = image.chunks(4).filter(|p| p[3] != 0).count();
        assert_eq!(drawn, 3 * w + (h - 3) + 19);
        // A device pixel ratio of 2 doubles every side.
        assert_eq!(
            rasterise_roads(&scene, &view, 80, 60, 2.0).len(),
            80 * 60 * 4
        );
        assert!(rasterise_roads(&scene, &view, 0, 0, 1.0).is_empty());
    }

    #[test]
    fn discs_are_filled_once_where_they_overlap_and_laid_in_order() {
        let green = css_rgba("rgba(26,152,80,0.55)");
        assert_eq!(green, [26, 152, 80, 140]);
        assert_eq!(css_rgba("#ff0000"), [255, 0, 0, 255]);
        assert_eq!(css_rgba("rgba(1,2)"), rgba(""));
        let red = css_rgba("rgba(215,25,28,0.6)");
        // Two overlapping green discs, a red one over them, one off the image and one not
        // finite; at a device pixel ratio of 2.
        let greens = [(10.0, 10.0, 4.0), (13.0, 10.0, 4.0), (-30.0, 5.0, 4.0)];
        let reds = [(30.0, 20.0, 3.0), (f64::NAN, 1.0, 3.0)];
        let (w, h) = (80, 60);
        let image = rasterise_discs(&[(&greens, green), (&reds, red)], w, h, 2.0);
        let at = |x: usize, y: usize| -> [u8; 4] {
            let i = 4 * (y * w + x);
            image[i..i + 4].try_into().unwrap()
        };
        // Inside both green discs, green at its own opacity, not twice it.
        assert_eq!(at(23, 20), green);
        assert_eq!(at(20, 20), green);
        assert_eq!(at(60, 40), red);
        assert_eq!(at(2, 2), [0, 0, 0, 0]);
        // The red disc's area at 2 device pixels per CSS pixel: pi (2 x 3)^2, edge included.
        let red_area: f64 = image
            .chunks(4)
            .filter(|p| p[..3] == red[..3])
            .map(|p| p[3] as f64 / red[3] as f64)
            .sum();
        assert!(
            (red_area - std::f64::consts::PI * 36.0).abs() < 2.0,
            "{red_area}"
        );
        assert!(rasterise_discs(&[], 0, 5, 1.0).is_empty());
    }

    #[test]
    fn a_road_cut_into_segments_rasterises_as_one_stroke() {
        let mut whole = Scene {
            bands: vec![Vec::new(); BAND_COUNT],
            ..Scene::default()
        };
        let mut cut = whole.clone();
        // Shallow and steep, cut at awkward places, going both ways.
        for (a, b) in [([-17.3, -4.1], [16.9, 7.7]), ([3.3, 13.2], [-2.6, -12.9])] {
            whole.bands[0].push([a[0], a[1], b[0], b[1]]);
            let mut last = a;
            for t in [0.137, 0.5, 0.51, 0.903, 1.0] {
                let p = [a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])];
                cut.bands[0].push([last[0], last[1], p[0], p[1]]);
                last = p;
            }
        }
        let view = Viewport {
            scale: 1.0,
            tx: 20.0,
            ty: 15.0,
        };
        let one = rasterise_roads(&whole, &view, 40, 30, 1.0);
        let many = rasterise_roads(&cut, &view, 40, 30, 1.0);
        let worst = one
            .iter()
            .zip(&many)
            .map(|(a, b)| a.abs_diff(*b))
            .max()
            .unwrap();
        // Rounding each piece's coverage to 1/255 apart, the same image.
        assert!(worst <= 3, "differs by {worst}");
        // A line's coverage across it adds up to its width, whatever its direction.
        let alpha: u32 = one.chunks(4).map(|p| p[3] as u32).sum();
        let length = 34.2_f64.hypot(11.8) + 5.9_f64.hypot(26.1);
        let expected = length * ROAD_WIDTHS_PX.band * 255.0;
        // Less where the two roads cross (covered once, not twice).
        assert!(
            (alpha as f64) < expected && (alpha as f64) > expected * 0.9,
            "{alpha} against {expected}"
        );
    }
}
