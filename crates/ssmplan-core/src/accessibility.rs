//! Floating-catchment accessibility (2SFCA, E2SFCA, G2SFCA). In progress.
