//! A small UDF reader (ECMA-167 / OSTA UDF) for images with no ISO 9660
//! side: anchor → volume descriptors → file set → directories of file
//! identifier descriptors → file entries and their allocation descriptors.
//!
//! Type 1 (physical) partition maps only; metadata, virtual and sparable
//! maps (UDF 2.x on optical media) are reported as unsupported.

use std::collections::{HashMap, HashSet};

use super::{Found, MAX_IMAGE_DEPTH, MAX_IMAGE_DIRS, SECTOR};
use crate::bytes::{slice_at, u8_at, u16_at, u32_at, u64_at};
use crate::names::{decode_latin1, decode_utf16be};
use crate::sink::Sink;

/// Most allocation descriptors read for one file.
const MAX_EXTENTS: usize = 4096;
/// Most volume descriptors read.
const MAX_VDS_SECTORS: u64 = 64;
/// Largest directory read.
const MAX_DIR_BYTES: u64 = 16 * 1024 * 1024;

const TAG_AVDP: u16 = 2;
const TAG_PARTITION: u16 = 5;
const TAG_LOGICAL_VOLUME: u16 = 6;
const TAG_TERMINATOR: u16 = 8;
const TAG_FILE_SET: u16 = 256;
const TAG_FILE_ID: u16 = 257;
const TAG_FILE_ENTRY: u16 = 261;
const TAG_EXT_FILE_ENTRY: u16 = 266;

/// Where the file system lives.
struct Volume {
    /// Byte offset of the partition's first block.
    partition: u64,
    /// Logical block size.
    block: u64,
}

impl Volume {
    fn block_at(&self, lbn: u32) -> u64 {
        self.partition.saturating_add(u64::from(lbn).saturating_mul(self.block))
    }
}

fn tag(bytes: &[u8], at: u64) -> Option<u16> {
    u16_at(bytes, at)
}

/// Finds the partition and the file set descriptor's block.
fn volume(bytes: &[u8]) -> Result<(Volume, u32), String> {
    let anchor = 256 * SECTOR;
    if tag(bytes, anchor) != Some(TAG_AVDP) {
        return Err("UDF anchor volume descriptor missing".into());
    }
    let vds_len = u64::from(u32_at(bytes, anchor + 16).unwrap_or(0));
    let vds_at = u64::from(u32_at(bytes, anchor + 20).unwrap_or(0));
    let mut partitions: HashMap<u16, u64> = HashMap::new();
    let mut logical: Option<(u64, u32, u16)> = None;
    for k in 0..(vds_len / SECTOR).min(MAX_VDS_SECTORS) {
        let at = (vds_at + k) * SECTOR;
        match tag(bytes, at) {
            Some(TAG_PARTITION) => {
                if let (Some(number), Some(start)) = (u16_at(bytes, at + 22), u32_at(bytes, at + 188)) {
                    partitions.insert(number, u64::from(start) * SECTOR);
                }
            }
            Some(TAG_LOGICAL_VOLUME) => {
                let block = u64::from(u32_at(bytes, at + 212).unwrap_or(0));
                let fsd_lbn = u32_at(bytes, at + 252).unwrap_or(0);
                let map_type = u8_at(bytes, at + 440);
                if map_type != Some(1) {
                    return Err("UDF partition map is not a plain (type 1) map".into());
                }
                let partition_number = u16_at(bytes, at + 444).unwrap_or(0);
                logical = Some((block, fsd_lbn, partition_number));
            }
            Some(TAG_TERMINATOR) | None => break,
            _ => {}
        }
    }
    let (block, fsd_lbn, number) = logical.ok_or("UDF logical volume descriptor missing")?;
    let partition = *partitions.get(&number).ok_or("UDF partition descriptor missing")?;
    if !(512..=65_536).contains(&block) {
        return Err(format!("UDF logical block size {block} is implausible"));
    }
    Ok((Volume { partition, block }, fsd_lbn))
}

/// A file entry's facts.
struct Node {
    is_dir: bool,
    size: u64,
    extents: Vec<(u64, u64)>,
}

/// Reads the (extended) file entry at `lbn`.
fn node(bytes: &[u8], volume: &Volume, lbn: u32) -> Option<Node> {
    let at = volume.block_at(lbn);
    let (ea_at, base) = match tag(bytes, at)? {
        TAG_FILE_ENTRY => (168, 176),
        TAG_EXT_FILE_ENTRY => (208, 216),
        _ => return None,
    };
    let file_type = u8_at(bytes, at + 27)?;
    let alloc = u16_at(bytes, at + 34)? & 0x7;
    let size = u64_at(bytes, at + 56)?;
    let ea_len = u64::from(u32_at(bytes, at + ea_at)?);
    let ad_len = u64::from(u32_at(bytes, at + ea_at + 4)?);
    let ads_at = at + base + ea_len;
    let ads = slice_at(bytes, ads_at, ad_len.min(volume.block))?;
    let mut extents = Vec::new();
    match alloc {
        // Short and long allocation descriptors.
        0 | 1 => {
            let step = if alloc == 0 { 8 } else { 16 };
            for ad in ads.chunks_exact(step).take(MAX_EXTENTS) {
                let raw_len = u32::from_le_bytes([ad[0], ad[1], ad[2], ad[3]]);
                let lbn = u32::from_le_bytes([ad[4], ad[5], ad[6], ad[7]]);
                let (kind, len) = (raw_len >> 30, u64::from(raw_len & 0x3FFF_FFFF));
                match kind {
                    0 => extents.push((volume.block_at(lbn), len)),
                    1 | 2 => extents.push((u64::MAX, len)),
                    _ => break,
                }
            }
        }
        // Data embedded in the entry itself.
        3 => extents.push((ads_at, ad_len)),
        _ => return None,
    }
    Some(Node {
        is_dir: file_type == 4,
        size,
        extents,
    })
}

/// Concatenates a directory's extents (bounded).
fn directory_bytes(bytes: &[u8], node: &Node) -> Vec<u8> {
    let mut out = Vec::new();
    for &(offset, len) in &node.extents {
        let room = MAX_DIR_BYTES.saturating_sub(out.len() as u64);
        if offset == u64::MAX || room == 0 {
            break;
        }
        out.extend_from_slice(crate::bytes::clipped_at(bytes, offset, len.min(room)));
    }
    out
}

/// Lists a pure UDF image's files.
pub(crate) fn list(bytes: &[u8], sink: &mut Sink<'_>) -> Result<Vec<Found>, String> {
    let (volume, fsd_lbn) = volume(bytes)?;
    let fsd = volume.block_at(fsd_lbn);
    if tag(bytes, fsd) != Some(TAG_FILE_SET) {
        return Err("UDF file set descriptor missing".into());
    }
    let root = u32_at(bytes, fsd + 404).ok_or("UDF root directory missing")?;
    let mut stack = vec![(root, String::new(), 0u32)];
    let mut visited = HashSet::new();
    let mut files = Vec::new();
    while let Some((lbn, path, depth)) = stack.pop() {
        if !visited.insert(lbn) {
            sink.warn(format!("directory loop at {path}"));
            continue;
        }
        if visited.len() > MAX_IMAGE_DIRS || sink.stopped().is_some() {
            sink.warn("directory walk stopped early (too many directories or over budget)");
            break;
        }
        let Some(dir) = node(bytes, &volume, lbn) else {
            sink.warn(format!("damaged UDF directory entry at {path}"));
            continue;
        };
        let data = directory_bytes(bytes, &dir);
        for fid in FileIds::new(&data) {
            let child = if path.is_empty() {
                fid.name
            } else {
                format!("{path}/{}", fid.name)
            };
            if fid.is_dir {
                if depth < MAX_IMAGE_DEPTH {
                    stack.push((fid.lbn, child, depth + 1));
                }
                continue;
            }
            match node(bytes, &volume, fid.lbn) {
                Some(file) if file.is_dir => {
                    sink.warn(format!("{child}: directory entry not flagged as one; not walked"));
                }
                Some(file) => files.push(Found {
                    path: child,
                    size: file.size,
                    extents: file.extents,
                    hidden: fid.hidden,
                }),
                None => sink.warn(format!("{child}: damaged UDF file entry")),
            }
        }
    }
    Ok(files)
}

/// One file identifier descriptor.
struct FileId {
    name: String,
    lbn: u32,
    is_dir: bool,
    hidden: bool,
}

/// Iterates a directory's file identifier descriptors, skipping the parent
/// and deleted ones.
struct FileIds<'a> {
    data: &'a [u8],
    pos: u64,
}

impl<'a> FileIds<'a> {
    fn new(data: &'a [u8]) -> Self {
        Self { data, pos: 0 }
    }
}

impl Iterator for FileIds<'_> {
    type Item = FileId;

    fn next(&mut self) -> Option<FileId> {
        loop {
            let at = self.pos;
            if tag(self.data, at)? != TAG_FILE_ID {
                return None;
            }
            let characteristics = u8_at(self.data, at + 18)?;
            let name_len = u64::from(u8_at(self.data, at + 19)?);
            let lbn = u32_at(self.data, at + 24)?;
            let iu_len = u64::from(u16_at(self.data, at + 36)?);
            let raw = slice_at(self.data, at + 38 + iu_len, name_len)?;
            self.pos = at + ((38 + iu_len + name_len + 3) & !3);
            if characteristics & 0x0C != 0 || raw.is_empty() {
                continue;
            }
            let name = match raw[0] {
                16 => decode_utf16be(&raw[1..]),
                _ => decode_latin1(&raw[1..]),
            };
            return Some(FileId {
                name,
                lbn,
                is_dir: characteristics & 0x02 != 0,
                hidden: characteristics & 0x01 != 0,
            });
        }
    }
}
