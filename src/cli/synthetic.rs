//! `medreach synthetic`: a generated network checked end to end, with the time of each stage
//! and the peak memory.

use super::USAGE;
use crate::app::options::Options;

/// `medreach synthetic --junctions N [--seed S] [--mode walk|drive] [--limit-min 15]`: generates
/// a synthetic network ([`crate::devtools::synthetic`]), runs the check on it end to end and reports the
/// sizes, the seconds of each stage, the peak memory and the bytes per junction as JSON.
pub fn run(args: &[String]) -> Result<String, String> {
    use std::time::Instant;
    let mut junctions: Option<usize> = None;
    let mut seed = 1u64;
    let mut options = Options::default();
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let v = it
            .next()
            .ok_or_else(|| format!("{flag} needs a value\n\n{USAGE}"))?;
        let number = |what: &str| format!("{flag}: \"{v}\" is not {what}");
        match flag.as_str() {
            "--junctions" => {
                junctions = Some(
                    v.parse()
                        .ok()
                        .filter(|&n: &usize| n > 0)
                        .ok_or_else(|| number("a positive whole number"))?,
                )
            }
            "--seed" => seed = v.parse().map_err(|_| number("a whole number"))?,
            "--mode" => options.mode = v.parse()?,
            "--limit-min" => options.limit_min = v.parse().map_err(|_| number("a number"))?,
            other => return Err(format!("unknown option \"{other}\"\n\n{USAGE}")),
        }
    }
    let junctions = junctions.ok_or_else(|| format!("synthetic needs --junctions N\n\n{USAGE}"))?;
    options.validate().map_err(|e| e.to_string())?;

    let start = Instant::now();
    let mut now = || start.elapsed().as_secs_f64() * 1e3;
    let run = crate::devtools::benchmark::time_synthetic(
        junctions,
        seed,
        &options,
        &mut now,
        &mut |_, _, _| {},
    )
    .map_err(|e| e.to_string())?;
    let mut seconds = serde_json::Map::new();
    for (stage, ms) in &run.stage_ms {
        seconds.insert(stage.to_string(), (ms / 1e3).into());
    }
    seconds.insert("total".to_string(), (run.total_ms / 1e3).into());
    let (analysis, report) = (&run.analysis, &run.report);
    let [roads, facilities, settlements, admin_units] = run.generated;

    let nodes = analysis.reach.network.nodes.len();
    let peak = peak_memory_bytes();
    // The surface at 50 m after the memory is read: it is not part of the check.
    let surface = crate::devtools::benchmark::time_surface(analysis, 50.0, &mut now)
        .map_err(|e| e.to_string())?;
    seconds.insert("surface_50m".to_string(), (surface.surface_ms / 1e3).into());
    seconds.insert(
        "isochrones".to_string(),
        (surface.isochrones_ms / 1e3).into(),
    );
    let json = serde_json::json!({
        "junctions_requested": junctions,
        "seed": seed,
        "mode": options.mode.id(),
        "junctions": nodes,
        "segments": analysis.reach.network.segments.len(),
        "roads": roads,
        "facilities": facilities,
        "settlements": settlements,
        "admin_units": admin_units,
        "findings": report.findings.len(),
        "graph_nodes": analysis.reach.graph_nodes(),
        "graph_core_nodes": match &analysis.reach.router {
            crate::engine::routing::Router::Network { graph, .. } => graph.core_node_count(),
            crate::engine::routing::Router::StraightLine { .. } => 0,
        },
        "graph_arcs": analysis.reach.graph_arcs(),
        "surface_cells": surface.cells,
        "seconds": seconds,
        "peak_memory_mb": peak.map(|b| b as f64 / (1u64 << 20) as f64),
        "bytes_per_junction": peak.map(|b| b as f64 / nodes.max(1) as f64),
        "summary": report.summary,
    });
    serde_json::to_string_pretty(&json).map_err(|e| e.to_string())
}

/// The process's peak resident memory (`VmHWM` in `/proc/self/status`), where there is one.
fn peak_memory_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}
