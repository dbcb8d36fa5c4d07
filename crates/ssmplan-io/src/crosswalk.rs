//! The NIS crosswalk from 2019-2024 codes to 2025 codes, and the resolution of any NIS code to a
//! loaded commune.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use ssmplan_core::{Commune, Nis};

use crate::table::{CsvError, Row, Table, read_bytes};

/// 2019-2024 code -> 2025 code (only the rows where they differ are kept).
#[derive(Clone, Debug, Default)]
pub struct Crosswalk {
    map: BTreeMap<Nis, Nis>,
}

impl Crosswalk {
    /// The 2025 code of a 2019-2024 code that changed, `None` when unchanged or unknown.
    #[must_use]
    pub fn to_2025(&self, old: Nis) -> Option<Nis> {
        self.map.get(&old).copied()
    }

    /// Number of changed codes.
    #[must_use]
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// True when no code changed.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }
}

/// Parses the crosswalk (`nis_2019_2024,nis_2025`, other columns ignored).
///
/// # Errors
/// [`CsvError`] naming the file, line and field.
pub fn parse_crosswalk(path: &Path, bytes: &[u8]) -> Result<Crosswalk, CsvError> {
    let table = Table::parse(path, bytes)?;
    table.require(&["nis_2019_2024"])?;
    table.require(&["nis_2025"])?;
    let mut map = BTreeMap::new();
    let mut seen: HashMap<Nis, u64> = HashMap::new();
    for row in table.rows() {
        let old = row.nis(&["nis_2019_2024"])?;
        let new = row.nis(&["nis_2025"])?;
        if let Some(&first_line) = seen.get(&old) {
            return Err(CsvError::Duplicate {
                path: path.to_path_buf(),
                line: row.line,
                field: "nis_2019_2024".into(),
                value: old.to_string(),
                first_line,
            });
        }
        seen.insert(old, row.line);
        if old != new {
            map.insert(old, new);
        }
    }
    Ok(Crosswalk { map })
}

/// Reads the crosswalk file.
///
/// # Errors
/// [`CsvError`] naming the file, line and field.
pub fn read_crosswalk(path: &Path) -> Result<Crosswalk, CsvError> {
    parse_crosswalk(path, &read_bytes(path)?)
}

/// How a NIS code of an input table was matched to a commune.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NisMatch {
    /// A 2025 code of a loaded commune (its index).
    Direct(usize),
    /// A 2019-2024 code mapped to the 2025 commune at this index.
    Mapped {
        /// The 2025 code.
        to: Nis,
        /// Commune index.
        commune: usize,
    },
    /// Not a loaded commune, even through the crosswalk.
    Unknown,
}

/// Resolves NIS codes to loaded communes, through the crosswalk when needed.
#[derive(Clone, Debug)]
pub struct NisResolver<'a> {
    index: HashMap<Nis, usize>,
    crosswalk: &'a Crosswalk,
}

impl<'a> NisResolver<'a> {
    /// A resolver over `communes` (2025 codes).
    #[must_use]
    pub fn new(communes: &[Commune], crosswalk: &'a Crosswalk) -> Self {
        Self {
            index: communes
                .iter()
                .enumerate()
                .map(|(i, c)| (c.nis, i))
                .collect(),
            crosswalk,
        }
    }

    /// Matches `nis` to a commune.
    #[must_use]
    pub fn resolve(&self, nis: Nis) -> NisMatch {
        if let Some(&i) = self.index.get(&nis) {
            return NisMatch::Direct(i);
        }
        match self
            .crosswalk
            .to_2025(nis)
            .and_then(|to| Some((to, *self.index.get(&to)?)))
        {
            Some((to, commune)) => NisMatch::Mapped { to, commune },
            None => NisMatch::Unknown,
        }
    }
}

impl NisResolver<'_> {
    /// Reads the NIS code of a row (first present column of `names`) and matches it to a
    /// commune: `(code, commune index, the 2025 code when a 2019-2024 code was mapped)`.
    ///
    /// # Errors
    /// A bad code, or [`CsvError::UnknownNis`] naming the file, line and field.
    pub(crate) fn resolve_row(
        &self,
        row: &Row<'_>,
        names: &[&str],
    ) -> Result<(Nis, usize, Option<Nis>), CsvError> {
        let nis = row.nis(names)?;
        match self.resolve(nis) {
            NisMatch::Direct(i) => Ok((nis, i, None)),
            NisMatch::Mapped { to, commune } => Ok((nis, commune, Some(to))),
            NisMatch::Unknown => Err(CsvError::UnknownNis {
                path: row.path.to_path_buf(),
                line: row.line,
                field: row.field(names).to_owned(),
                nis: nis.to_string(),
            }),
        }
    }
}
