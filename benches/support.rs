//! Deterministic synthetic inputs shared by the benches.

use geo::Coord;

/// `SplitMix64`: a tiny deterministic generator (no `rand` dependency).
pub struct SplitMix(pub u64);

impl SplitMix {
    /// Next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// `n` points uniform over a 150 km x 100 km box placed over Wallonia (EPSG:3812).
#[must_use]
pub fn points(seed: u64, n: usize) -> Vec<Coord<f64>> {
    let mut rng = SplitMix(seed);
    (0..n)
        .map(|_| Coord {
            x: 560_000.0 + rng.unit() * 150_000.0,
            y: 520_000.0 + rng.unit() * 100_000.0,
        })
        .collect()
}

/// The default dataset of the repository.
#[must_use]
pub fn default_data() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../geodata")
}
