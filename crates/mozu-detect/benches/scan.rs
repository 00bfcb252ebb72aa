//! Full-scan throughput on one thread over phishing-pot-dev: parse,
//! artifact trees, detectors and the shipped mail rules.
//!
//! `cargo bench -p mozu-detect --bench scan` (release build). Prints
//! messages per second (median of seven rounds of about two seconds, per
//! CPU second of the bench thread); the target is at least 1,000 per
//! second per core.
//! Under `cargo test` (no `--bench` flag) one quick pass proves it runs.
//!
//! `--passes N` runs exactly N full-scan passes over the whole corpus and
//! nothing else, for instruction counts that do not depend on the load of
//! a shared machine: under `valgrind --tool=callgrind`, the instructions
//! of `--passes 2` minus those of `--passes 1` are one pass, or, in one
//! run, those counted with `--toggle-collect=scan::full_scan` over
//! `--passes 1`.

use std::time::{Duration, Instant};

/// The allocator of the `mozu` binary, so the figure is the product's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use mozu_detect::{Config, Detectors, MailRules};
use mozu_mail::{Limits, parse_eml_parts, source};
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
    let measuring = std::env::args().any(|a| a == "--bench" || a == "--passes");
    if !measuring {
        mails.truncate(50);
    }
    let Ok(det) = Detectors::new(&Config::default()) else {
        eprintln!("bench: detectors failed to build");
        std::process::exit(2);
    };
    let rules = MailRules::load(true, &[]);
    let limits = Limits::default();
    let opts = mozu_artifact::Options::default();
    let scan = |m: &[u8]| full_scan(m, &det, &rules, &limits, &opts);
    let mut findings = 0usize;
    for m in &mails {
        findings += scan(m).findings.len();
    }
    let args: Vec<String> = std::env::args().collect();
    if let Some(n) = args.iter().position(|a| a == "--passes").and_then(|i| args.get(i + 1)) {
        let n: u32 = n.parse().unwrap_or(1);
        for _ in 1..n {
            for m in &mails {
                std::hint::black_box(scan(m));
            }
        }
        println!(
            "{n} full-scan passes over {} mails, {findings} findings per pass",
            mails.len()
        );
        return;
    }
    // Stage costs: parse alone, then parse + artifact trees.
    let parse_only = rate(measuring, &mails, |m| {
        std::hint::black_box(parse_eml_parts(m, source("bench", SourceFormat::Eml, None), &limits));
    });
    let with_artifacts = rate(measuring, &mails, |m| {
        let parsed = parse_eml_parts(m, source("bench", SourceFormat::Eml, None), &limits);
        std::hint::black_box(mozu_artifact::analyse_message(parsed, &[], &opts, None));
    });
    // Detectors alone, on records prepared once.
    let records: Vec<_> = mails
        .iter()
        .map(|m| {
            let parsed = parse_eml_parts(m, source("bench", SourceFormat::Eml, None), &limits);
            mozu_artifact::analyse_message(parsed, &[], &opts, None)
        })
        .collect();
    // Rounds of about two seconds each: the machine may be shared, so the
    // per-core figure is the CPU time of this thread, and the median of
    // the rounds is reported next to the slowest and fastest.
    let rounds = if measuring { 7 } else { 1 };
    let mut per_cpu_rounds = Vec::new();
    let mut wall_rounds = Vec::new();
    for _ in 0..rounds {
        let start = Instant::now();
        let cpu_start = cpu_seconds();
        let mut passes = 0u32;
        while passes == 0 || (measuring && start.elapsed() < Duration::from_secs(2)) {
            for m in &mails {
                std::hint::black_box(scan(m));
            }
            passes += 1;
        }
        let done = mails.len() as f64 * f64::from(passes);
        wall_rounds.push(done / start.elapsed().as_secs_f64());
        let cpu = cpu_seconds().zip(cpu_start).map(|(b, a)| b - a).filter(|t| *t > 0.0);
        per_cpu_rounds.push(cpu.map_or(0.0, |t| done / t));
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v.get(v.len() / 2).copied().unwrap_or(0.0)
    };
    let full = median(&mut wall_rounds);
    let per_cpu = median(&mut per_cpu_rounds);
    let (slowest, fastest) = (
        per_cpu_rounds.first().copied().unwrap_or(0.0),
        per_cpu_rounds.last().copied().unwrap_or(0.0),
    );
    let start = Instant::now();
    let mut dpasses = 0u32;
    while dpasses == 0 || (measuring && start.elapsed() < Duration::from_secs(3)) {
        for r in &records {
            std::hint::black_box(det.findings(r));
        }
        dpasses += 1;
    }
    let detect_only = records.len() as f64 * f64::from(dpasses) / start.elapsed().as_secs_f64();
    // The rules alone, on the same prepared records.
    let start = Instant::now();
    let mut rpasses = 0u32;
    while rpasses == 0 || (measuring && start.elapsed() < Duration::from_secs(2)) {
        for r in &records {
            let mut r = r.clone();
            rules.apply(&mut r);
            std::hint::black_box(r);
        }
        rpasses += 1;
    }
    let rules_only = records.len() as f64 * f64::from(rpasses) / start.elapsed().as_secs_f64();
    println!(
        "stages (µs per mail): parse {:.0}, artifacts {:.0}, detectors {:.0}, rules+clone {:.0}",
        1e6 / parse_only,
        1e6 / with_artifacts - 1e6 / parse_only,
        1e6 / detect_only,
        1e6 / rules_only
    );
    println!(
        "full scan (parse + artifacts + detectors + {} shipped rules, 1 thread): {} mails, {findings} findings/pass, {rounds} rounds: median {full:.0} msgs/s wall, median {per_cpu:.0} msgs/s per CPU second (rounds {slowest:.0}–{fastest:.0}); detectors alone: {detect_only:.0} msgs/s wall; rules alone (with a record clone): {rules_only:.0} msgs/s wall",
        rules.rule_count(),
        mails.len()
    );
}

/// The whole scan of one mail, as `mozu mail scan` does it (not inlined,
/// so callgrind can count exactly this).
#[inline(never)]
fn full_scan(
    m: &[u8],
    det: &Detectors,
    rules: &MailRules,
    limits: &Limits,
    opts: &mozu_artifact::Options,
) -> mozu_model::MessageRecord {
    let parsed = parse_eml_parts(m, source("bench", SourceFormat::Eml, None), limits);
    let mut rec = mozu_artifact::analyse_message(parsed, &[], opts, None);
    det.apply(&mut rec);
    rules.apply(&mut rec);
    rec.verdict = Some(det.verdict(&rec.findings));
    rec
}

/// Mails per second (wall) of `stage` over `mails`, for two seconds when measuring.
fn rate(measuring: bool, mails: &[Vec<u8>], mut stage: impl FnMut(&[u8])) -> f64 {
    let start = Instant::now();
    let mut passes = 0u32;
    while passes == 0 || (measuring && start.elapsed() < Duration::from_secs(2)) {
        for m in mails {
            stage(m);
        }
        passes += 1;
    }
    mails.len() as f64 * f64::from(passes) / start.elapsed().as_secs_f64()
}

/// User + system CPU time of this process (Linux), in seconds: the bench
/// runs on one thread, but PDF parsing runs on an isolation thread whose
/// time counts too.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let after = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = after.split_whitespace().collect();
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) / 100.0)
}
