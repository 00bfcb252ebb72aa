//! Budget cases: overlap bombs, nested bombs, entries, bytes, ratio, depth
//! and deadline.

mod common;

use std::io::Write;
use std::time::{Duration, Instant};

use common::{RawEntry, deflate_zeros, raw_zip, walk_tree, zip_of};
use mozu_unpack::{Budget, BudgetExceeded, Format, Limits, unpack};
use zip::CompressionMethod;

const MIB: usize = 1024 * 1024;

/// David Fifield's overlap construction, fully overlapping form: one local
/// header and one deflate kernel, `n` central-directory entries that all
/// point at it.
fn overlap_bomb(kernel_zeros: usize, n: usize) -> Vec<u8> {
    let kernel = deflate_zeros(kernel_zeros);
    let leaf = RawEntry {
        name: b"0".to_vec(),
        flags: 0,
        method: 8,
        crc: 0,
        data: kernel,
        size: kernel_zeros as u32,
    };
    let mut out = raw_zip(&[leaf]);
    let eocd = out.len() - 22;
    let cd_start = u32::from_le_bytes(out[eocd + 16..eocd + 20].try_into().unwrap()) as usize;
    let central = out[cd_start..eocd].to_vec();
    out.truncate(cd_start);
    let mut cd = Vec::new();
    for i in 0..n {
        let name = format!("{i:05}");
        let mut record = central[..46].to_vec();
        record[28..30].copy_from_slice(&(name.len() as u16).to_le_bytes());
        cd.extend(record);
        cd.extend_from_slice(name.as_bytes());
    }
    let cd_size = cd.len();
    out.extend(cd);
    out.extend_from_slice(b"PK\x05\x06\0\0\0\0");
    out.extend_from_slice(&(n as u16).to_le_bytes());
    out.extend_from_slice(&(n as u16).to_le_bytes());
    out.extend_from_slice(&(cd_size as u32).to_le_bytes());
    out.extend_from_slice(&(cd_start as u32).to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

#[test]
fn overlapping_entry_bomb_stops_quickly_in_bounded_memory() {
    let bomb = overlap_bomb(10 * MIB, 2000);
    let limits = Limits::default();
    let budget = Budget::new(limits);
    let started = Instant::now();
    let unpacked = unpack(&bomb, Format::Zip, &budget, &[]).unwrap();
    let elapsed = started.elapsed();
    eprintln!("bomb stopped after {elapsed:?}");
    assert!(elapsed < Duration::from_secs(2), "took {elapsed:?}");
    assert!(unpacked.budget_hit.is_some());
    assert!(unpacked.warnings.iter().any(|w| w.contains("overlapping")));
    assert_eq!(unpacked.entries.len(), 2000);
    let largest = unpacked
        .entries
        .iter()
        .filter_map(|e| e.data.as_ref())
        .map(Vec::len)
        .max();
    let total: usize = unpacked
        .entries
        .iter()
        .filter_map(|e| e.data.as_ref())
        .map(Vec::len)
        .sum();
    assert!(largest.unwrap_or(0) as u64 <= limits.max_entry_bytes);
    assert!(total as u64 <= limits.max_total_bytes);
    assert!(budget.bytes_used() <= limits.max_total_bytes);
}

/// The leaf of a 42.zip-style tree: a zip holding 100 MiB of zeros.
fn leaf_zip() -> Vec<u8> {
    let zeros = 100 * MIB;
    raw_zip(&[RawEntry {
        name: b"0.dat".to_vec(),
        flags: 0,
        method: 8,
        crc: 0,
        data: deflate_zeros(zeros),
        size: zeros as u32,
    }])
}

/// `levels` levels of 16 copies of the level below, written with the zip
/// crate's writer.
fn nested_bomb(levels: usize) -> Vec<u8> {
    let mut current = leaf_zip();
    for level in 0..levels {
        let names: Vec<String> = (0..16).map(|i| format!("l{level}_{i:x}.zip")).collect();
        let files: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), current.as_slice())).collect();
        current = zip_of(&files, CompressionMethod::Deflated);
    }
    current
}

#[test]
fn nested_zip_bomb_stops_with_one_shared_budget() {
    let bomb = nested_bomb(4);
    assert!(bomb.len() < 2 * MIB, "bomb is {} bytes", bomb.len());
    let limits = Limits::default();
    let budget = Budget::new(limits);
    let started = Instant::now();
    let (opened, hit, largest, total) = walk_tree(bomb, &budget);
    let elapsed = started.elapsed();
    eprintln!("bomb stopped after {elapsed:?}");
    assert!(elapsed < Duration::from_secs(2), "took {elapsed:?}");
    assert!(opened > 1);
    assert!(hit.is_some(), "no budget hit after {opened} containers");
    assert!(largest <= limits.max_entry_bytes);
    assert!(total <= limits.max_total_bytes);
}

#[test]
fn depth_limit_skips_deeper_levels() {
    let mut nested = zip_of(&[("x.txt", b"deep")], CompressionMethod::Stored);
    for _ in 0..5 {
        nested = zip_of(&[("inner.zip", nested.as_slice())], CompressionMethod::Stored);
    }
    let budget = Budget::new(Limits {
        max_depth: 2,
        ..Limits::default()
    });
    let (opened, hit, _, _) = walk_tree(nested, &budget);
    assert_eq!(opened, 3);
    assert_eq!(hit, Some(BudgetExceeded::Depth));
}

#[test]
fn entry_limit_stops_the_listing() {
    let names: Vec<String> = (0..50).map(|i| format!("f{i}.txt")).collect();
    let files: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), &b"x"[..])).collect();
    let zip = zip_of(&files, CompressionMethod::Stored);
    let budget = Budget::new(Limits {
        max_entries: 10,
        ..Limits::default()
    });
    let unpacked = unpack(&zip, Format::Zip, &budget, &[]).unwrap();
    assert_eq!(unpacked.entries.len(), 10);
    assert_eq!(unpacked.budget_hit, Some(BudgetExceeded::Entries));
    assert!(unpacked.warnings.iter().any(|w| w.contains("listing stopped")));
}

#[test]
fn total_bytes_limit_spans_entries() {
    let block = vec![7u8; 300 * 1024];
    let zip = zip_of(
        &[("a", &block), ("b", &block), ("c", &block)],
        CompressionMethod::Stored,
    );
    let budget = Budget::new(Limits {
        max_total_bytes: 700 * 1024,
        ..Limits::default()
    });
    let unpacked = unpack(&zip, Format::Zip, &budget, &[]).unwrap();
    assert_eq!(unpacked.budget_hit, Some(BudgetExceeded::TotalBytes));
    let extracted = unpacked.entries.iter().filter(|e| e.data.is_some()).count();
    assert_eq!(extracted, 2);
    assert!(budget.bytes_used() <= 700 * 1024);
}

#[test]
fn entry_bytes_limit_skips_only_the_big_entry() {
    let big = vec![1u8; 2 * MIB];
    let zip = zip_of(&[("big", &big), ("small", b"ok")], CompressionMethod::Stored);
    let budget = Budget::new(Limits {
        max_entry_bytes: MIB as u64,
        ..Limits::default()
    });
    let unpacked = unpack(&zip, Format::Zip, &budget, &[]).unwrap();
    assert_eq!(unpacked.budget_hit, Some(BudgetExceeded::EntryBytes));
    assert!(unpacked.entries[0].data.is_none());
    assert_eq!(unpacked.entries[1].data.as_deref(), Some(&b"ok"[..]));
}

#[test]
fn ratio_limit_catches_a_single_entry_bomb() {
    let zeros = 20 * MIB;
    let zip = raw_zip(&[RawEntry {
        name: b"zeros".to_vec(),
        flags: 0,
        method: 8,
        crc: 0,
        data: deflate_zeros(zeros),
        size: zeros as u32,
    }]);
    let unpacked = unpack(&zip, Format::Zip, &Budget::new(Limits::default()), &[]).unwrap();
    assert_eq!(unpacked.budget_hit, Some(BudgetExceeded::Ratio));
    assert!(unpacked.entries[0].note.as_deref().unwrap().contains("ratio"));
}

#[test]
fn expired_deadline_extracts_nothing() {
    let zip = zip_of(&[("a.txt", b"text")], CompressionMethod::Deflated);
    let budget = Budget::new(Limits {
        deadline: Duration::ZERO,
        ..Limits::default()
    });
    std::thread::sleep(Duration::from_millis(2));
    assert!(budget.expired());
    let unpacked = unpack(&zip, Format::Zip, &budget, &[]).unwrap();
    assert_eq!(unpacked.budget_hit, Some(BudgetExceeded::Deadline));
    assert!(unpacked.entries.iter().all(|e| e.data.is_none()));
}

#[test]
fn gzip_bomb_is_capped() {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    let zeros = vec![0u8; MIB];
    for _ in 0..16 {
        gz.write_all(&zeros).unwrap();
    }
    let gz = gz.finish().unwrap();
    let budget = Budget::new(Limits::default());
    let unpacked = unpack(&gz, Format::Gzip, &budget, &[]).unwrap();
    assert_eq!(unpacked.budget_hit, Some(BudgetExceeded::Ratio));
    assert!(budget.bytes_used() <= 16 * MIB as u64);
}

#[test]
fn deflate_zeros_fixture_is_valid_and_dense() {
    for n in [0usize, 1, 257, 258, 259, 1000, 3 * MIB + 7] {
        let stream = deflate_zeros(n);
        let budget = Budget::new(Limits {
            max_ratio: u64::MAX,
            ..Limits::default()
        });
        let decoder = flate2::read::DeflateDecoder::new(&stream[..]);
        let out = mozu_unpack::read_capped(decoder, stream.len() as u64, &budget).unwrap();
        assert_eq!(out.len(), n);
        assert!(out.iter().all(|&b| b == 0));
        if n > MIB {
            assert!(n / stream.len() > 900, "ratio {}", n / stream.len());
        }
    }
}
