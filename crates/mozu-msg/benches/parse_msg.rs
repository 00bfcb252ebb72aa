//! Throughput of `parse_msg` on writer-built `.msg` files.
//!
//! `cargo bench -p mozu-msg --features writer` measures for about a second
//! per case; without `--bench` (as under `cargo test --all-targets`) each
//! case runs once as a smoke test.

use std::hint::black_box;
use std::time::{Duration, Instant};

use mozu_msg::writer::MsgBuilder;
use mozu_msg::{Limits, parse_msg};

fn japanese_rtf() -> String {
    let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode("請求書を送付いたします。ご確認ください。");
    let escaped: String = sjis.iter().map(|b| format!("\\'{b:02x}")).collect();
    format!(
        "{{\\rtf1\\ansi\\ansicpg932{{\\fonttbl{{\\f0\\fcharset128 MS PGothic;}}}}\\f0 {}}}",
        format!("{escaped}\\par ").repeat(200)
    )
}

fn cases() -> Vec<(&'static str, Vec<u8>)> {
    let invoice = || {
        MsgBuilder::new()
            .unicode(false)
            .code_page(932)
            .subject("【重要】請求書の送付について ①㈱㍉ ｶﾀｶﾅ")
            .sender("山田 太郎", "taro@example.jp")
            .to("佐藤 花子", "hanako@example.jp")
            .body_text("請求書を送付いたします。\r\n".repeat(50))
            .attach("請求書.zip", "application/zip", vec![0x50; 20_000])
    };
    vec![
        ("ansi cp932, 20 KB attachment", invoice().build()),
        (
            "unicode, LZFu RTF body",
            MsgBuilder::new().subject("rtf").rtf_body(japanese_rtf()).build(),
        ),
        (
            "embedded .msg",
            MsgBuilder::new().subject("FW").embed(invoice()).build(),
        ),
        (
            "2 MiB attachment",
            MsgBuilder::new()
                .attach("big.bin", "application/octet-stream", vec![7; 2 << 20])
                .build(),
        ),
    ]
}

fn main() {
    let measure = std::env::args().any(|arg| arg == "--bench");
    let budget = if measure {
        Duration::from_secs(1)
    } else {
        Duration::ZERO
    };
    let limits = Limits::default();
    for (name, bytes) in cases() {
        let start = Instant::now();
        let mut runs: u32 = 0;
        loop {
            let parsed = parse_msg(black_box(&bytes), &limits);
            assert!(parsed.is_ok(), "{name}: {parsed:?}");
            runs += 1;
            if start.elapsed() >= budget {
                break;
            }
        }
        let seconds = start.elapsed().as_secs_f64().max(f64::EPSILON);
        let mib = bytes.len() as f64 * f64::from(runs) / (1024.0 * 1024.0);
        println!(
            "parse_msg {name:<32} {:>8} bytes  {:>9.1} MiB/s  {:>9.0} msgs/s",
            bytes.len(),
            mib / seconds,
            f64::from(runs) / seconds
        );
    }
}
