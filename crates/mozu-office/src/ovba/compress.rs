//! The MS-OVBA compressor (2.4.1.3.7 and following), greedy with hash
//! chains. Used for fixtures in this and other crates' tests.

use super::{CHUNK_SIZE, copy_token_offset_bits};

/// Candidates looked at per position; bounds the time per chunk.
const MAX_CHAIN: usize = 64;
/// The hash table size (a power of two).
const HASH_SIZE: usize = 4096;
/// Marks an empty hash slot or the end of a chain.
const NONE: usize = usize::MAX;
/// Largest compressed chunk data that still fits the 12-bit size field.
const MAX_CHUNK_DATA: usize = 4096;

/// Compresses `raw` into an MS-OVBA CompressedContainer that
/// [`vba_decompress`](crate::vba_decompress) (and Office) read back to
/// exactly `raw`.
///
/// Each 4096-byte chunk is compressed with greedy longest-match CopyTokens;
/// a full chunk that does not shrink is stored as an uncompressed chunk.
/// The specification pads a short incompressible final chunk with zeros;
/// this encoder instead splits it into two compressed chunks so the round
/// trip stays exact (only reachable for incompressible data, never for
/// source text).
pub fn vba_compress(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len() / 2 + 16);
    out.push(0x01);
    for chunk in raw.chunks(CHUNK_SIZE) {
        let data = compress_chunk(chunk);
        if data.len() > MAX_CHUNK_DATA && chunk.len() == CHUNK_SIZE {
            out.extend_from_slice(&0x3FFFu16.to_le_bytes());
            out.extend_from_slice(chunk);
        } else if data.len() > MAX_CHUNK_DATA {
            let (first, second) = chunk.split_at(chunk.len() / 2);
            push_compressed(&mut out, &compress_chunk(first));
            push_compressed(&mut out, &compress_chunk(second));
        } else {
            push_compressed(&mut out, &data);
        }
    }
    out
}

fn push_compressed(out: &mut Vec<u8>, data: &[u8]) {
    // `data.len() <= MAX_CHUNK_DATA`, so the size fits in 12 bits.
    let size_field = u16::try_from(data.len().saturating_sub(1)).unwrap_or(0x0FFF) & 0x0FFF;
    out.extend_from_slice(&(0xB000 | size_field).to_le_bytes());
    out.extend_from_slice(data);
}

/// Compresses one chunk of at most 4096 bytes into token sequences.
fn compress_chunk(chunk: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(chunk.len() + chunk.len() / 8 + 1);
    let mut head = vec![NONE; HASH_SIZE];
    let mut prev = vec![NONE; chunk.len()];
    let mut pos = 0;
    while pos < chunk.len() {
        let flag_index = out.len();
        out.push(0u8);
        let mut flags = 0u8;
        for bit in 0..8 {
            if pos >= chunk.len() {
                break;
            }
            let (offset, length) = longest_match(chunk, pos, &head, &prev);
            let step = if length >= 3 {
                let bits = copy_token_offset_bits(pos);
                let token = ((offset - 1) << (16 - bits)) | (length - 3);
                let token = u16::try_from(token).unwrap_or_default();
                out.extend_from_slice(&token.to_le_bytes());
                flags |= 1 << bit;
                length
            } else {
                out.push(chunk[pos]);
                1
            };
            for covered in pos..pos + step {
                insert(chunk, covered, &mut head, &mut prev);
            }
            pos += step;
        }
        if let Some(flag) = out.get_mut(flag_index) {
            *flag = flags;
        }
    }
    out
}

fn hash(chunk: &[u8], pos: usize) -> Option<usize> {
    let bytes = chunk.get(pos..pos + 3)?;
    let value = (usize::from(bytes[0]) << 8) ^ (usize::from(bytes[1]) << 4) ^ usize::from(bytes[2]);
    Some((value.wrapping_mul(2_654_435_761) >> 7) & (HASH_SIZE - 1))
}

fn insert(chunk: &[u8], pos: usize, head: &mut [usize], prev: &mut [usize]) {
    if let Some(slot) = hash(chunk, pos)
        && let (Some(first), Some(link)) = (head.get(slot).copied(), prev.get_mut(pos))
    {
        *link = first;
        if let Some(entry) = head.get_mut(slot) {
            *entry = pos;
        }
    }
}

/// The longest earlier match for `chunk[pos..]` as (offset, length), within
/// the offset and length a CopyToken can express at `pos`.
fn longest_match(chunk: &[u8], pos: usize, head: &[usize], prev: &[usize]) -> (usize, usize) {
    let Some(slot) = hash(chunk, pos) else {
        return (0, 0);
    };
    let bits = copy_token_offset_bits(pos);
    let max_length = ((0xFFFFusize >> bits) + 3).min(chunk.len() - pos);
    let max_offset = 1usize << bits;
    let mut best = (0, 0);
    let mut candidate = head.get(slot).copied().unwrap_or(NONE);
    for _ in 0..MAX_CHAIN {
        if candidate == NONE || pos - candidate > max_offset {
            break;
        }
        let length = chunk[candidate..]
            .iter()
            .zip(&chunk[pos..pos + max_length])
            .take_while(|(a, b)| a == b)
            .count();
        if length > best.1 {
            best = (pos - candidate, length);
            if length == max_length {
                break;
            }
        }
        candidate = prev.get(candidate).copied().unwrap_or(NONE);
    }
    best
}
