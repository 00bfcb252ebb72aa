use serde::{Deserialize, Serialize};

/// One mailbox from an address header (`From`, `To`, `Reply-To` …).
///
/// Every part is optional because hostile and broken mail routinely carries
/// a display name with no address, an address with no domain
/// (`MAILER-DAEMON`), or a group with no members.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Address {
    /// Display name, fully decoded (RFC 2047, raw 8-bit, Japanese charsets).
    #[serde(default)]
    pub name: Option<String>,
    /// The `local@domain` address as written, with surrounding spaces removed.
    #[serde(default)]
    pub address: Option<String>,
    /// Domain part of the address, lower-cased and in ASCII (punycode) form.
    #[serde(default)]
    pub domain: Option<String>,
    /// Registrable domain (public suffix + 1 label) of `domain`.
    #[serde(default)]
    pub registrable_domain: Option<String>,
}

impl Address {
    /// The domain part of `address` lower-cased, if it has one.
    pub fn domain_of(address: &str) -> Option<String> {
        let (_, domain) = address.rsplit_once('@')?;
        let domain = domain.trim().trim_end_matches('.').to_ascii_lowercase();
        (!domain.is_empty()).then_some(domain)
    }
}
