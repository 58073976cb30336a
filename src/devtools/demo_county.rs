//! A generated demo county for the policy rules: 青岚县, a fictional border county in the
//! mountains of western Guangxi, made by code so that it looks like a real county and so that
//! every rule of `RULES.md` both fires and passes somewhere in it.
//!
//! [`generate`] returns the four GeoJSON layers (admin units, roads, facilities, settlements)
//! as text in the property vocabulary of `docs/VOCABULARY.md` (Chinese keys and values), the
//! [`RuleCase`]s that say where each rule fires and where it passes (by place name), and a
//! README. The committed demo in `demo/county/` is `generate(SEED)`; `tests/demo_county.rs`
//! checks that it still is.
//!
//! How it is made:
//! - Units: the county is a union of cells of one jittered hexagonal lattice (cells 0.65 km
//!   across). Townships are noisy Voronoi regions of their seats around a county town of three
//!   sub-districts; villages and communities are noisy Voronoi regions inside their township or
//!   sub-district; every partition is repaired until each unit is connected and has no hole.
//!   Rings are traced along lattice edges, so neighbours share exact vertices, rings are simple
//!   (three cells meet at every lattice vertex, so no ring can touch itself) and outer rings run
//!   counter-clockwise.
//! - Roads: a national road through the county town, provincial and county roads between
//!   township seats, an expressway with one interchange, township roads to every village
//!   committee and village roads to every settlement (footpaths in some mountain villages).
//!   Roads that cross share a vertex there (a junction), except the expressway and its ramps.
//! - Lengths are kilometres on a local plane; the output is WGS84 degrees rounded to 1e-6°
//!   (about 0.1 m). The arithmetic is plain IEEE (its own PRNG and its own sine, no platform
//!   maths library), so the text is byte-identical on every platform.
//!
//! Everything in it is invented: names, the code 451099 (not a real county), populations and
//! facilities.

use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::ops::{Add, Mul, Sub};

/// The seed of the committed demo in `demo/county/`.
pub const SEED: u64 = 2025;

/// The names of the four GeoJSON files, in the order of [`DemoCounty::files`].
pub const FILE_NAMES: [&str; 4] = [
    "admin.geojson",
    "roads.geojson",
    "facilities.geojson",
    "settlements.geojson",
];

/// A generated county: four GeoJSON FeatureCollections as text, where each rule fires and
/// passes, and the README that says so.
#[derive(Clone, Debug, PartialEq)]
pub struct DemoCounty {
    /// Admin units: the county, its towns, townships and sub-districts, then its villages and
    /// communities (Polygons with `名称`, `级别`, `区划代码`, `人口` and the special-area flags).
    pub admin: String,
    /// Roads (LineStrings with OSM `highway`, `name`, some `oneway` and `maxspeed`).
    pub roads: String,
    /// Facilities (Points with `名称`, `类型`, `所属区划代码` and, for hospitals, `等级`,
    /// `所有制`, `牵头医院`, `中心`).
    pub facilities: String,
    /// Settlements (Points with `名称`, `人口`, `所属区划代码`).
    pub settlements: String,
    /// For each rule of `RULES.md`, in catalog order, where it fires and where it passes.
    pub cases: Vec<RuleCase>,
    /// Names of the places the travel-time cases rely on.
    pub landmarks: Landmarks,
    /// `demo/county/README.md`: what the county holds, the rule table, how it is made.
    pub readme: String,
}

/// Where one rule fires and where it passes in the generated county.
#[derive(Clone, Debug, PartialEq)]
pub struct RuleCase {
    /// The rule id of `RULES.md`, e.g. `village.clinic`.
    pub rule: &'static str,
    /// Where it fires (place names and why), in Chinese place names with English notes.
    pub fires: String,
    /// Where it passes.
    pub passes: String,
}

/// Names of the places whose travel times make a rule fire or pass; `tests/demo_county.rs`
/// measures them.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Landmarks {
    /// The lead hospital of the county medical community (县人民医院).
    pub lead_hospital: String,
    /// Settlements more than a kilometre from any road, in a mountain border village that has
    /// no medical service point: beyond 15 minutes even by car.
    pub remote_hamlets: Vec<String>,
    /// The small village without a clinic that shares its neighbour's clinic.
    pub small_village: String,
    /// The settlements of that small village.
    pub small_village_settlements: Vec<String>,
    /// The neighbour's clinic it shares (within 15 minutes on foot).
    pub shared_clinic: String,
    /// The community beyond 15 minutes on foot from its community health service center, with
    /// no station.
    pub far_community: String,
    /// The settlements of that community.
    pub far_community_settlements: Vec<String>,
    /// Its sub-district's community health service center.
    pub far_community_center: String,
    /// Every township health center (general, central, and the unmarked one of a dissolved
    /// township), for the referral times to the lead hospital.
    pub township_centers: Vec<String>,
    /// The township health center nearest to the lead hospital by design.
    pub near_center: String,
    /// The township health center farthest from the lead hospital by design.
    pub far_center: String,
    /// The settlements of every sub-district (the county town), all within 15 minutes by car.
    pub county_town_settlements: Vec<String>,
}

impl DemoCounty {
    /// The four layers as `(file name, text)`, in the order of [`FILE_NAMES`].
    pub fn files(&self) -> [(&'static str, &str); 4] {
        [
            (FILE_NAMES[0], self.admin.as_str()),
            (FILE_NAMES[1], self.roads.as_str()),
            (FILE_NAMES[2], self.facilities.as_str()),
            (FILE_NAMES[3], self.settlements.as_str()),
        ]
    }

    /// Writes the four GeoJSON files and `README.md` into `dir` (created when missing).
    #[cfg(not(target_arch = "wasm32"))]
    pub fn write_to(&self, dir: &std::path::Path) -> std::io::Result<()> {
        std::fs::create_dir_all(dir)?;
        for (name, text) in self.files() {
            std::fs::write(dir.join(name), text)?;
        }
        std::fs::write(dir.join("README.md"), &self.readme)
    }
}

/// Generates the county of `seed`. The same seed gives the same text; [`SEED`] is the
/// committed demo. Which unit breaks which rule is fixed by the code; the seed moves the
/// boundaries, roads and settlements and picks the village and settlement names.
///
/// # Examples
/// ```
/// let county = medreach::devtools::demo_county::generate(medreach::devtools::demo_county::SEED);
/// let mut data = medreach::engine::dataset::Dataset::default();
/// for (name, text) in county.files() {
///     assert!(data.load(name, text).unwrap().layers.skipped.is_empty());
/// }
/// assert_eq!(county.cases.len(), 14);
/// ```
pub fn generate(seed: u64) -> DemoCounty {
    let mut b = Builder::new(seed);
    b.partition();
    b.mark_special_areas();
    b.choose_centres();
    b.settle();
    b.build_roads();
    b.place_remote_hamlets();
    b.place_facilities();
    insert_junctions(&mut b.roads);
    b.finish()
}

// ---------------------------------------------------------------------------------------------
// Randomness and arithmetic that give the same bits everywhere

/// SplitMix64's output function.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// SplitMix64, one independent stream per (seed, tag, index), so that a change in one part of
/// the county does not reshuffle the others.
#[derive(Clone, Debug)]
struct Rng(u64);

impl Rng {
    fn stream(seed: u64, tag: u64, index: u64) -> Rng {
        Rng(mix(mix(seed ^ mix(tag.wrapping_add(0x5EED))) ^ index))
    }
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix(self.0)
    }
    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }
    fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
    fn int(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next_u64() % (hi - lo + 1)
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// Stream tags.
const T_LATTICE: u64 = 1;
const T_BLOB: u64 = 2;
const T_SPLIT: u64 = 3;
const T_NAMES: u64 = 4;
const T_SETTLE: u64 = 5;
const T_ROAD: u64 = 6;

const PI: f64 = std::f64::consts::PI;

/// Sine by range reduction and a Taylor polynomial (error below 1e-11): plain IEEE arithmetic,
/// so every platform gets the same bits.
fn dsin(x: f64) -> f64 {
    let tau = 2.0 * PI;
    let mut r = x - tau * (x / tau).round();
    if r > PI / 2.0 {
        r = PI - r;
    } else if r < -PI / 2.0 {
        r = -PI - r;
    }
    let r2 = r * r;
    let (mut term, mut sum) = (r, r);
    for k in 1..9 {
        term *= -r2 / ((2 * k) as f64 * (2 * k + 1) as f64);
        sum += term;
    }
    sum
}

// ---------------------------------------------------------------------------------------------
// Plane geometry in kilometres

/// A point on the local plane, in km east and north of the frame's south-west corner.
#[derive(Clone, Copy, Debug, PartialEq)]
struct P {
    x: f64,
    y: f64,
}

const fn p(x: f64, y: f64) -> P {
    P { x, y }
}

impl Add for P {
    type Output = P;
    fn add(self, o: P) -> P {
        p(self.x + o.x, self.y + o.y)
    }
}

impl Sub for P {
    type Output = P;
    fn sub(self, o: P) -> P {
        p(self.x - o.x, self.y - o.y)
    }
}

impl Mul<f64> for P {
    type Output = P;
    fn mul(self, k: f64) -> P {
        p(self.x * k, self.y * k)
    }
}

impl P {
    fn len(self) -> f64 {
        (self.x * self.x + self.y * self.y).sqrt()
    }
    fn dist(self, o: P) -> f64 {
        (self - o).len()
    }
    fn unit(self) -> P {
        let l = self.len();
        if l > 0.0 {
            self * (1.0 / l)
        } else {
            p(1.0, 0.0)
        }
    }
    fn cross(self, o: P) -> f64 {
        self.x * o.y - self.y * o.x
    }
    fn dot(self, o: P) -> f64 {
        self.x * o.x + self.y * o.y
    }
}

/// Distance from `q` to the segment `a`–`b`.
fn segment_distance(q: P, a: P, b: P) -> f64 {
    let ab = b - a;
    let l2 = ab.dot(ab);
    let t = if l2 > 0.0 {
        ((q - a).dot(ab) / l2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    q.dist(a + ab * t)
}

/// Distance from `q` to a polyline.
fn polyline_distance(q: P, line: &[P]) -> f64 {
    line.windows(2)
        .map(|w| segment_distance(q, w[0], w[1]))
        .fold(f64::INFINITY, f64::min)
}

/// The frame's south-west corner and scale: around 105.8° E, 23.3° N.
const LON0: f64 = 105.55;
const LAT0: f64 = 23.05;
/// 111.32 km × cos 23.28°.
const KM_PER_DEG_LON: f64 = 102.25;
const KM_PER_DEG_LAT: f64 = 110.76;

fn round6(v: f64) -> f64 {
    (v * 1e6).round() / 1e6
}

/// WGS84 longitude and latitude of a plane point, rounded to 1e-6°.
fn lonlat(q: P) -> [f64; 2] {
    [
        round6(LON0 + q.x / KM_PER_DEG_LON),
        round6(LAT0 + q.y / KM_PER_DEG_LAT),
    ]
}

/// The centre of the county's outline.
const O: P = p(25.0, 25.0);
/// The centre of the county town (县城).
const C: P = p(27.0, 30.0);
/// Radius of the county town's core, the part split into sub-districts.
const CORE_KM: f64 = 3.0;

// ---------------------------------------------------------------------------------------------
// The hexagonal lattice

const CELL_W: f64 = 0.65;
const ROW_H: f64 = CELL_W * 0.866_025_403_784_438_6;
/// How far a lattice vertex sits above or below its row line: a regular pointy-top hexagon.
const PEAK: f64 = CELL_W * 0.144_337_567_297_406_4;
const JITTER: f64 = CELL_W * 0.1;
const NX: usize = 86;
const NY: usize = 100;
/// The lattice starts south-west of the frame's corner, so the county never touches its edge.
const LATTICE_ORIGIN: P = p(-4.0, -4.0);

/// A lattice of hexagons as a brick wall: row `j` of cells is shifted by half a cell when `j`
/// is odd, each cell has three vertices on its bottom line and three on its top, and exactly
/// three cells meet at every vertex.
struct Lattice {
    verts: Vec<P>,
}

impl Lattice {
    fn new(seed: u64) -> Lattice {
        let nk = 2 * NX + 2;
        let mut verts = Vec::with_capacity(nk * (NY + 1));
        for j in 0..=NY {
            for k in 0..nk {
                let mut r = Rng::stream(seed, T_LATTICE, (j * nk + k) as u64);
                let peak = if (k + j) % 2 == 0 { PEAK } else { -PEAK };
                verts.push(
                    LATTICE_ORIGIN
                        + p(
                            k as f64 * CELL_W / 2.0 + r.range(-JITTER, JITTER),
                            j as f64 * ROW_H + peak + r.range(-JITTER, JITTER),
                        ),
                );
            }
        }
        Lattice { verts }
    }

    fn count(&self) -> usize {
        NX * NY
    }

    /// The six vertex ids of cell `c`, counter-clockwise from the bottom left.
    fn corners(&self, c: usize) -> [usize; 6] {
        let (i, j) = (c % NX, c / NX);
        let nk = 2 * NX + 2;
        let k0 = 2 * i + (j & 1);
        let v = |k: usize, row: usize| row * nk + k;
        [
            v(k0, j),
            v(k0 + 1, j),
            v(k0 + 2, j),
            v(k0 + 2, j + 1),
            v(k0 + 1, j + 1),
            v(k0, j + 1),
        ]
    }

    fn centre(&self, c: usize) -> P {
        let s = self
            .corners(c)
            .iter()
            .fold(p(0.0, 0.0), |acc, &v| acc + self.verts[v]);
        s * (1.0 / 6.0)
    }

    /// The (up to six) cells sharing an edge with `c`.
    fn neighbours(&self, c: usize) -> impl Iterator<Item = usize> {
        let (i, j) = ((c % NX) as isize, (c / NX) as isize);
        let s = if j % 2 == 0 { -1 } else { 0 };
        let around = [
            (i - 1, j),
            (i + 1, j),
            (i + s, j - 1),
            (i + s + 1, j - 1),
            (i + s, j + 1),
            (i + s + 1, j + 1),
        ];
        around
            .into_iter()
            .filter(|&(a, b)| a >= 0 && b >= 0 && (a as usize) < NX && (b as usize) < NY)
            .map(|(a, b)| b as usize * NX + a as usize)
    }

    fn on_lattice_edge(&self, c: usize) -> bool {
        self.neighbours(c).count() < 6
    }

    /// A point inside cell `c`: in the fan triangle of two adjacent corners, at most `spread`
    /// of the way from the centre to the outline.
    fn point_in(&self, c: usize, rng: &mut Rng, spread: f64) -> P {
        let v = self.corners(c);
        let o = self.centre(c);
        let a = rng.below(6);
        let (mut t, mut u) = (rng.unit(), rng.unit());
        if t + u > 1.0 {
            t = 1.0 - t;
            u = 1.0 - u;
        }
        o + (self.verts[v[a]] - o) * (t * spread) + (self.verts[v[(a + 1) % 6]] - o) * (u * spread)
    }

    /// The cell of `among` whose centre is nearest to `q` (the first on a tie).
    fn nearest(&self, q: P, among: &[usize]) -> usize {
        let mut best = (f64::INFINITY, among[0]);
        for &c in among {
            let d = self.centre(c).dist(q);
            if d < best.0 {
                best = (d, c);
            }
        }
        best.1
    }

    /// The boundary of a connected set of cells as rings of vertex ids, each closed, outer ring
    /// first (counter-clockwise), holes after it (clockwise).
    fn rings(&self, cells: &[usize]) -> Vec<Vec<usize>> {
        let mut count: HashMap<(usize, usize), u32> = HashMap::new();
        for &c in cells {
            let v = self.corners(c);
            for e in 0..6 {
                let (a, b) = (v[e], v[(e + 1) % 6]);
                *count.entry((a.min(b), a.max(b))).or_default() += 1;
            }
        }
        let mut next: BTreeMap<usize, usize> = BTreeMap::new();
        for &c in cells {
            let v = self.corners(c);
            for e in 0..6 {
                let (a, b) = (v[e], v[(e + 1) % 6]);
                if count[&(a.min(b), a.max(b))] == 1 {
                    next.insert(a, b);
                }
            }
        }
        let mut rings = Vec::new();
        while let Some((&start, &first)) = next.iter().next() {
            next.remove(&start);
            let mut ring = vec![start];
            let mut v = first;
            while v != start {
                ring.push(v);
                v = next
                    .remove(&v)
                    .expect("a lattice boundary is a closed chain");
            }
            ring.push(start);
            rings.push(ring);
        }
        let area = |r: &Vec<usize>| -> f64 {
            r.windows(2)
                .map(|w| self.verts[w[0]].cross(self.verts[w[1]]))
                .sum::<f64>()
        };
        rings.sort_by(|a, b| area(b).total_cmp(&area(a)));
        assert!(
            rings.iter().skip(1).all(|r| area(r) < 0.0),
            "a unit is in more than one piece"
        );
        rings
    }
}

// ---------------------------------------------------------------------------------------------
// Partitions: noisy Voronoi regions, repaired until connected and without holes

/// A smooth noise field in [-1, 1]: three plane waves.
#[derive(Clone, Debug)]
struct Noise {
    waves: [(P, f64, f64); 3],
}

impl Noise {
    fn new(rng: &mut Rng, wavelength_km: f64) -> Noise {
        let mut waves = [(p(0.0, 0.0), 0.0, 0.0); 3];
        for (w, amp) in waves.iter_mut().zip([0.5, 0.3, 0.2]) {
            let dir = loop {
                let d = p(rng.range(-1.0, 1.0), rng.range(-1.0, 1.0));
                if d.len() > 0.2 && d.len() <= 1.0 {
                    break d.unit();
                }
            };
            let k = 2.0 * PI / (wavelength_km * rng.range(0.7, 1.4));
            *w = (dir * k, rng.range(0.0, 2.0 * PI), amp);
        }
        Noise { waves }
    }

    fn at(&self, q: P) -> f64 {
        self.waves
            .iter()
            .map(|(k, phase, amp)| amp * dsin(k.dot(q) + phase))
            .sum()
    }
}

/// A Voronoi site: its position, a weight (a larger weight, a smaller region) and its own
/// noise, which bends its boundaries.
struct Site {
    at: P,
    weight: f64,
    noise: Noise,
}

fn nearest_site(sites: &[Site], q: P, wobble: f64) -> usize {
    let mut best = (f64::INFINITY, 0);
    for (k, s) in sites.iter().enumerate() {
        let d = q.dist(s.at) * s.weight * (1.0 + wobble * s.noise.at(q));
        if d < best.0 {
            best = (d, k);
        }
    }
    best.1
}

/// Cells of `domain` spread out from `first`: each next one is the cell farthest from those
/// chosen (plus a little noise).
fn spread_cells(lat: &Lattice, domain: &[usize], first: usize, n: usize, rng: &mut Rng) -> Vec<P> {
    let mut chosen = vec![lat.centre(first)];
    while chosen.len() < n {
        let mut best = (f64::NEG_INFINITY, first);
        for &c in domain {
            let q = lat.centre(c);
            let d = chosen
                .iter()
                .map(|s| s.dist(q))
                .fold(f64::INFINITY, f64::min);
            let score = d + rng.unit() * 0.3;
            if score > best.0 {
                best = (score, c);
            }
        }
        chosen.push(lat.centre(best.1));
    }
    chosen
}

/// Splits `domain` (connected, without holes) among `sites`: noisy Voronoi, `lloyd` rounds of
/// moving the sites after the first `fixed` to their region's middle, then repair. Returns the
/// label of every lattice cell (-1 outside the domain) and each site's anchor cell.
fn split(
    lat: &Lattice,
    domain: &[usize],
    sites: &mut [Site],
    fixed: usize,
    lloyd: usize,
    wobble: f64,
) -> (Vec<i32>, Vec<usize>) {
    let mut lab = vec![-1i32; lat.count()];
    for round in 0..=lloyd {
        for &c in domain {
            lab[c] = nearest_site(sites, lat.centre(c), wobble) as i32;
        }
        if round == lloyd {
            break;
        }
        for (k, site) in sites.iter_mut().enumerate().skip(fixed) {
            let mine: Vec<usize> = domain
                .iter()
                .copied()
                .filter(|&c| lab[c] == k as i32)
                .collect();
            if mine.is_empty() {
                continue;
            }
            let mean = mine.iter().fold(p(0.0, 0.0), |a, &c| a + lat.centre(c))
                * (1.0 / mine.len() as f64);
            site.at = lat.centre(lat.nearest(mean, &mine));
        }
    }
    let mut anchors: Vec<usize> = Vec::with_capacity(sites.len());
    for (k, site) in sites.iter().enumerate() {
        let free: Vec<usize> = domain
            .iter()
            .copied()
            .filter(|c| !anchors.contains(c))
            .collect();
        let mine: Vec<usize> = free
            .iter()
            .copied()
            .filter(|&c| lab[c] == k as i32)
            .collect();
        let anchor = lat.nearest(site.at, if mine.is_empty() { &free } else { &mine });
        lab[anchor] = k as i32;
        anchors.push(anchor);
    }
    repair(lat, &mut lab, domain, &anchors);
    (lab, anchors)
}

/// Makes every label of `domain` one connected piece around its anchor with no hole.
fn repair(lat: &Lattice, lab: &mut [i32], domain: &[usize], anchors: &[usize]) {
    for _ in 0..200 {
        if !merge_fragments(lat, lab, domain, anchors) && !open_holes(lat, lab, domain, anchors) {
            return;
        }
    }
    panic!("demo county: a partition did not settle");
}

/// The connected piece of label `l` that contains `start`.
fn component(lat: &Lattice, lab: &[i32], start: usize, seen: &mut [bool]) -> Vec<usize> {
    let l = lab[start];
    let mut piece = vec![start];
    seen[start] = true;
    let mut at = 0;
    while at < piece.len() {
        let c = piece[at];
        at += 1;
        for n in lat.neighbours(c) {
            if !seen[n] && lab[n] == l {
                seen[n] = true;
                piece.push(n);
            }
        }
    }
    piece
}

/// Gives every piece of a label that does not hold its anchor to the neighbouring label it
/// shares most edges with. True when something changed.
fn merge_fragments(lat: &Lattice, lab: &mut [i32], domain: &[usize], anchors: &[usize]) -> bool {
    let mut changed = false;
    let mut seen = vec![false; lat.count()];
    for &a in anchors {
        component(lat, lab, a, &mut seen);
    }
    for &c in domain {
        if seen[c] || lab[c] < 0 {
            continue;
        }
        let piece = component(lat, lab, c, &mut seen);
        let l = lab[c];
        let mut votes: BTreeMap<i32, usize> = BTreeMap::new();
        for &q in &piece {
            for n in lat.neighbours(q) {
                if lab[n] >= 0 && lab[n] != l {
                    *votes.entry(lab[n]).or_default() += 1;
                }
            }
        }
        if let Some((&to, _)) = votes.iter().max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0))) {
            for &q in &piece {
                lab[q] = to;
            }
            changed = true;
        }
    }
    changed
}

/// Where a label encloses other cells of the domain, gives a corridor of its cells (never its
/// anchor) to the enclosed label so that it reaches out. True when something changed.
fn open_holes(lat: &Lattice, lab: &mut [i32], domain: &[usize], anchors: &[usize]) -> bool {
    let in_domain = |c: usize, lab: &[i32]| lab[c] >= 0;
    for (l, &anchor) in anchors.iter().enumerate() {
        let l = l as i32;
        // Flood the rest of the domain from its cells on the domain's outline.
        let mut outside = vec![false; lat.count()];
        let mut queue: VecDeque<usize> = VecDeque::new();
        for &c in domain {
            if lab[c] != l
                && (lat.on_lattice_edge(c) || lat.neighbours(c).any(|n| !in_domain(n, lab)))
            {
                outside[c] = true;
                queue.push_back(c);
            }
        }
        while let Some(c) = queue.pop_front() {
            for n in lat.neighbours(c) {
                if in_domain(n, lab) && lab[n] != l && !outside[n] {
                    outside[n] = true;
                    queue.push_back(n);
                }
            }
        }
        let enclosed: Vec<usize> = domain
            .iter()
            .copied()
            .filter(|&c| lab[c] != l && !outside[c])
            .collect();
        let Some(&hole) = enclosed.first() else {
            continue;
        };
        let to = lab[hole];
        // Breadth-first through label l from the hole's rim to a cell that touches the outside.
        let mut from = vec![usize::MAX; lat.count()];
        let mut queue: VecDeque<usize> = VecDeque::new();
        for n in lat.neighbours(hole) {
            if lab[n] == l && n != anchor && from[n] == usize::MAX {
                from[n] = n;
                queue.push_back(n);
            }
        }
        let mut exit = None;
        while let Some(c) = queue.pop_front() {
            if lat.on_lattice_edge(c) || lat.neighbours(c).any(|n| outside[n] || !in_domain(n, lab))
            {
                exit = Some(c);
                break;
            }
            for n in lat.neighbours(c) {
                if lab[n] == l && n != anchor && from[n] == usize::MAX {
                    from[n] = c;
                    queue.push_back(n);
                }
            }
        }
        let mut c = exit.expect("demo county: an enclosed unit cannot be opened");
        loop {
            lab[c] = to;
            if from[c] == c {
                break;
            }
            c = from[c];
        }
        return true;
    }
    false
}

// ---------------------------------------------------------------------------------------------
// The county's plan: which unit is where and which rule it breaks

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Level {
    County,
    Town,
    Township,
    Subdistrict,
    Village,
    Community,
}

impl Level {
    fn zh(self) -> &'static str {
        match self {
            Level::County => "县",
            Level::Town => "镇",
            Level::Township => "乡",
            Level::Subdistrict => "街道",
            Level::Village => "行政村",
            Level::Community => "社区",
        }
    }
}

/// Special-area flags of a village (`docs/VOCABULARY.md`).
#[derive(Clone, Copy, Debug, Default)]
struct Flags {
    mountain: bool,
    border: bool,
    ethnic: bool,
    remote: bool,
    reservoir: bool,
    relocated: bool,
}

impl Flags {
    fn named(&self) -> Vec<&'static str> {
        [
            (self.mountain, "山区"),
            (self.border, "边境"),
            (self.ethnic, "民族"),
            (self.remote, "偏远"),
            (self.reservoir, "库区"),
            (self.relocated, "搬迁"),
        ]
        .into_iter()
        .filter_map(|(on, name)| on.then_some(name))
        .collect()
    }
    fn any(&self) -> bool {
        !self.named().is_empty()
    }
}

struct TownshipSpec {
    name: &'static str,
    level: Level,
    /// Digits 7–9 of the code.
    code: u32,
    seat: P,
    villages: usize,
    weight: f64,
    hilly: bool,
}

const fn town(
    name: &'static str,
    code: u32,
    seat: P,
    villages: usize,
    weight: f64,
) -> TownshipSpec {
    TownshipSpec {
        name,
        level: if code < 200 {
            Level::Town
        } else {
            Level::Township
        },
        code,
        seat,
        villages,
        weight,
        hilly: false,
    }
}

const fn hilly(t: TownshipSpec) -> TownshipSpec {
    TownshipSpec { hilly: true, ..t }
}

/// The twelve towns and townships, by index.
const LONGQIAO: usize = 0; // part of the county town; its central center does not count
const PINGMENG: usize = 1; // central center, far, large; mountains
const DELONG: usize = 2; // central center; its seat village has no clinic; old people's home 1 km off
const POHE: usize = 3; // no township health center; reservoir villages
const BAIHE: usize = 4; // two township health centers
const DINGYE: usize = 5; // absorbed 那桑乡; a large village without a clinic
const XINXU: usize = 6; // absorbed 果乐乡; its seat village has no clinic
const GAOFENG: usize = 7; // a branch; a village with two clinics
const DONGXING: usize = 8; // a small village sharing its neighbour's clinic
const NASANG: usize = 9; // dissolved into 定业镇, old center now a branch
const GUOLE: usize = 10; // dissolved into 新圩镇, old center still a township health center
const BANYAN: usize = 11; // ethnic border township; the remote village with nothing

const TOWNSHIPS: [TownshipSpec; 12] = [
    town("龙桥镇", 100, p(32.5, 32.0), 5, 1.25),
    hilly(town("平孟镇", 101, p(11.5, 16.0), 9, 0.9)),
    town("德隆镇", 102, p(39.5, 21.0), 9, 0.9),
    town("坡荷镇", 103, p(14.0, 35.5), 7, 1.0),
    town("百合镇", 104, p(34.0, 39.0), 7, 1.0),
    town("定业镇", 105, p(16.0, 24.5), 7, 1.0),
    town("新圩镇", 106, p(25.5, 18.5), 7, 1.0),
    town("高峰镇", 107, p(23.5, 40.5), 7, 1.0),
    town("东兴镇", 108, p(40.5, 31.5), 6, 1.0),
    hilly(town("那桑乡", 200, p(8.5, 26.0), 5, 1.1)),
    hilly(town("果乐乡", 201, p(33.5, 12.0), 5, 1.1)),
    hilly(town("板岩瑶族乡", 202, p(17.5, 10.5), 6, 1.0)),
];

/// Dissolved townships and the township each was merged into.
const MERGED: [(usize, usize); 2] = [(NASANG, DINGYE), (GUOLE, XINXU)];

struct SubdistrictSpec {
    name: &'static str,
    code: u32,
    /// The office, relative to the county town's centre.
    office: P,
    communities: usize,
    weight: f64,
    /// Residents per community.
    population: (u64, u64),
}

/// 城中街道: over 100,000 residents, the lead hospital, a far community without a station.
/// 新城街道: a center with an old people's home beside it. 双江街道: no center, a government-run
/// first-level hospital.
const SUBDISTRICTS: [SubdistrictSpec; 3] = [
    SubdistrictSpec {
        name: "城中街道",
        code: 1,
        office: p(0.6, 0.9),
        communities: 5,
        weight: 0.8,
        population: (20_000, 24_000),
    },
    SubdistrictSpec {
        name: "新城街道",
        code: 2,
        office: p(-1.0, 0.2),
        communities: 4,
        weight: 1.0,
        population: (12_000, 18_000),
    },
    SubdistrictSpec {
        name: "双江街道",
        code: 3,
        office: p(0.3, -1.1),
        communities: 3,
        weight: 1.1,
        population: (10_000, 16_000),
    },
];
const CHENGZHONG: usize = 0;
const XINCHENG: usize = 1;
const SHUANGJIANG: usize = 2;

const COUNTY_NAME: &str = "青岚县";
const COUNTY_CODE: &str = "451099";
/// Where the reservoir (库区) lies, in 坡荷镇.
const RESERVOIR: P = p(10.0, 38.0);

const VILLAGE_FIRST: &[&str] = &[
    "上", "下", "东", "西", "南", "北", "新", "中", "大", "小", "龙", "平", "那", "弄", "百", "坡",
    "岩", "石", "清", "六", "三", "和", "福", "安", "永", "兴", "长", "马", "凤", "金", "桂", "枫",
    "念", "者", "巴", "渠", "德", "岜", "陇", "伏",
];
const VILLAGE_SECOND: &[&str] = &[
    "屯", "坪", "岭", "坡", "合", "安", "平", "兴", "和", "丰", "江", "洞", "林", "山", "河", "田",
    "塘", "桥", "湾", "峰", "寨", "坝", "隆", "良", "利", "荣", "华", "孟", "旺", "桑", "怀", "荷",
    "吉", "意", "立", "宁", "明", "泉", "坤", "仁",
];
const SURNAMES: &[&str] = &[
    "张", "李", "王", "黄", "韦", "陆", "农", "梁", "罗", "覃", "蒙", "莫", "卢", "赵", "刘", "陈",
    "杨", "周", "吴", "邓", "苏", "何", "潘", "马", "谢", "滕", "凌", "廖", "曾", "岑",
];
const HAN_SUFFIXES: &[&str] = &[
    "湾", "坝", "寨", "屯", "坡", "坳", "沟", "岭", "垭", "坪", "冲", "塘", "田", "庄", "院子",
    "岩", "嘴", "弄",
];
const ZHUANG_FIRST: &[&str] = &[
    "那", "板", "弄", "百", "念", "者", "巴", "岜", "坡", "六", "陇", "伏", "布", "达", "渠",
];
const ZHUANG_SECOND: &[&str] = &[
    "利", "怀", "干", "孟", "旺", "合", "桑", "洪", "腊", "亮", "荷", "坎", "吉", "凡", "味", "劳",
    "爱", "端", "楼", "乐", "哈", "仑", "迷", "贯",
];
const COMMUNITY_NAMES: &[&str] = &[
    "城南", "城北", "城东", "城西", "南门", "北门", "桂花", "解放", "新华", "江滨", "文昌", "龙泉",
    "和平", "育才", "朝阳", "民主", "东风", "鹅泉", "龙潭", "凤凰",
];
const COMPOUND_FIRST: &[&str] = &[
    "阳光", "锦绣", "金桂", "碧水", "龙城", "滨江", "翠湖", "书香", "幸福", "康乐", "福临", "华庭",
    "嘉和", "盛世", "明珠", "丽景", "兴隆", "东方", "富民", "安居", "怡景", "青岚", "鹅城", "南山",
    "北城", "桂园", "枫林", "学府", "江山", "红枫",
];
const COMPOUND_SECOND: &[&str] = &["小区", "花园", "苑", "家园", "新村", "名城", "雅居"];
const STREETS: &[&str] = &[
    "解放路",
    "中山路",
    "新华路",
    "建设路",
    "民族路",
    "朝阳路",
    "滨江路",
    "文化路",
    "公园路",
    "龙泉路",
    "友谊路",
    "团结路",
    "育才路",
    "城西路",
    "城东路",
    "南环路",
    "北环路",
    "兴业路",
    "德政路",
    "桂花路",
    "迎宾路",
    "教育路",
    "商贸路",
    "鹅泉路",
    "东风路",
    "胜利路",
    "和平路",
    "沿河路",
    "环城路",
    "工业路",
    "金桂路",
    "文体路",
    "江北路",
    "江南路",
    "滨河路",
    "新民路",
    "富民路",
    "平安路",
    "长安路",
    "振兴路",
    "青岚路",
    "双江路",
    "城中路",
];

/// The base of a township's name: 平孟镇 → 平孟, 板岩瑶族乡 → 板岩.
fn base_name(name: &str) -> &str {
    for suffix in ["瑶族乡", "街道", "镇", "乡", "村", "社区"] {
        if let Some(b) = name.strip_suffix(suffix) {
            return b;
        }
    }
    name
}

/// One admin unit.
struct Unit {
    name: String,
    code: String,
    level: Level,
    parent: Option<usize>,
    children: Vec<usize>,
    cells: Vec<usize>,
    /// The seat, office or village committee: a node of the road network, a cell's centre.
    centre_cell: usize,
    flags: Flags,
    county_town: bool,
    merged_into: Option<String>,
    population: u64,
}

impl Unit {
    fn mean(&self, lat: &Lattice) -> P {
        self.cells
            .iter()
            .fold(p(0.0, 0.0), |a, &c| a + lat.centre(c))
            * (1.0 / self.cells.len() as f64)
    }
}

struct SettlementPt {
    name: String,
    population: u64,
    at: P,
    cell: usize,
    /// Far from every road, on purpose.
    remote: bool,
}

struct FacilityPt {
    name: String,
    kind: &'static str,
    at: P,
    cell: usize,
    extra: Vec<(&'static str, Value)>,
}

/// A road: one LineString feature.
struct RoadLine {
    class: &'static str,
    name: Option<String>,
    oneway: Option<&'static str>,
    maxspeed: Option<&'static str>,
    pts: Vec<P>,
    /// False for the expressway and its ramps, which cross other roads on bridges.
    at_grade: bool,
}

/// How a road bends: its largest sideways offset as a share of its length, and how many
/// half-waves it may have.
#[derive(Clone, Copy)]
struct Style {
    amp: f64,
    harmonics: usize,
}

const URBAN: Style = Style {
    amp: 0.03,
    harmonics: 2,
};
const FLAT: Style = Style {
    amp: 0.07,
    harmonics: 3,
};
const HILLY: Style = Style {
    amp: 0.14,
    harmonics: 5,
};
const MOUNTAIN_ROAD: Style = Style {
    amp: 0.16,
    harmonics: 10,
};

/// The places that carry the designed cases, as unit, settlement and facility indices.
#[derive(Default)]
struct Marks {
    county: usize,
    townships: Vec<usize>,
    subdistricts: Vec<usize>,
    c_cell: usize,
    /// Mountain border village with no clinic and no service point; has the remote hamlets.
    v_remote: usize,
    /// Small village without a clinic and the neighbour whose clinic it shares.
    v_small: usize,
    v_neighbour: usize,
    /// Large ordinary village without a clinic.
    v_large: usize,
    /// Relocated village served by a medical service point.
    v_relocated: usize,
    /// Reservoir village served by a fixed mobile station.
    v_reservoir: usize,
    /// Mountain village served by a mobile medical station.
    v_mobile: usize,
    /// Village with two clinics.
    v_duplicate: usize,
    /// 百合镇's village with its second township health center.
    v_second_center: usize,
    /// 高峰镇's village with the branch.
    v_branch: usize,
    /// 城中街道's community beyond 15 minutes on foot from its center.
    c_far: usize,
    remote_hamlets: Vec<usize>,
}

struct Builder {
    seed: u64,
    lat: Lattice,
    in_county: Vec<bool>,
    units: Vec<Unit>,
    /// The village or community of every cell.
    leaf: Vec<Option<usize>>,
    settlements: Vec<SettlementPt>,
    facilities: Vec<FacilityPt>,
    roads: Vec<RoadLine>,
    used_names: HashSet<String>,
    names: Rng,
    motorway: Vec<P>,
    marks: Marks,
}

impl Builder {
    fn new(seed: u64) -> Builder {
        Builder {
            seed,
            lat: Lattice::new(seed),
            in_county: Vec::new(),
            units: Vec::new(),
            leaf: Vec::new(),
            settlements: Vec::new(),
            facilities: Vec::new(),
            roads: Vec::new(),
            used_names: TOWNSHIPS
                .iter()
                .map(|t| base_name(t.name).to_string())
                .collect(),
            names: Rng::stream(seed, T_NAMES, 0),
            motorway: Vec::new(),
            marks: Marks::default(),
        }
    }

    /// A name made by `make` that no other place has.
    fn fresh(&mut self, make: impl Fn(&mut Rng) -> String) -> String {
        for attempt in 0.. {
            let mut name = make(&mut self.names);
            if attempt > 40 {
                name = format!("{}{}", ["上", "下", "新", "老"][attempt % 4], name);
            }
            if self.used_names.insert(name.clone()) {
                return name;
            }
        }
        unreachable!()
    }

    fn village_name(&mut self) -> String {
        self.fresh(|r| {
            let (a, b) = (r.pick(VILLAGE_FIRST), r.pick(VILLAGE_SECOND));
            if a == b {
                format!("{a}家村")
            } else {
                format!("{a}{b}村")
            }
        })
    }

    fn hamlet_name(&mut self, zhuang_share: f64) -> String {
        self.fresh(move |r| {
            if r.unit() < zhuang_share {
                format!("{}{}屯", r.pick(ZHUANG_FIRST), r.pick(ZHUANG_SECOND))
            } else {
                format!("{}家{}", r.pick(SURNAMES), r.pick(HAN_SUFFIXES))
            }
        })
    }

    fn compound_name(&mut self) -> String {
        self.fresh(|r| format!("{}{}", r.pick(COMPOUND_FIRST), r.pick(COMPOUND_SECOND)))
    }

    fn add_unit(&mut self, unit: Unit) -> usize {
        let id = self.units.len();
        if let Some(parent) = unit.parent {
            self.units[parent].children.push(id);
        }
        self.units.push(unit);
        id
    }

    fn blob_radius(&self, dir: P) -> f64 {
        let mut r = Rng::stream(self.seed, T_BLOB, 0);
        let harmonics: Vec<(usize, f64, P)> = [(2, 1.6), (3, 1.1), (4, 0.6), (6, 0.4)]
            .into_iter()
            .map(|(k, amp)| {
                let phase = p(r.range(-1.0, 1.0), r.range(-1.0, 1.0)).unit();
                (k, amp, phase)
            })
            .collect();
        let u = dir.unit();
        let mut radius = 22.0;
        let (mut zr, mut zi) = (1.0, 0.0);
        for k in 1..=6 {
            (zr, zi) = (zr * u.x - zi * u.y, zr * u.y + zi * u.x);
            for &(hk, amp, phase) in &harmonics {
                if hk == k {
                    // sin(kθ + φ) with cos φ = phase.x, sin φ = phase.y.
                    radius += amp * (zi * phase.x + zr * phase.y);
                }
            }
        }
        // A soft floor keeps every township seat well inside.
        if radius < 20.0 {
            radius = 20.0 - (20.0 - radius) * 0.3;
        }
        radius
    }

    /// A point `extra_km` outside the county's outline, in the direction of `towards` from O.
    fn beyond_outline(&self, towards: P, extra_km: f64) -> P {
        let dir = (towards - O).unit();
        O + dir * (self.blob_radius(dir) + extra_km)
    }

    // -----------------------------------------------------------------------------------------
    // Units

    fn partition(&mut self) {
        let n = self.lat.count();
        // The county: a wobbly disc, one piece, no holes.
        let mut inside: Vec<bool> = (0..n)
            .map(|c| {
                let q = self.lat.centre(c);
                q.dist(O) < self.blob_radius(q - O)
            })
            .collect();
        let o_cell = self.lat.nearest(O, &(0..n).collect::<Vec<_>>());
        let lab: Vec<i32> = inside.iter().map(|&i| if i { 0 } else { -1 }).collect();
        let mut seen = vec![false; n];
        let piece = component(&self.lat, &lab, o_cell, &mut seen);
        inside = vec![false; n];
        for c in piece {
            inside[c] = true;
        }
        let mut outside = vec![false; n];
        let mut queue: VecDeque<usize> = (0..n)
            .filter(|&c| !inside[c] && self.lat.on_lattice_edge(c))
            .collect();
        for &c in &queue {
            outside[c] = true;
        }
        while let Some(c) = queue.pop_front() {
            for m in self.lat.neighbours(c) {
                if !inside[m] && !outside[m] {
                    outside[m] = true;
                    queue.push_back(m);
                }
            }
        }
        for c in 0..n {
            inside[c] = !outside[c];
        }
        let county_cells: Vec<usize> = (0..n).filter(|&c| inside[c]).collect();
        self.in_county = inside;
        self.marks.c_cell = self.lat.nearest(C, &county_cells);
        let county = self.add_unit(Unit {
            name: COUNTY_NAME.into(),
            code: format!("{COUNTY_CODE}000000"),
            level: Level::County,
            parent: None,
            children: Vec::new(),
            cells: county_cells.clone(),
            centre_cell: self.marks.c_cell,
            flags: Flags::default(),
            county_town: false,
            merged_into: None,
            population: 0,
        });
        self.marks.county = county;
        self.motorway = self.motorway_line();
        self.split_townships(&county_cells);
        self.split_villages();
        self.leaf = vec![None; n];
        for (u, unit) in self.units.iter().enumerate() {
            if matches!(unit.level, Level::Village | Level::Community) {
                for &c in &unit.cells {
                    self.leaf[c] = Some(u);
                }
            }
        }
    }

    /// Twelve towns and townships around a county-town core of three sub-districts.
    fn split_townships(&mut self, county_cells: &[usize]) {
        let lat = &self.lat;
        let mut rng = Rng::stream(self.seed, T_SPLIT, 0);
        let sites: Vec<Site> = TOWNSHIPS
            .iter()
            .map(|t| Site {
                at: t.seat,
                weight: t.weight,
                noise: Noise::new(&mut rng, 7.0),
            })
            .collect();
        let core = TOWNSHIPS.len() as i32;
        let core_edge = Noise::new(&mut rng, 2.5);
        let mut lab = vec![-1i32; lat.count()];
        for &c in county_cells {
            let q = lat.centre(c);
            lab[c] = if q.dist(C) <= CORE_KM * (1.0 + 0.15 * core_edge.at(q)) {
                core
            } else {
                nearest_site(&sites, q, 0.2) as i32
            };
        }
        let mut anchors: Vec<usize> = TOWNSHIPS
            .iter()
            .map(|t| lat.nearest(t.seat, county_cells))
            .collect();
        anchors.push(self.marks.c_cell);
        for (k, &a) in anchors.iter().enumerate() {
            lab[a] = k as i32;
        }
        repair(lat, &mut lab, county_cells, &anchors);
        let cells_of = |k: usize| -> Vec<usize> {
            county_cells
                .iter()
                .copied()
                .filter(|&c| lab[c] == k as i32)
                .collect()
        };
        let county = self.marks.county;
        let mut township_units = Vec::new();
        for (k, t) in TOWNSHIPS.iter().enumerate() {
            let unit = Unit {
                name: t.name.into(),
                code: format!("{COUNTY_CODE}{:03}000", t.code),
                level: t.level,
                parent: Some(county),
                children: Vec::new(),
                cells: cells_of(k),
                centre_cell: anchors[k],
                flags: Flags {
                    ethnic: k == BANYAN,
                    ..Flags::default()
                },
                county_town: k == LONGQIAO,
                merged_into: None,
                population: 0,
            };
            township_units.push(self.add_unit(unit));
        }
        for (gone, into) in MERGED {
            let code = self.units[township_units[into]].code.clone();
            self.units[township_units[gone]].merged_into = Some(code);
        }
        self.marks.townships = township_units;
        // The core: three sub-districts around their offices.
        let core_cells = cells_of(TOWNSHIPS.len());
        let mut sites: Vec<Site> = SUBDISTRICTS
            .iter()
            .map(|s| Site {
                at: C + s.office,
                weight: s.weight,
                noise: Noise::new(&mut rng, 2.5),
            })
            .collect();
        let (lab, anchors) = split(&self.lat, &core_cells, &mut sites, 3, 0, 0.1);
        for (k, s) in SUBDISTRICTS.iter().enumerate() {
            let cells: Vec<usize> = core_cells
                .iter()
                .copied()
                .filter(|&c| lab[c] == k as i32)
                .collect();
            let unit = Unit {
                name: s.name.into(),
                code: format!("{COUNTY_CODE}{:03}000", s.code),
                level: Level::Subdistrict,
                parent: Some(county),
                children: Vec::new(),
                cells,
                centre_cell: anchors[k],
                flags: Flags::default(),
                county_town: true,
                merged_into: None,
                population: 0,
            };
            let id = self.add_unit(unit);
            self.marks.subdistricts.push(id);
        }
    }

    /// Villages inside every township, communities inside every sub-district.
    fn split_villages(&mut self) {
        let parents: Vec<(usize, usize, bool)> = self
            .marks
            .townships
            .iter()
            .enumerate()
            .map(|(k, &u)| (u, TOWNSHIPS[k].villages, false))
            .chain(
                self.marks
                    .subdistricts
                    .iter()
                    .enumerate()
                    .map(|(k, &u)| (u, SUBDISTRICTS[k].communities, true)),
            )
            .collect();
        for (parent, count, urban) in parents {
            let mut rng = Rng::stream(self.seed, T_SPLIT, 100 + parent as u64);
            let domain = self.units[parent].cells.clone();
            let first = self.units[parent].centre_cell;
            let wavelength = if urban { 1.5 } else { 3.5 };
            let mut sites: Vec<Site> = spread_cells(&self.lat, &domain, first, count, &mut rng)
                .into_iter()
                .map(|at| Site {
                    at,
                    weight: 1.0,
                    noise: Noise::new(&mut rng, wavelength),
                })
                .collect();
            let (lab, anchors) = split(&self.lat, &domain, &mut sites, 1, 3, 0.15);
            let prefix = self.units[parent].code[..9].to_string();
            for (k, &anchor) in anchors.iter().enumerate() {
                let cells: Vec<usize> = domain
                    .iter()
                    .copied()
                    .filter(|&c| lab[c] == k as i32)
                    .collect();
                let (name, level, code) = if urban {
                    let name = self.fresh(|r| format!("{}社区", r.pick(COMMUNITY_NAMES)));
                    (name, Level::Community, format!("{prefix}{:03}", k + 1))
                } else {
                    (
                        self.village_name(),
                        Level::Village,
                        format!("{prefix}{:03}", k + 201),
                    )
                };
                self.add_unit(Unit {
                    name,
                    code,
                    level,
                    parent: Some(parent),
                    children: Vec::new(),
                    cells,
                    centre_cell: anchor,
                    flags: Flags::default(),
                    county_town: false,
                    merged_into: None,
                    population: 0,
                });
            }
        }
    }

    fn villages_of(&self, township: usize) -> Vec<usize> {
        self.units[self.marks.townships[township]].children.clone()
    }

    /// Special-area flags from the lie of the land, and the villages that carry a case.
    fn mark_special_areas(&mut self) {
        let townships = self.marks.townships.clone();
        for (k, &t) in townships.iter().enumerate() {
            for v in self.units[t].children.clone() {
                let mean = self.units[v].mean(&self.lat);
                let border = self.units[v].cells.iter().any(|&c| {
                    self.lat.centre(c).y < O.y - 14.0
                        && (self.lat.on_lattice_edge(c)
                            || self.lat.neighbours(c).any(|n| !self.in_county[n]))
                });
                let mountain = mean.x + mean.y < 36.0 || mean.y < 12.0;
                self.units[v].flags = Flags {
                    mountain,
                    border,
                    ethnic: k == BANYAN || k == GUOLE || (k == PINGMENG && mean.x < 10.5),
                    remote: mountain && mean.dist(C) > 17.0,
                    reservoir: false,
                    relocated: false,
                };
            }
        }
        let non_seat = |b: &Builder, k: usize| -> Vec<usize> {
            b.villages_of(k).into_iter().skip(1).collect()
        };
        let seat_of = |k: usize| TOWNSHIPS[k].seat;
        let by = |b: &Builder, vs: Vec<usize>, key: &dyn Fn(&Builder, usize) -> f64| -> usize {
            let mut best = (f64::NEG_INFINITY, vs[0]);
            for v in vs {
                let s = key(b, v);
                if s > best.0 {
                    best = (s, v);
                }
            }
            best.1
        };
        // 板岩瑶族乡: the border village with the longest border is the remote one.
        let v_remote = by(self, non_seat(self, BANYAN), &|b, v| {
            let u = &b.units[v];
            let border = u
                .cells
                .iter()
                .filter(|&&c| b.lat.neighbours(c).any(|n| !b.in_county[n]))
                .count();
            border as f64 * 10.0 + u.mean(&b.lat).dist(seat_of(BANYAN))
        });
        let f = &mut self.units[v_remote].flags;
        (f.mountain, f.border, f.ethnic, f.remote) = (true, true, true, true);
        // 平孟镇: the smallest village was moved down from the mountain (搬迁).
        let v_relocated = by(self, non_seat(self, PINGMENG), &|b, v| {
            -(b.units[v].cells.len() as f64)
        });
        let f = &mut self.units[v_relocated].flags;
        (f.mountain, f.relocated) = (true, true);
        // 坡荷镇: the two villages nearest the reservoir.
        let mut near_reservoir = non_seat(self, POHE);
        near_reservoir.sort_by(|&a, &b| {
            let d = |v: usize| self.units[v].mean(&self.lat).dist(RESERVOIR);
            d(a).total_cmp(&d(b))
        });
        for &v in &near_reservoir[..2] {
            self.units[v].flags.reservoir = true;
        }
        let v_reservoir = near_reservoir[0];
        // 那桑乡: the village farthest from its old seat has a mobile medical station.
        let v_mobile = by(self, non_seat(self, NASANG), &|b, v| {
            b.units[v].mean(&b.lat).dist(seat_of(NASANG))
        });
        let f = &mut self.units[v_mobile].flags;
        (f.mountain, f.remote) = (true, true);
        // 定业镇: the village nearest the county town is large and has no clinic.
        let v_large = by(self, non_seat(self, DINGYE), &|b, v| {
            -b.units[v].mean(&b.lat).dist(C)
        });
        // 百合镇 and 高峰镇: the farthest villages hold the second center and the branch.
        let v_second_center = by(self, non_seat(self, BAIHE), &|b, v| {
            b.units[v].mean(&b.lat).dist(seat_of(BAIHE))
        });
        let v_branch = by(self, non_seat(self, GAOFENG), &|b, v| {
            b.units[v].mean(&b.lat).dist(seat_of(GAOFENG))
        });
        let v_duplicate = by(self, non_seat(self, GAOFENG), &|b, v| {
            if v == v_branch {
                f64::NEG_INFINITY
            } else {
                -b.units[v].mean(&b.lat).dist(seat_of(GAOFENG))
            }
        });
        // 东兴镇: a small village and the neighbour whose clinic it shares.
        let (v_small, v_neighbour) = self.small_village_pair(DONGXING);
        // Ordinary villages carry no flag, so that their case is about the clinic alone.
        let seat_villages = [self.villages_of(DELONG)[0], self.villages_of(XINXU)[0]];
        for v in [v_large, v_small, v_neighbour, v_duplicate]
            .into_iter()
            .chain(seat_villages)
        {
            self.units[v].flags = Flags::default();
        }
        self.marks = Marks {
            v_remote,
            v_small,
            v_neighbour,
            v_large,
            v_relocated,
            v_reservoir,
            v_mobile,
            v_duplicate,
            v_second_center,
            v_branch,
            ..std::mem::take(&mut self.marks)
        };
        // 城中街道: the community farthest from the office has no station.
        let office = self.units[self.marks.subdistricts[CHENGZHONG]].centre_cell;
        let communities: Vec<usize> = self.units[self.marks.subdistricts[CHENGZHONG]]
            .children
            .iter()
            .copied()
            .skip(1)
            .collect();
        self.marks.c_far = by(self, communities, &|b, v| {
            b.units[v].mean(&b.lat).dist(b.lat.centre(office))
        });
    }

    /// Two adjacent non-seat villages of a township: the first to be small without a clinic,
    /// the second to have the clinic it shares. Their committees sit in adjacent cells.
    fn small_village_pair(&mut self, township: usize) -> (usize, usize) {
        let villages: Vec<usize> = self.villages_of(township).into_iter().skip(1).collect();
        let mut owner: HashMap<usize, usize> = HashMap::new();
        for &v in &villages {
            for &c in &self.units[v].cells {
                owner.insert(c, v);
            }
        }
        let mut best: Option<(f64, usize, usize, usize, usize)> = None;
        for &a in &villages {
            for &ca in &self.units[a].cells {
                for cb in self.lat.neighbours(ca) {
                    let Some(&b) = owner.get(&cb) else { continue };
                    if b == a || self.near_motorway(cb) || self.near_motorway(ca) {
                        continue;
                    }
                    let score = self.lat.centre(cb).dist(self.units[b].mean(&self.lat));
                    if best.is_none_or(|x| score < x.0) {
                        best = Some((score, a, b, ca, cb));
                    }
                }
            }
        }
        let (_, a, b, ca, cb) = best.expect("a township with two adjacent villages");
        self.units[a].centre_cell = ca;
        self.units[b].centre_cell = cb;
        (a, b)
    }

    /// Whether a cell lies within 0.6 km of the expressway.
    fn near_motorway(&self, c: usize) -> bool {
        !self.motorway.is_empty() && polyline_distance(self.lat.centre(c), &self.motorway) < 0.6
    }

    /// Village committees in the middle of their village (away from the expressway), the remote
    /// village's beside its township, offices and seats where the partition put them.
    fn choose_centres(&mut self) {
        let fixed: HashSet<usize> = [self.marks.v_small, self.marks.v_neighbour].into();
        for u in 0..self.units.len() {
            let unit = &self.units[u];
            let parent = unit.parent.map(|id| &self.units[id]);
            let is_first_child = parent.is_some_and(|par| par.children[0] == u);
            if !matches!(unit.level, Level::Village | Level::Community)
                || fixed.contains(&u)
                || is_first_child
            {
                continue;
            }
            let target = if u == self.marks.v_remote {
                TOWNSHIPS[BANYAN].seat
            } else {
                unit.mean(&self.lat)
            };
            let clear: Vec<usize> = unit
                .cells
                .iter()
                .copied()
                .filter(|&c| !self.near_motorway(c))
                .collect();
            let among = if clear.is_empty() {
                &unit.cells
            } else {
                &clear
            };
            self.units[u].centre_cell = self.lat.nearest(target, among);
        }
    }

    fn centre(&self, u: usize) -> P {
        self.lat.centre(self.units[u].centre_cell)
    }

    // -----------------------------------------------------------------------------------------
    // Settlements

    fn settle(&mut self) {
        let townships = self.marks.townships.clone();
        for (k, &t) in townships.iter().enumerate() {
            for (i, v) in self.units[t].children.clone().into_iter().enumerate() {
                self.settle_village(k, v, i == 0);
            }
        }
        for (k, &s) in self.marks.subdistricts.clone().iter().enumerate() {
            for c in self.units[s].children.clone() {
                self.settle_community(k, c);
            }
        }
    }

    fn add_settlement(&mut self, name: String, population: u64, at: P, cell: usize) -> usize {
        self.settlements.push(SettlementPt {
            name,
            population,
            at,
            cell,
            remote: false,
        });
        self.settlements.len() - 1
    }

    /// Cells of unit `u` spread out from its centre, `n` of them (fewer when it is small).
    fn settlement_cells(&self, u: usize, n: usize, within_km: f64, rng: &mut Rng) -> Vec<usize> {
        let unit = &self.units[u];
        let centre = self.centre(u);
        let candidates: Vec<usize> = unit
            .cells
            .iter()
            .copied()
            .filter(|&c| c != unit.centre_cell && !self.near_motorway(c))
            .filter(|&c| self.lat.centre(c).dist(centre) <= within_km)
            .collect();
        let mut chosen: Vec<usize> = Vec::new();
        while chosen.len() < n.min(candidates.len()) {
            let mut best = (f64::NEG_INFINITY, candidates[0]);
            for &c in &candidates {
                if chosen.contains(&c) {
                    continue;
                }
                let q = self.lat.centre(c);
                let d = chosen
                    .iter()
                    .map(|&s| self.lat.centre(s))
                    .chain([centre])
                    .map(|s| s.dist(q))
                    .fold(f64::INFINITY, f64::min);
                let score = d + rng.unit() * 0.4;
                if score > best.0 {
                    best = (score, c);
                }
            }
            chosen.push(best.1);
        }
        chosen
    }

    fn settle_village(&mut self, township: usize, v: usize, is_seat: bool) {
        let mut rng = Rng::stream(self.seed, T_SETTLE, v as u64);
        let m = Marks {
            remote_hamlets: Vec::new(),
            townships: Vec::new(),
            subdistricts: Vec::new(),
            ..self.marks
        };
        let cells = self.units[v].cells.len();
        let (total, others, within) = if v == m.v_small {
            (rng.int(600, 850), 1, 1.0)
        } else if v == m.v_relocated {
            (rng.int(300, 450), 1, 9.0)
        } else if v == m.v_remote {
            (rng.int(900, 1300), 2, 1.6)
        } else if v == m.v_large {
            (rng.int(1600, 2400), (cells / 9).clamp(2, 5), 9.0)
        } else if matches!(township, PINGMENG | DELONG) {
            (rng.int(2000, 3600), (cells / 9).clamp(2, 5), 9.0)
        } else if self.units[v].flags.mountain {
            (rng.int(1000, 2200), (cells / 9).clamp(2, 5), 9.0)
        } else {
            (rng.int(1300, 3000), (cells / 9).clamp(2, 5), 9.0)
        };
        let zhuang = if self.units[v].flags.ethnic { 0.7 } else { 0.3 };
        let centre = self.centre(v);
        let centre_cell = self.units[v].centre_cell;
        let mut chosen = self.settlement_cells(v, others, within, &mut rng);
        if v == m.v_small {
            // Its other settlement, if any, lies next to the shared clinic's cell too.
            let shared = self.units[m.v_neighbour].centre_cell;
            chosen = self
                .lat
                .neighbours(shared)
                .filter(|&c| c != centre_cell && self.leaf[c] == Some(v) && !self.near_motorway(c))
                .take(1)
                .collect();
        }
        // Weights: the committee's settlement is the largest.
        let mut weights = vec![2.0];
        weights.extend(chosen.iter().map(|_| rng.range(0.5, 1.5)));
        let mut pops = split_population(total, &weights);
        let main_name = if is_seat {
            let base = base_name(TOWNSHIPS[township].name);
            let name = format!("{base}街");
            self.used_names.insert(name.clone());
            pops[0] = if township == LONGQIAO {
                rng.int(2600, 3000)
            } else {
                rng.int(1800, 3000)
            };
            name
        } else {
            let name = format!("{}屯", base_name(&self.units[v].name));
            if self.used_names.insert(name.clone()) {
                name
            } else {
                self.hamlet_name(zhuang)
            }
        };
        for pop in pops.iter_mut() {
            *pop = (*pop).clamp(50, 3000);
        }
        self.add_settlement(main_name, pops[0], centre, centre_cell);
        for (i, &c) in chosen.iter().enumerate() {
            let name = self.hamlet_name(zhuang);
            let at = self.lat.point_in(c, &mut rng, 0.5);
            self.add_settlement(name, pops[i + 1], at, c);
        }
    }

    fn settle_community(&mut self, sub: usize, u: usize) {
        let mut rng = Rng::stream(self.seed, T_SETTLE, u as u64);
        let (lo, hi) = SUBDISTRICTS[sub].population;
        let total = if u == self.marks.c_far {
            rng.int(25_000, 27_000)
        } else {
            rng.int(lo, hi)
        };
        let n = rng.int(3, 4) as usize;
        let mut cells = self.settlement_cells(u, n, 9.0, &mut rng);
        let centre_cell = self.units[u].centre_cell;
        while cells.len() < n {
            cells.push(centre_cell);
        }
        let mut weights = vec![1.5];
        weights.extend(cells.iter().map(|_| rng.range(0.6, 1.4)));
        let pops = split_population(total, &weights);
        let name = self.compound_name();
        self.add_settlement(name, pops[0], self.centre(u), centre_cell);
        for (i, &c) in cells.iter().enumerate() {
            let name = self.compound_name();
            let at = self.lat.point_in(c, &mut rng, 0.5);
            self.add_settlement(name, pops[i + 1], at, c);
        }
    }

    /// Settlements far from every road in the remote village: the cells farthest from roads.
    fn place_remote_hamlets(&mut self) {
        let v = self.marks.v_remote;
        let mut rng = Rng::stream(self.seed, T_SETTLE, 9_999);
        let lines: Vec<&[P]> = self.roads.iter().map(|r| r.pts.as_slice()).collect();
        let mut scored: Vec<(f64, usize)> = self.units[v]
            .cells
            .iter()
            .map(|&c| {
                let q = self.lat.centre(c);
                let d = lines
                    .iter()
                    .map(|l| polyline_distance(q, l))
                    .fold(f64::INFINITY, f64::min);
                (d, c)
            })
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        let mut chosen: Vec<usize> = Vec::new();
        for &(d, c) in &scored {
            let apart = chosen
                .iter()
                .all(|&o| self.lat.centre(o).dist(self.lat.centre(c)) > 0.8);
            if (chosen.is_empty() || d >= 1.3) && apart {
                chosen.push(c);
            }
            if chosen.len() == 2 {
                break;
            }
        }
        for c in chosen {
            let name = self.hamlet_name(0.8);
            let at = self.lat.centre(c) + p(rng.range(-0.05, 0.05), rng.range(-0.05, 0.05));
            let pop = rng.int(50, 140);
            let s = self.add_settlement(name, pop, at, c);
            self.settlements[s].remote = true;
            self.marks.remote_hamlets.push(s);
        }
    }

    // -----------------------------------------------------------------------------------------
    // Roads

    fn road(
        &mut self,
        a: P,
        b: P,
        class: &'static str,
        name: Option<String>,
        style: Style,
    ) -> &mut RoadLine {
        self.road_bowed(a, b, class, name, style, 0.0)
    }

    /// A road from `a` to `b` that bends by `style` and bows sideways by `bow` of its length.
    fn road_bowed(
        &mut self,
        a: P,
        b: P,
        class: &'static str,
        name: Option<String>,
        style: Style,
        bow: f64,
    ) -> &mut RoadLine {
        let mut rng = Rng::stream(self.seed, T_ROAD, self.roads.len() as u64);
        let pts = bend(a, b, style, bow, &mut rng);
        self.roads.push(RoadLine {
            class,
            name,
            oneway: None,
            maxspeed: None,
            pts,
            at_grade: true,
        });
        self.roads.last_mut().expect("just pushed")
    }

    /// The expressway: from the west outline to the east outline north of the county town.
    fn motorway_line(&self) -> Vec<P> {
        let mut rng = Rng::stream(self.seed, T_ROAD, 1_000_000);
        let stops = [
            self.beyond_outline(O + p(-1.0, 0.42), 1.5),
            p(15.0, 37.5),
            MOTORWAY_EXIT,
            p(35.0, 37.0),
            self.beyond_outline(O + p(1.0, 0.45), 1.5),
        ];
        let mut line = vec![stops[0]];
        for w in stops.windows(2) {
            line.extend(bend(w[0], w[1], URBAN, 0.0, &mut rng).into_iter().skip(1));
        }
        line
    }

    fn build_roads(&mut self) {
        let seat = |k: usize| -> P {
            self.lat
                .centre(self.units[self.marks.townships[k]].centre_cell)
        };
        let s: Vec<P> = (0..TOWNSHIPS.len()).map(seat).collect();
        let c = self.lat.centre(self.marks.c_cell);
        let towards = |from: P, to: P, km: f64| from + (to - from).unit() * km;
        // The expressway and its interchange.
        let motorway = self.motorway.clone();
        self.roads.push(RoadLine {
            class: "motorway",
            name: Some("那青高速公路".into()),
            oneway: None,
            maxspeed: Some("100"),
            pts: motorway,
            at_grade: false,
        });
        let q = towards(c, s[GAOFENG], 3.4);
        for (from, to, bow) in [(MOTORWAY_EXIT, q, 0.12), (q, MOTORWAY_EXIT, 0.12)] {
            let r = self.road_bowed(from, to, "motorway_link", None, URBAN, bow);
            r.oneway = Some("yes");
            r.maxspeed = Some("40");
            r.at_grade = false;
        }
        // The national road through the county town.
        let west = self.beyond_outline(s[NASANG], 1.0);
        let east = self.beyond_outline(s[DONGXING], 1.0);
        let (cw, ce) = (
            towards(c, s[DINGYE], CORE_KM),
            towards(c, s[LONGQIAO], CORE_KM),
        );
        let national = Some("国道357线".to_string());
        for (a, b) in [(west, s[NASANG]), (s[NASANG], s[DINGYE]), (s[DINGYE], cw)] {
            self.road(a, b, "primary", national.clone(), FLAT);
        }
        for (a, b) in [(cw, c), (c, ce)] {
            self.road(a, b, "primary", Some("人民大道".into()), URBAN)
                .maxspeed = Some("40");
        }
        for (a, b) in [
            (ce, s[LONGQIAO]),
            (s[LONGQIAO], s[DONGXING]),
            (s[DONGXING], east),
        ] {
            self.road(a, b, "primary", national.clone(), FLAT);
        }
        // Provincial roads.
        let cs = towards(c, s[XINXU], CORE_KM);
        let north = self.beyond_outline(s[GAOFENG], 1.0);
        let north_east = self.beyond_outline(s[BAIHE], 1.0);
        let provincial = [
            ("省道211线", vec![c, q, s[GAOFENG], north]),
            ("省道318线", vec![s[LONGQIAO], s[BAIHE], north_east]),
            ("省道205线", vec![c, cs, s[XINXU]]),
            ("省道214线", vec![s[DONGXING], s[DELONG], s[GUOLE]]),
        ];
        for (name, stops) in provincial {
            for w in stops.windows(2) {
                let style = if w[0] == c { URBAN } else { FLAT };
                let r = self.road(w[0], w[1], "secondary", Some(name.into()), style);
                if w[0] == c {
                    r.maxspeed = Some("40");
                }
            }
        }
        // County roads (县道); the mountain ones are slow.
        let county_roads = [
            ("县道601线", DINGYE, PINGMENG, HILLY, None),
            ("县道602线", DINGYE, POHE, FLAT, None),
            ("县道603线", PINGMENG, BANYAN, MOUNTAIN_ROAD, Some("30")),
            ("县道612线", XINXU, BANYAN, MOUNTAIN_ROAD, Some("30")),
            ("县道605线", XINXU, DELONG, FLAT, None),
            ("县道606线", GAOFENG, POHE, FLAT, None),
            ("县道607线", XINXU, GUOLE, HILLY, None),
        ];
        for (name, a, b, style, maxspeed) in county_roads {
            self.road(s[a], s[b], "tertiary", Some(name.into()), style)
                .maxspeed = maxspeed;
        }
        self.build_town_streets(c);
        self.build_township_roads();
        self.build_settlement_roads();
        // The hospital's drive.
        let hospital = c + SLOTS[1];
        self.road(c, hospital, "service", None, URBAN);
    }

    /// Streets of the county town: a tree from the centre to every office and community
    /// committee, with one pair of one-way streets.
    fn build_town_streets(&mut self, c: P) {
        let mut nodes = vec![c];
        for &sd in &self.marks.subdistricts {
            for &u in std::iter::once(&sd).chain(&self.units[sd].children) {
                let q = self.centre(u);
                if !nodes.contains(&q) {
                    nodes.push(q);
                }
            }
        }
        let xincheng_office = self.centre(self.marks.subdistricts[XINCHENG]);
        let mut streets = STREETS.to_vec();
        let mut rng = Rng::stream(self.seed, T_NAMES, 7);
        for i in (1..streets.len()).rev() {
            streets.swap(i, rng.below(i + 1));
        }
        let mut names = streets.into_iter();
        // A grid of streets, turned a little, across the whole town.
        let along = p(1.0, 0.35).unit();
        let across = p(-along.y, along.x);
        for (dir, side) in [(along, across), (across, along)] {
            for i in 0..10 {
                let d = -2.25 + 0.5 * i as f64;
                let half = (2.9f64 * 2.9 - d * d).sqrt();
                let (a, b) = (c + side * d - dir * half, c + side * d + dir * half);
                let class = if i % 3 == 1 {
                    "tertiary"
                } else {
                    "residential"
                };
                let name = names.next().map(str::to_string);
                self.road(a, b, class, name, URBAN);
            }
        }
        let mut couplet_done = false;
        for (i, j) in prim(&nodes) {
            let (a, b) = (nodes[i], nodes[j]);
            let class = if i == 0 { "tertiary" } else { "residential" };
            let name = names.next().map(str::to_string);
            if i == 0 && b == xincheng_office && !couplet_done {
                couplet_done = true;
                let r = self.road_bowed(a, b, class, name, URBAN, 0.08);
                r.oneway = Some("yes");
                let other = names.next().map(str::to_string);
                let r = self.road_bowed(a, b, class, other, URBAN, -0.08);
                r.oneway = Some("-1");
            } else {
                self.road(a, b, class, name, URBAN);
            }
        }
    }

    /// Township roads (乡道) from each seat to its village committees.
    fn build_township_roads(&mut self) {
        let mut number = 0;
        for (k, &t) in self.marks.townships.clone().iter().enumerate() {
            let style = if TOWNSHIPS[k].hilly { HILLY } else { FLAT };
            let mut nodes = vec![self.centre(t)];
            for &v in self.units[t].children.iter().skip(1) {
                if v != self.marks.v_small {
                    nodes.push(self.centre(v));
                }
            }
            for (i, j) in prim(&nodes) {
                number += 1;
                let name = format!("乡道Y{number:03}");
                self.road(nodes[i], nodes[j], "unclassified", Some(name), style);
            }
        }
    }

    /// Village roads from each committee to its settlements; tracks and footpaths in the hills.
    fn build_settlement_roads(&mut self) {
        let mut per_unit: BTreeMap<usize, Vec<P>> = BTreeMap::new();
        // The small village's committee joins its neighbour's even when it has no other hamlet.
        per_unit.insert(self.marks.v_small, Vec::new());
        for s in &self.settlements {
            let u = self.leaf[s.cell].expect("settlements lie in the county");
            if s.at != self.centre(u) {
                per_unit.entry(u).or_default().push(s.at);
            }
        }
        let mut special_streets = ["老街", "步行街"].into_iter();
        for (u, points) in per_unit {
            let mut rng = Rng::stream(self.seed, T_ROAD, 2_000_000 + u as u64);
            let unit = &self.units[u];
            let urban = unit.level == Level::Community;
            let hills = unit.flags.mountain;
            let style = if urban {
                URBAN
            } else if hills {
                HILLY
            } else {
                FLAT
            };
            let mut nodes = vec![self.centre(u)];
            if u == self.marks.v_small {
                nodes.insert(0, self.centre(self.marks.v_neighbour));
            }
            nodes.extend(points);
            let in_chengzhong = unit.parent == Some(self.marks.subdistricts[CHENGZHONG]);
            // The small village: each hamlet straight to the shared clinic's committee.
            let edges = if u == self.marks.v_small {
                (1..nodes.len()).map(|j| (0, j)).collect()
            } else {
                prim(&nodes)
            };
            for (i, j) in edges {
                let len = nodes[i].dist(nodes[j]);
                let special = if in_chengzhong {
                    special_streets.next()
                } else {
                    None
                };
                let (class, name): (&'static str, Option<String>) = if urban {
                    match special {
                        Some("老街") => ("living_street", Some("老街".into())),
                        Some(other) => ("pedestrian", Some(other.into())),
                        None => ("residential", None),
                    }
                } else if hills && len < 2.5 && rng.unit() < 0.2 {
                    (if rng.unit() < 0.5 { "footway" } else { "path" }, None)
                } else if hills && len < 3.0 && rng.unit() < 0.2 {
                    ("track", None)
                } else if len > 2.2 {
                    ("unclassified", None)
                } else {
                    ("residential", None)
                };
                self.road(nodes[i], nodes[j], class, name, style);
            }
        }
    }

    // -----------------------------------------------------------------------------------------
    // Facilities

    fn facility(
        &mut self,
        name: String,
        kind: &'static str,
        node_cell: usize,
        slot: usize,
    ) -> &mut FacilityPt {
        let at = self.lat.centre(node_cell) + SLOTS[slot % SLOTS.len()];
        self.facilities.push(FacilityPt {
            name,
            kind,
            at,
            cell: node_cell,
            extra: Vec::new(),
        });
        self.facilities.last_mut().expect("just pushed")
    }

    fn place_facilities(&mut self) {
        let m = std::mem::take(&mut self.marks);
        let c_cell = m.c_cell;
        // County hospitals.
        let f = self.facility("青岚县人民医院".into(), "县级综合医院", c_cell, 1);
        f.extra = vec![
            ("等级", json!("三级")),
            ("所有制", json!("公立")),
            ("牵头医院", json!(true)),
            ("中心", json!(LEAD_CENTERS)),
        ];
        let [cz, xc, sj] = [0, 1, 2].map(|k| m.subdistricts[k]);
        let xc_office = self.units[xc].centre_cell;
        let f = self.facility("青岚县中医医院".into(), "县中医院", xc_office, 4);
        f.extra = vec![("等级", json!("二级")), ("所有制", json!("公立"))];
        let sj_office = self.units[sj].centre_cell;
        let f = self.facility("青岚县双江医院".into(), "政府办一级医院", sj_office, 0);
        f.extra = vec![("等级", json!("一级")), ("所有制", json!("政府办"))];
        // Community health service centers and stations.
        for sd in [cz, xc] {
            let name = format!("{}社区卫生服务中心", self.units[sd].name);
            let office = self.units[sd].centre_cell;
            self.facility(name, "社区卫生服务中心", office, 0);
        }
        for sd in [cz, xc, sj] {
            let children = self.units[sd].children.clone();
            for (i, &u) in children.iter().enumerate() {
                let hosts_center = i == 0 && sd != sj;
                if hosts_center || u == m.c_far {
                    continue;
                }
                let name = format!("{}卫生服务站", self.units[u].name);
                let cell = self.units[u].centre_cell;
                self.facility(name, "社区卫生服务站", cell, 2);
            }
        }
        // Township health centers, central centers and branches.
        for (k, &t) in m.townships.iter().enumerate() {
            let seat = self.units[t].centre_cell;
            let base = base_name(TOWNSHIPS[k].name);
            match k {
                POHE => {}
                LONGQIAO | PINGMENG | DELONG => {
                    let name = format!("{base}镇中心卫生院");
                    self.facility(name, "中心乡镇卫生院", seat, 0);
                }
                NASANG => {
                    let name = format!("{}卫生院那桑分院", TOWNSHIPS[DINGYE].name);
                    self.facility(name, "乡镇卫生院分院", seat, 0);
                }
                _ => {
                    let name = format!("{}卫生院", TOWNSHIPS[k].name);
                    self.facility(name, "乡镇卫生院", seat, 0);
                }
            }
        }
        let second = &self.units[m.v_second_center];
        let (name, cell) = (
            format!("{}{}卫生院", TOWNSHIPS[BAIHE].name, base_name(&second.name)),
            second.centre_cell,
        );
        self.facility(name, "乡镇卫生院", cell, 4);
        let branch = &self.units[m.v_branch];
        let (name, cell) = (
            format!(
                "{}卫生院{}分院",
                TOWNSHIPS[GAOFENG].name,
                base_name(&branch.name)
            ),
            branch.centre_cell,
        );
        self.facility(name, "乡镇卫生院分院", cell, 4);
        // Village clinics, service points, mobile stations.
        let seat_without_clinic = [DELONG, XINXU].map(|k| self.units[m.townships[k]].children[0]);
        for &t in &m.townships {
            for v in self.units[t].children.clone() {
                let unit = &self.units[v];
                let (name, cell) = (unit.name.clone(), unit.centre_cell);
                if v == m.v_relocated {
                    self.facility(format!("{name}医疗服务点"), "医疗服务点", cell, 3);
                } else if v == m.v_reservoir {
                    self.facility(format!("{name}固定巡诊点"), "固定巡诊点", cell, 3);
                } else if v == m.v_mobile {
                    self.facility(format!("{name}流动医疗站"), "流动医疗站", cell, 3);
                } else if ![m.v_remote, m.v_small, m.v_large].contains(&v)
                    && !seat_without_clinic.contains(&v)
                {
                    self.facility(format!("{name}卫生室"), "村卫生室", cell, 3);
                }
            }
        }
        let dup = self
            .settlements
            .iter()
            .find(|s| {
                self.leaf[s.cell] == Some(m.v_duplicate) && s.at != self.centre(m.v_duplicate)
            })
            .map(|s| (s.name.clone(), s.at, s.cell))
            .expect("the village with two clinics has a second settlement");
        self.facilities.push(FacilityPt {
            name: format!("{}{}卫生室", self.units[m.v_duplicate].name, dup.0),
            kind: "村卫生室",
            at: dup.1 + p(0.03, 0.02),
            cell: dup.2,
            extra: Vec::new(),
        });
        // Old people's homes: beside five centers, one a kilometre from 德隆镇's.
        for (k, name) in [
            (PINGMENG, "平孟镇敬老院"),
            (DINGYE, "定业镇敬老院"),
            (GAOFENG, "高峰镇敬老院"),
            (DONGXING, "东兴镇敬老院"),
        ] {
            let seat = self.units[m.townships[k]].centre_cell;
            self.facility(name.into(), "养老机构", seat, 6);
        }
        self.facility("新城街道养老服务中心".into(), "养老机构", xc_office, 6);
        let delong_seat = self.units[m.townships[DELONG]].centre_cell;
        let county_cells = self.units[m.county].cells.clone();
        let away = county_cells
            .iter()
            .copied()
            .find(|&c| {
                let d = self.lat.centre(c).dist(self.lat.centre(delong_seat));
                (0.9..1.4).contains(&d)
            })
            .expect("cells a kilometre from the seat");
        self.facility("德隆镇敬老院".into(), "养老机构", away, 0);
        let sj_far = *self.units[sj].children.last().expect("communities");
        let cell = self.units[sj_far].centre_cell;
        self.facility("青岚县社会福利院".into(), "养老机构", cell, 5);
        // Not medical service points: private clinics, a private hospital, pharmacies, a dentist.
        let cz_child = |i: usize| self.units[self.units[cz].children[i]].centre_cell;
        let (cz1, cz2) = (cz_child(1), cz_child(2));
        let xc1 = self.units[self.units[xc].children[1]].centre_cell;
        let seat_of = |k: usize| self.units[m.townships[k]].centre_cell;
        let (pm, dl, bh) = (seat_of(PINGMENG), seat_of(DELONG), seat_of(BAIHE));
        let others: [(&str, &str, usize, usize, Option<&str>); 10] = [
            ("张氏诊所", "诊所", cz1, 5, Some("民营")),
            ("仁和门诊部", "门诊部", xc1, 5, Some("民营")),
            ("德隆镇李氏诊所", "诊所", dl, 5, Some("民营")),
            ("百合镇韦氏诊所", "诊所", bh, 5, Some("民营")),
            ("青岚仁爱医院", "民营医院", xc1, 7, Some("民营")),
            ("康民大药房", "药店", c_cell, 7, None),
            ("益寿堂药店", "药店", cz2, 7, None),
            ("平孟镇惠民药店", "药店", pm, 7, None),
            ("德隆镇百姓大药房", "药店", dl, 7, None),
            ("青岚美齿口腔诊所", "口腔诊所", cz2, 5, Some("民营")),
        ];
        for (name, kind, cell, slot, ownership) in others {
            let f = self.facility(name.into(), kind, cell, slot);
            if let Some(o) = ownership {
                f.extra.push(("所有制", json!(o)));
            }
            if kind == "民营医院" {
                f.extra.insert(0, ("等级", json!("一级")));
            }
        }
        self.marks = m;
    }

    // -----------------------------------------------------------------------------------------
    // Output

    fn finish(mut self) -> DemoCounty {
        // Populations: settlements up to the county.
        for s in &self.settlements {
            let mut u = self.leaf[s.cell];
            while let Some(id) = u {
                self.units[id].population += s.population;
                u = self.units[id].parent;
            }
        }
        let admin = self.admin_text();
        let roads = self.roads_text();
        let facilities = self.facilities_text();
        let settlements = self.settlements_text();
        let landmarks = self.landmarks();
        let cases = self.cases();
        let readme = self.readme(&cases);
        DemoCounty {
            admin,
            roads,
            facilities,
            settlements,
            cases,
            landmarks,
            readme,
        }
    }

    fn code_of_cell(&self, cell: usize) -> String {
        let u = self.leaf[cell].expect("every point lies in the county");
        self.units[u].code.clone()
    }

    fn admin_text(&self) -> String {
        let mut order: Vec<usize> = (0..self.units.len()).collect();
        order.sort_by_key(|&u| {
            let rank = match self.units[u].level {
                Level::County => 0,
                Level::Town | Level::Township | Level::Subdistrict => 1,
                Level::Village | Level::Community => 2,
            };
            (rank, self.units[u].code.clone())
        });
        let features = order.into_iter().map(|u| {
            let unit = &self.units[u];
            let mut props = Props::new();
            props.push("名称", json!(unit.name));
            props.push("级别", json!(unit.level.zh()));
            props.push("区划代码", json!(unit.code));
            props.push("人口", json!(unit.population));
            if unit.county_town {
                props.push("县城", json!(true));
            }
            if let Some(code) = &unit.merged_into {
                props.push("并入", json!(code));
            }
            for flag in unit.flags.named() {
                props.push(flag, json!(true));
            }
            let rings: Vec<Vec<[f64; 2]>> = self
                .lat
                .rings(&unit.cells)
                .into_iter()
                .map(|r| r.into_iter().map(|v| lonlat(self.lat.verts[v])).collect())
                .collect();
            feature(&props, "Polygon", &rings)
        });
        collection(features)
    }

    fn roads_text(&self) -> String {
        let features = self.roads.iter().map(|r| {
            let mut props = Props::new();
            props.push("highway", json!(r.class));
            if let Some(name) = &r.name {
                props.push("name", json!(name));
            }
            if let Some(oneway) = r.oneway {
                props.push("oneway", json!(oneway));
            }
            if let Some(speed) = r.maxspeed {
                props.push("maxspeed", json!(speed));
            }
            let mut coords: Vec<[f64; 2]> = Vec::with_capacity(r.pts.len());
            for q in &r.pts {
                let c = lonlat(*q);
                if coords.last() != Some(&c) {
                    coords.push(c);
                }
            }
            feature(&props, "LineString", &coords)
        });
        collection(features)
    }

    fn facilities_text(&self) -> String {
        let features = self.facilities.iter().map(|f| {
            let mut props = Props::new();
            props.push("名称", json!(f.name));
            props.push("类型", json!(f.kind));
            for (k, v) in &f.extra {
                props.push(k, v.clone());
            }
            props.push("所属区划代码", json!(self.code_of_cell(f.cell)));
            feature(&props, "Point", &lonlat(f.at))
        });
        collection(features)
    }

    fn settlements_text(&self) -> String {
        let features = self.settlements.iter().map(|s| {
            let mut props = Props::new();
            props.push("名称", json!(s.name));
            props.push("人口", json!(s.population));
            props.push("所属区划代码", json!(self.code_of_cell(s.cell)));
            feature(&props, "Point", &lonlat(s.at))
        });
        collection(features)
    }

    fn unit_name(&self, u: usize) -> String {
        self.units[u].name.clone()
    }

    fn settlements_of(&self, u: usize) -> Vec<String> {
        self.settlements
            .iter()
            .filter(|s| self.leaf[s.cell] == Some(u))
            .map(|s| s.name.clone())
            .collect()
    }

    fn landmarks(&self) -> Landmarks {
        let m = &self.marks;
        let centers: Vec<String> = self
            .facilities
            .iter()
            .filter(|f| matches!(f.kind, "乡镇卫生院" | "中心乡镇卫生院"))
            .map(|f| f.name.clone())
            .collect();
        let county_town_settlements = m
            .subdistricts
            .iter()
            .flat_map(|&sd| self.units[sd].children.clone())
            .flat_map(|u| self.settlements_of(u))
            .collect();
        Landmarks {
            lead_hospital: "青岚县人民医院".into(),
            remote_hamlets: m
                .remote_hamlets
                .iter()
                .map(|&s| self.settlements[s].name.clone())
                .collect(),
            small_village: self.unit_name(m.v_small),
            small_village_settlements: self.settlements_of(m.v_small),
            shared_clinic: format!("{}卫生室", self.unit_name(m.v_neighbour)),
            far_community: self.unit_name(m.c_far),
            far_community_settlements: self.settlements_of(m.c_far),
            far_community_center: format!("{}社区卫生服务中心", SUBDISTRICTS[CHENGZHONG].name),
            township_centers: centers,
            near_center: "龙桥镇中心卫生院".into(),
            far_center: "板岩瑶族乡卫生院".into(),
            county_town_settlements,
        }
    }

    fn cases(&self) -> Vec<RuleCase> {
        let m = &self.marks;
        let name = |u: usize| self.unit_name(u);
        let t = |k: usize| TOWNSHIPS[k].name;
        let in_t = |u: usize| {
            let parent = self.units[u].parent.expect("a village has a township");
            format!("{}（{}）", name(u), name(parent))
        };
        let flags = |u: usize| self.units[u].flags.named().join("、");
        let hamlets: Vec<String> = m
            .remote_hamlets
            .iter()
            .map(|&s| self.settlements[s].name.clone())
            .collect();
        let active: Vec<&str> = [
            LONGQIAO, PINGMENG, DELONG, DINGYE, XINXU, GAOFENG, DONGXING, BANYAN,
        ]
        .map(t)
        .to_vec();
        let special_with_clinic: Vec<String> = m
            .townships
            .iter()
            .flat_map(|&tu| self.units[tu].children.clone())
            .filter(|&v| {
                self.units[v].flags.any()
                    && ![m.v_remote, m.v_relocated, m.v_reservoir, m.v_mobile].contains(&v)
            })
            .take(3)
            .map(|v| format!("{}（{}）", in_t(v), flags(v)))
            .collect();
        let cz = m.subdistricts[CHENGZHONG];
        let cz_pop = self.units[cz].population;
        let station_communities: Vec<String> = self.units[cz]
            .children
            .iter()
            .skip(1)
            .filter(|&&u| u != m.c_far)
            .take(2)
            .map(|&u| name(u))
            .collect();
        vec![
            RuleCase {
                rule: "reach.15min",
                fires: format!(
                    "by car: the hamlets {} of {}, more than 1.3 km from any road in a village with no service point; on foot: most of the countryside",
                    hamlets.join("、"),
                    in_t(m.v_remote)
                ),
                passes: format!(
                    "by car: every settlement of the county town ({}、{}、{}) and most villages",
                    SUBDISTRICTS[0].name, SUBDISTRICTS[1].name, SUBDISTRICTS[2].name
                ),
            },
            RuleCase {
                rule: "township.health-center",
                fires: format!("{} (none); {} (two: {}卫生院 and {}{}卫生院)", t(POHE), t(BAIHE), t(BAIHE), t(BAIHE), base_name(&name(m.v_second_center))),
                passes: format!(
                    "{} (one each; {}'s branch does not count); {} and {} are dissolved and not checked",
                    active.join("、"),
                    t(GAOFENG),
                    t(NASANG),
                    t(GUOLE)
                ),
            },
            RuleCase {
                rule: "township.merged",
                fires: format!("{} (并入{}): its old center 果乐乡卫生院 is still a 乡镇卫生院, not a branch", t(GUOLE), t(XINXU)),
                passes: format!("{} (并入{}): its old center is 定业镇卫生院那桑分院", t(NASANG), t(DINGYE)),
            },
            RuleCase {
                rule: "township.central-center",
                fires: format!("龙桥镇中心卫生院 stands in {} (县城), so it does not count as a central center outside the county town", t(LONGQIAO)),
                passes: format!("two central centers outside the county town, in {} and {} (count 1–2); the ranking of candidate townships by population served and travel time to 青岚县人民医院 shows the far mountain townships", t(PINGMENG), t(DELONG)),
            },
            RuleCase {
                rule: "village.clinic",
                fires: format!("{}: {} residents, no clinic; {}: no clinic and no service point", in_t(m.v_large), self.units[m.v_large].population, in_t(m.v_remote)),
                passes: format!(
                    "every other village has a clinic or an exception: {} and {} (the township health center stands there); {} (under 1,000 residents, shares {}卫生室 next door within 15 min); {}, {}, {} (served by a 医疗服务点, 固定巡诊点, 流动医疗站)",
                    in_t(self.units[m.townships[DELONG]].children[0]), in_t(self.units[m.townships[XINXU]].children[0]), in_t(m.v_small), name(m.v_neighbour), in_t(m.v_relocated), in_t(m.v_reservoir), in_t(m.v_mobile)
                ),
            },
            RuleCase {
                rule: "village.duplicate-clinics",
                fires: format!("{}: two 村卫生室", in_t(m.v_duplicate)),
                passes: "every other village with a clinic has one".into(),
            },
            RuleCase {
                rule: "village.special-areas",
                fires: format!("{} ({}): no clinic, no 医疗服务点, no 巡诊点", in_t(m.v_remote), flags(m.v_remote)),
                passes: format!(
                    "{} ({}, 医疗服务点); {} ({}, 固定巡诊点); {} ({}, 流动医疗站); special-area villages with a clinic, e.g. {}",
                    in_t(m.v_relocated), flags(m.v_relocated), in_t(m.v_reservoir), flags(m.v_reservoir), in_t(m.v_mobile), flags(m.v_mobile), special_with_clinic.join("；")
                ),
            },
            RuleCase {
                rule: "subdistrict.health-center",
                fires: format!("{}: no 社区卫生服务中心; it has the government-run first-level hospital 青岚县双江医院, the one to convert", SUBDISTRICTS[SHUANGJIANG].name),
                passes: format!("{}、{} (one center each)", SUBDISTRICTS[CHENGZHONG].name, SUBDISTRICTS[XINCHENG].name),
            },
            RuleCase {
                rule: "subdistrict.large",
                fires: format!("{} ({} residents, over 100,000)", SUBDISTRICTS[CHENGZHONG].name, cz_pop),
                passes: format!("{} ({}), {} ({})", SUBDISTRICTS[XINCHENG].name, self.units[m.subdistricts[XINCHENG]].population, SUBDISTRICTS[SHUANGJIANG].name, self.units[m.subdistricts[SHUANGJIANG]].population),
            },
            RuleCase {
                rule: "community.station",
                fires: format!("{}（{}）: {} residents beyond 15 min on foot from {}社区卫生服务中心, no station", name(m.c_far), SUBDISTRICTS[CHENGZHONG].name, self.units[m.c_far].population, SUBDISTRICTS[CHENGZHONG].name),
                passes: format!("the communities that host a center ({}, {}), and those with a 社区卫生服务站 (e.g. {})", name(self.units[cz].children[0]), name(self.units[m.subdistricts[XINCHENG]].children[0]), station_communities.join("、")),
            },
            RuleCase {
                rule: "county.medical-community",
                fires: "missing centers: 病理诊断 (resource-sharing); 肿瘤防治, 微创介入 (clinical service)".into(),
                passes: format!("lead hospital 青岚县人民医院 (公立, 三级, 牵头医院) with {}", LEAD_CENTERS[..7].join("、")),
            },
            RuleCase {
                rule: "county.acute-care-centers",
                fires: "no 创伤中心 (trauma) anywhere in the county; and, as advisories, the residents beyond 60 min of the other centers (the mountain hamlets by car, most of the county on foot)".into(),
                passes: "胸痛中心, 卒中中心, 危重孕产妇救治中心, 危重新生儿救治中心, 危重儿童救治中心 are hosted by 青岚县人民医院".into(),
            },
            RuleCase {
                rule: "county.referral",
                fires: "an advisory with every township health center's time to 青岚县人民医院; the farthest is 板岩瑶族乡卫生院, over slow mountain roads (more than 35 min by car)".into(),
                passes: "龙桥镇中心卫生院, the nearest (under 15 min by car), and the centers on the national road".into(),
            },
            RuleCase {
                rule: "planning.elderly-care",
                fires: format!("centers with no 养老机构 within 500 m: {}社区卫生服务中心, 德隆镇中心卫生院 (德隆镇敬老院 is over 500 m away), {}卫生院, {}卫生院 and others", SUBDISTRICTS[CHENGZHONG].name, t(XINXU), t(BANYAN)),
                passes: format!("{}社区卫生服务中心, 平孟镇中心卫生院, 定业镇卫生院, 高峰镇卫生院, 东兴镇卫生院 (an old people's home beside each)", SUBDISTRICTS[XINCHENG].name),
            },
        ]
    }

    fn readme(&self, cases: &[RuleCase]) -> String {
        let count = |level: &[Level]| {
            self.units
                .iter()
                .filter(|u| level.contains(&u.level))
                .count()
        };
        let mut kinds: BTreeMap<&str, usize> = BTreeMap::new();
        for f in &self.facilities {
            *kinds.entry(f.kind).or_default() += 1;
        }
        let mut classes: BTreeMap<&str, usize> = BTreeMap::new();
        for r in &self.roads {
            *classes.entry(r.class).or_default() += 1;
        }
        let county = &self.units[self.marks.county];
        let (mut lo, mut hi) = (
            p(f64::INFINITY, f64::INFINITY),
            p(f64::NEG_INFINITY, f64::NEG_INFINITY),
        );
        for &c in &county.cells {
            let q = self.lat.centre(c);
            lo = p(lo.x.min(q.x), lo.y.min(q.y));
            hi = p(hi.x.max(q.x), hi.y.max(q.y));
        }
        let extent = format!(
            "{:.0} × {:.0} km",
            hi.x - lo.x + CELL_W,
            hi.y - lo.y + ROW_H
        );
        let mut s = String::new();
        s.push_str(&format!(
            "# {COUNTY_NAME}: a generated demo county\n\n\
             A fictional border county in the mountains of western Guangxi (around 105.8° E, 23.3° N, about \
             {extent}), made by `medreach::devtools::demo_county::generate(SEED)` (`src/devtools/demo_county`) so that it looks \
             like a real county and so that every rule of `docs/RULES.md` both fires and passes \
             somewhere in it. Names, the code {COUNTY_CODE} (not a real county), populations and facilities are \
             invented. The property vocabulary is that of `docs/VOCABULARY.md`, in Chinese.\n\n\
             **Do not edit these files by hand.** `cargo test --test demo_county` fails when they differ from the \
             generator's output; after changing the generator, run\n\n\
             ```sh\nMEDREACH_BLESS=1 cargo test --test demo_county\n```\n\n\
             which rewrites this folder (README included), then review and commit the diff. The test also checks \
             that the files load with no skipped feature, that every settlement lies in exactly one village or \
             community and every village in its township, that the codes are unique and nested, and the travel \
             times the table below relies on.\n\n"
        ));
        s.push_str("## What it holds\n\n| level | count |\n|---|---|\n");
        s.push_str(&format!(
            "| county (县) | 1: {COUNTY_NAME}, {} residents |\n",
            county.population
        ));
        s.push_str(&format!(
            "| towns and townships (镇/乡) | {} ({} towns, {} townships; {} and {} dissolved, 并入) |\n",
            count(&[Level::Town, Level::Township]),
            count(&[Level::Town]),
            count(&[Level::Township]),
            TOWNSHIPS[NASANG].name,
            TOWNSHIPS[GUOLE].name
        ));
        s.push_str(&format!(
            "| sub-districts (街道, 县城) | {} |\n| administrative villages (行政村) | {} |\n| communities (社区) | {} |\n| settlements | {} |\n\n",
            count(&[Level::Subdistrict]),
            count(&[Level::Village]),
            count(&[Level::Community]),
            self.settlements.len()
        ));
        let special: Vec<String> = ["山区", "边境", "民族", "偏远", "库区", "搬迁"]
            .iter()
            .map(|flag| {
                let n = self
                    .units
                    .iter()
                    .filter(|u| u.flags.named().contains(flag) && u.level == Level::Village)
                    .count();
                format!("{flag} {n}")
            })
            .collect();
        s.push_str(&format!(
            "Special-area villages: {}.\n\n",
            special.join(", ")
        ));
        s.push_str("| facility (类型) | count |\n|---|---|\n");
        for (k, n) in &kinds {
            s.push_str(&format!("| {k} | {n} |\n"));
        }
        s.push_str("\n| road (highway) | lines |\n|---|---|\n");
        for (k, n) in &classes {
            s.push_str(&format!("| {k} | {n} |\n"));
        }
        s.push_str("\n## Where each rule fires and where it passes\n\n| rule | fires | passes |\n|---|---|---|\n");
        for c in cases {
            s.push_str(&format!("| `{}` | {} | {} |\n", c.rule, c.fires, c.passes));
        }
        s.push_str(
            "\nTravel-time claims (the remote hamlets beyond 15 min by car, the county town within 15 min by car, the \
             small village's shared clinic within 15 min on foot, the far community beyond 15 min on foot from its \
             center, the referral times) are measured with the engine by `tests/demo_county.rs`.\n",
        );
        s
    }
}

/// Centers hosted by the lead hospital: seven of the ten of the county medical community
/// (no 病理诊断, 肿瘤防治, 微创介入) and five acute-care centers (no 创伤中心).
const LEAD_CENTERS: [&str; 12] = [
    "医学检验",
    "医学影像",
    "心电诊断",
    "消毒供应",
    "慢病管理",
    "麻醉疼痛诊疗",
    "重症监护",
    "胸痛中心",
    "卒中中心",
    "危重孕产妇救治中心",
    "危重新生儿救治中心",
    "危重儿童救治中心",
];

/// Offsets of facilities from their node (km): each within a cell, apart from each other.
const SLOTS: [P; 8] = [
    p(0.06, 0.02),
    p(-0.03, 0.09),
    p(-0.07, -0.03),
    p(0.02, -0.08),
    p(0.11, 0.08),
    p(-0.12, 0.06),
    p(-0.06, -0.13),
    p(0.13, -0.07),
];

/// Where the expressway meets the interchange ramps.
const MOTORWAY_EXIT: P = p(26.6, 35.4);

/// `total` split in proportion to `weights`, each part rounded, the parts summing to `total`.
fn split_population(total: u64, weights: &[f64]) -> Vec<u64> {
    let sum: f64 = weights.iter().sum();
    let mut parts: Vec<u64> = weights
        .iter()
        .map(|w| (total as f64 * w / sum).floor() as u64)
        .collect();
    let given: u64 = parts.iter().sum();
    parts[0] += total - given;
    parts
}

/// A bent line from `a` to `b`: vertices every 150–250 m, offset sideways by a sum of sines
/// that vanishes at both ends (so the line never crosses itself).
fn bend(a: P, b: P, style: Style, bow: f64, rng: &mut Rng) -> Vec<P> {
    let len = a.dist(b);
    if len < 1e-9 {
        return vec![a];
    }
    let step = if len > 3.0 { 0.25 } else { 0.15 };
    let n = ((len / step).ceil() as usize).max(2);
    let coef: Vec<f64> = (1..=style.harmonics)
        .map(|m| rng.range(-1.0, 1.0) / m as f64)
        .collect();
    let norm: f64 = coef.iter().map(|c| c.abs()).sum::<f64>().max(1e-9);
    let amp = (len * style.amp).min(1.5) / norm;
    let along = (b - a) * (1.0 / len);
    let side = p(-along.y, along.x);
    let mut pts = vec![a];
    for i in 1..n {
        let t = i as f64 / n as f64;
        let wave: f64 = coef
            .iter()
            .enumerate()
            .map(|(m, c)| c * dsin((m + 1) as f64 * PI * t))
            .sum();
        let off = amp * wave + bow * len * dsin(PI * t);
        pts.push(a + (b - a) * t + side * off);
    }
    pts.push(b);
    pts
}

/// Minimum spanning tree over `nodes` grown from node 0: `(from, to)` pairs in the order added.
fn prim(nodes: &[P]) -> Vec<(usize, usize)> {
    let n = nodes.len();
    let mut in_tree = vec![false; n];
    let mut best: Vec<(f64, usize)> = nodes.iter().map(|q| (q.dist(nodes[0]), 0)).collect();
    in_tree[0] = true;
    let mut edges = Vec::new();
    for _ in 1..n {
        let mut pick = None;
        for j in 0..n {
            if !in_tree[j] && pick.is_none_or(|k: usize| best[j].0 < best[k].0) {
                pick = Some(j);
            }
        }
        let Some(j) = pick else { break };
        in_tree[j] = true;
        edges.push((best[j].1, j));
        for k in 0..n {
            let d = nodes[k].dist(nodes[j]);
            if !in_tree[k] && d < best[k].0 {
                best[k] = (d, j);
            }
        }
    }
    edges.retain(|&(i, j)| nodes[i] != nodes[j]);
    edges
}

/// Where two at-grade roads cross, adds the crossing point to both lines, so that they share
/// a vertex there (a junction).
fn insert_junctions(roads: &mut [RoadLine]) {
    struct Seg {
        road: usize,
        index: usize,
        a: P,
        b: P,
        min_x: f64,
        max_x: f64,
    }
    let mut segs: Vec<Seg> = Vec::new();
    for (r, road) in roads.iter().enumerate().filter(|(_, r)| r.at_grade) {
        for (i, w) in road.pts.windows(2).enumerate() {
            segs.push(Seg {
                road: r,
                index: i,
                a: w[0],
                b: w[1],
                min_x: w[0].x.min(w[1].x),
                max_x: w[0].x.max(w[1].x),
            });
        }
    }
    segs.sort_by(|s, t| {
        s.min_x
            .total_cmp(&t.min_x)
            .then(s.road.cmp(&t.road))
            .then(s.index.cmp(&t.index))
    });
    let mut cuts: BTreeMap<(usize, usize), Vec<(f64, P)>> = BTreeMap::new();
    for i in 0..segs.len() {
        let s = &segs[i];
        for t in &segs[i + 1..] {
            if t.min_x > s.max_x {
                break;
            }
            if s.a.y.max(s.b.y) < t.a.y.min(t.b.y) || t.a.y.max(t.b.y) < s.a.y.min(s.b.y) {
                continue;
            }
            let (d1, d2) = (s.b - s.a, t.b - t.a);
            let den = d1.cross(d2);
            if den.abs() < 1e-12 {
                continue;
            }
            let u = (t.a - s.a).cross(d2) / den;
            let v = (t.a - s.a).cross(d1) / den;
            let open = |x: f64| x > 1e-6 && x < 1.0 - 1e-6;
            if open(u) && open(v) {
                let at = s.a + d1 * u;
                cuts.entry((s.road, s.index)).or_default().push((u, at));
                cuts.entry((t.road, t.index)).or_default().push((v, at));
            }
        }
    }
    let mut by_road: BTreeMap<usize, BTreeMap<usize, Vec<(f64, P)>>> = BTreeMap::new();
    for ((r, i), mut list) in cuts {
        list.sort_by(|x, y| x.0.total_cmp(&y.0));
        by_road.entry(r).or_default().insert(i, list);
    }
    for (r, per_segment) in by_road {
        let old = std::mem::take(&mut roads[r].pts);
        let mut pts = Vec::with_capacity(old.len() + per_segment.len());
        for (i, q) in old.iter().enumerate() {
            pts.push(*q);
            if let Some(list) = per_segment.get(&i) {
                pts.extend(list.iter().map(|x| x.1));
            }
        }
        roads[r].pts = pts;
    }
}

// ---------------------------------------------------------------------------------------------
// GeoJSON text

/// Feature properties in the order given (serde_json's map would sort them).
struct Props(Vec<(String, Value)>);

impl Props {
    fn new() -> Props {
        Props(Vec::new())
    }
    fn push(&mut self, key: &str, value: Value) {
        self.0.push((key.to_string(), value));
    }
}

impl Serialize for Props {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

fn feature<G: Serialize + ?Sized>(props: &Props, kind: &str, coordinates: &G) -> String {
    let props = serde_json::to_string(props).expect("properties serialise");
    let coords = serde_json::to_string(coordinates).expect("coordinates serialise");
    format!(
        r#"{{"type":"Feature","properties":{props},"geometry":{{"type":"{kind}","coordinates":{coords}}}}}"#
    )
}

/// A FeatureCollection with one feature per line.
fn collection(features: impl Iterator<Item = String>) -> String {
    let body: Vec<String> = features.collect();
    format!(
        "{{\"type\":\"FeatureCollection\",\"features\":[\n{}\n]}}\n",
        body.join(",\n")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sine_is_accurate() {
        for i in -400..400 {
            let x = i as f64 * 0.037;
            assert!((dsin(x) - x.sin()).abs() < 1e-10, "{x}");
        }
    }

    #[test]
    fn lattice_cells_share_edges_with_their_neighbours() {
        let lat = Lattice::new(1);
        for c in [0, 5, NX + 3, 2 * NX + 7, NX * NY - 1] {
            for n in lat.neighbours(c) {
                let a: HashSet<usize> = lat.corners(c).into_iter().collect();
                let shared = lat.corners(n).iter().filter(|v| a.contains(v)).count();
                assert_eq!(shared, 2, "cells {c} and {n}");
            }
        }
    }

    #[test]
    fn split_population_keeps_the_total() {
        let parts = split_population(1001, &[2.0, 1.0, 0.5]);
        assert_eq!(parts.iter().sum::<u64>(), 1001);
    }
}
