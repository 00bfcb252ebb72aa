//! The top-level header pass: addresses, subject, ids, dates, transport
//! and authentication headers, decoded from raw bytes.

use encoding_rs::Encoding;
use mail_parser::{Header, HeaderName, HeaderValue, Host, Received};
use mozu_model::{Address, MessageRecord, ReceivedHop, Warning, WarningCode};

use crate::address::parse_address_list;
use crate::{authres, rfc2047};

/// Header values the indicator pass scans as `where: header`.
pub const INDICATOR_HEADERS: &[&str] = &[
    "list-unsubscribe",
    "list-help",
    "list-subscribe",
    "list-post",
    "list-archive",
    "x-originating-ip",
    "x-sender-ip",
    "x-originating-email",
    "x-sender",
    "x-envelope-from",
    "errors-to",
    "disposition-notification-to",
    "x-mailer-recipient",
    "x-report-abuse",
    "x-source-ip",
];

/// State of the header pass.
pub struct HeaderPass<'r> {
    /// The record being filled.
    pub rec: &'r mut MessageRecord,
    /// Encoding used for raw 8-bit header bytes when it fits.
    pub hint: Option<&'static Encoding>,
    /// Raw header values to scan for indicators.
    pub indicator_texts: Vec<String>,
    /// IPs seen in transport headers.
    pub header_ips: Vec<String>,
    auth: Vec<mozu_model::AuthResult>,
    auth_headers: u32,
    seen_subject: bool,
    seen_from: bool,
}

impl<'r> HeaderPass<'r> {
    /// Starts a pass writing into `rec`.
    pub fn new(rec: &'r mut MessageRecord, hint: Option<&'static Encoding>) -> Self {
        HeaderPass {
            rec,
            hint,
            indicator_texts: Vec::new(),
            header_ips: Vec::new(),
            auth: Vec::new(),
            auth_headers: 0,
            seen_subject: false,
            seen_from: false,
        }
    }

    /// Processes the headers of the top-level part of a message whose raw
    /// bytes are `raw`.
    pub fn run(&mut self, headers: &[Header<'_>], raw: &[u8], max_headers: usize) {
        if headers.len() > max_headers {
            self.rec.warn(Warning::new(
                WarningCode::LimitHeaderCount,
                format!("{} header fields, only the first {max_headers} read", headers.len()),
            ));
        }
        for header in headers.iter().take(max_headers) {
            let start = (header.offset_start as usize).min(raw.len());
            let end = (header.offset_end as usize).clamp(start, raw.len());
            let mut value = &raw[start..end];
            if value.len() > rfc2047::MAX_HEADER_DECODE_BYTES {
                self.rec.warn(Warning::new(
                    WarningCode::LimitHeaderLength,
                    format!("{} header of {} bytes cut", header.name.as_str(), value.len()),
                ));
                value = &value[..rfc2047::MAX_HEADER_DECODE_BYTES];
            }
            self.one(header, value);
        }
        let results = std::mem::take(&mut self.auth);
        self.rec.auth = authres::summarize(results);
    }

    fn one(&mut self, header: &Header<'_>, value: &[u8]) {
        let name = header.name.as_str().to_ascii_lowercase();
        match name.as_str() {
            "subject" => {
                if self.seen_subject {
                    self.duplicate("Subject");
                    return;
                }
                self.seen_subject = true;
                self.rec.subject = Some(self.text(value, "Subject")).filter(|s| !s.is_empty());
            }
            "from" => {
                if self.seen_from {
                    self.duplicate("From");
                    return;
                }
                self.seen_from = true;
                let list = self.addresses(value, "From");
                if list.len() > 1 {
                    self.rec.warn(Warning::new(
                        WarningCode::MultipleFrom,
                        format!("{} mailboxes in From", list.len()),
                    ));
                }
                self.rec.from = list.into_iter().next();
            }
            "sender" => self.rec.sender = self.addresses(value, "Sender").into_iter().next(),
            "reply-to" => {
                let list = self.addresses(value, "Reply-To");
                self.rec.reply_to.extend(list);
            }
            "return-path" if self.rec.return_path.is_none() => {
                self.rec.return_path = self.addresses(value, "Return-Path").into_iter().next();
            }
            "to" => {
                let list = self.addresses(value, "To");
                self.rec.to.extend(list);
            }
            "cc" => {
                let list = self.addresses(value, "Cc");
                self.rec.cc.extend(list);
            }
            "message-id" if self.rec.message_id.is_none() => {
                self.rec.message_id = msg_ids(value).into_iter().next();
            }
            "in-reply-to" => self.rec.in_reply_to.extend(msg_ids(value)),
            "references" => self.rec.references.extend(msg_ids(value)),
            "date" => self.date(header),
            "received" => self.received(header),
            "x-mailer" => self.rec.x_mailer = Some(self.text(value, "X-Mailer")),
            "user-agent" if self.rec.x_mailer.is_none() => {
                self.rec.x_mailer = Some(self.text(value, "User-Agent"));
            }
            "authentication-results" => {
                let text = String::from_utf8_lossy(value);
                self.auth.extend(authres::parse(&text, self.auth_headers));
                self.auth_headers += 1;
            }
            n if INDICATOR_HEADERS.contains(&n) => {
                let text = self.text(value, n);
                self.indicator_texts.push(text);
            }
            _ => {}
        }
    }

    fn duplicate(&mut self, name: &str) {
        self.rec.warn(Warning::new(
            WarningCode::DuplicateHeader,
            format!("{name} appears more than once; the first is reported"),
        ));
    }

    fn text(&mut self, value: &[u8], name: &str) -> String {
        let decoded = rfc2047::decode_header(value, self.hint);
        if let Some((code, msg)) = decoded.warning {
            self.rec.warn(Warning::new(code, format!("{name}: {msg}")));
        }
        decoded.text
    }

    fn addresses(&mut self, value: &[u8], name: &str) -> Vec<Address> {
        let list = parse_address_list(value, self.hint);
        if list.truncated {
            self.rec.warn(Warning::new(
                WarningCode::AddressInvalid,
                format!("{name}: too many addresses"),
            ));
        }
        for msg in list.warnings {
            self.rec
                .warn(Warning::new(WarningCode::CharsetDetected, format!("{name}: {msg}")));
        }
        list.addresses
    }

    fn date(&mut self, header: &Header<'_>) {
        if self.rec.date.is_some() {
            return;
        }
        match &header.value {
            HeaderValue::DateTime(dt) if dt.is_valid() => self.rec.date = Some(dt.to_rfc3339()),
            _ => self.rec.warn(Warning::new(
                WarningCode::DateInvalid,
                "Date header could not be parsed",
            )),
        }
    }

    fn received(&mut self, header: &Header<'_>) {
        let HeaderValue::Received(r) = &header.value else {
            return;
        };
        let hop = hop(r);
        if let Some(ip) = &hop.ip {
            self.header_ips.push(ip.clone());
        }
        self.rec.received.push(hop);
    }
}

fn host_str(host: &Host<'_>) -> String {
    match host {
        Host::Name(n) => n.to_string(),
        Host::IpAddr(ip) => ip.to_string(),
    }
}

fn hop(r: &Received<'_>) -> ReceivedHop {
    let from_host = r.from.as_ref().or(r.helo.as_ref()).map(host_str);
    let ip = r.from_ip.map(|ip| ip.to_string()).or_else(|| match &r.from {
        Some(Host::IpAddr(ip)) => Some(ip.to_string()),
        _ => None,
    });
    ReceivedHop {
        from_host,
        ip,
        from_rdns: r.from_iprev.as_ref().map(|s| s.to_string()),
        by_host: r.by.as_ref().map(host_str),
        with: r.with.map(|p| format!("{p:?}").to_ascii_uppercase()),
        id: r.id.as_ref().map(|s| s.to_string()),
        for_addr: r.for_.as_ref().map(|s| s.to_string()),
        time: r.date.filter(|d| d.is_valid()).map(|d| d.to_rfc3339()),
    }
}

/// Message ids from `Message-ID`, `In-Reply-To` or `References`.
pub fn msg_ids(value: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(value);
    let mut ids: Vec<String> = Vec::new();
    let mut rest = text.as_ref();
    while let Some(open) = rest.find('<') {
        let Some(close) = rest[open..].find('>') else { break };
        let id: String = rest[open + 1..open + close]
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        if !id.is_empty() {
            ids.push(id);
        }
        rest = &rest[open + close + 1..];
        if ids.len() >= 512 {
            break;
        }
    }
    if ids.is_empty() {
        ids.extend(
            text.split_whitespace()
                .map(|s| s.trim_matches(['<', '>']).to_string())
                .filter(|s| !s.is_empty())
                .take(512),
        );
    }
    ids
}

/// True for the header names mozu parses itself from raw bytes.
pub fn is_named(name: &HeaderName<'_>, wanted: &str) -> bool {
    name.as_str().eq_ignore_ascii_case(wanted)
}
