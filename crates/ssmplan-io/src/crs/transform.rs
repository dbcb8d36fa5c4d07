//! Definitions and reprojection: each CRS is built once into a `proj4rs` [`Proj`] and kept for
//! the life of the process (a process sees a handful of CRS); the transformations to and from
//! Belgian Lambert 2008 are `proj4rs`'s.

use std::collections::HashMap;
use std::sync::{LazyLock, OnceLock, PoisonError, RwLock};

use geo::Coord;
use proj4rs::Proj;

use super::{Crs, Id};

/// Converts a position given in `crs` to Belgian Lambert 2008 (EPSG:3812).
///
/// EPSG:3812 itself is returned unchanged. Otherwise the position goes through `proj4rs`
/// with the definition of `crs` (the EPSG table's PROJ string, or the one read from a `.prj`):
/// inverse projection, datum shift to WGS 84 when the definition carries one (`+towgs84`),
/// Lambert Conic Conformal (2SP) of EPSG:3812 on GRS 1980. ETRS89 and WGS 84 are taken as
/// identical (a null transformation), as pyproj does without an epoch; for EPSG:31370 the
/// shift is the 7-parameter Helmert transformation EPSG:15928/15929 "BD72 to ETRS89 (2)",
/// the pipeline that pyproj applies when the IGN grid `be_ign_bd72lb72_etrs89lb08.tif` is not
/// installed (EPSG quotes 0.2 m for it; count on about 1 m against the national grid, ample
/// for coverage planning). The tests hold this to 1 cm of pyproj for EPSG:4326, 31370, 3035,
/// 32631 and ESRI:54009.
///
/// Non-finite inputs, and positions the projection cannot invert (a latitude beyond the
/// pole, say), give non-finite (NaN) outputs; nothing panics.
///
/// # Units
/// Input in the units of `crs`: metres (easting, northing) for a projected CRS, degrees
/// (longitude, latitude) for a geographic one. Output in metres (easting, northing) of
/// EPSG:3812.
#[must_use]
pub fn to_lambert2008(crs: Crs, x: f64, y: f64) -> (f64, f64) {
    if crs == Crs::Lambert2008 {
        return (x, y);
    }
    convert(definition(crs), &LAMBERT_2008, x, y)
}

/// Converts Belgian Lambert 2008 (EPSG:3812) coordinates to WGS 84 longitude and latitude,
/// the inverse of `to_lambert2008(Crs::Wgs84, ..)` (ETRS89 taken as WGS 84, as pyproj does).
///
/// Called per vertex for the web layers: both definitions are built once (no look-up), and
/// the datums being identical no geocentric conversion is made. Non-finite inputs give
/// `(NaN, NaN)`.
///
/// # Units
/// Input in metres (easting, northing); output in degrees `(longitude, latitude)`.
#[must_use]
pub fn lambert2008_to_wgs84(x: f64, y: f64) -> (f64, f64) {
    convert(&LAMBERT_2008, &WGS84, x, y)
}

/// [`to_lambert2008`] on a [`geo::Coord`], for use with `geo`'s `MapCoords`.
///
/// # Units
/// As [`to_lambert2008`]: `c.x`, `c.y` in the units of `crs` (longitude and latitude in
/// degrees for a geographic CRS); the result in metres of EPSG:3812.
#[must_use]
pub fn project_coord(crs: Crs, c: Coord<f64>) -> Coord<f64> {
    let (x, y) = to_lambert2008(crs, c.x, c.y);
    Coord { x, y }
}

/// A CRS ready for use: its `proj4rs` projection and what is derived from it.
pub(super) struct Definition {
    proj: Proj,
    /// The PROJ string it was built from.
    pub(super) proj_string: String,
    /// Longitude and latitude in degrees (`+proj=longlat`), not metres.
    pub(super) geographic: bool,
    /// Bounds of [`BELGIUM_3812`] in this CRS, computed on first use.
    bounds: OnceLock<(Coord<f64>, Coord<f64>)>,
}

/// ESRI:54009 "World Mollweide", the CRS of the GHS-POP grids, which the EPSG table lacks:
/// the PROJ string of `pyproj.CRS("ESRI:54009").to_proj4()` (pyproj 3.7, PROJ 9.5).
pub(super) const ESRI_54009: &str =
    "+proj=moll +lon_0=0 +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs";

/// Generous bounds of Belgium (about 50 km of margin) in EPSG:3812, metres; in another CRS,
/// the envelope of this box's outline transformed to it.
const BELGIUM_3812: (Coord<f64>, Coord<f64>) = (
    Coord {
        x: 450_000.0,
        y: 450_000.0,
    },
    Coord {
        x: 850_000.0,
        y: 800_000.0,
    },
);

/// The working CRS, EPSG:3812.
static LAMBERT_2008: LazyLock<Definition> =
    LazyLock::new(|| parse(crs_definitions::EPSG_3812.proj4).expect("EPSG:3812 builds"));
/// EPSG:4326, for the web layers.
static WGS84: LazyLock<Definition> =
    LazyLock::new(|| build(crs_definitions::EPSG_4326.proj4).expect("EPSG:4326 builds"));

/// Every other CRS used so far, by id; `custom` gives the id of a definition without a code.
#[derive(Default)]
struct Registry {
    by_id: HashMap<Id, &'static Definition>,
    custom: HashMap<String, Id>,
}

static REGISTRY: LazyLock<RwLock<Registry>> = LazyLock::new(RwLock::default);

/// The definition of a CRS: built-in, or built on first use and kept.
///
/// Cannot fail: a `Crs` with a code is made by [`super::Crs::from_epsg`] and the parsers only
/// after its definition was built (or is one of the constants, whose definitions the tests
/// build), and one without a code is registered when it is made.
pub(super) fn definition(crs: Crs) -> &'static Definition {
    match crs.0 {
        Id::Epsg(3812) => &LAMBERT_2008,
        Id::Epsg(4326) => &WGS84,
        id => {
            if let Some(def) = REGISTRY
                .read()
                .unwrap_or_else(PoisonError::into_inner)
                .by_id
                .get(&id)
            {
                return def;
            }
            let text = proj_string_of(id).expect("a Crs without a code is registered when made");
            register(id, build(text).expect("a coded Crs builds"))
        }
    }
}

/// Builds and keeps the definition of a coded CRS; the error says why it cannot be used.
pub(super) fn ensure_coded(id: Id) -> Result<(), String> {
    if matches!(id, Id::Epsg(3812 | 4326))
        || REGISTRY
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .by_id
            .contains_key(&id)
    {
        return Ok(());
    }
    let text = proj_string_of(id).ok_or("not in the EPSG definition table")?;
    register(id, build(text)?);
    Ok(())
}

/// Keeps `def` under `id` (the first one registered wins a race) and returns the kept one.
fn register(id: Id, def: Definition) -> &'static Definition {
    let mut registry = REGISTRY.write().unwrap_or_else(PoisonError::into_inner);
    registry
        .by_id
        .entry(id)
        .or_insert_with(|| Box::leak(Box::new(def)))
}

/// The CRS of a PROJ string: an EPSG code when it is numerically one of the common CRS of
/// Belgium and its neighbours (so that the `.prj` of our own data is EPSG:3812 and is used
/// without any transformation), else a custom CRS kept under its string.
///
/// # Errors
/// The reason, as text, when `proj4rs` refuses the string or the CRS cannot be used for
/// Belgium (see [`build`]).
pub(super) fn from_proj_string(proj_string: &str) -> Result<Crs, String> {
    let proj_string = proj_string.trim();
    if let Some(&id) = REGISTRY
        .read()
        .unwrap_or_else(PoisonError::into_inner)
        .custom
        .get(proj_string)
    {
        return Ok(Crs(id));
    }
    let def = build(proj_string)?;
    if let Some(id) = equivalent_common_crs(&def) {
        return Ok(Crs(id));
    }
    let mut registry = REGISTRY.write().unwrap_or_else(PoisonError::into_inner);
    if let Some(&id) = registry.custom.get(proj_string) {
        return Ok(Crs(id));
    }
    let id = Id::Custom(u32::try_from(registry.custom.len()).unwrap_or(u32::MAX));
    registry.custom.insert(proj_string.to_owned(), id);
    registry.by_id.insert(id, Box::leak(Box::new(def)));
    Ok(Crs(id))
}

/// The PROJ string of a coded CRS, from the EPSG table (or [`ESRI_54009`]).
pub(super) fn proj_string_of(id: Id) -> Option<&'static str> {
    match id {
        Id::Epsg(code) => crs_definitions::from_code(code).map(|d| d.proj4),
        Id::Esri(54_009) => Some(ESRI_54009),
        Id::Esri(_) | Id::Custom(_) => None,
    }
}

/// Builds a definition and checks that it can carry coordinates of Belgium to EPSG:3812.
///
/// Refused: what `proj4rs` cannot parse; geocentric CRS; a CRS on an ellipsoid other than
/// WGS 84 / GRS 1980 without a datum shift (`+towgs84`, `+datum` or `+nadgrids`), which
/// `proj4rs` would silently leave unshifted (about 100 m off for BD72); a CRS whose round
/// trip through the centre of Belgium fails or misses by 1 cm or more (a missing grid file,
/// a projection without an inverse, a domain that excludes Belgium).
fn build(proj_string: &str) -> Result<Definition, String> {
    let def = parse(proj_string)?;
    let (x0, y0) = (650_000.0, 620_000.0);
    let (x, y) = convert(&LAMBERT_2008, &def, x0, y0);
    let (x1, y1) = convert(&def, &LAMBERT_2008, x, y);
    let miss = (x1 - x0).hypot(y1 - y0);
    if miss < 0.01 {
        Ok(def)
    } else {
        Err(format!(
            "the centre of Belgium (EPSG:3812 {x0}, {y0}) does not go through it and back \
             (found {x}, {y})"
        ))
    }
}

/// The parsing part of [`build`], without the round trip (which needs EPSG:3812 built).
fn parse(proj_string: &str) -> Result<Definition, String> {
    let proj = Proj::from_proj_string(proj_string).map_err(|e| e.to_string())?;
    if proj.is_geocent() {
        return Err("a geocentric CRS (X, Y, Z) is not a map CRS".to_owned());
    }
    let has_shift = proj_string.split_whitespace().any(|token| {
        ["+towgs84=", "+datum=", "+nadgrids="]
            .iter()
            .any(|p| token.starts_with(p))
    });
    let (a, b) = proj.ellipse_parameters();
    let wgs84_like = (a - 6_378_137.0).abs() < 1e-3 && (b - 6_356_752.314).abs() < 1e-3;
    if !has_shift && !wgs84_like {
        return Err(format!(
            "its ellipsoid (a = {a} m, b = {b} m) is not WGS 84 / GRS 1980 and it states no \
             datum shift (+towgs84), so it cannot be related to ETRS89"
        ));
    }
    Ok(Definition {
        geographic: proj.is_latlong(),
        proj,
        proj_string: proj_string.to_owned(),
        bounds: OnceLock::new(),
    })
}

/// Transforms a position between two definitions, in their units (degrees for geographic
/// ones); NaN when `proj4rs` fails or the input is not finite.
fn convert(from: &Definition, to: &Definition, x: f64, y: f64) -> (f64, f64) {
    if !(x.is_finite() && y.is_finite()) {
        return (f64::NAN, f64::NAN);
    }
    let (x, y) = if from.geographic {
        (x.to_radians(), y.to_radians())
    } else {
        (x, y)
    };
    match proj4rs::adaptors::transform_xy(&from.proj, &to.proj, x, y) {
        Ok((x, y)) if to.geographic => (x.to_degrees(), y.to_degrees()),
        Ok(xy) => xy,
        Err(_) => (f64::NAN, f64::NAN),
    }
}

/// The common CRS of Belgium and its neighbours that a `.prj` without a code is compared
/// with, in order of preference.
const COMMON_CRS: [Id; 11] = [
    Id::Epsg(3812),
    Id::Epsg(31370),
    Id::Epsg(4326),
    Id::Epsg(4258),
    Id::Epsg(3035),
    Id::Epsg(25831),
    Id::Epsg(25832),
    Id::Epsg(32631),
    Id::Epsg(32632),
    Id::Epsg(31300),
    Id::Esri(54_009),
];

/// The first of [`COMMON_CRS`] that `def` is numerically the same as: same kind (geographic
/// or projected), same ellipsoid (to a micrometre, which tells GRS 1980 from WGS 84) and the
/// same EPSG:3812 coordinates, to a millimetre, for a 3 x 3 grid of points over Belgium.
fn equivalent_common_crs(def: &Definition) -> Option<Id> {
    let (a, b) = def.proj.ellipse_parameters();
    COMMON_CRS.into_iter().find(|&id| {
        let candidate = definition(Crs(id));
        let (ca, cb) = candidate.proj.ellipse_parameters();
        candidate.geographic == def.geographic
            && (a - ca).abs() < 1e-6
            && (b - cb).abs() < 1e-6
            && (0..9).all(|i| {
                let x = 550_000.0 + 100_000.0 * f64::from(i % 3);
                let y = 530_000.0 + 100_000.0 * f64::from(i / 3);
                let (cx, cy) = convert(&LAMBERT_2008, candidate, x, y);
                let (bx, by) = convert(def, &LAMBERT_2008, cx, cy);
                (bx - x).hypot(by - y) < 1e-3
            })
    })
}

/// Bounds of Belgium, with a margin, in the units of `crs` (see [`Crs::belgium_bounds`]).
pub(super) fn belgium_bounds(crs: Crs) -> (Coord<f64>, Coord<f64>) {
    if crs == Crs::Lambert2008 {
        return BELGIUM_3812;
    }
    let def = definition(crs);
    *def.bounds.get_or_init(|| {
        let (lo, hi) = BELGIUM_3812;
        let steps = 32;
        let mut min = Coord {
            x: f64::INFINITY,
            y: f64::INFINITY,
        };
        let mut max = Coord {
            x: f64::NEG_INFINITY,
            y: f64::NEG_INFINITY,
        };
        for i in 0..=steps {
            let t = f64::from(i) / f64::from(steps);
            let along_x = lo.x + t * (hi.x - lo.x);
            let along_y = lo.y + t * (hi.y - lo.y);
            for (x, y) in [
                (along_x, lo.y),
                (along_x, hi.y),
                (lo.x, along_y),
                (hi.x, along_y),
            ] {
                let (u, v) = convert(&LAMBERT_2008, def, x, y);
                if u.is_finite() && v.is_finite() {
                    min = Coord {
                        x: min.x.min(u),
                        y: min.y.min(v),
                    };
                    max = Coord {
                        x: max.x.max(u),
                        y: max.y.max(v),
                    };
                }
            }
        }
        (min, max)
    })
}
