//! IP addresses in free text: strict dotted quads and well-formed IPv6.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Canonical text of an IP address given on its own (a `Received` header
/// field, an API argument): surrounding spaces and IPv6 brackets are
/// removed, an `IPv6:` prefix (RFC 5321 address literal) is accepted.
pub(crate) fn canonical_ip(s: &str) -> Option<String> {
    let s = s.trim();
    let s = s.strip_prefix('[').and_then(|x| x.strip_suffix(']')).unwrap_or(s);
    let s = match s.get(..5) {
        Some(prefix) if prefix.eq_ignore_ascii_case("ipv6:") => s.get(5..).unwrap_or_default(),
        _ => s,
    };
    s.parse::<IpAddr>().ok().map(|ip| ip.to_string())
}

/// IPv4 addresses in a word of digits, dots and hyphens taken from prose
/// (`192.0.2.7`, `10.0.0.1-10.0.0.9`). The word is already bounded by
/// characters that cannot extend it, so `1.2.3.4.5` arrives whole and is
/// rejected as a version string. Octets must be decimal, at most 255,
/// without leading zeros.
pub(crate) fn ipv4_in_word(word: &str, mut found: impl FnMut(Ipv4Addr)) {
    for piece in word.split('-') {
        let piece = piece.trim_matches('.');
        if piece.len() >= 7
            && piece.bytes().filter(|&c| c == b'.').count() == 3
            && let Ok(ip) = piece.parse::<Ipv4Addr>()
        {
            found(ip);
        }
    }
}

fn is_v6_char(c: u8) -> bool {
    c.is_ascii_hexdigit() || c == b':' || c == b'.'
}

/// IPv6 addresses in `seg`, a stretch of ASCII prose. A candidate is a
/// maximal run of hex digits, `:` and `.` with at least two colons and one
/// hex digit, not glued to other letters or digits (so `std::vec` and
/// `Foo::Bar` are skipped); it must parse as an IPv6 address, which rules out
/// times (`10:00:00`) and MAC addresses.
pub(crate) fn ipv6_in(seg: &[u8], mut found: impl FnMut(Ipv6Addr)) {
    let mut next = 0;
    for colon in crate::scan::positions(b':', seg) {
        if colon < next {
            continue;
        }
        let mut start = colon;
        while start > 0 && seg.get(start - 1).copied().is_some_and(is_v6_char) {
            start -= 1;
        }
        let mut end = colon;
        while seg.get(end).copied().is_some_and(is_v6_char) {
            end += 1;
        }
        next = end;
        let glued = |i: Option<usize>| {
            i.and_then(|i| seg.get(i))
                .is_some_and(|&c| c.is_ascii_alphanumeric() || c == b'_')
        };
        if glued(start.checked_sub(1)) || glued(Some(end)) {
            continue;
        }
        let Some(run) = seg.get(start..end).and_then(|r| std::str::from_utf8(r).ok()) else {
            continue;
        };
        if let Some(ip) = parse_v6_run(run) {
            found(ip);
        }
    }
}

fn parse_v6_run(run: &str) -> Option<Ipv6Addr> {
    // A sentence may end with the address ("… from 2001:db8::1.") or a
    // label may follow it ("2001:db8::1: refused").
    let run = run.trim_end_matches('.');
    if run.bytes().filter(|&c| c == b':').count() < 2 || !run.bytes().any(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    run.parse::<Ipv6Addr>().ok().or_else(|| {
        let shorter = run.strip_suffix(':').filter(|r| !r.ends_with(':'))?;
        shorter.parse::<Ipv6Addr>().ok()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v4(word: &str) -> Vec<String> {
        let mut out = Vec::new();
        ipv4_in_word(word, |ip| out.push(ip.to_string()));
        out
    }

    fn v6(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        ipv6_in(text.as_bytes(), |ip| out.push(ip.to_string()));
        out
    }

    #[test]
    fn dotted_quads() {
        assert_eq!(v4("192.0.2.7"), ["192.0.2.7"]);
        assert_eq!(v4("192.0.2.7."), ["192.0.2.7"]);
        assert_eq!(v4("10.0.0.1-10.0.0.9"), ["10.0.0.1", "10.0.0.9"]);
        for not_ip in [
            "1.2.3.4.5",
            "1.2.3",
            "256.1.1.1",
            "01.2.3.4",
            "1..2.3",
            "1.2.3.4.5.6.7.8",
        ] {
            assert!(v4(not_ip).is_empty(), "{not_ip:?}");
        }
    }

    #[test]
    fn ipv6_vs_times_and_code() {
        assert_eq!(v6("from 2001:db8::1 at 10:00:00"), ["2001:db8::1"]);
        assert_eq!(v6("[2001:DB8:0:0:0:0:0:1]"), ["2001:db8::1"]);
        assert_eq!(v6("addr=fe80::1%eth0"), ["fe80::1"]);
        assert_eq!(v6("seen 2001:db8::2."), ["2001:db8::2"]);
        assert_eq!(v6("2001:db8::3: refused"), ["2001:db8::3"]);
        assert_eq!(v6("::ffff:192.0.2.1"), ["::ffff:192.0.2.1"]);
        for not_ip in [
            "10:00:00",
            "12:30",
            "2024:01:01",
            "std::vector",
            "Foo::Bar",
            " :: ",
            "00:1a:2b:3c:4d:5e",
            "x2001:db8::1",
            "1:2:3:4:5:6:7:8:9",
        ] {
            assert!(v6(not_ip).is_empty(), "{not_ip:?}");
        }
    }

    #[test]
    fn canonical_forms() {
        assert_eq!(canonical_ip(" 192.0.2.7 ").as_deref(), Some("192.0.2.7"));
        assert_eq!(canonical_ip("[2001:DB8::0:1]").as_deref(), Some("2001:db8::1"));
        assert_eq!(canonical_ip("IPv6:2001:db8::1").as_deref(), Some("2001:db8::1"));
        assert_eq!(canonical_ip("999.1.1.1"), None);
        assert_eq!(canonical_ip("example.com"), None);
    }
}
