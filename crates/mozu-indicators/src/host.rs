//! Host names: normalisation, IP literals, public-suffix lookups and the
//! stricter test applied to bare domains found in free text.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use idna::AsciiDenyList;

/// Top-level domains that are also common file extensions. A bare word such
/// as `readme.md`, `file.zip` or `script.py` in free text is far more often a
/// file name than a host, so bare-domain detection skips these TLDs. URL hosts
/// and e-mail domains are not affected: `http://evil.zip/` is still reported.
/// Entries that are not delegated TLDs today (`exe`, `js`) are kept so that a
/// future public-suffix list cannot turn them into domains.
pub const FILE_EXTENSION_TLDS: &[&str] = &[
    "cab", "exe", "java", "js", "md", "mov", "one", "pl", "pm", "ps", "py", "rs", "sh", "so", "zip",
];

/// Longest host name accepted before any decoding work, in bytes.
const MAX_RAW_HOST_LEN: usize = 1024;

/// Normalises a host name as found in a URL or e-mail address.
///
/// The result is lower-case ASCII: IDNs become punycode (UTS #46 as browsers
/// apply it), one trailing dot is removed, IPv6 brackets are stripped and IP
/// literals are returned in canonical form. Like a browser, a host whose last
/// label is numeric is read as an IPv4 address in any of the WHATWG forms
/// (`0x7f.1`, `3232235777`), which phishing uses to hide addresses.
/// Returns `None` for anything that is not a plausible host: empty labels,
/// labels over 63 bytes, names over 253 bytes, characters outside letters,
/// digits, `-` and `_`, or punycode that does not decode.
pub fn normalize_host(host: &str) -> Option<String> {
    let h = host.trim_matches(|c: char| c.is_ascii_whitespace());
    if h.is_empty() || h.len() > MAX_RAW_HOST_LEN {
        return None;
    }
    if let Some(inner) = h.strip_prefix('[') {
        let inner = inner.strip_suffix(']')?;
        return inner.parse::<Ipv6Addr>().ok().map(|a| a.to_string());
    }
    if h.contains(':') {
        return h.parse::<Ipv6Addr>().ok().map(|a| a.to_string());
    }
    let h = h.strip_suffix('.').unwrap_or(h);
    if h.is_ascii() {
        return normalize_ascii(h);
    }
    let ascii = idna::domain_to_ascii_cow(h.as_bytes(), AsciiDenyList::URL).ok()?;
    let ascii = ascii.strip_suffix('.').unwrap_or(&ascii);
    normalize_ascii(ascii)
}

/// Normalises an ASCII host that has no brackets, colon or trailing dot.
fn normalize_ascii(h: &str) -> Option<String> {
    if h.is_empty() || h.len() > 253 {
        return None;
    }
    let labels_ok = h.split('.').all(|label| {
        !label.is_empty()
            && label.len() <= 63
            && label
                .bytes()
                .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_')
    });
    if !labels_ok {
        return None;
    }
    if ends_in_number(h) {
        return whatwg_ipv4(h).map(|ip| ip.to_string());
    }
    let lower = h.to_ascii_lowercase();
    if lower.starts_with("xn--") || lower.contains(".xn--") {
        // Validate the punycode; a label that does not decode is garbage.
        let checked = idna::domain_to_ascii_cow(lower.as_bytes(), AsciiDenyList::URL).ok()?;
        return Some(checked.into_owned());
    }
    Some(lower)
}

/// WHATWG "ends in a number": the last label is decimal digits or `0x` hex.
fn ends_in_number(h: &str) -> bool {
    let last = h.rsplit('.').next().unwrap_or(h);
    if !last.is_empty() && last.bytes().all(|c| c.is_ascii_digit()) {
        return true;
    }
    match last.strip_prefix("0x").or_else(|| last.strip_prefix("0X")) {
        Some(hex) => hex.bytes().all(|c| c.is_ascii_hexdigit()),
        None => false,
    }
}

/// The WHATWG IPv4 parser: one to four parts, each decimal, octal (leading
/// `0`) or hex (`0x`), the last part filling the remaining bytes.
fn whatwg_ipv4(h: &str) -> Option<Ipv4Addr> {
    let mut parts = [0u64; 4];
    let mut count = 0;
    for part in h.split('.') {
        let slot = parts.get_mut(count)?;
        *slot = parse_ipv4_part(part)?;
        count += 1;
    }
    let (last, init) = parts.get(..count)?.split_last()?;
    if init.iter().any(|&p| p > 255) || *last >= 1u64 << (8 * (5 - count)) {
        return None;
    }
    let mut value = *last;
    for (i, p) in init.iter().enumerate() {
        value += p << (8 * (3 - i));
    }
    u32::try_from(value).ok().map(Ipv4Addr::from)
}

fn parse_ipv4_part(part: &str) -> Option<u64> {
    let (digits, radix) = if let Some(hex) = part.strip_prefix("0x").or_else(|| part.strip_prefix("0X")) {
        (hex, 16)
    } else if let Some(octal) = part.strip_prefix('0').filter(|rest| !rest.is_empty()) {
        (octal, 8)
    } else {
        (part, 10)
    };
    if part.is_empty() || digits.len() > 12 {
        return None;
    }
    if digits.is_empty() {
        return Some(0);
    }
    if !digits.bytes().all(|c| (c as char).is_digit(radix)) {
        return None;
    }
    u64::from_str_radix(digits, radix).ok()
}

/// True when `host` (already normalised) is an IPv4 or IPv6 literal.
pub(crate) fn is_ip(host: &str) -> bool {
    host.parse::<IpAddr>().is_ok()
}

/// The registrable domain (public suffix plus one label) of `host`.
///
/// `host` is normalised first (see [`normalize_host`]). Returns `None` for IP
/// literals, for names whose suffix is not in the public suffix list, and for
/// names that are themselves a public suffix (`co.jp`).
pub fn registrable_domain(host: &str) -> Option<String> {
    registrable_of_normalized(&normalize_host(host)?)
}

/// [`registrable_domain`] for a host that is already normalised.
pub(crate) fn registrable_of_normalized(host: &str) -> Option<String> {
    if is_ip(host) {
        return None;
    }
    let domain = psl::domain(host.as_bytes())?;
    if !domain.suffix().is_known() {
        return None;
    }
    std::str::from_utf8(domain.as_bytes()).ok().map(str::to_owned)
}

/// Checks a dotted ASCII word from free text (letters, digits, `.`, `-`,
/// `_`, already stripped of surrounding dots and hyphens) and returns it
/// lower-cased when it is a plausible domain: well-formed labels, an
/// alphabetic or punycode TLD that is not in [`FILE_EXTENSION_TLDS`], and a
/// known public suffix with at least one label in front of it.
pub(crate) fn bare_domain(word: &str) -> Option<String> {
    if word.len() < 4 || word.len() > 253 {
        return None;
    }
    let (_, tld) = word.rsplit_once('.')?;
    let tld_ok = tld.len() >= 2
        && (tld.bytes().all(|c| c.is_ascii_alphabetic())
            || tld.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("xn--")));
    if !tld_ok || FILE_EXTENSION_TLDS.iter().any(|ext| ext.eq_ignore_ascii_case(tld)) {
        return None;
    }
    let labels_ok = word
        .split('.')
        .all(|label| !label.is_empty() && label.len() <= 63 && !label.starts_with('-') && !label.ends_with('-'));
    if !labels_ok {
        return None;
    }
    let host = normalize_ascii(word)?;
    registrable_of_normalized(&host)?;
    Some(host)
}

/// Checks the domain part of an address found in free text: a valid host
/// name (not an IP literal) under a known public suffix.
pub(crate) fn email_domain(domain: &str) -> Option<String> {
    let host = normalize_host(domain)?;
    registrable_of_normalized(&host)?;
    Some(host)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_case_dots_and_idn() {
        assert_eq!(normalize_host("WWW.Example.COM.").as_deref(), Some("www.example.com"));
        assert_eq!(normalize_host("例え.jp").as_deref(), Some("xn--r8jz45g.jp"));
        assert_eq!(normalize_host("ｅｘａｍｐｌｅ．ｃｏｍ").as_deref(), Some("example.com"));
        assert_eq!(normalize_host("XN--R8JZ45G.jp").as_deref(), Some("xn--r8jz45g.jp"));
        assert_eq!(
            normalize_host("under_score.example.com").as_deref(),
            Some("under_score.example.com")
        );
    }

    #[test]
    fn normalizes_ip_literals() {
        assert_eq!(normalize_host("[2001:DB8:0:0::1]").as_deref(), Some("2001:db8::1"));
        assert_eq!(normalize_host("2001:db8::1").as_deref(), Some("2001:db8::1"));
        assert_eq!(normalize_host("192.0.2.7").as_deref(), Some("192.0.2.7"));
        assert_eq!(normalize_host("0x7f.1").as_deref(), Some("127.0.0.1"));
        assert_eq!(normalize_host("3232235777").as_deref(), Some("192.168.1.1"));
        assert_eq!(normalize_host("0300.0250.1.1").as_deref(), Some("192.168.1.1"));
    }

    #[test]
    fn rejects_garbage() {
        for bad in [
            "",
            ".",
            "a..b",
            "exa mple.com",
            "evil.com/",
            "1.2.3.256",
            "1.2.3.4.5",
            "example.123",
            "[1.2.3.4]",
            "[::1",
            "foo:bar",
            "xn--zz.com",
            "%65vil.com",
            "09.1.1.1",
        ] {
            assert_eq!(normalize_host(bad), None, "{bad:?}");
        }
        let long_label = format!("{}.com", "a".repeat(64));
        assert_eq!(normalize_host(&long_label), None);
        let long_name = format!("{}com", "abcdefghi.".repeat(26));
        assert_eq!(normalize_host(&long_name), None);
        assert_eq!(normalize_host(&"a".repeat(5000)), None);
    }

    #[test]
    fn registrable_domains_follow_the_public_suffix_list() {
        assert_eq!(
            registrable_domain("www.example.co.jp").as_deref(),
            Some("example.co.jp")
        );
        assert_eq!(registrable_domain("mail.google.com").as_deref(), Some("google.com"));
        assert_eq!(registrable_domain("Abbeykurtz.com").as_deref(), Some("abbeykurtz.com"));
        assert_eq!(registrable_domain("co.jp"), None);
        assert_eq!(registrable_domain("192.0.2.7"), None);
        assert_eq!(registrable_domain("2001:db8::1"), None);
        assert_eq!(registrable_domain("host.invalidtldxyz"), None);
        assert_eq!(registrable_domain("localhost"), None);
    }

    #[test]
    fn bare_domains_skip_file_names_and_versions() {
        assert_eq!(bare_domain("Example.co.jp").as_deref(), Some("example.co.jp"));
        assert_eq!(bare_domain("mail.google.com").as_deref(), Some("mail.google.com"));
        for not_domain in [
            "invoice.pdf",
            "run.js",
            "readme.md",
            "file.zip",
            "setup.exe",
            "main.rs",
            "a.py",
            "1.2.3",
            "co.jp",
            "e.g",
            "Node.js",
            "clip.mov",
            "notes.one",
            "-bad.com",
            "bad-.com",
        ] {
            assert_eq!(bare_domain(not_domain), None, "{not_domain:?}");
        }
    }
}
