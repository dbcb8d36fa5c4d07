//! Coordinate reference systems: identifiers (EPSG codes, URNs, names), their detection in
//! `.prj` files and `GeoJSON` documents, and the reprojection of coordinates to Belgian
//! Lambert 2008 (EPSG:3812, metres), the CRS in which everything is indexed and measured.
//!
//! Any CRS of the EPSG definition table (`crs-definitions`, about 6,000 codes), ESRI:54009
//! (World Mollweide, GHS-POP's grid), a PROJ string, and any `.prj` WKT that `proj4wkt`
//! understands are accepted; the transformations are `proj4rs`'s, checked against pyproj to
//! under a centimetre for EPSG:4326, 31370, 3035, 32631 and ESRI:54009 (see `tests.rs`).
//!
//! ```
//! use ssmplan_io::crs::{Crs, to_lambert2008};
//!
//! let crs: Crs = "urn:ogc:def:crs:EPSG::31370".parse()?;
//! assert_eq!(crs, Crs::Lambert72);
//! let (x, y) = to_lambert2008(Crs::Wgs84, 4.359_215_833_333_333, 50.797_815);
//! assert!((x - 649_328.0).abs() < 1e-3 && (y - 665_262.0).abs() < 1e-3);
//! let laea: Crs = "EPSG:3035".parse()?;
//! assert_eq!(laea.to_string(), "EPSG:3035");
//! # Ok::<(), ssmplan_io::crs::CrsError>(())
//! ```

mod transform;
mod wkt;

#[cfg(test)]
mod tests;

use std::fmt;
use std::str::FromStr;

pub use transform::{lambert2008_to_wgs84, project_coord, to_lambert2008};

/// A coordinate reference system that ssmplan can read: a small copyable handle on a
/// definition that is built once (a `proj4rs` projection) and kept for the life of the process.
///
/// Made by parsing an identifier (`"EPSG:3035".parse()`, see the `FromStr` impl), by
/// [`Crs::from_epsg`], [`detect_prj`] or [`detect_geojson`]. Every input is converted to
/// [`Crs::Lambert2008`] once, when it is loaded (see [`to_lambert2008`]); outputs meant for
/// web maps are written in [`Crs::Wgs84`] (see [`lambert2008_to_wgs84`]). Two values are equal
/// when they have the same code, or, without a code, the same PROJ string.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Crs(Id);

/// What identifies a CRS.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Id {
    /// A code of the EPSG definition table.
    Epsg(u16),
    /// An ESRI code (only 54009, World Mollweide).
    Esri(u32),
    /// A definition without a code (a PROJ string, or a `.prj` that is none of the common
    /// CRS), numbered in the order they were met.
    Custom(u32),
}

#[expect(
    non_upper_case_globals,
    reason = "the names of the variants of the former enum, kept so that call sites read the same"
)]
impl Crs {
    /// EPSG:3812, ETRS89 / Belgian Lambert 2008: Lambert Conic Conformal (2SP) on GRS 1980.
    /// Easting and northing in metres. The working CRS of ssmplan.
    pub const Lambert2008: Self = Self(Id::Epsg(3812));
    /// EPSG:31370, BD72 / Belgian Lambert 72: Lambert Conic Conformal (2SP) on the
    /// International 1924 (Hayford) ellipsoid, datum BD72 (shifted to ETRS89 with the Helmert
    /// transformation EPSG:15928). Easting and northing in metres. Still the CRS of many Walloon
    /// (SPW, Statbel) layers.
    pub const Lambert72: Self = Self(Id::Epsg(31370));
    /// EPSG:4326, WGS 84 geographic coordinates, used here in longitude, latitude order (as in
    /// `GeoJSON`, RFC 7946, and `OGC:CRS84`). Degrees. Treated as identical to ETRS89, as pyproj
    /// does (a null transformation, sub-metre in Belgium).
    pub const Wgs84: Self = Self(Id::Epsg(4326));
}

impl Crs {
    /// The CRS of an EPSG code of the definition table.
    ///
    /// # Errors
    /// [`CrsError::Unsupported`] for a code that the table lacks, [`CrsError::Unusable`] for
    /// one that cannot carry coordinates of Belgium to EPSG:3812 (a geocentric CRS, a datum
    /// without a known shift, a missing grid).
    pub fn from_epsg(code: u32) -> Result<Self, CrsError> {
        let id = u16::try_from(code)
            .ok()
            .filter(|&c| crs_definitions::from_code(c).is_some())
            .map(Id::Epsg)
            .ok_or_else(|| CrsError::Unsupported {
                found: format!("EPSG:{code}"),
            })?;
        Self::coded(id)
    }

    /// The CRS of an ESRI code: only 54009 (World Mollweide, the CRS of GHS-POP).
    ///
    /// # Errors
    /// [`CrsError::Unsupported`] for any other code.
    pub fn from_esri(code: u32) -> Result<Self, CrsError> {
        if code == 54_009 {
            Self::coded(Id::Esri(code))
        } else {
            Err(CrsError::Unsupported {
                found: format!("ESRI:{code}"),
            })
        }
    }

    /// The CRS of a PROJ string (`+proj=... `): the EPSG code of a common CRS of Belgium and
    /// its neighbours when it is numerically that CRS, else a CRS without a code.
    ///
    /// # Errors
    /// [`CrsError::Unusable`] with the string and `proj4rs`'s reason.
    pub fn from_proj_string(proj_string: &str) -> Result<Self, CrsError> {
        transform::from_proj_string(proj_string).map_err(|reason| CrsError::Unusable {
            found: proj_string.trim().to_owned(),
            reason,
        })
    }

    fn coded(id: Id) -> Result<Self, CrsError> {
        transform::ensure_coded(id).map_err(|reason| CrsError::Unusable {
            found: Self(id).to_string(),
            reason,
        })?;
        Ok(Self(id))
    }

    /// The EPSG code, if the CRS has one.
    #[must_use]
    pub const fn epsg(self) -> Option<u32> {
        match self.0 {
            Id::Epsg(code) => Some(code as u32),
            Id::Esri(_) | Id::Custom(_) => None,
        }
    }

    /// True for a geographic CRS (longitude and latitude in degrees), false for a projected
    /// one (metres, or the unit of its definition).
    #[must_use]
    pub fn is_geographic(self) -> bool {
        transform::definition(self).geographic
    }

    /// The PROJ string of the definition (from the EPSG table, ESRI:54009's constant, or the
    /// one read from a `.prj` or given).
    #[must_use]
    pub fn proj_string(self) -> &'static str {
        &transform::definition(self).proj_string
    }

    /// Generous bounds of Belgium (about 50 km of margin) in this CRS, `(min, max)`: the
    /// envelope of a box around Belgium in EPSG:3812 (450-850 km east, 450-800 km north)
    /// transformed to it. A coordinate outside them means a wrong CRS (degrees read as metres,
    /// Lambert 72 read as Lambert 2008, ...).
    ///
    /// # Units
    /// Those of the CRS (degrees for a geographic CRS).
    #[must_use]
    pub fn belgium_bounds(self) -> (geo::Coord<f64>, geo::Coord<f64>) {
        transform::belgium_bounds(self)
    }
}

/// Writes `EPSG:<code>`, `ESRI:54009` or, for a CRS without a code, its PROJ string (all of
/// which [`FromStr`] reads back).
impl fmt::Display for Crs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Id::Epsg(code) => write!(f, "EPSG:{code}"),
            Id::Esri(code) => write!(f, "ESRI:{code}"),
            Id::Custom(_) => f.write_str(self.proj_string()),
        }
    }
}

impl fmt::Debug for Crs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Crs({self})")
    }
}

/// Why a CRS could not be identified or used.
///
/// The variants carry the text that was found but not where it was found: a loader wraps this
/// error in its own, which names the file (and, for CSV, the row).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CrsError {
    /// The text names no CRS that ssmplan knows.
    #[error(
        "`{found}` is not a known coordinate reference system (expected an EPSG code, such as \
         EPSG:3812, EPSG:31370, EPSG:4326, EPSG:3035 or EPSG:32631, ESRI:54009, OGC:CRS84 or a \
         PROJ string)"
    )]
    Unsupported {
        /// The CRS text as found, e.g. `urn:ogc:def:crs:EPSG::999999`.
        found: String,
    },
    /// A CRS that `proj4rs` refuses, or that cannot carry coordinates of Belgium to EPSG:3812.
    #[error("cannot use the coordinate reference system `{found}`: {reason}")]
    Unusable {
        /// The CRS: its identifier or PROJ string.
        found: String,
        /// Why, in the words of `proj4rs` or of the check that failed.
        reason: String,
    },
    /// A `.prj` whose WKT could not be read.
    #[error("cannot read the WKT `{found}`: {reason}")]
    Wkt {
        /// The beginning of the WKT (at most 80 characters).
        found: String,
        /// What `proj4wkt` (or the check before it) said.
        reason: String,
    },
    /// A `.prj` on a datum other than WGS 84 / ETRS89 that has no `TOWGS84` clause and is not
    /// one of the common datums whose shift is known (Belge 1972, ED50, Amersfoort, NTF,
    /// Luxembourg 1930): it cannot be related to ETRS89.
    #[error(
        "the datum `{datum}` of `{found}` has no TOWGS84 clause and no known shift to \
         ETRS89/WGS 84 (state the CRS by its EPSG code)"
    )]
    NoDatumShift {
        /// The beginning of the WKT (at most 80 characters).
        found: String,
        /// The datum's name.
        datum: String,
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
/// Accepted forms (shown for EPSG:3812): `EPSG:3812`, `3812`, `urn:ogc:def:crs:EPSG::3812`
/// (any version between the colons), `http://www.opengis.net/def/crs/EPSG/0/3812`, for any
/// code of the EPSG definition table; `ESRI:54009` (and its URN and URL forms); `OGC:CRS84`,
/// `CRS84`, `urn:ogc:def:crs:OGC:1.3:CRS84` for WGS 84; a PROJ string (`+proj=...`); a WKT
/// (as in a `.prj`, see [`detect_prj`]); and the names `lambert2008`, `Belgian Lambert 2008`,
/// `ETRS89 / Belgian Lambert 2008`, `lambert72`, `Lambert 1972`, `BD72 / Belgian Lambert 72`,
/// `wgs84`, `WGS 84`.
///
/// # Errors
/// [`CrsError::Unsupported`] with the text when it names no CRS of the table;
/// [`CrsError::Unusable`] when its definition cannot be used (see [`Crs::from_epsg`]);
/// the errors of [`detect_prj`] for a WKT.
impl FromStr for Crs {
    type Err = CrsError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let trimmed = text.trim();
        if trimmed.starts_with('+') {
            return Self::from_proj_string(trimmed);
        }
        if trimmed.ends_with(']') || trimmed.ends_with(')') {
            return detect_prj(trimmed);
        }
        let unsupported = || CrsError::Unsupported {
            found: text.to_owned(),
        };
        match parse_identifier(trimmed).ok_or_else(unsupported)? {
            Identifier::Named(crs) => Ok(crs),
            Identifier::Code(authority, code) => {
                let crs = match authority {
                    Authority::Epsg => Self::from_epsg(code),
                    Authority::Esri => Self::from_esri(code),
                };
                crs.map_err(|e| match e {
                    CrsError::Unsupported { .. } => unsupported(),
                    other => other,
                })
            }
        }
    }
}

/// Same as [`FromStr`].
///
/// # Errors
/// As [`FromStr`].
impl TryFrom<&str> for Crs {
    type Error = CrsError;

    fn try_from(text: &str) -> Result<Self, Self::Error> {
        text.parse()
    }
}

/// What an identifier names.
enum Identifier {
    /// A CRS named without a code to look up (the three built-in ones).
    Named(Crs),
    /// A code of an authority.
    Code(Authority, u32),
}

/// The authorities whose codes are read.
enum Authority {
    Epsg,
    Esri,
}

/// What an identifier (see the `FromStr` impl of [`Crs`]) names, if it is well formed.
fn parse_identifier(text: &str) -> Option<Identifier> {
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
        return Some(Identifier::Code(Authority::Epsg, lower.parse().ok()?));
    }
    let compact: String = lower.chars().filter(char::is_ascii_alphanumeric).collect();
    let crs = match compact.as_str() {
        "lambert2008" | "belgianlambert2008" | "belgelambert2008" | "etrs89belgianlambert2008" => {
            Crs::Lambert2008
        }
        "lambert72"
        | "lambert1972"
        | "belgianlambert72"
        | "belgelambert1972"
        | "bd72belgianlambert72" => Crs::Lambert72,
        "wgs84" | "wgs1984" | "crs84" => Crs::Wgs84,
        _ => return None,
    };
    Some(Identifier::Named(crs))
}

/// What an `authority:code` pair (lower case) names.
fn by_authority(authority: &str, code: &str) -> Option<Identifier> {
    let number = || {
        (!code.is_empty() && code.bytes().all(|b| b.is_ascii_digit()))
            .then(|| code.parse().ok())
            .flatten()
    };
    match authority {
        "epsg" => Some(Identifier::Code(Authority::Epsg, number()?)),
        "esri" => Some(Identifier::Code(Authority::Esri, number()?)),
        "ogc" if code == "crs84" => Some(Identifier::Named(Crs::Wgs84)),
        _ => None,
    }
}

/// Detects the CRS of a shapefile from the WKT of its `.prj` companion file.
///
/// Reads what `proj4wkt` reads: ESRI WKT1 (what `ArcGIS` and QGIS write in `.prj` files),
/// OGC/GDAL WKT1 and WKT2 (2015 and 2019), one-line or pretty-printed, with a leading
/// byte-order mark, lower-case keywords or round brackets; compound CRS are taken by their
/// horizontal CRS, `BOUNDCRS` by their source CRS and datum shift. Then:
///
/// 1. an `AUTHORITY[...]` (WKT1) or `ID[...]` (WKT2) on the CRS itself that the EPSG table
///    knows (or `ESRI:54009`, `OGC:CRS84`) is decisive, provided it is of the same kind
///    (geographic or projected) as the WKT;
/// 2. otherwise the WKT's PROJ string is used; a datum without `TOWGS84` on an ellipsoid
///    other than WGS 84 / GRS 1980 takes the EPSG table's shift when it is one of the common
///    datums of Belgium and its neighbours (`D_Belge_1972` of the ESRI `.prj` of Lambert 72,
///    ED50, Amersfoort, NTF, Luxembourg 1930), and is refused otherwise;
/// 3. the result is named by the EPSG code of a common CRS (3812, 31370, 4326, 4258, 3035,
///    25831/2, 32631/2, 31300, ESRI:54009) when it is numerically that CRS (same ellipsoid
///    and the same EPSG:3812 coordinates over Belgium to a millimetre), so that the `.prj`
///    of our own data, which has no code, is EPSG:3812 and used without any transformation.
///
/// # Errors
/// [`CrsError::Wkt`] for text that is not WKT or that `proj4wkt` cannot convert (an unknown
/// projection, for example), [`CrsError::NoDatumShift`], and [`CrsError::Unusable`] for a
/// definition that cannot carry coordinates of Belgium to EPSG:3812.
pub fn detect_prj(wkt: &str) -> Result<Crs, CrsError> {
    wkt::detect(wkt)
}

/// Detects the CRS of a `GeoJSON` document from its top-level `crs` member.
///
/// Without a `crs` member (or with `"crs": null`) the document is RFC 7946 `GeoJSON`, hence
/// [`Crs::Wgs84`]. The legacy (2008) named CRS `{"type": "name", "properties": {"name": N}}`
/// is read with the rules of [`Crs`]'s `FromStr` (`urn:ogc:def:crs:OGC:1.3:CRS84`,
/// `urn:ogc:def:crs:EPSG::3812`, `EPSG:31370`, ...), as is the older
/// `{"type": "EPSG", "properties": {"code": 31370}}`. For a geographic CRS (`EPSG:4326`) the
/// coordinates are taken in longitude, latitude order, and for a projected one in easting,
/// northing order, as GDAL and QGIS write them in `GeoJSON`.
///
/// # Errors
/// - [`CrsError::Unsupported`] with the CRS name when it names no known CRS, and the other
///   errors of [`Crs`]'s `FromStr`;
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
        format!("EPSG:{}", code.trim()).parse()
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
