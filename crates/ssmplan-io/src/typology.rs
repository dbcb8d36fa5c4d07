//! Official typology table: `nis,group` (French labels with or without accents accepted).

use std::path::{Path, PathBuf};

use ssmplan_core::TypologyGroup;

use crate::crosswalk::NisResolver;
use crate::table::{CsvError, Table, read_bytes};

/// Typology groups per commune index.
#[derive(Clone, Debug)]
pub struct TypologyTable {
    /// The file.
    pub path: PathBuf,
    /// Group per commune index (`None`: commune not in the table).
    pub by_commune: Vec<Option<TypologyGroup>>,
}

/// Parses a typology table (`nis` and `group`/`groupe`/`typology` columns).
///
/// # Errors
/// Missing columns, malformed rows, unknown NIS, unknown group label, duplicate NIS.
pub fn parse_typology(
    path: &Path,
    bytes: &[u8],
    resolver: &NisResolver<'_>,
    communes: usize,
) -> Result<TypologyTable, CsvError> {
    const GROUP: &[&str] = &["group", "groupe", "typology", "typologie"];
    let table = Table::parse(path, bytes)?;
    table.require(&["nis"])?;
    table.require(GROUP)?;
    table.non_empty()?;
    let mut by_commune = vec![None; communes];
    let mut lines: Vec<Option<u64>> = vec![None; communes];
    for row in table.rows() {
        let (nis, commune, _) = resolver.resolve_row(&row, &["nis"])?;
        let label = row.req(GROUP)?;
        let group = TypologyGroup::try_from(label)
            .map_err(|e| row.bad(row.field(GROUP), label, &e.to_string()))?;
        if let Some(first_line) = lines[commune] {
            return Err(CsvError::Duplicate {
                path: path.to_path_buf(),
                line: row.line,
                field: "nis".into(),
                value: nis.to_string(),
                first_line,
            });
        }
        lines[commune] = Some(row.line);
        by_commune[commune] = Some(group);
    }
    Ok(TypologyTable {
        path: path.to_path_buf(),
        by_commune,
    })
}

/// Reads a typology table.
///
/// # Errors
/// As [`parse_typology`], plus an unreadable file.
pub fn read_typology(
    path: &Path,
    resolver: &NisResolver<'_>,
    communes: usize,
) -> Result<TypologyTable, CsvError> {
    parse_typology(path, &read_bytes(path)?, resolver, communes)
}
