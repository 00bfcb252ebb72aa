//! Outlook RTF bodies: decompression of `PR_RTF_COMPRESSED`
//! ([`decompress_rtf`]) and rendering of RTF to text plus de-encapsulation
//! of HTML ([`render_rtf`]).
//!
//! Both work on any bytes: RTF attachments (a common malspam carrier) can be
//! rendered with [`render_rtf`] as well. Outputs are capped by the caller's
//! limit and RTF group nesting by [`MAX_RTF_GROUP_DEPTH`].

mod decompress;
mod lexer;
mod sink;
mod text;
mod words;

#[cfg(any(test, feature = "writer"))]
pub(crate) use decompress::{DICT_LEN, PRELOAD};
pub use decompress::{
    HEADER_LEN, MAGIC_COMPRESSED, MAGIC_UNCOMPRESSED, RtfDecompressed, RtfError, decompress_rtf, rtf_crc32,
};
pub use text::{MAX_RTF_GROUP_DEPTH, RenderedRtf, render_rtf};
