use serde::{Deserialize, Serialize};

/// Where in a message an indicator was found.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Location {
    /// The decoded subject.
    Subject,
    /// The text/plain body.
    Text,
    /// An `href` (or `src`/`action`) attribute of the HTML body.
    HtmlHref,
    /// The visible text of the HTML body.
    HtmlText,
    /// Inside an attachment.
    Attachment,
    /// A header other than the subject.
    Header,
}

/// A URL found in a message, refanged and normalised.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UrlIndicator {
    /// The URL as an analyst would paste it: refanged (`hxxp` → `http`,
    /// `[.]` → `.`), surrounding punctuation removed.
    pub url: String,
    /// Host, lower-cased, IDNs in ASCII (punycode) form, IPv6 without brackets.
    #[serde(default)]
    pub host: Option<String>,
    /// Registrable domain of `host` by the public suffix list (absent for IP
    /// literals and unknown suffixes).
    #[serde(default)]
    pub registrable_domain: Option<String>,
    /// Where it was found.
    #[serde(rename = "where")]
    pub location: Location,
    /// True when the message wrote it in defanged form (`hxxp`, `[.]` …).
    pub defanged: bool,
    /// For `where: attachment`, the attachment (or artifact path inside it)
    /// that held the URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub artifact: Option<String>,
}
