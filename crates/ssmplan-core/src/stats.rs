//! Population-weighted distance statistics.

/// Distance thresholds (km) for the "population beyond" counts.
pub const BEYOND_THRESHOLDS_KM: [u32; 4] = [5, 10, 15, 20];

/// Population-weighted summary of access distances over a set of demand points.
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
    /// Residents strictly farther than 5, 10, 15 and 20 km ([`BEYOND_THRESHOLDS_KM`]).
    pub beyond: [u64; 4],
}

impl DistanceSummary {
    /// Summarises `(distance_m, population)` pairs. The order of the pairs does not matter.
    #[must_use]
    pub fn from_pairs(pairs: &[(f64, u64)]) -> Self {
        let mut items: Vec<(f64, u64)> = pairs.iter().copied().filter(|p| p.1 > 0).collect();
        let population: u64 = items.iter().map(|p| p.1).sum();
        if population == 0 {
            return Self::default();
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
        let mut beyond = [0u64; 4];
        for (slot, km) in beyond.iter_mut().zip(BEYOND_THRESHOLDS_KM) {
            let limit = f64::from(km) * 1000.0;
            *slot = items.iter().filter(|p| p.0 > limit).map(|p| p.1).sum();
        }
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
        assert_eq!(DistanceSummary::from_pairs(&[]), DistanceSummary::default());
        assert_eq!(DistanceSummary::from_pairs(&[(5.0, 0)]).population, 0);
    }

    #[test]
    fn exactly_at_threshold_is_not_beyond() {
        let s = DistanceSummary::from_pairs(&[(5_000.0, 10), (5_000.1, 1)]);
        assert_eq!(s.beyond, [1, 0, 0, 0]);
    }
}
