//! Another facility layer (`--facilities FILE`): hospitals, other mental-health offers, any
//! CSV of points, so that coverage, catchments and accessibility can be computed for them with
//! the same code as for the SSM and compared.
//!
//! Schema (header names are case-insensitive; the first alias present is used):
//!
//! | column | required | meaning |
//! |---|---|---|
//! | `lat`, `lon` | one pair | WGS84 degrees |
//! | `x`, `y` | one pair | EPSG:3812 metres |
//! | `id` (`facility_id`, `site_id`) | no | unique id; default `row <n>` (n-th data row) |
//! | `name` (`facility_name`, `hospital_name`, `ssm_name`) | no | name of the facility |
//! | `site_name` | no | name of the site when the facility has several |
//! | `capacity` (`cap_beds`, `etp`) | no | capacity for floating-catchment measures (beds, ETP...): zero or positive; when the column exists every row must fill it |
//!
//! Each point is its own service. Points may lie beyond the communes of the boundary layer (a
//! hospital in Brussels serves Walloon residents): they keep no commune, still serve demand,
//! and are counted in no zone. A point more than [`MAX_DISTANCE_FROM_TERRITORY_M`] from the
//! layer's bounding box is refused as a likely coordinate error (swapped `lat`/`lon`, wrong
//! CRS).

use std::collections::HashMap;
use std::path::Path;

use geo::{BoundingRect, Coord, Rect};
use ssmplan_core::{CommuneLocator, Sector, Site, SiteId, SiteKind, SsmId};

use crate::sites::{SiteTable, row_location};
use crate::table::{CsvError, Row, Table, read_bytes};

/// Points farther than this from the bounding box of the boundary layer are refused.
///
/// # Units
/// Metres.
pub const MAX_DISTANCE_FROM_TERRITORY_M: f64 = 200_000.0;

const ID: &[&str] = &["id", "facility_id", "site_id"];
const NAME: &[&str] = &["name", "facility_name", "hospital_name", "ssm_name"];
const CAPACITY: &[&str] = &["capacity", "cap_beds", "etp"];

/// A facility layer as read.
#[derive(Clone, Debug)]
pub struct FacilityLayer {
    /// The points as sites (kind [`SiteKind::Facility`], each its own service; `etp` holds the
    /// capacity), with their lines and co-located rows.
    pub table: SiteTable,
    /// The column read as capacity, when there is one.
    pub capacity_column: Option<String>,
    /// Points outside every commune of the boundary layer.
    pub outside: usize,
}

impl FacilityLayer {
    /// The file.
    #[must_use]
    pub fn path(&self) -> &Path {
        &self.table.path
    }
}

/// Parses a facility layer; `locator` indexes the communes of the boundary layer.
///
/// # Errors
/// Missing location columns, malformed rows, bad coordinates, a point far from the territory,
/// a duplicate id, a negative, non-numeric or missing capacity, an empty table.
pub fn parse_facilities(
    path: &Path,
    bytes: &[u8],
    locator: &CommuneLocator,
    extent: Option<Rect>,
) -> Result<FacilityLayer, CsvError> {
    let table = Table::parse(path, bytes)?;
    let geographic = table.has("lat") && table.has("lon");
    let projected = table.has("x") && table.has("y");
    if !geographic && !projected {
        table.require(&["lat"])?;
        table.require(&["lon"])?;
        table.require(&["x"])?;
        table.require(&["y"])?;
    }
    table.non_empty()?;
    let capacity_column = CAPACITY
        .iter()
        .find(|c| table.has(c))
        .map(|c| (*c).to_owned());
    let mut out = SiteTable {
        path: path.to_path_buf(),
        sites: Vec::new(),
        lines: Vec::new(),
        mapped: Vec::new(),
        nis_mismatches: Vec::new(),
        colocated: Vec::new(),
    };
    let mut outside = 0;
    let mut ids: HashMap<String, u64> = HashMap::new();
    let mut at: HashMap<(u64, u64), u64> = HashMap::new();
    for (n, row) in table.rows().enumerate() {
        let id = row
            .opt(ID)
            .map_or_else(|| format!("row {}", n + 1), str::to_owned);
        if let Some(&first_line) = ids.get(&id) {
            return Err(CsvError::Duplicate {
                path: path.to_path_buf(),
                line: row.line,
                field: row.field(ID).to_owned(),
                value: id,
                first_line,
            });
        }
        ids.insert(id.clone(), row.line);
        let location = row_location(&row, geographic, projected)?;
        if let Some(rect) = extent {
            check_near(&row, rect, location, geographic)?;
        }
        let capacity = capacity_column
            .as_deref()
            .map(|column| row_capacity(&row, column))
            .transpose()?;
        let commune = locator.locate(location);
        if commune.is_none() {
            outside += 1;
        }
        let key = (location.x.to_bits(), location.y.to_bits());
        if let Some(&first) = at.get(&key) {
            out.colocated.push((row.line, first));
        } else {
            at.insert(key, row.line);
        }
        let name = row.opt(NAME).unwrap_or(&id).to_owned();
        out.sites.push(Site {
            id: SiteId(id.clone()),
            ssm: SsmId(id),
            name: row.opt(&["site_name"]).unwrap_or(&name).to_owned(),
            ssm_name: name,
            kind: SiteKind::Facility,
            location,
            commune,
            etp: capacity,
            sector: Sector::Unknown,
        });
        out.lines.push(row.line);
    }
    Ok(FacilityLayer {
        table: out,
        capacity_column,
        outside,
    })
}

/// Refuses a point more than [`MAX_DISTANCE_FROM_TERRITORY_M`] from `rect`.
fn check_near(
    row: &Row<'_>,
    rect: Rect,
    location: Coord,
    geographic: bool,
) -> Result<(), CsvError> {
    let dx = (rect.min().x - location.x)
        .max(location.x - rect.max().x)
        .max(0.0);
    let dy = (rect.min().y - location.y)
        .max(location.y - rect.max().y)
        .max(0.0);
    let away = dx.hypot(dy);
    if away > MAX_DISTANCE_FROM_TERRITORY_M {
        return Err(row.bad(
            if geographic { "lat/lon" } else { "x/y" },
            &format!("{:.1}, {:.1} (EPSG:3812)", location.x, location.y),
            &format!(
                "the point lies {:.0} km from the study area (more than {:.0} km): are lat and lon swapped, or x/y not in EPSG:3812?",
                away / 1000.0,
                MAX_DISTANCE_FROM_TERRITORY_M / 1000.0
            ),
        ));
    }
    Ok(())
}

/// The capacity of a row: a number, zero or positive, never empty.
fn row_capacity(row: &Row<'_>, column: &str) -> Result<f64, CsvError> {
    let Some(value) = row.opt_number(&[column])? else {
        return Err(row.bad(
            column,
            "",
            "capacity is empty: fill it on every row, or remove the column to count every facility once",
        ));
    };
    if value < 0.0 {
        return Err(row.bad(
            column,
            &value.to_string(),
            "capacity must be zero or positive",
        ));
    }
    Ok(value)
}

/// Reads a facility layer.
///
/// # Errors
/// As [`parse_facilities`], plus an unreadable file.
pub fn read_facilities(
    path: &Path,
    locator: &CommuneLocator,
    extent: Option<Rect>,
) -> Result<FacilityLayer, CsvError> {
    parse_facilities(path, &read_bytes(path)?, locator, extent)
}

/// The bounding box of `communes` (EPSG:3812), `None` when there is none.
#[must_use]
pub fn extent_of(communes: &[ssmplan_core::Commune]) -> Option<Rect> {
    communes
        .iter()
        .filter_map(|c| c.geometry.bounding_rect())
        .reduce(|a, b| {
            Rect::new(
                Coord {
                    x: a.min().x.min(b.min().x),
                    y: a.min().y.min(b.min().y),
                },
                Coord {
                    x: a.max().x.max(b.max().x),
                    y: a.max().y.max(b.max().y),
                },
            )
        })
}
