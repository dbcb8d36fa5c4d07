//! The `urbanisation` operation: the degree of urbanisation (Eurostat / UN-Habitat, stage 1 and
//! level 1) of every 1 km population cell and every commune, from the GHS-POP grid of the
//! dataset (`ssmplan_core::classify_grid`, `ssmplan_core::classify_units`).
//!
//! The grid stage runs on the **whole grid around the study area** when the dataset has it
//! ([`CONTEXT_GRID`]: the GHS-POP 2020 crop around Belgium, with Brussels, Flanders and strips
//! of France, the Netherlands, Germany and Luxembourg), so that a settlement crossing the Walloon
//! border keeps its cells beyond it (Mouscron is part of the Lille–Roubaix–Tourcoing urban
//! centre; Brabant wallon borders Brussels'). [`GridExtent::StudyArea`] classifies the Walloon
//! cells alone, for comparison: border settlements are then cut.
//!
//! Communes are classified by the residents of their cells: a cell belongs whole to the commune
//! holding its centre (the column `nis_2025` of the population grid), and each commune's
//! population of the dataset's year is spread over its cells in proportion to GHS-POP, the same
//! integer split as the population-grid demand of the other operations.

use std::collections::{BTreeMap, HashMap};

use serde_json::json;
use ssmplan_core::{
    AreaClass, CellClass, DegurbaParams, GridCell, GridClassification, ShareBasis, UnitCell,
    UnitUrbanisation, classify_grid, classify_units,
};
use ssmplan_io::crosswalk::{Crosswalk, NisResolver};
use ssmplan_io::dataset::layout;
use ssmplan_io::popgrid::{LatticeCell, read_lattice_grid};

use crate::common::{base_parameters, geojson_multipolygon, wgs84_rounded};
use crate::report::{Cell, Feature, MapLayer, Report, Table};
use crate::{Engine, EngineError, Progress, Silent};

/// The whole GHS-POP 2020 1 km grid around Belgium (dataset layout).
pub const CONTEXT_GRID: &str = "sectors/ghs_pop_2020_1km_belgium_bbox.csv";

/// Which cells the grid stage classifies.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GridExtent {
    /// The whole grid of the dataset around the study area ([`CONTEXT_GRID`]) when present:
    /// settlements crossing the Walloon border are whole. Falls back to the study area, with a
    /// caveat, for a dataset without that file.
    #[default]
    Context,
    /// Only the cells of the study area's communes: quicker to explain, but urban centres and
    /// clusters crossing the Walloon border are cut, which can turn border communes rural.
    StudyArea,
}

impl GridExtent {
    /// Stable key.
    #[must_use]
    pub fn key(self) -> &'static str {
        match self {
            Self::Context => "context",
            Self::StudyArea => "study_area",
        }
    }
}

/// What to compute.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct UrbanisationRequest {
    /// Cells the grid stage sees.
    pub extent: GridExtent,
    /// Whether the report lists every cell (16,890 rows on the default data).
    pub cells: bool,
}

/// One cell of the study area with its class.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ClassifiedCell {
    /// The cell as read (position, GHS-POP residents, commune of the layer, Lambert centre).
    pub cell: LatticeCell,
    /// Its class.
    pub class: CellClass,
    /// Its urban centre (index into the grid classification's centres).
    pub centre: Option<usize>,
    /// Its urban cluster (index into the grid classification's clusters).
    pub cluster: Option<usize>,
}

/// The result: every cell of the study area and every commune in scope, classified.
#[derive(Clone, Debug)]
pub struct UrbanisationResult {
    /// The grid stage over the cells it saw (the context grid or the study area).
    pub grid: GridClassification,
    /// The study area's cells (all communes of the boundary layer, in file order).
    pub cells: Vec<ClassifiedCell>,
    /// Level 1 of each commune in scope, parallel to the dataset's communes.
    pub communes: Vec<UnitUrbanisation>,
    /// The extent actually used.
    pub extent: GridExtent,
    /// Tables, provenance and map layer (communes).
    pub report: Report,
}

impl UrbanisationResult {
    /// The class of the commune at `index` of the dataset's communes.
    #[must_use]
    pub fn commune_class(&self, index: usize) -> Option<AreaClass> {
        self.communes.get(index).and_then(|u| u.class)
    }
}

impl Engine {
    /// The degree of urbanisation of the dataset with the default request (context grid, no
    /// cell table, no map layer).
    ///
    /// # Errors
    /// As [`urbanisation`].
    pub fn degree_of_urbanisation(&self) -> Result<UrbanisationResult, EngineError> {
        urbanisation(
            self,
            &UrbanisationRequest::default(),
            MapLayer::Skip,
            &Silent,
        )
    }
}

/// Columns of the commune table (and properties of the map layer).
pub const URBANISATION_COLUMNS: [&str; 18] = [
    "nis",
    "commune",
    "province",
    "arrondissement",
    "population",
    "degurba",
    "class",
    "basis",
    "pop_urban_centre",
    "pop_urban_cluster",
    "pop_rural",
    "share_urban_centre_pct",
    "share_urban_cluster_pct",
    "share_rural_pct",
    "share_centre_or_cluster_pct",
    "cells_urban_centre",
    "cells_urban_cluster",
    "cells_rural",
];

fn basis_key(b: ShareBasis) -> &'static str {
    match b {
        ShareBasis::Population => "residents",
        ShareBasis::Area => "cells (no resident)",
        ShareBasis::NoCell => "no cell",
    }
}

/// Classifies the population grid and the communes.
///
/// # Errors
/// [`EngineError::Dataset`] or [`EngineError::Csv`] naming the grid file, line and field;
/// [`EngineError::Parameter`] (`extent`) when the study-area grid and the context grid disagree
/// (CRS, a cell missing, or a different population).
#[expect(
    clippy::too_many_lines,
    reason = "one linear pipeline: read, classify, apportion, tabulate"
)]
pub fn urbanisation(
    engine: &Engine,
    request: &UrbanisationRequest,
    layer: MapLayer,
    progress: &dyn Progress,
) -> Result<UrbanisationResult, EngineError> {
    let mut dataset = engine.working_copy();
    let params = DegurbaParams::default();
    progress.stage("reading the population grid");
    let grid_path = dataset.data_dir.join(layout::POPGRID);
    dataset.record_input("population grid (study area, with communes)", &grid_path)?;
    let no_crosswalk = Crosswalk::default();
    let resolver = NisResolver::new(&dataset.layer.communes, &no_crosswalk);
    let study = read_lattice_grid(&grid_path, Some(&resolver))?;
    let context_path = dataset.data_dir.join(CONTEXT_GRID);
    let mut caveats = dataset.caveats();
    let (extent, grid_cells, study_to_grid) = if request.extent == GridExtent::Context
        && context_path.is_file()
    {
        dataset.record_input(
            "population grid (whole grid around the study area)",
            &context_path,
        )?;
        let context = read_lattice_grid(&context_path, None)?;
        if context.crs != study.crs {
            return Err(EngineError::parameter(
                "extent",
                format!(
                    "{} is in {} but {} is in {}",
                    context.path.display(),
                    context.crs.code(),
                    study.path.display(),
                    study.crs.code()
                ),
            ));
        }
        let at: HashMap<(i64, i64), usize> = context
            .cells
            .iter()
            .enumerate()
            .map(|(i, c)| ((c.cell.col, c.cell.row), i))
            .collect();
        let mut map = Vec::with_capacity(study.cells.len());
        for (line, c) in study.cells.iter().enumerate() {
            let found = at.get(&(c.cell.col, c.cell.row)).copied().filter(|&i| {
                (context.cells[i].cell.population - c.cell.population).abs() <= 0.0011
            });
            let Some(i) = found else {
                return Err(EngineError::parameter(
                    "extent",
                    format!(
                        "{}, line {}: cell (column {}, row {}) is missing from {} or has another population: the two grids must come from the same raster",
                        study.path.display(),
                        line + 2,
                        c.cell.col,
                        c.cell.row,
                        context.path.display()
                    ),
                ));
            };
            map.push(i);
        }
        let cells: Vec<GridCell> = context.cells.iter().map(|c| c.cell).collect();
        (GridExtent::Context, cells, map)
    } else {
        if request.extent == GridExtent::Context {
            caveats.push(format!(
                "{} not found: the grid stage saw only the study area's cells, so urban centres and clusters crossing its border are cut",
                context_path.display()
            ));
        }
        let cells: Vec<GridCell> = study.cells.iter().map(|c| c.cell).collect();
        (
            GridExtent::StudyArea,
            cells,
            (0..study.cells.len()).collect(),
        )
    };

    progress.stage("classifying the grid cells");
    let grid = classify_grid(&grid_cells, &params)
        .map_err(|e| EngineError::parameter("extent", e.to_string()))?;
    let cells: Vec<ClassifiedCell> = study
        .cells
        .iter()
        .zip(&study_to_grid)
        .map(|(c, &i)| ClassifiedCell {
            cell: *c,
            class: grid.classes[i],
            centre: grid.centre[i],
            cluster: grid.cluster[i],
        })
        .collect();

    progress.stage("classifying the communes");
    let unit_cells: Vec<UnitCell> = cells
        .iter()
        .filter_map(|c| {
            let unit = dataset.remap[c.cell.commune?]?;
            Some(UnitCell {
                unit,
                class: c.class,
                weight: c.cell.cell.population,
            })
        })
        .collect();
    let populations: Vec<u64> = dataset.communes.iter().map(|c| c.population).collect();
    let communes = classify_units(&populations, &unit_cells)
        .map_err(|e| EngineError::parameter("extent", e.to_string()))?;

    // Commune table and map layer.
    let mut rows = Vec::new();
    let mut features = Vec::new();
    for (c, u) in dataset.communes.iter().zip(&communes) {
        let shares = u.shares_pct();
        let share = |k: usize| Cell::opt(shares.map(|s| s[k]), 2);
        let row: Vec<Cell> = vec![
            c.nis.to_string().into(),
            c.name.clone().into(),
            c.province.clone().into(),
            c.arrondissement.clone().into(),
            c.population.into(),
            u.class.map_or(Cell::Empty, |a| a.code().into()),
            u.class.map_or(Cell::Empty, |a| a.label().into()),
            basis_key(u.basis).into(),
            u.population_by_class[0].into(),
            u.population_by_class[1].into(),
            u.population_by_class[2].into(),
            share(0),
            share(1),
            share(2),
            Cell::opt(shares.map(|s| s[0] + s[1]), 2),
            u.cells_by_class[0].into(),
            u.cells_by_class[1].into(),
            u.cells_by_class[2].into(),
        ];
        if layer == MapLayer::Build {
            features.push(Feature {
                geometry: geojson_multipolygon(&c.geometry),
                properties: URBANISATION_COLUMNS
                    .iter()
                    .copied()
                    .zip(row.iter().cloned())
                    .collect(),
            });
        }
        rows.push(row);
    }
    let mut tables = vec![Table {
        name: "communes".into(),
        title: "Degree of urbanisation of each commune (level 1)".into(),
        columns: URBANISATION_COLUMNS.to_vec(),
        rows,
    }];

    // Communes and residents per commune class.
    let total_population: u64 = communes.iter().map(|u| u.population).sum();
    let pct = |part: u64, whole: u64| {
        if whole == 0 {
            Cell::Empty
        } else {
            Cell::Num(100.0 * part as f64 / whole as f64, 2)
        }
    };
    let mut summary = Vec::new();
    let mut class_rows = Vec::new();
    for a in AreaClass::ALL {
        let members: Vec<&UnitUrbanisation> =
            communes.iter().filter(|u| u.class == Some(a)).collect();
        let population: u64 = members.iter().map(|u| u.population).sum();
        let cells: usize = members
            .iter()
            .map(|u| u.cells_by_class.iter().sum::<usize>())
            .sum();
        class_rows.push(vec![
            a.code().into(),
            a.label().into(),
            members.len().into(),
            population.into(),
            pct(population, total_population),
            cells.into(),
        ]);
        summary.push((
            format!("{} {} (communes / residents)", a.code(), a.label()),
            format!(
                "{} / {} ({:.1} %)",
                members.len(),
                population,
                100.0 * population as f64 / total_population.max(1) as f64
            ),
        ));
    }
    let unclassified = communes.iter().filter(|u| u.class.is_none()).count();
    if unclassified > 0 {
        caveats.push(format!(
            "{unclassified} commune(s) have no cell of the population grid and are not classified"
        ));
    }
    tables.push(Table {
        name: "classes".into(),
        title: "Communes and residents per class".into(),
        columns: vec![
            "degurba",
            "class",
            "communes",
            "population",
            "share_of_population_pct",
            "cells_km2",
        ],
        rows: class_rows,
    });

    // Residents per cell class (study area in scope).
    let mut by_cell = [0_u64; 3];
    let mut cells_in_scope = [0_usize; 3];
    let mut ghs_in_scope = [0.0_f64; 3];
    for u in &communes {
        for k in 0..3 {
            by_cell[k] += u.population_by_class[k];
            cells_in_scope[k] += u.cells_by_class[k];
        }
    }
    for c in &cells {
        if c.cell.commune.and_then(|i| dataset.remap[i]).is_some() {
            ghs_in_scope[class_index(c.class)] += c.cell.cell.population;
        }
    }
    let ghs_total: f64 = ghs_in_scope.iter().sum();
    let cell_rows = CellClass::ALL
        .iter()
        .enumerate()
        .map(|(k, class)| {
            vec![
                class.key().into(),
                cells_in_scope[k].into(),
                Cell::Num(ghs_in_scope[k], 0),
                Cell::opt(
                    (ghs_total > 0.0).then(|| 100.0 * ghs_in_scope[k] / ghs_total),
                    2,
                ),
                by_cell[k].into(),
                pct(by_cell[k], total_population),
            ]
        })
        .collect();
    tables.push(Table {
        name: "cell_classes".into(),
        title: "Cells and residents per class of cell (communes in scope)".into(),
        columns: vec![
            "cell_class",
            "cells_km2",
            "ghs_pop_2020",
            "ghs_share_pct",
            "population",
            "share_of_population_pct",
        ],
        rows: cell_rows,
    });
    for (k, class) in CellClass::ALL.iter().enumerate() {
        summary.push((
            format!("residents in {} cells", class.key()),
            format!(
                "{} ({:.1} %)",
                by_cell[k],
                100.0 * by_cell[k] as f64 / total_population.max(1) as f64
            ),
        ));
    }

    // Settlements that reach the study area.
    let names: Vec<&str> = dataset
        .layer
        .communes
        .iter()
        .map(|c| c.name.as_str())
        .collect();
    let (centre_rows, centre_notes) = settlement_rows(
        &grid,
        &cells,
        &names,
        grid.centres.len(),
        |c| c.centre,
        true,
    );
    let (cluster_rows, cluster_notes) = settlement_rows(
        &grid,
        &cells,
        &names,
        grid.clusters.len(),
        |c| c.cluster,
        false,
    );
    summary.push((
        "urban centres / urban clusters reaching the study area".into(),
        format!("{} / {}", centre_rows.len(), cluster_rows.len()),
    ));
    let settlement_columns = vec![
        "id",
        "main_commune",
        "cells_km2",
        "cells_in_study_area",
        "ghs_pop_2020",
        "ghs_pop_2020_in_study_area",
        "dense_cells",
        "added_by_majority_rule",
        "added_by_hole_filling",
        "on_edge_of_data",
    ];
    tables.push(Table {
        name: "urban_centres".into(),
        title: "Urban centres with cells in the study area".into(),
        columns: settlement_columns.clone(),
        rows: centre_rows,
    });
    tables.push(Table {
        name: "urban_clusters".into(),
        title: "Urban clusters (moderate-density clusters, centres' dense cells included) with cells in the study area".into(),
        columns: settlement_columns,
        rows: cluster_rows,
    });

    if request.cells {
        let rows = cells
            .iter()
            .map(|c| {
                let commune = c.cell.commune.map(|i| &dataset.layer.communes[i]);
                let lonlat = c.cell.location.map(wgs84_rounded);
                vec![
                    index_cell(c.cell.cell.col),
                    index_cell(c.cell.cell.row),
                    commune.map_or(Cell::Empty, |m| m.nis.to_string().into()),
                    c.class.key().into(),
                    c.centre.map_or(Cell::Empty, |k| (k + 1).into()),
                    c.cluster.map_or(Cell::Empty, |k| (k + 1).into()),
                    Cell::Num(c.cell.cell.population, 3),
                    Cell::opt(lonlat.map(|l| l[0]), 6),
                    Cell::opt(lonlat.map(|l| l[1]), 6),
                ]
            })
            .collect();
        tables.push(Table {
            name: "cells".into(),
            title: "Class of each 1 km cell of the study area".into(),
            columns: vec![
                "lattice_col",
                "lattice_row",
                "nis",
                "cell_class",
                "urban_centre_id",
                "urban_cluster_id",
                "ghs_pop_2020",
                "lon",
                "lat",
            ],
            rows,
        });
    }

    // Caveats of the method and of the data.
    caveats.push(format!(
        "degree of urbanisation computed by ssmplan with the Eurostat/UN-Habitat grid method (2021 manual) on GHS-POP R2023A epoch 2020, a modelled 1 km grid in {}: it is NOT Eurostat's or Statbel's official classification of the communes (made on the GEOSTAT census grid and LAU boundaries), and can differ from it near the thresholds",
        study.crs.code()
    ));
    caveats.push(format!(
        "cells are classified on their GHS-POP 2020 residents; commune shares use the {} Statbel population spread over each commune's cells by GHS-POP 2020; a cell belongs whole to the commune holding its centre",
        dataset.year
    ));
    caveats.push("not implemented: the GHSL built-up criterion for urban centres, the permanent-land correction of densities, the level 2 classes (dense/semi-dense towns, suburbs, villages)".to_owned());
    match extent {
        GridExtent::Context => caveats.push(format!(
            "the grid stage saw the whole GHS-POP crop around Belgium ({} cells: Brussels, Flanders and strips of France, the Netherlands, Germany and Luxembourg), so settlements crossing the Walloon border keep their cells beyond it",
            grid_cells.len()
        )),
        GridExtent::StudyArea => caveats.push(format!(
            "the grid stage saw only the {} cells of the study area: urban centres and clusters crossing its border are cut (use the context extent to keep them whole)",
            grid_cells.len()
        )),
    }
    caveats.extend(centre_notes);
    caveats.extend(cluster_notes);

    let mut parameters = base_parameters(&dataset);
    parameters.push(("extent", json!(extent.key())));
    parameters.push(("grid_crs", json!(study.crs.code())));
    parameters.push(("grid_cells_classified", json!(grid_cells.len())));
    parameters.push(("thresholds", json!(params)));
    parameters.push((
        "rules",
        json!("urban centres: >= 1,500 inh/km2, 4-connected, >= 50,000 inh, then 5-of-8 majority rule (iterated) and holes < 15 km2 filled; urban clusters: >= 300 inh/km2, 8-connected, >= 5,000 inh; communes: DEG1 >= 50 % of residents in urban centres, else DEG3 >= 50 % in rural cells, else DEG2"),
    ));
    summary.insert(
        0,
        (
            "cells of the study area (centre / cluster / rural)".into(),
            {
                let mut n = [0_usize; 3];
                for c in &cells {
                    n[class_index(c.class)] += 1;
                }
                format!("{} / {} / {}", n[0], n[1], n[2])
            },
        ),
    );
    Ok(UrbanisationResult {
        report: Report {
            command: "urbanisation",
            parameters,
            inputs: dataset.inputs.clone(),
            caveats,
            summary,
            tables,
            features,
        },
        grid,
        cells,
        communes,
        extent,
    })
}

fn class_index(c: CellClass) -> usize {
    match c {
        CellClass::UrbanCentre => 0,
        CellClass::UrbanCluster => 1,
        CellClass::Rural => 2,
    }
}

/// A lattice index as a table cell (a whole number; text if negative).
fn index_cell(v: i64) -> Cell {
    u64::try_from(v).map_or_else(|_| Cell::Text(v.to_string()), Cell::Int)
}

/// Rows for the settlements (centres or clusters) with cells in the study area, and caveats for
/// those crossing its border or the edge of the data. Ids are 1-based positions in the grid
/// classification.
fn settlement_rows(
    grid: &GridClassification,
    cells: &[ClassifiedCell],
    names: &[&str],
    count: usize,
    of: impl Fn(&ClassifiedCell) -> Option<usize>,
    centres: bool,
) -> (Vec<Vec<Cell>>, Vec<String>) {
    // Per settlement: cells and residents in the study area, residents per commune.
    let mut inside: BTreeMap<usize, (usize, f64, BTreeMap<usize, f64>)> = BTreeMap::new();
    for c in cells {
        if let Some(k) = of(c) {
            let e = inside.entry(k).or_default();
            e.0 += 1;
            e.1 += c.cell.cell.population;
            if let Some(m) = c.cell.commune {
                *e.2.entry(m).or_default() += c.cell.cell.population;
            }
        }
    }
    let mut rows = Vec::new();
    let mut crossing = Vec::new();
    let mut cut = Vec::new();
    for (&k, (n, pop, by_commune)) in inside.iter().filter(|(k, _)| **k < count) {
        let s = if centres {
            &grid.centres[k]
        } else {
            &grid.clusters[k]
        };
        let main = by_commune
            .iter()
            .max_by(|a, b| a.1.total_cmp(b.1).then(b.0.cmp(a.0)))
            .map_or("", |(&m, _)| names[m]);
        if s.cells > *n {
            crossing.push(format!(
                "{main} ({} of {} km² in the study area)",
                n, s.cells
            ));
        }
        if s.truncated {
            cut.push(main.to_owned());
        }
        rows.push(vec![
            (k + 1).into(),
            main.into(),
            s.cells.into(),
            (*n).into(),
            Cell::Num(s.population, 0),
            Cell::Num(*pop, 0),
            s.dense_cells.into(),
            s.added_by_majority.into(),
            s.added_by_holes.into(),
            (if s.truncated { "yes" } else { "no" }).into(),
        ]);
    }
    let kind = if centres {
        "urban centre"
    } else {
        "urban cluster"
    };
    let mut notes = Vec::new();
    if !crossing.is_empty() {
        notes.push(format!(
            "{} {kind}(s) cross the border of the study area and were classified whole: {}",
            crossing.len(),
            crossing.join("; ")
        ));
    }
    if !cut.is_empty() {
        notes.push(format!(
            "{} {kind}(s) reach the edge of the grid data (they may go on beyond it): {}",
            cut.len(),
            cut.join(", ")
        ));
    }
    (rows, notes)
}
