//! Abstract location instances for `ssmplan solve`: demand points (`id,x,y,weight`), candidate
//! sites (`id,x,y`) and existing sites (`id,x,y`) in any planar unit, with no commune and no
//! CRS. Researchers bring them from their own benchmarks; the reader only checks that every
//! value is usable and names the file, line and field of the first one that is not.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use geo::Coord;

use crate::table::{CsvError, Row, Table, read_bytes};

/// Points of one file of an instance, in file order.
#[derive(Clone, Debug)]
pub struct InstancePoints {
    /// The file.
    pub path: PathBuf,
    /// Identifier of each point (`id` column, else the 1-based data row number).
    pub ids: Vec<String>,
    /// Coordinates (`x`, `y`), in the file's unit.
    pub coords: Vec<Coord<f64>>,
    /// Weights (`weight` column) for demand files, empty otherwise.
    pub weights: Vec<f64>,
}

const WEIGHT: &[&str] = &["weight", "w", "population", "pop"];

/// Parses points with coordinates; with `weighted`, a `weight` column too (zero or positive).
///
/// # Errors
/// Missing columns, malformed rows, non-finite coordinates, negative or non-finite weights,
/// duplicate ids, an empty table.
pub fn parse_instance_points(
    path: &Path,
    bytes: &[u8],
    weighted: bool,
) -> Result<InstancePoints, CsvError> {
    let table = Table::parse(path, bytes)?;
    table.require(&["x"])?;
    table.require(&["y"])?;
    if weighted {
        table.require(WEIGHT)?;
    }
    table.non_empty()?;
    let mut out = InstancePoints {
        path: path.to_path_buf(),
        ids: Vec::new(),
        coords: Vec::new(),
        weights: Vec::new(),
    };
    let mut seen: HashMap<String, u64> = HashMap::new();
    for (n, row) in table.rows().enumerate() {
        let id = row_id(&row, n, &mut seen)?;
        out.coords.push(Coord {
            x: row.number(&["x"])?,
            y: row.number(&["y"])?,
        });
        if weighted {
            let w = row.number(WEIGHT)?;
            if w < 0.0 {
                return Err(row.bad(
                    row.field(WEIGHT),
                    &w.to_string(),
                    "weight must be zero or positive",
                ));
            }
            out.weights.push(w);
        }
        out.ids.push(id);
    }
    Ok(out)
}

/// The id of a row (`id` column, else its 1-based data row number), unique in the file.
fn row_id(row: &Row<'_>, n: usize, seen: &mut HashMap<String, u64>) -> Result<String, CsvError> {
    let id = row
        .opt(&["id"])
        .map_or_else(|| (n + 1).to_string(), str::to_owned);
    if let Some(&first_line) = seen.get(&id) {
        return Err(CsvError::Duplicate {
            path: row.path.to_path_buf(),
            line: row.line,
            field: "id".into(),
            value: id,
            first_line,
        });
    }
    seen.insert(id.clone(), row.line);
    Ok(id)
}

/// Reads points with coordinates (and weights with `weighted`).
///
/// # Errors
/// As [`parse_instance_points`], plus an unreadable file.
pub fn read_instance_points(path: &Path, weighted: bool) -> Result<InstancePoints, CsvError> {
    parse_instance_points(path, &read_bytes(path)?, weighted)
}
