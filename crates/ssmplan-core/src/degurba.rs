//! The degree of urbanisation (DEGURBA), stage 1 (grid cells) and level 1 (spatial units), of
//! Eurostat, the OECD, the FAO, UN-Habitat, the ILO and the World Bank.
//!
//! # Method
//! The grid stage classifies the cells of a **1 km × 1 km population grid in an equal-area
//! projection** (GHS-POP in World Mollweide, ESRI:54009, or a GEOSTAT grid in ETRS89-LAEA,
//! EPSG:3035); a cell's residents are therefore also its density per km². Source: Eurostat et
//! al., *Applying the Degree of Urbanisation: a methodological manual to define cities, towns
//! and rural areas for international comparisons*, 2021 edition (doi:10.2785/706535), chapter 2
//! and annex; the edge and gap rules as worded in the GHSL Data Package 2022 and in the GEOSTAT
//! high-density-cluster layers ("smoothed boundaries (3-by-3 majority) and < 15 km² holes
//! filled"), and as implemented by the `flexurba` R package (Van Migerode et al. 2024).
//!
//! 1. **Urban centres** (high-density clusters): cells with at least 1,500 inhabitants per km²,
//!    grouped by **4-connectivity** (edges only, no diagonals); a group with at least 50,000
//!    inhabitants is an urban centre. Then its edges are smoothed and its gaps filled:
//!    - *majority rule*: a cell outside every centre with at least 5 of its 8 neighbours in the
//!      same centre joins it; repeated in rounds (each round decided on the state before it)
//!      until no cell joins;
//!    - *holes*: a region of cells outside every centre (8-connected, the dual of the centres'
//!      4-connectivity), enclosed by a single centre and smaller than 15 km², joins it.
//! 2. **Urban clusters** (moderate-density clusters): cells with at least 300 inhabitants per
//!    km², grouped by **8-connectivity** (diagonals included); a group with at least 5,000
//!    inhabitants is an urban cluster. Dense cells of centres take part in the grouping (as in
//!    the manual, "cells of urban centres usually also belong to urban clusters"), but a cell
//!    keeps the urban-centre class: the cluster class goes to the cluster's other cells.
//! 3. **Rural grid cells**: every other cell.
//!
//! Thresholds are inclusive ("at least"). Cells absent from the input (no data, outside the
//! grid) are not populated and never join a centre; a cluster with a cell on the edge of the data
//! (a cell whose 8-neighbourhood reaches an absent cell) is flagged as possibly truncated,
//! because the settlement may go on beyond the data.
//!
//! Level 1 classifies spatial units (communes, LAU) by the share of their residents in each class
//! of cells ([`classify_units`]):
//! - **cities** (DEG1, densely populated): at least 50 % in urban centres;
//! - **towns and semi-dense areas** (DEG2, intermediate density): less than 50 % in urban centres
//!   and less than 50 % in rural cells (so more than 50 % in centres and clusters together);
//! - **rural areas** (DEG3, thinly populated): at least 50 % in rural cells.
//!
//! A unit without residents is classified by the shares of its cells (area), as the GHSL does.
//!
//! Not implemented (each changes results a little, and each output should say so): the optional
//! built-up criterion of the GHSL (cells at least 50 % built up, or the R2023A "reduce
//! fragmentation option", also count as dense for centres), the permanent-land correction of
//! densities (cells partly under water), and the level 2 classes (dense and semi-dense towns,
//! suburbs, villages).

use std::collections::BTreeMap;

use crate::apportion;

/// Side of the cells the method is defined on, in metres (1 km², so residents = density).
pub const DEGURBA_CELL_M: f64 = 1_000.0;

/// The most positions (bounding box of the cells, in cells) classified at once: 100 million
/// bytes-sized entries, far beyond any country at 1 km (Belgium's box is 66,357 cells).
const MAX_POSITIONS: u64 = 100_000_000;

/// A populated cell of a 1 km equal-area grid.
#[derive(Clone, Copy, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct GridCell {
    /// Column on the lattice (west to east).
    pub col: i64,
    /// Row on the lattice (south to north or north to south: only adjacency matters).
    pub row: i64,
    /// Residents of the cell, which on a 1 km² cell is also its density per km².
    pub population: f64,
}

/// The class of a grid cell (stage 1, level 1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize),
    serde(rename_all = "snake_case")
)]
pub enum CellClass {
    /// In an urban centre (high-density cluster).
    UrbanCentre,
    /// In an urban cluster (moderate-density cluster) and not in an urban centre.
    UrbanCluster,
    /// Neither.
    Rural,
}

impl CellClass {
    /// All classes, from the densest.
    pub const ALL: [Self; 3] = [Self::UrbanCentre, Self::UrbanCluster, Self::Rural];

    /// Stable key (`urban_centre`, `urban_cluster`, `rural`).
    #[must_use]
    pub fn key(self) -> &'static str {
        match self {
            Self::UrbanCentre => "urban_centre",
            Self::UrbanCluster => "urban_cluster",
            Self::Rural => "rural",
        }
    }

    /// The GHSL SMOD level 1 code: 3 urban centre, 2 urban cluster, 1 rural.
    #[must_use]
    pub fn code(self) -> u8 {
        match self {
            Self::UrbanCentre => 3,
            Self::UrbanCluster => 2,
            Self::Rural => 1,
        }
    }

    fn index(self) -> usize {
        match self {
            Self::UrbanCentre => 0,
            Self::UrbanCluster => 1,
            Self::Rural => 2,
        }
    }
}

/// The class of a spatial unit (level 1): Eurostat's `DEG1`, `DEG2`, `DEG3`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize),
    serde(rename_all = "snake_case")
)]
pub enum AreaClass {
    /// Cities (densely populated areas): at least 50 % of residents in urban centres.
    City,
    /// Towns and semi-dense areas (intermediate density): less than 50 % in urban centres and
    /// less than 50 % in rural cells.
    TownsSemiDense,
    /// Rural areas (thinly populated): at least 50 % in rural cells.
    Rural,
}

impl AreaClass {
    /// All classes, from the densest.
    pub const ALL: [Self; 3] = [Self::City, Self::TownsSemiDense, Self::Rural];

    /// Eurostat's code (`DEG1`, `DEG2`, `DEG3`).
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Self::City => "DEG1",
            Self::TownsSemiDense => "DEG2",
            Self::Rural => "DEG3",
        }
    }

    /// Label in English.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::City => "cities",
            Self::TownsSemiDense => "towns and semi-dense areas",
            Self::Rural => "rural areas",
        }
    }

    /// Label in French (Statbel's and IWEPS's wording).
    #[must_use]
    pub fn label_fr(self) -> &'static str {
        match self {
            Self::City => "villes",
            Self::TownsSemiDense => "villes moyennes et zones semi-denses",
            Self::Rural => "zones rurales",
        }
    }

    /// Parses `DEG1`/`1`/`city`..., case-insensitive.
    #[must_use]
    pub fn parse(text: &str) -> Option<Self> {
        match text.trim().to_ascii_lowercase().as_str() {
            "deg1" | "1" | "city" | "cities" => Some(Self::City),
            "deg2" | "2" | "town" | "towns" | "towns_semi_dense" => Some(Self::TownsSemiDense),
            "deg3" | "3" | "rural" => Some(Self::Rural),
            _ => None,
        }
    }
}

/// Thresholds of the grid stage; [`Default`] is the published method.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct DegurbaParams {
    /// Minimum density of an urban-centre cell, inhabitants per km² (1,500).
    pub centre_density_per_km2: f64,
    /// Minimum population of an urban centre (50,000).
    pub centre_min_population: f64,
    /// Minimum density of an urban-cluster cell, inhabitants per km² (300).
    pub cluster_density_per_km2: f64,
    /// Minimum population of an urban cluster (5,000).
    pub cluster_min_population: f64,
    /// Neighbours (of 8) in one centre that make a cell join it (5); 9 disables the rule.
    pub majority_neighbours: u8,
    /// Holes of fewer cells (km²) than this, enclosed by one centre, are filled (15); 0
    /// disables the rule.
    pub max_hole_km2: u32,
}

impl Default for DegurbaParams {
    fn default() -> Self {
        Self {
            centre_density_per_km2: 1_500.0,
            centre_min_population: 50_000.0,
            cluster_density_per_km2: 300.0,
            cluster_min_population: 5_000.0,
            majority_neighbours: 5,
            max_hole_km2: 15,
        }
    }
}

impl DegurbaParams {
    /// Sets the urban-centre thresholds.
    #[must_use]
    pub fn centres(mut self, density_per_km2: f64, min_population: f64) -> Self {
        self.centre_density_per_km2 = density_per_km2;
        self.centre_min_population = min_population;
        self
    }

    /// Sets the urban-cluster thresholds.
    #[must_use]
    pub fn clusters(mut self, density_per_km2: f64, min_population: f64) -> Self {
        self.cluster_density_per_km2 = density_per_km2;
        self.cluster_min_population = min_population;
        self
    }

    /// Sets the majority rule (9: off).
    #[must_use]
    pub fn majority_neighbours(mut self, n: u8) -> Self {
        self.majority_neighbours = n;
        self
    }

    /// Sets the hole size limit (0: off).
    #[must_use]
    pub fn max_hole_km2(mut self, km2: u32) -> Self {
        self.max_hole_km2 = km2;
        self
    }

    fn check(&self) -> Result<(), DegurbaError> {
        for (field, value) in [
            ("centre_density_per_km2", self.centre_density_per_km2),
            ("centre_min_population", self.centre_min_population),
            ("cluster_density_per_km2", self.cluster_density_per_km2),
            ("cluster_min_population", self.cluster_min_population),
        ] {
            if !(value.is_finite() && value >= 0.0) {
                return Err(DegurbaError::BadParameter {
                    field,
                    found: value.to_string(),
                });
            }
        }
        if self.majority_neighbours == 0 || self.majority_neighbours > 9 {
            return Err(DegurbaError::BadParameter {
                field: "majority_neighbours",
                found: self.majority_neighbours.to_string(),
            });
        }
        Ok(())
    }
}

/// Why a grid or its units cannot be classified.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DegurbaError {
    /// Two input cells share a lattice position.
    #[error("grid cells {first} and {second} are both at column {col}, row {row}")]
    DuplicateCell {
        /// Index of the first cell.
        first: usize,
        /// Index of the repeat.
        second: usize,
        /// Column.
        col: i64,
        /// Row.
        row: i64,
    },
    /// A cell's population is negative or not a number.
    #[error("grid cell {index}: population must be a finite non-negative number, found {found}")]
    BadPopulation {
        /// Index of the cell.
        index: usize,
        /// The value.
        found: f64,
    },
    /// A threshold is out of range.
    #[error("degree of urbanisation parameter {field}: out of range ({found})")]
    BadParameter {
        /// The parameter.
        field: &'static str,
        /// The value.
        found: String,
    },
    /// The cells span more positions than can be held.
    #[error("grid cells span {positions} positions (at most {MAX_POSITIONS}): not a 1 km grid?")]
    TooLarge {
        /// Positions of the bounding box.
        positions: u64,
    },
    /// A unit cell refers to a unit that does not exist.
    #[error("cell {cell} refers to unit {unit}, beyond the {units} units")]
    UnknownUnit {
        /// Index of the cell.
        cell: usize,
        /// Its unit.
        unit: usize,
        /// Number of units.
        units: usize,
    },
}

/// One urban centre or urban cluster.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Settlement {
    /// Number of its cells (km²).
    pub cells: usize,
    /// Its residents (sum of its cells).
    pub population: f64,
    /// Cells that met the density threshold (for a centre: before smoothing and filling).
    pub dense_cells: usize,
    /// Cells added by the majority rule (centres only).
    pub added_by_majority: usize,
    /// Cells added by hole filling (centres only).
    pub added_by_holes: usize,
    /// Whether a cell lies on the edge of the data: the settlement may go on beyond it.
    pub truncated: bool,
    /// Index of its first cell in the input (its representative).
    pub first_cell: usize,
}

/// The grid stage's result, parallel to the input cells.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct GridClassification {
    /// Class of each input cell.
    pub classes: Vec<CellClass>,
    /// Urban centre of each cell (index into `centres`).
    pub centre: Vec<Option<usize>>,
    /// Urban cluster of each cell (index into `clusters`); also set for the dense cells of
    /// centres that belong to a cluster.
    pub cluster: Vec<Option<usize>>,
    /// The urban centres, in the order of their first cell in a row-major scan.
    pub centres: Vec<Settlement>,
    /// The urban clusters, same order.
    pub clusters: Vec<Settlement>,
    /// Rounds of the majority rule that added cells.
    pub majority_rounds: usize,
}

impl GridClassification {
    /// Cells per class (centre, cluster, rural).
    #[must_use]
    pub fn cell_counts(&self) -> [usize; 3] {
        let mut n = [0; 3];
        for c in &self.classes {
            n[c.index()] += 1;
        }
        n
    }
}

const N4: [(isize, isize); 4] = [(0, -1), (-1, 0), (1, 0), (0, 1)];
const N8: [(isize, isize); 8] = [
    (-1, -1),
    (0, -1),
    (1, -1),
    (-1, 0),
    (1, 0),
    (-1, 1),
    (0, 1),
    (1, 1),
];
const ABSENT: usize = usize::MAX;

/// The bounding box of the cells as a dense raster of cell indexes, row-major.
struct Raster {
    col0: i64,
    row0: i64,
    width: usize,
    height: usize,
    /// Cell index at each position, [`ABSENT`] where no cell is.
    at: Vec<usize>,
}

impl Raster {
    fn new(cells: &[GridCell]) -> Result<Self, DegurbaError> {
        let (mut c0, mut c1, mut r0, mut r1) = (i64::MAX, i64::MIN, i64::MAX, i64::MIN);
        for c in cells {
            c0 = c0.min(c.col);
            c1 = c1.max(c.col);
            r0 = r0.min(c.row);
            r1 = r1.max(c.row);
        }
        let (width, height) = if cells.is_empty() {
            (0, 0)
        } else {
            (c1.abs_diff(c0) + 1, r1.abs_diff(r0) + 1)
        };
        let positions = width.saturating_mul(height);
        if positions > MAX_POSITIONS {
            return Err(DegurbaError::TooLarge { positions });
        }
        let mut raster = Self {
            col0: c0,
            row0: r0,
            width: width as usize,
            height: height as usize,
            at: vec![ABSENT; positions as usize],
        };
        for (i, c) in cells.iter().enumerate() {
            let p = raster.position(c);
            if raster.at[p] != ABSENT {
                return Err(DegurbaError::DuplicateCell {
                    first: raster.at[p],
                    second: i,
                    col: c.col,
                    row: c.row,
                });
            }
            raster.at[p] = i;
        }
        Ok(raster)
    }

    fn len(&self) -> usize {
        self.at.len()
    }

    /// Position of a cell inside the box.
    fn position(&self, c: &GridCell) -> usize {
        c.row.abs_diff(self.row0) as usize * self.width + c.col.abs_diff(self.col0) as usize
    }

    /// Position of the neighbour at offset `(dc, dr)`, `None` outside the box.
    fn step(&self, p: usize, (dc, dr): (isize, isize)) -> Option<usize> {
        let c = (p % self.width).checked_add_signed(dc)?;
        let r = (p / self.width).checked_add_signed(dr)?;
        (c < self.width && r < self.height).then_some(r * self.width + c)
    }

    /// Whether the position is on the border of the box.
    fn on_border(&self, p: usize) -> bool {
        let (c, r) = (p % self.width, p / self.width);
        c == 0 || r == 0 || c + 1 == self.width || r + 1 == self.height
    }

    /// Connected groups of member positions, in row-major order of their first position, each
    /// sorted.
    fn components(&self, member: &[bool], offsets: &[(isize, isize)]) -> Vec<Vec<usize>> {
        let mut seen = vec![false; self.len()];
        let mut groups = Vec::new();
        let mut stack = Vec::new();
        for start in 0..self.len() {
            if !member[start] || seen[start] {
                continue;
            }
            seen[start] = true;
            stack.push(start);
            let mut group = Vec::new();
            while let Some(p) = stack.pop() {
                group.push(p);
                for &o in offsets {
                    if let Some(q) = self.step(p, o)
                        && member[q]
                        && !seen[q]
                    {
                        seen[q] = true;
                        stack.push(q);
                    }
                }
            }
            group.sort_unstable();
            groups.push(group);
        }
        groups
    }

    /// Whether a position is on the edge of the data: on the border of the box, or next to an
    /// absent position.
    fn on_data_edge(&self, p: usize) -> bool {
        self.on_border(p)
            || N8
                .iter()
                .any(|&o| self.step(p, o).is_none_or(|q| self.at[q] == ABSENT))
    }

    /// Residents at a position (0 where no cell is).
    fn population(&self, cells: &[GridCell], p: usize) -> f64 {
        match self.at[p] {
            ABSENT => 0.0,
            i => cells[i].population,
        }
    }

    /// Groups of positions meeting `dense`, connected by `offsets`, whose residents reach
    /// `min_population`, as settlements; `member[p]` receives the settlement's index.
    fn settlements(
        &self,
        cells: &[GridCell],
        dense: impl Fn(f64) -> bool,
        offsets: &[(isize, isize)],
        min_population: f64,
        member: &mut [Option<usize>],
    ) -> Vec<Settlement> {
        let is_dense: Vec<bool> = (0..self.len())
            .map(|p| self.at[p] != ABSENT && dense(self.population(cells, p)))
            .collect();
        let mut found = Vec::new();
        for group in self.components(&is_dense, offsets) {
            let total: f64 = group.iter().map(|&p| self.population(cells, p)).sum();
            if total >= min_population {
                for &p in &group {
                    member[p] = Some(found.len());
                }
                found.push(Settlement {
                    cells: group.len(),
                    population: total,
                    dense_cells: group.len(),
                    added_by_majority: 0,
                    added_by_holes: 0,
                    truncated: group.iter().any(|&p| self.on_data_edge(p)),
                    first_cell: self.at[group[0]],
                });
            }
        }
        found
    }
}

/// The majority rule, in rounds decided on the state before each: a present cell outside every
/// centre with at least `needed` of its 8 neighbours in one centre joins it. Returns the rounds
/// that added cells.
fn majority_rule(
    raster: &Raster,
    needed: u8,
    centre_at: &mut [Option<usize>],
    centres: &mut [Settlement],
) -> usize {
    let mut rounds = 0;
    loop {
        let mut joins = Vec::new();
        for p in 0..raster.len() {
            if raster.at[p] == ABSENT || centre_at[p].is_some() {
                continue;
            }
            let mut counts: BTreeMap<usize, u8> = BTreeMap::new();
            for &o in &N8 {
                if let Some(k) = raster.step(p, o).and_then(|q| centre_at[q]) {
                    *counts.entry(k).or_default() += 1;
                }
            }
            if let Some((&k, _)) = counts.iter().find(|&(_, &count)| count >= needed) {
                joins.push((p, k));
            }
        }
        if joins.is_empty() {
            return rounds;
        }
        rounds += 1;
        for (p, k) in joins {
            centre_at[p] = Some(k);
            centres[k].added_by_majority += 1;
        }
    }
}

/// Fills the holes of fewer than `max_km2` positions (8-connected, off the border of the box)
/// enclosed by a single centre; absent positions count in the area but are not added.
fn fill_holes(
    raster: &Raster,
    max_km2: u32,
    centre_at: &mut [Option<usize>],
    centres: &mut [Settlement],
) {
    let outside: Vec<bool> = centre_at.iter().map(Option::is_none).collect();
    for group in raster.components(&outside, &N8) {
        if group.len() >= max_km2 as usize || group.iter().any(|&p| raster.on_border(p)) {
            continue;
        }
        let mut around: Vec<usize> = group
            .iter()
            .flat_map(|&p| N8.iter().filter_map(move |&o| raster.step(p, o)))
            .filter_map(|q| centre_at[q])
            .collect();
        around.sort_unstable();
        around.dedup();
        if let [k] = around[..] {
            for &p in &group {
                if raster.at[p] != ABSENT {
                    centre_at[p] = Some(k);
                    centres[k].added_by_holes += 1;
                }
            }
        }
    }
}

/// Classifies the cells of a 1 km equal-area grid (Eurostat et al., *Applying the Degree of
/// Urbanisation*, 2021): **urban centres** are 4-connected cells of at least 1,500 inhabitants
/// per km² holding at least 50,000 in all, then smoothed by the 5-of-8 majority rule (iterated)
/// and with enclosed holes under 15 km² filled; **urban clusters** are 8-connected cells of at
/// least 300 per km² holding at least 5,000 (a centre cell keeps the centre class); every other
/// cell is **rural**. Thresholds from [`DegurbaParams`]; sources and the details of each rule in
/// the documentation of the `degurba` module (`crates/ssmplan-core/src/degurba.rs`).
///
/// # Units
/// Cells are 1 km²: `population` is also the density per km².
///
/// # Errors
/// [`DegurbaError::BadParameter`], [`DegurbaError::BadPopulation`],
/// [`DegurbaError::DuplicateCell`], [`DegurbaError::TooLarge`].
pub fn classify_grid(
    cells: &[GridCell],
    params: &DegurbaParams,
) -> Result<GridClassification, DegurbaError> {
    params.check()?;
    for (index, c) in cells.iter().enumerate() {
        if !(c.population.is_finite() && c.population >= 0.0) {
            return Err(DegurbaError::BadPopulation {
                index,
                found: c.population,
            });
        }
    }
    let raster = Raster::new(cells)?;

    // 1. Urban centres: dense cells, 4-connected, large enough; smoothed; holes filled.
    let mut centre_at: Vec<Option<usize>> = vec![None; raster.len()];
    let mut centres = raster.settlements(
        cells,
        |v| v >= params.centre_density_per_km2,
        &N4,
        params.centre_min_population,
        &mut centre_at,
    );
    let mut majority_rounds = 0;
    if !centres.is_empty() && params.majority_neighbours <= 8 {
        majority_rounds = majority_rule(
            &raster,
            params.majority_neighbours,
            &mut centre_at,
            &mut centres,
        );
    }
    if !centres.is_empty() && params.max_hole_km2 > 0 {
        fill_holes(&raster, params.max_hole_km2, &mut centre_at, &mut centres);
    }
    // Centre totals after smoothing and filling, in scan order.
    for centre in &mut centres {
        centre.cells = 0;
        centre.population = 0.0;
        centre.truncated = false;
    }
    for (p, k) in centre_at.iter().enumerate() {
        if let Some(k) = *k {
            let c = &mut centres[k];
            c.cells += 1;
            c.population += raster.population(cells, p);
            c.truncated |= raster.on_data_edge(p);
        }
    }

    // 2. Urban clusters: moderately dense cells, 8-connected, large enough.
    let mut cluster_at: Vec<Option<usize>> = vec![None; raster.len()];
    let clusters = raster.settlements(
        cells,
        |v| v >= params.cluster_density_per_km2,
        &N8,
        params.cluster_min_population,
        &mut cluster_at,
    );

    let mut classes = Vec::with_capacity(cells.len());
    let mut centre = Vec::with_capacity(cells.len());
    let mut cluster = Vec::with_capacity(cells.len());
    for c in cells {
        let p = raster.position(c);
        classes.push(match (centre_at[p], cluster_at[p]) {
            (Some(_), _) => CellClass::UrbanCentre,
            (None, Some(_)) => CellClass::UrbanCluster,
            (None, None) => CellClass::Rural,
        });
        centre.push(centre_at[p]);
        cluster.push(cluster_at[p]);
    }
    Ok(GridClassification {
        classes,
        centre,
        cluster,
        centres,
        clusters,
        majority_rounds,
    })
}

/// A cell of a spatial unit: the unit it belongs to, its class and its weight (its residents
/// in the grid, used to spread the unit's population over its cells).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct UnitCell {
    /// Index of the unit.
    pub unit: usize,
    /// Class of the cell.
    pub class: CellClass,
    /// Weight (e.g. the grid's residents); only its share within the unit matters.
    pub weight: f64,
}

/// How a unit's class was decided.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize),
    serde(rename_all = "snake_case")
)]
pub enum ShareBasis {
    /// Shares of residents (the rule).
    Population,
    /// Shares of cells (area): the unit has no resident.
    Area,
    /// The unit has no cell: not classified.
    NoCell,
}

/// Level 1 result of one unit.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct UnitUrbanisation {
    /// Residents of the unit (as given).
    pub population: u64,
    /// Residents in urban-centre, urban-cluster and rural cells (apportioned; they sum to
    /// `population` when the unit has cells).
    pub population_by_class: [u64; 3],
    /// Cells of the unit in each class.
    pub cells_by_class: [usize; 3],
    /// The class (`None` when the unit has no cell).
    pub class: Option<AreaClass>,
    /// What the shares are of.
    pub basis: ShareBasis,
}

impl UnitUrbanisation {
    /// Share of the basis (residents, else cells) in urban centres, urban clusters (not
    /// centres) and rural cells, in percent (`None` without a basis).
    #[must_use]
    pub fn shares_pct(&self) -> Option<[f64; 3]> {
        let parts = match self.basis {
            ShareBasis::Population => self.population_by_class.map(|v| v as f64),
            ShareBasis::Area => self.cells_by_class.map(|v| v as f64),
            ShareBasis::NoCell => return None,
        };
        let total: f64 = parts.iter().sum();
        (total > 0.0).then(|| parts.map(|v| 100.0 * v / total))
    }
}

/// The level 1 rule on counts (residents or cells) in centres, clusters and rural cells; `None`
/// when all are zero. Integer comparisons, so a share of exactly 50 % is decided exactly.
#[must_use]
pub fn area_class(by_class: [u64; 3]) -> Option<AreaClass> {
    let total = u128::from(by_class[0]) + u128::from(by_class[1]) + u128::from(by_class[2]);
    if total == 0 {
        None
    } else if 2 * u128::from(by_class[0]) >= total {
        Some(AreaClass::City)
    } else if 2 * u128::from(by_class[2]) >= total {
        Some(AreaClass::Rural)
    } else {
        Some(AreaClass::TownsSemiDense)
    }
}

/// Classifies spatial units (level 1) from their cells. Each unit's population is spread over
/// its cells by [`apportion`] in proportion to the cells' weights, in the order the cells are
/// given (the same integer split as
/// [`rescale_weighted_points`](crate::rescale_weighted_points) makes for the grid demand), then
/// summed by class.
///
/// # Errors
/// [`DegurbaError::UnknownUnit`] for a cell of a unit beyond `unit_population`.
pub fn classify_units(
    unit_population: &[u64],
    cells: &[UnitCell],
) -> Result<Vec<UnitUrbanisation>, DegurbaError> {
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); unit_population.len()];
    for (i, c) in cells.iter().enumerate() {
        members
            .get_mut(c.unit)
            .ok_or(DegurbaError::UnknownUnit {
                cell: i,
                unit: c.unit,
                units: unit_population.len(),
            })?
            .push(i);
    }
    Ok(unit_population
        .iter()
        .zip(&members)
        .map(|(&population, members)| {
            let weights: Vec<f64> = members.iter().map(|&i| cells[i].weight).collect();
            let split = apportion(population, &weights);
            let mut population_by_class = [0_u64; 3];
            let mut cells_by_class = [0_usize; 3];
            for (&i, share) in members.iter().zip(split) {
                let k = cells[i].class.index();
                population_by_class[k] += share;
                cells_by_class[k] += 1;
            }
            let (class, basis) = if members.is_empty() {
                (None, ShareBasis::NoCell)
            } else if population > 0 {
                (area_class(population_by_class), ShareBasis::Population)
            } else {
                (
                    area_class(cells_by_class.map(|v| v as u64)),
                    ShareBasis::Area,
                )
            };
            UnitUrbanisation {
                population,
                population_by_class,
                cells_by_class,
                class,
                basis,
            }
        })
        .collect())
}

#[cfg(test)]
mod tests;
