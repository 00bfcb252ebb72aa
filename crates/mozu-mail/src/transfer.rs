//! Content-Transfer-Encoding decoding of raw part bodies.
//!
//! mail-parser hands text parts back already charset-decoded; attachment
//! hashes and our own charset detection need the exact bytes, so bodies are
//! re-read from the raw message and decoded here.

use std::borrow::Cow;

use mail_parser::Encoding;

/// Decodes a raw body; the flag is true when the encoding was broken and a
/// lenient decode was used.
pub fn decode(raw: &[u8], encoding: Encoding) -> (Cow<'_, [u8]>, bool) {
    match encoding {
        Encoding::None => (Cow::Borrowed(raw), false),
        Encoding::Base64 => (Cow::Owned(crate::rfc2047::decode_b64(raw)), false),
        Encoding::QuotedPrintable => match mail_parser::decoders::quoted_printable::quoted_printable_decode(raw) {
            Some(bytes) => (Cow::Owned(bytes), false),
            None => (Cow::Owned(lenient_qp(raw)), true),
        },
    }
}

fn lenient_qp(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        if raw[i] == b'=' {
            match (raw.get(i + 1), raw.get(i + 2)) {
                (Some(b'\r'), Some(b'\n')) => {
                    i += 3;
                    continue;
                }
                (Some(b'\n'), _) => {
                    i += 2;
                    continue;
                }
                (Some(&h), Some(&l)) if h.is_ascii_hexdigit() && l.is_ascii_hexdigit() => {
                    let v = (h as char).to_digit(16).unwrap_or(0) * 16 + (l as char).to_digit(16).unwrap_or(0);
                    out.push(v as u8);
                    i += 3;
                    continue;
                }
                _ => {}
            }
        }
        out.push(raw[i]);
        i += 1;
    }
    out
}
