//! Coordinate reference systems (in progress).
