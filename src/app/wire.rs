//! How messages between the page and its worker are written: MessagePack (`rmp-serde`, maps
//! with field names, so every serde attribute the types use reads back), in one byte buffer.
//!
//! A city's report is tens of thousands of rows and findings; as JSON it was 13 MB that the
//! worker printed and the page parsed, numbers as decimal text both ways. MessagePack writes a
//! number as its eight bytes: the same report is a quarter smaller and written and read a third
//! faster, on the path from the files dropped to the map drawn.

use serde::{de::DeserializeOwned, Serialize};

/// `message` as bytes.
pub fn encode<T: Serialize>(message: &T) -> Vec<u8> {
    rmp_serde::to_vec_named(message).expect("messages serialise")
}

/// The message in `bytes`.
pub fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, String> {
    rmp_serde::from_slice(bytes).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::editing::EditAsk;
    use crate::app::session::{InputFile, Session};
    use crate::engine::network::Mode;
    use crate::engine::rules::RuleParams;
    use std::fmt::Debug;

    fn round_trip<T: Serialize + DeserializeOwned + PartialEq + Debug>(value: &T, what: &str) {
        let back: T = decode(&encode(value)).unwrap_or_else(|e| panic!("{what}: {e}"));
        assert_eq!(&back, value, "{what}");
    }

    #[test]
    fn what_the_page_and_the_worker_send_reads_back_the_same() {
        let county = crate::devtools::demo_county::generate(crate::devtools::demo_county::SEED);
        let files = InputFile::texts(&county.files());
        let mut s = Session::new();
        assert!(s.load(files, true, &mut |_, _, _| {}).is_empty());
        let rules = RuleParams::default();
        round_trip(&rules, "rule parameters");
        round_trip(&crate::engine::network::SpeedTable::default(), "speeds");
        for mode in [Mode::Walk, Mode::Drive] {
            let out = s.run(mode, 15.0, &rules, &mut |_, _, _| {}).unwrap();
            assert!(!out.report.findings.is_empty());
            round_trip(&out.report, "a report");
        }
        // Edits of every kind the page asks, and what they leave: the summary with the edits
        // and the plan file, the report and its comparison with the data as loaded.
        let layers = s.data().layers();
        let kind = crate::engine::model::FacilityKind::MedicalServicePoint;
        let asks = [
            EditAsk::Add {
                kind,
                at: layers.settlements[0].at,
            },
            EditAsk::Delete {
                at: layers.facilities[0].at,
                within_m: 50.0,
            },
        ];
        for ask in &asks {
            round_trip(ask, "an edit asked");
            s.edit(ask).unwrap();
        }
        let out = s.run(Mode::Walk, 15.0, &rules, &mut |_, _, _| {}).unwrap();
        round_trip(&out.report, "an edited report");
        round_trip(&out.comparison.expect("a comparison"), "a comparison");
        let summary = s.summary();
        assert_eq!(summary.edits.len(), 2);
        round_trip(&summary, "the data summary");
        round_trip(&summary.work, "the work");
        // Site suggestions, capacity-limited coverage and the surface's grid: read back, they
        // write the same bytes.
        let plan = crate::app::planning::PlanAsk {
            mode: Mode::Walk,
            limit_min: 15.0,
            objective: crate::engine::planning::Objective::MaxCovering { k: 3 },
            kind,
            spacing_m: 500.0,
            candidates_file: None,
        };
        same_bytes(&plan, "a site suggestion asked");
        same_bytes(
            &s.plan(&plan, None, &mut |_, _, _| {}).unwrap(),
            "a site suggestion",
        );
        let (surface, _) = s
            .surface_update(Mode::Walk, 250.0, &mut |_, _, _| {})
            .expect("a surface")
            .unwrap();
        same_bytes(&surface, "a surface");
    }

    fn same_bytes<T: Serialize + DeserializeOwned>(value: &T, what: &str) {
        let bytes = encode(value);
        let back: T = decode(&bytes).unwrap_or_else(|e| panic!("{what}: {e}"));
        assert_eq!(encode(&back), bytes, "{what}");
    }
}
