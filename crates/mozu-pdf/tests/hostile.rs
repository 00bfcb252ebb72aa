//! Hostile input must cost a warning, never the process.

mod common;

use std::time::{Duration, Instant};

use common::*;
use mozu_pdf::{MAX_STREAM_BYTES, analyse_pdf};

fn wrapped(body: &[u8]) -> Vec<u8> {
    let mut pdf = PdfBuilder::default();
    pdf.add(b"<< /Type /Catalog /Pages 2 0 R >>");
    pdf.add(b"<< /Type /Pages /Kids [] /Count 0 >>");
    pdf.add(body);
    pdf.finish(1, None)
}

#[test]
fn ten_thousand_deep_arrays_and_dictionaries() {
    for open in [&b"["[..], b"<<"] {
        let bytes = wrapped(&open.repeat(10_000));
        let analysis = analyse_pdf(&bytes);
        assert!(
            analysis.warnings.iter().any(|w| w.contains("nesting depth")),
            "{:?}",
            analysis.warnings
        );
        assert!(analysis.info.pages.is_none());
    }
    // Balanced, with a risky name at the bottom: still counted.
    let mut body = b"[".repeat(10_000);
    body.extend_from_slice(b"/JavaScript");
    body.extend_from_slice(&b"]".repeat(10_000));
    let analysis = analyse_pdf(&wrapped(&body));
    assert_eq!(analysis.info.keywords.get("JavaScript"), Some(&1));
}

#[test]
fn deep_nesting_inside_an_object_stream_is_seen() {
    let mut pdf = PdfBuilder::default();
    pdf.add(b"<< /Type /Catalog /Pages 2 0 R >>");
    pdf.add(b"<< /Type /Pages /Kids [] /Count 0 >>");
    let mut content = b"4 0 ".to_vec();
    content.extend_from_slice(&b"<<".repeat(5_000));
    pdf.add_stream("/Type /ObjStm /N 1 /First 4 /Filter /FlateDecode", &zlib(&content));
    let analysis = analyse_pdf(&pdf.finish(1, None));
    assert!(
        analysis.warnings.iter().any(|w| w.contains("nesting depth")),
        "{:?}",
        analysis.warnings
    );
}

#[test]
fn decompression_bomb_is_capped() {
    let mut pdf = PdfBuilder::default();
    pdf.add(b"<< /Type /Catalog /Pages 2 0 R >>");
    pdf.add(b"<< /Type /Pages /Kids [] /Count 0 >>");
    let bomb = zlib(&vec![b' '; MAX_STREAM_BYTES * 2]);
    for _ in 0..6 {
        pdf.add_stream("/Type /ObjStm /N 1 /First 0 /Filter /FlateDecode", &bomb);
    }
    let started = Instant::now();
    let analysis = analyse_pdf(&pdf.finish(1, None));
    assert!(
        analysis.warnings.iter().any(|w| w.contains("capped")),
        "{:?}",
        analysis.warnings
    );
    assert!(started.elapsed() < Duration::from_secs(20));
}

#[test]
fn truncated_fixtures() {
    let mut cases = 0;
    for fixture in all_fixtures() {
        for cut in (0..fixture.len()).step_by(3) {
            let analysis = analyse_pdf(&fixture[..cut]);
            assert!(analysis.info.uris.len() <= mozu_pdf::MAX_URIS);
            cases += 1;
        }
    }
    assert!(cases > 500, "{cases}");
}

#[test]
fn random_mutations() {
    let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
    let fixtures = all_fixtures();
    let mut cases = 0;
    let mut parsed = 0;
    for round in 0..3_000 {
        let mut bytes = fixtures[round % fixtures.len()].clone();
        for _ in 0..=rng.below(8) {
            let at = rng.below(bytes.len());
            match rng.below(4) {
                0 => bytes[at] = rng.next() as u8,
                1 => bytes[at] = b"<>[]()/#\\"[rng.below(9)],
                2 => {
                    let end = (at + rng.below(64)).min(bytes.len());
                    bytes.drain(at..end);
                }
                _ => {
                    let chunk: Vec<u8> = bytes[at..(at + 16).min(bytes.len())].to_vec();
                    bytes.splice(at..at, chunk.iter().copied().cycle().take(chunk.len() * rng.below(50)));
                }
            }
            if bytes.is_empty() {
                bytes.push(b'%');
            }
        }
        let analysis = analyse_pdf(&bytes);
        parsed += usize::from(analysis.info.pages.is_some());
        cases += 1;
    }
    assert_eq!(cases, 3_000);
    // Most mutations leave the structure readable; the layer must still work.
    assert!(parsed > 0, "lopdf never succeeded");
}

#[test]
fn arbitrary_noise() {
    let mut rng = XorShift(42);
    let mut cases = 0;
    for _ in 0..500 {
        let len = rng.below(4096);
        let mut bytes: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
        bytes.splice(0..0, b"%PDF-1.7\n".iter().copied());
        let _ = analyse_pdf(&bytes);
        cases += 1;
    }
    assert!(cases > 0);
    assert!(analyse_pdf(b"").warnings.iter().any(|w| w.contains("%PDF")));
}
