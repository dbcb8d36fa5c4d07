//! Tests of the degree of urbanisation: hand-computed grids for each rule, and a brute-force
//! reference (a second, naive implementation on a 2-D array) on seeded random grids.
#![expect(
    clippy::cast_possible_wrap,
    clippy::many_single_char_names,
    clippy::needless_range_loop,
    clippy::too_many_lines,
    reason = "the reference implementation is written as plainly as possible on small 2-D arrays, with row/column indexes, to be obviously right"
)]

use super::*;
use crate::SplitMix64;

/// Cells from a picture: one row per string (top row first), one token per cell, `.` for an
/// absent cell, a number for its residents.
fn grid(rows: &[&str]) -> Vec<GridCell> {
    let mut cells = Vec::new();
    for (r, line) in rows.iter().enumerate() {
        for (c, token) in line.split_whitespace().enumerate() {
            if token == "." {
                continue;
            }
            cells.push(GridCell {
                col: c as i64,
                row: r as i64,
                population: token.parse().expect("number"),
            });
        }
    }
    cells
}

/// Classes as a picture (`C` centre, `u` cluster, `r` rural, `.` absent), same layout.
fn picture(cells: &[GridCell], g: &GridClassification) -> Vec<String> {
    let rows = cells.iter().map(|c| c.row).max().map_or(0, |r| r + 1) as usize;
    let cols = cells.iter().map(|c| c.col).max().map_or(0, |c| c + 1) as usize;
    let mut out = vec![vec!['.'; cols]; rows];
    for (c, class) in cells.iter().zip(&g.classes) {
        out[c.row as usize][c.col as usize] = match class {
            CellClass::UrbanCentre => 'C',
            CellClass::UrbanCluster => 'u',
            CellClass::Rural => 'r',
        };
    }
    out.into_iter().map(|r| r.into_iter().collect()).collect()
}

fn classify(rows: &[&str], params: &DegurbaParams) -> (Vec<GridCell>, GridClassification) {
    let cells = grid(rows);
    let g = classify_grid(&cells, params).expect("valid grid");
    (cells, g)
}

/// Small thresholds so that hand grids stay small: centres 1,500/km² and 6,000 residents,
/// clusters 300/km² and 1,000 residents.
fn small() -> DegurbaParams {
    DegurbaParams::default()
        .centres(1_500.0, 6_000.0)
        .clusters(300.0, 1_000.0)
}

#[test]
fn density_and_size_thresholds_are_inclusive() {
    // Four cells of exactly 1,500 = 6,000: a centre.
    let (cells, g) = classify(
        &["0 0 0 0", "0 1500 1500 0", "0 1500 1500 0", "0 0 0 0"],
        &small(),
    );
    assert_eq!(g.centres.len(), 1);
    assert!((g.centres[0].population - 6_000.0).abs() < 1e-9);
    assert_eq!(picture(&cells, &g), ["rrrr", "rCCr", "rCCr", "rrrr"]);
    // One cell just below the density: the rest (4,500) is too small for a centre, but the
    // four cells are a cluster (>= 300, 5,999.9 >= 1,000).
    let (cells, g) = classify(
        &["0 0 0 0", "0 1500 1499.9 0", "0 1500 1500 0", "0 0 0 0"],
        &small(),
    );
    assert!(g.centres.is_empty());
    assert_eq!(picture(&cells, &g), ["rrrr", "ruur", "ruur", "rrrr"]);
    // Size just below: no centre. Cluster size exactly at the threshold: a cluster.
    let p = small().centres(1_500.0, 6_000.1).clusters(300.0, 6_000.0);
    let (cells, g) = classify(&["1500 1500", "1500 1500"], &p);
    assert!(g.centres.is_empty());
    assert_eq!(picture(&cells, &g), ["uu", "uu"]);
    let p = p.clusters(300.0, 6_000.1);
    let (cells, g) = classify(&["1500 1500", "1500 1500"], &p);
    assert_eq!(picture(&cells, &g), ["rr", "rr"]);
    // Cluster density exactly 300 counts, 299.99 does not.
    let p = small().clusters(300.0, 900.0);
    let (cells, g) = classify(&["300 300 299.99 300 300", "0 300 0 0 0"], &p);
    assert_eq!(picture(&cells, &g), ["uurrr", "rurrr"]);
}

#[test]
fn centres_use_four_connectivity_and_clusters_eight() {
    // Two dense blocks of 4 x 1,500 = 6,000 touching at a corner only. With a 7,000 minimum,
    // neither is a centre (4-connectivity does not join them), but they form one cluster of
    // 12,000 through the diagonal.
    let rows = [
        "1500 1500 0 0",
        "1500 1500 0 0",
        "0 0 1500 1500",
        "0 0 1500 1500",
    ];
    let p = small().centres(1_500.0, 7_000.0);
    let (cells, g) = classify(&rows, &p);
    assert!(g.centres.is_empty());
    assert_eq!(g.clusters.len(), 1);
    assert!((g.clusters[0].population - 12_000.0).abs() < 1e-9);
    assert_eq!(picture(&cells, &g), ["uurr", "uurr", "rruu", "rruu"]);
    // With a 6,000 minimum both are centres, distinct; the majority rule then adds nothing (the
    // off-diagonal cells have 2 + 2 neighbours, of two different centres).
    let (cells, g) = classify(&rows, &small());
    assert_eq!(g.centres.len(), 2);
    assert_eq!(picture(&cells, &g), ["CCrr", "CCrr", "rrCC", "rrCC"]);
    // Centre cells still belong to the cluster they are dense enough for.
    assert_eq!(g.cluster[0], g.cluster[cells.len() - 1]);
    assert!(g.cluster[0].is_some());
}

#[test]
fn majority_rule_adds_cells_with_five_neighbours_iteratively() {
    // A U of dense cells (3,000 each), open at the top (row 1, col 3). Round 1: the three cells
    // of row 2 inside the U have 6, 5 and 6 centre neighbours and join. Round 2: the opening
    // (row 1, col 3) now has 5 and joins. The cells outside the U have at most 3.
    let rows = [
        "0 0 0 0 0 0 0",
        "0 3000 3000 0 3000 3000 0",
        "0 3000 0 0 0 3000 0",
        "0 3000 3000 3000 3000 3000 0",
        "0 0 0 0 0 0 0",
    ];
    let p = small().max_hole_km2(0);
    let (cells, g) = classify(&rows, &p);
    assert_eq!(
        picture(&cells, &g),
        ["rrrrrrr", "rCCCCCr", "rCCCCCr", "rCCCCCr", "rrrrrrr"]
    );
    assert_eq!(g.centres[0].added_by_majority, 4);
    assert_eq!(g.majority_rounds, 2);
    assert_eq!(g.centres[0].dense_cells, 11);
    assert_eq!(g.centres[0].cells, 15);
    // Without the rule the inside of the U stays out.
    let (cells, g) = classify(&rows, &p.clone().majority_neighbours(9));
    assert_eq!(
        picture(&cells, &g),
        ["rrrrrrr", "rCCrCCr", "rCrrrCr", "rCCCCCr", "rrrrrrr"]
    );
    assert_eq!(g.majority_rounds, 0);
}

#[test]
fn majority_rule_needs_five_of_one_centre() {
    // The middle cell has exactly 4 neighbours in the centre: it stays out.
    let rows = ["3000 3000 3000", "3000 0 0", "0 0 0"];
    let (cells, g) = classify(&rows, &small().max_hole_km2(0));
    assert_eq!(picture(&cells, &g), ["CCC", "Crr", "rrr"]);
    // Five: joins.
    let rows = ["3000 3000 3000", "3000 0 0", "3000 0 0"];
    let (cells, g) = classify(&rows, &small().max_hole_km2(0));
    assert_eq!(picture(&cells, &g), ["CCC", "CCr", "Crr"]);
}

#[test]
fn small_holes_enclosed_by_one_centre_are_filled() {
    // A ring of dense cells around a 2 x 2 hole; majority rule off to see the hole rule alone.
    let ring = [
        "0 0 0 0 0 0",
        "0 2000 2000 2000 2000 0",
        "0 2000 0 0 2000 0",
        "0 2000 0 0 2000 0",
        "0 2000 2000 2000 2000 0",
        "0 0 0 0 0 0",
    ];
    let p = small().majority_neighbours(9);
    let (cells, g) = classify(&ring, &p);
    assert_eq!(
        picture(&cells, &g),
        ["rrrrrr", "rCCCCr", "rCCCCr", "rCCCCr", "rCCCCr", "rrrrrr"]
    );
    assert_eq!(g.centres[0].added_by_holes, 4);
    // A limit of 4 km² keeps a 4 km² hole (holes must be smaller than the limit).
    let (cells, g) = classify(&ring, &p.clone().max_hole_km2(4));
    assert_eq!(
        picture(&cells, &g),
        ["rrrrrr", "rCCCCr", "rCrrCr", "rCrrCr", "rCCCCr", "rrrrrr"]
    );
    assert_eq!(g.centres[0].added_by_holes, 0);
    // A limit of 5 fills it; an absent cell inside counts in the area and is not output.
    let mut with_gap = ring;
    with_gap[2] = "0 2000 . 0 2000 0";
    let (cells, g) = classify(&with_gap, &p.clone().max_hole_km2(5));
    assert_eq!(
        picture(&cells, &g),
        ["rrrrrr", "rCCCCr", "rC.CCr", "rCCCCr", "rCCCCr", "rrrrrr"]
    );
    assert_eq!(g.centres[0].added_by_holes, 3);
    // A ring on the edge of the data still encloses its hole.
    let open = [
        "0 2000 2000 2000 2000 0",
        "0 2000 0 0 2000 0",
        "0 2000 0 0 2000 0",
        "0 2000 2000 2000 2000 0",
    ];
    let (cells, g) = classify(&open, &p);
    assert_eq!(g.centres[0].added_by_holes, 4, "{:?}", picture(&cells, &g));
    // A gap open to the edge of the data is not a hole.
    let open = ["2000 0 0 2000", "2000 0 0 2000", "2000 2000 2000 2000"];
    let (cells, g) = classify(&open, &p);
    assert_eq!(picture(&cells, &g), ["CrrC", "CrrC", "CCCC"]);
    // A hole that escapes through a diagonal gap between two cells is not enclosed.
    let leaky = [
        "0 0 0 0 0",
        "0 3000 3000 0 0",
        "0 3000 0 3000 0",
        "0 3000 3000 3000 0",
        "0 0 0 0 0",
    ];
    let (cells, g) = classify(&leaky, &p.clone().centres(1_500.0, 6_000.0));
    assert_eq!(
        picture(&cells, &g),
        ["rrrrr", "rCCrr", "rCrCr", "rCCCr", "rrrrr"]
    );
}

#[test]
fn settlements_on_the_edge_of_the_data_are_flagged() {
    let (_, g) = classify(
        &["0 0 0 0", "0 3000 3000 0", "0 3000 3000 0", "0 0 0 0"],
        &small(),
    );
    assert!(!g.centres[0].truncated);
    assert!(!g.clusters[0].truncated);
    let (_, g) = classify(&["3000 3000 0", "3000 3000 0", "0 0 0"], &small());
    assert!(g.centres[0].truncated);
    let (_, g) = classify(
        &[". 0 0 0", "0 3000 3000 0", "0 3000 3000 0", "0 0 0 0"],
        &small(),
    );
    assert!(g.centres[0].truncated, "next to an absent cell");
}

#[test]
fn bad_inputs_are_errors() {
    let mut cells = grid(&["1 2"]);
    cells.push(cells[0]);
    assert!(matches!(
        classify_grid(&cells, &DegurbaParams::default()),
        Err(DegurbaError::DuplicateCell {
            first: 0,
            second: 2,
            ..
        })
    ));
    let cells = grid(&["1 -2"]);
    assert!(matches!(
        classify_grid(&cells, &DegurbaParams::default()),
        Err(DegurbaError::BadPopulation { index: 1, .. })
    ));
    let cells = vec![GridCell {
        col: 0,
        row: 0,
        population: f64::NAN,
    }];
    assert!(classify_grid(&cells, &DegurbaParams::default()).is_err());
    let far = vec![
        GridCell {
            col: 0,
            row: 0,
            population: 1.0,
        },
        GridCell {
            col: 1_000_000,
            row: 1_000_000,
            population: 1.0,
        },
    ];
    assert!(matches!(
        classify_grid(&far, &DegurbaParams::default()),
        Err(DegurbaError::TooLarge { .. })
    ));
    for p in [
        DegurbaParams::default().majority_neighbours(0),
        DegurbaParams::default().centres(f64::NAN, 1.0),
        DegurbaParams::default().clusters(-1.0, 1.0),
    ] {
        assert!(matches!(
            classify_grid(&[], &p),
            Err(DegurbaError::BadParameter { .. })
        ));
    }
    let g = classify_grid(&[], &DegurbaParams::default()).expect("empty is fine");
    assert!(g.classes.is_empty() && g.centres.is_empty());
}

#[test]
fn level_one_rule_at_the_fifty_percent_boundaries() {
    use AreaClass::{City, Rural, TownsSemiDense};
    let cases: [([u64; 3], Option<AreaClass>); 9] = [
        ([50, 0, 50], Some(City)),
        ([50, 50, 0], Some(City)),
        ([49, 51, 0], Some(TownsSemiDense)),
        ([49, 1, 50], Some(Rural)),
        ([49, 2, 49], Some(TownsSemiDense)),
        ([0, 50, 50], Some(Rural)),
        ([0, 51, 49], Some(TownsSemiDense)),
        ([0, 0, 1], Some(Rural)),
        ([0, 0, 0], None),
    ];
    for (counts, want) in cases {
        assert_eq!(area_class(counts), want, "{counts:?}");
    }
    assert_eq!(
        area_class([u64::MAX, u64::MAX, u64::MAX]),
        Some(TownsSemiDense)
    );
}

#[test]
fn units_straddling_settlements_are_classified_by_their_residents() {
    use CellClass::{Rural, UrbanCentre, UrbanCluster};
    let cell = |unit, class, weight| UnitCell {
        unit,
        class,
        weight,
    };
    // Unit 0 has two centre cells and one rural cell; unit 1 shares the centre (one cell) and
    // has a cluster cell; unit 2 has no resident; unit 3 no cell.
    let cells = [
        cell(0, UrbanCentre, 3_000.0),
        cell(0, Rural, 100.0),
        cell(1, UrbanCentre, 3_000.0),
        cell(0, UrbanCentre, 2_000.0),
        cell(1, UrbanCluster, 4_000.0),
        cell(1, Rural, 2_999.0),
        cell(2, Rural, 0.0),
        cell(2, UrbanCluster, 0.0),
        cell(2, UrbanCluster, 0.0),
    ];
    let units = classify_units(&[5_100, 1_000, 0, 7], &cells).expect("valid");
    // 5,100 over 3,000 / 100 / 2,000: exact.
    assert_eq!(units[0].population_by_class, [5_000, 0, 100]);
    assert_eq!(units[0].class, Some(AreaClass::City));
    // 1,000 over 3,000 / 4,000 / 2,999 (sum 9,999): 300.03, 400.04, 299.93 -> 300, 400, 300.
    assert_eq!(units[1].population_by_class, [300, 400, 300]);
    assert_eq!(units[1].class, Some(AreaClass::TownsSemiDense));
    assert_eq!(units[2].basis, ShareBasis::Area);
    assert_eq!(units[2].cells_by_class, [0, 2, 1]);
    assert_eq!(units[2].class, Some(AreaClass::TownsSemiDense));
    assert_eq!(units[3].basis, ShareBasis::NoCell);
    assert_eq!(units[3].class, None);
    assert_eq!(units[3].shares_pct(), None);
    let s = units[1].shares_pct().expect("shares");
    assert!((s[0] - 30.0).abs() < 1e-9 && (s[2] - 30.0).abs() < 1e-9);
    assert!(matches!(
        classify_units(&[1], &[cell(1, Rural, 1.0)]),
        Err(DegurbaError::UnknownUnit { unit: 1, .. })
    ));
}

#[test]
fn unit_populations_are_split_like_the_grid_demand() {
    use crate::{Commune, Nis, WeightedPoint, rescale_weighted_points};
    use geo::{Coord, LineString, MultiPolygon, Polygon};
    let square = MultiPolygon(vec![Polygon::new(
        LineString::from(vec![(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0)]),
        vec![],
    )]);
    let commune = |code: &str, population| Commune {
        nis: Nis::try_from(code).expect("valid"),
        name: code.into(),
        arrondissement_nis: Nis::try_from("99000").expect("valid"),
        arrondissement: String::new(),
        province: String::new(),
        geometry: square.clone(),
        population,
        typology: None,
    };
    let communes = [commune("90001", 1_234), commune("90002", 77)];
    let mut rng = SplitMix64::new(5);
    let classes = CellClass::ALL;
    let cells: Vec<UnitCell> = (0..40)
        .map(|i| UnitCell {
            unit: usize::from(i % 3 == 0),
            class: classes[(rng.next_u64() % 3) as usize],
            weight: (rng.next_f64() * 1_000.0).floor(),
        })
        .collect();
    let points: Vec<WeightedPoint> = cells
        .iter()
        .map(|c| WeightedPoint {
            location: Coord { x: 0.5, y: 0.5 },
            commune: c.unit,
            weight: c.weight,
        })
        .collect();
    let demand = rescale_weighted_points(&communes, &points).expect("valid");
    // The demand lists commune 0's points, then commune 1's, each in input order.
    let mut want = [[0_u64; 3]; 2];
    let order = (0..2).flat_map(|u| cells.iter().filter(move |c| c.unit == u));
    for (c, p) in order.zip(&demand.points) {
        want[c.unit][c.class.index()] += p.population;
    }
    let units = classify_units(&[1_234, 77], &cells).expect("valid");
    assert_eq!(units[0].population_by_class, want[0]);
    assert_eq!(units[1].population_by_class, want[1]);
}

/// A naive second implementation on a 2-D array: label propagation for connected groups,
/// whole-array rounds for the majority rule, flood fill from the border for holes.
mod reference {
    use super::DegurbaParams;

    pub type Grid = Vec<Vec<Option<f64>>>;

    fn neighbours(h: usize, w: usize, r: usize, c: usize, diagonal: bool) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        for dr in -1_i64..=1 {
            for dc in -1_i64..=1 {
                if (dr == 0 && dc == 0) || (!diagonal && dr != 0 && dc != 0) {
                    continue;
                }
                let (rr, cc) = (r as i64 + dr, c as i64 + dc);
                if rr >= 0 && cc >= 0 && (rr as usize) < h && (cc as usize) < w {
                    out.push((rr as usize, cc as usize));
                }
            }
        }
        out
    }

    /// Labels of connected members (smallest row-major index of the group), by propagation.
    fn labels(member: &[Vec<bool>], diagonal: bool) -> Vec<Vec<Option<usize>>> {
        let (h, w) = (member.len(), member[0].len());
        let mut label: Vec<Vec<Option<usize>>> = (0..h)
            .map(|r| (0..w).map(|c| member[r][c].then_some(r * w + c)).collect())
            .collect();
        loop {
            let mut changed = false;
            for r in 0..h {
                for c in 0..w {
                    let Some(mut l) = label[r][c] else { continue };
                    for (rr, cc) in neighbours(h, w, r, c, diagonal) {
                        if let Some(m) = label[rr][cc] {
                            l = l.min(m);
                        }
                    }
                    if Some(l) != label[r][c] {
                        label[r][c] = Some(l);
                        changed = true;
                    }
                }
            }
            if !changed {
                return label;
            }
        }
    }

    fn sums(grid: &Grid, label: &[Vec<Option<usize>>]) -> std::collections::BTreeMap<usize, f64> {
        let mut s = std::collections::BTreeMap::new();
        for (r, row) in label.iter().enumerate() {
            for (c, l) in row.iter().enumerate() {
                if let Some(l) = l {
                    *s.entry(*l).or_insert(0.0) += grid[r][c].unwrap_or(0.0);
                }
            }
        }
        s
    }

    /// Class codes per cell: 3 centre, 2 cluster, 1 rural, 0 absent.
    pub fn classify(grid: &Grid, p: &DegurbaParams) -> Vec<Vec<u8>> {
        let (h, w) = (grid.len(), grid[0].len());
        let dense: Vec<Vec<bool>> = grid
            .iter()
            .map(|row| {
                row.iter()
                    .map(|v| v.is_some_and(|v| v >= p.centre_density_per_km2))
                    .collect()
            })
            .collect();
        let l4 = labels(&dense, false);
        let s4 = sums(grid, &l4);
        let mut centre: Vec<Vec<Option<usize>>> = l4
            .iter()
            .map(|row| {
                row.iter()
                    .map(|l| l.filter(|l| s4[l] >= p.centre_min_population))
                    .collect()
            })
            .collect();
        // Majority rule.
        if p.majority_neighbours <= 8 {
            loop {
                let mut next = centre.clone();
                let mut changed = false;
                for r in 0..h {
                    for c in 0..w {
                        if grid[r][c].is_none() || centre[r][c].is_some() {
                            continue;
                        }
                        let around: Vec<usize> = neighbours(h, w, r, c, true)
                            .into_iter()
                            .filter_map(|(rr, cc)| centre[rr][cc])
                            .collect();
                        let mut ids = around.clone();
                        ids.sort_unstable();
                        ids.dedup();
                        for id in ids {
                            let n = around.iter().filter(|&&x| x == id).count();
                            if n >= usize::from(p.majority_neighbours) {
                                next[r][c] = Some(id);
                                changed = true;
                                break;
                            }
                        }
                    }
                }
                centre = next;
                if !changed {
                    break;
                }
            }
        }
        // Holes: flood the outside from the border over non-centre positions (8-connected);
        // the rest of the non-centre positions are enclosed.
        if p.max_hole_km2 > 0 {
            let free: Vec<Vec<bool>> = centre
                .iter()
                .map(|row| row.iter().map(Option::is_none).collect())
                .collect();
            let lf = labels(&free, true);
            let mut outside = std::collections::BTreeSet::new();
            for r in 0..h {
                for c in 0..w {
                    if (r == 0 || c == 0 || r == h - 1 || c == w - 1)
                        && let Some(l) = lf[r][c]
                    {
                        outside.insert(l);
                    }
                }
            }
            let mut groups: std::collections::BTreeMap<usize, Vec<(usize, usize)>> =
                std::collections::BTreeMap::new();
            for r in 0..h {
                for c in 0..w {
                    if let Some(l) = lf[r][c]
                        && !outside.contains(&l)
                    {
                        groups.entry(l).or_default().push((r, c));
                    }
                }
            }
            for members in groups.values() {
                if members.len() >= p.max_hole_km2 as usize {
                    continue;
                }
                let mut around: Vec<usize> = members
                    .iter()
                    .flat_map(|&(r, c)| neighbours(h, w, r, c, true))
                    .filter_map(|(rr, cc)| centre[rr][cc])
                    .collect();
                around.sort_unstable();
                around.dedup();
                if around.len() == 1 {
                    for &(r, c) in members {
                        if grid[r][c].is_some() {
                            centre[r][c] = Some(around[0]);
                        }
                    }
                }
            }
        }
        let moderate: Vec<Vec<bool>> = grid
            .iter()
            .map(|row| {
                row.iter()
                    .map(|v| v.is_some_and(|v| v >= p.cluster_density_per_km2))
                    .collect()
            })
            .collect();
        let l8 = labels(&moderate, true);
        let s8 = sums(grid, &l8);
        (0..h)
            .map(|r| {
                (0..w)
                    .map(|c| {
                        if grid[r][c].is_none() {
                            0
                        } else if centre[r][c].is_some() {
                            3
                        } else if l8[r][c].is_some_and(|l| s8[&l] >= p.cluster_min_population) {
                            2
                        } else {
                            1
                        }
                    })
                    .collect()
            })
            .collect()
    }
}

#[test]
fn grid_stage_matches_a_brute_force_reference_on_random_grids() {
    let mut rng = SplitMix64::new(20_260_101);
    let mut centres_seen = 0;
    let mut filled_seen = 0;
    for case in 0..400 {
        let h = 3 + (rng.next_u64() % 12) as usize;
        let w = 3 + (rng.next_u64() % 12) as usize;
        let mut g: reference::Grid = vec![vec![Some(0.0); w]; h];
        // Share of dense cells from 0 to 0.9: sparse grids make small settlements, dense
        // ones large centres with holes.
        let dense = 0.9 * rng.next_f64();
        for row in &mut g {
            for v in row.iter_mut() {
                let x = rng.next_f64();
                *v = if x < 0.04 {
                    None
                } else if x < 0.04 + dense {
                    Some(1_500.0 + (rng.next_f64() * 2_500.0).floor())
                } else if x < 0.04 + dense + 0.3 * (1.0 - dense) {
                    Some(300.0 + (rng.next_f64() * 600.0).floor())
                } else {
                    Some((rng.next_f64() * 350.0).floor())
                };
            }
        }
        let params = DegurbaParams::default()
            .centres(1_500.0, 4_000.0 + (rng.next_u64() % 8) as f64 * 2_000.0)
            .clusters(300.0, 800.0 + (rng.next_u64() % 6) as f64 * 500.0)
            .majority_neighbours(if case % 2 == 0 { 9 } else { 5 })
            .max_hole_km2((rng.next_u64() % 6) as u32 * 3);
        let want = reference::classify(&g, &params);
        let mut cells = Vec::new();
        for (r, row) in g.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                if let Some(v) = v {
                    cells.push(GridCell {
                        col: c as i64 + 100,
                        row: r as i64 - 7,
                        population: *v,
                    });
                }
            }
        }
        // Input order must not matter: shuffle.
        for i in (1..cells.len()).rev() {
            let j = (rng.next_u64() % (i as u64 + 1)) as usize;
            cells.swap(i, j);
        }
        let got = classify_grid(&cells, &params).expect("valid");
        for (cell, class) in cells.iter().zip(&got.classes) {
            let (r, c) = ((cell.row + 7) as usize, (cell.col - 100) as usize);
            assert_eq!(
                class.code(),
                want[r][c],
                "case {case}, cell row {r} col {c}, grid {g:?}, params {params:?}"
            );
        }
        // Settlement totals agree with the cells.
        for (k, s) in got.centres.iter().enumerate() {
            let (n, total) = cells
                .iter()
                .zip(&got.centre)
                .filter(|(_, c)| **c == Some(k))
                .fold((0, 0.0), |(n, t), (cell, _)| (n + 1, t + cell.population));
            assert_eq!(s.cells, n);
            assert!((s.population - total).abs() < 1e-6);
            assert_eq!(
                s.cells,
                s.dense_cells + s.added_by_majority + s.added_by_holes
            );
            filled_seen += s.added_by_holes;
        }
        centres_seen += got.centres.len();
    }
    // The random grids exercise the rules.
    assert!(centres_seen > 100, "{centres_seen}");
    assert!(filled_seen > 0, "{filled_seen}");
}
