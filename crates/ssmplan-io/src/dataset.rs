//! A dataset directory with the standard layout, loaded in one go: boundaries, population,
//! sites, optional typology, with manifest checks, NIS crosswalk, scope and province filters,
//! and the provenance every output must state.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use ssmplan_core::{
    Commune, CommuneLocator, Demand, Nis, Site, SiteKind, TypologyGroup, WeightedPoint,
};

use crate::boundaries::{self, BoundaryError, BoundaryLayer};
use crate::crosswalk::{self, Crosswalk, NisResolver};
use crate::crs::Crs;
use crate::manifest::{Manifest, ManifestError, Verified};
use crate::population::{self, PopulationTable};
use crate::sites::{self, SiteTable};
use crate::table::CsvError;
use crate::{facilities, points, typology};

/// Number of SSM agreed by AVIQ (2025), against which a partial site list is reported.
pub const AGREED_SSM: usize = 66;

/// Relative paths of the standard dataset layout.
pub mod layout {
    /// Walloon communes, 2025, `GeoJSON` WGS84.
    pub const COMMUNES_GEOJSON: &str = "communes/wallonia_communes_2025_wgs84.geojson";
    /// Belgian communes, 2025, Shapefile in Lambert 2008.
    pub const COMMUNES_SHAPEFILE: &str = "communes/be_communes_2025_lambert2008.shp";
    /// NIS crosswalk 2019-2024 -> 2025.
    pub const CROSSWALK: &str = "communes/crosswalk_nis_2019_2024_to_2025.csv";
    /// SSM sites.
    pub const SITES: &str = "facilities/wallonia_ssm_sites.csv";
    /// Hospital sites (GISCO 2020).
    pub const HOSPITALS: &str = "facilities/wallonia_brussels_hospital_sites_gisco2020.csv";
    /// 1 km population grid with communes.
    pub const POPGRID: &str = "sectors/wallonia_ghs_pop_2020_1km_cells.csv";
    /// Secondary commune indicators.
    pub const INDICATORS: &str = "indicators/wallonia_commune_indicators_secondary_2025.csv";
    /// Optional official typology table.
    pub const TYPOLOGY: &str = "typology/typology.csv";

    /// Population table of a year.
    #[must_use]
    pub fn population(year: u16) -> String {
        format!("population/wallonia_population_{year}_by_commune.csv")
    }
}

/// Which communes are planned for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// AVIQ's competence: Wallonia without the nine German-speaking communes, whose
    /// mental-health services fall under the German-speaking Community.
    #[default]
    Aviq,
    /// The whole Walloon Region (262/261 communes), for comparisons with regional statistics.
    Wallonia,
}

impl Scope {
    /// Sentence stating the scope, for outputs.
    #[must_use]
    pub fn describe(self) -> &'static str {
        match self {
            Self::Aviq => {
                "AVIQ scope: Wallonia without the 9 German-speaking communes (their mental-health services fall under the German-speaking Community)"
            }
            Self::Wallonia => {
                "Wallonia including the 9 German-speaking communes (not AVIQ's competence for mental health)"
            }
        }
    }
}

/// The boundary file to read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BoundaryFormat {
    /// `communes/wallonia_communes_2025_wgs84.geojson`.
    #[default]
    GeoJson,
    /// `communes/be_communes_2025_lambert2008.shp`.
    Shapefile,
}

/// How to load a dataset.
#[derive(Clone, Debug)]
pub struct LoadParams {
    /// Dataset root.
    pub data_dir: PathBuf,
    /// Scope (default AVIQ).
    pub scope: Scope,
    /// Keep only these provinces (names as in the boundary layer, case-insensitive); empty: all.
    pub provinces: Vec<String>,
    /// Boundary format.
    pub boundaries: BoundaryFormat,
    /// A boundary file other than the layout's (`GeoJSON`, `.shp` or `.gpkg` by extension).
    pub boundary_file: Option<PathBuf>,
    /// The layer of a `GeoPackage` boundary file (needed when it has several feature layers).
    pub boundary_layer: Option<String>,
    /// CRS override for the boundary file.
    pub crs: Option<Crs>,
    /// Population year (a `population/wallonia_population_<year>_by_commune.csv` must exist).
    pub year: u16,
    /// A sites file other than the layout's (e.g. AVIQ's full list; CSV, or a `.gpkg` point
    /// layer).
    pub sites: Option<PathBuf>,
    /// The layer of a `GeoPackage` sites file (needed when it has several feature layers).
    pub sites_layer: Option<String>,
    /// A typology file other than `typology/typology.csv`.
    pub typology: Option<PathBuf>,
    /// Another facility layer in place of the SSM sites (see [`crate::facilities`]).
    pub facilities: Option<PathBuf>,
}

impl LoadParams {
    /// Defaults on `data_dir`: AVIQ scope, `GeoJSON` boundaries, 2025 population.
    #[must_use]
    pub fn new(data_dir: impl Into<PathBuf>) -> Self {
        Self {
            data_dir: data_dir.into(),
            scope: Scope::Aviq,
            provinces: Vec::new(),
            boundaries: BoundaryFormat::GeoJson,
            boundary_file: None,
            boundary_layer: None,
            crs: None,
            year: 2025,
            sites: None,
            sites_layer: None,
            typology: None,
            facilities: None,
        }
    }

    /// Sets the scope.
    #[must_use]
    pub fn scope(mut self, scope: Scope) -> Self {
        self.scope = scope;
        self
    }

    /// Sets the population year.
    #[must_use]
    pub fn year(mut self, year: u16) -> Self {
        self.year = year;
        self
    }

    /// Reads the shapefile instead of the `GeoJSON`.
    #[must_use]
    pub fn boundaries(mut self, format: BoundaryFormat) -> Self {
        self.boundaries = format;
        self
    }
}

/// Why a dataset could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum DatasetError {
    /// The data directory does not exist.
    #[error("{path}: data directory not found (pass --data DIR)")]
    NoDataDir {
        /// The directory.
        path: PathBuf,
    },
    /// A required file is missing.
    #[error("{path}: missing {role} file")]
    MissingFile {
        /// The file.
        path: PathBuf,
        /// What the file is for.
        role: &'static str,
    },
    /// Boundary layer error.
    #[error(transparent)]
    Boundary(#[from] BoundaryError),
    /// CSV error.
    #[error(transparent)]
    Csv(#[from] CsvError),
    /// `GeoPackage` error (sites read from a `.gpkg`).
    #[error(transparent)]
    Gpkg(Box<crate::gpkg::GpkgError>),
    /// Manifest error (e.g. corrupted file).
    #[error(transparent)]
    Manifest(#[from] ManifestError),
    /// Communes of the boundary layer without a population row.
    #[error("{path}: no population for {count} commune(s) of the boundary layer: {list}")]
    MissingPopulation {
        /// The population file.
        path: PathBuf,
        /// Number of communes.
        count: usize,
        /// Their NIS codes (first ones).
        list: String,
    },
    /// A province filter matches no province.
    #[error("unknown province `{found}` (known: {known})")]
    UnknownProvince {
        /// The filter.
        found: String,
        /// Province names of the layer.
        known: String,
    },
    /// The demand could not be built.
    #[error(transparent)]
    Demand(#[from] ssmplan_core::DemandError),
}

impl From<crate::gpkg::GpkgError> for DatasetError {
    fn from(e: crate::gpkg::GpkgError) -> Self {
        Self::Gpkg(Box::new(e))
    }
}

/// One file read, with its digest.
#[derive(Clone, Debug, serde::Serialize)]
pub struct InputFile {
    /// What the file is for.
    pub role: &'static str,
    /// Path as read.
    pub path: PathBuf,
    /// Hex sha256.
    pub sha256: String,
    /// Manifest status.
    pub verified: Verified,
}

/// What the outputs say about a facility layer given in place of the SSM sites.
#[derive(Clone, Debug)]
pub struct FacilityInfo {
    /// The column read as capacity, when there is one.
    pub capacity_column: Option<String>,
    /// Points outside every commune of the boundary layer.
    pub outside_layer: usize,
}

/// Where the typology comes from.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TypologySource {
    /// No typology loaded.
    None,
    /// An official table (path).
    Official(PathBuf),
    /// Reconstructed by the engine (description of the indicators).
    Reconstructed(String),
}

/// The loaded dataset, restricted to the scope and provinces asked.
#[derive(Clone, Debug)]
pub struct Dataset {
    /// Dataset root.
    pub data_dir: PathBuf,
    /// Scope.
    pub scope: Scope,
    /// Province filter (empty: all).
    pub provinces: Vec<String>,
    /// Population reference year.
    pub year: u16,
    /// Communes in scope, sorted by NIS, with population (and typology when loaded).
    pub communes: Vec<Commune>,
    /// Sites in scope (their `commune` indexes into `communes`).
    pub sites: Vec<Site>,
    /// Files read, in order.
    pub inputs: Vec<InputFile>,
    /// Typology source.
    pub typology: TypologySource,
    /// The boundary layer as read (all Walloon communes, before the scope).
    pub layer: BoundaryLayer,
    /// Population table as read.
    pub population: PopulationTable,
    /// Sites table as read (all sites, before the scope).
    pub site_table: SiteTable,
    /// The facility layer that stands in place of the SSM sites, when one was given.
    pub facilities: Option<FacilityInfo>,
    /// Communes left out by the scope or province filter: (NIS, name, population).
    pub excluded_communes: Vec<(Nis, String, u64)>,
    /// Sites left out because they lie in an excluded commune.
    pub excluded_sites: Vec<String>,
    /// Index in `communes` of each layer commune (`None`: excluded).
    pub remap: Vec<Option<usize>>,
    /// Arrondissements whose name in the input files was replaced by the 2019+ name: (NIS,
    /// name found, name used).
    pub renamed_arrondissements: Vec<(Nis, String, &'static str)>,
    crosswalk: Crosswalk,
    manifest: Manifest,
}

fn require_file(path: &Path, role: &'static str) -> Result<(), DatasetError> {
    if path.is_file() {
        Ok(())
    } else {
        Err(DatasetError::MissingFile {
            path: path.to_path_buf(),
            role,
        })
    }
}

impl Dataset {
    /// Loads a dataset.
    ///
    /// # Errors
    /// [`DatasetError`] naming the file, row and field of the first problem found.
    #[expect(
        clippy::too_many_lines,
        reason = "one linear loading pipeline, each step a call; splitting it would only pass state around"
    )]
    pub fn load(params: &LoadParams) -> Result<Self, DatasetError> {
        let root = &params.data_dir;
        if !root.is_dir() {
            return Err(DatasetError::NoDataDir { path: root.clone() });
        }
        let manifest = Manifest::load(root)?;
        let mut inputs = Vec::new();
        let mut record = |role: &'static str, path: &Path| -> Result<(), DatasetError> {
            require_file(path, role)?;
            let (sha256, verified) = manifest.verify(path)?;
            inputs.push(InputFile {
                role,
                path: path.to_path_buf(),
                sha256,
                verified,
            });
            Ok(())
        };

        let boundary_path = params.boundary_file.clone().unwrap_or_else(|| {
            root.join(match params.boundaries {
                BoundaryFormat::GeoJson => layout::COMMUNES_GEOJSON,
                BoundaryFormat::Shapefile => layout::COMMUNES_SHAPEFILE,
            })
        });
        let is_shapefile = boundary_path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("shp"));
        record("commune boundaries", &boundary_path)?;
        if is_shapefile {
            for ext in ["dbf", "shx", "prj"] {
                let side = boundary_path.with_extension(ext);
                if side.is_file() {
                    record("commune boundaries (sidecar)", &side)?;
                }
            }
        }
        let layer = if is_shapefile {
            boundaries::read_shapefile(&boundary_path, params.crs)?
        } else if crate::gpkg::is_gpkg(&boundary_path) {
            boundaries::read_gpkg(&boundary_path, params.boundary_layer.as_deref(), params.crs)?
        } else {
            boundaries::read_geojson(&boundary_path, params.crs)?
        };

        let crosswalk_path = root.join(layout::CROSSWALK);
        let crosswalk = if crosswalk_path.is_file() {
            record("NIS crosswalk 2019-2024 to 2025", &crosswalk_path)?;
            crosswalk::read_crosswalk(&crosswalk_path)?
        } else {
            Crosswalk::default()
        };

        let mut all = layer.communes.clone();
        let resolver = NisResolver::new(&all, &crosswalk);
        let population_path = root.join(layout::population(params.year));
        record("population", &population_path)?;
        let population = population::read_population(&population_path, &resolver, all.len())?;
        let missing: Vec<String> = all
            .iter()
            .zip(&population.by_commune)
            .filter(|(_, p)| p.is_none())
            .map(|(c, _)| c.nis.to_string())
            .collect();
        if !missing.is_empty() {
            return Err(DatasetError::MissingPopulation {
                path: population_path,
                count: missing.len(),
                list: missing
                    .iter()
                    .take(12)
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", "),
            });
        }
        for (c, p) in all.iter_mut().zip(&population.by_commune) {
            c.population = p.unwrap_or(0);
        }
        // Arrondissement names may come from the population table when the layer lacks them.
        if all.iter().any(|c| c.arrondissement.is_empty()) {
            fill_arrondissement_names(&population_path, &mut all);
        }
        // Names of the 2019+ arrondissements, by NIS code (Statbel still calls 58000 Soignies).
        let mut renamed_arrondissements: Vec<(Nis, String, &'static str)> = Vec::new();
        for c in &mut all {
            if let Some(name) = ssmplan_core::arrondissement_name(c.arrondissement_nis)
                && c.arrondissement != name
            {
                if !renamed_arrondissements
                    .iter()
                    .any(|r| r.0 == c.arrondissement_nis)
                {
                    renamed_arrondissements.push((
                        c.arrondissement_nis,
                        c.arrondissement.clone(),
                        name,
                    ));
                }
                name.clone_into(&mut c.arrondissement);
            }
        }

        let typology_path = params
            .typology
            .clone()
            .unwrap_or_else(|| root.join(layout::TYPOLOGY));
        let typology = if params.typology.is_some() || typology_path.is_file() {
            record("typology (official)", &typology_path)?;
            let table = typology::read_typology(&typology_path, &resolver, all.len())?;
            for (c, g) in all.iter_mut().zip(&table.by_commune) {
                c.typology = *g;
            }
            TypologySource::Official(typology_path)
        } else {
            TypologySource::None
        };

        let locator = CommuneLocator::new(&all);
        let (site_table, facilities) = if let Some(path) = &params.facilities {
            record("facilities", path)?;
            let layer = facilities::read_facilities(path, &locator, facilities::extent_of(&all))?;
            let info = FacilityInfo {
                capacity_column: layer.capacity_column,
                outside_layer: layer.outside,
            };
            (layer.table, Some(info))
        } else {
            let sites_path = params
                .sites
                .clone()
                .unwrap_or_else(|| root.join(layout::SITES));
            record("SSM sites", &sites_path)?;
            let nis: Vec<Nis> = all.iter().map(|c| c.nis).collect();
            let table = if crate::gpkg::is_gpkg(&sites_path) {
                sites::read_sites_gpkg(
                    &sites_path,
                    params.sites_layer.as_deref(),
                    &locator,
                    &resolver,
                    &nis,
                )?
            } else {
                sites::read_sites(&sites_path, &locator, &resolver, &nis)?
            };
            (table, None)
        };

        // Scope and province filter.
        let known: BTreeSet<String> = all.iter().map(|c| c.province.clone()).collect();
        for p in &params.provinces {
            if !known.iter().any(|k| k.eq_ignore_ascii_case(p)) {
                return Err(DatasetError::UnknownProvince {
                    found: p.clone(),
                    known: known.iter().cloned().collect::<Vec<_>>().join(", "),
                });
            }
        }
        let keep = |c: &Commune| {
            (params.scope == Scope::Wallonia || !c.nis.is_german_speaking())
                && (params.provinces.is_empty()
                    || params
                        .provinces
                        .iter()
                        .any(|p| p.eq_ignore_ascii_case(&c.province)))
        };
        let mut remap = vec![None; all.len()];
        let mut communes = Vec::new();
        let mut excluded_communes = Vec::new();
        for (i, c) in all.iter().enumerate() {
            if keep(c) {
                remap[i] = Some(communes.len());
                communes.push(c.clone());
            } else {
                excluded_communes.push((c.nis, c.name.clone(), c.population));
            }
        }
        let (sites, excluded_sites) = scope_sites(&site_table.sites, &remap, facilities.is_some());
        Ok(Self {
            data_dir: root.clone(),
            scope: params.scope,
            provinces: params.provinces.clone(),
            year: params.year,
            communes,
            sites,
            inputs,
            typology,
            layer,
            population,
            site_table,
            facilities,
            excluded_communes,
            excluded_sites,
            remap,
            renamed_arrondissements,
            crosswalk,
            manifest,
        })
    }

    /// Total residents in scope.
    #[must_use]
    pub fn population_total(&self) -> u64 {
        self.communes.iter().map(|c| c.population).sum()
    }

    /// Site locations (EPSG:3812), parallel to `sites`.
    #[must_use]
    pub fn site_locations(&self) -> Vec<geo::Coord<f64>> {
        self.sites.iter().map(|s| s.location).collect()
    }

    /// Distinct SSM in scope.
    #[must_use]
    pub fn ssm_count(&self) -> usize {
        self.sites
            .iter()
            .map(|s| &s.ssm)
            .collect::<BTreeSet<_>>()
            .len()
    }

    /// Sets the typology of the communes in scope (e.g. a reconstructed one).
    pub fn set_typology(&mut self, groups: &[Option<TypologyGroup>], source: TypologySource) {
        for (c, g) in self.communes.iter_mut().zip(groups) {
            c.typology = *g;
        }
        self.typology = source;
    }

    /// Reads a file of the dataset (or any path), checking it against the manifest and
    /// recording it as an input.
    ///
    /// # Errors
    /// Missing file or manifest mismatch.
    pub fn record_input(&mut self, role: &'static str, path: &Path) -> Result<(), DatasetError> {
        require_file(path, role)?;
        let (sha256, verified) = self.manifest.verify(path)?;
        self.inputs.push(InputFile {
            role,
            path: path.to_path_buf(),
            sha256,
            verified,
        });
        Ok(())
    }

    /// Replaces the sites with a table given as bytes (e.g. uploaded to the map service), read
    /// and checked exactly as `--sites FILE` would be; `label` names it in errors and outputs.
    /// The scope and province filter of the dataset apply.
    ///
    /// # Errors
    /// [`DatasetError::Csv`] naming `label`, the line and the field of the first bad row.
    pub fn replace_sites(&mut self, label: &Path, bytes: &[u8]) -> Result<(), DatasetError> {
        let all = &self.layer.communes;
        let resolver = NisResolver::new(all, &self.crosswalk);
        let locator = CommuneLocator::new(all);
        let nis: Vec<Nis> = all.iter().map(|c| c.nis).collect();
        let table = sites::parse_sites(label, bytes, &locator, &resolver, &nis)?;
        let (kept, excluded) = scope_sites(&table.sites, &self.remap, false);
        self.sites = kept;
        self.facilities = None;
        self.excluded_sites = excluded;
        self.site_table = table;
        self.replace_input("SSM sites", label, bytes);
        Ok(())
    }

    /// Replaces the typology with an official table given as bytes (e.g. uploaded), read and
    /// checked exactly as `--typology FILE` would be.
    ///
    /// # Errors
    /// [`DatasetError::Csv`] naming `label`, the line and the field of the first bad row.
    pub fn replace_typology(&mut self, label: &Path, bytes: &[u8]) -> Result<(), DatasetError> {
        let all = &self.layer.communes;
        let resolver = NisResolver::new(all, &self.crosswalk);
        let table = typology::parse_typology(label, bytes, &resolver, all.len())?;
        let mut groups = vec![None; self.communes.len()];
        for (i, g) in table.by_commune.iter().enumerate() {
            if let Some(ci) = self.remap[i] {
                groups[ci] = *g;
            }
        }
        self.set_typology(&groups, TypologySource::Official(label.to_path_buf()));
        self.replace_input("typology (official)", label, bytes);
        Ok(())
    }

    /// Records bytes received without a file (e.g. a scenario posted to the map service) as an
    /// input, with their sha256.
    pub fn record_bytes(&mut self, role: &'static str, label: &Path, bytes: &[u8]) {
        self.inputs.push(InputFile {
            role,
            path: label.to_path_buf(),
            sha256: crate::manifest::sha256_bytes(bytes),
            verified: Verified::Received,
        });
    }

    /// Records `bytes` under `role`, in place of an earlier input of that role.
    fn replace_input(&mut self, role: &'static str, label: &Path, bytes: &[u8]) {
        let record = InputFile {
            role,
            path: label.to_path_buf(),
            sha256: crate::manifest::sha256_bytes(bytes),
            verified: Verified::Received,
        };
        match self.inputs.iter_mut().find(|i| i.role == role) {
            Some(slot) => *slot = record,
            None => self.inputs.push(record),
        }
    }

    /// Builds weighted demand points from a points file (the layout's population grid when
    /// `path` is `None`), rescaled so that every commune in scope sums to its population.
    /// Points of communes outside the scope are dropped.
    ///
    /// # Errors
    /// File, row and field of the first bad point.
    pub fn weighted_demand(&mut self, path: Option<&Path>) -> Result<Demand, DatasetError> {
        let path = path.map_or_else(|| self.data_dir.join(layout::POPGRID), Path::to_path_buf);
        self.record_input("weighted demand points", &path)?;
        let all: Vec<Commune> = self.layer.communes.clone();
        let resolver = NisResolver::new(&all, &self.crosswalk);
        let locator = CommuneLocator::new(&all);
        let table = points::read_points(&path, &locator, &resolver)?;
        let kept: Vec<WeightedPoint> = table
            .points
            .iter()
            .filter_map(|p| {
                Some(WeightedPoint {
                    commune: self.remap[p.commune]?,
                    ..*p
                })
            })
            .collect();
        Ok(ssmplan_core::rescale_weighted_points(
            &self.communes,
            &kept,
        )?)
    }

    /// Reads the layout's indicator table for the communes in scope (columns asked).
    ///
    /// # Errors
    /// Missing file, manifest mismatch, CSV errors.
    pub fn indicators(
        &mut self,
        columns: &[&str],
    ) -> Result<crate::indicators::IndicatorTable, DatasetError> {
        let path = self.data_dir.join(layout::INDICATORS);
        self.record_input("commune indicators", &path)?;
        let resolver = NisResolver::new(&self.communes, &self.crosswalk);
        Ok(crate::indicators::read_indicators(
            &path,
            &resolver,
            self.communes.len(),
            columns,
        )?)
    }

    /// Reads the layout's hospital sites.
    ///
    /// # Errors
    /// Missing file, manifest mismatch, CSV errors.
    pub fn hospitals(&mut self) -> Result<Vec<crate::indicators::Hospital>, DatasetError> {
        let path = self.data_dir.join(layout::HOSPITALS);
        self.record_input("hospital sites", &path)?;
        Ok(crate::indicators::read_hospitals(&path)?)
    }

    /// Plain-language caveats every output computed on this dataset must carry.
    #[must_use]
    pub fn caveats(&self) -> Vec<String> {
        let mut notes = vec![self.scope.describe().to_owned()];
        if !self.provinces.is_empty() {
            notes.push(format!("province filter: {}", self.provinces.join(", ")));
        }
        if let Some(f) = &self.facilities {
            notes.extend(self.facility_caveats(f));
        } else {
            self.site_caveats(&mut notes);
        }
        notes.push(match &self.typology {
            TypologySource::None => {
                "no typology loaded (the IWEPS per-commune table is not in the dataset)".to_owned()
            }
            TypologySource::Official(p) => format!("typology: official table {}", p.display()),
            TypologySource::Reconstructed(d) => {
                format!("typology: RECONSTRUCTED by ssmplan, not the IWEPS table ({d})")
            }
        });
        if !self.population.mapped.is_empty() {
            notes.push(format!(
                "population: {} row(s) with 2019-2024 NIS codes mapped to 2025 communes",
                self.population.mapped.len()
            ));
        }
        if self
            .inputs
            .iter()
            .any(|i| i.verified == Verified::NotListed)
        {
            notes.push("some inputs are not listed in a MANIFEST.sha256 (not verified)".to_owned());
        }
        notes
    }
}

impl Dataset {
    /// The caveats of an SSM site list: partial list, provinces without a site, sites of
    /// unspecified kind.
    fn site_caveats(&self, notes: &mut Vec<String>) {
        let ssm = self
            .site_table
            .sites
            .iter()
            .map(|s| &s.ssm)
            .collect::<BTreeSet<_>>()
            .len();
        if ssm < AGREED_SSM {
            notes.push(format!(
                "PARTIAL SITE LIST: {ssm} SSM ({} sites) known against {AGREED_SSM} agreed by AVIQ; distances and deficits are upper bounds where services are missing, not measured deserts; pass --sites FILE with AVIQ's full list",
                self.site_table.sites.len()
            ));
        }
        let with_site: BTreeSet<&str> = self
            .sites
            .iter()
            .filter_map(|s| Some(self.communes[s.commune?].province.as_str()))
            .collect();
        let without: Vec<&str> = self
            .communes
            .iter()
            .map(|c| c.province.as_str())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .filter(|p| !with_site.contains(p))
            .collect();
        if !without.is_empty() {
            notes.push(format!(
                "provinces without any known site (artefact of the site list): {}",
                without.join(", ")
            ));
        }
        let unspecified = self
            .sites
            .iter()
            .filter(|s| s.kind == SiteKind::Unspecified)
            .count();
        if unspecified > 0 {
            notes.push(format!("{unspecified} site(s) of unspecified kind (siège or antenne unknown) counted as sites of their SSM"));
        }
    }

    /// The caveats of a facility layer given in place of the SSM sites.
    fn facility_caveats(&self, f: &FacilityInfo) -> Vec<String> {
        let beyond = self.sites.iter().filter(|s| s.commune.is_none()).count();
        let mut notes = vec![format!(
            "FACILITY LAYER {}: {} point(s) in place of the SSM sites, each its own service; the SSM norm (1 per 50,000 inhabitants) does not apply, so its columns are empty",
            self.site_table.path.display(),
            self.sites.len(),
        )];
        if beyond > 0 {
            notes.push(format!(
                "{beyond} facility point(s) lie beyond the communes in scope ({} beyond the boundary layer): they serve residents in scope but count in no zone",
                f.outside_layer
            ));
        }
        notes.push(match &f.capacity_column {
            Some(c) => format!("facility capacity read from column `{c}`"),
            None => "no capacity column: every facility counts as capacity 1".to_owned(),
        });
        notes
    }
}

/// The sites of `all` in scope, their commune re-indexed through `remap` (layer index -> index
/// in scope), and the ids of the sites left out because their commune is out of scope. With
/// `keep_outside` (a facility layer), a site in a commune out of scope is kept without a
/// commune: it still serves the residents in scope. A site with no commune is kept as it is.
fn scope_sites(
    all: &[Site],
    remap: &[Option<usize>],
    keep_outside: bool,
) -> (Vec<Site>, Vec<String>) {
    let mut kept = Vec::new();
    let mut excluded = Vec::new();
    for s in all {
        match s.commune.map(|c| remap[c]) {
            Some(None) if keep_outside => kept.push(Site {
                commune: None,
                ..s.clone()
            }),
            Some(None) => excluded.push(s.id.0.clone()),
            Some(Some(ci)) => kept.push(Site {
                commune: Some(ci),
                ..s.clone()
            }),
            None => kept.push(s.clone()),
        }
    }
    (kept, excluded)
}

fn fill_arrondissement_names(path: &Path, communes: &mut [Commune]) {
    let Ok(bytes) = std::fs::read(path) else {
        return;
    };
    let mut reader = csv::Reader::from_reader(bytes.as_slice());
    let Ok(header) = reader.headers().cloned() else {
        return;
    };
    let (Some(nis_i), Some(name_i)) = (
        header.iter().position(|h| h == "nis"),
        header.iter().position(|h| h == "arrondissement_fr"),
    ) else {
        return;
    };
    let names: std::collections::HashMap<String, String> = reader
        .records()
        .filter_map(Result::ok)
        .filter_map(|r| Some((r.get(nis_i)?.to_owned(), r.get(name_i)?.to_owned())))
        .collect();
    for c in communes.iter_mut().filter(|c| c.arrondissement.is_empty()) {
        if let Some(n) = names.get(c.nis.as_str()) {
            c.arrondissement.clone_from(n);
        }
    }
}
