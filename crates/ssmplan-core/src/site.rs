//! SSM sites: a *siège* or an *antenne* of one service, with an optional staffing framework.

use std::fmt;

use geo::Coord;

/// Identifier of one site (one row of the sites table).
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct SiteId(pub String);

/// Identifier of one SSM (service): all its sites share it.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct SsmId(pub String);

impl fmt::Display for SiteId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Display for SsmId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What a site is within its service.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum SiteKind {
    /// The service's main site.
    Siege,
    /// A branch site of an existing service.
    Antenne,
    /// The source says the kind is not known: the site counts as a site of its service, and the
    /// service still counts once, but the site is reported as of unspecified kind.
    Unspecified,
}

/// Why a label is not a site kind.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{found}` is not a site kind (expected siege/siège, antenne or unknown)")]
pub struct SiteKindError {
    /// The rejected label.
    pub found: String,
}

impl TryFrom<&str> for SiteKind {
    type Error = SiteKindError;

    fn try_from(label: &str) -> Result<Self, Self::Error> {
        match label.trim().to_lowercase().as_str() {
            "siege" | "siège" | "main" | "headquarters" => Ok(Self::Siege),
            "antenne" | "antenna" | "branch" => Ok(Self::Antenne),
            "unknown" | "inconnu" | "unspecified" => Ok(Self::Unspecified),
            _ => Err(SiteKindError {
                found: label.to_owned(),
            }),
        }
    }
}

impl SiteKind {
    /// Stable key used in outputs.
    #[must_use]
    pub fn key(self) -> &'static str {
        match self {
            Self::Siege => "siege",
            Self::Antenne => "antenne",
            Self::Unspecified => "unspecified",
        }
    }
}

/// Public or private organising authority.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Sector {
    /// Provinces, CPAS, communes.
    Public,
    /// Non-profit associations (ASBL).
    Private,
    /// Not stated by the source.
    Unknown,
}

impl Sector {
    /// Stable key used in outputs.
    #[must_use]
    pub fn key(self) -> &'static str {
        match self {
            Self::Public => "public",
            Self::Private => "private",
            Self::Unknown => "unknown",
        }
    }
}

/// One SSM site, located in EPSG:3812.
#[derive(Clone, Debug)]
pub struct Site {
    /// Site identifier (unique in the table).
    pub id: SiteId,
    /// The service this site belongs to (for an antenne: its parent SSM).
    pub ssm: SsmId,
    /// Name of the service.
    pub ssm_name: String,
    /// Name of the site.
    pub name: String,
    /// Siège, antenne or unspecified.
    pub kind: SiteKind,
    /// Location in EPSG:3812, metres.
    pub location: Coord<f64>,
    /// Index of the commune (in the loaded commune list) that contains the site.
    pub commune: usize,
    /// Staffing framework of the service in full-time equivalents, when known (stated on the
    /// siège row; used as capacity in floating-catchment measures).
    pub etp: Option<f64>,
    /// Public or private.
    pub sector: Sector,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds() {
        assert_eq!(SiteKind::try_from("siège"), Ok(SiteKind::Siege));
        assert_eq!(SiteKind::try_from(" Antenne "), Ok(SiteKind::Antenne));
        assert_eq!(SiteKind::try_from("unknown"), Ok(SiteKind::Unspecified));
        assert!(SiteKind::try_from("hôpital").is_err());
        assert!(SiteKind::try_from("").is_err());
    }
}
