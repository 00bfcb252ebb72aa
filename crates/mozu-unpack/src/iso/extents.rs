//! Files found in an image and how their extents are read.

use std::io::{self, Read};

use crate::Entry;
use crate::bytes::clipped_at;
use crate::capped::read_capped_strict;
use crate::sink::Sink;

/// A file found in an image.
#[derive(Debug, Clone)]
pub(crate) struct Found {
    /// Path inside the image, `/`-separated.
    pub(crate) path: String,
    /// Declared size.
    pub(crate) size: u64,
    /// (byte offset, length) of each extent, in order; an offset of
    /// `u64::MAX` is an unrecorded extent that reads as zeros.
    pub(crate) extents: Vec<(u64, u64)>,
    /// Marked hidden: image-borne malware hides its DLL next to the .lnk.
    pub(crate) hidden: bool,
}

/// Reads a file's extents in order, up to its declared size.
struct ExtentReader<'a> {
    bytes: &'a [u8],
    extents: std::vec::IntoIter<(u64, u64)>,
    current: Option<(u64, u64)>,
    left: u64,
}

impl Read for ExtentReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            if self.left == 0 {
                return Ok(0);
            }
            let Some((offset, len)) = self.current.filter(|&(_, len)| len > 0) else {
                match self.extents.next() {
                    Some(next) => {
                        self.current = Some(next);
                        continue;
                    }
                    None => return Ok(0),
                }
            };
            let want = (buf.len() as u64).min(len).min(self.left);
            let n = if offset == u64::MAX {
                let n = usize::try_from(want).unwrap_or(buf.len());
                buf[..n].fill(0);
                n
            } else {
                let source = clipped_at(self.bytes, offset, want);
                if source.is_empty() {
                    // The extent points past the end of the image.
                    return Ok(0);
                }
                buf[..source.len()].copy_from_slice(source);
                source.len()
            };
            let advance = if offset == u64::MAX { offset } else { offset + n as u64 };
            self.current = Some((advance, len - n as u64));
            self.left -= n as u64;
            return Ok(n);
        }
    }
}

/// Lists the files and extracts them through the capped reader.
pub(crate) fn store(bytes: &[u8], files: Vec<Found>, sink: &mut Sink<'_>) {
    for file in files {
        if !sink.admit() {
            break;
        }
        if file.hidden {
            sink.warn(format!("hidden entry: {}", file.path));
        }
        // Unrecorded extents read as zeros without taking space: the ratio
        // is measured on the recorded bytes.
        let recorded = file
            .extents
            .iter()
            .filter(|&&(offset, _)| offset != u64::MAX)
            .fold(0u64, |sum, &(_, len)| sum.saturating_add(len))
            .min(file.size);
        let mut entry = Entry {
            name: file.path,
            declared_size: file.size,
            compressed_size: recorded,
            ..Entry::default()
        };
        if let Some(hit) = sink.stopped() {
            entry.note = Some(format!("not extracted: {hit}"));
        } else {
            let reader = ExtentReader {
                bytes,
                extents: file.extents.into_iter(),
                current: None,
                left: file.size,
            };
            let result = read_capped_strict(reader, recorded, sink.budget);
            if let Ok(data) = &result
                && (data.len() as u64) < file.size
            {
                entry.note = Some(format!(
                    "the image ends before the file does ({} of {} bytes)",
                    data.len(),
                    file.size
                ));
            }
            sink.fill(&mut entry, result);
        }
        sink.entries.push(entry);
    }
}
