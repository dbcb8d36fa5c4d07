//! Drive time by degree of urbanisation of the origin: one [`DriveTime`] per class (`DEG1`
//! cities, `DEG2` towns and semi-dense areas, `DEG3` rural areas, as Eurostat classifies the
//! residents' grid cells), fitted on Eurostat's figures per district **and** per class.
//!
//! Few free parameters: [`ClassModel::Access`] lets only the access time depend on the class
//! (speeds and band shared), [`ClassModel::AccessSpeed`] also the near speed. A penalty
//! (`shrink_pts`) pulls the class parameters towards their mean, so that a class with few
//! figures does not run away.

use super::{
    AccessSample, DriveTime, DriveTimeError, DriveTimeParams, FitParams, LOWER, Target, UPPER,
    ZoneShares, mean_abs_error_of, nelder_mead,
};
use crate::AreaClass;

/// The slot of a class in per-class arrays: `DEG1` 0, `DEG2` 1, `DEG3` 2.
#[must_use]
pub fn class_index(class: AreaClass) -> usize {
    match class {
        AreaClass::City => 0,
        AreaClass::TownsSemiDense => 1,
        AreaClass::Rural => 2,
    }
}

/// The slot of a target's or sample's class in [`class_shares`]: 0 for all residents, then
/// 1 + [`class_index`].
fn slot(class: Option<AreaClass>) -> usize {
    class.map_or(0, |c| 1 + class_index(c))
}

/// Shares beyond each threshold per zone: `[all residents, DEG1, DEG2, DEG3]`, each sample
/// counted in its zone's total and in its class (a sample without a class only in the total).
/// `minutes` gets the sample's class and a straight-line distance.
#[must_use]
pub fn class_shares(
    minutes: impl Fn(Option<AreaClass>, f64) -> f64,
    samples: &[AccessSample],
    zones: usize,
) -> Vec<[ZoneShares; 4]> {
    let mut out = vec![[ZoneShares::default(); 4]; zones];
    for s in samples {
        let Some(z) = out.get_mut(s.zone) else {
            continue;
        };
        let t1 = minutes(s.class, s.nearest_m[0]);
        let t3 = (t1 + minutes(s.class, s.nearest_m[1]) + minutes(s.class, s.nearest_m[2])) / 3.0;
        let slots: &[usize] = if s.class.is_some() {
            &[0, slot(s.class)]
        } else {
            &[0]
        };
        for &k in slots {
            z[k].add(s.weight, t1, t3);
        }
    }
    for z in out.iter_mut().flatten() {
        z.scale_to_percent();
    }
    out
}

/// The modelled share of a target (its zone, class, indicator and threshold).
#[must_use]
pub fn modelled_pct(shares: &[[ZoneShares; 4]], target: &Target) -> f64 {
    shares.get(target.zone).map_or(0.0, |s| {
        s[slot(target.class)].get(target.indicator, target.threshold)
    })
}

/// Mean absolute error (percentage points) over the targets whose zone `keep` accepts, each
/// against the share of its class; `None` when no target is kept.
#[must_use]
pub fn class_mean_abs_error(
    shares: &[[ZoneShares; 4]],
    targets: &[Target],
    keep: impl Fn(usize) -> bool,
) -> Option<f64> {
    mean_abs_error_of(targets, keep, |t| modelled_pct(shares, t))
}

/// Which parameters depend on the class of the origin.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "snake_case")
)]
pub enum ClassModel {
    /// None: one model for every origin (4 parameters).
    #[default]
    Shared,
    /// The access time (3 values), speeds and band shared (6 parameters): towns cost more or
    /// less to leave, the open road is the same.
    Access,
    /// The access time and the near speed (3 values each), far speed and band shared
    /// (8 parameters): the most the figures (3 classes x 3 thresholds per district) can carry.
    AccessSpeed,
}

impl ClassModel {
    /// Stable key.
    #[must_use]
    pub fn key(self) -> &'static str {
        match self {
            Self::Shared => "shared",
            Self::Access => "access",
            Self::AccessSpeed => "access_speed",
        }
    }

    /// The vector of free parameters from per-class parameters (the mean where shared).
    fn free_vector(self, p: &[DriveTimeParams; 3]) -> Vec<f64> {
        let mean = |f: fn(&DriveTimeParams) -> f64| p.iter().map(f).sum::<f64>() / 3.0;
        let access = || p.iter().map(|q| q.access_min);
        let near = || p.iter().map(|q| q.near_speed_kmh);
        let tail = [mean(|q| q.far_speed_kmh), mean(|q| q.near_band_km)];
        match self {
            Self::Shared => [mean(|q| q.access_min), mean(|q| q.near_speed_kmh)]
                .into_iter()
                .chain(tail)
                .collect(),
            Self::Access => access()
                .chain([mean(|q| q.near_speed_kmh)])
                .chain(tail)
                .collect(),
            Self::AccessSpeed => access().chain(near()).chain(tail).collect(),
        }
    }

    /// Per-class parameters from the vector of free parameters.
    fn class_params(self, v: &[f64], detour: f64) -> [DriveTimeParams; 3] {
        let n = v.len();
        std::array::from_fn(|k| {
            let (access, near) = match self {
                Self::Shared => (v[0], v[1]),
                Self::Access => (v[k], v[3]),
                Self::AccessSpeed => (v[k], v[3 + k]),
            };
            DriveTimeParams {
                access_min: access,
                detour,
                near_speed_kmh: near,
                far_speed_kmh: v[n - 2],
                near_band_km: v[n - 1],
            }
        })
    }

    /// Bounds of each coordinate of the vector.
    fn bounds(self) -> Vec<(f64, f64)> {
        let b = |i: usize| (LOWER[i], UPPER[i]);
        match self {
            Self::Shared => vec![b(0), b(1), b(2), b(3)],
            Self::Access => vec![b(0), b(0), b(0), b(1), b(2), b(3)],
            Self::AccessSpeed => vec![b(0), b(0), b(0), b(1), b(1), b(1), b(2), b(3)],
        }
    }
}

/// The drive-time model with parameters per degree of urbanisation of the origin.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ClassDriveTime {
    models: [DriveTime; 3],
}

impl ClassDriveTime {
    /// A model from the parameters of `DEG1`, `DEG2`, `DEG3`.
    ///
    /// # Errors
    /// As [`DriveTime::new`], for any class.
    pub fn new(params: [DriveTimeParams; 3]) -> Result<Self, DriveTimeError> {
        Ok(Self {
            models: [
                DriveTime::new(params[0])?,
                DriveTime::new(params[1])?,
                DriveTime::new(params[2])?,
            ],
        })
    }

    /// The parameters of `DEG1`, `DEG2`, `DEG3`.
    #[must_use]
    pub fn params(&self) -> [DriveTimeParams; 3] {
        self.models.map(|m| m.params())
    }

    /// The model of a class.
    #[must_use]
    pub fn model(&self, class: AreaClass) -> &DriveTime {
        &self.models[class_index(class)]
    }

    /// Modelled minutes from an origin of `class` (`None`: the slowest class at that
    /// distance, the cautious answer) over a straight-line distance.
    ///
    /// # Units
    /// Metres in, minutes out.
    #[must_use]
    pub fn minutes(&self, class: Option<AreaClass>, straight_m: f64) -> f64 {
        match class {
            Some(c) => self.model(c).minutes(straight_m),
            None => self
                .models
                .iter()
                .map(|m| m.minutes(straight_m))
                .fold(f64::NEG_INFINITY, f64::max),
        }
    }
}

/// What the per-class fit frees and where it starts.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ClassFitParams {
    /// The parameters that depend on the class.
    pub model: ClassModel,
    /// A start of Nelder–Mead besides the fixed ones (e.g. the shared fit), for every class.
    pub start: DriveTimeParams,
    /// Penalty on the spread of the class parameters (points per minute of access time, per
    /// 10 km/h of near speed).
    pub shrink_pts: f64,
}

/// A fitted per-class model.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ClassFit {
    /// Parameters of `DEG1`, `DEG2`, `DEG3`.
    pub params: [DriveTimeParams; 3],
    /// Mean absolute error over the fitted targets (percentage points), without the penalty.
    pub mae_pct: f64,
    /// Objective evaluations.
    pub evaluations: u32,
}

/// Fits a per-class model on the targets whose zone `keep` accepts (each target against the
/// share of its class, `None` the zone's total), minimising their mean absolute error plus
/// `class_params.shrink_pts` times the spread of the class parameters (mean absolute deviation from their
/// mean, in minutes for the access time and in 10 km/h for the near speed). Nelder–Mead from
/// `class_params.start` (e.g. the shared fit) and from each of `options.starts`, the best kept. `None` when
/// no target is kept.
#[must_use]
pub fn fit_by_class(
    samples: &[AccessSample],
    zones: usize,
    targets: &[Target],
    keep: impl Fn(usize) -> bool + Copy,
    options: &FitParams,
    class_params: &ClassFitParams,
) -> Option<ClassFit> {
    let ClassFitParams {
        model,
        start,
        shrink_pts,
    } = *class_params;
    class_mean_abs_error(&[], targets, keep)?;
    let bounds = model.bounds();
    let mut evaluations = 0_u32;
    let mut error_of = |v: &[f64]| -> Option<f64> {
        evaluations += 1;
        if v.iter()
            .zip(&bounds)
            .any(|(x, (lo, hi))| *x < *lo || *x > *hi)
        {
            return None;
        }
        let m = ClassDriveTime::new(model.class_params(v, options.detour)).ok()?;
        let shares = class_shares(|c, d| m.minutes(c, d), samples, zones);
        class_mean_abs_error(&shares, targets, keep)
    };
    let spread = |v: &[f64]| -> f64 {
        let mad = |xs: &[f64]| {
            let mean = xs.iter().sum::<f64>() / 3.0;
            xs.iter().map(|x| (x - mean).abs()).sum::<f64>() / 3.0
        };
        match model {
            ClassModel::Shared => 0.0,
            ClassModel::Access => mad(&v[0..3]),
            ClassModel::AccessSpeed => mad(&v[0..3]) + mad(&v[3..6]) / 10.0,
        }
    };
    let mut objective =
        |v: &[f64]| error_of(v).map_or(f64::INFINITY, |e| e + shrink_pts * spread(v));
    let mut best: Option<(Vec<f64>, f64)> = None;
    let starts = std::iter::once(start).chain(options.starts);
    for s in starts {
        let s = model.free_vector(&[s; 3]);
        let (v, f) = nelder_mead(&mut objective, &s, options.max_iterations);
        if best.as_ref().is_none_or(|(_, b)| f < *b) {
            best = Some((v, f));
        }
    }
    let (v, _) = best?;
    let mae_pct = error_of(&v)?;
    Some(ClassFit {
        params: model.class_params(&v, options.detour),
        mae_pct,
        evaluations,
    })
}

/// The degree of urbanisation at a point: the class of the nearest classified cell centre
/// (EPSG:3812), when one lies within `reach_m` (a 1 km cell's centre is at most ~710 m from
/// any of its points); beyond, no class.
#[derive(Debug)]
pub struct ClassLookup {
    index: crate::PointIndex,
    classes: Vec<AreaClass>,
    reach_m: f64,
}

impl ClassLookup {
    /// A lookup over cell centres (EPSG:3812) and their classes (parallel).
    ///
    /// # Units
    /// `reach_m` in metres.
    #[must_use]
    pub fn new(centres: &[geo::Coord<f64>], classes: Vec<AreaClass>, reach_m: f64) -> Self {
        Self {
            index: crate::PointIndex::new(centres),
            classes,
            reach_m,
        }
    }

    /// The class at `at`, `None` beyond the reach of every cell.
    #[must_use]
    pub fn class_at(&self, at: geo::Coord<f64>) -> Option<AreaClass> {
        let n = self.index.nearest(at)?;
        (n.distance_m <= self.reach_m)
            .then(|| self.classes.get(n.index).copied())
            .flatten()
    }
}

/// The per-class model behind [`crate::DistanceModel`]: the origin's class is looked up, then
/// its model gives the minutes. For a fixed origin the time increases with the straight-line
/// distance (each class's model does), so the straight-line nearest site is the time-nearest.
/// An origin without a class gets the slowest class (see [`ClassDriveTime::minutes`]).
#[derive(Debug)]
pub struct ClassDriveTimeModel {
    /// The per-class model.
    pub model: ClassDriveTime,
    /// The class of an origin.
    pub lookup: ClassLookup,
}

/// Minutes, not metres, as [`DriveTime`]'s implementation; `straight_line_bound_m` is the
/// loosest over the classes.
impl crate::DistanceModel for ClassDriveTimeModel {
    fn distance_m(&self, from: geo::Coord<f64>, to: geo::Coord<f64>) -> f64 {
        self.model.minutes(
            self.lookup.class_at(from),
            (from.x - to.x).hypot(from.y - to.y),
        )
    }

    fn straight_line_bound_m(&self, distance_m: f64) -> f64 {
        self.model
            .models
            .iter()
            .map(|m| m.straight_m_within(distance_m))
            .fold(0.0, f64::max)
    }

    fn is_monotone(&self) -> bool {
        true
    }

    fn describe(&self) -> String {
        let p = self.model.params();
        format!(
            "modelled drive time by degree of urbanisation of the origin (minutes; not routed): access {} / {} / {} min (DEG1 / DEG2 / DEG3), straight line x {} at {} / {} / {} km/h over the first {} km, {} km/h beyond",
            p[0].access_min,
            p[1].access_min,
            p[2].access_min,
            p[0].detour,
            p[0].near_speed_kmh,
            p[1].near_speed_kmh,
            p[2].near_speed_kmh,
            p[0].near_band_km,
            p[0].far_speed_kmh
        )
    }
}
