//! The depth-first branch-and-bound shared by the certified MCLP (`branch.rs`, a maximisation)
//! and p-median (`median_branch.rs`, a minimisation): the node stack, the dive, the limits,
//! the progress reports and the final proven bound. Each model brings its own node solver (a
//! Lagrangian bound with reduced-cost fixing) through [`TreeSearch`].

use std::time::{Duration, Instant};

use super::observe::{SolveObserver, Watch};
use super::params::SolveParams;

/// Subgradient iterations at the root.
pub(crate) const ROOT_ITERATIONS: usize = 600;
/// Subgradient iterations at the other nodes.
pub(crate) const NODE_ITERATIONS: usize = 60;
/// Fixing rounds at one node before branching.
pub(crate) const FIXING_ROUNDS: usize = 8;
/// Non-improving iterations before a node halves its step factor.
pub(crate) const NODE_PATIENCE: usize = 10;
/// Step factor under which a node's subgradient search stops.
pub(crate) const THETA_MIN: f64 = 1e-3;
/// Deflection factor (Camerini-Fratta-Maffioli).
pub(crate) const DEFLECTION: f64 = 1.5;

/// When to stop the search early, and where to report its progress.
pub(crate) struct Limits<'a> {
    /// Wall-clock deadline.
    deadline: Option<Instant>,
    /// Largest number of nodes.
    nodes: u64,
    /// Progress reports.
    watch: Watch<'a>,
}

impl<'a> Limits<'a> {
    /// The limits of `params` from now; reports go to `observer`, with `offset` added to the
    /// search's values (see [`Watch`]).
    pub(crate) fn new(params: &SolveParams, observer: &'a dyn SolveObserver, offset: f64) -> Self {
        Self {
            deadline: params
                .time_limit_s
                .map(|s| Instant::now() + Duration::from_secs_f64(s)),
            nodes: params.node_limit,
            watch: Watch::new(observer, offset, params.time_limit_s),
        }
    }

    /// Whether the search must stop after `nodes` nodes.
    fn reached(&self, nodes: u64) -> bool {
        self.deadline.is_some_and(|d| Instant::now() >= d) || nodes >= self.nodes
    }
}

/// A node waiting on the stack: its fixings (1 open, -1 closed, 0 free), warm-start
/// multipliers and its parent's bound.
pub(crate) struct Pending {
    pub fixed: Vec<i8>,
    pub lambda: Vec<f64>,
    pub bound: f64,
}

/// What the search keeps whatever the model.
pub(crate) struct TreeState {
    /// Value of the best set found.
    pub incumbent: f64,
    /// The best set found (sorted).
    pub best_set: Vec<u32>,
    /// The loosest bound of the discarded parts of the tree (the largest for a maximisation).
    pub discarded: f64,
    /// Nodes solved.
    pub nodes: u64,
}

impl TreeState {
    /// From the incumbent `(value, set)`, nothing discarded yet (`none`: the identity of the
    /// loosest bound, minus infinity for a maximisation).
    pub(crate) fn new(start: (f64, &[u32]), none: f64) -> Self {
        Self {
            incumbent: start.0,
            best_set: start.1.to_vec(),
            discarded: none,
            nodes: 0,
        }
    }

    /// Makes `open` (of value `value`) the incumbent when it is better (larger when
    /// `maximise`); returns `value`.
    pub(crate) fn improve(&mut self, value: f64, open: &[usize], maximise: bool) -> f64 {
        let better = if maximise {
            value > self.incumbent
        } else {
            value < self.incumbent
        };
        if better {
            self.incumbent = value;
            let mut set: Vec<u32> = open.iter().map(|&j| j as u32).collect();
            set.sort_unstable();
            self.best_set = set;
        }
        value
    }
}

/// A node's open and free candidates and the number `k` of sites left to choose.
pub(crate) struct Split {
    pub opened: Vec<usize>,
    pub free: Vec<usize>,
    pub k: usize,
}

/// What the search needs of a model: its bound at a node (a Lagrangian relaxation), its
/// reduced-cost fixing and its solution values.
pub(crate) trait TreeSearch {
    /// Whether the model maximises (MCLP) or minimises (p-median).
    const MAXIMISE: bool;

    /// What a node's relaxation needs besides the multipliers.
    type Frame;

    /// The incumbent, the discarded bounds and the node count.
    fn tree(&self) -> &TreeState;

    /// As [`TreeSearch::tree`], to update.
    fn tree_mut(&mut self) -> &mut TreeState;

    /// Sites to choose in all.
    fn p(&self) -> usize;

    /// The bound given to a node branched on without one of its own (MCLP: the total weight;
    /// p-median: minus infinity).
    fn trivial_bound(&self) -> f64;

    /// True when a bound cannot beat the incumbent.
    fn prunable(&self, bound: f64) -> bool;

    /// Records a discarded bound.
    fn discard(&mut self, bound: f64);

    /// Offers a set of candidates as a solution (the incumbent is updated when it is better);
    /// returns its value.
    fn offer(&mut self, open: &[usize]) -> f64;

    /// The relaxation's frame of a node that still has a choice to make (`split`), with
    /// `lambda` adjusted to it.
    fn frame(&mut self, split: Split, lambda: &mut [f64]) -> Self::Frame;

    /// The free candidates of a frame (in increasing order).
    fn free(frame: &Self::Frame) -> &[usize];

    /// Subgradient steps on the node's bound from `lambda` (left at the best multipliers),
    /// offering the relaxed open sets met; returns the best bound.
    fn relax(
        &mut self,
        frame: &Self::Frame,
        lambda: &mut [f64],
        iterations: usize,
        theta: &mut f64,
    ) -> f64;

    /// Reduced-cost fixing at bound `best`: whether it fixed a candidate, and the candidate to
    /// branch on.
    fn fix(
        &mut self,
        frame: &Self::Frame,
        fixed: &mut [i8],
        lambda: &[f64],
        best: f64,
    ) -> (bool, Option<usize>);
}

/// The node's frame; `None` at a leaf (nothing left to choose), after offering its set.
fn frame<S: TreeSearch>(search: &mut S, fixed: &[i8], lambda: &mut [f64]) -> Option<S::Frame> {
    let opened: Vec<usize> = (0..fixed.len()).filter(|&j| fixed[j] == 1).collect();
    let free: Vec<usize> = (0..fixed.len()).filter(|&j| fixed[j] == 0).collect();
    let k = search.p().saturating_sub(opened.len());
    if k == 0 || free.len() <= k {
        let mut all = opened;
        if k > 0 {
            all.extend(&free);
        }
        search.offer(&all);
        return None;
    }
    Some(search.frame(Split { opened, free, k }, lambda))
}

/// Solves one node: relaxation, fixing (repeated while it fixes something, at most
/// [`FIXING_ROUNDS`] times), and either discards it (`None`) or returns the candidate to
/// branch on and the node's bound.
fn solve_node<S: TreeSearch>(
    search: &mut S,
    fixed: &mut [i8],
    lambda: &mut [f64],
    iterations: usize,
) -> Option<(usize, f64)> {
    search.tree_mut().nodes += 1;
    let mut theta = if search.tree().nodes == 1 { 2.0 } else { 1.0 };
    let mut last = None;
    for _round in 0..FIXING_ROUNDS {
        let frame = frame(search, fixed, lambda)?;
        let best = search.relax(&frame, lambda, iterations, &mut theta);
        if search.prunable(best) {
            search.discard(best);
            return None;
        }
        let (changed, branch) = search.fix(&frame, fixed, lambda, best);
        if !changed {
            return branch.map(|j| (j, best));
        }
        last = branch.map(|j| (j, best));
        theta = theta.max(0.5);
    }
    // Out of fixing rounds: branch on the last round's choice if still free.
    let frame = frame(search, fixed, lambda)?;
    match last {
        Some((j, bound)) if fixed[j] == 0 => Some((j, bound)),
        _ => Some((S::free(&frame)[0], search.trivial_bound())),
    }
}

/// The result of the search.
#[derive(Clone, Debug)]
pub(crate) struct TreeOutcome {
    /// Value of `set` (MCLP: existing coverage excluded; p-median: fixed cost excluded).
    pub value: f64,
    /// The best set found (sorted).
    pub set: Vec<u32>,
    /// Proven bound on the optimum (upper for MCLP, lower for p-median).
    pub bound: f64,
    /// Whether the search finished (then `set` is optimal).
    pub proven: bool,
    /// Nodes solved.
    pub nodes: u64,
}

/// The loosest of two bounds (the larger for a maximisation).
fn loosest<S: TreeSearch>(a: f64, b: f64) -> f64 {
    if S::MAXIMISE { a.max(b) } else { a.min(b) }
}

/// The loosest bound still open: over the stack and `current`, cut at `cap` (the trivial
/// bound), and never tighter than the discarded parts or the incumbent.
fn open_bound<S: TreeSearch>(search: &S, stack: &[Pending], current: f64, cap: f64) -> f64 {
    let open = stack
        .iter()
        .map(|n| n.bound)
        .fold(current, |a, b| loosest::<S>(a, b));
    let capped = if S::MAXIMISE {
        open.min(cap)
    } else {
        open.max(cap)
    };
    loosest::<S>(
        loosest::<S>(capped, search.tree().discarded),
        search.tree().incumbent,
    )
}

/// Depth-first branch-and-bound choosing `p` of `m` candidates from the `root` node; `cap` is
/// the trivial bound (everything within reach for MCLP, 0 for p-median). Each node's "open"
/// child is solved at once (the dive), its "closed" child waits on the stack.
pub(crate) fn depth_first<S: TreeSearch>(
    mut search: S,
    m: usize,
    p: usize,
    root: Pending,
    cap: f64,
    limits: &Limits<'_>,
) -> TreeOutcome {
    if p == 0 || p >= m {
        let all: Vec<usize> = if p == 0 { Vec::new() } else { (0..m).collect() };
        search.offer(&all);
        return TreeOutcome {
            value: search.tree().incumbent,
            set: search.tree().best_set.clone(),
            bound: search.tree().incumbent,
            proven: true,
            nodes: 0,
        };
    }
    let identity = if S::MAXIMISE {
        f64::NEG_INFINITY
    } else {
        f64::INFINITY
    };
    let mut stack = vec![root];
    let mut stopped = false;
    while let Some(mut node) = stack.pop() {
        if search.prunable(node.bound) {
            search.discard(node.bound);
            continue;
        }
        loop {
            limits
                .watch
                .report(search.tree().nodes, search.tree().incumbent, || {
                    open_bound(&search, &stack, node.bound, cap)
                });
            if limits.reached(search.tree().nodes) {
                stack.push(node);
                stopped = true;
                break;
            }
            let iterations = if search.tree().nodes == 0 {
                ROOT_ITERATIONS
            } else {
                NODE_ITERATIONS
            };
            let Some((j, bound)) =
                solve_node(&mut search, &mut node.fixed, &mut node.lambda, iterations)
            else {
                break;
            };
            let mut closed = node.fixed.clone();
            closed[j] = -1;
            stack.push(Pending {
                fixed: closed,
                lambda: node.lambda.clone(),
                bound,
            });
            node.fixed[j] = 1;
            node.bound = bound;
        }
        if stopped {
            break;
        }
    }
    let proven = !stopped || stack.iter().all(|n| search.prunable(n.bound));
    let bound = if proven {
        loosest::<S>(search.tree().discarded, search.tree().incumbent)
    } else {
        open_bound(&search, &stack, identity, cap)
    };
    limits
        .watch
        .finish(search.tree().nodes, search.tree().incumbent, bound);
    TreeOutcome {
        value: search.tree().incumbent,
        set: search.tree().best_set.clone(),
        bound,
        proven,
        nodes: search.tree().nodes,
    }
}
