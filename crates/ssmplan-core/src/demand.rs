//! demand (in progress).
