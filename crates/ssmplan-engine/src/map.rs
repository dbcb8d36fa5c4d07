//! The map service's layers.
