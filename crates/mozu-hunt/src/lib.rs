//! Hunting: run Sigma rules over logs, build the timeline, attribute source-less events by co-occurrence.
#![warn(missing_docs)]
