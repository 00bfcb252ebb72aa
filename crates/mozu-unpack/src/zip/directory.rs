//! The zip central directory (and, when it is missing, the local headers).
//!
//! Parsed here rather than by a zip library because triage needs what
//! libraries hide: every central entry including duplicate names, the raw
//! name bytes and flags, the local data ranges (for overlap bombs), and a
//! prefix before the archive (self-extractors, zips appended to images).

use crate::bytes::{Cursor, slice_at, u16_at, u32_at, u64_at};
use crate::names::decode_legacy;

/// Most central-directory records walked in one archive.
pub const MAX_ZIP_RECORDS: usize = 200_000;
/// How far back from the end the end-of-central-directory record may be
/// (its size plus the longest comment).
const MAX_EOCD_SEARCH: usize = 22 + 65_535;

const CENTRAL_SIG: &[u8] = b"PK\x01\x02";
const LOCAL_SIG: &[u8] = b"PK\x03\x04";
const EOCD_SIG: &[u8] = b"PK\x05\x06";
const ZIP64_LOCATOR_SIG: &[u8] = b"PK\x06\x07";
const ZIP64_EOCD_SIG: &[u8] = b"PK\x06\x06";

/// WinZip AES parameters from extra field 0x9901.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct AesExtra {
    /// 1 = AE-1 (CRC kept), 2 = AE-2 (CRC zeroed).
    pub(crate) vendor_version: u16,
    /// 1, 2, 3 = 128, 192, 256 bits.
    pub(crate) strength: u8,
    /// The compression method under the encryption.
    pub(crate) method: u16,
}

/// One entry as the directory describes it.
#[derive(Debug, Clone)]
pub(crate) struct Record {
    pub(crate) name: String,
    pub(crate) flags: u16,
    pub(crate) method: u16,
    pub(crate) mod_time: u16,
    pub(crate) crc32: u32,
    pub(crate) compressed_size: u64,
    pub(crate) size: u64,
    /// Offset of the local header in the input (prefix applied).
    pub(crate) local_offset: u64,
    pub(crate) aes: Option<AesExtra>,
    pub(crate) is_dir: bool,
}

/// The listing of an archive.
#[derive(Debug, Default)]
pub(crate) struct Directory {
    pub(crate) records: Vec<Record>,
    pub(crate) warnings: Vec<String>,
}

/// Reads the central directory, or falls back to scanning local headers.
pub(crate) fn read(bytes: &[u8]) -> Result<Directory, String> {
    match read_central(bytes) {
        Ok(dir) => Ok(dir),
        Err(reason) => {
            let mut dir = scan_local(bytes);
            if dir.records.is_empty() {
                return Err(reason);
            }
            dir.warnings
                .insert(0, format!("{reason}; entries recovered from local headers"));
            Ok(dir)
        }
    }
}

fn find_eocd(bytes: &[u8]) -> Option<usize> {
    let low = bytes.len().saturating_sub(MAX_EOCD_SEARCH);
    let high = bytes.len().checked_sub(22)?;
    (low..=high).rev().find(|&i| bytes.get(i..i + 4) == Some(EOCD_SIG))
}

/// (records declared, directory size, directory offset, where the record
/// that declared them starts).
fn directory_bounds(bytes: &[u8], eocd: usize) -> Option<(u64, u64, u64, u64)> {
    let eocd64 = eocd as u64;
    let count = u64::from(u16_at(bytes, eocd64 + 10)?);
    let size = u64::from(u32_at(bytes, eocd64 + 12)?);
    let offset = u64::from(u32_at(bytes, eocd64 + 16)?);
    let locator = eocd64.checked_sub(20);
    let zip64 = locator.filter(|&l| slice_at(bytes, l, 4) == Some(ZIP64_LOCATOR_SIG));
    if let Some(locator) = zip64 {
        let declared = u64_at(bytes, locator + 8)?;
        // With a prefix the declared offset is short by the prefix length:
        // the record sits right before the locator in well-formed files.
        let record = [declared, locator.saturating_sub(56)]
            .into_iter()
            .find(|&r| slice_at(bytes, r, 4) == Some(ZIP64_EOCD_SIG))?;
        return Some((
            u64_at(bytes, record + 32)?,
            u64_at(bytes, record + 40)?,
            u64_at(bytes, record + 48)?,
            record,
        ));
    }
    Some((count, size, offset, eocd64))
}

fn read_central(bytes: &[u8]) -> Result<Directory, String> {
    let eocd = find_eocd(bytes).ok_or("no end-of-central-directory record")?;
    let (declared, size, offset, record_start) =
        directory_bounds(bytes, eocd).ok_or("truncated end-of-central-directory record")?;
    let mut dir = Directory::default();
    // The directory ends where its end record starts; any difference from
    // the declared offset is data prepended to the archive.
    let prefix = record_start
        .checked_sub(size)
        .and_then(|start| start.checked_sub(offset))
        .unwrap_or(0);
    let prefix = if slice_at(bytes, offset, 4) == Some(CENTRAL_SIG) || declared == 0 {
        0
    } else if slice_at(bytes, offset.saturating_add(prefix), 4) == Some(CENTRAL_SIG) {
        dir.warnings.push(format!(
            "{prefix} bytes precede the archive (self-extractor or appended zip)"
        ));
        prefix
    } else {
        return Err("central directory not found where the end record points".into());
    };
    let mut cursor = Cursor::new(bytes, offset.saturating_add(prefix));
    while slice_at(bytes, cursor.pos(), 4) == Some(CENTRAL_SIG) {
        if dir.records.len() >= MAX_ZIP_RECORDS {
            dir.warnings.push(format!(
                "central directory has more than {MAX_ZIP_RECORDS} records; the rest are ignored"
            ));
            break;
        }
        let Some(record) = parse_central(&mut cursor, prefix) else {
            dir.warnings
                .push("central directory is truncated inside a record".into());
            break;
        };
        dir.records.push(record);
    }
    if dir.records.is_empty() && declared > 0 {
        return Err("central directory holds no readable record".into());
    }
    if declared != dir.records.len() as u64 && declared != 0xFFFF {
        dir.warnings.push(format!(
            "end record declares {declared} entries, central directory has {}",
            dir.records.len()
        ));
    }
    Ok(dir)
}

fn parse_central(cursor: &mut Cursor<'_>, prefix: u64) -> Option<Record> {
    let fixed = cursor.take(46)?;
    let field16 = |at: usize| u16::from_le_bytes([fixed[at], fixed[at + 1]]);
    let field32 = |at: usize| u32::from_le_bytes([fixed[at], fixed[at + 1], fixed[at + 2], fixed[at + 3]]);
    let flags = field16(8);
    let name_raw = cursor.take(u64::from(field16(28)))?;
    let extra = cursor.take(u64::from(field16(30)))?;
    cursor.take(u64::from(field16(32)))?;
    let mut record = Record {
        name: String::new(),
        flags,
        method: field16(10),
        mod_time: field16(12),
        crc32: field32(16),
        compressed_size: u64::from(field32(20)),
        size: u64::from(field32(24)),
        local_offset: u64::from(field32(42)),
        aes: None,
        is_dir: false,
    };
    let unicode_name = apply_extra(&mut record, extra);
    record.local_offset = record.local_offset.saturating_add(prefix);
    record.name = if flags & 0x0800 != 0 {
        String::from_utf8_lossy(name_raw).into_owned()
    } else if let Some(name) = unicode_name {
        name
    } else {
        decode_legacy(name_raw).0
    };
    let dos_dir = field32(38) & 0x10 != 0;
    record.is_dir = name_raw.ends_with(b"/") || name_raw.ends_with(b"\\") || dos_dir;
    Some(record)
}

/// Applies zip64 sizes and AES parameters; returns the Info-ZIP Unicode
/// Path (0x7075) name when present.
fn apply_extra(record: &mut Record, extra: &[u8]) -> Option<String> {
    let mut cursor = Cursor::new(extra, 0);
    let mut unicode_name = None;
    while let (Some(id), Some(len)) = (cursor.u16(), cursor.u16()) {
        let Some(field) = cursor.take(u64::from(len)) else {
            break;
        };
        match id {
            0x0001 => apply_zip64(record, field),
            0x9901 if field.len() >= 7 => {
                record.aes = Some(AesExtra {
                    vendor_version: u16::from_le_bytes([field[0], field[1]]),
                    strength: field[4],
                    method: u16::from_le_bytes([field[5], field[6]]),
                });
            }
            0x7075 if field.len() > 5 && field[0] == 1 => {
                unicode_name = Some(String::from_utf8_lossy(&field[5..]).into_owned());
            }
            _ => {}
        }
    }
    unicode_name
}

fn apply_zip64(record: &mut Record, field: &[u8]) {
    let mut cursor = Cursor::new(field, 0);
    if record.size == 0xFFFF_FFFF
        && let Some(v) = cursor.u64()
    {
        record.size = v;
    }
    if record.compressed_size == 0xFFFF_FFFF
        && let Some(v) = cursor.u64()
    {
        record.compressed_size = v;
    }
    if record.local_offset == 0xFFFF_FFFF
        && let Some(v) = cursor.u64()
    {
        record.local_offset = v;
    }
}

/// Where an entry's data starts, from its local header.
pub(crate) fn data_start(bytes: &[u8], local_offset: u64) -> Option<u64> {
    if slice_at(bytes, local_offset, 4) != Some(LOCAL_SIG) {
        return None;
    }
    let name_len = u64::from(u16_at(bytes, local_offset + 26)?);
    let extra_len = u64::from(u16_at(bytes, local_offset + 28)?);
    let start = local_offset + 30 + name_len + extra_len;
    (start <= bytes.len() as u64).then_some(start)
}

/// Recovers entries from local headers when the central directory is gone
/// (truncated downloads, deliberately broken archives).
fn scan_local(bytes: &[u8]) -> Directory {
    let mut dir = Directory::default();
    let mut pos = 0usize;
    while dir.records.len() < MAX_ZIP_RECORDS {
        let Some(found) = find(bytes, LOCAL_SIG, pos) else {
            break;
        };
        let offset = found as u64;
        let header = slice_at(bytes, offset, 30);
        let start = data_start(bytes, offset);
        let (Some(header), Some(start)) = (header, start) else {
            break;
        };
        let field16 = |at: usize| u16::from_le_bytes([header[at], header[at + 1]]);
        let field32 = |at: usize| u32::from_le_bytes([header[at], header[at + 1], header[at + 2], header[at + 3]]);
        let flags = field16(6);
        let name_raw = slice_at(bytes, offset + 30, u64::from(field16(26))).unwrap_or(&[]);
        let extra = slice_at(bytes, offset + 30 + u64::from(field16(26)), u64::from(field16(28))).unwrap_or(&[]);
        let next = find(bytes, LOCAL_SIG, start as usize).unwrap_or(bytes.len());
        let mut record = Record {
            name: String::new(),
            flags,
            method: field16(8),
            mod_time: field16(10),
            crc32: field32(14),
            compressed_size: u64::from(field32(18)),
            size: u64::from(field32(22)),
            local_offset: offset,
            aes: None,
            is_dir: name_raw.ends_with(b"/"),
        };
        let unicode_name = apply_extra(&mut record, extra);
        if flags & 0x0008 != 0 && record.compressed_size == 0 {
            // Sizes follow the data (streamed); the next header bounds it.
            record.compressed_size = (next as u64).saturating_sub(start);
        }
        record.name = if flags & 0x0800 != 0 {
            String::from_utf8_lossy(name_raw).into_owned()
        } else {
            unicode_name.unwrap_or_else(|| decode_legacy(name_raw).0)
        };
        let skip_to = if flags & 0x0008 == 0 {
            start.saturating_add(record.compressed_size).max(start + 1)
        } else {
            next as u64
        };
        dir.records.push(record);
        pos = usize::try_from(skip_to).unwrap_or(usize::MAX);
    }
    dir
}

fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    haystack
        .get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}
