//! `solve`: the location models on an abstract instance (demand points, candidates and
//! existing sites from CSV files, in any planar unit), for researchers comparing solvers. No
//! dataset, no commune, no CRS.
//!
//! Semantics (the same as spopt's `MCLP` / `PMedian` / `LSCP` with a Euclidean cost matrix):
//! - distances are straight lines in the files' unit; the radius is in that unit and
//!   **inclusive** (a point at exactly the radius is covered);
//! - existing sites are always open and count in every objective;
//! - weights multiply demand (zero allowed); MCLP maximises the weight within the radius of an
//!   open site, p-median minimises the total weighted distance to the nearest open site, LSCP
//!   finds the fewest new sites covering `target_share` of the weight;
//! - ties go to the candidate that comes first in the candidates file;
//! - with a cost table (`costs`: `origin,dest,cost`, the long form of `PySAL` `access` and
//!   spopt's `from_cost_matrix`), the table's costs replace the straight lines: the files need
//!   only ids (and demand weights), a pair absent from the table is unreachable (it never
//!   covers and never serves), the radius is in the table's unit and inclusive
//!   (`cost <= radius`); p-median refuses a demand point of positive weight that no site
//!   reaches at all, and charges one that the chosen sites do not reach the unreached cost
//!   (see [`LocationInstance::from_costs`]), which makes the optimum the strict p-median of
//!   the table's pairs whenever some choice reaches everyone; the output counts the demand
//!   left unreached;
//! - the same files and parameters give the same output, byte for byte (the stage times, shown
//!   only with `timings`, are the one exception).

use std::path::PathBuf;
use std::time::Instant;

use serde::{Deserialize, Serialize};
use serde_json::json;
use ssmplan_io::CsvError;
use ssmplan_io::dataset::InputFile;
use ssmplan_io::instance::{
    CostDest, InstancePoints, parse_cost_table, parse_instance_ids, parse_instance_points,
};
use ssmplan_io::manifest::{Verified, sha256_bytes};
use ssmplan_planner::location::{
    BoundKind, CostTable, LocationInstance, Objective, Site, Solution, SolveParams,
};

use crate::report::{Cell, Report, Table};
use crate::request::{Model, Validate};
use crate::{EngineError, Progress};

/// The unit of the coordinates and of the radius.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// Metres (or any unit: the numbers are used as they are).
    #[default]
    M,
    /// Kilometres.
    Km,
}

impl Unit {
    fn key(self) -> &'static str {
        match self {
            Self::M => "m",
            Self::Km => "km",
        }
    }

    /// Metres per unit (the planner works in metres).
    fn metres(self) -> f64 {
        match self {
            Self::M => 1.0,
            Self::Km => 1000.0,
        }
    }
}

/// `solve`: a location model on instance files.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SolveRequest {
    /// The model.
    pub model: Model,
    /// New sites to open (MCLP, p-median; LSCP finds its own number).
    pub p: usize,
    /// Coverage radius in `unit` (MCLP, LSCP).
    pub radius: Option<f64>,
    /// Unit of the coordinates and the radius.
    pub unit: Unit,
    /// LSCP: share of the weight to cover, in (0, 1].
    pub target_share: f64,
    /// Demand points: `id,x,y,weight`.
    pub demand: PathBuf,
    /// Candidate sites: `id,x,y`.
    pub candidates: PathBuf,
    /// Existing sites, always open: `id,x,y`.
    pub existing: Option<PathBuf>,
    /// Sparse cost table `origin,dest,cost` (demand id, candidate or existing site id, cost in
    /// any unit) replacing straight lines; the point files then need only `id` (and `weight`).
    #[serde(default)]
    pub costs: Option<PathBuf>,
    /// Seed of the perturbation rounds.
    pub seed: u64,
    /// Perturbation rounds after the local search.
    pub perturbations: usize,
    /// Report the time of each stage (makes the output differ between runs).
    pub timings: bool,
    /// Certified mode (MCLP, p-median, LSCP): a proven optimum, or the best solution with a
    /// proven bound and its gap when `time_limit_s` stops it.
    pub exact: bool,
    /// Time limit of the certified mode.
    pub time_limit_s: Option<f64>,
}

impl Validate for SolveRequest {
    fn validate(&self) -> Result<(), EngineError> {
        if !(1..=1000).contains(&self.p) {
            return Err(EngineError::parameter(
                "p",
                format!("must be between 1 and 1000 (found {})", self.p),
            ));
        }
        match (self.model, self.radius) {
            (Model::Mclp | Model::Lscp, None) => {
                return Err(EngineError::parameter(
                    "radius",
                    "MCLP and LSCP need a coverage radius (in the unit of the files)",
                ));
            }
            (_, Some(r)) if !(r.is_finite() && r > 0.0) => {
                return Err(EngineError::parameter(
                    "radius",
                    format!("must be positive (found {r})"),
                ));
            }
            _ => {}
        }
        if !(self.target_share > 0.0 && self.target_share <= 1.0) {
            return Err(EngineError::parameter(
                "target_share",
                format!("must be in (0, 1] (found {})", self.target_share),
            ));
        }
        if let Some(s) = self.time_limit_s {
            if !self.exact {
                return Err(EngineError::parameter(
                    "time_limit_s",
                    "only applies to the certified mode: add exact",
                ));
            }
            if !(s.is_finite() && s > 0.0 && s <= crate::request::MAX_TIME_LIMIT_S) {
                return Err(EngineError::parameter(
                    "time_limit_s",
                    format!(
                        "{s}: the time limit must be between 0 and {} seconds",
                        crate::request::MAX_TIME_LIMIT_S
                    ),
                ));
            }
        }
        if self.perturbations > 10_000 {
            return Err(EngineError::parameter(
                "perturbations",
                format!("at most 10000 (found {})", self.perturbations),
            ));
        }
        Ok(())
    }
}

/// The result of `solve`.
#[derive(Clone, Debug)]
pub struct SolveResult {
    /// The planner's solution (objective and bound in metres for p-median).
    pub solution: Solution,
    /// Ids of the chosen candidates, in priority order.
    pub chosen: Vec<String>,
    /// Tables and provenance.
    pub report: Report,
}

/// Reads a file once: its bytes and its record (sha256) among the inputs.
fn read_bytes(
    role: &'static str,
    path: &std::path::Path,
) -> Result<(Vec<u8>, InputFile), EngineError> {
    let bytes = std::fs::read(path).map_err(|source| CsvError::Open {
        path: path.to_path_buf(),
        source,
    })?;
    let record = InputFile {
        role,
        path: path.to_path_buf(),
        sha256: sha256_bytes(&bytes),
        verified: Verified::NotListed,
    };
    Ok((bytes, record))
}

/// Reads an instance file once: its points (only the ids and weights with `coordinates` off)
/// and its record (sha256) among the inputs.
fn read(
    role: &'static str,
    path: &std::path::Path,
    weighted: bool,
    coordinates: bool,
) -> Result<(InstancePoints, InputFile), EngineError> {
    let (bytes, record) = read_bytes(role, path)?;
    let points = if coordinates {
        parse_instance_points(path, &bytes, weighted)?
    } else {
        parse_instance_ids(path, &bytes, weighted)?
    };
    Ok((points, record))
}

/// The planner's cost table from the pairs of a cost file; for p-median, refuses a demand point
/// of positive weight that no site reaches (naming it).
fn cost_table(
    model: Model,
    demand: &InstancePoints,
    candidates: &InstancePoints,
    existing: Option<&InstancePoints>,
    path: &std::path::Path,
    bytes: &[u8],
) -> Result<CostTable, EngineError> {
    let parsed = parse_cost_table(path, bytes, demand, candidates, existing)?;
    if model == Model::Pmedian {
        let mut reached = vec![false; demand.ids.len()];
        for &(d, _, _) in &parsed.pairs {
            reached[d] = true;
        }
        if let Some(d) = (0..reached.len()).find(|&d| !reached[d] && demand.weights[d] > 0.0) {
            return Err(CsvError::BadValue {
                path: demand.path.clone(),
                line: demand.lines[d],
                field: "id".into(),
                found: demand.ids[d].clone(),
                problem: format!(
                    "p-median: no candidate or existing site reaches this demand point (no pair \
                     with it as origin in {}); add its pairs, or give it weight 0",
                    path.display()
                ),
            }
            .into());
        }
    }
    Ok(CostTable::new(
        demand.ids.len(),
        candidates.ids.len(),
        existing.map_or(0, |e| e.ids.len()),
        parsed.pairs.into_iter().map(|(d, dest, c)| {
            (
                d,
                match dest {
                    CostDest::Candidate(j) => Site::Candidate(j),
                    CostDest::Existing(k) => Site::Existing(k),
                },
                c,
            )
        }),
    )?)
}

/// With a cost table: the demand points of positive weight that neither the existing sites nor
/// the chosen candidates reach, and their weight.
fn unreached(instance: &LocationInstance, chosen: &[usize]) -> Option<(usize, f64)> {
    let costs = instance.costs()?;
    let mut open = vec![false; costs.candidate_count()];
    for &j in chosen {
        open[j] = true;
    }
    let (mut count, mut weight) = (0, 0.0);
    for (d, &w) in instance.weight().iter().enumerate() {
        if w > 0.0
            && costs.existing_costs(d).0.is_empty()
            && !costs.candidate_costs(d).0.iter().any(|&j| open[j as usize])
        {
            count += 1;
            weight += w;
        }
    }
    Some((count, weight))
}

/// Solves a location model on instance files.
///
/// # Errors
/// [`EngineError`] for a bad request, a malformed file (file, line and field), or a model that
/// cannot be solved as asked (more sites than candidates).
#[expect(
    clippy::too_many_lines,
    reason = "one report: reading, solving, two tables and the provenance"
)]
pub fn solve(request: &SolveRequest, progress: &dyn Progress) -> Result<SolveResult, EngineError> {
    request.validate()?;
    let mut times: Vec<(&'static str, f64)> = Vec::new();
    let clock = Instant::now();
    progress.stage("reading the instance");
    let planar = request.costs.is_none();
    let (demand, demand_input) = read("demand points", &request.demand, true, planar)?;
    let (candidates, candidates_input) =
        read("candidate sites", &request.candidates, false, planar)?;
    let mut inputs = vec![demand_input, candidates_input];
    let existing = match &request.existing {
        Some(path) => {
            let (e, i) = read("existing sites", path, false, planar)?;
            inputs.push(i);
            Some(e)
        }
        None => None,
    };
    let table = match &request.costs {
        Some(path) => {
            let (bytes, record) = read_bytes("cost table", path)?;
            inputs.push(record);
            Some(cost_table(
                request.model,
                &demand,
                &candidates,
                existing.as_ref(),
                path,
                &bytes,
            )?)
        }
        None => None,
    };
    times.push(("read", clock.elapsed().as_secs_f64()));
    // A cost table is used in its own unit.
    let scale = if planar { request.unit.metres() } else { 1.0 };
    let metres = |p: &InstancePoints| -> Vec<geo::Coord<f64>> {
        p.coords
            .iter()
            .map(|c| geo::Coord {
                x: c.x * scale,
                y: c.y * scale,
            })
            .collect()
    };
    let clock = Instant::now();
    let instance = match table {
        Some(table) => LocationInstance::from_costs(demand.weights.clone(), table)?,
        None => LocationInstance::new(
            metres(&demand),
            demand.weights.clone(),
            metres(&candidates),
            existing.as_ref().map(&metres).unwrap_or_default(),
        )?,
    };
    times.push(("instance", clock.elapsed().as_secs_f64()));
    let radius_m = request.radius.unwrap_or(0.0) * scale;
    let objective = match request.model {
        Model::Mclp => Objective::Mclp { radius_m },
        Model::Pmedian => Objective::PMedian,
        Model::Lscp => Objective::Lscp {
            radius_m,
            target_share: request.target_share,
        },
    };
    let params = SolveParams::new(request.p)
        .seed(request.seed)
        .perturbations(request.perturbations)
        .exact(request.exact)
        .time_limit_s(request.time_limit_s);
    progress.stage(&format!(
        "solving {} ({} demand points, {} candidates, {} existing)",
        model_name(request.model),
        demand.ids.len(),
        candidates.ids.len(),
        existing.as_ref().map_or(0, |e| e.ids.len())
    ));
    let clock = Instant::now();
    let solution = ssmplan_planner::location::solve_observed(
        &instance,
        &objective,
        &params,
        &crate::engine::SolverProgress(progress),
    )?;
    times.push(("solve", clock.elapsed().as_secs_f64()));
    // p-median values are weight x metres: back to the files' unit.
    let value = |v: f64| {
        if request.model == Model::Pmedian {
            v / scale
        } else {
            v
        }
    };
    let status = if solution.bound_kind == Some(BoundKind::Exact)
        || solution.gap.is_some_and(|g| g <= 1e-12)
    {
        "optimal"
    } else {
        "feasible"
    };
    let chosen: Vec<String> = solution
        .chosen
        .iter()
        .map(|&i| candidates.ids[i].clone())
        .collect();
    let unreached_demand = unreached(&instance, &solution.chosen);
    let result_row = vec![
        model_name(request.model).into(),
        chosen.len().into(),
        Cell::Num(value(solution.objective), 6),
        Cell::opt(solution.bound.map(value), 6),
        Cell::opt(solution.gap, 9),
        status.into(),
        crate::describe::bound(solution.bound_kind).into(),
        Cell::opt(solution.covered_share, 9),
        Cell::Num(value(solution.baseline_objective), 6),
        unreached_demand.map_or(Cell::Empty, |(n, _)| n.into()),
        Cell::opt(unreached_demand.map(|(_, w)| w), 6),
    ];
    let chosen_rows = solution
        .chosen
        .iter()
        .zip(&solution.marginal)
        .enumerate()
        .map(|(rank, (&i, &gain))| {
            vec![
                (rank + 1).into(),
                candidates.ids[i].clone().into(),
                Cell::opt(candidates.coords.get(i).map(|c| c.x), 6),
                Cell::opt(candidates.coords.get(i).map(|c| c.y), 6),
                Cell::Num(value(gain), 6),
            ]
        })
        .collect();
    let mut tables = vec![
        Table {
            name: "result".into(),
            title: "Solution".into(),
            columns: vec![
                "model",
                "sites_opened",
                "objective",
                "bound",
                "gap",
                "status",
                "bound_source",
                "covered_share",
                "baseline_objective",
                "unreached_points",
                "unreached_weight",
            ],
            rows: vec![result_row],
        },
        Table {
            name: "chosen".into(),
            title: "Chosen candidates, in priority order".into(),
            columns: vec!["rank", "id", "x", "y", "marginal_gain"],
            rows: chosen_rows,
        },
    ];
    if request.timings {
        tables.push(Table {
            name: "timings".into(),
            title: "Time per stage (differs between runs)".into(),
            columns: vec!["stage", "ms"],
            rows: times
                .iter()
                .map(|(s, t)| vec![(*s).into(), Cell::Num(t * 1000.0, 3)])
                .collect(),
        });
    }
    let unit = if planar {
        request.unit.key()
    } else {
        "the cost table's unit"
    };
    let mut parameters = vec![
        ("model", json!(model_name(request.model))),
        ("unit", json!(unit)),
        ("demand_points", json!(demand.ids.len())),
        ("candidates", json!(candidates.ids.len())),
        (
            "existing_sites",
            json!(existing.as_ref().map_or(0, |e| e.ids.len())),
        ),
    ];
    match request.model {
        Model::Mclp => {
            parameters.push(("p", json!(request.p)));
            parameters.push(("radius", json!(request.radius)));
        }
        Model::Pmedian => parameters.push(("p", json!(request.p))),
        Model::Lscp => {
            parameters.push(("radius", json!(request.radius)));
            parameters.push(("target_share", json!(request.target_share)));
        }
    }
    if !planar {
        parameters.push((
            "cost_pairs",
            json!(instance.costs().map_or(0, CostTable::pairs)),
        ));
        if request.model == Model::Pmedian {
            parameters.push(("unreached_cost", json!(instance.unreached_cost())));
        }
    }
    if request.exact {
        parameters.push(("exact", json!(true)));
        parameters.push(("time_limit_s", json!(request.time_limit_s)));
    }
    parameters.extend([
        ("seed", json!(request.seed)),
        ("perturbations", json!(request.perturbations)),
        (
            "semantics",
            json!(format!(
                "{}; radius inclusive; existing sites always open; ties to the candidate first in the file; objective and bound: {}",
                if planar {
                    format!("straight-line distances in {unit}")
                } else {
                    "costs from the cost table, a pair absent from it unreachable (p-median: demand no open site reaches costs unreached_cost per unit of weight)".to_owned()
                },
                match request.model {
                    Model::Mclp => "weight within the radius of an open site",
                    Model::Pmedian => "total weight x distance to the nearest open site",
                    Model::Lscp => "number of new sites",
                }
            )),
        ),
    ]);
    let summary = vec![
        ("status".to_owned(), status.to_owned()),
        (
            "objective / bound".to_owned(),
            format!(
                "{} / {}",
                value(solution.objective),
                solution
                    .bound
                    .map_or_else(|| "none".to_owned(), |b| value(b).to_string())
            ),
        ),
        ("chosen".to_owned(), chosen.join(", ")),
    ];
    Ok(SolveResult {
        report: Report {
            command: "solve",
            parameters,
            inputs,
            caveats: Vec::new(),
            summary,
            tables,
            features: Vec::new(),
        },
        chosen,
        solution,
    })
}

fn model_name(model: Model) -> &'static str {
    match model {
        Model::Mclp => "MCLP",
        Model::Pmedian => "p-median",
        Model::Lscp => "LSCP",
    }
}
