//! A CFB file opened over the input bytes: its directory listed once
//! (iteratively, capped at [`MAX_ENTRIES`]) and streams read under the
//! per-stream cap and the call's byte budget.

use std::io::{Cursor, Read};
use std::path::{Path, PathBuf};

use crate::report::Report;
use crate::{MAX_ENTRIES, MAX_STREAM_BYTES, OfficeError};

/// One directory entry.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    /// Entry name.
    pub(crate) name: String,
    /// Full path from the root (`/Macros/VBA/dir`).
    pub(crate) path: PathBuf,
    /// True for a stream, false for a storage.
    pub(crate) is_stream: bool,
    /// Declared stream length.
    pub(crate) len: u64,
}

/// The open compound file and its listing.
pub(crate) struct Container<'a> {
    cfb: cfb::CompoundFile<Cursor<&'a [u8]>>,
    /// Every entry visited, root excluded.
    pub(crate) entries: Vec<Entry>,
}

impl<'a> Container<'a> {
    /// Opens `bytes` and lists up to [`MAX_ENTRIES`] entries.
    pub(crate) fn open(bytes: &'a [u8], report: &mut Report) -> Result<Self, OfficeError> {
        let cfb = cfb::CompoundFile::open(Cursor::new(bytes)).map_err(OfficeError::Cfb)?;
        let mut entries = Vec::new();
        for entry in cfb.walk() {
            if entry.is_root() {
                continue;
            }
            if entries.len() >= MAX_ENTRIES {
                report.warn(format!("CFB directory: stopped listing after {MAX_ENTRIES} entries"));
                break;
            }
            entries.push(Entry {
                name: entry.name().to_owned(),
                path: entry.path().to_path_buf(),
                is_stream: entry.is_stream(),
                len: entry.len(),
            });
        }
        Ok(Self { cfb, entries })
    }

    /// The entries directly inside `storage`.
    pub(crate) fn children_of<'s>(&'s self, storage: &'s Path) -> impl Iterator<Item = &'s Entry> + 's {
        self.entries
            .iter()
            .filter(move |entry| entry.path.parent() == Some(storage))
    }

    /// The entry named `name` (case-insensitively) directly inside `storage`.
    pub(crate) fn child(&self, storage: &Path, name: &str) -> Option<&Entry> {
        self.entries
            .iter()
            .find(|entry| entry.path.parent() == Some(storage) && entry.name.eq_ignore_ascii_case(name))
    }

    /// Whether the root holds a stream or storage called `name`.
    pub(crate) fn root_has(&self, name: &str) -> bool {
        self.child(Path::new("/"), name).is_some()
    }

    /// Reads a stream, at most [`MAX_STREAM_BYTES`] and within the budget;
    /// a truncated or failed read is a warning naming the stream.
    pub(crate) fn read(&mut self, entry: &Entry, report: &mut Report) -> Option<Vec<u8>> {
        let path = entry.path.display().to_string();
        let declared = usize::try_from(entry.len).unwrap_or(usize::MAX);
        let mut cap = declared.min(MAX_STREAM_BYTES);
        if declared > MAX_STREAM_BYTES {
            report.warn(format!(
                "stream {path}: {declared} bytes, only the first {MAX_STREAM_BYTES} read"
            ));
        }
        if cap > report.budget.remaining() {
            report.warn(format!(
                "stream {path}: byte budget of {} exhausted, stream truncated",
                report.budget.limit()
            ));
            cap = report.budget.remaining();
        }
        let stream = match self.cfb.open_stream(&entry.path) {
            Ok(stream) => stream,
            Err(err) => {
                report.warn(format!("stream {path} cannot be opened: {err}"));
                return None;
            }
        };
        let mut data = Vec::new();
        let result = stream.take(cap as u64).read_to_end(&mut data);
        report.budget.spend(data.len());
        if let Err(err) = result {
            report.warn(format!("stream {path}: read error after {} bytes: {err}", data.len()));
        }
        Some(data)
    }
}
