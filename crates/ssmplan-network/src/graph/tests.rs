use geo::Coord;

use super::*;
use crate::synthetic::{GridParams, Rng, grid};
use crate::{Snapped, TimeParams, nearest_times};

fn at(x: f64, y: f64) -> Coord<f64> {
    Coord { x, y }
}

#[test]
fn uniform_grid_times_are_manhattan_over_speed() {
    // 12 x 12 nodes 100 m apart at 36 km/h = 10 m/s: from (r1, c1) to (r2, c2) the time is
    // (|r1 - r2| + |c1 - c2|) * 100 m / 10 m/s = 10 s per step.
    let side = 12;
    let g = grid(GridParams::uniform(side, 100.0, 36.0));
    assert_eq!(g.node_count(), 144);
    assert_eq!(g.edge_count(), 4 * 11 * 12);
    let mut dijkstra = Dijkstra::new(g.node_count());
    for source in [0, 17, 143] {
        let dist = dijkstra.run(g.forward(), source, f64::INFINITY).to_vec();
        for v in 0..side * side {
            let (r1, c1) = (source / side, source % side);
            let (r2, c2) = (v / side, v % side);
            let steps = r1.abs_diff(r2) + c1.abs_diff(c2);
            assert!(
                (dist[v as usize] - 10.0 * f64::from(steps)).abs() < 1e-9,
                "{source} -> {v}: {}",
                dist[v as usize]
            );
        }
    }
    // A cutoff of 35 s reaches the nodes within 3 steps only.
    let dist = dijkstra.run(g.forward(), 0, 35.0);
    let reached = dist.iter().filter(|d| d.is_finite()).count();
    assert_eq!(reached, 1 + 2 + 3 + 4, "diamond of radius 3 in the corner");
}

/// A one-way ring 0 -> 1 -> … -> 5 -> 0, 10 s an edge.
fn ring() -> RoadGraph {
    let xy = (0..6).map(|i| at(f64::from(i), 0.0)).collect();
    let edges: Vec<Edge> = (0..6)
        .map(|i| Edge {
            from: i,
            to: (i + 1) % 6,
            secs: 10.0,
        })
        .collect();
    RoadGraph::new(xy, &edges)
}

#[test]
fn one_way_ring_goes_around() {
    let g = ring();
    let mut dijkstra = Dijkstra::new(6);
    // Forward from 2: 2->3 10 s, …, 2->1 the long way round, 50 s.
    let d = dijkstra.run(g.forward(), 2, f64::INFINITY).to_vec();
    assert_eq!(d, vec![40.0, 50.0, 0.0, 10.0, 20.0, 30.0]);
    // On the reversed graph from 2: the time from each node to 2.
    let d = dijkstra.run(g.reverse(), 2, f64::INFINITY).to_vec();
    assert_eq!(d, vec![20.0, 10.0, 0.0, 50.0, 40.0, 30.0]);
    // origin -> site: an origin at node 3 to a site at node 2 takes 50 s, not 10.
    let snap = |node| Snapped {
        node,
        distance_m: 0.0,
    };
    let t = nearest_times(
        &g,
        &[snap(2), snap(4)],
        &[Some(snap(3)), Some(snap(1)), None],
        TimeParams::new(2, 1e9),
    );
    assert_eq!(
        t[0].iter().map(|s| (s.site, s.secs)).collect::<Vec<_>>(),
        [(1, 10.0), (0, 50.0)]
    );
    assert_eq!(
        t[1].iter().map(|s| (s.site, s.secs)).collect::<Vec<_>>(),
        [(0, 10.0), (1, 30.0)]
    );
    assert!(t[2].is_empty());
    // Within a 20 s cutoff, origin 3 reaches only the site at node 4.
    let t = nearest_times(
        &g,
        &[snap(2), snap(4)],
        &[Some(snap(3))],
        TimeParams::new(2, 20.0),
    );
    assert_eq!(t[0].len(), 1);
    assert_eq!(t[0][0].site, 1);
}

#[test]
fn access_legs_are_added() {
    let g = ring();
    // Origin 36 m from node 0, site 72 m from node 1, access at 36 km/h = 10 m/s: 3.6 s + 10 s
    // + 7.2 s.
    let t = nearest_times(
        &g,
        &[Snapped {
            node: 1,
            distance_m: 72.0,
        }],
        &[Some(Snapped {
            node: 0,
            distance_m: 36.0,
        })],
        TimeParams::new(1, 1e9).access_speed_kmh(36.0),
    );
    assert!((t[0][0].secs - 20.8).abs() < 1e-9, "{:?}", t[0]);
}

#[test]
fn largest_component_drops_the_rest() {
    // The ring (6 nodes, strongly connected), a 2-node two-way piece apart, and a node 6 that
    // the ring reaches by a one-way edge but that does not lead back: 3 nodes dropped.
    let mut xy: Vec<Coord<f64>> = (0..6).map(|i| at(f64::from(i), 0.0)).collect();
    xy.extend([at(9.0, 9.0), at(20.0, 0.0), at(21.0, 0.0)]);
    let mut edges: Vec<Edge> = (0..6)
        .map(|i| Edge {
            from: i,
            to: (i + 1) % 6,
            secs: 10.0,
        })
        .collect();
    edges.push(Edge {
        from: 3,
        to: 6,
        secs: 1.0,
    });
    edges.push(Edge {
        from: 7,
        to: 8,
        secs: 1.0,
    });
    edges.push(Edge {
        from: 8,
        to: 7,
        secs: 1.0,
    });
    let g = RoadGraph::new(xy, &edges);
    let (component, largest) = g.strong_components();
    assert_eq!(component.iter().filter(|&&c| c == largest).count(), 6);
    assert_eq!(component[7], component[8]);
    assert_ne!(component[6], component[3]);
    let (kept, dropped, old) = g.largest_component();
    assert_eq!(dropped, 3);
    assert_eq!(old, (0..6).collect::<Vec<u32>>());
    assert_eq!(kept.edge_count(), 6);
    assert_eq!(kept.positions()[5], at(5.0, 0.0));
}

/// Floyd–Warshall on a dense matrix: the oracle.
fn floyd_warshall(n: usize, edges: &[Edge]) -> Vec<Vec<f64>> {
    let mut d = vec![vec![f64::INFINITY; n]; n];
    for (i, row) in d.iter_mut().enumerate() {
        row[i] = 0.0;
    }
    for e in edges {
        let cell = &mut d[e.from as usize][e.to as usize];
        *cell = cell.min(e.secs);
    }
    for k in 0..n {
        for i in 0..n {
            for j in 0..n {
                let via = d[i][k] + d[k][j];
                if via < d[i][j] {
                    d[i][j] = via;
                }
            }
        }
    }
    d
}

#[test]
fn dijkstra_matches_floyd_warshall_on_random_graphs() {
    let mut rng = Rng::new(42);
    for case in 0..200 {
        let n = 2 + (rng.next_f64() * 30.0) as usize;
        let m = (rng.next_f64() * (n * n) as f64 / 2.0) as usize;
        let xy = (0..n).map(|i| at(i as f64, 0.0)).collect();
        let edges: Vec<Edge> = (0..m)
            .map(|_| Edge {
                from: (rng.next_f64() * n as f64) as u32,
                to: (rng.next_f64() * n as f64) as u32,
                // Integer seconds, with zeros, so that ties happen.
                secs: (rng.next_f64() * 20.0).floor(),
            })
            .collect();
        let g = RoadGraph::new(xy, &edges);
        let oracle = floyd_warshall(n, &edges);
        let mut dijkstra = Dijkstra::new(n);
        let cutoff = 25.0;
        for (s, from_s) in oracle.iter().enumerate() {
            let fwd = dijkstra.run(g.forward(), s as u32, f64::INFINITY).to_vec();
            assert_eq!(&fwd, from_s, "case {case}, source {s}");
            let rev = dijkstra.run(g.reverse(), s as u32, f64::INFINITY).to_vec();
            let to_s: Vec<f64> = (0..n).map(|u| oracle[u][s]).collect();
            assert_eq!(rev, to_s, "case {case}, to {s}");
            let cut = dijkstra.run(g.forward(), s as u32, cutoff).to_vec();
            let expected: Vec<f64> = from_s
                .iter()
                .map(|&d| if d <= cutoff { d } else { f64::INFINITY })
                .collect();
            assert_eq!(cut, expected, "case {case}, source {s}, cutoff");
        }
        // The k nearest sites against the oracle (ties to the lowest site index).
        let sites: Vec<Snapped> = (0..n.min(5))
            .map(|i| Snapped {
                node: (i * 7 % n) as u32,
                distance_m: 0.0,
            })
            .collect();
        let origins: Vec<Option<Snapped>> = (0..n as u32)
            .map(|node| {
                Some(Snapped {
                    node,
                    distance_m: 0.0,
                })
            })
            .collect();
        let got = nearest_times(&g, &sites, &origins, TimeParams::new(3, cutoff));
        for (o, list) in got.iter().enumerate() {
            let mut all: Vec<(f64, u32)> = sites
                .iter()
                .enumerate()
                .map(|(i, s)| (oracle[o][s.node as usize], i as u32))
                .filter(|(d, _)| *d <= cutoff)
                .collect();
            all.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            all.truncate(3);
            let list: Vec<(f64, u32)> = list.iter().map(|s| (s.secs, s.site)).collect();
            assert_eq!(list, all, "case {case}, origin {o}");
        }
    }
}

#[test]
fn synthetic_bench_network_has_about_100k_edges() {
    let g = grid(GridParams::bench(1));
    assert_eq!(g.node_count(), 25_600);
    assert_eq!(g.edge_count(), 101_760);
    let (_, dropped, _) = g.largest_component();
    assert_eq!(dropped, 0, "a two-way grid is strongly connected");
}
