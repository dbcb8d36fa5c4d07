//! SSM sites table.
//!
//! Schema (one row per site; header names are case-insensitive; aliases in parentheses):
//!
//! | column | required | meaning |
//! |---|---|---|
//! | `site_id` | no | unique site id; default `<ssm_id>#<n>` (n-th row of that SSM) |
//! | `ssm_id` | yes | the service; an antenne's parent SSM (alias `parent_ssm`) |
//! | `ssm_name` | no | name of the service |
//! | `site_name` (alias `name`) | no | name of the site |
//! | `site_kind` (alias `kind`) | yes | `siege`/`siège`, `antenne`, or `unknown` |
//! | `lat`, `lon` | one pair | WGS84 degrees |
//! | `x`, `y` | one pair | EPSG:3812 metres |
//! | `nis` | no | NIS code the source gives (2019-2024 codes are mapped); checked against the location |
//! | `etp` | no | framework of the service in full-time equivalents |
//! | `public_private` (alias `sector`) | no | `public`, `private` or `unknown` |

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use geo::Coord;
use ssmplan_core::{CommuneLocator, Nis, Sector, Site, SiteId, SiteKind, SsmId};

use crate::crosswalk::NisResolver;
use crate::crs::{Crs, project_coord};
use crate::table::{CsvError, Row, Table, read_bytes};

/// A site whose location falls in another commune than the NIS code of its row.
#[derive(Clone, Debug)]
pub struct NisMismatch {
    /// 1-based line.
    pub line: u64,
    /// Site id.
    pub site: SiteId,
    /// Code given by the row (after crosswalk).
    pub stated: Nis,
    /// Code of the commune containing the point.
    pub located: Nis,
}

/// The loaded sites and what the loader noticed.
#[derive(Clone, Debug)]
pub struct SiteTable {
    /// The file.
    pub path: PathBuf,
    /// Sites in file order (commune indexes refer to the communes given to the parser).
    pub sites: Vec<Site>,
    /// Lines of the rows, parallel to `sites`.
    pub lines: Vec<u64>,
    /// Rows whose NIS was a 2019-2024 code mapped to 2025: (line, old, new).
    pub mapped: Vec<(u64, Nis, Nis)>,
    /// Rows whose location lies in another commune than their NIS says.
    pub nis_mismatches: Vec<NisMismatch>,
    /// Rows sharing exactly the same location as an earlier row: (line, earlier line).
    pub colocated: Vec<(u64, u64)>,
}

/// Parses a sites table; every site must lie in one of the communes indexed by `locator`
/// (Wallonia), else it is an error.
///
/// # Errors
/// Missing columns, malformed rows, unknown site kind, bad coordinates, duplicate site id, a
/// NIS code that matches no commune, a site outside every commune, an empty table.
#[expect(
    clippy::too_many_lines,
    reason = "one pass over the rows, one block per column"
)]
pub fn parse_sites(
    path: &Path,
    bytes: &[u8],
    locator: &CommuneLocator,
    resolver: &NisResolver<'_>,
    commune_nis: &[Nis],
) -> Result<SiteTable, CsvError> {
    let table = Table::parse(path, bytes)?;
    table.require(&["ssm_id", "parent_ssm"])?;
    table.require(&["site_kind", "kind"])?;
    let geographic = table.has("lat") && table.has("lon");
    let projected = table.has("x") && table.has("y");
    if !geographic && !projected {
        table.require(&["lat"])?;
        table.require(&["lon"])?;
    }
    table.non_empty()?;
    let mut out = SiteTable {
        path: path.to_path_buf(),
        sites: Vec::new(),
        lines: Vec::new(),
        mapped: Vec::new(),
        nis_mismatches: Vec::new(),
        colocated: Vec::new(),
    };
    let mut ids: HashMap<String, u64> = HashMap::new();
    let mut per_ssm: HashMap<String, usize> = HashMap::new();
    let mut at: HashMap<(u64, u64), u64> = HashMap::new();
    for row in table.rows() {
        let ssm = row.req(&["ssm_id", "parent_ssm"])?.to_owned();
        let n = per_ssm.entry(ssm.clone()).or_insert(0);
        *n += 1;
        let id = row
            .opt(&["site_id"])
            .map_or_else(|| format!("{ssm}#{n}"), str::to_owned);
        if let Some(&first_line) = ids.get(&id) {
            return Err(CsvError::Duplicate {
                path: path.to_path_buf(),
                line: row.line,
                field: "site_id".into(),
                value: id,
                first_line,
            });
        }
        ids.insert(id.clone(), row.line);
        let kind_text = row.req(&["site_kind", "kind"])?;
        let kind = SiteKind::try_from(kind_text)
            .map_err(|e| row.bad(row.field(&["site_kind", "kind"]), kind_text, &e.to_string()))?;
        let location = row_location(&row, geographic, projected)?;
        let Some(commune) = locator.locate(location) else {
            return Err(row.bad(
                if geographic { "lat/lon" } else { "x/y" },
                &format!("{:.1}, {:.1} (EPSG:3812)", location.x, location.y),
                "site lies outside every commune in the boundary layer (outside Wallonia?)",
            ));
        };
        if row.opt(&["nis"]).is_some() {
            let (nis, stated_commune, mapped_to) = resolver.resolve_row(&row, &["nis"])?;
            if let Some(to) = mapped_to {
                out.mapped.push((row.line, nis, to));
            }
            if stated_commune != commune {
                out.nis_mismatches.push(NisMismatch {
                    line: row.line,
                    site: SiteId(id.clone()),
                    stated: commune_nis[stated_commune],
                    located: commune_nis[commune],
                });
            }
        }
        let etp = row.opt_number(&["etp", "framework_etp"])?;
        if let Some(e) = etp
            && e < 0.0
        {
            return Err(row.bad(
                row.field(&["etp", "framework_etp"]),
                &e.to_string(),
                "ETP must be zero or positive",
            ));
        }
        let sector = match row
            .opt(&["public_private", "sector"])
            .map(str::to_lowercase)
            .as_deref()
        {
            Some("public") => Sector::Public,
            Some("private" | "privé" | "prive") => Sector::Private,
            None | Some("unknown" | "") => Sector::Unknown,
            Some(other) => {
                return Err(row.bad(
                    row.field(&["public_private", "sector"]),
                    other,
                    "expected public, private or unknown",
                ));
            }
        };
        let key = (location.x.to_bits(), location.y.to_bits());
        if let Some(&first) = at.get(&key) {
            out.colocated.push((row.line, first));
        } else {
            at.insert(key, row.line);
        }
        out.sites.push(Site {
            id: SiteId(id),
            ssm: SsmId(ssm.clone()),
            ssm_name: row.opt(&["ssm_name"]).unwrap_or(&ssm).to_owned(),
            name: row
                .opt(&["site_name", "name"])
                .unwrap_or_default()
                .to_owned(),
            kind,
            location,
            commune: Some(commune),
            etp,
            sector,
        });
        out.lines.push(row.line);
    }
    Ok(out)
}

/// The location of a row in EPSG:3812: `lat`/`lon` (WGS84 degrees, range-checked) when the
/// table has them and the row fills them, else `x`/`y` (EPSG:3812 metres).
pub(crate) fn row_location(
    row: &Row<'_>,
    geographic: bool,
    projected: bool,
) -> Result<Coord, CsvError> {
    if geographic && row.opt(&["lat"]).is_some() {
        let lat = row.number(&["lat"])?;
        let lon = row.number(&["lon"])?;
        if !(-90.0..=90.0).contains(&lat) {
            return Err(row.bad(
                "lat",
                &lat.to_string(),
                "latitude must be within -90..90 degrees",
            ));
        }
        if !(-180.0..=180.0).contains(&lon) {
            return Err(row.bad(
                "lon",
                &lon.to_string(),
                "longitude must be within -180..180 degrees",
            ));
        }
        Ok(project_coord(Crs::Wgs84, Coord { x: lon, y: lat }))
    } else if projected {
        Ok(Coord {
            x: row.number(&["x"])?,
            y: row.number(&["y"])?,
        })
    } else {
        Err(row.bad("lat", "", "required value is empty (give lat/lon or x/y)"))
    }
}

/// Reads a sites table.
///
/// # Errors
/// As [`parse_sites`], plus an unreadable file.
pub fn read_sites(
    path: &Path,
    locator: &CommuneLocator,
    resolver: &NisResolver<'_>,
    commune_nis: &[Nis],
) -> Result<SiteTable, CsvError> {
    parse_sites(path, &read_bytes(path)?, locator, resolver, commune_nis)
}

/// Reads the sites from a `GeoPackage` point layer (`layer`, or the only feature layer): the
/// attribute columns follow the CSV schema above (names matched case-insensitively) and the
/// location comes from the geometry, in the layer's CRS (`lat`, `lon`, `x`, `y` columns are
/// ignored). The rows are checked by [`parse_sites`], so the rules are the CSV's; in the
/// returned table, `lines` and the lines of `mapped`, `nis_mismatches` and `colocated` are
/// feature ids.
///
/// # Errors
/// [`GpkgError`](crate::gpkg::GpkgError) naming the file, the layer, the feature (fid) and the
/// field.
#[expect(
    clippy::too_many_lines,
    reason = "the layer to CSV, then each CSV error mapped to the feature it came from"
)]
pub fn read_sites_gpkg(
    path: &Path,
    layer: Option<&str>,
    locator: &CommuneLocator,
    resolver: &NisResolver<'_>,
    commune_nis: &[Nis],
) -> Result<SiteTable, crate::gpkg::GpkgError> {
    use crate::gpkg::{self, GpkgError, Value};
    let layer = gpkg::read_layer(path, layer, "--sites-layer", None)?;
    let geometry_field = layer.geometry_column.clone();
    let coordinate_columns = ["lat", "lon", "x", "y"];
    let kept: Vec<usize> = (0..layer.columns.len())
        .filter(|&i| {
            !coordinate_columns
                .iter()
                .any(|c| layer.columns[i].eq_ignore_ascii_case(c))
        })
        .collect();
    let geographic = layer.crs == Crs::Wgs84;
    let mut writer = csv::Writer::from_writer(Vec::new());
    let csv_err = |e: csv::Error| layer.feature_error(0, "", format!("cannot convert: {e}"));
    let mut header: Vec<String> = kept.iter().map(|&i| layer.columns[i].clone()).collect();
    header.extend(if geographic {
        ["lon".to_owned(), "lat".to_owned()]
    } else {
        ["x".to_owned(), "y".to_owned()]
    });
    writer.write_record(&header).map_err(csv_err)?;
    for f in &layer.features {
        let point = match &f.geometry {
            Some(geo::Geometry::Point(p)) => p.0,
            Some(geo::Geometry::MultiPoint(m)) if m.0.len() == 1 => m.0[0].0,
            None => {
                return Err(layer.feature_error(f.fid, &geometry_field, "empty geometry"));
            }
            Some(other) => {
                return Err(layer.feature_error(
                    f.fid,
                    &geometry_field,
                    format!(
                        "expected a Point, found a {}",
                        crate::gpkg::wkb::type_name(other).to_lowercase()
                    ),
                ));
            }
        };
        if !(point.x.is_finite() && point.y.is_finite()) {
            return Err(layer.feature_error(
                f.fid,
                &geometry_field,
                "empty point (no coordinates)",
            ));
        }
        // Shortest text that reads back as the same f64, so nothing is lost on the way.
        let (a, b) = if geographic || layer.crs == Crs::Lambert2008 {
            (point.x, point.y)
        } else {
            let c = project_coord(layer.crs, point);
            (c.x, c.y)
        };
        let mut record: Vec<String> = kept
            .iter()
            .map(|&i| match &f.values[i] {
                Value::Null => String::new(),
                Value::Integer(v) => v.to_string(),
                Value::Real(v) => v.to_string(),
                // One record per line, so that line k+2 is feature k.
                Value::Text(t) => t.replace(['\r', '\n'], " "),
            })
            .collect();
        record.push(a.to_string());
        record.push(b.to_string());
        writer.write_record(&record).map_err(csv_err)?;
    }
    let bytes = writer
        .into_inner()
        .map_err(|e| layer.feature_error(0, "", format!("cannot convert: {e}")))?;
    let fid = |line: u64| -> i64 {
        usize::try_from(line)
            .ok()
            .and_then(|l| l.checked_sub(2))
            .and_then(|k| layer.features.get(k))
            .map_or(0, |f| f.fid)
    };
    let field = |name: &str| -> String {
        if ["lat", "lon", "x", "y", "lat/lon", "x/y"].contains(&name) {
            geometry_field.clone()
        } else {
            name.to_owned()
        }
    };
    let mut table = parse_sites(path, &bytes, locator, resolver, commune_nis).map_err(|e| {
        match e {
            CsvError::Open { path, source } => GpkgError::Open { path, source },
            CsvError::Empty { path, .. } => GpkgError::Empty {
                path,
                layer: layer.name.clone(),
                what: "no feature".to_owned(),
            },
            CsvError::MissingColumn { path, column, .. } => GpkgError::MissingColumn {
                path,
                layer: layer.name.clone(),
                column,
                columns: layer.columns.join(", "),
            },
            CsvError::Malformed { line, source, .. } => {
                layer.feature_error(fid(line), "", format!("cannot convert: {source}"))
            }
            CsvError::BadValue {
                line,
                field: f,
                found,
                problem,
                ..
            } => layer.feature_error(fid(line), &field(&f), format!("{problem} (found `{found}`)")),
            CsvError::Duplicate {
                path,
                line,
                field: f,
                value,
                first_line,
            } => GpkgError::Duplicate {
                path,
                layer: layer.name.clone(),
                fid: fid(line),
                field: f,
                value,
                first_fid: fid(first_line),
            },
            CsvError::UnknownNis {
                line, field: f, nis, ..
            } => layer.feature_error(
                fid(line),
                &f,
                format!(
                    "unknown NIS code `{nis}` (not a commune of the boundary layer in scope, nor a 2019-2024 code of the crosswalk)"
                ),
            ),
        }
    })?;
    let as_fid = |line: u64| u64::try_from(fid(line)).unwrap_or(0);
    for l in &mut table.lines {
        *l = as_fid(*l);
    }
    for m in &mut table.mapped {
        m.0 = as_fid(m.0);
    }
    for m in &mut table.nis_mismatches {
        m.line = as_fid(m.line);
    }
    for c in &mut table.colocated {
        *c = (as_fid(c.0), as_fid(c.1));
    }
    Ok(table)
}
