//! Reprojection to Belgian Lambert 2008: Lambert Conic Conformal (2SP) forward and inverse,
//! geodetic <-> geocentric conversions and the BD72 -> ETRS89 Helmert transformation.

use std::f64::consts::FRAC_PI_2;
use std::sync::LazyLock;

use super::Crs;

/// Converts a position given in `crs` to Belgian Lambert 2008 (EPSG:3812).
///
/// - [`Crs::Lambert2008`]: returned unchanged.
/// - [`Crs::Wgs84`]: `x` is the longitude and `y` the latitude. WGS 84 is taken as ETRS89
///   (a null transformation, as in pyproj and in EPSG's "ETRS89 to WGS 84 (1)"), then projected
///   with Lambert Conic Conformal (2SP) on GRS 1980: latitude of false origin 50°47'52.134"
///   (50.797815°), longitude of false origin 4°21'33.177", standard parallels 49°50' and
///   51°10', false easting 649 328 m, false northing 665 262 m (EPSG guidance note 7-2,
///   method 9802).
/// - [`Crs::Lambert72`]: inverse Lambert Conic Conformal (2SP) on International 1924
///   (a = 6 378 388 m, 1/f = 297; latitude of false origin 90°, longitude of false origin
///   4°22'02.952", standard parallels 51°10'00.00204" and 49°50'00.00204", false easting
///   150 000.013 m, false northing 5 400 088.438 m) to BD72 geographic coordinates; these are
///   taken at ellipsoidal height 0, converted to geocentric coordinates, transformed with
///   EPSG:15928 "BD72 to ETRS89 (2)", a 7-parameter Helmert transformation in the coordinate
///   frame rotation convention (tx = -106.8686 m, ty = 52.2978 m, tz = -103.7239 m,
///   rx = -0.3366", ry = 0.457", rz = -1.8422", ds = -1.2747 ppm), converted back to ETRS89
///   geographic coordinates on GRS 1980 (the height is dropped) and projected as above.
///
/// This is the pipeline that pyproj 3.7 / PROJ 9.5 applies for
/// `Transformer.from_crs(31370, 3812)` when the IGN grid `be_ign_bd72lb72_etrs89lb08.tif` is not
/// installed; the results agree with that pipeline to about 1e-7 m over Belgium (checked to
/// 1 cm against `tests/fixtures/crs/reference_points.csv`, see `make_reference.py`). It is not
/// the official IGN grid-based conversion (which pyproj prefers when the grid is installed):
/// EPSG quotes 0.2 m for this Helmert transformation; count on an absolute accuracy of about
/// 1 m against the national grid, ample for coverage planning.
///
/// Non-finite inputs give non-finite (NaN) outputs; nothing panics.
///
/// # Units
/// Input in the units of `crs`: metres (easting, northing) for the Lambert CRS, degrees
/// (longitude, latitude) for WGS 84. Output in metres (easting, northing) of EPSG:3812.
#[must_use]
pub fn to_lambert2008(crs: Crs, x: f64, y: f64) -> (f64, f64) {
    match crs {
        Crs::Lambert2008 => (x, y),
        Crs::Wgs84 => LAMBERT_2008.forward(y.to_radians(), x.to_radians()),
        Crs::Lambert72 => {
            let (lat_72, lon_72) = LAMBERT_72.inverse(x, y);
            let bd72 = INTERNATIONAL_1924.geocentric(lat_72, lon_72);
            let etrs89 = BD72_TO_ETRS89.apply(bd72);
            let (lat, lon) = GRS_1980.geodetic(etrs89);
            LAMBERT_2008.forward(lat, lon)
        }
    }
}

/// Converts Belgian Lambert 2008 (EPSG:3812) coordinates to WGS 84 longitude and latitude,
/// the inverse of `to_lambert2008(Crs::Wgs84, ..)` (ETRS89 taken as WGS 84, as pyproj does).
///
/// The latitude is solved iteratively to machine precision: a round trip through
/// [`to_lambert2008`] returns the longitude and latitude to better than 1e-9 degree.
/// Non-finite inputs give `(NaN, NaN)`.
///
/// # Units
/// Input in metres (easting, northing); output in degrees `(longitude, latitude)`.
#[must_use]
pub fn lambert2008_to_wgs84(x: f64, y: f64) -> (f64, f64) {
    let (lat, lon) = LAMBERT_2008.inverse(x, y);
    (lon.to_degrees(), lat.to_degrees())
}

/// [`to_lambert2008`] on a [`geo::Coord`], for use with `geo`'s `MapCoords`.
///
/// # Units
/// As [`to_lambert2008`]: `c.x`, `c.y` in the units of `crs` (longitude and latitude in
/// degrees for WGS 84); the result in metres of EPSG:3812.
#[must_use]
pub fn project_coord(crs: Crs, c: geo::Coord<f64>) -> geo::Coord<f64> {
    let (x, y) = to_lambert2008(crs, c.x, c.y);
    geo::Coord { x, y }
}

/// Degrees, minutes and seconds to degrees (positive angles).
const fn dms(degrees: f64, minutes: f64, seconds: f64) -> f64 {
    degrees + minutes / 60.0 + seconds / 3600.0
}

/// Arc-seconds to radians.
const ARCSEC: f64 = std::f64::consts::PI / (180.0 * 3600.0);

/// An ellipsoid of revolution.
#[derive(Debug, Clone, Copy)]
pub(super) struct Ellipsoid {
    /// Semi-major axis, metres.
    pub(super) a: f64,
    /// Inverse flattening `1/f`.
    pub(super) inverse_flattening: f64,
    /// First eccentricity squared, `f (2 - f)`.
    e2: f64,
}

impl Ellipsoid {
    const fn from_inverse_flattening(a: f64, inverse_flattening: f64) -> Self {
        let f = 1.0 / inverse_flattening;
        Self {
            a,
            inverse_flattening,
            e2: f * (2.0 - f),
        }
    }

    /// Radius of curvature in the prime vertical at a latitude with sine `sin_lat`, metres.
    fn prime_vertical_radius(self, sin_lat: f64) -> f64 {
        self.a / (1.0 - self.e2 * sin_lat * sin_lat).sqrt()
    }

    /// Geocentric cartesian coordinates (metres) of a point at ellipsoidal height 0
    /// (latitude and longitude in radians).
    fn geocentric(self, lat: f64, lon: f64) -> [f64; 3] {
        let (sin_lat, cos_lat) = lat.sin_cos();
        let (sin_lon, cos_lon) = lon.sin_cos();
        let nu = self.prime_vertical_radius(sin_lat);
        [
            nu * cos_lat * cos_lon,
            nu * cos_lat * sin_lon,
            nu * (1.0 - self.e2) * sin_lat,
        ]
    }

    /// Geodetic latitude and longitude (radians) of geocentric coordinates (metres); the
    /// ellipsoidal height is dropped. Bowring's formula, refined by fixed-point iteration to
    /// machine precision (two iterations suffice near the surface).
    fn geodetic(self, [gx, gy, gz]: [f64; 3]) -> (f64, f64) {
        let lon = gy.atan2(gx);
        let radius = gx.hypot(gy);
        let semi_minor = self.a * (1.0 - self.e2).sqrt();
        let ep2 = self.e2 / (1.0 - self.e2);
        let theta = (gz * self.a).atan2(radius * semi_minor);
        let (sin_t, cos_t) = theta.sin_cos();
        let mut lat = (gz + ep2 * semi_minor * sin_t.powi(3))
            .atan2(radius - self.e2 * self.a * cos_t.powi(3));
        for _ in 0..4 {
            let nu = self.prime_vertical_radius(lat.sin());
            let next = (gz + self.e2 * nu * lat.sin()).atan2(radius);
            let done = (next - lat).abs() < 1e-15;
            lat = next;
            if done {
                break;
            }
        }
        (lat, lon)
    }
}

/// GRS 1980 (EPSG:7019), the ellipsoid of ETRS89.
const GRS_1980: Ellipsoid = Ellipsoid::from_inverse_flattening(6_378_137.0, 298.257_222_101);
/// International 1924 / Hayford (EPSG:7022), the ellipsoid of BD72.
const INTERNATIONAL_1924: Ellipsoid = Ellipsoid::from_inverse_flattening(6_378_388.0, 297.0);

/// Defining parameters of a Lambert Conic Conformal (2SP) projection.
pub(super) struct LccParams {
    pub(super) ellipsoid: Ellipsoid,
    /// Latitude of false origin, degrees.
    pub(super) lat_origin_deg: f64,
    /// Longitude of false origin, degrees.
    pub(super) lon_origin_deg: f64,
    /// Standard parallels, degrees (the order does not matter).
    pub(super) parallels_deg: [f64; 2],
    /// False easting and northing, metres.
    pub(super) false_origin_m: [f64; 2],
}

/// A Lambert Conic Conformal (2SP) projection with its derived constants
/// (EPSG guidance note 7-2, method 9802; Snyder, Map Projections, pp. 107-109).
#[derive(Debug, Clone, Copy)]
struct Lcc {
    /// First eccentricity.
    e: f64,
    /// Cone constant.
    n: f64,
    /// `a F`, metres.
    a_f: f64,
    /// Radius of the parallel of the false origin, metres.
    rho_origin: f64,
    /// Longitude of false origin, radians.
    lon_origin: f64,
    /// False easting and northing, metres.
    false_origin_m: [f64; 2],
}

impl Lcc {
    fn new(p: &LccParams) -> Self {
        let e = p.ellipsoid.e2.sqrt();
        let [phi_1, phi_2] = p.parallels_deg.map(f64::to_radians);
        let m = |phi: f64| phi.cos() / (1.0 - p.ellipsoid.e2 * phi.sin().powi(2)).sqrt();
        let (m1, m2) = (m(phi_1), m(phi_2));
        let (psi_1, psi_2) = (isometric_latitude(phi_1, e), isometric_latitude(phi_2, e));
        // ln t = -psi, so n = (ln m1 - ln m2) / (ln t1 - ln t2).
        let n = (m1.ln() - m2.ln()) / (psi_2 - psi_1);
        let a_f = p.ellipsoid.a * m1 / n * (n * psi_1).exp();
        let mut lcc = Self {
            e,
            n,
            a_f,
            rho_origin: 0.0,
            lon_origin: p.lon_origin_deg.to_radians(),
            false_origin_m: p.false_origin_m,
        };
        lcc.rho_origin = lcc.rho(p.lat_origin_deg.to_radians());
        lcc
    }

    /// Radius of the parallel of latitude `lat` (radians), metres; 0 at the pole.
    fn rho(&self, lat: f64) -> f64 {
        if (lat - FRAC_PI_2).abs() < 1e-12 {
            0.0
        } else {
            self.a_f * (-self.n * isometric_latitude(lat, self.e)).exp()
        }
    }

    /// Projects a latitude and longitude (radians) to easting and northing (metres).
    fn forward(&self, lat: f64, lon: f64) -> (f64, f64) {
        let rho = self.rho(lat);
        let theta = self.n * wrap_pi(lon - self.lon_origin);
        let (sin_t, cos_t) = theta.sin_cos();
        let [fe, fn_] = self.false_origin_m;
        (fe + rho * sin_t, fn_ + self.rho_origin - rho * cos_t)
    }

    /// Inverse projection: easting and northing (metres) to latitude and longitude (radians).
    fn inverse(&self, x: f64, y: f64) -> (f64, f64) {
        if !(x.is_finite() && y.is_finite()) {
            return (f64::NAN, f64::NAN);
        }
        let [fe, fn_] = self.false_origin_m;
        let dx = x - fe;
        let dy = self.rho_origin - (y - fn_);
        // n > 0 for both Belgian projections (northern hemisphere cones).
        let rho = dx.hypot(dy);
        let theta = dx.atan2(dy);
        let lon = self.lon_origin + theta / self.n;
        if rho == 0.0 {
            return (FRAC_PI_2, lon);
        }
        let psi = -(rho / self.a_f).ln() / self.n;
        (latitude_from_isometric(psi, self.e), lon)
    }
}

/// Isometric latitude `psi = asinh(tan phi) - e atanh(e sin phi)`; `t = exp(-psi)` in
/// EPSG's notation, computed in this form for accuracy.
fn isometric_latitude(lat: f64, e: f64) -> f64 {
    lat.tan().asinh() - e * (e * lat.sin()).atanh()
}

/// Latitude (radians) of an isometric latitude: fixed-point iteration on
/// `phi = atan(sinh(psi + e atanh(e sin phi)))`, which gains about two digits per step
/// (contraction factor ~e^2) from the conformal latitude.
fn latitude_from_isometric(psi: f64, e: f64) -> f64 {
    let mut lat = psi.sinh().atan();
    for _ in 0..30 {
        let next = (psi + e * (e * lat.sin()).atanh()).sinh().atan();
        let done = (next - lat).abs() < 1e-15;
        lat = next;
        if done {
            break;
        }
    }
    lat
}

/// An angle wrapped to `[-pi, pi]` (PROJ's `adjlon`), radians.
fn wrap_pi(angle: f64) -> f64 {
    if (-std::f64::consts::PI..=std::f64::consts::PI).contains(&angle) {
        angle
    } else {
        let tau = std::f64::consts::TAU;
        angle - tau * ((angle + std::f64::consts::PI) / tau).floor()
    }
}

/// A 7-parameter Helmert transformation of geocentric coordinates in the coordinate frame
/// rotation convention (EPSG method 1032), with the small-angle rotation matrix, as PROJ's
/// `helmert` applies it: `X' = T + (1 + s) R X` with
/// `R = [[1, rz, -ry], [-rz, 1, rx], [ry, -rx, 1]]`.
#[derive(Debug, Clone, Copy)]
struct Helmert {
    /// Translations, metres.
    t_m: [f64; 3],
    /// Rotations, radians.
    r: [f64; 3],
    /// `1 + s`.
    scale: f64,
}

impl Helmert {
    fn apply(&self, [x, y, z]: [f64; 3]) -> [f64; 3] {
        let [rx, ry, rz] = self.r;
        let [tx, ty, tz] = self.t_m;
        [
            tx + self.scale * (x + rz * y - ry * z),
            ty + self.scale * (-rz * x + y + rx * z),
            tz + self.scale * (ry * x - rx * y + z),
        ]
    }
}

/// EPSG:15928 "BD72 to ETRS89 (2)" (accuracy 0.2 m), coordinate frame rotation; the same
/// parameters as EPSG:15929 "BD72 to WGS 84 (3)".
const BD72_TO_ETRS89: Helmert = Helmert {
    t_m: [-106.8686, 52.2978, -103.7239],
    r: [-0.3366 * ARCSEC, 0.457 * ARCSEC, -1.8422 * ARCSEC],
    scale: 1.0 - 1.2747e-6,
};

/// EPSG:3811 "Belgian Lambert 2008", the projection of EPSG:3812 (also used by the `.prj`
/// detection).
pub(super) const LAMBERT_2008_PARAMS: LccParams = LccParams {
    ellipsoid: GRS_1980,
    lat_origin_deg: dms(50.0, 47.0, 52.134),
    lon_origin_deg: dms(4.0, 21.0, 33.177),
    parallels_deg: [dms(49.0, 50.0, 0.0), dms(51.0, 10.0, 0.0)],
    false_origin_m: [649_328.0, 665_262.0],
};

/// EPSG:19961 "Belgian Lambert 72", the projection of EPSG:31370 (also used by the `.prj`
/// detection).
pub(super) const LAMBERT_72_PARAMS: LccParams = LccParams {
    ellipsoid: INTERNATIONAL_1924,
    lat_origin_deg: 90.0,
    lon_origin_deg: dms(4.0, 22.0, 2.952),
    parallels_deg: [dms(51.0, 10.0, 0.002_04), dms(49.0, 50.0, 0.002_04)],
    false_origin_m: [150_000.013, 5_400_088.438],
};

static LAMBERT_2008: LazyLock<Lcc> = LazyLock::new(|| Lcc::new(&LAMBERT_2008_PARAMS));
static LAMBERT_72: LazyLock<Lcc> = LazyLock::new(|| Lcc::new(&LAMBERT_72_PARAMS));
