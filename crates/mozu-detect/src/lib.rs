//! Detectors over parsed mail: sender spoofing, reply-chain hijack, kaomoji and lure language, attachment and link risk, HTML markup tricks, and the verdict.
//!
//! Build [`Detectors`] once from a [`Config`] and call
//! [`Detectors::apply`] on every [`MessageRecord`] after the artifact
//! analyser ran: it appends findings (stable `id`, severity, score, title,
//! evidence) and sets the verdict. Findings added later (user rules) are
//! folded in with [`Detectors::verdict`]. Loose files get
//! [`Detectors::apply_file`].
//!
//! Artifact findings count once: the `attach` detector lifts every finding of
//! the artifact trees into the message's findings (same id, evidence pointing
//! at the tree path, one lifted finding per id keeping the highest score), and
//! the verdict sums the message's findings only, never the artifacts' own.
//!
//! Every detector is one module under `detectors/`, registered by one line in
//! [`detectors::REGISTRY`]. The directory of organisations, freemail,
//! shorteners, free hosting, file sharing and lure phrases are data files under
//! `data/`, extended by user directories ([`Config::extra_directories`]).
#![warn(missing_docs)]

mod context;
pub mod detectors;
pub mod lists;
pub mod rules;
pub mod text;
pub mod thread;

use std::path::PathBuf;
use std::sync::Arc;

use mozu_model::{FileRecord, Finding, MessageRecord, Severity, Verdict, VerdictLevel};

pub use context::{Context, Zone};
pub use lists::Lists;
pub use rules::MailRules;

/// Errors of this crate.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DetectError {
    /// A user data file could not be read.
    #[error("reading {path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
    /// A data file line is malformed.
    #[error("{file}:{line}: {message}")]
    Data {
        /// The file.
        file: String,
        /// One-based line number (0 when not about one line).
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// Thresholds out of order.
    #[error("thresholds: suspicious ({suspicious}) must be positive and below malicious ({malicious})")]
    Thresholds {
        /// Suspicious threshold.
        suspicious: i32,
        /// Malicious threshold.
        malicious: i32,
    },
}

/// Default score at which a message is suspicious.
pub const DEFAULT_SUSPICIOUS_AT: i32 = 30;
/// Default score at which a message is malicious.
pub const DEFAULT_MALICIOUS_AT: i32 = 70;

/// How detectors are built.
#[derive(Debug, Clone)]
pub struct Config {
    /// Score from which the verdict is `suspicious`.
    pub suspicious_at: i32,
    /// Score from which the verdict is `malicious`.
    pub malicious_at: i32,
    /// Directories with extra data files (same names and format as `data/`).
    pub extra_directories: Vec<PathBuf>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            suspicious_at: DEFAULT_SUSPICIOUS_AT,
            malicious_at: DEFAULT_MALICIOUS_AT,
            extra_directories: Vec::new(),
        }
    }
}

/// All detectors, ready to run on any number of messages from any thread.
#[derive(Debug, Clone)]
pub struct Detectors {
    lists: Arc<Lists>,
    suspicious_at: i32,
    malicious_at: i32,
}

impl Detectors {
    /// Builds the detectors: parses user data files and checks thresholds.
    pub fn new(config: &Config) -> Result<Self, DetectError> {
        if config.suspicious_at <= 0 || config.suspicious_at >= config.malicious_at {
            return Err(DetectError::Thresholds {
                suspicious: config.suspicious_at,
                malicious: config.malicious_at,
            });
        }
        Ok(Detectors {
            lists: Lists::with_directories(&config.extra_directories)?,
            suspicious_at: config.suspicious_at,
            malicious_at: config.malicious_at,
        })
    }

    /// The tables in use.
    pub fn lists(&self) -> &Lists {
        &self.lists
    }

    /// The findings of every detector for `record` (its own findings and
    /// verdict are not touched).
    pub fn findings(&self, record: &MessageRecord) -> Vec<Finding> {
        let ctx = Context::new(record, &self.lists);
        let mut out = Vec::new();
        for (_, run) in detectors::REGISTRY {
            run(&ctx, &mut out);
        }
        out
    }

    /// Appends the detectors' findings to `record` and sets its verdict over
    /// all of its findings.
    pub fn apply(&self, record: &mut MessageRecord) {
        let found = self.findings(record);
        record.findings.extend(found);
        record.verdict = Some(self.verdict(&record.findings));
    }

    /// Lifts the artifact findings of a loose file into its findings and sets
    /// its verdict.
    pub fn apply_file(&self, record: &mut FileRecord) {
        let mut found = Vec::new();
        detectors::attach::lift(&record.artifacts, &mut found);
        detectors::attach::tree_risks(&record.artifacts, true, &mut found);
        record.findings.extend(found);
        record.verdict = Some(self.verdict(&record.findings));
    }

    /// The verdict over `findings`: their scores summed, the level by the
    /// configured thresholds. Call again after adding rule findings.
    pub fn verdict(&self, findings: &[Finding]) -> Verdict {
        let score = findings.iter().map(|f| f.score).fold(0i32, i32::saturating_add);
        let level = if score >= self.malicious_at {
            VerdictLevel::Malicious
        } else if score >= self.suspicious_at {
            VerdictLevel::Suspicious
        } else {
            VerdictLevel::Clean
        };
        Verdict { score, level }
    }
}

/// A finding with one piece of evidence, clipped to 200 characters as every detector's evidence is.
pub(crate) fn finding(id: &str, severity: Severity, score: i32, title: &str, field: &str, value: &str) -> Finding {
    Finding::single(id, severity, score, title, field, text::clip(value, 200))
}
