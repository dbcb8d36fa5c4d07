//! `--facilities FILE`: coverage, catchments and accessibility of another facility layer (the
//! 2020 Belgian hospital list), checked against a brute-force nearest facility, and against the
//! SSM figures when the SSM list itself is given as a facility layer.

use serde_json::Value;

mod common;
use common::{HOSPITALS, default_engine, hospital_coverage, hospitals, json, ssmplan};

#[test]
fn hospital_distances_match_a_brute_force_nearest_hospital_across_the_border() {
    let Some(hospitals) = hospitals() else {
        return;
    };
    assert_eq!(hospitals.len(), 272);
    let engine = default_engine();
    let communes = &engine.dataset().communes;
    let out = hospital_coverage("commune", &["--demand", "communes"]);
    let rows = out["tables"]["commune"].as_array().expect("commune table");
    assert_eq!(rows.len(), communes.len());
    let mut served_from_outside = 0;
    for (row, commune) in rows.iter().zip(communes) {
        assert_eq!(row["key"], commune.nis.to_string());
        let point = commune.representative_point().expect("point");
        let (nearest, d) = hospitals
            .iter()
            .map(|(id, h)| (id, (h.x - point.x).hypot(h.y - point.y)))
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .expect("hospitals");
        let km = row["mean_distance_km"].as_f64().expect("distance");
        assert!(
            (km - d / 1000.0).abs() <= 0.005 + 1e-9,
            "{}: {km} km against brute force {} km (hospital {nearest})",
            commune.name,
            d / 1000.0
        );
        // The nearest hospital lies outside Wallonia when no Walloon commune contains it.
        if !communes.iter().any(|c| {
            geo::Contains::contains(
                &c.geometry,
                &geo::Point::from(hospitals.iter().find(|h| &h.0 == nearest).expect("h").1),
            )
        }) {
            served_from_outside += 1;
        }
        // The SSM norm does not apply to hospitals.
        for field in ["ssm", "inhabitants_per_ssm", "norm_ssm", "norm_deficit_ssm"] {
            assert!(row[field].is_null(), "{field}: {}", row[field]);
        }
    }
    assert!(
        served_from_outside > 0,
        "some Walloon communes are nearest to a hospital in Brussels or Flanders"
    );
    assert_eq!(out["parameters"]["facility_points"], 272);
    assert_eq!(out["parameters"]["capacity_column"], "cap_beds");
    let caveats = out["caveats"].to_string();
    assert!(caveats.contains("FACILITY LAYER"), "{caveats}");
    assert!(!caveats.contains("PARTIAL SITE LIST"), "{caveats}");
}

#[test]
fn catchments_of_hospitals_beyond_wallonia_hold_walloon_residents() {
    if hospitals().is_none() {
        return;
    }
    let out = json(&[
        "catchments",
        "--facilities",
        HOSPITALS,
        "--demand",
        "communes",
        "--format",
        "json",
    ]);
    let rows = out["tables"]["catchments"].as_array().expect("table");
    assert_eq!(rows.len(), 272);
    let population: u64 = rows
        .iter()
        .map(|r| r["population"].as_u64().expect("pop"))
        .sum();
    assert_eq!(
        population,
        out["parameters"]["population_in_scope"]
            .as_u64()
            .expect("total")
    );
    let outside: Vec<&Value> = rows.iter().filter(|r| r["commune_nis"].is_null()).collect();
    assert!(outside.iter().any(|r| r["population"].as_u64() > Some(0)));
    assert!(
        rows.iter()
            .all(|r| r["kind"] == "facility" && r["norm_share_ssm"].is_null())
    );
}

#[test]
fn the_ssm_list_as_a_facility_layer_gives_the_ssm_distances() {
    let ssm = json(&["coverage", "--format", "json"]);
    let as_facilities = json(&[
        "coverage",
        "--facilities",
        "geodata/facilities/wallonia_ssm_sites.csv",
        "--format",
        "json",
    ]);
    let (a, b) = (
        &ssm["tables"]["total"][0],
        &as_facilities["tables"]["total"][0],
    );
    for field in [
        "population",
        "sites",
        "mean_distance_km",
        "median_distance_km",
        "p90_distance_km",
        "max_distance_km",
        "pop_beyond_5km",
        "pop_beyond_10km",
        "pop_beyond_15km",
        "pop_beyond_20km",
    ] {
        assert_eq!(a[field], b[field], "{field}");
    }
    assert!(a["norm_ssm"].is_number() && b["norm_ssm"].is_null());
}

#[test]
fn facilities_are_refused_where_ssm_are_planned_and_with_sites() {
    for args in [
        &[
            "recommend",
            "--facilities",
            "geodata/facilities/wallonia_ssm_sites.csv",
        ][..],
        &[
            "expand",
            "--facilities",
            "geodata/facilities/wallonia_ssm_sites.csv",
        ],
        &[
            "coverage",
            "--facilities",
            "geodata/facilities/wallonia_ssm_sites.csv",
            "--sites",
            "geodata/facilities/wallonia_ssm_sites.csv",
        ],
    ] {
        let out = ssmplan(args);
        assert!(!out.status.success(), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("--facilities") || err.contains("--sites"),
            "{err}"
        );
    }
    let out = ssmplan(&["coverage", "--facilities", "no/such.csv"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("no/such.csv") && err.contains("facilities"),
        "{err}"
    );
}
