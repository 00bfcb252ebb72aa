//! The path a `LinkTargetIDList` spells: a volume item (`C:\`), a network
//! item (`\\server\share`), then file entry items, each with an 8.3 primary
//! name and usually a `0xBEEF0004` extension block with the long name.

use super::{ansi_cstring, u16_at, u32_at, utf16_cstring};
use crate::{MAX_LNK_ITEMS, ScriptError};

/// `0xBEEF0004` extension block signature, little-endian.
const BEEF0004: [u8; 4] = [0x04, 0x00, 0xEF, 0xBE];
/// Offset of the primary name in a file entry item, counted from the class
/// type byte (14 from the item's size field).
const PRIMARY_NAME: usize = 12;

/// Rebuilds the path from an ID list (without its own size field).
pub(super) fn path(list: &[u8], warnings: &mut Vec<String>) -> Option<String> {
    let mut root: Option<String> = None;
    let mut names: Vec<String> = Vec::new();
    let mut at = 0;
    for _ in 0..MAX_LNK_ITEMS {
        let size = usize::from(u16_at(list, at)?);
        if size == 0 {
            return join(root, names);
        }
        let Some(item) = list.get(at + 2..at + size).filter(|_| size >= 3) else {
            warnings.push(
                ScriptError::Truncated {
                    what: "ItemID",
                    offset: at,
                }
                .to_string(),
            );
            return join(root, names);
        };
        match item[0] & 0x70 {
            0x20 => root = ansi_cstring(item, 1).filter(|drive| !drive.is_empty()),
            0x40 => root = ansi_cstring(item, 3).filter(|share| !share.is_empty()),
            0x30 => names.extend(file_entry_name(item)),
            _ => {}
        }
        at += size;
    }
    warnings.push(
        ScriptError::OverLimit {
            what: "ItemIDs",
            count: MAX_LNK_ITEMS + 1,
            limit: MAX_LNK_ITEMS,
        }
        .to_string(),
    );
    join(root, names)
}

fn join(root: Option<String>, names: Vec<String>) -> Option<String> {
    match root {
        None if names.is_empty() => None,
        None => Some(names.join("\\")),
        Some(root) if root.ends_with('\\') => Some(format!("{root}{}", names.join("\\"))),
        Some(root) if names.is_empty() => Some(root),
        Some(root) => Some(format!("{root}\\{}", names.join("\\"))),
    }
}

/// Long name from the extension block, else the primary name. `item`
/// starts at the class type byte.
fn file_entry_name(item: &[u8]) -> Option<String> {
    let unicode_primary = item[0] & 0x04 != 0;
    let primary_at = PRIMARY_NAME;
    let primary = if unicode_primary {
        utf16_cstring(item, primary_at)
    } else {
        ansi_cstring(item, primary_at)
    };
    let long = memchr::memmem::find(item.get(primary_at..)?, &BEEF0004)
        .and_then(|found| (primary_at + found).checked_sub(4))
        .and_then(|block| long_name(item, block));
    long.or(primary).filter(|name| !name.is_empty())
}

/// The long name in a `0xBEEF0004` block starting at `block`; its offset
/// depends on the block version (libfwsi documents the layouts).
fn long_name(item: &[u8], block: usize) -> Option<String> {
    if u32_at(item, block + 4)? != u32::from_le_bytes(BEEF0004) {
        return None;
    }
    let offset = match u16_at(item, block + 2)? {
        9.. => 46,
        8 => 42,
        7 => 38,
        3..=6 => 20,
        _ => return None,
    };
    utf16_cstring(item, block + offset).filter(|name| !name.is_empty())
}
