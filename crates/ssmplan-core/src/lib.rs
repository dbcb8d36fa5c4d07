//! Core of ssmplan: the domain types of Walloon mental-health planning (communes, SSM sites,
//! demand points, typology groups), the spatial indexes, access distances, catchments, norm
//! coverage and floating-catchment accessibility.
//!
//! Everything here works in **Belgian Lambert 2008 (EPSG:3812), metres**: readers in
//! `ssmplan-io` reproject once, before anything is indexed. This crate does no file or network
//! I/O. With the `rayon` feature (default) the per-demand-point work runs in parallel; with
//! `serde` the result types serialize.

mod access;
mod accessibility;
mod apportion;
mod arrondissement;
mod catchment;
mod colocation;
mod commune;
mod coverage;
mod degurba;
mod demand;
mod distance;
pub mod drivetime;
mod index;
mod nis;
mod par;
mod rng;
mod simplify;
mod site;
mod stats;
mod typology;

pub use access::*;
pub use accessibility::*;
pub use apportion::apportion;
pub use arrondissement::{WALLOON_ARRONDISSEMENTS, WALLOON_NUTS3, arrondissement_name, nuts3_of};
pub use catchment::*;
pub use colocation::{Colocation, SharedAllocation, shared_allocation};
pub use commune::*;
pub use coverage::*;
pub use degurba::*;
pub use demand::*;
pub use distance::*;
pub use drivetime::{DriveTime, DriveTimeError, DriveTimeParams};
pub use index::*;
pub use nis::*;
pub use rng::SplitMix64;
pub use simplify::simplify_coverage;
pub use site::*;
pub use stats::*;
pub use typology::*;

/// The decree's planning norm: one SSM per this many inhabitants.
pub const NORM_INHABITANTS_PER_SSM: f64 = 50_000.0;
