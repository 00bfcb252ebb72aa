//! RAR: header-only fixtures assembled by hand (no RAR code involved).

mod common;

use common::entry;
use common::rar::{Rar5File, rar4, rar5};
use mozu_unpack::{Budget, Format, Limits, detect, unpack};

fn open(bytes: &[u8]) -> mozu_unpack::Unpacked {
    assert_eq!(detect(bytes), Some(Format::Rar));
    unpack(bytes, Format::Rar, &Budget::new(Limits::default()), &[]).unwrap()
}

#[test]
fn rar5_stored_entry_is_extracted_and_compressed_is_listed() {
    let archive = rar5(
        &[
            Rar5File {
                name: "請求書.lnk",
                data: b"L\0\0\0 shortcut bytes",
                unpacked_size: 19,
                method: 0,
                encrypted: false,
            },
            Rar5File {
                name: "payload.exe",
                data: &[0xAB; 40],
                unpacked_size: 4096,
                method: 3,
                encrypted: false,
            },
            Rar5File {
                name: "secret.js",
                data: &[0xCD; 64],
                unpacked_size: 50,
                method: 0,
                encrypted: true,
            },
        ],
        false,
    );
    let unpacked = open(&archive);
    assert_eq!(unpacked.info.format, "rar");
    assert_eq!(unpacked.info.entries, 3);
    assert_eq!(unpacked.info.encrypted_entries, 1);
    let lnk = entry(&unpacked, "請求書.lnk");
    assert_eq!(lnk.data.as_deref(), Some(&b"L\0\0\0 shortcut bytes"[..]));
    let exe = entry(&unpacked, "payload.exe");
    assert_eq!(exe.declared_size, 4096);
    assert_eq!(exe.compressed_size, 40);
    assert_eq!(exe.note.as_deref(), Some("rar decompression not supported (licence)"));
    let js = entry(&unpacked, "secret.js");
    assert!(js.encrypted && js.data.is_none());
    assert_eq!(js.encryption.as_deref(), Some("rar"));
}

#[test]
fn rar5_encrypted_headers_list_nothing_with_a_warning() {
    let unpacked = open(&rar5(&[], true));
    assert_eq!(unpacked.info.entries, 0);
    assert!(unpacked.warnings.iter().any(|w| w.contains("headers are encrypted")));
}

#[test]
fn rar4_stored_entry_with_unicode_name() {
    // ASCII fallback "??.vbs", then the compact form: high byte 0x8A, then
    // flag byte 01 01 00 00 (ops: high+low, high+low, ascii, ascii...).
    // 請 = U+8ACB, 求 = U+6C42: the second needs op 2 (full 16 bits).
    let encoded = [0x8A, 0b0110_0000, 0xCB, 0x42, 0x6C, b'.', b'v', 0b0000_0000, b'b', b's'];
    let archive = rar4(b"??.vbs", Some(&encoded), b"MsgBox 1", 0x30);
    let unpacked = open(&archive);
    let vbs = entry(&unpacked, "請求.vbs");
    assert_eq!(vbs.data.as_deref(), Some(&b"MsgBox 1"[..]));
}

#[test]
fn rar4_compressed_entry_gets_the_licence_note() {
    let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode("見積.js");
    let archive = rar4(&sjis, None, &[1, 2, 3, 4], 0x33);
    let unpacked = open(&archive);
    let js = entry(&unpacked, "見積.js");
    assert!(js.data.is_none());
    assert!(js.note.as_deref().unwrap().contains("licence"));
}

#[test]
fn garbage_after_the_signature_is_an_error_or_empty() {
    let mut bytes = b"Rar!\x1a\x07\x01\x00".to_vec();
    bytes.extend_from_slice(&[0xFF; 40]);
    assert!(unpack(&bytes, Format::Rar, &Budget::new(Limits::default()), &[]).is_err());
    assert!(unpack(b"Rar!", Format::Rar, &Budget::new(Limits::default()), &[]).is_err());
}
