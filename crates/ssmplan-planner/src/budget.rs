//! Coordinator funding (the sector's proposal): every SSM gets a coordinator share of an ETP by
//! the size of its framework, paid at the IFIC category 18 cost.

/// Yearly cost of one ETP at IFIC category 18 with 5 years of seniority (the sector's 2026
/// figure), used as the default price of an ETP.
///
/// # Units
/// Euros per year.
pub const DEFAULT_COST_PER_ETP_EUR: f64 = 96_012.0;

/// Number of SSM in each framework band.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, serde::Serialize)]
pub struct CoordinatorBands {
    /// SSM with a framework of at most 3 ETP (0.5 coordinator ETP each).
    pub up_to_3: usize,
    /// SSM with more than 3 and at most 9 ETP (0.75 each).
    pub over_3_to_9: usize,
    /// SSM with more than 9 ETP (1 each).
    pub over_9: usize,
}

impl CoordinatorBands {
    /// Counts the SSM of each band from their frameworks (ETP).
    #[must_use]
    pub fn from_frameworks(etp: &[f64]) -> Self {
        let mut bands = Self::default();
        for &e in etp {
            if e <= 3.0 {
                bands.up_to_3 += 1;
            } else if e <= 9.0 {
                bands.over_3_to_9 += 1;
            } else {
                bands.over_9 += 1;
            }
        }
        bands
    }
}

/// Coordinator ETP of an SSM with a framework of `framework_etp`: 0.5 up to 3 ETP, 0.75 up to
/// 9 ETP, 1 above.
#[must_use]
pub fn coordinator_etp(framework_etp: f64) -> f64 {
    if framework_etp <= 3.0 {
        0.5
    } else if framework_etp <= 9.0 {
        0.75
    } else {
        1.0
    }
}

/// Cost of the coordinator proposal, per band and in total.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct CoordinatorBudget {
    /// Band counts.
    pub bands: CoordinatorBands,
    /// Cost per ETP used (EUR/year).
    pub cost_per_etp_eur: f64,
    /// Coordinator ETP per band (0.5, 0.75, 1 times the counts).
    pub etp: [f64; 3],
    /// Cost per band, rounded to the euro.
    pub cost_eur: [u64; 3],
    /// Total ETP.
    pub total_etp: f64,
    /// Total cost: the sum of the rounded band costs.
    pub total_eur: u64,
}

/// Costs the coordinator proposal.
///
/// # Units
/// `cost_per_etp_eur` in euros per year; the result in ETP and euros per year.
#[must_use]
pub fn coordinator_budget(bands: CoordinatorBands, cost_per_etp_eur: f64) -> CoordinatorBudget {
    let etp = [
        0.5 * bands.up_to_3 as f64,
        0.75 * bands.over_3_to_9 as f64,
        1.0 * bands.over_9 as f64,
    ];
    let cost_eur = etp.map(|e| (e * cost_per_etp_eur).round() as u64);
    CoordinatorBudget {
        bands,
        cost_per_etp_eur,
        etp,
        cost_eur,
        total_etp: etp.iter().sum(),
        total_eur: cost_eur.iter().sum(),
    }
}

#[cfg(test)]
#[expect(
    clippy::float_cmp,
    reason = "hand-computed values are exact in binary floating point"
)]
mod tests {
    use super::*;

    #[test]
    fn the_sectors_table() {
        // domain.md §3: 2 / 45 / 18 SSM -> 96,012 + 3,240,405 + 1,728,216 = 5,064,633 EUR.
        let b = coordinator_budget(
            CoordinatorBands {
                up_to_3: 2,
                over_3_to_9: 45,
                over_9: 18,
            },
            DEFAULT_COST_PER_ETP_EUR,
        );
        assert_eq!(b.cost_eur, [96_012, 3_240_405, 1_728_216]);
        assert_eq!(b.total_eur, 5_064_633);
        assert!((b.total_etp - 52.75).abs() < 1e-12);
    }

    #[test]
    fn band_edges() {
        assert_eq!(coordinator_etp(3.0), 0.5);
        assert_eq!(coordinator_etp(3.01), 0.75);
        assert_eq!(coordinator_etp(9.0), 0.75);
        assert_eq!(coordinator_etp(9.5), 1.0);
        let bands = CoordinatorBands::from_frameworks(&[1.0, 3.0, 3.5, 9.0, 12.0]);
        assert_eq!(
            bands,
            CoordinatorBands {
                up_to_3: 2,
                over_3_to_9: 2,
                over_9: 1
            }
        );
    }
}
