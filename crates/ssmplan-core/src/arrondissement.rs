//! Names of the Walloon administrative arrondissements since the 2019 reform (arrondissement
//! of La Louvière created from parts of Soignies and Thuin, Mouscron merged into
//! Tournai-Mouscron). Statbel's 2025 tables still call 58000 "Soignies", like 55000; outputs
//! use these names, keyed by NIS code, and `validate` reports the corrections.

use crate::Nis;

/// NIS code and French name of each Walloon arrondissement (2019 onwards).
pub const WALLOON_ARRONDISSEMENTS: [(&str, &str); 20] = [
    ("25000", "Nivelles"),
    ("51000", "Ath"),
    ("52000", "Charleroi"),
    ("53000", "Mons"),
    ("55000", "Soignies"),
    ("56000", "Thuin"),
    ("57000", "Tournai-Mouscron"),
    ("58000", "La Louvière"),
    ("61000", "Huy"),
    ("62000", "Liège"),
    ("63000", "Verviers"),
    ("64000", "Waremme"),
    ("81000", "Arlon"),
    ("82000", "Bastogne"),
    ("83000", "Marche-en-Famenne"),
    ("84000", "Neufchâteau"),
    ("85000", "Virton"),
    ("91000", "Dinant"),
    ("92000", "Namur"),
    ("93000", "Philippeville"),
];

/// The 2019+ French name of a Walloon arrondissement.
#[must_use]
pub fn arrondissement_name(nis: Nis) -> Option<&'static str> {
    WALLOON_ARRONDISSEMENTS
        .iter()
        .find(|(code, _)| *code == nis.as_str())
        .map(|(_, name)| *name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_is_distinct_and_every_code_an_arrondissement() {
        let mut names: Vec<&str> = WALLOON_ARRONDISSEMENTS.iter().map(|a| a.1).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), WALLOON_ARRONDISSEMENTS.len());
        for (code, _) in WALLOON_ARRONDISSEMENTS {
            assert!(code.ends_with("000"), "{code}");
        }
        let louviere = Nis::try_from("58000").expect("nis");
        assert_eq!(arrondissement_name(louviere), Some("La Louvière"));
        assert_eq!(
            arrondissement_name(Nis::try_from("21000").expect("nis")),
            None
        );
    }
}
