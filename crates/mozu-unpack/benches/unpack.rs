//! Unpacking throughput in MB/s of expanded output for zip (deflate), 7z
//! (LZMA2) and tar.gz. `cargo bench -p mozu-unpack` runs the full
//! measurement; run without `--bench` (e.g. `cargo test --benches`) it
//! does one quick pass on small inputs.

use std::io::{Cursor, Write};
use std::time::{Duration, Instant};

use mozu_unpack::{Budget, Format, Limits, unpack};

/// Text-like data (about 3:1 under deflate): words from a small vocabulary
/// picked by a xorshift generator.
fn payload(len: usize) -> Vec<u8> {
    const WORDS: [&str; 16] = [
        "invoice",
        "請求書",
        "payment",
        "WScript",
        "Shell",
        "powershell",
        "-enc",
        "http://",
        "example",
        "attached",
        "please",
        "confirm",
        "送金",
        "確認",
        "the",
        "and",
    ];
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    let mut out = Vec::with_capacity(len + 16);
    while out.len() < len {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        out.extend_from_slice(WORDS[(state % 16) as usize].as_bytes());
        out.push(if state.is_multiple_of(11) { b'\n' } else { b' ' });
    }
    out.truncate(len);
    out
}

fn zip_fixture(files: &[Vec<u8>]) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (i, data) in files.iter().enumerate() {
        writer.start_file(format!("file{i}.txt"), options).unwrap();
        writer.write_all(data).unwrap();
    }
    writer.finish().unwrap().into_inner()
}

fn seven_z_fixture(files: &[Vec<u8>]) -> Vec<u8> {
    let mut writer = sevenz_rust2::ArchiveWriter::new(Cursor::new(Vec::new())).unwrap();
    for (i, data) in files.iter().enumerate() {
        let entry = sevenz_rust2::ArchiveEntry::new_file(&format!("file{i}.txt"));
        writer.push_archive_entry(entry, Some(data.as_slice())).unwrap();
    }
    writer.finish().unwrap().into_inner()
}

fn tar_gz_fixture(files: &[Vec<u8>]) -> Vec<u8> {
    let mut builder = tar::Builder::new(Vec::new());
    for (i, data) in files.iter().enumerate() {
        let mut header = tar::Header::new_gnu();
        header.set_size(data.len() as u64);
        header.set_cksum();
        builder
            .append_data(&mut header, format!("file{i}.txt"), data.as_slice())
            .unwrap();
    }
    let tar = builder.into_inner().unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&tar).unwrap();
    gz.finish().unwrap()
}

/// Unpacks `bytes` (and, for tar.gz, the tar inside) and returns the
/// expanded bytes produced.
fn run_once(bytes: &[u8], format: Format) -> u64 {
    let budget = Budget::new(Limits {
        max_total_bytes: 1 << 30,
        max_entry_bytes: 512 << 20,
        deadline: Duration::from_secs(600),
        ..Limits::default()
    });
    let unpacked = unpack(bytes, format, &budget, &[]).expect("fixture unpacks");
    assert!(unpacked.budget_hit.is_none(), "{:?}", unpacked.warnings);
    let mut produced = 0u64;
    for entry in &unpacked.entries {
        let data = entry.data.as_deref().expect("entry extracted");
        produced += data.len() as u64;
        if format == Format::Gzip {
            let inner = unpack(data, Format::Tar, &budget, &[]).expect("tar unpacks");
            produced += inner
                .entries
                .iter()
                .filter_map(|e| e.data.as_ref())
                .map(|d| d.len() as u64)
                .sum::<u64>();
        }
    }
    produced
}

fn measure(name: &str, bytes: &[u8], format: Format, min_time: Duration) {
    let started = Instant::now();
    let mut produced = 0u64;
    let mut rounds = 0u32;
    while rounds == 0 || started.elapsed() < min_time {
        produced += run_once(bytes, format);
        rounds += 1;
    }
    let secs = started.elapsed().as_secs_f64();
    println!(
        "{name:<14} {:>9.1} MB/s expanded  ({rounds} rounds, {:.1} MB in, {:.1} MB out per round)",
        produced as f64 / secs / 1e6,
        bytes.len() as f64 / 1e6,
        produced as f64 / f64::from(rounds) / 1e6,
    );
}

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    let (files, file_len, min_time) = if full {
        (16, 2 << 20, Duration::from_secs(3))
    } else {
        (4, 64 << 10, Duration::ZERO)
    };
    let data: Vec<Vec<u8>> = (0..files)
        .map(|i| {
            let mut d = payload(file_len);
            d[0] = b'0' + (i % 10) as u8;
            d
        })
        .collect();
    println!(
        "mozu-unpack throughput ({} pass, {files} files of {} KiB)",
        if full { "full" } else { "quick" },
        file_len >> 10
    );
    measure("zip deflate", &zip_fixture(&data), Format::Zip, min_time);
    measure("7z lzma2", &seven_z_fixture(&data), Format::SevenZ, min_time);
    measure("tar.gz", &tar_gz_fixture(&data), Format::Gzip, min_time);
}
