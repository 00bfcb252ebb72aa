//! Output buffer of the RTF renderer: collects characters and 8-bit bytes,
//! decoding runs of bytes together so that double-byte characters written
//! as `\'82\'a0` are joined before decoding.

use crate::codepage;

/// Text output with a byte cap.
#[derive(Debug)]
pub(crate) struct Sink {
    out: String,
    bytes: Vec<u8>,
    bytes_code_page: u32,
    cap: usize,
    truncated: bool,
    /// Code pages already reported as unknown or invalid, so that each is
    /// reported once.
    reported: Vec<u32>,
}

impl Sink {
    pub(crate) fn new(cap: usize) -> Self {
        Self {
            out: String::new(),
            bytes: Vec::new(),
            bytes_code_page: 0,
            cap,
            truncated: false,
            reported: Vec::new(),
        }
    }

    /// Whether the cap was reached and output dropped.
    pub(crate) fn truncated(&self) -> bool {
        self.truncated
    }

    /// Queues one 8-bit byte in `code_page`.
    pub(crate) fn push_byte(&mut self, byte: u8, code_page: u32, warnings: &mut Vec<String>) {
        if self.truncated {
            return;
        }
        if !self.bytes.is_empty() && code_page != self.bytes_code_page {
            self.flush(warnings);
        }
        self.bytes_code_page = code_page;
        if self.out.len() + self.bytes.len() >= self.cap {
            self.truncated = true;
            return;
        }
        self.bytes.push(byte);
    }

    /// Appends a character.
    pub(crate) fn push_char(&mut self, c: char, warnings: &mut Vec<String>) {
        self.flush(warnings);
        if self.truncated || self.out.len() + c.len_utf8() > self.cap {
            self.truncated = true;
            return;
        }
        self.out.push(c);
    }

    /// Appends a string.
    pub(crate) fn push_str(&mut self, s: &str, warnings: &mut Vec<String>) {
        for c in s.chars() {
            self.push_char(c, warnings);
        }
    }

    /// Decodes queued bytes into the output.
    pub(crate) fn flush(&mut self, warnings: &mut Vec<String>) {
        if self.bytes.is_empty() {
            return;
        }
        let code_page = self.bytes_code_page;
        let encoding = match codepage::encoding_for_code_page(code_page) {
            Some(encoding) => encoding,
            None => {
                self.report(code_page, warnings, || {
                    format!("unknown code page {code_page}; \\'hh bytes decoded as windows-1252")
                });
                encoding_rs::WINDOWS_1252
            }
        };
        let bytes = std::mem::take(&mut self.bytes);
        let (text, had_errors) = encoding.decode_without_bom_handling(&bytes);
        if had_errors {
            self.report(code_page, warnings, || {
                format!(
                    "bytes invalid in code page {code_page} ({}) replaced with U+FFFD",
                    encoding.name()
                )
            });
        }
        let room = self.cap.saturating_sub(self.out.len());
        if text.len() > room {
            let mut end = room;
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            self.out.push_str(&text[..end]);
            self.truncated = true;
        } else {
            self.out.push_str(&text);
        }
        // Reuse the allocation for the next run of bytes.
        self.bytes = bytes;
        self.bytes.clear();
    }

    fn report(&mut self, code_page: u32, warnings: &mut Vec<String>, message: impl FnOnce() -> String) {
        const MAX_REPORTED: usize = 16;
        if self.reported.len() < MAX_REPORTED && !self.reported.contains(&code_page) {
            self.reported.push(code_page);
            warnings.push(message());
        }
    }

    /// Finishes and returns the text.
    pub(crate) fn finish(mut self, warnings: &mut Vec<String>) -> String {
        self.flush(warnings);
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_double_byte_sequences_and_caps() {
        let mut warnings = Vec::new();
        let mut sink = Sink::new(100);
        for byte in [0x82, 0xA0, 0x8A, 0xBF] {
            sink.push_byte(byte, 932, &mut warnings);
        }
        sink.push_char('!', &mut warnings);
        assert_eq!(sink.finish(&mut warnings), "あ漢!");
        assert!(warnings.is_empty());

        let mut small = Sink::new(4);
        small.push_str("あい", &mut warnings);
        assert!(small.truncated());
        assert_eq!(small.finish(&mut warnings), "あ");
    }
}
