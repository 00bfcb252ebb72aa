//! Differential test: the direct reader and the evtx crate give the same fields.

use std::path::{Path, PathBuf};

use evtx::{EvtxParser, ParserSettings};

use super::*;
use crate::windows::flatten_evtx_json;

fn evtx_files(root: &Path) -> Vec<PathBuf> {
    let (files, _) = crate::collect_inputs(&[root.to_path_buf()]);
    files
        .into_iter()
        .filter(|p| p.extension().is_some_and(|x| x == "evtx"))
        .collect()
}

fn sorted_pairs(ev: &FlatEvent) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = ev.iter().map(|(k, v)| (k.to_owned(), v.to_owned())).collect();
    v.sort();
    v
}

fn direct(bytes: &[u8]) -> Result<Vec<Decoded>, Unsupported> {
    let mut out = Vec::new();
    for chunk in chunks(bytes)? {
        decode_chunk(chunk, &mut NameInterner::default(), &mut || true, &mut out)?;
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

/// One interner (names and builder buffers) kept across every file, with a
/// failed record in between, decodes each file as a fresh one does.
#[test]
fn a_shared_interner_decodes_like_a_fresh_one() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/sigma/regression_data");
    let files = evtx_files(&root);
    assert!(files.len() > 100, "regression EVTX missing under {}", root.display());
    let mut shared = NameInterner::default();
    let mut compared = 0usize;
    for (i, f) in files.iter().enumerate() {
        let bytes = std::fs::read(f).unwrap();
        let Ok(chunk_list) = chunks(&bytes) else { continue };
        if i % 7 == 0
            && let Some(first) = chunk_list.first()
        {
            // A record cut short leaves elements open in the shared builder.
            let mut cut = first.to_vec();
            let free = u32::from_le_bytes([cut[0x30], cut[0x31], cut[0x32], cut[0x33]]) as usize;
            if let Some(b) = cut.get_mut(RECORDS_START + RECORD_HEADER + 40..free.min(CHUNK_SIZE)) {
                b.fill(0x01);
            }
            let _ = decode_chunk(&cut, &mut shared, &mut || true, &mut Vec::new());
        }
        for chunk in chunk_list {
            let (mut fresh, mut reused) = (Vec::new(), Vec::new());
            let a = decode_chunk(chunk, &mut NameInterner::default(), &mut || true, &mut fresh);
            let b = decode_chunk(chunk, &mut shared, &mut || true, &mut reused);
            assert_eq!(a, b, "{}", f.display());
            assert_eq!(fresh.len(), reused.len(), "{}", f.display());
            for (x, y) in fresh.iter().zip(&reused) {
                assert_eq!(sorted_pairs(&x.fields), sorted_pairs(&y.fields), "{}", f.display());
                assert_eq!(x.ts_ms, y.ts_ms);
                compared += 1;
            }
        }
    }
    assert!(compared > 200, "only {compared} records compared");
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

/// One record whose template repeats a 24 KiB binary value 8,000 times would
/// render ~390 MB of hex; the reader stops at its budget instead.
#[test]
fn repeated_large_value_hits_the_render_budget() {
    let value_len = 24 * 1024;
    let repeats = 8000u32;
    let mut chunk = vec![0u8; CHUNK_SIZE];
    chunk[..8].copy_from_slice(b"ElfChnk\0");
    let mut b: Vec<u8> = Vec::new();
    let base = RECORDS_START + RECORD_HEADER;
    b.extend_from_slice(&[0x0f, 1, 1, 0, 0x0c, 0]);
    b.extend_from_slice(&1u32.to_le_bytes());
    let def_offset = (base + b.len() + 4) as u32;
    b.extend_from_slice(&def_offset.to_le_bytes());
    let mut body: Vec<u8> = vec![0x0f, 1, 1, 0, 0x01, 0xff, 0xff, 0, 0, 0, 0];
    let name_offset = (def_offset as usize + 24 + body.len() + 4) as u32;
    body.extend_from_slice(&name_offset.to_le_bytes());
    body.extend_from_slice(&[0, 0, 0, 0, 0, 0, 1, 0, b'E', 0, 0, 0, 0x02]);
    for _ in 0..repeats {
        body.extend_from_slice(&[0x0d, 0, 0, 0x0e]);
    }
    body.extend_from_slice(&[0x04, 0x00]);
    b.extend_from_slice(&[0; 4]);
    b.extend_from_slice(&[0; 16]);
    b.extend_from_slice(&(body.len() as u32).to_le_bytes());
    b.extend_from_slice(&body);
    b.extend_from_slice(&1u32.to_le_bytes());
    b.extend_from_slice(&(value_len as u16).to_le_bytes());
    b.extend_from_slice(&[0x0e, 0]);
    b.extend(std::iter::repeat_n(0xab, value_len));
    b.push(0x00);
    let size = RECORD_HEADER + b.len() + 4;
    let rec = RECORDS_START;
    chunk[rec..rec + 4].copy_from_slice(&[0x2a, 0x2a, 0, 0]);
    chunk[rec + 4..rec + 8].copy_from_slice(&(size as u32).to_le_bytes());
    chunk[base..base + b.len()].copy_from_slice(&b);
    chunk[rec + size - 4..rec + size].copy_from_slice(&(size as u32).to_le_bytes());
    chunk[0x30..0x34].copy_from_slice(&((rec + size) as u32).to_le_bytes());
    let mut out = Vec::new();
    let result = decode_chunk(&chunk, &mut NameInterner::default(), &mut || true, &mut out);
    assert_eq!(result.err(), Some(Unsupported("rendered size")));
    // The evtx crate then gets the chunk, under its own render budget.
    let mut file = vec![0u8; FILE_HEADER_SIZE];
    file[..8].copy_from_slice(b"ElfFile\0");
    file.extend_from_slice(&chunk);
    let t = std::time::Instant::now();
    let report = crate::read_slice("big", &file, &crate::Limits::default(), &mut |_| {});
    println!(
        "fallback: {:?} in {:?}",
        report.map(|r| (r.events, r.skipped)),
        t.elapsed()
    );
}
