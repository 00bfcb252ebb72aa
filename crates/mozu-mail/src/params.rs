//! `Content-Type` / `Content-Disposition` parameters with RFC 2231.
//!
//! mail-parser decodes each `filename*N*=` segment on its own, which breaks
//! a multibyte character split between segments. Here the segments are
//! ordered, percent-decoded and joined as bytes, then decoded once with the
//! charset of segment 0. Non-extended values go through RFC 2047 decoding
//! (Japanese mailers put `=?ISO-2022-JP?B?…?=` inside quoted filenames,
//! sometimes split across `name*0=` / `name*1=`).

use std::collections::BTreeMap;

use encoding_rs::Encoding;

use crate::charset::{self, Decoded};
use crate::rfc2047;

/// Parameters per header at most.
pub const MAX_PARAMS: usize = 64;
/// Continuation segments per parameter at most.
pub const MAX_CONTINUATIONS: u32 = 256;

/// A parsed structured MIME header.
#[derive(Debug, Default)]
pub struct MimeHeader {
    /// `type/subtype`, lower-cased; empty for Content-Disposition values
    /// that hold only a disposition type.
    pub value: String,
    raw_params: Vec<(String, Vec<u8>)>,
}

#[derive(Default)]
struct Parts {
    extended: bool,
    segments: BTreeMap<u32, (bool, Vec<u8>)>,
}

impl MimeHeader {
    /// Parses a raw header value.
    pub fn parse(raw: &[u8]) -> MimeHeader {
        let raw = rfc2047::unfold(raw);
        let mut header = MimeHeader::default();
        let mut items = split_params(&raw).into_iter();
        if let Some(first) = items.next() {
            header.value = String::from_utf8_lossy(&first).trim().to_ascii_lowercase();
        }
        for item in items.take(MAX_PARAMS) {
            let Some(eq) = item.iter().position(|&b| b == b'=') else {
                continue;
            };
            let name = String::from_utf8_lossy(&item[..eq]).trim().to_ascii_lowercase();
            let value = unquote(trim(&item[eq + 1..]));
            if !name.is_empty() {
                header.raw_params.push((name, value));
            }
        }
        header
    }

    /// The decoded value of parameter `name` (`filename`, `name`,
    /// `charset` …), joining RFC 2231 continuations.
    pub fn param(&self, name: &str, hint: Option<&'static Encoding>) -> Option<Decoded> {
        let mut parts = Parts::default();
        let mut plain: Option<&[u8]> = None;
        for (key, value) in &self.raw_params {
            let (base, index, extended) = split_key(key);
            if base != name {
                continue;
            }
            match index {
                None if extended => {
                    parts.extended = true;
                    parts.segments.insert(0, (true, value.clone()));
                }
                None => plain = plain.or(Some(value)),
                Some(n) if n < MAX_CONTINUATIONS => {
                    parts.extended |= extended && n == 0;
                    parts.segments.entry(n).or_insert((extended, value.clone()));
                }
                Some(_) => {}
            }
        }
        if !parts.segments.is_empty() {
            return Some(join_segments(parts, hint));
        }
        plain.map(|v| rfc2047::decode_header(v, hint))
    }
}

/// Splits `name*3*` into (`name`, Some(3), true).
fn split_key(key: &str) -> (&str, Option<u32>, bool) {
    let (key, extended) = match key.strip_suffix('*') {
        Some(k) => (k, true),
        None => (key, false),
    };
    match key.rsplit_once('*') {
        Some((base, n)) if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) => (base, n.parse().ok(), extended),
        _ => (key, None, extended),
    }
}

fn join_segments(parts: Parts, hint: Option<&'static Encoding>) -> Decoded {
    let mut bytes = Vec::new();
    let mut label: Option<String> = None;
    for (n, (extended, value)) in parts.segments {
        if extended {
            let mut value: &[u8] = &value;
            if n == 0 {
                // charset'language'value
                let mut pieces = value.splitn(3, |&b| b == b'\'');
                if let (Some(cs), Some(_lang), Some(rest)) = (pieces.next(), pieces.next(), pieces.next()) {
                    label = Some(String::from_utf8_lossy(cs).into_owned()).filter(|l| !l.is_empty());
                    value = rest;
                }
            }
            bytes.extend(percent_decode(value));
        } else {
            bytes.extend_from_slice(&value);
        }
    }
    if parts.extended {
        charset::decode(&bytes, label.as_deref(), hint)
    } else {
        rfc2047::decode_header(&bytes, hint)
    }
}

fn percent_decode(value: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(value.len());
    let mut i = 0;
    while i < value.len() {
        if value[i] == b'%'
            && let (Some(h), Some(l)) = (hexval(value.get(i + 1)), hexval(value.get(i + 2)))
        {
            out.push(h << 4 | l);
            i += 3;
            continue;
        }
        out.push(value[i]);
        i += 1;
    }
    out
}

fn hexval(c: Option<&u8>) -> Option<u8> {
    (*c? as char).to_digit(16).map(|d| d as u8)
}

fn trim(v: &[u8]) -> &[u8] {
    let start = v.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(v.len());
    let end = v
        .iter()
        .rposition(|b| !b.is_ascii_whitespace())
        .map_or(start, |e| e + 1);
    &v[start..end]
}

fn unquote(v: &[u8]) -> Vec<u8> {
    if v.len() >= 2 && v[0] == b'"' {
        let inner = &v[1..if v.ends_with(b"\"") { v.len() - 1 } else { v.len() }];
        let mut out = Vec::with_capacity(inner.len());
        let mut escaped = false;
        for &b in inner {
            if escaped || b != b'\\' {
                out.push(b);
                escaped = false;
            } else {
                escaped = true;
            }
        }
        out
    } else {
        v.to_vec()
    }
}

/// Splits at `;` outside quoted strings and comments.
fn split_params(raw: &[u8]) -> Vec<Vec<u8>> {
    let mut items = Vec::new();
    let mut cur = Vec::new();
    let (mut quoted, mut escaped, mut comment) = (false, false, 0u32);
    let mut i = 0;
    while i < raw.len() {
        let b = raw[i];
        i += 1;
        if b == 0x1b {
            let end = charset::iso2022_run_end(raw, i - 1);
            cur.extend_from_slice(&raw[i - 1..end]);
            i = end;
            continue;
        }
        if quoted {
            cur.push(b);
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => quoted = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' if comment == 0 => {
                quoted = true;
                cur.push(b);
            }
            b'(' => comment = comment.saturating_add(1),
            b')' if comment > 0 => comment -= 1,
            _ if comment > 0 => {}
            b';' => items.push(std::mem::take(&mut cur)),
            _ => cur.push(b),
        }
    }
    items.push(cur);
    items
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc2231_and_plain_parameters() {
        let h = MimeHeader::parse(b"attachment;\r\n filename*0*=ISO-2022-JP''%1B%24B%40A5a%3Dq%1B%28B.pdf");
        assert_eq!(h.value, "attachment");
        assert_eq!(h.param("filename", None).unwrap().text, "請求書.pdf");
        let h = MimeHeader::parse(b"text/plain; charset=\"Shift_JIS\"; format=flowed (comment)");
        assert_eq!(h.value, "text/plain");
        assert_eq!(h.param("charset", None).unwrap().text, "Shift_JIS");
        assert!(h.param("name", None).is_none());
        let h = MimeHeader::parse(b"application/pdf; name*=utf-8''%E2%80%AEfdp.exe");
        assert_eq!(h.param("name", None).unwrap().text, "\u{202e}fdp.exe");
    }
}
