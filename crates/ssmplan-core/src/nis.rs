//! NIS (REFNIS) codes: the 5-digit Statbel keys of communes, arrondissements and provinces.

use std::fmt;

/// A NIS code: exactly five ASCII digits, kept as a string (leading digits matter).
///
/// Always join on NIS codes, never on names (spellings vary between sources).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Nis([u8; 5]);

/// Why a string is not a NIS code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{found}` is not a NIS code (expected exactly 5 digits)")]
pub struct NisError {
    /// The rejected text.
    pub found: String,
}

impl TryFrom<&str> for Nis {
    type Error = NisError;

    fn try_from(text: &str) -> Result<Self, Self::Error> {
        let trimmed = text.trim();
        let bytes = trimmed.as_bytes();
        if bytes.len() == 5 && bytes.iter().all(u8::is_ascii_digit) {
            let mut code = [0u8; 5];
            code.copy_from_slice(bytes);
            Ok(Self(code))
        } else {
            Err(NisError {
                found: text.to_owned(),
            })
        }
    }
}

impl Nis {
    /// The code as a 5-character string slice.
    #[must_use]
    pub fn as_str(&self) -> &str {
        // The five bytes are ASCII digits by construction.
        std::str::from_utf8(&self.0).unwrap_or("?????")
    }

    /// True for the nine German-speaking communes, whose mental-health competence lies with
    /// the German-speaking Community and not with AVIQ.
    #[must_use]
    pub fn is_german_speaking(&self) -> bool {
        GERMAN_SPEAKING.contains(&self.as_str())
    }
}

/// NIS codes of the nine German-speaking communes (2025 codes; unchanged since 2019).
pub const GERMAN_SPEAKING: [&str; 9] = [
    "63001", "63012", "63013", "63023", "63040", "63048", "63061", "63067", "63087",
];

impl fmt::Display for Nis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Nis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Nis({})", self.as_str())
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for Nis {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_five_digits_and_keeps_leading_zero() {
        let nis = Nis::try_from("03000").expect("valid");
        assert_eq!(nis.as_str(), "03000");
        assert_eq!(Nis::try_from(" 25005 ").expect("valid").as_str(), "25005");
    }

    #[test]
    fn rejects_other_text() {
        for bad in ["", "2500", "250055", "25a05", "25 05", "２５００５"] {
            assert!(Nis::try_from(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn german_speaking_communes() {
        assert!(Nis::try_from("63001").expect("valid").is_german_speaking());
        assert!(!Nis::try_from("62063").expect("valid").is_german_speaking());
    }
}
