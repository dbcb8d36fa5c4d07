//! Bench coverage (in progress).
fn main() {}
