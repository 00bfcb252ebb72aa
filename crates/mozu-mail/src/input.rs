//! Recognising mail by content and splitting mbox files.
//!
//! A corpus on disk mixes .eml files, Maildir files named by the delivery
//! agent, files named by hash with no extension, mbox files and Outlook
//! .msg files, next to files that are not mail at all. Names lie, so the
//! first bytes decide.

use std::io::BufRead;

/// Bytes looked at to decide what a file is.
pub const SNIFF_BYTES: usize = 64 << 10;
/// Longest mbox line kept; longer lines are cut (the message is flagged).
pub const MAX_MBOX_LINE: usize = 1 << 20;

/// What a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputKind {
    /// One RFC 5322 message.
    Eml,
    /// An mbox file of messages separated by `From ` lines.
    Mbox,
    /// An Outlook .msg (CFB) file.
    Msg,
    /// Not mail.
    NotMail,
}

/// Header names that mark the start of a real message.
const KNOWN_HEADERS: &[&str] = &[
    "from",
    "to",
    "subject",
    "date",
    "received",
    "message-id",
    "return-path",
    "mime-version",
    "content-type",
    "delivered-to",
    "reply-to",
    "sender",
    "cc",
    "x-mailer",
    "authentication-results",
    "dkim-signature",
    "x-original-to",
    "envelope-to",
    "arc-seal",
    "x-received",
    "thread-topic",
    "content-transfer-encoding",
    "received-spf",
    "arc-message-signature",
    "arc-authentication-results",
    "content-language",
    "thread-index",
    "importance",
    "precedence",
    "errors-to",
    "organization",
    "in-reply-to",
    "references",
    "user-agent",
    "bcc",
    "auto-submitted",
    "content-disposition",
    "domainkey-signature",
    "priority",
    "comments",
    "keywords",
    "apparently-to",
    "status",
    "content-id",
    "content-description",
    "disposition-notification-to",
    "newsgroups",
    "path",
    "xref",
    "nntp-posting-host",
    "envelope-to",
    "delivery-date",
];

fn is_known(name: &str) -> bool {
    KNOWN_HEADERS.contains(&name) || name.starts_with("x-") || name.starts_with("list-") || name.starts_with("resent-")
}

/// Decides what `head` (the first bytes of a file) is.
pub fn sniff(head: &[u8]) -> InputKind {
    if mozu_msg::is_msg(head) {
        return InputKind::Msg;
    }
    let head = &head[..head.len().min(SNIFF_BYTES)];
    let text = skip_blank_lines(head);
    if text.starts_with(b"From ") && mbox_from_line(first_line(text)) {
        return InputKind::Mbox;
    }
    if looks_like_headers(text) {
        InputKind::Eml
    } else {
        InputKind::NotMail
    }
}

fn skip_blank_lines(mut b: &[u8]) -> &[u8] {
    while let Some((&c, rest)) = b.split_first() {
        if c == b'\n' || c == b'\r' || c == b' ' || c == b'\t' {
            b = rest;
        } else {
            break;
        }
    }
    b
}

fn first_line(b: &[u8]) -> &[u8] {
    let end = b.iter().position(|&c| c == b'\n' || c == b'\r').unwrap_or(b.len());
    &b[..end]
}

/// `From sender date` with at least two words after `From`.
fn mbox_from_line(line: &[u8]) -> bool {
    let words = line.split(|&c| c == b' ').filter(|w| !w.is_empty()).count();
    words >= 3 && !line.contains(&b':') || words >= 4
}

/// True when the text starts with a header block whose first field is one
/// a message has (a text file of `key: value` lines is not mail).
fn looks_like_headers(text: &[u8]) -> bool {
    let mut known = 0;
    let mut fields = 0;
    let mut first_unknown = false;
    for line in text.split(|&c| c == b'\n' || c == b'\r').take(200) {
        if line.is_empty() {
            if fields > 0 {
                break;
            }
            continue;
        }
        if line[0] == b' ' || line[0] == b'\t' {
            if fields == 0 {
                return false;
            }
            continue;
        }
        let Some(colon) = line.iter().position(|&c| c == b':') else {
            return false;
        };
        let name = &line[..colon];
        if name.is_empty() || !name.iter().all(|&c| c.is_ascii_graphic()) {
            return false;
        }
        fields += 1;
        let lower = String::from_utf8_lossy(name).to_ascii_lowercase();
        if is_known(&lower) {
            known += 1;
        } else if fields == 1 {
            first_unknown = true;
        }
    }
    // A damaged first line (`eturn-path:`) is tolerated when most of the
    // block is made of real header names.
    if first_unknown {
        known >= 3 && known * 2 >= fields
    } else {
        known > 0
    }
}

/// One message out of an mbox.
#[derive(Debug)]
pub struct MboxMessage {
    /// Zero-based position in the mbox.
    pub index: u64,
    /// The message, `>From ` quoting removed.
    pub bytes: Vec<u8>,
    /// Bytes beyond the per-message limit were dropped.
    pub truncated: bool,
}

/// Streams messages out of an mbox with bounded memory: at most
/// `max_message` bytes per message plus one line.
pub struct MboxReader<R> {
    reader: R,
    max_message: usize,
    next_index: u64,
    current: Option<MboxMessage>,
    line: Vec<u8>,
    prev_blank: bool,
    done: bool,
}

impl<R: BufRead> MboxReader<R> {
    /// Reads `reader`, keeping up to `max_message` bytes of each message.
    pub fn new(reader: R, max_message: usize) -> Self {
        MboxReader {
            reader,
            max_message,
            next_index: 0,
            current: None,
            line: Vec::new(),
            prev_blank: true,
            done: false,
        }
    }

    /// Reads one line into `self.line` (cut at [`MAX_MBOX_LINE`]); false at EOF.
    fn read_line(&mut self) -> std::io::Result<(bool, bool)> {
        self.line.clear();
        let mut cut = false;
        loop {
            let buf = self.reader.fill_buf()?;
            if buf.is_empty() {
                return Ok((!self.line.is_empty(), cut));
            }
            let (take, found) = match memchr::memchr(b'\n', buf) {
                Some(i) => (i + 1, true),
                None => (buf.len(), false),
            };
            let room = MAX_MBOX_LINE.saturating_sub(self.line.len());
            if take > room {
                cut = true;
            }
            self.line.extend_from_slice(&buf[..take.min(room)]);
            self.reader.consume(take);
            if found {
                return Ok((true, cut));
            }
        }
    }

    fn start(&mut self) -> Option<MboxMessage> {
        let msg = MboxMessage {
            index: self.next_index,
            bytes: Vec::new(),
            truncated: false,
        };
        self.next_index += 1;
        self.current.replace(msg)
    }
}

impl<R: BufRead> Iterator for MboxReader<R> {
    type Item = std::io::Result<MboxMessage>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        loop {
            let (got, cut) = match self.read_line() {
                Ok(r) => r,
                Err(e) => {
                    self.done = true;
                    return Some(Err(e));
                }
            };
            if !got {
                self.done = true;
                return self.current.take().map(Ok);
            }
            let is_sep = self.prev_blank && self.line.starts_with(b"From ");
            let blank = self.line.iter().all(|&c| c == b'\n' || c == b'\r');
            self.prev_blank = blank;
            if is_sep {
                if let Some(done) = self.start() {
                    return Some(Ok(done));
                }
                continue;
            }
            let max = self.max_message;
            let Some(msg) = self.current.as_mut() else { continue };
            let body: &[u8] = match self.line.iter().position(|&c| c != b'>') {
                // mboxrd: `>From ` / `>>From ` lose one `>`.
                Some(i) if i > 0 && self.line[i..].starts_with(b"From ") => &self.line[1..],
                _ => &self.line,
            };
            if msg.bytes.len() + body.len() > max || cut {
                msg.truncated = true;
                let room = max.saturating_sub(msg.bytes.len());
                msg.bytes.extend_from_slice(&body[..body.len().min(room)]);
            } else {
                msg.bytes.extend_from_slice(body);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_kinds() {
        assert_eq!(sniff(b"Return-Path: <a@b>\nReceived: x\n\nbody"), InputKind::Eml);
        assert_eq!(
            sniff(b"From MAILER-DAEMON Thu Sep 18 17:54:04 2008\nReceived: x\n"),
            InputKind::Mbox
        );
        assert_eq!(sniff(b"{\"a\": 1}"), InputKind::NotMail);
        assert_eq!(sniff(b"22\n"), InputKind::NotMail);
        assert_eq!(sniff(b""), InputKind::NotMail);
        assert_eq!(sniff(b"code_page: 932\nsubject: x\nsender: y\n"), InputKind::NotMail);
        assert_eq!(sniff(b"Newsgroups: a.b\nPath: x\nFrom: a@b\n\nbody"), InputKind::Eml);
        assert_eq!(sniff(b"From: a@b.example\nSubject: hi\n\nx"), InputKind::Eml);
    }

    #[test]
    fn splits_mbox_and_unquotes() {
        let data = b"From a Mon Jan  1 00:00:00 2024\nSubject: 1\n\n>From me\nFrom inside\n\nFrom b Mon Jan  1 00:00:00 2024\nSubject: 2\n\nx\n";
        let msgs: Vec<_> = MboxReader::new(&data[..], 1 << 20).map(|m| m.unwrap()).collect();
        assert_eq!(msgs.len(), 2);
        assert_eq!(msgs[0].bytes, b"Subject: 1\n\nFrom me\nFrom inside\n\n");
        assert_eq!(msgs[1].index, 1);
    }
}
