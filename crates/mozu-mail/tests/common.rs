//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use mozu_mail::Limits;
use mozu_model::{MessageRecord, SourceFormat};

/// The repository root.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("repo root")
}

/// `../shared` beside the repository, or a clear failure.
pub fn shared() -> PathBuf {
    let p = repo_root().join("../shared");
    assert!(
        p.is_dir(),
        "../shared is missing: clone it beside the repository (see shared/README.md)"
    );
    p
}

/// Parses a file under `testdata/` with a stable, relative source path.
pub fn parse_testdata(rel: &str) -> MessageRecord {
    let path = repo_root().join(rel);
    let raw = std::fs::read(&path).unwrap_or_else(|e| panic!("{rel}: {e}"));
    let kind = mozu_mail::sniff(&raw);
    let kind = if kind == mozu_mail::InputKind::NotMail {
        mozu_mail::InputKind::Eml
    } else {
        kind
    };
    let mut rec =
        mozu_mail::parse_message(&raw, kind, rel, &Limits::default()).unwrap_or_else(|e| panic!("{rel}: {e}"));
    rec.source.path = rel.to_string();
    let _ = SourceFormat::Eml;
    rec
}

/// Files in a testdata directory with an extension, sorted.
pub fn testdata_files(dir: &str, ext: &str) -> Vec<String> {
    let mut out: Vec<String> = std::fs::read_dir(repo_root().join(dir))
        .unwrap_or_else(|e| panic!("{dir}: {e}"))
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(ext))
        .map(|n| format!("{dir}/{n}"))
        .collect();
    out.sort();
    out
}
