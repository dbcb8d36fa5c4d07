//! The directed road graph in compressed sparse row (CSR) form, its largest strongly connected
//! component, and Dijkstra with a cutoff.
//!
//! Why a hand-written Dijkstra and not a kept crate: measured in `benches/network.rs` (group
//! `dijkstra`), one-to-all on the 101,760-edge synthetic network, one core, release build, on a
//! shared 2-core machine (load average about 7): this CSR Dijkstra with
//! `std::collections::BinaryHeap` and reused buffers takes 4.3 ms a tree (mean of 20 samples),
//! `pathfinding` 4's `dijkstra_all` with successors read from the same CSR 11.6 ms, 2.7 times
//! as long. The crates keep their state in hash maps (`pathfinding`, `petgraph`'s `dijkstra`),
//! allocate per call and have no cutoff; `fast_paths` (contraction hierarchies) answers one
//! pair at a time or a multi-source best path, not the one-to-all trees needed for the k
//! nearest sites. The graph code is about a hundred lines, tested against Floyd–Warshall.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use geo::Coord;

/// One direction of the graph: the out-edges of node `u` are `heads[offsets[u]..offsets[u + 1]]`
/// with travel times `secs[..]` in the same range.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Csr {
    offsets: Vec<u32>,
    heads: Vec<u32>,
    secs: Vec<f64>,
}

impl Csr {
    /// Builds the CSR of `nodes` nodes from `(tail, head, seconds)` edges (a counting sort on
    /// the tail, stable: the edges of a node keep their input order).
    fn from_edges(nodes: usize, edges: impl Iterator<Item = (u32, u32, f64)> + Clone) -> Self {
        let mut offsets = vec![0u32; nodes + 1];
        for (u, _, _) in edges.clone() {
            offsets[u as usize + 1] += 1;
        }
        for i in 0..nodes {
            offsets[i + 1] += offsets[i];
        }
        let m = offsets[nodes] as usize;
        let mut next: Vec<u32> = offsets[..nodes].to_vec();
        let mut heads = vec![0u32; m];
        let mut secs = vec![0.0; m];
        for (u, v, s) in edges {
            let slot = next[u as usize] as usize;
            heads[slot] = v;
            secs[slot] = s;
            next[u as usize] += 1;
        }
        Self {
            offsets,
            heads,
            secs,
        }
    }

    /// The out-edges of `u`: `(head, seconds)`.
    pub fn edges(&self, u: u32) -> impl Iterator<Item = (u32, f64)> + '_ {
        let range = self.offsets[u as usize] as usize..self.offsets[u as usize + 1] as usize;
        self.heads[range.clone()]
            .iter()
            .copied()
            .zip(self.secs[range].iter().copied())
    }
}

/// A directed road graph: node positions in EPSG:3812 and the forward and reversed CSR.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RoadGraph {
    xy: Vec<Coord<f64>>,
    forward: Csr,
    reverse: Csr,
}

/// An edge of [`RoadGraph::new`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Edge {
    /// The node the edge leaves.
    pub from: u32,
    /// The node it reaches.
    pub to: u32,
    /// Its travel time.
    ///
    /// # Units
    /// Seconds.
    pub secs: f64,
}

impl RoadGraph {
    /// A graph on the nodes at `xy` with these directed edges. Self-loops are dropped (they
    /// never shorten a path); parallel edges are kept.
    ///
    /// # Panics
    /// If an edge names a node beyond `xy`, or a time is negative or not finite (the callers
    /// build edges from lengths and positive speeds), or there are `u32::MAX` edges or more.
    #[must_use]
    pub fn new(xy: Vec<Coord<f64>>, edges: &[Edge]) -> Self {
        assert!(u32::try_from(edges.len()).is_ok(), "too many edges");
        let n = xy.len();
        for e in edges {
            assert!(
                (e.from as usize) < n && (e.to as usize) < n,
                "edge beyond the nodes"
            );
            assert!(e.secs.is_finite() && e.secs >= 0.0, "edge time {}", e.secs);
        }
        let kept = edges.iter().filter(|e| e.from != e.to);
        let forward = Csr::from_edges(n, kept.clone().map(|e| (e.from, e.to, e.secs)));
        let reverse = Csr::from_edges(n, kept.map(|e| (e.to, e.from, e.secs)));
        Self {
            xy,
            forward,
            reverse,
        }
    }

    /// The number of nodes.
    #[must_use]
    pub fn node_count(&self) -> usize {
        self.xy.len()
    }

    /// The number of directed edges.
    #[must_use]
    pub fn edge_count(&self) -> usize {
        self.forward.heads.len()
    }

    /// The node positions.
    ///
    /// # Units
    /// Metres, EPSG:3812.
    #[must_use]
    pub fn positions(&self) -> &[Coord<f64>] {
        &self.xy
    }

    /// The forward graph.
    #[must_use]
    pub fn forward(&self) -> &Csr {
        &self.forward
    }

    /// The reversed graph (edge `v -> u` for each `u -> v`): Dijkstra on it from a site gives
    /// the time from every node to the site.
    #[must_use]
    pub fn reverse(&self) -> &Csr {
        &self.reverse
    }

    /// The component id of each node in the strongly connected components (Kosaraju, iterative),
    /// and the id of the largest component (ties to the one holding the lowest node).
    #[must_use]
    pub fn strong_components(&self) -> (Vec<u32>, u32) {
        let n = self.node_count();
        // First pass: finish order of a depth-first search on the forward graph.
        let mut order = Vec::with_capacity(n);
        let mut seen = vec![false; n];
        let mut stack: Vec<(u32, u32)> = Vec::new();
        for root in 0..n as u32 {
            if seen[root as usize] {
                continue;
            }
            seen[root as usize] = true;
            stack.push((root, self.forward.offsets[root as usize]));
            while let Some(&mut (u, ref mut cursor)) = stack.last_mut() {
                if *cursor < self.forward.offsets[u as usize + 1] {
                    let v = self.forward.heads[*cursor as usize];
                    *cursor += 1;
                    if !seen[v as usize] {
                        seen[v as usize] = true;
                        stack.push((v, self.forward.offsets[v as usize]));
                    }
                } else {
                    order.push(u);
                    stack.pop();
                }
            }
        }
        // Second pass: on the reversed graph in reverse finish order, each tree is a component.
        let mut component = vec![u32::MAX; n];
        let mut sizes: Vec<usize> = Vec::new();
        let mut todo = Vec::new();
        for &root in order.iter().rev() {
            if component[root as usize] != u32::MAX {
                continue;
            }
            let id = sizes.len() as u32;
            let mut size = 0;
            component[root as usize] = id;
            todo.push(root);
            while let Some(u) = todo.pop() {
                size += 1;
                for (v, _) in self.reverse.edges(u) {
                    if component[v as usize] == u32::MAX {
                        component[v as usize] = id;
                        todo.push(v);
                    }
                }
            }
            sizes.push(size);
        }
        let mut lowest = vec![u32::MAX; sizes.len()];
        for (u, &c) in component.iter().enumerate() {
            lowest[c as usize] = lowest[c as usize].min(u as u32);
        }
        let largest = (0..sizes.len())
            .max_by_key(|&c| (sizes[c], Reverse(lowest[c])))
            .map_or(0, |c| c as u32);
        (component, largest)
    }

    /// The subgraph on the nodes where `keep` is true, nodes renumbered in their order, with
    /// the old id of each new node.
    #[must_use]
    pub fn subgraph(&self, keep: &[bool]) -> (Self, Vec<u32>) {
        let mut new_id = vec![u32::MAX; self.node_count()];
        let mut old_id = Vec::new();
        for (u, _) in keep.iter().enumerate().filter(|(_, k)| **k) {
            new_id[u] = old_id.len() as u32;
            old_id.push(u as u32);
        }
        let xy = old_id.iter().map(|&u| self.xy[u as usize]).collect();
        let mut edges = Vec::new();
        for &u in &old_id {
            for (v, secs) in self.forward.edges(u) {
                if keep[v as usize] {
                    edges.push(Edge {
                        from: new_id[u as usize],
                        to: new_id[v as usize],
                        secs,
                    });
                }
            }
        }
        (Self::new(xy, &edges), old_id)
    }

    /// The largest strongly connected component (every node reaches every other), with the
    /// number of nodes dropped and the old id of each kept node.
    #[must_use]
    pub fn largest_component(&self) -> (Self, usize, Vec<u32>) {
        let (component, largest) = self.strong_components();
        let keep: Vec<bool> = component.iter().map(|&c| c == largest).collect();
        let (graph, old_id) = self.subgraph(&keep);
        let dropped = self.node_count() - graph.node_count();
        (graph, dropped, old_id)
    }
}

/// Reusable buffers of [`Dijkstra::run`]: one per thread, sized to the graph once.
#[derive(Clone, Debug, Default)]
pub struct Dijkstra {
    dist: Vec<f64>,
    touched: Vec<u32>,
    heap: BinaryHeap<Reverse<(u64, u32)>>,
}

impl Dijkstra {
    /// Buffers for a graph of `nodes` nodes.
    #[must_use]
    pub fn new(nodes: usize) -> Self {
        Self {
            dist: vec![f64::INFINITY; nodes],
            touched: Vec::new(),
            heap: BinaryHeap::new(),
        }
    }

    /// Shortest times from `source` to every node of `csr` within `cutoff_secs` (nodes beyond
    /// it, or unreachable, get infinity). The returned slice is valid until the next run.
    ///
    /// Keys in the heap are the bit patterns of the non-negative times, whose integer order is
    /// their numeric order; ties pop the lowest node first, so results do not depend on the
    /// heap's internals.
    ///
    /// # Units
    /// Seconds.
    pub fn run(&mut self, csr: &Csr, source: u32, cutoff_secs: f64) -> &[f64] {
        for &u in &self.touched {
            self.dist[u as usize] = f64::INFINITY;
        }
        self.touched.clear();
        self.heap.clear();
        self.dist[source as usize] = 0.0;
        self.touched.push(source);
        self.heap.push(Reverse((0.0f64.to_bits(), source)));
        while let Some(Reverse((bits, u))) = self.heap.pop() {
            let d = f64::from_bits(bits);
            if d > self.dist[u as usize] {
                continue;
            }
            let (start, end) = (
                csr.offsets[u as usize] as usize,
                csr.offsets[u as usize + 1] as usize,
            );
            for i in start..end {
                let v = csr.heads[i] as usize;
                let dv = d + csr.secs[i];
                if dv < self.dist[v] && dv <= cutoff_secs {
                    if self.dist[v].is_infinite() {
                        self.touched.push(v as u32);
                    }
                    self.dist[v] = dv;
                    self.heap.push(Reverse((dv.to_bits(), v as u32)));
                }
            }
        }
        &self.dist
    }
}

#[cfg(test)]
mod tests;
