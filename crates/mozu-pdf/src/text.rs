//! PDF text strings and dates.
//!
//! A text string is UTF-16BE when it starts with the byte-order mark
//! `FE FF`, UTF-8 when it starts with `EF BB BF` (PDF 2.0), and
//! PDFDocEncoding otherwise. Japanese writers also put raw UTF-8 or
//! Shift_JIS bytes into Info strings without a mark; those are recognised
//! when the bytes decode cleanly and contain multi-byte characters, since a
//! PDFDocEncoding reading of them would be mojibake.

use encoding_rs::SHIFT_JIS;

/// PDFDocEncoding for 0x18–0x1F (the rest of 0x00–0x7F is ASCII).
const LOW: [char; 8] = [
    '\u{02D8}', '\u{02C7}', '\u{02C6}', '\u{02D9}', '\u{02DD}', '\u{02DB}', '\u{02DA}', '\u{02DC}',
];

/// PDFDocEncoding for 0x80–0xA0 (0xA1–0xFF is Latin-1, except 0xAD).
const HIGH: [char; 33] = [
    '\u{2022}', '\u{2020}', '\u{2021}', '\u{2026}', '\u{2014}', '\u{2013}', '\u{0192}', '\u{2044}', '\u{2039}',
    '\u{203A}', '\u{2212}', '\u{2030}', '\u{201E}', '\u{201C}', '\u{201D}', '\u{2018}', '\u{2019}', '\u{201A}',
    '\u{2122}', '\u{FB01}', '\u{FB02}', '\u{0141}', '\u{0152}', '\u{0160}', '\u{0178}', '\u{017D}', '\u{0131}',
    '\u{0142}', '\u{0153}', '\u{0161}', '\u{017E}', '\u{FFFD}', '\u{20AC}',
];

fn pdfdoc_char(byte: u8) -> char {
    match byte {
        0x18..=0x1F => LOW[usize::from(byte - 0x18)],
        0x7F | 0xAD => '\u{FFFD}',
        0x80..=0xA0 => HIGH[usize::from(byte - 0x80)],
        _ => char::from(byte),
    }
}

fn utf16(bytes: &[u8], big_endian: bool) -> String {
    let units = bytes.chunks_exact(2).map(|pair| {
        let pair = [pair[0], pair[1]];
        if big_endian {
            u16::from_be_bytes(pair)
        } else {
            u16::from_le_bytes(pair)
        }
    });
    char::decode_utf16(units)
        .map(|unit| unit.unwrap_or('\u{FFFD}'))
        .collect()
}

/// Decodes a PDF text string to Rust text, dropping trailing NULs.
pub fn pdf_text(bytes: &[u8]) -> String {
    let text = if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        utf16(rest, true)
    } else if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        // Not allowed by the specification, but written by some tools.
        utf16(rest, false)
    } else if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        String::from_utf8_lossy(rest).into_owned()
    } else if bytes.is_ascii() {
        bytes.iter().map(|&byte| pdfdoc_char(byte)).collect()
    } else if let Ok(utf8) = std::str::from_utf8(bytes) {
        utf8.to_string()
    } else if let Some(sjis) = shift_jis(bytes) {
        sjis
    } else {
        bytes.iter().map(|&byte| pdfdoc_char(byte)).collect()
    };
    text.trim_end_matches('\0').to_string()
}

/// Shift_JIS reading of `bytes` when it decodes without error and holds a
/// double-byte character (lead byte 0x81–0x9F or 0xE0–0xFC).
fn shift_jis(bytes: &[u8]) -> Option<String> {
    let has_lead = bytes.iter().any(|&byte| matches!(byte, 0x81..=0x9F | 0xE0..=0xFC));
    if !has_lead {
        return None;
    }
    let (text, had_errors) = SHIFT_JIS.decode_without_bom_handling(bytes);
    (!had_errors).then(|| text.into_owned())
}

/// [`pdf_text`] cut to [`MAX_TEXT_CHARS`](crate::MAX_TEXT_CHARS) characters.
pub(crate) fn capped_text(bytes: &[u8]) -> String {
    let text = pdf_text(bytes);
    match text.char_indices().nth(crate::MAX_TEXT_CHARS) {
        Some((cut, _)) => text[..cut].to_string(),
        None => text,
    }
}

fn two_digits(text: &[u8], at: usize) -> Option<u32> {
    let pair = text.get(at..at + 2)?;
    pair.iter()
        .all(u8::is_ascii_digit)
        .then(|| u32::from(pair[0] - b'0') * 10 + u32::from(pair[1] - b'0'))
}

/// Converts a PDF date (`D:YYYYMMDDHHmmSSOHH'mm'`, later fields optional)
/// to RFC 3339 (`2016-10-30T18:42:15+09:00`). Returns `None` when it does
/// not parse or carries no time-zone offset: such a time cannot be placed
/// on the timeline, so the caller keeps it as written.
pub fn pdf_date_to_rfc3339(date: &str) -> Option<String> {
    let text = date.trim().trim_end_matches('\0');
    let text = text.strip_prefix("D:").unwrap_or(text).as_bytes();
    let year = two_digits(text, 0)? * 100 + two_digits(text, 2)?;
    let mut fields = [1u32, 1, 0, 0, 0];
    let mut at = 4;
    for field in &mut fields {
        match two_digits(text, at) {
            Some(value) => {
                *field = value;
                at += 2;
            }
            None => break,
        }
    }
    let [month, day, hour, minute, second] = fields;
    let valid = (1..=12).contains(&month) && (1..=31).contains(&day) && hour < 24 && minute < 60 && second <= 60;
    if !valid {
        return None;
    }
    let offset = match text.get(at)? {
        b'Z' => "Z".to_string(),
        &sign @ (b'+' | b'-') => {
            let hours = two_digits(text, at + 1)?;
            let minutes_at = if text.get(at + 3) == Some(&b'\'') {
                at + 4
            } else {
                at + 3
            };
            let minutes = two_digits(text, minutes_at).unwrap_or(0);
            if hours > 23 || minutes > 59 {
                return None;
            }
            format!("{}{hours:02}:{minutes:02}", char::from(sign))
        }
        _ => return None,
    };
    Some(format!(
        "{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}{offset}"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(
            pdf_date_to_rfc3339("D:20161030184215+09'00'").as_deref(),
            Some("2016-10-30T18:42:15+09:00")
        );
        assert_eq!(
            pdf_date_to_rfc3339("D:20200102030405Z").as_deref(),
            Some("2020-01-02T03:04:05Z")
        );
        assert_eq!(
            pdf_date_to_rfc3339("D:20200102030405Z00'00'").as_deref(),
            Some("2020-01-02T03:04:05Z")
        );
        assert_eq!(pdf_date_to_rfc3339("D:2020Z").as_deref(), Some("2020-01-01T00:00:00Z"));
        assert_eq!(
            pdf_date_to_rfc3339("D:20200102030405-0530").as_deref(),
            Some("2020-01-02T03:04:05-05:30")
        );
        assert_eq!(pdf_date_to_rfc3339("D:20161030184215"), None);
        assert_eq!(pdf_date_to_rfc3339("D:20161330184215Z"), None);
        assert_eq!(pdf_date_to_rfc3339("yesterday"), None);
        assert_eq!(pdf_date_to_rfc3339("D:2016103018421+"), None);
        assert_eq!(pdf_date_to_rfc3339(""), None);
    }

    #[test]
    fn text_encodings() {
        assert_eq!(pdf_text(b"doPDF Ver 8.7 Build 943"), "doPDF Ver 8.7 Build 943");
        let utf16: Vec<u8> = [0xFE, 0xFF, 0x30, 0x6D, 0x30, 0x53, 0, 0].to_vec();
        assert_eq!(pdf_text(&utf16), "ねこ");
        assert_eq!(pdf_text(&[0x80, 0x20, 0xA0, 0x41]), "• €A");
        assert_eq!(pdf_text("請求書".as_bytes()), "請求書");
        let (sjis, _, _) = SHIFT_JIS.encode("請求書");
        assert_eq!(pdf_text(&sjis), "請求書");
        assert_eq!(pdf_text(&[0xFE, 0xFF, 0xD8, 0x00]), "\u{FFFD}");
        assert_eq!(pdf_text(&[0xE9, b' ']), "é ");
    }
}
