//! `ssmplan`: command-line interface.

fn main() {}
