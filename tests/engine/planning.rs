//! Site suggestion: against exhaustive search on small cases, a bound that never lies, and
//! adding sites never losing anyone.

use crate::support::geojson::{Plane, Scene};
use medreach::app::analysis::Analysis;
use medreach::engine::crs::LonLat;
use medreach::engine::model::{FacilityKind, Layers};
use medreach::engine::network::{Mode, SpeedTable};
use medreach::engine::planning::solve::{self, Instance};
use medreach::engine::planning::{
    suggest, with_sites, Candidate, CandidateSource, Objective, PlanError, PlanRequest,
};
use medreach::engine::routing::travel_times;
use proptest::prelude::*;

/// A road along y = 0 (8 km) and a branch north at x = 4 km, one clinic at the west end,
/// settlements along both, and candidate points here and there.
fn scene() -> (Scene, Vec<(f64, f64)>) {
    let mut s = Scene::on(Plane::new(112.0, 30.0))
        .road(&[(0.0, 0.0), (8000.0, 0.0)])
        .road(&[(4000.0, 0.0), (4000.0, 5000.0)])
        .facility("卫生室", "村卫生室", 0.0, 10.0);
    let mut population = 100.0;
    for x in [
        500.0, 1500.0, 2500.0, 3500.0, 4500.0, 5500.0, 6500.0, 7500.0,
    ] {
        s = s.settlement("屯", population, x, 30.0);
        population += 37.0;
    }
    for y in [1000.0, 2000.0, 3000.0, 4000.0] {
        s = s.settlement("沟", population, 4030.0, y);
        population += 11.0;
    }
    let candidates = vec![
        (2000.0, 20.0),
        (3000.0, -20.0),
        (4000.0, 10.0),
        (5000.0, 0.0),
        (6000.0, 20.0),
        (7000.0, 0.0),
        (4020.0, 1500.0),
        (4020.0, 3500.0),
        (4800.0, 800.0),
    ];
    (s, candidates)
}

fn within(layers: &Layers, mode: Mode, limit: f64) -> f64 {
    let r = travel_times(layers, mode, &SpeedTable::default()).unwrap();
    layers
        .settlements
        .iter()
        .zip(&r.settlements)
        .filter(|(_, r)| r.minutes.is_some_and(|m| m <= limit))
        .map(|(s, _)| s.population)
        .sum()
}

#[test]
fn suggestions_equal_exhaustive_search_on_a_small_case() {
    let (scene, points) = scene();
    let plane = scene.plane().clone();
    let data = scene.dataset();
    let given: Vec<LonLat> = points.iter().map(|&(x, y)| plane.at(x, y)).collect();
    for mode in [Mode::Walk, Mode::Drive] {
        let limit = if mode == Mode::Walk { 15.0 } else { 3.0 };
        let a = Analysis::run(&data, mode, &SpeedTable::default()).unwrap();
        for k in 1..=3 {
            let request = PlanRequest {
                objective: Objective::MaxCovering { k },
                limit_min: limit,
                kind: FacilityKind::MedicalServicePoint,
                candidates: CandidateSource::Given(given.clone()),
            };
            let plan = suggest(&a.layers, &a.reach, &request, &mut |_, _, _| {}).unwrap();
            // Every choice of k candidates, measured by the travel times themselves.
            let n = given.len();
            let mut best = 0.0f64;
            for mask in 0u32..1 << n {
                if mask.count_ones() as usize != k {
                    continue;
                }
                let sites: Vec<Candidate> = (0..n)
                    .filter(|j| mask & (1 << j) != 0)
                    .map(|j| Candidate {
                        at: given[j],
                        index: Some(j),
                    })
                    .collect();
                let layers = with_sites(&a.layers, &sites, FacilityKind::MedicalServicePoint, true);
                best = best.max(within(&layers, mode, limit));
            }
            assert_eq!(plan.population_within_limit_after, best, "{mode:?} k = {k}");
            assert!(plan.proven_optimal);
            assert!(plan.upper_bound_population.unwrap() >= best);
            assert!(plan.sites.len() <= k);
            let added: f64 = plan.sites.iter().map(|s| s.added_population).sum();
            assert_eq!(
                added,
                plan.population_within_limit_after - plan.population_within_limit_before
            );
            for s in &plan.sites {
                let j = s.candidate.expect("given candidates keep their index");
                assert_eq!((s.lon, s.lat), (given[j].lon, given[j].lat));
            }
        }
    }
}

#[test]
fn generated_candidates_and_set_covering_reach_the_target() {
    let (scene, _) = scene();
    let data = scene.dataset();
    let a = Analysis::run(&data, Mode::Walk, &SpeedTable::default()).unwrap();
    let request = PlanRequest {
        objective: Objective::SetCovering { target_share: 0.8 },
        limit_min: 15.0,
        kind: FacilityKind::VillageClinic,
        candidates: CandidateSource::Generated { spacing_m: 250.0 },
    };
    let plan = suggest(&a.layers, &a.reach, &request, &mut |_, _, _| {}).unwrap();
    assert!(plan.candidates_generated && plan.candidates_considered > 12);
    assert_eq!(plan.target_reached, Some(true));
    assert!(plan.population_within_limit_after >= 0.8 * plan.population_total);
    assert!(plan.population_within_limit_before < 0.8 * plan.population_total);
    assert!(plan.sites.iter().all(|s| s.candidate.is_none()));
    // One site fewer than suggested cannot reach the target when the plan says it is fewest.
    if plan.proven_optimal && plan.sites.len() > 1 {
        let k = plan.sites.len() - 1;
        let fewer = PlanRequest {
            objective: Objective::MaxCovering { k },
            ..request.clone()
        };
        let p = suggest(&a.layers, &a.reach, &fewer, &mut |_, _, _| {}).unwrap();
        assert!(p.upper_bound_population.unwrap() < 0.8 * plan.population_total);
    }
}

#[test]
fn bad_requests_are_refused() {
    let (scene, points) = scene();
    let plane = scene.plane().clone();
    let data = scene.dataset();
    let a = Analysis::run(&data, Mode::Walk, &SpeedTable::default()).unwrap();
    let given: Vec<LonLat> = points.iter().map(|&(x, y)| plane.at(x, y)).collect();
    let run = |objective, candidates| {
        let r = PlanRequest {
            objective,
            limit_min: 15.0,
            kind: FacilityKind::MedicalServicePoint,
            candidates,
        };
        suggest(&a.layers, &a.reach, &r, &mut |_, _, _| {})
    };
    assert_eq!(
        run(
            Objective::MaxCovering { k: 10 },
            CandidateSource::Given(given.clone())
        )
        .unwrap_err(),
        PlanError::MoreSitesThanCandidates {
            k: 10,
            candidates: 9
        }
    );
    assert_eq!(
        run(
            Objective::MaxCovering { k: 1 },
            CandidateSource::Given(Vec::new())
        )
        .unwrap_err(),
        PlanError::NoCandidates
    );
    assert_eq!(
        run(
            Objective::SetCovering { target_share: 1.5 },
            CandidateSource::Given(given)
        )
        .unwrap_err(),
        PlanError::TargetShare(1.5)
    );
}

#[test]
fn adding_a_site_never_lowers_the_population_within_the_limit() {
    let layers = medreach::devtools::synthetic::generate(8_000, 9);
    for mode in [Mode::Walk, Mode::Drive] {
        let limit = if mode == Mode::Walk { 15.0 } else { 4.0 };
        let before = within(&layers, mode, limit);
        let mut rng = medreach::devtools::random::SplitMix64(4);
        for _ in 0..5 {
            let s = &layers.settlements[rng.below(layers.settlements.len() as u64) as usize];
            let at = LonLat {
                lon: s.at.lon + 0.001,
                lat: s.at.lat - 0.0007,
            };
            let with = with_sites(
                &layers,
                &[Candidate { at, index: None }],
                FacilityKind::MedicalServicePoint,
                true,
            );
            assert!(within(&with, mode, limit) >= before, "{mode:?}");
        }
    }
}

fn instance() -> impl Strategy<Value = (Instance, usize)> {
    (3usize..12, 4usize..25).prop_flat_map(|(m, n)| {
        (
            prop::collection::vec(1u32..200, n),
            prop::collection::vec(prop::collection::btree_set(0..n as u32, 0..6), m),
            1usize..4,
        )
            .prop_map(|(w, sets, k)| {
                (
                    Instance {
                        weight: w.into_iter().map(f64::from).collect(),
                        sets: sets.into_iter().map(|s| s.into_iter().collect()).collect(),
                    },
                    k,
                )
            })
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]
    #[test]
    fn the_bound_is_never_below_the_exhaustive_optimum((inst, k) in instance()) {
        let m = inst.sets.len();
        let mut best = 0.0f64;
        for mask in 0u32..1 << m {
            if mask.count_ones() as usize <= k {
                let chosen: Vec<usize> = (0..m).filter(|j| mask & (1 << j) != 0).collect();
                best = best.max(inst.covered(&chosen));
            }
        }
        prop_assert!(solve::upper_bound(&inst, k) >= best);
        let s = solve::max_covering(&inst, k);
        prop_assert_eq!(s.covered, best);
        prop_assert!(s.upper_bound >= best);
    }
}
