//! Travel times from origins to their nearest sites: one Dijkstra per site on the reversed graph
//! (so that the time is origin → site, one-way streets respected), in parallel over the sites,
//! then per origin the k smallest times.

use rayon::prelude::*;

use crate::{Dijkstra, RoadGraph, Snapped};

/// The default speed of the access legs (point to its snapped node and back).
///
/// 20 km/h: a car on the last metres of a street the extract lacks (a drive, a car park, a
/// yard), the limit of a residential zone; walking pace would weigh a 300 m snap as a
/// 4-minute trip.
///
/// # Units
/// km/h.
pub const DEFAULT_ACCESS_SPEED_KMH: f64 = 20.0;

/// Options of [`nearest_times`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TimeParams {
    /// How many nearest sites to keep per origin (at least 1).
    pub k: usize,
    /// Times beyond it are not searched (the site is "not reached").
    ///
    /// # Units
    /// Seconds.
    pub cutoff_secs: f64,
    /// The speed of the straight access legs, origin to its node and site node to the site.
    ///
    /// # Units
    /// km/h.
    pub access_speed_kmh: f64,
}

impl TimeParams {
    /// `k` nearest sites within `cutoff_secs`, access legs at [`DEFAULT_ACCESS_SPEED_KMH`].
    #[must_use]
    pub fn new(k: usize, cutoff_secs: f64) -> Self {
        Self {
            k: k.max(1),
            cutoff_secs,
            access_speed_kmh: DEFAULT_ACCESS_SPEED_KMH,
        }
    }

    /// Sets the speed of the access legs.
    #[must_use]
    pub fn access_speed_kmh(mut self, kmh: f64) -> Self {
        self.access_speed_kmh = kmh;
        self
    }

    /// The time of an access leg of `distance_m` metres.
    ///
    /// # Units
    /// Seconds.
    #[must_use]
    pub fn access_secs(&self, distance_m: f64) -> f64 {
        distance_m / (self.access_speed_kmh / 3.6)
    }
}

/// A site and the time to reach it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SiteTime {
    /// The index of the site in the input.
    pub site: u32,
    /// Origin's access leg + network time + the site's access leg.
    ///
    /// # Units
    /// Seconds.
    pub secs: f64,
}

/// For each origin, its `k` nearest sites by time, nearest first (ties to the lowest site
/// index), within the cutoff; fewer (or none) when fewer are reached, and none for an origin
/// that was not snapped (`None`).
///
/// Cost: one Dijkstra per site (bounded by the cutoff), parallel over the sites with rayon,
/// then a pass over the sites × origins times (held in memory: 8 bytes each).
#[must_use]
pub fn nearest_times(
    graph: &RoadGraph,
    sites: &[Snapped],
    origins: &[Option<Snapped>],
    params: TimeParams,
) -> Vec<Vec<SiteTime>> {
    let cutoff = params.cutoff_secs;
    let per_site: Vec<Vec<f64>> = sites
        .par_iter()
        .map_init(
            || Dijkstra::new(graph.node_count()),
            |dijkstra, site| {
                let site_access = params.access_secs(site.distance_m);
                let dist = dijkstra.run(graph.reverse(), site.node, cutoff - site_access);
                origins
                    .iter()
                    .map(|o| match o {
                        Some(o) => dist[o.node as usize] + site_access,
                        None => f64::INFINITY,
                    })
                    .collect()
            },
        )
        .collect();
    let k = params.k.max(1);
    origins
        .par_iter()
        .enumerate()
        .map(|(i, origin)| {
            let Some(origin) = origin else {
                return Vec::new();
            };
            let access = params.access_secs(origin.distance_m);
            let mut best: Vec<SiteTime> = Vec::with_capacity(k + 1);
            for (s, times) in per_site.iter().enumerate() {
                let secs = times[i] + access;
                if secs > cutoff || best.len() == k && secs >= best[k - 1].secs {
                    continue;
                }
                let at = best.partition_point(|b| b.secs <= secs);
                best.insert(
                    at,
                    SiteTime {
                        site: s as u32,
                        secs,
                    },
                );
                best.truncate(k);
            }
            best
        })
        .collect()
}
