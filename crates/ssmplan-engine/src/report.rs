//! The report every operation produces: provenance (parameters, inputs with their sha256,
//! caveats), headline figures, tables and an optional map layer, with its JSON and `GeoJSON`
//! serialisations (shared by the CLI and the map service, so both print the same bytes).
//! Nothing here depends on time or thread count.

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
