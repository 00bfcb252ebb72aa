//! RAR 1.5–4.x block headers (the "RAR archive format" technote).
//!
//! Every block starts with HEAD_CRC (2), HEAD_TYPE (1), HEAD_FLAGS (2) and
//! HEAD_SIZE (2); flag 0x8000 adds a 4-byte ADD_SIZE of data after the
//! header. File (0x74) and new-style service (0x7A) headers carry their
//! packed size in that field.

use super::{Listing, MAX_RAR_HEADERS, RarFile};
use crate::bytes::{slice_at, u8_at, u16_at, u32_at};
use crate::names::{decode_legacy, decode_utf16le};

const MAIN_HEADER: u8 = 0x73;
const FILE_HEADER: u8 = 0x74;
const SERVICE_HEADER: u8 = 0x7A;
const END_HEADER: u8 = 0x7B;
/// Main-header flag: block headers are encrypted.
const MHD_PASSWORD: u16 = 0x0080;
/// The "store" method.
const METHOD_STORE: u8 = 0x30;

/// Walks the blocks after the signature.
pub(crate) fn list(bytes: &[u8], start: u64) -> Listing {
    let mut listing = Listing::default();
    let mut pos = start;
    for _ in 0..MAX_RAR_HEADERS {
        if pos >= bytes.len() as u64 {
            return listing;
        }
        let (Some(kind), Some(flags), Some(size)) =
            (u8_at(bytes, pos + 2), u16_at(bytes, pos + 3), u16_at(bytes, pos + 5))
        else {
            listing.warnings.push("archive ends inside a header".into());
            return listing;
        };
        let size = u64::from(size);
        if size < 7 {
            listing.warnings.push(format!("damaged header at offset {pos}"));
            return listing;
        }
        let add_size = if flags & 0x8000 != 0 {
            u64::from(u32_at(bytes, pos + 7).unwrap_or(0))
        } else {
            0
        };
        match kind {
            MAIN_HEADER => {
                listing.saw_main_header = true;
                if flags & MHD_PASSWORD != 0 {
                    listing.encrypted_headers = true;
                    return listing;
                }
            }
            FILE_HEADER | SERVICE_HEADER => {
                let Some(file) = parse_file(bytes, pos, flags, size) else {
                    listing.warnings.push(format!("damaged file header at offset {pos}"));
                    return listing;
                };
                let next = (pos + size).saturating_add(file.packed_size);
                if kind == FILE_HEADER {
                    listing.files.push(file);
                }
                pos = next;
                continue;
            }
            END_HEADER => return listing,
            _ => {}
        }
        pos = pos.saturating_add(size + add_size);
    }
    listing
        .warnings
        .push(format!("more than {MAX_RAR_HEADERS} headers; the rest are ignored"));
    listing
}

fn parse_file(bytes: &[u8], pos: u64, flags: u16, size: u64) -> Option<RarFile> {
    if size < 32 {
        return None;
    }
    let header = slice_at(bytes, pos, size)?;
    let field32 = |at: usize| {
        header
            .get(at..at + 4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    };
    let mut packed = u64::from(field32(7)?);
    let mut unpacked = u64::from(field32(11)?);
    let method = header[25];
    let name_len = usize::from(u16::from_le_bytes([header[26], header[27]]));
    let mut name_at = 32;
    if flags & 0x0100 != 0 {
        packed |= u64::from(field32(32)?) << 32;
        unpacked |= u64::from(field32(36)?) << 32;
        name_at = 40;
    }
    let raw_name = header.get(name_at..name_at + name_len)?;
    Some(RarFile {
        name: decode_name(raw_name, flags & 0x0200 != 0),
        unpacked_size: unpacked,
        packed_size: packed,
        data_offset: pos + size,
        is_dir: flags & 0x00E0 == 0x00E0,
        encrypted: flags & 0x0004 != 0,
        stored: method == METHOD_STORE,
        split: flags & 0x0003 != 0,
    })
}

/// A RAR 4 name: with the Unicode flag, either plain UTF-8 or an ASCII
/// name, a zero byte and the compact Unicode encoding that follows it.
fn decode_name(raw: &[u8], unicode: bool) -> String {
    if !unicode {
        return decode_legacy(raw).0;
    }
    match raw.iter().position(|&b| b == 0) {
        None => String::from_utf8_lossy(raw).into_owned(),
        Some(zero) => {
            let units = decode_compact_unicode(&raw[..zero], &raw[zero + 1..]);
            decode_utf16le(units.into_iter())
        }
    }
}

/// The compact Unicode name encoding: a high byte, then 2-bit opcodes
/// (packed four to a flag byte) choosing how each character is formed.
fn decode_compact_unicode(ascii: &[u8], enc: &[u8]) -> Vec<u16> {
    let mut out: Vec<u16> = Vec::new();
    let Some(&high) = enc.first() else {
        return out;
    };
    let high = u16::from(high) << 8;
    let limit = ascii.len().max(enc.len()).min(4096);
    let mut pos = 1;
    let mut flags = 0u8;
    let mut flag_bits = 0u32;
    let byte = |at: usize| enc.get(at).copied();
    while pos < enc.len() && out.len() < limit {
        if flag_bits == 0 {
            flags = enc[pos];
            pos += 1;
            flag_bits = 8;
        }
        flag_bits -= 2;
        match (flags >> flag_bits) & 3 {
            0 => {
                let Some(b) = byte(pos) else { break };
                out.push(u16::from(b));
                pos += 1;
            }
            1 => {
                let Some(b) = byte(pos) else { break };
                out.push(u16::from(b) | high);
                pos += 1;
            }
            2 => {
                let (Some(lo), Some(hi)) = (byte(pos), byte(pos + 1)) else {
                    break;
                };
                out.push(u16::from_le_bytes([lo, hi]));
                pos += 2;
            }
            _ => {
                let Some(len) = byte(pos) else { break };
                pos += 1;
                let count = usize::from(len & 0x7f) + 2;
                let correction = if len & 0x80 != 0 {
                    let Some(c) = byte(pos) else { break };
                    pos += 1;
                    Some(c)
                } else {
                    None
                };
                for _ in 0..count {
                    let Some(&a) = ascii.get(out.len()) else { break };
                    out.push(match correction {
                        Some(c) => u16::from(a.wrapping_add(c)) | high,
                        None => u16::from(a),
                    });
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compact_unicode_names() {
        // High byte 0x30 (hiragana), one flag byte: op 1 ("low byte with the
        // high byte") for 'あ' (0x3042), then op 0 for 'a'.
        let enc = [0x30, 0b0100_0000, 0x42, b'a'];
        assert_eq!(
            decode_name(&[b'?', b'a', 0, enc[0], enc[1], enc[2], enc[3]], true),
            "あa"
        );
        assert_eq!(decode_name("名前".as_bytes(), true), "名前");
        assert_eq!(decode_name(b"plain.txt", false), "plain.txt");
    }
}
