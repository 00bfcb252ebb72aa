//! Decompression of `PR_RTF_COMPRESSED` ([MS-OXRTFCP]): the LZFu scheme
//! with its 4096-byte ring dictionary, and the uncompressed `MELA` form.
//!
//! [MS-OXRTFCP]: https://learn.microsoft.com/openspecs/exchange_server_protocols/ms-oxrtfcp

use std::sync::LazyLock;

/// `COMPTYPE` of compressed RTF: "LZFu".
pub const MAGIC_COMPRESSED: u32 = 0x7546_5A4C;
/// `COMPTYPE` of uncompressed RTF: "MELA".
pub const MAGIC_UNCOMPRESSED: u32 = 0x414C_454D;
/// Size of the header: COMPSIZE, RAWSIZE, COMPTYPE, CRC.
pub const HEADER_LEN: usize = 16;
/// Size of the ring dictionary.
pub(crate) const DICT_LEN: usize = 4096;

/// The dictionary's initial contents (207 bytes), shared by all streams.
pub(crate) const PRELOAD: &[u8] = b"{\\rtf1\\ansi\\mac\\deff0\\deftab720{\\fonttbl;}{\\f0\\fnil \\froman \\fswiss \\fmodern \\fscript \\fdecor MS Sans SerifSymbolArialTimes New RomanCourier{\\colortbl\\red0\\green0\\blue0\r\n\\par \\pard\\plain\\f0\\fs20\\b\\i\\u\\tab\\tx";

/// Why compressed RTF could not be read at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RtfError {
    /// Fewer than [`HEADER_LEN`] bytes.
    #[error("compressed RTF of {0} bytes is shorter than its 16-byte header")]
    TooShort(usize),
    /// `COMPTYPE` is neither LZFu nor MELA.
    #[error("unknown compressed RTF type 0x{0:08X}")]
    UnknownType(u32),
}

/// Decompressed RTF with what was noticed on the way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RtfDecompressed {
    /// The RTF document bytes.
    pub data: Vec<u8>,
    /// `true` for LZFu, `false` for MELA.
    pub compressed: bool,
    /// CRC mismatch, size mismatch, truncation, output cap reached.
    pub warnings: Vec<String>,
}

struct Header {
    comp_size: usize,
    raw_size: usize,
    comp_type: u32,
    crc: u32,
}

fn read_header(input: &[u8]) -> Result<Header, RtfError> {
    let field = |at: usize| -> Result<u32, RtfError> {
        input
            .get(at..at + 4)
            .and_then(|b| b.try_into().ok())
            .map(u32::from_le_bytes)
            .ok_or(RtfError::TooShort(input.len()))
    };
    Ok(Header {
        comp_size: usize::try_from(field(0)?).unwrap_or(usize::MAX),
        raw_size: usize::try_from(field(4)?).unwrap_or(usize::MAX),
        comp_type: field(8)?,
        crc: field(12)?,
    })
}

/// The CRC-32 variant of MS-OXRTFCP: the usual table, but seeded with 0 and
/// not inverted at the end.
pub fn rtf_crc32(data: &[u8]) -> u32 {
    static TABLE: LazyLock<[u32; 256]> = LazyLock::new(|| {
        let mut table = [0u32; 256];
        for (n, slot) in (0u32..).zip(table.iter_mut()) {
            let mut c = n;
            for _ in 0..8 {
                c = if c & 1 == 1 { 0xEDB8_8320 ^ (c >> 1) } else { c >> 1 };
            }
            *slot = c;
        }
        table
    });
    data.iter()
        .fold(0u32, |crc, &byte| TABLE[usize::from((crc as u8) ^ byte)] ^ (crc >> 8))
}

/// Decompresses `PR_RTF_COMPRESSED`, producing at most `max_output` bytes.
///
/// Fails only on a missing header or unknown type; damaged data yields
/// what could be recovered plus warnings.
pub fn decompress_rtf(input: &[u8], max_output: usize) -> Result<RtfDecompressed, RtfError> {
    let header = read_header(input)?;
    let mut warnings = Vec::new();
    let declared_end = header.comp_size.saturating_add(4);
    if declared_end > input.len() {
        warnings.push(format!(
            "COMPSIZE says {} bytes but only {} follow; truncated",
            header.comp_size,
            input.len().saturating_sub(4)
        ));
    } else if declared_end < HEADER_LEN {
        warnings.push(format!("COMPSIZE {} is smaller than the header", header.comp_size));
    }
    let body = input.get(HEADER_LEN..declared_end.min(input.len())).unwrap_or_default();
    if header.raw_size > max_output {
        warnings.push(format!(
            "RAWSIZE {} exceeds the {max_output}-byte output limit; output truncated",
            header.raw_size
        ));
    }
    let limit = header.raw_size.min(max_output);
    let (data, compressed) = match header.comp_type {
        MAGIC_UNCOMPRESSED => {
            let data = body[..body.len().min(limit)].to_vec();
            (data, false)
        }
        MAGIC_COMPRESSED => {
            let crc = rtf_crc32(body);
            if crc != header.crc {
                warnings.push(format!("CRC mismatch: header 0x{:08X}, data 0x{crc:08X}", header.crc));
            }
            let (data, ended) = lzfu(body, limit);
            if !ended && data.len() < limit {
                warnings.push("compressed data ends without an end marker".to_owned());
            }
            (data, true)
        }
        other => return Err(RtfError::UnknownType(other)),
    };
    if data.len() < limit {
        warnings.push(format!(
            "RAWSIZE says {} bytes but {} were produced",
            header.raw_size,
            data.len()
        ));
    }
    Ok(RtfDecompressed {
        data,
        compressed,
        warnings,
    })
}

/// Runs the LZFu decoder over `body`, stopping at the end marker, the end
/// of input or `limit` output bytes. Returns the output and whether the end
/// marker was seen.
fn lzfu(body: &[u8], limit: usize) -> (Vec<u8>, bool) {
    let mut dict = [0u8; DICT_LEN];
    dict[..PRELOAD.len()].copy_from_slice(PRELOAD);
    let mut write = PRELOAD.len();
    let mut out = Vec::with_capacity(limit.min(body.len().saturating_mul(8)));
    let mut pos = 0;
    while let Some(&control) = body.get(pos) {
        pos += 1;
        for bit in 0..8 {
            if out.len() >= limit {
                return (out, false);
            }
            if control & (1 << bit) == 0 {
                let Some(&byte) = body.get(pos) else {
                    return (out, false);
                };
                pos += 1;
                dict[write] = byte;
                write = (write + 1) % DICT_LEN;
                out.push(byte);
                continue;
            }
            let Some(&[high, low]) = body.get(pos..pos + 2).and_then(|b| <&[u8; 2]>::try_from(b).ok()) else {
                return (out, false);
            };
            pos += 2;
            let reference = u16::from_be_bytes([high, low]);
            let offset = usize::from(reference >> 4);
            let length = usize::from(reference & 0x0F) + 2;
            if offset == write {
                return (out, true);
            }
            for step in 0..length {
                if out.len() >= limit {
                    return (out, false);
                }
                // Byte by byte: a reference may overlap what it writes.
                let byte = dict[(offset + step) % DICT_LEN];
                dict[write] = byte;
                write = (write + 1) % DICT_LEN;
                out.push(byte);
            }
        }
    }
    (out, false)
}
