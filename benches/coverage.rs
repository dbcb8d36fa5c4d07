//! End-to-end coverage on the real Walloon data, including loading: commune demand, the 1 km
//! population grid and the 250 m grid (about 270,000 cells).

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use ssmplan_benches::default_data;
use ssmplan_core::{CoverageInput, Demand, StraightLine, ZoneLevel, nearest_sites, zone_coverage};
use ssmplan_io::{Dataset, LoadParams};

fn run(demand: &str) -> usize {
    let mut d = Dataset::load(&LoadParams::new(default_data())).expect("default data");
    let demand: Demand = match demand {
        "communes" => ssmplan_core::commune_points(&d.communes).expect("points"),
        "popgrid" => d.weighted_demand(None).expect("popgrid"),
        _ => ssmplan_core::regular_grid(&d.communes, 250.0).expect("grid"),
    };
    let sites = d.site_locations();
    let nearest = nearest_sites(&demand.points, &sites, &StraightLine);
    let input = CoverageInput {
        communes: &d.communes,
        sites: &d.sites,
        demand: &demand.points,
        nearest: &nearest,
    };
    [
        ZoneLevel::Total,
        ZoneLevel::Province,
        ZoneLevel::Arrondissement,
        ZoneLevel::Commune,
        ZoneLevel::Catchment,
    ]
    .into_iter()
    .map(|l| zone_coverage(&input, l).len())
    .sum()
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("coverage_end_to_end_real_data");
    group.sample_size(10);
    for demand in ["communes", "popgrid", "grid250"] {
        group.bench_function(demand, |b| b.iter(|| run(black_box(demand))));
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
