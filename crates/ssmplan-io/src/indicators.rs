//! Commune indicators (`nis` plus numeric columns) and hospital sites (`lat`, `lon`,
//! `psychiatric_site`), the inputs of a reconstructed typology.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use geo::Coord;

use crate::crosswalk::{NisMatch, NisResolver};
use crate::crs::{Crs, project_coord};
use crate::table::{CsvError, Table, read_bytes};

/// Numeric indicators per commune index.
#[derive(Clone, Debug)]
pub struct IndicatorTable {
    /// The file.
    pub path: PathBuf,
    /// Column name -> value per commune index (`None`: no row or empty cell).
    pub columns: BTreeMap<String, Vec<Option<f64>>>,
    /// Rows whose commune is not loaded (e.g. out of the boundary layer), skipped and counted.
    pub unknown_rows: usize,
}

impl IndicatorTable {
    /// Values of a column, erroring when it is absent.
    ///
    /// # Errors
    /// [`CsvError::MissingColumn`] when the table has no such column.
    pub fn column(&self, name: &str) -> Result<&[Option<f64>], CsvError> {
        self.columns
            .get(name)
            .map(Vec::as_slice)
            .ok_or_else(|| CsvError::MissingColumn {
                path: self.path.clone(),
                column: name.to_owned(),
                header: self.columns.keys().cloned().collect::<Vec<_>>().join(","),
            })
    }
}

/// Parses an indicator table: the `columns` asked must be present and numeric (empty cells are
/// missing values). Rows with a NIS code outside the loaded communes are counted, not errors,
/// since indicator tables often cover all of Belgium.
///
/// # Errors
/// Missing columns, malformed rows, non-numeric values, duplicate NIS codes.
pub fn parse_indicators(
    path: &Path,
    bytes: &[u8],
    resolver: &NisResolver<'_>,
    communes: usize,
    columns: &[&str],
) -> Result<IndicatorTable, CsvError> {
    let table = Table::parse(path, bytes)?;
    table.require(&["nis"])?;
    for c in columns {
        table.require(&[c])?;
    }
    table.non_empty()?;
    let mut out: BTreeMap<String, Vec<Option<f64>>> = columns
        .iter()
        .map(|c| ((*c).to_owned(), vec![None; communes]))
        .collect();
    let mut seen: Vec<Option<u64>> = vec![None; communes];
    let mut unknown_rows = 0;
    for row in table.rows() {
        let nis = row.nis(&["nis"])?;
        let commune = match resolver.resolve(nis) {
            NisMatch::Direct(i) | NisMatch::Mapped { commune: i, .. } => i,
            NisMatch::Unknown => {
                unknown_rows += 1;
                continue;
            }
        };
        if let Some(first_line) = seen[commune] {
            return Err(CsvError::Duplicate {
                path: path.to_path_buf(),
                line: row.line,
                field: "nis".into(),
                value: nis.to_string(),
                first_line,
            });
        }
        seen[commune] = Some(row.line);
        for c in columns {
            let v = row.opt_number(&[c])?;
            if let Some(values) = out.get_mut(*c) {
                values[commune] = v;
            }
        }
    }
    Ok(IndicatorTable {
        path: path.to_path_buf(),
        columns: out,
        unknown_rows,
    })
}

/// Reads an indicator table.
///
/// # Errors
/// As [`parse_indicators`], plus an unreadable file.
pub fn read_indicators(
    path: &Path,
    resolver: &NisResolver<'_>,
    communes: usize,
    columns: &[&str],
) -> Result<IndicatorTable, CsvError> {
    parse_indicators(path, &read_bytes(path)?, resolver, communes, columns)
}

/// A hospital site.
#[derive(Clone, Debug, PartialEq)]
pub struct Hospital {
    /// Location, EPSG:3812.
    pub location: Coord<f64>,
    /// Flagged as a psychiatric site.
    pub psychiatric: bool,
}

/// Parses hospital sites (`lat`, `lon`, `psychiatric_site` yes/no). Rows without coordinates
/// are errors: the GISCO extract has none.
///
/// # Errors
/// Missing columns, malformed rows, bad coordinates or flags.
pub fn parse_hospitals(path: &Path, bytes: &[u8]) -> Result<Vec<Hospital>, CsvError> {
    let table = Table::parse(path, bytes)?;
    table.require(&["lat"])?;
    table.require(&["lon"])?;
    table.require(&["psychiatric_site"])?;
    table.non_empty()?;
    let mut out = Vec::new();
    for row in table.rows() {
        let lat = row.number(&["lat"])?;
        let lon = row.number(&["lon"])?;
        if !((-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon)) {
            return Err(row.bad("lat", &format!("{lat}, {lon}"), "coordinates out of range"));
        }
        let flag = row.req(&["psychiatric_site"])?;
        let psychiatric = match flag.to_lowercase().as_str() {
            "yes" | "true" | "1" | "oui" => true,
            "no" | "false" | "0" | "non" => false,
            _ => return Err(row.bad("psychiatric_site", flag, "expected yes or no")),
        };
        out.push(Hospital {
            location: project_coord(Crs::Wgs84, Coord { x: lon, y: lat }),
            psychiatric,
        });
    }
    Ok(out)
}

/// Reads hospital sites.
///
/// # Errors
/// As [`parse_hospitals`], plus an unreadable file.
pub fn read_hospitals(path: &Path) -> Result<Vec<Hospital>, CsvError> {
    parse_hospitals(path, &read_bytes(path)?)
}
