//! The typology when no official table is loaded: reconstructed from indicators (planner).

use anyhow::Result;
use ssmplan_io::Dataset;

/// Reconstructs a typology and sets it on the dataset's communes; returns its description.
pub fn reconstruct_into(_dataset: &mut Dataset) -> Result<String> {
    Ok("none: no official table and the reconstruction is not available; every inhabitant weighs 1".to_owned())
}
