//! Planning on top of `ssmplan-core`: location models for new SSM or antennes, the typology
//! (official or reconstructed), framework expansion, coordinator budget and scenarios.

pub mod location;
