//! The artifact analyser of mozu: type sniffing, the recursive artifact tree under one budget, hashes (incl. ssdeep and TLSH), findings and indicators per artifact.
#![warn(missing_docs)]
