//! Need weights: how much one inhabitant of each typology group counts in the location models
//! and the framework expansion (policy parameters).

use ssmplan_core::TypologyGroup;

/// Multipliers of demand per typology group.
///
/// The defaults (1.5 / 1.25 / 1.0 / 0.8) are a policy choice, not a measurement: they encode the
/// federations' request that high-risk and vulnerable territories come first, while still
/// counting every inhabitant. Every output records the weights used; override them to test other
/// policies. Communes without a group weigh 1.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct NeedWeights {
    /// *Risque élevé*.
    pub high_risk: f64,
    /// *Vulnérables*.
    pub vulnerable: f64,
    /// *Médians*.
    pub intermediate: f64,
    /// *Favorables*.
    pub favourable: f64,
}

impl Default for NeedWeights {
    fn default() -> Self {
        Self {
            high_risk: 1.5,
            vulnerable: 1.25,
            intermediate: 1.0,
            favourable: 0.8,
        }
    }
}

/// A need weight that is negative or not finite.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("need weight of `{group}` must be a finite number >= 0, found {found}")]
pub struct NeedWeightError {
    /// Group key.
    pub group: &'static str,
    /// The rejected weight.
    pub found: f64,
}

impl NeedWeights {
    /// Every group weighs 1 (plain population).
    #[must_use]
    pub fn uniform() -> Self {
        Self {
            high_risk: 1.0,
            vulnerable: 1.0,
            intermediate: 1.0,
            favourable: 1.0,
        }
    }

    /// Weight of a group (1 without a group).
    #[must_use]
    pub fn of(&self, group: Option<TypologyGroup>) -> f64 {
        match group {
            Some(TypologyGroup::HighRisk) => self.high_risk,
            Some(TypologyGroup::Vulnerable) => self.vulnerable,
            Some(TypologyGroup::Intermediate) => self.intermediate,
            Some(TypologyGroup::Favourable) => self.favourable,
            None => 1.0,
        }
    }

    /// Checks the weights.
    ///
    /// # Errors
    /// [`NeedWeightError`] for a negative or non-finite weight.
    pub fn validate(&self) -> Result<(), NeedWeightError> {
        for (group, w) in [
            ("high_risk", self.high_risk),
            ("vulnerable", self.vulnerable),
            ("intermediate", self.intermediate),
            ("favourable", self.favourable),
        ] {
            if !(w.is_finite() && w >= 0.0) {
                return Err(NeedWeightError { group, found: w });
            }
        }
        Ok(())
    }

    /// Parses `high_risk=1.5,vulnerable=1.25,...` (groups not named keep their default).
    ///
    /// # Errors
    /// A message naming the bad pair.
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut w = Self::default();
        for pair in text.split(',').filter(|p| !p.trim().is_empty()) {
            let (k, v) = pair
                .split_once('=')
                .ok_or_else(|| format!("`{pair}` is not group=weight"))?;
            let v: f64 = v
                .trim()
                .parse()
                .map_err(|_| format!("`{v}` is not a number"))?;
            let group = TypologyGroup::try_from(k.trim()).map_err(|e| e.to_string())?;
            match group {
                TypologyGroup::HighRisk => w.high_risk = v,
                TypologyGroup::Vulnerable => w.vulnerable = v,
                TypologyGroup::Intermediate => w.intermediate = v,
                TypologyGroup::Favourable => w.favourable = v,
            }
        }
        w.validate().map_err(|e| e.to_string())?;
        Ok(w)
    }
}

#[cfg(test)]
#[expect(
    clippy::float_cmp,
    reason = "hand-computed values are exact in binary floating point"
)]
mod tests {
    use super::*;

    #[test]
    fn parse_and_lookup() {
        let w = NeedWeights::parse("risque élevé=2, favorables=0.5").expect("valid");
        assert_eq!(w.of(Some(TypologyGroup::HighRisk)), 2.0);
        assert_eq!(w.of(Some(TypologyGroup::Vulnerable)), 1.25);
        assert_eq!(w.of(Some(TypologyGroup::Favourable)), 0.5);
        assert_eq!(w.of(None), 1.0);
        assert!(NeedWeights::parse("high_risk=-1").is_err());
        assert!(NeedWeights::parse("urban=2").is_err());
        assert!(NeedWeights::parse("high_risk").is_err());
    }
}
