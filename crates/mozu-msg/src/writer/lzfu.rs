//! A small LZFu compressor ([MS-OXRTFCP]) so that fixtures exercise the
//! decompressor's dictionary references, overlapping copies and CRC check.
//!
//! It is greedy and searches the whole 4096-byte dictionary for each
//! position: slow (fine for fixtures), but simple enough to trust.
//!
//! [MS-OXRTFCP]: https://learn.microsoft.com/openspecs/exchange_server_protocols/ms-oxrtfcp

use crate::rtf::{DICT_LEN, MAGIC_COMPRESSED, MAGIC_UNCOMPRESSED, PRELOAD, rtf_crc32};

/// Longest match a reference can encode (4 bits + 2).
const MAX_MATCH: usize = 17;

/// `PR_RTF_COMPRESSED` bytes holding `rtf` compressed with LZFu (header,
/// CRC and end marker included).
pub fn compress_rtf(rtf: &[u8]) -> Vec<u8> {
    let mut dict = [0u8; DICT_LEN];
    dict[..PRELOAD.len()].copy_from_slice(PRELOAD);
    let mut write = PRELOAD.len();
    let mut body = Vec::new();
    let mut pos = 0;
    let mut finished = false;
    while !finished {
        let control_at = body.len();
        body.push(0u8);
        let mut control = 0u8;
        for bit in 0..8 {
            if pos >= rtf.len() {
                // End marker: a reference to the current write position.
                control |= 1 << bit;
                body.extend_from_slice(&reference(write, 2));
                finished = true;
                break;
            }
            let (offset, length) = longest_match(&dict, write, &rtf[pos..]);
            let take = if length >= 2 {
                control |= 1 << bit;
                body.extend_from_slice(&reference(offset, length));
                length
            } else {
                body.push(rtf[pos]);
                1
            };
            for &byte in &rtf[pos..pos + take] {
                dict[write] = byte;
                write = (write + 1) % DICT_LEN;
            }
            pos += take;
        }
        body[control_at] = control;
    }
    with_header(rtf.len(), MAGIC_COMPRESSED, rtf_crc32(&body), &body)
}

/// `PR_RTF_COMPRESSED` bytes holding `rtf` uncompressed (MELA, CRC 0).
pub fn uncompressed_rtf(rtf: &[u8]) -> Vec<u8> {
    with_header(rtf.len(), MAGIC_UNCOMPRESSED, 0, rtf)
}

fn with_header(raw_size: usize, magic: u32, crc: u32, body: &[u8]) -> Vec<u8> {
    let comp_size = u32::try_from(body.len() + 12).unwrap_or(u32::MAX);
    let raw_size = u32::try_from(raw_size).unwrap_or(u32::MAX);
    let mut out = Vec::with_capacity(body.len() + 16);
    for field in [comp_size, raw_size, magic, crc] {
        out.extend_from_slice(&field.to_le_bytes());
    }
    out.extend_from_slice(body);
    out
}

fn reference(offset: usize, length: usize) -> [u8; 2] {
    let offset = u16::try_from(offset % DICT_LEN).unwrap_or(0);
    let length = u16::try_from(length.saturating_sub(2) & 0x0F).unwrap_or(0);
    ((offset << 4) | length).to_be_bytes()
}

/// Longest dictionary match for the start of `input`, as the decompressor
/// would replay it: bytes written by the reference itself are visible to its
/// later steps.
fn longest_match(dict: &[u8; DICT_LEN], write: usize, input: &[u8]) -> (usize, usize) {
    let max = input.len().min(MAX_MATCH);
    let mut best = (0, 0);
    for offset in (0..DICT_LEN).filter(|&offset| offset != write) {
        let mut length = 0;
        while length < max {
            let at = (offset + length) % DICT_LEN;
            let written = (at + DICT_LEN - write) % DICT_LEN;
            let byte = if written < length { input[written] } else { dict[at] };
            if byte != input[length] {
                break;
            }
            length += 1;
        }
        if length > best.1 {
            best = (offset, length);
            if length == max {
                break;
            }
        }
    }
    best
}
