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
    /// A point of another facility layer (hospitals, other mental-health offers), each its own
    /// service; never read from an SSM sites table.
    Facility,
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
            Self::Facility => "facility",
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
    /// Index of the commune (in the loaded commune list) that contains the site; `None` for a
    /// point of a facility layer beyond the communes in scope (a hospital in Brussels still
    /// serves Walloon residents). SSM sites always lie in a commune in scope.
    pub commune: Option<usize>,
    /// Staffing framework of the service in full-time equivalents, when known (stated on the
    /// siège row; used as capacity in floating-catchment measures).
    pub etp: Option<f64>,
    /// Public or private.
    pub sector: Sector,
}

/// Capacity of every site for floating-catchment measures: the ETP of its SSM when any row of
/// the SSM states it (else 1 per SSM), split evenly over the SSM's sites. The second value is
/// true when at least one SSM has an ETP.
#[must_use]
pub fn site_capacities(sites: &[Site]) -> (Vec<f64>, bool) {
    let mut per_ssm: std::collections::BTreeMap<&str, (usize, Option<f64>)> =
        std::collections::BTreeMap::new();
    for s in sites {
        let e = per_ssm.entry(s.ssm.0.as_str()).or_insert((0, None));
        e.0 += 1;
        if s.etp.is_some() {
            e.1 = s.etp;
        }
    }
    let uses_etp = per_ssm.values().any(|v| v.1.is_some());
    let capacity = sites
        .iter()
        .map(|s| {
            let (n, etp) = per_ssm[s.ssm.0.as_str()];
            etp.unwrap_or(1.0) / n as f64
        })
        .collect();
    (capacity, uses_etp)
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

    #[test]
    fn capacities_split_the_etp_of_each_ssm_over_its_sites() {
        let site = |ssm: &str, etp: Option<f64>| Site {
            id: SiteId(format!("{ssm}{etp:?}")),
            ssm: SsmId(ssm.into()),
            ssm_name: String::new(),
            name: String::new(),
            kind: SiteKind::Siege,
            location: Coord { x: 0.0, y: 0.0 },
            commune: Some(0),
            etp,
            sector: Sector::Unknown,
        };
        let sites = [
            site("A", Some(6.0)),
            site("A", None),
            site("B", None),
            site("C", None),
            site("C", None),
        ];
        let (capacity, uses_etp) = site_capacities(&sites);
        assert_eq!(capacity, vec![3.0, 3.0, 1.0, 0.5, 0.5]);
        assert!(uses_etp);
        assert!(!site_capacities(&sites[2..]).1);
    }
}
