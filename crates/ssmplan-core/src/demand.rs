//! Demand models: where the residents of each commune are placed for distance computations.
//!
//! Every model keeps the population of each commune exactly (integers, remainders distributed
//! by [`apportion`](crate::apportion)), so totals match Statbel to the person.

use geo::{Coord, LineString, MultiPolygon};

use crate::{Commune, apportion, par};

/// Residents attached to a point (EPSG:3812) inside a commune.
#[derive(Clone, Copy, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct DemandPoint {
    /// Location, EPSG:3812 metres.
    pub location: Coord<f64>,
    /// Residents.
    pub population: u64,
    /// Index of the commune (in the loaded commune list) the residents belong to.
    pub commune: usize,
}

/// A weighted point of a sub-commune distribution (a population grid cell, a sector centroid,
/// a user point), before rescaling to the commune totals.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct WeightedPoint {
    /// Location, EPSG:3812 metres.
    pub location: Coord<f64>,
    /// Index of the commune the point belongs to.
    pub commune: usize,
    /// Relative weight (e.g. modelled residents); only its share within the commune matters.
    pub weight: f64,
}

/// The demand points and the communes that had to fall back to a single representative point.
#[derive(Clone, Debug, Default)]
pub struct Demand {
    /// The points, grouped by commune in commune order, then in a stable spatial order.
    pub points: Vec<DemandPoint>,
    /// Communes that received no point from the model (no grid cell centre inside, no weighted
    /// point) and whose whole population was put on their representative point.
    pub fallback_communes: Vec<usize>,
}

impl Demand {
    /// Total residents.
    #[must_use]
    pub fn population(&self) -> u64 {
        self.points.iter().map(|p| p.population).sum()
    }
}

/// Errors of the demand builders.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DemandError {
    /// A commune has an empty geometry, so no point can be placed in it.
    #[error("commune {nis} has an empty geometry: no demand point can be placed in it")]
    EmptyGeometry {
        /// NIS code of the commune.
        nis: String,
    },
    /// The grid cell size is not a positive finite number of metres.
    #[error("grid cell size must be a positive number of metres, found {found}")]
    BadCellSize {
        /// The rejected size.
        found: f64,
    },
    /// A weighted point refers to a commune index that does not exist.
    #[error(
        "weighted point {point} refers to commune index {commune}, beyond the {communes} loaded communes"
    )]
    UnknownCommune {
        /// Index of the point.
        point: usize,
        /// Its commune index.
        commune: usize,
        /// Number of communes.
        communes: usize,
    },
}

fn representative(commune: &Commune) -> Result<Coord<f64>, DemandError> {
    commune
        .representative_point()
        .ok_or_else(|| DemandError::EmptyGeometry {
            nis: commune.nis.to_string(),
        })
}

/// One point per commune: the centroid, or a point on surface when the centroid falls outside.
///
/// # Errors
/// [`DemandError::EmptyGeometry`] for a commune without geometry.
pub fn commune_points(communes: &[Commune]) -> Result<Demand, DemandError> {
    let points = communes
        .iter()
        .enumerate()
        .map(|(i, c)| {
            Ok(DemandPoint {
                location: representative(c)?,
                population: c.population,
                commune: i,
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Demand {
        points,
        fallback_communes: Vec::new(),
    })
}

/// A regular grid of `cell_m` metres, anchored at the EPSG:3812 origin, clipped to the communes:
/// a cell belongs to the commune containing its centre, and each commune's population is spread
/// evenly over its cells (i.e. by area). A commune too small to hold a cell centre gets one
/// point (its representative point) and is listed in [`Demand::fallback_communes`].
///
/// # Errors
/// [`DemandError::BadCellSize`] or [`DemandError::EmptyGeometry`].
pub fn regular_grid(communes: &[Commune], cell_m: f64) -> Result<Demand, DemandError> {
    regular_grid_with_progress(communes, cell_m, &|_| {})
}

/// [`regular_grid`], calling `done(1)` (from any thread) as each commune is gridded, for a
/// progress bar.
///
/// # Errors
/// As [`regular_grid`].
pub fn regular_grid_with_progress(
    communes: &[Commune],
    cell_m: f64,
    done: &(dyn Fn(u64) + Sync),
) -> Result<Demand, DemandError> {
    if !(cell_m.is_finite() && cell_m > 0.0) {
        return Err(DemandError::BadCellSize { found: cell_m });
    }
    let per_commune = par::map(communes, |c| {
        let centres = grid_centres(&c.geometry, cell_m);
        done(1);
        centres
    });
    let mut demand = Demand::default();
    for (i, (commune, centres)) in communes.iter().zip(per_commune).enumerate() {
        if centres.is_empty() {
            demand.points.push(DemandPoint {
                location: representative(commune)?,
                population: commune.population,
                commune: i,
            });
            demand.fallback_communes.push(i);
            continue;
        }
        let shares = apportion(commune.population, &vec![1.0; centres.len()]);
        demand.points.extend(
            centres
                .into_iter()
                .zip(shares)
                .map(|(location, population)| DemandPoint {
                    location,
                    population,
                    commune: i,
                }),
        );
    }
    Ok(demand)
}

/// Rescales weighted points so that each commune sums exactly to its population (largest
/// remainder). Communes with points of zero total weight spread their population evenly over
/// them; communes without any point get their representative point (listed as fallbacks).
/// Points keep their input order within each commune.
///
/// # Errors
/// [`DemandError::UnknownCommune`] or [`DemandError::EmptyGeometry`].
pub fn rescale_weighted_points(
    communes: &[Commune],
    points: &[WeightedPoint],
) -> Result<Demand, DemandError> {
    let mut by_commune: Vec<Vec<usize>> = vec![Vec::new(); communes.len()];
    for (i, p) in points.iter().enumerate() {
        by_commune
            .get_mut(p.commune)
            .ok_or(DemandError::UnknownCommune {
                point: i,
                commune: p.commune,
                communes: communes.len(),
            })?
            .push(i);
    }
    let mut demand = Demand::default();
    for (ci, (commune, members)) in communes.iter().zip(&by_commune).enumerate() {
        if members.is_empty() {
            demand.points.push(DemandPoint {
                location: representative(commune)?,
                population: commune.population,
                commune: ci,
            });
            demand.fallback_communes.push(ci);
            continue;
        }
        let weights: Vec<f64> = members.iter().map(|&i| points[i].weight).collect();
        let shares = apportion(commune.population, &weights);
        demand.points.extend(
            members
                .iter()
                .zip(shares)
                .map(|(&i, population)| DemandPoint {
                    location: points[i].location,
                    population,
                    commune: ci,
                }),
        );
    }
    Ok(demand)
}

/// Centres of the `cell_m` grid cells whose centre lies inside `shape`, by scanline (even-odd
/// rule, half-open so a centre on a shared border belongs to exactly one side), row by row from
/// the south, west to east.
#[must_use]
pub fn grid_centres(shape: &MultiPolygon<f64>, cell_m: f64) -> Vec<Coord<f64>> {
    use geo::BoundingRect;
    let Some(bbox) = shape.bounding_rect() else {
        return Vec::new();
    };
    let rings: Vec<&LineString<f64>> = shape
        .0
        .iter()
        .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
        .collect();
    let row_first = (bbox.min().y / cell_m - 0.5).ceil() as i64;
    let row_last = (bbox.max().y / cell_m - 0.5).floor() as i64;
    let mut centres = Vec::new();
    let mut crossings: Vec<f64> = Vec::new();
    for row in row_first..=row_last {
        let y = (row as f64 + 0.5) * cell_m;
        crossings.clear();
        for ring in &rings {
            for seg in ring.lines() {
                let (a, b) = (seg.start, seg.end);
                if (a.y <= y) != (b.y <= y) {
                    crossings.push(a.x + (y - a.y) * (b.x - a.x) / (b.y - a.y));
                }
            }
        }
        crossings.sort_by(f64::total_cmp);
        for pair in crossings.chunks_exact(2) {
            let first = (pair[0] / cell_m - 0.5).ceil() as i64;
            let end = (pair[1] / cell_m - 0.5).ceil() as i64;
            for col in first..end {
                centres.push(Coord {
                    x: (col as f64 + 0.5) * cell_m,
                    y,
                });
            }
        }
    }
    centres
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Nis;
    use geo::{Contains, Point, Polygon};

    fn commune(code: &str, geometry: MultiPolygon<f64>, population: u64) -> Commune {
        Commune {
            nis: Nis::try_from(code).expect("valid"),
            name: code.into(),
            arrondissement_nis: Nis::try_from("99000").expect("valid"),
            arrondissement: String::new(),
            province: String::new(),
            geometry,
            population,
            typology: None,
        }
    }

    fn rect(x0: f64, y0: f64, x1: f64, y1: f64) -> Polygon<f64> {
        Polygon::new(
            LineString::from(vec![(x0, y0), (x1, y0), (x1, y1), (x0, y1)]),
            vec![],
        )
    }

    #[test]
    fn grid_centres_match_brute_force_point_in_polygon() {
        let mut shape = rect(130.0, 20.0, 2_470.0, 1_910.0);
        shape.interiors_push(LineString::from(vec![
            (600.0, 600.0),
            (1_400.0, 650.0),
            (1_000.0, 1_500.0),
        ]));
        let shape = MultiPolygon(vec![shape, rect(3_000.0, 0.0, 3_333.0, 777.0)]);
        let got = grid_centres(&shape, 100.0);
        let mut want = Vec::new();
        for row in -5..40 {
            for col in -5..40 {
                let c = Coord {
                    x: (f64::from(col) + 0.5) * 100.0,
                    y: (f64::from(row) + 0.5) * 100.0,
                };
                if shape.contains(&Point::from(c)) {
                    want.push(c);
                }
            }
        }
        assert_eq!(got, want);
    }

    #[test]
    fn regular_grid_keeps_commune_totals_and_falls_back_for_tiny_communes() {
        let communes = vec![
            commune(
                "90001",
                MultiPolygon(vec![rect(0.0, 0.0, 1_000.0, 1_000.0)]),
                1_001,
            ),
            // 10 m wide: no 250 m cell centre inside.
            commune(
                "90002",
                MultiPolygon(vec![rect(1_000.0, 0.0, 1_010.0, 1_000.0)]),
                7,
            ),
        ];
        let demand = regular_grid(&communes, 250.0).expect("valid");
        assert_eq!(demand.points.iter().filter(|p| p.commune == 0).count(), 16);
        assert_eq!(demand.population(), 1_008);
        assert_eq!(demand.fallback_communes, vec![1]);
        let first: u64 = demand
            .points
            .iter()
            .filter(|p| p.commune == 0)
            .map(|p| p.population)
            .sum();
        assert_eq!(first, 1_001);
        assert!(regular_grid(&communes, 0.0).is_err());
        assert!(regular_grid(&communes, f64::NAN).is_err());
    }

    #[test]
    fn rescaled_points_sum_to_commune_population() {
        let communes = vec![
            commune("90001", MultiPolygon(vec![rect(0.0, 0.0, 10.0, 10.0)]), 100),
            commune("90002", MultiPolygon(vec![rect(10.0, 0.0, 20.0, 10.0)]), 51),
            commune("90003", MultiPolygon(vec![rect(20.0, 0.0, 30.0, 10.0)]), 9),
        ];
        let at = |x: f64, commune: usize, weight: f64| WeightedPoint {
            location: Coord { x, y: 5.0 },
            commune,
            weight,
        };
        let points = [
            at(1.0, 0, 3.0),
            at(2.0, 0, 1.0),
            at(11.0, 1, 0.0),
            at(12.0, 1, 0.0),
        ];
        let demand = rescale_weighted_points(&communes, &points).expect("valid");
        let pops: Vec<u64> = demand.points.iter().map(|p| p.population).collect();
        assert_eq!(pops, vec![75, 25, 26, 25, 9]);
        assert_eq!(demand.fallback_communes, vec![2]);
        assert!(rescale_weighted_points(&communes, &[at(0.0, 7, 1.0)]).is_err());
    }
}
