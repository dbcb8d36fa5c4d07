//! The commune indicators a typology is reconstructed from.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The IWEPS axis an indicator describes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IndicatorAxis {
    /// Needs in mental health (e.g. share 65+, median income inverted, low education): a higher
    /// oriented value means more need.
    Need,
    /// Offer of and access to care (e.g. E2SFCA accessibility, distance to the nearest SSM
    /// inverted): a higher oriented value means more offer or easier access.
    Offer,
}

impl IndicatorAxis {
    /// Stable machine key (`need`, `offer`).
    #[must_use]
    pub fn key(self) -> &'static str {
        match self {
            Self::Need => "need",
            Self::Offer => "offer",
        }
    }
}

impl fmt::Display for IndicatorAxis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// One indicator: a value per commune, the axis it describes and its direction.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Indicator {
    /// Name quoted in the outputs (loadings, group means); unique among the indicators.
    pub name: String,
    /// The axis the indicator describes.
    pub axis: IndicatorAxis,
    /// `true` when a higher value means more of its axis (share 65+ for need, accessibility for
    /// offer); `false` when it means less (median income for need, distance to the nearest SSM
    /// for offer): such an indicator is negated before use, and its loadings refer to the
    /// negated values.
    pub higher_is_more: bool,
    /// One value per commune, in the same commune order for every indicator.
    ///
    /// # Units
    /// Any: each indicator is standardised to z-scores.
    pub values: Vec<f64>,
}

impl Indicator {
    /// An indicator from its parts.
    #[must_use]
    pub fn new(
        name: impl Into<String>,
        axis: IndicatorAxis,
        higher_is_more: bool,
        values: Vec<f64>,
    ) -> Self {
        Self {
            name: name.into(),
            axis,
            higher_is_more,
            values,
        }
    }
}
