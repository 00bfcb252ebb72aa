//! Capped access to the CFB container: listing storages and reading streams
//! under per-stream and whole-file byte budgets.

pub(crate) mod props;

use std::io::{Cursor, Read};
use std::path::{Path, PathBuf};

use crate::{Limits, MsgError};

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

    /// The direct children of a storage. Each listed entry costs a little
    /// budget so that the total work stays bounded even for empty entries.
    pub(crate) fn children(&mut self, storage: &Path, warnings: &mut Warnings) -> Vec<Child> {
        const ENTRY_COST: usize = 128;
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
