//! Archive bombs stop at the budget with a finding, fast and in bounded
//! memory. One test function in its own binary, so that the peak resident
//! size read from /proc is this test's alone.

mod common;

use std::io::{Cursor, Write};
use std::time::{Duration, Instant};

use mozu_model::{SourceFormat, SourceRef};
use zip::write::SimpleFileOptions;

/// Each level deflates the copies again: deflate output of zeros is itself
/// repetitive, which is how 42.zip stays 42 KB.
fn zip_deflated(entries: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, data) in entries {
        w.start_file(
            name.as_str(),
            SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated),
        )
        .unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

/// 42.zip shape: 16 copies per level, 4 levels, over a deflated leaf of
/// 16 MiB of zeros (1 TiB if fully expanded).
fn nested_bomb() -> Vec<u8> {
    let mut level = common::zip(&[("0.bin", &vec![0u8; 16 << 20])], None);
    for depth in 0..4 {
        let copies: Vec<(String, Vec<u8>)> = (0..16)
            .map(|i| (format!("{depth}-{i:02}.zip"), level.clone()))
            .collect();
        level = zip_deflated(&copies);
    }
    level
}

fn u16_at(b: &[u8], at: usize) -> usize {
    u16::from_le_bytes([b[at], b[at + 1]]) as usize
}
fn u32_at(b: &[u8], at: usize) -> usize {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]]) as usize
}

/// Overlapping entries: one deflated local entry (32 MiB of zeros) and
/// 2,000 central-directory entries that all point at it.
fn overlapping_bomb() -> Vec<u8> {
    let base = common::zip(&[("a0000", &vec![0u8; 32 << 20])], None);
    let eocd = base.len() - 22;
    let (cd_size, cd_offset) = (u32_at(&base, eocd + 12), u32_at(&base, eocd + 16));
    let cd = &base[cd_offset..cd_offset + cd_size];
    let name_len = u16_at(cd, 28);
    let mut out = base[..cd_offset].to_vec();
    let copies = 2000usize;
    for i in 0..copies {
        let mut entry = cd.to_vec();
        entry[46..46 + name_len].copy_from_slice(format!("a{i:04}").as_bytes());
        out.extend_from_slice(&entry);
    }
    let mut end = base[eocd..].to_vec();
    end[8..10].copy_from_slice(&(copies as u16).to_le_bytes());
    end[10..12].copy_from_slice(&(copies as u16).to_le_bytes());
    end[12..16].copy_from_slice(&((cd_size * copies) as u32).to_le_bytes());
    out.extend_from_slice(&end);
    out
}

fn peak_rss_mib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kb| kb / 1024)
}

#[test]
fn bombs_stop_at_the_budget() {
    let mut ran = 0;
    for (name, bomb) in [("42.zip", nested_bomb()), ("overlap.zip", overlapping_bomb())] {
        let source = SourceRef {
            path: name.to_string(),
            index: None,
            format: SourceFormat::File,
        };
        let started = Instant::now();
        let size = bomb.len();
        assert!(size < 4 << 20, "{name} fixture is {size} bytes");
        let rec = mozu_artifact::analyse_file(bomb, source, &mozu_artifact::Options::default(), None);
        let took = started.elapsed();
        eprintln!(
            "{name}: {size} bytes, stopped after {took:?}, {} artifacts",
            rec.artifacts.len()
        );
        assert!(took < Duration::from_secs(2), "{name} took {took:?}");
        let hit = rec
            .artifacts
            .iter()
            .any(|a| a.findings.iter().any(|f| f.id == "artifact.budget_exceeded"));
        assert!(hit, "{name}: no budget finding among {} artifacts", rec.artifacts.len());
        let expanded: u64 = rec.artifacts.iter().filter(|a| a.depth > 0).map(|a| a.size).sum();
        assert!(
            expanded <= 2 * mozu_unpack::Limits::default().max_total_bytes,
            "{name}: {expanded} bytes expanded"
        );
        ran += 1;
    }
    assert_eq!(ran, 2);
    let peak = peak_rss_mib();
    eprintln!("peak resident memory: {peak} MiB");
    assert!(peak > 0 && peak < 256, "peak resident memory {peak} MiB");
}
