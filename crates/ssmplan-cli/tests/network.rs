//! `ssmplan network`: on the road fixture of `crates/ssmplan-network/tests/fixtures/`
//! (hand-computed times, see `crates/ssmplan-network/tests/osm.rs`) with one facility at its
//! node 1, every commune's network time is its access leg plus one of the hand-computed node
//! times, and the model time is the calibrated model on the straight line; the errors name
//! the file or the site.

use geo::Coord;
use ssmplan_core::drivetime::DriveTime;
use ssmplan_engine::{DataRequest, Engine};
use ssmplan_io::crs::{Crs, to_lambert2008};

mod common;
use common::{json, repo, scratch, ssmplan};

const ROADS: &str = "crates/ssmplan-network/tests/fixtures/roads.osm.pbf";

fn lambert(lon: f64, lat: f64) -> Coord<f64> {
    let (x, y) = to_lambert2008(Crs::Wgs84, lon, lat);
    Coord { x, y }
}

#[test]
fn commune_times_on_the_fixture() {
    // One facility exactly at node 1 (4.00 E, 50.50 N).
    let dir = scratch("network");
    let facility = dir.path().join("one.csv");
    std::fs::write(&facility, "id,name,lat,lon\nF1,node one,50.50,4.00\n").expect("write");
    let out = json(&[
        "network",
        "--network",
        ROADS,
        "--facilities",
        facility.to_str().expect("utf-8"),
        "--max-snap-km",
        "300",
        "--cutoff-min",
        "100000",
        "--format",
        "json",
    ]);
    let engine = Engine::load(&DataRequest {
        data: repo().join("geodata"),
        ..DataRequest::default()
    })
    .expect("default dataset");
    let communes = &engine.dataset().communes;
    let rows = out["tables"]["commune"].as_array().expect("commune table");
    assert_eq!(rows.len(), communes.len());
    // The largest component's nodes (1 to 6) and the time from each to node 1, by hand:
    // 2 -> 1 28.380 s; 3 -> 1 51.084 + 28.380; 4 -> 1 230.361 (round the roundabout);
    // 5 -> 3 -> 1 57.208 + 79.464; 6 -> 5 -> … 36.481 + 136.672.
    let nodes = [
        (lambert(4.00, 50.50), 0.0),
        (lambert(4.01, 50.50), 28.380),
        (lambert(4.02, 50.50), 79.464),
        (lambert(4.03, 50.50), 230.361),
        (lambert(4.02, 50.51), 136.672),
        (lambert(4.03, 50.51), 173.153),
    ];
    let (params, _) = ssmplan_engine::calibrate::read_params_file(
        &repo().join("geodata/accessibility/drivetime_2020.json"),
    )
    .expect("shipped parameters");
    let model = DriveTime::new(params).expect("valid");
    let site = lambert(4.00, 50.50);
    let (mut sum, mut n) = (0.0, 0);
    for (row, commune) in rows.iter().zip(communes) {
        assert_eq!(row["nis"], commune.nis.to_string());
        let p = commune.representative_point().expect("point");
        let (node_secs, snap_m) = nodes
            .iter()
            .map(|(c, secs)| (*secs, (c.x - p.x).hypot(c.y - p.y)))
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .expect("nodes");
        assert!((row["snap_distance_m"].as_f64().expect("snap") - snap_m).abs() <= 0.5 + 1e-6);
        // Access leg at 20 km/h, then the network to node 1 (the facility snaps at 0 m).
        let expected_min = (snap_m / (20.0 / 3.6) + node_secs) / 60.0;
        let network = row["network_min"].as_f64().expect("network time");
        assert!(
            (network - expected_min).abs() <= 0.05 + expected_min * 1e-3,
            "{}: {network} min against {expected_min}",
            commune.name
        );
        let straight = (site.x - p.x).hypot(site.y - p.y);
        let model_min = row["model_min"].as_f64().expect("model time");
        assert!((model_min - model.minutes(straight)).abs() <= 0.05 + 1e-9);
        let diff = row["model_minus_network_min"].as_f64().expect("difference");
        assert!(
            (diff - (model.minutes(straight) - expected_min)).abs() <= 0.05 + expected_min * 1e-3
        );
        sum += diff;
        n += 1;
    }
    let mean = out["parameters"]["model_minus_network_mean_min"]
        .as_f64()
        .expect("mean");
    assert!((mean - sum / f64::from(n)).abs() < 0.05 + 1e-9);
}

#[test]
fn errors_name_the_file_or_the_site() {
    let err = |args: &[&str]| {
        let out = ssmplan(args);
        assert!(!out.status.success(), "{args:?} must fail");
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    let e = err(&["network", "--network", "nowhere.osm.pbf", "-q"]);
    assert!(
        e.contains("nowhere.osm.pbf: cannot read the road network"),
        "{e}"
    );
    let e = err(&[
        "network",
        "--network",
        "crates/ssmplan-network/tests/fixtures/not_pbf.osm.pbf",
        "-q",
    ]);
    assert!(
        e.contains("not_pbf.osm.pbf: not an OpenStreetMap PBF file"),
        "{e}"
    );
    let e = err(&[
        "network",
        "--network",
        "crates/ssmplan-network/tests/fixtures/no_roads.osm.pbf",
        "-q",
    ]);
    assert!(e.contains("no_roads.osm.pbf: no way usable by car"), "{e}");
    // The default SSM sites lie across Wallonia, far beyond the fixture's 2 km.
    let e = err(&["network", "--network", ROADS, "-q"]);
    assert!(e.contains("--network: ") && e.contains(": site "), "{e}");
    assert!(e.contains("from the nearest road node, beyond 2 km"), "{e}");
}
