//! The transverse Mercator projection on any ellipsoid, forward and inverse (Krüger's series
//! to n⁶, Karney 2011, with Newton steps on the inverse): UTM, and the Gauss–Krüger projections
//! of China's CGCS2000, Xian 1980 and Beijing 1954 grids (scale 1, false easting 500 km, with
//! or without the zone number in front).

use super::{LonLat, Xy};

/// One transverse Mercator grid.
#[derive(Clone, Debug, PartialEq)]
pub struct TransverseMercator {
    lon0_rad: f64,
    /// `k0 * A`, the scaled rectifying radius, metres.
    k0_a: f64,
    /// First eccentricity.
    e: f64,
    false_easting: f64,
    false_northing: f64,
    alpha: [f64; 6],
    beta: [f64; 6],
}

impl TransverseMercator {
    /// The grid on the ellipsoid of semi-major axis `a` (m) and flattening `f`, with central
    /// meridian `lon0_deg`, scale `k0` on it, and false easting and northing in metres.
    pub fn new(
        a: f64,
        f: f64,
        lon0_deg: f64,
        k0: f64,
        false_easting: f64,
        false_northing: f64,
    ) -> Self {
        let n = f / (2.0 - f);
        let (n2, n3) = (n * n, n * n * n);
        let (n4, n5, n6) = (n3 * n, n3 * n2, n3 * n3);
        let a_rect = a / (1.0 + n) * (1.0 + n2 / 4.0 + n4 / 64.0 + n6 / 256.0);
        let alpha = [
            n / 2.0 - 2.0 * n2 / 3.0 + 5.0 * n3 / 16.0 + 41.0 * n4 / 180.0 - 127.0 * n5 / 288.0
                + 7891.0 * n6 / 37800.0,
            13.0 * n2 / 48.0 - 3.0 * n3 / 5.0 + 557.0 * n4 / 1440.0 + 281.0 * n5 / 630.0
                - 1_983_433.0 * n6 / 1_935_360.0,
            61.0 * n3 / 240.0 - 103.0 * n4 / 140.0
                + 15061.0 * n5 / 26880.0
                + 167_603.0 * n6 / 181_440.0,
            49561.0 * n4 / 161_280.0 - 179.0 * n5 / 168.0 + 6_601_661.0 * n6 / 7_257_600.0,
            34729.0 * n5 / 80640.0 - 3_418_889.0 * n6 / 1_995_840.0,
            212_378_941.0 * n6 / 319_334_400.0,
        ];
        let beta = [
            n / 2.0 - 2.0 * n2 / 3.0 + 37.0 * n3 / 96.0 - n4 / 360.0 - 81.0 * n5 / 512.0
                + 96199.0 * n6 / 604_800.0,
            n2 / 48.0 + n3 / 15.0 - 437.0 * n4 / 1440.0 + 46.0 * n5 / 105.0
                - 1_118_711.0 * n6 / 3_870_720.0,
            17.0 * n3 / 480.0 - 37.0 * n4 / 840.0 - 209.0 * n5 / 4480.0 + 5569.0 * n6 / 90720.0,
            4397.0 * n4 / 161_280.0 - 11.0 * n5 / 504.0 - 830_251.0 * n6 / 7_257_600.0,
            4583.0 * n5 / 161_280.0 - 108_847.0 * n6 / 3_991_680.0,
            20_648_693.0 * n6 / 638_668_800.0,
        ];
        TransverseMercator {
            lon0_rad: lon0_deg.to_radians(),
            k0_a: k0 * a_rect,
            e: (f * (2.0 - f)).sqrt(),
            false_easting,
            false_northing,
            alpha,
            beta,
        }
    }

    /// Projects `p` to metres.
    pub fn project(&self, p: LonLat) -> Xy {
        let phi = p.lat.to_radians();
        let lam = p.lon.to_radians() - self.lon0_rad;
        let sin_phi = phi.sin();
        let t = (sin_phi.atanh() - self.e * (self.e * sin_phi).atanh()).sinh();
        let xi_p = t.atan2(lam.cos());
        let eta_p = (lam.sin() / (1.0 + t * t).sqrt()).atanh();
        let (d_xi, d_eta) = series(&self.alpha, xi_p, eta_p);
        let (xi, eta) = (xi_p + d_xi, eta_p + d_eta);
        Xy {
            x: self.false_easting + self.k0_a * eta,
            y: self.false_northing + self.k0_a * xi,
        }
    }

    /// The position that projects to `xy`.
    pub fn unproject(&self, xy: Xy) -> LonLat {
        let mut p = self.inverse_series(xy);
        // Newton steps on the forward series: the round trip then returns `xy` to the
        // nanometre (the series alone is good to a few nanometres in a zone).
        let h = 1e-7;
        for _ in 0..4 {
            let f = self.project(p);
            let (ex, ey) = (xy.x - f.x, xy.y - f.y);
            if ex.hypot(ey) < 1e-10 {
                break;
            }
            let e = self.project(LonLat {
                lon: p.lon + h,
                lat: p.lat,
            });
            let n = self.project(LonLat {
                lon: p.lon,
                lat: p.lat + h,
            });
            let (a, b) = ((e.x - f.x) / h, (n.x - f.x) / h);
            let (c, d) = ((e.y - f.y) / h, (n.y - f.y) / h);
            let det = a * d - b * c;
            p.lon += (d * ex - b * ey) / det;
            p.lat += (a * ey - c * ex) / det;
        }
        p
    }

    /// Krüger's inverse series (Karney 2011, eqs. 11, 15, 18–21).
    fn inverse_series(&self, xy: Xy) -> LonLat {
        let xi = (xy.y - self.false_northing) / self.k0_a;
        let eta = (xy.x - self.false_easting) / self.k0_a;
        let (d_xi, d_eta) = series(&self.beta, xi, eta);
        let (xi_p, eta_p) = (xi - d_xi, eta - d_eta);
        let tau_p = xi_p.sin() / (eta_p.sinh().powi(2) + xi_p.cos().powi(2)).sqrt();
        let lam = eta_p.sinh().atan2(xi_p.cos());
        // τ from τ′ by Newton's method (Karney 2011, eqs. 7, 19–21).
        let e = self.e;
        let e2m = 1.0 - e * e;
        let mut tau = tau_p;
        for _ in 0..8 {
            let s1 = (1.0 + tau * tau).sqrt();
            let sigma = (e * (e * tau / s1).atanh()).sinh();
            let tau_i = tau * (1.0 + sigma * sigma).sqrt() - sigma * s1;
            let d = (tau_p - tau_i) / (1.0 + tau_i * tau_i).sqrt() * (1.0 + e2m * tau * tau)
                / (e2m * s1);
            tau += d;
            if d.abs() < 1e-14 * tau.abs().max(1.0) {
                break;
            }
        }
        LonLat {
            lon: (self.lon0_rad + lam).to_degrees(),
            lat: tau.atan().to_degrees(),
        }
    }
}

/// `(Σ c_j sin(2jξ) cosh(2jη), Σ c_j cos(2jξ) sinh(2jη))` for j = 1…6: the multiple angles by
/// the addition formulas from one sine, cosine, sinh and cosh (four library calls where the
/// terms one by one take twenty-four; the projection is most of the cost of reading a file).
fn series(c: &[f64; 6], xi: f64, eta: f64) -> (f64, f64) {
    let (s1, c1) = (2.0 * xi).sin_cos();
    let (sh1, ch1) = ((2.0 * eta).sinh(), (2.0 * eta).cosh());
    let (mut s, mut co, mut sh, mut ch) = (s1, c1, sh1, ch1);
    let (mut a, mut b) = (0.0, 0.0);
    for (j, cj) in c.iter().enumerate() {
        if j > 0 {
            (s, co) = (s * c1 + co * s1, co * c1 - s * s1);
            (sh, ch) = (sh * ch1 + ch * sh1, ch * ch1 + sh * sh1);
        }
        a += cj * s * ch;
        b += cj * co * sh;
    }
    (a, b)
}
