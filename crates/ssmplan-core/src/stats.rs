//! Population-weighted distance statistics.

/// Distance thresholds (km) for the "population beyond" counts.
pub const BEYOND_THRESHOLDS_KM: [u32; 4] = [5, 10, 15, 20];

/// The same thresholds in metres, the default of [`DistanceSummary::from_pairs`].
pub const BEYOND_THRESHOLDS_M: [f64; 4] = [5_000.0, 10_000.0, 15_000.0, 20_000.0];

/// Population-weighted summary of access costs over a set of demand points: distances in
/// metres, or drive times in minutes for a time model (the fields say metres; with
/// [`DistanceSummary::from_pairs_beyond`] the unit is the pairs' own).
///
/// Quantiles are *lower* weighted quantiles: the median is the smallest distance `d` such that at
/// least half of the population lives at `d` or closer. Points with no population are ignored.
#[derive(Clone, Debug, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct DistanceSummary {
    /// Residents counted.
    pub population: u64,
    /// Population-weighted mean distance (metres); `None` without population.
    pub mean_m: Option<f64>,
    /// Weighted median (metres).
    pub median_m: Option<f64>,
    /// Weighted 90th percentile (metres).
    pub p90_m: Option<f64>,
    /// Largest distance of a populated point (metres).
    pub max_m: Option<f64>,
    /// Residents strictly farther than each threshold: 5, 10, 15 and 20 km
    /// ([`BEYOND_THRESHOLDS_KM`]) for [`DistanceSummary::from_pairs`], else the thresholds
    /// given to [`DistanceSummary::from_pairs_beyond`], in order.
    pub beyond: Vec<u64>,
}

impl DistanceSummary {
    /// Summarises `(distance_m, population)` pairs. The order of the pairs does not matter.
    #[must_use]
    pub fn from_pairs(pairs: &[(f64, u64)]) -> Self {
        Self::from_pairs_beyond(pairs, &BEYOND_THRESHOLDS_M)
    }

    /// Summarises `(cost, population)` pairs, counting the residents strictly beyond each of
    /// `thresholds` (in the unit of the costs: minutes for a drive-time model).
    #[must_use]
    pub fn from_pairs_beyond(pairs: &[(f64, u64)], thresholds: &[f64]) -> Self {
        let mut items: Vec<(f64, u64)> = pairs.iter().copied().filter(|p| p.1 > 0).collect();
        let population: u64 = items.iter().map(|p| p.1).sum();
        if population == 0 {
            return Self {
                beyond: vec![0; thresholds.len()],
                ..Self::default()
            };
        }
        items.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let weighted: f64 = items.iter().map(|(d, w)| d * *w as f64).sum();
        let quantile = |q: f64| {
            let target = q * population as f64;
            let mut cumulative = 0u64;
            for (d, w) in &items {
                cumulative += w;
                if cumulative as f64 >= target {
                    return *d;
                }
            }
            items.last().map_or(0.0, |p| p.0)
        };
        let beyond = thresholds
            .iter()
            .map(|limit| items.iter().filter(|p| p.0 > *limit).map(|p| p.1).sum())
            .collect();
        Self {
            population,
            mean_m: Some(weighted / population as f64),
            median_m: Some(quantile(0.5)),
            p90_m: Some(quantile(0.9)),
            max_m: items.last().map(|p| p.0),
            beyond,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hand_computed_summary() {
        // 100 people at 2 km, 300 at 6 km, 500 at 12 km, 100 at 25 km, and an empty point at 90 km.
        let s = DistanceSummary::from_pairs(&[
            (12_000.0, 500),
            (2_000.0, 100),
            (90_000.0, 0),
            (25_000.0, 100),
            (6_000.0, 300),
        ]);
        assert_eq!(s.population, 1000);
        // (200,000 + 1,800,000 + 6,000,000 + 2,500,000) / 1000 = 10,500 m
        assert!((s.mean_m.expect("populated") - 10_500.0).abs() < 1e-9);
        // cumulative 100, 400, 900, 1000: median (500) reached at 12 km, P90 (900) at 12 km.
        assert_eq!(s.median_m, Some(12_000.0));
        assert_eq!(s.p90_m, Some(12_000.0));
        assert_eq!(s.max_m, Some(25_000.0));
        assert_eq!(s.beyond, [900, 600, 100, 100]);
    }

    #[test]
    fn empty_and_unpopulated() {
        let empty = DistanceSummary::from_pairs(&[]);
        assert_eq!(empty.population, 0);
        assert_eq!(empty.mean_m, None);
        assert_eq!(empty.beyond, [0, 0, 0, 0]);
        assert_eq!(DistanceSummary::from_pairs(&[(5.0, 0)]).population, 0);
    }

    #[test]
    fn exactly_at_threshold_is_not_beyond() {
        let s = DistanceSummary::from_pairs(&[(5_000.0, 10), (5_000.1, 1)]);
        assert_eq!(s.beyond, [1, 0, 0, 0]);
    }

    #[test]
    fn thresholds_in_minutes() {
        // 10 residents at 4 min, 5 at 20 min (not beyond 20), 2 at 30, 1 at 50.
        let s = DistanceSummary::from_pairs_beyond(
            &[(4.0, 10), (20.0, 5), (30.0, 2), (50.0, 1)],
            &[5.0, 20.0, 45.0],
        );
        assert_eq!(s.beyond, [8, 3, 1]);
        assert_eq!(s.max_m, Some(50.0));
        assert_eq!(
            DistanceSummary::from_pairs_beyond(&[], &[5.0, 20.0, 45.0]).beyond,
            [0, 0, 0]
        );
    }
}
