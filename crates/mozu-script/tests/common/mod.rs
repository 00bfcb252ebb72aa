//! Fixtures built at test time: an MS-SHLLINK writer, a PE32/PE32+ writer,
//! a Windows Script Encoder, PowerShell -EncodedCommand encoding, and
//! xorshift noise.
#![allow(dead_code, unused_imports)]

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

mod lnk;
mod pe;

pub use lnk::{LnkSpec, POWERSHELL, build_lnk};
pub use pe::build_pe;

/// PowerShell -EncodedCommand form of `command`: base64 of UTF-16LE.
pub fn encode_command(command: &str) -> String {
    let utf16: Vec<u8> = command.encode_utf16().flat_map(u16::to_le_bytes).collect();
    STANDARD.encode(utf16)
}

/// Published Windows Script Encoder substitution rows for bytes 0x20–0x7F:
/// the decoded character per table. Tab (0x09) decodes to W, n, {.
const ROWS: [[u8; 3]; 96] = [
    [0x2E, 0x2D, 0x32],
    [0x47, 0x75, 0x30],
    [0x7A, 0x52, 0x21],
    [0x56, 0x60, 0x29],
    [0x42, 0x71, 0x5B],
    [0x6A, 0x5E, 0x38],
    [0x2F, 0x49, 0x33],
    [0x26, 0x5C, 0x3D],
    [0x49, 0x62, 0x58],
    [0x41, 0x7D, 0x3A],
    [0x34, 0x29, 0x35],
    [0x32, 0x36, 0x65],
    [0x5B, 0x20, 0x39],
    [0x76, 0x7C, 0x5C],
    [0x72, 0x7A, 0x56],
    [0x43, 0x7F, 0x73],
    [0x38, 0x6B, 0x66],
    [0x39, 0x63, 0x4E],
    [0x70, 0x33, 0x45],
    [0x45, 0x2B, 0x6B],
    [0x68, 0x68, 0x62],
    [0x71, 0x51, 0x59],
    [0x4F, 0x66, 0x78],
    [0x09, 0x76, 0x5E],
    [0x62, 0x31, 0x7D],
    [0x44, 0x64, 0x4A],
    [0x23, 0x54, 0x6D],
    [0x75, 0x43, 0x71],
    [0x4A, 0x4C, 0x41],
    [0x7E, 0x3A, 0x60],
    [0x4A, 0x4C, 0x41],
    [0x5E, 0x7E, 0x53],
    [0x40, 0x4C, 0x40],
    [0x77, 0x45, 0x42],
    [0x4A, 0x2C, 0x27],
    [0x61, 0x2A, 0x48],
    [0x5D, 0x74, 0x72],
    [0x22, 0x27, 0x75],
    [0x4B, 0x37, 0x31],
    [0x6F, 0x44, 0x37],
    [0x4E, 0x79, 0x4D],
    [0x3B, 0x59, 0x52],
    [0x4C, 0x2F, 0x22],
    [0x50, 0x6F, 0x54],
    [0x67, 0x26, 0x6A],
    [0x2A, 0x72, 0x47],
    [0x7D, 0x6A, 0x64],
    [0x74, 0x39, 0x2D],
    [0x54, 0x7B, 0x20],
    [0x2B, 0x3F, 0x7F],
    [0x2D, 0x38, 0x2E],
    [0x2C, 0x77, 0x4C],
    [0x30, 0x67, 0x5D],
    [0x6E, 0x53, 0x7E],
    [0x6B, 0x47, 0x6C],
    [0x66, 0x34, 0x6F],
    [0x35, 0x78, 0x79],
    [0x25, 0x5D, 0x74],
    [0x21, 0x30, 0x43],
    [0x64, 0x23, 0x26],
    [0x4D, 0x5A, 0x76],
    [0x52, 0x5B, 0x25],
    [0x63, 0x6C, 0x24],
    [0x3F, 0x48, 0x2B],
    [0x7B, 0x55, 0x28],
    [0x78, 0x70, 0x23],
    [0x29, 0x69, 0x41],
    [0x28, 0x2E, 0x34],
    [0x73, 0x4C, 0x09],
    [0x59, 0x21, 0x2A],
    [0x33, 0x24, 0x44],
    [0x7F, 0x4E, 0x3F],
    [0x6D, 0x50, 0x77],
    [0x55, 0x09, 0x3B],
    [0x53, 0x56, 0x55],
    [0x7C, 0x73, 0x69],
    [0x3A, 0x35, 0x61],
    [0x5F, 0x61, 0x63],
    [0x65, 0x4B, 0x50],
    [0x46, 0x58, 0x67],
    [0x58, 0x3B, 0x51],
    [0x31, 0x57, 0x49],
    [0x69, 0x22, 0x4F],
    [0x6C, 0x6D, 0x46],
    [0x5A, 0x4D, 0x68],
    [0x48, 0x25, 0x7C],
    [0x27, 0x28, 0x36],
    [0x5C, 0x46, 0x70],
    [0x3D, 0x4A, 0x6E],
    [0x24, 0x32, 0x7A],
    [0x79, 0x41, 0x2F],
    [0x37, 0x3D, 0x5F],
    [0x60, 0x5F, 0x4B],
    [0x51, 0x4F, 0x5A],
    [0x20, 0x42, 0x2C],
    [0x36, 0x65, 0x57],
];
const PICK: [u8; 64] = [
    0, 1, 2, 0, 1, 2, 1, 2, 2, 1, 2, 1, 0, 2, 1, 2, 0, 2, 1, 2, 0, 0, 1, 2, 2, 1, 0, 2, 1, 2, 2, 1, 0, 0, 2, 1, 2, 1,
    2, 0, 2, 0, 0, 1, 2, 0, 2, 1, 0, 2, 1, 2, 0, 0, 1, 2, 2, 0, 0, 1, 2, 0, 2, 1,
];

/// The encoded byte that decodes to `plain` through `table`.
fn encode_char(plain: u8, table: usize) -> Option<u8> {
    if [0x57u8, 0x6E, 0x7B][table] == plain {
        return Some(9);
    }
    (0x20u8..=0x7F)
        .filter(|byte| !matches!(byte, b'<' | b'>' | b'@'))
        .find(|&byte| ROWS[usize::from(byte - 0x20)][table] == plain)
}

fn base64_u32(value: u32) -> String {
    STANDARD.encode(value.to_le_bytes())
}

/// Encodes `plain` as screnc.exe does: `#@~^` length `==` body checksum `==^#~@`.
pub fn script_encode(plain: &str) -> String {
    let mut body = String::new();
    let mut position = 0usize;
    let mut checksum = 0u32;
    for c in plain.chars() {
        if !c.is_ascii() {
            body.push(c);
            continue;
        }
        let byte = c as u8;
        checksum = checksum.wrapping_add(u32::from(byte));
        let table = usize::from(PICK[position % 64]);
        position += 1;
        match byte {
            b'\n' => body.push_str("@&"),
            b'\r' => body.push_str("@#"),
            b'>' => body.push_str("@*"),
            b'<' => body.push_str("@!"),
            b'@' => body.push_str("@$"),
            _ => match encode_char(byte, table) {
                Some(encoded) => body.push(char::from(encoded)),
                None => body.push(c),
            },
        }
    }
    let length = u32::try_from(body.chars().count()).unwrap_or(u32::MAX);
    format!("#@~^{}{body}{}^#~@", base64_u32(length), base64_u32(checksum))
}

/// Sum of the ASCII bytes of `text`: the checksum screnc.exe stores.
pub fn script_checksum(text: &str) -> String {
    base64_u32(
        text.bytes()
            .filter(u8::is_ascii)
            .fold(0u32, |sum, byte| sum.wrapping_add(u32::from(byte))),
    )
}

/// xorshift64: reproducible noise without a dependency.
pub struct XorShift(pub u64);

impl XorShift {
    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    pub fn below(&mut self, bound: usize) -> usize {
        (self.next() % bound.max(1) as u64) as usize
    }
}

/// Mutates `bytes` in place: a few byte flips, deletions and duplications.
pub fn mutate(bytes: &mut Vec<u8>, rng: &mut XorShift) {
    for _ in 0..=rng.below(6) {
        if bytes.is_empty() {
            bytes.push(0);
        }
        let at = rng.below(bytes.len());
        match rng.below(4) {
            0 => bytes[at] = rng.next() as u8,
            1 => bytes[at] = [0x00, 0xFF, 0x7F, 0x80, b'@', b'#'][rng.below(6)],
            2 => {
                let end = (at + rng.below(32)).min(bytes.len());
                bytes.drain(at..end);
            }
            _ => {
                let chunk: Vec<u8> = bytes[at..(at + 8).min(bytes.len())].to_vec();
                bytes.splice(at..at, chunk.iter().copied().cycle().take(chunk.len() * rng.below(20)));
            }
        }
    }
}
