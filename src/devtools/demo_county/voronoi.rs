//! Partitions of lattice cells: noisy Voronoi regions around sites, repaired until every region
//! is connected and has no hole. The admin units (`units.rs`) are made of these.

use super::lattice::Lattice;
use super::plane::{dsin, p, P, PI};
use super::random::Rng;
use std::collections::{BTreeMap, VecDeque};

/// A smooth noise field in [-1, 1]: three plane waves.
#[derive(Clone, Debug)]
pub(super) struct Noise {
    waves: [(P, f64, f64); 3],
}

impl Noise {
    pub(super) fn new(rng: &mut Rng, wavelength_km: f64) -> Noise {
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

    pub(super) fn at(&self, q: P) -> f64 {
        self.waves
            .iter()
            .map(|(k, phase, amp)| amp * dsin(k.dot(q) + phase))
            .sum()
    }
}

/// A Voronoi site: its position, a weight (a larger weight, a smaller region) and its own
/// noise, which bends its boundaries.
pub(super) struct Site {
    pub(super) at: P,
    pub(super) weight: f64,
    pub(super) noise: Noise,
}

pub(super) fn nearest_site(sites: &[Site], q: P, wobble: f64) -> usize {
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
pub(super) fn spread_cells(
    lat: &Lattice,
    domain: &[usize],
    first: usize,
    n: usize,
    rng: &mut Rng,
) -> Vec<P> {
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
pub(super) fn split(
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
pub(super) fn repair(lat: &Lattice, lab: &mut [i32], domain: &[usize], anchors: &[usize]) {
    for _ in 0..200 {
        if !merge_fragments(lat, lab, domain, anchors) && !open_holes(lat, lab, domain, anchors) {
            return;
        }
    }
    panic!("demo county: a partition did not settle");
}

/// The connected piece of label `l` that contains `start`.
pub(super) fn component(lat: &Lattice, lab: &[i32], start: usize, seen: &mut [bool]) -> Vec<usize> {
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
