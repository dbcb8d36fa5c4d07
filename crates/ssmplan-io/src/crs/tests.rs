//! Tests of the CRS module: reprojection against pyproj reference points
//! (`tests/fixtures/crs/make_reference.py`), `.prj` WKT and `GeoJSON` detection, identifiers.

use super::*;
use serde_json::json;

const REFERENCE_CSV: &str = include_str!("../../../../tests/fixtures/crs/reference_points.csv");

/// One row of `reference_points.csv`: the same physical point in the three CRS, per pyproj.
struct Reference {
    lon: f64,
    lat: f64,
    x3812: f64,
    y3812: f64,
    x31370: f64,
    y31370: f64,
}

fn reference_points() -> Vec<Reference> {
    let mut lines = REFERENCE_CSV.lines();
    assert_eq!(
        lines.next(),
        Some("lon,lat,x3812,y3812,x31370,y31370"),
        "header"
    );
    let points: Vec<Reference> = lines
        .map(|line| {
            let v: Vec<f64> = line
                .split(',')
                .map(|field| field.parse().expect("a number"))
                .collect();
            assert_eq!(v.len(), 6, "{line}");
            Reference {
                lon: v[0],
                lat: v[1],
                x3812: v[2],
                y3812: v[3],
                x31370: v[4],
                y31370: v[5],
            }
        })
        .collect();
    assert!(points.len() >= 40, "{} reference points", points.len());
    points
}

/// Largest distance between `(x, y)` pairs, and the row where it occurs.
fn max_error(pairs: impl Iterator<Item = ((f64, f64), (f64, f64))>) -> (f64, usize) {
    pairs
        .map(|((x, y), (ex, ey))| (x - ex).hypot(y - ey))
        .enumerate()
        .fold((0.0, 0), |(worst, at), (i, e)| {
            assert!(e.is_finite(), "non-finite error at row {i}");
            if e > worst { (e, i) } else { (worst, at) }
        })
}

#[test]
fn wgs84_to_lambert2008_matches_pyproj_within_1_cm() {
    let points = reference_points();
    let (worst, at) = max_error(
        points
            .iter()
            .map(|p| (to_lambert2008(Crs::Wgs84, p.lon, p.lat), (p.x3812, p.y3812))),
    );
    println!("WGS 84 -> EPSG:3812: max error {worst:.3e} m (row {at})");
    assert!(worst < 0.01, "{worst} m at row {at}");
    // In fact the projection formulas agree with PROJ to the micrometre.
    assert!(worst < 1e-5, "{worst} m at row {at}");
}

#[test]
fn lambert72_to_lambert2008_matches_pyproj_within_1_cm() {
    let points = reference_points();
    let (worst, at) = max_error(points.iter().map(|p| {
        (
            to_lambert2008(Crs::Lambert72, p.x31370, p.y31370),
            (p.x3812, p.y3812),
        )
    }));
    println!("EPSG:31370 -> EPSG:3812: max error {worst:.3e} m (row {at})");
    assert!(worst < 0.01, "{worst} m at row {at}");
    // The 31370 column was made with PROJ's inverse Helmert, which transposes the small-angle
    // rotation matrix instead of inverting it: its own round trip closes to ~0.4 mm only.
    // Against pyproj's forward pipeline the agreement is ~1e-7 m.
    assert!(worst < 1e-3, "{worst} m at row {at}");
}

#[test]
fn lambert2008_to_wgs84_matches_pyproj() {
    let points = reference_points();
    let (worst, at) = max_error(
        points
            .iter()
            .map(|p| (lambert2008_to_wgs84(p.x3812, p.y3812), (p.lon, p.lat))),
    );
    println!("EPSG:3812 -> WGS 84: max error {worst:.3e} degree (row {at})");
    assert!(worst < 1e-8, "{worst} degree at row {at}");
}

#[test]
fn round_trips() {
    let mut worst_deg: f64 = 0.0;
    let mut worst_m: f64 = 0.0;
    for p in reference_points() {
        let (x, y) = to_lambert2008(Crs::Wgs84, p.lon, p.lat);
        let (lon, lat) = lambert2008_to_wgs84(x, y);
        worst_deg = worst_deg.max((lon - p.lon).abs()).max((lat - p.lat).abs());
        let (lon, lat) = lambert2008_to_wgs84(p.x3812, p.y3812);
        let (x, y) = to_lambert2008(Crs::Wgs84, lon, lat);
        worst_m = worst_m.max((x - p.x3812).hypot(y - p.y3812));
    }
    println!("round trips: {worst_deg:.3e} degree, {worst_m:.3e} m");
    assert!(worst_deg < 1e-9, "{worst_deg} degree");
    assert!(worst_m < 1e-6, "{worst_m} m");
}

#[test]
fn false_origin_and_identity() {
    let lon0 = 4.0 + 21.0 / 60.0 + 33.177 / 3600.0;
    let (x, y) = to_lambert2008(Crs::Wgs84, lon0, 50.797_815);
    assert!(
        (x - 649_328.0).abs() < 1e-6 && (y - 665_262.0).abs() < 1e-6,
        "{x} {y}"
    );
    let (lon, lat) = lambert2008_to_wgs84(649_328.0, 665_262.0);
    assert!(
        (lon - lon0).abs() < 1e-12 && (lat - 50.797_815).abs() < 1e-12,
        "{lon} {lat}"
    );
    assert_eq!(
        to_lambert2008(Crs::Lambert2008, 123.5, -7.25),
        (123.5, -7.25)
    );
}

#[test]
fn project_coord_is_to_lambert2008() {
    for p in reference_points().iter().take(5) {
        for (crs, x, y) in [
            (Crs::Wgs84, p.lon, p.lat),
            (Crs::Lambert72, p.x31370, p.y31370),
            (Crs::Lambert2008, p.x3812, p.y3812),
        ] {
            let c = project_coord(crs, geo::Coord { x, y });
            assert_eq!((c.x, c.y), to_lambert2008(crs, x, y));
        }
    }
}

#[test]
fn non_finite_input_gives_non_finite_output() {
    for crs in Crs::ALL {
        let (x, y) = to_lambert2008(crs, f64::NAN, 50.0);
        assert!(x.is_nan() || y.is_nan(), "{crs}");
    }
    let (lon, lat) = lambert2008_to_wgs84(f64::INFINITY, 665_262.0);
    assert!(lon.is_nan() && lat.is_nan());
    let (lon, lat) = lambert2008_to_wgs84(649_328.0, f64::NAN);
    assert!(lon.is_nan() && lat.is_nan());
    // The poles and far-away longitudes do not panic either.
    let _ = to_lambert2008(Crs::Wgs84, 4.0, 90.0);
    let _ = to_lambert2008(Crs::Wgs84, 4.0, -90.0);
    let _ = to_lambert2008(Crs::Wgs84, 724.0, 50.0);
}

#[test]
fn longitudes_are_wrapped() {
    let (x, y) = to_lambert2008(Crs::Wgs84, 4.5 + 360.0, 50.5);
    let (ex, ey) = to_lambert2008(Crs::Wgs84, 4.5, 50.5);
    assert!((x - ex).abs() < 1e-6 && (y - ey).abs() < 1e-6);
}

// ---- identifiers ----

#[test]
fn parses_identifiers_case_insensitively() {
    let cases: &[(&str, Crs)] = &[
        ("EPSG:3812", Crs::Lambert2008),
        ("epsg:3812", Crs::Lambert2008),
        ("3812", Crs::Lambert2008),
        ("lambert2008", Crs::Lambert2008),
        ("Lambert2008", Crs::Lambert2008),
        ("Belgian Lambert 2008", Crs::Lambert2008),
        ("ETRS89 / Belgian Lambert 2008", Crs::Lambert2008),
        ("urn:ogc:def:crs:EPSG::3812", Crs::Lambert2008),
        (
            "http://www.opengis.net/def/crs/EPSG/0/3812",
            Crs::Lambert2008,
        ),
        ("EPSG:31370", Crs::Lambert72),
        ("31370", Crs::Lambert72),
        ("LAMBERT72", Crs::Lambert72),
        ("lambert 72", Crs::Lambert72),
        ("BD72 / Belgian Lambert 72", Crs::Lambert72),
        ("urn:ogc:def:crs:epsg::31370", Crs::Lambert72),
        ("4326", Crs::Wgs84),
        ("EPSG:4326", Crs::Wgs84),
        ("wgs84", Crs::Wgs84),
        ("WGS 84", Crs::Wgs84),
        ("crs84", Crs::Wgs84),
        ("OGC:CRS84", Crs::Wgs84),
        ("urn:ogc:def:crs:OGC:1.3:CRS84", Crs::Wgs84),
        ("urn:ogc:def:crs:OGC::CRS84", Crs::Wgs84),
        ("  EPSG:3812\n", Crs::Lambert2008),
    ];
    for &(text, expected) in cases {
        assert_eq!(text.parse::<Crs>(), Ok(expected), "{text:?}");
        assert_eq!(Crs::try_from(text), Ok(expected), "{text:?}");
    }
}

#[test]
fn the_urn_with_a_version_is_parsed_but_a_malformed_one_is_not() {
    // authority:version:code, nothing more or less.
    assert!("urn:ogc:def:crs:EPSG:9.8:3812".parse::<Crs>().is_ok());
    assert!("urn:ogc:def:crs:EPSG".parse::<Crs>().is_err());
    assert!("urn:ogc:def:crs:EPSG::3812:extra".parse::<Crs>().is_err());
    assert!("urn:ogc:def:crs:EPSG:6.18:3:31370".parse::<Crs>().is_err());
}

#[test]
fn rejects_unknown_identifiers_with_the_text() {
    for text in [
        "",
        "EPSG:2154",
        "32631",
        "31300",
        "lambert93",
        "ESRI:3812",
        "urn:ogc:def:crs:EPSG::4258",
        "OGC:CRS27",
    ] {
        let err = text.parse::<Crs>().expect_err(text);
        assert_eq!(
            err,
            CrsError::Unsupported {
                found: text.to_owned()
            }
        );
        assert!(err.to_string().contains(&format!("`{text}`")), "{err}");
    }
}

#[test]
fn display_epsg_and_names() {
    for crs in Crs::ALL {
        assert_eq!(crs.to_string().parse::<Crs>(), Ok(crs));
        assert_eq!(Crs::from_epsg(crs.epsg()), Some(crs));
        assert_eq!(crs.name().parse::<Crs>(), Ok(crs));
    }
    assert_eq!(Crs::Lambert2008.to_string(), "EPSG:3812");
    assert_eq!(Crs::Lambert72.epsg(), 31370);
    assert_eq!(Crs::Wgs84.name(), "WGS 84");
    assert!(Crs::Wgs84.is_geographic() && !Crs::Lambert72.is_geographic());
    assert_eq!(Crs::from_epsg(31300), None);
}

// ---- GeoJSON ----

#[test]
fn geojson_without_crs_is_wgs84() {
    let doc = json!({"type": "FeatureCollection", "features": []});
    assert_eq!(detect_geojson(&doc), Ok(Crs::Wgs84));
    let doc = json!({"type": "FeatureCollection", "crs": null, "features": []});
    assert_eq!(detect_geojson(&doc), Ok(Crs::Wgs84));
}

#[test]
fn geojson_named_crs() {
    let cases = [
        ("urn:ogc:def:crs:OGC:1.3:CRS84", Crs::Wgs84),
        ("EPSG:4326", Crs::Wgs84),
        ("urn:ogc:def:crs:EPSG::4326", Crs::Wgs84),
        ("urn:ogc:def:crs:EPSG::3812", Crs::Lambert2008),
        ("EPSG:3812", Crs::Lambert2008),
        ("EPSG:31370", Crs::Lambert72),
        ("urn:ogc:def:crs:EPSG::31370", Crs::Lambert72),
    ];
    for (name, expected) in cases {
        let doc = json!({
            "type": "FeatureCollection",
            "crs": {"type": "name", "properties": {"name": name}},
            "features": []
        });
        assert_eq!(detect_geojson(&doc), Ok(expected), "{name}");
    }
    let doc = json!({"crs": {"type": "EPSG", "properties": {"code": 31370}}});
    assert_eq!(detect_geojson(&doc), Ok(Crs::Lambert72));
    let doc = json!({"crs": {"type": "epsg", "properties": {"code": "3812"}}});
    assert_eq!(detect_geojson(&doc), Ok(Crs::Lambert2008));
}

#[test]
fn geojson_unknown_crs_is_an_error_naming_it() {
    let doc = json!({
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::2154"}},
        "features": []
    });
    let err = detect_geojson(&doc).expect_err("Lambert 93 is not supported");
    assert_eq!(
        err,
        CrsError::Unsupported {
            found: "urn:ogc:def:crs:EPSG::2154".to_owned()
        }
    );
    assert!(
        err.to_string().contains("urn:ogc:def:crs:EPSG::2154"),
        "{err}"
    );

    let doc = json!({"crs": {"type": "EPSG", "properties": {"code": 32631}}});
    assert_eq!(
        detect_geojson(&doc),
        Err(CrsError::Unsupported {
            found: "EPSG:32631".to_owned()
        })
    );
}

#[test]
fn geojson_malformed_crs_member_is_an_error_showing_it() {
    for member in [
        json!({"type": "link", "properties": {"href": "http://example.com/crs/42"}}),
        json!({"type": "name", "properties": {"name": 3812}}),
        json!({"type": "name"}),
        json!("EPSG:3812"),
        json!({"type": "EPSG", "properties": {"code": [3812]}}),
    ] {
        let doc = json!({"type": "FeatureCollection", "crs": member.clone()});
        let err = detect_geojson(&doc).expect_err("malformed");
        assert_eq!(
            err,
            CrsError::MalformedGeoJsonCrs {
                found: member.to_string()
            }
        );
    }
    let long = json!({"type": "link", "properties": {"href": "x".repeat(1000)}});
    let Err(CrsError::MalformedGeoJsonCrs { found }) = detect_geojson(&json!({"crs": long})) else {
        panic!("expected MalformedGeoJsonCrs");
    };
    assert!(found.len() < 220 && found.ends_with("..."), "{found}");
}

// ---- .prj WKT ----

/// The WKT fixtures written by `make_reference.py` and what they must give.
const PRJ_FIXTURES: &[(&str, &str, Option<Crs>)] = &[
    (
        "3812 ESRI",
        include_str!("../../../../tests/fixtures/crs/wkt/3812_wkt1_esri.prj"),
        Some(Crs::Lambert2008),
    ),
    (
        "3812 GDAL",
        include_str!("../../../../tests/fixtures/crs/wkt/3812_wkt1_gdal.prj"),
        Some(Crs::Lambert2008),
    ),
    (
        "3812 WKT2",
        include_str!("../../../../tests/fixtures/crs/wkt/3812_wkt2_2019.prj"),
        Some(Crs::Lambert2008),
    ),
    (
        "3812 proj GDAL",
        include_str!("../../../../tests/fixtures/crs/wkt/3812_proj4_wkt1_gdal.prj"),
        Some(Crs::Lambert2008),
    ),
    (
        "3812 proj WKT2",
        include_str!("../../../../tests/fixtures/crs/wkt/3812_proj4_wkt2_2019.prj"),
        Some(Crs::Lambert2008),
    ),
    (
        "31370 ESRI",
        include_str!("../../../../tests/fixtures/crs/wkt/31370_wkt1_esri.prj"),
        Some(Crs::Lambert72),
    ),
    (
        "31370 GDAL",
        include_str!("../../../../tests/fixtures/crs/wkt/31370_wkt1_gdal.prj"),
        Some(Crs::Lambert72),
    ),
    (
        "31370 WKT2",
        include_str!("../../../../tests/fixtures/crs/wkt/31370_wkt2_2019.prj"),
        Some(Crs::Lambert72),
    ),
    (
        "31370 proj GDAL",
        include_str!("../../../../tests/fixtures/crs/wkt/31370_proj4_wkt1_gdal.prj"),
        Some(Crs::Lambert72),
    ),
    (
        "31370 proj BOUNDCRS",
        include_str!("../../../../tests/fixtures/crs/wkt/31370_proj4_wkt2_2019.prj"),
        Some(Crs::Lambert72),
    ),
    (
        "4326 ESRI",
        include_str!("../../../../tests/fixtures/crs/wkt/4326_wkt1_esri.prj"),
        Some(Crs::Wgs84),
    ),
    (
        "4326 GDAL",
        include_str!("../../../../tests/fixtures/crs/wkt/4326_wkt1_gdal.prj"),
        Some(Crs::Wgs84),
    ),
    (
        "4326 WKT2",
        include_str!("../../../../tests/fixtures/crs/wkt/4326_wkt2_2019.prj"),
        Some(Crs::Wgs84),
    ),
    (
        "32631 ESRI",
        include_str!("../../../../tests/fixtures/crs/wkt/32631_wkt1_esri.prj"),
        None,
    ),
    (
        "32631 GDAL",
        include_str!("../../../../tests/fixtures/crs/wkt/32631_wkt1_gdal.prj"),
        None,
    ),
    (
        "32631 WKT2",
        include_str!("../../../../tests/fixtures/crs/wkt/32631_wkt2_2019.prj"),
        None,
    ),
    (
        "31300 ESRI",
        include_str!("../../../../tests/fixtures/crs/wkt/31300_wkt1_esri.prj"),
        None,
    ),
    (
        "31300 GDAL",
        include_str!("../../../../tests/fixtures/crs/wkt/31300_wkt1_gdal.prj"),
        None,
    ),
    (
        "31300 WKT2",
        include_str!("../../../../tests/fixtures/crs/wkt/31300_wkt2_2019.prj"),
        None,
    ),
    (
        "4258 ESRI",
        include_str!("../../../../tests/fixtures/crs/wkt/4258_wkt1_esri.prj"),
        None,
    ),
    (
        "4258 GDAL",
        include_str!("../../../../tests/fixtures/crs/wkt/4258_wkt1_gdal.prj"),
        None,
    ),
    (
        "4258 WKT2",
        include_str!("../../../../tests/fixtures/crs/wkt/4258_wkt2_2019.prj"),
        None,
    ),
];

/// The `.prj` of our EPSG:3812 data, as quoted in the task.
const OUR_PRJ: &str = r#"PROJCS["Belge_Lambert_2008",GEOGCS["GCS_ETRS_1989",DATUM["D_ETRS_1989",SPHEROID["GRS_1980",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Lambert_Conformal_Conic"],PARAMETER["False_Easting",649328.0],PARAMETER["False_Northing",665262.0],PARAMETER["Central_Meridian",4.35921583333333],PARAMETER["Standard_Parallel_1",49.8333333333333],PARAMETER["Standard_Parallel_2",51.1666666666667],PARAMETER["Latitude_Of_Origin",50.797815],UNIT["Meter",1.0]]"#;

/// The ESRI `.prj` of EPSG:31370.
const ESRI_31370: &str = r#"PROJCS["Belge_Lambert_1972",GEOGCS["GCS_Belge_1972",DATUM["D_Belge_1972",SPHEROID["International_1924",6378388.0,297.0]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Lambert_Conformal_Conic"],PARAMETER["False_Easting",150000.013],PARAMETER["False_Northing",5400088.438],PARAMETER["Central_Meridian",4.36748666666667],PARAMETER["Standard_Parallel_1",51.1666672333333],PARAMETER["Standard_Parallel_2",49.8333339],PARAMETER["Latitude_Of_Origin",90.0],UNIT["Meter",1.0]]"#;

#[test]
fn detects_the_pyproj_wkt_forms() {
    for &(label, wkt, expected) in PRJ_FIXTURES {
        assert_eq!(detect_prj(wkt), expected, "{label}");
    }
}

#[test]
fn detects_our_prj() {
    assert_eq!(detect_prj(OUR_PRJ), Some(Crs::Lambert2008));
    assert_eq!(detect_prj(ESRI_31370), Some(Crs::Lambert72));
}

#[test]
fn tolerates_bom_blanks_case_and_parentheses() {
    let variants = [
        format!("\u{feff}{OUR_PRJ}\r\n"),
        format!("  {OUR_PRJ}\n\n"),
        OUR_PRJ.replace('[', "(").replace(']', ")"),
        OUR_PRJ.replace(',', " , "),
        OUR_PRJ
            .replace("PROJCS", "projcs")
            .replace("PARAMETER", "Parameter"),
    ];
    for wkt in &variants {
        assert_eq!(detect_prj(wkt), Some(Crs::Lambert2008), "{wkt}");
    }
}

#[test]
fn recognises_parameters_whatever_the_names() {
    let renamed = OUR_PRJ
        .replace("Belge_Lambert_2008", "Communes_Wallonie")
        .replace("GCS_ETRS_1989", "GCS_unknown")
        .replace("D_ETRS_1989", "D_unknown")
        .replace(
            "\"Lambert_Conformal_Conic\"",
            "\"Lambert_Conformal_Conic_2SP\"",
        );
    assert_eq!(detect_prj(&renamed), Some(Crs::Lambert2008));
    // Parallels in the other order, rounded values (within tolerance), an ESRI scale factor 1.
    let varied = ESRI_31370
        .replace("Belge_Lambert_1972", "Lambert_72_SPW")
        .replace("51.1666672333333", "49.83333390")
        .replace(
            "PARAMETER[\"Standard_Parallel_2\",49.8333339]",
            "PARAMETER[\"Standard_Parallel_2\",51.16666723],PARAMETER[\"Scale_Factor\",1.0]",
        )
        .replace("4.36748666666667", "4.3674867");
    assert_eq!(detect_prj(&varied), Some(Crs::Lambert72), "{varied}");
    // WGS 84 ellipsoid instead of GRS 1980 for Lambert 2008 (0.1 mm apart).
    let wgs84_ellipsoid = OUR_PRJ.replace("298.257222101", "298.257223563");
    assert_eq!(detect_prj(&wgs84_ellipsoid), Some(Crs::Lambert2008));
}

#[test]
fn parameters_overrule_names() {
    // A Lambert 2008 name on Lambert 72 parameters is Lambert 72: the coordinates follow the
    // parameters.
    let misnamed = ESRI_31370.replace("Belge_Lambert_1972", "Belge_Lambert_2008");
    assert_eq!(detect_prj(&misnamed), Some(Crs::Lambert72));
    // A Lambert 72 name on other parameters is nothing we know.
    let wrong = ESRI_31370.replace("150000.013", "150000.0");
    assert_eq!(detect_prj(&wrong), None);
    let wrong_lon = ESRI_31370.replace("4.36748666666667", "4.35693972222222");
    assert_eq!(detect_prj(&wrong_lon), None);
    let wrong_ellipsoid = OUR_PRJ.replace("6378137.0,298.257222101", "6378388.0,297.0");
    assert_eq!(detect_prj(&wrong_ellipsoid), None);
    let other_method = OUR_PRJ.replace("Lambert_Conformal_Conic", "Transverse_Mercator");
    assert_eq!(detect_prj(&other_method), None);
}

#[test]
fn names_decide_when_parameters_are_missing() {
    let bare_2008 = r#"PROJCS["ETRS89 / Belgian Lambert 2008",GEOGCS["ETRS89",DATUM["ETRS89",SPHEROID["GRS 1980",6378137,298.257222101]],PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433]],UNIT["metre",1]]"#;
    assert_eq!(detect_prj(bare_2008), Some(Crs::Lambert2008));
    let bare_72 = r#"PROJCS["Belge_Lambert_1972",GEOGCS["GCS_Belge_1972",DATUM["D_Belge_1972",SPHEROID["International_1924",6378388.0,297.0]]],PROJECTION["Lambert_Conformal_Conic"],PARAMETER["False_Easting",150000.013]]"#;
    assert_eq!(detect_prj(bare_72), Some(Crs::Lambert72));
    // ... but not against a present parameter or ellipsoid.
    let contradicted = bare_2008.replace("6378137,298.257222101", "6378388,297");
    assert_eq!(detect_prj(&contradicted), None);
    let contradicted = bare_72.replace("150000.013", "649328.0");
    assert_eq!(detect_prj(&contradicted), None);
    let nameless = bare_2008.replace("ETRS89 / Belgian Lambert 2008", "unknown");
    assert_eq!(detect_prj(&nameless), None);
}

#[test]
fn epsg_authority_is_decisive() {
    let gdal_3812 = PRJ_FIXTURES[1].1;
    assert!(gdal_3812.contains(r#"AUTHORITY["EPSG","3812"]]"#));
    let as_31370 = gdal_3812.replace(
        r#"AUTHORITY["EPSG","3812"]]"#,
        r#"AUTHORITY["EPSG","31370"]]"#,
    );
    assert_eq!(detect_prj(&as_31370), Some(Crs::Lambert72));
    let as_other = gdal_3812.replace(
        r#"AUTHORITY["EPSG","3812"]]"#,
        r#"AUTHORITY["EPSG","2154"]]"#,
    );
    assert_eq!(detect_prj(&as_other), None);
    // The code of a nested element (here the base GEOGCS, EPSG:4258) does not decide.
    let without_own = gdal_3812.replace(r#",AUTHORITY["EPSG","3812"]]"#, "]");
    assert_eq!(detect_prj(&without_own), Some(Crs::Lambert2008));
    // A geographic CRS that calls itself 3812 is not Lambert 2008.
    let odd = PRJ_FIXTURES[11].1.replace(
        r#"AUTHORITY["EPSG","4326"]]"#,
        r#"AUTHORITY["EPSG","3812"]]"#,
    );
    assert_eq!(detect_prj(&odd), None);
    let ogc = r#"GEOGCRS["WGS 84 (CRS84)",DATUM["World Geodetic System 1984",ELLIPSOID["WGS 84",6378137,298.257223563]],CS[ellipsoidal,2],AXIS["lon",east],AXIS["lat",north],ANGLEUNIT["degree",0.0174532925199433],ID["OGC","CRS84"]]"#;
    assert_eq!(detect_prj(ogc), Some(Crs::Wgs84));
}

#[test]
fn geographic_wgs84_variants() {
    let esri = PRJ_FIXTURES[10].1;
    let no_ellipsoid = r#"GEOGCS["WGS 84",DATUM["WGS_1984"],PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433]]"#;
    assert_eq!(detect_prj(no_ellipsoid), Some(Crs::Wgs84));
    let unknown_datum = esri.replace("D_WGS_1984", "D_Unknown");
    assert_eq!(detect_prj(&unknown_datum), Some(Crs::Wgs84));
    // Grads, a Paris meridian or a GRS 1980 ellipsoid (ETRS89) are not WGS 84 degrees.
    let grads = esri.replace(
        r#"UNIT["Degree",0.0174532925199433]"#,
        r#"UNIT["Grad",0.015707963267949]"#,
    );
    assert_eq!(detect_prj(&grads), None);
    let paris = esri.replace(
        r#"PRIMEM["Greenwich",0.0]"#,
        r#"PRIMEM["Paris",2.33722917]"#,
    );
    assert_eq!(detect_prj(&paris), None);
    let grs80 = esri.replace("298.257223563", "298.257222101");
    assert_eq!(detect_prj(&grs80), None);
    let geocentric = r#"GEODCRS["WGS 84",DATUM["World Geodetic System 1984",ELLIPSOID["WGS 84",6378137,298.257223563]],CS[Cartesian,3],AXIS["(X)",geocentricX],AXIS["(Y)",geocentricY],AXIS["(Z)",geocentricZ],LENGTHUNIT["metre",1]]"#;
    assert_eq!(detect_prj(geocentric), None);
}

#[test]
fn rejects_other_units() {
    let feet = OUR_PRJ.replace(
        r#"UNIT["Meter",1.0]]"#,
        r#"UNIT["Foot_US",0.304800609601219]]"#,
    );
    assert_eq!(detect_prj(&feet), None);
    let wkt2 = PRJ_FIXTURES[4].1;
    assert!(wkt2.contains(r#"LENGTHUNIT["metre",1,"#));
    let wkt2_km = wkt2.replace(
        r#"AXIS["(E)",east,
            ORDER[1],
            LENGTHUNIT["metre",1,"#,
        r#"AXIS["(E)",east,
            ORDER[1],
            LENGTHUNIT["kilometre",1000,"#,
    );
    assert_ne!(wkt2, wkt2_km);
    assert_eq!(detect_prj(&wkt2_km), None);
}

#[test]
fn compound_crs_is_judged_by_its_horizontal_part() {
    let compound = format!(
        r#"COMPD_CS["Lambert 2008 + TAW",{OUR_PRJ},VERT_CS["Ostend height",VERT_DATUM["Ostend",2005],UNIT["metre",1]]]"#
    );
    assert_eq!(detect_prj(&compound), Some(Crs::Lambert2008));
}

#[test]
fn garbage_gives_none_without_panicking() {
    let deep = "A[".repeat(10_000);
    let cases = [
        "",
        "   ",
        "not a wkt",
        "PROJCS[",
        r#"PROJCS["unterminated"#,
        "PROJCS[]",
        r#"PROJCS["x",PARAMETER["False_Easting",1e400e]]"#,
        "[[[[",
        deep.as_str(),
        r#"LOCAL_CS["Lambert 2008"]"#,
        &OUR_PRJ[..OUR_PRJ.len() - 1],
    ];
    for wkt in cases {
        assert_eq!(detect_prj(wkt), None, "{wkt:.60}");
    }
    // An unknown extra parameter is refused rather than guessed at.
    let extra = OUR_PRJ.replace(
        r#"UNIT["Meter",1.0]]"#,
        r#"PARAMETER["Azimuth",30.0],UNIT["Meter",1.0]]"#,
    );
    assert_eq!(detect_prj(&extra), None);
}

#[test]
fn quoted_strings_may_contain_brackets_and_doubled_quotes() {
    let odd_name = OUR_PRJ.replace("Belge_Lambert_2008", r#"Communes [2025] ""SPW"", (v1)"#);
    assert_eq!(detect_prj(&odd_name), Some(Crs::Lambert2008));
}
