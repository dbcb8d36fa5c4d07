//! The car graph of the hand-written fixture `tests/fixtures/roads.osm` (converted to the
//! committed `roads.osm.pbf` with `osmium cat roads.osm -o roads.osm.pbf`), with times worked
//! out by hand.
//!
//! Lengths by hand on GRS 1980 (a = 6 378 137 m, f = 1/298.257222101):
//! - 0.01° of longitude at 50.50° N: N cos φ Δλ = 709.49 m; at 50.51° N: 709.34 m;
//! - 0.01° of latitude around 50.505° N: M Δφ = 1112.39 m.
//!
//! The graph measures lengths in EPSG:3812, whose scale factor at 50.5° N is about 0.99993
//! (between its standard parallels 49°50' and 51°10'): times are compared within 0.1 %.

use std::path::Path;

use geo::Coord;
use ssmplan_io::crs::{Crs, to_lambert2008};
use ssmplan_network::{Dijkstra, OsmError, Snapper, read_pbf};

fn fixture(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn close(got: f64, expected: f64) -> bool {
    (got - expected).abs() <= expected * 1e-3
}

#[test]
fn fixture_graph_and_times() {
    let read = read_pbf(&fixture("roads.osm.pbf")).expect("fixture");
    let stats = read.stats;
    // 9 ways; cars use 100, 101, 102, 103, 106, 107 (not the private 104, the footway 105,
    // the area 108).
    assert_eq!((stats.ways, stats.car_ways, stats.nodes), (9, 6, 9));
    assert_eq!(stats.missing_nodes, 0);
    // Nodes 1..9 are on car ways; 7 (reached from nowhere: the service road is one way
    // 7 -> 6) and the piece 8 - 9 are not in the largest strongly connected component.
    assert_eq!((stats.nodes_before, stats.nodes_dropped), (9, 3));
    let g = read.graph;
    assert_eq!(g.node_count(), 6);
    // 1-2 and 2-3 both ways (4), 3 -> 4 (1), the roundabout 4 -> 6 -> 5 -> 3 (3).
    assert_eq!(g.edge_count(), 8);

    let snapper = Snapper::new(&g);
    let node = |lon: f64, lat: f64| {
        let (x, y) = to_lambert2008(Crs::Wgs84, lon, lat);
        let s = snapper.snap(Coord { x, y }).expect("snapped");
        assert!(s.distance_m < 1e-3, "a node of the fixture");
        s.node
    };
    let n1 = node(4.00, 50.50);
    let n2 = node(4.01, 50.50);
    let n4 = node(4.03, 50.50);
    let n5 = node(4.02, 50.51);
    let mut dijkstra = Dijkstra::new(g.node_count());

    // 1 -> 4: 1-2 primary at 90 km/h (25 m/s): 709.49 / 25 = 28.380 s; 2-3 maxspeed 50
    // (13.889 m/s): 51.084 s; 3 -> 4 residential BE-WAL:urban, 50 km/h: 51.084 s.
    // Total 130.548 s.
    let from1 = dijkstra.run(g.forward(), n1, f64::INFINITY).to_vec();
    assert!(close(from1[n4 as usize], 130.548), "{}", from1[n4 as usize]);

    // 4 -> 1: no way back along the row (3 -> 4 is one way): round the roundabout (tertiary,
    // 70 km/h = 19.444 m/s) 4 -> 6 1112.39 m 57.208 s, 6 -> 5 709.34 m 36.481 s, 5 -> 3
    // 57.208 s, then 3 -> 2 51.084 s and 2 -> 1 28.380 s. Total 230.361 s.
    let from4 = dijkstra.run(g.forward(), n4, f64::INFINITY).to_vec();
    assert!(close(from4[n1 as usize], 230.361), "{}", from4[n1 as usize]);

    // 2 -> 5: not by the private 2 - 5 shortcut but 2 -> 3 -> 4 -> 6 -> 5:
    // 51.084 + 51.084 + 57.208 + 36.481 = 195.857 s.
    let from2 = dijkstra.run(g.forward(), n2, f64::INFINITY).to_vec();
    assert!(close(from2[n5 as usize], 195.857), "{}", from2[n5 as usize]);

    // The reversed graph gives the same times read the other way: to 1 from 4.
    let to1 = dijkstra.run(g.reverse(), n1, f64::INFINITY).to_vec();
    assert!((to1[n4 as usize] - from4[n1 as usize]).abs() < 1e-9);
}

#[test]
fn bad_files_are_named() {
    let missing = fixture("nowhere.osm.pbf");
    let e = read_pbf(&missing).expect_err("missing");
    assert!(matches!(e, OsmError::Io { .. }));
    assert!(e.to_string().contains("nowhere.osm.pbf"), "{e}");

    let e = read_pbf(&fixture("not_pbf.osm.pbf")).expect_err("text");
    assert!(matches!(e, OsmError::NotPbf { .. }), "{e}");
    assert!(
        e.to_string()
            .contains("not_pbf.osm.pbf: not an OpenStreetMap PBF"),
        "{e}"
    );

    // A valid PBF with a footway only (tests/fixtures/no_roads.osm).
    let e = read_pbf(&fixture("no_roads.osm.pbf")).expect_err("no road");
    assert!(
        matches!(
            e,
            OsmError::NoCarWay {
                ways: 1,
                nodes: 2,
                ..
            }
        ),
        "{e}"
    );
    assert!(e.to_string().contains("no way usable by car"), "{e}");
}
