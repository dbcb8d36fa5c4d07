//! HTTP map service of ssmplan (in progress).
