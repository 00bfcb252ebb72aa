//! Which connection SPF is checked for: the address, HELO name and
//! envelope sender the receiving side recorded.
//!
//! The hop chosen is the topmost `Received` hop (the one added last) whose
//! sending address is a public address and whose sending host is not in
//! the receiving host's own registrable domain. Hops above it are the
//! receiver's own relays: LMTP, content filters, internal MTAs on private
//! addresses, and the internal hops of hosted mail, which use public
//! addresses (Exchange Online's `*.prod.outlook.com` handing over to
//! `*.prod.outlook.com` over public IPv6). That hop is where the
//! receiver's edge accepted the message from the internet, and it is
//! written by the receiver, so a sender cannot forge it. Hops below it were
//! written by machines the sender may control and are never used. When no
//! hop qualifies SPF is not checked: a guessed address would give a result
//! that means nothing.
//!
//! Weak spot: mail between two hosts of one organisation (both in the
//! receiver's domain) is skipped as internal, so for internal mail the hop
//! picked can be one the receiver did not write.

use std::net::IpAddr;

use mozu_model::{MessageRecord, ReceivedHop};

/// Maximum `Received` hops looked at for the connecting address.
pub const MAX_HOPS_SCANNED: usize = 32;

/// The SMTP identities SPF is evaluated for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmtpIdentity {
    /// Address of the client the receiver's edge talked to.
    pub ip: IpAddr,
    /// Index of the hop it came from (0 = topmost `Received`).
    pub hop: usize,
    /// HELO/EHLO name the client gave (`from` clause of that hop), if any.
    pub helo: Option<String>,
    /// Envelope sender from `Return-Path`; `None` for a null sender or
    /// when there is no `Return-Path`.
    pub mail_from: Option<String>,
}

/// The identity SPF is checked for, or why there is none.
pub fn smtp_identity(record: &MessageRecord) -> Result<SmtpIdentity, String> {
    if record.received.is_empty() {
        return Err("no Received header".to_string());
    }
    let found = record
        .received
        .iter()
        .take(MAX_HOPS_SCANNED)
        .enumerate()
        .find_map(|(i, hop)| {
            let ip = parse_ip(hop.ip.as_deref()?)?;
            (is_public(ip) && !internal(hop)).then_some((i, ip, hop))
        });
    let Some((hop, ip, received)) = found else {
        return Err("no Received hop with a public sending address".to_string());
    };
    let helo = received
        .from_host
        .as_deref()
        .map(|h| {
            h.trim()
                .trim_start_matches('[')
                .trim_end_matches(']')
                .to_ascii_lowercase()
        })
        .filter(|h| !h.is_empty() && h.contains('.') && parse_ip(h).is_none());
    let mail_from = record
        .return_path
        .as_ref()
        .and_then(|a| a.address.as_deref())
        .map(str::trim)
        .filter(|a| a.contains('@'))
        .map(str::to_string);
    Ok(SmtpIdentity {
        ip,
        hop,
        helo,
        mail_from,
    })
}

/// Registrable domains that one hosted-mail operator uses side by side in
/// its internal hops (Exchange Online hands over from `*.outlook.com` to
/// `*.outlook.office365.com`).
const ONE_OPERATOR: &[&[&str]] = &[&["outlook.com", "office365.com", "exchangelabs.com", "outlook.cn"]];

/// True when the sending host (HELO name or reverse DNS) and the
/// receiving host share a registrable domain: a relay inside the receiver.
fn internal(hop: &ReceivedHop) -> bool {
    let registrable = |h: &str| {
        let h = h.trim().trim_end_matches('.').to_ascii_lowercase();
        let domain = psl::domain_str(&h)?;
        let operator = ONE_OPERATOR.iter().find(|group| group.contains(&domain));
        Some(operator.and_then(|g| g.first()).copied().unwrap_or(domain).to_string())
    };
    let Some(by) = hop.by_host.as_deref().and_then(registrable) else {
        return false;
    };
    [hop.from_host.as_deref(), hop.from_rdns.as_deref()]
        .into_iter()
        .flatten()
        .filter_map(registrable)
        .any(|from| from == by)
}

/// Parses `1.2.3.4`, `[1.2.3.4]`, `IPv6:2001:db8::1` and IPv4-mapped IPv6.
fn parse_ip(text: &str) -> Option<IpAddr> {
    let t = text.trim().trim_start_matches('[').trim_end_matches(']');
    let t = t.strip_prefix("IPv6:").or_else(|| t.strip_prefix("ipv6:")).unwrap_or(t);
    let ip: IpAddr = t.parse().ok()?;
    Some(match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        IpAddr::V4(_) => ip,
    })
}

/// True for addresses reachable on the internet: not private, loopback,
/// link-local, shared (CGNAT), documentation, benchmarking, multicast or
/// reserved space.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, c, _] = v4.octets();
            !(v4.is_private()
                || v4.is_loopback()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || v4.is_documentation()
                || a == 0
                || a >= 240
                || (a == 100 && (64..128).contains(&b))
                || (a == 198 && (b == 18 || b == 19))
                || (a == 192 && b == 0 && c == 0))
        }
        IpAddr::V6(v6) => {
            let seg = v6.segments();
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (seg[0] & 0xfe00) == 0xfc00
                || (seg[0] & 0xffc0) == 0xfe80
                || (seg[0] == 0x2001 && seg[1] == 0x0db8))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_and_private_addresses() {
        let cases = [
            ("45.33.10.20", true),
            ("10.1.2.3", false),
            ("172.16.0.1", false),
            ("192.168.1.1", false),
            ("127.0.0.1", false),
            ("100.64.0.1", false),
            ("192.0.2.1", false),
            ("2001:db8::1", false),
            ("fd00::1", false),
            ("2a01:4f8::1", true),
        ];
        for (text, public) in cases {
            let ip = parse_ip(text).map(is_public);
            assert_eq!(ip, Some(public), "{text}");
        }
        assert_eq!(parse_ip("[IPv6:::ffff:45.33.10.20]"), parse_ip("45.33.10.20"));
        assert!(!cases.is_empty());
    }

    fn hop(from: &str, ip: &str, by: &str) -> ReceivedHop {
        ReceivedHop {
            from_host: Some(from.to_string()),
            ip: Some(ip.to_string()),
            by_host: Some(by.to_string()),
            ..ReceivedHop::default()
        }
    }

    #[test]
    fn hosted_mail_internal_hops_are_skipped() {
        let mut record = MessageRecord::new(mozu_model::SourceRef {
            path: "t".to_string(),
            index: None,
            format: mozu_model::SourceFormat::Eml,
        });
        record.received = vec![
            hop(
                "BN0PR03CA0023.namprd03.prod.outlook.com",
                "2603:10b6:408:e6::28",
                "SN6PR03MB1.namprd03.prod.outlook.com",
            ),
            hop(
                "BN1NAM02FT.eop-nam02.prod.protection.outlook.com",
                "2603:10b6:408:e6::1",
                "BN0PR03CA0023.outlook.office365.com",
            ),
            hop(
                "mail.sender.co.jp",
                "45.33.10.20",
                "BN1NAM02FT.mail.protection.outlook.com",
            ),
            hop("forged.example", "81.2.69.160", "mail.sender.co.jp"),
        ];
        let id = smtp_identity(&record).expect("identity");
        assert_eq!((id.hop, id.ip.to_string()), (2, "45.33.10.20".to_string()));
        assert_eq!(id.helo.as_deref(), Some("mail.sender.co.jp"));
        // Two organisations under co.jp are not one receiver.
        record.received = vec![hop("mail.sender.co.jp", "45.33.10.20", "mx.victim.co.jp")];
        assert_eq!(smtp_identity(&record).map(|i| i.hop), Ok(0));
    }
}
