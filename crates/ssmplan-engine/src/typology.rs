//! The typology when no official table is loaded: reconstructed from indicators (planner), and
//! the `typology` operation that reports it.

use serde_json::json;
use ssmplan_core::{
    AccessibilityParams, PointIndex, floating_catchment, nearest_sites, site_capacities,
};
use ssmplan_io::{Dataset, TypologySource};
use ssmplan_planner::typology::{
    Indicator, IndicatorAxis, ReconstructedTypology, TypologyParams, reconstruct_typology,
};

use crate::common::base_parameters;
use crate::report::{Cell, Report, Table};
use crate::{Engine, EngineError, Progress};

/// Indicator columns of the layout's indicator table used for the need axis.
const NEED_COLUMNS: [(&str, bool); 3] = [
    ("share_65plus_2025_pct", true),
    ("median_income_2023_eur", false),
    ("share_low_education_2021_pct", true),
];

/// Names of the six indicators, in the order of [`reconstruct`].
const INDICATOR_NAMES: [&str; 6] = [
    "share_65plus_2025_pct",
    "median_income_2023_eur",
    "share_low_education_2021_pct",
    "distance_nearest_ssm_km",
    "e2sfca_ssm_per_100k",
    "psychiatric_hospitals_within_20km",
];

/// Seed of the reconstruction (fixed, recorded in outputs).
pub const SEED: u64 = 42;

/// Radius within which psychiatric hospital sites count as within reach.
const HOSPITAL_REACH_M: f64 = 20_000.0;

/// The reconstruction with the communes it covers (communes with a missing indicator are left
/// without a group).
#[derive(Clone, Debug)]
pub struct Reconstruction {
    /// Groups, scores, loadings and group means.
    pub typology: ReconstructedTypology,
    /// Index (in the dataset's communes) of each classified commune.
    pub communes: Vec<usize>,
    /// The indicators, over the classified communes.
    pub indicators: Vec<Indicator>,
    /// One sentence: method, seed, indicators, communes classified.
    pub description: String,
}

/// How a reconstructed typology is named in parameters: what it is not, then how it was made.
pub(crate) fn reconstructed_label(description: &str) -> String {
    format!("RECONSTRUCTED by ssmplan, not the IWEPS table: {description}")
}

/// Builds the indicators (need: from the indicator table; offer and access: computed here on the
/// population grid) and reconstructs a typology.
pub(crate) fn reconstruct(
    engine: &Engine,
    dataset: &mut Dataset,
) -> Result<Reconstruction, EngineError> {
    let table = dataset.indicators(&NEED_COLUMNS.map(|c| c.0))?;
    let hospitals = dataset.hospitals()?;
    let n = dataset.communes.len();
    let [distance, access, hospitals_near] = offer_indicators(engine, dataset, &hospitals)?;
    // Communes with every indicator.
    let need: Vec<(&str, bool, &[Option<f64>])> = NEED_COLUMNS
        .iter()
        .map(|(c, up)| Ok((*c, *up, table.column(c)?)))
        .collect::<Result<_, ssmplan_io::CsvError>>()?;
    let communes: Vec<usize> = (0..n)
        .filter(|&i| {
            need.iter()
                .all(|(_, _, v)| v[i].is_some_and(f64::is_finite))
        })
        .collect();
    let pick = |v: &[f64]| communes.iter().map(|&i| v[i]).collect::<Vec<f64>>();
    let mut indicators: Vec<Indicator> = need
        .iter()
        .map(|(name, up, v)| {
            Indicator::new(
                *name,
                IndicatorAxis::Need,
                *up,
                communes.iter().map(|&i| v[i].unwrap_or(f64::NAN)).collect(),
            )
        })
        .collect();
    indicators.push(Indicator::new(
        INDICATOR_NAMES[3],
        IndicatorAxis::Offer,
        false,
        pick(&distance),
    ));
    indicators.push(Indicator::new(
        INDICATOR_NAMES[4],
        IndicatorAxis::Offer,
        true,
        pick(&access),
    ));
    indicators.push(Indicator::new(
        INDICATOR_NAMES[5],
        IndicatorAxis::Offer,
        true,
        pick(&hospitals_near),
    ));
    let typology = reconstruct_typology(&indicators, None, &TypologyParams::new().seed(SEED))?;
    let names: Vec<String> = indicators
        .iter()
        .map(|i| format!("{}{}", if i.higher_is_more { "" } else { "-" }, i.name))
        .collect();
    let description = format!(
        "PCA to a need and an offer axis, k-means k=4, seed {SEED}; indicators: {}; {} of {} communes classified",
        names.join(", "),
        communes.len(),
        n
    );
    Ok(Reconstruction {
        typology,
        communes,
        indicators,
        description,
    })
}

/// The three offer and access indicators per commune: population-weighted mean distance to the
/// nearest SSM site (km, population grid), E2SFCA accessibility (SSM capacity per 100,000
/// inhabitants, 20 km), and psychiatric hospital sites within 20 km of the commune's point.
fn offer_indicators(
    engine: &Engine,
    dataset: &mut Dataset,
    hospitals: &[ssmplan_io::indicators::Hospital],
) -> Result<[Vec<f64>; 3], EngineError> {
    let demand = engine.popgrid_demand(dataset)?;
    let n = dataset.communes.len();
    // Offer 1: population-weighted mean distance to the nearest SSM site (km).
    let sites = dataset.site_locations();
    let nearest = nearest_sites(&demand.points, &sites, &ssmplan_core::StraightLine);
    let mut distance = vec![0.0; n];
    // Offer 2: E2SFCA accessibility (capacity per 100,000 inhabitants, 20 km, default steps).
    let (capacity, _) = site_capacities(&dataset.sites);
    let points: Vec<geo::Coord<f64>> = demand.points.iter().map(|p| p.location).collect();
    let population: Vec<f64> = demand.points.iter().map(|p| p.population as f64).collect();
    let steps = vec![
        (5_000.0, 1.0),
        (10_000.0, 0.68),
        (15_000.0, 0.22),
        (20_000.0, 0.03),
    ];
    let fca = floating_catchment(
        &points,
        &population,
        &sites,
        &capacity,
        &AccessibilityParams::enhanced(20_000.0, steps),
    )?;
    let mut access = vec![0.0; n];
    for ((p, near), a) in demand.points.iter().zip(&nearest).zip(&fca.accessibility) {
        if let Some(near) = near {
            distance[p.commune] += near.distance_m / 1000.0 * p.population as f64;
        }
        access[p.commune] += a * 100_000.0 * p.population as f64;
    }
    // Offer 3: psychiatric hospital sites within 20 km of the commune's representative point.
    let psychiatric: Vec<geo::Coord<f64>> = hospitals
        .iter()
        .filter(|h| h.psychiatric)
        .map(|h| h.location)
        .collect();
    let index = PointIndex::new(&psychiatric);
    let mut hospitals_near = vec![0.0; n];
    for (i, c) in dataset.communes.iter().enumerate() {
        let pop = c.population.max(1) as f64;
        distance[i] /= pop;
        access[i] /= pop;
        if let Some(p) = c.representative_point() {
            hospitals_near[i] = index.within_radius(p, HOSPITAL_REACH_M).len() as f64;
        }
    }
    Ok([distance, access, hospitals_near])
}

/// The result of `typology`.
#[derive(Clone, Debug)]
pub struct TypologyResult {
    /// The reconstruction, when no official table is loaded.
    pub reconstruction: Option<Reconstruction>,
    /// Tables and provenance.
    pub report: Report,
}

/// The typology table (official when loaded, else reconstructed), with the loadings and group
/// means of a reconstruction.
///
/// # Errors
/// [`EngineError`] when the indicators or hospitals cannot be read or the reconstruction fails.
pub fn typology(engine: &Engine, progress: &dyn Progress) -> Result<TypologyResult, EngineError> {
    let mut dataset = engine.working_copy();
    let mut reconstruction = None;
    let mut tables = Vec::new();
    let mut summary = Vec::new();
    let mut parameters = base_parameters(&dataset);
    if let TypologySource::Official(path) = &dataset.typology {
        parameters.push((
            "typology",
            json!(format!("official table {}", path.display())),
        ));
        let rows = dataset
            .communes
            .iter()
            .map(|c| {
                vec![
                    c.nis.to_string().into(),
                    c.name.clone().into(),
                    c.typology.map_or(Cell::Empty, |g| g.label_fr().into()),
                ]
            })
            .collect();
        tables.push(Table {
            name: "typology".into(),
            title: "Typology (official table)".into(),
            columns: vec!["nis", "name", "group"],
            rows,
        });
    } else {
        progress.stage("reconstructing the typology");
        let cached = engine.reconstruction(&mut dataset)?;
        let r = cached.as_ref();
        parameters.push(("typology", json!(reconstructed_label(&r.description))));
        parameters.push(("seed", json!(SEED)));
        parameters.push((
            "explained_variance_need_offer",
            json!(r.typology.explained_variance),
        ));
        reconstructed_tables(&dataset, r, &mut tables, &mut summary);
        dataset.set_typology(
            &vec![None; dataset.communes.len()],
            TypologySource::Reconstructed(r.description.clone()),
        );
        reconstruction = Some(r.clone());
    }
    let report = Report {
        command: "typology",
        parameters,
        inputs: dataset.inputs.clone(),
        caveats: dataset.caveats(),
        summary,
        tables,
        features: Vec::new(),
    };
    Ok(TypologyResult {
        reconstruction,
        report,
    })
}

/// The per-commune, loadings and group-means tables of a reconstruction.
#[expect(clippy::too_many_lines, reason = "three flat table definitions")]
fn reconstructed_tables(
    dataset: &Dataset,
    r: &Reconstruction,
    tables: &mut Vec<Table>,
    summary: &mut Vec<(String, String)>,
) {
    let t = &r.typology;
    summary.push((
        "explained variance (need axis, offer axis)".to_owned(),
        format!(
            "{:.1} %, {:.1} %",
            t.explained_variance[0] * 100.0,
            t.explained_variance[1] * 100.0
        ),
    ));
    let mut columns = vec![
        "nis",
        "name",
        "province",
        "group",
        "group_key",
        "need_score",
        "offer_score",
    ];
    columns.extend(INDICATOR_NAMES);
    let rows = r
        .communes
        .iter()
        .enumerate()
        .map(|(k, &i)| {
            let c = &dataset.communes[i];
            let mut row: Vec<Cell> = vec![
                c.nis.to_string().into(),
                c.name.clone().into(),
                c.province.clone().into(),
                t.groups[k].label_fr().into(),
                t.groups[k].key().into(),
                Cell::Num(t.need_score[k], 4),
                Cell::Num(t.offer_score[k], 4),
            ];
            row.extend(r.indicators.iter().map(|ind| Cell::Num(ind.values[k], 3)));
            row
        })
        .collect();
    tables.push(Table {
        name: "typology".into(),
        title: "Reconstructed typology per commune (NOT the IWEPS table)".into(),
        columns,
        rows,
    });
    let rows = t
        .loadings
        .iter()
        .map(|l| {
            vec![
                l.name.clone().into(),
                l.axis.key().into(),
                (if l.higher_is_more {
                    "as is"
                } else {
                    "inverted"
                })
                .into(),
                Cell::Num(l.need, 3),
                Cell::Num(l.offer, 3),
            ]
        })
        .collect();
    tables.push(Table {
        name: "loadings".into(),
        title: "Loadings (correlation of each oriented indicator with the axes)".into(),
        columns: vec![
            "indicator",
            "axis",
            "orientation",
            "need_axis",
            "offer_axis",
        ],
        rows,
    });
    let mut columns = vec!["group", "communes", "need_score", "offer_score"];
    columns.extend(INDICATOR_NAMES);
    let rows = t
        .group_means
        .iter()
        .map(|g| {
            let mut row: Vec<Cell> = vec![
                g.group.label_fr().into(),
                g.count.into(),
                Cell::Num(g.need_score, 3),
                Cell::Num(g.offer_score, 3),
            ];
            row.extend(g.indicator_means.iter().map(|m| Cell::Num(*m, 3)));
            row
        })
        .collect();
    tables.push(Table {
        name: "group_means".into(),
        title: "Group means".into(),
        columns,
        rows,
    });
    for g in &t.group_means {
        summary.push((
            format!("{} (communes)", g.group.label_fr()),
            g.count.to_string(),
        ));
    }
}
