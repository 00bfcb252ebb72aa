//! Throughput of parse + indicators on one thread over phishing-pot-dev.
//!
//! `cargo bench -p mozu-mail --bench scan` (release build). Prints
//! messages per second and MB per second; the target is at least 2,000
//! messages per second per core.

use std::time::{Duration, Instant};

use mozu_mail::{Limits, parse_eml, source};
use mozu_model::SourceFormat;

fn main() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpora/phishing-pot-dev");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        eprintln!("bench: {} is missing (../shared beside the repository)", dir.display());
        std::process::exit(2);
    };
    let mut mails: Vec<Vec<u8>> = entries
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().ends_with(".eml"))
        .filter_map(|e| std::fs::read(e.path()).ok())
        .collect();
    mails.sort();
    let bytes: usize = mails.iter().map(Vec::len).sum();
    let limits = Limits::default();
    // Under `cargo test` (no `--bench` flag) one quick pass proves the
    // bench still runs; `cargo bench` measures for real.
    let measuring = std::env::args().any(|a| a == "--bench");
    if !measuring {
        mails.truncate(50);
    }
    // Warm-up pass, then timed passes for at least 5 seconds.
    let mut urls = 0usize;
    for m in &mails {
        urls += parse_eml(m, source("bench", SourceFormat::Eml, None), &limits)
            .urls
            .len();
    }
    let start = Instant::now();
    let mut passes = 0u32;
    while passes == 0 || (measuring && start.elapsed() < Duration::from_secs(5)) {
        for m in &mails {
            std::hint::black_box(parse_eml(m, source("bench", SourceFormat::Eml, None), &limits));
        }
        passes += 1;
    }
    let secs = start.elapsed().as_secs_f64();
    let msgs = mails.len() as f64 * f64::from(passes);
    println!(
        "mail scan (parse + indicators, 1 thread): {} mails, {:.1} KB avg, {} URLs/pass, {passes} passes: {:.0} msgs/s, {:.1} MB/s",
        mails.len(),
        bytes as f64 / mails.len() as f64 / 1024.0,
        urls,
        msgs / secs,
        bytes as f64 * f64::from(passes) / secs / 1e6
    );
}
