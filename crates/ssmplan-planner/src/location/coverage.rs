//! Sparse coverage lists for MCLP and LSCP: for each candidate, the demand within the radius that
//! no existing site covers (compressed sparse rows, 32-bit indices), built with one R-tree query
//! per demand point (or from the pairs of a cost table with `cost <= radius`); demand points with
//! the same candidate set are merged. No dense matrix.

use rayon::prelude::*;
use rstar::primitives::GeomWithData;
use rstar::{AABB, RTree};

use super::instance::LocationInstance;
use super::numeric::{det_sum, dist_2, morton_order};

/// Compressed sparse rows of 32-bit column indices.
#[derive(Clone, Debug)]
pub(crate) struct Csr {
    offsets: Vec<usize>,
    items: Vec<u32>,
}

impl Default for Csr {
    fn default() -> Self {
        Self {
            offsets: vec![0],
            items: Vec::new(),
        }
    }
}

impl Csr {
    /// Row `i`.
    #[inline]
    pub(crate) fn row(&self, i: usize) -> &[u32] {
        &self.items[self.offsets[i]..self.offsets[i + 1]]
    }

    /// Number of rows.
    pub(crate) fn rows(&self) -> usize {
        self.offsets.len() - 1
    }

    /// Number of stored entries.
    pub(crate) fn nnz(&self) -> usize {
        self.items.len()
    }

    /// Appends a row.
    pub(crate) fn push_row(&mut self, row: impl IntoIterator<Item = u32>) {
        self.items.extend(row);
        self.offsets.push(self.items.len());
    }

    /// The transpose, with `columns` rows; each row lists the original rows in increasing order.
    pub(crate) fn transpose(&self, columns: usize) -> Csr {
        let mut offsets = vec![0usize; columns + 1];
        for &c in &self.items {
            offsets[c as usize + 1] += 1;
        }
        for i in 0..columns {
            offsets[i + 1] += offsets[i];
        }
        let mut next = offsets.clone();
        let mut items = vec![0u32; self.items.len()];
        for r in 0..self.rows() {
            for &c in self.row(r) {
                let slot = &mut next[c as usize];
                items[*slot] = r as u32;
                *slot += 1;
            }
        }
        Csr { offsets, items }
    }
}

/// Demand points whose candidate sets are gathered in parallel before being grouped (bounds
/// peak memory).
const BUILD_BLOCK: usize = 1 << 16;
/// Demand points queried by one parallel task (their rows share one buffer).
const QUERY_CHUNK: usize = 256;
/// Consecutive demand points that share one R-tree query (see [`Reach::extend_rows`]).
const QUERY_BLOCK: usize = 16;

/// A 64-bit hash of a candidate set (multiply-xorshift; deterministic, no random state).
fn hash_row(row: &[u32]) -> u64 {
    let mut h: u64 = 0x9e37_79b9_7f4a_7c15 ^ row.len() as u64;
    for &x in row {
        h = (h ^ u64::from(x)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        h ^= h >> 29;
    }
    h
}

/// Distinct candidate sets (groups) with their summed weights: an open-addressing table of
/// group ids keyed by the sets' hashes, the sets themselves stored once in `rows`.
#[derive(Default)]
struct Groups {
    /// Weight of each group.
    weight: Vec<f64>,
    /// Candidate set of each group.
    rows: Csr,
    /// Hash of each group's set.
    hashes: Vec<u64>,
    /// Slots holding `group + 1` (0 = empty); the length is a power of two.
    table: Vec<u32>,
}

impl Groups {
    /// Adds `weight` to the group of `row` (created if new) and returns the group.
    fn insert(&mut self, hash: u64, row: &[u32], weight: f64) -> usize {
        if 2 * (self.weight.len() + 1) > self.table.len() {
            self.grow();
        }
        let mask = self.table.len() - 1;
        let mut slot = hash as usize & mask;
        loop {
            match self.table[slot] {
                0 => break,
                stored => {
                    let g = stored as usize - 1;
                    if self.hashes[g] == hash && self.rows.row(g) == row {
                        self.weight[g] += weight;
                        return g;
                    }
                }
            }
            slot = (slot + 1) & mask;
        }
        let g = self.weight.len();
        self.table[slot] = g as u32 + 1;
        self.weight.push(weight);
        self.hashes.push(hash);
        self.rows.items.extend_from_slice(row);
        self.rows.offsets.push(self.rows.items.len());
        g
    }

    /// Doubles the table and re-inserts the groups.
    fn grow(&mut self) {
        let size = (self.table.len() * 2).max(1024);
        self.table = vec![0; size];
        let mask = size - 1;
        for (g, &hash) in self.hashes.iter().enumerate() {
            let mut slot = hash as usize & mask;
            while self.table[slot] != 0 {
                slot = (slot + 1) & mask;
            }
            self.table[slot] = g as u32 + 1;
        }
    }
}

/// Whether each demand point is within `sqrt(radius_2)` of an existing site (cost table: within
/// `radius_m`).
fn covered_by_existing(instance: &LocationInstance, radius_m: f64, radius_2: f64) -> Vec<bool> {
    if let Some(costs) = instance.costs() {
        return (0..instance.demand_count())
            .into_par_iter()
            .map(|d| costs.existing_costs(d).1.iter().any(|&c| c <= radius_m))
            .collect();
    }
    let demand = instance.demand();
    if instance.existing().is_empty() {
        return vec![false; demand.len()];
    }
    let tree = RTree::bulk_load(
        instance
            .existing()
            .iter()
            .map(|p| [p.x, p.y])
            .collect::<Vec<_>>(),
    );
    demand
        .par_iter()
        .map(|p| {
            tree.locate_within_distance([p.x, p.y], radius_2)
                .next()
                .is_some()
        })
        .collect()
}

/// Where the candidates within the radius of a demand point come from.
enum Reach<'a> {
    /// Straight lines: an R-tree of the candidates.
    Planar {
        demand: &'a [geo::Coord<f64>],
        tree: RTree<GeomWithData<[f64; 2], u32>>,
        radius_2: f64,
    },
    /// The pairs of a cost table with `cost <= radius`.
    Table {
        costs: &'a super::CostTable,
        radius: f64,
    },
}

impl Reach<'_> {
    /// Appends, for each of `points` in turn, the candidates within the radius of that demand
    /// point in increasing order, and calls `row_done` with the row and its end in `items` once
    /// the row is complete.
    ///
    /// Straight lines: one R-tree query per [`QUERY_BLOCK`] consecutive points (Morton order
    /// keeps them close) finds the candidates near their bounding box widened by the radius,
    /// sorted once; each point then keeps those within the radius, tested with the same
    /// squared distance as `locate_within_distance`. A point-by-point query cost about six
    /// times more at 20 km, where each point has some 25 candidates in reach.
    fn extend_rows(
        &self,
        points: &[usize],
        items: &mut Vec<u32>,
        mut row_done: impl FnMut(&[u32], usize),
    ) {
        match self {
            Self::Planar {
                demand,
                tree,
                radius_2,
            } => {
                // A margin so that rounding in the box never drops a candidate the exact test
                // keeps; extra candidates are filtered out below.
                let reach = radius_2.sqrt() * (1.0 + 1e-9) + 1e-6;
                let mut near: Vec<(u32, geo::Coord<f64>)> = Vec::new();
                for block in points.chunks(QUERY_BLOCK) {
                    let (mut low, mut high) = ([f64::INFINITY; 2], [f64::NEG_INFINITY; 2]);
                    for &i in block {
                        let q = demand[i];
                        low = [low[0].min(q.x), low[1].min(q.y)];
                        high = [high[0].max(q.x), high[1].max(q.y)];
                    }
                    let envelope = AABB::from_corners(
                        [low[0] - reach, low[1] - reach],
                        [high[0] + reach, high[1] + reach],
                    );
                    near.clear();
                    near.extend(tree.locate_in_envelope(&envelope).map(|g| {
                        let [x, y] = *g.geom();
                        (g.data, geo::Coord { x, y })
                    }));
                    near.sort_unstable_by_key(|&(j, _)| j);
                    for &i in block {
                        let q = demand[i];
                        let start = items.len();
                        items.extend(
                            near.iter()
                                .filter(|&&(_, c)| dist_2(c, q) <= *radius_2)
                                .map(|&(j, _)| j),
                        );
                        row_done(&items[start..], items.len());
                    }
                }
            }
            Self::Table { costs, radius } => {
                for &i in points {
                    let (sites, cost) = costs.candidate_costs(i);
                    let start = items.len();
                    items.extend(
                        sites
                            .iter()
                            .zip(cost)
                            .filter(|&(_, &c)| c <= *radius)
                            .map(|(&j, _)| j),
                    );
                    row_done(&items[start..], items.len());
                }
            }
        }
    }
}

/// Coverage of an instance for one radius.
///
/// Demand points covered by the same set of candidates are interchangeable for MCLP and LSCP,
/// so they are merged into one *group* whose weight is their sum (typically 3 to 5 times fewer
/// rows); points no candidate reaches are dropped (they count in the total only).
#[derive(Clone, Debug)]
pub(crate) struct Coverage {
    /// Weight of each group (sum over its demand points in increasing demand order).
    pub weight: Vec<f64>,
    /// For each candidate, the groups within the radius, in increasing order.
    pub by_candidate: Csr,
    /// For each group, the candidates covering it, in increasing order.
    pub by_group: Csr,
    /// Total demand weight.
    pub total: f64,
    /// Weight within the radius of an existing site.
    pub baseline: f64,
    /// Demand indices of each group (kept for the oracle tests).
    #[cfg(test)]
    pub members: Vec<Vec<u32>>,
}

impl Coverage {
    /// Builds the lists for `radius_m` (validated by the caller: finite, positive).
    pub(crate) fn build(instance: &LocationInstance, radius_m: f64) -> Self {
        let radius_2 = radius_m * radius_m;
        let n = instance.demand_count();
        let weight = instance.weight();
        let covered = covered_by_existing(instance, radius_m, radius_2);
        let baseline = det_sum(n, |i| if covered[i] { weight[i] } else { 0.0 });
        // Active points (positive weight, not covered yet), in Morton order (file order for a
        // cost table).
        let active: Vec<usize> = (0..n).filter(|&i| weight[i] > 0.0 && !covered[i]).collect();
        let reach = if let Some(costs) = instance.costs() {
            Reach::Table {
                costs,
                radius: radius_m,
            }
        } else {
            Reach::Planar {
                demand: instance.demand(),
                tree: RTree::bulk_load(
                    instance
                        .candidates()
                        .iter()
                        .enumerate()
                        .map(|(j, c)| GeomWithData::new([c.x, c.y], j as u32))
                        .collect(),
                ),
                radius_2,
            }
        };
        let active: Vec<usize> = if instance.costs().is_some() {
            active
        } else {
            let points: Vec<_> = active.iter().map(|&i| instance.demand()[i]).collect();
            morton_order(&points)
                .into_iter()
                .map(|k| active[k])
                .collect()
        };
        // For each point, the candidates within the radius; points with the same candidate set
        // are merged into one group, numbered in order of first occurrence.
        let mut groups = Groups::default();
        #[cfg(test)]
        let mut members: Vec<Vec<u32>> = Vec::new();
        for block in active.chunks(BUILD_BLOCK) {
            // Rows of `QUERY_CHUNK` points at a time in one flat buffer: few allocations.
            let chunks: Vec<(Vec<u64>, Vec<usize>, Vec<u32>)> = block
                .par_chunks(QUERY_CHUNK)
                .map(|points| {
                    let mut hashes = Vec::with_capacity(points.len());
                    let mut ends = Vec::with_capacity(points.len());
                    let mut items = Vec::new();
                    reach.extend_rows(points, &mut items, |row, end| {
                        hashes.push(hash_row(row));
                        ends.push(end);
                    });
                    (hashes, ends, items)
                })
                .collect();
            for (points, (hashes, ends, items)) in block.chunks(QUERY_CHUNK).zip(chunks) {
                let mut start = 0;
                for ((&i, hash), end) in points.iter().zip(hashes).zip(ends) {
                    let row = &items[start..end];
                    start = end;
                    if row.is_empty() {
                        continue;
                    }
                    #[cfg_attr(
                        not(test),
                        expect(unused_variables, reason = "read by the oracle tests only")
                    )]
                    let group = groups.insert(hash, row, weight[i]);
                    #[cfg(test)]
                    {
                        if group == members.len() {
                            members.push(Vec::new());
                        }
                        members[group].push(i as u32);
                    }
                }
            }
        }
        let Groups {
            weight: group_weight,
            rows,
            ..
        } = groups;
        let by_candidate = rows.transpose(instance.candidate_count());
        Self {
            weight: group_weight,
            by_candidate,
            by_group: rows,
            total: instance.total_weight(),
            baseline,
            #[cfg(test)]
            members,
        }
    }

    /// Number of candidates.
    pub(crate) fn candidates(&self) -> usize {
        self.by_candidate.rows()
    }

    /// Number of groups.
    pub(crate) fn demand(&self) -> usize {
        self.weight.len()
    }

    /// Share of the total weight that `covered` (a weight) represents; 1 for an empty demand.
    pub(crate) fn share(&self, covered: f64) -> f64 {
        if self.total > 0.0 {
            covered / self.total
        } else {
            1.0
        }
    }
}

/// Which active demand points the chosen candidates cover, and how many times.
#[derive(Clone, Debug)]
pub(crate) struct CoverState<'a> {
    /// The coverage lists.
    pub cov: &'a Coverage,
    /// Number of chosen candidates covering each active demand point.
    pub count: Vec<u32>,
    /// Chosen candidates, by position.
    pub chosen: Vec<u32>,
    /// Whether each candidate is chosen.
    pub is_chosen: Vec<bool>,
}

impl<'a> CoverState<'a> {
    /// Nothing chosen.
    pub(crate) fn new(cov: &'a Coverage) -> Self {
        Self {
            cov,
            count: vec![0; cov.demand()],
            chosen: Vec::new(),
            is_chosen: vec![false; cov.candidates()],
        }
    }

    /// The candidates of `sites` opened in that order.
    pub(crate) fn with_open(cov: &'a Coverage, sites: impl IntoIterator<Item = usize>) -> Self {
        let mut state = Self::new(cov);
        for j in sites {
            state.add(j);
        }
        state
    }

    /// Weight that candidate `j` would newly cover.
    #[inline]
    pub(crate) fn gain(&self, j: usize) -> f64 {
        self.cov.by_candidate.row(j).iter().fold(0.0, |acc, &d| {
            if self.count[d as usize] == 0 {
                acc + self.cov.weight[d as usize]
            } else {
                acc
            }
        })
    }

    /// Gains of every candidate (0 for chosen ones), in parallel.
    pub(crate) fn gains(&self) -> Vec<f64> {
        (0..self.cov.candidates())
            .into_par_iter()
            .map(|j| if self.is_chosen[j] { 0.0 } else { self.gain(j) })
            .collect()
    }

    /// Opens candidate `j` at the end of `chosen`.
    pub(crate) fn add(&mut self, j: usize) {
        for &d in self.cov.by_candidate.row(j) {
            self.count[d as usize] += 1;
        }
        self.chosen.push(j as u32);
        self.is_chosen[j] = true;
    }

    /// Replaces the candidate at `position` by `j` (the tests' oracle of the swap tables).
    #[cfg(test)]
    pub(crate) fn replace(&mut self, position: usize, j: usize) {
        let old = self.chosen[position] as usize;
        for &d in self.cov.by_candidate.row(old) {
            self.count[d as usize] -= 1;
        }
        self.is_chosen[old] = false;
        for &d in self.cov.by_candidate.row(j) {
            self.count[d as usize] += 1;
        }
        self.chosen[position] = j as u32;
        self.is_chosen[j] = true;
    }

    /// Removes the candidate at `position` (order of the others kept).
    pub(crate) fn remove(&mut self, position: usize) {
        let old = self.chosen.remove(position) as usize;
        for &d in self.cov.by_candidate.row(old) {
            self.count[d as usize] -= 1;
        }
        self.is_chosen[old] = false;
    }

    /// Weight covered only by the candidate at `position`.
    pub(crate) fn unique(&self, position: usize) -> f64 {
        let j = self.chosen[position] as usize;
        self.cov.by_candidate.row(j).iter().fold(0.0, |acc, &d| {
            if self.count[d as usize] == 1 {
                acc + self.cov.weight[d as usize]
            } else {
                acc
            }
        })
    }

    /// Weight covered by the chosen candidates (existing coverage excluded), in a fixed order.
    pub(crate) fn covered(&self) -> f64 {
        det_sum(self.count.len(), |d| {
            if self.count[d] > 0 {
                self.cov.weight[d]
            } else {
                0.0
            }
        })
    }
}
