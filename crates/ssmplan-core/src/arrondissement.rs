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

/// The Walloon NUTS 3 regions (NUTS 2024, Eurostat's districts): code, name and arrondissement.
/// Every region is one arrondissement, except Verviers (63000), split between BE335 (its
/// French-speaking communes) and BE336 (the 9 German-speaking communes).
pub const WALLOON_NUTS3: [(&str, &str, &str); 21] = [
    ("BE310", "Arr. Nivelles", "25000"),
    ("BE323", "Arr. Mons", "53000"),
    ("BE328", "Arr. Tournai-Mouscron", "57000"),
    ("BE329", "Arr. La Louvière", "58000"),
    ("BE32A", "Arr. Ath", "51000"),
    ("BE32B", "Arr. Charleroi", "52000"),
    ("BE32C", "Arr. Soignies", "55000"),
    ("BE32D", "Arr. Thuin", "56000"),
    ("BE331", "Arr. Huy", "61000"),
    ("BE332", "Arr. Liège", "62000"),
    ("BE334", "Arr. Waremme", "64000"),
    ("BE335", "Arr. Verviers — communes francophones", "63000"),
    (
        "BE336",
        "Bezirk Verviers — Deutschsprachige Gemeinschaft",
        "63000",
    ),
    ("BE341", "Arr. Arlon", "81000"),
    ("BE342", "Arr. Bastogne", "82000"),
    ("BE343", "Arr. Marche-en-Famenne", "83000"),
    ("BE344", "Arr. Neufchâteau", "84000"),
    ("BE345", "Arr. Virton", "85000"),
    ("BE351", "Arr. Dinant", "91000"),
    ("BE352", "Arr. Namur", "92000"),
    ("BE353", "Arr. Philippeville", "93000"),
];

/// The NUTS 3 region (code, name) of a Walloon commune, from its 2025 NIS code and
/// arrondissement; `None` outside Wallonia.
#[must_use]
pub fn nuts3_of(commune: Nis, arrondissement: Nis) -> Option<(&'static str, &'static str)> {
    let german = commune.is_german_speaking();
    WALLOON_NUTS3
        .iter()
        .find(|(code, _, arr)| {
            *arr == arrondissement.as_str()
                && (arrondissement.as_str() != "63000" || (*code == "BE336") == german)
        })
        .map(|(code, name, _)| (*code, *name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nuts3_covers_every_arrondissement_and_splits_verviers() {
        let nis = |s: &str| Nis::try_from(s).expect("nis");
        for (arr, _) in WALLOON_ARRONDISSEMENTS {
            assert!(
                nuts3_of(nis(&format!("{}001", &arr[..2])), nis(arr)).is_some(),
                "{arr}"
            );
        }
        // Eupen (63023) is German-speaking, Verviers (63079) is not.
        assert_eq!(
            nuts3_of(nis("63023"), nis("63000")).map(|n| n.0),
            Some("BE336")
        );
        assert_eq!(
            nuts3_of(nis("63079"), nis("63000")).map(|n| n.0),
            Some("BE335")
        );
        assert_eq!(
            nuts3_of(nis("58001"), nis("58000")).map(|n| n.0),
            Some("BE329")
        );
        assert_eq!(nuts3_of(nis("21004"), nis("21000")), None);
        let mut codes: Vec<&str> = WALLOON_NUTS3.iter().map(|n| n.0).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), WALLOON_NUTS3.len());
    }

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
