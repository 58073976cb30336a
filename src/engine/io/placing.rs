//! Where a file's positions are: the one policy every reader that may meet coordinates other
//! than WGS84 longitude/latitude follows once it has read its features as they stand.
//!
//! - The system is the user's choice, else the file's own declaration, else longitude/latitude
//!   in WGS84 degrees. A choice that disagrees with the file's declaration wins, with a note.
//! - Positions are converted to WGS84. A feature with a position that is not a longitude and
//!   latitude afterwards (a wild coordinate: 1e300, longitude 200, NaN) is skipped with its
//!   reason, unless that is most of the file: then the file is refused ([`Unplaced`]) with the
//!   systems its numbers may be in ([`crate::engine::crs::system::candidates`]), for the user
//!   to choose from. GCJ-02 and BD-09 are never assumed.
//! - Points at exactly (0, 0) get a note: they are usually missing coordinates.

use crate::engine::crs::system::{candidates, Crs, Datum, Named};
use crate::engine::crs::LonLat;
use crate::engine::model::{Layers, SkipReason, Skipped, Source};
use std::collections::HashMap;

/// A file whose positions are not longitude/latitude in the system it was read in, for most of
/// its features; nothing of it is used.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("{}", self.english())]
pub struct Unplaced {
    /// The file.
    pub file: String,
    /// The first such feature (position in the file).
    pub feature: u32,
    /// Its first such position, as the file holds it.
    pub x: f64,
    /// See `x`.
    pub y: f64,
    /// The system the file was read in, when it was not plain longitude/latitude (a code such
    /// as `EPSG:4527`).
    pub system: Option<String>,
    /// A system the file declares that MedReach does not convert.
    pub unknown_declared: Option<String>,
    /// The systems the numbers may be in, most likely first: (code, English name).
    pub candidates: Vec<(String, String)>,
}

impl Unplaced {
    fn english(&self) -> String {
        let Unplaced {
            file,
            feature,
            x,
            y,
            ..
        } = self;
        let what = match (&self.system, &self.unknown_declared) {
            (Some(code), _) => format!("does not convert to longitude/latitude as {code}"),
            (None, Some(declared)) => format!(
                "is not longitude/latitude (the file looks projected), and the file's coordinate system ({declared}) is not one MedReach converts"
            ),
            (None, None) => {
                "is not longitude/latitude (the file looks projected), and the file does not say its coordinate system".into()
            }
        };
        let choices = if self.candidates.is_empty() {
            "give the file's coordinate system (EPSG:NNNN)".to_string()
        } else {
            format!(
                "it may be {}: choose one",
                self.candidates
                    .iter()
                    .map(|(code, label)| format!("{code} ({label})"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        format!("{file}: feature {feature} has position [{x}, {y}], which {what}; {choices} (in the page, or on the command line with --roads-crs, --facilities-crs, --settlements-crs, --admin-crs or --data-crs), or export the file as WGS84 longitude/latitude (EPSG:4326)")
    }
}

/// What a reader knows of a file's system.
#[derive(Clone, Debug, Default)]
pub struct Declared {
    /// The system the file names, when MedReach knows it.
    pub known: Option<Named>,
    /// What the file names, when MedReach does not know it (its text).
    pub unknown: Option<String>,
}

/// Converts every position of `layers` (read from `file` as the file holds them) to WGS84, as
/// the module says; `chosen` is the user's choice, if any.
pub fn place(
    file: &str,
    file_id: u32,
    layers: &mut Layers,
    declared: Declared,
    chosen: Option<&Named>,
) -> Result<(), Unplaced> {
    let system = match (chosen, &declared.known) {
        (Some(c), Some(d)) if c.code != d.code => {
            layers.notes.push(format!(
                "{file}: the file says its coordinates are {} ({}); read as {} ({}), as chosen",
                d.code, d.label, c.code, c.label
            ));
            Some(c.clone())
        }
        (Some(c), _) => Some(c.clone()),
        (None, d) => d.clone(),
    };
    let crs = system.as_ref().map_or(Crs::Geographic, |s| s.crs.clone());
    layers.facts.crs = match &system {
        Some(s) if !s.code.starts_with("EPSG:") => s.label.clone(),
        Some(s) => format!("{} ({})", s.code, s.label),
        None => "WGS 84 (longitude/latitude)".into(),
    };
    let Converted {
        bad,
        sample,
        total,
        at_origin,
    } = convert(layers, &crs);
    if let Some(s) = &system {
        if s.datum == Datum::OldChinese {
            layers.notes.push(format!(
                "{file}: {} coordinates, converted without a datum shift (the file gives none): positions may be off by up to about 100 m",
                s.label
            ));
        }
    }
    if at_origin > 0 {
        layers.notes.push(format!(
            "{file}: {at_origin} point(s) at longitude 0, latitude 0, which usually means a missing position"
        ));
    }
    // The system named in what is said of a position, when it is not plain longitude/latitude.
    let system_code = system
        .as_ref()
        .filter(|s| s.crs != Crs::Geographic)
        .map(|s| s.code.clone());
    if bad.is_empty() {
        return Ok(());
    }
    if bad.len() * 2 > total {
        let (&feature, &(x, y)) = bad.iter().min_by_key(|(f, _)| **f).expect("not empty");
        return Err(Unplaced {
            file: file.to_string(),
            feature,
            x,
            y,
            system: system_code,
            unknown_declared: declared.unknown,
            candidates: candidates(&sample)
                .into_iter()
                .map(|n| (n.code, n.label))
                .collect(),
        });
    }
    skip(layers, file_id, bad, system_code);
    Ok(())
}

/// What converting a file's positions found.
struct Converted {
    /// The features with a position that is not a longitude/latitude afterwards, with the
    /// first such position as the file held it.
    bad: HashMap<u32, (f64, f64)>,
    /// Such positions, up to 256, to tell the systems they may be in.
    sample: Vec<(f64, f64)>,
    /// Features.
    total: usize,
    /// Points at exactly (0, 0).
    at_origin: usize,
}

/// Converts every position of `layers` from `crs` to WGS84 in place, noting the features left
/// without a longitude/latitude.
fn convert(layers: &mut Layers, crs: &Crs) -> Converted {
    let mut out = Converted {
        bad: HashMap::new(),
        sample: Vec::new(),
        total: 0,
        at_origin: 0,
    };
    let mut feature = |source: Source, positions: &mut dyn Iterator<Item = &mut LonLat>| {
        out.total += 1;
        let mut first_bad = None;
        for p in positions {
            let (x, y) = (p.lon, p.lat);
            if *crs != Crs::Geographic {
                *p = crs.to_lonlat(x, y);
            }
            let ok = p.lon.is_finite()
                && p.lat.is_finite()
                && p.lon.abs() <= 180.0
                && p.lat.abs() <= 90.0;
            if !ok && first_bad.is_none() {
                first_bad = Some((x, y));
            }
            if !ok && out.sample.len() < 256 && x.is_finite() && y.is_finite() {
                out.sample.push((x, y));
            }
        }
        if let Some(xy) = first_bad {
            out.bad.insert(source.feature, xy);
        }
    };
    let origin = LonLat { lon: 0.0, lat: 0.0 };
    let mut at_origin = 0;
    for r in &mut layers.roads {
        feature(r.source, &mut r.lines.iter_mut().flatten());
    }
    for f in &mut layers.facilities {
        at_origin += usize::from(f.at == origin);
        feature(f.source, &mut std::iter::once(&mut f.at));
    }
    for s in &mut layers.settlements {
        at_origin += usize::from(s.at == origin);
        feature(s.source, &mut std::iter::once(&mut s.at));
    }
    for u in &mut layers.admin {
        feature(u.source, &mut u.polygons.iter_mut().flatten().flatten());
    }
    out.at_origin = at_origin;
    out
}

/// Takes the features in `bad` out of `layers`, each skipped with its position.
fn skip(layers: &mut Layers, file_id: u32, bad: HashMap<u32, (f64, f64)>, system: Option<String>) {
    let keep = |source: &Source| !bad.contains_key(&source.feature);
    layers.roads.retain(|r| keep(&r.source));
    layers.facilities.retain(|f| keep(&f.source));
    layers.settlements.retain(|s| keep(&s.source));
    layers.admin.retain(|u| keep(&u.source));
    layers
        .skipped
        .extend(bad.into_iter().map(|(feature, (x, y))| Skipped {
            source: Source {
                file: file_id,
                feature,
            },
            reason: SkipReason::BadPosition {
                x,
                y,
                system: system.clone(),
            },
        }));
    layers.skipped.sort_by_key(|s| s.source.feature);
}

#[cfg(test)]
mod tests {
    use crate::engine::io::geojson::{read_geojson, InputError};
    use crate::engine::model::SkipReason;

    fn points(coords: &[&str]) -> String {
        let features: Vec<String> = coords
            .iter()
            .map(|c| format!(r#"{{"type":"Feature","properties":{{"人口":5}},"geometry":{{"type":"Point","coordinates":{c}}}}}"#))
            .collect();
        format!(
            r#"{{"type":"FeatureCollection","features":[{}]}}"#,
            features.join(",")
        )
    }

    #[test]
    fn a_wild_position_skips_its_feature_unless_it_is_most_of_the_file() {
        let l = read_geojson(
            "s.geojson",
            &points(&[
                "[110,30]",
                "[1e300,30]",
                "[110.1,30.1]",
                "[200,10]",
                "[0,0]",
            ]),
            0,
        )
        .unwrap();
        assert_eq!(l.settlements.len(), 3, "two skipped, (0, 0) kept");
        let skipped: Vec<_> = l
            .skipped
            .iter()
            .map(|s| (s.source.feature, s.reason.clone()))
            .collect();
        assert_eq!(skipped.len(), 2);
        assert_eq!(skipped[0].0, 1);
        assert!(matches!(skipped[1].1, SkipReason::BadPosition { x, .. } if x == 200.0));
        assert!(
            l.notes
                .iter()
                .any(|n| n.contains("longitude 0, latitude 0")),
            "{:?}",
            l.notes
        );
        let e = read_geojson(
            "s.geojson",
            &points(&["[110,30]", "[500000,4000000]", "[500100,4000000]"]),
            0,
        )
        .unwrap_err();
        assert!(matches!(e, InputError::Unplaced(_)), "{e}");
    }
}
