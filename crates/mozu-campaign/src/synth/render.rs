//! Rendering a [`SynthMail`] as a record (what parser and analyser would
//! produce) or as raw RFC 5322 bytes (for the real parser).

use mozu_model::{
    Address, ArchiveInfo, Artifact, ArtifactDetails, Attachment, Finding, Location, MessageRecord, OfficeInfo, PdfInfo,
    ReceivedHop, ScriptInfo, Severity, SourceFormat, SourceRef, UrlIndicator, VbaModule,
};

use super::{AttachmentKind, SynthMail};
use crate::minhash::stable_hash;

/// Offset of the synthetic senders' clocks (Japan).
const OFFSET_SECS: i64 = 9 * 3600;

/// A hex digest of `len` characters derived from `data` (stands in for a
/// cryptographic hash: campaign features only compare hashes for equality).
fn fake_digest(data: &[u8], len: usize) -> String {
    let mut out = String::with_capacity(len);
    let mut salt = 0u8;
    while out.len() < len {
        let mut buf = data.to_vec();
        buf.push(salt);
        out.push_str(&format!("{:016x}", stable_hash(&buf)));
        salt = salt.wrapping_add(1);
    }
    out.truncate(len);
    out
}

fn local_parts(time: i64) -> (i64, u32, u32, i64, i64, i64) {
    let t = time + OFFSET_SECS;
    let (y, mo, d) = mozu_model::civil::civil_from_days(t.div_euclid(86_400));
    let (mo, d) = (mo as u32, d as u32);
    let s = t.rem_euclid(86_400);
    (y, mo, d, s / 3600, s / 60 % 60, s % 60)
}

/// RFC 3339 in +09:00.
pub fn rfc3339(time: i64) -> String {
    let (y, mo, d, h, mi, s) = local_parts(time);
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}+09:00")
}

fn rfc2822(time: i64) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    let (y, mo, d, h, mi, s) = local_parts(time);
    let wd = DAYS
        .get((time + OFFSET_SECS).div_euclid(86_400).rem_euclid(7) as usize)
        .unwrap_or(&"Mon");
    let mon = MONTHS.get(mo.saturating_sub(1) as usize).unwrap_or(&"Jan");
    format!("{wd}, {d} {mon} {y:04} {h:02}:{mi:02}:{s:02} +0900")
}

fn address(name: &str, addr: &str) -> Address {
    let domain = Address::domain_of(addr);
    let registrable = domain.as_deref().map(|d| {
        let labels: Vec<&str> = d.split('.').collect();
        let keep = if d.ends_with(".co.jp") { 3 } else { 2 };
        labels[labels.len().saturating_sub(keep)..].join(".")
    });
    Address {
        name: (!name.is_empty()).then(|| name.to_string()),
        address: Some(addr.to_string()),
        domain,
        registrable_domain: registrable,
    }
}

fn urls_in(text: &str) -> Vec<String> {
    text.split(|c: char| c.is_whitespace() || matches!(c, '\'' | '"' | '(' | ')'))
        .filter(|w| w.starts_with("http://") || w.starts_with("https://"))
        .map(str::to_string)
        .collect()
}

fn url_indicator(url: &str, location: Location, artifact: Option<String>) -> UrlIndicator {
    let host = url
        .split_once("://")
        .and_then(|(_, r)| r.split(['/', '?']).next())
        .map(str::to_lowercase);
    UrlIndicator {
        url: url.to_string(),
        host,
        registrable_domain: None,
        location,
        defanged: false,
        artifact,
    }
}

fn artifact(path: &str, name: &str, kind: &str, depth: u32, data: &[u8], details: ArtifactDetails) -> Artifact {
    Artifact {
        path: path.to_string(),
        name: Some(name.to_string()),
        detected_type: kind.to_string(),
        depth,
        size: data.len() as u64,
        md5: fake_digest(data, 32),
        sha1: fake_digest(data, 40),
        sha256: fake_digest(data, 64),
        details: Some(details),
        ..Artifact::default()
    }
}

impl SynthMail {
    /// The record the parser and attachment analyser would produce.
    pub fn to_record(&self) -> MessageRecord {
        let mut rec = MessageRecord::new(SourceRef {
            path: format!("synthetic/{:06}.eml", self.index),
            index: None,
            format: SourceFormat::Eml,
        });
        let key = format!("{}\u{0}{}\u{0}{}", self.index, self.message_id, self.subject);
        rec.sha256 = fake_digest(key.as_bytes(), 64);
        rec.size = (self.body.len() + 600) as u64;
        rec.message_id = Some(self.message_id.clone());
        rec.date = Some(rfc3339(self.time));
        rec.from = Some(address(&self.from_name, &self.from_addr));
        rec.to = vec![address(&self.to_name, &self.to_addr)];
        rec.subject = Some(self.subject.clone());
        rec.x_mailer = self.x_mailer.clone();
        rec.received = vec![ReceivedHop {
            from_host: Some(self.sender_host.0.clone()),
            ip: Some(self.sender_host.1.clone()),
            by_host: Some("mx.victim.example.jp".into()),
            with: Some("ESMTP".into()),
            time: Some(rfc3339(self.time + 3)),
            ..ReceivedHop::default()
        }];
        rec.text = Some(self.body.clone());
        rec.urls = self
            .body_urls
            .iter()
            .map(|u| url_indicator(u, Location::Text, None))
            .collect();
        if let Some(att) = &self.attachment {
            self.attachment_record(att, &mut rec);
        }
        rec.families = self.family.iter().cloned().collect();
        if let Some(org) = &self.spoofed_org {
            rec.findings.push(Finding::single(
                "spoof.display_name_brand",
                Severity::Medium,
                30,
                "Display name names a brand the sending domain does not belong to",
                "from.name",
                org.clone(),
            ));
        }
        rec
    }

    fn attachment_record(&self, att: &SynthAttachment, rec: &mut MessageRecord) {
        let outer = self.attachment_bytes().unwrap_or_default();
        rec.attachments.push(Attachment {
            name: Some(att.name.clone()),
            content_type: Some(att.content_type.clone()),
            disposition: Some("attachment".into()),
            part: "2".into(),
            size: outer.len() as u64,
            md5: fake_digest(&outer, 32),
            sha1: fake_digest(&outer, 40),
            sha256: fake_digest(&outer, 64),
            is_message: false,
        });
        let inner_text = match &att.kind {
            AttachmentKind::Archive {
                format,
                inner_name,
                language,
                content,
            } => {
                let info = ArchiveInfo {
                    format: format.clone(),
                    entries: 1,
                    ..ArchiveInfo::default()
                };
                rec.artifacts.push(artifact(
                    &att.name,
                    &att.name,
                    format,
                    0,
                    &outer,
                    ArtifactDetails::Archive(info),
                ));
                let path = format!("{}/{inner_name}", att.name);
                let script = ScriptInfo {
                    language: language.clone(),
                    ..ScriptInfo::default()
                };
                rec.artifacts.push(artifact(
                    &path,
                    inner_name,
                    "script",
                    1,
                    content.as_bytes(),
                    ArtifactDetails::Script(script),
                ));
                Some((path, content))
            }
            AttachmentKind::Office { format, macros, .. } => {
                let modules = if *macros {
                    vec![VbaModule {
                        name: "ThisDocument".into(),
                        auto_exec: vec!["AutoOpen".into()],
                        ..VbaModule::default()
                    }]
                } else {
                    Vec::new()
                };
                let info = OfficeInfo {
                    format: format.clone(),
                    vba_modules: modules,
                    ..OfficeInfo::default()
                };
                rec.artifacts.push(artifact(
                    &att.name,
                    &att.name,
                    "ole",
                    0,
                    &outer,
                    ArtifactDetails::Office(info),
                ));
                None
            }
            AttachmentKind::Lure { format, content } => {
                let details = if format == "pdf" {
                    ArtifactDetails::Pdf(PdfInfo {
                        uris: urls_in(content),
                        ..PdfInfo::default()
                    })
                } else {
                    ArtifactDetails::Script(ScriptInfo {
                        language: format.clone(),
                        ..ScriptInfo::default()
                    })
                };
                let kind = if format == "pdf" { "pdf" } else { "text-lure" };
                rec.artifacts
                    .push(artifact(&att.name, &att.name, kind, 0, &outer, details));
                Some((att.name.clone(), content))
            }
        };
        if let Some((path, text)) = inner_text {
            for u in urls_in(text) {
                rec.urls
                    .push(url_indicator(&u, Location::Attachment, Some(path.clone())));
            }
        }
    }

    /// The attachment's bytes as sent (a stored ZIP for archives).
    pub fn attachment_bytes(&self) -> Option<Vec<u8>> {
        let att = self.attachment.as_ref()?;
        Some(match &att.kind {
            AttachmentKind::Archive {
                inner_name, content, ..
            } => stored_zip(inner_name, content.as_bytes()),
            AttachmentKind::Office { content, .. } | AttachmentKind::Lure { content, .. } => {
                content.as_bytes().to_vec()
            }
        })
    }

    /// Raw RFC 5322 bytes (multipart when there is an attachment).
    pub fn to_eml(&self) -> Vec<u8> {
        let boundary = format!("=_mozu_{:016x}", stable_hash(self.message_id.as_bytes()));
        let mut out = String::new();
        out.push_str(&format!(
            "Received: from {helo} ({helo} [{ip}])\r\n\tby mx.victim.example.jp with ESMTP id {id:08X}\r\n\tfor <{to}>; {date}\r\n",
            helo = self.sender_host.0,
            ip = self.sender_host.1,
            id = stable_hash(self.message_id.as_bytes()) as u32,
            to = self.to_addr,
            date = rfc2822(self.time + 3)
        ));
        out.push_str(&format!(
            "From: {} <{}>\r\n",
            encode_word(&self.from_name),
            self.from_addr
        ));
        out.push_str(&format!("To: {} <{}>\r\n", encode_word(&self.to_name), self.to_addr));
        out.push_str(&format!("Subject: {}\r\n", encode_word(&self.subject)));
        out.push_str(&format!(
            "Date: {}\r\nMessage-ID: <{}>\r\n",
            rfc2822(self.time),
            self.message_id
        ));
        if let Some(x) = &self.x_mailer {
            out.push_str(&format!("X-Mailer: {x}\r\n"));
        }
        out.push_str("MIME-Version: 1.0\r\n");
        let body = format!(
            "Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n{}",
            base64_lines(self.body.as_bytes())
        );
        match (&self.attachment, self.attachment_bytes()) {
            (Some(att), Some(bytes)) => {
                out.push_str(&format!(
                    "Content-Type: multipart/mixed; boundary=\"{boundary}\"\r\n\r\n"
                ));
                out.push_str(&format!("--{boundary}\r\n{body}--{boundary}\r\n"));
                let name = encode_word(&att.name);
                out.push_str(&format!(
                    "Content-Type: {}; name=\"{name}\"\r\nContent-Disposition: attachment; filename=\"{name}\"\r\nContent-Transfer-Encoding: base64\r\n\r\n{}--{boundary}--\r\n",
                    att.content_type,
                    base64_lines(&bytes)
                ));
            }
            _ => out.push_str(&body),
        }
        out.into_bytes()
    }
}

use super::SynthAttachment;

fn encode_word(text: &str) -> String {
    if text.is_ascii() {
        return text.to_string();
    }
    format!("=?UTF-8?B?{}?=", base64(text.as_bytes()))
}

fn base64(data: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [
            chunk.first().copied().unwrap_or(0),
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn base64_lines(data: &[u8]) -> String {
    let encoded = base64(data);
    let mut out = String::with_capacity(encoded.len() + encoded.len() / 38);
    for line in encoded.as_bytes().chunks(76) {
        out.push_str(std::str::from_utf8(line).unwrap_or(""));
        out.push_str("\r\n");
    }
    out
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A ZIP archive holding one stored (uncompressed) entry.
pub fn stored_zip(name: &str, data: &[u8]) -> Vec<u8> {
    let crc = crc32(data);
    let size = data.len() as u32;
    let name_len = name.len() as u16;
    let mut out = Vec::with_capacity(data.len() + 2 * name.len() + 100);
    let common = |out: &mut Vec<u8>| {
        out.extend_from_slice(&20u16.to_le_bytes()); // version needed
        out.extend_from_slice(&0x0800u16.to_le_bytes()); // flags: UTF-8 names
        out.extend_from_slice(&0u16.to_le_bytes()); // method: stored
        out.extend_from_slice(&0u32.to_le_bytes()); // time, date
        out.extend_from_slice(&crc.to_le_bytes());
        out.extend_from_slice(&size.to_le_bytes());
        out.extend_from_slice(&size.to_le_bytes());
        out.extend_from_slice(&name_len.to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes()); // extra length
    };
    out.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
    common(&mut out);
    out.extend_from_slice(name.as_bytes());
    out.extend_from_slice(data);
    let central = out.len() as u32;
    out.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
    out.extend_from_slice(&20u16.to_le_bytes()); // version made by
    common(&mut out);
    out.extend_from_slice(&[0u8; 8]); // comment length, disk, internal attrs
    out.extend_from_slice(&0u32.to_le_bytes()); // external attrs
    out.extend_from_slice(&0u32.to_le_bytes()); // local header offset
    out.extend_from_slice(name.as_bytes());
    let central_len = out.len() as u32 - central;
    out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    out.extend_from_slice(&[0u8; 4]);
    out.extend_from_slice(&1u16.to_le_bytes());
    out.extend_from_slice(&1u16.to_le_bytes());
    out.extend_from_slice(&central_len.to_le_bytes());
    out.extend_from_slice(&central.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}
