//! Bench nearest (in progress).
fn main() {}
