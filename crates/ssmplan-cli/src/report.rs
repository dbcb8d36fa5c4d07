//! Command outputs: tables, provenance, and their rendering as a terminal table, CSV, JSON or
//! `GeoJSON`. Nothing here depends on time or thread count, so outputs are byte-identical
//! between runs on the same inputs.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;

use anyhow::{Context, Result, bail};
use serde_json::{Map, Value, json};
use ssmplan_io::dataset::InputFile;

use crate::args::Format;

/// One value of a table.
#[derive(Clone, Debug)]
pub enum Cell {
    /// Text.
    Text(String),
    /// Whole number.
    Int(u64),
    /// Number shown with this many decimals.
    Num(f64, usize),
    /// No value.
    Empty,
}

impl Cell {
    pub fn opt(value: Option<f64>, decimals: usize) -> Self {
        value.map_or(Self::Empty, |v| Self::Num(v, decimals))
    }

    fn text(&self) -> String {
        match self {
            Self::Text(s) => s.clone(),
            Self::Int(i) => i.to_string(),
            Self::Num(v, d) => format!("{v:.d$}"),
            Self::Empty => String::new(),
        }
    }

    fn json(&self) -> Value {
        match self {
            Self::Text(s) => Value::String(s.clone()),
            Self::Int(i) => json!(i),
            Self::Num(v, d) => {
                let text = format!("{v:.d$}");
                text.parse::<f64>().map_or(Value::Null, |f| json!(f))
            }
            Self::Empty => Value::Null,
        }
    }
}

impl From<&str> for Cell {
    fn from(s: &str) -> Self {
        Self::Text(s.to_owned())
    }
}

impl From<String> for Cell {
    fn from(s: String) -> Self {
        Self::Text(s)
    }
}

impl From<u64> for Cell {
    fn from(v: u64) -> Self {
        Self::Int(v)
    }
}

impl From<usize> for Cell {
    fn from(v: usize) -> Self {
        Self::Int(v as u64)
    }
}

/// A named table.
#[derive(Clone, Debug)]
pub struct Table {
    pub name: String,
    pub title: String,
    pub columns: Vec<&'static str>,
    pub rows: Vec<Vec<Cell>>,
}

/// A `GeoJSON` feature: WGS84 geometry (already a `GeoJSON` value) and properties.
#[derive(Clone, Debug)]
pub struct Feature {
    pub geometry: Value,
    pub properties: Vec<(&'static str, Cell)>,
}

/// The whole output of a command.
#[derive(Clone, Debug)]
pub struct Report {
    pub command: &'static str,
    pub parameters: Vec<(&'static str, Value)>,
    pub inputs: Vec<InputFile>,
    pub caveats: Vec<String>,
    /// Headline figures shown first in the terminal summary.
    pub summary: Vec<(String, String)>,
    pub tables: Vec<Table>,
    pub features: Vec<Feature>,
}

impl Report {
    fn meta(&self) -> Value {
        let mut parameters = Map::new();
        for (k, v) in &self.parameters {
            parameters.insert((*k).to_owned(), v.clone());
        }
        json!({
            "tool": format!("ssmplan {}", env!("CARGO_PKG_VERSION")),
            "command": self.command,
            "crs_of_computation": "EPSG:3812 (Belgian Lambert 2008, metres)",
            "parameters": parameters,
            "inputs": self.inputs.iter().map(|i| json!({
                "role": i.role,
                "path": i.path.display().to_string(),
                "sha256": i.sha256,
                "verified_by_manifest": i.verified == ssmplan_io::manifest::Verified::Matches,
            })).collect::<Vec<_>>(),
            "caveats": self.caveats,
        })
    }

    /// Renders the report in `format`.
    pub fn render(&self, format: Format) -> Result<Vec<u8>> {
        match format {
            Format::Table => Ok(self.render_table().into_bytes()),
            Format::Csv => self.render_csv(),
            Format::Json => {
                let mut root = self.meta();
                root["summary"] = Value::Object(
                    self.summary
                        .iter()
                        .map(|(k, v)| (k.clone(), Value::String(v.clone())))
                        .collect(),
                );
                let mut tables = Map::new();
                for t in &self.tables {
                    let rows: Vec<Value> = t
                        .rows
                        .iter()
                        .map(|r| {
                            Value::Object(
                                t.columns
                                    .iter()
                                    .zip(r)
                                    .map(|(c, v)| ((*c).to_owned(), v.json()))
                                    .collect(),
                            )
                        })
                        .collect();
                    tables.insert(t.name.clone(), Value::Array(rows));
                }
                root["tables"] = Value::Object(tables);
                let mut out = serde_json::to_vec_pretty(&root)?;
                out.push(b'\n');
                Ok(out)
            }
            Format::Geojson => {
                if self.features.is_empty() {
                    bail!(
                        "`{}` has no map layer: use --format table, csv or json",
                        self.command
                    );
                }
                let features: Vec<Value> = self
                    .features
                    .iter()
                    .map(|f| {
                        json!({
                            "type": "Feature",
                            "properties": Value::Object(f.properties.iter().map(|(k, v)| ((*k).to_owned(), v.json())).collect()),
                            "geometry": f.geometry,
                        })
                    })
                    .collect();
                let root = json!({
                    "type": "FeatureCollection",
                    "name": format!("ssmplan_{}", self.command),
                    "ssmplan": self.meta(),
                    "features": features,
                });
                let mut out = serde_json::to_vec(&root)?;
                out.push(b'\n');
                Ok(out)
            }
        }
    }

    fn render_csv(&self) -> Result<Vec<u8>> {
        let Some(first) = self.tables.first() else {
            bail!("`{}` produced no table", self.command);
        };
        let mut writer = csv::Writer::from_writer(Vec::new());
        writer.write_record(&first.columns)?;
        for t in self.tables.iter().filter(|t| t.columns == first.columns) {
            for row in &t.rows {
                writer.write_record(row.iter().map(Cell::text))?;
            }
        }
        writer.into_inner().context("flushing CSV")
    }

    fn render_table(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(s, "ssmplan {}", self.command);
        for (k, v) in &self.parameters {
            let _ = writeln!(
                s,
                "  {k}: {}",
                v.as_str().map_or_else(|| v.to_string(), str::to_owned)
            );
        }
        if !self.caveats.is_empty() {
            let _ = writeln!(s, "Caveats:");
            for c in &self.caveats {
                let _ = writeln!(s, "  ! {c}");
            }
        }
        if !self.summary.is_empty() {
            let _ = writeln!(s);
            let width = self
                .summary
                .iter()
                .map(|(k, _)| k.chars().count())
                .max()
                .unwrap_or(0);
            for (k, v) in &self.summary {
                let _ = writeln!(s, "  {k:<width$}  {v}");
            }
        }
        for t in &self.tables {
            let _ = writeln!(s, "\n{}", t.title);
            let cells: Vec<Vec<String>> = t
                .rows
                .iter()
                .map(|r| r.iter().map(Cell::text).collect())
                .collect();
            let widths: Vec<usize> = t
                .columns
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    cells
                        .iter()
                        .map(|r| r[i].chars().count())
                        .chain([c.len()])
                        .max()
                        .unwrap_or(0)
                })
                .collect();
            let line = |values: Vec<String>| {
                values
                    .iter()
                    .zip(&widths)
                    .enumerate()
                    .map(|(i, (v, w))| {
                        let pad = w - v.chars().count();
                        if i == 0
                            || matches!(t.rows.first().and_then(|r| r.get(i)), Some(Cell::Text(_)))
                        {
                            format!("{v}{}", " ".repeat(pad))
                        } else {
                            format!("{}{v}", " ".repeat(pad))
                        }
                    })
                    .collect::<Vec<_>>()
                    .join("  ")
            };
            let _ = writeln!(
                s,
                "{}",
                line(t.columns.iter().map(|c| (*c).to_owned()).collect()).trim_end()
            );
            for r in cells {
                let _ = writeln!(s, "{}", line(r).trim_end());
            }
        }
        s
    }
}

/// Writes `report` to `out` (or standard output). A CSV file gets a `.meta.json` sidecar.
pub fn emit(report: &Report, format: Format, out: Option<&Path>) -> Result<()> {
    let bytes = report.render(format)?;
    if let Some(path) = out {
        write_atomically(path, &bytes)?;
        if format == Format::Csv {
            let mut meta = serde_json::to_vec_pretty(&report.meta())?;
            meta.push(b'\n');
            let mut sidecar = path.as_os_str().to_owned();
            sidecar.push(".meta.json");
            write_atomically(Path::new(&sidecar), &meta)?;
        }
        eprintln!("wrote {}", path.display());
    } else {
        let mut stdout = std::io::stdout().lock();
        stdout.write_all(&bytes)?;
        if format == Format::Csv {
            for c in &report.caveats {
                eprintln!("caveat: {c}");
            }
        }
    }
    Ok(())
}

/// Writes through a temporary file and a rename, so a failure never leaves a half-written file.
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = std::path::PathBuf::from(tmp);
    std::fs::write(&tmp, bytes).with_context(|| format!("cannot write {}", tmp.display()))?;
    std::fs::rename(&tmp, path)
        .with_context(|| format!("cannot move {} to {}", tmp.display(), path.display()))?;
    Ok(())
}
