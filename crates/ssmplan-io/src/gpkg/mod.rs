//! `GeoPackage` (OGC 12-128r18, version 1.2): writing feature and attribute tables with their
//! provenance in the metadata extension, and reading one feature layer.
//!
//! A `GeoPackage` is a `SQLite` database; it is built and read in memory (`rusqlite` with the
//! bundled `SQLite` and its `serialize` API), so [`write()`] returns bytes that the caller writes
//! atomically and [`parse_layer`] is a pure function on bytes, like the other `parse_*`.
//!
//! Written files are deterministic: the same content gives the same bytes (fixed statement
//! order, no timestamp: `last_change` and the metadata references carry [`FIXED_TIMESTAMP`]).
//! No spatial index (`gpkg_rtree_index`) is written: GDAL and QGIS read a layer without one,
//! and the layers here are small.

pub mod wkb;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use geo::{BoundingRect, Geometry, Rect};
use rusqlite::types::ValueRef;
use rusqlite::{Connection, MAIN_DB, params};

use crate::crs::{self, Crs};

/// `application_id` of a `GeoPackage`: the ASCII bytes `GPKG`.
pub const APPLICATION_ID: i32 = 0x4750_4B47;
/// `user_version` of a `GeoPackage` 1.2.
pub const USER_VERSION: i32 = 10_200;
/// `last_change` and metadata reference timestamp of every written file: outputs do not
/// depend on the time they were written (GDAL's `OGR_CURRENT_DATE` serves the same purpose).
pub const FIXED_TIMESTAMP: &str = "1970-01-01T00:00:00.000Z";
/// Name of the geometry column of written feature tables (GDAL's default).
pub const GEOMETRY_COLUMN: &str = "geom";
/// Name of the primary key of written tables (GDAL's default).
pub const FID_COLUMN: &str = "fid";

/// An error in reading or writing a `GeoPackage`. Every variant about a file names it, and the
/// layer, feature (fid) and field when there is one.
#[derive(Debug, thiserror::Error)]
pub enum GpkgError {
    /// The file could not be read.
    #[error("{path}: cannot read file")]
    Open {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The file is not a `SQLite` database, or `SQLite` failed on it.
    #[error("{path}: not a readable GeoPackage (SQLite: {reason})")]
    NotGeoPackage {
        /// The file.
        path: PathBuf,
        /// `SQLite`'s error (shown in the message, so not a `source`).
        reason: rusqlite::Error,
    },
    /// A table that every `GeoPackage` has is missing.
    #[error("{path}: not a GeoPackage: missing table `{table}`")]
    MissingTable {
        /// The file.
        path: PathBuf,
        /// The table.
        table: &'static str,
    },
    /// No feature layer in the file.
    #[error("{path}: no feature layer (gpkg_contents lists no table of data_type 'features')")]
    NoFeatureLayer {
        /// The file.
        path: PathBuf,
    },
    /// Several feature layers and none chosen.
    #[error("{path}: {count} feature layers ({layers}); choose one with {option} NAME")]
    SeveralLayers {
        /// The file.
        path: PathBuf,
        /// How many.
        count: usize,
        /// Their names.
        layers: String,
        /// The option that chooses.
        option: &'static str,
    },
    /// The chosen layer is not a feature layer of the file.
    #[error("{path}: no feature layer `{layer}` (feature layers: {layers})")]
    UnknownLayer {
        /// The file.
        path: PathBuf,
        /// The name asked for.
        layer: String,
        /// The feature layers of the file.
        layers: String,
    },
    /// The layer's spatial reference system cannot be used.
    #[error(
        "{path}, layer `{layer}`: spatial reference system srs_id {srs_id}: {problem}; pass --crs to state it"
    )]
    Srs {
        /// The file.
        path: PathBuf,
        /// The layer.
        layer: String,
        /// The SRS id of `gpkg_geometry_columns`.
        srs_id: i64,
        /// What is wrong.
        problem: String,
    },
    /// A SQL error while reading a layer (a table listed but missing, a bad column...).
    #[error("{path}, layer `{layer}`: cannot read the table: {reason}")]
    Sql {
        /// The file.
        path: PathBuf,
        /// The layer.
        layer: String,
        /// `SQLite`'s error (shown in the message, so not a `source`).
        reason: rusqlite::Error,
    },
    /// A feature's geometry blob is malformed.
    #[error(
        "{path}, layer `{layer}`, feature {fid}, field `{field}`: malformed geometry: {reason}"
    )]
    Geometry {
        /// The file.
        path: PathBuf,
        /// The layer.
        layer: String,
        /// The feature id.
        fid: i64,
        /// The geometry column.
        field: String,
        /// What is wrong (shown in the message, so not a `source`).
        reason: wkb::BlobError,
    },
    /// A feature lacks a field or has a bad value.
    #[error("{path}, layer `{layer}`, feature {fid}, field `{field}`: {problem}")]
    Feature {
        /// The file.
        path: PathBuf,
        /// The layer.
        layer: String,
        /// The feature id.
        fid: i64,
        /// The field.
        field: String,
        /// What is wrong.
        problem: String,
    },
    /// A required column is missing from the layer.
    #[error("{path}, layer `{layer}`: missing column `{column}` (columns: {columns})")]
    MissingColumn {
        /// The file.
        path: PathBuf,
        /// The layer.
        layer: String,
        /// The expected column (or alternatives, `a|b`).
        column: String,
        /// The columns found.
        columns: String,
    },
    /// A key appears twice.
    #[error(
        "{path}, layer `{layer}`, feature {fid}, field `{field}`: duplicate value `{value}` (first at feature {first_fid})"
    )]
    Duplicate {
        /// The file.
        path: PathBuf,
        /// The layer.
        layer: String,
        /// The feature id of the repeat.
        fid: i64,
        /// The field.
        field: String,
        /// The repeated value.
        value: String,
        /// The feature id of the first occurrence.
        first_fid: i64,
    },
    /// Coordinates outside Belgium for the layer's CRS.
    #[error(
        "{path}, layer `{layer}`, feature {fid} (NIS {nis}): coordinates ({x}, {y}) are not in Belgium for {crs}; is the CRS right? (pass --crs)"
    )]
    OutOfRange {
        /// The file.
        path: PathBuf,
        /// The layer.
        layer: String,
        /// The feature id.
        fid: i64,
        /// Commune code.
        nis: String,
        /// The CRS used.
        crs: Crs,
        /// Offending x.
        x: f64,
        /// Offending y.
        y: f64,
    },
    /// The layer has no feature (or none of interest).
    #[error("{path}, layer `{layer}`: empty layer ({what})")]
    Empty {
        /// The file.
        path: PathBuf,
        /// The layer.
        layer: String,
        /// What was expected.
        what: String,
    },
    /// Building the `GeoPackage` failed (not expected: `SQLite` in memory).
    #[error("building the GeoPackage")]
    Write(#[from] rusqlite::Error),
}

/// A column value.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// SQL NULL.
    Null,
    /// A whole number.
    Integer(i64),
    /// A floating-point number.
    Real(f64),
    /// Text.
    Text(String),
}

/// The SQL type of a column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColumnType {
    /// `INTEGER` (64-bit).
    Integer,
    /// `REAL` (double).
    Real,
    /// `TEXT` (UTF-8).
    Text,
}

impl ColumnType {
    fn sql(self) -> &'static str {
        match self {
            Self::Integer => "INTEGER",
            Self::Real => "REAL",
            Self::Text => "TEXT",
        }
    }
}

/// A column of a written table.
#[derive(Clone, Debug, PartialEq)]
pub struct Column {
    /// Name (written quoted: any text works).
    pub name: String,
    /// SQL type.
    pub kind: ColumnType,
}

/// The spatial reference systems written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Srs {
    /// EPSG:4326, WGS 84 (x = longitude, y = latitude in `GeoPackage` geometries).
    Wgs84,
    /// EPSG:3812, ETRS89 / Belgian Lambert 2008.
    Lambert2008,
}

impl Srs {
    /// The `srs_id` (the EPSG code).
    #[must_use]
    pub fn id(self) -> i32 {
        match self {
            Self::Wgs84 => 4326,
            Self::Lambert2008 => 3812,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Self::Wgs84 => "WGS 84 geodetic",
            Self::Lambert2008 => "ETRS89 / Belgian Lambert 2008",
        }
    }

    /// The OGC WKT 1 definition (as GDAL writes it).
    fn definition(self) -> &'static str {
        match self {
            Self::Wgs84 => {
                r#"GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AXIS["Latitude",NORTH],AXIS["Longitude",EAST],AUTHORITY["EPSG","4326"]]"#
            }
            Self::Lambert2008 => {
                r#"PROJCS["ETRS89 / Belgian Lambert 2008",GEOGCS["ETRS89",DATUM["European_Terrestrial_Reference_System_1989",SPHEROID["GRS 1980",6378137,298.257222101,AUTHORITY["EPSG","7019"]],TOWGS84[0,0,0,0,0,0,0],AUTHORITY["EPSG","6258"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AUTHORITY["EPSG","4258"]],PROJECTION["Lambert_Conformal_Conic_2SP"],PARAMETER["latitude_of_origin",50.797815],PARAMETER["central_meridian",4.35921583333333],PARAMETER["standard_parallel_1",49.8333333333333],PARAMETER["standard_parallel_2",51.1666666666667],PARAMETER["false_easting",649328],PARAMETER["false_northing",665262],UNIT["metre",1,AUTHORITY["EPSG","9001"]],AXIS["Easting",EAST],AXIS["Northing",NORTH],AUTHORITY["EPSG","3812"]]"#
            }
        }
    }
}

/// A feature table to write.
#[derive(Clone, Debug)]
pub struct FeatureTable {
    /// Table name.
    pub name: String,
    /// `gpkg_contents.identifier` (QGIS shows it as the title).
    pub identifier: String,
    /// `gpkg_contents.description` (QGIS shows it as the abstract).
    pub description: String,
    /// CRS of the geometries.
    pub srs: Srs,
    /// Attribute columns.
    pub columns: Vec<Column>,
    /// Geometry and values (parallel to `columns`) of each feature; fids are 1, 2, ...
    pub features: Vec<(Geometry<f64>, Vec<Value>)>,
}

/// An attribute table (no geometry) to write.
#[derive(Clone, Debug)]
pub struct AttributeTable {
    /// Table name.
    pub name: String,
    /// `gpkg_contents.identifier`.
    pub identifier: String,
    /// `gpkg_contents.description`.
    pub description: String,
    /// Columns.
    pub columns: Vec<Column>,
    /// Rows, parallel to `columns`.
    pub rows: Vec<Vec<Value>>,
}

/// A `gpkg_metadata` record and what it describes.
#[derive(Clone, Debug)]
pub struct MetadataRecord {
    /// `md_standard_uri`: the schema of the document.
    pub standard_uri: String,
    /// `mime_type`.
    pub mime_type: String,
    /// The document.
    pub metadata: String,
    /// What it describes, one `gpkg_metadata_reference` row each: `None` for the whole
    /// `GeoPackage`, else a table.
    pub references: Vec<Option<String>>,
}

/// Everything a `GeoPackage` written here holds.
#[derive(Clone, Debug, Default)]
pub struct GeoPackage {
    /// Feature tables.
    pub features: Vec<FeatureTable>,
    /// Attribute tables.
    pub attributes: Vec<AttributeTable>,
    /// Metadata (the metadata extension is registered when there is any).
    pub metadata: Vec<MetadataRecord>,
}

/// A table name: ASCII letters, digits and `_`, starting with a letter, lower case (what GIS
/// software and SQL users type without quoting).
#[must_use]
pub fn sanitise_name(name: &str) -> String {
    let mut out: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    while out.contains("__") {
        out = out.replace("__", "_");
    }
    let out = out.trim_matches('_').to_owned();
    if out.starts_with(|c: char| c.is_ascii_alphabetic()) {
        out
    } else {
        format!("t_{out}")
    }
}

fn quote(identifier: &str) -> String {
    format!("\"{}\"", identifier.replace('"', "\"\""))
}

/// Column names made unique (case-insensitively, as `SQLite` compares them) and distinct from
/// the fid and geometry columns, by a numeric suffix.
fn unique_columns(columns: &[Column]) -> Vec<Column> {
    let mut taken: Vec<String> = vec![FID_COLUMN.to_owned(), GEOMETRY_COLUMN.to_owned()];
    columns
        .iter()
        .map(|c| {
            let mut name = c.name.clone();
            let mut n = 2;
            while taken.iter().any(|t| t.eq_ignore_ascii_case(&name)) {
                name = format!("{}_{n}", c.name);
                n += 1;
            }
            taken.push(name.clone());
            Column { name, kind: c.kind }
        })
        .collect()
}

const CORE_SQL: &str = r"
CREATE TABLE gpkg_spatial_ref_sys (
  srs_name TEXT NOT NULL,
  srs_id INTEGER NOT NULL PRIMARY KEY,
  organization TEXT NOT NULL,
  organization_coordsys_id INTEGER NOT NULL,
  definition TEXT NOT NULL,
  description TEXT
);
CREATE TABLE gpkg_contents (
  table_name TEXT NOT NULL PRIMARY KEY,
  data_type TEXT NOT NULL,
  identifier TEXT UNIQUE,
  description TEXT DEFAULT '',
  last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  min_x DOUBLE,
  min_y DOUBLE,
  max_x DOUBLE,
  max_y DOUBLE,
  srs_id INTEGER,
  CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id)
);
CREATE TABLE gpkg_geometry_columns (
  table_name TEXT NOT NULL,
  column_name TEXT NOT NULL,
  geometry_type_name TEXT NOT NULL,
  srs_id INTEGER NOT NULL,
  z TINYINT NOT NULL,
  m TINYINT NOT NULL,
  CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
  CONSTRAINT uk_gc_table_name UNIQUE (table_name),
  CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
  CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id)
);
CREATE TABLE gpkg_extensions (
  table_name TEXT,
  column_name TEXT,
  extension_name TEXT NOT NULL,
  definition TEXT NOT NULL,
  scope TEXT NOT NULL,
  CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name)
);
INSERT INTO gpkg_spatial_ref_sys VALUES
  ('Undefined cartesian SRS', -1, 'NONE', -1, 'undefined', 'undefined cartesian coordinate reference system'),
  ('Undefined geographic SRS', 0, 'NONE', 0, 'undefined', 'undefined geographic coordinate reference system');
";

const METADATA_SQL: &str = r"
CREATE TABLE gpkg_metadata (
  id INTEGER CONSTRAINT m_pk PRIMARY KEY ASC NOT NULL,
  md_scope TEXT NOT NULL DEFAULT 'dataset',
  md_standard_uri TEXT NOT NULL,
  mime_type TEXT NOT NULL DEFAULT 'text/xml',
  metadata TEXT NOT NULL DEFAULT ''
);
CREATE TABLE gpkg_metadata_reference (
  reference_scope TEXT NOT NULL,
  table_name TEXT,
  column_name TEXT,
  row_id_value INTEGER,
  timestamp DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  md_file_id INTEGER NOT NULL,
  md_parent_id INTEGER,
  CONSTRAINT crmr_mfi_fk FOREIGN KEY (md_file_id) REFERENCES gpkg_metadata(id),
  CONSTRAINT crmr_mpi_fk FOREIGN KEY (md_parent_id) REFERENCES gpkg_metadata(id)
);
INSERT INTO gpkg_extensions VALUES
  ('gpkg_metadata', NULL, 'gpkg_metadata', 'http://www.geopackage.org/spec120/#extension_metadata', 'read-write'),
  ('gpkg_metadata_reference', NULL, 'gpkg_metadata', 'http://www.geopackage.org/spec120/#extension_metadata', 'read-write');
";

fn to_sql(v: &Value) -> rusqlite::types::Value {
    match v {
        Value::Real(f) if f.is_finite() => rusqlite::types::Value::Real(*f),
        // A non-finite number is written as NULL, as the JSON output writes `null`.
        Value::Null | Value::Real(_) => rusqlite::types::Value::Null,
        Value::Integer(i) => rusqlite::types::Value::Integer(*i),
        Value::Text(s) => rusqlite::types::Value::Text(s.clone()),
    }
}

/// Writes a `GeoPackage` 1.2 and returns its bytes: the core tables, one table per feature and
/// attribute table (registered in `gpkg_contents`, with `gpkg_geometry_columns` and the extent
/// for features), the SRS definitions used, and the metadata extension when `gpkg` has
/// metadata. Table names are used as given (see [`sanitise_name`]); column names are made
/// unique.
///
/// # Errors
/// [`GpkgError::Write`] when `SQLite` refuses a statement (two tables of the same name, for
/// example).
#[expect(
    clippy::too_many_lines,
    reason = "the statements of the file in the order they are written, one block per table kind"
)]
pub fn write(gpkg: &GeoPackage) -> Result<Vec<u8>, GpkgError> {
    let mut conn = Connection::open_in_memory()?;
    conn.pragma_update(None, "application_id", APPLICATION_ID)?;
    conn.pragma_update(None, "user_version", USER_VERSION)?;
    let tx = conn.transaction()?;
    tx.execute_batch(CORE_SQL)?;
    // EPSG:4326 is always defined (requirement 11), with the two undefined systems.
    let mut srs_written: Vec<Srs> = Vec::new();
    for srs in std::iter::once(Srs::Wgs84).chain(gpkg.features.iter().map(|t| t.srs)) {
        if !srs_written.contains(&srs) {
            tx.execute(
                "INSERT INTO gpkg_spatial_ref_sys VALUES (?1, ?2, 'EPSG', ?2, ?3, ?4)",
                params![srs.name(), srs.id(), srs.definition(), srs.name()],
            )?;
            srs_written.push(srs);
        }
    }
    let mut identifiers: Vec<String> = Vec::new();
    let mut identifier = |wanted: &str, table: &str| {
        let id = if identifiers.iter().any(|i| i == wanted) {
            format!("{wanted} ({table})")
        } else {
            wanted.to_owned()
        };
        identifiers.push(id.clone());
        id
    };
    for t in &gpkg.features {
        let columns = unique_columns(&t.columns);
        let geometry_type = geometry_type_name(t.features.iter().map(|(g, _)| g));
        let mut ddl = format!(
            "CREATE TABLE {} ({FID_COLUMN} INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, {GEOMETRY_COLUMN} {geometry_type}",
            quote(&t.name)
        );
        for c in &columns {
            let _ = write!(ddl, ", {} {}", quote(&c.name), c.kind.sql());
        }
        ddl.push(')');
        tx.execute(&ddl, [])?;
        let extent = t
            .features
            .iter()
            .filter_map(|(g, _)| g.bounding_rect())
            .reduce(|a, b| {
                Rect::new(
                    geo::coord! { x: a.min().x.min(b.min().x), y: a.min().y.min(b.min().y) },
                    geo::coord! { x: a.max().x.max(b.max().x), y: a.max().y.max(b.max().y) },
                )
            });
        tx.execute(
            "INSERT INTO gpkg_contents VALUES (?1, 'features', ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
                t.name,
                identifier(&t.identifier, &t.name),
                t.description,
                FIXED_TIMESTAMP,
                extent.map(|e| e.min().x),
                extent.map(|e| e.min().y),
                extent.map(|e| e.max().x),
                extent.map(|e| e.max().y),
                t.srs.id(),
            ],
        )?;
        tx.execute(
            "INSERT INTO gpkg_geometry_columns VALUES (?1, ?2, ?3, ?4, 0, 0)",
            params![t.name, GEOMETRY_COLUMN, geometry_type, t.srs.id()],
        )?;
        let placeholders = (0..=columns.len())
            .map(|i| format!("?{}", i + 1))
            .collect::<Vec<_>>()
            .join(", ");
        let names = std::iter::once(GEOMETRY_COLUMN.to_owned())
            .chain(columns.iter().map(|c| quote(&c.name)))
            .collect::<Vec<_>>()
            .join(", ");
        let mut insert = tx.prepare(&format!(
            "INSERT INTO {} ({names}) VALUES ({placeholders})",
            quote(&t.name)
        ))?;
        for (g, values) in &t.features {
            let mut row = vec![rusqlite::types::Value::Blob(wkb::encode(g, t.srs.id()))];
            row.extend(values.iter().map(to_sql));
            row.resize(columns.len() + 1, rusqlite::types::Value::Null);
            insert.execute(rusqlite::params_from_iter(row))?;
        }
    }
    for t in &gpkg.attributes {
        let columns = unique_columns(&t.columns);
        let mut ddl = format!(
            "CREATE TABLE {} ({FID_COLUMN} INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL",
            quote(&t.name)
        );
        for c in &columns {
            let _ = write!(ddl, ", {} {}", quote(&c.name), c.kind.sql());
        }
        ddl.push(')');
        tx.execute(&ddl, [])?;
        tx.execute(
            "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, last_change) VALUES (?1, 'attributes', ?2, ?3, ?4)",
            params![t.name, identifier(&t.identifier, &t.name), t.description, FIXED_TIMESTAMP],
        )?;
        if columns.is_empty() {
            continue;
        }
        let placeholders = (1..=columns.len())
            .map(|i| format!("?{i}"))
            .collect::<Vec<_>>()
            .join(", ");
        let names = columns
            .iter()
            .map(|c| quote(&c.name))
            .collect::<Vec<_>>()
            .join(", ");
        let mut insert = tx.prepare(&format!(
            "INSERT INTO {} ({names}) VALUES ({placeholders})",
            quote(&t.name)
        ))?;
        for values in &t.rows {
            let mut row: Vec<_> = values.iter().map(to_sql).collect();
            row.resize(columns.len(), rusqlite::types::Value::Null);
            insert.execute(rusqlite::params_from_iter(row))?;
        }
    }
    if !gpkg.metadata.is_empty() {
        tx.execute_batch(METADATA_SQL)?;
        for (i, m) in gpkg.metadata.iter().enumerate() {
            let id = i64::try_from(i + 1).unwrap_or(i64::MAX);
            tx.execute(
                "INSERT INTO gpkg_metadata VALUES (?1, 'dataset', ?2, ?3, ?4)",
                params![id, m.standard_uri, m.mime_type, m.metadata],
            )?;
            for table in &m.references {
                tx.execute(
                    "INSERT INTO gpkg_metadata_reference VALUES (?1, ?2, NULL, NULL, ?3, ?4, NULL)",
                    params![
                        if table.is_some() {
                            "table"
                        } else {
                            "geopackage"
                        },
                        table,
                        FIXED_TIMESTAMP,
                        id
                    ],
                )?;
            }
        }
    }
    tx.commit()?;
    let bytes = conn.serialize(MAIN_DB)?.to_vec();
    Ok(bytes)
}

/// The `geometry_type_name` of a layer: the type of its geometries when they share one, else
/// `GEOMETRY`.
fn geometry_type_name<'g>(geometries: impl Iterator<Item = &'g Geometry<f64>>) -> &'static str {
    let mut kind = None;
    for g in geometries {
        let t = wkb::type_name(g);
        match kind {
            None => kind = Some(t),
            Some(k) if k == t => {}
            Some(_) => return "GEOMETRY",
        }
    }
    kind.unwrap_or("GEOMETRY")
}

/// A `GeoJSON` geometry object (`Point`, `LineString`, `Polygon`, their `Multi` forms, or a
/// `GeometryCollection`) as a `geo` geometry; `None` when it is not one (a position with fewer
/// than two numbers, an unknown type).
#[must_use]
pub fn geometry_from_geojson(value: &serde_json::Value) -> Option<Geometry<f64>> {
    use geo::{Coord, LineString, MultiLineString, MultiPoint, MultiPolygon, Point, Polygon};
    use serde_json::Value as J;
    fn coord(v: &J) -> Option<Coord<f64>> {
        let a = v.as_array()?;
        Some(Coord {
            x: a.first()?.as_f64()?,
            y: a.get(1)?.as_f64()?,
        })
    }
    fn line(v: &J) -> Option<LineString<f64>> {
        v.as_array()?
            .iter()
            .map(coord)
            .collect::<Option<Vec<_>>>()
            .map(LineString)
    }
    fn polygon(v: &J) -> Option<Polygon<f64>> {
        let mut rings = v.as_array()?.iter().map(line).collect::<Option<Vec<_>>>()?;
        if rings.is_empty() {
            return Some(Polygon::new(LineString(vec![]), vec![]));
        }
        let exterior = rings.remove(0);
        Some(Polygon::new(exterior, rings))
    }
    fn many<T>(v: &J, f: fn(&J) -> Option<T>) -> Option<Vec<T>> {
        v.as_array()?.iter().map(f).collect()
    }
    let c = value.get("coordinates");
    Some(match value.get("type")?.as_str()? {
        "Point" => Geometry::Point(Point(coord(c?)?)),
        "LineString" => Geometry::LineString(line(c?)?),
        "Polygon" => Geometry::Polygon(polygon(c?)?),
        "MultiPoint" => Geometry::MultiPoint(MultiPoint(
            many(c?, coord)?.into_iter().map(Point).collect(),
        )),
        "MultiLineString" => Geometry::MultiLineString(MultiLineString(many(c?, line)?)),
        "MultiPolygon" => Geometry::MultiPolygon(MultiPolygon(many(c?, polygon)?)),
        "GeometryCollection" => Geometry::GeometryCollection(geo::GeometryCollection(
            value
                .get("geometries")?
                .as_array()?
                .iter()
                .map(geometry_from_geojson)
                .collect::<Option<Vec<_>>>()?,
        )),
        _ => return None,
    })
}

/// One feature read.
#[derive(Clone, Debug)]
pub struct Feature {
    /// The feature id (the table's integer primary key).
    pub fid: i64,
    /// The geometry; `None` for SQL NULL or the empty flag.
    pub geometry: Option<Geometry<f64>>,
    /// Attribute values, parallel to [`FeatureLayer::columns`].
    pub values: Vec<Value>,
}

/// A feature layer read from a `GeoPackage`, in fid order.
#[derive(Clone, Debug)]
pub struct FeatureLayer {
    /// The file.
    pub path: PathBuf,
    /// The table name.
    pub name: String,
    /// The geometry column.
    pub geometry_column: String,
    /// The CRS of the geometries (from `gpkg_spatial_ref_sys`, or the override).
    pub crs: Crs,
    /// Attribute column names (neither the fid nor the geometry).
    pub columns: Vec<String>,
    /// The features.
    pub features: Vec<Feature>,
}

impl FeatureLayer {
    /// An error about one feature's field.
    #[must_use]
    pub fn feature_error(&self, fid: i64, field: &str, problem: impl Into<String>) -> GpkgError {
        GpkgError::Feature {
            path: self.path.clone(),
            layer: self.name.clone(),
            fid,
            field: field.to_owned(),
            problem: problem.into(),
        }
    }
}

/// Opens `GeoPackage` bytes as a read-only in-memory database. A file left in WAL mode by its
/// writer is read as a rollback-journal file (what a checkpointed WAL file is).
fn open_bytes(path: &Path, bytes: &[u8]) -> Result<Connection, GpkgError> {
    let not_gpkg = |reason| GpkgError::NotGeoPackage {
        path: path.to_path_buf(),
        reason,
    };
    let mut data = bytes.to_vec();
    if data.len() > 19 && data.starts_with(b"SQLite format 3\0") && data[18] == 2 && data[19] == 2 {
        data[18] = 1;
        data[19] = 1;
    }
    let mut conn = Connection::open_in_memory().map_err(not_gpkg)?;
    let len = data.len();
    conn.deserialize_read_exact(MAIN_DB, data.as_slice(), len, true)
        .map_err(not_gpkg)?;
    // Reading the schema is where `SQLite` notices a file that is not a database.
    conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
        r.get::<_, i64>(0)
    })
    .map_err(not_gpkg)?;
    Ok(conn)
}

fn has_table(conn: &Connection, table: &str) -> Result<bool, rusqlite::Error> {
    conn.query_row(
        "SELECT count(*) FROM sqlite_master WHERE type IN ('table', 'view') AND name = ?1",
        [table],
        |r| r.get::<_, i64>(0),
    )
    .map(|n| n > 0)
}

/// The feature layers of `GeoPackage` bytes, in name order.
///
/// # Errors
/// [`GpkgError::NotGeoPackage`], [`GpkgError::MissingTable`].
pub fn feature_layers(path: &Path, bytes: &[u8]) -> Result<Vec<String>, GpkgError> {
    let conn = open_bytes(path, bytes)?;
    Ok(list_layers(path, &conn)?.into_iter().map(|l| l.0).collect())
}

/// (table, geometry column, srs id) of every feature layer.
fn list_layers(path: &Path, conn: &Connection) -> Result<Vec<(String, String, i64)>, GpkgError> {
    let sql = |reason| GpkgError::NotGeoPackage {
        path: path.to_path_buf(),
        reason,
    };
    for table in [
        "gpkg_contents",
        "gpkg_geometry_columns",
        "gpkg_spatial_ref_sys",
    ] {
        if !has_table(conn, table).map_err(sql)? {
            return Err(GpkgError::MissingTable {
                path: path.to_path_buf(),
                table,
            });
        }
    }
    let mut stmt = conn
        .prepare(
            "SELECT c.table_name, g.column_name, g.srs_id FROM gpkg_contents c \
             JOIN gpkg_geometry_columns g ON g.table_name = c.table_name \
             WHERE c.data_type = 'features' ORDER BY c.table_name",
        )
        .map_err(sql)?;
    let rows = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .map_err(sql)?;
    rows.collect::<Result<Vec<_>, _>>().map_err(sql)
}

/// The CRS of an SRS id: the EPSG code when the organisation is EPSG, else the WKT
/// definition, through the CRS module.
fn layer_crs(path: &Path, layer: &str, conn: &Connection, srs_id: i64) -> Result<Crs, GpkgError> {
    let bad = |problem: String| GpkgError::Srs {
        path: path.to_path_buf(),
        layer: layer.to_owned(),
        srs_id,
        problem,
    };
    let row: Option<(String, i64, String)> = conn
        .query_row(
            "SELECT organization, organization_coordsys_id, definition FROM gpkg_spatial_ref_sys WHERE srs_id = ?1",
            [srs_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .map(Some)
        .or_else(|e| match e {
            rusqlite::Error::QueryReturnedNoRows => Ok(None),
            other => Err(other),
        })
        .map_err(|e| bad(format!("cannot read gpkg_spatial_ref_sys: {e}")))?;
    let Some((organization, code, definition)) = row else {
        return Err(bad("not in gpkg_spatial_ref_sys".to_owned()));
    };
    if srs_id <= 0 || definition.trim().eq_ignore_ascii_case("undefined") {
        return Err(bad("undefined coordinate reference system".to_owned()));
    }
    let by_code = if organization.eq_ignore_ascii_case("EPSG") {
        Some(
            u32::try_from(code)
                .map_err(|_| crs::CrsError::Unsupported {
                    found: format!("EPSG:{code}"),
                })
                .and_then(Crs::from_epsg),
        )
    } else {
        None
    };
    match by_code {
        Some(Ok(c)) => Ok(c),
        Some(Err(e)) => crs::detect_prj(&definition).map_err(|_| bad(e.to_string())),
        None => crs::detect_prj(&definition).map_err(|e| {
            bad(format!(
                "{organization}:{code} is not an EPSG code and its definition cannot be read ({e})"
            ))
        }),
    }
}

/// Reads one feature layer of `GeoPackage` bytes: `layer`, or the only feature layer of the
/// file. The CRS comes from `gpkg_spatial_ref_sys` unless `crs_override` is given.
///
/// `option` names the command-line option that chooses a layer, for the error listing the
/// layers of a file that has several.
///
/// # Errors
/// [`GpkgError`] naming the file, the layer, and the feature (fid) and field of a malformed
/// geometry.
#[expect(
    clippy::too_many_lines,
    reason = "layer choice, CRS, columns and rows in the order a reader needs them"
)]
pub fn parse_layer(
    path: &Path,
    bytes: &[u8],
    layer: Option<&str>,
    option: &'static str,
    crs_override: Option<Crs>,
) -> Result<FeatureLayer, GpkgError> {
    let conn = open_bytes(path, bytes)?;
    let layers = list_layers(path, &conn)?;
    let names = || {
        layers
            .iter()
            .map(|l| l.0.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let (name, geometry_column, srs_id) = match layer {
        Some(wanted) => layers
            .iter()
            .find(|l| l.0 == wanted)
            .or_else(|| layers.iter().find(|l| l.0.eq_ignore_ascii_case(wanted)))
            .cloned()
            .ok_or_else(|| GpkgError::UnknownLayer {
                path: path.to_path_buf(),
                layer: wanted.to_owned(),
                layers: if layers.is_empty() {
                    "none".to_owned()
                } else {
                    names()
                },
            })?,
        None => match layers.as_slice() {
            [] => {
                return Err(GpkgError::NoFeatureLayer {
                    path: path.to_path_buf(),
                });
            }
            [one] => one.clone(),
            _ => {
                return Err(GpkgError::SeveralLayers {
                    path: path.to_path_buf(),
                    count: layers.len(),
                    layers: names(),
                    option,
                });
            }
        },
    };
    let crs = match crs_override {
        Some(c) => c,
        None => layer_crs(path, &name, &conn, srs_id)?,
    };
    let sql = |reason| GpkgError::Sql {
        path: path.to_path_buf(),
        layer: name.clone(),
        reason,
    };
    // The integer primary key is the fid (GDAL's rule); without one, the rowid.
    let mut info = conn
        .prepare(&format!("PRAGMA table_info({})", quote(&name)))
        .map_err(sql)?;
    let table_columns: Vec<(String, String, i64)> = info
        .query_map([], |r| Ok((r.get(1)?, r.get(2)?, r.get(5)?)))
        .map_err(sql)?
        .collect::<Result<_, _>>()
        .map_err(sql)?;
    if table_columns.is_empty() {
        return Err(sql(rusqlite::Error::InvalidColumnName(format!(
            "table `{name}` listed in gpkg_contents does not exist"
        ))));
    }
    if !table_columns.iter().any(|c| c.0 == geometry_column) {
        return Err(GpkgError::MissingColumn {
            path: path.to_path_buf(),
            layer: name.clone(),
            column: geometry_column.clone(),
            columns: table_columns
                .iter()
                .map(|c| c.0.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        });
    }
    let fid_column = table_columns
        .iter()
        .find(|c| c.2 == 1 && c.1.eq_ignore_ascii_case("INTEGER"))
        .map(|c| c.0.clone());
    let columns: Vec<String> = table_columns
        .iter()
        .map(|c| c.0.clone())
        .filter(|c| *c != geometry_column && Some(c) != fid_column.as_ref())
        .collect();
    let fid_sql = fid_column.as_deref().map_or("rowid".to_owned(), quote);
    let select = std::iter::once(fid_sql.clone())
        .chain(std::iter::once(quote(&geometry_column)))
        .chain(columns.iter().map(|c| quote(c)))
        .collect::<Vec<_>>()
        .join(", ");
    let mut stmt = conn
        .prepare(&format!(
            "SELECT {select} FROM {} ORDER BY {fid_sql}",
            quote(&name)
        ))
        .map_err(sql)?;
    let mut rows = stmt.query([]).map_err(sql)?;
    let mut features = Vec::new();
    while let Some(row) = rows.next().map_err(sql)? {
        let fid: i64 = row.get(0).map_err(sql)?;
        let geometry = match row.get_ref(1).map_err(sql)? {
            ValueRef::Null => None,
            ValueRef::Blob(b) => {
                let d = wkb::decode(b).map_err(|reason| GpkgError::Geometry {
                    path: path.to_path_buf(),
                    layer: name.clone(),
                    fid,
                    field: geometry_column.clone(),
                    reason,
                })?;
                (!d.empty).then_some(d.geometry)
            }
            _ => {
                return Err(GpkgError::Feature {
                    path: path.to_path_buf(),
                    layer: name.clone(),
                    fid,
                    field: geometry_column.clone(),
                    problem: "malformed geometry: not a blob".to_owned(),
                });
            }
        };
        let mut values = Vec::with_capacity(columns.len());
        for i in 0..columns.len() {
            values.push(match row.get_ref(i + 2).map_err(sql)? {
                ValueRef::Null | ValueRef::Blob(_) => Value::Null,
                ValueRef::Integer(v) => Value::Integer(v),
                ValueRef::Real(v) => Value::Real(v),
                ValueRef::Text(t) => Value::Text(String::from_utf8_lossy(t).into_owned()),
            });
        }
        features.push(Feature {
            fid,
            geometry,
            values,
        });
    }
    Ok(FeatureLayer {
        path: path.to_path_buf(),
        name,
        geometry_column,
        crs,
        columns,
        features,
    })
}

/// Reads one feature layer of a `GeoPackage` file (see [`parse_layer`]).
///
/// # Errors
/// As [`parse_layer`], plus an unreadable file.
pub fn read_layer(
    path: &Path,
    layer: Option<&str>,
    option: &'static str,
    crs_override: Option<Crs>,
) -> Result<FeatureLayer, GpkgError> {
    let bytes = std::fs::read(path).map_err(|source| GpkgError::Open {
        path: path.to_path_buf(),
        source,
    })?;
    parse_layer(path, &bytes, layer, option, crs_override)
}

/// True when `path` ends in `.gpkg` (any case).
#[must_use]
pub fn is_gpkg(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("gpkg"))
}

#[cfg(test)]
mod tests;
