//! Rendering of the engine's reports as a terminal table, CSV, JSON, `GeoJSON` or `GeoPackage`, and their
//! atomic writing. Nothing here depends on time or thread count, so outputs are byte-identical
//! between runs on the same inputs.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;

use anyhow::{Context, Result, bail};
use ssmplan_engine::{Cell, Report};

use crate::args::Format;

/// Renders `report` in `format`.
pub fn render(report: &Report, format: Format) -> Result<Vec<u8>> {
    match format {
        Format::Table => Ok(render_table(report).into_bytes()),
        Format::Csv => render_csv(report),
        Format::Json => Ok(report.json_bytes()?),
        Format::Geojson => Ok(report.geojson_bytes()?),
        Format::Gpkg => Ok(report.gpkg_bytes()?),
    }
}

fn render_csv(report: &Report) -> Result<Vec<u8>> {
    let Some(first) = report.tables.first() else {
        bail!("`{}` produced no table", report.command);
    };
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(&first.columns)?;
    for t in report.tables.iter().filter(|t| t.columns == first.columns) {
        for row in &t.rows {
            writer.write_record(row.iter().map(Cell::text))?;
        }
    }
    writer.into_inner().context("flushing CSV")
}

fn render_table(report: &Report) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "ssmplan {}", report.command);
    for (k, v) in &report.parameters {
        let _ = writeln!(
            s,
            "  {k}: {}",
            v.as_str().map_or_else(|| v.to_string(), str::to_owned)
        );
    }
    if !report.caveats.is_empty() {
        let _ = writeln!(s, "Caveats:");
        for c in &report.caveats {
            let _ = writeln!(s, "  ! {c}");
        }
    }
    if !report.summary.is_empty() {
        let _ = writeln!(s);
        let width = report
            .summary
            .iter()
            .map(|(k, _)| k.chars().count())
            .max()
            .unwrap_or(0);
        for (k, v) in &report.summary {
            let _ = writeln!(s, "  {k:<width$}  {v}");
        }
    }
    for t in &report.tables {
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

/// Writes `report` to `out` (or standard output). A CSV file gets a `.meta.json` sidecar.
pub fn emit(report: &Report, format: Format, out: Option<&Path>) -> Result<()> {
    if format == Format::Gpkg && out.is_none() {
        bail!("a GeoPackage is a database file, not a stream: pass --out FILE.gpkg");
    }
    let bytes = render(report, format)?;
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
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = std::path::PathBuf::from(tmp);
    let written = std::fs::write(&tmp, bytes)
        .with_context(|| format!("cannot write {}", tmp.display()))
        .and_then(|()| {
            std::fs::rename(&tmp, path)
                .with_context(|| format!("cannot move {} to {}", tmp.display(), path.display()))
        });
    if written.is_err() {
        // Nothing half-written is left behind.
        let _ = std::fs::remove_file(&tmp);
    }
    written
}
