//! Limits and the shared [`Budget`] of one artifact tree.
//!
//! One `Budget` is created per attachment and passed to every `unpack` call
//! made while walking that attachment's tree, so a bomb spread over many
//! nested archives is stopped as surely as one packed into a single entry.
//! The counters are atomics: a caller may share the budget between threads.

use std::fmt;
use std::sync::atomic::{AtomicU8, AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Deepest nesting of archives inside archives that the caller should open.
pub const MAX_DEPTH: u32 = 8;
/// Most bytes that all extractions of one tree may produce together (256 MiB).
pub const MAX_TOTAL_BYTES: u64 = 256 * 1024 * 1024;
/// Most bytes one entry may expand to (64 MiB).
pub const MAX_ENTRY_BYTES: u64 = 64 * 1024 * 1024;
/// Highest expansion ratio (expanded ÷ compressed), per entry and per tree.
pub const MAX_RATIO: u64 = 200;
/// Most entries that may be listed in one tree.
pub const MAX_ENTRIES: u64 = 10_000;
/// Longest time one tree may take.
pub const MAX_DEADLINE: Duration = Duration::from_secs(20);
/// Output below this size is never refused for its ratio: tiny inputs that
/// expand a lot (a 100-byte deflate stream of a 100 KB log) are normal.
pub const RATIO_GRACE_BYTES: u64 = 1024 * 1024;

/// The limits of one artifact tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Deepest nesting the caller opens ([`MAX_DEPTH`]).
    pub max_depth: u32,
    /// Most expanded bytes for the whole tree ([`MAX_TOTAL_BYTES`]).
    pub max_total_bytes: u64,
    /// Most expanded bytes for one entry ([`MAX_ENTRY_BYTES`]).
    pub max_entry_bytes: u64,
    /// Highest expanded ÷ compressed ratio, per entry and for the tree
    /// ([`MAX_RATIO`]); output under [`RATIO_GRACE_BYTES`] is exempt.
    pub max_ratio: u64,
    /// Most entries listed in the whole tree ([`MAX_ENTRIES`]).
    pub max_entries: u64,
    /// Wall-clock time for the whole tree ([`MAX_DEADLINE`]).
    pub deadline: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_depth: MAX_DEPTH,
            max_total_bytes: MAX_TOTAL_BYTES,
            max_entry_bytes: MAX_ENTRY_BYTES,
            max_ratio: MAX_RATIO,
            max_entries: MAX_ENTRIES,
            deadline: MAX_DEADLINE,
        }
    }
}

/// Which limit an extraction ran into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum BudgetExceeded {
    /// Archives nested deeper than `max_depth`.
    Depth,
    /// The tree expanded to more than `max_total_bytes`.
    TotalBytes,
    /// One entry expanded to more than `max_entry_bytes`.
    EntryBytes,
    /// An entry or the tree expanded more than `max_ratio` times its
    /// compressed size: the shape of a decompression bomb.
    Ratio,
    /// The tree lists more than `max_entries` entries.
    Entries,
    /// The tree took longer than `deadline`.
    Deadline,
}

impl BudgetExceeded {
    fn code(self) -> u8 {
        match self {
            Self::Depth => 1,
            Self::TotalBytes => 2,
            Self::EntryBytes => 3,
            Self::Ratio => 4,
            Self::Entries => 5,
            Self::Deadline => 6,
        }
    }

    fn from_code(code: u8) -> Option<Self> {
        Some(match code {
            1 => Self::Depth,
            2 => Self::TotalBytes,
            3 => Self::EntryBytes,
            4 => Self::Ratio,
            5 => Self::Entries,
            6 => Self::Deadline,
            _ => return None,
        })
    }
}

impl fmt::Display for BudgetExceeded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Depth => "archives are nested deeper than the depth limit",
            Self::TotalBytes => "the archive tree expands to more bytes than the total-size limit",
            Self::EntryBytes => "an entry expands to more bytes than the per-entry size limit",
            Self::Ratio => "the data expands more than the ratio limit allows (decompression-bomb shape)",
            Self::Entries => "the archive tree lists more entries than the entry limit",
            Self::Deadline => "unpacking the archive tree took longer than the time limit",
        })
    }
}

impl std::error::Error for BudgetExceeded {}

/// What is left of one artifact tree's limits. Create one per attachment
/// with [`Budget::new`] and pass it to every `unpack` call for that tree.
#[derive(Debug)]
pub struct Budget {
    limits: Limits,
    started: Instant,
    bytes_used: AtomicU64,
    entries_used: AtomicU64,
    root_len: AtomicU64,
    tripped: AtomicU8,
}

impl Budget {
    /// A fresh budget; its clock starts now.
    pub fn new(limits: Limits) -> Self {
        Self {
            limits,
            started: Instant::now(),
            bytes_used: AtomicU64::new(0),
            entries_used: AtomicU64::new(0),
            root_len: AtomicU64::new(0),
            tripped: AtomicU8::new(0),
        }
    }

    /// The limits this budget was made with.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Records the compressed size of the tree's root, the base of the
    /// tree-wide ratio. The first call wins; `unpack` calls it with its
    /// input, so the first archive unpacked with a budget is its root.
    pub fn set_root_len(&self, len: u64) {
        let _ = self
            .root_len
            .compare_exchange(0, len.max(1), Ordering::Relaxed, Ordering::Relaxed);
    }

    /// Counts one listed entry; fails once the tree has listed more than
    /// `max_entries`.
    /// Listing is cheap and worth finishing, so only the deadline and the
    /// entry count stop it, not the byte budget.
    pub fn charge_entry(&self) -> Result<(), BudgetExceeded> {
        if self.expired() {
            return Err(BudgetExceeded::Deadline);
        }
        let used = self.entries_used.fetch_add(1, Ordering::Relaxed) + 1;
        if used > self.limits.max_entries {
            return Err(self.trip(BudgetExceeded::Entries));
        }
        Ok(())
    }

    /// Reserves `n` expanded bytes. Fails, reserving nothing, when that would
    /// pass the total limit or the tree-wide ratio.
    pub fn charge_bytes(&self, n: u64) -> Result<(), BudgetExceeded> {
        self.check_tripped()?;
        let tree_ratio_cap = match self.root_len.load(Ordering::Relaxed) {
            0 => u64::MAX,
            root => root.saturating_mul(self.limits.max_ratio).max(RATIO_GRACE_BYTES),
        };
        let mut used = self.bytes_used.load(Ordering::Relaxed);
        loop {
            let next = used.saturating_add(n);
            if next > self.limits.max_total_bytes {
                return Err(self.trip(BudgetExceeded::TotalBytes));
            }
            if next > tree_ratio_cap {
                return Err(self.trip(BudgetExceeded::Ratio));
            }
            match self
                .bytes_used
                .compare_exchange_weak(used, next, Ordering::Relaxed, Ordering::Relaxed)
            {
                Ok(_) => return Ok(()),
                Err(actual) => used = actual,
            }
        }
    }

    /// Fails when `depth` (0 = the attachment) is deeper than `max_depth`.
    /// The caller skips that level; siblings go on.
    pub fn check_depth(&self, depth: u32) -> Result<(), BudgetExceeded> {
        if depth > self.limits.max_depth {
            Err(BudgetExceeded::Depth)
        } else {
            Ok(())
        }
    }

    /// True once the deadline has passed (and from then on).
    pub fn expired(&self) -> bool {
        if self.started.elapsed() > self.limits.deadline {
            self.trip(BudgetExceeded::Deadline);
            true
        } else {
            self.tripped.load(Ordering::Relaxed) == BudgetExceeded::Deadline.code()
        }
    }

    /// The limit that stopped the whole tree, if one has: total bytes,
    /// tree-wide ratio, entries or deadline. Per-entry limits are reported
    /// on the entry and do not show here.
    pub fn exhausted(&self) -> Option<BudgetExceeded> {
        if let Some(hit) = BudgetExceeded::from_code(self.tripped.load(Ordering::Relaxed)) {
            return Some(hit);
        }
        self.expired().then_some(BudgetExceeded::Deadline)
    }

    /// Expanded bytes charged so far.
    pub fn bytes_used(&self) -> u64 {
        self.bytes_used.load(Ordering::Relaxed)
    }

    /// Expanded bytes still allowed by the total limit.
    pub fn remaining_bytes(&self) -> u64 {
        self.limits.max_total_bytes.saturating_sub(self.bytes_used())
    }

    /// Entries charged so far.
    pub fn entries_used(&self) -> u64 {
        self.entries_used.load(Ordering::Relaxed)
    }

    /// Time since the budget was created.
    pub fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }

    fn check_tripped(&self) -> Result<(), BudgetExceeded> {
        match self.exhausted() {
            Some(hit) => Err(hit),
            None => Ok(()),
        }
    }

    /// Records the first tree-stopping limit and returns `hit`.
    fn trip(&self, hit: BudgetExceeded) -> BudgetExceeded {
        let _ = self
            .tripped
            .compare_exchange(0, hit.code(), Ordering::Relaxed, Ordering::Relaxed);
        hit
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn total_bytes_are_reserved_not_overrun() {
        let budget = Budget::new(Limits {
            max_total_bytes: 100,
            ..Limits::default()
        });
        assert!(budget.charge_bytes(60).is_ok());
        assert_eq!(budget.charge_bytes(60), Err(BudgetExceeded::TotalBytes));
        assert_eq!(budget.bytes_used(), 60);
        assert_eq!(budget.exhausted(), Some(BudgetExceeded::TotalBytes));
    }

    #[test]
    fn tree_ratio_uses_root_length() {
        let budget = Budget::new(Limits::default());
        budget.set_root_len(10_000);
        budget.set_root_len(1);
        assert!(budget.charge_bytes(1_900_000).is_ok());
        assert_eq!(budget.charge_bytes(200_000), Err(BudgetExceeded::Ratio));
    }

    #[test]
    fn entries_and_depth() {
        let budget = Budget::new(Limits {
            max_entries: 2,
            max_depth: 1,
            ..Limits::default()
        });
        assert!(budget.charge_entry().is_ok());
        assert!(budget.charge_entry().is_ok());
        assert_eq!(budget.charge_entry(), Err(BudgetExceeded::Entries));
        assert!(budget.check_depth(1).is_ok());
        assert_eq!(budget.check_depth(2), Err(BudgetExceeded::Depth));
        assert!(BudgetExceeded::Entries.to_string().contains("entry limit"));
    }
}
