//! Coordinate reference systems: the three CRS that ssmplan reads, their detection in `.prj`
//! files and `GeoJSON` documents, and the reprojection of coordinates to Belgian Lambert 2008
//! (EPSG:3812, metres), the CRS in which everything is indexed and measured.
//!
//! No projection library is used: the Lambert Conic Conformal projections, the geodetic /
//! geocentric conversions and the Helmert transformation are implemented here and checked
//! against pyproj to under a centimetre (`tests/fixtures/crs/make_reference.py`).
//!
//! ```
//! use ssmplan_io::crs::{Crs, to_lambert2008};
//!
//! let crs: Crs = "urn:ogc:def:crs:EPSG::31370".parse()?;
//! assert_eq!(crs, Crs::Lambert72);
//! let (x, y) = to_lambert2008(Crs::Wgs84, 4.359_215_833_333_333, 50.797_815);
//! assert!((x - 649_328.0).abs() < 1e-3 && (y - 665_262.0).abs() < 1e-3);
//! # Ok::<(), ssmplan_io::crs::CrsError>(())
//! ```

mod transform;
mod wkt;

#[cfg(test)]
mod tests;

use std::fmt;
use std::str::FromStr;

pub use transform::{lambert2008_to_wgs84, project_coord, to_lambert2008};

/// A coordinate reference system that ssmplan can read.
///
/// Every input is converted to [`Crs::Lambert2008`] once, when it is loaded (see
/// [`to_lambert2008`]); outputs meant for web maps are written in [`Crs::Wgs84`]
/// (see [`lambert2008_to_wgs84`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Crs {
    /// EPSG:3812, ETRS89 / Belgian Lambert 2008: Lambert Conic Conformal (2SP) on GRS 1980.
    /// Easting and northing in metres. The working CRS of ssmplan.
    Lambert2008,
    /// EPSG:31370, BD72 / Belgian Lambert 72: Lambert Conic Conformal (2SP) on the
    /// International 1924 (Hayford) ellipsoid, datum BD72. Easting and northing in metres.
    /// Still the CRS of many Walloon (SPW, Statbel) layers.
    Lambert72,
    /// EPSG:4326, WGS 84 geographic coordinates, used here in longitude, latitude order (as in
    /// `GeoJSON`, RFC 7946, and `OGC:CRS84`). Degrees. Treated as identical to ETRS89, as pyproj does
    /// (a null transformation, sub-metre in Belgium).
    Wgs84,
}

impl Crs {
    /// The three CRS, in declaration order.
    pub const ALL: [Self; 3] = [Self::Lambert2008, Self::Lambert72, Self::Wgs84];

    /// The EPSG code: 3812, 31370 or 4326.
    #[must_use]
    pub const fn epsg(self) -> u32 {
        match self {
            Self::Lambert2008 => 3812,
            Self::Lambert72 => 31370,
            Self::Wgs84 => 4326,
        }
    }

    /// The CRS of an EPSG code, or `None` for a code other than 3812, 31370 and 4326.
    #[must_use]
    pub const fn from_epsg(code: u32) -> Option<Self> {
        match code {
            3812 => Some(Self::Lambert2008),
            31370 => Some(Self::Lambert72),
            4326 => Some(Self::Wgs84),
            _ => None,
        }
    }

    /// The EPSG name, e.g. `"ETRS89 / Belgian Lambert 2008"`.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::Lambert2008 => "ETRS89 / Belgian Lambert 2008",
            Self::Lambert72 => "BD72 / Belgian Lambert 72",
            Self::Wgs84 => "WGS 84",
        }
    }

    /// True for [`Crs::Wgs84`] (degrees), false for the projected CRS (metres).
    #[must_use]
    pub const fn is_geographic(self) -> bool {
        matches!(self, Self::Wgs84)
    }
}

/// Writes `EPSG:<code>` (which [`FromStr`] reads back).
impl fmt::Display for Crs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "EPSG:{}", self.epsg())
    }
}

/// Why a CRS could not be identified.
///
/// The variants carry the text that was found but not where it was found: a loader wraps this
/// error in its own, which names the file (and, for CSV, the row).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CrsError {
    /// The text names a CRS that ssmplan does not read (or names no CRS at all).
    #[error(
        "unsupported coordinate reference system `{found}` \
         (expected EPSG:3812, EPSG:31370 or EPSG:4326/OGC:CRS84)"
    )]
    Unsupported {
        /// The CRS text as found, e.g. `urn:ogc:def:crs:EPSG::2154`.
        found: String,
    },
    /// A `GeoJSON` `crs` member that is not a named CRS
    /// (`{"type": "name", "properties": {"name": "..."}}`), e.g. a `link` CRS.
    #[error(
        "unsupported GeoJSON `crs` member {found} \
         (expected {{\"type\": \"name\", \"properties\": {{\"name\": \"EPSG:...\"}}}})"
    )]
    MalformedGeoJsonCrs {
        /// The `crs` member, serialised as compact JSON (at most 200 characters).
        found: String,
    },
}

/// Parses a CRS identifier, case-insensitively and ignoring surrounding blanks.
///
/// Accepted forms, for each of the three CRS (shown for EPSG:3812):
/// `EPSG:3812`, `3812`, `urn:ogc:def:crs:EPSG::3812` (any version between the colons),
/// `http://www.opengis.net/def/crs/EPSG/0/3812`, and the names `lambert2008`,
/// `Belgian Lambert 2008`, `ETRS89 / Belgian Lambert 2008`. For EPSG:31370: `lambert72`,
/// `Lambert 1972`, `BD72 / Belgian Lambert 72`. For EPSG:4326: `wgs84`, `WGS 84`, `CRS84`,
/// `OGC:CRS84`, `urn:ogc:def:crs:OGC:1.3:CRS84`.
///
/// # Errors
/// [`CrsError::Unsupported`] with the text, for anything else (including other EPSG codes).
impl FromStr for Crs {
    type Err = CrsError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        parse_identifier(text).ok_or_else(|| CrsError::Unsupported {
            found: text.to_owned(),
        })
    }
}

/// Same as [`FromStr`].
///
/// # Errors
/// [`CrsError::Unsupported`] with the text, for an unknown identifier.
impl TryFrom<&str> for Crs {
    type Error = CrsError;

    fn try_from(text: &str) -> Result<Self, Self::Error> {
        text.parse()
    }
}

/// The CRS of an identifier (see the `FromStr` impl of [`Crs`]), if it is one of ours.
fn parse_identifier(text: &str) -> Option<Crs> {
    let lower = text.trim().to_ascii_lowercase();
    if let Some(rest) = lower.strip_prefix("urn:ogc:def:crs:") {
        // urn:ogc:def:crs:{authority}:{version, often empty}:{code}
        let mut parts = rest.split(':');
        let (authority, _version, code) = (parts.next()?, parts.next()?, parts.next()?);
        return if parts.next().is_none() {
            by_authority(authority, code)
        } else {
            None
        };
    }
    for prefix in [
        "http://www.opengis.net/def/crs/",
        "https://www.opengis.net/def/crs/",
    ] {
        if let Some(rest) = lower.strip_prefix(prefix) {
            // .../def/crs/{authority}/{version}/{code}
            let mut parts = rest.split('/');
            let (authority, _version, code) = (parts.next()?, parts.next()?, parts.next()?);
            return if parts.next().is_none() {
                by_authority(authority, code)
            } else {
                None
            };
        }
    }
    if let Some((authority, code)) = lower.split_once(':') {
        return by_authority(authority.trim(), code.trim());
    }
    if !lower.is_empty() && lower.bytes().all(|b| b.is_ascii_digit()) {
        return lower.parse().ok().and_then(Crs::from_epsg);
    }
    let compact: String = lower.chars().filter(char::is_ascii_alphanumeric).collect();
    match compact.as_str() {
        "lambert2008" | "belgianlambert2008" | "belgelambert2008" | "etrs89belgianlambert2008" => {
            Some(Crs::Lambert2008)
        }
        "lambert72"
        | "lambert1972"
        | "belgianlambert72"
        | "belgelambert1972"
        | "bd72belgianlambert72" => Some(Crs::Lambert72),
        "wgs84" | "wgs1984" | "crs84" => Some(Crs::Wgs84),
        _ => None,
    }
}

/// The CRS of an `authority:code` pair (lower case), if it is one of ours.
fn by_authority(authority: &str, code: &str) -> Option<Crs> {
    match authority {
        "epsg" => code.parse().ok().and_then(Crs::from_epsg),
        "ogc" if code == "crs84" => Some(Crs::Wgs84),
        _ => None,
    }
}

/// Detects the CRS of a shapefile from the WKT of its `.prj` companion file.
///
/// Reads ESRI WKT1 (what `ArcGIS` and QGIS write in `.prj` files), OGC/GDAL WKT1 and WKT2
/// (2015 and 2019), one-line or pretty-printed, with a leading byte-order mark or trailing
/// blanks. In order of precedence:
///
/// 1. an `AUTHORITY["EPSG", ...]` (WKT1) or `ID["EPSG", ...]` (WKT2) on the CRS itself is
///    decisive: 3812, 31370 and 4326 (or `OGC:CRS84`) are recognised, any other code gives
///    `None`;
/// 2. a projected CRS with a complete set of Lambert Conic Conformal (2SP) parameters is
///    recognised by its parameters and ellipsoid alone, whatever its names (angles within
///    1e-6 degree, false easting and northing within 1 cm; the standard parallels in either
///    order; GRS 1980 or WGS 84 for Lambert 2008, International 1924 for Lambert 72);
/// 3. otherwise by its name (`Belge_Lambert_2008`, `... Lambert 72`, `Belge_Lambert_1972`),
///    provided no parameter or ellipsoid that is present contradicts it;
/// 4. a geographic CRS is WGS 84 when its ellipsoid is WGS 84 (or, without an ellipsoid, its
///    datum or name says WGS 84), its prime meridian Greenwich and its unit the degree.
///
/// `BOUNDCRS` (WKT2) and compound CRS are judged by their horizontal source CRS; a `TOWGS84`
/// clause is ignored, since [`to_lambert2008`] applies its own datum transformation.
/// Anything else (other projections or datums, ETRS89 geographic coordinates, the older
/// Belge Lambert 72 of EPSG:31300, units other than metre and degree, unparsable text)
/// gives `None`.
#[must_use]
pub fn detect_prj(wkt: &str) -> Option<Crs> {
    wkt::detect(wkt)
}

/// Detects the CRS of a `GeoJSON` document from its top-level `crs` member.
///
/// Without a `crs` member (or with `"crs": null`) the document is RFC 7946 `GeoJSON`, hence
/// [`Crs::Wgs84`]. The legacy (2008) named CRS `{"type": "name", "properties": {"name": N}}`
/// is read with the rules of [`Crs`]'s `FromStr` (`urn:ogc:def:crs:OGC:1.3:CRS84`,
/// `urn:ogc:def:crs:EPSG::3812`, `EPSG:31370`, ...), as is the older
/// `{"type": "EPSG", "properties": {"code": 31370}}`. For `EPSG:4326` the coordinates are
/// taken in longitude, latitude order, as GDAL and QGIS write them in `GeoJSON`.
///
/// # Errors
/// - [`CrsError::Unsupported`] with the CRS name when it is not one of the three CRS;
/// - [`CrsError::MalformedGeoJsonCrs`] with the member when it is not a named CRS (for
///   example a `link` CRS, or a `name` CRS without a string name).
pub fn detect_geojson(root: &serde_json::Value) -> Result<Crs, CrsError> {
    let member = match root.get("crs") {
        None | Some(serde_json::Value::Null) => return Ok(Crs::Wgs84),
        Some(member) => member,
    };
    let malformed = || CrsError::MalformedGeoJsonCrs {
        found: truncate(&member.to_string(), 200),
    };
    let kind = member
        .get("type")
        .and_then(serde_json::Value::as_str)
        .ok_or_else(malformed)?;
    let properties = member.get("properties").ok_or_else(malformed)?;
    if kind.eq_ignore_ascii_case("name") {
        let name = properties
            .get("name")
            .and_then(serde_json::Value::as_str)
            .ok_or_else(malformed)?;
        name.parse()
    } else if kind.eq_ignore_ascii_case("epsg") {
        let code = match properties.get("code") {
            Some(serde_json::Value::Number(n)) => n.to_string(),
            Some(serde_json::Value::String(s)) => s.clone(),
            _ => return Err(malformed()),
        };
        code.trim()
            .parse()
            .ok()
            .and_then(Crs::from_epsg)
            .ok_or(CrsError::Unsupported {
                found: format!("EPSG:{code}"),
            })
    } else {
        Err(malformed())
    }
}

/// The first `max_chars` characters of `text`, with an ellipsis when it was cut.
fn truncate(text: &str, max_chars: usize) -> String {
    match text.char_indices().nth(max_chars) {
        Some((end, _)) => format!("{}...", &text[..end]),
        None => text.to_owned(),
    }
}
