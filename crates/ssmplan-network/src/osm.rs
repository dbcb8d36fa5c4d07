//! Reading an OpenStreetMap extract (`.osm.pbf`) into a car graph.
//!
//! Two passes over the blocks (`osmpbf`): the ways usable by car ([`crate::speed::car_way`])
//! and the nodes they name, then the positions of those nodes, projected once to EPSG:3812
//! (`ssmplan-io`'s `proj4rs` transformation, WGS 84 taken as ETRS89). Every node of a kept way
//! is a graph node; each pair of consecutive nodes gives one edge per open direction, its time
//! the straight length in EPSG:3812 over the way's speed (the Lambert 2008 scale error is
//! below 0.1 % over Belgium). Ways whose nodes lack a position (cut at the extract's border)
//! lose the segments that touch those nodes. Finally only the largest strongly connected
//! component is kept, so that every origin reaches every site.

use std::collections::HashMap;
use std::io::Cursor;
use std::path::{Path, PathBuf};

use geo::Coord;
use osmpbf::{Element, ElementReader};
use ssmplan_io::crs::{Crs, to_lambert2008};

use crate::speed::{Direction, car_way};
use crate::{Edge, RoadGraph};

/// An extract that cannot be read into a car graph.
#[derive(Debug, thiserror::Error)]
pub enum OsmError {
    /// The file cannot be read.
    #[error("{}: cannot read the road network", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// The bytes are not an OpenStreetMap PBF file (or a damaged one).
    #[error("{}: not an OpenStreetMap PBF file (.osm.pbf)", path.display())]
    NotPbf {
        /// The file.
        path: PathBuf,
        /// What the PBF decoder found.
        #[source]
        source: osmpbf::Error,
    },
    /// No way of the file is usable by car (or none has its nodes' positions).
    #[error(
        "{}: no way usable by car (highway=motorway…service, not access=no/private) with node \
         positions among {ways} ways and {nodes} nodes",
        path.display()
    )]
    NoCarWay {
        /// The file.
        path: PathBuf,
        /// Ways read.
        ways: u64,
        /// Nodes read.
        nodes: u64,
    },
}

/// What was read and kept.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct OsmStats {
    /// Ways in the file.
    pub ways: u64,
    /// Ways usable by car.
    pub car_ways: u64,
    /// Nodes in the file.
    pub nodes: u64,
    /// Nodes named by a car way but absent from the file (their segments dropped).
    pub missing_nodes: u64,
    /// Graph nodes before keeping the largest strongly connected component.
    pub nodes_before: u64,
    /// Graph nodes dropped with the smaller components.
    pub nodes_dropped: u64,
}

/// A car graph read from an extract.
#[derive(Clone, Debug)]
pub struct OsmGraph {
    /// The largest strongly connected component of the car graph.
    pub graph: RoadGraph,
    /// Counts of what was read and dropped.
    pub stats: OsmStats,
}

/// Reads the car graph of an OpenStreetMap extract ([`parse_pbf`] on the file's bytes).
///
/// # Errors
/// [`OsmError::Io`] when the file cannot be read, else as [`parse_pbf`].
pub fn read_pbf(path: &Path) -> Result<OsmGraph, OsmError> {
    let bytes = std::fs::read(path).map_err(|source| OsmError::Io {
        path: path.to_owned(),
        source,
    })?;
    parse_pbf(path, &bytes)
}

/// A way kept for the graph: its nodes (indices into the needed nodes), direction and speed.
struct KeptWay {
    nodes: Vec<u32>,
    direction: Direction,
    speed_kmh: f64,
}

/// Builds the car graph from the bytes of an `.osm.pbf` file; `path` names it in errors.
///
/// Deterministic: graph nodes are numbered in the order the kept ways first name them, in the
/// file's order.
///
/// # Errors
/// [`OsmError::NotPbf`] when the bytes do not decode, [`OsmError::NoCarWay`] when no way
/// is usable by car.
pub fn parse_pbf(path: &Path, bytes: &[u8]) -> Result<OsmGraph, OsmError> {
    let not_pbf = |source| OsmError::NotPbf {
        path: path.to_owned(),
        source,
    };
    let mut stats = OsmStats::default();
    let mut index: HashMap<i64, u32> = HashMap::new();
    let mut ways = Vec::new();
    ElementReader::new(Cursor::new(bytes))
        .for_each(|element| {
            let Element::Way(way) = element else {
                return;
            };
            stats.ways += 1;
            let Some(car) = car_way(way.tags()) else {
                return;
            };
            stats.car_ways += 1;
            let nodes = way
                .refs()
                .map(|id| {
                    let next = index.len() as u32;
                    *index.entry(id).or_insert(next)
                })
                .collect();
            ways.push(KeptWay {
                nodes,
                direction: car.direction,
                speed_kmh: car.speed_kmh,
            });
        })
        .map_err(not_pbf)?;
    let mut xy = vec![
        Coord {
            x: f64::NAN,
            y: f64::NAN
        };
        index.len()
    ];
    ElementReader::new(Cursor::new(bytes))
        .for_each(|element| {
            let (id, lon, lat) = match element {
                Element::Node(n) => (n.id(), n.lon(), n.lat()),
                Element::DenseNode(n) => (n.id(), n.lon(), n.lat()),
                _ => return,
            };
            stats.nodes += 1;
            if let Some(&i) = index.get(&id) {
                let (x, y) = to_lambert2008(Crs::Wgs84, lon, lat);
                xy[i as usize] = Coord { x, y };
            }
        })
        .map_err(not_pbf)?;
    stats.missing_nodes = xy.iter().filter(|c| c.x.is_nan()).count() as u64;
    let mut edges = Vec::new();
    for way in &ways {
        let mps = way.speed_kmh / 3.6;
        for pair in way.nodes.windows(2) {
            let (a, b) = (pair[0], pair[1]);
            let (pa, pb) = (xy[a as usize], xy[b as usize]);
            if pa.x.is_nan() || pb.x.is_nan() || a == b {
                continue;
            }
            let secs = (pa.x - pb.x).hypot(pa.y - pb.y) / mps;
            if way.direction != Direction::Backward {
                edges.push(Edge {
                    from: a,
                    to: b,
                    secs,
                });
            }
            if way.direction != Direction::Forward {
                edges.push(Edge {
                    from: b,
                    to: a,
                    secs,
                });
            }
        }
    }
    // Nodes without a position are isolated (no edge) and fall with the small components.
    let full = RoadGraph::new(xy, &edges);
    let (graph, dropped, _) = full.largest_component();
    // A lone node (no way, or only one-way streets leading nowhere) is no road network.
    if graph.edge_count() == 0 {
        return Err(OsmError::NoCarWay {
            path: path.to_owned(),
            ways: stats.ways,
            nodes: stats.nodes,
        });
    }
    stats.nodes_before = full.node_count() as u64 - stats.missing_nodes;
    stats.nodes_dropped = dropped as u64 - stats.missing_nodes;
    Ok(OsmGraph { graph, stats })
}
