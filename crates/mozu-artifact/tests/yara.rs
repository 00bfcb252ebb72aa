//! `--yara`: rules run over every artifact of the tree (feature `yara`).
#![cfg(feature = "yara")]

mod common;

use std::sync::Arc;

use common::*;

#[test]
fn rule_matches_a_script_inside_a_zip() {
    let dir = std::env::temp_dir().join(format!("mozu-yara-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("nemty.yar"),
        "rule Downloader_WScript : downloader { strings: $a = \"WScript.Shell\" nocase $b = \"ADODB.Stream\" condition: all of them }",
    )
    .unwrap();
    let rules = mozu_artifact::yara::YaraRules::load(&dir).unwrap();
    assert_eq!(rules.files, 1);
    let opts = mozu_artifact::Options {
        yara: Some(Arc::new(rules)),
        ..mozu_artifact::Options::default()
    };
    let z = zip(&[("PIC_2020.vbs", NEMTY_VBS.as_bytes())], None);
    let parsed = mozu_mail::parse_eml_parts(
        &mail_with("(^_^;)", "", "PIC_2020.zip", "application/zip", &z),
        mozu_mail::source("t.eml", mozu_model::SourceFormat::Eml, None),
        &mozu_mail::Limits::default(),
    );
    let rec = mozu_artifact::analyse_message(parsed, &[], &opts, None);
    let vbs = at(&rec, "PIC_2020.zip/PIC_2020.vbs");
    let f = vbs
        .findings
        .iter()
        .find(|f| f.id == "yara.nemty.Downloader_WScript")
        .expect("YARA finding");
    assert_eq!(f.evidence[0].value, "Downloader_WScript [downloader]");
    assert!(
        !has(at(&rec, "PIC_2020.zip"), "yara.nemty.Downloader_WScript"),
        "the zip itself holds only compressed bytes"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn broken_rule_is_reported_with_its_file() {
    let dir = std::env::temp_dir().join(format!("mozu-yara-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("bad.yar"), "rule { condition: }").unwrap();
    let err = mozu_artifact::yara::YaraRules::load(&dir).unwrap_err().to_string();
    assert!(err.contains("bad.yar"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}
