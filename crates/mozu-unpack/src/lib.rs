//! Archive and disk-image unpacking for mozu under one budget: zip, 7z, rar
//! (listing, stored entries), gzip, bzip2, xz, tar, cab, ISO 9660 and UDF.
//!
//! Malspam hides its payload in containers: a zip holding a .vbs, a 7z
//! holding a .js, a zip encrypted with the password written in the mail
//! body, an .iso or .img holding a .lnk and a hidden DLL, archives inside
//! archives, and decompression bombs aimed at the scanner. This crate opens
//! one container level per [`unpack`] call; the caller walks the tree with
//! an explicit stack and one shared [`Budget`] per attachment.
//!
//! Every decompressor's output goes through [`read_capped`], which stops at
//! the per-entry size, the expansion ratio, the tree's remaining bytes and
//! the deadline. Listing loops are counted against the budget's entries,
//! nested structures (ISO directories) are walked with explicit stacks, and
//! declared sizes are never used to allocate. Entry names are returned as
//! the archive wrote them (decoded, not sanitised).
#![warn(missing_docs)]

mod budget;
mod bytes;
mod cab;
mod capped;
mod iso;
mod names;
mod rar;
mod sevenz;
mod sink;
mod stream;
mod tar;
mod zip;

pub use budget::{
    Budget, BudgetExceeded, Limits, MAX_DEADLINE, MAX_DEPTH, MAX_ENTRIES, MAX_ENTRY_BYTES, MAX_RATIO, MAX_TOTAL_BYTES,
    RATIO_GRACE_BYTES,
};
pub use capped::{CHUNK_BYTES, CapError, read_capped, read_capped_strict};

/// Most passwords tried on one encrypted entry or archive (the empty
/// password comes on top).
pub const MAX_PASSWORDS: usize = 32;
/// Most warnings kept for one container; later ones are counted.
pub const MAX_WARNINGS: usize = 100;

/// A container format this crate opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// PKZIP (and everything built on it).
    Zip,
    /// 7-Zip.
    SevenZ,
    /// RAR 4 or RAR 5 (listing; only stored entries are extracted).
    Rar,
    /// gzip.
    Gzip,
    /// bzip2.
    Bzip2,
    /// xz.
    Xz,
    /// POSIX/GNU tar.
    Tar,
    /// Microsoft cabinet.
    Cab,
    /// ISO 9660 or UDF disk image (.iso, .img).
    Iso,
}

impl Format {
    /// The name used in `ArchiveInfo::format`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Zip => "zip",
            Self::SevenZ => "7z",
            Self::Rar => "rar",
            Self::Gzip => "gzip",
            Self::Bzip2 => "bzip2",
            Self::Xz => "xz",
            Self::Tar => "tar",
            Self::Cab => "cab",
            Self::Iso => "iso",
        }
    }

    /// Every format, in detection order.
    pub const ALL: [Format; 9] = [
        Self::Zip,
        Self::SevenZ,
        Self::Rar,
        Self::Gzip,
        Self::Bzip2,
        Self::Xz,
        Self::Tar,
        Self::Cab,
        Self::Iso,
    ];
}

/// Recognises a container by its magic bytes.
pub fn detect(bytes: &[u8]) -> Option<Format> {
    let at = |offset: usize, magic: &[u8]| bytes.get(offset..offset + magic.len()).is_some_and(|b| b == magic);
    if at(0, b"PK\x03\x04") || at(0, b"PK\x05\x06") || at(0, b"PK\x07\x08PK\x03\x04") {
        return Some(Format::Zip);
    }
    if at(0, &[b'7', b'z', 0xBC, 0xAF, 0x27, 0x1C]) {
        return Some(Format::SevenZ);
    }
    if at(0, b"Rar!\x1a\x07\x00") || at(0, b"Rar!\x1a\x07\x01\x00") {
        return Some(Format::Rar);
    }
    if at(0, &[0x1F, 0x8B]) {
        return Some(Format::Gzip);
    }
    if at(0, b"BZh") && bytes.get(3).is_some_and(|d| (b'1'..=b'9').contains(d)) {
        return Some(Format::Bzip2);
    }
    if at(0, &[0xFD, b'7', b'z', b'X', b'Z', 0x00]) {
        return Some(Format::Xz);
    }
    if at(0, b"MSCF\0\0\0\0") {
        return Some(Format::Cab);
    }
    if at(257, b"ustar") {
        return Some(Format::Tar);
    }
    if iso::looks_like_image(bytes) {
        return Some(Format::Iso);
    }
    None
}

/// A candidate password and where it came from.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Password {
    /// The password.
    pub value: String,
    /// `subject`, `body`, `other-message`, `list` or `empty`.
    pub source: String,
}

impl Password {
    /// A password from `source`.
    pub fn new(value: impl Into<String>, source: impl Into<String>) -> Self {
        Self {
            value: value.into(),
            source: source.into(),
        }
    }
}

/// One entry of a container.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Entry {
    /// The name as the archive wrote it, decoded (zip: UTF-8 when flagged,
    /// else UTF-8, Shift_JIS or CP437 by content). Not sanitised.
    pub name: String,
    /// The content; `None` when not extracted (see `note`).
    pub data: Option<Vec<u8>>,
    /// Size the archive declares for the content.
    pub declared_size: u64,
    /// Size the content takes in the archive.
    pub compressed_size: u64,
    /// True when the entry is encrypted.
    pub encrypted: bool,
    /// `zipcrypto`, `aes128`, `aes192`, `aes256`, `7z-aes256`, `rar` …
    pub encryption: Option<String>,
    /// The password that opened it.
    pub password: Option<Password>,
    /// Why `data` is `None` (or damaged).
    pub note: Option<String>,
}

/// What one [`unpack`] call found.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Unpacked {
    /// Archive facts for the artifact record.
    pub info: mozu_model::ArchiveInfo,
    /// The entries, in archive order.
    pub entries: Vec<Entry>,
    /// The first limit this call ran into, if any.
    pub budget_hit: Option<BudgetExceeded>,
    /// What was worked around or cut short.
    pub warnings: Vec<String>,
}

/// Why a container could not be read at all.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum UnpackError {
    /// The bytes are not a readable container of that format.
    #[error("not a readable {format} container: {reason}")]
    Malformed {
        /// The format that was tried.
        format: &'static str,
        /// What was wrong.
        reason: String,
    },
}

impl UnpackError {
    pub(crate) fn malformed(format: Format, reason: impl Into<String>) -> Self {
        Self::Malformed {
            format: format.name(),
            reason: reason.into(),
        }
    }
}

/// Lists and extracts one container level. `passwords` are tried (then the
/// empty password) on encrypted entries; the one that worked is recorded on
/// the entry. Limits reached are reported in `budget_hit` and per entry;
/// `Err` only when the container itself cannot be read at all.
pub fn unpack(bytes: &[u8], format: Format, budget: &Budget, passwords: &[Password]) -> Result<Unpacked, UnpackError> {
    budget.set_root_len(bytes.len() as u64);
    let candidates = sink::candidates(passwords);
    match format {
        Format::Zip => zip::unpack(bytes, budget, &candidates),
        Format::SevenZ => sevenz::unpack(bytes, budget, &candidates),
        Format::Rar => rar::unpack(bytes, budget),
        Format::Gzip | Format::Bzip2 | Format::Xz => stream::unpack(bytes, format, budget),
        Format::Tar => tar::unpack(bytes, budget),
        Format::Cab => cab::unpack(bytes, budget),
        Format::Iso => iso::unpack(bytes, budget),
    }
}
