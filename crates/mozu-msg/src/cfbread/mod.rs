//! Capped access to the CFB container: listing storages and reading streams
//! under per-stream and whole-file byte budgets.

pub(crate) mod props;

use std::io::{Cursor, Read};
use std::path::{Path, PathBuf};

use crate::{Limits, MsgError};

/// Budget charged for every directory entry listed, so that the total work
/// stays bounded even for files made of empty entries.
const ENTRY_COST: usize = 128;

/// Most warnings kept per message; the rest are counted in a final warning.
const MAX_WARNINGS_PER_MESSAGE: usize = 200;

/// Warnings of one message, bounded so that a hostile file with millions of
/// broken entries cannot grow them without limit.
#[derive(Debug, Default)]
pub(crate) struct Warnings {
    list: Vec<String>,
    suppressed: usize,
}

impl Warnings {
    pub(crate) fn push(&mut self, warning: impl Into<String>) {
        if self.list.len() < MAX_WARNINGS_PER_MESSAGE {
            self.list.push(warning.into());
        } else {
            self.suppressed += 1;
        }
    }

    pub(crate) fn finish(mut self) -> Vec<String> {
        if self.suppressed > 0 {
            self.list.push(format!("{} more warnings suppressed", self.suppressed));
        }
        self.list
    }
}

/// Bytes still allowed to be read or decompressed in this file.
#[derive(Debug)]
pub(crate) struct Budget {
    remaining: usize,
}

impl Budget {
    pub(crate) fn new(total: usize) -> Self {
        Self { remaining: total }
    }

    pub(crate) fn remaining(&self) -> usize {
        self.remaining
    }

    pub(crate) fn spend(&mut self, bytes: usize) {
        self.remaining = self.remaining.saturating_sub(bytes);
    }
}

/// One entry of a storage listing.
#[derive(Debug, Clone)]
pub(crate) struct Child {
    pub(crate) name: String,
    pub(crate) path: PathBuf,
    pub(crate) is_stream: bool,
    pub(crate) len: u64,
}

/// A CFB container opened over the input bytes, with the read budget.
pub(crate) struct CfbReader<'a> {
    cfb: cfb::CompoundFile<Cursor<&'a [u8]>>,
    pub(crate) limits: &'a Limits,
    pub(crate) budget: Budget,
}

impl<'a> CfbReader<'a> {
    pub(crate) fn open(bytes: &'a [u8], limits: &'a Limits) -> Result<Self, MsgError> {
        let cfb = cfb::CompoundFile::open(Cursor::new(bytes)).map_err(MsgError::Cfb)?;
        Ok(Self {
            cfb,
            limits,
            budget: Budget::new(limits.max_total_bytes),
        })
    }

    /// Whether the root storage holds MAPI properties at all.
    pub(crate) fn looks_like_message(&self) -> bool {
        self.cfb
            .read_root_storage()
            .any(|entry| entry.name() == props::PROPERTIES_STREAM || props::parse_substg_name(entry.name()).is_some())
    }

    /// The direct children of a storage; each listed entry costs
    /// `ENTRY_COST` of the budget.
    pub(crate) fn children(&mut self, storage: &Path, warnings: &mut Warnings) -> Vec<Child> {
        let entries = match self.cfb.read_storage(storage) {
            Ok(entries) => entries,
            Err(err) => {
                warnings.push(format!("storage {} cannot be listed: {err}", storage.display()));
                return Vec::new();
            }
        };
        let mut children = Vec::new();
        for entry in entries {
            if self.budget.remaining() < ENTRY_COST {
                warnings.push(format!(
                    "storage {}: listing stopped after {} entries, total read budget of {} bytes exhausted",
                    storage.display(),
                    children.len(),
                    self.limits.max_total_bytes
                ));
                break;
            }
            self.budget.spend(ENTRY_COST);
            children.push(Child {
                name: entry.name().to_owned(),
                path: entry.path().to_path_buf(),
                is_stream: entry.is_stream(),
                len: entry.len(),
            });
        }
        children
    }

    /// The CFB version of the container (sector size).
    pub(crate) fn version(&self) -> cfb::Version {
        self.cfb.version()
    }

    /// Metadata of one storage or stream; `None` when it does not exist.
    pub(crate) fn entry(&self, path: &Path) -> Option<cfb::Entry> {
        self.cfb.entry(path).ok()
    }

    /// Every entry of a storage with its metadata, for copying. Unlike
    /// [`children`](Self::children) an incomplete listing is an error, since
    /// a copy missing entries would be wrong rather than merely partial.
    pub(crate) fn all_entries(&mut self, storage: &Path) -> Result<Vec<cfb::Entry>, String> {
        let entries = self
            .cfb
            .read_storage(storage)
            .map_err(|err| format!("storage {} cannot be listed: {err}", storage.display()))?;
        let mut listed = Vec::new();
        for entry in entries {
            if self.budget.remaining() < ENTRY_COST {
                return Err(self.exhausted());
            }
            self.budget.spend(ENTRY_COST);
            listed.push(entry);
        }
        Ok(listed)
    }

    /// The whole of one stream, for copying: an error rather than a
    /// truncated copy when it is longer than `cap` or the remaining budget,
    /// or cannot be read to its declared length.
    pub(crate) fn whole_stream(&mut self, entry: &cfb::Entry, cap: usize) -> Result<Vec<u8>, String> {
        let path = entry.path();
        let len = usize::try_from(entry.len()).unwrap_or(usize::MAX);
        if len > self.budget.remaining() {
            return Err(self.exhausted());
        }
        if len > cap {
            return Err(format!(
                "stream {} of {len} bytes is over the {cap}-byte limit",
                path.display()
            ));
        }
        let stream = self
            .cfb
            .open_stream(path)
            .map_err(|err| format!("stream {} cannot be opened: {err}", path.display()))?;
        let mut data = Vec::new();
        let read = stream.take(entry.len()).read_to_end(&mut data);
        self.budget.spend(data.len());
        match read {
            Ok(_) if data.len() == len => Ok(data),
            Ok(_) => Err(format!(
                "stream {} ends after {} of {len} bytes",
                path.display(),
                data.len()
            )),
            Err(err) => Err(format!(
                "stream {} read error after {} bytes: {err}",
                path.display(),
                data.len()
            )),
        }
    }

    fn exhausted(&self) -> String {
        format!("total read budget of {} bytes exhausted", self.limits.max_total_bytes)
    }

    /// Reads one stream, capped at the per-property limit and the remaining
    /// file budget. A truncated or unreadable stream yields what could be
    /// read plus a warning naming `what`.
    pub(crate) fn read_stream(&mut self, child: &Child, what: &str, warnings: &mut Warnings) -> Option<Vec<u8>> {
        let cap = self.limits.max_property_bytes.min(self.budget.remaining());
        if cap == 0 && child.len > 0 {
            warnings.push(format!(
                "{what}: not read, total read budget of {} bytes exhausted",
                self.limits.max_total_bytes
            ));
            return None;
        }
        let stream = match self.cfb.open_stream(&child.path) {
            Ok(stream) => stream,
            Err(err) => {
                warnings.push(format!("{what}: stream cannot be opened: {err}"));
                return None;
            }
        };
        let mut data = Vec::new();
        let limit = u64::try_from(cap).unwrap_or(u64::MAX).saturating_add(1);
        if let Err(err) = stream.take(limit).read_to_end(&mut data) {
            warnings.push(format!("{what}: read error after {} bytes: {err}", data.len()));
        }
        if data.len() > cap {
            data.truncate(cap);
            warnings.push(format!(
                "{what}: stream of {} bytes truncated to {cap} bytes",
                child.len
            ));
        }
        self.budget.spend(data.len());
        Some(data)
    }
}
