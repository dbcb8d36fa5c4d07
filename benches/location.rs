//! Bench location (in progress).
fn main() {}
