//! Hand-computed coverage tables.

use geo::{Coord, LineString, MultiPolygon, Polygon};

use super::*;
use crate::{Nis, Sector, SiteId, SsmId, StraightLine, TypologyGroup, nearest_sites};

fn square(x0: f64) -> MultiPolygon<f64> {
    MultiPolygon(vec![Polygon::new(
        LineString::from(vec![
            (x0, 0.0),
            (x0 + 10_000.0, 0.0),
            (x0 + 10_000.0, 10_000.0),
            (x0, 10_000.0),
        ]),
        vec![],
    )])
}

fn commune(
    code: &str,
    arr: &str,
    province: &str,
    x0: f64,
    population: u64,
    g: Option<TypologyGroup>,
) -> Commune {
    Commune {
        nis: Nis::try_from(code).expect("valid"),
        name: format!("C{code}"),
        arrondissement_nis: Nis::try_from(arr).expect("valid"),
        arrondissement: format!("A{arr}"),
        province: province.into(),
        geometry: square(x0),
        population,
        typology: g,
    }
}

fn site(id: &str, ssm: &str, kind: SiteKind, x: f64, commune: usize) -> Site {
    Site {
        id: SiteId(id.into()),
        ssm: SsmId(ssm.into()),
        ssm_name: format!("SSM {ssm}"),
        name: id.into(),
        kind,
        location: Coord { x, y: 5_000.0 },
        commune: Some(commune),
        etp: None,
        sector: Sector::Unknown,
    }
}

/// Four communes in a row, 10 km wide, centres at x = 5, 15, 25, 35 km:
/// - 91001 (arr. 91000, Namur, high risk) 60,000 inh., SSM A siège at x = 5 km;
/// - 91002 (arr. 91000, Namur, high risk) 40,000 inh., SSM A antenne at x = 15 km;
/// - 92001 (arr. 92000, Namur, favourable) 30,000 inh., no site;
/// - 51001 (arr. 51000, Hainaut, no group) 70,000 inh., SSM B siège at x = 35 km.
///
/// With one demand point per commune centre, distances are 0, 0, 10 km (to the antenne at
/// 15 km; B is also 10 km away but the antenne has the lower index) and 0.
fn fixture() -> (Vec<Commune>, Vec<Site>) {
    let communes = vec![
        commune(
            "91001",
            "91000",
            "Namur",
            0.0,
            60_000,
            Some(TypologyGroup::HighRisk),
        ),
        commune(
            "91002",
            "91000",
            "Namur",
            10_000.0,
            40_000,
            Some(TypologyGroup::HighRisk),
        ),
        commune(
            "92001",
            "92000",
            "Namur",
            20_000.0,
            30_000,
            Some(TypologyGroup::Favourable),
        ),
        commune("51001", "51000", "Hainaut", 30_000.0, 70_000, None),
    ];
    let sites = vec![
        site("A1", "A", SiteKind::Antenne, 15_000.0, 1),
        site("A0", "A", SiteKind::Siege, 5_000.0, 0),
        site("B0", "B", SiteKind::Siege, 35_000.0, 3),
    ];
    (communes, sites)
}

fn tables(level: ZoneLevel) -> Vec<ZoneCoverage> {
    let (communes, sites) = fixture();
    let demand = crate::commune_points(&communes).expect("valid").points;
    let locations: Vec<Coord<f64>> = sites.iter().map(|s| s.location).collect();
    let nearest = nearest_sites(&demand, &locations, &StraightLine);
    let input = CoverageInput {
        communes: &communes,
        sites: &sites,
        demand: &demand,
        nearest: &nearest,
    };
    zone_coverage(&input, level)
}

#[test]
fn total_row() {
    let t = tables(ZoneLevel::Total);
    assert_eq!(t.len(), 1);
    let row = &t[0];
    assert_eq!(row.population, 200_000);
    assert_eq!((row.communes, row.sites, row.ssm), (4, 3, 2));
    assert!((row.norm_ssm - 4.0).abs() < 1e-12);
    assert!((row.norm_deficit - 2.0).abs() < 1e-12);
    assert_eq!(row.inhabitants_per_ssm, Some(100_000.0));
    // 30,000 people at 10 km, everyone else at 0: mean 1,500 m, median 0, P90 10 km.
    assert!((row.distance.mean_m.expect("populated") - 1_500.0).abs() < 1e-9);
    assert_eq!(row.distance.median_m, Some(0.0));
    assert_eq!(row.distance.p90_m, Some(10_000.0));
    assert_eq!(row.distance.beyond, [30_000, 0, 0, 0]);
}

#[test]
fn provinces_and_arrondissements() {
    let p = tables(ZoneLevel::Province);
    let keys: Vec<&str> = p.iter().map(|r| r.key.as_str()).collect();
    assert_eq!(keys, ["Hainaut", "Namur"]);
    // Namur: 130,000 inh., SSM A (siège in 91001): deficit 2.6 - 1 = 1.6, 130,000 per SSM.
    assert_eq!((p[1].population, p[1].sites, p[1].ssm), (130_000, 2, 1));
    assert!((p[1].norm_deficit - 1.6).abs() < 1e-12);
    assert_eq!(p[1].inhabitants_per_ssm, Some(130_000.0));
    // Hainaut: 70,000, SSM B: 1.4 - 1 = 0.4.
    assert!((p[0].norm_deficit - 0.4).abs() < 1e-12);
    let a = tables(ZoneLevel::Arrondissement);
    let keys: Vec<&str> = a.iter().map(|r| r.key.as_str()).collect();
    assert_eq!(keys, ["51000", "91000", "92000"]);
    assert_eq!(
        (a[2].population, a[2].ssm, a[2].inhabitants_per_ssm),
        (30_000, 0, None)
    );
    assert!((a[2].norm_deficit - 0.6).abs() < 1e-12);
}

#[test]
fn typology_leaves_out_communes_without_group() {
    let t = tables(ZoneLevel::Typology);
    let keys: Vec<&str> = t.iter().map(|r| r.key.as_str()).collect();
    assert_eq!(keys, ["1:high_risk", "4:favourable"]);
    assert_eq!((t[0].population, t[0].ssm, t[0].sites), (100_000, 1, 2));
    assert_eq!(t[1].distance.mean_m, Some(10_000.0));
}

#[test]
fn catchments_per_ssm() {
    let t = tables(ZoneLevel::Catchment);
    let keys: Vec<&str> = t.iter().map(|r| r.key.as_str()).collect();
    assert_eq!(keys, ["A", "B"]);
    // A serves 91001, 91002 and (tie at 10 km, lower site index) 92001.
    assert_eq!(
        (t[0].population, t[0].communes, t[0].sites, t[0].ssm),
        (130_000, 3, 2, 1)
    );
    assert!((t[0].norm_deficit - 1.6).abs() < 1e-12);
    assert_eq!((t[1].population, t[1].communes), (70_000, 1));
}

#[test]
fn home_site_prefers_the_siege() {
    let (_, sites) = fixture();
    let home = ssm_home_sites(&sites);
    assert_eq!(home.get("A"), Some(&1));
    assert_eq!(home.get("B"), Some(&2));
}
