//! One what-if edit, timed: a facility added where the most populous settlement beyond the
//! limit stands, then everything the page shows recomputed (the travel times, the rules, the
//! report, the comparison with the data as loaded, and the map), as the worker does after an
//! edit.
//! Issue 12's targets: one facility edit within a frame (16 ms) on the demo county, 100 ms on
//! Porto. `scripts/bench.sh` runs it.
//!
//! ```sh
//! cargo run --release --example bench_edit -- [--porto DIR] [--reps 7]
//! ```
//!
//! `--porto DIR` also times Porto's roads with the benchmark's clinics and settlements (the
//! GeoJSON files `examples/bench_read.rs make` writes).

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    if let Err(e) = native::run() {
        eprintln!("bench_edit: {e}");
        std::process::exit(2);
    }
}

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use medreach::app::analysis::Analysis;
    use medreach::app::compare::compare;
    use medreach::app::scene::{ProjectedRings, Scene};
    use medreach::devtools::benchmark::{flag, median};
    use medreach::engine::dataset::Dataset;
    use medreach::engine::edits::{Edit, FeatureRef};
    use medreach::engine::model::FacilityKind;
    use medreach::engine::network::{Mode, SpeedTable};
    use medreach::engine::rules::RuleParams;
    use std::path::Path;
    use std::time::Instant;

    pub fn run() -> Result<(), String> {
        let args: Vec<String> = std::env::args().skip(1).collect();
        let reps: usize =
            flag(&args, "--reps").map_or(Ok(7), |r| r.parse().map_err(|_| "--reps N"))?;
        let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("demo/county");
        let layers = ["roads", "facilities", "settlements", "admin"];
        for mode in [Mode::Walk, Mode::Drive] {
            time("demo county", &load(&demo, &layers)?, mode, reps, 16.0)?;
        }
        if let Some(dir) = flag(&args, "--porto") {
            let data = load(Path::new(&dir), &["roads", "facilities", "settlements"])?;
            time("Porto", &data, Mode::Walk, reps, 100.0)?;
        }
        Ok(())
    }

    fn load(dir: &Path, layers: &[&str]) -> Result<Dataset, String> {
        let mut data = Dataset::default();
        for name in layers {
            let path = dir.join(format!("{name}.geojson"));
            let text =
                std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            data.load(&format!("{name}.geojson"), &text)
                .map_err(|e| e.to_string())?;
        }
        Ok(data)
    }

    fn time(
        what: &str,
        data: &Dataset,
        mode: Mode,
        reps: usize,
        target_ms: f64,
    ) -> Result<(), String> {
        let speeds = SpeedTable::default();
        let params = RuleParams::default();
        let before = Analysis::run(data, mode, &speeds).map_err(|e| e.to_string())?;
        let report = before.report(15.0, &params);
        let (row, _) = report
            .settlements
            .iter()
            .enumerate()
            .filter(|(_, s)| !s.within_limit)
            .max_by(|a, b| a.1.population.total_cmp(&b.1.population))
            .ok_or("no settlement beyond the limit")?;
        let at = before.layers.settlements[row].at;
        let add = Edit::AddFacility {
            id: 0,
            kind: FacilityKind::MedicalServicePoint,
            at,
            name: None,
            capacity: Default::default(),
        };
        // The road the most populous settlement within the limit joins: closed, or slowed.
        let (within, _) = report
            .settlements
            .iter()
            .enumerate()
            .filter(|(_, s)| s.within_limit)
            .max_by(|a, b| a.1.population.total_cmp(&b.1.population))
            .ok_or("no settlement within the limit")?;
        let reach = &before.reach;
        let snap = reach
            .network
            .snap(reach.settlement_xy[within])
            .ok_or("no road to close")?;
        let source =
            before.layers.roads[reach.network.segments[snap.segment as usize].road as usize].source;
        let road = FeatureRef {
            file: before.file_names[source.file as usize].clone(),
            index: source.feature,
        };
        let edits = [
            ("facility added", add),
            ("road closed", Edit::CloseRoad { road: road.clone() }),
            (
                "road at 5 km/h",
                Edit::SetRoad {
                    road,
                    class: None,
                    speed_kmh: Some(5.0),
                },
            ),
        ];
        for (name, edit) in edits {
            time_edit(what, name, data, &report, mode, reps, target_ms, &edit)?;
        }
        Ok(())
    }

    /// Times `edit` after the analysis of `data` (whose report is `report`).
    #[allow(clippy::too_many_arguments)]
    fn time_edit(
        what: &str,
        name: &str,
        data: &Dataset,
        report: &medreach::engine::report::Report,
        mode: Mode,
        reps: usize,
        target_ms: f64,
        edit: &Edit,
    ) -> Result<(), String> {
        let speeds = SpeedTable::default();
        let params = RuleParams::default();
        let mut times = Vec::new();
        let mut gained = 0.0;
        for _ in 0..reps {
            let mut edited = data.clone();
            // The analysis before the edit, whose network and joins the worker reuses, with
            // its report made (as the page had: the other modes the rules asked are known).
            let prior = Analysis::run(data, mode, &speeds).map_err(|e| e.to_string())?;
            let _ = prior.report(15.0, &params);
            // The map of the analysis before, as the page showed it (its admin rings are kept).
            let mut rings = ProjectedRings::default();
            let _ = Scene::build_with(&prior, &mut rings);
            let start = Instant::now();
            edited
                .set_edits(vec![edit.clone()])
                .map_err(|e| e.to_string())?;
            let after = Analysis::run_after(&edited, mode, &speeds, &mut |_, _, _| {}, prior)
                .map_err(|e| e.to_string())?;
            let plan = after.report(15.0, &params);
            let c = compare(report, &plan);
            // The map the worker sends after an edit.
            let scene = Scene::build_with(&after, &mut rings).encode();
            times.push(start.elapsed().as_secs_f64() * 1000.0);
            std::hint::black_box(scene);
            gained = c.population_gained;
        }
        let ms = median(&mut times);
        if std::env::var("BENCH_EDIT_STAGES").is_ok() {
            let mut edited = data.clone();
            let t0 = Instant::now();
            edited
                .set_edits(vec![edit.clone()])
                .map_err(|e| e.to_string())?;
            let set = Instant::now();
            let prior = Analysis::run(data, mode, &speeds).map_err(|e| e.to_string())?;
            let _ = prior.report(15.0, &params);
            let mut rings = ProjectedRings::default();
            let _ = Scene::build_with(&prior, &mut rings);
            let t1 = Instant::now();
            let mut marks: Vec<(String, f64)> = Vec::new();
            let after = Analysis::run_after(
                &edited,
                mode,
                &speeds,
                &mut |st, _, _| {
                    let name = format!("{st:?}");
                    if marks.last().is_none_or(|(n, _)| *n != name) {
                        marks.push((name, t1.elapsed().as_secs_f64() * 1000.0));
                    }
                },
                prior,
            )
            .map_err(|e| e.to_string())?;
            let t2 = Instant::now();
            let plan = after.report(15.0, &params);
            let t3 = Instant::now();
            let _ = compare(report, &plan);
            let t4 = Instant::now();
            let _ = Scene::build_with(&after, &mut rings).encode();
            let t5 = Instant::now();
            let ms = |a: Instant, b: Instant| (b - a).as_secs_f64() * 1000.0;
            println!(
                "  set_edits {:.1} ms, analysis {:.1} ms {marks:?}, report {:.1} ms, compare {:.1} ms, map {:.1} ms",
                ms(t0, set),
                ms(t1, t2),
                ms(t2, t3),
                ms(t3, t4),
                ms(t4, t5)
            );
        }
        println!(
            "edit {what} {}: {ms:.1} ms per {name} (target for a facility <= {target_ms} ms), {gained:.0} residents gained",
            mode.id()
        );
        Ok(())
    }
}
