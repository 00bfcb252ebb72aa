//! Windows code pages and the decoding of 8-bit strings.
//!
//! `.msg` files written by non-Unicode Outlook (and many malspam kits) store
//! strings as `PT_STRING8` bytes in the sender's Windows code page; Japanese
//! mail is cp932 (Shift_JIS with the NEC and IBM extensions, which is what
//! `encoding_rs`'s `Shift_JIS` implements). Decoding never fails: bytes
//! that are invalid in the declared code page are retried with a guess and
//! finally replaced with U+FFFD, and the [`Decoded::warning`] says so.

use encoding_rs::Encoding;

/// The result of decoding bytes to text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// The decoded text.
    pub text: String,
    /// The encoding that was finally used.
    pub encoding: &'static Encoding,
    /// Why the text may not be exactly what the sender wrote (unknown code
    /// page, invalid bytes, encoding guessed against the declaration).
    pub warning: Option<String>,
}

/// Maps a Windows code page number (as found in `PR_MESSAGE_CODEPAGE`,
/// `PR_INTERNET_CPID` or RTF `\ansicpg`) to an encoding.
pub fn encoding_for_code_page(code_page: u32) -> Option<&'static Encoding> {
    use encoding_rs::*;
    let encoding = match code_page {
        866 => IBM866,
        874 => WINDOWS_874,
        932 => SHIFT_JIS,
        936 | 20936 | 51936 => GBK,
        949 | 51949 => EUC_KR,
        950 => BIG5,
        1200 => UTF_16LE,
        1201 => UTF_16BE,
        1250 => WINDOWS_1250,
        1251 => WINDOWS_1251,
        // us-ascii and latin-1 are windows-1252 for every practical purpose.
        1252 | 20127 | 28591 => WINDOWS_1252,
        1253 => WINDOWS_1253,
        1254 | 28599 => WINDOWS_1254,
        1255 => WINDOWS_1255,
        1256 => WINDOWS_1256,
        1257 => WINDOWS_1257,
        1258 => WINDOWS_1258,
        10000 => MACINTOSH,
        10007 | 10017 => X_MAC_CYRILLIC,
        20866 => KOI8_R,
        21866 => KOI8_U,
        20932 | 51932 => EUC_JP,
        28592 => ISO_8859_2,
        28593 => ISO_8859_3,
        28594 => ISO_8859_4,
        28595 => ISO_8859_5,
        28596 => ISO_8859_6,
        28597 => ISO_8859_7,
        28598 => ISO_8859_8,
        38598 => ISO_8859_8_I,
        28600 => ISO_8859_10,
        28603 => ISO_8859_13,
        28604 => ISO_8859_14,
        28605 => ISO_8859_15,
        28606 => ISO_8859_16,
        50220..=50222 => ISO_2022_JP,
        54936 => GB18030,
        65001 => UTF_8,
        _ => return None,
    };
    Some(encoding)
}

/// Guesses the encoding of bytes with no usable declaration: ISO-2022-JP
/// when it is 7-bit with JIS escapes, else UTF-8 when valid, else Shift_JIS
/// (cp932) when it decodes cleanly, else EUC-JP when that does, else
/// windows-1252 (which accepts any byte).
pub fn guess_encoding(bytes: &[u8]) -> &'static Encoding {
    if bytes.is_ascii() && has_jis_escape(bytes) {
        return encoding_rs::ISO_2022_JP;
    }
    if std::str::from_utf8(bytes).is_ok() {
        return encoding_rs::UTF_8;
    }
    for candidate in [encoding_rs::SHIFT_JIS, encoding_rs::EUC_JP] {
        if decodes_cleanly(candidate, bytes) {
            return candidate;
        }
    }
    encoding_rs::WINDOWS_1252
}

fn has_jis_escape(bytes: &[u8]) -> bool {
    bytes
        .windows(3)
        .any(|w| matches!(w, [0x1B, b'$', b'B' | b'@'] | [0x1B, b'(', b'J' | b'I']))
}

fn decodes_cleanly(encoding: &'static Encoding, bytes: &[u8]) -> bool {
    encoding
        .decode_without_bom_handling_and_without_replacement(bytes)
        .is_some()
}

/// Decodes `PT_STRING8` bytes with a code page (`None`: guess).
///
/// ISO-2022-JP code pages (50220–50222) are internet encodings; Outlook
/// stores such messages' 8-bit strings in cp932, so 8-bit bytes under those
/// code pages are read as cp932.
pub fn decode_8bit(bytes: &[u8], code_page: Option<u32>) -> Decoded {
    let Some(code_page) = code_page else {
        return decode_guessed(bytes, None);
    };
    let Some(mut encoding) = encoding_for_code_page(code_page) else {
        return decode_guessed(bytes, Some(format!("unknown code page {code_page}")));
    };
    if encoding == encoding_rs::ISO_2022_JP && !bytes.is_ascii() {
        encoding = encoding_rs::SHIFT_JIS;
    }
    decode_declared(bytes, encoding, &format!("code page {code_page}"))
}

/// Decodes with a declared encoding; on invalid bytes tries a guess before
/// falling back to lossy decoding. `what` names the declaration in warnings.
pub fn decode_declared(bytes: &[u8], encoding: &'static Encoding, what: &str) -> Decoded {
    if let Some(text) = encoding.decode_without_bom_handling_and_without_replacement(bytes) {
        return Decoded {
            text: text.into_owned(),
            encoding,
            warning: None,
        };
    }
    // windows-1252 accepts any byte, so as a guess it would turn a string
    // with one stray byte into mojibake; only positive detections count.
    let guess = guess_encoding(bytes);
    if guess != encoding && guess != encoding_rs::WINDOWS_1252 && decodes_cleanly(guess, bytes) {
        let (text, _) = guess.decode_without_bom_handling(bytes);
        return Decoded {
            text: text.into_owned(),
            encoding: guess,
            warning: Some(format!(
                "bytes invalid in {what} ({}); decoded as {}",
                encoding.name(),
                guess.name()
            )),
        };
    }
    let (text, _) = encoding.decode_without_bom_handling(bytes);
    Decoded {
        text: text.into_owned(),
        encoding,
        warning: Some(format!(
            "bytes invalid in {what} ({}) replaced with U+FFFD",
            encoding.name()
        )),
    }
}

fn decode_guessed(bytes: &[u8], reason: Option<String>) -> Decoded {
    let encoding = guess_encoding(bytes);
    let (text, had_errors) = encoding.decode_without_bom_handling(bytes);
    let warning = match (reason, had_errors) {
        (Some(reason), _) => Some(format!("{reason}; guessed {}", encoding.name())),
        (None, true) => Some(format!(
            "bytes invalid in guessed {} replaced with U+FFFD",
            encoding.name()
        )),
        (None, false) => None,
    };
    Decoded {
        text: text.into_owned(),
        encoding,
        warning,
    }
}

/// Decodes `PT_UNICODE` (UTF-16LE) bytes; unpaired surrogates and an odd
/// trailing byte become U+FFFD with a warning.
pub fn decode_utf16le(bytes: &[u8]) -> Decoded {
    let encoding = encoding_rs::UTF_16LE;
    let (text, had_errors) = encoding.decode_without_bom_handling(bytes);
    let warning = had_errors.then(|| {
        if bytes.len() % 2 == 1 {
            "odd-length UTF-16 string; last byte replaced with U+FFFD".to_owned()
        } else {
            "invalid UTF-16 (unpaired surrogate) replaced with U+FFFD".to_owned()
        }
    });
    Decoded {
        text: text.into_owned(),
        encoding,
        warning,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cp932_decodes_nec_specials_and_halfwidth_kana() {
        let text = "①㈱㍉ｶﾀｶﾅ請求書";
        let (bytes, _, unmappable) = encoding_rs::SHIFT_JIS.encode(text);
        assert!(!unmappable);
        let decoded = decode_8bit(&bytes, Some(932));
        assert_eq!(decoded.text, text);
        assert_eq!(decoded.warning, None);
        // Without a code page the same bytes are recognised as Shift_JIS.
        assert_eq!(decode_8bit(&bytes, None).text, text);
    }

    #[test]
    fn iso2022jp_code_page_reads_8bit_bytes_as_cp932() {
        let (bytes, _, _) = encoding_rs::SHIFT_JIS.encode("件名");
        assert_eq!(decode_8bit(&bytes, Some(50220)).text, "件名");
        let (jis, _, _) = encoding_rs::ISO_2022_JP.encode("件名");
        assert_eq!(decode_8bit(&jis, Some(50220)).text, "件名");
        assert_eq!(decode_8bit(&jis, None).text, "件名");
    }

    #[test]
    fn invalid_bytes_are_guessed_or_replaced_with_a_warning() {
        let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode("請求書");
        let as_utf8 = decode_8bit(&sjis, Some(65001));
        assert_eq!(as_utf8.text, "請求書");
        assert!(as_utf8.warning.is_some());
        let garbage = [0x82, 0xFF, 0x81];
        let lossy = decode_8bit(&garbage, Some(932));
        assert!(lossy.text.contains('\u{FFFD}'));
        assert!(lossy.warning.is_some());
        let unknown = decode_8bit(b"plain", Some(4242));
        assert_eq!(unknown.text, "plain");
        assert!(unknown.warning.unwrap().contains("4242"));
    }

    #[test]
    fn utf16_odd_length_is_lossy_with_warning() {
        let decoded = decode_utf16le(&[0x41, 0x00, 0x42]);
        assert_eq!(decoded.text, "A\u{FFFD}");
        assert!(decoded.warning.is_some());
    }
}
