//! Fixture builders shared by the integration tests: everything is built at
//! test time, nothing malicious is stored in the repository.
#![allow(dead_code)]

pub mod images;
pub mod rar;

use std::io::{Cursor, Write};
use std::time::Duration;

use mozu_unpack::{Budget, BudgetExceeded, Format, Limits, Password, Unpacked, detect, unpack};

/// A tiny deterministic RNG for mutations.
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

    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 { 0 } else { (self.next() % n as u64) as usize }
    }
}

/// Limits small enough for tests.
pub fn small_limits() -> Limits {
    Limits {
        max_total_bytes: 32 * 1024 * 1024,
        max_entry_bytes: 8 * 1024 * 1024,
        deadline: Duration::from_secs(10),
        ..Limits::default()
    }
}

/// Unpacks with a fresh default budget and no passwords.
pub fn open(bytes: &[u8]) -> Unpacked {
    let format = detect(bytes).expect("fixture format detected");
    unpack(bytes, format, &Budget::new(Limits::default()), &[]).expect("fixture unpacks")
}

/// Unpacks with the given passwords.
pub fn open_with(bytes: &[u8], passwords: &[Password]) -> Unpacked {
    let format = detect(bytes).expect("fixture format detected");
    unpack(bytes, format, &Budget::new(Limits::default()), passwords).expect("fixture unpacks")
}

/// The entry named `name`.
pub fn entry<'a>(unpacked: &'a Unpacked, name: &str) -> &'a mozu_unpack::Entry {
    unpacked
        .entries
        .iter()
        .find(|e| e.name == name)
        .unwrap_or_else(|| panic!("no entry {name:?} in {:?}", names(unpacked)))
}

pub fn names(unpacked: &Unpacked) -> Vec<&str> {
    unpacked.entries.iter().map(|e| e.name.as_str()).collect()
}

/// A zip written by the `zip` crate: (name, data, deflate?).
pub fn zip_of(files: &[(&str, &[u8])], method: zip::CompressionMethod) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(method);
    for (name, data) in files {
        writer.start_file(*name, options).unwrap();
        writer.write_all(data).unwrap();
    }
    writer.finish().unwrap().into_inner()
}

/// One entry of a hand-assembled zip.
pub struct RawEntry {
    pub name: Vec<u8>,
    pub flags: u16,
    pub method: u16,
    pub crc: u32,
    /// The stored (compressed) bytes.
    pub data: Vec<u8>,
    pub size: u32,
}

impl RawEntry {
    pub fn stored(name: &[u8], data: &[u8]) -> Self {
        Self {
            name: name.to_vec(),
            flags: 0,
            method: 0,
            crc: crc32fast::hash(data),
            data: data.to_vec(),
            size: data.len() as u32,
        }
    }
}

fn local_header(e: &RawEntry) -> Vec<u8> {
    let mut out = b"PK\x03\x04".to_vec();
    out.extend_from_slice(&20u16.to_le_bytes());
    out.extend_from_slice(&e.flags.to_le_bytes());
    out.extend_from_slice(&e.method.to_le_bytes());
    out.extend_from_slice(&[0, 0, 0x21, 0]);
    out.extend_from_slice(&e.crc.to_le_bytes());
    out.extend_from_slice(&(e.data.len() as u32).to_le_bytes());
    out.extend_from_slice(&e.size.to_le_bytes());
    out.extend_from_slice(&(e.name.len() as u16).to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out.extend_from_slice(&e.name);
    out
}

fn central_header(e: &RawEntry, name: &[u8], offset: u32) -> Vec<u8> {
    let mut out = b"PK\x01\x02".to_vec();
    out.extend_from_slice(&[20, 0, 20, 0]);
    out.extend_from_slice(&e.flags.to_le_bytes());
    out.extend_from_slice(&e.method.to_le_bytes());
    out.extend_from_slice(&[0, 0, 0x21, 0]);
    out.extend_from_slice(&e.crc.to_le_bytes());
    out.extend_from_slice(&(e.data.len() as u32).to_le_bytes());
    out.extend_from_slice(&e.size.to_le_bytes());
    out.extend_from_slice(&(name.len() as u16).to_le_bytes());
    out.extend_from_slice(&[0; 4]);
    out.extend_from_slice(&[0; 4]);
    out.extend_from_slice(&[0; 4]);
    out.extend_from_slice(&offset.to_le_bytes());
    out.extend_from_slice(name);
    out
}

fn end_record(count: usize, cd_size: usize, cd_offset: usize) -> Vec<u8> {
    let mut out = b"PK\x05\x06".to_vec();
    out.extend_from_slice(&[0; 4]);
    out.extend_from_slice(&(count.min(0xFFFF) as u16).to_le_bytes());
    out.extend_from_slice(&(count.min(0xFFFF) as u16).to_le_bytes());
    out.extend_from_slice(&(cd_size as u32).to_le_bytes());
    out.extend_from_slice(&(cd_offset as u32).to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

/// A zip assembled byte by byte (raw names, any flags).
pub fn raw_zip(entries: &[RawEntry]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut offsets = Vec::new();
    for e in entries {
        offsets.push(out.len() as u32);
        out.extend_from_slice(&local_header(e));
        out.extend_from_slice(&e.data);
    }
    let cd_offset = out.len();
    for (e, &offset) in entries.iter().zip(&offsets) {
        out.extend_from_slice(&central_header(e, &e.name, offset));
    }
    let cd_size = out.len() - cd_offset;
    out.extend_from_slice(&end_record(entries.len(), cd_size, cd_offset));
    out
}

/// A raw deflate stream of `n` zero bytes, written directly as one dynamic
/// Huffman block whose codes are 1 bit for "length 258" and for "distance
/// 1": about 1:1000, like a real compressor, and fast to build at any size.
pub fn deflate_zeros(n: usize) -> Vec<u8> {
    struct Bits {
        out: Vec<u8>,
        acc: u64,
        len: u32,
    }
    impl Bits {
        fn put(&mut self, value: u64, bits: u32) {
            self.acc |= value << self.len;
            self.len += bits;
            while self.len >= 8 {
                self.out.push(self.acc as u8);
                self.acc >>= 8;
                self.len -= 8;
            }
        }
        /// Huffman codes go most-significant bit first.
        fn code(&mut self, code: u64, bits: u32) {
            let mut reversed = 0;
            for i in 0..bits {
                reversed |= ((code >> i) & 1) << (bits - 1 - i);
            }
            self.put(reversed, bits);
        }
    }
    let mut w = Bits {
        out: Vec::with_capacity(n / 1000 + 64),
        acc: 0,
        len: 0,
    };
    w.put(1, 1); // BFINAL
    w.put(2, 2); // dynamic Huffman
    w.put(29, 5); // HLIT: 286 literal/length codes
    w.put(0, 5); // HDIST: 1 distance code
    w.put(14, 4); // HCLEN: 18 code-length codes
    // Code-length code lengths in the format's order 16,17,18,0,8,7,9,6,
    // 10,5,11,4,12,3,13,2,14,1: symbol 18 gets 1 bit, symbols 1 and 2 get 2.
    for len in [0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 2] {
        w.put(len, 3);
    }
    // Canonical codes: 18 -> 0, 1 -> 10, 2 -> 11.
    let length_two = |w: &mut Bits| w.code(0b11, 2);
    let length_one = |w: &mut Bits| w.code(0b10, 2);
    let zeros = |w: &mut Bits, count: u64| {
        w.code(0, 1);
        w.put(count - 11, 7);
    };
    length_two(&mut w); // literal 0: 2 bits
    zeros(&mut w, 138);
    zeros(&mut w, 117);
    length_two(&mut w); // 256 (end of block): 2 bits
    zeros(&mut w, 28);
    length_one(&mut w); // 285 (length 258): 1 bit
    length_one(&mut w); // distance 0 (distance 1): 1 bit
    // Literal/length codes: 285 -> 0, literal 0 -> 10, 256 -> 11.
    if n > 0 {
        w.code(0b10, 2);
    }
    let mut left = n.saturating_sub(1);
    while left >= 258 {
        w.code(0, 1);
        w.code(0, 1);
        left -= 258;
    }
    for _ in 0..left {
        w.code(0b10, 2);
    }
    w.code(0b11, 2);
    w.put(0, 7);
    w.out
}

/// Walks a tree of nested containers with one shared budget and an
/// explicit stack (no recursion), the way the caller does. Returns the
/// number of containers opened, the first budget hit and the bytes kept.
pub fn walk_tree(root: Vec<u8>, budget: &Budget) -> (usize, Option<BudgetExceeded>, u64, u64) {
    let mut stack = vec![(root, 0u32)];
    let mut opened = 0;
    let mut first_hit = None;
    let mut largest = 0u64;
    let mut total = 0u64;
    while let Some((bytes, depth)) = stack.pop() {
        if let Some(hit) = budget.exhausted() {
            first_hit.get_or_insert(hit);
            break;
        }
        if let Err(hit) = budget.check_depth(depth) {
            first_hit.get_or_insert(hit);
            continue;
        }
        let Some(format) = detect(&bytes) else {
            continue;
        };
        let Ok(unpacked) = unpack(&bytes, format, budget, &[]) else {
            continue;
        };
        opened += 1;
        if let Some(hit) = unpacked.budget_hit {
            first_hit.get_or_insert(hit);
        }
        for entry in unpacked.entries {
            if let Some(data) = entry.data {
                largest = largest.max(data.len() as u64);
                total += data.len() as u64;
                stack.push((data, depth + 1));
            }
        }
    }
    (opened, first_hit, largest, total)
}

/// Mutates `fixture` `cases` times and unpacks each mutant as `format`
/// (and as whatever `detect` says); returns the number of cases run.
pub fn mutate_and_unpack(fixture: &[u8], format: Format, cases: usize, seed: u64) -> usize {
    let mut rng = XorShift(seed | 1);
    let mut ran = 0;
    for _ in 0..cases {
        let mut data = fixture.to_vec();
        for _ in 0..=rng.below(4) {
            mutate(&mut data, &mut rng);
        }
        let budget = Budget::new(Limits {
            deadline: Duration::from_secs(2),
            ..small_limits()
        });
        let passwords = [Password::new("infected", "body")];
        let _ = unpack(&data, format, &budget, &passwords);
        if let Some(detected) = detect(&data).filter(|&d| d != format) {
            let _ = unpack(&data, detected, &Budget::new(small_limits()), &[]);
        }
        ran += 1;
    }
    ran
}

fn mutate(data: &mut Vec<u8>, rng: &mut XorShift) {
    if data.is_empty() {
        data.push(rng.next() as u8);
        return;
    }
    let at = rng.below(data.len());
    match rng.below(7) {
        0 => data[at] ^= 1 << rng.below(8),
        1 => data[at] = rng.next() as u8,
        2 => data[at] = 0xFF,
        3 => data[at] = 0,
        4 => data.truncate(at),
        5 => {
            let len = rng.below(16).min(data.len() - at);
            let span = data[at..at + len].to_vec();
            let to = rng.below(data.len());
            data.splice(to..to, span);
        }
        _ => {
            // Overwrite a 4-byte field with an extreme value.
            let value: u32 = [0, 0xFFFF_FFFF, 0x7FFF_FFFF, 1][rng.below(4)];
            for (i, b) in value.to_le_bytes().iter().enumerate() {
                if let Some(slot) = data.get_mut(at + i) {
                    *slot = *b;
                }
            }
        }
    }
}
