//! Throughput of the Office analysers on fixture documents.
//!
//! `cargo bench -p mozu-office` measures each case for about a second;
//! without `--bench` (as under `cargo test --all-targets`) each case runs
//! once as a smoke test. Extra arguments keep only the cases whose name
//! contains one of them (`cargo bench -p mozu-office -- decompress`).

use std::hint::black_box;
use std::time::{Duration, Instant};

use mozu_office::fixtures::{self, VbaProjectBuilder};
use mozu_office::{analyse_ole, analyse_ooxml, analyse_rtf, vba_compress, vba_decompress};

/// A large, realistic obfuscated macro: many procedures, Chr() chains and
/// Shift_JIS comments.
fn big_macro() -> String {
    let mut source = String::from(fixtures::INVOICE_MACRO);
    for index in 0..4_000 {
        source.push_str(&format!(
            "Function F{index}(ByVal a As String) As String\r\n ' 処理 {index}\r\n F{index} = a & Chr({}) & ChrW({}) & \"x{index}\"\r\nEnd Function\r\n",
            65 + index % 26,
            0x3042 + index % 80
        ));
    }
    source
}

/// Runs `case` repeatedly for `budget` (at least once) and prints MB/s.
fn run(name: &str, bytes: usize, budget: Duration, mut case: impl FnMut()) {
    let filter: Vec<String> = std::env::args().skip(1).filter(|arg| !arg.starts_with("--")).collect();
    if !filter.is_empty() && !filter.iter().any(|word| name.contains(word.as_str())) {
        return;
    }
    let start = Instant::now();
    let mut iterations = 0u64;
    loop {
        case();
        iterations += 1;
        if start.elapsed() >= budget {
            break;
        }
    }
    let seconds = start.elapsed().as_secs_f64();
    let megabytes = bytes as f64 * iterations as f64 / 1e6;
    println!(
        "{name:<44} {:>9} bytes  {iterations:>7} runs  {:>9.1} MB/s",
        bytes,
        megabytes / seconds.max(1e-9)
    );
}

fn main() {
    let measure = std::env::args().any(|arg| arg == "--bench");
    let budget = if measure {
        Duration::from_secs(1)
    } else {
        Duration::ZERO
    };
    let doc = fixtures::doc_with_macros();
    run("analyse_ole: .doc with invoice macro", doc.len(), budget, || {
        black_box(analyse_ole(black_box(&doc)).ok());
    });
    let big = VbaProjectBuilder::new().module("Module1", &big_macro()).build();
    run("analyse_ole: vbaProject.bin, large macro", big.len(), budget, || {
        black_box(analyse_ole(black_box(&big)).ok());
    });
    let xls = fixtures::xls_with_macro_sheet();
    run("analyse_ole: .xls with macro sheet", xls.len(), budget, || {
        black_box(analyse_ole(black_box(&xls)).ok());
    });
    let source = big_macro().into_bytes();
    let compressed = vba_compress(&source);
    run("vba_decompress (output bytes)", source.len(), budget, || {
        black_box(vba_decompress(black_box(&compressed), usize::MAX).ok());
    });
    run("vba_compress (input bytes)", source.len(), budget, || {
        black_box(vba_compress(black_box(&source)));
    });
    let docm = fixtures::docm_parts();
    let docm_bytes = docm.iter().map(|(_, data)| data.len()).sum();
    run("analyse_ooxml: .docm parts", docm_bytes, budget, || {
        black_box(analyse_ooxml(black_box(&docm)));
    });
    let mut rtf = fixtures::rtf_package_object();
    let padding = "{\\pard 請求書 \\par}".repeat(20_000);
    rtf.splice(6..6, padding.bytes());
    run("analyse_rtf: Package object + 600 KB text", rtf.len(), budget, || {
        black_box(analyse_rtf(black_box(&rtf)));
    });
}
