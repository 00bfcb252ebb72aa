//! gzip, bzip2, xz, tar, cab, ISO 9660 and UDF fixtures, and detection.

mod common;

use std::io::{Cursor, Write};

use common::images::{ImageFile, iso, udf};
use common::{entry, open, walk_tree};
use mozu_unpack::{Budget, Format, Limits, detect, unpack};

const JS: &[u8] = b"new ActiveXObject('WScript.Shell').Run('cmd /c whoami');";

fn gzip(name: Option<&str>, data: &[u8]) -> Vec<u8> {
    let mut builder = flate2::GzBuilder::new();
    if let Some(name) = name {
        builder = builder.filename(name);
    }
    let mut gz = builder.write(Vec::new(), flate2::Compression::default());
    gz.write_all(data).unwrap();
    gz.finish().unwrap()
}

#[test]
fn gzip_entry_is_named_from_fname() {
    let unpacked = open(&gzip(Some("invoice.js"), JS));
    assert_eq!(unpacked.info.format, "gzip");
    assert_eq!(entry(&unpacked, "invoice.js").data.as_deref(), Some(JS));
    let unnamed = open(&gzip(None, JS));
    assert_eq!(entry(&unnamed, "<data>").declared_size, JS.len() as u64);
}

#[test]
fn bzip2_and_xz_streams() {
    let mut bz = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::default());
    bz.write_all(JS).unwrap();
    let bz = bz.finish().unwrap();
    assert_eq!(detect(&bz), Some(Format::Bzip2));
    assert_eq!(entry(&open(&bz), "<data>").data.as_deref(), Some(JS));

    let mut xz = lzma_rust2::XzWriter::new(Vec::new(), lzma_rust2::XzOptions::default()).unwrap();
    xz.write_all(JS).unwrap();
    let xz = xz.finish().unwrap();
    assert_eq!(detect(&xz), Some(Format::Xz));
    let unpacked = open(&xz);
    assert_eq!(unpacked.info.format, "xz");
    assert_eq!(entry(&unpacked, "<data>").data.as_deref(), Some(JS));
}

fn tar_of(files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut builder = tar::Builder::new(Vec::new());
    for (name, data) in files {
        let mut header = tar::Header::new_gnu();
        header.set_size(data.len() as u64);
        header.set_mode(0o644);
        header.set_cksum();
        builder.append_data(&mut header, name, *data).unwrap();
    }
    builder.into_inner().unwrap()
}

#[test]
fn tar_with_long_names_and_tar_gz_walk() {
    let long = format!("{}/payload.js", "very-long-directory-name".repeat(8));
    let tar = tar_of(&[(long.as_str(), JS), ("short.txt", b"hi")]);
    assert_eq!(detect(&tar), Some(Format::Tar));
    let unpacked = open(&tar);
    assert_eq!(entry(&unpacked, &long).data.as_deref(), Some(JS));
    assert_eq!(entry(&unpacked, "short.txt").data.as_deref(), Some(&b"hi"[..]));

    let tgz = gzip(Some("bundle.tar"), &tar);
    let budget = Budget::new(Limits::default());
    let (opened, hit, _, total) = walk_tree(tgz, &budget);
    assert_eq!(opened, 2);
    assert!(hit.is_none());
    assert!(total >= (tar.len() + JS.len()) as u64);
}

fn cab_of(files: &[(&str, &[u8])], compression: cab::CompressionType, hidden: &str) -> Vec<u8> {
    let mut builder = cab::CabinetBuilder::new();
    let folder = builder.add_folder(compression);
    for (name, _) in files {
        let file = folder.add_file(*name);
        if *name == hidden {
            file.set_is_hidden(true);
        }
    }
    let mut writer = builder.build(Cursor::new(Vec::new())).unwrap();
    let mut index = 0;
    while let Some(mut file) = writer.next_file().unwrap() {
        file.write_all(files[index].1).unwrap();
        index += 1;
    }
    writer.finish().unwrap().into_inner()
}

#[test]
fn cab_stored_and_mszip_folders() {
    let big: Vec<u8> = (0..100_000u32).flat_map(|i| (i % 251).to_le_bytes()).collect();
    for compression in [cab::CompressionType::None, cab::CompressionType::MsZip] {
        let cab = cab_of(
            &[
                ("setup.inf", b"[Version]"),
                ("big.bin", &big),
                ("hidden.dll", b"MZ\x90\0"),
            ],
            compression,
            "hidden.dll",
        );
        assert_eq!(detect(&cab), Some(Format::Cab));
        let unpacked = open(&cab);
        assert_eq!(unpacked.info.format, "cab");
        assert_eq!(entry(&unpacked, "setup.inf").data.as_deref(), Some(&b"[Version]"[..]));
        assert_eq!(entry(&unpacked, "big.bin").data.as_deref(), Some(big.as_slice()));
        assert_eq!(entry(&unpacked, "hidden.dll").data.as_deref(), Some(&b"MZ\x90\0"[..]));
        assert!(unpacked.warnings.iter().any(|w| w.contains("hidden entry: hidden.dll")));
    }
}

#[test]
fn iso9660_with_joliet_names_and_hidden_dll() {
    let image = iso(
        &[
            ImageFile {
                name: "請求書.lnk",
                data: b"L\0\0\0link",
                hidden: false,
            },
            ImageFile {
                name: "a.dll",
                data: b"MZ dll bytes",
                hidden: true,
            },
        ],
        true,
        false,
    );
    assert_eq!(detect(&image), Some(Format::Iso));
    let unpacked = open(&image);
    assert_eq!(unpacked.info.format, "iso");
    assert_eq!(
        entry(&unpacked, "請求書.lnk").data.as_deref(),
        Some(&b"L\0\0\0link"[..])
    );
    assert_eq!(entry(&unpacked, "a.dll").data.as_deref(), Some(&b"MZ dll bytes"[..]));
    assert!(unpacked.warnings.iter().any(|w| w == "hidden entry: a.dll"));
}

#[test]
fn iso9660_plain_names_and_directory_loops_end() {
    let image = iso(
        &[ImageFile {
            name: "run.bat",
            data: b"@echo off",
            hidden: false,
        }],
        false,
        true,
    );
    let unpacked = open(&image);
    assert_eq!(entry(&unpacked, "RUN.BAT").data.as_deref(), Some(&b"@echo off"[..]));
    assert!(unpacked.warnings.iter().any(|w| w.contains("directory loop")));
    assert_eq!(unpacked.info.entries, 1);
}

#[test]
fn pure_udf_image_is_listed_and_extracted() {
    let image = udf(&[
        ImageFile {
            name: "invoice.lnk",
            data: b"L\0\0\0udf link",
            hidden: false,
        },
        ImageFile {
            name: "x.dll",
            data: &[0x4D; 5000],
            hidden: true,
        },
    ]);
    assert_eq!(detect(&image), Some(Format::Iso));
    let unpacked = open(&image);
    assert_eq!(unpacked.info.format, "udf");
    assert_eq!(
        entry(&unpacked, "invoice.lnk").data.as_deref(),
        Some(&b"L\0\0\0udf link"[..])
    );
    assert_eq!(entry(&unpacked, "x.dll").data.as_deref(), Some(&[0x4D; 5000][..]));
    assert!(unpacked.warnings.iter().any(|w| w == "hidden entry: x.dll"));
}

#[test]
fn detection_of_every_magic() {
    assert_eq!(detect(b"PK\x03\x04rest"), Some(Format::Zip));
    assert_eq!(detect(b"PK\x05\x06"), Some(Format::Zip));
    assert_eq!(
        detect(&[b'7', b'z', 0xBC, 0xAF, 0x27, 0x1C, 0, 4]),
        Some(Format::SevenZ)
    );
    assert_eq!(detect(b"Rar!\x1a\x07\x00"), Some(Format::Rar));
    assert_eq!(detect(b"Rar!\x1a\x07\x01\x00"), Some(Format::Rar));
    assert_eq!(detect(&[0x1F, 0x8B, 8]), Some(Format::Gzip));
    assert_eq!(detect(b"BZh91AY&SY"), Some(Format::Bzip2));
    assert_eq!(detect(&[0xFD, b'7', b'z', b'X', b'Z', 0]), Some(Format::Xz));
    assert_eq!(detect(b"MSCF\0\0\0\0"), Some(Format::Cab));
    let mut tar = vec![0u8; 512];
    tar[257..262].copy_from_slice(b"ustar");
    assert_eq!(detect(&tar), Some(Format::Tar));
    for offset in [0x8001usize, 0x8801, 0x9001] {
        let mut image = vec![0u8; 0xA000];
        image[offset..offset + 5].copy_from_slice(b"CD001");
        assert_eq!(detect(&image), Some(Format::Iso));
    }
    let mut bridge = vec![0u8; 0xA000];
    bridge[0x8801..0x8806].copy_from_slice(b"NSR02");
    assert_eq!(detect(&bridge), Some(Format::Iso));
    assert_eq!(detect(b"MZ\x90\0"), None);
    assert_eq!(detect(b""), None);
    assert!(unpack(b"nothing", Format::Iso, &Budget::new(Limits::default()), &[]).is_err());
}
