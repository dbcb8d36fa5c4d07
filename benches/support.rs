//! Deterministic synthetic inputs shared by the benches.

use geo::Coord;

/// `n` points uniform over a 150 km x 100 km box placed over Wallonia (EPSG:3812).
#[must_use]
pub fn points(seed: u64, n: usize) -> Vec<Coord<f64>> {
    let mut rng = ssmplan_core::SplitMix64::new(seed);
    (0..n)
        .map(|_| Coord {
            x: 560_000.0 + rng.next_f64() * 150_000.0,
            y: 520_000.0 + rng.next_f64() * 100_000.0,
        })
        .collect()
}

/// The default dataset of the repository.
#[must_use]
pub fn default_data() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../geodata")
}
