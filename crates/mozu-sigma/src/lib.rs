//! Sigma rules for mozu: load rule folders with diagnostics, route by logsource, evaluate over flattened events, correlate.
#![warn(missing_docs)]
