//! The report every operation produces: provenance (parameters, inputs with their sha256,
//! caveats), headline figures, tables and an optional map layer, with its JSON and `GeoJSON`
//! serialisations (shared by the CLI and the map service, so both print the same bytes).
//! Nothing here depends on time or thread count.

use std::fmt::Write as _;

use serde_json::{Map, Value, json};
use ssmplan_io::dataset::InputFile;

/// One value of a table.
#[derive(Clone, Debug, PartialEq)]
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
    /// A number with `decimals`, or empty.
    #[must_use]
    pub fn opt(value: Option<f64>, decimals: usize) -> Self {
        value.map_or(Self::Empty, |v| Self::Num(v, decimals))
    }

    /// The value as text (CSV and terminal tables).
    #[must_use]
    pub fn text(&self) -> String {
        match self {
            Self::Text(s) => s.clone(),
            Self::Int(i) => i.to_string(),
            Self::Num(v, d) => format!("{v:.d$}"),
            Self::Empty => String::new(),
        }
    }

    /// The value as JSON (numbers rounded to their decimals).
    #[must_use]
    pub fn json(&self) -> Value {
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
    /// Key in the JSON output.
    pub name: String,
    /// Title in the terminal output.
    pub title: String,
    /// Column names (units in the names).
    pub columns: Vec<&'static str>,
    /// Rows, parallel to `columns`.
    pub rows: Vec<Vec<Cell>>,
}

impl Table {
    /// The rows as JSON objects.
    #[must_use]
    pub fn json_rows(&self) -> Vec<Value> {
        self.rows
            .iter()
            .map(|r| {
                Value::Object(
                    self.columns
                        .iter()
                        .zip(r)
                        .map(|(c, v)| ((*c).to_owned(), v.json()))
                        .collect(),
                )
            })
            .collect()
    }
}

/// A `GeoJSON` feature: WGS84 geometry (already a `GeoJSON` value) and properties.
#[derive(Clone, Debug)]
pub struct Feature {
    /// `GeoJSON` geometry in WGS84.
    pub geometry: Value,
    /// Properties, in order.
    pub properties: Vec<(&'static str, Cell)>,
}

impl Feature {
    /// The feature as a `GeoJSON` object.
    #[must_use]
    pub fn json(&self) -> Value {
        json!({
            "type": "Feature",
            "properties": Value::Object(self.properties.iter().map(|(k, v)| ((*k).to_owned(), v.json())).collect()),
            "geometry": self.geometry,
        })
    }
}

/// Whether an operation builds its map layer (WGS84 geometries cost time; JSON never shows
/// them).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum MapLayer {
    /// Tables only.
    #[default]
    Skip,
    /// Tables and `GeoJSON` features.
    Build,
}

/// The whole output of an operation.
#[derive(Clone, Debug)]
pub struct Report {
    /// Operation name (`coverage`, `budget coordinators`...).
    pub command: &'static str,
    /// Parameters in effect, in order.
    pub parameters: Vec<(&'static str, Value)>,
    /// Files read, with their sha256.
    pub inputs: Vec<InputFile>,
    /// Plain-language caveats of the data.
    pub caveats: Vec<String>,
    /// Headline figures shown first in the terminal summary.
    pub summary: Vec<(String, String)>,
    /// Tables.
    pub tables: Vec<Table>,
    /// Map layer (empty unless [`MapLayer::Build`] was asked, or the operation has none).
    pub features: Vec<Feature>,
}

/// Why a report cannot be rendered in a format.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// The operation has no map layer.
    #[error("`{command}` has no map layer: use --format table, csv or json")]
    NoMapLayer {
        /// The operation.
        command: &'static str,
    },
    /// Serialisation failed.
    #[error("serialising the report")]
    Json(#[from] serde_json::Error),
}

impl Report {
    /// Provenance: tool, command, CRS, parameters, inputs and caveats.
    #[must_use]
    pub fn meta(&self) -> Value {
        let mut parameters = Map::new();
        for (k, v) in &self.parameters {
            parameters.insert((*k).to_owned(), v.clone());
        }
        json!({
            "tool": format!("ssmplan {}", env!("CARGO_PKG_VERSION")),
            "command": self.command,
            "crs_of_computation": if self.command == "solve" {
                "none: the planar coordinates of the instance files"
            } else {
                "EPSG:3812 (Belgian Lambert 2008, metres)"
            },
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

    /// The JSON document: provenance, summary and every table (rows as objects).
    #[must_use]
    pub fn json(&self) -> Value {
        let mut root = self.meta();
        root["summary"] = Value::Object(
            self.summary
                .iter()
                .map(|(k, v)| (k.clone(), Value::String(v.clone())))
                .collect(),
        );
        let mut tables = Map::new();
        for t in &self.tables {
            tables.insert(t.name.clone(), Value::Array(t.json_rows()));
        }
        root["tables"] = Value::Object(tables);
        root
    }

    /// [`Report::json`] pretty-printed, with a final newline.
    ///
    /// # Errors
    /// Serialisation failure (not expected).
    pub fn json_bytes(&self) -> Result<Vec<u8>, RenderError> {
        let mut out = serde_json::to_vec_pretty(&self.json())?;
        out.push(b'\n');
        Ok(out)
    }

    /// The map layer as a `GeoJSON` `FeatureCollection` (WGS84) with the provenance in an
    /// `ssmplan` member, compact, with a final newline.
    ///
    /// # Errors
    /// [`RenderError::NoMapLayer`] when the report has no features.
    pub fn geojson_bytes(&self) -> Result<Vec<u8>, RenderError> {
        if self.features.is_empty() {
            return Err(RenderError::NoMapLayer {
                command: self.command,
            });
        }
        let root = json!({
            "type": "FeatureCollection",
            "name": format!("ssmplan_{}", self.command),
            "ssmplan": self.meta(),
            "features": self.features.iter().map(Feature::json).collect::<Vec<_>>(),
        });
        let mut out = serde_json::to_vec(&root)?;
        out.push(b'\n');
        Ok(out)
    }
}

/// `md_standard_uri` of the provenance document ([`Report::meta`] as JSON) in a `GeoPackage`'s
/// `gpkg_metadata`.
pub const PROVENANCE_URI: &str = "https://github.com/ssmplan/ssmplan#provenance";

/// Why a report could not be written as a `GeoPackage`.
#[derive(Debug, thiserror::Error)]
pub enum GpkgRenderError {
    /// A feature's geometry is not a `GeoJSON` geometry (not expected).
    #[error("feature {feature} of `{command}` has no usable geometry")]
    Geometry {
        /// The operation.
        command: &'static str,
        /// 0-based feature index.
        feature: usize,
    },
    /// The `GeoPackage` could not be built.
    #[error(transparent)]
    Gpkg(#[from] ssmplan_io::gpkg::GpkgError),
    /// Serialisation of the provenance failed.
    #[error("serialising the provenance")]
    Json(#[from] serde_json::Error),
}

impl Report {
    /// Name of the map layer in a `GeoPackage` (and of the `GeoJSON` collection):
    /// `ssmplan_<command>`, sanitised (`ssmplan_budget_coordinators`).
    #[must_use]
    pub fn layer_name(&self) -> String {
        ssmplan_io::gpkg::sanitise_name(&format!("ssmplan_{}", self.command))
    }

    /// The report as a `GeoPackage` 1.2 (the bytes of the file):
    /// - the map layer, when the report has one, as the feature table [`Report::layer_name`]
    ///   in EPSG:4326 (the features' own WGS84 geometry, so the file shows exactly what the
    ///   `GeoJSON` output shows), its properties as typed columns;
    /// - every table as an attribute table `<command>_<table>`, and the summary as
    ///   `<command>_summary` (`figure`, `value`);
    /// - the provenance ([`Report::meta`]) in the metadata extension, three times: as JSON
    ///   ([`PROVENANCE_URI`], for the whole file), as GDAL metadata items (shown by `ogrinfo`
    ///   and QGIS's Information tab) and as QGIS layer metadata of every table (title,
    ///   abstract with the caveats, history with the parameters and inputs with their sha256).
    ///
    /// Columns are `INTEGER` when every value is a whole number, `REAL` when they are numbers
    /// (rounded to their decimals, as in the JSON output), else `TEXT`. The bytes depend on
    /// nothing but the report.
    ///
    /// # Errors
    /// [`GpkgRenderError`] (not expected for the reports of ssmplan).
    #[expect(
        clippy::too_many_lines,
        reason = "the map layer, the tables, the summary and the metadata, in file order"
    )]
    pub fn gpkg_bytes(&self) -> Result<Vec<u8>, GpkgRenderError> {
        use ssmplan_io::gpkg::{
            self, AttributeTable, Column, ColumnType, FeatureTable, MetadataRecord, Srs,
        };
        let command = gpkg::sanitise_name(self.command);
        let mut package = gpkg::GeoPackage::default();
        let layer = self.layer_name();
        if let Some(first) = self.features.first() {
            let names: Vec<&'static str> = first.properties.iter().map(|(k, _)| *k).collect();
            let kinds: Vec<ColumnType> = (0..names.len())
                .map(|i| {
                    column_type(
                        self.features
                            .iter()
                            .filter_map(|f| f.properties.get(i).map(|(_, c)| c)),
                    )
                })
                .collect();
            let mut features = Vec::with_capacity(self.features.len());
            for (i, f) in self.features.iter().enumerate() {
                let geometry =
                    gpkg::geometry_from_geojson(&f.geometry).ok_or(GpkgRenderError::Geometry {
                        command: self.command,
                        feature: i,
                    })?;
                let values = kinds
                    .iter()
                    .enumerate()
                    .map(|(j, k)| {
                        f.properties
                            .get(j)
                            .map_or(gpkg::Value::Null, |(_, c)| gpkg_value(c, *k))
                    })
                    .collect();
                features.push((geometry, values));
            }
            package.features.push(FeatureTable {
                name: layer.clone(),
                identifier: format!("ssmplan {}", self.command),
                description: format!(
                    "Map layer of `ssmplan {}` (WGS84); provenance in the GeoPackage metadata",
                    self.command
                ),
                srs: Srs::Wgs84,
                columns: names
                    .iter()
                    .zip(&kinds)
                    .map(|(n, k)| Column {
                        name: (*n).to_owned(),
                        kind: *k,
                    })
                    .collect(),
                features,
            });
        }
        let mut taken = vec![layer.clone()];
        let mut table_name = |wanted: String| {
            let mut name = wanted.clone();
            let mut n = 2;
            while taken.contains(&name) {
                name = format!("{wanted}_{n}");
                n += 1;
            }
            taken.push(name.clone());
            name
        };
        for t in &self.tables {
            let suffix = gpkg::sanitise_name(&t.name);
            let name = table_name(if suffix == command {
                format!("{command}_table")
            } else {
                format!("{command}_{suffix}")
            });
            let kinds: Vec<ColumnType> = (0..t.columns.len())
                .map(|i| column_type(t.rows.iter().filter_map(|r| r.get(i))))
                .collect();
            package.attributes.push(AttributeTable {
                name,
                identifier: format!("ssmplan {}: {}", self.command, t.title),
                description: t.title.clone(),
                columns: t
                    .columns
                    .iter()
                    .zip(&kinds)
                    .map(|(n, k)| Column {
                        name: (*n).to_owned(),
                        kind: *k,
                    })
                    .collect(),
                rows: t
                    .rows
                    .iter()
                    .map(|r| {
                        r.iter()
                            .zip(&kinds)
                            .map(|(c, k)| gpkg_value(c, *k))
                            .collect()
                    })
                    .collect(),
            });
        }
        if !self.summary.is_empty() {
            package.attributes.push(AttributeTable {
                name: table_name(format!("{command}_summary")),
                identifier: format!("ssmplan {}: summary", self.command),
                description: "Headline figures".to_owned(),
                columns: vec![
                    Column {
                        name: "figure".to_owned(),
                        kind: ColumnType::Text,
                    },
                    Column {
                        name: "value".to_owned(),
                        kind: ColumnType::Text,
                    },
                ],
                rows: self
                    .summary
                    .iter()
                    .map(|(k, v)| vec![gpkg::Value::Text(k.clone()), gpkg::Value::Text(v.clone())])
                    .collect(),
            });
        }
        let meta = self.meta();
        let all_tables: Vec<Option<String>> = package
            .features
            .iter()
            .map(|t| Some(t.name.clone()))
            .chain(package.attributes.iter().map(|t| Some(t.name.clone())))
            .collect();
        let mut gdal_refs = vec![None];
        gdal_refs.extend(package.features.iter().map(|t| Some(t.name.clone())));
        package.metadata = vec![
            MetadataRecord {
                standard_uri: PROVENANCE_URI.to_owned(),
                mime_type: "application/json".to_owned(),
                metadata: String::from_utf8_lossy(&serde_json::to_vec_pretty(&meta)?).into_owned(),
                references: vec![None],
            },
            MetadataRecord {
                standard_uri: "http://gdal.org".to_owned(),
                mime_type: "text/xml".to_owned(),
                metadata: self.gdal_metadata_xml(&meta),
                references: gdal_refs,
            },
            MetadataRecord {
                standard_uri: "http://mrcc.com/qgis.dtd".to_owned(),
                mime_type: "text/xml".to_owned(),
                metadata: self.qgis_metadata_xml(&meta),
                references: all_tables,
            },
        ];
        Ok(gpkg::write(&package)?)
    }

    /// GDAL's metadata document (`GDALMultiDomainMetadata`): the provenance as items (the
    /// JSON document itself shows in GDAL as `GPKG_METADATA_ITEM_1`).
    fn gdal_metadata_xml(&self, meta: &Value) -> String {
        let mut items = vec![
            (
                "SSMPLAN_TOOL".to_owned(),
                format!("ssmplan {}", env!("CARGO_PKG_VERSION")),
            ),
            ("SSMPLAN_COMMAND".to_owned(), self.command.to_owned()),
            (
                "SSMPLAN_CRS_OF_COMPUTATION".to_owned(),
                crs_of_computation(meta).to_owned(),
            ),
        ];
        for (k, v) in &self.parameters {
            items.push((
                format!("SSMPLAN_PARAMETER_{}", k.to_uppercase()),
                v.as_str().map_or_else(|| v.to_string(), str::to_owned),
            ));
        }
        for (i, input) in self.inputs.iter().enumerate() {
            items.push((
                format!("SSMPLAN_INPUT_{}", i + 1),
                format!(
                    "{}: {} (sha256 {})",
                    input.role,
                    input.path.display(),
                    input.sha256
                ),
            ));
        }
        for (i, c) in self.caveats.iter().enumerate() {
            items.push((format!("SSMPLAN_CAVEAT_{}", i + 1), c.clone()));
        }
        let mut xml = String::from("<GDALMultiDomainMetadata>\n  <Metadata>\n");
        for (k, v) in items {
            let _ = writeln!(
                xml,
                "    <MDI key=\"{}\">{}</MDI>",
                xml_escape(&k),
                xml_escape(&v)
            );
        }
        xml.push_str("  </Metadata>\n</GDALMultiDomainMetadata>\n");
        xml
    }

    /// QGIS layer metadata (`QgsLayerMetadata` XML): title, abstract with the caveats, and the
    /// parameters and inputs as history lines.
    fn qgis_metadata_xml(&self, meta: &Value) -> String {
        let tool = format!("ssmplan {}", env!("CARGO_PKG_VERSION"));
        let mut abstract_text = format!(
            "Computed by {tool} (`ssmplan {}`); CRS of the computation: {}.",
            self.command,
            crs_of_computation(meta)
        );
        if !self.caveats.is_empty() {
            abstract_text.push_str("\n\nCaveats:");
            for c in &self.caveats {
                abstract_text.push_str("\n- ");
                abstract_text.push_str(c);
            }
        }
        let mut history = Vec::new();
        for (k, v) in &self.parameters {
            history.push(format!(
                "parameter {k}: {}",
                v.as_str().map_or_else(|| v.to_string(), str::to_owned)
            ));
        }
        for i in &self.inputs {
            history.push(format!(
                "input {}: {} sha256 {}",
                i.role,
                i.path.display(),
                i.sha256
            ));
        }
        history.push(format!("provenance (JSON): {meta}"));
        let mut xml = String::from(
            "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n<qgis version=\"3.28.0\">\n",
        );
        let _ = writeln!(
            xml,
            "  <identifier>{}</identifier>",
            xml_escape(&self.layer_name())
        );
        xml.push_str("  <parentidentifier></parentidentifier>\n  <language></language>\n  <type>dataset</type>\n");
        let _ = writeln!(xml, "  <title>ssmplan {}</title>", xml_escape(self.command));
        let _ = writeln!(xml, "  <abstract>{}</abstract>", xml_escape(&abstract_text));
        xml.push_str("  <keywords vocabulary=\"ssmplan\">\n    <keyword>ssmplan</keyword>\n");
        let _ = writeln!(
            xml,
            "    <keyword>{}</keyword>\n  </keywords>",
            xml_escape(self.command)
        );
        for h in history {
            let _ = writeln!(xml, "  <history>{}</history>", xml_escape(&h));
        }
        xml.push_str("</qgis>\n");
        xml
    }
}

/// The `crs_of_computation` of [`Report::meta`].
fn crs_of_computation(meta: &Value) -> &str {
    meta.get("crs_of_computation")
        .and_then(Value::as_str)
        .unwrap_or_default()
}

/// The SQL type of a column from its cells: `INTEGER` when every value is a whole number,
/// `REAL` when they are numbers, else `TEXT` (also for a column with no value).
fn column_type<'c>(cells: impl Iterator<Item = &'c Cell>) -> ssmplan_io::gpkg::ColumnType {
    use ssmplan_io::gpkg::ColumnType;
    let mut kind: Option<ColumnType> = None;
    for c in cells {
        let k = match c {
            Cell::Text(_) => return ColumnType::Text,
            Cell::Int(_) => ColumnType::Integer,
            Cell::Num(..) => ColumnType::Real,
            Cell::Empty => continue,
        };
        kind = Some(match (kind, k) {
            (Some(ColumnType::Real), _) | (_, ColumnType::Real) => ColumnType::Real,
            _ => k,
        });
    }
    kind.unwrap_or(ColumnType::Text)
}

/// A cell as a value of a column of type `kind` (numbers rounded to their decimals as in
/// [`Cell::json`]).
fn gpkg_value(cell: &Cell, kind: ssmplan_io::gpkg::ColumnType) -> ssmplan_io::gpkg::Value {
    use ssmplan_io::gpkg::{ColumnType, Value as V};
    let rounded = |v: f64, d: usize| format!("{v:.d$}").parse::<f64>().unwrap_or(f64::NAN);
    match (cell, kind) {
        (Cell::Empty, _) => V::Null,
        (Cell::Text(s), _) => V::Text(s.clone()),
        (c, ColumnType::Text) => V::Text(c.text()),
        (Cell::Int(i), ColumnType::Integer) => {
            i64::try_from(*i).map_or(V::Real(*i as f64), V::Integer)
        }
        (Cell::Int(i), ColumnType::Real) => V::Real(*i as f64),
        (Cell::Num(v, d), _) => V::Real(rounded(*v, *d)),
    }
}

fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests: a panic is the failure report")]
mod gpkg_tests {
    use ssmplan_io::gpkg::{ColumnType, Value as V};

    use super::*;

    #[test]
    fn column_types_follow_the_cells() {
        let t = |cells: &[Cell]| column_type(cells.iter());
        assert_eq!(
            t(&[Cell::Int(1), Cell::Empty, Cell::Int(2)]),
            ColumnType::Integer
        );
        assert_eq!(t(&[Cell::Int(1), Cell::Num(0.5, 2)]), ColumnType::Real);
        assert_eq!(
            t(&[Cell::Num(0.5, 2), Cell::Text("x".into())]),
            ColumnType::Text
        );
        assert_eq!(t(&[Cell::Empty]), ColumnType::Text);
        assert_eq!(t(&[]), ColumnType::Text);
    }

    #[test]
    fn values_are_rounded_as_in_the_json() {
        assert_eq!(
            gpkg_value(&Cell::Num(2.345_678, 2), ColumnType::Real),
            V::Real(2.35)
        );
        assert_eq!(gpkg_value(&Cell::Int(3), ColumnType::Real), V::Real(3.0));
        assert_eq!(
            gpkg_value(&Cell::Int(3), ColumnType::Text),
            V::Text("3".into())
        );
        assert_eq!(gpkg_value(&Cell::Empty, ColumnType::Integer), V::Null);
        assert_eq!(
            gpkg_value(&Cell::Int(u64::MAX), ColumnType::Integer),
            V::Real(u64::MAX as f64)
        );
    }

    #[test]
    fn a_report_without_map_layer_is_a_geopackage_of_tables() {
        let report = Report {
            command: "budget coordinators",
            parameters: vec![("source", json!("bands"))],
            inputs: Vec::new(),
            caveats: vec!["a <caveat> & more".into()],
            summary: vec![("total".into(), "1 EUR".into())],
            tables: vec![Table {
                name: "bands".into(),
                title: "Bands".into(),
                columns: vec!["band", "ssm"],
                rows: vec![vec![Cell::from("<=3"), Cell::Int(2)]],
            }],
            features: Vec::new(),
        };
        let bytes = report.gpkg_bytes().unwrap();
        let layer = ssmplan_io::gpkg::feature_layers(std::path::Path::new("r.gpkg"), &bytes);
        assert!(layer.unwrap().is_empty());
        assert_eq!(bytes, report.gpkg_bytes().unwrap());
        assert_eq!(report.layer_name(), "ssmplan_budget_coordinators");
        assert!(
            report
                .qgis_metadata_xml(&report.meta())
                .contains("a &lt;caveat&gt; &amp; more")
        );
    }
}
