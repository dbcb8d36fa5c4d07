//! Reconstructed typology (in progress).
