//! Ingest and clustering throughput over generated corpora.
//!
//! `cargo bench -p mozu-store --bench ingest` (release build) ingests
//! 50,000 then 100,000 synthetic mails into a fresh store each (batches of
//! 5,000, one transaction each), clusters them, and prints the times, the
//! scaling factor and the peak resident memory. The targets: 100,000 mails
//! in under 2 minutes on 2 cores, under 2 GiB, doubling the input about
//! doubling the time. Under `cargo test` one small pass proves it runs.

use std::time::Instant;

use mozu_campaign::synth::Generator;
use mozu_store::Store;

const BATCH: usize = 5000;

/// Peak resident set size of this process in MiB (Linux), if known.
fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

fn run(n: usize) -> f64 {
    let dir = std::env::temp_dir().join(format!("mozu-bench-ingest-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let mut store = Store::open(&dir.join("mozu.db")).expect("open store");
    let start = Instant::now();
    let mut generator = Generator::new(0xbe4c, n);
    let mut gen_secs = 0.0;
    loop {
        let t = Instant::now();
        let batch: Vec<_> = generator.by_ref().take(BATCH).map(|m| m.to_record()).collect();
        gen_secs += t.elapsed().as_secs_f64();
        if batch.is_empty() {
            break;
        }
        store.ingest(&batch).expect("ingest");
    }
    let ingest_secs = start.elapsed().as_secs_f64() - gen_secs;
    let t = Instant::now();
    let report = store.recluster().expect("cluster");
    let cluster_secs = t.elapsed().as_secs_f64();
    let total = ingest_secs + cluster_secs;
    println!(
        "ingest+cluster {n} mails: ingest {ingest_secs:.1}s + cluster {cluster_secs:.1}s = {total:.1}s \
         ({:.0} mails/s; generating the corpus took another {gen_secs:.1}s), {} campaigns, {} links, peak RSS {:.0} MiB",
        n as f64 / total,
        report.campaigns,
        report.links,
        peak_rss_mib().unwrap_or(f64::NAN)
    );
    drop(store);
    let _ = std::fs::remove_dir_all(&dir);
    total
}

fn main() {
    let measuring = std::env::args().any(|a| a == "--bench");
    if !measuring {
        run(500);
        return;
    }
    let half = run(50_000);
    let full = run(100_000);
    println!("scaling 50k → 100k: time × {:.2} (linear = 2.00)", full / half);
}
