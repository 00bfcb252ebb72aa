//! Decoding entry names written without a declared encoding.
//!
//! Japanese Windows tools write zip, rar and gzip names in code page 932
//! (Shift_JIS) without saying so; other tools write UTF-8 without the flag;
//! the zip specification's default is CP437. The order of the guesses
//! matters: valid UTF-8 is almost never accidental, Shift_JIS that decodes
//! without a single error is a strong signal, and CP437 accepts anything.

use encoding_rs::SHIFT_JIS;

/// CP437 code points for bytes 0x80–0xFF.
const CP437_HIGH: [char; 128] = [
    'Ç', 'ü', 'é', 'â', 'ä', 'à', 'å', 'ç', 'ê', 'ë', 'è', 'ï', 'î', 'ì', 'Ä', 'Å', //
    'É', 'æ', 'Æ', 'ô', 'ö', 'ò', 'û', 'ù', 'ÿ', 'Ö', 'Ü', '¢', '£', '¥', '₧', 'ƒ', //
    'á', 'í', 'ó', 'ú', 'ñ', 'Ñ', 'ª', 'º', '¿', '⌐', '¬', '½', '¼', '¡', '«', '»', //
    '░', '▒', '▓', '│', '┤', '╡', '╢', '╖', '╕', '╣', '║', '╗', '╝', '╜', '╛', '┐', //
    '└', '┴', '┬', '├', '─', '┼', '╞', '╟', '╚', '╔', '╩', '╦', '╠', '═', '╬', '╧', //
    '╨', '╤', '╥', '╙', '╘', '╒', '╓', '╫', '╪', '┘', '┌', '█', '▄', '▌', '▐', '▀', //
    'α', 'ß', 'Γ', 'π', 'Σ', 'σ', 'µ', 'τ', 'Φ', 'Θ', 'Ω', 'δ', '∞', 'φ', 'ε', '∩', //
    '≡', '±', '≥', '≤', '⌠', '⌡', '÷', '≈', '°', '∙', '·', '√', 'ⁿ', '²', '■', '\u{a0}',
];

/// How a legacy name was decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NameEncoding {
    /// Plain ASCII.
    Ascii,
    /// UTF-8 (flagged or not).
    Utf8,
    /// Shift_JIS / code page 932.
    ShiftJis,
    /// CP437, the fallback.
    Cp437,
}

/// Decodes a name with no declared encoding: ASCII, else UTF-8, else
/// Shift_JIS when it decodes cleanly, else CP437.
pub(crate) fn decode_legacy(raw: &[u8]) -> (String, NameEncoding) {
    if raw.is_ascii() {
        return (String::from_utf8_lossy(raw).into_owned(), NameEncoding::Ascii);
    }
    if let Ok(text) = std::str::from_utf8(raw) {
        return (text.to_owned(), NameEncoding::Utf8);
    }
    if let Some(text) = SHIFT_JIS.decode_without_bom_handling_and_without_replacement(raw)
        && !text.contains('\u{0}')
    {
        return (text.into_owned(), NameEncoding::ShiftJis);
    }
    (decode_cp437(raw), NameEncoding::Cp437)
}

/// Decodes CP437 bytes (every byte maps to a character).
pub(crate) fn decode_cp437(raw: &[u8]) -> String {
    raw.iter()
        .map(|&b| {
            if b < 0x80 {
                char::from(b)
            } else {
                CP437_HIGH[usize::from(b - 0x80)]
            }
        })
        .collect()
}

/// Decodes UTF-16 big-endian bytes (Joliet, UDF), replacing bad halves.
pub(crate) fn decode_utf16be(raw: &[u8]) -> String {
    let units = raw.chunks_exact(2).map(|pair| u16::from_be_bytes([pair[0], pair[1]]));
    char::decode_utf16(units)
        .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect()
}

/// Decodes UTF-16 little-endian bytes, replacing bad halves.
pub(crate) fn decode_utf16le(units: impl Iterator<Item = u16>) -> String {
    char::decode_utf16(units)
        .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect()
}

/// Decodes ISO-8859-1 bytes (UDF's 8-bit names).
pub(crate) fn decode_latin1(raw: &[u8]) -> String {
    raw.iter().map(|&b| char::from(b)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guesses_in_order() {
        assert_eq!(decode_legacy(b"a.txt").1, NameEncoding::Ascii);
        assert_eq!(
            decode_legacy("請求書.vbs".as_bytes()),
            ("請求書.vbs".to_owned(), NameEncoding::Utf8)
        );
        let (sjis, _, _) = SHIFT_JIS.encode("請求書_2024.zip");
        assert_eq!(
            decode_legacy(&sjis),
            ("請求書_2024.zip".to_owned(), NameEncoding::ShiftJis)
        );
        // "café" in CP437: 0x82 alone is not valid Shift_JIS.
        assert_eq!(decode_legacy(b"caf\x82"), ("café".to_owned(), NameEncoding::Cp437));
    }

    #[test]
    fn utf16() {
        assert_eq!(decode_utf16be(&[0x30, 0x42, 0x00, 0x41]), "あA");
        assert_eq!(decode_utf16le([0x3042u16, 0x41].into_iter()), "あA");
        assert_eq!(decode_latin1(b"\xe9"), "é");
    }
}
