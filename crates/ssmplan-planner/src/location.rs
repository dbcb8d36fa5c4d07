//! Location models (in progress).
