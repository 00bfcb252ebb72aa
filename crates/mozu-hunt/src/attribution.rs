//! Attribution of address-less events to source addresses (seed 003).
//!
//! A DC logs 4776 failures with no source address, but it also logs (5156) or
//! a firewall logs the connections that carried them. For each candidate
//! source address we ask: do its connections fall near the failures more
//! often than its own background rate predicts?
//!
//! Model: for a window `w`, the address "covers" the time within `±w` of any
//! of its connections; `p` is the covered share of the observation period.
//! If failures were unrelated to the address, each of the `n` failures would
//! be covered with probability `p`, so the number covered is Binomial(n, p).
//! The score is `-log10` of the upper tail `P(X ≥ hits)`, Bonferroni-corrected
//! for the windows scanned. Busy or NAT'd addresses have a large `p`, so many
//! hits are expected of them and they score low; the attacker's few
//! connections cover little time yet catch most failures.

use std::collections::HashMap;

use mozu_logs::{LogEvent, LogKind};

/// Most distinct source addresses tracked; later ones are counted but not ranked.
pub const MAX_SOURCES: usize = 1_000_000;
/// Most timestamps kept (targets plus connections).
pub const MAX_TIMESTAMPS: usize = 50_000_000;

/// Which events are the address-less targets and which are the connections.
#[derive(Debug, Clone)]
pub struct AttributionConfig {
    /// Event id of the targets (default 4776).
    pub target_event_id: u32,
    /// Only targets whose `Status` is a failure (not `0x0`).
    pub failures_only: bool,
    /// Event id of Windows connection events (default 5156).
    pub connection_event_id: u32,
    /// Also use firewall log lines as connections.
    pub use_firewall: bool,
    /// Keep only connections to this destination address (the DC), when set.
    pub destination: Option<String>,
    /// Half-widths (seconds) of the windows scanned.
    pub windows_secs: Vec<u32>,
}

impl Default for AttributionConfig {
    fn default() -> Self {
        Self {
            target_event_id: 4776,
            failures_only: true,
            connection_event_id: 5156,
            use_firewall: true,
            destination: None,
            windows_secs: vec![1, 2, 5, 10, 30, 60, 120],
        }
    }
}

/// One ranked source address.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    /// The address.
    pub source_ip: String,
    /// `-log10` of the corrected p-value; higher is more likely the source.
    pub score: f64,
    /// Corrected p-value.
    pub p_value: f64,
    /// Targets with a connection from this address within the window.
    pub hits: u32,
    /// Hits expected from the address's own background (`n · p`).
    pub expected: f64,
    /// Number of targets.
    pub targets: u32,
    /// Connections seen from this address.
    pub connections: u32,
    /// Window half-width chosen (seconds).
    pub window_secs: u32,
    /// Plain-language reason.
    pub explanation: String,
}

/// Collects targets and connections, then ranks sources.
#[derive(Debug, Default)]
pub struct Attributor {
    config: AttributionConfig,
    targets: Vec<i64>,
    connections: HashMap<String, Vec<i64>>,
    kept: usize,
    dropped: u64,
}

impl Attributor {
    /// An empty attributor.
    pub fn new(config: AttributionConfig) -> Self {
        Self {
            config,
            ..Self::default()
        }
    }

    /// Looks at one event: keeps it if it is a target or a connection.
    pub fn observe(&mut self, ev: &LogEvent) {
        let Some(ts) = ev.ts_ms else { return };
        let f = &ev.fields;
        let eid = || f.get("EventID").and_then(|e| e.trim().parse::<u32>().ok());
        let source = match ev.kind {
            LogKind::Windows if eid() == Some(self.config.target_event_id) => {
                let failed = f.get("Status").is_some_and(|s| !is_success(s));
                if failed || !self.config.failures_only {
                    self.push_target(ts);
                }
                return;
            }
            LogKind::Windows if eid() == Some(self.config.connection_event_id) => {
                if f.get("Direction")
                    .is_some_and(|d| d.contains("14593") || d.eq_ignore_ascii_case("outbound"))
                {
                    return;
                }
                if !self.destination_ok(f.get("DestAddress")) {
                    return;
                }
                f.get("SourceAddress")
            }
            LogKind::Firewall if self.config.use_firewall => {
                if !self.destination_ok(f.get("dst_ip")) {
                    return;
                }
                f.get("src_ip")
            }
            _ => return,
        };
        if let Some(ip) = source.filter(|s| !s.is_empty()) {
            self.push_connection(ip, ts);
        }
    }

    fn destination_ok(&self, dst: Option<&str>) -> bool {
        self.config.destination.as_deref().is_none_or(|want| dst == Some(want))
    }

    /// Adds one target time (Unix ms) directly.
    pub fn push_target(&mut self, ts: i64) {
        if self.kept < MAX_TIMESTAMPS {
            self.kept += 1;
            self.targets.push(ts);
        } else {
            self.dropped += 1;
        }
    }

    /// Adds one connection from `ip` at `ts` (Unix ms) directly.
    pub fn push_connection(&mut self, ip: &str, ts: i64) {
        if self.kept >= MAX_TIMESTAMPS || (self.connections.len() >= MAX_SOURCES && !self.connections.contains_key(ip))
        {
            self.dropped += 1;
            return;
        }
        self.kept += 1;
        self.connections.entry(ip.to_owned()).or_default().push(ts);
    }

    /// Number of targets seen.
    pub fn target_count(&self) -> usize {
        self.targets.len()
    }

    /// Number of distinct sources seen.
    pub fn source_count(&self) -> usize {
        self.connections.len()
    }

    /// Events not kept because a limit was reached.
    pub fn dropped(&self) -> u64 {
        self.dropped
    }

    /// Ranks every source, best first.
    pub fn rank(&mut self) -> Vec<Candidate> {
        self.targets.sort_unstable();
        let (Some(&t_first), Some(&t_last)) = (self.targets.first(), self.targets.last()) else {
            return Vec::new();
        };
        let mut start = t_first;
        let mut end = t_last;
        for times in self.connections.values_mut() {
            times.sort_unstable();
            start = start.min(times.first().copied().unwrap_or(start));
            end = end.max(times.last().copied().unwrap_or(end));
        }
        let period = (end - start).max(1) as f64;
        let n = self.targets.len() as u64;
        let tests = self.config.windows_secs.len().max(1) as f64;
        let mut out: Vec<Candidate> = self
            .connections
            .iter()
            .filter_map(|(ip, times)| {
                let best = self
                    .config
                    .windows_secs
                    .iter()
                    .map(|&w| {
                        let w_ms = i64::from(w) * 1000;
                        let hits = count_hits(&self.targets, times, w_ms);
                        let p = (coverage(times, w_ms, start, end) / period).clamp(1e-12, 1.0);
                        let log_tail = log_binomial_tail(n, hits, p);
                        (w, hits, p, log_tail)
                    })
                    .min_by(|a, b| a.3.total_cmp(&b.3))?;
                let (w, hits, p, log_tail) = best;
                let log_p = (log_tail + tests.ln()).min(0.0);
                let expected = n as f64 * p;
                let score = -log_p / std::f64::consts::LN_10;
                Some(Candidate {
                    source_ip: ip.clone(),
                    score,
                    p_value: log_p.exp(),
                    hits: u32::try_from(hits).unwrap_or(u32::MAX),
                    expected,
                    targets: u32::try_from(n).unwrap_or(u32::MAX),
                    connections: u32::try_from(times.len()).unwrap_or(u32::MAX),
                    window_secs: w,
                    explanation: format!(
                        "{hits} of {n} failures have a connection from {ip} within ±{w}s; its {} connections cover {:.2}% of the period, so {expected:.1} were expected by chance (p = {:.2e}, {} windows scanned)",
                        times.len(),
                        p * 100.0,
                        log_p.exp(),
                        self.config.windows_secs.len()
                    ),
                })
            })
            .collect();
        out.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.source_ip.cmp(&b.source_ip)));
        out
    }
}

fn is_success(status: &str) -> bool {
    let s = status.trim().trim_start_matches("0x").trim_start_matches("0X");
    s.is_empty() || s.bytes().all(|b| b == b'0')
}

/// Targets with at least one connection in `[t - w, t + w]` (both sorted).
fn count_hits(targets: &[i64], conns: &[i64], w: i64) -> u64 {
    targets
        .iter()
        .filter(|&&t| {
            let i = conns.partition_point(|&c| c < t - w);
            conns.get(i).is_some_and(|&c| c <= t + w)
        })
        .count() as u64
}

/// Length of the union of `[c - w, c + w]` clipped to `[start, end]` (sorted input).
fn coverage(conns: &[i64], w: i64, start: i64, end: i64) -> f64 {
    let mut total = 0i64;
    let mut cur: Option<(i64, i64)> = None;
    for &c in conns {
        let (a, b) = ((c - w).max(start), (c + w).min(end));
        cur = match cur {
            Some((ca, cb)) if a <= cb => Some((ca, cb.max(b))),
            Some((ca, cb)) => {
                total += cb - ca;
                Some((a, b))
            }
            None => Some((a, b)),
        };
    }
    if let Some((a, b)) = cur {
        total += b - a;
    }
    total.max(0) as f64
}

/// ln Γ(x) by Lanczos (g = 7, n = 9), accurate to ~1e-13 for x > 0.
fn ln_gamma(x: f64) -> f64 {
    const C: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        let pi = std::f64::consts::PI;
        return (pi / (pi * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let mut a = C[0];
    let t = x + 7.5;
    for (i, c) in C.iter().enumerate().skip(1) {
        a += c / (x + i as f64);
    }
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + a.ln()
}

/// ln P(X ≥ k) for X ~ Binomial(n, p), summed in log space.
pub fn log_binomial_tail(n: u64, k: u64, p: f64) -> f64 {
    if k == 0 {
        return 0.0;
    }
    if k > n || p <= 0.0 {
        return f64::NEG_INFINITY;
    }
    if p >= 1.0 {
        return 0.0;
    }
    let (lp, lq) = (p.ln(), (1.0 - p).ln());
    let nf = n as f64;
    let ln_choose = |i: f64| ln_gamma(nf + 1.0) - ln_gamma(i + 1.0) - ln_gamma(nf - i + 1.0);
    let terms = (k..=n).map(|i| {
        let i = i as f64;
        ln_choose(i) + i * lp + (nf - i) * lq
    });
    let max = terms.clone().fold(f64::NEG_INFINITY, f64::max);
    let sum: f64 = terms.map(|t| (t - max).exp()).sum();
    (max + sum.ln()).min(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binomial_tail_matches_known_values() {
        // P(X ≥ 1) for n = 10, p = 0.1 is 1 - 0.9^10.
        let want = 1.0 - 0.9f64.powi(10);
        assert!((log_binomial_tail(10, 1, 0.1).exp() - want).abs() < 1e-9);
        // P(X ≥ 10) = 0.1^10.
        assert!((log_binomial_tail(10, 10, 0.1) - 10.0 * 0.1f64.ln()).abs() < 1e-9);
        assert_eq!(log_binomial_tail(10, 0, 0.3), 0.0);
        assert!((ln_gamma(5.0) - 24f64.ln()).abs() < 1e-10);
    }

    #[test]
    fn coverage_merges_overlaps() {
        assert_eq!(coverage(&[10, 12, 30], 2, 0, 100), 10.0);
        assert_eq!(count_hits(&[11, 20, 31], &[10, 12, 30], 1), 2);
    }
}
