//! Eigen-decomposition of a small symmetric matrix by the cyclic Jacobi method.
//!
//! Each sweep visits the off-diagonal pairs `(p, q)`, `p < q`, row by row and zeroes `a[p][q]`
//! with a plane rotation (Rutishauser's stable formulas: `t = sign(θ) / (|θ| + √(θ² + 1))`).
//! A pair is rotated only while `|a[p][q]|` exceeds both `ε·√|a[p][p]·a[q][q]|` (the relative
//! criterion of Demmel and Veselić, which gives small eigenvalues to high relative accuracy) and
//! `ε²·‖A‖_F` (an absolute floor, so that round-off noise never keeps the sweeps going); the
//! decomposition has converged after a sweep without any rotation. Convergence is quadratic:
//! a correlation matrix of ten indicators needs 6 to 10 sweeps of 45 rotations.
//!
//! Eigenvalues come out in decreasing order (ties keep the order of the diagonal); each
//! eigenvector is signed so that its largest component in absolute value is positive (the first
//! such component on ties). Everything is sequential and in a fixed order: the same matrix gives
//! the same bits.

/// Sweeps after which the decomposition gives up (never reached in practice: a few sweeps
/// suffice for any symmetric matrix of the sizes used here).
pub(crate) const MAX_SWEEPS: usize = 100;

/// Eigenvalues and unit eigenvectors of a symmetric matrix.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct SymmetricEigen {
    /// Eigenvalues, largest first.
    pub(crate) values: Vec<f64>,
    /// `vectors[c]` is the unit eigenvector of `values[c]`.
    pub(crate) vectors: Vec<Vec<f64>>,
    /// Number of sweeps run (the last one without rotation).
    pub(crate) sweeps: usize,
}

/// Eigen-decomposition of the symmetric `n x n` matrix `matrix` (row-major rows; only symmetric
/// input is meaningful, the strict lower triangle is read as well).
///
/// Returns `None` when the sweeps do not converge within [`MAX_SWEEPS`] (or the matrix holds
/// non-finite numbers).
pub(crate) fn symmetric_eigen(matrix: &[Vec<f64>]) -> Option<SymmetricEigen> {
    let n = matrix.len();
    let mut a: Vec<Vec<f64>> = matrix.to_vec();
    if a.iter()
        .any(|row| row.len() != n || row.iter().any(|x| !x.is_finite()))
    {
        return None;
    }
    let mut v: Vec<Vec<f64>> = (0..n)
        .map(|i| (0..n).map(|j| if i == j { 1.0 } else { 0.0 }).collect())
        .collect();
    let frobenius = a.iter().flatten().map(|x| x * x).sum::<f64>().sqrt();
    let floor = f64::EPSILON * f64::EPSILON * frobenius;

    let mut sweeps = 0;
    let mut converged = false;
    while sweeps < MAX_SWEEPS {
        sweeps += 1;
        let mut rotated = false;
        for p in 0..n {
            for q in p + 1..n {
                let apq = a[p][q];
                let scale = (a[p][p] * a[q][q]).abs().sqrt();
                if apq.abs() <= f64::EPSILON * scale || apq.abs() <= floor {
                    continue;
                }
                rotated = true;
                rotate(&mut a, &mut v, p, q);
            }
        }
        if !rotated {
            converged = true;
            break;
        }
    }
    if !converged {
        return None;
    }

    let mut order: Vec<usize> = (0..n).collect();
    // Stable: equal eigenvalues keep the order of the diagonal.
    order.sort_by(|&i, &j| a[j][j].total_cmp(&a[i][i]));
    let values = order.iter().map(|&c| a[c][c]).collect();
    let vectors = order
        .iter()
        .map(|&c| {
            let mut vector: Vec<f64> = v.iter().map(|row| row[c]).collect();
            let mut largest = 0;
            for (i, x) in vector.iter().enumerate() {
                if x.abs() > vector[largest].abs() {
                    largest = i;
                }
            }
            if vector.get(largest).is_some_and(|&x| x < 0.0) {
                for x in &mut vector {
                    *x = -*x;
                }
            }
            vector
        })
        .collect();
    Some(SymmetricEigen {
        values,
        vectors,
        sweeps,
    })
}

/// Applies the Jacobi rotation that zeroes `a[p][q]` (`p < q`): `A <- Jᵀ A J`, `V <- V J`.
#[expect(
    clippy::many_single_char_names,
    reason = "the textbook notation of the Jacobi rotation (a, v, p, q, t, c, s)"
)]
fn rotate(a: &mut [Vec<f64>], v: &mut [Vec<f64>], p: usize, q: usize) {
    let apq = a[p][q];
    let theta = (a[q][q] - a[p][p]) / (2.0 * apq);
    // tan of the rotation angle, the smaller root of t² + 2tθ - 1 = 0 (|angle| <= π/4).
    let t = if theta.abs() > 1e150 {
        0.5 / theta
    } else {
        theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt())
    };
    let c = 1.0 / (t * t + 1.0).sqrt();
    let s = t * c;
    for row in a.iter_mut() {
        let (akp, akq) = (row[p], row[q]);
        row[p] = c * akp - s * akq;
        row[q] = s * akp + c * akq;
    }
    let (head, tail) = a.split_at_mut(q);
    for (apk, aqk) in head[p].iter_mut().zip(tail[0].iter_mut()) {
        let (xp, xq) = (*apk, *aqk);
        *apk = c * xp - s * xq;
        *aqk = s * xp + c * xq;
    }
    a[p][q] = 0.0;
    a[q][p] = 0.0;
    for row in v.iter_mut() {
        let (vkp, vkq) = (row[p], row[q]);
        row[p] = c * vkp - s * vkq;
        row[q] = s * vkp + c * vkq;
    }
}
