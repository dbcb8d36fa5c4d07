//! Readers of ssmplan: commune boundaries (GeoJSON, Shapefile), population, sites, typology,
//! indicators and crosswalk tables (CSV), the dataset manifest, and the CRS detection and
//! reprojection to Belgian Lambert 2008 (EPSG:3812) that happens once, here, before indexing.

pub mod crs;
