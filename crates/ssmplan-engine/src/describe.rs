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
    match d {
        FcaDecay::Step2Sfca => "none within the radius (weight 1), 0 beyond".to_owned(),
        FcaDecay::Steps(steps) => {
            let mut from = 0.0;
            let bands: Vec<String> = steps
                .iter()
                .map(|(upper_m, w)| {
                    let band = format!("{}-{} km: {w}", km_text(from), km_text(*upper_m));
                    from = *upper_m;
                    band
                })
                .collect();
            format!("weight by distance band ({})", bands.join(", "))
        }
        FcaDecay::Gaussian { sigma_m } => {
            format!("Gaussian, bandwidth {} km", km_text(*sigma_m))
        }
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
