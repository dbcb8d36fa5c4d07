//! Parallel map helpers: rayon when the `rayon` feature is on, a plain loop otherwise.

/// Maps `f` over `items`, keeping the order of `items`.
#[cfg(feature = "rayon")]
pub(crate) fn map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync + Send) -> Vec<R> {
    use rayon::prelude::*;
    items.par_iter().map(f).collect()
}

/// Maps `f` over `items`, keeping the order of `items`.
#[cfg(not(feature = "rayon"))]
pub(crate) fn map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync + Send) -> Vec<R> {
    items.iter().map(f).collect()
}

/// Maps `f` over `0..n`, keeping the order.
#[cfg(feature = "rayon")]
pub(crate) fn map_range<R: Send>(n: usize, f: impl Fn(usize) -> R + Sync + Send) -> Vec<R> {
    use rayon::prelude::*;
    (0..n).into_par_iter().map(f).collect()
}

/// Maps `f` over `0..n`, keeping the order.
#[cfg(not(feature = "rayon"))]
pub(crate) fn map_range<R: Send>(n: usize, f: impl Fn(usize) -> R + Sync + Send) -> Vec<R> {
    (0..n).map(f).collect()
}
