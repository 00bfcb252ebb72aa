//! Decoding a cabinet folder: its CFDATA blocks, stored, MSZIP or LZX,
//! exposed as one `Read` stream of the folder's uncompressed bytes.

use std::io::{self, Read};

use crate::bytes::{slice_at, u16_at};

/// Largest uncompressed size of one CFDATA block (the format's 32 KiB,
/// with room for writers that round up).
const MAX_BLOCK_OUTPUT: usize = 32 * 1024 + 6144;
/// The deflate window MSZIP carries from block to block.
const MSZIP_WINDOW: usize = 32 * 1024;

/// The compression a folder uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Method {
    Stored,
    MsZip,
    /// LZX with a window of 2^bits bytes.
    Lzx(u8),
    Unsupported(u16),
}

impl Method {
    pub(crate) fn from_type(type_compress: u16) -> Self {
        match type_compress & 0x000F {
            0 => Self::Stored,
            1 => Self::MsZip,
            3 => Self::Lzx(((type_compress >> 8) & 0x1F) as u8),
            _ => Self::Unsupported(type_compress),
        }
    }

    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::Stored => "stored",
            Self::MsZip => "mszip",
            Self::Lzx(_) => "lzx",
            Self::Unsupported(t) if t & 0xF == 2 => "quantum",
            Self::Unsupported(_) => "unknown",
        }
    }
}

enum Decoder {
    Stored,
    MsZip {
        inflate: Box<flate2::Decompress>,
        window: Vec<u8>,
    },
    Lzx(Box<lzxd::Lzxd>),
}

fn lzx_window(bits: u8) -> Option<lzxd::WindowSize> {
    use lzxd::WindowSize as W;
    Some(match bits {
        15 => W::KB32,
        16 => W::KB64,
        17 => W::KB128,
        18 => W::KB256,
        19 => W::KB512,
        20 => W::MB1,
        21 => W::MB2,
        _ => return None,
    })
}

/// Reads a folder's blocks in order.
pub(crate) struct FolderReader<'a> {
    bytes: &'a [u8],
    next_block: u64,
    blocks_left: u16,
    data_reserve: u64,
    decoder: Decoder,
    pending: Vec<u8>,
    pending_pos: usize,
}

impl<'a> FolderReader<'a> {
    /// A reader of the folder whose first CFDATA is at `first_block`.
    pub(crate) fn new(
        bytes: &'a [u8],
        first_block: u64,
        blocks: u16,
        data_reserve: u8,
        method: Method,
    ) -> Result<Self, String> {
        let decoder = match method {
            Method::Stored => Decoder::Stored,
            Method::MsZip => Decoder::MsZip {
                inflate: Box::new(flate2::Decompress::new(false)),
                window: Vec::new(),
            },
            Method::Lzx(bits) => {
                let window = lzx_window(bits).ok_or(format!("bad LZX window 2^{bits}"))?;
                Decoder::Lzx(Box::new(lzxd::Lzxd::new(window)))
            }
            Method::Unsupported(_) => {
                return Err(format!("{} compression is not supported", method.name()));
            }
        };
        Ok(Self {
            bytes,
            next_block: first_block,
            blocks_left: blocks,
            data_reserve: u64::from(data_reserve),
            decoder,
            pending: Vec::new(),
            pending_pos: 0,
        })
    }

    /// Decodes the next block into `pending`; false at the folder's end.
    fn next_block(&mut self) -> io::Result<bool> {
        if self.blocks_left == 0 {
            return Ok(false);
        }
        self.blocks_left -= 1;
        let at = self.next_block;
        let (Some(packed), Some(unpacked)) = (u16_at(self.bytes, at + 4), u16_at(self.bytes, at + 6)) else {
            return Err(invalid("truncated CFDATA header"));
        };
        let data_at = at + 8 + self.data_reserve;
        let data = slice_at(self.bytes, data_at, u64::from(packed))
            .ok_or_else(|| invalid("CFDATA runs past the end of the cabinet"))?;
        self.next_block = data_at + u64::from(packed);
        let unpacked = usize::from(unpacked);
        if unpacked == 0 {
            // Continued in the next cabinet of a set: nothing more here.
            self.blocks_left = 0;
            return Ok(false);
        }
        if unpacked > MAX_BLOCK_OUTPUT {
            return Err(invalid("CFDATA block declares too much output"));
        }
        self.pending_pos = 0;
        self.pending = match &mut self.decoder {
            Decoder::Stored => data.to_vec(),
            Decoder::MsZip { inflate, window } => mszip_block(inflate, window, data, unpacked)?,
            Decoder::Lzx(lzx) => lzx
                .decompress_next(data, unpacked)
                .map_err(|e| invalid(&format!("LZX: {e}")))?
                .to_vec(),
        };
        Ok(true)
    }
}

impl Read for FolderReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.pending_pos >= self.pending.len() {
            if !self.next_block()? {
                return Ok(0);
            }
        }
        let available = &self.pending[self.pending_pos..];
        let n = available.len().min(buf.len());
        buf[..n].copy_from_slice(&available[..n]);
        self.pending_pos += n;
        Ok(n)
    }
}

/// One MSZIP block: "CK", then a deflate stream that may refer back into
/// the previous block's last 32 KiB.
fn mszip_block(
    inflate: &mut flate2::Decompress,
    window: &mut Vec<u8>,
    data: &[u8],
    unpacked: usize,
) -> io::Result<Vec<u8>> {
    let body = data
        .strip_prefix(b"CK")
        .ok_or_else(|| invalid("MSZIP block without its CK signature"))?;
    inflate.reset(false);
    if !window.is_empty() {
        // Prime the window with a stored block holding the previous output.
        let len = window.len() as u16;
        let mut primer = Vec::with_capacity(window.len() + 5);
        primer.push(0);
        primer.extend_from_slice(&len.to_le_bytes());
        primer.extend_from_slice(&(!len).to_le_bytes());
        primer.extend_from_slice(window);
        let mut sink = Vec::with_capacity(window.len());
        inflate
            .decompress_vec(&primer, &mut sink, flate2::FlushDecompress::Sync)
            .map_err(|e| invalid(&format!("MSZIP: {e}")))?;
    }
    let mut out = Vec::with_capacity(unpacked);
    inflate
        .decompress_vec(body, &mut out, flate2::FlushDecompress::Finish)
        .map_err(|e| invalid(&format!("MSZIP: {e}")))?;
    if out.len() != unpacked {
        return Err(invalid("MSZIP block size differs from its header"));
    }
    let keep = out.len().min(MSZIP_WINDOW);
    let total = window.len() + keep;
    if total > MSZIP_WINDOW {
        window.drain(..total - MSZIP_WINDOW);
    }
    window.extend_from_slice(&out[out.len() - keep..]);
    Ok(out)
}

fn invalid(message: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, message.to_owned())
}
