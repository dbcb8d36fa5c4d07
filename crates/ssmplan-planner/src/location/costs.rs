//! A sparse table of travel costs (network distances, drive times) between demand points and
//! sites, in place of straight lines: the long form `origin,dest,cost` of `PySAL` `access` and
//! spopt's `from_cost_matrix`. A pair absent from the table is unreachable.

use super::error::{LocationError, PointSet};

/// The site end of a pair of a [`CostTable`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Site {
    /// A candidate site, by index.
    Candidate(usize),
    /// An existing site, by index.
    Existing(usize),
}

/// One sparse set of rows (one per demand point) of `(site index, cost)` pairs, sorted by site.
#[derive(Clone, Debug, Default)]
struct Rows {
    offsets: Vec<usize>,
    site: Vec<u32>,
    cost: Vec<f64>,
}

impl Rows {
    fn row(&self, d: usize) -> (&[u32], &[f64]) {
        let r = self.offsets[d]..self.offsets[d + 1];
        (&self.site[r.clone()], &self.cost[r])
    }
}

/// Travel costs between demand points and sites, sparse: only the pairs given exist, every
/// other pair is unreachable (it never covers and never serves).
///
/// Built with [`CostTable::new`], which refuses indices out of range, repeated pairs and costs
/// that are negative, NaN or infinite.
///
/// # Units
/// Any cost unit (metres, minutes...); the MCLP and LSCP radius is in the same unit.
#[derive(Clone, Debug)]
pub struct CostTable {
    demand: usize,
    candidates: usize,
    existing: usize,
    to_candidates: Rows,
    to_existing: Rows,
    max_cost: f64,
}

/// Builds the rows of one site kind from `(demand, site, cost)` triples sorted by demand and site.
fn rows(demand: usize, pairs: &[(usize, usize, f64)]) -> Rows {
    let mut offsets = vec![0usize; demand + 1];
    for &(d, _, _) in pairs {
        offsets[d + 1] += 1;
    }
    for d in 0..demand {
        offsets[d + 1] += offsets[d];
    }
    Rows {
        offsets,
        site: pairs.iter().map(|&(_, s, _)| s as u32).collect(),
        cost: pairs.iter().map(|&(_, _, c)| c).collect(),
    }
}

impl CostTable {
    /// Validates and builds a table over `demand` demand points, `candidates` candidate sites
    /// and `existing` existing sites from `(demand index, site, cost)` triples in any order.
    ///
    /// # Errors
    /// [`LocationError::PairOutOfRange`] for an index beyond its set,
    /// [`LocationError::InvalidCost`] for a negative, NaN or infinite cost,
    /// [`LocationError::DuplicatePair`] for a pair given twice, and
    /// [`LocationError::TooManyPoints`] beyond `u32::MAX - 1` points in a set.
    ///
    /// # Units
    /// Any cost unit.
    pub fn new(
        demand: usize,
        candidates: usize,
        existing: usize,
        pairs: impl IntoIterator<Item = (usize, Site, f64)>,
    ) -> Result<Self, LocationError> {
        for (set, count) in [
            (PointSet::Demand, demand),
            (PointSet::Candidates, candidates),
            (PointSet::Existing, existing),
        ] {
            if count >= u32::MAX as usize {
                return Err(LocationError::TooManyPoints {
                    set,
                    count,
                    max: u32::MAX as usize - 1,
                });
            }
        }
        let mut to_candidates = Vec::new();
        let mut to_existing = Vec::new();
        let mut max_cost = 0.0_f64;
        for (d, site, cost) in pairs {
            let (index, count, list) = match site {
                Site::Candidate(j) => (j, candidates, &mut to_candidates),
                Site::Existing(k) => (k, existing, &mut to_existing),
            };
            if d >= demand || index >= count {
                return Err(LocationError::PairOutOfRange { demand: d, site });
            }
            if !(cost.is_finite() && cost >= 0.0) {
                return Err(LocationError::InvalidCost {
                    demand: d,
                    site,
                    cost,
                });
            }
            max_cost = max_cost.max(cost);
            list.push((d, index, cost));
        }
        for (list, kind) in [
            (&mut to_candidates, Site::Candidate as fn(usize) -> Site),
            (&mut to_existing, Site::Existing as fn(usize) -> Site),
        ] {
            list.sort_unstable_by_key(|a| (a.0, a.1));
            if let Some(w) = list
                .windows(2)
                .find(|w| (w[0].0, w[0].1) == (w[1].0, w[1].1))
            {
                return Err(LocationError::DuplicatePair {
                    demand: w[0].0,
                    site: kind(w[0].1),
                });
            }
        }
        Ok(Self {
            demand,
            candidates,
            existing,
            to_candidates: rows(demand, &to_candidates),
            to_existing: rows(demand, &to_existing),
            max_cost,
        })
    }

    /// Number of demand points.
    #[must_use]
    pub fn demand_count(&self) -> usize {
        self.demand
    }

    /// Number of candidate sites.
    #[must_use]
    pub fn candidate_count(&self) -> usize {
        self.candidates
    }

    /// Number of existing sites.
    #[must_use]
    pub fn existing_count(&self) -> usize {
        self.existing
    }

    /// Number of pairs (candidates and existing sites).
    #[must_use]
    pub fn pairs(&self) -> usize {
        self.to_candidates.site.len() + self.to_existing.site.len()
    }

    /// The largest cost of the table (0 when empty).
    #[must_use]
    pub fn max_cost(&self) -> f64 {
        self.max_cost
    }

    /// The candidates demand point `d` reaches (increasing index) and their costs.
    #[must_use]
    pub fn candidate_costs(&self, d: usize) -> (&[u32], &[f64]) {
        self.to_candidates.row(d)
    }

    /// The existing sites demand point `d` reaches (increasing index) and their costs.
    #[must_use]
    pub fn existing_costs(&self, d: usize) -> (&[u32], &[f64]) {
        self.to_existing.row(d)
    }

    /// The cheapest existing site of demand point `d`, infinite when it reaches none.
    pub(crate) fn nearest_existing(&self, d: usize) -> f64 {
        self.existing_costs(d)
            .1
            .iter()
            .fold(f64::INFINITY, |a, &c| a.min(c))
    }
}
