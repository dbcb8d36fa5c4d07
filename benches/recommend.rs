//! Recommendations on the real Walloon data: MCLP with every existing site fixed, +10 new sites,
//! radius 10 km, demand on the 250 m grid (about 270,000 points), candidates one per commune and
//! on a 2 km grid; end to end from the loaded dataset.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use ssmplan_benches::default_data;
use ssmplan_io::{Dataset, LoadParams};
use ssmplan_planner::NeedWeights;
use ssmplan_planner::location::{Objective, SolveParams};
use ssmplan_planner::recommend::{Candidate, RecommendInput, commune_candidates, recommend};

fn bench(c: &mut Criterion) {
    let d = Dataset::load(&LoadParams::new(default_data())).expect("default data");
    let demand = ssmplan_core::regular_grid(&d.communes, 250.0).expect("grid");
    let communes = commune_candidates(&d.communes);
    let grid: Vec<Candidate> = ssmplan_core::regular_grid(&d.communes, 2_000.0)
        .expect("grid")
        .points
        .iter()
        .map(|p| Candidate {
            id: String::new(),
            location: p.location,
            commune: p.commune,
        })
        .collect();
    let mut group = c.benchmark_group("recommend_real_data_grid250");
    group.sample_size(10);
    for (name, candidates) in [("communes_252", &communes), ("grid2km", &grid)] {
        let input = RecommendInput {
            communes: &d.communes,
            sites: &d.sites,
            demand: &demand.points,
            candidates,
            weights: NeedWeights::default(),
            norm: 50_000.0,
        };
        group.bench_function(format!("mclp_p10_r10km_{name}"), |b| {
            b.iter(|| {
                recommend(
                    black_box(&input),
                    &Objective::Mclp { radius_m: 10_000.0 },
                    &SolveParams::new(10),
                )
                .expect("solves")
            });
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
