//! Planning on top of `ssmplan-core`: location models for new SSM or antennes, the typology
//! (official or reconstructed), need weights, framework expansion, coordinator budget and
//! scenarios.

pub mod budget;
pub mod frameworks;
pub mod location;
pub mod need;
pub mod recommend;
pub mod scenario;
pub mod typology;

pub use budget::{
    CoordinatorBands, CoordinatorBudget, DEFAULT_COST_PER_ETP_EUR, coordinator_budget,
};
pub use need::NeedWeights;
