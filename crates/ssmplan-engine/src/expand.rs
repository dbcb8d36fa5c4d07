//! `expand` (élargissement de cadre) and `budget coordinators`.

use std::collections::BTreeMap;

use serde_json::json;
use ssmplan_planner::frameworks::{Expansion, ExpansionParams, FrameworkInput, expand_frameworks};
use ssmplan_planner::recommend::need_weights;
use ssmplan_planner::{CoordinatorBands, CoordinatorBudget, coordinator_budget};

use crate::common::base_parameters;
use crate::coverage::allocate;
use crate::report::{Cell, Report, Table};
use crate::request::{CoordinatorRequest, ExpandRequest, Validate};
use crate::{Engine, EngineError, Progress};

const COLUMNS: [&str; 11] = [
    "ssm_id",
    "ssm_name",
    "catchment_population",
    "catchment_need_weighted",
    "etp_before",
    "etp_added",
    "etp_after",
    "need_per_etp_before",
    "need_per_etp_after",
    "etp_per_10k_need_before",
    "etp_per_10k_need_after",
];

/// The result of `expand`.
#[derive(Clone, Debug)]
pub struct ExpandResult {
    /// The allocation, step by step, and the Gini before and after.
    pub expansion: Expansion,
    /// Tables and provenance.
    pub report: Report,
}

/// Allocates a budget of ETP to the SSM with the most need-weighted inhabitants per ETP.
///
/// # Errors
/// [`EngineError`] for a bad request or an unreadable frameworks or demand file.
#[expect(
    clippy::too_many_lines,
    reason = "builds one report: catchments, frameworks, allocation, provenance"
)]
pub fn expand(
    engine: &Engine,
    request: &ExpandRequest,
    progress: &dyn Progress,
) -> Result<ExpandResult, EngineError> {
    request.validate()?;
    engine.require_ssm_sites("expand")?;
    let args = request;
    let mut dataset = engine.working_copy();
    let typology_note = engine.ensure_typology(&mut dataset, &args.need(), progress)?;
    let weights = crate::request::need_weights(&args.weights)?;
    // Frameworks: the CSV, else the sites' etp column, else the assumed ETP.
    let owned_ids: std::collections::BTreeSet<String> =
        dataset.sites.iter().map(|s| s.ssm.0.clone()).collect();
    let ids: Vec<&str> = owned_ids.iter().map(String::as_str).collect();
    let table = match &args.frameworks {
        Some(path) => {
            dataset.record_input("frameworks", path)?;
            Some(ssmplan_io::frameworks::read_frameworks(path, Some(&ids))?)
        }
        None => None,
    };
    // Catchment of each SSM: the demand whose nearest site belongs to it.
    let a = allocate(
        engine,
        &mut dataset,
        &args.demand,
        crate::distance::DistanceSpec::of_request("euclidean", args.detour)?,
        progress,
    )?;
    let (demand, nearest, spec) = (&a.demand, &a.nearest, &a.spec);
    let need = need_weights(&dataset.communes, &demand.points, &weights);
    let mut per_ssm: BTreeMap<&str, (String, f64, f64)> = BTreeMap::new();
    for s in &dataset.sites {
        per_ssm
            .entry(s.ssm.0.as_str())
            .or_insert((s.ssm_name.clone(), 0.0, 0.0));
    }
    // Services geocoded to the same point share its residents (as in every command).
    let colocation = ssmplan_core::Colocation::new(&dataset.sites);
    for share in ssmplan_core::shared_allocation(&colocation, &demand.points, nearest) {
        let p = &demand.points[share.point];
        let ssm = dataset.sites[share.site].ssm.0.as_str();
        if let Some(e) = per_ssm.get_mut(ssm) {
            e.1 += share.population as f64;
            if p.population > 0 {
                e.2 += need[share.point] * share.population as f64 / p.population as f64;
            }
        }
    }
    let mut caveats = dataset.caveats();
    let from_sites: BTreeMap<&str, f64> = dataset
        .sites
        .iter()
        .filter_map(|s| Some((s.ssm.0.as_str(), s.etp?)))
        .collect();
    let mut assumed = 0;
    let inputs: Vec<FrameworkInput> = per_ssm
        .iter()
        .map(|(id, (_, pop, need))| {
            let etp = table
                .as_ref()
                .and_then(|t| t.etp.get(*id).copied())
                .or_else(|| from_sites.get(id).copied())
                .unwrap_or_else(|| {
                    assumed += 1;
                    args.assumed_etp
                });
            FrameworkInput {
                ssm: (*id).to_owned(),
                etp,
                population: pop.round() as u64,
                need_population: *need,
            }
        })
        .collect();
    caveats.extend(crate::common::colocation_caveat(&dataset, &colocation));
    if assumed > 0 {
        caveats.push(format!(
            "ASSUMED FRAMEWORKS: {assumed} of {} SSM have no known framework and are assumed to have {} ETP each (pass --frameworks FILE with the agreed frameworks)",
            inputs.len(),
            args.assumed_etp
        ));
    }
    let params = match (args.budget_etp, args.budget_eur) {
        (Some(etp), _) => ExpansionParams::new(etp),
        (None, Some(eur)) => ExpansionParams::from_eur(eur, args.cost_per_etp),
        (None, None) => {
            return Err(EngineError::parameter(
                "budget_eur",
                "give a budget (budget_eur or budget_etp)",
            ));
        }
    }
    .step_etp(args.step_etp);
    let e = expand_frameworks(&inputs, &params)?;
    let rows: Vec<Vec<Cell>> = e
        .changes
        .iter()
        .zip(&inputs)
        .map(|(c, i)| {
            vec![
                c.ssm.clone().into(),
                per_ssm[c.ssm.as_str()].0.clone().into(),
                i.population.into(),
                Cell::Num(c.need_population, 1),
                Cell::Num(c.etp_before, 2),
                Cell::Num(c.etp_added, 2),
                Cell::Num(c.etp_after, 2),
                Cell::opt(c.need_per_etp_before, 0),
                Cell::opt(c.need_per_etp_after, 0),
                Cell::opt(c.etp_per_10k_before, 4),
                Cell::opt(c.etp_per_10k_after, 4),
            ]
        })
        .collect();
    let receiving = e.changes.iter().filter(|c| c.etp_added > 0.0).count();
    let summary = vec![
        (
            "budget".to_owned(),
            format!(
                "{:.2} ETP ({:.0} EUR a year at {:.0} EUR per ETP)",
                params.budget_etp,
                params.budget_etp * args.cost_per_etp,
                args.cost_per_etp
            ),
        ),
        (
            "allocated".to_owned(),
            format!(
                "{:.2} ETP in {} steps of {} ETP to {receiving} SSM; {:.3} ETP left (less than a step)",
                e.allocated_etp, e.steps, params.step_etp, e.unallocated_etp
            ),
        ),
        (
            "Gini of ETP per 10,000 need-weighted inhabitants".to_owned(),
            format!("{:.4} -> {:.4}", e.gini_before, e.gini_after),
        ),
    ];
    let mut parameters = base_parameters(&dataset);
    parameters.push(("budget_etp", json!(params.budget_etp)));
    parameters.push(("cost_per_etp_eur", json!(args.cost_per_etp)));
    parameters.push(("step_etp", json!(params.step_etp)));
    parameters.push(("rule", json!("each step to the SSM with the most need-weighted inhabitants per ETP in its catchment (nearest-site allocation); ties to the first SSM id")));
    parameters.push(("need_weights", json!(weights)));
    parameters.push(("typology", json!(typology_note)));
    parameters.push(("demand", json!(spec.describe())));
    parameters.push((
        "frameworks",
        json!(args.frameworks.as_ref().map_or_else(
            || format!(
                "sites file ETP where given, else assumed {} ETP",
                args.assumed_etp
            ),
            |p| p.display().to_string()
        )),
    ));
    let report = Report {
        command: "expand",
        parameters,
        inputs: dataset.inputs.clone(),
        caveats,
        summary,
        tables: vec![Table {
            name: "frameworks".into(),
            title: "Frameworks before and after, per SSM".into(),
            columns: COLUMNS.to_vec(),
            rows,
        }],
        features: Vec::new(),
    };
    Ok(ExpandResult {
        expansion: e,
        report,
    })
}

/// The result of `budget coordinators`.
#[derive(Clone, Debug)]
pub struct CoordinatorResult {
    /// SSM per band.
    pub bands: CoordinatorBands,
    /// ETP and cost per band and in total.
    pub budget: CoordinatorBudget,
    /// Tables and provenance.
    pub report: Report,
}

/// The coordinator funding proposal: 0.5, 0.75 or 1 ETP per SSM by framework band.
///
/// # Errors
/// [`EngineError`] for a bad request or an unreadable frameworks file.
pub fn coordinators(request: &CoordinatorRequest) -> Result<CoordinatorResult, EngineError> {
    request.validate()?;
    let args = request;
    let (bands, source) = match (args.band_counts()?, &args.frameworks) {
        (Some([a, b, c]), _) => {
            let text = args.bands.clone().unwrap_or_default();
            (
                CoordinatorBands {
                    up_to_3: a,
                    over_3_to_9: b,
                    over_9: c,
                },
                format!("band counts {text}"),
            )
        }
        (None, Some(path)) => {
            let t = ssmplan_io::frameworks::read_frameworks(path, None)?;
            (
                CoordinatorBands::from_frameworks(&t.etp.values().copied().collect::<Vec<_>>()),
                format!("frameworks {}", path.display()),
            )
        }
        (None, None) => {
            return Err(EngineError::parameter(
                "budget_eur",
                "give a budget (budget_eur or budget_etp)",
            ));
        }
    };
    let b = coordinator_budget(bands, args.cost_per_etp);
    let labels = ["<= 3 ETP", "> 3 and <= 9 ETP", "> 9 ETP"];
    let counts = [bands.up_to_3, bands.over_3_to_9, bands.over_9];
    let per = [0.5, 0.75, 1.0];
    let mut rows: Vec<Vec<Cell>> = (0..3)
        .map(|i| {
            vec![
                labels[i].into(),
                counts[i].into(),
                Cell::Num(per[i], 2),
                Cell::Num(b.etp[i], 2),
                b.cost_eur[i].into(),
            ]
        })
        .collect();
    rows.push(vec![
        "total".into(),
        counts.iter().sum::<usize>().into(),
        Cell::Empty,
        Cell::Num(b.total_etp, 2),
        b.total_eur.into(),
    ]);
    let report = Report {
        command: "budget coordinators",
        parameters: vec![
            ("source", json!(source)),
            ("cost_per_etp_eur", json!(args.cost_per_etp)),
            (
                "rule",
                json!(
                    "coordinator ETP per SSM: 0.5 (<= 3 ETP), 0.75 (> 3 and <= 9), 1 (> 9); band costs rounded to the euro"
                ),
            ),
        ],
        inputs: Vec::new(),
        caveats: Vec::new(),
        summary: vec![(
            "total".into(),
            format!("{:.2} ETP, {} EUR a year", b.total_etp, b.total_eur),
        )],
        tables: vec![Table {
            name: "bands".into(),
            title: "Coordinator budget by framework band".into(),
            columns: vec![
                "band",
                "ssm",
                "coordinator_etp_per_ssm",
                "coordinator_etp",
                "cost_eur",
            ],
            rows,
        }],
        features: Vec::new(),
    };
    Ok(CoordinatorResult {
        bands,
        budget: b,
        report,
    })
}
