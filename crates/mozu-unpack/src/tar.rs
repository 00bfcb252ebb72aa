//! tar (ustar, GNU long names, PAX) through the `tar` crate's reader.

use crate::capped::read_capped_strict;
use crate::names::decode_legacy;
use crate::sink::Sink;
use crate::{Budget, Entry, Format, UnpackError, Unpacked};

/// Most header errors skipped before the listing gives up.
const MAX_TAR_ERRORS: u32 = 8;

/// Lists and extracts a tar archive.
pub(crate) fn unpack(bytes: &[u8], budget: &Budget) -> Result<Unpacked, UnpackError> {
    let mut archive = tar::Archive::new(bytes);
    let entries = archive
        .entries()
        .map_err(|e| UnpackError::malformed(Format::Tar, e.to_string()))?;
    let mut sink = Sink::new(budget);
    let mut errors = 0u32;
    for item in entries {
        let mut item = match item {
            Ok(item) => item,
            Err(error) => {
                errors += 1;
                sink.warn(format!("damaged tar header: {error}"));
                if errors >= MAX_TAR_ERRORS {
                    break;
                }
                continue;
            }
        };
        if !sink.admit() {
            break;
        }
        let header = item.header();
        let kind = header.entry_type();
        let stored = header.entry_size().unwrap_or(0);
        let mut entry = Entry {
            name: decode_legacy(&item.path_bytes()).0,
            declared_size: item.size(),
            compressed_size: stored,
            ..Entry::default()
        };
        if kind.is_dir() {
            entry.note = Some("directory".into());
        } else if kind.is_symlink() || kind.is_hard_link() {
            let target = item.link_name_bytes().map(|t| decode_legacy(&t).0).unwrap_or_default();
            entry.note = Some(format!("link to {target}"));
        } else if !(kind.is_file() || kind.is_gnu_sparse() || kind.is_contiguous()) {
            entry.note = Some(format!("special entry (type {})", kind.as_byte()));
        } else if let Some(hit) = sink.stopped() {
            entry.note = Some(format!("not extracted: {hit}"));
        } else {
            let result = read_capped_strict(&mut item, stored, budget);
            sink.fill(&mut entry, result);
        }
        if errors == 0 && entry.name.is_empty() {
            sink.warn("an entry has an empty name");
        }
        sink.entries.push(entry);
    }
    if sink.entries.is_empty() && errors > 0 {
        return Err(UnpackError::malformed(Format::Tar, "no readable tar header"));
    }
    Ok(sink.finish(Format::Tar.name()))
}
