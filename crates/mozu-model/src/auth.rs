use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// One `method=result` clause of an `Authentication-Results` header
/// (RFC 8601 section 2.2).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthResult {
    /// The authserv-id of the header this clause came from.
    #[serde(default)]
    pub authserv_id: Option<String>,
    /// Method, lower-cased: `spf`, `dkim`, `dmarc`, `arc`, `auth`, `iprev` …
    pub method: String,
    /// Result, lower-cased: `pass`, `fail`, `softfail`, `neutral`, `none`,
    /// `temperror`, `permerror`, `policy` …
    pub result: String,
    /// The `reason=` value, if any.
    #[serde(default)]
    pub reason: Option<String>,
    /// Properties as `ptype.property` → value, e.g. `smtp.mailfrom`,
    /// `header.d`, `header.from`.
    #[serde(default)]
    pub properties: BTreeMap<String, String>,
    /// Zero-based index of the header among the message's
    /// `Authentication-Results` headers (0 is the topmost, i.e. the one added
    /// last, closest to the recipient).
    pub header_index: u32,
}

/// The parsed `Authentication-Results` headers of a message.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthSummary {
    /// SPF result from the topmost header that has one.
    #[serde(default)]
    pub spf: Option<String>,
    /// DKIM result from the topmost header that has one (`pass` wins when a
    /// header lists several signatures).
    #[serde(default)]
    pub dkim: Option<String>,
    /// DMARC result from the topmost header that has one.
    #[serde(default)]
    pub dmarc: Option<String>,
    /// ARC result from the topmost header that has one.
    #[serde(default)]
    pub arc: Option<String>,
    /// Every clause of every header, in header order.
    #[serde(default)]
    pub results: Vec<AuthResult>,
}

impl AuthSummary {
    /// True when no `Authentication-Results` clause was found.
    pub fn is_empty(&self) -> bool {
        self.results.is_empty()
    }
}
