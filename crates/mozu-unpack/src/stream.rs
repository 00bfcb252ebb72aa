//! Single-stream compressors: gzip, bzip2 and xz. Each yields one entry,
//! named after gzip's FNAME header when present, else `<data>`.

use std::io::Read;

use crate::bytes::{Cursor, u32_at};
use crate::capped::read_capped_strict;
use crate::names::decode_legacy;
use crate::sink::Sink;
use crate::zip::MAX_XZ_MEMORY_KIB;
use crate::{Budget, Entry, Format, UnpackError, Unpacked};

/// The entry name when the stream does not carry one.
pub const UNNAMED_ENTRY: &str = "<data>";
/// Longest gzip FNAME accepted.
const MAX_GZIP_NAME: usize = 1024;

/// Unpacks a gzip, bzip2 or xz stream.
pub(crate) fn unpack(bytes: &[u8], format: Format, budget: &Budget) -> Result<Unpacked, UnpackError> {
    let mut sink = Sink::new(budget);
    let (name, declared_size) = match format {
        Format::Gzip => {
            let header = gzip_header(bytes).ok_or_else(|| UnpackError::malformed(format, "truncated gzip header"))?;
            (header.name, header.isize)
        }
        Format::Bzip2 if bytes.len() < 14 => {
            return Err(UnpackError::malformed(format, "too short for a bzip2 stream"));
        }
        Format::Xz if bytes.len() < 32 => {
            return Err(UnpackError::malformed(format, "too short for an xz stream"));
        }
        _ => (None, 0),
    };
    if !sink.admit() {
        return Ok(sink.finish(format.name()));
    }
    let mut entry = Entry {
        name: name.unwrap_or_else(|| UNNAMED_ENTRY.to_owned()),
        declared_size,
        compressed_size: bytes.len() as u64,
        ..Entry::default()
    };
    let reader: Box<dyn Read + '_> = match format {
        Format::Gzip => Box::new(flate2::read::MultiGzDecoder::new(bytes)),
        Format::Bzip2 => Box::new(bzip2::read::MultiBzDecoder::new(bytes)),
        _ => Box::new(lzma_rust2::XzReader::new_mem_limit(bytes, true, MAX_XZ_MEMORY_KIB)),
    };
    if let Some(hit) = sink.stopped() {
        entry.note = Some(format!("not extracted: {hit}"));
    } else {
        let result = read_capped_strict(reader, bytes.len() as u64, budget);
        sink.fill(&mut entry, result);
    }
    if entry.data.as_ref().is_some_and(Vec::is_empty) && entry.note.is_none() {
        sink.warn("the stream decompresses to nothing");
    }
    sink.entries.push(entry);
    Ok(sink.finish(format.name()))
}

/// What the gzip header says.
struct GzipHeader {
    name: Option<String>,
    /// The trailer's ISIZE (size mod 2^32 of the last member).
    isize: u64,
}

/// Parses the first member's header (RFC 1952) for its original name.
fn gzip_header(bytes: &[u8]) -> Option<GzipHeader> {
    let mut cursor = Cursor::new(bytes, 0);
    let fixed = cursor.take(10)?;
    if fixed[..2] != [0x1F, 0x8B] {
        return None;
    }
    let flags = fixed[3];
    if flags & 0x04 != 0 {
        let len = cursor.u16()?;
        cursor.take(u64::from(len))?;
    }
    let mut name = None;
    if flags & 0x08 != 0 {
        let rest = bytes.get(usize::try_from(cursor.pos()).ok()?..)?;
        let end = rest.iter().take(MAX_GZIP_NAME).position(|&b| b == 0);
        if let Some(end) = end.filter(|&e| e > 0) {
            name = Some(decode_legacy(&rest[..end]).0);
        }
    }
    let isize = bytes
        .len()
        .checked_sub(4)
        .and_then(|at| u32_at(bytes, at as u64))
        .map_or(0, u64::from);
    Some(GzipHeader { name, isize })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gzip_name_is_read() {
        let mut gz = vec![0x1F, 0x8B, 8, 0x08, 0, 0, 0, 0, 0, 3];
        gz.extend_from_slice(b"invoice.js\0");
        let header = gzip_header(&gz).unwrap();
        assert_eq!(header.name.as_deref(), Some("invoice.js"));
        assert!(gzip_header(&[0x1F, 0x8B, 8]).is_none());
    }
}
