//! Hand-built instances with known answers.
#![expect(
    clippy::float_cmp,
    reason = "hand-computed values are exact in binary floating point"
)]

use geo::{Coord, LineString, MultiPolygon, Polygon};
use ssmplan_core::{Nis, Sector, SiteId, SiteKind, SsmId};

use super::*;
use crate::location::Quiet;

fn strip(code: &str, x0: f64, population: u64, group: Option<TypologyGroup>) -> Commune {
    Commune {
        nis: Nis::try_from(code).expect("valid"),
        name: code.into(),
        arrondissement_nis: Nis::try_from("91000").expect("valid"),
        arrondissement: String::new(),
        province: "Namur".into(),
        geometry: MultiPolygon(vec![Polygon::new(
            LineString::from(vec![
                (x0, 0.0),
                (x0 + 10_000.0, 0.0),
                (x0 + 10_000.0, 10_000.0),
                (x0, 10_000.0),
            ]),
            vec![],
        )]),
        population,
        typology: group,
    }
}

/// Three communes in a row (centres at 5, 15 and 85 km); one existing SSM at x = 5 km.
/// Commune 91003 is far (80 km) with 60,000 inhabitants: a new SSM; 91002 (15 km) has 20,000.
fn fixture() -> (Vec<Commune>, Vec<Site>, Vec<DemandPoint>) {
    let communes = vec![
        strip("91001", 0.0, 40_000, Some(TypologyGroup::Favourable)),
        strip("91002", 10_000.0, 20_000, Some(TypologyGroup::HighRisk)),
        strip("91003", 80_000.0, 60_000, Some(TypologyGroup::Vulnerable)),
    ];
    let sites = vec![Site {
        id: SiteId("S1".into()),
        ssm: SsmId("S".into()),
        ssm_name: "SSM S".into(),
        name: String::new(),
        kind: SiteKind::Siege,
        location: Coord {
            x: 5_000.0,
            y: 5_000.0,
        },
        commune: Some(0),
        etp: None,
        sector: Sector::Public,
    }];
    let demand = ssmplan_core::commune_points(&communes)
        .expect("points")
        .points;
    (communes, sites, demand)
}

#[test]
fn far_populous_commune_gets_a_new_ssm_then_an_antenne() {
    let (communes, sites, demand) = fixture();
    let candidates = commune_candidates(&communes);
    let input = RecommendInput {
        communes: &communes,
        sites: &sites,
        demand: &demand,
        candidates: &candidates,
        weights: NeedWeights::default(),
        norm: 50_000.0,
    };
    let r = recommend(
        &input,
        &Objective::Mclp { radius_m: 5_000.0 },
        &SolveParams::new(2),
        &Quiet,
    )
    .expect("solves");
    // Need-weighted gains: 91003 60,000 x 1.25 = 75,000; 91002 20,000 x 1.5 = 30,000.
    let ids: Vec<&str> = r.sites.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, ["91003", "91002"]);
    assert_eq!(r.sites[0].decision, Decision::NewSsm);
    assert_eq!(r.sites[0].catchment_population, 60_000);
    assert_eq!(r.sites[0].newly_covered_population, Some(60_000));
    assert!((r.sites[0].newly_covered_need.expect("mclp") - 75_000.0).abs() < 1e-9);
    match &r.sites[1].decision {
        Decision::Antenne {
            parent_ssm,
            distance_m,
            ..
        } => {
            assert_eq!(parent_ssm, "S");
            assert!((distance_m - 10_000.0).abs() < 1e-9);
        }
        Decision::NewSsm => panic!("expected an antenne, got a new SSM"),
    }
    // Mean distance: before (20,000 x 10 km + 60,000 x 80 km) / 120,000 = 41,666.7 m;
    // after the first opening: 20,000 x 10 km / 120,000 = 1,666.7 m; after both: 0.
    assert!((r.sites[0].mean_distance_m.0 - 41_666.666_666).abs() < 1e-3);
    assert!((r.sites[0].mean_distance_m.1 - 1_666.666_666).abs() < 1e-3);
    assert_eq!(r.sites[1].mean_distance_m.1, 0.0);
    assert_eq!((r.ssm_before, r.ssm_after), (1, 2));
    // 120,000 / 50,000 = 2.4 SSM due: deficit 1.4 -> 0.4.
    assert!((r.deficit_before - 1.4).abs() < 1e-12 && (r.deficit_after - 0.4).abs() < 1e-12);
}

#[test]
fn p_median_reports_catchments_without_radius() {
    let (communes, sites, demand) = fixture();
    let candidates = commune_candidates(&communes);
    let input = RecommendInput {
        communes: &communes,
        sites: &sites,
        demand: &demand,
        candidates: &candidates,
        weights: NeedWeights::uniform(),
        norm: 50_000.0,
    };
    let r = recommend(&input, &Objective::PMedian, &SolveParams::new(1), &Quiet).expect("solves");
    assert_eq!(r.sites[0].id, "91003");
    assert_eq!(r.sites[0].newly_covered_population, None);
    assert_eq!(r.sites[0].catchment_population, 60_000);
}
