//! A generator of realistic domain-controller traffic with one hidden attacker, to test attribution.
//!
//! Hosts connect to the DC as Poisson processes with their own rates, a daily
//! rhythm (workstations sleep at night, servers do not), bursts (logon storms,
//! policy refresh) and NAT'd addresses that stand for dozens of hosts. One
//! ordinary-looking workstation also makes a few logon attempts per hour at
//! any hour; each attempt is a connection to the DC (logged by 5156 unless
//! dropped) followed within a second or two by a 4776 failure with no address.
//! Benign failures (mistyped passwords) come from random hosts.

use mozu_logs::{LogEvent, LogKind};
use mozu_sigma::FlatEvent;

/// Parameters of the generated traffic.
#[derive(Debug, Clone)]
pub struct TrafficConfig {
    /// Ordinary hosts (workstations and servers).
    pub hosts: usize,
    /// NAT'd addresses, each aggregating many hosts.
    pub nat_hosts: usize,
    /// Length of the capture in hours.
    pub hours: u32,
    /// Attacker's logon attempts (each gives one 4776 failure).
    pub attempts: usize,
    /// Benign 4776 failures from other hosts.
    pub noise_failures: usize,
    /// Probability that the attacker's connection is missing from the log.
    pub drop_rate: f64,
    /// Random seed.
    pub seed: u64,
}

impl Default for TrafficConfig {
    fn default() -> Self {
        Self {
            hosts: 300,
            nat_hosts: 5,
            hours: 24,
            attempts: 20,
            noise_failures: 50,
            drop_rate: 0.1,
            seed: 1,
        }
    }
}

/// The generated capture.
#[derive(Debug, Clone, Default)]
pub struct Traffic {
    /// 4776 failure times (Unix ms).
    pub failures: Vec<i64>,
    /// (source address, time) of every logged connection to the DC.
    pub connections: Vec<(String, i64)>,
    /// The attacker's address.
    pub attacker_ip: String,
}

/// Start of every capture: 2018-09-03T00:00:00Z (a Monday), in ms.
pub const START_MS: i64 = 1_535_932_800_000;
/// The DC's address in generated events.
pub const DC_IP: &str = "10.0.0.10";

/// SplitMix64: small, seedable, good enough for simulation.
struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    fn f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn below(&mut self, n: usize) -> usize {
        ((self.f64() * n as f64) as usize).min(n.saturating_sub(1))
    }
    fn exp(&mut self, rate: f64) -> f64 {
        -(1.0 - self.f64()).ln() / rate
    }
    /// Log-normal with the given median and spread (sigma of the log).
    fn lognormal(&mut self, median: f64, sigma: f64) -> f64 {
        // Box–Muller.
        let (u1, u2) = (1.0 - self.f64(), self.f64());
        let z = (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos();
        median * (sigma * z).exp()
    }
}

#[derive(Clone, Copy)]
enum Profile {
    Workstation,
    Server,
    Nat,
}

/// Relative activity at `hour_of_day`: office hours for people, flat for servers.
fn rhythm(profile: Profile, ms: i64) -> f64 {
    let hour = (ms.rem_euclid(86_400_000) / 3_600_000 + 9) % 24; // JST
    let office = (8..19).contains(&hour);
    match profile {
        Profile::Server => 1.0,
        Profile::Workstation | Profile::Nat if office => 1.0,
        Profile::Workstation => 0.03,
        Profile::Nat => 0.15,
    }
}

/// Poisson arrivals with rate `per_hour · rhythm(t)`, by thinning, plus bursts.
fn host_connections(rng: &mut Rng, profile: Profile, per_hour: f64, end: i64, out: &mut Vec<i64>) {
    let rate_ms = per_hour / 3_600_000.0;
    let mut t = START_MS as f64;
    loop {
        t += rng.exp(rate_ms);
        if t >= end as f64 {
            break;
        }
        if rng.f64() < rhythm(profile, t as i64) {
            out.push(t as i64);
        }
    }
    let hours = (end - START_MS) as f64 / 3_600_000.0;
    let bursts = (hours / 12.0 * rng.f64() * 2.0).round() as usize;
    for _ in 0..bursts {
        let at = START_MS + (rng.f64() * (end - START_MS) as f64) as i64;
        if rng.f64() > rhythm(profile, at) {
            continue;
        }
        for _ in 0..(10 + rng.below(60)) {
            out.push(at + (rng.f64() * 60_000.0) as i64);
        }
    }
}

/// Generates one capture.
pub fn generate(cfg: &TrafficConfig) -> Traffic {
    let mut rng = Rng(cfg.seed ^ 0x6d6f_7a75);
    let end = START_MS + i64::from(cfg.hours) * 3_600_000;
    let mut traffic = Traffic::default();
    let mut ips = Vec::new();
    for i in 0..cfg.hosts + cfg.nat_hosts {
        let ip = format!("10.1.{}.{}", i / 250, i % 250 + 1);
        let (profile, per_hour) = if i >= cfg.hosts {
            (Profile::Nat, rng.lognormal(1500.0, 0.5))
        } else if i % 5 == 0 {
            (Profile::Server, rng.lognormal(150.0, 1.0))
        } else {
            (Profile::Workstation, rng.lognormal(30.0, 1.0))
        };
        let mut times = Vec::new();
        host_connections(&mut rng, profile, per_hour, end, &mut times);
        traffic.connections.extend(times.into_iter().map(|t| (ip.clone(), t)));
        ips.push(ip);
    }
    // The attacker is an ordinary workstation (its background is already in).
    let attacker = (1..cfg.hosts.max(2)).find(|i| i % 5 != 0).unwrap_or(1);
    traffic.attacker_ip = ips.get(attacker).cloned().unwrap_or_default();
    for _ in 0..cfg.attempts {
        let at = START_MS + (rng.f64() * (end - START_MS) as f64) as i64;
        if rng.f64() >= cfg.drop_rate {
            let lead = (rng.f64() * 1500.0) as i64;
            traffic.connections.push((traffic.attacker_ip.clone(), at - lead));
        }
        traffic.failures.push(at);
    }
    for _ in 0..cfg.noise_failures {
        let at = START_MS + (rng.f64() * (end - START_MS) as f64) as i64;
        if let Some(ip) = ips.get(rng.below(ips.len())) {
            traffic.connections.push((ip.clone(), at - (rng.f64() * 1500.0) as i64));
        }
        traffic.failures.push(at);
    }
    traffic
}

impl Traffic {
    /// The capture as Windows events (Security 4776 and 5156), as the log readers would give them.
    pub fn to_events(&self) -> Vec<LogEvent> {
        let mut out = Vec::with_capacity(self.failures.len() + self.connections.len());
        for (i, &t) in self.failures.iter().enumerate() {
            let mut f = FlatEvent::with_capacity(8, 160);
            f.push("Channel", "Security");
            f.push("EventID", "4776");
            f.push("Computer", "DC01.example.local");
            f.push("TargetUserName", &format!("user{i}"));
            f.push("Status", "0xc000006a");
            out.push(LogEvent {
                kind: LogKind::Windows,
                ts_ms: Some(t),
                fields: f,
            });
        }
        for (ip, t) in &self.connections {
            let mut f = FlatEvent::with_capacity(8, 160);
            f.push("Channel", "Security");
            f.push("EventID", "5156");
            f.push("Computer", "DC01.example.local");
            f.push("Direction", "%%14592");
            f.push("SourceAddress", ip);
            f.push("DestAddress", DC_IP);
            f.push("DestPort", "445");
            out.push(LogEvent {
                kind: LogKind::Windows,
                ts_ms: Some(*t),
                fields: f,
            });
        }
        out
    }
}
