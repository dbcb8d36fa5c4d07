//! CSV tables: a header-aware row reader shared by the CSV loaders, with errors that name the
//! file, the line and the field.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use ssmplan_core::Nis;

/// An error in a CSV input.
#[derive(Debug, thiserror::Error)]
pub enum CsvError {
    /// The file could not be read.
    #[error("{path}: cannot read file")]
    Open {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The file has no header row or no data row.
    #[error("{path}: empty table (no {what})")]
    Empty {
        /// The file.
        path: PathBuf,
        /// What is missing ("header" or "data row").
        what: &'static str,
    },
    /// A required column is missing from the header.
    #[error("{path}: missing column `{column}` (header has: {header})")]
    MissingColumn {
        /// The file.
        path: PathBuf,
        /// The expected column (or alternatives, `a|b`).
        column: String,
        /// The columns found.
        header: String,
    },
    /// A row is not valid CSV (e.g. wrong number of fields, bad quoting or encoding).
    #[error("{path}, line {line}: malformed row")]
    Malformed {
        /// The file.
        path: PathBuf,
        /// 1-based line number.
        line: u64,
        /// The parser error.
        #[source]
        source: csv::Error,
    },
    /// A field holds a value of the wrong kind or out of range.
    #[error("{path}, line {line}, field `{field}`: {problem} (found `{found}`)")]
    BadValue {
        /// The file.
        path: PathBuf,
        /// 1-based line number.
        line: u64,
        /// Column name.
        field: String,
        /// What was found.
        found: String,
        /// What is wrong, e.g. "expected a non-negative integer".
        problem: String,
    },
    /// A key appears twice.
    #[error(
        "{path}, line {line}, field `{field}`: duplicate value `{value}` (first on line {first_line})"
    )]
    Duplicate {
        /// The file.
        path: PathBuf,
        /// 1-based line number of the repeat.
        line: u64,
        /// Column name.
        field: String,
        /// The repeated value.
        value: String,
        /// Line of the first occurrence.
        first_line: u64,
    },
    /// A NIS code that is neither a loaded commune nor mapped to one by the crosswalk.
    #[error(
        "{path}, line {line}, field `{field}`: unknown NIS code `{nis}` (not a commune of the boundary layer in scope, nor a 2019-2024 code of the crosswalk)"
    )]
    UnknownNis {
        /// The file.
        path: PathBuf,
        /// 1-based line number.
        line: u64,
        /// Column name.
        field: String,
        /// The code.
        nis: String,
    },
}

/// The longest value echoed in an error, in characters.
const ECHO_MAX_CHARS: usize = 60;

/// `value`, cut to [`ECHO_MAX_CHARS`] characters (at a character boundary) with `…` when longer.
pub(crate) fn shorten(value: &str) -> String {
    match value.char_indices().nth(ECHO_MAX_CHARS) {
        Some((end, _)) => format!("{}…", &value[..end]),
        None => value.to_owned(),
    }
}

/// 1-based line numbers from byte offsets. A line ends at `\n`, at `\r\n` (counted once) and at
/// a lone `\r` (old Mac files, Excel "CSV (Macintosh)"). The `csv` crate's own
/// `Position::line` counts only `\n` and lags by one with CRLF files and after blank lines
/// (rust-csv #395, #208), so it is not used.
struct Lines<'b> {
    bytes: &'b [u8],
    /// Offset of the first byte of every line but the first.
    starts: Vec<u64>,
}

impl<'b> Lines<'b> {
    fn new(bytes: &'b [u8]) -> Self {
        let starts = bytes
            .iter()
            .enumerate()
            .filter(|&(k, &b)| b == b'\n' || (b == b'\r' && bytes.get(k + 1) != Some(&b'\n')))
            .map(|(k, _)| k as u64 + 1)
            .collect();
        Self { bytes, starts }
    }

    /// The line where a record starts, from the parser's position. The position may point at
    /// line ends read before the record (the rest of a CRLF pair, blank lines): they are
    /// skipped, as no record starts with one.
    fn of(&self, position: Option<&csv::Position>) -> u64 {
        let Some(position) = position else { return 0 };
        let start =
            usize::try_from(position.byte()).map_or(self.bytes.len(), |b| b.min(self.bytes.len()));
        let skipped = self.bytes[start..]
            .iter()
            .take_while(|&&b| b == b'\r' || b == b'\n')
            .count();
        let offset = (start + skipped) as u64;
        self.starts.partition_point(|&s| s <= offset) as u64 + 1
    }
}

/// One data row with its line number and header lookup.
pub(crate) struct Row<'a> {
    pub(crate) path: &'a Path,
    pub(crate) line: u64,
    record: &'a csv::StringRecord,
    columns: &'a HashMap<String, usize>,
}

impl Row<'_> {
    /// The trimmed value of the first present column among `names`, `None` when absent or empty.
    pub(crate) fn opt(&self, names: &[&str]) -> Option<&str> {
        names
            .iter()
            .find_map(|n| self.columns.get(*n))
            .and_then(|&i| self.record.get(i))
            .map(str::trim)
            .filter(|v| !v.is_empty())
    }

    /// The column actually present among `names` (the first name when none is).
    pub(crate) fn field<'n>(&self, names: &[&'n str]) -> &'n str {
        names
            .iter()
            .find(|n| self.columns.contains_key(**n))
            .unwrap_or(&names[0])
    }

    /// Like [`Row::opt`] but a missing or empty value is an error naming the first name.
    pub(crate) fn req(&self, names: &[&str]) -> Result<&str, CsvError> {
        self.opt(names)
            .ok_or_else(|| self.bad(self.field(names), "", "required value is empty"))
    }

    pub(crate) fn bad(&self, field: &str, found: &str, problem: &str) -> CsvError {
        CsvError::BadValue {
            path: self.path.to_path_buf(),
            line: self.line,
            field: field.to_owned(),
            found: shorten(found),
            problem: problem.to_owned(),
        }
    }

    pub(crate) fn nis(&self, names: &[&str]) -> Result<Nis, CsvError> {
        let text = self.req(names)?;
        Nis::try_from(text)
            .map_err(|_| self.bad(self.field(names), text, "expected a 5-digit NIS code"))
    }

    pub(crate) fn count(&self, names: &[&str]) -> Result<u64, CsvError> {
        let text = self.req(names)?;
        let value: f64 = text
            .parse()
            .map_err(|_| self.bad(self.field(names), text, "expected a non-negative integer"))?;
        if !value.is_finite() || value < 0.0 || value.fract() != 0.0 || value > 1e15 {
            return Err(self.bad(self.field(names), text, "expected a non-negative integer"));
        }
        Ok(value as u64)
    }

    pub(crate) fn number(&self, names: &[&str]) -> Result<f64, CsvError> {
        let text = self.req(names)?;
        self.parse_number(self.field(names), text)
    }

    pub(crate) fn opt_number(&self, names: &[&str]) -> Result<Option<f64>, CsvError> {
        self.opt(names)
            .map(|t| self.parse_number(self.field(names), t))
            .transpose()
    }

    fn parse_number(&self, field: &str, text: &str) -> Result<f64, CsvError> {
        match text.parse::<f64>() {
            Ok(v) if v.is_finite() => Ok(v),
            _ => Err(self.bad(field, text, "expected a finite number")),
        }
    }
}

/// A parsed CSV table: header index and rows.
pub(crate) struct Table<'a> {
    path: &'a Path,
    columns: HashMap<String, usize>,
    header: String,
    records: Vec<(u64, csv::StringRecord)>,
}

impl<'a> Table<'a> {
    /// Parses `bytes` (UTF-8, comma-separated, with a header row; a BOM is ignored).
    pub(crate) fn parse(path: &'a Path, bytes: &[u8]) -> Result<Self, CsvError> {
        let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
        let lines = Lines::new(bytes);
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .from_reader(bytes);
        let header = reader
            .headers()
            .map_err(|source| CsvError::Malformed {
                path: path.to_path_buf(),
                line: lines.of(source.position()).max(1),
                source,
            })?
            .clone();
        if header.iter().all(|h| h.trim().is_empty()) {
            return Err(CsvError::Empty {
                path: path.to_path_buf(),
                what: "header",
            });
        }
        let columns = header
            .iter()
            .enumerate()
            .map(|(i, h)| (h.trim().to_lowercase(), i))
            .collect();
        let mut records = Vec::new();
        for record in reader.records() {
            let record = record.map_err(|source| CsvError::Malformed {
                path: path.to_path_buf(),
                line: lines.of(source.position()),
                source,
            })?;
            let line = lines.of(record.position());
            if record.iter().all(|f| f.trim().is_empty()) {
                continue;
            }
            records.push((line, record));
        }
        Ok(Self {
            path,
            columns,
            header: header.iter().collect::<Vec<_>>().join(","),
            records,
        })
    }

    /// Errors unless one of `names` is a column.
    pub(crate) fn require(&self, names: &[&str]) -> Result<(), CsvError> {
        if names.iter().any(|n| self.columns.contains_key(*n)) {
            Ok(())
        } else {
            Err(CsvError::MissingColumn {
                path: self.path.to_path_buf(),
                column: names.join("|"),
                header: self.header.clone(),
            })
        }
    }

    pub(crate) fn has(&self, name: &str) -> bool {
        self.columns.contains_key(name)
    }

    /// Errors when the table has no data row.
    pub(crate) fn non_empty(&self) -> Result<(), CsvError> {
        if self.records.is_empty() {
            Err(CsvError::Empty {
                path: self.path.to_path_buf(),
                what: "data row",
            })
        } else {
            Ok(())
        }
    }

    pub(crate) fn rows(&self) -> impl Iterator<Item = Row<'_>> {
        self.records.iter().map(|(line, record)| Row {
            path: self.path,
            line: *line,
            record,
            columns: &self.columns,
        })
    }
}

/// Reads a whole file, naming it in the error.
pub(crate) fn read_bytes(path: &Path) -> Result<Vec<u8>, CsvError> {
    std::fs::read(path).map_err(|source| CsvError::Open {
        path: path.to_path_buf(),
        source,
    })
}
