//! End-to-end tests on the real Walloon data, against figures computed independently (Statbel
//! totals, the NGI layer's area, the shapefile reprojected by pyproj).

use geo::{Area, Coord};
use ssmplan_core::{
    Commune, CoverageInput, StraightLine, ZoneLevel, nearest_sites, site_catchments, territory,
    zone_coverage,
};
use ssmplan_e2e::default_data;
use ssmplan_io::{BoundaryFormat, Dataset, LoadParams, Scope};

/// A vertex by the bits of its coordinates (shared vertices are bitwise identical).
type Vertex = (u64, u64);

fn load(scope: Scope) -> Dataset {
    Dataset::load(&LoadParams::new(default_data()).scope(scope)).expect("default dataset loads")
}

#[test]
fn communes_population_and_area_match_the_official_figures() {
    let wallonia = load(Scope::Wallonia);
    assert_eq!(wallonia.communes.len(), 261);
    assert_eq!(wallonia.population_total(), 3_704_990);
    let area: f64 = wallonia.communes.iter().map(Commune::area_km2).sum();
    assert!((area - 16_901.5).abs() < 0.5, "area {area}");
    let aviq = load(Scope::Aviq);
    assert_eq!(aviq.communes.len(), 252);
    assert_eq!(aviq.population_total(), 3_625_453);
    assert_eq!(
        wallonia.population_total() - aviq.population_total(),
        79_537
    );
    // By province (Statbel 2025, SOURCES.md).
    for (province, population) in [
        ("Hainaut", 1_365_328),
        ("Liège", 1_122_925),
        ("Namur", 505_348),
        ("Brabant wallon", 415_381),
        ("Luxembourg", 296_008),
    ] {
        let sum: u64 = wallonia
            .communes
            .iter()
            .filter(|c| c.province == province)
            .map(|c| c.population)
            .sum();
        assert_eq!(sum, population, "{province}");
    }
}

#[test]
fn shapefile_and_geojson_agree_after_reprojection() {
    let geojson = load(Scope::Wallonia);
    let shp = Dataset::load(
        &LoadParams::new(default_data())
            .scope(Scope::Wallonia)
            .boundaries(BoundaryFormat::Shapefile),
    )
    .expect("shapefile loads");
    assert_eq!(shp.layer.skipped_outside_wallonia, 565 - 261);
    assert_eq!(shp.communes.len(), 261);
    let mut worst: f64 = 0.0;
    for (a, b) in geojson.communes.iter().zip(&shp.communes) {
        assert_eq!(a.nis, b.nis);
        assert!(
            (a.geometry.unsigned_area() - b.geometry.unsigned_area()).abs()
                / b.geometry.unsigned_area()
                < 1e-5
        );
        // The GeoJSON (1e-6 degree, ~0.1 m) and the shapefile (pyproj, 1 cm) hold the same vertices.
        let pa: Vec<Coord<f64>> = a
            .geometry
            .0
            .iter()
            .flat_map(|p| p.exterior().0.clone())
            .collect();
        let pb: Vec<Coord<f64>> = b
            .geometry
            .0
            .iter()
            .flat_map(|p| p.exterior().0.clone())
            .collect();
        assert_eq!(pa.len(), pb.len(), "{}", a.nis);
        // Rings may start elsewhere or run the other way: match each vertex to its nearest.
        let index = ssmplan_core::PointIndex::new(&pb);
        for u in &pa {
            worst = worst.max(index.nearest(*u).expect("non-empty").distance_m);
        }
    }
    assert!(worst < 0.15, "largest vertex gap {worst} m");
}

#[test]
fn population_2024_is_mapped_through_the_crosswalk() {
    let d = Dataset::load(
        &LoadParams::new(default_data())
            .scope(Scope::Wallonia)
            .year(2024),
    )
    .expect("2024 loads");
    assert_eq!(d.population_total(), 3_692_283);
    assert_eq!(d.population.rows, 262);
    let mapped: Vec<String> = d
        .population
        .mapped
        .iter()
        .map(|m| format!("{}->{}", m.1, m.2))
        .collect();
    assert_eq!(mapped, ["82003->82039", "82005->82039"]);
}

#[test]
fn every_demand_model_keeps_every_commune_total() {
    let mut d = load(Scope::Aviq);
    let grid = d.weighted_demand(None).expect("popgrid");
    let regular = ssmplan_core::regular_grid(&d.communes, 1_000.0).expect("grid");
    let points = ssmplan_core::commune_points(&d.communes).expect("points");
    for demand in [&grid, &regular, &points] {
        assert_eq!(demand.population(), 3_625_453);
        let mut per = vec![0u64; d.communes.len()];
        for p in &demand.points {
            per[p.commune] += p.population;
        }
        for (c, sum) in d.communes.iter().zip(per) {
            assert_eq!(sum, c.population, "{}", c.nis);
        }
    }
    // The GHS cells cover every commune in scope (no fallback needed).
    assert!(grid.fallback_communes.is_empty());
    assert!(grid.points.len() > 16_000 && grid.points.len() < 16_890);
}

#[test]
fn grid_250_has_about_270_thousand_cells() {
    let d = load(Scope::Wallonia);
    let demand = ssmplan_core::regular_grid(&d.communes, 250.0).expect("grid");
    // 16,901.5 km2 / 0.0625 km2 = 270,424 cells; communes with no centre fall back to one point.
    let n = demand.points.len() as f64;
    assert!((n - 270_424.0).abs() < 400.0, "{n}");
    assert_eq!(demand.population(), 3_704_990);
}

#[test]
fn catchments_partition_population_and_territory() {
    let mut d = load(Scope::Aviq);
    let demand = d.weighted_demand(None).expect("popgrid");
    let sites = d.site_locations();
    let nearest = nearest_sites(&demand.points, &sites, &StraightLine);
    let shape = territory(&d.communes);
    let colocation = ssmplan_core::Colocation::new(&d.sites);
    let catchments = site_catchments(&sites, &colocation, &demand.points, &nearest, &shape);
    let population: u64 = catchments.iter().map(|c| c.population).sum();
    assert_eq!(population, 3_625_453);
    // Six rows share a point with an earlier row (four services at one Liège point, two each
    // at Namur, Nivelles and Charleroi): every service still serves residents, and the
    // services of a location share exactly the residents nearest to it.
    assert_eq!(colocation.shared_locations(), 4);
    assert!(
        catchments.iter().all(|c| c.population > 0),
        "a service with no residents: {:?}",
        catchments
            .iter()
            .filter(|c| c.population == 0)
            .map(|c| &d.sites[c.site].id)
            .collect::<Vec<_>>()
    );
    for group in colocation.members.values().filter(|g| g.len() > 1) {
        let location: u64 = demand
            .points
            .iter()
            .zip(&nearest)
            .filter(|(_, n)| n.is_some_and(|n| group.contains(&n.index)))
            .map(|(p, _)| p.population)
            .sum();
        let shared: u64 = group.iter().map(|&i| catchments[i].population).sum();
        assert_eq!(shared, location);
        // The default list has no ETP: equal shares per service (Liège: three services, one
        // of them with its siège and antenne on the point), within one resident.
        for &i in group {
            let exact = location as f64 * colocation.share[i];
            let got = catchments[i].population as f64;
            assert!(
                (got - exact).abs() <= 1.0,
                "{} {got} vs {exact}",
                d.sites[i].id
            );
        }
    }
    // Each location's cell once: the cells tile the territory.
    let area: f64 = catchments
        .iter()
        .filter(|c| colocation.location_of[c.site] == c.site)
        .map(|c| c.area_km2)
        .sum();
    let scope_area: f64 = d.communes.iter().map(Commune::area_km2).sum();
    assert!((area - scope_area).abs() < 0.01, "{area} vs {scope_area}");
    // Brute-force oracle for the nearest site of every demand point.
    for (p, n) in demand.points.iter().zip(&nearest).step_by(7) {
        let n = n.expect("sites exist");
        let best = sites
            .iter()
            .map(|s| (s.x - p.location.x).hypot(s.y - p.location.y))
            .fold(f64::INFINITY, f64::min);
        assert!((n.distance_m - best).abs() < 1e-6);
    }
    // The per-SSM catchment table adds up to the same population.
    let input = CoverageInput {
        communes: &d.communes,
        sites: &d.sites,
        demand: &demand.points,
        nearest: &nearest,
    };
    let by_ssm = zone_coverage(&input, ZoneLevel::Catchment);
    assert_eq!(by_ssm.iter().map(|z| z.population).sum::<u64>(), 3_625_453);
    assert!(
        by_ssm
            .iter()
            .all(|z| z.population > 0 && z.norm_deficit > -1.0)
    );
    let total = &zone_coverage(&input, ZoneLevel::Total)[0];
    // 72.5 SSM due by the norm in AVIQ scope (domain primer).
    assert!((total.norm_ssm - 72.509_06).abs() < 1e-4);
}

#[test]
fn simplified_communes_keep_their_shared_borders() {
    let d = load(Scope::Wallonia);
    let shapes: Vec<geo::MultiPolygon<f64>> =
        d.communes.iter().map(|c| c.geometry.clone()).collect();
    let simplified = ssmplan_core::simplify_coverage(&shapes, 40.0);
    let vertices = |m: &[geo::MultiPolygon<f64>]| -> usize {
        m.iter()
            .flat_map(|m| m.0.iter())
            .map(|p| p.exterior().0.len() + p.interiors().iter().map(|r| r.0.len()).sum::<usize>())
            .sum()
    };
    let (before, after) = (vertices(&shapes), vertices(&simplified));
    assert!(after * 10 < before * 7, "{before} -> {after} vertices");
    // Every edge of the simplified coverage is used by one commune (the outline of Wallonia)
    // or by exactly two (a border, used by both sides): no sliver, no overlap at borders.
    let mut edges: std::collections::HashMap<(Vertex, Vertex), usize> =
        std::collections::HashMap::new();
    for m in &simplified {
        for p in &m.0 {
            for r in std::iter::once(p.exterior()).chain(p.interiors()) {
                for w in r.0.windows(2) {
                    let a = (w[0].x.to_bits(), w[0].y.to_bits());
                    let b = (w[1].x.to_bits(), w[1].y.to_bits());
                    *edges.entry((a.min(b), a.max(b))).or_default() += 1;
                }
            }
        }
    }
    assert!(edges.values().all(|n| *n <= 2));
    // The communes still tile the territory: their areas add up to the area of their union
    // (overlaps would make the sum larger), and to the original area within 0.1 %.
    let sum: f64 = simplified.iter().map(Area::unsigned_area).sum();
    let simplified_communes: Vec<Commune> = d
        .communes
        .iter()
        .zip(&simplified)
        .map(|(c, s)| Commune {
            geometry: s.clone(),
            ..c.clone()
        })
        .collect();
    let union = territory(&simplified_communes).unsigned_area();
    assert!(
        (sum - union).abs() / union < 1e-4,
        "sum {sum} union {union}"
    );
    let original: f64 = shapes.iter().map(Area::unsigned_area).sum();
    assert!(
        (sum - original).abs() / original < 1e-3,
        "{sum} vs {original}"
    );
}

#[test]
fn no_two_zones_of_one_level_share_a_name() {
    let mut d = load(Scope::Wallonia);
    let demand = d.weighted_demand(None).expect("popgrid");
    let nearest = nearest_sites(&demand.points, &d.site_locations(), &StraightLine);
    let input = CoverageInput {
        communes: &d.communes,
        sites: &d.sites,
        demand: &demand.points,
        nearest: &nearest,
    };
    for level in [
        ZoneLevel::Province,
        ZoneLevel::Arrondissement,
        ZoneLevel::Nuts3,
        ZoneLevel::Commune,
    ] {
        let zones = zone_coverage(&input, level);
        let mut names: Vec<&str> = zones.iter().map(|z| z.name.as_str()).collect();
        names.sort_unstable();
        let before = names.len();
        names.dedup();
        assert_eq!(names.len(), before, "{level:?}: {names:?}");
    }
    // Statbel's files name 58000 "Soignies"; it is La Louvière since 2019.
    let arr = zone_coverage(&input, ZoneLevel::Arrondissement);
    let louviere = arr.iter().find(|z| z.key == "58000").expect("58000");
    assert_eq!(louviere.name, "La Louvière");
    assert_eq!(arr.len(), 20);
    assert_eq!(d.renamed_arrondissements.len(), 1);
}

/// The NUTS 3 table in code against Eurostat's classification as compiled in the shared data
/// (`accessibility/nuts3_2024_wallonia.csv`), and the NUTS 3 zones of the real communes: 21
/// regions holding every inhabitant, BE336 exactly the 9 German-speaking communes.
#[test]
fn nuts3_regions_match_the_classification_and_partition_wallonia() {
    let shared =
        ssmplan_e2e::shared_data().map(|d| d.join("accessibility/nuts3_2024_wallonia.csv"));
    if let Some(text) = shared
        .as_ref()
        .and_then(|p| std::fs::read_to_string(p).ok())
    {
        let rows: Vec<Vec<&str>> = text
            .lines()
            .skip(1)
            .map(|l| l.split(',').collect())
            .collect();
        assert_eq!(rows.len(), ssmplan_core::WALLOON_NUTS3.len());
        for row in rows {
            assert!(
                ssmplan_core::WALLOON_NUTS3
                    .iter()
                    .any(|n| n.0 == row[0] && n.2 == row[1] && n.1 == row[2]),
                "{row:?}"
            );
        }
    } else {
        eprintln!("SKIPPED the comparison: the shared data is not beside the repository");
    }
    let d = load(Scope::Wallonia);
    let demand = ssmplan_core::commune_points(&d.communes).expect("points");
    let nearest = nearest_sites(&demand.points, &d.site_locations(), &StraightLine);
    let input = CoverageInput {
        communes: &d.communes,
        sites: &d.sites,
        demand: &demand.points,
        nearest: &nearest,
    };
    let zones = zone_coverage(&input, ZoneLevel::Nuts3);
    assert_eq!(zones.len(), 21);
    assert_eq!(
        zones.iter().map(|z| z.population).sum::<u64>(),
        d.population_total()
    );
    let german: u64 = d
        .communes
        .iter()
        .filter(|c| c.nis.is_german_speaking())
        .map(|c| c.population)
        .sum();
    let be336 = zones.iter().find(|z| z.key == "BE336").expect("BE336");
    assert_eq!((be336.communes, be336.population), (9, german));
    assert_eq!(german, 79_537);
}
