//! A small Outlook `.msg` writer for building test fixtures.
//!
//! Enabled by the `writer` feature (always on in this crate's own tests).
//! It writes the MS-OXMSG layout that Outlook writes: property streams,
//! `__properties_version1.0` with the right header sizes, recipient and
//! attachment storages, embedded messages, the named-property storage, and
//! `PR_RTF_COMPRESSED` in LZFu or MELA form.
//!
//! ```
//! use mozu_msg::writer::MsgBuilder;
//!
//! let invoice = MsgBuilder::new()
//!     .unicode(false)
//!     .code_page(932)
//!     .subject("【重要】請求書の送付について")
//!     .sender("山田 太郎", "taro@example.jp")
//!     .to("経理部", "keiri@example.co.jp")
//!     .body_text("請求書を添付します。")
//!     .attach("請求書.zip", "application/zip", b"PK\x03\x04".to_vec())
//!     .build();
//! let message = mozu_msg::parse_msg(&invoice, &Default::default()).unwrap();
//! assert_eq!(message.subject.as_deref(), Some("【重要】請求書の送付について"));
//! ```

mod emit;
mod lzfu;

pub use lzfu::{compress_rtf, uncompressed_rtf};

/// `PR_RECIPIENT_TYPE` of a To recipient.
const MAPI_TO: u32 = 1;
/// `PR_RECIPIENT_TYPE` of a Cc recipient.
const MAPI_CC: u32 = 2;
/// `PR_RECIPIENT_TYPE` of a Bcc recipient.
const MAPI_BCC: u32 = 3;

/// A sender-style address: display name, address type and address.
#[derive(Debug, Clone)]
struct AddressSpec {
    name: String,
    address_type: String,
    address: String,
    smtp: Option<String>,
}

/// A recipient to write.
#[derive(Debug, Clone)]
struct RecipientSpec {
    kind: u32,
    name: String,
    email: String,
}

/// An attachment to write.
#[derive(Debug, Clone)]
enum AttachmentSpec {
    ByValue {
        name: String,
        mime_type: String,
        content_id: Option<String>,
        data: Vec<u8>,
    },
    Embedded {
        name: String,
        message: Box<MsgBuilder>,
    },
}

/// Builds an Outlook `.msg` file. Every setter consumes and returns the
/// builder; [`build`](Self::build) produces the bytes.
///
/// Strings are written as `PT_UNICODE` by default; with
/// [`unicode(false)`](Self::unicode) they are `PT_STRING8` encoded in
/// [`code_page`](Self::code_page) (windows-1252 when unset; characters the
/// code page lacks become HTML numeric references, as `encoding_rs` does).
#[derive(Debug, Clone)]
pub struct MsgBuilder {
    unicode: bool,
    code_page: Option<u32>,
    internet_code_page: Option<u32>,
    message_class: Option<String>,
    subject: Option<String>,
    sender: Option<AddressSpec>,
    sent_representing: Option<AddressSpec>,
    transport_headers: Option<String>,
    message_id: Option<String>,
    in_reply_to: Option<String>,
    references: Option<String>,
    submit_time: Option<i64>,
    delivery_time: Option<i64>,
    recipients: Vec<RecipientSpec>,
    body_text: Option<String>,
    body_html: Option<HtmlBody>,
    rtf_compressed: Option<Vec<u8>>,
    attachments: Vec<AttachmentSpec>,
    raw_streams: Vec<(String, Vec<u8>)>,
    raw_longs: Vec<(u16, u32)>,
}

/// HTML body as text (encoded at build time) or as exact bytes.
#[derive(Debug, Clone)]
enum HtmlBody {
    Text(String),
    Bytes(Vec<u8>),
}

impl Default for MsgBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl MsgBuilder {
    /// A Unicode `IPM.Note` with nothing else set.
    pub fn new() -> Self {
        Self {
            unicode: true,
            code_page: None,
            internet_code_page: None,
            message_class: Some("IPM.Note".to_owned()),
            subject: None,
            sender: None,
            sent_representing: None,
            transport_headers: None,
            message_id: None,
            in_reply_to: None,
            references: None,
            submit_time: None,
            delivery_time: None,
            recipients: Vec::new(),
            body_text: None,
            body_html: None,
            rtf_compressed: None,
            attachments: Vec::new(),
            raw_streams: Vec::new(),
            raw_longs: Vec::new(),
        }
    }

    /// `true` (default): strings as `PT_UNICODE`; `false`: `PT_STRING8`.
    pub fn unicode(mut self, unicode: bool) -> Self {
        self.unicode = unicode;
        self
    }

    /// Writes `PR_MESSAGE_CODEPAGE` and encodes 8-bit strings with it.
    pub fn code_page(mut self, code_page: u32) -> Self {
        self.code_page = Some(code_page);
        self
    }

    /// Writes `PR_INTERNET_CPID`; the HTML body is encoded with it.
    pub fn internet_code_page(mut self, code_page: u32) -> Self {
        self.internet_code_page = Some(code_page);
        self
    }

    /// `PR_MESSAGE_CLASS` (default `IPM.Note`).
    pub fn message_class(mut self, class: impl Into<String>) -> Self {
        self.message_class = Some(class.into());
        self
    }

    /// `PR_SUBJECT`.
    pub fn subject(mut self, subject: impl Into<String>) -> Self {
        self.subject = Some(subject.into());
        self
    }

    /// An SMTP sender: name, `SMTP` address type, address and
    /// `PidTagSenderSmtpAddress`.
    pub fn sender(mut self, name: impl Into<String>, email: impl Into<String>) -> Self {
        let email = email.into();
        self.sender = Some(AddressSpec {
            name: name.into(),
            address_type: "SMTP".to_owned(),
            smtp: Some(email.clone()),
            address: email,
        });
        self
    }

    /// An Exchange sender: `EX` address type with a legacy DN and no SMTP
    /// address property.
    pub fn sender_exchange(mut self, name: impl Into<String>, dn: impl Into<String>) -> Self {
        self.sender = Some(AddressSpec {
            name: name.into(),
            address_type: "EX".to_owned(),
            address: dn.into(),
            smtp: None,
        });
        self
    }

    /// The "sent on behalf of" (sent representing) address, SMTP.
    pub fn sent_representing(mut self, name: impl Into<String>, email: impl Into<String>) -> Self {
        let email = email.into();
        self.sent_representing = Some(AddressSpec {
            name: name.into(),
            address_type: "SMTP".to_owned(),
            smtp: Some(email.clone()),
            address: email,
        });
        self
    }

    /// `PR_TRANSPORT_MESSAGE_HEADERS`.
    pub fn transport_headers(mut self, headers: impl Into<String>) -> Self {
        self.transport_headers = Some(headers.into());
        self
    }

    /// `PR_INTERNET_MESSAGE_ID`.
    pub fn message_id(mut self, id: impl Into<String>) -> Self {
        self.message_id = Some(id.into());
        self
    }

    /// `PR_IN_REPLY_TO_ID`.
    pub fn in_reply_to(mut self, id: impl Into<String>) -> Self {
        self.in_reply_to = Some(id.into());
        self
    }

    /// `PR_INTERNET_REFERENCES`.
    pub fn references(mut self, references: impl Into<String>) -> Self {
        self.references = Some(references.into());
        self
    }

    /// `PR_CLIENT_SUBMIT_TIME` from Unix seconds.
    pub fn submit_time(mut self, unix_seconds: i64) -> Self {
        self.submit_time = Some(unix_seconds);
        self
    }

    /// `PR_MESSAGE_DELIVERY_TIME` from Unix seconds.
    pub fn delivery_time(mut self, unix_seconds: i64) -> Self {
        self.delivery_time = Some(unix_seconds);
        self
    }

    /// Adds a To recipient.
    pub fn to(self, name: impl Into<String>, email: impl Into<String>) -> Self {
        self.recipient(MAPI_TO, name, email)
    }

    /// Adds a Cc recipient.
    pub fn cc(self, name: impl Into<String>, email: impl Into<String>) -> Self {
        self.recipient(MAPI_CC, name, email)
    }

    /// Adds a Bcc recipient.
    pub fn bcc(self, name: impl Into<String>, email: impl Into<String>) -> Self {
        self.recipient(MAPI_BCC, name, email)
    }

    /// Adds a recipient with a raw `PR_RECIPIENT_TYPE`.
    pub fn recipient(mut self, kind: u32, name: impl Into<String>, email: impl Into<String>) -> Self {
        self.recipients.push(RecipientSpec {
            kind,
            name: name.into(),
            email: email.into(),
        });
        self
    }

    /// `PR_BODY`.
    pub fn body_text(mut self, text: impl Into<String>) -> Self {
        self.body_text = Some(text.into());
        self
    }

    /// `PR_HTML` as binary, encoded with the internet code page, else the
    /// message code page, else UTF-8.
    pub fn body_html(mut self, html: impl Into<String>) -> Self {
        self.body_html = Some(HtmlBody::Text(html.into()));
        self
    }

    /// `PR_HTML` as exactly these bytes.
    pub fn body_html_bytes(mut self, html: impl Into<Vec<u8>>) -> Self {
        self.body_html = Some(HtmlBody::Bytes(html.into()));
        self
    }

    /// `PR_RTF_COMPRESSED` holding `rtf` compressed with LZFu.
    pub fn rtf_body(mut self, rtf: impl AsRef<[u8]>) -> Self {
        self.rtf_compressed = Some(compress_rtf(rtf.as_ref()));
        self
    }

    /// `PR_RTF_COMPRESSED` holding `rtf` in the uncompressed MELA form.
    pub fn rtf_body_uncompressed(mut self, rtf: impl AsRef<[u8]>) -> Self {
        self.rtf_compressed = Some(uncompressed_rtf(rtf.as_ref()));
        self
    }

    /// `PR_RTF_COMPRESSED` as exactly these bytes (for damaged-RTF tests).
    pub fn rtf_compressed_raw(mut self, bytes: impl Into<Vec<u8>>) -> Self {
        self.rtf_compressed = Some(bytes.into());
        self
    }

    /// Adds a by-value attachment.
    pub fn attach(self, name: impl Into<String>, mime_type: impl Into<String>, data: impl Into<Vec<u8>>) -> Self {
        self.attach_with_content_id(name, mime_type, None::<String>, data)
    }

    /// Adds a by-value attachment with a `Content-ID` (inline image).
    pub fn attach_with_content_id(
        mut self,
        name: impl Into<String>,
        mime_type: impl Into<String>,
        content_id: Option<impl Into<String>>,
        data: impl Into<Vec<u8>>,
    ) -> Self {
        self.attachments.push(AttachmentSpec::ByValue {
            name: name.into(),
            mime_type: mime_type.into(),
            content_id: content_id.map(Into::into),
            data: data.into(),
        });
        self
    }

    /// Adds an embedded message attachment named after its subject.
    pub fn embed(self, message: MsgBuilder) -> Self {
        let name = message.subject.clone().unwrap_or_default();
        self.embed_named(name, message)
    }

    /// Adds an embedded message attachment with a display name.
    pub fn embed_named(mut self, name: impl Into<String>, message: MsgBuilder) -> Self {
        self.attachments.push(AttachmentSpec::Embedded {
            name: name.into(),
            message: Box::new(message),
        });
        self
    }

    /// Adds an arbitrary stream to the message storage, e.g. a garbage
    /// `__substg1.0_0037001F` (written after, so replacing, the regular one).
    pub fn raw_stream(mut self, name: impl Into<String>, data: impl Into<Vec<u8>>) -> Self {
        self.raw_streams.push((name.into(), data.into()));
        self
    }

    /// Adds a `PT_LONG` fixed-size property to the message.
    pub fn raw_long(mut self, id: u16, value: u32) -> Self {
        self.raw_longs.push((id, value));
        self
    }

    /// Writes the `.msg` file.
    ///
    /// # Panics
    ///
    /// Only if writing to an in-memory buffer fails, which it does not;
    /// use [`try_build`](Self::try_build) to get the error instead.
    pub fn build(&self) -> Vec<u8> {
        match self.try_build() {
            Ok(bytes) => bytes,
            Err(err) => panic!("writing a .msg to memory failed: {err}"),
        }
    }

    /// Writes the `.msg` file, returning I/O errors of the CFB writer.
    pub fn try_build(&self) -> std::io::Result<Vec<u8>> {
        emit::build(self)
    }
}
