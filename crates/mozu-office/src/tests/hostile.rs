//! Hostile inputs: mutated fixtures, truncations, absurd lengths, bad
//! chunk headers, deep nesting. Nothing may panic or hang, and every case
//! count is asserted to be non-zero.

use super::XorShift;
use crate::fixtures::{self, VbaProjectBuilder};
use crate::{MAX_RTF_DEPTH, analyse_ole, analyse_ooxml, analyse_rtf, vba_compress, vba_decompress};

/// Flips, overwrites, inserts or deletes a few bytes.
fn mutate(rng: &mut XorShift, input: &[u8]) -> Vec<u8> {
    let mut bytes = input.to_vec();
    for _ in 0..=rng.below(8) {
        if bytes.is_empty() {
            break;
        }
        let at = rng.below(bytes.len());
        match rng.below(6) {
            0 => bytes[at] ^= 1 << rng.below(8),
            1 => bytes[at] = rng.next() as u8,
            2 => bytes[at] = [0x00, 0xFF, 0x7F, 0x80, 0x13, b'{', b'\\'][rng.below(7)],
            3 => bytes.insert(at, rng.next() as u8),
            4 => {
                bytes.remove(at);
            }
            _ => {
                let end = (at + 4).min(bytes.len());
                bytes[at..end].fill(0xFF);
            }
        }
    }
    bytes
}

#[test]
fn mutated_ole_files_never_panic() {
    let mut rng = XorShift(0x1234_5678_9ABC_DEF1);
    let seeds = [
        fixtures::vba_project_bin(),
        fixtures::doc_with_macros(),
        fixtures::doc_with_dde(),
        fixtures::xls_with_macro_sheet(),
        fixtures::ole_package_file(),
        fixtures::encrypted_ooxml(),
    ];
    let mut cases = 0;
    let mut parsed = 0;
    for seed in &seeds {
        for _ in 0..600 {
            let input = mutate(&mut rng, seed);
            if analyse_ole(&input).is_ok() {
                parsed += 1;
            }
            cases += 1;
        }
    }
    assert!(cases >= 3_600);
    // Most mutations land in stream data, so most files still open.
    assert!(parsed > cases / 4, "{parsed} of {cases} parsed");
}

#[test]
fn truncated_ole_files_never_panic() {
    let mut cases = 0;
    for seed in [fixtures::vba_project_bin(), fixtures::xls_with_macro_sheet()] {
        for length in (0..seed.len()).step_by(61) {
            let _ = analyse_ole(&seed[..length]);
            cases += 1;
        }
    }
    assert!(cases > 100);
}

#[test]
fn mutated_rtf_and_ooxml_never_panic() {
    let mut rng = XorShift(0xDEAD_BEEF_CAFE_F00D);
    let rtf_seeds = [fixtures::rtf_package_object(), fixtures::rtf_dde()];
    let mut cases = 0;
    for seed in &rtf_seeds {
        for _ in 0..1_500 {
            let _ = analyse_rtf(&mutate(&mut rng, seed));
            cases += 1;
        }
    }
    for parts in [
        fixtures::docm_parts(),
        fixtures::docx_remote_template_parts(),
        fixtures::docx_dde_parts(),
        fixtures::xlsm_macrosheet_parts(),
    ] {
        for _ in 0..300 {
            let mut mutated = parts.clone();
            let index = rng.below(mutated.len());
            mutated[index].1 = mutate(&mut rng, &mutated[index].1);
            let _ = analyse_ooxml(&mutated);
            cases += 1;
        }
    }
    assert!(cases >= 4_200);
}

#[test]
fn mutated_compressed_containers_never_panic() {
    let mut rng = XorShift(0x0BAD_5EED_0000_0001);
    let source = fixtures::INVOICE_MACRO.repeat(30);
    let compressed = vba_compress(source.as_bytes());
    let mut cases = 0;
    let mut failed = 0;
    for _ in 0..3_000 {
        let input = mutate(&mut rng, &compressed);
        if vba_decompress(&input, 1 << 20).is_err() {
            failed += 1;
        }
        cases += 1;
    }
    for _ in 0..500 {
        let mut random = vec![0x01];
        let length = rng.below(10_000);
        random.extend(rng.bytes(length));
        let _ = vba_decompress(&random, 1 << 20);
        cases += 1;
    }
    assert!(cases == 3_500 && failed > 0);
}

#[test]
fn module_with_bad_chunk_header_is_a_warning() {
    let project = VbaProjectBuilder::new().module("Module1", fixtures::INVOICE_MACRO);
    let mut bytes = project.build();
    // The module source container starts with 0x01 then a header 0xBxxx;
    // corrupt every such header's signature bits.
    let marker = crate::vba::memfind(&bytes, b"\x00Attribut").unwrap();
    bytes[marker - 1] = 0x40;
    let analysis = analyse_ole(&bytes).unwrap();
    assert!(analysis.info.vba_modules.is_empty());
    assert!(
        analysis.warnings.iter().any(|w| w.contains("Module1")),
        "{:?}",
        analysis.warnings
    );
}

#[test]
fn deep_rtf_nesting_is_flattened() {
    let mut cases = 0;
    for (open, close) in [(100_000, 0), (100_000, 100_000), (0, 100_000)] {
        let mut rtf = b"{\\rtf1".to_vec();
        rtf.extend(std::iter::repeat_n(b'{', open));
        rtf.extend_from_slice(b"{\\object\\objupdate{\\*\\objdata 0105000002000000}}");
        rtf.extend(std::iter::repeat_n(b'}', close));
        let analysis = analyse_rtf(&rtf);
        if open > MAX_RTF_DEPTH {
            assert!(analysis.warnings.iter().any(|w| w.contains("nested deeper")));
        }
        assert_eq!(analysis.info.embedded_objects.len(), 1);
        cases += 1;
    }
    let many_objects = "{\\object{\\*\\objdata 00}}".repeat(1_000);
    let analysis = analyse_rtf(format!("{{\\rtf1{many_objects}}}").as_bytes());
    assert!(analysis.warnings.iter().any(|w| w.contains("beyond the limit")));
    assert!(analysis.children.len() <= crate::MAX_OBJECTS);
    assert!(cases == 3);
}

#[test]
fn deep_word_fields_and_broken_xml() {
    let begin = "<w:r><w:fldChar w:fldCharType=\"begin\"/></w:r><w:instrText>DDE x</w:instrText>";
    let body = format!("<w:document>{}</w:document>", begin.repeat(100_000));
    let analysis = analyse_ooxml(&[("word/document.xml".to_owned(), body.into_bytes())]);
    assert!(analysis.warnings.iter().any(|w| w.contains("nested deeper")));
    let mut cases = 0;
    for broken in [
        "<a b=\"unterminated",
        "<!DOCTYPE x [<!ENTITY a \"&a;&a;\">]><Relationships><Relationship Target=\"&a;\" TargetMode=\"External\"/>",
        "<![CDATA[ never closed",
        "<!-- never closed",
        "<<<<>>>>&#xFFFFFFFF;&#99999999999;&;&",
        "",
    ] {
        let parts = [
            ("word/_rels/document.xml.rels".to_owned(), broken.as_bytes().to_vec()),
            ("word/document.xml".to_owned(), broken.as_bytes().to_vec()),
            ("xl/workbook.xml".to_owned(), broken.as_bytes().to_vec()),
            ("xl/macrosheets/sheet1.xml".to_owned(), broken.as_bytes().to_vec()),
            ("[Content_Types].xml".to_owned(), broken.as_bytes().to_vec()),
        ];
        let _ = analyse_ooxml(&parts);
        cases += 1;
    }
    assert_eq!(cases, 6);
}

#[test]
fn absurd_lengths_in_embedded_structures() {
    let mut ole1 = fixtures::ole1_object("Package", b"");
    let length_at = ole1.len() - 4;
    ole1[length_at..].copy_from_slice(&u32::MAX.to_le_bytes());
    assert!(crate::oleobj::parse_ole1(&ole1).is_some());
    let mut class_length = fixtures::ole1_object("Package", b"");
    class_length[8..12].copy_from_slice(&u32::MAX.to_le_bytes());
    assert!(crate::oleobj::parse_ole1(&class_length).is_none());
    let mut native = fixtures::package_native("a.vbs", "b", b"data", false);
    let size_at = native.len() - 8;
    native[size_at..size_at + 4].copy_from_slice(&u32::MAX.to_le_bytes());
    let package = crate::oleobj::parse_package(&native, false).unwrap();
    assert_eq!(package.data, b"data");
    assert!(crate::oleobj::compobj_class(&[0xFF; 40]).is_none());
}
