//! Differential test: the direct reader and the evtx crate give the same fields.

use std::path::{Path, PathBuf};

use evtx::{EvtxParser, ParserSettings};

use super::*;
use crate::windows::flatten_evtx_json;

fn evtx_files(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "evtx") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

fn sorted_pairs(ev: &FlatEvent) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = ev.iter().map(|(k, v)| (k.to_owned(), v.to_owned())).collect();
    v.sort();
    v
}

fn direct(bytes: &[u8]) -> Result<Vec<Decoded>, Unsupported> {
    let mut out = Vec::new();
    for chunk in chunks(bytes)? {
        decode_chunk(chunk, &mut || true, &mut out)?;
    }
    Ok(out)
}

fn via_crate(bytes: &[u8]) -> Vec<(FlatEvent, Option<i64>)> {
    let Ok(parser) = EvtxParser::from_buffer(bytes.to_vec()) else {
        return Vec::new();
    };
    let mut parser = parser.with_configuration(ParserSettings::new().num_threads(1));
    parser
        .records_json_value()
        .filter_map(Result::ok)
        .map(|r| flatten_evtx_json(&r.data))
        .collect()
}

#[test]
fn direct_reader_matches_the_evtx_crate_on_regression_files() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/sigma/regression_data");
    let files = evtx_files(&root);
    assert!(files.len() > 100, "regression EVTX missing under {}", root.display());
    let (mut records, mut fallbacks, mut mismatches) = (0usize, Vec::new(), Vec::new());
    for f in &files {
        let bytes = std::fs::read(f).unwrap();
        let expected = via_crate(&bytes);
        match direct(&bytes) {
            Err(why) => fallbacks.push(format!("{}: {why:?}", f.display())),
            Ok(got) => {
                records += got.len();
                if got.len() != expected.len() {
                    mismatches.push(format!("{}: {} records vs {}", f.display(), got.len(), expected.len()));
                    continue;
                }
                for (g, (e, ts)) in got.iter().zip(&expected) {
                    let (a, b) = (sorted_pairs(&g.fields), sorted_pairs(e));
                    if a != b || g.ts_ms != *ts {
                        let only_direct: Vec<_> = a.iter().filter(|p| !b.contains(p)).collect();
                        let only_crate: Vec<_> = b.iter().filter(|p| !a.contains(p)).collect();
                        mismatches.push(format!(
                            "{}: direct-only {only_direct:?} crate-only {only_crate:?}",
                            f.display()
                        ));
                    }
                }
            }
        }
    }
    println!(
        "{} files, {records} records decoded directly, {} fell back",
        files.len(),
        fallbacks.len()
    );
    assert!(records > 0);
    assert!(
        mismatches.is_empty(),
        "{} mismatches:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
    assert!(fallbacks.is_empty(), "fell back:\n{}", fallbacks.join("\n"));
}

#[test]
#[ignore = "timing probe, run by hand in release"]
fn timing_probe() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/sigma/regression_data");
    let files: Vec<Vec<u8>> = evtx_files(&root).iter().map(|f| std::fs::read(f).unwrap()).collect();
    let t = std::time::Instant::now();
    let mut n = 0;
    for _ in 0..400 {
        for f in &files {
            n += direct(f).unwrap().len();
        }
    }
    println!("direct: {:.2} us/record", t.elapsed().as_secs_f64() * 1e6 / n as f64);
}

/// Flipped bytes and lying sizes in real records: the direct reader decodes or
/// gives up, never panics, and the full reader still returns a report.
#[test]
fn mutated_records_never_panic() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/sigma/regression_data");
    let files = evtx_files(&root);
    assert!(!files.is_empty());
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let (mut runs, mut gave_up) = (0usize, 0usize);
    for f in files.iter().take(40) {
        let original = std::fs::read(f).unwrap();
        let free = u32_at(&original, FILE_HEADER_SIZE + 0x30).unwrap() as usize;
        for _ in 0..60 {
            let mut bytes = original.clone();
            for _ in 0..1 + next() % 4 {
                let at = FILE_HEADER_SIZE + RECORDS_START + (next() as usize % (free - RECORDS_START));
                bytes[at] = next() as u8;
            }
            runs += 1;
            if direct(&bytes).is_err() {
                gave_up += 1;
            }
            let report = crate::read_bytes("mutated", bytes, &crate::Limits::default(), &mut |_| {});
            assert!(report.is_ok() || report.is_err());
        }
    }
    println!("{runs} mutated files, direct reader gave up on {gave_up}");
    assert!(runs > 0 && gave_up > 0);
}
