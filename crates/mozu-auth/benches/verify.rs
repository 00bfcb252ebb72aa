//! Throughput of live verification with every record already cached, so
//! what is measured is parsing, body hashing and signature checks (the
//! cost of the crypto), not DNS latency.
//!
//! `cargo bench -p mozu-auth --bench verify` (release build). Prints
//! messages per second for Ed25519 and RSA-2048 signed mail on one thread.

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::{Duration, Instant};

use common::{Keys, SENDER, SENDER_IP, message, offline_live, record, sign};
use mozu_auth::CheckResult;

fn main() {
    // Under `cargo test` (no `--bench` flag) one quick pass proves the
    // bench still runs; `cargo bench` measures for real.
    let measuring = std::env::args().any(|a| a == "--bench");
    let keys = Keys::new();
    let live = offline_live();
    keys.seed(&live);
    let from = format!("alice@{SENDER}");
    let rp = format!("bounce@{SENDER}");
    // A typical Japanese business mail body of about 4 KB.
    let body = "お世話になっております。請求書を添付いたしますのでご確認ください。\r\n".repeat(40);
    let plain = message(&from, Some(&rp), SENDER_IP, &body);
    let kinds = [
        ("ed25519", sign(&keys.ed, &plain)),
        ("rsa-2048", sign(&keys.rsa, &plain)),
    ];
    for (name, raw) in &kinds {
        let rec = record(raw);
        let report = live.verify(raw.as_bytes(), &rec);
        assert_eq!(
            report.dkim.first().map(|d| d.result),
            Some(CheckResult::Pass),
            "{report:?}"
        );
        assert_eq!(report.dmarc.result, CheckResult::Pass, "{report:?}");
        let start = Instant::now();
        let mut runs = 0u64;
        while runs == 0 || (measuring && start.elapsed() < Duration::from_secs(3)) {
            for _ in 0..50 {
                std::hint::black_box(live.verify(raw.as_bytes(), &rec));
                runs += 1;
            }
            if !measuring {
                break;
            }
        }
        let secs = start.elapsed().as_secs_f64();
        println!(
            "live auth verify ({name}, {} bytes, DKIM + SPF + DMARC, cached DNS, 1 thread): {runs} runs, {:.0} msgs/s",
            raw.len(),
            runs as f64 / secs
        );
    }
}
