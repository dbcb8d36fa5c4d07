//! `recommend`: where to open new SSM or antennes.

use serde_json::json;
use ssmplan_core::{PointIndex, regular_grid};
use ssmplan_io::crs::lambert2008_to_wgs84;
use ssmplan_planner::location::{Objective, SolveParams};
use ssmplan_planner::recommend::{
    Candidate, Decision, RecommendInput, Recommendation, commune_candidates,
};

use crate::common::{base_parameters, km};
use crate::distance::DistanceSpec;
use crate::report::{Cell, Feature, MapLayer, Report, Table};
use crate::request::{DemandSpec, Model as ModelArg, RecommendRequest, Validate};
use crate::{Engine, EngineError, Progress};

/// Columns of the recommendations table.
pub const RECOMMEND_COLUMNS: [&str; 22] = [
    "rank",
    "candidate",
    "commune_nis",
    "commune",
    "province",
    "typology",
    "x_3812_m",
    "y_3812_m",
    "lon",
    "lat",
    "decision",
    "parent_ssm",
    "catchment_population",
    "catchment_need_weighted",
    "newly_covered_population",
    "newly_covered_need_weighted",
    "mean_distance_km_before",
    "mean_distance_km_after",
    "p90_distance_km_before",
    "p90_distance_km_after",
    "norm_share_ssm",
    "reason",
];

fn candidates(
    dataset: &ssmplan_io::Dataset,
    args: &RecommendRequest,
) -> Result<(Vec<Candidate>, String), EngineError> {
    let spec = args.candidates.as_str();
    let mut list = if spec == "communes" {
        commune_candidates(&dataset.communes)
    } else if let Some(m) = spec.strip_prefix("grid:") {
        // Checked by `validate`.
        let cell: f64 = m.parse().unwrap_or(f64::NAN);
        regular_grid(&dataset.communes, cell)?
            .points
            .iter()
            .map(|p| Candidate {
                id: format!("g{:.0}_{:.0}", p.location.x, p.location.y),
                location: p.location,
                commune: p.commune,
            })
            .collect()
    } else {
        let locator = ssmplan_core::CommuneLocator::new(&dataset.communes);
        ssmplan_io::points::read_candidates(std::path::Path::new(spec), &locator)?
            .into_iter()
            .map(|c| Candidate {
                id: c.id,
                location: c.location,
                commune: c.commune,
            })
            .collect()
    };
    for nis in &args.exclude {
        if !dataset.communes.iter().any(|c| c.nis.as_str() == nis) {
            return Err(EngineError::parameter(
                "exclude",
                format!("{nis}: not a commune in scope"),
            ));
        }
    }
    let before = list.len();
    let existing = PointIndex::new(&dataset.site_locations());
    let min_m = args.min_distance_km * 1000.0;
    list.retain(|c| {
        !args
            .exclude
            .iter()
            .any(|n| dataset.communes[c.commune].nis.as_str() == n)
            && (min_m <= 0.0
                || existing
                    .nearest(c.location)
                    .is_none_or(|n| n.distance_m >= min_m))
    });
    let described = format!(
        "{spec}: {} candidates ({} excluded)",
        list.len(),
        before - list.len()
    );
    Ok((list, described))
}

/// The result of `recommend`.
#[derive(Clone, Debug)]
pub struct RecommendResult {
    /// The chosen sites, their annotations and the solver's figures.
    pub recommendation: Recommendation,
    /// Tables, provenance and map layer.
    pub report: Report,
}

/// Recommends where to open new SSM or antennes, existing sites fixed.
///
/// # Errors
/// [`EngineError`] for a bad request, an unknown excluded commune, an unreadable candidates or
/// demand file, or a model that cannot be solved as asked (e.g. more sites than candidates).
#[expect(
    clippy::too_many_lines,
    reason = "builds one report: solve, table, map layer, provenance"
)]
pub fn recommend(
    engine: &Engine,
    request: &RecommendRequest,
    layer: MapLayer,
    progress: &dyn Progress,
) -> Result<RecommendResult, EngineError> {
    request.validate()?;
    engine.require_ssm_sites("recommend")?;
    let args = request;
    let mut dataset = engine.working_copy();
    let typology_note = engine.ensure_typology(&mut dataset, &args.need(), progress)?;
    let weights = crate::request::need_weights(&args.weights)?;
    let spec = DemandSpec::parse(&args.demand)?;
    progress.stage(&format!("building demand ({})", spec.describe()));
    let demand = engine.demand(&mut dataset, &spec, progress)?;
    let (cands, cand_desc) = candidates(&dataset, args)?;
    // The deprecated detour is only recorded, as before; `drive` converts the radius in
    // minutes to the straight-line radius the model reaches in that time (exact inverse).
    let distance = engine.distance(
        &mut dataset,
        match DistanceSpec::of_request(&args.distance, 1.0)? {
            DistanceSpec::Drive => DistanceSpec::Drive,
            _ => DistanceSpec::Euclidean,
        },
    )?;
    let drive = distance.drive_time();
    let radius_m = match (drive, args.radius_min) {
        (Some(d), Some(m)) => d.straight_m_within(m),
        _ => args.radius_km * 1000.0,
    };
    let radius_text = match (drive, args.radius_min) {
        (Some(_), Some(m)) => format!(
            "{m} min of modelled drive time ({} km straight line)",
            crate::describe::km_text(radius_m)
        ),
        _ => format!("{} km", args.radius_km),
    };
    let objective = match args.model {
        ModelArg::Mclp => Objective::Mclp { radius_m },
        ModelArg::Pmedian => Objective::PMedian,
        ModelArg::Lscp => Objective::Lscp {
            radius_m,
            target_share: args.target_share,
        },
    };
    progress.stage(&format!(
        "solving {} over {} candidates",
        match args.model {
            ModelArg::Mclp => "MCLP",
            ModelArg::Pmedian => "p-median",
            ModelArg::Lscp => "LSCP",
        },
        cands.len()
    ));
    let input = RecommendInput {
        communes: &dataset.communes,
        sites: &dataset.sites,
        demand: &demand.points,
        candidates: &cands,
        weights,
        norm: args.norm,
    };
    let params = SolveParams::new(args.p)
        .seed(args.seed)
        .perturbations(args.perturbations)
        .exact(args.exact)
        .time_limit_s(args.time_limit_s);
    let r = ssmplan_planner::recommend::recommend(
        &input,
        &objective,
        &params,
        &crate::engine::SolverProgress(progress),
    )?;
    let mut rows = Vec::new();
    let mut features = Vec::new();
    for s in &r.sites {
        let c = &dataset.communes[s.commune];
        let (lon, lat) = lambert2008_to_wgs84(s.location.x, s.location.y);
        let (decision, parent) = match &s.decision {
            Decision::NewSsm => ("new SSM", Cell::Empty),
            Decision::Antenne { parent_ssm, .. } => ("antenne", parent_ssm.clone().into()),
        };
        let row: Vec<Cell> = vec![
            s.rank.into(),
            s.id.clone().into(),
            c.nis.to_string().into(),
            c.name.clone().into(),
            c.province.clone().into(),
            s.group.map_or(Cell::Empty, |g| g.key().into()),
            Cell::Num(s.location.x, 1),
            Cell::Num(s.location.y, 1),
            Cell::Num(lon, 6),
            Cell::Num(lat, 6),
            decision.into(),
            parent,
            s.catchment_population.into(),
            Cell::Num(s.catchment_need, 1),
            s.newly_covered_population.map_or(Cell::Empty, Cell::from),
            Cell::opt(s.newly_covered_need, 1),
            Cell::Num(s.mean_distance_m.0 / 1000.0, 3),
            Cell::Num(s.mean_distance_m.1 / 1000.0, 3),
            Cell::Num(s.p90_distance_m.0 / 1000.0, 3),
            Cell::Num(s.p90_distance_m.1 / 1000.0, 3),
            Cell::Num(s.catchment_population as f64 / args.norm, 2),
            s.reason.clone().into(),
        ];
        if layer == MapLayer::Build {
            features.push(Feature {
                geometry: json!({"type": "Point", "coordinates": [(lon * 1e6).round() / 1e6, (lat * 1e6).round() / 1e6]}),
                properties: RECOMMEND_COLUMNS.iter().copied().zip(row.iter().cloned()).collect(),
            });
        }
        rows.push(row);
    }
    let sol = &r.solution;
    let f =
        |v: Option<f64>| v.map_or_else(|| "n/a".to_owned(), |m| format!("{:.2} km", m / 1000.0));
    let unit = match args.model {
        ModelArg::Pmedian => "need-weighted inhabitant-metres (lower is better)".to_owned(),
        ModelArg::Mclp => "need-weighted inhabitants within the radius".to_owned(),
        ModelArg::Lscp => format!(
            "new sites (fewest bringing {:.1} % of need-weighted demand within {}; reached {:.2} %, existing sites alone {:.2} %)",
            args.target_share * 100.0,
            radius_text,
            sol.covered_share.unwrap_or(0.0) * 100.0,
            sol.baseline_share.unwrap_or(0.0) * 100.0
        ),
    };
    let summary = vec![
        (
            "new sites".to_owned(),
            format!(
                "{} ({} new SSM, {} antennes)",
                r.sites.len(),
                r.ssm_after - r.ssm_before,
                r.sites.len() - (r.ssm_after - r.ssm_before)
            ),
        ),
        (
            "objective".to_owned(),
            format!(
                "{:.1} {unit} (existing sites alone: {:.1})",
                sol.objective, sol.baseline_objective
            ),
        ),
        (
            "bound / gap".to_owned(),
            match (sol.bound, sol.gap) {
                (Some(b), Some(g)) => format!("{b:.1} / {:.3} %", g * 100.0),
                _ => "no bound computed for this size".to_owned(),
            },
        ),
        (
            "mean distance before -> after".to_owned(),
            format!("{} -> {}", f(r.before.mean_m), f(r.after.mean_m)),
        ),
        (
            "P90 distance before -> after".to_owned(),
            format!("{} -> {}", f(r.before.p90_m), f(r.after.p90_m)),
        ),
        (
            "inhabitants beyond 20 km before -> after".to_owned(),
            format!("{} -> {}", r.before.beyond[3], r.after.beyond[3]),
        ),
        (
            "SSM before -> after, norm deficit".to_owned(),
            format!(
                "{} -> {}, {:.1} -> {:.1}",
                r.ssm_before, r.ssm_after, r.deficit_before, r.deficit_after
            ),
        ),
    ];
    let mut parameters = base_parameters(&dataset);
    parameters.push((
        "model",
        json!(match args.model {
            ModelArg::Mclp => "mclp",
            ModelArg::Pmedian => "pmedian",
            ModelArg::Lscp => "lscp",
        }),
    ));
    parameters.push(("p", json!(args.p)));
    if drive.is_some() {
        parameters.extend(distance.parameters());
        parameters.push(("radius_min", json!(args.radius_min)));
        parameters.push((
            "radius_straight_line_km",
            json!(crate::describe::km_text(radius_m)),
        ));
    } else if args.model != ModelArg::Pmedian {
        parameters.push(("radius_km", json!(args.radius_km)));
    }
    if args.model == ModelArg::Lscp {
        parameters.push(("target_share", json!(args.target_share)));
    }
    parameters.push(("candidates", json!(cand_desc)));
    parameters.push(("demand", json!(spec.describe())));
    parameters.push(("need_weights", json!(weights)));
    parameters.push(("typology", json!(typology_note)));
    parameters.push(("norm_inhabitants_per_ssm", json!(args.norm)));
    parameters.push(("seed", json!(args.seed)));
    parameters.push(("perturbations", json!(args.perturbations)));
    if args.exact {
        parameters.push(("exact", json!(true)));
        parameters.push(("time_limit_s", json!(args.time_limit_s)));
    }
    parameters.push((
        "solver",
        json!(format!(
            "lazy greedy + swap local search{}{}; bound: {}",
            if args.model == ModelArg::Mclp {
                " + Lagrangian restarts + path relinking + tabu search"
            } else {
                ""
            },
            if args.exact {
                " + branch-and-bound (certified mode)"
            } else {
                ""
            },
            crate::describe::bound(sol.bound_kind)
        )),
    ));
    parameters.push((
        "mean_distance_km_before",
        json!(km(r.before.mean_m).map(|v| (v * 1000.0).round() / 1000.0)),
    ));
    let report = Report {
        command: "recommend",
        parameters,
        inputs: dataset.inputs.clone(),
        caveats: {
            let mut c = dataset.caveats();
            c.extend(distance.caveats());
            if drive.is_some() {
                c.push(format!(
                    "the coverage radius is {radius_text}; the distance columns stay straight-line kilometres"
                ));
            }
            c
        },
        summary,
        tables: vec![Table {
            name: "recommendations".into(),
            title: "Recommended openings, in rank order".into(),
            columns: RECOMMEND_COLUMNS.to_vec(),
            rows,
        }],
        features,
    };
    Ok(RecommendResult {
        recommendation: r,
        report,
    })
}
