//! Population per commune (Statbel, 1 January): `nis,population[,year]`.

use std::path::{Path, PathBuf};

use ssmplan_core::Nis;

use crate::crosswalk::NisResolver;
use crate::table::{CsvError, Table, read_bytes};

/// Population attached to the loaded communes.
#[derive(Clone, Debug)]
pub struct PopulationTable {
    /// The file.
    pub path: PathBuf,
    /// Residents per commune index (`None`: no row for the commune).
    pub by_commune: Vec<Option<u64>>,
    /// Reference year(s) found in the table (from `year` or `ref_date`), sorted.
    pub years: Vec<i32>,
    /// Rows whose 2019-2024 code was mapped to a 2025 commune: (line, old code, new code).
    pub mapped: Vec<(u64, Nis, Nis)>,
    /// Rows skipped because their commune is known to be outside the loaded layer on purpose
    /// (none today; kept for the report).
    pub rows: usize,
}

/// Parses a population table. The population column is `pop_total`, `population` or `pop`;
/// the NIS column `nis` (or `cd_refnis`). A 2019-2024 code is mapped to its 2025 commune through
/// the crosswalk, and merged communes add up.
///
/// # Errors
/// Missing columns, malformed rows, a NIS code that matches no commune, a negative or
/// non-numeric population, a duplicate code, or an empty table: [`CsvError`] naming the file,
/// line and field.
pub fn parse_population(
    path: &Path,
    bytes: &[u8],
    resolver: &NisResolver<'_>,
    communes: usize,
) -> Result<PopulationTable, CsvError> {
    const NIS: &[&str] = &["nis", "cd_refnis", "nis_2025"];
    const POP: &[&str] = &["pop_total", "population", "pop"];
    let table = Table::parse(path, bytes)?;
    table.require(NIS)?;
    table.require(POP)?;
    table.non_empty()?;
    let mut by_commune: Vec<Option<u64>> = vec![None; communes];
    let mut first_line = std::collections::HashMap::new();
    let mut years = std::collections::BTreeSet::new();
    let mut mapped = Vec::new();
    let mut rows = 0;
    for row in table.rows() {
        rows += 1;
        let (nis, commune, mapped_to) = resolver.resolve_row(&row, NIS)?;
        if let Some(&first) = first_line.get(&nis) {
            return Err(CsvError::Duplicate {
                path: path.to_path_buf(),
                line: row.line,
                field: row.field(NIS).into(),
                value: nis.to_string(),
                first_line: first,
            });
        }
        first_line.insert(nis, row.line);
        let population = row.count(POP)?;
        // The year, or the first four characters of a date (`2025-01-01`).
        if let Some((year, field)) = row.opt(&["year"]).map(|y| (y, "year")).or_else(|| {
            row.opt(&["ref_date"]).map(|d| {
                let end = d.char_indices().nth(4).map_or(d.len(), |(k, _)| k);
                (&d[..end], "ref_date")
            })
        }) {
            let y: i32 = year
                .parse()
                .map_err(|_| row.bad(field, year, "expected a year such as 2025"))?;
            years.insert(y);
        }
        if let Some(to) = mapped_to {
            mapped.push((row.line, nis, to));
        }
        let slot = &mut by_commune[commune];
        *slot = Some(slot.unwrap_or(0) + population);
    }
    Ok(PopulationTable {
        path: path.to_path_buf(),
        by_commune,
        years: years.into_iter().collect(),
        mapped,
        rows,
    })
}

/// Reads a population table.
///
/// # Errors
/// As [`parse_population`], plus an unreadable file.
pub fn read_population(
    path: &Path,
    resolver: &NisResolver<'_>,
    communes: usize,
) -> Result<PopulationTable, CsvError> {
    parse_population(path, &read_bytes(path)?, resolver, communes)
}
