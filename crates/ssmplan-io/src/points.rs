//! Weighted demand points: the 1 km population grid (GHS-POP cells with their commune) and user
//! CSVs of weighted points.
//!
//! Columns: a location (`x_lambert2008`/`y_lambert2008` or `x`/`y` in EPSG:3812 metres, or
//! `lat`/`lon` in WGS84), a weight (`pop_ghs_2020`, `weight`, `population` or `pop`), and
//! optionally the commune (`nis_2025` or `nis`; 2019-2024 codes mapped). A point without a NIS
//! code is placed in the commune containing it.

use std::path::{Path, PathBuf};

use geo::Coord;
use ssmplan_core::{CommuneLocator, WeightedPoint};

use crate::crosswalk::NisResolver;
use crate::crs::{Crs, project_coord};
use crate::table::{CsvError, Table, read_bytes};

/// Weighted points read from a file.
#[derive(Clone, Debug)]
pub struct PointTable {
    /// The file.
    pub path: PathBuf,
    /// The points (commune indexes refer to the communes given to the parser).
    pub points: Vec<WeightedPoint>,
    /// Points whose commune is not loaded (outside the boundary layer's Walloon communes) were
    /// rejected; points of communes dropped later by the scope are counted by the caller.
    pub rows: usize,
}

const WEIGHT: &[&str] = &["pop_ghs_2020", "weight", "population", "pop"];

/// Parses weighted points.
///
/// # Errors
/// Missing columns, malformed rows, negative or non-numeric weights, unknown NIS codes, points
/// outside every commune (when no NIS is given), an empty table.
pub fn parse_points(
    path: &Path,
    bytes: &[u8],
    locator: &CommuneLocator,
    resolver: &NisResolver<'_>,
) -> Result<PointTable, CsvError> {
    let table = Table::parse(path, bytes)?;
    table.require(WEIGHT)?;
    let lambert = if table.has("x_lambert2008") {
        table.require(&["y_lambert2008"])?;
        Some(["x_lambert2008", "y_lambert2008"])
    } else if table.has("x") {
        table.require(&["y"])?;
        Some(["x", "y"])
    } else {
        table.require(&["lat"])?;
        table.require(&["lon"])?;
        None
    };
    table.non_empty()?;
    let mut points = Vec::new();
    let mut rows = 0;
    for row in table.rows() {
        rows += 1;
        let location = match lambert {
            Some([x, y]) => Coord {
                x: row.number(&[x])?,
                y: row.number(&[y])?,
            },
            None => project_coord(
                Crs::Wgs84,
                Coord {
                    x: row.number(&["lon"])?,
                    y: row.number(&["lat"])?,
                },
            ),
        };
        let weight = row.number(WEIGHT)?;
        if weight < 0.0 {
            return Err(row.bad(
                row.field(WEIGHT),
                &weight.to_string(),
                "weight must be zero or positive",
            ));
        }
        let commune = match row.opt(&["nis_2025", "nis"]) {
            Some(_) => resolver.resolve_row(&row, &["nis_2025", "nis"])?.1,
            None => locator.locate(location).ok_or_else(|| {
                row.bad(
                    match lambert {
                        Some(["x_lambert2008", _]) => "x_lambert2008/y_lambert2008",
                        Some(_) => "x/y",
                        None => "lat/lon",
                    },
                    &format!("{:.1}, {:.1}", location.x, location.y),
                    "point lies outside every commune",
                )
            })?,
        };
        points.push(WeightedPoint {
            location,
            commune,
            weight,
        });
    }
    Ok(PointTable {
        path: path.to_path_buf(),
        points,
        rows,
    })
}

/// Reads weighted points.
///
/// # Errors
/// As [`parse_points`], plus an unreadable file.
pub fn read_points(
    path: &Path,
    locator: &CommuneLocator,
    resolver: &NisResolver<'_>,
) -> Result<PointTable, CsvError> {
    parse_points(path, &read_bytes(path)?, locator, resolver)
}

/// A candidate location for a new site, read from a CSV (`id` optional; `x`,`y` in EPSG:3812 or
/// `lat`,`lon`), with the commune containing it.
#[derive(Clone, Debug, PartialEq)]
pub struct CandidatePoint {
    /// Id (default `c<line>`).
    pub id: String,
    /// Location, EPSG:3812.
    pub location: Coord<f64>,
    /// Commune index.
    pub commune: usize,
}

/// Parses candidate locations; each must lie in a commune indexed by `locator`.
///
/// # Errors
/// Missing columns, malformed rows, bad coordinates, a point outside every commune, an empty table.
pub fn parse_candidates(
    path: &Path,
    bytes: &[u8],
    locator: &CommuneLocator,
) -> Result<Vec<CandidatePoint>, CsvError> {
    let table = Table::parse(path, bytes)?;
    let projected = table.has("x") && table.has("y");
    if !projected {
        table.require(&["lat"])?;
        table.require(&["lon"])?;
    }
    table.non_empty()?;
    let mut out = Vec::new();
    for row in table.rows() {
        let location = if projected {
            Coord {
                x: row.number(&["x"])?,
                y: row.number(&["y"])?,
            }
        } else {
            project_coord(
                Crs::Wgs84,
                Coord {
                    x: row.number(&["lon"])?,
                    y: row.number(&["lat"])?,
                },
            )
        };
        let commune = locator.locate(location).ok_or_else(|| {
            row.bad(
                if projected { "x/y" } else { "lat/lon" },
                &format!("{:.1}, {:.1}", location.x, location.y),
                "candidate lies outside every commune in scope",
            )
        })?;
        let id = row
            .opt(&["id", "candidate_id", "name"])
            .map_or_else(|| format!("c{}", row.line), str::to_owned);
        out.push(CandidatePoint {
            id,
            location,
            commune,
        });
    }
    Ok(out)
}

/// Reads candidate locations.
///
/// # Errors
/// As [`parse_candidates`], plus an unreadable file.
pub fn read_candidates(
    path: &Path,
    locator: &CommuneLocator,
) -> Result<Vec<CandidatePoint>, CsvError> {
    parse_candidates(path, &read_bytes(path)?, locator)
}
