//! E-mail addresses: found in prose, or given explicitly by a header parser.

use crate::host::{email_domain, is_ip, normalize_host};
use crate::refang::refang;

/// Longest local part (RFC 5321 section 4.5.3.1.1).
const MAX_LOCAL_LEN: usize = 64;
/// Longest domain part.
const MAX_DOMAIN_LEN: usize = 253;

/// Local-part characters accepted in prose: the practical subset of RFC 5322
/// atext (enough for tags, SRS and VERP bounce addresses) plus dots.
fn is_local_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b'%' | b'+' | b'=' | b'-')
}

fn is_domain_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'.' | b'-')
}

/// An address found in prose.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct FoundEmail {
    /// Span of the address in the scanned text.
    pub start: usize,
    /// End of the span (exclusive).
    pub end: usize,
    /// `local@domain`, lower-cased.
    pub address: String,
    /// The normalised domain.
    pub domain: String,
}

/// The address around the `@` at `at` in ASCII text `seg`, looking no
/// further back than `floor`. The domain must be under a known public
/// suffix, so `user@localhost` and `@mentions.` are not addresses.
pub(crate) fn email_at(seg: &[u8], floor: usize, at: usize) -> Option<FoundEmail> {
    let mut start = at;
    while start > floor && seg.get(start - 1).copied().is_some_and(is_local_char) {
        start -= 1;
        if at - start > MAX_LOCAL_LEN {
            return None;
        }
    }
    while seg.get(start) == Some(&b'.') {
        start += 1;
    }
    let local = seg.get(start..at).filter(|l| !l.is_empty() && !l.ends_with(b"."))?;
    let mut end = at + 1;
    while seg.get(end).copied().is_some_and(is_domain_char) && end - at <= MAX_DOMAIN_LEN + 1 {
        end += 1;
    }
    while end > at + 1 && seg.get(end - 1).is_some_and(|&c| c == b'.' || c == b'-') {
        end -= 1;
    }
    let domain_raw = seg.get(at + 1..end).and_then(|d| std::str::from_utf8(d).ok())?;
    if !domain_raw.contains('.') {
        return None;
    }
    let domain = email_domain(domain_raw)?;
    let local = std::str::from_utf8(local).ok()?.to_ascii_lowercase();
    let address = format!("{local}@{domain}");
    Some(FoundEmail {
        start,
        end,
        address,
        domain,
    })
}

/// Canonical form of an address given on its own (a `From` header value, a
/// `mailto:` target): trimmed, angle brackets and `mailto:` removed,
/// `[at]`-style defanging undone, lower-cased, domain normalised (IDN to
/// punycode). Returns `(address, domain)`. The domain must be a host name
/// with at least one dot; unlike prose, an unknown suffix is accepted because
/// the caller knows the value is an address.
pub(crate) fn canonical_email(addr: &str) -> Option<(String, String)> {
    let a = addr.trim().trim_start_matches('<').trim_end_matches('>').trim();
    let a = match a.get(..7) {
        Some(prefix) if prefix.eq_ignore_ascii_case("mailto:") => a.get(7..).unwrap_or_default(),
        _ => a,
    };
    let (a, _) = refang(a);
    let (local, domain) = a.rsplit_once('@')?;
    let local_ok = !local.is_empty()
        && local.len() <= MAX_LOCAL_LEN
        && !local
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | '@' | ','));
    if !local_ok {
        return None;
    }
    let domain = normalize_host(domain).filter(|d| d.contains('.') && !is_ip(d))?;
    Some((format!("{}@{domain}", local.to_lowercase()), domain))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn find(text: &str) -> Vec<String> {
        let seg = text.as_bytes();
        let mut out = Vec::new();
        let mut floor = 0;
        for at in memchr::memchr_iter(b'@', seg) {
            if at < floor {
                continue;
            }
            if let Some(found) = email_at(seg, floor, at) {
                floor = found.end;
                out.push(found.address);
            }
        }
        out
    }

    #[test]
    fn finds_addresses_in_prose() {
        assert_eq!(find("mailto:Info@Example.CO.JP."), ["info@example.co.jp"]);
        assert_eq!(
            find("(john.doe+tag@mail.example.com)"),
            ["john.doe+tag@mail.example.com"]
        );
        assert_eq!(find("foo@bar@baz.com"), ["bar@baz.com"]);
        assert_eq!(find("..x@example.org"), ["x@example.org"]);
        assert_eq!(
            find("bounce-1=a.b@lists.example.net"),
            ["bounce-1=a.b@lists.example.net"]
        );
        assert_eq!(find("a@b.com,c@d.org"), ["a@b.com", "c@d.org"]);
    }

    #[test]
    fn rejects_non_addresses() {
        let long_local = format!("{}@example.com", "a".repeat(65));
        for text in [
            "@example.com",
            "user@localhost",
            "user@host.invalidtldxyz",
            "x.@example.com",
            "user@192.0.2.1",
            "a@b",
            long_local.as_str(),
            "user@.com",
        ] {
            assert!(find(text).is_empty(), "{text:?}");
        }
    }

    #[test]
    fn canonical_explicit_addresses() {
        let canon = |a: &str| canonical_email(a).map(|(addr, _)| addr);
        assert_eq!(canon(" <Alice@Example.COM> ").as_deref(), Some("alice@example.com"));
        assert_eq!(canon("MAILTO:bob@example.com").as_deref(), Some("bob@example.com"));
        assert_eq!(canon("carol[at]example[.]com").as_deref(), Some("carol@example.com"));
        assert_eq!(canon("user@例え.jp").as_deref(), Some("user@xn--r8jz45g.jp"));
        assert_eq!(canon("user@intranet.corp").as_deref(), Some("user@intranet.corp"));
        for bad in [
            "MAILER-DAEMON",
            "@example.com",
            "a b@example.com",
            "user@localhost",
            "user@[192.0.2.1]",
            "",
        ] {
            assert_eq!(canonical_email(bad), None, "{bad:?}");
        }
    }
}
