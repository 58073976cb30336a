//! Road segments as lines thinned for one drawing scale, so that the map strokes what can be
//! seen rather than every vertex.
//!
//! A scene's segments run along their roads: most start where the one before ended (85 % of
//! Porto's 374,340). Joined, they make lines with one move and a vertex per segment instead of
//! a move and a line each. At the scale a whole city fits the screen, most of those vertices
//! are less than a pixel apart, and a browser's canvas fills every one of them: thinning each
//! line to the vertices at least `tolerance` from the last one kept (in x or y) leaves a line
//! that no pixel can tell from the original (every vertex dropped is within `tolerance` of one
//! kept, in each axis), while Chromium's software canvas strokes Porto's roads in 40 % of
//! the time. The map rebuilds the lines when the view zooms far enough for the tolerance to
//! show or to be needlessly fine ([`fits`]).

use crate::engine::crs::Xy;

/// Lines: `points[starts[i]..starts[i + 1]]` is line `i` (the last ends with `points`). Every
/// line has at least two points.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Lines {
    /// Where each line starts in `points`.
    pub starts: Vec<usize>,
    /// The lines' points, one after the other.
    pub points: Vec<Xy>,
    /// The tolerance they were thinned with, in the segments' units.
    pub tolerance: f64,
}

impl Lines {
    /// `segs` (`[x1, y1, x2, y2]`) joined into lines where a segment starts exactly where the
    /// one before it ended, each line keeping its first and last point and, between them,
    /// every point at least `tolerance` from the last one kept in x or in y. A `tolerance` of 0
    /// keeps every point.
    pub fn of(segs: &[[f64; 4]], tolerance: f64) -> Lines {
        let mut lines = Lines {
            starts: Vec::new(),
            points: Vec::with_capacity(segs.len() + segs.len() / 4),
            tolerance,
        };
        // The last end seen (the line's current end) and whether it is in `points`.
        let mut end: Option<(Xy, bool)> = None;
        for &[x1, y1, x2, y2] in segs {
            let (a, b) = (Xy { x: x1, y: y1 }, Xy { x: x2, y: y2 });
            match end {
                Some((e, _)) if e == a => {}
                _ => {
                    lines.finish(end);
                    lines.starts.push(lines.points.len());
                    lines.points.push(a);
                }
            }
            let kept = *lines.points.last().expect("a line has its first point");
            let near = (b.x - kept.x).abs() < tolerance && (b.y - kept.y).abs() < tolerance;
            if !near {
                lines.points.push(b);
            }
            end = Some((b, !near));
        }
        lines.finish(end);
        lines
    }

    /// Ends the current line at its last end, when that was thinned away.
    fn finish(&mut self, end: Option<(Xy, bool)>) {
        if let Some((e, false)) = end {
            self.points.push(e);
        }
    }

    /// Number of lines.
    pub fn len(&self) -> usize {
        self.starts.len()
    }

    /// Whether there are no lines.
    pub fn is_empty(&self) -> bool {
        self.starts.is_empty()
    }

    /// Line `i`'s points.
    pub fn line(&self, i: usize) -> &[Xy] {
        let end = self.starts.get(i + 1).copied().unwrap_or(self.points.len());
        &self.points[self.starts[i]..end]
    }

    /// Every line's points, in order.
    pub fn iter(&self) -> impl Iterator<Item = &[Xy]> {
        (0..self.len()).map(|i| self.line(i))
    }
}

/// How far apart, in device pixels, the points of drawn roads are at least. Porto's roads
/// fitted to a 900 × 760 canvas (headless Chromium's software canvas): unthinned segments
/// stroke in 0.24 s, the lines unthinned in 0.19 s, thinned with 0.5 px in 115 ms, 0.7 px in
/// 99 ms and 1 px in 86 ms; against the unthinned drawing 0.1 %, 0.2 % and 0.5 % of the pixels
/// differ by more than an eighth of the range.
pub const TOLERANCE_PX: f64 = 0.7;

/// The tolerance, in scene metres, for drawing at `device_px_per_m` device pixels a metre.
pub fn tolerance_at(device_px_per_m: f64) -> f64 {
    TOLERANCE_PX / device_px_per_m
}

/// Whether lines thinned with tolerance `have` suit drawing with `wanted`: not visibly coarser
/// (at most 1.5 × `wanted`) and not needlessly fine (at least `wanted` / 4, so zooming in and
/// out again does not rebuild them every time).
pub fn fits(have: f64, wanted: f64) -> bool {
    have <= wanted * 1.5 && have >= wanted / 4.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn xy(x: f64, y: f64) -> Xy {
        Xy { x, y }
    }

    fn lines(l: &Lines) -> Vec<Vec<(f64, f64)>> {
        l.iter()
            .map(|line| line.iter().map(|p| (p.x, p.y)).collect())
            .collect()
    }

    #[test]
    fn segments_end_to_end_make_one_line_and_others_start_new_ones() {
        let segs = [
            [0.0, 0.0, 1.0, 0.0],
            [1.0, 0.0, 2.0, 1.0],
            [5.0, 5.0, 6.0, 5.0],
            [6.0, 5.0, 6.0, 6.0],
            [1.0, 0.0, 1.0, -1.0],
        ];
        let l = Lines::of(&segs, 0.0);
        assert_eq!(
            lines(&l),
            vec![
                vec![(0.0, 0.0), (1.0, 0.0), (2.0, 1.0)],
                vec![(5.0, 5.0), (6.0, 5.0), (6.0, 6.0)],
                vec![(1.0, 0.0), (1.0, -1.0)],
            ]
        );
        assert_eq!(l.len(), 3);
        assert!(Lines::of(&[], 1.0).is_empty());
    }

    #[test]
    fn thinning_keeps_the_ends_and_every_point_a_tolerance_away() {
        // A line of 11 points 0.3 apart along x, with a step of 2 in y at the sixth.
        let mut segs = Vec::new();
        for i in 0..10 {
            let y = |i: usize| if i >= 5 { 2.0 } else { 0.0 };
            segs.push([i as f64 * 0.3, y(i), (i + 1) as f64 * 0.3, y(i + 1)]);
        }
        let l = Lines::of(&segs, 1.0);
        let pts = l.line(0);
        assert_eq!(l.len(), 1);
        assert_eq!(pts.first(), Some(&xy(0.0, 0.0)));
        assert_eq!(pts.last(), Some(&xy(3.0, 2.0)));
        assert!(pts.contains(&xy(1.5, 2.0)), "the step is kept: {pts:?}");
        assert!(
            pts.len() < 11,
            "points within the tolerance are dropped: {pts:?}"
        );
        // Every point of the original is within the tolerance of a kept point, in each axis.
        for s in &segs {
            for p in [xy(s[0], s[1]), xy(s[2], s[3])] {
                assert!(pts
                    .iter()
                    .any(|k| (k.x - p.x).abs() <= 1.0 && (k.y - p.y).abs() <= 1.0));
            }
        }
        // A line shorter than the tolerance keeps both its ends.
        let short = Lines::of(&[[0.0, 0.0, 0.1, 0.1], [0.1, 0.1, 0.2, 0.0]], 1.0);
        assert_eq!(lines(&short), vec![vec![(0.0, 0.0), (0.2, 0.0)]]);
    }

    #[test]
    fn lines_fit_a_tolerance_near_theirs() {
        assert!(fits(2.0, 2.0) && fits(2.0, 1.4) && fits(2.0, 8.0));
        assert!(!fits(2.0, 1.0), "zoomed in: too coarse");
        assert!(!fits(2.0, 9.0), "zoomed out: needlessly fine");
        assert_eq!(tolerance_at(2.0), TOLERANCE_PX / 2.0);
    }
}
