//! Detectors over parsed mail: sender spoofing, reply-chain hijack, kaomoji and lure language, attachment and link risk, and the verdict.
#![warn(missing_docs)]
