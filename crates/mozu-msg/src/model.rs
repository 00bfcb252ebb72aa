//! The parsed form of a `.msg` file.

/// One Outlook message: the top-level `.msg` or an embedded one.
///
/// Every field is optional because hostile or unusual files omit anything.
/// Property tags in the field docs are MAPI property ids.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OutlookMessage {
    /// Code page used for this message's 8-bit strings: `PR_MESSAGE_CODEPAGE`
    /// (0x3FFD), else `PR_INTERNET_CPID` (0x3FDE), else (for an embedded
    /// message) the parent's. `None` when strings were decoded by guessing.
    pub code_page: Option<u32>,
    /// `PR_MESSAGE_CLASS` (0x001A), e.g. `IPM.Note`.
    pub message_class: Option<String>,
    /// `PR_SUBJECT` (0x0037), the full subject with any prefix.
    pub subject: Option<String>,
    /// `PR_SENDER_NAME` (0x0C1A).
    pub sender_name: Option<String>,
    /// Sender address: `PidTagSenderSmtpAddress` (0x5D01), else
    /// `PR_SENDER_EMAIL_ADDRESS` (0x0C1F) — an SMTP address when
    /// `PR_SENDER_ADDRTYPE` (0x0C1E) is `SMTP`, else e.g. an Exchange DN.
    pub sender_email: Option<String>,
    /// `PR_SENT_REPRESENTING_NAME` (0x0042).
    pub sent_representing_name: Option<String>,
    /// `PidTagSentRepresentingSmtpAddress` (0x5D02), else
    /// `PR_SENT_REPRESENTING_EMAIL_ADDRESS` (0x0065).
    pub sent_representing_email: Option<String>,
    /// `PR_TRANSPORT_MESSAGE_HEADERS` (0x007D): the RFC 5322 header block of
    /// the message as received, when Outlook kept it.
    pub transport_headers: Option<String>,
    /// `PR_INTERNET_MESSAGE_ID` (0x1035).
    pub internet_message_id: Option<String>,
    /// `PR_IN_REPLY_TO_ID` (0x1042).
    pub in_reply_to: Option<String>,
    /// `PR_INTERNET_REFERENCES` (0x1039).
    pub references: Option<String>,
    /// `PR_CLIENT_SUBMIT_TIME` (0x0039) as Unix seconds.
    pub client_submit_time: Option<i64>,
    /// `PR_MESSAGE_DELIVERY_TIME` (0x0E06) as Unix seconds.
    pub delivery_time: Option<i64>,
    /// Recipients in storage order.
    pub recipients: Vec<Recipient>,
    /// `PR_BODY` (0x1000), the plain-text body.
    pub body_text: Option<String>,
    /// `PR_HTML` (0x1013), decoded with `PR_INTERNET_CPID`, else the HTML's
    /// own `<meta charset>`, else the message code page.
    pub body_html: Option<String>,
    /// `PR_RTF_COMPRESSED` (0x1009), decompressed RTF bytes.
    pub body_rtf: Option<Vec<u8>>,
    /// Plain text rendered from [`body_rtf`](Self::body_rtf); hyperlink
    /// fields are rendered as `text <url>`.
    pub rtf_text: Option<String>,
    /// HTML de-encapsulated from [`body_rtf`](Self::body_rtf) when the RTF
    /// was generated from HTML (`\fromhtml1`).
    pub rtf_html: Option<String>,
    /// Attachments in storage order.
    pub attachments: Vec<MsgAttachment>,
    /// What had to be worked around while reading this message (not its
    /// embedded messages: see [`all_warnings`](Self::all_warnings)).
    pub warnings: Vec<String>,
}

impl OutlookMessage {
    /// Warnings of this message and of every embedded message below it,
    /// each prefixed with its position (`attachment 2 > attachment 0: …`).
    pub fn all_warnings(&self) -> Vec<String> {
        let mut out = Vec::new();
        let mut stack: Vec<(String, &OutlookMessage)> = vec![(String::new(), self)];
        while let Some((prefix, message)) = stack.pop() {
            out.extend(message.warnings.iter().map(|w| format!("{prefix}{w}")));
            for (index, attachment) in message.attachments.iter().enumerate().rev() {
                if let Some(embedded) = &attachment.embedded {
                    stack.push((format!("{prefix}attachment {index} > "), embedded));
                }
            }
        }
        out
    }

    /// Number of embedded-message levels below this one along the deepest
    /// chain (0 when nothing is embedded).
    pub fn embed_depth(&self) -> usize {
        let mut deepest = 0;
        let mut stack: Vec<(usize, &OutlookMessage)> = vec![(0, self)];
        while let Some((depth, message)) = stack.pop() {
            deepest = deepest.max(depth);
            for attachment in &message.attachments {
                if let Some(embedded) = &attachment.embedded {
                    stack.push((depth + 1, embedded));
                }
            }
        }
        deepest
    }
}

/// How a recipient was addressed (`PR_RECIPIENT_TYPE`, 0x0C15).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RecipientKind {
    /// `MAPI_TO` (1).
    To,
    /// `MAPI_CC` (2).
    Cc,
    /// `MAPI_BCC` (3).
    Bcc,
    /// Any other value, or 0 when the property is missing.
    Other(u32),
}

impl RecipientKind {
    /// Maps a `PR_RECIPIENT_TYPE` value, ignoring the `MAPI_P1` and
    /// `MAPI_SUBMITTED` flag bits.
    pub fn from_mapi(value: u32) -> Self {
        const MAPI_P1: u32 = 0x1000_0000;
        const MAPI_SUBMITTED: u32 = 0x8000_0000;
        match value & !(MAPI_P1 | MAPI_SUBMITTED) {
            1 => Self::To,
            2 => Self::Cc,
            3 => Self::Bcc,
            _ => Self::Other(value),
        }
    }
}

/// One recipient of a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recipient {
    /// To, Cc, Bcc or other.
    pub kind: RecipientKind,
    /// `PR_DISPLAY_NAME` (0x3001).
    pub name: Option<String>,
    /// `PR_SMTP_ADDRESS` (0x39FE), else `PR_EMAIL_ADDRESS` (0x3003).
    pub email: Option<String>,
}

/// One attachment of a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MsgAttachment {
    /// `PR_ATTACH_LONG_FILENAME` (0x3707), else `PR_ATTACH_FILENAME`
    /// (0x3704), else `PR_DISPLAY_NAME` (0x3001). Attacker-chosen: sanitise
    /// before using it as a file name.
    pub name: Option<String>,
    /// `PR_ATTACH_MIME_TAG` (0x370E).
    pub mime_type: Option<String>,
    /// `PR_ATTACH_CONTENT_ID` (0x3712), for inline images.
    pub content_id: Option<String>,
    /// `PR_ATTACH_METHOD` (0x3705): 1 by value, 5 embedded message, 6 OLE,
    /// 0 when missing.
    pub method: u32,
    /// `PR_ATTACH_DATA_BIN` (0x3701, binary) for by-value attachments; empty
    /// for embedded messages and OLE objects.
    pub data: Vec<u8>,
    /// The embedded message for method 5, when within the nesting limit.
    pub embedded: Option<Box<OutlookMessage>>,
    /// The embedded message re-written as a standalone `.msg` file, as
    /// Outlook's "Save As" on the attached message does: the storage's
    /// streams and sub-storages under a new root, the top-level
    /// `__nameid_version1.0` added when the storage lacks one, and the
    /// 32-byte top-level `__properties_version1.0` header.
    ///
    /// Present whenever [`embedded`](Self::embedded) is, unless the copy
    /// could not be made completely (limits reached, unreadable streams,
    /// nesting deeper than [`Limits::max_embed_depth`](crate::Limits)); the
    /// reason is then in the warnings of the message holding the
    /// attachment. The bytes depend only on the input file, so their hash
    /// is stable; the CFB layout (sector order, directory order) is this
    /// crate's, so it need not match a file Outlook itself saved.
    pub embedded_raw: Option<Vec<u8>>,
}

/// `PR_ATTACH_METHOD` value for a by-value attachment.
pub(crate) const ATTACH_BY_VALUE: u32 = 1;
/// `PR_ATTACH_METHOD` value for an embedded message.
pub(crate) const ATTACH_EMBEDDED_MSG: u32 = 5;
/// `PR_ATTACH_METHOD` value for an OLE object.
pub(crate) const ATTACH_OLE: u32 = 6;
