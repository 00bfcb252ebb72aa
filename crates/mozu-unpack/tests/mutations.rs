//! Hostile mutations of every fixture: thousands of damaged inputs, no
//! panic, no hang, and the number of cases run is asserted.

mod common;

use std::io::{Cursor, Write};

use common::images::{ImageFile, iso, udf};
use common::rar::{Rar5File, rar4, rar5};
use common::{RawEntry, deflate_zeros, mutate_and_unpack, raw_zip, zip_of};
use mozu_unpack::Format;
use sevenz_rust2::encoder_options::AesEncoderOptions;
use sevenz_rust2::{ArchiveEntry, ArchiveWriter, EncoderMethod};
use zip::CompressionMethod;
use zip::unstable::write::FileOptionsExt;
use zip::write::SimpleFileOptions;

/// Mutated inputs per fixture.
const CASES: usize = 250;

fn encrypted_zip() -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let aes = SimpleFileOptions::default().with_aes_encryption(zip::AesMode::Aes256, "infected");
    writer.start_file("a.js", aes).unwrap();
    writer.write_all(b"WScript.Echo(1)").unwrap();
    let crypto = SimpleFileOptions::default()
        .with_deprecated_encryption(b"infected")
        .unwrap();
    writer.start_file("b.vbs", crypto).unwrap();
    writer.write_all(b"MsgBox 1").unwrap();
    writer.finish().unwrap().into_inner()
}

fn seven_z(password: Option<&str>, encrypt_header: bool) -> Vec<u8> {
    let mut writer = ArchiveWriter::new(Cursor::new(Vec::new())).unwrap();
    let mut methods = Vec::new();
    if let Some(password) = password {
        methods.push(AesEncoderOptions::new(password.into()).into());
    }
    methods.push(EncoderMethod::LZMA2.into());
    writer.set_content_methods(methods);
    writer.set_encrypt_header(encrypt_header);
    for (name, data) in [("a.js", &b"x=1;"[..]), ("b.txt", b"hello hello hello")] {
        writer
            .push_archive_entry(ArchiveEntry::new_file(name), Some(data))
            .unwrap();
    }
    writer.finish().unwrap().into_inner()
}

fn cab() -> Vec<u8> {
    let mut builder = cab::CabinetBuilder::new();
    let folder = builder.add_folder(cab::CompressionType::MsZip);
    folder.add_file("a.inf");
    folder.add_file("b.dll");
    let mut writer = builder.build(Cursor::new(Vec::new())).unwrap();
    let mut n = 0;
    while let Some(mut file) = writer.next_file().unwrap() {
        file.write_all(if n == 0 { b"[Version]" } else { b"MZ\x90\0\x03" })
            .unwrap();
        n += 1;
    }
    writer.finish().unwrap().into_inner()
}

fn fixtures() -> Vec<(&'static str, Format, Vec<u8>)> {
    let text = b"Set s = CreateObject(\"WScript.Shell\") ' padding padding padding";
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(text).unwrap();
    let mut bz = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::default());
    bz.write_all(text).unwrap();
    let mut xz = lzma_rust2::XzWriter::new(Vec::new(), lzma_rust2::XzOptions::default()).unwrap();
    xz.write_all(text).unwrap();
    let mut tar = tar::Builder::new(Vec::new());
    let mut header = tar::Header::new_gnu();
    header.set_size(text.len() as u64);
    header.set_cksum();
    tar.append_data(&mut header, "dir/a.vbs", &text[..]).unwrap();
    let files = [
        ImageFile {
            name: "a.lnk",
            data: b"L\0\0\0",
            hidden: false,
        },
        ImageFile {
            name: "b.dll",
            data: b"MZ",
            hidden: true,
        },
    ];
    let bomb = raw_zip(&[RawEntry {
        name: b"z".to_vec(),
        flags: 0,
        method: 8,
        crc: 0,
        data: deflate_zeros(1 << 20),
        size: 1 << 20,
    }]);
    vec![
        (
            "zip",
            Format::Zip,
            zip_of(&[("a.vbs", text), ("b/", b"")], CompressionMethod::Deflated),
        ),
        ("zip-encrypted", Format::Zip, encrypted_zip()),
        ("zip-bomb", Format::Zip, bomb),
        ("7z", Format::SevenZ, seven_z(None, false)),
        ("7z-aes", Format::SevenZ, seven_z(Some("infected"), true)),
        (
            "rar5",
            Format::Rar,
            rar5(
                &[Rar5File {
                    name: "a.js",
                    data: b"x=1",
                    unpacked_size: 3,
                    method: 0,
                    encrypted: false,
                }],
                false,
            ),
        ),
        (
            "rar4",
            Format::Rar,
            rar4(b"a.js", Some(&[0, 0, b'a', b'.', b'j', b's']), b"x=1", 0x30),
        ),
        ("gzip", Format::Gzip, gz.finish().unwrap()),
        ("bzip2", Format::Bzip2, bz.finish().unwrap()),
        ("xz", Format::Xz, xz.finish().unwrap()),
        ("tar", Format::Tar, tar.into_inner().unwrap()),
        ("cab", Format::Cab, cab()),
        ("iso", Format::Iso, iso(&files, true, true)),
        ("udf", Format::Iso, udf(&files)),
    ]
}

#[test]
fn mutated_fixtures_never_panic() {
    let mut total = 0;
    for (index, (name, format, fixture)) in fixtures().into_iter().enumerate() {
        let ran = mutate_and_unpack(&fixture, format, CASES, 0x9E37_79B9 + index as u64);
        assert_eq!(ran, CASES, "{name}");
        total += ran;
    }
    assert!(total >= 3000, "only {total} mutated cases ran");
}

#[test]
fn every_format_survives_every_other_formats_bytes() {
    let fixtures = fixtures();
    let mut ran = 0;
    for (_, _, bytes) in &fixtures {
        for format in Format::ALL {
            let budget = mozu_unpack::Budget::new(common::small_limits());
            let _ = mozu_unpack::unpack(bytes, format, &budget, &[]);
            ran += 1;
        }
    }
    assert_eq!(ran, fixtures.len() * Format::ALL.len());
}
