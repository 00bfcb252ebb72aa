//! Detectors over parsed mail: sender spoofing, reply-chain hijack, kaomoji and lure language, attachment and link risk, and the verdict.
#![warn(missing_docs)]

use mozu_model::MessageRecord;

/// Errors.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DetectError {
    /// A directory file could not be read.
    #[error("reading {path}: {source}")]
    Io {
        /// Path.
        path: String,
        /// Cause.
        source: std::io::Error,
    },
}

/// Configuration.
#[derive(Debug, Clone, Default)]
pub struct Config {}

/// Detectors.
pub struct Detectors {}

impl Detectors {
    /// Builds.
    pub fn new(_config: &Config) -> Result<Self, DetectError> {
        Ok(Detectors {})
    }
    /// Applies.
    pub fn apply(&self, _record: &mut MessageRecord) {}
}
