//! Zip: listing, methods, encryption with candidate passwords, names.

mod common;

use std::io::{Cursor, Write};

use common::{RawEntry, entry, open, open_with, raw_zip, zip_of};
use mozu_unpack::{Budget, Format, Limits, Password, detect, unpack};
use zip::CompressionMethod;
use zip::unstable::write::FileOptionsExt;
use zip::write::SimpleFileOptions;

const VBS: &[u8] = b"Set s = CreateObject(\"WScript.Shell\")\r\ns.Run \"powershell -enc AAAA\"\r\n";

#[test]
fn deflate_stored_and_bzip2_entries_extract() {
    for method in [
        CompressionMethod::Deflated,
        CompressionMethod::Stored,
        CompressionMethod::Bzip2,
    ] {
        let zip = zip_of(&[("請求書.vbs", VBS), ("readme.txt", b"hello")], method);
        assert_eq!(detect(&zip), Some(Format::Zip));
        let unpacked = open(&zip);
        assert_eq!(unpacked.info.format, "zip");
        assert_eq!(unpacked.info.entries, 2);
        assert_eq!(unpacked.info.declared_size, VBS.len() as u64 + 5);
        assert_eq!(entry(&unpacked, "請求書.vbs").data.as_deref(), Some(VBS));
        assert_eq!(entry(&unpacked, "readme.txt").data.as_deref(), Some(&b"hello"[..]));
        assert!(unpacked.budget_hit.is_none(), "{method:?}: {:?}", unpacked.warnings);
    }
}

fn aes_zip(mode: zip::AesMode, password: &str) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .with_aes_encryption(mode, password);
    writer.start_file("invoice.js", options).unwrap();
    writer.write_all(b"WScript.Echo('x');").unwrap();
    writer.finish().unwrap().into_inner()
}

#[test]
fn aes_entries_open_with_the_mail_body_password() {
    for (mode, name) in [
        (zip::AesMode::Aes128, "aes128"),
        (zip::AesMode::Aes192, "aes192"),
        (zip::AesMode::Aes256, "aes256"),
    ] {
        let zip = aes_zip(mode, "Kx7-2024");
        let passwords = [Password::new("wrong", "subject"), Password::new("Kx7-2024", "body")];
        let unpacked = open_with(&zip, &passwords);
        let e = entry(&unpacked, "invoice.js");
        assert!(e.encrypted);
        assert_eq!(e.encryption.as_deref(), Some(name));
        assert_eq!(e.data.as_deref(), Some(&b"WScript.Echo('x');"[..]));
        assert_eq!(e.password.as_ref().map(|p| p.source.as_str()), Some("body"));
        assert_eq!(unpacked.info.encrypted_entries, 1);
    }
}

#[test]
fn aes_entry_without_the_password_is_listed_not_extracted() {
    let zip = aes_zip(zip::AesMode::Aes256, "secret");
    let unpacked = open_with(&zip, &[Password::new("nope", "list")]);
    let e = entry(&unpacked, "invoice.js");
    assert!(e.encrypted && e.data.is_none() && e.password.is_none());
    assert!(e.note.as_deref().unwrap().contains("none of the 2 candidate passwords"));
}

fn zipcrypto_zip(password: &[u8], method: CompressionMethod) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default()
        .compression_method(method)
        .with_deprecated_encryption(password)
        .unwrap();
    writer.start_file("payload.vbs", options).unwrap();
    writer.write_all(VBS).unwrap();
    writer.start_file("second.txt", options).unwrap();
    writer.write_all(b"more").unwrap();
    writer.finish().unwrap().into_inner()
}

#[test]
fn zipcrypto_entries_open_and_record_the_password() {
    for method in [CompressionMethod::Deflated, CompressionMethod::Stored] {
        let zip = zipcrypto_zip(b"1234", method);
        let passwords: Vec<Password> = ["a", "b", "1234", "c"]
            .iter()
            .map(|p| Password::new(*p, "list"))
            .collect();
        let unpacked = open_with(&zip, &passwords);
        for name in ["payload.vbs", "second.txt"] {
            let e = entry(&unpacked, name);
            assert_eq!(e.encryption.as_deref(), Some("zipcrypto"));
            assert_eq!(e.password.as_ref().map(|p| p.value.as_str()), Some("1234"));
        }
        assert_eq!(entry(&unpacked, "payload.vbs").data.as_deref(), Some(VBS));
        let none = open_with(&zip, &passwords[..2]);
        assert!(entry(&none, "payload.vbs").data.is_none());
    }
}

#[test]
fn japanese_password_in_shift_jis_opens() {
    let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode("パスワード");
    let zip = zipcrypto_zip(&sjis, CompressionMethod::Deflated);
    let unpacked = open_with(&zip, &[Password::new("パスワード", "body")]);
    assert_eq!(entry(&unpacked, "payload.vbs").data.as_deref(), Some(VBS));
}

#[test]
fn shift_jis_names_without_the_utf8_flag_are_decoded() {
    let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode("見積書_2024.vbs");
    let zip = raw_zip(&[
        RawEntry::stored(&sjis, VBS),
        RawEntry::stored(b"caf\x82.txt", b"cp437"),
        RawEntry::stored("ü.txt".as_bytes(), b"utf8 without flag"),
    ]);
    let unpacked = open(&zip);
    assert_eq!(entry(&unpacked, "見積書_2024.vbs").data.as_deref(), Some(VBS));
    assert_eq!(entry(&unpacked, "café.txt").data.as_deref(), Some(&b"cp437"[..]));
    assert!(unpacked.entries.iter().any(|e| e.name == "ü.txt"));
}

#[test]
fn duplicate_names_are_all_listed() {
    let zip = raw_zip(&[
        RawEntry::stored(b"doc.pdf", b"benign"),
        RawEntry::stored(b"doc.pdf", b"evil"),
    ]);
    let unpacked = open(&zip);
    let data: Vec<_> = unpacked.entries.iter().map(|e| e.data.clone().unwrap()).collect();
    assert_eq!(data, vec![b"benign".to_vec(), b"evil".to_vec()]);
}

#[test]
fn zip_appended_to_other_data_is_found() {
    let mut bytes = b"GIF89a fake image bytes ....".to_vec();
    bytes.extend(raw_zip(&[RawEntry::stored(b"a.js", b"x=1")]));
    let unpacked = unpack(&bytes, Format::Zip, &Budget::new(Limits::default()), &[]).unwrap();
    assert_eq!(entry(&unpacked, "a.js").data.as_deref(), Some(&b"x=1"[..]));
    assert!(unpacked.warnings.iter().any(|w| w.contains("precede")));
}

#[test]
fn missing_central_directory_falls_back_to_local_headers() {
    let zip = zip_of(&[("a.vbs", VBS)], CompressionMethod::Deflated);
    let cut = zip.windows(4).position(|w| w == b"PK\x01\x02").unwrap();
    let unpacked = unpack(&zip[..cut], Format::Zip, &Budget::new(Limits::default()), &[]).unwrap();
    assert_eq!(entry(&unpacked, "a.vbs").data.as_deref(), Some(VBS));
    assert!(unpacked.warnings[0].contains("local headers"));
}

#[test]
fn damaged_crc_keeps_the_data_with_a_note() {
    let mut e = RawEntry::stored(b"x.txt", b"abc");
    e.crc ^= 1;
    let unpacked = open(&raw_zip(&[e]));
    let x = entry(&unpacked, "x.txt");
    assert_eq!(x.data.as_deref(), Some(&b"abc"[..]));
    assert!(x.note.as_deref().unwrap().contains("CRC"));
}

#[test]
fn unsupported_method_and_directories_get_notes() {
    let mut odd = RawEntry::stored(b"odd.bin", b"zzz");
    odd.method = 98;
    let unpacked = open(&raw_zip(&[odd, RawEntry::stored(b"dir/", b"")]));
    assert!(entry(&unpacked, "odd.bin").note.as_deref().unwrap().contains("ppmd"));
    assert_eq!(entry(&unpacked, "dir/").note.as_deref(), Some("directory"));
}

#[test]
fn not_a_zip_is_an_error() {
    let err = unpack(b"just text", Format::Zip, &Budget::new(Limits::default()), &[]);
    assert!(err.is_err());
    let empty = unpack(
        b"PK\x05\x06\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0",
        Format::Zip,
        &Budget::new(Limits::default()),
        &[],
    )
    .unwrap();
    assert_eq!(empty.info.entries, 0);
}
