//! catchment (in progress).
