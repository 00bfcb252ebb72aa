//! Throughput of `mozu_mail::html::render` alone over phishing-pot-dev.
//!
//! `cargo bench -p mozu-mail --bench html` (release build) prints MB of
//! HTML rendered per second on one thread; the target is at least
//! 300 MB/s. The HTML is cut out of each mail crudely — soft line breaks
//! and `=3D` of quoted-printable undone, then everything from the first
//! `<html` or `<body` to the last `</html>` — which is good enough for a
//! throughput figure (base64-encoded bodies are simply not found and
//! skipped).

use std::time::{Duration, Instant};

use memchr::memmem;

/// Undoes the quoted-printable escapes that matter for markup: soft line
/// breaks and `=3D`. Other `=XX` stay, as text that renders like any other.
fn undo_qp(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        let rest = &raw[i..];
        if rest.starts_with(b"=\r\n") {
            i += 3;
        } else if rest.starts_with(b"=\n") {
            i += 2;
        } else if rest.starts_with(b"=3D") || rest.starts_with(b"=3d") {
            out.push(b'=');
            i += 3;
        } else {
            out.push(raw[i]);
            i += 1;
        }
    }
    out
}

/// The HTML of a mail, crudely: from the first `<html` or `<body` (any
/// case) to the end of the last `</html>`, or of the file without one (so
/// that base64 attachments after the HTML part do not pass for text).
fn crude_html(raw: &[u8]) -> Option<String> {
    let text = undo_qp(raw);
    let lower = text.to_ascii_lowercase();
    let start = [memmem::find(&lower, b"<html"), memmem::find(&lower, b"<body")]
        .into_iter()
        .flatten()
        .min()?;
    let end = memmem::rfind(&lower[start..], b"</html>").map_or(text.len(), |k| start + k + 7);
    Some(String::from_utf8_lossy(&text[start..end]).into_owned())
}

fn main() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpora/phishing-pot-dev");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        eprintln!("bench: {} is missing (../shared beside the repository)", dir.display());
        std::process::exit(2);
    };
    let mut paths: Vec<_> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "eml"))
        .collect();
    paths.sort();
    // Under `cargo test` (no `--bench` flag) one quick pass over 20 files
    // proves the bench still runs; `cargo bench` measures for real.
    let measuring = std::env::args().any(|a| a == "--bench");
    if !measuring {
        paths.truncate(20);
    }
    let pages: Vec<String> = paths
        .iter()
        .filter_map(|p| std::fs::read(p).ok())
        .filter_map(|raw| crude_html(&raw))
        .collect();
    assert!(!pages.is_empty(), "no HTML found in {}", dir.display());
    let bytes: usize = pages.iter().map(String::len).sum();
    // Warm-up pass, then timed passes for at least 5 seconds.
    let links: usize = pages.iter().map(|p| mozu_mail::html::render(p).links.len()).sum();
    let start = Instant::now();
    let mut passes = 0u32;
    while passes == 0 || (measuring && start.elapsed() < Duration::from_secs(5)) {
        for page in &pages {
            std::hint::black_box(mozu_mail::html::render(std::hint::black_box(page)));
        }
        passes += 1;
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "html render (1 thread): {} pages of {} files, {:.1} KB avg, {links} links/pass, {passes} passes: {:.0} pages/s, {:.1} MB/s",
        pages.len(),
        paths.len(),
        bytes as f64 / pages.len() as f64 / 1024.0,
        pages.len() as f64 * f64::from(passes) / secs,
        bytes as f64 * f64::from(passes) / secs / 1e6
    );
}
