//! Recommendations: where to open new SSM or antennes, with the existing sites fixed, and what
//! each opening changes (inhabitants newly served, distances, the norm), with the decision "new
//! SSM or antenne" written out.

use geo::Coord;
use ssmplan_core::{
    Commune, DemandPoint, DistanceSummary, NORM_INHABITANTS_PER_SSM, PointIndex, Site,
    TypologyGroup,
};

use crate::NeedWeights;
use crate::location::{
    LocationError, LocationInstance, Objective, Solution, SolveObserver, SolveParams,
    solve_observed,
};

/// A place where a new site could open.
#[derive(Clone, Debug, PartialEq)]
pub struct Candidate {
    /// Identifier shown in outputs (NIS code of the commune, grid cell, or the CSV id).
    pub id: String,
    /// Location, EPSG:3812 metres.
    pub location: Coord<f64>,
    /// Index of the commune containing it.
    pub commune: usize,
}

/// One per commune in scope, at its representative point (centroid or point on surface).
#[must_use]
pub fn commune_candidates(communes: &[Commune]) -> Vec<Candidate> {
    communes
        .iter()
        .enumerate()
        .filter_map(|(i, c)| {
            Some(Candidate {
                id: c.nis.to_string(),
                location: c.representative_point()?,
                commune: i,
            })
        })
        .collect()
}

/// What an opening should be.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Decision {
    /// Its own catchment reaches the norm: a new SSM.
    NewSsm,
    /// Below the norm: an antenne of the nearest existing SSM.
    Antenne {
        /// Parent SSM id.
        parent_ssm: String,
        /// Parent SSM name.
        parent_name: String,
        /// Distance to the parent's nearest site (metres).
        distance_m: f64,
    },
}

/// One recommended opening, in the order the solver ranks them.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct RecommendedSite {
    /// 1-based rank.
    pub rank: usize,
    /// Candidate index.
    pub candidate: usize,
    /// Candidate id.
    pub id: String,
    /// Commune index.
    pub commune: usize,
    /// Location, EPSG:3812.
    #[serde(skip)]
    pub location: Coord<f64>,
    /// Typology group of the commune.
    pub group: Option<TypologyGroup>,
    /// Inhabitants whose nearest site this is once all recommended sites are open.
    pub catchment_population: u64,
    /// The same, need-weighted.
    pub catchment_need: f64,
    /// Inhabitants brought within the radius who were beyond it from every existing and
    /// earlier-ranked site (MCLP/LSCP only).
    pub newly_covered_population: Option<u64>,
    /// The same, need-weighted.
    pub newly_covered_need: Option<f64>,
    /// Mean distance to the nearest site over the territory, before and after this opening
    /// (cumulative in rank order; metres).
    pub mean_distance_m: (f64, f64),
    /// P90 distance, before and after this opening (metres).
    pub p90_distance_m: (f64, f64),
    /// New SSM or antenne.
    pub decision: Decision,
    /// The reason, in words.
    pub reason: String,
}

/// The recommendations and the state before and after.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Recommendation {
    /// Solver output (objective, bound, gap...).
    #[serde(skip)]
    pub solution: Solution,
    /// Recommended openings.
    pub sites: Vec<RecommendedSite>,
    /// Distances before any opening.
    pub before: DistanceSummary,
    /// Distances after all openings.
    pub after: DistanceSummary,
    /// SSM counted before.
    pub ssm_before: usize,
    /// SSM after (before + new SSM decisions).
    pub ssm_after: usize,
    /// Norm deficit of the territory before (population / norm - SSM).
    pub deficit_before: f64,
    /// Norm deficit after.
    pub deficit_after: f64,
}

/// Everything a recommendation is computed from.
#[derive(Clone, Copy, Debug)]
pub struct RecommendInput<'a> {
    /// Communes in scope (with typology when loaded).
    pub communes: &'a [Commune],
    /// Existing sites, fixed.
    pub sites: &'a [Site],
    /// Demand points.
    pub demand: &'a [DemandPoint],
    /// Candidates.
    pub candidates: &'a [Candidate],
    /// Need weights per group.
    pub weights: NeedWeights,
    /// Inhabitants per SSM of the norm (50,000).
    pub norm: f64,
}

/// Need-weighted population of each demand point.
#[must_use]
pub fn need_weights(
    communes: &[Commune],
    demand: &[DemandPoint],
    weights: &NeedWeights,
) -> Vec<f64> {
    demand
        .iter()
        .map(|p| p.population as f64 * weights.of(communes[p.commune].typology))
        .collect()
}

/// Solves the location model (its progress goes to `observer`) and annotates each chosen site.
///
/// # Errors
/// [`LocationError`] from the solver (bad parameters, p larger than the candidates...).
#[expect(
    clippy::too_many_lines,
    reason = "one pass per chosen site updating the running distances; the steps share many locals"
)]
pub fn recommend(
    input: &RecommendInput<'_>,
    objective: &Objective,
    params: &SolveParams,
    observer: &dyn SolveObserver,
) -> Result<Recommendation, LocationError> {
    let weight = need_weights(input.communes, input.demand, &input.weights);
    let existing: Vec<Coord<f64>> = input.sites.iter().map(|s| s.location).collect();
    let instance = LocationInstance::new(
        input.demand.iter().map(|p| p.location).collect(),
        weight.clone(),
        input.candidates.iter().map(|c| c.location).collect(),
        existing.clone(),
    )?;
    let solution = solve_observed(&instance, objective, params, observer)?;
    let radius = match objective {
        Objective::Mclp { radius_m } | Objective::Lscp { radius_m, .. } => Some(*radius_m),
        Objective::PMedian => None,
    };
    let dist = |a: Coord<f64>, b: Coord<f64>| (a.x - b.x).hypot(a.y - b.y);
    // Current nearest distance of every demand point (existing sites only at first).
    let existing_index = PointIndex::new(&existing);
    let mut current: Vec<f64> = input
        .demand
        .iter()
        .map(|p| {
            existing_index
                .nearest(p.location)
                .map_or(f64::INFINITY, |n| n.distance_m)
        })
        .collect();
    let summary = |d: &[f64]| {
        let pairs: Vec<(f64, u64)> = d
            .iter()
            .zip(input.demand)
            .filter(|(x, _)| x.is_finite())
            .map(|(x, p)| (*x, p.population))
            .collect();
        DistanceSummary::from_pairs(&pairs)
    };
    let before = summary(&current);
    let mut previous = before.clone();
    // Final catchments: nearest among existing and chosen sites (ties to existing, then rank).
    let mut all = existing.clone();
    all.extend(
        solution
            .chosen
            .iter()
            .map(|&c| input.candidates[c].location),
    );
    let nearest = ssmplan_core::nearest_sites(input.demand, &all, &ssmplan_core::StraightLine);
    let mut sites = Vec::new();
    let population: u64 = input.demand.iter().map(|p| p.population).sum();
    let mut new_ssm = 0usize;
    for (rank, &c) in solution.chosen.iter().enumerate() {
        let cand = &input.candidates[c];
        let slot = existing.len() + rank;
        let mut catchment_population = 0u64;
        let mut catchment_need = 0.0;
        for ((p, n), w) in input.demand.iter().zip(&nearest).zip(&weight) {
            if n.is_some_and(|n| n.index == slot) {
                catchment_population += p.population;
                catchment_need += w;
            }
        }
        let mean_before = previous.mean_m.unwrap_or(0.0);
        let p90_before = previous.p90_m.unwrap_or(0.0);
        let mut covered_pop = 0u64;
        let mut covered_need = 0.0;
        for ((p, d), w) in input.demand.iter().zip(current.iter_mut()).zip(&weight) {
            let new = dist(p.location, cand.location);
            if let Some(r) = radius
                && new <= r
                && *d > r
            {
                covered_pop += p.population;
                covered_need += w;
            }
            if new < *d {
                *d = new;
            }
        }
        let after = summary(&current);
        previous = after.clone();
        let (decision, reason) =
            decide(catchment_population, cand.location, &existing_index, input);
        if decision == Decision::NewSsm {
            new_ssm += 1;
        }
        sites.push(RecommendedSite {
            rank: rank + 1,
            candidate: c,
            id: cand.id.clone(),
            commune: cand.commune,
            location: cand.location,
            group: input.communes[cand.commune].typology,
            catchment_population,
            catchment_need,
            newly_covered_population: radius.map(|_| covered_pop),
            newly_covered_need: radius.map(|_| covered_need),
            mean_distance_m: (mean_before, after.mean_m.unwrap_or(0.0)),
            p90_distance_m: (p90_before, after.p90_m.unwrap_or(0.0)),
            decision,
            reason,
        });
    }
    let after = previous;
    let ssm_before = input
        .sites
        .iter()
        .map(|s| &s.ssm)
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    let norm_due = population as f64 / input.norm;
    Ok(Recommendation {
        solution,
        sites,
        before,
        after,
        ssm_before,
        ssm_after: ssm_before + new_ssm,
        deficit_before: norm_due - ssm_before as f64,
        deficit_after: norm_due - (ssm_before + new_ssm) as f64,
    })
}

/// New SSM when the catchment reaches the norm, else an antenne of the nearest existing SSM.
fn decide(
    catchment_population: u64,
    location: Coord<f64>,
    existing: &PointIndex,
    input: &RecommendInput<'_>,
) -> (Decision, String) {
    if catchment_population as f64 >= input.norm {
        return (
            Decision::NewSsm,
            format!(
                "its catchment ({catchment_population} inhabitants) reaches the norm of {:.0} inhabitants per SSM",
                input.norm
            ),
        );
    }
    match existing.nearest(location) {
        Some(n) => {
            let parent = &input.sites[n.index];
            (
                Decision::Antenne {
                    parent_ssm: parent.ssm.0.clone(),
                    parent_name: parent.ssm_name.clone(),
                    distance_m: n.distance_m,
                },
                format!(
                    "its catchment ({catchment_population} inhabitants) is below the norm of {:.0}: an antenne of the nearest existing SSM, {} ({:.1} km away)",
                    input.norm,
                    parent.ssm_name,
                    n.distance_m / 1000.0
                ),
            )
        }
        None => (
            Decision::NewSsm,
            format!(
                "no existing SSM to attach an antenne to (catchment {catchment_population} inhabitants)"
            ),
        ),
    }
}

/// Default norm used by [`RecommendInput`].
pub const DEFAULT_NORM: f64 = NORM_INHABITANTS_PER_SSM;

#[cfg(test)]
mod tests;
