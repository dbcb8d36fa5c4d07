//! Nearest-site queries: R-tree (`PointIndex`) against synthetic sites, 1k / 10k / 100k / 1M points.

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use ssmplan_benches::points;
use ssmplan_core::{DemandPoint, PointIndex, StraightLine, nearest_sites};

fn bench(c: &mut Criterion) {
    let sites = points(1, 1_000);
    let mut group = c.benchmark_group("nearest_sites_1000_sites");
    group.sample_size(10);
    for n in [1_000usize, 10_000, 100_000, 1_000_000] {
        let demand: Vec<DemandPoint> = points(2, n)
            .into_iter()
            .map(|location| DemandPoint {
                location,
                population: 1,
                commune: 0,
            })
            .collect();
        group.bench_with_input(BenchmarkId::from_parameter(n), &demand, |b, demand| {
            b.iter(|| nearest_sites(black_box(demand), black_box(&sites), &StraightLine));
        });
    }
    group.finish();
    let index = PointIndex::new(&sites);
    let queries = points(3, 10_000);
    c.bench_function("k_nearest_5_x10k", |b| {
        b.iter(|| {
            queries
                .iter()
                .map(|q| index.k_nearest(*q, 5).len())
                .sum::<usize>()
        });
    });
    c.bench_function("within_10km_x10k", |b| {
        b.iter(|| {
            queries
                .iter()
                .map(|q| index.within_radius(*q, 10_000.0).len())
                .sum::<usize>()
        });
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
