//! What one PDF may cost, and the one capped inflate wrapper every stream
//! decompression of the raw scan goes through.

use std::io::Read;
use std::time::{Duration, Instant};

use flate2::read::{DeflateDecoder, ZlibDecoder};

use crate::{MAX_INFLATE_TOTAL, MAX_STREAM_BYTES};

/// Time and inflated bytes left while one PDF is analysed.
#[derive(Debug)]
pub struct Budget {
    started: Instant,
    deadline: Duration,
    inflated: usize,
}

/// Output of [`Budget::inflate`].
#[derive(Debug, Default)]
pub struct Inflated {
    /// Decoded bytes (possibly partial).
    pub data: Vec<u8>,
    /// True when the output hit a cap and was cut.
    pub capped: bool,
    /// True when the compressed data was damaged (output up to the damage kept).
    pub damaged: bool,
}

impl Budget {
    /// Starts the clock with `deadline` to spend.
    pub fn new(deadline: Duration) -> Self {
        Budget {
            started: Instant::now(),
            deadline,
            inflated: 0,
        }
    }

    /// True once the deadline has passed.
    pub fn expired(&self) -> bool {
        self.started.elapsed() > self.deadline
    }

    /// Time left before the deadline.
    pub fn remaining(&self) -> Duration {
        self.deadline.saturating_sub(self.started.elapsed())
    }

    /// Bytes inflated so far.
    pub fn inflated(&self) -> usize {
        self.inflated
    }

    /// Inflates FlateDecode data (zlib, or raw deflate as some writers emit)
    /// to at most [`MAX_STREAM_BYTES`] and what is left of
    /// [`MAX_INFLATE_TOTAL`].
    pub fn inflate(&mut self, compressed: &[u8]) -> Inflated {
        let cap = MAX_STREAM_BYTES.min(MAX_INFLATE_TOTAL.saturating_sub(self.inflated));
        if cap == 0 {
            return Inflated {
                capped: true,
                ..Inflated::default()
            };
        }
        let mut out = inflate_capped(ZlibDecoder::new(compressed), cap);
        if out.data.is_empty() && out.damaged {
            out = inflate_capped(DeflateDecoder::new(compressed), cap);
        }
        self.inflated += out.data.len();
        out
    }
}

fn inflate_capped<R: Read>(decoder: R, cap: usize) -> Inflated {
    let mut data = Vec::new();
    // One byte past the cap tells a stream that fits exactly from one that
    // does not; the extra byte is dropped below.
    let limit = u64::try_from(cap).unwrap_or(u64::MAX).saturating_add(1);
    // read_to_end keeps what was decoded before an error, which is what a
    // damaged stream deserves: its readable prefix.
    let damaged = decoder.take(limit).read_to_end(&mut data).is_err();
    let capped = data.len() > cap;
    data.truncate(cap);
    Inflated { data, capped, damaged }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use flate2::Compression;
    use flate2::write::ZlibEncoder;

    use super::*;

    fn zlib(data: &[u8]) -> Vec<u8> {
        let mut encoder = ZlibEncoder::new(Vec::new(), Compression::default());
        encoder.write_all(data).expect("write to Vec");
        encoder.finish().expect("finish to Vec")
    }

    #[test]
    fn inflates_zlib_and_counts() {
        let mut budget = Budget::new(Duration::from_secs(5));
        let out = budget.inflate(&zlib(b"hello hello hello"));
        assert_eq!(out.data, b"hello hello hello");
        assert!(!out.capped && !out.damaged);
        assert_eq!(budget.inflated(), 17);
    }

    #[test]
    fn bomb_is_capped() {
        let mut budget = Budget::new(Duration::from_secs(5));
        let bomb = zlib(&vec![0u8; MAX_STREAM_BYTES + 10]);
        let out = budget.inflate(&bomb);
        assert!(out.capped);
        assert_eq!(out.data.len(), MAX_STREAM_BYTES);
    }

    #[test]
    fn damaged_keeps_prefix() {
        let mut budget = Budget::new(Duration::from_secs(5));
        let mut data = zlib(&[b'a'; 10_000]);
        let len = data.len();
        data.truncate(len / 2);
        let out = budget.inflate(&data);
        assert!(out.damaged);
        let garbage = budget.inflate(b"not compressed at all");
        assert!(garbage.damaged && garbage.data.is_empty());
    }
}
