//! Bytes to text the way Windows script hosts read them.
//!
//! A byte-order mark decides when present; UTF-16LE without a mark is
//! recognised by its zero high bytes; valid UTF-8 stays UTF-8; anything else
//! is read as Shift_JIS (code page 932), the ANSI code page of the Japanese
//! Windows these lures target. ASCII survives every one of these readings,
//! which is what the pattern matching needs.

use encoding_rs::{SHIFT_JIS, UTF_16BE, UTF_16LE};

/// Bytes sampled to recognise UTF-16LE without a byte-order mark.
const SNIFF_BYTES: usize = 512;

/// Decodes script bytes to text (lossy).
pub(crate) fn decode_text(bytes: &[u8]) -> String {
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return String::from_utf8_lossy(rest).into_owned();
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        return utf16le(rest);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        return UTF_16BE.decode_without_bom_handling(rest).0.into_owned();
    }
    if looks_utf16le(bytes) {
        return utf16le(bytes);
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_string(),
        Err(_) => ansi(bytes),
    }
}

/// UTF-16LE without a mark: most high bytes zero, most low bytes not.
fn looks_utf16le(bytes: &[u8]) -> bool {
    let sample = &bytes[..bytes.len().min(SNIFF_BYTES)];
    let pairs = sample.len() / 2;
    if pairs < 2 {
        return false;
    }
    let zero_high = sample
        .chunks_exact(2)
        .filter(|pair| pair[1] == 0 && pair[0] != 0)
        .count();
    zero_high * 10 >= pairs * 7
}

/// UTF-16LE to text (lossy; an odd final byte is dropped).
pub(crate) fn utf16le(bytes: &[u8]) -> String {
    let even = &bytes[..bytes.len() & !1];
    UTF_16LE.decode_without_bom_handling(even).0.into_owned()
}

/// ANSI text of a Japanese Windows (code page 932), lossy.
pub(crate) fn ansi(bytes: &[u8]) -> String {
    SHIFT_JIS.decode_without_bom_handling(bytes).0.into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16(text: &str) -> Vec<u8> {
        text.encode_utf16().flat_map(u16::to_le_bytes).collect()
    }

    #[test]
    fn encodings() {
        assert_eq!(decode_text(b"\xEF\xBB\xBFecho"), "echo");
        let mut marked = vec![0xFF, 0xFE];
        marked.extend(utf16("IEX 請求"));
        assert_eq!(decode_text(&marked), "IEX 請求");
        assert_eq!(
            decode_text(&utf16("Set s = CreateObject(\"WScript.Shell\")")),
            "Set s = CreateObject(\"WScript.Shell\")"
        );
        let (sjis, _, _) = SHIFT_JIS.encode("echo 請求書を開いています");
        assert_eq!(decode_text(&sjis), "echo 請求書を開いています");
        assert_eq!(decode_text("ねこ".as_bytes()), "ねこ");
        assert_eq!(decode_text(b"a"), "a");
        assert_eq!(utf16le(b"a\0b"), "a");
    }
}
