//! Site catchments: the demand allocated to each site (nearest site), with its population,
//! distances, and a polygon: the part of the territory nearer to the site than to any other
//! (its Voronoi cell clipped to the territory), which is the catchment of nearest-site
//! allocation for residents spread continuously.

use geo::orient::Direction;
use geo::{Area, BooleanOps, BoundingRect, Coord, LineString, MultiPolygon, Orient, Polygon, Rect};

use crate::{Colocation, Commune, DemandPoint, DistanceSummary, Neighbour, par, shared_allocation};

/// The catchment of one site.
#[derive(Clone, Debug)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Catchment {
    /// Index of the site.
    pub site: usize,
    /// Residents whose nearest site this is (for a location holding several services, this
    /// service's share of the location's residents, see [`Colocation`]).
    pub population: u64,
    /// Services at this site's location (1 unless several share the point).
    pub services_at_location: usize,
    /// This site's share of its location's residents (1 when alone).
    pub location_share: f64,
    /// Demand points allocated.
    pub demand_points: usize,
    /// Distinct communes with residents allocated.
    pub communes: usize,
    /// Access distances of the allocated residents.
    pub distance: DistanceSummary,
    /// Area of [`Catchment::polygon`].
    ///
    /// # Units
    /// Square kilometres.
    pub area_km2: f64,
    /// Territory nearer to this site's location than to any other (EPSG:3812); services
    /// sharing a location share its cell.
    #[cfg_attr(feature = "serde", serde(skip))]
    pub polygon: MultiPolygon<f64>,
}

/// The union of the communes' boundaries. Rings are re-oriented first (exteriors
/// counter-clockwise), since the union drops clockwise parts.
#[must_use]
pub fn territory(communes: &[Commune]) -> MultiPolygon<f64> {
    let oriented: Vec<MultiPolygon<f64>> = communes
        .iter()
        .map(|c| c.geometry.orient(Direction::Default))
        .collect();
    geo::unary_union(oriented.iter())
}

/// Catchments of every site: nearest-site allocation of `demand` (from
/// [`nearest_sites`](crate::nearest_sites)) and Voronoi polygons clipped to `territory`.
#[must_use]
pub fn site_catchments(
    sites: &[Coord<f64>],
    colocation: &Colocation,
    demand: &[DemandPoint],
    nearest: &[Option<Neighbour>],
    territory: &MultiPolygon<f64>,
) -> Vec<Catchment> {
    site_catchments_beyond(
        sites,
        colocation,
        demand,
        nearest,
        territory,
        &crate::BEYOND_THRESHOLDS_M,
    )
}

/// [`site_catchments`] counting the residents beyond `beyond` (in the unit of the
/// nearest-site costs: minutes for a drive-time model) in place of 5, 10, 15 and 20 km.
#[must_use]
pub fn site_catchments_beyond(
    sites: &[Coord<f64>],
    colocation: &Colocation,
    demand: &[DemandPoint],
    nearest: &[Option<Neighbour>],
    territory: &MultiPolygon<f64>,
    beyond: &[f64],
) -> Vec<Catchment> {
    let mut pairs: Vec<Vec<(f64, u64)>> = vec![Vec::new(); sites.len()];
    let mut communes: Vec<std::collections::BTreeSet<usize>> =
        vec![std::collections::BTreeSet::new(); sites.len()];
    let mut points = vec![0usize; sites.len()];
    for a in shared_allocation(colocation, demand, nearest) {
        pairs[a.site].push((a.distance_m, a.population));
        points[a.site] += 1;
        if a.population > 0 {
            communes[a.site].insert(demand[a.point].commune);
        }
    }
    let cells = voronoi_polygons(sites, territory);
    (0..sites.len())
        .map(|i| {
            // A location's cell belongs to its first site; the others share it.
            let rep = colocation.location_of.get(i).copied().unwrap_or(i);
            let polygon = cells[rep].clone();
            Catchment {
                site: i,
                population: pairs[i].iter().map(|p| p.1).sum(),
                services_at_location: colocation.at_location_of(i).len().max(1),
                location_share: colocation.share.get(i).copied().unwrap_or(1.0),
                demand_points: points[i],
                communes: communes[i].len(),
                distance: DistanceSummary::from_pairs_beyond(&pairs[i], beyond),
                area_km2: polygon.unsigned_area() / 1.0e6,
                polygon,
            }
        })
        .collect()
}

/// Voronoi cells of `sites` clipped to `territory` (one per site, in order).
#[must_use]
pub fn voronoi_polygons(
    sites: &[Coord<f64>],
    territory: &MultiPolygon<f64>,
) -> Vec<MultiPolygon<f64>> {
    let Some(frame) = territory.bounding_rect() else {
        return vec![MultiPolygon(vec![]); sites.len()];
    };
    // The frame, grown to include every site, bounds every cell; computed once.
    let frame = crate::index::bounding_box(sites.iter().copied().chain([frame.min(), frame.max()]))
        .unwrap_or(frame);
    par::map_range(sites.len(), |i| {
        let cell = voronoi_cell(sites, i, frame);
        if cell.len() < 3 {
            return MultiPolygon(vec![]);
        }
        let cell = Polygon::new(LineString::from(cell), vec![]);
        territory.intersection(&cell)
    })
}

/// Convex Voronoi cell of site `i` within `frame` (which holds every site), as a ring without
/// the closing point; empty when a lower-index site shares the location.
fn voronoi_cell(sites: &[Coord<f64>], i: usize, frame: Rect<f64>) -> Vec<Coord<f64>> {
    let s = sites[i];
    let (min, max) = (frame.min(), frame.max());
    let mut cell = vec![
        Coord {
            x: min.x - 1.0,
            y: min.y - 1.0,
        },
        Coord {
            x: max.x + 1.0,
            y: min.y - 1.0,
        },
        Coord {
            x: max.x + 1.0,
            y: max.y + 1.0,
        },
        Coord {
            x: min.x - 1.0,
            y: max.y + 1.0,
        },
    ];
    for (j, &o) in sites.iter().enumerate() {
        if j == i {
            continue;
        }
        if o == s {
            if j < i {
                return Vec::new();
            }
            continue;
        }
        // Keep p with (p - m) . (o - s) <= 0, m the midpoint: the side of s.
        let n = Coord {
            x: o.x - s.x,
            y: o.y - s.y,
        };
        let m = Coord {
            x: f64::midpoint(o.x, s.x),
            y: f64::midpoint(o.y, s.y),
        };
        let side = |p: Coord<f64>| (p.x - m.x) * n.x + (p.y - m.y) * n.y;
        cell = clip_half_plane(&cell, side);
        if cell.is_empty() {
            return cell;
        }
    }
    cell
}

/// Sutherland-Hodgman clipping of a convex ring by the half plane `side(p) <= 0`.
fn clip_half_plane(ring: &[Coord<f64>], side: impl Fn(Coord<f64>) -> f64) -> Vec<Coord<f64>> {
    let mut out = Vec::with_capacity(ring.len() + 1);
    for k in 0..ring.len() {
        let a = ring[k];
        let b = ring[(k + 1) % ring.len()];
        let (sa, sb) = (side(a), side(b));
        if sa <= 0.0 {
            out.push(a);
        }
        if (sa <= 0.0) != (sb <= 0.0) {
            let t = sa / (sa - sb);
            out.push(Coord {
                x: a.x + t * (b.x - a.x),
                y: a.y + t * (b.y - a.y),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Nis, StraightLine, nearest_sites};
    use geo::{Contains, Point};

    fn rect(x0: f64, y0: f64, x1: f64, y1: f64) -> MultiPolygon<f64> {
        MultiPolygon(vec![Polygon::new(
            LineString::from(vec![(x0, y0), (x1, y0), (x1, y1), (x0, y1)]),
            vec![],
        )])
    }

    #[test]
    fn territory_keeps_clockwise_parts() {
        let commune = |code: &str, geometry: MultiPolygon<f64>| Commune {
            nis: Nis::try_from(code).expect("valid"),
            name: code.into(),
            arrondissement_nis: Nis::try_from("90000").expect("valid"),
            arrondissement: String::new(),
            province: String::new(),
            geometry,
            population: 0,
            typology: None,
        };
        let clockwise = MultiPolygon(vec![Polygon::new(
            LineString::from(vec![(10.0, 0.0), (10.0, 10.0), (20.0, 10.0), (20.0, 0.0)]),
            vec![],
        )]);
        let shape = territory(&[
            commune("90001", rect(0.0, 0.0, 10.0, 10.0)),
            commune("90002", clockwise),
        ]);
        assert!((shape.unsigned_area() - 200.0).abs() < 1e-9);
    }

    #[test]
    fn two_sites_split_a_square_at_the_bisector() {
        let territory = rect(0.0, 0.0, 10_000.0, 10_000.0);
        let sites = [
            Coord {
                x: 2_000.0,
                y: 5_000.0,
            },
            Coord {
                x: 6_000.0,
                y: 5_000.0,
            },
        ];
        let cells = voronoi_polygons(&sites, &territory);
        // Bisector x = 4,000: areas 40 and 60 km2.
        assert!((cells[0].unsigned_area() / 1e6 - 40.0).abs() < 1e-9);
        assert!((cells[1].unsigned_area() / 1e6 - 60.0).abs() < 1e-9);
    }

    #[test]
    fn cells_partition_the_territory_and_contain_their_nearest_points() {
        let territory = rect(0.0, 0.0, 50_000.0, 30_000.0);
        let mut state = 17u64;
        let mut next = || {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        let mut sites: Vec<Coord<f64>> = (0..25)
            .map(|_| Coord {
                x: next() * 60_000.0 - 5_000.0,
                y: next() * 30_000.0,
            })
            .collect();
        sites.push(sites[3]); // a duplicate location: empty cell
        let cells = voronoi_polygons(&sites, &territory);
        let total: f64 = cells.iter().map(Area::unsigned_area).sum();
        assert!(
            (total - 1.5e9).abs() < 1.0,
            "cells cover the territory once: {total}"
        );
        assert!(cells[25].0.is_empty());
        let index = crate::PointIndex::new(&sites);
        for _ in 0..2_000 {
            let q = Coord {
                x: next() * 50_000.0,
                y: next() * 30_000.0,
            };
            let nearest = index.nearest(q).expect("non-empty").index;
            assert!(
                cells[nearest].contains(&Point::from(q)) || {
                    // Points within a few mm of a bisector may fall on either side.
                    let d = |k: usize| (sites[k].x - q.x).hypot(sites[k].y - q.y);
                    (0..sites.len()).any(|k| k != nearest && (d(k) - d(nearest)).abs() < 1e-3)
                }
            );
        }
    }

    #[test]
    fn catchment_population_comes_from_allocation() {
        let communes = vec![Commune {
            nis: Nis::try_from("90001").expect("valid"),
            name: "T".into(),
            arrondissement_nis: Nis::try_from("90000").expect("valid"),
            arrondissement: String::new(),
            province: String::new(),
            geometry: rect(0.0, 0.0, 10_000.0, 10_000.0),
            population: 1_000,
            typology: None,
        }];
        let demand = crate::regular_grid(&communes, 1_000.0)
            .expect("valid")
            .points;
        let sites = [
            Coord {
                x: 2_000.0,
                y: 5_000.0,
            },
            Coord {
                x: 6_000.0,
                y: 5_000.0,
            },
        ];
        let nearest = nearest_sites(&demand, &sites, &StraightLine);
        let alone = Colocation::from_locations(&sites, &["a", "b"], &[None, None]);
        let c = site_catchments(&sites, &alone, &demand, &nearest, &territory(&communes));
        // Cell centres x = 500..9,500: four columns (x < 4,000) go to site 0: 40 cells x 10.
        assert_eq!((c[0].population, c[0].demand_points), (400, 40));
        assert_eq!((c[1].population, c[1].demand_points), (600, 60));
        assert!((c[0].area_km2 - 40.0).abs() < 1e-9);
        // A third service on site 1's point, with ETP 1 against 3: the 600 residents of that
        // location are shared 450 / 150, and both services have the location's cell.
        let three = [sites[0], sites[1], sites[1]];
        let shared =
            Colocation::from_locations(&three, &["a", "b", "c"], &[None, Some(3.0), Some(1.0)]);
        let nearest = nearest_sites(&demand, &three, &StraightLine);
        let c = site_catchments(&three, &shared, &demand, &nearest, &territory(&communes));
        assert_eq!(c[0].population, 400);
        assert_eq!((c[1].population, c[2].population), (450, 150));
        assert_eq!(
            (c[1].services_at_location, c[2].services_at_location),
            (2, 2)
        );
        assert!((c[1].location_share - 0.75).abs() < 1e-12);
        assert!((c[2].area_km2 - 60.0).abs() < 1e-9);
        assert_eq!(c[1].polygon, c[2].polygon);
        // Their residents come from the same cells: their distances agree to integer rounding.
        let (m1, m2) = (
            c[1].distance.mean_m.unwrap_or(0.0),
            c[2].distance.mean_m.unwrap_or(0.0),
        );
        assert!((m1 - m2).abs() / m1 < 0.02, "{m1} {m2}");
    }
}
