//! Windows code pages to `encoding_rs` encodings.

use encoding_rs::Encoding;

/// The encoding of a Windows code page; `None` for one this crate does not
/// know (callers fall back to windows-1252).
pub(crate) fn encoding_for(code_page: u16) -> Option<&'static Encoding> {
    use encoding_rs::*;
    Some(match code_page {
        932 | 10001 => SHIFT_JIS,
        20932 | 51932 => EUC_JP,
        50220..=50222 => ISO_2022_JP,
        936 | 10008 => GBK,
        54936 => GB18030,
        949 | 10003 | 51949 => EUC_KR,
        950 | 10002 => BIG5,
        874 => WINDOWS_874,
        866 => IBM866,
        1200 => UTF_16LE,
        1201 => UTF_16BE,
        1250 => WINDOWS_1250,
        1251 => WINDOWS_1251,
        1252 | 437 | 850 | 20127 => WINDOWS_1252,
        1253 => WINDOWS_1253,
        1254 => WINDOWS_1254,
        1255 => WINDOWS_1255,
        1256 => WINDOWS_1256,
        1257 => WINDOWS_1257,
        1258 => WINDOWS_1258,
        10000 => MACINTOSH,
        20866 => KOI8_R,
        21866 => KOI8_U,
        28591 => WINDOWS_1252,
        28592 => ISO_8859_2,
        28593 => ISO_8859_3,
        28594 => ISO_8859_4,
        28595 => ISO_8859_5,
        28596 => ISO_8859_6,
        28597 => ISO_8859_7,
        28598 => ISO_8859_8,
        28603 => ISO_8859_13,
        28605 => ISO_8859_15,
        65001 => UTF_8,
        _ => return None,
    })
}

/// Decodes 8-bit text with a code page (windows-1252 when unknown or
/// absent), replacing malformed sequences.
pub(crate) fn decode(bytes: &[u8], code_page: Option<u16>) -> String {
    let encoding = code_page.and_then(encoding_for).unwrap_or(encoding_rs::WINDOWS_1252);
    let (text, _, _) = encoding.decode(bytes);
    text.into_owned()
}

/// Decodes UTF-16LE text, replacing unpaired surrogates; an odd trailing
/// byte is dropped.
pub(crate) fn decode_utf16le(bytes: &[u8]) -> String {
    let units = bytes.chunks_exact(2).map(|pair| u16::from_le_bytes([pair[0], pair[1]]));
    char::decode_utf16(units)
        .map(|unit| unit.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect()
}

/// Decodes Latin-1 (each byte one char), for names in binary structures.
pub(crate) fn decode_latin1(bytes: &[u8]) -> String {
    bytes.iter().map(|&byte| char::from(byte)).collect()
}

/// Decodes an 8-bit string of unknown ANSI code page (a file name in an OLE
/// `Package`): UTF-8 when valid, else Shift_JIS when it decodes cleanly
/// (the common case in Japanese mail), else windows-1252.
pub(crate) fn decode_ansi_guess(bytes: &[u8]) -> String {
    if let Ok(text) = std::str::from_utf8(bytes) {
        return text.to_owned();
    }
    let (text, had_errors) = encoding_rs::SHIFT_JIS.decode_without_bom_handling(bytes);
    if !had_errors {
        return text.into_owned();
    }
    decode(bytes, None)
}
