//! Outlook `.msg` reader for mozu.
//!
//! Users forward suspicious mail to the SOC as Outlook `.msg` files: a
//! Compound File Binary (CFB) container holding MAPI properties
//! ([MS-OXMSG]). This crate turns one into an [`OutlookMessage`]: subject,
//! sender, recipients, the original RFC 5322 transport headers, the text /
//! HTML / RTF bodies, attachments and embedded `.msg` attachments, each of
//! the latter both parsed and re-written as a standalone `.msg` file
//! ([`MsgAttachment::embedded_raw`]).
//!
//! Unlike general-purpose readers it never drops a property it was asked
//! for: 8-bit (`PT_STRING8`) strings are decoded with the message code page
//! (`PR_MESSAGE_CODEPAGE`, else `PR_INTERNET_CPID`, else a content guess that
//! favours Shift_JIS for Japanese mail), and whatever cannot be decoded
//! cleanly is decoded lossily with an entry in [`OutlookMessage::warnings`].
//!
//! Compressed RTF bodies ([MS-OXRTFCP]) are decompressed here, rendered to
//! plain text and, when they encapsulate HTML ([MS-OXRTFEX]), de-encapsulated;
//! see the [`rtf`] module, which is also usable on its own.
//!
//! Every input is treated as hostile: all reads are capped by [`Limits`],
//! embedded messages and RTF groups are walked with explicit stacks, and
//! [`parse_msg`] returns an error only when the input is not a CFB `.msg` at
//! all. With the `writer` feature (and in this crate's own tests) the
//! `writer` module builds synthetic `.msg` files for fixtures.
//!
//! [MS-OXMSG]: https://learn.microsoft.com/openspecs/exchange_server_protocols/ms-oxmsg
//! [MS-OXRTFCP]: https://learn.microsoft.com/openspecs/exchange_server_protocols/ms-oxrtfcp
//! [MS-OXRTFEX]: https://learn.microsoft.com/openspecs/exchange_server_protocols/ms-oxrtfex
#![warn(missing_docs)]

mod body;
mod cfbread;
pub mod codepage;
mod message;
mod model;
pub mod rtf;
mod standalone;
#[cfg(test)]
mod tests;
#[cfg(any(test, feature = "writer"))]
pub mod writer;

pub use model::{MsgAttachment, OutlookMessage, Recipient, RecipientKind};

/// Largest `.msg` file accepted, in bytes.
pub const MAX_MSG_BYTES: usize = 64 << 20;
/// Most attachments read from one message; the rest are reported in a warning.
pub const MAX_ATTACHMENTS: usize = 500;
/// Most recipients read from one message; the rest are reported in a warning.
pub const MAX_RECIPIENTS: usize = 5_000;
/// Deepest nesting of embedded `.msg` attachments that is parsed; deeper ones
/// are reported as plain attachments with a warning.
pub const MAX_EMBED_DEPTH: usize = 8;
/// Largest single property stream read, in bytes; longer ones are truncated
/// with a warning.
pub const MAX_PROPERTY_BYTES: usize = 32 << 20;
/// Largest decompressed RTF body and largest text rendered from it, in bytes.
pub const MAX_RTF_OUTPUT: usize = 16 << 20;
/// Most bytes read from streams plus bytes produced by RTF decompression
/// over a whole file, embedded messages included.
pub const MAX_TOTAL_BYTES: usize = 256 << 20;

/// The CFB signature that every `.msg` file starts with.
const CFB_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// Resource limits for [`parse_msg`]. `Limits::default()` uses the `MAX_*`
/// constants of this crate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Largest input accepted, in bytes ([`MAX_MSG_BYTES`]).
    pub max_msg_bytes: usize,
    /// Most attachments read per message ([`MAX_ATTACHMENTS`]).
    pub max_attachments: usize,
    /// Most recipients read per message ([`MAX_RECIPIENTS`]).
    pub max_recipients: usize,
    /// Deepest embedded-message nesting parsed ([`MAX_EMBED_DEPTH`]).
    pub max_embed_depth: usize,
    /// Largest single property stream read ([`MAX_PROPERTY_BYTES`]).
    pub max_property_bytes: usize,
    /// Largest decompressed or rendered RTF output ([`MAX_RTF_OUTPUT`]).
    pub max_rtf_output: usize,
    /// Total bytes read and decompressed over the whole file ([`MAX_TOTAL_BYTES`]).
    pub max_total_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_msg_bytes: MAX_MSG_BYTES,
            max_attachments: MAX_ATTACHMENTS,
            max_recipients: MAX_RECIPIENTS,
            max_embed_depth: MAX_EMBED_DEPTH,
            max_property_bytes: MAX_PROPERTY_BYTES,
            max_rtf_output: MAX_RTF_OUTPUT,
            max_total_bytes: MAX_TOTAL_BYTES,
        }
    }
}

/// Why [`parse_msg`] could not read a file at all. Problems inside a valid
/// container are not errors: they become [`OutlookMessage::warnings`].
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MsgError {
    /// The input is larger than [`Limits::max_msg_bytes`].
    #[error("input is {len} bytes, over the {max}-byte .msg limit")]
    TooLarge {
        /// Size of the input in bytes.
        len: usize,
        /// The limit in force.
        max: usize,
    },
    /// The input does not start with the CFB signature.
    #[error("not an Outlook .msg file: no Compound File Binary signature")]
    NotCfb,
    /// The CFB container is malformed beyond reading.
    #[error("malformed Compound File Binary container: {0}")]
    Cfb(#[source] std::io::Error),
    /// The CFB container holds no MAPI message properties (e.g. a `.doc`).
    #[error("Compound File Binary file holds no MAPI message properties (not an Outlook .msg)")]
    NotMsg,
    /// The underlying CFB library panicked on this input; the panic was
    /// contained so that a batch can go on.
    #[error("internal error while reading the Compound File Binary container")]
    Internal,
}

/// Cheap check for the CFB signature `D0 CF 11 E0 A1 B1 1A E1`. A `true`
/// answer does not mean the file is a `.msg` (Word 97 documents are CFB too).
pub fn is_msg(bytes: &[u8]) -> bool {
    bytes.starts_with(&CFB_MAGIC)
}

/// Parses an Outlook `.msg` file.
///
/// Fails only when the input is too large, is not a CFB container, or is a
/// CFB container without MAPI properties. Everything else that goes wrong
/// (truncated streams, undecodable strings, bad RTF, limits reached) is
/// reported in [`OutlookMessage::warnings`] of the message concerned.
pub fn parse_msg(bytes: &[u8], limits: &Limits) -> Result<OutlookMessage, MsgError> {
    // The parser itself does not panic; this only contains a panic inside
    // the third-party CFB reader so that one bad file cannot stop a batch.
    std::panic::catch_unwind(|| parse_msg_unguarded(bytes, limits)).unwrap_or(Err(MsgError::Internal))
}

/// [`parse_msg`] without the panic guard, so that tests see panics.
pub(crate) fn parse_msg_unguarded(bytes: &[u8], limits: &Limits) -> Result<OutlookMessage, MsgError> {
    if bytes.len() > limits.max_msg_bytes {
        return Err(MsgError::TooLarge {
            len: bytes.len(),
            max: limits.max_msg_bytes,
        });
    }
    if !is_msg(bytes) {
        return Err(MsgError::NotCfb);
    }
    message::read_message_tree(bytes, limits)
}
