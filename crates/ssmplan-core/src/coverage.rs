//! coverage (in progress).
