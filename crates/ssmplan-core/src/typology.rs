//! The IWEPS four-group typology of Walloon communes (needs x offer/access to care).

use std::fmt;

/// One of the four IWEPS commune profiles, from the most to the least in need.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum TypologyGroup {
    /// *Risque élevé*: high use of care and high medico-administrative needs, very low offer and access.
    HighRisk,
    /// *Vulnérables*: high self-reported needs, low offer and access.
    Vulnerable,
    /// *Médians* / *intermédiaires*: close to the mean on both axes.
    Intermediate,
    /// *Favorables*: low needs, higher offer and access.
    Favourable,
}

/// Why a label is not a typology group.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{found}` is not a typology group (expected high_risk/risque élevé, vulnerable/vulnérables, intermediate/médians/intermédiaires or favourable/favorables)"
)]
pub struct TypologyGroupError {
    /// The rejected label.
    pub found: String,
}

impl TypologyGroup {
    /// All groups, from the highest to the lowest need.
    pub const ALL: [Self; 4] = [
        Self::HighRisk,
        Self::Vulnerable,
        Self::Intermediate,
        Self::Favourable,
    ];

    /// Stable machine key (`high_risk`, `vulnerable`, `intermediate`, `favourable`).
    #[must_use]
    pub fn key(self) -> &'static str {
        match self {
            Self::HighRisk => "high_risk",
            Self::Vulnerable => "vulnerable",
            Self::Intermediate => "intermediate",
            Self::Favourable => "favourable",
        }
    }

    /// The French label used by IWEPS and the sector.
    #[must_use]
    pub fn label_fr(self) -> &'static str {
        match self {
            Self::HighRisk => "risque élevé",
            Self::Vulnerable => "vulnérables",
            Self::Intermediate => "médians",
            Self::Favourable => "favorables",
        }
    }
}

impl fmt::Display for TypologyGroup {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// Lower-cases and strips the French accents and separators of a label.
fn fold(label: &str) -> String {
    label
        .trim()
        .chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'à' | 'â' => 'a',
            'î' | 'ï' => 'i',
            'ô' => 'o',
            'û' | 'ü' | 'ù' => 'u',
            'ç' => 'c',
            '-' | ' ' | '\'' | '’' => '_',
            other => other,
        })
        .collect()
}

impl TryFrom<&str> for TypologyGroup {
    type Error = TypologyGroupError;

    fn try_from(label: &str) -> Result<Self, Self::Error> {
        let folded = fold(label);
        let folded = folded
            .trim_start_matches("communes_")
            .trim_start_matches("territoires_")
            .trim_start_matches("a_");
        let group = match folded {
            "high_risk" | "risque_eleve" | "risque_eleves" | "1" => Self::HighRisk,
            "vulnerable" | "vulnerables" | "2" => Self::Vulnerable,
            "intermediate" | "median" | "medians" | "mediane" | "intermediaire"
            | "intermediaires" | "3" => Self::Intermediate,
            "favourable" | "favorable" | "favorables" | "favorisee" | "favorisees"
            | "favorises" | "4" => Self::Favourable,
            _ => {
                return Err(TypologyGroupError {
                    found: label.to_owned(),
                });
            }
        };
        Ok(group)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_labels_with_or_without_accents() {
        let cases = [
            ("risque élevé", TypologyGroup::HighRisk),
            ("Risque eleve", TypologyGroup::HighRisk),
            ("à risque élevé", TypologyGroup::HighRisk),
            ("vulnérables", TypologyGroup::Vulnerable),
            ("Vulnerables", TypologyGroup::Vulnerable),
            ("médians", TypologyGroup::Intermediate),
            ("intermédiaires", TypologyGroup::Intermediate),
            ("Favorables", TypologyGroup::Favourable),
            ("favorisées", TypologyGroup::Favourable),
            ("high_risk", TypologyGroup::HighRisk),
        ];
        for (label, group) in cases {
            assert_eq!(TypologyGroup::try_from(label), Ok(group), "{label}");
        }
        assert!(TypologyGroup::try_from("moyen").is_err());
        assert!(TypologyGroup::try_from("").is_err());
    }
}
