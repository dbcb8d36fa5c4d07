//! Sentences for people: how a method, a decay or a bound is written in outputs (never Rust
//! `Debug` text).

use ssmplan_core::FcaDecay;
use ssmplan_planner::location::BoundKind;

use crate::request::Method;

/// `2sfca`, `e2sfca` or `g2sfca` with what it means.
#[must_use]
pub fn method(m: Method) -> &'static str {
    match m {
        Method::TwoStep => {
            "2sfca (two-step floating catchment: every site within the radius counts fully)"
        }
        Method::E2sfca => "e2sfca (enhanced two-step floating catchment: weights by distance band)",
        Method::G2sfca => "g2sfca (two-step floating catchment with a Gaussian decay)",
    }
}

/// Kilometres with at most three decimals, without trailing zeros.
#[must_use]
pub fn km_text(m: f64) -> String {
    let text = format!("{:.3}", m / 1000.0);
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// The distance decay of a floating catchment.
#[must_use]
pub fn decay(d: &FcaDecay) -> String {
    decay_in(d, DecayScale::Metres)
}

/// What a decay's thresholds and bandwidth measure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DecayScale {
    /// Straight-line metres (written in km).
    Metres,
    /// Modelled drive-time minutes.
    Minutes,
}

/// The decay of a floating catchment whose thresholds and bandwidth are on `scale`.
#[must_use]
pub fn decay_in(d: &FcaDecay, scale: DecayScale) -> String {
    let (number, unit, bands_of, gaussian): (fn(f64) -> String, _, _, _) = match scale {
        DecayScale::Metres => (
            km_text,
            "km",
            "weight by distance band",
            "Gaussian, bandwidth",
        ),
        DecayScale::Minutes => (
            |x: f64| x.to_string(),
            "min",
            "weight by modelled drive-time band",
            "Gaussian in modelled drive time, bandwidth",
        ),
    };
    match d {
        FcaDecay::Step2Sfca => "none within the radius (weight 1), 0 beyond".to_owned(),
        FcaDecay::Steps(steps) => {
            let mut from = 0.0;
            let bands: Vec<String> = steps
                .iter()
                .map(|(upper, w)| {
                    let band = format!("{}-{} {unit}: {w}", number(from), number(*upper));
                    from = *upper;
                    band
                })
                .collect();
            format!("{bands_of} ({})", bands.join(", "))
        }
        FcaDecay::Gaussian { sigma_m } => format!("{gaussian} {} {unit}", number(*sigma_m)),
    }
}

/// The bound the solver proved.
#[must_use]
pub fn bound(b: Option<BoundKind>) -> &'static str {
    match b {
        None => "none computed for this size",
        Some(BoundKind::Exact) => {
            "exact (proved optimal: enumeration or certified branch-and-bound)"
        }
        Some(BoundKind::Submodular) => "submodularity bound of the greedy steps",
        Some(BoundKind::Reachable) => "all the need-weighted demand within reach of a candidate",
        Some(BoundKind::Lagrangian) => "Lagrangian relaxation (subgradient)",
        Some(BoundKind::TopCovers) => "largest single coverages (LSCP)",
        Some(BoundKind::LagrangianCover) => "Lagrangian bound with one site fewer (LSCP)",
    }
}

#[cfg(test)]
mod tests {
    use ssmplan_core::FcaDecay;

    use super::{DecayScale, decay, decay_in};

    #[test]
    fn decays_read_in_their_unit() {
        let steps = FcaDecay::Steps(vec![(5_000.0, 1.0), (12_500.0, 0.5)]);
        assert_eq!(
            decay(&steps),
            "weight by distance band (0-5 km: 1, 5-12.5 km: 0.5)"
        );
        let minutes = FcaDecay::Steps(vec![(10.0, 1.0), (22.5, 0.25)]);
        assert_eq!(
            decay_in(&minutes, DecayScale::Minutes),
            "weight by modelled drive-time band (0-10 min: 1, 10-22.5 min: 0.25)"
        );
        let gauss = FcaDecay::Gaussian { sigma_m: 15.0 };
        assert_eq!(
            decay_in(&gauss, DecayScale::Minutes),
            "Gaussian in modelled drive time, bandwidth 15 min"
        );
        assert_eq!(
            decay(&FcaDecay::Gaussian { sigma_m: 7_500.0 }),
            "Gaussian, bandwidth 7.5 km"
        );
        assert_eq!(
            decay_in(&FcaDecay::Step2Sfca, DecayScale::Minutes),
            "none within the radius (weight 1), 0 beyond"
        );
    }
}
