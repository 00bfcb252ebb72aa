//! Charset resolution and decoding with content detection.
//!
//! mail-parser trusts the label. Japanese mail routinely lies: labels such as
//! `ISO-2022-JP-MS`, `CP50220`, `cp932` or `_iso-2022-jp$ESC` are unknown to
//! WHATWG, parts labelled ISO-2022-JP really hold UTF-8 or Shift_JIS, and
//! many old mailers send raw 8-bit bytes with no label at all. This module
//! maps every such label to the encoding_rs decoder that reads it
//! (encoding_rs' Shift_JIS is Windows-31J and its JIS X 0208 table carries
//! the NEC row 13 and IBM extensions, so ①, ㈱ and ㍉ decode), checks that
//! the bytes really are in that encoding, and otherwise detects.

use encoding_rs::{EUC_JP, Encoding, ISO_2022_JP, SHIFT_JIS, UTF_8, UTF_16BE, UTF_16LE};
use mozu_model::WarningCode;

/// Bytes of text given to content detection at most; detection on more is
/// slower without being better.
pub const MAX_DETECT_BYTES: usize = 64 << 10;

/// How a piece of text was decoded.
#[derive(Debug)]
pub struct Decoded {
    /// The text.
    pub text: String,
    /// Set when the label was missing, wrong or unknown, or bytes were lost.
    pub warning: Option<(WarningCode, String)>,
}

/// A charset label resolved to a decoder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resolved {
    /// An encoding_rs encoding.
    Encoding(&'static Encoding),
    /// UTF-7 (RFC 2152), which encoding_rs does not implement.
    Utf7,
}

/// Resolves a charset label, tolerating aliases and mangled labels.
pub fn resolve(label: &str) -> Option<Resolved> {
    let cleaned: String = label
        .trim()
        .trim_matches(|c| c == '"' || c == '\'')
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':'))
        .map(|c| c.to_ascii_lowercase())
        .collect();
    if cleaned.is_empty() {
        return None;
    }
    if let Some(enc) = japanese_alias(&cleaned) {
        return Some(Resolved::Encoding(enc));
    }
    if cleaned.contains("utf-7") || cleaned.contains("utf7") {
        return Some(Resolved::Utf7);
    }
    if let Some(enc) = Encoding::for_label(cleaned.as_bytes()) {
        return Some(Resolved::Encoding(enc));
    }
    windows_alias(&cleaned).map(Resolved::Encoding)
}

/// Japanese labels that WHATWG does not know, matched by fragment because
/// mailers mangle them (`_iso-2022-jp$ESC`, `x-sjis-open`, `CP50220`).
fn japanese_alias(label: &str) -> Option<&'static Encoding> {
    let compact: String = label.chars().filter(|c| c.is_ascii_alphanumeric()).collect();
    const ISO: &[&str] = &["iso2022jp", "cp50220", "cp50221", "cp50222", "csiso2022jp", "jis7"];
    const SJIS: &[&str] = &[
        "shiftjis",
        "sjis",
        "cp932",
        "windows31j",
        "ms932",
        "mskanji",
        "ibm943",
        "ibm932",
        "csshiftjis",
        "cswindows31j",
        "windows932",
    ];
    const EUC: &[&str] = &["eucjp", "cp51932", "cp20932", "ujis", "cseucpkdfmtjapanese", "eucjpms"];
    if ISO.iter().any(|p| compact.contains(p)) {
        Some(ISO_2022_JP)
    } else if SJIS.iter().any(|p| compact.contains(p)) {
        Some(SHIFT_JIS)
    } else if EUC.iter().any(|p| compact.contains(p)) {
        Some(EUC_JP)
    } else {
        None
    }
}

/// `cp1252`, `ms936`, `windows-949` style names.
fn windows_alias(label: &str) -> Option<&'static Encoding> {
    let digits: String = label.chars().filter(|c| c.is_ascii_digit()).collect();
    let page: u16 = digits.parse().ok()?;
    let name = match page {
        874 => "windows-874",
        936 => "gbk",
        949 => "euc-kr",
        950 => "big5",
        1250..=1258 => return Encoding::for_label(format!("windows-{page}").as_bytes()),
        65001 => "utf-8",
        _ => return None,
    };
    Encoding::for_label(name.as_bytes())
}

/// True when `bytes` hold ISO-2022-JP escape sequences and no 8-bit byte.
pub fn looks_iso2022jp(bytes: &[u8]) -> bool {
    if bytes.iter().any(|&b| b >= 0x80) {
        return false;
    }
    memchr::memmem::find(bytes, b"\x1b$B").is_some()
        || memchr::memmem::find(bytes, b"\x1b$@").is_some()
        || memchr::memmem::find(bytes, b"\x1b(I").is_some()
        || memchr::memmem::find(bytes, b"\x1b(J").is_some()
}

/// End of a raw ISO-2022-JP run starting with ESC at `start`: just after the
/// escape back to ASCII / JIS-Roman, or the end of input.
pub fn iso2022_run_end(raw: &[u8], start: usize) -> usize {
    if raw[start + 1..].starts_with(b"(B") || raw[start + 1..].starts_with(b"(J") {
        return start + 3;
    }
    let mut i = start + 1;
    while let Some(off) = memchr::memchr(0x1b, &raw[i.min(raw.len())..]) {
        let esc = i + off;
        if raw[esc + 1..].starts_with(b"(B") || raw[esc + 1..].starts_with(b"(J") {
            return esc + 3;
        }
        i = esc + 1;
    }
    raw.len()
}

/// Decodes `bytes` that carry `label` (or none). `hint` is an encoding that
/// other parts of the same message used, tried before blind detection: a
/// raw 8-bit header is short, and the body charset is the best evidence.
pub fn decode(bytes: &[u8], label: Option<&str>, hint: Option<&'static Encoding>) -> Decoded {
    let resolved = label.and_then(resolve);
    if let Some(Resolved::Utf7) = resolved {
        return clean(decode_utf7(bytes));
    }
    if let Some(Resolved::Encoding(enc)) = resolved
        && (enc == UTF_16BE || enc == UTF_16LE)
    {
        return decode_with(bytes, enc);
    }
    if !bytes.iter().any(|&b| b >= 0x80 || b == 0x1b) {
        // Pure ASCII is ASCII under every label that matters here.
        return clean(String::from_utf8_lossy(bytes).into_owned());
    }
    if looks_iso2022jp(bytes)
        && let Some(text) = strict(bytes, ISO_2022_JP)
    {
        return clean(text);
    }
    match (label, resolved) {
        (_, Some(Resolved::Encoding(enc))) => {
            if let Some(text) = strict(bytes, enc) {
                return clean(text);
            }
            let detected = detect(bytes, hint);
            if let Some(text) = strict(bytes, detected) {
                let msg = format!("labelled {} but decoded as {}", enc.name(), detected.name());
                return warned(text, WarningCode::CharsetMislabeled, msg);
            }
            let mut out = decode_with(bytes, enc);
            out.warning
                .get_or_insert((WarningCode::UndecodableText, format!("bytes invalid in {}", enc.name())));
            out
        }
        (Some(label), _) => {
            let enc = detect(bytes, hint);
            let mut out = decode_with(bytes, enc);
            out.warning.get_or_insert((
                WarningCode::CharsetUnknown,
                format!("unknown charset {label:?}, decoded as {}", enc.name()),
            ));
            out
        }
        (None, _) => {
            if let Ok(text) = std::str::from_utf8(bytes) {
                return clean(text.to_owned());
            }
            let enc = detect(bytes, hint);
            let mut out = decode_with(bytes, enc);
            out.warning.get_or_insert((
                WarningCode::CharsetDetected,
                format!("unlabelled 8-bit text decoded as {}", enc.name()),
            ));
            out
        }
    }
}

/// Decodes without replacement; `None` when any byte is invalid.
pub fn strict(bytes: &[u8], enc: &'static Encoding) -> Option<String> {
    if enc == ISO_2022_JP {
        let bytes = collapse_escapes(bytes);
        if let Some(text) = enc.decode_without_bom_handling_and_without_replacement(&bytes) {
            return Some(text.into_owned());
        }
        let fixed = jis_kana_to_escapes(&bytes)?;
        return enc
            .decode_without_bom_handling_and_without_replacement(&collapse_escapes(&fixed))
            .map(|c| c.into_owned());
    }
    enc.decode_without_bom_handling_and_without_replacement(bytes)
        .map(|c| c.into_owned())
}

/// Rewrites the half-width kana forms of CP50222 (SO … SI) and of "JIS8"
/// mailers (raw bytes 0xA1–0xDF between escapes) into the `ESC ( I` form
/// the WHATWG decoder reads. `None` when the bytes hold neither, or hold
/// other 8-bit bytes (then they are not ISO-2022-JP at all).
fn jis_kana_to_escapes(bytes: &[u8]) -> Option<Vec<u8>> {
    if !bytes
        .iter()
        .any(|&b| b == 0x0e || b == 0x0f || (0xa1..=0xdf).contains(&b))
    {
        return None;
    }
    let mut out = Vec::with_capacity(bytes.len() + 16);
    let mut mode: &[u8] = b"\x1b(B";
    let mut in_so = false;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if let Some(len) = escape_len(&bytes[i..]) {
            mode = &bytes[i..i + len];
            out.extend_from_slice(mode);
            i += len;
            continue;
        }
        match b {
            0x0e => {
                in_so = true;
                out.extend_from_slice(b"\x1b(I");
            }
            0x0f => {
                in_so = false;
                out.extend_from_slice(mode);
            }
            0x21..=0x5f if in_so => out.push(b),
            0xa1..=0xdf => {
                out.extend_from_slice(b"\x1b(I");
                out.push(b - 0x80);
                out.extend_from_slice(if in_so { b"\x1b(I" } else { mode });
            }
            0x80..=0xff => return None,
            _ => out.push(b),
        }
        i += 1;
    }
    Some(out)
}

/// Length of the ISO-2022-JP escape sequence at the start of `b`, if any.
fn escape_len(b: &[u8]) -> Option<usize> {
    match b {
        [0x1b, b'(', b'B' | b'J' | b'I', ..] | [0x1b, b'$', b'@' | b'B', ..] => Some(3),
        [0x1b, b'$', b'(', b'D' | b'Q' | b'O', ..] => Some(4),
        _ => None,
    }
}

/// Drops an escape sequence that is immediately followed by another one.
/// The WHATWG decoder treats back-to-back escapes as an error, but joining
/// encoded-words (`…ESC ( B` + `ESC $ B…`) and some mailers produce them.
fn collapse_escapes(bytes: &[u8]) -> std::borrow::Cow<'_, [u8]> {
    let mut out: Option<Vec<u8>> = None;
    let mut i = 0;
    while i < bytes.len() {
        if let Some(len) = escape_len(&bytes[i..])
            && escape_len(&bytes[i + len..]).is_some()
        {
            out.get_or_insert_with(|| bytes[..i].to_vec());
            i += len;
            continue;
        }
        if let Some(o) = out.as_mut() {
            o.push(bytes[i]);
        }
        i += 1;
    }
    match out {
        Some(o) => std::borrow::Cow::Owned(o),
        None => std::borrow::Cow::Borrowed(bytes),
    }
}

fn decode_with(bytes: &[u8], enc: &'static Encoding) -> Decoded {
    let collapsed = if enc == ISO_2022_JP {
        collapse_escapes(bytes)
    } else {
        std::borrow::Cow::Borrowed(bytes)
    };
    let (text, _, had_errors) = enc.decode(&collapsed);
    let warning = had_errors.then(|| {
        (
            WarningCode::UndecodableText,
            format!("bytes invalid in {} replaced", enc.name()),
        )
    });
    Decoded {
        text: text.into_owned(),
        warning,
    }
}

fn clean(text: String) -> Decoded {
    Decoded { text, warning: None }
}

fn warned(text: String, code: WarningCode, msg: String) -> Decoded {
    Decoded {
        text,
        warning: Some((code, msg)),
    }
}

/// Picks the encoding of unlabelled or mislabelled 8-bit text.
pub fn detect(bytes: &[u8], hint: Option<&'static Encoding>) -> &'static Encoding {
    if std::str::from_utf8(bytes).is_ok() {
        return UTF_8;
    }
    if let Some(hint) = hint
        && hint != UTF_8
        && strict(bytes, hint).is_some()
    {
        return hint;
    }
    let sample = &bytes[..bytes.len().min(MAX_DETECT_BYTES)];
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Allow);
    detector.feed(sample, true);
    let guess = detector.guess(None, chardetng::Utf8Detection::Allow);
    if strict(bytes, guess).is_some() {
        return guess;
    }
    // Short Japanese strings defeat statistics; shift_or_euc decides
    // between the Japanese encodings from the byte structure alone.
    let mut sjis_euc = shift_or_euc::Detector::new(true);
    if let Some(enc) = sjis_euc.feed(sample, true)
        && strict(bytes, enc).is_some()
    {
        return enc;
    }
    [SHIFT_JIS, EUC_JP]
        .into_iter()
        .find(|enc| strict(bytes, enc).is_some())
        .unwrap_or(guess)
}

/// UTF-7 (RFC 2152) decoding; rare, but spam uses it to dodge filters.
fn decode_utf7(bytes: &[u8]) -> String {
    use base64::Engine as _;
    let mut out = String::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b != b'+' {
            out.push(if b < 0x80 { b as char } else { '\u{fffd}' });
            i += 1;
            continue;
        }
        let start = i + 1;
        let mut end = start;
        while end < bytes.len() && (bytes[end].is_ascii_alphanumeric() || matches!(bytes[end], b'+' | b'/')) {
            end += 1;
        }
        if end == start {
            out.push('+');
        } else {
            let mut chunk = bytes[start..end].to_vec();
            let keep = chunk.len() / 4 * 4 + if chunk.len() % 4 >= 2 { chunk.len() % 4 } else { 0 };
            chunk.truncate(keep);
            let engine = base64::engine::general_purpose::STANDARD_NO_PAD;
            let raw = engine.decode(&chunk).unwrap_or_default();
            let units: Vec<u16> = raw.chunks_exact(2).map(|c| u16::from_be_bytes([c[0], c[1]])).collect();
            out.extend(char::decode_utf16(units).map(|r| r.unwrap_or('\u{fffd}')));
        }
        i = if end < bytes.len() && bytes[end] == b'-' {
            end + 1
        } else {
            end
        };
    }
    out
}
