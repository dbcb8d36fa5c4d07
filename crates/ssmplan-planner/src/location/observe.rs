//! What the solver tells about its progress while it runs: its stages, and a few times a second
//! the state of the certified search (nodes solved, best value, proven bound), so that a long
//! `--exact` run shows where it stands. Reports never change the solution.

use std::cell::Cell;
use std::time::{Duration, Instant};

use super::numeric::relative_gap;

/// The state of the certified search, in the units of [`super::Solution::objective`] (for
/// LSCP, whose certificate is an MCLP search with one site fewer: the weight covered).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SearchState {
    /// Branch-and-bound nodes solved so far.
    pub nodes: u64,
    /// Value of the best solution found so far.
    pub objective: f64,
    /// Bound on the optimum over the whole tree (explored and waiting parts): the optimum is
    /// at most this for a maximisation, at least this for a minimisation.
    pub bound: f64,
    /// Relative gap between `objective` and `bound` (as [`super::Solution::gap`]).
    pub gap: f64,
    /// Seconds since the search started.
    pub elapsed_s: f64,
    /// The time limit of the search, when one was given.
    pub time_limit_s: Option<f64>,
}

/// Receives the solver's progress; see [`super::solve_observed`]. Called from the thread that
/// runs the solver.
pub trait SolveObserver: Sync {
    /// A stage starts (`what` is a short lower-case phrase, in English).
    fn stage(&self, what: &str);

    /// The certified search's state: on its first node, then at most every
    /// [`SEARCH_REPORT_INTERVAL`], and when it ends.
    fn search(&self, state: &SearchState) {
        let _ = state;
    }
}

/// Drops every report.
#[derive(Clone, Copy, Debug, Default)]
pub struct Quiet;

impl SolveObserver for Quiet {
    fn stage(&self, _what: &str) {}
}

/// Least time between two reports of the certified search.
pub const SEARCH_REPORT_INTERVAL: Duration = Duration::from_millis(250);

/// [`SEARCH_REPORT_INTERVAL`]; zero in the unit tests, which check every node's report.
#[cfg(not(test))]
const REPORT_INTERVAL: Duration = SEARCH_REPORT_INTERVAL;
#[cfg(test)]
const REPORT_INTERVAL: Duration = Duration::ZERO;

/// Throttled reports of one certified search.
pub(crate) struct Watch<'a> {
    observer: &'a dyn SolveObserver,
    start: Instant,
    next: Cell<Instant>,
    /// Added to the search's values to give the solution's (the weight existing sites cover).
    offset: f64,
    time_limit_s: Option<f64>,
}

impl<'a> Watch<'a> {
    /// A watch starting now; the first [`Watch::report`] goes through.
    pub(crate) fn new(
        observer: &'a dyn SolveObserver,
        offset: f64,
        time_limit_s: Option<f64>,
    ) -> Self {
        let start = Instant::now();
        Self {
            observer,
            start,
            next: Cell::new(start),
            offset,
            time_limit_s,
        }
    }

    /// Reports the search's state when the last report is old enough; `bound` is only
    /// computed then.
    pub(crate) fn report(&self, nodes: u64, objective: f64, bound: impl FnOnce() -> f64) {
        let now = Instant::now();
        if now < self.next.get() {
            return;
        }
        self.next.set(now + REPORT_INTERVAL);
        self.send(now, nodes, objective, bound());
    }

    /// Reports the search's final state.
    pub(crate) fn finish(&self, nodes: u64, objective: f64, bound: f64) {
        self.send(Instant::now(), nodes, objective, bound);
    }

    fn send(&self, now: Instant, nodes: u64, objective: f64, bound: f64) {
        let objective = self.offset + objective;
        let bound = self.offset + bound;
        self.observer.search(&SearchState {
            nodes,
            objective,
            bound,
            gap: relative_gap(objective, bound),
            elapsed_s: now.duration_since(self.start).as_secs_f64(),
            time_limit_s: self.time_limit_s,
        });
    }
}
