//! Throughput of `IndicatorSet::scan_text` over the phishing-pot development
//! corpus (raw messages read as lossy UTF-8). Run with
//! `cargo bench -p mozu-indicators`.

use std::hint::black_box;
use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use mozu_indicators::IndicatorSet;
use mozu_model::Location;

const ROUNDS: usize = 7;

fn main() -> ExitCode {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpora/phishing-pot-dev");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        eprintln!(
            "corpus not found at {}; the scan bench needs ../shared/corpora/phishing-pot-dev",
            dir.display()
        );
        return ExitCode::FAILURE;
    };
    let mut texts: Vec<String> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "eml"))
        .filter_map(|p| std::fs::read(p).ok())
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .collect();
    texts.sort();
    if texts.is_empty() {
        eprintln!("no .eml files in {}", dir.display());
        return ExitCode::FAILURE;
    }
    let bytes: usize = texts.iter().map(String::len).sum();
    let mut found = 0;
    for text in &texts {
        let mut set = IndicatorSet::default();
        set.scan_text(text, Location::Text);
        found += set.urls.len();
    }
    // The best pass is reported alongside the mean: on a shared machine it
    // is the figure least disturbed by other processes.
    let mut passes = Vec::with_capacity(ROUNDS);
    for _ in 0..ROUNDS {
        let started = Instant::now();
        for text in &texts {
            let mut set = IndicatorSet::default();
            set.scan_text(black_box(text), Location::Text);
            black_box(&set);
        }
        passes.push(started.elapsed().as_secs_f64());
    }
    let best = passes.iter().copied().fold(f64::INFINITY, f64::min);
    let mean = passes.iter().sum::<f64>() / passes.len() as f64;
    let mb = bytes as f64 / 1e6;
    let files = texts.len() as f64;
    println!(
        "scan_text over {} files, {mb:.1} MB, {found} URLs per pass, {ROUNDS} passes:",
        texts.len()
    );
    println!("  best {:.0} MB/s, {:.0} files/s", mb / best, files / best);
    println!("  mean {:.0} MB/s, {:.0} files/s", mb / mean, files / mean);
    ExitCode::SUCCESS
}
