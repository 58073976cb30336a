//! The covering problems on plain sets: demands with weights, candidates each covering a set of
//! demands. Maximal covering (choose K to cover the most weight) by lazy greedy then vertex
//! substitution (Teitz–Bart swaps), with a Lagrangean upper bound from subgradient optimisation
//! (the bound of the LP relaxation); exhaustive search when the instance is small, which
//! proves the optimum. Set covering (fewest candidates to reach a weight) by greedy, dropping
//! what became redundant, and proven minimal when the bound shows one fewer cannot reach it.

use std::collections::{BinaryHeap, HashMap};

/// A covering instance.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Instance {
    /// Weight of each demand (residents not yet within the limit).
    pub weight: Vec<f64>,
    /// Per candidate, the demands it covers (ascending, no repeats).
    pub sets: Vec<Vec<u32>>,
}

/// A choice of candidates and what is known of it.
#[derive(Clone, Debug, PartialEq)]
pub struct Solution {
    /// The candidates chosen, in the order they were picked (greedy order: each adds the most
    /// of what the ones before left).
    pub chosen: Vec<usize>,
    /// The weight they cover.
    pub covered: f64,
    /// A proven upper bound on the weight any choice of as many candidates covers.
    pub upper_bound: f64,
    /// The choice is proven best (exhaustive search, or the bound met).
    pub proven_optimal: bool,
}

impl Instance {
    /// The weight covered by `chosen`.
    pub fn covered(&self, chosen: &[usize]) -> f64 {
        let mut seen = vec![false; self.weight.len()];
        let mut total = 0.0;
        for &j in chosen {
            for &i in &self.sets[j] {
                if !std::mem::replace(&mut seen[i as usize], true) {
                    total += self.weight[i as usize];
                }
            }
        }
        total
    }

    /// The instance with demands that the same candidates cover merged (their weights summed)
    /// and demands no candidate covers dropped: the same problem, smaller.
    pub fn reduced(&self) -> Instance {
        let mut coverers: Vec<Vec<u32>> = vec![Vec::new(); self.weight.len()];
        for (j, set) in self.sets.iter().enumerate() {
            for &i in set {
                coverers[i as usize].push(j as u32);
            }
        }
        let mut class_of: HashMap<&[u32], u32> = HashMap::new();
        let mut weight = Vec::new();
        let mut sets = vec![Vec::new(); self.sets.len()];
        for (i, c) in coverers.iter().enumerate() {
            if c.is_empty() || self.weight[i] <= 0.0 {
                continue;
            }
            let next = weight.len() as u32;
            let k = *class_of.entry(c.as_slice()).or_insert(next);
            if k == next {
                weight.push(0.0);
                for &j in c {
                    sets[j as usize].push(k);
                }
            }
            weight[k as usize] += self.weight[i];
        }
        Instance { weight, sets }
    }
}

/// Cover counts of a choice, with what swaps need: per demand how many chosen candidates cover
/// it and the sum of their indices (the one coverer when the count is 1).
struct Cover {
    count: Vec<u32>,
    sum: Vec<usize>,
}

impl Cover {
    fn of(inst: &Instance, chosen: &[usize]) -> Cover {
        let mut c = Cover {
            count: vec![0; inst.weight.len()],
            sum: vec![0; inst.weight.len()],
        };
        for &j in chosen {
            c.add(inst, j);
        }
        c
    }

    fn add(&mut self, inst: &Instance, j: usize) {
        for &i in &inst.sets[j] {
            self.count[i as usize] += 1;
            self.sum[i as usize] += j;
        }
    }

    fn remove(&mut self, inst: &Instance, j: usize) {
        for &i in &inst.sets[j] {
            self.count[i as usize] -= 1;
            self.sum[i as usize] -= j;
        }
    }

    /// Weight covered by `j` and no other chosen candidate.
    fn loss(&self, inst: &Instance, j: usize) -> f64 {
        inst.sets[j]
            .iter()
            .filter(|&&i| self.count[i as usize] == 1)
            .map(|&i| inst.weight[i as usize])
            .sum()
    }
}

/// Lazy greedy: picks up to `k` candidates more (after `start`), each the one adding the most
/// weight; stops early when none adds any, or once `stop_at` weight is covered.
fn greedy(inst: &Instance, start: &[usize], k: usize, stop_at: f64) -> Vec<usize> {
    let mut covered = vec![false; inst.weight.len()];
    let mut chosen: Vec<usize> = start.to_vec();
    let mut total = 0.0;
    for &j in start {
        for &i in &inst.sets[j] {
            if !std::mem::replace(&mut covered[i as usize], true) {
                total += inst.weight[i as usize];
            }
        }
    }
    let gain = |covered: &[bool], j: usize| -> f64 {
        inst.sets[j]
            .iter()
            .filter(|&&i| !covered[i as usize])
            .map(|&i| inst.weight[i as usize])
            .sum()
    };
    // Max-heap on (gain, lowest index first).
    let mut heap: BinaryHeap<(Ordered, std::cmp::Reverse<usize>)> = (0..inst.sets.len())
        .filter(|j| !start.contains(j))
        .map(|j| (Ordered(gain(&covered, j)), std::cmp::Reverse(j)))
        .collect();
    while chosen.len() < start.len() + k && total < stop_at {
        let Some((Ordered(g), std::cmp::Reverse(j))) = heap.pop() else {
            break;
        };
        let fresh = gain(&covered, j);
        if fresh < g {
            heap.push((Ordered(fresh), std::cmp::Reverse(j)));
            continue;
        }
        if fresh <= 0.0 {
            break;
        }
        chosen.push(j);
        for &i in &inst.sets[j] {
            if !std::mem::replace(&mut covered[i as usize], true) {
                total += inst.weight[i as usize];
            }
        }
    }
    chosen
}

/// A number ordered by [`f64::total_cmp`], for heaps (gains here, minutes in the coverage
/// searches).
#[derive(Clone, Copy, Debug)]
pub(super) struct Ordered(pub(super) f64);
impl PartialEq for Ordered {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other).is_eq()
    }
}
impl Eq for Ordered {}
impl PartialOrd for Ordered {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Ordered {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.total_cmp(&other.0)
    }
}

/// Vertex substitution: while some swap of a chosen candidate for another raises the covered
/// weight, makes the best such swap.
fn swaps(inst: &Instance, chosen: &mut [usize]) {
    if chosen.is_empty() {
        return;
    }
    let mut cover = Cover::of(inst, chosen);
    let mut position: HashMap<usize, usize> =
        chosen.iter().enumerate().map(|(p, &j)| (j, p)).collect();
    let mut extra = vec![0.0; chosen.len()];
    let mut touched: Vec<usize> = Vec::new();
    for _pass in 0..10_000 {
        let loss: Vec<f64> = chosen.iter().map(|&j| cover.loss(inst, j)).collect();
        let (min_loss_pos, min_loss) = loss
            .iter()
            .copied()
            .enumerate()
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .expect("chosen is not empty");
        let mut best: Option<(f64, usize, usize)> = None;
        for k in 0..inst.sets.len() {
            if position.contains_key(&k) {
                continue;
            }
            let mut gain0 = 0.0;
            for &i in &inst.sets[k] {
                let i = i as usize;
                match cover.count[i] {
                    0 => gain0 += inst.weight[i],
                    1 => {
                        let p = position[&cover.sum[i]];
                        if extra[p] == 0.0 {
                            touched.push(p);
                        }
                        extra[p] += inst.weight[i];
                    }
                    _ => {}
                }
            }
            let mut out = (gain0 - min_loss, min_loss_pos);
            for &p in &touched {
                let v = gain0 + extra[p] - loss[p];
                if v > out.0 {
                    out = (v, p);
                }
                extra[p] = 0.0;
            }
            touched.clear();
            if out.0 > 1e-9 * (1.0 + gain0) && best.is_none_or(|b| out.0 > b.0) {
                best = Some((out.0, out.1, k));
            }
        }
        let Some((_, p, k)) = best else {
            break;
        };
        let j = chosen[p];
        cover.remove(inst, j);
        cover.add(inst, k);
        position.remove(&j);
        position.insert(k, p);
        chosen[p] = k;
    }
}

/// The Lagrangean bound on the weight `k` candidates can cover, relaxing "a demand counts only
/// if a chosen candidate covers it" with a price per demand: for any prices λ ≥ 0,
/// Σ max(0, w − λ) + (the `k` largest Σλ over candidates' sets) bounds the optimum. Subgradient
/// steps lower it; `known` is the best covered weight found (for the step size). Returns the
/// lowest bound met and the best choice met on the way (the `k` candidates of a step).
fn lagrangean_bound(inst: &Instance, k: usize, known: f64, iterations: usize) -> (f64, Vec<usize>) {
    let n = inst.weight.len();
    let k = k.min(inst.sets.len());
    let mut lambda: Vec<f64> = inst.weight.clone();
    let mut best_bound = f64::INFINITY;
    let mut best_found = (known, Vec::new());
    let mut theta = 2.0;
    let mut since_better = 0;
    let mut value: Vec<(f64, usize)> = Vec::with_capacity(inst.sets.len());
    let mut hits = vec![0u32; n];
    for _ in 0..iterations {
        value.clear();
        value.extend(
            inst.sets
                .iter()
                .enumerate()
                .map(|(j, s)| (s.iter().map(|&i| lambda[i as usize]).sum::<f64>(), j)),
        );
        if k < value.len() {
            value.select_nth_unstable_by(k, |a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        }
        let top = &value[..k];
        let bound: f64 = inst
            .weight
            .iter()
            .zip(&lambda)
            .map(|(w, l)| (w - l).max(0.0))
            .sum::<f64>()
            + top.iter().map(|t| t.0).sum::<f64>();
        if best_bound.is_infinite() || bound < best_bound - 1e-9 * best_bound.abs().max(1.0) {
            best_bound = bound;
            since_better = 0;
        } else {
            since_better += 1;
            if since_better >= 20 {
                theta /= 2.0;
                since_better = 0;
            }
        }
        let picked: Vec<usize> = top.iter().map(|t| t.1).collect();
        let covered = inst.covered(&picked);
        if covered > best_found.0 {
            best_found = (covered, picked.clone());
        }
        if best_bound <= best_found.0 * (1.0 + 1e-12) || theta < 1e-6 {
            break;
        }
        // Subgradient: g = y − (times covered by the picked candidates).
        hits.iter_mut().for_each(|h| *h = 0);
        for &j in &picked {
            for &i in &inst.sets[j] {
                hits[i as usize] += 1;
            }
        }
        let g: Vec<f64> = (0..n)
            .map(|i| f64::from(u8::from(inst.weight[i] > lambda[i])) - f64::from(hits[i]))
            .collect();
        let norm: f64 = g.iter().map(|x| x * x).sum();
        if norm == 0.0 {
            break;
        }
        let step = theta * (bound - best_found.0).max(1e-9) / norm;
        for i in 0..n {
            lambda[i] = (lambda[i] + step * g[i]).max(0.0);
        }
    }
    (best_bound, best_found.1)
}

/// A proven upper bound on the weight any `k` candidates cover (the Lagrangean bound, made
/// safe against rounding), without the exhaustive shortcut.
pub fn upper_bound(inst: &Instance, k: usize) -> f64 {
    let mut chosen = greedy(inst, &[], k, f64::INFINITY);
    swaps(inst, &mut chosen);
    let covered = inst.covered(&chosen);
    let (bound, _) = lagrangean_bound(inst, k, covered, 600);
    inst.safe_bound(bound, covered)
}

/// Choose at most `k` candidates covering the most weight.
pub fn max_covering(inst: &Instance, k: usize) -> Solution {
    let k = k.min(inst.sets.len());
    if let Some(s) = exhaustive(inst, k) {
        return s;
    }
    let mut chosen = greedy(inst, &[], k, f64::INFINITY);
    swaps(inst, &mut chosen);
    let mut covered = inst.covered(&chosen);
    let (bound, found) = lagrangean_bound(inst, k, covered, 600);
    if !found.is_empty() {
        let mut found = found;
        swaps(inst, &mut found);
        let c = inst.covered(&found);
        if c > covered {
            covered = c;
            chosen = found;
        }
    }
    chosen = in_greedy_order(inst, &chosen);
    let upper_bound = inst.safe_bound(bound, covered);
    Solution {
        proven_optimal: covered >= upper_bound,
        chosen,
        covered,
        upper_bound,
    }
}

impl Instance {
    /// A bound computed in floating point made safe: raised by a hair so rounding cannot make
    /// it lie, and, when every weight is a whole number (residents counted, not estimated),
    /// rounded down to a whole number, which any covered weight is. Never below `covered`.
    fn safe_bound(&self, bound: f64, covered: f64) -> f64 {
        let raised = bound * (1.0 + 1e-9) + 1e-9;
        let whole = self.weight.iter().all(|w| w.fract() == 0.0);
        (if whole { raised.floor() } else { raised }).max(covered)
    }
}

/// All choices of `k` when there are few: the proven optimum.
fn exhaustive(inst: &Instance, k: usize) -> Option<Solution> {
    let n = inst.sets.len();
    let mut combos = 1u128;
    for i in 0..k as u128 {
        combos = combos * (n as u128 - i) / (i + 1);
        if combos > 20_000 {
            return None;
        }
    }
    let mut best: (f64, Vec<usize>) = (-1.0, Vec::new());
    let mut pick: Vec<usize> = (0..k).collect();
    loop {
        let c = inst.covered(&pick);
        if c > best.0 {
            best = (c, pick.clone());
        }
        // Next combination in lexicographic order.
        let Some(i) = (0..k).rev().find(|&i| pick[i] < n - k + i) else {
            break;
        };
        pick[i] += 1;
        for j in i + 1..k {
            pick[j] = pick[j - 1] + 1;
        }
    }
    let chosen = in_greedy_order(inst, &best.1);
    Some(Solution {
        chosen,
        covered: best.0.max(0.0),
        upper_bound: best.0.max(0.0),
        proven_optimal: true,
    })
}

/// `chosen` reordered so each adds the most of what the ones before it left, dropping any
/// that add nothing.
fn in_greedy_order(inst: &Instance, chosen: &[usize]) -> Vec<usize> {
    let sub = Instance {
        weight: inst.weight.clone(),
        sets: chosen.iter().map(|&j| inst.sets[j].clone()).collect(),
    };
    greedy(&sub, &[], chosen.len(), f64::INFINITY)
        .into_iter()
        .map(|p| chosen[p])
        .collect()
}

/// The fewest candidates covering at least `target` weight, or, when no choice reaches it,
/// the fewest covering all that the candidates together can. Returns the solution (its bound
/// for as many candidates as it has) and whether the target is reached.
pub fn set_covering(inst: &Instance, target: f64) -> (Solution, bool) {
    let all: f64 = inst.covered(&(0..inst.sets.len()).collect::<Vec<_>>());
    let reached = all >= target;
    let goal = if reached { target } else { all };
    if goal <= 0.0 {
        let s = Solution {
            chosen: Vec::new(),
            covered: 0.0,
            upper_bound: 0.0,
            proven_optimal: true,
        };
        return (s, reached);
    }
    let mut chosen = greedy(inst, &[], inst.sets.len(), goal * (1.0 - 1e-12));
    // Drop candidates the others make redundant, the least useful first.
    let mut p = chosen.len();
    while p > 0 {
        p -= 1;
        let without: Vec<usize> = chosen
            .iter()
            .enumerate()
            .filter(|&(q, _)| q != p)
            .map(|(_, &j)| j)
            .collect();
        if inst.covered(&without) >= goal * (1.0 - 1e-12) {
            chosen = without;
        }
    }
    let chosen = in_greedy_order(inst, &chosen);
    let covered = inst.covered(&chosen);
    let k = chosen.len();
    // Proven minimal when one fewer cannot reach the goal.
    let fewer = if k == 0 {
        true
    } else if let Some(s) = exhaustive(inst, k - 1) {
        s.covered < goal * (1.0 - 1e-12)
    } else {
        let known = inst.covered(&greedy(inst, &[], k - 1, f64::INFINITY));
        let (bound, _) = lagrangean_bound(inst, k - 1, known, 300);
        inst.safe_bound(bound, known) < goal * (1.0 - 1e-12)
    };
    let (bound, _) = lagrangean_bound(inst, k, covered, 300);
    let s = Solution {
        chosen,
        covered,
        upper_bound: inst.safe_bound(bound, covered),
        proven_optimal: fewer,
    };
    (s, reached)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::devtools::random::SplitMix64;

    fn random_instance(rng: &mut SplitMix64, demands: usize, candidates: usize) -> Instance {
        let weight = (0..demands).map(|_| 1.0 + rng.below(100) as f64).collect();
        let sets = (0..candidates)
            .map(|_| {
                let mut s: Vec<u32> = (0..1 + rng.below(6))
                    .map(|_| rng.below(demands as u64) as u32)
                    .collect();
                s.sort_unstable();
                s.dedup();
                s
            })
            .collect();
        Instance { weight, sets }
    }

    fn brute_force(inst: &Instance, k: usize) -> f64 {
        let n = inst.sets.len();
        (0u32..1 << n)
            .filter(|m| m.count_ones() as usize <= k)
            .map(|m| inst.covered(&(0..n).filter(|j| m & (1 << j) != 0).collect::<Vec<_>>()))
            .fold(0.0, f64::max)
    }

    #[test]
    fn heuristics_and_bound_bracket_the_exhaustive_optimum() {
        let mut rng = SplitMix64(42);
        for round in 0..60 {
            let inst = random_instance(&mut rng, 30, 14);
            let k = 1 + round % 5;
            let best = brute_force(&inst, k);
            // Through the heuristic path (no exhaustive shortcut).
            let mut chosen = greedy(&inst, &[], k, f64::INFINITY);
            swaps(&inst, &mut chosen);
            let found = inst.covered(&chosen);
            let (bound, _) = lagrangean_bound(&inst, k, found, 600);
            assert!(found <= best + 1e-9);
            assert!(
                bound * (1.0 + 1e-9) >= best,
                "round {round}: bound {bound} < optimum {best}"
            );
            let s = max_covering(&inst, k);
            assert_eq!(s.covered, best, "round {round}");
            assert!(s.proven_optimal);
            let reduced = inst.reduced();
            assert_eq!(max_covering(&reduced, k).covered, best);
        }
    }

    #[test]
    fn set_covering_is_the_fewest_on_small_instances() {
        let mut rng = SplitMix64(7);
        for _ in 0..40 {
            let inst = random_instance(&mut rng, 20, 12);
            let all = inst.covered(&(0..12).collect::<Vec<_>>());
            let target = all * 0.8;
            let (s, reached) = set_covering(&inst, target);
            assert!(reached);
            assert!(s.covered >= target * (1.0 - 1e-12));
            let fewest = (0..=12)
                .find(|&k| brute_force(&inst, k) >= target * (1.0 - 1e-12))
                .unwrap();
            assert!(s.chosen.len() >= fewest);
            if s.proven_optimal {
                assert_eq!(s.chosen.len(), fewest);
            }
        }
    }
}
