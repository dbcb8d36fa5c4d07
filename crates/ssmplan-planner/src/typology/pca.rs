//! Standardisation, the two principal components of the indicators, and the need and offer axes
//! of their plane.

use super::eigen::{MAX_SWEEPS, symmetric_eigen};
use super::error::TypologyError;
use super::indicator::IndicatorAxis;
use super::params::AxisRotation;

/// Relative tolerance under which a standard deviation counts as zero (constant indicator).
const CONSTANT_TOLERANCE: f64 = 1e-12;

/// Tolerance (per indicator) of the comparisons that choose and sign the axes: sums of loadings
/// closer than this are ties, broken by the documented rules rather than by round-off.
const TIE_TOLERANCE: f64 = 1e-12;

/// Weighted z-scores of oriented indicators: `(x - mean) / std` with the weighted mean and the
/// weighted population standard deviation (divisor: the total weight, not `n - 1`).
///
/// `columns[i]` holds the oriented values of indicator `i` (already negated when lower means
/// more), `weights` one non-negative weight per commune with a positive finite `total_weight`.
///
/// # Errors
/// [`TypologyError::ConstantIndicator`] when a standard deviation is zero or below `1e-12` times
/// the absolute mean, [`TypologyError::VarianceOverflow`] when it is not finite.
pub(crate) fn standardise(
    columns: &[Vec<f64>],
    names: &[&str],
    weights: &[f64],
    total_weight: f64,
) -> Result<Vec<Vec<f64>>, TypologyError> {
    columns
        .iter()
        .zip(names)
        .map(|(column, &name)| {
            let mean = weighted_sum(column.iter().copied(), weights) / total_weight;
            let variance = weighted_sum(column.iter().map(|x| (x - mean) * (x - mean)), weights)
                / total_weight;
            let std = variance.sqrt();
            if !std.is_finite() || !mean.is_finite() {
                return Err(TypologyError::VarianceOverflow {
                    indicator: name.to_owned(),
                });
            }
            if std == 0.0 || std <= CONSTANT_TOLERANCE * mean.abs() {
                return Err(TypologyError::ConstantIndicator {
                    indicator: name.to_owned(),
                    mean,
                    std,
                });
            }
            Ok(column.iter().map(|x| (x - mean) / std).collect())
        })
        .collect()
}

/// `Σ w_j x_j` in commune order.
fn weighted_sum(values: impl Iterator<Item = f64>, weights: &[f64]) -> f64 {
    values.zip(weights).map(|(x, w)| w * x).sum()
}

/// Weighted correlation matrix of z-scores: `R[i][k] = Σ_j w_j z_i[j] z_k[j] / Σ_j w_j`.
pub(crate) fn correlation_matrix(
    z: &[Vec<f64>],
    weights: &[f64],
    total_weight: f64,
) -> Vec<Vec<f64>> {
    let p = z.len();
    let mut r = vec![vec![0.0; p]; p];
    for i in 0..p {
        for k in i..p {
            let value =
                weighted_sum(z[i].iter().zip(&z[k]).map(|(a, b)| a * b), weights) / total_weight;
            r[i][k] = value;
            r[k][i] = value;
        }
    }
    r
}

/// The principal plane and the need and offer axes in it.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct PrincipalAxes {
    /// All eigenvalues of the correlation matrix, largest first.
    pub(crate) eigenvalues: Vec<f64>,
    /// Unit eigenvectors of the two largest eigenvalues (largest component positive).
    pub(crate) components: [Vec<f64>; 2],
    /// Unscaled principal-component scores `Σ_i z_i[j] · v_i`, one vector per component: the
    /// plane k-means runs in.
    pub(crate) component_scores: [Vec<f64>; 2],
    /// Loadings on the two principal components (`v_i · √λ`).
    pub(crate) component_loadings: [Vec<f64>; 2],
    /// `λ / Σλ` of the two principal components.
    pub(crate) component_explained: [f64; 2],
    /// The need then the offer axis as unit vectors of the principal plane, in
    /// `(component 1, component 2)` coordinates; orthonormal.
    pub(crate) axes: [[f64; 2]; 2],
    /// Need then offer score of every commune: coordinates of the component scores on `axes`.
    pub(crate) scores: [Vec<f64>; 2],
    /// Loadings on the need then the offer axis: correlation of each oriented indicator with the
    /// axis score.
    pub(crate) loadings: [Vec<f64>; 2],
    /// Variance of the need then the offer score over the sum of all eigenvalues.
    pub(crate) explained: [f64; 2],
}

/// PCA of the z-scores `z` (one row per indicator) on their correlation matrix: the plane of the
/// first two components, and in it the need and offer axes chosen by `rotation` and signed so
/// that the indicators of each axis load positively on average (see the module docs).
///
/// # Errors
/// [`TypologyError::EigenNotConverged`] if the Jacobi sweeps do not converge.
pub(crate) fn principal_axes(
    z: &[Vec<f64>],
    kinds: &[IndicatorAxis],
    weights: &[f64],
    total_weight: f64,
    rotation: AxisRotation,
) -> Result<PrincipalAxes, TypologyError> {
    let correlation = correlation_matrix(z, weights, total_weight);
    let eigen = symmetric_eigen(&correlation)
        .ok_or(TypologyError::EigenNotConverged { sweeps: MAX_SWEEPS })?;
    let total_variance: f64 = eigen.values.iter().sum();
    let lambda = [eigen.values[0].max(0.0), eigen.values[1].max(0.0)];
    let components = [eigen.vectors[0].clone(), eigen.vectors[1].clone()];
    let component_loadings = [0, 1].map(|c| {
        components[c]
            .iter()
            .map(|v| v * lambda[c].sqrt())
            .collect::<Vec<f64>>()
    });
    let communes = z.first().map_or(0, Vec::len);
    let component_scores = [0, 1].map(|c| {
        (0..communes)
            .map(|j| z.iter().zip(&components[c]).map(|(zi, v)| zi[j] * v).sum())
            .collect::<Vec<f64>>()
    });

    let mut axes = match rotation {
        AxisRotation::Target => target_axes(&components, kinds)
            .unwrap_or_else(|| component_axes(&component_loadings, kinds)),
        AxisRotation::None => component_axes(&component_loadings, kinds),
    };
    let axis_loadings = |axis: [f64; 2]| -> Vec<f64> {
        let variance = lambda[0] * axis[0] * axis[0] + lambda[1] * axis[1] * axis[1];
        if variance <= 0.0 {
            return vec![0.0; kinds.len()];
        }
        let sd = variance.sqrt();
        components[0]
            .iter()
            .zip(&components[1])
            .map(|(v1, v2)| (lambda[0] * axis[0] * v1 + lambda[1] * axis[1] * v2) / sd)
            .collect()
    };
    for (slot, kind) in [IndicatorAxis::Need, IndicatorAxis::Offer]
        .into_iter()
        .enumerate()
    {
        if should_flip(&axis_loadings(axes[slot]), kinds, kind) {
            axes[slot] = [-axes[slot][0], -axes[slot][1]];
        }
    }
    let loadings = [axis_loadings(axes[0]), axis_loadings(axes[1])];
    let scores = axes.map(|axis| {
        component_scores[0]
            .iter()
            .zip(&component_scores[1])
            .map(|(s1, s2)| axis[0] * s1 + axis[1] * s2)
            .collect::<Vec<f64>>()
    });
    let explained = axes.map(|axis| {
        (eigen.values[0] * axis[0] * axis[0] + eigen.values[1] * axis[1] * axis[1]) / total_variance
    });
    let component_explained = [
        eigen.values[0] / total_variance,
        eigen.values[1] / total_variance,
    ];
    Ok(PrincipalAxes {
        eigenvalues: eigen.values,
        components,
        component_scores,
        component_loadings,
        component_explained,
        axes,
        scores,
        loadings,
        explained,
    })
}

/// [`AxisRotation::None`]: the need axis is the component whose loadings on the need indicators
/// have the largest absolute sum (the first on a tie), the offer axis the other one.
fn component_axes(component_loadings: &[Vec<f64>; 2], kinds: &[IndicatorAxis]) -> [[f64; 2]; 2] {
    let need_count = kinds.iter().filter(|&&k| k == IndicatorAxis::Need).count();
    let first = axis_sum(&component_loadings[0], kinds, IndicatorAxis::Need).abs();
    let second = axis_sum(&component_loadings[1], kinds, IndicatorAxis::Need).abs();
    if second > first + TIE_TOLERANCE * need_count as f64 {
        [[0.0, 1.0], [1.0, 0.0]]
    } else {
        [[1.0, 0.0], [0.0, 1.0]]
    }
}

/// [`AxisRotation::Target`]: the orthonormal pair of directions of the principal plane closest
/// to the need and offer target directions (orthogonal Procrustes, reflections allowed).
///
/// The targets are the unit vectors `t_need = Σ_{need i} e_i / √n_need` and `t_offer` likewise
/// in indicator space; with `M = [v1 v2]ᵀ [t_need t_offer]` (2 x 2), the orthogonal `Q`
/// maximising `trace(Qᵀ M)` is the polar factor of `M`, in closed form for 2 x 2: the best
/// rotation has `trace = √((a+d)² + (c-b)²)`, the best reflection `√((a-d)² + (b+c)²)`; the
/// rotation wins ties. `None` when `M = 0` (the plane is orthogonal to both targets).
pub(crate) fn target_axes(
    components: &[Vec<f64>; 2],
    kinds: &[IndicatorAxis],
) -> Option<[[f64; 2]; 2]> {
    let target = |kind: IndicatorAxis, v: &[f64]| -> f64 {
        let count = kinds.iter().filter(|&&k| k == kind).count();
        axis_sum(v, kinds, kind) / (count as f64).sqrt()
    };
    let a = target(IndicatorAxis::Need, &components[0]);
    let b = target(IndicatorAxis::Offer, &components[0]);
    let c = target(IndicatorAxis::Need, &components[1]);
    let d = target(IndicatorAxis::Offer, &components[1]);
    let rotation = (a + d).hypot(c - b);
    let reflection = (a - d).hypot(b + c);
    // Q's columns are the need and offer axes in component coordinates.
    if rotation >= reflection && rotation > 0.0 {
        let (cos, sin) = ((a + d) / rotation, (c - b) / rotation);
        Some([[cos, sin], [-sin, cos]])
    } else if reflection > 0.0 {
        let (cos, sin) = ((a - d) / reflection, (b + c) / reflection);
        Some([[cos, sin], [sin, -cos]])
    } else {
        None
    }
}

/// Sum of the loadings of the indicators of `kind`.
fn axis_sum(loadings: &[f64], kinds: &[IndicatorAxis], kind: IndicatorAxis) -> f64 {
    loadings
        .iter()
        .zip(kinds)
        .filter(|&(_, &k)| k == kind)
        .map(|(l, _)| l)
        .sum()
}

/// Whether an axis must be negated so that the indicators of `kind` load positively on
/// average. On a tie (sum within tolerance of zero) the indicator of `kind` with the largest
/// absolute loading (the first one on ties) decides; if all are zero, nothing is flipped.
pub(crate) fn should_flip(loadings: &[f64], kinds: &[IndicatorAxis], kind: IndicatorAxis) -> bool {
    let members = || {
        loadings
            .iter()
            .zip(kinds)
            .filter(move |&(_, &k)| k == kind)
            .map(|(&l, _)| l)
    };
    let sum = axis_sum(loadings, kinds, kind);
    let tolerance = TIE_TOLERANCE * members().count() as f64;
    if sum < -tolerance {
        return true;
    }
    if sum > tolerance {
        return false;
    }
    let mut largest = 0.0_f64;
    for l in members() {
        if l.abs() > largest.abs() {
            largest = l;
        }
    }
    largest < 0.0
}
