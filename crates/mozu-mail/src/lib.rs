//! Mail parsing for mozu.
//!
//! Turns raw mail — RFC 5322 messages, mbox files, Outlook .msg files —
//! into [`mozu_model::MessageRecord`]s: every header an analyst needs,
//! decoded exactly (Japanese charsets included, whatever the label says),
//! bodies rendered to text, attachments hashed, indicators extracted.
//!
//! MIME structure comes from mail-parser; this crate adds what it lacks for
//! Japanese malspam: header and parameter decoding from raw bytes
//! ([`rfc2047`], [`params`], [`address`]), charset resolution with content
//! detection ([`charset`]), and limits on every dimension ([`limits`]).
#![warn(missing_docs)]

pub mod address;
mod authres;
mod body;
pub mod charset;
mod eml;
pub mod files;
mod headers;
pub mod html;
mod indicators;
pub mod input;
pub mod limits;
mod msgrec;
pub mod params;
pub mod rfc2047;
mod transfer;

pub use eml::{parse_eml, parse_eml_parts};
pub use input::{InputKind, MboxMessage, MboxReader, sniff};
pub use limits::{Budget, Limits};
pub use msgrec::{parse_msg, parse_msg_parts};

use mozu_model::{MessageRecord, SourceFormat, SourceRef};

/// Errors of this crate.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MailError {
    /// The bytes are not a mail of any supported kind.
    #[error("not a mail message")]
    NotMail,
    /// An Outlook .msg file could not be read.
    #[error("Outlook .msg: {0}")]
    Msg(#[from] mozu_msg::MsgError),
}

/// A parsed message with the decoded bytes of its attachments, aligned
/// with `record.attachments`.
#[derive(Debug)]
pub struct Parsed {
    /// The record.
    pub record: MessageRecord,
    /// Bytes of each attachment.
    pub attachment_data: Vec<Vec<u8>>,
}

/// Parses one in-memory message of a known kind and keeps its attachment
/// bytes.
pub fn parse_message_parts(raw: &[u8], kind: InputKind, path: &str, limits: &Limits) -> Result<Parsed, MailError> {
    match kind {
        InputKind::Eml | InputKind::Mbox => Ok(parse_eml_parts(raw, source(path, SourceFormat::Eml, None), limits)),
        InputKind::Msg => parse_msg_parts(raw, source(path, SourceFormat::Msg, None), limits),
        InputKind::NotMail => Err(MailError::NotMail),
    }
}

/// Parses one in-memory message of a known kind (`Eml` or `Msg`).
pub fn parse_message(raw: &[u8], kind: InputKind, path: &str, limits: &Limits) -> Result<MessageRecord, MailError> {
    match kind {
        InputKind::Eml | InputKind::Mbox => Ok(parse_eml(raw, source(path, SourceFormat::Eml, None), limits)),
        InputKind::Msg => parse_msg(raw, source(path, SourceFormat::Msg, None), limits),
        InputKind::NotMail => Err(MailError::NotMail),
    }
}

/// A [`SourceRef`] for `path`.
pub fn source(path: &str, format: SourceFormat, index: Option<u64>) -> SourceRef {
    SourceRef {
        path: path.to_string(),
        index,
        format,
    }
}

/// The entry point fuzz targets drive: sniff, then parse whatever it is.
/// Must never panic.
pub fn fuzz_entry(data: &[u8]) {
    let limits = Limits::default();
    match sniff(data) {
        InputKind::Mbox => {
            for msg in MboxReader::new(data, limits.max_message_bytes).flatten() {
                let _ = parse_eml(&msg.bytes, source("fuzz", SourceFormat::Mbox, Some(msg.index)), &limits);
            }
        }
        InputKind::Msg => {
            let _ = parse_msg(data, source("fuzz", SourceFormat::Msg, None), &limits);
        }
        _ => {
            let _ = parse_eml(data, source("fuzz", SourceFormat::Eml, None), &limits);
        }
    }
}
