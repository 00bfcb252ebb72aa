//! Attribution accuracy and speed over generated DC traffic.
//!
//! `cargo bench -p mozu-hunt --bench attribution` prints, for attempts × noise,
//! how often the attacker ranks first (and in the top 3) over 10 seeds, and
//! the ranking throughput. Under `cargo test` one small run proves it works.

use std::time::Instant;

use mozu_hunt::attribution::{AttributionConfig, Attributor};
use mozu_hunt::generator::{TrafficConfig, generate};

fn main() {
    let measuring = std::env::args().any(|a| a == "--bench");
    let (attempts, noises, seeds, hosts): (&[usize], &[usize], u64, usize) = if measuring {
        (&[3, 5, 10, 20, 40], &[0, 50, 200, 1000], 10, 300)
    } else {
        (&[20], &[50], 1, 50)
    };
    println!("attribution accuracy: {hosts} hosts + 5 NAT, 24 h, 10% of attacker connections dropped, {seeds} seeds");
    println!(
        "{:>8} {:>8} {:>8} {:>8} {:>12}",
        "attempts", "noise", "top1", "top3", "conn/s"
    );
    for &a in attempts {
        for &noise in noises {
            let (mut top1, mut top3, mut conns, mut secs) = (0, 0, 0usize, 0f64);
            for seed in 1..=seeds {
                let t = generate(&TrafficConfig {
                    hosts,
                    attempts: a,
                    noise_failures: noise,
                    seed,
                    ..TrafficConfig::default()
                });
                let start = Instant::now();
                let mut at = Attributor::new(AttributionConfig::default());
                t.failures.iter().for_each(|&f| at.push_target(f));
                t.connections.iter().for_each(|(ip, ts)| at.push_connection(ip, *ts));
                let rank = at.rank().iter().position(|c| c.source_ip == t.attacker_ip);
                secs += start.elapsed().as_secs_f64();
                conns += t.connections.len();
                top1 += usize::from(rank == Some(0));
                top3 += usize::from(rank.is_some_and(|r| r < 3));
            }
            println!(
                "{a:>8} {noise:>8} {:>7}% {:>7}% {:>12.0}",
                top1 * 100 / seeds as usize,
                top3 * 100 / seeds as usize,
                conns as f64 / secs
            );
        }
    }
}
