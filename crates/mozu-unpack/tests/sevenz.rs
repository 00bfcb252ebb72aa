//! 7z: plain, AES-encrypted content, encrypted headers.

mod common;

use std::io::Cursor;

use common::{entry, open, open_with};
use mozu_unpack::{Budget, Format, Limits, Password, detect, unpack};
use sevenz_rust2::encoder_options::AesEncoderOptions;
use sevenz_rust2::{ArchiveEntry, ArchiveWriter, EncoderMethod};

const JS: &[u8] = b"var s=new ActiveXObject('WScript.Shell');s.Run('calc');";

/// A 7z with two files; AES-256 content when `password` is given, with
/// encrypted headers when `encrypt_header` too.
pub fn seven_z(password: Option<&str>, encrypt_header: bool) -> Vec<u8> {
    let mut writer = ArchiveWriter::new(Cursor::new(Vec::new())).unwrap();
    let mut methods = Vec::new();
    if let Some(password) = password {
        methods.push(AesEncoderOptions::new(password.into()).into());
    }
    methods.push(EncoderMethod::LZMA2.into());
    writer.set_content_methods(methods);
    writer.set_encrypt_header(encrypt_header);
    writer
        .push_archive_entry(ArchiveEntry::new_file("請求書.js"), Some(JS))
        .unwrap();
    writer
        .push_archive_entry(ArchiveEntry::new_file("note.txt"), Some(&b"hello"[..]))
        .unwrap();
    writer
        .push_archive_entry::<&[u8]>(ArchiveEntry::new_directory("dir"), None)
        .unwrap();
    writer.finish().unwrap().into_inner()
}

#[test]
fn plain_7z_lists_and_extracts() {
    let archive = seven_z(None, false);
    assert_eq!(detect(&archive), Some(Format::SevenZ));
    let unpacked = open(&archive);
    assert_eq!(unpacked.info.format, "7z");
    assert_eq!(unpacked.info.entries, 3);
    assert_eq!(entry(&unpacked, "請求書.js").data.as_deref(), Some(JS));
    assert_eq!(entry(&unpacked, "note.txt").data.as_deref(), Some(&b"hello"[..]));
    assert_eq!(entry(&unpacked, "dir").note.as_deref(), Some("directory"));
}

#[test]
fn aes_7z_opens_with_the_right_candidate() {
    let archive = seven_z(Some("infected"), false);
    let passwords = [Password::new("wrong", "subject"), Password::new("infected", "body")];
    let unpacked = open_with(&archive, &passwords);
    let js = entry(&unpacked, "請求書.js");
    assert!(js.encrypted);
    assert_eq!(js.encryption.as_deref(), Some("7z-aes256"));
    assert_eq!(js.data.as_deref(), Some(JS));
    assert_eq!(js.password.as_ref().map(|p| p.source.as_str()), Some("body"));
    assert_eq!(unpacked.info.encrypted_entries, 2);
}

#[test]
fn aes_7z_without_the_password_lists_names_only() {
    let archive = seven_z(Some("infected"), false);
    let unpacked = open_with(&archive, &[Password::new("nope", "list")]);
    let js = entry(&unpacked, "請求書.js");
    assert!(js.encrypted && js.data.is_none());
    assert!(js.note.as_deref().unwrap().contains("candidate"));
}

#[test]
fn encrypted_headers_open_only_with_the_password() {
    let archive = seven_z(Some("pw2024"), true);
    let closed = open_with(&archive, &[Password::new("nope", "list")]);
    assert_eq!(closed.info.entries, 0);
    assert!(closed.warnings.iter().any(|w| w.contains("headers are encrypted")));
    let opened = open_with(&archive, &[Password::new("pw2024", "other-message")]);
    assert_eq!(opened.info.entries, 3);
    assert_eq!(entry(&opened, "note.txt").data.as_deref(), Some(&b"hello"[..]));
}

#[test]
fn entry_budget_applies_to_7z() {
    let archive = seven_z(None, false);
    let budget = Budget::new(Limits {
        max_entries: 1,
        ..Limits::default()
    });
    let unpacked = unpack(&archive, Format::SevenZ, &budget, &[]).unwrap();
    assert_eq!(unpacked.entries.len(), 1);
    assert!(unpacked.budget_hit.is_some());
}

#[test]
fn truncated_7z_is_an_error_not_a_panic() {
    let archive = seven_z(None, false);
    for cut in [0, 6, 12, 31, 40, archive.len() / 2] {
        let _ = unpack(&archive[..cut], Format::SevenZ, &Budget::new(Limits::default()), &[]);
    }
}
