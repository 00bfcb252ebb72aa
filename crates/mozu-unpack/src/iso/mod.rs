//! Disk images (.iso, .img): ISO 9660 with Joliet or Rock Ridge names, and
//! UDF. Malspam images are usually UDF/ISO 9660 bridges; their ISO 9660 side
//! is read. Pure UDF images are read by [`udf`].
//!
//! Directories are walked with an explicit stack and a visited set, so
//! directory loops and deep nesting end; every file's bytes are cut out of
//! the image (no decompression) and still go through the capped reader.

mod extents;
mod udf;

use std::collections::HashSet;

use crate::bytes::{clipped_at, slice_at, u8_at, u16_at, u32_at};
use crate::names::{decode_latin1, decode_utf16be};
use crate::sink::Sink;
use crate::{Budget, Format, UnpackError, Unpacked};
pub(crate) use extents::{Found, store};

/// ISO 9660 logical sector size.
pub const SECTOR: u64 = 2048;
/// Most directories walked in one image.
pub const MAX_IMAGE_DIRS: usize = 10_000;
/// Deepest directory nesting followed in an image.
pub const MAX_IMAGE_DEPTH: u32 = 64;
/// Most volume descriptors read.
const MAX_DESCRIPTORS: u64 = 64;
/// Largest directory read (bytes of directory records).
const MAX_DIR_BYTES: u64 = 16 * 1024 * 1024;

/// True when the bytes carry an ISO 9660 or UDF volume recognition area.
pub(crate) fn looks_like_image(bytes: &[u8]) -> bool {
    let magic = |offset: u64, m: &[u8]| slice_at(bytes, offset, m.len() as u64) == Some(m);
    [0x8001, 0x8801, 0x9001].iter().any(|&o| magic(o, b"CD001"))
        || (0..16).any(|k| {
            let o = 0x8001 + k * SECTOR;
            magic(o, b"BEA01") || magic(o, b"NSR02") || magic(o, b"NSR03")
        })
}

/// The volume descriptors that matter.
#[derive(Default)]
struct Volumes {
    primary: Option<u64>,
    joliet: Option<u64>,
    udf: bool,
}

fn volumes(bytes: &[u8]) -> Volumes {
    let mut found = Volumes::default();
    for k in 0..MAX_DESCRIPTORS {
        let at = (16 + k) * SECTOR;
        let Some(id) = slice_at(bytes, at + 1, 5) else {
            break;
        };
        match id {
            b"CD001" => match u8_at(bytes, at) {
                Some(1) => {
                    found.primary.get_or_insert(at);
                }
                Some(2) if is_joliet(bytes, at) => {
                    found.joliet.get_or_insert(at);
                }
                _ => {}
            },
            b"NSR02" | b"NSR03" => found.udf = true,
            b"BEA01" | b"TEA01" | b"BOOT2" | b"CDW02" => {}
            _ => break,
        }
    }
    found
}

fn is_joliet(bytes: &[u8], descriptor: u64) -> bool {
    matches!(slice_at(bytes, descriptor + 88, 3), Some(b"%/@" | b"%/C" | b"%/E"))
}

/// Lists and extracts a disk image.
pub(crate) fn unpack(bytes: &[u8], budget: &Budget) -> Result<Unpacked, UnpackError> {
    let found = volumes(bytes);
    let mut sink = Sink::new(budget);
    let descriptor = found.joliet.or(found.primary);
    let Some(descriptor) = descriptor else {
        if found.udf {
            let files = udf::list(bytes, &mut sink).map_err(|reason| UnpackError::malformed(Format::Iso, reason))?;
            store(bytes, files, &mut sink);
            return Ok(sink.finish("udf"));
        }
        return Err(UnpackError::malformed(Format::Iso, "no volume descriptor"));
    };
    if found.udf {
        sink.warn("UDF/ISO 9660 bridge image: listed from its ISO 9660 side");
    }
    let files = walk(bytes, descriptor, found.joliet.is_some(), &mut sink)
        .ok_or_else(|| UnpackError::malformed(Format::Iso, "damaged volume descriptor"))?;
    store(bytes, files, &mut sink);
    Ok(sink.finish(Format::Iso.name()))
}

/// A directory waiting to be read.
struct PendingDir {
    extent: u32,
    size: u32,
    path: String,
    depth: u32,
}

/// Walks the directory tree from the descriptor's root record.
fn walk(bytes: &[u8], descriptor: u64, joliet: bool, sink: &mut Sink<'_>) -> Option<Vec<Found>> {
    let block = u64::from(u16_at(bytes, descriptor + 128)?);
    let block = if block == 0 { SECTOR } else { block };
    let root = descriptor + 156;
    let mut stack = vec![PendingDir {
        extent: u32_at(bytes, root + 2)?,
        size: u32_at(bytes, root + 10)?,
        path: String::new(),
        depth: 0,
    }];
    let mut visited = HashSet::new();
    let mut files = Vec::new();
    while let Some(dir) = stack.pop() {
        if !visited.insert(dir.extent) {
            sink.warn(format!("directory loop at {}", display(&dir.path)));
            continue;
        }
        if visited.len() > MAX_IMAGE_DIRS || sink.stopped().is_some() {
            sink.warn("directory walk stopped early (too many directories or over budget)");
            break;
        }
        let at = u64::from(dir.extent) * block;
        let records = clipped_at(bytes, at, u64::from(dir.size).min(MAX_DIR_BYTES));
        for record in Records::new(records) {
            let Some(name) = record_name(record, joliet) else {
                continue;
            };
            let path = if dir.path.is_empty() {
                name
            } else {
                format!("{}/{name}", dir.path)
            };
            let (Some(extent), Some(size), Some(flags)) =
                (u32_at(record, 2), u32_at(record, 10), record.get(25).copied())
            else {
                continue;
            };
            if flags & 0x02 != 0 {
                if dir.depth < MAX_IMAGE_DEPTH {
                    stack.push(PendingDir {
                        extent,
                        size,
                        path,
                        depth: dir.depth + 1,
                    });
                } else {
                    sink.warn(format!("{path}: nested too deep; not walked"));
                }
                continue;
            }
            if flags & 0x80 != 0 {
                sink.warn(format!("{path}: multi-extent file; each extent is listed"));
            }
            files.push(Found {
                path,
                size: u64::from(size),
                extents: vec![(u64::from(extent) * block, u64::from(size))],
                hidden: flags & 0x01 != 0,
            });
        }
    }
    Some(files)
}

fn display(path: &str) -> &str {
    if path.is_empty() { "/" } else { path }
}

/// Iterates the directory records of a directory's data: a zero length
/// byte pads to the next sector.
struct Records<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Records<'a> {
    fn new(data: &'a [u8]) -> Self {
        Self { data, pos: 0 }
    }
}

impl<'a> Iterator for Records<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        loop {
            let len = usize::from(*self.data.get(self.pos)?);
            if len == 0 {
                let sector = SECTOR as usize;
                self.pos = (self.pos / sector + 1) * sector;
                continue;
            }
            let record = self.data.get(self.pos..self.pos + len);
            self.pos += len;
            match record {
                Some(record) if len >= 34 => return Some(record),
                Some(_) => continue,
                None => return None,
            }
        }
    }
}

/// The record's name (Joliet UCS-2, else Rock Ridge NM, else ISO 9660),
/// without the `;1` version; `None` for the `.` and `..` records.
fn record_name(record: &[u8], joliet: bool) -> Option<String> {
    let len = usize::from(*record.get(32)?);
    let raw = record.get(33..33 + len)?;
    if raw == [0] || raw == [1] || raw.is_empty() {
        return None;
    }
    let name = if joliet {
        decode_utf16be(raw)
    } else if let Some(rock_ridge) = rock_ridge_name(record, len) {
        rock_ridge
    } else {
        let plain = decode_latin1(raw);
        let plain = plain.split(';').next().unwrap_or_default().to_owned();
        plain.strip_suffix('.').map(str::to_owned).unwrap_or(plain)
    };
    let name = match name.rsplit_once(';') {
        Some((base, version)) if version.bytes().all(|b| b.is_ascii_digit()) => base.to_owned(),
        _ => name,
    };
    Some(name)
}

/// The Rock Ridge alternate name (NM entries of the system use area).
fn rock_ridge_name(record: &[u8], name_len: usize) -> Option<String> {
    let mut pos = 33 + name_len + usize::from(name_len.is_multiple_of(2));
    let mut name = Vec::new();
    for _ in 0..64 {
        let (Some(sig), Some(&len)) = (record.get(pos..pos + 2), record.get(pos + 2)) else {
            break;
        };
        let len = usize::from(len);
        if len < 4 {
            break;
        }
        let entry = record.get(pos..pos + len)?;
        if sig == b"NM" && len > 5 {
            name.extend_from_slice(&entry[5..]);
        }
        pos += len;
    }
    (!name.is_empty()).then(|| String::from_utf8_lossy(&name).into_owned())
}
