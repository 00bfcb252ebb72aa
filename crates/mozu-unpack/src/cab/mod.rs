//! Microsoft cabinet (.cab): CFHEADER, CFFOLDER and CFFILE records parsed
//! here, folders decoded once each and in order (see [`folder`]).
//!
//! Parsed here rather than with the `cab` crate because that crate panics
//! on some hostile inputs (file offsets past the folder's end) and seeks
//! each file from its folder's start, which is quadratic on crafted
//! cabinets; the crate is still used by the tests to write fixtures.

mod folder;

use std::io::Read;

use crate::bytes::{Cursor, tail_at, u16_at, u32_at};
use crate::capped::{CapError, read_capped_strict};
use crate::names::decode_legacy;
use crate::sink::Sink;
use crate::{Budget, Entry, Format, UnpackError, Unpacked};
use folder::{FolderReader, Method};

/// Longest file name accepted in a CFFILE record.
const MAX_CAB_NAME: usize = 1024;
/// Attribute: the name is UTF-8.
const NAME_IS_UTF: u16 = 0x80;

struct CabFolder {
    first_block: u64,
    blocks: u16,
    method: Method,
}

struct CabFile {
    name: String,
    size: u32,
    offset: u32,
    folder: u16,
    hidden: bool,
}

struct Cabinet {
    folders: Vec<CabFolder>,
    files: Vec<CabFile>,
    data_reserve: u8,
}

/// Lists and extracts a cabinet.
pub(crate) fn unpack(bytes: &[u8], budget: &Budget) -> Result<Unpacked, UnpackError> {
    let cab = parse(bytes).ok_or_else(|| UnpackError::malformed(Format::Cab, "truncated header"))?;
    let mut sink = Sink::new(budget);
    let mut entries: Vec<(usize, Entry)> = Vec::new();
    for (index, file) in cab.files.iter().enumerate() {
        if !sink.admit() {
            break;
        }
        if file.hidden {
            sink.warn(format!("hidden entry: {}", file.name));
        }
        entries.push((
            index,
            Entry {
                name: file.name.clone(),
                declared_size: u64::from(file.size),
                ..Entry::default()
            },
        ));
    }
    for (folder_index, folder) in cab.folders.iter().enumerate() {
        let mut members: Vec<&mut (usize, Entry)> = entries
            .iter_mut()
            .filter(|(i, _)| usize::from(cab.files[*i].folder) == folder_index)
            .collect();
        members.sort_by_key(|(i, _)| cab.files[*i].offset);
        extract_folder(bytes, &cab, folder, &mut members, &mut sink);
    }
    for (_, mut entry) in entries {
        if entry.data.is_none() && entry.note.is_none() {
            entry.note = Some("its folder is missing or damaged".into());
        }
        sink.entries.push(entry);
    }
    Ok(sink.finish(Format::Cab.name()))
}

/// Decodes one folder front to back, cutting out its files in offset
/// order; a file that starts before the current position (overlapping
/// files) restarts the folder, and every byte decoded counts.
fn extract_folder(
    bytes: &[u8],
    cab: &Cabinet,
    folder: &CabFolder,
    members: &mut [&mut (usize, Entry)],
    sink: &mut Sink<'_>,
) {
    let packed = folder_packed_size(bytes, folder, cab.data_reserve);
    let open = || {
        FolderReader::new(
            bytes,
            folder.first_block,
            folder.blocks,
            cab.data_reserve,
            folder.method,
        )
    };
    let mut reader = match open() {
        Ok(reader) => reader,
        Err(reason) => {
            for (_, entry) in members.iter_mut() {
                entry.note = Some(reason.clone());
            }
            return;
        }
    };
    let mut position = 0u64;
    for (index, entry) in members.iter_mut() {
        let file = &cab.files[*index];
        entry.compressed_size = packed;
        if let Some(hit) = sink.stopped() {
            entry.note = Some(format!("not extracted: {hit}"));
            continue;
        }
        let offset = u64::from(file.offset);
        if offset < position {
            sink.warn(format!("{}: overlaps an earlier file of its folder", file.name));
            match open() {
                Ok(fresh) => reader = fresh,
                Err(reason) => {
                    entry.note = Some(reason);
                    continue;
                }
            }
            position = 0;
        }
        if offset > position {
            let gap = read_capped_strict((&mut reader).take(offset - position), packed, sink.budget);
            position += match gap {
                Ok(skipped) => skipped.len() as u64,
                Err(error) => {
                    note_failure(sink, entry, error, "before its start");
                    position = u64::MAX;
                    continue;
                }
            };
        }
        let result = read_capped_strict((&mut reader).take(u64::from(file.size)), packed, sink.budget);
        if let Ok(data) = &result {
            position += data.len() as u64;
            if data.len() as u64 != u64::from(file.size) {
                entry.note = Some("the folder ends before the file does".into());
            }
        } else {
            position = u64::MAX;
        }
        sink.fill(entry, result);
    }
}

fn note_failure(sink: &mut Sink<'_>, entry: &mut Entry, error: CapError, when: &str) {
    match error {
        CapError::Budget(hit) => {
            sink.hit(hit);
            entry.note = Some(format!("not extracted: {hit}"));
        }
        CapError::Io { error, .. } => {
            entry.note = Some(format!("folder data damaged {when}: {error}"));
        }
    }
}

/// The folder's compressed bytes (sum of its CFDATA sizes), the base of
/// its ratio.
fn folder_packed_size(bytes: &[u8], folder: &CabFolder, data_reserve: u8) -> u64 {
    let mut at = folder.first_block;
    let mut total = 0u64;
    for _ in 0..folder.blocks {
        let Some(packed) = u16_at(bytes, at + 4) else {
            break;
        };
        total += u64::from(packed);
        at += 8 + u64::from(data_reserve) + u64::from(packed);
    }
    total
}

fn parse(bytes: &[u8]) -> Option<Cabinet> {
    let mut cursor = Cursor::new(bytes, 0);
    let fixed = cursor.take(36)?;
    if &fixed[..4] != b"MSCF" {
        return None;
    }
    let files_at = u64::from(u32_at(fixed, 16)?);
    let folder_count = u16_at(fixed, 26)?;
    let file_count = u16_at(fixed, 28)?;
    let flags = u16_at(fixed, 30)?;
    let (mut folder_reserve, mut data_reserve) = (0u8, 0u8);
    if flags & 0x0004 != 0 {
        let header_reserve = cursor.u16()?;
        folder_reserve = cursor.u8()?;
        data_reserve = cursor.u8()?;
        cursor.take(u64::from(header_reserve))?;
    }
    for flag in [0x0001u16, 0x0002] {
        if flags & flag != 0 {
            // Previous/next cabinet and disk names.
            for _ in 0..2 {
                let len = name_len(tail_at(bytes, cursor.pos()))?;
                cursor.take(len as u64 + 1)?;
            }
        }
    }
    let mut folders = Vec::new();
    for _ in 0..folder_count {
        let first_block = u64::from(cursor.u32()?);
        let blocks = cursor.u16()?;
        let method = Method::from_type(cursor.u16()?);
        cursor.take(u64::from(folder_reserve))?;
        folders.push(CabFolder {
            first_block,
            blocks,
            method,
        });
    }
    let mut files = Vec::new();
    let mut cursor = Cursor::new(bytes, files_at);
    for _ in 0..file_count {
        let Some(file) = parse_file(bytes, &mut cursor, folders.len()) else {
            break;
        };
        files.push(file);
    }
    Some(Cabinet {
        folders,
        files,
        data_reserve,
    })
}

fn parse_file(bytes: &[u8], cursor: &mut Cursor<'_>, folders: usize) -> Option<CabFile> {
    let size = cursor.u32()?;
    let offset = cursor.u32()?;
    let folder = match cursor.u16()? {
        // Continued from the previous cabinet: the first folder.
        0xFFFD | 0xFFFF => 0,
        // Continued into the next cabinet: the last folder.
        0xFFFE => u16::try_from(folders.saturating_sub(1)).unwrap_or(u16::MAX),
        index => index,
    };
    cursor.take(4)?;
    let attributes = cursor.u16()?;
    let len = name_len(tail_at(bytes, cursor.pos()))?;
    let raw = cursor.take(len as u64)?;
    cursor.take(1)?;
    let name = if attributes & NAME_IS_UTF != 0 {
        String::from_utf8_lossy(raw).into_owned()
    } else {
        decode_legacy(raw).0
    };
    Some(CabFile {
        name,
        size,
        offset,
        folder,
        hidden: attributes & 0x02 != 0,
    })
}

/// Length of the zero-terminated string at the start of `tail`.
fn name_len(tail: &[u8]) -> Option<usize> {
    tail.iter().take(MAX_CAB_NAME + 1).position(|&b| b == 0)
}
