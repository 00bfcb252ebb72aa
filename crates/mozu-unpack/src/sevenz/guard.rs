//! A pre-check of a 7z archive's header before `sevenz-rust2` reads it.
//!
//! A 7z header may itself be compressed ("encoded header"), and the library
//! decodes it into memory up to the size the archive declares: a tiny file
//! could declare gigabytes of header. This walks just enough of the start
//! header and the encoded header's streams info to learn that size.

use crate::bytes::{Cursor, slice_at, u64_at};

/// Largest decoded header accepted (a header of a million entries is a few
/// tens of MiB).
pub const MAX_7Z_HEADER_BYTES: u64 = 64 * 1024 * 1024;

const K_END: u8 = 0x00;
const K_PACK_INFO: u8 = 0x06;
const K_UNPACK_INFO: u8 = 0x07;
const K_SUBSTREAMS_INFO: u8 = 0x08;
const K_SIZE: u8 = 0x09;
const K_CRC: u8 = 0x0A;
const K_FOLDER: u8 = 0x0B;
const K_CODERS_UNPACK_SIZE: u8 = 0x0C;
const K_ENCODED_HEADER: u8 = 0x17;
/// Most coders or streams in one folder.
const MAX_FOLDER_ITEMS: u64 = 64;

/// What the pre-check learnt about the header.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct HeaderFacts {
    /// The decoded size an encoded header declares (`None` for a plain
    /// header).
    pub(crate) decoded_size: Option<u64>,
    /// The largest AES key-derivation work factor (log2 of SHA-256 rounds)
    /// protecting the header, 0 when it is not encrypted.
    pub(crate) kdf_power: u8,
}

/// Reads the start header and, for an encoded header, its streams info.
pub(crate) fn check_header(bytes: &[u8]) -> Result<HeaderFacts, String> {
    let offset = u64_at(bytes, 12).ok_or("truncated 7z start header")?;
    let size = u64_at(bytes, 20).ok_or("truncated 7z start header")?;
    let start = offset.checked_add(32).ok_or("7z header offset overflows")?;
    let header = slice_at(bytes, start, size).ok_or("7z header lies past the end of the file")?;
    if header.first() != Some(&K_ENCODED_HEADER) {
        return Ok(HeaderFacts::default());
    }
    let mut cursor = Cursor::new(header, 1);
    let limit = header.len() as u64;
    let damaged = || "damaged 7z encoded header".to_owned();
    let mut facts = HeaderFacts {
        decoded_size: Some(0),
        kdf_power: 0,
    };
    loop {
        match cursor.u8().ok_or_else(damaged)? {
            K_PACK_INFO => pack_info(&mut cursor, limit).ok_or_else(damaged)?,
            K_UNPACK_INFO => {
                let (size, power) = unpack_info(&mut cursor, limit).ok_or_else(damaged)?;
                facts.decoded_size = facts.decoded_size.max(Some(size));
                facts.kdf_power = facts.kdf_power.max(power);
            }
            K_SUBSTREAMS_INFO | K_END => return Ok(facts),
            _ => return Err(damaged()),
        }
    }
}

/// A 7z variable-length number: the leading one bits of the first byte
/// count the extra bytes that follow.
fn number(cursor: &mut Cursor<'_>) -> Option<u64> {
    let first = cursor.u8()?;
    let mut mask = 0x80u8;
    let mut value = 0u64;
    for i in 0..8 {
        if first & mask == 0 {
            let high = u64::from(first & mask.wrapping_sub(1));
            return Some(value | high.checked_shl(8 * i).unwrap_or(0));
        }
        value |= u64::from(cursor.u8()?) << (8 * i);
        mask >>= 1;
    }
    Some(value)
}

/// A count that cannot exceed the header's length (each item takes a byte).
fn count(cursor: &mut Cursor<'_>, limit: u64) -> Option<u64> {
    number(cursor).filter(|&n| n <= limit)
}

fn digests(cursor: &mut Cursor<'_>, items: u64) -> Option<()> {
    let all_defined = cursor.u8()?;
    let defined = if all_defined == 0 {
        let bits = cursor.take(items.div_ceil(8))?;
        bits.iter().map(|b| u64::from(b.count_ones())).sum()
    } else {
        items
    };
    cursor.take(defined.checked_mul(4)?).map(drop)
}

fn pack_info(cursor: &mut Cursor<'_>, limit: u64) -> Option<()> {
    number(cursor)?;
    let streams = count(cursor, limit)?;
    loop {
        match cursor.u8()? {
            K_SIZE => {
                for _ in 0..streams {
                    number(cursor)?;
                }
            }
            K_CRC => digests(cursor, streams)?,
            K_END => return Some(()),
            _ => return None,
        }
    }
}

/// Returns the largest unpack size declared and the largest AES work
/// factor.
fn unpack_info(cursor: &mut Cursor<'_>, limit: u64) -> Option<(u64, u8)> {
    if cursor.u8()? != K_FOLDER {
        return None;
    }
    let folders = count(cursor, limit)?;
    if cursor.u8()? != 0 {
        return None;
    }
    let mut outputs = Vec::new();
    let mut kdf_power = 0u8;
    for _ in 0..folders {
        let (streams, power) = folder(cursor)?;
        outputs.push(streams);
        kdf_power = kdf_power.max(power);
    }
    if cursor.u8()? != K_CODERS_UNPACK_SIZE {
        return None;
    }
    let mut largest = 0u64;
    for streams in outputs {
        for _ in 0..streams {
            largest = largest.max(number(cursor)?);
        }
    }
    loop {
        match cursor.u8()? {
            K_CRC => digests(cursor, folders)?,
            K_END => return Some((largest, kdf_power)),
            _ => return None,
        }
    }
}

/// Skips one folder; returns its number of output streams and the AES
/// work factor of its coders (0 without AES).
fn folder(cursor: &mut Cursor<'_>) -> Option<(u64, u8)> {
    let coders = number(cursor)?;
    if coders == 0 || coders > MAX_FOLDER_ITEMS {
        return None;
    }
    let (mut inputs, mut outputs) = (0u64, 0u64);
    let mut kdf_power = 0u8;
    for _ in 0..coders {
        let flags = cursor.u8()?;
        let id = cursor.take(u64::from(flags & 0x0F))?;
        let (i, o) = if flags & 0x10 != 0 {
            (number(cursor)?, number(cursor)?)
        } else {
            (1, 1)
        };
        if i > MAX_FOLDER_ITEMS || o > MAX_FOLDER_ITEMS {
            return None;
        }
        inputs += i;
        outputs += o;
        if flags & 0x20 != 0 {
            let len = number(cursor)?;
            let props = cursor.take(len)?;
            if id == super::AES_METHOD {
                // 0x3F is the "raw key" mode: no derivation at all.
                let power = props.first().map_or(0, |p| p & 0x3F);
                if power != 0x3F {
                    kdf_power = kdf_power.max(power);
                }
            }
        }
    }
    let bind_pairs = outputs.checked_sub(1)?;
    for _ in 0..bind_pairs {
        number(cursor)?;
        number(cursor)?;
    }
    let packed = inputs.checked_sub(bind_pairs)?;
    if packed > 1 {
        for _ in 0..packed {
            number(cursor)?;
        }
    }
    Some((outputs, kdf_power))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers() {
        assert_eq!(number(&mut Cursor::new(&[0x05], 0)), Some(5));
        assert_eq!(number(&mut Cursor::new(&[0x81, 0x00], 0)), Some(0x100));
        assert_eq!(number(&mut Cursor::new(&[0xFF; 9], 0)), Some(u64::MAX));
        assert_eq!(number(&mut Cursor::new(&[0xFF; 3], 0)), None);
    }

    #[test]
    fn refuses_short_input() {
        assert!(check_header(&[0; 10]).is_err());
    }
}
