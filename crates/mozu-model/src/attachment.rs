use serde::{Deserialize, Serialize};

/// A MIME part (or Outlook attachment) that carries a file rather than the
/// message body.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    /// File name, decoded (RFC 2047 and RFC 2231 continuations joined,
    /// Japanese charsets detected). The attacker chose it: never use it as a
    /// path.
    #[serde(default)]
    pub name: Option<String>,
    /// Content type declared by the sender, lower-cased (`application/zip`).
    #[serde(default)]
    pub content_type: Option<String>,
    /// `attachment`, `inline`, or absent.
    #[serde(default)]
    pub disposition: Option<String>,
    /// Position of the part in the MIME tree (`1.2.1`), or `msg:N` for an
    /// Outlook attachment.
    pub part: String,
    /// Size in bytes after transfer decoding.
    pub size: u64,
    /// MD5 of the decoded bytes, lower-case hex.
    pub md5: String,
    /// SHA-1 of the decoded bytes, lower-case hex.
    pub sha1: String,
    /// SHA-256 of the decoded bytes, lower-case hex.
    pub sha256: String,
    /// True when the part is itself a message (`message/rfc822` or an
    /// embedded Outlook message).
    #[serde(default)]
    pub is_message: bool,
}
