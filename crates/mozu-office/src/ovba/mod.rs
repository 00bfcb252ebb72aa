//! The MS-OVBA 2.4.1 compression used for the VBA `dir` stream, module
//! source and the `PROJECT` stream's siblings.
//!
//! A CompressedContainer is a signature byte `0x01` followed by chunks. Each
//! chunk starts with a 16-bit header: bits 0–11 the chunk size minus 3,
//! bits 12–14 the signature `0b011`, bit 15 set when the chunk is
//! compressed. An uncompressed chunk carries 4096 literal bytes. A
//! compressed chunk is a sequence of flag bytes, each followed by up to
//! eight tokens: a literal byte (flag bit 0) or a 16-bit CopyToken (flag
//! bit 1) whose split between offset and length bits depends on how much of
//! the chunk has been decompressed so far.

mod compress;

pub use compress::vba_compress;

use crate::OfficeError;

/// Bytes of decompressed data one chunk holds at most.
pub(crate) const CHUNK_SIZE: usize = 4096;
/// The container's signature byte.
const CONTAINER_SIGNATURE: u8 = 0x01;
/// Bits 12–14 of every chunk header.
const CHUNK_SIGNATURE: u16 = 0b011;

/// Decompresses an MS-OVBA CompressedContainer, refusing to produce more
/// than `max_out` bytes.
///
/// # Errors
/// [`OfficeError::Decompress`] for a missing container signature, a chunk
/// header with a wrong signature, a truncated chunk or CopyToken, or a
/// CopyToken pointing before the start of its chunk;
/// [`OfficeError::TooLarge`] when the output would exceed `max_out`.
pub fn vba_decompress(compressed: &[u8], max_out: usize) -> Result<Vec<u8>, OfficeError> {
    let (data, error) = decompress_lenient(compressed, max_out);
    match error {
        Some(error) => Err(error),
        None => Ok(data),
    }
}

/// Decompresses as much as is valid: the output up to the first problem,
/// and the problem if there was one. Module source is recovered this way
/// from damaged or truncated streams.
pub(crate) fn decompress_lenient(compressed: &[u8], max_out: usize) -> (Vec<u8>, Option<OfficeError>) {
    let mut out = Vec::new();
    let error = decompress_into(compressed, max_out, &mut out).err();
    (out, error)
}

fn decompress_into(compressed: &[u8], max_out: usize, out: &mut Vec<u8>) -> Result<(), OfficeError> {
    match compressed.first() {
        Some(&CONTAINER_SIGNATURE) => {}
        _ => return Err(malformed(0, "missing signature byte 0x01")),
    }
    let mut pos = 1;
    while pos < compressed.len() {
        let Some(header) = read_u16(compressed, pos) else {
            return Err(malformed(pos, "truncated chunk header"));
        };
        if (header >> 12) & 0b111 != CHUNK_SIGNATURE {
            return Err(malformed(pos, "chunk header signature is not 0b011"));
        }
        let chunk_size = usize::from(header & 0x0FFF) + 3;
        let is_compressed = header & 0x8000 != 0;
        let data_start = pos + 2;
        let chunk_end = pos.saturating_add(chunk_size);
        if is_compressed {
            let data_end = chunk_end.min(compressed.len());
            let data = compressed.get(data_start..data_end).unwrap_or_default();
            decompress_chunk(data, data_start, max_out, out)?;
            if chunk_end > compressed.len() {
                return Err(malformed(compressed.len(), "container ends inside a chunk"));
            }
        } else {
            if chunk_size != CHUNK_SIZE + 2 {
                return Err(malformed(pos, "uncompressed chunk is not 4096 bytes"));
            }
            let data = compressed
                .get(data_start..chunk_end.min(compressed.len()))
                .unwrap_or_default();
            append(out, data, max_out)?;
            if data.len() < CHUNK_SIZE {
                return Err(malformed(compressed.len(), "container ends inside a chunk"));
            }
        }
        pos = chunk_end;
    }
    Ok(())
}

/// Decompresses the token sequences of one compressed chunk into `out`.
/// `base` is the chunk data's offset in the container, for error messages.
fn decompress_chunk(data: &[u8], base: usize, max_out: usize, out: &mut Vec<u8>) -> Result<(), OfficeError> {
    let chunk_start = out.len();
    let mut pos = 0;
    while let Some(&flags) = data.get(pos) {
        pos += 1;
        for bit in 0..8 {
            if pos >= data.len() {
                break;
            }
            let produced = out.len() - chunk_start;
            if produced >= CHUNK_SIZE {
                return Err(malformed(base + pos, "chunk decompresses to more than 4096 bytes"));
            }
            if flags & (1 << bit) == 0 {
                append(out, &data[pos..=pos], max_out)?;
                pos += 1;
                continue;
            }
            let Some(token) = read_u16(data, pos) else {
                return Err(malformed(base + pos, "truncated CopyToken"));
            };
            pos += 2;
            let (offset, length) = unpack_copy_token(token, produced);
            if offset > produced {
                return Err(malformed(base + pos - 2, "CopyToken points before the chunk start"));
            }
            if length > max_out.saturating_sub(out.len()) {
                return Err(OfficeError::TooLarge {
                    what: "decompressed VBA data",
                    limit: max_out,
                });
            }
            // Byte by byte on purpose: a copy may overlap its own output
            // (offset 1 repeats the last byte `length` times).
            let source = out.len() - offset;
            for index in 0..length {
                let byte = out.get(source + index).copied().unwrap_or_default();
                out.push(byte);
            }
        }
    }
    if out.len() - chunk_start > CHUNK_SIZE {
        return Err(malformed(
            base + data.len(),
            "chunk decompresses to more than 4096 bytes",
        ));
    }
    Ok(())
}

/// The number of offset bits of a CopyToken when `produced` bytes of the
/// current chunk are already decompressed (MS-OVBA 2.4.1.3.19.1): the
/// smallest bit count whose range covers `produced`, at least 4.
pub(crate) fn copy_token_offset_bits(produced: usize) -> u32 {
    let mut bits = 4;
    while bits < 12 && (1usize << bits) < produced {
        bits += 1;
    }
    bits
}

/// Splits a CopyToken into (offset, length).
fn unpack_copy_token(token: u16, produced: usize) -> (usize, usize) {
    let offset_bits = copy_token_offset_bits(produced);
    let length_mask = 0xFFFFu16 >> offset_bits;
    let length = usize::from(token & length_mask) + 3;
    let offset = usize::from(token >> (16 - offset_bits)) + 1;
    (offset, length)
}

fn append(out: &mut Vec<u8>, bytes: &[u8], max_out: usize) -> Result<(), OfficeError> {
    if bytes.len() > max_out.saturating_sub(out.len()) {
        return Err(OfficeError::TooLarge {
            what: "decompressed VBA data",
            limit: max_out,
        });
    }
    out.extend_from_slice(bytes);
    Ok(())
}

fn read_u16(data: &[u8], pos: usize) -> Option<u16> {
    let bytes = data.get(pos..pos.checked_add(2)?)?;
    Some(u16::from_le_bytes([bytes[0], bytes[1]]))
}

fn malformed(offset: usize, reason: &'static str) -> OfficeError {
    OfficeError::Decompress { offset, reason }
}
