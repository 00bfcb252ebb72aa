//! Zip: listing from the central directory, extraction of stored, deflate,
//! deflate64, bzip2, lzma and xz entries, ZipCrypto and WinZip AES with
//! candidate passwords, and overlap-bomb accounting.

mod crypto;
mod directory;
mod methods;

use std::io::Read;

use crate::bytes::clipped_at;
use crate::capped::{CapError, read_capped_strict};
use crate::sink::{Sink, ordered};
use crate::{Budget, Entry, Format, Password, UnpackError, Unpacked};
use crypto::{AesReader, ZipCryptoReader};
use directory::Record;

pub(crate) use methods::MAX_XZ_MEMORY_KIB;

/// Where each entry's bytes lie and how many of them no other entry shares.
struct Span {
    /// Start and end of the entry's stored data.
    data: Option<(u64, u64)>,
    /// Bytes of the local record (header and data) that belong to this entry
    /// alone: the compressed size an overlap bomb's ratio is measured on.
    unique: u64,
}

/// Lists and extracts a zip archive.
pub(crate) fn unpack(bytes: &[u8], budget: &Budget, candidates: &[Password]) -> Result<Unpacked, UnpackError> {
    let dir = directory::read(bytes).map_err(|reason| UnpackError::malformed(Format::Zip, reason))?;
    let mut sink = Sink::new(budget);
    for warning in dir.warnings {
        sink.warn(warning);
    }
    let (spans, overlapping) = spans(bytes, &dir.records);
    if overlapping > 0 {
        sink.warn(format!(
            "{overlapping} entries share their compressed data with another entry \
             (overlapping local records: zip-bomb construction); each is charged \
             only for the bytes it does not share"
        ));
    }
    let mut passwords = PasswordState::default();
    for (record, span) in dir.records.iter().zip(&spans) {
        if !sink.admit() {
            break;
        }
        let mut entry = Entry {
            name: record.name.clone(),
            declared_size: record.size,
            compressed_size: record.compressed_size,
            encrypted: record.flags & 1 != 0,
            encryption: encryption_name(record),
            ..Entry::default()
        };
        if record.is_dir {
            entry.note = Some("directory".into());
        } else if let Some(hit) = sink.stopped() {
            entry.note = Some(format!("not extracted: {hit}"));
        } else {
            let raw = span.data.map(|(start, end)| clipped_at(bytes, start, end - start));
            match raw {
                Some(raw) => {
                    if (raw.len() as u64) < record.compressed_size {
                        sink.warn(format!("{}: data is truncated", record.name));
                    }
                    let ratio_base = if overlapping > 0 { span.unique } else { raw.len() as u64 };
                    let job = Job {
                        raw,
                        record,
                        ratio_base,
                    };
                    job.extract(&mut entry, &mut sink, candidates, &mut passwords);
                }
                None => entry.note = Some("local header missing or out of range".into()),
            }
        }
        sink.entries.push(entry);
    }
    Ok(sink.finish(Format::Zip.name()))
}

fn encryption_name(record: &Record) -> Option<String> {
    if record.flags & 1 == 0 {
        return None;
    }
    Some(match record.aes {
        Some(aes) => match aes.strength {
            1 => "aes128".into(),
            2 => "aes192".into(),
            3 => "aes256".into(),
            other => format!("aes(strength {other})"),
        },
        None if record.flags & 0x40 != 0 => "pkware-strong".into(),
        None => "zipcrypto".into(),
    })
}

/// Data spans, per-entry unique bytes, and how many entries overlap.
fn spans(bytes: &[u8], records: &[Record]) -> (Vec<Span>, usize) {
    let ranges: Vec<Option<(u64, u64, u64)>> = records
        .iter()
        .map(|r| {
            let start = directory::data_start(bytes, r.local_offset)?;
            let end = start.saturating_add(r.compressed_size).min(bytes.len() as u64);
            Some((r.local_offset, start, end))
        })
        .collect();
    let mut order: Vec<usize> = (0..ranges.len()).filter(|&i| ranges[i].is_some()).collect();
    order.sort_by_key(|&i| ranges[i].map(|(s, _, e)| (s, e)));
    let mut unique = vec![0u64; ranges.len()];
    let mut overlapping = 0usize;
    let mut prev_max_end = 0u64;
    for (k, &i) in order.iter().enumerate() {
        let Some((start, _, end)) = ranges[i] else {
            continue;
        };
        let next_start = order
            .get(k + 1)
            .and_then(|&j| ranges[j])
            .map_or(u64::MAX, |(s, _, _)| s);
        if start < prev_max_end || next_start < end {
            overlapping += 1;
        }
        unique[i] = end.min(next_start).saturating_sub(start.max(prev_max_end));
        prev_max_end = prev_max_end.max(end);
    }
    let spans = ranges
        .iter()
        .zip(unique)
        .map(|(range, unique)| Span {
            data: range.map(|(_, start, end)| (start, end.max(start))),
            unique,
        })
        .collect();
    (spans, overlapping)
}

/// Encrypted entries that resist every candidate before the rest are not
/// tried (each AES attempt costs a key derivation).
pub const MAX_UNOPENED_ENTRIES: u32 = 2;

/// What the password attempts so far have shown.
#[derive(Default)]
struct PasswordState {
    /// The password that opened the previous entry: tried first.
    last: Option<String>,
    /// Encrypted entries no candidate opened.
    unopened: u32,
}

/// One entry's extraction.
struct Job<'a> {
    raw: &'a [u8],
    record: &'a Record,
    ratio_base: u64,
}

/// How one decryption-and-decompression attempt ended.
enum Attempt {
    /// The data, checked.
    Done(Vec<u8>),
    /// A limit stopped it.
    Budget(CapError),
    /// Data that fails its CRC (kept: damaged data is still worth triage).
    Damaged(Vec<u8>, String),
    /// Wrong password, corrupt data or a checksum mismatch.
    Failed(String),
}

impl Job<'_> {
    fn method(&self) -> u16 {
        match (self.record.method, self.record.aes) {
            (99, Some(aes)) => aes.method,
            (method, _) => method,
        }
    }

    fn extract(&self, entry: &mut Entry, sink: &mut Sink<'_>, candidates: &[Password], passwords: &mut PasswordState) {
        if let Err(reason) = methods::supported(self.method()) {
            entry.note = Some(reason);
            return;
        }
        if !entry.encrypted {
            match self.attempt(Box::new(self.raw), sink.budget, false) {
                Attempt::Done(data) => entry.data = Some(data),
                Attempt::Damaged(data, reason) => {
                    entry.data = Some(data);
                    entry.note = Some(reason);
                }
                Attempt::Budget(error) => sink.fill(entry, Err(error)),
                Attempt::Failed(reason) => entry.note = Some(reason),
            }
            return;
        }
        if self.record.flags & 0x40 != 0 {
            entry.note = Some("PKWARE strong encryption is not supported".into());
            return;
        }
        if passwords.unopened >= MAX_UNOPENED_ENTRIES {
            entry.note = Some(format!(
                "encrypted; not tried after {MAX_UNOPENED_ENTRIES} entries resisted every candidate"
            ));
            return;
        }
        let tried = self.try_passwords(entry, sink, candidates, &mut passwords.last);
        if entry.data.is_none() && entry.note.is_none() {
            passwords.unopened += 1;
            entry.note = Some(format!("encrypted; none of the {tried} candidate passwords opened it"));
        }
    }

    fn try_passwords(
        &self,
        entry: &mut Entry,
        sink: &mut Sink<'_>,
        candidates: &[Password],
        last_password: &mut Option<String>,
    ) -> usize {
        let check = if self.record.flags & 0x0008 != 0 {
            (self.record.mod_time >> 8) as u8
        } else {
            (self.record.crc32 >> 24) as u8
        };
        let mut tried = 0;
        for password in ordered(candidates, last_password.as_deref()) {
            tried += 1;
            if sink.stopped().is_some() {
                break;
            }
            for bytes in password_bytes(&password.value) {
                let reader: Option<Box<dyn Read + '_>> = match self.record.aes {
                    Some(aes) => AesReader::open(self.raw, aes.strength, &bytes).map(|r| Box::new(r) as Box<dyn Read>),
                    None => ZipCryptoReader::open(self.raw, &bytes, check).map(|r| Box::new(r) as Box<dyn Read>),
                };
                let Some(reader) = reader else {
                    continue;
                };
                match self.attempt(reader, sink.budget, true) {
                    Attempt::Done(data) => {
                        entry.data = Some(data);
                        entry.password = Some(password.clone());
                        *last_password = Some(password.value.clone());
                        return tried;
                    }
                    Attempt::Budget(error) => {
                        entry.password = Some(password.clone());
                        sink.fill(entry, Err(error));
                        return tried;
                    }
                    Attempt::Failed(_) | Attempt::Damaged(..) => {}
                }
            }
        }
        tried
    }

    /// Decompresses `input` (already decrypted) and checks the CRC.
    fn attempt<'r>(&self, input: Box<dyn Read + 'r>, budget: &Budget, encrypted: bool) -> Attempt {
        let eos = self.record.flags & 0x0002 != 0;
        let reader = match methods::decoder(self.method(), input, self.record.size, eos) {
            Ok(reader) => reader,
            Err(reason) => return Attempt::Failed(reason),
        };
        let data = match read_capped_strict(reader, self.ratio_base, budget) {
            Ok(data) => data,
            Err(error @ CapError::Budget(_)) => return Attempt::Budget(error),
            Err(CapError::Io { error, read, .. }) => {
                return Attempt::Failed(format!("damaged data after {read} bytes: {error}"));
            }
        };
        let crc_kept = self.record.aes.is_none_or(|aes| aes.vendor_version != 2);
        if crc_kept && crc32fast::hash(&data) != self.record.crc32 {
            if encrypted {
                return Attempt::Failed("CRC mismatch".into());
            }
            return Attempt::Damaged(data, "CRC mismatch: data is damaged".into());
        }
        Attempt::Done(data)
    }
}

/// The byte forms a password may have been typed in: UTF-8, and code page
/// 932 for Japanese passwords set by Windows tools.
fn password_bytes(password: &str) -> Vec<Vec<u8>> {
    let mut out = vec![password.as_bytes().to_vec()];
    if !password.is_ascii() {
        let (sjis, _, unmappable) = encoding_rs::SHIFT_JIS.encode(password);
        if !unmappable {
            out.push(sjis.into_owned());
        }
    }
    out
}
