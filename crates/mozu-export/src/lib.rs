//! Exports: STIX 2.1 bundles, MISP events, CSV indicators, GraphML graphs and the offline HTML report.
#![warn(missing_docs)]
