//! Commune boundaries from `GeoJSON` (RFC 7946 WGS84, or a legacy `crs` member), from Shapefile
//! (`.shp` + `.dbf` + `.prj`) and from `GeoPackage` (a polygon layer), reprojected once to Belgian
//! Lambert 2008 (EPSG:3812).
//!
//! Only Walloon communes are kept (NIS prefixes 25, 5, 6, 8, 9); features of the other regions
//! are counted as skipped, so an all-Belgium layer works.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use geo::{MapCoords, MultiPolygon, Orient, Polygon};
use ssmplan_core::{Commune, Nis, walloon_province_of};

use crate::crs::{self, Crs};

/// An error in a boundary layer.
#[derive(Debug, thiserror::Error)]
pub enum BoundaryError {
    /// The file could not be read.
    #[error("{path}: cannot read file: {source}")]
    Open {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The file is not valid `GeoJSON`.
    #[error("{path}: not valid GeoJSON: {message}")]
    Json {
        /// The file.
        path: PathBuf,
        /// Parser message.
        message: String,
    },
    /// The CRS could not be recognised (use `--crs` to state it).
    #[error(
        "{path}: unknown or unsupported coordinate reference system ({found}); pass --crs to state it (an EPSG code such as EPSG:3812, EPSG:31370, EPSG:4326 or EPSG:3035)"
    )]
    UnknownCrs {
        /// The file (the `.prj` for a shapefile).
        path: PathBuf,
        /// What the file declares (truncated).
        found: String,
    },
    /// A shapefile without its `.prj` (and no override).
    #[error(
        "{path}: missing .prj file: cannot tell the coordinate reference system; pass --crs to state it"
    )]
    MissingPrj {
        /// The expected `.prj` path.
        path: PathBuf,
    },
    /// The shapefile or its `.dbf` could not be read.
    #[error("{path}: cannot read shapefile: {message}")]
    Shapefile {
        /// The file.
        path: PathBuf,
        /// Reader message.
        message: String,
    },
    /// A feature lacks a field or has a bad value.
    #[error("{path}, feature {feature}, field `{field}`: {problem}")]
    Feature {
        /// The file.
        path: PathBuf,
        /// 0-based feature index.
        feature: usize,
        /// Property name.
        field: String,
        /// What is wrong.
        problem: String,
    },
    /// Coordinates fall outside the plausible range of the declared CRS (e.g. degrees read as
    /// metres): the CRS is wrong.
    #[error(
        "{path}, feature {feature} (NIS {nis}): coordinates ({x}, {y}) are not in Belgium for {crs}; is the CRS right? (pass --crs)"
    )]
    OutOfRange {
        /// The file.
        path: PathBuf,
        /// 0-based feature index.
        feature: usize,
        /// Commune code.
        nis: String,
        /// The CRS used.
        crs: Crs,
        /// Offending x (before reprojection).
        x: f64,
        /// Offending y.
        y: f64,
    },
    /// Two features carry the same NIS code.
    #[error("{path}, feature {feature}: duplicate NIS code {nis} (first at feature {first})")]
    Duplicate {
        /// The file.
        path: PathBuf,
        /// 0-based feature index of the repeat.
        feature: usize,
        /// The code.
        nis: String,
        /// First feature index.
        first: usize,
    },
    /// No Walloon commune in the layer.
    #[error("{path}: empty layer: no Walloon commune found ({features} features read)")]
    Empty {
        /// The file.
        path: PathBuf,
        /// Features read.
        features: usize,
    },
    /// A `GeoPackage` error (naming the layer and the feature's fid).
    #[error(transparent)]
    Gpkg(Box<crate::gpkg::GpkgError>),
}

impl From<crate::gpkg::GpkgError> for BoundaryError {
    fn from(e: crate::gpkg::GpkgError) -> Self {
        Self::Gpkg(Box::new(e))
    }
}

/// Communes read from a layer, with what was skipped.
#[derive(Clone, Debug)]
pub struct BoundaryLayer {
    /// The file.
    pub path: PathBuf,
    /// The CRS the coordinates were read in.
    pub crs: Crs,
    /// True when the CRS was given by the caller rather than detected.
    pub crs_overridden: bool,
    /// Walloon communes (population 0, no typology), in layer order sorted by NIS.
    pub communes: Vec<Commune>,
    /// Features outside Wallonia (other regions), skipped.
    pub skipped_outside_wallonia: usize,
    /// Features read.
    pub features: usize,
}

struct RawFeature {
    nis: Nis,
    name: String,
    arrondissement_nis: Option<Nis>,
    arrondissement: String,
    province: Option<String>,
    geometry: MultiPolygon<f64>,
}

impl RawFeature {
    /// A feature of another region: kept only so that `finish` counts it and feature numbers
    /// in errors stay those of the file.
    fn outside_wallonia(nis: Nis) -> Self {
        Self {
            nis,
            name: String::new(),
            arrondissement_nis: None,
            arrondissement: String::new(),
            province: None,
            geometry: MultiPolygon(vec![]),
        }
    }
}

fn finish(
    path: &Path,
    crs: Crs,
    crs_overridden: bool,
    raw: Vec<RawFeature>,
    features: usize,
) -> Result<BoundaryLayer, BoundaryError> {
    let mut communes = Vec::new();
    let mut first: HashMap<Nis, usize> = HashMap::new();
    let mut skipped = 0;
    for (feature, f) in raw.into_iter().enumerate() {
        let Some(province_from_code) = walloon_province_of(f.nis) else {
            skipped += 1;
            continue;
        };
        if let Some(&first) = first.get(&f.nis) {
            return Err(BoundaryError::Duplicate {
                path: path.to_path_buf(),
                feature,
                nis: f.nis.to_string(),
                first,
            });
        }
        first.insert(f.nis, feature);
        // Plausibility of the raw coordinates in the declared CRS.
        let (lo, hi) = crs.belgium_bounds();
        // Every ring, holes included (a hole far away would become NaN once projected).
        let rings = f
            .geometry
            .0
            .iter()
            .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()));
        for c in rings.flat_map(geo::LineString::coords) {
            if !(c.x >= lo.x && c.x <= hi.x && c.y >= lo.y && c.y <= hi.y) {
                return Err(BoundaryError::OutOfRange {
                    path: path.to_path_buf(),
                    feature,
                    nis: f.nis.to_string(),
                    crs,
                    x: c.x,
                    y: c.y,
                });
            }
        }
        // Exterior rings counter-clockwise, holes clockwise: boolean operations (territory
        // union, catchment clipping) rely on a consistent orientation.
        let geometry = f
            .geometry
            .map_coords(|c| crs::project_coord(crs, c))
            .orient(geo::orient::Direction::Default);
        let arrondissement_nis = f.arrondissement_nis.unwrap_or_else(|| {
            let code = format!("{}000", &f.nis.as_str()[..2]);
            Nis::try_from(code.as_str()).unwrap_or(f.nis)
        });
        communes.push(Commune {
            nis: f.nis,
            name: f.name,
            arrondissement_nis,
            arrondissement: f.arrondissement,
            province: f.province.unwrap_or_else(|| province_from_code.to_owned()),
            geometry,
            population: 0,
            typology: None,
        });
    }
    if communes.is_empty() {
        return Err(BoundaryError::Empty {
            path: path.to_path_buf(),
            features,
        });
    }
    communes.sort_by_key(|c| c.nis);
    Ok(BoundaryLayer {
        path: path.to_path_buf(),
        crs,
        crs_overridden,
        communes,
        skipped_outside_wallonia: skipped,
        features,
    })
}

fn prop_str(props: &serde_json::Map<String, serde_json::Value>, names: &[&str]) -> Option<String> {
    names.iter().find_map(|n| match props.get(*n)? {
        serde_json::Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    })
}

const NIS_FIELDS: &[&str] = &["nis", "nis_2025", "NISCode", "niscode", "NIS", "CD_REFNIS"];
const NAME_FIELDS: &[&str] = &["name_fr", "NameFre", "name", "TX_DESCR_FR"];
const ARR_FIELDS: &[&str] = &["arrondissement_nis", "arr_nis"];
const ARR_NAME_FIELDS: &[&str] = &["arrondissement_fr", "arr_name"];
const PROVINCE_FIELDS: &[&str] = &["province", "province_fr"];

/// Parses a `GeoJSON` `FeatureCollection` of (Multi)Polygon communes.
///
/// # Errors
/// [`BoundaryError`] naming the file, the feature and the field.
pub fn parse_geojson(
    path: &Path,
    bytes: &[u8],
    crs_override: Option<Crs>,
) -> Result<BoundaryLayer, BoundaryError> {
    let json_err = |message: String| BoundaryError::Json {
        path: path.to_path_buf(),
        message,
    };
    let root: serde_json::Value =
        serde_json::from_slice(bytes).map_err(|e| json_err(e.to_string()))?;
    let crs = match crs_override {
        Some(c) => c,
        None => crs::detect_geojson(&root).map_err(|e| BoundaryError::UnknownCrs {
            path: path.to_path_buf(),
            found: e.to_string(),
        })?,
    };
    let collection: geojson::FeatureCollection = serde_json::from_value(root)
        .map_err(|e| json_err(format!("expected a FeatureCollection: {e}")))?;
    let features = collection.features.len();
    let mut raw = Vec::with_capacity(features);
    for (i, feature) in collection.features.into_iter().enumerate() {
        let bad = |field: &str, problem: String| BoundaryError::Feature {
            path: path.to_path_buf(),
            feature: i,
            field: field.to_owned(),
            problem,
        };
        let props = feature.properties.unwrap_or_default();
        let nis_text = prop_str(&props, NIS_FIELDS)
            .ok_or_else(|| bad("nis", "missing NIS code property".into()))?;
        let nis = Nis::try_from(nis_text.as_str()).map_err(|e| bad("nis", e.to_string()))?;
        if walloon_province_of(nis).is_none() {
            raw.push(RawFeature::outside_wallonia(nis));
            continue;
        }
        let geometry = feature
            .geometry
            .ok_or_else(|| bad("geometry", "missing geometry".into()))?;
        // The geojson crate's conversion indexes positions blindly: check them first.
        let rings: Vec<&Vec<geojson::Position>> = match &geometry.value {
            geojson::GeometryValue::Polygon { coordinates } => coordinates.iter().collect(),
            geojson::GeometryValue::MultiPolygon { coordinates } => {
                coordinates.iter().flatten().collect()
            }
            _ => Vec::new(),
        };
        for ring in rings {
            if let Some(p) = ring.iter().find(|p| p.len() < 2) {
                return Err(bad(
                    "geometry",
                    format!(
                        "a position needs two numbers (longitude, latitude), found {:?}",
                        p.as_slice()
                    ),
                ));
            }
        }
        let geometry: geo::Geometry<f64> =
            geo::Geometry::try_from(geometry).map_err(|e| bad("geometry", e.to_string()))?;
        let geometry = match geometry {
            geo::Geometry::Polygon(p) => MultiPolygon(vec![p]),
            geo::Geometry::MultiPolygon(m) => m,
            other => {
                return Err(bad(
                    "geometry",
                    format!(
                        "expected Polygon or MultiPolygon, found {}",
                        geometry_name(&other)
                    ),
                ));
            }
        };
        if geometry
            .0
            .iter()
            .all(|p: &Polygon<f64>| p.exterior().0.len() < 4)
        {
            return Err(bad("geometry", "empty geometry".into()));
        }
        let arrondissement_nis = match prop_str(&props, ARR_FIELDS) {
            Some(t) => Some(
                Nis::try_from(t.as_str()).map_err(|e| bad("arrondissement_nis", e.to_string()))?,
            ),
            None => None,
        };
        raw.push(RawFeature {
            nis,
            name: prop_str(&props, NAME_FIELDS).unwrap_or_default(),
            arrondissement_nis,
            arrondissement: prop_str(&props, ARR_NAME_FIELDS).unwrap_or_default(),
            province: prop_str(&props, PROVINCE_FIELDS),
            geometry,
        });
    }
    finish(path, crs, crs_override.is_some(), raw, features)
}

fn geometry_name(g: &geo::Geometry<f64>) -> &'static str {
    match g {
        geo::Geometry::Point(_) => "Point",
        geo::Geometry::Line(_) => "Line",
        geo::Geometry::LineString(_) => "LineString",
        geo::Geometry::Polygon(_) => "Polygon",
        geo::Geometry::MultiPoint(_) => "MultiPoint",
        geo::Geometry::MultiLineString(_) => "MultiLineString",
        geo::Geometry::MultiPolygon(_) => "MultiPolygon",
        geo::Geometry::GeometryCollection(_) => "GeometryCollection",
        geo::Geometry::Rect(_) => "Rect",
        geo::Geometry::Triangle(_) => "Triangle",
    }
}

/// Reads a `GeoJSON` boundary layer.
///
/// # Errors
/// As [`parse_geojson`], plus an unreadable file.
pub fn read_geojson(
    path: &Path,
    crs_override: Option<Crs>,
) -> Result<BoundaryLayer, BoundaryError> {
    let bytes = std::fs::read(path).map_err(|source| BoundaryError::Open {
        path: path.to_path_buf(),
        source,
    })?;
    parse_geojson(path, &bytes, crs_override)
}

/// Reads a Shapefile boundary layer (`.shp`, `.shx`, `.dbf`, `.prj` side by side). The CRS comes
/// from the `.prj` unless `crs_override` is given.
///
/// # Errors
/// [`BoundaryError`] naming the file, the record and the field.
pub fn read_shapefile(
    path: &Path,
    crs_override: Option<Crs>,
) -> Result<BoundaryLayer, BoundaryError> {
    let prj = path.with_extension("prj");
    let crs = if let Some(c) = crs_override {
        c
    } else {
        let wkt = match std::fs::read_to_string(&prj) {
            Ok(w) => w,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(BoundaryError::MissingPrj { path: prj });
            }
            Err(source) => return Err(BoundaryError::Open { path: prj, source }),
        };
        crs::detect_prj(&wkt).map_err(|e| BoundaryError::UnknownCrs {
            path: prj.clone(),
            found: e.to_string(),
        })?
    };
    if !path.exists() {
        return Err(BoundaryError::Open {
            path: path.to_path_buf(),
            source: std::io::Error::new(std::io::ErrorKind::NotFound, "no such file"),
        });
    }
    let shp_err = |message: String| BoundaryError::Shapefile {
        path: path.to_path_buf(),
        message,
    };
    let mut reader = shapefile::Reader::from_path(path).map_err(|e| shp_err(e.to_string()))?;
    let mut raw = Vec::new();
    let mut features = 0;
    for (i, item) in reader.iter_shapes_and_records().enumerate() {
        features += 1;
        let (shape, record) = item.map_err(|e| shp_err(format!("record {i}: {e}")))?;
        let bad = |field: &str, problem: String| BoundaryError::Feature {
            path: path.to_path_buf(),
            feature: i,
            field: field.to_owned(),
            problem,
        };
        let text = |names: &[&str]| {
            names.iter().find_map(|n| match record.get(n)? {
                shapefile::dbase::FieldValue::Character(Some(s)) if !s.trim().is_empty() => {
                    Some(s.trim().to_owned())
                }
                shapefile::dbase::FieldValue::Numeric(Some(v)) => Some(format!("{v:.0}")),
                _ => None,
            })
        };
        let nis_text =
            text(NIS_FIELDS).ok_or_else(|| bad("nis", "missing NIS code field".into()))?;
        let nis = Nis::try_from(nis_text.as_str()).map_err(|e| bad("nis", e.to_string()))?;
        if walloon_province_of(nis).is_none() {
            raw.push(RawFeature::outside_wallonia(nis));
            continue;
        }
        let geometry = match shape {
            shapefile::Shape::Polygon(p) => {
                MultiPolygon::<f64>::try_from(p).map_err(|e| bad("geometry", e.to_string()))?
            }
            shapefile::Shape::NullShape => {
                return Err(bad("geometry", "empty geometry (null shape)".into()));
            }
            other => {
                return Err(bad(
                    "geometry",
                    format!("expected a polygon, found {}", other.shapetype()),
                ));
            }
        };
        if geometry.0.is_empty() {
            return Err(bad("geometry", "empty geometry".into()));
        }
        let arrondissement_nis = match text(&["arr_nis", "arrondissement_nis"]) {
            Some(t) => Some(Nis::try_from(t.as_str()).map_err(|e| bad("arr_nis", e.to_string()))?),
            None => None,
        };
        raw.push(RawFeature {
            nis,
            name: text(NAME_FIELDS).unwrap_or_default(),
            arrondissement_nis,
            arrondissement: text(ARR_NAME_FIELDS).unwrap_or_default(),
            province: text(PROVINCE_FIELDS),
            geometry,
        });
    }
    finish(path, crs, crs_override.is_some(), raw, features)
}

/// Reads a `GeoPackage` boundary layer: `layer`, or the only feature layer of the file; the same
/// attribute names as the `GeoJSON` and Shapefile readers (`nis`, `NISCode`, `CD_REFNIS`...).
/// The CRS comes from `gpkg_spatial_ref_sys` unless `crs_override` is given.
///
/// # Errors
/// [`BoundaryError::Gpkg`] naming the file, the layer, the feature (fid) and the field.
#[expect(
    clippy::too_many_lines,
    reason = "one pass over the features, one block per field, then the fid mapping of the errors"
)]
pub fn read_gpkg(
    path: &Path,
    layer: Option<&str>,
    crs_override: Option<Crs>,
) -> Result<BoundaryLayer, BoundaryError> {
    use crate::gpkg::{self, GpkgError, Value};
    let layer = gpkg::read_layer(path, layer, "--layer", crs_override)?;
    let mut raw = Vec::with_capacity(layer.features.len());
    let mut fids = Vec::with_capacity(layer.features.len());
    for f in &layer.features {
        let bad = |field: &str, problem: String| layer.feature_error(f.fid, field, problem);
        let props: serde_json::Map<String, serde_json::Value> = layer
            .columns
            .iter()
            .zip(&f.values)
            .map(|(c, v)| {
                let v = match v {
                    Value::Null => serde_json::Value::Null,
                    Value::Integer(i) => serde_json::Value::from(*i),
                    Value::Real(r) => serde_json::Number::from_f64(*r)
                        .map_or(serde_json::Value::Null, serde_json::Value::Number),
                    Value::Text(t) => serde_json::Value::String(t.clone()),
                };
                (c.clone(), v)
            })
            .collect();
        // Column names are matched as the other readers match them, then case-insensitively.
        let find = |names: &[&str]| {
            prop_str(&props, names).or_else(|| {
                names.iter().find_map(|n| {
                    props
                        .iter()
                        .find(|(k, _)| k.eq_ignore_ascii_case(n))
                        .and_then(|(k, _)| prop_str(&props, &[k.as_str()]))
                })
            })
        };
        let nis_text = find(NIS_FIELDS).ok_or_else(|| {
            bad(
                "nis",
                format!(
                    "missing NIS code (no value in a column named {})",
                    NIS_FIELDS.join(", ")
                ),
            )
        })?;
        let nis = Nis::try_from(nis_text.as_str()).map_err(|e| bad("nis", e.to_string()))?;
        fids.push(f.fid);
        if walloon_province_of(nis).is_none() {
            raw.push(RawFeature::outside_wallonia(nis));
            continue;
        }
        let field = layer.geometry_column.as_str();
        let geometry = match &f.geometry {
            None => return Err(bad(field, "empty geometry".into()).into()),
            Some(geo::Geometry::Polygon(p)) => MultiPolygon(vec![p.clone()]),
            Some(geo::Geometry::MultiPolygon(m)) => m.clone(),
            Some(other) => {
                return Err(bad(
                    field,
                    format!(
                        "expected Polygon or MultiPolygon, found {}",
                        geometry_name(other)
                    ),
                )
                .into());
            }
        };
        if geometry.0.iter().all(|p| p.exterior().0.len() < 4) {
            return Err(bad(field, "empty geometry".into()).into());
        }
        if let Some(c) = geometry
            .0
            .iter()
            .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
            .flat_map(geo::LineString::coords)
            .find(|c| !(c.x.is_finite() && c.y.is_finite()))
        {
            return Err(bad(
                field,
                format!("coordinate ({}, {}) is not a number", c.x, c.y),
            )
            .into());
        }
        let arrondissement_nis = match find(ARR_FIELDS) {
            Some(t) => Some(
                Nis::try_from(t.as_str()).map_err(|e| bad("arrondissement_nis", e.to_string()))?,
            ),
            None => None,
        };
        raw.push(RawFeature {
            nis,
            name: find(NAME_FIELDS).unwrap_or_default(),
            arrondissement_nis,
            arrondissement: find(ARR_NAME_FIELDS).unwrap_or_default(),
            province: find(PROVINCE_FIELDS),
            geometry,
        });
    }
    let features = layer.features.len();
    let fid = |i: usize| fids.get(i).copied().unwrap_or_default();
    finish(path, layer.crs, crs_override.is_some(), raw, features).map_err(|e| match e {
        BoundaryError::Duplicate {
            path,
            feature,
            nis,
            first,
        } => GpkgError::Duplicate {
            path,
            layer: layer.name.clone(),
            fid: fid(feature),
            field: "nis".to_owned(),
            value: nis,
            first_fid: fid(first),
        }
        .into(),
        BoundaryError::OutOfRange {
            path,
            feature,
            nis,
            crs,
            x,
            y,
        } => GpkgError::OutOfRange {
            path,
            layer: layer.name.clone(),
            fid: fid(feature),
            nis,
            crs,
            x,
            y,
        }
        .into(),
        BoundaryError::Empty { path, features } => GpkgError::Empty {
            path,
            layer: layer.name.clone(),
            what: format!("no Walloon commune found, {features} features read"),
        }
        .into(),
        other => other,
    })
}
