//! Bench accessibility (in progress).
fn main() {}
