use serde::{Deserialize, Serialize};

use crate::{
    Address, Artifact, Attachment, AuthSummary, Finding, HtmlAttachment, HtmlSummary, UrlIndicator, Verdict, Warning,
};

/// The container format a message was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum SourceFormat {
    /// A single RFC 5322 message (.eml, Maildir file, extension-less file).
    Eml,
    /// One message out of an mbox file.
    Mbox,
    /// An Outlook .msg (CFB/MAPI) file.
    Msg,
    /// A loose file that is not mail (`mozu file scan`).
    File,
}

/// Where a record came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceRef {
    /// Path as given or found by the directory walk; `-` for standard input.
    pub path: String,
    /// Zero-based position of the message inside an mbox file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub index: Option<u64>,
    /// Container format.
    pub format: SourceFormat,
}

/// One `Received` header: a hop of the transport path.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceivedHop {
    /// Host name the sending side claimed (`from` clause).
    #[serde(default)]
    pub from_host: Option<String>,
    /// IP address of the sending side, as recorded by the receiver.
    #[serde(default)]
    pub ip: Option<String>,
    /// Reverse DNS name recorded for the sending IP, if any.
    #[serde(default)]
    pub from_rdns: Option<String>,
    /// Host that received the message (`by` clause).
    #[serde(default)]
    pub by_host: Option<String>,
    /// Protocol of the `with` clause (`ESMTPS`, `SMTP`, `LMTP` …).
    #[serde(default)]
    pub with: Option<String>,
    /// Queue id of the `id` clause.
    #[serde(default)]
    pub id: Option<String>,
    /// Recipient of the `for` clause.
    #[serde(default, rename = "for")]
    pub for_addr: Option<String>,
    /// Time stamp of the hop, RFC 3339 with its original offset.
    #[serde(default)]
    pub time: Option<String>,
}

/// An HTML link: where it goes and what the reader sees.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Link {
    /// The `href` attribute, entity-decoded and trimmed.
    pub href: String,
    /// Visible text inside the anchor, whitespace collapsed.
    pub text: String,
}

/// The structured picture of one mail: what `mozu mail scan` prints, one
/// JSON line per message. Field-by-field documentation is in
/// `docs/record-schema.md`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageRecord {
    /// Where the message was read from.
    pub source: SourceRef,
    /// Size of the raw message in bytes.
    pub size: u64,
    /// SHA-256 of the raw message bytes, lower-case hex.
    pub sha256: String,
    /// `Message-ID` without angle brackets.
    #[serde(default)]
    pub message_id: Option<String>,
    /// `Date` in RFC 3339, keeping the offset the sender wrote.
    #[serde(default)]
    pub date: Option<String>,
    /// First mailbox of `From`.
    #[serde(default)]
    pub from: Option<Address>,
    /// `Sender`.
    #[serde(default)]
    pub sender: Option<Address>,
    /// `Reply-To` mailboxes.
    #[serde(default)]
    pub reply_to: Vec<Address>,
    /// `Return-Path` (envelope sender), if present.
    #[serde(default)]
    pub return_path: Option<Address>,
    /// `To` mailboxes (group members flattened).
    #[serde(default)]
    pub to: Vec<Address>,
    /// `Cc` mailboxes (group members flattened).
    #[serde(default)]
    pub cc: Vec<Address>,
    /// Decoded subject.
    #[serde(default)]
    pub subject: Option<String>,
    /// Message ids of `In-Reply-To`, without angle brackets.
    #[serde(default)]
    pub in_reply_to: Vec<String>,
    /// Message ids of `References`, without angle brackets, oldest first.
    #[serde(default)]
    pub references: Vec<String>,
    /// Transport path, topmost (most recent) hop first.
    #[serde(default)]
    pub received: Vec<ReceivedHop>,
    /// `X-Mailer` (or `User-Agent` when there is no `X-Mailer`).
    #[serde(default)]
    pub x_mailer: Option<String>,
    /// Parsed `Authentication-Results`.
    #[serde(default)]
    pub auth: AuthSummary,
    /// Text body (all text/plain body parts, decoded, joined).
    #[serde(default)]
    pub text: Option<String>,
    /// HTML body rendered to text.
    #[serde(default)]
    pub html_text: Option<String>,
    /// Links of the HTML body.
    #[serde(default)]
    pub links: Vec<Link>,
    /// What the HTML markup does beyond its text (hidden text, forms,
    /// scripts …); absent when the message has no HTML body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub html: Option<HtmlSummary>,
    /// HTML attachments whose markup holds a form, a password field, a
    /// script or a refresh redirect, with their summaries.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub html_attachments: Vec<HtmlAttachment>,
    /// Attachments, in MIME order.
    #[serde(default)]
    pub attachments: Vec<Attachment>,
    /// The artifact trees of the attachments, flattened in tree order
    /// (each tree path starts with its attachment's name). Empty when
    /// attachments were not analysed.
    #[serde(default)]
    pub artifacts: Vec<Artifact>,
    /// URLs found anywhere, one entry per distinct (url, where).
    #[serde(default)]
    pub urls: Vec<UrlIndicator>,
    /// Domains: URL hosts, e-mail domains and bare domains in text; sorted.
    #[serde(default)]
    pub domains: Vec<String>,
    /// IPv4 and IPv6 addresses found in headers and bodies; sorted.
    #[serde(default)]
    pub ips: Vec<String>,
    /// E-mail addresses found in headers and bodies, lower-cased; sorted.
    #[serde(default)]
    pub emails: Vec<String>,
    /// Detector findings (filled by analysers; empty from the parser).
    #[serde(default)]
    pub findings: Vec<Finding>,
    /// The verdict over all findings; absent when detectors did not run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verdict: Option<Verdict>,
    /// Malware families named by detectors or rules (`emotet`), sorted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub families: Vec<String>,
    /// Everything the parser had to work around or cut short.
    #[serde(default)]
    pub warnings: Vec<Warning>,
}

impl MessageRecord {
    /// An empty record for `source`; parsers fill it in.
    pub fn new(source: SourceRef) -> Self {
        MessageRecord {
            source,
            size: 0,
            sha256: String::new(),
            message_id: None,
            date: None,
            from: None,
            sender: None,
            reply_to: Vec::new(),
            return_path: None,
            to: Vec::new(),
            cc: Vec::new(),
            subject: None,
            in_reply_to: Vec::new(),
            references: Vec::new(),
            received: Vec::new(),
            x_mailer: None,
            auth: AuthSummary::default(),
            text: None,
            html_text: None,
            links: Vec::new(),
            html: None,
            html_attachments: Vec::new(),
            attachments: Vec::new(),
            artifacts: Vec::new(),
            urls: Vec::new(),
            domains: Vec::new(),
            ips: Vec::new(),
            emails: Vec::new(),
            findings: Vec::new(),
            verdict: None,
            families: Vec::new(),
            warnings: Vec::new(),
        }
    }

    /// Adds a warning.
    pub fn warn(&mut self, warning: Warning) {
        self.warnings.push(warning);
    }
}
