use serde::{Deserialize, Serialize};

/// Stable machine-readable code of a [`Warning`]. Serialised in snake case;
/// codes are never renamed or reused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum WarningCode {
    /// The message exceeded the byte limit and was truncated.
    LimitMessageSize,
    /// MIME nesting exceeded the depth limit; deeper parts were ignored.
    LimitMimeDepth,
    /// The message had more MIME parts than the limit; the rest were ignored.
    LimitParts,
    /// The message had more header fields than the limit.
    LimitHeaderCount,
    /// A header field was longer than the limit and was truncated.
    LimitHeaderLength,
    /// A body or attachment was larger than the limit and was truncated.
    LimitBodySize,
    /// Indicator extraction stopped at its limit.
    LimitIndicators,
    /// A charset label was not recognised; the text was decoded by detection.
    CharsetUnknown,
    /// A charset label did not match the bytes; the text was decoded by
    /// detection instead.
    CharsetMislabeled,
    /// Text had no charset label and 8-bit bytes; decoded by detection.
    CharsetDetected,
    /// Bytes remained that no charset decodes; they became U+FFFD.
    UndecodableText,
    /// Transfer encoding (base64 / quoted-printable) was broken.
    TransferEncodingError,
    /// The `Date` header could not be parsed.
    DateInvalid,
    /// More than one mailbox in `From`; only the first is reported in `from`.
    MultipleFrom,
    /// An address header could not be fully parsed.
    AddressInvalid,
    /// A header expected once appeared several times.
    DuplicateHeader,
    /// Line endings were bare CR and were normalised.
    BareCrLineEndings,
    /// The MIME structure was malformed (missing boundary, truncated part).
    MimeMalformed,
    /// An Outlook .msg property was missing or malformed.
    MsgProperty,
    /// An Outlook RTF body could not be decompressed.
    RtfDecompress,
    /// An embedded message could not be parsed.
    EmbeddedMessage,
}

/// Something the parser had to work around: the record is still produced but
/// may be partial.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Warning {
    /// Stable code.
    pub code: WarningCode,
    /// Human-readable detail (which header, which part, which limit).
    pub message: String,
}

impl Warning {
    /// A warning with `code` and a detail message.
    pub fn new(code: WarningCode, message: impl Into<String>) -> Self {
        Warning {
            code,
            message: message.into(),
        }
    }
}
