//! `--extract-dir`: hash names, no execute bits, an index back to the tree.

mod common;

use common::*;
use mozu_model::{SourceFormat, SourceRef};

#[test]
fn artifacts_are_written_under_their_hash_only() {
    let dir = std::env::temp_dir().join(format!("mozu-extract-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let x = mozu_artifact::Extractor::new(&dir).unwrap();
    let z = zip(
        &[
            ("../../evil/..\\run.vbs", NEMTY_VBS.as_bytes()),
            ("\u{202e}fdp.exe", b"MZ"),
        ],
        None,
    );
    let source = SourceRef {
        path: "in.zip".into(),
        index: None,
        format: SourceFormat::File,
    };
    let rec = mozu_artifact::analyse_file(z.clone(), source, &mozu_artifact::Options::default(), Some(&x));
    assert_eq!(rec.artifacts.len(), 3);
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let mut expected: Vec<String> = rec.artifacts.iter().map(|a| format!("{}.bin", a.sha256)).collect();
    expected.push("index.jsonl".into());
    expected.sort();
    assert_eq!(names, expected);
    for a in &rec.artifacts {
        let p = dir.join(format!("{}.bin", a.sha256));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&p).unwrap().permissions().mode() & 0o777, 0o600);
        }
        assert_eq!(sha256(&std::fs::read(&p).unwrap()), a.sha256);
    }
    let index = std::fs::read_to_string(dir.join("index.jsonl")).unwrap();
    let lines: Vec<serde_json::Value> = index.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 3);
    assert!(lines.iter().any(|l| l["path"] == "in.zip/run.vbs"), "{index}");
    assert!(lines.iter().all(|l| l["source"] == "in.zip"));
    // Nothing escaped the directory.
    assert!(!dir.parent().unwrap().join("evil").exists());
    std::fs::remove_dir_all(&dir).unwrap();
}
