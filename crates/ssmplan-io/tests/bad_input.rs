//! Every loader on small fixtures: good input parses, bad input is an error naming the file, the
//! line (or feature) and the field, and nothing panics.

use std::path::Path;

use ssmplan_core::{CommuneLocator, Nis, TypologyGroup};
use ssmplan_io::boundaries::{BoundaryError, parse_geojson};
use ssmplan_io::crosswalk::{Crosswalk, NisResolver, parse_crosswalk};
use ssmplan_io::crs::Crs;
use ssmplan_io::points::parse_points;
use ssmplan_io::population::parse_population;
use ssmplan_io::sites::parse_sites;
use ssmplan_io::typology::parse_typology;

/// Two adjacent square communes near Namur (WGS84), 92094 west of 92142.
const LAYER: &str = r#"{"type":"FeatureCollection","features":[
 {"type":"Feature","properties":{"nis":"92094","name_fr":"Namur","province":"Namur"},
  "geometry":{"type":"Polygon","coordinates":[[[4.80,50.40],[4.90,50.40],[4.90,50.50],[4.80,50.50],[4.80,50.40]]]}},
 {"type":"Feature","properties":{"nis":"92142","name_fr":"Gembloux","province":"Namur"},
  "geometry":{"type":"Polygon","coordinates":[[[4.90,50.40],[5.00,50.40],[5.00,50.50],[4.90,50.50],[4.90,50.40]]]}},
 {"type":"Feature","properties":{"nis":"21004","name_fr":"Bruxelles"},
  "geometry":{"type":"Polygon","coordinates":[[[4.30,50.80],[4.40,50.80],[4.40,50.90],[4.30,50.80]]]}}
]}"#;

fn path(name: &str) -> &Path {
    Path::new(name)
}

fn layer() -> ssmplan_io::boundaries::BoundaryLayer {
    parse_geojson(path("layer.geojson"), LAYER.as_bytes(), None).expect("fixture layer")
}

fn crosswalk() -> Crosswalk {
    parse_crosswalk(
        path("cw.csv"),
        b"nis_2019_2024,nis_2025\n92094,92094\n92999,92142\n",
    )
    .expect("crosswalk")
}

fn message(e: impl std::fmt::Display) -> String {
    e.to_string()
}

#[test]
fn geojson_layer_keeps_walloon_communes_in_lambert_2008() {
    let l = layer();
    assert_eq!(l.communes.len(), 2);
    assert_eq!(l.skipped_outside_wallonia, 1);
    assert_eq!(l.crs, Crs::Wgs84);
    // 0.1 degree x 0.1 degree at 50.45 N is about 7.1 km x 11.1 km.
    let area = l.communes[0].area_km2();
    assert!((area - 79.0).abs() < 1.5, "{area}");
    assert_eq!(l.communes[0].arrondissement_nis.as_str(), "92000");
}

#[test]
fn geojson_errors_name_file_feature_and_field() {
    let cases: [(&str, String, &str); 7] = [
        ("not json", "{".into(), "layer.geojson: not valid GeoJSON"),
        ("not a collection", r#"{"type":"Point","coordinates":[4.8,50.4]}"#.into(), "expected a FeatureCollection"),
        ("unknown crs", LAYER.replacen('{', r#"{"crs":{"type":"name","properties":{"name":"EPSG:999999"}},"#, 1), "unknown or unsupported coordinate reference system"),
        ("missing nis", LAYER.replacen(r#""nis":"92094","#, "", 1), "feature 0, field `nis`"),
        ("bad nis", LAYER.replacen("92094", "9209", 1), "feature 0, field `nis`"),
        ("duplicate", LAYER.replacen("92142", "92094", 1), "duplicate NIS code 92094"),
        ("point", LAYER.replacen(r#"{"type":"Polygon","coordinates":[[[4.80,50.40],[4.90,50.40],[4.90,50.50],[4.80,50.50],[4.80,50.40]]]}"#, r#"{"type":"Point","coordinates":[4.8,50.4]}"#, 1), "expected Polygon or MultiPolygon, found Point"),
    ];
    for (name, text, expected) in cases {
        let err = parse_geojson(path("layer.geojson"), text.as_bytes(), None).expect_err(name);
        let m = message(&err);
        assert!(
            m.contains("layer.geojson") && m.contains(expected),
            "{name}: {m}"
        );
    }
    let empty = parse_geojson(
        path("layer.geojson"),
        br#"{"type":"FeatureCollection","features":[]}"#,
        None,
    )
    .expect_err("empty");
    assert!(matches!(empty, BoundaryError::Empty { .. }));
    // Lambert 2008 metres declared as WGS84: out of range.
    let wrong = parse_geojson(
        path("layer.geojson"),
        LAYER.as_bytes(),
        Some(Crs::Lambert2008),
    )
    .expect_err("wrong crs");
    assert!(message(wrong).contains("not in Belgium for EPSG:3812"));
}

#[test]
fn population_good_and_bad() {
    let l = layer();
    let cw = crosswalk();
    let resolver = NisResolver::new(&l.communes, &cw);
    let good = parse_population(
        path("pop.csv"),
        b"nis,pop_total,year\n92094,100,2025\n92999,7,2025\n",
        &resolver,
        2,
    )
    .expect("good");
    assert_eq!(good.by_commune, vec![Some(100), Some(7)]);
    assert_eq!(good.mapped.len(), 1);
    assert_eq!(good.years, vec![2025]);
    let cases: [(&[u8], &str); 8] = [
        (b"", "empty table"),
        (b"nis,pop_total\n", "empty table (no data row)"),
        (
            b"nis,people\n92094,1\n",
            "missing column `pop_total|population|pop`",
        ),
        (b"nis,pop_total\n92094,-1\n", "line 2, field `pop_total`"),
        (b"nis,pop_total\n92094,1.5\n", "line 2, field `pop_total`"),
        (
            b"nis,pop_total\n92094,1\n92094,2\n",
            "line 3, field `nis`: duplicate value `92094` (first on line 2)",
        ),
        (
            b"nis,pop_total\n92094,1\n11001,2\n",
            "line 3, field `nis`: unknown NIS code `11001`",
        ),
        (b"nis,pop_total\n92094,1,9\n", "line 2: malformed row"),
    ];
    for (bytes, expected) in cases {
        let m =
            message(parse_population(path("pop.csv"), bytes, &resolver, 2).expect_err(expected));
        assert!(
            m.starts_with("pop.csv") && m.contains(expected),
            "{expected}: {m}"
        );
    }
}

#[test]
fn typology_good_and_bad() {
    let l = layer();
    let cw = crosswalk();
    let resolver = NisResolver::new(&l.communes, &cw);
    let good = parse_typology(
        path("t.csv"),
        "nis,group\n92094,risque élevé\n92142,Favorables\n".as_bytes(),
        &resolver,
        2,
    )
    .expect("good");
    assert_eq!(
        good.by_commune,
        vec![
            Some(TypologyGroup::HighRisk),
            Some(TypologyGroup::Favourable)
        ]
    );
    for (bytes, expected) in [
        (&b"nis,group\n92094,moyen\n"[..], "line 2, field `group`"),
        (b"nis,group\n12345,favorables\n", "unknown NIS code `12345`"),
        (
            b"nis,group\n92094,favorables\n92094,vulnerables\n",
            "duplicate value `92094`",
        ),
        (
            b"nis,class\n92094,favorables\n",
            "missing column `group|groupe|typology|typologie`",
        ),
    ] {
        let m = message(parse_typology(path("t.csv"), bytes, &resolver, 2).expect_err(expected));
        assert!(m.contains(expected), "{expected}: {m}");
    }
}

#[test]
fn sites_good_and_bad() {
    let l = layer();
    let cw = crosswalk();
    let resolver = NisResolver::new(&l.communes, &cw);
    let locator = CommuneLocator::new(&l.communes);
    let nis: Vec<Nis> = l.communes.iter().map(|c| c.nis).collect();
    let header = "ssm_id,site_kind,lat,lon,nis,etp\n";
    let good = format!(
        "{header}A,siege,50.45,4.85,92094,4\nA,antenne,50.45,4.95,92094,\nB,siège,50.45,4.95,92999,\n"
    );
    let t = parse_sites(path("s.csv"), good.as_bytes(), &locator, &resolver, &nis).expect("good");
    assert_eq!(t.sites.len(), 3);
    assert_eq!(t.sites[0].id.0, "A#1");
    assert_eq!(t.sites[1].id.0, "A#2");
    assert_eq!(t.sites[1].commune, Some(1));
    // Row 3 says 92094 but lies in 92142; row 4's old code is mapped.
    assert_eq!(t.nis_mismatches.len(), 1);
    assert_eq!(t.nis_mismatches[0].line, 3);
    assert_eq!(t.mapped.len(), 1);
    for (row, expected) in [
        ("A,branch office,50.45,4.85,,", "line 2, field `site_kind`"),
        ("A,siege,48.85,2.35,,", "outside every commune"),
        ("A,siege,95,4.85,,", "field `lat`"),
        ("A,siege,50.45,,,", "field `lon`"),
        ("A,siege,50.45,4.85,99999,", "unknown NIS code `99999`"),
        ("A,siege,50.45,4.85,,-2", "field `etp`"),
        (",siege,50.45,4.85,,", "field `ssm_id`"),
    ] {
        let text = format!("{header}{row}\n");
        let m = message(
            parse_sites(path("s.csv"), text.as_bytes(), &locator, &resolver, &nis)
                .expect_err(expected),
        );
        assert!(
            m.starts_with("s.csv") && m.contains(expected),
            "{expected}: {m}"
        );
    }
    let dup = "site_id,ssm_id,site_kind,lat,lon\nX,A,siege,50.45,4.85\nX,A,antenne,50.45,4.85\n";
    let m = message(
        parse_sites(path("s.csv"), dup.as_bytes(), &locator, &resolver, &nis).expect_err("dup"),
    );
    assert!(m.contains("duplicate value `X`"), "{m}");
}

#[test]
fn points_good_and_bad() {
    let l = layer();
    let cw = crosswalk();
    let resolver = NisResolver::new(&l.communes, &cw);
    let locator = CommuneLocator::new(&l.communes);
    let good = parse_points(
        path("p.csv"),
        b"lat,lon,weight\n50.45,4.85,3\n50.45,4.95,0\n",
        &locator,
        &resolver,
    )
    .expect("good");
    assert_eq!(
        good.points.iter().map(|p| p.commune).collect::<Vec<_>>(),
        vec![0, 1]
    );
    for (bytes, expected) in [
        (
            &b"lat,lon,weight\n50.45,4.85,-3\n"[..],
            "line 2, field `weight`",
        ),
        (b"lat,lon,weight\n50.45,4.85,x\n", "line 2, field `weight`"),
        (b"lat,lon,weight\n48.85,2.35,1\n", "outside every commune"),
        (
            b"lat,lon,weight,nis\n50.45,4.85,1,11001\n",
            "unknown NIS code `11001`",
        ),
        (b"a,b,weight\n1,2,3\n", "missing column `lat`"),
    ] {
        let m =
            message(parse_points(path("p.csv"), bytes, &locator, &resolver).expect_err(expected));
        assert!(m.contains(expected), "{expected}: {m}");
    }
}

#[test]
fn crosswalk_errors() {
    for (bytes, expected) in [
        (
            &b"nis_2019_2024,nis_2025\n8200,82039\n"[..],
            "line 2, field `nis_2019_2024`",
        ),
        (
            b"nis_2019_2024,nis_2025\n82003,82039\n82003,82039\n",
            "duplicate value `82003`",
        ),
        (b"old,new\n82003,82039\n", "missing column `nis_2019_2024`"),
    ] {
        let m = message(parse_crosswalk(path("cw.csv"), bytes).expect_err(expected));
        assert!(m.contains(expected), "{expected}: {m}");
    }
}

#[test]
fn facilities_keep_points_beyond_the_layer_and_refuse_bad_rows() {
    use ssmplan_io::facilities::{extent_of, parse_facilities};
    let l = layer();
    let locator = CommuneLocator::new(&l.communes);
    let extent = extent_of(&l.communes);
    // One point in each commune, one in Brussels (beyond the layer: kept, no commune), two
    // sharing a point; capacities from `cap_beds`, names from `hospital_name`.
    let good = "id,hospital_name,site_name,lat,lon,cap_beds\n\
                H1,CHR,Site A,50.45,4.85,300\n\
                H2,CHU,,50.45,4.95,120\n\
                H3,Saint-Luc,,50.85,4.35,900\n\
                H4,CHU bis,,50.45,4.95,0\n";
    let f = parse_facilities(path("h.csv"), good.as_bytes(), &locator, extent).expect("good");
    let communes: Vec<Option<usize>> = f.table.sites.iter().map(|s| s.commune).collect();
    assert_eq!(communes, [Some(0), Some(1), None, Some(1)]);
    assert_eq!(f.outside, 1);
    assert_eq!(f.capacity_column.as_deref(), Some("cap_beds"));
    let etp: Vec<Option<f64>> = f.table.sites.iter().map(|s| s.etp).collect();
    assert_eq!(etp, [Some(300.0), Some(120.0), Some(900.0), Some(0.0)]);
    assert_eq!(f.table.sites[0].name, "Site A");
    assert_eq!(f.table.sites[0].ssm_name, "CHR");
    assert_eq!(f.table.sites[1].name, "CHU");
    assert_eq!(f.table.colocated, vec![(5, 3)]);
    assert!(
        f.table
            .sites
            .iter()
            .all(|s| s.kind == ssmplan_core::SiteKind::Facility && s.ssm.0 == s.id.0)
    );
    // No id column: ids are the row numbers; no capacity column: none.
    let bare = parse_facilities(
        path("p.csv"),
        b"x,y\n650000,620000\n651000,620000\n",
        &locator,
        None,
    )
    .expect("bare");
    assert_eq!(bare.table.sites[1].id.0, "row 2");
    assert_eq!(bare.capacity_column, None);
    for (bytes, expected) in [
        ("name,lat\nA,50.4\n", "f.csv: missing column `lon`"),
        (
            "id,lat,lon\nA,50.45,4.85\nA,50.45,4.95\n",
            "f.csv, line 3, field `id`: duplicate value `A` (first on line 2)",
        ),
        (
            "id,lat,lon\nA,4.85,50.45\n",
            "f.csv, line 2, field `lat/lon`",
        ),
        ("id,lat,lon\nA,4.85,50.45\n", "are lat and lon swapped"),
        (
            "id,lat,lon,capacity\nA,50.45,4.85,\n",
            "f.csv, line 2, field `capacity`: capacity is empty",
        ),
        (
            "id,lat,lon,capacity\nA,50.45,4.85,-3\n",
            "f.csv, line 2, field `capacity`: capacity must be zero or positive",
        ),
        ("id,lat,lon\nA,NaN,4.85\n", "f.csv, line 2, field `lat`"),
        (
            "id,lat,lon\nA,95,4.85\n",
            "latitude must be within -90..90 degrees",
        ),
        ("id,lat,lon\n", "f.csv: empty table (no data row)"),
    ] {
        let m = message(
            parse_facilities(path("f.csv"), bytes.as_bytes(), &locator, extent)
                .expect_err(expected),
        );
        assert!(m.contains(expected), "{expected}: {m}");
    }
}
