//! Tests of the `GeoPackage` writer and reader without GDAL (GDAL checks the files end to end in
//! the CLI's `tests/gpkg.rs`).
#![expect(clippy::unwrap_used, reason = "tests: a panic is the failure report")]

use std::path::Path;

use geo::{Geometry, MultiPolygon, point, polygon};
use rusqlite::Connection;

use super::*;

fn square(x0: f64, y0: f64) -> MultiPolygon<f64> {
    MultiPolygon(vec![polygon![
        (x: x0, y: y0), (x: x0 + 0.1, y: y0), (x: x0 + 0.1, y: y0 + 0.1), (x: x0, y: y0 + 0.1), (x: x0, y: y0)
    ]])
}

fn sample() -> GeoPackage {
    GeoPackage {
        features: vec![FeatureTable {
            name: "ssmplan_test".into(),
            identifier: "ssmplan test".into(),
            description: "a test layer".into(),
            srs: Srs::Wgs84,
            columns: vec![
                Column {
                    name: "nis".into(),
                    kind: ColumnType::Text,
                },
                Column {
                    name: "population".into(),
                    kind: ColumnType::Integer,
                },
                Column {
                    name: "share".into(),
                    kind: ColumnType::Real,
                },
            ],
            features: vec![
                (
                    Geometry::MultiPolygon(square(4.8, 50.4)),
                    vec![
                        Value::Text("92094".into()),
                        Value::Integer(113_000),
                        Value::Real(0.25),
                    ],
                ),
                (
                    Geometry::MultiPolygon(square(5.5, 50.6)),
                    vec![
                        Value::Text("62063".into()),
                        Value::Null,
                        Value::Real(f64::NAN),
                    ],
                ),
            ],
        }],
        attributes: vec![AttributeTable {
            name: "test_summary".into(),
            identifier: "summary".into(),
            description: String::new(),
            columns: vec![
                Column {
                    name: "figure".into(),
                    kind: ColumnType::Text,
                },
                Column {
                    name: "value".into(),
                    kind: ColumnType::Text,
                },
            ],
            rows: vec![vec![Value::Text("sites".into()), Value::Text("65".into())]],
        }],
        metadata: vec![MetadataRecord {
            standard_uri: "https://example.org/provenance".into(),
            mime_type: "application/json".into(),
            metadata: "{\"tool\":\"ssmplan\"}".into(),
            references: vec![None],
        }],
    }
}

fn open(bytes: &[u8]) -> Connection {
    open_bytes(Path::new("t.gpkg"), bytes).unwrap()
}

#[test]
fn written_file_has_the_pragmas_core_tables_and_extent() {
    let bytes = write(&sample()).unwrap();
    assert!(bytes.starts_with(b"SQLite format 3\0"));
    // application_id at offset 68 and user_version at 60, big endian (`SQLite` file format).
    assert_eq!(&bytes[68..72], b"GPKG");
    assert_eq!(
        i32::from_be_bytes(bytes[60..64].try_into().unwrap()),
        10_200
    );
    let conn = open(&bytes);
    let (kind, srs, min_x, max_y, change): (String, i64, f64, f64, String) = conn
        .query_row(
            "SELECT data_type, srs_id, min_x, max_y, last_change FROM gpkg_contents WHERE table_name = 'ssmplan_test'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )
        .unwrap();
    assert_eq!((kind.as_str(), srs), ("features", 4326));
    assert!((min_x - 4.8).abs() < 1e-12 && (max_y - 50.7).abs() < 1e-12);
    assert_eq!(change, FIXED_TIMESTAMP);
    let attributes: String = conn
        .query_row(
            "SELECT data_type FROM gpkg_contents WHERE table_name = 'test_summary'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(attributes, "attributes");
    let (gtype, col): (String, String) = conn
        .query_row(
            "SELECT geometry_type_name, column_name FROM gpkg_geometry_columns",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((gtype.as_str(), col.as_str()), ("MULTIPOLYGON", "geom"));
    let (uri, reference): (String, String) = conn
        .query_row(
            "SELECT md_standard_uri, reference_scope FROM gpkg_metadata JOIN gpkg_metadata_reference ON md_file_id = id",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(
        (uri.as_str(), reference.as_str()),
        ("https://example.org/provenance", "geopackage")
    );
    let extensions: i64 = conn
        .query_row(
            "SELECT count(*) FROM gpkg_extensions WHERE extension_name = 'gpkg_metadata'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(extensions, 2);
    let integrity: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(integrity, "ok");
}

#[test]
fn writing_is_deterministic() {
    assert_eq!(write(&sample()).unwrap(), write(&sample()).unwrap());
}

#[test]
fn written_layer_reads_back() {
    let bytes = write(&sample()).unwrap();
    let layer = parse_layer(Path::new("t.gpkg"), &bytes, None, "--layer", None).unwrap();
    assert_eq!(layer.name, "ssmplan_test");
    assert_eq!(layer.crs, Crs::Wgs84);
    assert_eq!(layer.columns, vec!["nis", "population", "share"]);
    assert_eq!(layer.features.len(), 2);
    assert_eq!(layer.features[0].fid, 1);
    assert_eq!(
        layer.features[0].geometry,
        Some(Geometry::MultiPolygon(square(4.8, 50.4)))
    );
    assert_eq!(layer.features[0].values[1], Value::Integer(113_000));
    // NaN is written as NULL (as in the JSON output).
    assert_eq!(layer.features[1].values[2], Value::Null);
}

#[test]
fn names_are_sanitised_and_columns_made_unique() {
    assert_eq!(sanitise_name("budget coordinators"), "budget_coordinators");
    assert_eq!(sanitise_name("Coverage / Province"), "coverage_province");
    assert_eq!(sanitise_name("2sfca"), "t_2sfca");
    let cols = unique_columns(&[
        Column {
            name: "fid".into(),
            kind: ColumnType::Text,
        },
        Column {
            name: "a".into(),
            kind: ColumnType::Text,
        },
        Column {
            name: "A".into(),
            kind: ColumnType::Text,
        },
    ]);
    let names: Vec<&str> = cols.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, vec!["fid_2", "a", "A_2"]);
}

fn err(bytes: &[u8], layer: Option<&str>) -> String {
    parse_layer(Path::new("x.gpkg"), bytes, layer, "--layer", None)
        .unwrap_err()
        .to_string()
}

/// A `GeoPackage` changed by SQL statements.
fn altered(sql: &str) -> Vec<u8> {
    let bytes = write(&sample()).unwrap();
    let mut conn = Connection::open_in_memory().unwrap();
    let len = bytes.len();
    conn.deserialize_read_exact(MAIN_DB, bytes.as_slice(), len, false)
        .unwrap();
    conn.execute_batch("PRAGMA foreign_keys = OFF;").unwrap();
    conn.execute_batch(sql).unwrap();
    conn.serialize(MAIN_DB).unwrap().to_vec()
}

#[test]
fn not_a_database() {
    let e = err(b"nis,name\n92094,Namur\n", None);
    assert!(e.starts_with("x.gpkg: not a readable GeoPackage"), "{e}");
    let e = err(b"", None);
    assert!(e.starts_with("x.gpkg: "), "{e}");
}

#[test]
fn missing_core_table() {
    let e = err(&altered("DROP TABLE gpkg_geometry_columns;"), None);
    assert_eq!(
        e,
        "x.gpkg: not a GeoPackage: missing table `gpkg_geometry_columns`"
    );
}

#[test]
fn no_feature_layer_and_unknown_layer() {
    let bytes = altered("DELETE FROM gpkg_geometry_columns;");
    assert_eq!(
        err(&bytes, None),
        "x.gpkg: no feature layer (gpkg_contents lists no table of data_type 'features')"
    );
    // An attribute table is not a feature layer.
    assert_eq!(
        err(&write(&sample()).unwrap(), Some("test_summary")),
        "x.gpkg: no feature layer `test_summary` (feature layers: ssmplan_test)"
    );
}

#[test]
fn several_layers_need_a_choice() {
    let mut two = sample();
    let mut second = two.features[0].clone();
    second.name = "other".into();
    second.identifier = "other".into();
    two.features.push(second);
    let bytes = write(&two).unwrap();
    assert_eq!(
        err(&bytes, None),
        "x.gpkg: 2 feature layers (other, ssmplan_test); choose one with --layer NAME"
    );
    let layer = parse_layer(Path::new("x.gpkg"), &bytes, Some("other"), "--layer", None).unwrap();
    assert_eq!(layer.name, "other");
}

#[test]
fn no_geometry_column() {
    let bytes = altered(
        "CREATE TABLE t2 AS SELECT fid, nis FROM ssmplan_test; DROP TABLE ssmplan_test; ALTER TABLE t2 RENAME TO ssmplan_test;",
    );
    assert_eq!(
        err(&bytes, None),
        "x.gpkg, layer `ssmplan_test`: missing column `geom` (columns: fid, nis)"
    );
}

#[test]
fn bad_srs() {
    let unknown = altered("UPDATE gpkg_geometry_columns SET srs_id = 999;");
    assert_eq!(
        err(&unknown, None),
        "x.gpkg, layer `ssmplan_test`: spatial reference system srs_id 999: not in gpkg_spatial_ref_sys; pass --crs to state it"
    );
    let undefined = altered("UPDATE gpkg_geometry_columns SET srs_id = 0;");
    assert!(err(&undefined, None).contains("srs_id 0: undefined coordinate reference system"));
    let nonsense = altered(
        "INSERT INTO gpkg_spatial_ref_sys VALUES ('x', 77, 'ACME', 1, 'not a WKT', NULL); UPDATE gpkg_geometry_columns SET srs_id = 77;",
    );
    let e = err(&nonsense, None);
    assert!(e.contains("srs_id 77: ACME:1 is not an EPSG code"), "{e}");
    // A code that the EPSG table lacks falls back on the definition.
    let by_wkt = altered(&format!(
        "INSERT INTO gpkg_spatial_ref_sys VALUES ('l08', 100, 'EPSG', 999999, '{}', NULL); UPDATE gpkg_geometry_columns SET srs_id = 100;",
        Srs::Lambert2008.definition()
    ));
    let layer = parse_layer(Path::new("x.gpkg"), &by_wkt, None, "--layer", None).unwrap();
    assert_eq!(layer.crs, Crs::Lambert2008);
    // The override wins.
    let layer = parse_layer(
        Path::new("x.gpkg"),
        &unknown,
        None,
        "--layer",
        Some(Crs::Wgs84),
    )
    .unwrap();
    assert_eq!(layer.crs, Crs::Wgs84);
}

#[test]
fn malformed_blob_names_the_feature_and_field() {
    let bytes = altered("UPDATE ssmplan_test SET geom = x'47500001' WHERE fid = 2;");
    let e = err(&bytes, None);
    assert!(
        e.starts_with("x.gpkg, layer `ssmplan_test`, feature 2, field `geom`: malformed geometry: geometry truncated"),
        "{e}"
    );
    let text = altered("UPDATE ssmplan_test SET geom = 'POINT(1 2)' WHERE fid = 1;");
    assert_eq!(
        err(&text, None),
        "x.gpkg, layer `ssmplan_test`, feature 1, field `geom`: malformed geometry: not a blob"
    );
    let point = wkb::encode(&Geometry::Point(point!(x: 1.0, y: 2.0)), 4326);
    let mut conn = Connection::open_in_memory().unwrap();
    let bytes = write(&sample()).unwrap();
    let len = bytes.len();
    conn.deserialize_read_exact(MAIN_DB, bytes.as_slice(), len, false)
        .unwrap();
    conn.execute("UPDATE ssmplan_test SET geom = ?1 WHERE fid = 2", [point])
        .unwrap();
    let bytes = conn.serialize(MAIN_DB).unwrap().to_vec();
    let layer = parse_layer(Path::new("x.gpkg"), &bytes, None, "--layer", None).unwrap();
    assert_eq!(
        layer.features[1].geometry,
        Some(Geometry::Point(point!(x: 1.0, y: 2.0)))
    );
}

#[test]
fn geojson_geometries_convert() {
    let v = serde_json::json!({"type": "MultiPolygon", "coordinates": [[[[4.8, 50.4], [4.9, 50.4], [4.9, 50.5], [4.8, 50.5], [4.8, 50.4]]]]});
    let g = geometry_from_geojson(&v).unwrap();
    assert_eq!(
        g,
        Geometry::MultiPolygon(MultiPolygon(vec![polygon![
            (x: 4.8, y: 50.4), (x: 4.9, y: 50.4), (x: 4.9, y: 50.5), (x: 4.8, y: 50.5), (x: 4.8, y: 50.4)
        ]]))
    );
    let p = serde_json::json!({"type": "Point", "coordinates": [4.5, 50.5]});
    assert_eq!(
        geometry_from_geojson(&p),
        Some(Geometry::Point(point!(x: 4.5, y: 50.5)))
    );
    assert_eq!(
        geometry_from_geojson(&serde_json::json!({"type": "Point", "coordinates": [4.5]})),
        None
    );
    assert_eq!(
        geometry_from_geojson(&serde_json::json!({"type": "Circle"})),
        None
    );
}

/// Boundaries from a `GeoPackage`: the NIS column found by the `GeoJSON` reader's names, errors
/// naming the layer and the fid.
#[test]
fn boundary_errors_name_the_layer_and_fid() {
    let commune = |nis: Value, x0: f64| {
        (
            Geometry::MultiPolygon(square(x0, 50.4)),
            vec![nis, Value::Text("Somewhere".into())],
        )
    };
    let table = |features| GeoPackage {
        features: vec![FeatureTable {
            name: "communes".into(),
            identifier: "communes".into(),
            description: String::new(),
            srs: Srs::Wgs84,
            columns: vec![
                Column {
                    name: "NISCode".into(),
                    kind: ColumnType::Integer,
                },
                Column {
                    name: "name_fr".into(),
                    kind: ColumnType::Text,
                },
            ],
            features,
        }],
        ..GeoPackage::default()
    };
    let dir = tempfile::Builder::new()
        .prefix("ssmplan-gpkg-unit-")
        .tempdir()
        .unwrap();
    let path = dir.path().join("b.gpkg");
    let read = |features| {
        std::fs::write(&path, write(&table(features)).unwrap()).unwrap();
        crate::boundaries::read_gpkg(&path, None, None)
    };
    let layer = read(vec![
        commune(Value::Integer(92094), 4.8),
        commune(Value::Integer(92003), 5.0),
    ])
    .unwrap();
    assert_eq!(layer.communes.len(), 2);
    assert_eq!(layer.communes[1].name, "Somewhere");
    assert_eq!(layer.crs, Crs::Wgs84);
    let p = path.display();
    let e = read(vec![
        commune(Value::Integer(92094), 4.8),
        commune(Value::Null, 5.0),
    ])
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        format!(
            "{p}, layer `communes`, feature 2, field `nis`: missing NIS code (no value in a column named nis, nis_2025, NISCode, niscode, NIS, CD_REFNIS)"
        )
    );
    let e = read(vec![
        commune(Value::Integer(92094), 4.8),
        commune(Value::Integer(92094), 5.0),
    ])
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        format!(
            "{p}, layer `communes`, feature 2, field `nis`: duplicate value `92094` (first at feature 1)"
        )
    );
    let e = read(vec![commune(Value::Integer(92094), 40.0)]).unwrap_err();
    assert!(
        e.to_string().starts_with(&format!(
            "{p}, layer `communes`, feature 1 (NIS 92094): coordinates (40"
        )),
        "{e}"
    );
}
