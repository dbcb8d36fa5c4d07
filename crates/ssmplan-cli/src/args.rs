//! Command-line arguments.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// ssmplan: coverage planning for the Walloon mental-health services (SSM).
#[derive(Parser, Debug)]
#[command(
    name = "ssmplan",
    about,
    long_about = None,
    disable_version_flag = true,
    after_help = "Start with `ssmplan coverage` (the main job on the default data) or `ssmplan serve` (the map page)."
)]
pub struct Cli {
    #[command(flatten)]
    pub data: DataArgs,
    /// Print the version and the sha256 of the dataset's MANIFEST.sha256, then exit.
    #[arg(short = 'V', long)]
    pub version: bool,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Where the data comes from and what is in scope (options of every command).
#[derive(Args, Debug, Clone)]
pub struct DataArgs {
    /// Dataset directory (standard layout, see geodata/README.md).
    #[arg(long, global = true, default_value_os_t = default_data_dir())]
    pub data: PathBuf,
    /// Scope: `aviq` leaves out the 9 German-speaking communes; `wallonia` keeps them.
    #[arg(long, global = true, value_enum, default_value_t = ScopeArg::Aviq)]
    pub scope: ScopeArg,
    /// Keep only this province (repeatable), e.g. --province Namur.
    #[arg(long = "province", global = true)]
    pub provinces: Vec<String>,
    /// Boundary layer of the dataset to read.
    #[arg(long, global = true, value_enum, default_value_t = BoundariesArg::Geojson)]
    pub boundaries: BoundariesArg,
    /// Another boundary file (`GeoJSON`, .shp with its .dbf/.prj, or a .gpkg polygon layer).
    #[arg(long, global = true)]
    pub boundary_file: Option<PathBuf>,
    /// The layer of a .gpkg boundary file, when it has several feature layers.
    #[arg(long, global = true, value_name = "NAME")]
    pub layer: Option<String>,
    /// CRS of the boundary file when it cannot be detected: any EPSG code (e.g. EPSG:31370,
    /// EPSG:3035, EPSG:32631) or ESRI:54009.
    #[arg(long, global = true)]
    pub crs: Option<String>,
    /// Population reference year (1 January).
    #[arg(long, global = true, default_value_t = 2025)]
    pub year: u16,
    /// Another SSM sites file (e.g. AVIQ's full list; schema in README.md): CSV, or a .gpkg
    /// point layer with the same columns.
    #[arg(long, global = true)]
    pub sites: Option<PathBuf>,
    /// The layer of a .gpkg sites file, when it has several feature layers.
    #[arg(long, global = true, value_name = "NAME")]
    pub sites_layer: Option<String>,
    /// Another facility layer in place of the SSM sites, for coverage, catchments and
    /// accessibility: a CSV of points (`lat,lon` or `x,y` in EPSG:3812, optional
    /// `id,name,capacity`), e.g. the 2020 Belgian hospital list of the shared data.
    /// Points beyond Wallonia serve residents too.
    #[arg(long, global = true, conflicts_with = "sites", value_name = "FILE")]
    pub facilities: Option<PathBuf>,
    /// An official typology table (`nis,group`).
    #[arg(long, global = true)]
    pub typology: Option<PathBuf>,
    /// Another drive-time parameters file for `--distance drive` (default: the dataset's
    /// `accessibility/drivetime_2020.json`, written by `ssmplan calibrate --write-params`).
    #[arg(long, global = true, value_name = "FILE")]
    pub drive_params: Option<PathBuf>,
    /// Output format [default: from the --out extension (.csv, .json, .geojson, .gpkg), else
    /// table]. `gpkg` (for QGIS) needs --out FILE.gpkg: the map layer in EPSG:4326, every table
    /// as an attribute table, the provenance in the file's metadata.
    #[arg(long = "format", global = true, value_enum, requires_if("gpkg", "out"))]
    pub format_arg: Option<Format>,
    /// The format in effect (resolved by [`DataArgs::resolve_format`]).
    #[arg(skip)]
    pub format: Format,
    /// Write the output to this file instead of standard output (CSV gets a `.meta.json` sidecar
    /// with the parameters, inputs and caveats).
    #[arg(long, global = true)]
    pub out: Option<PathBuf>,
    /// No progress display on the terminal.
    #[arg(short, long, global = true)]
    pub quiet: bool,
}

impl DataArgs {
    /// Sets `format` from `--format`, else from the extension of `--out`, else table.
    pub fn resolve_format(&mut self) {
        let from_extension = self
            .out
            .as_ref()
            .and_then(|p| p.extension())
            .and_then(|e| e.to_str())
            .and_then(|e| match e.to_ascii_lowercase().as_str() {
                "csv" => Some(Format::Csv),
                "json" => Some(Format::Json),
                "geojson" => Some(Format::Geojson),
                "gpkg" => Some(Format::Gpkg),
                _ => None,
            });
        self.format = self.format_arg.or(from_extension).unwrap_or_default();
    }
}

fn default_data_dir() -> PathBuf {
    PathBuf::from("geodata")
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScopeArg {
    Aviq,
    Wallonia,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum BoundariesArg {
    Geojson,
    Shapefile,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Format {
    #[default]
    Table,
    Csv,
    Json,
    Geojson,
    Gpkg,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Access distances and norm coverage (1 SSM per 50,000 inhabitants) per zone.
    #[command(
        after_help = "Example:\n  ssmplan coverage --level province --level arrondissement --format csv --out coverage.csv"
    )]
    Coverage(CoverageArgs),
    /// Drive times on an OpenStreetMap road network to the nearest site, per commune, beside the
    /// calibrated drive-time model.
    #[command(
        after_help = "Example (a Belgium extract, e.g. Geofabrik's belgium-latest.osm.pbf):\n  ssmplan network --network belgium-latest.osm.pbf --format csv --out network.csv"
    )]
    Network(NetworkArgs),
    /// Catchment of every site (nearest-site allocation) with its polygon.
    #[command(
        after_help = "Example:\n  ssmplan catchments --format geojson --out catchments.geojson"
    )]
    Catchments(CatchmentsArgs),
    /// Floating-catchment accessibility (2SFCA, E2SFCA, G2SFCA) per commune.
    #[command(
        after_help = "Example:\n  ssmplan accessibility --method e2sfca --radius-km 20 --format csv"
    )]
    Accessibility(AccessibilityArgs),
    /// Check the dataset: counts, codes, geometries, sites, totals.
    #[command(after_help = "Example:\n  ssmplan validate --sites aviq_sites.csv")]
    Validate,
    /// Where to open new SSM or antennes (location models, existing sites fixed).
    #[command(
        after_help = "Example:\n  ssmplan recommend --model mclp -p 5 --radius-km 10 --exclude 92094"
    )]
    Recommend(RecommendArgs),
    /// Where to expand staffing frameworks (élargissement de cadre) within a budget.
    #[command(
        after_help = "Example:\n  ssmplan expand --budget-eur 500000 --frameworks frameworks.csv"
    )]
    Expand(ExpandArgs),
    /// Budgets of the sector's proposals.
    #[command(subcommand)]
    Budget(BudgetCommand),
    /// The typology: the official table when loaded, else a reconstructed one (with loadings and
    /// group means); `--out typology.csv` writes a table `--typology` can read back.
    #[command(after_help = "Example:\n  ssmplan typology --out typology.csv")]
    Typology,
    /// Degree of urbanisation (Eurostat/UN-Habitat grid method) of every 1 km cell and commune:
    /// cities (DEG1), towns and semi-dense areas (DEG2), rural areas (DEG3).
    #[command(
        after_help = "Example:\n  ssmplan urbanisation --format csv --out urbanisation.csv\n  ssmplan urbanisation --format geojson --out urbanisation.geojson"
    )]
    Urbanisation(UrbanisationArgs),
    /// Evaluate a scenario file (sites added or removed, ETP changes): before, after, deltas.
    #[command(
        after_help = "Example:\n  ssmplan scenario geodata/scenarios/example_luxembourg.toml"
    )]
    Scenario(ScenarioArgs),
    /// Solve a location model on your own instance files (demand points, candidates, existing
    /// sites in any planar unit), for benchmarks against other solvers.
    #[command(
        after_help = "Files: demand `id,x,y,weight`; candidates and existing sites `id,x,y` (any planar unit, the\nradius in the same unit; `id` optional, default the row number).\n\nExample:\n  ssmplan solve --model mclp -p 10 --radius 10 --unit km --demand demand.csv --candidates candidates.csv --format json"
    )]
    Solve(SolveArgs),
    /// Fit the drive-time model on Eurostat's routed hospital-access figures (2020, per NUTS 3
    /// district), validate it by leave-one-district-out against a straight-line threshold, and
    /// optionally write the parameters file.
    #[command(
        after_help = "Files (default: in the dataset directory): sectors/wallonia_ghs_pop_2020_1km_cells.csv,\nfacilities/belgium_hospital_sites_eurostat2020.csv, accessibility/eurostat_healthcare_access_nuts3_wallonia.csv,\naccessibility/nuts3_2024_wallonia.csv.\n\nExample:\n  ssmplan calibrate --write-params geodata/accessibility/drivetime_2020.json"
    )]
    Calibrate(CalibrateArgs),
    /// Run the map service: the French planning page and the JSON API, on this machine.
    #[command(after_help = "Example:\n  ssmplan serve --open")]
    Serve(ServeArgs),
    /// Print a shell completion script, e.g. `ssmplan completions bash > ~/.local/share/bash-completion/completions/ssmplan`.
    Completions {
        /// bash, zsh, fish, elvish or powershell.
        shell: clap_complete::Shell,
    },
}

#[derive(Args, Debug, Clone)]
pub struct CalibrateArgs {
    /// Population grid (GHS-POP 1 km cells with `x_mollweide`, `y_mollweide`, `nis_2025`,
    /// `pop_ghs_2020`).
    #[arg(long)]
    pub grid: Option<PathBuf>,
    /// Hospital sites (`lat`, `lon`): the facility set behind the figures.
    #[arg(long)]
    pub hospitals: Option<PathBuf>,
    /// Eurostat accessibility table (`nuts`, `age`, `deg_urb`, `indicator`, `threshold`,
    /// `unit`, `v2020`).
    #[arg(long)]
    pub eurostat: Option<PathBuf>,
    /// NUTS 3 district table (`nuts3`, `arrondissement_nis`, `name`).
    #[arg(long)]
    pub nuts3: Option<PathBuf>,
    /// Each 1 km cell is spread over N x N sub-points (1 to 20).
    #[arg(long, default_value_t = 5)]
    pub subdivision: u32,
    /// Indicators fitted: n1 (nearest hospital) or both (N1 and AN3).
    #[arg(long, value_enum, default_value_t = FitIndicatorsArg::N1)]
    pub fit: FitIndicatorsArg,
    /// Write the fitted parameters, with the fit's provenance, to this JSON file.
    #[arg(long)]
    pub write_params: Option<PathBuf>,
    /// Also fit parameters by degree of urbanisation of the origin, on the figures per class,
    /// and compare them out of sample: none, access (access time per class), access-speed
    /// (access time and near speed per class).
    #[arg(long, value_enum, default_value_t = ByDegurbaArg::Access)]
    pub by_degurba: ByDegurbaArg,
    /// Penalty on the spread of the per-class parameters, in points per minute of access time
    /// (and per 10 km/h of near speed).
    #[arg(long, default_value_t = 0.0)]
    pub shrink_pts: f64,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum FitIndicatorsArg {
    N1,
    Both,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ByDegurbaArg {
    None,
    Access,
    AccessSpeed,
}

#[derive(Args, Debug, Clone)]
pub struct SolveArgs {
    /// Location model: mclp (most weight within the radius), pmedian (least total weighted
    /// distance), lscp (fewest sites covering --target-share of the weight).
    #[arg(long, value_enum, default_value_t = ModelArg::Mclp)]
    pub model: ModelArg,
    /// Number of new sites (mclp, pmedian).
    #[arg(
        short = 'p',
        long = "p",
        visible_alias = "new-sites",
        default_value_t = 5
    )]
    pub p: usize,
    /// Coverage radius (mclp, lscp), in --unit; inclusive.
    #[arg(long)]
    pub radius: Option<f64>,
    /// Unit of the coordinates and of the radius.
    #[arg(long, value_enum, default_value_t = UnitArg::M)]
    pub unit: UnitArg,
    /// Share of the weight to cover (lscp).
    #[arg(long, default_value_t = 0.95)]
    pub target_share: f64,
    /// Demand points: CSV `id,x,y,weight` (`id,weight` with --costs).
    #[arg(long, value_name = "FILE")]
    pub demand: PathBuf,
    /// Candidate sites: CSV `id,x,y` (`id` with --costs).
    #[arg(long, value_name = "FILE")]
    pub candidates: PathBuf,
    /// Existing sites, always open: CSV `id,x,y` (`id` with --costs).
    #[arg(long, value_name = "FILE")]
    pub existing: Option<PathBuf>,
    /// Sparse cost table, CSV `origin,dest,cost` (demand id, candidate or existing site id,
    /// network distance or time in any unit) in place of straight lines: a pair absent is
    /// unreachable; --radius is in the table's unit and --unit does not apply.
    #[arg(long, value_name = "FILE")]
    pub costs: Option<PathBuf>,
    /// Seed of the perturbation rounds (the rest of the search is not random).
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Extra seeded perturbation rounds after each local search (each swaps a random third of
    /// the new sites and searches again).
    #[arg(long, default_value_t = 0)]
    pub perturbations: usize,
    /// Add the time of each stage to the output (which then differs between runs).
    #[arg(long)]
    pub timings: bool,
    /// Certified mode (mclp, pmedian, lscp): a proven optimum, or at --time-limit-s the best
    /// solution with a proven bound and its gap.
    #[arg(long)]
    pub exact: bool,
    /// Time limit of --exact, in seconds (default: run to the proof).
    #[arg(long, requires = "exact")]
    pub time_limit_s: Option<f64>,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnitArg {
    M,
    Km,
}

#[derive(Args, Debug, Clone)]
pub struct ServeArgs {
    /// Address to listen on. The default answers this machine only; any other address opens
    /// the service to the network (a warning is printed).
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: std::net::SocketAddr,
    /// Open the page in the default browser once the service listens.
    #[arg(long)]
    pub open: bool,
}

#[derive(Args, Debug, Clone)]
pub struct ScenarioArgs {
    /// The scenario (JSON; see geodata/scenarios/ for a documented example).
    pub file: PathBuf,
    #[command(flatten)]
    pub demand: DemandArgs,
    #[command(flatten)]
    pub need: NeedArgs,
    /// ETP assumed for every SSM without a known framework (capacity in the accessibility metric).
    #[arg(long, default_value_t = 5.0)]
    pub assumed_etp: f64,
}

/// Typology and need weights (recommend, expand, scenario).
#[derive(Args, Debug, Clone)]
pub struct NeedArgs {
    /// Need weight per typology group, e.g. `high_risk=1.5,vulnerable=1.25,intermediate=1,favourable=0.8`
    /// (the default; groups not named keep their default).
    #[arg(long, default_value = "")]
    pub weights: String,
    /// Do not reconstruct a typology when no official table is loaded (every inhabitant weighs 1).
    #[arg(long)]
    pub no_typology: bool,
}

#[derive(Args, Debug, Clone)]
pub struct RecommendArgs {
    #[command(flatten)]
    pub demand: DemandArgs,
    #[command(flatten)]
    pub distance: DistanceArgs,
    #[command(flatten)]
    pub need: NeedArgs,
    /// Location model: mclp (most need-weighted inhabitants within the radius), pmedian (least
    /// need-weighted distance), lscp (fewest sites so that --target-share is within the radius).
    #[arg(long, value_enum, default_value_t = ModelArg::Mclp)]
    pub model: ModelArg,
    /// Number of new sites (mclp, pmedian).
    #[arg(
        short = 'p',
        long = "p",
        visible_alias = "new-sites",
        default_value_t = 5
    )]
    pub p: usize,
    /// Coverage radius (mclp, lscp).
    #[arg(long, default_value_t = 10.0)]
    pub radius_km: f64,
    /// Coverage radius in minutes of modelled drive time (mclp, lscp; needs --distance drive).
    #[arg(long, conflicts_with = "radius_km", value_name = "MINUTES")]
    pub radius_min: Option<f64>,
    /// Share of the need-weighted demand to bring within the radius (lscp).
    #[arg(long, default_value_t = 0.95)]
    pub target_share: f64,
    /// Candidates: `communes` (one point per commune), `grid:<metres>` (grid cell centres), or a
    /// CSV file (`id`, `lat`/`lon` or `x`/`y`).
    #[arg(long, default_value = "communes")]
    pub candidates: String,
    /// Exclude the candidates of this commune (NIS code; repeatable).
    #[arg(long = "exclude")]
    pub exclude: Vec<String>,
    /// Exclude candidates closer than this to an existing site.
    #[arg(long, default_value_t = 0.0)]
    pub min_distance_km: f64,
    /// Inhabitants per SSM of the norm (a new site whose catchment reaches it is a new SSM).
    #[arg(long, default_value_t = 50_000.0)]
    pub norm: f64,
    /// Seed of the solver's perturbation rounds (recorded in the output; the rest of the search
    /// is not random).
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Extra seeded perturbation rounds after each local search (each swaps a random third of
    /// the new sites and searches again; more rounds can improve hard instances). The same
    /// seed always gives the same answer.
    #[arg(long, default_value_t = 0)]
    pub perturbations: usize,
    /// Certified mode (mclp, pmedian, lscp): prove the optimum by branch-and-bound on the
    /// Lagrangian bound, or, at --time-limit-s, report the best solution with its proven bound and
    /// gap.
    #[arg(long)]
    pub exact: bool,
    /// Time limit of --exact, in seconds (default: run to the proof).
    #[arg(long, requires = "exact")]
    pub time_limit_s: Option<f64>,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ModelArg {
    Mclp,
    Pmedian,
    Lscp,
}

#[derive(Args, Debug, Clone)]
pub struct ExpandArgs {
    #[command(flatten)]
    pub demand: DemandArgs,
    #[command(flatten)]
    pub need: NeedArgs,
    /// Budget in ETP.
    #[arg(
        long,
        conflicts_with = "budget_eur",
        required_unless_present = "budget_eur"
    )]
    pub budget_etp: Option<f64>,
    /// Budget in euros a year (converted with --cost-per-etp).
    #[arg(long)]
    pub budget_eur: Option<f64>,
    /// Yearly cost of one ETP (IFIC category 18, 5 years seniority).
    #[arg(long, default_value_t = 96_012.0)]
    pub cost_per_etp: f64,
    /// Allocation step.
    #[arg(long, default_value_t = 0.25)]
    pub step_etp: f64,
    /// Frameworks CSV (`ssm_id,etp`); without it every SSM gets --assumed-etp.
    #[arg(long)]
    pub frameworks: Option<PathBuf>,
    /// ETP assumed for every SSM without a framework.
    #[arg(long, default_value_t = 5.0)]
    pub assumed_etp: f64,
}

#[derive(Subcommand, Debug, Clone)]
pub enum BudgetCommand {
    /// Coordinator funding: 0.5 ETP (<= 3 ETP), 0.75 (<= 9), 1 (> 9) per SSM.
    #[command(after_help = "Example:\n  ssmplan budget coordinators --bands 2,45,18")]
    Coordinators(CoordinatorArgs),
}

#[derive(Args, Debug, Clone)]
pub struct CoordinatorArgs {
    /// Frameworks CSV (`ssm_id,etp`).
    #[arg(long, conflicts_with = "bands", required_unless_present = "bands")]
    pub frameworks: Option<PathBuf>,
    /// Counts of SSM per band, `<=3,>3-9,>9`, e.g. `2,45,18`.
    #[arg(long)]
    pub bands: Option<String>,
    /// Yearly cost of one ETP.
    #[arg(long, default_value_t = 96_012.0)]
    pub cost_per_etp: f64,
}

/// How demand is modelled.
#[derive(Args, Debug, Clone)]
pub struct DemandArgs {
    /// Demand model: `communes` (one point per commune), `popgrid` (1 km GHS-POP cells rescaled
    /// to the Statbel totals), `grid:<metres>` (regular grid, population spread by area) or
    /// `points:<file.csv>` (weighted points rescaled to the commune totals).
    #[arg(long, default_value = "popgrid")]
    pub demand: String,
    /// Detour factor applied to straight-line distances (1 = straight line). Deprecated where
    /// --distance exists: use --distance detour:F.
    #[arg(long, default_value_t = 1.0)]
    pub detour: f64,
}

/// The distance model (coverage, catchments, accessibility, recommend).
#[derive(Args, Debug, Clone)]
pub struct DistanceArgs {
    /// Distance model: `euclidean` (straight line), `detour:<F>` (straight line x F, 1 to 10)
    /// or `drive` (modelled drive time in minutes, calibrated on Eurostat's hospital access
    /// figures; not a routing). With `drive`, coverage and catchments report minutes.
    #[arg(long, default_value = "euclidean", value_name = "MODEL")]
    pub distance: String,
}

#[derive(Args, Debug, Clone)]
pub struct CatchmentsArgs {
    #[command(flatten)]
    pub demand: DemandArgs,
    #[command(flatten)]
    pub distance: DistanceArgs,
}

#[derive(Args, Debug, Clone)]
pub struct CoverageArgs {
    #[command(flatten)]
    pub demand: DemandArgs,
    #[command(flatten)]
    pub distance: DistanceArgs,
    /// Zonings to report (repeatable): total, province, arrondissement, nuts3 (Eurostat's
    /// districts), commune, typology, catchment, or all.
    #[arg(long = "level", value_enum, default_values_t = [LevelArg::Total, LevelArg::Province, LevelArg::Arrondissement, LevelArg::Typology, LevelArg::Catchment])]
    pub levels: Vec<LevelArg>,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum LevelArg {
    Total,
    Province,
    Arrondissement,
    Nuts3,
    Commune,
    Typology,
    Catchment,
    All,
}

#[derive(Args, Debug, Clone)]
pub struct AccessibilityArgs {
    #[command(flatten)]
    pub demand: DemandArgs,
    #[command(flatten)]
    pub distance: DistanceArgs,
    /// Method: 2sfca (step), e2sfca (step weights), g2sfca (Gaussian).
    #[arg(long, value_enum, default_value_t = MethodArg::E2sfca)]
    pub method: MethodArg,
    /// Catchment radius d0.
    #[arg(long, default_value_t = 20.0)]
    pub radius_km: f64,
    /// Catchment radius d0 in minutes of modelled drive time (needs --distance drive).
    #[arg(long, conflicts_with = "radius_km", value_name = "MINUTES")]
    pub radius_min: Option<f64>,
    /// E2SFCA steps as `upper_km:weight,...` (bounds inclusive; `upper_min:weight` with
    /// --distance drive).
    #[arg(long, default_value = "5:1,10:0.68,15:0.22,20:0.03")]
    pub steps: String,
    /// G2SFCA Gaussian bandwidth (default: radius / 2).
    #[arg(long)]
    pub sigma_km: Option<f64>,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum MethodArg {
    #[value(name = "2sfca")]
    TwoStep,
    #[value(name = "e2sfca")]
    E2sfca,
    #[value(name = "g2sfca")]
    G2sfca,
}

/// `ssmplan urbanisation`.
#[derive(Args, Debug, Clone)]
pub struct UrbanisationArgs {
    /// Cells the grid stage classifies: `context` (the whole grid around Belgium, so settlements
    /// crossing the Walloon border stay whole) or `study-area` (Walloon cells only, for
    /// comparison).
    #[arg(long, value_enum, default_value_t = ExtentArg::Context)]
    pub extent: ExtentArg,
    /// Also list every 1 km cell of the study area with its class.
    #[arg(long)]
    pub cells: bool,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExtentArg {
    Context,
    StudyArea,
}

/// `ssmplan network`.
#[derive(Args, Debug, Clone)]
pub struct NetworkArgs {
    /// The OpenStreetMap extract (.osm.pbf) covering the communes and the sites.
    #[arg(long, value_name = "FILE.osm.pbf")]
    pub network: PathBuf,
    /// Demand model, as in coverage (`communes`: one point per commune; `popgrid`: 1 km cells).
    #[arg(long, default_value = "communes")]
    pub demand: String,
    /// A site farther than this from every road node is an error; demand points that far are
    /// left out (counted).
    #[arg(long, default_value_t = 2.0)]
    pub max_snap_km: f64,
    /// Times beyond this are "not reached".
    #[arg(long, default_value_t = 180.0)]
    pub cutoff_min: f64,
    /// Speed of the straight leg between a point and its nearest road node.
    #[arg(long, default_value_t = 20.0)]
    pub access_speed_kmh: f64,
    /// Drive-time model parameters [default: `accessibility/drivetime_2020.json` of the dataset].
    #[arg(long, value_name = "FILE")]
    pub params: Option<PathBuf>,
}
