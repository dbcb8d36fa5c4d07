//! Frameworks table: the agreed staffing of each SSM, `ssm_id,etp`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::table::{CsvError, Table, read_bytes};

/// ETP per SSM id.
#[derive(Clone, Debug)]
pub struct FrameworkTable {
    /// The file.
    pub path: PathBuf,
    /// ETP by SSM id.
    pub etp: BTreeMap<String, f64>,
}

/// Parses a frameworks table. With `known`, every SSM id must be one of them.
///
/// # Errors
/// Missing columns, malformed rows, a negative or non-numeric ETP, a duplicate or unknown SSM.
pub fn parse_frameworks(
    path: &Path,
    bytes: &[u8],
    known: Option<&[&str]>,
) -> Result<FrameworkTable, CsvError> {
    let table = Table::parse(path, bytes)?;
    table.require(&["ssm_id", "ssm"])?;
    table.require(&["etp", "framework_etp"])?;
    table.non_empty()?;
    let mut etp = BTreeMap::new();
    let mut lines: BTreeMap<String, u64> = BTreeMap::new();
    for row in table.rows() {
        let id = row.req(&["ssm_id", "ssm"])?.to_owned();
        if let Some(known) = known
            && !known.contains(&id.as_str())
        {
            return Err(row.bad(
                row.field(&["ssm_id", "ssm"]),
                &id,
                "unknown SSM id (not in the sites file)",
            ));
        }
        let value = row.number(&["etp", "framework_etp"])?;
        if value < 0.0 {
            return Err(row.bad(
                row.field(&["etp", "framework_etp"]),
                &value.to_string(),
                "ETP must be zero or positive",
            ));
        }
        if let Some(&first_line) = lines.get(&id) {
            return Err(CsvError::Duplicate {
                path: path.to_path_buf(),
                line: row.line,
                field: row.field(&["ssm_id", "ssm"]).into(),
                value: id,
                first_line,
            });
        }
        lines.insert(id.clone(), row.line);
        etp.insert(id, value);
    }
    Ok(FrameworkTable {
        path: path.to_path_buf(),
        etp,
    })
}

/// Reads a frameworks table.
///
/// # Errors
/// As [`parse_frameworks`], plus an unreadable file.
pub fn read_frameworks(path: &Path, known: Option<&[&str]>) -> Result<FrameworkTable, CsvError> {
    parse_frameworks(path, &read_bytes(path)?, known)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn good_and_bad() {
        let p = Path::new("f.csv");
        let t = parse_frameworks(p, b"ssm_id,etp\nA,4.5\nB,12\n", Some(&["A", "B"])).expect("good");
        assert_eq!(t.etp.get("B"), Some(&12.0));
        for (bytes, expected) in [
            (&b"ssm_id,etp\nA,-1\n"[..], "line 2, field `etp`"),
            (b"ssm_id,etp\nA,lots\n", "line 2, field `etp`"),
            (b"ssm_id,etp\nZ,1\n", "unknown SSM id"),
            (b"ssm_id,etp\nA,1\nA,2\n", "duplicate value `A`"),
            (b"ssm_id\nA\n", "missing column `etp|framework_etp`"),
        ] {
            let m = parse_frameworks(p, bytes, Some(&["A", "B"]))
                .expect_err(expected)
                .to_string();
            assert!(m.contains(expected), "{expected}: {m}");
        }
    }
}
