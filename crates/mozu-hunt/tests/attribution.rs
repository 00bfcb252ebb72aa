//! Attribution over generated DC traffic: the attacker must rank first with 20 attempts.

use mozu_hunt::attribution::{AttributionConfig, Attributor};
use mozu_hunt::generator::{Traffic, TrafficConfig, generate};

fn rank_of_attacker(traffic: &Traffic) -> Option<usize> {
    let mut a = Attributor::new(AttributionConfig::default());
    for &t in &traffic.failures {
        a.push_target(t);
    }
    for (ip, t) in &traffic.connections {
        a.push_connection(ip, *t);
    }
    a.rank().iter().position(|c| c.source_ip == traffic.attacker_ip)
}

#[test]
fn attacker_ranks_first_with_twenty_attempts() {
    let mut runs = 0;
    for seed in 1..=5 {
        let traffic = generate(&TrafficConfig {
            hosts: 200,
            seed,
            ..TrafficConfig::default()
        });
        assert!(
            traffic.connections.len() > 50_000,
            "too little background: {}",
            traffic.connections.len()
        );
        let rank = rank_of_attacker(&traffic);
        assert_eq!(
            rank,
            Some(0),
            "seed {seed}: attacker {} ranked {rank:?}",
            traffic.attacker_ip
        );
        runs += 1;
    }
    assert_eq!(runs, 5);
}

#[test]
fn end_to_end_through_log_events() {
    let traffic = generate(&TrafficConfig {
        hosts: 60,
        nat_hosts: 2,
        hours: 12,
        seed: 7,
        ..TrafficConfig::default()
    });
    let events = traffic.to_events();
    let mut a = Attributor::new(AttributionConfig::default());
    for ev in &events {
        a.observe(ev);
    }
    assert_eq!(a.target_count(), traffic.failures.len());
    let ranked = a.rank();
    let top = ranked.first().map(|c| c.source_ip.as_str());
    assert_eq!(top, Some(traffic.attacker_ip.as_str()), "{:?}", ranked.get(..3));
    let best = &ranked[0];
    assert!(best.hits as f64 > best.expected * 3.0, "{best:?}");
    assert!(best.explanation.contains("expected by chance"));
}

#[test]
fn nothing_to_rank_without_failures() {
    let mut a = Attributor::new(AttributionConfig::default());
    a.push_connection("10.0.0.1", 1);
    assert!(a.rank().is_empty());
}
