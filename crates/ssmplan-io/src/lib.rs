//! Readers of ssmplan: commune boundaries (`GeoJSON`, Shapefile, `GeoPackage`), population,
//! sites (CSV or `GeoPackage`), typology, weighted points and crosswalk tables (CSV), the dataset
//! manifest, and the CRS detection and reprojection to Belgian Lambert 2008 (EPSG:3812) that
//! happens once, here, before indexing; and the `GeoPackage` writer of the outputs (`gpkg`).
//!
//! Each format has a thin `read_*` that opens the file and a pure `parse_*` that works on bytes.
//! Errors name the file, the line (or feature) and the field.

pub mod accessibility;
pub mod boundaries;
pub mod crosswalk;
pub mod crs;
pub mod dataset;
pub mod drivetime;
pub mod facilities;
pub mod frameworks;
pub mod gpkg;
pub mod indicators;
pub mod instance;
pub mod manifest;
pub mod points;
pub mod popgrid;
pub mod population;
pub mod sites;
mod table;
pub mod typology;

pub use dataset::{BoundaryFormat, Dataset, DatasetError, LoadParams, Scope, TypologySource};
pub use table::CsvError;
