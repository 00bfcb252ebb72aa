//! Hunt throughput over the SigmaHQ regression EVTX with the full SigmaHQ Windows rules.
//!
//! `cargo bench -p mozu-hunt --bench hunt` (release). Prints rule-load time,
//! events per CPU-second (EVTX decode + flatten + route + evaluate, one
//! thread, files already in memory) and peak memory. Targets: ≥ 20,000
//! events per CPU-second, rules loaded in < 2 s, < 300 MiB.
//!
//! `--passes N` runs exactly N passes and skips the split; on a busy machine
//! `perf stat -e instructions:u` over two such runs (N and 10·N) gives
//! instructions per event, which other load does not disturb.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use mozu_hunt::{RouteCache, detect_event_cached};
use mozu_logs::Limits;

/// The allocator of the `mozu` binary, so the figure is the product's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// User+system CPU seconds of this process, from /proc (Linux); wall time elsewhere.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let after = stat.rsplit_once(')')?.1;
    let f: Vec<&str> = after.split_whitespace().collect();
    let ticks: f64 = f.get(11)?.parse::<f64>().ok()? + f.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

fn evtx_files(root: &Path) -> Vec<PathBuf> {
    let (files, _) = mozu_logs::collect_inputs(&[root.to_path_buf()]);
    files
        .into_iter()
        .filter(|p| p.extension().is_some_and(|x| x == "evtx"))
        .collect()
}

fn main() {
    let sigma = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/sigma");
    if !sigma.is_dir() {
        eprintln!(
            "bench: {} is missing (../shared beside the repository)",
            sigma.display()
        );
        std::process::exit(2);
    }
    let args: Vec<String> = std::env::args().collect();
    let measuring = args.iter().any(|a| a == "--bench");
    let fixed_passes: Option<u32> = args
        .iter()
        .position(|a| a == "--passes")
        .and_then(|i| args.get(i + 1))
        .and_then(|n| n.parse().ok());
    // Under `cargo test` one quick pass with the built-in pack proves the bench runs.
    let rule_dirs: Vec<PathBuf> = if measuring {
        vec![
            sigma.join("rules/windows"),
            sigma.join("rules-threat-hunting/windows"),
            sigma.join("rules-emerging-threats"),
        ]
    } else {
        Vec::new()
    };
    let (cpu0, t0) = (cpu_seconds(), Instant::now());
    let rules = mozu_hunt::load_rules(true, &rule_dirs);
    let load_wall = t0.elapsed().as_secs_f64();
    let load_cpu = cpu_seconds().zip(cpu0).map(|(a, b)| a - b);
    let mut files: Vec<Vec<u8>> = evtx_files(&sigma.join("regression_data"))
        .iter()
        .filter_map(|p| std::fs::read(p).ok())
        .collect();
    if !measuring {
        files.truncate(10);
    }
    let limits = Limits::default();
    let mut cache = RouteCache::default();
    // As `hunt` does per worker thread: decoded EVTX names kept across files.
    let mut decoding = mozu_logs::DecodeCache::default();
    let mut run = |events: &mut u64, hits: &mut u64| {
        for bytes in &files {
            let _ = mozu_logs::read_slice_cached("bench", bytes, &limits, &mut decoding, &mut |ev| {
                *events += 1;
                *hits += detect_event_cached(&rules.detector, &mut cache, ev).len() as u64;
            });
        }
    };
    let (mut events, mut hits) = (0u64, 0u64);
    run(&mut events, &mut hits); // warm-up
    let per_pass = events;
    let (cpu1, t1) = (cpu_seconds(), Instant::now());
    let mut passes = 0u32;
    let more = |passes: u32| match fixed_passes {
        Some(n) => passes < n,
        None => passes == 0 || (measuring && t1.elapsed() < Duration::from_secs(5)),
    };
    while more(passes) {
        run(&mut events, &mut hits);
        passes += 1;
    }
    let wall = t1.elapsed().as_secs_f64();
    // Taken here, before the split runs below add their own CPU time.
    let cpu = cpu_seconds()
        .zip(cpu1)
        .map(|(a, b)| a - b)
        .filter(|&c| c > 0.0)
        .unwrap_or(wall);
    if fixed_passes.is_some() {
        let timed = per_pass * u64::from(passes);
        println!("hunt: {passes} passes, {timed} events, {hits} matches (with the warm-up pass)");
        return;
    }
    // Split the cost: decoding + flattening alone, then routing + evaluation alone.
    let mut decoded = Vec::new();
    let (cpu2, t2) = (cpu_seconds(), Instant::now());
    let mut decode_passes = 0u32;
    while decode_passes == 0 || (measuring && t2.elapsed() < Duration::from_secs(3)) {
        decoded.clear();
        for bytes in &files {
            let _ = mozu_logs::read_slice_cached("bench", bytes, &limits, &mut decoding, &mut |ev| decoded.push(ev));
        }
        decode_passes += 1;
    }
    let decode_cpu = cpu_seconds()
        .zip(cpu2)
        .map(|(a, b)| a - b)
        .filter(|&c| c > 0.0)
        .unwrap_or(t2.elapsed().as_secs_f64());
    let decode_rate = decoded.len() as f64 * f64::from(decode_passes) / decode_cpu.max(1e-9);
    let (cpu3, t3) = (cpu_seconds(), Instant::now());
    let mut eval_passes = 0u32;
    while eval_passes == 0 || (measuring && t3.elapsed() < Duration::from_secs(3)) {
        for ev in &decoded {
            std::hint::black_box(detect_event_cached(&rules.detector, &mut cache, ev.clone()));
        }
        eval_passes += 1;
    }
    let eval_cpu = cpu_seconds()
        .zip(cpu3)
        .map(|(a, b)| a - b)
        .filter(|&c| c > 0.0)
        .unwrap_or(t3.elapsed().as_secs_f64());
    let eval_rate = decoded.len() as f64 * f64::from(eval_passes) / eval_cpu.max(1e-9);
    println!("split: decode+flatten {decode_rate:.0} events/cpu-s, route+evaluate {eval_rate:.0} events/cpu-s");
    let timed = per_pass * u64::from(passes);
    println!(
        "hunt (evtx decode + flatten + route + evaluate, 1 thread): {} rules ({} failed), load {load_wall:.2}s wall / {:.2}s cpu; {} files, {per_pass} events/pass, {passes} passes: {:.0} events/cpu-s ({:.0}/wall-s); peak {:.0} MiB",
        rules.detector.rule_count(),
        rules.failure_count(),
        load_cpu.unwrap_or(load_wall),
        files.len(),
        timed as f64 / cpu,
        timed as f64 / wall,
        peak_rss_mib().unwrap_or(0.0)
    );
}
