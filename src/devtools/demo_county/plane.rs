//! Plane geometry in kilometres on the county's local frame, its own sine (plain IEEE
//! arithmetic, so every platform gets the same bits) and the map to WGS84 degrees.

use std::ops::{Add, Mul, Sub};

pub(super) const PI: f64 = std::f64::consts::PI;

/// Sine by range reduction and a Taylor polynomial (error below 1e-11): plain IEEE arithmetic,
/// so every platform gets the same bits.
pub(super) fn dsin(x: f64) -> f64 {
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
pub(super) struct P {
    pub(super) x: f64,
    pub(super) y: f64,
}

pub(super) const fn p(x: f64, y: f64) -> P {
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
    pub(super) fn len(self) -> f64 {
        (self.x * self.x + self.y * self.y).sqrt()
    }
    pub(super) fn dist(self, o: P) -> f64 {
        (self - o).len()
    }
    pub(super) fn unit(self) -> P {
        let l = self.len();
        if l > 0.0 {
            self * (1.0 / l)
        } else {
            p(1.0, 0.0)
        }
    }
    pub(super) fn cross(self, o: P) -> f64 {
        self.x * o.y - self.y * o.x
    }
    pub(super) fn dot(self, o: P) -> f64 {
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
pub(super) fn polyline_distance(q: P, line: &[P]) -> f64 {
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
pub(super) fn lonlat(q: P) -> [f64; 2] {
    [
        round6(LON0 + q.x / KM_PER_DEG_LON),
        round6(LAT0 + q.y / KM_PER_DEG_LAT),
    ]
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
}
