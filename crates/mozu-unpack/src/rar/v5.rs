//! RAR 5 headers (the "RAR 5.0 archive format" description).
//!
//! Each header: CRC32 (4), header size (vint, counted from the type),
//! type (vint), flags (vint), optional extra-area size and data size
//! (vints), type-specific fields, the extra area; then the data area.

use super::{Listing, MAX_RAR_HEADERS, RarFile};
use crate::bytes::{Cursor, slice_at};

const MAIN_HEADER: u64 = 1;
const FILE_HEADER: u64 = 2;
const ENCRYPTION_HEADER: u64 = 4;
const END_HEADER: u64 = 5;
/// Extra record of a file header: file encryption.
const EXTRA_FILE_ENCRYPTION: u64 = 1;
/// Largest header accepted (RAR itself limits headers to 2 MiB).
const MAX_HEADER_BYTES: u64 = 2 * 1024 * 1024;

/// The general fields every header starts with.
struct Header {
    kind: u64,
    flags: u64,
    extra_size: u64,
    data_size: u64,
    /// Where the type-specific fields start.
    body: u64,
    /// Where the header ends and the data area starts.
    end: u64,
}

fn read_header(bytes: &[u8], pos: u64) -> Option<Header> {
    let mut cursor = Cursor::new(bytes, pos + 4);
    let size = cursor.vint()?;
    if size == 0 || size > MAX_HEADER_BYTES {
        return None;
    }
    let start = cursor.pos();
    let end = start.checked_add(size)?;
    let kind = cursor.vint()?;
    let flags = cursor.vint()?;
    let extra_size = if flags & 0x0001 != 0 { cursor.vint()? } else { 0 };
    let data_size = if flags & 0x0002 != 0 { cursor.vint()? } else { 0 };
    (cursor.pos() <= end && extra_size <= size).then_some(Header {
        kind,
        flags,
        extra_size,
        data_size,
        body: cursor.pos(),
        end,
    })
}

/// Walks the headers after the signature.
pub(crate) fn list(bytes: &[u8], start: u64) -> Listing {
    let mut listing = Listing::default();
    let mut pos = start;
    for _ in 0..MAX_RAR_HEADERS {
        if pos >= bytes.len() as u64 {
            return listing;
        }
        let Some(header) = read_header(bytes, pos) else {
            listing.warnings.push(format!("damaged header at offset {pos}"));
            return listing;
        };
        match header.kind {
            MAIN_HEADER => listing.saw_main_header = true,
            ENCRYPTION_HEADER => {
                listing.encrypted_headers = true;
                return listing;
            }
            FILE_HEADER => match parse_file(bytes, &header) {
                Some(file) => listing.files.push(file),
                None => listing.warnings.push(format!("damaged file header at offset {pos}")),
            },
            END_HEADER => return listing,
            _ => {}
        }
        let Some(next) = header.end.checked_add(header.data_size) else {
            return listing;
        };
        pos = next;
    }
    listing
        .warnings
        .push(format!("more than {MAX_RAR_HEADERS} headers; the rest are ignored"));
    listing
}

fn parse_file(bytes: &[u8], header: &Header) -> Option<RarFile> {
    let mut cursor = Cursor::new(bytes, header.body);
    let file_flags = cursor.vint()?;
    let unpacked_size = cursor.vint()?;
    let _attributes = cursor.vint()?;
    if file_flags & 0x0002 != 0 {
        cursor.u32()?;
    }
    if file_flags & 0x0004 != 0 {
        cursor.u32()?;
    }
    let compression = cursor.vint()?;
    let _host_os = cursor.vint()?;
    let name_len = cursor.vint()?;
    let name = cursor.take(name_len)?;
    let extra_start = header.end.checked_sub(header.extra_size)?;
    if cursor.pos() > extra_start {
        return None;
    }
    let extra = slice_at(bytes, extra_start, header.extra_size)?;
    Some(RarFile {
        name: String::from_utf8_lossy(name).into_owned(),
        unpacked_size,
        packed_size: header.data_size,
        data_offset: header.end,
        is_dir: file_flags & 0x0001 != 0,
        encrypted: has_extra(extra, EXTRA_FILE_ENCRYPTION),
        // Bits 7–9 of the compression information: 0 = stored.
        stored: (compression >> 7) & 0x7 == 0,
        split: header.flags & 0x0018 != 0,
    })
}

/// True when the extra area holds a record of `wanted` type.
fn has_extra(extra: &[u8], wanted: u64) -> bool {
    let mut cursor = Cursor::new(extra, 0);
    for _ in 0..64 {
        let Some(size) = cursor.vint() else {
            return false;
        };
        let record_start = cursor.pos();
        let Some(kind) = cursor.vint() else {
            return false;
        };
        if kind == wanted {
            return true;
        }
        let Some(next) = record_start.checked_add(size) else {
            return false;
        };
        cursor = Cursor::new(extra, next);
    }
    false
}
