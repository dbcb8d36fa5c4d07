//! Incremental swap tables for the MCLP local search.
//!
//! For the chosen site at position `i` and a candidate `j` not chosen, swapping `i` for `j`
//! changes the covered weight by `gain[j] - loss[i] + extra[i][j]`:
//! - `gain[j]`: the weight no chosen site covers and `j` does;
//! - `loss[i]`: the weight only the site at `i` covers;
//! - `extra[i][j]`: the part of `loss[i]` that `j` covers too.
//!
//! Each demand group contributes to these tables according to how many chosen sites cover it
//! (none: to `gain`; one: to `loss` and `extra` of that site's position; more: nothing), so a
//! swap only touches the groups within reach of the two sites it exchanges, and through them
//! the candidates that cover those groups. A best-improvement step then costs one scan of the
//! `p x m` deltas plus that local update, instead of recounting every list (Whitaker's fast
//! interchange, in the bookkeeping Resende and Werneck give for p-median, here for covering).
//!
//! With weights that are integers (or on a grid of `2^-k`) the tables stay exact; otherwise
//! they drift by rounding only, and callers recompute exact gains from the cover counts when a
//! bound depends on them.

use super::coverage::CoverState;

/// Largest `gain[j] + extra[j]` (minus infinity for an empty row), in eight lanes.
fn row_max(gain: &[f64], extra: &[f64]) -> f64 {
    const LANES: usize = 8;
    let mut lanes = [f64::NEG_INFINITY; LANES];
    let (g_chunks, g_rest) = gain.as_chunks::<LANES>();
    let (x_chunks, x_rest) = extra.as_chunks::<LANES>();
    for (g, x) in g_chunks.iter().zip(x_chunks) {
        for k in 0..LANES {
            let v = g[k] + x[k];
            lanes[k] = if v > lanes[k] { v } else { lanes[k] };
        }
    }
    let mut top =
        g_rest.iter().zip(x_rest).fold(
            f64::NEG_INFINITY,
            |a, (&g, &x)| if g + x > a { g + x } else { a },
        );
    for v in lanes {
        top = if v > top { v } else { top };
    }
    top
}

/// The tables of one cover state (see the module documentation).
#[derive(Clone, Debug)]
pub(crate) struct SwapTables {
    /// Number of candidates (the row length of `extra`).
    m: usize,
    /// Weight each candidate would newly cover (0 for chosen ones).
    gain: Vec<f64>,
    /// Weight covered only by the site at each position.
    loss: Vec<f64>,
    /// `extra[i * m + j]`: weight covered only by the site at position `i` and also by `j`.
    extra: Vec<f64>,
    /// For each group, the exclusive or of the positions of the chosen sites that cover it:
    /// the position of that site when only one does, without scanning the group's candidates.
    owners: Vec<u32>,
}

impl SwapTables {
    /// The tables of `state`, from its cover counts: one pass over the groups that no chosen
    /// site or exactly one covers (the others contribute nothing), in group order.
    pub(crate) fn new(state: &CoverState<'_>) -> Self {
        let cov = state.cov;
        let m = cov.candidates();
        let mut owners = vec![0; cov.demand()];
        for (i, &j) in state.chosen.iter().enumerate() {
            for &group in cov.by_candidate.row(j as usize) {
                owners[group as usize] ^= i as u32;
            }
        }
        let mut tables = Self {
            m,
            gain: vec![0.0; m],
            loss: vec![0.0; state.chosen.len()],
            extra: vec![0.0; state.chosen.len() * m],
            owners,
        };
        for (group, &count) in state.count.iter().enumerate() {
            let weight = cov.weight[group];
            let covering = cov.by_group.row(group);
            match count {
                0 => {
                    for &k in covering {
                        tables.gain[k as usize] += weight;
                    }
                }
                1 => tables.add_sole(tables.owners[group] as usize, covering, weight),
                _ => {}
            }
        }
        tables
    }
    /// Change of the covered weight if the site at position `i` is swapped for candidate `j`
    /// (not chosen).
    #[inline]
    pub(crate) fn delta(&self, i: usize, j: usize) -> f64 {
        (self.gain[j] + self.extra[i * self.m + j]) - self.loss[i]
    }

    /// The swap of largest delta above `threshold` among those `allowed(i, j)` accepts (`j`
    /// not chosen); ties go to the lowest position, then the lowest candidate.
    ///
    /// Each position's row is first reduced to its largest `gain[j] + extra[i][j]` in eight
    /// independent lanes (the compiler vectorises them); only rows whose largest delta passes
    /// the current best are scanned for the candidate. Subtracting `loss[i]` is monotone, so
    /// the skipped rows hold no better swap.
    pub(crate) fn best(
        &self,
        state: &CoverState<'_>,
        threshold: f64,
        allowed: impl Fn(usize, usize) -> bool,
    ) -> Option<(f64, usize, usize)> {
        let mut best: Option<(f64, usize, usize)> = None;
        let mut bar = threshold;
        for (i, &lost) in self.loss.iter().enumerate() {
            let row = &self.extra[i * self.m..(i + 1) * self.m];
            if row_max(&self.gain, row) - lost <= bar {
                continue;
            }
            for (j, (&g, &x)) in self.gain.iter().zip(row).enumerate() {
                let delta = (g + x) - lost;
                if delta > bar && !state.is_chosen[j] && allowed(i, j) {
                    bar = delta;
                    best = Some((delta, i, j));
                }
            }
        }
        best
    }

    /// Best-improvement swaps until none improves the covered weight by more than `eps` or
    /// `max_moves` are made; returns the moves made and the swap pairs scored.
    pub(crate) fn descend(
        &mut self,
        state: &mut CoverState<'_>,
        max_moves: usize,
        eps: f64,
    ) -> (usize, u64) {
        let pairs = (state.chosen.len() * (self.m - state.chosen.len())) as u64;
        let mut moves = 0;
        let mut evaluations = 0;
        while moves < max_moves {
            evaluations += pairs;
            let Some((_, i, j)) = self.best(state, eps, |_, _| true) else {
                break;
            };
            self.apply(state, i, j);
            moves += 1;
        }
        (moves, evaluations)
    }

    /// Adds `weight` to the loss of position `slot` and to its extra for every candidate of
    /// `covering` (`weight` negative: removes it).
    fn add_sole(&mut self, slot: usize, covering: &[u32], weight: f64) {
        self.loss[slot] += weight;
        let row = &mut self.extra[slot * self.m..(slot + 1) * self.m];
        for &k in covering {
            row[k as usize] += weight;
        }
    }

    /// Moves `weight` from the gains of the candidates of `covering` into the loss of position
    /// `slot` and its extra for each of them, in one pass (`weight` negative: back into the
    /// gains).
    fn claim_sole(&mut self, slot: usize, covering: &[u32], weight: f64) {
        self.loss[slot] += weight;
        let row = &mut self.extra[slot * self.m..(slot + 1) * self.m];
        for &k in covering {
            self.gain[k as usize] -= weight;
            row[k as usize] += weight;
        }
    }

    /// Swaps the site at position `slot` for candidate `incoming` (not chosen) in `state` and
    /// updates the tables, in one merged pass over the two sites' groups (both lists are in
    /// increasing order):
    /// - a group only the old site reaches loses one cover: if no chosen site covers it any
    ///   more, it goes into the gains of its candidates and out of the row of `slot`; if one
    ///   other site is left, it becomes that site's alone;
    /// - a group only `incoming` reaches gains one cover: if none covered it, it goes out of the
    ///   gains and into the row of `slot`; if one site did, it stops being that site's alone;
    /// - a group both reach keeps its count and, when the site at `slot` covered it alone, its
    ///   place in the row of `slot`: nothing to do. Neighbouring sites share most of their
    ///   groups, which is where the local and tabu searches swap most.
    pub(crate) fn apply(&mut self, state: &mut CoverState<'_>, slot: usize, incoming: usize) {
        let cov = state.cov;
        let old = state.chosen[slot] as usize;
        state.is_chosen[old] = false;
        let (leaving, entering) = (cov.by_candidate.row(old), cov.by_candidate.row(incoming));
        let (mut a, mut b) = (0, 0);
        loop {
            match (leaving.get(a), entering.get(b)) {
                (Some(&l), Some(&e)) if l == e => {
                    a += 1;
                    b += 1;
                }
                (Some(&l), Some(&e)) if e < l => {
                    self.enter(state, e as usize, slot);
                    b += 1;
                }
                (Some(&l), _) => {
                    self.leave(state, l as usize, slot);
                    a += 1;
                }
                (None, Some(&e)) => {
                    self.enter(state, e as usize, slot);
                    b += 1;
                }
                (None, None) => break,
            }
        }
        self.gain[incoming] = 0.0;
        state.chosen[slot] = incoming as u32;
        state.is_chosen[incoming] = true;
    }

    /// One cover less on `group`, which the site leaving `slot` reaches and the site entering
    /// it does not.
    fn leave(&mut self, state: &mut CoverState<'_>, group: usize, slot: usize) {
        let cov = state.cov;
        let weight = cov.weight[group];
        let covering = cov.by_group.row(group);
        self.owners[group] ^= slot as u32;
        match state.count[group] {
            1 => self.claim_sole(slot, covering, -weight),
            2 => self.add_sole(self.owners[group] as usize, covering, weight),
            _ => {}
        }
        state.count[group] -= 1;
    }

    /// One cover more on `group`, which the site entering `slot` reaches and the site leaving
    /// it does not.
    fn enter(&mut self, state: &mut CoverState<'_>, group: usize, slot: usize) {
        let cov = state.cov;
        let weight = cov.weight[group];
        let covering = cov.by_group.row(group);
        match state.count[group] {
            0 => self.claim_sole(slot, covering, weight),
            1 => self.add_sole(self.owners[group] as usize, covering, -weight),
            _ => {}
        }
        self.owners[group] ^= slot as u32;
        state.count[group] += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::super::coverage::{CoverState, Coverage};
    use super::super::numeric::{Draw, SplitMix64};
    use super::super::{SyntheticParams, synthetic_instance};
    use super::SwapTables;

    /// After a random walk of swaps, every delta equals the covered weight recounted after
    /// actually making that swap (an independent oracle), and the tables equal fresh ones.
    #[test]
    fn incremental_tables_match_recounted_swaps() {
        for seed in 0..4u64 {
            let instance = synthetic_instance(
                &SyntheticParams::new(seed, 400, 40).existing(3 * usize::from(seed == 2)),
            )
            .expect("synthetic");
            let cov = Coverage::build(&instance, 9_000.0 + 2_000.0 * seed as f64);
            let mut state = CoverState::with_open(&cov, (0..6).map(|j| j * 5));
            let mut tables = SwapTables::new(&state);
            let mut rng = SplitMix64::new(seed);
            for _ in 0..30 {
                let i = rng.below(state.chosen.len());
                let j = loop {
                    let j = rng.below(cov.candidates());
                    if !state.is_chosen[j] {
                        break j;
                    }
                };
                tables.apply(&mut state, i, j);
            }
            let fresh = SwapTables::new(&state);
            assert_eq!(tables.gain, fresh.gain, "seed {seed}");
            assert_eq!(tables.loss, fresh.loss, "seed {seed}");
            assert_eq!(tables.extra, fresh.extra, "seed {seed}");
            assert_eq!(tables.owners, fresh.owners, "seed {seed}");
            let before = state.covered();
            for i in 0..state.chosen.len() {
                for j in (0..cov.candidates()).filter(|&j| !state.is_chosen[j]) {
                    let mut moved = state.clone();
                    moved.replace(i, j);
                    let expected = moved.covered() - before;
                    assert!(
                        (tables.delta(i, j) - expected).abs() <= 1e-9 * cov.total,
                        "seed {seed}, swap {i} -> {j}: {} vs {expected}",
                        tables.delta(i, j)
                    );
                }
            }
        }
    }
}
