//! Zip compression methods: which decoder reads which method.

use std::io::{BufReader, Read};

/// Largest LZMA dictionary accepted (the decoder allocates the smaller of
/// the dictionary and the declared output size up front).
pub const MAX_LZMA_DICT_BYTES: u64 = 128 * 1024 * 1024;
/// Memory limit for the xz decoder, in KiB.
pub const MAX_XZ_MEMORY_KIB: u32 = 128 * 1024;

/// The method's common name.
pub(crate) fn method_name(method: u16) -> &'static str {
    match method {
        0 => "stored",
        1 => "shrink",
        2..=5 => "reduce",
        6 => "implode",
        8 => "deflate",
        9 => "deflate64",
        10 => "pkware-dcl-implode",
        12 => "bzip2",
        14 => "lzma",
        18 => "ibm-terse",
        19 => "ibm-lz77",
        93 => "zstd",
        94 => "mp3",
        95 => "xz",
        96 => "jpeg",
        97 => "wavpack",
        98 => "ppmd",
        99 => "aes",
        _ => "unknown",
    }
}

/// Why the method cannot be read, if it cannot.
pub(crate) fn supported(method: u16) -> Result<(), String> {
    match method {
        0 | 8 | 9 | 12 | 14 | 95 => Ok(()),
        other => Err(format!(
            "compression method {other} ({}) is not supported",
            method_name(other)
        )),
    }
}

/// A reader of the decompressed data, or why there is none.
pub(crate) fn decoder<'a>(
    method: u16,
    input: Box<dyn Read + 'a>,
    declared_size: u64,
    eos_marker: bool,
) -> Result<Box<dyn Read + 'a>, String> {
    Ok(match method {
        0 => input,
        8 => Box::new(flate2::read::DeflateDecoder::new(input)),
        9 => Box::new(deflate64::Deflate64Decoder::new(BufReader::new(input))),
        12 => Box::new(bzip2::read::BzDecoder::new(input)),
        14 => lzma(input, declared_size, eos_marker)?,
        95 => Box::new(lzma_rust2::XzReader::new_mem_limit(input, true, MAX_XZ_MEMORY_KIB)),
        other => return Err(supported(other).err().unwrap_or_default()),
    })
}

/// Zip's LZMA: a 2-byte version, a 2-byte properties length, the 5-byte
/// properties, then the raw stream (end marker when flag bit 1 is set).
fn lzma<'a>(mut input: Box<dyn Read + 'a>, declared_size: u64, eos_marker: bool) -> Result<Box<dyn Read + 'a>, String> {
    let mut header = [0u8; 9];
    input
        .read_exact(&mut header)
        .map_err(|e| format!("truncated LZMA header: {e}"))?;
    if u16::from_le_bytes([header[2], header[3]]) != 5 {
        return Err("unexpected LZMA properties length".into());
    }
    let props = header[4];
    let dict = u32::from_le_bytes([header[5], header[6], header[7], header[8]]);
    let size = if eos_marker { u64::MAX } else { declared_size };
    if u64::from(dict).min(size) > MAX_LZMA_DICT_BYTES {
        return Err(format!("LZMA dictionary of {dict} bytes is over the limit"));
    }
    let reader = lzma_rust2::LzmaReader::new_with_props(input, size, props, dict, None)
        .map_err(|e| format!("bad LZMA properties: {e}"))?;
    Ok(Box::new(reader))
}
