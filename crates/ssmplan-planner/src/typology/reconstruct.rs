//! [`reconstruct_typology`]: validation, then standardisation, PCA, k-means and naming.

use std::collections::HashSet;

use ssmplan_core::TypologyGroup;

use super::error::TypologyError;
use super::indicator::{Indicator, IndicatorAxis};
use super::kmeans::{Point, kmeans};
use super::params::TypologyParams;
use super::pca::{principal_axes, standardise};
use super::result::{GroupMean, Loading, ReconstructedTypology};

/// Fewest indicators: one per axis.
const MIN_INDICATORS: usize = 2;

/// Reconstructs a four-group typology of communes from need and offer indicators (see the
/// [module docs](super) for the method and how it differs from IWEPS's).
///
/// `weights` are optional per-commune weights (e.g. population) applied to the means, standard
/// deviations, correlations, k-means centers, inertia and group means; `None` weighs every
/// commune equally (communes as the statistical units, as a territorial typology usually does).
/// Communes of zero weight are classified but do not shape the axes nor the groups.
///
/// # Errors
/// - options: [`TypologyError::UnsupportedGroupCount`], [`TypologyError::NoRestarts`],
///   [`TypologyError::NoIterations`];
/// - indicators: [`TypologyError::TooFewIndicators`] (fewer than 2),
///   [`TypologyError::DuplicateName`], [`TypologyError::MissingAxis`] (an axis without
///   indicator), [`TypologyError::LengthMismatch`], [`TypologyError::TooFewCommunes`] (fewer
///   than `k`), [`TypologyError::NonFiniteValue`], [`TypologyError::ConstantIndicator`],
///   [`TypologyError::VarianceOverflow`];
/// - weights: [`TypologyError::WeightCount`], [`TypologyError::InvalidWeight`],
///   [`TypologyError::InvalidTotalWeight`];
/// - degenerate scores: [`TypologyError::TooFewDistinctScores`] (fewer than `k` distinct
///   points of positive weight in the score plane), [`TypologyError::EigenNotConverged`].
pub fn reconstruct_typology(
    indicators: &[Indicator],
    weights: Option<&[f64]>,
    params: &TypologyParams,
) -> Result<ReconstructedTypology, TypologyError> {
    params.validate()?;
    let k = params.k;
    let communes = validate_indicators(indicators, k)?;
    let weighted = weights.is_some();
    let (weights, total_weight) = validate_weights(weights, communes)?;

    let names: Vec<&str> = indicators.iter().map(|i| i.name.as_str()).collect();
    let axes: Vec<IndicatorAxis> = indicators.iter().map(|i| i.axis).collect();
    let oriented: Vec<Vec<f64>> = indicators
        .iter()
        .map(|i| {
            if i.higher_is_more {
                i.values.clone()
            } else {
                i.values.iter().map(|x| -x).collect()
            }
        })
        .collect();
    let z = standardise(&oriented, &names, &weights, total_weight)?;
    let pca = principal_axes(&z, &axes, &weights, total_weight, params.rotation)?;

    // k-means in the plane of the unscaled component scores (as scikit-learn's PCA then
    // KMeans), so the groups do not depend on the rotation of the axes.
    let points: Vec<Point> = pca.component_scores[0]
        .iter()
        .zip(&pca.component_scores[1])
        .map(|(&first, &second)| [first, second])
        .collect();
    let distinct = distinct_points(&points, &weights);
    if distinct < k {
        return Err(TypologyError::TooFewDistinctScores { distinct, k });
    }
    let best = kmeans(
        &points,
        &weights,
        k,
        params.seed,
        params.restarts,
        params.max_iterations,
    )
    .ok_or(TypologyError::TooFewDistinctScores { distinct, k })?;
    let scores: Vec<Point> = pca.scores[0]
        .iter()
        .zip(&pca.scores[1])
        .map(|(&need, &offer)| [need, offer])
        .collect();
    let centers = cluster_means(&scores, &weights, &best.run.labels, k);
    let names_of_clusters = name_clusters(&centers);
    let groups: Vec<TypologyGroup> = best
        .run
        .labels
        .iter()
        .map(|&c| names_of_clusters[c])
        .collect();
    let group_means = group_means(
        indicators,
        &weights,
        &best.run.labels,
        &centers,
        &names_of_clusters,
    );

    let loadings = indicators
        .iter()
        .enumerate()
        .map(|(i, indicator)| Loading {
            name: indicator.name.clone(),
            axis: indicator.axis,
            higher_is_more: indicator.higher_is_more,
            need: pca.loadings[0][i],
            offer: pca.loadings[1][i],
            components: [pca.component_loadings[0][i], pca.component_loadings[1][i]],
        })
        .collect();
    let [need_score, offer_score] = pca.scores;
    Ok(ReconstructedTypology {
        groups,
        need_score,
        offer_score,
        loadings,
        explained_variance: pca.explained,
        component_explained_variance: pca.component_explained,
        eigenvalues: pca.eigenvalues,
        rotation: params.rotation,
        need_axis: pca.axes[0],
        offer_axis: pca.axes[1],
        group_means,
        inertia: best.run.inertia,
        seed: params.seed,
        restarts: params.restarts,
        best_restart: best.restart,
        restarts_at_best: best.runs_at_best,
        iterations: best.run.iterations,
        converged: best.run.converged,
        weighted,
    })
}

/// Checks the indicators and returns the number of communes.
fn validate_indicators(indicators: &[Indicator], k: usize) -> Result<usize, TypologyError> {
    if indicators.len() < MIN_INDICATORS {
        return Err(TypologyError::TooFewIndicators {
            found: indicators.len(),
            min: MIN_INDICATORS,
        });
    }
    let mut seen = HashSet::new();
    for indicator in indicators {
        if !seen.insert(indicator.name.as_str()) {
            return Err(TypologyError::DuplicateName {
                name: indicator.name.clone(),
            });
        }
    }
    for axis in [IndicatorAxis::Need, IndicatorAxis::Offer] {
        if !indicators.iter().any(|i| i.axis == axis) {
            return Err(TypologyError::MissingAxis { axis });
        }
    }
    let reference = &indicators[0];
    let communes = reference.values.len();
    for indicator in indicators {
        if indicator.values.len() != communes {
            return Err(TypologyError::LengthMismatch {
                indicator: indicator.name.clone(),
                reference: reference.name.clone(),
                expected: communes,
                found: indicator.values.len(),
            });
        }
    }
    if communes < k {
        return Err(TypologyError::TooFewCommunes { found: communes, k });
    }
    for indicator in indicators {
        if let Some((commune, &value)) = indicator
            .values
            .iter()
            .enumerate()
            .find(|(_, x)| !x.is_finite())
        {
            return Err(TypologyError::NonFiniteValue {
                indicator: indicator.name.clone(),
                commune,
                value,
            });
        }
    }
    Ok(communes)
}

/// Checks the weights; returns them (ones when `None`) with their total.
fn validate_weights(
    weights: Option<&[f64]>,
    communes: usize,
) -> Result<(Vec<f64>, f64), TypologyError> {
    let Some(weights) = weights else {
        return Ok((vec![1.0; communes], communes as f64));
    };
    if weights.len() != communes {
        return Err(TypologyError::WeightCount {
            communes,
            found: weights.len(),
        });
    }
    if let Some((commune, &value)) = weights
        .iter()
        .enumerate()
        .find(|(_, w)| !(w.is_finite() && **w >= 0.0))
    {
        return Err(TypologyError::InvalidWeight { commune, value });
    }
    let total: f64 = weights.iter().sum();
    if !(total > 0.0 && total.is_finite()) {
        return Err(TypologyError::InvalidTotalWeight { total });
    }
    Ok((weights.to_vec(), total))
}

/// Number of distinct points of positive weight (`-0.0` and `0.0` count as one).
fn distinct_points(points: &[Point], weights: &[f64]) -> usize {
    let mut keys: Vec<[u64; 2]> = points
        .iter()
        .zip(weights)
        .filter(|&(_, &w)| w > 0.0)
        .map(|(p, _)| [(p[0] + 0.0).to_bits(), (p[1] + 0.0).to_bits()])
        .collect();
    keys.sort_unstable();
    keys.dedup();
    keys.len()
}

/// Weighted mean of the points of each cluster (every cluster has a positive weight after
/// k-means).
fn cluster_means(points: &[Point], weights: &[f64], labels: &[usize], k: usize) -> Vec<Point> {
    let mut sums = vec![[0.0; 2]; k];
    let mut mass = vec![0.0; k];
    for ((x, &w), &c) in points.iter().zip(weights).zip(labels) {
        sums[c][0] += w * x[0];
        sums[c][1] += w * x[1];
        mass[c] += w;
    }
    sums.iter()
        .zip(&mass)
        .map(|(s, &m)| [s[0] / m, s[1] / m])
        .collect()
}

/// Names the `k = 4` clusters from their centers. Clusters of above-average need (a positive
/// need score) come first, each part sorted by decreasing `need - offer` (ties: higher need first, then
/// lower cluster index); in that order the first is high risk, the second vulnerable, the last
/// favourable and the remaining one intermediate. So a cluster of low need is never called high
/// risk or vulnerable while two clusters of above-average need exist, however low its offer.
fn name_clusters(centers: &[Point]) -> Vec<TypologyGroup> {
    let mut order: Vec<usize> = (0..centers.len()).collect();
    order.sort_by(|&a, &b| {
        let key = |c: usize| centers[c][0] - centers[c][1];
        let needy = |c: usize| centers[c][0] > 0.0;
        needy(b)
            .cmp(&needy(a))
            .then(key(b).total_cmp(&key(a)))
            .then(centers[b][0].total_cmp(&centers[a][0]))
            .then(a.cmp(&b))
    });
    let mut names = vec![TypologyGroup::Intermediate; centers.len()];
    if let (Some(&first), Some(&last)) = (order.first(), order.last()) {
        names[first] = TypologyGroup::HighRisk;
        names[last] = TypologyGroup::Favourable;
    }
    if let Some(&second) = order.get(1)
        && order.len() > 2
    {
        names[second] = TypologyGroup::Vulnerable;
    }
    names
}

/// Count, weight, (weighted) raw indicator means and center of every group, in the order of
/// [`TypologyGroup::ALL`].
fn group_means(
    indicators: &[Indicator],
    weights: &[f64],
    labels: &[usize],
    centers: &[Point],
    names: &[TypologyGroup],
) -> Vec<GroupMean> {
    TypologyGroup::ALL
        .iter()
        .filter_map(|&group| {
            let cluster = names.iter().position(|&g| g == group)?;
            let members = || {
                labels
                    .iter()
                    .zip(weights)
                    .enumerate()
                    .filter(move |&(_, (&c, _))| c == cluster)
                    .map(|(j, (_, &w))| (j, w))
            };
            let weight: f64 = members().map(|(_, w)| w).sum();
            let indicator_means = indicators
                .iter()
                .map(|i| members().map(|(j, w)| w * i.values[j]).sum::<f64>() / weight)
                .collect();
            let [need_score, offer_score] = centers[cluster];
            Some(GroupMean {
                group,
                count: members().count(),
                weight,
                indicator_means,
                need_score,
                offer_score,
            })
        })
        .collect()
}
