//! The one capped wrapper every decompressor's output goes through.
//!
//! Output is read in fixed chunks and kept only while it stays under the
//! per-entry size, the per-entry ratio and the tree's remaining budget;
//! declared sizes are never used to allocate.

use std::io::{self, Read};

use crate::budget::{Budget, BudgetExceeded, RATIO_GRACE_BYTES};

/// Bytes read from a decompressor per call.
pub const CHUNK_BYTES: usize = 64 * 1024;
/// `Interrupted` reads retried in a row before giving up.
const MAX_INTERRUPTED_RETRIES: u32 = 1_000;

/// Why a capped read stopped early.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CapError {
    /// A limit was reached; the partial output is dropped.
    #[error("{0}")]
    Budget(BudgetExceeded),
    /// The decompressor failed (corrupt data, wrong password, bad checksum).
    #[error("{error} (after {read} bytes)")]
    Io {
        /// The decompressor's error.
        error: io::Error,
        /// Bytes produced before the failure.
        read: u64,
        /// The bytes produced before the failure (within the limits).
        partial: Vec<u8>,
    },
}

/// Reads `reader` to its end under the budget: stops at `max_entry_bytes`,
/// at `max_ratio` × `compressed_len` (output under
/// [`RATIO_GRACE_BYTES`] is exempt), at the tree's remaining bytes and at
/// the deadline. Memory stays within the cap plus one chunk.
///
/// A read error ends the output early and what was read so far is returned
/// (a truncated payload is still worth triage); use [`read_capped_strict`]
/// to tell a clean end from a failure.
pub fn read_capped<R: Read>(reader: R, compressed_len: u64, budget: &Budget) -> Result<Vec<u8>, BudgetExceeded> {
    match read_capped_strict(reader, compressed_len, budget) {
        Ok(data) => Ok(data),
        Err(CapError::Budget(hit)) => Err(hit),
        Err(CapError::Io { partial, .. }) => Ok(partial),
    }
}

/// [`read_capped`] that also reports decompressor failures.
pub fn read_capped_strict<R: Read>(mut reader: R, compressed_len: u64, budget: &Budget) -> Result<Vec<u8>, CapError> {
    let limits = budget.limits();
    let ratio_cap = compressed_len.saturating_mul(limits.max_ratio).max(RATIO_GRACE_BYTES);
    let (cap, cap_hit) = if ratio_cap < limits.max_entry_bytes {
        (ratio_cap, BudgetExceeded::Ratio)
    } else {
        (limits.max_entry_bytes, BudgetExceeded::EntryBytes)
    };
    let mut out: Vec<u8> = Vec::new();
    let mut chunk = vec![0u8; CHUNK_BYTES];
    let mut interrupted = 0u32;
    loop {
        if let Some(hit) = budget.exhausted() {
            return Err(CapError::Budget(hit));
        }
        let n = match reader.read(&mut chunk) {
            Ok(0) => return Ok(out),
            Ok(n) => n.min(chunk.len()),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {
                interrupted += 1;
                if interrupted > MAX_INTERRUPTED_RETRIES {
                    return Err(io_error(e, out));
                }
                continue;
            }
            Err(e) => return Err(io_error(e, out)),
        };
        interrupted = 0;
        let len = out.len() as u64;
        if len.saturating_add(n as u64) > cap {
            return Err(CapError::Budget(cap_hit));
        }
        budget.charge_bytes(n as u64).map_err(CapError::Budget)?;
        grow_within(&mut out, n, cap);
        out.extend_from_slice(&chunk[..n]);
    }
}

fn io_error(error: io::Error, partial: Vec<u8>) -> CapError {
    CapError::Io {
        error,
        read: partial.len() as u64,
        partial,
    }
}

/// Reserves room for `extra` more bytes, doubling as `Vec` would but never
/// past `cap`, so a capped read never holds much more than it may keep.
fn grow_within(out: &mut Vec<u8>, extra: usize, cap: u64) {
    let needed = out.len().saturating_add(extra);
    if needed <= out.capacity() {
        return;
    }
    let cap = usize::try_from(cap).unwrap_or(usize::MAX);
    let target = out.capacity().saturating_mul(2).max(needed).min(cap.max(needed));
    out.reserve_exact(target - out.len());
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::budget::Limits;

    #[test]
    fn stops_at_entry_cap_and_ratio() {
        let budget = Budget::new(Limits {
            max_entry_bytes: 2 * 1024 * 1024,
            ..Limits::default()
        });
        let zeros = io::repeat(0).take(10 * 1024 * 1024);
        let hit = read_capped(zeros, u64::MAX / 2, &budget).unwrap_err();
        assert_eq!(hit, BudgetExceeded::EntryBytes);
        let zeros = io::repeat(0).take(10 * 1024 * 1024);
        let hit = read_capped(zeros, 100, &budget).unwrap_err();
        assert_eq!(hit, BudgetExceeded::Ratio);
        assert!(budget.bytes_used() <= 4 * 1024 * 1024);
    }

    #[test]
    fn small_output_is_exact_and_charged() {
        let budget = Budget::new(Limits::default());
        let data = read_capped(&b"hello"[..], 5, &budget).unwrap();
        assert_eq!(data, b"hello");
        assert_eq!(budget.bytes_used(), 5);
    }

    #[test]
    fn read_errors_keep_the_prefix() {
        struct Failing(u8);
        impl Read for Failing {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                if self.0 == 0 {
                    return Err(io::Error::new(io::ErrorKind::InvalidData, "corrupt"));
                }
                self.0 -= 1;
                buf[0] = b'x';
                Ok(1)
            }
        }
        let budget = Budget::new(Limits::default());
        assert_eq!(read_capped(Failing(3), 3, &budget).unwrap(), b"xxx");
        match read_capped_strict(Failing(2), 3, &budget) {
            Err(CapError::Io { read, .. }) => assert_eq!(read, 2),
            other => panic!("unexpected {other:?}"),
        }
    }
}
