//! Throughput of `analyse_pdf` (raw scan plus the isolated lopdf layer) on
//! PDFs generated here: a text-heavy document with links and compressed
//! object streams, and the small malicious-looking fixtures of the tests.
//!
//! `cargo bench -p mozu-pdf` measures for several rounds; without `--bench`
//! (as under `cargo test --all-targets`) one quick pass checks it runs.

#[path = "../tests/common/mod.rs"]
mod common;

use std::hint::black_box;
use std::time::Instant;

use common::{PdfBuilder, all_fixtures, zlib};
use mozu_pdf::analyse_pdf;

/// A document of `pages` pages, each with a deflated content stream, a
/// link annotation, and every tenth page an object stream.
fn big_document(pages: usize) -> Vec<u8> {
    let mut pdf = PdfBuilder::default();
    pdf.add(b"<< /Type /Catalog /Pages 2 0 R >>");
    let kids: Vec<String> = (0..pages).map(|page| format!("{} 0 R", 3 + page * 3)).collect();
    pdf.add(format!("<< /Type /Pages /Kids [{}] /Count {pages} >>", kids.join(" ")).as_bytes());
    for page in 0..pages {
        let id = 3 + page * 3;
        pdf.add(
            format!(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents {} 0 R /Annots [{} 0 R] >>",
                id + 1,
                id + 2
            )
            .as_bytes(),
        );
        let mut text = String::new();
        for line in 0..400 {
            text.push_str(&format!(
                "BT /F1 10 Tf 50 {} Td (Line {line} of page {page}: lorem ipsum dolor) Tj ET\n",
                800 - line
            ));
        }
        if page % 10 == 0 {
            pdf.add_stream(
                "/Type /ObjStm /N 1 /First 0 /Filter /FlateDecode",
                &zlib(text.as_bytes()),
            );
        } else {
            pdf.add_stream("/Length1 0", text.as_bytes());
        }
        pdf.add(
            format!(
                "<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] /A << /S /URI /URI (https://example.com/p/{page}) >> >>"
            )
            .as_bytes(),
        );
    }
    pdf.finish(1, None)
}

fn measure(label: &str, inputs: &[Vec<u8>], rounds: usize) {
    let bytes: usize = inputs.iter().map(Vec::len).sum();
    let mut best = f64::INFINITY;
    let mut findings = 0;
    for _ in 0..rounds {
        let started = Instant::now();
        for input in inputs {
            let analysis = analyse_pdf(black_box(input));
            findings += analysis.findings.len();
            black_box(&analysis);
        }
        best = best.min(started.elapsed().as_secs_f64());
    }
    let mb = bytes as f64 / 1e6;
    let pages = analyse_pdf(&inputs[0]).info.pages;
    println!("{label}: pages of the first input as parsed: {pages:?}");
    println!(
        "{label}: {} inputs, {mb:.2} MB, best of {rounds}: {:.1} MB/s, {:.0} files/s ({findings} findings)",
        inputs.len(),
        mb / best,
        inputs.len() as f64 / best
    );
}

fn main() {
    let full = std::env::args().any(|arg| arg == "--bench");
    let (pages, rounds) = if full { (500, 7) } else { (20, 1) };
    measure("text-heavy document", &[big_document(pages)], rounds);
    let small: Vec<Vec<u8>> = (0..if full { 200 } else { 5 }).flat_map(|_| all_fixtures()).collect();
    measure("malicious fixtures", &small, rounds);
}
