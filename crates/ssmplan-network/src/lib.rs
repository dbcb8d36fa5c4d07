//! Road-network travel times for ssmplan: a car graph read from an OpenStreetMap extract
//! (`.osm.pbf`) with the Belgian default speeds by road class ([`speed`]), in compressed sparse
//! row form ([`RoadGraph`], its largest strongly connected component), points snapped to the
//! nearest node ([`Snapper`]), and the time from each origin to its nearest sites
//! ([`nearest_times`]: one Dijkstra per site on the reversed graph, with a cutoff, in parallel).
//!
//! Everything is in Belgian Lambert 2008 (EPSG:3812, metres) and seconds.

pub mod graph;
pub mod osm;
pub mod snap;
pub mod speed;
pub mod synthetic;
pub mod times;

pub use graph::{Csr, Dijkstra, Edge, RoadGraph};
pub use osm::{OsmError, OsmGraph, OsmStats, parse_pbf, read_pbf};
pub use snap::{Snapped, Snapper};
pub use times::{DEFAULT_ACCESS_SPEED_KMH, SiteTime, TimeParams, nearest_times};
