//! RAR 4 and RAR 5 listing from the published archive-format descriptions.
//!
//! Licence-clean on purpose: no UnRAR code (its licence forbids using it
//! to re-create the compression algorithm) and no binding to it. Headers
//! are parsed here to list names, sizes and encryption; only stored
//! (uncompressed, unencrypted) entries are extracted. Compressed entries
//! get the note [`RAR_COMPRESSED_NOTE`].

mod v4;
mod v5;

use crate::bytes::clipped_at;
use crate::capped::read_capped_strict;
use crate::sink::Sink;
use crate::{Budget, Entry, Format, UnpackError, Unpacked};

/// The note on compressed RAR entries.
pub const RAR_COMPRESSED_NOTE: &str = "rar decompression not supported (licence)";
/// Most headers walked in one RAR archive.
pub const MAX_RAR_HEADERS: usize = 100_000;

const RAR4_SIGNATURE: &[u8] = b"Rar!\x1a\x07\x00";
const RAR5_SIGNATURE: &[u8] = b"Rar!\x1a\x07\x01\x00";

/// One file header, whatever the version.
#[derive(Debug, Default)]
pub(crate) struct RarFile {
    pub(crate) name: String,
    pub(crate) unpacked_size: u64,
    pub(crate) packed_size: u64,
    /// Offset of the packed data in the input.
    pub(crate) data_offset: u64,
    pub(crate) is_dir: bool,
    pub(crate) encrypted: bool,
    /// True when the data is stored without compression.
    pub(crate) stored: bool,
    /// True when the data continues in another volume.
    pub(crate) split: bool,
}

/// What the header walk found.
#[derive(Debug, Default)]
pub(crate) struct Listing {
    pub(crate) files: Vec<RarFile>,
    pub(crate) warnings: Vec<String>,
    /// Headers are encrypted: nothing can be listed without the password.
    pub(crate) encrypted_headers: bool,
    /// The archive (main) header was read.
    pub(crate) saw_main_header: bool,
}

/// Lists a RAR archive and extracts its stored entries.
pub(crate) fn unpack(bytes: &[u8], budget: &Budget) -> Result<Unpacked, UnpackError> {
    let listing = if bytes.starts_with(RAR5_SIGNATURE) {
        v5::list(bytes, RAR5_SIGNATURE.len() as u64)
    } else if bytes.starts_with(RAR4_SIGNATURE) {
        v4::list(bytes, RAR4_SIGNATURE.len() as u64)
    } else {
        return Err(UnpackError::malformed(Format::Rar, "no RAR signature"));
    };
    if listing.files.is_empty() && !listing.encrypted_headers && !listing.saw_main_header {
        let reason = listing.warnings.first().cloned();
        return Err(UnpackError::malformed(
            Format::Rar,
            reason.unwrap_or_else(|| "no readable header".into()),
        ));
    }
    let mut sink = Sink::new(budget);
    for warning in listing.warnings {
        sink.warn(warning);
    }
    if listing.encrypted_headers {
        sink.warn(
            "the archive's headers are encrypted: entries cannot be listed without the \
             password, and RAR decryption is not supported",
        );
    }
    for file in listing.files {
        if !sink.admit() {
            break;
        }
        let mut entry = Entry {
            name: file.name,
            declared_size: file.unpacked_size,
            compressed_size: file.packed_size,
            encrypted: file.encrypted,
            encryption: file.encrypted.then(|| "rar".to_owned()),
            ..Entry::default()
        };
        entry.note = if file.is_dir {
            Some("directory".into())
        } else if file.encrypted {
            Some("encrypted; RAR decryption is not supported".into())
        } else if file.split {
            Some("continues in another volume".into())
        } else if !file.stored {
            Some(RAR_COMPRESSED_NOTE.into())
        } else {
            sink.stopped().map(|hit| format!("not extracted: {hit}"))
        };
        if entry.note.is_none() {
            let raw = clipped_at(bytes, file.data_offset, file.packed_size);
            if (raw.len() as u64) < file.packed_size {
                sink.warn(format!("{}: data is truncated", entry.name));
            }
            let result = read_capped_strict(raw, raw.len() as u64, budget);
            sink.fill(&mut entry, result);
        }
        sink.entries.push(entry);
    }
    Ok(sink.finish(Format::Rar.name()))
}
