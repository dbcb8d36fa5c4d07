//! Integer apportionment: split a whole population over weighted parts so that the parts add up
//! exactly to the total.

/// Splits `total` over `weights` by the largest-remainder (Hamilton) method.
///
/// Each part gets `floor(total * w / sum(w))`; the units left over go, one each, to the parts with
/// the largest fractional remainders, ties to the lowest index. Deterministic, and the result
/// always sums to `total`. When every weight is zero (or the slice has no positive weight), the
/// population is spread evenly in the same way. Negative and non-finite weights count as zero.
///
/// Returns an empty vector for empty `weights` (the caller must place `total` elsewhere).
#[must_use]
pub fn apportion(total: u64, weights: &[f64]) -> Vec<u64> {
    if weights.is_empty() {
        return Vec::new();
    }
    let clean: Vec<f64> = weights
        .iter()
        .map(|&w| if w.is_finite() && w > 0.0 { w } else { 0.0 })
        .collect();
    let sum: f64 = clean.iter().sum();
    let shares: Vec<f64> = if sum > 0.0 {
        clean.iter().map(|w| w / sum).collect()
    } else {
        vec![1.0 / clean.len() as f64; clean.len()]
    };
    let exact: Vec<f64> = shares.iter().map(|s| s * total as f64).collect();
    let mut parts: Vec<u64> = exact.iter().map(|e| e.floor() as u64).collect();
    let given: u64 = parts.iter().sum();
    let mut left = total.saturating_sub(given);
    let mut order: Vec<usize> = (0..parts.len()).collect();
    order.sort_by(|&a, &b| {
        let ra = exact[a] - exact[a].floor();
        let rb = exact[b] - exact[b].floor();
        rb.total_cmp(&ra).then(a.cmp(&b))
    });
    // Floating error can leave more than len() units in extreme cases: loop until placed.
    while left > 0 {
        for &i in &order {
            if left == 0 {
                break;
            }
            parts[i] += 1;
            left -= 1;
        }
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hand_computed_cases() {
        assert_eq!(apportion(10, &[1.0, 1.0, 1.0]), vec![4, 3, 3]);
        assert_eq!(apportion(7, &[0.5, 0.25, 0.25]), vec![3, 2, 2]);
        assert_eq!(apportion(5, &[0.0, 0.0]), vec![3, 2]);
        assert_eq!(apportion(0, &[3.0, 1.0]), vec![0, 0]);
        assert_eq!(apportion(100, &[f64::NAN, -2.0, 1.0]), vec![0, 0, 100]);
        assert!(apportion(9, &[]).is_empty());
    }

    #[test]
    fn always_sums_to_total_and_stays_close_to_quota() {
        let mut state = 0x2545_f491_u64;
        for case in 0..500u64 {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1);
            let n = 1 + (state >> 59) as usize;
            let weights: Vec<f64> = (0..n)
                .map(|i| ((state >> (i % 50)) % 1000) as f64 / 7.0)
                .collect();
            let total = (state >> 20) % 1_000_000 + case;
            let parts = apportion(total, &weights);
            assert_eq!(parts.iter().sum::<u64>(), total);
            let sum: f64 = weights.iter().sum();
            for (p, w) in parts.iter().zip(&weights) {
                let quota = if sum > 0.0 {
                    total as f64 * w / sum
                } else {
                    total as f64 / n as f64
                };
                assert!(
                    (*p as f64 - quota).abs() < 1.0 + 1e-6,
                    "{p} vs quota {quota}"
                );
            }
        }
    }
}
