//! Indicator extraction.
