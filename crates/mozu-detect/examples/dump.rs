//! Development aid: prints the full-scan record (parse + artifacts + detectors) of
//! every mail under the given paths as JSON Lines.
use std::io::Write;

use mozu_mail::Limits;
use mozu_mail::files::parse_bytes;

fn main() {
    let detectors = mozu_detect::Detectors::new(&mozu_detect::Config::default()).unwrap_or_else(|e| {
        eprintln!("dump: {e}");
        std::process::exit(2)
    });
    let opts = mozu_artifact::Options::default();
    let finish = |p: mozu_mail::Parsed, _raw: Option<&[u8]>| {
        let mut rec = mozu_artifact::analyse_message(p, &[], &opts, None);
        detectors.apply(&mut rec);
        rec
    };
    let limits = Limits::default();
    let mut out = std::io::stdout().lock();
    for arg in std::env::args().skip(1) {
        let mut files: Vec<_> = walk(std::path::Path::new(&arg));
        files.sort();
        for f in files {
            let Ok(data) = std::fs::read(&f) else { continue };
            if mozu_mail::sniff(&data) == mozu_mail::InputKind::NotMail {
                continue;
            }
            {
                for r in parse_bytes(&data, &f.display().to_string(), &limits, &finish) {
                    let _ = writeln!(out, "{}", serde_json::to_string(&r).unwrap_or_default());
                }
            }
        }
    }
}

fn walk(p: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![p.to_path_buf()];
    while let Some(d) = stack.pop() {
        if d.is_dir() {
            for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
                stack.push(e.path());
            }
        } else {
            out.push(d);
        }
    }
    out
}
