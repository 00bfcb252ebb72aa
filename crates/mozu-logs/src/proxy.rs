//! Proxy logs (Squid native, Squid/Apache combined, W3C/ELFF) mapped to Sigma's proxy taxonomy.
//!
//! Fields: `c-uri`, `c-uri-stem`, `c-uri-extension`, `c-uri-query`, `c-useragent`,
//! `cs-host`, `cs-method`, `cs-referrer`, `cs-version`, `sc-status`, `sc-bytes`, `src_ip`, `dst_ip`.
//! A missing value (`-`) is left out so `field: null` rules see it as absent.

use mozu_sigma::FlatEvent;

use crate::time::{parse_clf, parse_epoch, parse_timestamp};

/// Longest proxy log line read; longer lines are reported and skipped.
pub const MAX_LINE_BYTES: usize = 64 * 1024;
/// Most columns read from a W3C `#Fields:` header.
pub const MAX_W3C_FIELDS: usize = 128;

fn push_opt(ev: &mut FlatEvent, key: &str, value: &str) {
    if !value.is_empty() && value != "-" {
        ev.push(key, value);
    }
}

/// Splits on spaces, keeping `"quoted strings"` and `[bracketed dates]` whole.
pub fn tokens(line: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = line.trim();
    while !rest.is_empty() {
        let (close, skip) = match rest.as_bytes().first() {
            Some(b'"') => ('"', 1),
            Some(b'[') => (']', 1),
            _ => (' ', 0),
        };
        let body = rest.get(skip..).unwrap_or("");
        let end = body.find(close).unwrap_or(body.len());
        out.push(body.get(..end).unwrap_or(""));
        rest = body.get(end + 1..).unwrap_or("").trim_start();
    }
    out
}

/// Adds the URL-derived fields (`c-uri`, `cs-host`, `c-uri-stem`, `c-uri-query`, `c-uri-extension`).
pub fn push_url(ev: &mut FlatEvent, url: &str) {
    push_opt(ev, "c-uri", url);
    let after_scheme = url.split_once("://").map_or(url, |(_, r)| r);
    let (authority, path) = if url.contains("://") {
        after_scheme.split_at(after_scheme.find('/').unwrap_or(after_scheme.len()))
    } else if url.starts_with('/') {
        ("", url)
    } else {
        // CONNECT host:port
        (url, "")
    };
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = strip_port(host);
    push_opt(ev, "cs-host", host);
    let (stem, query) = path.split_once('?').unwrap_or((path, ""));
    push_opt(ev, "c-uri-stem", stem);
    push_opt(ev, "c-uri-query", query);
    if let Some(ext) = extension(stem) {
        ev.push("c-uri-extension", ext);
    }
}

fn strip_port(host: &str) -> &str {
    if let Some(inner) = host.strip_prefix('[') {
        return inner.split(']').next().unwrap_or(inner);
    }
    match host.rsplit_once(':') {
        Some((h, p)) if !h.contains(':') && p.bytes().all(|b| b.is_ascii_digit()) => h,
        _ => host,
    }
}

fn extension(stem: &str) -> Option<&str> {
    let last = stem.rsplit('/').next()?;
    let (_, ext) = last.rsplit_once('.')?;
    (!ext.is_empty() && ext.len() <= 16).then_some(ext)
}

/// Squid native: `time elapsed client code/status bytes method URL user hierarchy/peer type`.
pub fn parse_squid_native(line: &str) -> Option<(FlatEvent, Option<i64>)> {
    let t = tokens(line);
    if t.len() < 7 {
        return None;
    }
    let ts = parse_epoch(t.first()?)?;
    let mut ev = FlatEvent::with_capacity(16, line.len() * 2);
    push_opt(&mut ev, "src_ip", t.get(2)?);
    let (result, status) = t.get(3)?.split_once('/').unwrap_or(("", t.get(3)?));
    push_opt(&mut ev, "sc-status", status);
    push_opt(&mut ev, "squid-result", result);
    push_opt(&mut ev, "sc-bytes", t.get(4)?);
    push_opt(&mut ev, "cs-method", t.get(5)?);
    push_url(&mut ev, t.get(6)?);
    push_opt(&mut ev, "cs-username", t.get(7).copied().unwrap_or("-"));
    if let Some((_, peer)) = t.get(8).and_then(|h| h.split_once('/')) {
        push_opt(&mut ev, "dst_ip", peer);
    }
    push_opt(&mut ev, "content-type", t.get(9).copied().unwrap_or("-"));
    Some((ev, Some(ts)))
}

/// Combined: `client ident user [date] "METHOD URL VERSION" status bytes "referer" "user-agent" [squid:peer]`.
pub fn parse_combined(line: &str) -> Option<(FlatEvent, Option<i64>)> {
    let t = tokens(line);
    if t.len() < 7 || !line.contains('[') {
        return None;
    }
    let ts = parse_clf(t.get(3)?);
    let mut ev = FlatEvent::with_capacity(16, line.len() * 2);
    push_opt(&mut ev, "src_ip", t.first()?);
    push_opt(&mut ev, "cs-username", t.get(2)?);
    let mut req = t.get(4)?.split(' ');
    push_opt(&mut ev, "cs-method", req.next().unwrap_or("-"));
    push_url(&mut ev, req.next().unwrap_or("-"));
    push_opt(&mut ev, "cs-version", req.next().unwrap_or("-"));
    push_opt(&mut ev, "sc-status", t.get(5)?);
    push_opt(&mut ev, "sc-bytes", t.get(6)?);
    push_opt(&mut ev, "cs-referrer", t.get(7).copied().unwrap_or("-"));
    // An empty quoted User-Agent is as absent as `-`.
    push_opt(&mut ev, "c-useragent", t.get(8).copied().unwrap_or("-"));
    if let Some((result, peer)) = t.get(9).and_then(|s| s.split_once(':')) {
        push_opt(&mut ev, "squid-result", result);
        if let Some((_, ip)) = peer.split_once('/') {
            push_opt(&mut ev, "dst_ip", ip);
        }
    }
    Some((ev, ts))
}

/// W3C extended / ELFF: column names come from the `#Fields:` header.
#[derive(Debug, Clone, Default)]
pub struct W3cReader {
    fields: Vec<String>,
}

impl W3cReader {
    /// Handles one line: directives update the header, data lines become events.
    pub fn line(&mut self, line: &str) -> Option<(FlatEvent, Option<i64>)> {
        if let Some(rest) = line.strip_prefix("#Fields:") {
            self.fields = rest
                .split_whitespace()
                .take(MAX_W3C_FIELDS)
                .map(str::to_owned)
                .collect();
            return None;
        }
        if line.starts_with('#') || self.fields.is_empty() {
            return None;
        }
        let values = tokens(line);
        let mut ev = FlatEvent::with_capacity(self.fields.len() + 6, line.len() * 2);
        let (mut date, mut time) = ("", "");
        let mut uri_stem = None;
        let mut uri_query = "";
        for (name, value) in self.fields.iter().zip(values) {
            match name.as_str() {
                "date" => date = value,
                "time" => time = value,
                "cs-uri-stem" | "c-uri-stem" => uri_stem = Some(value),
                "cs-uri-query" | "c-uri-query" => uri_query = value,
                "cs-uri" | "c-uri" => push_url(&mut ev, value),
                _ => {
                    let key = w3c_alias(name);
                    let value = if key == "c-useragent" {
                        value.replace('+', " ")
                    } else {
                        value.to_owned()
                    };
                    push_opt(&mut ev, key, &value);
                }
            }
        }
        if let Some(stem) = uri_stem {
            let q = if uri_query == "-" { "" } else { uri_query };
            let url = if q.is_empty() {
                stem.to_owned()
            } else {
                format!("{stem}?{q}")
            };
            push_url(&mut ev, &url);
        }
        let ts = parse_timestamp(&format!("{date}T{time}Z"));
        Some((ev, ts))
    }
}

fn w3c_alias(name: &str) -> &str {
    match name {
        "c-ip" => "src_ip",
        "s-ip" | "r-ip" | "cs-ip" => "dst_ip",
        "cs(User-Agent)" | "cs-user-agent" => "c-useragent",
        "cs(Referer)" | "cs-referer" => "cs-referrer",
        "cs-status" | "sc-status" => "sc-status",
        "s-sitename" | "x-host" => "cs-host",
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn squid_native_fields() {
        let line = "1286536309.586    921 192.168.0.68 TCP_MISS/200 507 GET http://203.0.113.5/a/nemty.exe?x=1 - HIER_DIRECT/203.0.113.5 application/octet-stream";
        let (ev, ts) = parse_squid_native(line).unwrap_or_default();
        assert!(ts.is_some());
        assert_eq!(ev.get("cs-host"), Some("203.0.113.5"));
        assert_eq!(ev.get("c-uri-extension"), Some("exe"));
        assert_eq!(ev.get("c-uri-query"), Some("x=1"));
        assert_eq!(ev.get("sc-status"), Some("200"));
        assert_eq!(ev.get("c-useragent"), None);
    }

    #[test]
    fn combined_fields() {
        let line = r#"10.0.0.5 - - [10/Feb/2020:13:55:36 +0900] "GET http://api.ipify.org/?format=json HTTP/1.1" 200 120 "-" "Chrome" TCP_MISS:HIER_DIRECT/198.51.100.7"#;
        let (ev, ts) = parse_combined(line).unwrap_or_default();
        assert!(ts.is_some());
        assert_eq!(ev.get("c-useragent"), Some("Chrome"));
        assert_eq!(ev.get("cs-host"), Some("api.ipify.org"));
        assert_eq!(ev.get("dst_ip"), Some("198.51.100.7"));
    }

    #[test]
    fn w3c_fields() {
        let mut r = W3cReader::default();
        assert!(
            r.line("#Fields: date time c-ip cs-method cs-host cs-uri-stem cs-uri-query sc-status cs(User-Agent)")
                .is_none()
        );
        let (ev, ts) = r
            .line("2020-02-10 04:55:36 10.0.0.5 GET 203.0.113.5 /x.exe - 200 -")
            .unwrap_or_default();
        assert!(ts.is_some());
        assert_eq!(ev.get("c-uri-extension"), Some("exe"));
        assert_eq!(ev.get("cs-host"), Some("203.0.113.5"));
        assert_eq!(ev.get("c-useragent"), None);
    }
}
