//! Tests of the typology reconstruction: Jacobi against known spectra, PCA against hand
//! computations, k-means against exhaustive search, naming on synthetic blobs, determinism,
//! errors, and a cross-check against scikit-learn on a fixture.

#![expect(clippy::unwrap_used, reason = "tests: a panic is the failure report")]
#![expect(
    clippy::float_cmp,
    reason = "determinism and hand-computed cases compare exact bits on purpose"
)]

use ssmplan_core::TypologyGroup;

use super::eigen::symmetric_eigen;
use super::kmeans::{Point, distance_2, kmeans, kmeans_run, update_centers};
use super::pca::{should_flip, target_axes};
use super::*;
use ssmplan_core::SplitMix64;

// ---------------------------------------------------------------------------------------------
// Helpers

fn need(name: &str, higher_is_more: bool, values: Vec<f64>) -> Indicator {
    Indicator::new(name, IndicatorAxis::Need, higher_is_more, values)
}

fn offer(name: &str, higher_is_more: bool, values: Vec<f64>) -> Indicator {
    Indicator::new(name, IndicatorAxis::Offer, higher_is_more, values)
}

#[track_caller]
fn assert_close(found: f64, expected: f64, tolerance: f64) {
    assert!(
        (found - expected).abs() <= tolerance,
        "found {found}, expected {expected} (tolerance {tolerance})"
    );
}

#[track_caller]
fn assert_all_close(found: &[f64], expected: &[f64], tolerance: f64) {
    assert_eq!(found.len(), expected.len());
    for (f, e) in found.iter().zip(expected) {
        assert_close(*f, *e, tolerance);
    }
}

/// A standard normal draw (Box-Muller).
fn normal(rng: &mut SplitMix64) -> f64 {
    let u = 1.0 - rng.next_f64();
    let v = rng.next_f64();
    (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
}

/// Weighted Pearson correlation.
fn correlation(a: &[f64], b: &[f64], w: &[f64]) -> f64 {
    let total: f64 = w.iter().sum();
    let mean = |x: &[f64]| x.iter().zip(w).map(|(x, w)| x * w).sum::<f64>() / total;
    let (ma, mb) = (mean(a), mean(b));
    let cov = |x: &[f64], mx: f64, y: &[f64], my: f64| {
        x.iter()
            .zip(y)
            .zip(w)
            .map(|((x, y), w)| w * (x - mx) * (y - my))
            .sum::<f64>()
    };
    cov(a, ma, b, mb) / (cov(a, ma, a, ma) * cov(b, mb, b, mb)).sqrt()
}

/// A random symmetric `n x n` matrix with entries uniform in `[-1, 1)`.
fn random_symmetric(rng: &mut SplitMix64, n: usize) -> Vec<Vec<f64>> {
    let mut upper = vec![vec![0.0; n]; n];
    for (i, row) in upper.iter_mut().enumerate() {
        for x in &mut row[i..] {
            *x = 2.0 * rng.next_f64() - 1.0;
        }
    }
    (0..n)
        .map(|i| (0..n).map(|j| upper[i.min(j)][i.max(j)]).collect())
        .collect()
}

/// Whether two labelings describe the same partition (up to renaming the labels).
fn same_partition<A: Copy + Eq + std::hash::Hash, B: Copy + Eq + std::hash::Hash>(
    a: &[A],
    b: &[B],
) -> bool {
    let mut forward = std::collections::HashMap::new();
    let mut backward = std::collections::HashMap::new();
    a.len() == b.len()
        && a.iter().zip(b).all(|(&x, &y)| {
            *forward.entry(x).or_insert(y) == y && *backward.entry(y).or_insert(x) == x
        })
}

/// Latent (need, offer) centers of the four blobs, in the order of the expected groups.
const BLOBS: [(f64, f64, TypologyGroup); 4] = [
    (2.0, -2.0, TypologyGroup::HighRisk),
    (2.0, 0.0, TypologyGroup::Vulnerable),
    (0.0, 0.0, TypologyGroup::Intermediate),
    (-2.0, 2.0, TypologyGroup::Favourable),
];

/// Five realistic indicators over four latent blobs of `per_blob` communes, interleaved (commune
/// `j` belongs to blob `j % 4`); returns the indicators and the expected group of each commune.
fn blob_indicators(seed: u64, per_blob: usize, noise: f64) -> (Vec<Indicator>, Vec<TypologyGroup>) {
    let mut rng = SplitMix64::new(seed);
    let n = 4 * per_blob;
    let mut columns: Vec<Vec<f64>> = (0..5).map(|_| Vec::with_capacity(n)).collect();
    let mut expected = Vec::with_capacity(n);
    for j in 0..n {
        let (need_level, offer_level, group) = BLOBS[j % 4];
        let latent_need = need_level + noise * normal(&mut rng);
        let latent_offer = offer_level + noise * normal(&mut rng);
        let mut jitter = || 0.3 * noise * normal(&mut rng);
        columns[0].push(20.0 + 3.0 * (latent_need + jitter()));
        columns[1].push(30_000.0 - 2_000.0 * (latent_need + jitter()));
        columns[2].push(25.0 + 4.0 * (latent_need + jitter()));
        columns[3].push(15.0 - 5.0 * (latent_offer + jitter()));
        columns[4].push(1.0 + 0.3 * (latent_offer + jitter()));
        expected.push(group);
    }
    let mut columns = columns.into_iter();
    let mut next = || columns.next().unwrap();
    let indicators = vec![
        need("share_65_plus_pct", true, next()),
        need("median_income_eur", false, next()),
        need("low_education_pct", true, next()),
        offer("distance_ssm_km", false, next()),
        offer("e2sfca_per_100k", true, next()),
    ];
    (indicators, expected)
}

// ---------------------------------------------------------------------------------------------
// SplitMix64

#[test]
fn splitmix64_reference_values() {
    // Vigna's reference implementation, seed 0.
    let mut rng = SplitMix64::new(0);
    assert_eq!(rng.next_u64(), 0xE220_A839_7B1D_CDAF);
    assert_eq!(rng.next_u64(), 0x6E78_9E6A_A1B9_65F4);
    assert_eq!(rng.next_u64(), 0x06C4_5D18_8009_454F);
    let mut rng = SplitMix64::new(42);
    for _ in 0..10_000 {
        let u = rng.next_f64();
        assert!((0.0..1.0).contains(&u));
    }
}

// ---------------------------------------------------------------------------------------------
// Jacobi eigen-decomposition

#[test]
fn jacobi_two_by_two() {
    let eigen = symmetric_eigen(&[vec![2.0, 1.0], vec![1.0, 2.0]]).unwrap();
    assert_all_close(&eigen.values, &[3.0, 1.0], 1e-15);
    let h = std::f64::consts::FRAC_1_SQRT_2;
    assert_all_close(&eigen.vectors[0], &[h, h], 1e-15);
    // Largest component positive, the first one on ties.
    assert_all_close(&eigen.vectors[1], &[h, -h], 1e-15);

    let eigen = symmetric_eigen(&[vec![0.0, 1.0], vec![1.0, 0.0]]).unwrap();
    assert_all_close(&eigen.values, &[1.0, -1.0], 1e-15);
}

#[test]
fn jacobi_diagonal_identity_and_rank_one() {
    // Already diagonal: sorted, no rotation, unit vectors.
    let eigen = symmetric_eigen(&[vec![1.0, 0.0], vec![0.0, 3.0]]).unwrap();
    assert_eq!(eigen.values, vec![3.0, 1.0]);
    assert_eq!(eigen.vectors, vec![vec![0.0, 1.0], vec![1.0, 0.0]]);
    assert_eq!(eigen.sweeps, 1);
    // Identity: ties keep the diagonal order.
    let identity: Vec<Vec<f64>> = (0..3)
        .map(|i| (0..3).map(|j| f64::from(u8::from(i == j))).collect())
        .collect();
    let eigen = symmetric_eigen(&identity).unwrap();
    assert_eq!(eigen.values, vec![1.0; 3]);
    assert_eq!(eigen.vectors, identity);
    // All ones (perfectly correlated indicators): 3, 0, 0.
    let eigen = symmetric_eigen(&[vec![1.0; 3], vec![1.0; 3], vec![1.0; 3]]).unwrap();
    assert_all_close(&eigen.values, &[3.0, 0.0, 0.0], 1e-14);
    let third = 1.0 / 3.0_f64.sqrt();
    assert_all_close(&eigen.vectors[0], &[third; 3], 1e-14);
    // Empty and 1 x 1.
    assert_eq!(symmetric_eigen(&[]).unwrap().values, Vec::<f64>::new());
    assert_eq!(symmetric_eigen(&[vec![5.0]]).unwrap().values, vec![5.0]);
}

#[test]
fn jacobi_tridiagonal_known_spectrum() {
    // tridiag(-1, 2, -1) of size n: eigenvalues 2 - 2 cos(kπ / (n + 1)).
    for n in [3_usize, 7, 10] {
        let matrix: Vec<Vec<f64>> = (0..n)
            .map(|i| {
                (0..n)
                    .map(|j| match i.abs_diff(j) {
                        0 => 2.0,
                        1 => -1.0,
                        _ => 0.0,
                    })
                    .collect()
            })
            .collect();
        let eigen = symmetric_eigen(&matrix).unwrap();
        let mut expected: Vec<f64> = (1..=n)
            .map(|k| 2.0 - 2.0 * (k as f64 * std::f64::consts::PI / (n + 1) as f64).cos())
            .collect();
        expected.sort_by(|a, b| b.total_cmp(a));
        assert_all_close(&eigen.values, &expected, 1e-13);
        if n == 3 {
            let s2 = 2.0_f64.sqrt();
            assert_all_close(&eigen.values, &[2.0 + s2, 2.0, 2.0 - s2], 1e-14);
        }
    }
}

#[test]
fn jacobi_random_symmetric_residuals() {
    let mut rng = SplitMix64::new(7);
    for n in 1..=10 {
        let matrix = random_symmetric(&mut rng, n);
        let eigen = symmetric_eigen(&matrix).unwrap();
        let trace: f64 = (0..n).map(|i| matrix[i][i]).sum();
        assert_close(eigen.values.iter().sum(), trace, 1e-13);
        assert!(eigen.values.windows(2).all(|w| w[0] >= w[1]));
        assert!(eigen.sweeps <= 12, "{} sweeps for n = {n}", eigen.sweeps);
        for (c, (value, vector)) in eigen.values.iter().zip(&eigen.vectors).enumerate() {
            for i in 0..n {
                let av: f64 = (0..n).map(|j| matrix[i][j] * vector[j]).sum();
                assert_close(av, value * vector[i], 1e-13);
            }
            for (d, other) in eigen.vectors.iter().enumerate() {
                let dot: f64 = vector.iter().zip(other).map(|(a, b)| a * b).sum();
                assert_close(dot, f64::from(u8::from(c == d)), 1e-14);
            }
        }
    }
}

#[test]
fn jacobi_refuses_non_finite_and_ragged() {
    assert!(symmetric_eigen(&[vec![1.0, f64::NAN], vec![f64::NAN, 1.0]]).is_none());
    assert!(symmetric_eigen(&[vec![1.0, 0.0], vec![0.0]]).is_none());
}

// ---------------------------------------------------------------------------------------------
// PCA and axes

/// x and y with correlation 0.8: deviations (-2, -1, 0, 1, 2) and (-1, -2, 1, 0, 2).
fn two_indicators() -> Vec<Indicator> {
    vec![
        need("x", true, vec![1.0, 2.0, 3.0, 4.0, 5.0]),
        offer("y", true, vec![2.0, 1.0, 4.0, 3.0, 5.0]),
    ]
}

#[test]
fn pca_two_indicators_by_hand_unrotated() {
    // R = [[1, .8], [.8, 1]]: λ = 1.8, 0.2, v = (1, 1)/√2, (1, -1)/√2.
    let params = TypologyParams::new().rotation(AxisRotation::None);
    let t = reconstruct_typology(&two_indicators(), None, &params).unwrap();
    assert_all_close(&t.eigenvalues, &[1.8, 0.2], 1e-14);
    assert_all_close(&t.component_explained_variance, &[0.9, 0.1], 1e-14);
    assert_all_close(&t.explained_variance, &[0.9, 0.1], 1e-14);
    // Need = PC1 (x loads √0.9 on it, √0.1 on PC2); offer = PC2 signed so that y loads +√0.1.
    assert_all_close(&t.need_axis, &[1.0, 0.0], 0.0);
    assert_all_close(&t.offer_axis, &[0.0, -1.0], 0.0);
    let (a, b) = (0.9_f64.sqrt(), 0.1_f64.sqrt());
    assert_all_close(&[t.loadings[0].need, t.loadings[1].need], &[a, a], 1e-14);
    assert_all_close(&[t.loadings[0].offer, t.loadings[1].offer], &[-b, b], 1e-14);
    assert_all_close(&t.loadings[0].components, &[a, b], 1e-14);
    // z = deviation / √2: need = (dx + dy) / 2, offer = (dy - dx) / 2.
    assert_all_close(&t.need_score, &[-1.5, -1.5, 0.5, 0.5, 2.0], 1e-14);
    assert_all_close(&t.offer_score, &[0.5, -0.5, 0.5, -0.5, 0.0], 1e-14);
}

#[test]
fn pca_two_indicators_by_hand_target() {
    // With two indicators the plane is the whole space and the closest axes are the
    // indicators themselves: need = z_x, offer = z_y.
    let t = reconstruct_typology(&two_indicators(), None, &TypologyParams::new()).unwrap();
    assert_all_close(&t.component_explained_variance, &[0.9, 0.1], 1e-14);
    assert_all_close(&t.explained_variance, &[0.5, 0.5], 1e-14);
    let h = std::f64::consts::FRAC_1_SQRT_2;
    assert_all_close(&t.need_axis, &[h, h], 1e-15);
    assert_all_close(&t.offer_axis, &[h, -h], 1e-15);
    let root2 = 2.0_f64.sqrt();
    let z_x: Vec<f64> = [-2.0, -1.0, 0.0, 1.0, 2.0]
        .iter()
        .map(|d| d / root2)
        .collect();
    let z_y: Vec<f64> = [-1.0, -2.0, 1.0, 0.0, 2.0]
        .iter()
        .map(|d| d / root2)
        .collect();
    assert_all_close(&t.need_score, &z_x, 1e-14);
    assert_all_close(&t.offer_score, &z_y, 1e-14);
    assert_all_close(
        &[t.loadings[0].need, t.loadings[0].offer],
        &[1.0, 0.8],
        1e-14,
    );
    assert_all_close(
        &[t.loadings[1].need, t.loadings[1].offer],
        &[0.8, 1.0],
        1e-14,
    );
}

#[test]
fn pca_three_indicators_by_hand() {
    // Two perfectly correlated need indicators (one inverted) and an uncorrelated offer one:
    // R = [[1, 1, 0], [1, 1, 0], [0, 0, 1]], λ = 2, 1, 0; both rotations give the components.
    let x: Vec<f64> = (1..=8).map(f64::from).collect();
    let y = vec![1.0, -1.0, -1.0, 1.0, 1.0, -1.0, -1.0, 1.0];
    let indicators = vec![
        need("a", true, x.clone()),
        need("b", false, x.iter().map(|x| 10.0 - 2.0 * x).collect()),
        offer("c", true, y.clone()),
    ];
    for rotation in [AxisRotation::Target, AxisRotation::None] {
        let params = TypologyParams::new().rotation(rotation);
        let t = reconstruct_typology(&indicators, None, &params).unwrap();
        assert_all_close(&t.eigenvalues, &[2.0, 1.0, 0.0], 1e-14);
        assert_all_close(&t.explained_variance, &[2.0 / 3.0, 1.0 / 3.0], 1e-14);
        assert_all_close(&t.need_axis, &[1.0, 0.0], 1e-14);
        assert_all_close(&t.offer_axis, &[0.0, 1.0], 1e-14);
        let need_loadings: Vec<f64> = t.loadings.iter().map(|l| l.need).collect();
        let offer_loadings: Vec<f64> = t.loadings.iter().map(|l| l.offer).collect();
        assert_all_close(&need_loadings, &[1.0, 1.0, 0.0], 1e-14);
        assert_all_close(&offer_loadings, &[0.0, 0.0, 1.0], 1e-14);
        // need = (z_a + z_b)/√2 = √2 z_x with z_x = (x - 4.5)/√5.25; offer = z_y = y.
        let expected: Vec<f64> = x
            .iter()
            .map(|x| 2.0_f64.sqrt() * (x - 4.5) / 5.25_f64.sqrt())
            .collect();
        assert_all_close(&t.need_score, &expected, 1e-13);
        assert_all_close(&t.offer_score, &y, 1e-13);
    }
}

#[test]
fn perfectly_correlated_indicators_one_component_explains_everything() {
    let x = vec![3.0, 1.0, 4.0, 1.5, 5.0, 9.0, 2.0, 6.0];
    let indicators = vec![
        need("a", true, x.clone()),
        need("b", true, x.iter().map(|x| 3.0 * x + 7.0).collect()),
        offer("c", false, x.iter().map(|x| -x).collect()),
    ];
    for rotation in [AxisRotation::Target, AxisRotation::None] {
        let t = reconstruct_typology(&indicators, None, &TypologyParams::new().rotation(rotation))
            .unwrap();
        assert_all_close(&t.eigenvalues, &[3.0, 0.0, 0.0], 1e-14);
        assert_all_close(&t.component_explained_variance, &[1.0, 0.0], 1e-14);
        assert_close(t.explained_variance.iter().sum(), 1.0, 1e-14);
        assert_all_close(&t.loadings[0].components, &[1.0, 0.0], 1e-7);
    }
}

#[test]
fn uncorrelated_indicators_tie_broken_by_the_first_component() {
    // R = I: equal eigenvalues, the components are the indicators in their order.
    let x = vec![-1.5, -0.5, 0.5, 1.5];
    let y = vec![1.0, -1.0, -1.0, 1.0];
    let params = TypologyParams::new().rotation(AxisRotation::None);
    let t = reconstruct_typology(
        &[offer("y", true, y.clone()), need("x", true, x.clone())],
        None,
        &params,
    )
    .unwrap();
    assert_eq!(t.eigenvalues, vec![1.0, 1.0]);
    // Component 1 is y (offer); the need loadings sum to 0 on it and to 1 on component 2.
    assert_eq!(t.need_axis, [0.0, 1.0]);
    assert_eq!(t.offer_axis, [1.0, 0.0]);
    // Both indicators need inverting: same axes, signs flipped.
    let flipped = [
        offer("y", false, y.iter().map(|v| -v).collect()),
        need("x", false, x.iter().map(|v| -v).collect()),
    ];
    let t2 = reconstruct_typology(&flipped, None, &params).unwrap();
    assert_eq!(t2.need_score, t.need_score);
    assert_eq!(t2.offer_score, t.offer_score);
}

#[test]
fn sign_rule_ties() {
    use IndicatorAxis::{Need, Offer};
    let kinds = [Need, Need, Offer];
    assert!(!should_flip(&[0.5, -0.4, -0.9], &kinds, Need));
    assert!(should_flip(&[0.4, -0.5, 0.9], &kinds, Need));
    // Need loadings sum to zero: the largest absolute one decides, the first on ties.
    assert!(!should_flip(&[0.5, -0.5, -0.9], &kinds, Need));
    assert!(should_flip(&[-0.5, 0.5, 0.9], &kinds, Need));
    assert!(should_flip(&[0.3, -0.3, -0.9], &kinds, Offer));
    assert!(!should_flip(&[0.0, 0.0, 0.0], &kinds, Offer));
}

#[test]
fn target_rotation_closed_form_matches_a_search() {
    // The Procrustes axes maximise the alignment over every rotation and reflection.
    let mut rng = SplitMix64::new(3);
    let kinds = [
        IndicatorAxis::Need,
        IndicatorAxis::Offer,
        IndicatorAxis::Need,
        IndicatorAxis::Offer,
        IndicatorAxis::Need,
    ];
    for _ in 0..50 {
        let matrix = random_symmetric(&mut rng, 5);
        let eigen = symmetric_eigen(&matrix).unwrap();
        let components = [eigen.vectors[0].clone(), eigen.vectors[1].clone()];
        let alignment = |axes: [[f64; 2]; 2]| {
            let mut total = 0.0;
            for (axis, kind) in axes.iter().zip([IndicatorAxis::Need, IndicatorAxis::Offer]) {
                let count = kinds.iter().filter(|&&k| k == kind).count() as f64;
                for (i, &k) in kinds.iter().enumerate() {
                    if k == kind {
                        let u = axis[0] * components[0][i] + axis[1] * components[1][i];
                        total += u / count.sqrt();
                    }
                }
            }
            total
        };
        let best = target_axes(&components, &kinds).unwrap();
        let dot = best[0][0] * best[1][0] + best[0][1] * best[1][1];
        assert_close(dot, 0.0, 1e-15);
        assert_close(best[0][0].hypot(best[0][1]), 1.0, 1e-15);
        let found = alignment(best);
        for step in 0..3_600 {
            let angle = f64::from(step) * std::f64::consts::TAU / 3_600.0;
            let (sin, cos) = angle.sin_cos();
            assert!(alignment([[cos, sin], [-sin, cos]]) <= found + 1e-12);
            assert!(alignment([[cos, sin], [sin, -cos]]) <= found + 1e-12);
        }
    }
}

#[test]
fn loadings_are_correlations_with_the_scores() {
    let (indicators, _) = blob_indicators(11, 12, 1.0);
    let weights: Vec<f64> = (0..48).map(|j| 1.0 + f64::from(j % 5)).collect();
    for (w, rotation) in [
        (None, AxisRotation::Target),
        (Some(weights.as_slice()), AxisRotation::Target),
        (Some(weights.as_slice()), AxisRotation::None),
    ] {
        let t = reconstruct_typology(&indicators, w, &TypologyParams::new().rotation(rotation))
            .unwrap();
        let w = w.map_or_else(|| vec![1.0; 48], <[f64]>::to_vec);
        for (indicator, loading) in indicators.iter().zip(&t.loadings) {
            let sign = if indicator.higher_is_more { 1.0 } else { -1.0 };
            let oriented: Vec<f64> = indicator.values.iter().map(|v| sign * v).collect();
            assert_close(
                correlation(&oriented, &t.need_score, &w),
                loading.need,
                1e-12,
            );
            assert_close(
                correlation(&oriented, &t.offer_score, &w),
                loading.offer,
                1e-12,
            );
        }
        // Scores are centred; their variances give the explained shares.
        let total: f64 = w.iter().sum();
        for (scores, share) in [&t.need_score, &t.offer_score]
            .into_iter()
            .zip(t.explained_variance)
        {
            let mean = scores.iter().zip(&w).map(|(s, w)| s * w).sum::<f64>() / total;
            assert_close(mean, 0.0, 1e-12);
            let variance = scores.iter().zip(&w).map(|(s, w)| w * s * s).sum::<f64>() / total;
            assert_close(variance / 5.0, share, 1e-12);
        }
        assert_close(
            t.explained_variance.iter().sum(),
            t.component_explained_variance.iter().sum(),
            1e-14,
        );
        assert_close(t.eigenvalues.iter().sum(), 5.0, 1e-12);
    }
}

// ---------------------------------------------------------------------------------------------
// k-means

/// Lowest weighted inertia over every labeling of the points with `k` labels.
fn exhaustive_inertia(points: &[Point], weights: &[f64], k: usize) -> f64 {
    let n = points.len();
    let mut labels = vec![0_usize; n];
    let mut best = f64::INFINITY;
    loop {
        let mut sums = vec![[0.0; 2]; k];
        let mut mass = vec![0.0; k];
        for ((x, &w), &c) in points.iter().zip(weights).zip(&labels) {
            sums[c][0] += w * x[0];
            sums[c][1] += w * x[1];
            mass[c] += w;
        }
        let inertia: f64 = points
            .iter()
            .zip(weights)
            .zip(&labels)
            .map(|((x, &w), &c)| {
                if mass[c] > 0.0 {
                    w * distance_2(x, &[sums[c][0] / mass[c], sums[c][1] / mass[c]])
                } else {
                    0.0
                }
            })
            .sum();
        best = best.min(inertia);
        // Next labeling in base k; the first point stays in cluster 0 (symmetry).
        let mut i = n - 1;
        loop {
            labels[i] += 1;
            if labels[i] < k {
                break;
            }
            labels[i] = 0;
            if i == 1 {
                return best;
            }
            i -= 1;
        }
    }
}

#[test]
fn kmeans_reaches_the_exhaustive_optimum() {
    let mut rng = SplitMix64::new(2024);
    for (k, n) in [(2, 10), (3, 10), (4, 8)] {
        for instance in 0..12 {
            let points: Vec<Point> = (0..n)
                .map(|_| [4.0 * rng.next_f64(), 4.0 * rng.next_f64()])
                .collect();
            let weights: Vec<f64> = if instance % 2 == 0 {
                vec![1.0; n]
            } else {
                (0..n).map(|_| 0.5 + 9.5 * rng.next_f64()).collect()
            };
            let optimum = exhaustive_inertia(&points, &weights, k);
            let best = kmeans(&points, &weights, k, 42, 20, 300).unwrap();
            assert!(best.run.converged);
            assert!(
                (best.run.inertia - optimum).abs() <= 1e-9 * optimum.max(1.0),
                "k = {k}, n = {n}, instance {instance}: {} vs optimum {optimum}",
                best.run.inertia
            );
            // Every run is a local optimum no better than the exhaustive one.
            let mut seeds = SplitMix64::new(9);
            for _ in 0..5 {
                let run = kmeans_run(
                    &points,
                    &weights,
                    k,
                    &mut SplitMix64::new(seeds.next_u64()),
                    300,
                )
                .unwrap();
                assert!(run.inertia >= optimum - 1e-9);
            }
        }
    }
}

#[test]
fn kmeans_run_invariants() {
    let mut rng = SplitMix64::new(5);
    let points: Vec<Point> = (0..200)
        .map(|_| [normal(&mut rng), normal(&mut rng)])
        .collect();
    let weights: Vec<f64> = (0..200).map(|j| f64::from(j % 3)).collect();
    let run = kmeans_run(&points, &weights, 4, &mut SplitMix64::new(1), 300).unwrap();
    assert!(run.converged);
    for c in 0..4 {
        let members: Vec<usize> = (0..200).filter(|&j| run.labels[j] == c).collect();
        let mass: f64 = members.iter().map(|&j| weights[j]).sum();
        assert!(mass > 0.0);
        let mean = [0, 1].map(|axis| {
            members
                .iter()
                .map(|&j| weights[j] * points[j][axis])
                .sum::<f64>()
                / mass
        });
        assert_all_close(&run.centers[c], &mean, 1e-12);
    }
    for (x, &c) in points.iter().zip(&run.labels) {
        let own = distance_2(x, &run.centers[c]);
        assert!(
            run.centers
                .iter()
                .all(|center| own <= distance_2(x, center))
        );
    }
    // Zero-weight points are never seeds and do not move centers: dropping them changes nothing.
    let kept: Vec<usize> = (0..200).filter(|&j| weights[j] > 0.0).collect();
    let kept_points: Vec<Point> = kept.iter().map(|&j| points[j]).collect();
    let kept_weights: Vec<f64> = kept.iter().map(|&j| weights[j]).collect();
    let a = kmeans(&points, &weights, 4, 3, 10, 300).unwrap();
    let b = kmeans(&kept_points, &kept_weights, 4, 3, 10, 300).unwrap();
    assert_close(a.run.inertia, b.run.inertia, 1e-9);
}

#[test]
fn empty_cluster_takes_the_costliest_point() {
    let points = [[0.0, 0.0], [1.0, 0.0], [10.0, 0.0], [5.0, 5.0]];
    let weights = [1.0, 1.0, 1.0, 0.0];
    // Cluster 1 holds only a zero-weight point, cluster 2 nothing.
    let mut labels = vec![0, 0, 0, 1];
    let centers = update_centers(&points, &weights, 3, &mut labels).unwrap();
    // First pass: cluster 0 has mean 11/3; (10, 0) costs most (6.33²) and moves to cluster 1;
    // second pass: cluster 0 = {0, 1}, mean 0.5, both cost 0.25: the first moves to cluster 2.
    assert_eq!(labels, vec![2, 0, 1, 1]);
    assert_eq!(centers, vec![[1.0, 0.0], [10.0, 0.0], [0.0, 0.0]]);
    // Fewer distinct points of positive weight than clusters: nothing to move.
    let mut labels = vec![0, 0, 0, 0];
    assert!(update_centers(&[[1.0, 1.0]; 4], &[1.0; 4], 2, &mut labels).is_none());
}

#[test]
fn kmeans_plus_plus_needs_k_distinct_points() {
    let points = [[0.0, 0.0], [0.0, 0.0], [1.0, 1.0], [1.0, 1.0]];
    assert!(kmeans(&points, &[1.0; 4], 3, 1, 5, 100).is_none());
    assert!(kmeans(&points, &[1.0; 4], 2, 1, 5, 100).is_some());
}

// ---------------------------------------------------------------------------------------------
// Whole reconstruction

#[test]
fn blobs_get_their_names() {
    for seed in 0..10 {
        let (indicators, expected) = blob_indicators(seed, 15, 0.25);
        let t = reconstruct_typology(&indicators, None, &TypologyParams::new()).unwrap();
        assert_eq!(t.groups, expected, "seed {seed}");
        assert!(t.converged);
        let counts: Vec<usize> = t.group_means.iter().map(|g| g.count).collect();
        assert_eq!(counts, vec![15; 4]);
        let order: Vec<TypologyGroup> = t.group_means.iter().map(|g| g.group).collect();
        assert_eq!(order, TypologyGroup::ALL.to_vec());
        // The axes read as declared: need indicators load on need, offer ones on offer.
        for loading in &t.loadings {
            let (own, other) = match loading.axis {
                IndicatorAxis::Need => (loading.need, loading.offer),
                IndicatorAxis::Offer => (loading.offer, loading.need),
            };
            assert!(own > 0.9 && own > other.abs(), "{loading:?}");
        }
        // With population-like weights the blobs keep their names.
        let weights: Vec<f64> = (0..60)
            .map(|j| 1_000.0 + 500.0 * f64::from(j % 7))
            .collect();
        let weighted =
            reconstruct_typology(&indicators, Some(&weights), &TypologyParams::new()).unwrap();
        assert_eq!(weighted.groups, expected, "seed {seed}, weighted");
        assert!(weighted.weighted && !t.weighted);
    }
}

#[test]
fn rotation_changes_the_axes_not_the_groups() {
    // Need and offer are strongly correlated across the blobs (r ≈ -0.85): the first component
    // mixes them, so the unrotated axes misplace the middle blobs; the groups themselves (as a
    // partition) and the inertia do not depend on the rotation.
    let (indicators, expected) = blob_indicators(1, 15, 0.25);
    let target = reconstruct_typology(&indicators, None, &TypologyParams::new()).unwrap();
    let plain = reconstruct_typology(
        &indicators,
        None,
        &TypologyParams::new().rotation(AxisRotation::None),
    )
    .unwrap();
    assert!(same_partition(&target.groups, &plain.groups));
    assert_eq!(target.inertia, plain.inertia);
    assert_eq!(target.eigenvalues, plain.eigenvalues);
    assert_eq!(target.groups, expected);
    // Unrotated: every indicator loads above 0.8 in absolute value on the first component.
    assert!(plain.loadings.iter().all(|l| l.components[0].abs() > 0.8));
    assert!(plain.need_axis[0].abs() == 1.0);
}

#[test]
fn deterministic_whatever_the_thread_count() {
    let (indicators, _) = blob_indicators(3, 20, 1.5);
    let params = TypologyParams::new().restarts(16);
    let run = |threads: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| reconstruct_typology(&indicators, None, &params).unwrap())
    };
    let one = run(1);
    assert_eq!(one, run(4));
    assert_eq!(one, run(3));
    assert_eq!(
        one,
        reconstruct_typology(&indicators, None, &params).unwrap()
    );
    assert_eq!((one.seed, one.restarts), (42, 16));
    assert!((1..=16).contains(&one.restarts_at_best) && one.best_restart < 16);
    // Another seed gives a valid typology with an inertia no better than the restarts allow.
    let other = reconstruct_typology(&indicators, None, &params.clone().seed(7)).unwrap();
    assert_eq!(other.seed, 7);
    assert_eq!(other.eigenvalues, one.eigenvalues);
}

#[test]
fn negating_equals_inverting_and_affine_changes_do_nothing() {
    let (indicators, _) = blob_indicators(4, 10, 1.0);
    let base = reconstruct_typology(&indicators, None, &TypologyParams::new()).unwrap();
    // An indicator given negated with higher_is_more flipped: the same bits.
    let mut negated = indicators.clone();
    negated[1].values = negated[1].values.iter().map(|v| -v).collect();
    negated[1].higher_is_more = !negated[1].higher_is_more;
    let t = reconstruct_typology(&negated, None, &TypologyParams::new()).unwrap();
    assert_eq!(t.need_score, base.need_score);
    assert_eq!(t.groups, base.groups);
    // Changing the unit or origin of an indicator changes nothing but round-off.
    let mut rescaled = indicators.clone();
    rescaled[3].values = rescaled[3]
        .values
        .iter()
        .map(|v| 1_000.0 * v + 12.0)
        .collect();
    let t = reconstruct_typology(&rescaled, None, &TypologyParams::new()).unwrap();
    assert_eq!(t.groups, base.groups);
    assert_all_close(&t.need_score, &base.need_score, 1e-10);
    assert_close(t.inertia, base.inertia, 1e-9);
}

#[test]
fn weights_behave_as_repeated_communes() {
    let (indicators, _) = blob_indicators(5, 6, 1.2);
    let communes = 24;
    // Unit weights: the same numbers as unweighted.
    let unit = reconstruct_typology(&indicators, Some(&[1.0; 24]), &TypologyParams::new()).unwrap();
    let plain = reconstruct_typology(&indicators, None, &TypologyParams::new()).unwrap();
    assert_eq!(unit.need_score, plain.need_score);
    assert_eq!(unit.inertia, plain.inertia);
    assert_eq!(unit.groups, plain.groups);
    // Weight 2 on the first communes = those communes listed twice.
    let weights: Vec<f64> = (0..communes)
        .map(|j| if j < 5 { 2.0 } else { 1.0 })
        .collect();
    let repeated: Vec<Indicator> = indicators
        .iter()
        .map(|i| {
            let mut i = i.clone();
            let head: Vec<f64> = i.values[..5].to_vec();
            i.values.extend(head);
            i
        })
        .collect();
    let by_weight =
        reconstruct_typology(&indicators, Some(&weights), &TypologyParams::new()).unwrap();
    let by_repeat = reconstruct_typology(&repeated, None, &TypologyParams::new()).unwrap();
    assert_all_close(&by_weight.eigenvalues, &by_repeat.eigenvalues, 1e-12);
    assert_all_close(
        &by_weight.explained_variance,
        &by_repeat.explained_variance,
        1e-12,
    );
    assert_all_close(
        &by_weight.need_score,
        &by_repeat.need_score[..communes],
        1e-12,
    );
    assert_close(by_weight.inertia, by_repeat.inertia, 1e-9);
    // Zero weight: classified, but without influence on the axes.
    let mut zero = weights.clone();
    zero[communes - 1] = 0.0;
    let with_zero = reconstruct_typology(&indicators, Some(&zero), &TypologyParams::new()).unwrap();
    let dropped: Vec<Indicator> = indicators
        .iter()
        .map(|i| {
            let mut i = i.clone();
            i.values.pop();
            i
        })
        .collect();
    let without = reconstruct_typology(
        &dropped,
        Some(&weights[..communes - 1]),
        &TypologyParams::new(),
    )
    .unwrap();
    assert_all_close(&with_zero.eigenvalues, &without.eigenvalues, 1e-12);
    assert_all_close(
        &with_zero.need_score[..communes - 1],
        &without.need_score,
        1e-12,
    );
    assert_eq!(with_zero.groups.len(), communes);
}

#[test]
fn group_means_by_hand() {
    let (indicators, _) = blob_indicators(6, 8, 0.5);
    let weights: Vec<f64> = (0..32).map(|j| 100.0 + f64::from(j)).collect();
    let t = reconstruct_typology(&indicators, Some(&weights), &TypologyParams::new()).unwrap();
    assert_eq!(t.group_means.iter().map(|g| g.count).sum::<usize>(), 32);
    for mean in &t.group_means {
        let members: Vec<usize> = (0..32).filter(|&j| t.groups[j] == mean.group).collect();
        assert_eq!(members.len(), mean.count);
        let total: f64 = members.iter().map(|&j| weights[j]).sum();
        assert_close(mean.weight, total, 1e-9);
        for (indicator, &value) in indicators.iter().zip(&mean.indicator_means) {
            let expected = members
                .iter()
                .map(|&j| weights[j] * indicator.values[j])
                .sum::<f64>()
                / total;
            assert_close(value, expected, 1e-9 * expected.abs().max(1.0));
        }
        let need = members
            .iter()
            .map(|&j| weights[j] * t.need_score[j])
            .sum::<f64>()
            / total;
        assert_close(mean.need_score, need, 1e-12);
    }
    // Named in order: above-average need first, then decreasing need - offer.
    let keys: Vec<(bool, f64)> = t
        .group_means
        .iter()
        .map(|g| (g.need_score > 0.0, g.need_score - g.offer_score))
        .collect();
    let (first, last) = (keys[0], keys[keys.len() - 1]);
    assert!(
        keys.iter()
            .all(|k| (first.0 && !k.0) || (first.0 == k.0 && first.1 >= k.1)),
        "{keys:?}"
    );
    assert!(
        keys.iter()
            .all(|k| (k.0 && !last.0) || (k.0 == last.0 && k.1 >= last.1)),
        "{keys:?}"
    );
}

/// The error of a reconstruction that must fail.
#[track_caller]
fn check(
    indicators: &[Indicator],
    weights: Option<&[f64]>,
    params: &TypologyParams,
) -> TypologyError {
    reconstruct_typology(indicators, weights, params).unwrap_err()
}

#[test]
fn errors_in_params() {
    let ok = two_indicators_eight;
    let params = TypologyParams::new();
    assert_eq!(
        check(&ok(), None, &params.clone().k(3)),
        TypologyError::UnsupportedGroupCount { k: 3, expected: 4 }
    );
    assert_eq!(
        check(&ok(), None, &params.clone().restarts(0)),
        TypologyError::NoRestarts
    );
    assert_eq!(
        check(&ok(), None, &params.clone().max_iterations(0)),
        TypologyError::NoIterations
    );
}

#[test]
fn errors_in_indicators() {
    let ok = two_indicators_eight;
    let params = TypologyParams::new();
    assert_eq!(
        check(&ok()[..1], None, &params),
        TypologyError::TooFewIndicators { found: 1, min: 2 }
    );
    assert_eq!(
        check(&[], None, &params),
        TypologyError::TooFewIndicators { found: 0, min: 2 }
    );
    let mut duplicate = ok();
    duplicate[1].name = "x".to_owned();
    assert_eq!(
        check(&duplicate, None, &params),
        TypologyError::DuplicateName {
            name: "x".to_owned()
        }
    );
    let mut no_offer = ok();
    no_offer[1].axis = IndicatorAxis::Need;
    assert_eq!(
        check(&no_offer, None, &params),
        TypologyError::MissingAxis {
            axis: IndicatorAxis::Offer
        }
    );
    let mut short = ok();
    short[1].values.pop();
    assert_eq!(
        check(&short, None, &params),
        TypologyError::LengthMismatch {
            indicator: "y".to_owned(),
            reference: "x".to_owned(),
            expected: 8,
            found: 7
        }
    );
    let few = [
        need("x", true, vec![1.0, 2.0, 3.0]),
        offer("y", true, vec![3.0, 1.0, 2.0]),
    ];
    assert_eq!(
        check(&few, None, &params),
        TypologyError::TooFewCommunes { found: 3, k: 4 }
    );
    let mut nan = ok();
    nan[1].values[5] = f64::NAN;
    assert!(matches!(
        check(&nan, None, &params),
        TypologyError::NonFiniteValue { ref indicator, commune: 5, .. } if indicator == "y"
    ));
    let mut infinite = ok();
    infinite[0].values[0] = f64::NEG_INFINITY;
    assert!(matches!(
        check(&infinite, None, &params),
        TypologyError::NonFiniteValue { commune: 0, .. }
    ));
    let mut constant = ok();
    constant[0].values = vec![0.3; 8];
    assert!(matches!(
        check(&constant, None, &params),
        TypologyError::ConstantIndicator { ref indicator, .. } if indicator == "x"
    ));
    let mut zero = ok();
    zero[1].values = vec![0.0; 8];
    assert!(matches!(
        check(&zero, None, &params),
        TypologyError::ConstantIndicator { std, .. } if std == 0.0
    ));
    let mut huge = ok();
    huge[0].values[0] = 1e300;
    huge[0].values[1] = -1e300;
    assert_eq!(
        check(&huge, None, &params),
        TypologyError::VarianceOverflow {
            indicator: "x".to_owned()
        }
    );
    // Messages name the indicator and the commune.
    let message = check(&nan, None, &params).to_string();
    assert!(
        message.contains("`y`") && message.contains("commune 5"),
        "{message}"
    );
}

#[test]
fn errors_in_weights_and_scores() {
    let ok = two_indicators_eight;
    let params = TypologyParams::new();
    assert_eq!(
        check(&ok(), Some(&[1.0; 7]), &params),
        TypologyError::WeightCount {
            communes: 8,
            found: 7
        }
    );
    let mut negative = [1.0; 8];
    negative[2] = -1.0;
    assert_eq!(
        check(&ok(), Some(&negative), &params),
        TypologyError::InvalidWeight {
            commune: 2,
            value: -1.0
        }
    );
    let mut not_a_number = [1.0; 8];
    not_a_number[4] = f64::NAN;
    assert!(matches!(
        check(&ok(), Some(&not_a_number), &params),
        TypologyError::InvalidWeight { commune: 4, .. }
    ));
    assert_eq!(
        check(&ok(), Some(&[0.0; 8]), &params),
        TypologyError::InvalidTotalWeight { total: 0.0 }
    );
    assert_eq!(
        check(&ok(), Some(&[f64::MAX; 8]), &params),
        TypologyError::InvalidTotalWeight {
            total: f64::INFINITY
        }
    );
    // Only three communes carry weight: k-means cannot make four groups.
    let three = [1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0];
    assert!(matches!(
        check(&ok(), Some(&three), &params),
        TypologyError::TooFewDistinctScores { distinct: 3, k: 4 }
    ));
    // Eight communes but only three distinct profiles.
    let repeated = [
        need("x", true, vec![1.0, 1.0, 2.0, 2.0, 3.0, 3.0, 1.0, 2.0]),
        offer("y", true, vec![5.0, 5.0, 1.0, 1.0, 2.0, 2.0, 5.0, 1.0]),
    ];
    assert_eq!(
        check(&repeated, None, &params),
        TypologyError::TooFewDistinctScores { distinct: 3, k: 4 }
    );
}

/// Eight communes, one need and one offer indicator.
fn two_indicators_eight() -> Vec<Indicator> {
    vec![
        need("x", true, vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0]),
        offer("y", true, vec![2.0, 1.0, 4.0, 3.0, 6.0, 5.0, 8.0, 7.0]),
    ]
}

#[test]
fn params_builder_and_serde_defaults() {
    let params = TypologyParams::new()
        .seed(9)
        .restarts(3)
        .max_iterations(50)
        .rotation(AxisRotation::None);
    assert_eq!(
        (
            params.k,
            params.seed,
            params.restarts,
            params.max_iterations,
            params.rotation
        ),
        (4, 9, 3, 50, AxisRotation::None)
    );
    assert_eq!(TypologyParams::default(), TypologyParams::new());
    assert_eq!(TypologyParams::new().seed, 42);
    assert_eq!(TypologyParams::new().restarts, 100);
    assert_eq!(TypologyParams::new().rotation, AxisRotation::Target);
    assert!(ReconstructedTypology::METHOD.contains("not IWEPS"));
}

// ---------------------------------------------------------------------------------------------
// Cross-check with scikit-learn (benches/compare/typology_sklearn.py)

/// Parses an indicator CSV of `benches/compare/typology_sklearn.py`: `id`, then `AXIS±:name`.
fn parse_indicator_csv(text: &str) -> (Vec<String>, Vec<Indicator>) {
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(header[0], "id");
    let mut indicators: Vec<Indicator> = header[1..]
        .iter()
        .map(|column| {
            let (prefix, name) = column.split_once(':').unwrap();
            let (axis, higher_is_more) = match prefix {
                "need+" => (IndicatorAxis::Need, true),
                "need-" => (IndicatorAxis::Need, false),
                "offer+" => (IndicatorAxis::Offer, true),
                "offer-" => (IndicatorAxis::Offer, false),
                other => panic!("bad column prefix {other}"),
            };
            Indicator::new(name, axis, higher_is_more, Vec::new())
        })
        .collect();
    let mut ids = Vec::new();
    for line in lines {
        let mut fields = line.split(',');
        ids.push(fields.next().unwrap().to_owned());
        for (indicator, field) in indicators.iter_mut().zip(fields) {
            indicator.values.push(field.parse().unwrap());
        }
    }
    (ids, indicators)
}

/// `quantity,value` pairs.
fn parse_expected(text: &str) -> std::collections::HashMap<&str, f64> {
    text.lines()
        .skip(1)
        .filter_map(|line| line.split_once(','))
        .filter_map(|(key, value)| Some((key, value.parse().ok()?)))
        .collect()
}

#[test]
fn matches_scikit_learn_on_the_fixture() {
    let (ids, indicators) = parse_indicator_csv(include_str!("testdata/synthetic_communes.csv"));
    let expected = parse_expected(include_str!("testdata/sklearn_expected.csv"));
    let labels: Vec<(String, usize)> = include_str!("testdata/sklearn_labels.csv")
        .lines()
        .skip(1)
        .map(|line| {
            let (id, cluster) = line.split_once(',').unwrap();
            (id.to_owned(), cluster.parse().unwrap())
        })
        .collect();
    assert_eq!(ids.len(), 120);
    assert_eq!(
        ids,
        labels.iter().map(|(id, _)| id.clone()).collect::<Vec<_>>()
    );

    let t = reconstruct_typology(&indicators, None, &TypologyParams::new()).unwrap();
    // PCA: Jacobi on the correlation matrix against LAPACK's SVD of the z-scores.
    assert_close(
        t.component_explained_variance[0],
        expected["explained_variance_ratio_1"],
        1e-9,
    );
    assert_close(
        t.component_explained_variance[1],
        expected["explained_variance_ratio_2"],
        1e-9,
    );
    assert_close(t.eigenvalues[0], expected["eigenvalue_1"], 1e-9);
    assert_close(t.eigenvalues[1], expected["eigenvalue_2"], 1e-9);
    // k-means: our best of 100 restarts reaches scikit-learn's best of 200, the same partition.
    let inertia = expected["kmeans_inertia"];
    assert_close(t.inertia, inertia, 1e-9 * inertia);
    let sklearn: Vec<usize> = labels.iter().map(|&(_, c)| c).collect();
    assert!(same_partition(&t.groups, &sklearn));
}

/// Prints the reconstruction of any indicator CSV of `typology_sklearn.py`, for comparison with
/// its output: `SSMPLAN_TYPOLOGY_CSV=walloon.csv cargo test -p ssmplan-planner
/// typology_of_a_csv -- --ignored --nocapture`.
#[test]
#[ignore = "reads the CSV named by SSMPLAN_TYPOLOGY_CSV"]
fn typology_of_a_csv() {
    let path = std::env::var("SSMPLAN_TYPOLOGY_CSV").unwrap();
    let (ids, indicators) = parse_indicator_csv(&std::fs::read_to_string(&path).unwrap());
    for rotation in [AxisRotation::Target, AxisRotation::None] {
        let restarts =
            std::env::var("SSMPLAN_TYPOLOGY_RESTARTS").map_or(100, |r| r.parse().unwrap());
        let params = TypologyParams::new().rotation(rotation).restarts(restarts);
        let started = std::time::Instant::now();
        let t = reconstruct_typology(&indicators, None, &params).unwrap();
        let elapsed = started.elapsed();
        println!(
            "{path}: {} communes, rotation {rotation:?}, {elapsed:?}",
            ids.len()
        );
        println!("  eigenvalues {:?}", t.eigenvalues);
        println!(
            "  component explained variance {:?}",
            t.component_explained_variance
        );
        println!("  axes explained variance {:?}", t.explained_variance);
        println!(
            "  need axis {:?}, offer axis {:?}",
            t.need_axis, t.offer_axis
        );
        println!(
            "  inertia {:.15} (restart {}, {} iterations, {} runs at best)",
            t.inertia, t.best_restart, t.iterations, t.restarts_at_best
        );
        for l in &t.loadings {
            println!(
                "  {:32} need {:+.3} offer {:+.3} pc1 {:+.3} pc2 {:+.3}",
                l.name, l.need, l.offer, l.components[0], l.components[1]
            );
        }
        for g in &t.group_means {
            let means: Vec<String> = g
                .indicator_means
                .iter()
                .map(|m| format!("{m:.2}"))
                .collect();
            println!(
                "  {:13} n={:3} need {:+.3} offer {:+.3} means [{}]",
                g.group.key(),
                g.count,
                g.need_score,
                g.offer_score,
                means.join(", ")
            );
        }
    }
}
