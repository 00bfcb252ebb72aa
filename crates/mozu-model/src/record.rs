use serde::{Deserialize, Serialize};

use crate::{Artifact, Finding, MessageRecord, SourceRef, UrlIndicator, Verdict, Warning};

/// Why an input produced no message record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ErrorKind {
    /// The file could not be read (permissions, vanished, I/O error).
    Io,
    /// The content looked like mail but could not be parsed at all.
    Parse,
    /// The input exceeded a hard limit and nothing useful could be kept.
    Limit,
}

/// An input that could not be turned into a message record. The batch goes
/// on; the error is reported in the same stream so that nothing is lost.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorRecord {
    /// The input that failed.
    pub source: SourceRef,
    /// Error class.
    pub kind: ErrorKind,
    /// Human-readable reason.
    pub message: String,
}

/// A loose file analysed by `mozu file scan`: its artifact tree and the
/// indicators found in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileRecord {
    /// The file.
    pub source: SourceRef,
    /// The artifact tree, flattened in tree order; the first is the file.
    pub artifacts: Vec<Artifact>,
    /// URLs found in the tree (`where: attachment`, `artifact` = tree path).
    #[serde(default)]
    pub urls: Vec<UrlIndicator>,
    /// Domains found in the tree.
    #[serde(default)]
    pub domains: Vec<String>,
    /// IP addresses found in the tree.
    #[serde(default)]
    pub ips: Vec<String>,
    /// E-mail addresses found in the tree.
    #[serde(default)]
    pub emails: Vec<String>,
    /// Findings about the file as a whole.
    #[serde(default)]
    pub findings: Vec<Finding>,
    /// The verdict over all findings; absent when detectors did not run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verdict: Option<Verdict>,
    /// Warnings about the file as a whole.
    #[serde(default)]
    pub warnings: Vec<Warning>,
}

/// One line of `mozu mail scan` JSON Lines output, tagged by `type`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
#[allow(clippy::large_enum_variant)]
pub enum Record {
    /// A parsed message.
    Message(MessageRecord),
    /// An analysed loose file (`mozu file scan`).
    File(FileRecord),
    /// An input that failed.
    Error(ErrorRecord),
}
