//! Campaign clustering: per-mail features, candidate search by LSH and blocking, explained links, incremental clusters.
#![warn(missing_docs)]
