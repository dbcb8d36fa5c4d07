//! Distance models: how far a resident is from a site. Straight line today; a detour factor or a
//! road network plug in behind the same trait.

use geo::Coord;

/// A way of measuring the access distance between a demand point and a site (EPSG:3812 metres).
pub trait DistanceModel: Sync + Send {
    /// Access distance from `from` to `to`.
    ///
    /// # Units
    /// Metres.
    fn distance_m(&self, from: Coord<f64>, to: Coord<f64>) -> f64;

    /// The largest straight-line distance whose model distance can be at most `distance_m`
    /// (index searches prune with it). For any model that is never shorter than the straight
    /// line, `distance_m` itself is a valid bound.
    fn straight_line_bound_m(&self, distance_m: f64) -> f64 {
        distance_m
    }

    /// True when the model distance is a non-decreasing function of the straight-line distance,
    /// so that the straight-line nearest site is also the model-nearest site.
    fn is_monotone(&self) -> bool {
        false
    }

    /// Short description recorded in outputs.
    fn describe(&self) -> String;
}

/// Euclidean distance in EPSG:3812 (Lambert 2008 scale error is below 0.1 % in Wallonia).
#[derive(Clone, Copy, Debug, Default)]
pub struct StraightLine;

impl DistanceModel for StraightLine {
    fn distance_m(&self, from: Coord<f64>, to: Coord<f64>) -> f64 {
        (from.x - to.x).hypot(from.y - to.y)
    }

    fn is_monotone(&self) -> bool {
        true
    }

    fn describe(&self) -> String {
        "straight line (EPSG:3812)".to_owned()
    }
}

/// Straight-line distance times a constant detour factor (road distance is typically 1.2 to 1.4
/// times the straight line in Wallonia).
#[derive(Clone, Copy, Debug)]
pub struct DetourFactor {
    factor: f64,
}

/// A detour factor below 1 or not finite.
#[derive(Debug, Clone, Copy, PartialEq, thiserror::Error)]
#[error("detour factor must be a finite number >= 1, found {found}")]
pub struct DetourFactorError {
    /// The rejected factor.
    pub found: f64,
}

impl DetourFactor {
    /// A detour factor.
    ///
    /// # Errors
    /// [`DetourFactorError`] when `factor` is below 1 or not finite.
    pub fn new(factor: f64) -> Result<Self, DetourFactorError> {
        if factor.is_finite() && factor >= 1.0 {
            Ok(Self { factor })
        } else {
            Err(DetourFactorError { found: factor })
        }
    }
}

impl DistanceModel for DetourFactor {
    fn distance_m(&self, from: Coord<f64>, to: Coord<f64>) -> f64 {
        self.factor * (from.x - to.x).hypot(from.y - to.y)
    }

    fn straight_line_bound_m(&self, distance_m: f64) -> f64 {
        distance_m / self.factor
    }

    fn is_monotone(&self) -> bool {
        true
    }

    fn describe(&self) -> String {
        format!("straight line x {} detour factor (EPSG:3812)", self.factor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn straight_line_and_detour() {
        let a = Coord { x: 0.0, y: 0.0 };
        let b = Coord {
            x: 3000.0,
            y: 4000.0,
        };
        assert!((StraightLine.distance_m(a, b) - 5000.0).abs() < 1e-9);
        let detour = DetourFactor::new(1.3).expect("valid");
        assert!((detour.distance_m(a, b) - 6500.0).abs() < 1e-9);
        assert!((detour.straight_line_bound_m(6500.0) - 5000.0).abs() < 1e-9);
        assert!(DetourFactor::new(0.9).is_err());
        assert!(DetourFactor::new(f64::NAN).is_err());
    }
}
