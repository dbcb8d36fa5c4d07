//! Modelled drive time: minutes as a function of the straight-line distance, calibrated on
//! Eurostat's routed hospital-access indicators (not a routing: no road network is used).
//!
//! The model is `access_min + 60 * detour * (near part / near_speed_kmh + far part /
//! far_speed_kmh)`, where the near part is the first `near_band_km` of the straight-line
//! distance and the far part the rest: a fixed access time (parking, leaving a town), slower
//! speeds for short urban trips, faster for long ones. With positive speeds it is increasing in
//! the straight-line distance, so the straight-line nearest site is also the time-nearest one.
//! Detour and speed only appear as their ratio; the fit keeps the detour fixed and fits the
//! speeds.
//!
//! Parameters by degree of urbanisation of the origin (one [`DriveTimeParams`] per class, the
//! class looked up by coordinate) are in [`by_class`].
//!
//! Also here: the indicators Eurostat publishes (share of the population beyond 5, 20 and
//! 45 minutes of the nearest hospital, `N1`, and of the average of the 3 nearest, `AN3`)
//! computed on samples of the population, and their fit (Nelder–Mead, leave-one-zone-out).

use geo::Coord;

use crate::DistanceModel;

/// The thresholds of Eurostat's indicators.
///
/// # Units
/// Minutes.
pub const THRESHOLDS_MIN: [f64; 3] = [5.0, 20.0, 45.0];

/// Parameters of the drive-time model.
#[derive(Clone, Copy, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct DriveTimeParams {
    /// Fixed time added to every trip (minutes).
    pub access_min: f64,
    /// Road distance over straight-line distance (>= 1).
    pub detour: f64,
    /// Speed over the first `near_band_km` of the straight-line distance (km/h, road distance).
    pub near_speed_kmh: f64,
    /// Speed beyond `near_band_km` (km/h, road distance).
    pub far_speed_kmh: f64,
    /// Length of the near band (km of straight-line distance).
    pub near_band_km: f64,
}

impl Default for DriveTimeParams {
    fn default() -> Self {
        Self {
            access_min: 2.5,
            detour: 1.3,
            near_speed_kmh: 50.0,
            far_speed_kmh: 90.0,
            near_band_km: 5.0,
        }
    }
}

/// Invalid drive-time parameters.
#[derive(Debug, Clone, Copy, PartialEq, thiserror::Error)]
pub enum DriveTimeError {
    /// A parameter is outside its range.
    #[error("drive-time parameter `{field}` must be {expected}, found {found}")]
    OutOfRange {
        /// The field.
        field: &'static str,
        /// The range expected.
        expected: &'static str,
        /// The value found.
        found: f64,
    },
}

/// The drive-time model (validated parameters).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DriveTime {
    params: DriveTimeParams,
    /// Minutes per metre of straight line in each band.
    near_min_per_m: f64,
    far_min_per_m: f64,
    band_m: f64,
}

impl DriveTime {
    /// A model from its parameters.
    ///
    /// # Errors
    /// [`DriveTimeError::OutOfRange`] when the access time is negative, the detour below 1,
    /// a speed not positive, the band negative, or any value not finite.
    pub fn new(params: DriveTimeParams) -> Result<Self, DriveTimeError> {
        let check = |field, ok: bool, expected, found| {
            if ok && f64::is_finite(found) {
                Ok(())
            } else {
                Err(DriveTimeError::OutOfRange {
                    field,
                    expected,
                    found,
                })
            }
        };
        let p = params;
        check("access_min", p.access_min >= 0.0, ">= 0", p.access_min)?;
        check("detour", p.detour >= 1.0, ">= 1", p.detour)?;
        check(
            "near_speed_kmh",
            p.near_speed_kmh > 0.0,
            "> 0",
            p.near_speed_kmh,
        )?;
        check(
            "far_speed_kmh",
            p.far_speed_kmh > 0.0,
            "> 0",
            p.far_speed_kmh,
        )?;
        check(
            "near_band_km",
            p.near_band_km >= 0.0,
            ">= 0",
            p.near_band_km,
        )?;
        Ok(Self {
            params,
            near_min_per_m: p.detour * 60.0 / (p.near_speed_kmh * 1000.0),
            far_min_per_m: p.detour * 60.0 / (p.far_speed_kmh * 1000.0),
            band_m: p.near_band_km * 1000.0,
        })
    }

    /// The parameters.
    #[must_use]
    pub fn params(&self) -> DriveTimeParams {
        self.params
    }

    /// Modelled drive time for a straight-line distance.
    ///
    /// # Units
    /// Metres in, minutes out.
    #[must_use]
    pub fn minutes(&self, straight_m: f64) -> f64 {
        let d = straight_m.max(0.0);
        let near = d.min(self.band_m);
        let far = (d - self.band_m).max(0.0);
        self.params.access_min + near * self.near_min_per_m + far * self.far_min_per_m
    }

    /// The largest straight-line distance reached within `minutes` (0 when `minutes` is below
    /// the access time), the inverse of [`DriveTime::minutes`].
    ///
    /// # Units
    /// Minutes in, metres out.
    #[must_use]
    pub fn straight_m_within(&self, minutes: f64) -> f64 {
        let left = minutes - self.params.access_min;
        if left.is_nan() || left <= 0.0 {
            return 0.0;
        }
        let near_min = self.band_m * self.near_min_per_m;
        if left <= near_min {
            left / self.near_min_per_m
        } else {
            self.band_m + (left - near_min) / self.far_min_per_m
        }
    }
}

/// The model's cost is in **minutes**, not metres (the trait's `distance_m` is the model's
/// access cost); `straight_line_bound_m` takes minutes and gives metres.
impl DistanceModel for DriveTime {
    fn distance_m(&self, from: Coord<f64>, to: Coord<f64>) -> f64 {
        self.minutes((from.x - to.x).hypot(from.y - to.y))
    }

    fn straight_line_bound_m(&self, distance_m: f64) -> f64 {
        self.straight_m_within(distance_m)
    }

    fn is_monotone(&self) -> bool {
        true
    }

    fn describe(&self) -> String {
        let p = self.params;
        format!(
            "modelled drive time (minutes; not routed): {} min + straight line x {} at {} km/h \
             over the first {} km, {} km/h beyond",
            p.access_min, p.detour, p.near_speed_kmh, p.near_band_km, p.far_speed_kmh
        )
    }
}

/// Sub-points spreading a grid cell's population: `n` x `n` points at the centres of the
/// sub-cells of the parallelogram `centre ± col_step / 2 ± row_step / 2` (the cell's edges
/// as projected), in row-major order.
///
/// # Units
/// Metres (EPSG:3812).
#[must_use]
pub fn cell_sub_points(
    centre: Coord<f64>,
    col_step: Coord<f64>,
    row_step: Coord<f64>,
    n: u32,
) -> Vec<Coord<f64>> {
    let n = n.max(1);
    let k = f64::from(n);
    let mut out = Vec::with_capacity((n * n) as usize);
    for i in 0..n {
        let v = (f64::from(i) + 0.5) / k - 0.5;
        for j in 0..n {
            let u = (f64::from(j) + 0.5) / k - 0.5;
            out.push(Coord {
                x: centre.x + u * col_step.x + v * row_step.x,
                y: centre.y + u * col_step.y + v * row_step.y,
            });
        }
    }
    out
}

/// A sample of the population: its weight, its zone and its straight-line distances to the
/// 3 nearest facilities (ascending; repeat the last when fewer exist).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AccessSample {
    /// Straight-line distances to the 3 nearest facilities, ascending (metres).
    pub nearest_m: [f64; 3],
    /// Residents.
    pub weight: f64,
    /// Zone index.
    pub zone: usize,
    /// Degree of urbanisation of the sample's cell, when classified.
    pub class: Option<crate::AreaClass>,
}

/// Eurostat's two indicators.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Indicator {
    /// Drive time to the nearest facility.
    N1,
    /// Average drive time to the 3 nearest facilities.
    AN3,
}

impl Indicator {
    /// Eurostat's code.
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Self::N1 => "N1",
            Self::AN3 => "AN3",
        }
    }
}

/// Shares of a zone's population beyond each of [`THRESHOLDS_MIN`].
#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub struct ZoneShares {
    /// Residents of the zone.
    pub population: f64,
    /// Percent beyond 5, 20 and 45 minutes of the nearest facility.
    pub n1_beyond_pct: [f64; 3],
    /// Percent beyond 5, 20 and 45 minutes on average to the 3 nearest.
    pub an3_beyond_pct: [f64; 3],
}

impl ZoneShares {
    /// Counts `weight` residents whose nearest facility is `t1` minutes away and the three
    /// nearest `t3` minutes on average (in residents until [`ZoneShares::scale_to_percent`]).
    pub(crate) fn add(&mut self, weight: f64, t1: f64, t3: f64) {
        self.population += weight;
        for (k, threshold) in THRESHOLDS_MIN.iter().enumerate() {
            if t1 > *threshold {
                self.n1_beyond_pct[k] += weight;
            }
            if t3 > *threshold {
                self.an3_beyond_pct[k] += weight;
            }
        }
    }

    /// Turns the counted residents into percent of the population (left at 0 without any).
    pub(crate) fn scale_to_percent(&mut self) {
        if self.population > 0.0 {
            for k in 0..THRESHOLDS_MIN.len() {
                self.n1_beyond_pct[k] *= 100.0 / self.population;
                self.an3_beyond_pct[k] *= 100.0 / self.population;
            }
        }
    }

    /// The share of an indicator beyond threshold `t` (index in [`THRESHOLDS_MIN`]).
    ///
    /// # Units
    /// Percent.
    #[must_use]
    pub fn get(&self, indicator: Indicator, t: usize) -> f64 {
        match indicator {
            Indicator::N1 => self.n1_beyond_pct[t],
            Indicator::AN3 => self.an3_beyond_pct[t],
        }
    }
}

/// The shares beyond each threshold, per zone (`zones` zones), of a time function of the
/// straight-line distance. A zone without residents gets zeros and population 0.
#[must_use]
pub fn zone_shares(
    minutes: impl Fn(f64) -> f64,
    samples: &[AccessSample],
    zones: usize,
) -> Vec<ZoneShares> {
    let mut out = vec![ZoneShares::default(); zones];
    for s in samples {
        let Some(z) = out.get_mut(s.zone) else {
            continue;
        };
        let t1 = minutes(s.nearest_m[0]);
        let t3 = (t1 + minutes(s.nearest_m[1]) + minutes(s.nearest_m[2])) / 3.0;
        z.add(s.weight, t1, t3);
    }
    for z in &mut out {
        z.scale_to_percent();
    }
    out
}

/// An observed share to fit.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Target {
    /// Zone index.
    pub zone: usize,
    /// Degree of urbanisation of the residents counted (`None`: all of the zone's).
    pub class: Option<crate::AreaClass>,
    /// Indicator.
    pub indicator: Indicator,
    /// Index in [`THRESHOLDS_MIN`].
    pub threshold: usize,
    /// Observed share (percent).
    pub observed_pct: f64,
}

/// Mean absolute error (percentage points) of modelled shares over the targets whose zone
/// `keep` accepts; `None` when no target is kept.
#[must_use]
pub fn mean_abs_error(
    shares: &[ZoneShares],
    targets: &[Target],
    keep: impl Fn(usize) -> bool,
) -> Option<f64> {
    mean_abs_error_of(targets, keep, |t| {
        shares
            .get(t.zone)
            .map_or(0.0, |s| s.get(t.indicator, t.threshold))
    })
}

/// Mean absolute error (percentage points) of `modelled` over the targets whose zone `keep`
/// accepts, summed in target order; `None` when no target is kept.
pub(crate) fn mean_abs_error_of(
    targets: &[Target],
    keep: impl Fn(usize) -> bool,
    modelled: impl Fn(&Target) -> f64,
) -> Option<f64> {
    let mut sum = 0.0;
    let mut n = 0_u32;
    for t in targets.iter().filter(|t| keep(t.zone)) {
        sum += (modelled(t) - t.observed_pct).abs();
        n += 1;
    }
    (n > 0).then(|| sum / f64::from(n))
}

/// Options of the fit.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FitParams {
    /// Fixed detour factor (not identifiable from the speeds).
    pub detour: f64,
    /// Starting points of Nelder–Mead (the best result is kept).
    pub starts: [DriveTimeParams; 3],
    /// Iterations per start.
    pub max_iterations: u32,
}

impl Default for FitParams {
    fn default() -> Self {
        let base = DriveTimeParams::default();
        Self {
            detour: base.detour,
            starts: [
                base,
                DriveTimeParams {
                    access_min: 1.0,
                    near_speed_kmh: 30.0,
                    far_speed_kmh: 70.0,
                    near_band_km: 2.0,
                    ..base
                },
                DriveTimeParams {
                    access_min: 4.0,
                    near_speed_kmh: 70.0,
                    far_speed_kmh: 110.0,
                    near_band_km: 10.0,
                    ..base
                },
            ],
            max_iterations: 400,
        }
    }
}

/// A fitted model.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Fit {
    /// The parameters.
    pub params: DriveTimeParams,
    /// Mean absolute error over the fitted targets (percentage points).
    pub mae_pct: f64,
    /// Objective evaluations.
    pub evaluations: u32,
}

/// Admissible ranges of the fitted coordinates (access, near speed, far speed, band).
const LOWER: [f64; 4] = [0.0, 5.0, 5.0, 0.0];
const UPPER: [f64; 4] = [20.0, 150.0, 150.0, 60.0];

fn to_vec(p: &DriveTimeParams) -> [f64; 4] {
    [
        p.access_min,
        p.near_speed_kmh,
        p.far_speed_kmh,
        p.near_band_km,
    ]
}

fn from_vec(v: &[f64], detour: f64) -> DriveTimeParams {
    DriveTimeParams {
        access_min: v[0],
        detour,
        near_speed_kmh: v[1],
        far_speed_kmh: v[2],
        near_band_km: v[3],
    }
}

/// Fits the model on the targets whose zone `keep` accepts, minimising the mean absolute error
/// of the modelled shares: deterministic Nelder–Mead from each start, the best kept. Returns
/// `None` when no target is kept.
#[must_use]
pub fn fit(
    samples: &[AccessSample],
    zones: usize,
    targets: &[Target],
    keep: impl Fn(usize) -> bool + Copy,
    options: &FitParams,
) -> Option<Fit> {
    let mut evaluations = 0_u32;
    let mut objective = |v: &[f64]| -> f64 {
        evaluations += 1;
        if v.iter()
            .zip(LOWER.iter().zip(UPPER))
            .any(|(x, (lo, hi))| *x < *lo || *x > hi)
        {
            return f64::INFINITY;
        }
        match DriveTime::new(from_vec(v, options.detour)) {
            Ok(model) => {
                let shares = zone_shares(|d| model.minutes(d), samples, zones);
                mean_abs_error(&shares, targets, keep).unwrap_or(f64::INFINITY)
            }
            Err(_) => f64::INFINITY,
        }
    };
    mean_abs_error(&[], targets, keep)?;
    let mut best: Option<(Vec<f64>, f64)> = None;
    for start in &options.starts {
        let (v, f) = nelder_mead(&mut objective, &to_vec(start), options.max_iterations);
        if best.as_ref().is_none_or(|(_, b)| f < *b) {
            best = Some((v, f));
        }
    }
    let (v, f) = best?;
    Some(Fit {
        params: from_vec(&v, options.detour),
        mae_pct: f,
        evaluations,
    })
}

/// Deterministic Nelder–Mead (standard coefficients) in any dimension; initial simplex steps
/// of 25 % of each coordinate (or 0.5 when it is 0).
pub(crate) fn nelder_mead(
    f: &mut impl FnMut(&[f64]) -> f64,
    start: &[f64],
    max_iterations: u32,
) -> (Vec<f64>, f64) {
    let n = start.len();
    let mut simplex: Vec<(Vec<f64>, f64)> = Vec::with_capacity(n + 1);
    let f0 = f(start);
    simplex.push((start.to_vec(), f0));
    for i in 0..n {
        let mut v = start.to_vec();
        v[i] += if v[i].abs() > 0.0 { 0.25 * v[i] } else { 0.5 };
        let fv = f(&v);
        simplex.push((v, fv));
    }
    let lerp = |a: &[f64], b: &[f64], t: f64| -> Vec<f64> {
        a.iter().zip(b).map(|(x, y)| x + t * (y - x)).collect()
    };
    #[expect(clippy::cast_precision_loss, reason = "a handful of coordinates")]
    let k = n as f64;
    for _ in 0..max_iterations {
        simplex.sort_by(|a, b| a.1.total_cmp(&b.1));
        let spread = simplex[n].1 - simplex[0].1;
        if spread.is_finite() && spread.abs() < 1e-6 {
            break;
        }
        let mut centroid = vec![0.0; n];
        for (v, _) in &simplex[..n] {
            for i in 0..n {
                centroid[i] += v[i] / k;
            }
        }
        let worst = simplex[n].clone();
        let reflected = lerp(&centroid, &worst.0, -1.0);
        let fr = f(&reflected);
        if fr < simplex[0].1 {
            let expanded = lerp(&centroid, &worst.0, -2.0);
            let fe = f(&expanded);
            simplex[n] = if fe < fr {
                (expanded, fe)
            } else {
                (reflected, fr)
            };
        } else if fr < simplex[n - 1].1 {
            simplex[n] = (reflected, fr);
        } else {
            let contracted = if fr < worst.1 {
                lerp(&centroid, &reflected, 0.5)
            } else {
                lerp(&centroid, &worst.0, 0.5)
            };
            let fc = f(&contracted);
            if fc < worst.1.min(fr) {
                simplex[n] = (contracted, fc);
            } else {
                let best = simplex[0].0.clone();
                for entry in simplex.iter_mut().skip(1) {
                    let v = lerp(&best, &entry.0, 0.5);
                    let fv = f(&v);
                    *entry = (v, fv);
                }
            }
        }
    }
    simplex.sort_by(|a, b| a.1.total_cmp(&b.1));
    simplex.swap_remove(0)
}

/// A zone's cumulative distribution of a straight-line distance (the baseline: one
/// straight-line threshold).
#[derive(Clone, Debug, Default)]
pub struct DistanceCdf {
    /// Distances ascending, with the weight at or below each.
    sorted: Vec<(f64, f64)>,
    total: f64,
}

impl DistanceCdf {
    /// Per zone: the distribution of the nearest distance (`N1`) or of the mean of the 3
    /// nearest (`AN3`).
    #[must_use]
    pub fn per_zone(samples: &[AccessSample], zones: usize, indicator: Indicator) -> Vec<Self> {
        let mut raw: Vec<Vec<(f64, f64)>> = vec![Vec::new(); zones];
        for s in samples {
            if let Some(z) = raw.get_mut(s.zone) {
                let d = match indicator {
                    Indicator::N1 => s.nearest_m[0],
                    Indicator::AN3 => (s.nearest_m[0] + s.nearest_m[1] + s.nearest_m[2]) / 3.0,
                };
                z.push((d, s.weight));
            }
        }
        raw.into_iter()
            .map(|mut v| {
                v.sort_by(|a, b| a.0.total_cmp(&b.0));
                let mut acc = 0.0;
                let sorted = v
                    .into_iter()
                    .map(|(d, w)| {
                        acc += w;
                        (d, acc)
                    })
                    .collect();
                Self { sorted, total: acc }
            })
            .collect()
    }

    /// Percent of the zone's weight strictly beyond `radius_m` (0 for an empty zone).
    #[must_use]
    pub fn beyond_pct(&self, radius_m: f64) -> f64 {
        if self.total <= 0.0 {
            return 0.0;
        }
        let at_or_below = self.sorted.partition_point(|(d, _)| *d <= radius_m);
        let within = if at_or_below == 0 {
            0.0
        } else {
            self.sorted[at_or_below - 1].1
        };
        100.0 * (self.total - within) / self.total
    }
}

/// The baseline: the straight-line radius (a multiple of `step_m` up to `max_m`) whose share
/// beyond best matches the targets of zones `keep` accepts (mean absolute error; the smallest
/// radius on ties). `None` when no target is kept.
#[must_use]
pub fn fit_threshold(
    cdfs: &[DistanceCdf],
    targets: &[Target],
    keep: impl Fn(usize) -> bool,
    step_m: f64,
    max_m: f64,
) -> Option<(f64, f64)> {
    let kept: Vec<&Target> = targets.iter().filter(|t| keep(t.zone)).collect();
    if kept.is_empty() || step_m <= 0.0 {
        return None;
    }
    let mut best: Option<(f64, f64)> = None;
    let mut k = 0_u32;
    loop {
        let r = f64::from(k) * step_m;
        if r > max_m {
            break;
        }
        let sum: f64 = kept
            .iter()
            .map(|t| {
                let m = cdfs.get(t.zone).map_or(0.0, |c| c.beyond_pct(r));
                (m - t.observed_pct).abs()
            })
            .sum();
        #[expect(clippy::cast_precision_loss, reason = "a handful of targets")]
        let mae = sum / kept.len() as f64;
        if best.is_none_or(|(_, b)| mae < b) {
            best = Some((r, mae));
        }
        k += 1;
    }
    best
}

/// Leave-one-zone-out: for each zone holding a target (ascending), calls `fit_without` with a
/// mask that keeps every zone but that one, and collects its answer. The folds are independent
/// and run in parallel (with the `rayon` feature); the answers come back in zone order, so the
/// result does not depend on the number of threads.
pub fn leave_one_out<T: Send>(
    targets: &[Target],
    zones: usize,
    fit_without: impl Fn(usize, &[bool]) -> T + Sync + Send,
) -> Vec<(usize, T)> {
    let mut held: Vec<usize> = targets
        .iter()
        .map(|t| t.zone)
        .filter(|z| *z < zones)
        .collect();
    held.sort_unstable();
    held.dedup();
    crate::par::map(&held, |&out| {
        let mask: Vec<bool> = (0..zones).map(|z| z != out).collect();
        (out, fit_without(out, &mask))
    })
}

pub mod by_class;

#[cfg(test)]
mod tests;
