//! Abstract location instances for `ssmplan solve`: demand points (`id,x,y,weight`), candidate
//! sites (`id,x,y`) and existing sites (`id,x,y`) in any planar unit, with no commune and no
//! CRS; or, with a sparse cost table (`origin,dest,cost`, the long form of `PySAL` `access`),
//! only the ids (and demand weights). Researchers bring them from their own benchmarks; the
//! reader only checks that every value is usable and names the file, line and field of the
//! first one that is not.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use geo::Coord;

use crate::table::{CsvError, Row, Table, read_bytes, shorten};

/// Points of one file of an instance, in file order.
#[derive(Clone, Debug)]
pub struct InstancePoints {
    /// The file.
    pub path: PathBuf,
    /// Identifier of each point (`id` column, else the 1-based data row number).
    pub ids: Vec<String>,
    /// Coordinates (`x`, `y`), in the file's unit; empty when read without coordinates.
    pub coords: Vec<Coord<f64>>,
    /// Weights (`weight` column) for demand files, empty otherwise.
    pub weights: Vec<f64>,
    /// The 1-based line of each point.
    pub lines: Vec<u64>,
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
    parse(path, bytes, weighted, true)
}

/// Parses the ids of the points of an instance on a cost table (`x` and `y` are not read); with
/// `weighted`, a `weight` column too (zero or positive).
///
/// # Errors
/// A missing weight column, malformed rows, negative or non-finite weights, duplicate ids, an
/// empty table.
pub fn parse_instance_ids(
    path: &Path,
    bytes: &[u8],
    weighted: bool,
) -> Result<InstancePoints, CsvError> {
    parse(path, bytes, weighted, false)
}

fn parse(
    path: &Path,
    bytes: &[u8],
    weighted: bool,
    coordinates: bool,
) -> Result<InstancePoints, CsvError> {
    let table = Table::parse(path, bytes)?;
    if coordinates {
        table.require(&["x"])?;
        table.require(&["y"])?;
    }
    if weighted {
        table.require(WEIGHT)?;
    }
    table.non_empty()?;
    let mut out = InstancePoints {
        path: path.to_path_buf(),
        ids: Vec::new(),
        coords: Vec::new(),
        weights: Vec::new(),
        lines: Vec::new(),
    };
    let mut seen: HashMap<String, u64> = HashMap::new();
    for (n, row) in table.rows().enumerate() {
        let id = row_id(&row, n, &mut seen)?;
        if coordinates {
            out.coords.push(Coord {
                x: row.number(&["x"])?,
                y: row.number(&["y"])?,
            });
        }
        out.lines.push(row.line);
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

/// The site end of a cost pair.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CostDest {
    /// A candidate site, by index in its file.
    Candidate(usize),
    /// An existing site, by index in its file.
    Existing(usize),
}

/// The pairs of a cost table, resolved to indices.
#[derive(Clone, Debug)]
pub struct CostPairs {
    /// The file.
    pub path: PathBuf,
    /// `(demand index, site, cost)`, in file order.
    pub pairs: Vec<(usize, CostDest, f64)>,
}

const ORIGIN: &[&str] = &["origin", "from", "origin_id"];
const DEST: &[&str] = &["dest", "destination", "to", "dest_id"];
const COST: &[&str] = &["cost", "distance", "time"];

/// Parses a sparse cost table (`origin,dest,cost`, one pair a row): `origin` a demand id,
/// `dest` a candidate or existing site id, `cost` zero or positive in any unit. Pairs that are
/// absent are unreachable.
///
/// # Errors
/// Missing columns, an empty table, malformed rows, an origin that is not a demand id, a dest
/// that is neither a candidate nor an existing site id, a pair given twice, a negative or
/// non-finite cost; and, in the existing sites' file, an id that is also a candidate id (a dest
/// must name one site).
pub fn parse_cost_table(
    path: &Path,
    bytes: &[u8],
    demand: &InstancePoints,
    candidates: &InstancePoints,
    existing: Option<&InstancePoints>,
) -> Result<CostPairs, CsvError> {
    let origins: HashMap<&str, usize> = demand
        .ids
        .iter()
        .enumerate()
        .map(|(i, id)| (id.as_str(), i))
        .collect();
    let mut dests: HashMap<&str, CostDest> = candidates
        .ids
        .iter()
        .enumerate()
        .map(|(j, id)| (id.as_str(), CostDest::Candidate(j)))
        .collect();
    if let Some(existing) = existing {
        for (k, id) in existing.ids.iter().enumerate() {
            if let Some(CostDest::Candidate(j)) = dests.insert(id, CostDest::Existing(k)) {
                return Err(CsvError::BadValue {
                    path: existing.path.clone(),
                    line: existing.lines[k],
                    field: "id".into(),
                    found: shorten(id),
                    problem: format!(
                        "also a candidate id ({}, line {}): with a cost table, candidates and \
                         existing sites need distinct ids",
                        candidates.path.display(),
                        candidates.lines[j]
                    ),
                });
            }
        }
    }
    let table = Table::parse(path, bytes)?;
    table.require(ORIGIN)?;
    table.require(DEST)?;
    table.require(COST)?;
    table.non_empty()?;
    let mut pairs = Vec::new();
    let mut lines = Vec::new();
    for row in table.rows() {
        let origin = row.req(ORIGIN)?;
        let &d = origins.get(origin).ok_or_else(|| {
            row.bad(
                row.field(ORIGIN),
                origin,
                &format!("not a demand id of {}", demand.path.display()),
            )
        })?;
        let dest = row.req(DEST)?;
        let &site = dests.get(dest).ok_or_else(|| {
            row.bad(
                row.field(DEST),
                dest,
                &match existing {
                    Some(e) => format!(
                        "neither a candidate id of {} nor an existing site id of {}",
                        candidates.path.display(),
                        e.path.display()
                    ),
                    None => format!("not a candidate id of {}", candidates.path.display()),
                },
            )
        })?;
        let cost = row.number(COST)?;
        if cost < 0.0 {
            return Err(row.bad(
                row.field(COST),
                &cost.to_string(),
                "cost must be zero or positive",
            ));
        }
        pairs.push((d, site, cost));
        lines.push(row.line);
    }
    // A pair given twice: sort a permutation by pair, then by line.
    let mut order: Vec<usize> = (0..pairs.len()).collect();
    order.sort_unstable_by_key(|&k| (pairs[k].0, pairs[k].1, lines[k]));
    if let Some(w) = order
        .windows(2)
        .find(|w| (pairs[w[0]].0, pairs[w[0]].1) == (pairs[w[1]].0, pairs[w[1]].1))
    {
        let (d, site, _) = pairs[w[1]];
        let dest = match site {
            CostDest::Candidate(j) => &candidates.ids[j],
            CostDest::Existing(k) => &existing.map_or(&candidates.ids, |e| &e.ids)[k],
        };
        return Err(CsvError::Duplicate {
            path: path.to_path_buf(),
            line: lines[w[1]],
            field: "origin,dest".into(),
            value: format!("{},{}", demand.ids[d], dest),
            first_line: lines[w[0]],
        });
    }
    Ok(CostPairs {
        path: path.to_path_buf(),
        pairs,
    })
}
