//! The loaded, indexed dataset shared by every request ([`Engine`]), with the pieces that are
//! costly to rebuild (the population-grid demand, the reconstructed typology) computed once on
//! first use.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use ssmplan_core::Demand;
use ssmplan_io::crs::Crs;
use ssmplan_io::dataset::InputFile;
use ssmplan_io::{BoundaryFormat, Dataset, LoadParams, Scope, TypologySource};
use ssmplan_planner::location::{SearchState, SolveObserver};

use crate::EngineError;
use crate::request::{BoundaryLayerName, DataRequest, DemandSpec, NeedRequest, ScopeName};
use crate::typology::{Reconstruction, reconstruct};

/// Receives stage messages of long operations (the CLI prints them on a terminal; the map
/// service logs them).
pub trait Progress: Sync {
    /// A stage starts.
    fn stage(&self, what: &str);

    /// A stage of `total` known steps starts (a bar on a terminal); [`Progress::advance`]
    /// reports the steps done. By default, just a stage.
    fn steps(&self, what: &str, total: u64) {
        let _ = total;
        self.stage(what);
    }

    /// `n` more steps of the current stage are done (called from any thread).
    fn advance(&self, n: u64) {
        let _ = n;
    }

    /// The current stage's state, replacing the previous one (a long search's nodes and gap).
    /// By default, dropped.
    fn status(&self, what: &str) {
        let _ = what;
    }
}

/// The location solver's reports as [`Progress`]: its stages as stages, the certified search's
/// state as the status line ("certified search: 1204 nodes, gap 0.420 %, 12 s of 60 s").
pub(crate) struct SolverProgress<'a>(pub &'a dyn Progress);

impl SolveObserver for SolverProgress<'_> {
    fn stage(&self, what: &str) {
        self.0.stage(&format!("solver: {what}"));
    }

    fn search(&self, state: &SearchState) {
        self.0.status(&describe_search(state));
    }
}

/// One line on the certified search's state.
pub(crate) fn describe_search(state: &SearchState) -> String {
    let time = match state.time_limit_s {
        Some(limit) => format!("{:.0} s of {limit:.0} s", state.elapsed_s),
        None => format!("{:.0} s", state.elapsed_s),
    };
    format!(
        "certified search: {} nodes, gap {:.3} %, {time}",
        state.nodes,
        100.0 * state.gap
    )
}

/// Drops every message.
#[derive(Clone, Copy, Debug, Default)]
pub struct Silent;

impl Progress for Silent {
    fn stage(&self, _what: &str) {}
}

/// A reconstruction with the inputs it read, computed once per engine.
#[derive(Debug)]
struct CachedReconstruction {
    reconstruction: Arc<Reconstruction>,
    inputs: Vec<InputFile>,
}

/// A loaded dataset and its caches. Immutable once built: share it with `Arc<Engine>` across
/// threads and requests. Each operation works on its own copy of the dataset, so a request
/// never sees another's inputs or typology.
#[derive(Debug)]
pub struct Engine {
    /// How the dataset was loaded (`None` for a dataset given directly or changed by an
    /// upload).
    request: Option<DataRequest>,
    /// Another drive-time parameters file (kept by uploads).
    drive_params: Option<PathBuf>,
    dataset: Dataset,
    popgrid: OnceLock<Result<(Demand, InputFile), String>>,
    reconstruction: OnceLock<Result<CachedReconstruction, String>>,
}

impl Engine {
    /// Loads and checks the dataset described by `request`.
    ///
    /// # Errors
    /// [`EngineError::Dataset`] naming the file, row and field of the first problem, or
    /// [`EngineError::Parameter`] for a bad CRS name.
    pub fn load(request: &DataRequest) -> Result<Self, EngineError> {
        let crs = request
            .crs
            .as_deref()
            .map(|c| {
                c.parse::<Crs>()
                    .map_err(|e| EngineError::parameter("crs", e.to_string()))
            })
            .transpose()?;
        let mut params = LoadParams::new(&request.data)
            .scope(match request.scope {
                ScopeName::Aviq => Scope::Aviq,
                ScopeName::Wallonia => Scope::Wallonia,
            })
            .year(request.year)
            .boundaries(match request.boundaries {
                BoundaryLayerName::Geojson => BoundaryFormat::GeoJson,
                BoundaryLayerName::Shapefile => BoundaryFormat::Shapefile,
            });
        params.provinces.clone_from(&request.provinces);
        params.boundary_file.clone_from(&request.boundary_file);
        params.boundary_layer.clone_from(&request.boundary_layer);
        params.sites_layer.clone_from(&request.sites_layer);
        params.crs = crs;
        params.sites.clone_from(&request.sites);
        params.typology.clone_from(&request.typology);
        params.facilities.clone_from(&request.facilities);
        let mut engine = Self::from_dataset(Dataset::load(&params)?);
        engine.request = Some(request.clone());
        engine.drive_params.clone_from(&request.drive_params);
        Ok(engine)
    }

    /// The scope of the dataset.
    #[must_use]
    pub fn scope(&self) -> ScopeName {
        match self.dataset.scope {
            Scope::Aviq => ScopeName::Aviq,
            Scope::Wallonia => ScopeName::Wallonia,
        }
    }

    /// The same dataset loaded again with another scope.
    ///
    /// # Errors
    /// [`EngineError::Parameter`] for a dataset changed by an upload (its files are not on
    /// disk to load again), else as [`Engine::load`].
    pub fn rescoped(&self, scope: ScopeName) -> Result<Self, EngineError> {
        let Some(request) = &self.request else {
            return Err(EngineError::parameter(
                "scope",
                "the scope of an uploaded dataset cannot be changed",
            ));
        };
        Self::load(&DataRequest {
            scope,
            ..request.clone()
        })
    }

    /// An engine over an already loaded dataset.
    #[must_use]
    pub fn from_dataset(dataset: Dataset) -> Self {
        Self {
            request: None,
            drive_params: None,
            dataset,
            popgrid: OnceLock::new(),
            reconstruction: OnceLock::new(),
        }
    }

    /// The dataset as loaded.
    #[must_use]
    pub fn dataset(&self) -> &Dataset {
        &self.dataset
    }

    /// A new engine with this dataset's sites replaced by an uploaded table (checked as
    /// `--sites` would be; `label` names it in errors and provenance).
    ///
    /// # Errors
    /// [`EngineError::Dataset`] with the line and field of the first bad row.
    pub fn with_sites(&self, label: &Path, bytes: &[u8]) -> Result<Self, EngineError> {
        let mut dataset = self.dataset.clone();
        dataset.replace_sites(label, bytes)?;
        Ok(Self {
            drive_params: self.drive_params.clone(),
            ..Self::from_dataset(dataset)
        })
    }

    /// A new engine with an official typology table given as bytes.
    ///
    /// # Errors
    /// [`EngineError::Dataset`] with the line and field of the first bad row.
    pub fn with_typology(&self, label: &Path, bytes: &[u8]) -> Result<Self, EngineError> {
        let mut dataset = self.dataset.clone();
        dataset.replace_typology(label, bytes)?;
        Ok(Self {
            drive_params: self.drive_params.clone(),
            ..Self::from_dataset(dataset)
        })
    }

    /// Refuses an operation that plans SSM (norm, frameworks, new sites) on a facility layer.
    pub(crate) fn require_ssm_sites(&self, operation: &str) -> Result<(), EngineError> {
        if self.dataset.facilities.is_some() {
            return Err(EngineError::parameter(
                "facilities",
                format!(
                    "`{operation}` plans SSM sites; a facility layer applies to coverage, catchments and accessibility only"
                ),
            ));
        }
        Ok(())
    }

    /// The drive-time parameters file given in place of the dataset's, if any.
    pub(crate) fn drive_params(&self) -> Option<&PathBuf> {
        self.drive_params.as_ref()
    }

    /// The distance model of a request (the drive-time file recorded in `dataset`'s inputs).
    pub(crate) fn distance(
        &self,
        dataset: &mut Dataset,
        spec: crate::distance::DistanceSpec,
    ) -> Result<crate::distance::Distance, EngineError> {
        crate::distance::distance(spec, self.drive_params.as_ref(), dataset)
    }

    /// A copy of the dataset for one operation.
    pub(crate) fn working_copy(&self) -> Dataset {
        self.dataset.clone()
    }

    /// The demand of `spec` on `dataset` (a working copy: the file read is recorded in its
    /// inputs). The population grid is read once per engine.
    pub(crate) fn demand(
        &self,
        dataset: &mut Dataset,
        spec: &DemandSpec,
        progress: &dyn Progress,
    ) -> Result<Demand, EngineError> {
        Ok(match spec {
            DemandSpec::Communes => ssmplan_core::commune_points(&dataset.communes)?,
            DemandSpec::PopGrid => self.popgrid_demand(dataset)?,
            DemandSpec::Grid(cell) => {
                progress.steps(
                    &format!("gridding {} communes", dataset.communes.len()),
                    dataset.communes.len() as u64,
                );
                ssmplan_core::regular_grid_with_progress(&dataset.communes, *cell, &|n| {
                    progress.advance(n);
                })?
            }
            DemandSpec::Points(p) => dataset.weighted_demand(Some(p))?,
        })
    }

    /// The population-grid demand, recorded as an input of `dataset`.
    pub(crate) fn popgrid_demand(&self, dataset: &mut Dataset) -> Result<Demand, EngineError> {
        // A dataset whose communes differ from the engine's (not the case today) reads afresh.
        if dataset.communes.len() != self.dataset.communes.len() {
            return Ok(dataset.weighted_demand(None)?);
        }
        let cached = self.popgrid.get_or_init(|| {
            let mut copy = self.dataset.clone();
            let before = copy.inputs.len();
            match copy.weighted_demand(None) {
                Ok(d) => copy
                    .inputs
                    .get(before)
                    .cloned()
                    .map(|i| (d, i))
                    .ok_or_else(|| "population grid not recorded".to_owned()),
                Err(e) => Err(e.to_string()),
            }
        });
        match cached {
            Ok((demand, input)) => {
                record_once(dataset, input);
                Ok(demand.clone())
            }
            // Read again to return the structured error.
            Err(_) => Ok(dataset.weighted_demand(None)?),
        }
    }

    /// The reconstructed typology of this engine's dataset (computed once), with the inputs it
    /// read recorded on `dataset`.
    pub(crate) fn reconstruction(
        &self,
        dataset: &mut Dataset,
    ) -> Result<Arc<Reconstruction>, EngineError> {
        let cached = self.reconstruction.get_or_init(|| {
            let mut copy = self.dataset.clone();
            let before = copy.inputs.len();
            reconstruct(self, &mut copy)
                .map(|r| CachedReconstruction {
                    reconstruction: Arc::new(r),
                    inputs: copy.inputs[before..].to_vec(),
                })
                .map_err(|e| e.to_string())
        });
        if let Ok(c) = cached {
            for input in &c.inputs {
                record_once(dataset, input);
            }
            return Ok(Arc::clone(&c.reconstruction));
        }
        // It failed once: run it again on the caller's copy to return the structured error.
        Ok(Arc::new(reconstruct(self, dataset)?))
    }

    /// Makes sure `dataset` has a typology: the official table when loaded, else the
    /// reconstructed one (unless `no_typology`). Returns a sentence describing it.
    pub(crate) fn ensure_typology(
        &self,
        dataset: &mut Dataset,
        need: &NeedRequest,
        progress: &dyn Progress,
    ) -> Result<String, EngineError> {
        match &dataset.typology {
            TypologySource::Official(p) => {
                return Ok(format!("official table {}", p.display()));
            }
            TypologySource::Reconstructed(d) => {
                return Ok(crate::typology::reconstructed_label(d));
            }
            TypologySource::None => {}
        }
        if need.no_typology {
            return Ok("none (--no-typology): every inhabitant weighs 1".to_owned());
        }
        progress.stage("reconstructing a typology");
        let r = self.reconstruction(dataset)?;
        let mut groups = vec![None; dataset.communes.len()];
        for (&i, g) in r.communes.iter().zip(&r.typology.groups) {
            groups[i] = Some(*g);
        }
        dataset.set_typology(
            &groups,
            TypologySource::Reconstructed(r.description.clone()),
        );
        Ok(crate::typology::reconstructed_label(&r.description))
    }
}

/// Records `input` on `dataset` unless the same file (role, path and digest) already is: the
/// population grid serves both the typology reconstruction and the demand.
fn record_once(dataset: &mut Dataset, input: &InputFile) {
    if !dataset
        .inputs
        .iter()
        .any(|i| i.role == input.role && i.path == input.path && i.sha256 == input.sha256)
    {
        dataset.inputs.push(input.clone());
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use ssmplan_planner::location::{
        LocationInstance, Objective, SearchState, SolveParams, solve_observed,
    };

    use super::{Progress, SolverProgress, describe_search};

    /// Records stages and status lines.
    #[derive(Default)]
    struct Lines(Mutex<Vec<String>>);

    impl Progress for Lines {
        fn stage(&self, what: &str) {
            self.0.lock().expect("lock").push(format!("stage {what}"));
        }

        fn status(&self, what: &str) {
            self.0.lock().expect("lock").push(format!("status {what}"));
        }
    }

    #[test]
    fn search_states_read_as_one_line() {
        let state = SearchState {
            nodes: 1204,
            objective: 99.0,
            bound: 100.0,
            gap: 0.01,
            elapsed_s: 12.4,
            time_limit_s: Some(60.0),
        };
        assert_eq!(
            describe_search(&state),
            "certified search: 1204 nodes, gap 1.000 %, 12 s of 60 s"
        );
        let open = SearchState {
            time_limit_s: None,
            ..state
        };
        assert_eq!(
            describe_search(&open),
            "certified search: 1204 nodes, gap 1.000 %, 12 s"
        );
    }

    #[test]
    fn the_solver_reports_its_stages_and_search_as_progress() {
        let at = |x: f64| geo::Coord { x, y: 0.0 };
        // Three demand points on a line, two candidates: the one at 5 km covers the heaviest.
        let instance = LocationInstance::new(
            vec![at(0.0), at(1_000.0), at(5_000.0)],
            vec![10.0, 10.0, 30.0],
            vec![at(500.0), at(5_000.0)],
            vec![],
        )
        .expect("instance");
        let lines = Lines::default();
        let params = SolveParams::new(1).exact(true);
        let solution = solve_observed(
            &instance,
            &Objective::Mclp { radius_m: 600.0 },
            &params,
            &SolverProgress(&lines),
        )
        .expect("solves");
        assert_eq!(solution.chosen, vec![1]);
        let lines = lines.0.into_inner().expect("lock");
        assert_eq!(
            lines.first().map(String::as_str),
            Some("stage solver: coverage lists")
        );
        assert!(
            lines.contains(&"stage solver: certified search (branch-and-bound)".to_owned()),
            "{lines:?}"
        );
        // The search ends proven: its last status shows a zero gap.
        let last = lines.last().expect("lines");
        assert!(
            last.starts_with("status certified search: ") && last.contains("gap 0.000 %"),
            "{lines:?}"
        );
    }
}
