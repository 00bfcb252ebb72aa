use serde::{Deserialize, Serialize};

use crate::{MessageRecord, SourceRef};

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

/// One line of `mozu mail scan` JSON Lines output, tagged by `type`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
#[allow(clippy::large_enum_variant)]
pub enum Record {
    /// A parsed message.
    Message(MessageRecord),
    /// An input that failed.
    Error(ErrorRecord),
}
