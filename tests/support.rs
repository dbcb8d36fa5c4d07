//! Shared helpers of the end-to-end tests.

use std::path::PathBuf;

/// The default dataset shipped in the repository.
#[must_use]
pub fn default_data() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../geodata")
}

/// The shared data store beside the repository, when present (CI has it).
#[must_use]
pub fn shared_data() -> Option<PathBuf> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/geodata");
    p.is_dir().then_some(p)
}
